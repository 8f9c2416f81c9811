# PyTorch's side of ops_fused_backward.c: the fused derivatives of
# activations (see the C file).
from oracle import sl, tree
import torch
import torch.nn.functional as F


def values(label, t, exact):
    f32 = t.dtype == torch.float32
    digits = (9 if f32 else 17) if exact else (5 if f32 else 13)
    print(label + ":", " ".join("%.*g" % (digits, v) for v in t.detach().flatten().tolist()))


def tree_of(label, t):
    print(label, "graph:", tree(t.grad_fn))


# (name, function, whether its derivative under create_graph is fused)
FUNCS = [("tanh", torch.tanh, True), ("sigmoid", torch.sigmoid, True), ("gelu", F.gelu, True),
         ("gelu_tanh", lambda t: F.gelu(t, approximate="tanh"), True), ("silu", F.silu, False),
         ("mish", F.mish, False)]

X = [-2.5, -0.85, 0.35, 1.2, 2.1, -1.6, 0.55, -3.2, 1.7, -0.05, 0.9, 2.8]
GO = [0.25, -0.5, 0.75, 1.5, -1.25, 0.6]
GG = [1.5, -0.5, 0.25, 2.0, -1.25, 0.75]
LAYOUTS = ["contiguous", "transposed", "strided", "broadcast"]


def of(values, shape, dtype):
    return torch.tensor(values, dtype=torch.float32).reshape(shape).to(dtype)


def make_input(layout, dtype):
    shape = (2, 6) if layout == "strided" else (3, 2) if layout == "transposed" else (2, 3)
    leaf = of(X[:shape[0] * shape[1]], shape, dtype).requires_grad_()
    if layout == "strided":
        return leaf, sl(leaf, 1, 0, 6, 2)
    if layout == "transposed":
        return leaf, leaf.transpose(0, 1)
    return leaf, leaf


def upstream(layout, dtype, requires_grad):
    g = of(GO[:3], (3,), dtype) if layout == "broadcast" else of(GO, (2, 3), dtype)
    g.requires_grad_(requires_grad)
    return g, g.expand(2, 3) if layout == "broadcast" else g


def one(name, f, fused, layout, dtype):
    label = "%s %s %s" % (name, "f32" if dtype == torch.float32 else "f64", layout)
    exact = layout == "strided"
    leaf, x = make_input(layout, dtype)
    y = f(x)
    values(label, y, exact)
    y.backward(upstream(layout, dtype, False)[1])
    values(label + " backward", leaf.grad, exact)

    y = f(x)
    go_leaf, go = upstream(layout, dtype, True)
    g, = torch.autograd.grad(y, x, go, retain_graph=True, create_graph=True)
    values(label + " grad", g, exact and fused)
    tree_of(label + " grad", g)
    gg = of(GG, (2, 3), dtype)
    dx, dgo = torch.autograd.grad(g, [leaf, go_leaf], gg, retain_graph=True, create_graph=True)
    values(label + " second x", dx, False)
    tree_of(label + " second x", dx)
    values(label + " second go", dgo, False)
    tree_of(label + " second go", dgo)


for name, f, fused in FUNCS:
    for dtype in (torch.float32, torch.float64):
        for layout in LAYOUTS:
            one(name, f, fused, layout, dtype)
