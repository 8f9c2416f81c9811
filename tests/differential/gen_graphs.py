#!/usr/bin/env python3
"""Random expression graphs for differential testing against PyTorch.

    gen_graphs.py --seed S --count N [--first K] [--regressions FILE] [--out FILE]

writes N graphs (numbered K, K+1, ...) as line-based programs, each run here
in PyTorch with the expected results written beside the program; the C
program run_graphs.c replays them with tensorgrad and compares. Every graph
has its own generator, random.Random("<seed>:<index>"), so graph 412 is the
same whether it is made alone (--first 412 --count 1) or among a thousand.
Without PyTorch it prints "SKIPPED" and exits 77.

The format, one statement a line (values are exact: hex floats, or 0/1 for
bool; a complex tensor's are (real, imaginary) pairs):

    graph <index>
    %0 = leaf f32 [2,3] <values...>          a leaf that requires grad
    %1 = const f64 [3] <values...>           a tensor that does not
    %2 = mul %0 %1 -> f64 [2,3] [3,1] MulBackward0(AccumulateGrad,-) <values...>
    %3 = sum_dim %2 [-1] 1 -> f64 [2] [1] SumBackward1(MulBackward0) <values...>
    %4 = add_ %3 %1 -> error <PyTorch's message>
    loss %9                                   backward from %9
    loss %9 -> error <message>                backward fails
    noloss %9 <message>                       PyTorch 1.13 lacks a float16 or
                                              bfloat16 kernel of the backward
                                              (tensorgrad computes it in float):
                                              not run, not compared
    grad %0 f32 [2,3] <values...>             the leaf's .grad afterwards
    grad %1 none                              .grad is None
    hess %0 %12 %1 %13                        second order: g = autograd.grad(
                                              loss, [%0, %1], create_graph=True),
                                              s = sum((g0*%12).sum() + ...),
                                              s.backward()
    hgrad %0 f32 [2,3] <values...>            g0 (a first derivative with a graph)
    ggrad %0 f32 [2,3] <values...> | none     %0.grad after s.backward()
    end

After "->" an operation gives its result's dtype, shape, strides, grad_fn
with the names of its next functions ("-" for none) and values, or "error"
and PyTorch's message when PyTorch rejects it (the graph ends there).
In-place operations (suffix _) name their result as a new node that is the
same tensor as their first operand. Index tensors are constants of dtype
i64 (values written as floats); cat and stack take any number of tensors
before the dim; split, chunk and unbind give the piece their last argument
numbers; operations with several results (sort, topk, var_mean, max_dim,
...) give their first. run_op says what each name means in PyTorch.

Besides the domains (positive for log, |x| < 1 for atanh, ...), operands
are kept away from where a derivative or value jumps (KINKS and
check_kinks: relu-like kinks, clamp bounds, ties of max/sort/comparisons,
integers for floor and fmod), so that rounding cannot move them across.
Second derivatives are compared only where PyTorch has them
(hardsigmoid_backward has none).

About NEW_DTYPE_RATE of the graphs have float16, bfloat16, complex64 or
complex128 leaves (mixed with the other dtypes in constants, casts and
some leaves, for promotion), and the complex operations (real, imag, conj,
angle, view_as_real, view_as_complex, complex, polar). PyTorch decides what
is drawn for them: an operation it rejects for a dtype is not drawn, or is
an expected error. Not drawn for complex either: what tensorgrad does not
yet take (COMPLEX_NOT_DRAWN) and what PyTorch 1.13 gets wrong
(not_drawn). Where PyTorch lacks the float16 or bfloat16 kernel of a
backward, the graph is compared forward only ("noloss"). Kinks are kept
KINK_ULPS units of the graph's least precise dtype away; run_graphs.c
compares float16 and bfloat16 at their own precision (PRECISIONS).

--regressions FILE also replays hand-written programs (regressions.txt: the
same format without the results), numbered from 1000000.
"""
import argparse
import math
import random
import re
import struct
import sys
import warnings

torch = None
F = None

DTYPES = {}            # "f32" -> torch.float32, filled in main()
NAMES = {}             # torch.float32 -> "f32"

MAX_NUMEL = 48         # keep tensors (and the file) small
MAX_RANK = 4
MAX_ABS = 1e3          # values beyond this are rejected
MARGIN = 1e-3          # distance kept from kinks (relu, abs, max, ...)
ERROR_RATE = 0.04      # graphs that end with an operation PyTorch rejects
SECOND_ORDER_RATE = 0.25
NEW_DTYPE_RATE = 0.3   # graphs whose leaves are float16, bfloat16, complex64 or complex128
# PyTorch 1.13's words for a float16 or bfloat16 CPU kernel it lacks
HALF_KERNEL_MISSING = re.compile(r"not implemented for '(Half|BFloat16)'")
# The units in the last place kept between a value and a kink, by the
# graph's least precise dtype: tensorgrad's float16 and bfloat16 results may
# be a few units away from PyTorch's where its kernels round differently
# (docs/guide_tensors.md), and a kink must not fall between them.
KINK_ULPS = 8
ULP = {}               # torch.float16 -> 2 ** -10, filled in main()
VALUE_DTYPES = []      # the floating and complex dtypes, filled in main()
REGRESSION_BASE = 1000000   # graph numbers of the replayed regressions.txt


# ----------------------------------------------------------------- output

def hexf(v):
    """An exact, short spelling of a double that C's strtod reads."""
    if v != v:
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    if v == 0:
        return "-0" if math.copysign(1.0, v) < 0 else "0"
    mant, exp = float(v).hex().split("p")
    if "." in mant:
        mant = mant.rstrip("0").rstrip(".")
    return mant + "p" + exp


def shape_str(shape):
    return "[" + ",".join(str(int(s)) for s in shape) + "]"


def values_str(t):
    t = t.detach()
    if t.numel() == 0:
        return ""
    if t._is_zerotensor():   # PyTorch's storage-less zeros (some second derivatives)
        t = torch.zeros(t.shape, dtype=t.dtype)
    if t.dtype == torch.bool:
        return " ".join("1" if v else "0" for v in t.reshape(-1).tolist())
    if t.is_complex():   # (real, imaginary) pairs
        t = torch.view_as_real(t.resolve_conj().resolve_neg())
    return " ".join(hexf(v) for v in t.to(torch.float64).reshape(-1).tolist())


def node_str(fn):
    """A grad_fn and its next functions: "MulBackward0(AccumulateGrad,-)"."""
    if fn is None:
        return "-"
    nexts = ",".join(type(f).__name__ if f is not None else "-" for f, _ in fn.next_functions)
    return f"{type(fn).__name__}({nexts})"


def describe(t):
    fn = node_str(t.grad_fn)
    vals = values_str(t)
    return f"{NAMES[t.dtype]} {shape_str(t.shape)} {shape_str(t.stride())} {fn}" + (" " + vals if vals else "")


def tensor_desc(t):
    vals = values_str(t)
    return f"{NAMES[t.dtype]} {shape_str(t.shape)}" + (" " + vals if vals else "")


def one_line(msg):
    return " ".join(str(msg).split())


# ------------------------------------------------------ the interpreter
# The one place that says what each operation of the text format means in
# PyTorch; run_graphs.c says what it means in tensorgrad.

def torch_fn(name):
    return lambda *a: getattr(torch, name)(*a)


BINARY = {
    "add": lambda a, b: torch.add(a, b),
    "sub": lambda a, b: torch.sub(a, b),
    "mul": lambda a, b: torch.mul(a, b),
    "div": lambda a, b: torch.div(a, b),
    "pow": lambda a, b: torch.pow(a, b),
    "maximum": lambda a, b: torch.maximum(a, b),
    "minimum": lambda a, b: torch.minimum(a, b),
    "matmul": lambda a, b: torch.matmul(a, b),
    "bce": lambda a, b: F.binary_cross_entropy_with_logits(a, b),
    "mse": lambda a, b: F.mse_loss(a, b),
    "complex": lambda a, b: torch.complex(a, b),
    "polar": lambda a, b: torch.polar(a, b),
}
SCALAR = {
    "add_scalar": lambda a, s: a + s,
    "sub_scalar": lambda a, s: a - s,
    "mul_scalar": lambda a, s: a * s,
    "div_scalar": lambda a, s: a / s,
    "pow_scalar": lambda a, s: a ** s,
    "rsub_scalar": lambda a, s: s - a,
}
UNARY = {
    "neg": lambda a: torch.neg(a),
    "exp": lambda a: torch.exp(a),
    "log": lambda a: torch.log(a),
    "sqrt": lambda a: torch.sqrt(a),
    "abs": lambda a: torch.abs(a),
    "sin": lambda a: torch.sin(a),
    "cos": lambda a: torch.cos(a),
    "tanh": lambda a: torch.tanh(a),
    "sigmoid": lambda a: torch.sigmoid(a),
    "relu": lambda a: torch.relu(a),
    "sign": lambda a: torch.sign(a),
    "sum": lambda a: a.sum(),
    "mean": lambda a: a.mean(),
    "norm": lambda a: torch.norm(a),
    "t": lambda a: a.t(),
    "contiguous": lambda a: a.contiguous(),
    "clone": lambda a: a.clone(),
    "zero_": lambda a: a.zero_(),
    "real": lambda a: torch.real(a),
    "imag": lambda a: torch.imag(a),
    "conj": lambda a: torch.conj(a),
    "angle": lambda a: torch.angle(a),
    "view_as_real": lambda a: torch.view_as_real(a),
    "view_as_complex": lambda a: torch.view_as_complex(a),
}
INPLACE_BINARY = {
    "add_": lambda a, b: a.add_(b),
    "sub_": lambda a, b: a.sub_(b),
    "mul_": lambda a, b: a.mul_(b),
    "div_": lambda a, b: a.div_(b),
    "pow_": lambda a, b: a.pow_(b),
    "copy_": lambda a, b: a.copy_(b),
}
INPLACE_SCALAR = {
    "add_scalar_": lambda a, s: a.add_(s),
    "sub_scalar_": lambda a, s: a.sub_(s),
    "mul_scalar_": lambda a, s: a.mul_(s),
    "div_scalar_": lambda a, s: a.div_(s),
    "pow_scalar_": lambda a, s: a.pow_(s),
    "fill_": lambda a, s: a.fill_(s),
}
# The newer operations. Unary ones, with their in-place twins (name + "_").
UNARY2 = {
    "log1p": torch_fn("log1p"), "log2": torch_fn("log2"), "log10": torch_fn("log10"),
    "rsqrt": torch_fn("rsqrt"), "reciprocal": torch_fn("reciprocal"), "square": torch_fn("square"),
    "tan": torch_fn("tan"), "asin": torch_fn("asin"), "acos": torch_fn("acos"), "atan": torch_fn("atan"),
    "sinh": torch_fn("sinh"), "cosh": torch_fn("cosh"), "asinh": torch_fn("asinh"),
    "acosh": torch_fn("acosh"), "atanh": torch_fn("atanh"), "erf": torch_fn("erf"),
    "erfc": torch_fn("erfc"), "erfinv": torch_fn("erfinv"), "expm1": torch_fn("expm1"),
    "gelu": lambda a: F.gelu(a), "gelu_tanh": lambda a: F.gelu(a, approximate="tanh"),
    "silu": lambda a: F.silu(a), "mish": lambda a: F.mish(a),
    "logsigmoid": lambda a: F.logsigmoid(a), "hardsigmoid": lambda a: F.hardsigmoid(a),
    "hardswish": lambda a: F.hardswish(a), "selu": lambda a: F.selu(a), "relu6": lambda a: F.relu6(a),
    "floor": torch_fn("floor"), "ceil": torch_fn("ceil"), "round": torch_fn("round"),
    "trunc": torch_fn("trunc"), "frac": torch_fn("frac"), "logical_not": torch_fn("logical_not"),
    "isnan": torch_fn("isnan"), "isinf": torch_fn("isinf"), "isfinite": torch_fn("isfinite"),
    "all": torch_fn("all"), "any": torch_fn("any"), "argmax_all": torch_fn("argmax"),
    "argmin_all": torch_fn("argmin"),
}
NO_INPLACE2 = {"logsigmoid"}   # no in-place twin
INPLACE_UNARY2 = {
    "log1p_": lambda a: a.log1p_(), "log2_": lambda a: a.log2_(), "log10_": lambda a: a.log10_(),
    "rsqrt_": lambda a: a.rsqrt_(), "reciprocal_": lambda a: a.reciprocal_(), "square_": lambda a: a.square_(),
    "tan_": lambda a: a.tan_(), "asin_": lambda a: a.asin_(), "acos_": lambda a: a.acos_(),
    "atan_": lambda a: a.atan_(), "sinh_": lambda a: a.sinh_(), "cosh_": lambda a: a.cosh_(),
    "erf_": lambda a: a.erf_(), "erfc_": lambda a: a.erfc_(), "erfinv_": lambda a: a.erfinv_(),
    "expm1_": lambda a: a.expm1_(),
    "gelu_": None, "silu_": lambda a: F.silu(a, inplace=True), "mish_": lambda a: F.mish(a, inplace=True),
    "hardsigmoid_": lambda a: F.hardsigmoid(a, inplace=True), "hardswish_": lambda a: F.hardswish(a, inplace=True),
    "selu_": lambda a: F.selu(a, inplace=True), "relu6_": lambda a: F.relu6(a, inplace=True),
    "neg_": lambda a: a.neg_(), "exp_": lambda a: a.exp_(), "log_": lambda a: a.log_(),
    "sqrt_": lambda a: a.sqrt_(), "abs_": lambda a: a.abs_(), "sin_": lambda a: a.sin_(),
    "cos_": lambda a: a.cos_(), "tanh_": lambda a: a.tanh_(), "sigmoid_": lambda a: a.sigmoid_(),
    "relu_": lambda a: a.relu_(),
    "floor_": lambda a: a.floor_(), "ceil_": lambda a: a.ceil_(), "round_": lambda a: a.round_(),
    "trunc_": lambda a: a.trunc_(), "frac_": lambda a: a.frac_(),
}
del INPLACE_UNARY2["gelu_"]   # PyTorch 1.13 has no gelu_
# Binary ones (tensor, tensor) and comparisons (bool results).
BINARY2 = {
    "atan2": torch_fn("atan2"), "hypot": torch_fn("hypot"),
    "eq": torch_fn("eq"), "ne": torch_fn("ne"), "lt": torch_fn("lt"), "le": torch_fn("le"),
    "gt": torch_fn("gt"), "ge": torch_fn("ge"),
    "mm": torch_fn("mm"), "outer": torch_fn("outer"),
    "bmm": torch_fn("bmm"), "mv": torch_fn("mv"), "dot": torch_fn("dot"), "fmod": torch_fn("fmod"),
    "remainder": torch_fn("remainder"), "xlogy": torch_fn("xlogy"), "logical_and": torch_fn("logical_and"),
    "logical_or": torch_fn("logical_or"), "logical_xor": torch_fn("logical_xor"),
    "masked_select": torch_fn("masked_select"),
}
INPLACE_BINARY2 = {"atan2_": lambda a, b: a.atan2_(b), "hypot_": lambda a, b: a.hypot_(b),
                   "fmod_": lambda a, b: a.fmod_(b), "remainder_": lambda a, b: a.remainder_(b),
                   "xlogy_": lambda a, b: a.xlogy_(b), "eq_": lambda a, b: a.eq_(b),
                   "ne_": lambda a, b: a.ne_(b), "lt_": lambda a, b: a.lt_(b), "le_": lambda a, b: a.le_(b),
                   "gt_": lambda a, b: a.gt_(b), "ge_": lambda a, b: a.ge_(b)}
