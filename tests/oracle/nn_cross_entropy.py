# Oracle for nn_cross_entropy.c: nll_loss and cross_entropy over class
# indices ((N, C), (C), (N, C, d1, ...) inputs), with weights, ignore_index
# and label smoothing, and over class probabilities; each reduction; values,
# gradients, graphs, second derivatives (with the graph of the first) and
# PyTorch's errors.
from oracle import attempt, backprop, check, graph, leaf, show, weights
import torch
import torch.nn.functional as F

REDUCTIONS = ["mean", "sum", "none"]
X34 = [[0.5, -1.0, 2.0, 0.25], [0.0, 3.0, -0.25, 1.5], [-2.0, 0.75, 1.0, -0.5]]
T3 = [0, 2, 3]
W4 = [0.5, 2.0, 1.0, 0.25]
P34 = [[0.25, 0.25, 0.5, 0.0], [0.1, 0.2, 0.3, 0.4], [1.0, 0.0, 0.0, 0.0]]


def values(n):
    """n values in [-2.5, 2.5]: ((k * 7) % 11 - 5) / 2."""
    return [((k * 7) % 11 - 5) / 2 for k in range(n)]


def probabilities(n):
    """n values in [0.225, 0.275]: ((k * 7) % 11 - 5) / 200 + 0.25."""
    return [((k * 7) % 11 - 5) / 200 + 0.25 for k in range(n)]


def as64(kw):
    """The options with the weight in f64."""
    return {**kw, **({"weight": kw["weight"].double()} if "weight" in kw else {})}


def second(label, make):
    """The first derivative with create_graph (value, graph), then the
    gradient of the sum of its squares."""
    out, x = make()
    g, = torch.autograd.grad(out, x, weights(out), create_graph=True)
    show(label + " d1", g.detach())
    graph(label + " d1", g)
    try:
        h, = torch.autograd.grad((g * g).sum(), x)
    except RuntimeError as e:
        print(f"{label} d2 error: {e}")
        return
    show(label + " d2", h)


OPTS = [
    ("plain", {}),
    ("weight", {"weight": torch.tensor(W4)}),
    ("ignore", {"ignore_index": 2}),
    ("weight ignore", {"weight": torch.tensor(W4), "ignore_index": 3}),
]
SMOOTH = [
    ("smoothing", {"label_smoothing": 0.2}),
    ("smoothing weight", {"label_smoothing": 0.5, "weight": torch.tensor(W4)}),
    ("smoothing ignore", {"label_smoothing": 0.2, "ignore_index": 2}),
    ("smoothing weight ignore", {"label_smoothing": 0.5, "weight": torch.tensor(W4), "ignore_index": 0}),
]

