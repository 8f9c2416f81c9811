# Oracle for ops_inplace.c: every in-place operation on non-leaf tensors in
# grad mode (graph, version counter, gradients), on leaves under no_grad, on
# tensors that do not require grad, and zero_, fill_ and copy_.
from oracle import check, graph, leaf, show, sl, tree
import torch


def state(label, t):
    print(label, "version:", t._version, "is_leaf:", t.is_leaf, "requires_grad:", t.requires_grad)


def base():
    return leaf([[1.0, 0.5, 2.0], [1.5, 0.25, 3.0]])


def other():
    return leaf([2.0, -1.0, 0.5])


# Tensor forms on a non-leaf (a clone of a leaf), other broadcast.
BINARY = [
    ("add_", lambda y, o: y.add_(o)),
    ("sub_", lambda y, o: y.sub_(o)),
    ("mul_", lambda y, o: y.mul_(o)),
    ("div_", lambda y, o: y.div_(o)),
    ("pow_", lambda y, o: y.pow_(o)),
]
for name, f in BINARY:
    def make(f=f):
        x, o = base(), other()
        y = x.clone()
        r = f(y, o)
        print("returns self:", r is y)
        state(name, y)
        return y, [x, o]
    check(name, make)

    def make_t(f=f):
        l = leaf([[1.0, 1.5], [0.5, 0.25], [2.0, 3.0]])
        o = leaf([[0.5, -2.0, 1.0, 4.0, 2.0, 9.0]])
        y = l.transpose(0, 1) * 1      # a non-contiguous result
        f(y, sl(o.view(2, 3), 0, 0, 2, 1))
        state(name + " strided", y)
        return y, [l, o]
    check(name + " strided", make_t)

    def make_nograd_other(f=f):
        x = base()
        y = x.clone()
        f(y, torch.tensor([2.0, 4.0, 0.5]))
        state(name + " constant other", y)
        return y, [x]
    check(name + " constant other", make_nograd_other)

# Twins PyTorch has no in-place method for (maximum_, minimum_): compared with
# the out-of-place result, which must have the same value, graph and gradients.
for name, f in [("maximum_", torch.maximum), ("minimum_", torch.minimum)]:
    def make(f=f):
        x, o = base(), leaf([1.0, 1.0, 2.5])
        y = f(x.clone(), o)
        return y, [x, o]
    check(name, make)

# Scalar forms.
SCALAR = [
    ("add_scalar_ 2", lambda y: y.add_(2)),
    ("sub_scalar_ 1.5", lambda y: y.sub_(1.5)),
    ("mul_scalar_ -2", lambda y: y.mul_(-2)),
    ("div_scalar_ 4", lambda y: y.div_(4)),
    ("pow_scalar_ 2", lambda y: y.pow_(2)),
    ("pow_scalar_ 0.5", lambda y: y.pow_(0.5)),
    ("pow_scalar_ -1", lambda y: y.pow_(-1)),
]
for name, f in SCALAR:
    def make(f=f):
        x = base()
        y = x.clone()
        f(y)
        state(name, y)
        return y, [x]
    check(name, make)


# rsub_scalar_ (s - t in place) has no PyTorch method: compared with 1 - t.
def rsub():
    x = base()
    return 1 - x.clone(), [x]


check("rsub_scalar_ 1", rsub)


# Several in-place operations in a row, and reads of the result between them.
def chain():
    x, o = base(), other()
    y = x * 2
    y.add_(o).mul_(o).sub_(1)
    z = y.exp()
    y2 = z.clone()
    y2.div_(o).pow_(2)
    state("chain", y2)
    return y2 + y, [x, o]


check("chain", chain)


# A scalar multiple saves no tensor: changing its input later is fine.
def saved_scalar():
    x = base()
    y = x.clone()
    z = y * 2
    w = y / 4
    y.add_(1)
    return z + w, [x]


check("mul/div by scalar then in-place", saved_scalar)


