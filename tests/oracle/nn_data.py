# What the nn oracle scripts (nn_*.py) share with each other, beside
# oracle.py; nn_data.h is its C side.
from oracle import check, show_strides
import torch


def data(a, b, *shape):
    """Values ((i * a + b) mod 13 - 6) / 4 in shape: exact in f32, varied."""
    n = 1
    for s in shape:
        n *= s
    return torch.tensor([((i * a + b) % 13 - 6) / 4 for i in range(n)]).reshape(shape)


def leaf(t):
    return t.requires_grad_()


def leaf64(t):
    return t.double().requires_grad_()


def check_strided(label, out, leaves):
    """oracle.h's check_strided: the strides, then check()."""
    show_strides(label, out)
    check(label, lambda: (out, leaves))