for fname, f in (("nll_loss", F.nll_loss), ("cross_entropy", F.cross_entropy)):
    opts = OPTS + (SMOOTH if fname == "cross_entropy" else [])
    for oname, kw in opts:
        for r in REDUCTIONS:
            label = f"{fname} {oname} {r}"
            check(label, lambda: (lambda x: (f(x, torch.tensor(T3), reduction=r, **kw), [x]))(leaf(X34)))
            second(label + " second", lambda: (lambda x: (f(x, torch.tensor(T3), reduction=r, **as64(kw)), x))(
                leaf(X34, torch.float64)))
            check(label + " 1-D", lambda: (lambda x: (f(x, torch.tensor(1), reduction=r, **kw), [x]))(leaf(X34[1])))
            check(label + " 3-D", lambda: (lambda x: (f(x.view(2, 4, 3), torch.tensor([[0, 1, 3], [2, 2, 0]]),
                                                        reduction=r, **kw), [x]))(leaf(values(24))))
            check(label + " 4-D", lambda: (lambda x: (f(x.view(2, 4, 1, 3), torch.tensor([[[0, 1, 3]], [[2, 2, 0]]]),
                                                        reduction=r, **kw), [x]))(leaf(values(24))))
            check(label + " 5-D", lambda: (lambda x: (f(x.view(2, 4, 3, 1, 1), torch.tensor([[0, 1, 3], [2, 2, 0]])
                                                        .view(2, 3, 1, 1), reduction=r, **kw), [x]))(leaf(values(24))))
        label = f"{fname} {oname}"
        check(label + " transposed", lambda: (lambda x: (f(x.t(), torch.tensor(T3), **kw), [x]))(
            leaf([list(c) for c in zip(*X34)])))
        check(label + " 3-D transposed", lambda: (lambda x: (f(x.view(2, 3, 4).transpose(1, 2),
                                                               torch.tensor([[0, 1, 3], [2, 2, 0]]), **kw), [x]))(
            leaf(values(24))))
        check(label + " 3-D none transposed", lambda: (lambda x: (f(
            x.view(2, 3, 4).transpose(1, 2), torch.tensor([[0, 1, 3], [2, 2, 0]]), reduction="none", **kw), [x]))(
            leaf(values(24))))
        check(label + " f64", lambda: (lambda x: (f(x, torch.tensor(T3), **as64(kw)), [x]))(
            leaf(X34, torch.float64)))
        for r in REDUCTIONS:
            attempt(f"{label} all ignored {r}", lambda: f(torch.tensor(X34), torch.tensor([-100, -100, -100]),
                                                          reduction=r, **kw))
            attempt(f"{label} empty {r}", lambda: f(torch.zeros(0, 4), torch.zeros(0, dtype=torch.long), reduction=r,
                                                    **kw))
            attempt(f"{label} empty 3-D {r}", lambda: f(torch.zeros(0, 4, 2), torch.zeros(0, 2, dtype=torch.long),
                                                        reduction=r, **kw))
    attempt(fname + " 1-D ignored", lambda: f(torch.tensor(X34[0]), torch.tensor(2), ignore_index=2))
    attempt(fname + " out of bounds", lambda: f(torch.tensor(X34), torch.tensor([0, 5, 1])))
    attempt(fname + " negative", lambda: f(torch.tensor(X34), torch.tensor([0, -1, 1])))
    attempt(fname + " out of bounds ignored", lambda: f(torch.tensor(X34), torch.tensor([0, 5, 1]), ignore_index=5))
    attempt(fname + " out of bounds 4-D", lambda: f(torch.zeros(1, 3, 2, 2), torch.tensor([[[0, 1], [2, 3]]])))
    attempt(fname + " out of bounds 3-D", lambda: f(torch.zeros(2, 3, 2), torch.tensor([[0, 7], [0, 0]])))
    attempt(fname + " float target", lambda: f(torch.tensor(X34), torch.tensor([0.0, 2.0, 3.0])))
    attempt(fname + " i32 target", lambda: f(torch.tensor(X34), torch.tensor(T3, dtype=torch.int32)))
    attempt(fname + " bool target", lambda: f(torch.tensor(X34), torch.tensor([False, True, True])))
    attempt(fname + " i64 input", lambda: f(torch.tensor([[1, 2], [3, 4]]), torch.tensor([0, 1])))
    attempt(fname + " batch", lambda: f(torch.tensor(X34), torch.tensor([0, 2])))
    attempt(fname + " 2-D target", lambda: f(torch.tensor(X34), torch.tensor([[0, 2, 3]])))
    attempt(fname + " 0-dim target", lambda: f(torch.tensor(X34), torch.tensor(1)))
    attempt(fname + " 0-dim input", lambda: f(torch.tensor(1.0), torch.tensor(0)))
    attempt(fname + " 1-D input 1-D target", lambda: f(torch.tensor([1.0, 2.0, 3.0]), torch.tensor([2])))
    attempt(fname + " weight size", lambda: f(torch.tensor(X34), torch.tensor(T3), weight=torch.ones(3)))
    attempt(fname + " weight 2-D", lambda: f(torch.tensor(X34), torch.tensor(T3), weight=torch.ones(2, 2)))
    attempt(fname + " weight i64", lambda: f(torch.tensor(X34), torch.tensor(T3), weight=torch.ones(4).long()))
    attempt(fname + " weight f64", lambda: f(torch.tensor(X34), torch.tensor(T3), weight=torch.ones(4).double()))
    attempt(fname + " weight requires grad", lambda: f(torch.tensor(X34), torch.tensor(T3),
                                                       weight=torch.ones(4, requires_grad=True)))
    attempt(fname + " 4-D weight requires grad", lambda: f(torch.zeros(2, 3, 2, 2), torch.zeros(2, 2, 2).long(),
                                                           weight=torch.ones(3, requires_grad=True)))
    attempt(fname + " 4-D weight size", lambda: f(torch.zeros(2, 3, 2, 2), torch.zeros(2, 2, 2).long(),
                                                  weight=torch.ones(4)))
    attempt(fname + " 4-D weight f64", lambda: f(torch.zeros(2, 3, 2, 2), torch.zeros(2, 2, 2).long(),
                                                 weight=torch.ones(3).double()))
    attempt(fname + " 4-D float target", lambda: f(torch.zeros(2, 3, 2, 2), torch.zeros(2, 2, 2)))
    attempt(fname + " 3-D target size", lambda: f(torch.ones(2, 3, 4), torch.ones(2, 5).long()))
    attempt(fname + " 3-D batch", lambda: f(torch.ones(2, 3, 4), torch.ones(3, 4).long()))
    attempt(fname + " 4-D target size", lambda: f(torch.ones(2, 3, 4, 5), torch.ones(2, 4, 4).long()))
    attempt(fname + " 4-D target dims", lambda: f(torch.ones(2, 3, 4, 5), torch.ones(2, 20).long()))
    attempt(fname + " no classes", lambda: f(torch.ones(2, 0), torch.tensor([0, 0])))
    print(f"{fname} reduction 7: error: 7 is not a valid value for reduction")
    print(f"{fname} batchmean: error: batchmean is not a valid value for reduction")

