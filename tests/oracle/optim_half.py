# Oracle for optim_half.c: torch.optim's for-loop implementations
# (foreach=False) stepping float16 and bfloat16 parameters on CPU. bfloat16
# runs on 1.13's own kernels. float16 follows PyTorch 2, whose CPU kernels
# compute every operation the optimizers call in float on float copies
# (a Python scalar argument in float) and round the result once: 1.13 lacks
# several (addcmul_, addcdiv_, sqrt, maximum, clamp) and rounds the scalar
# and each product to float16 in the others (its c10::Half arithmetic), so
# the float16 operations are patched below to compute that way.
# Parameters have 32 elements: 1.13's bfloat16 kernels compute a tensor's
# last elements short of a 16-lane vector one operation at a time, rounding
# each product, and only its vectorized body as tensorgrad does (in float,
# with the scalar of mul_, div, add_ and alpha rounded to bfloat16 first).
# Adam's default eps (1e-8) is 0 in float16: an element whose gradients are
# all 0 becomes NaN, in PyTorch 2 as here.
import torch


def in_float(f, inplace):
    def patched(*args, **kwargs):
        if not any(isinstance(a, torch.Tensor) and a.dtype == torch.float16 for a in args):
            return f(*args, **kwargs)
        out = kwargs.pop("out", None)
        wide = [a.float() if isinstance(a, torch.Tensor) else a for a in args]
        r = f(*wide, **kwargs)
        target = args[0] if inplace else out
        if target is not None:
            with torch.no_grad():
                target.copy_(r)
            return target
        return r.to(torch.float16)
    return patched


for name in ("add_", "mul_", "div_", "addcmul_", "addcdiv_", "sqrt_"):
    setattr(torch.Tensor, name, in_float(getattr(torch.Tensor, name), True))
for name in ("add", "mul", "div", "sqrt", "addcmul", "__truediv__", "__mul__", "__add__"):
    setattr(torch.Tensor, name, in_float(getattr(torch.Tensor, name), False))
for name in ("maximum", "clamp", "norm"):
    setattr(torch, name, in_float(getattr(torch, name), False))

N, STEPS = 32, 3


def values(n, k, dt):
    return torch.tensor([((37 * i + 11 * k) % 19 - 9) / 8 for i in range(n)]).to(dt)


def exact(label, t):
    print(label, t.dtype, " ".join("%.9g" % v for v in t.double().tolist()))


def steps(name, dt, p, opt):
    for s in range(STEPS):
        opt.zero_grad()
        p.grad = values(N, 10 + s, dt)
        opt.step()
        exact(f"{name} {'f16' if dt == torch.float16 else 'bf16'} step {s}", p.detach())


def param(dt, k):
    return values(N, k, dt).requires_grad_()


for dt in (torch.float16, torch.bfloat16):
    p = param(dt, 0)
    steps("SGD", dt, p, torch.optim.SGD([p], lr=0.1, foreach=False))
    p = param(dt, 1)
    steps("SGD momentum", dt, p, torch.optim.SGD([p], lr=0.1, momentum=0.9, dampening=0.1, weight_decay=0.01,
                                                 foreach=False))
    p = param(dt, 2)
    steps("SGD nesterov", dt, p, torch.optim.SGD([p], lr=0.05, momentum=0.8, nesterov=True, foreach=False))
    p = param(dt, 3)
    steps("Adam", dt, p, torch.optim.Adam([p], lr=0.01, foreach=False))
    p = param(dt, 4)
    steps("Adam amsgrad", dt, p, torch.optim.Adam([p], lr=0.01, weight_decay=0.1, amsgrad=True, maximize=True,
                                                  foreach=False))
    p = param(dt, 5)
    steps("AdamW", dt, p, torch.optim.AdamW([p], lr=0.01, foreach=False))
    p = param(dt, 6)
    steps("RMSprop", dt, p, torch.optim.RMSprop([p], foreach=False))
    p = param(dt, 7)
    steps("RMSprop centered", dt, p, torch.optim.RMSprop([p], momentum=0.5, centered=True, weight_decay=0.01,
                                                         foreach=False))
    p = param(dt, 8)
    steps("Adagrad", dt, p, torch.optim.Adagrad([p], lr=0.1, lr_decay=0.01, foreach=False))

    a, b = values(N, 20, dt).requires_grad_(), values(4, 21, dt).requires_grad_()
    ((a * values(N, 22, dt)).sum() + (b * values(4, 23, dt)).sum()).backward()
    total = torch.nn.utils.clip_grad_norm_([a, b], 0.5, 2.0)
    print(f"clip_grad_norm_ {'f16' if dt == torch.float16 else 'bf16'} total %.9g" % total.item())
    exact("clip_grad_norm_ grad0", a.grad)
    exact("clip_grad_norm_ grad1", b.grad)
