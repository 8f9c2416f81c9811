/* Binary cross entropy, of probabilities and of logits, with weights and
   PyTorch's reductions (ops/loss.c has the reductions they share). */
#include "ops.h"

/* reduction first: forward AD's rules read it (ops/tangents_nn.c) */
typedef struct bce_params {
    tg_reduction reduction;
    bool weighted, pos_weighted;
} bce_params;

/* A weight multiplied into the loss t in place (loss.mul_(weight)): it
   must broadcast to t's shape without growing it. */
static int check_weight_fits(const tg_tensor *t, const tg_tensor *w)
{
    if (!w) return 0;
    int64_t shape[TG_MAX_DIMS];
    int nd;
    return tg__broadcast_shapes(t->shape, t->ndim, w->shape, w->ndim, shape, &nd) || tg__check_fits(t, shape, nd) ? -1 : 0;
}

/* t in dtype dt: the loss's dtype, kept when PyTorch multiplies it in place
   by a weight of another dtype. */
static tg_tensor *in_dtype(tg_tensor *t, tg_dtype dt) { return t && t->dtype != dt ? tg__cast(t, dt) : t; }

/* Records the node of a binary cross entropy: edges to input and target,
   saving input, target, and the weights given (slots 2 and 3), which are
   also the record's tangent_ctx. */
static tg_tensor *record_bce(tg_op op, tg_tensor *out, bce_params p, const tg_tensor *input, const tg_tensor *target,
                             const tg_tensor *weight, const tg_tensor *pos_weight)
{
    tg_node *n;
    const tg_tensor *weights[2] = {weight, pos_weight};
    if (tg__record(out, (tg_record){.op = op, .n_saved = 4, TG_PARAMS(p), .tangent_ctx = weights},
                   (const tg_tensor *[]){input, target}, 2, &n))
        return NULL;
    if (!n) return out;
    tg__save(n, 0, input);
    tg__save(n, 1, target);
    if (weight) tg__save(n, 2, weight);
    if (pos_weight) tg__save(n, 3, pos_weight);
    return out;
}

/* A gradient v (already times g) times the weight, divided by count (0:
   not divided), in PyTorch's order. */
static tg_tensor *scale(tg_tensor *v, const tg_tensor *weight, double count)
{
    if (weight) v = tg_mul(v, weight);
    if (count) v = tg_div_scalar(v, count);
    return v;
}

/* The elements of n's input for the mean, else 0. */
static double mean_count(const tg_node *n)
{
    const bce_params *p = n->params;
    return p->reduction == TG_MEAN ? (double)tg__numel(n->in_meta[0].shape, n->in_meta[0].ndim) : 0;
}

/* The saved weights: NULL where none was given; -1 when one failed. */
static int saved_weights(tg_node *n, tg_tensor **weight, tg_tensor **pos_weight)
{
    const bce_params *p = n->params;
    *weight = p->weighted ? SAVED(2) : NULL;
    *pos_weight = p->pos_weighted ? SAVED(3) : NULL;
    return (p->weighted && !*weight) || (p->pos_weighted && !*pos_weight) ? -1 : 0;
}

static tg_tensor *bce(const char *fn, const tg_tensor *input, const tg_tensor *target, const tg_tensor *weight,
                      tg_reduction r)
{
    TG_ARG_OF(fn, input);
    TG_ARG_OF(fn, target);
    if (tg__check_reduction(r, false)) return NULL;
    char a[300], b[300];
    if (!tg__same_shape(input->shape, input->ndim, target->shape, target->ndim))
        return tg__fail(TG_E_SHAPE,
                        "Using a target size (%s) that is different to the input size (%s) is deprecated. Please "
                        "ensure they have the same size.",
                        tg__shape_text(target->shape, target->ndim, "torch.Size([", "])", a, sizeof a),
                        tg__shape_text(input->shape, input->ndim, "torch.Size([", "])", b, sizeof b));
    const tg_tensor *w = weight;
    if (weight) {   /* F.binary_cross_entropy expands it to _infer_size(target, weight) */
        int64_t shape[TG_MAX_DIMS];
        int nd;
        if (tg__broadcast_shapes(target->shape, target->ndim, weight->shape, weight->ndim, shape, &nd)) return NULL;
        if (!(w = tg_expand(weight, shape, nd))) return NULL;
    }
    if (tg__check_weight_grad("binary_cross_entropy", "weight", w)) return NULL;
    if (!tg__is_floating(input->dtype))
        return tg__fail(TG_E_DTYPE, "\"binary_cross_entropy\" not implemented for '%s'", tg__dtype_short(input->dtype));
    if (target->dtype != input->dtype)
        return tg__fail(TG_E_DTYPE, "Found dtype %s but expected %s", tg__dtype_short(target->dtype),
                        tg__dtype_short(input->dtype));
    int outside = 0;
    TG_NO_GRAD {
        tg_tensor *bad = tg_logical_or(tg_logical_or(tg_lt_scalar(input, 0), tg_gt_scalar(input, 1)), tg__isnan(input));
        outside = bad ? tg__any_nonzero(bad) : -1;
    }
    if (outside < 0) return NULL;
    if (outside) return tg__fail(TG_E_INVALID, "all elements of input should be between 0 and 1");
    if (check_weight_fits(input, w)) return NULL;
    tg_tensor *out = NULL;
    TG_NO_GRAD {
        /* (y - 1) max(log1p(-x), -100) - y max(log(x), -100), as PyTorch's kernel */
        tg_tensor *log_x = tg_clamp_min(tg_log(input), -100), *log_1mx = tg_clamp_min(tg_log1p(tg_neg(input)), -100);
        tg_tensor *loss = tg_sub(tg_mul(tg_sub_scalar(target, 1), log_1mx), tg_mul(target, log_x));
        out = tg__reduce_loss(in_dtype(w ? tg_mul(loss, w) : loss, input->dtype), r);
    }
    bce_params p = {r, w != NULL, false};
    return out ? record_bce(TG_OP_BCE, out, p, input, target, w, NULL) : NULL;
}

