# Oracle for view_rebase.c: views of split, chunk and unbind (and views of
# them) once their base or another piece was written in place.
from oracle import attempt
import torch


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
