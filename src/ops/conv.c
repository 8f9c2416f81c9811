/* Convolutions: conv1d, conv2d and conv_transpose2d, one node
   (ConvolutionBackward0) as PyTorch's at::convolution. The forward pass is
   im2col (or col2im, transposed) and a matrix product per image, and so
   is a backward's; under create_graph the derivative is written with
   unfold, fold and matmul, so that it has derivatives of its own. conv1d
   runs as conv2d over images of height 1. */
#include "ops.h"

#include <stdatomic.h>
#include <string.h>

/* What the node keeps: the options with defaults filled in. */
typedef struct conv_params {
    int64_t stride[2], padding[2], dilation[2], output_padding[2], groups;
    bool transposed;
    bool one_d;   /* conv1d: rank-3 tensors, computed with a height of 1 */
} conv_params;

/* The name PyTorch's kernel gives in its dtype errors. */
static const char *kernel_name(const conv_params *p)
{
    return p->transposed ? "slow_conv_transpose2d_out_cpu" : "slow_conv2d_cpu";
}

/* ------------------------------------------------------------ checks */

static const char *shape_text(const tg_tensor *t, char *buf, size_t cap) { return tg__shape_str(t->shape, t->ndim, buf, cap); }

/* The option checks of PyTorch's _convolution, in its order. */
static int check_options(const conv_params *p)
{
    const int dims = 2;   /* conv1d's height holds the defaults */
    if (p->groups <= 0) return tg__faili(TG_E_INVALID, "non-positive groups is not supported");
    for (int d = 0; d < dims; d++)
        if (p->padding[d] < 0) return tg__faili(TG_E_INVALID, "negative padding is not supported");
    for (int d = 0; d < dims; d++)
        if (p->output_padding[d] < 0) return tg__faili(TG_E_INVALID, "negative output_padding is not supported");
    for (int d = 0; d < dims; d++)
        if (p->stride[d] <= 0) return tg__faili(TG_E_INVALID, "non-positive stride is not supported");
    for (int d = 0; d < dims; d++)
        if (p->dilation[d] <= 0) return tg__faili(TG_E_INVALID, "non-positive dilation is not supported");
    return 0;
}

/* The weight's rank: at least 3, and 2 + the convolution's dims. */
static int check_weight_rank(const tg_tensor *x, const tg_tensor *w, const conv_params *p)
{
    if (w->ndim < 3) return tg__faili(TG_E_SHAPE, "weight should have at least three dimensions");
    if (!p->one_d && w->ndim != 4)   /* a two-valued stride cannot be expanded to another rank */
        return tg__faili(TG_E_SHAPE, "expected stride to be a single integer value or a list of %d values to match the "
                                     "convolution dimensions, but got stride=[%lld, %lld]",
                         w->ndim - 2, (long long)p->stride[0], (long long)p->stride[1]);
    if (w->ndim != x->ndim) {
        char a[256], b[256];
        return tg__faili(TG_E_SHAPE, "Expected %d-dimensional input for %d-dimensional weight %s, but got %d-dimensional "
                                     "input of size %s instead",
                         w->ndim, w->ndim, shape_text(w, a, sizeof a), x->ndim, shape_text(x, b, sizeof b));
    }
    return 0;
}

/* Channels, groups and bias against the weight (PyTorch's check_shape_forward). */
static int check_channels(const tg_tensor *x, const tg_tensor *w, const tg_tensor *b, const conv_params *p)
{
    char ws[256], xs[256], bs[256];
    shape_text(w, ws, sizeof ws);
    if (w->shape[0] < p->groups)
        return tg__faili(TG_E_SHAPE, "Given groups=%lld, expected weight to be at least %lld at dimension 0, but got weight "
                                     "of size %s instead",
                         (long long)p->groups, (long long)p->groups, ws);
    if (w->shape[0] % p->groups)
        return tg__faili(TG_E_SHAPE, "Given groups=%lld, expected weight to be divisible by %lld at dimension 0, but got "
                                     "weight of size [%s] instead",
                         (long long)p->groups, (long long)p->groups, ws);
    int64_t channels = p->transposed ? w->shape[0] : w->shape[1] * p->groups;
    if (x->shape[1] != channels) {
        if (p->transposed)
            return tg__faili(TG_E_SHAPE, "Given transposed=1, weight of size %s, expected input%s to have %lld channels, "
                                         "but got %lld channels instead",
                             ws, shape_text(x, xs, sizeof xs), (long long)channels, (long long)x->shape[1]);
        return tg__faili(TG_E_SHAPE, "Given groups=%lld, weight of size %s, expected input%s to have %lld channels, but "
                                     "got %lld channels instead",
                         (long long)p->groups, ws, shape_text(x, xs, sizeof xs), (long long)channels, (long long)x->shape[1]);
    }
    int64_t outputs = p->transposed ? w->shape[1] * p->groups : w->shape[0];
    if (b && (b->ndim != 1 || b->shape[0] != outputs))
        return tg__faili(TG_E_SHAPE, "Given %sweight of size %s, expected bias to be 1-dimensional with %lld elements, but "
                                     "got bias of size %s instead",
                         p->transposed ? "transposed=1, " : "", ws, (long long)outputs, shape_text(b, bs, sizeof bs));
    return 0;
}

/* "(a x b)" of the spatial sizes, or "(a)" for conv1d. */
static const char *sizes_text(const int64_t *v, bool one_d, char *buf, size_t cap)
{
    if (one_d) snprintf(buf, cap, "(%lld)", (long long)v[1]);
    else snprintf(buf, cap, "(%lld x %lld)", (long long)v[0], (long long)v[1]);
    return buf;
}