# nll_loss's own: the input is used as given
check("nll_loss raw none", lambda: (lambda x: (F.nll_loss(x, torch.tensor(T3), reduction="none"), [x]))(
    leaf(X34)))
check("nll_loss default", lambda: (lambda x: (F.nll_loss(x, torch.tensor(T3)), [x]))(leaf(X34)))
with torch.no_grad():
    attempt("nll_loss weight requires grad, no grad", lambda: F.nll_loss(torch.tensor(X34), torch.tensor(T3),
                                                                         weight=torch.ones(4, requires_grad=True)))

# cross_entropy over class probabilities
PROBS = [
    ("probabilities", {}),
    ("probabilities weight", {"weight": torch.tensor(W4)}),
    ("probabilities smoothing", {"label_smoothing": 0.2}),
    ("probabilities smoothing weight", {"label_smoothing": 0.1, "weight": torch.tensor(W4)}),
]
for oname, kw in PROBS:
    for r in REDUCTIONS:
        label = f"cross_entropy {oname} {r}"
        check(label, lambda: (lambda x, y: (F.cross_entropy(x, y, reduction=r, **kw), [x, y]))(leaf(X34), leaf(P34)))
        second(label + " second", lambda: (lambda x: (F.cross_entropy(x, torch.tensor(P34, dtype=torch.float64),
                                                                      reduction=r, **as64(kw)), x))(
            leaf(X34, torch.float64)))
        check(label + " 1-D", lambda: (lambda x, y: (F.cross_entropy(x, y, reduction=r, **kw), [x, y]))(
            leaf(X34[0]), leaf(P34[1])))
        check(label + " 3-D", lambda: (lambda x, y: (F.cross_entropy(x.view(2, 4, 3), y.view(2, 4, 3), reduction=r,
                                                                     **kw), [x, y]))(
            leaf(values(24)), leaf(probabilities(24))))
        attempt(label + " empty", lambda: F.cross_entropy(torch.zeros(0, 4), torch.zeros(0, 4), reduction=r, **kw))
check("cross_entropy probabilities transposed", lambda: (lambda x, y: (F.cross_entropy(x.t(), y), [x, y]))(
    leaf([list(c) for c in zip(*X34)]), leaf(P34)))
attempt("cross_entropy probabilities i64 target", lambda: F.cross_entropy(torch.tensor(X34), torch.ones(3, 4).long()))
attempt("cross_entropy probabilities ignore_index", lambda: F.cross_entropy(torch.tensor(X34), torch.tensor(P34),
                                                                            ignore_index=1))
attempt("cross_entropy probabilities smoothing 1.5", lambda: F.cross_entropy(torch.tensor(X34), torch.tensor(P34),
                                                                             label_smoothing=1.5))
attempt("cross_entropy probabilities weight size", lambda: F.cross_entropy(torch.tensor(X34), torch.tensor(P34),
                                                                           weight=torch.ones(3)))
attempt("cross_entropy 0-dim float", lambda: F.cross_entropy(torch.tensor(1.0), torch.tensor(0.5)))
attempt("cross_entropy smoothing 1.5", lambda: F.cross_entropy(torch.tensor(X34), torch.tensor(T3),
                                                               label_smoothing=1.5))
attempt("cross_entropy smoothing -0.5", lambda: F.cross_entropy(torch.tensor(X34), torch.tensor(T3),
                                                                label_smoothing=-0.5))
attempt("cross_entropy smoothing 1", lambda: F.cross_entropy(torch.tensor(X34), torch.tensor(T3),
                                                             label_smoothing=1.0))
attempt("cross_entropy smoothing all ignored", lambda: F.cross_entropy(torch.tensor(X34), torch.tensor([-100] * 3),
                                                                       label_smoothing=0.1))
attempt("cross_entropy smoothing all ignored weight", lambda: F.cross_entropy(
    torch.tensor(X34), torch.tensor([-100] * 3), weight=torch.tensor(W4), label_smoothing=0.1))
attempt("cross_entropy large", lambda: F.cross_entropy(torch.tensor([[1000.0, -1000.0, 0.0]]), torch.tensor([1])))
attempt("cross_entropy -inf", lambda: F.cross_entropy(torch.tensor([[-float("inf"), 1.0, 0.0]]), torch.tensor([1])))