tg_tensor *tg_binary_cross_entropy(const tg_tensor *input, const tg_tensor *target)
{
    return bce(__func__, input, target, NULL, TG_MEAN);
}

tg_tensor *tg_binary_cross_entropy_ex(const tg_tensor *input, const tg_tensor *target, const tg_tensor *weight,
                                      tg_reduction r)
{
    return bce(__func__, input, target, weight, r);
}

/* input: g (x - y) / max(x (1 - x), 1e-12); target: (log(1 - x) -
   log(x)) g (PyTorch's -logit(x)); each times the weight, over the count
   for the mean. */
static tg_tensor *bce_gradient(int which, const tg_tensor *g, const tg_tensor *x, const tg_tensor *y,
                               const tg_tensor *w, double count)
{
    if (which == 0) return scale(tg_div(tg_mul(g, tg_sub(x, y)), tg_clamp_min(tg_mul(tg_rsub_scalar(x, 1), x), 1e-12)), w, count);
    return scale(tg_mul(tg_sub(tg_log1p(tg_neg(x)), tg_log(x)), g), w, count);
}

int tg__d_bce(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    /* in float for half tensors, as their float composition (Note [Half in float]) */
    tg_tensor *x = tg__widened(SAVED(0)), *y = tg__widened(SAVED(1)), *w, *unused;
    if (!x || !y || !(g = tg__widened(g)) || saved_weights(n, &w, &unused) || (w && !(w = tg__widened(w)))) return -1;
    if (NEED(0)) gi[0] = bce_gradient(0, g, x, y, w, mean_count(n));
    if (NEED(1)) gi[1] = bce_gradient(1, g, x, y, w, mean_count(n));
    return tg__derivative_done(n, gi);
}

