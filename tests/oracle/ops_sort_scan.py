# Oracle for ops_sort_scan.c: max and min (all elements, over a dim, amax and
# amin over dims), argmax and argmin, all and any, prod, var and std (and with
# the mean), logsumexp, vector_norm, count_nonzero, cumsum and cumprod, sort,
# argsort and topk; values, graphs and
# gradients (ties, zeros, NaN) on contiguous, permuted, expanded, 0-dim,
# zero-size, f64 and integer inputs, and PyTorch's errors.
from oracle import backprop, check, graph, leaf, show, sl, weights
import torch

nan = float("nan")


def cube():
    """(2, 3, 4) leaf with values -2, -1.75, ..., 3.75."""
    return (torch.arange(24.0) / 4 - 2).reshape(2, 3, 4).requires_grad_()


def ties():
    return leaf([[1.0, 3.0, 3.0, -1.0], [2.0, 2.0, 1.0, 0.5], [-4.0, 5.0, 0.0, 5.0]])


def permuted(x):
    return x.permute(2, 0, 1)


def with_nan():
    return leaf([[1.0, nan, 2.0], [nan, 0.0, 3.0]])


def f64():
    return leaf([[0.5, -1.0], [2.0, 4.0], [0.0, 2.0]], torch.float64)


def err(label, f):
    """show(label, f()), or PyTorch's error as tensorgrad's show prints it."""
    try:
        r = f()
    except (RuntimeError, IndexError, ValueError) as e:
        print(f"{label}: error: {e}")
        return
    show(label, r)


def all_tests(name, f):
    for what, make in [("contiguous", lambda x: x), ("permuted", permuted),
                       ("expanded", lambda x: sl(x, 2, 1, 2, 1).expand(2, 3, 5))]:
        check(f"{name} {what}", lambda make=make: (lambda x: (f(make(x)), [x]))(cube()))
    check(f"{name} ties", lambda: (lambda x: (f(x), [x]))(ties()))
    check(f"{name} 0-dim", lambda: (lambda x: (f(x), [x]))(leaf(-1.5)))
    check(f"{name} f64 transposed", lambda: (lambda x: (f(x.t()), [x]))(f64()))
    check(f"{name} nan", lambda: (lambda x: (f(x), [x]))(with_nan()))
    show(f"{name} int64", f(torch.tensor([[3, -1, 7], [2, 7, 0]])))
    show(f"{name} int32", f(torch.tensor([[4, 1], [2, 3]], dtype=torch.int32)))
    show(f"{name} bool", f(torch.tensor([True, False, True])))
    err(f"{name} zero-size", lambda: f(torch.zeros(0, 3)))
    print(f"{name} NULL: error: tg_{name}(): a tensor argument is NULL")


all_tests("max", torch.max)
all_tests("min", torch.min)
all_tests("prod", torch.prod)

DIM_SETS = [[0], [-1], [0, 2], [2, 0, 1], []]


def dims_tests(name, f):
    for dims in DIM_SETS:
        for keep in [0, 1]:
            for perm in [False, True]:
                def make(dims=dims, keep=keep, perm=perm):
                    x = cube()
                    return f(permuted(x) if perm else x, dims, bool(keep)), [x]
                check(f"{name} {dims} keepdim={keep}{' permuted' if perm else ''}", make)
    for keep in [0, 1]:
        check(f"{name} ties [1] keepdim={keep}", lambda: (lambda x: (f(x, [1], bool(keep)), [x]))(ties()))
        check(f"{name} ties [0] keepdim={keep}", lambda: (lambda x: (f(x, [0], bool(keep)), [x]))(ties()))
    check(f"{name} expanded", lambda: (lambda r: (f(r.expand(3, 4), [1], False), [r]))(leaf([[1.0], [2.0], [4.0]])))
    check(f"{name} 0-dim [0]", lambda: (lambda s: (f(s, [0], True), [s]))(leaf(2.5)))
    check(f"{name} nan [1]", lambda: (lambda x: (f(x, [1], False), [x]))(with_nan()))
    check(f"{name} f64 transposed [1]", lambda: (lambda x: (f(x.t(), [1], False), [x]))(f64()))
    show(f"{name} int64 [0]", f(torch.tensor([[3, -1, 7], [2, 7, 0]]), [0], False))
    show(f"{name} bool [0]", f(torch.tensor([[True, False], [False, False]]), [0], False))
    err(f"{name} zero-size [1]", lambda: f(torch.zeros(0, 3), [1], False))
    err(f"{name} zero-size [0]", lambda: f(torch.zeros(0, 3), [0], False))
    err(f"{name} zero-size []", lambda: f(torch.zeros(0, 3), [], False))
    err(f"{name} dim 2 of 2-D", lambda: f(torch.zeros(2, 3), [2], False))
    err(f"{name} repeated dim", lambda: f(torch.zeros(2, 3), [1, -1], False))


