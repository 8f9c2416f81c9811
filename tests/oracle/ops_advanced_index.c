/* Advanced indexing, t[items] and t[items] = values: values, gradients,
   grad_fn graphs, result strides and errors of each kind of item and their
   mixes, on contiguous, transposed, permuted, expanded and zero-size
   inputs, with TG_I64, TG_I32 and bool indices. Prints what
   ops_advanced_index.py prints with PyTorch. */
#include <tensorgrad.h>

#include <stdio.h>

#include "oracle.h"

#define I32(...) ((const int32_t[]){__VA_ARGS__})
#define B(...) ((const bool[]){__VA_ARGS__})

/* arange(24) as a (2, 3, 4) leaf */
static tg_tensor *x234(void) { return leaf(tg_reshape(tg_arange(0, 24, 1, TG_F32), TG_SHAPE(2, 3, 4))); }
static tg_tensor *vec(const int64_t *v, int64_t n) { return tg_from_i64(v, &n, 1); }
static tg_tensor *mask_gt(const tg_tensor *x, double s) { return tg_gt_scalar(tg_detach(x), s); }

#define IDX(...) TG_INDEX(__VA_ARGS__)

static void reads(void)
{
    tg_tensor *i = vec(I64(1, 0), 2), *j = vec(I64(2, 0, 2), 3), *neg = vec(I64(-1, 0), 2);
    CASE_STRIDED("x[i]", x234(), tg_index(x, IDX(TG_IDX_T(i))));
    CASE_STRIDED("x[:, j]", x234(), tg_index(x, IDX(TG_IDX_ALL, TG_IDX_T(j))));
    CASE_STRIDED("x[..., neg]", x234(), tg_index(x, IDX(TG_IDX_ELLIPSIS, TG_IDX_T(neg))));
    CASE_STRIDED("x[0:1, i]", x234(), tg_index(x, IDX(TG_IDX_SLICE(0, 1, 1), TG_IDX_T(i))));
    CASE_STRIDED("x[0:2, i]", x234(), tg_index(x, IDX(TG_IDX_SLICE(0, 2, 1), TG_IDX_T(i))));
    CASE_STRIDED("x[:, 0:3, i]", x234(), tg_index(x, IDX(TG_IDX_ALL, TG_IDX_SLICE(0, 3, 1), TG_IDX_T(i))));
    CASE_STRIDED("x[1, j]", x234(), tg_index(x, IDX(TG_IDX_INT(1), TG_IDX_T(j))));
    CASE_STRIDED("x[i, -1]", x234(), tg_index(x, IDX(TG_IDX_T(i), TG_IDX_INT(-1))));
    tg_tensor *col = tg_from_i64(I64(0, 3), TG_SHAPE(2, 1));
    CASE_STRIDED("x[i, :, col]", x234(), tg_index(x, IDX(TG_IDX_T(i), TG_IDX_ALL, TG_IDX_T(col))));
    CASE_STRIDED("x[col, j]", x234(), tg_index(x, IDX(TG_IDX_T(tg_from_i64(I64(0, 1), TG_SHAPE(2, 1))), TG_IDX_T(j))));
    CASE_STRIDED("x[i, None, j]", x234(), tg_index(x, IDX(TG_IDX_T(i), TG_IDX_NEW, TG_IDX_T(vec(I64(2, 1), 2)))));
    CASE_STRIDED("x[None, i]", x234(), tg_index(x, IDX(TG_IDX_NEW, TG_IDX_T(i))));
    CASE_STRIDED("x[None, 0:2, i]", x234(), tg_index(x, IDX(TG_IDX_NEW, TG_IDX_SLICE(0, 2, 1), TG_IDX_T(i))));
    CASE_STRIDED("x[..., None, i]", x234(), tg_index(x, IDX(TG_IDX_ELLIPSIS, TG_IDX_NEW, TG_IDX_T(i))));
    CASE_STRIDED("x[i, ..., i]", x234(), tg_index(x, IDX(TG_IDX_T(i), TG_IDX_ELLIPSIS, TG_IDX_T(i))));
    CASE_STRIDED("x[:, ::2, i]", x234(), tg_index(x, IDX(TG_IDX_ALL, TG_IDX_SLICE(0, TG_END, 2), TG_IDX_T(i))));
    CASE_STRIDED("x[-2:, 1:, ::3]", x234(), tg_index(x, IDX(TG_IDX_SLICE(-2, TG_END, 1), TG_IDX_SLICE(1, TG_END, 1),
                                                            TG_IDX_SLICE(0, TG_END, 3))));
    CASE_STRIDED("x[i, j broadcast]", x234(),
                 tg_index(x, IDX(TG_IDX_T(tg_from_i64(I64(0, 1), TG_SHAPE(2, 1))), TG_IDX_T(j), TG_IDX_T(vec(I64(3), 1)))));
    CASE_STRIDED("x[0-dim i]", x234(), tg_index(x, IDX(TG_IDX_T(tg_from_i64(I64(1), TG_SHAPE())))));
    CASE_STRIDED("x[:, 0-dim i]", x234(), tg_index(x, IDX(TG_IDX_ALL, TG_IDX_T(tg_from_i64(I64(2), TG_SHAPE())))));
    CASE_STRIDED("x[True]", x234(), tg_index(x, IDX(TG_IDX_T(tg_from_bool(B(true), TG_SHAPE())))));
    CASE_STRIDED("x[:, False]", x234(), tg_index(x, IDX(TG_IDX_ALL, TG_IDX_T(tg_from_bool(B(false), TG_SHAPE())))));
    CASE_STRIDED("x[i32]", x234(), tg_index(x, IDX(TG_IDX_T(tg_from_i32(I32(1, -2, 1), TG_SHAPE(3))))));
    CASE_STRIDED("x[:, :, i32 2d]", x234(), tg_index(x, IDX(TG_IDX_ALL, TG_IDX_ALL, TG_IDX_T(tg_from_i32(I32(3, 0, 1, 3), TG_SHAPE(2, 2))))));
    /* basic items alone: views, as PyTorch's get_item makes them */
    CASE_STRIDED("x[...]", x234(), tg_index(x, IDX(TG_IDX_ELLIPSIS)));
    CASE_STRIDED("x[:]", x234(), tg_index(x, IDX(TG_IDX_ALL)));
    CASE_STRIDED("x[0:2, 0:3]", x234(), tg_index(x, IDX(TG_IDX_SLICE(0, 2, 1), TG_IDX_SLICE(0, 3, 1))));
    CASE_STRIDED("x[:, :]", x234(), tg_index(x, IDX(TG_IDX_ALL, TG_IDX_ALL)));
    CASE_STRIDED("x[None]", x234(), tg_index(x, IDX(TG_IDX_NEW)));
    CASE_STRIDED("x[1]", x234(), tg_index(x, IDX(TG_IDX_INT(1))));
    CASE_STRIDED("x[1, :, -1]", x234(), tg_index(x, IDX(TG_IDX_INT(1), TG_IDX_ALL, TG_IDX_INT(-1))));
    CASE_STRIDED("x[0, 0, 0, None]", x234(), tg_index(x, IDX(TG_IDX_INT(0), TG_IDX_INT(0), TG_IDX_INT(0), TG_IDX_NEW)));
    CASE_STRIDED("x[..., ...]", x234(), tg_index(x, IDX(TG_IDX_ELLIPSIS, TG_IDX_ELLIPSIS)));
    CASE_STRIDED("s[None, None]", leaf(tg_scalar(2.5)), tg_index(x, IDX(TG_IDX_NEW, TG_IDX_NEW)));
    CASE_STRIDED("s[..., None]", leaf(tg_scalar(2.5)), tg_index(x, IDX(TG_IDX_ELLIPSIS, TG_IDX_NEW)));
}

