/* Each optimizer's state dict after 3 steps (two groups, a parameter
   without a gradient, initial_lr from a scheduler), then loaded into a new
   optimizer over copies of the parameters that takes 3 more steps; and
   load_state_dict's errors. Prints what optim_state.py prints with
   PyTorch. */
#include <tensorgrad.h>

#include <stdio.h>

#include "oracle.h"
#include "optim_common.h"

/* The optimizer over groups {ps[0], ps[2]} and {ps[1]} (lr 0.02). */
static tg_optimizer *make(const char *name, tg_tensor *const *ps)
{
    tg_tensor *first[] = {ps[0], ps[2]};
    tg_optimizer *opt = NULL;
    if (name[0] == 'S') {
        tg_sgd_opts o = {.lr = 0.05, .momentum = 0.9, .nesterov = true};
        opt = tg_sgd(first, 2, o);
        o.lr = 0.02;
        tg_sgd_add_param_group(opt, &ps[1], 1, o);
    } else if (name[0] == 'A' && name[1] == 'd' && name[2] == 'a' && name[3] == 'm') {
        tg_adam_opts o = name[4] == 'W' ? tg_adamw_defaults() : tg_adam_defaults();
        o.lr = 0.01;
        if (name[4] == 'W') o.beta1 = 0.8, o.beta2 = 0.9;
        else o.amsgrad = true;
        opt = name[4] == 'W' ? tg_adamw(first, 2, o) : tg_adam(first, 2, o);
        o.lr = 0.02;
        tg_adam_add_param_group(opt, &ps[1], 1, o);
    } else if (name[0] == 'R') {
        tg_rmsprop_opts o = tg_rmsprop_defaults();
        o.lr = 0.01, o.momentum = 0.5, o.centered = true;
        opt = tg_rmsprop(first, 2, o);
        o.lr = 0.02;
        tg_rmsprop_add_param_group(opt, &ps[1], 1, o);
    } else {
        tg_adagrad_opts o = tg_adagrad_defaults();
        o.lr = 0.1, o.lr_decay = 0.01;
        opt = tg_adagrad(first, 2, o);
        o.lr = 0.02;
        tg_adagrad_add_param_group(opt, &ps[1], 1, o);
    }
    return opt;
}

static void train(tg_optimizer *opt, tg_tensor **ps, int from, int to)
{
    for (int step = from; step < to; step++) {
        tg_optimizer_zero_grad(opt);
        backward(ps, step);
        if (tg_optimizer_step(opt) != 0) printf("step error: %s\n", tg_last_error());
    }
}

static void flat(const char *name, const tg_dict *d)
{
    printf("%s metadata optimizer: %s\n", name, tg_dict_metadata(d, "optimizer"));
    for (int i = 0; i < tg_dict_len(d); i++) {
        tg_tensor *t = tg_dict_get(d, tg_dict_key(d, i));
        char label[200];
        snprintf(label, sizeof label, "%s %s %s:", name, tg_dict_key(d, i), tg_dtype_name(tg_dtype_of(t)));
        row(label, &t, 1);
    }
}

int main(void)
{
    const char *names[] = {"SGD", "Adam", "AdamW", "RMSprop", "Adagrad"};
    for (int k = 0; k < 5; k++) {
        tg_tensor *ps[3], *copies[3];
        params(TG_F32, ps);
        tg_optimizer *opt = make(names[k], ps);
        tg_scheduler_free(tg_step_lr(opt, 2, 0.1));
        train(opt, ps, 0, 3);
        tg_dict *d = tg_optimizer_state_dict(opt);
        flat(names[k], d);
        for (int i = 0; i < 3; i++) copies[i] = tg_retain(leaf(tg_clone(tg_detach(ps[i]))));
        tg_optimizer *resumed = make(names[k], copies);
        if (tg_optimizer_load_state_dict(resumed, d) != 0) printf("load error: %s\n", tg_last_error());
        train(resumed, copies, 3, 6);
        char label[64];
        snprintf(label, sizeof label, "%s resumed:", names[k]);
        row(label, copies, 3);
        tg_dict_free(d);
        tg_optimizer_free(opt);
        tg_optimizer_free(resumed);
        release(ps);
        release(copies);
    }

    tg_tensor *ps[3];
    params(TG_F32, ps);
    tg_optimizer *two = tg_sgd((tg_tensor *[]){ps[0], ps[2]}, 2, (tg_sgd_opts){.lr = 0.1});
    tg_sgd_add_param_group(two, &ps[1], 1, (tg_sgd_opts){.lr = 0.1});
    tg_dict *d = tg_optimizer_state_dict(two);
    tg_optimizer *one = tg_sgd(ps, 3, (tg_sgd_opts){.lr = 0.1});
    tg_optimizer *sizes = tg_sgd(ps, 1, (tg_sgd_opts){.lr = 0.1});
    tg_sgd_add_param_group(sizes, &ps[1], 2, (tg_sgd_opts){.lr = 0.1});
    const struct { const char *label; tg_optimizer *opt; } cases[] = {{"groups", one}, {"group size", sizes}};
    for (int i = 0; i < 2; i++) {
        if (tg_optimizer_load_state_dict(cases[i].opt, d) == 0) printf("%s no error\n", cases[i].label);
        else printf("%s error: %s\n", cases[i].label, tg_last_error());
        tg_optimizer_free(cases[i].opt);
    }
    tg_dict_free(d);
    tg_optimizer_free(two);
    release(ps);
    return 0;
}
