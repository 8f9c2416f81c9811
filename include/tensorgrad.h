/*
 * tensorgrad: tensors for C with PyTorch-style, define-by-run automatic
 * differentiation.
 *
 *     #include <tensorgrad.h>
 *
 *     tg_tensor *x = tg_ones(TG_SHAPE(2, 2), TG_F32);
 *     tg_requires_grad_(x, true);
 *     tg_tensor *y = tg_add_scalar(x, 2);
 *     tg_tensor *out = tg_mean(tg_mul_scalar(tg_mul(y, y), 3));
 *     tg_print(out);             // tensor(27., grad_fn=<MeanBackward0>)
 *     if (tg_backward(out, NULL) != 0) fprintf(stderr, "%s\n", tg_last_error());
 *     tg_print(tg_grad(x));      // tensor([[4.5000, 4.5000],
 *                                //         [4.5000, 4.5000]])
 *
 * Memory: every tensor a function returns belongs to the calling thread's
 * innermost open scope (tg_scope_begin / tg_scope_end), or to the thread's
 * root scope when none is open, so short programs free nothing by hand.
 *
 * Errors: a function that fails returns NULL (or -1) and records a per-thread
 * error (tg_last_error, tg_last_status). A tensor function given a NULL tensor
 * returns NULL and keeps the first error, so a whole expression can be
 * checked once at its end.
 *
 * The handle rule: every tensor pointer a function hands out stays valid
 * until the scope that owns it ends, whatever else happens to the tensor it
 * came from. tg_grad(x) stays readable after tg_zero_grad(x), a view after
 * its base is written, a result after its inputs are released; the pointer
 * is never the caller's to free (tg_retain takes a reference that outlives
 * the scope). Using a pointer after its scope ended is undefined, and is
 * reported as an error in debug mode (tg_scope_begin below).
 */
#ifndef TENSORGRAD_H
#define TENSORGRAD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The library is built with hidden visibility: what this header declares is
   all it exports. */
#if defined(__GNUC__) || defined(__clang__)
#pragma GCC visibility push(default)
#endif

/* ---------------------------------------------------------------- types */

typedef struct tg_tensor tg_tensor;
typedef struct tg_node tg_node;

/* torch.float32, float64, float16, bfloat16, complex64, complex128, int32,
   int64, bool, int8, uint8, int16. Type promotion is PyTorch's. */
typedef enum tg_dtype {
    TG_F32, TG_F64, TG_F16, TG_BF16, TG_C64, TG_C128, TG_I32, TG_I64, TG_BOOL,
    TG_I8, TG_U8, TG_I16
} tg_dtype;

typedef enum tg_status {
    TG_OK = 0,
    TG_E_NULL,               /* a NULL argument */
    TG_E_INVALID,            /* an argument out of its domain */
    TG_E_SHAPE,              /* shapes that do not fit together */
    TG_E_DTYPE,              /* a dtype the operation does not take */
    TG_E_INDEX,              /* a dimension or index out of range */
    TG_E_OOM,                /* an allocation failed */
    TG_E_VERSION,            /* a saved tensor was modified in place */
    TG_E_BACKWARD_TWICE,     /* backward through a freed graph */
    TG_E_AUTOGRAD,           /* any other autograd misuse */
    TG_E_SCOPE               /* a scope misused, or a tensor used after its scope ended */
} tg_status;

/* The most dimensions a tensor may have. */
#define TG_MAX_DIMS 16

/* TG_SHAPE(2, 3) expands to the two arguments `const int64_t *shape, int ndim`;
   TG_SHAPE() is the 0-dim (scalar) shape. */
#define TG_SHAPE(...) \
    ((const int64_t[]){0, __VA_ARGS__} + 1), \
    ((int)(sizeof((int64_t[]){0, __VA_ARGS__}) / sizeof(int64_t)) - 1)

/* ------------------------------------------------------------- creation */

tg_tensor *tg_empty(const int64_t *shape, int ndim, tg_dtype dtype);
tg_tensor *tg_zeros(const int64_t *shape, int ndim, tg_dtype dtype);
tg_tensor *tg_ones(const int64_t *shape, int ndim, tg_dtype dtype);
tg_tensor *tg_full(const int64_t *shape, int ndim, double value, tg_dtype dtype);
/* Copy `data` (row-major, one value per element of the shape). */
tg_tensor *tg_from_f32(const float *data, const int64_t *shape, int ndim);
tg_tensor *tg_from_f64(const double *data, const int64_t *shape, int ndim);
tg_tensor *tg_from_i64(const int64_t *data, const int64_t *shape, int ndim);
tg_tensor *tg_from_i32(const int32_t *data, const int64_t *shape, int ndim);
tg_tensor *tg_from_bool(const bool *data, const int64_t *shape, int ndim);
tg_tensor *tg_from_i8(const int8_t *data, const int64_t *shape, int ndim);
tg_tensor *tg_from_u8(const uint8_t *data, const int64_t *shape, int ndim);
tg_tensor *tg_from_i16(const int16_t *data, const int64_t *shape, int ndim);
/* A 0-dim TG_F32 tensor, like torch.tensor(v). */
tg_tensor *tg_scalar(double v);
/* Values start, start+step, ... below end (above it when step < 0). */
tg_tensor *tg_arange(double start, double end, double step, tg_dtype dtype);
/* Uniform on [0, 1) and standard normal, from one process-wide generator
   (its streams are not PyTorch's). */
tg_tensor *tg_rand(const int64_t *shape, int ndim, tg_dtype dtype);
tg_tensor *tg_randn(const int64_t *shape, int ndim, tg_dtype dtype);
void tg_manual_seed(uint64_t seed);

/* -------------------------------------------------------------- readers */

/* Readers given NULL set an error (keeping an earlier one) and return
   (tg_dtype)-1, -1, NULL or false. */
tg_dtype tg_dtype_of(const tg_tensor *t);
const char *tg_dtype_name(tg_dtype dtype);   /* "torch.float32", ... */
int tg_ndim(const tg_tensor *t);
const int64_t *tg_shape(const tg_tensor *t); /* tg_ndim(t) sizes */
const int64_t *tg_strides(const tg_tensor *t); /* in elements */
int64_t tg_numel(const tg_tensor *t);
bool tg_is_contiguous(const tg_tensor *t);
/* The value of a one-element tensor; NaN with an error otherwise. */
double tg_item(const tg_tensor *t);
/* Writes tg_numel(t) values in row-major order; 0, or -1 with an error. */
int tg_copy_to_f64(const tg_tensor *t, double *out);
/* The storage's version counter, bumped by every in-place operation. */
uint64_t tg_version(const tg_tensor *t);
/* The address of t's first element and the size of one element in bytes,
   as PyTorch's data_ptr() and element_size(): for handing a tensor's memory
   to other C code (MPI, file formats). Elements lie at the strides of
   tg_strides; writing through the pointer bypasses the version counter
   and autograd, as writes through PyTorch's data_ptr do. */
void *tg_data_ptr(const tg_tensor *t);
size_t tg_element_size(const tg_tensor *t);

/* ----------------------------------------------------------- operations */
/* Every operation returns a new tensor owned by the current scope, or NULL
   with an error. Binary operations broadcast and promote types as PyTorch. */

tg_tensor *tg_add(const tg_tensor *a, const tg_tensor *b);
tg_tensor *tg_sub(const tg_tensor *a, const tg_tensor *b);
tg_tensor *tg_mul(const tg_tensor *a, const tg_tensor *b);
tg_tensor *tg_div(const tg_tensor *a, const tg_tensor *b);
tg_tensor *tg_pow(const tg_tensor *a, const tg_tensor *b);
tg_tensor *tg_maximum(const tg_tensor *a, const tg_tensor *b);
tg_tensor *tg_minimum(const tg_tensor *a, const tg_tensor *b);
tg_tensor *tg_add_scalar(const tg_tensor *a, double s);   /* a + s */
tg_tensor *tg_sub_scalar(const tg_tensor *a, double s);   /* a - s */
tg_tensor *tg_mul_scalar(const tg_tensor *a, double s);   /* a * s */
tg_tensor *tg_div_scalar(const tg_tensor *a, double s);   /* a / s */
tg_tensor *tg_pow_scalar(const tg_tensor *a, double s);   /* a ** s */
tg_tensor *tg_rsub_scalar(const tg_tensor *a, double s);  /* s - a */

tg_tensor *tg_neg(const tg_tensor *t);
tg_tensor *tg_exp(const tg_tensor *t);
tg_tensor *tg_expm1(const tg_tensor *t);   /* exp(t) - 1, exact near 0 */
tg_tensor *tg_log(const tg_tensor *t);
tg_tensor *tg_sqrt(const tg_tensor *t);
tg_tensor *tg_abs(const tg_tensor *t);
tg_tensor *tg_sin(const tg_tensor *t);
tg_tensor *tg_cos(const tg_tensor *t);
tg_tensor *tg_tanh(const tg_tensor *t);
tg_tensor *tg_sigmoid(const tg_tensor *t);
tg_tensor *tg_relu(const tg_tensor *t);
tg_tensor *tg_sign(const tg_tensor *t);
/* cond (TG_BOOL) ? a : b, broadcasting all three. */
tg_tensor *tg_where(const tg_tensor *cond, const tg_tensor *a, const tg_tensor *b);

/* Reductions. Integer and bool sums are TG_I64, as in PyTorch. */
tg_tensor *tg_sum(const tg_tensor *t);
tg_tensor *tg_mean(const tg_tensor *t);
tg_tensor *tg_sum_dim(const tg_tensor *t, const int64_t *dims, int ndims, bool keepdim);
tg_tensor *tg_mean_dim(const tg_tensor *t, const int64_t *dims, int ndims, bool keepdim);
/* The values of the max over `dim`; `indices` (may be NULL) gets the argmax. */
tg_tensor *tg_max_dim(const tg_tensor *t, int64_t dim, bool keepdim, tg_tensor **indices);
tg_tensor *tg_norm(const tg_tensor *t);   /* 2-norm of all elements */

/* Shape. Views share storage and version counter with their input. */
tg_tensor *tg_view(const tg_tensor *t, const int64_t *shape, int ndim);
tg_tensor *tg_reshape(const tg_tensor *t, const int64_t *shape, int ndim);
tg_tensor *tg_transpose(const tg_tensor *t, int64_t d0, int64_t d1);
/* PyTorch's t(): transposes a matrix; vectors and scalars come back as they are. */
tg_tensor *tg_t(const tg_tensor *t);
tg_tensor *tg_permute(const tg_tensor *t, const int64_t *dims, int ndims);
tg_tensor *tg_expand(const tg_tensor *t, const int64_t *shape, int ndim);
tg_tensor *tg_contiguous(const tg_tensor *t);
tg_tensor *tg_clone(const tg_tensor *t);
tg_tensor *tg_unsqueeze(const tg_tensor *t, int64_t dim);
tg_tensor *tg_squeeze_dim(const tg_tensor *t, int64_t dim);
/* t[..., index, ...] along dim: one dimension fewer. */
tg_tensor *tg_select(const tg_tensor *t, int64_t dim, int64_t index);
/* t[..., start:end:step, ...] along dim, with Python's clamping of start/end. */
tg_tensor *tg_slice(const tg_tensor *t, int64_t dim, int64_t start, int64_t end, int64_t step);

/* Matrix product with torch.matmul's 1-D, 2-D and batched rules. */
tg_tensor *tg_matmul(const tg_tensor *a, const tg_tensor *b);

/* A copy in another dtype (differentiable between floating dtypes). */
tg_tensor *tg_to(const tg_tensor *t, tg_dtype dtype);

/* Losses, mean reduction. */
tg_tensor *tg_binary_cross_entropy_with_logits(const tg_tensor *input, const tg_tensor *target);
tg_tensor *tg_mse_loss(const tg_tensor *input, const tg_tensor *target);

/* In place: each returns its first argument, bumps its version counter and
   is recorded in the graph as PyTorch records in-place operations. */
tg_tensor *tg_add_(tg_tensor *t, const tg_tensor *other);
tg_tensor *tg_sub_(tg_tensor *t, const tg_tensor *other);
tg_tensor *tg_mul_(tg_tensor *t, const tg_tensor *other);
tg_tensor *tg_div_(tg_tensor *t, const tg_tensor *other);
tg_tensor *tg_pow_(tg_tensor *t, const tg_tensor *other);
tg_tensor *tg_maximum_(tg_tensor *t, const tg_tensor *other);
tg_tensor *tg_minimum_(tg_tensor *t, const tg_tensor *other);
tg_tensor *tg_add_scalar_(tg_tensor *t, double s);
tg_tensor *tg_sub_scalar_(tg_tensor *t, double s);
tg_tensor *tg_mul_scalar_(tg_tensor *t, double s);
tg_tensor *tg_div_scalar_(tg_tensor *t, double s);
tg_tensor *tg_pow_scalar_(tg_tensor *t, double s);
tg_tensor *tg_rsub_scalar_(tg_tensor *t, double s);
tg_tensor *tg_zero_(tg_tensor *t);
tg_tensor *tg_fill_(tg_tensor *t, double value);
tg_tensor *tg_copy_(tg_tensor *dst, const tg_tensor *src);

/* ----------------------------- elementwise functions and activations */

/* More math functions: integers become float32, but floor, ceil, round
   (half to even) and trunc keep them; square is pow(t, 2). */
tg_tensor *tg_log1p(const tg_tensor *t);
tg_tensor *tg_log2(const tg_tensor *t);
tg_tensor *tg_log10(const tg_tensor *t);
tg_tensor *tg_rsqrt(const tg_tensor *t);
tg_tensor *tg_reciprocal(const tg_tensor *t);
tg_tensor *tg_square(const tg_tensor *t);
tg_tensor *tg_tan(const tg_tensor *t);
tg_tensor *tg_asin(const tg_tensor *t);
tg_tensor *tg_acos(const tg_tensor *t);
tg_tensor *tg_atan(const tg_tensor *t);
tg_tensor *tg_sinh(const tg_tensor *t);
tg_tensor *tg_cosh(const tg_tensor *t);
tg_tensor *tg_asinh(const tg_tensor *t);
tg_tensor *tg_acosh(const tg_tensor *t);
tg_tensor *tg_atanh(const tg_tensor *t);
tg_tensor *tg_erf(const tg_tensor *t);
tg_tensor *tg_erfc(const tg_tensor *t);
tg_tensor *tg_erfinv(const tg_tensor *t);
tg_tensor *tg_floor(const tg_tensor *t);
tg_tensor *tg_ceil(const tg_tensor *t);
tg_tensor *tg_round(const tg_tensor *t);
tg_tensor *tg_trunc(const tg_tensor *t);
tg_tensor *tg_frac(const tg_tensor *t);

/* Activations, as torch.nn.functional's; gelu is the erf form, gelu_tanh
   gelu(approximate='tanh'). Integer inputs are refused, but for hardtanh
   and relu6, which keep them. */
tg_tensor *tg_gelu(const tg_tensor *t);
tg_tensor *tg_gelu_tanh(const tg_tensor *t);
tg_tensor *tg_silu(const tg_tensor *t);
tg_tensor *tg_mish(const tg_tensor *t);
tg_tensor *tg_logsigmoid(const tg_tensor *t);
tg_tensor *tg_hardsigmoid(const tg_tensor *t);
tg_tensor *tg_hardswish(const tg_tensor *t);
tg_tensor *tg_softplus(const tg_tensor *t, double beta, double threshold);   /* PyTorch's: 1, 20 */
tg_tensor *tg_leaky_relu(const tg_tensor *t, double negative_slope);        /* 0.01 */
tg_tensor *tg_elu(const tg_tensor *t, double alpha);                        /* 1 */
tg_tensor *tg_selu(const tg_tensor *t);
tg_tensor *tg_celu(const tg_tensor *t, double alpha);                       /* 1 */
tg_tensor *tg_hardtanh(const tg_tensor *t, double min_val, double max_val); /* -1, 1 */
tg_tensor *tg_relu6(const tg_tensor *t);

/* In-place twins (PyTorch's checks and errors; an integer tensor cannot
   take a float result). asinh_, acosh_ and atanh_ have no derivative, as
   in PyTorch. */
tg_tensor *tg_neg_(tg_tensor *t);
tg_tensor *tg_exp_(tg_tensor *t);
tg_tensor *tg_expm1_(tg_tensor *t);
tg_tensor *tg_log_(tg_tensor *t);
tg_tensor *tg_sqrt_(tg_tensor *t);
tg_tensor *tg_abs_(tg_tensor *t);
tg_tensor *tg_sin_(tg_tensor *t);
tg_tensor *tg_cos_(tg_tensor *t);
tg_tensor *tg_tanh_(tg_tensor *t);
tg_tensor *tg_sigmoid_(tg_tensor *t);
tg_tensor *tg_relu_(tg_tensor *t);
tg_tensor *tg_sign_(tg_tensor *t);
tg_tensor *tg_log1p_(tg_tensor *t);
tg_tensor *tg_log2_(tg_tensor *t);
tg_tensor *tg_log10_(tg_tensor *t);
tg_tensor *tg_rsqrt_(tg_tensor *t);
tg_tensor *tg_reciprocal_(tg_tensor *t);
tg_tensor *tg_square_(tg_tensor *t);
tg_tensor *tg_tan_(tg_tensor *t);
tg_tensor *tg_asin_(tg_tensor *t);
tg_tensor *tg_acos_(tg_tensor *t);
tg_tensor *tg_atan_(tg_tensor *t);
tg_tensor *tg_sinh_(tg_tensor *t);
tg_tensor *tg_cosh_(tg_tensor *t);
tg_tensor *tg_asinh_(tg_tensor *t);
tg_tensor *tg_acosh_(tg_tensor *t);
tg_tensor *tg_atanh_(tg_tensor *t);
tg_tensor *tg_erf_(tg_tensor *t);
tg_tensor *tg_erfc_(tg_tensor *t);
tg_tensor *tg_erfinv_(tg_tensor *t);
tg_tensor *tg_floor_(tg_tensor *t);
tg_tensor *tg_ceil_(tg_tensor *t);
tg_tensor *tg_round_(tg_tensor *t);
tg_tensor *tg_trunc_(tg_tensor *t);
tg_tensor *tg_frac_(tg_tensor *t);
tg_tensor *tg_gelu_(tg_tensor *t);
tg_tensor *tg_gelu_tanh_(tg_tensor *t);
tg_tensor *tg_silu_(tg_tensor *t);
tg_tensor *tg_mish_(tg_tensor *t);
tg_tensor *tg_hardsigmoid_(tg_tensor *t);
tg_tensor *tg_hardswish_(tg_tensor *t);
tg_tensor *tg_leaky_relu_(tg_tensor *t, double negative_slope);
tg_tensor *tg_elu_(tg_tensor *t, double alpha);
tg_tensor *tg_selu_(tg_tensor *t);
tg_tensor *tg_celu_(tg_tensor *t, double alpha);
tg_tensor *tg_hardtanh_(tg_tensor *t, double min_val, double max_val);
tg_tensor *tg_relu6_(tg_tensor *t);

/* ------------------------------------- reductions, sorting and scans */

/* Max and min of all elements (the gradient is split evenly among equal
   maxima), over a dim with indices (as tg_max_dim), and over dims (amax,
   amin; dims NULL, ndims 0: all). NaN propagates. */
tg_tensor *tg_max(const tg_tensor *t);
tg_tensor *tg_min(const tg_tensor *t);
tg_tensor *tg_min_dim(const tg_tensor *t, int64_t dim, bool keepdim, tg_tensor **indices);
tg_tensor *tg_amax(const tg_tensor *t, const int64_t *dims, int ndims, bool keepdim);
tg_tensor *tg_amin(const tg_tensor *t, const int64_t *dims, int ndims, bool keepdim);
/* TG_I64 indices of the first max (min) along dim; the _all forms are
   PyTorch's dim=None: the index into the flattened tensor, 0-dim. */
