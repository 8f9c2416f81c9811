# Oracle for optim_state.c: each optimizer's state_dict after 3 steps (two
# groups, a parameter without a gradient, initial_lr from a scheduler),
# flattened to tensorgrad's names, then loaded into a new optimizer over
# copies of the parameters that takes 3 more steps; and load_state_dict's
# errors.
import oracle  # noqa: F401  (warnings filter before torch)
import torch
from optim_common import backward, params, row

O = torch.optim
MAKERS = [
    ("SGD", lambda g: O.SGD(g, lr=0.05, momentum=0.9, nesterov=True)),
    ("Adam", lambda g: O.Adam(g, lr=0.01, amsgrad=True)),
    ("AdamW", lambda g: O.AdamW(g, lr=0.01, betas=(0.8, 0.9))),
    ("RMSprop", lambda g: O.RMSprop(g, lr=0.01, momentum=0.5, centered=True)),
    ("Adagrad", lambda g: O.Adagrad(g, lr=0.1, lr_decay=0.01)),
]


def groups(ps):
    return [{"params": [ps[0], ps[2]]}, {"params": [ps[1]], "lr": 0.02}]


def values(v, integer="torch.int64"):
    """dtype and values as tensorgrad's dict holds them: options as float64
    (or bool), RMSprop's integer step as int64."""
    if torch.is_tensor(v):
        return str(v.dtype), " ".join("%.17g" % x for x in v.double().flatten().tolist())
    if isinstance(v, bool):
        return "torch.bool", str(int(v))
    if isinstance(v, int):
        return integer, str(v)
    return "torch.float64", "%.17g" % v


def flat(name, sd, option_names):
    print(name, "metadata optimizer:", name)
    for pid, state in sd["state"].items():
        for key, v in state.items():
            if v is not None:
                print("%s state.%d.%s %s: %s" % (name, pid, key, *values(v)))
    for g, group in enumerate(sd["param_groups"]):
        for key, v in group.items():
            if key == "betas":
                for i in range(2):
                    print("%s param_groups.%d.betas.%d %s: %s" % (name, g, i, *values(v[i], "torch.float64")))
            elif key in option_names or key == "initial_lr":
                print("%s param_groups.%d.%s %s: %s" % (name, g, key, *values(v, "torch.float64")))
            elif key == "params":
                print("%s param_groups.%d.params torch.int64: %s" % (name, g, " ".join(str(i) for i in v)))


OPTIONS = {"lr", "momentum", "dampening", "weight_decay", "nesterov", "maximize", "eps", "amsgrad", "alpha",
           "centered", "lr_decay", "initial_accumulator_value"}

for name, make in MAKERS:
    ps = params(torch.float32)
    opt = make(groups(ps))
    torch.optim.lr_scheduler.StepLR(opt, 2)
    for step in range(3):
        opt.zero_grad()
        backward(ps, step)
        opt.step()
    sd = opt.state_dict()
    flat(name, sd, OPTIONS)
    copies = [p.detach().clone().requires_grad_() for p in ps]
    resumed = make(groups(copies))
    resumed.load_state_dict(sd)
    for step in range(3, 6):
        resumed.zero_grad()
        backward(copies, step)
        resumed.step()
    row(f"{name} resumed:", copies)

ps = params(torch.float32)
sd = O.SGD(groups(ps), lr=0.1).state_dict()
for label, opt in [("groups", O.SGD(ps, lr=0.1)), ("group size", O.SGD([{"params": ps[:1]}, {"params": ps[1:]}], lr=0.1))]:
    try:
        opt.load_state_dict(sd)
        print(label, "no error")
    except ValueError as e:
        print(label, "error:", e)
