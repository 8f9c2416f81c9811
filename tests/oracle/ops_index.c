/* index_select, gather, scatter, scatter_add, index_add (and the in-place
   twins), take_along_dim: values, strides, graphs and gradients on
   contiguous, transposed, expanded and empty inputs, f64, integer and bool
   tensors, repeated indices, second derivatives, and the errors of bad
   indices. Prints what ops_index.py prints with PyTorch. */
#include <tensorgrad.h>

#include <stdio.h>

#include "oracle.h"


/* tg_backward of sum(y): "ok", or its error. */
static void sum_backward(const char *label, tg_tensor *y)
{
    if (tg_backward(tg_sum(y), NULL) == 0) printf("%s: ok\n", label);
    else printf("%s: %s\n", label, tg_last_error());
}

/* (3, 4) leaf with values 0, 0.25, ..., 2.75; (2, 4) leaf 1, 2, ..., 8. */
static tg_tensor *m(void) { return leaf(tg_reshape(tg_div_scalar(tg_arange(0, 12, 1, TG_F32), 4), TG_SHAPE(3, 4))); }
static tg_tensor *src(void) { return leaf(tg_reshape(tg_arange(1, 9, 1, TG_F32), TG_SHAPE(2, 4))); }
static tg_tensor *m64(void) { return leaf(tg_to(tg_reshape(tg_div_scalar(tg_arange(0, 12, 1, TG_F32), 4), TG_SHAPE(3, 4)), TG_F64)); }
static tg_tensor *src64(void) { return leaf(tg_to(tg_reshape(tg_arange(1, 9, 1, TG_F32), TG_SHAPE(2, 4)), TG_F64)); }
static tg_tensor *row3(void) { return leaf(tg_from_f32(F32(1.0, 2.0, 3.0), TG_SHAPE(1, 3))); }
static tg_tensor *vec(const float *v, int64_t n) { return leaf(tg_from_f32(v, &n, 1)); }
static tg_tensor *num(double v) { return leaf(tg_scalar(v)); }
static tg_tensor *tt(const tg_tensor *x) { return tg_t(x); }

/* Index tensors: I(n, values...) a vector, I2(rows, cols, values...) a matrix. */
#define I(n, ...) tg_from_i64(I64(__VA_ARGS__), TG_SHAPE(n))
#define I2(r, c, ...) tg_from_i64(I64(__VA_ARGS__), TG_SHAPE(r, c))
static tg_tensor *i32(const tg_tensor *t) { return tg_to(t, TG_I32); }
static tg_tensor *i0(int64_t v) { return tg_from_i64(&v, NULL, 0); }
static tg_tensor *empty_index(const int64_t *shape, int ndim) { return tg_zeros(shape, ndim, TG_I64); }
static tg_tensor *zeros23(void) { return tg_zeros(TG_SHAPE(2, 3), TG_F32); }
static tg_tensor *ones(const int64_t *shape, int ndim) { return tg_ones(shape, ndim, TG_F32); }
/* columns [start, end) of a matrix */
static tg_tensor *cols(const tg_tensor *t, int64_t start, int64_t end, int64_t step) { return tg_slice(t, 1, start, end, step); }
static tg_tensor *rows(const tg_tensor *t, int64_t start, int64_t end) { return tg_slice(t, 0, start, end, 1); }

#define CASE2(label, LEAF_A, LEAF_B, EXPR) do {       \
        tg_scope_begin();                             \
        tg_tensor *x = (LEAF_A);                      \
        tg_tensor *s = (LEAF_B);                      \
        check_strided((label), (EXPR), (tg_tensor *[]){x, s}, 2); \
        tg_scope_end();                               \
    } while (0)

