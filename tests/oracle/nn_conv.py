# conv1d, conv2d, conv_transpose2d, unfold and fold with PyTorch: what
# nn_conv.c prints with tensorgrad (values, strides, grad_fn chains,
# gradients, second derivatives, errors).
from oracle import attempt, backprop, check, graph, show, show_strides, weights
import torch
import torch.nn.functional as F


f32, f64 = torch.float32, torch.float64


def ramp(shape, mod, shift, scale, dtype):
    n = 1
    for s in shape:
        n *= s
    t = ((torch.arange(0, n, 1, dtype=torch.float32) % mod) - shift) / scale
    return t.reshape(shape).to(dtype)


def leaf(t):
    return t.requires_grad_(True)


PLAIN, CHANNELS_LAST, SWAPPED = range(3)


# (label, kind, x shape, w shape, bias, options, output_padding, dtype, layout, weight channels-last)
def C(label, kind, x, w, bias, opts=None, op=(0, 0), dtype=f32, layout=PLAIN, wcl=False):
    return (label, kind, x, w, bias, opts or {}, op, dtype, layout, wcl)


CASES = [
    C("conv2d", "2d", (2, 3, 5, 5), (4, 3, 3, 3), True),
    C("conv2d no bias", "2d", (1, 2, 4, 4), (3, 2, 2, 2), False),
    C("conv2d stride 2 padding 1", "2d", (2, 2, 5, 5), (3, 2, 3, 3), True, dict(stride=2, padding=1)),
    C("conv2d stride (2, 1) padding (0, 2) dilation (1, 2)", "2d", (1, 2, 6, 5), (2, 2, 3, 2), True,
      dict(stride=(2, 1), padding=(0, 2), dilation=(1, 2))),
    C("conv2d stride 3 leaves rows", "2d", (1, 1, 7, 6), (2, 1, 2, 2), True, dict(stride=3)),
    C("conv2d groups 2", "2d", (2, 4, 4, 4), (6, 2, 3, 3), True, dict(groups=2)),
    C("conv2d depthwise", "2d", (1, 3, 4, 4), (3, 1, 2, 2), False, dict(groups=3, padding=(1, 0))),
    C("conv2d same 3x3", "2d", (1, 2, 4, 4), (2, 2, 3, 3), True, dict(padding="same")),
    C("conv2d same 2x4", "2d", (1, 2, 4, 5), (2, 2, 2, 4), True, dict(padding="same")),
    C("conv2d same dilation 2", "2d", (1, 1, 5, 5), (1, 1, 2, 3), True, dict(padding="same", dilation=(2, 1))),
    C("conv2d same unbatched 2x2", "2d", (2, 3, 4), (2, 2, 2, 2), False, dict(padding="same")),
    C("conv2d 1x1", "2d", (2, 3, 2, 3), (2, 3, 1, 1), True),
    C("conv2d unbatched", "2d", (3, 4, 4), (2, 3, 2, 2), True, dict(padding=1)),
    C("conv2d empty batch", "2d", (0, 2, 4, 4), (3, 2, 3, 3), True),
    C("conv2d channels-last input", "2d", (2, 3, 4, 4), (2, 3, 3, 3), True, dict(padding=1), layout=CHANNELS_LAST),
    C("conv2d channels-last weight", "2d", (1, 2, 4, 4), (2, 2, 2, 2), True, wcl=True),
    C("conv2d transposed input", "2d", (1, 2, 4, 5), (2, 2, 3, 2), True, dict(stride=(1, 2)), layout=SWAPPED),
    C("conv2d f64", "2d", (2, 2, 4, 4), (2, 1, 3, 3), True, dict(groups=2, dilation=(1, 2), padding=(1, 2)), dtype=f64),
    C("conv1d", "1d", (2, 3, 6), (4, 3, 3), True),
    C("conv1d stride 2 padding 1 dilation 2", "1d", (1, 2, 7), (2, 2, 2), True, dict(stride=2, padding=1, dilation=2)),
    C("conv1d groups 2 no bias", "1d", (2, 4, 5), (2, 2, 2), False, dict(groups=2)),
    C("conv1d same 4", "1d", (1, 2, 5), (2, 2, 4), True, dict(padding="same")),
    C("conv1d unbatched", "1d", (3, 5), (2, 3, 2), True),
    C("conv1d transposed input", "1d", (2, 3, 4), (2, 3, 2), True, layout=SWAPPED),
    C("conv1d f64", "1d", (2, 2, 6), (3, 2, 3), True, dict(stride=2), dtype=f64),
    C("conv_transpose2d", "t", (2, 3, 3, 3), (3, 2, 3, 3), True),
    C("conv_transpose2d stride 2 output_padding 1", "t", (1, 2, 3, 3), (2, 2, 3, 3), True, dict(stride=2), (1, 1)),
    C("conv_transpose2d padding dilation stride", "t", (1, 2, 3, 4), (2, 3, 2, 3), False,
      dict(stride=(2, 3), padding=(1, 0), dilation=(2, 1)), (1, 2)),
    C("conv_transpose2d groups 2", "t", (2, 4, 2, 3), (4, 1, 2, 2), True, dict(groups=2)),
    C("conv_transpose2d unbatched", "t", (2, 3, 3), (2, 2, 2, 2), True, dict(padding=(1, 0))),
    C("conv_transpose2d empty batch", "t", (0, 2, 3, 3), (2, 2, 2, 2), True),
    C("conv_transpose2d channels-last input", "t", (1, 3, 3, 3), (3, 2, 2, 2), True, layout=CHANNELS_LAST),
    C("conv_transpose2d f64", "t", (2, 2, 3, 3), (2, 2, 3, 2), True, dict(stride=(2, 1), padding=1), (1, 0), dtype=f64),
]


