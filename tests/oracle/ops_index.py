# Oracle for ops_index.c: index_select, gather, scatter, scatter_add,
# index_add (and the in-place twins), take_along_dim: values, strides,
# graphs and gradients on contiguous, transposed, expanded and empty inputs,
# f64, integer and bool tensors, repeated indices, second derivatives, and
# the errors of bad indices.
from oracle import attempt, backprop, graph, show, show_strides, sl
import torch


def check(label, make):
    """oracle.check, with a failing backward printed as oracle.h prints it."""
    out, leaves = make()
    show(label, out)
    graph(label, out)
    try:
        backprop(label, out, leaves)
    except RuntimeError as e:
        print(f"{label} backward error: {e}")


def sum_backward(label, y):
    """y.sum().backward(): "ok", or its error up to PyTorch's closing hint,
    which tensorgrad does not give."""
    try:
        y.sum().backward()
        print(f"{label}: ok")
    except RuntimeError as e:
        print(f"{label}:", str(e).split(" Hint:")[0])




def case(label, make):
    out, leaves = make()
    show_strides(label, out)
    check(label, lambda: (out, leaves))


def m():
    """(3, 4) leaf with values 0, 0.25, ..., 2.75."""
    return (torch.arange(12.0) / 4).reshape(3, 4).requires_grad_()


def src():
    """(2, 4) leaf with values 1, 2, ..., 8."""
    return torch.arange(1.0, 9.0).reshape(2, 4).requires_grad_()


def on(base, f):
    def make():
        x = base()
        return f(x), [x]
    return make


def on2(a, b, f):
    def make():
        x, s = a(), b()
        return f(x, s), [x, s]
    return make


def I(*v, dtype=torch.int64):
    return torch.tensor(list(v), dtype=dtype)


def I2(rows, dtype=torch.int64):
    return torch.tensor(rows, dtype=dtype)


def second(label, f):
    """d(sum(f(x)^2))/dx with create_graph, its graph, and the gradient of its sum."""
    x = m()
    y = f(x)
    (g,) = torch.autograd.grad((y * y).sum(), x, create_graph=True)
    show(label + " d1", g)
    graph(label + " d1", g)
    g.sum().backward()
    show(label + " d2", x.grad)


# index_select
case("index_select 0", on(m, lambda x: x.index_select(0, I(2, 0, 2))))
case("index_select 1", on(m, lambda x: x.index_select(1, I(3, 1))))
case("index_select -1 int32", on(m, lambda x: x.index_select(-1, I(0, 0, 3, dtype=torch.int32))))
case("index_select transposed", on(m, lambda x: x.t().index_select(1, I(1, 2))))
case("index_select expanded", on(lambda: torch.tensor([[1.0, 2.0, 3.0]], requires_grad=True),
                                  lambda x: x.expand(4, 3).index_select(0, I(3, 1))))
case("index_select empty index", on(m, lambda x: x.index_select(0, I2([]))))
case("index_select 0-dim index", on(m, lambda x: x.index_select(1, torch.tensor(2))))
case("index_select 1-d", on(lambda: torch.tensor([1.0, 2.0, 3.0], requires_grad=True),
                             lambda x: x.index_select(0, I(2, 2, 0, 1))))
case("index_select 0-dim", on(lambda: torch.tensor(1.5, requires_grad=True), lambda x: x.index_select(0, I(0))))
case("index_select f64", on(lambda: m().detach().double().requires_grad_(), lambda x: x.index_select(0, I(1))))
case("index_select sliced index", on(m, lambda x: x.index_select(1, I(3, 9, 0, 9, 2)[::2])))
attempt("index_select int64", lambda: torch.arange(6).reshape(2, 3).index_select(1, I(2, 0)))
attempt("index_select bool", lambda: torch.tensor([True, False]).index_select(0, I(1, 1, 0)))
attempt("index_select empty self", lambda: torch.zeros(2, 0).index_select(0, I(1)))
for d, i in [(0, 3), (0, -1), (1, 4), (1, -1), (2, 9)]:
    attempt(f"index_select 3-d {d} {i}", lambda: torch.zeros(3, 4, 5).index_select(d, I(i)))
