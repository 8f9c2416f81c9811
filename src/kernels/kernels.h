/* The kernels layer: loops over strided memory. Kernels see tensors' bytes
   and geometry (the core), never a node or a gradient, allocate nothing
   but scratch space, and do not check their arguments: the operations
   above them have. */
#ifndef TG_KERNELS_H
#define TG_KERNELS_H

#include "../core/core.h"
#include "../core/pool.h"

/* On a plain x86-64 build fma() is a call into libm per element; a loop
   marked TG_FMA_LOOP is compiled twice, the second time for CPUs with FMA
   (where fma is one instruction), and the loader picks the one the CPU
   runs. The result is the same: fma rounds once either way. Not under
   AddressSanitizer or ThreadSanitizer: the loader runs the picking code
   before their runtimes start, and their instrumentation of it crashes. */
#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define TG_NO_IFUNC
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define TG_NO_IFUNC
#endif
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__FMA__) && !defined(TG_NO_IFUNC)
#define TG_FMA_LOOP __attribute__((target_clones("fma", "default")))
#else
#define TG_FMA_LOOP
#endif

/* Strided iteration over same-shaped operands (operand 0 is the output).
   The loop gets each operand's pointer and byte stride along the innermost
   (coalesced) dimension. */
typedef void (*tg_loop_fn)(char **data, const int64_t *strides, int64_t n, void *ctx);
typedef struct tg_iter_operand {
    char *data;
    int64_t strides[TG_MAX_DIMS];   /* bytes, aligned to the iteration shape */
} tg_iter_operand;
void tg__iter_run(tg_iter_operand *ops, int nops, const int64_t *shape, int ndim,
                  tg_loop_fn fn, void *ctx);
/* The same, split across the pool's threads above TG_GRAIN_SIZE elements
   (Note [Splitting] in iter.c), for loops whose calls are independent:
   each writes only the output elements of its run, and keeps nothing in
   ctx. Runs on one thread when operand 0 repeats an element (stride 0) or
   partly overlaps another operand. */
void tg__iter_run_split(tg_iter_operand *ops, int nops, const int64_t *shape, int ndim, tg_loop_fn fn, void *ctx);
/* The same for a reduction: operand 0 accumulates, with stride 0 along
   the dims reduced. Split across the threads along a dim where operand 0
   does not repeat, after merging dims as tg__iter_run does, so that each
   of its elements gets the same calls in the same order however many
   threads there are. */
void tg__iter_run_reduce(tg_iter_operand *ops, int nops, const int64_t *shape, int ndim, tg_loop_fn fn, void *ctx);
/* An operand for t broadcast to an ndim-dim shape (stride 0 along broadcast dims). */
void tg__operand(tg_iter_operand *op, const tg_tensor *t, int ndim);

/* The elementwise kernels of elementwise.def. */
typedef enum tg_unary_kernel {
#define TG_UNARY(id, floating, integer) TG_UN_##id,
#define TG_UNARY_FLOAT(id, floating) TG_UN_##id,
#define TG_BINARY(id, result, floating, integer)
#define TG_BINARY_FLOAT(id, result, floating)
#include "elementwise.def"
    TG_UN_COUNT
} tg_unary_kernel;

typedef enum tg_binary_kernel {
#define TG_UNARY(id, floating, integer)
#define TG_UNARY_FLOAT(id, floating)
#define TG_BINARY(id, result, floating, integer) TG_BIN_##id,
#define TG_BINARY_FLOAT(id, result, floating) TG_BIN_##id,
#include "elementwise.def"
    TG_BIN_COUNT
} tg_binary_kernel;

/* Whether the kernel has an integer body (else integer inputs must be
   promoted to a floating dtype first). */