def stored_input(shape, layout, dtype):
    """The input leaf and the view of it the convolution takes."""
    nd = len(shape)
    if layout == CHANNELS_LAST:
        x = leaf(ramp((shape[0], shape[2], shape[3], shape[1]), 7, 3, 4, dtype))
        return x, x.permute(0, 3, 1, 2)
    if layout == SWAPPED:
        stored = list(shape)
        stored[nd - 1], stored[nd - 2] = shape[nd - 2], shape[nd - 1]
        x = leaf(ramp(tuple(stored), 7, 3, 4, dtype))
        return x, x.transpose(-1, -2)
    x = leaf(ramp(shape, 7, 3, 4, dtype))
    return x, x


def run(kind, x, w, b, opts, op):
    if kind == "1d":
        return F.conv1d(x, w, b, **opts)
    if kind == "t":
        return F.conv_transpose2d(x, w, b, output_padding=op, **opts)
    return F.conv2d(x, w, b, **opts)


def second_order(label, out, x, w, b):
    gx, gw = torch.autograd.grad(out, (x, w), weights(out), create_graph=True)
    show(f"{label} create_graph d0", gx.detach())
    show(f"{label} create_graph d1", gw.detach())
    s = (gx * gx).sum() + (gw * gw).sum()
    ins = (x, w, b) if b is not None else (x, w)
    for i, h in enumerate(torch.autograd.grad(s, ins, allow_unused=True)):
        show(f"{label} second order {i}", h)


for label, kind, xs, ws, bias, opts, op, dtype, layout, wcl in CASES:
    xl, x = stored_input(xs, layout, dtype)
    if wcl:
        wl = leaf(ramp((ws[0], ws[2], ws[3], ws[1]), 5, 2, 2, dtype))
        w = wl.permute(0, 3, 1, 2)
    else:
        wl = w = leaf(ramp(ws, 5, 2, 2, dtype))
    outs = ws[1] * opts.get("groups", 1) if kind == "t" else ws[0]
    b = leaf(ramp((outs,), 3, 1, 2, dtype)) if bias else None
    out = run(kind, x, w, b, opts, op)
    show_strides(label, out)
    show(label, out)
    graph(label, out)
    backprop(label, out, [xl, wl, b] if bias else [xl, wl])
    if out.numel():
        xl.grad = None
        wl.grad = None
        second_order(label, run(kind, x, w, b, opts, op), xl, wl, b)

