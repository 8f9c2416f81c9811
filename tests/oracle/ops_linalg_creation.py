# Oracle for ops_linalg_creation.c: the products without matmul's rules,
# creation and the random functions' dtypes and errors.
from oracle import check, graph, show, sl
import torch

nan = float("nan")


def seq(*shape, scale=2.0, shift=0.0, dtype=torch.float32):
    """Values (0, 1, 2, ...) / scale - shift in the given shape."""
    n = 1
    for s in shape:
        n *= s
    return (torch.arange(float(n)) / scale - shift).reshape(shape).to(dtype)


def A(*shape):
    return seq(*shape, scale=4.0, shift=1.0).requires_grad_()


def B(*shape):
    return seq(*shape, scale=8.0, shift=0.5).requires_grad_()


C = seq


def attempt(label, make, text):
    """label: text(make()), or the error make() raises."""
    try:
        t = make()
    except Exception as e:
        print(f"{label}: error: {str(e).splitlines()[0]}")
        return
    print(f"{label}: {text(t)}")


def meta(label, make):
    attempt(label, make, lambda t: f"{t.dtype} {tuple(t.shape)} {t.stride()}")


def fails(label, make):
    try:
        make()
        print(f"{label}: no error")
    except Exception as e:
        print(f"{label}: error: {str(e).splitlines()[0]}")


def products():
    def two(f, sa, sb, *, fa=lambda t: t, fb=lambda t: t):
        def make():
            a, b = A(*sa), B(*sb)
            return f(fa(a), fb(b)), [a, b]
        return make
    check("mm", two(torch.mm, (2, 3), (3, 4)))
    check("mm transposed", two(torch.mm, (3, 2), (4, 3), fa=torch.t, fb=torch.t))

    def mm_expanded():
        a = A(2, 3)
        return torch.mm(a, C(3, 1).expand(3, 4)), [a]
    check("mm expanded", mm_expanded)
    check("bmm", two(torch.bmm, (2, 2, 3), (2, 3, 4)))
    check("bmm permuted", two(torch.bmm, (2, 3, 2), (1, 3, 4), fa=lambda t: t.transpose(1, 2),
                              fb=lambda t: t.expand(2, 3, 4)))
    check("mv", two(torch.mv, (2, 3), (3,)))
    check("mv strided", two(torch.mv, (3, 2), (3, 2), fa=torch.t, fb=lambda t: t.select(1, 1)))
    check("dot", two(torch.dot, (3,), (3,)))
    check("outer", two(torch.outer, (3,), (4,)))

    def outer_strided():
        a = A(6)
        return torch.outer(sl(a, 0, 0, 6, 2), C(2)), [a]
    check("outer strided", outer_strided)
    meta("outer i64 f32", lambda: torch.outer(torch.arange(0, 3), C(2)))
    meta("outer bool", lambda: torch.outer(torch.tensor([True, False]), torch.tensor([True])))
    show("mm i64", torch.mm(C(2, 3).long(), C(3, 2).long()))
    show("mm i32", torch.mm(C(2, 3).int(), C(3, 2).int()))
    show("dot i64", torch.dot(C(3).long(), C(3).long()))
    show("mm empty", torch.mm(C(2, 0), C(0, 3)))

    def three(f, sm, sa, sb, beta, alpha, *, fa=lambda t: t, fb=lambda t: t, m=None):
        def make():
            bias = A(*sm) if m is None else m()
            a, b = A(*sa), B(*sb)
            return f(bias, fa(a), fb(b), beta=beta, alpha=alpha), [bias, a, b]
        return make
    check("addmm", three(torch.addmm, (2, 4), (2, 3), (3, 4), 1, 1))
    check("addmm bias row", three(torch.addmm, (4,), (2, 3), (3, 4), 0.5, 2))
    check("addmm transposed", three(torch.addmm, (1, 1), (3, 2), (4, 3), -1, 0.25, fa=torch.t, fb=torch.t))

    def addmm_one_leaf():
        m, a = A(2, 1), A(2, 3)
        return torch.addmm(m, a.detach(), C(3, 4), beta=1, alpha=3), [m]
    check("addmm one leaf", addmm_one_leaf)
    show("addmm beta 0 ignores nan", torch.addmm(torch.full((2, 4), nan), C(2, 3), C(3, 4), beta=0, alpha=1))
    show("addmm i64", torch.addmm(torch.ones(2, 2, dtype=torch.long), C(2, 3).long(), C(3, 2).long(), beta=1.7, alpha=0.5))
    show("addmm i64 alpha", torch.addmm(torch.ones(2, 2, dtype=torch.long), C(2, 3).long(), C(3, 2).long(), beta=2, alpha=3))
    meta("addmm layout", lambda: torch.addmm(C(4, 2).t(), C(2, 3), C(3, 4)))
    check("baddbmm", three(torch.baddbmm, (2, 3, 4), (2, 3, 5), (2, 5, 4), 1, 1))
    check("baddbmm scaled", three(torch.baddbmm, (4,), (2, 3, 5), (2, 5, 4), 0.5, -2))
    check("baddbmm f64 bias", three(torch.baddbmm, None, (2, 3, 5), (2, 5, 4), 1, 1,
                                    m=lambda: seq(3, 4, scale=4.0, shift=1.0, dtype=torch.float64).requires_grad_()))
    show("baddbmm i64", torch.baddbmm(torch.ones(1, dtype=torch.long), C(1, 2, 3).long(), C(1, 3, 2).long(), beta=2, alpha=0.5))
    show("baddbmm bool bias", torch.baddbmm(torch.tensor([True]), C(1, 2, 3), C(1, 3, 2)))


