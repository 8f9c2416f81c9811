/* tg_autograd_grad with and without create_graph (first derivatives that
   have a graph, second derivatives through them), backward with
   create_graph, retain_graph, and gradient accumulation across backward
   calls. Prints what ops_highorder.py prints with PyTorch. */
#include <tensorgrad.h>

#include <stdio.h>

#include "oracle.h"

/* A derivative's value and whether it has a graph. The graph itself is not
   compared: tensorgrad's derivative formulas are built from its own
   operations, not node for node from PyTorch's derivatives.yaml. */
static void derivative(const char *label, const tg_tensor *g)
{
    show(label, g ? tg_detach(g) : NULL);
    if (g) printf("%s requires_grad: %s\n", label, tg_requires_grad(g) ? "True" : "False");
}

/* torch.autograd.grad: prints each gradient and stores it into out (n_in
   entries); 0, or -1 with the error left for the caller. Python's default
   retain_graph=None means "as create_graph", which C spells out. */
static int grads(const char *label, tg_tensor *const *outs, int n_out, tg_tensor *const *ins, int n_in,
                 tg_tensor *const *grad_outs, tg_backward_opts opts, tg_tensor **out)
{
    tg_clear_error();
    if (tg_autograd_grad(outs, n_out, ins, n_in, grad_outs, opts, out) != 0) return -1;
    char buf[160];
    for (int i = 0; i < n_in; i++) {
        snprintf(buf, sizeof buf, "%s d%d", label, i);
        derivative(buf, out[i]);
    }
    return 0;
}

static const tg_backward_opts CREATE = {.retain_graph = true, .create_graph = true};
static const tg_backward_opts RETAIN = {.retain_graph = true};
static const tg_backward_opts PLAIN = {0};

static tg_tensor *xs(void) { return leaf(tg_from_f32(F32(0.5, 1.25, 2.0, 1.5, 0.25, 3.0), TG_SHAPE(2, 3))); }
static tg_tensor *ys(void) { return leaf(tg_from_f32(F32(2.0, -1.0, 0.5, 1.0, 3.0, -0.5), TG_SHAPE(2, 3))); }

/* Operands are computed in Python's left-to-right order (C leaves argument
   order unspecified): creation order decides the order backward runs
   nodes in, and so the order gradients are summed in. */
