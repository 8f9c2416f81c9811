# Oracle for ops_shape.c: view, reshape, transpose, permute, expand,
# contiguous, clone, unsqueeze, squeeze, select and slice: values, strides,
# contiguity, graphs and gradients, on contiguous and non-contiguous inputs.
from oracle import check, leaf, show, sl
import torch


def geometry(label, t):
    print(label, "stride:", t.stride(), "contiguous:", t.is_contiguous())


def case(label, make):
    out, leaves = make()
    geometry(label, out)
    check(label, lambda: (out, leaves))


def mat():
    """(2, 6) leaf with values 0, 0.25, ..., 2.75."""
    return (torch.arange(12.0) / 4).reshape(2, 6).requires_grad_()


def cube():
    """(2, 3, 4) leaf with values 0, 0.5, ..., 11.5."""
    return (torch.arange(24.0) / 2).reshape(2, 3, 4).requires_grad_()


def on(base, f):
    def make():
        x = base()
        return f(x), [x]
    return make


# view
case("view 3x4", on(mat, lambda x: x.view(3, 4)))
case("view -1x2", on(mat, lambda x: x.view(-1, 2)))
case("view 12", on(mat, lambda x: x.view(12)))
case("view 2x3x2", on(mat, lambda x: x.view(2, 3, -1)))
case("view of transposed, viewable", on(mat, lambda x: x.transpose(0, 1).view(6, 1, 2)))
case("view of select", on(cube, lambda x: x.select(0, 1).view(12)))
case("view of expanded", on(mat, lambda x: x.unsqueeze(0).expand(3, 2, 6).view(3, 12)))
case("view 0-dim to 1x1", on(lambda: leaf(2.0), lambda x: x.view(1, 1)))
case("view 1x1 to 0-dim", on(lambda: leaf([[2.0]]), lambda x: x.view(())))

# reshape: a view when possible, else a copy
case("reshape contiguous", on(mat, lambda x: x.reshape(4, 3)))
case("reshape -1", on(cube, lambda x: x.reshape(-1)))
case("reshape same shape", on(mat, lambda x: x.reshape(2, 6)))
case("reshape transposed", on(mat, lambda x: x.transpose(0, 1).reshape(12)))
case("reshape transposed viewable", on(mat, lambda x: x.transpose(0, 1).reshape(6, 2, 1)))
case("reshape transposed viewable 2", on(mat, lambda x: x.transpose(0, 1).reshape(6, 1, 2)))
case("reshape permuted", on(cube, lambda x: x.permute(2, 0, 1).reshape(4, 6)))
case("reshape expanded", on(mat, lambda x: sl(x, 1, 0, 1, 1).expand(2, 3).reshape(6)))
case("reshape sliced", on(mat, lambda x: sl(x, 1, 0, 6, 2).reshape(3, 2)))

# transpose and permute
case("transpose 0 1", on(mat, lambda x: x.transpose(0, 1)))
case("transpose -1 -3", on(cube, lambda x: x.transpose(-1, -3)))
case("transpose 1 1", on(cube, lambda x: x.transpose(1, 1)))
case("transpose 0-dim", on(lambda: leaf(3.0), lambda x: x.transpose(0, -1)))
case("transpose of transpose", on(cube, lambda x: x.transpose(0, 2).transpose(1, 2)))
case("permute 2 0 1", on(cube, lambda x: x.permute(2, 0, 1)))
case("permute -1 0 -2", on(cube, lambda x: x.permute(-1, 0, -2)))
case("permute identity", on(cube, lambda x: x.permute(0, 1, 2)))
case("permute 0-dim", on(lambda: leaf(3.0), lambda x: x.permute(())))
case("permute sliced", on(cube, lambda x: sl(x, 2, 1, 4, 2).permute(1, 2, 0)))

# expand
case("expand rows", on(lambda: leaf([[1.0, 2.0, 3.0]]), lambda x: x.expand(2, 3)))
case("expand cols", on(lambda: leaf([[1.0], [2.0], [3.0]]), lambda x: x.expand(3, 4)))
case("expand leading", on(lambda: leaf([1.0, 2.0, 3.0]), lambda x: x.expand(2, 2, 3)))
case("expand -1", on(lambda: leaf([[1.0, 2.0, 3.0]]), lambda x: x.expand(4, -1)))
case("expand 0-dim", on(lambda: leaf(1.5), lambda x: x.expand(2, 2)))
case("expand same", on(mat, lambda x: x.expand(2, 6)))
case("expand of expand", on(lambda: leaf([[1.0], [2.0]]), lambda x: x.expand(2, 3).expand(4, 2, 3)))
case("expand transposed", on(lambda: leaf([[1.0, 2.0]]), lambda x: x.transpose(0, 1).expand(2, 3)))

# contiguous and clone
case("contiguous of contiguous", on(mat, lambda x: (x * 1).contiguous()))
case("contiguous transposed", on(mat, lambda x: x.transpose(0, 1).contiguous()))
case("contiguous expanded", on(lambda: leaf([[1.0, 2.0]]), lambda x: x.expand(3, 2).contiguous()))
case("clone", on(mat, lambda x: x.clone()))
case("clone transposed", on(mat, lambda x: x.transpose(0, 1).clone()))

# unsqueeze and squeeze
for d in [0, 1, 2, -1, -3]:
    case(f"unsqueeze {d}", on(mat, lambda x, d=d: x.unsqueeze(d)))
case("unsqueeze transposed", on(mat, lambda x: x.transpose(0, 1).unsqueeze(1)))
case("unsqueeze 0-dim", on(lambda: leaf(2.0), lambda x: x.unsqueeze(-1)))
case("unsqueeze sliced", on(mat, lambda x: sl(x, 1, 1, 6, 2).unsqueeze(2)))
for d in [0, 1, -1, -2, 2]:
    case(f"squeeze {d}", on(lambda: leaf([[[1.0], [2.0], [3.0]]]), lambda x, d=d: x.squeeze(d)))
