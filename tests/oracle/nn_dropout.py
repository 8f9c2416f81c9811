# Oracle for nn_dropout.c: dropout and dropout2d, what does not depend on the
# random stream (p = 0, p = 1 and evaluation exactly; for p in (0, 1) the
# graph, the layout, and that every output element is 0 or the input scaled
# by 1 / (1 - p), with the gradient through the same mask, and whole channels
# for dropout2d), warnings and errors.
import warnings

from oracle import attempt, graph, show, show_strides, weights
import torch
import torch.nn.functional as F

from nn_data import check_strided, data, leaf, leaf64


def show_every_warning(message, category, filename, lineno, file=None, line=None):
    print("warning:", message)


warnings.showwarning = show_every_warning   # dropout2d's are compared


def nonzero(a, b, *shape):
    """nn_data.data + 0.125: none is 0, so only dropped elements are."""
    return data(a, b, *shape) + 0.125


def masked(label, x, out, p):
    show_strides(label, out)
    graph(label, out)
    s = torch.ones((), dtype=x.dtype) / (1 - p)
    kept = out != 0
    scaled = out == x * s
    print(f"{label} 0 or x * s:", bool((~kept | scaled).all()))
    w = weights(out)
    out.backward(w)
    expected = torch.where(kept, w * s, torch.zeros_like(w))
    print(f"{label} grad through the mask:", bool((x.grad == expected).all()))


def channels(label, out):
    dropped = (out == 0).reshape(out.shape[0] * out.shape[1], -1).float()
    print(f"{label} whole channels:", bool((dropped.amax(1) == dropped.amin(1)).all()))


x = leaf(nonzero(5, 1, 4, 3))
print("dropout p=0 is the input:", F.dropout(x, 0.0, True) is x)
print("dropout eval is the input:", F.dropout(x, 0.5, False) is x)
print("dropout empty is the input:", F.dropout(torch.ones(0, 2), 0.5, True) is not None)
x = leaf(nonzero(5, 1, 4, 3))
check_strided("dropout p=1", F.dropout(x, 1.0, True), [x])
x = leaf(torch.tensor([float("nan"), float("inf"), 1.0]))
check_strided("dropout p=1 nan", F.dropout(x, 1.0, True), [x])
x = leaf(nonzero(5, 1, 4, 3))
check_strided("dropout p=1 transposed", F.dropout(x.t(), 1.0, True), [x])
show("dropout p=1 i64", F.dropout(torch.ones(3, dtype=torch.long), 1.0, True))
show("dropout p=0 i64", F.dropout(torch.ones(3, dtype=torch.long), 0.0, True))
x = leaf(nonzero(5, 1, 16, 8))
masked("dropout p=0.5", x, F.dropout(x, 0.5, True), 0.5)
x = leaf(nonzero(5, 1, 16, 8))
masked("dropout p=0.2", x, F.dropout(x, 0.2, True), 0.2)
x = leaf64(nonzero(5, 1, 8, 16).t())
masked("dropout f64 transposed", x, F.dropout(x, 0.5, True), 0.5)
x = leaf(nonzero(5, 1, 16, 8))
masked("dropout generator", x, F.dropout(x, 0.75, True), 0.75)
o = torch.ones
x = leaf(nonzero(5, 1, 16, 8))
y = x * 1
out = F.dropout(y, 0.5, True, True)
print(f"dropout_ returns its input: {out is y}, version {y._version}")
masked("dropout_", x, out, 0.5)
x = leaf(nonzero(5, 1, 4, 3))
check_strided("dropout_ p=1", F.dropout(x * 1, 1.0, True, True), [x])
x = leaf(nonzero(5, 1, 4, 3))
y = F.dropout(x, 0.0, True, True)
print(f"dropout_ p=0 on a leaf: {y is x}, version {x._version}")
y = F.dropout(x, 0.5, False, True)
print(f"dropout_ eval on a leaf: {y is x}, version {x._version}")
show("dropout_ p=1 i64", F.dropout(o(3, dtype=torch.long), 1.0, True, True))
attempt("dropout_ leaf", lambda: F.dropout(o(3).requires_grad_(), 0.5, True, True))
attempt("dropout_ leaf p=1", lambda: F.dropout(o(3).requires_grad_(), 1.0, True, True))
attempt("dropout_ expanded", lambda: F.dropout(o(3).expand(2, 3), 0.5, True, True))
attempt("dropout_ i64", lambda: F.dropout(o(3, dtype=torch.long), 0.5, True, True))
attempt("dropout_ p=-1", lambda: F.dropout(o(3), -1.0, True, True))
attempt("dropout p=-0.1", lambda: F.dropout(o(3), -0.1, True))
attempt("dropout p=1.1", lambda: F.dropout(o(3), 1.1, True))
attempt("dropout p=2 eval", lambda: F.dropout(o(3), 2.0, False))
attempt("dropout p=1e-05", lambda: F.dropout(o(3), -1e-05, True))
attempt("dropout p=1e6", lambda: F.dropout(o(3), 1e6, True))
attempt("dropout p=inf", lambda: F.dropout(o(3), float("inf"), True))
attempt("dropout p=nan", lambda: F.dropout(o(3), float("nan"), True))
attempt("dropout i64", lambda: F.dropout(o(3, dtype=torch.long), 0.5, True))
attempt("dropout bool", lambda: F.dropout(o(3, dtype=torch.bool), 0.5, True))

