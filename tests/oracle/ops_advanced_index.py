# Oracle for ops_advanced_index.c: advanced indexing, t[items] and
# t[items] = values, with PyTorch's own indexing. PyTorch 1.13 takes no int32
# indices: the C side's TG_I32 ones are long here, and its refusal of other
# dtypes names int too, as PyTorch 2's does.
from oracle import attempt, check, graph, show_strides, sl
import torch


def x234():
    return torch.arange(24.0).reshape(2, 3, 4).requires_grad_()


def vec(*v):
    return torch.tensor(v)


def case(label, x, f):
    try:
        out = f(x)
    except IndexError as e:
        print(f"{label}: error: {e}")
        return
    show_strides(label, out)
    check(label, lambda: (out, [x]))


def error(label, f):
    def run():
        try:
            return f()
        except Exception as e:
            raise type(e)(str(e).replace("long, byte or bool", "long, int, byte or bool")) from None
    attempt(label, run)


T, F = True, False

# reads
i, j, neg = vec(1, 0), vec(2, 0, 2), vec(-1, 0)
case("x[i]", x234(), lambda x: x[i])
case("x[:, j]", x234(), lambda x: x[:, j])
case("x[..., neg]", x234(), lambda x: x[..., neg])
case("x[0:1, i]", x234(), lambda x: x[0:1, i])
case("x[0:2, i]", x234(), lambda x: x[0:2, i])
case("x[:, 0:3, i]", x234(), lambda x: x[:, 0:3, i])
case("x[1, j]", x234(), lambda x: x[1, j])
case("x[i, -1]", x234(), lambda x: x[i, -1])
col = torch.tensor([[0], [3]])
case("x[i, :, col]", x234(), lambda x: x[i, :, col])
case("x[col, j]", x234(), lambda x: x[torch.tensor([[0], [1]]), j])
case("x[i, None, j]", x234(), lambda x: x[i, None, vec(2, 1)])
case("x[None, i]", x234(), lambda x: x[None, i])
case("x[None, 0:2, i]", x234(), lambda x: x[None, 0:2, i])
case("x[..., None, i]", x234(), lambda x: x[..., None, i])
case("x[i, ..., i]", x234(), lambda x: x[i, ..., i])
case("x[:, ::2, i]", x234(), lambda x: x[:, ::2, i])
case("x[-2:, 1:, ::3]", x234(), lambda x: x[-2:, 1:, ::3])
case("x[i, j broadcast]", x234(), lambda x: x[torch.tensor([[0], [1]]), j, vec(3)])
case("x[0-dim i]", x234(), lambda x: x[torch.tensor(1)])
case("x[:, 0-dim i]", x234(), lambda x: x[:, torch.tensor(2)])
case("x[True]", x234(), lambda x: x[torch.tensor(True)])
case("x[:, False]", x234(), lambda x: x[:, torch.tensor(False)])
case("x[i32]", x234(), lambda x: x[vec(1, -2, 1)])
case("x[:, :, i32 2d]", x234(), lambda x: x[:, :, torch.tensor([[3, 0], [1, 3]])])
case("x[...]", x234(), lambda x: x[...])
case("x[:]", x234(), lambda x: x[:])
case("x[0:2, 0:3]", x234(), lambda x: x[0:2, 0:3])
case("x[:, :]", x234(), lambda x: x[:, :])
case("x[None]", x234(), lambda x: x[None])
case("x[1]", x234(), lambda x: x[1])
case("x[1, :, -1]", x234(), lambda x: x[1, :, -1])
case("x[0, 0, 0, None]", x234(), lambda x: x[0, 0, 0, None])
case("x[..., ...]", x234(), lambda x: x[..., ...])
case("s[None, None]", torch.tensor(2.5, requires_grad=True), lambda x: x[None, None])
case("s[..., None]", torch.tensor(2.5, requires_grad=True), lambda x: x[..., None])

