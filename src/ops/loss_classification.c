/* nll_loss (NllLossBackward0, NllLoss2DBackward0) and cross_entropy,
   composed as PyTorch composes it: over class indices, with label
   smoothing, or over class probabilities. */
#include "ops.h"

tg_ce_opts tg_ce_defaults(void) { return (tg_ce_opts){.ignore_index = -100, .reduction = TG_MEAN}; }

typedef struct nll_params {
    int64_t ignore_index;
    tg_reduction reduction;
    bool weighted;
} nll_params;

/* PyTorch's names and messages for the two kernels. */
typedef struct nll_def {
    tg_op op;
    const char *function;   /* autograd's, in the weight's requires_grad error */
    const char *kernel;     /* the dtype error's */
} nll_def;

static const nll_def NLL = {TG_OP_NLL_LOSS, "nll_loss_forward", "nll_loss_out_frame"};
static const nll_def NLL2D = {TG_OP_NLL_LOSS2D, "nll_loss2d_forward", "nll_loss2d_forward_out_frame"};

/* nll_loss's checks of the shapes (1-D or 2-D input), in PyTorch's order. */
static int check_nll_shapes(const tg_tensor *input, const tg_tensor *target, const tg_tensor *weight)
{
    char a[256], b[256];
    if (target->ndim > 1)
        return tg__faili(TG_E_SHAPE, "0D or 1D target tensor expected, multi-target not supported");
    bool no_batch = input->ndim == 1 && target->ndim == 0;
    if (!no_batch && (target->ndim == 0 || input->shape[0] != target->shape[0]))
        return tg__faili(TG_E_SHAPE, "size mismatch (got input: %s, target: %s)",
                         tg__shape_str(input->shape, input->ndim, a, sizeof a),
                         tg__shape_str(target->shape, target->ndim, b, sizeof b));
    int64_t classes = input->shape[input->ndim - 1];
    if (weight && (weight->ndim != 1 || weight->shape[0] != classes))
        return tg__faili(TG_E_SHAPE,
                         "weight tensor should be defined either for all %lld classes or no classes but got weight "
                         "tensor of shape: %s",
                         (long long)classes, tg__shape_str(weight->shape, weight->ndim, a, sizeof a));
    return 0;
}

/* nll_loss2d's (4-D input). */
static int check_nll2d_shapes(const tg_tensor *input, const tg_tensor *target, const tg_tensor *weight)
{
    if (target->ndim != 3)
        return tg__faili(TG_E_SHAPE,
                         "only batches of spatial targets supported (3D tensors) but got targets of dimension: %d",
                         target->ndim);
    if (weight && tg_numel(weight) != input->shape[1])
        return tg__faili(TG_E_SHAPE, "weight tensor should be defined either for all or no classes");
    if (input->shape[0] != target->shape[0] || input->shape[2] != target->shape[1] ||
        input->shape[3] != target->shape[2]) {
        char a[256], b[256];
        return tg__faili(TG_E_SHAPE, "size mismatch (got input: %s , target: %s",
                         tg__shape_str(input->shape, input->ndim, a, sizeof a),
                         tg__shape_str(target->shape, target->ndim, b, sizeof b));
    }
    return 0;
}

/* Each target (TG_I64, dense; in order) in [0, classes) or ignored. */
static int targets_in_range(const tg_tensor *values, int64_t classes, int64_t ignore_index)
{
    const int64_t *v = (const int64_t *)tg__ptr(values);
    for (int64_t k = 0; k < tg_numel(values); k++)
        if (v[k] != ignore_index && (v[k] < 0 || v[k] >= classes))
            return tg__faili(TG_E_INDEX, "Target %lld is out of bounds.", (long long)v[k]);
    return 0;
}

/* While recording (Note [Capture] in core/capture.c) the check runs again
   on every replay, before anything is written when the targets are the
   user's. */
typedef struct targets_check {
    tg_captured values;
    int64_t classes, ignore_index;
} targets_check;

static int check_targets_again(void *p)
{
    targets_check *c = p;
    return targets_in_range(&c->values.t, c->classes, c->ignore_index);
}

static void record_targets_check(const tg_tensor *values, int64_t classes, int64_t ignore_index)
{
    targets_check *c = tg__capture_thunk(check_targets_again, sizeof *c, !tg__capture_owns(values->storage));
    if (!c) return;
    tg__capture_tensor(&c->values, values);
    c->classes = classes;
    c->ignore_index = ignore_index;
}

