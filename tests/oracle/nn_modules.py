# Oracle for nn_modules.c: torch.nn modules printed, their state_dict keys,
# shapes and dtypes, and, with every parameter filled by the same fixed rule
# in both programs, their forward outputs (with grad_fn) and the gradients
# of their parameters and input; then train/eval, freezing, counting and
# load_state_dict's errors.
from oracle import show, weights
import torch
import torch.nn as nn


def fill(model):
    """Parameter k (in named_parameters order), element i: ((37 i + 11 k) % 19 - 9) / 16."""
    with torch.no_grad():
        for k, (name, p) in enumerate(model.named_parameters()):
            values = [((37 * i + 11 * k) % 19 - 9) / 16 for i in range(p.numel())]
            p.copy_(torch.tensor(values).reshape(p.shape))


def inputs(*shape):
    n = 1
    for s in shape:
        n *= s
    return torch.tensor([((13 * i) % 17 - 8) / 8 for i in range(n)]).reshape(shape).requires_grad_()


def coarse(g):
    """g on a grid of 2^-12, so that f32 rounding noise (a gradient that is
    zero in exact arithmetic, as a key bias's under softmax) prints alike."""
    return None if g is None else torch.round(g * 4096) / 4096 + 0.0


def run(label, model, x, grid=lambda g: g):
    print("==", label)
    print(model)
    for name, t in model.state_dict().items():
        print(f"  {name} {list(t.shape)} {t.dtype}")
    fill(model)
    y = model(x)
    show("output", y)
    y.backward(weights(y))
    for name, p in model.named_parameters():
        show("grad " + name, grid(p.grad))
    show("grad input", grid(x.grad))


run("linear", nn.Linear(4, 3), inputs(2, 4))
run("linear without bias, 3-d input", nn.Linear(3, 2, bias=False), inputs(2, 2, 3))
run("linear, 1-d input", nn.Linear(3, 2), inputs(3))
run("mlp", nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Dropout(0.0), nn.Linear(3, 2), nn.Tanh()), inputs(5, 4))
run("mlp in eval mode", nn.Sequential(nn.Linear(4, 3), nn.Dropout(0.5), nn.GELU()).eval(), inputs(2, 4))
run("dropout2d in eval mode", nn.Dropout2d(0.25).eval(), inputs(1, 2, 2, 2))


def embed(label, e, indices):
    print("==", label)
    print(e)
    fill(e)
    y = e(torch.tensor(indices))
    show("output", y)
    y.backward(weights(y))
    show("grad weight", e.weight.grad)


embed("embedding", nn.Embedding(5, 3), [[1, 3], [4, 3]])
embed("embedding with padding_idx -2", nn.Embedding(5, 2, padding_idx=-2), [3, 1, 3, 0])
embed("embedding scaled by frequency", nn.Embedding(4, 2, padding_idx=0, scale_grad_by_freq=True), [2, 2, 0, 1, 2])
run("activations", nn.Sequential(nn.ReLU(), nn.Tanh(), nn.Sigmoid(), nn.SiLU(), nn.Mish(), nn.GELU(),
                                 nn.GELU(approximate="tanh"), nn.LeakyReLU(), nn.LeakyReLU(0.2), nn.ELU(),
                                 nn.ELU(0.5), nn.CELU(1.5), nn.SELU(), nn.ReLU6(), nn.Hardsigmoid(),
                                 nn.Hardswish(), nn.LogSigmoid(), nn.Identity()), inputs(2, 3))
run("flatten", nn.Sequential(nn.Flatten(), nn.Flatten(0, -1)), inputs(2, 3, 2))
run("empty sequential", nn.Sequential(), inputs(2))
run("nested", nn.Sequential(nn.Sequential(nn.ReLU(), nn.Flatten(1, 2)), nn.Sequential(nn.Sequential(nn.Tanh()))),
    inputs(2, 2, 2))



