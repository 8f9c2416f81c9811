# Oracle for autograd_function.c: custom functions (torch.autograd.Function)
# with forward and backward of the user's: values, node names, gradients,
# saved tensors and their version checks, several outputs, mark_dirty,
# mark_non_differentiable, set_materialize_grads, double backward, and the
# errors for wrong gradients.
from oracle import leaf, tree
import torch


def err(label, f):
    try:
        f()
        print(f"{label}: ok")
    except RuntimeError as e:
        # tensorgrad adds the version error's hint only in anomaly mode
        print(f"{label}: error: {str(e).split(' Hint:')[0]}")


def grads(label, *ts):
    for i, t in enumerate(ts):
        print(f"{label} grad{i}:", t.grad)


class MulFn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, w):
        print("needs_input_grad:", ctx.needs_input_grad)
        ctx.save_for_backward(x, w)
        return x * w

    @staticmethod
    def backward(ctx, g):
        x, w = ctx.saved_tensors
        return g * w, g * x


x = leaf([1.0, 2.0, 3.0])
w = leaf([2.0, -1.0, 0.5])
y = MulFn.apply(x, w)
print("mul:", y)
print("mul grad_fn:", tree(y.grad_fn))
(y * torch.tensor([0.25, 0.5, 0.75])).sum().backward()
grads("mul", x, w)
c = torch.tensor([4.0, 5.0, 6.0])
y = MulFn.apply(x, c)
print("mul const grad_fn:", tree(y.grad_fn))
with torch.no_grad():
    y = MulFn.apply(x, w)
print("mul no_grad:", y, y.grad_fn)


