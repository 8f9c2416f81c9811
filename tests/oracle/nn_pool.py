# Oracle for nn_pool.c: pooling, padding and resampling against
# torch.nn.functional.
from oracle import show, graph, weights, show_strides, attempt
import math
import torch
import torch.nn.functional as F


def inp(*shape, dtype=torch.float32):
    n = math.prod(shape)
    t = torch.remainder(torch.arange(0, n, 1, dtype=torch.float64) * 37, 101) / 10
    return (t - 5).to(dtype).reshape(shape).requires_grad_(True)


def IN(*s):
    return inp(*s)


def IN64(*s):
    return inp(*s, dtype=torch.float64)


def run(label, x, out, indices=None):
    if indices is not None:
        show(label, indices)
    show_strides(label, out)
    show(label, out)
    graph(label, out)
    out.backward(weights(out))
    show(label + " grad0", x.grad)


def second(label, x, out):
    g, = torch.autograd.grad((out * out).sum(), x, create_graph=True)
    h, = torch.autograd.grad((g * g).sum(), x)
    show(label, h)


def mp(x, o, ind=False):
    return F.max_pool2d(x, o["k"], o.get("s") or o["k"], o.get("p", 0), o.get("d", 1), o.get("ceil", False), ind)


def ap(x, o):
    return F.avg_pool2d(x, o["k"], o.get("s") or o["k"], o.get("p", 0), o.get("ceil", False), not o.get("ex", False))


WINDOWS = [
    ("k2", dict(k=(2, 2))),
    ("k3 s1", dict(k=(3, 3), s=(1, 1))),
    ("k3 s2 p1", dict(k=(3, 3), s=(2, 2), p=(1, 1))),
    ("k2x3 s1x2 p1x0", dict(k=(2, 3), s=(1, 2), p=(1, 0))),
    ("k3 s2 ceil", dict(k=(3, 3), s=(2, 2), ceil=True)),
    ("k2 s2 p1 ceil", dict(k=(2, 2), s=(2, 2), p=(1, 1), ceil=True)),
    ("k3 s3 p1 ceil", dict(k=(3, 3), s=(3, 3), p=(1, 1), ceil=True)),
    ("k2 d2", dict(k=(2, 2), s=(1, 1), d=(2, 2))),
    ("k3 s2 p1 d2", dict(k=(3, 2), s=(2, 1), p=(1, 1), d=(2, 3))),
    ("exclude pad", dict(k=(3, 3), s=(2, 2), p=(1, 1), ex=True)),
    ("exclude pad ceil", dict(k=(3, 2), s=(2, 2), p=(1, 1), ceil=True, ex=True)),
]

for name, o in WINDOWS:
    x = IN(2, 2, 5, 7)
    out, idx = mp(x, o, True)
    run("max_pool2d " + name, x, out, idx)
    x = IN(2, 2, 5, 7)
    run("avg_pool2d " + name, x, ap(x, dict(o, d=None)))

k2 = dict(k=(2, 2))
k3 = dict(k=(3, 2), s=(1, 2), p=(1, 1))
x = IN(3, 4, 5); out, idx = mp(x, k3, True); run("max_pool2d unbatched", x, out, idx)
x = IN(3, 4, 5); run("avg_pool2d unbatched", x, ap(x, k3))
x = IN(2, 3, 6, 5); out, idx = mp(x.transpose(2, 3), k3, True); run("max_pool2d transposed", x, out, idx)
x = IN(2, 3, 6, 5); run("avg_pool2d transposed", x, ap(x.transpose(2, 3), k3))
x = IN64(2, 1, 4, 6); run("max_pool2d f64", x, mp(x, k2))
x = IN64(2, 1, 4, 6); run("avg_pool2d f64", x, ap(x, k2))
x = IN(1, 4, 1, 6); run("max_pool2d expanded", x, mp(x.expand(2, 4, 3, 6), k3))
x = IN(0, 2, 4, 4); out, idx = mp(x, k2, True); run("max_pool2d empty batch", x, out, idx)
x = IN(0, 2, 4, 4); run("avg_pool2d empty batch", x, ap(x, k2))
x = IN(2, 3, 4, 6).detach().contiguous(memory_format=torch.channels_last).requires_grad_(True)
out, idx = mp(x, k3, True); run("max_pool2d channels last", x, out, idx)
x.grad = None; run("avg_pool2d channels last", x, ap(x, k3))
x.grad = None; run("adaptive_avg_pool2d channels last", x, F.adaptive_avg_pool2d(x, (3, 4)))
x.grad = None; out, idx = F.adaptive_max_pool2d(x, (3, 4), True); run("adaptive_max_pool2d channels last", x, out, idx)
inf = float("inf")
nan = float("nan")
x = torch.tensor([1, nan, 3, 4, 5, 6, -inf, nan, 9, 10, -inf, -inf, 13, 2, -inf, -inf]).reshape(1, 1, 4, 4).requires_grad_(True)
out, idx = mp(x, k2, True); run("max_pool2d nan", x, out, idx)
x = IN(1, 2, 5, 5); second("max_pool2d 2nd", x, mp(x, k3))
x = IN64(1, 2, 5, 5); second("avg_pool2d 2nd", x, ap(x, k3))
ints = torch.arange(0, 32, 1).reshape(2, 1, 4, 4)
attempt("avg_pool2d i64", lambda: F.avg_pool2d(ints, 3, 1, 1))

