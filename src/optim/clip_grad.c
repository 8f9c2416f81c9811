/* torch.nn.utils.clip_grad_norm_ and clip_grad_value_. Both compute every
   new gradient before writing any, so a failure changes none. */
#include "optim.h"

#include <math.h>
#include <stdlib.h>

/* The .grad of each parameter that has one, in a new array with room for
   as many more (free it), their count in *k; NULL with an error naming fn. */
static tg_tensor **grads_of(const char *fn, tg_tensor *const *params, int n, int *k)
{
    if (n < 0 || (n > 0 && !params)) return tg__fail(TG_E_INVALID, "%s(): params is NULL or n is negative", fn);
    tg_tensor **grads = tg__calloc(2 * (size_t)n + 1, sizeof *grads);
    if (!grads) return NULL;
    *k = 0;
    for (int i = 0; i < n; i++) {
        if (tg__bad_arg(fn, params[i])) {
            free(grads);
            return NULL;
        }
        if (tg__grad_of(params[i])) grads[(*k)++] = tg__grad_of(params[i]);
    }
    return grads;
}

/* Writes news[i] into grads[i]: nothing here can fail. */
static void write_all(tg_tensor **grads, tg_tensor *const *news, int k)
{
    for (int i = 0; i < k; i++) {
        tg__copy_into(grads[i], news[i]);
        tg__bump_version(grads[i]);
    }
}

/* PyTorch 1.13's total: the norm of the per-gradient norms (the largest of
   the largest magnitudes for inf). */
static tg_tensor *total_norm_of(tg_tensor *const *grads, int k, double norm_type, tg_tensor **norms)
{
    for (int i = 0; i < k; i++)
        norms[i] = isinf(norm_type) && norm_type > 0 ? tg_max(tg_abs(grads[i]))
                                                     : tg_vector_norm(grads[i], norm_type, NULL, 0, false);
    if (isinf(norm_type) && norm_type > 0) return k == 1 ? norms[0] : tg_max(tg_stack((const tg_tensor *const *)norms, k, 0));
    return tg_vector_norm(tg_stack((const tg_tensor *const *)norms, k, 0), norm_type, NULL, 0, false);
}

/* The clipping proper, in the caller's scope with grad mode off. */
static int clip_norm(tg_tensor **grads, int k, double max_norm, double norm_type, double *total_norm)
{
    tg_tensor **made = tg__calloc(2 * (size_t)k, sizeof *made);
    if (!made) return -1;
    tg_tensor *total = total_norm_of(grads, k, norm_type, made);
    /* max_norm / (total + 1e-6) is Python's float / Tensor: reciprocal, then a product. */
    tg_tensor *coef = tg_clamp_max(tg_mul_scalar(tg_reciprocal(tg_add_scalar(total, 1e-6)), max_norm), 1.0);
    tg_tensor **scaled = made + k;
    int rc = coef ? 0 : -1;
    for (int i = 0; i < k && rc == 0; i++) rc = (scaled[i] = tg_mul(grads[i], coef)) ? 0 : -1;
    if (rc == 0) {
        write_all(grads, scaled, k);
        if (total_norm) *total_norm = tg_item(total);
    }
    free(made);
    return rc;
}

int tg_clip_grad_norm_(tg_tensor *const *params, int n, double max_norm, double norm_type, double *total_norm)
{
    int k = 0;
    tg_tensor **grads = grads_of(__func__, params, n, &k);
    if (!grads) return -1;
    int rc = 0;
    if (k == 0 && total_norm) *total_norm = 0;
    if (k > 0) rc = tg_scope_begin() < 0 ? -1 : 0;
    if (k > 0 && rc == 0) {
        bool grad_mode = tg_set_grad_enabled(false);
        rc = clip_norm(grads, k, max_norm, norm_type, total_norm);
        tg_set_grad_enabled(grad_mode);
        tg_scope_end();
    }
    free(grads);
    return rc;
}

int tg_clip_grad_value_(tg_tensor *const *params, int n, double clip_value)
{
    int k = 0;
    tg_tensor **grads = grads_of(__func__, params, n, &k);
    if (!grads) return -1;
    int rc = 0;
    if (k > 0) rc = tg_scope_begin() < 0 ? -1 : 0;
    if (k > 0 && rc == 0) {
        bool grad_mode = tg_set_grad_enabled(false);
        tg_tensor **clamped = grads + n;
        for (int i = 0; i < k && rc == 0; i++) rc = (clamped[i] = tg_clamp(grads[i], -clip_value, clip_value)) ? 0 : -1;
        if (rc == 0) write_all(grads, clamped, k);
        tg_set_grad_enabled(grad_mode);
        tg_scope_end();
    }
    free(grads);
    return rc;
}