class TwoOut(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        e = x.exp()
        ctx.save_for_backward(e)
        return x * 2, e

    @staticmethod
    def backward(ctx, g1, g2):
        e, = ctx.saved_tensors
        print("grads in:", g1, g2)
        return g1 * 2 + g2 * e


x = leaf([0.0, 1.0])
a, b = TwoOut.apply(x)
print("two:", a, b)
print("two grad_fn:", tree(a.grad_fn), tree(b.grad_fn), a.grad_fn is b.grad_fn)
(a.sum() + (b * 3).sum()).backward()
grads("two", x)
x = leaf([0.0, 1.0])
a, b = TwoOut.apply(x)
b.sum().backward()
grads("second only", x)
x = leaf([0.0, 1.0])
a, b = TwoOut.apply(x)
(a * b).sum().backward()
grads("product", x)


class Lazy(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.set_materialize_grads(False)
        return x * 2, x * 3

    @staticmethod
    def backward(ctx, g1, g2):
        print("lazy grads in:", g1, g2)
        return g1 * 2 if g1 is not None else None


x = leaf([1.0, 2.0])
a, b = Lazy.apply(x)
a.sum().backward()
grads("lazy", x)
x = leaf([1.0, 2.0])
a, b = Lazy.apply(x)
b.sum().backward()
grads("lazy none", x)


class ArgMax(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        i = x.argmax().reshape(1)
        ctx.mark_non_differentiable(i)
        return x * 1, i

    @staticmethod
    def backward(ctx, g, gi):
        print("index grad in:", gi)
        return g


x = leaf([1.0, 5.0, 2.0])
v, i = ArgMax.apply(x)
print("argmax:", v, i, i.requires_grad, tree(i.grad_fn))
v.sum().backward()
grads("argmax", x)


class AddOne_(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        x.add_(1)
        ctx.mark_dirty(x)
        return x

    @staticmethod
    def backward(ctx, g):
        return g * 1


x = leaf([1.0, 2.0])
t = x * 2
v0 = t._version
r = AddOne_.apply(t)
print("dirty:", r, r is t, t._version - v0, tree(t.grad_fn))
(t * t).sum().backward()
grads("dirty", x)
err("dirty leaf", lambda: AddOne_.apply(leaf([1.0])))


class DirtyNotReturned(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.mark_dirty(x)
        return x * 2

    @staticmethod
    def backward(ctx, g):
        return g


err("dirty not returned", lambda: DirtyNotReturned.apply(leaf([1.0]) * 1))


class Square(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * 2 * x


x = leaf([1.0, 2.0, 3.0])
h = x * 1
y = Square.apply(h)
h.mul_(2)
err("saved input modified", lambda: y.sum().backward())
x = leaf([1.0, 2.0, 3.0])
y = Square.apply(x)
y.sum().backward()
err("backward twice", lambda: y.sum().backward())
x = leaf([1.0, 2.0, 3.0])
y = Square.apply(x)
y.sum().backward(retain_graph=True)
y.sum().backward()
grads("retained", x)


class Cube(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * 3 * x ** 2


x = leaf([1.0, -2.0, 0.5])
y = Cube.apply(x)
print("cube grad_fn:", tree(y.grad_fn))
g, = torch.autograd.grad(y.sum(), x, create_graph=True)
print("cube first:", g)
print("cube first grad_fn:", tree(g.grad_fn))
gg, = torch.autograd.grad(g.sum(), x)
print("cube second:", gg)


class CubeOut(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        y = x ** 3
        ctx.save_for_backward(x, y)
        return y

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        return g * 3 * y / x


x = leaf([1.0, -2.0, 0.5])
y = CubeOut.apply(x)
g, = torch.autograd.grad(y.sum(), x, create_graph=True)
print("saved output first:", g)
gg, = torch.autograd.grad(g.sum(), x)
print("saved output second:", gg)


class NoGrad(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, g):
        return None


x = leaf([1.0, 2.0])
NoGrad.apply(x).sum().backward()
grads("none", x)


class Iden(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x

    @staticmethod
    def backward(ctx, g):
        return g * 3


x = leaf([1.0, 2.0])
r = Iden.apply(x)
print("identity:", r, r is x, tree(r.grad_fn))
r.sum().backward()
grads("identity", x)


class Wide(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, g):
        return g.double() * 2


x = leaf([1.0, 2.0])
Wide.apply(x).sum().backward()
print("f64 gradient:", x.grad, x.grad.dtype)


class Broad(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, g):
        return torch.ones(2, 3)


x = leaf([1.0, 2.0, 3.0])
Broad.apply(x).sum().backward()
grads("broadcast gradient", x)


class Shape(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, g):
        return torch.ones(2)


class TooFew(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, w):
        return x * w

    @staticmethod
    def backward(ctx, g):
        return g


class TooMany(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, g):
        return g, g


x = leaf([1.0, 2.0, 3.0])
err("wrong shape", lambda: Shape.apply(x).sum().backward())
err("too few", lambda: TooFew.apply(x, leaf([1.0, 1.0, 1.0])).sum().backward())
err("too many", lambda: TooMany.apply(x).sum().backward())
print("after errors:", x.grad)


class Scale(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, s):
        ctx.s = s
        return x * s

    @staticmethod
    def backward(ctx, g):
        return g * ctx.s, None


x = leaf([1.0, 2.0])
y = Scale.apply(x, 2.5)
print("scale:", y, tree(y.grad_fn))
y.sum().backward()
grads("scale", x)


# forward mode: jvp
import torch.autograd.forward_ad as fwAD


class DualMul(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        ctx.save_for_forward(x, y)
        return x * y

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        return g * y, g * x

    @staticmethod
    def jvp(ctx, tx, ty):
        x, y = ctx.saved_tensors
        print(f"jvp tangents: {int(tx is not None)} {int(ty is not None)}, saved {len(ctx.saved_tensors)}")
        return tx * y + x * ty


class WrongCount(DualMul):
    @staticmethod
    def jvp(ctx, tx, ty):
        return tx, ty


class WrongShape(DualMul):
    @staticmethod
    def jvp(ctx, tx, ty):
        return torch.ones(3)


class NoJvp(DualMul):
    jvp = torch.autograd.Function.jvp


def show_dual_row(label, f):
    try:
        p, t = fwAD.unpack_dual(f())
        print(label, p, t)
    except RuntimeError as e:
        print(f"{label}: error: {e}")


with fwAD.dual_level():
    x = fwAD.make_dual(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 0.0]))
    y = torch.tensor([3.0, 4.0])
    show_dual_row("jvp", lambda: DualMul.apply(x, y))
    w = fwAD.make_dual(leaf([3.0, 4.0]), torch.tensor([0.5, -1.0]))
    both = DualMul.apply(x, w)
    show_dual_row("jvp, both dual, recorded", lambda: both)
    print("its node:", both.grad_fn.name())
    show_dual_row("no jvp", lambda: NoJvp.apply(x, y))
    show_dual_row("no jvp, MulFn", lambda: MulFn.apply(x, y))
    show_dual_row("jvp giving two", lambda: WrongCount.apply(x, y))
    show_dual_row("jvp of another shape", lambda: WrongShape.apply(x, y))
