# Oracle for autograd_hooks.c: gradient hooks on tensors and nodes (their
# order, replaced gradients, removal, errors), retain_grad, backward from
# several roots and with inputs=, allow_unused, and the post-accumulate-grad
# hook (PyTorch 2.1's; here PyTorch 1.13's AccumulateGrad post-hook, which
# runs at the same point).
import re

from oracle import leaf, show
import torch


def scaled(name, scale):
    """A tensor hook that prints the gradient and, unless scale is 0,
    replaces it by scale times it."""
    def hook(g):
        show(name, g)
        return g * scale if scale else None
    return hook


def prehook(name, scale):
    def hook(grad_outputs):
        show(name, grad_outputs[0])
        return (grad_outputs[0] * scale,) if scale else None
    return hook


def posthook(name, scale):
    def hook(grad_inputs, grad_outputs):
        for i, g in enumerate(grad_inputs):
            show(f"{name} grad_inputs[{i}]", g)
        show(f"{name} grad_outputs[0]", grad_outputs[0])
        if scale:
            return tuple(None if g is None else g * scale for g in grad_inputs)
        return None
    return hook


def error(label, e):
    # A C hook has no name: PyTorch's "hook 'name' has ..." is "hook has ..."
    text = re.sub(r"hook '[^']*' ", "hook ", str(e))
    print(f"{label} error: {text}")


def attempt(label, f):
    try:
        f()
        print(f"{label}: ok")
    except Exception as e:
        error(label, e)


def x2():
    return leaf([1.0, 2.0])


print("== order at a node")
x = x2()
y = x * 3
y.grad_fn.register_prehook(prehook("pre1", 5))
y.register_hook(scaled("t1", 2))
y.grad_fn.register_prehook(prehook("pre2", 0))
y.retain_grad()
y.register_hook(scaled("t2", 10))
y.grad_fn.register_hook(posthook("post", 0))
x.register_hook(scaled("leaf", 0))
(y * y).sum().backward()
show("y.grad", y.grad)
show("x.grad", x.grad)
print("retains_grad", y.retains_grad, x.retains_grad)

print("== a node hook replaces grad_inputs")
x = x2()
w = leaf([0.5, -1.0])
y = x * w
y.grad_fn.register_hook(posthook("post", 4))
y.sum().backward()
show("x.grad", x.grad)
show("w.grad", w.grad)

print("== a leaf used twice: its hooks see the sum, in registration order")
x = x2()
x.register_hook(scaled("a", 3))
x.register_hook(scaled("b", 0))
((x * 1).sum() + (x * 2).sum()).backward()
show("x.grad", x.grad)
(x * 1).sum().backward()
show("x.grad again", x.grad)

print("== hooks on two leaves of one node")
a = leaf([1.0, 2.0])
b = leaf([3.0, 4.0])
a.register_hook(scaled("hook a", 0))
b.register_hook(scaled("hook b", 0))
(a * b).sum().backward()

print("== hooks on the root")
x = x2()
z = (x * 3).sum()
z.register_hook(scaled("root", 2))
z.backward()
show("x.grad", x.grad)
x = x2()
x.register_hook(scaled("leaf root", 2))
x.backward(torch.tensor([1.0, 1.0]))
show("x.grad", x.grad)

print("== removal")
x = x2()
h1 = x.register_hook(scaled("kept", 0))
h2 = x.register_hook(scaled("removed", 5))
h2.remove()
h2.remove()
(x * 2).sum().backward()
show("x.grad", x.grad)
y = x * 2
hp = y.grad_fn.register_prehook(prehook("removed pre", 3))
hq = y.grad_fn.register_hook(posthook("removed post", 3))
hp.remove()
hq.remove()
y.sum().backward()
show("x.grad", x.grad)

print("== errors")
c = torch.tensor([1.0, 2.0])
attempt("hook on a tensor without grad", lambda: c.register_hook(scaled("never", 0)))
attempt("retain_grad without grad", lambda: c.retain_grad())
x = x2()
y = x * 2
y.register_hook(lambda g: torch.ones(3))
attempt("hook changes the size", lambda: y.sum().backward())
show("x.grad", x.grad)
y = x * 2
y.register_hook(lambda g: g.double())
attempt("hook changes the dtype", lambda: y.sum().backward())
show("x.grad", x.grad)
x.register_hook(lambda g: torch.ones(3))
attempt("leaf hook changes the size", lambda: (x * 2).sum().backward())
show("x.grad", x.grad)

print("== retain_grad")
x = x2()
y = x * 2
print("retains_grad before", y.retains_grad)
y.retain_grad()
y.retain_grad()
x.retain_grad()
print("retains_grad", y.retains_grad, "leaf", x.retains_grad)
z = (y * y).sum()
z.backward(retain_graph=True)
show("y.grad", y.grad)
z.backward()
show("y.grad twice", y.grad)
show("x.grad", x.grad)
y = x * 2
y.retain_grad()
y.mul_(3)
print("retains_grad after mul_", y.retains_grad)
y.sum().backward()
show("y.grad after mul_", y.grad)

