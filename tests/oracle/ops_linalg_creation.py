# Oracle for ops_linalg_creation.c: the products without matmul's rules,
# creation and the random functions' dtypes and errors.
from oracle import check, show, sl
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


products()
product_errors()
ranges()
like_cases()