/* The output's spatial size into out, or PyTorch's error when the kernel
   does not fit (or, transposed, the output would be empty). */
static int output_size(const tg_tensor *x, const tg_tensor *w, const conv_params *p, int64_t *out)
{
    const int64_t *in = x->shape + 2, *k = w->shape + 2;
    char a[64], b[64];
    if (!p->transposed) {
        int64_t padded[2], kernel[2];
        for (int d = 0; d < 2; d++) {
            padded[d] = in[d] + 2 * p->padding[d];
            kernel[d] = p->dilation[d] * (k[d] - 1) + 1;
        }
        if (padded[0] < kernel[0] || padded[1] < kernel[1])
            return tg__faili(TG_E_SHAPE, "Calculated padded input size per channel: %s. Kernel size: %s. Kernel size can't "
                                         "be greater than actual input size",
                             sizes_text(padded, p->one_d, a, sizeof a), sizes_text(kernel, p->one_d, b, sizeof b));
        for (int d = 0; d < 2; d++) out[d] = (padded[d] - kernel[d]) / p->stride[d] + 1;
        return 0;
    }
    const int64_t *op = p->output_padding, *s = p->stride, *dl = p->dilation;
    if ((op[0] >= s[0] && op[0] >= dl[0]) || (op[1] >= s[1] && op[1] >= dl[1]))
        return tg__faili(TG_E_INVALID, "output padding must be smaller than either stride or dilation, but got "
                                       "output_padding_height: %lld output_padding_width: %lld stride_height: %lld "
                                       "stride_width: %lld dilation_height: %lld dilation_width: %lld",
                         (long long)op[0], (long long)op[1], (long long)s[0], (long long)s[1], (long long)dl[0],
                         (long long)dl[1]);
    for (int d = 0; d < 2; d++) out[d] = (in[d] - 1) * s[d] - 2 * p->padding[d] + dl[d] * (k[d] - 1) + op[d] + 1;
    if (out[0] < 1 || out[1] < 1)
        return tg__faili(TG_E_SHAPE, "Given input size per channel: %s. Calculated output size per channel: %s. Output "
                                     "size is too small",
                         sizes_text(in, p->one_d, a, sizeof a), sizes_text(out, p->one_d, b, sizeof b));
    return 0;
}

/* Input, weight and bias of one dtype the kernels compute. */
static int check_dtypes(const tg_tensor *x, const tg_tensor *w, const tg_tensor *b, const conv_params *p)
{
    tg_dtype dt = x->dtype;
    if (w->dtype != dt) {
        if (!p->transposed && dt == TG_F32)   /* the check of PyTorch's MKLDNN kernel */
            return tg__faili(TG_E_DTYPE, "Input type (%s) and weight type (%s) should be the same or input should be a "
                                         "MKLDNN tensor and weight is a dense tensor",
                             tg__legacy_type(dt), tg__legacy_type(w->dtype));
        return tg__faili(TG_E_DTYPE, "expected scalar type %s but found %s", tg__dtype_short(dt),
                         tg__dtype_short(w->dtype));
    }
    if (b && b->dtype != dt) {
        const char *xn = tg__cxx_type_name(dt), *bn = tg__cxx_type_name(b->dtype);
        if (p->transposed || !xn || !bn)
            return tg__faili(TG_E_DTYPE, "expected scalar type %s but found %s", tg__dtype_short(dt),
                             tg__dtype_short(b->dtype));
        return tg__faili(TG_E_DTYPE, "Input type (%s) and bias type (%s) should be the same", xn, bn);
    }
    bool computed = dt == TG_F32 || dt == TG_F64 || tg__is_half(dt) || dt == TG_I64 || (dt == TG_I32 && !p->transposed);
    if (!computed) return tg__faili(TG_E_DTYPE, "\"%s\" not implemented for '%s'", kernel_name(p), tg__dtype_short(dt));
    return 0;
}

/* ----------------------------------------------------------- forward */

/* A geometry over t's storage for the kernels (no tensor of its own). */
static tg_tensor geometry(const tg_tensor *t, int ndim, const int64_t *shape, const int64_t *strides, int64_t offset)
{
    tg_tensor g = *t;
    g.autograd = NULL;
    g.ndim = ndim;
    memcpy(g.shape, shape, (size_t)ndim * sizeof *shape);
    memcpy(g.strides, strides, (size_t)ndim * sizeof *strides);
    g.offset = offset;
    return g;
}

/* A rank-3 tensor of conv1d as rank 4 with a height of 1 (no history). */
static const tg_tensor *as_image(const tg_tensor *t)
{
    int64_t shape[4] = {t->shape[0], t->shape[1], 1, t->shape[2]};
    int64_t strides[4] = {t->strides[0], t->strides[1], 0, t->strides[2]};
    return tg__alias(t, shape, strides, 4, t->offset);
}

/* t itself when contiguous, else a contiguous copy (no history). */
static const tg_tensor *dense(const tg_tensor *t)
{
    int64_t strides[TG_MAX_DIMS];
    tg__contiguous_strides(t->shape, t->ndim, strides);
    for (int d = 0; d < t->ndim; d++)
        if (t->shape[d] > 1 && t->strides[d] != strides[d]) return tg__cast(t, t->dtype);
    return t;
}