def product_gradients():
    # column-major leaves (the transposes of contiguous tensors)
    m = A(2, 4)
    a = seq(3, 2, scale=4.0, shift=1.0).t().requires_grad_()
    b = seq(4, 3, scale=8.0, shift=0.5).t().requires_grad_()
    out = torch.addmm(m, a, b, beta=0.5, alpha=2).sum()
    for i, g in enumerate(torch.autograd.grad(out, [m, a, b], create_graph=True)):
        show(f"addmm d{i}", g)
        graph(f"addmm d{i}", g)
        meta(f"addmm d{i}", lambda: g)
    out = torch.mm(a, b).sum()
    for i, g in enumerate(torch.autograd.grad(out, [a, b], create_graph=True)):
        graph(f"mm d{i}", g)
        meta(f"mm d{i}", lambda: g)


def product_errors():
    f64, b = torch.float64, torch.bool
    fails("mm 1-D", lambda: torch.mm(C(3), C(3, 2)))
    fails("mm 1-D right", lambda: torch.mm(C(2, 3), C(3)))
    fails("mm sizes", lambda: torch.mm(C(2, 3), C(2, 3)))
    fails("mm dtypes", lambda: torch.mm(C(2, 3).to(f64), C(3, 2)))
    fails("mm bool", lambda: torch.mm(C(2, 3).to(b), C(3, 2).to(b)))
    print("mm NULL: error: tg_mm(): a tensor argument is NULL")
    fails("bmm 2-D", lambda: torch.bmm(C(2, 3), C(2, 3, 2)))
    fails("bmm 2-D right", lambda: torch.bmm(C(2, 2, 3), C(3, 2)))
    fails("bmm batch", lambda: torch.bmm(C(2, 2, 3), C(3, 3, 2)))
    fails("bmm sizes", lambda: torch.bmm(C(2, 2, 3), C(2, 4, 2)))
    fails("bmm dtypes", lambda: torch.bmm(C(2, 2, 3), C(2, 3, 2).to(f64)))
    fails("mv sizes", lambda: torch.mv(C(2, 3), C(4)))
    fails("mv 2-D", lambda: torch.mv(C(2, 3), C(3, 1)))
    fails("mv dtypes", lambda: torch.mv(C(2, 3), C(3).to(f64)))
    fails("dot sizes", lambda: torch.dot(C(3), C(4)))
    fails("dot 2-D", lambda: torch.dot(C(3), C(3, 1)))
    fails("dot dtypes", lambda: torch.dot(C(3), C(3).to(f64)))
    fails("outer 2-D", lambda: torch.outer(C(2, 2), C(3)))
    fails("outer 2-D right", lambda: torch.outer(C(3), C(2, 2)))
    fails("outer 0-dim", lambda: torch.outer(torch.tensor(1.), C(3)))
    fails("addmm 1-D", lambda: torch.addmm(C(2, 4), C(3), C(3, 4)))
    fails("addmm 1-D right", lambda: torch.addmm(C(2, 4), C(2, 3), C(3)))
    fails("addmm sizes", lambda: torch.addmm(C(3, 3), C(2, 3), C(4, 4)))
    fails("addmm bias", lambda: torch.addmm(C(3, 4), C(2, 3), C(3, 4)))
    fails("addmm bias 3-D", lambda: torch.addmm(C(2, 4, 1), C(2, 3), C(3, 4)))
    fails("addmm bias dtype", lambda: torch.addmm(C(3, 3).to(f64), C(2, 3), C(3, 4)))
    fails("addmm mat1 dtype", lambda: torch.addmm(C(2, 4), C(2, 3).to(f64), C(3, 4)))
    fails("addmm mat2 dtype", lambda: torch.addmm(C(2, 4), C(2, 3), C(3, 4).to(f64)))
    fails("addmm bool", lambda: torch.addmm(C(2, 4).to(b), C(2, 3).to(b), C(3, 4).to(b)))
    fails("baddbmm 2-D", lambda: torch.baddbmm(C(2, 3, 4), C(3, 5), C(2, 5, 4)))
    fails("baddbmm 4-D", lambda: torch.baddbmm(C(2, 3, 4), C(2, 3, 5, 5), C(2, 5, 4)))
    fails("baddbmm 2-D right", lambda: torch.baddbmm(C(2, 3, 4), C(2, 3, 5), C(2, 5)))
    fails("baddbmm 0-dim", lambda: torch.baddbmm(C(2, 3, 4), torch.tensor(1.), C(2, 5, 4)))
    fails("baddbmm 0-dim right", lambda: torch.baddbmm(C(2, 3, 4), C(2, 3, 5), torch.tensor(1.)))
    fails("baddbmm bias", lambda: torch.baddbmm(C(5, 5), C(2, 3, 5), C(2, 4, 4)))
    fails("baddbmm sizes", lambda: torch.baddbmm(C(2, 3, 4), C(2, 3, 5), C(2, 4, 4)))
    fails("baddbmm batch", lambda: torch.baddbmm(C(2, 3, 4), C(2, 3, 5), C(3, 5, 4)))
    fails("baddbmm dtypes", lambda: torch.baddbmm(C(2, 3, 4), C(2, 3, 5), C(2, 5, 4).to(f64)))
    fails("baddbmm bool", lambda: torch.baddbmm(C(2, 3, 4), C(2, 3, 5).to(b), C(2, 5, 4).to(b)))