static void index_select_tests(void)
{
    CASE_STRIDED("index_select 0", m(), tg_index_select(x, 0, I(3, 2, 0, 2)));
    CASE_STRIDED("index_select 1", m(), tg_index_select(x, 1, I(2, 3, 1)));
    CASE_STRIDED("index_select -1 int32", m(), tg_index_select(x, -1, i32(I(3, 0, 0, 3))));
    CASE_STRIDED("index_select transposed", m(), tg_index_select(tt(x), 1, I(2, 1, 2)));
    CASE_STRIDED("index_select expanded", row3(), tg_index_select(tg_expand(x, TG_SHAPE(4, 3)), 0, I(2, 3, 1)));
    CASE_STRIDED("index_select empty index", m(), tg_index_select(x, 0, empty_index(TG_SHAPE(0))));
    CASE_STRIDED("index_select 0-dim index", m(), tg_index_select(x, 1, i0(2)));
    CASE_STRIDED("index_select 1-d", vec(F32(1.0, 2.0, 3.0), 3), tg_index_select(x, 0, I(4, 2, 2, 0, 1)));
    CASE_STRIDED("index_select 0-dim", num(1.5), tg_index_select(x, 0, I(1, 0)));
    CASE_STRIDED("index_select f64", m64(), tg_index_select(x, 0, I(1, 1)));
    CASE_STRIDED("index_select sliced index", m(), tg_index_select(x, 1, tg_slice(I(5, 3, 9, 0, 9, 2), 0, 0, 5, 2)));
    ATTEMPT("index_select int64", tg_index_select(tg_reshape(tg_arange(0, 6, 1, TG_I64), TG_SHAPE(2, 3)), 1, I(2, 2, 0)));
    ATTEMPT("index_select bool", tg_index_select(tg_from_bool((const bool[]){true, false}, TG_SHAPE(2)), 0, I(3, 1, 1, 0)));
    ATTEMPT("index_select empty self", tg_index_select(tg_zeros(TG_SHAPE(2, 0), TG_F32), 0, I(1, 1)));
    static const int64_t oob[][2] = {{0, 3}, {0, -1}, {1, 4}, {1, -1}, {2, 9}};
    for (int k = 0; k < 5; k++) {
        char label[64];
        snprintf(label, sizeof label, "index_select 3-d %lld %lld", (long long)oob[k][0], (long long)oob[k][1]);
        ATTEMPT(label, tg_index_select(tg_zeros(TG_SHAPE(3, 4, 5), TG_F32), oob[k][0], I(1, oob[k][1])));
    }
    ATTEMPT("index_select 1-d out of range", tg_index_select(tg_zeros(TG_SHAPE(3), TG_F32), 0, I(1, 3)));
    ATTEMPT("index_select 0-dim out of range", tg_index_select(tg_scalar(1.0), 0, I(1, 1)));
    ATTEMPT("index_select empty self oob", tg_index_select(tg_zeros(TG_SHAPE(2, 0), TG_F32), 0, I(1, 2)));
    ATTEMPT("index_select empty axis", tg_index_select(tg_zeros(TG_SHAPE(0, 3), TG_F32), 0, I(1, 0)));
    ATTEMPT("index_select float index", tg_index_select(tg_zeros(TG_SHAPE(3), TG_F32), 0, tg_from_f32(F32(0.0), TG_SHAPE(1))));
    ATTEMPT("index_select 2-d index", tg_index_select(tg_zeros(TG_SHAPE(3), TG_F32), 0, I2(1, 1, 0)));
    ATTEMPT("index_select bad dim", tg_index_select(tg_zeros(TG_SHAPE(3), TG_F32), 2, I(1, 0)));
}

