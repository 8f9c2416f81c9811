/* Indexing kernels: gather and scatter along a dim, and the bounds scan
   the operations run over untrusted indices before writing anything. */
#include "kernels.h"

#include <string.h>

static int64_t load_index(const char *p, tg_dtype dt)
{
    return dt == TG_I32 ? *(const int32_t *)p : *(const int64_t *)p;
}

typedef struct bounds_ctx { tg_dtype dt; int64_t size; bool bad; int64_t first; } bounds_ctx;

static void bounds_loop(char **d, const int64_t *s, int64_t n, void *vctx)
{
    bounds_ctx *c = vctx;
    for (int64_t i = 0; i < n && !c->bad; i++) {
        int64_t v = load_index(d[0] + i * s[0], c->dt);
        if (v < 0 || v >= c->size) { c->bad = true; c->first = v; }
    }
}

bool tg__k_index_in_bounds(const tg_tensor *index, int64_t size, int64_t *first_bad)
{
    TG_CAPTURED_RETURN(tg__cap_index_in_bounds(index, size, first_bad));
    tg_iter_operand op;
    tg__operand(&op, index, index->ndim);
    bounds_ctx c = {index->dtype, size, false, 0};
    tg__iter_run(&op, 1, index->shape, index->ndim, bounds_loop, &c);
    *first_bad = c.first;
    return !c.bad;
}

typedef struct scatter_ctx { tg_index_mode mode; tg_dtype dt, index_dt; size_t size; int64_t dim_stride; } scatter_ctx;

/* *dst += *src in dtype dt (bool: or; complex: each part), integers exactly. */
static void add_into(char *dst, const char *src, tg_dtype dt)
{
    switch (dt) {
    case TG_F32: *(float *)dst += *(const float *)src; break;
    case TG_F64: *(double *)dst += *(const double *)src; break;
    case TG_I32: *(int32_t *)dst = (int32_t)((uint32_t)*(int32_t *)dst + (uint32_t)*(const int32_t *)src); break;
    case TG_I64: *(int64_t *)dst = (int64_t)((uint64_t)*(int64_t *)dst + (uint64_t)*(const int64_t *)src); break;
    case TG_BOOL: *(bool *)dst = *(bool *)dst || *(const bool *)src; break;
    case TG_C64: *(float _Complex *)dst += *(const float _Complex *)src; break;
    case TG_C128: *(double _Complex *)dst += *(const double _Complex *)src; break;
    default: tg__store(dst, dt, tg__load(dst, dt) + tg__load(src, dt)); break;
    }
}

/* c10::complex's *= and the quotient by a real count k as PyTorch's
   complex division computes it, (a k + b 0) / k^2 (ops/complex.c), in T. */
#define COMPLEX_MUL_INTO(T, dst, src)                                               \
    do {                                                                            \
        T *z_ = (T *)(dst), a_ = z_[0], b_ = z_[1];                                 \
        const T *w_ = (const T *)(src);                                             \
        z_[0] = a_ * w_[0] - b_ * w_[1];                                            \
        z_[1] = a_ * w_[1] + b_ * w_[0];                                            \
    } while (0)
#define COMPLEX_DIV_BY_COUNT(T, at, k)                                              \
    do {                                                                            \
        T *z_ = (T *)(at), a_ = z_[0], b_ = z_[1], c_ = (T)(k), den_ = c_ * c_;     \
        z_[0] = (a_ * c_ + b_ * 0) / den_;                                          \
        z_[1] = (b_ * c_ - a_ * 0) / den_;                                          \
    } while (0)

/* *dst *= *src in dtype dt (bool: and), integers wrapping. */
static void mul_into(char *dst, const char *src, tg_dtype dt)
{
    switch (dt) {
    case TG_C64: COMPLEX_MUL_INTO(float, dst, src); break;
    case TG_C128: COMPLEX_MUL_INTO(double, dst, src); break;
    case TG_F32: *(float *)dst *= *(const float *)src; break;
    case TG_F64: *(double *)dst *= *(const double *)src; break;
    case TG_I32: *(int32_t *)dst = (int32_t)((uint32_t)*(int32_t *)dst * (uint32_t)*(const int32_t *)src); break;
    case TG_I64: *(int64_t *)dst = (int64_t)((uint64_t)*(int64_t *)dst * (uint64_t)*(const int64_t *)src); break;
    case TG_BOOL: *(bool *)dst = *(bool *)dst && *(const bool *)src; break;
    default: tg__store(dst, dt, tg__load(dst, dt) * tg__load(src, dt)); break;
    }
}

/* *dst = the larger (max) or smaller of *dst and *src; a NaN src wins, as
   in PyTorch's ReduceMaximum. */
#define EXTREME(T)                                                                   \
    do {                                                                             \
        T a = *(T *)dst, b = *(const T *)src;                                        \
        *(T *)dst = b != b ? b : (max ? (b > a ? b : a) : (b < a ? b : a));          \
    } while (0)