def exact(label, make):
    attempt(label, make, lambda t: f"{t.dtype}" + "".join(" %.17g" % v for v in t.flatten().tolist()))


def g(v):
    return "%g" % v


def ranges():
    LIN = [(0, 1, 100), (-3.3, 7.1, 37), (1e-3, 5.7, 1001), (3, -2.2, 64), (0.7, 100.3, 513), (0.1, 0.3, 17),
           (-1, 1, 5), (2, 5, 2), (2.5, 2.5, 7)]
    for s, e, n in LIN:
        label = f"linspace {g(s)} {g(e)} {n}"
        for dt in (torch.float32, torch.float64, torch.int64, torch.int32):
            exact(label, lambda: torch.linspace(s, e, n, dtype=dt))
    exact("linspace big i64", lambda: torch.linspace(-7.9, 1073741827, 20, dtype=torch.int64))
    exact("linspace big i32", lambda: torch.linspace(0, 1073741827, 5, dtype=torch.int32))
    exact("linspace long i64", lambda: torch.linspace(-100, 1000, 333, dtype=torch.int64))
    exact("linspace 1", lambda: torch.linspace(0.3, 2, 1, dtype=torch.float64))
    exact("linspace 1 i64", lambda: torch.linspace(2.7, 9, 1, dtype=torch.int64))
    meta("linspace 0", lambda: torch.linspace(0, 1, 0))
    exact("linspace nan", lambda: torch.linspace(nan, 1, 3))
    exact("linspace inf", lambda: torch.linspace(0, float("inf"), 3, dtype=torch.float64))
    fails("linspace -1", lambda: torch.linspace(0, 1, -1))
    fails("linspace bool", lambda: torch.linspace(0, 1, 3, dtype=torch.bool))
    fails("linspace nan i64", lambda: torch.linspace(nan, 1, 3, dtype=torch.int64))
    fails("linspace huge i32", lambda: torch.linspace(0, 3e9, 3, dtype=torch.int32))
    LOG = [(0, 2, 37, 10), (-1.3, 3.7, 101, 2), (0.1, 1.9, 55, 2.718281828459045), (0, 2, 3, -2), (0, 1, 3, -2),
           (-2, 3.5, 6, 3), (0, 3, 4, 2)]
    for s, e, n, b in LOG:
        label = f"logspace {g(s)} {g(e)} {n} {g(b)}"
        for dt in (torch.float32, torch.float64, torch.int64):
            exact(label, lambda: torch.logspace(s, e, n, base=b, dtype=dt))
    exact("logspace 1", lambda: torch.logspace(0.5, 2, 1, base=10))
    meta("logspace 0", lambda: torch.logspace(0, 1, 0, base=10, dtype=torch.float64))
    fails("logspace -1", lambda: torch.logspace(0, 1, -1, base=10))
    fails("logspace bool", lambda: torch.logspace(0, 1, 3, base=10, dtype=torch.bool))
    show("eye", torch.eye(3))
    meta("eye meta", lambda: torch.eye(3, dtype=torch.float64))
    show("eye 0", torch.eye(0))
    show("eye bool", torch.eye(2, dtype=torch.bool))
    show("eye i32", torch.eye(2, dtype=torch.int32))
    fails("eye -1", lambda: torch.eye(-1))


