# Oracle for ops_activation.c: elementwise math functions and activations,
# forward and backward, on contiguous, transposed f64, expanded, 0-dim and
# zero-size inputs, with integer and bool inputs and PyTorch's errors.
from oracle import backprop, check, graph, leaf, show, weights
import torch
import torch.nn.functional as F

# Values for each domain (dyadic, so float32 and float64 agree).
DOMAIN = {
    "any": [-2.0, -0.75, 0.0, 0.25, 0.5, 1.0, 1.5, 3.0],
    "pos": [0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 4.5, 10.0],
    "unit": [-0.875, -0.5, 0.0, 0.25, 0.5, 0.625, 0.375, 0.9375],
    "ge1": [1.25, 1.5, 2.0, 3.0, 4.0, 1.125, 10.0, 5.5],
    "half": [-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 2.75, -3.25],
    "act": [-4.0, -3.0, -0.5, 0.0, 0.75, 3.0, 3.5, 7.0],
    # no cancellation in float32 (PyTorch's vectorized erf is approximate)
    "smooth": [-2.0, -1.25, -0.5, 0.0, 0.75, 1.5, 3.5, 2.5],
}


def err(label, f):
    try:
        print(label + ":", f())
    except (RuntimeError, TypeError, ValueError) as e:
        print(f"{label}: error: {e}")


def dt(label, f):
    try:
        t = f()
        print(label + ":", t)
        print(label, "dtype:", t.dtype)
    except RuntimeError as e:
        print(f"{label}: error: {e}")


def second(name, f, v):
    """The first derivative with create_graph, then the second (f64)."""
    x = leaf([v[:4], v[4:]], torch.float64)
    y = f(x)
    try:
        (g,) = torch.autograd.grad(y, x, weights(y), create_graph=True)
        print(name, "d1 requires_grad:", g.requires_grad)
        (h,) = torch.autograd.grad(g, x, weights(g))
        show(name + " d2", h)
    except RuntimeError as e:
        print(f"{name} d2: error: {e}")


def cases(name, f, domain):
    v = DOMAIN[domain]
    check(name, lambda: (lambda u: (f(u), [u]))(leaf([v[:4], v[4:]])))
    check(name + " f64 transposed",
          lambda: (lambda u: (f(u.transpose(0, 1)), [u]))(leaf([v[i:i + 2] for i in range(0, 8, 2)], torch.float64)))
    print(name, "stride:", f(torch.tensor([v[:4], v[4:]]).t()).stride())
    check(name + " expanded", lambda: (lambda u: (f(u.expand(3, 4)), [u]))(leaf([v[:4]])))
    check(name + " 0-dim", lambda: (lambda u: (f(u), [u]))(leaf(v[5])))
    second(name, f, v)
    check(name + " zero-size", lambda: (lambda u: (f(u), [u]))(torch.zeros(0, 3, requires_grad=True)))
    dt(name + " i64", lambda: f(torch.tensor([[3, -2], [0, 7]])))
    dt(name + " i32", lambda: f(torch.tensor([5, -4], dtype=torch.int32)))
    dt(name + " bool", lambda: f(torch.tensor([True, False])))
    err(name + " nan inf", lambda: f(torch.tensor([float("nan"), float("inf"), -float("inf"), -1.0])))


MATH = [
    ("log1p", torch.log1p, "pos"), ("log2", torch.log2, "pos"), ("log10", torch.log10, "pos"),
    ("rsqrt", torch.rsqrt, "pos"), ("reciprocal", torch.reciprocal, "pos"), ("square", torch.square, "any"),
    ("tan", torch.tan, "any"), ("asin", torch.asin, "unit"), ("acos", torch.acos, "unit"),
    ("atan", torch.atan, "any"), ("sinh", torch.sinh, "any"), ("cosh", torch.cosh, "any"),
    ("asinh", torch.asinh, "any"), ("acosh", torch.acosh, "ge1"), ("atanh", torch.atanh, "unit"),
    ("erf", torch.erf, "any"), ("erfc", torch.erfc, "any"), ("erfinv", torch.erfinv, "unit"),
    ("floor", torch.floor, "half"), ("ceil", torch.ceil, "half"), ("round", torch.round, "half"),
    ("trunc", torch.trunc, "half"), ("frac", torch.frac, "half"),
]