dims_tests("amax", torch.amax)
dims_tests("amin", torch.amin)

for dim in [0, 1, -1]:
    for keep in [0, 1]:
        def make(dim=dim, keep=keep):
            x = ties()
            v, i = x.min(dim, bool(keep))
            show(f"min_dim {dim} keepdim={keep} indices", i)
            return v, [x]
        check(f"min_dim {dim} keepdim={keep}", make)

        def make_p(dim=dim, keep=keep):
            x = cube()
            v, i = permuted(x).min(dim, bool(keep))
            show(f"min_dim permuted {dim} keepdim={keep} indices", i)
            return v, [x]
        check(f"min_dim permuted {dim} keepdim={keep}", make_p)
        for name, f in [("argmax", torch.argmax), ("argmin", torch.argmin)]:
            show(f"{name} {dim} keepdim={keep}", f(ties(), dim, bool(keep)))
            show(f"{name} permuted {dim} keepdim={keep}", f(permuted(cube()), dim, bool(keep)))


def min0d():
    s = leaf(2.5)
    v, i = s.min(-1, True)
    show("min_dim 0-dim indices", i)
    return v, [s]


check("min_dim 0-dim", min0d)
v, i = torch.tensor([[1.0, nan, nan], [2.0, 0.0, -1.0]]).min(1)
show("min_dim nan values", v)
show("min_dim nan indices", i)
v, i = torch.tensor([[3, 1], [2, 1]]).min(0)
show("min_dim int64 values", v)
show("min_dim int64 indices", i)
v, i = torch.zeros(0, 3).min(1)
show("min_dim zero-size values", v)
show("min_dim zero-size indices", i)
err("min_dim zero-size error", lambda: torch.zeros(0, 3).min(0)[0])
err("min_dim bad dim", lambda: torch.zeros(2, 3).min(-3)[0])
show("argmax 0-dim", torch.argmax(torch.tensor(1.0), 0, False))
show("argmin 0-dim keepdim", torch.argmin(torch.tensor(1.0), -1, True))
show("argmax int32", torch.argmax(torch.tensor([[3, 9], [9, 1]], dtype=torch.int32), 1))
show("argmax nan", torch.argmax(torch.tensor([1.0, nan, nan, 2.0]), 0))
show("argmin nan", torch.argmin(torch.tensor([1.0, -2.0, nan, 2.0]), 0))
err("argmax bool", lambda: torch.argmax(torch.tensor([False, True]), 0))
err("argmin zero-size", lambda: torch.argmin(torch.zeros(2, 0), 1))
err("argmax zero-size dim 0", lambda: torch.argmax(torch.zeros(2, 0), 0))
err("argmax bad dim", lambda: torch.argmax(torch.tensor(1.0), 1))
show("argmax all", torch.argmax(ties()))
show("argmin all", torch.argmin(ties()))
show("argmax all permuted", torch.argmax(permuted(cube())))
show("argmin all permuted", torch.argmin(permuted(cube())))
show("argmax all 0-dim", torch.argmax(torch.tensor(3.0)))
show("argmin all nan", torch.argmin(with_nan()))
err("argmax all zero-size", lambda: torch.argmax(torch.zeros(0)))
err("argmin all bool", lambda: torch.argmin(torch.tensor([False, True])))