tg_tensor *tg_argmax(const tg_tensor *t, int64_t dim, bool keepdim);
tg_tensor *tg_argmin(const tg_tensor *t, int64_t dim, bool keepdim);
tg_tensor *tg_argmax_all(const tg_tensor *t);
tg_tensor *tg_argmin_all(const tg_tensor *t);
/* Whether all (any) elements are non-zero, of all or along a dim: TG_BOOL. */
tg_tensor *tg_all(const tg_tensor *t);
tg_tensor *tg_any(const tg_tensor *t);
tg_tensor *tg_all_dim(const tg_tensor *t, int64_t dim, bool keepdim);
tg_tensor *tg_any_dim(const tg_tensor *t, int64_t dim, bool keepdim);
/* Products of all elements and over a dim; integer and bool inputs give
   TG_I64. */
tg_tensor *tg_prod(const tg_tensor *t);
tg_tensor *tg_prod_dim(const tg_tensor *t, int64_t dim, bool keepdim);
/* Variance and standard deviation over dims (NULL, 0: all), dividing by
   the count less `correction` (PyTorch's unbiased default is 1). The
   _mean forms also write the mean to *mean (may be NULL), as
   torch.var_mean returns both. */
tg_tensor *tg_var(const tg_tensor *t, const int64_t *dims, int ndims, double correction, bool keepdim);
tg_tensor *tg_std(const tg_tensor *t, const int64_t *dims, int ndims, double correction, bool keepdim);
tg_tensor *tg_var_mean(const tg_tensor *t, const int64_t *dims, int ndims, double correction, bool keepdim,
                       tg_tensor **mean);
tg_tensor *tg_std_mean(const tg_tensor *t, const int64_t *dims, int ndims, double correction, bool keepdim,
                       tg_tensor **mean);
/* log(sum(exp(t))) over dims, without overflow; integers give TG_F32. */
tg_tensor *tg_logsumexp(const tg_tensor *t, const int64_t *dims, int ndims, bool keepdim);
/* torch.linalg.vector_norm: any ord, including 0 (the count of non-zero
   elements), INFINITY and -INFINITY. */
tg_tensor *tg_vector_norm(const tg_tensor *t, double ord, const int64_t *dims, int ndims, bool keepdim);
/* The non-zero elements over dims (NULL, 0: all), TG_I64. */
tg_tensor *tg_count_nonzero(const tg_tensor *t, const int64_t *dims, int ndims);
/* Cumulative sum and product along dim; integers and bools give TG_I64. */
tg_tensor *tg_cumsum(const tg_tensor *t, int64_t dim);
tg_tensor *tg_cumprod(const tg_tensor *t, int64_t dim);
/* In place, keeping t's dtype (bool is refused, as in PyTorch). */
tg_tensor *tg_cumsum_(tg_tensor *t, int64_t dim);
tg_tensor *tg_cumprod_(tg_tensor *t, int64_t dim);
/* Sorting along dim, stable, NaN largest; `indices` (may be NULL) gets
   where each value came from. topk gives the k largest (smallest unless
   largest) in order whatever `sorted` says; equal values come in index
   order, which PyTorch's topk does not promise. */
tg_tensor *tg_sort(const tg_tensor *t, int64_t dim, bool descending, tg_tensor **indices);
tg_tensor *tg_argsort(const tg_tensor *t, int64_t dim, bool descending);
tg_tensor *tg_topk(const tg_tensor *t, int64_t k, int64_t dim, bool largest, bool sorted, tg_tensor **indices);

/* ------------------------------------------------- shape and joining */

/* Views of t: flatten merges dims start_dim..end_dim (t itself when they
   are one dim; a copy when they cannot be viewed, as reshape), unflatten
   splits dim into sizes (one may be -1), squeeze drops every size-1 dim,
   narrow takes length elements of dim from start. */
tg_tensor *tg_flatten(const tg_tensor *t, int64_t start_dim, int64_t end_dim);
tg_tensor *tg_unflatten(const tg_tensor *t, int64_t dim, const int64_t *sizes, int n);
tg_tensor *tg_squeeze(const tg_tensor *t);
tg_tensor *tg_narrow(const tg_tensor *t, int64_t dim, int64_t start, int64_t length);
/* The n tensors joined along dim (cat) or along a new dim (stack), in
   their promoted dtype. */
tg_tensor *tg_cat(const tg_tensor *const *ts, int n, int64_t dim);
tg_tensor *tg_stack(const tg_tensor *const *ts, int n, int64_t dim);
/* Views of the pieces of t along dim, written to out; each returns the
   count, or -1 with an error (writing nothing) when there are more than
   max_out. split: pieces of split_size (the last smaller); chunk: `chunks`
   pieces at most, of equal size but the last; unbind: each index of dim.
   As in PyTorch, these views may not be modified in place. */
int tg_split(const tg_tensor *t, int64_t split_size, int64_t dim, tg_tensor **out, int max_out);
int tg_chunk(const tg_tensor *t, int chunks, int64_t dim, tg_tensor **out, int max_out);
int tg_unbind(const tg_tensor *t, int64_t dim, tg_tensor **out, int max_out);
/* Copies: repeat tiles t repeats[i] times along each dim (n >= its dims;
   leading new dims first), tile is repeat with reps padded by leading ones,
   flip reverses dims, roll shifts elements along dims[i] by shifts[i]
   cyclically (dims NULL, n 1: t as one flat dim), tril/triu keep the
   lower/upper triangle of the last two dims from the diagonal-th diagonal
   and zero the rest. */
tg_tensor *tg_repeat(const tg_tensor *t, const int64_t *repeats, int n);
tg_tensor *tg_tile(const tg_tensor *t, const int64_t *reps, int n);
tg_tensor *tg_flip(const tg_tensor *t, const int64_t *dims, int ndims);
tg_tensor *tg_roll(const tg_tensor *t, const int64_t *shifts, const int64_t *dims, int n);
tg_tensor *tg_tril(const tg_tensor *t, int64_t diagonal);
tg_tensor *tg_triu(const tg_tensor *t, int64_t diagonal);
tg_tensor *tg_tril_(tg_tensor *t, int64_t diagonal);
tg_tensor *tg_triu_(tg_tensor *t, int64_t diagonal);
/* movedim: a view with dim source moved to destination; diagonal: a view
   of the offset-th diagonal of dims dim1 and dim2, appended as the last
   dim; diag_embed: zeros with t's last dim on that diagonal of two new dims
   (PyTorch's defaults: diagonal(t, 0, 0, 1), diag_embed(t, 0, -2, -1)). */
tg_tensor *tg_movedim(const tg_tensor *t, int64_t source, int64_t destination);
tg_tensor *tg_diagonal(const tg_tensor *t, int64_t offset, int64_t dim1, int64_t dim2);
tg_tensor *tg_diag_embed(const tg_tensor *t, int64_t offset, int64_t dim1, int64_t dim2);
/* In place: t itself takes the geometry of t(t), transpose, squeeze,
   squeeze_dim or unsqueeze (its storage untouched, its version moved) and
   is returned. */
tg_tensor *tg_t_(tg_tensor *t);
tg_tensor *tg_transpose_(tg_tensor *t, int64_t d0, int64_t d1);
tg_tensor *tg_squeeze_(tg_tensor *t);
tg_tensor *tg_squeeze_dim_(tg_tensor *t, int64_t dim);
tg_tensor *tg_unsqueeze_(tg_tensor *t, int64_t dim);

/* ---------------------------------------------------------- indexing */

/* Along dim. Indices are TG_I64 (index_select and index_add take TG_I32
   too), never wrapped: one out of range is an error, and nothing is
   written. index_select: the entries of the vector index along dim.
   gather: out[i][j] = t[index[i][j]][j] (dim 0), in index's shape.
   scatter: a copy of t with t[index[i][j]][j] = src[i][j] (dim 0);
   scatter_add adds instead (repeated indices accumulate). index_add: a
   copy of t with alpha * source[.., k, ..] added at t[.., index[k], ..].
   take_along_dim: gather after broadcasting t and indices but along dim. */
tg_tensor *tg_index_select(const tg_tensor *t, int64_t dim, const tg_tensor *index);
tg_tensor *tg_gather(const tg_tensor *t, int64_t dim, const tg_tensor *index);
tg_tensor *tg_scatter(const tg_tensor *t, int64_t dim, const tg_tensor *index, const tg_tensor *src);
tg_tensor *tg_scatter_add(const tg_tensor *t, int64_t dim, const tg_tensor *index, const tg_tensor *src);
tg_tensor *tg_index_add(const tg_tensor *t, int64_t dim, const tg_tensor *index, const tg_tensor *source, double alpha);
tg_tensor *tg_take_along_dim(const tg_tensor *t, const tg_tensor *indices, int64_t dim);
/* scatter_reduce: a copy of t with each src[i][j] reduced into
   t[index[i][j]][j] (dim 0): summed, multiplied, averaged (integers
   rounding down), or the largest or smallest kept (NaN wins). Without
   include_self the positions written start from src's values alone; the
   others keep t's. Gradients as PyTorch's: amax and amin share theirs
   evenly among ties, prod's is exact with zeros. */
typedef enum tg_scatter_reduction {
    TG_SCATTER_SUM, TG_SCATTER_PROD, TG_SCATTER_MEAN, TG_SCATTER_AMAX, TG_SCATTER_AMIN
} tg_scatter_reduction;
tg_tensor *tg_scatter_reduce(const tg_tensor *t, int64_t dim, const tg_tensor *index, const tg_tensor *src,
                             tg_scatter_reduction reduce, bool include_self);
/* The elements of t where mask (TG_BOOL, broadcast with t) is true, as a
   vector in row-major order. */
tg_tensor *tg_masked_select(const tg_tensor *t, const tg_tensor *mask);
/* In place: write into t and return it. */
tg_tensor *tg_scatter_(tg_tensor *t, int64_t dim, const tg_tensor *index, const tg_tensor *src);
tg_tensor *tg_scatter_add_(tg_tensor *t, int64_t dim, const tg_tensor *index, const tg_tensor *src);
tg_tensor *tg_index_add_(tg_tensor *t, int64_t dim, const tg_tensor *index, const tg_tensor *source, double alpha);
tg_tensor *tg_scatter_reduce_(tg_tensor *t, int64_t dim, const tg_tensor *index, const tg_tensor *src,
                              tg_scatter_reduction reduce, bool include_self);

/* Advanced indexing: Python's t[i0, i1, ...] and t[i0, i1, ...] = values,
   with the same results, graphs (SelectBackward0, SliceBackward0,
   UnsqueezeBackward0 for the basic items, then IndexBackward0; CopySlices
   or IndexPutBackward0 for a put) and errors. Each item is one of
     TG_IDX_T(t)            a tensor: TG_I64 or TG_I32 indices (negative
                            ones count from the end), broadcast against the
                            other index tensors, or a TG_BOOL mask, which
                            indexes as many dims as it has, of its shape;
                            a 0-dim integer tensor selects, as an int; a
                            0-dim bool one adds a dim of size 1 (0 if false)
     TG_IDX_INT(i)          select index i of the dim (t[i])
     TG_IDX_SLICE(a, b, s)  start:stop:step, s > 0; TG_END is an open stop
     TG_IDX_ALL             the whole dim (t[:])
     TG_IDX_NEW             a new dim of size 1 (t[None])
     TG_IDX_ELLIPSIS        as many whole dims as the other items leave (t[...])
   and TG_INDEX(...) gives the two arguments (items, n):
     tg_index(x, TG_INDEX(TG_IDX_ALL, TG_IDX_T(idx)))   is x[:, idx]
   The dims the index tensors make (their broadcast shape) replace the dims
   they index, in place when those are adjacent, else first. Errors are
   PyTorch's: "index 5 is out of bounds for dimension 0 with size 3" (the
   dim as PyTorch counts it: an index tensor's place among the index
   tensors), "too many indices for tensor of dimension 2", "The shape of
   the mask [2] at index 0 does not match the shape of the indexed tensor
   [3, 4] at index 0", "shape mismatch: indexing tensors could not be
   broadcast together with shapes [2], [3]", "tensors used as indices must
   be long, int, byte or bool tensors" (PyTorch 2's words: 1.13 takes no
   TG_I32 indices).
   tg_index_put_ writes values (leading dims of size 1 dropped, then
   broadcast to the indexed shape, of t's dtype: "Index put requires the
   source and destination dtypes match, got Float for the destination and
   Double for the source.") into t at those positions and returns t;
   accumulate adds them instead, summing repeated indices (without it, which
   of the values given to one position is kept is unspecified, as in
   PyTorch). Without index tensors it is t[items].copy_(values) (add_ with
   accumulate). Unlike PyTorch, which only warns, it refuses a t whose
   elements share memory (expanded). tg_index_put is the same on a copy of
   t: torch.index_put (IndexPutBackward0 of t) when every item is a tensor
   of at least one dim, else t.clone() written in place. */
typedef enum tg_index_kind {
    TG_INDEX_INT, TG_INDEX_SLICE, TG_INDEX_NONE, TG_INDEX_ELLIPSIS, TG_INDEX_TENSOR
} tg_index_kind;
typedef struct tg_index_item {
    tg_index_kind kind;
    int64_t start, stop, step;   /* a slice's; an int's index is start */
    const tg_tensor *tensor;
} tg_index_item;
#define TG_END INT64_MAX
#define TG_IDX_T(t) ((tg_index_item){TG_INDEX_TENSOR, 0, 0, 0, (t)})
#define TG_IDX_INT(i) ((tg_index_item){TG_INDEX_INT, (i), 0, 0, NULL})
#define TG_IDX_SLICE(a, b, s) ((tg_index_item){TG_INDEX_SLICE, (a), (b), (s), NULL})
#define TG_IDX_ALL TG_IDX_SLICE(0, TG_END, 1)
#define TG_IDX_NEW ((tg_index_item){TG_INDEX_NONE, 0, 0, 0, NULL})
#define TG_IDX_ELLIPSIS ((tg_index_item){TG_INDEX_ELLIPSIS, 0, 0, 0, NULL})
#define TG_INDEX(...) \
    ((const tg_index_item[]){__VA_ARGS__}), ((int)(sizeof((tg_index_item[]){__VA_ARGS__}) / sizeof(tg_index_item)))
tg_tensor *tg_index(const tg_tensor *t, const tg_index_item *items, int n);
tg_tensor *tg_index_put_(tg_tensor *t, const tg_index_item *items, int n, const tg_tensor *values, bool accumulate);
tg_tensor *tg_index_put(const tg_tensor *t, const tg_index_item *items, int n, const tg_tensor *values, bool accumulate);

/* ---------------- pointwise binary operations, comparisons and clamp */

/* Comparisons: TG_BOOL results, computed in the promoted dtype, never
   differentiable. The _scalar forms compare with a number. */
tg_tensor *tg_eq(const tg_tensor *a, const tg_tensor *b);
tg_tensor *tg_ne(const tg_tensor *a, const tg_tensor *b);
tg_tensor *tg_lt(const tg_tensor *a, const tg_tensor *b);
tg_tensor *tg_le(const tg_tensor *a, const tg_tensor *b);
tg_tensor *tg_gt(const tg_tensor *a, const tg_tensor *b);
tg_tensor *tg_ge(const tg_tensor *a, const tg_tensor *b);
tg_tensor *tg_eq_scalar(const tg_tensor *a, double s);
tg_tensor *tg_ne_scalar(const tg_tensor *a, double s);
tg_tensor *tg_lt_scalar(const tg_tensor *a, double s);
tg_tensor *tg_le_scalar(const tg_tensor *a, double s);
tg_tensor *tg_gt_scalar(const tg_tensor *a, double s);
tg_tensor *tg_ge_scalar(const tg_tensor *a, double s);
/* In place: 0 or 1 in t's own dtype (zero gradients, as PyTorch's). */
tg_tensor *tg_eq_(tg_tensor *t, const tg_tensor *other);
tg_tensor *tg_ne_(tg_tensor *t, const tg_tensor *other);
tg_tensor *tg_lt_(tg_tensor *t, const tg_tensor *other);
tg_tensor *tg_le_(tg_tensor *t, const tg_tensor *other);
tg_tensor *tg_gt_(tg_tensor *t, const tg_tensor *other);
tg_tensor *tg_ge_(tg_tensor *t, const tg_tensor *other);
tg_tensor *tg_eq_scalar_(tg_tensor *t, double s);
tg_tensor *tg_ne_scalar_(tg_tensor *t, double s);
tg_tensor *tg_lt_scalar_(tg_tensor *t, double s);
tg_tensor *tg_le_scalar_(tg_tensor *t, double s);
tg_tensor *tg_gt_scalar_(tg_tensor *t, double s);
tg_tensor *tg_ge_scalar_(tg_tensor *t, double s);
/* Logical operations on any dtype (nonzero, NaN included, is true): TG_BOOL. */
tg_tensor *tg_logical_and(const tg_tensor *a, const tg_tensor *b);
tg_tensor *tg_logical_or(const tg_tensor *a, const tg_tensor *b);
tg_tensor *tg_logical_xor(const tg_tensor *a, const tg_tensor *b);
tg_tensor *tg_logical_not(const tg_tensor *t);
/* In place: 0 or 1 in t's own dtype; t keeps its history. */
tg_tensor *tg_logical_and_(tg_tensor *t, const tg_tensor *other);
tg_tensor *tg_logical_or_(tg_tensor *t, const tg_tensor *other);
tg_tensor *tg_logical_xor_(tg_tensor *t, const tg_tensor *other);
tg_tensor *tg_logical_not_(tg_tensor *t);
tg_tensor *tg_isnan(const tg_tensor *t);
tg_tensor *tg_isinf(const tg_tensor *t);
tg_tensor *tg_isfinite(const tg_tensor *t);
/* Each element bounded to [min, max], NaN staying NaN; for tg_clamp a NAN
   bound is PyTorch's None (no bound), and one of the two must be given. An
   integral bound of an integer tensor keeps its dtype, a fractional one
   promotes it, as Python numbers do. */
tg_tensor *tg_clamp(const tg_tensor *t, double min, double max);
tg_tensor *tg_clamp_min(const tg_tensor *t, double min);
tg_tensor *tg_clamp_max(const tg_tensor *t, double max);
tg_tensor *tg_clamp_(tg_tensor *t, double min, double max);
tg_tensor *tg_clamp_min_(tg_tensor *t, double min);
tg_tensor *tg_clamp_max_(tg_tensor *t, double max);
/* t with value where mask (TG_BOOL, or an integer tensor of zeros and
   ones) holds, broadcasting the two; value converted to t's dtype. */
tg_tensor *tg_masked_fill(const tg_tensor *t, const tg_tensor *mask, double value);
tg_tensor *tg_masked_fill_(tg_tensor *t, const tg_tensor *mask, double value);
/* Pointwise functions of two tensors, broadcasting and promoting; integer
   inputs give float but for fmod and remainder, whose integer divisors must
   not be zero. fmod's remainder has a's sign, remainder's b's (Python's %);
   xlogy(a, b) = a log(b), 0 where a is 0 (unless b is NaN). */
tg_tensor *tg_atan2(const tg_tensor *a, const tg_tensor *b);
tg_tensor *tg_fmod(const tg_tensor *a, const tg_tensor *b);
tg_tensor *tg_remainder(const tg_tensor *a, const tg_tensor *b);
tg_tensor *tg_hypot(const tg_tensor *a, const tg_tensor *b);
tg_tensor *tg_xlogy(const tg_tensor *a, const tg_tensor *b);
/* xlogy with a number: xlogy_scalar(a, s) is torch.xlogy(a, s), and
   scalar_xlogy(s, b), the number first, torch.xlogy(s, b). */
