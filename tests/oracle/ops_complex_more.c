/* complex64 and complex128 tensors through the reductions, scans, norms,
   moments, pointwise, indexing, comparison and elementwise operations
   PyTorch 1.13 runs on them: values, result dtypes and gradients
   (conjugate Wirtinger derivatives), and PyTorch's errors for the ones it
   refuses. Prints what ops_complex_more.py prints with PyTorch. */
#include <tensorgrad.h>

#include <math.h>
#include <stdarg.h>
#include <stdio.h>

#include "oracle.h"

static const char *dtype_label(tg_dtype d) { return d == TG_C64 ? "c64" : "c128"; }

/* "<name> <dtype>" (the label of one case, valid until the next call). */
static const char *L(tg_dtype d, const char *fmt, ...)
{
    static char label[128];
    char name[96];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(name, sizeof name, fmt, ap);
    va_end(ap);
    snprintf(label, sizeof label, "%s %s", name, dtype_label(d));
    return label;
}

static tg_tensor *parts(const double *re, const double *im, tg_dtype d)
{
    return tg_to(tg_complex(tg_from_f64(re, TG_SHAPE(4)), tg_from_f64(im, TG_SHAPE(4))), d);
}

/* [1+2j, 0-1j, -0.5+0.25j, 3+0j] */
static tg_tensor *z4(tg_dtype d) { return parts((const double[]){1, 0, -0.5, 3}, (const double[]){2, -1, 0.25, 0}, d); }
static tg_tensor *w4(tg_dtype d) { return tg_add_scalar(tg_mul_scalar(z4(d), 0.5), 1); }
/* [1+2j, 0, -0.5+0.25j, 3]: prod's backward has a branch for zeros. */
static tg_tensor *with_zero(tg_dtype d) { return parts((const double[]){1, 0, -0.5, 3}, (const double[]){2, 0, 0.25, 0}, d); }
/* [nan+1j, 1+inf j, -inf+0j, 2-1j] */
static tg_tensor *special(tg_dtype d)
{
    return parts((const double[]){NAN, 1, -INFINITY, 2}, (const double[]){1, INFINITY, 0, -1}, d);
}
static tg_tensor *m22(const tg_tensor *t) { return tg_reshape(t, TG_SHAPE(2, 2)); }

static tg_tensor *mask(void) { return tg_from_bool((const bool[]){true, false, true, false}, TG_SHAPE(4)); }
static tg_tensor *idx(void) { return tg_from_i64(I64(1, 0), TG_SHAPE(2)); }
static tg_tensor *idx2(void) { return tg_from_i64(I64(1, 0, 0, 1), TG_SHAPE(2, 2)); }
static tg_tensor *idx_repeat(void) { return tg_from_i64(I64(1, 1, 0, 0), TG_SHAPE(2, 2)); }

typedef tg_tensor *(*unary_fn)(const tg_tensor *);
typedef struct named_unary { const char *name; unary_fn fn; } named_unary;

