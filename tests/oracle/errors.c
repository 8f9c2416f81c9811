/* The exact text of PyTorch's errors for misuse of autograd (backward twice,
   saved tensors modified in place, in-place on leaves and their views,
   implicit gradients, tensors without grad, gradient shapes), for shapes that
   do not broadcast or view, for dims and indices out of range, for dtypes an
   operation or an in-place result cannot take, and a few neighbouring cases
   that must succeed. Prints what errors.py prints with PyTorch. */
#include <tensorgrad.h>

#include <stdio.h>
#include <stdlib.h>

#include "oracle.h"

/* Python's err(): the error of a failed call, or "ok" and the result. */
#define ERR(label, expr) do {                                                  \
        tg_clear_error();                                                      \
        const tg_tensor *r_ = (expr);                                          \
        if (!r_) printf("%s: error: %s\n", (label), tg_last_error());          \
        else {                                                                 \
            printf("%s: ok ", (label));                                        \
            tg_print(r_);                                                      \
        }                                                                      \
        fflush(stdout);                                                        \
    } while (0)

/* The same for calls that return 0 / -1, or whose result is not printed. */
#define ERR_RC(label, expr) do {                                               \
        tg_clear_error();                                                      \
        if ((expr) != 0) printf("%s: error: %s\n", (label), tg_last_error());  \
        else printf("%s: ok\n", (label));                                      \
        fflush(stdout);                                                        \
    } while (0)
#define ERR_VOID(label, expr) ERR_RC(label, (expr) ? 0 : -1)

/* Python's print(label, t, t._version). */
static void with_version(const char *label, const tg_tensor *t)
{
    char *s = tg_repr(t);
    printf("%s %s %llu\n", label, s, (unsigned long long)tg_version(t));
    free(s);
}

static tg_tensor *vec3(void) { return leaf(tg_from_f32(F32(1.0, 2.0, 3.0), TG_SHAPE(3))); }
static tg_tensor *ones(const int64_t *shape, int nd) { return tg_ones(shape, nd, TG_F32); }

static void backward_twice(void)
{
    tg_scope_begin();
    tg_tensor *x = vec3();
    tg_tensor *y = tg_sum(tg_mul(x, x));
    tg_backward(y, NULL);
    ERR_RC("backward twice", tg_backward(y, NULL));

    x = vec3();
    y = tg_sum(tg_exp(x));
    tg_tensor *g;
    tg_autograd_grad(&y, 1, &x, 1, NULL, (tg_backward_opts){0}, &g);
    ERR_RC("autograd.grad twice", tg_autograd_grad(&y, 1, &x, 1, NULL, (tg_backward_opts){0}, &g));

    x = vec3();
    y = tg_sum(tg_add(x, x));   /* nothing saved: a second backward works */
    tg_backward(y, NULL);
    ERR_RC("backward twice, nothing saved", tg_backward(y, NULL));

    x = vec3();
    y = tg_sum(tg_mul_scalar(x, 2));   /* a scalar is all MulBackward0 keeps */
    tg_backward(y, NULL);
    ERR_RC("backward twice, scalar saved", tg_backward(y, NULL));

    x = vec3();
    tg_tensor *z = tg_exp(x);
    tg_tensor *z2 = tg_sum(tg_mul_scalar(z, 2));
    y = tg_add(z2, tg_sum(z));
    tg_backward_ex(y, NULL, (tg_backward_opts){.retain_graph = true});
    tg_backward(y, NULL);
    ERR_RC("backward three times", tg_backward(y, NULL));
    printf("grad after two backwards: ");
    tg_print(tg_grad(x));

    x = leaf(tg_from_f32(F32(0.5, 1.5), TG_SHAPE(2)));
    tg_tensor *h = tg_tanh(x);
    tg_backward(tg_sum(tg_mul_scalar(h, 2)), NULL);   /* frees TanhBackward0's saved result */
    ERR_RC("shared node freed by another graph", tg_backward(tg_sum(tg_mul_scalar(h, 3)), NULL));
    tg_scope_end();
}