# masks
case("x[x > 5]", x234(), lambda x: x[x.detach() > 5])
m23 = torch.tensor([[T, F, T], [F, F, T]])
case("x[m23]", x234(), lambda x: x[m23])
case("x[m23, 1:3]", x234(), lambda x: x[m23, 1:3])
m3 = torch.tensor([F, T, T])
case("x[:, m3]", x234(), lambda x: x[:, m3])
case("x[:, m3, i]", x234(), lambda x: x[:, m3, vec(0, 3)])
case("x[m2, :, m4]", x234(), lambda x: x[torch.tensor([T, T]), :, torch.tensor([F, T, F, T])])
case("x[none true]", x234(), lambda x: x[x.detach() > 100])

# layouts
i = vec(2, 0)
a = torch.tensor([[0.5, -1, 2, 3], [-0.25, 4, 1.5, 0], [7, -3, 2.5, 1]], dtype=torch.float64)
case("t f64 [i]", a.clone().requires_grad_(), lambda x: x.t()[i])
case("t f64 [:, i]", a.clone().requires_grad_(), lambda x: x.t()[:, i])
case("permuted [:, :, i]", x234(), lambda x: x.permute(2, 0, 1)[:, :, i])
case("permuted [i]", x234(), lambda x: x.permute(2, 0, 1)[vec(3, 1)])
col = torch.tensor([[1], [0]])
case("permuted [:, col, i]", x234(), lambda x: x.permute(2, 0, 1)[:, col, vec(1, 2)])
case("permuted [col, :, i]", x234(), lambda x: x.permute(2, 0, 1)[col, :, vec(1, 2)])
case("x[expanded index]", x234(), lambda x: x[col.expand(2, 5)])
case("x[:, transposed index]", x234(), lambda x: x[:, torch.tensor([[2], [0]]).expand(2, 3).t()])
case("expanded [:, i]", torch.tensor([[1.0], [2], [3]], requires_grad=True), lambda x: x.expand(3, 4)[:, vec(3, 3, 0)])
case("sliced f64 [i, i]", torch.arange(24.0, dtype=torch.float64).reshape(4, 6).requires_grad_(),
     lambda x: sl(x, 1, 0, 6, 2)[vec(3, 0), vec(2, 1)])
none = torch.zeros(0, dtype=torch.long)
case("x[empty]", x234(), lambda x: x[none])
case("x[:, empty]", x234(), lambda x: x[:, none])
case("z[:, i]", torch.zeros(0, 3, requires_grad=True), lambda x: x[:, vec(2, 2)])
case("z[empty]", torch.zeros(0, 3, requires_grad=True), lambda x: x[none])

# integer and bool tensors
a = torch.arange(12).reshape(3, 4)
attempt("i64[mask]", lambda: a[a > 6])
attempt("i64 t()[:, i]", lambda: a.t()[:, vec(2, 0)])
attempt("bool[i]", lambda: (a > 4)[vec(1, -1)])
attempt("i64 put accumulate", lambda: a.clone().index_put_((vec(0, 0, 2),), torch.tensor([5]), True))


def int32_put():
    c = a.to(torch.int32)
    c[:, vec(1)] = torch.tensor(-7, dtype=torch.int32)
    return c


def bool_put():
    c = torch.zeros(2, 3, dtype=torch.bool)
    c[torch.tensor([[T, F, T], [F, F, T]])] = torch.tensor(True)
    return c


attempt("i32 put", int32_put)
attempt("bool put mask", bool_put)

