/* The products without matmul's rules (mm, bmm, mv, dot, outer, addmm,
   baddbmm), creation and the random functions' dtypes and errors: values,
   grad_fn chains, gradients, result dtypes, strides and error texts.
   Prints what ops_linalg_creation.py prints. */
#include <tensorgrad.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "oracle.h"

/* A leaf of the given shape with values (0, 1, 2, ...) / scale - shift. */
static tg_tensor *seq(const int64_t *shape, int nd, double scale, double shift, tg_dtype dt)
{
    int64_t n = 1;
    for (int i = 0; i < nd; i++) n *= shape[i];
    tg_tensor *t = tg_sub_scalar(tg_div_scalar(tg_arange(0, (double)n, 1, TG_F32), scale), shift);
    return tg_to(tg_reshape(t, shape, nd), dt);
}

#define A(...) leaf(seq(TG_SHAPE(__VA_ARGS__), 4.0, 1.0, TG_F32))
#define B(...) leaf(seq(TG_SHAPE(__VA_ARGS__), 8.0, 0.5, TG_F32))
#define C(...) seq(TG_SHAPE(__VA_ARGS__), 2.0, 0.0, TG_F32)

/* Python's print(label, "dtype/shape/stride:", ...) of t, or its error. */
static void meta(const char *label, const tg_tensor *t)
{
    if (!t) {
        printf("%s: error: %s\n", label, tg_last_error());
        tg_clear_error();
        return;
    }
    printf("%s: %s (", label, tg_dtype_name(tg_dtype_of(t)));
    for (int i = 0; i < tg_ndim(t); i++) printf(i ? ", %lld" : "%lld", (long long)tg_shape(t)[i]);
    printf(tg_ndim(t) == 1 ? ",) " : ") ");
    print_strides(t);
    printf("\n");
}

/* An error case: the message, and nothing else. */
static void fails(const char *label, const tg_tensor *t)
{
    if (t) printf("%s: no error\n", label);
    else printf("%s: error: %s\n", label, tg_last_error());
    tg_clear_error();
}

