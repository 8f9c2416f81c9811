# Oracle for errors.c: the exact text of PyTorch's errors for misuse of
# autograd (backward twice, saved tensors modified in place, in-place on
# leaves and their views, implicit gradients, tensors without grad, gradient
# shapes), for shapes that do not broadcast or view, for dims and indices out
# of range, for dtypes an operation or an in-place result cannot take, and a
# few neighbouring cases that must succeed.
from oracle import leaf, sl
import torch
import torch.nn.functional as F


def err(label, f):
    """Runs f; prints PyTorch's message, or the value f returns."""
    try:
        r = f()
    except (RuntimeError, IndexError, ValueError) as e:
        print(f"{label}: error: {e}")
        return
    if r is None:
        print(f"{label}: ok")
    else:
        print(f"{label}: ok", r)


def void(_):
    return None


def no_hint(f):
    """tensorgrad has no anomaly mode, so it drops the version error's final
    sentence (" Hint: enable anomaly detection ... set_detect_anomaly(True)."),
    which names a Python function it does not have."""
    def run():
        try:
            return f()
        except RuntimeError as e:
            raise RuntimeError(str(e).split(" Hint:")[0]) from None
    return run


# ---------------------------------------------------------------- backward twice
x = leaf([1.0, 2.0, 3.0])
y = (x * x).sum()
y.backward()
err("backward twice", lambda: y.backward())
x = leaf([1.0, 2.0, 3.0])
y = x.exp().sum()
torch.autograd.grad(y, [x])
err("autograd.grad twice", lambda: torch.autograd.grad(y, [x]))
x = leaf([1.0, 2.0, 3.0])
y = (x + x).sum()                 # nothing saved: a second backward works
y.backward()
err("backward twice, nothing saved", lambda: y.backward())
x = leaf([1.0, 2.0, 3.0])
y = (x * 2).sum()                 # a scalar is all MulBackward0 keeps
y.backward()
err("backward twice, scalar saved", lambda: y.backward())
x = leaf([1.0, 2.0, 3.0])
z = x.exp()
y = (z * 2).sum() + z.sum()
y.backward(retain_graph=True)
y.backward()
err("backward three times", lambda: y.backward())
print("grad after two backwards:", x.grad)
x = leaf([0.5, 1.5])
h = x.tanh()
(h * 2).sum().backward()          # frees TanhBackward0's saved result
err("shared node freed by another graph", lambda: (h * 3).sum().backward())

# ------------------------------------------------ saved tensor modified in place
def version_output():
    x = leaf([1.0, 2.0, 3.0])
    y = x.exp()
    z = y.sum()
    y.add_(1)
    z.backward()


def version_input():
    x = leaf([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], torch.float64)
    a = x + 1
    b = a * a
    a.mul_(3)
    b.sum().backward()


def version_leaf():
    x = leaf([1.0, 2.0])
    y = (x * x).sum()
    with torch.no_grad():
        x.add_(1)
        x.mul_(2)
    y.backward()


def version_self():
    x = leaf([1.0, 2.0, 3.0])
    y = x.clone()
    y.mul_(y)
    y.sum().backward()


def version_view():
    x = leaf([[1.0, 2.0], [3.0, 4.0]])
    a = x * 1
    b = a.sigmoid()
    with torch.no_grad():
        a.detach().view(4).add_(1)
        b.detach().select(0, 1).zero_()
    b.sum().backward()


def version_autograd_grad():
    x = leaf([1.0, 2.0])
    y = x.sqrt()
    s = (y * y).sum()
    y.pow_(2)
    torch.autograd.grad(s, [x])


for name, f in [("version: saved output", version_output), ("version: saved input", version_input),
                ("version: saved leaf", version_leaf), ("version: mul_ by itself", version_self),
                ("version: through views", version_view), ("version: autograd.grad", version_autograd_grad)]:
    err(name, no_hint(f))

# --------------------------------------------- in-place on leaves and their views
x = leaf([1.0, 2.0, 3.0])
err("leaf add_", lambda: x.add_(1))
err("leaf add_ tensor", lambda: x.add_(torch.ones(3)))
err("leaf mul_", lambda: x.mul_(2))
err("leaf zero_", lambda: x.zero_())
err("leaf fill_", lambda: x.fill_(2))
err("leaf copy_", lambda: x.copy_(torch.ones(3)))
err("view of leaf add_", lambda: x.view(3).add_(1))
err("select of leaf mul_", lambda: x.select(0, 1).mul_(2))
err("slice of leaf sub_", lambda: sl(x, 0, 0, 2, 1).sub_(1))
err("unsqueeze of leaf zero_", lambda: x.unsqueeze(0).zero_())
err("view of view of leaf fill_", lambda: x.view(1, 3).transpose(0, 1).fill_(0))
err("detach of leaf add_", lambda: x.detach().add_(0))
print("leaf after failed in-place:", x, x._version)
with torch.no_grad():
    err("leaf add_ under no_grad", lambda: void(x.add_(1)))
    err("view of leaf add_ under no_grad", lambda: void(x.view(3).add_(1)))
