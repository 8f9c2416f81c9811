/* The kernels' thunks: each records its kernel's call on the capture's
   tape and runs it with recording paused (Note [Capture] in
   core/capture.c). A tensor operand is copied with tg__capture_tensor; a
   pointer to bytes (the row kernels') points into a storage the capture or
   the user holds; plans and block geometries are copied. */
#include "kernels.h"

#define ARGS(name, ...) typedef struct name##_args { __VA_ARGS__; } name##_args
#define RUN(name, call) static int name##_run(void *p) { name##_args *a = p; call; return 0; }
#define RECORD(name) name##_args *a = tg__capture_thunk(name##_run, sizeof *a, false)
#define SNAP(field, src) tg__capture_tensor(&a->field, src)
#define T(field) (&a->field.t)
#define OPT(field) (a->field.t.storage ? &a->field.t : NULL)
#define PAUSED(stmt) do { tg_capture *paused_ = tg__capture_pause(); stmt; tg__capture_resume(paused_); } while (0)

ARGS(unary, tg_unary_kernel k; tg_captured out, a);
RUN(unary, tg__k_unary(a->k, T(out), T(a)))
void tg__cap_unary(tg_unary_kernel k, tg_tensor *out, const tg_tensor *x)
{
    RECORD(unary);
    if (a) { a->k = k; SNAP(out, out); SNAP(a, x); }
    PAUSED(tg__k_unary(k, out, x));
}

ARGS(binary, tg_binary_kernel k; tg_captured out, a, b);
RUN(binary, tg__k_binary(a->k, T(out), T(a), T(b)))
void tg__cap_binary(tg_binary_kernel k, tg_tensor *out, const tg_tensor *x, const tg_tensor *y)
{
    RECORD(binary);
    if (a) { a->k = k; SNAP(out, out); SNAP(a, x); SNAP(b, y); }
    PAUSED(tg__k_binary(k, out, x, y));
}

ARGS(complex_unary, tg_complex_kernel k; tg_captured out, a);
RUN(complex_unary, tg__k_complex_unary(a->k, T(out), T(a)))
void tg__cap_complex_unary(tg_complex_kernel k, tg_tensor *out, const tg_tensor *x)
{
    RECORD(complex_unary);
    if (a) { a->k = k; SNAP(out, out); SNAP(a, x); }
    PAUSED(tg__k_complex_unary(k, out, x));
}

ARGS(complex_compose, bool polar; tg_captured out, a, b);
RUN(complex_compose, tg__k_complex_compose(a->polar, T(out), T(a), T(b)))
void tg__cap_complex_compose(bool polar, tg_tensor *out, const tg_tensor *x, const tg_tensor *y)
{
    RECORD(complex_compose);
    if (a) { a->polar = polar; SNAP(out, out); SNAP(a, x); SNAP(b, y); }
    PAUSED(tg__k_complex_compose(polar, out, x, y));
}

ARGS(copy_into, tg_captured dst, src);
RUN(copy_into, tg__copy_into(T(dst), T(src)))
void tg__cap_copy_into(tg_tensor *dst, const tg_tensor *src)
{
    RECORD(copy_into);
    if (a) { SNAP(dst, dst); SNAP(src, src); }
    PAUSED(tg__copy_into(dst, src));
}

ARGS(fill, tg_captured t; double v);
RUN(fill, tg__k_fill(T(t), a->v))
void tg__cap_fill(tg_tensor *t, double v)
{
    RECORD(fill);
    if (a) { SNAP(t, t); a->v = v; }
    PAUSED(tg__k_fill(t, v));
}

ARGS(where, tg_captured out, cond, a, b);
RUN(where, tg__k_where(T(out), T(cond), T(a), T(b)))
void tg__cap_where(tg_tensor *out, const tg_tensor *cond, const tg_tensor *x, const tg_tensor *y)
{
    RECORD(where);
    if (a) { SNAP(out, out); SNAP(cond, cond); SNAP(a, x); SNAP(b, y); }
    PAUSED(tg__k_where(out, cond, x, y));
}

ARGS(sum_to, tg_captured out, a);
static int sum_to_run(void *p) { sum_to_args *a = p; return tg__k_sum_to(T(out), T(a)); }
int tg__cap_sum_to(tg_tensor *out, const tg_tensor *x)
{
    RECORD(sum_to);
    if (a) { SNAP(out, out); SNAP(a, x); }
    int rc;
    PAUSED(rc = tg__k_sum_to(out, x));
    return rc;
}

