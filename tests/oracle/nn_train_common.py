# The Python side of nn_train.h: the same deterministic initial weights and
# the same printed lines, "loss <step> <value>" and "weight <name> <numel>
# <values>", 9 significant digits.
import math

import torch

MASK = (1 << 64) - 1


def mix(x):
    """splitmix64's finaliser."""
    x = (x + 0x9E3779B97F4A7C15) & MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & MASK
    return x ^ (x >> 31)


def name_hash(name):
    """FNV-1a of the name."""
    h = 0xCBF29CE484222325
    for c in name.encode():
        h = ((h ^ c) * 0x100000001B3) & MASK
    return h


def unit(name, i):
    """Uniform on [-1, 1) from 53 bits of the hash of (name, i)."""
    x = mix(name_hash(name) ^ mix(i))
    return (x >> 11) * 2.0 ** -52 - 1.0


def fan_in(w):
    return w.numel() / w.shape[0]


def bound(params, name, p):
    """(center, bound) as nn_train.h's train_bound."""
    if "norm" in name or "bn" in name:
        return (1.0 if name.endswith("weight") else 0.0), 0.1
    if name.endswith("in_proj_weight"):
        return 0.0, math.sqrt(6.0 / (p.shape[0] + p.shape[1]))
    if "emb" in name:
        return 0.0, 1.0
    if p.dim() >= 2:
        return 0.0, 1 / math.sqrt(fan_in(p))
    return 0.0, 1 / math.sqrt(fan_in(params[name[: -len("bias")] + "weight"]))


def init(model):
    params = dict(model.named_parameters())
    with torch.no_grad():
        for name, p in params.items():
            center, b = bound(params, name, p)
            values = [center + b * unit(name, i) for i in range(p.numel())]
            p.copy_(torch.tensor(values, dtype=torch.float64).to(torch.float32).reshape(p.shape))


def print_loss(step, loss):
    print("loss %d %.9g" % (step, loss.item()))


def print_weights(model):
    for name, t in model.state_dict().items():
        if t.dtype != torch.float32:
            continue
        values = " ".join("%.9g" % v for v in t.flatten().tolist())
        print("weight %s %d %s" % (name, t.numel(), values))