print("leaf after no_grad in-place:", x, x._version)

# ------------------------------------------------ backward without a usable root
x = leaf([1.0, 2.0, 3.0])
err("implicit grad, non-scalar", lambda: (x * 2).backward())
err("implicit grad, autograd.grad", lambda: torch.autograd.grad([x * 2], [x]))
err("implicit grad, 1-element", lambda: (x[:1] * 2).backward())
print("grad from 1-element root:", x.grad)
err("no grad: plain tensor", lambda: torch.ones(3).sum().backward())
err("no grad: leaf without requires_grad", lambda: torch.ones(()).backward())
err("no grad: detached", lambda: (x * 2).sum().detach().backward())
with torch.no_grad():
    z = (x * 2).sum()
err("no grad: made under no_grad", lambda: z.backward())
err("no grad: autograd.grad output", lambda: torch.autograd.grad([torch.ones(3).sum()], [x]))
err("autograd.grad input without grad", lambda: torch.autograd.grad([(x * 2).sum()], [torch.ones(2)]))
err("autograd.grad input not used", lambda: torch.autograd.grad([(x * 2).sum()], [x, leaf([1.0])]))
used, unused = torch.autograd.grad([(x * 2).sum()], [x, leaf([1.0])], allow_unused=True)
print("autograd.grad allow_unused: ok")
print("autograd.grad allow_unused, used:", used)
print("autograd.grad allow_unused, unused:", unused)
err("gradient shape", lambda: (x * 2).backward(torch.ones(2)))
err("gradient shape 2-D", lambda: (x * 2).backward(torch.ones(3, 1)))
err("gradient shape 0-dim", lambda: (x * 2).sum().backward(torch.ones(1)))
err("gradient shape, autograd.grad", lambda: torch.autograd.grad([x * 2, x.sum()], [x], [torch.ones(2), torch.ones(())]))
# PyTorch 1.13 finds the index of a mismatched grad_output with list.index,
# which compares tensors elementwise and fails with a broadcasting error for
# any index but 0; tensorgrad reports the index, as later PyTorch does.
print("gradient shape, second output: error: Mismatch in shape: grad_output[1] has a shape of torch.Size([2]) "
      "and output[1] has a shape of torch.Size([]).")

# ---------------------------------------------------------------- requires_grad_
err("requires_grad_ int64", lambda: torch.tensor([1, 2]).requires_grad_())
err("requires_grad_ int32", lambda: torch.tensor([1, 2], dtype=torch.int32).requires_grad_())
err("requires_grad_ bool", lambda: torch.tensor([True]).requires_grad_())
err("requires_grad_ False on int", lambda: torch.tensor([1, 2]).requires_grad_(False))
err("requires_grad_ False on non-leaf", lambda: (x * 2).requires_grad_(False))
err("requires_grad_ True on non-leaf", lambda: (x * 2).requires_grad_(True))
err("requires_grad_ f64", lambda: torch.tensor([1.0], dtype=torch.float64).requires_grad_())

# -------------------------------------------------------------------- broadcasting
a, b = torch.ones(2, 3), torch.ones(4)
err("add (2,3) (4)", lambda: a + b)
err("mul (2,3) (3,2)", lambda: a * torch.ones(3, 2))
err("sub 3-D", lambda: torch.ones(2, 3, 4) - torch.ones(3, 3, 4))
err("div (2,3) (2)", lambda: a / torch.ones(2))
err("pow (5) (2,3)", lambda: torch.ones(5) ** a)
err("maximum", lambda: torch.maximum(a, torch.ones(2)))
err("minimum", lambda: torch.minimum(torch.ones(3, 1, 2), torch.ones(4, 3)))
err("where", lambda: torch.where(torch.ones(2, dtype=torch.bool), torch.ones(3), torch.ones(1)))
err("where condition", lambda: torch.where(torch.ones(4, dtype=torch.bool), a, a))
err("in-place output shape", lambda: torch.ones(3).add_(a))
err("in-place output shape scalar", lambda: torch.ones(()).mul_(torch.ones(2)))
err("in-place broadcast error", lambda: a.add_(torch.ones(2)))
err("copy_ broadcast", lambda: torch.ones(2).copy_(torch.ones(3)))
err("copy_ to smaller", lambda: torch.ones(2).copy_(torch.ones(2, 2)))
err("mse_loss", lambda: F.mse_loss(a, b))
err("bce_with_logits", lambda: F.binary_cross_entropy_with_logits(a, torch.ones(3)))

