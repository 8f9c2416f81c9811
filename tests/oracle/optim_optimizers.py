# Oracle for optim_optimizers.c: SGD, Adam, AdamW, RMSprop and Adagrad over
# 100 steps on fixed quadratic losses, in float32 and float64, with several
# option combinations, two parameter groups, a parameter without a
# gradient, zero_grad, and the constructors' errors.
import oracle  # noqa: F401  (warnings filter before torch)
import torch
from optim_common import backward, params, row, values

STEPS = 100



def run(name, make, dtype, transposed=False):
    ps = params(dtype)
    if transposed:  # w (5, 7) as the transpose of a (7, 5) tensor: not contiguous
        ps[0] = torch.tensor(values(35, 37, 23, 11, 8.0), dtype=dtype).reshape(7, 5).t().requires_grad_()
    opt = make(ps)
    for step in range(STEPS):
        opt.zero_grad()
        backward(ps, step)
        opt.step()
        row(f"{name} {str(dtype)[6:]} step {step + 1}:", ps)


O = torch.optim
CONFIGS = [
    ("sgd", lambda p: O.SGD(p, lr=0.1)),
    ("sgd momentum", lambda p: O.SGD(p, lr=0.05, momentum=0.9)),
    ("sgd dampening decay", lambda p: O.SGD(p, lr=0.05, momentum=0.9, dampening=0.1, weight_decay=0.01)),
    ("sgd nesterov", lambda p: O.SGD(p, lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.1)),
    ("sgd maximize", lambda p: O.SGD(p, lr=0.01, momentum=0.5, maximize=True)),
    ("adam", lambda p: O.Adam(p, lr=0.01)),
    ("adam amsgrad decay", lambda p: O.Adam(p, lr=0.02, weight_decay=0.1, amsgrad=True)),
    ("adam betas maximize", lambda p: O.Adam(p, lr=0.01, betas=(0.8, 0.99), eps=1e-6, maximize=True)),
    ("adamw", lambda p: O.AdamW(p, lr=0.01)),
    ("adamw amsgrad", lambda p: O.AdamW(p, lr=0.03, weight_decay=0.5, amsgrad=True)),
    ("rmsprop", lambda p: O.RMSprop(p)),
    ("rmsprop centered", lambda p: O.RMSprop(p, lr=0.005, centered=True)),
    ("rmsprop momentum decay", lambda p: O.RMSprop(p, lr=0.001, alpha=0.9, momentum=0.9, weight_decay=0.1)),
    ("rmsprop all", lambda p: O.RMSprop(p, lr=0.001, eps=1e-4, momentum=0.5, centered=True, maximize=True)),
    ("adagrad", lambda p: O.Adagrad(p, lr=0.1)),
    ("adagrad decay", lambda p: O.Adagrad(p, lr=0.1, lr_decay=0.01, weight_decay=0.1,
                                          initial_accumulator_value=0.1, eps=1e-6)),
    ("adagrad maximize", lambda p: O.Adagrad(p, lr=0.01, maximize=True)),
]


def sgd_groups(ps):
    opt = O.SGD([ps[0], ps[2]], lr=0.05, momentum=0.9)
    opt.add_param_group({"params": [ps[1]], "lr": 0.2, "momentum": 0.0, "weight_decay": 0.1})
    return opt


def adam_groups(ps):
    opt = O.Adam([ps[0]], lr=0.01)
    opt.add_param_group({"params": [ps[1], ps[2]], "lr": 0.1, "betas": (0.5, 0.9), "amsgrad": True})
    return opt


def rmsprop_groups(ps):
    return O.RMSprop([{"params": [ps[0]]}, {"params": [ps[1]], "momentum": 0.5, "centered": True}], lr=0.002)


# PyTorch's Adagrad makes its state in its constructor only, so its second
# group is given there (tg_adagrad_add_param_group makes it when it adds),
# and it fills every group with the constructor's initial_accumulator_value.
def adagrad_groups(ps):
    return O.Adagrad([{"params": [ps[0]]}, {"params": [ps[1], ps[2]], "lr": 0.5}],
                     lr=0.1, initial_accumulator_value=0.25)


CONFIGS += [("sgd groups", sgd_groups), ("adam groups", adam_groups), ("rmsprop groups", rmsprop_groups),
            ("adagrad groups", adagrad_groups)]

for dtype in (torch.float32, torch.float64):
    for name, make in CONFIGS:
        run(name, make, dtype)
for name, make in CONFIGS:
    if name in ("sgd momentum", "adam", "adamw amsgrad", "rmsprop centered", "adagrad"):
        run(name + " transposed", make, torch.float32, transposed=True)

# lr changed between steps (what schedulers do), read back per group
ps = params(torch.float32)
opt = adam_groups(ps)
for step in range(4):
    opt.zero_grad()
    backward(ps, step)
    opt.step()
    opt.param_groups[0]["lr"] = opt.param_groups[0]["lr"] * 0.5
    print("set_lr", step, "%.17g %.17g" % (opt.param_groups[0]["lr"], opt.param_groups[1]["lr"]))
    row(f"set_lr step {step + 1}:", ps)

print("groups:", len(opt.param_groups))

# zero_grad writes zeros; a parameter without a gradient keeps None;
# set_to_none drops them
opt.zero_grad()
print("zero_grad:", ps[0].grad.abs().sum().item(), ps[2].grad)
opt.zero_grad(set_to_none=True)
print("zero_grad set_to_none:", ps[0].grad, ps[1].grad)


def error(label, make):
    try:
        make()
        print(label, "no error")
    except (ValueError, RuntimeError) as e:
        print(label, "error:", e)


p = params(torch.float32)
ERRORS = [
    ("sgd lr", lambda: O.SGD(p, lr=-0.1)),
    ("sgd momentum", lambda: O.SGD(p, lr=0.1, momentum=-1.0)),
    ("sgd weight_decay", lambda: O.SGD(p, lr=0.1, weight_decay=-1e-05)),
    ("sgd nesterov", lambda: O.SGD(p, lr=0.1, nesterov=True)),
    ("sgd nesterov dampening", lambda: O.SGD(p, lr=0.1, momentum=0.9, dampening=0.5, nesterov=True)),
    ("adam lr", lambda: O.Adam(p, lr=-1.0)),
    ("adam eps", lambda: O.Adam(p, eps=-0.001)),
    ("adam beta1", lambda: O.Adam(p, betas=(1.0, 0.999))),
    ("adam beta2", lambda: O.Adam(p, betas=(0.9, -0.5))),
    ("adamw weight_decay", lambda: O.AdamW(p, weight_decay=-1e-20)),
    ("rmsprop alpha", lambda: O.RMSprop(p, alpha=-0.5)),
    ("rmsprop momentum", lambda: O.RMSprop(p, momentum=-2.0)),
    ("rmsprop eps", lambda: O.RMSprop(p, eps=-12345678901234567.0)),
    ("adagrad lr_decay", lambda: O.Adagrad(p, lr_decay=-0.25)),
    ("adagrad initial_accumulator_value", lambda: O.Adagrad(p, initial_accumulator_value=-3.0)),
    ("adagrad eps", lambda: O.Adagrad(p, eps=-1e-10)),
    ("empty", lambda: O.SGD([], lr=0.1)),
    ("non-leaf", lambda: O.SGD([p[0] * 2], lr=0.1)),
    ("two groups", lambda: O.SGD(p, lr=0.1).add_param_group({"params": [p[1]]})),
]
for label, make in ERRORS:
    error(label, make)
