# Normalisation with PyTorch: what nn_norm.c prints with tensorgrad.
# rms_norm is PyTorch 2.4's composition, written out (1.13 has no F.rms_norm).
from oracle import *
import math
import torch.nn.functional as F

# PyTorch's f32 sums over a batch of (N, C) split by thread; tensorgrad's
# are its one-thread sums.
torch.set_num_threads(1)


def exact(label, f):
    try:
        t = f()
    except Exception as e:
        print(f"{label} exact: error: {e}")
        return
    fmt = " %.17g" if t.dtype == torch.float64 else " %.9g"
    print(f"{label} exact:" + "".join(fmt % v for v in t.flatten().tolist()))


def ramp(shape, start, step):
    n = math.prod(shape)
    return torch.arange(start, start + step * (n - 0.5), step, dtype=torch.float32).reshape(shape)


def wavy(shape):
    n = math.prod(shape)
    return torch.tensor([(k * 7919) % 1009 / 64 - 7.5 for k in range(n)]).reshape(shape)


def check_strided(label, make):
    out, leaves = make()
    show_strides(label, out)
    show(label, out)
    graph(label, out)
    backprop(label, out, leaves)


def case(label, f, *leaves):
    check_strided(label, lambda: (f(), list(leaves)))


def rms_norm(x, shape, weight=None, eps=None):
    """PyTorch 2.4's F.rms_norm (its checks are layer_norm's)."""
    if eps is None:
        eps = torch.finfo(x.dtype).eps
    torch.ops.aten.native_layer_norm(torch.zeros(x.shape), shape, None if weight is None else torch.zeros(weight.shape),
                                     None, 0.0)
    dims = list(range(-len(shape), 0))
    if not x.dtype.is_floating_point:
        name = {torch.int64: "Long", torch.int32: "Int", torch.bool: "Bool"}[x.dtype]
        raise RuntimeError(f'"rms_norm" not implemented for \'{name}\'')
    out = x.mul(torch.rsqrt(x.pow(2).mean(dims, keepdim=True).add_(eps)))
    return out if weight is None else out.mul(weight)


X23 = [[0.5, -1.0, 2.0], [0.0, 3.0, -2.5]]

# layer_norm
x, w, b = leaf(X23), leaf([1.5, -0.5, 2.0]), leaf([0.25, 0.0, -1.0])
case("layer_norm", lambda: F.layer_norm(x, (3,), w, b, 1e-5), x, w, b)
x = leaf(X23)
case("layer_norm no weight", lambda: F.layer_norm(x, (3,), None, None, 1e-5), x)
x = ramp((4, 2, 3), 0.5, 0.75).double().requires_grad_()
w = leaf([[1.0, 2.0], [-1.0, 0.5], [0.25, 3.0]], torch.float64)
case("layer_norm transposed f64", lambda: F.layer_norm((x * x).transpose(0, 2), (4,), None, None, 1e-5), x)
case("layer_norm two dims", lambda: F.layer_norm(x.permute(1, 2, 0), (3, 4), None, None, 0.1), x)
check("layer_norm weight only", lambda: (F.layer_norm(x, (2, 3), w.transpose(0, 1), None, 1e-5), [x, w]))
x, w = torch.zeros(0, 3, requires_grad=True), torch.ones(3, requires_grad=True)
case("layer_norm empty batch", lambda: F.layer_norm(x, (3,), w, None, 1e-5), x, w)
x = torch.zeros(2, 0, requires_grad=True)
case("layer_norm empty rows", lambda: F.layer_norm(x, (0,), None, None, 1e-5), x)

big = wavy((3, 37))
bw = ramp((37,), 1, 1) / 7 - 2
bb = ramp((37,), -5, 1) / 9
exact("layer_norm f32", lambda: F.layer_norm(big, (37,), None, None, 1e-5))
exact("layer_norm f32 affine", lambda: F.layer_norm(big, (37,), bw, bb, 1e-5))
exact("layer_norm f32 weight", lambda: F.layer_norm(big, (37,), bw, None, 1e-5))
exact("layer_norm f64 affine", lambda: F.layer_norm(big.double(), (37,), bw.double(), bb.double(), 1e-5))
wide = wavy((2, 300))
exact("layer_norm f32 wide", lambda: F.layer_norm(wide, (300,), None, None, 1e-6))
exact("layer_norm f32 two dims", lambda: F.layer_norm(wide.view(2, 20, 15), (20, 15), None, None, 1e-6))
exact("layer_norm f32 transposed", lambda: F.layer_norm(wide.view(2, 30, 10).transpose(1, 2), (30,), None, None, 1e-6))

