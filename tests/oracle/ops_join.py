# Oracle for ops_join.c: cat, stack, flatten, unflatten, squeeze and narrow:
# values, strides, whether the result shares its input's storage, graphs,
# gradients and errors.
from oracle import check, graph, show, weights
import torch


def geometry(label, t):
    s = ", ".join(str(v) for v in t.stride())
    print(f"{label} {t.dtype} stride: ({s}{',' if t.dim() == 1 else ''})")


def shares(label, out, x):
    before = x._version
    try:
        out.detach().mul_(1)
        print(label, "shares:", x._version != before)
    except RuntimeError as e:
        print(label, "shares: error:", e)


def try_(f):
    try:
        return f()
    except (RuntimeError, IndexError) as e:
        return "error: " + str(e)


def show_(label, f):
    r = try_(f)
    if isinstance(r, str):
        print(label + ":", r)
    else:
        show(label, r)


def case(label, make_leaf, f):
    x = make_leaf()
    out = try_(lambda: f(x))
    if isinstance(out, str):
        print(label + ":", out)
        return
    check(label, lambda: (out, [x]))
    geometry(label, out)
    shares(label, out, x)


def joined(label, f, leaves):
    out = try_(f)
    if isinstance(out, str):
        print(label + ":", out)
        return
    check(label, lambda: (out, leaves))
    geometry(label, out)


def seq(*shape):
    n = 1
    for s in shape:
        n *= s
    return (torch.arange(0.0, n) / 2).reshape(shape).requires_grad_()


def seq64(*shape):
    return seq(*shape).detach().to(torch.float64).requires_grad_()


def ints(*shape):
    n = 1
    for s in shape:
        n *= s
    return torch.arange(n).reshape(shape)


def t2(x):
    return x.transpose(0, 1)


def leaf(v):
    return torch.tensor(v, requires_grad=True)


# cat
a, b = seq(2, 3), seq64(2, 2)
joined("cat dim 1 promoted", lambda: torch.cat([a, b], 1), [a, b])
a, b = seq(2, 3), seq(1, 3)
joined("cat dim 0", lambda: torch.cat([a, b, a], 0), [a, b])
a, b = seq(2, 3), seq(3, 2)
joined("cat transposed", lambda: torch.cat([t2(b), a], -1), [a, b])
a = seq(3, 1)
joined("cat expanded", lambda: torch.cat([a.expand(3, 2), a], 1), [a])
a = seq(2, 3)
joined("cat one", lambda: torch.cat([a], 0), [a])
a, b = seq(2, 3), seq(0)
joined("cat skips (0,)", lambda: torch.cat([b, a, b], 1), [a, b])
a, b = seq(2, 3), seq(2, 0)
joined("cat (2, 0)", lambda: torch.cat([a, b], 1), [a, b])
a, b = seq(0), seq(0)
joined("cat only (0,)", lambda: torch.cat([a, b], 3), [a, b])
a = seq(1, 3)
i = ints(1, 3)
joined("cat float and int", lambda: torch.cat([i, a], 0), [a])
show_("cat ints", lambda: torch.cat([i, i], 1))
show_("cat int and bool", lambda: torch.cat([i, torch.ones(1, 3, dtype=torch.bool)], 0))
show_("cat bools", lambda: torch.cat([torch.ones(2, dtype=torch.bool), torch.zeros(1, dtype=torch.bool)], 0))
show_("cat int and empty f64", lambda: torch.cat([i, torch.zeros(0, dtype=torch.float64)], 0))
m = seq(2, 3)
show_("cat error dims", lambda: torch.cat([m, torch.ones(3)], 0))
show_("cat error dims 3", lambda: torch.cat([m, torch.ones(2, 3, 1)], 0))
show_("cat error sizes", lambda: torch.cat([m, torch.ones(2, 2)], 0))
show_("cat error sizes 1", lambda: torch.cat([m, m, torch.ones(3, 3)], 1))
show_("cat error 0-dim", lambda: torch.cat([m, torch.tensor(2.0)], 0))
show_("cat error dim", lambda: torch.cat([m, m], 2))
show_("cat error dim after (0,)", lambda: torch.cat([torch.ones(0), m], 5))
show_("cat error empty list", lambda: torch.cat([], 0))
print("cat error NULL: error: tg_cat(): a tensor argument is NULL")

