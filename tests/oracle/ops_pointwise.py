# Oracle for ops_pointwise.c: comparisons, logical operations,
# isnan/isinf/isfinite, clamp, masked_fill and the pointwise binary
# functions: values, result dtypes and strides on broadcast, transposed,
# expanded, 0-dim, zero-size, f64, integer and bool inputs, gradients and
# graphs, in-place twins and PyTorch's errors.
from oracle import leaf, tree, weights
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


def chk(label, make):
    """check(), with the error of a failed call or backward."""
    try:
        out, leaves = make()
    except RuntimeError as e:
        print(f"{label}: error: {e}")
        return
    print(label + ":", out)
    print(label, "grad_fn:", tree(out.grad_fn))
    try:
        out.backward(weights(out))
    except RuntimeError as e:
        # tensorgrad has no anomaly mode: the hint naming it is dropped
        print(f"{label} backward error: {str(e).split(' Hint:')[0]}")
        return
    for i, l in enumerate(leaves):
        print(f"{label} grad{i}:", l.grad)


def second_order(label, out, leaves, show_graph=True):
    grads = torch.autograd.grad(out, leaves, weights(out), create_graph=True)
    total = None
    for i, gr in enumerate(grads):
        print(f"{label} grad{i}:", gr)
        if show_graph:
            print(f"{label} grad{i} grad_fn:", tree(gr.grad_fn))
        s = (gr * gr).sum()
        total = s if total is None else total + s
    second = torch.autograd.grad(total, leaves, allow_unused=True)
    for i, s in enumerate(second):
        print(f"{label} second{i}:", s)


def f32(*v, shape=None, dtype=torch.float32):
    """A leaf requiring grad (not a view) of these values."""
    t = torch.tensor(v, dtype=dtype)
    return (t.reshape(shape).clone() if shape else t).requires_grad_()


def f64(*v, shape=None):
    return f32(*v, shape=shape, dtype=torch.float64)


def num(x):
    """A double as the C side passes it: whole numbers are Python ints."""
    return int(x) if math.isfinite(x) and x == math.floor(x) and abs(x) < 2**62 else x


def opt(x):
    return None if math.isnan(x) else num(x)


# clamp
names = list(ops)[:-1]
B = [(-1, 2), (nan, 1), (0.5, nan), (3, 2), (0, 2.5), (nan, nan), (nan, 3e9)]
for o in names:
    for lo, hi in B:
        dt(f"clamp {o} {g(lo)} {g(hi)}", lambda: torch.clamp(ops[o], opt(lo), opt(hi)))
for o in names:
    for b in [0, 1.5, -inf, nan, 3e9]:
        dt(f"clamp_min {o} {g(b)}", lambda: torch.clamp_min(ops[o], num(b)))
        dt(f"clamp_max {o} {g(b)}", lambda: torch.clamp_max(ops[o], num(b)))

X6 = (-2, -1, 0, 1, 2, nan)
Y6 = (-2, 0.5, 3, 1, -0.5, 2)
chk("clamp grad", lambda: (torch.clamp(x := f32(*X6, shape=(2, 3)), -1, 1), [x]))
chk("clamp max-only grad", lambda: (torch.clamp(x := f32(*X6, shape=(2, 3)), None, 1), [x]))
chk("clamp_min grad", lambda: (torch.clamp_min(x := f32(*X6, shape=(2, 3)), 0), [x]))
chk("clamp_max grad", lambda: (torch.clamp_max(x := f32(*X6, shape=(2, 3)), 0), [x]))
chk("clamp crossed bounds grad", lambda: (torch.clamp(x := f32(-2, -1, 0, 1, 2, 3, shape=(2, 3)), 2, 0), [x]))
chk("clamp f64 transposed", lambda: (torch.clamp((x := f64(*Y6, shape=(3, 2))).transpose(0, 1), -1, 1.5), [x]))
chk("clamp_min expanded", lambda: (torch.clamp_min((x := f32(-2, 0.5, 3, shape=(1, 3))).expand(2, 3), 0.5), [x]))
chk("clamp_max 0-dim", lambda: (torch.clamp_max(x := torch.tensor(0.25, requires_grad=True), 0.5), [x]))
chk("clamp empty", lambda: (torch.clamp(x := torch.zeros(0, 2, requires_grad=True), 0, 1), [x]))
x = f32(*Y6, shape=(2, 3))
second_order("clamp times x", torch.clamp(x, -1, 1.5) * x, [x])
x = f32(*Y6, shape=(2, 3))
c = torch.clamp_min(x, 0)
second_order("clamp_min squared", c * c, [x])