# read errors
x = torch.arange(24.0).reshape(2, 3, 4)
i = vec(0, 1)
error("x[[0, 2]]", lambda: x[vec(0, 2)])
error("x[:, [5]]", lambda: x[:, vec(5)])
error("x[:, :, [-5]]", lambda: x[:, :, vec(-5)])
error("x[[0, 1], [0, 3]]", lambda: x[i, vec(0, 3)])
error("x[0, 0, 0, 0]", lambda: x[0, 0, 0, 0])
error("x[float]", lambda: x[torch.tensor([1.0])])
error("x[m3]", lambda: x[torch.tensor([T, F, T])])
error("x[:, m2]", lambda: x[:, torch.tensor([T, F])])
error("x[m23, 0:1]", lambda: x[torch.ones(2, 3, dtype=torch.bool), 0:1])
error("x[i, [0, 1, 2]]", lambda: x[i, vec(0, 1, 2)])
error("x[5]", lambda: x[5])
error("x[-3]", lambda: x[-3])
error("x[:, 5]", lambda: x[:, 5])
error("x[None, 0, 5]", lambda: x[None, 0, 5])
error("x[..., 9]", lambda: x[..., 9])
error("x[:, :, 0-dim 9]", lambda: x[:, :, torch.tensor(9)])
error("x[..., ..., i]", lambda: x[..., ..., i])
error("x[:, ::0]", lambda: x[:, ::0])
error("x[::-1]", lambda: x[::-1])
error("z[[0]]", lambda: torch.zeros(0, 3)[vec(0)])
error("s[0]", lambda: torch.tensor(3.0)[0])
error("s[None, 0]", lambda: torch.tensor(3.0)[None, 0])
error("s[[0]]", lambda: torch.tensor(3.0)[vec(0)])


# puts: y = x * 1 written at items
def values(start, *shape):
    n = 1
    for s in shape:
        n *= s
    return torch.arange(float(start), start + n).reshape(shape).requires_grad_()


def put(label, v, write):
    x = x234()
    y = x * 1
    write(y, v)
    check(label, lambda: (y, [x, v] if v.requires_grad else [x]))


def setitem(index):
    def write(y, v):
        y[index] = v
    return write


def accumulate(index):
    return lambda y, v: y.index_put_(index, v, accumulate=True)


i, j = vec(1, 0), vec(2, 0)
put("y[i] = v", values(100, 2, 3, 4), setitem(i))
put("y[i] = v row", values(100, 4), setitem(i))
put("y[i] = v leading ones", values(100, 1, 1, 3, 4), setitem(i))
put("y[:, j] = v", values(100, 2, 2, 4), setitem((slice(None), j)))
put("y[1:, j] = v", values(100, 1, 2, 4), setitem((slice(1, None), j)))
put("y[0, j] = v", values(100, 2, 4), setitem((0, j)))
put("y[..., j] = v", values(100, 2), setitem((Ellipsis, j)))
put("y[i, :, j] = v", values(100, 2, 3), setitem((i, slice(None), j)))
put("y[y > 20] = 0-dim", torch.tensor(-1.0, requires_grad=True), lambda y, v: y.__setitem__(y.detach() > 20, v))
put("y[m23] = v", values(100, 3, 4), setitem(torch.tensor([[T, F, T], [F, F, T]])))
put("y[y > 20] = f64 0-dim", torch.tensor(-1.0, dtype=torch.float64), lambda y, v: y.__setitem__(y.detach() > 20, v))
put("y[0:1] = v", values(100, 1, 3, 4), setitem(slice(0, 1)))
put("y[0:2] = row", values(100, 1, 4), setitem(slice(0, 2)))
put("y[1] = 0-dim", torch.tensor(5.0, requires_grad=True), setitem(1))
put("y[...] = v", values(100, 3, 4), setitem(Ellipsis))
put("y[i32] = v", values(100, 3, 4), setitem(vec(-1)))
put("y[empty] = v", values(100, 4), setitem(torch.zeros(0, dtype=torch.long)))
put("y[i] += v repeated", values(100, 3, 3, 4), accumulate((vec(1, 0, 1),)))
put("y[i, j] += v repeated", values(100, 4, 4), accumulate((vec(1, 1, 0, 1), vec(2, 2, 0, 2))))
put("y[mask] += 0-dim", torch.tensor(0.5, requires_grad=True), lambda y, v: y.index_put_((y.detach() > 20,), v, True))