typedef const tg_tensor cT;
static tg_tensor *f_cube(cT *x, cT *y) { (void)y; return tg_pow_scalar(x, 3); }
static tg_tensor *f_exp_sin(cT *x, cT *y)
{
    (void)y;
    tg_tensor *e = tg_exp(x);
    return tg_mul(e, tg_sin(x));
}
static tg_tensor *f_tanh_sigmoid(cT *x, cT *y)
{
    (void)y;
    tg_tensor *t = tg_tanh(x);
    return tg_add(t, tg_sigmoid(x));
}
static tg_tensor *f_log_div(cT *x, cT *y) { (void)y; return tg_div(tg_log(x), x); }
static tg_tensor *f_sqrt_mul(cT *x, cT *y) { (void)y; return tg_mul(tg_sqrt(x), x); }
static tg_tensor *f_cos_neg(cT *x, cT *y) { (void)y; return tg_neg(tg_cos(tg_mul_scalar(x, 2))); }
static tg_tensor *f_xyy(cT *x, cT *y) { return tg_mul(tg_mul(x, y), y); }
static tg_tensor *f_div(cT *x, cT *y) { return tg_div(x, y); }
static tg_tensor *f_pow(cT *x, cT *y) { return tg_pow(x, y); }
static tg_tensor *f_rpow(cT *x, cT *y) { return tg_pow(tg_abs(y), x); }
static tg_tensor *f_sub_rsub(cT *x, cT *y)
{
    tg_tensor *r = tg_rsub_scalar(x, 1);
    tg_tensor *a = tg_mul(r, tg_sub(x, y));
    return tg_add(a, tg_mul(tg_add_scalar(y, 2), x));
}
static tg_tensor *f_scalar_forms(cT *x, cT *y)
{
    (void)y;
    tg_tensor *a = tg_div_scalar(tg_sub_scalar(tg_mul_scalar(x, 3), 1), 2);
    return tg_add(a, tg_pow_scalar(x, 0.5));
}
static tg_tensor *f_maximum(cT *x, cT *y) { return tg_mul(tg_maximum(x, y), x); }
static tg_tensor *f_minimum(cT *x, cT *y) { return tg_minimum(tg_mul(x, x), y); }
static tg_tensor *f_abs_relu(cT *x, cT *y)
{
    tg_tensor *a = tg_abs(tg_sub(y, x));
    return tg_mul(tg_mul(a, tg_relu(y)), x);
}
static tg_tensor *f_where(cT *x, cT *y)
{
    tg_tensor *positive = tg_from_bool((const bool[]){true, false, true, true, true, false}, TG_SHAPE(2, 3));
    tg_tensor *xx = tg_mul(x, x);
    return tg_where(positive, xx, tg_mul(y, x));   /* y > 0 */
}
static tg_tensor *f_sum_dim(cT *x, cT *y) { (void)y; return tg_mul(tg_sum_dim(x, (const int64_t[]){1}, 1, true), x); }
static tg_tensor *f_mean_dim(cT *x, cT *y)
{
    return tg_pow_scalar(tg_mean_dim(tg_mul(x, y), (const int64_t[]){0}, 1, false), 2);
}
static tg_tensor *f_mean(cT *x, cT *y) { (void)y; return tg_mul(tg_mean(x), x); }
static tg_tensor *f_max_dim(cT *x, cT *y) { (void)y; return tg_pow_scalar(tg_max_dim(x, 1, false, NULL), 2); }
static tg_tensor *f_norm(cT *x, cT *y) { (void)y; return tg_mul(tg_norm(x), x); }
static tg_tensor *f_view_transpose(cT *x, cT *y)
{
    tg_tensor *a = tg_transpose(tg_view(x, TG_SHAPE(3, 2)), 0, 1);
    tg_tensor *b = tg_transpose(tg_view(y, TG_SHAPE(3, 2)), 0, 1);
    return tg_mul(tg_mul(a, b), x);
}
static tg_tensor *f_permute_expand(cT *x, cT *y)
{
    (void)y;
    tg_tensor *e = tg_expand(tg_unsqueeze(tg_permute(x, (const int64_t[]){1, 0}, 2), 0), TG_SHAPE(2, 3, 2));
    return tg_pow_scalar(tg_sum_dim(e, (const int64_t[]){0}, 1, false), 2);
}
static tg_tensor *f_select_slice(cT *x, cT *y)
{
    (void)y;
    tg_tensor *a = tg_pow_scalar(tg_select(x, 0, 1), 3);
    return tg_add(a, tg_pow_scalar(tg_sum(tg_slice(x, 1, 0, 3, 2)), 2));
}
static tg_tensor *f_matmul(cT *x, cT *y) { return tg_pow_scalar(tg_matmul(x, tg_transpose(y, 0, 1)), 2); }
static tg_tensor *f_matmul_relu(cT *x, cT *y) { return tg_relu(tg_matmul(tg_transpose(x, 0, 1), y)); }
static tg_tensor *f_matmul_vector(cT *x, cT *y) { return tg_pow_scalar(tg_matmul(x, tg_select(y, 0, 0)), 2); }
static tg_tensor *f_to_f64(cT *x, cT *y) { (void)y; return tg_pow_scalar(tg_to(x, TG_F64), 2); }
static tg_tensor *f_mse(cT *x, cT *y) { return tg_mse_loss(tg_mul(x, x), y); }
static tg_tensor *f_bce(cT *x, cT *y) { return tg_binary_cross_entropy_with_logits(tg_mul(x, y), tg_sigmoid(y)); }

