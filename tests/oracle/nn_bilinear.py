# Oracle for nn_bilinear.c: torch.nn.Bilinear printed, its state_dict
# names and shapes, its init bound, forwards with every parameter filled by
# the same rule in both programs, their gradients, and PyTorch's errors.
import math

from oracle import check, describe_module, fill_parameters, show
import torch
import torch.nn as nn


def inputs(shape, a):
    n = math.prod(shape)
    return torch.tensor([((13 * i + a) % 17 - 8) / 8 for i in range(n)]).reshape(shape).requires_grad_()


def attempt(label, f):
    try:
        show(label, f())
    except Exception as e:
        print(f"{label}: error: {e}")


def init_bound(in1, in2, out):
    m = nn.Bilinear(in1, in2, out)
    bound = 1 / math.sqrt(in1)
    for name in ("weight", "bias"):
        p = getattr(m, name)
        lo, hi = p.min().item(), p.max().item()
        print(f"Bilinear({in1}, {in2}, {out}).{name} within bound: {lo >= -bound and hi <= bound}, spread: {hi > lo}")


def forward(label, bias, shape1, shape2):
    m = nn.Bilinear(shape1[-1], shape2[-1], 2, bias=bias)
    fill_parameters(m)
    x1, x2 = inputs(shape1, 0), inputs(shape2, 5)
    leaves = [x1, x2, m.weight] + ([m.bias] if bias else [])
    check(label, lambda: (m(x1, x2), leaves))


m = nn.Bilinear(3, 4, 5)
describe_module(m)
attempt("wrong size", lambda: m(torch.ones(2, 4), torch.ones(2, 4)))
attempt("batch sizes", lambda: m(torch.ones(2, 3), torch.ones(3, 4)))
describe_module(nn.Bilinear(2, 1, 3, bias=False))
init_bound(3, 4, 5)
init_bound(16, 2, 8)

forward("batched", True, (3, 2), (3, 4))
forward("no bias", False, (3, 2), (3, 4))
forward("leading dims", True, (2, 2, 3), (2, 2, 2))
forward("no batch", True, (3,), (2,))

try:
    nn.Bilinear(0, 2, 2)
    print("Bilinear(0, 2, 2): made")
except ZeroDivisionError as e:
    print(f"Bilinear(0, 2, 2): {e}")
