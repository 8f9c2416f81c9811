/* torch.optim.Adam and AdamW: one update, with weight decay either in the
   gradient (Adam's L2) or decoupled (AdamW's). */
#include "optim.h"

#include <math.h>

static int check(const char *fn, const optim_opts *opts)
{
    (void)fn;
    const tg_adam_opts *o = &opts->adam;
    if (!(0.0 <= o->lr)) return tg__invalid("learning rate", o->lr);
    if (!(0.0 <= o->eps)) return tg__invalid("epsilon value", o->eps);
    if (!(0.0 <= o->beta1 && o->beta1 < 1.0)) return tg__invalid("beta parameter at index 0", o->beta1);
    if (!(0.0 <= o->beta2 && o->beta2 < 1.0)) return tg__invalid("beta parameter at index 1", o->beta2);
    if (!(0.0 <= o->weight_decay)) return tg__invalid("weight_decay value", o->weight_decay);
    return 0;
}

static tg_tensor *zeros_like(const tg_tensor *t) { return tg_zeros(tg_shape(t), tg_ndim(t), tg_dtype_of(t)); }

/* The moments and the step of _single_tensor_adam / _single_tensor_adamw
   (not capturable), after their weight decay: state is exp_avg,
   exp_avg_sq and max_exp_avg_sq (amsgrad), made as zeros at the first step. */
static bool holds(const optim_opts *o, int s) { return s < 2 || o->adam.amsgrad; }

static int adam_step(const optim_opts *opts, int64_t step, tg_tensor *param, const tg_tensor *grad, tg_tensor **state)
{
    const tg_adam_opts *o = &opts->adam;
    for (int s = 0; s < OPTIM_MAX_STATE; s++)
        if (holds(opts, s) && !state[s]) state[s] = zeros_like(param);
    tg_tensor *exp_avg = state[0], *exp_avg_sq = state[1];
    tg__add_scaled_(tg_mul_scalar_(exp_avg, o->beta1), grad, 1 - o->beta1);
    tg_addcmul_(tg_mul_scalar_(exp_avg_sq, o->beta2), grad, grad, 1 - o->beta2);
    double bias_correction1 = 1 - pow(o->beta1, (double)step);
    double bias_correction2 = 1 - pow(o->beta2, (double)step);
    double step_size = o->lr / bias_correction1;
    double bias_correction2_sqrt = sqrt(bias_correction2);
    const tg_tensor *second = exp_avg_sq;
    if (o->amsgrad) second = tg_copy_(state[2], tg_maximum(state[2], exp_avg_sq));
    tg_tensor *denom = tg_add_scalar_(tg_div_scalar(tg_sqrt(second), bias_correction2_sqrt), o->eps);
    return tg_addcdiv_(param, exp_avg, denom, -step_size) ? 0 : -1;
}

static int update_adam(const optim_opts *opts, int64_t step, tg_tensor *param, const tg_tensor *grad,
                       tg_tensor **state)
{
    const tg_adam_opts *o = &opts->adam;
    return adam_step(opts, step, param, tg__step_grad(grad, param, o->maximize, o->weight_decay), state);
}

static int update_adamw(const optim_opts *opts, int64_t step, tg_tensor *param, const tg_tensor *grad,
                        tg_tensor **state)
{
    const tg_adam_opts *o = &opts->adam;
    tg_mul_scalar_(param, 1 - o->lr * o->weight_decay);
    return adam_step(opts, step, param, tg__step_grad(grad, param, o->maximize, 0), state);
}

static const char *const STATE[] = {"exp_avg", "exp_avg_sq", "max_exp_avg_sq"};
static const optim_hyper HYPERS[] = {
    OPTIM_DOUBLE(tg_adam_opts, lr, "lr"),
    OPTIM_DOUBLE(tg_adam_opts, beta1, "betas.0"),
    OPTIM_DOUBLE(tg_adam_opts, beta2, "betas.1"),
    OPTIM_DOUBLE(tg_adam_opts, eps, "eps"),
    OPTIM_DOUBLE(tg_adam_opts, weight_decay, "weight_decay"),
    OPTIM_BOOL(tg_adam_opts, amsgrad, "amsgrad"),
    OPTIM_BOOL(tg_adam_opts, maximize, "maximize"),
};
#define ADAM_KIND(kind_name, kind_update) {                                                             \
        .name = kind_name, .state_names = STATE, .step_dtype = TG_F32, .holds = holds, .hypers = HYPERS, \
        .n_hypers = 7, .check = check, .momentum_name = "betas",                                       \
        .momentum_offset = offsetof(tg_adam_opts, beta1), .update = kind_update,                       \
    }
static const optim_kind ADAM = ADAM_KIND("Adam", update_adam);
static const optim_kind ADAMW = ADAM_KIND("AdamW", update_adamw);
static const optim_kind *const KINDS[] = {&ADAM, &ADAMW, NULL};

tg_adam_opts tg_adam_defaults(void) { return (tg_adam_opts){.lr = 1e-3, .beta1 = 0.9, .beta2 = 0.999, .eps = 1e-8}; }

tg_adam_opts tg_adamw_defaults(void)
{
    tg_adam_opts o = tg_adam_defaults();
    o.weight_decay = 1e-2;
    return o;
}

tg_optimizer *tg_adam(tg_tensor *const *params, int n, tg_adam_opts opts)
{
    return tg__optimizer_new(__func__, &ADAM, params, n, &(optim_opts){.adam = opts});
}

tg_optimizer *tg_adamw(tg_tensor *const *params, int n, tg_adam_opts opts)
{
    return tg__optimizer_new(__func__, &ADAMW, params, n, &(optim_opts){.adam = opts});
}

int tg_adam_add_param_group(tg_optimizer *opt, tg_tensor *const *params, int n, tg_adam_opts opts)
{
    return tg__optimizer_add_group(__func__, opt, KINDS, params, n, &(optim_opts){.adam = opts});
}
