/* Conversions with tg_to (f32 <-> f64, to and from integers and bool) and
   PyTorch's type promotion: tensor with tensor of another dtype, 0-dim
   tensors against n-dim ones, scalars (integral and fractional) against
   integer, bool and floating tensors, and gradients across dtypes. Prints
   what ops_dtype.py prints with PyTorch. */
#include <tensorgrad.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "oracle.h"

#define I32(...) ((const int32_t[]){__VA_ARGS__})
#define BOOL(...) ((const bool[]){__VA_ARGS__})

static tg_tensor *f32, *f64, *i64, *i32, *bo, *z_f32, *z_f64, *z_i64, *z_i32, *z_bo;

static void make_operands(void)
{
    f32 = tg_from_f32(F32(1.5, -2.25, 0.5, 3.0), TG_SHAPE(2, 2));
    f64 = tg_from_f64((const double[]){0.25, -1.0}, TG_SHAPE(2));
    i64 = tg_from_i64(I64(3, -2, 0, 7), TG_SHAPE(2, 2));
    i32 = tg_from_i32(I32(5, -4), TG_SHAPE(2));
    bo = tg_from_bool(BOOL(true, false), TG_SHAPE(2));
    z_f32 = tg_scalar(2.5);
    z_f64 = tg_to(tg_scalar(0.5), TG_F64);
    z_i64 = tg_from_i64(I64(3), TG_SHAPE());
    z_i32 = tg_from_i32(I32(2), TG_SHAPE());
    z_bo = tg_from_bool(BOOL(true), TG_SHAPE());
}

static void conversion_tests(void)
{
    show_dtype("f32 to f64", tg_to(f32, TG_F64));
    show_dtype("f64 to f32", tg_to(f64, TG_F32));
    show_dtype("f32 to i64", tg_to(tg_from_f32(F32(1.7, -1.7, 2.5, -0.5), TG_SHAPE(4)), TG_I64));
    show_dtype("f64 to i32", tg_to(tg_from_f64((const double[]){1e3 + 0.9, -7.99}, TG_SHAPE(2)), TG_I32));
    show_dtype("f32 to bool", tg_to(tg_from_f32(F32(0.0, -0.0, 0.5, NAN), TG_SHAPE(4)), TG_BOOL));
    show_dtype("i64 to f32", tg_to(i64, TG_F32));
    show_dtype("i64 to i32", tg_to(i64, TG_I32));
    show_dtype("bool to f32", tg_to(bo, TG_F32));
    show_dtype("bool to i64", tg_to(bo, TG_I64));
    show_dtype("i32 to bool", tg_to(i32, TG_BOOL));
    show_dtype("transposed to f64", tg_to(tg_transpose(f32, 0, 1), TG_F64));
    printf("to same dtype is same tensor: %s\n", tg_to(f32, TG_F32) == f32 ? "True" : "False");

    /* Gradients through conversions. */
    tg_tensor *x = leaf(tg_from_f32(F32(1.5, -2.25, 0.5, 3.0), TG_SHAPE(2, 2)));
    check("to f64", tg_mul_scalar(tg_to(x, TG_F64), 3), &x, 1);
    x = leaf(tg_from_f64((const double[]){0.1, 1.0 / 3.0}, TG_SHAPE(2)));
    check("to f32", tg_exp(tg_to(x, TG_F32)), &x, 1);
    x = leaf(tg_from_f32(F32(0.5, 2.0), TG_SHAPE(2)));
    check("round trip", tg_pow_scalar(tg_to(tg_to(x, TG_F64), TG_F32), 2), &x, 1);
    x = leaf(tg_from_f32(F32(1.5, -2.5), TG_SHAPE(2)));
    tg_tensor *y = tg_to(x, TG_I64);
    printf("to int requires_grad: %s grad_fn: ", tg_requires_grad(y) ? "True" : "False");
    tree(tg_grad_fn(y));
    printf("\n");
    check("to int", tg_mul(x, y), &x, 1);
}

