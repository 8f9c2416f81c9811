# Oracle for forward_ad_tensor.c: torch.autograd.forward_ad through the
# tensor operations: xlogy, fmod and remainder, prod, the extremes, var and
# std, logsumexp, the norms, cumprod, lerp, in-place comparisons and writes,
# random draws and the complex operations.
from oracle import show, show_dual
import torch
import torch.autograd.forward_ad as fwAD
import torch.nn.functional as F

D = torch.float64

X = [[0.2, 0.45, 0.7], [0.35, 0.9, 0.15]]
TX = [[1.0, -0.5, 2.0], [0.25, 1.5, -1.0]]
Y = [[0.6, 0.3, 0.8], [0.5, 0.1, 0.65]]
TY = [[-1.0, 0.75, 0.5], [2.0, -0.25, 1.0]]
W = [[0.1, 0.9, 0.5], [0.3, 0.75, 0.2]]
TIES = [[0.5, -0.25, 0.5], [0.0, 0.5, -1.5]]


def t(data):
    return torch.tensor(data, dtype=D)


def dual(x, tx):
    return fwAD.make_dual(t(x), t(tx))


with fwAD.dual_level():
    show_dual("xlogy", lambda: torch.xlogy(dual(X, TX), dual(Y, TY)))
    show_dual("xlogy zeros", lambda: torch.xlogy(dual(TIES, TX), dual(Y, TY)))
    show_dual("xlogy only other", lambda: torch.xlogy(t(X), dual(Y, TY)))
    show_dual("xlogy_scalar", lambda: torch.xlogy(dual(X, TX), 3))
    show_dual("scalar_xlogy", lambda: torch.xlogy(2, dual(Y, TY)))
    show_dual("fmod", lambda: torch.fmod(dual(X, TX), dual(Y, TY)))
    show_dual("remainder", lambda: torch.remainder(dual(TIES, TX), dual(Y, TY)))
    show_dual("fmod only other", lambda: torch.fmod(t(X), dual(Y, TY)))
    show_dual("fmod_scalar", lambda: torch.fmod(dual(TIES, TX), 0.3))
    show_dual("remainder_scalar", lambda: torch.remainder(dual(TIES, TX), -0.3))
    show_dual("lerp", lambda: torch.lerp(dual(X, TX), dual(Y, TY), dual(W, TY)))
    show_dual("lerp primal weight", lambda: torch.lerp(dual(X, TX), t(Y), t(W)))

    show_dual("prod", lambda: dual(X, TX).prod())
    show_dual("prod zero", lambda: dual(TIES, TX).prod())
    show_dual("prod_dim", lambda: dual(TIES, TX).prod(1))
    show_dual("prod_dim keepdim", lambda: dual(X, TX).prod(0, keepdim=True))
    show_dual("max", lambda: dual(X, TX).max())
    show_dual("max ties", lambda: dual(TIES, TX).max())
    show_dual("min", lambda: dual(TIES, TX).min())
    show_dual("amax ties", lambda: dual(TIES, TX).amax(1))
    show_dual("amin keepdim", lambda: dual(X, TX).amin(0, keepdim=True))
    show_dual("max_dim", lambda: dual(X, TX).max(1)[0])
    show_dual("max_dim ties", lambda: dual(TIES, TX).max(1, keepdim=True)[0])
    show_dual("min_dim", lambda: dual(TIES, TX).min(0)[0])
    show_dual("var", lambda: dual(X, TX).var(1))
    show_dual("var all", lambda: dual(X, TX).var((0, 1), correction=0))
    show_dual("std", lambda: dual(X, TX).std(0, keepdim=True))
    vm = torch.var_mean(dual(X, TX), 1)
    show_dual("var_mean var", lambda: vm[0])
    show_dual("var_mean mean", lambda: vm[1])
    sm = torch.std_mean(dual(X, TX), 0, correction=0)
    show_dual("std_mean std", lambda: sm[0])
    show_dual("std_mean mean", lambda: sm[1])
    show_dual("logsumexp", lambda: dual(X, TX).logsumexp(1))
    show_dual("vector_norm 2", lambda: torch.linalg.vector_norm(dual(TIES, TX)))
    show_dual("vector_norm 3", lambda: torch.linalg.vector_norm(dual(X, TX), 3, (1,), keepdim=True))
    show_dual("vector_norm 1", lambda: torch.linalg.vector_norm(dual(TIES, TX), 1, (0,)))
    show_dual("vector_norm inf", lambda: torch.linalg.vector_norm(dual(TIES, TX), float("inf"), (1,)))
    show_dual("pairwise_distance", lambda: F.pairwise_distance(dual(X, TX), dual(Y, TY)))
    show_dual("cumprod", lambda: dual(X, TX).cumprod(1))
    show_dual("cumprod zeros", lambda: dual(TIES, TX).cumprod(1))
    show_dual("cumprod dim 0", lambda: dual(TIES, TX).cumprod(0))

    show_dual("sort", lambda: dual(TIES, TX).sort(1)[0])
    show_dual("sort descending", lambda: dual(TIES, TX).sort(0, descending=True)[0])
    show_dual("topk", lambda: dual(TIES, TX).topk(2, 1)[0])
    show_dual("topk smallest", lambda: dual(X, TX).topk(1, 0, largest=False)[0])
    show_dual("tril", lambda: dual(X, TX).tril())
    show_dual("triu", lambda: dual(X, TX).triu(1))
    show_dual("flip", lambda: dual(X, TX).flip(0, 1))
    show_dual("roll", lambda: dual(X, TX).roll((1, -1), (1, 0)))
    show_dual("roll flat", lambda: dual(X, TX).roll(2))
    show_dual("repeat", lambda: dual(X, TX).repeat(2, 1, 2))
    index = torch.tensor([[0, 2, 0], [1, 1, 2]])
    permutation = torch.tensor([[2, 0, 1], [0, 1, 2]])
    show_dual("gather", lambda: dual(X, TX).gather(1, index))
    show_dual("index_select", lambda: dual(X, TX).index_select(1, torch.tensor([2, 0])))
    show_dual("scatter", lambda: dual(X, TX).scatter(1, permutation, dual(Y, TY)))
    show_dual("scatter only src", lambda: t(X).scatter(1, permutation, dual(Y, TY)))
    show_dual("scatter_add", lambda: dual(X, TX).scatter_add(1, index, dual(Y, TY)))
    show_dual("index_add", lambda: dual(X, TX).index_add(1, torch.tensor([2, 0, 2]), dual(Y, TY), alpha=0.5))
    into = torch.tensor([[0, 2, 1], [1, 1, 0]])
    for r in ["sum", "mean", "amax", "amin", "prod"]:
        for include_self in [True, False]:
            show_dual(f"scatter_reduce {r} {include_self}",
                    lambda: dual(X, TX).scatter_reduce(1, into, dual(TIES, TY), r, include_self=include_self))
    show_dual("scatter_reduce ties", lambda: dual(TIES, TX).scatter_reduce(1, into, dual(TIES, TY), "amax", include_self=False))
    show_dual("scatter_reduce small index",
            lambda: dual(X, TX).scatter_reduce(0, torch.tensor([[1, 0]]), dual(Y, TY), "amin"))
    mask = t(W) > 0.4
    show_dual("masked_select", lambda: dual(X, TX).masked_select(mask))
    show_dual("masked_fill", lambda: dual(X, TX).masked_fill(mask, 2))
    show_dual("split", lambda: dual(X, TX).split(2, 1)[1])
    show_dual("unbind", lambda: dual(X, TX).unbind(0)[1])
    show_dual("einsum diagonal", lambda: torch.einsum("ii->i", dual(X, TX).narrow(1, 0, 2)))

    def view_backward(view, g):
        x = torch.zeros(2, 3, dtype=D, requires_grad=True)
        return torch.autograd.grad(view(x), x, g, create_graph=True)[0]

    show_dual("select_backward", lambda: view_backward(lambda x: x.select(0, 1), dual(Y[0], TY[0])))
    show_dual("slice_backward", lambda: view_backward(lambda x: x[:, 1:3], fwAD.make_dual(t((Y[0] + Y[1])[:4]).view(2, 2), t((TY[0] + TY[1])[:4]).view(2, 2))))
    show_dual("diagonal_backward", lambda: view_backward(lambda x: x.diagonal(1, 0, 1), dual(Y[0][:2], TY[0][:2])))
    show_dual("diag_embed", lambda: torch.diag_embed(dual(X, TX), 1, 0, 2))

    rows = torch.tensor([1, 0, 1])
    show_dual("index", lambda: dual(X, TX)[rows])
    show_dual("index mask", lambda: dual(X, TX)[t(W) > 0.4])
    show_dual("index slice and rows", lambda: dual(X, TX)[:, torch.tensor([2, 0])])
    two = torch.tensor([1, 0])
    show_dual("index_put", lambda: dual(X, TX).index_put((two,), dual(Y, TY)))
    show_dual("index_put only values", lambda: t(X).index_put((two,), dual(Y, TY)))
    show_dual("index_put accumulate", lambda: dual(X, TX).index_put((rows,), dual(Y[0], TY[0]), accumulate=True))
    show_dual("index_put mask value", lambda: dual(X, TX).index_put((t(W) > 0.4,), fwAD.make_dual(t(0.5), t(2.0))))
    weight = fwAD.make_dual(t(TIES).view(2, 3, 1), t(TY).view(2, 3, 1))
    show_dual("bilinear", lambda: F.bilinear(dual(X, TX), dual(Y, TY).narrow(1, 0, 1), weight))

    show_dual("eq_", lambda: dual(X, TX).eq_(t(X)))
    show_dual("lt_ of a dual other", lambda: t(X).lt_(dual(Y, TY)))
    show_dual("ge_scalar_", lambda: dual(X, TX).ge_(0.5))
    show_dual("fill_", lambda: dual(X, TX).fill_(2))
    show("uniform_ tangent", fwAD.unpack_dual(dual(X, TX).uniform_(0, 1)).tangent)
    show("normal_ tangent", fwAD.unpack_dual(dual(X, TX).normal_(0, 1)).tangent)
    show("uniform_ of a result tangent", fwAD.unpack_dual((dual(X, TX) * 2).uniform_(0, 1)).tangent)
    show("normal_ of a result tangent", fwAD.unpack_dual((dual(X, TX) * 2).normal_(0, 1)).tangent)
    show("bernoulli tangent", fwAD.unpack_dual(torch.bernoulli(dual(W, TX))).tangent)

    show_dual("complex", lambda: torch.complex(dual(X, TX), dual(Y, TY)))
    show_dual("complex only imag", lambda: torch.complex(t(X), dual(Y, TY)))
    show_dual("view_as_real", lambda: torch.view_as_real(torch.complex(dual(X, TX), dual(Y, TY))))
    # tensorgrad's conj is eager: PyTorch's lazy one resolved
    show_dual("conj", lambda: torch.view_as_real(torch.complex(dual(X, TX), dual(Y, TY)).conj().resolve_conj()))
    show_dual("angle", lambda: torch.angle(torch.complex(dual(X, TX), dual(TIES, TY))))
    show_dual("angle real", lambda: torch.angle(dual(TIES, TX)))
    show_dual("polar", lambda: torch.polar(dual(X, TX), dual(Y, TY)))
    show_dual("view_as_complex", lambda: torch.view_as_complex(torch.stack([dual(X, TX), dual(Y, TY)], -1)))
