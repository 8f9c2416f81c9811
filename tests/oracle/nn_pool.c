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
    tg_pool_opts k3p = {.kernel_size = {3, 3}, .stride = {2, 1}, .padding = {1, 1}, .ceil_mode = true};
    x = IN(1, 2, 5, 5);
    run("avg_pool2d divisor_override", x, tg_avg_pool2d_ex(x, k3p, 4), NULL);
    x = IN64(2, 1, 4, 6);
    run("avg_pool2d divisor_override f64", x, tg_avg_pool2d_ex(tg_transpose(x, 2, 3), k2, 3), NULL);
    x = IN64(1, 2, 5, 5);
    second("avg_pool2d divisor_override 2nd", x, tg_avg_pool2d_ex(x, k3p, 7));
    tg_tensor *ints = tg_reshape(tg_arange(0, 32, 1, TG_I64), TG_SHAPE(2, 1, 4, 4));
    ATTEMPT("avg_pool2d i64", tg_avg_pool2d(ints, (tg_pool_opts){.kernel_size = {3, 3}, .stride = {1, 1}, .padding = {1, 1}}));
    ATTEMPT("avg_pool2d i64 divisor_override", tg_avg_pool2d_ex(ints, (tg_pool_opts){.kernel_size = {2, 3}, .stride = {1, 1}}, 4));
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

/* tg_pad with the pads as a list: PAD(x, mode, value, 1, 2, ...). */
#define PAD(x, mode, value, ...) tg_pad((x), DIMS(__VA_ARGS__), (mode), (value))

