# Oracle for ops_matmul.c: torch.matmul over every combination of 1-D, 2-D,
# 3-D and batch-broadcast 4-D operands, forward and backward, comparing the
# whole chain of grad_fn nodes PyTorch builds for each case.
from oracle import check, leaf, sl
import torch


def seq(*shape, scale=4.0, shift=0.0, dtype=torch.float32):
    """A leaf of the given shape with values (0, 1, 2, ...) / scale - shift."""
    n = 1
    for s in shape:
        n *= s
    return (torch.arange(float(n)) / scale - shift).reshape(shape).to(dtype).requires_grad_()


CASES = [
    ("1-D . 1-D", (3,), (3,)),
    ("2-D @ 1-D", (2, 3), (3,)),
    ("1-D @ 2-D", (3,), (3, 4)),
    ("2-D @ 2-D", (2, 3), (3, 4)),
    ("3-D @ 2-D", (2, 2, 3), (3, 4)),
    ("2-D @ 3-D", (2, 3), (2, 3, 4)),
    ("3-D @ 1-D", (2, 2, 3), (3,)),
    ("1-D @ 3-D", (3,), (2, 3, 4)),
    ("3-D @ 3-D", (2, 2, 3), (2, 3, 4)),
    ("4-D @ 3-D", (2, 1, 2, 3), (3, 3, 4)),
    ("3-D @ 4-D", (3, 2, 3), (2, 1, 3, 2)),
    ("4-D @ 1-D", (2, 1, 2, 3), (3,)),
    ("1-D @ 4-D", (3,), (2, 1, 3, 2)),
    ("4-D @ 2-D", (1, 2, 2, 3), (3, 2)),
    ("2-D @ 4-D", (2, 3), (2, 1, 3, 2)),
    ("batch 1 @ 3-D", (1, 2, 3), (3, 3, 2)),
]

for name, sa, sb in CASES:
    def make(sa=sa, sb=sb):
        a = seq(*sa, shift=1.0)
        b = seq(*sb, scale=8.0, shift=0.5)
        return torch.matmul(a, b), [a, b]
    check(name, make)

    def make_left(sa=sa, sb=sb):
        a = seq(*sa, shift=1.0)
        b = seq(*sb, scale=8.0, shift=0.5).detach()
        return torch.matmul(a, b), [a]
    check(name + " left only", make_left)

    def make_right(sa=sa, sb=sb):
        a = seq(*sa, shift=1.0).detach()
        b = seq(*sb, scale=8.0, shift=0.5)
        return torch.matmul(a, b), [b]
    check(name + " right only", make_right)


# Non-contiguous operands.
def transposed():
    a = seq(3, 2, shift=1.0)
    b = seq(4, 3, scale=8.0)
    return torch.matmul(a.transpose(0, 1), b.transpose(0, 1)), [a, b]


def sliced():
    a = seq(2, 6, shift=1.0)
    b = seq(3, 4, scale=8.0)
    return torch.matmul(sl(a, 1, 0, 6, 2), b), [a, b]


def expanded():
    a = seq(1, 2, 3, shift=1.0)
    b = seq(2, 3, 2, scale=8.0)
    return torch.matmul(a.expand(2, 2, 3), b), [a, b]


def permuted_batch():
    a = seq(2, 3, 2, shift=1.0)
    b = seq(2, 3, 4, scale=8.0)
    return torch.matmul(a.permute(0, 2, 1), b), [a, b]


def vector_stride():
    a = seq(2, 3, shift=1.0)
    v = seq(3, 2, scale=8.0)
    return torch.matmul(a, v.select(1, 1)), [a, v]


def f64():
    a = seq(2, 3, shift=1.0, dtype=torch.float64)
    b = seq(2, 3, 2, scale=8.0, dtype=torch.float64)
    return torch.matmul(a, b), [a, b]


for name, make in [("transposed", transposed), ("sliced", sliced), ("expanded", expanded),
                   ("permuted batch", permuted_batch), ("vector stride", vector_stride), ("f64", f64)]:
    check(name, make)


# matmul inside a longer expression (a two-layer perceptron).
def mlp():
    x = seq(4, 3, shift=1.0)
    w1 = seq(3, 5, scale=8.0, shift=0.5)
    w2 = seq(5, 2, scale=8.0, shift=0.25)
    h = torch.relu(torch.matmul(x, w1))
    return torch.matmul(h, w2).sum(), [x, w1, w2]


check("mlp", mlp)
