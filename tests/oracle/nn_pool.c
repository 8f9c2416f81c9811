/* Pooling, padding and resampling: max_pool2d (with indices), max_pool1d,
   avg_pool2d, adaptive_avg_pool2d and adaptive_max_pool2d: values, indices,
   result strides, graphs and gradients (and second derivatives) on
   batched, unbatched, transposed, f64, empty and NaN inputs, and
   PyTorch's errors. Prints what nn_pool.py prints with PyTorch. */
#include <tensorgrad.h>

#include <math.h>
#include <stdio.h>

#include "oracle.h"

/* A leaf of this shape holding distinct values ((37 k) mod 101) / 10 - 5,
   in dtype dt. */
static tg_tensor *input(const int64_t *shape, int ndim, tg_dtype dt)
{
    int64_t n = 1;
    for (int d = 0; d < ndim; d++) n *= shape[d];
    tg_tensor *t = tg_div_scalar(tg_remainder_scalar(tg_mul_scalar(tg_arange(0, (double)n, 1, TG_F64), 37), 101), 10);
    t = tg_to(tg_sub_scalar(t, 5), dt);
    return leaf(tg_reshape(t, shape, ndim));
}
#define IN(...) input(TG_SHAPE(__VA_ARGS__), TG_F32)
#define IN64(...) input(TG_SHAPE(__VA_ARGS__), TG_F64)

/* The value, strides, graph and gradient of out = f(x), and indices when
   given. */
static void run(const char *label, tg_tensor *x, tg_tensor *out, tg_tensor *indices)
{
    if (out && indices) show(label, indices);
    check_strided(label, out, &x, 1);
}

/* run() of an expression that sets idx (evaluated first). */
#define RUN_IDX(label, x, EXPR) do { tg_tensor *out_ = (EXPR); run((label), (x), out_, idx); } while (0)

/* d/dx of sum(grad(sum(f(x)^2))^2)... : the second derivative through
   create_graph, as "<label> 2nd". */
static void second(const char *label, tg_tensor *x, tg_tensor *out)
{
    tg_tensor *g;
    tg_backward_opts opts = {.create_graph = true};
    tg_tensor *loss = tg_sum(tg_mul(out, out));
    if (tg_autograd_grad(&loss, 1, &x, 1, NULL, opts, &g) != 0) {
        printf("%s 2nd: error: %s\n", label, tg_last_error());
        return;
    }
    tg_tensor *h;
    tg_tensor *gg = tg_sum(tg_mul(g, g));
    if (tg_autograd_grad(&gg, 1, &x, 1, NULL, (tg_backward_opts){0}, &h) != 0) {
        printf("%s 2nd: error: %s\n", label, tg_last_error());
        return;
    }
    show(label, h);
}

typedef struct pool_case {
    const char *name;
    tg_pool_opts o;
} pool_case;

static const pool_case WINDOWS[] = {
    {"k2", {.kernel_size = {2, 2}}},
    {"k3 s1", {.kernel_size = {3, 3}, .stride = {1, 1}}},
    {"k3 s2 p1", {.kernel_size = {3, 3}, .stride = {2, 2}, .padding = {1, 1}}},
    {"k2x3 s1x2 p1x0", {.kernel_size = {2, 3}, .stride = {1, 2}, .padding = {1, 0}}},
    {"k3 s2 ceil", {.kernel_size = {3, 3}, .stride = {2, 2}, .ceil_mode = true}},
    {"k2 s2 p1 ceil", {.kernel_size = {2, 2}, .stride = {2, 2}, .padding = {1, 1}, .ceil_mode = true}},
    {"k3 s3 p1 ceil", {.kernel_size = {3, 3}, .stride = {3, 3}, .padding = {1, 1}, .ceil_mode = true}},
    {"k2 d2", {.kernel_size = {2, 2}, .stride = {1, 1}, .dilation = {2, 2}}},
    {"k3 s2 p1 d2", {.kernel_size = {3, 2}, .stride = {2, 1}, .padding = {1, 1}, .dilation = {2, 3}}},
    {"exclude pad", {.kernel_size = {3, 3}, .stride = {2, 2}, .padding = {1, 1}, .count_exclude_pad = true}},
    {"exclude pad ceil", {.kernel_size = {3, 2}, .stride = {2, 2}, .padding = {1, 1}, .ceil_mode = true,
                          .count_exclude_pad = true}},
};

