# Oracle for autograd_saved_hooks.c: saved-tensor hooks
# (torch.autograd.graph.saved_tensors_hooks): which tensors are packed and
# unpacked, the gradients through hooks that keep the tensor itself, a copy
# on disk or a float32 copy of a float64 tensor, no version check through
# hooks, the error of a second backward, nesting, and double backward.
import os
import tempfile

from oracle import leaf
import torch
from torch.autograd.graph import saved_tensors_hooks


def pack(t):
    print("pack", list(t.shape))
    return t


def unpack(t):
    print("unpack", list(t.shape))
    return t


def f(x):
    a = x.exp()
    b = a.sin()
    return b * a


x = leaf([0.5, -1.0, 2.0])
with saved_tensors_hooks(pack, unpack):
    y = f(x)
print("forward done")
y.sum().backward()
print("grad:", x.grad)
x2 = leaf([0.5, -1.0, 2.0])
f(x2).sum().backward()
print("plain grad:", x2.grad)

x = leaf([0.5, -1.0, 2.0])
with saved_tensors_hooks(lambda t: t, lambda t: t):
    h = x * x
    y = h.sin()
h.add_(1)   # no version check through hooks: backward reads the new values
y.sum().backward()
print("modified after packing:", x.grad)

x = leaf([0.5, -1.0, 2.0])
with saved_tensors_hooks(lambda t: t, lambda t: t):
    y = x.exp().sin()
y.sum().backward()
try:
    y.sum().backward()
except RuntimeError as e:
    print("backward twice:", e)


def to_disk(t):
    fd, path = tempfile.mkstemp()
    os.close(fd)
    torch.save(t, path)
    return path


def from_disk(path):
    t = torch.load(path)
    os.remove(path)
    return t


x = leaf([0.5, -1.0, 2.0])
with saved_tensors_hooks(to_disk, from_disk):
    y = f(x)
y.sum().backward()
print("on disk:", x.grad)


def narrow(t):
    return (t.dtype, t.to(torch.float32) if t.dtype == torch.float64 else t)


def widen(p):
    return p[1].to(p[0])


x = leaf([0.5, -1.0, 2.0], torch.float64)
with saved_tensors_hooks(narrow, widen):
    y = f(x)
y.sum().backward()
print("in float32:", x.grad)


def outer_pack(t):
    print("outer pack", list(t.shape))
    return t


x = leaf([0.5, -1.0, 2.0])
with saved_tensors_hooks(outer_pack, lambda t: t):
    a = x.exp()
    with saved_tensors_hooks(pack, unpack):
        b = a.sin()
    c = b * a
c.sum().backward()
print("nested:", x.grad)

x = leaf([0.5, -1.0, 2.0])
with saved_tensors_hooks(lambda t: t * 1, lambda t: t):
    y = f(x)
    g, = torch.autograd.grad(y.sum(), x, create_graph=True)
print("first:", g)
gg, = torch.autograd.grad(g.sum(), x)
print("second:", gg)
