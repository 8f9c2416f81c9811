/* Resampling (resample.c): pooling, padding and upsampling all map the last
   few dims of their input to new sizes, each output element reading a few
   input elements. Per dim, an axis says which input indices each output
   index reads, with what weights and divisor; the dims' axes combine into
   one plan (kernels.h) that a kernel applies to every leading index, and
   whose derivative scatters the gradient back along the same taps. */
#ifndef TG_OPS_RESAMPLE_H
#define TG_OPS_RESAMPLE_H

#include "ops.h"

/* One resampled dim: for output index o, taps input indices index[o * taps
   + k] (in_size: none, a padding), their weights and o's divisor. The
   arrays live in tensors owned by the current scope. */
typedef struct tg_axis {
    int64_t in_size, out_size, taps;
    int64_t *index;
    double *weight, *divisor;
} tg_axis;
/* Makes a's arrays: every tap none, weights 1, divisors 1. 0, or -1. */
int tg__axis_new(tg_axis *a, int64_t in_size, int64_t out_size, int64_t taps);

/* The last `dims` dims of the input, resampled by their axes. */
typedef struct tg_resampling {
    int dims;
    tg_axis axis[3];
    bool weighted;      /* false: a copy of one tap (fill where none) */
    bool divide_each;   /* by each axis's divisor in turn, else once by their product */
    double fill;
    bool keeps_channels_last;   /* a channels-last 4-D or 5-D input gives a channels-last result */
    bool nested;        /* weighted sums nested dim by dim (interpolation) */
    bool single;        /* the products of the dims' weights in float (a float input) */
    bool saves_input;   /* the node saves the input, as PyTorch's does (pooling, mirror pads) */
} tg_resampling;

/* t resampled by r, recorded as op (its derivative tg__d_resample);
   NULL with an error. */
tg_tensor *tg__resample(tg_op op, const tg_tensor *t, const tg_resampling *r);
/* What forward AD's rules (ops/tangents_nn.c) read of a resampling's
   record, its tangent_ctx: r for tg__resample, this for tg__resample_max. */
typedef struct tg_resampled_max {
    int dims;
    const tg_tensor *indices;
} tg_resampled_max;
/* The maximum over each output's taps of t (weights and divisors unused),
   with *indices (TG_I64, the result's shape) the input position it came
   from within the resampled dims, recorded as op (tg__d_resample_max). */
tg_tensor *tg__resample_max(tg_op op, const tg_tensor *t, const tg_resampling *r, tg_tensor **indices);

/* Whether t (4-D or 5-D) is channels-last: as PyTorch's
   suggest_memory_format judges its strides, or (contiguous) as its
   is_contiguous(channels_last) does. */
bool tg__channels_last(const tg_tensor *t, bool contiguous);
/* A new tensor of t's dtype and this shape, channels-last when t (4-D or
   5-D) is, as PyTorch lays out results with t's suggest_memory_format. */
tg_tensor *tg__new_laid_out_as(const tg_tensor *t, const int64_t *shape);

/* The result's shape: t's leading dims, then the axes' output sizes. */
int tg__resampled_shape(const tg_tensor *t, const tg_resampling *r, int64_t *shape);

#endif
