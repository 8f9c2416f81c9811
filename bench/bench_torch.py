"""The workloads of bench_ops.c in PyTorch: one "name microseconds" line each."""
import sys
import time

import torch

torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
torch.manual_seed(0)


def best_us(fn, iters, reps=5):
    best = float("inf")
    for _ in range(reps):
        start = time.perf_counter()
        for _ in range(iters):
            fn()
        best = min(best, (time.perf_counter() - start) / iters * 1e6)
    return best


a, b = torch.randn(1000000), torch.randn(1000000)
print("add_1M_forward %.2f" % best_us(lambda: torch.add(a, b), 50))

sa, sb = (torch.randn(100) * 0.05).requires_grad_(), torch.randn(100)


def small_ops_backward():
    torch.tanh((sa + 2) * sb).sum().backward()
    sa.grad = None


print("small_ops_backward %.2f" % best_us(small_ops_backward, 2000))

ma, mb = (torch.randn(256, 256) * 0.05).requires_grad_(), (torch.randn(256, 256) * 0.05).requires_grad_()


def matmul_backward():
    (ma @ mb).sum().backward()
    ma.grad = None
    mb.grad = None


print("matmul_256_backward %.2f" % best_us(matmul_backward, 50))

x, y = torch.randn(64, 784), torch.rand(64, 10)
params = [(torch.randn(*s) * 0.05).requires_grad_() for s in [(784, 256), (256,), (256, 10), (10,)]]


def mlp_step():
    w1, b1, w2, b2 = params
    out = torch.relu(x @ w1 + b1) @ w2 + b2
    torch.nn.functional.binary_cross_entropy_with_logits(out, y).backward()
    with torch.no_grad():
        for p in params:
            p.sub_(p.grad * 0.01)
    for p in params:
        p.grad = None


print("mlp_train_step %.2f" % best_us(mlp_step, 100))

cx, cw, cb = [(torch.randn(*s) * 0.05).requires_grad_() for s in [(8, 16, 32, 32), (16, 16, 3, 3), (16,)]]


def conv2d_backward():
    torch.nn.functional.conv2d(cx, cw, cb, padding=1).sum().backward()
    cx.grad = cw.grad = cb.grad = None


print("conv2d_3x3_backward %.2f" % best_us(conv2d_backward, 10))

ca, cb = (torch.randn(4) * 0.05).requires_grad_(), torch.rand(4)


def op_chain_backward():
    y = ca
    for i in range(1000):
        k = i % 5
        y = y * cb if k == 0 else y + cb if k == 1 else torch.tanh(y) if k == 2 else y - 0.5 if k == 3 else torch.sigmoid(y)
    y.sum().backward()
    ca.grad = None


print("op_chain_1000_backward %.2f" % best_us(op_chain_backward, 20))

ha, hb = torch.randn(16 << 20), torch.randn(16 << 20)
print("add_16M_forward %.2f" % best_us(lambda: torch.add(ha, hb), 5, 3))