static void pool2d_cases(void)
{
    char label[160];
    for (size_t i = 0; i < sizeof WINDOWS / sizeof WINDOWS[0]; i++) {
        const pool_case *c = &WINDOWS[i];
        tg_scope_begin();
        tg_tensor *x = IN(2, 2, 5, 7), *idx;
        snprintf(label, sizeof label, "max_pool2d %s", c->name);
        RUN_IDX(label, x, tg_max_pool2d_with_indices(x, c->o, &idx));
        x = IN(2, 2, 5, 7);
        snprintf(label, sizeof label, "avg_pool2d %s", c->name);
        run(label, x, tg_avg_pool2d(x, c->o), NULL);
        tg_scope_end();
    }
}

static void layouts(void)
{
    tg_pool_opts k2 = {.kernel_size = {2, 2}}, k3 = {.kernel_size = {3, 2}, .stride = {1, 2}, .padding = {1, 1}};
    tg_tensor *x, *idx;
    tg_scope_begin();
    x = IN(3, 4, 5);
    RUN_IDX("max_pool2d unbatched", x, tg_max_pool2d_with_indices(x, k3, &idx));
    x = IN(3, 4, 5);
    run("avg_pool2d unbatched", x, tg_avg_pool2d(x, k3), NULL);
    x = IN(2, 3, 6, 5);
    RUN_IDX("max_pool2d transposed", x, tg_max_pool2d_with_indices(tg_transpose(x, 2, 3), k3, &idx));
    x = IN(2, 3, 6, 5);
    run("avg_pool2d transposed", x, tg_avg_pool2d(tg_transpose(x, 2, 3), k3), NULL);
    x = IN64(2, 1, 4, 6);
    run("max_pool2d f64", x, tg_max_pool2d(x, k2), NULL);
    x = IN64(2, 1, 4, 6);
    run("avg_pool2d f64", x, tg_avg_pool2d(x, k2), NULL);
    x = IN(1, 4, 1, 6);
    run("max_pool2d expanded", x, tg_max_pool2d(tg_expand(x, TG_SHAPE(2, 4, 3, 6)), k3), NULL);
    x = IN(0, 2, 4, 4);
    RUN_IDX("max_pool2d empty batch", x, tg_max_pool2d_with_indices(x, k2, &idx));
    x = IN(0, 2, 4, 4);
    run("avg_pool2d empty batch", x, tg_avg_pool2d(x, k2), NULL);
    x = tg_detach(IN(2, 3, 4, 6));
    x = leaf(tg_permute(tg_contiguous(tg_permute(x, DIMS(0, 2, 3, 1))), DIMS(0, 3, 1, 2)));
    RUN_IDX("max_pool2d channels last", x, tg_max_pool2d_with_indices(x, k3, &idx));
    tg_zero_grad(x);
    run("avg_pool2d channels last", x, tg_avg_pool2d(x, k3), NULL);
    tg_zero_grad(x);
    run("adaptive_avg_pool2d channels last", x, tg_adaptive_avg_pool2d(x, 3, 4), NULL);
    tg_zero_grad(x);
    RUN_IDX("adaptive_max_pool2d channels last", x, tg_adaptive_max_pool2d(x, 3, 4, &idx));
    /* NaN wins, the last of a window */
    float v[16] = {1, NAN, 3, 4, 5, 6, -INFINITY, NAN, 9, 10, -INFINITY, -INFINITY, 13, 2, -INFINITY, -INFINITY};
    x = leaf(tg_from_f32(v, TG_SHAPE(1, 1, 4, 4)));
    RUN_IDX("max_pool2d nan", x, tg_max_pool2d_with_indices(x, k2, &idx));
    x = IN(1, 2, 5, 5);
    second("max_pool2d 2nd", x, tg_max_pool2d(x, k3));
    x = IN64(1, 2, 5, 5);
    second("avg_pool2d 2nd", x, tg_avg_pool2d(x, k3));
    tg_tensor *ints = tg_reshape(tg_arange(0, 32, 1, TG_I64), TG_SHAPE(2, 1, 4, 4));
    ATTEMPT("avg_pool2d i64", tg_avg_pool2d(ints, (tg_pool_opts){.kernel_size = {3, 3}, .stride = {1, 1}, .padding = {1, 1}}));
    tg_scope_end();
}