chk("clamp_ non-leaf", lambda: ((x := f32(*Y6, shape=(2, 3))).mul(2).clamp_(-1, 1.5), [x]))
chk("clamp_min_ non-leaf", lambda: ((x := f32(*Y6, shape=(2, 3))).mul(2).clamp_min_(0), [x]))
chk("clamp_max_ non-leaf", lambda: ((x := f32(*Y6, shape=(2, 3))).mul(2).clamp_max_(0), [x]))


def clamp_view():
    x = f32(*Y6, shape=(2, 3))
    y = x * 1
    y.select(0, 1).clamp_(0, 2)
    return y * y, [x]


chk("clamp_ view", clamp_view)
x = f32(*Y6, shape=(2, 3))
dt("clamp_ leaf", lambda: x.clamp_(0, 1))
dt("clamp_ i64 float bound", lambda: ops["ia"].clone().clamp_(0.5, None))
dt("clamp_min_ i32 float bound", lambda: ops["ib"].clone().clamp_min_(0.5))
dt("clamp_max_ bool", lambda: ops["ba"].clone().clamp_max_(0))
dt("clamp_ no bound", lambda: ops["fa"].clone().clamp_(None, None))
y = ops["ia"].clone()
dt("clamp_ i64", lambda: y.clamp_(0, 1))
dt("clamp_ i64 after", lambda: y)
y = ops["ft"].clone()
dt("clamp_min_ transposed", lambda: y.clamp_min_(0))
dt("clamp_max_ expanded", lambda: torch.zeros(1, 3).expand(2, 3).clamp_max_(0))


def clamp_input_changed():
    x = f32(-2, 0.5, 3)
    y = x * 1
    z = torch.clamp(y, 0, 1)
    y.add_(1)
    return z, [x]


chk("clamp input changed", clamp_input_changed)

# masked_fill
row = torch.tensor([[True, False, True]])
col = torch.tensor([[False], [True]])
m23 = torch.tensor([[False, True, True], [False, False, True]])
MASKS = [("row", row), ("col", col), ("m23", m23), ("ba", ops["ba"]), ("int01", torch.tensor([0, 1, 1])),
         ("int32 01", torch.tensor([1, 0, 1], dtype=torch.int32)), ("int2", torch.tensor([0, 2, 1])),
         ("float", torch.tensor([1.0, 0, 1])), ("0-dim", torch.tensor(True)), ("empty", torch.zeros(0, 1, dtype=torch.bool)),
         ("bad", torch.tensor([True, False]))]
VALUES = [9, -0.5, inf, nan, 3e9, 1e39]
for o in names:
    for m, (mname, mask) in enumerate(MASKS):
        for v, value in enumerate(VALUES):
            if v > 1 and m != 0:
                continue
            dt(f"masked_fill {o} {mname} {g(value)}", lambda: torch.masked_fill(ops[o], mask, num(value)))

chk("masked_fill grad", lambda: (torch.masked_fill(x := f32(*Y6, shape=(2, 3)), m23, 2.5), [x]))
chk("masked_fill broadcast grad", lambda: (torch.masked_fill(x := f32(-2, 0.5, 3), col, -1), [x]))
chk("masked_fill f64 transposed", lambda: (torch.masked_fill((x := f64(*Y6, shape=(3, 2))).transpose(0, 1), row, 0), [x]))
x = f32(*Y6, shape=(2, 3))
c = torch.masked_fill(x, m23, 1)
second_order("masked_fill squared", c * c, [x])
chk("masked_fill_ non-leaf", lambda: ((x := f32(*Y6, shape=(2, 3))).mul(2).masked_fill_(row, 7), [x]))


