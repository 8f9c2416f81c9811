# Oracle for ops_scatter_reduce.c: cumsum_ and cumprod_, the scalar forms of
# xlogy (and xlogy_ with a scalar), and scatter_reduce (and scatter_reduce_):
# values, strides, graphs and gradients on contiguous, transposed and empty
# inputs, f64 and integer tensors, and errors.
from oracle import attempt, backprop, graph, show, show_strides, sl
import torch



def check(label, out, leaves):
    show(label, out)
    graph(label, out)
    try:
        backprop(label, out, leaves)
    except RuntimeError as e:
        print(f"{label} backward error: {e}")


def case(label, leaf, f):
    x = leaf()
    try:
        out = f(x)
    except Exception as e:
        print(f"{label}: error: {e}")
        return
    show_strides(label, out)
    check(label, out, [x])



def m():
    return (torch.arange(12.0) / 4).reshape(3, 4).requires_grad_()


def m64():
    return (torch.arange(12.0) / 4).reshape(3, 4).double().requires_grad_()


def pm():
    return torch.tensor([1, 2, 0, 3, -1, 2, 2, 0.5, 4, 0, 1, -2]).reshape(3, 4).requires_grad_()


case("cumsum_", m, lambda x: (x * 1).cumsum_(1))
case("cumsum_ 0", m, lambda x: (x * 1).cumsum_(0))
case("cumsum_ transposed", m, lambda x: (x * 1).t().cumsum_(-1))
case("cumsum_ f64", m64, lambda x: (x * 2).cumsum_(1))
case("cumprod_", pm, lambda x: (x * 1).cumprod_(1))
case("cumprod_ transposed", pm, lambda x: (x * 1).t().cumprod_(1))
case("cumprod_ f64", m64, lambda x: (x + 1).cumprod_(0))
case("cumsum_ view", m, lambda x: (x * 1).select(0, 1).cumsum_(0))
case("cumprod_ view", pm, lambda x: sl(x * 1, 1, 1, 3, 1).cumprod_(1))
attempt("cumsum_ i64", lambda: torch.arange(6).reshape(2, 3).cumsum_(1))
attempt("cumsum_ i32", lambda: torch.arange(1, 4).int().cumsum_(0))
attempt("cumprod_ i32", lambda: torch.arange(1, 5).int().cumprod_(0))
attempt("cumsum_ empty", lambda: torch.zeros(0, 3).cumsum_(0))
attempt("cumsum_ 0-dim", lambda: torch.tensor(2.0).cumsum_(0))
attempt("cumsum_ bool", lambda: torch.ones(3, dtype=torch.bool).cumsum_(0))
attempt("cumprod_ bool", lambda: torch.ones(3, dtype=torch.bool).cumprod_(0))
attempt("cumsum_ leaf", lambda: torch.ones(3, 4, requires_grad=True).cumsum_(0))
attempt("cumsum_ expanded", lambda: torch.ones(1, 3).expand(2, 3).cumsum_(1))
attempt("cumsum_ bad dim", lambda: torch.ones(2, 3).cumsum_(2))
x = pm()
y = (x * 1).cumprod_(1)
z = (y * y).sum()
y.add_(1)
try:
    z.backward()
    print("cumprod_ overwritten: ok")
except RuntimeError as e:
    print("cumprod_ overwritten:", str(e).split(" Hint:")[0])


def pos():
    return torch.tensor([0.5, 1, 3, 2, 0.25, 4]).reshape(2, 3).requires_grad_()


def overwritten(label, y, t):
    t.add_(1)
    try:
        y.sum().backward()
        print(f"{label}: ok")
    except RuntimeError as e:
        print(f"{label}:", str(e).split(" Hint:")[0])