static void versions(void)
{
    tg_scope_begin();
    tg_tensor *x = vec3();
    tg_tensor *y = tg_exp(x);
    tg_tensor *z = tg_sum(y);
    tg_add_scalar_(y, 1);
    ERR_RC("version: saved output", tg_backward(z, NULL));

    x = leaf(tg_to(tg_from_f32(F32(1.0, 2.0, 3.0, 4.0, 5.0, 6.0), TG_SHAPE(2, 3)), TG_F64));
    tg_tensor *a = tg_add_scalar(x, 1);
    tg_tensor *b = tg_mul(a, a);
    tg_mul_scalar_(a, 3);
    ERR_RC("version: saved input", tg_backward(tg_sum(b), NULL));

    x = leaf(tg_from_f32(F32(1.0, 2.0), TG_SHAPE(2)));
    y = tg_sum(tg_mul(x, x));
    TG_NO_GRAD {
        tg_add_scalar_(x, 1);
        tg_mul_scalar_(x, 2);
    }
    ERR_RC("version: saved leaf", tg_backward(y, NULL));

    x = vec3();
    y = tg_clone(x);
    tg_mul_(y, y);
    ERR_RC("version: mul_ by itself", tg_backward(tg_sum(y), NULL));

    x = leaf(tg_from_f32(F32(1.0, 2.0, 3.0, 4.0), TG_SHAPE(2, 2)));
    a = tg_mul_scalar(x, 1);
    b = tg_sigmoid(a);
    TG_NO_GRAD {
        tg_add_scalar_(tg_view(tg_detach(a), TG_SHAPE(4)), 1);
        tg_zero_(tg_select(tg_detach(b), 0, 1));
    }
    ERR_RC("version: through views", tg_backward(tg_sum(b), NULL));

    x = leaf(tg_from_f32(F32(1.0, 2.0), TG_SHAPE(2)));
    y = tg_sqrt(x);
    tg_tensor *s = tg_sum(tg_mul(y, y)), *g;
    tg_pow_scalar_(y, 2);
    ERR_RC("version: autograd.grad", tg_autograd_grad(&s, 1, &x, 1, NULL, (tg_backward_opts){0}, &g));
    tg_scope_end();
}

static void inplace_on_leaves(void)
{
    tg_scope_begin();
    tg_tensor *x = vec3();
    ERR("leaf add_", tg_add_scalar_(x, 1));
    ERR("leaf add_ tensor", tg_add_(x, ones(TG_SHAPE(3))));
    ERR("leaf mul_", tg_mul_scalar_(x, 2));
    ERR("leaf zero_", tg_zero_(x));
    ERR("leaf fill_", tg_fill_(x, 2));
    ERR("leaf copy_", tg_copy_(x, ones(TG_SHAPE(3))));
    ERR("view of leaf add_", tg_add_scalar_(tg_view(x, TG_SHAPE(3)), 1));
    ERR("select of leaf mul_", tg_mul_scalar_(tg_select(x, 0, 1), 2));
    ERR("slice of leaf sub_", tg_sub_scalar_(tg_slice(x, 0, 0, 2, 1), 1));
    ERR("unsqueeze of leaf zero_", tg_zero_(tg_unsqueeze(x, 0)));
    ERR("view of view of leaf fill_", tg_fill_(tg_transpose(tg_view(x, TG_SHAPE(1, 3)), 0, 1), 0));
    ERR("detach of leaf add_", tg_add_scalar_(tg_detach(x), 0));
    with_version("leaf after failed in-place:", x);
    TG_NO_GRAD {
        ERR_VOID("leaf add_ under no_grad", tg_add_scalar_(x, 1));
        ERR_VOID("view of leaf add_ under no_grad", tg_add_scalar_(tg_view(x, TG_SHAPE(3)), 1));
    }
    with_version("leaf after no_grad in-place:", x);
    tg_scope_end();
}