static void pad_cases(void)
{
    static const struct { const char *name; tg_pad_mode mode; } MODES[] = {
        {"constant", TG_PAD_CONSTANT}, {"reflect", TG_PAD_REFLECT}, {"replicate", TG_PAD_REPLICATE}};
    char label[160];
    tg_tensor *x;
    for (int m = 0; m < 3; m++) {
        tg_pad_mode mode = MODES[m].mode;
        tg_scope_begin();
#define PAD_CASE(what, LEAF, EXPR) do {                                          \
        snprintf(label, sizeof label, "pad %s %s", MODES[m].name, (what));       \
        x = (LEAF);                                                              \
        run(label, x, (EXPR), NULL);                                             \
    } while (0)
        PAD_CASE("1d", IN(2, 3, 5), PAD(x, mode, 0, 2, 1));
        PAD_CASE("1d unbatched", IN(3, 5), PAD(x, mode, 0, 1, 3));
        PAD_CASE("1d negative", IN(2, 3, 6), PAD(x, mode, 0, -1, 2));
        PAD_CASE("1d negative right", IN(2, 3, 6), PAD(x, mode, 0, 3, -2));
        PAD_CASE("2d", IN(2, 2, 4, 5), PAD(x, mode, 0, 1, 2, 3, 1));
        PAD_CASE("2d unbatched", IN(2, 4, 5), PAD(x, mode, 0, 0, 2, 1, 0));
        PAD_CASE("2d transposed", IN(2, 2, 5, 4), PAD(tg_transpose(x, 2, 3), mode, 0, 1, 1, 2, 1));
        PAD_CASE("2d negative", IN(1, 2, 4, 5), PAD(x, mode, 0, -1, 2, 1, -2));
        PAD_CASE("2d f64", IN64(1, 2, 3, 4), PAD(x, mode, 0, 2, 2, 2, 2));
        PAD_CASE("2d empty batch", IN(0, 2, 3, 4), PAD(x, mode, 0, 1, 1, 1, 1));
        PAD_CASE("3d", IN(1, 2, 3, 3, 4), PAD(x, mode, 0, 1, 2, 0, 1, 2, 1));
        PAD_CASE("3d unbatched", IN(2, 3, 3, 4), PAD(x, mode, 0, 1, 1, 1, 1, 1, 1));
        tg_scope_end();
        tg_scope_begin();
        x = IN64(1, 2, 4, 5);
        snprintf(label, sizeof label, "pad %s 2nd", MODES[m].name);
        second(label, x, PAD(x, mode, 0, 1, 2, 2, 1));
        tg_scope_end();
    }
    tg_scope_begin();
    x = tg_detach(IN(2, 3, 4, 5));
    x = leaf(tg_permute(tg_contiguous(tg_permute(x, DIMS(0, 2, 3, 1))), DIMS(0, 3, 1, 2)));
    run("pad constant channels-last input", x, PAD(x, TG_PAD_CONSTANT, 0, 1, 1, 1, 1), NULL);
    tg_zero_grad(x);
    run("pad constant channels-last crop", x, PAD(x, TG_PAD_CONSTANT, 0, -1, 1), NULL);
    tg_zero_grad(x);
    run("pad constant channels-last all crop", x, PAD(x, TG_PAD_CONSTANT, 0, -1, 0), NULL);
    tg_zero_grad(x);
    run("pad reflect channels-last input", x, PAD(x, TG_PAD_REFLECT, 0, 1, 1, 1, 1), NULL);
    tg_zero_grad(x);
    run("pad replicate channels-last input", x, PAD(x, TG_PAD_REPLICATE, 0, 1, 1, 1, 1), NULL);
    x = tg_detach(IN(2, 3, 2, 3, 2));
    x = leaf(tg_permute(tg_contiguous(tg_permute(x, DIMS(0, 2, 3, 4, 1))), DIMS(0, 4, 1, 2, 3)));
    run("pad constant channels-last 3d input", x, PAD(x, TG_PAD_CONSTANT, 0, 1, 1, 0, 1), NULL);
    x = IN(2, 3, 4);
    run("pad constant value", x, PAD(x, TG_PAD_CONSTANT, 1.5, 1, 1, 0, 1, 1, 0), NULL);
    x = IN(3, 5);
    run("pad constant crop", x, PAD(x, TG_PAD_CONSTANT, 0, -1, -1), NULL);
    x = IN(3, 6);
    run("pad constant crop all", x, PAD(x, TG_PAD_CONSTANT, 0, -3, -2), NULL);
    x = IN(3, 5);
    run("pad constant no pads", x, tg_pad(x, NULL, 0, TG_PAD_CONSTANT, 0), NULL);
    x = leaf(tg_scalar(1.5));
    run("pad constant 0-dim", x, tg_pad(x, NULL, 0, TG_PAD_CONSTANT, 0), NULL);
    x = IN(1, 4);
    run("pad constant expanded", x, PAD(tg_expand(x, TG_SHAPE(3, 4)), TG_PAD_CONSTANT, 0, 1, 1), NULL);
    x = IN64(3, 4);
    run("pad constant transposed f64", x, PAD(tg_transpose(x, 0, 1), TG_PAD_CONSTANT, -2, 2, 0, -1, 1), NULL);
    ATTEMPT("pad constant i64", PAD(tg_reshape(tg_arange(0, 4, 1, TG_I64), TG_SHAPE(2, 2)), TG_PAD_CONSTANT, 2.5, 1, 1));
    ATTEMPT("pad constant bool", PAD(tg_ones(TG_SHAPE(2, 2), TG_BOOL), TG_PAD_CONSTANT, 2, 1, 1));
    ATTEMPT("pad constant empty", PAD(IN(0, 3), TG_PAD_CONSTANT, 0, 1, 1, 1, 1));
    tg_scope_end();
    tg_scope_begin();
    x = IN(1, 2, 4);
    run("pad circular 1d", x, PAD(x, TG_PAD_CIRCULAR, 0, 1, 2), NULL);
    x = IN(1, 2, 4);
    run("pad circular 1d negative", x, PAD(x, TG_PAD_CIRCULAR, 0, -1, 2), NULL);
    x = IN(1, 2, 4);
    run("pad circular 1d none", x, PAD(x, TG_PAD_CIRCULAR, 0, 0, 0), NULL);
    x = IN(1, 2, 4);
    run("pad circular 1d whole", x, PAD(x, TG_PAD_CIRCULAR, 0, 4, 4), NULL);
    x = IN(1, 2, 4);
    run("pad circular 1d to empty", x, PAD(x, TG_PAD_CIRCULAR, 0, -2, -2), NULL);
    x = IN(2, 1, 3, 4);
    run("pad circular 2d", x, PAD(x, TG_PAD_CIRCULAR, 0, 2, -1, 1, 2), NULL);
    x = IN64(1, 2, 4, 3);
    run("pad circular 2d transposed f64", x, PAD(tg_transpose(x, 2, 3), TG_PAD_CIRCULAR, 0, 1, 0, 2, 1), NULL);
    x = IN(1, 1, 2, 3, 2);
    run("pad circular 3d", x, PAD(x, TG_PAD_CIRCULAR, 0, 1, 1, 0, 2, 1, 0), NULL);
    ATTEMPT("pad circular i64", PAD(tg_reshape(tg_arange(0, 8, 1, TG_I64), TG_SHAPE(1, 2, 4)), TG_PAD_CIRCULAR, 0, 1, 2));
    ATTEMPT("pad circular wraps twice", PAD(IN(1, 2, 4), TG_PAD_CIRCULAR, 0, 5, 0));
    ATTEMPT("pad circular negative size", PAD(IN(1, 2, 4), TG_PAD_CIRCULAR, 0, -3, -2));
    ATTEMPT("pad circular unbatched", PAD(IN(2, 4, 4), TG_PAD_CIRCULAR, 0, 1, 1, 1, 1));
    ATTEMPT("pad circular 1d unbatched", PAD(IN(3, 8), TG_PAD_CIRCULAR, 0, 1, 1));
    ATTEMPT("pad circular value", PAD(IN(1, 2, 4), TG_PAD_CIRCULAR, 1, 1, 1));
    ATTEMPT("pad circular 6-D", PAD(IN(1, 1, 2, 2, 2, 2), TG_PAD_CIRCULAR, 0, 1, 1, 1, 1, 1, 1, 1, 1));
    x = IN64(1, 2, 4);
    second("pad circular 2nd", x, PAD(x, TG_PAD_CIRCULAR, 0, 2, 1));
    tg_scope_end();
}

