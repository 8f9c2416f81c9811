# Oracle for nn_loss.c: the losses of two tensors (mse, l1, smooth_l1,
# huber, kl_div, binary cross entropy of probabilities and of logits) and
# margin_ranking_loss with each reduction, on contiguous, transposed, f64,
# 0-dim, broadcast and empty operands, with first and second derivatives;
# weights and pos_weight; PyTorch's errors and warnings.
import oracle
from oracle import attempt, backprop, check, graph, leaf, show
import torch
import torch.nn.functional as F

oracle.COMPARED += ("reduction: 'mean' divides",)   # F.kl_div's warning

REDUCTIONS = ["mean", "sum", "none"]
ANY_X = [[0.5, -1.0, 2.0], [0.0, 3.0, -0.25]]
ANY_Y = [[1.0, 0.0, 0.5], [1.0, 0.25, -0.5]]
PROB_X = [[0.2, 0.9, 0.5], [0.05, 0.6, 0.3]]
PROB_Y = [[0.0, 1.0, 0.5], [0.25, 0.75, 1.0]]


def transposed(rows, dtype=torch.float32):
    """A leaf stored transposed; the case uses its transpose (rows' shape)."""
    return leaf([list(c) for c in zip(*rows)], dtype)


def second(label, make, graphs=False):
    """First derivatives with create_graph (value and requires_grad, and
    with graphs their graphs), then the gradient of the sum of their
    squares."""
    out, leaves = make()
    try:
        gs = torch.autograd.grad(out, leaves, oracle.weights(out), create_graph=True)
    except RuntimeError as e:
        print(f"{label} error: {e}")
        return
    for i, g in enumerate(gs):
        show(f"{label} d1 {i}", g.detach())
        print(f"{label} d1 {i} requires_grad:", g.requires_grad)
        if graphs:
            graph(f"{label} d1 {i}", g)
    total = sum((g * g).sum() for g in gs)
    try:
        hs = torch.autograd.grad(total, leaves, allow_unused=True)
    except RuntimeError as e:
        print(f"{label} d2 error: {e}")
        return
    for i, h in enumerate(hs):
        show(f"{label} d2 {i}", h)


# Losses whose gradients are nodes of PyTorch's names (their graphs under
# create_graph are compared too; the others' are composed, docs/autograd.md).
FUSED = ("mse_loss", "smooth_l1_loss", "huber_loss")
PAIRS = [
    ("mse_loss", F.mse_loss, ANY_X, ANY_Y),
    ("l1_loss", F.l1_loss, ANY_X, ANY_Y),
    ("smooth_l1_loss", lambda x, y, reduction: F.smooth_l1_loss(x, y, reduction=reduction, beta=1.0), ANY_X, ANY_Y),
    ("smooth_l1_loss beta 0.5", lambda x, y, reduction: F.smooth_l1_loss(x, y, reduction=reduction, beta=0.5),
     ANY_X, ANY_Y),
    ("smooth_l1_loss beta 0", lambda x, y, reduction: F.smooth_l1_loss(x, y, reduction=reduction, beta=0.0),
     ANY_X, ANY_Y),
    ("huber_loss", lambda x, y, reduction: F.huber_loss(x, y, reduction=reduction, delta=1.0), ANY_X, ANY_Y),
    ("huber_loss delta 0.5", lambda x, y, reduction: F.huber_loss(x, y, reduction=reduction, delta=0.5), ANY_X, ANY_Y),
    ("kl_div", lambda x, y, reduction: F.kl_div(x, y, reduction=reduction), ANY_X, PROB_Y),
    ("kl_div log_target", lambda x, y, reduction: F.kl_div(x, y, reduction=reduction, log_target=True), ANY_X, ANY_Y),
    ("binary_cross_entropy", lambda x, y, reduction: F.binary_cross_entropy(x, y, reduction=reduction), PROB_X, PROB_Y),
    ("bce_with_logits", lambda x, y, reduction: F.binary_cross_entropy_with_logits(x, y, reduction=reduction),
     ANY_X, PROB_Y),
]

