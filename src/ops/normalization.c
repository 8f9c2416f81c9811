/* Normalisation over the last dims and over groups of channels:
   layer_norm (NativeLayerNormBackward0), group_norm
   (NativeGroupNormBackward0) and rms_norm (composed, as PyTorch 2.4
   composes it), with the derivative building blocks batch_norm shares
   (ops/batch_norm.c). The forward values come from kernels/norm.c;
   the derivatives are written in operations. */
#include "normalization.h"

#include <float.h>
#include <math.h>
#include <string.h>

/* ------------------------------------------------ derivative blocks */

tg_tensor *tg__normalized(const tg_tensor *x, const int64_t *dims, int ndims, double eps, tg_tensor **rstd)
{
    tg_tensor *centred = tg_sub(x, tg_mean_dim(x, dims, ndims, true));
    *rstd = tg_rsqrt(tg_add_scalar(tg_mean_dim(tg_mul(centred, centred), dims, ndims, true), eps));
    return tg_mul(centred, *rstd);
}

tg_tensor *tg__normalized_backward(const tg_tensor *g_xhat, const tg_tensor *xhat, const tg_tensor *rstd,
                                   const int64_t *dims, int ndims)
{
    tg_tensor *mean_g = tg_mean_dim(g_xhat, dims, ndims, true);
    tg_tensor *mean_gx = tg_mean_dim(tg_mul(g_xhat, xhat), dims, ndims, true);
    return tg_mul(rstd, tg_sub(tg_sub(g_xhat, mean_g), tg_mul(xhat, mean_gx)));
}

/* The last k dims of a tensor, as negative dims. */
static int last_dims(int k, int64_t *dims)
{
    for (int i = 0; i < k; i++) dims[i] = i - k;
    return k;
}

int tg__dims_but_channel(int ndim, int64_t *dims)
{
    int k = 0;
    for (int i = 0; i < ndim; i++)
        if (i != 1) dims[k++] = i;
    return k;
}

bool tg__is_channels_last(const tg_tensor *x)
{
    if ((x->ndim != 4 && x->ndim != 5) || tg_is_contiguous(x)) return false;
    int order[5] = {1, 0, 0, 0, 0}, k = 1;   /* dims from innermost: 1, last, ..., 2, 0 */
    for (int d = x->ndim - 1; d >= 2; d--) order[k++] = d;
    order[k] = 0;
    int64_t expected = 1;
    for (int i = 0; i < x->ndim; i++) {
        if (x->shape[order[i]] != 1 && x->strides[order[i]] != expected) return false;
        expected *= x->shape[order[i]];
    }
    return true;
}

/* A new zeroed tensor of x's shape laid out channels-last. */
static tg_tensor *channels_last_like(const tg_tensor *x)
{
    tg_strided s = {.ndim = x->ndim};
    memcpy(s.shape, x->shape, sizeof s.shape);
    s.strides[1] = 1;
    int64_t stride = x->shape[1];
    for (int d = x->ndim - 1; d >= 2; d--) {
        s.strides[d] = stride;
        stride *= x->shape[d];
    }
    s.strides[0] = stride;
    return tg__zeros_strided(x->dtype, &s);
}

/* ------------------------------------------------------ layer_norm */

int tg__check_layer_norm_inputs(const tg_tensor *input, const int64_t *normalized_shape, int ndim,
                                const tg_tensor *weight, const tg_tensor *bias)
{
    char ns[300], a[300];
    if (ndim < 1)
        return tg__faili(TG_E_SHAPE, "Expected normalized_shape to be at least 1-dimensional, i.e., containing "
                                     "at least one element, but got normalized_shape = []");
    tg__shape_str(normalized_shape, ndim, ns, sizeof ns);
    const tg_tensor *params[2] = {weight, bias};
    const char *names[2] = {"weight", "bias"};
    for (int i = 0; i < 2; i++)
        if (params[i] && !tg__same_shape(params[i]->shape, params[i]->ndim, normalized_shape, ndim))
            return tg__faili(TG_E_SHAPE, "Expected %s to be of same shape as normalized_shape, but got %s of shape "
                                         "%s and normalized_shape = %s",
                             names[i], names[i], tg__shape_str(params[i]->shape, params[i]->ndim, a, sizeof a), ns);
    bool fits = input->ndim >= ndim;
    for (int i = 0; fits && i < ndim; i++) fits = input->shape[input->ndim - ndim + i] == normalized_shape[i];
    if (!fits) {
        char starred[310];
        snprintf(starred, sizeof starred, "[*, %s", ns + 1);
        return tg__faili(TG_E_SHAPE, "Given normalized_shape=%s, expected input with shape %s, but got input of size%s",
                         ns, starred, tg__shape_str(input->shape, input->ndim, a, sizeof a));
    }
    return 0;
}