/* The kernels' checks: dtypes, then each target (in order) in [0, C) or
   ignored. */
static int check_nll_values(const nll_def *d, const tg_tensor *input, const tg_tensor *target,
                            const tg_tensor *weight, int64_t ignore_index)
{
    if (!tg__is_floating(input->dtype))
        return tg__faili(TG_E_DTYPE, "\"%s\" not implemented for '%s'", d->kernel, tg__dtype_short(input->dtype));
    if (target->dtype != TG_I64)
        return tg__faili(TG_E_DTYPE, "expected scalar type Long but found %s", tg__dtype_short(target->dtype));
    if (weight && weight->dtype != input->dtype)
        return tg__faili(TG_E_DTYPE, "expected scalar type %s but found %s", tg__dtype_short(input->dtype),
                         tg__dtype_short(weight->dtype));
    int64_t classes = input->shape[input->ndim == 1 ? 0 : 1];
    tg_tensor *values = tg__cast(target, TG_I64);
    if (!values) return -1;
    if (tg__capture_on()) record_targets_check(values, classes, ignore_index);
    return targets_in_range(values, classes, ignore_index);
}

/* The weight of each target (1 without weights) where it is not ignored,
   0 where it is, in dtype dt; *valid gets where it is not, *safe the
   targets with the ignored ones made 0 (to index with). No history. */
static tg_tensor *target_weights(const tg_tensor *target, const tg_tensor *weight, int64_t ignore_index, tg_dtype dt,
                                 tg_tensor **valid, tg_tensor **safe)
{
    *valid = tg__compare_scalar(TG_BIN_NE, target, (double)ignore_index);
    *safe = tg_where(*valid, target, tg__scalar_tensor(0, TG_I64));
    tg_tensor *w = tg__scalar_tensor(1, dt);
    if (weight) {
        tg_tensor *picked = *safe ? tg_index_select(weight, 0, tg_flatten(*safe, 0, -1)) : NULL;
        w = picked ? tg_reshape(picked, (*safe)->shape, (*safe)->ndim) : NULL;
    }
    return tg_where(*valid, w, tg__scalar_tensor(0, dt));
}

/* nll_loss of input (C), (N, C) or (N, C, H, W) at target (), (N) or
   (N, H, W), checked, with d's node; the arguments' NULL checks are the
   caller's. */
static tg_tensor *nll(const nll_def *d, const tg_tensor *input, const tg_tensor *target, const tg_tensor *weight,
                      tg_reduction r, int64_t ignore_index)
{
    if (tg__check_weight_grad(d->function, "weight", weight)) return NULL;
    if ((d->op == TG_OP_NLL_LOSS ? check_nll_shapes : check_nll2d_shapes)(input, target, weight) ||
        check_nll_values(d, input, target, weight, ignore_index))
        return NULL;
    tg_tensor *out = NULL, *total_weight = NULL;
    tg__tangents_pause();   /* its own rule gives the tangent (ops/tangents_nn.c) */
    TG_NO_GRAD {
        /* as (N, C, ...) and (N, ...) */
        const tg_tensor *x = input->ndim == 1 ? tg_unsqueeze(input, 0) : input;
        const tg_tensor *t = target->ndim == 0 ? tg_unsqueeze(target, 0) : target;
        tg_tensor *valid = NULL, *safe = NULL;
        tg_tensor *w = t ? target_weights(t, weight, ignore_index, input->dtype, &valid, &safe) : NULL;
        tg_tensor *picked = w ? tg_squeeze_dim(tg_gather(x, 1, tg_unsqueeze(safe, 1)), 1) : NULL;
        tg_tensor *losses = tg_where(valid, tg_neg(tg_mul(picked, w)), tg__scalar_tensor(0, input->dtype));
        total_weight = tg_sum(w);
        if (r == TG_MEAN) out = tg_div(tg_sum(losses), total_weight);
        else if (r == TG_SUM) out = tg_sum(losses);
        else out = losses ? tg_reshape(losses, target->shape, target->ndim) : NULL;
    }
    tg__tangents_resume();
    if (!out || !total_weight) return NULL;
    nll_params p = {ignore_index, r, weight != NULL};
    const tg_tensor *target_and_weight[2] = {target, weight};
    tg_node *n;
    if (tg__record(out, (tg_record){.op = d->op, .n_saved = 4, TG_PARAMS(p), .tangent_ctx = target_and_weight}, &input,
                   1, &n))
        return NULL;
    if (n) {
        tg__save(n, 0, input);
        tg__save(n, 1, target);
        tg__save(n, 2, total_weight);
        if (weight) tg__save(n, 3, weight);
    }
    return out;
}

