# Oracle for train_half.c: mixed precision training with float32 master
# weights, a bfloat16 run and a float16 run with a loss scaler. PyTorch
# 1.13's GradScaler runs on CUDA only (its unscale and update kernels have
# no CPU version), so the scaler's arithmetic is written out here as
# torch/cuda/amp/grad_scaler.py and its two kernels compute it.
from oracle import show
import torch

ROWS, IN, OUT, STEPS = 8, 3, 2, 15


def loss_of(x, y, w, b, d):
    products = x.to(d).reshape(ROWS, IN, 1) * w.to(d)
    h = products.sum(1) + b.to(d)
    return (h - y.to(d)).square().mean()


def data(rows, cols, scale, shift):
    r = torch.arange(0, rows * cols, 1, dtype=torch.float32).reshape(rows, cols)
    return torch.cos(r * 1.7) * scale + shift


def train(d, prints):
    x, y = data(ROWS, IN, 1, 0), data(ROWS, OUT, 2, 0.5)
    w, b = data(IN, OUT, 0.3, 0).requires_grad_(), torch.zeros(OUT, requires_grad=True)
    opt = torch.optim.SGD([w, b], lr=0.1)
    losses = []
    for step in range(STEPS):
        opt.zero_grad()
        loss = loss_of(x, y, w, b, d)
        losses.append(loss.item())
        if prints:
            show("bf16 loss", loss)
        loss.backward()
        opt.step()
    if prints:
        show("bf16 w", w)
    return losses


half = train(torch.bfloat16, True)
full = train(torch.float32, False)
worst = max(abs(h - f) / f for h, f in zip(half, full))
print("bf16 losses within 2% of the f32 run:", worst < 0.02)


class Scaler:
    """GradScaler's arithmetic: _scale a float32 tensor of shape (1,)."""

    def __init__(self, init_scale, growth_factor, backoff_factor, growth_interval):
        self.scale_t = torch.full((1,), init_scale, dtype=torch.float32)
        self.growth_factor, self.backoff_factor, self.growth_interval = growth_factor, backoff_factor, growth_interval
        self.tracker = 0
        self.found_inf = None

    def scale(self, loss):
        return loss * self.scale_t

    def unscale_(self, opt):
        if self.found_inf is not None:
            raise RuntimeError("unscale_() has already been called on this optimizer since the last update().")
        inv_scale = self.scale_t.double().reciprocal().float()
        found = False
        for group in opt.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    # _amp_foreach_non_finite_check_and_unscale_
                    found = found or not bool(torch.isfinite(p.grad).all())
                    p.grad.copy_(p.grad.float() * inv_scale)
        self.found_inf = found

    def step(self, opt):
        if self.found_inf is None:
            self.unscale_(opt)
        if self.found_inf:
            return False
        opt.step()
        return True

    def update(self):
        # _amp_update_scale_
        if self.found_inf:
            self.scale_t *= self.backoff_factor
            self.tracker = 0
        else:
            self.tracker += 1
            if self.tracker == self.growth_interval:
                grown = self.scale_t * self.growth_factor
                if torch.isfinite(grown).all():
                    self.scale_t = grown
                self.tracker = 0
        self.found_inf = None


x, y = data(ROWS, IN, 1, 0), data(ROWS, OUT, 2, 0.5)
w, b = data(IN, OUT, 0.3, 0).requires_grad_(), torch.zeros(OUT, requires_grad=True)
opt = torch.optim.SGD([w, b], lr=0.1)
scaler = Scaler(1048576.0, 2.0, 0.5, 3)
for step in range(STEPS):
    opt.zero_grad()
    loss = loss_of(x, y, w, b, torch.float16)
    scaled = scaler.scale(loss)
    if step == 0:
        show("f16 scaled loss", scaled)
    scaled.backward()
    stepped = scaler.step(opt)
    scaler.update()
    print(f"f16 step {step}: loss {loss!r}, {'stepped' if stepped else 'skipped'}, next scale %.1f" % scaler.scale_t.item())
show("f16 w", w)
show("f16 b grad", b.grad)
scaler.unscale_(opt)
try:
    scaler.unscale_(opt)
except RuntimeError as e:
    print("unscale_ twice: -1")
    print("error:", e)