static void values(tg_dtype d)
{
    tg_scope_begin();
    tg_tensor *z = z4(d), *w = w4(d), *m = m22(z);
    show_dtype(L(d, "prod"), tg_prod(z));
    show_dtype(L(d, "prod dim"), tg_prod_dim(m, 1, false));
    show_dtype(L(d, "prod keepdim"), tg_prod_dim(m, 0, true));
    show_dtype(L(d, "prod with a zero"), tg_prod(with_zero(d)));
    show_dtype(L(d, "cumprod"), tg_cumprod(m, 1));
    show_dtype(L(d, "cumsum"), tg_cumsum(m, 0));
    show_dtype(L(d, "sum dim"), tg_sum_dim(m, DIMS(1), false));
    show_dtype(L(d, "mean dim"), tg_mean_dim(m, DIMS(0), false));
    show_dtype(L(d, "mean keepdim"), tg_mean_dim(m, DIMS(1), true));

    show_dtype(L(d, "norm"), tg_norm(z));
    static const double ORDS[] = {2, 1, INFINITY, -INFINITY, 0, 3, 0.5};
    for (int i = 0; i < 7; i++) show_dtype(L(d, "vector_norm %g", ORDS[i]), tg_vector_norm(z, ORDS[i], NULL, 0, false));
    show_dtype(L(d, "vector_norm dim"), tg_vector_norm(m, 2, DIMS(1), true));

    show_dtype(L(d, "var"), tg_var(z, NULL, 0, 1, false));
    show_dtype(L(d, "std"), tg_std(z, NULL, 0, 1, false));
    show_dtype(L(d, "var dim"), tg_var(m, DIMS(0), 1, false));
    show_dtype(L(d, "std dim correction 0"), tg_std(m, DIMS(1), 0, false));
    tg_tensor *mean = NULL;
    tg_tensor *v = tg_var_mean(m, DIMS(1), 1, false, &mean);
    show_dtype(L(d, "var_mean"), v);
    show_dtype(L(d, "var_mean mean"), mean);
    mean = NULL;
    tg_tensor *s = tg_std_mean(z, DIMS(0), 0, false, &mean);
    show_dtype(L(d, "std_mean"), s);
    show_dtype(L(d, "std_mean mean"), mean);

    show_dtype(L(d, "addcmul"), tg_addcmul(z, w, z, 2));
    show_dtype(L(d, "addcdiv"), tg_addcdiv(z, w, z, -0.5));
    show_dtype(L(d, "lerp scalar"), tg_lerp_scalar(z, w, 0.25));
    show_dtype(L(d, "lerp tensor"), tg_lerp(z, w, w));
    ATTEMPT(L(d, "lerp real weight"), tg_lerp(z, w, tg_full(TG_SHAPE(4), 0.25, TG_F32)));
    show_dtype(L(d, "masked_fill"), tg_masked_fill(z, mask(), 2.5));
    show_dtype(L(d, "where"), tg_where(mask(), z, w));

    show_dtype(L(d, "scatter"), tg_scatter(tg_zeros(TG_SHAPE(2, 2), d), 1, idx2(), m));
    show_dtype(L(d, "scatter_add"), tg_scatter_add(m, 1, idx_repeat(), m));
    show_dtype(L(d, "gather"), tg_gather(m, 1, idx_repeat()));
    show_dtype(L(d, "index_add"), tg_index_add(m, 0, idx(), m, 2));
    show_dtype(L(d, "index_select"), tg_index_select(m, 1, idx()));
    show_dtype(L(d, "masked_select"), tg_masked_select(z, mask()));
    show_dtype(L(d, "take_along_dim"), tg_take_along_dim(m, idx_repeat(), 1));
    show_dtype(L(d, "tril"), tg_tril(m, 0));
    show_dtype(L(d, "flip"), tg_flip(m, DIMS(0)));
    show_dtype(L(d, "roll"), tg_roll(z, I64(1), NULL, 1));
    show_dtype(L(d, "cat"), tg_cat((const tg_tensor *[]){z, w}, 2, 0));
    show_dtype(L(d, "stack"), tg_stack((const tg_tensor *[]){z, w}, 2, 1));

    static const named_unary UNARY[] = {
        {"log2", tg_log2}, {"log10", tg_log10}, {"asinh", tg_asinh}, {"atanh", tg_atanh},
        {"sinh", tg_sinh}, {"cosh", tg_cosh}, {"tan", tg_tan}, {"tanh", tg_tanh},
        {"sigmoid", tg_sigmoid}, {"reciprocal", tg_reciprocal}, {"sqrt", tg_sqrt}, {"square", tg_square},
    };
    for (size_t i = 0; i < sizeof UNARY / sizeof *UNARY; i++) show_dtype(L(d, "%s", UNARY[i].name), UNARY[i].fn(z));
    show_dtype(L(d, "acosh"), tg_acosh(w));
    show_dtype(L(d, "rsqrt"), tg_rsqrt(w));
    show_dtype(L(d, "pow"), tg_pow(w, z));
    show_dtype(L(d, "pow real base"), tg_pow(tg_from_f32(F32(1, 2, 3, 4), TG_SHAPE(4)), z));
    show_dtype(L(d, "pow scalar"), tg_pow_scalar(w, 0.5));

    tg_tensor *zs = special(d);
    show(L(d, "isnan"), tg_isnan(zs));
    show(L(d, "isinf"), tg_isinf(zs));
    show(L(d, "isfinite"), tg_isfinite(zs));
    show(L(d, "eq"), tg_eq(z, tg_where(mask(), z, w)));
    show(L(d, "ne"), tg_ne(z, tg_where(mask(), z, w)));
    show(L(d, "eq scalar"), tg_eq_scalar(z, 3));
    show(L(d, "ne scalar"), tg_ne_scalar(z, 3));
    tg_tensor *zero = with_zero(d);
    show(L(d, "count_nonzero"), tg_count_nonzero(zero, NULL, 0));
    show(L(d, "count_nonzero dim"), tg_count_nonzero(m22(zero), DIMS(0)));
    show(L(d, "logical_not"), tg_logical_not(zero));
    show(L(d, "logical_and"), tg_logical_and(zero, z));
    show(L(d, "logical_or"), tg_logical_or(zero, tg_zeros(TG_SHAPE(4), d)));
    show(L(d, "logical_xor"), tg_logical_xor(zero, z));
    /* all and any read the real part (with the warning casting gives) */
    show(L(d, "all"), tg_all(z));
    show(L(d, "any"), tg_any(z));
    tg_tensor *i = tg_to(tg_complex(tg_scalar(0), tg_scalar(1)), d);
    show(L(d, "any imaginary"), tg_any(tg_add(tg_mul_scalar(z, 0), i)));

    show_dtype(L(d, "matmul"), tg_matmul(m, m));
    show_dtype(L(d, "mv"), tg_mv(m, tg_slice(z, 0, 0, 2, 1)));
    tg_scope_end();
}