static tg_blocks blocks_of(const conv_params *p, int64_t channels, const int64_t *image, const int64_t *kernel,
                           const int64_t *grid)
{
    tg_blocks b = {.channels = channels};
    for (int d = 0; d < 2; d++) {
        b.in[d] = image[d];
        b.kernel[d] = kernel[d];
        b.dilation[d] = p->dilation[d];
        b.padding[d] = p->padding[d];
        b.stride[d] = p->stride[d];
        b.out[d] = grid[d];
    }
    return b;
}

/* Note [Convolution tiles]: outside a transposed convolution the forward
   and the no-grad backward go over the output grid a tile of block rows at
   a time: a tile's columns (im2col of those blocks, about TILE_BYTES) are
   multiplied while they are still in cache instead of a whole image's
   columns going through memory. The pool's threads share the work without
   sharing a buffer or a sum, so results are the same bits whatever the
   thread count: the forward splits the images into `chunks` (one a
   thread, at most one an image, at least one), each with its own columns;
   the backward splits the input channels into blocks of a size that
   depends on the kernel only (OpenBLAS's sums depend on a product's
   shape), each thread making the columns of its blocks' channels (their
   rows of the tile's columns), the columns of the weight gradient that
   belong to them and their planes of the input gradient. A piece runs its
   matrix products on its own thread (one BLAS thread inside a pool piece,
   core/pool.h); a single piece leaves them to the BLAS's threads. */
#define TILE_BYTES ((int64_t)512 * 1024)
/* The backward's blocks of input channels make at least this many rows of
   columns (or are a whole group): fewer make the products slower. */
#define BLOCK_ROWS 256
/* Below this many multiply-adds a convolution is not worth the pool. */
#define SPLIT_WORK ((int64_t)1 << 21)

/* The shapes of a tiled convolution of x (N, C, H, W) with w (O, C / G,
   kh, kw) into a grid of oh x ow blocks. */
typedef struct tiling {
    tg_blocks b;
    int64_t N, G, Og, K, L, ow;   /* K: a group's rows of columns; L = oh ow */
    int64_t rows;                 /* block rows a tile */
    int64_t chunks;
    int64_t grain;                /* for tg__parallel_for: 1, or all of a small convolution */
    tg_tensor *cols;              /* (chunks, G K rows ow) */
} tiling;

/* The tiling, with columns for `chunks` tiles of images allocated (at
   most one a thread, at least one; one for a small convolution); -1 on
   failure. */
static int tiling_of(tiling *t, const conv_params *p, const tg_tensor *x, const tg_tensor *w, const int64_t *grid,
                     int64_t chunks)
{
    int64_t G = p->groups, K = w->shape[1] * w->shape[2] * w->shape[3], es = (int64_t)tg__dtype_size(x->dtype);
    int64_t row_bytes = G * K * grid[1] * es, threads = tg_get_num_threads();
    *t = (tiling){.b = blocks_of(p, x->shape[1], x->shape + 2, w->shape + 2, grid), .N = x->shape[0],
                  .G = G, .Og = w->shape[0] / G, .K = K, .L = grid[0] * grid[1], .ow = grid[1]};
    t->rows = row_bytes > 0 && TILE_BYTES / row_bytes < grid[0] ? TILE_BYTES / row_bytes : grid[0];
    if (t->rows < 1) t->rows = 1;
    bool small = t->N * t->L * G * t->Og * K < SPLIT_WORK;
    t->chunks = small || chunks < 1 ? 1 : chunks < threads ? chunks : threads;
    t->grain = small ? INT64_MAX : 1;
    t->cols = tg__new(x->dtype, (int64_t[]){t->chunks, G * K * t->rows * grid[1]}, 2);
    return t->cols ? 0 : -1;
}

/* Chunk c's images [*first, *end). */
static void chunk_images(const tiling *t, int64_t c, int64_t *first, int64_t *end)
{
    *first = t->N * c / t->chunks;
    *end = t->N * (c + 1) / t->chunks;
}

/* Chunk c's columns for the block rows [r0, r1): (G, K, n), n = (r1 - r0) ow. */
static tg_tensor tile_cols(const tiling *t, int64_t c, int64_t r0, int64_t r1)
{
    int64_t n = (r1 - r0) * t->ow;
    return geometry(t->cols, 3, (int64_t[]){t->G, t->K, n}, (int64_t[]){t->K * n, n, 1}, c * t->cols->shape[1]);
}

/* The block rows [r0, r1) of image i of y (N, G Og, oh, ow), contiguous,
   as (G, Og, n). */
static tg_tensor tile_of(const tiling *t, const tg_tensor *y, int64_t i, int64_t r0, int64_t r1)
{
    return geometry(y, 3, (int64_t[]){t->G, t->Og, (r1 - r0) * t->ow}, (int64_t[]){t->Og * t->L, t->L, 1},
                    y->offset + i * t->G * t->Og * t->L + r0 * t->ow);
}

typedef struct forward_job {
    const tiling *t;
    tg_tensor *out;
    const tg_tensor *x, *w;
} forward_job;

static void forward_chunks(int64_t begin, int64_t end, void *ctx)
{
    const forward_job *job = ctx;
    const tiling *t = job->t;
    tg_tensor a = geometry(job->w, 3, (int64_t[]){t->G, t->Og, t->K}, (int64_t[]){t->Og * t->K, t->K, 1},
                           job->w->offset);
    for (int64_t c = begin; c < end; c++) {
        int64_t first, last;
        chunk_images(t, c, &first, &last);
        for (int64_t i = first; i < last; i++) {
            tg_tensor img = tg__part(job->x, 0, i, -1);
            for (int64_t r0 = 0; r0 < t->b.out[0]; r0 += t->rows) {
                int64_t r1 = r0 + t->rows < t->b.out[0] ? r0 + t->rows : t->b.out[0];
                tg_tensor cols = tile_cols(t, c, r0, r1), y = tile_of(t, job->out, i, r0, r1);
                tg__k_im2col_rows(&cols, &img, &t->b, r0, r1);
                tg__k_bmm(&y, &a, &cols);
            }
        }
    }
}