print("== autograd.grad: captured before hooks, leaf hooks not run")
x = x2()
y = x * 2
y.register_hook(scaled("ty", 10))
x.register_hook(scaled("tx", 3))
z = (y * y).sum()
gy, gx = torch.autograd.grad(z, [y, x], retain_graph=True)
show("gy", gy)
show("gx", gx)
y.retain_grad()
(gx,) = torch.autograd.grad(z, [x])
show("gx only", gx)
show("y.grad, retained by autograd.grad", y.grad)
show("x.grad", x.grad)

print("== several roots")
x = x2()
y = x * 3
y.register_hook(scaled("hook y", 2))
torch.autograd.backward([y, x * 4], [torch.tensor([1.0, 0.5]), torch.tensor([1.0, 1.0])])
show("x.grad", x.grad)
torch.autograd.backward([(x * x).sum(), (x * 2).sum()])
show("x.grad", x.grad)
attempt("a root without grad", lambda: torch.autograd.backward([(x * 2).sum(), c.sum()]))
attempt("a wrong gradient", lambda: torch.autograd.backward([x * 2, x * 3], [torch.ones(3), None]))
attempt("no gradient for a vector", lambda: torch.autograd.backward([x * 2, x * 3], [torch.ones(2), None]))
attempt("no roots", lambda: torch.autograd.backward([]))

print("== inputs=")
a = leaf([1.0, 2.0])
b = leaf([3.0, 4.0])
u = leaf([1.0])
y = a * b
torch.autograd.backward([y.sum()], inputs=[a, u])
show("a.grad", a.grad)
show("b.grad", b.grad)
show("u.grad", u.grad)
y = a * b
w = y * 2
torch.autograd.backward([w.sum()], inputs=[y])
show("y.grad", y.grad)
print("y retains_grad", y.retains_grad)
show("a.grad", a.grad)
attempt("empty inputs", lambda: torch.autograd.backward([(a * 2).sum()], inputs=[]))
attempt("an input without grad", lambda: torch.autograd.backward([(a * 2).sum()], inputs=[c]))

print("== allow_unused and autograd.grad's checks")
a = leaf([1.0, 2.0])
u = leaf([1.0])
out = (a * a).sum()
attempt("unused", lambda: torch.autograd.grad(out, [a, u], retain_graph=True))
ga, gu = torch.autograd.grad(out, [a, u], allow_unused=True, retain_graph=True)
show("ga", ga)
show("gu", gu)
(gu,) = torch.autograd.grad(out, [u], allow_unused=True, retain_graph=True)
show("gu alone", gu)
attempt("output and input without grad", lambda: torch.autograd.grad(c.sum(), [c]))
attempt("input without grad", lambda: torch.autograd.grad(out, [c]))
attempt("no inputs", lambda: torch.autograd.grad(out, []))
attempt("no outputs", lambda: torch.autograd.grad([], [a]))

print("== post-accumulate-grad hooks")


def post_accumulate(name):
    def hook(grad_inputs, grad_outputs):
        show(f"{name} .grad", params[name].grad)
    return hook


params = {"p": leaf([1.0, 2.0]), "q": leaf([0.5])}
accumulators = []   # a leaf holds its AccumulateGrad node weakly
for name, p in params.items():
    # PyTorch 1.13 has no register_post_accumulate_grad_hook; its
    # AccumulateGrad node's post-hook runs at the same point
    accumulators.append(p.expand_as(p).grad_fn.next_functions[0][0])
    accumulators[-1].register_hook(post_accumulate(name))
loss = (params["p"] * params["q"]).sum()
loss.backward()
loss = (params["p"] * params["q"] * 2).sum()
loss.backward()

