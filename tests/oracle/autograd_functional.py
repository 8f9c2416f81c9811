# Oracle for autograd_functional.c: torch.autograd.functional's vjp, jvp,
# jacobian (reverse and forward mode), hessian, hvp and vhp on one and
# several inputs, with create_graph and strict, and their errors.
from oracle import show
import torch
import torch.autograd.functional as AF

D = torch.float64


def t(data):
    return torch.tensor(data, dtype=D)


def x23():
    return t([[0.5, -1.25, 2.0], [1.5, 0.25, -0.75]])


def xa():
    return t([0.5, -1.0, 2.0])


def xb():
    return t([1.5, 0.25, -0.5])


def exp_reducer(x):
    return x.exp().sum(dim=1)


def exp_adder(x, y):
    return 2 * x.exp() + 3 * y * x


def cube_sum(x):
    return (x ** 3).sum()


def mixed_sum(x, y):
    return (x * x * y + y.sin()).sum()


def first_only(x, y):
    return x * 2


def linear_sum(x):
    return (x * 2).sum()


def constant(x):
    return torch.ones(3, dtype=D)


def result(label, r):
    """A tensor, a tuple (printed element by element) or a tuple of tuples."""
    if isinstance(r, torch.Tensor):
        show(label, r)
        print(label, "requires_grad:", r.requires_grad)
        return
    for i, e in enumerate(r):
        result(f"{label}[{i}]", e)


def attempt(label, f):
    try:
        r = f()
    except Exception as e:
        print(f"{label}: error: {e}")
        return
    result(label, r)


attempt("vjp exp_reducer", lambda: AF.vjp(exp_reducer, x23(), t([1.0, 0.5])))
attempt("vjp exp_reducer create_graph", lambda: AF.vjp(exp_reducer, x23().requires_grad_(), t([1.0, 0.5]), create_graph=True))
attempt("vjp exp_adder", lambda: AF.vjp(exp_adder, (xa(), xb()), t([1.0, -2.0, 0.5])))
attempt("vjp cube_sum no v", lambda: AF.vjp(cube_sum, xa()))
attempt("vjp wrong v", lambda: AF.vjp(exp_reducer, x23(), t([1.0, 0.5, 2.0])))
attempt("vjp no v", lambda: AF.vjp(exp_reducer, x23()))
attempt("vjp strict", lambda: AF.vjp(first_only, (xa(), xb()), t([1.0, 1.0, 1.0]), strict=True))
attempt("vjp non-strict", lambda: AF.vjp(first_only, (xa(), xb()), t([1.0, 1.0, 1.0])))
attempt("vjp strict constant", lambda: AF.vjp(constant, xa(), t([1.0, 1.0, 1.0]), strict=True))

attempt("jvp exp_reducer", lambda: AF.jvp(exp_reducer, x23(), t([[1.0, 0.5, -1.0], [2.0, 0.0, 1.0]])))
attempt("jvp exp_adder", lambda: AF.jvp(exp_adder, (xa(), xb()), (t([1.0, 0.0, -1.0]), t([0.5, 2.0, 1.0]))))
attempt("jvp exp_adder create_graph", lambda: AF.jvp(exp_adder, (xa().requires_grad_(), xb()), (t([1.0, 0.0, -1.0]), t([0.5, 2.0, 1.0])), create_graph=True))
attempt("jvp strict", lambda: AF.jvp(first_only, (xa(), xb()), (t([1.0, 0.0, -1.0]), t([0.5, 2.0, 1.0])), strict=True))
attempt("jvp no v", lambda: AF.jvp(exp_reducer, x23()))
attempt("jvp wrong v", lambda: AF.jvp(cube_sum, xa(), t([1.0, 2.0])))
# forward mode: torch.autograd.forward_ad through dual tensors
attempt("jvp forward exp_reducer", lambda: AF.jvp(exp_reducer, x23(), t([[1.0, 0.5, -1.0], [2.0, 0.0, 1.0]])))
attempt("jvp forward exp_adder", lambda: AF.jvp(exp_adder, (xa(), xb()), (t([1.0, 0.0, -1.0]), t([0.5, 2.0, 1.0]))))

attempt("jacobian exp_reducer", lambda: AF.jacobian(exp_reducer, x23()))
attempt("jacobian exp_reducer create_graph", lambda: AF.jacobian(exp_reducer, x23().requires_grad_(), create_graph=True))
attempt("jacobian exp_adder", lambda: AF.jacobian(exp_adder, (xa(), xb())))
attempt("jacobian forward exp_reducer", lambda: AF.jacobian(exp_reducer, x23(), strategy="forward-mode", vectorize=True))
attempt("jacobian forward exp_adder", lambda: AF.jacobian(exp_adder, (xa(), xb()), strategy="forward-mode", vectorize=True))
attempt("jacobian strict", lambda: AF.jacobian(first_only, (xa(), xb()), strict=True))
attempt("jacobian non-strict", lambda: AF.jacobian(first_only, (xa(), xb())))
attempt("jacobian strict constant", lambda: AF.jacobian(constant, xa(), strict=True))
attempt("jacobian constant", lambda: AF.jacobian(constant, xa()))
attempt("jacobian forward strict", lambda: AF.jacobian(exp_reducer, x23(), strict=True, strategy="forward-mode", vectorize=True))
attempt("jacobian forward create_graph", lambda: AF.jacobian(exp_reducer, x23(), create_graph=True, strategy="forward-mode", vectorize=True))

attempt("hessian cube_sum", lambda: AF.hessian(cube_sum, xa()))
attempt("hessian cube_sum create_graph", lambda: AF.hessian(cube_sum, xa().requires_grad_(), create_graph=True))
attempt("hessian mixed_sum", lambda: AF.hessian(mixed_sum, (xa(), xb())))
attempt("hessian not scalar", lambda: AF.hessian(exp_reducer, x23()))
attempt("hessian strict linear", lambda: AF.hessian(linear_sum, xa(), strict=True))
attempt("hessian linear", lambda: AF.hessian(linear_sum, xa()))

attempt("hvp cube_sum", lambda: AF.hvp(cube_sum, xa(), t([1.0, -1.0, 0.5])))
attempt("hvp mixed_sum", lambda: AF.hvp(mixed_sum, (xa(), xb()), (t([1.0, 0.0, -1.0]), t([0.5, 2.0, 1.0]))))
attempt("hvp mixed_sum create_graph", lambda: AF.hvp(mixed_sum, (xa().requires_grad_(), xb()), (t([1.0, 0.0, -1.0]), t([0.5, 2.0, 1.0])), create_graph=True))
attempt("vhp cube_sum", lambda: AF.vhp(cube_sum, xa(), t([1.0, -1.0, 0.5])))
attempt("vhp mixed_sum", lambda: AF.vhp(mixed_sum, (xa(), xb()), (t([1.0, 0.0, -1.0]), t([0.5, 2.0, 1.0]))))
attempt("vhp mixed_sum create_graph", lambda: AF.vhp(mixed_sum, (xa(), xb().requires_grad_()), (t([1.0, 0.0, -1.0]), t([0.5, 2.0, 1.0])), create_graph=True))
attempt("hvp not scalar", lambda: AF.hvp(exp_reducer, x23(), x23()))
attempt("vhp no v", lambda: AF.vhp(cube_sum, xa()))
attempt("hvp strict linear", lambda: AF.hvp(linear_sum, xa(), t([1.0, 1.0, 1.0]), strict=True))
attempt("vhp linear", lambda: AF.vhp(linear_sum, xa(), t([1.0, 1.0, 1.0])))
