/* torch.autograd.functional in C: vjp, jvp (the double backward trick and
   forward mode), jacobian (reverse and forward mode), hessian, hvp and vhp
   on one and several inputs, with create_graph and strict, and their
   errors. Prints what autograd_functional.py prints with PyTorch. */
#include <tensorgrad.h>

#include <stdio.h>

#include "oracle.h"

#define F64(...) ((const double[]){__VA_ARGS__})

static tg_tensor *t3(const double *v) { return tg_from_f64(v, TG_SHAPE(3)); }
static tg_tensor *x23(void) { return tg_from_f64(F64(0.5, -1.25, 2.0, 1.5, 0.25, -0.75), TG_SHAPE(2, 3)); }
static tg_tensor *xa(void) { return t3(F64(0.5, -1.0, 2.0)); }
static tg_tensor *xb(void) { return t3(F64(1.5, 0.25, -0.5)); }

/* Operands in Python's left-to-right order (C leaves argument order
   unspecified, and the order decides how gradients are summed). */
static tg_tensor *exp_reducer(tg_tensor *const *in, int n, void *ctx)
{
    (void)n, (void)ctx;
    return tg_sum_dim(tg_exp(in[0]), DIMS(1), false);
}

static tg_tensor *exp_adder(tg_tensor *const *in, int n, void *ctx)
{
    (void)n, (void)ctx;
    tg_tensor *left = tg_mul_scalar(tg_exp(in[0]), 2);
    return tg_add(left, tg_mul(tg_mul_scalar(in[1], 3), in[0]));
}

static tg_tensor *cube_sum(tg_tensor *const *in, int n, void *ctx)
{
    (void)n, (void)ctx;
    return tg_sum(tg_pow_scalar(in[0], 3));
}

static tg_tensor *mixed_sum(tg_tensor *const *in, int n, void *ctx)
{
    (void)n, (void)ctx;
    tg_tensor *left = tg_mul(tg_mul(in[0], in[0]), in[1]);
    return tg_sum(tg_add(left, tg_sin(in[1])));
}

static tg_tensor *first_only(tg_tensor *const *in, int n, void *ctx)
{
    (void)n, (void)ctx;
    return tg_mul_scalar(in[0], 2);
}

static tg_tensor *linear_sum(tg_tensor *const *in, int n, void *ctx)
{
    (void)n, (void)ctx;
    return tg_sum(tg_mul_scalar(in[0], 2));
}

static tg_tensor *constant(tg_tensor *const *in, int n, void *ctx)
{
    (void)in, (void)n, (void)ctx;
    return tg_ones(TG_SHAPE(3), TG_F64);
}

static void result(const char *label, const tg_tensor *t)
{
    show(label, t);
    printf("%s requires_grad: %s\n", label, tg_requires_grad(t) ? "True" : "False");
}

/* A transform's (output, results) pair as Python prints the tuple; output
   is read through a pointer since the call that sets it is an argument. */
static void pair(const char *label, int rc, tg_tensor *const *output, tg_tensor *const *res, int n, bool tuple)
{
    if (rc) {
        printf("%s: error: %s\n", label, tg_last_error());
        tg_clear_error();
        return;
    }
    char buf[160];
    snprintf(buf, sizeof buf, "%s[0]", label);
    result(buf, *output);
    for (int i = 0; i < n; i++) {
        if (tuple) snprintf(buf, sizeof buf, "%s[1][%d]", label, i);
        else snprintf(buf, sizeof buf, "%s[1]", label);
        result(buf, res[i]);
    }
}

/* A Jacobian or Hessian: one tensor, a tuple of n, or a tuple of n tuples of n. */
static void blocks(const char *label, int rc, tg_tensor *const *b, int n, bool nested)
{
    if (rc) {
        printf("%s: error: %s\n", label, tg_last_error());
        tg_clear_error();
        return;
    }
    char buf[160];
    if (n == 1) {
        result(label, b[0]);
        return;
    }
    for (int i = 0; i < n; i++) {
        if (!nested) {
            snprintf(buf, sizeof buf, "%s[%d]", label, i);
            result(buf, b[i]);
            continue;
        }
        for (int j = 0; j < n; j++) {
            snprintf(buf, sizeof buf, "%s[%d][%d]", label, i, j);
            result(buf, b[i * n + j]);
        }
    }
}

static const tg_func_opts CREATE = {.create_graph = true};
static const tg_func_opts STRICT = {.strict = true};
static const tg_func_opts FORWARD = {.strategy = TG_FORWARD_MODE};