static void products(void)
{
    tg_scope_begin();
    tg_tensor *a = A(2, 3), *b = B(3, 4);
    check("mm", tg_mm(a, b), (tg_tensor *[]){a, b}, 2);
    a = A(3, 2), b = B(4, 3);
    check("mm transposed", tg_mm(tg_t(a), tg_t(b)), (tg_tensor *[]){a, b}, 2);
    a = A(2, 3);
    check("mm expanded", tg_mm(a, tg_expand(C(3, 1), TG_SHAPE(3, 4))), &a, 1);
    a = A(2, 2, 3), b = B(2, 3, 4);
    check("bmm", tg_bmm(a, b), (tg_tensor *[]){a, b}, 2);
    a = A(2, 3, 2), b = B(1, 3, 4);
    check("bmm permuted", tg_bmm(tg_transpose(a, 1, 2), tg_expand(b, TG_SHAPE(2, 3, 4))), (tg_tensor *[]){a, b}, 2);
    a = A(2, 3), b = B(3);
    check("mv", tg_mv(a, b), (tg_tensor *[]){a, b}, 2);
    a = A(3, 2), b = B(3, 2);
    check("mv strided", tg_mv(tg_t(a), tg_select(b, 1, 1)), (tg_tensor *[]){a, b}, 2);
    a = A(3), b = B(3);
    check("dot", tg_dot(a, b), (tg_tensor *[]){a, b}, 2);
    a = A(3), b = B(4);
    check("outer", tg_outer(a, b), (tg_tensor *[]){a, b}, 2);
    a = A(6);
    check("outer strided", tg_outer(tg_slice(a, 0, 0, 6, 2), C(2)), &a, 1);
    meta("outer i64 f32", tg_outer(tg_arange(0, 3, 1, TG_I64), C(2)));
    meta("outer bool", tg_outer(tg_from_bool((const bool[]){true, false}, TG_SHAPE(2)), tg_from_bool((const bool[]){true}, TG_SHAPE(1))));
    show("mm i64", tg_mm(tg_to(C(2, 3), TG_I64), tg_to(C(3, 2), TG_I64)));
    show("mm i32", tg_mm(tg_to(C(2, 3), TG_I32), tg_to(C(3, 2), TG_I32)));
    show("dot i64", tg_dot(tg_to(C(3), TG_I64), tg_to(C(3), TG_I64)));
    show("mm empty", tg_mm(C(2, 0), C(0, 3)));
    tg_tensor *m = A(2, 4);
    a = A(2, 3), b = B(3, 4);
    check("addmm", tg_addmm(m, a, b, 1, 1), (tg_tensor *[]){m, a, b}, 3);
    m = A(4), a = A(2, 3), b = B(3, 4);
    check("addmm bias row", tg_addmm(m, a, b, 0.5, 2), (tg_tensor *[]){m, a, b}, 3);
    m = A(1, 1), a = A(3, 2), b = B(4, 3);
    check("addmm transposed", tg_addmm(m, tg_t(a), tg_t(b), -1, 0.25), (tg_tensor *[]){m, a, b}, 3);
    m = A(2, 1), a = A(2, 3);
    check("addmm one leaf", tg_addmm(m, tg_detach(a), C(3, 4), 1, 3), &m, 1);
    show("addmm beta 0 ignores nan", tg_addmm(tg_full(TG_SHAPE(2, 4), 0.0 / 0.0, TG_F32), C(2, 3), C(3, 4), 0, 1));
    show("addmm i64", tg_addmm(tg_ones(TG_SHAPE(2, 2), TG_I64), tg_to(C(2, 3), TG_I64), tg_to(C(3, 2), TG_I64), 1.7, 0.5));
    show("addmm i64 alpha", tg_addmm(tg_ones(TG_SHAPE(2, 2), TG_I64), tg_to(C(2, 3), TG_I64), tg_to(C(3, 2), TG_I64), 2, 3));
    meta("addmm layout", tg_addmm(tg_t(C(4, 2)), C(2, 3), C(3, 4), 1, 1));
    m = A(2, 3, 4), a = A(2, 3, 5), b = B(2, 5, 4);
    check("baddbmm", tg_baddbmm(m, a, b, 1, 1), (tg_tensor *[]){m, a, b}, 3);
    m = A(4), a = A(2, 3, 5), b = B(2, 5, 4);
    check("baddbmm scaled", tg_baddbmm(m, a, b, 0.5, -2), (tg_tensor *[]){m, a, b}, 3);
    m = leaf(seq(TG_SHAPE(3, 4), 4.0, 1.0, TG_F64)), a = A(2, 3, 5), b = B(2, 5, 4);
    check("baddbmm f64 bias", tg_baddbmm(m, a, b, 1, 1), (tg_tensor *[]){m, a, b}, 3);
    show("baddbmm i64", tg_baddbmm(tg_ones(TG_SHAPE(1), TG_I64), tg_to(C(1, 2, 3), TG_I64), tg_to(C(1, 3, 2), TG_I64), 2, 0.5));
    show("baddbmm bool bias", tg_baddbmm(tg_from_bool((const bool[]){true}, TG_SHAPE(1)), C(1, 2, 3), C(1, 3, 2), 1, 1));
    tg_scope_end();
}

/* Gradients with create_graph: their graphs follow PyTorch's layouts
   (mm_mat1_backward's transposed form for column-major operands). */
static void product_gradients(void)
{
    tg_scope_begin();
    /* column-major leaves (the transposes of contiguous tensors) */
    tg_tensor *m = A(2, 4), *a = leaf(tg_t(seq(TG_SHAPE(3, 2), 4.0, 1.0, TG_F32))), *b = leaf(tg_t(seq(TG_SHAPE(4, 3), 8.0, 0.5, TG_F32))), *g[3];
    tg_tensor *out = tg_sum(tg_addmm(m, a, b, 0.5, 2));
    tg_backward_opts create = {.retain_graph = true, .create_graph = true};
    if (tg_autograd_grad(&out, 1, (tg_tensor *[]){m, a, b}, 3, NULL, create, g) == 0)
        for (int i = 0; i < 3; i++) {
            char label[32];
            snprintf(label, sizeof label, "addmm d%d", i);
            show(label, g[i]);
            graph(label, g[i]);
            meta(label, g[i]);
        }
    out = tg_sum(tg_mm(a, b));
    if (tg_autograd_grad(&out, 1, (tg_tensor *[]){a, b}, 2, NULL, create, g) == 0)
        for (int i = 0; i < 2; i++) {
            char label[32];
            snprintf(label, sizeof label, "mm d%d", i);
            graph(label, g[i]);
            meta(label, g[i]);
        }
    tg_scope_end();
}