for name, f, domain in MATH:
    cases(name, f, domain)
err("erfinv edges", lambda: torch.erfinv(torch.tensor([-1.0, 1.0, 1.5, float("nan"), -0.0])))
err("round nan inf", lambda: torch.round(torch.tensor([float("nan"), float("inf"), -0.5, 0.49999997])))

ACT = [
    ("gelu", F.gelu, "smooth"), ("gelu_tanh", lambda t: F.gelu(t, approximate="tanh"), "smooth"),
    ("silu", F.silu), ("mish", F.mish), ("logsigmoid", F.logsigmoid), ("hardsigmoid", F.hardsigmoid),
    ("hardswish", F.hardswish), ("softplus", F.softplus),
    ("softplus 2 5", lambda t: F.softplus(t, 2, 5)), ("softplus 0.5 1", lambda t: F.softplus(t, 0.5, 1)),
    ("leaky_relu", F.leaky_relu), ("leaky_relu 0.2", lambda t: F.leaky_relu(t, 0.2)),
    ("leaky_relu -1.5", lambda t: F.leaky_relu(t, -1.5)),
    ("elu", F.elu), ("elu 0.5", lambda t: F.elu(t, 0.5)), ("elu -2", lambda t: F.elu(t, -2.0)),
    ("selu", F.selu), ("celu", F.celu), ("celu 2", lambda t: F.celu(t, 2.0)),
    ("celu -0.5", lambda t: F.celu(t, -0.5)),
    ("hardtanh", F.hardtanh), ("hardtanh -2 3", lambda t: F.hardtanh(t, -2.0, 3.0)), ("relu6", F.relu6),
    ("hardtanh 2 1", lambda t: F.hardtanh(t, 2.0, 1.0)), ("hardtanh -1.5 2.5", lambda t: F.hardtanh(t, -1.5, 2.5)), ("softplus 0 20", lambda t: F.softplus(t, 0.0, 20.0)),
]
for name, f, *domain in ACT:
    cases(name, f, domain[0] if domain else "act")
err("celu 0", lambda: F.celu(torch.tensor([1.0]), 0.0))


# In-place twins: on a clone of a leaf, on a view of it (CopySlices), then
# changed again (backward fails where the saved result was overwritten),
# on a leaf (error), on a leaf under no_grad, on an int64 tensor.
def check_or_error(label, make):
    try:
        out, leaves = make()
    except RuntimeError as e:
        print(f"{label}: error: {e}")
        return
    show(label, out)
    graph(label, out)
    try:
        backprop(label, out, leaves)
    except RuntimeError as e:   # without PyTorch's closing " Hint: ..." sentence
        print(f"{label} backward error: {str(e).split(' Hint:')[0]}")


