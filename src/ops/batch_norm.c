/* batch_norm (NativeBatchNormBackward0): each channel (dim 1) normalised
   with the batch's statistics (training) or the running ones
   (evaluation), training updating the running statistics in place as
   PyTorch's CPU kernel does. The running statistics are not part of the
   graph; like PyTorch's kernel, the update does not bump their version
   counters. Values come from kernels/norm.c, the derivative is written in
   operations (ops/normalization.c's blocks). */
#include "normalization.h"

#include <math.h>

/* Saved slots: the input, the weight and the running statistics, as
   PyTorch's node saves them (not the bias: its gradient needs none). */
enum { SAVED_INPUT, SAVED_WEIGHT, SAVED_RUNNING_MEAN, SAVED_RUNNING_VAR, N_SAVED };

/* F.batch_norm's Python checks: an input of 2 dims or more and, when
   training, more than one value per channel. */
static int check_values_per_channel(const tg_tensor *input, bool training)
{
    char shape[300];
    if (training && input->ndim == 0) return tg__faili(TG_E_INDEX, "tuple index out of range");
    int64_t per_channel = input->ndim ? input->shape[0] * tg__numel(input->shape + 2, input->ndim - 2) : 1;
    if (training && per_channel == 1)
        return tg__faili(TG_E_INVALID, "Expected more than 1 value per channel when training, got input size %s",
                         tg__shape_text(input->shape, input->ndim, "torch.Size([", "])", shape, sizeof shape));
    if (input->ndim < 2)
        return tg__faili(TG_E_INDEX, "Dimension out of range (expected to be in range of [-1, 0], but got 1)");
    return 0;
}

/* _batch_norm_impl_index's checks and batch_norm_cpu's, in their order. */
static int check_parameters(const tg_tensor *input, const tg_tensor *running_mean, const tg_tensor *running_var,
                            const tg_tensor *weight, const tg_tensor *bias, bool training)
{
    const tg_tensor *params[4] = {running_mean, running_var, weight, bias};
    const char *names[4] = {"running_mean", "running_var", "weight", "bias"};
    int64_t channels = input->shape[1];
    for (int i = 0; i < 4; i++) {
        if (!params[i] && i < 2 && !training)
            return tg__faili(TG_E_INVALID, "%s must be defined in evaluation mode", names[i]);
        if (params[i] && tg_numel(params[i]) != channels)
            return tg__faili(TG_E_SHAPE, "%s should contain %lld elements not %lld", names[i], (long long)channels,
                             (long long)tg_numel(params[i]));
    }
    /* PyTorch mixes dtypes only for bf16 inputs with f32 parameters. */
    bool mixed = false;
    for (int i = 0; i < 4; i++) mixed = mixed || (params[i] && params[i]->dtype != input->dtype);
    for (int i = 0; mixed && i < 4; i++)
        if (params[i] && params[i]->dtype != TG_F32)
            return tg__faili(TG_E_DTYPE, "mixed dtype (CPU): expect parameter to have scalar type of Float");
    if (mixed && input->dtype != TG_BF16)
        return tg__faili(TG_E_DTYPE, "mixed dtype (CPU): expect input to have scalar type of BFloat16");
    if (input->dtype != TG_F32 && input->dtype != TG_F64 && !tg__is_half(input->dtype))
        return tg__faili(TG_E_DTYPE, "\"batch_norm\" not implemented for '%s'", tg__dtype_short(input->dtype));
    for (int i = 0; i < 2; i++)
        if (params[i] && params[i]->ndim != 1)
            return tg__faili(TG_E_SHAPE, "TensorAccessor expected 1 dims but tensor has %d", params[i]->ndim);
    return 0;
}

/* PyTorch's batch_norm of an empty input: input.clone() * weight[0] +
   bias[0], so that the graph still reaches the parameters. */
static tg_tensor *empty_batch_norm(const tg_tensor *input, const tg_tensor *weight, const tg_tensor *bias)
{
    tg_tensor *out = tg_clone(input);
    if (weight) out = tg_mul(out, tg_select(weight, 0, 0));
    if (bias) out = tg_add(out, tg_select(bias, 0, 0));
    return out;
}