static void masks(void)
{
    CASE_STRIDED("x[x > 5]", x234(), tg_index(x, IDX(TG_IDX_T(mask_gt(x, 5)))));
    tg_tensor *m23 = tg_from_bool(B(true, false, true, false, false, true), TG_SHAPE(2, 3));
    CASE_STRIDED("x[m23]", x234(), tg_index(x, IDX(TG_IDX_T(m23))));
    CASE_STRIDED("x[m23, 1:3]", x234(), tg_index(x, IDX(TG_IDX_T(m23), TG_IDX_SLICE(1, 3, 1))));
    tg_tensor *m3 = tg_from_bool(B(false, true, true), TG_SHAPE(3));
    CASE_STRIDED("x[:, m3]", x234(), tg_index(x, IDX(TG_IDX_ALL, TG_IDX_T(m3))));
    CASE_STRIDED("x[:, m3, i]", x234(), tg_index(x, IDX(TG_IDX_ALL, TG_IDX_T(m3), TG_IDX_T(vec(I64(0, 3), 2)))));
    CASE_STRIDED("x[m2, :, m4]", x234(), tg_index(x, IDX(TG_IDX_T(tg_from_bool(B(true, true), TG_SHAPE(2))), TG_IDX_ALL,
                                                        TG_IDX_T(tg_from_bool(B(false, true, false, true), TG_SHAPE(4))))));
    CASE_STRIDED("x[none true]", x234(), tg_index(x, IDX(TG_IDX_T(tg_gt_scalar(tg_detach(x), 100)))));
}

