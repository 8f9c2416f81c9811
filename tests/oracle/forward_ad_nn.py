# Oracle for forward_ad_nn.c: torch.autograd.forward_ad through the nn
# operations, the jvp of a small MLP, CNN and transformer block, and
# Hessian-vector products (torch.autograd.functional.hvp, which the C side
# computes by forward-over-reverse).
import math

from oracle import show, show_dual
import torch
import torch.autograd.forward_ad as fwAD
import torch.nn.functional as F

D = torch.float64


def pattern(k, *shape):
    """element i of pattern k: 0.8 sin(1.3 i + 0.7 k), in f64"""
    n = math.prod(shape)
    return torch.tensor([math.sin(1.3 * i + 0.7 * k) * 0.8 for i in range(n)], dtype=D).reshape(shape)


def dual(k, *shape):
    return fwAD.make_dual(pattern(k, *shape), pattern(k + 50, *shape))


def operations():
    tokens = torch.tensor([[3, 0], [2, 3]])
    show_dual("embedding", lambda: F.embedding(tokens, dual(1, 4, 3)))
    show_dual("conv2d", lambda: F.conv2d(dual(2, 1, 2, 5, 4), dual(3, 3, 2, 3, 3), dual(4, 3), stride=(2, 1), padding=1))
    show_dual("conv2d only weight", lambda: F.conv2d(pattern(2, 1, 2, 5, 4), dual(3, 3, 2, 3, 3), None, stride=(2, 1), padding=1))
    show_dual("conv1d", lambda: F.conv1d(dual(5, 2, 2, 6), dual(6, 3, 2, 2), dilation=2))
    show_dual("unfold", lambda: F.unfold(dual(7, 1, 2, 3, 4), (2, 2), stride=(1, 2)))
    show_dual("fold", lambda: F.fold(dual(8, 1, 8, 4), (3, 4), (2, 2), stride=(1, 2)))
    show_dual("max_pool2d", lambda: F.max_pool2d(dual(9, 1, 2, 4, 4), 2, stride=(2, 1), padding=(1, 0)))
    show_dual("avg_pool2d", lambda: F.avg_pool2d(dual(10, 1, 2, 4, 4), 2, stride=(2, 1), padding=(1, 0)))
    show_dual("adaptive_avg_pool2d", lambda: F.adaptive_avg_pool2d(dual(11, 1, 2, 5, 4), (3, 2)))
    show_dual("adaptive_max_pool2d", lambda: F.adaptive_max_pool2d(dual(12, 1, 2, 5, 4), (2, 3)))
    show_dual("pad constant", lambda: F.pad(dual(13, 2, 3), (1, -1, 2, 0), value=1.5))
    show_dual("pad reflect", lambda: F.pad(dual(14, 1, 2, 4), (2, 1), mode="reflect"))
    show_dual("pad replicate 2d", lambda: F.pad(dual(15, 1, 1, 2, 3), (1, 1, 0, 2), mode="replicate"))
    show_dual("pad reflect 3d", lambda: F.pad(dual(16, 1, 1, 2, 2, 3), (1, 1, 1, 0, 1, 1), mode="reflect"))
    show_dual("upsample nearest", lambda: F.interpolate(dual(17, 1, 2, 3), scale_factor=2.0, mode="nearest"))
    show_dual("upsample linear", lambda: F.interpolate(dual(18, 1, 2, 3), scale_factor=2.0, mode="linear", align_corners=True))
    show_dual("upsample bilinear", lambda: F.interpolate(dual(19, 1, 1, 2, 3), size=(3, 5), mode="bilinear", align_corners=False))
    show_dual("upsample nearest-exact", lambda: F.interpolate(dual(20, 1, 1, 2, 3), size=(3, 5), mode="nearest-exact"))
    show_dual("upsample trilinear", lambda: F.interpolate(dual(21, 1, 1, 2, 2, 2), scale_factor=2.0, mode="trilinear", align_corners=False))
    show_dual("layer_norm", lambda: F.layer_norm(dual(22, 2, 4), (4,), dual(23, 4), dual(24, 4), 1e-5))
    show_dual("layer_norm only input", lambda: F.layer_norm(dual(22, 2, 4), (4,), pattern(23, 4), None, 1e-5))
    show_dual("group_norm", lambda: F.group_norm(dual(25, 2, 4, 3), 2, dual(26, 4), dual(27, 4), 1e-5))
    show_dual("batch_norm training", lambda: F.batch_norm(dual(28, 3, 2, 2), None, None, dual(29, 2), dual(30, 2), True, 0.1, 1e-5))
    mean, var = torch.tensor([0.2, -0.1], dtype=D), torch.full((2,), 0.7, dtype=D)
    show_dual("batch_norm eval", lambda: F.batch_norm(dual(28, 3, 2, 2), mean, var, dual(29, 2), dual(30, 2), False, 0.1, 1e-5))
    show_dual("mse_loss", lambda: F.mse_loss(dual(31, 2, 3), dual(32, 2, 3)))
    show_dual("smooth_l1_loss", lambda: F.smooth_l1_loss(dual(33, 2, 3), dual(34, 2, 3), reduction="sum", beta=0.5))
    show_dual("huber_loss", lambda: F.huber_loss(dual(35, 2, 3), pattern(36, 2, 3), reduction="none", delta=0.4))
    probabilities = fwAD.make_dual(torch.sigmoid(pattern(37, 2, 3)), pattern(38, 2, 3))
    show_dual("binary_cross_entropy", lambda: F.binary_cross_entropy(probabilities, torch.sigmoid(pattern(39, 2, 3))))
    show_dual("binary_cross_entropy_with_logits",
            lambda: F.binary_cross_entropy_with_logits(dual(40, 2, 3), dual(41, 2, 3), pattern(42, 3),
                                                       pos_weight=torch.full((3,), 2.0, dtype=D)))
    classes = torch.tensor([2, 0, 1])
    show_dual("nll_loss", lambda: F.nll_loss(dual(43, 3, 4), classes))
    weight = torch.tensor([0.5, 1, 2, 1.5], dtype=D)
    show_dual("cross_entropy weighted", lambda: F.cross_entropy(dual(44, 3, 4), classes, weight=weight, ignore_index=1))
    show_dual("nll_loss2d", lambda: F.nll_loss(dual(45, 1, 3, 2, 2), torch.tensor([[[0, 2], [1, 1]]])))


