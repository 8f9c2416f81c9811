# Oracle for ops_scatter_reduce.c: cumsum_ and cumprod_, the scalar forms of
# xlogy (and xlogy_ with a scalar), and scatter_reduce (and scatter_reduce_):
# values, strides, graphs and gradients on contiguous, transposed and empty
# inputs, f64 and integer tensors, and errors.
from oracle import backprop, graph, show, sl
import torch


def geometry(label, t):
    print(label, "stride:", t.stride())


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
    geometry(label, out)
    check(label, out, [x])


def attempt(label, f):
    try:
        t = f()
    except Exception as e:
        print(f"{label}: error: {e}")
        return None
    show(label, t)
    return t


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
