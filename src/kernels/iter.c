/* Strided iteration.

   Note [Iteration]: operands share one shape. Size-1 dimensions are dropped
   and neighbouring dimensions that are contiguous with each other in every
   operand are merged, so a contiguous (or scalar-broadcast) operation becomes
   one flat inner loop. Dimension order is never changed, so operands are
   visited in row-major order.

   Note [Splitting]: tg__iter_run_split cuts the iteration space into
   pieces for the pool (core/pool.h). A piece is a range of units, a unit
   being up to SPLIT_ALIGN elements of an inner row, so a piece starts and
   ends at a row's start or end or at a multiple of SPLIT_ALIGN elements
   into the row. A loop that treats the start of its run differently (a
   vector body and a scalar tail, for one) thus sees the same elements in
   its body however the space is split. */
#include "kernels.h"

#include <string.h>

#define MAX_OPERANDS 5   /* an optimizer's step has the most: param, grad, 3 buffers */
enum { SPLIT_ALIGN = 64 };

void tg__operand(tg_iter_operand *op, const tg_tensor *t, int ndim)
{
    int64_t es = (int64_t)tg__dtype_size(t->dtype);
    op->data = tg__ptr(t);
    for (int i = 0; i < ndim; i++) {
        int j = t->ndim - ndim + i;
        op->strides[i] = (j >= 0 && t->shape[j] != 1) ? t->strides[j] * es : 0;
    }
}

/* Whether every operand walks the whole shape as one flat run (row-major
   contiguous in its own element size, or a broadcast scalar with strides
   0), and then the element count: the common case, with no dimensions to
   merge. Only small runs take this path; large ones go through the plan,
   which may split them among threads. */
enum { SMALL_FLAT_RUN = 4096 };   /* elements, well under TG_GRAIN_SIZE */
static bool one_flat_run(const tg_iter_operand *ops, int nops, const int64_t *shape, int ndim, int64_t *count)
{
    if (ndim == 0) return false;
    int64_t n = shape[ndim - 1];
    for (int d = ndim - 2; d >= 0; d--) {
        for (int k = 0; k < nops; k++)
            if (ops[k].strides[d] != ops[k].strides[d + 1] * shape[d + 1]) return false;
        n *= shape[d];
    }
    *count = n;
    return true;
}

/* Runs a small flat run with one call of the loop; false when the
   iteration is not one. */
static bool run_small_flat(const tg_iter_operand *ops, int nops, const int64_t *shape, int ndim, tg_loop_fn fn,
                           void *ctx)
{
    int64_t count;
    if (!one_flat_run(ops, nops, shape, ndim, &count) || count > SMALL_FLAT_RUN) return false;
    char *ptr[MAX_OPERANDS];
    int64_t inner_stride[MAX_OPERANDS];
    for (int k = 0; k < nops; k++) {
        ptr[k] = ops[k].data;
        inner_stride[k] = ops[k].strides[ndim - 1];
    }
    if (count > 0) fn(ptr, inner_stride, count, ctx);
    return true;
}

/* The coalesced iteration: nd dims (at least one), the last the inner
   rows; rows of `row` elements, each `per_row` units of `unit` elements
   (the last unit of a row may be shorter). */
typedef struct iter_plan {
    int nops, nd;
    int64_t size[TG_MAX_DIMS];
    int64_t stride[MAX_OPERANDS][TG_MAX_DIMS];
    char *data[MAX_OPERANDS];
    int64_t inner_stride[MAX_OPERANDS];   /* the loop's strides: along the rows */
    int64_t row, rows, unit, per_row;
    tg_loop_fn fn;
    void *ctx;
} iter_plan;

/* Fills p; false when the space is empty. */
static bool plan_iter(iter_plan *p, const tg_iter_operand *ops, int nops, const int64_t *shape, int ndim,
                      tg_loop_fn fn, void *ctx)
{
    int nd = 0;
    for (int d = 0; d < ndim; d++) {
        if (shape[d] == 0) return false;
        if (shape[d] == 1) continue;
        bool merge = nd > 0;
        for (int k = 0; k < nops && merge; k++)
            merge = p->stride[k][nd - 1] == ops[k].strides[d] * shape[d];
        if (merge) {
            p->size[nd - 1] *= shape[d];
            for (int k = 0; k < nops; k++) p->stride[k][nd - 1] = ops[k].strides[d];
            continue;
        }
        p->size[nd] = shape[d];
        for (int k = 0; k < nops; k++) p->stride[k][nd] = ops[k].strides[d];
        nd++;
    }
    if (nd == 0) {   /* one element */
        p->size[0] = 1;
        for (int k = 0; k < nops; k++) p->stride[k][0] = 0;
        nd = 1;
    }
    p->nops = nops;
    p->nd = nd;
    for (int k = 0; k < nops; k++) {
        p->data[k] = ops[k].data;
        p->inner_stride[k] = p->stride[k][nd - 1];
    }
    p->row = p->size[nd - 1];
    p->rows = 1;
    for (int d = 0; d < nd - 1; d++) p->rows *= p->size[d];
    p->unit = p->row < SPLIT_ALIGN ? p->row : SPLIT_ALIGN;
    p->per_row = (p->row + p->unit - 1) / p->unit;
    p->fn = fn;
    p->ctx = ctx;
    return true;
}

