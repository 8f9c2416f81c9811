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


def run(label, model, x):
    print("==", label)
    print(model)
    for name, t in model.state_dict().items():
        print(f"  {name} {list(t.shape)} {t.dtype}")
    fill(model)
    y = model(x)
    show("output", y)
    y.backward(weights(y))
    for name, p in model.named_parameters():
        show("grad " + name, p.grad)
    show("grad input", x.grad)


run("activations", nn.Sequential(nn.ReLU(), nn.Tanh(), nn.Sigmoid(), nn.SiLU(), nn.Mish(), nn.GELU(),
                                 nn.GELU(approximate="tanh"), nn.LeakyReLU(), nn.LeakyReLU(0.2), nn.ELU(),
                                 nn.ELU(0.5), nn.CELU(1.5), nn.SELU(), nn.ReLU6(), nn.Hardsigmoid(),
                                 nn.Hardswish(), nn.LogSigmoid(), nn.Identity()), inputs(2, 3))
run("flatten", nn.Sequential(nn.Flatten(), nn.Flatten(0, -1)), inputs(2, 3, 2))
run("empty sequential", nn.Sequential(), inputs(2))
run("nested", nn.Sequential(nn.Sequential(nn.ReLU(), nn.Flatten(1, 2)), nn.Sequential(nn.Sequential(nn.Tanh()))),
    inputs(2, 2, 2))


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
attempt("load_state_dict _extra_state", lambda: load(m, {"1._extra_state": torch.zeros(1)}))
