# Oracle for ops_half.c: float16 and bfloat16 tensors. Where PyTorch 1.13's
# CPU kernels lack float16 (most unary functions, matmul, cumsum, prod...),
# the operation is computed in float32 and rounded with .half(), which is
# what tensorgrad does for every elementwise operation.
from oracle import attempt, check, leaf, show, show_dtype
import torch
import torch.nn.functional as F

nan = float("nan")
inf = float("inf")
HALVES = [torch.float16, torch.bfloat16]
HALF_NAMES = ["f16", "bf16"]



def ev(f, *args):
    """f(*args), or where PyTorch has no CPU kernel for the half dtype, f in
    float32 with the floating results rounded back."""
    try:
        return f(*args)
    except RuntimeError as e:
        if "not implemented for" not in str(e):
            raise
    low = next(a.dtype for a in args if isinstance(a, torch.Tensor) and a.dtype in HALVES)
    out = f(*[a.float() if isinstance(a, torch.Tensor) and a.dtype in HALVES else a for a in args])
    return out.to(low) if out.is_floating_point() else out


def mixed(d):
    return torch.tensor([-2.75, -0.9, -0.123, 0.0, 0.1, 0.3333, 0.75, 1.7, 3.3, 7.1]).to(d)


def positive(d):
    return torch.tensor([0.01, 0.5, 1.0, 1.5, 2.7, 3.1, 10.0, 100.0]).to(d)


def matrix(d, rows, cols, scale):
    r = torch.arange(0, rows * cols, 1, dtype=torch.float32).reshape(rows, cols)
    return (torch.sin(r) * scale).to(d)


def other(d):
    return torch.tensor([1.3, -0.7, 2.0, 0.5, 0.1, 0.3333, -3.0, 1.7, 0.25, 9.0]).to(d)


# creation and conversions
f = torch.tensor([65504.0, 65520.0, 1e-8, 6e-8, 1e-5, 0.1, nan, inf, -3.14159, 1e30])
d = torch.tensor([1.0009765625000001, 0.1, 1.0 + 2**-11 + 2**-40, 300.0009765625], dtype=torch.float64)
for h, n in zip(HALVES, HALF_NAMES):
    show_dtype(f"f32 to {n}", f.to(h))
    show_dtype(f"f64 to {n}", d.to(h))
    show_dtype(f"{n} to f32", f.to(h).to(torch.float32))
    show_dtype(f"{n} to f64", d.to(h).to(torch.float64))
    show_dtype(f"{n} to i64", mixed(h).to(torch.int64))
    show_dtype(f"{n} to bool", mixed(h).to(torch.bool))
    show_dtype(f"i64 to {n}", torch.tensor([-7, 0, 2049, 70000]).to(h))
    show_dtype(f"zeros {n}", torch.zeros(2, 3, dtype=h))
    show_dtype(f"full {n}", torch.full((3,), 0.1, dtype=h))
    show_dtype(f"arange {n}", torch.arange(0, 3, 0.3, dtype=h))
    show_dtype(f"linspace {n}", torch.linspace(-1, 1, 7, dtype=h))
    show_dtype(f"linspace 75 {n}", torch.linspace(-3.3, 5.1, 75, dtype=h))
    s = torch.tensor(0.1).to(h)
    print(f"item {n}: %.17g" % s.item())
    print(f"copy_to_f64 {n}:", " ".join("%.17g" % v for v in f.to(h).tolist()))
    show_dtype(f"empty {n}", torch.zeros(0, dtype=h))
    show_dtype(f"0-dim {n}", s)