static void pair_tests(void)
{
    show_dtype("f32 + f64", tg_add(tg_select(f32, 0, 0), f64));
    show_dtype("f64 * f32", tg_mul(f64, f32));
    show_dtype("i64 + f32", tg_add(i64, f32));
    show_dtype("i32 + i64", tg_add(i32, i64));
    show_dtype("i32 * i32", tg_mul(i32, i32));
    show_dtype("bool + bool", tg_add(bo, bo));
    show_dtype("bool * bool", tg_mul(bo, bo));
    show_dtype("bool + i32", tg_add(bo, i32));
    show_dtype("bool + f64", tg_add(bo, f64));
    show_dtype("i64 - i32", tg_sub(i64, i32));
    show_dtype("i64 / i64", tg_div(i64, tg_from_i64(I64(2, -4), TG_SHAPE(2))));
    show_dtype("i32 / i32", tg_div(i32, tg_from_i32(I32(2, 3), TG_SHAPE(2))));
    show_dtype("bool / bool", tg_div(bo, tg_from_bool(BOOL(true, true), TG_SHAPE(2))));
    show_dtype("i64 ** i64", tg_pow(i64, tg_from_i64(I64(2, 3), TG_SHAPE(2))));
    show_dtype("i32 ** f32", tg_pow(i32, tg_from_f32(F32(0.5, 2.0), TG_SHAPE(2))));
    show_dtype("maximum i64 f32", tg_maximum(i64, f32));
    show_dtype("minimum i32 bool", tg_minimum(i32, bo));
    show_dtype("where f32 f64", tg_where(bo, tg_select(f32, 0, 1), f64));
    show_dtype("where i32 i64", tg_where(bo, i32, tg_select(i64, 0, 0)));
    show_dtype("where i64 bool", tg_where(bo, tg_select(i64, 0, 0), bo));
}

static void zero_dim_tests(void)
{
    show_dtype("f32 + 0-dim f64", tg_add(f32, z_f64));
    show_dtype("0-dim f64 * f32", tg_mul(z_f64, f32));
    show_dtype("i64 + 0-dim f64", tg_add(i64, z_f64));
    show_dtype("i32 + 0-dim f32", tg_add(i32, z_f32));
    show_dtype("i32 + 0-dim i64", tg_add(i32, z_i64));
    show_dtype("0-dim i64 - i32", tg_sub(z_i64, i32));
    show_dtype("bool + 0-dim i64", tg_add(bo, z_i64));
    show_dtype("bool + 0-dim bool", tg_add(bo, z_bo));
    show_dtype("bool * 0-dim f64", tg_mul(bo, z_f64));
    show_dtype("f64 + 0-dim f32", tg_add(f64, z_f32));
    show_dtype("f32 / 0-dim i32", tg_div(f32, z_i32));
    show_dtype("i32 / 0-dim i32", tg_div(i32, z_i32));
    show_dtype("0-dim f64 + 0-dim f32", tg_add(z_f64, z_f32));
    show_dtype("0-dim i32 + 0-dim bool", tg_add(z_i32, z_bo));
    show_dtype("0-dim i64 * 0-dim f32", tg_mul(z_i64, z_f32));
    show_dtype("where 0-dim f64 i32", tg_where(bo, z_f64, i32));
}

static void scalar_tests(void)
{
    show_dtype("i64 + 2", tg_add_scalar(i64, 2));
    show_dtype("i64 + 2.5", tg_add_scalar(i64, 2.5));
    show_dtype("i32 * 3", tg_mul_scalar(i32, 3));
    show_dtype("i32 * 0.5", tg_mul_scalar(i32, 0.5));
    show_dtype("i32 - 1", tg_sub_scalar(i32, 1));
    show_dtype("i64 / 2", tg_div_scalar(i64, 2));
    show_dtype("i32 / 2.5", tg_div_scalar(i32, 2.5));
    show_dtype("i64 ** 2", tg_pow_scalar(i64, 2));
    show_dtype("i32 ** 0.5", tg_pow_scalar(i32, 0.5));
    show_dtype("i64 ** 0", tg_pow_scalar(i64, 0));
    show_dtype("1 - i32", tg_rsub_scalar(i32, 1));
    show_dtype("1.5 - i64", tg_rsub_scalar(i64, 1.5));
    show_dtype("bool + 1", tg_add_scalar(bo, 1));
    show_dtype("bool * 2.5", tg_mul_scalar(bo, 2.5));
    show_dtype("bool / 2", tg_div_scalar(bo, 2));
    show_dtype("bool ** 2", tg_pow_scalar(bo, 2));
    show_dtype("f64 + 2", tg_add_scalar(f64, 2));
    show_dtype("f64 * 0.1", tg_mul_scalar(f64, 0.1));
    show_dtype("f32 + 1e-3", tg_add_scalar(f32, 1e-3));
    show_dtype("f32 ** 2", tg_pow_scalar(f32, 2));
    show_dtype("0-dim i64 + 2.5", tg_add_scalar(z_i64, 2.5));
    show_dtype("0-dim bool * 3", tg_mul_scalar(z_bo, 3));
}