/* PyTorch's nll_loss_backward: -w[t] g (over the total weight for the
   mean) at each target's class, 0 elsewhere; recorded (inputs g and the
   loss's input) as NllLossBackwardBackward0 or NllLoss2DBackwardBackward0,
   so that a gradient taken with create_graph has PyTorch's graph. */
static tg_tensor *nll_backward(tg_node *n, tg_tensor *g, const tg_tensor *x, const tg_tensor *t,
                               const tg_tensor *total, const tg_tensor *w)
{
    const nll_params *p = n->params;
    tg_tensor *out = NULL;
    tg__tangents_pause();   /* forward AD fails at the record, as PyTorch's, which has no rule */
    TG_NO_GRAD {
        tg_tensor *x2 = x->ndim == 1 ? tg_unsqueeze(x, 0) : tg__share(x);
        tg_tensor *t2 = t->ndim == 0 ? tg_unsqueeze(t, 0) : tg__share(t);
        tg_tensor *valid = NULL, *safe = NULL;
        tg_tensor *wt = t2 ? target_weights(t2, w, p->ignore_index, x->dtype, &valid, &safe) : NULL, *v;
        /* PyTorch's order: -w g, or w times -(g / total) (-g for the sum) */
        if (p->reduction == TG_NONE) v = wt ? tg_mul(tg_neg(wt), tg_reshape(g, t2->shape, t2->ndim)) : NULL;
        else v = tg_mul(wt, tg_neg(p->reduction == TG_MEAN ? tg_div(g, total) : g));
        v = tg_where(valid, v, tg__scalar_tensor(0, x->dtype));
        tg_tensor *zeros = x2 ? tg_zeros(x2->shape, x2->ndim, x2->dtype) : NULL;
        tg_tensor *d = v ? tg_scatter(zeros, 1, tg_unsqueeze(safe, 1), tg_unsqueeze(v, 1)) : NULL;
        out = d ? tg_reshape(d, x->shape, x->ndim) : NULL;
    }
    tg__tangents_resume();
    tg_op op = n->op == TG_OP_NLL_LOSS ? TG_OP_NLL_LOSS_BACKWARD : TG_OP_NLL_LOSS2D_BACKWARD;
    tg_node *m;
    if (!out || tg__record(out, (tg_record){.op = op, .n_saved = 3, TG_PARAMS(*p)}, (const tg_tensor *[]){g, x}, 2, &m))
        return NULL;
    if (m) {
        tg__save(m, 0, t);
        tg__save(m, 1, total);
        if (w) tg__save(m, 2, w);
    }
    return out;
}

int tg__d_nll_loss(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    const nll_params *p = n->params;
    tg_tensor *x = SAVED(0), *t = SAVED(1), *total = SAVED(2), *w = p->weighted ? SAVED(3) : NULL;
    if (!x || !t || !total || (p->weighted && !w)) return -1;
    gi[0] = nll_backward(n, g, x, t, total, w);
    return gi[0] ? 0 : -1;
}

/* derivatives.yaml's: for grad_output nll_loss of the gradient's gradient
   (at the same targets), for self zeros. */
int tg__d_nll_loss_backward(tg_node *n, tg_tensor *gg, tg_tensor **gi)
{
    const nll_params *p = n->params;
    tg_tensor *t = SAVED(0), *w = p->weighted ? SAVED(2) : NULL;
    if (!t || (p->weighted && !w)) return -1;
    const nll_def *d = n->op == TG_OP_NLL_LOSS_BACKWARD ? &NLL : &NLL2D;
    if (NEED(0)) gi[0] = nll(d, gg, t, w, p->reduction, p->ignore_index);
    if (NEED(1)) gi[1] = tg_zeros_like(gg);
    return tg__derivative_done(n, gi);
}

tg_tensor *tg__nll_again(tg_op op, const tg_tensor *x, const tg_tensor *const *target_and_weight, const void *params)
{
    const nll_params *p = params;
    return nll(op == TG_OP_NLL_LOSS ? &NLL : &NLL2D, x, target_and_weight[0], target_and_weight[1], p->reduction,
               p->ignore_index);
}

/* PyTorch's nll_loss_nd: 1-D and 2-D inputs go to nll_loss, 4-D ones to
   nll_loss2d, others are viewed as (N, C, 1, -1) for nll_loss2d (and its
   unreduced result viewed back), recorded as PyTorch records them. */
