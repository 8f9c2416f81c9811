# Oracle for nn_half.c: the nn functions in float16 and bfloat16. Each case
# is computed one of two ways, named in the table below:
#   kernel: PyTorch 1.13's own CPU kernel of the dtype; where it has none
#           ("... not implemented for 'Half'"), PyTorch 2's definition, the
#           float composition: the inputs upcast to float32, the function
#           computed, the result rounded with .to(dtype), gradients flowing
#           back through the casts (so each is the float gradient rounded once).
#   float:  that composition even where 1.13 has a bfloat16 kernel, because
#           its kernel computes otherwise than PyTorch 2 (which computes in
#           float): the script checks that the two stay within the case's
#           bound, in units in the last place of the largest magnitude of
#           each tensor, and prints the composition's values. 1.13's
#           bfloat16 layer_norm and group_norm gradients are further from
#           the float ones (3.3 and 9.6 such units here) than their values.
# softmax and log_softmax follow PyTorch 2's kernels (1.13 has none for
# float16 and computes bfloat16 otherwise): the value of the float copy
# rounded, the gradient from float copies of the upstream gradient and the
# rounded output, rounded. float16 binary_cross_entropy_with_logits is
# PyTorch 2's composite, each of its operations rounded (HalfBceWithLogits).
# Every value is printed exactly (%.9g of its double) except group_norm's,
# printed to 3 significant digits: an element of its input gradient, near
# cancellation, differs in the last float16 bit between PyTorch's float
# kernel and tensorgrad's float derivative, which sum in other orders; and
# bfloat16 batch_norm with float32 parameters, to 6: its float32 weight
# gradient is a float sum in another order. Zeros print without their
# sign. (The
# inputs are multiples of 1/8, so that float results often fall exactly
# between two half values: bilinear interpolation is checked with
# align_corners, whose float sums are exact, as tensorgrad's float bilinear
# sums may differ from PyTorch's in the last bit.)
from oracle import weights
import torch
import torch.nn.functional as F

HALVES = [torch.float16, torch.bfloat16]


def values(shape, k, dt):
    n = 1
    for s in shape:
        n *= s
    v = [((37 * i + 11 * k) % 19 - 9) / 8 for i in range(n)]
    return torch.tensor(v).reshape(shape).to(dt)


def probabilities(shape, k, dt):
    return (values(shape, k, dt) * 8 + 9 + 1) / 32


def exact(label, t, digits=9):
    vals = " ".join("%.*g" % (digits, v if v != 0 else 0.0) for v in t.double().flatten().tolist())
    print(f"{label} {t.dtype} {list(t.shape)}" + (" " + vals if vals else ""))


class HalfSoftmax(torch.autograd.Function):
    """PyTorch 2's float16 softmax/log_softmax on CPU."""

    @staticmethod
    def forward(ctx, x, dim, log):
        f = torch.log_softmax if log else torch.softmax
        y = f(x.float(), dim).to(x.dtype)
        ctx.save_for_backward(y)
        ctx.dim, ctx.log = dim, log
        return y

    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        back = torch._log_softmax_backward_data if ctx.log else torch._softmax_backward_data
        return back(g.float(), y.float(), ctx.dim, torch.float32).to(y.dtype), None, None


def softmax(x, dim):
    return HalfSoftmax.apply(x, dim, False)


def log_softmax(x, dim):
    return HalfSoftmax.apply(x, dim, True)


def nll_loss(x, t):
    try:
        return F.nll_loss(x, t)
    except RuntimeError:
        return F.nll_loss(x.float(), t).to(x.dtype)


def cross_entropy(x, t):
    return nll_loss(log_softmax(x, 1), t)


def mm(a, b):
    """a @ b computed in float and rounded, as PyTorch 2 and tensorgrad's
    matmul compute both dtypes (1.13 has no float16 bmm)."""
    return (a.float() @ b.float()).to(a.dtype)


class HalfBceWithLogits(torch.autograd.Function):
    """PyTorch 2's binary_cross_entropy_with_logits in float16, a composite:
    each of its operations (forward and derivative) computed in float and
    rounded, in the order tensorgrad and PyTorch 2 compose them."""

    @staticmethod
    def forward(ctx, x, y):
        def h(t):
            return t.to(x.dtype)
        xf, yf = x.float(), y.float()
        m = h(torch.relu(-xf))
        lse = h(torch.log(h(h(torch.exp(-m.float())).float() + h(torch.exp(h(-xf - m.float()).float())).float()).float()))
        linear = h(h(1 - yf).float() * xf)
        loss = h(h(linear.float() + m.float()).float() + lse.float())
        ctx.save_for_backward(x, y)
        return loss.mean()

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        d = (torch.sigmoid(x.float()).to(x.dtype) - y) * g
        return d / x.numel(), None


