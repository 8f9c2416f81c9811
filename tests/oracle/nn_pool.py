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
x = IN(1, 2, 5, 5); run("avg_pool2d divisor_override", x, F.avg_pool2d(x, 3, (2, 1), 1, True, divisor_override=4))
x = IN64(2, 1, 4, 6); run("avg_pool2d divisor_override f64", x, F.avg_pool2d(x.transpose(2, 3), 2, divisor_override=3))
x = IN64(1, 2, 5, 5); second("avg_pool2d divisor_override 2nd", x, F.avg_pool2d(x, 3, (2, 1), 1, True, divisor_override=7))
ints = torch.arange(0, 32, 1).reshape(2, 1, 4, 4)
attempt("avg_pool2d i64", lambda: F.avg_pool2d(ints, 3, 1, 1))
attempt("avg_pool2d i64 divisor_override", lambda: F.avg_pool2d(ints, (2, 3), 1, divisor_override=4))

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


def channels_last(t):
    return t.detach().contiguous(memory_format=torch.channels_last).requires_grad_(True)


for mname in ["constant", "reflect", "replicate"]:
    def PC(name, x, f):
        run(f"pad {mname} {name}", x, f(x))
    P = lambda x, *p: F.pad(x, p, mode=mname)
    PC("1d", IN(2, 3, 5), lambda x: P(x, 2, 1))
    PC("1d unbatched", IN(3, 5), lambda x: P(x, 1, 3))
    PC("1d negative", IN(2, 3, 6), lambda x: P(x, -1, 2))
    PC("1d negative right", IN(2, 3, 6), lambda x: P(x, 3, -2))
    PC("2d", IN(2, 2, 4, 5), lambda x: P(x, 1, 2, 3, 1))
    PC("2d unbatched", IN(2, 4, 5), lambda x: P(x, 0, 2, 1, 0))
    PC("2d transposed", IN(2, 2, 5, 4), lambda x: P(x.transpose(2, 3), 1, 1, 2, 1))
    PC("2d negative", IN(1, 2, 4, 5), lambda x: P(x, -1, 2, 1, -2))
    PC("2d f64", IN64(1, 2, 3, 4), lambda x: P(x, 2, 2, 2, 2))
    PC("2d empty batch", IN(0, 2, 3, 4), lambda x: P(x, 1, 1, 1, 1))
    PC("3d", IN(1, 2, 3, 3, 4), lambda x: P(x, 1, 2, 0, 1, 2, 1))
    PC("3d unbatched", IN(2, 3, 3, 4), lambda x: P(x, 1, 1, 1, 1, 1, 1))
    x = IN64(1, 2, 4, 5)
    second(f"pad {mname} 2nd", x, P(x, 1, 2, 2, 1))

