# Oracle for ops_dtype.c: conversions with tensor.to (f32 <-> f64, to and from
# integers and bool) and PyTorch's type promotion: tensor with tensor of
# another dtype, 0-dim tensors against n-dim ones, Python scalars (integral
# and fractional) against integer, bool and floating tensors, and gradients
# across dtypes.
from oracle import check, leaf, show_dtype, tree
import torch



f32 = torch.tensor([[1.5, -2.25], [0.5, 3.0]])
f64 = torch.tensor([0.25, -1.0], dtype=torch.float64)
i64 = torch.tensor([[3, -2], [0, 7]])
i32 = torch.tensor([5, -4], dtype=torch.int32)
bo = torch.tensor([True, False])
z_f32 = torch.tensor(2.5)
z_f64 = torch.tensor(0.5, dtype=torch.float64)
z_i64 = torch.tensor(3)
z_i32 = torch.tensor(2, dtype=torch.int32)
z_bo = torch.tensor(True)

# Conversions.
show_dtype("f32 to f64", f32.to(torch.float64))
show_dtype("f64 to f32", f64.to(torch.float32))
show_dtype("f32 to i64", torch.tensor([1.7, -1.7, 2.5, -0.5]).to(torch.int64))
show_dtype("f64 to i32", torch.tensor([1e3 + 0.9, -7.99], dtype=torch.float64).to(torch.int32))
show_dtype("f32 to bool", torch.tensor([0.0, -0.0, 0.5, float("nan")]).to(torch.bool))
show_dtype("i64 to f32", i64.to(torch.float32))
show_dtype("i64 to i32", i64.to(torch.int32))
show_dtype("bool to f32", bo.to(torch.float32))
show_dtype("bool to i64", bo.to(torch.int64))
show_dtype("i32 to bool", i32.to(torch.bool))
show_dtype("transposed to f64", f32.transpose(0, 1).to(torch.float64))
print("to same dtype is same tensor:", f32.to(torch.float32) is f32)

# Gradients through conversions.
def to64():
    x = leaf([[1.5, -2.25], [0.5, 3.0]])
    return x.to(torch.float64) * 3, [x]


def to32():
    x = leaf([0.1, 1.0 / 3.0], torch.float64)
    return x.to(torch.float32).exp(), [x]


def round_trip():
    x = leaf([0.5, 2.0])
    return x.to(torch.float64).to(torch.float32) ** 2, [x]


def to_int():
    x = leaf([1.5, -2.5])
    y = x.to(torch.int64)
    print("to int requires_grad:", y.requires_grad, "grad_fn:", tree(y.grad_fn))
    return x * y, [x]


for name, make in [("to f64", to64), ("to f32", to32), ("round trip", round_trip), ("to int", to_int)]:
    check(name, make)

# Tensor-tensor promotion (same-rank operands).
PAIRS = [
    ("f32 + f64", lambda: f32[0] + f64),
    ("f64 * f32", lambda: f64 * f32),
    ("i64 + f32", lambda: i64 + f32),
    ("i32 + i64", lambda: i32 + i64),
    ("i32 * i32", lambda: i32 * i32),
    ("bool + bool", lambda: bo + bo),
    ("bool * bool", lambda: bo * bo),
    ("bool + i32", lambda: bo + i32),
    ("bool + f64", lambda: bo + f64),
    ("i64 - i32", lambda: i64 - i32),
    ("i64 / i64", lambda: i64 / torch.tensor([2, -4])),
    ("i32 / i32", lambda: i32 / torch.tensor([2, 3], dtype=torch.int32)),
    ("bool / bool", lambda: bo / torch.tensor([True, True])),
    ("i64 ** i64", lambda: i64 ** torch.tensor([2, 3])),
    ("i32 ** f32", lambda: i32 ** torch.tensor([0.5, 2.0])),
    ("maximum i64 f32", lambda: torch.maximum(i64, f32)),
    ("minimum i32 bool", lambda: torch.minimum(i32, bo)),
    ("where f32 f64", lambda: torch.where(bo, f32[1], f64)),
    ("where i32 i64", lambda: torch.where(bo, i32, i64[0])),
    ("where i64 bool", lambda: torch.where(bo, i64[0], bo)),
]
for name, f in PAIRS:
    show_dtype(name, f())

# 0-dim tensors only decide the dtype when their category is higher.
ZERO_DIM = [
    ("f32 + 0-dim f64", lambda: f32 + z_f64),
    ("0-dim f64 * f32", lambda: z_f64 * f32),
    ("i64 + 0-dim f64", lambda: i64 + z_f64),
    ("i32 + 0-dim f32", lambda: i32 + z_f32),
    ("i32 + 0-dim i64", lambda: i32 + z_i64),
    ("0-dim i64 - i32", lambda: z_i64 - i32),
    ("bool + 0-dim i64", lambda: bo + z_i64),
    ("bool + 0-dim bool", lambda: bo + z_bo),
    ("bool * 0-dim f64", lambda: bo * z_f64),
    ("f64 + 0-dim f32", lambda: f64 + z_f32),
    ("f32 / 0-dim i32", lambda: f32 / z_i32),
    ("i32 / 0-dim i32", lambda: i32 / z_i32),
    ("0-dim f64 + 0-dim f32", lambda: z_f64 + z_f32),
    ("0-dim i32 + 0-dim bool", lambda: z_i32 + z_bo),
    ("0-dim i64 * 0-dim f32", lambda: z_i64 * z_f32),
    ("where 0-dim f64 i32", lambda: torch.where(bo, z_f64, i32)),
]
for name, f in ZERO_DIM:
    show_dtype(name, f())