ARGS(reduce, tg_reduce_op op; tg_captured out, a);
static int reduce_run(void *p) { reduce_args *a = p; return tg__k_reduce(a->op, T(out), T(a)); }
int tg__cap_reduce(tg_reduce_op op, tg_tensor *out, const tg_tensor *x)
{
    RECORD(reduce);
    if (a) { a->op = op; SNAP(out, out); SNAP(a, x); }
    int rc;
    PAUSED(rc = tg__k_reduce(op, out, x));
    return rc;
}

ARGS(extreme_dim, bool max; int dim; tg_captured values, indices, a);
static int extreme_dim_run(void *p)
{
    extreme_dim_args *a = p;
    (a->max ? tg__k_max_dim : tg__k_min_dim)(T(values), OPT(indices), T(a), a->dim);
    return 0;
}
void tg__cap_extreme_dim(bool max, tg_tensor *values, tg_tensor *indices, const tg_tensor *x, int dim)
{
    RECORD(extreme_dim);
    if (a) { a->max = max; a->dim = dim; SNAP(values, values); SNAP(indices, indices); SNAP(a, x); }
    PAUSED((max ? tg__k_max_dim : tg__k_min_dim)(values, indices, x, dim));
}

ARGS(bmm, bool add; tg_captured c, a, m);
RUN(bmm, (a->add ? tg__k_bmm_add : tg__k_bmm)(T(c), T(a), T(m)))
void tg__cap_bmm(bool add, tg_tensor *c, const tg_tensor *x, const tg_tensor *m)
{
    RECORD(bmm);
    if (a) { a->add = add; SNAP(c, c); SNAP(a, x); SNAP(m, m); }
    PAUSED((add ? tg__k_bmm_add : tg__k_bmm)(c, x, m));
}

ARGS(prod_others, int dim; tg_captured out, a);
RUN(prod_others, tg__k_prod_others(T(out), T(a), a->dim))
void tg__cap_prod_others(tg_tensor *out, const tg_tensor *x, int dim)
{
    RECORD(prod_others);
    if (a) { a->dim = dim; SNAP(out, out); SNAP(a, x); }
    PAUSED(tg__k_prod_others(out, x, dim));
}

ARGS(sort, int dim; bool descending; tg_captured values, indices, a);
static int sort_run(void *p)
{
    sort_args *a = p;
    return tg__k_sort(T(values), OPT(indices), T(a), a->dim, a->descending);
}
int tg__cap_sort(tg_tensor *values, tg_tensor *indices, const tg_tensor *x, int dim, bool descending)
{
    RECORD(sort);
    if (a) { a->dim = dim; a->descending = descending; SNAP(values, values); SNAP(indices, indices); SNAP(a, x); }
    int rc;
    PAUSED(rc = tg__k_sort(values, indices, x, dim, descending));
    return rc;
}

ARGS(scan, bool prod; int dim; tg_captured out, a);
RUN(scan, tg__k_scan(a->prod, T(out), T(a), a->dim))
void tg__cap_scan(bool prod, tg_tensor *out, const tg_tensor *x, int dim)
{
    RECORD(scan);
    if (a) { a->prod = prod; a->dim = dim; SNAP(out, out); SNAP(a, x); }
    PAUSED(tg__k_scan(prod, out, x, dim));
}

ARGS(cumprod_grad, int dim; tg_captured out, x, g);
RUN(cumprod_grad, tg__k_cumprod_grad(T(out), T(x), T(g), a->dim))
void tg__cap_cumprod_grad(tg_tensor *out, const tg_tensor *x, const tg_tensor *g, int dim)
{
    RECORD(cumprod_grad);
    if (a) { a->dim = dim; SNAP(out, out); SNAP(x, x); SNAP(g, g); }
    PAUSED(tg__k_cumprod_grad(out, x, g, dim));
}

/* Bounds checks run again on every replay, before anything is written
   when the indices are the user's (a static input), else in their place;
   new indices out of range fail the replay with PyTorch's words for
   index_select and embedding. */
static void *record_check(tg_thunk_fn run, size_t size, const tg_tensor *index)
{
    return tg__capture_thunk(run, size, !tg__capture_owns(index->storage));
}

static int out_of_range(void) { return tg__faili(TG_E_INDEX, "index out of range in self"); }

ARGS(in_bounds, int64_t size; tg_captured index);
static int in_bounds_run(void *p)
{
    in_bounds_args *a = p;
    int64_t bad;
    return tg__k_index_in_bounds(T(index), a->size, &bad) ? 0 : out_of_range();
}
bool tg__cap_index_in_bounds(const tg_tensor *index, int64_t size, int64_t *first_bad)
{
    in_bounds_args *a = record_check(in_bounds_run, sizeof *a, index);
    if (a) { a->size = size; SNAP(index, index); }
    bool ok;
    PAUSED(ok = tg__k_index_in_bounds(index, size, first_bad));
    return ok;
}