static void vjps(void)
{
    tg_tensor *out, *r[2];
    pair("vjp exp_reducer", tg_func_vjp(exp_reducer, (tg_tensor *[]){x23()}, 1, NULL, tg_from_f64(F64(1.0, 0.5), TG_SHAPE(2)), &out, r), &out, r, 1, false);
    pair("vjp exp_reducer create_graph",
         tg_func_vjp_ex(exp_reducer, (tg_tensor *[]){leaf(x23())}, 1, NULL, tg_from_f64(F64(1.0, 0.5), TG_SHAPE(2)), &out, r, CREATE),
         &out, r, 1, false);
    tg_tensor *ab[] = {xa(), xb()};
    pair("vjp exp_adder", tg_func_vjp(exp_adder, ab, 2, NULL, t3(F64(1.0, -2.0, 0.5)), &out, r), &out, r, 2, true);
    pair("vjp cube_sum no v", tg_func_vjp(cube_sum, ab, 1, NULL, NULL, &out, r), &out, r, 1, false);
    pair("vjp wrong v", tg_func_vjp(exp_reducer, (tg_tensor *[]){x23()}, 1, NULL, t3(F64(1.0, 0.5, 2.0)), &out, r), &out, r, 1, false);
    pair("vjp no v", tg_func_vjp(exp_reducer, (tg_tensor *[]){x23()}, 1, NULL, NULL, &out, r), &out, r, 1, false);
    pair("vjp strict", tg_func_vjp_ex(first_only, ab, 2, NULL, t3(F64(1, 1, 1)), &out, r, STRICT), &out, r, 2, true);
    pair("vjp non-strict", tg_func_vjp(first_only, ab, 2, NULL, t3(F64(1, 1, 1)), &out, r), &out, r, 2, true);
    pair("vjp strict constant", tg_func_vjp_ex(constant, ab, 1, NULL, t3(F64(1, 1, 1)), &out, r, STRICT), &out, r, 1, false);
}

static void jvps(void)
{
    tg_tensor *out, *r;
    tg_tensor *v23 = tg_from_f64(F64(1.0, 0.5, -1.0, 2.0, 0.0, 1.0), TG_SHAPE(2, 3));
    tg_tensor *ab[] = {xa(), xb()}, *vab[] = {t3(F64(1.0, 0.0, -1.0)), t3(F64(0.5, 2.0, 1.0))};
    pair("jvp exp_reducer", tg_func_jvp(exp_reducer, (tg_tensor *[]){x23()}, 1, NULL, &v23, &out, &r), &out, &r, 1, false);
    pair("jvp exp_adder", tg_func_jvp(exp_adder, ab, 2, NULL, vab, &out, &r), &out, &r, 1, false);
    pair("jvp exp_adder create_graph", tg_func_jvp_ex(exp_adder, (tg_tensor *[]){leaf(xa()), xb()}, 2, NULL, vab, &out, &r, CREATE),
         &out, &r, 1, false);
    pair("jvp strict", tg_func_jvp_ex(first_only, ab, 2, NULL, vab, &out, &r, STRICT), &out, &r, 1, false);
    pair("jvp no v", tg_func_jvp(exp_reducer, (tg_tensor *[]){x23()}, 1, NULL, NULL, &out, &r), &out, &r, 1, false);
    pair("jvp wrong v", tg_func_jvp(cube_sum, ab, 1, NULL, (tg_tensor *[]){tg_from_f64(F64(1, 2), TG_SHAPE(2))}, &out, &r),
         &out, &r, 1, false);
    pair("jvp forward exp_reducer", tg_func_jvp_ex(exp_reducer, (tg_tensor *[]){x23()}, 1, NULL, &v23, &out, &r, FORWARD),
         &out, &r, 1, false);
    pair("jvp forward exp_adder", tg_func_jvp_ex(exp_adder, ab, 2, NULL, vab, &out, &r, FORWARD), &out, &r, 1, false);
}

