/* Reduction kernels: sums over broadcast dimensions and max along a dim. */
#include "kernels.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct sum_ctx { tg_dtype dt; } sum_ctx;

/* d[0] is the accumulator (double or int64), d[1] the input. */
static void sum_loop(char **d, const int64_t *s, int64_t n, void *vctx)
{
    const sum_ctx *c = vctx;
    if (c->dt == TG_F32) {
        double *acc = (double *)d[0];
        if (s[0] == 0) {
            double total = 0;
            for (int64_t i = 0; i < n; i++) total += *(const float *)(d[1] + i * s[1]);
            *acc += total;
        } else {
            for (int64_t i = 0; i < n; i++)
                *(double *)(d[0] + i * s[0]) += *(const float *)(d[1] + i * s[1]);
        }
    } else if (c->dt == TG_F64) {
        for (int64_t i = 0; i < n; i++)
            *(double *)(d[0] + i * s[0]) += *(const double *)(d[1] + i * s[1]);
    } else {
        for (int64_t i = 0; i < n; i++) {   /* wraps around on overflow, as in PyTorch */
            int64_t *acc = (int64_t *)(d[0] + i * s[0]);
            *acc = (int64_t)((uint64_t)*acc + (uint64_t)tg__load_int(d[1] + i * s[1], c->dt));
        }
    }
}

int tg__k_sum_to(tg_tensor *out, const tg_tensor *a)
{
    int64_t n_out = tg__numel(out->shape, out->ndim);
    bool floating = tg__is_floating(a->dtype);
    /* double and int64 are both 8 bytes: one buffer serves either. */
    char *acc = tg__calloc((size_t)(n_out ? n_out : 1), 8);
    if (!acc) return -1;
    int64_t acc_strides[TG_MAX_DIMS];
    tg__contiguous_strides(out->shape, out->ndim, acc_strides);
    tg_iter_operand ops[2];
    ops[0].data = acc;
    for (int i = 0; i < a->ndim; i++)
        ops[0].strides[i] = out->shape[i] == 1 ? 0 : acc_strides[i] * 8;
    tg__operand(&ops[1], a, a->ndim);
    sum_ctx c = {a->dtype};
    tg__iter_run(ops, 2, a->shape, a->ndim, sum_loop, &c);
    /* Scatter the accumulator into out (which may be strided). */
    tg_tensor view = *out;
    tg_storage st = {.data = acc};
    view.storage = &st;
    view.offset = 0;
    view.dtype = floating ? TG_F64 : TG_I64;
    memcpy(view.strides, acc_strides, sizeof acc_strides);
    tg__copy_into(out, &view);
    free(acc);
    return 0;
}

typedef struct max_ctx { tg_dtype dt; int64_t len, stride; } max_ctx;

/* Whether the element at a beats the one at b: greater, or NaN (which
   max propagates). Integers compare exactly, not through double. */
static bool beats(const char *a, const char *b, tg_dtype dt)
{
    switch (dt) {
    case TG_I64: return *(const int64_t *)a > *(const int64_t *)b;
    case TG_I32: return *(const int32_t *)a > *(const int32_t *)b;
    default: {
        double x = tg__load(a, dt), y = tg__load(b, dt);
        return x > y || x != x;
    }
    }
}

/* d[0] value, d[1] index (int64), d[2] the start of the run along dim. */
static void max_loop(char **d, const int64_t *s, int64_t n, void *vctx)
{
    const max_ctx *c = vctx;
    size_t size = tg__dtype_size(c->dt);
    for (int64_t i = 0; i < n; i++) {
        const char *p = d[2] + i * s[2], *best = p;
        int64_t best_i = 0;
        for (int64_t k = 1; k < c->len; k++) {
            const char *v = p + k * c->stride;
            if (beats(v, best, c->dt)) { best = v; best_i = k; }
            if (tg__is_floating(c->dt) && tg__load(best, c->dt) != tg__load(best, c->dt)) break;
        }
        memcpy(d[0] + i * s[0], best, size);
        *(int64_t *)(d[1] + i * s[1]) = best_i;
    }
}

void tg__k_max_dim(tg_tensor *values, tg_tensor *indices, const tg_tensor *a, int dim)
{
    tg_iter_operand ops[3];
    tg__operand(&ops[0], values, values->ndim);
    tg__operand(&ops[1], indices, values->ndim);
    tg__operand(&ops[2], a, values->ndim);
    max_ctx c = {a->dtype, a->shape[dim], a->strides[dim] * (int64_t)tg__dtype_size(a->dtype)};
    tg__iter_run(ops, 3, values->shape, values->ndim, max_loop, &c);
}