static void edges(tg_dtype d)
{
    tg_scope_begin();
    tg_tensor *e = tg_zeros(TG_SHAPE(0), d), *e2 = tg_zeros(TG_SHAPE(2, 0), d);
    tg_tensor *s = tg_to(tg_complex(tg_scalar(1), tg_scalar(2)), d);
    show_dtype(L(d, "prod empty"), tg_prod(e));
    show_dtype(L(d, "prod dim empty"), tg_prod_dim(e2, 1, false));
    show_dtype(L(d, "prod dim of nothing"), tg_prod_dim(e2, 0, false));
    show_dtype(L(d, "prod 0-dim"), tg_prod(s));
    show_dtype(L(d, "cumprod 0-dim"), tg_cumprod(s, 0));
    show_dtype(L(d, "vector_norm empty"), tg_vector_norm(e, 2, NULL, 0, false));
    show_dtype(L(d, "var empty"), tg_var(e, NULL, 0, 1, false));
    show_dtype(L(d, "var of one"), tg_var(s, NULL, 0, 1, false));
    show(L(d, "all empty"), tg_all(e));
    show(L(d, "any empty"), tg_any(e));
    show(L(d, "count_nonzero empty"), tg_count_nonzero(e2, DIMS(0)));
    /* (1+0j) times the special values first, as PyTorch's a + alpha b */
    show(L(d, "add specials"), tg_add(z4(d), special(d)));
    show(L(d, "add to specials"), tg_add(special(d), z4(d)));
    show(L(d, "sub specials"), tg_sub(z4(d), special(d)));
    show(L(d, "add real nan"), tg_add(z4(d), tg_from_f32((const float[]){NAN, INFINITY, -INFINITY, 0}, TG_SHAPE(4))));
    show(L(d, "add_ specials"), tg_add_(z4(d), special(d)));
    tg_tensor *x = leaf(tg_to(tg_complex(tg_scalar(1), tg_scalar(2)), d));
    check(L(d, "prod 0-dim grad"), tg_prod(x), &x, 1);
    tg_zero_grad(x);
    check(L(d, "cumprod 0-dim grad"), tg_cumprod(x, 0), &x, 1);
    tg_scope_end();
}