x = leaf(X23)
wc, bc = torch.tensor([1.5, -0.5, 2.0]), torch.tensor([1.5, -0.5, 2.0])
y = F.layer_norm(x, (3,), wc, bc, 1e-5)
bc.mul_(2)
try:
    y.sum().backward()
    print("layer_norm bias changed: ok")
except RuntimeError as e:
    print("layer_norm bias changed:", str(e).split(" Hint:")[0])

x23 = torch.tensor(X23)
attempt("layer_norm wrong shape", lambda: F.layer_norm(x23, (4,), None, None, 1e-5))
attempt("layer_norm wrong shape 2", lambda: F.layer_norm(x23.view(1, 2, 3), (2, 4), None, None, 1e-5))
attempt("layer_norm no dims", lambda: F.layer_norm(x23, (), None, None, 1e-5))
attempt("layer_norm weight shape", lambda: F.layer_norm(x23, (3,), torch.ones(4), None, 1e-5))
attempt("layer_norm bias shape", lambda: F.layer_norm(x23, (3,), None, torch.ones(1, 3), 1e-5))
attempt("layer_norm long", lambda: F.layer_norm(torch.ones(2, 3, dtype=torch.long), (3,), None, None, 1e-5))
attempt("layer_norm weight f64", lambda: F.layer_norm(x23, (3,), torch.ones(3, dtype=torch.float64), None, 1e-5))

# group_norm
x = torch.sin(ramp((2, 6, 2), 0, 1)).requires_grad_()
w = leaf([1.5, -0.5, 2.0, 1.0, 0.25, -1.0])
b = leaf([0.25, 0.0, -1.0, 0.5, 1.0, 2.0])
case("group_norm", lambda: F.group_norm(x, 3, w, b, 1e-5), x, w, b)
x = torch.sin(ramp((2, 6, 2), 0, 1)).requires_grad_()
case("group_norm plain", lambda: F.group_norm(x, 2, None, None, 1e-5), x)
x = torch.sin(ramp((2, 3, 4), 0, 0.5)).double().requires_grad_()
w = leaf([1.5, -0.5, 2.0, 1.0], torch.float64)
case("group_norm transposed f64", lambda: F.group_norm(x.transpose(1, 2), 2, w, None, 1e-5), x, w)
x = torch.sin(ramp((2, 4, 3, 2), 0, 1)).requires_grad_()
case("group_norm 4-d", lambda: F.group_norm(x, 4, None, None, 0.01), x)
x = torch.sin(ramp((2, 3, 2, 4), 0, 1)).requires_grad_()
case("group_norm channels last", lambda: F.group_norm(x.permute(0, 3, 1, 2), 2, None, None, 1e-5), x)
exact("group_norm channels last", lambda: F.group_norm(wavy((2, 3, 2, 4)).permute(0, 3, 1, 2), 2, None, None, 1e-5))
x = torch.zeros(0, 6, requires_grad=True)
case("group_norm empty batch", lambda: F.group_norm(x, 3, None, None, 1e-5), x)

