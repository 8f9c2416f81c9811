/* Losses: the reductions they share, the regression losses (mse, l1,
   smooth_l1, huber), kl_div and margin_ranking_loss, and the arithmetic
   with a C++ Scalar whose nodes PyTorch's compositions of losses show.
   Binary cross entropy is in loss_binary.c, nll_loss and cross_entropy in
   loss_classification.c. */
#include "ops.h"

/* ------------------------------------------------------------ reductions */

int tg__check_reduction(tg_reduction r, bool batchmean)
{
    if (r == TG_MEAN || r == TG_SUM || r == TG_NONE || (batchmean && r == TG_BATCHMEAN)) return 0;
    if (r == TG_BATCHMEAN) return tg__faili(TG_E_INVALID, "batchmean is not a valid value for reduction");
    return tg__faili(TG_E_INVALID, "%d is not a valid value for reduction", (int)r);
}

tg_tensor *tg__reduce_loss(tg_tensor *unreduced, tg_reduction r)
{
    if (r == TG_MEAN) return tg_mean(unreduced);
    if (r == TG_SUM) return tg_sum(unreduced);
    return unreduced;
}

int tg__check_weight_grad(const char *function, const char *argument, const tg_tensor *weight)
{
    if (!weight || !tg_requires_grad(weight) || !tg_is_grad_enabled()) return 0;
    return tg__faili(TG_E_AUTOGRAD,
                     "The function '%s' is not differentiable with respect to argument '%s'. This input cannot "
                     "have requires_grad True.",
                     function, argument);
}

/* ---------------------------------------------------- regression losses */

/* reduction first: forward AD's rules read it (ops/tangents_nn.c) */
typedef struct loss_params {
    tg_reduction reduction;
    double beta;   /* smooth_l1's beta, huber's delta */
} loss_params;

/* F.mse_loss's and its kin's warning when the shapes differ, then
   torch.broadcast_tensors: *x and *y are input and target expanded to
   their broadcast shape (ExpandBackward0 for each that changes). */
static int broadcast_pair(const tg_tensor *input, const tg_tensor *target, const tg_tensor **x, const tg_tensor **y)
{
    if (!tg__same_shape(input->shape, input->ndim, target->shape, target->ndim)) {
        char a[300], b[300];
        tg__warn("Using a target size (%s) that is different to the input size (%s). This will likely lead to "
                 "incorrect results due to broadcasting. Please ensure they have the same size.",
                 tg__shape_text(target->shape, target->ndim, "torch.Size([", "])", a, sizeof a),
                 tg__shape_text(input->shape, input->ndim, "torch.Size([", "])", b, sizeof b));
    }
    int64_t shape[TG_MAX_DIMS];
    int nd;
    if (tg__broadcast_shapes(input->shape, input->ndim, target->shape, target->ndim, shape, &nd)) return -1;
    *x = tg__same_shape(shape, nd, input->shape, input->ndim) ? input : tg_expand(input, shape, nd);
    *y = tg__same_shape(shape, nd, target->shape, target->ndim) ? target : tg_expand(target, shape, nd);
    return *x && *y ? 0 : -1;
}

/* A loss PyTorch computes in one kernel (mse_cpu, ...), with its node and
   the node of its gradient (MseLossBackwardBackward0, ...), whose own
   derivative is derivatives.yaml's. */
typedef struct fused_loss {
    const char *kernel;   /* PyTorch's, in its dtype error */
    tg_op op, backward_op;
    /* the elementwise loss of d = x - y */
    tg_tensor *(*value)(const tg_tensor *d, double beta);
    /* its slope in x, times norm (PyTorch's *_loss_backward without g) */
    tg_tensor *(*slope)(const tg_tensor *d, double beta, double norm);
    /* the slope's slope, times norm, with no history (the *_double_backward) */
    tg_tensor *(*curvature)(const tg_tensor *d, double beta, double norm);
} fused_loss;

/* Checks, broadcasts and records f's loss of input and target, saving the
   (expanded) input and target in slots 0 and 1. */