static void gather_tests(void)
{
    CASE_STRIDED("gather 1", m(), tg_gather(x, 1, I2(3, 3, 0, 3, 0, 1, 1, 1, 2, 0, 3)));
    CASE_STRIDED("gather 0", m(), tg_gather(x, 0, I2(2, 4, 2, 0, 1, 2, 2, 2, 2, 2)));
    CASE_STRIDED("gather small index", m(), tg_gather(x, -1, I2(2, 1, 3, 0)));
    CASE_STRIDED("gather transposed", m(), tg_gather(tt(x), 0, I2(2, 3, 0, 2, 1, 2, 2, 0)));
    CASE_STRIDED("gather transposed index", m(), tg_gather(x, 1, tt(I2(2, 2, 0, 3, 1, 2))));
    CASE_STRIDED("gather expanded", row3(), tg_gather(tg_expand(x, TG_SHAPE(3, 3)), 0, I2(2, 3, 2, 1, 0, 0, 0, 0)));
    CASE_STRIDED("gather expanded index", m(), tg_gather(x, 1, tg_expand(I2(3, 1, 1, 3, 2), TG_SHAPE(3, 5))));
    CASE_STRIDED("gather empty index", m(), tg_gather(x, 1, empty_index(TG_SHAPE(0, 2))));
    CASE_STRIDED("gather 0-dim", num(2.5), tg_gather(x, 0, i0(0)));
    CASE_STRIDED("gather 0-dim to 1-d", num(2.5), tg_gather(x, 0, I(2, 0, 0)));
    CASE_STRIDED("gather f64", m64(), tg_gather(x, 1, I2(3, 1, 2, 1, 0)));
    ATTEMPT("gather int64", tg_gather(tg_reshape(tg_arange(0, 6, 1, TG_I64), TG_SHAPE(2, 3)), 1, I2(2, 2, 2, 2, 0, 1)));
    ATTEMPT("gather bool", tg_gather(tg_from_bool((const bool[]){true, false}, TG_SHAPE(2)), 0, I(3, 1, 1, 0)));
    ATTEMPT("gather empty float index", tg_gather(zeros23(), 1, tg_zeros(TG_SHAPE(0), TG_F32)));
    ATTEMPT("gather out of range", tg_gather(zeros23(), 1, I2(1, 1, 5)));
    ATTEMPT("gather negative", tg_gather(zeros23(), 0, I2(2, 1, 0, -1)));
    ATTEMPT("gather int32", tg_gather(zeros23(), 1, i32(I2(1, 1, 1))));
    ATTEMPT("gather float index", tg_gather(zeros23(), 1, tg_from_f32(F32(1.0), TG_SHAPE(1, 1))));
    ATTEMPT("gather ndim", tg_gather(zeros23(), 1, I(1, 1)));
    ATTEMPT("gather size", tg_gather(zeros23(), 1, I2(3, 1, 1, 1, 1)));
    ATTEMPT("gather bad dim", tg_gather(zeros23(), -3, I2(1, 1, 1)));
    ATTEMPT("gather 0-dim out of range", tg_gather(tg_scalar(1.0), 0, I(1, 1)));
}

