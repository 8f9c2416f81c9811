# Oracle for ops_complex_more.c: the reductions, scans, norms, moments,
# pointwise, indexing, comparison and elementwise operations PyTorch 1.13
# runs on complex64 and complex128 tensors, their values, result dtypes and
# gradients (conjugate Wirtinger derivatives), and its errors for the ones
# it refuses.
from oracle import attempt, check, show, show_dtype, show_strides
import torch
import warnings

warnings.filterwarnings("ignore", "scatter_reduce")

c64, c128 = torch.complex64, torch.complex128
NAMES = {c64: "c64", c128: "c128"}
INF = float("inf")


def z4(d):
    re = torch.tensor([1, 0, -0.5, 3], dtype=torch.float64)
    im = torch.tensor([2, -1, 0.25, 0], dtype=torch.float64)
    return torch.complex(re, im).to(d)


def w4(d):
    return z4(d) * 0.5 + 1


def with_zero(d):
    """[1+2j, 0, -0.5+0.25j, 3]: prod's backward has a branch for zeros."""
    re = torch.tensor([1, 0, -0.5, 3], dtype=torch.float64)
    im = torch.tensor([2, 0, 0.25, 0], dtype=torch.float64)
    return torch.complex(re, im).to(d)


def special(d):
    """[nan+1j, 1+inf j, -inf+0j, 2-1j]"""
    re = torch.tensor([float("nan"), 1, -INF, 2], dtype=torch.float64)
    im = torch.tensor([1, INF, 0, -1], dtype=torch.float64)
    return torch.complex(re, im).to(d)


MASK = torch.tensor([True, False, True, False])
IDX = torch.tensor([1, 0])
IDX2 = torch.tensor([[1, 0], [0, 1]])
IDX_REPEAT = torch.tensor([[1, 1], [0, 0]])


def values(d):
    n = NAMES[d]
    z, w = z4(d), w4(d)
    m = z.reshape(2, 2)
    # reductions and scans
    show_dtype(f"prod {n}", z.prod())
    show_dtype(f"prod dim {n}", m.prod(1))
    show_dtype(f"prod keepdim {n}", m.prod(0, keepdim=True))
    show_dtype(f"prod with a zero {n}", with_zero(d).prod())
    show_dtype(f"cumprod {n}", m.cumprod(1))
    show_dtype(f"cumsum {n}", m.cumsum(0))
    show_dtype(f"sum dim {n}", m.sum(1))
    show_dtype(f"mean dim {n}", m.mean(0))
    show_dtype(f"mean keepdim {n}", m.mean(1, keepdim=True))
    # norms (real results)
    show_dtype(f"norm {n}", torch.norm(z))
    for ord_ in (2, 1, INF, -INF, 0, 3, 0.5):
        show_dtype(f"vector_norm {ord_:g} {n}", torch.linalg.vector_norm(z, ord_))
    show_dtype(f"vector_norm dim {n}", torch.linalg.vector_norm(m, 2, [1], True))
    # moments (real results)
    show_dtype(f"var {n}", z.var())
    show_dtype(f"std {n}", z.std())
    show_dtype(f"var dim {n}", m.var(0))
    show_dtype(f"std dim correction 0 {n}", m.std(1, correction=0))
    v, mean = torch.var_mean(m, [1], correction=1)
    show_dtype(f"var_mean {n}", v)
    show_dtype(f"var_mean mean {n}", mean)
    s, mean = torch.std_mean(z, [0], correction=0)
    show_dtype(f"std_mean {n}", s)
    show_dtype(f"std_mean mean {n}", mean)
    # pointwise
    show_dtype(f"addcmul {n}", torch.addcmul(z, w, z, value=2))
    show_dtype(f"addcdiv {n}", torch.addcdiv(z, w, z, value=-0.5))
    show_dtype(f"lerp scalar {n}", torch.lerp(z, w, 0.25))
    show_dtype(f"lerp tensor {n}", torch.lerp(z, w, w))
    attempt(f"lerp real weight {n}", lambda: torch.lerp(z, w, torch.full((4,), 0.25)))
    show_dtype(f"masked_fill {n}", z.masked_fill(MASK, 2.5))
    show_dtype(f"where {n}", torch.where(MASK, z, w))
    # indexing
    show_dtype(f"scatter {n}", torch.zeros(2, 2, dtype=d).scatter(1, IDX2, m))
    show_dtype(f"scatter_add {n}", m.scatter_add(1, IDX_REPEAT, m))
    show_dtype(f"gather {n}", m.gather(1, IDX_REPEAT))
    show_dtype(f"index_add {n}", m.index_add(0, IDX, m, alpha=2))
    show_dtype(f"index_select {n}", m.index_select(1, IDX))
    show_dtype(f"masked_select {n}", z.masked_select(MASK))
    show_dtype(f"take_along_dim {n}", torch.take_along_dim(m, IDX_REPEAT, 1))
    show_dtype(f"tril {n}", m.tril())
    show_dtype(f"flip {n}", m.flip(0))
    show_dtype(f"roll {n}", z.roll(1))
    show_dtype(f"cat {n}", torch.cat([z, w]))
    show_dtype(f"stack {n}", torch.stack([z, w], 1))
    # elementwise functions
    for name in ("log2", "log10", "asinh", "atanh", "sinh", "cosh", "tan", "tanh", "sigmoid", "reciprocal",
                 "sqrt", "square"):
        show_dtype(f"{name} {n}", getattr(torch, name)(z))
    show_dtype(f"acosh {n}", w.acosh())
    show_dtype(f"rsqrt {n}", w.rsqrt())
    show_dtype(f"pow {n}", torch.pow(w, z))
    show_dtype(f"pow real base {n}", torch.pow(torch.tensor([1.0, 2, 3, 4]), z))
    show_dtype(f"pow scalar {n}", torch.pow(w, 0.5))
    # comparisons and logical operations
    zs = special(d)
    show(f"isnan {n}", zs.isnan())
    show(f"isinf {n}", zs.isinf())
    show(f"isfinite {n}", zs.isfinite())
    show(f"eq {n}", z == torch.where(MASK, z, w))
    show(f"ne {n}", z != torch.where(MASK, z, w))
    show(f"eq scalar {n}", z == 3)
    show(f"ne scalar {n}", z != 3)
    zero = with_zero(d)
    show(f"count_nonzero {n}", zero.count_nonzero())
    show(f"count_nonzero dim {n}", zero.reshape(2, 2).count_nonzero(0))
    show(f"logical_not {n}", zero.logical_not())
    show(f"logical_and {n}", zero.logical_and(z))
    show(f"logical_or {n}", zero.logical_or(torch.zeros(4, dtype=d)))
    show(f"logical_xor {n}", zero.logical_xor(z))
    # all and any read the real part (with the warning casting gives)
    show(f"all {n}", z.all())
    show(f"any {n}", z.any())
    show(f"any imaginary {n}", (z * 0 + torch.tensor(1j, dtype=d)).any())
    # matrix products
    show_dtype(f"matmul {n}", m @ m)
    show_dtype(f"mv {n}", torch.mv(m, z[:2]))


