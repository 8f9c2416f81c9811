/* int8, uint8 and int16 tensors: creation, printing, conversions with
   tg_to (PyTorch's wrap-around and out-of-range casts), PyTorch's promotion
   table over every pair of the dtypes tensorgrad computes with (tensors,
   0-dim tensors, numbers), and the operations users apply to image and
   token data. Prints what ops_small_ints.py prints with PyTorch. */
#include <tensorgrad.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "oracle.h"

/* Python's print(label + ":", t, t.dtype). */
static void dt(const char *label, const tg_tensor *t)
{
    if (!t) {
        show(label, t);
        return;
    }
    char *s = tg_repr(t);
    printf("%s: %s %s\n", label, s, tg_dtype_name(tg_dtype_of(t)));
    free(s);
}

#define ATTEMPT_DT(label, EXPR) do { tg_scope_begin(); tg_clear_error(); dt((label), (EXPR)); tg_scope_end(); } while (0)

static const tg_dtype ALL[] = {TG_F32, TG_F64, TG_I32, TG_I64, TG_BOOL, TG_I8, TG_U8, TG_I16};
static const char *const NAMES[] = {"f32", "f64", "i32", "i64", "bool", "i8", "u8", "i16"};
enum { N_ALL = sizeof ALL / sizeof *ALL };

/* [1, 0, 2, 3] (bool: [T, F, T, T]) in dtype d, n-dim or 0-dim. */
static tg_tensor *operand(tg_dtype d, bool zero_dim)
{
    tg_tensor *t = zero_dim ? tg_full(NULL, 0, 2, TG_F64) : tg_from_f64((const double[]){1, 0, 2, 3}, TG_SHAPE(4));
    return tg_to(t, d);
}

static void creation_and_printing(void)
{
    dt("from i8", tg_from_i8((const int8_t[]){-128, 0, 5, 127}, TG_SHAPE(2, 2)));
    dt("from u8", tg_from_u8((const uint8_t[]){0, 17, 200, 255}, TG_SHAPE(4)));
    dt("from i16", tg_from_i16((const int16_t[]){-32768, -3, 300, 32767}, TG_SHAPE(4)));
    dt("zeros u8", tg_zeros(TG_SHAPE(2, 3), TG_U8));
    dt("full i8", tg_full(TG_SHAPE(3), -7, TG_I8));
    dt("arange u8", tg_arange(0, 10, 3, TG_U8));
    dt("arange i16", tg_arange(-5, 5, 2, TG_I16));
    dt("linspace i8", tg_linspace(-100, 100, 70, TG_I8));
    dt("linspace u8", tg_linspace(0, 255, 40, TG_U8));
    dt("linspace i16", tg_linspace(-1000, 3000, 37, TG_I16));
    dt("eye i16", tg_eye(3, TG_I16));
    dt("0-dim u8", tg_to(tg_scalar(200), TG_U8));
    dt("empty i8", tg_zeros(TG_SHAPE(0), TG_I8));
    ATTEMPT("linspace i8 overflow", tg_linspace(0, 200, 3, TG_I8));
    ATTEMPT("full u8 fill overflow", tg_masked_fill(tg_zeros(TG_SHAPE(2), TG_U8),
                                                    tg_from_bool((const bool[]){true, false}, TG_SHAPE(2)), 256));
    ATTEMPT("masked_fill i16 overflow", tg_masked_fill(tg_zeros(TG_SHAPE(2), TG_I16),
                                                       tg_from_bool((const bool[]){true, false}, TG_SHAPE(2)), -40000));
    dt("masked_fill i8", tg_masked_fill(tg_zeros(TG_SHAPE(2), TG_I8),
                                        tg_from_bool((const bool[]){true, false}, TG_SHAPE(2)), -128));
    tg_tensor *big = tg_arange(0, 2000, 1, TG_I16);
    dt("long i16", big);
    dt("wide u8", tg_to(tg_reshape(tg_arange(0, 60, 1, TG_F32), TG_SHAPE(3, 20)), TG_U8));
}

static void conversions(void)
{
    tg_tensor *f = tg_from_f32(F32(-1.0, 300.0, -129.5, 1e10, NAN, 2.7, -2.7, 65535.0), TG_SHAPE(8));
    tg_tensor *d = tg_from_f64((const double[]){5000000001.0, 2147483649.0, -2147483651.0, 255.9, -0.9}, TG_SHAPE(5));
    tg_tensor *l = tg_from_i64(I64(-1, 300, 70000, -129, 255, 256), TG_SHAPE(6));
    for (int k = 5; k < N_ALL; k++) {
        char label[64];
        snprintf(label, sizeof label, "f32 to %s", NAMES[k]);
        dt(label, tg_to(f, ALL[k]));
        snprintf(label, sizeof label, "f64 to %s", NAMES[k]);
        dt(label, tg_to(d, ALL[k]));
        snprintf(label, sizeof label, "i64 to %s", NAMES[k]);
        dt(label, tg_to(l, ALL[k]));
    }
    dt("f64 to i32", tg_to(d, TG_I32));
    tg_tensor *small = tg_from_i8((const int8_t[]){-128, -1, 0, 1, 127}, TG_SHAPE(5));
    for (int k = 0; k < N_ALL; k++) {
        char label[64];
        snprintf(label, sizeof label, "i8 to %s", NAMES[k]);
        dt(label, tg_to(small, ALL[k]));
    }
    dt("u8 to i8", tg_to(tg_from_u8((const uint8_t[]){0, 127, 128, 255}, TG_SHAPE(4)), TG_I8));
    dt("i16 to u8", tg_to(tg_from_i16((const int16_t[]){-1, 256, 511, -32768}, TG_SHAPE(4)), TG_U8));
}