static void refused(tg_dtype d)
{
    tg_scope_begin();
    tg_tensor *z = z4(d);
    ATTEMPT(L(d, "expm1"), tg_expm1(z));
    ATTEMPT(L(d, "log1p"), tg_log1p(z));
    ATTEMPT(L(d, "sort"), tg_sort(z, -1, false, NULL));
    ATTEMPT(L(d, "topk"), tg_topk(z, 1, -1, true, true, NULL));
    ATTEMPT(L(d, "max"), tg_max(z));
    ATTEMPT(L(d, "min"), tg_min(z));
    ATTEMPT(L(d, "clamp"), tg_clamp(z, 0, 1));
    ATTEMPT(L(d, "logsumexp"), tg_logsumexp(z, DIMS(0), false));
    ATTEMPT(L(d, "nan_to_num"), tg_nan_to_num(z, NAN, NAN, NAN));
    tg_scope_end();
}

static void in_place(tg_dtype d)
{
    tg_scope_begin();
    tg_tensor *z = z4(d), *w = w4(d);
    show_dtype(L(d, "addcmul_"), tg_addcmul_(z4(d), w, z, 2));
    show_dtype(L(d, "addcdiv_"), tg_addcdiv_(z4(d), w, z, -0.5));
    show_dtype(L(d, "lerp_ scalar"), tg_lerp_scalar_(z4(d), w, 0.25));
    show_dtype(L(d, "lerp_ tensor"), tg_lerp_(z4(d), w, w));
    show_dtype(L(d, "cumprod_"), tg_cumprod_(m22(z4(d)), 1));
    show_dtype(L(d, "cumsum_"), tg_cumsum_(z4(d), 0));
    show_dtype(L(d, "index_add_"), tg_index_add_(m22(z4(d)), 0, idx(), m22(z), 2));
    show_dtype(L(d, "scatter_add_"), tg_scatter_add_(m22(z4(d)), 1, idx_repeat(), m22(w)));
    show_dtype(L(d, "masked_fill_"), tg_masked_fill_(z4(d), mask(), -1.5));
    show_dtype(L(d, "log2_"), tg_log2_(z4(d)));
    show_dtype(L(d, "asinh_"), tg_asinh_(z4(d)));
    show_dtype(L(d, "square_"), tg_square_(z4(d)));
    tg_scope_end();
}

/* check() after clearing the gradients of every leaf */
static tg_tensor *all_leaves[4];
static void run(const char *label, tg_tensor *out, tg_tensor *const *leaves, int n)
{
    check(label, out, leaves, n);
    for (int i = 0; i < 4; i++)
        if (all_leaves[i]) tg_zero_grad(all_leaves[i]);
}
#define RUN(label, out, ...) run((label), (out), (tg_tensor *[]){__VA_ARGS__}, \
                                 (int)(sizeof((tg_tensor *[]){__VA_ARGS__}) / sizeof(tg_tensor *)))

