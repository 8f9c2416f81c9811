/* tg_repr / tg_print against PyTorch: prints "== <label>" and then the
   tensor for each case, in the order and with the labels of
   tests/oracle/print_cases.py, so that a plain diff of the two outputs
   decides. Also checks the error paths (NULL tensor, unsupported dtype),
   and last prints NULL, which shows as Python's print(None) does. Exits
   non-zero if any repr fails. */
#include <tensorgrad.h>

#include "core/core.h"   /* only for the unsupported-dtype check */

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int failures;

/* Number of values in a brace list, for the literal helpers below. */
#define LEN(T, ...) ((int64_t)(sizeof((T[]){__VA_ARGS__}) / sizeof(T)))
#define F32(...) tg_from_f32((const float[]){__VA_ARGS__}, TG_SHAPE(LEN(float, __VA_ARGS__)))
#define F64(...) tg_from_f64((const double[]){__VA_ARGS__}, TG_SHAPE(LEN(double, __VA_ARGS__)))
#define I64(...) tg_from_i64((const int64_t[]){__VA_ARGS__}, TG_SHAPE(LEN(int64_t, __VA_ARGS__)))
#define I32(...) tg_from_i32((const int32_t[]){__VA_ARGS__}, TG_SHAPE(LEN(int32_t, __VA_ARGS__)))

/* The half passes print every floating case converted to this dtype
   (float16, then bfloat16), labelled "<label> as <dtype>"; TG_F32 in the
   first pass, which prints the cases as they are. */
static tg_dtype half_pass = TG_F32;

static void show(const char *label, const tg_tensor *t)
{
    if (half_pass != TG_F32) {
        tg_dtype d = tg_dtype_of(t);
        if (d != TG_F32 && d != TG_F64) return;
        printf("== %s as %s\n", label, tg_dtype_name(half_pass));
        t = tg_to(t, half_pass);
    } else {
        printf("== %s\n", label);
    }
    char *s = tg_repr(t);
    if (!s) {
        printf("<tg_repr failed: %s>\n", tg_last_error());
        failures++;
        tg_clear_error();
        return;
    }
    puts(s);
    free(s);
}

/* The same through tg_print, to cover it too. */
static void show_print(const char *label, const tg_tensor *t)
{
    if (half_pass != TG_F32) {
        show(label, t);
        return;
    }
    printf("== %s\n", label);
    if (!t) {
        printf("<no tensor: %s>\n", tg_last_error());
        failures++;
        tg_clear_error();
        return;
    }
    tg_print(t);
}

static tg_tensor *arange(double end, tg_dtype dt) { return tg_arange(0, end, 1, dt); }
static tg_tensor *leaf(tg_tensor *t) { return tg_requires_grad_(t, true); }

static void scalars(void)
{
    show("scalar 3.5", tg_scalar(3.5));
    show("scalar 3.", tg_scalar(3.0));
    show("scalar 0.", tg_scalar(0.0));
    show("scalar 1e-5", tg_scalar(1e-5));
    show("scalar -0.", tg_scalar(-0.0));
    show("scalar nan", tg_scalar(NAN));
    show("scalar -inf", tg_scalar(-INFINITY));
    show("scalar int64", tg_from_i64((const int64_t[]){7}, TG_SHAPE()));
    show("scalar int64 negative", tg_from_i64((const int64_t[]){-123}, TG_SHAPE()));
    show("scalar int32", tg_from_i32((const int32_t[]){5}, TG_SHAPE()));
    show("scalar bool", tg_from_bool((const bool[]){true}, TG_SHAPE()));
    show("scalar float64", tg_from_f64((const double[]){2.5}, TG_SHAPE()));
}