/* result dtype of a + b for every pair: n-dim with n-dim, n-dim with 0-dim,
   n-dim with an integral and a fractional number. */
static void promotion(void)
{
    for (int i = 0; i < N_ALL; i++) {
        printf("%s:", NAMES[i]);
        for (int j = 0; j < N_ALL; j++) {
            tg_scope_begin();
            tg_tensor *r = tg_add(operand(ALL[i], false), operand(ALL[j], false));
            tg_tensor *z = tg_add(operand(ALL[i], false), operand(ALL[j], true));
            printf(" %s/%s", r ? tg_dtype_name(tg_dtype_of(r)) : tg_last_error(),
                   z ? tg_dtype_name(tg_dtype_of(z)) : tg_last_error());
            tg_scope_end();
        }
        tg_scope_begin();
        tg_tensor *a = tg_add_scalar(operand(ALL[i], false), 3), *b = tg_add_scalar(operand(ALL[i], false), 0.5);
        printf(" | %s %s\n", a ? tg_dtype_name(tg_dtype_of(a)) : tg_last_error(),
               b ? tg_dtype_name(tg_dtype_of(b)) : tg_last_error());
        tg_scope_end();
    }
}

static void arithmetic(void)
{
    tg_tensor *a8 = tg_from_i8((const int8_t[]){100, -100, 7, -7, 127, -128}, TG_SHAPE(6));
    tg_tensor *b8 = tg_from_i8((const int8_t[]){100, 100, 2, 2, 1, -1}, TG_SHAPE(6));
    tg_tensor *u = tg_from_u8((const uint8_t[]){250, 3, 128, 0, 1, 255}, TG_SHAPE(6));
    tg_tensor *v = tg_from_u8((const uint8_t[]){10, 5, 2, 1, 2, 255}, TG_SHAPE(6));
    tg_tensor *s = tg_from_i16((const int16_t[]){30000, -30000, 9, -9, 181, 1}, TG_SHAPE(6));
    dt("i8 add", tg_add(a8, b8));
    dt("i8 sub", tg_sub(a8, b8));
    dt("i8 mul", tg_mul(a8, b8));
    dt("i8 div", tg_div(a8, b8));
    dt("i8 neg", tg_neg(a8));
    dt("i8 abs", tg_abs(a8));
    dt("i8 pow 2", tg_pow_scalar(a8, 2));
    dt("i8 fmod", tg_fmod(a8, b8));
    dt("i8 remainder", tg_remainder(a8, b8));
    dt("i8 maximum", tg_maximum(a8, b8));
    dt("i8 clamp", tg_clamp(a8, -50, 50));
    dt("i8 sign", tg_sign(a8));
    dt("i8 relu", tg_relu(a8));
    dt("u8 add", tg_add(u, v));
    dt("u8 sub", tg_sub(u, v));
    dt("u8 mul", tg_mul(u, v));
    dt("u8 neg", tg_neg(u));
    dt("u8 add scalar", tg_add_scalar(u, 10));
    dt("u8 mul scalar 0.5", tg_mul_scalar(u, 0.5));
    dt("u8 div scalar", tg_div_scalar(u, 255));
    dt("u8 minus i8", tg_sub(u, a8));
    dt("u8 gt", tg_gt(u, v));
    dt("u8 eq scalar", tg_eq_scalar(u, 255));
    dt("u8 lt scalar -1", tg_lt_scalar(u, -1));
    dt("i16 mul", tg_mul(s, s));
    dt("i16 add", tg_add(s, s));
    dt("i16 plus u8", tg_add(s, u));
    dt("i16 floor", tg_floor(s));
    dt("i16 exp", tg_exp(tg_div_scalar(s, 10000)));
    dt("u8 sqrt", tg_sqrt(u));
    dt("i8 sigmoid", tg_sigmoid(b8));
    dt("u8 where", tg_where(tg_gt_scalar(u, 100), u, v));
    dt("i8 addcmul", tg_addcmul(a8, a8, b8, 2));
}