static void bad_roots(void)
{
    tg_scope_begin();
    tg_tensor *x = vec3(), *g[2];
    tg_tensor *x2 = tg_mul_scalar(x, 2);
    ERR_RC("implicit grad, non-scalar", tg_backward(x2, NULL));
    ERR_RC("implicit grad, autograd.grad", tg_autograd_grad(&x2, 1, &x, 1, NULL, (tg_backward_opts){0}, g));
    ERR_RC("implicit grad, 1-element", tg_backward(tg_mul_scalar(tg_slice(x, 0, 0, 1, 1), 2), NULL));
    printf("grad from 1-element root: ");
    tg_print(tg_grad(x));
    ERR_RC("no grad: plain tensor", tg_backward(tg_sum(tg_ones(TG_SHAPE(3), TG_F32)), NULL));
    ERR_RC("no grad: leaf without requires_grad", tg_backward(tg_ones(TG_SHAPE(), TG_F32), NULL));
    ERR_RC("no grad: detached", tg_backward(tg_detach(tg_sum(tg_mul_scalar(x, 2))), NULL));
    tg_tensor *z = NULL;
    TG_NO_GRAD { z = tg_sum(tg_mul_scalar(x, 2)); }
    ERR_RC("no grad: made under no_grad", tg_backward(z, NULL));
    tg_tensor *plain = tg_sum(tg_ones(TG_SHAPE(3), TG_F32));
    ERR_RC("no grad: autograd.grad output", tg_autograd_grad(&plain, 1, &x, 1, NULL, (tg_backward_opts){0}, g));
    tg_tensor *s = tg_sum(tg_mul_scalar(x, 2)), *no_grad_in = tg_ones(TG_SHAPE(2), TG_F32);
    ERR_RC("autograd.grad input without grad", tg_autograd_grad(&s, 1, &no_grad_in, 1, NULL, (tg_backward_opts){0}, g));
    s = tg_sum(tg_mul_scalar(x, 2));
    tg_tensor *unused[2] = {x, leaf(tg_from_f32(F32(1.0), TG_SHAPE(1)))};
    ERR_RC("autograd.grad input not used", tg_autograd_grad(&s, 1, unused, 2, NULL, (tg_backward_opts){0}, g));
    s = tg_sum(tg_mul_scalar(x, 2));
    ERR_RC("autograd.grad allow_unused", tg_autograd_grad(&s, 1, unused, 2, NULL, (tg_backward_opts){.allow_unused = true}, g));
    show("autograd.grad allow_unused, used", g[0]);
    printf("autograd.grad allow_unused, unused: ");
    tg_print(g[1]);
    ERR_RC("gradient shape", tg_backward(tg_mul_scalar(x, 2), ones(TG_SHAPE(2))));
    ERR_RC("gradient shape 2-D", tg_backward(tg_mul_scalar(x, 2), ones(TG_SHAPE(3, 1))));
    ERR_RC("gradient shape 0-dim", tg_backward(tg_sum(tg_mul_scalar(x, 2)), ones(TG_SHAPE(1))));
    tg_tensor *outs[2] = {tg_mul_scalar(x, 2), tg_sum(x)};
    ERR_RC("gradient shape, autograd.grad",
           tg_autograd_grad(outs, 2, &x, 1, (tg_tensor *[]){ones(TG_SHAPE(2)), ones(TG_SHAPE())}, (tg_backward_opts){0}, g));
    ERR_RC("gradient shape, second output",
           tg_autograd_grad(outs, 2, &x, 1, (tg_tensor *[]){ones(TG_SHAPE(3)), ones(TG_SHAPE(2))}, (tg_backward_opts){0}, g));
    tg_scope_end();
}