static tg_tensor *bce_logits(const char *fn, const tg_tensor *input, const tg_tensor *target, const tg_tensor *weight,
                             const tg_tensor *pos_weight, tg_reduction r)
{
    TG_ARG_OF(fn, input);
    TG_ARG_OF(fn, target);
    if (tg__check_reduction(r, false)) return NULL;
    if (!tg__same_shape(input->shape, input->ndim, target->shape, target->ndim)) {
        char a[256], b[256];
        return tg__fail(TG_E_SHAPE, "Target size (torch.Size(%s)) must be the same as input size (torch.Size(%s))",
                        tg__shape_str(target->shape, target->ndim, a, sizeof a),
                        tg__shape_str(input->shape, input->ndim, b, sizeof b));
    }
    if (tg__check_weight_grad("binary_cross_entropy_with_logits", "weight", weight) ||
        tg__check_weight_grad("binary_cross_entropy_with_logits", "pos_weight", pos_weight))
        return NULL;
    /* PyTorch's messages come from the in-place steps of its formula: exp_ of
       an integer input, (1 - target).mul_(input) for an integer target. */
    if (input->dtype == TG_BOOL)   /* from -input */
        return tg__fail(TG_E_DTYPE, "Negation, the `-` operator, on a bool tensor is not supported. If you are "
                                    "trying to invert a mask, use the `~` or `logical_not()` operator instead.");
    if (!tg__is_floating(input->dtype))
        return tg__fail(TG_E_DTYPE, "result type Float can't be cast to the desired output type %s",
                        tg__dtype_short(input->dtype));
    if (target->dtype == TG_BOOL)   /* C++'s 1 - target makes the 1 a bool too */
        return tg__fail(TG_E_DTYPE, "Subtraction, the `-` operator, with two bool tensors is not supported. "
                                    "Use the `^` or `logical_xor()` operator instead.");
    if (!tg__is_floating(target->dtype))
        return tg__fail(TG_E_DTYPE, "result type %s can't be cast to the desired output type %s",
                        tg__dtype_short(input->dtype), tg__dtype_short(target->dtype));
    tg_tensor *out = NULL;
    /* (1 - y) x + m + log(exp(-m) + exp(-x - m)) with m = max(-x, 0), stable
       for any x; with pos_weight p, (1 - y) x + (1 + (p - 1) y) (log(...) + m),
       in PyTorch's order. */
    TG_NO_GRAD {
        tg_tensor *m = tg_relu(tg_neg(input));
        tg_tensor *lse = tg_log(tg_add(tg_exp(tg_neg(m)), tg_exp(tg_sub(tg_neg(input), m))));
        tg_tensor *linear = tg_mul(tg_rsub_scalar(target, 1), input), *loss = NULL;
        if (!pos_weight) {
            loss = tg_add(tg_add(linear, m), lse);
        } else {
            tg_tensor *log_weight = tg_add_scalar(tg_mul(tg_sub_scalar(pos_weight, 1), target), 1);
            if (log_weight && !check_weight_fits(target, log_weight))
                loss = tg_add(linear, tg_mul(log_weight, tg_add(lse, m)));
        }
        /* in target's dtype, like PyTorch's loss: (1 - target).mul_(input)... */
        loss = in_dtype(loss, target->dtype);
        if (loss && !check_weight_fits(loss, weight))
            out = tg__reduce_loss(in_dtype(weight ? tg_mul(loss, weight) : loss, target->dtype), r);
    }
    bce_params p = {r, weight != NULL, pos_weight != NULL};
    return out ? record_bce(TG_OP_BCE_LOGITS, out, p, input, target, weight, pos_weight) : NULL;
}

tg_tensor *tg_binary_cross_entropy_with_logits(const tg_tensor *input, const tg_tensor *target)
{
    return bce_logits(__func__, input, target, NULL, NULL, TG_MEAN);
}

tg_tensor *tg_binary_cross_entropy_with_logits_ex(const tg_tensor *input, const tg_tensor *target,
                                                  const tg_tensor *weight, const tg_tensor *pos_weight,
                                                  tg_reduction r)
{
    return bce_logits(__func__, input, target, weight, pos_weight, r);
}

/* input: (sigmoid(x) - y), or with pos_weight p ((p y + 1 - y) sigmoid(x)
   - p y); target: -x, or log_sigmoid(-x) - p log_sigmoid(x); each times g
   and the weight, over the count for the mean. */
static tg_tensor *bce_logits_gradient(int which, const tg_tensor *g, const tg_tensor *x, const tg_tensor *y,
                                      const tg_tensor *w, const tg_tensor *pw, double count)
{
    if (which == 0) {
        tg_tensor *py = pw ? tg_mul(pw, y) : NULL;
        tg_tensor *d = pw ? tg_sub(tg_mul(tg_sub(tg_add_scalar(py, 1), y), tg_sigmoid(x)), py) : tg_sub(tg_sigmoid(x), y);
        return scale(tg_mul(d, g), w, count);
    }
    tg_tensor *d = pw ? tg_sub(tg_logsigmoid(tg_neg(x)), tg_mul(tg_logsigmoid(x), pw)) : tg_neg(x);
    return scale(tg_mul(d, g), w, count);
}

int tg__d_bce_logits(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    tg_tensor *x = SAVED(0), *y = SAVED(1), *w, *pw;
    if (!x || !y || saved_weights(n, &w, &pw)) return -1;
    if (NEED(0)) gi[0] = bce_logits_gradient(0, g, x, y, w, pw, mean_count(n));
    if (NEED(1)) gi[1] = bce_logits_gradient(1, g, x, y, w, pw, mean_count(n));
    return tg__derivative_done(n, gi);
}

tg_tensor *tg__bce_gradient_again(tg_op op, int which, const tg_tensor *g, const tg_tensor *x, const tg_tensor *y,
                                  const tg_tensor *const *weights)
{
    if (op == TG_OP_BCE) return bce_gradient(which, g, x, y, weights[0], 0);
    return bce_logits_gradient(which, g, x, y, weights[0], weights[1], 0);
}