def bce_with_logits(x, y):
    return HalfBceWithLogits.apply(x, y) if x.dtype == torch.float16 else F.binary_cross_entropy_with_logits(x, y)


def composed(f, leaves, dt):
    wide = [l.float() if l.is_floating_point() else l for l in leaves]
    return f(*wide).to(dt)


def ulps(a, b):
    """The largest difference of a and b (one dtype) in units of the last
    place of the tensors' largest magnitude."""
    scale = max(a.float().abs().max().item(), b.float().abs().max().item(), torch.finfo(a.dtype).tiny)
    return (a.float() - b.float()).abs().max().item() / (torch.finfo(a.dtype).eps * scale)


def run(name, dt, f, inputs, how="kernel", bound=0, define=None, digits=9):
    """inputs: (tensor, requires_grad) pairs already in dt; bound: how far
    (ulps()) 1.13's bfloat16 kernel may be from the values printed; define:
    PyTorch 2's definition where it is not the float composition of f;
    digits: the significant digits printed."""
    label = f"{name} {'f16' if dt == torch.float16 else 'bf16'}"

    def attempt(make):
        leaves = [t.clone().requires_grad_(r) for t, r in inputs]
        out = make(leaves)
        out.backward(weights(out))
        return out, [l.grad for l, (_, r) in zip(leaves, inputs) if r]

    native = None
    try:
        native = attempt(lambda ls: f(*ls))
    except RuntimeError as e:
        # 1.13's bfloat16 conv_transpose2d reaches a kernel that refuses
        # the shapes: "Given groups=1, weight of size [2, 3, 3, 3] ..."
        if "not implemented for" not in str(e) and how != "float":
            raise
    if how == "float" or native is None:
        out, grads = attempt(lambda ls: define(*ls) if define else composed(f, ls, dt))
        if native is not None:
            for a, b in zip([out] + grads, [native[0]] + native[1]):
                assert ulps(a, b) <= bound, f"{label}: 1.13's kernel and the float composition differ by {ulps(a, b)}"
    else:
        out, grads = native
    exact(label, out, digits)
    for i, g in enumerate(grads):
        exact(f"{label} grad{i}", g, digits)


def normalisation(dt):
    run("layer_norm", dt, lambda x, w, b: F.layer_norm(x, (4,), w, b, 1e-5),
        [(values((2, 3, 4), 0, dt), True), (values((4,), 1, dt), True), (values((4,), 2, dt), True)], "float", 4)
    run("group_norm", dt, lambda x, w, b: F.group_norm(x, 2, w, b, 1e-5),
        [(values((2, 4, 3), 3, dt), True), (values((4,), 4, dt), True), (values((4,), 5, dt), True)], "float", 10,
        digits=3)
    mean, var = values((2,), 9, dt), values((2,), 10, dt).abs() + 1

    def batch_norm_train(x, w, b):
        m, v = mean.float(), var.float()
        out = F.batch_norm(x.float() if x.dtype != dt else x, m, v, w.float() if w.dtype != dt else w,
                           b.float() if b.dtype != dt else b, True, 0.1, 1e-5)
        with torch.no_grad():
            mean.copy_(m)
            var.copy_(v)
        return out
    # one run only: the running statistics change
    label = f"batch_norm train {'f16' if dt == torch.float16 else 'bf16'}"
    leaves = [values((3, 2, 4), 6, dt).requires_grad_(), values((2,), 7, dt).requires_grad_(),
              values((2,), 8, dt).requires_grad_()]
    out = batch_norm_train(*[l.float() for l in leaves]).to(dt)
    out.backward(weights(out))
    exact(label, out)
    for i, l in enumerate(leaves):
        exact(f"{label} grad{i}", l.grad)
    exact("batch_norm running_mean", mean)
    exact("batch_norm running_var", var)
    run("batch_norm eval", dt, lambda x: F.batch_norm(x, mean.to(x.dtype), var.to(x.dtype), None, None, False, 0.1, 1e-5),
        [(values((3, 2, 4), 11, dt), True)], "float")
    if dt == torch.bfloat16:
        # 1.13's mixed form (float32 parameters and statistics), against
        # the float composition; the running statistics as 1.13's kernel
        m, v = values((2,), 15, torch.float32), values((2,), 16, torch.float32).abs() + 1
        m2, v2 = m.clone(), v.clone()

        def mixed(x, w, b):
            return F.batch_norm(x, m2, v2, w, b, True, 0.1, 1e-5)
        run("batch_norm mixed", dt, mixed, [(values((3, 2, 4), 12, dt), True), (values((2,), 13, torch.float32), True),
                                            (values((2,), 14, torch.float32), True)], "float", 4,
            lambda x, w, b: F.batch_norm(x.float(), m, v, w, b, True, 0.1, 1e-5).to(dt), digits=6)
        exact("batch_norm mixed running_mean", m)
        exact("batch_norm mixed running_var", v)