static tg_tensor *nll_nd(const tg_tensor *input, const tg_tensor *target, const tg_tensor *weight, tg_reduction r,
                         int64_t ignore_index)
{
    if (input->ndim < 1) return tg__fail(TG_E_SHAPE, "Expected 1 or more dimensions (got 0)");
    int64_t batch = target->ndim ? target->shape[0] : 0;   /* PyTorch reads 0 for a 0-dim target */
    if (input->ndim != 1 && input->shape[0] != batch)
        return tg__fail(TG_E_SHAPE, "Expected input batch_size (%lld) to match target batch_size (%lld).",
                        (long long)input->shape[0], (long long)batch);
    if (input->ndim <= 2) return nll(&NLL, input, target, weight, r, ignore_index);
    if (input->ndim == 4) return nll(&NLL2D, input, target, weight, r, ignore_index);
    int64_t out_size[TG_MAX_DIMS] = {input->shape[0]};
    for (int i = 2; i < input->ndim; i++) out_size[i - 1] = input->shape[i];
    if (!tg__same_shape(target->shape, target->ndim, out_size, input->ndim - 1)) {
        char a[256], b[256];
        return tg__fail(TG_E_SHAPE, "Expected target size %s, got %s", tg__shape_str(out_size, input->ndim - 1, a, sizeof a),
                        tg__shape_str(target->shape, target->ndim, b, sizeof b));
    }
    bool empty_input = tg_numel(input) == 0, empty_target = tg_numel(target) == 0;   /* PyTorch's empty batches */
    tg_tensor *x = tg_view(tg_contiguous(input), TG_SHAPE(input->shape[0], input->shape[1], empty_input ? 0 : 1,
                                                          empty_input ? 0 : -1));
    tg_tensor *t = tg_view(tg_contiguous(target), TG_SHAPE(target->shape[0], empty_target ? 0 : 1, empty_target ? 0 : -1));
    if (!x || !t) return NULL;
    tg_tensor *out = nll(&NLL2D, x, t, weight, r, ignore_index);
    return r == TG_NONE && out ? tg_view(out, out_size, input->ndim - 1) : out;
}

static tg_tensor *nll_loss(const char *fn, const tg_tensor *input, const tg_tensor *target, tg_ce_opts opts)
{
    TG_ARG_OF(fn, input);
    TG_ARG_OF(fn, target);
    if (tg__check_reduction(opts.reduction, false)) return NULL;
    return nll_nd(input, target, opts.weight, opts.reduction, opts.ignore_index);
}

tg_tensor *tg_nll_loss(const tg_tensor *input, const tg_tensor *target)
{
    return nll_loss(__func__, input, target, tg_ce_defaults());
}
tg_tensor *tg_nll_loss_ex(const tg_tensor *input, const tg_tensor *target, tg_ce_opts opts)
{
    return nll_loss(__func__, input, target, opts);
}

/* ------------------------------------------------------- cross_entropy */

/* weight viewed to broadcast along the class dim of an ndim-dim input. */
static tg_tensor *class_weights(const tg_tensor *weight, int class_dim, int ndim)
{
    int64_t shape[TG_MAX_DIMS];
    for (int i = 0; i < ndim; i++) shape[i] = i == class_dim ? weight->shape[0] : 1;
    return tg_view(weight, shape, ndim);
}

/* PyTorch's cross_entropy_loss_label_smoothing: (1 - s) nll + s / C times
   the reduction of the (weighted) negative sum of the log-probabilities
   over classes, zero at ignored targets. */