for name, f, xs, ys in PAIRS:
    for r in REDUCTIONS:
        label = f"{name} {r}"
        check(label, lambda: (lambda x, y: (f(x, y, reduction=r), [x, y]))(leaf(xs), leaf(ys)))
        check(label + " input only", lambda: (lambda x, y: (f(x, y, reduction=r), [x]))(leaf(xs), torch.tensor(ys)))
        check(label + " transposed", lambda: (lambda x, y: (f(x.t(), y.t(), reduction=r), [x, y]))(
            transposed(xs), transposed(ys)))
        check(label + " f64", lambda: (lambda x, y: (f(x, y, reduction=r), [x, y]))(
            leaf(xs, torch.float64), leaf(ys, torch.float64)))
        check(label + " 0-dim", lambda: (lambda x, y: (f(x, y, reduction=r), [x, y]))(leaf(xs[0][2]), leaf(ys[0][2])))
        second(label + " second", lambda: (lambda x, y: (f(x, y, reduction=r), [x, y]))(
            leaf(xs, torch.float64), leaf(ys, torch.float64)), name.startswith(FUSED))
        attempt(label + " empty", lambda: f(torch.zeros(0, 3), torch.zeros(0, 3), reduction=r))
    attempt(name + " broadcast", lambda: f(leaf(xs[0]), leaf(ys), reduction="mean"))
    attempt(name + " broadcast column", lambda: f(leaf([[0.5], [0.25]]), leaf(ys), reduction="sum"))
    attempt(name + " mismatch", lambda: f(torch.ones(2), torch.ones(3), reduction="mean"))
    attempt(name + " i64", lambda: f(torch.tensor([1, 0]), torch.tensor([1, 1]), reduction="mean"))
    attempt(name + " i64 sum", lambda: f(torch.tensor([1, 0]), torch.tensor([1, 1]), reduction="sum"))
    attempt(name + " i64 target", lambda: f(torch.tensor([0.5, 0.25]), torch.tensor([1, 0]), reduction="mean"))
    attempt(name + " f64 target", lambda: f(torch.tensor([0.5, 0.25]), torch.tensor([1.0, 0.0], dtype=torch.float64),
                                            reduction="mean"))
    attempt(name + " bool", lambda: f(torch.tensor([True, False]), torch.tensor([True, True]), reduction="mean"))
    print(f"{name} reduction 7: error: 7 is not a valid value for reduction")
    if not name.startswith("kl_div"):
        print(f"{name} batchmean: error: batchmean is not a valid value for reduction")

# smooth_l1 and huber parameters
attempt("smooth_l1_loss beta -1", lambda: F.smooth_l1_loss(torch.ones(2), torch.zeros(2), beta=-1.0))
attempt("huber_loss delta 0", lambda: F.huber_loss(torch.ones(2), torch.zeros(2), delta=0.0))
attempt("huber_loss delta -1", lambda: F.huber_loss(torch.ones(2), torch.zeros(2), delta=-1.0))
check("smooth_l1_loss beta 2.5", lambda: (lambda x, y: (F.smooth_l1_loss(x, y, beta=2.5), [x, y]))(leaf(ANY_X),
                                                                                                    leaf(ANY_Y)))
check("huber_loss delta 2.5", lambda: (lambda x, y: (F.huber_loss(x, y, delta=2.5), [x, y]))(leaf(ANY_X), leaf(ANY_Y)))
check("l1_loss default", lambda: (lambda x, y: (F.l1_loss(x, y), [x, y]))(leaf(ANY_X), leaf(ANY_Y)))