x = channels_last(IN(2, 3, 4, 5))
run("pad constant channels-last input", x, F.pad(x, (1, 1, 1, 1)))
x.grad = None; run("pad constant channels-last crop", x, F.pad(x, (-1, 1)))
x.grad = None; run("pad constant channels-last all crop", x, F.pad(x, (-1, 0)))
x.grad = None; run("pad reflect channels-last input", x, F.pad(x, (1, 1, 1, 1), mode="reflect"))
x.grad = None; run("pad replicate channels-last input", x, F.pad(x, (1, 1, 1, 1), mode="replicate"))
x = IN(2, 3, 2, 3, 2).detach().contiguous(memory_format=torch.channels_last_3d).requires_grad_(True)
run("pad constant channels-last 3d input", x, F.pad(x, (1, 1, 0, 1)))
x = IN(2, 3, 4); run("pad constant value", x, F.pad(x, (1, 1, 0, 1, 1, 0), value=1.5))
x = IN(3, 5); run("pad constant crop", x, F.pad(x, (-1, -1)))
x = IN(3, 6); run("pad constant crop all", x, F.pad(x, (-3, -2)))
x = IN(3, 5); run("pad constant no pads", x, F.pad(x, ()))
x = torch.tensor(1.5, requires_grad=True); run("pad constant 0-dim", x, F.pad(x, ()))
x = IN(1, 4); run("pad constant expanded", x, F.pad(x.expand(3, 4), (1, 1)))
x = IN64(3, 4); run("pad constant transposed f64", x, F.pad(x.transpose(0, 1), (2, 0, -1, 1), value=-2))
attempt("pad constant i64", lambda: F.pad(torch.arange(0, 4, 1).reshape(2, 2), (1, 1), value=2.5))
attempt("pad constant bool", lambda: F.pad(torch.ones(2, 2, dtype=torch.bool), (1, 1), value=2))
attempt("pad constant empty", lambda: F.pad(IN(0, 3), (1, 1, 1, 1)))
C = lambda x, *p, value=0: F.pad(x, p, mode="circular", value=value)
x = IN(1, 2, 4); run("pad circular 1d", x, C(x, 1, 2))
x = IN(1, 2, 4); run("pad circular 1d negative", x, C(x, -1, 2))
x = IN(1, 2, 4); run("pad circular 1d none", x, C(x, 0, 0))
x = IN(1, 2, 4); run("pad circular 1d whole", x, C(x, 4, 4))
x = IN(1, 2, 4); run("pad circular 1d to empty", x, C(x, -2, -2))
x = IN(2, 1, 3, 4); run("pad circular 2d", x, C(x, 2, -1, 1, 2))
x = IN64(1, 2, 4, 3); run("pad circular 2d transposed f64", x, C(x.transpose(2, 3), 1, 0, 2, 1))
x = IN(1, 1, 2, 3, 2); run("pad circular 3d", x, C(x, 1, 1, 0, 2, 1, 0))
attempt("pad circular i64", lambda: C(torch.arange(0, 8, 1).reshape(1, 2, 4), 1, 2))
attempt("pad circular wraps twice", lambda: C(IN(1, 2, 4), 5, 0))
attempt("pad circular negative size", lambda: C(IN(1, 2, 4), -3, -2))
attempt("pad circular unbatched", lambda: C(IN(2, 4, 4), 1, 1, 1, 1))
attempt("pad circular 1d unbatched", lambda: C(IN(3, 8), 1, 1))
attempt("pad circular value", lambda: C(IN(1, 2, 4), 1, 1, value=1))
attempt("pad circular 6-D", lambda: C(IN(1, 1, 2, 2, 2, 2), 1, 1, 1, 1, 1, 1, 1, 1))
x = IN64(1, 2, 4); second("pad circular 2nd", x, C(x, 2, 1))

attempt("pad odd", lambda: F.pad(IN(1, 3, 5), (1,)))
attempt("pad too large", lambda: F.pad(IN(3, 5), (1, 1, 1, 1, 1, 1)))
attempt("pad constant crop too much", lambda: F.pad(IN(3, 5), (-6, 1)))
attempt("pad constant crop past", lambda: F.pad(IN(2, 6), (-4, -3)))
for mname in ["reflect", "replicate"]:
    def PE(name, f):
        attempt(f"pad {mname} {name}", f)
    P = lambda x, *p, value=0: F.pad(x, p, mode=mname, value=value)
    L = lambda *s: torch.ones(*s, dtype=torch.long)
    PE("odd", lambda: P(IN(1, 3, 5), 1))
    PE("value", lambda: P(IN(1, 3, 5), 1, 2, value=1.5))
    PE("1d of 4-D", lambda: P(IN(1, 1, 3, 5), 1, 1))
    PE("1d of 1-D", lambda: P(IN(5), 1, 1))
    PE("3d of 3-D", lambda: P(IN(3, 3, 3), 1, 1, 1, 1, 1, 1))
    PE("1d big", lambda: P(IN(1, 3, 3), 3, 1))
    PE("1d big right", lambda: P(IN(3, 3), 1, 3))
    PE("2d big width", lambda: P(IN(1, 3, 3), 3, 1, 0, 0))
    PE("2d big height", lambda: P(IN(1, 3, 3), 0, 0, 1, 3))
    PE("3d big width", lambda: P(IN(1, 3, 3, 3), 3, 1, 0, 0, 0, 0))
    PE("3d big height", lambda: P(IN(1, 3, 3, 3), 0, 0, 3, 1, 0, 0))
    PE("3d big depth", lambda: P(IN(1, 3, 3, 3), 0, 0, 0, 0, 3, 1))
    PE("1d too small", lambda: P(IN(1, 3, 5), -4, -2))
    PE("2d too small", lambda: P(IN(1, 5, 5), -4, -2, -4, -2))
    PE("1d no channels", lambda: P(IN(1, 0, 5), 1, 2))
    PE("1d empty width", lambda: P(IN(2, 3, 0), 1, 2))
    PE("1d unbatched no channels", lambda: P(IN(0, 5), 1, 2))
    PE("2d no channels", lambda: P(IN(1, 0, 5, 5), 1, 2, 1, 1))
    PE("2d unbatched no channels", lambda: P(IN(0, 5, 5), 1, 2, 1, 1))
    PE("3d no channels", lambda: P(IN(1, 0, 3, 4, 5), 1, 1, 1, 1, 1, 1))
    PE("3d unbatched no channels", lambda: P(IN(0, 3, 3, 3), 1, 1, 1, 1, 1, 1))
    PE("1d empty batch", lambda: P(IN(0, 3, 5), 1, 2))
    PE("1d i64", lambda: P(L(1, 3, 5), 1, 2))
    PE("2d i64", lambda: P(L(1, 3, 5), 1, 2, 1, 1))
    PE("3d i64", lambda: P(L(1, 1, 3, 3, 5), 1, 2, 1, 1, 1, 1))
    PE("1d bool", lambda: P(torch.ones(1, 3, 5, dtype=torch.bool), 1, 2))