for name, f in [("all", torch.all), ("any", torch.any)]:
    show(f"{name} float", f(torch.tensor([1.5, 0.5, -2.0])))
    show(f"{name} float zero", f(torch.tensor([1.5, 0.0, -2.0])))
    show(f"{name} zeros", f(torch.zeros(2, 2, dtype=torch.float64)))
    show(f"{name} nan", f(torch.tensor([nan, 0.0])))
    show(f"{name} int64", f(torch.tensor([1, 2, 0])))
    show(f"{name} bool", f(torch.tensor([True, True])))
    show(f"{name} empty", f(torch.zeros(0, 3)))
    show(f"{name} 0-dim", f(torch.tensor(2.0)))
    show(f"{name} transposed", f(torch.tensor([[1.0, 2], [3, 0]]).t()))
    r = f(sl(ties(), 1, 0, 1, 1).expand(3, 5))
    show(f"{name} expanded of leaf", r)
    print(f"{name} requires_grad: {int(r.requires_grad)}")
    m = torch.tensor([[1.0, 0.0, 2.0], [3.0, 4.0, nan]])
    for dim in range(-2, 2):
        for keep in [0, 1]:
            show(f"{name}_dim {dim} keepdim={keep}", f(m, dim, bool(keep)))
            show(f"{name}_dim transposed {dim} keepdim={keep}", f(m.t(), dim, bool(keep)))
    show(f"{name}_dim int64", f(torch.tensor([[1, 0], [2, 3]]), 1))
    show(f"{name}_dim bool", f(torch.tensor([[True, False]]), -1))
    show(f"{name}_dim zero-size 0", f(torch.zeros(0, 3), 0))
    show(f"{name}_dim zero-size 1", f(torch.zeros(0, 3), 1))
    show(f"{name}_dim 0-dim", f(torch.tensor(2.0), 0, True))
    err(f"{name}_dim bad dim", lambda: f(m, 2))

ZEROS = [[2.0, 0.0, 3.0], [0.0, 0.0, 1.0], [1.0, 2.0, 3.0]]
check("prod two zeros", lambda: (lambda x: (x.prod(), [x]))(leaf(ZEROS)))
check("prod one zero", lambda: (lambda x: (x.prod(), [x]))(leaf([[2.0, 0.5, 3.0], [0.0, -1.0, 1.0], [1.0, 2.0, 3.0]])))
for dim in [-1, 0, 1]:
    for keep in [0, 1]:
        check(f"prod_dim zeros {dim} keepdim={keep}", lambda: (lambda x: (x.prod(dim, bool(keep)), [x]))(leaf(ZEROS)))
        check(f"prod_dim permuted {dim} keepdim={keep}",
              lambda: (lambda x: (permuted(x).prod(dim, bool(keep)), [x]))(cube()))
check("prod_dim 1-D zero", lambda: (lambda x: (x.prod(0), [x]))(leaf([2.0, 0.0, 3.0])))
check("prod_dim 0-dim", lambda: (lambda x: (x.prod(0, True), [x]))(leaf(-3.0)))
check("prod_dim zero-size", lambda: (lambda x: (x.prod(1), [x]))(torch.zeros(2, 0, requires_grad=True)))
check("prod_dim zero-size dim 0", lambda: (lambda x: (x.prod(0, True), [x]))(torch.zeros(2, 0, requires_grad=True)))
show("prod_dim int32", torch.tensor([[3, 9], [2, 1]], dtype=torch.int32).prod(1))
show("prod_dim bool", torch.tensor([[True, True], [False, True]]).prod(0))
err("prod_dim bad dim", lambda: torch.zeros(2, 3).prod(2))
print("prod_dim NULL: error: tg_prod_dim(): a tensor argument is NULL")