def masked_fill_view():
    x = f32(*Y6, shape=(2, 3))
    y = x * 1
    y.select(1, 0).masked_fill_(torch.tensor([True, False]), 4)
    return y * x, [x]


chk("masked_fill_ view", masked_fill_view)
x = f32(*Y6, shape=(2, 3))
dt("masked_fill_ leaf", lambda: x.masked_fill_(row, 1))
dt("masked_fill_ grows", lambda: torch.ones(3).masked_fill_(m23, 1))
y = ops["ia"].clone()
dt("masked_fill_ i64 fraction", lambda: y.masked_fill_(row, 2.75))
y = ops["ia"].clone()
dt("masked_fill_ i64 overflow", lambda: y.masked_fill_(row, 1e19))
dt("masked_fill_ i64 after overflow", lambda: y)
dt("masked_fill_ bad mask", lambda: y.masked_fill_(MASKS[6][1], 1))
dt("masked_fill_ expanded", lambda: torch.zeros(1, 3).expand(2, 3).masked_fill_(row, 1))
y = ops["ft"].clone()
dt("masked_fill_ transposed", lambda: y.masked_fill_(col, 5))

# atan2 fmod remainder hypot xlogy
signs_a = torch.tensor([-3, 3, -3, 3, 1, 1, -1, 0, 0, -0.0, inf, nan])
signs_b = torch.tensor([2, -2, -2, 2, 0, inf, inf, 0, nan, -1, 2, 1])
int_a = torch.tensor([-7, 7, -7, 7, 0, 5])
int_b = torch.tensor([2, -2, -2, 2, 3, -1])
int_zero = torch.tensor([1, 0, 2], dtype=torch.int32)
FUNCTIONS = [("atan2", torch.atan2), ("fmod", torch.fmod), ("remainder", torch.remainder), ("hypot", torch.hypot),
             ("xlogy", torch.xlogy)]
for name, f in FUNCTIONS:
    for a, b in PAIRS:
        dt(f"{name} {a} {b}", lambda: f(ops[a], ops[b]))
    dt(f"{name} signs", lambda: f(signs_a, signs_b))
    dt(f"{name} integers", lambda: f(int_a, int_b))
    dt(f"{name} integer zero", lambda: f(ops["ia"], int_zero))
    dt(f"{name} empty integer zero", lambda: f(torch.zeros(0, 3, dtype=torch.int64), int_zero))
    dt(f"{name} bool int", lambda: f(ops["ba"], torch.tensor([1, 2, 3])))
    chk(f"{name} grad", lambda: (f(x := f32(1.5, -2, 3, 0.25, -0.75, 2.5, shape=(2, 3)), y := f32(0.5, 1.25, -2)), [x, y]))
    chk(f"{name} f64 transposed grad",
        lambda: (f((x := f64(1.5, -2, 3, 0.25, -0.75, 2.5, shape=(3, 2))).transpose(0, 1),
                   (y := f32(0.5, 1.25, 2, shape=(3, 1))).transpose(0, 1).expand(2, 3)), [x, y]))
    chk(f"{name} 0-dim grad", lambda: (f(x := torch.tensor(0.75, requires_grad=True), y := f32(2, 0.5)), [x, y]))
    chk(f"{name} left-only grad", lambda: (f(x := f32(1.5, -2, 3), torch.tensor([0.5, 1.25, -2])), [x]))
    chk(f"{name} right-only grad", lambda: (f(torch.tensor([1.5, -2, 3]), y := f32(0.5, 1.25, -2)), [y]))
    x, y = f32(1.5, -2, 3), f32(0.5, 1.25, -2)
    second_order(f"{name} second", f(x, y) * (x * y), [x, y], False)
    f_ = getattr(torch.Tensor, name + "_")
    chk(f"{name}_ non-leaf", lambda: (f_((x := f32(1.5, -2, 3, 0.25, -0.75, 2.5, shape=(2, 3))) * 1,
                                         y := f32(0.5, 1.25, -2)), [x, y]))
    dt(f"{name}_ leaf", lambda: f_(x, y))
    dt(f"{name}_ i64 by f32", lambda: f_(ops["ia"].clone(), ops["fb"]))
    dt(f"{name}_ i64 by i32", lambda: f_(ops["ia"].clone(), torch.tensor([3, -2, 5], dtype=torch.int32)))
    dt(f"{name}_ grows", lambda: f_(ops["fb"].clone(), ops["fa"]))
    dt(f"{name}_ f32 by f64", lambda: f_(ops["ft"].clone(), ops["f64"]))
    dt(f"{name}_ i64 by zero", lambda: f_(ops["ia"].clone(), int_zero))
