# PyTorch's times for bench_vecmath.c's ops on 16M f32 (1 thread, result
# allocated, best of 7): "name microseconds" lines.
import time

import torch
import torch.nn.functional as F

torch.set_num_threads(1)
torch.manual_seed(0)
BIG = 16 << 20
a, b = torch.randn(BIG), torch.randn(BIG)
rows = torch.randn(BIG // 1024, 1024)
ops = [("add", lambda: a + b), ("mul", lambda: a * b), ("exp", lambda: a.exp()), ("tanh", lambda: a.tanh()),
       ("sigmoid", lambda: a.sigmoid()), ("gelu", lambda: F.gelu(a)), ("sum", lambda: a.sum()),
       ("softmax", lambda: rows.softmax(1)), ("layer_norm", lambda: F.layer_norm(rows, (1024,)))]
best = {name: float("inf") for name, _ in ops}
with torch.no_grad():
    for _ in range(7):
        for name, fn in ops:
            start = time.perf_counter()
            fn()
            best[name] = min(best[name], time.perf_counter() - start)
for name, _ in ops:
    print(f"{name} {best[name] * 1e6:.0f}")