/* PyTorch's messages for a kernel given an integer input, and for
   parameters of another dtype than the input's. */
static int check_dtypes(const char *kernel, const tg_tensor *input, const tg_tensor *weight, const tg_tensor *bias)
{
    if (input->dtype != TG_F32 && input->dtype != TG_F64 && !tg__is_half(input->dtype))   /* see the header */
        return tg__faili(TG_E_DTYPE, "\"%s\" not implemented for '%s'", kernel, tg__dtype_short(input->dtype));
    const tg_tensor *params[2] = {weight, bias};
    for (int i = 0; i < 2; i++)
        if (params[i] && params[i]->dtype != input->dtype)
            return tg__faili(TG_E_DTYPE, "expected scalar type %s but found %s", tg__dtype_short(input->dtype),
                             tg__dtype_short(params[i]->dtype));
    return 0;
}

/* Records a normalisation's node over (input, weight, bias), saving the
   three (absent ones are not saved) for its derivative, as PyTorch saves
   them. */
static tg_tensor *record_norm(tg_tensor *out, tg_record what, const tg_tensor *input, const tg_tensor *weight,
                              const tg_tensor *bias)
{
    const tg_tensor *inputs[3] = {input, weight, bias};
    tg_node *n;
    if (tg__record(out, what, inputs, 3, &n)) return NULL;
    for (int i = 0; n && i < 3; i++)
        if (inputs[i]) tg__save(n, i, inputs[i]);
    return out;
}

int tg__dense_operands(const tg_tensor *input, const tg_tensor *weight, const tg_tensor *bias, bool channels_last,
                       tg_tensor **dense, tg_tensor **out)
{
    const tg_tensor *operands[3] = {input, weight, bias};
    TG_NO_GRAD {
        for (int i = 0; i < 3; i++)
            dense[i] = !operands[i] ? NULL : i == 0 && channels_last ? tg__share(input) : tg_contiguous(operands[i]);
    }
    for (int i = 0; i < 3; i++)
        if (operands[i] && !dense[i]) return -1;
    *out = channels_last ? channels_last_like(input) : tg__new(input->dtype, input->shape, input->ndim);
    return *out ? 0 : -1;
}

static const void *data_of(const tg_tensor *t) { return t ? tg__ptr(t) : NULL; }

tg_tensor *tg_layer_norm(const tg_tensor *input, const int64_t *normalized_shape, int ndim, const tg_tensor *weight,
                         const tg_tensor *bias, double eps)
{
    TG_ARG(input);
    if (tg__check_layer_norm_inputs(input, normalized_shape, ndim, weight, bias) ||
        check_dtypes("LayerNormKernelImpl", input, weight, bias))
        return NULL;
    tg_tensor *out = NULL;
    if (tg__is_half(input->dtype)) {   /* Note [Half in float] */
        TG_NO_GRAD {
            tg_tensor *f[3];
            if (!tg__widen_all((const tg_tensor *[]){input, weight, bias}, f, 3))
                out = tg_to(tg_layer_norm(f[0], normalized_shape, ndim, f[1], f[2], eps), input->dtype);
        }
        if (!out) return NULL;
    } else {
        int64_t n = tg__numel(normalized_shape, ndim);
        int64_t rows = tg__numel(input->shape, input->ndim - ndim);
        tg_tensor *dense[3];
        if (tg__dense_operands(input, weight, bias, false, dense, &out)) return NULL;
        tg__k_layer_norm_rows(tg__ptr(dense[0]), data_of(dense[1]), data_of(dense[2]), tg__ptr(out), input->dtype,
                            rows, n, eps);
    }
    layer_norm_params p = {ndim, eps, weight != NULL};
    return record_norm(out, (tg_record){.op = TG_OP_LAYER_NORM, .n_saved = 3, TG_PARAMS(p)}, input, weight, bias);
}

/* PyTorch's native_layer_norm_backward, in operations: dx from the
   normalised input, dweight = sum(g xhat) and dbias = sum(g) over the
   leading dims. */