def edges(d):
    n = NAMES[d]
    e, e2, s = torch.zeros(0, dtype=d), torch.zeros(2, 0, dtype=d), torch.tensor(1 + 2j, dtype=d)
    show_dtype(f"prod empty {n}", e.prod())
    show_dtype(f"prod dim empty {n}", e2.prod(1))
    show_dtype(f"prod dim of nothing {n}", e2.prod(0))
    show_dtype(f"prod 0-dim {n}", s.prod())
    show_dtype(f"cumprod 0-dim {n}", s.cumprod(0))
    show_dtype(f"vector_norm empty {n}", torch.linalg.vector_norm(e))
    show_dtype(f"var empty {n}", e.var())
    show_dtype(f"var of one {n}", s.var())
    show(f"all empty {n}", e.all())
    show(f"any empty {n}", e.any())
    show(f"count_nonzero empty {n}", e2.count_nonzero(0))
    show(f"add specials {n}", z4(d) + special(d))
    show(f"add to specials {n}", special(d) + z4(d))
    show(f"sub specials {n}", z4(d) - special(d))
    show(f"add real nan {n}", z4(d) + torch.tensor([float("nan"), INF, -INF, 0]))
    show(f"add_ specials {n}", z4(d).add_(special(d)))
    x = torch.tensor(1 + 2j, dtype=d, requires_grad=True)
    check(f"prod 0-dim grad {n}", lambda: (x.prod(), [x]))
    x.grad = None
    check(f"cumprod 0-dim grad {n}", lambda: (x.cumprod(0), [x]))


def refused(d):
    n = NAMES[d]
    z = z4(d)
    attempt(f"expm1 {n}", lambda: z.expm1())
    attempt(f"log1p {n}", lambda: z.log1p())
    attempt(f"sort {n}", lambda: z.sort()[0])
    attempt(f"topk {n}", lambda: z.topk(1)[0])
    attempt(f"max {n}", lambda: z.max())
    attempt(f"min {n}", lambda: z.min())
    attempt(f"clamp {n}", lambda: z.clamp(0, 1))
    attempt(f"logsumexp {n}", lambda: z.logsumexp(0))
    attempt(f"nan_to_num {n}", lambda: z.nan_to_num())


