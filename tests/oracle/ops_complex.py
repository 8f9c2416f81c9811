# Oracle for ops_complex.c: complex64 and complex128 tensors (creation,
# printing, casts, parts as views, conj/angle/abs, elementwise operations
# and reductions, refused kernels, promotion, gradients).
import io
import os
import shutil

from oracle import attempt, check, show, show_dtype, show_strides
import numpy as np
import torch



def z4(d):
    re = torch.tensor([1, 0, -0.5, 3], dtype=torch.float64)
    im = torch.tensor([2, -1, 0.25, 0], dtype=torch.float64)
    return torch.complex(re, im).to(d)


def cleaf(d):
    return z4(d).requires_grad_()


c64, c128 = torch.complex64, torch.complex128
f32 = torch.float32

# creation
show("complex", torch.complex(torch.tensor([1, 0, -0.5]), torch.tensor([2, -1, 0.25])))
show("complex broadcast", torch.complex(torch.tensor([[1.0], [2]]), torch.tensor([3.0, 4, 5])))
show_dtype("complex f64", torch.complex(torch.tensor([1.5, -2], dtype=torch.float64), torch.tensor([0, 1e-3], dtype=torch.float64)))
attempt("complex mixed", lambda: torch.complex(torch.zeros(2), torch.zeros(2, dtype=torch.float64)))
attempt("complex int", lambda: torch.complex(torch.zeros(2, dtype=torch.int64), torch.zeros(2, dtype=torch.int64)))
show("polar", torch.polar(torch.tensor([1, 2, 0.5]), torch.tensor([0, 1.5, -3])))
show_dtype("polar f64", torch.polar(torch.tensor([1.0, 2], dtype=torch.float64), torch.tensor([0.25, -1], dtype=torch.float64)))
show("from_c64", torch.tensor([1 + 2j, 3 - 4j, 0.5 + 0j], dtype=c64))
show_dtype("from_c128", torch.tensor([[1 + 2j, 3 - 4j], [0.5 + 0j, -1 + 1j]], dtype=c128))
show_dtype("zeros c64", torch.zeros(2, 2, dtype=c64))
show_dtype("ones c128", torch.ones(3, dtype=c128))
show_dtype("full c64", torch.full((2,), -2.5, dtype=c64))
show_dtype("eye c64", torch.eye(2, dtype=c64))
show_dtype("empty c64", torch.zeros(0, dtype=c64))
show_dtype("empty 2d c128", torch.zeros(2, 0, dtype=c128))
pairs = torch.view_as_real(z4(c64).to(c128)).flatten().tolist()
print("copy_to_c128:", " ".join("%g" % v for v in pairs))

# casts
f = torch.tensor([1.5, -2, 0])
show_dtype("f32 to c64", f.to(c64))
show_dtype("f32 to c128", f.to(c128))
show_dtype("i64 to c64", torch.arange(-2, 2).to(c64))
show_dtype("bool to c128", torch.tensor([True, False]).to(c128))
show_dtype("c64 to c128", z4(c64).to(c128))
show_dtype("c128 to c64", (z4(c128) * (1.0 / 3)).to(c64))
show_dtype("c64 to f32", z4(c64).to(f32))
show_dtype("c128 to i64", z4(c128).to(torch.int64))
show_dtype("c64 to bool", z4(c64).to(torch.bool))

# parts
z = z4(c64)
show("real", z.real)
show("imag", z.imag)
show("real of real", torch.tensor([1.0, 2]).real)
attempt("imag of real", lambda: torch.tensor([1.0, 2]).imag)
r = torch.view_as_real(z)
show("view_as_real", r)
show_strides("view_as_real", r)
show("view_as_complex", torch.view_as_complex(torch.arange(0, 8.0).reshape(2, 2, 2)))
show_dtype("view_as_complex f64", torch.view_as_complex(torch.tensor([[1.0, 2], [3, 4]], dtype=torch.float64)))
attempt("view_as_real of real", lambda: torch.view_as_real(torch.zeros(2)))
attempt("view_as_complex int", lambda: torch.view_as_complex(torch.zeros(2, 2, dtype=torch.int64)))
attempt("view_as_complex size 3", lambda: torch.view_as_complex(torch.zeros(2, 3)))
attempt("view_as_complex stride", lambda: torch.view_as_complex(torch.zeros(2, 2).t()))
attempt("view_as_complex 0-dim", lambda: torch.view_as_complex(torch.tensor(1.0)))
attempt("view_as_complex odd stride", lambda: torch.view_as_complex(torch.zeros(3, 2)[0:3:1]))
attempt("view_as_complex odd offset", lambda: torch.view_as_complex(torch.zeros(5)[1:5].reshape(2, 2)))
w = z4(c64)
w.real.mul_(10)
w.imag.add_(1)
show("written through real and imag", w)
show("conj", z.conj())
show("conj of real", torch.tensor([1.0, -2]).conj())
show("abs", z.abs())
show_dtype("abs c128", z4(c128).abs())
show("angle", z.angle())
show("angle of real", torch.tensor([-1.0, 2, 0]).angle())