static void pad_errors(void)
{
    tg_scope_begin();
    ATTEMPT("pad odd", PAD(IN(1, 3, 5), TG_PAD_CONSTANT, 0, 1));
    ATTEMPT("pad too large", PAD(IN(3, 5), TG_PAD_CONSTANT, 0, 1, 1, 1, 1, 1, 1));
    ATTEMPT("pad constant crop too much", PAD(IN(3, 5), TG_PAD_CONSTANT, 0, -6, 1));
    ATTEMPT("pad constant crop past", PAD(IN(2, 6), TG_PAD_CONSTANT, 0, -4, -3));
    static const struct { const char *name; tg_pad_mode mode; } MODES[] = {
        {"reflect", TG_PAD_REFLECT}, {"replicate", TG_PAD_REPLICATE}};
    char label[160];
    for (int m = 0; m < 2; m++) {
        tg_pad_mode mode = MODES[m].mode;
#define PAD_ERROR(what, EXPR) do {                                           \
        snprintf(label, sizeof label, "pad %s %s", MODES[m].name, (what));   \
        ATTEMPT(label, (EXPR));                                              \
    } while (0)
        PAD_ERROR("odd", PAD(IN(1, 3, 5), mode, 0, 1));
        PAD_ERROR("value", PAD(IN(1, 3, 5), mode, 1.5, 1, 2));
        PAD_ERROR("1d of 4-D", PAD(IN(1, 1, 3, 5), mode, 0, 1, 1));
        PAD_ERROR("1d of 1-D", PAD(IN(5), mode, 0, 1, 1));
        PAD_ERROR("3d of 3-D", PAD(IN(3, 3, 3), mode, 0, 1, 1, 1, 1, 1, 1));
        PAD_ERROR("1d big", PAD(IN(1, 3, 3), mode, 0, 3, 1));
        PAD_ERROR("1d big right", PAD(IN(3, 3), mode, 0, 1, 3));
        PAD_ERROR("2d big width", PAD(IN(1, 3, 3), mode, 0, 3, 1, 0, 0));
        PAD_ERROR("2d big height", PAD(IN(1, 3, 3), mode, 0, 0, 0, 1, 3));
        PAD_ERROR("3d big width", PAD(IN(1, 3, 3, 3), mode, 0, 3, 1, 0, 0, 0, 0));
        PAD_ERROR("3d big height", PAD(IN(1, 3, 3, 3), mode, 0, 0, 0, 3, 1, 0, 0));
        PAD_ERROR("3d big depth", PAD(IN(1, 3, 3, 3), mode, 0, 0, 0, 0, 0, 3, 1));
        PAD_ERROR("1d too small", PAD(IN(1, 3, 5), mode, 0, -4, -2));
        PAD_ERROR("2d too small", PAD(IN(1, 5, 5), mode, 0, -4, -2, -4, -2));
        PAD_ERROR("1d no channels", PAD(IN(1, 0, 5), mode, 0, 1, 2));
        PAD_ERROR("1d empty width", PAD(IN(2, 3, 0), mode, 0, 1, 2));
        PAD_ERROR("1d unbatched no channels", PAD(IN(0, 5), mode, 0, 1, 2));
        PAD_ERROR("2d no channels", PAD(IN(1, 0, 5, 5), mode, 0, 1, 2, 1, 1));
        PAD_ERROR("2d unbatched no channels", PAD(IN(0, 5, 5), mode, 0, 1, 2, 1, 1));
        PAD_ERROR("3d no channels", PAD(IN(1, 0, 3, 4, 5), mode, 0, 1, 1, 1, 1, 1, 1));
        PAD_ERROR("3d unbatched no channels", PAD(IN(0, 3, 3, 3), mode, 0, 1, 1, 1, 1, 1, 1));
        PAD_ERROR("1d empty batch", PAD(IN(0, 3, 5), mode, 0, 1, 2));
        PAD_ERROR("1d i64", PAD(tg_ones(TG_SHAPE(1, 3, 5), TG_I64), mode, 0, 1, 2));
        PAD_ERROR("2d i64", PAD(tg_ones(TG_SHAPE(1, 3, 5), TG_I64), mode, 0, 1, 2, 1, 1));
        PAD_ERROR("3d i64", PAD(tg_ones(TG_SHAPE(1, 1, 3, 3, 5), TG_I64), mode, 0, 1, 2, 1, 1, 1, 1));
        PAD_ERROR("1d bool", PAD(tg_ones(TG_SHAPE(1, 3, 5), TG_BOOL), mode, 0, 1, 2));
    }
    tg_scope_end();
}

