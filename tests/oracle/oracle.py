# Helpers shared by the oracle scripts: each tests/oracle/<name>.py prints with
# PyTorch what <name>.c prints with tensorgrad (oracle.h holds the C side of
# these helpers). The scripts import this module before torch, so that the
# warnings filter below is in place when torch loads.
import warnings

# The warnings tensorgrad gives print as "warning: <text>" where they are
# raised, as oracle.h's handler prints tensorgrad's; other warnings are not
# compared. PyTorch's words for its Python API become the C API's names
# (docs/autograd.md).
C_WORDS = [
    ("Using backward() with create_graph=True", "Using tg_backward_ex() with create_graph"),
    ("using autograd.grad when", "using tg_autograd_grad() when"),
    ("reset the .grad fields of your parameters to None", "clear the gradients of your parameters with tg_zero_grad()"),
]
COMPARED = ("Using a target size", "Using backward() with create_graph", "Using padding='same'",
            "Casting complex values to real")


def show_warning(message, category, filename, lineno, file=None, line=None):
    text = str(message)
    if not text.startswith(COMPARED):
        return
    text = text.split(" (Triggered internally at")[0]
    for python, c in C_WORDS:
        text = text.replace(python, c)
    print("warning:", text)


warnings.simplefilter("always")
warnings.showwarning = show_warning
import torch
import torch.autograd.forward_ad as fwAD


def tree(fn):
    """grad_fn and, recursively, its next functions: Name(next, ...)."""
    if fn is None:
        return "None"
    name = type(fn).__name__
    if not fn.next_functions:
        return name
    return name + "(" + ", ".join(tree(f) for f, _ in fn.next_functions) + ")"


def show(label, t):
    print(label + ":", t)


def show_dtype(label, t):
    print(label + ":", t, t.dtype)


def show_dual(label, f):
    """f()'s primal and tangent, or the error f raises (oracle.h's show_dual)."""
    try:
        r = f()
    except Exception as e:
        print(f"{label}: error: {e}")
        return
    p, tangent = fwAD.unpack_dual(r)
    show(label + " primal", p)
    show(label + " tangent", tangent)


def graph(label, t):
    print(label, "grad_fn:", tree(t.grad_fn))


def leaf(data, dtype=torch.float32):
    return torch.tensor(data, dtype=dtype, requires_grad=True)


def weights(t):
    """Distinct upstream gradients: 0.25, 0.5, ... in t's shape and dtype."""
    return (torch.arange(1.0, t.numel() + 1) / 4).reshape(t.shape).to(t.dtype)


def backprop(label, out, leaves):
    out.backward(weights(out))
    for i, l in enumerate(leaves):
        show(f"{label} grad{i}", l.grad)


def check(label, make):
    """make() -> (out, leaves): prints the value, graph and leaf gradients."""
    out, leaves = make()
    show(label, out)
    graph(label, out)
    backprop(label, out, leaves)


def sl(t, dim, start, end, step):
    """tg_slice(t, dim, start, end, step), with aten's own argument checks."""
    return torch.ops.aten.slice(t, dim, start, end, step)


def show_strides(label, t):
    print(label, "stride:", t.stride())


def attempt(label, f):
    """show(label, f()), or the error f raised; returns the result or None."""
    try:
        t = f()
    except Exception as e:
        print(f"{label}: error: {e}")
        return None
    show(label, t)
    return t


def fill_parameters(model):
    """oracle.h's fill_parameters: parameter k (in named_parameters order),
    element i: ((37 i + 11 k) % 19 - 9) / 16."""
    with torch.no_grad():
        for k, (name, p) in enumerate(model.named_parameters()):
            values = [((37 * i + 11 * k) % 19 - 9) / 16 for i in range(p.numel())]
            p.copy_(torch.tensor(values).reshape(p.shape))


def describe_module(m):
    """oracle.h's describe_module: print(m), then each state_dict name with its shape."""
    print(m)
    for name, t in m.state_dict().items():
        print(name, list(t.shape))
