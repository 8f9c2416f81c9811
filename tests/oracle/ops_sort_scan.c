/* Reductions, sorting and scans: max and min (all elements, over a dim,
   amax and amin over dims), argmax and argmin, all and any, prod, var and
   std (and with the mean), logsumexp, vector_norm, count_nonzero, cumsum
   and cumprod, sort, argsort and topk; values,
   graphs and gradients (ties, zeros, NaN) on contiguous, permuted, expanded,
   0-dim, zero-size, f64 and integer inputs, and PyTorch's errors. Prints
   what ops_sort_scan.py prints. */
#include <tensorgrad.h>

#include <math.h>
#include <stdio.h>

#include "oracle.h"

/* (2, 3, 4) leaf with values -2, -1.75, ..., 3.75. */
static tg_tensor *cube(void)
{
    tg_tensor *t = tg_sub_scalar(tg_div_scalar(tg_arange(0, 24, 1, TG_F32), 4), 2);
    return leaf(tg_reshape(t, TG_SHAPE(2, 3, 4)));
}

/* (3, 4) leaf with ties in rows, columns and overall. */
static tg_tensor *ties(void)
{
    return leaf(tg_from_f32(F32(1.0, 3.0, 3.0, -1.0, 2.0, 2.0, 1.0, 0.5, -4.0, 5.0, 0.0, 5.0), TG_SHAPE(3, 4)));
}

static tg_tensor *permuted(const tg_tensor *x) { return tg_permute(x, DIMS(2, 0, 1)); }

static tg_tensor *with_nan(void)
{
    return leaf(tg_from_f32(F32(1.0, NAN, 2.0, NAN, 0.0, 3.0), TG_SHAPE(2, 3)));
}

static tg_tensor *f64_leaf(void) { return leaf64(tg_from_f32(F32(0.5, -1.0, 2.0, 4.0, 0.0, 2.0), TG_SHAPE(3, 2))); }

typedef tg_tensor *(*all_fn)(const tg_tensor *);
typedef tg_tensor *(*dims_fn)(const tg_tensor *, const int64_t *, int, bool);
typedef tg_tensor *(*dim_fn)(const tg_tensor *, int64_t, bool);

static const char *label_of(char *buf, size_t cap, const char *name, const char *what)
{
    snprintf(buf, cap, "%s %s", name, what);
    return buf;
}

/* A reduction of all elements on the usual inputs. */
static void all_tests(const char *name, all_fn f)
{
    char l[160];
    tg_scope_begin();
    const char *what[] = {"contiguous", "permuted", "expanded"};
    for (int i = 0; i < 3; i++) {
        tg_tensor *x = cube();
        tg_tensor *src = i == 0 ? x : i == 1 ? permuted(x) : tg_expand(tg_slice(x, 2, 1, 2, 1), TG_SHAPE(2, 3, 5));
        check(label_of(l, sizeof l, name, what[i]), f(src), &x, 1);
    }
    tg_tensor *t = ties();
    check(label_of(l, sizeof l, name, "ties"), f(t), &t, 1);
    tg_tensor *s = leaf(tg_scalar(-1.5));
    check(label_of(l, sizeof l, name, "0-dim"), f(s), &s, 1);
    tg_tensor *d = f64_leaf();
    check(label_of(l, sizeof l, name, "f64 transposed"), f(tg_t(d)), &d, 1);
    tg_tensor *nan = with_nan();
    check(label_of(l, sizeof l, name, "nan"), f(nan), &nan, 1);
    show(label_of(l, sizeof l, name, "int64"), f(tg_from_i64(I64(3, -1, 7, 2, 7, 0), TG_SHAPE(2, 3))));
    show(label_of(l, sizeof l, name, "int32"), f(tg_from_i32((const int32_t[]){4, 1, 2, 3}, TG_SHAPE(2, 2))));
    show(label_of(l, sizeof l, name, "bool"), f(tg_from_bool((const bool[]){true, false, true}, TG_SHAPE(3))));
    show(label_of(l, sizeof l, name, "zero-size"), f(tg_zeros(TG_SHAPE(0, 3), TG_F32)));
    tg_clear_error();
    show(label_of(l, sizeof l, name, "NULL"), f(NULL));
    tg_clear_error();
    tg_scope_end();
}

static const struct { int64_t d[3]; int n; const char *s; } DIM_SETS[] = {
    {{0}, 1, "[0]"}, {{-1}, 1, "[-1]"}, {{0, 2}, 2, "[0, 2]"}, {{2, 0, 1}, 3, "[2, 0, 1]"}, {{0}, 0, "[]"},
};

static void dims_tests(const char *name, dims_fn f)
{
    char l[160];
    for (size_t i = 0; i < sizeof DIM_SETS / sizeof DIM_SETS[0]; i++) {
        for (int keep = 0; keep < 2; keep++) {
            for (int perm = 0; perm < 2; perm++) {
                tg_scope_begin();
                tg_tensor *x = cube();
                snprintf(l, sizeof l, "%s %s keepdim=%d%s", name, DIM_SETS[i].s, keep, perm ? " permuted" : "");
                check(l, f(perm ? permuted(x) : x, DIM_SETS[i].n ? DIM_SETS[i].d : NULL, DIM_SETS[i].n, keep), &x, 1);
                tg_scope_end();
            }
        }
    }
    tg_scope_begin();
    for (int keep = 0; keep < 2; keep++) {
        tg_tensor *t = ties();
        snprintf(l, sizeof l, "%s ties [1] keepdim=%d", name, keep);
        check(l, f(t, DIMS(1), keep), &t, 1);
        t = ties();
        snprintf(l, sizeof l, "%s ties [0] keepdim=%d", name, keep);
        check(l, f(t, DIMS(0), keep), &t, 1);
    }
    tg_tensor *r = leaf(tg_from_f32(F32(1.0, 2.0, 4.0), TG_SHAPE(3, 1)));
    check(label_of(l, sizeof l, name, "expanded"), f(tg_expand(r, TG_SHAPE(3, 4)), DIMS(1), false), &r, 1);
    tg_tensor *s = leaf(tg_scalar(2.5));
    check(label_of(l, sizeof l, name, "0-dim [0]"), f(s, DIMS(0), true), &s, 1);
    tg_tensor *nan = with_nan();
    check(label_of(l, sizeof l, name, "nan [1]"), f(nan, DIMS(1), false), &nan, 1);
    tg_tensor *d = f64_leaf();
    check(label_of(l, sizeof l, name, "f64 transposed [1]"), f(tg_t(d), DIMS(1), false), &d, 1);
    show(label_of(l, sizeof l, name, "int64 [0]"), f(tg_from_i64(I64(3, -1, 7, 2, 7, 0), TG_SHAPE(2, 3)), DIMS(0), false));
    show(label_of(l, sizeof l, name, "bool [0]"), f(tg_from_bool((const bool[]){true, false, false, false}, TG_SHAPE(2, 2)), DIMS(0), false));
    show(label_of(l, sizeof l, name, "zero-size [1]"), f(tg_zeros(TG_SHAPE(0, 3), TG_F32), DIMS(1), false));
    show(label_of(l, sizeof l, name, "zero-size [0]"), f(tg_zeros(TG_SHAPE(0, 3), TG_F32), DIMS(0), false));
    tg_clear_error();
    show(label_of(l, sizeof l, name, "zero-size []"), f(tg_zeros(TG_SHAPE(0, 3), TG_F32), NULL, 0, false));
    tg_clear_error();
    show(label_of(l, sizeof l, name, "dim 2 of 2-D"), f(tg_zeros(TG_SHAPE(2, 3), TG_F32), DIMS(2), false));
    tg_clear_error();
    show(label_of(l, sizeof l, name, "repeated dim"), f(tg_zeros(TG_SHAPE(2, 3), TG_F32), DIMS(1, -1), false));
    tg_clear_error();
    tg_scope_end();
}

