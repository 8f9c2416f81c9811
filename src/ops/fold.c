/* unfold and fold (PyTorch's im2col and col2im): the sliding blocks of a
   batch of images as columns, and the columns summed back into images.
   Each is the other's derivative, so every order of derivative is one of
   the two. */
#include "ops.h"

#include <string.h>

/* The geometry a node keeps: the blocks' options with defaults filled in,
   and the image size (unfold's input, fold's output). */
typedef struct fold_params {
    tg_fold_opts opts;
    int64_t image[2];
} fold_params;

static tg_fold_opts with_defaults(tg_fold_opts o)
{
    for (int d = 0; d < 2; d++) {
        if (!o.dilation[d]) o.dilation[d] = 1;
        if (!o.stride[d]) o.stride[d] = 1;
    }
    return o;
}

/* The checks im2col and col2im share, in PyTorch's order. */
static int check_opts(const tg_fold_opts *o)
{
    if (o->kernel_size[0] <= 0 || o->kernel_size[1] <= 0)
        return tg__faili(TG_E_INVALID, "kernel size should be greater than zero, but got kernel_height: %lld kernel_width: %lld",
                         (long long)o->kernel_size[0], (long long)o->kernel_size[1]);
    if (o->dilation[0] <= 0 || o->dilation[1] <= 0)
        return tg__faili(TG_E_INVALID, "dilation should be greater than zero, but got dilation_height: %lld dilation_width: %lld",
                         (long long)o->dilation[0], (long long)o->dilation[1]);
    if (o->padding[0] < 0 || o->padding[1] < 0)
        return tg__faili(TG_E_INVALID, "padding should be non-negative, but got pad_height: %lld pad_width: %lld",
                         (long long)o->padding[0], (long long)o->padding[1]);
    if (o->stride[0] <= 0 || o->stride[1] <= 0)
        return tg__faili(TG_E_INVALID, "stride should be greater than zero, but got stride_height: %lld stride_width: %lld",
                         (long long)o->stride[0], (long long)o->stride[1]);
    return 0;
}

/* How many blocks fit along dim d of an image of this size (C's division,
   as PyTorch's, so that too small an image gives its numbers). */
static int64_t blocks_along(const tg_fold_opts *o, int d, int64_t size)
{
    return (size + 2 * o->padding[d] - o->dilation[d] * (o->kernel_size[d] - 1) - 1) / o->stride[d] + 1;
}

static tg_blocks blocks_of(const tg_fold_opts *o, int64_t channels, const int64_t *image, const int64_t *grid)
{
    tg_blocks b = {.channels = channels};
    for (int d = 0; d < 2; d++) {
        b.in[d] = image[d];
        b.kernel[d] = o->kernel_size[d];
        b.dilation[d] = o->dilation[d];
        b.padding[d] = o->padding[d];
        b.stride[d] = o->stride[d];
        b.out[d] = grid[d];
    }
    return b;
}

/* The floating dtypes im2col and col2im take. */
static int check_dtype(const char *kernel, tg_dtype dt)
{
    if (dt == TG_F32 || dt == TG_F64 || dt == TG_F16 || dt == TG_BF16) return 0;
    return tg__faili(TG_E_DTYPE, "\"%s\" not implemented for '%s'", kernel, tg__dtype_short(dt));
}

/* x as a batch: itself, or an unbatched x with a batch of one in front. */
static tg_tensor *as_batch(const tg_tensor *x, bool batched)
{
    if (batched) return (tg_tensor *)x;
    int64_t shape[TG_MAX_DIMS], strides[TG_MAX_DIMS];
    shape[0] = 1;
    strides[0] = 0;
    memcpy(shape + 1, x->shape, (size_t)x->ndim * sizeof *shape);
    memcpy(strides + 1, x->strides, (size_t)x->ndim * sizeof *strides);
    return tg__alias(x, shape, strides, x->ndim + 1, x->offset);
}

/* Runs kernel (im2col or col2im) from each image of x (input as a batch)
   into a new contiguous batch of this shape (batch first); returns it
   unbatched when input is, recorded as op. */