def in_place(d):
    n = NAMES[d]
    z, w = z4(d), w4(d)
    show_dtype(f"addcmul_ {n}", z4(d).addcmul_(w, z, value=2))
    show_dtype(f"addcdiv_ {n}", z4(d).addcdiv_(w, z, value=-0.5))
    show_dtype(f"lerp_ scalar {n}", z4(d).lerp_(w, 0.25))
    show_dtype(f"lerp_ tensor {n}", z4(d).lerp_(w, w))
    show_dtype(f"cumprod_ {n}", z4(d).reshape(2, 2).cumprod_(1))
    show_dtype(f"cumsum_ {n}", z4(d).cumsum_(0))
    show_dtype(f"index_add_ {n}", z4(d).reshape(2, 2).index_add_(0, IDX, z.reshape(2, 2), alpha=2))
    show_dtype(f"scatter_add_ {n}", z4(d).reshape(2, 2).scatter_add_(1, IDX_REPEAT, w.reshape(2, 2)))
    show_dtype(f"masked_fill_ {n}", z4(d).masked_fill_(MASK, -1.5))
    show_dtype(f"log2_ {n}", z4(d).log2_())
    show_dtype(f"asinh_ {n}", z4(d).asinh_())
    show_dtype(f"square_ {n}", z4(d).square_())


def gradients(d):
    n = NAMES[d]
    z = z4(d).requires_grad_()
    w = w4(d).requires_grad_()
    y = with_zero(d).requires_grad_()

    def on(f, *xs):
        def make():
            for x in (z, w, y):
                x.grad = None
            return f(), list(xs)
        return make

    m = lambda: z.reshape(2, 2)
    check(f"prod {n}", on(lambda: z.prod(), z))
    check(f"prod dim {n}", on(lambda: m().prod(1), z))
    check(f"prod with a zero {n}", on(lambda: y.prod(), y))
    check(f"prod dim with a zero {n}", on(lambda: y.reshape(2, 2).prod(0), y))
    check(f"cumprod {n}", on(lambda: m().cumprod(1), z))
    check(f"cumsum {n}", on(lambda: (z * w).cumsum(0), z, w))
    check(f"sum dim {n}", on(lambda: (z * w).reshape(2, 2).sum(1), z, w))
    check(f"mean dim {n}", on(lambda: (z * w).reshape(2, 2).mean(0), z, w))
    check(f"norm {n}", on(lambda: torch.norm(z), z))
    for ord_ in (2, 1, INF, -INF, 3):
        check(f"vector_norm {ord_:g} {n}", on(lambda: torch.linalg.vector_norm(z * w, ord_), z, w))
    check(f"vector_norm dim {n}", on(lambda: torch.linalg.vector_norm(m(), 2, [1], False), z))
    check(f"var {n}", on(lambda: z.var(), z))
    check(f"std {n}", on(lambda: z.std(), z))
    check(f"var dim {n}", on(lambda: m().var(0), z))
    check(f"std dim {n}", on(lambda: m().std(1), z))
    check(f"addcmul {n}", on(lambda: torch.addcmul(z, w, z, value=2), z, w))
    check(f"addcdiv {n}", on(lambda: torch.addcdiv(z, w, z, value=-0.5), z, w))
    check(f"lerp scalar {n}", on(lambda: torch.lerp(z, w, 0.25), z, w))
    check(f"lerp tensor {n}", on(lambda: torch.lerp(z, w, w * z), z, w))
    check(f"masked_fill {n}", on(lambda: (z * w).masked_fill(MASK, 2.5), z, w))
    check(f"where {n}", on(lambda: torch.where(MASK, z, w), z, w))
    check(f"scatter {n}", on(lambda: torch.zeros(2, 2, dtype=d).scatter(1, IDX2, m()), z))
    check(f"scatter_add {n}", on(lambda: (w.reshape(2, 2)).scatter_add(1, IDX_REPEAT, m()), z, w))
    check(f"gather {n}", on(lambda: m().gather(1, IDX_REPEAT), z))
    check(f"index_add {n}", on(lambda: m().index_add(0, IDX, (z * w).reshape(2, 2), alpha=2), z, w))
    check(f"index_select {n}", on(lambda: m().index_select(1, IDX), z))
    check(f"masked_select {n}", on(lambda: (z * w).masked_select(MASK), z, w))
    check(f"take_along_dim {n}", on(lambda: torch.take_along_dim(m(), IDX_REPEAT, 1), z))
    check(f"flip {n}", on(lambda: (z * w).flip(0), z, w))
    check(f"roll {n}", on(lambda: (z * w).roll(1), z, w))
    check(f"cat {n}", on(lambda: torch.cat([z, w * z]), z, w))
    check(f"stack {n}", on(lambda: torch.stack([z, w * z], 1), z, w))
    for name in ("log2", "log10", "atanh", "sinh", "cosh", "tan", "tanh", "sigmoid", "reciprocal", "square"):
        check(f"{name} {n}", on(lambda: getattr(torch, name)(z), z))
    for name in ("asinh", "acosh", "rsqrt", "sqrt"):
        check(f"{name} {n}", on(lambda: getattr(torch, name)(w), w))
    check(f"pow {n}", on(lambda: torch.pow(w, z), z, w))
    check(f"pow scalar {n}", on(lambda: torch.pow(w, 0.5), w))
    check(f"mv {n}", on(lambda: torch.mv(m(), w[:2]), z, w))
    check(f"matmul {n}", on(lambda: m() @ w.reshape(2, 2), z, w))
    a = torch.tensor([1.0, 2, 3, 4], dtype=torch.float64 if d == c128 else torch.float32, requires_grad=True)
    check(f"pow real base {n}", on(lambda: torch.pow(a, w), a, w))