# stack
a, b = seq(2, 3), seq64(2, 3)
for d in range(-3, 3):
    joined(f"stack dim {d}", lambda: torch.stack([a, b, a], d), [a, b])
a = seq(3, 2)
joined("stack transposed", lambda: torch.stack([t2(a), seq(2, 3)], 1), [a])
a = seq(1, 3)
joined("stack expanded", lambda: torch.stack([a.expand(2, 3), t2(seq(3, 2))], 2), [a])
a, b = leaf(1.5), leaf(-2.0)
joined("stack 0-dim", lambda: torch.stack([a, b], 0), [a, b])
a = seq(0)
joined("stack (0,)", lambda: torch.stack([a, a], 1), [a])
a = seq(2, 0)
joined("stack (2, 0)", lambda: torch.stack([a, a], 0), [a])
show_("stack ints", lambda: torch.stack([ints(2), ints(2)], 1))
show_("stack int and 0-dim float", lambda: torch.stack([torch.arange(0, 1), torch.ones(1, dtype=torch.float64)], 0))
show_("stack error sizes", lambda: torch.stack([m, torch.ones(2, 2)], 0))
show_("stack error sizes last", lambda: torch.stack([m, torch.ones(2, 3, 1)], 2))
show_("stack error 0-dim", lambda: torch.stack([torch.tensor(1.0), torch.ones(1)], 0))
show_("stack error dim", lambda: torch.stack([m, m], 3))
show_("stack error dim negative", lambda: torch.stack([m, m], -4))
show_("stack error empty list", lambda: torch.stack([], 0))

# flatten and unflatten
case("flatten all", lambda: seq(2, 3, 4), lambda x: x.flatten(0, -1))
case("flatten 1", lambda: seq(2, 3, 4), lambda x: x.flatten(1, -1))
case("flatten 0 1", lambda: seq(2, 3, 4), lambda x: x.flatten(0, 1))
case("flatten one dim", lambda: seq(2, 3, 4), lambda x: x.flatten(1, 1))
case("flatten transposed", lambda: seq(2, 3, 4), lambda x: x.transpose(0, 1).flatten(0, -1))
case("flatten transposed viewable", lambda: seq(2, 3, 4), lambda x: x.transpose(0, 1).flatten(2, 2))
case("flatten transposed 1", lambda: seq(2, 3, 4), lambda x: x.transpose(0, 2).flatten(1, 2))
case("flatten expanded", lambda: seq(3, 1), lambda x: x.expand(3, 2).flatten(0, 1))
case("flatten 0-dim", lambda: leaf(2.0), lambda x: x.flatten(0, -1))
case("flatten empty", lambda: seq(2, 0, 3), lambda x: x.flatten(0, 1))
case("flatten f64", lambda: seq64(2, 2), lambda x: x.flatten(0, 1))
show_("flatten ints", lambda: ints(2, 3).flatten(0, -1))
show_("flatten error order", lambda: seq(2, 3, 4).flatten(2, 1))
show_("flatten error dim", lambda: seq(2, 3, 4).flatten(0, 3))
show_("flatten error 0-dim", lambda: torch.tensor(1.0).flatten(0, 1))
case("unflatten", lambda: seq(2, 12), lambda x: x.unflatten(1, (3, 4)))
case("unflatten -1", lambda: seq(2, 12), lambda x: x.unflatten(-1, (2, -1, 3)))
case("unflatten 1", lambda: seq(2, 3), lambda x: x.unflatten(0, (2,)))
case("unflatten transposed", lambda: seq(2, 12), lambda x: t2(x).unflatten(0, (4, 3)))
case("unflatten expanded", lambda: seq(1, 3), lambda x: x.expand(4, 3).unflatten(0, (2, 2)))
case("unflatten empty", lambda: seq(2, 0, 3), lambda x: x.unflatten(1, (5, 0)))
case("unflatten f64", lambda: seq64(6), lambda x: x.unflatten(0, (3, 1, 2)))
m = seq(2, 3)
show_("unflatten ints", lambda: ints(6).unflatten(0, (2, 3)))
show_("unflatten error fit", lambda: m.unflatten(1, (2, 2)))
show_("unflatten error two -1", lambda: m.unflatten(1, (-1, -1)))
show_("unflatten error negative", lambda: m.unflatten(1, (-2, 3)))
show_("unflatten error empty sizes", lambda: m.unflatten(1, ()))
show_("unflatten error dim", lambda: m.unflatten(2, (1, 3)))
show_("unflatten error 0-dim", lambda: torch.tensor(1.0).unflatten(0, (1,)))
show_("unflatten error ambiguous", lambda: torch.ones(2, 0).unflatten(1, (0, -1)))