static void scatter_tests(void)
{
    CASE2("scatter 0", m(), src(), tg_scatter(x, 0, I2(2, 4, 2, 0, 1, 2, 1, 2, 0, 0), s));
    CASE2("scatter 1", m(), src(), tg_scatter(x, 1, I2(2, 2, 3, 0, 1, 2), cols(s, 0, 2, 1)));
    CASE2("scatter_add 0 repeated", m(), src(), tg_scatter_add(x, 0, I2(2, 4, 2, 2, 2, 0, 2, 2, 0, 0), s));
    CASE2("scatter_add 1 repeated", m(), src(), tg_scatter_add(x, 1, I2(2, 3, 3, 3, 3, 0, 3, 0), cols(s, 1, 4, 1)));
    CASE2("scatter transposed", m(), src(), tg_scatter(tt(x), 1, I2(2, 2, 2, 0, 1, 2), cols(s, 0, 4, 2)));
    CASE2("scatter_add transposed src", m(), src(), tg_scatter_add(x, 0, I2(2, 2, 0, 2, 1, 1), rows(tt(s), 0, 2)));
    CASE2("scatter_add expanded src", m(), leaf(tg_from_f32(F32(1.0, 2.0), TG_SHAPE(1, 2))),
          tg_scatter_add(x, 1, I2(3, 2, 0, 0, 3, 2, 1, 1), tg_expand(s, TG_SHAPE(3, 2))));
    CASE2("scatter expanded self", row3(), src(), tg_scatter(tg_expand(x, TG_SHAPE(2, 3)), 1, I2(2, 1, 2, 0), cols(s, 3, 4, 1)));
    CASE2("scatter empty index", m(), src(), tg_scatter(x, 0, empty_index(TG_SHAPE(0, 4)), s));
    CASE2("scatter 0-dim", num(1.0), num(4.0), tg_scatter(x, 0, i0(0), s));
    CASE2("scatter_add f64", m64(), src64(), tg_scatter_add(x, 1, I2(1, 4, 1, 1, 1, 1), rows(s, 0, 1)));
    CASE_STRIDED("scatter constant src", m(), tg_scatter(x, 1, I2(2, 1, 1, 2), tg_full(TG_SHAPE(3, 3), 9.0, TG_F32)));
    CASE_STRIDED("scatter_add into constant", src(),
         tg_scatter_add(tg_zeros(TG_SHAPE(3, 4), TG_F32), 0, I2(2, 4, 1, 1, 1, 1, 1, 0, 2, 1), x));
    ATTEMPT("scatter int64", tg_scatter_add(tg_zeros(TG_SHAPE(2, 3), TG_I64), 1, I2(1, 2, 1, 1), I2(1, 2, 5, 7)));
    ATTEMPT("scatter bool", tg_scatter(tg_from_bool((const bool[]){true, false, false}, TG_SHAPE(3)), 0, I(1, 2),
                                       tg_from_bool((const bool[]){true}, TG_SHAPE(1))));
    ATTEMPT("scatter out of range", tg_scatter(zeros23(), 1, I2(1, 1, 5), ones(TG_SHAPE(2, 1))));
    ATTEMPT("scatter_add negative", tg_scatter_add(zeros23(), 0, I2(1, 1, -1), ones(TG_SHAPE(2, 1))));
    ATTEMPT("scatter dtype", tg_scatter(zeros23(), 1, I2(1, 1, 0), tg_ones(TG_SHAPE(2, 1), TG_F64)));
    ATTEMPT("scatter_add int32", tg_scatter_add(zeros23(), 1, i32(I2(1, 1, 0)), ones(TG_SHAPE(2, 1))));
    ATTEMPT("scatter size", tg_scatter(zeros23(), 1, I2(1, 4, 0, 0, 0, 0), ones(TG_SHAPE(2, 1))));
    ATTEMPT("scatter size self", tg_scatter(zeros23(), 0, I2(3, 1, 0, 0, 0), ones(TG_SHAPE(4, 4))));
    ATTEMPT("scatter ndim", tg_scatter(zeros23(), 1, I(1, 0), ones(TG_SHAPE(2, 1))));
    ATTEMPT("scatter empty int32", tg_scatter(zeros23(), 1, tg_zeros(TG_SHAPE(0), TG_I32), ones(TG_SHAPE(2))));
}

