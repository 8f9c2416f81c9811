/* Forward AD's rules of the nn operations (their rows of TANGENTS are in
   ops/tangents.c), written as derivatives.yaml's "result:" formulas.
   Linear operations (convolution in each operand, padding, pooling,
   upsampling, im2col and col2im, embedding) have the operation itself run
   on the tangent as theirs, or a gather by the indices the maximum took.
   Rules read the primals and the record's parameters and tangent_ctx,
   never a node's saved tensors: the hook runs before those are saved. */
#include "tangents.h"

#include "normalization.h"
#include "resample.h"

/* *sum + term, *sum NULL before the first term: -1 when term (or the sum)
   failed, so that a failed term never passes for a missing one. */
static int add_term(tg_tensor **sum, tg_tensor *term)
{
    if (!term) return -1;
    *sum = *sum ? tg_add(*sum, term) : term;
    return *sum ? 0 : -1;
}

/* ------------------------------------- fused derivatives of activations */

/* PyTorch's *_backward(g, v) of an activation is elementwise in g and in
   v, so J_i t_i is its own derivative for input i run with t_i as the
   upstream gradient: on a node of the stack holding what the operation
   saves (slots), whose edge i alone is needed. The terms of the inputs
   [0, inputs) with a tangent are summed (a rule runs when one has one);
   NULL when an operation fails. */
static tg_tensor *through_derivative(const tangent_args *a, const tg_tensor *const *slots, int n_slots, int inputs)
{
    tg_node node = {.op = a->op, .n_next = 2, .n_saved = n_slots, .params = (void *)a->params};
    tg_edge edges[2];
    tg_meta in_meta[2];
    tg_saved saved[2];
    for (int s = 0; s < n_slots; s++)
        saved[s] = (tg_saved){.data = (tg_tensor *)slots[s], .version = atomic_load(&slots[s]->version->value),
                              .used = true, .multi_output_nr = -1};
    for (int i = 0; i < 2; i++) tg__meta_of(&in_meta[i], X(i));
    tg__meta_of(&node.out_meta, Y);
    node.next = edges;
    node.in_meta = in_meta;
    node.saved = saved;
    tg_tensor *sum = NULL;
    for (int i = 0; i < inputs; i++) {
        if (!T(i)) continue;
        for (int j = 0; j < 2; j++) edges[j] = (tg_edge){.node = j == i ? &node : NULL};
        tg_tensor *gi[2] = {NULL, NULL};
        if (TG_DERIVATIVES[a->op](&node, T(i), gi) || add_term(&sum, gi[i])) return NULL;
    }
    return sum;
}

/* tg__pointwise_backward's slots (ops/unary.c): g, then v */
tg_tensor *tg__t_pointwise_backward(const tangent_args *a)
{
    return through_derivative(a, (const tg_tensor *[]){X(0), X(1)}, 2, 2);
}

/* op(g_t, x): the masks of leaky_relu, hardtanh (slot 0: x) ... */
tg_tensor *tg__t_mask_backward(const tangent_args *a)
{
    return T(0) ? through_derivative(a, (const tg_tensor *[]){X(1)}, 1, 1) : tg_zeros_like(Y);
}

/* ... and relu's, which PyTorch adds to zeros_like(self_t) */
tg_tensor *tg__t_threshold_backward(const tangent_args *a)
{
    tg_tensor *zeros = tg_zeros_like(Y);
    return T(0) ? tg_add(zeros, through_derivative(a, (const tg_tensor *[]){X(1)}, 1, 1)) : zeros;
}

/* elu_backward saves g and its input or result */
tg_tensor *tg__t_elu_backward(const tangent_args *a)
{
    return through_derivative(a, (const tg_tensor *[]){X(0), X(1)}, 2, 2);
}

/* ------------------------------------------------- linear operations */

/* embedding(indices, weight_t); the indices are the record's context */
tg_tensor *tg__t_embedding(const tangent_args *a) { return tg_embedding(a->ctx, T(0)); }

tg_tensor *tg__t_embedding_dense_backward(const tangent_args *a)
{
    return tg__embedding_dense_backward_again(T(0), a->ctx, a->params);
}

/* pooling by averages, padding by mirrors, upsampling: the same plan */
tg_tensor *tg__t_resample(const tangent_args *a) { return tg__resample(a->op, T(0), a->ctx); }

/* the maxima's: the tangent gathered at the positions they came from,
   within the resampled dims */