ARGS(first_bad, int ndim; int64_t size; int64_t shape[TG_MAX_DIMS]; tg_captured index);
static int first_bad_run(void *p)
{
    first_bad_args *a = p;
    int64_t bad;
    return tg__k_index_first_bad(T(index), a->shape, a->ndim, a->size, &bad) < 0 ? 0 : out_of_range();
}
int64_t tg__cap_index_first_bad(const tg_tensor *index, const int64_t *shape, int ndim, int64_t size, int64_t *bad)
{
    first_bad_args *a = record_check(first_bad_run, sizeof *a, index);
    if (a) {
        a->ndim = ndim;
        a->size = size;
        for (int i = 0; i < ndim; i++) a->shape[i] = shape[i];
        SNAP(index, index);
    }
    int64_t at;
    PAUSED(at = tg__k_index_first_bad(index, shape, ndim, size, bad));
    return at;
}

ARGS(scatter_gather, tg_index_mode mode; int dim; tg_captured self, index, other);
RUN(scatter_gather, tg__k_scatter_gather(a->mode, T(self), a->dim, T(index), T(other)))
void tg__cap_scatter_gather(tg_index_mode mode, tg_tensor *self, int dim, const tg_tensor *index, tg_tensor *other)
{
    RECORD(scatter_gather);
    if (a) { a->mode = mode; a->dim = dim; SNAP(self, self); SNAP(index, index); SNAP(other, other); }
    PAUSED(tg__k_scatter_gather(mode, self, dim, index, other));
}

ARGS(divide_by_counts, tg_captured t, count);
RUN(divide_by_counts, tg__k_divide_by_counts(T(t), T(count)))
void tg__cap_divide_by_counts(tg_tensor *t, const tg_tensor *count)
{
    RECORD(divide_by_counts);
    if (a) { SNAP(t, t); SNAP(count, count); }
    PAUSED(tg__k_divide_by_counts(t, count));
}

ARGS(index_offsets, int64_t size, stride; tg_captured offsets, index);
RUN(index_offsets, tg__k_index_offsets(T(offsets), T(index), a->size, a->stride))
void tg__cap_index_offsets(tg_tensor *offsets, const tg_tensor *index, int64_t size, int64_t stride)
{
    RECORD(index_offsets);
    if (a) { a->size = size; a->stride = stride; SNAP(offsets, offsets); SNAP(index, index); }
    PAUSED(tg__k_index_offsets(offsets, index, size, stride));
}

ARGS(index_gather, tg_captured out, src, offsets);
RUN(index_gather, tg__k_index_gather(T(out), T(src), T(offsets)))
void tg__cap_index_gather(tg_tensor *out, const tg_tensor *src, const tg_tensor *offsets)
{
    RECORD(index_gather);
    if (a) { SNAP(out, out); SNAP(src, src); SNAP(offsets, offsets); }
    PAUSED(tg__k_index_gather(out, src, offsets));
}

ARGS(index_put, bool accumulate; tg_captured dst, values, offsets);
RUN(index_put, tg__k_index_put(T(dst), T(values), T(offsets), a->accumulate))
void tg__cap_index_put(tg_tensor *dst, const tg_tensor *values, const tg_tensor *offsets, bool accumulate)
{
    RECORD(index_put);
    if (a) { a->accumulate = accumulate; SNAP(dst, dst); SNAP(values, values); SNAP(offsets, offsets); }
    PAUSED(tg__k_index_put(dst, values, offsets, accumulate));
}

ARGS(ternary, tg_ternary_kernel k; double v; tg_captured out, a, b, c);
RUN(ternary, tg__k_ternary(a->k, T(out), T(a), T(b), T(c), a->v))
void tg__cap_ternary(tg_ternary_kernel k, tg_tensor *out, const tg_tensor *x, const tg_tensor *y, const tg_tensor *z,
                     double v)
{
    RECORD(ternary);
    if (a) { a->k = k; a->v = v; SNAP(out, out); SNAP(a, x); SNAP(b, y); SNAP(c, z); }
    PAUSED(tg__k_ternary(k, out, x, y, z, v));
}

/* The plan's arrays are tensors of the operation's (ops/resample.c), made
   while recording and so held by the capture. */