static void layouts(void)
{
    tg_tensor *i = vec(I64(2, 0), 2);
    tg_tensor *a = tg_from_f64((const double[]){0.5, -1, 2, 3, -0.25, 4, 1.5, 0, 7, -3, 2.5, 1}, TG_SHAPE(3, 4));
    CASE_STRIDED("t f64 [i]", leaf(tg_detach(a)), tg_index(tg_t(x), IDX(TG_IDX_T(i))));
    CASE_STRIDED("t f64 [:, i]", leaf(tg_detach(a)), tg_index(tg_t(x), IDX(TG_IDX_ALL, TG_IDX_T(i))));
    CASE_STRIDED("permuted [:, :, i]", x234(), tg_index(tg_permute(x, DIMS(2, 0, 1)), IDX(TG_IDX_ALL, TG_IDX_ALL, TG_IDX_T(i))));
    CASE_STRIDED("permuted [i]", x234(), tg_index(tg_permute(x, DIMS(2, 0, 1)), IDX(TG_IDX_T(vec(I64(3, 1), 2)))));
    tg_tensor *col = tg_from_i64(I64(1, 0), TG_SHAPE(2, 1));
    CASE_STRIDED("permuted [:, col, i]", x234(), tg_index(tg_permute(x, DIMS(2, 0, 1)), IDX(TG_IDX_ALL, TG_IDX_T(col), TG_IDX_T(vec(I64(1, 2), 2)))));
    CASE_STRIDED("permuted [col, :, i]", x234(), tg_index(tg_permute(x, DIMS(2, 0, 1)), IDX(TG_IDX_T(col), TG_IDX_ALL, TG_IDX_T(vec(I64(1, 2), 2)))));
    CASE_STRIDED("x[expanded index]", x234(), tg_index(x, IDX(TG_IDX_T(tg_expand(col, TG_SHAPE(2, 5))))));
    CASE_STRIDED("x[:, transposed index]", x234(),
                 tg_index(x, IDX(TG_IDX_ALL, TG_IDX_T(tg_t(tg_expand(tg_from_i64(I64(2, 0), TG_SHAPE(2, 1)), TG_SHAPE(2, 3)))))));
    CASE_STRIDED("expanded [:, i]", leaf(tg_from_f32(F32(1, 2, 3), TG_SHAPE(3, 1))),
                 tg_index(tg_expand(x, TG_SHAPE(3, 4)), IDX(TG_IDX_ALL, TG_IDX_T(vec(I64(3, 3, 0), 3)))));
    CASE_STRIDED("sliced f64 [i, i]", leaf64(tg_reshape(tg_arange(0, 24, 1, TG_F32), TG_SHAPE(4, 6))),
                 tg_index(tg_slice(x, 1, 0, 6, 2), IDX(TG_IDX_T(vec(I64(3, 0), 2)), TG_IDX_T(vec(I64(2, 1), 2)))));
    /* zero-size */
    tg_tensor *none = tg_zeros(TG_SHAPE(0), TG_I64);
    CASE_STRIDED("x[empty]", x234(), tg_index(x, IDX(TG_IDX_T(none))));
    CASE_STRIDED("x[:, empty]", x234(), tg_index(x, IDX(TG_IDX_ALL, TG_IDX_T(none))));
    CASE_STRIDED("z[:, i]", leaf(tg_zeros(TG_SHAPE(0, 3), TG_F32)), tg_index(x, IDX(TG_IDX_ALL, TG_IDX_T(vec(I64(2, 2), 2)))));
    CASE_STRIDED("z[empty]", leaf(tg_zeros(TG_SHAPE(0, 3), TG_F32)), tg_index(x, IDX(TG_IDX_T(none))));
}