def likes(label, t):
    show(f"{label} zeros_like", torch.zeros_like(t))
    meta(f"{label} zeros_like", lambda: torch.zeros_like(t))
    show(f"{label} ones_like", torch.ones_like(t))
    meta(f"{label} ones_like", lambda: torch.ones_like(t))
    show(f"{label} full_like", torch.full_like(t, 2.75))
    meta(f"{label} full_like", lambda: torch.full_like(t, -1.5))
    meta(f"{label} empty_like", lambda: torch.empty_like(t))


def like_cases():
    x = A(2, 3)
    likes("contiguous", x)
    print("zeros_like requires_grad:", torch.zeros_like(x).requires_grad)
    likes("transposed", x.t())
    likes("expanded", C(3, 1).expand(2, 3, 4))
    likes("sliced", sl(C(4, 6), 1, 0, 6, 2))
    likes("permuted", C(2, 3, 4).permute(2, 0, 1))
    likes("permuted sliced", sl(C(2, 3, 4).permute(1, 2, 0), 0, 0, 3, 2))
    likes("empty", C(0, 3))
    likes("0-dim", torch.tensor(4.))
    likes("i64", C(2, 2).long())
    likes("bool", C(3).bool())
    likes("f64 column", C(3, 2).double().select(1, 1))
    print("zeros_like NULL: error: tg_zeros_like(): a tensor argument is NULL")
    print("full_like NULL: error: tg_full_like(): a tensor argument is NULL")


