# Oracle for nn_distance.c: cosine_similarity and pairwise_distance, values,
# gradients and grad_fn chains with broadcasting, non-contiguous and 0-dim
# operands, f32 and f64, integer inputs, eps, the norms pairwise_distance
# takes, second derivatives and errors.
from oracle import attempt, show, weights
import torch
import torch.nn.functional as F

from nn_data import check_strided, data, leaf, leaf64


def pair_case(label, out, a, b):
    check_strided(label, out, [a, b])


def second_order(label, f):
    a, b = leaf64(data(5, 1, 2, 3)), leaf64(data(3, 2, 2, 3))
    out = f(a, b)
    g = torch.autograd.grad(out, [a, b], weights(out), create_graph=True)
    h = torch.autograd.grad((g[0] * g[0] * g[0]).sum() + (g[1] * g[1] * g[1]).sum(), [a, b])
    for i in range(2):
        show(f"{label} d{i}", g[i].detach())
        show(f"{label} dd{i}", h[i])


cos = F.cosine_similarity
a, b = leaf(data(5, 1, 3, 4)), leaf(data(3, 2, 3, 4))
pair_case("cosine", cos(a, b, 1, 1e-8), a, b)
a, b = leaf(data(5, 1, 3, 4)), leaf(data(3, 2, 3, 4))
pair_case("cosine dim 0", cos(a, b, 0, 1e-8), a, b)
a, b = leaf(data(5, 1, 3, 4)), leaf(data(3, 2, 4))
pair_case("cosine broadcast", cos(a, b, -1, 1e-8), a, b)
a, b = leaf(data(5, 1, 2, 1, 4)), leaf(data(3, 2, 3, 4))
pair_case("cosine broadcast both", cos(a, b, 2, 1e-8), a, b)
a, b = leaf64(data(5, 1, 4, 3)), leaf64(data(3, 2, 3, 4))
pair_case("cosine f64 transposed", cos(a.t(), b, 1, 1e-8), a, b)
a, b = leaf(data(5, 1, 4)), leaf(data(3, 2, 4))
pair_case("cosine 1-D", cos(a, b, 0, 1e-8), a, b)
a, b = leaf(torch.tensor(0.5)), leaf(torch.tensor(-2.0))
pair_case("cosine 0-dim", cos(a, b, 0, 1e-8), a, b)
a, b = leaf(torch.tensor([[1e-9, 0, 0], [0.5, 0, 0]])), leaf(data(3, 2, 2, 3))
pair_case("cosine tiny", cos(a, b, 1, 1e-8), a, b)
a, b = leaf(torch.tensor([[1e-9, 0, 0], [0.5, 0, 0]])), leaf(data(3, 2, 2, 3))
pair_case("cosine eps 1e-3", cos(a, b, 1, 1e-3), a, b)
a, b = leaf(torch.zeros(2, 3)), leaf(data(3, 2, 2, 3))
pair_case("cosine zeros", cos(a, b, 1, 1e-8), a, b)
a, b = leaf(torch.zeros(2, 0)), leaf(torch.zeros(2, 0))
pair_case("cosine empty dim", cos(a, b, 1, 1e-8), a, b)
b = leaf(data(3, 2, 2, 3))
check_strided("cosine i64 and f32", cos(torch.tensor([[1, 2, 4], [0, -1, 4]]), b, 1, 1e-8), [b])
show("cosine bool and f64", cos(data(3, 2, 2, 3).bool(), data(5, 1, 2, 3).double(), 1, 1e-8))
second_order("cosine second order", lambda a, b: cos(a, b, 1, 1e-8))
o = torch.ones
attempt("cosine dim 2", lambda: cos(o(3, 4), o(3, 4), 2, 1e-8))
attempt("cosine shapes", lambda: cos(o(3, 4), o(2, 4), 1, 1e-8))
attempt("cosine i64", lambda: cos(o(3, dtype=torch.long), o(3, dtype=torch.long), 0, 1e-8))

pd = F.pairwise_distance
for label, p in [("pairwise", 2), ("pairwise p=1", 1), ("pairwise p=3", 3), ("pairwise p=0", 0),
                 ("pairwise p=-1", -1), ("pairwise p=inf", float("inf")), ("pairwise p=0.5", 0.5)]:
    a, b = leaf(data(5, 1, 3, 4)), leaf(data(3, 2, 3, 4))
    pair_case(label, pd(a, b, p, 1e-6, False), a, b)
a, b = leaf(data(5, 1, 3, 4)), leaf(data(3, 2, 3, 4))
pair_case("pairwise keepdim", pd(a, b, 2, 1e-6, True), a, b)
a, b = leaf(data(5, 1, 4)), leaf(data(3, 2, 3, 4))
pair_case("pairwise broadcast", pd(a, b, 2, 1e-6, False), a, b)
a, b = leaf64(data(5, 1, 4, 3)), leaf64(data(3, 2, 3, 4))
pair_case("pairwise f64 transposed", pd(a.t(), b, 2, 1e-6, False), a, b)
a, b = leaf(data(5, 1, 4)), leaf(data(3, 2, 4))
pair_case("pairwise 1-D", pd(a, b, 2, 1e-6, False), a, b)
a, b = leaf(torch.tensor(0.5)), leaf(torch.tensor(-2.0))
pair_case("pairwise 0-dim", pd(a, b, 2, 1e-6, False), a, b)
a, b = leaf(data(5, 1, 3, 4)), leaf(data(5, 1, 3, 4))
pair_case("pairwise equal eps 0", pd(a, b, 2, 0, False), a, b)
a, b = leaf(torch.zeros(2, 0)), leaf(torch.zeros(2, 0))
pair_case("pairwise empty", pd(a, b, 2, 1e-6, False), a, b)
show("pairwise empty inf", pd(torch.zeros(2, 0), torch.zeros(2, 0), float("inf"), 1e-6, False))
show("pairwise empty -1", pd(torch.zeros(2, 0), torch.zeros(2, 0), -1, 1e-6, False))
show("pairwise i64", pd(o(2, 3, dtype=torch.long), torch.zeros(2, 3, dtype=torch.long), 2, 1e-6, False))
show("pairwise f32 and f64", pd(data(5, 1, 2, 3), data(3, 2, 2, 3).double(), 2, 1e-6, False))
second_order("pairwise second order", lambda a, b: pd(a, b, 2, 1e-6, False))
second_order("pairwise p=3 second order", lambda a, b: pd(a, b, 3, 1e-6, False))
attempt("pairwise shapes", lambda: pd(o(3, 4), o(2, 4), 2, 1e-6, False))
attempt("pairwise bool", lambda: pd(o(3, dtype=torch.bool), o(3, dtype=torch.bool), 2, 1e-6, False))