/* tg_interpolate to sizes, SIZE(x, mode, ac, 3, 4), or by scale factors,
   SCALE(x, mode, ac, 1.5, 2.0). */
#define SIZE(x, mode, ac, ...) tg_interpolate((x), I64(__VA_ARGS__), NULL, \
    (int)(sizeof((int64_t[]){__VA_ARGS__}) / sizeof(int64_t)), (mode), (ac))
#define SCALE(x, mode, ac, ...) tg_interpolate((x), NULL, (const double[]){__VA_ARGS__}, \
    (int)(sizeof((double[]){__VA_ARGS__}) / sizeof(double)), (mode), (ac))

static void interpolate_cases(void)
{
    static const struct { const char *name; tg_interp_mode mode; bool ac; } MODES[] = {
        {"nearest", TG_INTERP_NEAREST, false}, {"linear", TG_INTERP_LINEAR, false},
        {"linear align_corners", TG_INTERP_LINEAR, true}, {"nearest-exact", TG_INTERP_NEAREST_EXACT, false}};
    char label[160];
    tg_tensor *x;
    for (int m = 0; m < 4; m++) {
        tg_interp_mode mode = MODES[m].mode, mode2 = mode == TG_INTERP_LINEAR ? TG_INTERP_BILINEAR : mode,
                       mode3 = mode == TG_INTERP_LINEAR ? TG_INTERP_TRILINEAR : mode;
        bool ac = MODES[m].ac;
        tg_scope_begin();
#define UP_CASE(what, LEAF, EXPR) do {                                           \
        snprintf(label, sizeof label, "interpolate %s %s", MODES[m].name, (what)); \
        x = (LEAF);                                                              \
        run(label, x, (EXPR), NULL);                                             \
    } while (0)
        UP_CASE("1d up", IN(2, 2, 4), SIZE(x, mode, ac, 9));
        UP_CASE("1d down", IN(1, 2, 7), SIZE(x, mode, ac, 3));
        UP_CASE("1d same", IN(1, 2, 4), SIZE(x, mode, ac, 4));
        UP_CASE("1d one", IN(1, 2, 4), SIZE(x, mode, ac, 1));
        UP_CASE("1d scale 2", IN(1, 2, 4), SCALE(x, mode, ac, 2.0));
        UP_CASE("1d scale 1.7", IN(1, 2, 4), SCALE(x, mode, ac, 1.7));
        UP_CASE("1d scale 0.6", IN(1, 2, 6), SCALE(x, mode, ac, 0.6));
        UP_CASE("1d transposed", IN(2, 5, 3), SIZE(tg_transpose(x, 1, 2), mode, ac, 7));
        UP_CASE("2d", IN64(2, 2, 3, 4), SIZE(tg_div_scalar(x, 3), mode2, ac, 5, 7));
        UP_CASE("2d down", IN(1, 2, 5, 6), SIZE(tg_div_scalar(x, 3), mode2, ac, 2, 4));
        UP_CASE("2d size broadcast", IN(1, 1, 3, 4), SIZE(x, mode2, ac, 6));
        UP_CASE("2d scales", IN(1, 2, 3, 4), SCALE(x, mode2, ac, 0.6, 1.3));
        UP_CASE("2d scale 3", IN(1, 1, 3, 2), SCALE(x, mode2, ac, 3.0));
        UP_CASE("2d transposed", IN(2, 2, 5, 4), SIZE(tg_transpose(x, 2, 3), mode2, ac, 3, 7));
        UP_CASE("2d f64", IN64(1, 2, 3, 4), SIZE(x, mode2, ac, 5, 6));
        UP_CASE("2d empty batch", IN(0, 2, 3, 4), SIZE(x, mode2, ac, 5, 6));
        UP_CASE("3d", IN64(1, 2, 2, 3, 2), SIZE(x, mode3, ac, 3, 4, 3));
        UP_CASE("3d scale", IN64(1, 1, 2, 2, 3), SCALE(x, mode3, ac, 1.5));
        tg_scope_end();
        tg_scope_begin();
        x = tg_detach(IN(2, 3, 4, 5));
        x = leaf(tg_permute(tg_contiguous(tg_permute(x, DIMS(0, 2, 3, 1))), DIMS(0, 3, 1, 2)));
        snprintf(label, sizeof label, "interpolate %s channels last", MODES[m].name);
        run(label, x, SIZE(x, mode2, ac, 3, 7), NULL);
        /* (PyTorch's channels-last trilinear kernel sums in another order) */
        if (mode == TG_INTERP_NEAREST || mode == TG_INTERP_NEAREST_EXACT) {
            x = tg_detach(IN(2, 3, 2, 3, 2));
            x = leaf(tg_permute(tg_contiguous(tg_permute(x, DIMS(0, 2, 3, 4, 1))), DIMS(0, 4, 1, 2, 3)));
            snprintf(label, sizeof label, "interpolate %s channels last 3d", MODES[m].name);
            run(label, x, SIZE(x, mode3, ac, 3, 4, 3), NULL);
        }
        x = IN64(1, 2, 3, 4);
        snprintf(label, sizeof label, "interpolate %s 2nd", MODES[m].name);
        second(label, x, SIZE(x, mode2, ac, 5, 7));
        tg_scope_end();
    }
}