DIVISORS = [("fa", 2), ("fa", -1.5), ("ia", -3), ("ia", 0), ("ia", 2.5), ("ba", 2), ("ft", 0), ("fe", inf),
            ("empty", 0), ("z64", -2)]
for name in ["fmod", "remainder"]:
    f, f_ = getattr(torch, name), getattr(torch.Tensor, name + "_")
    for o, d in DIVISORS:
        dt(f"{name}_scalar {o} {g(d)}", lambda: f(ops[o], d))
    dt("integers", lambda: f(int_a, -3))
    dt("empty integers by zero", lambda: f(torch.zeros(0, dtype=torch.int32), 0))
    x = f32(1.5, -2, 3, 0.25, -0.75, 2.5, shape=(2, 3))
    chk(f"{name}_scalar grad", lambda: (f(x, -1.25), [x]))
    chk(f"{name}_scalar_ non-leaf", lambda: (f_(x * 1, 2), [x]))
    dt(f"{name}_scalar_ i64 by fraction", lambda: f_(ops["ia"].clone(), 1.5))
    dt(f"{name}_scalar_ i64 by zero", lambda: f_(ops["ia"].clone(), 0))
    dt(f"{name}_scalar_ i64", lambda: f_(ops["ia"].clone(), -4))
    dt(f"{name}_scalar_ f32", lambda: f_(ops["ft"].clone(), 0.75))

# lerp addcmul addcdiv nan_to_num
TRIPLES = [("fa", "fb", "ft"), ("ft", "fe", "z64"), ("ia", "ib", "ia"), ("fa", "ia", "ba"), ("ba", "ba", "ba"),
           ("z64", "fb", "fb"), ("empty", "fb", "fb"), ("f64", "fa", "fb"), ("ia", "ib", "fb"), ("fa", "fb", "bad")]
for na, nb, nc in TRIPLES:
    a, b, c = ops[na], ops[nb], ops[nc]
    dt(f"lerp {na} {nb} {nc}", lambda: torch.lerp(a, b, c))
    dt(f"lerp_scalar {na} {nb}", lambda: torch.lerp(a, b, 0.75))
    dt(f"addcmul {na} {nb} {nc}", lambda: torch.addcmul(a, b, c, value=2))
    dt(f"addcmul {na} {nb} {nc} 0.5", lambda: torch.addcmul(a, b, c, value=0.5))
    dt(f"addcdiv {na} {nb} {nc}", lambda: torch.addcdiv(a, b, c, value=-1.5))
fa, fb = ops["fa"], ops["fb"]
fa64 = fa.to(torch.float64)
dt("lerp f32 f64 weight", lambda: torch.lerp(fa, fa, fa64))
dt("lerp f32 f64 end", lambda: torch.lerp(fa, fa64, fa))
dt("lerp 0-dim weight f64", lambda: torch.lerp(fa, fb, ops["z64"]))
dt("addcmul i64 value overflow", lambda: torch.addcmul(ops["ia"], ops["ia"], ops["ia"], value=1e30))
dt("addcmul i32 value NaN", lambda: torch.addcmul(ops["ib"], ops["ib"], ops["ib"], value=nan))
dt("addcmul f32 value 1e39", lambda: torch.addcmul(ops["fa"], ops["fa"], ops["fa"], value=1e39))
dt("lerp_scalar ends", lambda: torch.lerp(torch.tensor([1, 2.5, -3]), torch.tensor([4.0, -1, 7]), 1))
dt("lerp weights", lambda: torch.lerp(torch.tensor([1, 2.5, -3, 0]), torch.tensor([4.0, -1, 7, 1]),
                                      torch.tensor([0, 0.5, 1, 2])))