/* integer and bool tensors, which have no gradients */
static void integers(void)
{
    tg_tensor *a = tg_reshape(tg_arange(0, 12, 1, TG_I64), TG_SHAPE(3, 4));
    ATTEMPT("i64[mask]", tg_index(a, IDX(TG_IDX_T(tg_gt_scalar(a, 6)))));
    ATTEMPT("i64 t()[:, i]", tg_index(tg_t(a), IDX(TG_IDX_ALL, TG_IDX_T(vec(I64(2, 0), 2)))));
    ATTEMPT("bool[i]", tg_index(tg_gt_scalar(a, 4), IDX(TG_IDX_T(vec(I64(1, -1), 2)))));
    ATTEMPT("i64 put accumulate", tg_index_put_(tg_clone(a), IDX(TG_IDX_T(vec(I64(0, 0, 2), 3))),
                                                tg_from_i64(I64(5), TG_SHAPE(1)), true));
    ATTEMPT("i32 put", tg_index_put_(tg_to(a, TG_I32), IDX(TG_IDX_ALL, TG_IDX_T(vec(I64(1), 1))),
                                     tg_to(tg_from_i64(I64(-7), TG_SHAPE()), TG_I32), false));
    ATTEMPT("bool put mask", tg_index_put_(tg_zeros(TG_SHAPE(2, 3), TG_BOOL),
                                           IDX(TG_IDX_T(tg_from_bool(B(true, false, true, false, false, true), TG_SHAPE(2, 3)))),
                                           tg_from_bool(B(true), TG_SHAPE()), false));
}

static void read_errors(void)
{
    tg_tensor *x = tg_reshape(tg_arange(0, 24, 1, TG_F32), TG_SHAPE(2, 3, 4));
    tg_tensor *i = vec(I64(0, 1), 2);
    ATTEMPT("x[[0, 2]]", tg_index(x, IDX(TG_IDX_T(vec(I64(0, 2), 2)))));
    ATTEMPT("x[:, [5]]", tg_index(x, IDX(TG_IDX_ALL, TG_IDX_T(vec(I64(5), 1)))));
    ATTEMPT("x[:, :, [-5]]", tg_index(x, IDX(TG_IDX_ALL, TG_IDX_ALL, TG_IDX_T(vec(I64(-5), 1)))));
    ATTEMPT("x[[0, 1], [0, 3]]", tg_index(x, IDX(TG_IDX_T(i), TG_IDX_T(vec(I64(0, 3), 2)))));
    ATTEMPT("x[0, 0, 0, 0]", tg_index(x, IDX(TG_IDX_INT(0), TG_IDX_INT(0), TG_IDX_INT(0), TG_IDX_INT(0))));
    ATTEMPT("x[float]", tg_index(x, IDX(TG_IDX_T(tg_from_f32(F32(1), TG_SHAPE(1))))));
    ATTEMPT("x[m3]", tg_index(x, IDX(TG_IDX_T(tg_from_bool(B(true, false, true), TG_SHAPE(3))))));
    ATTEMPT("x[:, m2]", tg_index(x, IDX(TG_IDX_ALL, TG_IDX_T(tg_from_bool(B(true, false), TG_SHAPE(2))))));
    ATTEMPT("x[m23, 0:1]", tg_index(x, IDX(TG_IDX_T(tg_ones(TG_SHAPE(2, 3), TG_BOOL)), TG_IDX_SLICE(0, 1, 1))));
    ATTEMPT("x[i, [0, 1, 2]]", tg_index(x, IDX(TG_IDX_T(i), TG_IDX_T(vec(I64(0, 1, 2), 3)))));
    ATTEMPT("x[5]", tg_index(x, IDX(TG_IDX_INT(5))));
    ATTEMPT("x[-3]", tg_index(x, IDX(TG_IDX_INT(-3))));
    ATTEMPT("x[:, 5]", tg_index(x, IDX(TG_IDX_ALL, TG_IDX_INT(5))));
    ATTEMPT("x[None, 0, 5]", tg_index(x, IDX(TG_IDX_NEW, TG_IDX_INT(0), TG_IDX_INT(5))));
    ATTEMPT("x[..., 9]", tg_index(x, IDX(TG_IDX_ELLIPSIS, TG_IDX_INT(9))));
    ATTEMPT("x[:, :, 0-dim 9]", tg_index(x, IDX(TG_IDX_ALL, TG_IDX_ALL, TG_IDX_T(tg_from_i64(I64(9), TG_SHAPE())))));
    ATTEMPT("x[..., ..., i]", tg_index(x, IDX(TG_IDX_ELLIPSIS, TG_IDX_ELLIPSIS, TG_IDX_T(i))));
    ATTEMPT("x[:, ::0]", tg_index(x, IDX(TG_IDX_ALL, TG_IDX_SLICE(0, TG_END, 0))));
    ATTEMPT("x[::-1]", tg_index(x, IDX(TG_IDX_SLICE(0, TG_END, -1))));
    ATTEMPT("z[[0]]", tg_index(tg_zeros(TG_SHAPE(0, 3), TG_F32), IDX(TG_IDX_T(vec(I64(0), 1)))));
    ATTEMPT("s[0]", tg_index(tg_scalar(3), IDX(TG_IDX_INT(0))));
    ATTEMPT("s[None, 0]", tg_index(tg_scalar(3), IDX(TG_IDX_NEW, TG_IDX_INT(0))));
    ATTEMPT("s[[0]]", tg_index(tg_scalar(3), IDX(TG_IDX_T(vec(I64(0), 1)))));
}