static void gradients(tg_dtype d)
{
    tg_scope_begin();
    tg_tensor *z = leaf(z4(d)), *w = leaf(w4(d)), *y = leaf(with_zero(d));
    tg_tensor *a = leaf(tg_from_f64((const double[]){1, 2, 3, 4}, TG_SHAPE(4)));
    if (d == TG_C64) a = leaf(tg_from_f32(F32(1, 2, 3, 4), TG_SHAPE(4)));
    all_leaves[0] = z, all_leaves[1] = w, all_leaves[2] = y, all_leaves[3] = a;
    RUN(L(d, "prod"), tg_prod(z), z);
    RUN(L(d, "prod dim"), tg_prod_dim(m22(z), 1, false), z);
    RUN(L(d, "prod with a zero"), tg_prod(y), y);
    RUN(L(d, "prod dim with a zero"), tg_prod_dim(m22(y), 0, false), y);
    RUN(L(d, "cumprod"), tg_cumprod(m22(z), 1), z);
    RUN(L(d, "cumsum"), tg_cumsum(tg_mul(z, w), 0), z, w);
    RUN(L(d, "sum dim"), tg_sum_dim(m22(tg_mul(z, w)), DIMS(1), false), z, w);
    RUN(L(d, "mean dim"), tg_mean_dim(m22(tg_mul(z, w)), DIMS(0), false), z, w);
    RUN(L(d, "norm"), tg_norm(z), z);
    static const double ORDS[] = {2, 1, INFINITY, -INFINITY, 3};
    for (int i = 0; i < 5; i++) RUN(L(d, "vector_norm %g", ORDS[i]), tg_vector_norm(tg_mul(z, w), ORDS[i], NULL, 0, false), z, w);
    RUN(L(d, "vector_norm dim"), tg_vector_norm(m22(z), 2, DIMS(1), false), z);
    RUN(L(d, "var"), tg_var(z, NULL, 0, 1, false), z);
    RUN(L(d, "std"), tg_std(z, NULL, 0, 1, false), z);
    RUN(L(d, "var dim"), tg_var(m22(z), DIMS(0), 1, false), z);
    RUN(L(d, "std dim"), tg_std(m22(z), DIMS(1), 1, false), z);
    RUN(L(d, "addcmul"), tg_addcmul(z, w, z, 2), z, w);
    RUN(L(d, "addcdiv"), tg_addcdiv(z, w, z, -0.5), z, w);
    RUN(L(d, "lerp scalar"), tg_lerp_scalar(z, w, 0.25), z, w);
    RUN(L(d, "lerp tensor"), tg_lerp(z, w, tg_mul(w, z)), z, w);
    RUN(L(d, "masked_fill"), tg_masked_fill(tg_mul(z, w), mask(), 2.5), z, w);
    RUN(L(d, "where"), tg_where(mask(), z, w), z, w);
    RUN(L(d, "scatter"), tg_scatter(tg_zeros(TG_SHAPE(2, 2), d), 1, idx2(), m22(z)), z);
    RUN(L(d, "scatter_add"), tg_scatter_add(m22(w), 1, idx_repeat(), m22(z)), z, w);
    RUN(L(d, "gather"), tg_gather(m22(z), 1, idx_repeat()), z);
    RUN(L(d, "index_add"), tg_index_add(m22(z), 0, idx(), m22(tg_mul(z, w)), 2), z, w);
    RUN(L(d, "index_select"), tg_index_select(m22(z), 1, idx()), z);
    RUN(L(d, "masked_select"), tg_masked_select(tg_mul(z, w), mask()), z, w);
    RUN(L(d, "take_along_dim"), tg_take_along_dim(m22(z), idx_repeat(), 1), z);
    RUN(L(d, "flip"), tg_flip(tg_mul(z, w), DIMS(0)), z, w);
    RUN(L(d, "roll"), tg_roll(tg_mul(z, w), I64(1), NULL, 1), z, w);
    RUN(L(d, "cat"), tg_cat((const tg_tensor *[]){z, tg_mul(w, z)}, 2, 0), z, w);
    RUN(L(d, "stack"), tg_stack((const tg_tensor *[]){z, tg_mul(w, z)}, 2, 1), z, w);
    static const named_unary OF_Z[] = {
        {"log2", tg_log2}, {"log10", tg_log10}, {"atanh", tg_atanh}, {"sinh", tg_sinh}, {"cosh", tg_cosh},
        {"tan", tg_tan}, {"tanh", tg_tanh}, {"sigmoid", tg_sigmoid}, {"reciprocal", tg_reciprocal}, {"square", tg_square},
    };
    for (size_t i = 0; i < sizeof OF_Z / sizeof *OF_Z; i++) RUN(L(d, "%s", OF_Z[i].name), OF_Z[i].fn(z), z);
    static const named_unary OF_W[] = {{"asinh", tg_asinh}, {"acosh", tg_acosh}, {"rsqrt", tg_rsqrt}, {"sqrt", tg_sqrt}};
    for (size_t i = 0; i < sizeof OF_W / sizeof *OF_W; i++) RUN(L(d, "%s", OF_W[i].name), OF_W[i].fn(w), w);
    RUN(L(d, "pow"), tg_pow(w, z), z, w);
    RUN(L(d, "pow scalar"), tg_pow_scalar(w, 0.5), w);
    RUN(L(d, "mv"), tg_mv(m22(z), tg_slice(w, 0, 0, 2, 1)), z, w);
    RUN(L(d, "matmul"), tg_matmul(m22(z), m22(w)), z, w);
    RUN(L(d, "pow real base"), tg_pow(a, w), a, w);
    for (int i = 0; i < 4; i++) all_leaves[i] = NULL;
    tg_scope_end();
}

