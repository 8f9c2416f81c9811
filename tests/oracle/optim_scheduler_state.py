# Oracle for optim_scheduler_state.c: each scheduler stepped 5 epochs on an
# optimizer with two groups, the entries of its state_dict() that change as
# it steps printed (17 digits), then a fresh optimizer and scheduler loaded
# from the two state dicts and both runs stepped 3 more epochs.
import oracle  # noqa: F401  (warnings filter before torch)
import torch
from torch.optim import lr_scheduler as S

KEPT = ("base_lrs", "cooldown_counter", "best", "num_bad_epochs", "last_epoch", "_step_count", "_last_lr")
METRICS = [3, 2, 2.5, 2.5, 2.4, 2.4, 1, 1]


def optimizer():
    ps = [torch.zeros(2, requires_grad=True), torch.zeros(3, requires_grad=True)]
    return torch.optim.SGD([{"params": ps[:1]}, {"params": ps[1:], "lr": 0.05}], lr=0.1, momentum=0.9)


def show_state(name, state, prefix=""):
    for key, value in state.items():
        if key in KEPT:
            values = value if isinstance(value, list) else [value]
            text = " ".join(str(v) if isinstance(v, int) else "%.17g" % v for v in values)
            print(f"{name} {prefix}{key}: {text}")
    for i, child in enumerate(state.get("_schedulers", [])):
        show_state(name, child, f"{prefix}_schedulers.{i}.")


def step(sched, epoch):
    if isinstance(sched, S.ReduceLROnPlateau):
        sched.step(METRICS[epoch])
    else:
        sched.step()


def run(name, make):
    opt, opt2 = optimizer(), optimizer()
    sched, sched2 = make(opt), make(opt2)
    for epoch in range(5):
        opt.step()
        step(sched, epoch)
    show_state(name, sched.state_dict())
    opt2.load_state_dict(opt.state_dict())
    sched2.load_state_dict(sched.state_dict())
    for epoch in range(5, 8):
        opt.step()
        opt2.step()
        step(sched, epoch)
        step(sched2, epoch)
        lrs = [g["lr"] for g in opt.param_groups] + [g["lr"] for g in opt2.param_groups]
        print(f"{name} epoch {epoch + 1}:", " ".join("%.17g" % v for v in lrs))


def sequential(o):
    return S.SequentialLR(o, [S.LinearLR(o, 0.25, 1.0, 3), S.ExponentialLR(o, 0.9)], [3])


run("StepLR", lambda o: S.StepLR(o, 3, 0.5))
run("MultiStepLR", lambda o: S.MultiStepLR(o, [2, 6], 0.3))
run("ExponentialLR", lambda o: S.ExponentialLR(o, 0.9))
run("CosineAnnealingLR", lambda o: S.CosineAnnealingLR(o, 10, 0.01))
run("LinearLR", lambda o: S.LinearLR(o, 0.25, 1.0, 4))
run("OneCycleLR", lambda o: S.OneCycleLR(o, 0.5, 10))
run("ReduceLROnPlateau", lambda o: S.ReduceLROnPlateau(o, patience=1, cooldown=2))
run("SequentialLR", sequential)