x = IN(2, 3, 9); out, idx = F.max_pool1d(x, 3, 2, 1, return_indices=True); run("max_pool1d", x, out, idx)
x = IN(3, 9); run("max_pool1d unbatched", x, F.max_pool1d(x, 2, dilation=2, ceil_mode=True))
x = IN(2, 9, 3); run("max_pool1d transposed", x, F.max_pool1d(x.transpose(1, 2), 2, dilation=2, ceil_mode=True))
attempt("max_pool1d no grad", lambda: F.max_pool1d(IN(2, 3, 9).detach(), 3, 2, 1))
attempt("max_pool1d empty no grad", lambda: F.max_pool1d(IN(1, 3, 1).detach(), 2))
x = IN64(1, 2, 7); second("max_pool1d 2nd", x, F.max_pool1d(x, 3, 2, 1))

for h, w in [(2, 3), (3, 2), (4, 4), (5, 7), (7, 9), (1, 3), (1, 1), (2, 1)]:
    x = IN(2, 2, 5, 7)
    run(f"adaptive_avg_pool2d {h}x{w}", x, F.adaptive_avg_pool2d(x, (h, w)))
    x = IN(2, 2, 5, 7)
    out, idx = F.adaptive_max_pool2d(x, (h, w), True)
    run(f"adaptive_max_pool2d {h}x{w}", x, out, idx)
x = IN(3, 5, 6); run("adaptive_avg_pool2d unbatched", x, F.adaptive_avg_pool2d(x, (2, 4)))
x = IN(3, 5, 6); run("adaptive_avg_pool2d unbatched 1x1", x, F.adaptive_avg_pool2d(x, (1, 1)))
x = IN(2, 3, 6, 5); out, idx = F.adaptive_max_pool2d(x.transpose(2, 3), (3, 2), True)
run("adaptive_max_pool2d transposed", x, out, idx)
x = IN64(2, 3, 6, 5); run("adaptive_avg_pool2d transposed f64", x, F.adaptive_avg_pool2d(x.transpose(2, 3), (4, 3)))
x = IN(0, 2, 4, 4); run("adaptive_avg_pool2d empty batch", x, F.adaptive_avg_pool2d(x, (2, 3)))
# (PyTorch refuses its backward: only the value is compared)
x = IN(2, 0, 4, 4); show("adaptive_avg_pool2d no channels", F.adaptive_avg_pool2d(x, (2, 3)))
x = IN(0, 4, 4); out, idx = F.adaptive_max_pool2d(x, (2, 3), True); run("adaptive_max_pool2d no channels", x, out, idx)
x = IN(2, 3, 4, 4); show("adaptive_avg_pool2d empty output", F.adaptive_avg_pool2d(x, (0, 3)))
x = IN64(1, 2, 5, 5); second("adaptive_avg_pool2d 2nd", x, F.adaptive_avg_pool2d(x, (3, 2)))
x = IN64(1, 2, 5, 5); second("adaptive_max_pool2d 2nd", x, F.adaptive_max_pool2d(x, (3, 2)))