def random_cases():
    gen = torch.Generator().manual_seed(7)
    x = A(2, 3)
    meta("rand_like", lambda: torch.rand_like(x))
    print("rand_like requires_grad:", torch.rand_like(x).requires_grad)
    meta("rand_like transposed", lambda: torch.rand_like(x.t()))
    meta("randn_like permuted", lambda: torch.randn_like(C(2, 3, 4).permute(2, 0, 1)))
    meta("randn_like f64 expanded", lambda: torch.randn_like(C(3, 1).double().expand(3, 2)))
    fails("rand_like i64", lambda: torch.rand_like(C(2).long()))
    fails("randn_like i64", lambda: torch.randn_like(C(2).long()))
    fails("rand_like bool", lambda: torch.rand_like(C(2).bool()))
    fails("rand i64", lambda: torch.rand(2, dtype=torch.long))
    fails("randn i64", lambda: torch.randn(2, dtype=torch.long))
    meta("rand_gen", lambda: torch.rand(2, 3, dtype=torch.float64, generator=gen))
    meta("randn_gen", lambda: torch.randn(4, generator=gen))
    meta("randint", lambda: torch.randint(0, 5, (2, 3)))
    meta("randint empty", lambda: torch.randint(-3, 5, (0,)))
    meta("randint_gen", lambda: torch.randint(-2, 2, (3,), generator=gen))
    show("randint one value", torch.randint(4, 5, (3,)))
    fails("randint empty range", lambda: torch.randint(5, 5, (2,)))
    fails("randint reversed", lambda: torch.randint(6, 5, (2,)))
    fails("randint negative shape", lambda: torch.randint(0, 5, (-1,)))
    meta("randperm", lambda: torch.randperm(5))
    meta("randperm 0", lambda: torch.randperm(0))
    show("randperm 1", torch.randperm(1, generator=gen))
    fails("randperm -1", lambda: torch.randperm(-1))

    def bern(f):
        def make():
            p = torch.tensor([[0., 1, 1], [0, 1, 0]], requires_grad=True)
            return torch.bernoulli(f(p)), [p]
        return make
    check("bernoulli", bern(lambda p: p))
    check("bernoulli transposed", bern(torch.t))
    show("bernoulli f64", torch.bernoulli(torch.tensor([1., 0]).double()))
    meta("bernoulli expanded", lambda: torch.bernoulli(torch.full((3, 1), 0.5).expand(3, 4)))
    fails("bernoulli above 1", lambda: torch.bernoulli(torch.full((2,), 1.5)))
    fails("bernoulli below 0", lambda: torch.bernoulli(torch.full((2,), -0.5)))
    fails("bernoulli nan", lambda: torch.bernoulli(torch.full((2,), nan)))
    fails("bernoulli i64", lambda: torch.bernoulli(torch.ones(2, dtype=torch.long)))
    fails("bernoulli bool", lambda: torch.bernoulli(torch.ones(2, dtype=torch.bool)))
    w = torch.tensor([0.1, 0.2, 0.7])
    inf = float("inf")
    meta("multinomial", lambda: torch.multinomial(w, 2))
    meta("multinomial replacement", lambda: torch.multinomial(w, 4, True))
    meta("multinomial 2-D", lambda: torch.multinomial(w.expand(2, 3), 2, generator=gen))
    meta("multinomial no rows", lambda: torch.multinomial(torch.ones(0, 3), 2, True))
    show("multinomial one-hot", torch.multinomial(torch.tensor([0., 1, 0]), 1))
    show("multinomial one-hot replacement", torch.multinomial(torch.tensor([[0., 0, 2]]), 3, True))
    fails("multinomial 3-D", lambda: torch.multinomial(torch.ones(2, 2, 2), 1))
    fails("multinomial 0-dim", lambda: torch.multinomial(torch.tensor(1.), 1))
    fails("multinomial i64", lambda: torch.multinomial(torch.ones(3, dtype=torch.long), 1))
    fails("multinomial 0 samples", lambda: torch.multinomial(w, 0))
    fails("multinomial too many", lambda: torch.multinomial(w, 4))
    fails("multinomial empty", lambda: torch.multinomial(torch.ones(0), 1))
    fails("multinomial empty replacement", lambda: torch.multinomial(torch.ones(0), 2, True))
    fails("multinomial zeros", lambda: torch.multinomial(torch.zeros(2), 1))
    fails("multinomial zero row", lambda: torch.multinomial(torch.tensor([[1., 0], [0, 0]]), 1))
    fails("multinomial negative", lambda: torch.multinomial(torch.tensor([-1., 2]), 1))
    fails("multinomial inf", lambda: torch.multinomial(torch.tensor([inf, 2]), 1))
    fails("multinomial negative replacement", lambda: torch.multinomial(torch.tensor([-1., 2]), 2, True))
    fails("multinomial inf replacement", lambda: torch.multinomial(torch.tensor([inf, 2]), 2, True))
    fails("multinomial nan replacement", lambda: torch.multinomial(torch.tensor([nan, 2]), 2, True))
    fails("multinomial zeros replacement", lambda: torch.multinomial(torch.zeros(2), 2, True))

    y = torch.zeros(2, 3, requires_grad=True)
    fails("uniform_ leaf", lambda: y.uniform_(0, 1))
    fails("normal_ leaf", lambda: y.normal_(0, 1))
    with torch.no_grad():
        show("uniform_ leaf no_grad", y.uniform_(1, 1))
        show("normal_ leaf no_grad", y.normal_(2, 0, generator=gen))
    check("uniform_ non-leaf", lambda: ((y * 2).uniform_(-1, -1), [y]))
    check("normal_ non-leaf", lambda: ((y * 2).normal_(3, 0), [y]))
    meta("uniform_ transposed", lambda: C(2, 3).t().uniform_(-1, 1, generator=gen))
    fails("uniform_ i64", lambda: torch.zeros(2, dtype=torch.long).uniform_(0, 1))
    fails("normal_ i64", lambda: torch.zeros(2, dtype=torch.long).normal_(0, 1))
    fails("uniform_ reversed", lambda: torch.zeros(2).uniform_(2, 1))
    fails("uniform_ from inf", lambda: torch.zeros(2).uniform_(-inf, 0))
    fails("uniform_ to inf", lambda: torch.zeros(2, dtype=torch.float64).uniform_(0, inf))
    fails("uniform_ range", lambda: torch.zeros(2).uniform_(-3e38, 3e38))
    fails("normal_ std", lambda: torch.zeros(2).normal_(0, -1))
    fails("uniform_ expanded", lambda: torch.zeros(3, 1).expand(3, 2).uniform_(0, 1))
    print("uniform_ NULL: error: tg_uniform_(): a tensor argument is NULL")