# kl_div: batchmean, zero and negative targets
for log_target in (False, True):
    label = f"kl_div log_target {log_target}"
    check(label + " batchmean", lambda: (lambda x, y: (F.kl_div(x, y, reduction="batchmean", log_target=log_target),
                                                       [x, y]))(leaf(ANY_X), leaf(PROB_Y)))
    check(label + " batchmean 3-D", lambda: (lambda x, y: (F.kl_div(x.view(2, 1, 3), y.view(2, 1, 3),
                                                                    reduction="batchmean", log_target=log_target),
                                                           [x, y]))(leaf(ANY_X), leaf(PROB_Y)))
    check(label + " batchmean 0-dim", lambda: (lambda x, y: (F.kl_div(x, y, reduction="batchmean",
                                                                      log_target=log_target), [x, y]))(
        leaf(-1.5), leaf(0.25)))
    attempt(label + " batchmean empty", lambda: F.kl_div(torch.zeros(0, 3), torch.zeros(0, 3), reduction="batchmean",
                                                         log_target=log_target))
    second(label + " batchmean second", lambda: (lambda x, y: (F.kl_div(x, y, reduction="batchmean",
                                                                        log_target=log_target), [x, y]))(
        leaf(ANY_X, torch.float64), leaf(PROB_Y, torch.float64)))
attempt("kl_div negative target", lambda: F.kl_div(torch.ones(2), torch.tensor([-1.0, 1.0]), reduction="none"))

# binary cross entropy: weights, ranges, dtypes
P, T = lambda: leaf(PROB_X), lambda: torch.tensor(PROB_Y)
for r in REDUCTIONS:
    check(f"bce weight row {r}", lambda: (lambda x: (F.binary_cross_entropy(x, T(), torch.tensor([0.5, 2.0, 1.0]), reduction=r),
                                                     [x]))(P()))
    check(f"bce weight full {r}", lambda: (lambda x: (F.binary_cross_entropy(x, T(), torch.tensor(ANY_Y), reduction=r), [x]))(P()))
    second(f"bce weight {r} second", lambda: (lambda x, y: (F.binary_cross_entropy(
        x, y, torch.tensor([0.5, 2.0, 1.0], dtype=torch.float64), reduction=r), [x, y]))(
        leaf(PROB_X, torch.float64), leaf(PROB_Y, torch.float64)))
check("bce weight column", lambda: (lambda x, y: (F.binary_cross_entropy(x, y, torch.tensor([[2.0], [0.5]])),
                                                  [x, y]))(P(), leaf(PROB_Y)))
check("bce at 0 and 1", lambda: (lambda x: (F.binary_cross_entropy(x, torch.tensor([0.5, 0.0, 1.0, 0.25])), [x]))(
    leaf([0.0, 1.0, 0.0, 1.0])))
attempt("bce weight mismatch", lambda: F.binary_cross_entropy(P(), T(), torch.ones(4)))
attempt("bce weight too big", lambda: F.binary_cross_entropy(P(), T(), torch.ones(2, 2, 3)))
attempt("bce weight requires grad", lambda: F.binary_cross_entropy(P(), T(), leaf([1.0, 2.0, 3.0])))
attempt("bce above 1", lambda: F.binary_cross_entropy(torch.tensor([0.5, 1.5]), torch.tensor([0.5, 0.5])))
attempt("bce below 0", lambda: F.binary_cross_entropy(torch.tensor([-0.5, 0.5]), torch.tensor([0.5, 0.5])))
attempt("bce nan", lambda: F.binary_cross_entropy(torch.tensor([float("nan"), 0.5]), torch.tensor([0.5, 0.5])))
attempt("bce target above 1", lambda: F.binary_cross_entropy(torch.tensor([0.5, 0.5]), torch.tensor([2.0, 0.5])))
attempt("bce size", lambda: F.binary_cross_entropy(P(), torch.ones(3)))
print("bce default:", F.binary_cross_entropy(torch.tensor(PROB_X), torch.tensor(PROB_Y)))
attempt("bce weight f64", lambda: F.binary_cross_entropy(P(), T(), torch.tensor([0.5, 2.0, 1.0], dtype=torch.float64)))
attempt("bce weight i64", lambda: F.binary_cross_entropy(P(), T(), torch.tensor([1, 2, 3])))