attempt("index_select 1-d out of range", lambda: torch.zeros(3).index_select(0, I(3)))
attempt("index_select 0-dim out of range", lambda: torch.tensor(1.0).index_select(0, I(1)))
attempt("index_select empty self oob", lambda: torch.zeros(2, 0).index_select(0, I(2)))
attempt("index_select empty axis", lambda: torch.zeros(0, 3).index_select(0, I(0)))
attempt("index_select float index", lambda: torch.zeros(3).index_select(0, torch.tensor([0.0])))
attempt("index_select 2-d index", lambda: torch.zeros(3).index_select(0, I2([[0]])))
attempt("index_select bad dim", lambda: torch.zeros(3).index_select(2, I(0)))

# gather
case("gather 1", on(m, lambda x: torch.gather(x, 1, I2([[0, 3, 0], [1, 1, 1], [2, 0, 3]]))))
case("gather 0", on(m, lambda x: torch.gather(x, 0, I2([[2, 0, 1, 2], [2, 2, 2, 2]]))))
case("gather small index", on(m, lambda x: torch.gather(x, -1, I2([[3], [0]]))))
case("gather transposed", on(m, lambda x: torch.gather(x.t(), 0, I2([[0, 2, 1], [2, 2, 0]]))))
case("gather transposed index", on(m, lambda x: torch.gather(x, 1, I2([[0, 3], [1, 2]]).t())))
case("gather expanded", on(lambda: torch.tensor([[1.0, 2.0, 3.0]], requires_grad=True),
                            lambda x: torch.gather(x.expand(3, 3), 0, I2([[2, 1, 0], [0, 0, 0]]))))
case("gather expanded index", on(m, lambda x: torch.gather(x, 1, I2([[1], [3], [2]]).expand(3, 5))))
case("gather empty index", on(m, lambda x: torch.gather(x, 1, torch.zeros(0, 2, dtype=torch.int64))))
case("gather 0-dim", on(lambda: torch.tensor(2.5, requires_grad=True), lambda x: torch.gather(x, 0, torch.tensor(0))))
case("gather 0-dim to 1-d", on(lambda: torch.tensor(2.5, requires_grad=True), lambda x: torch.gather(x, 0, I(0, 0))))
case("gather f64", on(lambda: m().detach().double().requires_grad_(), lambda x: torch.gather(x, 1, I2([[2], [1], [0]]))))
attempt("gather int64", lambda: torch.gather(torch.arange(6).reshape(2, 3), 1, I2([[2, 2], [0, 1]])))
attempt("gather bool", lambda: torch.gather(torch.tensor([True, False]), 0, I(1, 1, 0)))
attempt("gather empty float index", lambda: torch.gather(torch.zeros(2, 3), 1, torch.zeros(0)))
attempt("gather out of range", lambda: torch.gather(torch.zeros(2, 3), 1, I2([[5]])))
attempt("gather negative", lambda: torch.gather(torch.zeros(2, 3), 0, I2([[0], [-1]])))
attempt("gather int32", lambda: torch.gather(torch.zeros(2, 3), 1, I2([[1]], dtype=torch.int32)))
attempt("gather float index", lambda: torch.gather(torch.zeros(2, 3), 1, torch.tensor([[1.0]])))
attempt("gather ndim", lambda: torch.gather(torch.zeros(2, 3), 1, I(1)))
attempt("gather size", lambda: torch.gather(torch.zeros(2, 3), 1, I2([[1], [1], [1]])))
attempt("gather bad dim", lambda: torch.gather(torch.zeros(2, 3), -3, I2([[1]])))
attempt("gather 0-dim out of range", lambda: torch.gather(torch.tensor(1.0), 0, I(1)))

