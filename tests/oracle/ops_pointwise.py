# Oracle for ops_pointwise.c: comparisons, logical operations,
# isnan/isinf/isfinite, clamp, masked_fill and the pointwise binary
# functions: values, result dtypes and strides on broadcast, transposed,
# expanded, 0-dim, zero-size, f64, integer and bool inputs, gradients and
# graphs, in-place twins and PyTorch's errors.
from oracle import check, leaf
import math
import torch

inf, nan = math.inf, math.nan


def dt(label, f):
    """The result's value, dtype, strides and requires_grad, or the error."""
    try:
        t = f()
    except RuntimeError as e:
        print(f"{label}: error: {e}")
        return
    print(label + ":", t, t.dtype, tuple(t.stride()), t.requires_grad)


def g(x):
    """A number as C's %g prints it."""
    return "%g" % x


ops = {
    "fa": torch.tensor([[1, -2, nan], [inf, 0, 2.5]]),
    "fb": torch.tensor([1, 0.5, nan]),
    "ia": torch.tensor([[1, -2, 0], [3, 0, 2]]),
    "ib": torch.tensor([1, 0, 2], dtype=torch.int32),
    "ba": torch.tensor([[True, False, True], [False, False, True]]),
    "z64": torch.tensor(2.5, dtype=torch.float64),
    "ft": torch.tensor([[0.5, -inf], [2, 0], [-1, 2.5]]).t(),
    "fe": torch.tensor([[-1, 0, 2.5]]).expand(2, 3),
    "empty": torch.zeros(0, 3),
    "f64": torch.tensor([1, 2.5, -0.0], dtype=torch.float64),
    "bad": torch.ones(2),
}
PAIRS = [("fa", "fb"), ("ia", "fb"), ("ia", "ib"), ("ba", "ia"), ("ft", "fa"), ("fe", "ia"), ("fa", "z64"),
         ("z64", "ib"), ("empty", "fb"), ("f64", "fa"), ("ba", "ba"), ("fa", "bad")]

# Comparisons.
COMPARE = [("eq", torch.eq, True), ("ne", torch.ne, True), ("lt", torch.lt, True), ("le", torch.le, True),
           ("gt", torch.gt, True), ("ge", torch.ge, True), ("logical_and", torch.logical_and, False),
           ("logical_or", torch.logical_or, False), ("logical_xor", torch.logical_xor, False)]
# Integral numbers are Python ints, as the C side's doubles are taken.
SCALARS = [("fa", 2.5), ("fa", 1), ("ia", 2), ("ia", 0.5), ("ba", 1), ("ba", 0.5), ("ft", nan), ("fe", -inf),
           ("empty", 1), ("z64", 2.5)]
for name, f, scalar in COMPARE:
    for a, b in PAIRS:
        dt(f"{name} {a} {b}", lambda: f(ops[a], ops[b]))
    if scalar:
        for a, s in SCALARS:
            dt(f"{name} {a} {g(s)}", lambda: f(ops[a], s))
PREDICATES = [("logical_not", torch.logical_not), ("isnan", torch.isnan), ("isinf", torch.isinf),
              ("isfinite", torch.isfinite)]
for name, f in PREDICATES:
    for o in list(ops)[:-1]:
        dt(f"{name} {o}", lambda: f(ops[o]))
x = leaf([1, 2, 3])
dt("gt of leaf", lambda: torch.gt(x, 1.5))
dt("eq of leaf", lambda: torch.eq(x, x))
dt("isnan of leaf", lambda: torch.isnan(x))
dt("logical_not of leaf", lambda: torch.logical_not(x * 2))