static tg_tensor *smoothed(const tg_tensor *input, const tg_tensor *target, tg_ce_opts o)
{
    int class_dim = input->ndim == 1 ? 0 : 1;
    tg_tensor *logp = tg_log_softmax(input, class_dim);
    tg_tensor *nll_part = logp ? nll_nd(logp, target, o.weight, o.reduction, o.ignore_index) : NULL;
    if (!nll_part) return NULL;
    tg_tensor *ignored = tg__compare_scalar(TG_BIN_EQ, target, (double)o.ignore_index);
    int64_t dim = class_dim;
    tg_tensor *weighted = o.weight ? tg_mul(logp, class_weights(o.weight, class_dim, input->ndim)) : logp;
    /* PyTorch's smooth_loss.index_put_({ignore_mask}, 0.0) */
    tg_tensor *smooth = tg_neg(tg_sum_dim(weighted, &dim, 1, false)), *ret;
    if (!smooth || !tg_index_put_(smooth, TG_INDEX(TG_IDX_T(ignored)), tg__scalar_tensor(0, smooth->dtype), false))
        return NULL;
    if (o.reduction == TG_MEAN && o.weight) {
        tg_tensor *kept = tg_masked_select(target, tg_logical_not(ignored));
        ret = tg_div(tg_sum(smooth), tg_sum(tg_gather(o.weight, 0, kept)));
    } else if (o.reduction == TG_MEAN) {
        ret = tg_mean(tg_masked_select(smooth, tg_logical_not(ignored)));
    } else {
        ret = tg__reduce_loss(smooth, o.reduction);
    }
    double classes = (double)input->shape[class_dim];
    return tg_add(tg__mul_scalar_node(nll_part, 1 - o.label_smoothing),
                  tg__mul_scalar_node(ret, o.label_smoothing / classes));
}

/* PyTorch's cross_entropy_loss_prob_target: -(log_softmax(x) y w) summed,
   over classes for no reduction, divided by the count of class vectors
   for the mean (NaN when there are none). */
static tg_tensor *with_probabilities(const tg_tensor *input, const tg_tensor *target, tg_ce_opts o)
{
    int class_dim = input->ndim == 1 ? 0 : 1;
    if (input->ndim == 0)
        return tg__fail(TG_E_INDEX, "Dimension specified as %d but tensor has no dimensions", class_dim);
    int64_t classes = input->shape[class_dim];
    if (o.weight && (o.weight->ndim != 1 || o.weight->shape[0] != classes)) {
        char a[256];
        return tg__fail(TG_E_SHAPE,
                        "cross_entropy: weight tensor should be defined either for all %lld classes or no classes but "
                        "got weight tensor of shape: %s",
                        (long long)classes, tg__shape_str(o.weight->shape, o.weight->ndim, a, sizeof a));
    }
    const tg_tensor *y = target;
    if (o.label_smoothing > 0)
        y = tg__add_scalar_node(tg__mul_scalar_node(target, 1 - o.label_smoothing), o.label_smoothing / (double)classes);
    tg_tensor *w = o.weight ? class_weights(o.weight, class_dim, input->ndim) : NULL;
    tg_tensor *prod = tg_mul(tg_log_softmax(input, class_dim), y);
    if (w) prod = tg_mul(prod, w);
    if (o.reduction == TG_NONE) {
        int64_t dim = class_dim;
        return tg_neg(tg_sum_dim(prod, &dim, 1, false));
    }
    tg_tensor *total = tg_neg(tg_sum(prod));
    if (o.reduction == TG_SUM) return total;
    int64_t count = tg_numel(input) ? tg_numel(input) / classes : 0;
    return tg__div_scalar_node(total, (double)count);
}

static tg_tensor *cross_entropy(const char *fn, const tg_tensor *input, const tg_tensor *target, tg_ce_opts o)
{
    TG_ARG_OF(fn, input);
    TG_ARG_OF(fn, target);
    if (tg__check_reduction(o.reduction, false)) return NULL;
    bool probabilities = tg__same_shape(input->shape, input->ndim, target->shape, target->ndim);
    if (probabilities && !tg__is_floating(target->dtype))
        return tg__fail(TG_E_DTYPE, "Expected floating point type for target with class probabilities, got %s",
                        tg__dtype_short(target->dtype));
    if (probabilities && o.ignore_index >= 0)
        return tg__fail(TG_E_INVALID, "ignore_index is not supported for floating point target");
    if ((probabilities || o.label_smoothing > 0) && o.label_smoothing > 1)
        return tg__fail(TG_E_INVALID, "label_smoothing must be between 0.0 and 1.0. Got: %g", o.label_smoothing);
    if (probabilities) return with_probabilities(input, target, o);
    if (o.label_smoothing > 0) return smoothed(input, target, o);
    tg_tensor *logp = tg_log_softmax(input, input->ndim == 1 ? 0 : 1);
    return logp ? nll_nd(logp, target, o.weight, o.reduction, o.ignore_index) : NULL;
}

tg_tensor *tg_cross_entropy(const tg_tensor *input, const tg_tensor *target)
{
    return cross_entropy(__func__, input, target, tg_ce_defaults());
}
tg_tensor *tg_cross_entropy_ex(const tg_tensor *input, const tg_tensor *target, tg_ce_opts opts)
{
    return cross_entropy(__func__, input, target, opts);
}