/* min over a dim, and argmax and argmin, with their indices. */
static void dim_tests(void)
{
    char l[160];
    static const int64_t dims[] = {0, 1, -1};
    for (int i = 0; i < 3; i++) {
        for (int keep = 0; keep < 2; keep++) {
            tg_scope_begin();
            tg_tensor *x = ties(), *idx;
            tg_tensor *v = tg_min_dim(x, dims[i], keep, &idx);
            snprintf(l, sizeof l, "min_dim %lld keepdim=%d indices", (long long)dims[i], keep);
            show(l, idx);
            snprintf(l, sizeof l, "min_dim %lld keepdim=%d", (long long)dims[i], keep);
            check(l, v, &x, 1);
            x = cube();
            v = tg_min_dim(permuted(x), dims[i], keep, &idx);
            snprintf(l, sizeof l, "min_dim permuted %lld keepdim=%d indices", (long long)dims[i], keep);
            show(l, idx);
            snprintf(l, sizeof l, "min_dim permuted %lld keepdim=%d", (long long)dims[i], keep);
            check(l, v, &x, 1);
            static const dim_fn fs[] = {tg_argmax, tg_argmin};
            static const char *names[] = {"argmax", "argmin"};
            for (int k = 0; k < 2; k++) {
                snprintf(l, sizeof l, "%s %lld keepdim=%d", names[k], (long long)dims[i], keep);
                show(l, fs[k](ties(), dims[i], keep));
                snprintf(l, sizeof l, "%s permuted %lld keepdim=%d", names[k], (long long)dims[i], keep);
                show(l, fs[k](permuted(cube()), dims[i], keep));
            }
            tg_scope_end();
        }
    }
    tg_scope_begin();
    tg_tensor *s = leaf(tg_scalar(2.5)), *idx;
    tg_tensor *v = tg_min_dim(s, -1, true, &idx);
    show("min_dim 0-dim indices", idx);
    check("min_dim 0-dim", v, &s, 1);
    v = tg_min_dim(tg_from_f32(F32(1.0, NAN, NAN, 2.0, 0.0, -1.0), TG_SHAPE(2, 3)), 1, false, &idx);
    show("min_dim nan values", v);
    show("min_dim nan indices", idx);
    v = tg_min_dim(tg_from_i64(I64(3, 1, 2, 1), TG_SHAPE(2, 2)), 0, false, &idx);
    show("min_dim int64 values", v);
    show("min_dim int64 indices", idx);
    v = tg_min_dim(tg_zeros(TG_SHAPE(0, 3), TG_F32), 1, false, &idx);
    show("min_dim zero-size values", v);
    show("min_dim zero-size indices", idx);
    show("min_dim zero-size error", tg_min_dim(tg_zeros(TG_SHAPE(0, 3), TG_F32), 0, false, &idx));
    tg_clear_error();
    show("min_dim bad dim", tg_min_dim(tg_zeros(TG_SHAPE(2, 3), TG_F32), -3, false, NULL));
    tg_clear_error();
    show("argmax 0-dim", tg_argmax(tg_scalar(1.0), 0, false));
    show("argmin 0-dim keepdim", tg_argmin(tg_scalar(1.0), -1, true));
    show("argmax int32", tg_argmax(tg_from_i32((const int32_t[]){3, 9, 9, 1}, TG_SHAPE(2, 2)), 1, false));
    show("argmax nan", tg_argmax(tg_from_f32(F32(1.0, NAN, NAN, 2.0), TG_SHAPE(4)), 0, false));
    show("argmin nan", tg_argmin(tg_from_f32(F32(1.0, -2.0, NAN, 2.0), TG_SHAPE(4)), 0, false));
    show("argmax bool", tg_argmax(tg_from_bool((const bool[]){false, true}, TG_SHAPE(2)), 0, false));
    tg_clear_error();
    show("argmin zero-size", tg_argmin(tg_zeros(TG_SHAPE(2, 0), TG_F32), 1, false));
    tg_clear_error();
    show("argmax zero-size dim 0", tg_argmax(tg_zeros(TG_SHAPE(2, 0), TG_F32), 0, false));
    show("argmax bad dim", tg_argmax(tg_scalar(1.0), 1, false));
    tg_clear_error();
    show("argmax all", tg_argmax_all(ties()));
    show("argmin all", tg_argmin_all(ties()));
    show("argmax all permuted", tg_argmax_all(permuted(cube())));
    show("argmin all permuted", tg_argmin_all(permuted(cube())));
    show("argmax all 0-dim", tg_argmax_all(tg_scalar(3.0)));
    show("argmin all nan", tg_argmin_all(with_nan()));
    show("argmax all zero-size", tg_argmax_all(tg_zeros(TG_SHAPE(0), TG_F32)));
    tg_clear_error();
    show("argmin all bool", tg_argmin_all(tg_from_bool((const bool[]){false, true}, TG_SHAPE(2))));
    tg_clear_error();
    tg_scope_end();
}