NAN_TO_NUM = [(0, nan, nan), (1.5, 100, -100), (-1, nan, 3), (0, 1e39, -1e39)]
for o in names:
    for v in NAN_TO_NUM:
        dt(f"nan_to_num {o} {g(v[0])} {g(v[1])} {g(v[2])}",
           lambda: torch.nan_to_num(ops[o], num(v[0]), opt(v[1]), opt(v[2])))
dt("nan_to_num f64 defaults", lambda: torch.nan_to_num(torch.tensor([nan, inf, -inf, 1], dtype=torch.float64), 0))

X6 = (1.5, -2, 3, 0.25, -0.75, 2.5)
chk("lerp grad", lambda: (torch.lerp(x := f32(*X6, shape=(2, 3)), y := f32(0.5, 1.25, -2),
                                     w := f32(0.25, 0.75, shape=(2, 1))), [x, y, w]))
chk("lerp_scalar grad", lambda: (torch.lerp(x := f32(*X6, shape=(2, 3)), y := f32(0.5, 1.25, -2), 0.3), [x, y]))
chk("lerp f64 transposed", lambda: (torch.lerp((x := f64(*X6, shape=(3, 2))).transpose(0, 1), y := f64(0.5, 1.25, -2),
                                               w := torch.tensor(0.6, dtype=torch.float64, requires_grad=True)), [x, y, w]))
chk("lerp weight constant", lambda: (torch.lerp(x := f32(1.5, -2, 3), y := f32(0.5, 1.25, -2),
                                                torch.tensor([0.25, 0.75, 1.5])), [x, y]))
x, y, w = f32(1.5, -2, 3), f32(0.5, 1.25, -2), f32(0.25, 0.75, 1.5)
second_order("lerp second", torch.lerp(x, y, w) * w, [x, y, w], False)
for name in ["addcmul", "addcdiv"]:
    f, f_ = getattr(torch, name), getattr(torch.Tensor, name + "_")
    chk(f"{name} grad", lambda: (f(x := f32(*X6, shape=(2, 3)), y := f32(0.5, 1.25, -2),
                                   w := f32(0.25, 0.75, shape=(2, 1)), value=1.5), [x, y, w]))
    chk(f"{name} f64 transposed, one constant",
        lambda: (f((x := f64(*X6, shape=(3, 2))).transpose(0, 1), y := f32(0.5, 1.25, -2), ops["fb"], value=-2), [x, y]))
    x, y = torch.tensor(0.5, requires_grad=True), f32(0.5, 1.25, -2)
    second_order(f"{name} 0-dim self, second", f(x, y, y, value=0.5) * y, [x, y], False)
    chk(f"{name}_ non-leaf", lambda: (f_((x := f32(*X6, shape=(2, 3))) * 1, y := f32(0.5, 1.25, -2), y, value=2), [x, y]))
    dt(f"{name}_ leaf", lambda: f_(x, y, y, value=1))
    dt(f"{name}_ i64 by f32", lambda: f_(ops["ia"].clone(), ops["fb"], ops["fb"], value=1))
    dt(f"{name}_ grows", lambda: f_(ops["fb"].clone(), ops["fa"], ops["fb"], value=1))
    dt(f"{name}_ transposed", lambda: f_(ops["ft"].clone(), ops["fb"], ops["fe"], value=3))

chk("nan_to_num grad", lambda: (torch.nan_to_num(x := f32(1.5, nan, inf, 0.25, -inf, 2.5, shape=(2, 3))), [x]))
chk("nan_to_num f64 transposed",
    lambda: (torch.nan_to_num((x := f64(1.5, nan, inf, 0.25, -inf, 2.5, shape=(3, 2))).transpose(0, 1), 1, 2, 3), [x]))