# ---------------------------------------------------------------- view and expand
t = torch.arange(6.0).reshape(2, 3)
err("view size", lambda: t.view(4, 2))
err("view -1 size", lambda: t.view(4, -1))
err("view two -1", lambda: t.view(-1, -1))
err("view 0 and -1", lambda: t.view(0, -1))
err("view negative", lambda: t.view(-2, 3))
err("view transposed", lambda: t.transpose(0, 1).view(6))
err("view sliced", lambda: sl(t, 1, 0, 3, 2).view(4))
err("view expanded", lambda: t.unsqueeze(1).expand(2, 2, 3).view(12))
err("view sliced ok", lambda: sl(torch.ones(2, 6), 1, 0, 6, 2).view(6))
err("reshape size", lambda: t.reshape(4, 2))
err("expand size", lambda: t.expand(3, 3))
err("expand fewer dims", lambda: t.expand(3))
err("expand leading -1", lambda: t.expand(-1, -1, 3))
err("expand -2", lambda: t.expand(2, -2))

# ------------------------------------------------------------------ dims and indices
err("sum_dim 2", lambda: t.sum(dim=[2]))
err("sum_dim -3", lambda: t.sum(dim=[0, -3]))
err("sum_dim repeated", lambda: t.sum(dim=[0, -2]))
err("mean_dim 5", lambda: t.mean(dim=[5], keepdim=True))
err("max_dim 2", lambda: t.max(2))
err("max_dim -3", lambda: t.max(-3))
err("max_dim empty", lambda: torch.ones(2, 0).max(1))
err("transpose 2", lambda: t.transpose(0, 2))
err("transpose -3", lambda: t.transpose(-3, 1))
err("permute 2", lambda: t.permute(0, 2))
err("permute duplicate", lambda: t.permute(1, 1))
err("permute length", lambda: t.permute(0))
err("unsqueeze 3", lambda: t.unsqueeze(3))
err("unsqueeze -4", lambda: t.unsqueeze(-4))
err("squeeze 2", lambda: t.squeeze(2))
err("select dim", lambda: t.select(2, 0))
err("select index", lambda: t.select(1, 3))
err("select negative index", lambda: t.select(0, -3))
err("select 0-dim", lambda: torch.ones(()).select(0, 0))
err("slice dim", lambda: sl(t, 2, 0, 1, 1))
err("slice step 0", lambda: sl(t, 1, 0, 3, 0))
err("slice step -1", lambda: sl(t, 1, 0, 3, -1))
err("slice 0-dim", lambda: sl(torch.ones(()), 0, 0, 1, 1))
z0 = torch.ones(())
err("0-dim sum_dim 1", lambda: z0.sum(dim=[1]))
err("0-dim transpose", lambda: z0.transpose(0, 1))
err("0-dim max_dim", lambda: z0.max(1))
err("0-dim squeeze", lambda: z0.squeeze(1))
err("0-dim unsqueeze", lambda: z0.unsqueeze(2))

# ------------------------------------------------------------------------ matmul
err("matmul 0-dim", lambda: torch.matmul(z0, torch.ones(3)))
err("matmul 1-D 1-D", lambda: torch.matmul(torch.ones(3), torch.ones(4)))
err("matmul 2-D 1-D", lambda: torch.matmul(a, torch.ones(4)))
err("matmul 1-D 2-D", lambda: torch.matmul(torch.ones(3), torch.ones(4, 2)))
err("matmul 2-D 2-D", lambda: torch.matmul(a, torch.ones(4, 5)))
err("matmul 3-D 1-D", lambda: torch.matmul(torch.ones(2, 2, 3), torch.ones(4)))
err("matmul 1-D 3-D", lambda: torch.matmul(torch.ones(4), torch.ones(2, 3, 2)))
err("matmul 3-D 2-D", lambda: torch.matmul(torch.ones(2, 2, 3), torch.ones(4, 2)))
err("matmul 2-D 3-D", lambda: torch.matmul(torch.ones(2, 4), torch.ones(2, 3, 2)))
err("matmul 3-D 3-D", lambda: torch.matmul(torch.ones(2, 2, 3), torch.ones(2, 4, 5)))
err("matmul batch", lambda: torch.matmul(torch.ones(2, 2, 3), torch.ones(3, 3, 5)))
err("matmul dtypes", lambda: torch.matmul(a, torch.ones(3, 2, dtype=torch.float64)))
err("matmul dtypes 1-D", lambda: torch.matmul(torch.ones(3), torch.ones(3, dtype=torch.float64)))
err("matmul dtypes mv", lambda: torch.matmul(a, torch.ones(3, dtype=torch.float64)))
err("matmul dtypes batched", lambda: torch.matmul(torch.ones(2, 2, 2), torch.ones(2, 2, 2, dtype=torch.float64)))
err("matmul int float", lambda: torch.matmul(torch.ones(2, 2, dtype=torch.int64), torch.ones(2, 2)))
err("matmul bool", lambda: torch.matmul(torch.ones(2, 2, dtype=torch.bool), torch.ones(2, 2, dtype=torch.bool)))