/* all and any. */
static void truth_tests(void)
{
    static const all_fn fs[] = {tg_all, tg_any};
    static const char *names[] = {"all", "any"};
    char l[160];
    for (int k = 0; k < 2; k++) {
        tg_scope_begin();
        all_fn f = fs[k];
        show(label_of(l, sizeof l, names[k], "float"), f(tg_from_f32(F32(1.5, 0.5, -2.0), TG_SHAPE(3))));
        show(label_of(l, sizeof l, names[k], "float zero"), f(tg_from_f32(F32(1.5, 0.0, -2.0), TG_SHAPE(3))));
        show(label_of(l, sizeof l, names[k], "zeros"), f(tg_zeros(TG_SHAPE(2, 2), TG_F64)));
        show(label_of(l, sizeof l, names[k], "nan"), f(tg_from_f32(F32(NAN, 0.0), TG_SHAPE(2))));
        show(label_of(l, sizeof l, names[k], "int64"), f(tg_from_i64(I64(1, 2, 0), TG_SHAPE(3))));
        show(label_of(l, sizeof l, names[k], "bool"), f(tg_from_bool((const bool[]){true, true}, TG_SHAPE(2))));
        show(label_of(l, sizeof l, names[k], "empty"), f(tg_zeros(TG_SHAPE(0, 3), TG_F32)));
        show(label_of(l, sizeof l, names[k], "0-dim"), f(tg_scalar(2.0)));
        show(label_of(l, sizeof l, names[k], "transposed"), f(tg_t(tg_from_f32(F32(1, 2, 3, 0), TG_SHAPE(2, 2)))));
        tg_tensor *x = ties();
        tg_tensor *r = f(tg_expand(tg_slice(x, 1, 0, 1, 1), TG_SHAPE(3, 5)));
        show(label_of(l, sizeof l, names[k], "expanded of leaf"), r);
        printf("%s requires_grad: %d\n", names[k], tg_requires_grad(r));
        static const dim_fn dfs[] = {tg_all_dim, tg_any_dim};
        tg_tensor *m = tg_from_f32(F32(1.0, 0.0, 2.0, 3.0, 4.0, NAN), TG_SHAPE(2, 3));
        for (int dim = -2; dim < 2; dim++) {
            for (int keep = 0; keep < 2; keep++) {
                snprintf(l, sizeof l, "%s_dim %d keepdim=%d", names[k], dim, keep);
                show(l, dfs[k](m, dim, keep));
                snprintf(l, sizeof l, "%s_dim transposed %d keepdim=%d", names[k], dim, keep);
                show(l, dfs[k](tg_t(m), dim, keep));
            }
        }
        snprintf(l, sizeof l, "%s_dim int64", names[k]);
        show(l, dfs[k](tg_from_i64(I64(1, 0, 2, 3), TG_SHAPE(2, 2)), 1, false));
        snprintf(l, sizeof l, "%s_dim bool", names[k]);
        show(l, dfs[k](tg_from_bool((const bool[]){true, false}, TG_SHAPE(1, 2)), -1, false));
        snprintf(l, sizeof l, "%s_dim zero-size 0", names[k]);
        show(l, dfs[k](tg_zeros(TG_SHAPE(0, 3), TG_F32), 0, false));
        snprintf(l, sizeof l, "%s_dim zero-size 1", names[k]);
        show(l, dfs[k](tg_zeros(TG_SHAPE(0, 3), TG_F32), 1, false));
        snprintf(l, sizeof l, "%s_dim 0-dim", names[k]);
        show(l, dfs[k](tg_scalar(2.0), 0, true));
        snprintf(l, sizeof l, "%s_dim bad dim", names[k]);
        show(l, dfs[k](m, 2, false));
        tg_clear_error();
        tg_scope_end();
    }
}

/* prod with zeros, the first and second derivatives. */
static void prod_tests(void)
{
    tg_scope_begin();
    tg_tensor *x = leaf(tg_from_f32(F32(2.0, 0.0, 3.0, 0.0, 0.0, 1.0, 1.0, 2.0, 3.0), TG_SHAPE(3, 3)));
    check("prod two zeros", tg_prod(x), &x, 1);
    x = leaf(tg_from_f32(F32(2.0, 0.5, 3.0, 0.0, -1.0, 1.0, 1.0, 2.0, 3.0), TG_SHAPE(3, 3)));
    check("prod one zero", tg_prod(x), &x, 1);
    for (int dim = -1; dim < 2; dim++) {
        for (int keep = 0; keep < 2; keep++) {
            char l[160];
            x = leaf(tg_from_f32(F32(2.0, 0.0, 3.0, 0.0, 0.0, 1.0, 1.0, 2.0, 3.0), TG_SHAPE(3, 3)));
            snprintf(l, sizeof l, "prod_dim zeros %d keepdim=%d", dim, keep);
            check(l, tg_prod_dim(x, dim, keep), &x, 1);
            x = cube();
            snprintf(l, sizeof l, "prod_dim permuted %d keepdim=%d", dim, keep);
            check(l, tg_prod_dim(permuted(x), dim, keep), &x, 1);
        }
    }
    tg_tensor *v = leaf(tg_from_f32(F32(2.0, 0.0, 3.0), TG_SHAPE(3)));
    check("prod_dim 1-D zero", tg_prod_dim(v, 0, false), &v, 1);
    tg_tensor *s = leaf(tg_scalar(-3.0));
    check("prod_dim 0-dim", tg_prod_dim(s, 0, true), &s, 1);
    tg_tensor *e = leaf(tg_zeros(TG_SHAPE(2, 0), TG_F32));
    check("prod_dim zero-size", tg_prod_dim(e, 1, false), &e, 1);
    e = leaf(tg_zeros(TG_SHAPE(2, 0), TG_F32));
    check("prod_dim zero-size dim 0", tg_prod_dim(e, 0, true), &e, 1);
    show("prod_dim int32", tg_prod_dim(tg_from_i32((const int32_t[]){3, 9, 2, 1}, TG_SHAPE(2, 2)), 1, false));
    show("prod_dim bool", tg_prod_dim(tg_from_bool((const bool[]){true, true, false, true}, TG_SHAPE(2, 2)), 0, false));
    show("prod_dim bad dim", tg_prod_dim(tg_zeros(TG_SHAPE(2, 3), TG_F32), 2, false));
    tg_clear_error();
    show("prod_dim NULL", tg_prod_dim(NULL, 0, false));
    tg_clear_error();

    /* second derivatives: the gradient's gradient, through create_graph */
    static const float vals[][4] = {{2.0f, 0.5f, 3.0f, -1.5f}, {2.0f, 0.0f, 3.0f, -1.5f}, {0.0f, 0.5f, 0.0f, -1.5f}};
    static const char *names[] = {"no zero", "one zero", "two zeros"};
    for (int i = 0; i < 3; i++) {
        for (int dim_form = 0; dim_form < 2; dim_form++) {
            char l[160];
            x = leaf64(tg_from_f32(vals[i], TG_SHAPE(2, 2)));
            tg_tensor *y = dim_form ? tg_sum(tg_mul(tg_prod_dim(x, 1, false), tg_from_f64((const double[]){1.0, -2.0}, TG_SHAPE(2))))
                                    : tg_prod(x);
            tg_tensor *gx;
            snprintf(l, sizeof l, "prod%s double backward %s", dim_form ? "_dim" : "", names[i]);
            if (tg_autograd_grad(&y, 1, &x, 1, NULL, (tg_backward_opts){.create_graph = true}, &gx) != 0) {
                printf("%s: error: %s\n", l, tg_last_error());
                continue;
            }
            show(l, gx);
            tg_tensor *w = tg_to(tg_from_f32(F32(1.0, 2.0, -1.0, 0.5), TG_SHAPE(2, 2)), TG_F64);
            tg_tensor *z = tg_sum(tg_mul(gx, w));
            tg_tensor *ggx;
            if (tg_autograd_grad(&z, 1, &x, 1, NULL, (tg_backward_opts){0}, &ggx) == 0) show(l, ggx);
            else printf("%s: error: %s\n", l, tg_last_error());
        }
    }
    tg_scope_end();
}

