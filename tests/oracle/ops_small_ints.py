# Oracle for ops_small_ints.c: int8, uint8 and int16 tensors (creation,
# printing, casts, promotion over every pair of dtypes, arithmetic,
# reductions and shape operations).
from oracle import attempt, check, leaf
import torch

nan = float("nan")


def dt(label, t):
    print(label + ":", t, t.dtype)


def attempt_dt(label, f):
    try:
        t = f()
    except Exception as e:
        print(f"{label}: error: {e}")
        return
    dt(label, t)


ALL = [torch.float32, torch.float64, torch.int32, torch.int64, torch.bool, torch.int8, torch.uint8, torch.int16]
NAMES = ["f32", "f64", "i32", "i64", "bool", "i8", "u8", "i16"]


def operand(d, zero_dim):
    t = torch.tensor(2.0, dtype=torch.float64) if zero_dim else torch.tensor([1.0, 0, 2, 3], dtype=torch.float64)
    return t.to(d)


def mask():
    return torch.tensor([True, False])


# creation and printing
dt("from i8", torch.tensor([[-128, 0], [5, 127]], dtype=torch.int8))
dt("from u8", torch.tensor([0, 17, 200, 255], dtype=torch.uint8))
dt("from i16", torch.tensor([-32768, -3, 300, 32767], dtype=torch.int16))
dt("zeros u8", torch.zeros(2, 3, dtype=torch.uint8))
dt("full i8", torch.full((3,), -7, dtype=torch.int8))
dt("arange u8", torch.arange(0, 10, 3, dtype=torch.uint8))
dt("arange i16", torch.arange(-5, 5, 2, dtype=torch.int16))
dt("linspace i8", torch.linspace(-100, 100, 70, dtype=torch.int8))
dt("linspace u8", torch.linspace(0, 255, 40, dtype=torch.uint8))
dt("linspace i16", torch.linspace(-1000, 3000, 37, dtype=torch.int16))
dt("eye i16", torch.eye(3, dtype=torch.int16))
dt("0-dim u8", torch.tensor(200.0).to(torch.uint8))
dt("empty i8", torch.zeros(0, dtype=torch.int8))
attempt("linspace i8 overflow", lambda: torch.linspace(0, 200, 3, dtype=torch.int8))
attempt("full u8 fill overflow", lambda: torch.zeros(2, dtype=torch.uint8).masked_fill(mask(), 256))
attempt("masked_fill i16 overflow", lambda: torch.zeros(2, dtype=torch.int16).masked_fill(mask(), -40000))
dt("masked_fill i8", torch.zeros(2, dtype=torch.int8).masked_fill(mask(), -128))
dt("long i16", torch.arange(0, 2000, 1, dtype=torch.int16))
dt("wide u8", torch.arange(0, 60, 1, dtype=torch.float32).reshape(3, 20).to(torch.uint8))

# conversions
f = torch.tensor([-1.0, 300.0, -129.5, 1e10, nan, 2.7, -2.7, 65535.0])
d = torch.tensor([5000000001.0, 2147483649.0, -2147483651.0, 255.9, -0.9], dtype=torch.float64)
l = torch.tensor([-1, 300, 70000, -129, 255, 256])
for k in range(5, len(ALL)):
    dt(f"f32 to {NAMES[k]}", f.to(ALL[k]))
    dt(f"f64 to {NAMES[k]}", d.to(ALL[k]))
    dt(f"i64 to {NAMES[k]}", l.to(ALL[k]))
dt("f64 to i32", d.to(torch.int32))
small = torch.tensor([-128, -1, 0, 1, 127], dtype=torch.int8)
for k in range(len(ALL)):
    dt(f"i8 to {NAMES[k]}", small.to(ALL[k]))
dt("u8 to i8", torch.tensor([0, 127, 128, 255], dtype=torch.uint8).to(torch.int8))
dt("i16 to u8", torch.tensor([-1, 256, 511, -32768], dtype=torch.int16).to(torch.uint8))

# promotion
for i in range(len(ALL)):
    row = [NAMES[i] + ":"]
    for j in range(len(ALL)):
        r = operand(ALL[i], False) + operand(ALL[j], False)
        z = operand(ALL[i], False) + operand(ALL[j], True)
        row.append(f"{r.dtype}/{z.dtype}")
    a = operand(ALL[i], False) + 3
    b = operand(ALL[i], False) + 0.5
    print(" ".join(row), "|", a.dtype, b.dtype)

