# The autograd tour in PyTorch: the oracle for examples/autograd_tour.c.
#
# Every line this script prints, the C program prints too, byte for byte
# (tests/oracle/compare.sh diffs the two). The steps follow PyTorch's
# autograd tutorials, with fixed numbers where the tutorials draw random ones.
import torch
import torch.nn.functional as F


def show_error(e):
    # tensorgrad has no anomaly mode, so its in-place version error leaves out
    # PyTorch's closing " Hint: enable anomaly detection ..." sentence; cut it
    # here too so that the rest of the message is compared exactly.
    print("error:", str(e).split(" Hint:")[0])


def section_1():
    print("== 1. sqrt, sum, backward ==")
    x = torch.tensor([4., 9., 16.], requires_grad=True)
    y = x.sqrt()
    z = y.sum()
    print(y)
    print(z)
    z.backward()
    print(x.grad)


def section_2():
    print("== 2. ones, add, mul, mean ==")
    x = torch.ones(2, 2, requires_grad=True)
    print(x)
    y = x + 2
    print(y)
    print("y.grad_fn:", y.grad_fn.name())
    z = y * y * 3
    out = z.mean()
    print(z)
    print(out)
    out.backward()
    print(x.grad)


def section_3():
    print("== 3. requires_grad_ on an existing tensor ==")
    a = torch.tensor([[2., 3.], [4., 5.]])
    a = ((a * 3) / (a - 1))
    print(a.requires_grad)
    a.requires_grad_(True)
    print(a.requires_grad)
    b = (a * a).sum()
    print("b.grad_fn:", b.grad_fn.name())
    print(b)


def section_4():
    print("== 4. a dynamic loop, backward with a vector ==")
    x = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
    y = x * 2
    while y.data.norm() < 1000:
        y = y * 2
    print(y)
    v = torch.tensor([0.1, 1.0, 0.0001])
    y.backward(v)
    print(x.grad)


def section_5():
    print("== 5. no_grad ==")
    x = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
    print(x.requires_grad)
    print((x ** 2).requires_grad)
    with torch.no_grad():
        print((x ** 2).requires_grad)


def show_leaf(label, t):
    print(f"{label:<21} is_leaf {t.is_leaf} requires_grad {t.requires_grad}")


def section_6():
    print("== 6. is_leaf ==")
    a = torch.tensor([1., 2.], requires_grad=True)
    b = torch.tensor([1., 2.])
    c = a * 2
    with torch.no_grad():
        d = a * 2
    e = c.detach()
    show_leaf("a (requires grad):", a)
    show_leaf("b (no grad):", b)
    show_leaf("c = a * 2:", c)
    show_leaf("d = a * 2 in no_grad:", d)
    show_leaf("e = c.detach():", e)


def section_7():
    print("== 7. gradients accumulate ==")
    x = torch.tensor([1., 2., 3.], requires_grad=True)
    (x * x).sum().backward()
    print(x.grad)
    (x * x).sum().backward()
    print(x.grad)
    x.grad.data.zero_()
    print(x.grad)
    (x * x).sum().backward()
    print(x.grad)


def section_8():
    print("== 8. view, backward with a gradient ==")
    x = torch.tensor([[1., 2., 3.], [4., 5., 6.]], requires_grad=True)
    v = x.view(3, 2)
    print("v.grad_fn:", v.grad_fn.name())
    y = v * 2
    print(y)
    try:
        y.backward()
    except RuntimeError as e:
        show_error(e)
    gradient = torch.tensor([[1., 0.1], [0.01, 1.], [0.1, 0.01]])
    y.backward(gradient)
    print(x.grad)


def section_9():
    print("== 9. a no_grad branch in a graph ==")
    x = torch.tensor([1., 2., 3.], requires_grad=True)
    y1 = x * 2
    with torch.no_grad():
        y2 = x * 2
    y3 = y1 + y2
    print(y2.requires_grad, y3.requires_grad)
    print(y3)
    y3.sum().backward()
    print(x.grad)


def section_10():
    print("== 10. x.data is invisible to autograd ==")
    x = torch.tensor([1., 2., 3.], requires_grad=True)
    (x * 2).sum().backward()
    print(x.grad)
    x.data *= 100
    print(x)
    print("x._version:", x._version)
    x.grad.zero_()
    (x * 2).sum().backward()
    print(x.grad)


def section_11():
    print("== 11. matmul and binary_cross_entropy_with_logits ==")
    x = torch.ones(5)
    y = torch.zeros(3)
    w = torch.tensor([[0.5, -0.25, 0.75],
                      [-1.0, 0.5, 0.25],
                      [0.125, 1.5, -0.5],
                      [0.25, -0.75, 1.0],
                      [-0.5, 0.25, 0.125]], requires_grad=True)
    b = torch.tensor([0.1, -0.2, 0.3], requires_grad=True)
    z = torch.matmul(x, w) + b
    loss = F.binary_cross_entropy_with_logits(z, y)
    print("z.grad_fn:", z.grad_fn.name())
    print("loss.grad_fn:", loss.grad_fn.name())
    print(z)
    print(loss)
    loss.backward()
    print(w.grad)
    print(b.grad)


def section_12():
    print("== 12. backward twice, retain_graph ==")
    x = torch.tensor([1., 2., 3.], requires_grad=True)
    y = (x * x).sum()
    y.backward()
    print(x.grad)
    try:
        y.backward()
    except RuntimeError as e:
        show_error(e)
    print(x.grad)
    x.grad = None
    y = (x * x).sum()
    y.backward(retain_graph=True)
    print(x.grad)
    y.backward()
    print(x.grad)


def section_13():
    print("== 13. Jacobian products, y += matmul ==")
    inp = torch.eye(4, 5, requires_grad=True)
    out = (inp + 1).pow(2).t()
    out.backward(torch.ones_like(out), retain_graph=True)
    print(f"First call\n{inp.grad}")
    out.backward(torch.ones_like(out), retain_graph=True)
    print(f"Second call\n{inp.grad}")
    inp.grad.zero_()
    out.backward(torch.ones_like(out), retain_graph=True)
    print(f"Call after zeroing gradients\n{inp.grad}")
    inp.grad = None
    y = out.sum()
    print("y.grad_fn:", y.grad_fn.name())
    y += torch.matmul(out[0], out[0])
    print("y.grad_fn:", y.grad_fn.name())
    print(y)
    y.backward()
    print(inp.grad)


def section_14():
    print("== 14. in-place changes to a saved output ==")
    a = torch.tensor([1., 2., 3.], requires_grad=True)

    out = a.sigmoid()
    c = out.detach()
    c.zero_()
    print(out)
    try:
        out.sum().backward()
    except RuntimeError as e:
        show_error(e)

    out = a.sigmoid()
    c = out.data
    c.zero_()
    print(out)
    out.sum().backward()
    print(a.grad)

    out = a.sigmoid()
    out.mul_(2)
    print(out)
    try:
        out.sum().backward()
    except RuntimeError as e:
        show_error(e)


sections = [section_1, section_2, section_3, section_4, section_5, section_6, section_7,
            section_8, section_9, section_10, section_11, section_12, section_13, section_14]
for i, section in enumerate(sections):
    if i:
        print()
    section()