typedef tg_tensor *(*moment_fn)(const tg_tensor *, const int64_t *, int, double, bool);

/* var and std, with corrections 0, 1 and ones the count does not exceed. */
static void moment_tests(const char *name, moment_fn f)
{
    char l[200];
    for (size_t i = 0; i < sizeof DIM_SETS / sizeof DIM_SETS[0]; i++) {
        for (int c = 0; c < 2; c++) {
            for (int keep = 0; keep < 2; keep++) {
                tg_scope_begin();
                tg_tensor *x = cube();
                const int64_t *dims = DIM_SETS[i].n ? DIM_SETS[i].d : NULL;
                snprintf(l, sizeof l, "%s %s correction=%d keepdim=%d", name, DIM_SETS[i].s, c, keep);
                check(l, f(x, dims, DIM_SETS[i].n, c, keep), &x, 1);
                x = cube();
                snprintf(l, sizeof l, "%s %s correction=%d keepdim=%d permuted", name, DIM_SETS[i].s, c, keep);
                check(l, f(permuted(x), dims, DIM_SETS[i].n, c, keep), &x, 1);
                tg_scope_end();
            }
        }
    }
    tg_scope_begin();
    tg_tensor *x;
#define MOMENT(label, leaf_expr, input, ...)                          \
    x = leaf_expr;                                                    \
    check(label_of(l, sizeof l, name, label), f(input, __VA_ARGS__), &x, 1)
    MOMENT("f64 transposed [1]", f64_leaf(), tg_t(x), DIMS(1), 1, false);
    MOMENT("expanded [0]", leaf(tg_from_f32(F32(1.0, 2.0, 4.0), TG_SHAPE(3, 1))), tg_expand(x, TG_SHAPE(3, 4)), DIMS(0), 1, false);
    MOMENT("expanded [1]", leaf(tg_from_f32(F32(1.0, 2.0, 4.0), TG_SHAPE(3, 1))), tg_expand(x, TG_SHAPE(3, 4)), DIMS(1), 1, true);
    MOMENT("0-dim [0] correction=0", leaf(tg_scalar(2.0)), x, DIMS(0), 0, false);
    MOMENT("0-dim [0] correction=1", leaf(tg_scalar(2.0)), x, DIMS(0), 1, false);
    MOMENT("0-dim [0] correction=2", leaf(tg_scalar(2.0)), x, DIMS(0), 2, true);
    MOMENT("0-dim all", leaf(tg_scalar(2.0)), x, NULL, 0, 1, false);
    MOMENT("one element all", leaf(tg_from_f32(F32(1.0), TG_SHAPE(1))), x, NULL, 0, 1, false);
    MOMENT("one element [0]", leaf(tg_from_f32(F32(1.0), TG_SHAPE(1))), x, DIMS(0), 1, false);
    MOMENT("count = correction", leaf(tg_from_f32(F32(1.0, 2.0, 3.0, 3.0), TG_SHAPE(2, 2))), x, DIMS(1), 2, false);
    MOMENT("count < correction", leaf(tg_from_f32(F32(1.0, 2.0, 3.0, 3.0), TG_SHAPE(2, 2))), x, DIMS(1), 3, false);
    MOMENT("negative correction", leaf(tg_from_f32(F32(1.0, 2.0, 3.0, 5.0), TG_SHAPE(2, 2))), x, DIMS(0), -1, false);
    MOMENT("constant rows", leaf(tg_from_f32(F32(1.0, 1.0, 1.0, 2.0), TG_SHAPE(2, 2))), x, DIMS(1), 1, false);
    MOMENT("zero-size [1]", leaf(tg_zeros(TG_SHAPE(2, 0), TG_F32)), x, DIMS(1), 1, false);
    MOMENT("zero-size [0]", leaf(tg_zeros(TG_SHAPE(2, 0), TG_F32)), x, DIMS(0), 1, false);
    MOMENT("zero-size all", leaf(tg_zeros(TG_SHAPE(2, 0), TG_F32)), x, NULL, 0, 1, false);
#undef MOMENT
    show(label_of(l, sizeof l, name, "int64"), f(tg_from_i64(I64(1, 2), TG_SHAPE(2)), DIMS(0), 1, false));
    tg_clear_error();
    show(label_of(l, sizeof l, name, "repeated dim"), f(tg_zeros(TG_SHAPE(2, 3), TG_F32), DIMS(0, -2), 1, false));
    tg_clear_error();
    show(label_of(l, sizeof l, name, "dim out of range"), f(tg_zeros(TG_SHAPE(2, 3), TG_F32), DIMS(2), 1, false));
    tg_clear_error();
    tg_scope_end();
}

