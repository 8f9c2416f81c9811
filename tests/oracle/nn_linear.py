# Oracle for nn_linear.c: linear and bilinear, values, gradients, grad_fn
# chains and result strides for 1-D to 4-D inputs, with and without bias,
# f32 and f64, zero-size and integer inputs, second derivatives, and errors.
from oracle import attempt, show, weights
import torch
import torch.nn.functional as F

from nn_data import check_strided, data, leaf, leaf64


def linear_case(label, x, w, b):
    check_strided(label, F.linear(x, w, b), [x, w] + ([b] if b is not None else []))


linear_case("linear 2-D", leaf(data(5, 1, 2, 4)), leaf(data(3, 2, 3, 4)), leaf(data(7, 3, 3)))
linear_case("linear 2-D no bias", leaf(data(5, 1, 2, 4)), leaf(data(3, 2, 3, 4)), None)
linear_case("linear 1-D", leaf(data(5, 1, 4)), leaf(data(3, 2, 3, 4)), leaf(data(7, 3, 3)))
linear_case("linear 1-D no bias", leaf(data(5, 1, 4)), leaf(data(3, 2, 3, 4)), None)
linear_case("linear 3-D", leaf(data(5, 1, 2, 3, 4)), leaf(data(3, 2, 3, 4)), leaf(data(7, 3, 3)))
linear_case("linear 3-D no bias", leaf(data(5, 1, 2, 3, 4)), leaf(data(3, 2, 3, 4)), None)
linear_case("linear 4-D", leaf(data(5, 1, 2, 1, 3, 4)), leaf(data(3, 2, 2, 4)), leaf(data(7, 3, 2)))
linear_case("linear 1-D weight", leaf(data(5, 1, 2, 4)), leaf(data(3, 2, 4)), None)
linear_case("linear broadcast bias", leaf(data(5, 1, 2, 4)), leaf(data(3, 2, 3, 4)), leaf(data(7, 3, 2, 1)))
linear_case("linear zero rows", leaf(torch.zeros(0, 4)), leaf(data(3, 2, 3, 4)), leaf(data(7, 3, 3)))
linear_case("linear zero features", leaf(torch.zeros(2, 0)), leaf(torch.zeros(3, 0)), leaf(data(7, 3, 3)))
linear_case("linear zero-size 3-D", leaf(torch.zeros(2, 0, 4)), leaf(data(3, 2, 3, 4)), leaf(data(7, 3, 3)))

x, w, b = leaf(data(5, 1, 2, 4, 3)), leaf(data(3, 2, 4, 2)), leaf(data(7, 3, 2))
check_strided("linear 3-D transposed", F.linear(x.transpose(1, 2), w.t(), b), [x, w, b])
x, w, b = leaf64(data(5, 1, 4, 2)), leaf64(data(3, 2, 4, 3)), leaf64(data(7, 3, 3))
check_strided("linear f64 transposed", F.linear(x.t(), w.t(), b), [x, w, b])
x, w, b = leaf64(data(5, 1, 3, 2, 4)), leaf64(data(3, 2, 3, 4)), leaf64(data(7, 3, 3))
check_strided("linear f64 3-D permuted", F.linear(x.permute(1, 0, 2), w, b), [x, w, b])
x, w, b = leaf(data(5, 1, 4)), leaf(data(3, 2, 3, 4)), leaf64(data(7, 3, 3))
check_strided("linear 1-D f64 bias", F.linear(x, w, b), [x, w, b])
x, w, b = leaf(data(5, 1, 1, 4)), leaf(data(3, 2, 3, 4)), leaf(data(7, 3, 1))
check_strided("linear expanded input", F.linear(x.expand(3, 2, 4), w, b.expand(3)), [x, w, b])
w, b = leaf(data(3, 2, 3, 4)), leaf(data(7, 3, 3))
check_strided("linear input without grad", F.linear(data(5, 1, 2, 4), w, b), [w, b])
b = leaf(data(7, 3, 3))
check_strided("linear only bias", F.linear(data(5, 1, 2, 2, 4), data(3, 2, 4, 3).t(), b), [b])
b = leaf(data(7, 3, 3))
check_strided("linear 1-D only bias", F.linear(data(5, 1, 4), data(3, 2, 3, 4), b), [b])
b = leaf(data(7, 3, 3))
check_strided("linear 3-D strided only bias", F.linear(data(5, 1, 2, 4, 2).transpose(1, 2), data(3, 2, 3, 4), b), [b])