for mname, mode1, ac in [("nearest", "nearest", None), ("linear", "linear", False),
                         ("linear align_corners", "linear", True), ("nearest-exact", "nearest-exact", None)]:
    mode2 = "bilinear" if mode1 == "linear" else mode1
    mode3 = "trilinear" if mode1 == "linear" else mode1

    def UC(name, x, f):
        run(f"interpolate {mname} {name}", x, f(x))
    S = lambda x, mode, *s: F.interpolate(x, size=s if len(s) > 1 else s[0], mode=mode, align_corners=ac)
    K = lambda x, mode, *s: F.interpolate(x, scale_factor=s if len(s) > 1 else s[0], mode=mode, align_corners=ac)
    UC("1d up", IN(2, 2, 4), lambda x: S(x, mode1, 9))
    UC("1d down", IN(1, 2, 7), lambda x: S(x, mode1, 3))
    UC("1d same", IN(1, 2, 4), lambda x: S(x, mode1, 4))
    UC("1d one", IN(1, 2, 4), lambda x: S(x, mode1, 1))
    UC("1d scale 2", IN(1, 2, 4), lambda x: K(x, mode1, 2.0))
    UC("1d scale 1.7", IN(1, 2, 4), lambda x: K(x, mode1, 1.7))
    UC("1d scale 0.6", IN(1, 2, 6), lambda x: K(x, mode1, 0.6))
    UC("1d transposed", IN(2, 5, 3), lambda x: S(x.transpose(1, 2), mode1, 7))
    UC("2d", IN64(2, 2, 3, 4), lambda x: S(x / 3, mode2, 5, 7))
    UC("2d down", IN(1, 2, 5, 6), lambda x: S(x / 3, mode2, 2, 4))
    UC("2d size broadcast", IN(1, 1, 3, 4), lambda x: S(x, mode2, 6))
    UC("2d scales", IN(1, 2, 3, 4), lambda x: K(x, mode2, 0.6, 1.3))
    UC("2d scale 3", IN(1, 1, 3, 2), lambda x: K(x, mode2, 3.0))
    UC("2d transposed", IN(2, 2, 5, 4), lambda x: S(x.transpose(2, 3), mode2, 3, 7))
    UC("2d f64", IN64(1, 2, 3, 4), lambda x: S(x, mode2, 5, 6))
    UC("2d empty batch", IN(0, 2, 3, 4), lambda x: S(x, mode2, 5, 6))
    UC("3d", IN64(1, 2, 2, 3, 2), lambda x: S(x, mode3, 3, 4, 3))
    UC("3d scale", IN64(1, 1, 2, 2, 3), lambda x: K(x, mode3, 1.5))
    x = channels_last(IN(2, 3, 4, 5))
    run(f"interpolate {mname} channels last", x, S(x, mode2, 3, 7))
    if mode1.startswith("nearest"):
        x = IN(2, 3, 2, 3, 2).detach().contiguous(memory_format=torch.channels_last_3d).requires_grad_(True)
        run(f"interpolate {mname} channels last 3d", x, S(x, mode3, 3, 4, 3))
    x = IN64(1, 2, 3, 4)
    second(f"interpolate {mname} 2nd", x, S(x, mode2, 5, 7))

