/* complex64 and complex128 tensors: creation, printing, casts, the parts
   as views, conj, angle and abs, elementwise operations and reductions,
   PyTorch's errors for what it refuses, promotion with every dtype, and
   gradients (conjugate Wirtinger derivatives). Prints what ops_complex.py
   prints with PyTorch. */
#include <tensorgrad.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "oracle.h"

/* [1+2j, 0-1j, -0.5+0.25j, 3+0j] in complex dtype d. */
static tg_tensor *z4(tg_dtype d)
{
    tg_tensor *re = tg_from_f64((const double[]){1, 0, -0.5, 3}, TG_SHAPE(4));
    tg_tensor *im = tg_from_f64((const double[]){2, -1, 0.25, 0}, TG_SHAPE(4));
    return tg_to(tg_complex(re, im), d);
}

static tg_tensor *cleaf(tg_dtype d) { return leaf(z4(d)); }

static void creation(void)
{
    show("complex", tg_complex(tg_from_f32(F32(1, 0, -0.5f), TG_SHAPE(3)), tg_from_f32(F32(2, -1, 0.25f), TG_SHAPE(3))));
    show("complex broadcast", tg_complex(tg_from_f32(F32(1, 2), TG_SHAPE(2, 1)), tg_from_f32(F32(3, 4, 5), TG_SHAPE(3))));
    show_dtype("complex f64", tg_complex(tg_from_f64((const double[]){1.5, -2}, TG_SHAPE(2)), tg_from_f64((const double[]){0, 1e-3}, TG_SHAPE(2))));
    ATTEMPT("complex mixed", tg_complex(tg_zeros(TG_SHAPE(2), TG_F32), tg_zeros(TG_SHAPE(2), TG_F64)));
    ATTEMPT("complex int", tg_complex(tg_zeros(TG_SHAPE(2), TG_I64), tg_zeros(TG_SHAPE(2), TG_I64)));
    show("polar", tg_polar(tg_from_f32(F32(1, 2, 0.5f), TG_SHAPE(3)), tg_from_f32(F32(0, 1.5f, -3), TG_SHAPE(3))));
    show_dtype("polar f64", tg_polar(tg_from_f64((const double[]){1, 2}, TG_SHAPE(2)), tg_from_f64((const double[]){0.25, -1}, TG_SHAPE(2))));
    show("from_c64", tg_from_c64(F32(1, 2, 3, -4, 0.5f, 0), TG_SHAPE(3)));
    show_dtype("from_c128", tg_from_c128((const double[]){1, 2, 3, -4, 0.5, 0, -1, 1}, TG_SHAPE(2, 2)));
    show_dtype("zeros c64", tg_zeros(TG_SHAPE(2, 2), TG_C64));
    show_dtype("ones c128", tg_ones(TG_SHAPE(3), TG_C128));
    show_dtype("full c64", tg_full(TG_SHAPE(2), -2.5, TG_C64));
    show_dtype("eye c64", tg_eye(2, TG_C64));
    show_dtype("empty c64", tg_zeros(TG_SHAPE(0), TG_C64));
    show_dtype("empty 2d c128", tg_zeros(TG_SHAPE(2, 0), TG_C128));
    double pairs[8];
    tg_copy_to_c128(z4(TG_C64), pairs);
    printf("copy_to_c128:");
    for (int i = 0; i < 8; i++) printf(" %g", pairs[i]);
    printf("\n");
}

static void casts(void)
{
    tg_tensor *f = tg_from_f32(F32(1.5f, -2, 0), TG_SHAPE(3));
    show_dtype("f32 to c64", tg_to(f, TG_C64));
    show_dtype("f32 to c128", tg_to(f, TG_C128));
    show_dtype("i64 to c64", tg_to(tg_arange(-2, 2, 1, TG_I64), TG_C64));
    show_dtype("bool to c128", tg_to(tg_from_bool((const bool[]){true, false}, TG_SHAPE(2)), TG_C128));
    show_dtype("c64 to c128", tg_to(z4(TG_C64), TG_C128));
    show_dtype("c128 to c64", tg_to(tg_mul_scalar(z4(TG_C128), 1.0 / 3), TG_C64));
    show_dtype("c64 to f32", tg_to(z4(TG_C64), TG_F32));
    show_dtype("c128 to i64", tg_to(z4(TG_C128), TG_I64));
    show_dtype("c64 to bool", tg_to(z4(TG_C64), TG_BOOL));
}