show("linear i64", F.linear(data(5, 1, 2, 4).long(), data(3, 2, 3, 4).long(), data(7, 3, 3).long()))
show("linear i64 3-D", F.linear(data(5, 1, 2, 2, 4).long(), data(3, 2, 3, 4).long()))

o = torch.ones
attempt("linear 2x3 4x5", lambda: F.linear(o(2, 3), o(5, 4), o(5)))
attempt("linear 2x3 4x5 no bias", lambda: F.linear(o(2, 3), o(5, 4)))
attempt("linear 1-D mismatch", lambda: F.linear(o(3), o(5, 4), o(5)))
attempt("linear 3-D mismatch", lambda: F.linear(o(2, 2, 3), o(5, 4), o(5)))
attempt("linear 3-D mismatch no bias", lambda: F.linear(o(2, 2, 3), o(5, 4)))
attempt("linear 3-D transposed mismatch", lambda: F.linear(o(2, 3, 2).transpose(1, 2), o(5, 4), o(5)))
attempt("linear 4-D mismatch", lambda: F.linear(o(2, 2, 2, 3), o(5, 4), o(5)))
attempt("linear bias size", lambda: F.linear(o(2, 4), o(5, 4), o(4)))
attempt("linear bias rows", lambda: F.linear(o(2, 4), o(5, 4), o(3, 5)))
attempt("linear 3-D bias size", lambda: F.linear(o(2, 2, 4), o(5, 4), o(4)))
attempt("linear 3-D bias rank", lambda: F.linear(o(2, 2, 4), o(5, 4), o(2, 1, 5)))
attempt("linear 1-D bias", lambda: F.linear(o(4), o(5, 4), o(4)))
attempt("linear 1-D bias grows", lambda: F.linear(o(4), o(5, 4), o(5, 5)))
attempt("linear 3-D weight", lambda: F.linear(o(2, 4), o(5, 4, 1), o(5)))
attempt("linear 1-D weight bias", lambda: F.linear(o(2, 4), o(4), o(())))
attempt("linear 0-dim input", lambda: F.linear(o(()), o(5, 4), o(5)))
attempt("linear f64 input", lambda: F.linear(o(2, 4).double(), o(5, 4), o(5)))
attempt("linear f64 weight", lambda: F.linear(o(2, 4), o(5, 4).double(), o(5)))
attempt("linear f64 bias", lambda: F.linear(o(2, 4), o(5, 4), o(5).double()))
attempt("linear 3-D f64 input", lambda: F.linear(o(2, 2, 4).double(), o(5, 4), o(5)))
attempt("linear 3-D f64 weight", lambda: F.linear(o(2, 2, 4), o(5, 4).double()))
attempt("linear i64 bias", lambda: F.linear(o(2, 4), o(5, 4), o(5).long()))
attempt("linear bool", lambda: F.linear(o(2, 4).bool(), o(5, 4).bool()))
print("linear NULL input: error: tg_linear(): a tensor argument is NULL")


def second_order(label, out, leaves):
    g = torch.autograd.grad(out, leaves, weights(out), create_graph=True)
    total = sum((gi * gi).sum() for gi in g)
    for i, gi in enumerate(g):
        show(f"{label} d{i}", gi.detach())
    h = torch.autograd.grad(total, leaves)
    for i, hi in enumerate(h):
        show(f"{label} dd{i}", hi)


def bilinear_case(label, x1, x2, w, b):
    check_strided(label, F.bilinear(x1, x2, w, b), [x1, x2, w] + ([b] if b is not None else []))