/* Runs the loop over units [begin, end): one call per row or part of one. */
static void run_units(int64_t begin, int64_t end, void *vp)
{
    const iter_plan *p = vp;
    const int inner = p->nd - 1;
    int64_t idx[TG_MAX_DIMS];
    int64_t row = begin / p->per_row;
    for (int d = inner - 1; d >= 0; d--) {
        idx[d] = row % p->size[d];
        row /= p->size[d];
    }
    char *ptr[MAX_OPERANDS];
    for (int64_t u = begin; u < end;) {
        int64_t in_row = p->per_row == 1 ? 0 : u % p->per_row, units = p->per_row - in_row;
        if (units > end - u) units = end - u;
        int64_t first = in_row * p->unit, last = (in_row + units) * p->unit;
        if (last > p->row) last = p->row;
        for (int k = 0; k < p->nops; k++) {
            char *q = p->data[k] + first * p->stride[k][inner];
            for (int d = 0; d < inner; d++) q += idx[d] * p->stride[k][d];
            ptr[k] = q;
        }
        p->fn(ptr, p->inner_stride, last - first, p->ctx);
        u += units;
        if (in_row + units == p->per_row)   /* the next row */
            for (int d = inner - 1; d >= 0 && ++idx[d] == p->size[d]; d--) idx[d] = 0;
    }
}

void tg__iter_run(tg_iter_operand *ops, int nops, const int64_t *shape, int ndim,
                  tg_loop_fn fn, void *ctx)
{
    if (tg__capture_on()) tg__capture_refuse(__func__);
    if (run_small_flat(ops, nops, shape, ndim, fn, ctx)) return;
    iter_plan p;
    if (plan_iter(&p, ops, nops, shape, ndim, fn, ctx)) run_units(0, p.rows * p.per_row, &p);
}

/* The lowest and one past the highest byte operand k's iteration touches
   (its last element's start, to be exact: enough to tell overlap of
   same-dtype operands apart from none). */
static void extent(const iter_plan *p, int k, uintptr_t *lo, uintptr_t *hi)
{
    intptr_t low = 0, high = 0;
    for (int d = 0; d < p->nd; d++) {
        intptr_t span = (intptr_t)(p->stride[k][d] * (p->size[d] - 1));
        if (span < 0) low += span;
        else high += span;
    }
    *lo = (uintptr_t)(p->data[k] + low);
    *hi = (uintptr_t)(p->data[k] + high) + 1;
}

/* Whether pieces of p may run at once: operand 0 has an element of its
   own at every position (no stride 0), and every other operand either
   does not overlap it or reads exactly the element being written. */
static bool splittable(const iter_plan *p)
{
    for (int d = 0; d < p->nd; d++)
        if (p->stride[0][d] == 0 && p->size[d] > 1) return false;
    uintptr_t out_lo, out_hi;
    extent(p, 0, &out_lo, &out_hi);
    for (int k = 1; k < p->nops; k++) {
        uintptr_t lo, hi;
        extent(p, k, &lo, &hi);
        if (hi <= out_lo || out_hi <= lo) continue;
        if (p->data[k] != p->data[0] || memcmp(p->stride[k], p->stride[0], (size_t)p->nd * sizeof(int64_t)) != 0)
            return false;
    }
    return true;
}

void tg__iter_run_split(tg_iter_operand *ops, int nops, const int64_t *shape, int ndim, tg_loop_fn fn, void *ctx)
{
    if (tg__capture_on()) tg__capture_refuse(__func__);
    if (run_small_flat(ops, nops, shape, ndim, fn, ctx)) return;
    iter_plan p;
    if (!plan_iter(&p, ops, nops, shape, ndim, fn, ctx)) return;
    int64_t units = p.rows * p.per_row, elements = p.rows * p.row;
    if (elements < TG_GRAIN_SIZE || !splittable(&p)) {
        run_units(0, units, &p);
        return;
    }
    /* grain: the units of TG_GRAIN_SIZE elements */
    int64_t grain = (int64_t)((double)TG_GRAIN_SIZE * (double)units / (double)elements);
    tg__parallel_for(0, units, grain > 1 ? grain : 1, run_units, &p);
}

/* A piece of a reduction: p's dim `dim` cut to [begin, end). */
typedef struct reduce_piece { const iter_plan *whole; int dim; } reduce_piece;

static void run_reduce_piece(int64_t begin, int64_t end, void *vctx)
{
    const reduce_piece *r = vctx;
    iter_plan p = *r->whole;
    for (int k = 0; k < p.nops; k++) p.data[k] += begin * p.stride[k][r->dim];
    p.size[r->dim] = end - begin;
    if (r->dim == p.nd - 1) {
        p.row = end - begin;
        p.unit = p.row < SPLIT_ALIGN ? p.row : SPLIT_ALIGN;
        p.per_row = (p.row + p.unit - 1) / p.unit;
    } else {
        p.rows = p.rows / r->whole->size[r->dim] * (end - begin);
    }
    run_units(0, p.rows * p.per_row, &p);
}

void tg__iter_run_reduce(tg_iter_operand *ops, int nops, const int64_t *shape, int ndim, tg_loop_fn fn, void *ctx)
{
    if (tg__capture_on()) tg__capture_refuse(__func__);
    iter_plan p;
    if (!plan_iter(&p, ops, nops, shape, ndim, fn, ctx)) return;
    int dim = -1;   /* the longest along which operand 0 does not repeat */
    for (int d = 0; d < p.nd; d++)
        if (p.stride[0][d] != 0 && (dim < 0 || p.size[d] > p.size[dim])) dim = d;
    int64_t elements = p.rows * p.row;
    if (dim < 0 || elements < TG_GRAIN_SIZE) {
        run_units(0, p.rows * p.per_row, &p);
        return;
    }
    int64_t per_index = elements / p.size[dim];
    reduce_piece r = {&p, dim};
    tg__parallel_for(0, p.size[dim], tg__grain_of(per_index), run_reduce_piece, &r);
}