static void interpolate_errors(void)
{
    tg_scope_begin();
    tg_tensor *x = IN(1, 2, 4, 4);
    ATTEMPT("interpolate nearest align_corners", SIZE(x, TG_INTERP_NEAREST, true, 3));
    ATTEMPT("interpolate both", tg_interpolate(x, I64(3), (const double[]){2.0}, 1, TG_INTERP_NEAREST, false));
    ATTEMPT("interpolate neither", tg_interpolate(x, NULL, NULL, 1, TG_INTERP_NEAREST, false));
    ATTEMPT("interpolate size length", SIZE(x, TG_INTERP_NEAREST, false, 2, 3, 4));
    ATTEMPT("interpolate scale length", SCALE(x, TG_INTERP_BILINEAR, false, 2.0, 3.0, 0.5));
    ATTEMPT("interpolate nearest 2-D", SIZE(IN(4, 4), TG_INTERP_NEAREST, false, 3));
    ATTEMPT("interpolate nearest 6-D", SIZE(IN(1, 1, 1, 1, 4, 4), TG_INTERP_NEAREST, false, 3));
    ATTEMPT("interpolate linear 2-D", SIZE(IN(4, 4), TG_INTERP_LINEAR, false, 3));
    ATTEMPT("interpolate linear 4-D", SIZE(x, TG_INTERP_LINEAR, false, 3));
    ATTEMPT("interpolate linear 5-D", SIZE(IN(1, 1, 1, 4, 4), TG_INTERP_LINEAR, false, 3));
    ATTEMPT("interpolate bilinear 3-D", SIZE(IN(1, 4, 4), TG_INTERP_BILINEAR, false, 3));
    ATTEMPT("interpolate bilinear 5-D", SIZE(IN(1, 1, 1, 4, 4), TG_INTERP_BILINEAR, false, 3));
    ATTEMPT("interpolate trilinear 3-D", SIZE(IN(1, 4, 4), TG_INTERP_TRILINEAR, false, 3));
    ATTEMPT("interpolate trilinear 4-D", SIZE(x, TG_INTERP_TRILINEAR, false, 3));
    ATTEMPT("interpolate nearest size 0", SIZE(IN(1, 2, 4), TG_INTERP_NEAREST, false, 0));
    ATTEMPT("interpolate linear size 0", SIZE(IN(1, 2, 4), TG_INTERP_LINEAR, false, 0));
    ATTEMPT("interpolate bilinear size 0", SIZE(x, TG_INTERP_BILINEAR, false, 0, 3));
    ATTEMPT("interpolate nearest3d size 0", SIZE(IN(1, 2, 4, 4, 4), TG_INTERP_NEAREST, false, 0, 1, 1));
    ATTEMPT("interpolate scale negative", SCALE(x, TG_INTERP_NEAREST, false, -1.0));
    ATTEMPT("interpolate scale small", SCALE(x, TG_INTERP_NEAREST, false, 0.2));
    ATTEMPT("interpolate empty input", SIZE(IN(1, 1, 0, 4), TG_INTERP_NEAREST, false, 3, 3));
    ATTEMPT("interpolate no channels", SIZE(IN(1, 0, 4, 4), TG_INTERP_NEAREST, false, 2, 3));
    ATTEMPT("interpolate no channels 1d", SIZE(IN(1, 0, 4), TG_INTERP_LINEAR, false, 3));
    ATTEMPT("interpolate nearest i64", SCALE(tg_ones(TG_SHAPE(1, 2, 4, 4), TG_I64), TG_INTERP_NEAREST, false, 2.0));
    ATTEMPT("interpolate bilinear i64", SCALE(tg_ones(TG_SHAPE(1, 2, 4, 4), TG_I64), TG_INTERP_BILINEAR, false, 2.0));
    ATTEMPT("interpolate nearest i64 one channel", SCALE(tg_ones(TG_SHAPE(1, 1, 4, 4), TG_I64), TG_INTERP_NEAREST, false, 2.0));
    ATTEMPT("interpolate bilinear i64 one channel", SCALE(tg_ones(TG_SHAPE(1, 1, 4, 4), TG_I64), TG_INTERP_BILINEAR, false, 2.0));
    ATTEMPT("interpolate nearest-exact i64 3d", SCALE(tg_ones(TG_SHAPE(1, 1, 4, 4, 4), TG_I64), TG_INTERP_NEAREST_EXACT, false, 1.5));
    ATTEMPT("interpolate trilinear i64 3d", SCALE(tg_ones(TG_SHAPE(1, 1, 4, 4, 4), TG_I64), TG_INTERP_TRILINEAR, false, 1.5));
    ATTEMPT("interpolate nearest-exact i64 1d", SCALE(tg_ones(TG_SHAPE(1, 1, 4), TG_I64), TG_INTERP_NEAREST_EXACT, false, 1.5));
    ATTEMPT("interpolate nearest-exact align_corners", SIZE(x, TG_INTERP_NEAREST_EXACT, true, 3));
    ATTEMPT("interpolate nearest-exact 2-D", SIZE(IN(4, 4), TG_INTERP_NEAREST_EXACT, false, 3));
    tg_scope_end();
}