# squeeze and narrow
case("squeeze", lambda: seq(1, 3, 1, 2), lambda x: x.squeeze())
case("squeeze none", lambda: seq(2, 3), lambda x: x.squeeze())
case("squeeze all ones", lambda: seq(1, 1), lambda x: x.squeeze())
case("squeeze 0-dim", lambda: leaf(3.0), lambda x: x.squeeze())
case("squeeze transposed", lambda: seq(3, 1, 2), lambda x: x.transpose(0, 2).squeeze())
case("squeeze expanded", lambda: seq(1, 1, 3), lambda x: x.expand(1, 2, 3).squeeze())
case("squeeze empty", lambda: seq(1, 0, 1), lambda x: x.squeeze())
case("squeeze f64", lambda: seq64(2, 1), lambda x: x.squeeze())
case("narrow", lambda: seq(2, 3, 4), lambda x: x.narrow(1, 1, 2))
case("narrow negative", lambda: seq(2, 3, 4), lambda x: x.narrow(-1, -2, 2))
case("narrow to empty at end", lambda: seq(2, 3, 4), lambda x: x.narrow(1, 3, 0))
case("narrow transposed", lambda: seq(2, 3, 4), lambda x: x.transpose(0, 2).narrow(0, 1, 3))
case("narrow expanded", lambda: seq(3, 1), lambda x: x.expand(3, 4).narrow(1, 1, 2))
case("narrow empty", lambda: seq(0), lambda x: x.narrow(0, -1, 0))
case("narrow f64", lambda: seq64(5), lambda x: x.narrow(0, 1, 3))
c = seq(2, 3, 4)
show_("squeeze ints", lambda: ints(1, 3).squeeze())
show_("narrow ints", lambda: ints(2, 3).narrow(1, 1, 1))
show_("narrow error past end", lambda: c.narrow(1, 2, 2))
show_("narrow error negative length", lambda: c.narrow(1, 1, -1))
show_("narrow error start", lambda: c.narrow(1, 5, 0))
show_("narrow error start negative", lambda: c.narrow(1, -4, 0))
show_("narrow error dim", lambda: c.narrow(3, 0, 0))
show_("narrow error 0-dim", lambda: torch.tensor(1.0).narrow(0, 0, 1))
show_("narrow error empty start", lambda: torch.ones(0).narrow(0, 1, 0))
show_("view error ambiguous", lambda: torch.ones(0).view(0, -1))
show_("view error no fit", lambda: torch.ones(2).view(0, -1))


# split, chunk and unbind
def pieces(label, make, call, only=-1):
    x = make()
    try:
        ps = call(x)
    except (RuntimeError, IndexError) as e:
        print(f"{label} count: -1")
        print(f"{label} error: {e}")
        return
    print(f"{label} count: {len(ps)}")
    total = None
    for i, p in enumerate(ps):
        show(f"{label} {i}", p)
        geometry(f"{label} {i}", p)
        graph(f"{label} {i}", p)
        if only >= 0 and i != only:
            continue
        term = (p * (i + 1)).sum()
        total = term if total is None else total + term
    if total is not None and total.requires_grad:
        total.backward()
        show(label, x.grad)
    if ps:
        shares(label, ps[0], x)