static void parts(void)
{
    tg_tensor *z = z4(TG_C64);
    show("real", tg_real(z));
    show("imag", tg_imag(z));
    show("real of real", tg_real(tg_from_f32(F32(1, 2), TG_SHAPE(2))));
    ATTEMPT("imag of real", tg_imag(tg_from_f32(F32(1, 2), TG_SHAPE(2))));
    tg_tensor *r = tg_view_as_real(z);
    show("view_as_real", r);
    printf("view_as_real stride: ");
    print_strides(r);
    printf("\n");
    show("view_as_complex", tg_view_as_complex(tg_reshape(tg_arange(0, 8, 1, TG_F32), TG_SHAPE(2, 2, 2))));
    show_dtype("view_as_complex f64", tg_view_as_complex(tg_from_f64((const double[]){1, 2, 3, 4}, TG_SHAPE(2, 2))));
    ATTEMPT("view_as_real of real", tg_view_as_real(tg_zeros(TG_SHAPE(2), TG_F32)));
    ATTEMPT("view_as_complex int", tg_view_as_complex(tg_zeros(TG_SHAPE(2, 2), TG_I64)));
    ATTEMPT("view_as_complex size 3", tg_view_as_complex(tg_zeros(TG_SHAPE(2, 3), TG_F32)));
    ATTEMPT("view_as_complex stride", tg_view_as_complex(tg_transpose(tg_zeros(TG_SHAPE(2, 2), TG_F32), 0, 1)));
    ATTEMPT("view_as_complex 0-dim", tg_view_as_complex(tg_scalar(1)));
    ATTEMPT("view_as_complex odd stride", tg_view_as_complex(tg_slice(tg_zeros(TG_SHAPE(3, 2), TG_F32), 0, 0, 3, 1)));
    ATTEMPT("view_as_complex odd offset", tg_view_as_complex(tg_reshape(tg_slice(tg_zeros(TG_SHAPE(5), TG_F32), 0, 1, 5, 1), TG_SHAPE(2, 2))));
    /* views share the storage */
    tg_tensor *w = z4(TG_C64);
    tg_mul_scalar_(tg_real(w), 10);
    tg_add_scalar_(tg_imag(w), 1);
    show("written through real and imag", w);
    show("conj", tg_conj(z));
    show("conj of real", tg_conj(tg_from_f32(F32(1, -2), TG_SHAPE(2))));
    show("abs", tg_abs(z));
    show_dtype("abs c128", tg_abs(z4(TG_C128)));
    show("angle", tg_angle(z));
    show("angle of real", tg_angle(tg_from_f32(F32(-1, 2, 0), TG_SHAPE(3))));
}

