/* Schedulers' state dicts: each scheduler stepped 5 epochs on an optimizer
   with two groups, its state dict's entries printed (17 digits), then a
   fresh optimizer and scheduler loaded from the two state dicts and both
   runs stepped 3 more epochs, printing each lr. Prints what
   optim_scheduler_state.py prints with PyTorch. */
#include <tensorgrad.h>

#include <stdio.h>

#include "oracle.h"

static tg_optimizer *optimizer(void)
{
    tg_scope_begin();
    tg_tensor *ps[] = {leaf(tg_zeros(TG_SHAPE(2), TG_F32)), leaf(tg_zeros(TG_SHAPE(3), TG_F32))};
    tg_optimizer *opt = tg_sgd(ps, 1, (tg_sgd_opts){.lr = 0.1, .momentum = 0.9});
    tg_sgd_add_param_group(opt, &ps[1], 1, (tg_sgd_opts){.lr = 0.05, .momentum = 0.9});
    tg_scope_end();
    return opt;
}

static void show_state(const char *name, const tg_dict *d)
{
    for (int i = 0; i < tg_dict_len(d); i++) {
        tg_tensor *t = tg_dict_get(d, tg_dict_key(d, i));
        double values[8];
        tg_copy_to_f64(t, values);
        printf("%s %s:", name, tg_dict_key(d, i));
        for (int64_t j = 0; j < tg_numel(t); j++)
            if (tg_dtype_of(t) == TG_I64) printf(" %lld", (long long)values[j]);
            else printf(" %.17g", values[j]);
        printf("\n");
    }
}

static const double METRICS[] = {3, 2, 2.5, 2.5, 2.4, 2.4, 1, 1};

static int step(tg_scheduler *s, bool plateau, int epoch)
{
    return plateau ? tg_scheduler_step_metric(s, METRICS[epoch]) : tg_scheduler_step(s);
}

typedef tg_scheduler *(*make_fn)(tg_optimizer *opt);

static void run(const char *name, make_fn make, bool plateau)
{
    tg_optimizer *opt = optimizer(), *opt2 = optimizer();
    tg_scheduler *s = make(opt), *s2 = make(opt2);
    for (int epoch = 0; epoch < 5; epoch++) step(s, plateau, epoch);
    tg_dict *state = tg_scheduler_state_dict(s), *opt_state = tg_optimizer_state_dict(opt);
    show_state(name, state);
    if (tg_optimizer_load_state_dict(opt2, opt_state) != 0 || tg_scheduler_load_state_dict(s2, state) != 0)
        printf("%s load error: %s\n", name, tg_last_error());
    for (int epoch = 5; epoch < 8; epoch++) {
        step(s, plateau, epoch), step(s2, plateau, epoch);
        printf("%s epoch %d: %.17g %.17g %.17g %.17g\n", name, epoch + 1, tg_optimizer_get_lr(opt, 0),
               tg_optimizer_get_lr(opt, 1), tg_optimizer_get_lr(opt2, 0), tg_optimizer_get_lr(opt2, 1));
    }
    tg_dict_free(state), tg_dict_free(opt_state);
    tg_scheduler_free(s), tg_scheduler_free(s2);
    tg_optimizer_free(opt), tg_optimizer_free(opt2);
}

static tg_scheduler *step_lr(tg_optimizer *o) { return tg_step_lr(o, 3, 0.5); }
static tg_scheduler *multistep(tg_optimizer *o) { return tg_multistep_lr(o, (int64_t[]){2, 6}, 2, 0.3); }
static tg_scheduler *exponential(tg_optimizer *o) { return tg_exponential_lr(o, 0.9); }
static tg_scheduler *cosine(tg_optimizer *o) { return tg_cosine_annealing_lr(o, 10, 0.01); }
static tg_scheduler *linear(tg_optimizer *o) { return tg_linear_lr(o, 0.25, 1.0, 4); }
static tg_scheduler *one_cycle(tg_optimizer *o) { return tg_one_cycle_lr(o, tg_one_cycle_defaults(0.5, 10)); }
static tg_scheduler *plateau(tg_optimizer *o)
{
    tg_plateau_opts p = tg_plateau_defaults();
    p.patience = 1, p.cooldown = 2;
    return tg_reduce_lr_on_plateau(o, p);
}
static tg_scheduler *sequential(tg_optimizer *o)
{
    tg_scheduler *parts[] = {tg_linear_lr(o, 0.25, 1.0, 3), tg_exponential_lr(o, 0.9)};
    return tg_sequential_lr(o, parts, 2, (int64_t[]){3}, 1);
}

int main(void)
{
    run("StepLR", step_lr, false);
    run("MultiStepLR", multistep, false);
    run("ExponentialLR", exponential, false);
    run("CosineAnnealingLR", cosine, false);
    run("LinearLR", linear, false);
    run("OneCycleLR", one_cycle, false);
    run("ReduceLROnPlateau", plateau, true);
    run("SequentialLR", sequential, false);
    return 0;
}