pieces("split", lambda: seq(5, 2), lambda x: x.split(2, 0))
pieces("split dim -1", lambda: seq(2, 5), lambda x: x.split(3, -1))
pieces("split one used", lambda: seq(5, 2), lambda x: x.split(2, 0), 1)
pieces("split larger", lambda: seq(2, 3), lambda x: x.split(5, 1))
pieces("split transposed", lambda: seq(2, 4), lambda x: t2(x).split(3, 0))
pieces("split expanded", lambda: seq(1, 3), lambda x: x.expand(4, 3).split(2, 0))
pieces("split empty", lambda: seq(0, 3), lambda x: x.split(0, 0))
pieces("split empty 2", lambda: seq(0, 3), lambda x: x.split(2, 0))
pieces("split f64", lambda: seq64(3), lambda x: x.split(1, 0))
pieces("split ints", lambda: ints(3), lambda x: x.split(2, 0))
pieces("chunk", lambda: seq(5), lambda x: x.chunk(3, 0))
pieces("chunk 4 of 6", lambda: seq(2, 6), lambda x: x.chunk(4, 1))
pieces("chunk one used", lambda: seq(6), lambda x: x.chunk(2, 0), 0)
pieces("chunk transposed", lambda: seq(3, 2), lambda x: t2(x).chunk(2, 1))
pieces("chunk empty", lambda: seq(2, 0), lambda x: x.chunk(3, 1))
pieces("chunk 1", lambda: seq(4), lambda x: x.chunk(1, 0))
pieces("unbind", lambda: seq(3, 2), lambda x: x.unbind(0))
pieces("unbind dim 1", lambda: seq(2, 3), lambda x: x.unbind(-1))
pieces("unbind one used", lambda: seq(3, 2), lambda x: x.unbind(0), 2)
pieces("unbind transposed", lambda: seq(2, 3), lambda x: t2(x).unbind(1))
pieces("unbind expanded", lambda: seq(1, 2), lambda x: x.expand(3, 2).unbind(0))
pieces("unbind 1-D", lambda: seq64(3), lambda x: x.unbind(0))
pieces("unbind empty", lambda: seq(0, 3), lambda x: x.unbind(0))
pieces("unbind of empty dim", lambda: seq(2, 0), lambda x: x.unbind(0))
pieces("unbind ints", lambda: ints(2, 2), lambda x: x.unbind(1))
pieces("split error 0-dim", lambda: leaf(1.0), lambda x: x.split(1, 0))
pieces("split error negative", lambda: seq(2, 3), lambda x: x.split(-1, 0))
pieces("split error zero", lambda: seq(2, 3), lambda x: x.split(0, 0))
pieces("split error dim", lambda: seq(2, 3), lambda x: x.split(1, 2))
pieces("chunk error 0-dim", lambda: leaf(1.0), lambda x: x.chunk(1, 0))
pieces("chunk error zero", lambda: seq(2, 3), lambda x: x.chunk(0, 0))
pieces("chunk error negative", lambda: seq(2, 3), lambda x: x.chunk(-1, 0))
pieces("chunk error dim", lambda: seq(2, 3), lambda x: x.chunk(1, -3))
pieces("unbind error 0-dim", lambda: leaf(1.0), lambda x: x.unbind(0))
pieces("unbind error 0-dim dim", lambda: leaf(1.0), lambda x: x.unbind(3))
pieces("unbind error dim", lambda: seq(2, 3), lambda x: x.unbind(2))
print("split error max_out count: -1")
print("split error max_out error: tg_split(): 5 pieces do not fit in max_out = 4")
print("unbind error max_out count: -1")
print("unbind error max_out error: tg_unbind(): 3 pieces do not fit in max_out = 2")

