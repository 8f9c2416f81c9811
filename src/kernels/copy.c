/* Copies with broadcasting and dtype conversion, and fills. */
#include "kernels.h"

#include <string.h>

typedef struct copy_ctx { tg_dtype dst, src; size_t size; } copy_ctx;

/* A strided copy of elements of a fixed size: the constant-size memcpy
   compiles to one move (broadcast gradients arrive with stride 0). */
#define STRIDED_COPY(SIZE)                                                         \
    for (int64_t i = 0; i < n; i++) memcpy(d[0] + i * s[0], d[1] + i * s[1], SIZE)

static void copy_loop(char **d, const int64_t *s, int64_t n, void *vctx)
{
    const copy_ctx *c = vctx;
    if (c->dst == c->src) {
        if (s[0] == (int64_t)c->size && s[1] == (int64_t)c->size) {
            memcpy(d[0], d[1], (size_t)n * c->size);
            return;
        }
        switch (c->size) {
        case 1: STRIDED_COPY(1); break;
        case 2: STRIDED_COPY(2); break;
        case 4: STRIDED_COPY(4); break;
        case 8: STRIDED_COPY(8); break;
        default: STRIDED_COPY(c->size); break;
        }
        return;
    }
    if (c->dst == TG_F32 && c->src == TG_F64) {
        for (int64_t i = 0; i < n; i++)
            *(float *)(d[0] + i * s[0]) = (float)*(const double *)(d[1] + i * s[1]);
        return;
    }
    if (tg__is_complex(c->dst) || tg__is_complex(c->src)) {
        for (int64_t i = 0; i < n; i++) tg__k_complex_convert(d[0] + i * s[0], c->dst, d[1] + i * s[1], c->src);
        return;
    }
    for (int64_t i = 0; i < n; i++)
        tg__store(d[0] + i * s[0], c->dst, tg__load(d[1] + i * s[1], c->src));
}

void tg__copy_into(tg_tensor *dst, const tg_tensor *src)
{
    TG_CAPTURED(tg__cap_copy_into(dst, src));
    tg_iter_operand ops[2];
    tg__operand(&ops[0], dst, dst->ndim);
    tg__operand(&ops[1], src, dst->ndim);
    copy_ctx c = {dst->dtype, src->dtype, tg__dtype_size(dst->dtype)};
    tg__iter_run_split(ops, 2, dst->shape, dst->ndim, copy_loop, &c);
}

typedef struct fill_ctx { tg_dtype dt; double v; } fill_ctx;

static void fill_loop(char **d, const int64_t *s, int64_t n, void *vctx)
{
    const fill_ctx *c = vctx;
    if (c->dt == TG_F32 && s[0] == 4) {
        float v = (float)c->v, *o = (float *)d[0];
        for (int64_t i = 0; i < n; i++) o[i] = v;
        return;
    }
    for (int64_t i = 0; i < n; i++) tg__store(d[0] + i * s[0], c->dt, c->v);
}

void tg__k_fill(tg_tensor *t, double v)
{
    TG_CAPTURED(tg__cap_fill(t, v));
    tg_iter_operand op;
    tg__operand(&op, t, t->ndim);
    fill_ctx c = {t->dtype, v};
    tg__iter_run_split(&op, 1, t->shape, t->ndim, fill_loop, &c);
}

typedef struct where_ctx { size_t size; } where_ctx;

static void where_loop(char **d, const int64_t *s, int64_t n, void *vctx)
{
    const where_ctx *c = vctx;
    for (int64_t i = 0; i < n; i++) {
        const char *src = *(const bool *)(d[1] + i * s[1]) ? d[2] + i * s[2] : d[3] + i * s[3];
        memcpy(d[0] + i * s[0], src, c->size);
    }
}

void tg__k_where(tg_tensor *out, const tg_tensor *cond, const tg_tensor *a, const tg_tensor *b)
{
    TG_CAPTURED(tg__cap_where(out, cond, a, b));
    tg_iter_operand ops[4];
    tg__operand(&ops[0], out, out->ndim);
    tg__operand(&ops[1], cond, out->ndim);
    tg__operand(&ops[2], a, out->ndim);
    tg__operand(&ops[3], b, out->ndim);
    where_ctx c = {tg__dtype_size(out->dtype)};
    tg__iter_run_split(ops, 4, out->shape, out->ndim, where_loop, &c);
}