EINSUM = [
    ("ij,jk->ik", [(2, 3), (3, 4)]),
    ("ij,jk", [(2, 3), (3, 4)]),
    ("ij->", [(2, 3)]),
    ("ij->ji", [(2, 3)]),
    ("ij", [(2, 3)]),
    ("ji", [(2, 3)]),
    ("ij->j", [(2, 3)]),
    ("ij,jk,k->i", [(2, 3), (3, 4), (4,)]),
    ("i,i", [(4,), (4,)]),
    ("i,i->i", [(4,), (4,)]),
    ("i,j->ij", [(3,), (2,)]),
    ("ij,ij->ij", [(2, 3), (2, 3)]),
    ("ii", [(3, 3)]),
    ("ii->i", [(3, 3)]),
    ("iij->ji", [(2, 2, 3)]),
    ("iji->j", [(2, 3, 2)]),
    ("...j,jk->...k", [(2, 3), (3, 4)]),
    ("...ij,...jk->...ik", [(2, 2, 3), (3, 4)]),
    ("b...,b->...", [(2, 3, 1), (2,)]),
    ("bij,bjk->bik", [(2, 2, 3), (2, 3, 4)]),
    ("bij,bkj->bik", [(2, 2, 3), (2, 4, 3)]),
    ("ij,kj->ik", [(2, 3), (4, 3)]),
    ("i,j,k->ijk", [(2,), (3,), (2,)]),
    ("ijk,ikl->jl", [(2, 3, 2), (2, 2, 3)]),
    ("ij,j->i", [(2, 3), (3,)]),
    ("i j , j k -> i k", [(2, 3), (3, 4)]),
    ("ij,jk->", [(2, 3), (3, 4)]),
    ("ab,cd->abcd", [(1, 2), (2, 1)]),
    ("ij,ij->", [(2, 3), (1, 3)]),
    ("Ab,bC->CA", [(2, 3), (3, 2)]),
    ("...", [(2, 3)]),
    ("...->", [(2, 3)]),
    ("i...->...", [(2, 3, 2)]),
    ("ij,jk->ik", [(0, 3), (3, 2)]),
    ("i,i->", [(0,), (0,)]),
    ("bn,anm,bm->ba", [(2, 3), (2, 3, 4), (2, 4)]),
    (",->", [(), ()]),
    ("->", [()]),
    ("i,->i", [(3,), ()]),
]