tg_tensor *tg__t_resample_max(const tangent_args *a)
{
    const tg_resampled_max *m = a->ctx;
    int lead = X(0)->ndim - m->dims;
    int64_t rows = tg__numel(X(0)->shape, lead), size = tg__numel(X(0)->shape + lead, m->dims);
    int64_t outs = tg__numel(Y->shape + lead, m->dims);
    tg_tensor *flat = tg_reshape(T(0), TG_SHAPE(rows, size));
    tg_tensor *index = tg_reshape(m->indices, TG_SHAPE(rows, outs));
    return tg_reshape(tg_gather(flat, 1, index), Y->shape, Y->ndim);
}

tg_tensor *tg__t_constant_pad(const tangent_args *a) { return tg__constant_pad_again(T(0), a->params); }
tg_tensor *tg__t_fold(const tangent_args *a) { return tg__fold_again(a->op, T(0), a->params); }

/* convolution_jvp: conv(x_t, w) + conv(x, w_t, b_t), the terms of inputs
   without a tangent left out */
tg_tensor *tg__t_convolution(const tangent_args *a)
{
    tg_tensor *sum = NULL;
    if (T(0) && add_term(&sum, tg__convolution_again(T(0), X(1), NULL, a->params))) return NULL;
    if (T(1) || (X(2) && T(2))) {
        tg_tensor *w = T(1) ? T(1) : tg_zeros_like(X(1));
        if (add_term(&sum, tg__convolution_again(X(0), w, X(2) ? T(2) : NULL, a->params))) return NULL;
    }
    return sum;
}

/* --------------------------------------------------- regression losses */

#define REDUCTION (*(const tg_reduction *)a->params)

/* reduce(op_backward(x_t, x, y) + op_backward(y_t, y, x)), unreduced */
tg_tensor *tg__t_regression_loss(const tangent_args *a)
{
    tg_tensor *sum = NULL;
    if (T(0) && add_term(&sum, tg__loss_backward_again(a->op, a->params, 1, T(0), X(0), X(1)))) return NULL;
    if (T(1) && add_term(&sum, tg__loss_backward_again(a->op, a->params, 1, T(1), X(1), X(0)))) return NULL;
    return tg__reduce_loss(sum, REDUCTION);
}

/* the gradient op_backward(g, x, y): double_backward(x_t g) -
   double_backward(y_t g) + op_backward(g_t, x, y) */
tg_tensor *tg__t_regression_loss_backward(const tangent_args *a)
{
    double norm = REDUCTION == TG_MEAN ? 1.0 / (double)tg_numel(X(1)) : 1.0;
    tg_tensor *sum = NULL;
    if (T(1) || T(2)) {
        tg_tensor *c = tg__loss_curvature(a->op, a->params, norm, X(1), X(2));
        if (T(1) && add_term(&sum, tg_mul(tg_mul(T(1), X(0)), c))) return NULL;
        if (T(2)) {
            tg_tensor *second = tg_mul(tg_mul(T(2), X(0)), c);
            if (!second || !(sum = sum ? tg_sub(sum, second) : tg_neg(second))) return NULL;
        }
    }
    if (T(0) && add_term(&sum, tg__loss_backward_again(a->op, a->params, norm, T(0), X(1), X(2)))) return NULL;
    return sum;
}

/* ------------------------------------------------ classification losses */

/* reduce(bce_backward(x_t, x, y) + bce_target_backward(y_t, x, y)),
   unreduced, with the record's weights (its context) */
tg_tensor *tg__t_bce(const tangent_args *a)
{
    tg_tensor *sum = NULL;
    if (T(0) && add_term(&sum, tg__bce_gradient_again(a->op, 0, T(0), X(0), X(1), a->ctx))) return NULL;
    if (T(1) && add_term(&sum, tg__bce_gradient_again(a->op, 1, T(1), X(0), X(1), a->ctx))) return NULL;
    return tg__reduce_loss(sum, REDUCTION);
}

/* nll_loss(x_t, target, weight): linear in x */
tg_tensor *tg__t_nll(const tangent_args *a) { return tg__nll_again(a->op, T(0), a->ctx, a->params); }

/* ---------------------------------------------------------- the norms */

/* batch_norm_jvp's core over dims, with the batch's statistics: (t -
   mean(t)) invstd + (x - mean) dinvstd, dinvstd = -invstd^3 dvar / 2, dvar
   = 2 mean((x - mean)(t - mean(t))); NULL for t NULL. *xhat gets (x -
   mean) invstd. */