bool tg__k_unary_takes_integers(tg_unary_kernel k);
bool tg__k_binary_takes_integers(tg_binary_kernel k);
/* The dtype of a binary kernel's result on operands of dtype dt. */
tg_dtype tg__k_binary_result(tg_binary_kernel k, tg_dtype dt);
/* out = k(a), all of one dtype. */
void tg__k_unary(tg_unary_kernel k, tg_tensor *out, const tg_tensor *a);
/* out = k(a, b): a and b of one dtype, broadcast to out's shape; out of
   tg__k_binary_result's dtype. */
void tg__k_binary(tg_binary_kernel k, tg_tensor *out, const tg_tensor *a, const tg_tensor *b);

/* Complex tensors (complex.c). The loop of row k for complex dtype dt, or
   NULL when PyTorch has no complex kernel for it (tg__k_unary and
   tg__k_binary then must not be called with dt). */
tg_loop_fn tg__k_complex_unary_loop(tg_unary_kernel k, tg_dtype dt);
tg_loop_fn tg__k_complex_binary_loop(tg_binary_kernel k, tg_dtype dt);
/* re and im: t's real and imaginary parts as tensors of the real dtype
   over t's bytes, for kernels that treat the parts apart (sums). They own
   nothing and hold no reference; they live while t does. */
void tg__k_complex_parts(const tg_tensor *t, tg_tensor *re, tg_tensor *im);
/* out = abs, angle (real out) or conj (complex out) of complex a;
   out may be of any dtype, the value converted into it. */
typedef enum tg_complex_kernel { TG_CX_ABS, TG_CX_ANGLE, TG_CX_CONJ } tg_complex_kernel;
void tg__k_complex_unary(tg_complex_kernel k, tg_tensor *out, const tg_tensor *a);
/* out (complex) = a + b i, or a (cos b + i sin b) when polar; a and b of
   one floating dtype, broadcast to out's shape. */
void tg__k_complex_compose(bool polar, tg_tensor *out, const tg_tensor *a, const tg_tensor *b);
/* One element converted from src_dt to dst_dt, one of them complex: a
   real value gets a zero imaginary part, a real dtype the real part. */
void tg__k_complex_convert(char *dst, tg_dtype dst_dt, const char *src, tg_dtype src_dt);
/* One element of any dtype as a double complex, and back (a real dtype
   keeps the real part); products and quotients as c10::complex computes
   them ((ac - bd) + (ad + bc) i, unscaled), for the complex loops of the
   scans, products and ternary kernels. */
double _Complex tg__k_load_complex(const char *p, tg_dtype dt);
void tg__k_store_complex(char *p, tg_dtype dt, double _Complex v);
double _Complex tg__k_complex_mul(double _Complex a, double _Complex b);
double _Complex tg__k_complex_div(double _Complex a, double _Complex b);
/* out (a's rank, size 1 along the reduced dims) = the product of complex
   a over those dims, accumulated in complex128. -1: out of memory. */
int tg__k_complex_prod(tg_tensor *out, const tg_tensor *a);

/* dst (any strides) = src broadcast to dst's shape, converting dtypes. */
void tg__copy_into(tg_tensor *dst, const tg_tensor *src);
void tg__k_fill(tg_tensor *t, double v);
/* out = cond ? a : b, with a, b and out of one dtype and cond bool. */
void tg__k_where(tg_tensor *out, const tg_tensor *cond, const tg_tensor *a, const tg_tensor *b);
/* out[...] = sum of a over the dims where out has size 1 and a does not
   (out has a's rank). Accumulates in double (int64 for integers) in a
   buffer of its own: 0, or -1 when that cannot be allocated. */
int tg__k_sum_to(tg_tensor *out, const tg_tensor *a);
/* values/indices (a's rank, size 1 along dim) = max of a along dim. */
void tg__k_max_dim(tg_tensor *values, tg_tensor *indices, const tg_tensor *a, int dim);
/* c[b] = a[b] @ m[b]: c (B, M, N) with rows of unit stride (a batch and
   a row stride of its own, at least N), a (B, M, K) and m (B, K, N) with
   any strides, all of one dtype. */