static void extreme_into(char *dst, const char *src, tg_dtype dt, bool max)
{
    switch (dt) {
    case TG_F32: EXTREME(float); break;
    case TG_F64: EXTREME(double); break;
    case TG_I32: EXTREME(int32_t); break;
    case TG_I64: EXTREME(int64_t); break;
    case TG_BOOL: EXTREME(bool); break;
    default: {
        double a = tg__load(dst, dt), b = tg__load(src, dt);
        tg__store(dst, dt, b != b ? b : (max ? (b > a ? b : a) : (b < a ? b : a)));
        break;
    }
    }
}
#undef EXTREME

/* d[0] self at the position with dim 0, d[1] other, d[2] index. */
static void scatter_loop(char **d, const int64_t *s, int64_t n, void *vctx)
{
    const scatter_ctx *c = vctx;
    for (int64_t i = 0; i < n; i++) {
        char *at = d[0] + i * s[0] + load_index(d[2] + i * s[2], c->index_dt) * c->dim_stride;
        char *other = d[1] + i * s[1];
        switch (c->mode) {
        case TG_GATHER: memcpy(other, at, c->size); break;
        case TG_SCATTER: memcpy(at, other, c->size); break;
        case TG_SCATTER_ADD: add_into(at, other, c->dt); break;
        case TG_SCATTER_MUL: mul_into(at, other, c->dt); break;
        case TG_SCATTER_MAX: extreme_into(at, other, c->dt, true); break;
        case TG_SCATTER_MIN: extreme_into(at, other, c->dt, false); break;
        }
    }
}

void tg__k_scatter_gather(tg_index_mode mode, tg_tensor *self, int dim, const tg_tensor *index, tg_tensor *other)
{
    TG_CAPTURED(tg__cap_scatter_gather(mode, self, dim, index, other));
    int nd = index->ndim;
    int64_t es = (int64_t)tg__dtype_size(self->dtype);
    tg_iter_operand ops[3];
    ops[0].data = tg__ptr(self);
    for (int i = 0; i < nd; i++) ops[0].strides[i] = i == dim ? 0 : self->strides[i] * es;
    ops[1].data = tg__ptr(other);
    for (int i = 0; i < nd; i++) ops[1].strides[i] = other->strides[i] * es;
    ops[2].data = tg__ptr(index);
    for (int i = 0; i < nd; i++) ops[2].strides[i] = index->strides[i] * (int64_t)tg__dtype_size(index->dtype);
    scatter_ctx c = {mode, self->dtype, index->dtype, (size_t)es, nd ? self->strides[dim] * es : 0};
    tg__iter_run(ops, 3, index->shape, nd, scatter_loop, &c);
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return q * b != a && (a < 0) != (b < 0) ? q - 1 : q;
}

void tg__k_divide_by_counts(tg_tensor *t, const tg_tensor *count)
{
    TG_CAPTURED(tg__cap_divide_by_counts(t, count));
    char *p = tg__ptr(t);
    const int64_t *c = (const int64_t *)tg__ptr(count);
    int64_t n = tg_numel(t);
    for (int64_t i = 0; i < n; i++) {
        int64_t k = c[i] ? c[i] : 1;
        switch (t->dtype) {
        case TG_I32: ((int32_t *)p)[i] = (int32_t)floor_div(((int32_t *)p)[i], k); break;
        case TG_I64: ((int64_t *)p)[i] = floor_div(((int64_t *)p)[i], k); break;
        case TG_F32: ((float *)p)[i] /= (float)k; break;
        case TG_F64: ((double *)p)[i] /= (double)k; break;
        case TG_C64: COMPLEX_DIV_BY_COUNT(float, p + i * 2 * (int64_t)sizeof(float), k); break;
        case TG_C128: COMPLEX_DIV_BY_COUNT(double, p + i * 2 * (int64_t)sizeof(double), k); break;
        default: {
            char *at = p + i * (int64_t)tg__dtype_size(t->dtype);
            if (tg__is_integral(t->dtype)) tg__store_int(at, t->dtype, floor_div(tg__load_int(at, t->dtype), k));
            else tg__store(at, t->dtype, tg__load(at, t->dtype) / (double)k);
            break;
        }
        }
    }
}

typedef struct masked_ctx { bool scatter; size_t size; char *packed; int64_t count; } masked_ctx;

/* d[0] the strided tensor, d[1] the mask; packed advances by one element
   per true mask element (a NULL packed only counts them). */
static void masked_loop(char **d, const int64_t *s, int64_t n, void *vctx)
{
    masked_ctx *c = vctx;
    for (int64_t i = 0; i < n; i++) {
        if (!*(const bool *)(d[1] + i * s[1])) continue;
        if (c->packed) {
            char *p = c->packed + c->count * (int64_t)c->size;
            if (c->scatter) memcpy(d[0] + i * s[0], p, c->size);
            else memcpy(p, d[0] + i * s[0], c->size);
        }
        c->count++;
    }
}

int64_t tg__k_masked(bool scatter, tg_tensor *t, const tg_tensor *mask, const int64_t *shape, int ndim, char *packed)
{
    tg__capture_refuse("masked_select (or a mask as an index)");
    tg_iter_operand ops[2];
    tg__operand(&ops[0], t, ndim);
    tg__operand(&ops[1], mask, ndim);
    masked_ctx c = {scatter, tg__dtype_size(t->dtype), packed, 0};
    tg__iter_run(ops, 2, shape, ndim, masked_loop, &c);
    return c.count;
}

