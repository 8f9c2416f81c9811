/* What the optim oracle programs share (optim_common.py is its Python
   side): the fixed values their parameters and gradients are made of, and
   rows of values printed with 17 digits, so that any difference shows. */
#ifndef TG_ORACLE_OPTIM_COMMON_H
#define TG_ORACLE_OPTIM_COMMON_H

#include <tensorgrad.h>

#include <stdio.h>

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

#endif