# elementwise
z, w = z4(c64), z4(c64) * 0.5 + 1
show("add", z + w)
show("sub", z - w)
show("mul", z * w)
show("div", z / w)
show("div by zero", z / torch.zeros(4, dtype=c64))
show("neg", -z)
show("add scalar", z + 2.5)
show("mul scalar", z * -2)
show("rsub scalar", 1 - z)
show("div scalar", z / 4)
show("exp", z.exp())
show("log", z.log())
show("sqrt", z.sqrt())
show("sin", z.sin())
show("cos", z.cos())
show("tan", z.tan())
show("tanh", z.tanh())
show("sinh", z.sinh())
show("cosh", z.cosh())
show("sigmoid", z.sigmoid())
show("reciprocal", z.reciprocal())
show("rsqrt", w.rsqrt())
show("pow", torch.pow(w, z))
show("pow scalar", w ** 2)
show("eq", z == z.conj())
show("ne", z != z.conj())
show("where", torch.where(torch.tensor([True, False, True, False]), z, w))
show_dtype("exp c128", z4(c128).exp())
show_dtype("log c128", z4(c128).log())
show_dtype("div c128", z4(c128) / (z4(c128) + 1))
show("sum", z.sum())
show("mean", z.mean())
m = z.reshape(2, 2)
show("sum dim", m.sum(0))
show("cumsum", m.cumsum(1))
show("cat", torch.cat([z, w], 0))
show("stack", torch.stack([z, w], 1))
show("transpose", m.transpose(0, 1))
show("index_select", z.index_select(0, torch.tensor([3, 0])))
show("contiguous", m.transpose(0, 1).contiguous())

# refused
z = z4(c64)
attempt("lt", lambda: z < z)
attempt("maximum", lambda: torch.maximum(z, z))
attempt("floor", lambda: z.floor())
attempt("ceil", lambda: z.ceil())
attempt("trunc", lambda: z.trunc())
attempt("relu", lambda: z.relu())
attempt("sign", lambda: z.sign())
attempt("erf", lambda: z.erf())
attempt("expm1", lambda: z.expm1())
attempt("log1p", lambda: z.log1p())
attempt("round", lambda: z.round())
attempt("atan2", lambda: torch.atan2(z, z))
attempt("frac", lambda: z.frac())
attempt("hypot", lambda: torch.hypot(z, z))
attempt("fmod", lambda: torch.fmod(z, z))
attempt("remainder", lambda: torch.remainder(z, z))
attempt("clamp", lambda: z.clamp(0, 1))
attempt("argmax", lambda: z.argmax(0))
attempt("argmin all", lambda: z.argmin())
attempt("logsumexp", lambda: z.logsumexp(0))
attempt("requires_grad int", lambda: torch.zeros(2, dtype=torch.int64).requires_grad_())

# promotion
ALL = [torch.float32, torch.float64, torch.int32, torch.int64, torch.bool, torch.int8, torch.uint8, torch.int16, c64, c128]
NAMES = ["f32", "f64", "i32", "i64", "bool", "i8", "u8", "i16", "c64", "c128"]
for c in range(2):
    for i, d in enumerate(ALL):
        a, b, b0 = torch.ones(2, dtype=ALL[8 + c]), torch.ones(2, dtype=d), torch.ones((), dtype=d)
        a0, bn = torch.ones((), dtype=ALL[8 + c]), torch.ones(2, dtype=d)
        print(f"{NAMES[8 + c]} + {NAMES[i]}: {(a + b).dtype}; + 0-dim: {(a + b0).dtype}; 0-dim + it: {(a0 + bn).dtype}")
