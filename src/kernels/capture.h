/* The kernels' thunks (capture.c, Note [Capture] in core/capture.c): each
   kernel entry, while its thread records (tg__capture_on), hands its call
   to its tg__cap_ twin here, which records the call on the tape and runs
   it with recording paused. The same arguments as the kernel's. */
#ifndef TG_KERNELS_CAPTURE_H
#define TG_KERNELS_CAPTURE_H

/* A kernel entry's first line: hands the call to its thunk while recording. */
#define TG_CAPTURED(call) do { if (tg__capture_on()) { call; return; } } while (0)
#define TG_CAPTURED_RETURN(call) do { if (tg__capture_on()) return call; } while (0)

void tg__cap_unary(tg_unary_kernel k, tg_tensor *out, const tg_tensor *a);
void tg__cap_binary(tg_binary_kernel k, tg_tensor *out, const tg_tensor *a, const tg_tensor *b);
void tg__cap_complex_unary(tg_complex_kernel k, tg_tensor *out, const tg_tensor *a);
void tg__cap_complex_compose(bool polar, tg_tensor *out, const tg_tensor *a, const tg_tensor *b);
void tg__cap_copy_into(tg_tensor *dst, const tg_tensor *src);
void tg__cap_fill(tg_tensor *t, double v);
void tg__cap_where(tg_tensor *out, const tg_tensor *cond, const tg_tensor *a, const tg_tensor *b);
int tg__cap_sum_to(tg_tensor *out, const tg_tensor *a);
int tg__cap_reduce(tg_reduce_op op, tg_tensor *out, const tg_tensor *a);
void tg__cap_extreme_dim(bool max, tg_tensor *values, tg_tensor *indices, const tg_tensor *a, int dim);
void tg__cap_bmm(bool add, tg_tensor *c, const tg_tensor *a, const tg_tensor *m);
void tg__cap_prod_others(tg_tensor *out, const tg_tensor *a, int dim);
int tg__cap_sort(tg_tensor *values, tg_tensor *indices, const tg_tensor *a, int dim, bool descending);
void tg__cap_scan(bool prod, tg_tensor *out, const tg_tensor *a, int dim);
void tg__cap_cumprod_grad(tg_tensor *out, const tg_tensor *x, const tg_tensor *g, int dim);
bool tg__cap_index_in_bounds(const tg_tensor *index, int64_t size, int64_t *first_bad);
int64_t tg__cap_index_first_bad(const tg_tensor *index, const int64_t *shape, int ndim, int64_t size, int64_t *bad);
void tg__cap_scatter_gather(tg_index_mode mode, tg_tensor *self, int dim, const tg_tensor *index, tg_tensor *other);
void tg__cap_divide_by_counts(tg_tensor *t, const tg_tensor *count);
void tg__cap_index_offsets(tg_tensor *offsets, const tg_tensor *index, int64_t size, int64_t stride);
void tg__cap_index_gather(tg_tensor *out, const tg_tensor *src, const tg_tensor *offsets);
void tg__cap_index_put(tg_tensor *dst, const tg_tensor *values, const tg_tensor *offsets, bool accumulate);
void tg__cap_ternary(tg_ternary_kernel k, tg_tensor *out, const tg_tensor *a, const tg_tensor *b, const tg_tensor *c,
                     double v);
void tg__cap_resample(tg_tensor *out, tg_tensor *indices, const tg_tensor *in, const tg_plan *p);
void tg__cap_im2col(bool rows, tg_tensor *cols, const tg_tensor *image, const tg_blocks *b, int64_t first, int64_t end);
void tg__cap_col2im(bool rows, tg_tensor *image, const tg_tensor *cols, const tg_blocks *b, int64_t first, int64_t end);
void tg__cap_softmax_rows(const void *x, void *y, tg_dtype dt, int64_t rows, int64_t n, bool log_form);
void tg__cap_softmax_backward_rows(const void *g, const void *y, void *out, tg_dtype dt, int64_t rows, int64_t n,
                                   bool log_form);
void tg__cap_layer_norm_rows(const void *x, const void *w, const void *b, void *y, tg_dtype dt, int64_t rows,
                             int64_t n, double eps);
void tg__cap_group_norm_rows(const void *x, const void *w, const void *b, void *y, tg_dtype dt, int64_t batch,
                             int64_t channels, int64_t inner, int64_t groups, double eps);
int tg__cap_group_norm_channels_last(const void *x, const void *w, const void *b, void *y, tg_dtype dt,
                                     int64_t batch, int64_t channels, int64_t inner, int64_t groups, double eps);
void tg__cap_batch_norm_stats(const void *x, tg_dtype dt, int64_t batch, int64_t channels, int64_t image, double eps,
                              void *mean, void *var_sum, void *invstd);
void tg__cap_batch_norm_eval_invstd(const void *running_var, tg_dtype dt, int64_t channels, double eps, void *invstd);
void tg__cap_batch_norm_apply(const void *x, const void *mean, const void *invstd, const void *w, const void *b,
                              void *y, tg_dtype dt, int64_t batch, int64_t channels, int64_t image);
void tg__cap_batch_norm_update(const void *mean, const void *var_sum, tg_dtype dt, int64_t channels, int64_t count,
                               double momentum, void *running_mean, int64_t mean_stride, void *running_var,
                               int64_t var_stride);

#endif
