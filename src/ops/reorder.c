/* Copies that move elements around: flip, roll, and tril/triu (which keep
   one triangle and zero the rest). */
#include "ops.h"

#include <string.h>

typedef tg_flip_params flip_params;   /* ops/ops.h */

/* dims wrapped into p, refusing repeats as PyTorch does (so no more than
   TG_MAX_DIMS are ever stored). */
static int wrap_dims(const tg_tensor *t, const int64_t *dims, int ndims, flip_params *p)
{
    bool seen[TG_MAX_DIMS] = {false};
    for (int i = 0; i < ndims; i++) {
        int64_t d;
        if (tg__wrap_dim(dims[i], t->ndim, &d)) return -1;
        if (seen[d]) return tg__faili(TG_E_INVALID, "dim %lld appears multiple times in the list of dims", (long long)d);
        seen[d] = true;
        p->dims[i] = d;
    }
    p->ndims = ndims;
    return 0;
}

tg_tensor *tg_flip(const tg_tensor *t, const int64_t *dims, int ndims)
{
    TG_ARG(t);
    if (ndims > 0 && !dims) return tg__fail(TG_E_NULL, "%s(): dims is NULL", __func__);
    if (ndims < 0) return tg__fail(TG_E_INVALID, "%s(): ndims is negative", __func__);
    flip_params p = {0};
    if (wrap_dims(t, dims, ndims, &p)) return NULL;
    tg_tensor src = *t;   /* t read backwards along the flipped dims */
    src.autograd = NULL;
    for (int i = 0; i < p.ndims && t->ndim > 0; i++) {
        int64_t d = p.dims[i];
        if (t->shape[d] == 0) continue;
        src.offset += (t->shape[d] - 1) * t->strides[d];
        src.strides[d] = -t->strides[d];
    }
    tg_tensor *out = tg__new_like(t->dtype, t->shape, t->ndim, &t, 1);
    if (!out) return NULL;
    tg__copy_into(out, &src);
    return tg__record(out, (tg_record){.op = TG_OP_FLIP, TG_PARAMS(p)}, &t, 1, NULL) ? NULL : out;
}

int tg__d_flip(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    const flip_params *p = n->params;
    return (gi[0] = tg_flip(g, p->dims, p->ndims)) ? 0 : -1;
}

typedef tg_roll_params roll_params;   /* ops/ops.h */

/* out (contiguous, t's shape) = t rolled by shift along dim d, as PyTorch's
   roll_cpu: cat(narrow(start, size - start), narrow(0, start)). */
static void roll_into(tg_tensor *out, const tg_tensor *t, int d, int64_t shift)
{
    int64_t size = t->shape[d];
    int64_t start = (size - shift) % size;   /* |shift| < size */
    tg_tensor a = tg__part(out, d, 0, size - start), b = tg__part(out, d, size - start, start);
    tg_tensor from_a = tg__part(t, d, start, size - start), from_b = tg__part(t, d, 0, start);
    tg__copy_into(&a, &from_a);
    tg__copy_into(&b, &from_b);
}

tg_tensor *tg_roll(const tg_tensor *t, const int64_t *shifts, const int64_t *dims, int n)
{
    TG_ARG(t);
    if (n > 0 && !shifts) return tg__fail(TG_E_NULL, "%s(): shifts is NULL", __func__);
    if (n <= 0) return tg__fail(TG_E_INVALID, "`shifts` required");
    if (!dims && n != 1) return tg__fail(TG_E_INVALID, "shifts and dimensions must align. shifts: %d, dims:0", n);
    if (n > TG_MAX_DIMS) return tg__fail(TG_E_INVALID, "%s(): at most %d shifts", __func__, TG_MAX_DIMS);
    roll_params p = {.n = n, .flat = !dims};
    for (int i = 0; i < n && dims; i++) {
        if (tg__wrap_dim(dims[i], t->ndim, &p.dims[i])) return NULL;
        if (t->ndim == 0) return tg__fail(TG_E_INDEX, "Dimension specified as 0 but tensor has no dimensions");
    }
    /* Shifts kept modulo their dim's size, so the derivative can negate them. */
    for (int i = 0; i < n; i++) {
        int64_t size = p.flat ? tg_numel(t) : t->shape[p.dims[i]];
        p.shifts[i] = size ? shifts[i] % size : 0;
    }
    tg_tensor *out;
    if (tg_numel(t) == 0) {
        out = tg__new_like(t->dtype, t->shape, t->ndim, &t, 1);   /* PyTorch's clone(preserve_format) */
        if (out) tg__copy_into(out, t);
    } else if (p.flat) {
        tg_tensor *c = tg__cast(t, t->dtype);
        out = c ? tg__new(t->dtype, t->shape, t->ndim) : NULL;
        if (out) {
            int64_t numel = tg_numel(t);
            tg_tensor flat_out = *out, flat_c = *c;
            flat_out.ndim = flat_c.ndim = 1;
            flat_out.shape[0] = flat_c.shape[0] = numel;
            flat_out.strides[0] = flat_c.strides[0] = 1;
            roll_into(&flat_out, &flat_c, 0, p.shifts[0]);
        }
    } else {
        const tg_tensor *cur = t;
        out = NULL;
        for (int i = 0; i < n; i++) {
            out = tg__new(t->dtype, t->shape, t->ndim);
            if (!out) return NULL;
            roll_into(out, cur, (int)p.dims[i], p.shifts[i]);
            cur = out;
        }
    }
    if (!out) return NULL;
    return tg__record(out, (tg_record){.op = TG_OP_ROLL, TG_PARAMS(p)}, &t, 1, NULL) ? NULL : out;
}

