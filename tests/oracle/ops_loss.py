# Oracle for ops_loss.c: binary_cross_entropy_with_logits and mse_loss (mean
# reduction), forward and backward for input and target, on contiguous,
# non-contiguous and broadcast operands.
from oracle import check, leaf, sl
import torch
import torch.nn.functional as F


def logits():
    return leaf([[-20.0, -1.5, 0.0], [0.25, 2.0, 30.0]])


def targets():
    return leaf([[0.0, 1.0, 0.5], [1.0, 0.25, 0.0]])


LOSSES = [("bce_with_logits", F.binary_cross_entropy_with_logits), ("mse_loss", F.mse_loss)]

for name, f in LOSSES:
    def both(f=f):
        x, y = logits(), targets()
        return f(x, y), [x, y]
    check(name, both)

    def input_only(f=f):
        x, y = logits(), targets().detach()
        return f(x, y), [x]
    check(name + " input only", input_only)

    def target_only(f=f):
        x, y = logits().detach(), targets()
        return f(x, y), [y]
    check(name + " target only", target_only)

    def transposed(f=f):
        x = leaf([[0.5, -1.0], [2.0, 0.0], [-0.25, 1.5]])
        y = leaf([[1.0, 0.0, 0.5, 1.0, 0.75, 0.0]])
        return f(x.transpose(0, 1), y.view(2, 3)), [x, y]
    check(name + " transposed", transposed)

    def sliced_f64(f=f):
        x = leaf([[0.5, 9.0, -1.0, 9.0], [2.0, 9.0, 0.0, 9.0]], torch.float64)
        y = leaf([[1.0, 0.0], [0.25, 1.0]], torch.float64)
        return f(sl(x, 1, 0, 4, 2), y), [x, y]
    check(name + " sliced f64", sliced_f64)

    def scalar(f=f):
        x, y = leaf(0.75), leaf(0.25)
        return f(x, y), [x, y]
    check(name + " 0-dim", scalar)

    def chained(f=f):
        w = leaf([[0.5, -0.25], [1.0, 0.75], [-1.5, 0.5]])
        x = torch.tensor([[1.0, 2.0, -1.0], [0.5, 0.0, 1.5]])
        y = torch.tensor([[1.0, 0.0], [0.0, 1.0]])
        return f(torch.matmul(x, w), y), [w]
    check(name + " after matmul", chained)


# mse_loss broadcasts input and target (PyTorch warns; the warning is ignored).
def mse_bcast():
    x = leaf([[0.5], [2.0]])
    y = leaf([1.0, -1.0, 0.25])
    return F.mse_loss(x, y), [x, y]


check("mse_loss broadcast", mse_bcast)