static void index_add_tests(void)
{
    CASE2("index_add 0 repeated", m(), src(), tg_index_add(x, 0, I(2, 2, 2), s, 1));
    CASE2("index_add 1 alpha", m(), leaf(tg_reshape(tg_arange(1, 7, 1, TG_F32), TG_SHAPE(3, 2))),
          tg_index_add(x, 1, I(2, 3, 0), s, 2.5));
    CASE2("index_add int32", m(), src(), tg_index_add(x, 0, i32(I(2, 0, 1)), s, 1));
    CASE2("index_add transposed", m(), src(), tg_index_add(tt(x), 1, I(2, 1, 1), tt(s), 1));
    CASE2("index_add broadcast slice", m(), leaf(tg_from_f32(F32(1.0, 2.0), TG_SHAPE(1, 2))), tg_index_add(x, 1, I(2, 0, 3), s, 1));
    CASE2("index_add 1-d", leaf(tg_zeros(TG_SHAPE(4), TG_F32)), vec(F32(1.0, 2.0, 3.0), 3), tg_index_add(x, 0, I(3, 3, 0, 3), s, 1));
    CASE2("index_add 0-dim source", leaf(tg_zeros(TG_SHAPE(3), TG_F32)), num(5.0), tg_index_add(x, 0, I(1, 1), s, 1));
    CASE2("index_add empty", m(), leaf(tg_zeros(TG_SHAPE(3, 0), TG_F32)), tg_index_add(x, 1, empty_index(TG_SHAPE(0)), s, 1));
    CASE_STRIDED("index_add constant source", m(), tg_index_add(x, 0, I(1, 1), ones(TG_SHAPE(1, 4)), 1));
    ATTEMPT("index_add int64 alpha", tg_index_add(tg_zeros(TG_SHAPE(3), TG_I64), 0, I(2, 1, 1), I(2, 1, 2), 2.5));
    ATTEMPT("index_add bool", tg_index_add(tg_zeros(TG_SHAPE(3), TG_BOOL), 0, I(1, 1), tg_from_bool((const bool[]){true}, TG_SHAPE(1)), 1));
    ATTEMPT("index_add out of range", tg_index_add(zeros23(), 1, I(1, 5), ones(TG_SHAPE(2, 1)), 1));
    ATTEMPT("index_add negative", tg_index_add(tg_zeros(TG_SHAPE(3), TG_F32), 0, I(1, -1), ones(TG_SHAPE(1)), 1));
    ATTEMPT("index_add count", tg_index_add(zeros23(), 1, I(1, 1), ones(TG_SHAPE(2, 2)), 1));
    ATTEMPT("index_add dtype", tg_index_add(zeros23(), 1, I(1, 1), tg_ones(TG_SHAPE(2, 1), TG_F64), 1));
    ATTEMPT("index_add float index", tg_index_add(zeros23(), 1, tg_from_f32(F32(0.0), TG_SHAPE(1)), ones(TG_SHAPE(2, 1)), 1));
    ATTEMPT("index_add 2-d index", tg_index_add(zeros23(), 1, tg_from_f32(F32(0.0), TG_SHAPE(1, 1)), ones(TG_SHAPE(2, 1)), 1));
    ATTEMPT("index_add source dim", tg_index_add(zeros23(), 1, I(1, 0), ones(TG_SHAPE(2)), 1));
    ATTEMPT("index_add slice", tg_index_add(zeros23(), 1, I(1, 0), ones(TG_SHAPE(3, 1)), 1));
    ATTEMPT("index_add 1-d source dim", tg_index_add(tg_zeros(TG_SHAPE(3), TG_F32), 0, I(1, 0), ones(TG_SHAPE(1, 1)), 1));
}

static void take_along_dim_tests(void)
{
    CASE_STRIDED("take_along_dim 1", m(), tg_take_along_dim(x, I2(3, 1, 0, 3, 1), 1));
    CASE_STRIDED("take_along_dim broadcast", m(), tg_take_along_dim(x, I2(1, 4, 2, 0, 1, 1), 0));
    CASE_STRIDED("take_along_dim broadcast self", row3(), tg_take_along_dim(x, I2(2, 1, 0, 2), 1));
    ATTEMPT("take_along_dim ndim", tg_take_along_dim(zeros23(), tg_from_i64(I64(0), TG_SHAPE(1, 1, 1)), 1));
    ATTEMPT("take_along_dim int32", tg_take_along_dim(zeros23(), i32(I2(1, 1, 0)), 1));
    ATTEMPT("take_along_dim out of range", tg_take_along_dim(zeros23(), I2(1, 1, 3), 1));
    ATTEMPT("take_along_dim shapes", tg_take_along_dim(zeros23(), I2(1, 2, 0, 1), 0));
    ATTEMPT("take_along_dim 0-dim", tg_take_along_dim(tg_scalar(1.0), i0(0), -1));
    ATTEMPT("take_along_dim bad dim", tg_take_along_dim(zeros23(), I2(1, 1, 0), 2));
}

static void second(const char *label, int which);