/* out (N, O, oh, ow), contiguous = the convolution of x (N, C, H, W) with
   w (O, C / G, kh, kw), contiguous: per tile of blocks, the columns (G, K,
   n) and the G products (O / G, K) @ (K, n) (Note [Convolution tiles]). */
static int convolve(tg_tensor *out, const tg_tensor *x, const tg_tensor *w, const conv_params *p)
{
    tiling t;
    if (tiling_of(&t, p, x, w, out->shape + 2, x->shape[0])) return -1;
    forward_job job = {&t, out, x, w};
    tg__parallel_for(0, t.chunks, t.grain, forward_chunks, &job);
    return 0;
}

/* out (N, O, oh, ow), contiguous = the transposed convolution of x (N, C,
   H, W), contiguous, with w (C, O / G, kh, kw): per image, the G products
   (K, C / G) @ (C / G, H W) as columns, summed into the image by col2im. */
static void convolve_transposed(tg_tensor *out, const tg_tensor *x, const tg_tensor *w, tg_tensor *cols,
                                const conv_params *p)
{
    int64_t G = p->groups, Cg = x->shape[1] / G, K = w->shape[1] * w->shape[2] * w->shape[3];
    int64_t HW = x->shape[2] * x->shape[3], O = out->shape[1];
    tg_blocks b = blocks_of(p, O, out->shape + 2, w->shape + 2, x->shape + 2);
    tg_tensor a = geometry(w, 3, (int64_t[]){G, K, Cg}, (int64_t[]){Cg * K, 1, K}, w->offset);
    tg_tensor c = geometry(cols, 3, (int64_t[]){G, K, HW}, (int64_t[]){K * HW, HW, 1}, 0);
    tg_tensor c2 = geometry(cols, 2, (int64_t[]){O * w->shape[2] * w->shape[3], HW}, (int64_t[]){HW, 1}, 0);
    for (int64_t n = 0; n < x->shape[0]; n++) {
        tg_tensor m = geometry(x, 3, (int64_t[]){G, Cg, HW}, (int64_t[]){Cg * HW, HW, 1}, x->offset + n * G * Cg * HW);
        tg__k_bmm(&c, &a, &m);
        tg_tensor img = tg__part(out, 0, n, -1);
        tg__k_col2im(&img, &c2, &b);
    }
}

/* c10's is_channels_last_strides_2d: whether t's strides are those of
   channels-last memory (PyTorch's suggest_memory_format). */
static bool channels_last(const tg_tensor *t)
{
    if (t->ndim != 4 || t->strides[1] == 0) return false;
    int64_t min = 0;
    static const int ORDER[4] = {1, 3, 2, 0};
    for (int i = 0; i < 4; i++) {
        int d = ORDER[i];
        if (t->shape[d] == 0 || t->strides[d] < min) return false;
        if (d == 0 && min == t->strides[1]) return false;
        min = t->strides[d] * (t->shape[d] > 1 ? t->shape[d] : 1);
    }
    return true;
}

/* out with channels-last strides (a copy), as PyTorch's CPU convolution
   lays out its result when the input or the weight is channels-last. */
static tg_tensor *to_channels_last(const tg_tensor *out)
{
    const int64_t *s = out->shape;
    tg_strided layout = {4, {s[0], s[1], s[2], s[3]}, {s[1] * s[2] * s[3], 1, s[3] * s[1], s[1]}, 0};
    tg_tensor *cl = tg__zeros_strided(out->dtype, &layout);
    if (cl) tg__copy_into(cl, out);
    return cl;
}

/* The convolution of the 4-D x and w (bias may be NULL) into a new tensor
   of spatial size size, without history. */
static tg_tensor *compute(const tg_tensor *x, const tg_tensor *w, const tg_tensor *bias, const conv_params *p,
                          const int64_t *size)
{
    if (tg__is_half(x->dtype)) {   /* Note [Half in float] (ops.h): no history here, so casts */
        tg_tensor *xf = tg__cast(x, TG_F32), *wf = tg__cast(w, TG_F32), *bf = bias ? tg__cast(bias, TG_F32) : NULL;
        tg_tensor *out = xf && wf && (bf || !bias) ? compute(xf, wf, bf, p, size) : NULL;
        tg_tensor *rounded = out ? tg__cast(out, x->dtype) : NULL;   /* contiguous, as the copies were */
        bool cl = !p->transposed && !p->one_d && x->shape[0] && (channels_last(x) || channels_last(w));
        return rounded && cl ? to_channels_last(rounded) : rounded;
    }
    int64_t O = p->transposed ? w->shape[1] * p->groups : w->shape[0];
    int64_t shape[4] = {x->shape[0], O, size[0], size[1]};
    const tg_tensor *wd = dense(w), *xd = p->transposed ? dense(x) : x;
    tg_tensor *out = wd && xd ? tg__new(x->dtype, shape, 4) : NULL;
    int64_t cols_shape[2] = {O * w->shape[2] * w->shape[3], x->shape[2] * x->shape[3]};
    tg_tensor *cols = out && shape[0] && p->transposed ? tg__new(x->dtype, cols_shape, 2) : NULL;
    if (!out || (shape[0] && p->transposed && !cols)) return NULL;
    if (shape[0] && p->transposed) convolve_transposed(out, xd, wd, cols, p);
    else if (shape[0] && convolve(out, xd, wd, p)) return NULL;
    if (bias) {
        tg_tensor b = geometry(bias, 4, (int64_t[]){1, O, 1, 1}, (int64_t[]){0, bias->strides[0], 0, 0}, bias->offset);
        tg__k_binary(TG_BIN_ADD, out, out, &b);
    }
    bool cl = !p->transposed && !p->one_d && shape[0] && (channels_last(x) || channels_last(w));
    return cl ? to_channels_last(out) : out;
}

