# Oracle for view_rebase.c: views of split, chunk and unbind (and views of
# them) once their base or another piece was written in place.
from oracle import attempt
import torch


def reshaped(label, shape, f, output):
    """y saved by sin (its input) or by exp (its output), then reshaped in place"""
    n = 1
    for s in shape:
        n *= s
    x = torch.arange(float(n)).reshape(shape).requires_grad_()
    y = torch.exp(x) if output else x * 1
    z = y * 1 if output else torch.sin(y)
    f(y)
    try:
        (y if output else z).sum().backward()
        print(f"{label}: no error")
    except RuntimeError as e:   # without PyTorch's closing " Hint: ..." sentence
        print(f"{label}: error:", str(e).split(" Hint:")[0])


reshaped("t_", (2, 3), lambda t: t.t_(), False)
reshaped("transpose_", (2, 3, 4), lambda t: t.transpose_(0, -1), False)
reshaped("squeeze_", (2, 1, 3), lambda t: t.squeeze_(), False)
reshaped("squeeze_ dim", (2, 1, 3), lambda t: t.squeeze_(1), False)
reshaped("unsqueeze_", (2, 3), lambda t: t.unsqueeze_(0), False)
reshaped("unsqueeze_ then mul_", (2, 3), lambda t: t.unsqueeze_(-1).mul_(2), False)
reshaped("output t_", (2, 3), lambda t: t.t_(), True)
reshaped("output unsqueeze_", (2, 3), lambda t: t.unsqueeze_(0), True)


def pieces(how):
    """y = x * 1 of a (4, 3) leaf, and its pieces"""
    x = torch.arange(12.0).reshape(4, 3).requires_grad_()
    y = x * 1
    return y, y.split(2) if how == "s" else y.chunk(2) if how == "c" else y.unbind(0)


def name_of(label, t):
    try:
        fn = t.grad_fn
    except RuntimeError as e:
        print(f"{label}: error: {e}")
        return
    print(f"{label}:", type(fn).__name__ if fn else None)


y, p = pieces("s")
y.mul_(2)
name_of("grad_fn", p[0])
y, p = pieces("s")
y.mul_(2)
print("requires_grad:", p[0].requires_grad)
y, p = pieces("s")
y.mul_(2)
attempt("sin", lambda: torch.sin(p[0]))
y, p = pieces("s")
y.mul_(2)
attempt("print", lambda: repr(p[1]))
y, p = pieces("s")
y.mul_(2)
attempt("add_", lambda: p[1].add_(1))
y, p = pieces("s")
y.mul_(2)
with torch.no_grad():
    attempt("no_grad sin", lambda: torch.sin(p[0]))
y, p = pieces("s")
p[1].detach().mul_(2)
attempt("other piece", lambda: torch.sin(p[0]))
y, p = pieces("c")
y.add_(1)
name_of("chunk", p[1])
y, p = pieces("u")
y.add_(1)
name_of("unbind", p[2])
y, p = pieces("s")
v = p[1][1:]
y.add_(1)
name_of("view of piece", v)
attempt("view of piece sin", lambda: torch.sin(v))
y, p = pieces("s")
with torch.no_grad():
    p[0].mul_(2)
name_of("self no_grad", p[0])
y, p = pieces("s")
z = torch.sin(p[0])
y.add_(1)
try:
    z.sum().backward()
except RuntimeError as e:
    print("saved piece: error:", e)
y = torch.arange(12.0).reshape(4, 3)
p = y.split(2)
y.add_(1)
name_of("no grad base", p[0])