case("xlogy zeros", pm, lambda x: torch.xlogy(x, torch.tensor([2, 2, 2, 0.5, 3, -1, 0, 1, 0.5, -2, 0, 4]).reshape(3, 4)))
case("xlogy zeros broadcast", pm, lambda x: torch.xlogy(x, torch.tensor([2, -1, 0, 0.5])))
case("xlogy_scalar 2", pm, lambda x: torch.xlogy(x, 2.0))
case("xlogy_scalar -1", pm, lambda x: torch.xlogy(x, -1.0))
case("xlogy_scalar 0", pm, lambda x: torch.xlogy(x, 0.0))
case("xlogy_scalar 0.5 transposed", pm, lambda x: torch.xlogy(x.t(), 0.5))
case("xlogy_scalar f64", m64, lambda x: torch.xlogy(x, 3.0))
case("scalar_xlogy 2", pos, lambda x: torch.xlogy(2.0, x))
case("scalar_xlogy 0", pos, lambda x: torch.xlogy(0.0, x))
case("scalar_xlogy -1.5 transposed", pos, lambda x: torch.xlogy(-1.5, x.t()))
case("scalar_xlogy negatives", pm, lambda x: torch.xlogy(2.0, x))
case("scalar_xlogy f64", m64, lambda x: torch.xlogy(3.0, x + 1))
case("xlogy_scalar_", pm, lambda x: (x * 1).xlogy_(2.0))
case("xlogy_scalar_ -1", pm, lambda x: (x * 1).xlogy_(-1.0))
case("xlogy_scalar_ transposed f64", m64, lambda x: (x * 1).t().xlogy_(0.5))
case("xlogy_scalar_ view", pm, lambda x: (x * 1).select(1, 2).xlogy_(2.0))
attempt("xlogy_scalar i64", lambda: torch.xlogy(torch.arange(4), 2.0))
attempt("scalar_xlogy i64", lambda: torch.xlogy(2.0, torch.arange(4)))
attempt("scalar_xlogy bool", lambda: torch.xlogy(2.0, torch.ones(2, dtype=torch.bool)))
attempt("xlogy_scalar empty", lambda: torch.xlogy(torch.zeros(0, 2, dtype=torch.float64), 2.0))
attempt("xlogy_scalar 0-dim", lambda: torch.xlogy(torch.tensor(3.0), 2.0))
attempt("xlogy_scalar_ f32", lambda: torch.ones(2).xlogy_(2.0))
attempt("xlogy_scalar_ i64", lambda: torch.arange(4).xlogy_(2.0))
attempt("xlogy_scalar_ leaf", lambda: torch.ones(2, requires_grad=True).xlogy_(2.0))
attempt("xlogy_scalar_ expanded", lambda: torch.ones(1, 3).expand(2, 3).xlogy_(2.0))
x = pm()
x2 = x * 2
overwritten("xlogy_scalar saved self", torch.xlogy(x2, 2.0), x2)
y = pos()
y2 = y * 2
overwritten("scalar_xlogy saved other", torch.xlogy(2.0, y2), y2)

# scatter_reduce
import warnings as _w
_w.filterwarnings("ignore", message="scatter_reduce")
REDUCE = ["sum", "prod", "mean", "amax", "amin"]


def s24():
    return torch.tensor([0.25, 2, 0, 0.75, 0.25, 1.25, 3, 0.75]).reshape(2, 4).requires_grad_()


def I2(v):
    return torch.tensor(v)


idx24 = lambda: I2([[0, 1, 2, 0], [0, 2, 1, 0]])
idx_small = lambda: I2([[1, 1], [0, 1]])


def case2(label, a, b, f):
    x, s = a(), b()
    try:
        out = f(x, s)
    except Exception as e:
        print(f"{label}: error: {e}")
        return
    show_strides(label, out)
    check(label, out, [x, s])


def second(label, x, s, y):
    loss = (y * y).sum()
    try:
        g = torch.autograd.grad(loss, [x, s], create_graph=True)
    except RuntimeError as e:
        print(f"{label} error: {e}")
        return
    for i in range(2):
        show(f"{label} d1 {i}", g[i])
        graph(f"{label} d1 {i}", g[i])
    try:
        (g[0].sum() + g[1].sum()).backward()
    except RuntimeError as e:
        print(f"{label} d2 error: {e}")
        return
    show(f"{label} d2", x.grad)
    show(f"{label} d2", s.grad)


for r in REDUCE:
    for inc in (True, False):
        w = "self" if inc else "no self"
        case2(f"scatter_reduce {r} {w}", m, s24, lambda x, s: x.scatter_reduce(0, idx24(), s, r, include_self=inc))
        case2(f"scatter_reduce {r} {w} dim 1 transposed", m, s24,
              lambda x, s: x.t().scatter_reduce(1, idx24().t(), s.t(), r, include_self=inc))
        case2(f"scatter_reduce {r} {w} small index", m, s24,
              lambda x, s: x.scatter_reduce(1, idx_small(), s, r, include_self=inc))
        case2(f"scatter_reduce {r} {w} f64", m64, lambda: s24().double().detach().requires_grad_(),
              lambda x, s: x.scatter_reduce(1, idx24(), s, r, include_self=inc))
        attempt(f"scatter_reduce {r} {w} i64", lambda: torch.tensor([[3, -4, 7], [0, 5, -6]]).scatter_reduce(
            1, I2([[0, 0], [2, 0]]), torch.tensor([[-2, 5], [1, 9]]), r, include_self=inc))
        attempt(f"scatter_reduce {r} {w} i32", lambda: torch.tensor([3, -4, 7]).int().scatter_reduce(
            0, I2([1, 1, 1, 0]), torch.tensor([-3, 2, 2, 8]).int(), r, include_self=inc))
        case2(f"scatter_reduce {r} {w} empty index", m, s24,
              lambda x, s: x.scatter_reduce(0, torch.zeros(0, 4, dtype=torch.long), s, r, include_self=inc))
        case2(f"scatter_reduce_ {r} {w}", m, s24, lambda x, s: (x * 1).scatter_reduce_(0, idx24(), s, r, include_self=inc))