/* at::convolution's checks and computation for a batched x (rank 3 for
   conv1d, 4 otherwise), without history. */
static tg_tensor *convolve_batch(const tg_tensor *x, const tg_tensor *weight, const tg_tensor *bias, conv_params *p)
{
    if (check_weight_rank(x, weight, p) || check_options(p) || check_channels(x, weight, bias, p)) return NULL;
    const tg_tensor *x4 = p->one_d ? as_image(x) : x, *w4 = p->one_d ? as_image(weight) : weight;
    if (!x4 || !w4) return NULL;
    int64_t size[2];
    if (output_size(x4, w4, p, size) || check_dtypes(x, weight, bias, p)) return NULL;
    tg_tensor *out = compute(x4, w4, bias, p, size);
    if (out && p->one_d)
        out = tg__alias(out, (int64_t[]){out->shape[0], out->shape[1], out->shape[3]},
                        (int64_t[]){out->strides[0], out->strides[1], out->strides[3]}, 3, 0);
    return out;
}

/* ------------------------------------------------------ padding="same" */

/* PyTorch's padding="same" (_convolution_mode): each dim's total padding
   d (k - 1) in p, half on each side, and x padded by the odd one after it
   (with PyTorch's warning, once a process). */
static tg_tensor *same_padding(const tg_tensor *x, const tg_tensor *w, conv_params *p)
{
    static atomic_flag warned = ATOMIC_FLAG_INIT;
    if (w->ndim < 3) return tg__fail(TG_E_SHAPE, "weight should have at least three dimensions");
    if (w->ndim != x->ndim) {   /* _convolution_mode's words, before at::convolution's checks */
        char ws[256], xs[256];
        return tg__fail(TG_E_SHAPE, "Expected %d-dimensional input for %d-dimensional weight%s, but got %d-dimensional "
                                    "input of size %s instead",
                        w->ndim, w->ndim, shape_text(w, ws, sizeof ws), x->ndim, shape_text(x, xs, sizeof xs));
    }
    int64_t after[2] = {0, 0};
    for (int d = p->one_d ? 1 : 0; d < 2; d++) {
        int64_t total = p->dilation[d] * (w->shape[w->ndim - 2 + d] - 1);
        p->padding[d] = total / 2;
        after[d] = total - 2 * p->padding[d];
    }
    if ((after[0] || after[1]) && !atomic_flag_test_and_set(&warned))
        tg__warn("Using padding='same' with even kernel lengths and odd dilation may require a zero-padded copy of the "
                 "input be created");
    if (!after[0] && !after[1]) return (tg_tensor *)x;
    /* F.pad's list runs from the last dim: (left, right, top, bottom) */
    return tg_pad(x, (const int64_t[]){0, after[1], 0, after[0]}, 4, TG_PAD_CONSTANT, 0);
}

/* The checks of F.convNd before at::convolution: the input's rank, and
   padding="same" refused with a stride. */
static int check_input(const char *name, const tg_tensor *input, const conv_params *p, bool same)
{
    int dims = p->one_d ? 1 : 2;
    if (input->ndim != dims + 1 && input->ndim != dims + 2) {
        char s[256];
        return tg__faili(TG_E_SHAPE, "Expected %dD (unbatched) or %dD (batched) input to %s, but got input of size: %s",
                         dims + 1, dims + 2, name, shape_text(input, s, sizeof s));
    }
    if (same && (p->stride[0] != 1 || p->stride[1] != 1))
        return tg__faili(TG_E_INVALID, "padding='same' is not supported for strided convolutions");
    return 0;
}

/* F.convNd (name) of any of the three: ConvolutionBackward0 saving the
   input (slot 0) and the weight (1). An unbatched input runs as a batch of
   one through unsqueeze and squeeze, as in PyTorch (whose graph shows both). */
static tg_tensor *convolution(const char *fn, const char *name, const tg_tensor *input, const tg_tensor *weight,
                              const tg_tensor *bias, conv_params p, bool same)
{
    TG_ARG_OF(fn, input);
    TG_ARG_OF(fn, weight);
    if (check_input(name, input, &p, same)) return NULL;
    bool unbatched = input->ndim == (p.one_d ? 2 : 3);
    const tg_tensor *x = unbatched ? tg_unsqueeze(input, 0) : input;
    if (x && same) x = same_padding(x, weight, &p);
    tg_tensor *out = x ? convolve_batch(x, weight, bias, &p) : NULL;
    tg_node *n;
    if (!out || tg__record(out, (tg_record){.op = TG_OP_CONVOLUTION, .n_saved = 2, TG_PARAMS(p)},
                           (const tg_tensor *[]){x, weight, bias}, 3, &n))
        return NULL;
    if (n) {
        tg__save(n, 0, x);
        tg__save(n, 1, weight);
    }
    return unbatched ? tg_squeeze_dim(out, 0) : out;
}

