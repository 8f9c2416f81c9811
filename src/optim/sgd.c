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

/* PyTorch's _single_tensor_sgd; state[0] is the momentum buffer, a copy
   of the first step's gradient (fresh), then buf.mul_(momentum).add_(d_p,
   alpha=1 - dampening). */
typedef struct sgd_step {
    double lr, momentum, dampening, weight_decay;
    bool nesterov, maximize, fresh;
} sgd_step;

#define SGD_BODY                                                                       \
    T d_p = OPTIM_STEP_GRAD(k->maximize, k->weight_decay);                             \
    if (k->momentum != 0) {                                                            \
        T *buf = &OPTIM_STATE(0);                                                      \
        *buf = k->fresh ? d_p : OPTIM_R(fma(d_p, OPTIM_S(1 - k->dampening), OPTIM_R(*buf * OPTIM_S(k->momentum)))); \
        d_p = k->nesterov ? OPTIM_R(fma(*buf, OPTIM_S(k->momentum), d_p)) : *buf;     \
    }                                                                                  \
    *p = OPTIM_R(fma(d_p, OPTIM_S(-k->lr), *p));
OPTIM_LOOPS(sgd_loop, sgd_step, SGD_BODY)
/* Without momentum, weight decay or maximize, SGD_BODY without its branches:
   a loop that vectorizes (a branch with fma in it does not, since fma may
   raise a floating-point exception and is not run speculatively). */
#define SGD_PLAIN_BODY *p = OPTIM_R(fma(g, OPTIM_S(-k->lr), *p));
OPTIM_LOOPS(sgd_plain_loop, sgd_step, SGD_PLAIN_BODY)

static void update(const optim_opts *opts, int64_t step, bool fresh, tg_tensor *param, const tg_tensor *grad,
                   tg_tensor *const *state)
{
    (void)step;
    const tg_sgd_opts *o = &opts->sgd;
    sgd_step k = {o->lr, o->momentum, o->dampening, o->weight_decay, o->nesterov, o->maximize, fresh};
    if (o->momentum == 0 && o->weight_decay == 0 && !o->maximize)
        tg__optim_run(&sgd_plain_loop, &k, param, grad, state);
    else tg__optim_run(&sgd_loop, &k, param, grad, state);
}

static bool holds(const optim_opts *o, int s) { return s == 0 && o->sgd.momentum != 0; }

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
    .name = "SGD", .state_names = STATE, .step_dtype = (tg_dtype)-1, .holds = holds, .hypers = HYPERS, .n_hypers = 6,
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