/* An input changed in place after the operation: backward fails for the
   operations whose node saves it, as PyTorch's does, and not for the others. */
typedef tg_tensor *(*unary_fn)(const tg_tensor *x);
static tg_tensor *op_max_pool(const tg_tensor *x) { return tg_max_pool2d(x, (tg_pool_opts){.kernel_size = {2, 2}}); }
static tg_tensor *op_avg_pool(const tg_tensor *x) { return tg_avg_pool2d(x, (tg_pool_opts){.kernel_size = {2, 2}}); }
static tg_tensor *op_adaptive_avg(const tg_tensor *x) { return tg_adaptive_avg_pool2d(x, 3, 2); }
static tg_tensor *op_adaptive_max(const tg_tensor *x) { return tg_adaptive_max_pool2d(x, 3, 2, NULL); }
static tg_tensor *op_max_pool1d(const tg_tensor *x) { return tg_max_pool1d(tg_select(x, 0, 0), (tg_pool_opts){.kernel_size = {2}}); }
static tg_tensor *op_reflect(const tg_tensor *x) { return PAD(x, TG_PAD_REFLECT, 0, 1, 1, 1, 1); }
static tg_tensor *op_replicate(const tg_tensor *x) { return PAD(x, TG_PAD_REPLICATE, 0, 1, 1, 0, 1); }
static tg_tensor *op_constant(const tg_tensor *x) { return PAD(x, TG_PAD_CONSTANT, 0, 1, 1); }
static tg_tensor *op_circular(const tg_tensor *x) { return PAD(x, TG_PAD_CIRCULAR, 0, 1, 1, 0, 1); }
static tg_tensor *op_nearest(const tg_tensor *x) { return SIZE(x, TG_INTERP_NEAREST, false, 5, 3); }
static tg_tensor *op_bilinear(const tg_tensor *x) { return SIZE(x, TG_INTERP_BILINEAR, false, 5, 3); }