/* the batched x with the options the node kept (padding="same" resolved) */
tg_tensor *tg__convolution_again(const tg_tensor *x, const tg_tensor *weight, const tg_tensor *bias, const void *params)
{
    const conv_params *p = params;
    const char *name = p->transposed ? "conv_transpose2d" : p->one_d ? "conv1d" : "conv2d";
    return convolution(__func__, name, x, weight, bias, *p, false);
}

/* Zero fields as PyTorch's defaults; conv1d's height as 1, 0, 1. */
static conv_params params_of(const int64_t *stride, const int64_t *padding, const int64_t *dilation,
                             const int64_t *output_padding, int64_t groups, bool one_d, bool transposed)
{
    conv_params p = {.groups = groups ? groups : 1, .transposed = transposed, .one_d = one_d};
    for (int d = 0; d < 2; d++) {
        int from = one_d ? 0 : d;   /* conv1d's one value is its width's */
        bool height_of_1d = one_d && d == 0;
        p.stride[d] = height_of_1d || !stride[from] ? 1 : stride[from];
        p.padding[d] = height_of_1d ? 0 : padding[from];
        p.dilation[d] = height_of_1d || !dilation[from] ? 1 : dilation[from];
        p.output_padding[d] = height_of_1d || !output_padding ? 0 : output_padding[from];
    }
    return p;
}

tg_tensor *tg_conv2d(const tg_tensor *input, const tg_tensor *weight, const tg_tensor *bias, tg_conv_opts opts)
{
    return convolution(__func__, "conv2d", input, weight, bias,
                       params_of(opts.stride, opts.padding, opts.dilation, NULL, opts.groups, false, false),
                       opts.padding_same);
}

tg_tensor *tg_conv1d(const tg_tensor *input, const tg_tensor *weight, const tg_tensor *bias, tg_conv_opts opts)
{
    return convolution(__func__, "conv1d", input, weight, bias,
                       params_of(opts.stride, opts.padding, opts.dilation, NULL, opts.groups, true, false),
                       opts.padding_same);
}

tg_tensor *tg_conv_transpose2d(const tg_tensor *input, const tg_tensor *weight, const tg_tensor *bias,
                               tg_conv_transpose_opts opts)
{
    return convolution(__func__, "conv_transpose2d", input, weight, bias,
                       params_of(opts.stride, opts.padding, opts.dilation, opts.output_padding, opts.groups, false, true),
                       false);
}

/* ---------------------------------------------------------- backward */

static tg_fold_opts fold_opts_of(const conv_params *p, const tg_tensor *w)
{
    tg_fold_opts o;
    for (int d = 0; d < 2; d++) {
        o.kernel_size[d] = w->shape[2 + d];
        o.dilation[d] = p->dilation[d];
        o.padding[d] = p->padding[d];
        o.stride[d] = p->stride[d];
    }
    return o;
}

/* The gradients of the convolution of x (N, C, H, W) with w (O, C / G, kh,
   kw) for g (N, O, oh, ow): the columns' gradient w^T g folded back into
   the image, and g times the columns of x summed over the batch. */
static void convolution_grads(const tg_node *n, const conv_params *p, tg_tensor *x, tg_tensor *w, tg_tensor *g,
                              tg_tensor **gx, tg_tensor **gw)
{
    int64_t N = x->shape[0], G = p->groups, Og = w->shape[0] / G, K = w->shape[1] * w->shape[2] * w->shape[3];
    int64_t L = g->shape[2] * g->shape[3];
    tg_fold_opts o = fold_opts_of(p, w);
    tg_tensor *gf = tg_reshape(g, (int64_t[]){N, G, Og, L}, 4);
    if (NEED(0)) {
        tg_tensor *wt = tg_transpose(tg_reshape(w, (int64_t[]){G, Og, K}, 3), 1, 2);
        tg_tensor *cols = tg_reshape(tg_matmul(wt, gf), (int64_t[]){N, G * K, L}, 3);
        *gx = tg_fold(cols, x->shape + 2, o);
    }
    if (NEED(1)) {
        tg_tensor *cols = tg_reshape(tg_unfold(x, o), (int64_t[]){N, G, K, L}, 4);
        tg_tensor *per_image = tg_matmul(gf, tg_transpose(cols, 2, 3));
        *gw = tg_reshape(tg_sum_dim(per_image, (int64_t[]){0}, 1, false), w->shape, 4);
    }
}

/* The transposed convolution's: g's blocks over the input's grid (an
   output_padding of stride or more makes more of them) give the input's
   gradient through w, and the weight's through x, summed over the batch. */
static void transposed_grads(const tg_node *n, const conv_params *p, tg_tensor *x, tg_tensor *w, tg_tensor *g,
                             tg_tensor **gx, tg_tensor **gw)
{
    int64_t N = x->shape[0], G = p->groups, Cg = x->shape[1] / G, K = w->shape[1] * w->shape[2] * w->shape[3];
    int64_t HW = x->shape[2] * x->shape[3];
    tg_fold_opts o = fold_opts_of(p, w);
    tg_tensor *cols = tg_unfold(g, o);
    int64_t grid[2];
    for (int d = 0; d < 2; d++)
        grid[d] = (g->shape[2 + d] + 2 * o.padding[d] - o.dilation[d] * (o.kernel_size[d] - 1) - 1) / o.stride[d] + 1;
    if (cols && (grid[0] != x->shape[2] || grid[1] != x->shape[3])) {   /* output_padding >= stride */
        tg_tensor *blocks = tg_reshape(cols, (int64_t[]){N, cols->shape[1], grid[0], grid[1]}, 4);
        blocks = tg_narrow(tg_narrow(blocks, 2, 0, x->shape[2]), 3, 0, x->shape[3]);
        cols = tg_reshape(blocks, (int64_t[]){N, cols->shape[1], HW}, 3);
    }
    cols = tg_reshape(cols, (int64_t[]){N, G, K, HW}, 4);
    if (NEED(0)) {
        tg_tensor *prod = tg_matmul(tg_reshape(w, (int64_t[]){G, Cg, K}, 3), cols);
        *gx = tg_reshape(prod, x->shape, 4);
    }
    if (NEED(1)) {
        tg_tensor *xf = tg_reshape(x, (int64_t[]){N, G, Cg, HW}, 4);
        tg_tensor *per_image = tg_matmul(xf, tg_transpose(cols, 2, 3));
        *gw = tg_reshape(tg_sum_dim(per_image, (int64_t[]){0}, 1, false), w->shape, 4);
    }
}

