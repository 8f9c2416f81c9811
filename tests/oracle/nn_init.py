# Oracle for nn_init.c: torch.nn.init's gains, fans and the bounds and
# standard deviations its initialisers draw with (the draws themselves come
# from other random streams), and its errors and warnings.
from oracle import show
import math
import warnings
import torch
import torch.nn.init as init


def attempt(label, f):
    try:
        print(label + ":", f())
    except Exception as e:
        print(label + ": error:", e)


for name, param in [("linear", None), ("conv2d", None), ("conv_transpose2d", None), ("sigmoid", None),
                    ("tanh", None), ("relu", None), ("leaky_relu", None), ("leaky_relu", 0.2),
                    ("leaky_relu", math.sqrt(5)), ("selu", None)]:
    print(f"gain {name} {param}: {init.calculate_gain(name, param):.12f}")
attempt("gain softmax", lambda: init.calculate_gain("softmax"))

SHAPES = [(3, 4), (8, 3, 5, 5), (2, 6, 7), (5, 1)]
for shape in SHAPES:
    fan_in, fan_out = init._calculate_fan_in_and_fan_out(torch.empty(shape))
    print(f"fans {list(shape)}: {fan_in} {fan_out}")
attempt("fans 1-d", lambda: init._calculate_fan_in_and_fan_out(torch.empty(3)))

# The bounds PyTorch's formulas give (torch/nn/init.py).
for shape in SHAPES:
    t = torch.empty(shape)
    fan_in, fan_out = init._calculate_fan_in_and_fan_out(t)
    std = math.sqrt(2.0 / (fan_in + fan_out))
    print(f"xavier {list(shape)} gain 2: bound {2 * math.sqrt(3.0) * std:.12f} std {2 * std:.12f}")
    for mode in ("fan_in", "fan_out"):
        fan = init._calculate_correct_fan(t, mode)
        for a, nl in [(0, "leaky_relu"), (math.sqrt(5), "leaky_relu"), (0, "relu"), (0, "tanh")]:
            std = init.calculate_gain(nl, a) / math.sqrt(fan)
            print(f"kaiming {list(shape)} {mode} {nl} a={a:.4f}: bound {math.sqrt(3.0) * std:.12f} std {std:.12f}")

# Errors and warnings; the tensor left as it was.
def caught(label, f):
    """The warnings first: tensorgrad's print where they are raised."""
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        try:
            result = f()
        except Exception as e:
            result = "error: " + str(e)
    for x in w:
        print("warning:", x.message)
    print(label + ":", result)


caught("kaiming_uniform_ 1-d", lambda: init.kaiming_uniform_(torch.zeros(3)).shape)
caught("kaiming_uniform_ zero-element", lambda: init.kaiming_uniform_(torch.zeros(0, 3)).shape)
caught("kaiming_normal_ zero-element", lambda: init.kaiming_normal_(torch.zeros(3, 0)).shape)
caught("kaiming_uniform_ bad nonlinearity", lambda: init.kaiming_uniform_(torch.zeros(2, 3), nonlinearity="softmax"))
caught("xavier_uniform_ 1-d", lambda: init.xavier_uniform_(torch.zeros(3)))
caught("xavier_normal_ zero fans", lambda: init.xavier_normal_(torch.zeros(0, 0)))
caught("orthogonal_ 1-d", lambda: init.orthogonal_(torch.zeros(3)))
caught("orthogonal_ zero-element", lambda: init.orthogonal_(torch.zeros(0, 3)).shape)
caught("trunc_normal_ mean far", lambda: init.trunc_normal_(torch.zeros(2), mean=5, std=1, a=-1, b=1).abs().max() <= 1)
show("constant_", init.constant_(torch.zeros(2, 2), 0.25))
show("ones_", init.ones_(torch.zeros(3)))
show("zeros_", init.zeros_(torch.ones(2, dtype=torch.float64)))
p = torch.zeros(2, requires_grad=True)
show("constant_ of a leaf that requires grad", init.constant_(p, 3))
show("the leaf", p)