static tg_tensor *mask(const bool *v, const int64_t *shape, int ndim) { return tg_from_bool(v, shape, ndim); }
#define B(n, ...) mask((const bool[]){__VA_ARGS__}, TG_SHAPE(n))

static void masked_select_tests(void)
{
    CASE_STRIDED("masked_select", m(), tg_masked_select(x, mask((const bool[]){false, false, false, false, false, true, true, true, true, true, true, true},
                                                         TG_SHAPE(3, 4))));
    CASE_STRIDED("masked_select broadcast mask", m(), tg_masked_select(x, B(4, true, false, false, true)));
    CASE_STRIDED("masked_select broadcast self", vec(F32(1.0, 2.0, 3.0), 3),
         tg_masked_select(x, mask((const bool[]){true, true, true, false, true, false}, TG_SHAPE(2, 3))));
    CASE_STRIDED("masked_select transposed", m(), tg_masked_select(tt(x), tt(mask((const bool[]){true, false, true, true}, TG_SHAPE(1, 4)))));
    CASE_STRIDED("masked_select permuted", leaf(tg_reshape(tg_div_scalar(tg_arange(0, 24, 1, TG_F32), 2), TG_SHAPE(2, 3, 4))),
         tg_masked_select(tg_permute(x, DIMS(2, 0, 1)), B(3, true, false, true)));
    CASE_STRIDED("masked_select expanded", leaf(tg_from_f32(F32(1.0, 2.0), TG_SHAPE(1, 2))),
         tg_masked_select(tg_expand(x, TG_SHAPE(3, 2)), mask((const bool[]){true, false, true, true, false, true}, TG_SHAPE(3, 2))));
    CASE_STRIDED("masked_select none", m(), tg_masked_select(x, tg_zeros(TG_SHAPE(3, 4), TG_BOOL)));
    CASE_STRIDED("masked_select 0-dim", num(2.0), tg_masked_select(x, mask((const bool[]){true}, NULL, 0)));
    CASE_STRIDED("masked_select f64", m64(), tg_masked_select(x, B(4, false, true, true, false)));
    ATTEMPT("masked_select int64", tg_masked_select(tg_reshape(tg_arange(0, 6, 1, TG_I64), TG_SHAPE(2, 3)), B(3, true, false, true)));
    ATTEMPT("masked_select bool", tg_masked_select(B(3, true, false, true), B(3, false, true, true)));
    ATTEMPT("masked_select empty", tg_masked_select(tg_zeros(TG_SHAPE(0, 3), TG_F32), B(3, true, false, true)));
    ATTEMPT("masked_select int mask", tg_masked_select(zeros23(), I(3, 1, 0, 1)));
    ATTEMPT("masked_select shape", tg_masked_select(zeros23(), B(2, true, false)));
    second("masked_select second", 6);
    tg_scope_begin();
    tg_tensor *x = m(), *mk = B(4, true, false, true, false);
    tg_tensor *y = tg_masked_select(x, mk);
    tg_fill_(tg_select(mk, 0, 1), 1);
    sum_backward("masked_select saved mask", y);
    tg_scope_end();
}

/* An in-place operation on y = x * 1 (or a view of it), then y checked. */
static void inplace(const char *label, int which)
{
    tg_scope_begin();
    tg_tensor *x = m();
    tg_tensor *y = tg_mul_scalar(x, 1);
    tg_tensor *r = NULL;
    switch (which) {
    case 0: r = tg_scatter_(y, 1, I2(2, 2, 3, 0, 1, 2), tg_full(TG_SHAPE(2, 2), 7.0, TG_F32)); break;
    case 1: r = tg_scatter_add_(y, 0, I2(1, 4, 2, 2, 2, 2), ones(TG_SHAPE(1, 4))); break;
    case 2: r = tg_index_add_(y, 1, I(2, 1, 1), ones(TG_SHAPE(3, 2)), -2); break;
    case 3: r = tg_scatter_(tg_select(y, 0, 1), 0, I(2, 0, 3), tg_from_f32(F32(5.0, 6.0), TG_SHAPE(2))); break;
    case 4: r = tg_index_add_(tg_slice(tt(y), 0, 2, 4, 1), 1, I(2, 2, 0), ones(TG_SHAPE(2, 2)), 1); break;
    }
    printf("%s same: %s version: %llu\n", label, r == y ? "True" : "False", (unsigned long long)tg_version(y));
    check(label, y, &x, 1);
    tg_scope_end();
}