static void elementwise(void)
{
    tg_tensor *z = z4(TG_C64), *w = tg_add_scalar(tg_mul_scalar(z4(TG_C64), 0.5), 1);
    show("add", tg_add(z, w));
    show("sub", tg_sub(z, w));
    show("mul", tg_mul(z, w));
    show("div", tg_div(z, w));
    show("div by zero", tg_div(z, tg_zeros(TG_SHAPE(4), TG_C64)));
    show("neg", tg_neg(z));
    show("add scalar", tg_add_scalar(z, 2.5));
    show("mul scalar", tg_mul_scalar(z, -2));
    show("rsub scalar", tg_rsub_scalar(z, 1));
    show("div scalar", tg_div_scalar(z, 4));
    show("exp", tg_exp(z));
    show("log", tg_log(z));
    show("sqrt", tg_sqrt(z));
    show("sin", tg_sin(z));
    show("cos", tg_cos(z));
    show("tan", tg_tan(z));
    show("tanh", tg_tanh(z));
    show("sinh", tg_sinh(z));
    show("cosh", tg_cosh(z));
    show("sigmoid", tg_sigmoid(z));
    show("reciprocal", tg_reciprocal(z));
    show("rsqrt", tg_rsqrt(w));
    show("pow", tg_pow(w, z));
    show("pow scalar", tg_pow_scalar(w, 2));
    show("eq", tg_eq(z, tg_conj(z)));
    show("ne", tg_ne(z, tg_conj(z)));
    show("where", tg_where(tg_from_bool((const bool[]){true, false, true, false}, TG_SHAPE(4)), z, w));
    show_dtype("exp c128", tg_exp(z4(TG_C128)));
    show_dtype("log c128", tg_log(z4(TG_C128)));
    show_dtype("div c128", tg_div(z4(TG_C128), tg_add_scalar(z4(TG_C128), 1)));
    show("sum", tg_sum(z));
    show("mean", tg_mean(z));
    tg_tensor *m = tg_reshape(z, TG_SHAPE(2, 2));
    show("sum dim", tg_sum_dim(m, DIMS(0), false));
    show("cumsum", tg_cumsum(m, 1));
    show("cat", tg_cat((const tg_tensor *[]){z, w}, 2, 0));
    show("stack", tg_stack((const tg_tensor *[]){z, w}, 2, 1));
    show("transpose", tg_transpose(m, 0, 1));
    show("index_select", tg_index_select(z, 0, tg_from_i64((const int64_t[]){3, 0}, TG_SHAPE(2))));
    show("contiguous", tg_contiguous(tg_transpose(m, 0, 1)));
}

static void refused(void)
{
    tg_tensor *z = z4(TG_C64);
    ATTEMPT("lt", tg_lt(z, z));
    ATTEMPT("maximum", tg_maximum(z, z));
    ATTEMPT("floor", tg_floor(z));
    ATTEMPT("ceil", tg_ceil(z));
    ATTEMPT("trunc", tg_trunc(z));
    ATTEMPT("relu", tg_relu(z));
    ATTEMPT("sign", tg_sign(z));
    ATTEMPT("erf", tg_erf(z));
    ATTEMPT("expm1", tg_expm1(z));
    ATTEMPT("log1p", tg_log1p(z));
    ATTEMPT("round", tg_round(z));
    ATTEMPT("atan2", tg_atan2(z, z));
    ATTEMPT("frac", tg_frac(z));
    ATTEMPT("hypot", tg_hypot(z, z));
    ATTEMPT("fmod", tg_fmod(z, z));
    ATTEMPT("remainder", tg_remainder(z, z));
    ATTEMPT("clamp", tg_clamp(z, 0, 1));
    ATTEMPT("argmax", tg_argmax(z, 0, false));
    ATTEMPT("argmin all", tg_argmin_all(z));
    ATTEMPT("logsumexp", tg_logsumexp(z, DIMS(0), false));
    ATTEMPT("requires_grad int", tg_requires_grad_(tg_zeros(TG_SHAPE(2), TG_I64), true));
}

