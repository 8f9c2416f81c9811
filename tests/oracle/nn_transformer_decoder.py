# Oracle for nn_transformer_decoder.c: torch.nn.TransformerDecoderLayer
# printed, its state_dict names and shapes, forwards with every parameter
# filled by the same rule in both programs, their gradients (on a grid of
# 2^-10), and PyTorch's errors.
from oracle import describe_module, fill_parameters, show, weights
import torch
import torch.nn as nn

E, L, S, N = 8, 3, 4, 2


def sequence(shape, a):
    i = torch.arange(0.0, shape[0] * shape[1] * shape[2])
    return (torch.sin(i * 0.7 + a) / 2).reshape(shape).requires_grad_()


def coarse(g):
    """g on a grid of 2^-10, as the .c prints it."""
    return torch.round(g * 1024) / 1024 + 0.0


def forward(label, activation, batch_first, norm_first, masks):
    m = nn.TransformerDecoderLayer(E, 2, 16, 0.0, activation, 1e-5, batch_first, norm_first)
    fill_parameters(m)
    tgt = sequence((N, L, E) if batch_first else (L, N, E), 0)
    memory = sequence((N, S, E) if batch_first else (S, N, E), 1)
    causal = torch.triu(torch.full((L, L), float("-inf")), 1)
    padding = torch.tensor([[False, False, False, True], [False, False, True, True]])
    out = m(tgt, memory, tgt_mask=causal if masks else None, memory_key_padding_mask=padding if masks else None)
    leaves = [tgt, memory, m.multihead_attn.in_proj_weight, m.norm3.bias, m.linear1.bias]
    show(label, out)
    out.backward(weights(out))
    for i, t in enumerate(leaves):
        show(f"{label} grad{i}", coarse(t.grad))


describe_module(nn.TransformerDecoderLayer(E, 2, 16, 0.1, batch_first=True))
try:
    nn.TransformerDecoderLayer(E, 2, 16, 0.1, "tanh", batch_first=True)
    print("activation tanh: made")
except RuntimeError as e:
    print("activation tanh:", e)

forward("post-norm", "relu", True, False, True)
forward("norm_first", "relu", True, True, True)
forward("gelu", "gelu", True, False, False)
forward("sequence first", "relu", False, False, True)

m = nn.TransformerDecoderLayer(E, 2, 16, 0.0, batch_first=True)
try:
    show("memory of another width", m(torch.ones(N, L, E), torch.ones(N, S, 4)))
except Exception as e:
    print("memory of another width: error:", e)