static void requires_grad(void)
{
    tg_scope_begin();
    tg_tensor *x = vec3();
    ERR("requires_grad_ int64", tg_requires_grad_(tg_from_i64(I64(1, 2), TG_SHAPE(2)), true));
    ERR("requires_grad_ int32", tg_requires_grad_(tg_from_i32((const int32_t[]){1, 2}, TG_SHAPE(2)), true));
    ERR("requires_grad_ bool", tg_requires_grad_(tg_from_bool((const bool[]){true}, TG_SHAPE(1)), true));
    ERR("requires_grad_ False on int", tg_requires_grad_(tg_from_i64(I64(1, 2), TG_SHAPE(2)), false));
    ERR("requires_grad_ False on non-leaf", tg_requires_grad_(tg_mul_scalar(x, 2), false));
    ERR("requires_grad_ True on non-leaf", tg_requires_grad_(tg_mul_scalar(x, 2), true));
    ERR("requires_grad_ f64", tg_requires_grad_(tg_ones(TG_SHAPE(1), TG_F64), true));
    tg_scope_end();
}

static void broadcasting(void)
{
    tg_scope_begin();
    tg_tensor *a = ones(TG_SHAPE(2, 3)), *b = ones(TG_SHAPE(4));
    ERR("add (2,3) (4)", tg_add(a, b));
    ERR("mul (2,3) (3,2)", tg_mul(a, ones(TG_SHAPE(3, 2))));
    ERR("sub 3-D", tg_sub(ones(TG_SHAPE(2, 3, 4)), ones(TG_SHAPE(3, 3, 4))));
    ERR("div (2,3) (2)", tg_div(a, ones(TG_SHAPE(2))));
    ERR("pow (5) (2,3)", tg_pow(ones(TG_SHAPE(5)), a));
    ERR("maximum", tg_maximum(a, ones(TG_SHAPE(2))));
    ERR("minimum", tg_minimum(ones(TG_SHAPE(3, 1, 2)), ones(TG_SHAPE(4, 3))));
    ERR("where", tg_where(tg_ones(TG_SHAPE(2), TG_BOOL), ones(TG_SHAPE(3)), ones(TG_SHAPE(1))));
    ERR("where condition", tg_where(tg_ones(TG_SHAPE(4), TG_BOOL), a, a));
    ERR("in-place output shape", tg_add_(ones(TG_SHAPE(3)), a));
    ERR("in-place output shape scalar", tg_mul_(ones(TG_SHAPE()), ones(TG_SHAPE(2))));
    ERR("in-place broadcast error", tg_add_(a, ones(TG_SHAPE(2))));
    ERR("copy_ broadcast", tg_copy_(ones(TG_SHAPE(2)), ones(TG_SHAPE(3))));
    ERR("copy_ to smaller", tg_copy_(ones(TG_SHAPE(2)), ones(TG_SHAPE(2, 2))));
    ERR("mse_loss", tg_mse_loss(a, b));
    ERR("bce_with_logits", tg_binary_cross_entropy_with_logits(a, ones(TG_SHAPE(3))));
    tg_scope_end();
}

static void views(void)
{
    tg_scope_begin();
    tg_tensor *t = tg_reshape(tg_arange(0, 6, 1, TG_F32), TG_SHAPE(2, 3));
    ERR("view size", tg_view(t, TG_SHAPE(4, 2)));
    ERR("view -1 size", tg_view(t, TG_SHAPE(4, -1)));
    ERR("view two -1", tg_view(t, TG_SHAPE(-1, -1)));
    ERR("view 0 and -1", tg_view(t, TG_SHAPE(0, -1)));
    ERR("view negative", tg_view(t, TG_SHAPE(-2, 3)));
    ERR("view transposed", tg_view(tg_transpose(t, 0, 1), TG_SHAPE(6)));
    ERR("view sliced", tg_view(tg_slice(t, 1, 0, 3, 2), TG_SHAPE(4)));
    ERR("view expanded", tg_view(tg_expand(tg_unsqueeze(t, 1), TG_SHAPE(2, 2, 3)), TG_SHAPE(12)));
    ERR("view sliced ok", tg_view(tg_slice(ones(TG_SHAPE(2, 6)), 1, 0, 6, 2), TG_SHAPE(6)));
    ERR("reshape size", tg_reshape(t, TG_SHAPE(4, 2)));
    ERR("expand size", tg_expand(t, TG_SHAPE(3, 3)));
    ERR("expand fewer dims", tg_expand(t, TG_SHAPE(3)));
    ERR("expand leading -1", tg_expand(t, TG_SHAPE(-1, -1, 3)));
    ERR("expand -2", tg_expand(t, TG_SHAPE(2, -2)));
    tg_scope_end();
}