static tg_tensor *fused(const char *fn, const fused_loss *f, const tg_tensor *input, const tg_tensor *target,
                        tg_reduction r, double beta)
{
    TG_ARG_OF(fn, input);
    TG_ARG_OF(fn, target);
    if (tg__check_reduction(r, false)) return NULL;
    const tg_tensor *x, *y;
    if (broadcast_pair(input, target, &x, &y)) return NULL;
    tg_dtype dt = tg__result_type(input, target);
    if (!tg__is_floating(dt)) return tg__fail(TG_E_DTYPE, "\"%s\" not implemented for '%s'", f->kernel, tg__dtype_short(dt));
    bool into_input = f->op == TG_OP_HUBER_LOSS;   /* huber's kernel writes in the input's dtype */
    if (into_input && !tg__is_floating(input->dtype))
        return tg__fail(TG_E_DTYPE, "result type %s can't be cast to the desired output type %s", tg__dtype_short(dt),
                        tg__dtype_short(input->dtype));
    tg_tensor *out = NULL;
    TG_NO_GRAD {
        out = tg__reduce_loss(f->value(tg_sub(x, y), beta), r);
        if (out && into_input && out->dtype != input->dtype) out = tg__cast(out, input->dtype);
    }
    if (!out) return NULL;
    loss_params p = {r, beta};
    tg_node *n;
    if (tg__record(out, (tg_record){.op = f->op, .n_saved = 2, TG_PARAMS(p)}, (const tg_tensor *[]){x, y}, 2, &n))
        return NULL;
    if (n) {
        tg__save(n, 0, x);
        tg__save(n, 1, y);
    }
    return out;
}

/* The mean's norm: 1 over the elements of the loss's input, n's input i. */
static double norm_of(const tg_node *n, int i)
{
    const loss_params *p = n->params;
    return p->reduction == TG_MEAN ? 1.0 / (double)tg__numel(n->in_meta[i].shape, n->in_meta[i].ndim) : 1.0;
}

/* slope(x - y) g: the loss's gradient for its input x, recorded with
   inputs (g, x, y) as f's backward node. */
static tg_tensor *fused_backward(const fused_loss *f, const loss_params *p, double norm, tg_tensor *g,
                                 const tg_tensor *x, const tg_tensor *y)
{
    tg_tensor *out = NULL;
    TG_NO_GRAD {
        out = tg_mul(f->slope(tg_sub(x, y), p->beta, norm), g);
    }
    tg_node *n;
    if (!out || tg__record(out, (tg_record){.op = f->backward_op, .n_saved = 3, TG_PARAMS(*p)},
                           (const tg_tensor *[]){g, x, y}, 3, &n))
        return NULL;
    if (n) {
        tg__save(n, 0, g);
        tg__save(n, 1, x);
        tg__save(n, 2, y);
    }
    return out;
}

static int d_fused(const fused_loss *f, tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    tg_tensor *x = SAVED(0), *y = SAVED(1);
    if (!x || !y) return -1;
    /* derivatives.yaml's: for the target the same with input and target
       swapped */
    if (NEED(0)) gi[0] = fused_backward(f, n->params, norm_of(n, 0), g, x, y);
    if (NEED(1)) gi[1] = fused_backward(f, n->params, norm_of(n, 0), g, y, x);
    return tg__derivative_done(n, gi);
}

/* where(d <= -b, lo, where(d >= b, hi, mid)) */
static tg_tensor *three_way(const tg_tensor *d, double b, tg_tensor *lo, tg_tensor *mid, tg_tensor *hi)
{
    if (!d) return NULL;
    tg_tensor *below = tg__compare_scalar(TG_BIN_LE, d, -b), *above = tg__compare_scalar(TG_BIN_GE, d, b);
    return tg_where(below, lo, tg_where(above, hi, mid));
}

/* (|d| < b) times s, as d's dtype; no history */
static tg_tensor *inside(const tg_tensor *d, double b, double s)
{
    tg_tensor *a = d ? tg_abs(d) : NULL, *in = a ? tg__compare_scalar(TG_BIN_LT, a, b) : NULL;
    return in ? tg_mul_scalar(tg_to(in, d->dtype), s) : NULL;
}

static tg_tensor *mse_value(const tg_tensor *d, double beta) { return (void)beta, tg_mul(d, d); }
static tg_tensor *mse_slope(const tg_tensor *d, double beta, double norm) { return (void)beta, tg_mul_scalar(d, 2 * norm); }
static tg_tensor *mse_curvature(const tg_tensor *d, double beta, double norm)
{
    return (void)beta, d ? tg__scalar_tensor(2 * norm, d->dtype) : NULL;
}

/* |d| < beta ? 0.5 d^2 / beta : |d| - 0.5 beta, as PyTorch's kernel */
static tg_tensor *smooth_l1_value(const tg_tensor *d, double beta)
{
    tg_tensor *z = tg_abs(d);
    tg_tensor *in = z ? tg__compare_scalar(TG_BIN_LT, z, beta) : NULL;
    return tg_where(in, tg_div_scalar(tg_mul(tg_mul_scalar(z, 0.5), z), beta), tg_sub_scalar(z, 0.5 * beta));
}
static tg_tensor *smooth_l1_slope(const tg_tensor *d, double beta, double norm)
{
    tg_tensor *one = d ? tg__scalar_tensor(norm, d->dtype) : NULL;
    return three_way(d, beta, tg_neg(one), tg_div_scalar(tg_mul_scalar(d, norm), beta), one);
}
static tg_tensor *smooth_l1_curvature(const tg_tensor *d, double beta, double norm)
{
    return beta == 0 ? tg_zeros_like(d) : inside(d, beta, norm / beta);
}