static void with_src(const char *label, int which)
{
    tg_scope_begin();
    tg_tensor *x = m(), *s = src();
    tg_tensor *y = tg_mul_scalar(x, 1);
    switch (which) {
    case 0: tg_scatter_(y, 0, I2(1, 4, 2, 0, 1, 2), rows(s, 0, 1)); break;
    case 1: tg_scatter_add_(y, 1, I2(2, 2, 1, 1, 0, 0), cols(s, 2, 4, 1)); break;
    case 2: tg_index_add_(y, 0, I(2, 0, 0), s, 3); break;
    }
    check(label, y, (tg_tensor *[]){x, s}, 2);
    tg_scope_end();
}

static void inplace_tests(void)
{
    inplace("scatter_", 0);
    inplace("scatter_add_", 1);
    inplace("index_add_", 2);
    inplace("scatter_ on a view", 3);
    inplace("index_add_ on a view", 4);
    with_src("scatter_ src grad", 0);
    with_src("scatter_add_ src grad", 1);
    with_src("index_add_ src grad", 2);
    tg_scope_begin();
    tg_tensor *c = zeros23();
    tg_scatter_add_(c, 1, I2(2, 2, 2, 2, 0, 1), ones(TG_SHAPE(2, 2)));
    show("scatter_add_ constant", c);
    ATTEMPT("scatter_ leaf", tg_scatter_(leaf(tg_zeros(TG_SHAPE(3, 4), TG_F32)), 1, I2(1, 1, 0), ones(TG_SHAPE(1, 1))));
    ATTEMPT("index_add_ leaf", tg_index_add_(leaf(tg_zeros(TG_SHAPE(3, 4), TG_F32)), 1, I(1, 0), ones(TG_SHAPE(3, 1)), 1));
    ATTEMPT("scatter_ expanded", tg_scatter_(tg_expand(tg_zeros(TG_SHAPE(1, 3), TG_F32), TG_SHAPE(2, 3)), 1, I2(1, 1, 0), ones(TG_SHAPE(2, 1))));
    ATTEMPT("scatter_add_ expanded", tg_scatter_add_(tg_expand(tg_zeros(TG_SHAPE(1, 3), TG_F32), TG_SHAPE(2, 3)), 1, I2(1, 1, 0), ones(TG_SHAPE(2, 1))));
    ATTEMPT("index_add_ expanded", tg_index_add_(tg_expand(tg_zeros(TG_SHAPE(1, 3), TG_F32), TG_SHAPE(2, 3)), 1, I(1, 0), ones(TG_SHAPE(2, 1)), 1));
    tg_tensor *f = tg_reshape(tg_arange(0, 6, 1, TG_F32), TG_SHAPE(2, 3));
    ATTEMPT("scatter_ out of range", tg_scatter_(f, 1, I2(2, 2, 0, 1, 2, 3), ones(TG_SHAPE(2, 2))));
    ATTEMPT("index_add_ out of range", tg_index_add_(f, 1, I(2, 0, 3), ones(TG_SHAPE(2, 2)), 1));
    show("unchanged", f);
    tg_tensor *g = tg_reshape(tg_arange(0, 6, 1, TG_F32), TG_SHAPE(2, 3));
    ATTEMPT("scatter_ of itself", tg_scatter_(g, 1, I2(1, 3, 2, 1, 0), g));
    ATTEMPT("scatter_add_ of itself transposed", tg_scatter_add_(tt(g), 1, I2(1, 1, 1), tt(g)));
    ATTEMPT("index_add_ of part of itself", tg_index_add_(g, 0, I(1, 1), rows(g, 1, 2), 1));
    ATTEMPT("scatter_ of a disjoint part", tg_scatter_(rows(g, 0, 1), 1, I2(1, 3, 2, 1, 0), rows(g, 1, 2)));
    tg_tensor *x = leaf(tg_ones(TG_SHAPE(3, 2), TG_F32)), *i = I(2, 0, 0);
    tg_tensor *y = tg_index_add(x, 1, i, tg_mul_scalar(leaf(tg_ones(TG_SHAPE(3, 2), TG_F32)), 1), 1);
    tg_add_scalar_(i, 1);
    sum_backward("index_add saved index", y);
    x = leaf(tg_ones(TG_SHAPE(3, 2), TG_F32));
    i = I(2, 0, 0);
    y = tg_index_add(x, 1, i, tg_ones(TG_SHAPE(3, 2), TG_F32), 1);
    tg_add_scalar_(i, 1);
    tg_backward(tg_sum(y), NULL);
    show("index_add index unsaved", tg_grad(x));
    tg_scope_end();
}

