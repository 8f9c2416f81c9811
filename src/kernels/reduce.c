/* Reduction kernels: sums, products, extrema and truth tests over broadcast
   dimensions, max and min along a dim, and the products of the others. */
#include "kernels.h"
#include "vec.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* vec_sum: the SIMD sum of contiguous floats (vec.h), or NULL. */
typedef struct sum_ctx {
    tg_dtype dt;
    double (*vec_sum)(const float *a, int64_t n);
} sum_ctx;

/* d[0] is the accumulator (double or int64), d[1] the input. */
static void sum_loop(char **d, const int64_t *s, int64_t n, void *vctx)
{
    const sum_ctx *c = vctx;
    if (c->dt == TG_F32) {
        double *acc = (double *)d[0];
        if (s[0] == 0 && s[1] == (int64_t)sizeof(float) && c->vec_sum) {
            *acc += c->vec_sum((const float *)d[1], n);
        } else if (s[0] == 0) {
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
    } else if (tg__is_floating(c->dt)) {   /* float16, bfloat16 */
        for (int64_t i = 0; i < n; i++) *(double *)(d[0] + i * s[0]) += tg__load(d[1] + i * s[1], c->dt);
    } else {
        for (int64_t i = 0; i < n; i++) {   /* wraps around on overflow, as in PyTorch */
            int64_t *acc = (int64_t *)(d[0] + i * s[0]);
            *acc = (int64_t)((uint64_t)*acc + (uint64_t)tg__load_int(d[1] + i * s[1], c->dt));
        }
    }
}

/* Note [Whole reductions]: a reduction to one element has no output dim
   to split along, so a large one is cut into blocks of about BLOCK
   elements along a's outermost dim, whatever the thread count: each block
   is reduced on its own (by the pool's threads), then the blocks'
   accumulators are combined in block order. The result thus depends only
   on a's shape. */
enum { BLOCK = 65536 };

/* The accumulators (double for floating a, else int64), all init. */
static char *new_accumulators(int64_t n, bool floating, double init_f, int64_t init_i)
{
    /* double and int64 are both 8 bytes: one buffer serves either. */
    char *acc = tg__malloc((size_t)(n ? n : 1) * 8);
    if (!acc) return NULL;
    for (int64_t i = 0; i < n; i++) {
        if (floating) ((double *)acc)[i] = init_f;
        else ((int64_t *)acc)[i] = init_i;
    }
    return acc;
}

/* Runs loop over a (a's rank, out's shape) into acc (contiguous, out's shape). */
static void accumulate(char *acc, const tg_tensor *out, const tg_tensor *a, tg_loop_fn loop, void *ctx)
{
    int64_t acc_strides[TG_MAX_DIMS];
    tg__contiguous_strides(out->shape, out->ndim, acc_strides);
    tg_iter_operand ops[2];
    ops[0].data = acc;
    for (int i = 0; i < a->ndim; i++)
        ops[0].strides[i] = out->shape[i] == 1 ? 0 : acc_strides[i] * 8;
    tg__operand(&ops[1], a, a->ndim);
    tg__iter_run_reduce(ops, 2, a->shape, a->ndim, loop, ctx);
}

typedef struct blocks_job {
    const tg_tensor *out, *a;
    int dim;
    int64_t per_block;   /* indices along dim */
    char *acc;           /* one accumulator per block */
    tg_loop_fn loop;
    void *ctx;
} blocks_job;

static void reduce_blocks(int64_t begin, int64_t end, void *vjob)
{
    const blocks_job *job = vjob;
    for (int64_t i = begin; i < end; i++) {
        tg_tensor block = *job->a;
        int64_t first = i * job->per_block, len = block.shape[job->dim] - first;
        block.offset += first * block.strides[job->dim];
        block.shape[job->dim] = len < job->per_block ? len : job->per_block;
        accumulate(job->acc + i * 8, job->out, &block, job->loop, job->ctx);
    }
}

/* Runs loop over a with an accumulator per element of out (a's rank, size
   1 along the reduced dims), each starting at init (a double for floating
   a, else an int64), then stores the accumulators into out. A whole
   reduction goes by blocks, combined by running loop again over the
   blocks' accumulators with combine_ctx (Note [Whole reductions]). */
static int reduce_run(tg_tensor *out, const tg_tensor *a, tg_loop_fn loop, void *ctx, void *combine_ctx,
                      double init_f, int64_t init_i)
{
    int64_t n_out = tg__numel(out->shape, out->ndim), n_in = tg__numel(a->shape, a->ndim);
    bool floating = tg__is_floating(a->dtype);
    char *acc = new_accumulators(n_out, floating, init_f, init_i);
    if (!acc) return -1;
    int dim = 0;   /* a's outermost dim of more than one element */
    while (dim < a->ndim - 1 && a->shape[dim] == 1) dim++;
    if (n_out == 1 && n_in >= 2 * BLOCK && a->shape[dim] > 1) {
        int64_t per_index = n_in / a->shape[dim], per_block = BLOCK > per_index ? BLOCK / per_index : 1;
        int64_t blocks = (a->shape[dim] + per_block - 1) / per_block;
        char *partial = new_accumulators(blocks, floating, init_f, init_i);
        if (!partial) {
            free(acc);
            return -1;
        }
        blocks_job job = {out, a, dim, per_block, partial, loop, ctx};
        tg__parallel_for(0, blocks, 1, reduce_blocks, &job);
        tg_tensor list = {.dtype = floating ? TG_F64 : TG_I64, .ndim = 1, .shape = {blocks}, .strides = {1},
                          .storage = &(tg_storage){.data = partial}};
        tg_tensor one = list;
        one.shape[0] = 1;
        accumulate(acc, &one, &list, loop, combine_ctx);
        free(partial);
    } else {
        accumulate(acc, out, a, loop, ctx);
    }
    /* Scatter the accumulator into out (which may be strided). */
    int64_t acc_strides[TG_MAX_DIMS];
    tg__contiguous_strides(out->shape, out->ndim, acc_strides);
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

int tg__k_sum_to(tg_tensor *out, const tg_tensor *a)
{
    if (tg__is_complex(a->dtype)) {   /* each part on its own */
        tg_tensor out_re, out_im, a_re, a_im;
        tg__k_complex_parts(out, &out_re, &out_im);
        tg__k_complex_parts(a, &a_re, &a_im);
        return tg__k_sum_to(&out_re, &a_re) || tg__k_sum_to(&out_im, &a_im) ? -1 : 0;
    }
    sum_ctx c = {a->dtype, a->dtype == TG_F32 ? tg__vec_sum_f32() : NULL};
    sum_ctx combine = {tg__is_floating(a->dtype) ? TG_F64 : TG_I64, NULL};
    return reduce_run(out, a, sum_loop, &c, &combine, 0, 0);
}

/* d[0] the accumulator, d[1] the input: max and min propagate NaN (a NaN
   accumulator stays, since no comparison with it holds); all and any test
   for non-zero (NaN is). Integer products wrap around as in PyTorch. */
typedef struct fold_ctx {
    tg_reduce_op op;
    tg_dtype dt;
    float (*vec_extreme)(const float *a, int64_t n);   /* f32 max or min over a run (vec.h), or NULL */
} fold_ctx;

static void fold_loop(char **d, const int64_t *s, int64_t n, void *vctx)
{
    const fold_ctx *c = vctx;
    if (c->vec_extreme && s[0] == 0 && s[1] == (int64_t)sizeof(float) && n > 0) {
        /* a contiguous run into one accumulator: its extreme in SIMD, the
           same value but where the run holds a NaN or an infinity (the
           SIMD loop then gives NaN) or its extreme is a zero (of which
           sign?): the loop below decides those */
        const double v = c->vec_extreme((const float *)d[1], n), *acc = (const double *)d[0];
        if (v == v && v != 0) {
            if (c->op == TG_RED_MAX ? v > *acc : v < *acc) *(double *)d[0] = v;
            return;
        }
    }
    for (int64_t i = 0; i < n; i++) {
        const char *x = d[1] + i * s[1];
        if (tg__is_floating(c->dt)) {
            double *acc = (double *)(d[0] + i * s[0]), v = tg__load(x, c->dt);
            switch (c->op) {
            case TG_RED_MAX: if (v > *acc || v != v) *acc = v; break;
            case TG_RED_MIN: if (v < *acc || v != v) *acc = v; break;
            case TG_RED_PROD: *acc *= v; break;
            case TG_RED_ALL: *acc = *acc != 0 && v != 0; break;
            case TG_RED_ANY: *acc = *acc != 0 || v != 0; break;
            case TG_RED_SUM: break;   /* tg__k_sum_to's */
            }
        } else {
            int64_t *acc = (int64_t *)(d[0] + i * s[0]), v = tg__load_int(x, c->dt);
            switch (c->op) {
            case TG_RED_MAX: if (v > *acc) *acc = v; break;
            case TG_RED_MIN: if (v < *acc) *acc = v; break;
            case TG_RED_PROD: *acc = (int64_t)((uint64_t)*acc * (uint64_t)v); break;
            case TG_RED_ALL: *acc = *acc && v; break;
            case TG_RED_ANY: *acc = *acc || v; break;
            case TG_RED_SUM: break;
            }
        }
    }
}

int tg__k_reduce(tg_reduce_op op, tg_tensor *out, const tg_tensor *a)
{
    if (op == TG_RED_SUM) return tg__k_sum_to(out, a);
    if (op == TG_RED_PROD && tg__is_complex(a->dtype)) return tg__k_complex_prod(out, a);
    static const double init_f[] = {-INFINITY, INFINITY, 1, 1, 0, 0};
    static const int64_t init_i[] = {INT64_MIN, INT64_MAX, 1, 1, 0, 0};
    const tg_vec_table *vec = a->dtype == TG_F32 ? tg__vec_table() : NULL;
    fold_ctx ctx = {op, a->dtype, !vec ? NULL : op == TG_RED_MAX ? vec->max_f32 : op == TG_RED_MIN ? vec->min_f32 : NULL};
    fold_ctx combine = {op, tg__is_floating(a->dtype) ? TG_F64 : TG_I64, NULL};
    return reduce_run(out, a, fold_loop, &ctx, &combine, init_f[op], init_i[op]);
}

typedef struct max_ctx {
    tg_dtype dt;
    int64_t len, stride;
    bool largest;
    int64_t (*vec_arg)(const float *a, int64_t n, bool largest);   /* for contiguous f32 runs (vec.h), or NULL */
} max_ctx;

/* Whether the element at a beats the one at b: greater (smaller when not
   largest), or NaN (which max and min propagate). Integers compare
   exactly, not through double. */
static bool beats(const char *a, const char *b, tg_dtype dt, bool largest)
{
    if (!tg__is_floating(dt)) {
        int64_t x = tg__load_int(a, dt), y = tg__load_int(b, dt);
        return largest ? x > y : x < y;
    }
    double x = tg__load(a, dt), y = tg__load(b, dt);
    return (largest ? x > y : x < y) || x != x;
}

/* d[0] value, d[1] index (int64), d[2] the start of the run along dim. */
static void max_loop(char **d, const int64_t *s, int64_t n, void *vctx)
{
    const max_ctx *c = vctx;
    size_t size = tg__dtype_size(c->dt);
    for (int64_t i = 0; i < n; i++) {
        const char *p = d[2] + i * s[2], *best = p;
        int64_t best_i = c->vec_arg ? c->vec_arg((const float *)p, c->len, c->largest) : -1;
        if (best_i >= 0) {
            memcpy(d[0] + i * s[0], p + best_i * c->stride, size);
            *(int64_t *)(d[1] + i * s[1]) = best_i;
            continue;
        }
        best_i = 0;
        /* the first NaN wins */
        for (int64_t k = 1; k < c->len && !beats(best, best, c->dt, c->largest); k++) {
            const char *v = p + k * c->stride;
            if (beats(v, best, c->dt, c->largest)) { best = v; best_i = k; }
        }
        memcpy(d[0] + i * s[0], best, size);
        *(int64_t *)(d[1] + i * s[1]) = best_i;
    }
}

static void extreme_dim(tg_tensor *values, tg_tensor *indices, const tg_tensor *a, int dim, bool largest)
{
    tg_iter_operand ops[3];
    tg__operand(&ops[0], values, values->ndim);
    tg__operand(&ops[1], indices, values->ndim);
    tg__operand(&ops[2], a, values->ndim);
    max_ctx c = {a->dtype, a->shape[dim], a->strides[dim] * (int64_t)tg__dtype_size(a->dtype), largest, NULL};
    const tg_vec_table *vec = tg__vec_table();
    if (vec && a->dtype == TG_F32 && c.stride == (int64_t)sizeof(float)) c.vec_arg = vec->arg_extreme_f32;
    tg__iter_run_split(ops, 3, values->shape, values->ndim, max_loop, &c);
}

void tg__k_max_dim(tg_tensor *values, tg_tensor *indices, const tg_tensor *a, int dim)
{
    extreme_dim(values, indices, a, dim, true);
}

void tg__k_min_dim(tg_tensor *values, tg_tensor *indices, const tg_tensor *a, int dim)
{
    extreme_dim(values, indices, a, dim, false);
}

typedef struct others_ctx { tg_dtype dt; int64_t len, out_stride, a_stride; } others_ctx;

static double rounded(double v, tg_dtype dt)
{
    if (dt == TG_F64) return v;
    char in_dt[8];   /* float16 and bfloat16 round too */
    tg__store(in_dt, dt, v);
    return tg__load(in_dt, dt);
}

/* d[0] the start of the output run along dim, d[1] the input's. As
   PyTorch's cumprods: products accumulate in double and are stored in the
   dtype, then multiplied in it. */
static void others_loop(char **d, const int64_t *s, int64_t n, void *vctx)
{
    const others_ctx *c = vctx;
    for (int64_t i = 0; i < n; i++) {
        char *o = d[0] + i * s[0];
        const char *p = d[1] + i * s[1];
        double left = 1;
        for (int64_t k = 0; k < c->len; k++) {
            tg__store(o + k * c->out_stride, c->dt, left);
            left *= tg__load(p + k * c->a_stride, c->dt);
        }
        double right = 1;
        for (int64_t k = c->len - 1; k >= 0; k--) {
            char *q = o + k * c->out_stride;
            tg__store(q, c->dt, tg__load(q, c->dt) * rounded(right, c->dt));
            right *= tg__load(p + k * c->a_stride, c->dt);
        }
    }
}

/* others_loop for complex runs: products in complex128, each stored in
   the dtype before the right-hand product multiplies it. */
static void complex_others_loop(char **d, const int64_t *s, int64_t n, void *vctx)
{
    const others_ctx *c = vctx;
    for (int64_t i = 0; i < n; i++) {
        char *o = d[0] + i * s[0];
        const char *p = d[1] + i * s[1];
        double _Complex left = 1;
        for (int64_t k = 0; k < c->len; k++) {
            tg__k_store_complex(o + k * c->out_stride, c->dt, left);
            left = tg__k_complex_mul(left, tg__k_load_complex(p + k * c->a_stride, c->dt));
        }
        double _Complex right = 1;
        for (int64_t k = c->len - 1; k >= 0; k--) {
            char *q = o + k * c->out_stride;
            tg__k_store_complex(q, c->dt, tg__k_complex_mul(tg__k_load_complex(q, c->dt), right));
            right = tg__k_complex_mul(right, tg__k_load_complex(p + k * c->a_stride, c->dt));
        }
    }
}

void tg__k_prod_others(tg_tensor *out, const tg_tensor *a, int dim)
{
    int64_t es = (int64_t)tg__dtype_size(a->dtype);
    others_ctx c = {a->dtype, a->shape[dim], out->strides[dim] * es, a->strides[dim] * es};
    tg__k_runs(tg__is_complex(a->dtype) ? complex_others_loop : others_loop, &c, (const tg_tensor *[]){out, a}, 2, dim);
}