ARGS(resample, tg_plan plan; tg_captured out, indices, in);
static int resample_run(void *p)
{
    resample_args *a = p;
    if (a->indices.t.storage) tg__k_resample_max(T(out), T(indices), T(in), &a->plan);
    else tg__k_resample(T(out), T(in), &a->plan);
    return 0;
}
void tg__cap_resample(tg_tensor *out, tg_tensor *indices, const tg_tensor *in, const tg_plan *plan)
{
    RECORD(resample);
    if (a) { a->plan = *plan; SNAP(out, out); SNAP(indices, indices); SNAP(in, in); }
    PAUSED(indices ? tg__k_resample_max(out, indices, in, plan) : tg__k_resample(out, in, plan));
}

ARGS(blocks, bool rows; int64_t first, end; tg_blocks b; tg_captured to, from);
static int im2col_run(void *p)
{
    blocks_args *a = p;
    if (a->rows) tg__k_im2col_rows(T(to), T(from), &a->b, a->first, a->end);
    else tg__k_im2col(T(to), T(from), &a->b);
    return 0;
}
static int col2im_run(void *p)
{
    blocks_args *a = p;
    if (a->rows) tg__k_col2im_rows(T(to), T(from), &a->b, a->first, a->end);
    else tg__k_col2im(T(to), T(from), &a->b);
    return 0;
}
static void record_blocks(tg_thunk_fn run, bool rows, tg_tensor *to, const tg_tensor *from, const tg_blocks *b,
                          int64_t first, int64_t end)
{
    blocks_args *a = tg__capture_thunk(run, sizeof *a, false);
    if (a) { a->rows = rows; a->first = first; a->end = end; a->b = *b; SNAP(to, to); SNAP(from, from); }
}
void tg__cap_im2col(bool rows, tg_tensor *cols, const tg_tensor *image, const tg_blocks *b, int64_t first, int64_t end)
{
    record_blocks(im2col_run, rows, cols, image, b, first, end);
    PAUSED(rows ? tg__k_im2col_rows(cols, image, b, first, end) : tg__k_im2col(cols, image, b));
}
void tg__cap_col2im(bool rows, tg_tensor *image, const tg_tensor *cols, const tg_blocks *b, int64_t first, int64_t end)
{
    record_blocks(col2im_run, rows, image, cols, b, first, end);
    PAUSED(rows ? tg__k_col2im_rows(image, cols, b, first, end) : tg__k_col2im(image, cols, b));
}

/* The row kernels take bytes: pointers into storages the capture holds
   (made while recording) or the user's tensors, used in place. */
ARGS(softmax_rows, const void *x; void *y; tg_dtype dt; int64_t rows, n; bool log_form);
RUN(softmax_rows, tg__k_softmax_rows(a->x, a->y, a->dt, a->rows, a->n, a->log_form))
void tg__cap_softmax_rows(const void *x, void *y, tg_dtype dt, int64_t rows, int64_t n, bool log_form)
{
    RECORD(softmax_rows);
    if (a) *a = (softmax_rows_args){x, y, dt, rows, n, log_form};
    PAUSED(tg__k_softmax_rows(x, y, dt, rows, n, log_form));
}

ARGS(softmax_backward, const void *g, *y; void *out; tg_dtype dt; int64_t rows, n; bool log_form);
RUN(softmax_backward, tg__k_softmax_backward_rows(a->g, a->y, a->out, a->dt, a->rows, a->n, a->log_form))
void tg__cap_softmax_backward_rows(const void *g, const void *y, void *out, tg_dtype dt, int64_t rows, int64_t n,
                                   bool log_form)
{
    RECORD(softmax_backward);
    if (a) *a = (softmax_backward_args){g, y, out, dt, rows, n, log_form};
    PAUSED(tg__k_softmax_backward_rows(g, y, out, dt, rows, n, log_form));
}

ARGS(layer_norm, const void *x, *w, *b; void *y; tg_dtype dt; int64_t rows, n; double eps);
RUN(layer_norm, tg__k_layer_norm_rows(a->x, a->w, a->b, a->y, a->dt, a->rows, a->n, a->eps))
void tg__cap_layer_norm_rows(const void *x, const void *w, const void *b, void *y, tg_dtype dt, int64_t rows,
                             int64_t n, double eps)
{
    RECORD(layer_norm);
    if (a) *a = (layer_norm_args){x, w, b, y, dt, rows, n, eps};
    PAUSED(tg__k_layer_norm_rows(x, w, b, y, dt, rows, n, eps));
}

ARGS(group_norm, bool channels_last; const void *x, *w, *b; void *y; tg_dtype dt;
     int64_t batch, channels, inner, groups; double eps);