static void promotion(void)
{
    static const tg_dtype ALL[] = {TG_F32, TG_F64, TG_I32, TG_I64, TG_BOOL, TG_I8, TG_U8, TG_I16, TG_C64, TG_C128};
    static const char *const NAMES[] = {"f32", "f64", "i32", "i64", "bool", "i8", "u8", "i16", "c64", "c128"};
    enum { N = sizeof ALL / sizeof *ALL };
    tg_dtype cs[] = {TG_C64, TG_C128};
    for (int c = 0; c < 2; c++)
        for (int i = 0; i < N; i++) {
            tg_scope_begin();
            tg_tensor *a = tg_ones(TG_SHAPE(2), cs[c]);
            tg_tensor *b = tg_ones(TG_SHAPE(2), ALL[i]), *b0 = tg_ones(NULL, 0, ALL[i]);
            tg_tensor *a0 = tg_ones(NULL, 0, cs[c]), *bn = tg_ones(TG_SHAPE(2), ALL[i]);
            printf("%s + %s: %s; + 0-dim: %s; 0-dim + it: %s\n", NAMES[8 + c], NAMES[i],
                   tg_dtype_name(tg_dtype_of(tg_add(a, b))), tg_dtype_name(tg_dtype_of(tg_add(a, b0))),
                   tg_dtype_name(tg_dtype_of(tg_add(a0, bn))));
            tg_scope_end();
        }
    show_dtype("c64 + 2.5", tg_add_scalar(z4(TG_C64), 2.5));
    show_dtype("c128 * 3", tg_mul_scalar(z4(TG_C128), 3));
    show_dtype("f32 + 0-dim c128", tg_add(tg_ones(TG_SHAPE(2), TG_F32), tg_to(tg_scalar(1), TG_C128)));
    show_dtype("f64 + 0-dim c64", tg_add(tg_ones(TG_SHAPE(2), TG_F64), tg_to(tg_scalar(1), TG_C64)));
    show_dtype("i64 * c64", tg_mul(tg_arange(1, 5, 1, TG_I64), z4(TG_C64)));
    show_dtype("f64 * c64", tg_mul(tg_from_f64((const double[]){1, 2, 3, 4}, TG_SHAPE(4)), z4(TG_C64)));
}

static void clear(tg_tensor **xs, int n)
{
    for (int i = 0; i < n; i++) tg_zero_grad(xs[i]);
}

