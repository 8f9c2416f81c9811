# Oracle for ops_activation.c: elementwise math functions and activations,
# forward and backward, on contiguous, transposed f64, expanded, 0-dim and
# zero-size inputs, with integer and bool inputs and PyTorch's errors.
from oracle import check, leaf
import torch

# Values for each domain (dyadic, so float32 and float64 agree).
DOMAIN = {
    "any": [-2.0, -0.75, 0.0, 0.25, 0.5, 1.0, 1.5, 3.0],
    "pos": [0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 4.5, 10.0],
    "unit": [-0.875, -0.5, 0.0, 0.25, 0.5, 0.625, 0.375, 0.9375],
    "ge1": [1.25, 1.5, 2.0, 3.0, 4.0, 1.125, 10.0, 5.5],
    "half": [-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 2.75, -3.25],
}


def err(label, f):
    try:
        print(label + ":", f())
    except (RuntimeError, TypeError, ValueError) as e:
        print(f"{label}: error: {e}")


def dt(label, f):
    try:
        t = f()
        print(label + ":", t)
        print(label, "dtype:", t.dtype)
    except RuntimeError as e:
        print(f"{label}: error: {e}")


def cases(name, f, domain):
    v = DOMAIN[domain]
    check(name, lambda: (lambda u: (f(u), [u]))(leaf([v[:4], v[4:]])))
    check(name + " f64 transposed",
          lambda: (lambda u: (f(u.transpose(0, 1)), [u]))(leaf([v[i:i + 2] for i in range(0, 8, 2)], torch.float64)))
    check(name + " expanded", lambda: (lambda u: (f(u.expand(3, 4)), [u]))(leaf([v[:4]])))
    check(name + " 0-dim", lambda: (lambda u: (f(u), [u]))(leaf(v[5])))
    check(name + " zero-size", lambda: (lambda u: (f(u), [u]))(torch.zeros(0, 3, requires_grad=True)))


MATH = [
    ("log1p", torch.log1p, "pos"), ("log2", torch.log2, "pos"), ("log10", torch.log10, "pos"),
    ("rsqrt", torch.rsqrt, "pos"), ("reciprocal", torch.reciprocal, "pos"), ("square", torch.square, "any"),
    ("tan", torch.tan, "any"), ("asin", torch.asin, "unit"), ("acos", torch.acos, "unit"),
    ("atan", torch.atan, "any"), ("sinh", torch.sinh, "any"), ("cosh", torch.cosh, "any"),
    ("asinh", torch.asinh, "any"), ("acosh", torch.acosh, "ge1"), ("atanh", torch.atanh, "unit"),
    ("erf", torch.erf, "any"), ("erfc", torch.erfc, "any"), ("erfinv", torch.erfinv, "unit"),
    ("floor", torch.floor, "half"), ("ceil", torch.ceil, "half"), ("round", torch.round, "half"),
    ("trunc", torch.trunc, "half"), ("frac", torch.frac, "half"),
]

i64 = torch.tensor([[3, -2], [0, 7]])
i32 = torch.tensor([5, -4], dtype=torch.int32)
bo = torch.tensor([True, False])
for name, f, domain in MATH:
    cases(name, f, domain)
    dt(name + " i64", lambda: f(i64))
    dt(name + " i32", lambda: f(i32))
    dt(name + " bool", lambda: f(bo))
err("erfinv edges", lambda: torch.erfinv(torch.tensor([-1.0, 1.0, 1.5, float("nan"), -0.0])))
err("round nan inf", lambda: torch.round(torch.tensor([float("nan"), float("inf"), -0.5, 0.49999997])))
