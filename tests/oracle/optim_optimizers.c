/* SGD, Adam, AdamW, RMSprop and Adagrad over 100 steps on fixed quadratic
   losses, in float32 and float64, with several option combinations, two
   parameter groups, a parameter without a gradient, zero_grad, and the
   constructors' errors. Prints what optim_optimizers.py prints with
   PyTorch; every value with 17 digits, so that any difference shows. */
#include <tensorgrad.h>

#include <stdio.h>
#include <string.h>

#include "oracle.h"
#include "optim_common.h"

#define STEPS 100

typedef tg_optimizer *(*make_fn)(tg_tensor *const *ps);

static void run(const char *name, make_fn make, tg_dtype dt, bool transposed)
{
    tg_tensor *ps[3];
    params(dt, ps);
    if (transposed) {   /* w (5, 7) as the transpose of a (7, 5) tensor: not contiguous */
        tg_release(ps[0]);
        ps[0] = tg_retain(leaf(tg_transpose(tg_reshape(values(35, 37, 23, 11, 8.0, dt), TG_SHAPE(7, 5)), 0, 1)));
    }
    tg_optimizer *opt = make(ps);
    if (!opt) printf("%s error: %s\n", name, tg_last_error());
    for (int step = 0; step < STEPS && opt; step++) {
        tg_optimizer_zero_grad(opt);
        backward(ps, step);
        if (tg_optimizer_step(opt) != 0) printf("step error: %s\n", tg_last_error());
        char label[128];
        snprintf(label, sizeof label, "%s %s step %d:", name, tg_dtype_name(dt) + 6, step + 1);
        row(label, ps, 3);
    }
    tg_optimizer_free(opt);
    release(ps);
}

#define SGD(...) tg_sgd(ps, 3, (tg_sgd_opts){__VA_ARGS__})
static tg_optimizer *sgd(tg_tensor *const *ps) { return SGD(.lr = 0.1); }
static tg_optimizer *sgd_momentum(tg_tensor *const *ps) { return SGD(.lr = 0.05, .momentum = 0.9); }
static tg_optimizer *sgd_dampening(tg_tensor *const *ps)
{
    return SGD(.lr = 0.05, .momentum = 0.9, .dampening = 0.1, .weight_decay = 0.01);
}
static tg_optimizer *sgd_nesterov(tg_tensor *const *ps)
{
    return SGD(.lr = 0.05, .momentum = 0.9, .nesterov = true, .weight_decay = 0.1);
}
static tg_optimizer *sgd_maximize(tg_tensor *const *ps) { return SGD(.lr = 0.01, .momentum = 0.5, .maximize = true); }

static tg_adam_opts adam_opts(double lr, double weight_decay, bool amsgrad)
{
    tg_adam_opts o = tg_adam_defaults();
    o.lr = lr;
    o.weight_decay = weight_decay;
    o.amsgrad = amsgrad;
    return o;
}
static tg_optimizer *adam(tg_tensor *const *ps) { return tg_adam(ps, 3, adam_opts(0.01, 0, false)); }
static tg_optimizer *adam_amsgrad(tg_tensor *const *ps) { return tg_adam(ps, 3, adam_opts(0.02, 0.1, true)); }
static tg_optimizer *adam_betas(tg_tensor *const *ps)
{
    tg_adam_opts o = adam_opts(0.01, 0, false);
    o.beta1 = 0.8, o.beta2 = 0.99, o.eps = 1e-6, o.maximize = true;
    return tg_adam(ps, 3, o);
}
static tg_optimizer *adamw(tg_tensor *const *ps)
{
    tg_adam_opts o = tg_adamw_defaults();
    o.lr = 0.01;
    return tg_adamw(ps, 3, o);
}
static tg_optimizer *adamw_amsgrad(tg_tensor *const *ps) { return tg_adamw(ps, 3, adam_opts(0.03, 0.5, true)); }

static tg_rmsprop_opts rmsprop_opts(double lr, double momentum, bool centered)
{
    tg_rmsprop_opts o = tg_rmsprop_defaults();
    o.lr = lr, o.momentum = momentum, o.centered = centered;
    return o;
}
static tg_optimizer *rmsprop(tg_tensor *const *ps) { return tg_rmsprop(ps, 3, tg_rmsprop_defaults()); }
static tg_optimizer *rmsprop_centered(tg_tensor *const *ps) { return tg_rmsprop(ps, 3, rmsprop_opts(0.005, 0, true)); }
static tg_optimizer *rmsprop_momentum(tg_tensor *const *ps)
{
    tg_rmsprop_opts o = rmsprop_opts(0.001, 0.9, false);
    o.alpha = 0.9, o.weight_decay = 0.1;
    return tg_rmsprop(ps, 3, o);
}
static tg_optimizer *rmsprop_all(tg_tensor *const *ps)
{
    tg_rmsprop_opts o = rmsprop_opts(0.001, 0.5, true);
    o.eps = 1e-4, o.maximize = true;
    return tg_rmsprop(ps, 3, o);
}