# scatter and scatter_add
case("scatter 0", on2(m, src, lambda x, s: x.scatter(0, I2([[2, 0, 1, 2], [1, 2, 0, 0]]), s)))
case("scatter 1", on2(m, src, lambda x, s: x.scatter(1, I2([[3, 0], [1, 2]]), sl(s, 1, 0, 2, 1))))
case("scatter_add 0 repeated", on2(m, src, lambda x, s: x.scatter_add(0, I2([[2, 2, 2, 0], [2, 2, 0, 0]]), s)))
case("scatter_add 1 repeated", on2(m, src, lambda x, s: x.scatter_add(1, I2([[3, 3, 3], [0, 3, 0]]), sl(s, 1, 1, 4, 1))))
case("scatter transposed", on2(m, src, lambda x, s: x.t().scatter(1, I2([[2, 0], [1, 2]]), sl(s, 1, 0, 4, 2))))
case("scatter_add transposed src", on2(m, src, lambda x, s: x.scatter_add(0, I2([[0, 2], [1, 1]]), s.t()[:2])))
case("scatter_add expanded src", on2(m, lambda: torch.tensor([[1.0, 2.0]], requires_grad=True),
                                     lambda x, s: x.scatter_add(1, I2([[0, 0], [3, 2], [1, 1]]), s.expand(3, 2))))
case("scatter expanded self", on2(lambda: torch.tensor([[1.0, 2.0, 3.0]], requires_grad=True), src,
                                  lambda x, s: x.expand(2, 3).scatter(1, I2([[2], [0]]), sl(s, 1, 3, 4, 1))))
case("scatter empty index", on2(m, src, lambda x, s: x.scatter(0, torch.zeros(0, 4, dtype=torch.int64), s)))
case("scatter 0-dim", on2(lambda: torch.tensor(1.0, requires_grad=True), lambda: torch.tensor(4.0, requires_grad=True),
                          lambda x, s: x.scatter(0, torch.tensor(0), s)))
case("scatter_add f64", on2(lambda: m().detach().double().requires_grad_(), lambda: src().detach().double().requires_grad_(),
                            lambda x, s: x.scatter_add(1, I2([[1, 1, 1, 1]]), sl(s, 0, 0, 1, 1))))
case("scatter constant src", on(m, lambda x: x.scatter(1, I2([[1], [2]]), torch.full((3, 3), 9.0))))
case("scatter_add into constant", on(src, lambda s: torch.zeros(3, 4).scatter_add(0, I2([[1, 1, 1, 1], [1, 0, 2, 1]]), s)))
attempt("scatter int64", lambda: torch.zeros(2, 3, dtype=torch.int64).scatter_add(1, I2([[1, 1]]), I2([[5, 7]])))
attempt("scatter bool", lambda: torch.tensor([True, False, False]).scatter(0, I(2), torch.tensor([True])))
attempt("scatter out of range", lambda: torch.zeros(2, 3).scatter(1, I2([[5]]), torch.ones(2, 1)))
attempt("scatter_add negative", lambda: torch.zeros(2, 3).scatter_add(0, I2([[-1]]), torch.ones(2, 1)))
attempt("scatter dtype", lambda: torch.zeros(2, 3).scatter(1, I2([[0]]), torch.ones(2, 1, dtype=torch.float64)))
attempt("scatter_add int32", lambda: torch.zeros(2, 3).scatter_add(1, I2([[0]], dtype=torch.int32), torch.ones(2, 1)))
attempt("scatter size", lambda: torch.zeros(2, 3).scatter(1, I2([[0, 0, 0, 0]]), torch.ones(2, 1)))
attempt("scatter size self", lambda: torch.zeros(2, 3).scatter(0, I2([[0], [0], [0]]), torch.ones(4, 4)))
attempt("scatter ndim", lambda: torch.zeros(2, 3).scatter(1, I(0), torch.ones(2, 1)))
attempt("scatter empty int32", lambda: torch.zeros(2, 3).scatter(1, torch.zeros(0, dtype=torch.int32), torch.ones(2)))

# index_add
case("index_add 0 repeated", on2(m, src, lambda x, s: x.index_add(0, I(2, 2), s)))
case("index_add 1 alpha", on2(m, lambda: torch.arange(1.0, 7.0).reshape(3, 2).requires_grad_(),
                              lambda x, s: x.index_add(1, I(3, 0), s, alpha=2.5)))
