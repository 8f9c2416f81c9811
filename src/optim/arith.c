/* The arithmetic PyTorch's optimizers share that the operations below
   lack: add_ with an alpha, computed as PyTorch's CPU kernel computes it. */
#include "optim.h"

#include <math.h>

/* d[0] = d[2] * alpha + d[1], fused, in the operands' dtype. */
static void add_scaled_f32(char **d, const int64_t *s, int64_t n, void *ctx)
{
    const float alpha = (float)*(const double *)ctx;
    for (int64_t i = 0; i < n; i++)
        *(float *)(d[0] + i * s[0]) = fmaf(*(const float *)(d[2] + i * s[2]), alpha, *(const float *)(d[1] + i * s[1]));
}

static void add_scaled_f64(char **d, const int64_t *s, int64_t n, void *ctx)
{
    const double alpha = *(const double *)ctx;
    for (int64_t i = 0; i < n; i++)
        *(double *)(d[0] + i * s[0]) = fma(*(const double *)(d[2] + i * s[2]), alpha, *(const double *)(d[1] + i * s[1]));
}

/* PyTorch's vectorised add kernel is vec::fmadd(other, alpha, self), and
   its scalar tail compiles to the same fused operation. */
tg_tensor *tg__add_scaled_(tg_tensor *t, const tg_tensor *other, double alpha)
{
    if (!t || !other) return NULL;
    tg_iter_operand ops[3];
    tg__operand(&ops[0], t, t->ndim);
    tg__operand(&ops[1], t, t->ndim);
    tg__operand(&ops[2], other, t->ndim);
    tg__iter_run_split(ops, 3, t->shape, t->ndim, t->dtype == TG_F32 ? add_scaled_f32 : add_scaled_f64, &alpha);
    tg__bump_version(t);
    return t;
}

tg_tensor *tg__add_scaled(const tg_tensor *t, const tg_tensor *other, double alpha)
{
    return tg__add_scaled_(tg_clone(t), other, alpha);
}

const tg_tensor *tg__step_grad(const tg_tensor *grad, const tg_tensor *param, bool maximize, double weight_decay)
{
    const tg_tensor *g = maximize ? tg_neg(grad) : grad;
    return weight_decay != 0 ? tg__add_scaled(g, param, weight_decay) : g;
}
