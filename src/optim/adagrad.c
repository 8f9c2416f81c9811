/* torch.optim.Adagrad (dense gradients). */
#include "optim.h"

static int check(const char *fn, const optim_opts *opts)
{
    (void)fn;
    const tg_adagrad_opts *o = &opts->adagrad;
    if (!(0.0 <= o->lr)) return tg__invalid("learning rate", o->lr);
    if (!(0.0 <= o->lr_decay)) return tg__invalid("lr_decay value", o->lr_decay);
    if (!(0.0 <= o->weight_decay)) return tg__invalid("weight_decay value", o->weight_decay);
    if (!(0.0 <= o->initial_accumulator_value))
        return tg__invalid("initial_accumulator_value value", o->initial_accumulator_value);
    if (!(0.0 <= o->eps)) return tg__invalid("epsilon value", o->eps);
    return 0;
}

/* PyTorch's constructor fills state['sum'] with initial_accumulator_value. */
static tg_tensor *init(const optim_opts *opts, const tg_tensor *param, int s)
{
    (void)s;
    return tg_full(tg_shape(param), tg_ndim(param), opts->adagrad.initial_accumulator_value, tg_dtype_of(param));
}

/* PyTorch's _single_tensor_adagrad; state[0] is the sum. */
typedef struct adagrad_step {
    double clr, eps, weight_decay;
    bool maximize;
} adagrad_step;

#define ADAGRAD_BODY                                                 \
    const T grad = OPTIM_STEP_GRAD(k->maximize, k->weight_decay);    \
    T *sum = &OPTIM_STATE(0);                                        \
    *sum = OPTIM_R(fma((T)1 * grad, grad, *sum));                    \
    const T std = OPTIM_R(OPTIM_R(sqrt(*sum)) + OPTIM_S(k->eps));    \
    *p = OPTIM_R(*p + (T)-k->clr * grad / std);
OPTIM_LOOPS(adagrad_loop, adagrad_step, ADAGRAD_BODY)

static void update(const optim_opts *opts, int64_t step, bool fresh, tg_tensor *param, const tg_tensor *grad,
                   tg_tensor *const *state)
{
    (void)fresh;
    const tg_adagrad_opts *o = &opts->adagrad;
    adagrad_step k = {o->lr / (1 + (double)(step - 1) * o->lr_decay), o->eps, o->weight_decay, o->maximize};
    tg__optim_run(&adagrad_loop, &k, param, grad, state);
}

static const char *const STATE[] = {"sum", NULL, NULL};
static const optim_hyper HYPERS[] = {
    OPTIM_DOUBLE(tg_adagrad_opts, lr, "lr"),
    OPTIM_DOUBLE(tg_adagrad_opts, lr_decay, "lr_decay"),
    OPTIM_DOUBLE(tg_adagrad_opts, eps, "eps"),
    OPTIM_DOUBLE(tg_adagrad_opts, weight_decay, "weight_decay"),
    OPTIM_DOUBLE(tg_adagrad_opts, initial_accumulator_value, "initial_accumulator_value"),
    OPTIM_BOOL(tg_adagrad_opts, maximize, "maximize"),
};
static const optim_kind ADAGRAD = {
    .name = "Adagrad", .state_names = STATE, .step_dtype = TG_F32, .eager_state = true, .hypers = HYPERS,
    .n_hypers = 6, .check = check, .init = init, .update = update,
};
static const optim_kind *const KINDS[] = {&ADAGRAD, NULL};

tg_adagrad_opts tg_adagrad_defaults(void) { return (tg_adagrad_opts){.lr = 1e-2, .eps = 1e-10}; }

tg_optimizer *tg_adagrad(tg_tensor *const *params, int n, tg_adagrad_opts opts)
{
    return tg__optimizer_new(__func__, &ADAGRAD, params, n, &(optim_opts){.adagrad = opts});
}

int tg_adagrad_add_param_group(tg_optimizer *opt, tg_tensor *const *params, int n, tg_adagrad_opts opts)
{
    return tg__optimizer_add_group(__func__, opt, KINDS, params, n, &(optim_opts){.adagrad = opts});
}
