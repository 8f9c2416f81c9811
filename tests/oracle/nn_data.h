/* What the nn oracle programs (nn_*.c) share with each other, beside
   oracle.h; nn_data.py is its Python side. */
#ifndef TG_NN_DATA_H
#define TG_NN_DATA_H

#include <tensorgrad.h>

/* Values ((i * a + b) mod 13 - 6) / 4 in shape (up to 512 elements):
   exact in f32, varied. */
static inline tg_tensor *data(int a, int b, const int64_t *shape, int ndim)
{
    float v[512];
    int64_t n = 1;
    for (int i = 0; i < ndim; i++) n *= shape[i];
    for (int64_t i = 0; i < n && i < 512; i++) v[i] = (float)((i * a + b) % 13 - 6) / 4;
    return tg_from_f32(v, shape, ndim);
}

/* Statements run in a scope of their own. */
#define SCOPED(...) do { tg_scope_begin(); __VA_ARGS__; tg_scope_end(); } while (0)

#endif