/* The gradient rolled back: shifts negated, pairs in reverse order. */
int tg__d_roll(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    const roll_params *p = n->params;
    int64_t shifts[TG_MAX_DIMS], dims[TG_MAX_DIMS];
    for (int i = 0; i < p->n; i++) {
        shifts[i] = -p->shifts[p->n - 1 - i];
        dims[i] = p->dims[p->n - 1 - i];
    }
    return (gi[0] = tg_roll(g, shifts, p->flat ? NULL : dims, p->n)) ? 0 : -1;
}

typedef struct tri_params { int64_t diagonal; } tri_params;

/* The lower (tril) or upper (triu) triangle of the last two dims from the
   diagonal-th diagonal, the rest zero; a contiguous copy. */
static tg_tensor *triangle(const char *fn, const tg_tensor *t, int64_t diagonal, bool lower, tg_op op)
{
    TG_ARG_OF(fn, t);
    if (t->ndim == 0) return tg__fail(TG_E_INDEX, "Dimension specified as -2 but tensor has no dimensions");
    int64_t unused;
    if (tg__wrap_dim(-2, t->ndim, &unused)) return NULL;
    tg_tensor *out = tg__new(t->dtype, t->shape, t->ndim);
    if (!out) return NULL;
    tg__copy_into(out, t);
    int64_t rows = t->shape[t->ndim - 2], cols = t->shape[t->ndim - 1];
    /* Row i of every matrix at once: (batch, cols) with the matrices' stride. */
    tg_tensor row = *out;
    row.autograd = NULL;
    row.ndim = 2;
    row.shape[0] = rows > 0 && cols > 0 ? tg_numel(out) / (rows * cols) : 0;
    row.strides[0] = rows * cols;
    row.strides[1] = 1;
    for (int64_t i = 0; i < rows; i++) {
        /* zeroed: columns j > i + diagonal (tril) or j < i + diagonal (triu) */
        /* beyond these bounds nothing changes (and i + edge cannot overflow) */
        int64_t edge = diagonal > cols + 1 ? cols + 1 : diagonal < -rows - 1 ? -rows - 1 : diagonal;
        int64_t from = lower ? i + edge + 1 : 0, to = lower ? cols : i + edge;
        from = from < 0 ? 0 : from > cols ? cols : from;
        to = to < 0 ? 0 : to > cols ? cols : to;
        if (from >= to) continue;
        tg_tensor zeroed = tg__part(&row, 1, i * cols + from, to - from);
        tg__k_fill(&zeroed, 0);
    }
    tri_params p = {diagonal};
    return tg__record(out, (tg_record){.op = op, TG_PARAMS(p)}, &t, 1, NULL) ? NULL : out;
}

tg_tensor *tg_tril(const tg_tensor *t, int64_t diagonal) { return triangle(__func__, t, diagonal, true, TG_OP_TRIL); }
tg_tensor *tg_triu(const tg_tensor *t, int64_t diagonal) { return triangle(__func__, t, diagonal, false, TG_OP_TRIU); }

/* tril_ and triu_: the out-of-place result written back (their derivative
   reads nothing, so t's old value need not be kept). */
static tg_tensor *triangle_(const char *fn, tg_tensor *t, int64_t diagonal, bool lower, tg_op op)
{
    TG_ARG_OF(fn, t);
    if (tg__check_inplace(t, NULL, false)) return NULL;
    tg_tensor *r = triangle(fn, t, diagonal, lower, op);
    return r ? tg__commit(t, r) : NULL;
}

tg_tensor *tg_tril_(tg_tensor *t, int64_t diagonal) { return triangle_(__func__, t, diagonal, true, TG_OP_TRIL); }
tg_tensor *tg_triu_(tg_tensor *t, int64_t diagonal) { return triangle_(__func__, t, diagonal, false, TG_OP_TRIU); }

int tg__d_tril(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    return (gi[0] = tg_tril(g, ((const tri_params *)n->params)->diagonal)) ? 0 : -1;
}

int tg__d_triu(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    return (gi[0] = tg_triu(g, ((const tri_params *)n->params)->diagonal)) ? 0 : -1;
}