static tg_tensor *normalized_jvp(const tg_tensor *x, const tg_tensor *t, const int64_t *dims, int nd, double eps,
                                 tg_tensor **xhat)
{
    tg_tensor *centred = tg_sub(x, tg_mean_dim(x, dims, nd, true));
    tg_tensor *invstd = tg_rsqrt(tg_add_scalar(tg_mean_dim(tg_mul(centred, centred), dims, nd, true), eps));
    *xhat = tg_mul(centred, invstd);
    if (!t) return NULL;
    tg_tensor *t_centred = tg_sub(t, tg_mean_dim(t, dims, nd, true));
    tg_tensor *dvar = tg_mul_scalar(tg_mean_dim(tg_mul(centred, t_centred), dims, nd, true), 2);
    tg_tensor *dinvstd = tg_mul(tg_mul_scalar(tg_pow_scalar(invstd, 3), -0.5), dvar);
    return tg_add(tg_mul(t_centred, invstd), tg_mul(centred, dinvstd));
}

/* The affine step's: r w + w_t xhat + b_t, each term with its tangent
   (r: the input's normalised, when t), w, w_t and b_t viewed to broadcast
   (NULL when absent). */
static tg_tensor *affine_jvp(bool t, tg_tensor *r, const tg_tensor *xhat, const tg_tensor *w, const tg_tensor *wt,
                             const tg_tensor *bt)
{
    tg_tensor *sum = NULL;
    if (!xhat || (t && add_term(&sum, w ? tg_mul(r, w) : r))) return NULL;
    if (wt && add_term(&sum, tg_mul(wt, xhat))) return NULL;
    if (bt && add_term(&sum, tg_expand(bt, xhat->shape, xhat->ndim))) return NULL;
    return sum;
}

/* A (C) tensor (or NULL) viewed along dim 1 of an ndim tensor. */
static tg_tensor *per_channel(const tg_tensor *t, int ndim)
{
    if (!t) return NULL;
    int64_t shape[TG_MAX_DIMS] = {1, tg_numel(t)};
    for (int i = 2; i < ndim; i++) shape[i] = 1;
    return tg_view(t, shape, ndim);
}

/* the tangents of the weight and the bias, NULL when absent */
#define WEIGHT_T (X(1) ? T(1) : NULL)
#define BIAS_T (X(2) ? T(2) : NULL)

/* layer_norm_jvp: over the last dims */
tg_tensor *tg__t_layer_norm(const tangent_args *a)
{
    const layer_norm_params *p = a->params;
    int64_t dims[TG_MAX_DIMS];
    for (int i = 0; i < p->ndim; i++) dims[i] = i - p->ndim;
    tg_tensor *xhat, *r = normalized_jvp(X(0), T(0), dims, p->ndim, p->eps, &xhat);
    return affine_jvp(T(0) != NULL, r, xhat, X(1), WEIGHT_T, BIAS_T);
}

/* group_norm_jvp: over each (N, group), the weight per channel */
tg_tensor *tg__t_group_norm(const tangent_args *a)
{
    const group_norm_params *p = a->params;
    const tg_tensor *x = X(0);
    int64_t grouped[3] = {x->shape[0], p->groups, x->shape[1] / p->groups * tg__numel(x->shape + 2, x->ndim - 2)};
    tg_tensor *xhat, *r = normalized_jvp(tg_reshape(x, grouped, 3), T(0) ? tg_reshape(T(0), grouped, 3) : NULL,
                                         (const int64_t[]){2}, 1, p->eps, &xhat);
    xhat = tg_reshape(xhat, x->shape, x->ndim);
    if (r) r = tg_reshape(r, x->shape, x->ndim);
    return affine_jvp(T(0) != NULL, r, xhat, per_channel(X(1), x->ndim), per_channel(WEIGHT_T, x->ndim), per_channel(BIAS_T, x->ndim));
}

/* batch_norm_jvp: training, with the batch's statistics over the dims
   but 1; evaluating, t invstd with the running ones (the context),
   constants */
tg_tensor *tg__t_batch_norm(const tangent_args *a)
{
    const batch_norm_params *p = a->params;
    const tg_tensor *x = X(0), *const *running = a->ctx;
    tg_tensor *xhat, *r;
    if (p->training) {
        int64_t dims[TG_MAX_DIMS];
        int nd = tg__dims_but_channel(x->ndim, dims);
        r = normalized_jvp(x, T(0), dims, nd, p->eps, &xhat);
    } else {
        tg_tensor *invstd = tg_rsqrt(tg_add_scalar(per_channel(running[1], x->ndim), p->eps));
        xhat = tg_mul(tg_sub(x, per_channel(running[0], x->ndim)), invstd);
        r = T(0) ? tg_mul(T(0), invstd) : NULL;
    }
    return affine_jvp(T(0) != NULL, r, xhat, per_channel(X(1), x->ndim), per_channel(WEIGHT_T, x->ndim), per_channel(BIAS_T, x->ndim));
}