tg_tensor *tg_xlogy_scalar(const tg_tensor *a, double s);
tg_tensor *tg_scalar_xlogy(double s, const tg_tensor *b);
tg_tensor *tg_fmod_scalar(const tg_tensor *a, double s);
tg_tensor *tg_remainder_scalar(const tg_tensor *a, double s);
tg_tensor *tg_atan2_(tg_tensor *a, const tg_tensor *b);
tg_tensor *tg_fmod_(tg_tensor *a, const tg_tensor *b);
tg_tensor *tg_remainder_(tg_tensor *a, const tg_tensor *b);
tg_tensor *tg_hypot_(tg_tensor *a, const tg_tensor *b);
tg_tensor *tg_xlogy_(tg_tensor *a, const tg_tensor *b);
tg_tensor *tg_xlogy_scalar_(tg_tensor *a, double s);
tg_tensor *tg_fmod_scalar_(tg_tensor *a, double s);
tg_tensor *tg_remainder_scalar_(tg_tensor *a, double s);
/* a + weight (end - a), all of one floating dtype, broadcasting. */
tg_tensor *tg_lerp(const tg_tensor *a, const tg_tensor *end, const tg_tensor *weight);
tg_tensor *tg_lerp_scalar(const tg_tensor *a, const tg_tensor *end, double weight);
tg_tensor *tg_lerp_(tg_tensor *a, const tg_tensor *end, const tg_tensor *weight);
tg_tensor *tg_lerp_scalar_(tg_tensor *a, const tg_tensor *end, double weight);
/* t + value * a * b and t + value * a / b, broadcasting and promoting. */
tg_tensor *tg_addcmul(const tg_tensor *t, const tg_tensor *a, const tg_tensor *b, double value);
tg_tensor *tg_addcdiv(const tg_tensor *t, const tg_tensor *a, const tg_tensor *b, double value);
tg_tensor *tg_addcmul_(tg_tensor *t, const tg_tensor *a, const tg_tensor *b, double value);
tg_tensor *tg_addcdiv_(tg_tensor *t, const tg_tensor *a, const tg_tensor *b, double value);
/* NaN, +inf and -inf replaced by nan, posinf and neginf; a NAN posinf or
   neginf is PyTorch's None: the dtype's largest or lowest finite value.
   Integer and bool tensors come back copied. */
tg_tensor *tg_nan_to_num(const tg_tensor *t, double nan, double posinf, double neginf);
tg_tensor *tg_nan_to_num_(tg_tensor *t, double nan, double posinf, double neginf);

/* ------------------------------- linear algebra, creation and random */

/* Matrix products without matmul's broadcasting: (n, k) @ (k, m), batches
   (b, n, k) @ (b, k, m), matrix @ vector, vector . vector, and the outer
   product of two vectors. */
tg_tensor *tg_mm(const tg_tensor *a, const tg_tensor *b);
tg_tensor *tg_bmm(const tg_tensor *a, const tg_tensor *b);
tg_tensor *tg_mv(const tg_tensor *a, const tg_tensor *b);
tg_tensor *tg_dot(const tg_tensor *a, const tg_tensor *b);
tg_tensor *tg_outer(const tg_tensor *a, const tg_tensor *b);
/* beta * bias + alpha * (a @ b), bias broadcast to the product's shape
   (beta 0 ignores bias); baddbmm likewise over batches. */
tg_tensor *tg_addmm(const tg_tensor *bias, const tg_tensor *a, const tg_tensor *b, double beta, double alpha);
tg_tensor *tg_baddbmm(const tg_tensor *bias, const tg_tensor *batch1, const tg_tensor *batch2, double beta,
                      double alpha);

/* Tensors of t's dtype and shape, laid out as t when t is dense (PyTorch's
   preserve_format), never requiring grad. */
tg_tensor *tg_zeros_like(const tg_tensor *t);
tg_tensor *tg_ones_like(const tg_tensor *t);
tg_tensor *tg_full_like(const tg_tensor *t, double value);
tg_tensor *tg_empty_like(const tg_tensor *t);   /* its values are unspecified */
/* The n x n identity. */
tg_tensor *tg_eye(int64_t n, tg_dtype dtype);
/* steps values from start to end, evenly spaced, with PyTorch's values;
   logspace gives base raised to them. */
tg_tensor *tg_linspace(double start, double end, int64_t steps, tg_dtype dtype);
tg_tensor *tg_logspace(double start, double end, int64_t steps, double base, tg_dtype dtype);

/* Random tensors. They never require grad (bernoulli's result has a
   history when p requires grad, as PyTorch's, passing no gradient on).
   rand_like and randn_like: t's dtype, shape and layout (floating dtypes).
   randint: TG_I64 values in [low, high). randperm: a permutation of 0 ..
   n-1 (TG_I64). bernoulli: 1 with probability p[i], in p's dtype.
   multinomial: indices (TG_I64) of num_samples draws from each row of the
   weights p (1-D or 2-D), each index at most once without replacement. */
tg_tensor *tg_rand_like(const tg_tensor *t);
tg_tensor *tg_randn_like(const tg_tensor *t);
tg_tensor *tg_randint(int64_t low, int64_t high, const int64_t *shape, int ndim);
tg_tensor *tg_randperm(int64_t n);
tg_tensor *tg_bernoulli(const tg_tensor *p);
tg_tensor *tg_multinomial(const tg_tensor *p, int64_t num_samples, bool replacement);
/* In place: t's values drawn uniform on [a, b), or normal with mean and
   std. As in PyTorch, a leaf that requires grad is refused in grad mode
   (write it under TG_NO_GRAD). */
tg_tensor *tg_uniform_(tg_tensor *t, double a, double b);
tg_tensor *tg_normal_(tg_tensor *t, double mean, double std);

/* Generators: independent, seedable streams. The functions above and
   tg_rand / tg_randn draw from one process-wide generator (tg_manual_seed);
   each _gen form draws from the generator given instead (NULL: that
   process-wide one). A generator may be shared by threads (it has a lock);
   free it after its last use. tg_generator_new returns NULL when out of
   memory. */
typedef struct tg_generator tg_generator;
tg_generator *tg_generator_new(uint64_t seed);
void tg_generator_free(tg_generator *gen);
/* A generator's state, as torch.Generator.get_state / set_state (and, for
   gen NULL, torch.get_rng_state / set_rng_state of the process-wide one):
   a torch.int64 tensor of shape [4] holding the bits of the generator's
   four words (PyTorch's is a uint8 tensor of its own generator's state;
   the two do not mix). Setting it makes the generator draw the same
   stream again from there. tg_generator_set_state checks the dtype and
   shape and refuses an all-zero state (xoshiro256** stays at zero):
   0, or -1 with an error, changing nothing. */
tg_tensor *tg_generator_get_state(tg_generator *gen);
int tg_generator_set_state(tg_generator *gen, const tg_tensor *state);
tg_tensor *tg_rand_gen(const int64_t *shape, int ndim, tg_dtype dtype, tg_generator *gen);
tg_tensor *tg_randn_gen(const int64_t *shape, int ndim, tg_dtype dtype, tg_generator *gen);
tg_tensor *tg_randint_gen(int64_t low, int64_t high, const int64_t *shape, int ndim, tg_generator *gen);
tg_tensor *tg_randperm_gen(int64_t n, tg_generator *gen);
tg_tensor *tg_bernoulli_gen(const tg_tensor *p, tg_generator *gen);
tg_tensor *tg_multinomial_gen(const tg_tensor *p, int64_t num_samples, bool replacement, tg_generator *gen);
tg_tensor *tg_uniform_gen_(tg_tensor *t, double a, double b, tg_generator *gen);
tg_tensor *tg_normal_gen_(tg_tensor *t, double mean, double std, tg_generator *gen);

/* Einstein summation over the n tensors ts, as torch.einsum: subscripts
   [a-zA-Z] per operand separated by commas, "..." for broadcast dims, an
   optional "->" and output (else the labels seen once, in order, after
   the ellipsis dims); repeated subscripts take diagonals, missing ones
   are summed. Contracted left to right through bmm, as PyTorch 1.13 does
   without a path. */
tg_tensor *tg_einsum(const char *equation, const tg_tensor *const *ts, int n);

/* ------------------------------------ nn: softmax, linear, dropout, embedding, attention */

/* softmax(t) along dim: exp(t - max) / sum(exp(t - max)), and log_softmax:
   t - max - log(sum(exp(t - max))), as torch.softmax / torch.log_softmax
   (SoftmaxBackward0, LogSoftmaxBackward0; their gradients are
   SoftmaxBackwardDataBackward0 and LogSoftmaxBackwardDataBackward0 nodes
   under create_graph). dim may be negative; a 0-dim tensor takes 0 or -1.
   The result is contiguous, in t's dtype: f32, f64, f16 or bf16 (half ones
   as PyTorch 2 computes them: the float value rounded, the gradient from
   float copies of the upstream gradient and the rounded result); other
   dtypes fail with PyTorch's "not implemented for" error, except that an empty
   tensor of any dtype gives an empty copy, as in PyTorch. A slice whose
   largest element is +inf, or whose elements are all -inf, gives NaN. */
tg_tensor *tg_softmax(const tg_tensor *t, int64_t dim);
tg_tensor *tg_log_softmax(const tg_tensor *t, int64_t dim);

/* F.linear: input @ weight.t() + bias, weight (out_features, in_features),
   bias (out_features) or NULL, input (..., in_features) of any rank >= 1.
   Composed as PyTorch 1.13 composes it, so with its graph: a matrix input
   with bias is addmm (AddmmBackward0, TBackward0), a contiguous 3-D input
   with bias a viewed addmm, anything else matmul (MmBackward0, ...) and an
   in-place add of the bias (AddBackward0). Errors are those of addmm and
   matmul ("mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)"), and
   of t() for a weight of more than 2 dims. A NULL bias means none (here and
   in bilinear), so a bias computed by a call that may fail is checked
   before it is passed. */
tg_tensor *tg_linear(const tg_tensor *input, const tg_tensor *weight, const tg_tensor *bias);
/* F.bilinear: out[..., o] = sum_ij input1[..., i] weight[o, i, j]
   input2[..., j] + bias[o]; weight (out, in1, in2), bias (out) or NULL, the
   inputs of one rank with equal leading dims. PyTorch's graph: the inputs
   reshaped to matrices, TrilinearBackward0, reshaped back, AddBackward0 for
   the bias; PyTorch's "bilinear(): ..." errors. */
tg_tensor *tg_bilinear(const tg_tensor *input1, const tg_tensor *input2, const tg_tensor *weight,
                       const tg_tensor *bias);

/* F.dropout: during training (training true) each element is zeroed with
   probability p and the others scaled by 1 / (1 - p), as t times a mask
   (MulBackward0: the gradient goes through the same mask). p = 1 gives
   t * 0; p = 0, evaluation or no elements return t itself, as PyTorch does.
   p outside [0, 1] fails ("dropout probability has to be between 0 and 1,
   but got 1.5"); a mask for an integer t fails as PyTorch's does. The mask
   is drawn from tensorgrad's generator (tg_manual_seed), or from gen in
   the _gen forms (NULL: that one), so it differs from PyTorch's. */
tg_tensor *tg_dropout(const tg_tensor *t, double p, bool training);
tg_tensor *tg_dropout_gen(const tg_tensor *t, double p, bool training, tg_generator *gen);
/* In place (F.dropout's inplace=True): t times the mask, returning t
   (itself, untouched, when nothing is dropped); PyTorch's in-place errors
   (a leaf that requires grad, an expanded t). dropout2d_ likewise. */
tg_tensor *tg_dropout_(tg_tensor *t, double p, bool training);
/* F.dropout2d: whole channels dropped, one draw per (t[n], t[n][c]) pair
   of the first two dims, the same for all the other dims: (N, C, H, W). As
   in PyTorch (1.13 and 2.x) a 3-D input is taken as (N, C, L) with its
   warning, and other ranks are warned about; fewer than 2 dims fail when a
   mask is drawn ("Feature dropout requires at least 2 dimensions in the
   input"). */
tg_tensor *tg_dropout2d(const tg_tensor *t, double p, bool training);
tg_tensor *tg_dropout2d_gen(const tg_tensor *t, double p, bool training, tg_generator *gen);
tg_tensor *tg_dropout2d_(tg_tensor *t, double p, bool training);

/* F.embedding: the rows of weight (num_embeddings, dim) that indices
   (TG_I64 or TG_I32, any shape) name, shaped indices' shape + (dim)
   (EmbeddingBackward0; its gradient adds each position's gradient into
   its row and is a node too, EmbeddingDenseBackwardBackward0, so second
   derivatives work). An index
   outside [0, num_embeddings) fails with "index out of range in self". The
   _ex form takes PyTorch's padding_idx (when has_padding_idx; negative
   counts from the end; that row receives no gradient) and
   scale_grad_by_freq (each row's gradient divided by how often its index
   occurs); PyTorch's max_norm, which renormalizes weight in place, is not
   offered. */
typedef struct tg_embedding_opts {
    bool has_padding_idx;      /* false: PyTorch's padding_idx=None */
    int64_t padding_idx;
    bool scale_grad_by_freq;
} tg_embedding_opts;
tg_tensor *tg_embedding(const tg_tensor *indices, const tg_tensor *weight);
tg_tensor *tg_embedding_ex(const tg_tensor *indices, const tg_tensor *weight, tg_embedding_opts opts);
/* F.one_hot: index (TG_I64) with a last dim of num_classes added, 1 at each
   index and 0 elsewhere (TG_I64); num_classes -1 means the largest index +
   1. PyTorch's errors: "Class values must be non-negative.", "Class
   values must be smaller than num_classes.", "one_hot is only applicable
   to index tensor.", and for an empty index without num_classes "Can not
   infer total number of classes from empty tensor.". */
tg_tensor *tg_one_hot(const tg_tensor *index, int64_t num_classes);

/* F.cosine_similarity: sum(x1 / |x1| * x2 / |x2|) along dim, each norm
   taken along dim and at least eps (PyTorch's default 1e-8); x1 and x2
   broadcast, integer inputs taken in their common floating dtype (both
   integer fails as PyTorch does). Composed as PyTorch 1.13 composes it
   (ExpandBackward0, PowBackward0, SumBackward1, SqrtBackward0,
   DivBackward0, MulBackward0, SumBackward1); the eps clamp is outside the
   graph, as PyTorch's. */
tg_tensor *tg_cosine_similarity(const tg_tensor *x1, const tg_tensor *x2, int64_t dim, double eps);
/* F.pairwise_distance: the p-norm of x1 - x2 + eps along the last dim of
   their broadcast shape (PyTorch's defaults p 2, eps 1e-6, keepdim false):
   SubBackward0, AddBackward1, NormBackward1. p may be 0, negative or
   INFINITY, as in torch.norm. */
tg_tensor *tg_pairwise_distance(const tg_tensor *x1, const tg_tensor *x2, double p, double eps, bool keepdim);

/* F.scaled_dot_product_attention as PyTorch 2.0 defines it (1.13 lacks it):
   softmax(q k^T / sqrt(E) + mask) v over the last two dims, q (..., L, E),
   k (..., S, E), v (..., S, Ev), batch dims broadcast as matmul does.
   attn_mask (NULL: none) broadcasts to (..., L, S): a TG_BOOL mask keeps
   where true (-inf elsewhere), another is added; is_causal keeps the lower
   triangle (j <= i) and refuses an attn_mask as PyTorch does. dropout_p >
   0 applies tg_dropout to the attention weights (always, as PyTorch: the
   function has no training flag). Composed as PyTorch 2.0's math path
   composes it, so with its graph: q and k^T each divided by E^(1/4)
   (DivBackward1), matmul, an in-place add of the mask (AddBackward0),
   SoftmaxBackward0, MulBackward0 for dropout, matmul; its errors are
   those operations'. */
tg_tensor *tg_scaled_dot_product_attention(const tg_tensor *q, const tg_tensor *k, const tg_tensor *v,
                                           const tg_tensor *attn_mask, double dropout_p, bool is_causal);

/* ------------------------------------------------------------ nn: losses */

/* Losses take PyTorch's reduction of the elementwise loss: the mean
   (TG_MEAN, the zero value), the sum, or none (the loss of each element,
   in the broadcast shape). TG_BATCHMEAN, the sum divided by the size of
   dim 0 (PyTorch's reduction="batchmean"), is tg_kl_div's only; another
   loss given it, or any value outside the enum, fails with PyTorch's
   "<value> is not a valid value for reduction". The result has the
   dtype of the input and target promoted, and is recorded with PyTorch's
   nodes: the loss's own (MseLossBackward0, ...), or for a loss PyTorch
   composes (l1_loss, kl_div, margin_ranking_loss, cross_entropy) the
   nodes of its composition. A weight that requires grad fails in grad
   mode, as in PyTorch ("The function '...' is not differentiable with
   respect to argument 'weight'..."). */
typedef enum tg_reduction { TG_MEAN = 0, TG_SUM, TG_NONE, TG_BATCHMEAN } tg_reduction;

/* Regression losses of input and target broadcast together (warning, as
   F.mse_loss does, when their shapes differ; an expanded operand shows
   ExpandBackward0): (x - y)^2 (MseLossBackward0); |x - y|, composed as
   PyTorch's abs of sub; smooth_l1: 0.5 (x - y)^2 / beta where |x - y| <
   beta, else |x - y| - 0.5 beta (SmoothL1LossBackward0; beta >= 0, 0 is
   l1); huber: 0.5 (x - y)^2 where |x - y| < delta, else delta (|x - y| -
   0.5 delta) (HuberLossBackward0; delta > 0). Integer operands fail with
   PyTorch's "not implemented for" errors. tg_mse_loss and tg_l1_loss are
   the TG_MEAN forms. */
tg_tensor *tg_mse_loss_ex(const tg_tensor *input, const tg_tensor *target, tg_reduction r);
tg_tensor *tg_l1_loss(const tg_tensor *input, const tg_tensor *target);
tg_tensor *tg_l1_loss_ex(const tg_tensor *input, const tg_tensor *target, tg_reduction r);
tg_tensor *tg_smooth_l1_loss(const tg_tensor *input, const tg_tensor *target, tg_reduction r, double beta);
tg_tensor *tg_huber_loss(const tg_tensor *input, const tg_tensor *target, tg_reduction r, double delta);

/* Binary cross entropy of probabilities input (in [0, 1], else "all
   elements of input should be between 0 and 1") against target of the
   same shape and dtype: -w (y log x + (1 - y) log(1 - x)), each log
   clamped at -100 as PyTorch does (BinaryCrossEntropyBackward0, with
   gradients for input and target). weight (NULL: none) broadcasts to the
   target. tg_binary_cross_entropy is the TG_MEAN form without weight. */
tg_tensor *tg_binary_cross_entropy(const tg_tensor *input, const tg_tensor *target);
tg_tensor *tg_binary_cross_entropy_ex(const tg_tensor *input, const tg_tensor *target,
                                      const tg_tensor *weight, tg_reduction r);
/* The same from logits, stably: w ((1 - y) x + (1 + (p - 1) y) log(1 +
   exp(-x))) with pos_weight p (NULL: 1) broadcast against the target
   (BinaryCrossEntropyWithLogitsBackward0). The target must have the
   input's shape. tg_binary_cross_entropy_with_logits is the TG_MEAN form
   without weights. */
tg_tensor *tg_binary_cross_entropy_with_logits_ex(const tg_tensor *input, const tg_tensor *target,
                                                  const tg_tensor *weight, const tg_tensor *pos_weight,
                                                  tg_reduction r);

/* Kullback-Leibler divergence of target from input, both as torch.kl_div
   takes them (input log-probabilities; target probabilities, or
   log-probabilities with log_target): y (log y - x) as xlogy(y, y) - y x,
   or exp(y) (y - x); composed as PyTorch composes it. TG_BATCHMEAN divides
   the sum by the size of dim 0 (DivBackward0; a 0-dim input gives the
   sum), and TG_MEAN warns as F.kl_div does. Integer operands fail. */
tg_tensor *tg_kl_div(const tg_tensor *input, const tg_tensor *target, tg_reduction r, bool log_target);

/* max(0, -y (x1 - x2) + margin), composed as PyTorch composes it
   (ClampMinBackward0 of AddBackward1 of MulBackward0). The three tensors
   must have the same number of dims and broadcast together. */