int tg__d_layer_norm(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    const layer_norm_params *p = n->params;
    tg_tensor *x = tg__widened(SAVED(0)), *w = p->has_weight ? tg__widened(SAVED(1)) : NULL;
    if (!x || (p->has_weight && !w) || !(g = tg__widened(g))) return -1;   /* Note [Half in float] */
    if (tg__refuse_forward_ad("native_layer_norm_backward", (const tg_tensor *[]){g, x, w}, 3)) return -1;
    int64_t dims[TG_MAX_DIMS];
    int nd = last_dims(p->ndim, dims);
    tg_tensor *rstd, *xhat = tg__normalized(x, dims, nd, p->eps, &rstd);
    if (NEED(0)) gi[0] = tg__normalized_backward(w ? tg_mul(g, w) : g, xhat, rstd, dims, nd);
    tg_tensor *g_xhat = NEED(1) ? tg_mul(g, xhat) : NULL;   /* tg__sum_to takes no NULL */
    if (g_xhat) gi[1] = tg__sum_to(g_xhat, n->in_meta[1].shape, n->in_meta[1].ndim);
    if (NEED(2)) gi[2] = tg__sum_to(g, n->in_meta[2].shape, n->in_meta[2].ndim);
    return tg__derivative_done(n, gi);
}

/* ------------------------------------------------------ group_norm */

/* F.group_norm's checks, in its order: its Python size reads, the
   division (Python's), _verify_batch_size on the grouped sizes, then
   native_group_norm's. */
static int check_group_norm(const tg_tensor *input, int64_t groups, const tg_tensor *weight, const tg_tensor *bias)
{
    char a[300], b[300];
    if (input->ndim == 0) return tg__faili(TG_E_INDEX, "Dimension specified as 0 but tensor has no dimensions");
    if (input->ndim == 1)
        return tg__faili(TG_E_INDEX, "Dimension out of range (expected to be in range of [-1, 0], but got 1)");
    if (groups == 0) return tg__faili(TG_E_INVALID, "integer division or modulo by zero");
    int64_t channels = input->shape[1];
    if (groups > 0 && input->shape[0] * channels / groups * tg__numel(input->shape + 2, input->ndim - 2) == 1) {
        int64_t sizes[TG_MAX_DIMS] = {input->shape[0] * channels / groups, groups};
        for (int i = 2; i < input->ndim; i++) sizes[i] = input->shape[i];
        return tg__faili(TG_E_INVALID, "Expected more than 1 value per channel when training, got input size %s",
                         tg__shape_str(sizes, input->ndim, a, sizeof a));
    }
    if (groups < 0)
        return tg__faili(TG_E_INVALID, "Expected num groups to be greater than 0, got %lld", (long long)groups);
    tg__shape_str(input->shape, input->ndim, a, sizeof a);
    if (channels % groups)
        return tg__faili(TG_E_SHAPE, "Expected number of channels in input to be divisible by num_groups, but got "
                                     "input of shape %s and num_groups=%lld", a, (long long)groups);
    /* PyTorch's bias message shows the weight's shape ([0] without one). */
    const char *weight_shape = weight ? tg__shape_str(weight->shape, weight->ndim, b, sizeof b) : "[0]";
    const tg_tensor *params[2] = {weight, bias};
    const char *names[2] = {"weight", "bias"};
    for (int i = 0; i < 2; i++)
        if (params[i] && (params[i]->ndim != 1 || params[i]->shape[0] != channels))
            return tg__faili(TG_E_SHAPE, "Expected %s to be a vector of size equal to the number of channels in "
                                         "input, but got %s of shape %s and input of shape %s",
                             names[i], names[i], weight_shape, a);
    return check_dtypes("GroupNormKernelImpl", input, weight, bias);
}