# arithmetic
a8 = torch.tensor([100, -100, 7, -7, 127, -128], dtype=torch.int8)
b8 = torch.tensor([100, 100, 2, 2, 1, -1], dtype=torch.int8)
u = torch.tensor([250, 3, 128, 0, 1, 255], dtype=torch.uint8)
v = torch.tensor([10, 5, 2, 1, 2, 255], dtype=torch.uint8)
s = torch.tensor([30000, -30000, 9, -9, 181, 1], dtype=torch.int16)
dt("i8 add", a8 + b8)
dt("i8 sub", a8 - b8)
dt("i8 mul", a8 * b8)
dt("i8 div", a8 / b8)
dt("i8 neg", -a8)
dt("i8 abs", a8.abs())
dt("i8 pow 2", a8 ** 2)
dt("i8 fmod", torch.fmod(a8, b8))
dt("i8 remainder", torch.remainder(a8, b8))
dt("i8 maximum", torch.maximum(a8, b8))
dt("i8 clamp", a8.clamp(-50, 50))
dt("i8 sign", a8.sign())
dt("i8 relu", a8.relu())
dt("u8 add", u + v)
dt("u8 sub", u - v)
dt("u8 mul", u * v)
dt("u8 neg", -u)
dt("u8 add scalar", u + 10)
dt("u8 mul scalar 0.5", u * 0.5)
dt("u8 div scalar", u / 255)
dt("u8 minus i8", u - a8)
dt("u8 gt", u > v)
dt("u8 eq scalar", u == 255)
dt("u8 lt scalar -1", u < -1)
dt("i16 mul", s * s)
dt("i16 add", s + s)
dt("i16 plus u8", s + u)
dt("i16 floor", s.floor())
dt("i16 exp", (s / 10000).exp())
dt("u8 sqrt", u.sqrt())
dt("i8 sigmoid", b8.sigmoid())
dt("u8 where", torch.where(u > 100, u, v))
dt("i8 addcmul", torch.addcmul(a8, a8, b8, value=2))

# reductions and shapes
u = u.reshape(2, 3)
a8 = a8.reshape(2, 3)
s = s.reshape(3, 2)
dt("u8 sum", u.sum())
dt("i8 sum dim", a8.sum(1))
dt("i16 sum", s.sum())
dt("i8 prod", a8.prod())
dt("u8 max", u.max())
dt("i8 min", a8.min())
vals, idx = s.max(0)
dt("i16 max dim", vals)
dt("  indices", idx)
dt("u8 argmax", u.argmax(1))
dt("i8 amin", a8.amin(0, keepdim=True))
dt("u8 cumsum", u.cumsum(1))
dt("i8 cumprod", a8.cumprod(1))
attempt("u8 mean", lambda: u.mean())
dt("i8 sort", a8.sort(1)[0])
dt("u8 argsort", u.argsort(1, descending=True))
dt("i8 topk", a8.topk(2, 1)[0])
dt("u8 all", u.all())
dt("i16 any", s.any())
dt("u8 all dim", u.all(1))
dt("u8 any dim", u.any(0))
dt("u8 all empty", torch.zeros(0, dtype=torch.uint8).all())
dt("u8 count_nonzero", torch.count_nonzero(u))
dt("u8 transpose", u.transpose(0, 1))
dt("i8 reshape", a8.reshape(3, 2))
dt("cat u8 i8", torch.cat([u, a8], 0))
dt("stack u8 u8", torch.stack([u, u], 0))
dt("u8 flip", u.flip(1))
dt("i16 index_select", s.index_select(0, torch.tensor([2, 0])))
dt("u8 gather", u.gather(1, torch.tensor([[2, 0], [1, 1]])))
dt("i8 masked_select", a8.masked_select(a8 > 0))
dt("u8 matmul", u @ u.transpose(0, 1))
dt("i8 matmul", a8 @ a8.reshape(3, 2))
dt("i16 mm", s.mm(s.transpose(0, 1)))
dt("u8 scatter_add", torch.zeros(2, 3, dtype=torch.uint8).scatter_add(1, torch.tensor([[0, 0, 1], [2, 2, 2]]), u))
dt("u8 embedding-like index", torch.arange(0, 12, 1, dtype=torch.float32).index_select(
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
dt("i16 add_ scalar", w)
w.mul_(torch.tensor([2, 3, 200], dtype=torch.uint8))
dt("i16 mul_ u8", w)