# In place on the pieces: refused while they are tracked.
x = seq(6)
y = x * 1
ps = y.split(4, 0)
show_("split mul_", lambda: ps[1].mul_(2))
show_("split view of piece mul_", lambda: ps[0].view(2, 2).mul_(2))
show_("split select of piece zero_", lambda: ps[1].select(0, 0).zero_())
ps = y.unbind(0)
show_("unbind add_", lambda: ps[2].add_(1))
show_("unbind copy_", lambda: ps[3].copy_(torch.tensor(1.0)))
ps = x.chunk(2, 0)
show_("chunk of leaf fill_", lambda: ps[1].fill_(1))
ps = torch.ones(3).split(2, 0)
show_("split of constant mul_ by grad", lambda: ps[0].mul_(x[0:2]))
show_("split of constant mul_", lambda: ps[1].mul_(2))
with torch.no_grad():
    ps = y.split(3, 0)
    ps[0].add_(1)
    print("split in no_grad add_ in no_grad: done")
show_("split in no_grad add_", lambda: ps[1].add_(1))
show("after", y)
# written in place after their base was
ps = y.split(4, 0)
y.mul_(2)
show_("split after base mul_", lambda: ps[1].mul_(2))
ps = y.unbind(0)
try_(lambda: ps[0].add_(0))
show_("unbind after another piece", lambda: ps[0].add_(1))
ps = torch.ones(4).split(2, 0)
c = torch.ones(2)
ps[0][0:2].copy_(c)
show_("split of constant after write", lambda: ps[1].mul_(x[0:2]))