static void dims(void)
{
    tg_scope_begin();
    tg_tensor *t = tg_reshape(tg_arange(0, 6, 1, TG_F32), TG_SHAPE(2, 3));
    ERR("sum_dim 2", tg_sum_dim(t, I64(2), 1, false));
    ERR("sum_dim -3", tg_sum_dim(t, I64(0, -3), 2, false));
    ERR("sum_dim repeated", tg_sum_dim(t, I64(0, -2), 2, false));
    ERR("mean_dim 5", tg_mean_dim(t, I64(5), 1, true));
    ERR("max_dim 2", tg_max_dim(t, 2, false, NULL));
    ERR("max_dim -3", tg_max_dim(t, -3, false, NULL));
    ERR("max_dim empty", tg_max_dim(ones(TG_SHAPE(2, 0)), 1, false, NULL));
    ERR("transpose 2", tg_transpose(t, 0, 2));
    ERR("transpose -3", tg_transpose(t, -3, 1));
    ERR("permute 2", tg_permute(t, I64(0, 2), 2));
    ERR("permute duplicate", tg_permute(t, I64(1, 1), 2));
    ERR("permute length", tg_permute(t, I64(0), 1));
    ERR("unsqueeze 3", tg_unsqueeze(t, 3));
    ERR("unsqueeze -4", tg_unsqueeze(t, -4));
    ERR("squeeze 2", tg_squeeze_dim(t, 2));
    ERR("select dim", tg_select(t, 2, 0));
    ERR("select index", tg_select(t, 1, 3));
    ERR("select negative index", tg_select(t, 0, -3));
    ERR("select 0-dim", tg_select(ones(TG_SHAPE()), 0, 0));
    ERR("slice dim", tg_slice(t, 2, 0, 1, 1));
    ERR("slice step 0", tg_slice(t, 1, 0, 3, 0));
    ERR("slice step -1", tg_slice(t, 1, 0, 3, -1));
    ERR("slice 0-dim", tg_slice(ones(TG_SHAPE()), 0, 0, 1, 1));
    tg_tensor *z0 = ones(TG_SHAPE());
    ERR("0-dim sum_dim 1", tg_sum_dim(z0, I64(1), 1, false));
    ERR("0-dim transpose", tg_transpose(z0, 0, 1));
    ERR("0-dim max_dim", tg_max_dim(z0, 1, false, NULL));
    ERR("0-dim squeeze", tg_squeeze_dim(z0, 1));
    ERR("0-dim unsqueeze", tg_unsqueeze(z0, 2));
    tg_scope_end();
}

