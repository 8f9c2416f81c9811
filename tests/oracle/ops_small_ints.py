# Oracle for ops_small_ints.c: int8, uint8 and int16 tensors (creation,
# printing, casts, promotion over every pair of dtypes, arithmetic,
# reductions and shape operations).
from oracle import attempt, check, leaf, show_dtype
import torch

nan = float("nan")

ALL = [torch.float32, torch.float64, torch.int32, torch.int64, torch.bool, torch.int8, torch.uint8, torch.int16]
NAMES = ["f32", "f64", "i32", "i64", "bool", "i8", "u8", "i16"]
# the promotion table covers every dtype
EVERY = ALL + [torch.float16, torch.bfloat16, torch.complex64, torch.complex128]
EVERY_NAMES = NAMES + ["f16", "bf16", "c64", "c128"]


def operand(d, zero_dim):
    t = torch.tensor(2.0, dtype=torch.float64) if zero_dim else torch.tensor([1.0, 0, 2, 3], dtype=torch.float64)
    return t.to(d)


def mask():
    return torch.tensor([True, False])


# creation and printing
show_dtype("from i8", torch.tensor([[-128, 0], [5, 127]], dtype=torch.int8))
show_dtype("from u8", torch.tensor([0, 17, 200, 255], dtype=torch.uint8))
show_dtype("from i16", torch.tensor([-32768, -3, 300, 32767], dtype=torch.int16))
show_dtype("zeros u8", torch.zeros(2, 3, dtype=torch.uint8))
show_dtype("full i8", torch.full((3,), -7, dtype=torch.int8))
show_dtype("arange u8", torch.arange(0, 10, 3, dtype=torch.uint8))
show_dtype("arange i16", torch.arange(-5, 5, 2, dtype=torch.int16))
show_dtype("linspace i8", torch.linspace(-100, 100, 70, dtype=torch.int8))
show_dtype("linspace u8", torch.linspace(0, 255, 40, dtype=torch.uint8))
show_dtype("linspace i16", torch.linspace(-1000, 3000, 37, dtype=torch.int16))
show_dtype("eye i16", torch.eye(3, dtype=torch.int16))
show_dtype("0-dim u8", torch.tensor(200.0).to(torch.uint8))
show_dtype("empty i8", torch.zeros(0, dtype=torch.int8))
attempt("linspace i8 overflow", lambda: torch.linspace(0, 200, 3, dtype=torch.int8))
attempt("full u8 fill overflow", lambda: torch.zeros(2, dtype=torch.uint8).masked_fill(mask(), 256))
attempt("masked_fill i16 overflow", lambda: torch.zeros(2, dtype=torch.int16).masked_fill(mask(), -40000))
show_dtype("masked_fill i8", torch.zeros(2, dtype=torch.int8).masked_fill(mask(), -128))
show_dtype("long i16", torch.arange(0, 2000, 1, dtype=torch.int16))
show_dtype("wide u8", torch.arange(0, 60, 1, dtype=torch.float32).reshape(3, 20).to(torch.uint8))

# conversions
f = torch.tensor([-1.0, 300.0, -129.5, 1e10, nan, 2.7, -2.7, 65535.0])
d = torch.tensor([5000000001.0, 2147483649.0, -2147483651.0, 255.9, -0.9], dtype=torch.float64)
l = torch.tensor([-1, 300, 70000, -129, 255, 256])
for k in range(5, len(ALL)):
    show_dtype(f"f32 to {NAMES[k]}", f.to(ALL[k]))
    show_dtype(f"f64 to {NAMES[k]}", d.to(ALL[k]))
    show_dtype(f"i64 to {NAMES[k]}", l.to(ALL[k]))
show_dtype("f64 to i32", d.to(torch.int32))
small = torch.tensor([-128, -1, 0, 1, 127], dtype=torch.int8)
for k in range(len(ALL)):
    show_dtype(f"i8 to {NAMES[k]}", small.to(ALL[k]))
show_dtype("u8 to i8", torch.tensor([0, 127, 128, 255], dtype=torch.uint8).to(torch.int8))
show_dtype("i16 to u8", torch.tensor([-1, 256, 511, -32768], dtype=torch.int16).to(torch.uint8))

# promotion
for i in range(len(EVERY)):
    row = [EVERY_NAMES[i] + ":"]
    for j in range(len(EVERY)):
        r = operand(EVERY[i], False) + operand(EVERY[j], False)
        z = operand(EVERY[i], False) + operand(EVERY[j], True)
        # tensorgrad has no complex32: float16 with a 0-dim complex tensor
        # gives complex64 there (docs/guide_tensors.md)
        row.append(f"{r.dtype}/{z.dtype}".replace("complex32", "complex64"))
    a = operand(EVERY[i], False) + 3
    b = operand(EVERY[i], False) + 0.5
    print(" ".join(row), "|", a.dtype, b.dtype)