/* y = x * 1, written at items; the value, graph and the gradients of x
   and of the values. */
#define PUT(label, VALUES, ITEMS, ACC) do {                                       \
        tg_scope_begin();                                                         \
        tg_tensor *x = x234(), *v = (VALUES);                                     \
        tg_tensor *y = tg_mul_scalar(x, 1);                                       \
        tg_tensor *r = tg_index_put_(y, ITEMS, v, ACC);                           \
        check((label), r, (tg_tensor *[]){x, v}, tg_requires_grad(v) ? 2 : 1);   \
        tg_scope_end();                                                           \
    } while (0)

static tg_tensor *values(double start, const int64_t *shape, int ndim)
{
    tg_tensor *v = tg_arange(start, start + (double)tg_numel(tg_empty(shape, ndim, TG_F32)), 1, TG_F32);
    return leaf(tg_reshape(v, shape, ndim));
}

static void puts_(void)
{
    tg_tensor *i = vec(I64(1, 0), 2), *j = vec(I64(2, 0), 2);
    PUT("y[i] = v", values(100, TG_SHAPE(2, 3, 4)), IDX(TG_IDX_T(i)), false);
    PUT("y[i] = v row", values(100, TG_SHAPE(4)), IDX(TG_IDX_T(i)), false);
    PUT("y[i] = v leading ones", values(100, TG_SHAPE(1, 1, 3, 4)), IDX(TG_IDX_T(i)), false);
    PUT("y[:, j] = v", values(100, TG_SHAPE(2, 2, 4)), IDX(TG_IDX_ALL, TG_IDX_T(j)), false);
    PUT("y[1:, j] = v", values(100, TG_SHAPE(1, 2, 4)), IDX(TG_IDX_SLICE(1, TG_END, 1), TG_IDX_T(j)), false);
    PUT("y[0, j] = v", values(100, TG_SHAPE(2, 4)), IDX(TG_IDX_INT(0), TG_IDX_T(j)), false);
    PUT("y[..., j] = v", values(100, TG_SHAPE(2)), IDX(TG_IDX_ELLIPSIS, TG_IDX_T(j)), false);
    PUT("y[i, :, j] = v", values(100, TG_SHAPE(2, 3)), IDX(TG_IDX_T(i), TG_IDX_ALL, TG_IDX_T(j)), false);
    PUT("y[y > 20] = 0-dim", leaf(tg_scalar(-1)), IDX(TG_IDX_T(mask_gt(x, 20))), false);
    PUT("y[m23] = v", values(100, TG_SHAPE(3, 4)),
        IDX(TG_IDX_T(tg_from_bool(B(true, false, true, false, false, true), TG_SHAPE(2, 3)))), false);
    PUT("y[y > 20] = f64 0-dim", tg_to(tg_scalar(-1), TG_F64), IDX(TG_IDX_T(mask_gt(x, 20))), false);
    PUT("y[0:1] = v", values(100, TG_SHAPE(1, 3, 4)), IDX(TG_IDX_SLICE(0, 1, 1)), false);
    PUT("y[0:2] = row", values(100, TG_SHAPE(1, 4)), IDX(TG_IDX_SLICE(0, 2, 1)), false);
    PUT("y[1] = 0-dim", leaf(tg_scalar(5)), IDX(TG_IDX_INT(1)), false);
    PUT("y[...] = v", values(100, TG_SHAPE(3, 4)), IDX(TG_IDX_ELLIPSIS), false);
    PUT("y[i32] = v", values(100, TG_SHAPE(3, 4)), IDX(TG_IDX_T(tg_from_i32(I32(-1), TG_SHAPE(1)))), false);
    PUT("y[empty] = v", values(100, TG_SHAPE(4)), IDX(TG_IDX_T(tg_zeros(TG_SHAPE(0), TG_I64))), false);
    PUT("y[i] += v repeated", values(100, TG_SHAPE(3, 3, 4)), IDX(TG_IDX_T(vec(I64(1, 0, 1), 3))), true);
    PUT("y[i, j] += v repeated", values(100, TG_SHAPE(4, 4)),
        IDX(TG_IDX_T(vec(I64(1, 1, 0, 1), 4)), TG_IDX_T(vec(I64(2, 2, 0, 2), 4))), true);
    PUT("y[mask] += 0-dim", leaf(tg_scalar(0.5)), IDX(TG_IDX_T(mask_gt(x, 20))), true);
}