x = f32(1.5, nan, inf)
c = torch.nan_to_num(x)
second_order("nan_to_num second", c * c, [x])
chk("lerp_ non-leaf", lambda: (((x := f32(*X6, shape=(2, 3))) * 1).lerp_(y := f32(0.5, 1.25, -2),
                                                                        (w := f32(0.25, 0.75, shape=(2, 1))).expand(2, 3)), [x, y, w]))
chk("lerp_scalar_ non-leaf", lambda: (((x := f32(*X6, shape=(2, 3))) * 1).lerp_(y := f32(0.5, 1.25, -2), 0.25), [x, y]))
dt("lerp_ leaf", lambda: x.lerp_(y, y))
dt("lerp_ i64", lambda: ops["ia"].clone().lerp_(ops["fb"], ops["fb"]))
dt("lerp_scalar_ grows", lambda: ops["fb"].clone().lerp_(ops["fa"], 0.5))
dt("lerp_scalar_ transposed", lambda: ops["ft"].clone().lerp_(ops["fe"], 0.5))
chk("nan_to_num_ non-leaf", lambda: (((x := f32(1.5, nan, inf)) * 1).nan_to_num_(0), [x]))
dt("nan_to_num_ leaf", lambda: x.nan_to_num_(0))
dt("nan_to_num_ i64", lambda: ops["ia"].clone().nan_to_num_(0))
dt("nan_to_num_ transposed", lambda: ops["ft"].clone().nan_to_num_(0, 5))

# in-place comparisons
for name in ["eq", "ne", "lt", "le", "gt", "ge"]:
    f_ = getattr(torch.Tensor, name + "_")
    chk(f"{name}_ non-leaf", lambda: (f_((x := f32(*X6, shape=(2, 3))) * 1, y := f32(0.25, -2, 2)), [x, y]))
    chk(f"{name}_scalar_ non-leaf", lambda: (f_((x := f32(*X6, shape=(2, 3))) * 1, 0.25), [x]))
    dt(f"{name}_ leaf", lambda: f_(x, y))
    dt(f"{name}_ i64 by f32", lambda: f_(ops["ia"].clone(), ops["fb"]))
    dt(f"{name}_scalar_ i64 0.5", lambda: f_(ops["ia"].clone(), 0.5))
    dt(f"{name}_scalar_ bool", lambda: f_(ops["ba"].clone(), 1))
    dt(f"{name}_ transposed", lambda: f_(ops["ft"].clone(), ops["fe"]))
    dt(f"{name}_ grows", lambda: f_(ops["fb"].clone(), ops["fa"]))
for name in ["logical_and", "logical_or", "logical_xor"]:
    f_ = getattr(torch.Tensor, name + "_")
    chk(f"{name}_ non-leaf", lambda: (f_((x := f32(1.5, 0, 3, 0, -0.75, nan, shape=(2, 3))) * 1,
                                         torch.tensor([0.25, 0, 2])), [x]))
    x = f32(1.5, 0, 3, 0, -0.75, nan, shape=(2, 3))
    dt(f"{name}_ leaf", lambda: f_(x, torch.tensor([0.25, 0, 2])))
    dt(f"{name}_ i64 by f32", lambda: f_(ops["ia"].clone(), ops["fb"]))
    dt(f"{name}_ bool", lambda: f_(ops["ba"].clone(), ops["ib"]))
    dt(f"{name}_ expanded", lambda: f_(torch.zeros(1, 3).expand(2, 3), ops["fa"]))
    dt(f"{name}_ grows", lambda: f_(ops["fb"].clone(), ops["fa"]))
chk("logical_not_ non-leaf", lambda: (((x := f32(1.5, 0, nan)) * 1).logical_not_(), [x]))
x = f32(1.5, 0, nan)
dt("logical_not_ leaf", lambda: x.logical_not_())
dt("logical_not_ leaf after", lambda: x)
dt("logical_not_ transposed", lambda: ops["ft"].clone().logical_not_())
dt("logical_not_ i64", lambda: ops["ia"].clone().logical_not_())

# NULL arguments: this library's own errors, checked on the C side
print("null arguments: ok")
