/* Every scheduler over 100 epochs on an optimizer with two parameter
   groups (each lr, and the momentum OneCycleLR cycles, with 17 digits),
   SequentialLR chains, OneCycleLR stepped past its end, and the
   constructors' errors. Prints what optim_schedulers.py prints with
   PyTorch. */
#include <tensorgrad.h>

#include <math.h>
#include <stdio.h>

#include "oracle.h"

#define EPOCHS 100

typedef enum { SGD, ADAM, ADAGRAD } kind;

/* Two groups, lr 0.1 and 0.05 (Adagrad: one group, lr 0.1); the
   parameters are kept by the optimizer. */
static tg_optimizer *optimizer(kind k)
{
    tg_scope_begin();
    tg_tensor *ps[] = {leaf(tg_zeros(TG_SHAPE(2), TG_F32)), leaf(tg_zeros(TG_SHAPE(3), TG_F32))};
    tg_optimizer *opt;
    if (k == ADAGRAD) {
        tg_adagrad_opts o = tg_adagrad_defaults();
        o.lr = 0.1;
        opt = tg_adagrad(ps, 2, o);
    } else if (k == ADAM) {
        tg_adam_opts o = tg_adam_defaults();
        o.lr = 0.1;
        opt = tg_adam(ps, 1, o);
        o.lr = 0.05;
        tg_adam_add_param_group(opt, &ps[1], 1, o);
    } else {
        opt = tg_sgd(ps, 1, (tg_sgd_opts){.lr = 0.1, .momentum = 0.9});
        tg_sgd_add_param_group(opt, &ps[1], 1, (tg_sgd_opts){.lr = 0.05, .momentum = 0.9});
    }
    tg_scope_end();
    return opt;
}

static void show_lrs(const char *label, const tg_optimizer *opt, const tg_scheduler *s, bool momentum)
{
    int n = tg_optimizer_num_groups(opt);
    printf("%s", label);
    for (int g = 0; g < n; g++) printf(" %.17g", tg_scheduler_last_lr(s, g));
    for (int g = 0; g < n; g++) printf(" %.17g", tg_optimizer_get_lr(opt, g));
    for (int g = 0; g < n && momentum; g++) printf(" %.17g", tg_optimizer_get_momentum(opt, g));
    printf("\n");
}

typedef tg_scheduler *(*make_fn)(tg_optimizer *opt);

static void run_on(const char *name, make_fn make, kind k, bool momentum, int epochs)
{
    tg_optimizer *opt = optimizer(k);
    tg_scheduler *s = make(opt);
    char label[128];
    if (!s) printf("%s error: %s\n", name, tg_last_error());
    for (int epoch = 0; s && epoch <= epochs; epoch++) {
        if (epoch > 0) {
            tg_optimizer_step(opt);
            if (tg_scheduler_step(s) != 0) printf("step error: %s\n", tg_last_error());
        }
        snprintf(label, sizeof label, "%s epoch %d:", name, epoch);
        show_lrs(label, opt, s, momentum);
    }
    if (s) printf("%s last_epoch: %lld\n", name, (long long)tg_scheduler_last_epoch(s));
    tg_scheduler_free(s);
    tg_optimizer_free(opt);
}

static void run(const char *name, make_fn make) { run_on(name, make, SGD, false, EPOCHS); }

static double metric(int epoch) { return epoch < 20 ? 1.0 / (1 + epoch) : 0.05 + ((epoch * 7) % 5) * 0.001; }

static void run_plateau(const char *name, tg_plateau_opts o)
{
    tg_optimizer *opt = optimizer(SGD);
    tg_scheduler *s = tg_reduce_lr_on_plateau(opt, o);
    char label[128];
    for (int epoch = 0; epoch < EPOCHS; epoch++) {
        tg_optimizer_step(opt);
        tg_scheduler_step_metric(s, o.mode_max ? -metric(epoch) : metric(epoch));
        snprintf(label, sizeof label, "%s epoch %d:", name, epoch + 1);
        show_lrs(label, opt, s, false);
    }
    tg_scheduler_free(s);
    tg_optimizer_free(opt);
}

static double decay(int64_t epoch, void *user_data) { return pow(*(const double *)user_data, (double)epoch); }
static double inverse(int64_t epoch, void *user_data) { return (void)user_data, 1.0 / (double)(1 + epoch); }
static const double RATE = 0.95;

