# Oracle for ops_highorder.c: torch.autograd.grad with and without
# create_graph (first derivatives that have a graph, second derivatives
# through them), backward with create_graph, retain_graph, and gradient
# accumulation across backward calls.
from oracle import graph, leaf, show, sl, weights
import torch
import torch.nn.functional as F


def derivative(label, g):
    """A derivative's value and whether it has a graph. The graph itself is
    not compared: tensorgrad's derivative formulas are built from its own
    operations, not node for node from PyTorch's derivatives.yaml."""
    show(label, g.detach())
    print(label, "requires_grad:", g.requires_grad)


def grads(label, outs, ins, grad_outs=None, create_graph=False, retain_graph=None):
    """torch.autograd.grad; prints each gradient."""
    gs = torch.autograd.grad(outs, ins, grad_outs, create_graph=create_graph, retain_graph=retain_graph)
    for i, g in enumerate(gs):
        derivative(f"{label} d{i}", g)
    return gs


def xs():
    return leaf([[0.5, 1.25, 2.0], [1.5, 0.25, 3.0]])


def ys():
    return leaf([[2.0, -1.0, 0.5], [1.0, 3.0, -0.5]])


# f(x, y) -> first derivatives with create_graph (for x, and y when f uses
# it), then the second derivatives of sum(w * first) for each input in turn
# (an input a first derivative does not depend on gives PyTorch's error).
FUNCS = [
    ("cube", False, lambda x, y: x ** 3),
    ("exp sin", False, lambda x, y: torch.exp(x) * torch.sin(x)),
    ("tanh sigmoid", False, lambda x, y: torch.tanh(x) + torch.sigmoid(x)),
    ("log div", False, lambda x, y: torch.log(x) / x),
    ("sqrt mul", False, lambda x, y: torch.sqrt(x) * x),
    ("cos neg", False, lambda x, y: -torch.cos(x * 2)),
    ("x*y", True, lambda x, y: x * y * y),
    ("x/y", True, lambda x, y: x / y),
    ("x**y", True, lambda x, y: x ** y),
    ("y**x", True, lambda x, y: torch.abs(y) ** x),
    ("sub rsub", True, lambda x, y: (1 - x) * (x - y) + (y + 2) * x),
    ("scalar forms", False, lambda x, y: (x * 3 - 1) / 2 + x ** 0.5),
    ("maximum", True, lambda x, y: torch.maximum(x, y) * x),
    ("minimum", True, lambda x, y: torch.minimum(x * x, y)),
    ("abs relu", True, lambda x, y: torch.abs(y - x) * torch.relu(y) * x),
    ("where", True, lambda x, y: torch.where(y > 0, x * x, y * x)),
    ("sum_dim", False, lambda x, y: x.sum(dim=[1], keepdim=True) * x),
    ("mean_dim", True, lambda x, y: (x * y).mean(dim=[0]) ** 2),
    ("mean", False, lambda x, y: x.mean() * x),
    ("max_dim", False, lambda x, y: x.max(1)[0] ** 2),
    ("norm", False, lambda x, y: x.norm() * x),
    ("view transpose", True, lambda x, y: x.view(3, 2).transpose(0, 1) * y.view(3, 2).transpose(0, 1) * x),
    ("permute expand", False, lambda x, y: x.permute(1, 0).unsqueeze(0).expand(2, 3, 2).sum(dim=[0]) ** 2),
    ("select slice", False, lambda x, y: x.select(0, 1) ** 3 + sl(x, 1, 0, 3, 2).sum() ** 2),
    ("matmul", True, lambda x, y: torch.matmul(x, y.transpose(0, 1)) ** 2),
    ("matmul relu", True, lambda x, y: torch.relu(torch.matmul(x.transpose(0, 1), y))),
    ("matmul vector", True, lambda x, y: torch.matmul(x, y.select(0, 0)) ** 2),
    ("to f64", False, lambda x, y: x.to(torch.float64) ** 2),
    ("mse_loss", True, lambda x, y: F.mse_loss(x * x, y)),
    ("bce_with_logits", True, lambda x, y: F.binary_cross_entropy_with_logits(x * y, torch.sigmoid(y))),
]

for name, uses_y, f in FUNCS:
    x, y = xs(), ys()
    wrt = [x, y] if uses_y else [x]
    out = f(x, y)
    show(name, out)
    graph(name, out)
    first = grads(name + " first", [out], wrt, [weights(out)], create_graph=True)
    for i, g in enumerate(first):
        if not g.requires_grad:
            print(f"{name} second d{i}: constant")
            continue
        for j, inp in enumerate(wrt):
            try:
                grads(f"{name} second d{i}d{j}", [(g * weights(g)).sum()], [inp], retain_graph=True)
            except RuntimeError as e:
                print(f"{name} second d{i}d{j} error:", e)


# Third derivative of a one-element function.
x = leaf(0.5)
y = x ** 4 + torch.exp(x)
(g1,) = grads("third g1", [y], [x], create_graph=True)
(g2,) = grads("third g2", [g1], [x], create_graph=True)
(g3,) = grads("third g3", [g2], [x])

# autograd.grad does not touch .grad; several outputs with grad_outputs.
x, y = xs(), ys()
a, b = x * y, (x ** 2).sum()
grads("two outputs", [a, b], [x, y], [weights(a), torch.tensor(2.0)])
print("grad untouched:", x.grad, y.grad)

# backward with create_graph: the gradient has a graph, and a second
# backward through it accumulates into the same .grad.
x = leaf([0.5, 2.0])
(x ** 3).sum().backward(create_graph=True)
derivative("create_graph x.grad", x.grad)
x.grad.sum().backward()
derivative("after second backward x.grad", x.grad)
x.grad = None   # breaks the cycle x -> grad -> graph -> x, as PyTorch advises

# retain_graph: backward twice through one graph accumulates.
x = leaf([0.5, -1.0, 2.0])
z = (x * x * torch.exp(x)).sum()
z.backward(retain_graph=True)
show("retain first", x.grad)
z.backward(retain_graph=True)
show("retain second", x.grad)
z.backward()
show("retain third", x.grad)

# Accumulation across two graphs that share a leaf, and clearing .grad.
x = leaf([1.0, 2.0, 3.0])
(x * 2).sum().backward()
show("accumulate first", x.grad)
(x ** 2).sum().backward()
show("accumulate second", x.grad)
x.grad = None
(x ** 2).sum().backward()
show("after clearing", x.grad)

# A leaf used twice in one graph and through two paths.
x = leaf([1.0, -2.0])
u = x * 3
(u * u + u * x + x).sum().backward()
show("diamond", x.grad)

# A gradient accumulated into a leaf whose .grad was first set by autograd.grad
# with create_graph from another output.
x = leaf([0.25, 4.0])
(gx,) = torch.autograd.grad((x ** 2).sum(), [x], create_graph=True)
(gx * x).sum().backward()
show("grad of grad into .grad", x.grad)

# t's derivative is t again (TBackward0), under create_graph too.
x = leaf([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
w = leaf([[0.5, -1.0], [2.0, 0.25], [1.5, -0.5]])
(gx,) = torch.autograd.grad((x.t() * w).sum(), [x], create_graph=True)
show("grad through t", gx)
graph("grad through t", gx)
