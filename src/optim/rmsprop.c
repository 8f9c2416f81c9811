/* torch.optim.RMSprop: plain, centered, with momentum. */
#include "optim.h"

static int check(const char *fn, const optim_opts *opts)
{
    (void)fn;
    const tg_rmsprop_opts *o = &opts->rmsprop;
    if (!(0.0 <= o->lr)) return tg__invalid("learning rate", o->lr);
    if (!(0.0 <= o->eps)) return tg__invalid("epsilon value", o->eps);
    if (!(0.0 <= o->momentum)) return tg__invalid("momentum value", o->momentum);
    if (!(0.0 <= o->weight_decay)) return tg__invalid("weight_decay value", o->weight_decay);
    if (!(0.0 <= o->alpha)) return tg__invalid("alpha value", o->alpha);
    return 0;
}

static bool holds(const optim_opts *o, int s)
{
    return s == 0 || (s == 1 ? o->rmsprop.momentum > 0 : o->rmsprop.centered);
}

/* PyTorch's _single_tensor_rmsprop; state is square_avg, momentum_buffer
   (momentum > 0) and grad_avg (centered), made as zeros at the first step. */
static int update(const optim_opts *opts, int64_t step, tg_tensor *param, const tg_tensor *grad, tg_tensor **state)
{
    (void)step;
    const tg_rmsprop_opts *o = &opts->rmsprop;
    for (int s = 0; s < OPTIM_MAX_STATE; s++)
        if (holds(opts, s) && !state[s]) state[s] = tg_zeros(tg_shape(param), tg_ndim(param), tg_dtype_of(param));
    grad = tg__step_grad(grad, param, o->maximize, o->weight_decay);
    tg_tensor *square_avg = tg_addcmul_(tg_mul_scalar_(state[0], o->alpha), grad, grad, 1 - o->alpha);
    tg_tensor *avg;
    if (o->centered) {
        tg_tensor *grad_avg = tg__add_scaled_(tg_mul_scalar_(state[2], o->alpha), grad, 1 - o->alpha);
        avg = tg_sqrt_(tg_addcmul(square_avg, grad_avg, grad_avg, -1));
    } else {
        avg = tg_sqrt(square_avg);
    }
    tg_add_scalar_(avg, o->eps);
    if (o->momentum > 0) {
        tg_tensor *buf = tg_addcdiv_(tg_mul_scalar_(state[1], o->momentum), grad, avg, 1);
        return tg__add_scaled_(param, buf, -o->lr) ? 0 : -1;
    }
    return tg_addcdiv_(param, grad, avg, -o->lr) ? 0 : -1;
}

static const char *const STATE[] = {"square_avg", "momentum_buffer", "grad_avg"};
static const optim_hyper HYPERS[] = {
    OPTIM_DOUBLE(tg_rmsprop_opts, lr, "lr"),
    OPTIM_DOUBLE(tg_rmsprop_opts, momentum, "momentum"),
    OPTIM_DOUBLE(tg_rmsprop_opts, alpha, "alpha"),
    OPTIM_DOUBLE(tg_rmsprop_opts, eps, "eps"),
    OPTIM_BOOL(tg_rmsprop_opts, centered, "centered"),
    OPTIM_DOUBLE(tg_rmsprop_opts, weight_decay, "weight_decay"),
    OPTIM_BOOL(tg_rmsprop_opts, maximize, "maximize"),
};
static const optim_kind RMSPROP = {
    .name = "RMSprop", .state_names = STATE, .step_dtype = TG_I64, .holds = holds, .hypers = HYPERS, .n_hypers = 7,
    .check = check,
    .momentum_name = "momentum", .momentum_offset = offsetof(tg_rmsprop_opts, momentum), .update = update,
};
static const optim_kind *const KINDS[] = {&RMSPROP, NULL};

tg_rmsprop_opts tg_rmsprop_defaults(void) { return (tg_rmsprop_opts){.lr = 1e-2, .alpha = 0.99, .eps = 1e-8}; }

tg_optimizer *tg_rmsprop(tg_tensor *const *params, int n, tg_rmsprop_opts opts)
{
    return tg__optimizer_new(__func__, &RMSPROP, params, n, &(optim_opts){.rmsprop = opts});
}

int tg_rmsprop_add_param_group(tg_optimizer *opt, tg_tensor *const *params, int n, tg_rmsprop_opts opts)
{
    return tg__optimizer_add_group(__func__, opt, KINDS, params, n, &(optim_opts){.rmsprop = opts});
}