typedef void (*blocks_kernel)(tg_tensor *out, const tg_tensor *in, const tg_blocks *b);
static tg_tensor *per_image(tg_op op, blocks_kernel kernel, const tg_tensor *input, const tg_tensor *x,
                            const int64_t *shape, int ndim, const tg_blocks *b, const fold_params *p)
{
    tg_tensor *out = tg__new(input->dtype, shape, ndim);
    if (!out) return NULL;
    for (int64_t n = 0; n < shape[0]; n++) {
        tg_tensor from = tg__part(x, 0, n, -1), to = tg__part(out, 0, n, -1);
        kernel(&to, &from, b);
    }
    if (x != input) out = tg__alias(out, shape + 1, out->strides + 1, ndim - 1, 0);
    if (!out || tg__record(out, (tg_record){.op = op, TG_PARAMS(*p)}, &input, 1, NULL)) return NULL;
    return out;
}

/* ------------------------------------------------------------- unfold */

/* PyTorch reads a size of a tensor of rank below 3 before it checks it. */
static void *unfold_rank_error(int ndim)
{
    if (ndim == 0) return tg__fail(TG_E_INDEX, "Dimension specified as 1 but tensor has no dimensions");
    return tg__fail(TG_E_INDEX, "Dimension out of range (expected to be in range of [%d, %d], but got %d)", -ndim,
                    ndim - 1, ndim);
}

static bool unfold_shape_ok(const tg_tensor *x)
{
    int first = x->ndim == 4;   /* the batch may be empty, nothing else */
    if (x->ndim != 3 && x->ndim != 4) return false;
    for (int d = first; d < x->ndim; d++)
        if (x->shape[d] == 0) return false;
    return true;
}

tg_tensor *tg_unfold(const tg_tensor *input, tg_fold_opts opts)
{
    TG_ARG(input);
    tg_fold_opts o = with_defaults(opts);
    if (check_opts(&o)) return NULL;
    if (input->ndim < 3) return unfold_rank_error(input->ndim);
    if (!unfold_shape_ok(input)) {
        char s[256];
        return tg__fail(TG_E_SHAPE, "Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and other "
                                    "non-zero dimensions for input, but got: %s",
                        tg__shape_str(input->shape, input->ndim, s, sizeof s));
    }
    bool batched = input->ndim == 4;
    const int64_t *image = input->shape + input->ndim - 2;
    int64_t grid[2] = {blocks_along(&o, 0, image[0]), blocks_along(&o, 1, image[1])};
    if (grid[0] < 1 || grid[1] < 1)
        return tg__fail(TG_E_SHAPE, "Given input with spatial size (%lld, %lld), kernel_size=(%lld, %lld), dilation=(%lld, %lld), "
                                    "padding=(%lld, %lld), calculated shape of the array of sliding blocks as (%lld, %lld), "
                                    "but its components must be at least one.",
                        (long long)image[0], (long long)image[1], (long long)o.kernel_size[0], (long long)o.kernel_size[1],
                        (long long)o.dilation[0], (long long)o.dilation[1], (long long)o.padding[0],
                        (long long)o.padding[1], (long long)grid[0], (long long)grid[1]);
    if (check_dtype("im2col_out_cpu", input->dtype)) return NULL;
    tg_tensor *x = as_batch(input, batched);
    if (!x) return NULL;
    int64_t channels = x->shape[1], rows = channels * o.kernel_size[0] * o.kernel_size[1];
    int64_t shape[3] = {x->shape[0], rows, grid[0] * grid[1]};
    tg_blocks b = blocks_of(&o, channels, image, grid);
    fold_params p = {o, {image[0], image[1]}};
    return per_image(TG_OP_IM2COL, tg__k_im2col, input, x, shape, 3, &b, &p);
}

/* d unfold = fold of the gradient into the input's image size */
int tg__d_im2col(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    const fold_params *p = n->params;
    if (NEED(0)) gi[0] = tg_fold(g, p->image, p->opts);
    return tg__derivative_done(n, gi);
}