case("index_add int32", on2(m, src, lambda x, s: x.index_add(0, I(0, 1, dtype=torch.int32), s)))
case("index_add transposed", on2(m, src, lambda x, s: x.t().index_add(1, I(1, 1), s.t())))
case("index_add broadcast slice", on2(m, lambda: torch.tensor([[1.0, 2.0]], requires_grad=True),
                                      lambda x, s: x.index_add(1, I(0, 3), s)))
case("index_add 1-d", on2(lambda: torch.zeros(4, requires_grad=True), lambda: torch.tensor([1.0, 2.0, 3.0], requires_grad=True),
                          lambda x, s: x.index_add(0, I(3, 0, 3), s)))
case("index_add 0-dim source", on2(lambda: torch.zeros(3, requires_grad=True), lambda: torch.tensor(5.0, requires_grad=True),
                                   lambda x, s: x.index_add(0, I(1), s)))
case("index_add empty", on2(m, lambda: torch.zeros(3, 0, requires_grad=True), lambda x, s: x.index_add(1, I2([]), s)))
case("index_add constant source", on(m, lambda x: x.index_add(0, I(1), torch.ones(1, 4))))
attempt("index_add int64 alpha", lambda: torch.zeros(3, dtype=torch.int64).index_add(0, I(1, 1), I(1, 2), alpha=2.5))
attempt("index_add bool", lambda: torch.zeros(3, dtype=torch.bool).index_add(0, I(1), torch.tensor([True])))
attempt("index_add out of range", lambda: torch.zeros(2, 3).index_add(1, I(5), torch.ones(2, 1)))
attempt("index_add negative", lambda: torch.zeros(3).index_add(0, I(-1), torch.ones(1)))
attempt("index_add count", lambda: torch.zeros(2, 3).index_add(1, I(1), torch.ones(2, 2)))
attempt("index_add dtype", lambda: torch.zeros(2, 3).index_add(1, I(1), torch.ones(2, 1, dtype=torch.float64)))
attempt("index_add float index", lambda: torch.zeros(2, 3).index_add(1, torch.tensor([0.0]), torch.ones(2, 1)))
attempt("index_add 2-d index", lambda: torch.zeros(2, 3).index_add(1, torch.tensor([[0.0]]), torch.ones(2, 1)))
attempt("index_add source dim", lambda: torch.zeros(2, 3).index_add(1, I(0), torch.ones(2)))
attempt("index_add slice", lambda: torch.zeros(2, 3).index_add(1, I(0), torch.ones(3, 1)))
attempt("index_add 1-d source dim", lambda: torch.zeros(3).index_add(0, I(0), torch.ones(1, 1)))

# take_along_dim
case("take_along_dim 1", on(m, lambda x: torch.take_along_dim(x, I2([[0], [3], [1]]), 1)))
case("take_along_dim broadcast", on(m, lambda x: torch.take_along_dim(x, I2([[2, 0, 1, 1]]), 0)))
case("take_along_dim broadcast self", on(lambda: torch.tensor([[1.0, 2.0, 3.0]], requires_grad=True),
                                         lambda x: torch.take_along_dim(x, I2([[0], [2]]), 1)))
attempt("take_along_dim ndim", lambda: torch.take_along_dim(torch.zeros(2, 3), I2([[[0]]]), 1))
attempt("take_along_dim int32", lambda: torch.take_along_dim(torch.zeros(2, 3), I2([[0]], dtype=torch.int32), 1))
attempt("take_along_dim out of range", lambda: torch.take_along_dim(torch.zeros(2, 3), I2([[3]]), 1))
attempt("take_along_dim shapes", lambda: torch.take_along_dim(torch.zeros(2, 3), I2([[0, 1]]), 0))
attempt("take_along_dim 0-dim", lambda: torch.take_along_dim(torch.tensor(1.0), torch.tensor(0), -1))
attempt("take_along_dim bad dim", lambda: torch.take_along_dim(torch.zeros(2, 3), I2([[0]]), 2))