# repeat, tile, flip, roll, tril and triu
case("repeat", lambda: seq(2, 3), lambda x: x.repeat(2, 1, 2))
case("repeat same", lambda: seq(2, 3), lambda x: x.repeat(1, 1))
case("repeat zero", lambda: seq(2, 3), lambda x: x.repeat(0, 2))
case("repeat transposed", lambda: seq(2, 3), lambda x: t2(x).repeat(2, 3))
case("repeat expanded", lambda: seq(3, 1), lambda x: x.expand(3, 2).repeat(1, 2))
case("repeat 0-dim", lambda: leaf(1.5), lambda x: x.repeat(3))
case("repeat 0-dim none", lambda: leaf(1.5), lambda x: x.repeat(()))
case("repeat empty", lambda: seq(0, 2), lambda x: x.repeat(2, 2))
case("repeat f64", lambda: seq64(3), lambda x: x.repeat(2, 2))
case("tile", lambda: seq(2, 3), lambda x: x.tile((2,)))
case("tile more", lambda: seq(3), lambda x: x.tile((2, 2)))
case("tile none", lambda: seq(2, 3), lambda x: x.tile(()))
case("flip 0", lambda: seq(2, 3), lambda x: x.flip(0))
case("flip both", lambda: seq(2, 3), lambda x: x.flip(-1, 0))
case("flip none", lambda: seq(2, 3), lambda x: x.flip(()))
case("flip transposed", lambda: seq(2, 3), lambda x: t2(x).flip(0))
case("flip expanded", lambda: seq(1, 3), lambda x: x.expand(2, 3).flip(1))
case("flip 0-dim", lambda: leaf(2.0), lambda x: x.flip(0))
case("flip empty", lambda: seq(0, 2), lambda x: x.flip(0, 1))
case("roll", lambda: seq(2, 3), lambda x: x.roll(1, 1))
case("roll negative", lambda: seq(2, 3), lambda x: x.roll(-4, -1))
case("roll two", lambda: seq(2, 3), lambda x: x.roll((1, 2), (0, 1)))
case("roll same dim twice", lambda: seq(4), lambda x: x.roll((1, 2), (0, 0)))
case("roll flat", lambda: seq(2, 3), lambda x: x.roll(2))
case("roll transposed", lambda: seq(2, 3), lambda x: t2(x).roll(1, 1))
case("roll transposed flat", lambda: seq(2, 3), lambda x: t2(x).roll(-1))
case("roll expanded", lambda: seq(1, 3), lambda x: x.expand(2, 3).roll(1, 1))
case("roll 0-dim", lambda: leaf(2.0), lambda x: x.roll(1))
case("roll empty", lambda: seq(0, 3), lambda x: x.roll(1, 0))
case("roll large", lambda: seq(3), lambda x: x.roll(4611686018427387905, 0))
case("tril", lambda: seq(3, 4), lambda x: x.tril(0))
case("tril 1", lambda: seq(3, 4), lambda x: x.tril(1))
case("tril -1", lambda: seq(3, 4), lambda x: x.tril(-1))
case("tril far", lambda: seq(3, 4), lambda x: x.tril(-100))
case("triu", lambda: seq(3, 4), lambda x: x.triu(0))
case("triu 2", lambda: seq(3, 4), lambda x: x.triu(2))
case("triu -1 transposed", lambda: seq(3, 4), lambda x: t2(x).triu(-1))
case("triu batched", lambda: seq(2, 2, 3), lambda x: x.triu(1))
case("tril expanded", lambda: seq(1, 3), lambda x: x.expand(3, 3).tril(0))
case("tril empty", lambda: seq(0, 3), lambda x: x.tril(0))
case("triu f64", lambda: seq64(2, 2), lambda x: x.triu(0))
m = seq(2, 3)
show_("repeat ints", lambda: ints(2).repeat(2, 2))
show_("flip bools", lambda: torch.tensor([True, False, False]).flip(0))
show_("roll ints", lambda: ints(2, 2).roll(1, 0))
show_("tril ints", lambda: ints(3, 3).tril(0))
show_("triu bools", lambda: torch.ones(2, 2, dtype=torch.bool).triu(1))
show_("repeat error fewer", lambda: m.repeat(2))
show_("repeat error negative", lambda: m.repeat(2, -1))
show_("tile error negative", lambda: m.tile((-1,)))
show_("flip error repeated", lambda: m.flip(0, -2))
show_("flip error dim", lambda: m.flip(2))
show_("roll error none", lambda: m.roll((), ()))
show_("roll error align", lambda: m.roll((1, 2)))
show_("roll error dim", lambda: m.roll(1, 2))
show_("roll error 0-dim", lambda: torch.tensor(1.0).roll(1, 0))
show_("tril error 1-D", lambda: torch.ones(3).tril(0))
show_("triu error 0-dim", lambda: torch.tensor(1.0).triu(0))