/* |d| < delta ? 0.5 d^2 : delta (|d| - 0.5 delta) */
static tg_tensor *huber_value(const tg_tensor *d, double delta)
{
    tg_tensor *z = tg_abs(d);
    tg_tensor *in = z ? tg__compare_scalar(TG_BIN_LT, z, delta) : NULL;
    return tg_where(in, tg_mul(tg_mul_scalar(z, 0.5), z), tg_mul_scalar(tg_sub_scalar(z, 0.5 * delta), delta));
}
static tg_tensor *huber_slope(const tg_tensor *d, double delta, double norm)
{
    tg_tensor *edge = d ? tg__scalar_tensor(norm * delta, d->dtype) : NULL;
    return three_way(d, delta, tg_neg(edge), tg_mul_scalar(d, norm), edge);
}
static tg_tensor *huber_curvature(const tg_tensor *d, double delta, double norm) { return inside(d, delta, norm); }

static const fused_loss MSE = {"mse_cpu", TG_OP_MSE_LOSS, TG_OP_MSE_LOSS_BACKWARD, mse_value, mse_slope, mse_curvature};
static const fused_loss SMOOTH_L1 = {"smooth_l1_cpu", TG_OP_SMOOTH_L1_LOSS, TG_OP_SMOOTH_L1_LOSS_BACKWARD,
                                     smooth_l1_value, smooth_l1_slope, smooth_l1_curvature};
static const fused_loss HUBER = {"huber_cpu", TG_OP_HUBER_LOSS, TG_OP_HUBER_LOSS_BACKWARD, huber_value, huber_slope,
                                 huber_curvature};

/* The loss of a row of ops.def: of the loss or of its backward. */
static const fused_loss *fused_of(tg_op op)
{
    if (op == TG_OP_MSE_LOSS || op == TG_OP_MSE_LOSS_BACKWARD) return &MSE;
    return op == TG_OP_HUBER_LOSS || op == TG_OP_HUBER_LOSS_BACKWARD ? &HUBER : &SMOOTH_L1;
}

tg_tensor *tg__loss_backward_again(tg_op op, const void *params, double norm, const tg_tensor *g, const tg_tensor *x,
                                   const tg_tensor *y)
{
    const loss_params *p = params;
    return tg_mul(fused_of(op)->slope(tg_sub(x, y), p->beta, norm), g);
}

tg_tensor *tg__loss_curvature(tg_op op, const void *params, double norm, const tg_tensor *x, const tg_tensor *y)
{
    const loss_params *p = params;
    tg_tensor *c = NULL;
    TG_NO_GRAD { c = fused_of(op)->curvature(tg_sub(x, y), p->beta, norm); }
    return c;
}

/* derivatives.yaml's for the gradient slope(d) gO: for gO the sum of
   gg slope(d) (the engine sums it to gO's shape), for x (gg gO) times the
   curvature, for y its negation. */
int tg__d_fused_loss_backward(tg_node *n, tg_tensor *gg, tg_tensor **gi)
{
    const fused_loss *f = fused_of(n->op);
    const loss_params *p = n->params;
    tg_tensor *g = SAVED(0), *x = SAVED(1), *y = SAVED(2);
    if (!g || !x || !y) return -1;
    double norm = norm_of(n, 1);
    if (NEED(0)) gi[0] = tg_mul(gg, f->slope(tg_sub(x, y), p->beta, norm));
    if (NEED(1) || NEED(2)) {
        tg_tensor *c = NULL;
        TG_NO_GRAD { c = f->curvature(tg_sub(x, y), p->beta, norm); }
        /* PyTorch's guard against dividing by beta 0 returns plain zeros */
        bool zero = f == &SMOOTH_L1 && p->beta == 0;
        tg_tensor *d = zero ? tg_zeros_like(gg) : tg_mul(tg_mul(gg, g), c);
        if (NEED(1)) gi[1] = d;
        if (NEED(2)) gi[2] = tg_neg(d);
    }
    return tg__derivative_done(n, gi);
}

tg_tensor *tg_mse_loss(const tg_tensor *input, const tg_tensor *target)
{
    return fused(__func__, &MSE, input, target, TG_MEAN, 0);
}
tg_tensor *tg_mse_loss_ex(const tg_tensor *input, const tg_tensor *target, tg_reduction r)
{
    return fused(__func__, &MSE, input, target, r, 0);
}
int tg__d_mse_loss(tg_node *n, tg_tensor *g, tg_tensor **gi) { return d_fused(&MSE, n, g, gi); }