static void product_errors(void)
{
    tg_scope_begin();
    fails("mm 1-D", tg_mm(C(3), C(3, 2)));
    fails("mm 1-D right", tg_mm(C(2, 3), C(3)));
    fails("mm sizes", tg_mm(C(2, 3), C(2, 3)));
    fails("mm dtypes", tg_mm(tg_to(C(2, 3), TG_F64), C(3, 2)));
    fails("mm bool", tg_mm(tg_to(C(2, 3), TG_BOOL), tg_to(C(3, 2), TG_BOOL)));
    fails("mm NULL", tg_mm(NULL, C(3, 2)));
    fails("bmm 2-D", tg_bmm(C(2, 3), C(2, 3, 2)));
    fails("bmm 2-D right", tg_bmm(C(2, 2, 3), C(3, 2)));
    fails("bmm batch", tg_bmm(C(2, 2, 3), C(3, 3, 2)));
    fails("bmm sizes", tg_bmm(C(2, 2, 3), C(2, 4, 2)));
    fails("bmm dtypes", tg_bmm(C(2, 2, 3), tg_to(C(2, 3, 2), TG_F64)));
    fails("mv sizes", tg_mv(C(2, 3), C(4)));
    fails("mv 2-D", tg_mv(C(2, 3), C(3, 1)));
    fails("mv dtypes", tg_mv(C(2, 3), tg_to(C(3), TG_F64)));
    fails("dot sizes", tg_dot(C(3), C(4)));
    fails("dot 2-D", tg_dot(C(3), C(3, 1)));
    fails("dot dtypes", tg_dot(C(3), tg_to(C(3), TG_F64)));
    fails("outer 2-D", tg_outer(C(2, 2), C(3)));
    fails("outer 2-D right", tg_outer(C(3), C(2, 2)));
    fails("outer 0-dim", tg_outer(tg_scalar(1), C(3)));
    fails("addmm 1-D", tg_addmm(C(2, 4), C(3), C(3, 4), 1, 1));
    fails("addmm 1-D right", tg_addmm(C(2, 4), C(2, 3), C(3), 1, 1));
    fails("addmm sizes", tg_addmm(C(3, 3), C(2, 3), C(4, 4), 1, 1));
    fails("addmm bias", tg_addmm(C(3, 4), C(2, 3), C(3, 4), 1, 1));
    fails("addmm bias 3-D", tg_addmm(C(2, 4, 1), C(2, 3), C(3, 4), 1, 1));
    fails("addmm bias dtype", tg_addmm(tg_to(C(3, 3), TG_F64), C(2, 3), C(3, 4), 1, 1));
    fails("addmm mat1 dtype", tg_addmm(C(2, 4), tg_to(C(2, 3), TG_F64), C(3, 4), 1, 1));
    fails("addmm mat2 dtype", tg_addmm(C(2, 4), C(2, 3), tg_to(C(3, 4), TG_F64), 1, 1));
    fails("addmm bool", tg_addmm(tg_to(C(2, 4), TG_BOOL), tg_to(C(2, 3), TG_BOOL), tg_to(C(3, 4), TG_BOOL), 1, 1));
    fails("baddbmm 2-D", tg_baddbmm(C(2, 3, 4), C(3, 5), C(2, 5, 4), 1, 1));
    fails("baddbmm 4-D", tg_baddbmm(C(2, 3, 4), C(2, 3, 5, 5), C(2, 5, 4), 1, 1));
    fails("baddbmm 2-D right", tg_baddbmm(C(2, 3, 4), C(2, 3, 5), C(2, 5), 1, 1));
    fails("baddbmm 0-dim", tg_baddbmm(C(2, 3, 4), tg_scalar(1), C(2, 5, 4), 1, 1));
    fails("baddbmm 0-dim right", tg_baddbmm(C(2, 3, 4), C(2, 3, 5), tg_scalar(1), 1, 1));
    fails("baddbmm bias", tg_baddbmm(C(5, 5), C(2, 3, 5), C(2, 4, 4), 1, 1));
    fails("baddbmm sizes", tg_baddbmm(C(2, 3, 4), C(2, 3, 5), C(2, 4, 4), 1, 1));
    fails("baddbmm batch", tg_baddbmm(C(2, 3, 4), C(2, 3, 5), C(3, 5, 4), 1, 1));
    fails("baddbmm dtypes", tg_baddbmm(C(2, 3, 4), C(2, 3, 5), tg_to(C(2, 5, 4), TG_F64), 1, 1));
    fails("baddbmm bool", tg_baddbmm(C(2, 3, 4), tg_to(C(2, 3, 5), TG_BOOL), tg_to(C(2, 5, 4), TG_BOOL), 1, 1));
    tg_scope_end();
}