case("squeeze 0-dim", on(lambda: leaf(2.0), lambda x: x.squeeze(0)))
case("squeeze expanded", on(lambda: leaf([[1.0, 2.0]]), lambda x: x.expand(1, 2).squeeze(0)))

# select and slice
for d, i in [(0, 1), (1, 0), (-1, -1), (2, 3), (-2, -3)]:
    case(f"select {d} {i}", on(cube, lambda x, d=d, i=i: x.select(d, i)))
case("select transposed", on(mat, lambda x: x.transpose(0, 1).select(0, 4)))
case("select of select", on(cube, lambda x: x.select(2, 1).select(0, 1)))
case("select expanded", on(lambda: leaf([[1.0, 2.0]]), lambda x: x.expand(3, 2).select(0, 2)))
for d, s, e, st in [(1, 1, 5, 1), (1, 0, 6, 2), (1, 1, 100, 3), (1, -4, -1, 1), (0, -100, 1, 1),
                    (1, 5, 2, 1), (-1, 2, 6, 4), (0, 1, 2, 1), (1, 6, 8, 1)]:
    case(f"slice {d} {s} {e} {st}", on(mat, lambda x, d=d, s=s, e=e, st=st: sl(x, d, s, e, st)))
case("slice permuted", on(cube, lambda x: sl(x.permute(1, 2, 0), 1, 1, 4, 2)))
case("slice of slice", on(mat, lambda x: sl(sl(x, 1, 1, 6, 1), 1, 0, 5, 2)))
case("slice expanded", on(lambda: leaf([[1.0], [2.0]]), lambda x: sl(x.expand(2, 5), 1, 1, 5, 3)))


# Results of elementwise operations and copies keep their inputs' layout
# (TensorIterator, empty_like's preserve_format), which decides what can be
# viewed later.
def layout(label, t):
    geometry("layout " + label, t)


c = (torch.arange(24.0) / 2).reshape(2, 3, 4)
p = c.permute(2, 0, 1)
s = sl(c, 2, 0, 4, 2)
st = s.transpose(0, 2)
e = torch.tensor([[1.0], [2.0], [3.0]]).expand(3, 4)
t43 = torch.ones(4, 3).transpose(0, 1)
layout("clone permuted", p.clone())
layout("clone sliced", s.clone())
layout("clone sliced transposed", st.clone())
layout("clone expanded", e.clone())
layout("to f64 sliced transposed", st.to(torch.float64))
layout("to int64 permuted", p.to(torch.int64))
layout("exp sliced transposed", st.exp())
layout("neg permuted", -p)
layout("relu sliced transposed", st.relu())
layout("permuted + 1", p + 1)
layout("permuted * 0-dim", p * torch.tensor(2.0))
layout("permuted + contiguous", p + p.contiguous())
layout("contiguous + permuted", p.contiguous() + p)
layout("permuted + permuted f64", p + p.to(torch.float64))
layout("int64 permuted + 1.5", p.to(torch.int64) + 1.5)
layout("expanded + 1", e + 1)
layout("expanded * transposed", e * t43)
layout("transposed * expanded", t43 * e)
layout("transposed + row", t43 + torch.ones(4))
layout("row + transposed", torch.ones(4) + t43)
layout("where transposed condition", torch.where(torch.ones(4, 3, dtype=torch.bool).transpose(0, 1), torch.ones(3, 4), torch.tensor(0.0)))
layout("size-1 transposed + 1", torch.ones(1, 3).transpose(0, 1) + 1)
layout("size-1 mul", torch.ones(3, 1).transpose(0, 1) * torch.ones(1, 3))
layout("size-1 permuted + 1", torch.ones(4, 1, 3).permute(1, 2, 0) + 1)
layout("maximum permuted", torch.maximum(p, p.contiguous()))
layout("sum_dim permuted", p.sum(dim=[1], keepdim=True))
layout("mean_dim permuted", p.mean(dim=[0]))
layout("contiguous permuted", p.contiguous())
layout("reshape permuted", p.reshape(4, 6))
layout("reshape permuted copy", p.reshape(24))
err_view = None
try:
    (c.transpose(0, 2) * 2).view(24)
except RuntimeError as ex:
    err_view = str(ex)
print("view of transposed result:", err_view)
show("value exp sliced transposed", st.exp())
# A leaf's .grad takes the leaf's layout when it is dense, else it is contiguous.
lt = torch.arange(6.0).reshape(2, 3).transpose(0, 1).requires_grad_()
(lt * 2).sum().backward()
geometry("grad of transposed leaf", lt.grad)
ls = sl(torch.arange(12.0).reshape(2, 6), 1, 0, 6, 2).requires_grad_()
(ls * 2).sum().backward()
geometry("grad of sliced leaf", ls.grad)


# Longer chains of views.
def chain():
    x = cube()
    y = x.transpose(0, 2).reshape(4, 6)
    z = sl(y, 1, 1, 6, 2).unsqueeze(0).expand(2, 4, 3)
    return z.select(2, 1) * z.select(2, 0), [x]


case("chain", chain)


# Views of tensors that do not require grad; detach shares storage.
x = torch.arange(6.0).reshape(2, 3)
show("plain view", x.view(3, 2))
y = mat()
d = y.detach()
geometry("detach", d)
print("detach requires_grad:", d.requires_grad, "is_leaf:", d.is_leaf)
d.add_(1)
show("after detach add_", y)
print("versions:", y._version, d._version)
e = y.data
e.mul_(2)
show("after data mul_", y)
print("versions:", y._version, e._version)