static int group_norm_run(void *p)
{
    group_norm_args *a = p;
    if (a->channels_last)
        return tg__k_group_norm_channels_last(a->x, a->w, a->b, a->y, a->dt, a->batch, a->channels, a->inner,
                                              a->groups, a->eps);
    tg__k_group_norm_rows(a->x, a->w, a->b, a->y, a->dt, a->batch, a->channels, a->inner, a->groups, a->eps);
    return 0;
}
void tg__cap_group_norm_rows(const void *x, const void *w, const void *b, void *y, tg_dtype dt, int64_t batch,
                             int64_t channels, int64_t inner, int64_t groups, double eps)
{
    RECORD(group_norm);
    if (a) *a = (group_norm_args){false, x, w, b, y, dt, batch, channels, inner, groups, eps};
    PAUSED(tg__k_group_norm_rows(x, w, b, y, dt, batch, channels, inner, groups, eps));
}
int tg__cap_group_norm_channels_last(const void *x, const void *w, const void *b, void *y, tg_dtype dt,
                                     int64_t batch, int64_t channels, int64_t inner, int64_t groups, double eps)
{
    RECORD(group_norm);
    if (a) *a = (group_norm_args){true, x, w, b, y, dt, batch, channels, inner, groups, eps};
    int rc;
    PAUSED(rc = tg__k_group_norm_channels_last(x, w, b, y, dt, batch, channels, inner, groups, eps));
    return rc;
}

ARGS(bn_stats, const void *x; tg_dtype dt; int64_t batch, channels, image; double eps; void *mean, *var_sum, *invstd);
RUN(bn_stats, tg__k_batch_norm_stats(a->x, a->dt, a->batch, a->channels, a->image, a->eps, a->mean, a->var_sum,
                                     a->invstd))
void tg__cap_batch_norm_stats(const void *x, tg_dtype dt, int64_t batch, int64_t channels, int64_t image, double eps,
                              void *mean, void *var_sum, void *invstd)
{
    RECORD(bn_stats);
    if (a) *a = (bn_stats_args){x, dt, batch, channels, image, eps, mean, var_sum, invstd};
    PAUSED(tg__k_batch_norm_stats(x, dt, batch, channels, image, eps, mean, var_sum, invstd));
}

ARGS(bn_invstd, const void *running_var; tg_dtype dt; int64_t channels; double eps; void *invstd);
RUN(bn_invstd, tg__k_batch_norm_eval_invstd(a->running_var, a->dt, a->channels, a->eps, a->invstd))
void tg__cap_batch_norm_eval_invstd(const void *running_var, tg_dtype dt, int64_t channels, double eps, void *invstd)
{
    RECORD(bn_invstd);
    if (a) *a = (bn_invstd_args){running_var, dt, channels, eps, invstd};
    PAUSED(tg__k_batch_norm_eval_invstd(running_var, dt, channels, eps, invstd));
}

ARGS(bn_apply, const void *x, *mean, *invstd, *w, *b; void *y; tg_dtype dt; int64_t batch, channels, image);
RUN(bn_apply, tg__k_batch_norm_apply(a->x, a->mean, a->invstd, a->w, a->b, a->y, a->dt, a->batch, a->channels,
                                     a->image))
void tg__cap_batch_norm_apply(const void *x, const void *mean, const void *invstd, const void *w, const void *b,
                              void *y, tg_dtype dt, int64_t batch, int64_t channels, int64_t image)
{
    RECORD(bn_apply);
    if (a) *a = (bn_apply_args){x, mean, invstd, w, b, y, dt, batch, channels, image};
    PAUSED(tg__k_batch_norm_apply(x, mean, invstd, w, b, y, dt, batch, channels, image));
}

ARGS(bn_update, const void *mean, *var_sum; tg_dtype dt; int64_t channels, count; double momentum;
     void *running_mean; int64_t mean_stride; void *running_var; int64_t var_stride);
RUN(bn_update, tg__k_batch_norm_update(a->mean, a->var_sum, a->dt, a->channels, a->count, a->momentum,
                                       a->running_mean, a->mean_stride, a->running_var, a->var_stride))
void tg__cap_batch_norm_update(const void *mean, const void *var_sum, tg_dtype dt, int64_t channels, int64_t count,
                               double momentum, void *running_mean, int64_t mean_stride, void *running_var,
                               int64_t var_stride)
{
    RECORD(bn_update);
    if (a) *a = (bn_update_args){mean, var_sum, dt, channels, count, momentum, running_mean, mean_stride, running_var,
                                 var_stride};
    PAUSED(tg__k_batch_norm_update(mean, var_sum, dt, channels, count, momentum, running_mean, mean_stride,
                                   running_var, var_stride));
}