/* Without grad mode (a backward without create_graph) the gradients need
   no graph of their own: they are computed image by image with the
   kernels, as the forward is, which spares the whole batch's columns. */

/* A convolution's, tile by tile (Note [Convolution tiles]): with the
   blocks of x as columns, gw += g[i] cols^T and gx[i] += col2im(w^T g[i]),
   a block of input channels at a time. */
typedef struct backward_job {
    const tiling *t;
    const tg_tensor *x, *w, *g;
    tg_tensor *gx, *gw;   /* either NULL when not needed; gw (G, Og, K), zeros */
    int64_t block_channels;
} backward_job;

/* The gradients for the input channels [c0, c1) of group gi, all in it,
   from the tile of block rows [r0, r1) of image i. */
static void backward_tile(const backward_job *job, int64_t i, int64_t r0, int64_t r1, int64_t gi, int64_t c0,
                          int64_t c1)
{
    const tiling *t = job->t;
    int64_t n = (r1 - r0) * t->ow, kernel = t->b.kernel[0] * t->b.kernel[1], rows = (c1 - c0) * kernel;
    int64_t first = (c0 - gi * (t->K / kernel)) * kernel;   /* the channels' first row of the group's K */
    int64_t at = c0 * kernel * t->rows * t->ow;   /* the channels' part of the columns, whatever the tile's n */
    tg_blocks b = t->b;
    b.channels = c1 - c0;
    tg_tensor img = tg__part(job->x, 0, i, -1);
    img = tg__part(&img, 0, c0, c1 - c0);
    tg_tensor cols = geometry(t->cols, 3, (int64_t[]){1, rows, n}, (int64_t[]){0, n, 1}, at);
    tg_tensor gy = geometry(job->g, 3, (int64_t[]){1, t->Og, n}, (int64_t[]){0, t->L, 1},
                            job->g->offset + (i * t->G + gi) * t->Og * t->L + r0 * t->ow);
    if (job->gw) {   /* before the input's gradient reuses the columns */
        tg_tensor cols_t = geometry(t->cols, 3, (int64_t[]){1, n, rows}, (int64_t[]){0, 1, n}, at);
        tg_tensor gw = geometry(job->gw, 3, (int64_t[]){1, t->Og, rows}, (int64_t[]){0, t->K, 1},
                                gi * t->Og * t->K + first);
        tg__k_im2col_rows(&cols, &img, &b, r0, r1);
        tg__k_bmm_add(&gw, &gy, &cols_t);
    }
    if (job->gx) {
        tg_tensor wt = geometry(job->w, 3, (int64_t[]){1, rows, t->Og}, (int64_t[]){0, 1, t->K},
                                job->w->offset + gi * t->Og * t->K + first);
        tg_tensor matrix = geometry(t->cols, 2, (int64_t[]){rows, n}, (int64_t[]){n, 1}, at);
        tg_tensor gimg = tg__part(job->gx, 0, i, -1);
        gimg = tg__part(&gimg, 0, c0, c1 - c0);
        tg__k_bmm(&cols, &wt, &gy);
        tg__k_col2im_rows(&gimg, &matrix, &b, r0, r1);
    }
}

/* The input channels of blocks of block_channels channels (fewer at a
   group's end), a group's blocks after another's: block k's. */
static void block_channels_of(const backward_job *job, int64_t k, int64_t *gi, int64_t *c0, int64_t *c1)
{
    int64_t Cg = job->t->b.channels / job->t->G, per_group = (Cg + job->block_channels - 1) / job->block_channels;
    *gi = k / per_group;
    *c0 = *gi * Cg + k % per_group * job->block_channels;
    *c1 = *c0 + job->block_channels < (*gi + 1) * Cg ? *c0 + job->block_channels : (*gi + 1) * Cg;
}

/* The blocks [begin, end) of input channels. */
static void backward_blocks(int64_t begin, int64_t end, void *ctx)
{
    const backward_job *job = ctx;
    const tiling *t = job->t;
    int64_t gi, first, last, unused;
    block_channels_of(job, begin, &gi, &first, &unused);
    block_channels_of(job, end - 1, &gi, &unused, &last);
    for (int64_t i = 0; i < t->N; i++) {
        if (job->gx) {
            tg_tensor gimg = tg__part(job->gx, 0, i, -1);
            gimg = tg__part(&gimg, 0, first, last - first);
            tg__k_fill(&gimg, 0);
        }
        for (int64_t r0 = 0; r0 < t->b.out[0]; r0 += t->rows) {
            int64_t r1 = r0 + t->rows < t->b.out[0] ? r0 + t->rows : t->b.out[0];
            for (int64_t k = begin; k < end; k++) {
                int64_t c0, c1;
                block_channels_of(job, k, &gi, &c0, &c1);
                backward_tile(job, i, r0, r1, gi, c0, c1);
            }
        }
    }
}