# Python scalars: integral ones keep integer tensors integral; fractional
# ones make them float32 (the default dtype); neither changes a float tensor.
# (A whole float such as 2.0 is left out: tensorgrad's scalars are doubles,
# and a whole double counts as an integral scalar, like Python's int.)
SCALARS = [
    ("i64 + 2", lambda: i64 + 2),
    ("i64 + 2.5", lambda: i64 + 2.5),
    ("i32 * 3", lambda: i32 * 3),
    ("i32 * 0.5", lambda: i32 * 0.5),
    ("i32 - 1", lambda: i32 - 1),
    ("i64 / 2", lambda: i64 / 2),
    ("i32 / 2.5", lambda: i32 / 2.5),
    ("i64 ** 2", lambda: i64 ** 2),
    ("i32 ** 0.5", lambda: i32 ** 0.5),
    ("i64 ** 0", lambda: i64 ** 0),
    ("1 - i32", lambda: 1 - i32),
    ("1.5 - i64", lambda: 1.5 - i64),
    ("bool + 1", lambda: bo + 1),
    ("bool * 2.5", lambda: bo * 2.5),
    ("bool / 2", lambda: bo / 2),
    ("bool ** 2", lambda: bo ** 2),
    ("f64 + 2", lambda: f64 + 2),
    ("f64 * 0.1", lambda: f64 * 0.1),
    ("f32 + 1e-3", lambda: f32 + 1e-3),
    ("f32 ** 2", lambda: f32 ** 2),
    ("0-dim i64 + 2.5", lambda: z_i64 + 2.5),
    ("0-dim bool * 3", lambda: z_bo * 3),
]
for name, f in SCALARS:
    show_dtype(name, f())

# Unary functions on integer and bool tensors.
UNARY = [
    ("neg i64", lambda: -i64),
    ("abs i32", lambda: i32.abs()),
    ("relu i64", lambda: i64.relu()),
    ("sign i64", lambda: i64.sign()),
    ("sign bool", lambda: bo.sign()),
    ("exp i64", lambda: i64.exp()),
    ("sqrt i32", lambda: i32.sqrt()),
    ("sigmoid bool", lambda: bo.sigmoid()),
    ("sin i64", lambda: torch.sin(i64)),
    ("tanh i32", lambda: torch.tanh(i32)),
    ("log bool", lambda: torch.log(bo)),
    ("expm1 i64", lambda: torch.expm1(i64)),
    ("full i32", lambda: torch.full((2, 2), 7, dtype=torch.int32)),
    ("numel of i32", lambda: torch.tensor(i32.numel())),
    ("sum i32", lambda: i32.sum()),
    ("sum_dim i64", lambda: i64.sum(dim=[0], keepdim=True)),
    ("max_dim i32", lambda: i32.max(0)[0]),
    ("clone i32", lambda: i32.clone()),
    ("matmul i64", lambda: torch.matmul(i64, i64)),
    ("matmul i64 1-D", lambda: torch.matmul(i64[0], i64[1])),
    ("mm f64", lambda: torch.matmul(f64.view(1, 2), f64.view(2, 1))),
]
for name, f in UNARY:
    show_dtype(name, f())


# Gradients across dtypes: each leaf's gradient has the leaf's dtype.
def mixed_float():
    x = leaf([1.5, -2.0])
    y = leaf([[0.5, 2.0], [1.0, -1.0]], torch.float64)
    return x * y + y.exp() / x, [x, y]


def int_and_float():
    x = leaf([1.5, -2.0])
    n = torch.tensor([3, 4])
    return (x * n + n) ** 2 / n, [x]


def zero_dim_f64():
    x = leaf([[1.5, -2.0], [0.25, 4.0]])
    s = leaf(2.0, torch.float64)
    return x * s - s, [x, s]


def scalar_forms():
    x = leaf([0.5, 2.0], torch.float64)
    return (x + 1) * 3 - (x ** 2) / 2 + (1 - x) * x, [x]


def bool_mask():
    x = leaf([1.0, -2.0, 3.0])
    m = torch.tensor([True, False, True])
    return x * m + m, [x]


for name, make in [("mixed float", mixed_float), ("int and float", int_and_float),
                   ("0-dim f64", zero_dim_f64), ("scalar forms f64", scalar_forms), ("bool mask", bool_mask)]:
    check(name, make)