static void pool1d_cases(void)
{
    tg_pool_opts k3 = {.kernel_size = {3}, .stride = {2}, .padding = {1}};
    tg_pool_opts d2 = {.kernel_size = {2}, .dilation = {2}, .ceil_mode = true};
    tg_tensor *x, *idx;
    tg_scope_begin();
    x = IN(2, 3, 9);
    RUN_IDX("max_pool1d", x, tg_max_pool1d_with_indices(x, k3, &idx));
    x = IN(3, 9);
    run("max_pool1d unbatched", x, tg_max_pool1d(x, d2), NULL);
    x = IN(2, 9, 3);
    run("max_pool1d transposed", x, tg_max_pool1d(tg_transpose(x, 1, 2), d2), NULL);
    ATTEMPT("max_pool1d no grad", tg_max_pool1d(tg_detach(IN(2, 3, 9)), k3));
    ATTEMPT("max_pool1d empty no grad", tg_max_pool1d(tg_detach(IN(1, 3, 1)), (tg_pool_opts){.kernel_size = {2}}));
    x = IN64(1, 2, 7);
    second("max_pool1d 2nd", x, tg_max_pool1d(x, k3));
    tg_scope_end();
}

static void adaptive_cases(void)
{
    static const int64_t SIZES[][2] = {{2, 3}, {3, 2}, {4, 4}, {5, 7}, {7, 9}, {1, 3}, {1, 1}, {2, 1}};
    char label[160];
    for (size_t i = 0; i < sizeof SIZES / sizeof SIZES[0]; i++) {
        tg_scope_begin();
        int64_t h = SIZES[i][0], w = SIZES[i][1];
        tg_tensor *x = IN(2, 2, 5, 7), *idx;
        snprintf(label, sizeof label, "adaptive_avg_pool2d %lldx%lld", (long long)h, (long long)w);
        run(label, x, tg_adaptive_avg_pool2d(x, h, w), NULL);
        x = IN(2, 2, 5, 7);
        snprintf(label, sizeof label, "adaptive_max_pool2d %lldx%lld", (long long)h, (long long)w);
        RUN_IDX(label, x, tg_adaptive_max_pool2d(x, h, w, &idx));
        tg_scope_end();
    }
    tg_tensor *x, *idx;
    tg_scope_begin();
    x = IN(3, 5, 6);
    run("adaptive_avg_pool2d unbatched", x, tg_adaptive_avg_pool2d(x, 2, 4), NULL);
    x = IN(3, 5, 6);
    run("adaptive_avg_pool2d unbatched 1x1", x, tg_adaptive_avg_pool2d(x, 1, 1), NULL);
    x = IN(2, 3, 6, 5);
    RUN_IDX("adaptive_max_pool2d transposed", x, tg_adaptive_max_pool2d(tg_transpose(x, 2, 3), 3, 2, &idx));
    x = IN64(2, 3, 6, 5);
    run("adaptive_avg_pool2d transposed f64", x, tg_adaptive_avg_pool2d(tg_transpose(x, 2, 3), 4, 3), NULL);
    x = IN(0, 2, 4, 4);
    run("adaptive_avg_pool2d empty batch", x, tg_adaptive_avg_pool2d(x, 2, 3), NULL);
    /* (PyTorch refuses its backward: only the value is compared) */
    x = IN(2, 0, 4, 4);
    show("adaptive_avg_pool2d no channels", tg_adaptive_avg_pool2d(x, 2, 3));
    x = IN(0, 4, 4);
    RUN_IDX("adaptive_max_pool2d no channels", x, tg_adaptive_max_pool2d(x, 2, 3, &idx));
    x = IN(2, 3, 4, 4);
    show("adaptive_avg_pool2d empty output", tg_adaptive_avg_pool2d(x, 0, 3));
    x = IN64(1, 2, 5, 5);
    second("adaptive_avg_pool2d 2nd", x, tg_adaptive_avg_pool2d(x, 3, 2));
    x = IN64(1, 2, 5, 5);
    second("adaptive_max_pool2d 2nd", x, tg_adaptive_max_pool2d(x, 3, 2, NULL));
    tg_scope_end();
}