# movedim, diagonal and diag_embed
case("movedim", lambda: seq(2, 3, 4), lambda x: x.movedim(0, 2))
case("movedim back", lambda: seq(2, 3, 4), lambda x: x.movedim(-1, 0))
case("movedim same", lambda: seq(2, 3), lambda x: x.movedim(1, 1))
case("movedim transposed", lambda: seq(2, 3, 4), lambda x: x.transpose(0, 2).movedim(1, 0))
case("movedim 0-dim", lambda: leaf(2.0), lambda x: x.movedim(0, -1))
case("movedim 1-D", lambda: seq(3), lambda x: x.movedim(0, 0))
case("diagonal", lambda: seq(3, 4), lambda x: x.diagonal(0, 0, 1))
case("diagonal 1", lambda: seq(3, 4), lambda x: x.diagonal(1, 0, 1))
case("diagonal -1 swapped", lambda: seq(3, 4), lambda x: x.diagonal(-1, 1, 0))
case("diagonal far", lambda: seq(2, 3), lambda x: x.diagonal(-5, 0, 1))
case("diagonal 3-D", lambda: seq(2, 3, 4), lambda x: x.diagonal(1, -1, 0))
case("diagonal transposed", lambda: seq(3, 4), lambda x: t2(x).diagonal(0, 0, 1))
case("diagonal expanded", lambda: seq(1, 3), lambda x: x.expand(3, 3).diagonal(0, 0, 1))
case("diagonal f64", lambda: seq64(2, 2), lambda x: x.diagonal(0, 0, 1))
case("diag_embed", lambda: seq(2, 3), lambda x: torch.diag_embed(x, 0, -2, -1))
case("diag_embed 1 0 2", lambda: seq(2, 3), lambda x: torch.diag_embed(x, 1, 0, 2))
case("diag_embed -1 -1 0", lambda: seq(2, 3), lambda x: torch.diag_embed(x, -1, -1, 0))
case("diag_embed transposed", lambda: seq(2, 3), lambda x: torch.diag_embed(t2(x), 0, -2, -1))
case("diag_embed 1-D", lambda: seq64(3), lambda x: torch.diag_embed(x, 0, -2, -1))
case("diag_embed empty", lambda: seq(2, 0), lambda x: torch.diag_embed(x, 0, -2, -1))
show_("diagonal ints", lambda: ints(3, 3).diagonal(0, 0, 1))
show_("diag_embed ints", lambda: torch.diag_embed(ints(2), 0, -2, -1))
show_("movedim error", lambda: m.movedim(2, 0))
show_("diagonal error same", lambda: m.diagonal(0, 0, -2))
show_("diagonal error dim", lambda: m.diagonal(0, 0, 2))
show_("diagonal error 1-D", lambda: torch.ones(3).diagonal(0, 0, 1))
show_("diag_embed error same", lambda: torch.diag_embed(m, 0, 1, 1))
show_("diag_embed error dim", lambda: torch.diag_embed(m, 0, 3, 1))
show_("diag_embed error 0-dim", lambda: torch.diag_embed(torch.tensor(1.0), 0, -2, -1))


# In-place view operations: t_, transpose_, squeeze_, unsqueeze_
def restride(label, make_leaf, make_y, call):
    x = make_leaf()
    y = make_y(x)
    r = try_(lambda: call(x, y))
    if isinstance(r, str):
        print(label + ":", r)
        return
    show(label, r)
    print(f"{label} same: {r is y} version: {r._version}")
    geometry(label, r)
    graph(label, r)
    if r.requires_grad:
        r.backward(weights(r))
        show(f"{label} grad0", x.grad)


def mul1(x):
    return x * 1


restride("t_", lambda: seq(2, 3), mul1, lambda x, y: y.t_())
restride("t_ 1-D", lambda: seq(3), mul1, lambda x, y: y.t_())
restride("t_ of a view", lambda: seq(2, 3), lambda x: (x * 1).view(3, 2), lambda x, y: y.t_())
restride("transpose_", lambda: seq(2, 3, 4), mul1, lambda x, y: y.transpose_(0, -1))
restride("squeeze_", lambda: seq(1, 3, 1), mul1, lambda x, y: y.squeeze_())
restride("squeeze_ of a view", lambda: seq(2, 3), lambda x: (x * 1).unsqueeze(0), lambda x, y: y.squeeze_())
restride("squeeze_dim_", lambda: seq(1, 3), mul1, lambda x, y: y.squeeze_(0))
restride("squeeze_dim_ no-op", lambda: seq(2, 3), mul1, lambda x, y: y.squeeze_(1))
restride("unsqueeze_", lambda: seq(2, 3), mul1, lambda x, y: y.unsqueeze_(1))
restride("unsqueeze_ -1", lambda: seq(2, 3), lambda x: (x * 1).transpose(0, 1), lambda x, y: y.unsqueeze_(-1))
restride("t_ then mul", lambda: seq(2, 3), mul1, lambda x, y: y.t_() * x.t())
restride("tril_", lambda: seq(3, 3), mul1, lambda x, y: y.tril_(0))
restride("triu_ 1 transposed", lambda: seq(3, 4), lambda x: (x * 1).t(), lambda x, y: y.triu_(1))
restride("triu_ of a slice", lambda: seq(3, 3), lambda x: (x * 1)[1:3], lambda x, y: y.triu_(0))
restride("tril_ plain", lambda: torch.ones(2, 2), lambda x: ints(2, 3), lambda x, y: y.tril_(0))
restride("tril_ error leaf", lambda: torch.ones(2, 3, requires_grad=True), lambda x: x, lambda x, y: y.tril_(0))
restride("tril_ error 1-D", lambda: seq(3), mul1, lambda x, y: y.tril_(0))
restride("t_ plain", lambda: torch.ones(2, 3), lambda x: torch.arange(0.0, 6), lambda x, y: y.view(2, 3).t_())
restride("t_ ints", lambda: torch.ones(2, 3), lambda x: ints(2, 3), lambda x, y: y.t_())
restride("t_ error leaf", lambda: torch.ones(2, 3, requires_grad=True), lambda x: x, lambda x, y: y.t_())
restride("t_ error view of leaf", lambda: seq(2, 3), lambda x: x.view(3, 2), lambda x, y: y.t_())
restride("t_ error 3-D", lambda: seq(2, 3, 4), mul1, lambda x, y: y.t_())
restride("transpose_ error dim", lambda: seq(2, 3), mul1, lambda x, y: y.transpose_(0, 2))
restride("squeeze_dim_ error dim", lambda: seq(2, 3), mul1, lambda x, y: y.squeeze_(2))
restride("unsqueeze_ error dim", lambda: seq(2, 3), mul1, lambda x, y: y.unsqueeze_(3))
x = seq(2, 3)
ps = (x * 1).split(1, 0)
show_("t_ error split", lambda: ps[1].t_())
with torch.no_grad():
    r = x.t_()
