# Oracle for nn_softmax.c: softmax and log_softmax over every dim (negative
# too), on contiguous, transposed, expanded, 0-dim and empty inputs, in f32
# and f64, with extreme values; second derivatives and the graph of the
# first under create_graph; PyTorch's errors.
from oracle import attempt, backprop, check, graph, leaf, show, show_strides, sl, weights
import torch

inf, nan = float("inf"), float("nan")
FUNCS = [("softmax", torch.softmax), ("log_softmax", torch.log_softmax)]


def x23():
    return leaf([[0.5, -1.0, 2.0], [0.0, 3.0, -0.25]])


def x234():
    return leaf((((torch.arange(0.0, 24.0) * 7) % 11 - 5) / 2).tolist())


def values3x40():
    return (((torch.arange(0.0, 120.0) * 13) % 37 - 18) / 4).view(3, 40).tolist()


def case(label, make_leaf, f):
    x = make_leaf()
    out = f(x)
    show_strides(label, out)
    check(label, lambda: (out, [x]))


def second(label, f, x, dim):
    y = f(x, dim)
    g, = torch.autograd.grad(y, x, weights(y), create_graph=True)
    show(label + " d1", g)
    graph(label + " d1", g)
    backprop(label + " d2", g, [x])


def err(label, f):
    try:
        f()
    except Exception as e:
        print(f"{label}: error: {e}")


for name, f in FUNCS:
    L = lambda what: f"{name} {what}"
    case(L("dim 1"), x23, lambda x: f(x, 1))
    case(L("dim 0"), x23, lambda x: f(x, 0))
    case(L("dim -1"), x23, lambda x: f(x, -1))
    case(L("dim -2"), x23, lambda x: f(x, -2))
    case(L("3-D dim 1"), x234, lambda x: f(x.view(2, 3, 4), 1))
    case(L("3-D dim 0"), x234, lambda x: f(x.view(2, 3, 4), 0))
    case(L("3-D dim 2"), x234, lambda x: f(x.view(2, 3, 4), 2))
    case(L("transposed dim 1"), x23, lambda x: f(x.transpose(0, 1), 1))
    case(L("transposed dim 0"), x23, lambda x: f(x.transpose(0, 1), 0))
    case(L("expanded"), lambda: leaf([[1.0], [-2.0], [0.5]]), lambda x: f(x.expand(3, 4), 1))
    case(L("expanded dim 0"), lambda: leaf([1.0, -2.0, 0.5]), lambda x: f(x.expand(2, 3), 0))
    case(L("sliced f64"), lambda: leaf([[0.5, 9.0, -1.0, 9.0], [2.0, 9.0, 0.0, 9.0]], torch.float64),
         lambda x: f(sl(x, 1, 0, 4, 2), 1))
    case(L("f64 dim 0"), lambda: leaf([[0.5, -1.0, 2.0], [0.0, 3.0, -0.25]], torch.float64), lambda x: f(x, 0))
    case(L("rows of 40"), lambda: leaf(values3x40()), lambda x: f(x, 1))
    case(L("f64 rows of 40"), lambda: leaf(values3x40(), torch.float64), lambda x: f(x, -1))
    case(L("0-dim"), lambda: leaf(1.5), lambda x: f(x, 0))
    case(L("0-dim dim -1"), lambda: leaf(-2.0), lambda x: f(x, -1))
    case(L("one element"), lambda: leaf([[3.0]]), lambda x: f(x, 1))
    case(L("empty dim 0"), lambda: torch.zeros(0, 3, requires_grad=True), lambda x: f(x, 0))
    case(L("empty dim 1"), lambda: torch.zeros(0, 3, requires_grad=True), lambda x: f(x, 1))
    case(L("empty row"), lambda: torch.zeros(2, 0, requires_grad=True), lambda x: f(x, 1))
    case(L("large"), lambda: leaf([[1000.0, 1001.0, 999.0], [-1000.0, -1001.0, -999.0]]), lambda x: f(x, 1))
    case(L("f64 large"), lambda: leaf([[torch.tensor(1e30).item(), 0.0, -torch.tensor(1e30).item()],
                                       [88.0, 89.0, 90.0]], torch.float64), lambda x: f(x, 1))
    attempt(L("-inf"), lambda: f(torch.tensor([[-inf, 0.0, 1.0], [-inf, -inf, 2.0]]), 1))
    attempt(L("all -inf"), lambda: f(torch.tensor([-inf, -inf]), 0))
    attempt(L("+inf"), lambda: f(torch.tensor([inf, 0.0, 1.0]), 0))
    attempt(L("nan"), lambda: f(torch.tensor([[nan, 0.0], [1.0, 2.0]]), 1))

    second(L("second dim 1"), f, x23(), 1)
    second(L("second dim 0"), f, x23(), 0)
    second(L("second f64 3-D"), f, x234().detach().double().view(2, 3, 4).requires_grad_(), -2)
    second(L("second 0-dim"), f, leaf(0.5), 0)

    attempt(L("i64"), lambda: f(torch.tensor([1, 2, 3]), 0))
    attempt(L("i64 dim 0"), lambda: f(torch.tensor([[1], [2], [3]]), 0))
    attempt(L("i32"), lambda: f(torch.tensor([1, 2, 3], dtype=torch.int32), -1))
    attempt(L("bool"), lambda: f(torch.tensor([True, False, True]), 0))
    attempt(L("empty i64"), lambda: f(torch.tensor([], dtype=torch.int64), 0))
    attempt(L("dim 2"), lambda: f(torch.ones(2, 3), 2))
    attempt(L("dim -3"), lambda: f(torch.ones(2, 3), -3))
    attempt(L("0-dim dim 1"), lambda: f(torch.tensor(1.0), 1))
    print(f"{L('NULL')}: error: tg_{name}(): a tensor argument is NULL")