void tg__k_bmm(tg_tensor *c, const tg_tensor *a, const tg_tensor *m);
/* c[b] += a[b] @ m[b], the same operands. */
void tg__k_bmm_add(tg_tensor *c, const tg_tensor *a, const tg_tensor *m);

/* elementwise functions and activations */
/* The inverse error function as PyTorch computes it (special.c), in a's
   type. */
float tg__erfinvf(float y);
double tg__erfinv(double y);
#define TG_ERFINV(a) _Generic((a), float: tg__erfinvf, default: tg__erfinv)(a)
/* The constant c in the type of a; min(max(u, 0), 6) with NaN kept, as
   PyTorch's std::min and std::max keep it. */
#define TG_K(a, c) ((__typeof__(a))(c))
#define TG_RELU6(u) ((u) < 0 ? 0 : 6 < (u) ? 6 : (u))
/* 1 - u u rounded once, as fma(-u, u, 1). For a float through double, which
   holds u u exactly: rounding its 1 - u u to float gives fmaf's result for
   every float (checked exhaustively), and the loop still vectorizes where
   the machine has no fma instruction. */
#define TG_ONE_MINUS_SQUARE(u) _Generic((u), float: (float)(1 - (double)(u) * (u)), default: fma(-(u), (u), 1.0))
/* The fused backward bodies that name a value more than once: PyTorch's
   CPU kernels gelu_backward (tanh form), silu_backward and mish_backward
   for upstream gradient dy and input x, in their order, with the
   multiply-adds PyTorch's build fuses written as fma (whose constants are
   in x's type, lest <tgmath.h> pick the double fma for a float). */
#define TG_GELU_TANH_BACKWARD(dy, x) __extension__({                                \
        __typeof__(x) x_ = (x), kb_ = TG_K(x_, M_SQRT2 * M_2_SQRTPI * 0.5), kk_ = TG_K(x_, 0.044715); \
        __typeof__(x) sq_ = x_ * x_;                                                \
        __typeof__(x) t_ = tanh(kb_ * fma(kk_, sq_ * x_, x_));                      \
        __typeof__(x) slope_ = kb_ * fma(TG_K(x_, 3) * kk_, sq_, TG_K(x_, 1));      \
        (dy) * (TG_K(x_, 0.5) * (1 + t_) + TG_K(x_, 0.5) * x_ * TG_ONE_MINUS_SQUARE(t_) * slope_); \
    })
#define TG_SILU_BACKWARD(dy, x) __extension__({                                     \
        __typeof__(x) x_ = (x), s_ = 1 / (1 + exp(-x_));                            \
        (dy) * s_ * fma(x_, 1 - s_, TG_K(x_, 1));                                   \
    })
#define TG_MISH_BACKWARD(dy, x) __extension__({                                     \
        __typeof__(x) x_ = (x), s_ = 1 / (1 + exp(-x_)), t_ = tanh(log1p(exp(x_))); \
        (dy) * fma(x_ * s_, TG_ONE_MINUS_SQUARE(t_), t_);                           \
    })

/* reductions, sorting and scans */
typedef enum tg_reduce_op { TG_RED_MAX, TG_RED_MIN, TG_RED_PROD, TG_RED_ALL, TG_RED_ANY, TG_RED_SUM } tg_reduce_op;
/* out (a's rank, size 1 along the reduced dims) = op of a over those dims,
   accumulated as tg__k_sum_to does (which TG_RED_SUM is; max and min propagate NaN; all and any
   give 0 or 1); 0, or -1 when the accumulator cannot be allocated. */
int tg__k_reduce(tg_reduce_op op, tg_tensor *out, const tg_tensor *a);
/* tg__k_max_dim's twin for the minimum. */
void tg__k_min_dim(tg_tensor *values, tg_tensor *indices, const tg_tensor *a, int dim);
/* out (a's shape and dtype, floating) = the product of the other elements
   of a's run along dim: the exclusive product from the left times the one
   from the right, as PyTorch's prod backward computes it with zeros. */
