/* dropout and dropout2d (and their in-place forms) as PyTorch 1.13
   computes them on the CPU: the
   input times a mask of Bernoulli(1 - p) draws divided by 1 - p (so the
   graph is MulBackward0, and the gradient goes through the same mask). */
#include "ops.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* F.dropout's check of p (Python's, but for NaN, which reaches C++'s). */
static int check_p(double p)
{
    if (p >= 0 && p <= 1) return 0;
    char text[32];
    return tg__faili(TG_E_INVALID, "dropout probability has to be between 0 and 1, but got %s",
                     tg__py_float(p, text, sizeof text));
}

/* The mask for input, drawn from gen in noise_shape (broadcast against
   input): 0 with probability p, else 1 / (1 - p), in input's dtype. */
static tg_tensor *noise(const tg_tensor *input, const int64_t *noise_shape, double p, tg_generator *gen)
{
    if (!tg__is_floating(input->dtype))   /* PyTorch's div_ of the mask by 1 - p */
        return tg__fail(TG_E_DTYPE, "result type Float can't be cast to the desired output type %s",
                        tg__dtype_short(input->dtype));
    tg_tensor *mask = NULL;
    TG_NO_GRAD { mask = tg_div_scalar(tg_bernoulli_gen(tg_full(noise_shape, input->ndim, 1 - p, input->dtype), gen), 1 - p); }
    return mask;
}

/* F.dropout2d's warning for inputs that are not 3-D or 4-D. */
static void warn_dropout2d_dims(int ndim)
{
    if (ndim == 3)
        tg__warn("dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout behavior is "
                 "desired - input is interpreted as shape (N, C, L), where C is the channel dim. This behavior will "
                 "change in a future release to interpret the input as one without a batch dimension, i.e. shape "
                 "(C, H, W). To maintain the 1D channel-wise dropout behavior, please switch to using dropout1d "
                 "instead.");
    else if (ndim != 4)
        tg__warn("dropout2d: Received a %d-D input to dropout2d, which is deprecated and will result in an error in "
                 "a future release. To retain the behavior and silence this warning, please use dropout instead. "
                 "Note that dropout2d exists to provide channel-wise dropout on inputs with 2 spatial dimensions, a "
                 "channel dimension, and an optional batch dimension (i.e. 3D or 4D inputs).",
                 ndim);
}

/* t times factor (MulBackward0), written into t when inplace. */
static tg_tensor *times(tg_tensor *t, const tg_tensor *factor, bool inplace)
{
    return inplace ? tg_mul_(t, factor) : tg_mul(t, factor);
}

/* PyTorch's _dropout_impl: t itself when nothing is dropped (p = 0,
   evaluation, no elements), t times a 0-dim zero for p = 1, else t times
   the mask; feature dropout (dropout2d) draws one value per (dim 0, dim
   1) pair, broadcast over the other dims. t is written only when inplace;
   fn names the public function. */
static tg_tensor *dropout(const char *fn, tg_tensor *t, double p, bool training, bool feature, bool inplace,
                          tg_generator *gen)
{
    TG_ARG_OF(fn, t);
    if (check_p(p)) return NULL;
    if (feature) warn_dropout2d_dims(t->ndim);
    if (p == 0 || !training || tg_numel(t) == 0) return inplace ? t : tg__share(t);
    if (p == 1) return times(t, tg_zeros(TG_SHAPE(), t->dtype), inplace);
    if (feature && t->ndim < 2) return tg__fail(TG_E_SHAPE, "Feature dropout requires at least 2 dimensions in the input");
    int64_t noise_shape[TG_MAX_DIMS];
    for (int i = 0; i < t->ndim; i++) noise_shape[i] = feature && i >= 2 ? 1 : t->shape[i];
    tg_tensor *mask = noise(t, noise_shape, p, gen);
    return mask ? times(t, mask, inplace) : NULL;
}

/* The out-of-place forms only read t. */
tg_tensor *tg_dropout_gen(const tg_tensor *t, double p, bool training, tg_generator *gen)
{
    return dropout(__func__, (tg_tensor *)t, p, training, false, false, gen);
}
tg_tensor *tg_dropout(const tg_tensor *t, double p, bool training)
{
    return dropout(__func__, (tg_tensor *)t, p, training, false, false, NULL);
}
tg_tensor *tg_dropout_(tg_tensor *t, double p, bool training) { return dropout(__func__, t, p, training, false, true, NULL); }
tg_tensor *tg_dropout2d_gen(const tg_tensor *t, double p, bool training, tg_generator *gen)
{
    return dropout(__func__, (tg_tensor *)t, p, training, true, false, gen);
}
tg_tensor *tg_dropout2d(const tg_tensor *t, double p, bool training)
{
    return dropout(__func__, (tg_tensor *)t, p, training, true, false, NULL);
}
tg_tensor *tg_dropout2d_(tg_tensor *t, double p, bool training) { return dropout(__func__, t, p, training, true, true, NULL); }