# out of place
x, v = x234(), values(100, 2, 3, 4)
check("index_put(x, i, v)", lambda: (torch.index_put(x, (i,), v), [x, v]))
x, v = x234(), values(100, 4)
check("index_put(x, (i, j), v, True)", lambda: (torch.index_put(x, (i, j), v, True), [x, v]))
x, v = x234(), values(100, 2, 2, 4)


def clone_put():
    c = x.clone()
    c[:, j] = v
    return c, [x, v]


check("clone()[:, j] = v", clone_put)
z, v = torch.zeros(3, 4), values(100, 2, 4)
z[i] = v
check("zeros[i] = v", lambda: (z, [v]))
x = torch.arange(12.0, dtype=torch.float64).reshape(3, 4).requires_grad_()
v = torch.tensor([[1.0, 2], [3, 4], [5, 6]], dtype=torch.float64, requires_grad=True)
r = torch.index_put(x.t(), (vec(3, 1),), v.t())
show_strides("index_put(x.t() f64)", r)
check("index_put(x.t() f64)", lambda: (r, [x, v]))

# put errors
i = vec(0, 2)
error("dtype", lambda: torch.zeros(3).index_put_((i,), torch.ones(2, dtype=torch.float64)))
error("long dtype", lambda: torch.zeros(3, dtype=torch.long).index_put_((i,), torch.tensor(7.0)))
error("mask value dtype", lambda: torch.zeros(2, 3).index_put_((torch.tensor([T, F]),), torch.tensor(7)))
error("shape", lambda: torch.zeros(3).index_put_((i,), torch.ones(3)))
error("shape 2d", lambda: torch.zeros(3, 4).index_put_((i,), torch.ones(3, 4)))
error("mask shape", lambda: torch.zeros(2, 3).index_put_((torch.tensor([T, F, T]),), torch.tensor(1.0)))
error("mask values", lambda: torch.zeros(2, 3).index_put_((torch.tensor([T, F]),), torch.tensor([1.0, 2])))
error("out of bounds", lambda: torch.zeros(3).index_put_((vec(5),), torch.ones(1)))


def setter(t, index, v):
    def f():
        t[index] = v
        return t
    return f


error("copy shape", setter(torch.zeros(3, 4), slice(0, 2), torch.ones(3)))
error("index shape", setter(torch.zeros(3, 4), (slice(0, 2), vec(0)), torch.ones(3)))
a = torch.zeros(2, 3)
error("values overlap", lambda: a.index_put_((vec(1),), a[0]))
b = torch.zeros(2, dtype=torch.long)
error("index overlap", lambda: b.index_put_((b,), torch.tensor(1)))
l = torch.zeros(3, requires_grad=True)
error("leaf", lambda: l.index_put_((i,), torch.ones(2)))
error("view of leaf", setter(l, (slice(0, 3), i), torch.ones(2)))

x = torch.tensor([0.5, 1, 2], requires_grad=True)
y = x * 1
z = torch.sin(y)
y[i] = torch.ones(2)
graph("saved then put", y)
try:
    z.sum().backward()
except RuntimeError as e:   # without PyTorch's closing " Hint: ..." sentence
    print("saved then put backward error:", str(e).split(" Hint:")[0])
k = vec(0, 1)
w = (x * 2)[k]
k.add_(1)
try:
    w.sum().backward()
except RuntimeError as e:
    print("index changed backward error:", str(e).split(" Hint:")[0])
y = torch.tensor([[0.5, 1, 2], [3, 4, 5]], requires_grad=True) * 1
e = torch.sin(y[1])
y[0:2, vec(0)] = torch.tensor(9.0)
graph("slice then put", y)
try:
    e.sum().backward()
except RuntimeError as err:
    print("slice then put backward error:", str(err).split(" Hint:")[0])
