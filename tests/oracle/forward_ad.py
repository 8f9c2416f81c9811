# Oracle for forward_ad.c: torch.autograd.forward_ad. Dual tensors through
# elementwise, binary, reduction, shape, matrix and nn operations (the
# primal and the tangent of each result), dual levels and their errors.
from oracle import show, show_dual
import torch
import torch.autograd.forward_ad as fwAD
import torch.nn.functional as F

D = torch.float64


def t(data, dtype=D):
    return torch.tensor(data, dtype=dtype)


X = [[0.2, 0.45, 0.7], [0.35, 0.9, 0.15]]
TX = [[1.0, -0.5, 2.0], [0.25, 1.5, -1.0]]
Y = [[0.6, 0.3, 0.8], [0.5, 0.1, 0.65]]
TY = [[-1.0, 0.75, 0.5], [2.0, -0.25, 1.0]]


def dual(x, tx):
    return fwAD.make_dual(t(x), t(tx))


UNARY = [
    ("neg", torch.neg), ("exp", torch.exp), ("expm1", torch.expm1), ("log", torch.log), ("log1p", torch.log1p),
    ("log2", torch.log2), ("log10", torch.log10), ("sqrt", torch.sqrt), ("rsqrt", torch.rsqrt),
    ("reciprocal", torch.reciprocal), ("abs", torch.abs), ("sin", torch.sin), ("cos", torch.cos),
    ("tan", torch.tan), ("tanh", torch.tanh), ("sigmoid", torch.sigmoid), ("relu", torch.relu),
    ("asin", torch.asin), ("acos", torch.acos), ("atan", torch.atan), ("sinh", torch.sinh), ("cosh", torch.cosh),
    ("asinh", torch.asinh), ("atanh", torch.atanh), ("erf", torch.erf), ("erfc", torch.erfc),
    ("erfinv", torch.erfinv), ("floor", torch.floor), ("frac", torch.frac), ("silu", F.silu),
    ("logsigmoid", F.logsigmoid), ("square", torch.square),
]

BINARY = [
    ("add", torch.add), ("sub", torch.sub), ("mul", torch.mul), ("div", torch.div), ("pow", torch.pow),
    ("maximum", torch.maximum), ("minimum", torch.minimum), ("atan2", torch.atan2), ("hypot", torch.hypot),
]