typedef tg_tensor *(*func)(cT *, cT *);
static const struct { const char *name; bool uses_y; func f; } FUNCS[] = {
    {"cube", false, f_cube},
    {"exp sin", false, f_exp_sin},
    {"tanh sigmoid", false, f_tanh_sigmoid},
    {"log div", false, f_log_div},
    {"sqrt mul", false, f_sqrt_mul},
    {"cos neg", false, f_cos_neg},
    {"x*y", true, f_xyy},
    {"x/y", true, f_div},
    {"x**y", true, f_pow},
    {"y**x", true, f_rpow},
    {"sub rsub", true, f_sub_rsub},
    {"scalar forms", false, f_scalar_forms},
    {"maximum", true, f_maximum},
    {"minimum", true, f_minimum},
    {"abs relu", true, f_abs_relu},
    {"where", true, f_where},
    {"sum_dim", false, f_sum_dim},
    {"mean_dim", true, f_mean_dim},
    {"mean", false, f_mean},
    {"max_dim", false, f_max_dim},
    {"norm", false, f_norm},
    {"view transpose", true, f_view_transpose},
    {"permute expand", false, f_permute_expand},
    {"select slice", false, f_select_slice},
    {"matmul", true, f_matmul},
    {"matmul relu", true, f_matmul_relu},
    {"matmul vector", true, f_matmul_vector},
    {"to f64", false, f_to_f64},
    {"mse_loss", true, f_mse},
    {"bce_with_logits", true, f_bce},
};

/* First derivatives with create_graph, then the second derivatives of
   sum(w * first) for each input in turn. */
static void second_order(const char *name, bool uses_y, func f)
{
    char label[160];
    tg_scope_begin();
    tg_tensor *x = xs(), *y = ys();
    tg_tensor *wrt[2] = {x, y};
    int n = uses_y ? 2 : 1;
    tg_tensor *out = f(x, y);
    show(name, out);
    if (!out) goto end;
    graph(name, out);
    tg_tensor *first[2];
    snprintf(label, sizeof label, "%s first", name);
    if (grads(label, &out, 1, wrt, n, (tg_tensor *[]){weights(out)}, CREATE, first)) {
        printf("%s error: %s\n", label, tg_last_error());
        goto end;
    }
    for (int i = 0; i < n; i++) {
        if (!tg_requires_grad(first[i])) {
            printf("%s second d%d: constant\n", name, i);
            continue;
        }
        for (int j = 0; j < n; j++) {
            tg_tensor *second, *s = tg_sum(tg_mul(first[i], weights(first[i])));
            snprintf(label, sizeof label, "%s second d%dd%d", name, i, j);
            if (grads(label, &s, 1, &wrt[j], 1, NULL, RETAIN, &second))
                printf("%s error: %s\n", label, tg_last_error());
        }
    }
end:
    tg_scope_end();
}

static void check_rc(const char *label, int rc)
{
    if (rc) printf("%s error: %s\n", label, tg_last_error());
}