static tg_optimizer *adagrad(tg_tensor *const *ps)
{
    tg_adagrad_opts o = tg_adagrad_defaults();
    o.lr = 0.1;
    return tg_adagrad(ps, 3, o);
}
static tg_optimizer *adagrad_decay(tg_tensor *const *ps)
{
    return tg_adagrad(ps, 3, (tg_adagrad_opts){.lr = 0.1, .lr_decay = 0.01, .weight_decay = 0.1,
                                               .initial_accumulator_value = 0.1, .eps = 1e-6});
}
static tg_optimizer *adagrad_maximize(tg_tensor *const *ps)
{
    tg_adagrad_opts o = tg_adagrad_defaults();
    o.maximize = true;
    return tg_adagrad(ps, 3, o);
}

static tg_optimizer *sgd_groups(tg_tensor *const *ps)
{
    tg_optimizer *opt = tg_sgd((tg_tensor *[]){ps[0], ps[2]}, 2, (tg_sgd_opts){.lr = 0.05, .momentum = 0.9});
    if (tg_sgd_add_param_group(opt, &ps[1], 1, (tg_sgd_opts){.lr = 0.2, .weight_decay = 0.1}) != 0) return NULL;
    return opt;
}

static tg_optimizer *adam_groups(tg_tensor *const *ps)
{
    tg_optimizer *opt = tg_adam(ps, 1, adam_opts(0.01, 0, false));
    tg_adam_opts o = adam_opts(0.1, 0, true);
    o.beta1 = 0.5, o.beta2 = 0.9;
    if (tg_adam_add_param_group(opt, &ps[1], 2, o) != 0) return NULL;
    return opt;
}

static tg_optimizer *rmsprop_groups(tg_tensor *const *ps)
{
    tg_optimizer *opt = tg_rmsprop(ps, 1, rmsprop_opts(0.002, 0, false));
    if (tg_rmsprop_add_param_group(opt, &ps[1], 1, rmsprop_opts(0.002, 0.5, true)) != 0) return NULL;
    return opt;
}

static tg_optimizer *adagrad_groups(tg_tensor *const *ps)
{
    tg_adagrad_opts o = tg_adagrad_defaults();
    o.lr = 0.1, o.initial_accumulator_value = 0.25;
    tg_optimizer *opt = tg_adagrad(ps, 1, o);
    o.lr = 0.5;
    if (tg_adagrad_add_param_group(opt, &ps[1], 2, o) != 0) return NULL;
    return opt;
}

static const struct { const char *name; make_fn make; } CONFIGS[] = {
    {"sgd", sgd}, {"sgd momentum", sgd_momentum}, {"sgd dampening decay", sgd_dampening},
    {"sgd nesterov", sgd_nesterov}, {"sgd maximize", sgd_maximize},
    {"adam", adam}, {"adam amsgrad decay", adam_amsgrad}, {"adam betas maximize", adam_betas},
    {"adamw", adamw}, {"adamw amsgrad", adamw_amsgrad},
    {"rmsprop", rmsprop}, {"rmsprop centered", rmsprop_centered}, {"rmsprop momentum decay", rmsprop_momentum},
    {"rmsprop all", rmsprop_all},
    {"adagrad", adagrad}, {"adagrad decay", adagrad_decay}, {"adagrad maximize", adagrad_maximize},
    {"sgd groups", sgd_groups}, {"adam groups", adam_groups}, {"rmsprop groups", rmsprop_groups},
    {"adagrad groups", adagrad_groups},
};

/* lr changed between steps (what schedulers do), read back per group;
   zero_grad writes zeros and leaves a parameter without a gradient so. */