/* ------------------------------------------------- advanced indexing */

typedef struct first_bad_ctx { tg_dtype dt; int64_t size, position, first, bad; } first_bad_ctx;

static void first_bad_loop(char **d, const int64_t *s, int64_t n, void *vctx)
{
    first_bad_ctx *c = vctx;
    for (int64_t i = 0; i < n && c->first < 0; i++, c->position++) {
        int64_t v = load_index(d[0] + i * s[0], c->dt);
        if (v < -c->size || v >= c->size) {
            c->first = c->position;
            c->bad = v;
        }
    }
}

int64_t tg__k_index_first_bad(const tg_tensor *index, const int64_t *shape, int ndim, int64_t size, int64_t *bad)
{
    TG_CAPTURED_RETURN(tg__cap_index_first_bad(index, shape, ndim, size, bad));
    tg_iter_operand op;
    tg__operand(&op, index, ndim);
    first_bad_ctx c = {index->dtype, size, 0, -1, 0};
    tg__iter_run(&op, 1, shape, ndim, first_bad_loop, &c);
    *bad = c.bad;
    return c.first;
}

typedef struct offsets_ctx { tg_dtype dt; int64_t size, stride; } offsets_ctx;

/* d[0] the offsets, d[1] the index */
static void offsets_loop(char **d, const int64_t *s, int64_t n, void *vctx)
{
    const offsets_ctx *c = vctx;
    for (int64_t i = 0; i < n; i++) {
        int64_t v = load_index(d[1] + i * s[1], c->dt);
        *(int64_t *)(d[0] + i * s[0]) += (v < 0 ? v + c->size : v) * c->stride;
    }
}

void tg__k_index_offsets(tg_tensor *offsets, const tg_tensor *index, int64_t size, int64_t stride)
{
    TG_CAPTURED(tg__cap_index_offsets(offsets, index, size, stride));
    tg_iter_operand ops[2];
    tg__operand(&ops[0], offsets, offsets->ndim);
    tg__operand(&ops[1], index, offsets->ndim);
    offsets_ctx c = {index->dtype, size, stride};
    tg__iter_run(ops, 2, offsets->shape, offsets->ndim, offsets_loop, &c);
}

typedef struct indexed_ctx { bool put, accumulate; tg_dtype dt; size_t size; } indexed_ctx;

/* d[0] the element read or written in place (at its offset d[2]), d[1] the other */
static void indexed_loop(char **d, const int64_t *s, int64_t n, void *vctx)
{
    const indexed_ctx *c = vctx;
    for (int64_t i = 0; i < n; i++) {
        char *at = d[0] + i * s[0] + *(const int64_t *)(d[2] + i * s[2]);
        char *other = d[1] + i * s[1];
        if (!c->put) memcpy(other, at, c->size);
        else if (c->accumulate) add_into(at, other, c->dt);
        else memcpy(at, other, c->size);
    }
}

static void run_indexed(bool put, bool accumulate, tg_tensor *src, const tg_tensor *other, const tg_tensor *offsets)
{
    tg_iter_operand ops[3];
    tg__operand(&ops[0], src, src->ndim);
    /* src's dims that an index replaced have stride 0, which tg__operand
       reads as broadcast only where the size is 1: the same either way */
    tg__operand(&ops[1], other, src->ndim);
    tg__operand(&ops[2], offsets, src->ndim);
    indexed_ctx c = {put, accumulate, src->dtype, tg__dtype_size(src->dtype)};
    tg__iter_run(ops, 3, src->shape, src->ndim, indexed_loop, &c);
}

void tg__k_index_gather(tg_tensor *out, const tg_tensor *src, const tg_tensor *offsets)
{
    TG_CAPTURED(tg__cap_index_gather(out, src, offsets));
    run_indexed(false, false, (tg_tensor *)src, out, offsets);
}

void tg__k_index_put(tg_tensor *dst, const tg_tensor *values, const tg_tensor *offsets, bool accumulate)
{
    TG_CAPTURED(tg__cap_index_put(dst, values, offsets, accumulate));
    run_indexed(true, accumulate, dst, values, offsets);
}

void tg__k_nonzero(tg_tensor *coords, const tg_tensor *mask)
{
    tg__capture_refuse("nonzero");
    int64_t *out = (int64_t *)tg__ptr(coords), position[TG_MAX_DIMS] = {0}, n = tg_numel(mask);
    int nd = mask->ndim;
    for (int64_t i = 0; i < n; i++) {
        const char *p = tg__ptr(mask);   /* bool: strides are bytes */
        for (int k = 0; k < nd; k++) p += position[k] * mask->strides[k];
        if (*(const bool *)p) {
            memcpy(out, position, (size_t)nd * sizeof *position);
            out += nd;
        }
        for (int k = nd - 1; k >= 0 && ++position[k] == mask->shape[k]; k--) position[k] = 0;
    }
}
