# What the optim oracle scripts share (optim_common.h is its C side): the
# fixed values their parameters and gradients are made of, the parameters
# and losses the optimizer tests train, and rows of values printed with 17
# digits, so that any difference shows.
import torch


def values(n, a, b, c, d):
    return [((i * a) % b - c) / d for i in range(n)]


def row(label, ts):
    print(label, " ".join("%.17g" % v for t in ts for v in t.detach().double().flatten().tolist()))


def params(dtype):
    w = torch.tensor(values(35, 37, 23, 11, 8.0), dtype=dtype).reshape(5, 7).requires_grad_()
    b = torch.tensor(values(3, 5, 7, 3, 4.0), dtype=dtype).requires_grad_()
    unused = torch.tensor([1.5, -2.5], dtype=dtype).requires_grad_()
    return [w, b, unused]


def curvature(p):
    n = p.numel()
    a = torch.tensor([0.5 + ((i * 13) % 7) / 4 for i in range(n)], dtype=p.dtype).reshape(p.shape)
    b = torch.tensor(values(n, 29, 17, 8, 16.0), dtype=p.dtype).reshape(p.shape)
    return a, b


def backward(ps, step):
    """The gradient of each of the first two parameters is p * A + B / (step + 1)."""
    loss = 0
    for p in ps[:2]:
        a, b = curvature(p)
        g = p.detach() * a + b * (1.0 / (step + 1))
        loss = loss + (p * g).sum()
    loss.backward()