static int convolution_direct_grads(const tg_node *n, const conv_params *p, const tg_tensor *x, const tg_tensor *w,
                                    const tg_tensor *g, tg_tensor **gx, tg_tensor **gw)
{
    const tg_tensor *wd = dense(w), *gd = dense(g);
    tiling t;
    if (!wd || !gd || tiling_of(&t, p, x, w, g->shape + 2, 1)) return -1;
    int64_t kernel = w->shape[2] * w->shape[3], Cg = w->shape[1], block = 1;
    while (block < Cg && block * kernel < BLOCK_ROWS) block *= 2;
    backward_job job = {&t, x, wd, gd, NULL, NULL, block};
    tg_strided layout = {3, {t.G, t.Og, t.K}, {t.Og * t.K, t.K, 1}, 0};
    if (NEED(0) && !(job.gx = *gx = tg__new(x->dtype, x->shape, 4))) return -1;
    if (NEED(1) && !(job.gw = tg__zeros_strided(w->dtype, &layout))) return -1;
    tg__parallel_for(0, t.G * ((Cg + block - 1) / block), t.grain, backward_blocks, &job);
    if (NEED(1)) *gw = tg__alias(job.gw, w->shape, (int64_t[]){t.K, kernel, w->shape[3], 1}, 4, 0);
    return NEED(1) && !*gw ? -1 : 0;
}

/* A transposed convolution's, image by image n, with the blocks of g as
   columns: gx[n] = w cols, gw += x[n] cols^T. */
static int transposed_direct_grads(const tg_node *n, const conv_params *p, const tg_tensor *x, const tg_tensor *w,
                                   const tg_tensor *g, tg_tensor **gx, tg_tensor **gw)
{
    const tg_tensor *wd = dense(w), *gd = dense(g), *xd = dense(x);
    if (!wd || !gd || !xd) return -1;
    int64_t G = p->groups, N = x->shape[0], kernel = w->shape[2] * w->shape[3];
    int64_t Cg = x->shape[1] / G, Og = w->shape[1], K = Og * kernel, L = x->shape[2] * x->shape[3];
    tg_blocks b = blocks_of(p, gd->shape[1], gd->shape + 2, w->shape + 2, xd->shape + 2);
    tg_tensor *cols = tg__new(x->dtype, (int64_t[]){G * K, L}, 2);
    if (!cols) return -1;
    tg_tensor c = geometry(cols, 3, (int64_t[]){G, K, L}, (int64_t[]){K * L, L, 1}, 0);
    tg_tensor ct = geometry(cols, 3, (int64_t[]){G, L, K}, (int64_t[]){K * L, 1, L}, 0);
    tg_tensor wg = geometry(wd, 3, (int64_t[]){G, Cg, K}, (int64_t[]){Cg * K, K, 1}, wd->offset);
    if (NEED(0) && !(*gx = tg__new(x->dtype, x->shape, 4))) return -1;
    tg_strided sum_layout = {3, {G, Cg, K}, {Cg * K, K, 1}, 0};
    if (NEED(1) && !(*gw = tg__zeros_strided(w->dtype, &sum_layout))) return -1;
    for (int64_t i = 0; i < N; i++) {
        tg_tensor img = tg__part(gd, 0, i, -1);
        tg__k_im2col(cols, &img, &b);
        if (NEED(1)) {
            tg_tensor xi = geometry(xd, 3, (int64_t[]){G, Cg, L}, (int64_t[]){Cg * L, L, 1}, xd->offset + i * G * Cg * L);
            tg__k_bmm_add(*gw, &xi, &ct);
        }
        if (NEED(0)) {
            tg_tensor out = geometry(*gx, 3, (int64_t[]){G, Cg, L}, (int64_t[]){Cg * L, L, 1}, i * G * Cg * L);
            tg__k_bmm(&out, &wg, &c);
        }
    }
    if (NEED(1)) *gw = tg__alias(*gw, w->shape, (int64_t[]){w->shape[1] * kernel, kernel, w->shape[3], 1}, 4, 0);
    return NEED(1) && !*gw ? -1 : 0;
}

int tg__d_convolution(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    const conv_params *p = n->params;
    tg_tensor *x = tg__widened(SAVED(0)), *w = tg__widened(SAVED(1));
    if (!x || !w || !(g = tg__widened(g))) return -1;   /* Note [Half in float] */
    if (p->one_d) {
        x = tg_unsqueeze(x, 2);
        w = tg_unsqueeze(w, 2);
        g = tg_unsqueeze(g, 2);
    }
    if (!x || !w || !g) return -1;
    tg_tensor *gx = NULL, *gw = NULL;
    if (!tg_is_grad_enabled()) {
        if ((p->transposed ? transposed_direct_grads : convolution_direct_grads)(n, p, x, w, g, &gx, &gw)) return -1;
    } else if (p->transposed) {
        transposed_grads(n, p, x, w, g, &gx, &gw);
    } else {
        convolution_grads(n, p, x, w, g, &gx, &gw);
    }
    if (NEED(0)) gi[0] = p->one_d ? tg_squeeze_dim(gx, 2) : gx;
    if (NEED(1)) gi[1] = p->one_d ? tg_squeeze_dim(gw, 2) : gw;
    if (NEED(2)) gi[2] = tg_sum_dim(g, (int64_t[]){0, 2, 3}, 3, false);
    return tg__derivative_done(n, gi);
}