x = IN(1, 2, 4, 4)
I = F.interpolate
attempt("interpolate nearest align_corners", lambda: I(x, size=3, align_corners=True))
attempt("interpolate both", lambda: I(x, size=3, scale_factor=2.0))
attempt("interpolate neither", lambda: I(x))
attempt("interpolate size length", lambda: I(x, size=[2, 3, 4]))
attempt("interpolate scale length", lambda: I(x, scale_factor=[2.0, 3.0, 0.5], mode="bilinear"))
attempt("interpolate nearest 2-D", lambda: I(IN(4, 4), size=3))
attempt("interpolate nearest 6-D", lambda: I(IN(1, 1, 1, 1, 4, 4), size=3))
attempt("interpolate linear 2-D", lambda: I(IN(4, 4), size=3, mode="linear"))
attempt("interpolate linear 4-D", lambda: I(x, size=3, mode="linear"))
attempt("interpolate linear 5-D", lambda: I(IN(1, 1, 1, 4, 4), size=3, mode="linear"))
attempt("interpolate bilinear 3-D", lambda: I(IN(1, 4, 4), size=3, mode="bilinear"))
attempt("interpolate bilinear 5-D", lambda: I(IN(1, 1, 1, 4, 4), size=3, mode="bilinear"))
attempt("interpolate trilinear 3-D", lambda: I(IN(1, 4, 4), size=3, mode="trilinear"))
attempt("interpolate trilinear 4-D", lambda: I(x, size=3, mode="trilinear"))
attempt("interpolate nearest size 0", lambda: I(IN(1, 2, 4), size=0))
attempt("interpolate linear size 0", lambda: I(IN(1, 2, 4), size=0, mode="linear"))
attempt("interpolate bilinear size 0", lambda: I(x, size=(0, 3), mode="bilinear"))
attempt("interpolate nearest3d size 0", lambda: I(IN(1, 2, 4, 4, 4), size=(0, 1, 1)))
attempt("interpolate scale negative", lambda: I(x, scale_factor=-1.0))
attempt("interpolate scale small", lambda: I(x, scale_factor=0.2))
attempt("interpolate empty input", lambda: I(IN(1, 1, 0, 4), size=(3, 3)))
attempt("interpolate no channels", lambda: I(IN(1, 0, 4, 4), size=(2, 3)))
attempt("interpolate no channels 1d", lambda: I(IN(1, 0, 4), size=3, mode="linear"))
attempt("interpolate nearest i64", lambda: I(torch.ones(1, 2, 4, 4, dtype=torch.long), scale_factor=2.0))
attempt("interpolate bilinear i64", lambda: I(torch.ones(1, 2, 4, 4, dtype=torch.long), scale_factor=2.0, mode="bilinear"))
attempt("interpolate nearest i64 one channel", lambda: I(torch.ones(1, 1, 4, 4, dtype=torch.long), scale_factor=2.0))
attempt("interpolate bilinear i64 one channel", lambda: I(torch.ones(1, 1, 4, 4, dtype=torch.long), scale_factor=2.0, mode="bilinear"))
attempt("interpolate nearest-exact i64 3d", lambda: I(torch.ones(1, 1, 4, 4, 4, dtype=torch.long), scale_factor=1.5, mode="nearest-exact"))
attempt("interpolate trilinear i64 3d", lambda: I(torch.ones(1, 1, 4, 4, 4, dtype=torch.long), scale_factor=1.5, mode="trilinear"))
attempt("interpolate nearest-exact i64 1d", lambda: I(torch.ones(1, 1, 4, dtype=torch.long), scale_factor=1.5, mode="nearest-exact"))
attempt("interpolate nearest-exact align_corners", lambda: I(x, size=3, mode="nearest-exact", align_corners=True))
attempt("interpolate nearest-exact 2-D", lambda: I(IN(4, 4), size=3, mode="nearest-exact"))


OPS = [("max_pool2d", lambda x: F.max_pool2d(x, 2)), ("avg_pool2d", lambda x: F.avg_pool2d(x, 2)),
       ("adaptive_avg_pool2d", lambda x: F.adaptive_avg_pool2d(x, (3, 2))),
       ("adaptive_max_pool2d", lambda x: F.adaptive_max_pool2d(x, (3, 2))),
       ("max_pool1d", lambda x: F.max_pool1d(x[0], 2)),
       ("pad reflect", lambda x: F.pad(x, (1, 1, 1, 1), mode="reflect")),
       ("pad replicate", lambda x: F.pad(x, (1, 1, 0, 1), mode="replicate")),
       ("pad constant", lambda x: F.pad(x, (1, 1))), ("pad circular", lambda x: F.pad(x, (1, 1, 0, 1), mode="circular")),
       ("interpolate nearest", lambda x: F.interpolate(x, size=(5, 3))),
       ("interpolate bilinear", lambda x: F.interpolate(x, size=(5, 3), mode="bilinear"))]
for name, f in OPS:
    x = IN(1, 2, 4, 4)
    a = x * 1
    y = f(a)
    a.mul_(2)
    try:
        y.sum().backward()
        print(f"{name} after an in-place change: ok")
    except RuntimeError as e:   # without the anomaly-mode hint (docs/autograd.md)
        print(f"{name} after an in-place change: {str(e).split(' Hint:')[0]}")