VALS = [[2.0, 0.5, 3.0, -1.5], [2.0, 0.0, 3.0, -1.5], [0.0, 0.5, 0.0, -1.5]]
for vals, name in zip(VALS, ["no zero", "one zero", "two zeros"]):
    for dim_form in [0, 1]:
        label = f"prod{'_dim' if dim_form else ''} double backward {name}"
        x = torch.tensor(vals, dtype=torch.float64).reshape(2, 2).requires_grad_()
        y = (x.prod(1) * torch.tensor([1.0, -2.0], dtype=torch.float64)).sum() if dim_form else x.prod()
        gx, = torch.autograd.grad(y, [x], create_graph=True)
        show(label, gx)
        w = torch.tensor([[1.0, 2.0], [-1.0, 0.5]], dtype=torch.float64)
        err(label, lambda: torch.autograd.grad((gx * w).sum(), [x])[0])


def dim_arg(dims):
    """tensorgrad's NULL, 0 is PyTorch's dim=None."""
    return dims if dims else None


def moment_tests(name, f):
    for dims in DIM_SETS:
        for c in [0, 1]:
            for keep in [0, 1]:
                label = f"{name} {dims} correction={c} keepdim={keep}"
                check(label, lambda: (lambda x: (f(x, dim_arg(dims), correction=c, keepdim=bool(keep)), [x]))(cube()))
                check(label + " permuted",
                      lambda: (lambda x: (f(permuted(x), dim_arg(dims), correction=c, keepdim=bool(keep)), [x]))(cube()))
    cases = [
        ("f64 transposed [1]", f64, lambda x: x.t(), [1], 1, False),
        ("expanded [0]", lambda: leaf([[1.0], [2.0], [4.0]]), lambda x: x.expand(3, 4), [0], 1, False),
        ("expanded [1]", lambda: leaf([[1.0], [2.0], [4.0]]), lambda x: x.expand(3, 4), [1], 1, True),
        ("0-dim [0] correction=0", lambda: leaf(2.0), lambda x: x, [0], 0, False),
        ("0-dim [0] correction=1", lambda: leaf(2.0), lambda x: x, [0], 1, False),
        ("0-dim [0] correction=2", lambda: leaf(2.0), lambda x: x, [0], 2, True),
        ("0-dim all", lambda: leaf(2.0), lambda x: x, None, 1, False),
        ("one element all", lambda: leaf([1.0]), lambda x: x, None, 1, False),
        ("one element [0]", lambda: leaf([1.0]), lambda x: x, [0], 1, False),
        ("count = correction", lambda: leaf([[1.0, 2.0], [3.0, 3.0]]), lambda x: x, [1], 2, False),
        ("count < correction", lambda: leaf([[1.0, 2.0], [3.0, 3.0]]), lambda x: x, [1], 3, False),
        ("negative correction", lambda: leaf([[1.0, 2.0], [3.0, 5.0]]), lambda x: x, [0], -1, False),
        ("constant rows", lambda: leaf([[1.0, 1.0], [1.0, 2.0]]), lambda x: x, [1], 1, False),
        ("zero-size [1]", lambda: torch.zeros(2, 0, requires_grad=True), lambda x: x, [1], 1, False),
        ("zero-size [0]", lambda: torch.zeros(2, 0, requires_grad=True), lambda x: x, [0], 1, False),
        ("zero-size all", lambda: torch.zeros(2, 0, requires_grad=True), lambda x: x, None, 1, False),
    ]
    for label, make, src, dims, c, keep in cases:
        label = f"{name} {label}"
        x = make()
        out = f(src(x), dims, correction=c, keepdim=keep)
        show(label, out)
        graph(label, out)
        try:
            backprop(label, out, [x])
        except RuntimeError as e:
            print(f"{label} backward error: {e}")
    err(f"{name} int64", lambda: f(torch.tensor([1, 2]), [0], correction=1))
    err(f"{name} repeated dim", lambda: f(torch.zeros(2, 3), [0, -2], correction=1))
    err(f"{name} dim out of range", lambda: f(torch.zeros(2, 3), [2], correction=1))


