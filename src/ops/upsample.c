/* Resampling to a new size, as torch.nn.functional.interpolate: nearest
   and nearest-exact (1-3 dims) and linear, bilinear, trilinear, each a resampling
   (resample.h) whose axes follow PyTorch's index and weight formulas. */
#include "resample.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static const char *const MODE_NAMES[] = {"nearest", "linear", "bilinear", "trilinear", "nearest-exact"};

static bool is_nearest(tg_interp_mode mode) { return mode == TG_INTERP_NEAREST || mode == TG_INTERP_NEAREST_EXACT; }

/* v rounded to float when the arithmetic is float's: each step of a
   formula rounded so is exactly the float operation PyTorch performs. */
static double in_type(double v, bool single) { return single ? (double)(float)v : v; }

/* PyTorch's compute_scales_value: 1 / scale when a scale factor was
   given, else in / out. */
static double scales_value(const double *scale, int64_t in, int64_t out, bool single)
{
    return scale && *scale > 0 ? in_type(1.0 / *scale, single) : in_type((double)in / (double)out, single);
}

/* Nearest: PyTorch's nearest_idx (exact: nearest_exact_idx, reading the
   input under the output's centre), in float whatever the dtype. */
static int nearest_axis(tg_axis *a, int64_t in, int64_t out, const double *scale, bool exact)
{
    if (tg__axis_new(a, in, out, 1)) return -1;
    double s = scales_value(scale, in, out, true);
    for (int64_t o = 0; o < out; o++) {
        int64_t i = exact ? (int64_t)floorf((float)(((double)o + 0.5) * s))
                  : out == in ? o : out == 2 * in ? o >> 1 : (int64_t)floorf((float)o * (float)s);
        a->index[o] = i < in - 1 ? i : in - 1;
    }
    return 0;
}

/* Linear: two taps and their weights, as PyTorch's
   compute_source_index_and_lambda in the input's arithmetic. */
static int linear_axis(tg_axis *a, int64_t in, int64_t out, const double *scale, bool align_corners, bool single)
{
    if (tg__axis_new(a, in, out, 2)) return -1;
    double ratio = align_corners ? (out > 1 ? in_type((double)(in - 1) / (double)(out - 1), single) : 0)
                                 : scales_value(scale, in, out, single);
    for (int64_t o = 0; o < out; o++) {
        int64_t i0 = o, i1 = o;
        double l1 = 0;
        if (out != in) {
            /* the ratio in the input's type, the rest in double with a fused
               multiply-add, as PyTorch's kernel computes it */
            double real = align_corners ? ratio * (double)o : fma(ratio, (double)o + 0.5, -0.5);
            if (real < 0) real = 0;
            i0 = (int64_t)floor(real) < in - 1 ? (int64_t)floor(real) : in - 1;
            l1 = in_type(real - (double)i0, single);
            l1 = l1 < 0 ? 0 : l1 > 1 ? 1 : l1;
            i1 = i0 + (i0 < in - 1);
        }
        a->index[2 * o] = i0;
        a->index[2 * o + 1] = i1;
        a->weight[2 * o] = in_type(1 - l1, single);
        a->weight[2 * o + 1] = l1;
    }
    return 0;
}

/* The node of each mode and number of dims. */
static tg_op upsample_op(tg_interp_mode mode, int k)
{
    static const tg_op NEAREST[3] = {TG_OP_UPSAMPLE_NEAREST1D, TG_OP_UPSAMPLE_NEAREST2D, TG_OP_UPSAMPLE_NEAREST3D};
    static const tg_op LINEAR[3] = {TG_OP_UPSAMPLE_LINEAR1D, TG_OP_UPSAMPLE_BILINEAR2D, TG_OP_UPSAMPLE_TRILINEAR3D};
    static const tg_op EXACT[3] = {TG_OP_UPSAMPLE_NEAREST_EXACT1D, TG_OP_UPSAMPLE_NEAREST_EXACT2D,
                                   TG_OP_UPSAMPLE_NEAREST_EXACT3D};
    return mode == TG_INTERP_NEAREST ? NEAREST[k - 1] : mode == TG_INTERP_NEAREST_EXACT ? EXACT[k - 1] : LINEAR[k - 1];
}

/* A list as Python prints it: "[2, 3]", or of floats "[2.0, 0.5]". */
static const char *list_text(const int64_t *ints, const double *floats, int n, char *buf, size_t cap)
{
    size_t len = (size_t)snprintf(buf, cap, "[");
    for (int i = 0; i < n && len < cap; i++) {
        char num[40];
        if (ints) snprintf(num, sizeof num, "%lld", (long long)ints[i]);
        else tg__py_float(floats[i], num, sizeof num);
        len += (size_t)snprintf(buf + len, cap - len, "%s%s", i ? ", " : "", num);
    }
    if (len < cap) snprintf(buf + len, cap - len, "]");
    return buf;
}