def mlp(p, x, target):
    h = torch.tanh(F.linear(x, p[0], p[1]))
    y = F.linear(F.gelu(h), p[2], p[3])
    return F.mse_loss(torch.sigmoid(y), target)


def cnn(p, x, target):
    h = F.conv2d(x, p[0], p[1], padding=1)
    h = F.avg_pool2d(F.elu(h, 1.0), 2)
    y = F.linear(torch.tanh(h).flatten(1), p[2])
    return F.smooth_l1_loss(y, target, beta=0.5)


def normed(p, x, target):
    h = F.group_norm(F.linear(x, p[0]), 2, p[1], p[2], 1e-5)
    return F.mse_loss(torch.sigmoid(h), target)


MLP_SHAPES = [(4, 3), (4,), (2, 4), (2,)]
CNN_SHAPES = [(2, 1, 3, 3), (2,), (2, 8)]
NORMED_SHAPES = [(4, 3), (4,), (4,)]


def parameters(k, shapes):
    return ([pattern(k + i, *s) for i, s in enumerate(shapes)], [pattern(k + 50 + i, *s) for i, s in enumerate(shapes)])


def network_jvp(label, net, shapes, x, target):
    p, v = parameters(60, shapes)
    show_dual(label, lambda: net([fwAD.make_dual(a, b) for a, b in zip(p, v)], x, target))


def network_hvp(label, net, shapes, x, target):
    p, v = parameters(70, shapes)
    _, hvp = torch.autograd.functional.hvp(lambda *q: net(q, x, target), tuple(p), tuple(v))
    for i, h in enumerate(hvp):
        show(f"{label} {i}", h)


def transformer(p, x):
    e = F.embedding(x, p[0])
    h = F.layer_norm(e, (4,), p[1], p[2], 1e-5)
    q, k, v = F.linear(h, p[3]), F.linear(h, p[4]), F.linear(h, p[5])
    scores = q @ k.transpose(-2, -1) / 2
    causal = torch.zeros(3, 3, dtype=D).masked_fill(torch.ones(3, 3, dtype=torch.bool).triu(1), -math.inf)
    attn = torch.softmax(scores + causal, -1) @ v
    r = e + attn
    m = F.linear(F.gelu(F.linear(F.layer_norm(r, (4,), None, None, 1e-5), p[6], p[7])), p[8])
    return r + m


TRANSFORMER_SHAPES = [(5, 4), (4,), (4,), (4, 4), (4, 4), (4, 4), (6, 4), (6,), (4, 6)]


def transformer_jvp():
    p = [pattern(80 + i, *s) for i, s in enumerate(TRANSFORMER_SHAPES)]
    v = [pattern(130 + i, *s) for i, s in enumerate(TRANSFORMER_SHAPES)]
    tokens = torch.tensor([[1, 4, 2], [0, 3, 3]])
    show_dual("transformer", lambda: transformer([fwAD.make_dual(a, b) for a, b in zip(p, v)], tokens))
    duals = [fwAD.make_dual(a, b).requires_grad_() for a, b in zip(p, v)]
    try:
        torch.autograd.grad(transformer(duals, tokens).sum(), duals, create_graph=True)
        print("transformer forward-over-reverse: no error")
    except Exception as e:
        print(f"transformer forward-over-reverse: error: {e}")


with fwAD.dual_level():
    operations()
    x, target = pattern(90, 3, 3), pattern(91, 3, 2)
    network_jvp("mlp", mlp, MLP_SHAPES, x, target)
    network_hvp("mlp hvp", mlp, MLP_SHAPES, x, target)
    images, labels = pattern(92, 2, 1, 4, 4), pattern(93, 2, 2)
    network_jvp("cnn", cnn, CNN_SHAPES, images, labels)
    network_hvp("cnn hvp", cnn, CNN_SHAPES, images, labels)
    network_jvp("normed", normed, NORMED_SHAPES, x, pattern(94, 3, 4))
    network_hvp("normed hvp", normed, NORMED_SHAPES, x, pattern(94, 3, 4))
    transformer_jvp()
    d = dual(95, 4, 3).requires_grad_()
    for label, f in [("layer_norm", lambda: F.layer_norm(d, (3,), None, None, 1e-5)),
                     ("batch_norm", lambda: F.batch_norm(d, None, None, None, None, True, 0.1, 1e-5))]:
        try:
            torch.autograd.grad(f().pow(2).sum(), d, create_graph=True)
            print(label + " forward-over-reverse: no error")
        except Exception as e:
            print(f"{label} forward-over-reverse: error: {e}")