tg_tensor *tg_margin_ranking_loss(const tg_tensor *x1, const tg_tensor *x2, const tg_tensor *y, double margin,
                                  tg_reduction r);

/* Options of cross_entropy and nll_loss: weight (NULL, or one per class,
   in the input's dtype), ignore_index (targets equal to it add nothing and
   count nothing: a mean over only ignored targets is NaN, as in PyTorch),
   label_smoothing (cross_entropy only, at most 1) and the reduction
   (TG_MEAN divides by the sum of the targets' weights). */
typedef struct tg_ce_opts {
    const tg_tensor *weight;
    int64_t ignore_index;
    double label_smoothing;
    tg_reduction reduction;
} tg_ce_opts;
/* PyTorch's defaults: no weight, ignore_index -100, no smoothing, mean. */
tg_ce_opts tg_ce_defaults(void);
/* Negative log likelihood of input (log-probabilities: (N, C), (C), or
   (N, C, d1, ...)) at target (TG_I64 class indices: (N), (), or (N, d1,
   ...)): -w[t] input[t] (NllLossBackward0; NllLoss2DBackward0 for
   (N, C, d1, ...) inputs, which are viewed as (N, C, 1, -1) first for other
   than 4 dims, as PyTorch does). A target outside [0, C) that is not
   ignore_index fails with "Target 5 is out of bounds."; another dtype
   with "expected scalar type Long but found Float". label_smoothing is
   unused. tg_nll_loss takes tg_ce_defaults(). */
tg_tensor *tg_nll_loss(const tg_tensor *input, const tg_tensor *target);
tg_tensor *tg_nll_loss_ex(const tg_tensor *input, const tg_tensor *target, tg_ce_opts opts);
/* Cross entropy of logits input (as nll_loss's input, classes along dim 1,
   or dim 0 for a 1-D input) against target class indices (as nll_loss's)
   or, when target has the input's shape, class probabilities of a floating
   dtype (which take no ignore_index: set it negative). Composed as PyTorch
   composes it: log_softmax (LogSoftmaxBackward0) then nll_loss, with label
   smoothing the mix (1 - s) nll + s / C smooth of the two
   (AddBackward0(MulBackward1, MulBackward1), smooth being the negative
   sum of log-probabilities over classes, weighted, zero at ignored
   targets (IndexPutBackward0)); for probabilities -sum(w y log_softmax(x)),
   divided by N d1 ... for TG_MEAN (DivBackward1). tg_cross_entropy takes
   tg_ce_defaults(). */
tg_tensor *tg_cross_entropy(const tg_tensor *input, const tg_tensor *target);
tg_tensor *tg_cross_entropy_ex(const tg_tensor *input, const tg_tensor *target, tg_ce_opts opts);

/* ----------------------------------------------------- nn: normalisation */

/* In this section a NULL weight, bias or running statistic means none,
   also when it is the NULL result of a failed operation: check such an
   argument before passing it. */

/* F.layer_norm: normalises over the last `ndim` dims, whose sizes are
   normalized_shape, to mean 0 and variance 1 (biased, eps added under the
   square root), then scales by weight and shifts by bias (each of
   normalized_shape's shape; NULL: none). NativeLayerNormBackward0; the
   result is contiguous. f32 values are PyTorch's to the bit (its Welford
   moments in f32). Errors as PyTorch's: an empty normalized_shape, a
   weight or bias of another shape, an input not ending in
   normalized_shape ("Given normalized_shape=[4], expected input with shape
   [*, 4], but got input of size[2, 3]"), an input not floating, parameters
   of another dtype. TG_F16 and TG_BF16 inputs are computed in float and
   rounded, gradients too (docs/guide_nn.md, "float16 and bfloat16"). */
tg_tensor *tg_layer_norm(const tg_tensor *input, const int64_t *normalized_shape, int ndim,
                         const tg_tensor *weight, const tg_tensor *bias, double eps);
/* F.group_norm: the channels (dim 1) of input (N, C, ...) in num_groups
   groups of C / num_groups, each sample's group normalised over its
   channels and the remaining dims as layer_norm normalises, then each
   channel scaled by weight[c] and shifted by bias[c] (each (C); NULL:
   none). NativeGroupNormBackward0, reached through CloneBackward0 from a
   non-contiguous input, as PyTorch makes it contiguous, except a
   channels-last one (4 or 5 dims), whose layout the result keeps; else
   the result is contiguous. f32 values are PyTorch's to the bit.
   Errors as PyTorch's (F.group_norm's Python checks included): fewer than
   2 dims, num_groups 0 ("integer division or modulo by zero"), negative,
   or not dividing C ("Expected number of channels in input to be
   divisible by num_groups, but got input of shape [2, 6, 4] and
   num_groups=4"), one value per group ("Expected more than 1 value per
   channel when training, got input size [1, 3]"), parameters not of C
   elements or of another dtype, integer inputs. Half inputs as
   tg_layer_norm's. */
tg_tensor *tg_group_norm(const tg_tensor *input, int64_t num_groups, const tg_tensor *weight,
                         const tg_tensor *bias, double eps);
/* F.batch_norm over input (N, C, ...) of 2 dims or more: each channel c
   normalised with its mean and biased variance over the batch and the
   other dims (training), or with running_mean[c] and running_var[c]
   (evaluation), eps added to the variance; then scaled by weight[c] and
   shifted by bias[c] (NULL: none). NativeBatchNormBackward0 (edges to
   input, weight and bias only); the result is contiguous, or channels-last
   for a channels-last input of 4 or 5 dims, as PyTorch lays it out.
   Training with running statistics updates them in place as PyTorch's
   CPU kernel does: mean <- momentum * batch mean + (1 - momentum) * mean,
   var <- momentum * unbiased batch variance + (1 - momentum) * var
   (either may be NULL: not updated). As in PyTorch they are not part of
   the graph, the update leaves their version counters alone, and the node
   saves them (changing them in place before backward fails it). A failed
   call leaves them unchanged. momentum NAN is PyTorch's momentum=None
   (the cumulative average of PyTorch's BatchNorm layers): that needs the
   layer's count of batches, num_batches_tracked, which a functional call
   does not have, so a caller passes momentum = 1.0 / num_batches_tracked
   (counted after incrementing it), which is what PyTorch's layer passes;
   NAN itself is refused when training with running statistics, and
   unused otherwise. f32 values are PyTorch's to the bit for contiguous
   and 4-dim channels-last inputs (for (N, C), (N, C, 1, ..) and
   channels-last inputs, its sums on one thread, the order PyTorch's batch
   sums take with torch.get_num_threads() == 1); for other layouts they may
   differ in the last bit.
   Errors as PyTorch's (F.batch_norm's Python checks included): "Expected
   more than 1 value per channel when training, got input size
   torch.Size([1, 3])", fewer than 2 dims, "running_mean must be defined in
   evaluation mode", parameters not of C elements ("running_mean should
   contain 3 elements not 4") or of another dtype, inputs other than
   TG_F32, TG_F64, TG_F16 and TG_BF16 (half inputs computed in float and
   rounded, half running statistics updated from float copies; a TG_BF16
   input also takes TG_F32 parameters, as PyTorch's mixed form). An empty
   input gives input * weight[0] + bias[0] as
   PyTorch's does (CloneBackward0, MulBackward0, AddBackward0). */
tg_tensor *tg_batch_norm(const tg_tensor *input, tg_tensor *running_mean, tg_tensor *running_var,
                         const tg_tensor *weight, const tg_tensor *bias, bool training,
                         double momentum, double eps);
/* PyTorch 2.4's F.rms_norm, composed as it composes it:
   input * rsqrt(mean(input^2 over the last ndim dims) + eps) * weight
   (weight of normalized_shape's shape; NULL: none), so its graph is
   MulBackward0(MulBackward0(.., RsqrtBackward0(AddBackward0(MeanBackward1(
   PowBackward0(..))))), ..). eps NAN is PyTorch's eps=None: the machine
   epsilon of the type it computes in (DBL_EPSILON for TG_F64 and TG_C128,
   else FLT_EPSILON). Shape errors as layer_norm's; integer inputs fail
   ("\"rms_norm\" not implemented for 'Long'"). */
tg_tensor *tg_rms_norm(const tg_tensor *input, const int64_t *normalized_shape, int ndim,
                       const tg_tensor *weight, double eps);

/* ---------------------------------------- nn: convolution, unfold and fold */

/* Convolutions, as torch.nn.functional's conv1d, conv2d and conv_transpose2d:
   input (N, C_in, H, W) or unbatched (C_in, H, W) (conv1d: (N, C_in, L) or
   (C_in, L)); weight (C_out, C_in / groups, kH, kW), for the transposed
   form (C_in, C_out / groups, kH, kW); bias (C_out) or NULL. Computed as
   im2col and a matrix product (CBLAS when the build has it); f32, f64, f16
   and bf16 (computed in float and rounded) and (not transposed) i32 and
   i64, input, weight and bias of one dtype. The
   result is contiguous, or channels-last when the input or the weight is
   (conv2d, as PyTorch's CPU kernel gives it); its node is
   ConvolutionBackward0 (unbatched: SqueezeBackward1 over it, over
   UnsqueezeBackward0 of the input). Gradients of input, weight and bias
   come from the same kernels image by image; under create_graph they are
   written with unfold, fold and matrix products instead, so that they have
   derivatives of their own (their graphs show those operations, where
   PyTorch shows ConvolutionBackwardBackward0). Errors are PyTorch's (input
   or weight rank, channels, groups, kernel larger than the padded input,
   non-positive stride or dilation, negative padding, dtypes, bias size).
   tg_conv_opts: zero fields mean stride 1, padding 0, dilation 1, groups 1;
   padding_same is padding="same" (refused with a stride above 1; an odd
   total padding first pads the input with a zero after, recorded as
   PyTorch's ConstantPadNdBackward0, with its warning once a process);
   conv1d reads element [0] of each pair. Negative values reach PyTorch's
   errors. */
typedef struct tg_conv_opts {
    int64_t stride[2], padding[2], dilation[2], groups;   /* zero fields: 1, 0, 1, 1 */
    bool padding_same;                                     /* PyTorch's padding="same" */
} tg_conv_opts;                                            /* conv1d reads element [0] */
tg_tensor *tg_conv2d(const tg_tensor *input, const tg_tensor *weight, const tg_tensor *bias, tg_conv_opts opts);
tg_tensor *tg_conv1d(const tg_tensor *input, const tg_tensor *weight, const tg_tensor *bias, tg_conv_opts opts);
/* The transposed convolution (the gradient of conv2d with respect to its
   input), as F.conv_transpose2d: output size (H - 1) * stride - 2 * padding
   + dilation * (kH - 1) + output_padding + 1, output_padding smaller than
   stride or dilation. Zero fields mean stride 1, padding 0, output_padding
   0, dilation 1, groups 1. f32, f64, f16, bf16 and i64; the result is
   contiguous. */
typedef struct tg_conv_transpose_opts {
    int64_t stride[2], padding[2], output_padding[2], dilation[2], groups;
} tg_conv_transpose_opts;
tg_tensor *tg_conv_transpose2d(const tg_tensor *input, const tg_tensor *weight, const tg_tensor *bias,
                               tg_conv_transpose_opts opts);

/* Sliding blocks, as F.unfold (im2col, Im2ColBackward0) and F.fold
   (col2im, Col2ImBackward0), each the other's derivative. unfold: input
   (N, C, H, W) or (C, H, W) -> (N, C * kH * kW, L) or (C * kH * kW, L),
   one column per block (L blocks; zero padding around the image). fold:
   input (N, C * kH * kW, L) or (C * kH * kW, L) -> (N, C, output_size[0],
   output_size[1]) or (C, ...), summing the columns back where unfold read
   them. Results are contiguous; floating dtypes. tg_fold_opts: kernel_size
   is required, zero dilation and stride mean 1, padding 0. Errors are
   PyTorch's (option values, ranks, empty dimensions, a block grid that
   does not fit, integer dtypes). */
typedef struct tg_fold_opts {
    int64_t kernel_size[2], dilation[2], padding[2], stride[2];
} tg_fold_opts;
tg_tensor *tg_unfold(const tg_tensor *input, tg_fold_opts opts);
tg_tensor *tg_fold(const tg_tensor *input, const int64_t output_size[2], tg_fold_opts opts);

/* ------------------------------------ nn: pooling, padding and resampling */

/* Pooling over the last two dims of a 3-D (C, H, W) or 4-D (N, C, H, W)
   input, as torch.nn.functional's: a window of kernel_size moved by stride
   (zero: kernel_size) over the input padded by `padding` on both sides
   (at most half the kernel), its elements `dilation` apart (zero: 1; max
   pooling only). ceil_mode rounds the output size up, as long as the last
   window starts inside the input or its left padding. avg_pool2d divides
   by the window's size within the padded input (PyTorch's default
   count_include_pad=True), or within the input when count_exclude_pad;
   integer inputs sum exactly and divide rounding toward zero. The max
   forms are floating only and propagate NaN; their indices (TG_I64, the
   result's shape; may be NULL) give each maximum's position within its
   H x W plane (max_pool1d: along the last dim), as return_indices=True
   does. Errors as PyTorch's. max_pool1d pools the last dim of a 2-D or 3-D
   input, reading element [0] of each field; as in PyTorch its graph is
   unsqueeze, max_pool2d, squeeze, and without indices or a gradient it
   checks its arguments with max_pool1d's own messages. */
typedef struct tg_pool_opts {
    int64_t kernel_size[2], stride[2], padding[2], dilation[2];  /* zero stride: kernel_size; zero dilation: 1 */
    bool ceil_mode, count_exclude_pad;   /* avg_pool2d: PyTorch's count_include_pad is the default */
} tg_pool_opts;
tg_tensor *tg_max_pool2d(const tg_tensor *input, tg_pool_opts opts);
tg_tensor *tg_max_pool2d_with_indices(const tg_tensor *input, tg_pool_opts opts, tg_tensor **indices);
tg_tensor *tg_max_pool1d(const tg_tensor *input, tg_pool_opts opts);
tg_tensor *tg_max_pool1d_with_indices(const tg_tensor *input, tg_pool_opts opts, tg_tensor **indices);
tg_tensor *tg_avg_pool2d(const tg_tensor *input, tg_pool_opts opts);
/* avg_pool2d dividing every window by divisor_override (PyTorch's
   argument; 0: none, the window's size as above). */
tg_tensor *tg_avg_pool2d_ex(const tg_tensor *input, tg_pool_opts opts, int64_t divisor_override);
/* Adaptive pooling to out_h x out_w: output (i, j) pools rows
   [floor(i H / out_h), ceil((i + 1) H / out_h)) and likewise columns.
   adaptive_avg_pool2d of 1 x 1 is a mean over the last two dims
   (MeanBackward1), as in PyTorch; indices as max_pool2d's. */
tg_tensor *tg_adaptive_avg_pool2d(const tg_tensor *input, int64_t out_h, int64_t out_w);
tg_tensor *tg_adaptive_max_pool2d(const tg_tensor *input, int64_t out_h, int64_t out_w, tg_tensor **indices);
/* Padding, as torch.nn.functional.pad: pad holds npad (even) sizes, the
   last dim's (before, after) first, then the dim before it's, for up to
   all dims. TG_PAD_CONSTANT fills with value (any dtype; negative pads
   crop; ConstantPadNdBackward0); TG_PAD_REFLECT mirrors about the edge
   (pads smaller than the dim) and TG_PAD_REPLICATE repeats the edge, of the
   last 1, 2 or 3 dims of a 2-3, 3-4 or 4-5 dimensional floating input
   (ReflectionPad1DBackward0 ... ReplicationPad3DBackward0; value must be
   0). TG_PAD_CIRCULAR wraps around (pads at most the dim's size; batched
   inputs only), composed of slices and in-place copies as in PyTorch (its
   graph is CopySlices of SliceBackward0). Errors as PyTorch's. */
typedef enum tg_pad_mode { TG_PAD_CONSTANT, TG_PAD_REFLECT, TG_PAD_REPLICATE, TG_PAD_CIRCULAR } tg_pad_mode;
tg_tensor *tg_pad(const tg_tensor *input, const int64_t *pad, int npad, tg_pad_mode mode, double value);
/* torch.nn.functional.interpolate of the dims after the first two of a
   3-D, 4-D or 5-D floating input (N, C, ...), to `size` or by
   `scale_factor` (exactly one non-NULL, each of n values: one for every
   spatial dim, or n = 1 for all, as a Python number). A scale factor gives
   the size floor(in * scale) and, as in PyTorch, its own 1 / scale in the
   index formulas. TG_INTERP_NEAREST copies input floor(o * in / out)
   (PyTorch's float arithmetic; any of 1-3 dims), NEAREST_EXACT input
   floor((o + 0.5) in / out) ("nearest-exact"); LINEAR (3-D), BILINEAR
   (4-D) and TRILINEAR (5-D) interpolate between the two nearest inputs of
   each dim, at o (in - 1) / (out - 1) when align_corners (not for
   nearest), else at (o + 0.5) in / out - 0.5 clamped at 0. Nodes
   UpsampleNearest1DBackward1 ... UpsampleTrilinear3DBackward1 and
   UpsampleNearestExact1DBackward1 ... (the .vec forms F.interpolate calls);
   a channels-last 4-D or 5-D input gives a channels-last result; errors as
   PyTorch's. PyTorch computes a
   bilinear value as nested sums per dim, this library as one sum of taps
   weighted by products: the last bit of a float result may differ. */
typedef enum tg_interp_mode {
    TG_INTERP_NEAREST, TG_INTERP_LINEAR, TG_INTERP_BILINEAR, TG_INTERP_TRILINEAR, TG_INTERP_NEAREST_EXACT
} tg_interp_mode;
tg_tensor *tg_interpolate(const tg_tensor *input, const int64_t *size, const double *scale_factor, int n,
                          tg_interp_mode mode, bool align_corners);

/* ------------------------------------------------------------- autograd */

/* Sets requires_grad on a leaf; NULL with an error for integer dtypes and
   for non-leaf tensors. Returns t. */
tg_tensor *tg_requires_grad_(tg_tensor *t, bool requires_grad);
bool tg_requires_grad(const tg_tensor *t);
bool tg_is_leaf(const tg_tensor *t);
/* The accumulated gradient, or NULL when there is none. The handle is the
   current scope's: it keeps the gradient it shows after tg_zero_grad(t) or
   a later backward that replaces it (one that accumulates into it in place,
   as PyTorch's does, changes what it shows). */
tg_tensor *tg_grad(const tg_tensor *t);
/* Clears the accumulated gradient (PyTorch's `t.grad = None`). */
void tg_zero_grad(tg_tensor *t);

const tg_node *tg_grad_fn(const tg_tensor *t);   /* NULL for leaves */
const char *tg_node_name(const tg_node *node);   /* "AddBackward0", ... */
int tg_node_num_next(const tg_node *node);
/* The i-th next node, NULL where that input needs no gradient. */
const tg_node *tg_node_next(const tg_node *node, int i);

typedef struct tg_backward_opts {
    bool retain_graph;   /* keep saved tensors for another backward */
    bool create_graph;   /* record the backward pass, for higher derivatives;
                            implies retain_graph, as PyTorch's default does */
    bool allow_unused;   /* tg_autograd_grad: NULL for an input the outputs do
                            not depend on, instead of an error */
} tg_backward_opts;

/* `gradient` may be NULL only for a one-element root. 0, or -1 with an error. */
int tg_backward(tg_tensor *root, const tg_tensor *gradient);
int tg_backward_ex(tg_tensor *root, const tg_tensor *gradient, tg_backward_opts opts);
/* Like torch.autograd.grad: writes d(outputs)/d(inputs[i]) to grads_out[i]
   (owned by the current scope) without touching any leaf's .grad (a
   non-leaf that retains its grad gets it, as in PyTorch). grad_outputs may
   be NULL, or hold NULL entries, for one-element outputs. */