/* Every value of t exactly ("%.17g"), after its dtype. */
static void exact(const char *label, const tg_tensor *t)
{
    if (!t) {
        printf("%s: error: %s\n", label, tg_last_error());
        tg_clear_error();
        return;
    }
    static double v[4096];
    int64_t n = tg_numel(t);
    if (n > 4096 || tg_copy_to_f64(t, v)) return;
    printf("%s: %s", label, tg_dtype_name(tg_dtype_of(t)));
    for (int64_t i = 0; i < n; i++) printf(isnan(v[i]) ? " nan" : " %.17g", v[i]);
    printf("\n");
}

static void ranges(void)
{
    tg_scope_begin();
    static const struct { double start, end; int64_t steps; } LIN[] = {
        {0, 1, 100}, {-3.3, 7.1, 37}, {1e-3, 5.7, 1001}, {3, -2.2, 64}, {0.7, 100.3, 513}, {0.1, 0.3, 17}, {-1, 1, 5},
        {2, 5, 2}, {2.5, 2.5, 7},
    };
    char label[96];
    for (size_t i = 0; i < sizeof LIN / sizeof LIN[0]; i++) {
        snprintf(label, sizeof label, "linspace %g %g %lld", LIN[i].start, LIN[i].end, (long long)LIN[i].steps);
        exact(label, tg_linspace(LIN[i].start, LIN[i].end, LIN[i].steps, TG_F32));
        exact(label, tg_linspace(LIN[i].start, LIN[i].end, LIN[i].steps, TG_F64));
        exact(label, tg_linspace(LIN[i].start, LIN[i].end, LIN[i].steps, TG_I64));
        exact(label, tg_linspace(LIN[i].start, LIN[i].end, LIN[i].steps, TG_I32));
    }
    exact("linspace big i64", tg_linspace(-7.9, 1073741827, 20, TG_I64));
    exact("linspace big i32", tg_linspace(0, 1073741827, 5, TG_I32));
    exact("linspace long i64", tg_linspace(-100, 1000, 333, TG_I64));
    exact("linspace 1", tg_linspace(0.3, 2, 1, TG_F64));
    exact("linspace 1 i64", tg_linspace(2.7, 9, 1, TG_I64));
    meta("linspace 0", tg_linspace(0, 1, 0, TG_F32));
    exact("linspace nan", tg_linspace(0.0 / 0.0, 1, 3, TG_F32));
    exact("linspace inf", tg_linspace(0, 1.0 / 0.0, 3, TG_F64));
    fails("linspace -1", tg_linspace(0, 1, -1, TG_F32));
    fails("linspace bool", tg_linspace(0, 1, 3, TG_BOOL));
    fails("linspace nan i64", tg_linspace(0.0 / 0.0, 1, 3, TG_I64));
    fails("linspace huge i32", tg_linspace(0, 3e9, 3, TG_I32));
    static const struct { double start, end; int64_t steps; double base; } LOG[] = {
        {0, 2, 37, 10}, {-1.3, 3.7, 101, 2}, {0.1, 1.9, 55, 2.718281828459045}, {0, 2, 3, -2}, {0, 1, 3, -2},
        {-2, 3.5, 6, 3}, {0, 3, 4, 2},
    };
    for (size_t i = 0; i < sizeof LOG / sizeof LOG[0]; i++) {
        snprintf(label, sizeof label, "logspace %g %g %lld %g", LOG[i].start, LOG[i].end, (long long)LOG[i].steps, LOG[i].base);
        exact(label, tg_logspace(LOG[i].start, LOG[i].end, LOG[i].steps, LOG[i].base, TG_F32));
        exact(label, tg_logspace(LOG[i].start, LOG[i].end, LOG[i].steps, LOG[i].base, TG_F64));
        exact(label, tg_logspace(LOG[i].start, LOG[i].end, LOG[i].steps, LOG[i].base, TG_I64));
    }
    exact("logspace 1", tg_logspace(0.5, 2, 1, 10, TG_F32));
    meta("logspace 0", tg_logspace(0, 1, 0, 10, TG_F64));
    fails("logspace -1", tg_logspace(0, 1, -1, 10, TG_F32));
    fails("logspace bool", tg_logspace(0, 1, 3, 10, TG_BOOL));
    show("eye", tg_eye(3, TG_F32));
    meta("eye meta", tg_eye(3, TG_F64));
    show("eye 0", tg_eye(0, TG_F32));
    show("eye bool", tg_eye(2, TG_BOOL));
    show("eye i32", tg_eye(2, TG_I32));
    fails("eye -1", tg_eye(-1, TG_F32));
    tg_scope_end();
}

