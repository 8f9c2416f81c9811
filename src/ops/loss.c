/* Loss functions with mean reduction. */
#include "ops.h"

/* Records a loss with mean reduction: saves input (slot 0) and target
   (slot 1). */
static tg_tensor *record_loss(tg_op op, tg_tensor *out, const tg_tensor *input, const tg_tensor *target)
{
    tg_node *n;
    if (tg__record(out, (tg_record){.op = op, .n_saved = 2}, (const tg_tensor *[]){input, target}, 2, &n)) return NULL;
    if (!n) return out;
    tg__save(n, 0, input);
    tg__save(n, 1, target);
    return out;
}

/* The count the mean divided by: the elements of the input. */
static double mean_count(const tg_node *n) { return (double)tg__numel(n->in_meta[0].shape, n->in_meta[0].ndim); }

tg_tensor *tg_binary_cross_entropy_with_logits(const tg_tensor *input, const tg_tensor *target)
{
    TG_ARG(input);
    TG_ARG(target);
    if (!tg__same_shape(input->shape, input->ndim, target->shape, target->ndim)) {
        char a[256], b[256];
        return tg__fail(TG_E_SHAPE, "Target size (torch.Size(%s)) must be the same as input size (torch.Size(%s))",
                        tg__shape_str(target->shape, target->ndim, a, sizeof a),
                        tg__shape_str(input->shape, input->ndim, b, sizeof b));
    }
    /* PyTorch's messages come from the in-place steps of its formula: exp_ of
       an integer input, (1 - target).mul_(input) for an integer target. */
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
    /* (1 - y) x + m + log(exp(-m) + exp(-x - m)) with m = max(-x, 0): stable for any x. */
    TG_NO_GRAD {
        tg_tensor *m = tg_relu(tg_neg(input));
        tg_tensor *lse = tg_log(tg_add(tg_exp(tg_neg(m)), tg_exp(tg_sub(tg_neg(input), m))));
        out = tg_mean(tg_add(tg_add(tg_mul(tg_rsub_scalar(target, 1), input), m), lse));
    }
    /* In target's dtype, like PyTorch's loss: (1 - target).mul_(input)... */
    if (out && out->dtype != target->dtype) out = tg__cast(out, target->dtype);
    return out ? record_loss(TG_OP_BCE_LOGITS, out, input, target) : NULL;
}

int tg__d_bce_logits(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    tg_tensor *x = SAVED(0), *y = SAVED(1);
    if (!x || !y) return -1;
    tg_tensor *scale = tg_div_scalar(g, mean_count(n));
    if (NEED(0)) gi[0] = tg_mul(tg_sub(tg_sigmoid(x), y), scale);
    if (NEED(1)) gi[1] = tg_mul(tg_neg(x), scale);
    return tg__derivative_done(n, gi);
}

tg_tensor *tg_mse_loss(const tg_tensor *input, const tg_tensor *target)
{
    TG_ARG(input);
    TG_ARG(target);
    if (!tg__same_shape(input->shape, input->ndim, target->shape, target->ndim)) {   /* PyTorch's F.mse_loss warns */
        char a[300], b[300];
        tg__warn("Using a target size (%s) that is different to the input size (%s). This will likely lead to "
                 "incorrect results due to broadcasting. Please ensure they have the same size.",
                 tg__shape_text(target->shape, target->ndim, "torch.Size([", "])", a, sizeof a),
                 tg__shape_text(input->shape, input->ndim, "torch.Size([", "])", b, sizeof b));
    }
    int64_t shape[TG_MAX_DIMS];
    int nd;
    if (tg__broadcast_shapes(input->shape, input->ndim, target->shape, target->ndim, shape, &nd)) return NULL;
    tg_dtype dt = tg__result_type(input, target);
    if (!tg__is_floating(dt)) return tg__fail(TG_E_DTYPE, "\"mse_cpu\" not implemented for '%s'", tg__dtype_short(dt));
    const tg_tensor *x = input, *y = target;
    if (!tg__same_shape(shape, nd, input->shape, input->ndim)) x = tg_expand(input, shape, nd);
    if (!tg__same_shape(shape, nd, target->shape, target->ndim)) y = tg_expand(target, shape, nd);
    if (!x || !y) return NULL;
    tg_tensor *out = NULL;
    TG_NO_GRAD {
        tg_tensor *d = tg_sub(x, y);
        out = tg_mean(tg_mul(d, d));
    }
    return out ? record_loss(TG_OP_MSE_LOSS, out, x, y) : NULL;
}

int tg__d_mse_loss(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    tg_tensor *x = SAVED(0), *y = SAVED(1);
    if (!x || !y) return -1;
    tg_tensor *d = tg_mul(tg_mul_scalar(tg_sub(x, y), 2.0 / mean_count(n)), g);
    if (NEED(0)) gi[0] = d;
    if (NEED(1)) gi[1] = tg_neg(d);
    return tg__derivative_done(n, gi);
}
