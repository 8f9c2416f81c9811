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

static bool holds(const optim_opts *o, int s) { return s < 2 || o->adam.amsgrad; }

/* The moments and the step of _single_tensor_adam / _single_tensor_adamw
   (not capturable), after their weight decay (AdamW's decoupled one
   first: param.mul_(1 - lr * weight_decay)): state is exp_avg, exp_avg_sq
   and max_exp_avg_sq (amsgrad). */
typedef struct adam_step {
    double beta1, beta2, eps, weight_decay, decoupled_decay, step_size, bias_correction2_sqrt;
    bool amsgrad, maximize;
} adam_step;

/* The moments from the gradient grad, and `second` for the step. */
#define ADAM_MOMENTS(grad)                                                                     \
    *p = OPTIM_R(*p * OPTIM_S(k->decoupled_decay));   /* 1 for Adam */                        \
    T *exp_avg = &OPTIM_STATE(0), *exp_avg_sq = &OPTIM_STATE(1);                               \
    *exp_avg = OPTIM_R(fma(grad, OPTIM_S(1 - k->beta1), OPTIM_R(*exp_avg * OPTIM_S(k->beta1)))); \
    *exp_avg_sq = OPTIM_R(fma((T)(1 - k->beta2) * grad, grad, OPTIM_R(*exp_avg_sq * OPTIM_S(k->beta2)))); \
    T second = *exp_avg_sq;
#define ADAM_STEP                                                                              \
    const T denom = OPTIM_R(OPTIM_R(OPTIM_R(sqrt(second)) / OPTIM_S(k->bias_correction2_sqrt)) + OPTIM_S(k->eps)); \
    *p = OPTIM_R(*p + (T)-k->step_size * *exp_avg / denom);
#define ADAM_BODY                                                                              \
    const T grad = OPTIM_STEP_GRAD(k->maximize, k->weight_decay);                              \
    ADAM_MOMENTS(grad)                                                                         \
    if (k->amsgrad) {                                                                          \
        T *max_sq = &OPTIM_STATE(2);                                                           \
        /* torch.maximum: NaN wins */                                                          \
        *max_sq = *max_sq != *max_sq || second != second ? *max_sq + second : *max_sq > second ? *max_sq : second; \
        second = *max_sq;                                                                      \
    }                                                                                          \
    ADAM_STEP
OPTIM_LOOPS(adam_loop, adam_step, ADAM_BODY)
/* Without amsgrad, weight decay in the gradient or maximize (AdamW's and
   Adam's defaults): ADAM_BODY without its branches, a loop that vectorizes. */
#define ADAM_PLAIN_BODY ADAM_MOMENTS(g) ADAM_STEP
OPTIM_LOOPS(adam_plain_loop, adam_step, ADAM_PLAIN_BODY)

static void adam_update(const tg_adam_opts *o, int64_t step, double decoupled_decay, double weight_decay,
                        tg_tensor *param, const tg_tensor *grad, tg_tensor *const *state)
{
    double bias_correction1 = 1 - pow(o->beta1, (double)step);
    double bias_correction2 = 1 - pow(o->beta2, (double)step);
    adam_step k = {
        .beta1 = o->beta1, .beta2 = o->beta2, .eps = o->eps, .weight_decay = weight_decay,
        .decoupled_decay = decoupled_decay, .step_size = o->lr / bias_correction1,
        .bias_correction2_sqrt = sqrt(bias_correction2), .amsgrad = o->amsgrad, .maximize = o->maximize,
    };
    if (!o->amsgrad && weight_decay == 0 && !o->maximize)
        tg__optim_run(&adam_plain_loop, &k, param, grad, state);
    else tg__optim_run(&adam_loop, &k, param, grad, state);
}

static void update_adam(const optim_opts *opts, int64_t step, bool fresh, tg_tensor *param, const tg_tensor *grad,
                        tg_tensor *const *state)
{
    (void)fresh;
    adam_update(&opts->adam, step, 1, opts->adam.weight_decay, param, grad, state);
}

static void update_adamw(const optim_opts *opts, int64_t step, bool fresh, tg_tensor *param, const tg_tensor *grad,
                         tg_tensor *const *state)
{
    (void)fresh;
    const tg_adam_opts *o = &opts->adam;
    adam_update(o, step, 1 - o->lr * o->weight_decay, 0, param, grad, state);
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
