# Oracle for ops_view_inplace.c: in-place operations on views of tensors
# that require grad (PyTorch's CopySlices): the base's and the view's
# graphs, values and gradients, chains of them, views taken before the
# write (regenerated as AsStridedBackward0), and the errors around them.
from oracle import backprop, check, graph, leaf, show, sl
import torch


def state(label, t):
    print(label, "version:", t._version, "is_leaf:", t.is_leaf, "requires_grad:", t.requires_grad)


def base():
    return leaf([[1.0, 0.5, 2.0], [1.5, 0.25, 3.0]])


VIEWS = [
    ("select", lambda y: y.select(0, 1)),
    ("slice", lambda y: sl(y, 1, 1, 3, 1)),
    ("transpose", lambda y: y.transpose(0, 1)),
    ("view", lambda y: y.view(6)),
    ("slice of transpose", lambda y: sl(y.transpose(0, 1), 0, 0, 3, 2)),
]

OPS = [
    ("mul_", lambda v, o: v.mul_(o)),
    ("add_", lambda v, o: v.add_(o)),
    ("copy_", lambda v, o: v.copy_(o)),
    ("mul_scalar_", lambda v, o: v.mul_(3)),
    ("sub_scalar_", lambda v, o: v.sub_(0.5)),
    ("zero_", lambda v, o: v.zero_()),
    ("fill_", lambda v, o: v.fill_(2.5)),
    ("pow_scalar_", lambda v, o: v.pow_(2)),
]

for vname, view in VIEWS:
    for oname, op in OPS:
        for o_grad in (True, False):
            label = f"{oname} on {vname}" + (" (other requires grad)" if o_grad else "")
            x = base()
            o = torch.tensor(1.5, requires_grad=o_grad)
            y = x * 2
            v = view(y)
            r = op(v, o)
            print(label, "returns self:", r is v)
            state(label + " base", y)
            state(label + " view", v)
            graph(label + " view", v)

            def make():
                return y, [x, o] if o_grad else [x]
            check(label, make)

# The base does not require grad; only the other operand does.
for vname, view in VIEWS:
    for oname, op in OPS[:3]:
        label = f"{oname} on {vname} of a constant"
        o = leaf(1.5)
        b = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
        v = view(b)
        op(v, o)
        state(label + " base", b)
        state(label + " view", v)
        graph(label + " view", v)
        check(label, lambda: (b * b, [o]))

# A tensor other operand, broadcast over the view.
x, o = base(), leaf([2.0, -1.0])
y = x * 2
y.transpose(0, 1)[1:].mul_(o)
check("mul_ broadcast other", lambda: (y, [x, o]))

# Chains: two operations on one view, then on another view of the same base.
x, o = base(), leaf([0.5, 2.0, -1.0])
y = x * 3
v = y[1]
v.mul_(o)
v.add_(o)
graph("chain view", v)
y[:, 0].sub_(1)
graph("chain view after", v)
w = y.view(3, 2)
graph("chain new view", w)
check("chain", lambda: (y * y, [x, o]))

# A view of a view, written: the base (not the outer view) gets CopySlices.
x = base()
y = x.sin()
u = y[:, 1:]
u[0].mul_(4)
graph("view of view base", y)
graph("view of view outer", u)
check("view of view", lambda: (y.sum() + u.sum(), [x]))

# A view taken before the write is regenerated when used.
x, o = base(), leaf(2.0)
y = x * 1
w = y[:, :2]
s = y[:, 1]
y[0, 1:].mul_(o)
print("stale view is_leaf:", w.is_leaf, "requires_grad:", w.requires_grad)
show("stale view", w)
graph("stale view", w)
check("stale view", lambda: (w * s, [x, o]))

# A write to the base directly regenerates its views too.
x = base()
y = x * 1
w = y[1]
y.mul_(2)
graph("base written view", w)
check("base written", lambda: (w, [x]))

# A view of a view of a constant, written twice, then the base written.
o = leaf([1.0, 2.0, 3.0])
b = torch.zeros(2, 3)
b[0].add_(o)
b[1].mul_(o)
b.add_(o)
check("constant base chain", lambda: (b, [o]))

# zero_ and fill_ on an expanded view: recorded, but PyTorch's backward
# then fails copying into the expanded part of the gradient.
def check_or_error(label, out, leaves):
    show(label, out)
    graph(label, out)
    try:
        backprop(label, out, leaves)
    except RuntimeError as e:
        print(label, "backward error:", str(e))


x = base()
y = x * 2
y[0].unsqueeze(0).expand(3, 3).zero_()
check_or_error("zero_ expanded", y, [x])
x = base()
y = x * 2
e = y[:, 2:].expand(2, 4)
e.fill_(1.0)
graph("fill_ expanded view", e)
check_or_error("fill_ expanded", y, [x])
# An expanded view taken before a write reads its gradient summed.
x = base()
y = x * 2
e = y[:, 2:].expand(2, 4)
y[0].mul_(3)
check("stale expanded view", lambda: (e, [x]))

# Errors: views of leaves, views made in no-grad mode, overlap; and saved
# tensors modified through a view.
for label, f in [
    ("view of leaf", lambda: base()[0].mul_(2)),
    ("no-grad view", None),
    ("no-grad view of a constant", None),
    ("overlap", None),
]:
    try:
        if label == "no-grad view":
            y = base() * 2
            with torch.no_grad():
                v = y[0]
            v.mul_(2)
        elif label == "no-grad view of a constant":
            b = torch.ones(2, 3)
            with torch.no_grad():
                v = b[0]
            v.mul_(leaf(2.0))
        elif label == "overlap":
            y = base() * 2
            y[0].unsqueeze(0).expand(2, 3).mul_(2)
        else:
            f()
        print(label, "ok")
    except RuntimeError as e:
        print(label, "error:", str(e).split(" Hint:")[0])

# With grad mode off nothing is recorded; a view made there may be written there.
x = base()
y = x * 2
with torch.no_grad():
    v = y[0]
    v.mul_(2)
state("no-grad write base", y)
graph("no-grad write base", y)

x = base()
y = x * 2
z = y.sin()
y[0].mul_(2)
try:
    z.sum().backward()
except RuntimeError as e:
    print("saved base:", str(e).split(" Hint:")[0])
x = base()
y = x * 2
v = y[1:]
z = v.sin()
v.mul_(2)
try:
    z.sum().backward()
except RuntimeError as e:
    print("saved view:", str(e).split(" Hint:")[0])

# Backward twice through CopySlices (the operation's saved values are freed).
x, o = base(), leaf(2.0)
y = x * 1
y[0].mul_(o)
y.sum().backward()
try:
    y.sum().backward()
except RuntimeError as e:
    print("twice:", str(e))

# Second order through CopySlices.
x, o = base(), leaf(2.0)
y = x * x
y[1].mul_(o)
y[:, 0].pow_(2)
g = torch.autograd.grad(y.sum(), [x, o], create_graph=True)
show("second order gx", g[0])
show("second order go", g[1])
h = torch.autograd.grad(g[0].sum() + g[1], [x, o])
show("second order hx", h[0])
show("second order ho", h[1])