# ------------------------------------------------------------------------ dtypes
i = torch.tensor([1, 2])
err("in-place int add_ float", lambda: i.clone().add_(torch.ones(2)))
err("in-place int add_ 1.5", lambda: i.clone().add_(1.5))
err("in-place int sub_ 0.5", lambda: i.clone().sub_(0.5))
err("in-place int mul_ 0-dim float", lambda: i.clone().mul_(torch.tensor(1.5)))
err("in-place int div_ int", lambda: i.clone().div_(i))
err("in-place int div_ 2", lambda: i.clone().div_(2))
err("in-place int pow_ float", lambda: i.clone().pow_(torch.tensor([0.5, 1.0])))
err("in-place int pow_ -1", lambda: i.clone().pow_(-1))
err("in-place int pow_ 0.5", lambda: i.clone().pow_(0.5))
err("in-place bool pow_ 2", lambda: torch.tensor([True]).pow_(2))
err("in-place int32 add_ f64", lambda: torch.tensor([1], dtype=torch.int32).add_(torch.ones(1, dtype=torch.float64)))
err("in-place bool add_ int", lambda: torch.tensor([True]).add_(torch.tensor([1])))
err("in-place bool mul_ 2", lambda: torch.tensor([True]).mul_(2))
err("in-place f32 add_ f64", lambda: torch.ones(2).add_(torch.ones(2, dtype=torch.float64)))
err("in-place int pow_ 2", lambda: i.clone().pow_(2))
err("in-place int copy_ float", lambda: i.clone().copy_(torch.tensor([1.7, -1.7])))
err("in-place int fill_ 2.7", lambda: i.clone().fill_(2.7))
err("in-place bool fill_ 0.5", lambda: torch.tensor([True, False]).fill_(0.5))
err("bool sub", lambda: torch.tensor([True]) - torch.tensor([False]))
err("bool rsub", lambda: 1 - torch.tensor([True]))
err("bool neg", lambda: -torch.tensor([True]))
err("bool sub int", lambda: torch.tensor([True]) - torch.tensor([1]))
err("int sub bool", lambda: torch.tensor([1]) - torch.tensor([True]))
err("bool sub scalar", lambda: torch.tensor([True]) - 1)
err("int pow -1", lambda: i ** -1)
err("bool pow -1", lambda: torch.tensor([True]) ** -1)
err("int pow tensor -1", lambda: i ** torch.tensor([-1, 2]))
err("mean int", lambda: i.mean())
err("mean_dim int", lambda: i.mean(dim=[0]))
err("norm int", lambda: i.norm())
err("where float condition", lambda: torch.where(torch.ones(2), torch.ones(2), torch.ones(2)))
err("max_dim bool", lambda: torch.tensor([[True, False], [False, False]]).max(1)[0])
err("bce_with_logits int target", lambda: F.binary_cross_entropy_with_logits(torch.ones(2), i))
err("bce_with_logits int input", lambda: F.binary_cross_entropy_with_logits(i, torch.ones(2)))
err("bce_with_logits bool target", lambda: F.binary_cross_entropy_with_logits(torch.ones(2), torch.tensor([True, False])))
err("bce_with_logits f64 target", lambda: F.binary_cross_entropy_with_logits(torch.ones(2), torch.ones(2, dtype=torch.float64)))
err("mse_loss int", lambda: F.mse_loss(i, i))
err("mse_loss bool", lambda: F.mse_loss(torch.tensor([True]), torch.tensor([False])))
err("mse_loss f32 int", lambda: F.mse_loss(torch.tensor([1.0, 2.5]), i))
err("mse_loss f32 f64", lambda: F.mse_loss(torch.tensor([1.0, 2.5]), i.to(torch.float64)))

# --------------------------------------------------------------- creation, readers
err("item of 3 elements", lambda: torch.ops.aten.item(torch.ones(3)))
err("item of 0 elements", lambda: torch.ops.aten.item(torch.ones(0)))
err("arange step 0", lambda: torch.arange(0.0, 3.0, 0.0))
err("arange wrong sign", lambda: torch.arange(0.0, 3.0, -1.0))
err("zeros negative", lambda: torch.zeros(2, -1))