typedef tg_tensor *(*moments_fn)(const tg_tensor *, const int64_t *, int, double, bool, tg_tensor **);

/* var_mean and std_mean: both results, their graphs and gradients. */
static void moments_tests(const char *name, moments_fn f)
{
    char l[200];
    for (size_t i = 0; i < sizeof DIM_SETS / sizeof DIM_SETS[0]; i++) {
        for (int keep = 0; keep < 2; keep++) {
            tg_scope_begin();
            tg_tensor *x = cube(), *m;
            const int64_t *dims = DIM_SETS[i].n ? DIM_SETS[i].d : NULL;
            tg_tensor *v = f(permuted(x), dims, DIM_SETS[i].n, 1, keep, &m);
            snprintf(l, sizeof l, "%s %s keepdim=%d mean", name, DIM_SETS[i].s, keep);
            show(l, m);
            snprintf(l, sizeof l, "%s %s keepdim=%d", name, DIM_SETS[i].s, keep);
            check(l, tg_add(v, tg_mul_scalar(m, 3)), &x, 1);
            tg_scope_end();
        }
    }
    tg_scope_begin();
    tg_tensor *x = f64_leaf(), *m;
    tg_tensor *v = f(x, DIMS(0), 0, false, &m);
    check(label_of(l, sizeof l, name, "f64 var part"), v, &x, 1);
    x = f64_leaf();
    f(x, DIMS(0), 0, false, &m);
    check(label_of(l, sizeof l, name, "f64 mean part"), m, &x, 1);
    x = leaf(tg_from_f32(F32(1.0), TG_SHAPE(1)));
    v = f(x, DIMS(0), 1, false, &m);
    check(label_of(l, sizeof l, name, "one element"), tg_add(v, m), &x, 1);
    x = leaf(tg_scalar(2.0));
    v = f(x, DIMS(0), 1, false, &m);
    check(label_of(l, sizeof l, name, "0-dim"), tg_add(v, m), &x, 1);
    show(label_of(l, sizeof l, name, "zero-size"), f(tg_zeros(TG_SHAPE(2, 0), TG_F32), DIMS(1), 1, false, &m));
    show(label_of(l, sizeof l, name, "zero-size mean"), m);
    show(label_of(l, sizeof l, name, "no mean"), f(tg_from_f32(F32(1.0, 2.0, 4.0), TG_SHAPE(3)), NULL, 0, 1, false, NULL));
    show(label_of(l, sizeof l, name, "int64"), f(tg_from_i64(I64(1, 2), TG_SHAPE(2)), NULL, 0, 1, false, &m));
    tg_clear_error();
    /* the mean's node saves the input, so it too sees it changed in place */
    tg_tensor *y = tg_mul_scalar(leaf(tg_from_f32(F32(1.0, 2.0, 4.0), TG_SHAPE(3))), 1);
    f(y, NULL, 0, 1, false, &m);
    tg_mul_scalar_(y, 2);
    if (tg_backward(m, NULL) != 0) printf("%s modified in place: error: %s\n", name, tg_last_error());
    tg_clear_error();
    tg_scope_end();
}