/* Each _like function on t: values and layout. */
static void likes(const char *label, const tg_tensor *t)
{
    char l[96];
    snprintf(l, sizeof l, "%s zeros_like", label);
    show(l, tg_zeros_like(t));
    meta(l, tg_zeros_like(t));
    snprintf(l, sizeof l, "%s ones_like", label);
    show(l, tg_ones_like(t));
    meta(l, tg_ones_like(t));
    snprintf(l, sizeof l, "%s full_like", label);
    show(l, tg_full_like(t, 2.75));
    meta(l, tg_full_like(t, -1.5));
    snprintf(l, sizeof l, "%s empty_like", label);
    meta(l, tg_empty_like(t));
}

static void like_cases(void)
{
    tg_scope_begin();
    tg_tensor *x = A(2, 3);
    likes("contiguous", x);
    printf("zeros_like requires_grad: %s\n", tg_requires_grad(tg_zeros_like(x)) ? "True" : "False");
    likes("transposed", tg_t(x));
    likes("expanded", tg_expand(C(3, 1), TG_SHAPE(2, 3, 4)));
    likes("sliced", tg_slice(C(4, 6), 1, 0, 6, 2));
    likes("permuted", tg_permute(C(2, 3, 4), (const int64_t[]){2, 0, 1}, 3));
    likes("permuted sliced", tg_slice(tg_permute(C(2, 3, 4), (const int64_t[]){1, 2, 0}, 3), 0, 0, 3, 2));
    likes("empty", C(0, 3));
    likes("0-dim", tg_scalar(4));
    likes("i64", tg_to(C(2, 2), TG_I64));
    likes("bool", tg_to(C(3), TG_BOOL));
    likes("f64 column", tg_select(tg_to(C(3, 2), TG_F64), 1, 1));
    fails("zeros_like NULL", tg_zeros_like(NULL));
    fails("full_like NULL", tg_full_like(NULL, 1));
    tg_scope_end();
}