int tg_autograd_grad(tg_tensor *const *outputs, int n_out,
                     tg_tensor *const *inputs, int n_in,
                     tg_tensor *const *grad_outputs, tg_backward_opts opts,
                     tg_tensor **grads_out);

/* Gradient hooks (PyTorch's Tensor.register_hook, Node.register_prehook,
   Node.register_hook and 2.1's Tensor.register_post_accumulate_grad_hook).
   A hook is a C callback with a context; ctx_free (may be NULL) is called
   on ctx once the hook is removed or its tensor or node is gone. Each
   registration returns a handle (> 0), or -1 with an error (ctx_free is
   then not called: ctx is still the caller's); tg_hook_remove
   takes the hook off (a handle already removed, or whose owner is gone, is
   ignored, as PyTorch's handle.remove()). A hook returns 0, or -1 to make
   the backward fail: the backward then writes no .grad (tg_last_error is
   the error the hook's failing call set, or "a hook returned an error").
   A gradient a hook puts in place of another must have its shape and dtype
   (PyTorch's "hook has changed the size of value" otherwise); make it with
   tensorgrad operations in the hook (the backward keeps it). Hooks run in
   PyTorch 1.13's order: at a node, its pre-hooks, then the hooks of the
   tensor it made, then retain_grad, then the derivative, then its hooks;
   several on one owner in the order they were registered. A leaf's hooks
   run when its gradient is complete, before it is stored. They do not run
   for the tensors tg_autograd_grad returns (as in PyTorch 1.13). */
typedef int64_t tg_hook_handle;
/* Sees t's gradient; may set *replacement to a new one (NULL: keep it). */
typedef int (*tg_tensor_hook_fn)(const tg_tensor *grad, tg_tensor **replacement, void *ctx);
/* t must require grad ("cannot register a hook on a tensor that doesn't
   require gradient"). */
tg_hook_handle tg_register_hook(tg_tensor *t, tg_tensor_hook_fn fn, void *ctx, void (*ctx_free)(void *));
/* Sees (and may replace entries of) the gradients of node's outputs. */
typedef int (*tg_node_prehook_fn)(const tg_node *node, tg_tensor **grad_outputs, int n_outputs, void *ctx);
tg_hook_handle tg_node_register_prehook(const tg_node *node, tg_node_prehook_fn fn, void *ctx,
                                        void (*ctx_free)(void *));
/* Sees the gradients node computed for its inputs (NULL where an input
   gets none; may replace entries) and those of its outputs. */
typedef int (*tg_node_hook_fn)(const tg_node *node, tg_tensor **grad_inputs, int n_inputs,
                               tg_tensor *const *grad_outputs, int n_outputs, void *ctx);
tg_hook_handle tg_node_register_hook(const tg_node *node, tg_node_hook_fn fn, void *ctx, void (*ctx_free)(void *));
/* Runs with the leaf once a backward has stored its .grad (data-parallel
   training's all-reduce). Leaves only ("post accumulate grad hooks cannot
   be registered on non-leaf tensors"). The backward stores every leaf's
   .grad first, then runs these hooks in the order PyTorch runs its
   AccumulateGrad nodes; one that fails makes the backward return -1 with
   the .grad already stored. */
typedef int (*tg_post_accumulate_grad_hook_fn)(tg_tensor *leaf, void *ctx);
tg_hook_handle tg_register_post_accumulate_grad_hook(tg_tensor *t, tg_post_accumulate_grad_hook_fn fn, void *ctx,
                                                     void (*ctx_free)(void *));
void tg_hook_remove(tg_hook_handle handle);

/* Makes a backward store the gradient of t, a non-leaf, in its .grad
   (tg_grad) as it does for leaves; a no-op for a leaf. NULL with PyTorch's
   error for a tensor that does not require grad. Returns t. */
tg_tensor *tg_retain_grad(tg_tensor *t);
bool tg_retains_grad(const tg_tensor *t);

/* torch.autograd.backward(tensors, grad_tensors, inputs=inputs): backward
   from n roots at once, grads[i] for roots[i] (grads may be NULL, or hold
   NULL entries, for one-element roots). With inputs (n_in > 0), only their
   .grad is accumulated (leaves, or non-leaf tensors). 0, or -1. */
int tg_backward_multi(tg_tensor *const *roots, int n, tg_tensor *const *grads, tg_tensor *const *inputs, int n_in,
                      tg_backward_opts opts);

/* PyTorch's setters. tg_set_grad(t, g) is `t.grad = g`: t's .grad becomes
   g itself (NULL: none), checked as PyTorch checks it ("assigned grad has
   data of a different type", "... of a different size", "can't assign
   Variable as its own grad"). tg_set_data(t, d) is `t.data = d`: t shows
   d's storage, dtype and shape (any), keeping its own version counter and
   autograd data; refused for an integer d when t requires grad. 0, or -1.
   tg_detach_(t) is `t.detach_()`: t loses its history and requires_grad;
   refused for views ("Can't detach views in-place. ..."). Returns t. */
int tg_set_grad(tg_tensor *t, tg_tensor *grad);
int tg_set_data(tg_tensor *t, const tg_tensor *data);
tg_tensor *tg_detach_(tg_tensor *t);

/* Shares storage and version counter, no history. */
tg_tensor *tg_detach(const tg_tensor *t);
/* Shares storage with a new version counter, no history (PyTorch's x.data). */
tg_tensor *tg_data(const tg_tensor *t);

/* Grad mode is per thread. */
bool tg_set_grad_enabled(bool enabled);   /* returns the previous mode */
bool tg_is_grad_enabled(void);
/* TG_NO_GRAD { ... } runs the block with grad mode off, TG_ENABLE_GRAD
   { ... } with it on, and both restore the previous mode after it. They
   nest. With gcc and clang the mode is restored however the block is left
   (break, which leaves the block itself, return or goto); with other
   compilers only when the block ends normally or by break. */
#define TG_NO_GRAD TG__GRAD_MODE(false, TG__UNIQUE(tg__grad_mode_))
#define TG_ENABLE_GRAD TG__GRAD_MODE(true, TG__UNIQUE(tg__grad_mode_))

#define TG__CONCAT2(a, b) a##b
#define TG__CONCAT(a, b) TG__CONCAT2(a, b)
#ifdef __COUNTER__
#define TG__UNIQUE(name) TG__CONCAT(name, __COUNTER__)
#else
#define TG__UNIQUE(name) TG__CONCAT(name, __LINE__)
#endif
#if defined(__GNUC__) || defined(__clang__)
static inline void tg__grad_mode_restore(const bool *previous) { tg_set_grad_enabled(*previous); }
/* The mode is restored when the loop's variable goes out of scope. */
#define TG__GRAD_MODE(enabled, v) \
    for (bool v __attribute__((cleanup(tg__grad_mode_restore), unused)) = tg_set_grad_enabled(enabled), \
         TG__CONCAT(v, _once) = true; TG__CONCAT(v, _once); TG__CONCAT(v, _once) = false)
#else
#define TG__GRAD_MODE(enabled, v) \
    for (bool v = tg_set_grad_enabled(enabled), TG__CONCAT(v, _once) = true; TG__CONCAT(v, _once); \
         TG__CONCAT(v, _once) = false, tg_set_grad_enabled(v))
#endif

/* Inference mode (torch.inference_mode) is per thread. Turning it on turns
   grad mode off, and turning it off turns grad mode on, as PyTorch's guard
   does; TG_INFERENCE_MODE { ... } (and TG_INFERENCE_MODE_OFF) restore both
   modes after the block, as TG_NO_GRAD does. The tensors made in it are
   inference tensors (tg_is_inference; views of them too): their writes
   move no version counter and their views are not tracked. Outside
   inference mode, writing one in place or making it require grad fails
   with PyTorch's error, and so does a backward through a node that saved
   one ("Inference tensors cannot be saved for backward. ..."; PyTorch
   raises it in the forward). */
bool tg_set_inference_mode(bool enabled);   /* returns the previous inference mode */
bool tg_is_inference_mode_enabled(void);
bool tg_is_inference(const tg_tensor *t);
#define TG_INFERENCE_MODE TG__INFERENCE_MODE(true, TG__UNIQUE(tg__inference_mode_))
#define TG_INFERENCE_MODE_OFF TG__INFERENCE_MODE(false, TG__UNIQUE(tg__inference_mode_))
/* Both modes in one int: grad mode in bit 1, inference mode in bit 0. */
static inline int tg__inference_enter(bool enabled)
{
    int grad = tg_is_grad_enabled() ? 2 : 0;
    return grad | (int)tg_set_inference_mode(enabled);
}
static inline void tg__inference_restore(const int *previous)
{
    tg_set_inference_mode(*previous & 1);
    tg_set_grad_enabled(*previous & 2);
}
#if defined(__GNUC__) || defined(__clang__)
#define TG__INFERENCE_MODE(enabled, v) \
    for (int v __attribute__((cleanup(tg__inference_restore), unused)) = tg__inference_enter(enabled), \
         TG__CONCAT(v, _once) = 1; TG__CONCAT(v, _once); TG__CONCAT(v, _once) = 0)
#else
#define TG__INFERENCE_MODE(enabled, v) \
    for (int v = tg__inference_enter(enabled), TG__CONCAT(v, _once) = 1; TG__CONCAT(v, _once); \
         TG__CONCAT(v, _once) = 0, tg__inference_restore(&v))
#endif

/* Writes the graph behind t as Graphviz DOT. 0, or -1 with an error. */
int tg_graph_dot(const tg_tensor *t, FILE *out);

/* Compares the gradients of f (a function of n f64 inputs that returns a
   tensor; a fixed weighting of its elements is checked) with central finite
   differences. With `second_order`, also checks the gradients of the
   gradients through create_graph. Returns 0 when they agree, -1 with an
   error that names the first mismatch otherwise. Inputs and outputs may
   also be complex128: as PyTorch's gradcheck, the real and imaginary part
   of each element are perturbed (and counted as elements 2i, 2i + 1) and
   the gradient is the conjugate Wirtinger one. */
typedef tg_tensor *(*tg_gradcheck_fn)(tg_tensor *const *inputs, int n, void *ctx);
typedef struct tg_gradcheck_opts {
    double eps, atol, rtol;   /* zero fields mean 1e-6, 1e-5, 1e-3 */
    bool second_order;
} tg_gradcheck_opts;
int tg_gradcheck(tg_gradcheck_fn f, tg_tensor *const *inputs, int n, void *ctx,
                 tg_gradcheck_opts opts);

/* ------------------------------------------- forward-mode AD (forward_ad) */

/* torch.autograd.forward_ad. A dual level is open between enter and exit
   (one at a time, per thread: entering again fails with PyTorch's "Nested
   forward mode AD is not supported at the moment"); closing it drops every
   tangent made in it. Inside a level, an operation on a tensor that has a
   tangent gives its result the tangent J t (its tangent rule; an operation
   without one fails with PyTorch's "Trying to use forward AD with ..."),
   so a Jacobian-vector product costs one forward pass. A gradient taken
   with create_graph inside a level carries tangents too (forward-over-
   reverse: the tangent of the gradient is a Hessian-vector product).
   enter and exit return 0, or -1 with an error. */
int tg_fwad_enter_dual_level(void);
int tg_fwad_exit_dual_level(void);
bool tg_fwad_level_open(void);
/* A view of primal carrying tangent (of primal's shape; both floating). */
tg_tensor *tg_make_dual(const tg_tensor *primal, const tg_tensor *tangent);
/* The primal of t (a view without tangent); *tangent (may be NULL) gets t's
   tangent at the open level, or NULL when it has none. */
tg_tensor *tg_unpack_dual(const tg_tensor *t, tg_tensor **tangent);

/* ------------------------------- functional transforms (autograd.functional) */

/* torch.autograd.functional over f: vjp, jvp, jacobian, hessian, hvp and vhp
   (names and arguments in the order of PyTorch's). They return 0, or -1
   with PyTorch's error (a wrong v shape, a function that returns NULL,
   strict mode's "... is independent of input 0 ..."); results are owned
   by the current scope and detached unless create_graph. `output` may be
   NULL. v may be NULL for a one-element output (vjp) or a one-element
   single input (jvp, hvp, vhp). vjp_out, hvp_out and vhp_out hold one
   tensor per input, jvp_out one. */
typedef enum tg_func_strategy {
    TG_REVERSE_MODE = 0,   /* "reverse-mode": backward passes (jvp: the double backward trick) */
    TG_FORWARD_MODE        /* "forward-mode": dual tensors (jvp, jacobian) */
} tg_func_strategy;
typedef struct tg_func_opts {
    bool create_graph, strict;
    tg_func_strategy strategy;
} tg_func_opts;
int tg_func_vjp(tg_gradcheck_fn f, tg_tensor *const *inputs, int n, void *ctx,
                const tg_tensor *v, tg_tensor **output, tg_tensor **vjp_out);
int tg_func_vjp_ex(tg_gradcheck_fn f, tg_tensor *const *inputs, int n, void *ctx,
                   const tg_tensor *v, tg_tensor **output, tg_tensor **vjp_out, tg_func_opts opts);
int tg_func_jvp(tg_gradcheck_fn f, tg_tensor *const *inputs, int n, void *ctx,
                tg_tensor *const *v, tg_tensor **output, tg_tensor **jvp_out);
int tg_func_jvp_ex(tg_gradcheck_fn f, tg_tensor *const *inputs, int n, void *ctx,
                   tg_tensor *const *v, tg_tensor **output, tg_tensor **jvp_out, tg_func_opts opts);
/* The Jacobian of f at one input (shape: output's then input's), or NULL
   with an error; for n inputs, tg_func_jacobian_ex writes n blocks in
   PyTorch's tuple order. */
tg_tensor *tg_func_jacobian(tg_gradcheck_fn f, tg_tensor *const *inputs, int n, void *ctx, bool create_graph);
int tg_func_jacobian_ex(tg_gradcheck_fn f, tg_tensor *const *inputs, int n, void *ctx,
                        tg_tensor **blocks, tg_func_opts opts);
/* The Hessian of a one-element f; tg_func_hessian_ex writes n * n blocks,
   blocks[i * n + j] = d^2 f / d inputs[i] d inputs[j] (PyTorch's H[i][j]);
   the outer Jacobian is reverse mode only. */
tg_tensor *tg_func_hessian(tg_gradcheck_fn f, tg_tensor *const *inputs, int n, void *ctx, bool create_graph);
int tg_func_hessian_ex(tg_gradcheck_fn f, tg_tensor *const *inputs, int n, void *ctx,
                       tg_tensor **blocks, tg_func_opts opts);
int tg_func_hvp(tg_gradcheck_fn f, tg_tensor *const *inputs, int n, void *ctx,
                tg_tensor *const *v, tg_tensor **output, tg_tensor **hvp_out);
int tg_func_hvp_ex(tg_gradcheck_fn f, tg_tensor *const *inputs, int n, void *ctx,
                   tg_tensor *const *v, tg_tensor **output, tg_tensor **hvp_out, tg_func_opts opts);
int tg_func_vhp(tg_gradcheck_fn f, tg_tensor *const *inputs, int n, void *ctx,
                tg_tensor *const *v, tg_tensor **output, tg_tensor **vhp_out);
int tg_func_vhp_ex(tg_gradcheck_fn f, tg_tensor *const *inputs, int n, void *ctx,
                   tg_tensor *const *v, tg_tensor **output, tg_tensor **vhp_out, tg_func_opts opts);
/* ------------------------------------------------------ custom functions */

/* A function of the user's with its own derivative, like a subclass of
   torch.autograd.Function. forward gets the inputs (with grad mode off, as
   in PyTorch) and the caller's `args` (non-tensor arguments), writes n_out
   outputs and returns 0, or -1 with an error. backward gets the gradient of
   each output (NULL for one that got none, when materializing is turned
   off; zeros otherwise), writes the gradient of each input into
   grad_inputs[i] (NULL: none, PyTorch's None) and returns how many it gave
   (PyTorch's tuple length: it must be n_in), or -1 with an error.
   Gradients are fitted to each input's shape and dtype as PyTorch fits
   them. Written with tensorgrad operations, backward is itself recorded
   under create_graph (double backward). The node is named "<name>Backward"
   (PyTorch's name for a class `name`).
   Forward mode goes through a jvp rule (PyTorch's Function.jvp) that
   forward names with tg_ctx_set_jvp: inside a dual level, when an input
   has a tangent, forward runs without propagating tangents, then the jvp
   gets each input's tangent (zeros for a floating input without one, NULL
   for another), reads what forward saved with tg_ctx_saved, writes each
   output's tangent (of its shape; NULL: none) and returns how many it gave
   (it must be n_out), or -1 with an error. Without one, a dual input fails
   with PyTorch's message. */
typedef struct tg_ctx tg_ctx;
typedef int (*tg_function_forward_fn)(tg_ctx *ctx, tg_tensor *const *inputs, int n_in, void *args,
                                      tg_tensor **outputs, int n_out);
typedef int (*tg_function_backward_fn)(tg_ctx *ctx, tg_tensor *const *grad_outputs, int n_out,
                                       tg_tensor **grad_inputs, int n_in);
typedef int (*tg_function_jvp_fn)(tg_ctx *ctx, tg_tensor *const *input_tangents, int n_in,
                                  tg_tensor **output_tangents, int n_out);
typedef struct tg_function_def {
    const char *name;                  /* the class name, at most 120 characters */
    tg_function_forward_fn forward;
    tg_function_backward_fn backward;
} tg_function_def;
/* Runs def's forward on inputs and, when grad mode is on and an input
   requires grad, records one node for all its outputs (floating ones not
   marked non-differentiable get it as grad_fn). The outputs (owned by the
   current scope) go to outputs[0..n_out). 0, or -1 with an error (nothing
   written to outputs). */
int tg_function_apply(const tg_function_def *def, tg_tensor *const *inputs, int n_in, void *args,
                      tg_tensor **outputs, int n_out);
/* In forward: keeps ts (inputs, outputs or others) for backward, at the
   version they have when forward returns; a later call replaces them. */
int tg_ctx_save_for_backward(tg_ctx *ctx, tg_tensor *const *ts, int n);
/* In forward: the function's jvp rule (see tg_function_jvp_fn above). */
int tg_ctx_set_jvp(tg_ctx *ctx, tg_function_jvp_fn jvp);
/* In backward: the i-th saved tensor (borrowed), or NULL with PyTorch's
   error when it was modified in place since, or freed by an earlier
   backward. */
tg_tensor *tg_ctx_saved(tg_ctx *ctx, int i);
int tg_ctx_num_saved(const tg_ctx *ctx);
/* Whether input i requires grad (as PyTorch's, also in no-grad mode). */
bool tg_ctx_needs_input_grad(const tg_ctx *ctx, int i);
/* In forward: the inputs ts were written in place and are returned as
   outputs (ctx.mark_dirty); their version moves on and their history
   becomes this function. Views may not be marked. */
int tg_ctx_mark_dirty(tg_ctx *ctx, tg_tensor *const *ts, int n);
/* In forward: outputs ts get no gradient (ctx.mark_non_differentiable). */
int tg_ctx_mark_non_differentiable(tg_ctx *ctx, tg_tensor *const *ts, int n);
/* Whether backward gets zeros for outputs without a gradient (the default)
   or NULL. */
void tg_ctx_set_materialize_grads(tg_ctx *ctx, bool value);
/* User data that lives as long as the context (the node, or the call when
   nothing is recorded); destroy (may be NULL) frees it then. Setting it
   again destroys the previous data. */
void tg_ctx_set_data(tg_ctx *ctx, void *data, void (*destroy)(void *data));
void *tg_ctx_data(const tg_ctx *ctx);

/* ---------------------------------------------------- saved-tensor hooks */