big = wavy((3, 6, 13))
bw = ramp((6,), 1, 1) / 7 - 2
bb = ramp((6,), -5, 1) / 9
exact("group_norm f32", lambda: F.group_norm(big, 3, None, None, 1e-5))
exact("group_norm f32 affine", lambda: F.group_norm(big, 2, bw, bb, 1e-5))
exact("group_norm f32 bias", lambda: F.group_norm(big, 6, None, bb, 1e-5))
big_last = big.view(3, 13, 2, 3).permute(0, 3, 1, 2)
exact("group_norm f32 channels last affine", lambda: F.group_norm(big_last, 3, bw[:3], bb[:3], 1e-5))
exact("group_norm f64 channels last bias", lambda: F.group_norm(big_last.double(), 1, None, bb[:3].double(), 1e-5))
last3d = big.view(3, 13, 1, 2, 3).permute(0, 4, 1, 2, 3)
exact("group_norm f32 channels last 3d", lambda: F.group_norm(last3d, 3, None, None, 1e-5))
print("group_norm channels last 3d stride:", F.group_norm(last3d, 3, None, None, 1e-5).stride())
print("batch_norm channels last 3d stride:", F.batch_norm(last3d, None, None, None, None, True, 0.1, 1e-5).stride())
exact("group_norm f64 affine", lambda: F.group_norm(big.double(), 3, bw.double(), bb.double(), 1e-5))

x264 = torch.ones(2, 6, 4)
attempt("group_norm groups", lambda: F.group_norm(x264, 4, None, None, 1e-5))
attempt("group_norm zero groups", lambda: F.group_norm(x264, 0, None, None, 1e-5))
attempt("group_norm negative groups", lambda: F.group_norm(x264, -3, None, None, 1e-5))
attempt("group_norm weight f64", lambda: F.group_norm(x264, 3, torch.ones(6, dtype=torch.float64), None, 1e-5))
attempt("group_norm weight 2-d", lambda: F.group_norm(x264, 3, torch.ones(6, 1), None, 1e-5))
attempt("group_norm weight", lambda: F.group_norm(x264, 3, torch.ones(3), None, 1e-5))
attempt("group_norm bias", lambda: F.group_norm(x264, 3, None, torch.ones(3), 1e-5))
attempt("group_norm bias with weight", lambda: F.group_norm(x264, 3, torch.ones(6), torch.ones(2), 1e-5))
attempt("group_norm one value", lambda: F.group_norm(torch.ones(1, 3), 3, None, None, 1e-5))
attempt("group_norm 1-d", lambda: F.group_norm(torch.ones(6), 3, None, None, 1e-5))
attempt("group_norm long", lambda: F.group_norm(torch.ones(2, 6, dtype=torch.long), 3, None, None, 1e-5))

# rms_norm
x, w = leaf(X23), leaf([1.5, -0.5, 2.0])
case("rms_norm", lambda: rms_norm(x, (3,), w, 1e-6), x, w)
x = leaf([[0.5, -1.0], [2.0, 0.0], [3.0, -2.5]])
case("rms_norm transposed no weight", lambda: rms_norm(x.transpose(0, 1), (3,)), x)
x = ramp((2, 3, 2), -1, 0.25).double().requires_grad_()
case("rms_norm f64 two dims", lambda: rms_norm(x, (3, 2)), x)
x = torch.zeros(0, 3, requires_grad=True)
case("rms_norm empty batch", lambda: rms_norm(x, (3,), None, 1e-5), x)
attempt("rms_norm wrong shape", lambda: rms_norm(x23, (4,), None, 1e-5))
attempt("rms_norm weight shape", lambda: rms_norm(x23, (3,), torch.ones(2), 1e-5))
attempt("rms_norm long", lambda: rms_norm(torch.ones(2, 3, dtype=torch.long), (3,), None, 1e-5))


# batch_norm
def running(label, mean, var):
    exact(f"{label} running_mean", lambda: mean)
    exact(f"{label} running_var", lambda: var)
    print(f"{label} versions: {mean._version} {var._version}")


rm, rv = torch.zeros(3), torch.ones(3)
x = leaf([[0.5, -1.0, 2.0], [0.0, 3.0, -2.5], [1.0, 0.25, -0.5], [2.0, 1.5, 0.75]])
w, b = leaf([1.5, -0.5, 2.0]), leaf([0.25, 0.0, -1.0])
case("batch_norm", lambda: F.batch_norm(x, rm, rv, w, b, True, 0.1, 1e-5), x, w, b)
running("batch_norm", rm, rv)
for step in range(3):
    xs = wavy((2, 3, 4)) * (0.5 + step) + step
    exact(f"batch_norm step {step}", lambda: F.batch_norm(xs, rm, rv, None, None, True, 0.25, 1e-5))
    running(f"batch_norm step {step}", rm, rv)
