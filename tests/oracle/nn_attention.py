# Oracle for nn_attention.c: scaled_dot_product_attention, which PyTorch 1.13
# lacks, written out as PyTorch 2.0 defines it on the CPU (its math path,
# _scaled_dot_product_attention_math): values, gradients and grad_fn chains,
# masks, dropout, second derivatives and errors.
import math

from oracle import attempt, graph, show, weights
import torch

from nn_data import check_strided, data, leaf, leaf64

div = torch.ops.aten.div.Scalar   # C++'s tensor / double: DivBackward1


def sdpa(q, k, v, attn_mask=None, dropout_p=0.0, is_causal=False):
    scaling = math.sqrt(math.sqrt(q.size(-1)))
    query = div(q, scaling)
    if is_causal:
        if attn_mask is not None:
            raise RuntimeError("_scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True")
        attn_mask = torch.ones(query.size(-2), k.size(-2), dtype=torch.bool).tril()
    if attn_mask is not None and attn_mask.dtype == torch.bool:
        additive = torch.zeros_like(attn_mask, dtype=query.dtype)
        additive.masked_fill_(attn_mask.logical_not(), -math.inf)
        attn_mask = additive
    attn = torch.matmul(query, div(k.transpose(-2, -1), scaling))
    if attn_mask is not None:
        attn.add_(attn_mask)
    attn = torch.softmax(attn, -1)
    if dropout_p > 0.0:
        attn = torch.dropout(attn, dropout_p, True)
    return torch.matmul(attn, v)


def make(qs, ks, vs, f64=False):
    mk = leaf64 if f64 else leaf
    return [mk(data(5, 1, *qs)), mk(data(3, 2, *ks)), mk(data(7, 3, *vs))]


Q3, K3, V3 = (2, 3, 4), (2, 5, 4), (2, 5, 2)
x = make(Q3, K3, V3)
check_strided("sdpa 3-D", sdpa(*x), x)
x = make((3, 4), (3, 4), (3, 4))
check_strided("sdpa 2-D", sdpa(*x), x)
x = make((2, 2, 3, 4), (2, 2, 5, 4), (2, 2, 5, 3), True)
check_strided("sdpa 4-D f64", sdpa(*x), x)
x = make((2, 2, 3, 4), (1, 2, 5, 4), (2, 1, 5, 3), True)
check_strided("sdpa broadcast batch f64", sdpa(*x), x)
x = make(Q3, K3, V3)
m = torch.tensor([1, 0, 1, 1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 1, 1], dtype=torch.bool).reshape(3, 5)
check_strided("sdpa bool mask", sdpa(*x, m), x)
x = make(Q3, K3, V3)
x.append(leaf(data(2, 5, 2, 1, 5)))
check_strided("sdpa float mask", sdpa(*x[:3], x[3]), x)
x = make(Q3, K3, V3)
check_strided("sdpa f64 mask", sdpa(*x, data(2, 5, 3, 5).double()), x)
x = make(Q3, K3, V3)
check_strided("sdpa causal", sdpa(*x, is_causal=True), x)
x = make((2, 5, 4), (2, 3, 4), (2, 3, 2))
check_strided("sdpa causal L > S", sdpa(*x, is_causal=True), x)
x = make(Q3, K3, V3)
m = torch.tensor([1, 0, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1], dtype=torch.bool).reshape(3, 5)
check_strided("sdpa masked row", sdpa(*x, m), x)
x = make(Q3, (2, 4, 5), V3, True)
v = x[2].select(0, 0).t().t().expand(2, 5, 2)
check_strided("sdpa f64 strided", sdpa(x[0], x[1].transpose(1, 2), v), x)
x = make(Q3, K3, V3)
check_strided("sdpa dropout 1", sdpa(*x, dropout_p=1.0), x)
x = make(Q3, K3, V3)
graph("sdpa dropout 0.5", sdpa(*x, dropout_p=0.5))
x = make(Q3, K3, V3)
print("sdpa dropout -1 as 0:", bool((sdpa(*x, dropout_p=-1.0) == sdpa(*x)).all()))

x = make(Q3, K3, V3, True)
m = torch.tensor([1, 0, 1, 1, 1, 0, 1, 1, 1, 0, 1, 1, 1, 1, 1], dtype=torch.bool).reshape(3, 5)
out = sdpa(*x, m)
g = torch.autograd.grad(out, x, weights(out), create_graph=True)
h = torch.autograd.grad(sum((gi * gi * gi).sum() for gi in g), x)
for i in range(3):
    show(f"sdpa d{i}", g[i].detach())
    show(f"sdpa dd{i}", h[i])

o = torch.ones
q, k, v = o(2, 3, 4), o(2, 5, 4), o(2, 5, 2)
attempt("sdpa causal with mask", lambda: sdpa(q, k, v, o(3, 5, dtype=torch.bool), is_causal=True))
attempt("sdpa embedding sizes", lambda: sdpa(q, o(2, 5, 3), v))
attempt("sdpa value rows", lambda: sdpa(q, k, o(2, 4, 2)))
attempt("sdpa batches", lambda: sdpa(q, o(3, 5, 4), v))
attempt("sdpa mask shape", lambda: sdpa(q, k, v, o(3, 4)))
attempt("sdpa mask grows", lambda: sdpa(q, k, v, o(3, 2, 3, 5)))
attempt("sdpa f64 key", lambda: sdpa(q, k.double(), v))
attempt("sdpa f64 value", lambda: sdpa(q, k, v.double()))
attempt("sdpa i64", lambda: sdpa(q.long(), k.long(), v.long()))
attempt("sdpa 0-dim", lambda: sdpa(o(()), k, v))
attempt("sdpa 1-D causal", lambda: sdpa(o(4), k, v, is_causal=True))
attempt("sdpa dropout 1.5", lambda: sdpa(q, k, v, dropout_p=1.5))
attempt("sdpa dropout 2", lambda: sdpa(q, k, v, dropout_p=2.0))
attempt("sdpa dropout 1e7", lambda: sdpa(q, k, v, dropout_p=1e7))