void tg__k_prod_others(tg_tensor *out, const tg_tensor *a, int dim);
/* Runs fn once per run along dim of ts (n <= 4 tensors of one rank, alike
   but along dim; ts[0] gives the other dims' sizes): each operand's
   pointer is the start of its run, and ctx says how to step along dim. */
void tg__k_runs(tg_loop_fn fn, void *ctx, const tg_tensor *const *ts, int n, int dim);
/* values and indices (a's shape along dim, or its first k when topk) = a's
   run along dim sorted, stably: ascending with NaN last, or descending with
   NaN first. 0, or -1 when its scratch space cannot be allocated. */
int tg__k_sort(tg_tensor *values, tg_tensor *indices, const tg_tensor *a, int dim, bool descending);
/* out (a's shape; a's dtype, or TG_I64 for integers) = the cumulative sum
   (product when prod) of a along dim. */
void tg__k_scan(bool prod, tg_tensor *out, const tg_tensor *a, int dim);
/* out = the gradient of cumprod(x) along dim for upstream g (x's shape and
   dtype, floating), exact with zeros. */
void tg__k_cumprod_grad(tg_tensor *out, const tg_tensor *x, const tg_tensor *g, int dim);

/* indexing */

/* Whether every element of index (TG_I64 or TG_I32) lies in [0, size);
   if not, *first_bad is the first that does not, in row-major order. */
bool tg__k_index_in_bounds(const tg_tensor *index, int64_t size, int64_t *first_bad);
/* For every position p of index's shape (self, index and other all of
   index's rank, self and other of one dtype, indices in bounds), with q
   being p whose coordinate along dim is index[p]: gather other[p] =
   self[q]; scatter self[q] = other[p]; scatter_add self[q] += other[p];
   scatter_mul self[q] *= other[p]; scatter_max and scatter_min
   self[q] = max (min) of self[q] and other[p], NaN if either is. */
typedef enum tg_index_mode {
    TG_GATHER, TG_SCATTER, TG_SCATTER_ADD, TG_SCATTER_MUL, TG_SCATTER_MAX, TG_SCATTER_MIN
} tg_index_mode;
void tg__k_scatter_gather(tg_index_mode mode, tg_tensor *self, int dim, const tg_tensor *index, tg_tensor *other);
/* t (contiguous) /= count (TG_I64, contiguous, t's shape), a count of 0
   taken as 1: floating t divides, integer t divides rounding down. */
void tg__k_divide_by_counts(tg_tensor *t, const tg_tensor *count);
/* Over t and mask (TG_BOOL) broadcast to shape, in row-major order: the
   elements of t where mask is true go to the contiguous array packed, one
   after another (scatter: come from it, into t). A NULL packed only counts
   them. Returns their count. */
int64_t tg__k_masked(bool scatter, tg_tensor *t, const tg_tensor *mask, const int64_t *shape, int ndim, char *packed);
/* Advanced indexing (ops/advanced_index.c). An index (TG_I64 or TG_I32)
   is read broadcast to the result's shape, and may be negative (counted
   from the end of its dim). first_bad: the row-major position of index's
   first element outside [-size, size) (its value to *bad), or -1.
   offsets (TG_I64, the result's shape) += each element, wrapped, times
   stride (in bytes). gather: out = the element of src (a view of self with
   the result's shape, stride 0 along the indexed dims) at each offset; put
   writes values (broadcast) there instead, or adds them when accumulate.
   nonzero: the coordinates of mask's true elements, in row-major order,
   into coords (TG_I64, contiguous, (count, mask's rank)). */