/* show(), then oracle.py's show_strides() */
static void show_with_strides(const char *label, const tg_tensor *t)
{
    show(label, t);
    printf("%s stride: ", label);
    print_strides(t);
    printf("\n");
}

/* issue 12's last differences: silu, scatter_reduce, 0-dim sorts, the
   order of the checks, conj's and angle's layouts, complex's saved parts */
static void last_differences(tg_dtype d)
{
    tg_scope_begin();
    tg_tensor *z = z4(d);
    show_dtype(L(d, "silu"), tg_silu(z));
    show_dtype(L(d, "silu strided"), tg_silu(tg_transpose(tg_reshape(tg_cat((const tg_tensor *[]){z, z}, 2, 0), TG_SHAPE(2, 4)), 0, 1)));
    ATTEMPT(L(d, "silu requires grad"), tg_silu(leaf(z4(d))));
    TG_NO_GRAD show_dtype(L(d, "silu requires grad no_grad"), tg_silu(leaf(z4(d))));
    /* in place, PyTorch records silu's derivative (without conjugates) */
    tg_tensor *x = leaf(z4(d));
    check(L(d, "silu_"), tg_silu_(tg_mul_scalar(x, 1)), &x, 1);

    tg_tensor *m = m22(z), *w = m22(w4(d)), *bad = tg_add_scalar(idx_repeat(), 5);
    static const char *const REDUCTIONS[] = {"sum", "prod", "mean", "amax", "amin"};
    for (int r = TG_SCATTER_SUM; r <= TG_SCATTER_MEAN; r++)
        for (int inc = 1; inc >= 0; inc--)
            show_dtype(L(d, "scatter_reduce %s %s", REDUCTIONS[r], inc ? "True" : "False"),
                       tg_scatter_reduce(w, 1, idx_repeat(), m, (tg_scatter_reduction)r, inc));
    ATTEMPT(L(d, "scatter_reduce amax"), tg_scatter_reduce(w, 1, idx_repeat(), m, TG_SCATTER_AMAX, true));
    ATTEMPT(L(d, "scatter_reduce amin"), tg_scatter_reduce(w, 1, idx_repeat(), m, TG_SCATTER_AMIN, true));
    ATTEMPT(L(d, "scatter_reduce amax bad index"), tg_scatter_reduce(w, 1, bad, m, TG_SCATTER_AMAX, true));
    ATTEMPT(L(d, "scatter_reduce amax bad shape"), tg_scatter_reduce(w, 1, idx(), m, TG_SCATTER_AMAX, true));
    ATTEMPT(L(d, "scatter_reduce sum bad index"), tg_scatter_reduce(w, 1, bad, m, TG_SCATTER_SUM, true));
    ATTEMPT(L(d, "scatter_reduce src requires grad"), tg_scatter_reduce(w, 1, idx_repeat(), leaf(m22(z4(d))), TG_SCATTER_SUM, true));
    ATTEMPT(L(d, "scatter_reduce self requires grad"), tg_scatter_reduce(leaf(m22(w4(d))), 1, idx_repeat(), m, TG_SCATTER_MEAN, true));
    TG_NO_GRAD show_dtype(L(d, "scatter_reduce no_grad"), tg_scatter_reduce(w, 1, idx_repeat(), leaf(m22(z4(d))), TG_SCATTER_SUM, true));
    /* in place, PyTorch records the derivative */
    tg_scatter_reduction in_place[] = {TG_SCATTER_SUM, TG_SCATTER_MEAN};
    for (int r = 0; r < 2; r++) {
        x = leaf(z4(d));
        check(L(d, "scatter_reduce_ %s", REDUCTIONS[in_place[r]]),
              tg_scatter_reduce_(tg_clone(w), 1, idx_repeat(), m22(x), in_place[r], true), &x, 1);
    }

    /* sorts of a 0-dim tensor copy it; the dims and k are checked first */
    tg_tensor *s = tg_to(tg_complex(tg_scalar(1), tg_scalar(2)), d), *e = tg_zeros(TG_SHAPE(2, 0), d), *ix = NULL;
    show(L(d, "sort 0-dim"), tg_sort(s, -1, true, NULL));
    ATTEMPT(L(d, "sort 0-dim requires grad"), tg_sort(leaf(tg_clone(s)), -1, false, NULL));
    ATTEMPT(L(d, "argsort 0-dim requires grad"), tg_argsort(leaf(tg_clone(s)), -1, false));
    ATTEMPT(L(d, "sort 0-dim indices"), (tg_sort(s, -1, false, &ix), ix));
    ATTEMPT(L(d, "argsort 0-dim"), tg_argsort(s, 0, false));
    ATTEMPT(L(d, "sort 0-dim bad dim"), tg_sort(s, 1, false, NULL));
    ATTEMPT(L(d, "sort empty"), tg_sort(e, -1, false, NULL));
    show(L(d, "topk 0-dim"), tg_topk(s, 1, -1, true, true, NULL));
    ATTEMPT(L(d, "topk 0-dim requires grad"), tg_topk(leaf(tg_clone(s)), 1, -1, true, true, NULL));
    ATTEMPT(L(d, "topk 0-dim k 0"), tg_topk(s, 0, -1, true, true, NULL));
    ATTEMPT(L(d, "topk 0-dim k 2"), tg_topk(s, 2, -1, true, true, NULL));
    ATTEMPT(L(d, "topk bad k"), tg_topk(m, 5, -1, true, true, NULL));
    ATTEMPT(L(d, "topk negative k"), tg_topk(m, -1, -1, true, true, NULL));
    ATTEMPT(L(d, "topk bad dim"), tg_topk(m, 1, 5, true, true, NULL));
    ATTEMPT(L(d, "topk k 0"), tg_topk(m, 0, -1, true, true, NULL));
    static const struct { const char *name; tg_tensor *(*fn)(const tg_tensor *, int64_t, bool, tg_tensor **); } DIM[] = {
        {"max_dim", tg_max_dim}, {"min_dim", tg_min_dim}};
    for (int i = 0; i < 2; i++) {
        ATTEMPT(L(d, "%s bad dim", DIM[i].name), DIM[i].fn(m, 5, false, NULL));
        ATTEMPT(L(d, "%s empty dim", DIM[i].name), DIM[i].fn(e, 1, false, NULL));
        ATTEMPT(L(d, "%s of nothing", DIM[i].name), DIM[i].fn(e, 0, false, NULL));
        ATTEMPT(L(d, "%s 0-dim bad dim", DIM[i].name), DIM[i].fn(s, 1, false, NULL));
        ATTEMPT(L(d, "%s 0-dim", DIM[i].name), DIM[i].fn(s, 0, false, NULL));
    }
    static const struct { const char *name; tg_tensor *(*fn)(const tg_tensor *, const int64_t *, int, bool); } DIMS_[] = {
        {"amax", tg_amax}, {"amin", tg_amin}};
    for (int i = 0; i < 2; i++) {
        ATTEMPT(L(d, "%s bad dim", DIMS_[i].name), DIMS_[i].fn(m, DIMS(5), false));
        ATTEMPT(L(d, "%s repeated dim", DIMS_[i].name), DIMS_[i].fn(m, DIMS(0, 0), false));
        ATTEMPT(L(d, "%s empty dim", DIMS_[i].name), DIMS_[i].fn(e, DIMS(1), false));
    }
    static const struct { const char *name; tg_tensor *(*fn)(const tg_tensor *, int64_t, bool); tg_tensor *(*all)(const tg_tensor *); } ARG[] = {
        {"argmax", tg_argmax, tg_argmax_all}, {"argmin", tg_argmin, tg_argmin_all}};
    for (int i = 0; i < 2; i++) {
        ATTEMPT(L(d, "%s bad dim", ARG[i].name), ARG[i].fn(m, 5, false));
        ATTEMPT(L(d, "%s empty dim", ARG[i].name), ARG[i].fn(e, 1, false));
        ATTEMPT(L(d, "%s of nothing", ARG[i].name), ARG[i].fn(e, 0, false));
        ATTEMPT(L(d, "%s", ARG[i].name), ARG[i].fn(m, 1, false));
        ATTEMPT(L(d, "%s all of nothing", ARG[i].name), ARG[i].all(e));
        ATTEMPT(L(d, "%s of a run of one", ARG[i].name), ARG[i].fn(tg_slice(m, 1, 0, 1, 1), 1, false));
        ATTEMPT(L(d, "%s 0-dim", ARG[i].name), ARG[i].fn(s, 0, false));
        ATTEMPT(L(d, "%s all of one", ARG[i].name), ARG[i].all(tg_slice(z, 0, 0, 1, 1)));
    }
    ATTEMPT(L(d, "maximum bad shapes"), tg_maximum(m, tg_slice(z, 0, 0, 3, 1)));
    ATTEMPT(L(d, "minimum real"), tg_minimum(m, tg_real(m)));
    ATTEMPT(L(d, "logsumexp bad dim"), tg_logsumexp(m, DIMS(5), false));

    /* conj keeps the strides (PyTorch's is a view), angle is contiguous */
    tg_tensor *p = tg_permute(tg_to(tg_reshape(tg_arange(0, 24, 1, TG_F64), TG_SHAPE(2, 3, 4)), d), I64(2, 0, 1), 3);
    const struct { const char *name; tg_tensor *t; } layouts[] = {
        {"expanded", tg_expand(tg_slice(z, 0, 0, 1, 1), TG_SHAPE(3))},
        {"expanded 2-d", tg_expand(tg_reshape(tg_slice(z, 0, 0, 2, 1), TG_SHAPE(2, 1)), TG_SHAPE(2, 3))},
        {"transposed", tg_transpose(m, 0, 1)}, {"sliced", tg_slice(z, 0, 0, 4, 2)}, {"permuted", p},
        {"0-dim", tg_select(z, 0, 1)}};
    for (size_t i = 0; i < sizeof layouts / sizeof *layouts; i++) {
        show_with_strides(L(d, "conj %s", layouts[i].name), tg_conj(layouts[i].t));
        show_with_strides(L(d, "angle %s", layouts[i].name), tg_angle(layouts[i].t));
    }
    x = leaf(z4(d));
    check(L(d, "conj expanded grad"),
          tg_mul_scalar(tg_conj(tg_expand(tg_reshape(tg_slice(x, 0, 0, 2, 1), TG_SHAPE(2, 1)), TG_SHAPE(2, 3))), 1), &x, 1);
    ATTEMPT(L(d, "conj expanded written"), tg_add_scalar_(tg_conj(tg_expand(tg_slice(z, 0, 0, 1, 1), TG_SHAPE(3))), 1));

    /* complex saves its parts: changing one in place fails backward */
    tg_dtype real = d == TG_C128 ? TG_F64 : TG_F32;
    static const char *const PARTS[] = {"real", "imag"};
    for (int i = 0; i < 2; i++) {
        tg_tensor *a = leaf(tg_to(tg_from_f64((const double[]){1, 2}, TG_SHAPE(2)), real));
        tg_tensor *b = leaf(tg_to(tg_from_f64((const double[]){3, 4}, TG_SHAPE(2)), real));
        tg_tensor *xs[] = {tg_mul_scalar(a, 1), tg_mul_scalar(b, 1)};
        tg_tensor *c = tg_complex(xs[0], xs[1]);
        tg_add_scalar_(xs[i], 1);
        if (tg_backward(tg_sum(tg_abs(c)), NULL) == 0) printf("%s: no error\n", L(d, "complex %s changed", PARTS[i]));
        else printf("%s: error: %s\n", L(d, "complex %s changed", PARTS[i]), tg_last_error());
        tg_clear_error();
    }
    tg_scope_end();
}

int main(void)
{
    tg_dtype ds[] = {TG_C64, TG_C128};
    for (int i = 0; i < 2; i++) {
        values(ds[i]);
        edges(ds[i]);
        refused(ds[i]);
        in_place(ds[i]);
        last_differences(ds[i]);
    }
    for (int i = 0; i < 2; i++) gradients(ds[i]);
    return 0;
}