/* The statistics the output is normalised with: the batch's mean,
   squared-deviation sum and invstd (training) over x's data as (batch, C,
   image), or the running mean and invstd from the running variance; each
   a new (C) tensor. */
static int channel_statistics(const tg_tensor *x, int64_t batch, int64_t image, const tg_tensor *running_mean,
                              const tg_tensor *running_var, bool training, double eps, tg_tensor **mean,
                              tg_tensor **var_sum, tg_tensor **invstd)
{
    int64_t channels = x->shape[1];
    *invstd = tg__new(x->dtype, &channels, 1);
    if (!*invstd) return -1;
    if (training) {
        *mean = tg__new(x->dtype, &channels, 1);
        *var_sum = tg__new(x->dtype, &channels, 1);
        if (!*mean || !*var_sum) return -1;
        tg__k_batch_norm_stats(tg__ptr(x), x->dtype, batch, channels, image, eps, tg__ptr(*mean), tg__ptr(*var_sum),
                             tg__ptr(*invstd));
        return 0;
    }
    tg_tensor *var = NULL;
    TG_NO_GRAD {
        *mean = tg_contiguous(running_mean);
        var = tg_contiguous(running_var);
    }
    if (!*mean || !var) return -1;
    tg__k_batch_norm_eval_invstd(tg__ptr(var), x->dtype, channels, eps, tg__ptr(*invstd));
    return 0;
}

static tg_tensor *record_batch_norm(tg_tensor *out, const batch_norm_params *p, const tg_tensor *input,
                                    const tg_tensor *weight, const tg_tensor *bias, const tg_tensor *running_mean,
                                    const tg_tensor *running_var)
{
    tg_node *n;
    const tg_tensor *running[2] = {running_mean, running_var};
    tg_record what = {.op = TG_OP_BATCH_NORM, .n_saved = N_SAVED, .params = p, .params_size = sizeof *p,
                      .tangent_ctx = running};
    if (tg__record(out, what, (const tg_tensor *[]){input, weight, bias}, 3, &n)) return NULL;
    const tg_tensor *saved[N_SAVED] = {input, weight, running_mean, running_var};
    for (int i = 0; n && i < N_SAVED; i++)
        if (saved[i]) tg__save(n, i, saved[i]);
    return out;
}

/* A half input's batch_norm (Note [Half in float]): the float one of
   float copies, rounded, and float copies of the running statistics
   written back (rounded) once nothing can fail any more. */
static tg_tensor *half_batch_norm(const tg_tensor *input, tg_tensor *running_mean, tg_tensor *running_var,
                                  const tg_tensor *weight, const tg_tensor *bias, bool training, double momentum,
                                  double eps)
{
    tg_tensor *f[3], *running[2] = {running_mean, running_var}, *copies[2] = {NULL, NULL}, *out = NULL;
    for (int i = 0; i < 2; i++)   /* copies even of f32 ones (bf16's mixed form): written back last */
        if (running[i] && !(copies[i] = tg__cast(running[i], TG_F32))) return NULL;
    TG_NO_GRAD {
        if (!tg__widen_all((const tg_tensor *[]){input, weight, bias}, f, 3))
            out = tg_to(tg_batch_norm(f[0], copies[0], copies[1], f[1], f[2], training, momentum, eps), input->dtype);
    }
    batch_norm_params p = {training, weight != NULL, eps};
    if (!out || !record_batch_norm(out, &p, input, weight, bias, running_mean, running_var)) return NULL;
    for (int i = 0; training && i < 2; i++)
        if (running[i]) tg__copy_into(running[i], copies[i]);
    return out;
}