# arithmetic
a8 = torch.tensor([100, -100, 7, -7, 127, -128], dtype=torch.int8)
b8 = torch.tensor([100, 100, 2, 2, 1, -1], dtype=torch.int8)
u = torch.tensor([250, 3, 128, 0, 1, 255], dtype=torch.uint8)
v = torch.tensor([10, 5, 2, 1, 2, 255], dtype=torch.uint8)
s = torch.tensor([30000, -30000, 9, -9, 181, 1], dtype=torch.int16)
show_dtype("i8 add", a8 + b8)
show_dtype("i8 sub", a8 - b8)
show_dtype("i8 mul", a8 * b8)
show_dtype("i8 div", a8 / b8)
show_dtype("i8 neg", -a8)
show_dtype("i8 abs", a8.abs())
show_dtype("i8 pow 2", a8 ** 2)
show_dtype("i8 fmod", torch.fmod(a8, b8))
show_dtype("i8 remainder", torch.remainder(a8, b8))
show_dtype("i8 maximum", torch.maximum(a8, b8))
show_dtype("i8 clamp", a8.clamp(-50, 50))
show_dtype("i8 sign", a8.sign())
show_dtype("i8 relu", a8.relu())
show_dtype("u8 add", u + v)
show_dtype("u8 sub", u - v)
show_dtype("u8 mul", u * v)
show_dtype("u8 neg", -u)
show_dtype("u8 add scalar", u + 10)
show_dtype("u8 mul scalar 0.5", u * 0.5)
show_dtype("u8 div scalar", u / 255)
show_dtype("u8 minus i8", u - a8)
show_dtype("u8 gt", u > v)
show_dtype("u8 eq scalar", u == 255)
show_dtype("u8 lt scalar -1", u < -1)
show_dtype("i16 mul", s * s)
show_dtype("i16 add", s + s)
show_dtype("i16 plus u8", s + u)
show_dtype("i16 floor", s.floor())
show_dtype("i16 exp", (s / 10000).exp())
show_dtype("u8 sqrt", u.sqrt())
show_dtype("i8 sigmoid", b8.sigmoid())
show_dtype("u8 where", torch.where(u > 100, u, v))
show_dtype("i8 addcmul", torch.addcmul(a8, a8, b8, value=2))

# reductions and shapes
u = u.reshape(2, 3)
a8 = a8.reshape(2, 3)
s = s.reshape(3, 2)
show_dtype("u8 sum", u.sum())
show_dtype("i8 sum dim", a8.sum(1))
show_dtype("i16 sum", s.sum())
show_dtype("i8 prod", a8.prod())
show_dtype("u8 max", u.max())
show_dtype("i8 min", a8.min())
vals, idx = s.max(0)
show_dtype("i16 max dim", vals)
show_dtype("  indices", idx)
show_dtype("u8 argmax", u.argmax(1))
show_dtype("i8 amin", a8.amin(0, keepdim=True))
show_dtype("u8 cumsum", u.cumsum(1))
show_dtype("i8 cumprod", a8.cumprod(1))
attempt("u8 mean", lambda: u.mean())
show_dtype("i8 sort", a8.sort(1)[0])
show_dtype("u8 argsort", u.argsort(1, descending=True))
show_dtype("i8 topk", a8.topk(2, 1)[0])
show_dtype("u8 all", u.all())
show_dtype("i16 any", s.any())
show_dtype("u8 all dim", u.all(1))
show_dtype("u8 any dim", u.any(0))
show_dtype("u8 all empty", torch.zeros(0, dtype=torch.uint8).all())
show_dtype("u8 count_nonzero", torch.count_nonzero(u))
show_dtype("u8 transpose", u.transpose(0, 1))
show_dtype("i8 reshape", a8.reshape(3, 2))
show_dtype("cat u8 i8", torch.cat([u, a8], 0))
show_dtype("stack u8 u8", torch.stack([u, u], 0))
show_dtype("u8 flip", u.flip(1))
show_dtype("i16 index_select", s.index_select(0, torch.tensor([2, 0])))
show_dtype("u8 gather", u.gather(1, torch.tensor([[2, 0], [1, 1]])))
show_dtype("i8 masked_select", a8.masked_select(a8 > 0))
show_dtype("u8 matmul", u @ u.transpose(0, 1))
show_dtype("i8 matmul", a8 @ a8.reshape(3, 2))
show_dtype("i16 mm", s.mm(s.transpose(0, 1)))
show_dtype("u8 scatter_add", torch.zeros(2, 3, dtype=torch.uint8).scatter_add(1, torch.tensor([[0, 0, 1], [2, 2, 2]]), u))
show_dtype("u8 embedding-like index", torch.arange(0, 12, 1, dtype=torch.float32).index_select(
    0, torch.tensor([3, 1], dtype=torch.uint8).to(torch.int64)))


def times_u8():
    x = leaf([[0.5, -1.5, 2.0], [4.0, 1.0, -3.0]])
    return x * u, [x]


def plus_i8():
    x = leaf([[0.5, -1.5, 2.0], [4.0, 1.0, -3.0]])
    return x + torch.tensor(-3).to(torch.int8), [x]


check("f32 times u8", times_u8)
check("f32 plus i8 0-dim", plus_i8)
attempt("requires_grad on u8", lambda: torch.zeros(2, dtype=torch.uint8).requires_grad_(True))
attempt("in-place f32 result into i8", lambda: torch.zeros(2, dtype=torch.int8).add_(torch.ones(2)))
w = torch.zeros(3, dtype=torch.int16)
w.add_(7)
show_dtype("i16 add_ scalar", w)
w.mul_(torch.tensor([2, 3, 200], dtype=torch.uint8))
show_dtype("i16 mul_ u8", w)