/* logsumexp, vector_norm and count_nonzero. */
static void norm_tests(void)
{
    char l[200];
    for (size_t i = 0; i < sizeof DIM_SETS / sizeof DIM_SETS[0]; i++) {
        for (int keep = 0; keep < 2; keep++) {
            tg_scope_begin();
            const int64_t *dims = DIM_SETS[i].n ? DIM_SETS[i].d : NULL;
            tg_tensor *x = cube();
            snprintf(l, sizeof l, "logsumexp %s keepdim=%d permuted", DIM_SETS[i].s, keep);
            check(l, tg_logsumexp(permuted(x), dims, DIM_SETS[i].n, keep), &x, 1);
            static const double ords[] = {2, 1, 0, INFINITY, -INFINITY, 3, 0.5, -1.5};
            for (int k = 0; k < 8; k++) {
                x = ties();
                tg_tensor *src = tg_sub_scalar(tg_reshape(x, TG_SHAPE(2, 2, 3)), 1);
                snprintf(l, sizeof l, "vector_norm ord=%g %s keepdim=%d", ords[k], DIM_SETS[i].s, keep);
                check(l, tg_vector_norm(permuted(src), ords[k], dims, DIM_SETS[i].n, keep), &x, 1);
            }
            snprintf(l, sizeof l, "count_nonzero %s", DIM_SETS[i].s);
            show(l, tg_count_nonzero(permuted(tg_sub_scalar(tg_reshape(ties(), TG_SHAPE(2, 2, 3)), 1)), dims, DIM_SETS[i].n));
            tg_scope_end();
        }
    }
    tg_scope_begin();
    tg_tensor *x = leaf(tg_from_f32(F32(INFINITY, 1.0, -INFINITY, -INFINITY, 1000.0, 1000.0), TG_SHAPE(3, 2)));
    check("logsumexp infinities", tg_logsumexp(x, DIMS(1), false), &x, 1);
    x = f64_leaf();
    check("logsumexp f64 transposed", tg_logsumexp(tg_t(x), DIMS(0), true), &x, 1);
    x = leaf(tg_from_f32(F32(1.0, 2.0, 4.0), TG_SHAPE(3, 1)));
    check("logsumexp expanded", tg_logsumexp(tg_expand(x, TG_SHAPE(3, 4)), DIMS(1), false), &x, 1);
    x = leaf(tg_scalar(2.0));
    check("logsumexp 0-dim", tg_logsumexp(x, DIMS(0), false), &x, 1);
    x = leaf(tg_zeros(TG_SHAPE(0, 3), TG_F32));
    check("logsumexp zero-size [0]", tg_logsumexp(x, DIMS(0), false), &x, 1);
    show("logsumexp zero-size [1]", tg_logsumexp(tg_zeros(TG_SHAPE(0, 3), TG_F32), DIMS(1), false));
    show("logsumexp int64", tg_logsumexp(tg_from_i64(I64(1, 2), TG_SHAPE(2)), DIMS(0), false));
    show("logsumexp bool", tg_logsumexp(tg_from_bool((const bool[]){true, false}, TG_SHAPE(2)), DIMS(0), false));
    show("logsumexp repeated dim", tg_logsumexp(tg_zeros(TG_SHAPE(2, 3), TG_F32), DIMS(1, 1), false));
    tg_clear_error();

    static const double ords[] = {2, 1, 0, INFINITY, -INFINITY, 3, 0.5, -1.5};
    for (int k = 0; k < 8; k++) {
        char l2[120];
        x = leaf(tg_from_f32(F32(0.0, 0.0, 3.0, -4.0, 0.0, NAN), TG_SHAPE(3, 2)));
        snprintf(l2, sizeof l2, "vector_norm ord=%g zeros rows", ords[k]);
        check(l2, tg_vector_norm(tg_slice(x, 0, 0, 2, 1), ords[k], DIMS(1), false), &x, 1);
        x = leaf(tg_from_f32(F32(0.0, 0.0, 3.0, -4.0, 0.0, NAN), TG_SHAPE(3, 2)));
        snprintf(l2, sizeof l2, "vector_norm ord=%g nan", ords[k]);
        check(l2, tg_vector_norm(x, ords[k], NULL, 0, false), &x, 1);
        x = f64_leaf();
        snprintf(l2, sizeof l2, "vector_norm ord=%g f64 transposed", ords[k]);
        check(l2, tg_vector_norm(tg_t(x), ords[k], DIMS(1), true), &x, 1);
        x = leaf(tg_from_f32(F32(1.0, -2.0, 4.0), TG_SHAPE(3, 1)));
        snprintf(l2, sizeof l2, "vector_norm ord=%g expanded", ords[k]);
        check(l2, tg_vector_norm(tg_expand(x, TG_SHAPE(3, 4)), ords[k], DIMS(0), false), &x, 1);
        x = leaf(tg_scalar(-2.0));
        snprintf(l2, sizeof l2, "vector_norm ord=%g 0-dim", ords[k]);
        check(l2, tg_vector_norm(x, ords[k], NULL, 0, false), &x, 1);
        snprintf(l2, sizeof l2, "vector_norm ord=%g zero-size", ords[k]);
        show(l2, tg_vector_norm(tg_zeros(TG_SHAPE(0, 3), TG_F32), ords[k], NULL, 0, false));
        tg_clear_error();
        snprintf(l2, sizeof l2, "vector_norm ord=%g zero-size [0]", ords[k]);
        show(l2, tg_vector_norm(tg_zeros(TG_SHAPE(0, 3), TG_F32), ords[k], DIMS(0), false));
        tg_clear_error();
        snprintf(l2, sizeof l2, "vector_norm ord=%g zero-size [1]", ords[k]);
        show(l2, tg_vector_norm(tg_zeros(TG_SHAPE(0, 3), TG_F32), ords[k], DIMS(1), false));
        tg_clear_error();
    }
    show("vector_norm int64", tg_vector_norm(tg_from_i64(I64(1, 2), TG_SHAPE(2)), 2, NULL, 0, false));
    tg_clear_error();
    show("vector_norm bool", tg_vector_norm(tg_from_bool((const bool[]){true}, TG_SHAPE(1)), 2, NULL, 0, false));
    tg_clear_error();
    show("vector_norm bad dim", tg_vector_norm(tg_zeros(TG_SHAPE(2, 3), TG_F32), 2, DIMS(-3), false));
    tg_clear_error();

    show("count_nonzero nan", tg_count_nonzero(tg_from_f32(F32(1.0, 0.0, NAN, 0.0, 0.0, 2.0), TG_SHAPE(2, 3)), DIMS(0)));
    show("count_nonzero bool", tg_count_nonzero(tg_from_bool((const bool[]){true, false}, TG_SHAPE(2)), NULL, 0));
    show("count_nonzero int64 transposed", tg_count_nonzero(tg_t(tg_from_i64(I64(1, 0, 3, 0, 0, 6), TG_SHAPE(2, 3))), DIMS(1)));
    show("count_nonzero 0-dim", tg_count_nonzero(tg_scalar(3.0), DIMS(0)));
    show("count_nonzero zero-size", tg_count_nonzero(tg_zeros(TG_SHAPE(0, 3), TG_F32), DIMS(0)));
    x = ties();
    tg_tensor *c = tg_count_nonzero(tg_expand(tg_slice(x, 1, 2, 4, 1), TG_SHAPE(3, 2)), NULL, 0);
    show("count_nonzero of leaf", c);
    printf("count_nonzero requires_grad: %d\n", tg_requires_grad(c));
    show("count_nonzero repeated dim", tg_count_nonzero(tg_ones(TG_SHAPE(2, 2), TG_F32), DIMS(0, 0)));
    tg_clear_error();
    tg_scope_end();
}

/* The gradient of y (summed against fixed weights) and its own gradient,
   through create_graph: values only (PyTorch's second derivative of
   cumprod with zeros is built from other operations), and + 0 makes a
   zero's sign not count. */
static void double_backward(const char *label, tg_tensor *x, tg_tensor *y)
{
    tg_tensor *out = tg_sum(tg_mul(y, weights(y))), *gx, *ggx;
    if (tg_autograd_grad(&out, 1, &x, 1, NULL, (tg_backward_opts){.create_graph = true}, &gx) != 0) {
        printf("%s: error: %s\n", label, tg_last_error());
        return;
    }
    show(label, tg_detach(gx));
    tg_tensor *z = tg_sum(tg_mul(gx, tg_cos(x)));
    if (tg_autograd_grad(&z, 1, &x, 1, NULL, (tg_backward_opts){0}, &ggx) == 0) show(label, tg_add_scalar(ggx, 0));
    else printf("%s: error: %s\n", label, tg_last_error());
}