def convolution(dt):
    run("conv2d", dt, lambda x, w, b: F.conv2d(x, w, b, padding=1),
        [(values((1, 2, 5, 5), 0, dt), True), (values((3, 2, 3, 3), 1, dt), True), (values((3,), 2, dt), True)])
    x = values((1, 5, 5, 2), 8, dt).permute(0, 3, 1, 2)
    y = composed(lambda x, w, b: F.conv2d(x, w, b), [x, values((3, 2, 3, 3), 1, dt), values((3,), 2, dt)], dt)
    print("conv2d channels-last stride:", " ".join(str(s) for s in y.stride()))
    run("conv1d", dt, lambda x, w: F.conv1d(x, w, stride=2),
        [(values((2, 2, 7), 3, dt), True), (values((3, 2, 3), 4, dt), True)])
    run("conv_transpose2d", dt, lambda x, w, b: F.conv_transpose2d(x, w, b, stride=2),
        [(values((1, 2, 3, 3), 5, dt), True), (values((2, 3, 3, 3), 6, dt), True), (values((3,), 7, dt), True)],
        "float")


def pooling(dt):
    run("max_pool2d", dt, lambda x: F.max_pool2d(x, 2), [(values((1, 2, 5, 5), 0, dt), True)])
    run("avg_pool2d", dt, lambda x: F.avg_pool2d(x, 3, 2, 1), [(values((1, 2, 5, 5), 1, dt), True)])
    run("adaptive_avg_pool2d", dt, lambda x: F.adaptive_avg_pool2d(x, (2, 3)), [(values((1, 2, 5, 5), 2, dt), True)])
    run("adaptive_max_pool2d", dt, lambda x: F.adaptive_max_pool2d(x, (2, 3)), [(values((1, 2, 5, 5), 3, dt), True)])
    run("max_pool1d", dt, lambda x: F.max_pool1d(x, 3, 2), [(values((2, 7), 4, dt), True)])


def softmax_and_losses(dt):
    run("softmax", dt, lambda x: torch.softmax(x, 1), [(values((3, 5), 0, dt), True)], "float", 4,
        lambda x: softmax(x, 1))
    run("softmax dim0", dt, lambda x: torch.softmax(x, 0), [(values((3, 5), 1, dt), True)], "float", 4,
        lambda x: softmax(x, 0))
    run("log_softmax", dt, lambda x: torch.log_softmax(x, 1), [(values((3, 5), 2, dt), True)], "float", 4,
        lambda x: log_softmax(x, 1))
    target = torch.tensor([1, 0, 4])
    run("cross_entropy", dt, lambda x: F.cross_entropy(x, target), [(values((3, 5), 3, dt), True)], "float", 4,
        lambda x: cross_entropy(x, target))
    run("nll_loss", dt, lambda x: F.nll_loss(x, target), [(values((3, 5), 4, dt), True)])
    y = values((7,), 6, dt)
    run("mse_loss", dt, lambda a, y: F.mse_loss(a, y), [(values((7,), 5, dt), True), (y, True)])
    run("l1_loss", dt, lambda a, y: F.l1_loss(a, y), [(values((7,), 7, dt), True), (y, False)])
    run("smooth_l1_loss", dt, lambda a, y: F.smooth_l1_loss(a, y, beta=1.0), [(values((7,), 8, dt), True), (y, False)])
    run("huber_loss", dt, lambda a, y: F.huber_loss(a, y, delta=1.0), [(values((7,), 9, dt), True), (y, False)])
    q = probabilities((7,), 11, dt)
    run("binary_cross_entropy", dt, lambda p, q: F.binary_cross_entropy(p, q),
        [(probabilities((7,), 10, dt), True), (q, False)])
    run("binary_cross_entropy_with_logits", dt, bce_with_logits, [(values((7,), 12, dt), True), (q, False)])
    run("kl_div", dt, lambda a, q: F.kl_div(a, q, reduction="sum"), [(values((7,), 13, dt), True), (q, False)])
    sign = values((7,), 16, dt).sign()
    run("margin_ranking_loss", dt, lambda a, b: F.margin_ranking_loss(a, b, sign, 0.5),
        [(values((7,), 14, dt), True), (values((7,), 15, dt), True)])
    weight = probabilities((5,), 18, dt)
    def smoothed(x):
        """1.13's composite cross_entropy with label smoothing (and 2's), on
        PyTorch 2's log_softmax."""
        logp = log_softmax(x, 1)
        try:
            nll = F.nll_loss(logp, target, weight)
        except RuntimeError:
            nll = F.nll_loss(logp.float(), target, weight.float()).to(dt)
        smooth = -(logp * weight.view(1, -1)).sum(1)
        ret = smooth.sum() / weight.gather(0, target).sum()
        return nll * (1 - 0.25) + ret * (0.25 / 5)
    run("cross_entropy weight smoothing", dt,
        lambda x: F.cross_entropy(x, target, weight=weight, label_smoothing=0.25),
        [(values((3, 5), 17, dt), True)], "float", 8, smoothed)