# binary cross entropy with logits: weight and pos_weight
X, Y = lambda: leaf(ANY_X), lambda: torch.tensor(PROB_Y)
for r in REDUCTIONS:
    check(f"bce_with_logits weight {r}", lambda: (lambda x: (F.binary_cross_entropy_with_logits(
        x, Y(), torch.tensor([0.5, 2.0, 1.0]), reduction=r), [x]))(X()))
    check(f"bce_with_logits pos_weight {r}", lambda: (lambda x, y: (F.binary_cross_entropy_with_logits(
        x, y, pos_weight=torch.tensor([3.0, 0.5, 1.0]), reduction=r), [x, y]))(X(), leaf(PROB_Y)))
    check(f"bce_with_logits both {r}", lambda: (lambda x, y: (F.binary_cross_entropy_with_logits(
        x, y, torch.tensor([[2.0], [0.5]]), pos_weight=torch.tensor([3.0, 0.5, 1.0]), reduction=r), [x, y]))(X(), leaf(PROB_Y)))
    second(f"bce_with_logits both {r} second", lambda: (lambda x, y: (F.binary_cross_entropy_with_logits(
        x, y, torch.tensor([[2.0], [0.5]], dtype=torch.float64),
        pos_weight=torch.tensor([3.0, 0.5, 1.0], dtype=torch.float64),
        reduction=r), [x, y]))(leaf(ANY_X, torch.float64), leaf(PROB_Y, torch.float64)))
check("bce_with_logits large", lambda: (lambda x: (F.binary_cross_entropy_with_logits(
    x, torch.tensor([0.0, 1.0, 0.5, 1.0]), pos_weight=torch.tensor([2.0])), [x]))(leaf([-100.0, -30.0, 50.0, 100.0])))
attempt("bce_with_logits weight mismatch", lambda: F.binary_cross_entropy_with_logits(X(), Y(), torch.ones(4)))
attempt("bce_with_logits weight too big", lambda: F.binary_cross_entropy_with_logits(X(), Y(), torch.ones(2, 2, 3)))
attempt("bce_with_logits pos_weight mismatch", lambda: F.binary_cross_entropy_with_logits(
    X(), Y(), pos_weight=torch.ones(4)))
attempt("bce_with_logits pos_weight too big", lambda: F.binary_cross_entropy_with_logits(
    X(), Y(), pos_weight=torch.ones(2, 2, 3)))
attempt("bce_with_logits weight requires grad", lambda: F.binary_cross_entropy_with_logits(
    X(), Y(), leaf([1.0, 2.0, 3.0])))
attempt("bce_with_logits pos_weight requires grad", lambda: F.binary_cross_entropy_with_logits(
    X(), Y(), pos_weight=leaf([1.0, 2.0, 3.0])))
attempt("bce_with_logits weight f64", lambda: F.binary_cross_entropy_with_logits(
    X(), Y(), torch.tensor([0.5, 2.0, 1.0], dtype=torch.float64)))
attempt("bce_with_logits pos_weight f64", lambda: F.binary_cross_entropy_with_logits(
    X(), Y(), pos_weight=torch.tensor([3.0, 0.5, 1.0], dtype=torch.float64)))
attempt("bce_with_logits f64 target", lambda: F.binary_cross_entropy_with_logits(
    X(), Y().double(), pos_weight=torch.tensor([3.0, 0.5, 1.0])))
with torch.no_grad():
    attempt("bce_with_logits weight requires grad, no grad", lambda: F.binary_cross_entropy_with_logits(
        X(), Y(), leaf([1.0, 2.0, 3.0])))

