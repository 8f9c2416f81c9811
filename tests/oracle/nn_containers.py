# Oracle for nn_containers.c: ModuleList and ModuleDict printed, their
# lengths, keys and state_dict names, indexing and replacing, PyTorch's
# errors (a KeyError's message without the quotes str() adds), and a
# forward through a list's layers with every parameter filled by the same
# rule in both programs.
from oracle import check, fill_parameters, show
import torch
import torch.nn as nn


def print_keys(label, m):
    print(label + ":", " ".join(m.state_dict().keys()))


def attempt(label, f, message=str):
    """Runs f; prints its result's class name, "ok" for None, or the error."""
    try:
        r = f()
    except Exception as e:
        print(f"{label}: error: {message(e)}")
        return
    print(f"{label}: {'ok' if r is None else type(r).__name__}")


def setitem(container, key, module):
    return lambda: container.__setitem__(key, module)


def module_list():
    ml = nn.ModuleList([nn.Linear(3, 2), nn.ReLU()])
    attempt("append", lambda: ml.append(nn.Linear(2, 4, bias=False)) and None)
    print(ml)
    print("len:", len(ml))
    print_keys("keys", ml)
    for i in (0, -1, -3, 3, -4):
        attempt(f"list[{i}]", lambda: ml[i])
    attempt("list[1] = Tanh()", setitem(ml, 1, nn.Tanh()))
    attempt("list[-1] = Linear(2, 3)", setitem(ml, -1, nn.Linear(2, 3)))
    attempt("list[5] = ReLU()", setitem(ml, 5, nn.ReLU()))
    print(ml)
    print_keys("keys", ml)

    fill_parameters(ml)
    x = (torch.arange(-3.0, 3.0) / 4).reshape(2, 3).requires_grad_()

    def layers():
        y = x
        for layer in ml:
            y = layer(y)
        return y, [x, ml[0].weight, ml[2].bias]

    check("layers", layers)
    try:
        ml(x)
    except NotImplementedError as e:
        print("list(x): error:", e)
    empty = nn.ModuleList()
    print(empty)
    print("len:", len(empty))


def module_dict():
    d = nn.ModuleDict({"b": nn.ReLU(), "a": nn.Linear(2, 2)})
    print(d)
    attempt("d['a']", lambda: d["a"])
    attempt("d['x']", lambda: d["x"], lambda e: e.args[0])
    attempt("d['a'] = Tanh()", setitem(d, "a", nn.Tanh()))
    attempt("d['c'] = Linear(2, 3)", setitem(d, "c", nn.Linear(2, 3)))
    attempt("d['a.b'] = ReLU()", setitem(d, "a.b", nn.ReLU()), lambda e: e.args[0])
    attempt("d[''] = ReLU()", setitem(d, "", nn.ReLU()), lambda e: e.args[0])
    print(d)
    print("keys:", " ".join(d.keys()))
    print_keys("state_dict", d)
    try:
        d(torch.ones(1, 2))
    except NotImplementedError as e:
        print("d(x): error:", e)
    print(nn.ModuleDict())


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(2, 2), nn.Linear(2, 1)])
        self.heads = nn.ModuleDict({"cls": nn.Linear(1, 3, bias=False)})


def nested():
    net = Net()
    print(net)
    print_keys("keys", net)
    encoder = nn.TransformerEncoder(nn.TransformerEncoderLayer(4, 2, 8, 0.0, batch_first=True), 2)
    print("encoder.layers:", type(encoder.layers).__name__)
    print("encoder.layers[-1]:", type(encoder.layers[-1]).__name__)


module_list()
module_dict()
nested()