SCALAR2 = {
    "eq_scalar": lambda a, s: torch.eq(a, s), "ne_scalar": lambda a, s: torch.ne(a, s),
    "lt_scalar": lambda a, s: torch.lt(a, s), "le_scalar": lambda a, s: torch.le(a, s),
    "gt_scalar": lambda a, s: torch.gt(a, s), "ge_scalar": lambda a, s: torch.ge(a, s),
    "clamp_min": lambda a, s: torch.clamp_min(a, s), "clamp_max": lambda a, s: torch.clamp_max(a, s),
    "leaky_relu": lambda a, s: F.leaky_relu(a, s), "elu": lambda a, s: F.elu(a, s),
    "celu": lambda a, s: F.celu(a, s),
    "fmod_scalar": lambda a, s: torch.fmod(a, s), "remainder_scalar": lambda a, s: torch.remainder(a, s),
}
INPLACE_SCALAR2 = {
    "clamp_min_": lambda a, s: a.clamp_min_(s), "clamp_max_": lambda a, s: a.clamp_max_(s),
    "leaky_relu_": lambda a, s: F.leaky_relu(a, s, inplace=True), "elu_": lambda a, s: F.elu(a, s, inplace=True),
    "fmod_scalar_": lambda a, s: a.fmod_(s), "remainder_scalar_": lambda a, s: a.remainder_(s),
    "lt_scalar_": lambda a, s: a.lt_(s), "gt_scalar_": lambda a, s: a.gt_(s), "le_scalar_": lambda a, s: a.le_(s),
    "ge_scalar_": lambda a, s: a.ge_(s), "eq_scalar_": lambda a, s: a.eq_(s), "ne_scalar_": lambda a, s: a.ne_(s),
}
INPLACE = set(INPLACE_BINARY) | set(INPLACE_SCALAR) | {"zero_"} | set(INPLACE_UNARY2) | set(INPLACE_BINARY2) \
    | set(INPLACE_SCALAR2) | {"clamp_", "hardtanh_", "masked_fill_", "lerp_", "lerp_scalar_", "addcmul_",
                             "addcdiv_", "tril_", "triu_", "squeeze_",
                             "scatter_", "scatter_add_", "index_add_", "nan_to_num_", "t_", "transpose_",
                             "unsqueeze_", "squeeze_dim_", "index_put_"}
SCALAR_ARGS = {"softplus", "hardtanh", "hardtanh_", "clamp", "clamp_", "lerp_scalar", "lerp_scalar_",
               "addcmul", "addcmul_", "addcdiv", "addcdiv_", "masked_fill", "masked_fill_", "addmm",
               "var", "std", "vector_norm"} | set(SCALAR2) | set(INPLACE_SCALAR2)


# Operations tensorgrad refuses for complex tensors, or refuses after
# other checks than PyTorch's: not drawn with a complex operand.
COMPLEX_NOT_DRAWN = {
    # refused by both, but with their other checks (dims, shapes) in
    # another order: an expected error would name another fault
    "mse", "bce",
}
# Where PyTorch 1.13 itself is wrong for complex operands: its in-place
# comparisons write 0+1j and 1+1j (x.eq_(s) of zeros of 25 elements), and
# torch.dot, torch.vdot and matmul of two complex vectors give 0 here.
COMPLEX_WRONG_IN_PYTORCH = {"eq_", "ne_", "eq_scalar_", "ne_scalar_", "dot"}


# Not drawn with a float16 or bfloat16 operand: PyTorch's derivatives of
# cumprod and prod divide by the input, and its rounding of each step in
# the 16-bit dtype grows beyond their tolerance (second derivatives).
HALF_NOT_DRAWN = {"cumprod", "prod", "prod_dim"}
# Storages whose stale views PyTorch names otherwise: view_as_real, real and
# imag views regenerate as ViewAsRealBackward0 in PyTorch's version error,
# AsStridedBackward0 in tensorgrad's. No in-place operation writes them.
COMPLEX_KEEPS_STORAGE = {"view_as_real", "real", "imag"}


def not_drawn(name, nodes, args):
    """Whether an operation is left out for its complex operands.
    tensorgrad lacks or differs (reported with issue 12): COMPLEX_NOT_DRAWN;
    pow of two tensors (the base's gradient lacks its conjugate; a complex
    exponent's backward fails); a complex tensor to the power 0 (nan at 0,
    PyTorch fills ones); real and imag of a conjugate (PyTorch's lazy
    conjugation makes their grad_fn SelectBackward0(NegViewBackward0)).
    PyTorch is wrong: COMPLEX_WRONG_IN_PYTORCH, and where of a
    complex and a real tensor, whose backward fails its internal check
    ("Expected isFloatingType(grad.scalar_type()) || (input_is_complex ==
    grad_is_complex)")."""
    if name in HALF_NOT_DRAWN and any(n.t.dtype in (torch.float16, torch.bfloat16) for n in nodes):
        return True
    cx = [n.t.is_complex() for n in nodes]
    if not any(cx):
        return False
    if name in COMPLEX_NOT_DRAWN or name in COMPLEX_WRONG_IN_PYTORCH:
        return True
    if name in ("pow", "pow_"):
        return True
    if name in ("pow_scalar", "pow_scalar_") and args[1] == 0:
        return True
    if name in ("real", "imag") and nodes[0].t.is_conj():
        return True
    if name == "where":
        return not all(cx[1:]) and any(holds_values(n.t.dtype) and not c for n, c in zip(nodes[1:], cx[1:]))
    return name == "matmul" and all(n.ndim == 1 for n in nodes)


def run_op(name, args):
    """args: tensors, ints, floats, lists, dtype names, as the line has them."""
    if name in UNARY2:
        return UNARY2[name](args[0])
    if name in INPLACE_UNARY2:
        return INPLACE_UNARY2[name](args[0])
    if name in BINARY2:
        return BINARY2[name](args[0], args[1])
    if name in INPLACE_BINARY2:
        return INPLACE_BINARY2[name](args[0], args[1])
    if name in SCALAR2:
        return SCALAR2[name](args[0], args[1])
    if name in INPLACE_SCALAR2:
        return INPLACE_SCALAR2[name](args[0], args[1])
    if name in ("cat", "stack"):
        ts = [a for a in args if isinstance(a, torch.Tensor)]
        return (torch.cat if name == "cat" else torch.stack)(ts, args[-1])
    r = run_op2(name, args)
    if r is not NotImplemented:
        return r
    if name in BINARY:
        return BINARY[name](args[0], args[1])
    if name in SCALAR:
        return SCALAR[name](args[0], args[1])
    if name in UNARY:
        return UNARY[name](args[0])
    if name in INPLACE_BINARY:
        return INPLACE_BINARY[name](args[0], args[1])
    if name in INPLACE_SCALAR:
        return INPLACE_SCALAR[name](args[0], args[1])
    a = args[0]
    if name == "sum_dim":
        return a.sum(args[1], keepdim=bool(args[2]))
    if name == "mean_dim":
        return a.mean(args[1], keepdim=bool(args[2]))
    if name == "max_dim":
        return torch.max(a, args[1], keepdim=bool(args[2])).values
    if name == "view":
        return a.view(args[1])
    if name == "reshape":
        return a.reshape(args[1])
    if name == "transpose":
        return a.transpose(args[1], args[2])
    if name == "permute":
        return a.permute(args[1])
    if name == "expand":
        return a.expand(args[1])
    if name == "select":
        return a.select(args[1], args[2])
    if name == "slice":
        return torch.ops.aten.slice.Tensor(a, args[1], args[2], args[3], args[4])
    if name == "unsqueeze":
        return a.unsqueeze(args[1])
    if name == "squeeze_dim":
        return a.squeeze(args[1])
    if name == "to":
        return a.to(DTYPES[args[1]])
    if name == "where":
        return torch.where(args[0], args[1], args[2])
    raise ValueError("unknown operation " + name)


def index_items(args):
    """The items of index, index_put and index_put_ after their operands:
    index tensors, and i:<k> (an int), s:<start>:<stop>:<step>, n (None)
    and e (...)."""
    items = []
    for t in args:
        if isinstance(t, torch.Tensor):
            items.append(t)
        elif t in ("n", "e"):
            items.append(None if t == "n" else Ellipsis)
        elif t.startswith("i:"):
            items.append(int(t[2:]))
        else:
            start, stop, step = map(int, t[2:].split(":"))
            items.append(slice(start, stop, step))
    return tuple(items)


def advanced_index(name, a):
    """x[items]; x[items] = v in place (index_put_, accumulate only with index
    tensors alone) or on a copy (index_put: torch.index_put when every item is
    a tensor of at least one dim)."""
    if name == "index":
        items = index_items(a[1:])
        # One item is indexed alone, as tg_index takes it (x[0:1], not x[(0:1,)],
        # whose slice of a whole dim would be skipped into an alias).
        return a[0][items[0] if len(items) == 1 else tuple(items)]
    x, v, accumulate, items = a[0], a[1], bool(a[2]), index_items(a[3:])
    if name == "index_put" and all(isinstance(i, torch.Tensor) and i.ndim for i in items):
        return torch.index_put(x, items, v, accumulate)
    if name == "index_put":
        x = x.clone()
    if accumulate:
        return x.index_put_(items, v, True)
    x[items] = v
    return x