# masked_select
B = lambda *v: torch.tensor(list(v))
case("masked_select", on(m, lambda x: x.masked_select(x > 1.1)))
case("masked_select broadcast mask", on(m, lambda x: x.masked_select(B(True, False, False, True))))
case("masked_select broadcast self", on(lambda: torch.tensor([1.0, 2.0, 3.0], requires_grad=True),
                                        lambda x: x.masked_select(torch.tensor([[True], [False]]).expand(2, 3).contiguous() | B(False, True, False))))


def row_major_grads(label, make, reference):
    """case(label, make), with the gradients of reference: the same function
    of a contiguous copy. PyTorch 1.13's masked_select_backward scatters the
    gradient in the input's memory order, wrong for other layouts (its own
    gradcheck fails); tensorgrad's is right (docs/autograd.md)."""
    out, leaves = make()
    show_strides(label, out)
    show(label, out)
    graph(label, out)
    backprop(label, *reference())


mask41 = lambda: torch.tensor([[True, False, True, True]]).t()
row_major_grads("masked_select transposed", on(m, lambda x: x.t().masked_select(mask41())),
                on(m, lambda x: x.t().contiguous().masked_select(mask41())))
cube = lambda: (torch.arange(24.0) / 2).reshape(2, 3, 4).requires_grad_()
row_major_grads("masked_select permuted", on(cube, lambda x: x.permute(2, 0, 1).masked_select(B(True, False, True))),
                on(cube, lambda x: x.permute(2, 0, 1).contiguous().masked_select(B(True, False, True))))
case("masked_select expanded", on(lambda: torch.tensor([[1.0, 2.0]], requires_grad=True),
                                  lambda x: x.expand(3, 2).masked_select(torch.tensor([[True, False], [True, True], [False, True]]))))
case("masked_select none", on(m, lambda x: x.masked_select(torch.zeros(3, 4, dtype=torch.bool))))
case("masked_select 0-dim", on(lambda: torch.tensor(2.0, requires_grad=True), lambda x: x.masked_select(torch.tensor(True))))
case("masked_select f64", on(lambda: m().detach().double().requires_grad_(), lambda x: x.masked_select(B(False, True, True, False))))
attempt("masked_select int64", lambda: torch.arange(6).reshape(2, 3).masked_select(B(True, False, True)))
attempt("masked_select bool", lambda: torch.tensor([True, False, True]).masked_select(B(False, True, True)))
attempt("masked_select empty", lambda: torch.zeros(0, 3).masked_select(B(True, False, True)))
attempt("masked_select int mask", lambda: torch.zeros(2, 3).masked_select(B(1, 0, 1)))
attempt("masked_select shape", lambda: torch.zeros(2, 3).masked_select(B(True, False)))
second("masked_select second", lambda x: x.masked_select(B(True, False, True, True)))
x = m()
mk = B(True, False, True, False)
y = x.masked_select(mk)
mk[1] = True
sum_backward("masked_select saved mask", y)

# in place
def inplace(label, f):
    x = m()
    y = x * 1
    r = f(y)
    print(label, "same:", r is y, "version:", y._version)
    check(label, lambda: (y, [x]))


inplace("scatter_", lambda y: y.scatter_(1, I2([[3, 0], [1, 2]]), torch.full((2, 2), 7.0)))
inplace("scatter_add_", lambda y: y.scatter_add_(0, I2([[2, 2, 2, 2]]), torch.ones(1, 4)))
inplace("index_add_", lambda y: y.index_add_(1, I(1, 1), torch.ones(3, 2), alpha=-2))
inplace("scatter_ on a view", lambda y: y[1].scatter_(0, I(0, 3), torch.tensor([5.0, 6.0])))
inplace("index_add_ on a view", lambda y: y.t()[2:].index_add_(1, I(2, 0), torch.ones(2, 2)))


def with_src(label, f):
    x = m()
    s = src()
    y = x * 1
    f(y, s)
    check(label, lambda: (y, [x, s]))