x = leaf(nonzero(5, 1, 4, 6, 2, 2))
y = F.dropout2d(x, 0.5, True)
channels("dropout2d", y)
masked("dropout2d", x, y, 0.5)
x = leaf(nonzero(5, 1, 6, 4, 3))
y = F.dropout2d(x, 0.5, True)
channels("dropout2d 3-D", y)
masked("dropout2d 3-D", x, y, 0.5)
x = leaf(nonzero(5, 1, 4, 2, 2, 6).permute(0, 3, 1, 2))
y = F.dropout2d(x, 0.5, True)
channels("dropout2d permuted", y)
masked("dropout2d permuted", x, y, 0.5)
x = leaf(nonzero(5, 1, 2, 3, 2, 2))
check_strided("dropout2d p=1", F.dropout2d(x, 1.0, True), [x])
x = leaf(nonzero(5, 1, 2, 3, 2, 2))
print("dropout2d eval is the input:", F.dropout2d(x, 0.5, False) is x)
print("dropout2d p=0 is the input:", F.dropout2d(x, 0.0, True) is x)
x = leaf(nonzero(5, 1, 3, 4))
channels("dropout2d 2-D", F.dropout2d(x, 0.5, True).unsqueeze(-1))
x = leaf(nonzero(5, 1, 3))
check_strided("dropout2d 1-D p=1", F.dropout2d(x, 1.0, True), [x])
x = leaf(nonzero(5, 1, 4, 6, 2, 2))
y = F.dropout2d(x * 1, 0.5, True, True)
channels("dropout2d_", y)
masked("dropout2d_", x, y, 0.5)
attempt("dropout2d_ leaf", lambda: F.dropout2d(o(1, 2, 2, 2).requires_grad_(), 0.5, True, True))
attempt("dropout2d 1-D", lambda: F.dropout2d(o(3), 0.5, True))
attempt("dropout2d 0-d", lambda: F.dropout2d(o(()), 0.5, True))
attempt("dropout2d 5-D eval", lambda: F.dropout2d(o(1, 1, 1, 1, 1), 0.5, False))
attempt("dropout2d p=1.5", lambda: F.dropout2d(o(1, 2, 2, 2), 1.5, True))
attempt("dropout2d i64", lambda: F.dropout2d(o(1, 2, 2, 2, dtype=torch.long), 0.5, True))