static void out_of_place(void)
{
    tg_tensor *i = vec(I64(1, 0), 2), *j = vec(I64(2, 0), 2);
    tg_scope_begin();
    tg_tensor *x = x234(), *v = values(100, TG_SHAPE(2, 3, 4));
    check("index_put(x, i, v)", tg_index_put(x, IDX(TG_IDX_T(i)), v, false), (tg_tensor *[]){x, v}, 2);
    x = x234(), v = values(100, TG_SHAPE(4));
    check("index_put(x, (i, j), v, True)", tg_index_put(x, IDX(TG_IDX_T(i), TG_IDX_T(j)), v, true), (tg_tensor *[]){x, v}, 2);
    x = x234(), v = values(100, TG_SHAPE(2, 2, 4));
    check("clone()[:, j] = v", tg_index_put(x, IDX(TG_IDX_ALL, TG_IDX_T(j)), v, false), (tg_tensor *[]){x, v}, 2);
    tg_tensor *z = tg_zeros(TG_SHAPE(3, 4), TG_F32);
    v = values(100, TG_SHAPE(2, 4));
    check("zeros[i] = v", tg_index_put_(z, IDX(TG_IDX_T(i)), v, false), &v, 1);
    x = leaf64(tg_reshape(tg_arange(0, 12, 1, TG_F32), TG_SHAPE(3, 4)));
    v = leaf64(tg_from_f32(F32(1, 2, 3, 4, 5, 6), TG_SHAPE(3, 2)));
    tg_tensor *r = tg_index_put(tg_t(x), IDX(TG_IDX_T(vec(I64(3, 1), 2))), tg_t(v), false);
    if (r) {
        printf("index_put(x.t() f64) stride: ");
        print_strides(r);
        printf("\n");
    }
    check("index_put(x.t() f64)", r, (tg_tensor *[]){x, v}, 2);
    tg_scope_end();
}