with_src("scatter_ src grad", lambda y, s: y.scatter_(0, I2([[2, 0, 1, 2]]), sl(s, 0, 0, 1, 1)))
with_src("scatter_add_ src grad", lambda y, s: y.scatter_add_(1, I2([[1, 1], [0, 0]]), sl(s, 1, 2, 4, 1)))
with_src("index_add_ src grad", lambda y, s: y.index_add_(0, I(0, 0), s, alpha=3))
c = torch.zeros(2, 3)
c.scatter_add_(1, I2([[2, 2], [0, 1]]), torch.ones(2, 2))
show("scatter_add_ constant", c)
attempt("scatter_ leaf", lambda: torch.zeros(3, 4, requires_grad=True).scatter_(1, I2([[0]]), torch.ones(1, 1)))
attempt("index_add_ leaf", lambda: torch.zeros(3, 4, requires_grad=True).index_add_(1, I(0), torch.ones(3, 1)))
attempt("scatter_ expanded", lambda: torch.zeros(1, 3).expand(2, 3).scatter_(1, I2([[0]]), torch.ones(2, 1)))
attempt("scatter_add_ expanded", lambda: torch.zeros(1, 3).expand(2, 3).scatter_add_(1, I2([[0]]), torch.ones(2, 1)))
attempt("index_add_ expanded", lambda: torch.zeros(1, 3).expand(2, 3).index_add_(1, I(0), torch.ones(2, 1)))
f = torch.arange(6.0).reshape(2, 3)
attempt("scatter_ out of range", lambda: f.scatter_(1, I2([[0, 1], [2, 3]]), torch.ones(2, 2)))
attempt("index_add_ out of range", lambda: f.index_add_(1, I(0, 3), torch.ones(2, 2)))
# tensorgrad checks every index before it writes: a failed call changes
# nothing (PyTorch's CPU kernels may have written part by then), so the
# expected value is f as it was (docs/reliability.md).
show("unchanged", torch.arange(6.0).reshape(2, 3))

g = torch.arange(6.0).reshape(2, 3)
attempt("scatter_ of itself", lambda: g.scatter_(1, I2([[2, 1, 0]]), g))
attempt("scatter_add_ of itself transposed", lambda: g.t().scatter_add_(1, I2([[1]]), g.t()))
attempt("index_add_ of part of itself", lambda: g.index_add_(0, I(1), sl(g, 0, 1, 2, 1)))
attempt("scatter_ of a disjoint part", lambda: sl(g, 0, 0, 1, 1).scatter_(1, I2([[2, 1, 0]]), sl(g, 0, 1, 2, 1)))
x = torch.ones(3, 2, requires_grad=True)
i = I(0, 0)
y = x.index_add(1, i, torch.ones(3, 2, requires_grad=True) * 1)
i.add_(1)
sum_backward("index_add saved index", y)
x = torch.ones(3, 2, requires_grad=True)
i = I(0, 0)
y = x.index_add(1, i, torch.ones(3, 2))
i.add_(1)
y.sum().backward()
show("index_add index unsaved", x.grad)

# second derivatives
second("index_select second", lambda x: x.index_select(1, I(2, 2, 0)))
second("gather second", lambda x: torch.gather(x, 0, I2([[2, 0, 2, 1]])))
second("scatter second", lambda x: x.scatter(1, I2([[0], [3], [1]]), torch.ones(3, 1)))
second("scatter_add second", lambda x: torch.zeros(2, 4).scatter_add(0, I2([[1, 1, 0, 1], [0, 0, 0, 1], [1, 1, 1, 1]]), x))
second("index_add second", lambda x: torch.ones(3, 2).index_add(1, I(0, 0, 1, 0), x))
second("scatter self second", lambda x: x.scatter(0, I2([[1, 0, 2, 1]]), (x * 2)[:1]))

# a saved input changed in place
x = m()
y = torch.gather(x * 1, 1, I2([[0]]))
x2 = x * 2
z = torch.gather(x2, 1, I2([[1], [0]]))
x2.add_(1)
sum_backward("gather saved self", z)