/* --------------------------------------------------------------- fold */

static bool fold_shape_ok(const tg_tensor *x)
{
    if (x->ndim == 2) return x->shape[0] != 0 && x->shape[1] != 0;
    return x->ndim == 3 && x->shape[1] != 0 && x->shape[2] != 0;
}

static int check_fold_blocks(const tg_tensor *x, const int64_t *size, const tg_fold_opts *o, const int64_t *grid)
{
    int64_t cols = x->shape[x->ndim - 2], count = x->shape[x->ndim - 1];
    if (cols % (o->kernel_size[0] * o->kernel_size[1]))
        return tg__faili(TG_E_SHAPE, "Expected size of input's dimension 1 to be divisible by the product of kernel_size, "
                                     "but got input.size(1)=%lld and kernel_size=(%lld, %lld).",
                         (long long)cols, (long long)o->kernel_size[0], (long long)o->kernel_size[1]);
    char given[400];
    snprintf(given, sizeof given, "Given output_size=(%lld, %lld), kernel_size=(%lld, %lld), dilation=(%lld, %lld), "
                                  "padding=(%lld, %lld), stride=(%lld, %lld)",
             (long long)size[0], (long long)size[1], (long long)o->kernel_size[0], (long long)o->kernel_size[1],
             (long long)o->dilation[0], (long long)o->dilation[1], (long long)o->padding[0], (long long)o->padding[1],
             (long long)o->stride[0], (long long)o->stride[1]);
    if (grid[0] * grid[1] != count)
        return tg__faili(TG_E_SHAPE, "%s, expected size of input's dimension 2 to match the calculated number of sliding "
                                     "blocks %lld * %lld = %lld, but got input.size(2)=%lld.",
                         given, (long long)grid[0], (long long)grid[1], (long long)(grid[0] * grid[1]), (long long)count);
    if (grid[0] < 1 || grid[1] < 1)
        return tg__faili(TG_E_SHAPE, "%s, calculated shape of the array of sliding blocks as (%lld, %lld), which is too "
                                     "small (non-positive).",
                         given, (long long)grid[0], (long long)grid[1]);
    return 0;
}

tg_tensor *tg_fold(const tg_tensor *input, const int64_t output_size[2], tg_fold_opts opts)
{
    TG_ARG(input);
    if (!output_size) return tg__fail(TG_E_NULL, "tg_fold(): output_size is NULL");
    tg_fold_opts o = with_defaults(opts);
    if (check_opts(&o)) return NULL;
    if (!fold_shape_ok(input)) {
        char s[256];
        return tg__fail(TG_E_SHAPE, "Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and "
                                    "non-zero dimensions for input, but got: %s",
                        tg__shape_str(input->shape, input->ndim, s, sizeof s));
    }
    int64_t grid[2] = {blocks_along(&o, 0, output_size[0]), blocks_along(&o, 1, output_size[1])};
    if (check_fold_blocks(input, output_size, &o, grid) || check_dtype("col2im_out_cpu", input->dtype)) return NULL;
    bool batched = input->ndim == 3;
    tg_tensor *x = as_batch(input, batched);
    if (!x) return NULL;
    int64_t channels = x->shape[1] / (o.kernel_size[0] * o.kernel_size[1]);
    int64_t shape[4] = {x->shape[0], channels, output_size[0], output_size[1]};
    tg_blocks b = blocks_of(&o, channels, output_size, grid);
    fold_params p = {o, {output_size[0], output_size[1]}};
    return per_image(TG_OP_COL2IM, tg__k_col2im, input, x, shape, 4, &b, &p);
}

/* d fold = unfold of the gradient */
int tg__d_col2im(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    const fold_params *p = n->params;
    if (NEED(0)) gi[0] = tg_unfold(g, p->opts);
    return tg__derivative_done(n, gi);
}

tg_tensor *tg__fold_again(tg_op op, const tg_tensor *t, const void *params)
{
    const fold_params *p = params;
    return op == TG_OP_IM2COL ? tg_unfold(t, p->opts) : tg_fold(t, p->image, p->opts);
}