# margin_ranking_loss
SIGNS = [[1.0, -1.0, 1.0], [-1.0, -1.0, 1.0]]
for margin in (0.0, 0.5):
    for r in REDUCTIONS:
        label = f"margin_ranking_loss {margin} {r}"
        check(label, lambda: (lambda a, b: (F.margin_ranking_loss(a, b, torch.tensor(SIGNS), margin, reduction=r),
                                            [a, b]))(leaf(ANY_X), leaf(ANY_Y)))
        second(label + " second", lambda: (lambda a, b: (F.margin_ranking_loss(
            a, b, torch.tensor(SIGNS, dtype=torch.float64), margin, reduction=r), [a, b]))(
            leaf(ANY_X, torch.float64), leaf(ANY_Y, torch.float64)))
check("margin_ranking_loss target grad", lambda: (lambda a, b, y: (F.margin_ranking_loss(a, b, y, 0.25), [a, b, y]))(
    leaf(ANY_X), leaf(ANY_Y), leaf(SIGNS)))
check("margin_ranking_loss broadcast", lambda: (lambda a, b: (F.margin_ranking_loss(a, b, torch.tensor([[1.0, -1.0, 1.0]]),
                                                                                    0.1), [a, b]))(
    leaf(ANY_X), leaf([[0.5, 0.25, -1.0]])))
check("margin_ranking_loss 0-dim", lambda: (lambda a, b: (F.margin_ranking_loss(a, b, torch.tensor(-1.0), 0.5), [a, b]))(
    leaf(1.0), leaf(2.0)))
attempt("margin_ranking_loss dims", lambda: F.margin_ranking_loss(torch.ones(2, 3), torch.ones(3), torch.ones(3)))
attempt("margin_ranking_loss 0-dim target", lambda: F.margin_ranking_loss(torch.ones(2), torch.ones(2),
                                                                          torch.tensor(1.0)))
attempt("margin_ranking_loss mismatch", lambda: F.margin_ranking_loss(torch.ones(2), torch.ones(3), torch.ones(3)))
attempt("margin_ranking_loss i64", lambda: F.margin_ranking_loss(torch.tensor([1, 2]), torch.tensor([2, 2]),
                                                                 torch.tensor([1, -1])))
print("margin_ranking_loss reduction 7: error: 7 is not a valid value for reduction")


# saved tensors changed in place before backward (PyTorch's error without
# its anomaly-mode hint, which names a Python function tensorgrad lacks)
def version(label, make):
    loss, change = make()
    change()
    try:
        loss.backward()
        print(f"{label}: no error")
    except RuntimeError as e:
        print(f"{label}: error: {str(e).split(' Hint:')[0]}")


def v_softmax():
    y = torch.softmax(leaf(ANY_X), 1)
    return y.sum(), lambda: y.add_(1)


def v_mse():
    a = leaf(ANY_X) * 2
    return F.mse_loss(a, torch.tensor(ANY_Y)), lambda: a.add_(1)


def v_nll():
    logp = torch.log_softmax(leaf(ANY_X), 1)
    return F.nll_loss(logp, torch.tensor([0, 2])), lambda: logp.mul_(2)


def v_bce_target():
    t = torch.tensor(PROB_Y)
    return F.binary_cross_entropy(leaf(PROB_X), t), lambda: t.mul_(0.5)


def v_bce_logits_weight():
    w = torch.tensor([0.5, 2.0, 1.0])
    return F.binary_cross_entropy_with_logits(leaf(ANY_X), torch.tensor(PROB_Y), w), lambda: w.mul_(2)


def v_smooth_l1_target():
    t = torch.tensor(ANY_Y)
    return F.smooth_l1_loss(leaf(ANY_X), t), lambda: t.add_(1)


for name, make in [("version softmax", v_softmax), ("version mse_loss", v_mse), ("version nll_loss", v_nll),
                   ("version bce target", v_bce_target), ("version bce_with_logits weight", v_bce_logits_weight),
                   ("version smooth_l1_loss target", v_smooth_l1_target)]:
    version(name, make)