tg_tensor *tg_group_norm(const tg_tensor *input, int64_t num_groups, const tg_tensor *weight, const tg_tensor *bias,
                         double eps)
{
    TG_ARG(input);
    if (check_group_norm(input, num_groups, weight, bias)) return NULL;
    /* PyTorch's group_norm makes its input contiguous in the graph
       (CloneBackward0 when it was not), in its own layout when that is
       channels-last, and lays the result out alike. */
    bool last = tg__is_channels_last(input);
    if (!last && !(input = tg_contiguous(input))) return NULL;
    if (tg__is_half(input->dtype)) {   /* Note [Half in float] */
        tg_tensor *out = NULL;
        TG_NO_GRAD {
            tg_tensor *f[3];
            if (!tg__widen_all((const tg_tensor *[]){input, weight, bias}, f, 3))
                out = tg_to(tg_group_norm(f[0], num_groups, f[1], f[2], eps), input->dtype);
        }
        group_norm_params p = {num_groups, eps, weight != NULL};
        return out ? record_norm(out, (tg_record){.op = TG_OP_GROUP_NORM, .n_saved = 3, TG_PARAMS(p)}, input, weight,
                                 bias)
                   : NULL;
    }
    tg_tensor *dense[3], *out;
    if (tg__dense_operands(input, weight, bias, last, dense, &out)) return NULL;
    int64_t batch = input->shape[0], channels = input->shape[1], inner = tg__numel(input->shape + 2, input->ndim - 2);
    if (last) {
        if (tg__k_group_norm_channels_last(tg__ptr(input), data_of(dense[1]), data_of(dense[2]), tg__ptr(out),
                                         input->dtype, batch, channels, inner, num_groups, eps))
            return NULL;
    } else {
        tg__k_group_norm_rows(tg__ptr(dense[0]), data_of(dense[1]), data_of(dense[2]), tg__ptr(out), input->dtype,
                            batch, channels, inner, num_groups, eps);
    }
    group_norm_params p = {num_groups, eps, weight != NULL};
    return record_norm(out, (tg_record){.op = TG_OP_GROUP_NORM, .n_saved = 3, TG_PARAMS(p)}, input, weight, bias);
}

/* PyTorch's native_group_norm_backward, in operations: x as (N, groups,
   rest) normalised over its last dim; the weight broadcast as (C, 1, ..). */
int tg__d_group_norm(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    const group_norm_params *p = n->params;
    tg_tensor *x = tg__widened(SAVED(0)), *w = p->has_weight ? tg__widened(SAVED(1)) : NULL;
    if (!x || (p->has_weight && !w) || !(g = tg__widened(g))) return -1;   /* Note [Half in float] */
    int64_t grouped[3] = {x->shape[0], p->groups, x->shape[1] / p->groups * tg__numel(x->shape + 2, x->ndim - 2)};
    const int64_t last[1] = {2};
    tg_tensor *rstd, *xhat = tg__normalized(tg_reshape(x, grouped, 3), last, 1, p->eps, &rstd);
    tg_tensor *xhat_full = tg_reshape(xhat, x->shape, x->ndim);
    int64_t dims[TG_MAX_DIMS];
    int nd = tg__dims_but_channel(x->ndim, dims);
    if (NEED(0)) {
        int64_t per_channel[TG_MAX_DIMS] = {x->shape[1]};
        for (int i = 1; i < x->ndim - 1; i++) per_channel[i] = 1;
        tg_tensor *g_xhat = w ? tg_mul(g, tg_view(w, per_channel, x->ndim - 1)) : g;
        tg_tensor *gx = tg__normalized_backward(tg_reshape(g_xhat, grouped, 3), xhat, rstd, last, 1);
        gi[0] = tg_reshape(gx, x->shape, x->ndim);
    }
    if (NEED(1)) gi[1] = tg_sum_dim(tg_mul(g, xhat_full), dims, nd, false);
    if (NEED(2)) gi[2] = tg_sum_dim(g, dims, nd, false);
    return tg__derivative_done(n, gi);
}

/* -------------------------------------------------------- rms_norm */

tg_tensor *tg_rms_norm(const tg_tensor *input, const int64_t *normalized_shape, int ndim, const tg_tensor *weight,
                       double eps)
{
    TG_ARG(input);
    if (tg__check_layer_norm_inputs(input, normalized_shape, ndim, weight, NULL)) return NULL;
    if (!tg__is_floating(input->dtype))
        return tg__fail(TG_E_DTYPE, "\"rms_norm\" not implemented for '%s'", tg__dtype_short(input->dtype));
    /* PyTorch's eps is the element type's (its eps=None: the epsilon of the
       type it computes in, float for every type but double's). */
    bool is_double = input->dtype == TG_F64 || input->dtype == TG_C128;
    if (isnan(eps)) eps = is_double ? DBL_EPSILON : FLT_EPSILON;
    else if (!is_double) eps = (float)eps;
    int64_t dims[TG_MAX_DIMS];
    int nd = last_dims(ndim, dims);
    tg_tensor *mean_square = tg_mean_dim(tg_pow_scalar(input, 2), dims, nd, true);
    tg_tensor *out = tg_mul(input, tg_rsqrt(tg_add_scalar_(mean_square, eps)));
    return weight ? tg_mul(out, weight) : out;
}