static void matmul(void)
{
    tg_scope_begin();
    tg_tensor *a = ones(TG_SHAPE(2, 3));
    ERR("matmul 0-dim", tg_matmul(ones(TG_SHAPE()), ones(TG_SHAPE(3))));
    ERR("matmul 1-D 1-D", tg_matmul(ones(TG_SHAPE(3)), ones(TG_SHAPE(4))));
    ERR("matmul 2-D 1-D", tg_matmul(a, ones(TG_SHAPE(4))));
    ERR("matmul 1-D 2-D", tg_matmul(ones(TG_SHAPE(3)), ones(TG_SHAPE(4, 2))));
    ERR("matmul 2-D 2-D", tg_matmul(a, ones(TG_SHAPE(4, 5))));
    ERR("matmul 3-D 1-D", tg_matmul(ones(TG_SHAPE(2, 2, 3)), ones(TG_SHAPE(4))));
    ERR("matmul 1-D 3-D", tg_matmul(ones(TG_SHAPE(4)), ones(TG_SHAPE(2, 3, 2))));
    ERR("matmul 3-D 2-D", tg_matmul(ones(TG_SHAPE(2, 2, 3)), ones(TG_SHAPE(4, 2))));
    ERR("matmul 2-D 3-D", tg_matmul(ones(TG_SHAPE(2, 4)), ones(TG_SHAPE(2, 3, 2))));
    ERR("matmul 3-D 3-D", tg_matmul(ones(TG_SHAPE(2, 2, 3)), ones(TG_SHAPE(2, 4, 5))));
    ERR("matmul batch", tg_matmul(ones(TG_SHAPE(2, 2, 3)), ones(TG_SHAPE(3, 3, 5))));
    ERR("matmul dtypes", tg_matmul(a, tg_ones(TG_SHAPE(3, 2), TG_F64)));
    ERR("matmul dtypes 1-D", tg_matmul(ones(TG_SHAPE(3)), tg_ones(TG_SHAPE(3), TG_F64)));
    ERR("matmul dtypes mv", tg_matmul(a, tg_ones(TG_SHAPE(3), TG_F64)));
    ERR("matmul dtypes batched", tg_matmul(ones(TG_SHAPE(2, 2, 2)), tg_ones(TG_SHAPE(2, 2, 2), TG_F64)));
    ERR("matmul int float", tg_matmul(tg_ones(TG_SHAPE(2, 2), TG_I64), ones(TG_SHAPE(2, 2))));
    ERR("matmul bool", tg_matmul(tg_ones(TG_SHAPE(2, 2), TG_BOOL), tg_ones(TG_SHAPE(2, 2), TG_BOOL)));
    tg_scope_end();
}

static tg_tensor *ints(void) { return tg_from_i64(I64(1, 2), TG_SHAPE(2)); }
static tg_tensor *bools(bool a) { return tg_from_bool((const bool[]){a}, TG_SHAPE(1)); }

