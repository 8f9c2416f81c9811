# conv2d over images computed in several tiles, at 1, 2 and 3 threads, with
# PyTorch: what nn_conv_tiles.c prints with tensorgrad (exact f64 sums of
# the output and of the gradients of input, weight and bias).
import torch
import torch.nn.functional as F


def ramp(shape, mod, shift, scale, dtype):
    n = 1
    for s in shape:
        n *= s
    t = ((torch.arange(0, n, 1, dtype=torch.float32) % mod) - shift) / scale
    return t.reshape(shape).to(dtype)


CASES = [
    ("3x3 padding 1", (3, 8, 40, 70), (5, 8, 3, 3), dict(padding=1), torch.float32),
    ("groups 2 stride (2, 1) padding (1, 2) dilation (1, 2)", (2, 4, 60, 90), (6, 2, 3, 5),
     dict(groups=2, stride=(2, 1), padding=(1, 2), dilation=(1, 2)), torch.float32),
    ("5x5 padding 2 f64", (4, 3, 50, 64), (4, 3, 5, 5), dict(padding=2), torch.float64),
    ("stride 2", (2, 16, 64, 100), (3, 16, 3, 3), dict(stride=2), torch.float32),
    ("padding 3 of a 3x3 kernel", (5, 8, 40, 70), (4, 8, 3, 3), dict(padding=3), torch.float32),
]


def summary(label, t):
    d = t.to(torch.float64)
    weights = ramp(d.shape, 17, 8, 1, torch.float64)
    print("%s: %.6f %.6f" % (label, d.sum().item(), (d * weights).sum().item()))


for threads in (1, 2, 3):
    for label, xs, ws, opts, dtype in CASES:
        x = ramp(xs, 7, 3, 4, dtype).requires_grad_()
        w = ramp(ws, 5, 2, 2, dtype).requires_grad_()
        b = ramp((ws[0],), 3, 1, 4, dtype).requires_grad_()
        out = F.conv2d(x, w, b, **opts)
        print("%d threads, %s: output " % (threads, label))
        out.backward(ramp(out.shape, 11, 5, 4, dtype))
        summary("  output", out.detach())
        summary("  input grad", x.grad)
        summary("  weight grad", w.grad)
        summary("  bias grad", b.grad)
