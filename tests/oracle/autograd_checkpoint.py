# Oracle for autograd_checkpoint.c: activation checkpointing gives the
# values and gradients of the plain run: checkpoint(fn, x, w) against
# PyTorch's use_reentrant=False (first and second derivatives, and
# autograd.grad through it), and checkpoint_sequential over an MLP (1.13's
# is the reentrant form, whose node is CheckpointFunctionBackward).
from oracle import fill_parameters, leaf
import torch
from torch.utils.checkpoint import checkpoint, checkpoint_sequential


def fn(x, w):
    return torch.sin(x) * w + x * x


x = leaf([0.5, -1.0, 2.0])
w = leaf([1.5, 0.25, -0.75])
y = checkpoint(fn, x, w, use_reentrant=False)
print("checkpoint:", y.detach())   # its node: see the C side
(y * torch.tensor([1.0, 2.0, 3.0])).sum().backward()
print("checkpoint grads:", x.grad, w.grad)
x.grad = None
w.grad = None
(fn(x, w) * torch.tensor([1.0, 2.0, 3.0])).sum().backward()
print("plain grads:", x.grad, w.grad)

x = leaf([0.5, -1.0, 2.0])
w = leaf([1.5, 0.25, -0.75])
y = checkpoint(fn, x, w, use_reentrant=False)
gx, gw = torch.autograd.grad(y.sum(), [x, w], create_graph=True)
print("autograd.grad:", gx, gw)
ggx, = torch.autograd.grad(gx.sum(), [x])
print("second order:", ggx)

c = torch.tensor([1.0, 2.0, 3.0])
y = checkpoint(fn, c, w, use_reentrant=False)
y.sum().backward()
print("constant input:", w.grad)

torch.manual_seed(0)
model = torch.nn.Sequential(torch.nn.Linear(4, 6), torch.nn.Tanh(), torch.nn.Linear(6, 6), torch.nn.Tanh(),
                            torch.nn.Linear(6, 6), torch.nn.Tanh(), torch.nn.Linear(6, 2))
fill_parameters(model)
inp = leaf([[0.5, -1.0, 2.0, 0.25], [1.0, 0.0, -0.5, 1.5]])
out = checkpoint_sequential(model, 3, inp)
print("sequential:", out)
print("sequential grad_fn:", type(out.grad_fn).__name__)
(out * torch.tensor([[1.0, -1.0], [0.5, 2.0]])).sum().backward()
for name, p in model.named_parameters():
    print(name, "grad:", p.grad)
print("input grad:", inp.grad)
