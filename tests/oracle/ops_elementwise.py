# Oracle for ops_elementwise.c: binary operations (tensor and scalar forms),
# unary functions and where, forward and backward, on broadcast and
# non-contiguous (transposed, sliced, expanded) inputs.
from oracle import check, graph, leaf, show, sl
import torch


BINARY = [
    ("add", torch.add),
    ("sub", torch.sub),
    ("mul", torch.mul),
    ("div", torch.div),
    ("pow", torch.pow),
    ("maximum", torch.maximum),
    ("minimum", torch.minimum),
]


def bcast():
    a = leaf([[1.0, 1.25, 2.0], [1.5, 0.75, 3.0]])
    b = leaf([[1.0, 2.0, -0.5]])
    return a, b, [a, b]


def strided():
    l1 = leaf([[0.25, 2.0], [1.5, 0.5], [3.0, 1.0]])
    l2 = leaf([[2.0, 9.0, 0.5, 9.0, 1.0, 9.0], [-1.0, 9.0, 0.5, 9.0, 2.0, 9.0]])
    return l1.transpose(0, 1), sl(l2, 1, 0, 6, 2), [l1, l2]


def expanded():
    l3 = leaf([[0.5, 2.0, 4.0]])
    s = leaf(2.0)
    return l3.expand(2, 3), s, [l3, s]


def column_f64():
    a = leaf([[2.0], [0.5]], torch.float64)
    b = leaf([0.25, 1.0, 4.0], torch.float64)
    return a, b, [a, b]


def swapped_0d():
    s = leaf(1.5)
    l1 = leaf([[0.25, 2.0], [1.5, 0.5], [3.0, 1.0]])
    return s, l1.transpose(0, 1), [s, l1]


CONFIGS = [("bcast", bcast), ("strided", strided), ("expanded", expanded),
           ("f64", column_f64), ("0d-left", swapped_0d)]

for name, f in BINARY:
    for cname, make in CONFIGS:
        def run(f=f, make=make):
            a, b, leaves = make()
            return f(a, b), leaves
        check(f"{name} {cname}", run)

# Only one side requires grad: the other edge is None.
for name, f in BINARY:
    def run(f=f):
        a = leaf([[1.0, 1.25, 2.0], [1.5, 0.75, 3.0]])
        b = torch.tensor([2.0, 0.5, 1.25])
        return f(b, a), [a]
    check(f"{name} right-only", run)

# Scalar forms, on a leaf and on a transposed view.
SCALAR = [
    ("add_scalar 2.5", lambda t: t + 2.5),
    ("add_scalar -1", lambda t: t + -1),
    ("sub_scalar 2", lambda t: t - 2),
    ("mul_scalar -3", lambda t: t * -3),
    ("mul_scalar 0.5", lambda t: t * 0.5),
    ("div_scalar 4", lambda t: t / 4),
    ("div_scalar -0.5", lambda t: t / -0.5),
    ("pow_scalar 2", lambda t: t ** 2),
    ("pow_scalar 3", lambda t: t ** 3),
    ("pow_scalar 0.5", lambda t: t ** 0.5),
    ("pow_scalar -1", lambda t: t ** -1),
    ("pow_scalar -1.5", lambda t: t ** -1.5),
    ("pow_scalar 0", lambda t: t ** 0),
    ("pow_scalar 1", lambda t: t ** 1),
    ("rsub_scalar 1", lambda t: 1 - t),
    ("rsub_scalar -2.5", lambda t: -2.5 - t),
]

for name, f in SCALAR:
    def run(f=f):
        a = leaf([[1.0, 0.25, 2.0], [1.5, 0.75, 4.0]])
        return f(a), [a]
    check(name, run)

    def run_t(f=f):
        l1 = leaf([[0.25, 2.0], [1.5, 0.5], [3.0, 1.0]])
        return f(l1.transpose(0, 1)), [l1]
    check(name + " transposed", run_t)

# Unary functions, including 0 and negative inputs (edges of their domains).
UNARY = [
    ("neg", torch.neg), ("exp", torch.exp), ("expm1", torch.expm1), ("log", torch.log), ("sqrt", torch.sqrt),
    ("abs", torch.abs), ("sin", torch.sin), ("cos", torch.cos), ("tanh", torch.tanh),
    ("sigmoid", torch.sigmoid), ("relu", torch.relu), ("sign", torch.sign),
]

for name, f in UNARY:
    def run(f=f):
        u = leaf([[-2.0, -0.5, 0.0, 0.25], [0.5, 1.0, 1.5, 3.0]])
        return f(u), [u]
    check(name, run)

    def run_t(f=f):
        u = leaf([[-1.5, 0.5], [0.0, 2.0], [0.75, -0.25], [4.0, 1.0]], torch.float64)
        return f(u.transpose(0, 1)), [u]
    check(name + " f64 transposed", run_t)

    def run_x(f=f):
        u = leaf([[0.5, -1.0, 2.0]])
        return f(u.expand(2, 3)), [u]
    check(name + " expanded", run_x)

    def run_0(f=f):
        u = leaf(0.75)
        return f(u), [u]
    check(name + " 0-dim", run_0)


# where: condition, self and other broadcast together.
def where1():
    c = torch.tensor([[True, False, True]])
    a = leaf([[1.0, 1.25, 2.0], [1.5, 0.75, 3.0]])
    s = leaf(-1.0)
    return torch.where(c, a, s), [a, s]


def where2():
    c = torch.tensor([[True, False, False], [False, True, True]])
    a = leaf([0.5, 1.5, 2.5])
    l = leaf([[1.0, 2.0, 3.0, 4.0]])
    b = sl(l, 1, 1, 4, 2).transpose(0, 1)   # (2, 1), strided
    return torch.where(c, a, b), [a, l]


def where3():
    c = torch.tensor([False, True])
    a = torch.tensor([[1.0], [2.0]])
    b = leaf([[0.5, -0.5]])
    return torch.where(c, a, b), [b]


def where4():
    c = torch.tensor([True, False])
    a = leaf([1.0, 2.0], torch.float64)
    b = leaf([3.0, 4.0])
    return torch.where(c, a, b), [a, b]


check("where bcast", where1)
check("where strided", where2)
check("where other-only", where3)
check("where mixed dtypes", where4)

# Results of operations on tensors that do not require grad.
a = torch.tensor([[1.0, 1.25], [2.0, 0.5]])
show("plain add", a + a)
show("plain exp", torch.exp(a))
print("plain add requires_grad:", (a + a).requires_grad)

# A longer chain: the whole graph and the gradients through it.
def chain():
    x = leaf([0.5, 1.0, 2.0])
    y = leaf([[1.0], [-1.0]])
    z = torch.sigmoid(x * y + 1) / torch.exp(y) - torch.tanh(x) ** 2
    return torch.maximum(z, torch.abs(y - x)), [x, y]


check("chain", chain)