# (label, x shape, kernel_size, dilation, padding, stride, output_size (None: unfold), dtype, layout)
FOLDS = [
    ("unfold", (2, 3, 4, 4), (2, 2), 1, 0, 1, None, f32, PLAIN),
    ("unfold options", (1, 2, 5, 6), (2, 3), (1, 2), (0, 1), (2, 1), None, f32, PLAIN),
    ("unfold stride 2 padding 1", (1, 1, 5, 5), 3, 1, 1, 2, None, f32, PLAIN),
    ("unfold unbatched", (2, 3, 4), (2, 1), 1, 0, 1, None, f32, PLAIN),
    ("unfold empty batch", (0, 2, 3, 3), 2, 1, 0, 1, None, f32, PLAIN),
    ("unfold channels-last", (1, 3, 3, 3), 2, 1, 0, 1, None, f32, CHANNELS_LAST),
    ("unfold transposed", (1, 2, 3, 4), 2, (1, 2), 0, 1, None, f32, SWAPPED),
    ("unfold f64", (2, 1, 4, 3), (3, 2), 1, (1, 0), 1, None, f64, PLAIN),
    ("fold", (2, 12, 9), 2, 1, 0, 1, (4, 4), f32, PLAIN),
    ("fold options", (1, 12, 8), (2, 3), (1, 2), (0, 1), (2, 1), (5, 6), f32, PLAIN),
    ("fold stride leaves rows", (1, 4, 4), 2, 1, 0, 3, (6, 5), f32, PLAIN),
    ("fold unbatched", (2, 12), (2, 1), 1, (0, 1), 1, (3, 4), f32, PLAIN),
    ("fold empty batch", (0, 8, 4), 2, 1, 0, 1, (3, 3), f32, PLAIN),
    ("fold transposed", (1, 4, 6), 2, 1, 0, 1, (3, 4), f32, SWAPPED),
    ("fold f64", (2, 6, 9), (3, 1), 1, (1, 0), (1, 2), (3, 5), f64, PLAIN),
]
for label, xs, k, d, p, s, size, dtype, layout in FOLDS:
    xl, x = stored_input(xs, layout, dtype)
    if size is None:
        out = F.unfold(x, k, dilation=d, padding=p, stride=s)
    else:
        out = F.fold(x, size, k, dilation=d, padding=p, stride=s)
    show_strides(label, out)
    check(label, lambda: (out, [xl]))


def fold_of_unfold():
    x = leaf(ramp((1, 2, 4, 4), 7, 3, 4, f64))
    o = dict(kernel_size=(2, 3), padding=(1, 0))
    check("fold of unfold squared", lambda: (F.fold(F.unfold(x, **o) * F.unfold(x, **o), (4, 4), **o), [x]))
    y2 = F.fold(F.unfold(x, **o) * F.unfold(x, **o), (4, 4), **o)
    (g,) = torch.autograd.grad(y2, x, weights(y2), create_graph=True)
    x.grad = None
    check("fold of unfold squared, its gradient", lambda: (g, [x]))


fold_of_unfold()

def view_operands():
    x = ramp((1, 2, 4, 4), 7, 3, 4, f32)
    w, b = leaf(ramp((3, 2, 2, 2), 5, 2, 2, f32)), leaf(torch.tensor(0.5))
    out = F.conv2d(x, w, b.expand(3), stride=(2, 1))
    show_strides("conv2d expanded bias", out)
    check("conv2d expanded bias", lambda: (out, [w, b]))
    wt, xt = leaf(ramp((3, 2, 2, 2), 5, 2, 2, f32)), leaf(ramp((1, 2, 3, 3), 7, 3, 4, f32))
    out = F.conv_transpose2d(xt, wt.transpose(0, 1))
    show_strides("conv_transpose2d transposed weight", out)
    check("conv_transpose2d transposed weight", lambda: (out, [xt, wt]))
    xe, we = leaf(ramp((0, 2, 5), 7, 3, 4, f64)), leaf(ramp((3, 2, 2), 5, 2, 2, f64))
    out = F.conv1d(xe, we, padding=1)
    show_strides("conv1d empty batch", out)
    check("conv1d empty batch", lambda: (out, [xe, we]))


view_operands()