static void other_tests(void)
{
    tg_scope_begin();
    /* Third derivative of a one-element function. */
    tg_tensor *x = leaf(tg_scalar(0.5));
    tg_tensor *p4 = tg_pow_scalar(x, 4);
    tg_tensor *y = tg_add(p4, tg_exp(x));
    tg_tensor *g1, *g2, *g3;
    check_rc("third g1", grads("third g1", &y, 1, &x, 1, NULL, CREATE, &g1));
    check_rc("third g2", grads("third g2", &g1, 1, &x, 1, NULL, CREATE, &g2));
    check_rc("third g3", grads("third g3", &g2, 1, &x, 1, NULL, PLAIN, &g3));

    /* autograd.grad does not touch .grad; several outputs with grad_outputs. */
    x = xs();
    y = ys();
    tg_tensor *a = tg_mul(x, y);
    tg_tensor *b = tg_sum(tg_pow_scalar(x, 2)), *two[2];
    check_rc("two outputs", grads("two outputs", (tg_tensor *[]){a, b}, 2, (tg_tensor *[]){x, y}, 2,
                                  (tg_tensor *[]){weights(a), tg_scalar(2.0)}, PLAIN, two));
    printf("grad untouched: %s %s\n", tg_grad(x) ? "set" : "None", tg_grad(y) ? "set" : "None");

    /* backward with create_graph: the gradient has a graph, and a second
       backward through it accumulates into the same .grad. */
    x = leaf(tg_from_f32(F32(0.5, 2.0), TG_SHAPE(2)));
    check_rc("create_graph", tg_backward_ex(tg_sum(tg_pow_scalar(x, 3)), NULL, CREATE));
    derivative("create_graph x.grad", tg_grad(x));
    check_rc("second backward", tg_backward(tg_sum(tg_grad(x)), NULL));
    derivative("after second backward x.grad", tg_grad(x));
    tg_zero_grad(x);   /* breaks the cycle x -> grad -> graph -> x, as PyTorch advises */

    /* retain_graph: backward twice through one graph accumulates. */
    x = leaf(tg_from_f32(F32(0.5, -1.0, 2.0), TG_SHAPE(3)));
    tg_tensor *z = tg_sum(tg_mul(tg_mul(x, x), tg_exp(x)));
    check_rc("retain first", tg_backward_ex(z, NULL, RETAIN));
    show("retain first", tg_grad(x));
    check_rc("retain second", tg_backward_ex(z, NULL, RETAIN));
    show("retain second", tg_grad(x));
    check_rc("retain third", tg_backward(z, NULL));
    show("retain third", tg_grad(x));

    /* Accumulation across two graphs that share a leaf, and clearing .grad. */
    x = leaf(tg_from_f32(F32(1.0, 2.0, 3.0), TG_SHAPE(3)));
    check_rc("accumulate first", tg_backward(tg_sum(tg_mul_scalar(x, 2)), NULL));
    show("accumulate first", tg_grad(x));
    check_rc("accumulate second", tg_backward(tg_sum(tg_pow_scalar(x, 2)), NULL));
    show("accumulate second", tg_grad(x));
    tg_zero_grad(x);
    check_rc("after clearing", tg_backward(tg_sum(tg_pow_scalar(x, 2)), NULL));
    show("after clearing", tg_grad(x));

    /* A leaf used twice in one graph and through two paths. */
    x = leaf(tg_from_f32(F32(1.0, -2.0), TG_SHAPE(2)));
    tg_tensor *u = tg_mul_scalar(x, 3);
    tg_tensor *uu = tg_mul(u, u);
    check_rc("diamond", tg_backward(tg_sum(tg_add(tg_add(uu, tg_mul(u, x)), x)), NULL));
    show("diamond", tg_grad(x));

    /* .grad accumulated from a graph that autograd.grad built. */
    x = leaf(tg_from_f32(F32(0.25, 4.0), TG_SHAPE(2)));
    tg_tensor *gx;
    tg_tensor *sq = tg_sum(tg_pow_scalar(x, 2));
    if (tg_autograd_grad(&sq, 1, &x, 1, NULL, CREATE, &gx) == 0) {
        check_rc("grad of grad into .grad", tg_backward(tg_sum(tg_mul(gx, x)), NULL));
        show("grad of grad into .grad", tg_grad(x));
    } else {
        printf("grad of grad error: %s\n", tg_last_error());
    }

    /* t's derivative is t again (TBackward0), under create_graph too. */
    x = leaf(tg_from_f32(F32(1.0, 2.0, 3.0, 4.0, 5.0, 6.0), TG_SHAPE(2, 3)));
    tg_tensor *w = leaf(tg_from_f32(F32(0.5, -1.0, 2.0, 0.25, 1.5, -0.5), TG_SHAPE(3, 2)));
    tg_tensor *tw = tg_sum(tg_mul(tg_t(x), w));
    if (tg_autograd_grad(&tw, 1, &x, 1, NULL, CREATE, &gx) == 0) {
        show("grad through t", gx);
        graph("grad through t", gx);
    } else {
        printf("grad through t error: %s\n", tg_last_error());
    }
    tg_scope_end();
}

int main(void)
{
    for (size_t i = 0; i < sizeof FUNCS / sizeof FUNCS[0]; i++) second_order(FUNCS[i].name, FUNCS[i].uses_y, FUNCS[i].f);
    other_tests();
    return 0;
}