tg_tensor *tg_batch_norm(const tg_tensor *input, tg_tensor *running_mean, tg_tensor *running_var,
                         const tg_tensor *weight, const tg_tensor *bias, bool training, double momentum, double eps)
{
    TG_ARG(input);
    if (check_values_per_channel(input, training)) return NULL;
    if (tg_numel(input) == 0) return empty_batch_norm(input, weight, bias);
    if (check_parameters(input, running_mean, running_var, weight, bias, training)) return NULL;
    bool updates = training && (running_mean || running_var);
    if (updates && isnan(momentum))
        return tg__fail(TG_E_INVALID, "%s(): momentum NAN (PyTorch's momentum=None, a cumulative average) needs the "
                                      "layer's num_batches_tracked: pass 1 / num_batches_tracked, as PyTorch's "
                                      "BatchNorm layers do", __func__);
    if (tg__is_half(input->dtype))
        return half_batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps);
    int64_t channels = input->shape[1], batch = input->shape[0], image = tg__numel(input->shape + 2, input->ndim - 2);
    tg_tensor *dense[3], *out, *mean = NULL, *var_sum = NULL, *invstd = NULL;
    bool last = tg__is_channels_last(input);
    if (tg__dense_operands(input, weight, bias, last, dense, &out)) return NULL;
    if (last) {   /* read as (batch * image, C) rows */
        batch *= image;
        image = 1;
    }
    if (channel_statistics(dense[0], batch, image, running_mean, running_var, training, eps, &mean, &var_sum,
                           &invstd))
        return NULL;
    tg__k_batch_norm_apply(tg__ptr(dense[0]), tg__ptr(mean), tg__ptr(invstd), weight ? tg__ptr(dense[1]) : NULL,
                         bias ? tg__ptr(dense[2]) : NULL, tg__ptr(out), input->dtype, batch, channels, image);
    batch_norm_params p = {training, weight != NULL, eps};
    if (!record_batch_norm(out, &p, input, weight, bias, running_mean, running_var)) return NULL;
    /* Last, when nothing can fail any more: a failed call leaves them as they were. */
    if (updates)
        tg__k_batch_norm_update(tg__ptr(mean), tg__ptr(var_sum), input->dtype, channels, batch * image, momentum,
                              running_mean ? tg__ptr(running_mean) : NULL, running_mean ? running_mean->strides[0] : 0,
                              running_var ? tg__ptr(running_var) : NULL, running_var ? running_var->strides[0] : 0);
    return out;
}

/* A (C) tensor viewed to broadcast along dim 1 of an ndim tensor. */
static tg_tensor *per_channel(const tg_tensor *t, int ndim)
{
    int64_t shape[TG_MAX_DIMS] = {1, tg_numel(t)};
    for (int i = 2; i < ndim; i++) shape[i] = 1;
    return tg_view(t, shape, ndim);
}

/* PyTorch's native_batch_norm_backward, in operations. Training: the
   batch's statistics (as layer_norm's over the dims but 1); evaluation:
   the running ones, constants. */
int tg__d_batch_norm(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    const batch_norm_params *p = n->params;
    if (tg__check_saved(n)) return -1;
    tg_tensor *x = tg__widened(SAVED(SAVED_INPUT)), *w = p->has_weight ? tg__widened(SAVED(SAVED_WEIGHT)) : NULL;
    if (!x || (p->has_weight && !w) || !(g = tg__widened(g))) return -1;   /* Note [Half in float] */
    if (tg__refuse_forward_ad("native_batch_norm_backward", (const tg_tensor *[]){g, x, w}, 3)) return -1;
    int64_t dims[TG_MAX_DIMS];
    int nd = tg__dims_but_channel(x->ndim, dims);
    tg_tensor *scale = w ? per_channel(w, x->ndim) : NULL, *xhat;
    if (w && !scale) return -1;
    if (p->training) {
        tg_tensor *rstd;
        xhat = tg__normalized(x, dims, nd, p->eps, &rstd);
        if (NEED(0)) gi[0] = tg__normalized_backward(scale ? tg_mul(g, scale) : g, xhat, rstd, dims, nd);
    } else {
        tg_tensor *mean = per_channel(tg__widened(SAVED(SAVED_RUNNING_MEAN)), x->ndim);
        tg_tensor *var = per_channel(tg__widened(SAVED(SAVED_RUNNING_VAR)), x->ndim);
        tg_tensor *invstd = tg_rsqrt(tg_add_scalar(var, p->eps));
        xhat = tg_mul(tg_sub(x, mean), invstd);
        if (NEED(0)) gi[0] = tg_mul(scale ? tg_mul(g, scale) : g, invstd);
    }
    if (NEED(1)) gi[1] = tg_sum_dim(tg_mul(g, xhat), dims, nd, false);
    if (NEED(2)) gi[2] = tg_sum_dim(g, dims, nd, false);
    return tg__derivative_done(n, gi);
}