static void dtypes(void)
{
    tg_scope_begin();
    tg_tensor *i = ints();
    ERR("in-place int add_ float", tg_add_(ints(), ones(TG_SHAPE(2))));
    ERR("in-place int add_ 1.5", tg_add_scalar_(ints(), 1.5));
    ERR("in-place int sub_ 0.5", tg_sub_scalar_(ints(), 0.5));
    ERR("in-place int mul_ 0-dim float", tg_mul_(ints(), tg_scalar(1.5)));
    ERR("in-place int div_ int", tg_div_(ints(), i));
    ERR("in-place int div_ 2", tg_div_scalar_(ints(), 2));
    ERR("in-place int pow_ float", tg_pow_(ints(), tg_from_f32(F32(0.5, 1.0), TG_SHAPE(2))));
    ERR("in-place int pow_ -1", tg_pow_scalar_(ints(), -1));
    ERR("in-place int pow_ 0.5", tg_pow_scalar_(ints(), 0.5));
    ERR("in-place bool pow_ 2", tg_pow_scalar_(bools(true), 2));
    ERR("in-place int32 add_ f64", tg_add_(tg_from_i32((const int32_t[]){1}, TG_SHAPE(1)), tg_ones(TG_SHAPE(1), TG_F64)));
    ERR("in-place bool add_ int", tg_add_(bools(true), tg_from_i64(I64(1), TG_SHAPE(1))));
    ERR("in-place bool mul_ 2", tg_mul_scalar_(bools(true), 2));
    ERR("in-place f32 add_ f64", tg_add_(ones(TG_SHAPE(2)), tg_ones(TG_SHAPE(2), TG_F64)));
    ERR("in-place int pow_ 2", tg_pow_scalar_(ints(), 2));
    ERR("in-place int copy_ float", tg_copy_(ints(), tg_from_f32(F32(1.7, -1.7), TG_SHAPE(2))));
    ERR("in-place int fill_ 2.7", tg_fill_(ints(), 2.7));
    ERR("in-place bool fill_ 0.5", tg_fill_(tg_from_bool((const bool[]){true, false}, TG_SHAPE(2)), 0.5));
    ERR("bool sub", tg_sub(bools(true), bools(false)));
    ERR("bool rsub", tg_rsub_scalar(bools(true), 1));
    ERR("bool neg", tg_neg(bools(true)));
    ERR("bool sub int", tg_sub(bools(true), tg_from_i64(I64(1), TG_SHAPE(1))));
    ERR("int sub bool", tg_sub(tg_from_i64(I64(1), TG_SHAPE(1)), bools(true)));
    ERR("bool sub scalar", tg_sub_scalar(bools(true), 1));
    ERR("int pow -1", tg_pow_scalar(i, -1));
    ERR("bool pow -1", tg_pow_scalar(bools(true), -1));
    ERR("int pow tensor -1", tg_pow(i, tg_from_i64(I64(-1, 2), TG_SHAPE(2))));
    ERR("mean int", tg_mean(i));
    ERR("mean_dim int", tg_mean_dim(i, I64(0), 1, false));
    ERR("norm int", tg_norm(i));
    ERR("where float condition", tg_where(ones(TG_SHAPE(2)), ones(TG_SHAPE(2)), ones(TG_SHAPE(2))));
    ERR("max_dim bool", tg_max_dim(tg_from_bool((const bool[]){true, false, false, false}, TG_SHAPE(2, 2)), 1, false, NULL));
    ERR("bce_with_logits int target", tg_binary_cross_entropy_with_logits(ones(TG_SHAPE(2)), i));
    ERR("bce_with_logits int input", tg_binary_cross_entropy_with_logits(i, ones(TG_SHAPE(2))));
    ERR("bce_with_logits bool target",
        tg_binary_cross_entropy_with_logits(ones(TG_SHAPE(2)), tg_from_bool((const bool[]){true, false}, TG_SHAPE(2))));
    ERR("bce_with_logits f64 target", tg_binary_cross_entropy_with_logits(ones(TG_SHAPE(2)), tg_ones(TG_SHAPE(2), TG_F64)));
    ERR("mse_loss int", tg_mse_loss(i, i));
    ERR("mse_loss bool", tg_mse_loss(bools(true), bools(false)));
    ERR("mse_loss f32 int", tg_mse_loss(tg_from_f32(F32(1.0, 2.5), TG_SHAPE(2)), i));
    ERR("mse_loss f32 f64", tg_mse_loss(tg_from_f32(F32(1.0, 2.5), TG_SHAPE(2)), tg_to(i, TG_F64)));
    tg_scope_end();
}

static void readers(void)
{
    tg_scope_begin();
    tg_clear_error();
    double v = tg_item(ones(TG_SHAPE(3)));
    (void)v;
    printf("item of 3 elements: error: %s\n", tg_last_error());
    tg_clear_error();
    v = tg_item(ones(TG_SHAPE(0)));
    printf("item of 0 elements: error: %s\n", tg_last_error());
    ERR("arange step 0", tg_arange(0, 3, 0, TG_F32));
    ERR("arange wrong sign", tg_arange(0, 3, -1, TG_F32));
    ERR("zeros negative", tg_zeros(TG_SHAPE(2, -1), TG_F32));
    tg_scope_end();
}

int main(void)
{
    backward_twice();
    versions();
    inplace_on_leaves();
    bad_roots();
    requires_grad();
    broadcasting();
    views();
    dims();
    matmul();
    dtypes();
    readers();
    return 0;
}