static void errors(void)
{
    tg_scope_begin();
    tg_tensor *x = IN(2, 3, 5, 6);
    tg_pool_opts k2 = {.kernel_size = {2, 2}};
    ATTEMPT("max_pool2d pad too big", tg_max_pool2d(x, (tg_pool_opts){.kernel_size = {2, 2}, .padding = {2, 2}}));
    ATTEMPT("max_pool2d pad dilated", tg_max_pool2d(x, (tg_pool_opts){.kernel_size = {3, 3}, .padding = {2, 2}, .dilation = {2, 2}}));
    ATTEMPT("max_pool2d pad negative", tg_max_pool2d(x, (tg_pool_opts){.kernel_size = {2, 2}, .padding = {-1, 0}}));
    ATTEMPT("max_pool2d kernel 0", tg_max_pool2d(x, (tg_pool_opts){0}));
    ATTEMPT("max_pool2d kernel 0 stride 1", tg_max_pool2d(x, (tg_pool_opts){.stride = {1, 1}}));
    ATTEMPT("max_pool2d kernel -1", tg_max_pool2d(x, (tg_pool_opts){.kernel_size = {-1, -1}}));
    ATTEMPT("max_pool2d stride -1", tg_max_pool2d(x, (tg_pool_opts){.kernel_size = {2, 2}, .stride = {-1, -1}}));
    ATTEMPT("max_pool2d dilation -1", tg_max_pool2d(x, (tg_pool_opts){.kernel_size = {2, 2}, .dilation = {-1, 1}}));
    ATTEMPT("max_pool2d 2-D", tg_max_pool2d(IN(5, 5), k2));
    ATTEMPT("max_pool2d 5-D", tg_max_pool2d(IN(1, 1, 1, 5, 5), k2));
    ATTEMPT("max_pool2d too small", tg_max_pool2d(IN(1, 2, 2), (tg_pool_opts){.kernel_size = {3, 3}}));
    ATTEMPT("max_pool2d no channels", tg_max_pool2d(IN(2, 0, 4, 4), k2));
    ATTEMPT("max_pool2d empty height", tg_max_pool2d(IN(2, 3, 0, 4), k2));
    ATTEMPT("max_pool2d i64", tg_max_pool2d(tg_ones(TG_SHAPE(1, 1, 4, 4), TG_I64), k2));
    ATTEMPT("avg_pool2d pad too big", tg_avg_pool2d(x, (tg_pool_opts){.kernel_size = {2, 2}, .padding = {2, 2}}));
    ATTEMPT("avg_pool2d kernel 0", tg_avg_pool2d(x, (tg_pool_opts){0}));
    ATTEMPT("avg_pool2d 2-D", tg_avg_pool2d(IN(5, 5), k2));
    ATTEMPT("avg_pool2d 1-D", tg_avg_pool2d(IN(5), k2));
    ATTEMPT("avg_pool2d 0-D", tg_avg_pool2d(leaf(tg_scalar(1)), k2));
    ATTEMPT("avg_pool2d 5-D", tg_avg_pool2d(IN(1, 1, 1, 4, 4), k2));
    ATTEMPT("avg_pool2d too small", tg_avg_pool2d(IN(3, 1, 1), k2));
    ATTEMPT("adaptive_avg_pool2d negative", tg_adaptive_avg_pool2d(x, -1, 2));
    ATTEMPT("adaptive_avg_pool2d 2-D", tg_adaptive_avg_pool2d(IN(5, 5), 2, 2));
    ATTEMPT("adaptive_avg_pool2d 2-D 1x1", tg_adaptive_avg_pool2d(IN(4, 5), 1, 1));
    ATTEMPT("adaptive_avg_pool2d 5-D", tg_adaptive_avg_pool2d(IN(1, 1, 1, 4, 4), 2, 2));
    ATTEMPT("adaptive_avg_pool2d empty height", tg_adaptive_avg_pool2d(IN(2, 3, 0, 4), 2, 2));
    ATTEMPT("adaptive_avg_pool2d i64", tg_adaptive_avg_pool2d(tg_ones(TG_SHAPE(1, 1, 4, 4), TG_I64), 2, 2));
    ATTEMPT("adaptive_avg_pool2d i64 1x1", tg_adaptive_avg_pool2d(tg_ones(TG_SHAPE(1, 2, 2), TG_I64), 1, 1));
    ATTEMPT("adaptive_max_pool2d negative", tg_adaptive_max_pool2d(x, -1, 2, NULL));
    ATTEMPT("adaptive_max_pool2d 2-D", tg_adaptive_max_pool2d(IN(5, 5), 2, 2, NULL));
    ATTEMPT("adaptive_max_pool2d no channels", tg_adaptive_max_pool2d(IN(2, 0, 4, 4), 2, 2, NULL));
    ATTEMPT("adaptive_max_pool2d i64", tg_adaptive_max_pool2d(tg_ones(TG_SHAPE(1, 1, 4, 4), TG_I64), 2, 2, NULL));
    tg_pool_opts k2_1d = {.kernel_size = {2}};
    ATTEMPT("max_pool1d 1-D", tg_max_pool1d(IN(8), k2_1d));
    ATTEMPT("max_pool1d 4-D", tg_max_pool1d(IN(1, 1, 3, 8), k2_1d));
    ATTEMPT("max_pool1d no channels", tg_max_pool1d(IN(2, 0, 4), k2_1d));
    ATTEMPT("max_pool1d pad too big", tg_max_pool1d(IN(1, 3, 8), (tg_pool_opts){.kernel_size = {2}, .padding = {2}}));
    ATTEMPT("max_pool1d kernel 0", tg_max_pool1d(IN(1, 3, 8), (tg_pool_opts){0}));
    ATTEMPT("max_pool1d stride -1", tg_max_pool1d(IN(1, 3, 8), (tg_pool_opts){.kernel_size = {2}, .stride = {-1}}));
    ATTEMPT("max_pool1d too small", tg_max_pool1d(IN(1, 3, 1), k2_1d));
    tg_tensor *d = tg_detach(IN(1, 3, 8));
    ATTEMPT("max_pool1d no grad pad too big", tg_max_pool1d(d, (tg_pool_opts){.kernel_size = {2}, .padding = {2}}));
    ATTEMPT("max_pool1d no grad kernel 0", tg_max_pool1d(d, (tg_pool_opts){0}));
    ATTEMPT("max_pool1d no grad stride -1", tg_max_pool1d(d, (tg_pool_opts){.kernel_size = {2}, .stride = {-1}}));
    ATTEMPT("max_pool1d no grad dilation -1", tg_max_pool1d(d, (tg_pool_opts){.kernel_size = {2}, .dilation = {-1}}));
    ATTEMPT("max_pool1d no grad pad negative", tg_max_pool1d(d, (tg_pool_opts){.kernel_size = {2}, .padding = {-1}}));
    ATTEMPT("max_pool1d no grad i64", tg_max_pool1d(tg_ones(TG_SHAPE(1, 3, 8), TG_I64), k2_1d));
    tg_scope_end();
}

int main(void)
{
    pool2d_cases();
    layouts();
    pool1d_cases();
    adaptive_cases();
    errors();
    return 0;
}