t22 = lambda v: (lambda: torch.tensor(v).reshape(2, 2).requires_grad_())
case2("amax ties", t22([1., 2, 3, 4]), t22([1., 5, 1, 4]), lambda x, s: x.scatter_reduce(0, I2([[0, 1], [0, 1]]), s, "amax"))
case2("amin ties no self", t22([1., 2, 3, 4]), t22([1., 5, 1, 4]),
      lambda x, s: x.scatter_reduce(0, I2([[0, 1], [0, 1]]), s, "amin", include_self=False))
vec = lambda v: (lambda: torch.tensor(v).requires_grad_())
case2("amax nan", vec([1., 2, 3]), vec([float("nan"), 5]), lambda x, s: x.scatter_reduce(0, I2([0, 0]), s, "amax"))
case2("prod zeros", vec([0., 2, 3, 0]), vec([0., 5, 0, 0, 2, 3]), lambda x, s: x.scatter_reduce(0, I2([1, 1, 2, 3, 3, 0]), s, "prod"))
case2("prod zeros no self", vec([0., 2, 3, 0]), vec([0., 5, 0, 0, 2, 3]),
      lambda x, s: x.scatter_reduce(0, I2([1, 1, 2, 3, 3, 0]), s, "prod", include_self=False))
case2("empty self", lambda: torch.zeros(0, 3, requires_grad=True), lambda: torch.zeros(0, 3, requires_grad=True),
      lambda x, s: x.scatter_reduce(1, torch.zeros(0, 3, dtype=torch.long), s, "mean"))
case2("0-dim", lambda: torch.tensor(2.0, requires_grad=True), lambda: torch.tensor(3.0, requires_grad=True),
      lambda x, s: x.scatter_reduce(0, torch.tensor(0), s, "prod"))
attempt("scatter_reduce bool amax", lambda: torch.tensor([True, False]).scatter_reduce(0, I2([0, 1]), torch.tensor([False, True]), "amax"))
attempt("scatter_reduce bool sum", lambda: torch.tensor([True, False]).scatter_reduce(0, I2([0, 1]), torch.tensor([False, True]), "sum"))
z, one = torch.zeros(2), torch.ones(1)
attempt("error bool mean", lambda: torch.ones(2, dtype=torch.bool).scatter_reduce(0, I2([0]), torch.ones(1, dtype=torch.bool), "mean"))
attempt("error index int32", lambda: z.scatter_reduce(0, I2([0]).int(), one, "sum"))
attempt("error dtypes", lambda: z.scatter_reduce(0, I2([0]), one.double(), "sum"))
attempt("error out of range", lambda: z.scatter_reduce(0, I2([2]), one, "amax"))
attempt("error negative index", lambda: z.scatter_reduce(0, I2([-1]), one, "sum", include_self=False))
attempt("error ranks", lambda: z.scatter_reduce(0, I2([[0]]), one, "sum"))
attempt("error sizes", lambda: z.scatter_reduce(0, I2([0, 1, 0]), torch.ones(2), "sum"))
attempt("error dim", lambda: z.scatter_reduce(1, I2([0]), one, "sum"))
attempt("error reduce", lambda: z.scatter_reduce(0, I2([0]), one, "max"))
attempt("error leaf", lambda: torch.zeros(2, requires_grad=True).scatter_reduce_(0, I2([0]), one, "sum"))
attempt("error expanded", lambda: torch.zeros(1).expand(2).scatter_reduce_(0, I2([0]), one, "sum"))
f = torch.arange(4.0)
attempt("error of itself", lambda: f.scatter_reduce_(0, I2([1, 0, 1, 0]), f, "sum"))
# tensorgrad checks every index before writing: nothing changes
attempt("unchanged", lambda: torch.arange(4.0))
x = m()
x2 = x * 2
overwritten("scatter_reduce saved self", x2.scatter_reduce(0, idx24(), torch.ones(2, 4), "sum"), x2)
s = s24()
s2 = s * 2
overwritten("scatter_reduce saved src", torch.zeros(3, 4).scatter_reduce(0, idx24(), s2, "amax"), s2)
y = (x * 1).scatter_reduce_(0, idx24(), s, "prod")
loss = y.sum()
y.mul_(2)
try:
    loss.backward()
    print("scatter_reduce_ saved result: ok")
except RuntimeError as e:
    print("scatter_reduce_ saved result:", str(e).split(" Hint:")[0])
for i, r in enumerate(REDUCE):
    a, b = m(), s24()
    second(f"{r} second", a, b, a.scatter_reduce(0, idx24(), b, r, include_self=i % 2 == 0))
a, b = vec([0., 2, 3, 0])(), vec([0., 0, 0, 0, 2, 3])()
second("prod two zeros second", a, b, a.scatter_reduce(0, I2([1, 1, 2, 3, 3, 0]), b, "prod"))
a, b = vec([0., 2, 3, 0])(), vec([0., 5, 1, 0, 2, 3])()
second("prod one zero second", a, b, a.scatter_reduce(0, I2([1, 1, 2, 3, 3, 0]), b, "prod"))