show_dtype("c64 + 2.5", z4(c64) + 2.5)
show_dtype("c128 * 3", z4(c128) * 3)
show_dtype("f32 + 0-dim c128", torch.ones(2) + torch.tensor(1.0).to(c128))
show_dtype("f64 + 0-dim c64", torch.ones(2, dtype=torch.float64) + torch.tensor(1.0).to(c64))
show_dtype("i64 * c64", torch.arange(1, 5) * z4(c64))
show_dtype("f64 * c64", torch.tensor([1.0, 2, 3, 4], dtype=torch.float64) * z4(c64))

# gradients
z = cleaf(c128)
w = (z4(c128) * 0.5 + 1).requires_grad_()


def both(f):
    def make():
        z.grad = None
        w.grad = None
        return f(), [z, w]
    return make


def one(f, x):
    def make():
        z.grad = None
        w.grad = None
        return f(), [x]
    return make


check("mul", both(lambda: z * w))
check("div", both(lambda: z / w))
check("add sub", both(lambda: (z + w) - w * w))
check("exp", one(lambda: w.exp(), w))
check("log", one(lambda: w.log(), w))
check("sqrt", one(lambda: w.sqrt(), w))
check("sin", one(lambda: w.sin(), w))
check("cos", one(lambda: w.cos(), w))
check("abs", one(lambda: z.abs(), z))
check("abs of product", both(lambda: (z * w).abs()))
check("angle", one(lambda: w.angle(), w))
check("real", both(lambda: (z * w).real))
check("imag", both(lambda: (z * w).imag))
check("conj", both(lambda: (z * w).conj()))
check("view_as_real", both(lambda: torch.view_as_real(z * w)))
check("sum", one(lambda: (z * z).sum(), z))
check("mean", both(lambda: (z * w).mean()))
check("cumsum", both(lambda: (z * w).cumsum(0)))
z.grad = None
w.grad = None
loss = (z * z).abs().sum()
show("backward of a real loss", loss)
loss.backward()
show("real loss grad", z.grad)
z.grad = None
w.grad = None
s = (z * w).sum()
show("complex one-element output", s)
try:
    s.backward()
    show("implicit seed grad z", z.grad)
    show("implicit seed grad w", w.grad)
except Exception as e:
    print("implicit seed: error:", e)

a = torch.tensor([1, -2, 0.5], dtype=torch.float64, requires_grad=True)
b = torch.tensor([0.5, 3, -1], dtype=torch.float64, requires_grad=True)


def two(f, xs):
    def make():
        for x in xs:
            x.grad = None
        return f(), xs
    return make


check("complex of leaves", two(lambda: torch.complex(a, b), [a, b]))
check("abs of complex", two(lambda: torch.complex(a, b).abs(), [a, b]))
check("polar", two(lambda: torch.polar(a, b), [a, b]))
c = z4(c128).requires_grad_()
check("real times complex", two(lambda: torch.cat([a, a], 0)[0:4] * c, [a, c]))
check("c64 mul", two(lambda: c.to(c64) * c.to(c64), [c]))
check("to real", two(lambda: (c * c).to(torch.float64), [c]))

m = z4(c128).reshape(2, 2).requires_grad_()
k = (z4(c128) * 0.5 + 1).reshape(2, 2).requires_grad_()
check("mm", two(lambda: torch.mm(m, k), [m, k]))
check("mm transposed", two(lambda: torch.mm(m.transpose(0, 1), k), [m, k]))
check("matmul batched", two(lambda: torch.matmul(torch.stack([m, k], 0), k), [m, k]))
check("mv", two(lambda: torch.mv(m, k.select(0, 1)), [m, k]))
show("mm c64", torch.mm(z4(c64).reshape(2, 2), z4(c64).conj().reshape(2, 2)))
attempt("mm c64 with c128", lambda: torch.mm(z4(c64).reshape(2, 2), z4(c128).reshape(2, 2)))

# .npy files written by ops_complex.c: NumPy reads them, and numpy.save
# writes the same bytes
out = "/tmp/tg_ops_complex.%d" % os.getppid()
saved = [z4(c64), z4(c128).reshape(2, 2).transpose(0, 1), torch.tensor(-1.5).to(c64)]
for i, t in enumerate(saved):
    path = os.path.join(out, "%d.npy" % i)
    expected = io.BytesIO()
    np.save(expected, t.contiguous().numpy())   # tg_save_npy writes C order
    with open(path, "rb") as f:
        same = f.read() == expected.getvalue()
    print("save %d: %d" % (i, 0 if same else -1))
    show_dtype("loaded", torch.from_numpy(np.load(path)))
shutil.rmtree(out, ignore_errors=True)