# promotion
a, b = mixed(torch.float16), mixed(torch.bfloat16)
show_dtype("f16 + bf16", a + b)
show_dtype("f16 + f32", a + mixed(torch.float32))
show_dtype("bf16 + f64", b + mixed(torch.float64))
show_dtype("f16 + i64", a + mixed(torch.float32).to(torch.int64))
show_dtype("bf16 * i32", b * mixed(torch.float32).to(torch.int32))
show_dtype("f16 + 0-dim f32", a + torch.tensor(0.1))
show_dtype("bf16 + 0-dim f64", b + torch.tensor(0.1, dtype=torch.float64))
show_dtype("i64 + 0-dim f16", mixed(torch.float32).to(torch.int64) + torch.tensor(0.1).to(torch.float16))
show_dtype("0-dim f16 + 0-dim bf16", torch.tensor(1.5).half() + torch.tensor(0.1).bfloat16())
show_dtype("f16 * 0.1", a * 0.1)
show_dtype("bf16 * 0.1", b * 0.1)
show_dtype("f16 + 1e-4", a + 1e-4)
show_dtype("bf16 / 3", b / 3)
show_dtype("i64 * 0.5 to f16?", (mixed(torch.float32).to(torch.int64) * 0.5).to(torch.float16))
show_dtype("f16 > bf16", a > b)

UNARY = [(n, getattr(torch, n)) for n in
         "neg exp expm1 log sqrt abs sin cos tanh sigmoid relu sign log1p log2 log10 rsqrt reciprocal square tan "
         "asin acos atan sinh cosh asinh acosh atanh erf erfc erfinv floor ceil round trunc frac".split()] + [
    ("gelu", F.gelu),
    ("mish", F.mish), ("logsigmoid", F.logsigmoid), ("hardsigmoid", F.hardsigmoid),
    ("hardswish", F.hardswish), ("relu6", F.relu6),
    ("leaky_relu", lambda t: F.leaky_relu(t, 0.1)),
    ("hardtanh", lambda t: F.hardtanh(t, -0.5, 2)), ("clamp", lambda t: t.clamp(-0.2, 1.2)),
    ("pow2", lambda t: t ** 2), ("pow_half", lambda t: t ** 0.5), ("pow3", lambda t: t ** 3),
    ("rsub", lambda t: 0.3 - t), ("fmod_scalar", lambda t: torch.fmod(t, 0.7)),
]
for h, n in zip(HALVES, HALF_NAMES):
    for name, fn in UNARY:
        if h == torch.bfloat16 and name in ("rsqrt", "pow3"):
            continue
        show_dtype(f"{name} {n} mixed", ev(fn, mixed(h)))
        show_dtype(f"{name} {n} positive", ev(fn, positive(h)))

BINARY = [("add", torch.add), ("sub", torch.sub), ("mul", torch.mul), ("div", torch.div), ("pow", torch.pow),
          ("maximum", torch.maximum), ("minimum", torch.minimum), ("atan2", torch.atan2), ("fmod", torch.fmod),
          ("remainder", torch.remainder), ("hypot", torch.hypot), ("eq", torch.eq),
          ("lt", torch.lt), ("ge", torch.ge)]
for h, n in zip(HALVES, HALF_NAMES):
    a, b = mixed(h), other(h)
    for name, fn in BINARY:
        show_dtype(f"{name} {n}", ev(fn, a, b))
    show_dtype(f"addcmul {n}", ev(lambda x, y: torch.addcmul(x, x, y, value=0.1), a, b))
    show_dtype(f"where {n}", torch.where(a > b, a, b))
    show_dtype(f"broadcast {n}", a.reshape(10, 1) * b[:3].reshape(1, 3))
    show_dtype(f"strided {n}", matrix(h, 3, 4, 2).t() + matrix(h, 4, 3, 1))