static void reductions_and_shapes(void)
{
    tg_tensor *u = tg_from_u8((const uint8_t[]){250, 3, 128, 0, 1, 255}, TG_SHAPE(2, 3));
    tg_tensor *a8 = tg_from_i8((const int8_t[]){100, -100, 7, -7, 127, -128}, TG_SHAPE(2, 3));
    tg_tensor *s = tg_from_i16((const int16_t[]){30000, -30000, 9, -9, 181, 1}, TG_SHAPE(3, 2));
    dt("u8 sum", tg_sum(u));
    dt("i8 sum dim", tg_sum_dim(a8, DIMS(1), false));
    dt("i16 sum", tg_sum(s));
    dt("i8 prod", tg_prod(a8));
    dt("u8 max", tg_max(u));
    dt("i8 min", tg_min(a8));
    tg_tensor *idx = NULL;
    dt("i16 max dim", tg_max_dim(s, 0, false, &idx));
    dt("  indices", idx);
    dt("u8 argmax", tg_argmax(u, 1, false));
    dt("i8 amin", tg_amin(a8, DIMS(0), true));
    dt("u8 cumsum", tg_cumsum(u, 1));
    dt("i8 cumprod", tg_cumprod(a8, 1));
    ATTEMPT("u8 mean", tg_mean(u));
    dt("i8 sort", tg_sort(a8, 1, false, NULL));
    dt("u8 argsort", tg_argsort(u, 1, true));
    dt("i8 topk", tg_topk(a8, 2, 1, true, true, NULL));
    dt("u8 all", tg_all(u));
    dt("i16 any", tg_any(s));
    dt("u8 all dim", tg_all_dim(u, 1, false));
    dt("u8 any dim", tg_any_dim(u, 0, false));
    dt("u8 all empty", tg_all(tg_zeros(TG_SHAPE(0), TG_U8)));
    dt("u8 count_nonzero", tg_count_nonzero(u, NULL, 0));
    dt("u8 transpose", tg_transpose(u, 0, 1));
    dt("i8 reshape", tg_reshape(a8, TG_SHAPE(3, 2)));
    dt("cat u8 i8", tg_cat((const tg_tensor *const[]){u, a8}, 2, 0));
    dt("stack u8 u8", tg_stack((const tg_tensor *const[]){u, u}, 2, 0));
    dt("u8 flip", tg_flip(u, DIMS(1)));
    dt("i16 index_select", tg_index_select(s, 0, tg_from_i64(I64(2, 0), TG_SHAPE(2))));
    dt("u8 gather", tg_gather(u, 1, tg_from_i64(I64(2, 0, 1, 1), TG_SHAPE(2, 2))));
    dt("i8 masked_select", tg_masked_select(a8, tg_gt_scalar(a8, 0)));
    dt("u8 matmul", tg_matmul(u, tg_transpose(u, 0, 1)));
    dt("i8 matmul", tg_matmul(a8, tg_reshape(a8, TG_SHAPE(3, 2))));
    dt("i16 mm", tg_mm(s, tg_transpose(s, 0, 1)));
    dt("u8 scatter_add", tg_scatter_add(tg_zeros(TG_SHAPE(2, 3), TG_U8), 1, tg_from_i64(I64(0, 0, 1, 2, 2, 2), TG_SHAPE(2, 3)), u));
    dt("u8 embedding-like index", tg_index_select(tg_to(tg_arange(0, 12, 1, TG_F32), TG_F32), 0,
                                                 tg_to(tg_from_u8((const uint8_t[]){3, 1}, TG_SHAPE(2)), TG_I64)));
    tg_tensor *x = leaf(tg_from_f32(F32(0.5, -1.5, 2.0, 4.0, 1.0, -3.0), TG_SHAPE(2, 3)));
    check("f32 times u8", tg_mul(x, u), &x, 1);
    x = leaf(tg_from_f32(F32(0.5, -1.5, 2.0, 4.0, 1.0, -3.0), TG_SHAPE(2, 3)));
    check("f32 plus i8 0-dim", tg_add(x, tg_to(tg_scalar(-3), TG_I8)), &x, 1);
    ATTEMPT("requires_grad on u8", tg_requires_grad_(tg_zeros(TG_SHAPE(2), TG_U8), true));
    ATTEMPT("in-place f32 result into i8", tg_add_(tg_zeros(TG_SHAPE(2), TG_I8), tg_ones(TG_SHAPE(2), TG_F32)));
    tg_tensor *w = tg_zeros(TG_SHAPE(3), TG_I16);
    tg_add_scalar_(w, 7);
    dt("i16 add_ scalar", w);
    tg_mul_(w, tg_from_u8((const uint8_t[]){2, 3, 200}, TG_SHAPE(3)));
    dt("i16 mul_ u8", w);
}

int main(void)
{
    creation_and_printing();
    conversions();
    promotion();
    arithmetic();
    reductions_and_shapes();
    return 0;
}
