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

static const tg_dtype ALL[] = {TG_F32, TG_F64, TG_I32, TG_I64, TG_BOOL, TG_I8, TG_U8, TG_I16};
static const char *const NAMES[] = {"f32", "f64", "i32", "i64", "bool", "i8", "u8", "i16"};
enum { N_ALL = sizeof ALL / sizeof *ALL };
/* The promotion table covers every dtype. */
static const tg_dtype EVERY[] = {TG_F32, TG_F64, TG_I32, TG_I64, TG_BOOL, TG_I8, TG_U8, TG_I16,
                                 TG_F16, TG_BF16, TG_C64, TG_C128};
static const char *const EVERY_NAMES[] = {"f32", "f64", "i32", "i64", "bool", "i8", "u8", "i16",
                                          "f16", "bf16", "c64", "c128"};
enum { N_EVERY = sizeof EVERY / sizeof *EVERY };

/* [1, 0, 2, 3] (bool: [T, F, T, T]) in dtype d, n-dim or 0-dim. */
static tg_tensor *operand(tg_dtype d, bool zero_dim)
{
    tg_tensor *t = zero_dim ? tg_full(NULL, 0, 2, TG_F64) : tg_from_f64((const double[]){1, 0, 2, 3}, TG_SHAPE(4));
    return tg_to(t, d);
}

static void creation_and_printing(void)
{
    show_dtype("from i8", tg_from_i8((const int8_t[]){-128, 0, 5, 127}, TG_SHAPE(2, 2)));
    show_dtype("from u8", tg_from_u8((const uint8_t[]){0, 17, 200, 255}, TG_SHAPE(4)));
    show_dtype("from i16", tg_from_i16((const int16_t[]){-32768, -3, 300, 32767}, TG_SHAPE(4)));
    show_dtype("zeros u8", tg_zeros(TG_SHAPE(2, 3), TG_U8));
    show_dtype("full i8", tg_full(TG_SHAPE(3), -7, TG_I8));
    show_dtype("arange u8", tg_arange(0, 10, 3, TG_U8));
    show_dtype("arange i16", tg_arange(-5, 5, 2, TG_I16));
    show_dtype("linspace i8", tg_linspace(-100, 100, 70, TG_I8));
    show_dtype("linspace u8", tg_linspace(0, 255, 40, TG_U8));
    show_dtype("linspace i16", tg_linspace(-1000, 3000, 37, TG_I16));
    show_dtype("eye i16", tg_eye(3, TG_I16));
    show_dtype("0-dim u8", tg_to(tg_scalar(200), TG_U8));
    show_dtype("empty i8", tg_zeros(TG_SHAPE(0), TG_I8));
    ATTEMPT("linspace i8 overflow", tg_linspace(0, 200, 3, TG_I8));
    ATTEMPT("full u8 fill overflow", tg_masked_fill(tg_zeros(TG_SHAPE(2), TG_U8),
                                                    tg_from_bool((const bool[]){true, false}, TG_SHAPE(2)), 256));
    ATTEMPT("masked_fill i16 overflow", tg_masked_fill(tg_zeros(TG_SHAPE(2), TG_I16),
                                                       tg_from_bool((const bool[]){true, false}, TG_SHAPE(2)), -40000));
    show_dtype("masked_fill i8", tg_masked_fill(tg_zeros(TG_SHAPE(2), TG_I8),
                                        tg_from_bool((const bool[]){true, false}, TG_SHAPE(2)), -128));
    tg_tensor *big = tg_arange(0, 2000, 1, TG_I16);
    show_dtype("long i16", big);
    show_dtype("wide u8", tg_to(tg_reshape(tg_arange(0, 60, 1, TG_F32), TG_SHAPE(3, 20)), TG_U8));
}