moment_tests("var", torch.var)
moment_tests("std", torch.std)


def moments_tests(name, f):
    for dims in DIM_SETS:
        for keep in [0, 1]:
            def make(dims=dims, keep=keep):
                x = cube()
                v, m = f(permuted(x), dim_arg(dims), correction=1, keepdim=bool(keep))
                show(f"{name} {dims} keepdim={keep} mean", m)
                return v + m * 3, [x]
            check(f"{name} {dims} keepdim={keep}", make)
    check(f"{name} f64 var part", lambda: (lambda x: (f(x, [0], correction=0)[0], [x]))(f64()))
    check(f"{name} f64 mean part", lambda: (lambda x: (f(x, [0], correction=0)[1], [x]))(f64()))
    def total(x):
        v, m = f(x, [0], correction=1)
        return v + m, [x]
    check(f"{name} one element", lambda: total(leaf([1.0])))
    check(f"{name} 0-dim", lambda: total(leaf(2.0)))
    v, m = f(torch.zeros(2, 0), [1], correction=1)
    show(f"{name} zero-size", v)
    show(f"{name} zero-size mean", m)
    show(f"{name} no mean", f(torch.tensor([1.0, 2.0, 4.0]))[0])
    err(f"{name} int64", lambda: f(torch.tensor([1, 2])))
    y = leaf([1.0, 2.0, 4.0]) * 1
    v, m = f(y)
    y.mul_(2)
    try:
        m.backward()
    except RuntimeError as e:
        print(f"{name} modified in place: error: {str(e).split(' Hint:')[0]}")


moments_tests("var_mean", torch.var_mean)
moments_tests("std_mean", torch.std_mean)

inf = float("inf")
ORDS = [2, 1, 0, inf, -inf, 3, 0.5, -1.5]


def g_fmt(v):
    """C's %g."""
    return "%g" % v


def lse(x, dims, keepdim=False):
    """tensorgrad's NULL, 0 (all dims) is every dim listed for logsumexp."""
    return torch.logsumexp(x, dims if dims else list(range(x.dim())), keepdim)


vn = torch.linalg.vector_norm
for dims in DIM_SETS:
    for keep in [0, 1]:
        check(f"logsumexp {dims} keepdim={keep} permuted", lambda: (lambda x: (lse(permuted(x), dims, bool(keep)), [x]))(cube()))
        for o in ORDS:
            def make(o=o, dims=dims, keep=keep):
                x = ties()
                return vn(permuted(x.reshape(2, 2, 3) - 1), o, dim_arg(dims), bool(keep)), [x]
            check(f"vector_norm ord={g_fmt(o)} {dims} keepdim={keep}", make)
        show(f"count_nonzero {dims}", torch.count_nonzero(permuted(ties().reshape(2, 2, 3) - 1), dim=dims))

check("logsumexp infinities", lambda: (lambda x: (lse(x, [1]), [x]))(leaf([[inf, 1.0], [-inf, -inf], [1000.0, 1000.0]])))
check("logsumexp f64 transposed", lambda: (lambda x: (lse(x.t(), [0], True), [x]))(f64()))
check("logsumexp expanded", lambda: (lambda x: (lse(x.expand(3, 4), [1]), [x]))(leaf([[1.0], [2.0], [4.0]])))
check("logsumexp 0-dim", lambda: (lambda x: (lse(x, [0]), [x]))(leaf(2.0)))
check("logsumexp zero-size [0]", lambda: (lambda x: (lse(x, [0]), [x]))(torch.zeros(0, 3, requires_grad=True)))
show("logsumexp zero-size [1]", lse(torch.zeros(0, 3), [1]))
show("logsumexp int64", lse(torch.tensor([1, 2]), [0]))
show("logsumexp bool", lse(torch.tensor([True, False]), [0]))
err("logsumexp repeated dim", lambda: lse(torch.zeros(2, 3), [1, 1]))