int64_t tg__k_index_first_bad(const tg_tensor *index, const int64_t *shape, int ndim, int64_t size, int64_t *bad);
void tg__k_index_offsets(tg_tensor *offsets, const tg_tensor *index, int64_t size, int64_t stride);
void tg__k_index_gather(tg_tensor *out, const tg_tensor *src, const tg_tensor *offsets);
void tg__k_index_put(tg_tensor *dst, const tg_tensor *values, const tg_tensor *offsets, bool accumulate);
void tg__k_nonzero(tg_tensor *coords, const tg_tensor *mask);

/* pointwise binary operations, comparisons and clamp */

/* out = k(a, b, c) with a number v (ternary.c): lerp a + c (b - a),
   addcmul a + v b c, addcdiv a + v b / c. a, b and c of out's dtype,
   broadcast to its shape; integers only for addcmul, bool for none. */
typedef enum tg_ternary_kernel { TG_TER_LERP, TG_TER_ADDCMUL, TG_TER_ADDCDIV } tg_ternary_kernel;
void tg__k_ternary(tg_ternary_kernel k, tg_tensor *out, const tg_tensor *a, const tg_tensor *b, const tg_tensor *c,
                   double v);

/* pooling, padding and resampling */

/* One dim of a separable resampling: output index o reads the taps input
   indices index[o * taps + k] with weights weight[o * taps + k]. */
typedef struct tg_plan_axis {
    int64_t in_size, out_size, taps;
    const int64_t *index;
    const double *weight;
} tg_plan_axis;
/* A resampling plan (ops/resample.c): each of out_size output positions
   reads `taps` of the in_size input positions (index, out_size * taps; a
   tap of index in_size reads nothing), weighted (weight NULL: a plain copy
   of one tap, `fill` where it reads nothing), and divides the weighted sum
   by each of its n_div divisors in turn (divisor, out_size * n_div). A
   nested plan is computed instead dim by dim from its axes, as PyTorch's
   interpolation kernels nest their sums: out = sum over the first dim's
   taps of weight * (the same sum over the other dims). */
typedef struct tg_plan {
    int64_t in_size, out_size, taps;
    const int64_t *index;
    const double *weight;
    const double *divisor;
    int n_div;
    double fill;
    bool nested;
    int n_axes;
    tg_plan_axis axis[3];
} tg_plan;
/* out (B, out_size) = the plan over in (B, in_size), both contiguous and
   of one dtype; integers sum exactly and divide rounding toward zero. */
void tg__k_resample(tg_tensor *out, const tg_tensor *in, const tg_plan *p);
/* out (B, out_size) = the largest value among each output's taps, and
   indices (TG_I64, B x out_size) its input position: taps are read in
   order and one replaces the maximum when greater or NaN (PyTorch's rule:
   the last NaN wins); with no greater value the first tap read. Floating
   dtypes. */
void tg__k_resample_max(tg_tensor *out, tg_tensor *indices, const tg_tensor *in, const tg_plan *p);

/* nn: convolution, unfold and fold (im2col.c) */
/* The sliding blocks over a (channels, in[0], in[1]) image: kernel, dilation,
   padding and stride per dim, and the grid of out[0] x out[1] blocks (the
   caller computes it; positions outside the image read as zeros). */
typedef struct tg_blocks {
    int64_t channels, in[2], kernel[2], dilation[2], padding[2], stride[2], out[2];
} tg_blocks;
/* cols (channels * kernel[0] * kernel[1], out[0] * out[1]), contiguous =
   each block of image (channels, in[0], in[1], any strides) as a column. */
void tg__k_im2col(tg_tensor *cols, const tg_tensor *image, const tg_blocks *b);
/* The same for the blocks of rows [first, end) of the grid only: cols
   (channels * kernel[0] * kernel[1], (end - first) * out[1]), contiguous. */
void tg__k_im2col_rows(tg_tensor *cols, const tg_tensor *image, const tg_blocks *b, int64_t first, int64_t end);
/* image (contiguous, of cols' dtype) = the sum of the columns of cols (any
   strides) at the positions they were read from: im2col's adjoint. */
