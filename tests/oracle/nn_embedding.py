# Oracle for nn_embedding.c: embedding (plain, padding_idx,
# scale_grad_by_freq; 0-d, 1-D, 2-D and int32 indices; f32 and f64,
# non-contiguous weights), its second derivatives, and one_hot, with errors.
from oracle import attempt, graph, show, weights
import torch
import torch.nn.functional as F

from nn_data import check_strided, data, leaf, leaf64


def idx(*values, shape=None):
    t = torch.tensor(values, dtype=torch.long)
    return t.reshape(shape) if shape is not None else t


def embedding_case(label, indices, w, **kw):
    check_strided(label, F.embedding(indices, w, **kw), [w])


def second_order(label, indices, w, **kw):
    y = F.embedding(indices, w, **kw)
    out = (y * y * weights(y)).sum()
    g, = torch.autograd.grad(out, [w], create_graph=True)
    show(f"{label} d", g.detach())
    h, = torch.autograd.grad((g * g).sum(), [w])
    show(f"{label} dd", h)


I23 = idx(0, 2, 4, 2, 2, 1, shape=(2, 3))
embedding_case("embedding 2-D", I23, leaf(data(5, 1, 5, 3)))
embedding_case("embedding 1-D", idx(3, 3, 0, 1), leaf(data(5, 1, 5, 3)))
embedding_case("embedding 0-d", torch.tensor(3), leaf(data(5, 1, 5, 3)))
embedding_case("embedding empty", torch.zeros(0, dtype=torch.long), leaf(data(5, 1, 5, 3)))
embedding_case("embedding empty 2-D", torch.zeros(2, 0, dtype=torch.long), leaf(data(5, 1, 5, 3)))
embedding_case("embedding int32", idx(4, 0, 4).int(), leaf(data(5, 1, 5, 3)))
embedding_case("embedding padding 2", I23, leaf(data(5, 1, 5, 3)), padding_idx=2)
embedding_case("embedding padding -1", I23, leaf(data(5, 1, 5, 3)), padding_idx=-1)
embedding_case("embedding padding 0", I23, leaf(data(5, 1, 5, 3)), padding_idx=0)
embedding_case("embedding freq", I23, leaf(data(5, 1, 5, 3)), scale_grad_by_freq=True)
embedding_case("embedding freq padding", I23, leaf(data(5, 1, 5, 3)), padding_idx=4, scale_grad_by_freq=True)
w = leaf64(data(5, 1, 3, 5))
check_strided("embedding f64 transposed", F.embedding(idx(1, 4, 0, 4, shape=(2, 2)), w.t()), [w])
w = leaf(data(5, 1, 5, 3))
check_strided("embedding transposed indices", F.embedding(I23.t(), w), [w])
w = leaf(data(5, 1, 5, 3))
check_strided("embedding of a non-leaf", F.embedding(idx(1, 1, 0), w * 2), [w])
show("embedding i64 weight", F.embedding(idx(1, 0), data(5, 1, 5, 2).long()))
I22 = idx(1, 3, 3, 0, shape=(2, 2))
second_order("embedding second order", I22, leaf64(data(5, 1, 4, 2)))
second_order("embedding padding second order", I22, leaf64(data(5, 1, 4, 2)), padding_idx=3)
second_order("embedding freq second order", I22, leaf64(data(5, 1, 4, 2)), scale_grad_by_freq=True)
w = leaf(data(5, 1, 4, 2))
y = F.embedding(idx(1, 1), w)
g, = torch.autograd.grad(y, [w], weights(y).requires_grad_(), create_graph=True)
graph("embedding backward", g)

w = torch.ones(5, 3)
attempt("embedding index 5", lambda: F.embedding(idx(5), w))
attempt("embedding index -1", lambda: F.embedding(idx(-1), w))
attempt("embedding float index", lambda: F.embedding(torch.ones(1), w))
attempt("embedding bool index", lambda: F.embedding(torch.ones(1, dtype=torch.bool), w))
attempt("embedding 1-D weight", lambda: F.embedding(idx(1), torch.ones(5)))
attempt("embedding 3-D weight", lambda: F.embedding(idx(1), torch.ones(5, 2, 2)))
attempt("embedding 1-D weight float index", lambda: F.embedding(torch.ones(1), torch.ones(5)))
attempt("embedding padding 5", lambda: F.embedding(idx(1), w, padding_idx=5))
attempt("embedding padding -6", lambda: F.embedding(idx(1), w, padding_idx=-6))
attempt("embedding padding -5", lambda: F.embedding(idx(0), w, padding_idx=-5))
print("embedding NULL weight: error: tg_embedding(): a tensor argument is NULL")
print("embedding_ex NULL indices: error: tg_embedding_ex(): a tensor argument is NULL")
print("one_hot NULL: error: tg_one_hot(): a tensor argument is NULL")
attempt("embedding empty weight", lambda: F.embedding(idx(0), torch.ones(0, 3)))
wl = torch.ones(5, 3, requires_grad=True)
i = idx(1, 2)
y = F.embedding(i, wl)
i.fill_(0)
try:
    y.sum().backward()
    print("embedding indices changed: no error")
except RuntimeError as e:
    print("embedding indices changed:", str(e).split(" Hint:")[0])   # tensorgrad ends at "instead."

attempt("one_hot", lambda: F.one_hot(idx(0, 3, 1)))
attempt("one_hot 5", lambda: F.one_hot(idx(0, 3, 1), 5))
oh = F.one_hot(idx(0, 3, 1, 1, shape=(2, 2)).t(), 5)
show("one_hot transposed", oh)
print("one_hot transposed stride:", oh.stride())
attempt("one_hot 0-d", lambda: F.one_hot(torch.tensor(2), 3))
attempt("one_hot 0-d inferred", lambda: F.one_hot(torch.tensor(2)))
attempt("one_hot empty", lambda: F.one_hot(torch.zeros(0, dtype=torch.long), 3))
attempt("one_hot empty 2-D", lambda: F.one_hot(torch.zeros(2, 0, dtype=torch.long), 4))
attempt("one_hot too small", lambda: F.one_hot(idx(0, 3, 1), 3))
attempt("one_hot negative", lambda: F.one_hot(idx(0, -1, 1), 3))
attempt("one_hot negative inferred", lambda: F.one_hot(idx(0, -1, 1)))
attempt("one_hot -2", lambda: F.one_hot(idx(0, 1), -2))
attempt("one_hot 0 classes", lambda: F.one_hot(idx(0, 1), 0))
attempt("one_hot float", lambda: F.one_hot(torch.ones(2), 3))
attempt("one_hot int32", lambda: F.one_hot(torch.ones(2, dtype=torch.int), 3))
attempt("one_hot empty inferred", lambda: F.one_hot(torch.zeros(0, dtype=torch.long)))
attempt("one_hot empty 0 classes", lambda: F.one_hot(torch.zeros(0, dtype=torch.long), 0))