static void conversions(void)
{
    tg_tensor *f = tg_from_f32(F32(-1.0, 300.0, -129.5, 1e10, NAN, 2.7, -2.7, 65535.0), TG_SHAPE(8));
    tg_tensor *d = tg_from_f64((const double[]){5000000001.0, 2147483649.0, -2147483651.0, 255.9, -0.9}, TG_SHAPE(5));
    tg_tensor *l = tg_from_i64(I64(-1, 300, 70000, -129, 255, 256), TG_SHAPE(6));
    for (int k = 5; k < N_ALL; k++) {
        char label[64];
        snprintf(label, sizeof label, "f32 to %s", NAMES[k]);
        show_dtype(label, tg_to(f, ALL[k]));
        snprintf(label, sizeof label, "f64 to %s", NAMES[k]);
        show_dtype(label, tg_to(d, ALL[k]));
        snprintf(label, sizeof label, "i64 to %s", NAMES[k]);
        show_dtype(label, tg_to(l, ALL[k]));
    }
    show_dtype("f64 to i32", tg_to(d, TG_I32));
    tg_tensor *small = tg_from_i8((const int8_t[]){-128, -1, 0, 1, 127}, TG_SHAPE(5));
    for (int k = 0; k < N_ALL; k++) {
        char label[64];
        snprintf(label, sizeof label, "i8 to %s", NAMES[k]);
        show_dtype(label, tg_to(small, ALL[k]));
    }
    show_dtype("u8 to i8", tg_to(tg_from_u8((const uint8_t[]){0, 127, 128, 255}, TG_SHAPE(4)), TG_I8));
    show_dtype("i16 to u8", tg_to(tg_from_i16((const int16_t[]){-1, 256, 511, -32768}, TG_SHAPE(4)), TG_U8));
}

/* result dtype of a + b for every pair: n-dim with n-dim, n-dim with 0-dim,
   n-dim with an integral and a fractional number. */