/* d(sum(f(x)^2))/dx with create_graph, its graph, and the gradient of its sum. */
static void second(const char *label, int which)
{
    tg_scope_begin();
    tg_tensor *x = m(), *y = NULL;
    switch (which) {
    case 0: y = tg_index_select(x, 1, I(3, 2, 2, 0)); break;
    case 1: y = tg_gather(x, 0, I2(1, 4, 2, 0, 2, 1)); break;
    case 2: y = tg_scatter(x, 1, I2(3, 1, 0, 3, 1), ones(TG_SHAPE(3, 1))); break;
    case 3: y = tg_scatter_add(tg_zeros(TG_SHAPE(2, 4), TG_F32), 0, tg_from_i64(I64(1, 1, 0, 1, 0, 0, 0, 1, 1, 1, 1, 1), TG_SHAPE(3, 4)), x); break;
    case 4: y = tg_index_add(ones(TG_SHAPE(3, 2)), 1, I(4, 0, 0, 1, 0), x, 1); break;
    case 5: y = tg_scatter(x, 0, I2(1, 4, 1, 0, 2, 1), rows(tg_mul_scalar(x, 2), 0, 1)); break;
    case 6: y = tg_masked_select(x, B(4, true, false, true, true)); break;
    }
    tg_tensor *g = NULL;
    char buf[96];
    tg_backward_opts create = {.retain_graph = true, .create_graph = true};
    tg_tensor *loss = tg_sum(tg_mul(y, y));
    if (tg_autograd_grad(&loss, 1, &x, 1, NULL, create, &g) != 0) {
        printf("%s error: %s\n", label, tg_last_error());
        tg_scope_end();
        return;
    }
    snprintf(buf, sizeof buf, "%s d1", label);
    show(buf, g);
    graph(buf, g);
    tg_backward(tg_sum(g), NULL);
    snprintf(buf, sizeof buf, "%s d2", label);
    show(buf, tg_grad(x));
    tg_scope_end();
}

static void saved_tests(void)
{
    static const char *labels[] = {"index_select second", "gather second", "scatter second", "scatter_add second",
                                   "index_add second", "scatter self second"};
    for (int k = 0; k < 6; k++) second(labels[k], k);
    tg_scope_begin();
    tg_tensor *x = m();
    tg_gather(tg_mul_scalar(x, 1), 1, I2(1, 1, 0));
    tg_tensor *x2 = tg_mul_scalar(x, 2);
    tg_tensor *z = tg_gather(x2, 1, I2(2, 1, 1, 0));
    tg_add_scalar_(x2, 1);
    sum_backward("gather saved self", z);
    tg_scope_end();
}

int main(void)
{
    index_select_tests();
    gather_tests();
    scatter_tests();
    index_add_tests();
    take_along_dim_tests();
    masked_select_tests();
    inplace_tests();
    saved_tests();
    return 0;
}