def run_op2(name, a):
    x = a[0]
    if name in ("index", "index_put", "index_put_"):
        return advanced_index(name, a)
    if name == "softplus":
        return F.softplus(x, a[1], a[2])
    if name == "hardtanh":
        return F.hardtanh(x, a[1], a[2])
    if name == "hardtanh_":
        return F.hardtanh(x, a[1], a[2], inplace=True)
    if name == "clamp":
        return torch.clamp(x, a[1], a[2])
    if name == "clamp_":
        return x.clamp_(a[1], a[2])
    if name == "masked_fill":
        return x.masked_fill(a[1], a[2])
    if name == "masked_fill_":
        return x.masked_fill_(a[1], a[2])
    if name == "lerp":
        return torch.lerp(x, a[1], a[2])
    if name == "lerp_":
        return x.lerp_(a[1], a[2])
    if name == "lerp_scalar":
        return torch.lerp(x, a[1], a[2])
    if name == "lerp_scalar_":
        return x.lerp_(a[1], a[2])
    if name == "addcmul":
        return torch.addcmul(x, a[1], a[2], value=a[3])
    if name == "addcmul_":
        return x.addcmul_(a[1], a[2], value=a[3])
    if name == "addcdiv":
        return torch.addcdiv(x, a[1], a[2], value=a[3])
    if name == "addcdiv_":
        return x.addcdiv_(a[1], a[2], value=a[3])
    if name == "addmm":
        return torch.addmm(x, a[1], a[2], beta=a[3], alpha=a[4])
    if name == "max_all":
        return x.max()
    if name == "min_all":
        return x.min()
    if name == "min_dim":
        return torch.min(x, a[1], keepdim=bool(a[2])).values
    if name == "amax":
        return torch.amax(x, a[1], keepdim=bool(a[2]))
    if name == "amin":
        return torch.amin(x, a[1], keepdim=bool(a[2]))
    if name == "argmax":
        return torch.argmax(x, a[1], keepdim=bool(a[2]))
    if name == "argmin":
        return torch.argmin(x, a[1], keepdim=bool(a[2]))
    if name == "prod":
        return x.prod()
    if name == "prod_dim":
        return x.prod(a[1], keepdim=bool(a[2]))
    if name == "var":
        return torch.var(x, a[1], correction=a[2], keepdim=bool(a[3]))
    if name == "std":
        return torch.std(x, a[1], correction=a[2], keepdim=bool(a[3]))
    if name == "logsumexp":
        return torch.logsumexp(x, a[1], keepdim=bool(a[2]))
    if name == "vector_norm":
        return torch.linalg.vector_norm(x, a[1], a[2], keepdim=bool(a[3]))
    if name == "cumsum":
        return torch.cumsum(x, a[1])
    if name == "sort":
        return torch.sort(x, a[1], descending=bool(a[2])).values
    if name == "topk":
        return torch.topk(x, a[1], a[2], largest=bool(a[3])).values
    if name == "flatten":
        return torch.flatten(x, a[1], a[2])
    if name == "squeeze":
        return x.squeeze()
    if name == "squeeze_":
        return x.squeeze_()
    if name == "narrow":
        return x.narrow(a[1], a[2], a[3])
    if name == "repeat":
        return x.repeat(a[1])
    if name == "flip":
        return torch.flip(x, a[1])
    if name == "roll":
        return torch.roll(x, a[1], a[2])
    if name == "tril":
        return torch.tril(x, a[1])
    if name == "triu":
        return torch.triu(x, a[1])
    if name == "tril_":
        return x.tril_(a[1])
    if name == "triu_":
        return x.triu_(a[1])
    if name == "movedim":
        return torch.movedim(x, a[1], a[2])
    if name == "index_select":
        return torch.index_select(x, a[1], a[2])
    if name == "scatter_":
        return x.scatter_(a[1], a[2], a[3])
    if name == "scatter_add_":
        return x.scatter_add_(a[1], a[2], a[3])
    if name == "index_add_":
        return x.index_add_(a[1], a[2], a[3], alpha=a[4])
    if name == "nan_to_num":
        return torch.nan_to_num(x, a[1], a[2], a[3])
    if name == "nan_to_num_":
        return x.nan_to_num_(a[1], a[2], a[3])
    if name == "unsqueeze_":
        return x.unsqueeze_(a[1])
    if name == "squeeze_dim_":
        return x.squeeze_(a[1])
    if name == "t_":
        return x.t_()
    if name == "transpose_":
        return x.transpose_(a[1], a[2])
    if name == "argsort":
        return torch.argsort(x, a[1], descending=bool(a[2]))
    if name == "all_dim":
        return torch.all(x, a[1], keepdim=bool(a[2]))
    if name == "any_dim":
        return torch.any(x, a[1], keepdim=bool(a[2]))
    if name == "cumprod":
        return torch.cumprod(x, a[1])
    if name in ("var_mean", "std_mean"):
        return getattr(torch, name)(x, a[1], correction=a[2], keepdim=bool(a[3]))[0]
    if name == "count_nonzero":
        return torch.count_nonzero(x, a[1])
    if name == "diagonal":
        return torch.diagonal(x, a[1], a[2], a[3])
    if name == "diag_embed":
        return torch.diag_embed(x, a[1], a[2], a[3])
    if name == "unflatten":
        return x.unflatten(a[1], a[2])
    if name == "tile":
        return x.tile(a[1])
    if name == "split":
        return torch.split(x, a[1], a[2])[a[3]]
    if name == "chunk":
        return torch.chunk(x, a[1], a[2])[a[3]]
    if name == "unbind":
        return torch.unbind(x, a[1])[a[2]]
    if name == "take_along_dim":
        return torch.take_along_dim(x, a[1], a[2])
    if name == "scatter":
        return torch.scatter(x, a[1], a[2], a[3])
    if name == "scatter_add":
        return torch.scatter_add(x, a[1], a[2], a[3])
    if name == "index_add":
        return torch.index_add(x, a[1], a[2], a[3], alpha=a[4])
    if name == "baddbmm":
        return torch.baddbmm(x, a[1], a[2], beta=a[3], alpha=a[4])
    if name == "gather":
        return torch.gather(x, a[1], a[2])
    return NotImplemented


def fmt_arg(a):
    if isinstance(a, Node):
        return f"%{a.idx}"
    if isinstance(a, bool):
        return "1" if a else "0"
    if isinstance(a, int):
        return str(a)
    if isinstance(a, float):
        return hexf(a)
    if isinstance(a, (list, tuple)):
        return "[" + ",".join(str(int(v)) for v in a) + "]"
    if isinstance(a, str):
        return a
    raise TypeError(a)


# ------------------------------------------------------------- graphs

class Node:
    def __init__(self, idx, t, kind):
        self.idx = idx
        self.t = t
        self.kind = kind          # "leaf", "const", "op"
        self.dead = False         # replaced by an in-place result or stale view
        self.uses = 0

    @property
    def shape(self):
        return tuple(self.t.shape)

    @property
    def ndim(self):
        return self.t.dim()


def saved_behind(t, target):
    """Whether a node in t's history saved target itself. Then writing t
    into target in place gives target a history that leads back to a node
    holding target: a reference cycle, which PyTorch 1.13 leaks as well
    (measured) and tensorgrad too. Such graphs are not made."""
    seen = set()
    stack = [t.grad_fn]
    while stack:
        fn = stack.pop()
        if fn is None or fn in seen:
            continue
        seen.add(fn)
        for name in dir(fn):
            if name.startswith("_saved_"):
                try:
                    v = getattr(fn, name)
                except RuntimeError:
                    continue
                if v is target:
                    return True
        stack.extend(f for f, _ in fn.next_functions)
    return False


KINKS = {   # points where a derivative jumps, by operation (and its arguments)
    "leaky_relu": lambda a: [0.0], "elu": lambda a: [0.0], "celu": lambda a: [0.0],
    "selu": lambda a: [0.0],
    "hardtanh": lambda a: [a[1], a[2]], "clamp": lambda a: [a[1], a[2]], "relu6": lambda a: [0.0, 6.0],
    "clamp_min": lambda a: [a[1]], "clamp_max": lambda a: [a[1]],
    "hardsigmoid": lambda a: [-3.0, 3.0], "hardswish": lambda a: [-3.0, 3.0],
    "eq_scalar": lambda a: [a[1]], "ne_scalar": lambda a: [a[1]], "lt_scalar": lambda a: [a[1]],
    "le_scalar": lambda a: [a[1]], "gt_scalar": lambda a: [a[1]], "ge_scalar": lambda a: [a[1]],
}


class Reject(Exception):
    """The proposed operation does not fit (domain, size, kink); try another."""


def storage_ptr(t):
    return t.storage().data_ptr()


def holds_values(dt):
    """Floating and complex dtypes: what operations compute on and grads flow through."""
    return dt.is_floating_point or dt.is_complex


def wide(t):
    """t detached in float64, or complex128 for a complex t."""
    return t.detach().to(torch.complex128 if t.is_complex() else torch.float64)


def vmin(t):
    """The least value (of the real parts, for a complex t)."""
    t = t.detach()
    if t.is_complex():
        t = t.real
    return t.min().item() if t.numel() else 0.0


def vabsmin(t):
    t = t.detach()
    return t.abs().min().item() if t.numel() else 0.0


def vabsmax(t):
    t = t.detach()
    return t.abs().max().item() if t.numel() else 0.0


def numel(shape):
    n = 1
    for s in shape:
        n *= s
    return n