static void promotion(void)
{
    for (int i = 0; i < N_EVERY; i++) {
        printf("%s:", EVERY_NAMES[i]);
        for (int j = 0; j < N_EVERY; j++) {
            tg_scope_begin();
            tg_tensor *r = tg_add(operand(EVERY[i], false), operand(EVERY[j], false));
            tg_tensor *z = tg_add(operand(EVERY[i], false), operand(EVERY[j], true));
            printf(" %s/%s", r ? tg_dtype_name(tg_dtype_of(r)) : tg_last_error(),
                   z ? tg_dtype_name(tg_dtype_of(z)) : tg_last_error());
            tg_scope_end();
        }
        tg_scope_begin();
        tg_tensor *a = tg_add_scalar(operand(EVERY[i], false), 3), *b = tg_add_scalar(operand(EVERY[i], false), 0.5);
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
    show_dtype("i8 add", tg_add(a8, b8));
    show_dtype("i8 sub", tg_sub(a8, b8));
    show_dtype("i8 mul", tg_mul(a8, b8));
    show_dtype("i8 div", tg_div(a8, b8));
    show_dtype("i8 neg", tg_neg(a8));
    show_dtype("i8 abs", tg_abs(a8));
    show_dtype("i8 pow 2", tg_pow_scalar(a8, 2));
    show_dtype("i8 fmod", tg_fmod(a8, b8));
    show_dtype("i8 remainder", tg_remainder(a8, b8));
    show_dtype("i8 maximum", tg_maximum(a8, b8));
    show_dtype("i8 clamp", tg_clamp(a8, -50, 50));
    show_dtype("i8 sign", tg_sign(a8));
    show_dtype("i8 relu", tg_relu(a8));
    show_dtype("u8 add", tg_add(u, v));
    show_dtype("u8 sub", tg_sub(u, v));
    show_dtype("u8 mul", tg_mul(u, v));
    show_dtype("u8 neg", tg_neg(u));
    show_dtype("u8 add scalar", tg_add_scalar(u, 10));
    show_dtype("u8 mul scalar 0.5", tg_mul_scalar(u, 0.5));
    show_dtype("u8 div scalar", tg_div_scalar(u, 255));
    show_dtype("u8 minus i8", tg_sub(u, a8));
    show_dtype("u8 gt", tg_gt(u, v));
    show_dtype("u8 eq scalar", tg_eq_scalar(u, 255));
    show_dtype("u8 lt scalar -1", tg_lt_scalar(u, -1));
    show_dtype("i16 mul", tg_mul(s, s));
    show_dtype("i16 add", tg_add(s, s));
    show_dtype("i16 plus u8", tg_add(s, u));
    show_dtype("i16 floor", tg_floor(s));
    show_dtype("i16 exp", tg_exp(tg_div_scalar(s, 10000)));
    show_dtype("u8 sqrt", tg_sqrt(u));
    show_dtype("i8 sigmoid", tg_sigmoid(b8));
    show_dtype("u8 where", tg_where(tg_gt_scalar(u, 100), u, v));
    show_dtype("i8 addcmul", tg_addcmul(a8, a8, b8, 2));
}

static void reductions_and_shapes(void)
{
    tg_tensor *u = tg_from_u8((const uint8_t[]){250, 3, 128, 0, 1, 255}, TG_SHAPE(2, 3));
    tg_tensor *a8 = tg_from_i8((const int8_t[]){100, -100, 7, -7, 127, -128}, TG_SHAPE(2, 3));
    tg_tensor *s = tg_from_i16((const int16_t[]){30000, -30000, 9, -9, 181, 1}, TG_SHAPE(3, 2));
    show_dtype("u8 sum", tg_sum(u));
    show_dtype("i8 sum dim", tg_sum_dim(a8, DIMS(1), false));
    show_dtype("i16 sum", tg_sum(s));
    show_dtype("i8 prod", tg_prod(a8));
    show_dtype("u8 max", tg_max(u));
    show_dtype("i8 min", tg_min(a8));
    tg_tensor *idx = NULL;
    show_dtype("i16 max dim", tg_max_dim(s, 0, false, &idx));
    show_dtype("  indices", idx);
    show_dtype("u8 argmax", tg_argmax(u, 1, false));
    show_dtype("i8 amin", tg_amin(a8, DIMS(0), true));
    show_dtype("u8 cumsum", tg_cumsum(u, 1));
    show_dtype("i8 cumprod", tg_cumprod(a8, 1));
    ATTEMPT("u8 mean", tg_mean(u));
    show_dtype("i8 sort", tg_sort(a8, 1, false, NULL));
    show_dtype("u8 argsort", tg_argsort(u, 1, true));
    show_dtype("i8 topk", tg_topk(a8, 2, 1, true, true, NULL));
    show_dtype("u8 all", tg_all(u));
    show_dtype("i16 any", tg_any(s));
    show_dtype("u8 all dim", tg_all_dim(u, 1, false));
    show_dtype("u8 any dim", tg_any_dim(u, 0, false));
    show_dtype("u8 all empty", tg_all(tg_zeros(TG_SHAPE(0), TG_U8)));
    show_dtype("u8 count_nonzero", tg_count_nonzero(u, NULL, 0));
    show_dtype("u8 transpose", tg_transpose(u, 0, 1));
    show_dtype("i8 reshape", tg_reshape(a8, TG_SHAPE(3, 2)));
    show_dtype("cat u8 i8", tg_cat((const tg_tensor *const[]){u, a8}, 2, 0));
    show_dtype("stack u8 u8", tg_stack((const tg_tensor *const[]){u, u}, 2, 0));
    show_dtype("u8 flip", tg_flip(u, DIMS(1)));
    show_dtype("i16 index_select", tg_index_select(s, 0, tg_from_i64(I64(2, 0), TG_SHAPE(2))));
    show_dtype("u8 gather", tg_gather(u, 1, tg_from_i64(I64(2, 0, 1, 1), TG_SHAPE(2, 2))));
    show_dtype("i8 masked_select", tg_masked_select(a8, tg_gt_scalar(a8, 0)));
    show_dtype("u8 matmul", tg_matmul(u, tg_transpose(u, 0, 1)));
    show_dtype("i8 matmul", tg_matmul(a8, tg_reshape(a8, TG_SHAPE(3, 2))));
    show_dtype("i16 mm", tg_mm(s, tg_transpose(s, 0, 1)));
    show_dtype("u8 scatter_add", tg_scatter_add(tg_zeros(TG_SHAPE(2, 3), TG_U8), 1, tg_from_i64(I64(0, 0, 1, 2, 2, 2), TG_SHAPE(2, 3)), u));
    show_dtype("u8 embedding-like index", tg_index_select(tg_to(tg_arange(0, 12, 1, TG_F32), TG_F32), 0,
                                                 tg_to(tg_from_u8((const uint8_t[]){3, 1}, TG_SHAPE(2)), TG_I64)));
    tg_tensor *x = leaf(tg_from_f32(F32(0.5, -1.5, 2.0, 4.0, 1.0, -3.0), TG_SHAPE(2, 3)));
    check("f32 times u8", tg_mul(x, u), &x, 1);
    x = leaf(tg_from_f32(F32(0.5, -1.5, 2.0, 4.0, 1.0, -3.0), TG_SHAPE(2, 3)));
    check("f32 plus i8 0-dim", tg_add(x, tg_to(tg_scalar(-3), TG_I8)), &x, 1);
    ATTEMPT("requires_grad on u8", tg_requires_grad_(tg_zeros(TG_SHAPE(2), TG_U8), true));
    ATTEMPT("in-place f32 result into i8", tg_add_(tg_zeros(TG_SHAPE(2), TG_I8), tg_ones(TG_SHAPE(2), TG_F32)));
    tg_tensor *w = tg_zeros(TG_SHAPE(3), TG_I16);
    tg_add_scalar_(w, 7);
    show_dtype("i16 add_ scalar", w);
    tg_mul_(w, tg_from_u8((const uint8_t[]){2, 3, 200}, TG_SHAPE(3)));
    show_dtype("i16 mul_ u8", w);
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
