/* Every in-place operation on non-leaf tensors in grad mode (graph, version
   counter, gradients), on leaves under no-grad, on tensors that do not
   require grad, and zero_, fill_ and copy_. Prints what ops_inplace.py
   prints with PyTorch. */
#include <tensorgrad.h>

#include <stdio.h>

#include "oracle.h"

static const char *py_bool(bool b) { return b ? "True" : "False"; }

static void state(const char *label, const tg_tensor *t)
{
    printf("%s version: %llu is_leaf: %s requires_grad: %s\n", label, (unsigned long long)tg_version(t),
           py_bool(tg_is_leaf(t)), py_bool(tg_requires_grad(t)));
}

static tg_tensor *base(void) { return leaf(tg_from_f32(F32(1.0, 0.5, 2.0, 1.5, 0.25, 3.0), TG_SHAPE(2, 3))); }
static tg_tensor *other(void) { return leaf(tg_from_f32(F32(2.0, -1.0, 0.5), TG_SHAPE(3))); }

typedef tg_tensor *(*inplace_fn)(tg_tensor *, const tg_tensor *);
typedef tg_tensor *(*inplace_scalar_fn)(tg_tensor *, double);

static const struct { const char *name; inplace_fn f; } BINARY[] = {
    {"add_", tg_add_}, {"sub_", tg_sub_}, {"mul_", tg_mul_}, {"div_", tg_div_}, {"pow_", tg_pow_},
};

static void binary_tests(void)
{
    char label[128];
    for (size_t i = 0; i < sizeof BINARY / sizeof BINARY[0]; i++) {
        const char *name = BINARY[i].name;
        tg_scope_begin();
        tg_tensor *x = base(), *o = other();
        tg_tensor *y = tg_clone(x);
        tg_tensor *r = BINARY[i].f(y, o);
        printf("returns self: %s\n", py_bool(r == y));
        state(name, y);
        check(name, y, (tg_tensor *[]){x, o}, 2);

        tg_tensor *l = leaf(tg_from_f32(F32(1.0, 1.5, 0.5, 0.25, 2.0, 3.0), TG_SHAPE(3, 2)));
        o = leaf(tg_from_f32(F32(0.5, -2.0, 1.0, 4.0, 2.0, 9.0), TG_SHAPE(1, 6)));
        y = tg_mul_scalar(tg_transpose(l, 0, 1), 1);   /* a non-contiguous result */
        BINARY[i].f(y, tg_slice(tg_view(o, TG_SHAPE(2, 3)), 0, 0, 2, 1));
        snprintf(label, sizeof label, "%s strided", name);
        state(label, y);
        check(label, y, (tg_tensor *[]){l, o}, 2);

        x = base();
        y = tg_clone(x);
        BINARY[i].f(y, tg_from_f32(F32(2.0, 4.0, 0.5), TG_SHAPE(3)));
        snprintf(label, sizeof label, "%s constant other", name);
        state(label, y);
        check(label, y, &x, 1);
        tg_scope_end();
    }
    /* maximum_ and minimum_ (no PyTorch method; compared with the
       out-of-place result's value, graph and gradients). */
    static const struct { const char *name; inplace_fn f; } EXTREMA[] = {
        {"maximum_", tg_maximum_}, {"minimum_", tg_minimum_},
    };
    for (int i = 0; i < 2; i++) {
        tg_scope_begin();
        tg_tensor *x = base(), *o = leaf(tg_from_f32(F32(1.0, 1.0, 2.5), TG_SHAPE(3)));
        check(EXTREMA[i].name, EXTREMA[i].f(tg_clone(x), o), (tg_tensor *[]){x, o}, 2);
        tg_scope_end();
    }
}