x = torch.sin(ramp((2, 3, 2), 0, 1)).requires_grad_()
w, b = leaf([1.5, -0.5, 2.0]), leaf([0.25, 0.0, -1.0])
case("batch_norm eval", lambda: F.batch_norm(x, rm, rv, w, b, False, 0.1, 1e-5), x, w, b)
exact("batch_norm eval", lambda: F.batch_norm(wavy((2, 3, 5)), rm, rv, w.detach(), b.detach(), False, 0.1, 1e-3))
running("batch_norm eval", rm, rv)

layer = torch.nn.BatchNorm1d(3, momentum=None, affine=False)
for tracked in range(1, 4):
    layer(wavy((5, 3, 2)) * tracked)
    running(f"batch_norm cumulative {tracked}", layer.running_mean, layer.running_var)

x = torch.sin(ramp((3, 4), 0, 1)).double().requires_grad_()
w = leaf([1.5, -0.5, 2.0], torch.float64)
case("batch_norm transposed f64", lambda: F.batch_norm(x.transpose(0, 1), None, None, w, None, True, 0.1, 1e-5), x, w)
x = torch.sin(ramp((2, 3, 2, 2), 0, 1)).requires_grad_()
case("batch_norm 4-d", lambda: F.batch_norm(x, None, None, None, None, True, 0.1, 0.5), x)
x = torch.zeros(0, 3, requires_grad=True)
w, b = leaf([1.5, -0.5, 2.0]), leaf([0.25, 0.0, -1.0])
case("batch_norm empty batch", lambda: F.batch_norm(x, rm, rv, w, b, True, 0.1, 1e-5), x, w, b)

exact("batch_norm f32 (N, C)", lambda: F.batch_norm(wavy((37, 5)), None, None, None, None, True, 0.1, 1e-5))
exact("batch_norm f32 (N, C, L)", lambda: F.batch_norm(wavy((3, 4, 11)), None, None, None, None, True, 0.1, 1e-5))
bw = ramp((3,), 1, 1) / 7 - 2
bb = ramp((3,), -5, 1) / 9
exact("batch_norm f32 affine", lambda: F.batch_norm(wavy((2, 3, 2, 5)), None, None, bw, bb, True, 0.1, 1e-5))
exact("batch_norm f64 affine", lambda: F.batch_norm(wavy((2, 3, 2, 5)).double(), None, None, bw.double(), bb.double(),
                                                    True, 0.1, 1e-5))
last = wavy((2, 3, 2, 5)).to(memory_format=torch.channels_last)
lm, lv = torch.zeros(3), torch.ones(3)
y = F.batch_norm(last, lm, lv, bw, bb, True, 0.1, 1e-5)
exact("batch_norm f32 channels last", lambda: y)
running("batch_norm f32 channels last", lm, lv)
print("batch_norm channels last stride:", y.stride())
x = torch.sin(ramp((2, 2, 3, 3), 0, 1)).requires_grad_()
w = leaf([1.5, -0.5, 2.0])
case("batch_norm channels last", lambda: F.batch_norm(x.permute(0, 3, 1, 2), None, None, w, None, True, 0.1, 1e-5),
     x, w)
dm, dv = torch.zeros(3, dtype=torch.float64), torch.ones(3, dtype=torch.float64)
F.batch_norm(wavy((7, 3)).double(), dm, dv, None, None, True, 0.3, 1e-5)
F.batch_norm(wavy((2, 3, 9)).double(), dm, dv, None, None, True, 0.3, 1e-5)
running("batch_norm f64", dm, dv)


def backward_after(label, y, change):
    change()
    try:
        y.sum().backward()
        print(f"{label}: ok")
    except RuntimeError as e:
        print(f"{label}:", str(e).split(" Hint:")[0])


x = torch.sin(ramp((4, 3), 0, 1)).requires_grad_()
backward_after("batch_norm running_mean changed", F.batch_norm(x, rm, rv, None, None, True, 0.1, 1e-5),
               lambda: rm.add_(1))