/* cumsum and cumprod. */
static void scan_tests(const char *name, tg_tensor *(*f)(const tg_tensor *, int64_t))
{
    char l[200];
    tg_scope_begin();
    for (int dim = -3; dim < 3; dim++) {
        tg_tensor *x = cube();
        snprintf(l, sizeof l, "%s %d", name, dim);
        check(l, f(x, dim), &x, 1);
        x = cube();
        snprintf(l, sizeof l, "%s %d permuted", name, dim);
        check(l, f(permuted(x), dim), &x, 1);
    }
    tg_tensor *x = leaf(tg_from_f32(F32(1.0, 2.0, 4.0), TG_SHAPE(3, 1)));
    check(label_of(l, sizeof l, name, "expanded"), f(tg_expand(x, TG_SHAPE(3, 4)), 1), &x, 1);
    x = f64_leaf();
    check(label_of(l, sizeof l, name, "f64 transposed"), f(tg_t(x), 1), &x, 1);
    x = leaf(tg_scalar(-2.0));
    check(label_of(l, sizeof l, name, "0-dim"), f(x, 0), &x, 1);
    x = leaf(tg_zeros(TG_SHAPE(0, 3), TG_F32));
    check(label_of(l, sizeof l, name, "zero-size"), f(x, 0), &x, 1);
    x = leaf(tg_from_f32(F32(2.0, 3.0), TG_SHAPE(2, 1)));
    check(label_of(l, sizeof l, name, "runs of one"), f(x, 1), &x, 1);
    static const float zeros[][8] = {
        {2.0f, 0.0f, 3.0f, 0.5f, 0.0f, -1.0f, 2.0f, 1.5f},
        {0.0f, 2.0f, 0.0f, 3.0f, 1.5f, 0.0f, 0.0f, 2.0f},
        {2.0f, 0.5f, 3.0f, 0.0f, 1.0f, 2.0f, -1.0f, 0.0f},
    };
    for (int i = 0; i < 3; i++) {
        for (int dim = 0; dim < 2; dim++) {
            x = leaf(tg_from_f32(zeros[i], TG_SHAPE(2, 4)));
            snprintf(l, sizeof l, "%s zeros %d dim %d", name, i, dim);
            check(l, f(x, dim), &x, 1);
            x = leaf64(tg_from_f32(zeros[i], TG_SHAPE(2, 4)));
            snprintf(l, sizeof l, "%s zeros %d dim %d double backward", name, i, dim);
            double_backward(l, x, f(x, dim));
        }
    }
    x = leaf64(tg_from_f32(F32(0.5, -1.0, 2.0, 1.5), TG_SHAPE(4)));
    double_backward(label_of(l, sizeof l, name, "double backward"), x, f(x, 0));
    show(label_of(l, sizeof l, name, "int32"), f(tg_from_i32((const int32_t[]){3, -2, 5, 1}, TG_SHAPE(2, 2)), 1));
    show(label_of(l, sizeof l, name, "int64 transposed"), f(tg_t(tg_from_i64(I64(3, -2, 5, 1, 4, 2), TG_SHAPE(2, 3))), 0));
    show(label_of(l, sizeof l, name, "bool"), f(tg_from_bool((const bool[]){true, true, false}, TG_SHAPE(3)), 0));
    show(label_of(l, sizeof l, name, "nan"), f(tg_from_f32(F32(1.0, NAN, 2.0), TG_SHAPE(3)), 0));
    show(label_of(l, sizeof l, name, "bad dim"), f(tg_zeros(TG_SHAPE(2), TG_F32), 1));
    tg_clear_error();
    show(label_of(l, sizeof l, name, "bad dim 0-dim"), f(tg_scalar(1.0), -2));
    tg_clear_error();
    tg_scope_end();
}

/* sort, argsort and topk. */
static void sort_tests(void)
{
    char l[200];
    tg_scope_begin();
    for (int dim = -3; dim < 3; dim++) {
        for (int desc = 0; desc < 2; desc++) {
            tg_tensor *x = cube(), *idx;
            tg_tensor *v = tg_sort(permuted(x), dim, desc, &idx);
            snprintf(l, sizeof l, "sort %d descending=%d indices", dim, desc);
            show(l, idx);
            snprintf(l, sizeof l, "sort %d descending=%d", dim, desc);
            check(l, v, &x, 1);
            snprintf(l, sizeof l, "argsort %d descending=%d", dim, desc);
            show(l, tg_argsort(permuted(cube()), dim, desc));
            for (int k = 0; k < 3; k++) {
                x = cube();
                v = tg_topk(permuted(x), k, dim, desc, true, &idx);
                snprintf(l, sizeof l, "topk %d %d largest=%d indices", k, dim, desc);
                show(l, idx);
                snprintf(l, sizeof l, "topk %d %d largest=%d", k, dim, desc);
                check(l, v, &x, 1);
            }
        }
    }
    tg_tensor *x = ties(), *idx, *v;
    for (int desc = 0; desc < 2; desc++) {
        x = ties();
        v = tg_sort(x, 1, desc, &idx);
        snprintf(l, sizeof l, "sort ties descending=%d indices", desc);
        show(l, idx);
        snprintf(l, sizeof l, "sort ties descending=%d", desc);
        check(l, v, &x, 1);
        tg_tensor *nan = leaf(tg_from_f32(F32(3.0, NAN, 1.0, 3.0, -2.0, NAN, 1.0, 0.0), TG_SHAPE(8)));
        v = tg_sort(nan, 0, desc, &idx);
        snprintf(l, sizeof l, "sort nan descending=%d indices", desc);
        show(l, idx);
        snprintf(l, sizeof l, "sort nan descending=%d", desc);
        check(l, v, &nan, 1);
        snprintf(l, sizeof l, "argsort nan descending=%d", desc);
        show(l, tg_argsort(nan, 0, desc));
        nan = leaf(tg_from_f32(F32(3.0, NAN, 1.0, 4.0, -2.0, NAN, 2.5, 0.0), TG_SHAPE(8)));
        v = tg_topk(nan, 4, 0, desc, true, &idx);
        snprintf(l, sizeof l, "topk nan largest=%d indices", desc);
        show(l, idx);
        snprintf(l, sizeof l, "topk nan largest=%d", desc);
        check(l, v, &nan, 1);
    }
    x = f64_leaf();
    v = tg_sort(tg_t(x), 1, false, &idx);
    show("sort f64 transposed indices", idx);
    check("sort f64 transposed", v, &x, 1);
    x = leaf(tg_from_f32(F32(1.0, -2.0, 4.0), TG_SHAPE(3, 1)));
    v = tg_sort(tg_expand(x, TG_SHAPE(3, 4)), 0, true, &idx);
    show("sort expanded indices", idx);
    check("sort expanded", v, &x, 1);
    x = leaf(tg_from_f32(F32(1.0, -2.0, 4.0), TG_SHAPE(3, 1)));
    check("topk expanded", tg_topk(tg_expand(x, TG_SHAPE(3, 4)), 2, 0, true, true, NULL), &x, 1);
    x = leaf(tg_scalar(2.0));
    v = tg_sort(x, 0, false, &idx);
    show("sort 0-dim indices", idx);
    check("sort 0-dim", v, &x, 1);
    x = leaf(tg_scalar(2.0));
    check("topk 0-dim", tg_topk(x, 1, -1, true, true, NULL), &x, 1);
    x = leaf(tg_zeros(TG_SHAPE(0, 3), TG_F32));
    check("sort zero-size", tg_sort(x, 0, false, NULL), &x, 1);
    x = leaf(tg_zeros(TG_SHAPE(0, 3), TG_F32));
    check("topk zero-size", tg_topk(x, 0, 0, true, true, NULL), &x, 1);
    v = tg_sort(tg_from_i32((const int32_t[]){3, 1, 2, 1}, TG_SHAPE(4)), 0, false, &idx);
    show("sort int32", v);
    show("sort int32 indices", idx);
    v = tg_sort(tg_from_bool((const bool[]){true, false, true}, TG_SHAPE(3)), 0, true, &idx);
    show("sort bool", v);
    show("sort bool indices", idx);
    v = tg_topk(tg_from_i64(I64(3, 1, 2, 7), TG_SHAPE(4)), 2, 0, true, true, &idx);
    show("topk int64", v);
    show("topk int64 indices", idx);
    show("argsort 0-dim", tg_argsort(tg_scalar(3.0), 0, false));
    show("topk k too large", tg_topk(tg_zeros(TG_SHAPE(2, 3), TG_F32), 4, 1, true, true, &idx));
    tg_clear_error();
    show("topk k too large indices", idx);
    show("topk k negative", tg_topk(tg_zeros(TG_SHAPE(2, 3), TG_F32), -1, 1, true, true, NULL));
    tg_clear_error();
    show("topk 0-dim k=2", tg_topk(tg_scalar(1.0), 2, 0, true, true, NULL));
    tg_clear_error();
    show("topk zero-size k=1", tg_topk(tg_zeros(TG_SHAPE(0, 3), TG_F32), 1, 0, true, true, NULL));
    tg_clear_error();
    show("topk bool", tg_topk(tg_from_bool((const bool[]){true, false}, TG_SHAPE(2)), 1, 0, true, true, NULL));
    tg_clear_error();
    show("sort bad dim", tg_sort(tg_zeros(TG_SHAPE(2), TG_F32), 1, false, &idx));
    tg_clear_error();
    show("sort bad dim indices", idx);
    show("argsort bad dim", tg_argsort(tg_zeros(TG_SHAPE(2), TG_F32), -2, false));
    tg_clear_error();
    /* second derivatives: the scatter's derivative gathers, and back */
    x = leaf64(tg_from_f32(F32(0.5, -1.0, 2.0, 1.5, 3.0, -0.5), TG_SHAPE(2, 3)));
    double_backward("sort double backward", x, tg_mul(tg_sort(x, 1, true, NULL), tg_sort(x, 0, false, NULL)));
    x = leaf64(tg_from_f32(F32(0.5, -1.0, 2.0, 1.5, 3.0, -0.5), TG_SHAPE(2, 3)));
    tg_tensor *tk = tg_topk(x, 2, 1, true, true, NULL);
    double_backward("topk double backward", x, tg_mul(tk, tk));
    tg_scope_end();
}