static const struct { const char *name; inplace_scalar_fn f; double s; } SCALAR[] = {
    {"add_scalar_ 2", tg_add_scalar_, 2},
    {"sub_scalar_ 1.5", tg_sub_scalar_, 1.5},
    {"mul_scalar_ -2", tg_mul_scalar_, -2},
    {"div_scalar_ 4", tg_div_scalar_, 4},
    {"pow_scalar_ 2", tg_pow_scalar_, 2},
    {"pow_scalar_ 0.5", tg_pow_scalar_, 0.5},
    {"pow_scalar_ -1", tg_pow_scalar_, -1},
};

static void scalar_tests(void)
{
    for (size_t i = 0; i < sizeof SCALAR / sizeof SCALAR[0]; i++) {
        tg_scope_begin();
        tg_tensor *x = base();
        tg_tensor *y = tg_clone(x);
        SCALAR[i].f(y, SCALAR[i].s);
        state(SCALAR[i].name, y);
        check(SCALAR[i].name, y, &x, 1);
        tg_scope_end();
    }
    tg_scope_begin();
    tg_tensor *x = base();
    check("rsub_scalar_ 1", tg_rsub_scalar_(tg_clone(x), 1), &x, 1);
    tg_scope_end();
}

static void chain_tests(void)
{
    tg_scope_begin();
    /* Several in-place operations in a row, and reads between them. */
    tg_tensor *x = base(), *o = other();
    tg_tensor *y = tg_mul_scalar(x, 2);
    tg_sub_scalar_(tg_mul_(tg_add_(y, o), o), 1);
    tg_tensor *z = tg_exp(y);
    tg_tensor *y2 = tg_clone(z);
    tg_pow_scalar_(tg_div_(y2, o), 2);
    state("chain", y2);
    check("chain", tg_add(y2, y), (tg_tensor *[]){x, o}, 2);

    /* A scalar multiple saves no tensor: changing its input later is fine. */
    x = base();
    y = tg_clone(x);
    z = tg_mul_scalar(y, 2);
    tg_tensor *w = tg_div_scalar(y, 4);
    tg_add_scalar_(y, 1);
    check("mul/div by scalar then in-place", tg_add(z, w), &x, 1);
    tg_scope_end();
}

static void overwrite_tests(void)
{
    tg_scope_begin();
    tg_tensor *x = base();
    tg_tensor *y = tg_clone(x);
    tg_zero_(y);
    state("zero_", y);
    check("zero_", y, &x, 1);

    x = base();
    y = tg_clone(x);
    tg_fill_(y, 2.5);
    state("fill_", y);
    check("fill_", y, &x, 1);

    x = base();
    tg_tensor *s = leaf64(tg_from_f32(F32(4.0, 5.0, 6.0), TG_SHAPE(3)));
    y = tg_clone(x);
    tg_copy_(y, s);
    state("copy_", y);
    check("copy_", tg_mul(y, x), (tg_tensor *[]){x, s}, 2);

    x = base();
    y = tg_clone(x);
    tg_copy_(y, tg_from_f32(F32(7.0, 8.0), TG_SHAPE(2, 1)));
    check("copy_ constant", y, &x, 1);

    s = leaf(tg_from_f32(F32(1.0, -2.0, 3.0), TG_SHAPE(3)));
    y = tg_zeros(TG_SHAPE(2, 3), TG_F64);
    tg_copy_(y, tg_transpose(s, 0, 0));
    state("copy_ into plain", y);
    check("copy_ into plain", y, &s, 1);

    s = leaf(tg_from_f32(F32(1.0, -2.0, 3.0), TG_SHAPE(3)));
    y = tg_ones(TG_SHAPE(2, 3), TG_F32);
    tg_add_(y, s);
    state("add_ into plain", y);
    check("add_ into plain", y, &s, 1);
    tg_scope_end();
}

