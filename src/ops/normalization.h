/* The normalisation family's private pieces (ops/normalization.c,
   ops/batch_norm.c): the checks and derivative building blocks the
   functions share. Their loops are kernels/norm.c's. */
#ifndef TG_OPS_NORMALIZATION_H
#define TG_OPS_NORMALIZATION_H

#include "ops.h"

/* What the nodes keep, read also by forward AD's rules (ops/tangents_nn.c;
   batch_norm's record has the running mean and variance, either NULL, as
   its tangent_ctx). */
typedef struct layer_norm_params {
    int ndim;          /* the normalised (last) dims */
    double eps;
    bool has_weight;
} layer_norm_params;

typedef struct group_norm_params {
    int64_t groups;
    double eps;
    bool has_weight;
} group_norm_params;

typedef struct batch_norm_params {
    bool training, has_weight;
    double eps;
} batch_norm_params;

/* "<what> of shape [..] and normalized_shape = [..]"-style checks of
   layer_norm and rms_norm (PyTorch's _check_layer_norm_inputs): 0, or -1
   with PyTorch's error. bias may be NULL (rms_norm has none). */
int tg__check_layer_norm_inputs(const tg_tensor *input, const int64_t *normalized_shape, int ndim,
                                const tg_tensor *weight, const tg_tensor *bias);

/* The derivatives' building blocks, in differentiable operations (so that
   second derivatives work): x normalised over dims (mean 0, variance 1, the
   variance biased, eps added) with its 1 / sqrt(var + eps) in *rstd
   (dims kept), and the gradient of x from g_xhat, the gradient of that
   normalised x: rstd (g_xhat - mean(g_xhat) - xhat mean(g_xhat xhat)). */
tg_tensor *tg__normalized(const tg_tensor *x, const int64_t *dims, int ndims, double eps, tg_tensor **rstd);
tg_tensor *tg__normalized_backward(const tg_tensor *g_xhat, const tg_tensor *xhat, const tg_tensor *rstd,
                                   const int64_t *dims, int ndims);

/* The contiguous forms of input, weight and bias (NULL stays NULL; read
   without history), and a new contiguous result of input's shape into
   *out; with channels_last, input as it is and a result laid out like it
   (tg__is_channels_last). 0 or -1. */
int tg__dense_operands(const tg_tensor *input, const tg_tensor *weight, const tg_tensor *bias, bool channels_last,
                       tg_tensor **dense, tg_tensor **out);

/* Whether x (4 or 5 dims, not contiguous) is dense in channels-last
   order, dim 1 innermost (PyTorch's suggest_memory_format gives
   ChannelsLast): PyTorch keeps that layout in batch_norm's and
   group_norm's results. */
bool tg__is_channels_last(const tg_tensor *x);

/* The dims of an ndim tensor other than dim 1 (batch_norm's and
   group_norm's reductions for their weight and bias), into dims; their
   count. */
int tg__dims_but_channel(int ndim, int64_t *dims);

#endif
