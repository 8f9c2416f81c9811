# Oracle for ops_reduce.c: sum, mean (all elements and over dims, with
# keepdim, negative and multiple dims), max over a dim and the 2-norm, forward
# and backward, on contiguous, permuted, sliced and expanded inputs.
from oracle import check, leaf, show, sl
import torch


def cube():
    """(2, 3, 4) leaf with values -2, -1.75, ..., 3.75."""
    return (torch.arange(24.0) / 4 - 2).reshape(2, 3, 4).requires_grad_()


# Over all elements, on a contiguous and a permuted input.
def full(f, permuted):
    def make():
        x = cube()
        return f(x.permute(2, 0, 1) if permuted else x), [x]
    return make


for name, f in [("sum", torch.sum), ("mean", torch.mean)]:
    check(name, full(f, False))
    check(name + " permuted", full(f, True))
    check(name + " 0-dim", lambda f=f: (lambda s: (f(s), [s]))(leaf(1.5)))
    check(name + " f64", lambda f=f: (lambda s: (f(s), [s]))(leaf([[0.5, 1.0], [2.0, 4.0]], torch.float64)))

# Over dims, with keepdim, negative dims and several dims at once.
DIMS = [[0], [1], [-1], [0, 2], [-1, -3], [2, 0, 1], [1, -1]]
for name, f in [("sum_dim", torch.sum), ("mean_dim", torch.mean)]:
    for dims in DIMS:
        for keep in [False, True]:
            for permuted in [False, True]:
                def make(f=f, dims=dims, keep=keep, permuted=permuted):
                    x = cube()
                    src = x.permute(2, 0, 1) if permuted else x
                    return f(src, dim=dims, keepdim=keep), [x]
                check(f"{name} {dims} keepdim={keep}{' permuted' if permuted else ''}", make)
    for dims in [[0], [-1]]:
        for keep in [False, True]:
            def make(f=f, dims=dims, keep=keep):
                s = leaf(1.5)
                return f(s, dim=dims, keepdim=keep), [s]
            check(f"{name} 0-dim {dims} keepdim={keep}", make)

    def sliced(f=f):
        x = cube()
        return f(sl(x, 2, 1, 4, 2), dim=[2], keepdim=False), [x]
    check(f"{name} sliced", sliced)

    def expanded(f=f):
        r = leaf([[1.0], [2.0], [4.0]])
        return f(r.expand(3, 4), dim=[0], keepdim=True), [r]
    check(f"{name} expanded", expanded)

# Integer and bool sums are int64; no gradients.
show("sum int64", torch.tensor([[1, 2, 3], [4, 5, 6]]).sum())
show("sum_dim int32", torch.tensor([[1, 2, 3], [4, 5, 6]], dtype=torch.int32).sum(dim=[1]))
show("sum bool", torch.tensor([True, False, True]).sum())
show("sum_dim bool keepdim", torch.tensor([[True, False], [True, True]]).sum(dim=[0], keepdim=True))

# max over a dim: values, indices (first of equal maxima) and gradients.
def ties():
    return leaf([[1.0, 3.0, 3.0, -1.0], [2.0, 2.0, 1.0, 0.5], [-4.0, 5.0, 0.0, 5.0]])


for dim in [0, 1, -1, -2]:
    for keep in [False, True]:
        def make(dim=dim, keep=keep):
            x = ties()
            v, i = x.max(dim, keep)
            show(f"max_dim {dim} keepdim={keep} indices", i)
            return v, [x]
        check(f"max_dim {dim} keepdim={keep}", make)

        def make_p(dim=dim, keep=keep):
            x = cube()
            v, i = sl(x.permute(2, 0, 1), 0, 1, 3, 1).max(dim, keep)
            show(f"max_dim permuted {dim} keepdim={keep} indices", i)
            return v, [x]
        check(f"max_dim permuted {dim} keepdim={keep}", make_p)


def max0d():
    s = leaf(2.5)
    v, i = s.max(0)
    show("max_dim 0-dim indices", i)
    return v, [s]


check("max_dim 0-dim", max0d)
v, i = torch.tensor([[3, 1], [2, 7]]).max(1)
show("max_dim int64 values", v)
show("max_dim int64 indices", i)
v, i = torch.tensor([[1.0, float("nan"), 2.0], [float("nan"), 0.0, float("nan")]]).max(1)
show("max_dim nan values", v)
show("max_dim nan indices", i)

# The 2-norm of all elements.
check("norm", full(torch.norm, False))
check("norm permuted", full(torch.norm, True))
check("norm zeros", lambda: (lambda z: (z.norm(), [z]))(torch.zeros(2, 3, requires_grad=True)))
check("norm f64", lambda: (lambda x: (x.norm(), [x]))(leaf([3.0, -4.0], torch.float64)))
check("norm 0-dim", lambda: (lambda x: (x.norm(), [x]))(leaf(-2.0)))


# Reductions of reductions.
def nested():
    x = cube()
    m = x.mean(dim=[-1], keepdim=True)
    return (x - m).pow(2).sum(dim=[1]).mean(), [x]


check("nested", nested)