static void no_grad_tests(void)
{
    tg_scope_begin();
    tg_tensor *x = base();
    tg_tensor *o = tg_from_f32(F32(2.0, 4.0, 0.5), TG_SHAPE(3));
    TG_NO_GRAD {
        tg_add_scalar_(x, 1);
        state("no_grad add_", x);
        tg_mul_(x, o);
        tg_sub_scalar_(x, 0.5);
        tg_div_scalar_(x, 2);
        tg_pow_scalar_(x, 2);
        state("no_grad ops", x);
    }
    show("no_grad ops value", x);
    graph("no_grad ops", x);
    check("leaf used after no_grad ops", tg_mul(x, o), &x, 1);
    TG_NO_GRAD {
        tg_zero_(x);
        state("no_grad zero_", x);
        tg_fill_(x, 1.5);
        tg_copy_(x, tg_from_f32(F32(1.0, 2.0, 3.0, 4.0, 5.0, 6.0), TG_SHAPE(2, 3)));
        state("no_grad copy_", x);
    }
    show("no_grad copy_ value", x);
    /* The tensor forms under no-grad (maximum_ and minimum_ as PyTorch's out=). */
    TG_NO_GRAD {
        tg_add_(x, o);
        tg_sub_(x, tg_from_f32(F32(0.5), TG_SHAPE(1)));
        tg_pow_(x, tg_from_f32(F32(2.0, 0.5), TG_SHAPE(2, 1)));
        tg_div_(x, o);
        state("no_grad tensor forms", x);
        tg_maximum_(x, tg_from_f32(F32(1.0, 2.0, 30.0), TG_SHAPE(3)));
        tg_minimum_(x, tg_from_f32(F32(3.0, 2.5), TG_SHAPE(2, 1)));
        state("no_grad maximum_ minimum_", x);
    }
    show("no_grad tensor forms value", x);
    tg_scope_end();
}

static void dtype_tests(void)
{
    tg_scope_begin();
    tg_tensor *i = tg_from_i64((const int64_t[]){1, 2, 3, 4}, TG_SHAPE(2, 2));
    tg_add_(i, tg_from_i64((const int64_t[]){10, 20}, TG_SHAPE(2)));
    tg_mul_scalar_(i, 3);
    tg_sub_scalar_(i, 1);
    show("int64 in place", i);
    printf("int64 version: %llu\n", (unsigned long long)tg_version(i));
    tg_tensor *j = tg_from_i32((const int32_t[]){1, 2, 3}, TG_SHAPE(3));
    tg_add_(j, tg_from_i64((const int64_t[]){1, 1, 1}, TG_SHAPE(3)));
    tg_mul_(j, tg_from_i64((const int64_t[]){2}, TG_SHAPE()));
    show("int32 add_ int64", j);
    tg_tensor *f = tg_from_f32(F32(1.5, 2.5, 3.5), TG_SHAPE(3));
    tg_add_(f, tg_from_i64((const int64_t[]){1, 2, 3}, TG_SHAPE(3)));
    tg_add_(f, tg_from_f64((const double[]){0.1, 0.2, 0.3}, TG_SHAPE(3)));
    show("float32 add_ int64 and float64", f);
    tg_pow_(f, tg_from_i64((const int64_t[]){2}, TG_SHAPE()));
    tg_div_(f, tg_from_bool((const bool[]){true, true, true}, TG_SHAPE(3)));
    show("float32 pow_ and div_ by other dtypes", f);
    tg_tensor *b = tg_from_bool((const bool[]){true, false}, TG_SHAPE(2));
    tg_mul_(b, tg_from_bool((const bool[]){true, true}, TG_SHAPE(2)));
    show("bool mul_", b);
    tg_tensor *d = tg_zeros(TG_SHAPE(2, 3), TG_F32);
    tg_tensor *v = tg_view(d, TG_SHAPE(3, 2));
    tg_add_scalar_(v, 1);
    tg_fill_(tg_slice(d, 1, 0, 3, 2), 5.0);
    show("through views", d);
    printf("versions: %llu %llu\n", (unsigned long long)tg_version(d), (unsigned long long)tg_version(v));
    tg_scope_end();
}

int main(void)
{
    binary_tests();
    scalar_tests();
    chain_tests();
    overwrite_tests();
    no_grad_tests();
    dtype_tests();
    return 0;
}
