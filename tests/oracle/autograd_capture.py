# autograd_capture.c's steps, eager in PyTorch (which has no CPU graphs):
# an MLP (3-5-2, tanh, MSE, SGD with momentum) in float64, 6 steps on new
# batches.
import math

import torch

STEPS = 6


def param(shape, a, b, c, d):
    n = math.prod(shape)
    return torch.tensor([((i * a) % b - c) / d for i in range(n)], dtype=torch.float64).reshape(shape).requires_grad_()


def batch(shape, k, offset):
    n = math.prod(shape)
    return torch.tensor([math.sin(k + 0.37 * i + offset) for i in range(n)], dtype=torch.float64).reshape(shape)


def row(label, t):
    print(label, " ".join("%.10f" % v for v in t.detach().flatten().tolist()))


w1, b1 = param((5, 3), 7, 11, 5, 8.0), param((5,), 3, 7, 3, 10.0)
w2, b2 = param((2, 5), 5, 9, 4, 6.0), param((2,), 1, 3, 1, 10.0)
opt = torch.optim.SGD([w1, b1, w2, b2], lr=0.1, momentum=0.9)
for k in range(STEPS):
    x, y = batch((4, 3), k, 0), batch((4, 2), k, 0.5)
    opt.zero_grad(set_to_none=False)
    h = torch.tanh(torch.nn.functional.linear(x, w1, b1))
    loss = torch.nn.functional.mse_loss(torch.nn.functional.linear(h, w2, b2), y)
    loss.backward()
    opt.step()
    print("step %d loss %.10f" % (k, loss.item()))
row("w1", w1)
row("b1", b1)
row("w2", w2)
row("b2", b2)
row("w1.grad", w1.grad)