/* Random functions: what PyTorch's give besides their streams. */
static void random_cases(void)
{
    tg_scope_begin();
    tg_generator *gen = tg_generator_new(7);
    tg_tensor *x = A(2, 3);
    meta("rand_like", tg_rand_like(x));
    printf("rand_like requires_grad: %s\n", tg_requires_grad(tg_rand_like(x)) ? "True" : "False");
    meta("rand_like transposed", tg_rand_like(tg_t(x)));
    meta("randn_like permuted", tg_randn_like(tg_permute(C(2, 3, 4), (const int64_t[]){2, 0, 1}, 3)));
    meta("randn_like f64 expanded", tg_randn_like(tg_expand(tg_to(C(3, 1), TG_F64), TG_SHAPE(3, 2))));
    fails("rand_like i64", tg_rand_like(tg_to(C(2), TG_I64)));
    fails("randn_like i64", tg_randn_like(tg_to(C(2), TG_I64)));
    fails("rand_like bool", tg_rand_like(tg_to(C(2), TG_BOOL)));
    fails("rand i64", tg_rand(TG_SHAPE(2), TG_I64));
    fails("randn i64", tg_randn(TG_SHAPE(2), TG_I64));
    meta("rand_gen", tg_rand_gen(TG_SHAPE(2, 3), TG_F64, gen));
    meta("randn_gen", tg_randn_gen(TG_SHAPE(4), TG_F32, gen));
    meta("randint", tg_randint(0, 5, TG_SHAPE(2, 3)));
    meta("randint empty", tg_randint(-3, 5, TG_SHAPE(0)));
    meta("randint_gen", tg_randint_gen(-2, 2, TG_SHAPE(3), gen));
    show("randint one value", tg_randint(4, 5, TG_SHAPE(3)));
    fails("randint empty range", tg_randint(5, 5, TG_SHAPE(2)));
    fails("randint reversed", tg_randint(6, 5, TG_SHAPE(2)));
    fails("randint negative shape", tg_randint(0, 5, TG_SHAPE(-1)));
    meta("randperm", tg_randperm(5));
    meta("randperm 0", tg_randperm(0));
    show("randperm 1", tg_randperm_gen(1, gen));
    fails("randperm -1", tg_randperm(-1));
    tg_tensor *p = leaf(tg_from_f32(F32(0, 1, 1, 0, 1, 0), TG_SHAPE(2, 3)));
    check("bernoulli", tg_bernoulli(p), &p, 1);
    p = leaf(tg_from_f32(F32(0, 1, 1, 0, 1, 0), TG_SHAPE(2, 3)));
    check("bernoulli transposed", tg_bernoulli_gen(tg_t(p), gen), &p, 1);
    show("bernoulli f64", tg_bernoulli(tg_to(tg_from_f32(F32(1, 0), TG_SHAPE(2)), TG_F64)));
    meta("bernoulli expanded", tg_bernoulli(tg_expand(tg_full(TG_SHAPE(3, 1), 0.5, TG_F32), TG_SHAPE(3, 4))));
    fails("bernoulli above 1", tg_bernoulli(tg_full(TG_SHAPE(2), 1.5, TG_F32)));
    fails("bernoulli below 0", tg_bernoulli(tg_full(TG_SHAPE(2), -0.5, TG_F32)));
    fails("bernoulli nan", tg_bernoulli(tg_full(TG_SHAPE(2), 0.0 / 0.0, TG_F32)));
    fails("bernoulli i64", tg_bernoulli(tg_ones(TG_SHAPE(2), TG_I64)));
    fails("bernoulli bool", tg_bernoulli(tg_ones(TG_SHAPE(2), TG_BOOL)));
    tg_tensor *w = tg_from_f32(F32(0.1f, 0.2f, 0.7f), TG_SHAPE(3));
    meta("multinomial", tg_multinomial(w, 2, false));
    meta("multinomial replacement", tg_multinomial(w, 4, true));
    meta("multinomial 2-D", tg_multinomial_gen(tg_expand(w, TG_SHAPE(2, 3)), 2, false, gen));
    meta("multinomial no rows", tg_multinomial(tg_ones(TG_SHAPE(0, 3), TG_F32), 2, true));
    show("multinomial one-hot", tg_multinomial(tg_from_f32(F32(0, 1, 0), TG_SHAPE(3)), 1, false));
    show("multinomial one-hot replacement", tg_multinomial(tg_from_f32(F32(0, 0, 2), TG_SHAPE(1, 3)), 3, true));
    fails("multinomial 3-D", tg_multinomial(tg_ones(TG_SHAPE(2, 2, 2), TG_F32), 1, false));
    fails("multinomial 0-dim", tg_multinomial(tg_scalar(1), 1, false));
    fails("multinomial i64", tg_multinomial(tg_ones(TG_SHAPE(3), TG_I64), 1, false));
    fails("multinomial 0 samples", tg_multinomial(w, 0, false));
    fails("multinomial too many", tg_multinomial(w, 4, false));
    fails("multinomial empty", tg_multinomial(tg_ones(TG_SHAPE(0), TG_F32), 1, false));
    fails("multinomial empty replacement", tg_multinomial(tg_ones(TG_SHAPE(0), TG_F32), 2, true));
    fails("multinomial zeros", tg_multinomial(tg_zeros(TG_SHAPE(2), TG_F32), 1, false));
    fails("multinomial zero row", tg_multinomial(tg_from_f32(F32(1, 0, 0, 0), TG_SHAPE(2, 2)), 1, false));
    fails("multinomial negative", tg_multinomial(tg_from_f32(F32(-1, 2), TG_SHAPE(2)), 1, false));
    fails("multinomial inf", tg_multinomial(tg_from_f32(F32(1.0f / 0.0f, 2), TG_SHAPE(2)), 1, false));
    fails("multinomial negative replacement", tg_multinomial(tg_from_f32(F32(-1, 2), TG_SHAPE(2)), 2, true));
    fails("multinomial inf replacement", tg_multinomial(tg_from_f32(F32(1.0f / 0.0f, 2), TG_SHAPE(2)), 2, true));
    fails("multinomial nan replacement", tg_multinomial(tg_from_f32(F32(0.0f / 0.0f, 2), TG_SHAPE(2)), 2, true));
    fails("multinomial zeros replacement", tg_multinomial(tg_zeros(TG_SHAPE(2), TG_F32), 2, true));

    tg_tensor *y = leaf(tg_zeros(TG_SHAPE(2, 3), TG_F32));
    fails("uniform_ leaf", tg_uniform_(y, 0, 1));
    fails("normal_ leaf", tg_normal_(y, 0, 1));
    TG_NO_GRAD {
        show("uniform_ leaf no_grad", tg_uniform_(y, 1, 1));
        show("normal_ leaf no_grad", tg_normal_gen_(y, 2, 0, gen));
    }
    check("uniform_ non-leaf", tg_uniform_(tg_mul_scalar(y, 2), -1, -1), &y, 1);
    check("normal_ non-leaf", tg_normal_(tg_mul_scalar(y, 2), 3, 0), &y, 1);
    meta("uniform_ transposed", tg_uniform_gen_(tg_t(C(2, 3)), -1, 1, gen));
    fails("uniform_ i64", tg_uniform_(tg_zeros(TG_SHAPE(2), TG_I64), 0, 1));
    fails("normal_ i64", tg_normal_(tg_zeros(TG_SHAPE(2), TG_I64), 0, 1));
    fails("uniform_ reversed", tg_uniform_(tg_zeros(TG_SHAPE(2), TG_F32), 2, 1));
    fails("uniform_ from inf", tg_uniform_(tg_zeros(TG_SHAPE(2), TG_F32), -1.0 / 0.0, 0));
    fails("uniform_ to inf", tg_uniform_(tg_zeros(TG_SHAPE(2), TG_F64), 0, 1.0 / 0.0));
    fails("uniform_ range", tg_uniform_(tg_zeros(TG_SHAPE(2), TG_F32), -3e38, 3e38));
    fails("normal_ std", tg_normal_(tg_zeros(TG_SHAPE(2), TG_F32), 0, -1));
    fails("uniform_ expanded", tg_uniform_(tg_expand(tg_zeros(TG_SHAPE(3, 1), TG_F32), TG_SHAPE(3, 2)), 0, 1));
    fails("uniform_ NULL", tg_uniform_(NULL, 0, 1));
    tg_generator_free(gen);
    tg_scope_end();
}

