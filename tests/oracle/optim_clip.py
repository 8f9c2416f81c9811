# Oracle for optim_clip.c: clip_grad_norm_ (norm types 2, 1, 3 and
# inf; clipping and not; float32, float64 and both mixed; a parameter
# without a gradient; none with one) and clip_grad_value_.
import oracle  # noqa: F401  (warnings filter before torch)
import torch
from optim_common import row, values
from torch.nn.utils import clip_grad_norm_, clip_grad_value_



def params(dtypes):
    """Parameters with gradients ((i * 29) % 17 - 8) / 4 (step 2: / 8), and one without."""
    ps = []
    for n, dtype in zip((35, 3), dtypes):
        p = torch.tensor(values(n, 37, 23, 11, 8.0), dtype=dtype, requires_grad=True)
        (p * torch.tensor(values(n, 29, 17, 8, 4.0), dtype=dtype)).sum().backward()
        ps.append(p)
    ps.append(torch.zeros(2, requires_grad=True))
    return ps



CASES = [(1.0, 2.0), (100.0, 2.0), (1.0, 1.0), (5.0, 3.0), (1.0, float("inf")), (1000.0, float("inf"))]
for dtypes in ((torch.float32, torch.float32), (torch.float64, torch.float64), (torch.float32, torch.float64)):
    for max_norm, norm_type in CASES:
        ps = params(dtypes)
        total = clip_grad_norm_(ps, max_norm, norm_type)
        label = f"clip_grad_norm_ {str(dtypes[0])[6:]} {str(dtypes[1])[6:]} {max_norm} {norm_type}"
        print(label, "total: %.17g" % total.item())
        row(label + " grads:", [p.grad for p in ps[:2]])
    ps = params(dtypes)
    print("one param total: %.17g" % clip_grad_norm_(ps[1:2], 0.1).item())
    row("one param grad:", [ps[1].grad])
    ps = params(dtypes)
    clip_grad_value_(ps, 0.75)
    row(f"clip_grad_value_ {str(dtypes[0])[6:]} {str(dtypes[1])[6:]}:", [p.grad for p in ps[:2]])

print("no grads total: %.17g" % clip_grad_norm_([torch.zeros(2, requires_grad=True)], 1.0).item())