static void put_errors(void)
{
    tg_tensor *i = vec(I64(0, 2), 2);
    ATTEMPT("dtype", tg_index_put_(tg_zeros(TG_SHAPE(3), TG_F32), IDX(TG_IDX_T(i)), tg_ones(TG_SHAPE(2), TG_F64), false));
    ATTEMPT("long dtype", tg_index_put_(tg_zeros(TG_SHAPE(3), TG_I64), IDX(TG_IDX_T(i)), tg_scalar(7), false));
    ATTEMPT("mask value dtype", tg_index_put_(tg_zeros(TG_SHAPE(2, 3), TG_F32), IDX(TG_IDX_T(tg_from_bool(B(true, false), TG_SHAPE(2)))),
                                              tg_to(tg_scalar(7), TG_I64), false));
    ATTEMPT("shape", tg_index_put_(tg_zeros(TG_SHAPE(3), TG_F32), IDX(TG_IDX_T(i)), tg_ones(TG_SHAPE(3), TG_F32), false));
    ATTEMPT("shape 2d", tg_index_put_(tg_zeros(TG_SHAPE(3, 4), TG_F32), IDX(TG_IDX_T(i)), tg_ones(TG_SHAPE(3, 4), TG_F32), false));
    ATTEMPT("mask shape", tg_index_put_(tg_zeros(TG_SHAPE(2, 3), TG_F32), IDX(TG_IDX_T(tg_from_bool(B(true, false, true), TG_SHAPE(3)))),
                                        tg_scalar(1), false));
    ATTEMPT("mask values", tg_index_put_(tg_zeros(TG_SHAPE(2, 3), TG_F32), IDX(TG_IDX_T(tg_from_bool(B(true, false), TG_SHAPE(2)))),
                                         tg_from_f32(F32(1, 2), TG_SHAPE(2)), false));
    ATTEMPT("out of bounds", tg_index_put_(tg_zeros(TG_SHAPE(3), TG_F32), IDX(TG_IDX_T(vec(I64(5), 1))), tg_ones(TG_SHAPE(1), TG_F32), false));
    ATTEMPT("copy shape", tg_index_put_(tg_zeros(TG_SHAPE(3, 4), TG_F32), IDX(TG_IDX_SLICE(0, 2, 1)), tg_ones(TG_SHAPE(3), TG_F32), false));
    ATTEMPT("index shape", tg_index_put_(tg_zeros(TG_SHAPE(3, 4), TG_F32), IDX(TG_IDX_SLICE(0, 2, 1), TG_IDX_T(vec(I64(0), 1))),
                                         tg_ones(TG_SHAPE(3), TG_F32), false));
    tg_tensor *a = tg_zeros(TG_SHAPE(2, 3), TG_F32);
    ATTEMPT("values overlap", tg_index_put_(a, IDX(TG_IDX_T(vec(I64(1), 1))), tg_select(a, 0, 0), false));
    tg_tensor *b = tg_zeros(TG_SHAPE(2), TG_I64);
    ATTEMPT("index overlap", tg_index_put_(b, IDX(TG_IDX_T(b)), tg_from_i64(I64(1), TG_SHAPE()), false));
    tg_tensor *l = leaf(tg_zeros(TG_SHAPE(3), TG_F32));
    ATTEMPT("leaf", tg_index_put_(l, IDX(TG_IDX_T(i)), tg_ones(TG_SHAPE(2), TG_F32), false));
    ATTEMPT("view of leaf", tg_index_put_(l, IDX(TG_IDX_SLICE(0, 3, 1), TG_IDX_T(i)), tg_ones(TG_SHAPE(2), TG_F32), false));

    /* a tensor saved for backward, then written */
    tg_scope_begin();
    tg_tensor *x = leaf(tg_from_f32(F32(0.5, 1, 2), TG_SHAPE(3)));
    tg_tensor *y = tg_mul_scalar(x, 1), *z = tg_sin(y);
    tg_index_put_(y, IDX(TG_IDX_T(i)), tg_ones(TG_SHAPE(2), TG_F32), false);
    graph("saved then put", y);
    if (tg_backward(tg_sum(z), NULL)) printf("saved then put backward error: %s\n", tg_last_error());
    /* the index tensor saved by index, then changed */
    tg_tensor *k = vec(I64(0, 1), 2);
    tg_tensor *w = tg_index(tg_mul_scalar(x, 2), IDX(TG_IDX_T(k)));
    tg_add_scalar_(k, 1);
    if (tg_backward(tg_sum(w), NULL)) printf("index changed backward error: %s\n", tg_last_error());
    /* a view of y written through a put: CopySlices, and its version error */
    y = tg_mul_scalar(leaf(tg_from_f32(F32(0.5, 1, 2, 3, 4, 5), TG_SHAPE(2, 3))), 1);
    tg_tensor *e = tg_sin(tg_select(y, 0, 1));
    tg_index_put_(y, IDX(TG_IDX_SLICE(0, 2, 1), TG_IDX_T(vec(I64(0), 1))), tg_scalar(9), false);
    graph("slice then put", y);
    if (tg_backward(tg_sum(e), NULL)) printf("slice then put backward error: %s\n", tg_last_error());
    tg_scope_end();
}

int main(void)
{
    reads();
    masks();
    layouts();
    integers();
    read_errors();
    puts_();
    out_of_place();
    put_errors();
    return 0;
}