tg_tensor *tg_smooth_l1_loss(const tg_tensor *input, const tg_tensor *target, tg_reduction r, double beta)
{
    if (beta < 0) return tg__fail(TG_E_INVALID, "smooth_l1_loss does not support negative values for beta.");
    return fused(__func__, &SMOOTH_L1, input, target, r, beta);
}
int tg__d_smooth_l1_loss(tg_node *n, tg_tensor *g, tg_tensor **gi) { return d_fused(&SMOOTH_L1, n, g, gi); }

tg_tensor *tg_huber_loss(const tg_tensor *input, const tg_tensor *target, tg_reduction r, double delta)
{
    if (!(delta > 0)) return tg__fail(TG_E_INVALID, "huber_loss does not support non-positive values for delta.");
    return fused(__func__, &HUBER, input, target, r, delta);
}
int tg__d_huber_loss(tg_node *n, tg_tensor *g, tg_tensor **gi) { return d_fused(&HUBER, n, g, gi); }

/* PyTorch's composition: the reduction of abs(input - target). */
static tg_tensor *l1_loss(const char *fn, const tg_tensor *input, const tg_tensor *target, tg_reduction r)
{
    TG_ARG_OF(fn, input);
    TG_ARG_OF(fn, target);
    if (tg__check_reduction(r, false)) return NULL;
    const tg_tensor *x, *y;
    if (broadcast_pair(input, target, &x, &y)) return NULL;
    return tg__reduce_loss(tg_abs(tg_sub(x, y)), r);
}

tg_tensor *tg_l1_loss(const tg_tensor *input, const tg_tensor *target) { return l1_loss(__func__, input, target, TG_MEAN); }
tg_tensor *tg_l1_loss_ex(const tg_tensor *input, const tg_tensor *target, tg_reduction r)
{
    return l1_loss(__func__, input, target, r);
}

/* ------------------------------------------- kl_div, margin_ranking_loss */

/* torch.kl_div's composition, with F.kl_div's warning for the mean and
   its batchmean (the sum divided by the size of dim 0, as a Python
   number: DivBackward0). */
tg_tensor *tg_kl_div(const tg_tensor *input, const tg_tensor *target, tg_reduction r, bool log_target)
{
    TG_ARG(input);
    TG_ARG(target);
    if (tg__check_reduction(r, true)) return NULL;
    if (r == TG_MEAN)
        tg__warn("reduction: 'mean' divides the total loss by both the batch size and the support size.'batchmean' "
                 "divides only by the batch size, and aligns with the KL div math definition.'mean' will be changed "
                 "to behave the same as 'batchmean' in the next major release.");
    if (!tg__is_floating(input->dtype) || !tg__is_floating(target->dtype))
        return tg__fail(TG_E_DTYPE, "kl_div: Integral inputs not supported.");
    tg_tensor *loss = log_target ? tg_mul(tg_exp(target), tg_sub(target, input))
                                 : tg_sub(tg_xlogy(target, target), tg_mul(target, input));
    if (r != TG_BATCHMEAN) return tg__reduce_loss(loss, r);
    tg_tensor *sum = tg_sum(loss);
    return input->ndim ? tg_div_scalar(sum, (double)input->shape[0]) : sum;
}

/* PyTorch's composition (-y * (x1 - x2) + margin).clamp_min_(0), after
   F.margin_ranking_loss's check of the dims. */
tg_tensor *tg_margin_ranking_loss(const tg_tensor *x1, const tg_tensor *x2, const tg_tensor *y, double margin,
                                  tg_reduction r)
{
    TG_ARG(x1);
    TG_ARG(x2);
    TG_ARG(y);
    if (tg__check_reduction(r, false)) return NULL;
    if (x1->ndim != x2->ndim || x1->ndim != y->ndim) {
        char a[300], b[300], c[300];
        return tg__fail(TG_E_SHAPE,
                        "margin_ranking_loss : All input tensors should have same dimension but got sizes: input1: %s, "
                        "input2: %s, target: %s ",
                        tg__shape_text(x1->shape, x1->ndim, "torch.Size([", "])", a, sizeof a),
                        tg__shape_text(x2->shape, x2->ndim, "torch.Size([", "])", b, sizeof b),
                        tg__shape_text(y->shape, y->ndim, "torch.Size([", "])", c, sizeof c));
    }
    tg_tensor *minus_y = tg_neg(y);
    tg_tensor *unclamped = tg__add_scalar_node(tg_mul(minus_y, tg_sub(x1, x2)), margin);
    return tg__reduce_loss(tg_clamp_min(unclamped, 0), r);
}