print("== setting .grad and .data, detach_")
x = leaf([1.0, 2.0])
attempt("grad of another dtype", lambda: setattr(x, "grad", torch.ones(2, dtype=torch.float64)))
attempt("grad of another size", lambda: setattr(x, "grad", torch.ones(3)))
attempt("grad of another size and dtype", lambda: setattr(x, "grad", torch.ones(3, dtype=torch.float64)))
attempt("grad of another shape", lambda: setattr(x, "grad", torch.ones(1, 2)))
attempt("its own grad", lambda: setattr(x, "grad", x))
g = torch.tensor([0.5, 0.5])
attempt("grad set", lambda: setattr(x, "grad", g))
(x * 2).sum().backward()
show("x.grad", x.grad)
show("g, accumulated into", g)
attempt("grad cleared", lambda: setattr(x, "grad", None))
show("x.grad", x.grad)
y = x * 2
attempt("grad of a non-leaf", lambda: setattr(y, "grad", torch.ones(2)))
show("y.grad", y.grad)
c = torch.tensor([1.0, 2.0])
attempt("grad of a tensor without grad", lambda: setattr(c, "grad", torch.ones(2)))
show("c.grad", c.grad)
n = torch.tensor([1, 2])
attempt("grad of an integer tensor", lambda: setattr(n, "grad", torch.tensor([3, 4])))
show("n.grad", n.grad)
x = leaf([1.0, 2.0])
z = (x * x).sum()
attempt("data set", lambda: setattr(x, "data", torch.tensor([5.0, 6.0])))
show("x", x)
z.backward()
show("x.grad, from the new data", x.grad)
attempt("data of another shape and dtype", lambda: setattr(x, "data", torch.ones(3, dtype=torch.float64)))
show("x", x)
attempt("integer data for a tensor that requires grad", lambda: setattr(x, "data", torch.tensor([1, 2])))
attempt("integer data", lambda: setattr(c, "data", torch.tensor([1, 2])))
show("c", c)
y = x * 2
attempt("data of a non-leaf", lambda: setattr(y, "data", torch.zeros(3, dtype=torch.float64)))
show("y", y)
x = x2()
attempt("complex data for a tensor that requires grad",
        lambda: setattr(x, "data", torch.tensor([1 + 2j, 3j], dtype=torch.complex64)))
show("x", x)
x = leaf([1.0, 2.0])
y = x * 2
show("detach_ of a non-leaf", y.detach_())
print("is_leaf", y.is_leaf, "requires_grad", y.requires_grad)
show("detach_ of a leaf", x.detach_())
print("requires_grad", x.requires_grad)
x = leaf([1.0, 2.0])
attempt("detach_ of a view", lambda: (x * 2)[0:1].detach_())
attempt("detach_ of a view of a leaf", lambda: x[0:1].detach_())
attempt("detach_ of a view without grad", lambda: c[0:1].detach_())

print("== inference mode")
w = leaf([1.0, 2.0])
with torch.inference_mode():
    x = torch.tensor([1.0, 2.0]) * 2
    print("grad mode", torch.is_grad_enabled(), "inference mode", torch.is_inference_mode_enabled(),
          "is_inference", x.is_inference())
    y = w * 3
    show("w * 3", y)
    print("is_inference", y.is_inference(), "requires_grad", y.requires_grad)
    x.add_(1)
    show("x after add_", x)
    v = x[0:1]
    print("view is_inference", v.is_inference())
    with torch.inference_mode(False):
        print("nested off: grad mode", torch.is_grad_enabled(), "inference mode", torch.is_inference_mode_enabled())
        print("made there is_inference", torch.ones(2).is_inference())
    print("back: grad mode", torch.is_grad_enabled(), "inference mode", torch.is_inference_mode_enabled())
    u = torch.ones(2)
    normal = w.detach()
    normal.add_(u)
    show("a normal tensor written in inference mode", normal)
print("after: grad mode", torch.is_grad_enabled(), "inference mode", torch.is_inference_mode_enabled())
print("w is_inference", w.is_inference())
with torch.no_grad():
    with torch.inference_mode():
        pass
    print("after, in no_grad: grad mode", torch.is_grad_enabled())
show("an inference tensor in an expression", w + x)
attempt("an inference tensor written in place", lambda: x.add_(1))
with torch.no_grad():
    attempt("written in place in no_grad", lambda: x.mul_(2))
attempt("an inference tensor made to require grad", lambda: x.requires_grad_())
show("a clone of one, made to require grad", u.clone().requires_grad_())
attempt("an inference tensor saved for backward", lambda: (w * x).sum().backward())
show("w.grad", w.grad)

print("== views: a view of a base without grad, the base written with an operand that requires grad")
b = torch.tensor([1.0, 2.0, 3.0])
v = b[0:2]
o = leaf([2.0, 5.0, 7.0])
b.mul_(o)
print("v requires_grad", v.requires_grad, "grad_fn", type(v.grad_fn).__name__)
(gv,) = torch.autograd.grad(v.sum(), [o], retain_graph=True)
show("grad through v", gv)
v.sum().backward()
show("o.grad", o.grad)

print("== views made in no-grad mode")
x = leaf([1.0, 2.0])
with torch.no_grad():
    nv = x[0:1]
show("nv", nv)
print("requires_grad", nv.requires_grad, "is_leaf", nv.is_leaf)
attempt("backward from it", lambda: (nv * 2).sum().backward())
show("x.grad", x.grad)
y = x * 2
with torch.no_grad():
    nv = y[0:1]
y.mul_(2)
attempt("its grad_fn after its base is written", lambda: nv.grad_fn)
attempt("an operation on it", lambda: nv * 1)
show("x.grad", x.grad)
with torch.no_grad():
    p = x[0:1]
    x.add_(1)
attempt("written in no-grad mode too", lambda: p * 1)
b = torch.tensor([1.0, 2.0, 3.0])
with torch.no_grad():
    v = b[0:2]
    b.mul_(2)
show("of a base without grad", v * o[0:2])
