"""The workloads of bench_ops.c and bench_models.c in PyTorch, at a given
thread count (torch.set_num_threads; run.sh also sets OMP_NUM_THREADS and
OPENBLAS_NUM_THREADS for the process). Prints "torchN.key value" lines as
the C programs do (microseconds; rss in MiB; faults per step):

    bench_torch.py ops THREADS
    bench_torch.py NAME mlp BATCH WIDTH HIDDEN_LAYERS THREADS
    bench_torch.py NAME gpt VOCAB LAYERS HEADS CHANNELS CONTEXT BATCH THREADS
"""
import resource
import sys
import time

import torch
import torch.nn.functional as F


def best_us(fn, iters, reps):
    best = float("inf")
    for _ in range(reps):
        start = time.perf_counter()
        for _ in range(iters):
            fn()
        best = min(best, (time.perf_counter() - start) / iters * 1e6)
    return best


def chain(prefix):
    x, b = (torch.randn(4) * 0.05).requires_grad_(), torch.rand(4)

    def fwdbwd():
        y = x
        for i in range(1000):
            k = i % 5
            if k == 0:
                y = y * b
            elif k == 1:
                y = y + b
            elif k == 2:
                y = torch.tanh(y)
            elif k == 3:
                y = y - 0.5
            else:
                y = torch.sigmoid(y)
        y.sum().backward()
        x.grad = None

    print("%s.chain_fwdbwd %.3f" % (prefix, best_us(fwdbwd, 20, 5)))


def elementwise(prefix, n, label, iters, reps):
    """Each op allocating its result, and (where PyTorch has the form) with
    out= into a tensor allocated once, alternating, best of reps."""
    a, b = torch.randn(n // 1024, 1024), torch.randn(n // 1024, 1024)
    out, scalar = torch.empty_like(a), torch.empty(())
    row_values, row_indices = torch.empty(n // 1024), torch.empty(n // 1024, dtype=torch.long)
    ops = {
        "add": (lambda: torch.add(a, b), lambda: torch.add(a, b, out=out)),
        "mul": (lambda: torch.mul(a, b), lambda: torch.mul(a, b, out=out)),
        "exp": (lambda: torch.exp(a), lambda: torch.exp(a, out=out)),
        "tanh": (lambda: torch.tanh(a), lambda: torch.tanh(a, out=out)),
        "sigmoid": (lambda: torch.sigmoid(a), lambda: torch.sigmoid(a, out=out)),
        "gelu": (lambda: F.gelu(a), lambda: torch._C._nn.gelu(a, out=out)),
        "sum": (lambda: torch.sum(a), lambda: torch.sum(a, (0, 1), out=scalar)),
        "softmax": (lambda: torch.softmax(a, 1), lambda: torch.softmax(a, 1, out=out)),
        "layer_norm": (lambda: F.layer_norm(a, (1024,)), None),
        "amax": (lambda: torch.amax(a, 1), lambda: torch.amax(a, 1, out=row_values)),
        "argmax": (lambda: torch.argmax(a, 1), lambda: torch.argmax(a, 1, out=row_indices)),
    }
    best = {}
    for _ in range(reps):
        for name, (alloc, into) in ops.items():
            for key, fn in ((name, alloc), (name + "_out", into)):
                if fn is not None:
                    best[key] = min(best.get(key, float("inf")), best_us(fn, iters, 1))
    for key, us in best.items():
        print("%s.%s.%s %.3f" % (prefix, key, label, us))


def conv(prefix):
    x, w, b = [(torch.randn(*s) * 0.05).requires_grad_() for s in [(8, 64, 56, 56), (64, 64, 3, 3), (64,)]]
    ones = torch.ones(8, 64, 56, 56)

    def fwdbwd():
        F.conv2d(x, w, b, padding=1).backward(ones)
        x.grad = w.grad = b.grad = None

    print("%s.conv_fwdbwd %.3f" % (prefix, best_us(fwdbwd, 2, 3)))


class GPT(torch.nn.Module):
    """bench_models.c's GPT: embeddings, pre-norm causal blocks with GELU
    (TransformerEncoderLayer, dropout 0), a final LayerNorm, a linear head."""

    def __init__(self, vocab, layers, heads, channels, context):
        super().__init__()
        self.embedding = torch.nn.Embedding(vocab, channels)
        self.position = torch.nn.Parameter(torch.randn(context, channels) * 0.02)
        block = torch.nn.TransformerEncoderLayer(channels, heads, 4 * channels, 0.0, "gelu", 1e-5, True, True)
        self.layers = torch.nn.TransformerEncoder(block, layers, torch.nn.LayerNorm(channels),
                                                  enable_nested_tensor=False)
        self.head = torch.nn.Linear(channels, vocab, bias=False)
        self.register_buffer("mask", torch.triu(torch.ones(context, context, dtype=torch.bool), 1))

    def forward(self, tokens):
        h = self.layers(self.embedding(tokens) + self.position, mask=self.mask)
        return self.head(h).view(-1, self.head.out_features)


def model_step(prefix, name, kind, args):
    if kind == "mlp":
        batch, width, hidden = args
        layers = []
        for i in range(hidden):
            layers += [torch.nn.Linear(width if i else 784, width), torch.nn.ReLU()]
        model = torch.nn.Sequential(*layers, torch.nn.Linear(width, 10))
        x, target = torch.randn(batch, 784), torch.randint(0, 10, (batch,))
        optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    else:
        vocab, layers, heads, channels, context, batch = args
        model = GPT(vocab, layers, heads, channels, context)
        x, target = torch.randint(0, vocab, (batch, context)), torch.randint(0, vocab, (batch * context,))
        optimizer = torch.optim.AdamW(model.parameters())

    def step():
        optimizer.zero_grad(set_to_none=True)
        F.cross_entropy(model(x), target).backward()
        optimizer.step()

    step()
    start = time.perf_counter()
    step()
    per_step = time.perf_counter() - start
    steps = 1 if per_step > 0.5 else int(0.5 / per_step)
    for _ in range(steps if per_step <= 0.5 else 0):
        step()
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    runs = 2 if per_step > 0.5 else 3
    us = best_us(step, steps, runs)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print("%s.%s.step %.3f" % (prefix, name, us))
    print("%s.%s.rss %.1f" % (prefix, name, usage.ru_maxrss / 1024))
    print("%s.%s.faults %.1f" % (prefix, name, (usage.ru_minflt - faults) / (steps * runs)))


def main(argv):
    threads = int(argv[-1])
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    prefix = "torch%d" % threads
    if argv[0] == "ops":
        if threads == 1:
            chain(prefix)
        elementwise(prefix, 16 << 20, "16M", 2, 3)
        elementwise(prefix, 64 << 10, "64K", 50, 5)
        elementwise(prefix, 1 << 10, "1K", 2000, 5)
        conv(prefix)
    else:
        model_step(prefix, argv[0], argv[1], [int(v) for v in argv[2:-1]])


if __name__ == "__main__":
    main(sys.argv[1:])