static const struct { const char *eq; int n; int nd[3]; int64_t shape[3][4]; } EINSUM[] = {
    {"ij,jk->ik", 2, {2, 2}, {{2, 3}, {3, 4}}},
    {"ij,jk", 2, {2, 2}, {{2, 3}, {3, 4}}},
    {"ij->", 1, {2}, {{2, 3}}},
    {"ij->ji", 1, {2}, {{2, 3}}},
    {"ij", 1, {2}, {{2, 3}}},
    {"ji", 1, {2}, {{2, 3}}},
    {"ij->j", 1, {2}, {{2, 3}}},
    {"ij,jk,k->i", 3, {2, 2, 1}, {{2, 3}, {3, 4}, {4}}},
    {"i,i", 2, {1, 1}, {{4}, {4}}},
    {"i,i->i", 2, {1, 1}, {{4}, {4}}},
    {"i,j->ij", 2, {1, 1}, {{3}, {2}}},
    {"ij,ij->ij", 2, {2, 2}, {{2, 3}, {2, 3}}},
    {"ii", 1, {2}, {{3, 3}}},
    {"ii->i", 1, {2}, {{3, 3}}},
    {"iij->ji", 1, {3}, {{2, 2, 3}}},
    {"iji->j", 1, {3}, {{2, 3, 2}}},
    {"...j,jk->...k", 2, {2, 2}, {{2, 3}, {3, 4}}},
    {"...ij,...jk->...ik", 2, {3, 2}, {{2, 2, 3}, {3, 4}}},
    {"b...,b->...", 2, {3, 1}, {{2, 3, 1}, {2}}},
    {"bij,bjk->bik", 2, {3, 3}, {{2, 2, 3}, {2, 3, 4}}},
    {"bij,bkj->bik", 2, {3, 3}, {{2, 2, 3}, {2, 4, 3}}},
    {"ij,kj->ik", 2, {2, 2}, {{2, 3}, {4, 3}}},
    {"i,j,k->ijk", 3, {1, 1, 1}, {{2}, {3}, {2}}},
    {"ijk,ikl->jl", 2, {3, 3}, {{2, 3, 2}, {2, 2, 3}}},
    {"ij,j->i", 2, {2, 1}, {{2, 3}, {3}}},
    {"i j , j k -> i k", 2, {2, 2}, {{2, 3}, {3, 4}}},
    {"ij,jk->", 2, {2, 2}, {{2, 3}, {3, 4}}},
    {"ab,cd->abcd", 2, {2, 2}, {{1, 2}, {2, 1}}},
    {"ij,ij->", 2, {2, 2}, {{2, 3}, {1, 3}}},
    {"Ab,bC->CA", 2, {2, 2}, {{2, 3}, {3, 2}}},
    {"...", 1, {2}, {{2, 3}}},
    {"...->", 1, {2}, {{2, 3}}},
    {"i...->...", 1, {3}, {{2, 3, 2}}},
    {"ij,jk->ik", 2, {2, 2}, {{0, 3}, {3, 2}}},
    {"i,i->", 2, {1, 1}, {{0}, {0}}},
    {"bn,anm,bm->ba", 3, {2, 3, 2}, {{2, 3}, {2, 3, 4}, {2, 4}}},
    {",->", 2, {0, 0}, {{0}, {0}}},
    {"->", 1, {0}, {{0}}},
    {"i,->i", 2, {1, 0}, {{3}, {0}}},
};