static tg_scheduler *step(tg_optimizer *o) { return tg_step_lr(o, 7, 0.5); }
static tg_scheduler *multistep(tg_optimizer *o) { return tg_multistep_lr(o, I64(10, 30, 30, 60), 4, 0.3); }
static tg_scheduler *exponential(tg_optimizer *o) { return tg_exponential_lr(o, 0.97); }
static tg_scheduler *cosine(tg_optimizer *o) { return tg_cosine_annealing_lr(o, 30, 0.001); }
static tg_scheduler *cosine10(tg_optimizer *o) { return tg_cosine_annealing_lr(o, 10, 0); }
static tg_scheduler *linear(tg_optimizer *o) { return tg_linear_lr(o, 0.25, 1.0, 20); }
static tg_scheduler *linear_down(tg_optimizer *o) { return tg_linear_lr(o, 1.0, 0.1, 50); }
static tg_scheduler *lambda(tg_optimizer *o) { return tg_lambda_lr(o, decay, (void *)&RATE); }
static tg_scheduler *lambda_inverse(tg_optimizer *o) { return tg_lambda_lr(o, inverse, NULL); }
static tg_scheduler *one_cycle(tg_optimizer *o) { return tg_one_cycle_lr(o, tg_one_cycle_defaults(0.5, 100)); }
static tg_scheduler *one_cycle_three(tg_optimizer *o)
{
    tg_one_cycle_opts c = tg_one_cycle_defaults(0.5, 80);
    c.anneal_linear = true, c.three_phase = true, c.pct_start = 0.25, c.div_factor = 10.0;
    c.final_div_factor = 100.0, c.base_momentum = 0.8, c.max_momentum = 0.9;
    return tg_one_cycle_lr(o, c);
}
static tg_scheduler *one_cycle_plain(tg_optimizer *o)
{
    tg_one_cycle_opts c = tg_one_cycle_defaults(1.0, 50);
    c.cycle_momentum = false;
    return tg_one_cycle_lr(o, c);
}
static tg_scheduler *warm_up(tg_optimizer *o)
{
    tg_scheduler *parts[] = {tg_linear_lr(o, 0.1, 1.0, 5), tg_cosine_annealing_lr(o, 95, 0)};
    return tg_sequential_lr(o, parts, 2, I64(5), 1);
}
static tg_scheduler *three(tg_optimizer *o)
{
    tg_scheduler *parts[] = {tg_exponential_lr(o, 0.9), tg_step_lr(o, 10, 0.5), tg_lambda_lr(o, decay, (void *)&RATE)};
    return tg_sequential_lr(o, parts, 3, I64(10, 40), 2);
}

static void past_the_end(void)
{
    tg_optimizer *opt = optimizer(SGD);
    tg_scheduler *s = tg_one_cycle_lr(opt, tg_one_cycle_defaults(0.5, 10));
    for (int i = 0; i < 10; i++) tg_scheduler_step(s);
    if (tg_scheduler_step(s) != 0) printf("one_cycle past the end error: %s\n", tg_last_error());
    show_lrs("one_cycle past the end:", opt, s, false);
    tg_scheduler_free(s);
    tg_optimizer_free(opt);
}

static void error(const char *label, tg_scheduler *s)
{
    if (s) printf("%s no error\n", label);
    else printf("%s error: %s\n", label, tg_last_error());
    tg_scheduler_free(s);
}

static void errors(void)
{
    tg_optimizer *o = optimizer(SGD), *o2 = optimizer(SGD), *adagrad = optimizer(ADAGRAD);
    error("linear start", tg_linear_lr(o, 1.5, 1.0, 5));
    error("linear end", tg_linear_lr(o, 0.5, -0.5, 5));
    error("one_cycle total_steps", tg_one_cycle_lr(o, tg_one_cycle_defaults(0.1, 0)));
    tg_one_cycle_opts c = tg_one_cycle_defaults(0.1, 10);
    c.pct_start = 1.5;
    error("one_cycle pct_start", tg_one_cycle_lr(o, c));
    error("one_cycle momentum", tg_one_cycle_lr(adagrad, tg_one_cycle_defaults(0.1, 10)));
    tg_plateau_opts p = tg_plateau_defaults();
    p.factor = 1.0;
    error("plateau factor", tg_reduce_lr_on_plateau(o, p));
    tg_scheduler *parts[] = {tg_step_lr(o, 2, 0.1), tg_step_lr(o, 3, 0.1)};
    error("sequential milestones", tg_sequential_lr(o, parts, 2, I64(1, 2), 2));
    tg_scheduler_free(parts[1]);
    parts[1] = tg_step_lr(o2, 3, 0.1);
    error("sequential optimizer", tg_sequential_lr(o, parts, 2, I64(4), 1));
    tg_scheduler_free(parts[0]);
    tg_scheduler_free(parts[1]);
    tg_optimizer_free(o);
    tg_optimizer_free(o2);
    tg_optimizer_free(adagrad);
}

int main(void)
{
    run("step", step);
    run("multistep", multistep);
    run("exponential", exponential);
    run("cosine", cosine);
    run("cosine T_max 10", cosine10);
    run("linear", linear);
    run("linear down", linear_down);
    run("lambda", lambda);
    run("lambda inverse", lambda_inverse);
    run_on("one_cycle", one_cycle, SGD, true, EPOCHS);
    run_on("one_cycle linear three_phase adam", one_cycle_three, ADAM, true, 80);
    run_on("one_cycle no momentum", one_cycle_plain, ADAGRAD, false, 50);
    tg_plateau_opts p = tg_plateau_defaults();
    p.factor = 0.5, p.patience = 3, p.cooldown = 2, p.min_lr = 0.004;
    run_plateau("plateau", p);
    p = tg_plateau_defaults();
    p.mode_max = true, p.threshold_abs = true, p.threshold = 0.01, p.patience = 2;
    run_plateau("plateau max abs", p);
    run("sequential warm-up", warm_up);
    run("sequential three", three);
    past_the_end();
    errors();
    return 0;
}