print("t_ leaf in no_grad same:", r is x)
geometry("t_ leaf in no_grad", x)


# The gradient of y = f(x) with create_graph, for a gy that requires grad.
def second(label, make_leaf, f):
    x = make_leaf()
    y = f(x)
    gy = weights(y).detach().requires_grad_()
    r, = torch.autograd.grad(y, x, gy, create_graph=True)
    show(label, r)
    graph(label, r)


second("grad of cat", lambda: seq64(2, 2), lambda x: torch.cat([x, x * 2], 1))
second("grad of stack", lambda: seq64(2, 2), lambda x: torch.stack([x, x * 2], 1))
second("grad of split", lambda: seq64(3, 2), lambda x: x.split(2, 0)[1])
second("grad of unbind", lambda: seq64(3, 2), lambda x: x.unbind(1)[0])
second("grad of squeeze", lambda: seq64(1, 2, 1), lambda x: x.squeeze())
second("grad of squeeze none", lambda: seq64(2, 2), lambda x: x.squeeze())
second("grad of squeeze_", lambda: seq64(2, 1), lambda x: (x * 1).squeeze_())
second("grad of unsqueeze_", lambda: seq64(2, 2), lambda x: (x * 1).unsqueeze_(1))
second("grad of t_", lambda: seq64(2, 3), lambda x: (x * 1).t_())
second("grad of narrow", lambda: seq64(2, 3), lambda x: x.narrow(1, 1, 2))
second("grad of flatten", lambda: seq64(2, 3), lambda x: x.flatten(0, 1))
second("grad of unflatten", lambda: seq64(6), lambda x: x.unflatten(0, (2, 3)))
second("grad of movedim", lambda: seq64(2, 3), lambda x: x.movedim(0, 1))
second("grad of repeat", lambda: seq64(2), lambda x: x.repeat(2, 2))
second("grad of flip", lambda: seq64(2, 3), lambda x: x.flip(1))
second("grad of roll", lambda: seq64(2, 3), lambda x: x.roll(1, 1))
second("grad of tril", lambda: seq64(2, 2), lambda x: x.tril(0))
second("grad of diagonal", lambda: seq64(2, 2), lambda x: x.diagonal(0, 0, 1))
second("grad of diag_embed", lambda: seq64(2), lambda x: torch.diag_embed(x, 0, -2, -1))