NANS = [[0.0, 0.0], [3.0, -4.0], [0.0, nan]]
for o in ORDS:
    o_s = g_fmt(o)
    check(f"vector_norm ord={o_s} zeros rows", lambda: (lambda x: (vn(sl(x, 0, 0, 2, 1), o, [1]), [x]))(leaf(NANS)))
    check(f"vector_norm ord={o_s} nan", lambda: (lambda x: (vn(x, o), [x]))(leaf(NANS)))
    check(f"vector_norm ord={o_s} f64 transposed", lambda: (lambda x: (vn(x.t(), o, [1], True), [x]))(f64()))
    check(f"vector_norm ord={o_s} expanded", lambda: (lambda x: (vn(x.expand(3, 4), o, [0]), [x]))(leaf([[1.0], [-2.0], [4.0]])))
    check(f"vector_norm ord={o_s} 0-dim", lambda: (lambda x: (vn(x, o), [x]))(leaf(-2.0)))
    err(f"vector_norm ord={o_s} zero-size", lambda: vn(torch.zeros(0, 3), o))
    err(f"vector_norm ord={o_s} zero-size [0]", lambda: vn(torch.zeros(0, 3), o, [0]))
    err(f"vector_norm ord={o_s} zero-size [1]", lambda: vn(torch.zeros(0, 3), o, [1]))
err("vector_norm int64", lambda: vn(torch.tensor([1, 2])))
err("vector_norm bool", lambda: vn(torch.tensor([True])))
err("vector_norm bad dim", lambda: vn(torch.zeros(2, 3), 2, [-3]))

show("count_nonzero nan", torch.count_nonzero(torch.tensor([[1.0, 0.0, nan], [0.0, 0.0, 2.0]]), dim=[0]))
show("count_nonzero bool", torch.count_nonzero(torch.tensor([True, False])))
show("count_nonzero int64 transposed", torch.count_nonzero(torch.tensor([[1, 0, 3], [0, 0, 6]]).t(), dim=[1]))
show("count_nonzero 0-dim", torch.count_nonzero(torch.tensor(3.0), dim=[0]))
show("count_nonzero zero-size", torch.count_nonzero(torch.zeros(0, 3), dim=[0]))
c = torch.count_nonzero(sl(ties(), 1, 2, 4, 1).expand(3, 2))
show("count_nonzero of leaf", c)
print(f"count_nonzero requires_grad: {int(c.requires_grad)}")
err("count_nonzero repeated dim", lambda: torch.count_nonzero(torch.ones(2, 2), dim=[0, 0]))


def double_backward(label, x, y):
    gx, = torch.autograd.grad((y * weights(y)).sum(), [x], create_graph=True)
    show(label, gx.detach())
    err(label, lambda: torch.autograd.grad((gx * x.cos()).sum(), [x])[0] + 0)