/* torch.autograd.graph.saved_tensors_hooks(pack, unpack): while a pair is
   pushed on the calling thread (a stack: the innermost pair applies), every
   tensor the graph saves goes through pack, which returns a handle of its
   own (NULL: failed; the tensor is then kept as it is, with a warning), and
   backward gets it back through unpack (a tensor owned by the current
   scope). free (may be NULL) gets each handle when the graph drops it. The
   hooks run with grad mode off. As in PyTorch, a tensor saved through hooks
   has no version check (the hooks may keep a copy), while a second
   backward still fails. A leaf that requires grad (a parameter) is kept as
   it is, without hooks. */
typedef struct tg_saved_tensors_hooks {
    void *(*pack)(tg_tensor *t, void *user);
    tg_tensor *(*unpack)(void *packed, void *user);
    void (*free)(void *packed, void *user);
    void *user;
} tg_saved_tensors_hooks;
int tg_saved_tensors_hooks_push(tg_saved_tensors_hooks hooks);   /* 0, or -1 with an error */
int tg_saved_tensors_hooks_pop(void);
/* Ready-made pairs: keep each saved tensor in an anonymous temporary file
   (tmpfile(): removed when closed), read back on unpack; or keep floating
   tensors of a wider dtype in dtype (TG_F32 from TG_F64, TG_F16 or TG_BF16
   from TG_F32), converted back on unpack (the values lose that precision). */
tg_saved_tensors_hooks tg_saved_tensors_on_disk(void);
tg_saved_tensors_hooks tg_saved_tensors_in_dtype(tg_dtype dtype);

/* ----------------------------------------------------------- anomaly mode */

/* torch.autograd.set_detect_anomaly(mode, check_nan); process-wide. While
   it is on, a backward fails at the first node that returns a gradient with
   a NaN (with check_nan), its error names that node as PyTorch's does, the
   version error ends with PyTorch's anomaly hint, and a warning names the
   forward call that made the failing node (its label). Returns the previous
   mode. TG_DETECT_ANOMALY { ... } runs a block with it on (check_nan) and
   restores the previous mode after it (when the block ends normally or by
   break). */
bool tg_set_detect_anomaly(bool mode, bool check_nan);
bool tg_is_anomaly_enabled(void);                /* false at the start */
bool tg_is_anomaly_check_nan_enabled(void);      /* the flag itself: true at the start */
/* C has no traceback: nodes made while anomaly mode is on note the calling
   thread's label, the last one given here (a string that outlives the
   graph, such as TG_HERE's "file.c:12"; NULL: none).
   TG_ANOMALY_AT(expr) labels the nodes expr makes with its file and line. */
void tg_anomaly_label(const char *label);
const char *tg_node_anomaly_site(const tg_node *n);   /* NULL when none */
#define TG__STR2(x) #x
#define TG__STR(x) TG__STR2(x)
#define TG_HERE __FILE__ ":" TG__STR(__LINE__)
#define TG_ANOMALY_AT(expr) (tg_anomaly_label(TG_HERE), (expr))
#define TG_DETECT_ANOMALY TG__ANOMALY_MODE(TG__UNIQUE(tg__anomaly_))
#define TG__ANOMALY_MODE(v) \
    for (bool TG__CONCAT(v, _nan) = tg_is_anomaly_check_nan_enabled(), v = tg_set_detect_anomaly(true, true), \
         TG__CONCAT(v, _once) = true; TG__CONCAT(v, _once); \
         TG__CONCAT(v, _once) = false, tg_set_detect_anomaly(v, TG__CONCAT(v, _nan)))

/* ------------------------------------------------------------- printing */

/* Writes exactly what Python's print(t) writes for the same tensor
   ("None" for NULL, as print(None) does). */
void tg_print(const tg_tensor *t);
/* The same text without the newline; free with free(). NULL on error. */
char *tg_repr(const tg_tensor *t);

/* --------------------------------------------------------------- errors */

const char *tg_last_error(void);   /* "" when there is none */
/* Records an error as tensorgrad's own (for code built on tensorgrad, such
   as tensorgrad_dist, and for callbacks): printf-style; TG_OK counts as
   TG_E_INVALID. Returns -1. */