INPLACE = [
    ("neg_", lambda t: t.neg_(), "any"), ("exp_", lambda t: t.exp_(), "any"), ("expm1_", lambda t: t.expm1_(), "any"),
    ("log_", lambda t: t.log_(), "pos"), ("sqrt_", lambda t: t.sqrt_(), "pos"), ("abs_", lambda t: t.abs_(), "any"),
    ("sin_", lambda t: t.sin_(), "any"), ("cos_", lambda t: t.cos_(), "any"), ("tanh_", lambda t: t.tanh_(), "any"),
    ("sigmoid_", lambda t: t.sigmoid_(), "any"), ("relu_", lambda t: t.relu_(), "any"), ("sign_", lambda t: t.sign_(), "any"),
    ("log1p_", lambda t: t.log1p_(), "pos"), ("log2_", lambda t: t.log2_(), "pos"), ("log10_", lambda t: t.log10_(), "pos"),
    ("rsqrt_", lambda t: t.rsqrt_(), "pos"), ("reciprocal_", lambda t: t.reciprocal_(), "pos"),
    ("square_", lambda t: t.square_(), "any"), ("tan_", lambda t: t.tan_(), "any"),
    ("asin_", lambda t: t.asin_(), "unit"), ("acos_", lambda t: t.acos_(), "unit"), ("atan_", lambda t: t.atan_(), "any"),
    ("sinh_", lambda t: t.sinh_(), "any"), ("cosh_", lambda t: t.cosh_(), "any"), ("asinh_", lambda t: t.asinh_(), "any"),
    ("acosh_", lambda t: t.acosh_(), "ge1"), ("atanh_", lambda t: t.atanh_(), "unit"), ("erf_", lambda t: t.erf_(), "any"),
    ("erfc_", lambda t: t.erfc_(), "any"), ("erfinv_", lambda t: t.erfinv_(), "unit"),
    ("floor_", lambda t: t.floor_(), "half"), ("ceil_", lambda t: t.ceil_(), "half"), ("round_", lambda t: t.round_(), "half"),
    ("trunc_", lambda t: t.trunc_(), "half"), ("frac_", lambda t: t.frac_(), "half"),
    ("gelu_", lambda t: torch.ops.aten.gelu_(t), "smooth"),
    ("gelu_tanh_", lambda t: torch.ops.aten.gelu_(t, approximate="tanh"), "smooth"),
    ("silu_", lambda t: F.silu(t, inplace=True), "act"), ("mish_", lambda t: F.mish(t, inplace=True), "act"),
    ("hardsigmoid_", lambda t: F.hardsigmoid(t, inplace=True), "act"),
    ("hardswish_", lambda t: F.hardswish(t, inplace=True), "act"),
    ("leaky_relu_ 0.2", lambda t: F.leaky_relu_(t, 0.2), "act"), ("elu_ 0.5", lambda t: F.elu_(t, 0.5), "act"),
    ("selu_", lambda t: F.selu_(t), "act"), ("celu_ 2", lambda t: F.celu_(t, 2.0), "act"),
    ("hardtanh_ -2 3", lambda t: F.hardtanh_(t, -2.0, 3.0), "act"), ("relu6_", lambda t: F.relu6(t, inplace=True), "act"),
    ("leaky_relu_ -0.5", lambda t: F.leaky_relu_(t, -0.5), "act"), ("leaky_relu_ 0", lambda t: F.leaky_relu_(t, 0.0), "act"),
    ("elu_ -1", lambda t: F.elu_(t, -1.0), "act"), ("celu_ -1", lambda t: F.celu_(t, -1.0), "act"),
]
for name, f, domain in INPLACE:
    v = DOMAIN[domain]

    def clone(f=f, v=v):
        x = leaf([v[:4], v[4:]])
        y = x.clone()
        print(name, "returns self:", f(y) is y, "version:", y._version)
        return y, [x]

    def view(f=f, v=v):
        x = leaf([v[:4], v[4:]])
        y = x.clone()
        f(y.transpose(0, 1)[1:3])
        return y, [x]

    def again(f=f, v=v):
        x = leaf([v[:4], v[4:]])
        y = x.clone()
        f(y)
        return y.mul_(2), [x]

    check_or_error(name, clone)
    check_or_error(name + " view", view)
    check_or_error(name + " then mul_", again)
    check_or_error(name + " 0-dim", lambda f=f, v=v: (lambda x: (f(x.clone()), [x]))(leaf(v[5])))
    x = leaf([v[:4], v[4:]])
    err(name + " leaf", lambda: f(x))
    err(name + " view of leaf", lambda: f(x[0]))
    with torch.no_grad():
        err(name + " no_grad leaf", lambda: f(x))
    err(name + " expanded", lambda: f(torch.tensor([v[:4]]).expand(2, 4)))
    dt(name + " i64", lambda: f(torch.tensor([[3, -2], [0, 7]])))
    dt(name + " bool", lambda: f(torch.tensor([True, False])))