def operand(shape, i, dtype=torch.float32):
    return seq(*shape, scale=4.0 + 2 * i, shift=1.0 - 0.25 * i, dtype=dtype).requires_grad_()


def einsum_cases():
    for eq, shapes in EINSUM:
        label = f"einsum {eq}"
        meta(label, lambda: torch.einsum(eq, *[operand(s, i) for i, s in enumerate(shapes)]))

        def make():
            ops = [operand(s, i) for i, s in enumerate(shapes)]
            return torch.einsum(eq, *ops), ops
        check(label, make)

    def transposed():
        a, b = operand((3, 2), 0, torch.float64), operand((2, 4, 3), 1, torch.float64)
        return torch.einsum("ij,bjk->bik", a.t(), b.transpose(1, 2)), [a, b]
    check("einsum transposed f64", transposed)

    def expanded():
        a = operand((3, 1), 0)
        return torch.einsum("ij,ij->i", a.expand(3, 2), C(3, 2)), [a]
    check("einsum expanded", expanded)
    show("einsum i64", torch.einsum("ij,jk->ik", C(2, 3).long(), C(3, 2).long()))
    show("einsum mul promotes", torch.einsum("i,i->i", C(3).long(), C(3)))
    BAD = ["ij,jk->ik,", "ij", "ij,jk,kl", "i.j", "i..", "...i...", "i,j->..i", "i->......", "i1", "i->i2", "ij->k",
           "ij->ii", "ijk", "i", "...ijk", "ij,jk->ik ", "ij,kl->il", "i,i", "iij", "ij->\xc3", "ij,jk->->", "-", "ij-",
           ">ij", "i...,i...->", "...,...->..."]
    two = [C(2, 3), C(3, 3)]
    for i, eq in enumerate(BAD):
        fails(f"einsum bad {i}", lambda: torch.einsum(eq, *two[:2 if "," in eq else 1]))
    fails("einsum no operands", lambda: torch.einsum(""))
    fails("einsum ellipsis sizes", lambda: torch.einsum("...,...->...", C(2, 3), C(4, 3)))
    fails("einsum bmm dtypes", lambda: torch.einsum("ij,jk->ik", C(2, 3), C(3, 2).double()))
    print("einsum NULL: error: tg_einsum(): equation is NULL")
    print("einsum NULL operand: error: tg_einsum(): a tensor argument is NULL")


products()
product_gradients()
product_errors()
ranges()
like_cases()
random_cases()
einsum_cases()
