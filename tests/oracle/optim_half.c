/* Optimizers stepping float16 and bfloat16 parameters, their state in the
   parameter's dtype, as PyTorch's for-loop implementations step them on
   CPU: three steps of each with fixed gradients, every parameter value
   printed exactly; clip_grad_norm_ of half gradients. optim_half.py says
   what PyTorch computes each from. */
#include <tensorgrad.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "oracle.h"

/* Element i of tensor k: ((37 i + 11 k) % 19 - 9) / 8, exact in both dtypes. */
static tg_tensor *values(int64_t n, int k, tg_dtype dt)
{
    float v[64];
    for (int64_t i = 0; i < n; i++) v[i] = (float)((double)((37 * i + 11 * k) % 19 - 9) / 8.0);
    return tg_to(tg_from_f32(v, &n, 1), dt);
}

static void exact(const char *label, const tg_tensor *t)
{
    double v[64];
    if (!t || tg_numel(t) > 64 || tg_copy_to_f64(t, v) != 0) {
        printf("%s: error: %s\n", label, tg_last_error());
        return;
    }
    printf("%s %s", label, tg_dtype_name(tg_dtype_of(t)));
    /* Python's nan has no sign */
    for (int64_t i = 0; i < tg_numel(t); i++) printf(isnan(v[i]) ? " nan" : " %.9g", v[i]);
    printf("\n");
}

enum { N = 32, STEPS = 3 };

/* Three steps of opt over p, the gradient of step s being values(N, 10 + s). */
static void steps(const char *name, tg_dtype dt, tg_tensor *p, tg_optimizer *opt)
{
    if (!opt) {
        printf("%s: error: %s\n", name, tg_last_error());
        return;
    }
    for (int s = 0; s < STEPS; s++) {
        tg_scope_begin();
        tg_optimizer_zero_grad(opt);
        if (tg_backward(tg_sum(tg_mul(p, values(N, 10 + s, dt))), NULL) != 0 || tg_optimizer_step(opt) != 0)
            printf("%s step %d: error: %s\n", name, s, tg_last_error());
        char label[96];
        snprintf(label, sizeof label, "%s %s step %d", name, dt == TG_F16 ? "f16" : "bf16", s);
        exact(label, p);
        tg_scope_end();
    }
    tg_optimizer_free(opt);
    tg_release(p);
}

static tg_tensor *param(tg_dtype dt, int k) { return tg_retain(leaf(values(N, k, dt))); }

int main(void)
{
    const tg_dtype halves[] = {TG_F16, TG_BF16};
    for (int i = 0; i < 2; i++) {
        tg_dtype dt = halves[i];
        tg_tensor *p = param(dt, 0);
        steps("SGD", dt, p, tg_sgd(&p, 1, (tg_sgd_opts){.lr = 0.1}));
        p = param(dt, 1);
        steps("SGD momentum", dt, p,
              tg_sgd(&p, 1, (tg_sgd_opts){.lr = 0.1, .momentum = 0.9, .dampening = 0.1, .weight_decay = 0.01}));
        p = param(dt, 2);
        steps("SGD nesterov", dt, p, tg_sgd(&p, 1, (tg_sgd_opts){.lr = 0.05, .momentum = 0.8, .nesterov = true}));
        p = param(dt, 3);
        tg_adam_opts adam = tg_adam_defaults();
        adam.lr = 0.01;
        steps("Adam", dt, p, tg_adam(&p, 1, adam));
        p = param(dt, 4);
        adam.weight_decay = 0.1;
        adam.amsgrad = true;
        adam.maximize = true;
        steps("Adam amsgrad", dt, p, tg_adam(&p, 1, adam));
        p = param(dt, 5);
        tg_adam_opts adamw = tg_adamw_defaults();
        adamw.lr = 0.01;
        steps("AdamW", dt, p, tg_adamw(&p, 1, adamw));
        p = param(dt, 6);
        tg_rmsprop_opts rms = tg_rmsprop_defaults();
        steps("RMSprop", dt, p, tg_rmsprop(&p, 1, rms));
        p = param(dt, 7);
        rms.momentum = 0.5;
        rms.centered = true;
        rms.weight_decay = 0.01;
        steps("RMSprop centered", dt, p, tg_rmsprop(&p, 1, rms));
        p = param(dt, 8);
        tg_adagrad_opts adagrad = tg_adagrad_defaults();
        adagrad.lr = 0.1;
        adagrad.lr_decay = 0.01;
        steps("Adagrad", dt, p, tg_adagrad(&p, 1, adagrad));

        tg_tensor *a = leaf(values(N, 20, dt)), *b = leaf(values(4, 21, dt));
        tg_backward(tg_add(tg_sum(tg_mul(a, values(N, 22, dt))), tg_sum(tg_mul(b, values(4, 23, dt)))), NULL);
        double total = 0;
        tg_tensor *both[] = {a, b};
        if (tg_clip_grad_norm_(both, 2, 0.5, 2.0, &total) != 0) printf("clip_grad_norm_: error: %s\n", tg_last_error());
        printf("clip_grad_norm_ %s total %.9g\n", dt == TG_F16 ? "f16" : "bf16", total);
        exact("clip_grad_norm_ grad0", tg_grad(a));
        exact("clip_grad_norm_ grad1", tg_grad(b));
    }
    return 0;
}
