/* Forward AD's rules of the nn operations (their rows of TANGENTS are in
   ops/tangents.c), written as derivatives.yaml's "result:" formulas.
   Linear operations (convolution in each operand, padding, pooling,
   upsampling, im2col and col2im, embedding) have the operation itself run
   on the tangent as theirs, or a gather by the indices the maximum took.
   Rules read the primals and the record's parameters and tangent_ctx,
   never a node's saved tensors: the hook runs before those are saved. */
#include "tangents.h"

#include "resample.h"

/* ------------------------------------- fused derivatives of activations */

/* PyTorch's *_backward(g, v) of an activation is elementwise in g and in
   v, so J_i t_i is its own derivative for input i run with t_i as the
   upstream gradient: on a node of the stack holding what the operation
   saves (slots), whose edge i alone is needed. The terms of the inputs
   [0, inputs) with a tangent are summed; NULL without any. */
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
        if (TG_DERIVATIVES[a->op](&node, T(i), gi)) return NULL;
        sum = sum ? tg_add(sum, gi[i]) : gi[i];
    }
    return sum;
}

/* tg__pointwise_backward's slots (ops/unary.c): g, then v */
tg_tensor *tg__t_pointwise_backward(const tangent_args *a)
{
    tg_tensor *r = through_derivative(a, (const tg_tensor *[]){X(0), X(1)}, 2, 2);
    return r ? r : tg_zeros_like(Y);
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
    tg_tensor *r = through_derivative(a, (const tg_tensor *[]){X(0), X(1)}, 2, 2);
    return r ? r : tg_zeros_like(Y);
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
    tg_tensor *sum = T(0) ? tg__convolution_again(T(0), X(1), NULL, a->params) : NULL;
    if (T(1) || (X(2) && T(2))) {
        tg_tensor *bias = X(2) && T(2) ? T(2) : NULL;
        tg_tensor *w = T(1) ? T(1) : tg_zeros_like(X(1));
        tg_tensor *second = tg__convolution_again(X(0), w, bias, a->params);
        sum = sum ? tg_add(sum, second) : second;
    }
    return sum;
}

/* --------------------------------------------------- regression losses */

#define REDUCTION (*(const tg_reduction *)a->params)

/* reduce(op_backward(x_t, x, y) + op_backward(y_t, y, x)), unreduced */
tg_tensor *tg__t_regression_loss(const tangent_args *a)
{
    tg_tensor *sum = T(0) ? tg__loss_backward_again(a->op, a->params, 1, T(0), X(0), X(1)) : NULL;
    if (T(1)) {
        tg_tensor *second = tg__loss_backward_again(a->op, a->params, 1, T(1), X(1), X(0));
        sum = sum ? tg_add(sum, second) : second;
    }
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
        if (T(1)) sum = tg_mul(tg_mul(T(1), X(0)), c);
        if (T(2)) {
            tg_tensor *second = tg_mul(tg_mul(T(2), X(0)), c);
            sum = sum ? tg_sub(sum, second) : tg_neg(second);
        }
    }
    if (T(0)) {
        tg_tensor *third = tg__loss_backward_again(a->op, a->params, norm, T(0), X(1), X(2));
        sum = sum ? tg_add(sum, third) : third;
    }
    return sum;
}