int tg_set_error(tg_status status, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
tg_status tg_last_status(void);
void tg_clear_error(void);

/* Warnings where PyTorch warns (a loss whose target broadcasts against its
   input, a backward with create_graph that ties parameters to their
   gradients). The handler gets each warning's text; the default one
   (handler NULL) writes each distinct warning once to stderr, as Python's
   warnings do. Process-wide; set it before other threads start. */
typedef void (*tg_warning_handler)(const char *message, void *user_data);
void tg_set_warning_handler(tg_warning_handler handler, void *user_data);

/* --------------------------------------------------------------- memory */

/* Opens a scope on the calling thread; tg_scope_end drops every reference
   it owns (with no scope open it sets a TG_E_SCOPE error and does nothing).
   tg_scope_begin returns the new depth, or -1 with an error.

   Debug mode (TENSORGRAD_DEBUG=1 in the environment, or a build configured
   with -DTG_DEBUG=ON): a tensor freed when its scope ends is poisoned and
   held in quarantine instead of freed, so that a function later given it
   fails with "tensor used after its scope ended" (TG_E_SCOPE) instead of
   reading freed memory. */
int tg_scope_begin(void);
void tg_scope_end(void);
/* Open scopes on the calling thread (0: only the root scope), and how many
   tensor references the current scope owns: for hunting leaks. */
int tg_scope_depth(void);
int64_t tg_scope_size(void);
/* Moves t from the current scope to the enclosing one and returns t; NULL
   with a TG_E_SCOPE error, changing nothing, when no scope is open or the
   current scope does not own t (it was kept already, say). */
tg_tensor *tg_keep(tg_tensor *t);
/* A reference no scope owns; returns t. tg_release drops one. */
tg_tensor *tg_retain(tg_tensor *t);
void tg_release(tg_tensor *t);
/* Returns the memory the allocator keeps for reuse to the system, as
   torch.cuda.empty_cache() does for PyTorch's caching allocator. Freed
   tensors, storages and graph nodes go to a cache of the thread that
   frees them (at most 1 GiB a thread), so that the next step reuses them
   without asking the system; tensors still alive are not touched. The
   calling thread's cache is emptied at once, other threads' at their next
   allocation or free. A thread's cache is freed when it exits. */
void tg_empty_cache(void);

/* ------------------------------------------- files: name -> tensor dictionaries */

/* An ordered name -> tensor dictionary: a module's state_dict, an
   optimizer's state, a safetensors file's tensors, and string metadata
   (safetensors' __metadata__). Keys are kept in insertion order (after
   loading, the file header's order); setting an existing name replaces its
   tensor in place, keeping its position. tg_dict_set takes a reference of
   the dict's own on t (the caller's handle stays the caller's) and copies
   the name; tg_dict_get returns the stored tensor itself (a new handle on
   it, owned by the current scope, no copy), or NULL with a TG_E_INDEX error
   when no tensor has that name. A key string (tg_dict_key) and a metadata
   value (tg_dict_metadata) live until the dict is freed or that name is
   replaced. Names and keys are non-empty strings; a NULL dict, a NULL or
   empty name fails with an error (NULL / -1) and changes nothing, as does a
   failed allocation. tg_dict_free(NULL) does nothing. Not thread-safe: one
   thread changes a dict at a time. */
typedef struct tg_dict tg_dict;
tg_dict *tg_dict_new(void);                                     /* NULL when out of memory */
int tg_dict_set(tg_dict *d, const char *name, tg_tensor *t);   /* 0 or -1; takes a reference */
tg_tensor *tg_dict_get(const tg_dict *d, const char *name);   /* owned by the current scope */
int tg_dict_len(const tg_dict *d);                              /* -1 for NULL */
const char *tg_dict_key(const tg_dict *d, int i);              /* NULL with an error out of range */
void tg_dict_free(tg_dict *d);
int tg_dict_set_metadata(tg_dict *d, const char *key, const char *value);  /* __metadata__; 0 or -1 */
const char *tg_dict_metadata(const tg_dict *d, const char *key);          /* NULL if absent */

/* safetensors and .npy files. tg_save_safetensors writes d's tensors and
   metadata as huggingface/safetensors' reference writer does (tensors
   sorted by dtype alignment, largest first, in the reference's Dtype order
   I64 F64 F32 I32 BOOL, then by name; header compact JSON, "__metadata__"
   first when d has metadata, its entries in insertion order where the
   reference's hash map has none, padded with spaces to a multiple of 8;
   data little-endian, row-major, whatever the tensors' strides);
   safetensors.torch.save_file(state_dict, path) is the PyTorch form. So
   saving a module is tg_save_safetensors(tg_module_state_dict(m), path).
   tg_load_safetensors returns a new dict (tg_dict_free it) with the
   tensors in the header's order and the "__metadata__" strings as its
   metadata; each tensor is a new contiguous leaf read from the file's
   bytes (memory-mapped where possible: the file must not shrink while it
   loads). tg_save_npy writes t byte for byte as numpy.save does (version
   1.0, little-endian, C order); tg_load_npy
   reads versions 1.0, 2.0 and 3.0, C or Fortran order (returned
   row-major), either byte order, and returns a new contiguous tensor
   owned by the current scope. Dtypes: F32 F64 I32 I64 BOOL ('<f4' '<f8'
   '<i4' '<i8' '|b1'); a nonzero bool byte loads as true.
   Untrusted files: a loader checks the whole header against the file's
   size before it allocates any tensor and refuses, with a TG_E_INVALID
   error saying what is wrong (TG_E_DTYPE for a dtype tensorgrad lacks or
   does not know), a header length over 100,000,000 bytes (.npy: 10,000) or
   past the end of the file, a header that is not valid UTF-8 or strict
   JSON, a repeated name, offsets that overlap, leave a gap, do not start at
   0 or do not end at the end of the file, a byte count that is not dtype
   size x shape, a shape whose element count overflows or that has more than
   16 dimensions, an unexpected key in a tensor's entry (the reference
   ignores them; .npy: any key but descr, fortran_order, shape), a truncated
   file. An .npy file may hold bytes after its data (ignored, as NumPy does). Errors return NULL / -1, leak nothing and, for
   a save, may leave a partial file at path. A path that cannot be opened
   fails with the system's reason. */
int tg_save_safetensors(const tg_dict *d, const char *path);   /* 0 or -1 */
tg_dict *tg_load_safetensors(const char *path);                 /* NULL on error */
int tg_save_npy(const tg_tensor *t, const char *path);          /* 0 or -1 */
tg_tensor *tg_load_npy(const char *path);                       /* owned by the current scope */

/* ---------------------------------------------------- nn: layers (modules) */

/* A module is a layer as torch.nn.Module is one: it owns its parameters
   (leaves that require grad, in f32) and buffers (BatchNorm's running
   statistics), and its children, which are modules (a Sequential's layers).
   Constructors are named tg_nn_ + the torch.nn class in lower case, take
   PyTorch's arguments in PyTorch's order, initialise the parameters as
   torch.nn does (from tensorgrad's random streams), and return a module in
   training mode, or NULL with an error; the caller frees it with
   tg_module_free (NULL: nothing). A module is used by one thread at a time.

   Names are PyTorch's state_dict names: a parameter's or buffer's name in
   its module ("weight", "running_mean", "num_batches_tracked"), prefixed by
   the names of the children that lead to it ("0.weight",
   "layers.1.norm1.bias"); the order is PyTorch's: a module's parameters,
   then its buffers, then each child's, depth first.

   Tensors a module hands out (tg_module_get_parameter, tg_module_parameters,
   ...) are handles on its own tensors, owned by the current scope; the
   module keeps its own reference, so they are valid while it lives and
   after. Training a parameter's values in place (an optimizer) changes the
   module's. To freeze a parameter, turn its requires_grad off:
   tg_requires_grad_(tg_module_get_parameter(m, "0.weight"), false), or
   tg_module_requires_grad_(m, false) for all of a module's; it stays a
   parameter (in tg_module_parameters and the state_dict), as in PyTorch. */
typedef struct tg_module tg_module;
void tg_module_free(tg_module *m);
/* The forward of a layer with one input (model(x)); a module whose forward
   takes more (attention) has its own forward function and fails here. */
tg_tensor *tg_module_forward(tg_module *m, const tg_tensor *input);
/* PyTorch's class name ("Linear"), a string that lives as long as the program. */
const char *tg_module_name(const tg_module *m);
/* model.train(training) / model.eval(): the mode of m and every descendant
   (Dropout and BatchNorm behave by it). 0, or -1 for NULL. */
int tg_module_train(tg_module *m, bool training);
bool tg_module_is_training(const tg_module *m);
/* The number of direct children, and the descendant a dotted path names
   ("0", "layers.1.self_attn"; "" is m itself), borrowed from m; NULL with
   PyTorch's error ("Linear has no attribute `x`") when there is none. */
int tg_module_num_children(const tg_module *m);
tg_module *tg_module_get_submodule(const tg_module *m, const char *path);
/* The parameter or buffer of that full name, or NULL with an error. */
tg_tensor *tg_module_get_parameter(const tg_module *m, const char *name);
tg_tensor *tg_module_get_buffer(const tg_module *m, const char *name);
/* model.parameters(): writes the parameters (each once, also when shared)
   to out in PyTorch's order and returns their count; fails (-1, writing
   nothing) when there are more than max_out. With out NULL it only returns
   the count. Pass them to an optimizer: tg_sgd(out, n, opts). */
int tg_module_parameters(const tg_module *m, tg_tensor **out, int max_out);
/* sum(p.numel() for p in model.parameters() [if p.requires_grad]). */
int64_t tg_module_parameter_count(const tg_module *m, bool trainable_only);
/* model.requires_grad_(requires_grad): every parameter's flag; returns m. */
tg_module *tg_module_requires_grad_(tg_module *m, bool requires_grad);
/* Module.to(dtype): each floating or complex parameter and buffer of m
   and its children, and its .grad, converted to dtype in place (integer
   buffers such as num_batches_tracked stay), the tensors themselves kept,
   so that handles and optimizers built on them stay attached. dtype must
   be floating or complex (PyTorch's TypeError text otherwise); a complex
   one warns as PyTorch does. Returns m, or NULL with nothing changed. */
tg_module *tg_module_to(tg_module *m, tg_dtype dtype);
/* Clears every parameter's gradient (tg_zero_grad; PyTorch 2's
   zero_grad(set_to_none=True)). */
void tg_module_zero_grad(tg_module *m);
/* named_parameters() and named_buffers() as a new dict of the tensors
   themselves, by full name (each tensor once); free it with tg_dict_free. */
tg_dict *tg_module_named_parameters(const tg_module *m);
tg_dict *tg_module_named_buffers(const tg_module *m);
/* state_dict(): every parameter and buffer by full name, detached (sharing
   the module's storage, as PyTorch's keep_vars=False), in a new dict to
   free with tg_dict_free. */
tg_dict *tg_module_state_dict(const tg_module *m);
/* load_state_dict(d, strict): copies d's tensors into the module's of the
   same names (converting dtypes; a 1-dim value fits a 0-dim tensor, a
   missing num_batches_tracked loads 0, as in PyTorch). 0, or -1 with
   PyTorch's message: "Error(s) in loading state_dict for Sequential:" and,
   each on a line of its own after "\n\t", 'Missing key(s) in state_dict:
   "0.bias". ', 'Unexpected key(s) in state_dict: "x". ' (both only when
   strict) and "size mismatch for weight: copying a param with shape
   torch.Size([3, 4]) from checkpoint, the shape in current model is
   torch.Size([4, 4])." (always). Unlike PyTorch, which copies what fits and
   then raises, a failed load copies nothing. */
int tg_module_load_state_dict(tg_module *m, const tg_dict *d, bool strict);
/* print(model): PyTorch's text, e.g. "Sequential(\n  (0): Linear(in_features=4,
   out_features=3, bias=True)\n  (1): ReLU()\n)". tg_module_repr's string
   has no final newline and is freed with free(); tg_module_print writes it
   and a newline to stdout ("None" for NULL, as print(None)). */
char *tg_module_repr(const tg_module *m);
void tg_module_print(const tg_module *m);

/* Modules of the user's own, as a subclass of nn.Module: tg_nn_module makes
   an empty one that repr prints as class_name (with its children), whose
   forward the user writes from its children and tensors (tg_module_forward
   fails on it). On any module, as nn.Module's register_parameter,
   register_buffer and add_module: tg_module_register_parameter takes a
   reference on t and makes it a parameter (a leaf; requires_grad is turned
   on); tg_module_register_buffer takes a reference on t; tg_module_add_module
   takes ownership of child (also when it fails, unless child is m, holds m
   or is held by it already: then nothing changes). 0, or -1 with
   PyTorch's messages: a name with "." or empty ("parameter name can't
   contain \".\"", "module name can't be empty string \"\""), a name
   that is another kind of member ("attribute 'x' already exists"), a
   non-leaf parameter ("Cannot assign non-leaf Tensor to parameter 'w'.
   ..."). A name already of the same kind is replaced in its place, as in
   PyTorch, in modules of the user's own only: a layer's own tensors and
   children are what its forward reads, so replacing one fails; new names
   may be added to any module (a Sequential's new children run in its
   forward, after the others). */
tg_module *tg_nn_module(const char *class_name);
int tg_module_register_parameter(tg_module *m, const char *name, tg_tensor *t);
int tg_module_register_buffer(tg_module *m, const char *name, tg_tensor *t);
int tg_module_add_module(tg_module *m, const char *name, tg_module *child);

/* Containers. tg_nn_sequential takes ownership of its n children (named
   "0", "1", ...), also when it fails: a NULL child (a constructor that
   failed; its error is kept) fails it and the others are freed, so
   tg_nn_sequential((tg_module *[]){tg_nn_linear(4, 3, true), tg_nn_relu()}, 2)
   leaks nothing. A module belongs to one container at most: one given twice
   fails (and is freed once); PyTorch's shared submodules are not offered.
   Its forward runs them in order. */
tg_module *tg_nn_sequential(tg_module *const *children, int n);

/* Checkpointing: torch.utils.checkpoint.checkpoint(fn, *inputs) runs
   fn(inputs, n, ctx) (the tg_gradcheck_fn shape) without keeping its
   intermediate tensors; backward
   runs it again (with the process-wide generator as it was, so dropout
   draws the same mask) and gives the same gradients, to the inputs and to
   the leaves (parameters) fn reads. fn runs twice in grad mode (once here,
   to find those leaves, and once in backward) and must compute the same
   function each time; ctx must stay valid as long as the result's graph
   (backward reads it). The result's node is CheckpointFunctionBackward,
   over the inputs and those leaves; works with tg_autograd_grad and
   create_graph, as PyTorch's use_reentrant=False does. In no-grad mode it
   is fn(inputs). NULL with an error. */
tg_tensor *tg_checkpoint(tg_gradcheck_fn fn, tg_tensor *const *inputs, int n, void *ctx);
/* checkpoint_sequential(model, segments, input) over a Sequential's
   children: segments - 1 checkpointed runs of n / segments children each,
   then the others as usual, as PyTorch splits them. m must outlive the
   result's graph. */
tg_tensor *tg_checkpoint_sequential(tg_module *m, int segments, const tg_tensor *input);

tg_module *tg_nn_identity(void);
/* Flatten(start_dim, end_dim): PyTorch's defaults are 1, -1. */
tg_module *tg_nn_flatten(int64_t start_dim, int64_t end_dim);

/* Activations: ReLU(), ReLU6(), Tanh(), Sigmoid(), SiLU(), Mish(), SELU(),
   Hardsigmoid(), Hardswish(), LogSigmoid(), GELU(approximate='none' or
   'tanh'), LeakyReLU(negative_slope) (PyTorch's default 0.01), ELU(alpha)
   and CELU(alpha) (1.0). */
tg_module *tg_nn_relu(void);
tg_module *tg_nn_relu6(void);
tg_module *tg_nn_tanh(void);
tg_module *tg_nn_sigmoid(void);
tg_module *tg_nn_silu(void);
tg_module *tg_nn_mish(void);
tg_module *tg_nn_selu(void);
tg_module *tg_nn_hardsigmoid(void);
tg_module *tg_nn_hardswish(void);
tg_module *tg_nn_logsigmoid(void);
tg_module *tg_nn_gelu(bool tanh_approximation);
tg_module *tg_nn_leaky_relu(double negative_slope);
tg_module *tg_nn_elu(double alpha);
tg_module *tg_nn_celu(double alpha);
/* Linear(in_features, out_features, bias): weight (out, in) from
   kaiming_uniform_ with a = sqrt(5), bias (out) uniform on
   +-1/sqrt(in_features), as torch.nn.Linear; forward tg_linear. */
tg_module *tg_nn_linear(int64_t in_features, int64_t out_features, bool bias);
/* Dropout(p) and Dropout2d(p) (tg_dropout, tg_dropout2d): active in
   training mode only. p outside [0, 1] fails with PyTorch's "dropout
   probability has to be between 0 and 1, but got 1.5". */
tg_module *tg_nn_dropout(double p);
tg_module *tg_nn_dropout2d(double p);
/* Embedding(num_embeddings, embedding_dim, padding_idx,
   scale_grad_by_freq) (tg_embedding_ex's options; a negative padding_idx
   counts from the end, and one outside fails with PyTorch's
   "Padding_idx must be within num_embeddings"): weight N(0, 1) with the
   padding row zeroed; forward takes TG_I64 or TG_I32 indices. */
tg_module *tg_nn_embedding(int64_t num_embeddings, int64_t embedding_dim, tg_embedding_opts opts);
/* MultiheadAttention(embed_dim, num_heads, dropout, bias, batch_first)
   (PyTorch's: dropout 0, bias true; batch_first false, true is the usual
   choice): parameters in_proj_weight (3E, E) from xavier_uniform_,
   in_proj_bias (3E) zeros and the child out_proj, a
   NonDynamicallyQuantizableLinear (E, E) with its bias zeroed; no
   bias_k/bias_v, add_zero_attn or separate kdim/vdim. embed_dim must be
   divisible by num_heads. Its forward takes query (N, L, E) (batch_first;
   else (L, N, E)) or unbatched (L, E), key and value (N, S, E), and the
   optional masks: key_padding_mask (N, S) and attn_mask (L, S) or
   (N * num_heads, L, S), each boolean (true: not attended) or floating
   (added to the scores). It returns the output in query's layout, and,
   when attn_weights is not NULL (PyTorch's need_weights), writes the
   attention weights (N, L, S) averaged over the heads, or (N, num_heads,
   L, S) without average_attn_weights. Composed as PyTorch 1.13 composes
   it (bmm or baddbmm with the mask, softmax, dropout in training, bmm),
   so gradients and the output's graph are PyTorch's; the query passed
   again as key (and value) is self-attention's one packed projection, as
   in PyTorch. Errors: PyTorch's shape and dtype messages. */
tg_module *tg_nn_multihead_attention(int64_t embed_dim, int64_t num_heads, double dropout, bool bias, bool batch_first);
tg_tensor *tg_nn_multihead_attention_forward(tg_module *m, const tg_tensor *query, const tg_tensor *key,
                                             const tg_tensor *value, const tg_tensor *key_padding_mask,
                                             const tg_tensor *attn_mask, bool average_attn_weights,
                                             tg_tensor **attn_weights);
/* TransformerEncoderLayer(d_model, nhead, dim_feedforward, dropout,
   activation, layer_norm_eps, batch_first, norm_first) (PyTorch's: 2048,
   0.1, "relu" (NULL), 1e-5, false, false; activation "relu" or "gelu",
   else PyTorch's "activation should be relu/gelu, not tanh"): children
   self_attn (MultiheadAttention), linear1, dropout, linear2, norm1, norm2,
   dropout1, dropout2, named and made as PyTorch's. Forward (src, and the
   optional src_mask and src_key_padding_mask, as MultiheadAttention's
   masks): x = norm1(x + sa(x)), x = norm2(x + ff(x)), or with norm_first
   x = x + sa(norm1(x)), x = x + ff(norm2(x)); tg_module_forward is the
   form without masks. */
tg_module *tg_nn_transformer_encoder_layer(int64_t d_model, int64_t nhead, int64_t dim_feedforward, double dropout,
                                           const char *activation, double layer_norm_eps, bool batch_first,
                                           bool norm_first);
tg_tensor *tg_nn_transformer_encoder_layer_forward(tg_module *m, const tg_tensor *src, const tg_tensor *src_mask,
                                                   const tg_tensor *src_key_padding_mask);
/* TransformerEncoder(encoder_layer, num_layers, norm): takes ownership of
   encoder_layer (a TransformerEncoderLayer) and norm (any module, e.g. a
   LayerNorm, or NULL: none), also when it fails. Its children are layers,
   a ModuleList of num_layers copies of encoder_layer (same weights and
   mode, as PyTorch's deepcopy makes them; names "layers.1.norm1.bias"),
   and norm. Forward: each layer with the masks, then norm. */
tg_module *tg_nn_transformer_encoder(tg_module *encoder_layer, int64_t num_layers, tg_module *norm);
tg_tensor *tg_nn_transformer_encoder_forward(tg_module *m, const tg_tensor *src, const tg_tensor *mask,
                                             const tg_tensor *src_key_padding_mask);
/* Softmax(dim) and LogSoftmax(dim) (tg_softmax, tg_log_softmax). */
tg_module *tg_nn_softmax(int64_t dim);
tg_module *tg_nn_log_softmax(int64_t dim);

/* Normalisation. LayerNorm(normalized_shape, eps, elementwise_affine) and
   RMSNorm (PyTorch 2.4's; eps NAN is its eps=None) over the last ndim
   dims: weight (normalized_shape) ones, LayerNorm's bias zeros, none
   without elementwise_affine. GroupNorm(num_groups, num_channels, eps,
   affine): weight and bias (num_channels), ones and zeros; fails with
   PyTorch's "num_channels must be divisible by num_groups". PyTorch's
   eps: 1e-5. */
tg_module *tg_nn_layer_norm(const int64_t *normalized_shape, int ndim, double eps, bool elementwise_affine);
tg_module *tg_nn_rms_norm(const int64_t *normalized_shape, int ndim, double eps, bool elementwise_affine);
tg_module *tg_nn_group_norm(int64_t num_groups, int64_t num_channels, double eps, bool affine);
/* BatchNorm1d (inputs (N, C) or (N, C, L)) and BatchNorm2d ((N, C, H, W))
   (num_features, eps, momentum, affine, track_running_stats); PyTorch's:
   1e-5, 0.1, true, true. weight ones and bias zeros (affine); buffers
   running_mean zeros, running_var ones and num_batches_tracked (TG_I64,
   0-dim) when tracking. momentum NAN is PyTorch's momentum=None (the
   cumulative average, 1 / num_batches_tracked). Each forward in training
   mode counts the batch and updates the running statistics; in evaluation
   mode it normalises with them, as _BatchNorm.forward does. */
tg_module *tg_nn_batch_norm1d(int64_t num_features, double eps, double momentum, bool affine, bool track_running_stats);
tg_module *tg_nn_batch_norm2d(int64_t num_features, double eps, double momentum, bool affine, bool track_running_stats);

/* Convolutions, as torch.nn's: weight (out, in / groups, kh, kw) (Conv1d:
   (out, in / groups, k); ConvTranspose2d: (in, out / groups, kh, kw)),
   bias (out) when `bias`; kaiming_uniform_ with a = sqrt(5), bias uniform
   on +-1/sqrt(fan_in). Options as the functional forms' (tg_conv_opts,
   tg_conv_transpose_opts); padding_mode is 'zeros'. Fails with PyTorch's
   messages for groups not positive or not dividing the channels and for
   padding="same" with a stride. */
tg_module *tg_nn_conv1d(int64_t in_channels, int64_t out_channels, int64_t kernel_size, tg_conv_opts opts, bool bias);
tg_module *tg_nn_conv2d(int64_t in_channels, int64_t out_channels, int64_t kh, int64_t kw, tg_conv_opts opts,
                        bool bias);
tg_module *tg_nn_conv_transpose2d(int64_t in_channels, int64_t out_channels, int64_t kh, int64_t kw,
                                  tg_conv_transpose_opts opts, bool bias);

/* Pooling with tg_pool_opts (zero stride: kernel_size, as PyTorch's
   stride=None). MaxPool1d reads element [0] of each field. Their repr
   prints a field as an int when its two sizes are equal (as PyTorch prints
   the int it was given) and as a tuple otherwise. AdaptiveAvgPool2d and
   AdaptiveMaxPool2d((out_h, out_w)); the max form's forward returns no
   indices. */
tg_module *tg_nn_max_pool1d(tg_pool_opts opts);
tg_module *tg_nn_max_pool2d(tg_pool_opts opts);
tg_module *tg_nn_avg_pool2d(tg_pool_opts opts);
tg_module *tg_nn_adaptive_avg_pool2d(int64_t out_h, int64_t out_w);
tg_module *tg_nn_adaptive_max_pool2d(int64_t out_h, int64_t out_w);

/* ModuleList(modules) and ModuleDict(modules): containers of modules,
   with no forward of their own (tg_module_forward fails with PyTorch's
   'Module [ModuleList] is missing the required "forward" function').
   tg_nn_module_list takes ownership of its n modules as tg_nn_sequential
   does (also when it fails; a NULL or repeated module fails it) and names
   them by position, "0", "1", ..., so that state_dict names are PyTorch's
   ("layers.0.weight"); n 0 and modules NULL is an empty list. A
   TransformerEncoder's layers are such a list. tg_module_list_append
   (list.append(module)) adds module under the name str(len(list));
   tg_module_list_set (list[index] = module) puts it in place of the
   module at index, which is freed; both take ownership of module as
   tg_module_add_module does (also when they fail, unless module is list,
   holds it or is held by it: then nothing changes). tg_module_list_get is
   list[index], borrowed from the list. An index counts from the end when
   negative, as in Python; one out of range fails with PyTorch's "index 5
   is out of range". The length is tg_module_num_children. */
tg_module *tg_nn_module_list(tg_module *const *modules, int n);
int tg_module_list_append(tg_module *list, tg_module *module);             /* 0 or -1 */
int tg_module_list_set(tg_module *list, int64_t index, tg_module *module);  /* 0 or -1 */
tg_module *tg_module_list_get(const tg_module *list, int64_t index);
/* tg_nn_module_dict: ModuleDict({keys[i]: modules[i]}), keys in their
   order (a repeated key replaces the module, as a dict's update does),
   taking ownership of the modules as tg_nn_module_list does.
   tg_module_dict_set (d[key] = module) adds module under key, or replaces
   the module of that key in its place (the old one is freed), taking
   ownership as tg_module_add_module does; a key with "." or empty fails
   with add_module's messages, as in PyTorch. tg_module_dict_get (d[key])
   returns the module, borrowed from d, or NULL with PyTorch's KeyError
   (its message, the key); tg_module_dict_key is the i-th key (d.keys() in order,
   i below tg_module_num_children), a string that lives with that entry,
   or NULL with "index 3 is out of range". */
tg_module *tg_nn_module_dict(const char *const *keys, tg_module *const *modules, int n);
int tg_module_dict_set(tg_module *d, const char *key, tg_module *module);  /* 0 or -1 */
tg_module *tg_module_dict_get(const tg_module *d, const char *key);
const char *tg_module_dict_key(const tg_module *d, int i);
/* Bilinear(in1_features, in2_features, out_features, bias): weight (out,
   in1, in2) and bias (out), both uniform on +-1/sqrt(in1_features) as
   torch.nn.Bilinear (in1_features 0: PyTorch's "float division by zero").
   Its forward takes two inputs, tg_bilinear(input1, input2, weight, bias)
   (tg_module_forward fails on it). */
tg_module *tg_nn_bilinear(int64_t in1_features, int64_t in2_features, int64_t out_features, bool bias);
tg_tensor *tg_nn_bilinear_forward(tg_module *m, const tg_tensor *input1, const tg_tensor *input2);
/* TransformerDecoderLayer(d_model, nhead, dim_feedforward, dropout,
   activation, layer_norm_eps, batch_first, norm_first), with
   TransformerEncoderLayer's arguments and defaults: children self_attn and
   multihead_attn (MultiheadAttention), linear1, dropout, linear2, norm1,
   norm2, norm3, dropout1, dropout2, dropout3, named and made as PyTorch's.
   Its forward takes tgt, memory (the encoder's output, in tgt's layout)
   and the optional masks, as MultiheadAttention's: x = norm1(x + sa(x,
   tgt_mask, tgt_key_padding_mask)), x = norm2(x + mha(x, memory,
   memory_mask, memory_key_padding_mask)), x = norm3(x + ff(x)), or with
   norm_first x = x + sa(norm1(x)), x = x + mha(norm2(x), memory), x = x +
   ff(norm3(x)); tg_module_forward fails on it. */
tg_module *tg_nn_transformer_decoder_layer(int64_t d_model, int64_t nhead, int64_t dim_feedforward, double dropout,
                                           const char *activation, double layer_norm_eps, bool batch_first,
                                           bool norm_first);
tg_tensor *tg_nn_transformer_decoder_layer_forward(tg_module *m, const tg_tensor *tgt, const tg_tensor *memory,
                                                   const tg_tensor *tgt_mask, const tg_tensor *memory_mask,
                                                   const tg_tensor *tgt_key_padding_mask,
                                                   const tg_tensor *memory_key_padding_mask);

/* -------------------------------------------------- nn: initialisation */

/* torch.nn.init: each fills t in place under no-grad (so a parameter that
   requires grad may be given) and returns t, or NULL with PyTorch's error.
   The values come from tensorgrad's random streams (tg_manual_seed), not
   PyTorch's; the bounds and standard deviations are PyTorch's formulas.
   Fans (tg_init_calculate_fan_in_and_fan_out; PyTorch's private
   _calculate_fan_in_and_fan_out): fan_in = size(1) * receptive field,
   fan_out = size(0) * receptive field, the receptive field the product of
   the sizes after the second (a conv weight's kernel); fewer than 2
   dimensions fail. */
int tg_init_calculate_fan_in_and_fan_out(const tg_tensor *t, int64_t *fan_in, int64_t *fan_out);
/* calculate_gain(nonlinearity, param): 1 for "linear", the conv names and
   "sigmoid", 5/3 for "tanh", sqrt(2) for "relu", sqrt(2 / (1 + slope^2))
   for "leaky_relu" (param NAN: PyTorch's None, slope 0.01), 3/4 for
   "selu"; NAN with "Unsupported nonlinearity <name>" otherwise. */
double tg_init_calculate_gain(const char *nonlinearity, double param);
tg_tensor *tg_init_uniform_(tg_tensor *t, double a, double b);        /* PyTorch's: 0, 1 */
tg_tensor *tg_init_normal_(tg_tensor *t, double mean, double std);    /* 0, 1 */
tg_tensor *tg_init_constant_(tg_tensor *t, double value);
tg_tensor *tg_init_ones_(tg_tensor *t);
tg_tensor *tg_init_zeros_(tg_tensor *t);
/* Uniform on +-gain * sqrt(6 / (fan_in + fan_out)); normal with std
   gain * sqrt(2 / (fan_in + fan_out)). PyTorch's gain: 1. */
tg_tensor *tg_init_xavier_uniform_(tg_tensor *t, double gain);
tg_tensor *tg_init_xavier_normal_(tg_tensor *t, double gain);
/* std = calculate_gain(nonlinearity, a) / sqrt(fan) with fan the mode's:
   uniform on +-sqrt(3) * std, or normal with that std. PyTorch's defaults:
   a 0, TG_FAN_IN, "leaky_relu" (nonlinearity NULL). A tensor without
   elements is left as it is, with PyTorch's warning. */
typedef enum tg_fan_mode { TG_FAN_IN = 0, TG_FAN_OUT } tg_fan_mode;
tg_tensor *tg_init_kaiming_uniform_(tg_tensor *t, double a, tg_fan_mode mode, const char *nonlinearity);
tg_tensor *tg_init_kaiming_normal_(tg_tensor *t, double a, tg_fan_mode mode, const char *nonlinearity);
/* Normal(mean, std) truncated to [a, b], by PyTorch's inverse-CDF method;
   warns when mean is more than 2 std outside [a, b]. PyTorch's defaults:
   0, 1, -2, 2. */
tg_tensor *tg_init_trunc_normal_(tg_tensor *t, double mean, double std, double a, double b);
/* A (semi-)orthogonal matrix times gain: t viewed as size(0) x the rest
   has orthonormal rows or columns (whichever are fewer), from the QR of a
   normal draw with R's diagonal made positive, as PyTorch's. At least 2
   dimensions; no elements: left as it is. PyTorch's gain: 1. */
tg_tensor *tg_init_orthogonal_(tg_tensor *t, double gain);

/* ---------------------------------- optimizers, schedulers, gradient clipping */

/* Gradient clipping, as torch.nn.utils.clip_grad_norm_ and clip_grad_value_.
   tg_clip_grad_norm_ takes the norm_type-norm of each parameter's .grad
   (norm_type INFINITY: the largest magnitude), then the norm of those, and
   scales every .grad in place by max_norm / (total + 1e-6) when that is
   below 1. It writes the total norm to *total_norm (may be NULL); a NaN or
   infinite total scales the gradients all the same, as PyTorch 1.13's
   default error_if_nonfinite=False does. Parameters without a .grad are
   skipped; with none the total is 0. tg_clip_grad_value_ clamps every .grad
   to [-clip_value, clip_value]. 0, or -1 with an error, changing no grad. */
int tg_clip_grad_norm_(tg_tensor *const *params, int n, double max_norm, double norm_type, double *total_norm);
int tg_clip_grad_value_(tg_tensor *const *params, int n, double clip_value);

/* Optimizers, as torch.optim's (PyTorch 1.13's default single-tensor
   implementations, operation for operation, so float32 results agree to the
   bit). An optimizer holds a reference to each parameter (leaf tensors of
   float32, float64, float16 or bfloat16, each in one group; a half one's
   state is in its dtype, each operation computed in float and rounded, see
   docs/guide_optimizers.md) and makes its state at the first
   step a parameter takes part in (Adagrad: when the parameter is added).
   The constructors check the options as PyTorch's do, with its messages
   ("Invalid learning rate: -0.1"), and return NULL with the error.
   Options structs hold PyTorch's keyword arguments; start from the
   _defaults() functions. */
typedef struct tg_optimizer tg_optimizer;
/* torch.optim.SGD: momentum, dampening, nesterov ("Nesterov momentum
   requires a momentum and zero dampening"), weight_decay (L2), maximize.
   PyTorch's lr has no default; the zero struct is lr 0 and no momentum. */
typedef struct tg_sgd_opts { double lr, momentum, dampening, weight_decay; bool nesterov, maximize; } tg_sgd_opts;
tg_optimizer *tg_sgd(tg_tensor *const *params, int n, tg_sgd_opts opts);
/* torch.optim.Adam (weight_decay as L2 in the gradient) and AdamW
   (decoupled: the parameter is scaled by 1 - lr * weight_decay first). */
typedef struct tg_adam_opts { double lr, beta1, beta2, eps, weight_decay; bool amsgrad, maximize; } tg_adam_opts;
tg_adam_opts tg_adam_defaults(void);    /* lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight_decay 0 */
tg_adam_opts tg_adamw_defaults(void);   /* the same with weight_decay 1e-2 */
tg_optimizer *tg_adam(tg_tensor *const *params, int n, tg_adam_opts opts);
tg_optimizer *tg_adamw(tg_tensor *const *params, int n, tg_adam_opts opts);
/* torch.optim.RMSprop. */
typedef struct tg_rmsprop_opts { double lr, alpha, eps, weight_decay, momentum; bool centered, maximize; } tg_rmsprop_opts;
tg_rmsprop_opts tg_rmsprop_defaults(void);   /* lr 1e-2, alpha 0.99, eps 1e-8, the rest 0 */
tg_optimizer *tg_rmsprop(tg_tensor *const *params, int n, tg_rmsprop_opts opts);
/* torch.optim.Adagrad. */
typedef struct tg_adagrad_opts {
    double lr, lr_decay, weight_decay, initial_accumulator_value, eps;
    bool maximize;
} tg_adagrad_opts;
tg_adagrad_opts tg_adagrad_defaults(void);   /* lr 1e-2, eps 1e-10, the rest 0 */
tg_optimizer *tg_adagrad(tg_tensor *const *params, int n, tg_adagrad_opts opts);

/* PyTorch's add_param_group: a further group with options of its own, for
   an optimizer of the options' kind (tg_adam_add_param_group for Adam and
   AdamW). 0, or -1 with an error ("some parameters appear in more than one
   parameter group"), changing nothing. */
int tg_sgd_add_param_group(tg_optimizer *opt, tg_tensor *const *params, int n, tg_sgd_opts opts);
int tg_adam_add_param_group(tg_optimizer *opt, tg_tensor *const *params, int n, tg_adam_opts opts);
int tg_rmsprop_add_param_group(tg_optimizer *opt, tg_tensor *const *params, int n, tg_rmsprop_opts opts);
int tg_adagrad_add_param_group(tg_optimizer *opt, tg_tensor *const *params, int n, tg_adagrad_opts opts);
int tg_optimizer_num_groups(const tg_optimizer *opt);   /* -1 with an error for NULL */
/* param_groups[group]['lr']: NaN (get) or -1 (set) with an error for a bad
   group. Setting checks nothing, as assigning the dict entry does not. */
double tg_optimizer_get_lr(const tg_optimizer *opt, int group);
int tg_optimizer_set_lr(tg_optimizer *opt, int group, double lr);
/* The group's momentum (SGD, RMSprop) or beta1 (Adam, AdamW), which
   OneCycleLR cycles; NaN with an error for Adagrad or a bad group. */
double tg_optimizer_get_momentum(const tg_optimizer *opt, int group);

/* One step over every parameter that has a .grad (the others are skipped,
   as in PyTorch). Each parameter and its state are updated in place in
   one pass over their elements, with the roundings of PyTorch's
   operation-by-operation update (the same bits). All or nothing: the state
   a step needs is made first (its only allocations), so a step that fails
   (out of memory, say) returns -1 with the error and leaves every
   parameter and all state as it was. 0 on success. */
int  tg_optimizer_step(tg_optimizer *opt);
/* PyTorch 1.13's zero_grad() (set_to_none=False): every .grad is written
   with zeros in place (a .grad with a history keeps it; PyTorch detaches
   it). tg_optimizer_zero_grad_to_none drops them instead, as
   zero_grad(set_to_none=True) does (PyTorch 2's default). */
void tg_optimizer_zero_grad(tg_optimizer *opt);
void tg_optimizer_zero_grad_to_none(tg_optimizer *opt);
/* Releases the optimizer's references and its state (NULL: nothing). */
void tg_optimizer_free(tg_optimizer *opt);

/* Dynamic loss scaling for float16 training, as torch.cuda.amp.GradScaler
   computes it, on CPU tensors. PyTorch's defaults: init_scale 65536,
   growth_factor 2, backoff_factor 0.5, growth_interval 2000. A step:
       tg_backward(tg_grad_scaler_scale(s, loss), NULL);
       tg_grad_scaler_step(s, opt);   (unscales first if unscale_ was not called)
       tg_grad_scaler_update(s);
   scale: loss times the scale (a float32 tensor of shape (1,), as PyTorch's
   _scale). unscale_: every .grad of opt's parameters times 1/scale, noting
   whether any element is inf or NaN (-1 with PyTorch's error when called
   twice before update). step: 1 after tg_optimizer_step, 0 when the step
   was skipped for an inf or NaN gradient, -1 with an error. update: the
   scale times backoff_factor after a skipped step, times growth_factor
   after growth_interval steps in a row that were not. get_scale: the
   current scale (NaN with an error for NULL). */
typedef struct tg_grad_scaler tg_grad_scaler;
tg_grad_scaler *tg_grad_scaler_new(double init_scale, double growth_factor, double backoff_factor,
                                   int64_t growth_interval);
tg_tensor *tg_grad_scaler_scale(const tg_grad_scaler *s, const tg_tensor *loss);
int tg_grad_scaler_unscale_(tg_grad_scaler *s, tg_optimizer *opt);
int tg_grad_scaler_step(tg_grad_scaler *s, tg_optimizer *opt);
int tg_grad_scaler_update(tg_grad_scaler *s);
double tg_grad_scaler_get_scale(const tg_grad_scaler *s);
void tg_grad_scaler_free(tg_grad_scaler *s);   /* NULL: nothing */
/* The optimizer's state as a dictionary (free it with tg_dict_free), named
   as PyTorch's state_dict() nests it. "state.<i>.<name>" for parameter i
   (counted over the groups in order) that has state: "step" (0-dim;
   float32 for Adam, AdamW and Adagrad, int64 for RMSprop), then
   "momentum_buffer" (SGD); "exp_avg", "exp_avg_sq", "max_exp_avg_sq"
   (Adam, AdamW); "square_avg", "momentum_buffer", "grad_avg" (RMSprop);
   "sum" (Adagrad). Then for each group g "param_groups.<g>.<option>" in
   PyTorch's order (0-dim float64 numbers and bool flags; Adam's betas as
   "betas.0" and "betas.1"), "param_groups.<g>.initial_lr" once a
   scheduler set it, and "param_groups.<g>.params" (the int64 indices of
   its parameters). Metadata "optimizer" names the optimizer ("Adam"). The dict
   shares the state tensors, which later steps update in place as
   PyTorch's do: save it before the next step to keep that moment's state.
   NULL with an error. */
tg_dict *tg_optimizer_state_dict(const tg_optimizer *opt);
/* PyTorch's load_state_dict: the options and the state of such a dict
   (parameters matched by position, state cast to each parameter's dtype),
   so that a run resumes bit for bit. Checks PyTorch's ("loaded state dict
   has a different number of parameter groups", "loaded state dict contains
   a parameter group that doesn't match the size of optimizer's group"),
   then that the dict is of this optimizer, its state of the parameters'
   shapes, and that a parameter with state has its step and every buffer
   the optimizer keeps under the loaded options ("state.0.exp_avg is
   missing"; PyTorch fails at the next step instead). All or nothing: 0,
   or -1 with an error, changing nothing. */
int tg_optimizer_load_state_dict(tg_optimizer *opt, const tg_dict *d);

/* Learning-rate schedulers, as torch.optim.lr_scheduler's (PyTorch 1.13).
   A scheduler points at its optimizer (which must outlive it) and writes
   its groups' lr. Made as PyTorch makes them: each group's initial_lr is
   set where unset, base_lrs read from it, and one step taken (last_epoch
   becomes 0). tg_scheduler_step is PyTorch's step() after each epoch:
   the recursive ("chainable") form each get_lr computes from the groups'
   current lr, so that its rounding is PyTorch's. The constructors return
   NULL with an error (PyTorch's words where PyTorch checks); a step_size,
   T_max or total_iters below 1, which PyTorch takes and then divides by
   zero with, is refused here ("tg_step_lr(): step_size must be positive").
   PyTorch's warnings about the order of the optimizer's and the
   scheduler's steps are not given. */
typedef struct tg_scheduler tg_scheduler;
/* StepLR: lr * gamma every step_size epochs. */
tg_scheduler *tg_step_lr(tg_optimizer *opt, int64_t step_size, double gamma);
/* MultiStepLR: lr * gamma at each milestone (gamma^k for one given k times). */
tg_scheduler *tg_multistep_lr(tg_optimizer *opt, const int64_t *milestones, int n, double gamma);
/* ExponentialLR: lr * gamma every epoch. */
tg_scheduler *tg_exponential_lr(tg_optimizer *opt, double gamma);
/* CosineAnnealingLR (eta_min PyTorch's default 0). */
tg_scheduler *tg_cosine_annealing_lr(tg_optimizer *opt, int64_t T_max, double eta_min);
/* LinearLR: the factor goes from start_factor to end_factor (both in [0, 1])
   over total_iters epochs; PyTorch's defaults are 1/3, 1, 5. */
tg_scheduler *tg_linear_lr(tg_optimizer *opt, double start_factor, double end_factor, int64_t total_iters);
/* LambdaLR: base_lr * fn(last_epoch, user_data), one function for every group. */
typedef double (*tg_lr_lambda)(int64_t epoch, void *user_data);
tg_scheduler *tg_lambda_lr(tg_optimizer *opt, tg_lr_lambda fn, void *user_data);
/* OneCycleLR over total_steps steps (PyTorch's epochs * steps_per_epoch
   is that product); start from tg_one_cycle_defaults(max_lr, total_steps).
   With cycle_momentum the optimizer's momentum (SGD, RMSprop) or beta1
   (Adam, AdamW) is cycled too. Stepping past total_steps fails with
   PyTorch's "Tried to step 12 times. The specified number of total steps
   is 10", changing nothing. */
typedef struct tg_one_cycle_opts {
    double max_lr;
    int64_t total_steps;
    double pct_start;                  /* 0.3 */
    bool anneal_linear;                /* anneal_strategy 'linear' instead of 'cos' */
    bool cycle_momentum;               /* true */
    double base_momentum, max_momentum;   /* 0.85, 0.95 */
    double div_factor, final_div_factor;  /* 25, 1e4 */
    bool three_phase;
} tg_one_cycle_opts;
tg_one_cycle_opts tg_one_cycle_defaults(double max_lr, int64_t total_steps);
tg_scheduler *tg_one_cycle_lr(tg_optimizer *opt, tg_one_cycle_opts opts);
/* ReduceLROnPlateau, stepped with tg_scheduler_step_metric(s, metric) (a
   plain tg_scheduler_step fails for it, and step_metric for the others).
   Start from tg_plateau_defaults(); min_lr is one value for all groups. */
typedef struct tg_plateau_opts {
    bool mode_max;         /* mode 'max' instead of 'min' */
    double factor;         /* 0.1; must be < 1 ("Factor should be < 1.0.") */
    int64_t patience;      /* 10 */
    double threshold;      /* 1e-4 */
    bool threshold_abs;    /* threshold_mode 'abs' instead of 'rel' */
    int64_t cooldown;      /* 0 */
    double min_lr, eps;    /* 0, 1e-8 */
} tg_plateau_opts;
tg_plateau_opts tg_plateau_defaults(void);
tg_scheduler *tg_reduce_lr_on_plateau(tg_optimizer *opt, tg_plateau_opts opts);
/* SequentialLR: schedulers[i] from milestone i - 1 on (n - 1 milestones),
   for warm-up by chaining. It takes over the schedulers (made on opt just
   before) and frees them with itself; on failure they stay the caller's. */
tg_scheduler *tg_sequential_lr(tg_optimizer *opt, tg_scheduler *const *schedulers, int n,
                               const int64_t *milestones, int n_milestones);
/* One scheduler step: 0, or -1 with an error. */
int tg_scheduler_step(tg_scheduler *s);
int tg_scheduler_step_metric(tg_scheduler *s, double metric);
/* get_last_lr()[group] (NaN with an error for a bad group), and last_epoch.
   ReduceLROnPlateau's is the groups' lr before its first step. */
double tg_scheduler_last_lr(const tg_scheduler *s, int group);
int64_t tg_scheduler_last_epoch(const tg_scheduler *s);
void tg_scheduler_free(tg_scheduler *s);
/* The scheduler's state as a dictionary (free it with tg_dict_free): what
   PyTorch's state_dict() holds that changes as it steps, by PyTorch's
   names and in its order. "base_lrs" (float64, one per group; not for
   ReduceLROnPlateau and SequentialLR, as in PyTorch), ReduceLROnPlateau's
   "cooldown_counter", "best" (0-dim float64) and "num_bad_epochs", then
   "last_epoch", "_step_count" (again not for those two) and "_last_lr"
   (float64, one per group; ReduceLROnPlateau's has the groups' lr before
   its first step, where PyTorch's has none), and SequentialLR's
   children's under "_schedulers.<i>.". Counts are 0-dim int64. Metadata
   "scheduler" names the kind ("StepLR"). The constructor's arguments
   (step_size, gamma, milestones, a LambdaLR's function, ...) are left out,
   unlike PyTorch's: the scheduler it is loaded into is made with them.
   NULL with an error. */
tg_dict *tg_scheduler_state_dict(const tg_scheduler *s);
/* Loads such a dict into a scheduler of the same kind and number of
   groups (the groups' lr come with the optimizer's state dict). All or
   nothing: 0, or -1 with an error naming the missing or ill-shaped entry
   or the other kind, changing nothing. */
int tg_scheduler_load_state_dict(tg_scheduler *s, const tg_dict *d);

/* Training checkpoints: a model's, an optimizer's and a scheduler's state
   and a generator's in one safetensors file, so that a run stopped after
   step k and resumed from the file is bit for bit the uninterrupted run.
   Names: "model.<state_dict name>", "optimizer.<its state dict's name>",
   "scheduler.<...>", "rng.global" (the process-wide generator's state)
   and "rng.generator" (gen's, when given). Metadata: "format"
   ("tensorgrad-checkpoint-1"), "step" (step, in decimal), and the
   optimizer's and scheduler's kinds ("optimizer", "scheduler"). model,
   opt, sched and gen may each be NULL: their part is then left out (and
   must then be absent on loading). PyTorch has no such function; its
   idiom is torch.save of a dict of the state_dict()s and
   torch.get_rng_state(). 0, or -1 with an error. */
int tg_save_checkpoint(const char *path, const tg_module *model, const tg_optimizer *opt, const tg_scheduler *sched,
                       tg_generator *gen, int64_t step);
/* Loads such a file into objects made as the saved ones were, and writes
   the saved step to *step (may be NULL). Everything is checked first (the
   format, that each part given is there and no other, the kinds, names,
   dtypes and shapes: strict module loading), so a bad checkpoint returns
   -1 with an error saying what is wrong and changes nothing (the
   optimizer's state and the generators are loaded before the model and put
   back when the model's load fails). 0 on success. */
int tg_load_checkpoint(const char *path, tg_module *model, tg_optimizer *opt, tg_scheduler *sched,
                       tg_generator *gen, int64_t *step);

/* ------------------------------------- record once, replay many (capture) */

/* Like torch.cuda.CUDAGraph on the CPU: tg_capture_step runs step(ctx) once,
   eagerly, in a scope of its own, and records every kernel it runs (forward,
   backward, optimizer step) on a tape; tg_capture_replay runs the recorded
   kernels again, in the same order on the same memory, without running the
   operations' host code (argument checks, results, graph nodes): the same
   results, to the bit, as eager steps, at a kernel's cost per operation.

   What a replay reads and writes:
   - Tensors made before the capture (parameters, optimizer state, "static"
     inputs) are used in place: write a new batch into a static input with
     tg_copy_ (or through tg_data_ptr) before each replay. They must outlive
     the capture.
   - Tensors made during the capture (the loss, .grad, activations) keep
     their memory while the capture lives; step keeps the handles it wants
     to read later (tg_retain, released by the caller). A replay writes its
     results there.
   - Control flow, shapes and numbers given to operations are frozen; random
     draws (tg_rand*, tg_dropout, tg_bernoulli, ...) draw anew from their
     generator, so replay k gives the numbers eager step k would; an
     optimizer's step (tg_optimizer_step) is rerun as one piece, so its step
     counts advance and it reads its learning rate as it is then.
   - Index bounds (indices and cross_entropy's targets) are checked again
     on every replay: indices of the user's (static inputs) out of range
     fail the replay before anything is written, with PyTorch's message
     ("index out of range in self", "Target 7 is out of bounds."); indices
     the step computes are checked where they were, so a replay can fail
     there having written part of its work.
   - Version counters do not move during a replay, and no graph is made.

   tg_capture_step returns NULL with an error when step is NULL, when the
   thread is already recording, when step returns nonzero (its error kept),
   and when step does what a replay cannot repeat: reads or writes a
   tensor's values on the host (tg_item, tg_copy_to_f64, tg_data_ptr,
   clip_grad_norm_'s total, anomaly mode's checks, distributed collectives)
   or makes a result whose shape depends on values (masked_select, a mask
   as an index, one_hot, randint, randperm, multinomial); the error names
   it. step has then run once, eagerly, and nothing is kept. Recording runs the pool's parallel loops of operations
   (convolutions) on the calling thread. A capture is replayed by one
   thread at a time (another thread's concurrent replay fails), not while
   the replaying thread records. */
typedef struct tg_capture tg_capture;
tg_capture *tg_capture_step(int (*step)(void *ctx), void *ctx);
int tg_capture_replay(tg_capture *c);   /* 0, or -1 with an error */
void tg_capture_free(tg_capture *c);    /* NULL is ignored */

/* ------------------------------------------------------------- threads */

/* The number of threads (the caller's included) that elementwise
   operations, copies, reductions, normalisations and optimizer updates
   of at least 32768 elements are split across, and that OpenBLAS may use
   for a matrix product: torch.set_num_threads and torch.get_num_threads.
   The default is OMP_NUM_THREADS when it is a positive integer at the
   first call, else the number of physical cores. tensorgrad's own
   kernels give the same bits whatever it is. tg_set_num_threads returns 0, or -1 with an error for n < 1.
   See docs/threads.md. */
int tg_set_num_threads(int n);
int tg_get_num_threads(void);

/* ------------------------------------------------------------- complex */

/* TG_C64 and TG_C128 tensors (torch.complex64, torch.complex128); see
   docs/guide_tensors.md. Gradients are PyTorch's conjugate Wirtinger
   derivatives, so the backward of a real loss gives PyTorch's .grad.

   tg_complex: real + imag i (both f32 or both f64, broadcast; f32 gives
   TG_C64). tg_polar: abs (cos angle + i sin angle). tg_real, tg_imag:
   views of a complex tensor's parts (tg_real of a real tensor is itself;
   tg_imag of one fails as PyTorch's does). tg_view_as_real: a complex
   tensor's elements as a trailing dimension of 2 reals, a view;
   tg_view_as_complex the reverse, with PyTorch's checks (last dimension
   of size 2 and stride 1, other strides and the offset even). tg_conj:
   the conjugate (a new tensor with t's strides, as PyTorch's lazy conj
   view, ConjBackward0; a real tensor itself). tg_angle: the argument,
   real (contiguous for a complex t; 0 or pi for a real tensor). tg_abs of a
   complex tensor is real. Casting with tg_to from complex to real keeps
   the real part and warns as PyTorch does. The operations PyTorch 1.13
   computes for complex on the CPU take complex tensors (norms, var and
   std give real results; all and any read the real part, as PyTorch
   1.13's); the others fail with PyTorch's message. Where PyTorch has no
   complex derivative (silu, scatter_reduce, sort and topk of a 0-dim
   tensor), a complex input that requires grad fails as PyTorch's does. */
tg_tensor *tg_complex(const tg_tensor *real, const tg_tensor *imag);
tg_tensor *tg_polar(const tg_tensor *abs, const tg_tensor *angle);
tg_tensor *tg_real(const tg_tensor *t);
tg_tensor *tg_imag(const tg_tensor *t);
tg_tensor *tg_conj(const tg_tensor *t);
tg_tensor *tg_angle(const tg_tensor *t);
tg_tensor *tg_view_as_real(const tg_tensor *t);
tg_tensor *tg_view_as_complex(const tg_tensor *t);
/* From interleaved (real, imaginary) pairs, numel(shape) of them. */
tg_tensor *tg_from_c64(const float *pairs, const int64_t *shape, int ndim);
tg_tensor *tg_from_c128(const double *pairs, const int64_t *shape, int ndim);
/* t's elements in row-major order as interleaved (real, imaginary)
   doubles, 2 numel(t) of them (a real t's imaginary parts are 0). */
int tg_copy_to_c128(const tg_tensor *t, double *pairs);

#if defined(__GNUC__) || defined(__clang__)
#pragma GCC visibility pop
#endif

#ifdef __cplusplus
}
#endif
#endif