x = ramp((2, 3, 5, 5), 7, 3, 4, f32)
w = ramp((4, 3, 3, 3), 5, 2, 2, f32)
b = ramp((4,), 3, 1, 2, f32)
ones = torch.ones
attempt("conv2d input rank", lambda: F.conv2d(ramp((2, 3), 7, 3, 4, f32), w))
attempt("conv2d input rank 5", lambda: F.conv2d(x.unsqueeze(0), w))
attempt("conv2d weight rank 2", lambda: F.conv2d(x, ones(4, 3)))
attempt("conv2d weight rank 3", lambda: F.conv2d(x, ones(4, 3, 3)))
attempt("conv2d weight rank 5", lambda: F.conv2d(x, ones(4, 3, 3, 3, 1), stride=(2, 1)))
attempt("conv2d channels", lambda: F.conv2d(x[:, :2], w))
attempt("conv2d channels unbatched", lambda: F.conv2d(x[0, :2], w))
attempt("conv2d groups do not divide input", lambda: F.conv2d(x, w, groups=2))
attempt("conv2d groups do not divide weight", lambda: F.conv2d(ones(1, 4, 5, 5), ones(3, 2, 3, 3), groups=2))
attempt("conv2d groups above weight", lambda: F.conv2d(ones(1, 4, 5, 5), ones(3, 1, 3, 3), groups=4))
attempt("conv2d kernel too large", lambda: F.conv2d(x[:, :, :2, :2], w))
attempt("conv2d kernel too large dilated", lambda: F.conv2d(x, w, dilation=(3, 1)))
attempt("conv2d kernel fits padded", lambda: F.conv2d(x[:, :, :2, :2], w, padding=1))
attempt("conv2d stride -1", lambda: F.conv2d(x, w, stride=(-1, 1)))
attempt("conv2d padding -1", lambda: F.conv2d(x, w, padding=(0, -1)))
attempt("conv2d dilation -1", lambda: F.conv2d(x, w, dilation=(-1, 1)))
attempt("conv2d groups -1", lambda: F.conv2d(x, w, groups=-1, stride=(-1, 1)))
attempt("conv2d padding before stride", lambda: F.conv2d(x, w, padding=(-1, 0), stride=(-1, 1)))
attempt("conv2d same with stride", lambda: F.conv2d(x, w, padding="same", stride=(1, 2)))
attempt("conv2d same channels", lambda: F.conv2d(x[:, :2], ones(4, 3, 2, 2), padding="same"))
attempt("conv2d same weight rank", lambda: F.conv2d(x, ones(4, 3, 2), padding="same"))
attempt("conv2d same weight rank 2", lambda: F.conv2d(x, ones(4, 3), padding="same"))
attempt("conv1d same weight rank 4", lambda: F.conv1d(x[:, :, 0], w, padding="same"))
attempt("conv2d weight dtype", lambda: F.conv2d(x, w.double()))
attempt("conv2d weight dtype f64 input", lambda: F.conv2d(x.double(), w))
attempt("conv2d weight dtype i64 input", lambda: F.conv2d(x.long(), w))
attempt("conv2d bias dtype", lambda: F.conv2d(x, w, b.double()))
attempt("conv2d bias dtype i64", lambda: F.conv2d(x.long(), w.long(), b))
attempt("conv2d bias size", lambda: F.conv2d(x, w, b[:3]))
attempt("conv2d bias rank", lambda: F.conv2d(x, w, b.unsqueeze(1)))
attempt("conv2d channels before bias", lambda: F.conv2d(x[:, :2], w, b[:3]))
attempt("conv2d bias before kernel", lambda: F.conv2d(x[:, :, :2], w, b[:3]))
attempt("conv2d kernel before dtype", lambda: F.conv2d(x[:, :, :2], w.double()))
attempt("conv2d bool", lambda: F.conv2d(x.bool(), w.bool()))
attempt("conv2d i64", lambda: F.conv2d(x.long(), w.long() * 3, groups=1))
attempt("conv2d i32", lambda: F.conv2d(x.int(), w.int(), b.int(), stride=2))
print("conv2d NULL: error: tg_conv2d(): a tensor argument is NULL")
x1 = ramp((2, 3, 6), 7, 3, 4, f32)
w1 = ramp((4, 3, 3), 5, 2, 2, f32)
attempt("conv1d input rank", lambda: F.conv1d(x, w1))
attempt("conv1d weight rank 4", lambda: F.conv1d(x1, w))
attempt("conv1d weight rank 2", lambda: F.conv1d(x1, ones(4, 3)))
attempt("conv1d channels", lambda: F.conv1d(x1[:, :2], w1))
attempt("conv1d channels unbatched", lambda: F.conv1d(x1[0, :2], w1))
attempt("conv1d kernel too large", lambda: F.conv1d(x1[:, :, :2], w1))
attempt("conv1d same with stride", lambda: F.conv1d(x1, w1, padding="same", stride=2))
attempt("conv1d stride -2", lambda: F.conv1d(x1, w1, stride=-2))
attempt("conv1d bias size", lambda: F.conv1d(x1, w1, b[:3]))
wt = ramp((3, 4, 3, 3), 5, 2, 2, f32)
attempt("conv_transpose2d input rank", lambda: F.conv_transpose2d(ramp((2, 3), 7, 3, 4, f32), wt))
attempt("conv_transpose2d weight rank 3", lambda: F.conv_transpose2d(x, ones(3, 4, 3)))
attempt("conv_transpose2d weight rank 2", lambda: F.conv_transpose2d(x, ones(3, 4)))
attempt("conv_transpose2d channels", lambda: F.conv_transpose2d(x[:, :2], wt))
attempt("conv_transpose2d groups", lambda: F.conv_transpose2d(x, wt, groups=2))
attempt("conv_transpose2d bias", lambda: F.conv_transpose2d(x, wt, b[:3]))
attempt("conv_transpose2d output_padding too large", lambda: F.conv_transpose2d(x, wt, stride=2, output_padding=2))
attempt("conv_transpose2d output_padding below dilation",
        lambda: F.conv_transpose2d(x, wt, stride=2, output_padding=2, dilation=3))