static void float_vectors(void)
{
    show("f32 mixed", F32(1.5, 2.25, -3.125));
    show("f32 1.5 nan", F32(1.5, NAN));
    show("f32 nonfinite ints", F32(1.0, INFINITY, -INFINITY, NAN));
    show("f32 -inf 2.5", F32(-INFINITY, 2.5));
    show("f32 100 200.5", F32(100.0, 200.5));
    show("f32 -1e-5 2", F32(-1e-5, 2.0));
    show("f32 1e-5 nan 1", F32(1e-5, NAN, 1.0));
    show("f32 1 1000", F32(1.0, 1000.0));
    show("f32 1 1001", F32(1.0, 1001.0));
    show("f32 1 10000", F32(1.0, 10000.0));
    show("f32 1e8", F32(1e8));
    show("f32 -1e8 1e8", F32(-1e8, 1e8));
    show("f32 1e9", F32(1e9));
    show("f32 1e-4 0.01", F32(1e-4, 0.01));
    show("f32 1 2 3", F32(1.0, 2.0, 3.0));
    show("f32 zeros", F32(0.0, 0.0, 0.0));
    show("f32 -0 1", F32(-0.0, 1.0));
    show("f32 0 nan", F32(0.0, NAN));
    show("f32 inf only", F32(INFINITY));
    /* A NaN with its sign bit set: glibc would print "-nan". */
    show("f32 negative nan", F32((float)copysign(NAN, -1.0), 1.5));
    show("f32 0 100.5", F32(0.0, 100.5));
    show("f32 123456.789", F32(123456.789));
    show("f32 -1e10 1", F32(-1e10, 1.0));
    show("f32 thirds", F32(1.0 / 3, 2.0 / 3, -1.0 / 3));
    show("f64 1e7+0.5", F64(1e7 + 0.5));
    show("f64 1e300 1e-300", F64(1e300, -1e-300));
    show("f64 1.5 2", F64(1.5, 2.0));
}

static void int_and_bool_vectors(void)
{
    show("i64 1 -20 300", I64(1, -20, 300));
    show("i64 big", I64(((int64_t)1 << 62) + 1, INT64_MIN));
    show("i32 1 2", I32(1, 2));
    show("i32 2-D", tg_reshape(tg_arange(-5, 7, 1, TG_I32), TG_SHAPE(3, 4)));
    show("bool true false", tg_from_bool((const bool[]){true, false}, TG_SHAPE(2)));
    show("bool 2-D", tg_from_bool((const bool[]){true, false, true, false, false, true},
                                  TG_SHAPE(2, 3)));
    show("bool summarized", tg_zeros(TG_SHAPE(1001), TG_BOOL));
}

static void empties(void)
{
    show("empty (0,3)", tg_zeros(TG_SHAPE(0, 3), TG_F32));
    show("empty (0,)", tg_zeros(TG_SHAPE(0), TG_F32));
    show("empty int64", tg_zeros(TG_SHAPE(0), TG_I64));
    show("empty (2,0)", tg_zeros(TG_SHAPE(2, 0), TG_F32));
    show("empty f64 (2,0,3)", tg_zeros(TG_SHAPE(2, 0, 3), TG_F64));
    show("empty bool", tg_zeros(TG_SHAPE(0), TG_BOOL));
    show("empty i32 (0,1)", tg_zeros(TG_SHAPE(0, 1), TG_I32));
}

/* torch.cat([ones(3), full((995,), 1e6), ones(3)]): the summarized view the
   formatter sees holds only the ones, so no scientific notation. */
static tg_tensor *ones_around_millions(void)
{
    static float v[1001];
    for (int i = 0; i < 1001; i++) v[i] = (i < 3 || i >= 998) ? 1.0f : 1e6f;
    return tg_from_f32(v, TG_SHAPE(1001));
}

static void summarized(void)
{
    show_print("arange 1000.", arange(1000, TG_F32));
    show_print("arange 1001.", arange(1001, TG_F32));
    show("arange 2000.", arange(2000, TG_F32));
    show("arange 1..2000", tg_arange(1, 2001, 1, TG_F32));
    show("summary excludes middle", ones_around_millions());
    show("ones 3x1000", tg_ones(TG_SHAPE(3, 1000), TG_F32));
    show("ones 6x200", tg_ones(TG_SHAPE(6, 200), TG_F32));
    show("ones 7x200", tg_ones(TG_SHAPE(7, 200), TG_F32));
    show("arange 1200 as 40x30", tg_reshape(arange(1200, TG_F32), TG_SHAPE(40, 30)));
    show("arange 2000 as 10x10x20", tg_reshape(arange(2000, TG_I64), TG_SHAPE(10, 10, 20)));
    show("arange 1001 as 1001x1", tg_reshape(arange(1001, TG_F32), TG_SHAPE(1001, 1)));
    show("arange 4096 as 8x8x8x8", tg_reshape(arange(4096, TG_F32), TG_SHAPE(8, 8, 8, 8)));
    show("i64 arange 1001", arange(1001, TG_I64));
}