/* einsum's operand i: values (0, 1, ...) / (4 + 2i) - (1 - i / 4). */
static tg_tensor *operand(const int64_t *shape, int nd, int i, tg_dtype dt)
{
    return leaf(seq(shape, nd, 4.0 + 2 * i, 1.0 - 0.25 * i, dt));
}

static void einsum_cases(void)
{
    for (size_t c = 0; c < sizeof EINSUM / sizeof EINSUM[0]; c++) {
        tg_scope_begin();
        tg_tensor *ops[3];
        for (int i = 0; i < EINSUM[c].n; i++) ops[i] = operand(EINSUM[c].shape[i], EINSUM[c].nd[i], i, TG_F32);
        char label[64];
        snprintf(label, sizeof label, "einsum %s", EINSUM[c].eq);
        tg_tensor *out = tg_einsum(EINSUM[c].eq, (const tg_tensor *const *)ops, EINSUM[c].n);
        meta(label, out);
        check(label, out, ops, EINSUM[c].n);
        tg_scope_end();
    }
    tg_scope_begin();
    tg_tensor *a = operand(TG_SHAPE(3, 2), 0, TG_F64), *b = operand(TG_SHAPE(2, 4, 3), 1, TG_F64);
    check("einsum transposed f64", tg_einsum("ij,bjk->bik", (const tg_tensor *[]){tg_t(a), tg_transpose(b, 1, 2)}, 2),
          (tg_tensor *[]){a, b}, 2);
    a = operand(TG_SHAPE(3, 1), 0, TG_F32);
    check("einsum expanded", tg_einsum("ij,ij->i", (const tg_tensor *[]){tg_expand(a, TG_SHAPE(3, 2)), C(3, 2)}, 2), &a, 1);
    show("einsum i64", tg_einsum("ij,jk->ik", (const tg_tensor *[]){tg_to(C(2, 3), TG_I64), tg_to(C(3, 2), TG_I64)}, 2));
    show("einsum mul promotes", tg_einsum("i,i->i", (const tg_tensor *[]){tg_to(C(3), TG_I64), C(3)}, 2));
    static const char *BAD[] = {
        "ij,jk->ik,", "ij", "ij,jk,kl", "i.j", "i..", "...i...", "i,j->..i", "i->......", "i1", "i->i2", "ij->k",
        "ij->ii", "ijk", "i", "...ijk", "ij,jk->ik ", "ij,kl->il", "i,i", "iij", "ij->\xc3", "ij,jk->->", "-", "ij-", ">ij",
        "i...,i...->", "...,...->...",
    };
    const tg_tensor *two[2] = {C(2, 3), C(3, 3)};
    for (size_t i = 0; i < sizeof BAD / sizeof BAD[0]; i++) {
        char label[64];
        snprintf(label, sizeof label, "einsum bad %zu", i);
        fails(label, tg_einsum(BAD[i], two, strchr(BAD[i], ',') ? 2 : 1));
    }
    fails("einsum no operands", tg_einsum("", two, 0));
    fails("einsum ellipsis sizes", tg_einsum("...,...->...", (const tg_tensor *[]){C(2, 3), C(4, 3)}, 2));
    fails("einsum bmm dtypes", tg_einsum("ij,jk->ik", (const tg_tensor *[]){C(2, 3), tg_to(C(3, 2), TG_F64)}, 2));
    fails("einsum NULL", tg_einsum(NULL, two, 1));
    fails("einsum NULL operand", tg_einsum("ij", (const tg_tensor *[]){NULL}, 1));
    tg_scope_end();
}

int main(void)
{
    products();
    product_gradients();
    product_errors();
    ranges();
    like_cases();
    random_cases();
    einsum_cases();
    return 0;
}