def last_differences(d):
    """issue 12's last differences: silu, scatter_reduce, 0-dim sorts, the
    order of the checks, conj's and angle's layouts, complex's saved parts."""
    n = NAMES[d]
    z = z4(d)
    F = torch.nn.functional
    show_dtype(f"silu {n}", F.silu(z))
    show_dtype(f"silu strided {n}", F.silu(torch.cat([z, z]).reshape(2, 4).t()))
    attempt(f"silu requires grad {n}", lambda: F.silu(z.clone().requires_grad_()))
    with torch.no_grad():
        show_dtype(f"silu requires grad no_grad {n}", F.silu(z.clone().requires_grad_()))
    # in place, PyTorch records silu's derivative (without conjugates)
    x = z.clone().requires_grad_()
    check(f"silu_ {n}", lambda: (F.silu(x * 1, inplace=True), [x]))

    m, w = z.reshape(2, 2), w4(d).reshape(2, 2)
    for r in ("sum", "prod", "mean"):
        for inc in (True, False):
            show_dtype(f"scatter_reduce {r} {inc} {n}", w.scatter_reduce(1, IDX_REPEAT, m, r, include_self=inc))
    for r in ("amax", "amin"):
        attempt(f"scatter_reduce {r} {n}", lambda: w.scatter_reduce(1, IDX_REPEAT, m, r))
    attempt(f"scatter_reduce amax bad index {n}", lambda: w.scatter_reduce(1, IDX_REPEAT + 5, m, "amax"))
    attempt(f"scatter_reduce amax bad shape {n}", lambda: w.scatter_reduce(1, IDX, m, "amax"))
    attempt(f"scatter_reduce sum bad index {n}", lambda: w.scatter_reduce(1, IDX_REPEAT + 5, m, "sum"))
    attempt(f"scatter_reduce src requires grad {n}",
            lambda: w.scatter_reduce(1, IDX_REPEAT, m.clone().requires_grad_(), "sum"))
    attempt(f"scatter_reduce self requires grad {n}",
            lambda: w.clone().requires_grad_().scatter_reduce(1, IDX_REPEAT, m, "mean"))
    with torch.no_grad():
        show_dtype(f"scatter_reduce no_grad {n}", w.scatter_reduce(1, IDX_REPEAT, m.clone().requires_grad_(), "sum"))
    # in place, PyTorch records the derivative
    for r in ("sum", "mean"):
        x = z.clone().requires_grad_()
        check(f"scatter_reduce_ {r} {n}", lambda: (w.clone().scatter_reduce_(1, IDX_REPEAT, x.reshape(2, 2), r), [x]))

    # sorts of a 0-dim tensor copy it; the dims and k are checked first
    s, e = torch.tensor(1 + 2j, dtype=d), torch.zeros(2, 0, dtype=d)
    show(f"sort 0-dim {n}", torch.sort(s, descending=True)[0])
    attempt(f"sort 0-dim requires grad {n}", lambda: torch.sort(s.clone().requires_grad_())[0])
    attempt(f"argsort 0-dim requires grad {n}", lambda: torch.argsort(s.clone().requires_grad_()))
    attempt(f"sort 0-dim indices {n}", lambda: torch.sort(s, -1)[1])
    attempt(f"argsort 0-dim {n}", lambda: torch.argsort(s, 0))
    attempt(f"sort 0-dim bad dim {n}", lambda: torch.sort(s, 1)[0])
    attempt(f"sort empty {n}", lambda: torch.sort(e)[0])
    show(f"topk 0-dim {n}", torch.topk(s, 1)[0])
    attempt(f"topk 0-dim requires grad {n}", lambda: torch.topk(s.clone().requires_grad_(), 1)[0])
    attempt(f"topk 0-dim k 0 {n}", lambda: torch.topk(s, 0)[0])
    attempt(f"topk 0-dim k 2 {n}", lambda: torch.topk(s, 2)[0])
    attempt(f"topk bad k {n}", lambda: torch.topk(m, 5)[0])
    attempt(f"topk negative k {n}", lambda: torch.topk(m, -1)[0])
    attempt(f"topk bad dim {n}", lambda: torch.topk(m, 1, 5)[0])
    attempt(f"topk k 0 {n}", lambda: torch.topk(m, 0)[0])
    for name, f in (("max_dim", torch.max), ("min_dim", torch.min)):
        attempt(f"{name} bad dim {n}", lambda: f(m, 5)[0])
        attempt(f"{name} empty dim {n}", lambda: f(e, 1)[0])
        attempt(f"{name} of nothing {n}", lambda: f(e, 0)[0])
        attempt(f"{name} 0-dim bad dim {n}", lambda: f(s, 1)[0])
        attempt(f"{name} 0-dim {n}", lambda: f(s, 0)[0])
    for name, f in (("amax", torch.amax), ("amin", torch.amin)):
        attempt(f"{name} bad dim {n}", lambda: f(m, 5))
        attempt(f"{name} repeated dim {n}", lambda: f(m, (0, 0)))
        attempt(f"{name} empty dim {n}", lambda: f(e, 1))
    for name, f in (("argmax", torch.argmax), ("argmin", torch.argmin)):
        attempt(f"{name} bad dim {n}", lambda: f(m, 5))
        attempt(f"{name} empty dim {n}", lambda: f(e, 1))
        attempt(f"{name} of nothing {n}", lambda: f(e, 0))
        attempt(f"{name} {n}", lambda: f(m, 1))
        attempt(f"{name} all of nothing {n}", lambda: f(e))
        attempt(f"{name} of a run of one {n}", lambda: f(m[:, :1], 1))
        attempt(f"{name} 0-dim {n}", lambda: f(s, 0))
        attempt(f"{name} all of one {n}", lambda: f(z[:1]))
    attempt(f"maximum bad shapes {n}", lambda: torch.maximum(m, z[:3]))
    attempt(f"minimum real {n}", lambda: torch.minimum(m, m.real))
    attempt(f"logsumexp bad dim {n}", lambda: torch.logsumexp(m, 5))

    # conj keeps the strides (PyTorch's is a view), angle is contiguous
    p = torch.arange(24, dtype=torch.float64).reshape(2, 3, 4).to(d).permute(2, 0, 1)
    layouts = (("expanded", z[:1].expand(3)), ("expanded 2-d", z[:2].reshape(2, 1).expand(2, 3)),
               ("transposed", m.t()), ("sliced", z[::2]), ("permuted", p), ("0-dim", z[1]))
    for name, t in layouts:
        show(f"conj {name} {n}", t.conj())
        show_strides(f"conj {name} {n}", t.conj())
        show(f"angle {name} {n}", t.angle())
        show_strides(f"angle {name} {n}", t.angle())
    x = z.clone().requires_grad_()
    check(f"conj expanded grad {n}", lambda: (x[:2].reshape(2, 1).expand(2, 3).conj() * 1, [x]))
    attempt(f"conj expanded written {n}", lambda: z[:1].expand(3).conj().add_(1))

    # complex saves its parts: changing one in place fails backward
    real = torch.float64 if d == c128 else torch.float32
    for i, part in enumerate(("real", "imag")):
        a = torch.tensor([1.0, 2.0], dtype=real, requires_grad=True)
        b = torch.tensor([3.0, 4.0], dtype=real, requires_grad=True)
        x, y = a * 1, b * 1
        c = torch.complex(x, y)
        (x if i == 0 else y).add_(1)
        try:
            c.abs().sum().backward()
            print(f"complex {part} changed {n}: no error")
        except RuntimeError as e:
            # without PyTorch's closing hint about anomaly detection
            print(f"complex {part} changed {n}: error: {str(e).split(' Hint:')[0]}")


for d in (c64, c128):
    values(d)
    edges(d)
    refused(d)
    in_place(d)
    last_differences(d)
for d in (c64, c128):
    gradients(d)