attempt("conv_transpose2d output_padding -1", lambda: F.conv_transpose2d(x, wt, output_padding=(-1, 0)))
attempt("conv_transpose2d stride -1", lambda: F.conv_transpose2d(x, wt, stride=-1))
corner = x[:, :, :1, :1]
attempt("conv_transpose2d output too small", lambda: F.conv_transpose2d(corner, wt, padding=2))
attempt("conv_transpose2d output 1x1", lambda: F.conv_transpose2d(corner, wt, padding=1))
attempt("conv_transpose2d weight dtype", lambda: F.conv_transpose2d(x, wt.double()))
attempt("conv_transpose2d bias dtype", lambda: F.conv_transpose2d(x, wt, ones(4, dtype=f64)))
attempt("conv_transpose2d i32", lambda: F.conv_transpose2d(x.int(), wt.int()))
attempt("conv_transpose2d i64", lambda: F.conv_transpose2d(corner.long(), wt.long(), ones(4, dtype=torch.long)))

attempt("unfold 0-dim", lambda: F.unfold(torch.tensor(1.0), 2))
attempt("unfold 1-d", lambda: F.unfold(ones(5), 2))
attempt("unfold 2-d", lambda: F.unfold(ones(5, 5), 2))
attempt("unfold 5-d", lambda: F.unfold(ones(1, 2, 3, 5, 5), 2))
attempt("unfold kernel 0", lambda: F.unfold(x, 0))
attempt("unfold kernel 0 before rank", lambda: F.unfold(ones(5), 0))
attempt("unfold dilation -1", lambda: F.unfold(x, 2, dilation=(-1, 1)))
attempt("unfold padding -1", lambda: F.unfold(x, 2, padding=-1))
attempt("unfold stride -1", lambda: F.unfold(x, 2, stride=(1, -1)))
attempt("unfold kernel too large", lambda: F.unfold(x, 6))
attempt("unfold kernel far too large", lambda: F.unfold(x, (9, 2)))
attempt("unfold empty channels", lambda: F.unfold(ones(2, 0, 5, 5), 2))
attempt("unfold i64", lambda: F.unfold(x.long(), 2))
attempt("unfold bool", lambda: F.unfold(x.bool(), 2))
cols = ramp((2, 12, 16), 7, 3, 4, f32)
attempt("fold 0-dim", lambda: F.fold(torch.tensor(1.0), (5, 5), 2))
attempt("fold 1-d", lambda: F.fold(ones(12), (5, 5), 2))
attempt("fold 4-d", lambda: F.fold(ones(2, 12, 4, 4), (5, 5), 2))
attempt("fold blocks", lambda: F.fold(cols[:, :, :15], (5, 5), 2))
attempt("fold kernel product", lambda: F.fold(ones(2, 13, 16), (5, 5), 2))
attempt("fold kernel 0", lambda: F.fold(cols, (5, 5), 0))
attempt("fold dilation -1", lambda: F.fold(cols, (5, 5), 2, dilation=(1, -1)))
attempt("fold padding -1", lambda: F.fold(cols, (5, 5), 2, padding=(-1, 0)))
attempt("fold stride -1", lambda: F.fold(cols, (5, 5), 2, stride=-1))
attempt("fold output 0x5", lambda: F.fold(cols, (0, 5), 2))
attempt("fold output 1x1", lambda: F.fold(cols, (1, 1), 2))
attempt("fold empty channels", lambda: F.fold(ones(2, 0, 16), (5, 5), 2))
attempt("fold i64", lambda: F.fold(cols.long(), (5, 5), 2))

x = ramp((1, 2, 3, 3), 7, 3, 4, f32)
w = leaf(ramp((2, 2, 2, 2), 5, 2, 2, f32))
y = F.conv2d(x, w)
x.add_(1)
try:
    y.sum().backward()
except RuntimeError as e:
    # tensorgrad has no anomaly mode: its message ends before PyTorch's hint
    print("saved input changed: error:", str(e).split(" Hint:")[0])