def scan_tests(name, f):
    for dim in range(-3, 3):
        check(f"{name} {dim}", lambda: (lambda x: (f(x, dim), [x]))(cube()))
        check(f"{name} {dim} permuted", lambda: (lambda x: (f(permuted(x), dim), [x]))(cube()))
    check(f"{name} expanded", lambda: (lambda x: (f(x.expand(3, 4), 1), [x]))(leaf([[1.0], [2.0], [4.0]])))
    check(f"{name} f64 transposed", lambda: (lambda x: (f(x.t(), 1), [x]))(f64()))
    check(f"{name} 0-dim", lambda: (lambda x: (f(x, 0), [x]))(leaf(-2.0)))
    check(f"{name} zero-size", lambda: (lambda x: (f(x, 0), [x]))(torch.zeros(0, 3, requires_grad=True)))
    check(f"{name} runs of one", lambda: (lambda x: (f(x, 1), [x]))(leaf([[2.0], [3.0]])))
    zeros = [[2.0, 0.0, 3.0, 0.5, 0.0, -1.0, 2.0, 1.5],
             [0.0, 2.0, 0.0, 3.0, 1.5, 0.0, 0.0, 2.0],
             [2.0, 0.5, 3.0, 0.0, 1.0, 2.0, -1.0, 0.0]]
    for i, z in enumerate(zeros):
        for dim in [0, 1]:
            check(f"{name} zeros {i} dim {dim}", lambda: (lambda x: (f(x, dim), [x]))(leaf(z).reshape(2, 4).detach().requires_grad_()))
            x = torch.tensor(z, dtype=torch.float64).reshape(2, 4).requires_grad_()
            double_backward(f"{name} zeros {i} dim {dim} double backward", x, f(x, dim))
    x = torch.tensor([0.5, -1.0, 2.0, 1.5], dtype=torch.float64, requires_grad=True)
    double_backward(f"{name} double backward", x, f(x, 0))
    show(f"{name} int32", f(torch.tensor([[3, -2], [5, 1]], dtype=torch.int32), 1))
    show(f"{name} int64 transposed", f(torch.tensor([[3, -2, 5], [1, 4, 2]]).t(), 0))
    show(f"{name} bool", f(torch.tensor([True, True, False]), 0))
    show(f"{name} nan", f(torch.tensor([1.0, nan, 2.0]), 0))
    err(f"{name} bad dim", lambda: f(torch.zeros(2), 1))
    err(f"{name} bad dim 0-dim", lambda: f(torch.tensor(1.0), -2))


scan_tests("cumsum", torch.cumsum)
scan_tests("cumprod", torch.cumprod)


def with_indices(label, r):
    """r = (values, indices): shows the indices, returns the values."""
    show(label + " indices", r[1])
    return r[0]


for dim in range(-3, 3):
    for desc in [0, 1]:
        check(f"sort {dim} descending={desc}",
              lambda: (lambda x: (with_indices(f"sort {dim} descending={desc}", torch.sort(permuted(x), dim, bool(desc))), [x]))(cube()))
        show(f"argsort {dim} descending={desc}", torch.argsort(permuted(cube()), dim, bool(desc)))
        for k in range(3):
            lab = f"topk {k} {dim} largest={desc}"
            check(lab, lambda: (lambda x: (with_indices(lab, torch.topk(permuted(x), k, dim, bool(desc))), [x]))(cube()))
NAN8 = [3.0, nan, 1.0, 3.0, -2.0, nan, 1.0, 0.0]
NAN8B = [3.0, nan, 1.0, 4.0, -2.0, nan, 2.5, 0.0]
for desc in [0, 1]:
    lab = f"sort ties descending={desc}"
    check(lab, lambda: (lambda x: (with_indices(lab, torch.sort(x, 1, bool(desc))), [x]))(ties()))
    nan_leaf = leaf(NAN8)
    lab = f"sort nan descending={desc}"
    check(lab, lambda: (with_indices(lab, torch.sort(nan_leaf, 0, bool(desc))), [nan_leaf]))
    show(f"argsort nan descending={desc}", torch.argsort(nan_leaf, 0, bool(desc)))
    lab = f"topk nan largest={desc}"
    check(lab, lambda: (lambda x: (with_indices(lab, torch.topk(x, 4, 0, bool(desc))), [x]))(leaf(NAN8B)))
check("sort f64 transposed", lambda: (lambda x: (with_indices("sort f64 transposed", torch.sort(x.t(), 1)), [x]))(f64()))
check("sort expanded",
      lambda: (lambda x: (with_indices("sort expanded", torch.sort(x.expand(3, 4), 0, True)), [x]))(leaf([[1.0], [-2.0], [4.0]])))