static void set_lr(void)
{
    tg_tensor *ps[3];
    params(TG_F32, ps);
    tg_optimizer *opt = adam_groups(ps);
    for (int step = 0; step < 4; step++) {
        tg_optimizer_zero_grad(opt);
        backward(ps, step);
        tg_optimizer_step(opt);
        tg_optimizer_set_lr(opt, 0, tg_optimizer_get_lr(opt, 0) * 0.5);
        printf("set_lr %d %.17g %.17g\n", step, tg_optimizer_get_lr(opt, 0), tg_optimizer_get_lr(opt, 1));
        char label[64];
        snprintf(label, sizeof label, "set_lr step %d:", step + 1);
        row(label, ps, 3);
    }
    printf("groups: %d\n", tg_optimizer_num_groups(opt));
    tg_optimizer_zero_grad(opt);
    printf("zero_grad: %.1f %s\n", tg_item(tg_sum(tg_abs(tg_grad(ps[0])))), tg_grad(ps[2]) ? "grad" : "None");
    tg_optimizer_zero_grad_to_none(opt);
    printf("zero_grad set_to_none: %s %s\n", tg_grad(ps[0]) ? "grad" : "None", tg_grad(ps[1]) ? "grad" : "None");
    tg_optimizer_free(opt);
    release(ps);
}

static void error(const char *label, tg_optimizer *opt)
{
    if (opt) printf("%s no error\n", label);
    else printf("%s error: %s\n", label, tg_last_error());
    tg_optimizer_free(opt);
}

static void errors(void)
{
    tg_tensor *ps[3];
    params(TG_F32, ps);
    tg_adam_opts a = tg_adam_defaults();
    error("sgd lr", SGD(.lr = -0.1));
    error("sgd momentum", SGD(.lr = 0.1, .momentum = -1.0));
    error("sgd weight_decay", SGD(.lr = 0.1, .weight_decay = -1e-05));
    error("sgd nesterov", SGD(.lr = 0.1, .nesterov = true));
    error("sgd nesterov dampening", SGD(.lr = 0.1, .momentum = 0.9, .dampening = 0.5, .nesterov = true));
    a.lr = -1.0;
    error("adam lr", tg_adam(ps, 3, a));
    a = tg_adam_defaults(), a.eps = -0.001;
    error("adam eps", tg_adam(ps, 3, a));
    a = tg_adam_defaults(), a.beta1 = 1.0;
    error("adam beta1", tg_adam(ps, 3, a));
    a = tg_adam_defaults(), a.beta2 = -0.5;
    error("adam beta2", tg_adam(ps, 3, a));
    a = tg_adamw_defaults(), a.weight_decay = -1e-20;
    error("adamw weight_decay", tg_adamw(ps, 3, a));
    tg_rmsprop_opts r = tg_rmsprop_defaults();
    r.alpha = -0.5;
    error("rmsprop alpha", tg_rmsprop(ps, 3, r));
    r = tg_rmsprop_defaults(), r.momentum = -2.0;
    error("rmsprop momentum", tg_rmsprop(ps, 3, r));
    r = tg_rmsprop_defaults(), r.eps = -12345678901234567.0;
    error("rmsprop eps", tg_rmsprop(ps, 3, r));
    tg_adagrad_opts g = tg_adagrad_defaults();
    g.lr_decay = -0.25;
    error("adagrad lr_decay", tg_adagrad(ps, 3, g));
    g = tg_adagrad_defaults(), g.initial_accumulator_value = -3.0;
    error("adagrad initial_accumulator_value", tg_adagrad(ps, 3, g));
    g = tg_adagrad_defaults(), g.eps = -1e-10;
    error("adagrad eps", tg_adagrad(ps, 3, g));
    error("empty", tg_sgd(NULL, 0, (tg_sgd_opts){.lr = 0.1}));
    error("non-leaf", tg_sgd((tg_tensor *[]){tg_mul_scalar(ps[0], 2)}, 1, (tg_sgd_opts){.lr = 0.1}));
    tg_optimizer *opt = SGD(.lr = 0.1);
    if (tg_sgd_add_param_group(opt, &ps[1], 1, (tg_sgd_opts){0}) == 0) printf("two groups no error\n");
    else printf("two groups error: %s\n", tg_last_error());
    tg_optimizer_free(opt);
    release(ps);
}

int main(void)
{
    const tg_dtype dtypes[] = {TG_F32, TG_F64};
    for (int d = 0; d < 2; d++)
        for (size_t c = 0; c < sizeof CONFIGS / sizeof CONFIGS[0]; c++)
            run(CONFIGS[c].name, CONFIGS[c].make, dtypes[d], false);
    const char *transposed[] = {"sgd momentum", "adam", "adamw amsgrad", "rmsprop centered", "adagrad"};
    for (size_t c = 0; c < sizeof CONFIGS / sizeof CONFIGS[0]; c++)
        for (int t = 0; t < 5; t++)
            if (strcmp(CONFIGS[c].name, transposed[t]) == 0) {
                char name[64];
                snprintf(name, sizeof name, "%s transposed", CONFIGS[c].name);
                run(name, CONFIGS[c].make, TG_F32, true);
            }
    set_lr();
    errors();
    return 0;
}