/* Python's print(label, t.stride()). */
static void strides(const char *label, const tg_tensor *t)
{
    printf("%s strides: ", label);
    print_strides(t);
    printf("\n");
}

/* The layout of every result, from a transposed, a permuted, an expanded
   and a sliced input. */
static void layout_tests(void)
{
    char l[200];
    static const char *names[] = {"transposed", "permuted", "expanded", "sliced"};
    for (int i = 0; i < 4; i++) {
        tg_scope_begin();
        tg_tensor *base = tg_reshape(tg_arange(0, 24, 1, TG_F32), TG_SHAPE(2, 3, 4));
        tg_tensor *x = i == 0   ? tg_transpose(base, 1, 2)
                       : i == 1 ? permuted(base)
                       : i == 2 ? tg_expand(tg_slice(base, 2, 0, 1, 1), TG_SHAPE(2, 3, 4))
                                : tg_slice(base, 2, 0, 4, 2);
        tg_tensor *idx, *m;
#define LAYOUT(what, expr) (snprintf(l, sizeof l, "%s %s", names[i], what), strides(l, expr))
        LAYOUT("max", tg_max(x));
        LAYOUT("min_dim", tg_min_dim(x, 1, false, &idx));
        LAYOUT("min_dim indices", idx);
        LAYOUT("amax", tg_amax(x, DIMS(0, 2), true));
        LAYOUT("argmax", tg_argmax(x, -1, false));
        LAYOUT("all_dim", tg_all_dim(x, 0, false));
        LAYOUT("prod_dim", tg_prod_dim(x, 1, true));
        LAYOUT("var", tg_var(x, DIMS(1), 1, false));
        LAYOUT("std_mean", tg_std_mean(x, DIMS(0), 1, true, &m));
        LAYOUT("std_mean mean", m);
        LAYOUT("logsumexp", tg_logsumexp(x, DIMS(2), false));
        LAYOUT("vector_norm", tg_vector_norm(x, 3, DIMS(0), false));
        LAYOUT("count_nonzero", tg_count_nonzero(x, DIMS(1)));
        LAYOUT("cumsum", tg_cumsum(x, 1));
        LAYOUT("cumprod", tg_cumprod(x, -1));
        LAYOUT("sort", tg_sort(x, 1, false, &idx));
        LAYOUT("sort indices", idx);
        LAYOUT("argsort", tg_argsort(x, 2, true));
        LAYOUT("topk", tg_topk(x, 2, 1, true, true, &idx));
        LAYOUT("topk indices", idx);
#undef LAYOUT
        tg_scope_end();
    }
}

int main(void)
{
    all_tests("max", tg_max);
    all_tests("min", tg_min);
    all_tests("prod", tg_prod);
    dims_tests("amax", tg_amax);
    dims_tests("amin", tg_amin);
    dim_tests();
    truth_tests();
    prod_tests();
    moment_tests("var", tg_var);
    moment_tests("std", tg_std);
    moments_tests("var_mean", tg_var_mean);
    moments_tests("std_mean", tg_std_mean);
    norm_tests();
    scan_tests("cumsum", tg_cumsum);
    scan_tests("cumprod", tg_cumprod);
    sort_tests();
    layout_tests();
    return 0;
}