check("topk expanded", lambda: (lambda x: (torch.topk(x.expand(3, 4), 2, 0)[0], [x]))(leaf([[1.0], [-2.0], [4.0]])))
check("sort 0-dim", lambda: (lambda x: (with_indices("sort 0-dim", torch.sort(x, 0)), [x]))(leaf(2.0)))
check("topk 0-dim", lambda: (lambda x: (torch.topk(x, 1, -1)[0], [x]))(leaf(2.0)))
check("sort zero-size", lambda: (lambda x: (torch.sort(x, 0)[0], [x]))(torch.zeros(0, 3, requires_grad=True)))
check("topk zero-size", lambda: (lambda x: (torch.topk(x, 0, 0)[0], [x]))(torch.zeros(0, 3, requires_grad=True)))
v, i = torch.sort(torch.tensor([3, 1, 2, 1], dtype=torch.int32))
show("sort int32", v)
show("sort int32 indices", i)
v, i = torch.sort(torch.tensor([True, False, True]), 0, True)
show("sort bool", v)
show("sort bool indices", i)
v, i = torch.topk(torch.tensor([3, 1, 2, 7]), 2)
show("topk int64", v)
show("topk int64 indices", i)
show("argsort 0-dim", torch.argsort(torch.tensor(3.0), 0))
err("topk k too large", lambda: torch.topk(torch.zeros(2, 3), 4, 1)[0])
print("topk k too large indices: None")
err("topk k negative", lambda: torch.topk(torch.zeros(2, 3), -1, 1)[0])
err("topk 0-dim k=2", lambda: torch.topk(torch.tensor(1.0), 2, 0)[0])
err("topk zero-size k=1", lambda: torch.topk(torch.zeros(0, 3), 1, 0)[0])
err("topk bool", lambda: torch.topk(torch.tensor([True, False]), 1, 0)[0])
err("sort bad dim", lambda: torch.sort(torch.zeros(2), 1)[0])
print("sort bad dim indices: None")
err("argsort bad dim", lambda: torch.argsort(torch.zeros(2), -2))
x = torch.tensor([[0.5, -1.0, 2.0], [1.5, 3.0, -0.5]], dtype=torch.float64, requires_grad=True)
double_backward("sort double backward", x, torch.sort(x, 1, True)[0] * torch.sort(x, 0)[0])
x = torch.tensor([[0.5, -1.0, 2.0], [1.5, 3.0, -0.5]], dtype=torch.float64, requires_grad=True)
tk = torch.topk(x, 2, 1)[0]
double_backward("topk double backward", x, tk * tk)


# The layout of every result.
for name in ["transposed", "permuted", "expanded", "sliced"]:
    base = torch.arange(24.0).reshape(2, 3, 4)
    x = {"transposed": lambda: base.transpose(1, 2), "permuted": lambda: permuted(base),
         "expanded": lambda: sl(base, 2, 0, 1, 1).expand(2, 3, 4), "sliced": lambda: sl(base, 2, 0, 4, 2)}[name]()

    def layout(what, t):
        print(f"{name} {what} strides:", t.stride())
    layout("max", x.max())
    v, i = x.min(1)
    layout("min_dim", v)
    layout("min_dim indices", i)
    layout("amax", x.amax([0, 2], True))
    layout("argmax", x.argmax(-1))
    layout("all_dim", x.all(0))
    layout("prod_dim", x.prod(1, True))
    layout("var", torch.var(x, [1], correction=1))
    s_, m_ = torch.std_mean(x, [0], correction=1, keepdim=True)
    layout("std_mean", s_)
    layout("std_mean mean", m_)
    layout("logsumexp", torch.logsumexp(x, [2]))
    layout("vector_norm", torch.linalg.vector_norm(x, 3, [0]))
    layout("count_nonzero", torch.count_nonzero(x, [1]))
    layout("cumsum", x.cumsum(1))
    layout("cumprod", x.cumprod(-1))
    v, i = x.sort(1)
    layout("sort", v)
    layout("sort indices", i)
    layout("argsort", x.argsort(2, True))
    v, i = x.topk(2, 1)
    layout("topk", v)
    layout("topk indices", i)