static void inplace_after(void)
{
    static const struct { const char *name; unary_fn f; } OPS[] = {
        {"max_pool2d", op_max_pool}, {"avg_pool2d", op_avg_pool}, {"adaptive_avg_pool2d", op_adaptive_avg},
        {"adaptive_max_pool2d", op_adaptive_max}, {"max_pool1d", op_max_pool1d}, {"pad reflect", op_reflect},
        {"pad replicate", op_replicate}, {"pad constant", op_constant}, {"pad circular", op_circular},
        {"interpolate nearest", op_nearest}, {"interpolate bilinear", op_bilinear}};
    char label[160];
    for (size_t i = 0; i < sizeof OPS / sizeof OPS[0]; i++) {
        tg_scope_begin();
        tg_tensor *x = IN(1, 2, 4, 4);
        tg_tensor *a = tg_mul_scalar(x, 1);
        tg_tensor *y = OPS[i].f(a);
        tg_mul_scalar_(a, 2);
        snprintf(label, sizeof label, "%s after an in-place change", OPS[i].name);
        if (tg_backward(tg_sum(y), NULL) == 0) printf("%s: ok\n", label);
        else printf("%s: %s\n", label, tg_last_error());
        tg_scope_end();
    }
}

int main(void)
{
    pool2d_cases();
    layouts();
    pool1d_cases();
    adaptive_cases();
    errors();
    pad_cases();
    pad_errors();
    interpolate_cases();
    interpolate_errors();
    inplace_after();
    return 0;
}