x = torch.sin(ramp((4, 3), 0, 1)).requires_grad_()
backward_after("batch_norm eval running_var changed", F.batch_norm(x, rm, rv, None, None, False, 0.1, 1e-5),
               lambda: rv.mul_(2))

x23, r3, r4 = torch.ones(2, 3), torch.zeros(3), torch.zeros(4)
attempt("batch_norm one value", lambda: F.batch_norm(torch.ones(1, 3), None, None, None, None, True, 0.1, 1e-5))
attempt("batch_norm one value 3-d", lambda: F.batch_norm(torch.ones(1, 3, 1), None, None, None, None, True, 0.1, 1e-5))
attempt("batch_norm one value eval", lambda: F.batch_norm(torch.ones(1, 3), r3, r3, None, None, False, 0.1, 1e-5))
attempt("batch_norm eval without running_mean", lambda: F.batch_norm(x23, None, None, None, None, False, 0.1, 1e-5))
attempt("batch_norm eval without running_var", lambda: F.batch_norm(x23, r3, None, None, None, False, 0.1, 1e-5))
attempt("batch_norm running_mean size", lambda: F.batch_norm(x23, r4, r3, None, None, True, 0.1, 1e-5))
attempt("batch_norm running_var size", lambda: F.batch_norm(x23, r3, r4, None, None, True, 0.1, 1e-5))
attempt("batch_norm weight size", lambda: F.batch_norm(x23, r3, r3, r4, None, True, 0.1, 1e-5))
attempt("batch_norm bias size", lambda: F.batch_norm(x23, r3, r3, None, r4, True, 0.1, 1e-5))
attempt("batch_norm 1-d", lambda: F.batch_norm(torch.ones(3), None, None, None, None, True, 0.1, 1e-5))
attempt("batch_norm long", lambda: F.batch_norm(torch.ones(2, 3, dtype=torch.long), None, None, None, None, True, 0.1,
                                                1e-5))
attempt("batch_norm running_mean f64", lambda: F.batch_norm(x23, torch.zeros(3, dtype=torch.float64), r3, None, None,
                                                            True, 0.1, 1e-5))
attempt("batch_norm f64 with f32 weight", lambda: F.batch_norm(x23.double(), None, None, r3, None, True, 0.1, 1e-5))
attempt("batch_norm 2-d running_mean", lambda: F.batch_norm(x23, torch.zeros(1, 3), r3, None, None, True, 0.1, 1e-5))
print(f"batch_norm after errors: {r3._version}")


# second derivatives
def second_order(label, out, x, leaves):
    (g,) = torch.autograd.grad(out, x, weights(out), create_graph=True)
    (g * g).sum().backward()
    for i, l in enumerate(leaves):
        show(f"{label} second order grad{i}", l.grad)


def leaf64(data):
    return torch.tensor(data, dtype=torch.float64, requires_grad=True)


W4 = [1.5, -0.5, 2.0, 1.0]
x, w, b = (wavy((2, 3, 4)) / 4).double().requires_grad_(), leaf64(W4), leaf64([0.25, 0.0, -1.0, 0.5])
second_order("layer_norm", F.layer_norm(x, (4,), w, b, 1e-5), x, [x, w])
x, w = (wavy((2, 4, 3)) / 4).double().requires_grad_(), leaf64(W4)
second_order("group_norm", F.group_norm(x, 2, w, None, 1e-5), x, [x, w])
x, w = (wavy((2, 4, 3)) / 4).double().requires_grad_(), leaf64(W4)
second_order("batch_norm", F.batch_norm(x, None, None, w, None, True, 0.1, 1e-5), x, [x, w])
x, w = (wavy((2, 4, 3)) / 4).double().requires_grad_(), leaf64(W4)
rm = torch.tensor([0.5, -0.25, 0.0, 1.0], dtype=torch.float64)
rv = torch.tensor([1.5, 0.5, 2.0, 1.0], dtype=torch.float64)
second_order("batch_norm eval", F.batch_norm(x, rm, rv, w, None, False, 0.1, 1e-5), x, [x, w])
x, w = (wavy((2, 3, 4)) / 4).double().requires_grad_(), leaf64(W4)
second_order("rms_norm", rms_norm(x, (4,), w, 1e-6), x, [x, w])
