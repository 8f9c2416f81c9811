/* conv2d over images large enough to be computed in several tiles of block
   rows, with batches split across 1, 2 and 3 threads (Note [Convolution
   tiles] in src/ops/conv.c): the output and the gradients of input, weight
   and bias of a backward without create_graph, each summarised by two f64
   sums (plain, and weighted by a ramp over its elements). Inputs are
   multiples of 1/4 and 1/2, so every f32 sum is exact in any order and the
   sums print identically. Prints what nn_conv_tiles.py prints with PyTorch. */
#include <tensorgrad.h>

#include <stdio.h>

#include "oracle.h"

/* ((arange(n) % mod) - shift) / scale in shape, in dtype dt. */
static tg_tensor *ramp(const int64_t *shape, int ndim, int mod, double shift, double scale, tg_dtype dt)
{
    int64_t n = 1;
    for (int i = 0; i < ndim; i++) n *= shape[i];
    tg_tensor *t = tg_div_scalar(tg_sub_scalar(tg_remainder_scalar(tg_arange(0, (double)n, 1, TG_F32), mod), shift), scale);
    return tg_to(tg_reshape(t, shape, ndim), dt);
}

typedef struct tiles_case {
    const char *label;
    int64_t x[4], w[4];
    tg_conv_opts opts;
    tg_dtype dtype;
} tiles_case;

static const tiles_case CASES[] = {
    {"3x3 padding 1", {3, 8, 40, 70}, {5, 8, 3, 3}, {.padding = {1, 1}}, TG_F32},
    {"groups 2 stride (2, 1) padding (1, 2) dilation (1, 2)", {2, 4, 60, 90}, {6, 2, 3, 5},
     {.groups = 2, .stride = {2, 1}, .padding = {1, 2}, .dilation = {1, 2}}, TG_F32},
    {"5x5 padding 2 f64", {4, 3, 50, 64}, {4, 3, 5, 5}, {.padding = {2, 2}}, TG_F64},
    {"stride 2", {2, 16, 64, 100}, {3, 16, 3, 3}, {.stride = {2, 2}}, TG_F32},
    {"padding 3 of a 3x3 kernel", {5, 8, 40, 70}, {4, 8, 3, 3}, {.padding = {3, 3}}, TG_F32},
};

/* "label: sum weighted" of t in f64. */
static void summary(const char *label, const tg_tensor *t)
{
    tg_tensor *d = tg_to(t, TG_F64);
    tg_tensor *weights = ramp(tg_shape(d), tg_ndim(d), 17, 8, 1, TG_F64);
    printf("%s: %.6f %.6f\n", label, tg_item(tg_sum(d)), tg_item(tg_sum(tg_mul(d, weights))));
}

int main(void)
{
    for (int threads = 1; threads <= 3; threads++) {
        tg_set_num_threads(threads);
        for (size_t i = 0; i < sizeof CASES / sizeof *CASES; i++) {
            const tiles_case *c = &CASES[i];
            tg_scope_begin();
            tg_tensor *x = leaf(ramp(c->x, 4, 7, 3, 4, c->dtype)), *w = leaf(ramp(c->w, 4, 5, 2, 2, c->dtype));
            tg_tensor *b = leaf(ramp(I64(c->w[0]), 1, 3, 1, 4, c->dtype));
            tg_tensor *out = tg_conv2d(x, w, b, c->opts);
            char label[160];
            snprintf(label, sizeof label, "%d threads, %s", threads, c->label);
            printf("%s: output %s\n", label, out ? "" : tg_last_error());
            if (out && tg_backward(out, ramp(tg_shape(out), 4, 11, 5, 4, c->dtype)) == 0) {
                summary("  output", out);
                summary("  input grad", tg_grad(x));
                summary("  weight grad", tg_grad(w));
                summary("  bias grad", tg_grad(b));
            }
            tg_scope_end();
        }
    }
    return 0;
}