/* torch.nn.functional.interpolate's own checks (in its order). */
static int check_request(const tg_tensor *t, const int64_t *size, const double *scale, int n, tg_interp_mode mode,
                         bool align_corners)
{
    if (is_nearest(mode) && align_corners)
        return tg__faili(TG_E_INVALID, "align_corners option can only be set with the interpolating modes: linear | "
                                       "bilinear | bicubic | trilinear");
    if (size && scale) return tg__faili(TG_E_INVALID, "only one of size or scale_factor should be defined");
    if (!size && !scale) return tg__faili(TG_E_INVALID, "either size or scale_factor should be defined");
    int dims = t->ndim - 2;
    if (n != 1 && n != dims) {
        char spatial[256], given[256];
        tg__shape_str(t->shape + 2, dims > 0 ? dims : 0, spatial, sizeof spatial);
        list_text(size, scale, n, given, sizeof given);
        if (size)
            return tg__faili(TG_E_SHAPE, "Input and output must have the same number of spatial dimensions, but got "
                             "input with spatial dimensions of %s and output size of %s. Please provide input tensor "
                             "in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) format.",
                             spatial, given);
        return tg__faili(TG_E_SHAPE, "Input and scale_factor must have the same number of spatial dimensions, but "
                         "got input with spatial dimensions of %s and scale_factor of shape %s. Please provide input "
                         "tensor in (N, C, d1, d2, ...,dK) format and scale_factor in (s1, s2, ...,sK) format.",
                         spatial, given);
    }
    static const int NEEDS[] = {0, 3, 4, 5, 0};   /* the input's dims for each mode (nearest: any of 3-5) */
    if (!is_nearest(mode) && t->ndim >= 3 && t->ndim <= 5 && t->ndim != NEEDS[mode])
        return tg__faili(TG_E_SHAPE, "Got %dD input, but %s mode needs %dD input", t->ndim, MODE_NAMES[mode],
                         NEEDS[mode]);
    if (t->ndim < 3 || t->ndim > 5)
        return tg__faili(TG_E_SHAPE, "Input Error: Only 3D, 4D and 5D input Tensors supported (got %dD) for the "
                         "modes: nearest | linear | bilinear | bicubic | trilinear | area | nearest-exact (got %s)",
                         t->ndim, MODE_NAMES[mode]);
    return 0;
}

/* ATen's checks of the sizes: all positive, and channels not empty. */
static int check_sizes(const tg_tensor *t, const int64_t *out, int k)
{
    static const char *const NAMES[3] = {"D", "H", "W"};
    const int64_t *in = t->shape + 2;
    bool positive = true;
    for (int d = 0; d < k; d++) positive = positive && in[d] > 0 && out[d] > 0;
    if (!positive) {
        char ins[128] = "", outs[128] = "";
        size_t li = 0, lo = 0;
        for (int d = 0; d < k; d++) {
            const char *name = NAMES[3 - k + d];
            li += (size_t)snprintf(ins + li, sizeof ins - li, "%s%s: %lld", d ? ", " : "", name, (long long)in[d]);
            lo += (size_t)snprintf(outs + lo, sizeof outs - lo, "%s%s: %lld", d ? ", " : "", name, (long long)out[d]);
        }
        return tg__faili(TG_E_SHAPE, "Input and output sizes should be greater than 0, but got input (%s)%s output (%s)",
                         ins, k == 1 ? " and" : "", outs);
    }
    if (tg_numel(t) == 0 && tg__numel(t->shape + 1, t->ndim - 1) == 0) {
        char buf[256];
        return tg__faili(TG_E_SHAPE, "Non-empty %dD data tensor expected but got a tensor with sizes %s", t->ndim,
                         tg__shape_str(t->shape, t->ndim, buf, sizeof buf));
    }
    return 0;
}

tg_tensor *tg_interpolate(const tg_tensor *input, const int64_t *size, const double *scale_factor, int n,
                          tg_interp_mode mode, bool align_corners)
{
    TG_ARG(input);
    if ((unsigned)mode > TG_INTERP_NEAREST_EXACT) return tg__fail(TG_E_INVALID, "tg_interpolate(): unknown mode %d", (int)mode);
    if (n < 1) return tg__fail(TG_E_INVALID, "tg_interpolate(): n must be at least 1");
    if (check_request(input, size, scale_factor, n, mode, align_corners)) return NULL;
    int k = input->ndim - 2;
    int64_t out[3];
    const double *scales[3] = {NULL, NULL, NULL};
    for (int d = 0; d < k; d++) {
        int i = n == 1 ? 0 : d;
        if (size) out[d] = size[i];
        else {
            scales[d] = &scale_factor[i];
            double scaled = (double)input->shape[2 + d] * scale_factor[i];
            if (!(scaled > -9e18 && scaled < 9e18))
                return tg__fail(TG_E_INVALID, "tg_interpolate(): scale factor %g gives an output size out of range",
                                scale_factor[i]);
            out[d] = (int64_t)scaled;
        }
    }
    int64_t shape[TG_MAX_DIMS];
    for (int d = 0; d < input->ndim; d++) shape[d] = d < 2 ? input->shape[d] : out[d - 2];
    if (check_sizes(input, out, k) || tg__check_new(__func__, input->dtype, shape, input->ndim)) return NULL;
    if (!tg__is_floating(input->dtype)) {
        /* named after the kernel PyTorch picks: its channels-last one for a
           tensor that is contiguous that way too (as one with a single channel is) */
        if (k > 1 && tg__channels_last(input, true))
            return tg__fail(TG_E_DTYPE, "\"upsample_%s%dd_channels_last\" not implemented for '%s'",
                            is_nearest(mode) ? "nearest" : MODE_NAMES[mode], k, tg__dtype_short(input->dtype));
        return tg__fail(TG_E_DTYPE, "\"compute_indices_weights_%s\" not implemented for '%s'",
                        is_nearest(mode) ? "nearest" : "linear", tg__dtype_short(input->dtype));
    }
    bool single = input->dtype != TG_F64;
    tg_resampling r = {.dims = k, .weighted = !is_nearest(mode), .keeps_channels_last = true,
                       .nested = true, .single = single};
    for (int d = 0; d < k; d++) {
        int64_t in = input->shape[2 + d];
        int rc = is_nearest(mode) ? nearest_axis(&r.axis[d], in, out[d], scales[d], mode == TG_INTERP_NEAREST_EXACT)
                                           : linear_axis(&r.axis[d], in, out[d], scales[d], align_corners, single);
        if (rc) return NULL;
    }
    return tg__resample(upsample_op(mode, k), input, &r);
}