static void gradients(void)
{
    tg_scope_begin();
    tg_tensor *z = cleaf(TG_C128), *w = leaf(tg_add_scalar(tg_mul_scalar(z4(TG_C128), 0.5), 1));
    tg_tensor *zw[] = {z, w};
    check("mul", tg_mul(z, w), zw, 2);
    clear(zw, 2);
    check("div", tg_div(z, w), zw, 2);
    clear(zw, 2);
    check("add sub", tg_sub(tg_add(z, w), tg_mul(w, w)), zw, 2);
    clear(zw, 2);
    check("exp", tg_exp(w), &w, 1);
    clear(zw, 2);
    check("log", tg_log(w), &w, 1);
    clear(zw, 2);
    check("sqrt", tg_sqrt(w), &w, 1);
    clear(zw, 2);
    check("sin", tg_sin(w), &w, 1);
    clear(zw, 2);
    check("cos", tg_cos(w), &w, 1);
    clear(zw, 2);
    check("abs", tg_abs(z), &z, 1);
    clear(zw, 2);
    check("abs of product", tg_abs(tg_mul(z, w)), zw, 2);
    clear(zw, 2);
    check("angle", tg_angle(w), &w, 1);
    clear(zw, 2);
    check("real", tg_real(tg_mul(z, w)), zw, 2);
    clear(zw, 2);
    check("imag", tg_imag(tg_mul(z, w)), zw, 2);
    clear(zw, 2);
    check("conj", tg_conj(tg_mul(z, w)), zw, 2);
    clear(zw, 2);
    check("view_as_real", tg_view_as_real(tg_mul(z, w)), zw, 2);
    clear(zw, 2);
    check("sum", tg_sum(tg_mul(z, z)), &z, 1);
    clear(zw, 2);
    check("mean", tg_mean(tg_mul(z, w)), zw, 2);
    clear(zw, 2);
    check("cumsum", tg_cumsum(tg_mul(z, w), 0), zw, 2);
    clear(zw, 2);
    tg_tensor *loss = tg_sum(tg_abs(tg_mul(z, z)));
    show("backward of a real loss", loss);
    if (tg_backward(loss, NULL) == 0) show("real loss grad", tg_grad(z));
    clear(zw, 2);
    tg_tensor *s = tg_sum(tg_mul(z, w));
    show("complex one-element output", s);
    if (tg_backward(s, NULL) == 0) {
        show("implicit seed grad z", tg_grad(z));
        show("implicit seed grad w", tg_grad(w));
    } else {
        printf("implicit seed: error: %s\n", tg_last_error());
    }
    tg_scope_end();

    tg_scope_begin();
    tg_tensor *a = leaf(tg_from_f64((const double[]){1, -2, 0.5}, TG_SHAPE(3)));
    tg_tensor *b = leaf(tg_from_f64((const double[]){0.5, 3, -1}, TG_SHAPE(3)));
    tg_tensor *ab[] = {a, b};
    check("complex of leaves", tg_complex(a, b), ab, 2);
    clear(ab, 2);
    check("abs of complex", tg_abs(tg_complex(a, b)), ab, 2);
    clear(ab, 2);
    check("polar", tg_polar(a, b), ab, 2);
    clear(ab, 2);
    tg_tensor *c = leaf(z4(TG_C128));
    tg_tensor *ac[] = {a, c};
    check("real times complex", tg_mul(tg_slice(tg_cat((const tg_tensor *[]){a, a}, 2, 0), 0, 0, 4, 1), c), ac, 2);
    clear(ac, 2);
    check("c64 mul", tg_mul(tg_to(c, TG_C64), tg_to(c, TG_C64)), &c, 1);
    clear(ac, 2);
    check("to real", tg_to(tg_mul(c, c), TG_F64), &c, 1);
    tg_scope_end();

    tg_scope_begin();
    tg_tensor *m = leaf(tg_reshape(z4(TG_C128), TG_SHAPE(2, 2)));
    tg_tensor *k = leaf(tg_reshape(tg_add_scalar(tg_mul_scalar(z4(TG_C128), 0.5), 1), TG_SHAPE(2, 2)));
    tg_tensor *mk[] = {m, k};
    check("mm", tg_mm(m, k), mk, 2);
    clear(mk, 2);
    check("mm transposed", tg_mm(tg_transpose(m, 0, 1), k), mk, 2);
    clear(mk, 2);
    check("matmul batched", tg_matmul(tg_stack((const tg_tensor *[]){m, k}, 2, 0), k), mk, 2);
    clear(mk, 2);
    check("mv", tg_mv(m, tg_select(k, 0, 1)), mk, 2);
    /* no dot: PyTorch 1.13's complex dot through this machine's BLAS returns
       0 (test_gradcheck_complex checks tg_dot's values and gradients) */
    tg_scope_end();
    show("mm c64", tg_mm(tg_reshape(z4(TG_C64), TG_SHAPE(2, 2)), tg_reshape(tg_conj(z4(TG_C64)), TG_SHAPE(2, 2))));
    ATTEMPT("mm c64 with c128", tg_mm(tg_reshape(z4(TG_C64), TG_SHAPE(2, 2)), tg_reshape(z4(TG_C128), TG_SHAPE(2, 2))));
}

/* .npy files: C writes them where ops_complex.py (run next, by the same
   shell) reads them with NumPy and compares them with numpy.save's bytes. */
static void npy_files(void)
{
    char dir[64], path[128];
    snprintf(dir, sizeof dir, "/tmp/tg_ops_complex.%d", (int)getppid());
    mkdir(dir, 0700);
    tg_scope_begin();
    const tg_tensor *saved[] = {z4(TG_C64), tg_transpose(tg_reshape(z4(TG_C128), TG_SHAPE(2, 2)), 0, 1),
                                tg_to(tg_scalar(-1.5), TG_C64)};
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%d.npy", dir, i);
        printf("save %d: %d\n", i, tg_save_npy(saved[i], path));
        show_dtype("loaded", tg_load_npy(path));
    }
    tg_scope_end();
}

int main(void)
{
    creation();
    casts();
    parts();
    elementwise();
    refused();
    promotion();
    gradients();
    npy_files();
    return 0;
}