class Graph:
    def __init__(self, seed, index):
        self.index = index
        self.rng = random.Random(f"{seed}:{index}")
        self.nodes = []
        self.lines = [f"graph {index}"]
        self.leaves = []
        self.ended = False   # an expected error ended the program
        # Whether the leaves are of the 16-bit or complex dtypes. Drawn from
        # a generator of its own, so that the other graphs are the ones
        # gen_graphs.py made before it drew those dtypes.
        self.new_dtypes = random.Random(f"{seed}:{index}:dtypes").random() < NEW_DTYPE_RATE
        self.margin = MARGIN
        self.kept_storages = set()   # COMPLEX_KEEPS_STORAGE

    # ------------------------------------------------------- values

    def round_to(self, v, dtype):
        if dtype == torch.float32:
            return struct.unpack("f", struct.pack("f", v))[0]
        return v

    def random_values(self, shape, dtype, lo, hi):
        n = numel(shape)
        if dtype == torch.bool:
            return torch.tensor([self.rng.random() < 0.5 for _ in range(n)], dtype=torch.bool).reshape(shape).clone()
        vals = [self.round_to(self.rng.uniform(lo, hi), dtype) for _ in range(n)]
        t = torch.tensor(vals, dtype=torch.float64)
        if dtype.is_complex:
            t = torch.complex(t, torch.tensor([self.rng.uniform(lo, hi) for _ in range(n)], dtype=torch.float64))
        return t.to(dtype).reshape(shape).clone()

    def add_input(self, kind, t):
        if t.dtype in ULP:
            self.margin = max(self.margin, KINK_ULPS * ULP[t.dtype])
        node = Node(len(self.nodes), t, kind)
        self.nodes.append(node)
        self.lines.append(f"%{node.idx} = {kind} {tensor_desc(t)}")
        if kind == "leaf":
            self.leaves.append(node)
        return node

    def const(self, shape, dtype, lo=-1.5, hi=1.5):
        return self.add_input("const", self.random_values(shape, dtype, lo, hi))

    # -------------------------------------------------- operations

    def live(self, pred=None):
        """Live floating and complex nodes (bool constants are only conditions)."""
        return [n for n in self.nodes if not n.dead and holds_values(n.t.dtype) and (pred is None or pred(n))]

    def live_bool(self, pred=None):
        """Live bool nodes (conditions and masks)."""
        return [n for n in self.nodes if not n.dead and n.t.dtype == torch.bool and (pred is None or pred(n))]

    def pick(self, pred=None):
        """A live node, favouring recent and unused ones."""
        cands = self.live(pred)
        if not cands:
            raise Reject("no operand")
        weights = []
        for k, n in enumerate(cands):
            w = 1.0 + 3.0 * (k + 1) / len(cands)
            if n.uses == 0:
                w *= 2
            if n.kind == "const":
                w *= 0.3
            weights.append(w)
        return self.rng.choices(cands, weights)[0]

    def check_values(self, t):
        if not holds_values(t.dtype):
            return
        v = t.detach()
        if v.numel() == 0:
            return
        if not torch.isfinite(v).all() or v.abs().max().item() > MAX_ABS:
            raise Reject("values out of range")

    def apply(self, name, *args, expect_error=False, check=True):
        """Runs an operation on the graph's tensors and emits its line.
        Returns the new node; raises Reject when the operation does not fit.
        With expect_error, PyTorch must reject it (the graph ends there);
        with expect_error None, whatever PyTorch does is written down."""
        nodes = [a for a in args if isinstance(a, Node)]
        targs = [a.t if isinstance(a, Node) else a for a in args]
        if expect_error is not None:   # drawn, not replayed from regressions.txt
            if not_drawn(name, nodes, args):
                raise Reject("not drawn for this dtype")
            if name in INPLACE and nodes and storage_ptr(nodes[0].t) in self.kept_storages:
                raise Reject("a storage a complex operation keeps")
        line = f"%{len(self.nodes)} = {name} " + " ".join(fmt_arg(a) for a in args)
        if name in INPLACE:
            # Check on copies first: a rejected in-place operation must not
            # have changed anything.
            if expect_error is False:
                with torch.no_grad():
                    trial = [a.detach().clone() if isinstance(a, torch.Tensor) else a for a in targs]
                    try:
                        if check:
                            self.check_kinks(name[:-1], targs, None)
                        r = run_op(name, trial)
                    except RuntimeError as e:
                        raise Reject(f"in-place trial failed: {e}")
                    self.check_values(r)
        try:
            out = run_op(name, targs)
        except (RuntimeError, IndexError, ValueError) as e:
            if expect_error is False:
                raise Reject(f"PyTorch rejects it: {e}")
            self.lines.append(f"{line} -> error {one_line(e)}")
            self.ended = True
            return None
        if isinstance(out, torch.Tensor) and out.dtype not in NAMES:
            raise Reject(f"a result of {out.dtype}")   # complex32: float16 with a 0-dim complex
        if expect_error:
            if name in INPLACE:   # it has changed a tensor: the graph is spoilt
                raise AssertionError(f"graph {self.index}: PyTorch accepts {line}")
            raise Reject("PyTorch accepts it")
        if name not in INPLACE and check:
            try:
                self.check_kinks(name, targs, out)
            except RuntimeError as e:   # a check PyTorch cannot make for a dtype (sorting complex)
                raise Reject(f"cannot check the kinks: {e}")
            self.check_values(out)
        node = Node(len(self.nodes), out, "op")
        self.nodes.append(node)
        for a in nodes:
            a.uses += 1
        if name in INPLACE:
            # The old name and every other view of the storage go stale: the
            # result is used instead (tensorgrad deliberately keeps the old
            # history of views taken before an in-place operation).
            ptr = storage_ptr(out)
            for n in self.nodes[:-1]:
                if storage_ptr(n.t) == ptr:
                    n.dead = True
        elif nodes and out is nodes[0].t:
            nodes[0].dead = True   # contiguous()/to() gave back the same tensor
        if name in COMPLEX_KEEPS_STORAGE:
            self.kept_storages.update(storage_ptr(n.t) for n in nodes)
        self.lines.append(f"{line} -> {describe(out)}")
        return node

    def check_kinks(self, name, targs, out):
        """Keeps well away from points where a derivative jumps, so that
        rounding differences cannot move a value across one."""
        def near(x, ref):
            x = wide(x)
            return ((x.abs() > 0) & (x.abs() < self.margin * (1 + ref))).any().item()
        if name in ("relu", "abs", "sign"):
            a = wide(targs[0])
            if near(a, 0):
                raise Reject("near a kink")
        if name in ("maximum", "minimum") and targs[0] is not targs[1]:
            a = wide(targs[0])
            b = wide(targs[1])
            if near(a - b, a.abs() + b.abs()):
                raise Reject("near a tie")
        if name == "max_dim":
            a = wide(targs[0])
            if a.dim() > 0 and a.shape[targs[1]] > 1:
                top = torch.topk(a, 2, dim=targs[1]).values
                gap = top.select(targs[1], 0) - top.select(targs[1], 1)
                if near(gap, top.select(targs[1], 0).abs()):
                    raise Reject("near a tie")
        if name in ("norm",):
            if targs[0].detach().abs().sum().item() < self.margin:
                raise Reject("norm near zero")
        kinks = KINKS.get(name)
        if kinks is not None:
            a = wide(targs[0])
            for k in kinks(targs):
                if near(a - k, abs(k)):
                    raise Reject("near a kink")
        if name in ("eq", "ne", "lt", "le", "gt", "ge") and targs[0] is not targs[1]:
            a = wide(targs[0])
            b = wide(targs[1])
            if near(a - b, a.abs() + b.abs()):
                raise Reject("near a tie")
        if name in ("argmax_all", "argmin_all", "argsort", "max_all", "min_all", "amax", "amin", "argmax", "argmin", "min_dim", "sort", "topk",
                    "vector_norm"):
            a = wide(targs[0])
            if name == "vector_norm" and targs[1] != math.inf:
                if targs[1] == 1 and near(a, 0):
                    raise Reject("near a kink")
                if a.abs().sum().item() < 0.1:
                    raise Reject("norm near zero")
                return
            v = a.abs() if name == "vector_norm" else a
            if v.numel() > 1:
                # any two elements close: a tie somewhere that matters
                f = v.reshape(-1).sort().values
                gap = f[1:] - f[:-1]
                if near(gap, f[1:].abs()) or (gap == 0).any().item():
                    raise Reject("near a tie")
        if name in ("std", "vector_norm", "hypot", "atan2"):
            if name == "std" and out.detach().numel() and out.detach().abs().min().item() < 0.05:
                raise Reject("std near zero")
            if name in ("hypot", "atan2"):
                a = wide(targs[0])
                b = wide(targs[1])
                r = torch.broadcast_tensors(a, b)
                if (r[0].abs() + r[1].abs()).numel() and (r[0].abs() + r[1].abs()).min().item() < 0.1:
                    raise Reject("near the origin")
                if name == "atan2" and ((r[0].abs() < 0.05) & (r[1] < 0)).any().item():
                    raise Reject("near the branch cut")
        if name in ("floor", "ceil", "round", "trunc", "frac", "fmod", "remainder", "fmod_scalar",
                    "remainder_scalar"):
            a = wide(targs[0])
            if name in ("fmod", "remainder", "fmod_scalar", "remainder_scalar"):
                b = wide(targs[1]) if isinstance(targs[1], torch.Tensor) else targs[1]
                a = a / b
            q = a + 0.5 if name == "round" else a
            if ((q - q.round()).abs() < self.margin * (1 + q.abs())).any().item():
                raise Reject("near a jump")
        if name in ("softplus",) and targs[2] * 0 == 0:
            a = wide(targs[0]) * targs[1]
            if near(a - targs[2], abs(targs[2])):
                raise Reject("near the threshold")

    # ------------------------------------------------ op proposals

    def scalar_value(self):
        r = self.rng.random()
        if r < 0.3:
            return float(self.rng.choice([0.5, 1.0, 2.0, 3.0, -1.0, -2.0, 0.25, 1.5]))
        return self.round_to(self.rng.uniform(-2, 2), torch.float32)

    def positive(self, x, lo=0.1):
        """x, or abs(x) + 0.5 when some value of x is below lo; a complex x
        is shifted until its real parts are (away from log's branch cut)."""
        if vmin(x.t) >= lo:
            return x
        if x.t.is_complex():
            return self.apply("add_scalar", x, float(math.ceil(lo - vmin(x.t))) + 0.5)
        return self.apply("add_scalar", self.apply("abs", x), 0.5)

    def away_from_zero(self, x):
        if x.t.numel() and vabsmin(x.t) >= 0.3:
            return x
        p = self.positive(x)
        return p if self.rng.random() < 0.5 else self.apply("neg", p)

    def bounded(self, x, limit):
        if vabsmax(x.t) <= limit:
            return x
        return self.apply("tanh", x)

    def broadcast_partner(self, x):
        """A live node whose shape broadcasts with x's, or a new constant."""
        def fits(n):
            if n is x:
                return False
            try:
                s = torch.broadcast_shapes(n.shape, x.shape)
            except RuntimeError:
                return False
            return len(s) <= MAX_RANK and numel(s) <= MAX_NUMEL
        r = self.rng.random()
        if r < 0.1:
            return x
        cands = self.live(fits)
        if cands and r < 0.7:
            return self.rng.choice(cands)
        return self.const(self.broadcast_shape(x.shape), self.const_dtype(x))

    def const_dtype(self, x):
        """Mostly x's floating dtype; sometimes another, an integer one among them
        (small values, so uint8 wraps -1 to 255)."""
        if self.rng.random() < 0.85:
            return x.t.dtype if holds_values(x.t.dtype) else torch.float32
        if self.new_dtypes:
            return self.rng.choice(VALUE_DTYPES + [torch.int8, torch.uint8, torch.int16])
        return self.rng.choice([torch.float32, torch.float64, torch.float32, torch.float64,
                                torch.int8, torch.uint8, torch.int16])

    def broadcast_shape(self, shape):
        """A shape that broadcasts with shape (some dims 1, some dropped or added)."""
        shape = list(shape)
        r = self.rng.random()
        if r < 0.15:
            return []
        out = [s if self.rng.random() < 0.7 else 1 for s in shape]
        if self.rng.random() < 0.3 and out:
            out = out[self.rng.randint(0, len(out)):]
        if self.rng.random() < 0.15 and len(out) < MAX_RANK and numel(shape) * 3 <= MAX_NUMEL and len(out) >= len(shape):
            out = [self.rng.randint(1, 3)] + out
        return out

    def op_binary(self):
        name = self.rng.choice(["add", "sub", "mul", "div", "pow", "maximum", "minimum",
                                "add", "mul", "sub"])
        x = self.pick()
        y = self.broadcast_partner(x)
        if self.rng.random() < 0.5:
            x, y = y, x
        if name == "div":
            y = self.away_from_zero(y)
        elif name == "pow":
            x = self.positive(x, 0.3)
            y = self.bounded(y, 2.5)
        return self.apply(name, x, y)

    def op_scalar(self):
        name = self.rng.choice(list(SCALAR))
        x = self.pick()
        s = self.scalar_value()
        if name == "div_scalar" and abs(s) < 0.25:
            s = 2.0
        if name == "pow_scalar":
            s = float(self.rng.choice([2, 3, 0.5, -1, -0.5, 1.5, 0, 1, -2, 2.5]))
            if s != int(s) or s < 0:
                x = self.positive(x, 0.3)
            else:
                x = self.bounded(x, 5)
        return self.apply(name, x, s)

    def op_unary(self):
        name = self.rng.choice(["neg", "exp", "log", "sqrt", "abs", "sin", "cos", "tanh",
                                "sigmoid", "relu", "sign", "exp", "log", "tanh", "relu"])
        x = self.pick()
        if name in ("log", "sqrt"):
            x = self.positive(x)
        elif name == "exp":
            x = self.bounded(x, 4)
        elif name in ("sin", "cos"):
            x = self.bounded(x, 20)
        return self.apply(name, x)

    def random_dims(self, x):
        nd = x.ndim
        if nd == 0:
            return [self.rng.choice([0, -1])] if self.rng.random() < 0.5 else []
        k = self.rng.randint(1, nd)
        dims = self.rng.sample(range(nd), k)
        return [d - nd if self.rng.random() < 0.3 else d for d in dims]

    def op_reduce(self):
        r = self.rng.random()
        x = self.pick()
        if r < 0.35:
            name = self.rng.choice(["sum_dim", "mean_dim"])
            dims = self.random_dims(x)
            if not dims and name == "mean_dim" and x.ndim == 0:
                dims = [0]
            if not dims:
                dims = [0] if x.ndim else []
            if not dims:
                raise Reject("no dims")
            return self.apply(name, x, dims, self.rng.random() < 0.4)
        if r < 0.65:
            if x.t.numel() == 0:
                raise Reject("empty")
            d = self.rng.randrange(max(x.ndim, 1))
            if x.ndim and self.rng.random() < 0.3:
                d -= x.ndim
            return self.apply("max_dim", x, d, self.rng.random() < 0.4)
        if r < 0.8:
            return self.apply("norm", x)
        return self.apply(self.rng.choice(["sum", "mean"]), x)

    def factor_shape(self, n):
        """A random shape of n elements, rank 0-4."""
        if n == 1 and self.rng.random() < 0.4:
            return []
        if n == 0:
            return self.rng.choice([[0], [0, 2], [3, 0, 1]])
        dims = []
        rest = n
        for p in (2, 3, 5, 7):
            while rest % p == 0:
                dims.append(p)
                rest //= p
        if rest > 1:
            dims.append(rest)
        self.rng.shuffle(dims)
        rank = self.rng.randint(1, MAX_RANK)
        out = [1] * rank
        for d in dims:
            out[self.rng.randrange(rank)] *= d
        return out

    def op_shape(self):
        x = self.pick()
        nd = x.ndim
        name = self.rng.choice(["view", "reshape", "transpose", "permute", "expand", "select",
                                "slice", "unsqueeze", "squeeze_dim", "t", "contiguous", "clone",
                                "transpose", "slice", "select", "expand"])
        if name in ("view", "reshape"):
            shape = self.factor_shape(x.t.numel())
            if shape and self.rng.random() < 0.3:
                shape[self.rng.randrange(len(shape))] = -1
            if name == "view":
                try:
                    return self.apply("view", x, shape)
                except Reject:
                    pass   # not viewable: reshape copies instead
            return self.apply("reshape", x, shape)
        if name == "transpose":
            n = max(nd, 1)
            d0, d1 = self.rng.randrange(n), self.rng.randrange(n)
            if self.rng.random() < 0.3:
                d1 -= n
            return self.apply("transpose", x, d0, d1)
        if name == "permute":
            perm = list(range(nd))
            self.rng.shuffle(perm)
            perm = [p - nd if self.rng.random() < 0.2 else p for p in perm]
            return self.apply("permute", x, perm)
        if name == "expand":
            shape = [self.rng.randint(2, 3) if s == 1 and self.rng.random() < 0.7 else s for s in x.shape]
            shape = [-1 if s == x.shape[i] and self.rng.random() < 0.2 else s for i, s in enumerate(shape)]
            if nd < MAX_RANK and self.rng.random() < 0.4:
                shape = [self.rng.randint(1, 3)] + shape
            if numel([abs(s) if s != -1 else x.shape[i - (len(shape) - nd)] for i, s in enumerate(shape)]) > MAX_NUMEL:
                raise Reject("too big")
            return self.apply("expand", x, shape)
        if name in ("select", "slice"):
            if nd == 0:
                raise Reject("0-dim")
            d = self.rng.randrange(nd)
            size = x.shape[d]
            if self.rng.random() < 0.3:
                d -= nd
            if name == "select":
                if size == 0:
                    raise Reject("empty dim")
                i = self.rng.randrange(size)
                if self.rng.random() < 0.3:
                    i -= size
                return self.apply("select", x, d, i)
            start = self.rng.randint(-size - 1, size)
            end = self.rng.randint(-size - 1, size + 2)
            step = self.rng.choice([1, 1, 2, 3])
            return self.apply("slice", x, d, start, end, step)
        if name == "unsqueeze":
            if nd >= MAX_RANK:
                raise Reject("rank")
            return self.apply("unsqueeze", x, self.rng.randint(-nd - 1, nd))
        if name == "squeeze_dim":
            n = max(nd, 1)
            ones = [i for i in range(nd) if x.shape[i] == 1]
            d = self.rng.choice(ones) if ones and self.rng.random() < 0.7 else self.rng.randrange(n)
            return self.apply("squeeze_dim", x, d - n if self.rng.random() < 0.3 else d)
        if name == "t":
            if nd > 2:
                raise Reject("rank")
            return self.apply("t", x)
        return self.apply(name, x)

    def op_matmul(self):
        x = self.pick(lambda n: n.ndim >= 1 and n.t.numel() > 0 and holds_values(n.t.dtype))
        shp = list(x.shape)
        r = self.rng.random()
        if r < 0.15 and x.ndim == 3:
            # a 3-D operand with its last two dims transposed against a
            # matrix: PyTorch takes bmm here instead of folding into mm
            x = self.apply("transpose", x, 1, 2)
            y = self.const([x.shape[-1], self.rng.randint(1, 3)], x.t.dtype, -1, 1)
            if self.rng.random() < 0.5:
                return self.apply("matmul", x, y)
            return self.apply("matmul", self.const([self.rng.randint(1, 3), x.shape[-2]], x.t.dtype, -1, 1), x)
        if r < 0.3 and x.ndim >= 2:
            y = self.apply("transpose", x, -1, -2)
            return self.apply("matmul", x, y)
        if r < 0.5:
            def fits(n):
                if n is x or n.ndim < 1 or n.t.dtype != x.t.dtype:
                    return False
                try:
                    s = torch.matmul(torch.empty(x.shape, device="meta"), torch.empty(n.shape, device="meta")).shape
                except RuntimeError:
                    return False
                return numel(s) <= MAX_NUMEL
            cands = self.live(fits)
            if cands:
                return self.apply("matmul", x, self.rng.choice(cands))
        # a constant of a fitting shape, on either side
        k = shp[-1]
        p = self.rng.randint(1, 4)
        left = self.rng.random() < 0.3
        if left:
            k = shp[-2] if x.ndim >= 2 else shp[0]
            kinds = [[k], [p, k], [self.rng.randint(1, 2), p, k]]
        else:
            kinds = [[k], [k, p], [self.rng.randint(1, 2), k, p]]
        if x.ndim >= 3:
            kinds.append(([1] if self.rng.random() < 0.5 else [shp[-3]]) + kinds[1])
        shape = self.rng.choice(kinds)
        y = self.const(shape, x.t.dtype, -1, 1)
        return self.apply("matmul", y, x) if left else self.apply("matmul", x, y)

    def op_misc(self):
        r = self.rng.random()
        x = self.pick()
        if r < 0.3:
            other = "f64" if x.t.dtype == torch.float32 else "f32"
            if self.new_dtypes:
                other = NAMES[self.rng.choice([d for d in VALUE_DTYPES if d != x.t.dtype])]
            return self.apply("to", x, other)
        if r < 0.55:
            y = self.broadcast_partner(x)
            cshape = self.broadcast_shape(torch.broadcast_shapes(x.shape, y.shape))
            c = self.const(cshape, torch.bool)
            return self.apply("where", c, x, y)
        if r < 0.8:
            if self.rng.random() < 0.5:
                y = self.const(x.shape, self.const_dtype(x), 0, 1)
            else:
                same = self.live(lambda n: n is not x and n.shape == x.shape and n.t.dtype == x.t.dtype)
                if not same:
                    raise Reject("no target")
                y = self.apply("sigmoid", self.rng.choice(same))
            return self.apply("bce", x, y)
        # Operands of one dtype: PyTorch's mse_loss backward fails on mixed
        # ones ("Found dtype Double but expected Float").
        y = self.broadcast_partner(x)
        if y.t.dtype != x.t.dtype:
            raise Reject("mixed dtypes")
        return self.apply("mse", x, y)

    def op_inplace(self):
        if self.rng.random() < 0.05:
            # fill_ and zero_ may write an expanded tensor (PyTorch's other
            # in-place operations refuse to)
            c = self.const([1, self.rng.randint(1, 3)], torch.float64 if self.rng.random() < 0.5 else torch.float32)
            e = self.apply("expand", c, [self.rng.randint(2, 3), -1])
            if self.rng.random() < 0.5:
                return self.apply("zero_", e)
            return self.apply("fill_", e, self.scalar_value())
        def ok(n):
            return (n.kind == "op" or (n.kind == "const" and self.rng.random() < 0.3)) and not n.t._is_view() \
                and holds_values(n.t.dtype)
        x = self.pick(ok)
        if self.rng.random() < 0.5:
            x = self.apply("clone", x)   # a fresh tensor that nothing saved
        r = self.rng.random()
        if r < 0.45:
            name = self.rng.choice(["add_", "sub_", "mul_", "div_", "pow_", "copy_", "add_", "mul_"])
            def fits(n):
                if n.t.dtype == torch.bool:
                    return False
                if storage_ptr(n.t) == storage_ptr(x.t) and n is not x:
                    return False   # PyTorch rejects partial overlap
                try:
                    return torch.broadcast_shapes(n.shape, x.shape) == x.shape
                except RuntimeError:
                    return False
            cands = self.live(fits)
            if cands and self.rng.random() < 0.7:
                y = self.rng.choice(cands)
            else:
                shape = [s for s in x.shape]
                shape = [s if self.rng.random() < 0.7 else 1 for s in shape]
                if shape and self.rng.random() < 0.3:
                    shape = shape[self.rng.randint(0, len(shape)):]
                y = self.const(shape, self.const_dtype(x))
            if name == "div_":
                y = self.away_from_zero(y)
            elif name == "pow_":
                if vmin(x.t) < 0.3:
                    raise Reject("pow_ base")
                y = self.bounded(y, 2)
            if y is not x and saved_behind(y.t, x.t):
                raise Reject("a reference cycle")
            return self.apply(name, x, y)
        if r < 0.9:
            name = self.rng.choice(list(INPLACE_SCALAR))
            s = self.scalar_value()
            if name == "div_scalar_" and abs(s) < 0.25:
                s = -2.0
            if name == "pow_scalar_":
                s = float(self.rng.choice([2, 0.5, -1, 3]))
                if (s != int(s) or s < 0) and vmin(x.t) < 0.3:
                    raise Reject("pow_ base")
            return self.apply(name, x, s)
        return self.apply("zero_", x)

    # ------------------------------------------ the newer operations

    def unit(self, x, limit=0.9):
        """x, or tanh(x) * limit when some value is beyond limit."""
        if vabsmax(x.t) <= limit:
            return x
        return self.apply("mul_scalar", self.apply("tanh", x), limit)

    def domain(self, name, x):
        """x brought into name's domain (and away from where it blows up)."""
        if name in ("log2", "log10", "rsqrt", "log", "sqrt"):
            return self.positive(x)
        if name == "log1p":
            return x if vmin(x.t) > -0.7 else self.positive(x)
        if name == "reciprocal":
            return self.away_from_zero(x)
        if name == "tan":
            return self.bounded(x, 1.2)
        if name in ("sinh", "cosh", "expm1", "exp"):
            return self.bounded(x, 4)
        if name in ("asin", "acos", "atanh", "erfinv"):
            return self.unit(x)
        if name == "acosh":
            return x if vmin(x.t) >= 1.1 else self.apply("add_scalar", self.positive(x), 1.0)
        if name in ("square", "sin", "cos"):
            return self.bounded(x, 20)
        return x

    def op_unary2(self):
        name = self.rng.choice(list(UNARY2) + ["log1p", "rsqrt", "reciprocal", "tan", "atan", "sinh", "erf",
                                               "gelu", "silu", "log1p", "erf", "gelu", "silu"])
        x = self.domain(name, self.pick())
        return self.apply(name, x)

    def op_activation(self):
        rng = self.rng
        name = rng.choice(["softplus", "leaky_relu", "elu", "hardtanh", "clamp", "clamp_min", "clamp_max",
                           "celu", "leaky_relu", "elu", "hardtanh", "clamp"])
        x = self.pick()
        if name == "softplus":
            beta = rng.choice([1.0, 1.0, 2.0, 0.5])
            thr = rng.choice([20.0, 20.0, 1.0, 2.0])
            return self.apply(name, x, beta, thr)
        if name == "leaky_relu":
            return self.apply(name, x, rng.choice([0.01, 0.2, 0.5, 1.5]))
        if name in ("elu", "celu"):
            return self.apply(name, x, rng.choice([1.0, 1.0, 0.5, 2.0]))
        if name in ("hardtanh", "clamp"):
            lo = self.round_to(rng.uniform(-1.5, 0.5), torch.float32)
            hi = self.round_to(lo + rng.uniform(0.2, 2), torch.float32)
            if name == "hardtanh" and rng.random() < 0.3:
                lo, hi = -1.0, 1.0
            return self.apply(name, x, lo, hi)
        return self.apply(name, x, self.round_to(rng.uniform(-1, 1), torch.float32))

    def condition(self, shape):
        """A bool tensor that broadcasts to shape: a comparison's result, or a constant."""
        def fits(n):
            try:
                return torch.broadcast_shapes(n.shape, shape) == tuple(shape)
            except RuntimeError:
                return False
        cands = self.live_bool(fits)
        if cands and self.rng.random() < 0.6:
            return self.rng.choice(cands)
        return self.const(self.broadcast_shape(shape) if self.rng.random() < 0.5 else list(shape), torch.bool)

    def op_compare(self):
        rng = self.rng
        x = self.pick()
        if rng.random() < 0.5:
            name = rng.choice(["eq", "ne", "lt", "le", "gt", "ge", "lt", "gt"])
            y = self.broadcast_partner(x)
            c = self.apply(name, x, y)
        else:
            name = rng.choice(list(SCALAR2)[:6] + ["lt_scalar", "gt_scalar"])
            c = self.apply(name, x, self.round_to(rng.uniform(-1, 1), torch.float32))
        # use it: where or masked_fill on something of a fitting shape
        def fits(n):
            try:
                return torch.broadcast_shapes(n.shape, c.shape) == n.shape
            except RuntimeError:
                return False
        cands = self.live(fits)
        if not cands:
            return c
        t = rng.choice(cands)
        if rng.random() < 0.5:
            return self.apply("masked_fill", t, c, self.scalar_value())
        return self.apply("where", c, t, self.broadcast_partner(t))

    def op_pointwise3(self):
        rng = self.rng
        name = rng.choice(["masked_fill", "atan2", "lerp", "lerp_scalar", "addcmul", "addcdiv", "hypot",
                           "atan2", "lerp", "addcmul", "masked_fill"])
        x = self.pick()
        if name == "masked_fill":
            return self.apply(name, x, self.condition(x.shape), self.scalar_value())
        y = self.broadcast_partner(x)
        if name in ("atan2", "hypot"):
            if rng.random() < 0.5:
                x, y = y, x
            return self.apply(name, x, y)
        if name == "lerp_scalar":
            return self.apply(name, x, y, self.round_to(rng.uniform(-0.5, 1.5), torch.float32))
        z = self.broadcast_partner(x)
        try:
            shape = torch.broadcast_shapes(x.shape, y.shape, z.shape)
        except RuntimeError:
            raise Reject("no broadcast")
        if numel(shape) > MAX_NUMEL:
            raise Reject("too big")
        if name == "lerp":
            return self.apply(name, x, y, z)
        if name == "addcdiv":
            z = self.away_from_zero(z)
        return self.apply(name, x, y, z, self.scalar_value())

    def nonempty_dims(self, x):
        dims = self.random_dims(x)
        if not dims:
            dims = [0] if x.ndim else [self.rng.choice([0, -1])]
        return dims

    def one_dim(self, x):
        n = max(x.ndim, 1)
        d = self.rng.randrange(n)
        return d - n if self.rng.random() < 0.3 else d

    def op_reduce2(self):
        rng = self.rng
        x = self.pick()
        if x.t.numel() == 0:
            raise Reject("empty")
        name = rng.choice(["max_all", "min_all", "amax", "amin", "argmax", "argmin", "prod", "prod_dim",
                           "var", "std", "logsumexp", "vector_norm", "cumsum", "sort", "topk", "min_dim",
                           "var", "logsumexp", "cumsum", "amax", "vector_norm"])
        keep = rng.random() < 0.4
        if name in ("max_all", "min_all"):
            return self.apply(name, x)
        if name in ("amax", "amin", "logsumexp"):
            return self.apply(name, x, self.nonempty_dims(x), keep)
        if name in ("argmax", "argmin", "min_dim"):
            return self.apply(name, x, self.one_dim(x), keep)
        if name == "prod":
            return self.apply(name, self.bounded(x, 1.5))
        if name == "prod_dim":
            return self.apply(name, self.bounded(x, 1.5), self.one_dim(x), keep)
        if name in ("var", "std"):
            dims = self.nonempty_dims(x)
            corr = rng.choice([0, 1, 1, 2])
            cnt = numel([x.shape[d] for d in dims]) if x.ndim else 1
            if cnt - corr <= 0:
                corr = 0
            return self.apply(name, x, dims, corr, keep)
        if name == "vector_norm":
            ord = rng.choice([2.0, 2.0, 1.0, 3.0, math.inf, 0.5])
            return self.apply(name, x, ord, self.nonempty_dims(x), keep)
        if name == "cumsum":
            return self.apply(name, x, self.one_dim(x))
        d = self.one_dim(x)
        if name == "sort":
            return self.apply(name, x, d, rng.random() < 0.5)
        size = x.shape[d] if x.ndim else 1
        return self.apply(name, x, rng.randint(1, size), d, rng.random() < 0.7)

    def op_shape2(self):
        rng = self.rng
        x = self.pick()
        nd = x.ndim
        name = rng.choice(["cat", "stack", "flatten", "squeeze", "repeat", "flip", "roll", "tril", "triu",
                           "narrow", "movedim", "cat", "stack", "flatten"])
        if name in ("cat", "stack"):
            if name == "cat" and nd == 0:
                raise Reject("0-dim")
            n = nd + 1 if name == "stack" else nd
            d = rng.randrange(n)
            def fits(m):
                if m.ndim != nd:
                    return False
                return all(a == b for i, (a, b) in enumerate(zip(m.shape, x.shape)) if name == "stack" or i != d)
            parts = [x] + [rng.choice(self.live(fits)) for _ in range(rng.randint(0, 2))]
            rng.shuffle(parts)
            size = sum(p.t.numel() for p in parts)
            if size > MAX_NUMEL:
                raise Reject("too big")
            return self.apply(name, *parts, d - n if rng.random() < 0.3 else d)
        if name == "flatten":
            n = max(nd, 1)
            a, b = sorted([rng.randrange(n), rng.randrange(n)])
            return self.apply(name, x, a, b - n if rng.random() < 0.3 else b)
        if name == "squeeze":
            return self.apply(name, x)
        if name == "repeat":
            reps = [rng.choice([1, 1, 2, 3]) for _ in range(nd)]
            if nd < MAX_RANK and rng.random() < 0.3:
                reps = [rng.randint(1, 2)] + reps
            if x.t.numel() * numel(reps) > MAX_NUMEL:
                raise Reject("too big")
            return self.apply(name, x, reps)
        if name == "flip":
            if nd == 0:
                raise Reject("0-dim")
            return self.apply(name, x, self.random_dims(x))
        if name == "roll":
            if nd == 0 or rng.random() < 0.2:
                return self.apply(name, x, [rng.randint(-3, 3)], [])
            dims = self.random_dims(x)
            return self.apply(name, x, [rng.randint(-4, 4) for _ in dims], dims)
        if name in ("tril", "triu"):
            if nd < 2:
                raise Reject("rank")
            return self.apply(name, x, rng.randint(-2, 2))
        if name == "narrow":
            if nd == 0:
                raise Reject("0-dim")
            d = rng.randrange(nd)
            size = x.shape[d]
            start = rng.randint(0, size)
            length = rng.randint(0, size - start)
            if rng.random() < 0.2 and size:
                start -= size
            return self.apply(name, x, d - nd if rng.random() < 0.3 else d, start, length)
        if nd == 0:
            raise Reject("0-dim")
        return self.apply("movedim", x, self.one_dim(x), self.one_dim(x))

    def index_const(self, shape, high):
        vals = [float(self.rng.randrange(high)) for _ in range(numel(shape))]
        return self.add_input("const", torch.tensor(vals, dtype=torch.float64).to(torch.int64).reshape(shape).clone())

    def op_index(self):
        rng = self.rng
        x = self.pick(lambda n: n.ndim >= 1 and n.t.numel() > 0)
        d = rng.randrange(x.ndim)
        size = x.shape[d]
        dd = d - x.ndim if rng.random() < 0.3 else d
        if rng.random() < 0.5:
            k = rng.randint(1, 4)
            if x.t.numel() // size * k > MAX_NUMEL:
                raise Reject("too big")
            return self.apply("index_select", x, dd, self.index_const([k], size))
        if rng.random() < 0.25:
            # the argmax along d, gathered: the max itself
            am = self.apply("argmax", x, dd, True)
            return self.apply("gather", x, dd, am)
        shape = [rng.randint(1, s) for s in x.shape]
        shape[d] = rng.randint(1, 3)
        return self.apply("gather", x, dd, self.index_const(shape, size))

    def op_advanced_index(self):
        """x[items] and the puts, with index tensors (unique indices, some
        negative), masks, ints, slices, None and an ellipsis."""
        rng = self.rng
        x = self.pick(lambda n: n.ndim >= 1 and n.t.numel() > 0)
        items = ["n"] if rng.random() < 0.15 else []
        for k in range(rng.randint(1, x.ndim)):
            size, r = x.shape[k], rng.random()
            if r < 0.4 and size:
                vals = [float(v - size if rng.random() < 0.3 else v) for v in rng.sample(range(size), rng.randint(1, min(size, 3)))]
                items.append(self.add_input("const", torch.tensor(vals, dtype=torch.float64).to(torch.int64)))
            elif r < 0.5:
                items.append(self.const([size], torch.bool))
            elif r < 0.6 and size:
                items.append(f"i:{rng.randrange(-size, size)}")
            elif r < 0.9:
                start = rng.randint(0, size)
                items.append(f"s:{start}:{rng.choice([size, 2 ** 63 - 1, rng.randint(start, size)])}:{rng.randint(1, 2)}")
            else:
                items.append("e")
                break
        targs = [i.t if isinstance(i, Node) else i for i in items]
        try:
            with torch.no_grad():
                shape = list(run_op("index", [x.t] + targs).shape)
        except (RuntimeError, IndexError, ValueError) as e:
            raise Reject(f"PyTorch rejects it: {e}")
        if numel(shape) > MAX_NUMEL:
            raise Reject("too big")
        if rng.random() < 0.5:
            return self.apply("index", x, *items)
        tensors = all(isinstance(i, Node) for i in items)
        accumulate = tensors and rng.random() < 0.5
        v = self.const(shape, x.t.dtype)
        if rng.random() < 0.5:
            return self.apply("index_put", x, v, accumulate, *items)
        return self.apply("index_put_", self.apply("clone", x), v, accumulate, *items)

    def op_linalg(self):
        rng = self.rng
        r = rng.random()
        if r < 0.4:
            x = self.pick(lambda n: n.ndim == 2 and n.t.numel() > 0)
            y = self.const([x.shape[1], rng.randint(1, 4)], x.t.dtype, -1, 1)
            if rng.random() < 0.5:
                return self.apply("mm", x, y)
            bias = self.const(self.broadcast_shape([x.shape[0], y.shape[1]]), x.t.dtype)
            return self.apply("addmm", bias, x, y, rng.choice([1.0, 1.0, 0.5, 0.0, -2.0]),
                              rng.choice([1.0, 1.0, 2.0, -0.5]))
        if r < 0.6:
            x = self.pick(lambda n: n.ndim == 1 and n.t.numel() > 0)
            y = self.const([rng.randint(1, 4)], x.t.dtype, -1, 1)
            if x.t.numel() * y.t.numel() > MAX_NUMEL:
                raise Reject("too big")
            return self.apply("mm", self.apply("unsqueeze", x, 1), self.apply("unsqueeze", y, 0))
        x = self.pick(lambda n: n.ndim == 1 and 0 < n.t.numel() <= 6)
        def fits(n):
            return n.ndim == 1 and n.t.dtype == x.t.dtype and n.t.numel() * x.t.numel() <= MAX_NUMEL
        y = rng.choice(self.live(fits))
        return self.apply("outer", x, y)

    def op_inplace2(self):
        rng = self.rng
        def ok(n):
            return (n.kind == "op" or (n.kind == "const" and rng.random() < 0.3)) and not n.t._is_view()
        x = self.pick(ok)
        if rng.random() < 0.5:
            x = self.apply("clone", x)
        r = rng.random()
        if r < 0.35:
            name = rng.choice(list(INPLACE_UNARY2))
            return self.apply(name, self.domain(name[:-1], x))
        if r < 0.55:
            name = rng.choice(list(INPLACE_SCALAR2) + ["clamp_", "hardtanh_"])
            if name in ("clamp_", "hardtanh_"):
                lo = self.round_to(rng.uniform(-1.5, 0.5), torch.float32)
                return self.apply(name, x, lo, self.round_to(lo + rng.uniform(0.2, 2), torch.float32))
            if name in ("leaky_relu_",):
                return self.apply(name, x, rng.choice([0.01, 0.2, 1.5]))
            if name == "elu_":
                return self.apply(name, x, rng.choice([1.0, 0.5]))
            return self.apply(name, x, self.round_to(rng.uniform(-1, 1), torch.float32))
        if r < 0.65:
            return self.apply("masked_fill_", x, self.condition(x.shape), self.scalar_value())
        if r < 0.72 and x.ndim >= 2:
            return self.apply(rng.choice(["tril_", "triu_"]), x, rng.randint(-1, 1))
        if r < 0.75:
            # only on a fresh clone: tensorgrad's version errors name a saved
            # tensor's shape at saving, PyTorch's its shape now (see the report)
            return self.apply("squeeze_", self.apply("clone", x))
        def fits(n):
            if storage_ptr(n.t) == storage_ptr(x.t) and n is not x:
                return False
            try:
                return torch.broadcast_shapes(n.shape, x.shape) == x.shape
            except RuntimeError:
                return False
        cands = self.live(fits)
        def partner():
            if cands and rng.random() < 0.6:
                return rng.choice(cands)
            return self.const(self.broadcast_shape(x.shape) if rng.random() < 0.5 else list(x.shape), x.t.dtype)
        name = rng.choice(["atan2_", "hypot_", "lerp_", "lerp_scalar_", "addcmul_", "addcdiv_", "addcmul_", "lerp_",
                           "fmod_", "remainder_", "xlogy_", "fmod_scalar_", "remainder_scalar_"])
        if name in ("fmod_scalar_", "remainder_scalar_"):
            return self.apply(name, x, rng.choice([0.75, 1.5, -1.25]))
        y = partner()
        try:
            if name in ("atan2_", "hypot_"):
                args = (x, y)
            elif name in ("fmod_", "remainder_"):
                args = (x, self.away_from_zero(y))
            elif name == "xlogy_":
                args = (x, self.positive(y))
            elif name == "lerp_scalar_":
                args = (x, y, self.round_to(rng.uniform(-0.5, 1.5), torch.float32))
            else:
                z = partner()
                if name == "addcdiv_":
                    z = self.away_from_zero(z)
                if torch.broadcast_shapes(y.shape, z.shape, x.shape) != x.shape:
                    raise Reject("shape")
                args = (x, y, z) if name == "lerp_" else (x, y, z, self.scalar_value())
        except RuntimeError:
            raise Reject("shape")
        for a in args[1:]:
            if isinstance(a, Node) and a is not x and saved_behind(a.t, x.t):
                raise Reject("a reference cycle")
        return self.apply(name, *args)

    def op_batch2(self):
        rng = self.rng
        name = rng.choice(["bmm", "mv", "dot", "baddbmm", "xlogy", "fmod", "remainder", "fmod_scalar",
                           "remainder_scalar", "floor", "ceil", "round", "trunc", "frac", "logical"])
        if name in ("bmm", "baddbmm"):
            x = self.pick(lambda n: n.ndim == 3 and n.t.numel() > 0)
            y = self.const([x.shape[0], x.shape[2], rng.randint(1, 3)], x.t.dtype, -1, 1)
            if name == "bmm":
                return self.apply(name, x, y)
            bias = self.const(self.broadcast_shape([x.shape[0], x.shape[1], y.shape[2]]), x.t.dtype)
            return self.apply(name, bias, x, y, rng.choice([1.0, 0.5, 0.0]), rng.choice([1.0, -2.0]))
        if name == "mv":
            x = self.pick(lambda n: n.ndim == 2 and n.t.numel() > 0)
            return self.apply(name, x, self.const([x.shape[1]], x.t.dtype, -1, 1))
        if name == "dot":
            x = self.pick(lambda n: n.ndim == 1)
            same = self.live(lambda n: n is not x and n.shape == x.shape and n.t.dtype == x.t.dtype)
            y = rng.choice(same) if same and rng.random() < 0.6 else self.const(list(x.shape), x.t.dtype, -1, 1)
            return self.apply(name, x, y)
        if name == "logical":
            cands = self.live_bool()
            if not cands:
                raise Reject("no bool")
            c = rng.choice(cands)
            op = rng.choice(["logical_and", "logical_or", "logical_xor", "logical_not"])
            if op == "logical_not":
                return self.apply(op, c)
            d = self.condition(c.shape) if rng.random() < 0.5 else rng.choice(cands)
            return self.apply(op, c, d)
        x = self.pick()
        if name in ("floor", "ceil", "round", "trunc", "frac"):
            return self.apply(name, self.bounded(x, 20))
        if name in ("fmod_scalar", "remainder_scalar"):
            return self.apply(name, x, rng.choice([0.75, 1.5, -1.25, 2.5]))
        y = self.broadcast_partner(x)
        if rng.random() < 0.5:
            x, y = y, x
        if name == "xlogy":
            return self.apply(name, x, self.positive(y))
        return self.apply(name, x, self.away_from_zero(y))

    def op_reduce3(self):
        rng = self.rng
        x = self.pick()
        if x.t.numel() == 0:
            raise Reject("empty")
        name = rng.choice(["cumprod", "var_mean", "std_mean", "count_nonzero"])
        if name == "cumprod":
            return self.apply(name, self.bounded(x, 1.5), self.one_dim(x))
        if name == "count_nonzero":
            return self.apply(name, x, self.nonempty_dims(x))
        dims = self.nonempty_dims(x)
        cnt = numel([x.shape[d] for d in dims]) if x.ndim else 1
        corr = rng.choice([0, 1]) if cnt > 1 else 0
        return self.apply(name, x, dims, corr, rng.random() < 0.4)

    def op_shape3(self):
        rng = self.rng
        x = self.pick()
        nd = x.ndim
        name = rng.choice(["diagonal", "diag_embed", "unflatten", "tile", "split", "chunk", "unbind",
                           "masked_select", "take_along_dim", "scatter", "scatter_add", "index_add"])
        if name == "diagonal":
            if nd < 2:
                raise Reject("rank")
            d1, d2 = rng.sample(range(nd), 2)
            return self.apply(name, x, rng.randint(-1, 1), d1, d2)
        if name == "diag_embed":
            if nd < 1 or nd >= MAX_RANK or x.t.numel() * (x.shape[-1] + 1) ** 1 > MAX_NUMEL:
                raise Reject("size")
            return self.apply(name, x, rng.choice([0, 0, 1, -1]), -2, -1)
        if name == "unflatten":
            if nd == 0:
                raise Reject("0-dim")
            d = rng.randrange(nd)
            sizes = self.factor_shape(x.shape[d]) or [1]
            if nd - 1 + len(sizes) > MAX_RANK:
                raise Reject("rank")
            if rng.random() < 0.3:
                sizes[rng.randrange(len(sizes))] = -1
            return self.apply(name, x, d, sizes)
        if name == "tile":
            reps = [rng.choice([1, 2]) for _ in range(rng.randint(1, max(nd, 1)))]
            if x.t.numel() * numel(reps) > MAX_NUMEL:
                raise Reject("too big")
            return self.apply(name, x, reps)
        if nd == 0:
            raise Reject("0-dim")
        d = rng.randrange(nd)
        size = x.shape[d]
        if name == "split":
            k = rng.randint(1, max(size, 1))
            pieces = max(1, -(-size // k))
            return self.apply(name, x, k, d, rng.randrange(pieces))
        if name == "chunk":
            c = rng.randint(1, 3)
            pieces = len(torch.chunk(torch.empty(x.shape, device="meta"), c, d))
            if pieces == 0:
                raise Reject("no pieces")
            return self.apply(name, x, c, d, rng.randrange(pieces))
        if name == "unbind":
            if size == 0:
                raise Reject("empty")
            return self.apply(name, x, d, rng.randrange(size))
        if name == "masked_select":
            if not x.t.is_contiguous():   # PyTorch 1.13's gradient is wrong there (docs/autograd.md)
                raise Reject("non-contiguous")
            return self.apply(name, x, self.condition(x.shape))
        if x.t.numel() == 0:
            raise Reject("empty")
        if name == "take_along_dim":
            shape = list(x.shape)
            shape[d] = rng.randint(1, 3)
            return self.apply(name, x, self.index_const(shape, size), d)
        if name == "index_add":
            k = rng.randint(1, 3)
            shape = list(x.shape)
            shape[d] = k
            src = self.broadcast_partner(x) if False else None
            same = self.live(lambda n: n.shape == tuple(shape) and n.t.dtype == x.t.dtype)
            src = rng.choice(same) if same and rng.random() < 0.6 else self.const(shape, x.t.dtype)
            return self.apply(name, x, d, self.index_const([k], size), src, self.scalar_value())
        # scatter, scatter_add: an index of distinct entries along d (scatter's
        # winner among repeated ones is unspecified)
        ishape = [rng.randint(1, s) for s in x.shape]
        ishape[d] = rng.randint(1, size)
        perm = rng.sample(range(size), ishape[d])
        view = [1] * nd
        view[d] = ishape[d]
        idx = torch.tensor(perm, dtype=torch.int64).reshape(view).expand(ishape).contiguous()
        if name == "scatter_add" and rng.random() < 0.5:
            idx = torch.tensor([rng.randrange(size) for _ in range(numel(ishape))], dtype=torch.int64).reshape(ishape)
        idx = self.add_input("const", idx.clone())
        same = self.live(lambda n: n.shape == tuple(ishape) and n.t.dtype == x.t.dtype)
        src = rng.choice(same) if same and rng.random() < 0.6 else self.const(ishape, x.t.dtype)
        return self.apply(name, x, d, idx, src)

    def op_misc3(self):
        rng = self.rng
        r = rng.random()
        x = self.pick()
        nd = x.ndim
        if r < 0.15:   # in place on a fresh clone: the comparisons, writing 0 and 1
            c = self.apply("clone", x)
            if rng.random() < 0.5:
                y = self.broadcast_partner(c)
                try:
                    if torch.broadcast_shapes(y.shape, c.shape) != c.shape:
                        raise Reject("shape")
                except RuntimeError:
                    raise Reject("shape")
                return self.apply(rng.choice(["eq_", "ne_", "lt_", "le_", "gt_", "ge_"]), c, y)
            return self.apply(rng.choice(["lt_scalar_", "gt_scalar_", "le_scalar_", "ge_scalar_", "eq_scalar_",
                                          "ne_scalar_"]), c, self.round_to(rng.uniform(-1, 1), torch.float32))
        if r < 0.3:    # geometry in place, on a fresh clone (see squeeze_)
            c = self.apply("clone", x)
            k = rng.randrange(4)
            if k == 0 and nd <= 2:
                return self.apply("t_", c)
            if k == 1 and nd >= 1:
                return self.apply("transpose_", c, rng.randrange(nd), self.one_dim(c))
            if k == 2 and nd < MAX_RANK:
                return self.apply("unsqueeze_", c, rng.randint(-nd - 1, nd))
            return self.apply("squeeze_dim_", c, self.one_dim(c))
        if r < 0.5:    # scatter_, scatter_add_, index_add_ into a fresh clone
            if nd == 0 or x.t.numel() == 0:
                raise Reject("0-dim")
            c = self.apply("clone", x)
            d = rng.randrange(nd)
            size = c.shape[d]
            if rng.random() < 0.4:
                k = rng.randint(1, 3)
                shape = list(c.shape)
                shape[d] = k
                src = self.const(shape, c.t.dtype)
                return self.apply("index_add_", c, d, self.index_const([k], size), src, self.scalar_value())
            ishape = [rng.randint(1, s) for s in c.shape]
            ishape[d] = rng.randint(1, size)
            view = [1] * nd
            view[d] = ishape[d]
            idx = torch.tensor(rng.sample(range(size), ishape[d]), dtype=torch.int64).reshape(view).expand(ishape)
            idx = self.add_input("const", idx.contiguous().clone())
            same = self.live(lambda n: n.shape == tuple(ishape) and n.t.dtype == c.t.dtype and n is not c
                             and not saved_behind(n.t, c.t))
            src = rng.choice(same) if same and rng.random() < 0.6 else self.const(ishape, c.t.dtype)
            return self.apply(rng.choice(["scatter_", "scatter_add_"]), c, d, idx, src)
        if r < 0.6:
            v = rng.choice([0.0, 1.5, -2.0])
            if rng.random() < 0.5:
                return self.apply("nan_to_num", x, v, 100.0, -100.0)
            return self.apply("nan_to_num_", self.apply("clone", x), v, 100.0, -100.0)
        if r < 0.75:
            name = rng.choice(["argmax_all", "argmin_all", "argsort", "isnan", "isfinite", "isinf"])
            if name == "argsort":
                return self.apply(name, x, self.one_dim(x), rng.random() < 0.5)
            if x.t.numel() == 0 and name.startswith("arg"):
                raise Reject("empty")
            return self.apply(name, x)
        cands = self.live_bool()
        if not cands:
            raise Reject("no bool")
        c = rng.choice(cands)
        name = rng.choice(["all", "any", "all_dim", "any_dim"])
        if name in ("all", "any"):
            return self.apply(name, c)
        return self.apply(name, c, self.one_dim(c), rng.random() < 0.5)

    # --------------------------------------------------- error cases

    def op_error(self):
        """An operation PyTorch rejects; tensorgrad must reject it too."""
        kind = self.rng.randrange(28)
        x = self.pick()
        shp = list(x.shape)
        nd = x.ndim
        if kind == 0:   # shapes that do not broadcast
            if nd == 0:
                raise Reject("0-dim")
            bad = list(shp)
            i = self.rng.randrange(nd)
            bad[i] = shp[i] + self.rng.randint(1, 2) if shp[i] != 1 else 0
            if bad[i] in (0, 1):
                raise Reject("no clash")
            y = self.const(bad[self.rng.randint(0, i):], x.t.dtype if holds_values(x.t.dtype) else torch.float32)
            name = self.rng.choice(["add", "sub", "mul", "div", "maximum", "pow", "mse"])
            a, b = (x, y) if self.rng.random() < 0.5 else (y, x)
            return self.apply(name, a, b, expect_error=True)
        if kind == 1:   # matmul with an inner dimension that does not match
            if nd == 0:
                return self.apply("matmul", x, self.const([2], torch.float32), expect_error=True)
            k = shp[-1] + 1
            y = self.const(self.rng.choice([[k], [k, 2], [2, k, 3]]), x.t.dtype)
            return self.apply("matmul", x, y, expect_error=True)
        if kind == 2:   # view of a non-contiguous tensor, or of the wrong size
            if x.t.is_contiguous() or self.rng.random() < 0.4:
                return self.apply("view", x, [x.t.numel() + 1], expect_error=True)
            return self.apply("view", x, [-1], expect_error=True)
        if kind == 3:   # a dimension out of range
            d = max(nd, 1) + self.rng.randint(0, 2)
            if self.rng.random() < 0.5:
                d = -d - 1
            name = self.rng.choice(["sum_dim", "max_dim", "transpose", "unsqueeze", "squeeze_dim", "select"])
            if name == "sum_dim":
                return self.apply(name, x, [d], False, expect_error=True)
            if name == "max_dim":
                return self.apply(name, x, d, False, expect_error=True)
            if name == "transpose":
                return self.apply(name, x, 0, d, expect_error=True)
            if name == "unsqueeze":
                return self.apply(name, x, d + 1 if d > 0 else d - 1, expect_error=True)
            if name == "select":
                return self.apply(name, x, d, 0, expect_error=True)
            return self.apply(name, x, d, expect_error=True)
        if kind == 4:   # index out of range
            if nd == 0:
                return self.apply("select", x, 0, 0, expect_error=True)
            d = self.rng.randrange(nd)
            i = shp[d] if self.rng.random() < 0.5 else -shp[d] - 1
            return self.apply("select", x, d, i, expect_error=True)
        if kind == 5:   # expand to an incompatible size
            bad = [s + 1 if s != 1 else s for s in shp]
            if bad == shp:
                return self.apply("expand", x, shp[1:] if nd else [2], expect_error=nd > 0)
            return self.apply("expand", x, bad, expect_error=True)
        if kind == 6:   # in place on a leaf that requires grad
            leaf = self.rng.choice(self.leaves)
            if leaf.dead:
                raise Reject("dead")
            name = self.rng.choice(["add_scalar_", "mul_scalar_", "zero_", "fill_"])
            if name == "zero_":
                return self.apply(name, leaf, expect_error=True)
            return self.apply(name, leaf, 2.0, expect_error=True)
        if kind == 7:   # in place with a result larger than the tensor
            if x.kind != "op" or x.t._is_view() or not holds_values(x.t.dtype):
                raise Reject("not a target")
            y = self.const([2] + shp if nd < MAX_RANK else shp[:-1] + [shp[-1] + 1], x.t.dtype)
            return self.apply(self.rng.choice(["add_", "mul_", "copy_"]), x, y, expect_error=True)
        if kind == 8:   # a target of another shape
            y = self.const(shp + [2] if nd < MAX_RANK else [1], x.t.dtype if holds_values(x.t.dtype) else torch.float32, 0, 1)
            return self.apply("bce", x, y, expect_error=True)
        if kind == 9:   # permute with a wrong number of dims or a duplicate
            if nd >= 2 and self.rng.random() < 0.5:
                return self.apply("permute", x, [0] * nd, expect_error=True)
            return self.apply("permute", x, list(range(nd + 1)), expect_error=True)
        if kind == 10:   # t() of more than two dimensions
            if nd <= 2:
                if nd + 1 > MAX_RANK:
                    raise Reject("rank")
                x = self.apply("unsqueeze", x, 0)
                if nd + 1 <= 2:
                    x = self.apply("unsqueeze", x, 0)
            return self.apply("t", x, expect_error=True)
        if kind == 11:   # where with shapes that do not broadcast
            if nd == 0:
                raise Reject("0-dim")
            c = self.const(shp[:-1] + [shp[-1] + 1], torch.bool)
            return self.apply("where", c, x, x, expect_error=True)
        if kind == 12:   # matmul of a 0-dim tensor
            y = self.const([], x.t.dtype if holds_values(x.t.dtype) else torch.float32)
            return self.apply("matmul", y, x, expect_error=True)
        if kind == 14:   # in place from a tensor that partly overlaps the target
            k = self.rng.randint(2, 3)
            c = self.apply("clone", self.const([k, k], torch.float64 if self.rng.random() < 0.5 else torch.float32))
            return self.apply(self.rng.choice(["add_", "mul_", "copy_"]), c, self.apply("t", c), expect_error=True)
        if kind == 15:   # in place on an expanded tensor (elements share memory)
            c = self.const([1, self.rng.randint(1, 3)], torch.float32)
            e = self.apply("expand", c, [self.rng.randint(2, 3), -1])
            return self.apply(self.rng.choice(["add_scalar_", "mul_scalar_"]), e, 1.0, expect_error=True)
        if kind >= 16:
            return self.op_error2(kind, x)
        # kind 13: matmul of float32 with float64 (PyTorch 1.13's message for
        # float16 names the kernel it lacks, which tensorgrad has)
        if nd == 0 or x.t.dtype not in (torch.float32, torch.float64):
            raise Reject("no matmul")
        other = torch.float64 if x.t.dtype == torch.float32 else torch.float32
        y = self.const([shp[-1], 2], other)
        return self.apply("matmul", x, y, expect_error=True)

    def op_error2(self, kind, x):
        """Errors of the newer operations."""
        rng = self.rng
        shp = list(x.shape)
        nd = x.ndim
        fdt = x.t.dtype
        if kind == 16:   # cat or stack of tensors whose other dims differ
            if nd == 0:
                return self.apply("cat", x, x, 0, expect_error=True)
            bad = list(shp)
            i = rng.randrange(nd)
            bad[i] += rng.randint(1, 2)
            y = self.const(bad, fdt)
            if rng.random() < 0.5:
                return self.apply("stack", x, y, rng.randrange(nd + 1), expect_error=True)
            d = rng.choice([j for j in range(nd) if j != i] or [nd + 1])
            return self.apply("cat", x, y, d, expect_error=True)
        if kind == 17:   # an index out of range
            if nd == 0 or x.t.numel() == 0:
                raise Reject("0-dim or empty")
            d = rng.randrange(nd)
            size = shp[d]
            bad = size + rng.randint(0, 2) if rng.random() < 0.7 else -1 - rng.randint(0, 1)
            if rng.random() < 0.5:
                idx = self.add_input("const", torch.tensor([0, bad], dtype=torch.int64))
                return self.apply("index_select", x, d, idx, expect_error=True)
            ishape = [1] * nd
            ishape[d] = 2
            idx = self.add_input("const", torch.tensor([0, bad], dtype=torch.int64).reshape(ishape).clone())
            return self.apply("gather", x, d, idx, expect_error=True)
        if kind == 18:   # mm with shapes that do not fit, or of other than 2-D
            if nd != 2 or rng.random() < 0.3:
                return self.apply("mm", x, self.const([2, 2], fdt), expect_error=True)
            return self.apply("mm", x, self.const([shp[1] + 1, 2], fdt), expect_error=True)
        if kind == 19:   # topk of more than there are
            d = rng.randrange(max(nd, 1))
            size = shp[d] if nd else 1
            return self.apply("topk", x, size + rng.randint(1, 2), d, 1, expect_error=True)
        if kind == 20:   # narrow beyond the end
            if nd == 0:
                return self.apply("narrow", x, 0, 0, 1, expect_error=True)
            d = rng.randrange(nd)
            return self.apply("narrow", x, d, rng.randint(0, shp[d]), shp[d] + 1, expect_error=True)
        if kind == 21:   # tril or triu of fewer than two dims
            if nd >= 2:
                x = self.apply("select", x, 0, 0) if shp[0] else self.apply("sum", x)
                if x.ndim >= 2:
                    x = self.apply("sum", x)
            return self.apply(rng.choice(["tril", "triu"]), x, 0, expect_error=True)
        if kind == 22:   # masked_fill with a mask that does not broadcast
            if nd == 0:
                raise Reject("0-dim")
            c = self.const(shp[:-1] + [shp[-1] + 1], torch.bool)
            return self.apply(rng.choice(["masked_fill", "masked_fill"]), x, c, 1.0, expect_error=True)
        if kind == 24:   # bmm, mv, dot with sizes that do not fit
            if nd == 3:
                return self.apply("bmm", x, self.const([shp[0], shp[2] + 1, 2], fdt), expect_error=True)
            if nd == 2:
                return self.apply("mv", x, self.const([shp[1] + 1], fdt), expect_error=True)
            if nd == 1:
                return self.apply("dot", x, self.const([shp[0] + 1], fdt), expect_error=True)
            return self.apply("bmm", x, x, expect_error=True)
        if kind == 25:   # diagonal of one dim twice, or of fewer than two dims
            if nd == 0:
                return self.apply("diagonal", x, 0, 0, 1, expect_error=True)
            d = rng.randrange(nd)
            return self.apply("diagonal", x, 0, d, d - nd if rng.random() < 0.5 else d, expect_error=True)
        if kind == 26:   # unflatten into sizes of another product
            if nd == 0:
                raise Reject("0-dim")
            d = rng.randrange(nd)
            return self.apply("unflatten", x, d, [shp[d] + 1, 1], expect_error=True)
        if kind == 27:   # scatter with an index out of range
            if nd == 0 or x.t.numel() == 0:
                raise Reject("0-dim")
            d = rng.randrange(nd)
            ishape = [1] * nd
            idx = self.add_input("const", torch.full(ishape, shp[d] + rng.randint(0, 1), dtype=torch.int64))
            return self.apply(rng.choice(["scatter", "scatter_add"]), x, d, idx, self.const(ishape, fdt),
                              expect_error=True)
        # kind 23: a dim out of range
        d = max(nd, 1) + rng.randint(0, 1)
        if rng.random() < 0.5:
            d = -d - 1
        name = rng.choice(["amax", "logsumexp", "cumsum", "argmax", "flatten", "movedim", "sort", "var",
                           "prod_dim", "flip"])
        if name in ("amax", "logsumexp"):
            return self.apply(name, x, [d], 0, expect_error=True)
        if name in ("argmax", "prod_dim"):
            return self.apply(name, x, d, 0, expect_error=True)
        if name in ("cumsum",):
            return self.apply(name, x, d, expect_error=True)
        if name == "sort":
            return self.apply(name, x, d, 0, expect_error=True)
        if name == "var":
            return self.apply(name, x, [d], 1, 0, expect_error=True)
        if name == "flip":
            return self.apply(name, x, [d], expect_error=True)
        if name == "flatten":
            return self.apply(name, x, 0, d, expect_error=True)
        return self.apply(name, x, 0, d, expect_error=True)

    # --------------------------------- float16, bfloat16 and complex

    def new_leaf_dtype(self, i):
        """The first leaf's dtype is float16, bfloat16, complex64 or
        complex128; the others mostly the same, sometimes any floating or
        complex dtype (to mix them)."""
        if i == 0 or self.rng.random() < 0.7:
            if i == 0:
                self.leaf_dtype = self.rng.choice([torch.float16, torch.bfloat16, torch.complex64, torch.complex128])
            return self.leaf_dtype
        return self.rng.choice(VALUE_DTYPES)

    def op_complex(self):
        """The complex operations: parts, conjugate, angle, views as real and
        back; complex from two real tensors, and polar."""
        rng = self.rng
        x = self.pick()
        if x.t.is_complex():
            name = rng.choice(["real", "imag", "conj", "angle", "abs", "view_as_real", "real", "conj"])
            return self.apply(name, x)
        if x.t.dtype not in (torch.float32, torch.float64):
            raise Reject("complex from float32 or float64 only")
        r = rng.random()
        if r < 0.35 and x.t.numel() % 2 == 0 and x.t.numel() > 0:
            shape = self.factor_shape(x.t.numel() // 2)
            if len(shape) >= MAX_RANK:
                raise Reject("rank")
            return self.apply("view_as_complex", self.apply("reshape", x, shape + [2]))
        same = self.live(lambda n: n is not x and n.t.dtype == x.t.dtype and n.shape == x.shape)
        y = rng.choice(same) if same and rng.random() < 0.5 else self.const(list(x.shape), x.t.dtype)
        if r < 0.7:
            return self.apply("complex", x, y)
        return self.apply("polar", self.positive(x), y)

    # ----------------------------------------------------- building

    def build(self):
        rng = self.rng
        # leaves that broadcast together
        base = [rng.randint(1, 4) for _ in range(rng.randint(0, 3))]
        mode = rng.random()
        n_leaves = rng.randint(1, 3)
        for i in range(n_leaves):
            shape = [s if rng.random() < 0.75 else 1 for s in base]
            if shape and rng.random() < 0.25:
                shape = shape[rng.randint(0, len(shape)):]
            if mode < 0.4:
                dt = torch.float64
            elif mode < 0.75:
                dt = torch.float32
            else:
                dt = rng.choice([torch.float32, torch.float64])
            if self.new_dtypes:
                dt = self.new_leaf_dtype(i)
            t = self.random_values(shape, dt, -2, 2).requires_grad_(True)
            self.add_input("leaf", t)

        n_ops = rng.randint(3, 12)
        error_at = rng.randrange(n_ops) if rng.random() < ERROR_RATE else -1
        families = [
            (self.op_binary, 22), (self.op_scalar, 12), (self.op_unary, 20), (self.op_reduce, 8),
            (self.op_shape, 20), (self.op_matmul, 6), (self.op_misc, 6), (self.op_inplace, 10),
            (self.op_unary2, 14), (self.op_activation, 8), (self.op_compare, 5), (self.op_pointwise3, 7),
            (self.op_reduce2, 10), (self.op_shape2, 10), (self.op_index, 4), (self.op_linalg, 4),
            (self.op_inplace2, 8), (self.op_batch2, 6), (self.op_reduce3, 3), (self.op_shape3, 7),
            (self.op_misc3, 5), (self.op_advanced_index, 4),
        ]
        if self.new_dtypes:
            families.append((self.op_complex, 8))
        funcs, weights = zip(*families)
        for step in range(n_ops):
            for attempt in range(60):
                try:
                    if step == error_at:
                        self.op_error()
                    else:
                        rng.choices(funcs, weights)[0]()
                    break
                except Reject:
                    continue
            if self.ended:
                self.lines.append("end")
                return
        self.finish()

    def finish(self):
        rng = self.rng
        # the loss: a weighted sum of up to three unused results
        sinks = self.live(lambda n: n.kind == "op" and n.uses == 0 and n.t.requires_grad)
        if not sinks:
            sinks = self.live(lambda n: n.t.requires_grad)
        sinks = sinks[-3:]
        if len(sinks) > 1:
            sinks = rng.sample(sinks, rng.randint(1, len(sinks)))
        terms = []
        for s in sinks:
            if s.t.numel() == 1 and s.ndim == 0 and rng.random() < 0.5:
                terms.append(s)
                continue
            w = self.const(list(s.shape), s.t.dtype, -1, 1)
            weighted = self.apply("mul", s, w, check=False)
            reduce = rng.choice(["sum", "sum", "mean"])
            if self.new_dtypes and s.t.numel() == 0:
                # The mean of nothing is nan, and PyTorch adds a complex b as
                # a + 1 * b, where (1+0j) * (nan+0j) is nan+nanj; tensorgrad
                # keeps b's imaginary part, a difference left out here
                reduce = "sum"
            term = self.apply(reduce, weighted, check=False)
            if term.t.is_complex() and rng.random() < 0.5:
                term = self.apply("real", term, check=False)   # a real loss; else PyTorch seeds 1+0j
            terms.append(term)
        loss = terms[0]
        for t in terms[1:]:
            loss = self.apply("add", loss, t, check=False)
        second = rng.random() < SECOND_ORDER_RATE
        if self.backward(loss, second):
            used = [leaf for leaf in self.leaves if leaf.t.grad is not None]
            if second and used:
                ws = [self.const(list(leaf.shape), leaf.t.dtype, -1, 1) for leaf in used]
                self.second_order(loss, used, ws)
        self.lines.append("end")

    def backward(self, loss, retain):
        """loss.backward() and the leaves' gradients; False when it fails."""
        self.loss = loss
        self.lines.append(f"loss %{loss.idx}" + (" retain" if retain else ""))
        try:
            loss.t.backward(retain_graph=retain)
        except RuntimeError as e:
            if HALF_KERNEL_MISSING.search(str(e)):
                # tensorgrad computes it in float (docs/guide_tensors.md):
                # nothing to compare with
                self.lines[-1] = f"noloss %{loss.idx} {one_line(e)}"
                return False
            self.lines[-1] += f" -> error {one_line(e)}"
            return False
        for leaf in self.leaves:
            g = leaf.t.grad
            self.lines.append(f"grad %{leaf.idx} " + ("none" if g is None else tensor_desc(g)))
        return True

    def second_order(self, loss, used, ws):
        """g = autograd.grad(loss, used, create_graph=True), then
        sum((g_i * w_i).sum()).backward() into the leaves' .grad."""
        # Some of PyTorch's first derivatives have none of their own
        # (hardsigmoid's): then there is no second order to compare.
        gs = torch.autograd.grad(loss.t, [l.t for l in used], create_graph=True)
        s = sum((g * w.t).sum() for g, w in zip(gs, ws))
        if s.requires_grad:
            try:
                torch.autograd.grad(s, [l.t for l in used], retain_graph=True, allow_unused=True)
            except RuntimeError:
                return
        for leaf in self.leaves:
            leaf.t.grad = None
        self.lines.append("hess " + " ".join(f"%{l.idx} %{w.idx}" for l, w in zip(used, ws)))
        gs = torch.autograd.grad(loss.t, [l.t for l in used], create_graph=True)
        for l, g in zip(used, gs):
            self.lines.append(f"hgrad %{l.idx} {tensor_desc(g)}")
        s = None
        for g, w in zip(gs, ws):
            term = (g * w.t).sum()
            s = term if s is None else s + term
        if s.requires_grad:
            s.backward()
        for leaf in used:
            g = leaf.t.grad
            self.lines.append(f"ggrad %{leaf.idx} " + ("none" if g is None else tensor_desc(g)))

    # ------------------------------------------------ regressions

    def replay(self, program):
        """Runs a hand-written program (regressions.txt: lines without
        results) in PyTorch and writes it with PyTorch's results."""
        for line in program:
            tok = line.split()
            if tok[0] == "loss":
                loss = self.nodes[int(tok[1][1:])]
                if not self.backward(loss, "retain" in tok[2:]):
                    break
            elif tok[0] == "hess":
                pairs = [self.nodes[int(t[1:])] for t in tok[1:]]
                self.second_order(self.loss, pairs[0::2], pairs[1::2])
            elif tok[1] == "=" and tok[2] in ("leaf", "const"):
                if int(tok[0][1:]) != len(self.nodes):
                    raise ValueError(f"{line}: nodes must be numbered in order")
                dt, shape = DTYPES[tok[3]], [int(v) for v in tok[4][1:-1].split(",") if v]
                if dt == torch.bool:
                    vals = torch.tensor([v == "1" for v in tok[5:]], dtype=torch.bool)
                elif dt.is_complex:   # (real, imaginary) pairs
                    pairs = torch.tensor([parse_real(v) for v in tok[5:]], dtype=torch.float64).reshape(-1, 2)
                    vals = torch.view_as_complex(pairs).to(dt)
                else:
                    vals = torch.tensor([parse_real(v) for v in tok[5:]], dtype=torch.float64).to(dt)
                t = vals.reshape(shape).clone()
                self.add_input(tok[2], t.requires_grad_(True) if tok[2] == "leaf" else t)
            elif tok[1] == "=":
                if int(tok[0][1:]) != len(self.nodes):
                    raise ValueError(f"{line}: nodes must be numbered in order")
                name = tok[2]
                args = []
                for i, a in enumerate(tok[3:]):
                    if a.startswith("%"):
                        args.append(self.nodes[int(a[1:])])
                    elif a.startswith("["):
                        args.append([int(v) for v in a[1:-1].split(",") if v])
                    elif a in DTYPES:
                        args.append(a)
                    elif i == 1 and (name in SCALAR or name in INPLACE_SCALAR):
                        args.append(parse_real(a))
                    else:
                        try:
                            args.append(int(a))
                        except ValueError:
                            args.append(parse_real(a))
                self.apply(name, *args, expect_error=None, check=False)
                if self.ended:
                    break
            else:
                raise ValueError(f"cannot read: {line}")
        self.lines.append("end")


def parse_real(v):
    """A number as regressions.txt spells it: decimal or hex float."""
    return float.fromhex(v) if "x" in v.lower() else float(v)


def read_programs(path):
    """regressions.txt: (name, lines) for each "graph NAME ... end"."""
    programs, name, body = [], None, []
    with open(path) as f:
        for raw in f:
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            if line.startswith("graph "):
                name, body = line.split(None, 1)[1], []
            elif line == "end":
                programs.append((name, body))
                name = None
            else:
                body.append(line)
    return programs


def main():
    global torch, F
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--first", type=int, default=0)
    ap.add_argument("--out", default="-")
    ap.add_argument("--regressions", metavar="FILE",
                    help="also replay the hand-written programs in FILE (numbered from 1000000)")
    args = ap.parse_args()
    try:
        import torch as _torch
        import torch.nn.functional as _F
    except ImportError:
        print("SKIPPED: PyTorch is not installed for " + sys.executable)
        sys.exit(77)
    torch, F = _torch, _F
    torch.set_num_threads(1)
    warnings.simplefilter("ignore")
    DTYPES.update({"f32": torch.float32, "f64": torch.float64, "bool": torch.bool, "i64": torch.int64,
                   "i8": torch.int8, "u8": torch.uint8, "i16": torch.int16, "f16": torch.float16,
                   "bf16": torch.bfloat16, "c64": torch.complex64, "c128": torch.complex128})
    ULP.update({torch.float16: 2.0 ** -10, torch.bfloat16: 2.0 ** -7})
    VALUE_DTYPES.extend([torch.float32, torch.float64, torch.float16, torch.bfloat16, torch.complex64,
                         torch.complex128])
    NAMES.update({v: k for k, v in DTYPES.items()})
    out = sys.stdout if args.out == "-" else open(args.out, "w")
    out.write(f"# gen_graphs.py --seed {args.seed} --count {args.count} --first {args.first}\n")
    for index in range(args.first, args.first + args.count):
        g = Graph(args.seed, index)
        g.build()
        out.write("\n".join(g.lines) + "\n")
    for k, (name, program) in enumerate(read_programs(args.regressions) if args.regressions else []):
        g = Graph(args.seed, REGRESSION_BASE + k)
        g.lines[0] += " " + name
        g.replay(program)
        out.write("\n".join(g.lines) + "\n")
    if out is not sys.stdout:
        out.close()


if __name__ == "__main__":
    main()