# reductions
for h, n in zip(HALVES, HALF_NAMES):
    a, m, big = mixed(h), matrix(h, 3, 5, 10), torch.linspace(0, 1, 3000).to(h)
    show_dtype(f"sum {n}", a.sum())
    show_dtype(f"sum big {n}", big.sum())
    show_dtype(f"mean {n}", a.mean())
    show_dtype(f"mean big {n}", big.mean())
    show_dtype(f"sum dim {n}", m.sum(1))
    show_dtype(f"mean dim {n}", m.mean(0, keepdim=True))
    show_dtype(f"prod {n}", ev(torch.prod, a))
    show_dtype(f"max {n}", a.max())
    show_dtype(f"min {n}", a.min())
    show_dtype(f"amax {n}", m.amax(1))
    show_dtype(f"argmax {n}", m.argmax(1))
    show_dtype(f"var {n}", ev(lambda t: t.var(1), m))
    show_dtype(f"std {n}", ev(torch.std, a))
    show_dtype(f"norm {n}", ev(torch.norm, a))
    if h == torch.bfloat16:
        show_dtype(f"vector_norm 1 {n}", torch.linalg.vector_norm(m, 1, 0))
    show_dtype(f"logsumexp {n}", ev(lambda t: t.logsumexp(1), m))
    show_dtype(f"cumsum {n}", ev(lambda t: t.cumsum(0), a))
    show_dtype(f"cumprod {n}", ev(lambda t: t.cumprod(0), a))
    # PyTorch 2's: the float value rounded (nn_half.py compares it with
    # 1.13's bfloat16 kernels, which round otherwise)
    show_dtype(f"softmax {n}", m.float().softmax(1).to(h))
    show_dtype(f"log_softmax {n}", m.float().log_softmax(0).to(h))
    show_dtype(f"sort {n}", a.sort(0, descending=True).values)

# matrix products: PyTorch 1.13 has no float16 GEMM on CPU, and its
# bfloat16 one rounds every partial sum; tensorgrad's is a float GEMM
# rounded once, compared with the same in float32
def fl(fn, *args):
    return fn(*[a.float() for a in args]).to(args[0].dtype)


for h, n in zip(HALVES, HALF_NAMES):
    show_dtype(f"matmul {n}", fl(torch.matmul, matrix(h, 3, 7, 3), matrix(h, 7, 2, 5)))
    show_dtype(f"matmul transposed {n}", fl(torch.matmul, matrix(h, 7, 3, 3).t(), matrix(h, 7, 2, 5)))
    show_dtype(f"bmm {n}", fl(torch.bmm, matrix(h, 4, 3, 2).reshape(2, 2, 3), matrix(h, 6, 2, 1).reshape(2, 3, 2)))
    show_dtype(f"mv {n}", fl(torch.mv, matrix(h, 3, 4, 2), matrix(h, 1, 4, 1).reshape(4)))
    # linear: the product rounded, then the bias added
    show_dtype(f"linear {n}", fl(torch.matmul, matrix(h, 2, 4, 1), matrix(h, 3, 4, 0.5).t()) + matrix(h, 1, 3, 1).reshape(3))

# gradients
for h, n in zip(HALVES, HALF_NAMES):
    x = mixed(h).requires_grad_()
    y = other(h).requires_grad_()

    def grad(name, fn, count):
        x.grad = None
        y.grad = None
        check(f"{name} {n}", lambda: (fn(), [x, y][:count]))

    grad("mul", lambda: x * y, 2)
    grad("div", lambda: x / y, 2)
    grad("add sub", lambda: (x + y) - y * 0.3, 2)
    grad("sum", lambda: (x * y).sum(), 2)
    grad("mean", lambda: x.mean(), 1)
    grad("square", lambda: x.square(), 1)
    if h == torch.bfloat16:
        grad("exp", lambda: x.exp(), 1)
        grad("tanh", lambda: x.tanh(), 1)
        grad("sigmoid", lambda: x.sigmoid(), 1)
        grad("gelu", lambda: F.gelu(x), 1)
        grad("pow", lambda: x.abs() ** y, 2)
        grad("var", lambda: x.var(), 1)

# mixed precision
w = matrix(torch.float32, 4, 3, 0.5).requires_grad_()
b = torch.tensor([0.1, -0.2, 0.3], requires_grad=True)
x = matrix(torch.float32, 5, 4, 1)
products = x.to(torch.bfloat16).reshape(5, 4, 1) * w.to(torch.bfloat16)
hidden = products.sum(1) + b.to(torch.bfloat16)
loss = hidden.relu().square().mean()
show_dtype("mixed hidden", hidden)
check("mixed loss", lambda: (loss, [w, b]))
show_dtype("mixed w grad", w.grad)
show_dtype("mixed b grad", b.grad)