class RMSNorm(nn.Module):
    """PyTorch 2.4's nn.RMSNorm, as F.rms_norm composes it (1.13 has neither)."""

    def __init__(self, normalized_shape, eps=None, elementwise_affine=True):
        super().__init__()
        if isinstance(normalized_shape, int):
            normalized_shape = (normalized_shape,)
        self.normalized_shape = tuple(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        if elementwise_affine:
            self.weight = nn.Parameter(torch.ones(self.normalized_shape))
        else:
            self.register_parameter("weight", None)

    def forward(self, x):
        dims = tuple(range(-len(self.normalized_shape), 0))
        eps = torch.finfo(x.dtype).eps if self.eps is None else self.eps
        y = x * torch.rsqrt(x.pow(2).mean(dims, keepdim=True) + eps)
        return y if self.weight is None else y * self.weight

    def extra_repr(self):
        return "{normalized_shape}, eps={eps}, elementwise_affine={elementwise_affine}".format(**self.__dict__)


run("layer norm", nn.LayerNorm(4), inputs(2, 4))
run("layer norm 2-d, no affine", nn.LayerNorm([2, 3], eps=1e-3, elementwise_affine=False), inputs(2, 2, 3))
run("group norm", nn.GroupNorm(2, 4), inputs(2, 4, 2))
run("group norm, no affine", nn.GroupNorm(3, 3, eps=0.5, affine=False), inputs(2, 3, 2))
run("rms norm", RMSNorm(4), inputs(2, 4))
run("rms norm 2-d", RMSNorm([2, 2], eps=1e-6), inputs(3, 2, 2))
run("rms norm, no affine", RMSNorm(3, elementwise_affine=False), inputs(2, 3))
run("softmax", nn.Sequential(nn.Softmax(dim=1), nn.LogSoftmax(dim=-1)), inputs(2, 3))
run("pools", nn.Sequential(nn.MaxPool2d(2), nn.AvgPool2d(kernel_size=(2, 1), stride=1, padding=(1, 0))),
    inputs(1, 2, 5, 4))
run("max pool, dilated", nn.MaxPool2d(kernel_size=2, stride=1, dilation=2, ceil_mode=True, padding=1),
    inputs(1, 1, 5, 5))
run("adaptive pools", nn.Sequential(nn.AdaptiveMaxPool2d((2, 3)), nn.AdaptiveAvgPool2d(1)), inputs(1, 2, 5, 7))
run("max pool 1d", nn.MaxPool1d(3, stride=2), inputs(2, 7))

run("conv2d", nn.Conv2d(2, 3, 3), inputs(1, 2, 4, 5))
run("conv2d strided, padded, no bias", nn.Conv2d(2, 4, (2, 3), stride=(2, 1), padding=(1, 2), dilation=(1, 2),
                                                  groups=2, bias=False), inputs(2, 2, 4, 5))
run("conv2d same", nn.Conv2d(1, 2, (2, 3), padding="same"), inputs(1, 1, 3, 4))
run("conv1d", nn.Conv1d(2, 2, 3, stride=2, padding=1), inputs(2, 2, 6))
run("conv1d dilated, grouped", nn.Conv1d(4, 2, 2, dilation=3, groups=2, bias=False), inputs(1, 4, 7))
run("conv transpose2d", nn.ConvTranspose2d(2, 3, 3), inputs(1, 2, 3, 2))
run("conv transpose2d strided", nn.ConvTranspose2d(2, 4, (2, 3), stride=2, padding=(1, 0), output_padding=(1, 0),
                                                    groups=2), inputs(1, 2, 3, 3))


def batch_norm(label, bn, *shape):
    run(label, bn, inputs(*shape))
    y = bn(inputs(*shape) * 2 + 1)
    for name, t in bn.named_buffers():
        show("after two batches " + name, t)
    bn.eval()
    show("eval output", bn(inputs(*shape)))


batch_norm("batch norm 1d", nn.BatchNorm1d(3), 5, 3)
batch_norm("batch norm 1d, 3-d input", nn.BatchNorm1d(2, eps=1e-3, momentum=0.5), 3, 2, 2)
batch_norm("batch norm 2d, momentum None", nn.BatchNorm2d(2, momentum=None), 2, 2, 2, 3)
batch_norm("batch norm 2d, no running stats", nn.BatchNorm2d(2, affine=False, track_running_stats=False), 2, 2, 1, 3)



def attention(label, mha, q, k, v, **options):
    print("==", label)
    print(mha)
    for name, t in mha.state_dict().items():
        print(f"  {name} {list(t.shape)} {t.dtype}")
    fill(mha)
    out, w = mha(q, k, v, **options)
    show("output", out)
    show("weights", w)
    out.backward(weights(out))
    for name, p in mha.named_parameters():
        show("grad " + name, coarse(p.grad))
    for name, t in (("query", q), ("key", k), ("value", v)):
        show("grad " + name, coarse(t.grad))


x = inputs(2, 3, 4)
attention("self-attention", nn.MultiheadAttention(4, 2, batch_first=True), x, x, x)
kv = inputs(2, 5, 4)
attention("cross-attention, key padding mask, per head", nn.MultiheadAttention(4, 2, batch_first=True), inputs(2, 3, 4),
          kv, kv, key_padding_mask=torch.tensor([[False, False, False, True, True], [False, True, False, False, False]]),
          average_attn_weights=False)
attention("sequence first, float mask, no bias", nn.MultiheadAttention(4, 4, bias=False), inputs(3, 2, 4),
          inputs(5, 2, 4), inputs(5, 2, 4), attn_mask=inputs(3, 5).detach(), need_weights=False)
attention("unbatched, bool mask, float key padding mask", nn.MultiheadAttention(2, 1, batch_first=True), inputs(3, 2),
          inputs(2, 2), inputs(2, 2), attn_mask=torch.tensor([[False, True], [False, False], [True, False]]),
          key_padding_mask=torch.tensor([0.0, -1.0]))
run("transformer encoder layer", nn.TransformerEncoderLayer(4, 2, dim_feedforward=6, dropout=0.0, batch_first=True),
    inputs(2, 3, 4), coarse)
run("transformer encoder layer, norm first, gelu",
    nn.TransformerEncoderLayer(4, 2, 6, 0.0, activation="gelu", layer_norm_eps=1e-3, batch_first=True, norm_first=True),
    inputs(2, 3, 4), coarse)
run("transformer encoder",
    nn.TransformerEncoder(nn.TransformerEncoderLayer(4, 2, 6, 0.0, batch_first=True), 2, norm=nn.LayerNorm(4)),
    inputs(2, 3, 4), coarse)
encoder = nn.TransformerEncoder(nn.TransformerEncoderLayer(4, 2, 5, 0.0, batch_first=True, norm_first=True), 3)
fill(encoder)
print("encoder keys:", len(encoder.state_dict()), list(encoder.state_dict().keys())[-3:])
src = inputs(2, 3, 4)
y = encoder(src, mask=torch.tensor([[0.0, -1.0, 0.5], [0.0, 0.0, 0.0], [1.0, 0.0, -2.0]]),
            src_key_padding_mask=torch.tensor([[False, False, True], [False, False, False]]))
show("encoder with masks", y)
y.backward(weights(y))
show("grad src", coarse(src.grad))
layer = nn.TransformerEncoderLayer(4, 1, 3, 0.5, batch_first=True).eval()
fill(layer)
src = inputs(2, 3, 4)
y = layer(src, src_mask=torch.tensor([[False, True, True], [False, False, True], [False, False, False]]),
          src_key_padding_mask=torch.tensor([[False, False, True], [False, False, False]]))
show("encoder layer with masks, eval", y)
y.backward(weights(y))
show("grad src", coarse(src.grad))
show("grad self_attn.in_proj_weight", coarse(layer.self_attn.in_proj_weight.grad))


def attempt(label, f):
    try:
        print(label + ":", f())
    except Exception as e:
        print(label + ": error:", e)


print("== module api")
m = nn.Sequential(nn.ReLU(), nn.Sequential(nn.Tanh(), nn.GELU()))
print("name:", type(m.get_submodule("1.0")).__name__, type(m.get_submodule("")).__name__)
print("children:", len(list(m.children())), len(list(m[1].children())))
m.eval()
print("training after eval:", m.training, m[1][0].training)
m[1].train()
print("training after train of 1:", m.training, m[1][0].training)
print("parameters:", len(list(m.parameters())), sum(p.numel() for p in m.parameters()),
      sum(p.numel() for p in m.parameters() if p.requires_grad))
print("named buffers:", [name for name, _ in m.named_buffers()])
m.requires_grad_(False)
m.zero_grad()
print("repr:", repr(m))
attempt("get_submodule 1.3", lambda: m.get_submodule("1.3"))
attempt("get_submodule 0.x", lambda: m.get_submodule("0.x"))
attempt("get_parameter 1.0.weight", lambda: m.get_parameter("1.0.weight"))
attempt("get_buffer 2.running_mean", lambda: m.get_buffer("2.running_mean"))


def load(model, state, strict=True):
    model.load_state_dict(state, strict)
    return "ok"


attempt("load_state_dict {}", lambda: load(m, {}))
attempt("load_state_dict unexpected", lambda: load(m, {"x": torch.zeros(1), "1.0.y": torch.zeros(1)}))
attempt("load_state_dict unexpected, not strict", lambda: load(m, {"x": torch.zeros(1)}, strict=False))
attempt("batch norm 1d of a 4-d input", lambda: nn.BatchNorm1d(2)(torch.zeros(1, 2, 1, 1)))
attempt("batch norm 2d of a 3-d input", lambda: nn.BatchNorm2d(2)(torch.zeros(2, 2, 1)))
attempt("conv2d groups 0", lambda: nn.Conv2d(2, 2, 1, groups=0))
attempt("conv2d groups not dividing in", lambda: nn.Conv2d(3, 2, 1, groups=2))
attempt("conv2d groups not dividing out", lambda: nn.Conv2d(2, 3, 1, groups=2))
attempt("conv2d same, strided", lambda: nn.Conv2d(2, 3, 1, padding="same", stride=2))
attempt("group norm 0 groups", lambda: nn.GroupNorm(0, 2))
attempt("group norm 3 groups of 4", lambda: nn.GroupNorm(3, 4))
attempt("dropout p 1.5", lambda: nn.Dropout(1.5))
attempt("dropout2d p -0.25", lambda: nn.Dropout2d(-0.25))
attempt("embedding padding_idx 5 of 5", lambda: nn.Embedding(5, 2, padding_idx=5))
attempt("embedding padding_idx -6 of 5", lambda: nn.Embedding(5, 2, padding_idx=-6))
attempt("linear of a mismatched input", lambda: nn.Linear(3, 2)(torch.zeros(2, 4)))
mha = nn.MultiheadAttention(4, 2, batch_first=True)
attempt("attention of a 4-d query", lambda: mha(torch.zeros(1, 2, 3, 4), torch.zeros(1, 2, 3, 4), torch.zeros(1, 2, 3, 4)))
attempt("attention, 2-d key", lambda: mha(torch.zeros(2, 3, 4), torch.zeros(3, 4), torch.zeros(2, 3, 4)))
attempt("attention, embedding 3", lambda: mha(torch.zeros(2, 3, 3), torch.zeros(2, 3, 3), torch.zeros(2, 3, 3)))
attempt("attention, key and value shapes", lambda: mha(torch.zeros(2, 3, 4), torch.zeros(2, 3, 4), torch.zeros(2, 2, 4)))
attempt("attention, attn_mask shape", lambda: mha(torch.zeros(2, 3, 4), torch.zeros(2, 3, 4), torch.zeros(2, 3, 4),
                                                   attn_mask=torch.zeros(2, 2)))
attempt("attention, 3-d attn_mask shape", lambda: mha(torch.zeros(2, 3, 4), torch.zeros(2, 3, 4), torch.zeros(2, 3, 4),
                                                      attn_mask=torch.zeros(2, 3, 3)))
attempt("attention, integer attn_mask", lambda: mha(torch.zeros(2, 3, 4), torch.zeros(2, 3, 4), torch.zeros(2, 3, 4),
                                                    attn_mask=torch.zeros(3, 3, dtype=torch.long)))
attempt("attention, key_padding_mask shape", lambda: mha(torch.zeros(2, 3, 4), torch.zeros(2, 3, 4),
                                                         torch.zeros(2, 3, 4), key_padding_mask=torch.zeros(2, 2)))
attempt("attention, 1-d key_padding_mask", lambda: mha(torch.zeros(2, 3, 4), torch.zeros(2, 3, 4),
                                                       torch.zeros(2, 3, 4), key_padding_mask=torch.zeros(3)))
attempt("attention, embed_dim 5 of 2 heads", lambda: nn.MultiheadAttention(5, 2))
attempt("encoder layer, tanh", lambda: nn.TransformerEncoderLayer(4, 2, activation="tanh"))
attempt("load_state_dict _extra_state", lambda: load(m, {"1._extra_state": torch.zeros(1)}))

print("== state dicts")


def norms():
    return nn.Sequential(nn.LayerNorm(4), nn.Sequential(nn.GroupNorm(2, 4), nn.ReLU()))


def param(label, p):
    """A parameter as a plain tensor (Python prints "Parameter containing:"), then its flag."""
    show(label, p.detach())
    print("requires_grad:", p.requires_grad)


m = norms()
fill(m)
state = m.state_dict()
print("keys:", list(state.keys()))
show("state 0.weight", state["0.weight"])
copy = norms()
attempt("load into a new model", lambda: load(copy, state))
param("loaded 1.0.weight", copy.get_parameter("1.0.weight"))
param("loaded 0.bias", copy[0].bias)
with torch.no_grad():
    state["0.bias"].add_(1)
param("the model's 0.bias after writing the state's", m[0].bias)
bad = dict(state)
del bad["1.0.bias"]
bad["0.weight"] = torch.zeros(3)
bad["1.1.weight"] = torch.zeros(4)
bad["1.0.weight"] = torch.zeros(2, 2)
attempt("load missing, unexpected, mismatched", lambda: load(copy, bad))
attempt("load mismatched, not strict", lambda: load(copy, bad, strict=False))
param("0.weight unchanged", copy[0].weight)
doubles = {k: v.double() for k, v in state.items()}
attempt("load f64 values", lambda: load(copy, doubles))
param("loaded f64 into f32", copy[0].bias)
copy[0].weight.requires_grad_(False)
print("frozen: parameters", len(list(copy.parameters())), sum(p.numel() for p in copy.parameters()),
      "trainable", sum(p.numel() for p in copy.parameters() if p.requires_grad))
y = copy(inputs(2, 4, 1).squeeze(-1)).sum()
y.backward()
show("grad of the frozen 0.weight", copy[0].weight.grad)
show("grad of 0.bias", copy[0].bias.grad)
copy.zero_grad(set_to_none=True)
show("grad of 0.bias after zero_grad", copy[0].bias.grad)
copy.requires_grad_(False)
print("after requires_grad_(False): trainable", sum(p.numel() for p in copy.parameters() if p.requires_grad))

print("== reprs")
print(nn.TransformerEncoderLayer(8, 2, 16, batch_first=True))
print(nn.Sequential(nn.MultiheadAttention(6, 3, bias=False), nn.BatchNorm1d(4, momentum=None), nn.BatchNorm2d(2, eps=0.001, affine=False), nn.LeakyReLU(1e-05), nn.ELU(1e16), nn.ELU(123456.789), nn.CELU(-0.0), nn.ELU(2.5e-7),
                    nn.LayerNorm(3, eps=1e-12), nn.GroupNorm(1, 2, eps=0.1), RMSNorm(2, eps=1e-8),
                    nn.MaxPool2d((2, 3), stride=(1, 2)), nn.AvgPool2d(3, padding=1),
                    nn.AdaptiveAvgPool2d((2, 3)), nn.Softmax(dim=0)))
print(None)

print("== batch norm state")
bn = nn.BatchNorm1d(2)
state = {"weight": torch.full((2,), 2.0), "bias": torch.zeros(2), "running_mean": torch.ones(2),
         "running_var": torch.full((2,), 3.0), "num_batches_tracked": torch.tensor([5])}
attempt("load a 1-element num_batches_tracked", lambda: load(bn, state))
show("num_batches_tracked", bn.num_batches_tracked)
show("running_var", bn.running_var)
del state["num_batches_tracked"]
attempt("load without num_batches_tracked", lambda: load(bn, state))
show("num_batches_tracked", bn.num_batches_tracked)
attempt("load without running_var", lambda: load(bn, {k: v for k, v in state.items() if k != "running_var"}))

print("== a module of the user's own")


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.add_module("encoder", nn.Sequential(nn.Linear(4, 3), nn.ReLU()))
        self.register_parameter("scale", nn.Parameter(torch.ones(3)))
        self.register_buffer("step", torch.zeros(()))
        self.add_module("head", nn.Linear(3, 2))


def key_error(label, f):
    """KeyError's text without the quotes str() of a KeyError adds."""
    try:
        f()
        print(label + ": ok")
    except KeyError as e:
        print(label + ": error:", e.args[0])


net = Net()
print(net)
fill(net)
print("keys:", list(net.state_dict().keys()))
x = inputs(2, 4)
y = net.head(net.encoder(x) * net.scale)
show("output", y)
y.backward(weights(y))
for name, p in net.named_parameters():
    show("grad " + name, p.grad)
key_error("register_parameter a.b", lambda: net.register_parameter("a.b", nn.Parameter(torch.ones(1))))
key_error("register_buffer ''", lambda: net.register_buffer("", torch.ones(1)))
key_error("register_parameter encoder", lambda: net.register_parameter("encoder", nn.Parameter(torch.ones(1))))
key_error("register_buffer scale", lambda: net.register_buffer("scale", torch.ones(1)))
key_error("add_module step", lambda: net.add_module("step", nn.ReLU()))
key_error("add_module x.y", lambda: net.add_module("x.y", nn.ReLU()))
key_error("add_module ''", lambda: net.add_module("", nn.ReLU()))
key_error("register_parameter scale again", lambda: net.register_parameter("scale", nn.Parameter(torch.zeros(3))))
key_error("add_module head again", lambda: net.add_module("head", nn.Linear(3, 1)))
key_error("add_module a new child to a Sequential", lambda: net.encoder.add_module("extra", nn.Tanh()))
print("keys:", list(net.state_dict().keys()))
show("scale", net.scale.detach())
print(net)
show("the Sequential's forward with its new child", net.encoder(inputs(1, 4)))