static void unary_tests(void)
{
    show_dtype("neg i64", tg_neg(i64));
    show_dtype("abs i32", tg_abs(i32));
    show_dtype("relu i64", tg_relu(i64));
    show_dtype("sign i64", tg_sign(i64));
    show_dtype("sign bool", tg_sign(bo));
    show_dtype("exp i64", tg_exp(i64));
    show_dtype("sqrt i32", tg_sqrt(i32));
    show_dtype("sigmoid bool", tg_sigmoid(bo));
    show_dtype("sin i64", tg_sin(i64));
    show_dtype("tanh i32", tg_tanh(i32));
    show_dtype("log bool", tg_log(bo));
    show_dtype("expm1 i64", tg_expm1(i64));
    show_dtype("full i32", tg_full(TG_SHAPE(2, 2), 7, TG_I32));
    show_dtype("numel of i32", tg_full(NULL, 0, (double)tg_numel(i32), TG_I64));
    show_dtype("sum i32", tg_sum(i32));
    show_dtype("sum_dim i64", tg_sum_dim(i64, I64(0), 1, true));
    show_dtype("max_dim i32", tg_max_dim(i32, 0, false, NULL));
    show_dtype("clone i32", tg_clone(i32));
    show_dtype("matmul i64", tg_matmul(i64, i64));
    show_dtype("matmul i64 1-D", tg_matmul(tg_select(i64, 0, 0), tg_select(i64, 0, 1)));
    show_dtype("mm f64", tg_matmul(tg_view(f64, TG_SHAPE(1, 2)), tg_view(f64, TG_SHAPE(2, 1))));
}

static void gradient_tests(void)
{
    tg_tensor *x = leaf(tg_from_f32(F32(1.5, -2.0), TG_SHAPE(2)));
    tg_tensor *y = leaf64(tg_from_f32(F32(0.5, 2.0, 1.0, -1.0), TG_SHAPE(2, 2)));
    check("mixed float", tg_add(tg_mul(x, y), tg_div(tg_exp(y), x)), (tg_tensor *[]){x, y}, 2);

    x = leaf(tg_from_f32(F32(1.5, -2.0), TG_SHAPE(2)));
    tg_tensor *n = tg_from_i64(I64(3, 4), TG_SHAPE(2));
    check("int and float", tg_div(tg_pow_scalar(tg_add(tg_mul(x, n), n), 2), n), &x, 1);

    x = leaf(tg_from_f32(F32(1.5, -2.0, 0.25, 4.0), TG_SHAPE(2, 2)));
    tg_tensor *s = leaf64(tg_scalar(2.0));
    check("0-dim f64", tg_sub(tg_mul(x, s), s), (tg_tensor *[]){x, s}, 2);

    x = leaf64(tg_from_f32(F32(0.5, 2.0), TG_SHAPE(2)));
    tg_tensor *e = tg_add(tg_sub(tg_mul_scalar(tg_add_scalar(x, 1), 3), tg_div_scalar(tg_pow_scalar(x, 2), 2)),
                          tg_mul(tg_rsub_scalar(x, 1), x));
    check("scalar forms f64", e, &x, 1);

    x = leaf(tg_from_f32(F32(1.0, -2.0, 3.0), TG_SHAPE(3)));
    tg_tensor *m = tg_from_bool(BOOL(true, false, true), TG_SHAPE(3));
    check("bool mask", tg_add(tg_mul(x, m), m), &x, 1);
}

int main(void)
{
    make_operands();
    conversion_tests();
    pair_tests();
    zero_dim_tests();
    scalar_tests();
    unary_tests();
    gradient_tests();
    return 0;
}
