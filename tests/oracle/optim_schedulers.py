# Oracle for optim_schedulers.c: every scheduler over 100 epochs on an
# optimizer with two parameter groups (each lr, and the momentum OneCycleLR
# cycles, with 17 digits), SequentialLR chains, OneCycleLR stepped past its
# end, and the constructors' errors.
import oracle  # noqa: F401  (warnings filter before torch)
import torch
from torch.optim import lr_scheduler as S

EPOCHS = 100


def optimizer(kind="sgd"):
    ps = [torch.zeros(2, requires_grad=True), torch.zeros(3, requires_grad=True)]
    if kind == "adam":
        return torch.optim.Adam([{"params": ps[:1]}, {"params": ps[1:], "lr": 0.05}], lr=0.1)
    if kind == "adagrad":
        return torch.optim.Adagrad(ps, lr=0.1)
    return torch.optim.SGD([{"params": ps[:1]}, {"params": ps[1:], "lr": 0.05}], lr=0.1, momentum=0.9)


def show(label, opt, sched, momentum=False):
    last_lr = sched._last_lr if isinstance(sched, S.ReduceLROnPlateau) else sched.get_last_lr()
    values = [*last_lr, *(g["lr"] for g in opt.param_groups)]
    if momentum:
        values += [g["betas"][0] if "betas" in g else g["momentum"] for g in opt.param_groups]
    print(label, " ".join("%.17g" % v for v in values))


def run(name, make, kind="sgd", momentum=False, epochs=EPOCHS):
    opt = optimizer(kind)
    sched = make(opt)
    show(f"{name} epoch 0:", opt, sched, momentum)
    for epoch in range(epochs):
        opt.step()
        sched.step()
        show(f"{name} epoch {epoch + 1}:", opt, sched, momentum)
    print(f"{name} last_epoch:", sched.last_epoch)


def metric(epoch):
    return 1.0 / (1 + epoch) if epoch < 20 else 0.05 + ((epoch * 7) % 5) * 0.001


def run_plateau(name, **kwargs):
    opt = optimizer()
    sched = S.ReduceLROnPlateau(opt, **kwargs)
    for epoch in range(EPOCHS):
        opt.step()
        sched.step(metric(epoch) if "mode" not in kwargs else -metric(epoch))
        show(f"{name} epoch {epoch + 1}:", opt, sched)


run("step", lambda o: S.StepLR(o, 7, 0.5))
run("multistep", lambda o: S.MultiStepLR(o, [10, 30, 30, 60], 0.3))
run("exponential", lambda o: S.ExponentialLR(o, 0.97))
run("cosine", lambda o: S.CosineAnnealingLR(o, 30, 0.001))
run("cosine T_max 10", lambda o: S.CosineAnnealingLR(o, 10))
run("linear", lambda o: S.LinearLR(o, 0.25, 1.0, 20))
run("linear down", lambda o: S.LinearLR(o, 1.0, 0.1, 50))
run("lambda", lambda o: S.LambdaLR(o, lambda e: 0.95 ** e))
run("lambda inverse", lambda o: S.LambdaLR(o, lambda e: 1.0 / (1 + e)))
run("one_cycle", lambda o: S.OneCycleLR(o, 0.5, total_steps=100), momentum=True)
run("one_cycle linear three_phase adam",
    lambda o: S.OneCycleLR(o, 0.5, total_steps=80, anneal_strategy="linear", three_phase=True, pct_start=0.25,
                           div_factor=10.0, final_div_factor=100.0, base_momentum=0.8, max_momentum=0.9),
    kind="adam", momentum=True, epochs=80)
run("one_cycle no momentum",
    lambda o: S.OneCycleLR(o, 1.0, total_steps=50, cycle_momentum=False), kind="adagrad", epochs=50)
run_plateau("plateau", factor=0.5, patience=3, cooldown=2, min_lr=0.004)
run_plateau("plateau max abs", mode="max", threshold_mode="abs", threshold=0.01, patience=2)
run("sequential warm-up",
    lambda o: S.SequentialLR(o, [S.LinearLR(o, 0.1, 1.0, 5), S.CosineAnnealingLR(o, 95)], [5]))
run("sequential three",
    lambda o: S.SequentialLR(o, [S.ExponentialLR(o, 0.9), S.StepLR(o, 10, 0.5), S.LambdaLR(o, lambda e: 0.95 ** e)],
                             [10, 40]))

opt = optimizer()
sched = S.OneCycleLR(opt, 0.5, total_steps=10)
for _ in range(10):
    sched.step()
try:
    sched.step()
except ValueError as e:
    print("one_cycle past the end error:", e)
show("one_cycle past the end:", opt, sched)


def error(label, make):
    try:
        make()
        print(label, "no error")
    except ValueError as e:
        print(label, "error:", e)


o = optimizer()
error("linear start", lambda: S.LinearLR(o, 1.5))
error("linear end", lambda: S.LinearLR(o, 0.5, -0.5))
error("one_cycle total_steps", lambda: S.OneCycleLR(o, 0.1, total_steps=0))
error("one_cycle pct_start", lambda: S.OneCycleLR(o, 0.1, total_steps=10, pct_start=1.5))
error("one_cycle momentum", lambda: S.OneCycleLR(optimizer("adagrad"), 0.1, total_steps=10))
error("plateau factor", lambda: S.ReduceLROnPlateau(o, factor=1.0))
error("sequential milestones", lambda: S.SequentialLR(o, [S.StepLR(o, 2), S.StepLR(o, 3)], [1, 2]))
o2 = optimizer()
error("sequential optimizer", lambda: S.SequentialLR(o, [S.StepLR(o, 2), S.StepLR(o2, 3)], [4]))