bilinear_case("bilinear", leaf(data(5, 1, 3, 2)), leaf(data(3, 2, 3, 4)), leaf(data(7, 3, 5, 2, 4)), leaf(data(2, 4, 5)))
bilinear_case("bilinear no bias", leaf(data(5, 1, 3, 2)), leaf(data(3, 2, 3, 4)), leaf(data(7, 3, 5, 2, 4)), None)
bilinear_case("bilinear 1-D", leaf(data(5, 1, 2)), leaf(data(3, 2, 4)), leaf(data(7, 3, 5, 2, 4)), leaf(data(2, 4, 5)))
bilinear_case("bilinear 3-D", leaf(data(5, 1, 2, 3, 2)), leaf(data(3, 2, 2, 3, 4)), leaf(data(7, 3, 5, 2, 4)),
              leaf(data(2, 4, 5)))
bilinear_case("bilinear zero batch", leaf(torch.zeros(0, 2)), leaf(torch.zeros(0, 4)), leaf(data(7, 3, 5, 2, 4)),
              leaf(data(2, 4, 5)))
x1, x2, w, b = leaf64(data(5, 1, 2, 3)), leaf64(data(3, 2, 3, 4)), leaf64(data(7, 3, 5, 4, 2)), leaf64(data(2, 4, 5))
check_strided("bilinear f64 transposed", F.bilinear(x1.t(), x2, w.transpose(1, 2), b), [x1, x2, w, b])
x1, x2, w = leaf64(data(5, 1, 3, 2)), leaf64(data(3, 2, 3, 4)), leaf64(data(7, 3, 5, 2, 4))
second_order("bilinear second order", F.bilinear(x1, x2, w), [x1, x2, w])
x, w = leaf64(data(5, 1, 2, 4)), leaf64(data(3, 2, 3, 4))
second_order("linear second order", F.linear(x, w) * F.linear(x, w), [x, w])
show("bilinear i64", F.bilinear(data(5, 1, 3, 2).long(), data(3, 2, 3, 4).long(), data(7, 3, 5, 2, 4).long(),
                                data(2, 4, 5).long()))
show("bilinear f64 bias", F.bilinear(data(5, 1, 3, 2), data(3, 2, 3, 4), data(7, 3, 5, 2, 4), data(2, 4, 5).double()))

x1, x2, w, b = o(3, 2), o(3, 4), o(5, 2, 4), o(5)
attempt("bilinear input1 size", lambda: F.bilinear(o(3, 3), x2, w, b))
attempt("bilinear input2 size", lambda: F.bilinear(x1, o(3, 3), w, b))
attempt("bilinear batch", lambda: F.bilinear(x1, o(2, 4), w, b))
attempt("bilinear ranks", lambda: F.bilinear(o(3, 2, 2), x2, w, b))
attempt("bilinear 2-D weight", lambda: F.bilinear(x1, x2, o(5, 2), b))
attempt("bilinear weight 2x4", lambda: F.bilinear(x1, x2, o(2, 4)))
attempt("bilinear 0-dim weight", lambda: F.bilinear(x1, x2, o(())))
attempt("bilinear 4-D weight", lambda: F.bilinear(x1, x2, o(5, 2, 4, 1), b))
attempt("bilinear bias size", lambda: F.bilinear(x1, x2, w, o(4)))
attempt("bilinear bias rows", lambda: F.bilinear(x1, x2, w, o(5, 1)))
attempt("bilinear 0-dim bias", lambda: F.bilinear(x1, x2, w, o(())))
attempt("bilinear 0-dim inputs", lambda: F.bilinear(o(()), o(()), w, b))
attempt("bilinear f64 input1", lambda: F.bilinear(x1.double(), x2, w, b))
attempt("bilinear f64 input2", lambda: F.bilinear(x1, x2.double(), w, b))
attempt("bilinear f64 weight", lambda: F.bilinear(x1, x2, w.double(), b))
attempt("bilinear bool", lambda: F.bilinear(x1.bool(), x2.bool(), w.bool()))
attempt("bilinear zero features", lambda: F.bilinear(o(3, 0), x2, o(5, 0, 4)))
