/* The normalisation family's private pieces (ops/normalization.c,
   ops/batch_norm.c, ops/norm_kernels.c): the loops that compute the
   statistics and the normalised values the way PyTorch's CPU kernels do,
   so that f32 results match PyTorch's to the bit, and the checks the
   functions share. */
#ifndef TG_OPS_NORMALIZATION_H
#define TG_OPS_NORMALIZATION_H

#include "ops.h"

/* Both compute each row's mean and variance as PyTorch's RowwiseMoments
   does: Welford's algorithm over vector lanes, merged by a cascade, in the
   element type (TG_F32 or TG_F64).

   layer_norm's rows: for each of the rows rows of n elements of x
   (contiguous, dt), mean and rstd = 1 / sqrt(var + eps) in dt, then
   y = (x * rstd - rstd * mean) * w + b (w, b of n elements, may be NULL). */
void tg__layer_norm_rows(const void *x, const void *w, const void *b, void *y, tg_dtype dt, int64_t rows,
                         int64_t n, double eps);

/* group_norm over x (contiguous, dt) of batch x channels x inner elements
   in groups of channels / groups channels: per (sample, group), mean and
   rstd = 1 / sqrt(max(var, 0) + eps) in dt, then per channel c
   y = x * (rstd w[c]) + (b[c] - rstd w[c] mean) (w, b may be NULL). */
void tg__group_norm_rows(const void *x, const void *w, const void *b, void *y, tg_dtype dt, int64_t batch,
                         int64_t channels, int64_t inner, int64_t groups, double eps);

/* batch_norm over x (contiguous (batch, channels, image), dt), in
   PyTorch's order of operations: each channel's mean, sum of squared
   deviations and 1 / sqrt(biased var + eps) in training; in evaluation
   invstd from the running variance (contiguous); the output
   y = x alpha + beta per channel (alpha = invstd w, beta = b - mean
   alpha; w, b may be NULL); and the update of the running statistics
   (either may be NULL; written with their element strides) with the
   unbiased variance of count elements. */
void tg__batch_norm_stats(const void *x, tg_dtype dt, int64_t batch, int64_t channels, int64_t image, double eps,
                          void *mean, void *var_sum, void *invstd);
void tg__batch_norm_eval_invstd(const void *running_var, tg_dtype dt, int64_t channels, double eps, void *invstd);
void tg__batch_norm_apply(const void *x, const void *mean, const void *invstd, const void *w, const void *b, void *y,
                          tg_dtype dt, int64_t batch, int64_t channels, int64_t image);
void tg__batch_norm_update(const void *mean, const void *var_sum, tg_dtype dt, int64_t channels, int64_t count,
                           double momentum, void *running_mean, int64_t mean_stride, void *running_var,
                           int64_t var_stride);

/* The same of a channels-last x, stored as (batch, inner, channels), in
   the order of PyTorch's channels-last kernel (each channel's sums of x
   and x^2 over the positions, the variance E[x^2] - E[x]^2); y laid out
   alike. 0, or -1 when out of memory (its sums' buffer). */
int tg__group_norm_channels_last(const void *x, const void *w, const void *b, void *y, tg_dtype dt, int64_t batch,
                                 int64_t channels, int64_t inner, int64_t groups, double eps);

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