static void nested(void)
{
    show("3-D 2x2x2", tg_reshape(arange(8, TG_F32), TG_SHAPE(2, 2, 2)));
    show("4-D 2x3x2x2 quarters",
         tg_div_scalar(tg_reshape(arange(24, TG_F32), TG_SHAPE(2, 3, 2, 2)), 4));
    show("4-D i64", tg_reshape(arange(24, TG_I64), TG_SHAPE(2, 3, 2, 2)));
    show("1x1x1", tg_zeros(TG_SHAPE(1, 1, 1), TG_F32));
    show("arange 30 / 7", tg_div_scalar(arange(30, TG_F32), 7));
    show("2x20 / 3 wraps rows", tg_div_scalar(tg_reshape(arange(40, TG_F32), TG_SHAPE(2, 20)), 3));
    show("f64 2-D", tg_div_scalar(tg_reshape(arange(6, TG_F64), TG_SHAPE(2, 3)), 3));
    show("f32 2x3 thirds", tg_div_scalar(tg_reshape(arange(6, TG_F32), TG_SHAPE(2, 3)), 3));
}

static void strided(void)
{
    show("transpose 3x4", tg_transpose(tg_reshape(arange(12, TG_F32), TG_SHAPE(3, 4)), 0, 1));
    show("transpose 3-D 0,2",
         tg_transpose(tg_reshape(arange(24, TG_F32), TG_SHAPE(2, 3, 4)), 0, 2));
    tg_tensor *m = tg_reshape(arange(20, TG_F32), TG_SHAPE(4, 5));
    show("slice [1:, ::2]", tg_slice(tg_slice(m, 0, 1, INT64_MAX, 1), 1, 0, INT64_MAX, 2));
    show("select row 2", tg_select(tg_reshape(arange(20, TG_I64), TG_SHAPE(4, 5)), 0, 2));
    show("expand 3x4", tg_expand(arange(4, TG_F32), TG_SHAPE(3, 4)));
    show("transpose 40x30 summarized",
         tg_transpose(tg_reshape(arange(1200, TG_F32), TG_SHAPE(40, 30)), 0, 1));
}

static void autograd_suffixes(void)
{
    show("leaf 1.5 f64", leaf(tg_from_f64((const double[]){1.5}, TG_SHAPE())));
    show("leaf short", leaf(F32(1.0, 2.0)));
    show("leaf ones 12 fits", leaf(tg_ones(TG_SHAPE(12), TG_F32)));
    show("leaf ones 13 wraps by quirk", leaf(tg_ones(TG_SHAPE(13), TG_F32)));
    show("leaf arange 12 wraps", leaf(arange(12, TG_F32)));
    show("leaf arange 40 rows", leaf(arange(40, TG_F32)));
    show("leaf 2-D", leaf(tg_ones(TG_SHAPE(2, 3), TG_F32)));
    show("div grad_fn wraps", tg_div_scalar(leaf(arange(9, TG_F32)), 3));
    show("div f64 two suffixes wrap", tg_div_scalar(leaf(arange(8, TG_F64)), 3));
    show("mul 2-D grad_fn", tg_mul_scalar(leaf(tg_ones(TG_SHAPE(2, 2), TG_F32)), 2));
    show("sum grad_fn", tg_sum(leaf(arange(9, TG_F32))));
    show("view grad_fn", tg_reshape(leaf(tg_ones(TG_SHAPE(4), TG_F32)), TG_SHAPE(2, 2)));
    show("to f64 grad_fn", tg_to(leaf(arange(3, TG_F32)), TG_F64));
}

/* Error paths print nothing; report on stderr and count a failure. */
static void check(bool ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "test_print: %s\n", what);
        failures++;
    }
    tg_clear_error();
}

static void error_paths(void)
{
    tg_clear_error();
    check(tg_repr(NULL) == NULL && tg_last_status() == TG_E_NULL, "tg_repr(NULL) is not NULL with TG_E_NULL");
    printf("== NULL\n");
    tg_print(NULL);   /* print(None), compared with Python's */
    check(tg_last_status() == TG_OK, "tg_print(NULL) set an error");
}

int main(void)
{
    scalars();
    float_vectors();
    int_and_bool_vectors();
    empties();
    summarized();
    nested();
    strided();
    autograd_suffixes();
    for (int k = 0; k < 2; k++) {   /* the floating cases again in float16 and bfloat16 */
        half_pass = k ? TG_BF16 : TG_F16;
        scalars();
        float_vectors();
        empties();
        summarized();
        nested();
        strided();
        autograd_suffixes();
    }
    half_pass = TG_F32;
    error_paths();
    return failures ? EXIT_FAILURE : EXIT_SUCCESS;
}
