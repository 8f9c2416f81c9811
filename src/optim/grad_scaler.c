/* A dynamic loss scaler, as torch.cuda.amp.GradScaler computes it (its
   _amp_foreach_non_finite_check_and_unscale_ and _amp_update_scale_), on
   CPU tensors: the loss times the scale, the gradients times its inverse
   with a check for inf and NaN, a step skipped when one was found, and the
   scale backed off after such a step or grown after growth_interval good
   ones. The scale is a float32, as PyTorch's _scale tensor. */
#include "optim.h"

#include <math.h>
#include <stdlib.h>

struct tg_grad_scaler {
    float scale;
    double growth_factor, backoff_factor;
    int64_t growth_interval, growth_tracker;
    bool unscaled;    /* unscale_ ran since the last update */
    bool found_inf;   /* and found a non-finite gradient */
};

tg_grad_scaler *tg_grad_scaler_new(double init_scale, double growth_factor, double backoff_factor,
                                   int64_t growth_interval)
{
    if (!(growth_factor > 1.0)) return tg__fail(TG_E_INVALID, "The growth factor must be > 1.0.");
    if (!(backoff_factor < 1.0)) return tg__fail(TG_E_INVALID, "The backoff factor must be < 1.0.");
    if (growth_interval <= 0)
        return tg__fail(TG_E_INVALID, "%s(): growth_interval must be positive, got %lld", __func__,
                        (long long)growth_interval);
    tg_grad_scaler *s = tg__calloc(1, sizeof *s);
    if (!s) return NULL;
    *s = (tg_grad_scaler){(float)init_scale, growth_factor, backoff_factor, growth_interval, 0, false, false};
    return s;
}

void tg_grad_scaler_free(tg_grad_scaler *s) { free(s); }

double tg_grad_scaler_get_scale(const tg_grad_scaler *s)
{
    if (!s) {
        tg__fail(TG_E_NULL, "%s(): the scaler is NULL", __func__);
        return NAN;
    }
    return s->scale;
}

/* outputs * self._scale: the scale a float32 tensor of shape (1,). */
tg_tensor *tg_grad_scaler_scale(const tg_grad_scaler *s, const tg_tensor *loss)
{
    if (!s) return tg__fail(TG_E_NULL, "%s(): the scaler is NULL", __func__);
    TG_ARG(loss);
    tg_tensor *scale = tg_full(TG_SHAPE(1), s->scale, TG_F32);
    return scale ? tg_mul(loss, scale) : NULL;
}

/* grad * inv_scale in float (each element rounded once to the gradient's
   dtype), into *scaled; whether every element was finite, into *finite. */
static int unscaled_of(const tg_tensor *grad, float inv_scale, tg_tensor **scaled, bool *finite)
{
    tg_tensor *wide = grad->dtype == TG_F64 ? (tg_tensor *)grad : tg_to(grad, TG_F32);
    tg_tensor *ok = wide ? tg_all(tg_isfinite(wide)) : NULL;
    *scaled = ok ? tg_mul_scalar(wide, inv_scale) : NULL;
    if (!*scaled) return -1;
    *finite = *finite && tg_item(ok) != 0;
    return 0;
}

/* Every new gradient is computed before any is written, so that a failure
   (out of memory) changes none. */
static int unscale_all(const tg_optimizer *opt, float inv_scale, bool *finite)
{
    int n = 0;
    for (int g = 0; g < opt->n_groups; g++) n += opt->groups[g].n;
    tg_tensor **made = tg__calloc(2 * (size_t)n + 1, sizeof *made);
    if (!made) return -1;
    tg_tensor **grads = made + n;
    int k = 0, rc = 0;
    for (int g = 0; g < opt->n_groups && rc == 0; g++)
        for (int i = 0; i < opt->groups[g].n && rc == 0; i++) {
            tg_tensor *grad = tg__grad_of(opt->groups[g].params[i].param);
            if (!grad) continue;
            grads[k] = grad;
            rc = unscaled_of(grad, inv_scale, &made[k++], finite);
        }
    for (int i = 0; i < k && rc == 0; i++) {
        tg__copy_into(grads[i], made[i]);
        tg__bump_version(grads[i]);
    }
    free(made);
    return rc;
}

int tg_grad_scaler_unscale_(tg_grad_scaler *s, tg_optimizer *opt)
{
    if (!s || !opt) return tg__faili(TG_E_NULL, "%s(): the scaler or the optimizer is NULL", __func__);
    if (s->unscaled)
        return tg__faili(TG_E_INVALID, "unscale_() has already been called on this optimizer since the last update().");
    /* inv_scale = self._scale.double().reciprocal().float() */
    float inv_scale = (float)(1.0 / (double)s->scale);
    bool finite = true;
    if (tg_scope_begin() < 0) return -1;
    bool grad_mode = tg_set_grad_enabled(false);
    int rc = unscale_all(opt, inv_scale, &finite);
    tg_set_grad_enabled(grad_mode);
    tg_scope_end();
    if (rc) return -1;
    s->unscaled = true;
    s->found_inf = !finite;
    return 0;
}

int tg_grad_scaler_step(tg_grad_scaler *s, tg_optimizer *opt)
{
    if (!s || !opt) return tg__faili(TG_E_NULL, "%s(): the scaler or the optimizer is NULL", __func__);
    if (!s->unscaled && tg_grad_scaler_unscale_(s, opt)) return -1;
    if (s->found_inf) return 0;
    return tg_optimizer_step(opt) ? -1 : 1;
}

/* _amp_update_scale_: back off after inf or NaN, grow after
   growth_interval steps in a row without. */
int tg_grad_scaler_update(tg_grad_scaler *s)
{
    if (!s) return tg__faili(TG_E_NULL, "%s(): the scaler is NULL", __func__);
    if (s->found_inf) {
        s->scale = (float)((double)s->scale * s->backoff_factor);
        s->growth_tracker = 0;
    } else if (++s->growth_tracker == s->growth_interval) {
        float grown = (float)((double)s->scale * s->growth_factor);
        if (isfinite(grown)) s->scale = grown;
        s->growth_tracker = 0;
    }
    s->unscaled = false;
    s->found_inf = false;
    return 0;
}