# zero_, fill_ and copy_ on a non-leaf: the old value gets no gradient.
def zero():
    x = base()
    y = x.clone()
    y.zero_()
    state("zero_", y)
    return y, [x]


def fill():
    x = base()
    y = x.clone()
    y.fill_(2.5)
    state("fill_", y)
    return y, [x]


def copy_grad():
    x, s = base(), leaf([4.0, 5.0, 6.0], torch.float64)
    y = x.clone()
    y.copy_(s)
    state("copy_", y)
    return y * x, [x, s]


def copy_const():
    x = base()
    y = x.clone()
    y.copy_(torch.tensor([[7.0], [8.0]]))
    return y, [x]


def copy_into_plain():
    s = leaf([1.0, -2.0, 3.0])
    y = torch.zeros(2, 3, dtype=torch.float64)
    y.copy_(s.transpose(0, 0))
    state("copy_ into plain", y)
    return y, [s]


def add_into_plain():
    s = leaf([1.0, -2.0, 3.0])
    y = torch.ones(2, 3)
    y.add_(s)
    state("add_ into plain", y)
    return y, [s]


for name, make in [("zero_", zero), ("fill_", fill), ("copy_", copy_grad), ("copy_ constant", copy_const),
                   ("copy_ into plain", copy_into_plain), ("add_ into plain", add_into_plain)]:
    check(name, make)

# On leaves that require grad, under no_grad: values change, the version
# moves, the tensor stays a leaf and its gradient is still computed later.
x = base()
o = torch.tensor([2.0, 4.0, 0.5])
with torch.no_grad():
    x.add_(1)
    state("no_grad add_", x)
    x.mul_(o)
    x.sub_(0.5)
    x.div_(2)
    x.pow_(2)
    state("no_grad ops", x)
show("no_grad ops value", x)
print("no_grad ops grad_fn:", tree(x.grad_fn))
check("leaf used after no_grad ops", lambda: (x * o, [x]))
with torch.no_grad():
    x.zero_()
    state("no_grad zero_", x)
    x.fill_(1.5)
    x.copy_(torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]))
    state("no_grad copy_", x)
show("no_grad copy_ value", x)
# The tensor forms under no_grad (maximum_ and minimum_ as PyTorch's out=).
with torch.no_grad():
    x.add_(o)
    x.sub_(torch.tensor([0.5]))
    x.pow_(torch.tensor([[2.0], [0.5]]))
    x.div_(o)
    state("no_grad tensor forms", x)
    torch.maximum(x, torch.tensor([1.0, 2.0, 30.0]), out=x)
    torch.minimum(x, torch.tensor([[3.0], [2.5]]), out=x)
    state("no_grad maximum_ minimum_", x)
show("no_grad tensor forms value", x)

# Tensors that do not require grad at all, of several dtypes.
i = torch.tensor([[1, 2], [3, 4]])
i.add_(torch.tensor([10, 20]))
i.mul_(3)
i.sub_(1)
show("int64 in place", i)
print("int64 version:", i._version)
j = torch.tensor([1, 2, 3], dtype=torch.int32)
j.add_(torch.tensor([1, 1, 1]))
j.mul_(torch.tensor(2))
show("int32 add_ int64", j)
f = torch.tensor([1.5, 2.5, 3.5])
f.add_(torch.tensor([1, 2, 3]))
f.add_(torch.tensor([0.1, 0.2, 0.3], dtype=torch.float64))
show("float32 add_ int64 and float64", f)
f.pow_(torch.tensor(2))
f.div_(torch.tensor([True, True, True]))
show("float32 pow_ and div_ by other dtypes", f)
b = torch.tensor([True, False])
b.mul_(torch.tensor([True, True]))
show("bool mul_", b)
d = torch.zeros(2, 3)
v = d.view(3, 2)
v.add_(1)
sl(d, 1, 0, 3, 2).fill_(5.0)
show("through views", d)
print("versions:", d._version, v._version)