x = IN(2, 3, 5, 6)
attempt("max_pool2d pad too big", lambda: F.max_pool2d(x, 2, padding=2))
attempt("max_pool2d pad dilated", lambda: F.max_pool2d(x, 3, padding=2, dilation=2))
attempt("max_pool2d pad negative", lambda: F.max_pool2d(x, 2, padding=(-1, 0)))
attempt("max_pool2d kernel 0", lambda: F.max_pool2d(x, 0))
attempt("max_pool2d kernel 0 stride 1", lambda: F.max_pool2d(x, 0, 1))
attempt("max_pool2d kernel -1", lambda: F.max_pool2d(x, -1))
attempt("max_pool2d stride -1", lambda: F.max_pool2d(x, 2, -1))
attempt("max_pool2d dilation -1", lambda: F.max_pool2d(x, 2, dilation=(-1, 1)))
attempt("max_pool2d 2-D", lambda: F.max_pool2d(IN(5, 5), 2))
attempt("max_pool2d 5-D", lambda: F.max_pool2d(IN(1, 1, 1, 5, 5), 2))
attempt("max_pool2d too small", lambda: F.max_pool2d(IN(1, 2, 2), 3))
attempt("max_pool2d no channels", lambda: F.max_pool2d(IN(2, 0, 4, 4), 2))
attempt("max_pool2d empty height", lambda: F.max_pool2d(IN(2, 3, 0, 4), 2))
attempt("max_pool2d i64", lambda: F.max_pool2d(torch.ones(1, 1, 4, 4, dtype=torch.long), 2))
attempt("avg_pool2d pad too big", lambda: F.avg_pool2d(x, 2, padding=2))
attempt("avg_pool2d kernel 0", lambda: F.avg_pool2d(x, 0))
attempt("avg_pool2d 2-D", lambda: F.avg_pool2d(IN(5, 5), 2))
attempt("avg_pool2d 1-D", lambda: F.avg_pool2d(IN(5), 2))
attempt("avg_pool2d 0-D", lambda: F.avg_pool2d(torch.tensor(1.0, requires_grad=True), 2))
attempt("avg_pool2d 5-D", lambda: F.avg_pool2d(IN(1, 1, 1, 4, 4), 2))
attempt("avg_pool2d too small", lambda: F.avg_pool2d(IN(3, 1, 1), 2))
attempt("adaptive_avg_pool2d negative", lambda: F.adaptive_avg_pool2d(x, (-1, 2)))
attempt("adaptive_avg_pool2d 2-D", lambda: F.adaptive_avg_pool2d(IN(5, 5), 2))
attempt("adaptive_avg_pool2d 2-D 1x1", lambda: F.adaptive_avg_pool2d(IN(4, 5), 1))
attempt("adaptive_avg_pool2d 5-D", lambda: F.adaptive_avg_pool2d(IN(1, 1, 1, 4, 4), 2))
attempt("adaptive_avg_pool2d empty height", lambda: F.adaptive_avg_pool2d(IN(2, 3, 0, 4), 2))
attempt("adaptive_avg_pool2d i64", lambda: F.adaptive_avg_pool2d(torch.ones(1, 1, 4, 4, dtype=torch.long), 2))
attempt("adaptive_avg_pool2d i64 1x1", lambda: F.adaptive_avg_pool2d(torch.ones(1, 2, 2, dtype=torch.long), 1))
attempt("adaptive_max_pool2d negative", lambda: F.adaptive_max_pool2d(x, (-1, 2)))
attempt("adaptive_max_pool2d 2-D", lambda: F.adaptive_max_pool2d(IN(5, 5), 2))
attempt("adaptive_max_pool2d no channels", lambda: F.adaptive_max_pool2d(IN(2, 0, 4, 4), 2))
attempt("adaptive_max_pool2d i64", lambda: F.adaptive_max_pool2d(torch.ones(1, 1, 4, 4, dtype=torch.long), 2))
attempt("max_pool1d 1-D", lambda: F.max_pool1d(IN(8), 2))
attempt("max_pool1d 4-D", lambda: F.max_pool1d(IN(1, 1, 3, 8), 2))
attempt("max_pool1d no channels", lambda: F.max_pool1d(IN(2, 0, 4), 2))
attempt("max_pool1d pad too big", lambda: F.max_pool1d(IN(1, 3, 8), 2, padding=2))
attempt("max_pool1d kernel 0", lambda: F.max_pool1d(IN(1, 3, 8), 0))
attempt("max_pool1d stride -1", lambda: F.max_pool1d(IN(1, 3, 8), 2, -1))
attempt("max_pool1d too small", lambda: F.max_pool1d(IN(1, 3, 1), 2))
d = IN(1, 3, 8).detach()
attempt("max_pool1d no grad pad too big", lambda: F.max_pool1d(d, 2, padding=2))
attempt("max_pool1d no grad kernel 0", lambda: F.max_pool1d(d, 0))
attempt("max_pool1d no grad stride -1", lambda: F.max_pool1d(d, 2, -1))
attempt("max_pool1d no grad dilation -1", lambda: F.max_pool1d(d, 2, dilation=-1))
attempt("max_pool1d no grad pad negative", lambda: F.max_pool1d(d, 2, padding=-1))
attempt("max_pool1d no grad i64", lambda: F.max_pool1d(torch.ones(1, 3, 8, dtype=torch.long), 2))
