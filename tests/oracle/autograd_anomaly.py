# Oracle for autograd_anomaly.c: anomaly mode (set_detect_anomaly with and
# without check_nan): the node whose gradient has a NaN and its error, the
# warning's first line (the rest is Python's traceback, which tensorgrad
# replaces by the forward call's label), the version error's hint, and a
# custom function's NaN.
import warnings

from oracle import leaf
import torch


def attempt(label, f):
    """f's result, after the warnings it gave (as the C side prints them,
    when they are raised)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            f()
            result = "ok"
        except RuntimeError as e:
            result = f"error: {e}"
    for w in caught:
        text = str(w.message)
        if text.startswith("Error detected in"):
            print("warning:", text.split("\n")[0])
    print(f"{label}: {result}")


def report(x):
    print("grad:", x.grad)


print("enabled:", torch.is_anomaly_enabled(), torch.is_anomaly_check_nan_enabled())
torch.autograd.set_detect_anomaly(True)
print("enabled:", torch.is_anomaly_enabled(), torch.is_anomaly_check_nan_enabled())

x = leaf([0.0, 1.0])
attempt("div", lambda: (x / x).sum().backward())
report(x)
a = leaf([1.0, 2.0])
b = leaf([float("nan"), 1.0])
attempt("mul", lambda: (a * b * 2).sum().backward())
report(a)
attempt("log of negative", lambda: torch.log(leaf([-1.0, 2.0])).sum().backward())
c = leaf([1.0, 4.0])
attempt("sqrt", lambda: torch.sqrt(c).sum().backward())
report(c)
w = torch.tensor([1 + 1j, 2j], requires_grad=True)
attempt("complex", lambda: (w * torch.tensor([complex(float("nan"), 0), 1])).abs().sum().backward())
z = leaf([0.0, 1.0])
attempt("autograd.grad", lambda: torch.autograd.grad((z / z).sum(), z))


class Bad(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, g):
        return g * float("nan")


attempt("custom", lambda: Bad.apply(leaf([1.0, 2.0])).sum().backward())

h = leaf([1.0, 2.0]) * 1
e = h.exp()
e.add_(1)
attempt("saved output modified", lambda: e.sum().backward())

torch.autograd.set_detect_anomaly(True, check_nan=False)
print("enabled:", torch.is_anomaly_enabled(), torch.is_anomaly_check_nan_enabled())
x = leaf([0.0, 1.0])
attempt("div without check_nan", lambda: (x / x).sum().backward())
report(x)

torch.autograd.set_detect_anomaly(False)
print("enabled:", torch.is_anomaly_enabled(), torch.is_anomaly_check_nan_enabled())
x = leaf([0.0, 1.0])
attempt("div, anomaly mode off", lambda: (x / x).sum().backward())
report(x)