def others(dt):
    run("embedding", dt, lambda w: F.embedding(torch.tensor([1, 0, 3, 1]), w), [(values((4, 3), 0, dt), True)])
    run("dropout p=1", dt, lambda x: F.dropout(x, 1.0, True), [(values((2, 3), 1, dt), True)])
    run("dropout eval", dt, lambda x: F.dropout(x, 0.5, False), [(values((2, 3), 2, dt), True)])
    run("interpolate nearest", dt, lambda x: F.interpolate(x, scale_factor=2.0, mode="nearest"),
        [(values((1, 2, 3, 3), 3, dt), True)])
    run("interpolate bilinear", dt, lambda x: F.interpolate(x, size=(5, 5), mode="bilinear", align_corners=True),
        [(values((1, 2, 3, 3), 4, dt), True)], "float", 4)
    run("pad reflect", dt, lambda x: F.pad(x, (1, 1, 2, 0), mode="reflect"), [(values((1, 2, 3, 3), 5, dt), True)])
    run("pad replicate", dt, lambda x: F.pad(x, (1, 2, 0, 1), mode="replicate"), [(values((1, 2, 3, 3), 6, dt), True)])
    run("pad constant", dt, lambda x: F.pad(x, (1, 1), value=0.5), [(values((1, 2, 3, 3), 7, dt), True)])

    def sdpa(q, k, v):
        # PyTorch 2.0's math path (1.13 has no F.scaled_dot_product_attention)
        scale = q.shape[-1] ** 0.25
        s = mm(q / scale, k.transpose(-2, -1) / scale)
        mask = torch.ones(3, 3, dtype=torch.bool).tril()
        s = s.masked_fill(~mask, float("-inf"))
        return mm(softmax(s, -1), v)
    run("scaled_dot_product_attention", dt, sdpa,
        [(values((2, 3, 4), 8, dt), True), (values((2, 3, 4), 9, dt), True), (values((2, 3, 4), 10, dt), True)])


def small_cnn(dt):
    """conv2d, relu, max_pool2d, linear and cross_entropy, each as PyTorch 2
    computes it (the float composition for conv2d and linear, whose
    bfloat16 kernels in 1.13 give the same conv2d and another linear)."""
    x, target = values((2, 1, 6, 6), 30, dt), torch.tensor([1, 3])

    def net(cw, cb, lw, lb):
        h = composed(lambda a, w, b: F.conv2d(a, w, b), [x, cw, cb], dt)
        h = composed(lambda a: F.max_pool2d(torch.relu(a), 2), [h], dt)   # exact: selections
        logits = composed(F.linear, [h.flatten(1), lw, lb], dt)
        return cross_entropy(logits, target)
    run("small cnn", dt, net, [(values((3, 1, 3, 3), 31, dt) * 0.5, True), (values((3,), 32, dt), True),
                              (values((4, 12), 33, dt) * 0.25, True), (values((4,), 34, dt), True)], "float",
        define=net)


for dt in HALVES:
    normalisation(dt)
    convolution(dt)
    pooling(dt)
    softmax_and_losses(dt)
    others(dt)
    small_cnn(dt)
