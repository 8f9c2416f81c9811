/* torch.optim.SGD: momentum, dampening, Nesterov, weight decay. */
#include "optim.h"

static int check(const char *fn, const optim_opts *opts)
{
    (void)fn;
    const tg_sgd_opts *o = &opts->sgd;
    if (o->lr < 0.0) return tg__invalid("learning rate", o->lr);
    if (o->momentum < 0.0) return tg__invalid("momentum value", o->momentum);
    if (o->weight_decay < 0.0) return tg__invalid("weight_decay value", o->weight_decay);
    if (o->nesterov && (o->momentum <= 0 || o->dampening != 0))
        return tg__faili(TG_E_INVALID, "Nesterov momentum requires a momentum and zero dampening");
    return 0;
}

/* PyTorch's _single_tensor_sgd; state[0] is the momentum buffer, made from
   the first step's gradient. */
static int update(const optim_opts *opts, int64_t step, tg_tensor *param, const tg_tensor *grad, tg_tensor **state)
{
    (void)step;
    const tg_sgd_opts *o = &opts->sgd;
    const tg_tensor *d_p = tg__step_grad(grad, param, o->maximize, o->weight_decay);
    if (o->momentum != 0) {
        tg_tensor *buf = state[0];
        if (!buf) buf = state[0] = tg_clone(d_p);
        else tg__add_scaled_(tg_mul_scalar_(buf, o->momentum), d_p, 1 - o->dampening);
        d_p = o->nesterov ? tg__add_scaled(d_p, buf, o->momentum) : buf;
    }
    return tg__add_scaled_(param, d_p, -o->lr) ? 0 : -1;
}

static const char *const STATE[] = {"momentum_buffer", NULL, NULL};
static const optim_hyper HYPERS[] = {
    OPTIM_DOUBLE(tg_sgd_opts, lr, "lr"),
    OPTIM_DOUBLE(tg_sgd_opts, momentum, "momentum"),
    OPTIM_DOUBLE(tg_sgd_opts, dampening, "dampening"),
    OPTIM_DOUBLE(tg_sgd_opts, weight_decay, "weight_decay"),
    OPTIM_BOOL(tg_sgd_opts, nesterov, "nesterov"),
    OPTIM_BOOL(tg_sgd_opts, maximize, "maximize"),
};
static const optim_kind SGD = {
    .name = "SGD", .state_names = STATE, .step_dtype = (tg_dtype)-1, .hypers = HYPERS, .n_hypers = 6,
    .check = check, .momentum_name = "momentum", .momentum_offset = offsetof(tg_sgd_opts, momentum), .update = update,
};
static const optim_kind *const KINDS[] = {&SGD, NULL};

tg_optimizer *tg_sgd(tg_tensor *const *params, int n, tg_sgd_opts opts)
{
    return tg__optimizer_new(__func__, &SGD, params, n, &(optim_opts){.sgd = opts});
}

int tg_sgd_add_param_group(tg_optimizer *opt, tg_tensor *const *params, int n, tg_sgd_opts opts)
{
    return tg__optimizer_add_group(__func__, opt, KINDS, params, n, &(optim_opts){.sgd = opts});
}