void tg__k_col2im(tg_tensor *image, const tg_tensor *cols, const tg_blocks *b);
/* image += the columns of the blocks of rows [first, end) only, cols as
   tg__k_im2col_rows makes them (any strides). */
void tg__k_col2im_rows(tg_tensor *image, const tg_tensor *cols, const tg_blocks *b, int64_t first, int64_t end);

/* softmax (log_form: log_softmax) along the last dim of rows rows of n
   contiguous elements of x (TG_F32 or TG_F64) into y (softmax.c). */
void tg__k_softmax_rows(const void *x, void *y, tg_dtype dt, int64_t rows, int64_t n, bool log_form);
/* Their gradient along the last dim from g, the gradient of their result y
   (both contiguous, dt), into out. */
void tg__k_softmax_backward_rows(const void *g, const void *y, void *out, tg_dtype dt, int64_t rows, int64_t n,
                                 bool log_form);

/* normalisation (norm.c): rows computed in PyTorch's order of operations,
   so that f32 results are PyTorch's to the bit */
/* Both compute each row's mean and variance as PyTorch's RowwiseMoments
   does: Welford's algorithm over vector lanes, merged by a cascade, in the
   element type (TG_F32 or TG_F64).

   layer_norm's rows: for each of the rows rows of n elements of x
   (contiguous, dt), mean and rstd = 1 / sqrt(var + eps) in dt, then
   y = (x * rstd - rstd * mean) * w + b (w, b of n elements, may be NULL). */
void tg__k_layer_norm_rows(const void *x, const void *w, const void *b, void *y, tg_dtype dt, int64_t rows,
                         int64_t n, double eps);

/* group_norm over x (contiguous, dt) of batch x channels x inner elements
   in groups of channels / groups channels: per (sample, group), mean and
   rstd = 1 / sqrt(max(var, 0) + eps) in dt, then per channel c
   y = x * (rstd w[c]) + (b[c] - rstd w[c] mean) (w, b may be NULL). */
void tg__k_group_norm_rows(const void *x, const void *w, const void *b, void *y, tg_dtype dt, int64_t batch,
                         int64_t channels, int64_t inner, int64_t groups, double eps);

/* batch_norm over x (contiguous (batch, channels, image), dt), in
   PyTorch's order of operations: each channel's mean, sum of squared
   deviations and 1 / sqrt(biased var + eps) in training; in evaluation
   invstd from the running variance (contiguous); the output
   y = x alpha + beta per channel (alpha = invstd w, beta = b - mean
   alpha; w, b may be NULL); and the update of the running statistics
   (either may be NULL; written with their element strides) with the
   unbiased variance of count elements. */
void tg__k_batch_norm_stats(const void *x, tg_dtype dt, int64_t batch, int64_t channels, int64_t image, double eps,
                          void *mean, void *var_sum, void *invstd);
void tg__k_batch_norm_eval_invstd(const void *running_var, tg_dtype dt, int64_t channels, double eps, void *invstd);
void tg__k_batch_norm_apply(const void *x, const void *mean, const void *invstd, const void *w, const void *b, void *y,
                          tg_dtype dt, int64_t batch, int64_t channels, int64_t image);
void tg__k_batch_norm_update(const void *mean, const void *var_sum, tg_dtype dt, int64_t channels, int64_t count,
                           double momentum, void *running_mean, int64_t mean_stride, void *running_var,
                           int64_t var_stride);

/* The same of a channels-last x, stored as (batch, inner, channels), in
   the order of PyTorch's channels-last kernel (each channel's sums of x
   and x^2 over the positions, the variance E[x^2] - E[x]^2); y laid out
   alike. 0, or -1 when out of memory (its sums' buffer). */
int tg__k_group_norm_channels_last(const void *x, const void *w, const void *b, void *y, tg_dtype dt, int64_t batch,
                                 int64_t channels, int64_t inner, int64_t groups, double eps);

#endif