static void jacobians(void)
{
    tg_tensor *b[4], *ab[] = {xa(), xb()};
    tg_tensor *j = tg_func_jacobian(exp_reducer, (tg_tensor *[]){x23()}, 1, NULL, false);
    blocks("jacobian exp_reducer", !j, &j, 1, false);
    j = tg_func_jacobian(exp_reducer, (tg_tensor *[]){leaf(x23())}, 1, NULL, true);
    blocks("jacobian exp_reducer create_graph", !j, &j, 1, false);
    blocks("jacobian exp_adder", tg_func_jacobian_ex(exp_adder, ab, 2, NULL, b, (tg_func_opts){0}), b, 2, false);
    blocks("jacobian forward exp_reducer", tg_func_jacobian_ex(exp_reducer, (tg_tensor *[]){x23()}, 1, NULL, b, FORWARD), b, 1, false);
    blocks("jacobian forward exp_adder", tg_func_jacobian_ex(exp_adder, ab, 2, NULL, b, FORWARD), b, 2, false);
    blocks("jacobian strict", tg_func_jacobian_ex(first_only, ab, 2, NULL, b, STRICT), b, 2, false);
    blocks("jacobian non-strict", tg_func_jacobian_ex(first_only, ab, 2, NULL, b, (tg_func_opts){0}), b, 2, false);
    blocks("jacobian strict constant", tg_func_jacobian_ex(constant, ab, 1, NULL, b, STRICT), b, 1, false);
    blocks("jacobian constant", tg_func_jacobian_ex(constant, ab, 1, NULL, b, (tg_func_opts){0}), b, 1, false);
    blocks("jacobian forward strict",
           tg_func_jacobian_ex(exp_reducer, (tg_tensor *[]){x23()}, 1, NULL, b, (tg_func_opts){.strict = true, .strategy = TG_FORWARD_MODE}),
           b, 1, false);
    blocks("jacobian forward create_graph",
           tg_func_jacobian_ex(exp_reducer, (tg_tensor *[]){x23()}, 1, NULL, b, (tg_func_opts){.create_graph = true, .strategy = TG_FORWARD_MODE}),
           b, 1, false);
}

static void hessians(void)
{
    tg_tensor *b[4], *ab[] = {xa(), xb()};
    tg_tensor *h = tg_func_hessian(cube_sum, ab, 1, NULL, false);
    blocks("hessian cube_sum", !h, &h, 1, true);
    h = tg_func_hessian(cube_sum, (tg_tensor *[]){leaf(xa())}, 1, NULL, true);
    blocks("hessian cube_sum create_graph", !h, &h, 1, true);
    blocks("hessian mixed_sum", tg_func_hessian_ex(mixed_sum, ab, 2, NULL, b, (tg_func_opts){0}), b, 2, true);
    h = tg_func_hessian(exp_reducer, (tg_tensor *[]){x23()}, 1, NULL, false);
    blocks("hessian not scalar", !h, &h, 1, true);
    blocks("hessian strict linear", tg_func_hessian_ex(linear_sum, ab, 1, NULL, b, STRICT), b, 1, true);
    blocks("hessian linear", tg_func_hessian_ex(linear_sum, ab, 1, NULL, b, (tg_func_opts){0}), b, 1, true);
}

static void hessian_products(void)
{
    tg_tensor *out, *r[2], *ab[] = {xa(), xb()};
    tg_tensor *v = t3(F64(1.0, -1.0, 0.5)), *vab[] = {t3(F64(1.0, 0.0, -1.0)), t3(F64(0.5, 2.0, 1.0))};
    pair("hvp cube_sum", tg_func_hvp(cube_sum, ab, 1, NULL, &v, &out, r), &out, r, 1, false);
    pair("hvp mixed_sum", tg_func_hvp(mixed_sum, ab, 2, NULL, vab, &out, r), &out, r, 2, true);
    pair("hvp mixed_sum create_graph", tg_func_hvp_ex(mixed_sum, (tg_tensor *[]){leaf(xa()), xb()}, 2, NULL, vab, &out, r, CREATE),
         &out, r, 2, true);
    pair("vhp cube_sum", tg_func_vhp(cube_sum, ab, 1, NULL, &v, &out, r), &out, r, 1, false);
    pair("vhp mixed_sum", tg_func_vhp(mixed_sum, ab, 2, NULL, vab, &out, r), &out, r, 2, true);
    pair("vhp mixed_sum create_graph", tg_func_vhp_ex(mixed_sum, (tg_tensor *[]){xa(), leaf(xb())}, 2, NULL, vab, &out, r, CREATE),
         &out, r, 2, true);
    tg_tensor *x = x23();
    pair("hvp not scalar", tg_func_hvp(exp_reducer, &x, 1, NULL, &x, &out, r), &out, r, 1, false);
    pair("vhp no v", tg_func_vhp(cube_sum, ab, 1, NULL, NULL, &out, r), &out, r, 1, false);
    tg_tensor *ones = t3(F64(1, 1, 1));
    pair("hvp strict linear", tg_func_hvp_ex(linear_sum, ab, 1, NULL, &ones, &out, r, STRICT), &out, r, 1, false);
    pair("vhp linear", tg_func_vhp(linear_sum, ab, 1, NULL, &ones, &out, r), &out, r, 1, false);
}

int main(void)
{
    vjps();
    jvps();
    jacobians();
    hessians();
    hessian_products();
    return 0;
}
