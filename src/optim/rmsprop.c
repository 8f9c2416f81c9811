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
   (momentum > 0) and grad_avg (centered). */
typedef struct rmsprop_step {
    double lr, alpha, eps, momentum, weight_decay;
    bool centered, maximize;
} rmsprop_step;

#define RMSPROP_BODY                                                                           \
    const T grad = OPTIM_STEP_GRAD(k->maximize, k->weight_decay);                              \
    T *square_avg = &OPTIM_STATE(0);                                                           \
    *square_avg = OPTIM_R(fma((T)(1 - k->alpha) * grad, grad, OPTIM_R(*square_avg * OPTIM_S(k->alpha)))); \
    T avg;                                                                                     \
    if (k->centered) {                                                                         \
        T *grad_avg = &OPTIM_STATE(2);                                                         \
        *grad_avg = OPTIM_R(fma(grad, OPTIM_S(1 - k->alpha), OPTIM_R(*grad_avg * OPTIM_S(k->alpha)))); \
        avg = OPTIM_R(sqrt(OPTIM_R(fma((T)-1 * *grad_avg, *grad_avg, *square_avg))));          \
    } else {                                                                                   \
        avg = OPTIM_R(sqrt(*square_avg));                                                      \
    }                                                                                          \
    avg = OPTIM_R(avg + OPTIM_S(k->eps));                                                      \
    if (k->momentum > 0) {                                                                     \
        T *buf = &OPTIM_STATE(1);                                                              \
        *buf = OPTIM_R(OPTIM_R(*buf * OPTIM_S(k->momentum)) + (T)1 * grad / avg);              \
        *p = OPTIM_R(fma(*buf, OPTIM_S(-k->lr), *p));                                          \
    } else {                                                                                   \
        *p = OPTIM_R(*p + (T)-k->lr * grad / avg);                                             \
    }
OPTIM_LOOPS(rmsprop_loop, rmsprop_step, RMSPROP_BODY)

static void update(const optim_opts *opts, int64_t step, bool fresh, tg_tensor *param, const tg_tensor *grad,
                   tg_tensor *const *state)
{
    (void)step, (void)fresh;
    const tg_rmsprop_opts *o = &opts->rmsprop;
    rmsprop_step k = {o->lr, o->alpha, o->eps, o->momentum, o->weight_decay, o->centered, o->maximize};
    tg__optim_run(&rmsprop_loop, &k, param, grad, state);
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
