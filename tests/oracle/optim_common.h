/* What the optim oracle programs share (optim_common.py is its Python
   side): the fixed values their parameters and gradients are made of, and
   rows of values printed with 17 digits, so that any difference shows. */
#ifndef TG_ORACLE_OPTIM_COMMON_H
#define TG_ORACLE_OPTIM_COMMON_H

#include <tensorgrad.h>

#include <stdio.h>

#include "oracle.h"

/* ((i * a) % b - c) / d for i < n (n at most 64), in dtype dt. */
static inline tg_tensor *values(int n, int a, int b, int c, double d, tg_dtype dt)
{
    double v[64];
    for (int i = 0; i < n; i++) v[i] = ((i * a) % b - c) / d;
    return tg_to(tg_from_f64(v, TG_SHAPE(n)), dt);
}

/* label, then every element of ts[0..n) (at most 64 each). */
static inline void row(const char *label, tg_tensor *const *ts, int n)
{
    printf("%s", label);
    for (int i = 0; i < n; i++) {
        double v[64];
        tg_copy_to_f64(ts[i], v);
        for (int k = 0; k < tg_numel(ts[i]); k++) printf(" %.17g", v[k]);
    }
    printf("\n");
}

/* The parameters the optimizer tests train: w (5, 7), b (3) and one that
   never gets a gradient (2), held by references of their own. */
static inline void params(tg_dtype dt, tg_tensor **ps)
{
    ps[0] = tg_retain(leaf(tg_reshape(values(35, 37, 23, 11, 8.0, dt), TG_SHAPE(5, 7))));
    ps[1] = tg_retain(leaf(values(3, 5, 7, 3, 4.0, dt)));
    ps[2] = tg_retain(leaf(tg_to(tg_from_f64((const double[]){1.5, -2.5}, TG_SHAPE(2)), dt)));
}

static inline void release(tg_tensor **ps)
{
    for (int i = 0; i < 3; i++) tg_release(ps[i]);
}

/* The gradient of each of the first two parameters is p * A + B / (step + 1). */
static inline void backward(tg_tensor **ps, int step)
{
    tg_scope_begin();
    tg_tensor *loss = tg_scalar(0);
    for (int i = 0; i < 2; i++) {
        int n = (int)tg_numel(ps[i]);
        double a[64];
        for (int k = 0; k < n; k++) a[k] = 0.5 + ((k * 13) % 7) / 4.0;
        tg_tensor *A = tg_reshape(tg_to(tg_from_f64(a, TG_SHAPE(n)), tg_dtype_of(ps[i])), tg_shape(ps[i]), tg_ndim(ps[i]));
        tg_tensor *B = tg_reshape(values(n, 29, 17, 8, 16.0, tg_dtype_of(ps[i])), tg_shape(ps[i]), tg_ndim(ps[i]));
        tg_tensor *g = tg_add(tg_mul(tg_detach(ps[i]), A), tg_mul_scalar(B, 1.0 / (step + 1)));
        loss = tg_add(loss, tg_sum(tg_mul(ps[i], g)));
    }
    if (tg_backward(loss, NULL) != 0) printf("backward error: %s\n", tg_last_error());
    tg_scope_end();
}

#endif