with fwAD.dual_level():
    for name, f in UNARY:
        show_dual(name, lambda: f(dual(X, TX) - 0.1))
    for name, f in BINARY:
        show_dual(name, lambda: f(dual(X, TX), dual(Y, TY)))
        show_dual(name + " primal only second", lambda: f(dual(X, TX), t(Y)))
        show_dual(name + " broadcast", lambda: f(dual(X, TX), dual(Y[0], TY[0])))
    show_dual("maximum ties", lambda: torch.maximum(dual(X, TX), dual(X, TY)))
    show_dual("mul_scalar", lambda: dual(X, TX) * 2.5)
    show_dual("div_scalar", lambda: dual(X, TX) / 4)
    show_dual("add_scalar", lambda: dual(X, TX) + 3)
    show_dual("sub_scalar", lambda: dual(X, TX) - 3)
    show_dual("rsub_scalar", lambda: 1 - dual(X, TX))
    show_dual("pow_scalar", lambda: dual(X, TX) ** 3)
    show_dual("pow_scalar 0", lambda: dual(X, TX) ** 0)
    show_dual("sum", lambda: dual(X, TX).sum())
    show_dual("mean", lambda: dual(X, TX).mean())
    show_dual("sum dim", lambda: dual(X, TX).sum(dim=1))
    show_dual("sum dim keepdim", lambda: dual(X, TX).sum(dim=0, keepdim=True))
    show_dual("mean dim", lambda: dual(X, TX).mean(dim=1))
    show_dual("norm", lambda: dual(X, TX).norm())
    show_dual("cumsum", lambda: dual(X, TX).cumsum(1))
    show_dual("view", lambda: dual(X, TX).view(3, 2))
    show_dual("transpose", lambda: dual(X, TX).transpose(0, 1))
    show_dual("permute", lambda: dual(X, TX).permute(1, 0))
    show_dual("expand", lambda: dual(X[0], TX[0]).expand(2, 3))
    show_dual("select", lambda: dual(X, TX).select(1, 2))
    show_dual("narrow", lambda: dual(X, TX).narrow(1, 1, 2))
    show_dual("unsqueeze", lambda: dual(X, TX).unsqueeze(1))
    show_dual("flatten", lambda: dual(X, TX).flatten())
    show_dual("reshape of transpose", lambda: dual(X, TX).t().reshape(6))
    show_dual("contiguous", lambda: dual(X, TX).t().contiguous())
    show_dual("clone", lambda: dual(X, TX).clone())
    show_dual("to float32", lambda: dual(X, TX).to(torch.float32))
    show_dual("transposed tangent", lambda: fwAD.make_dual(t(X), t(TX).t().contiguous().t()) * 2)
    show_dual("mm", lambda: torch.mm(dual(X, TX), dual(Y, TY).t()))
    show_dual("matmul 1d", lambda: torch.matmul(dual(X, TX), dual(Y[0], TY[0])))
    show_dual("dot", lambda: torch.dot(dual(X[0], TX[0]), dual(Y[1], TY[1])))
    show_dual("bmm", lambda: torch.bmm(dual(X, TX).unsqueeze(0), dual(Y, TY).t().unsqueeze(0)))
    show_dual("addmm", lambda: torch.addmm(dual(X[0][:2], TX[0][:2]), dual(X, TX), dual(Y, TY).t(), beta=0.5, alpha=2))
    show_dual("linear", lambda: F.linear(dual(X, TX), dual(Y, TY), dual(X[0][:2], TY[1][:2])))
    show_dual("softmax", lambda: torch.softmax(dual(X, TX), 1))
    show_dual("log_softmax", lambda: torch.log_softmax(dual(X, TX), 0))
    show_dual("cat", lambda: torch.cat([dual(X, TX), t(Y)], 0))
    show_dual("stack", lambda: torch.stack([dual(X, TX), dual(Y, TY)], 1))
    show_dual("lerp", lambda: torch.lerp(dual(X, TX), dual(Y, TY), 0.25))
    show_dual("addcmul", lambda: torch.addcmul(dual(X, TX), dual(Y, TY), dual(X, TY), value=0.5))
    show_dual("addcdiv", lambda: torch.addcdiv(dual(X, TX), dual(Y, TY), dual(X, TY), value=2))
    show_dual("chain", lambda: (torch.tanh(dual(X, TX) @ dual(Y, TY).t()) * 3).sum(dim=0))

    show_dual("mul_ in place", lambda: dual(X, TX).mul_(2))
    show_dual("exp_ in place", lambda: dual(X, TX).exp_())
    show_dual("add_ of a dual", lambda: t(X).add_(dual(Y, TY)))
    show_dual("copy_ of a dual", lambda: t(X).copy_(dual(Y, TY)))
    show_dual("zero_ of a dual", lambda: dual(X, TX).zero_())
    show_dual("t_ of a dual", lambda: dual(X, TX).t_())
    based = dual(X, TX)
    based[0].mul_(3)
    show_dual("base after its view's mul_", lambda: based)

    p, tangent = fwAD.unpack_dual(t(X))
    show("plain tensor tangent", tangent)
    d = fwAD.make_dual(t(X), t(TX, torch.float32))
    print("float32 tangent dtype:", fwAD.unpack_dual(d).tangent.dtype)
    r = fwAD.make_dual(t(X).requires_grad_(), t(TX))
    print("dual of a leaf requires_grad:", r.requires_grad, fwAD.unpack_dual(r * 2).primal.requires_grad)
    for label, f in [("wrong size", lambda: fwAD.make_dual(t(X), t(TX[0]))),
                     ("integer primal", lambda: fwAD.make_dual(t([1, 2], torch.int64), t([1.0, 2.0]))),
                     ("integer tangent", lambda: fwAD.make_dual(t([1.0, 2.0]), t([1, 2], torch.int64))),
                     ("nested", lambda: fwAD.enter_dual_level())]:
        try:
            f()
            print(label + ": no error")
        except Exception as e:
            print(f"{label}: error: {e}")
    kept = d

print("after the level:", fwAD.unpack_dual(kept).tangent)
for label, f in [("no level", lambda: fwAD.make_dual(t(X), t(TX))), ("exit without level", lambda: fwAD.exit_dual_level())]:
    try:
        f()
        print(label + ": no error")
    except Exception as e:
        print(f"{label}: error: {e}")
