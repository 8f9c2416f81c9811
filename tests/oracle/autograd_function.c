/* Custom functions (tg_function_apply, PyTorch's torch.autograd.Function)
   with forward and backward of the user's: values, node names, gradients,
   saved tensors and their version checks, several outputs, mark_dirty,
   mark_non_differentiable, set_materialize_grads, double backward, and the
   errors for wrong gradients. Prints what autograd_function.py prints. */
#include <tensorgrad.h>

#include <stdio.h>
#include <stdlib.h>

#include "oracle.h"

#define LIST(...) ((tg_tensor *[]){__VA_ARGS__}), (int)(sizeof((tg_tensor *[]){__VA_ARGS__}) / sizeof(tg_tensor *))

static void err(const char *label, int rc)
{
    if (rc == 0) printf("%s: ok\n", label);
    else printf("%s: error: %s\n", label, tg_last_error());
    tg_clear_error();
}

static void grads(const char *label, tg_tensor *const *ts, int n)
{
    for (int i = 0; i < n; i++) {
        printf("%s grad%d: ", label, i);
        tg_print(tg_grad(ts[i]));
    }
}

/* Python's print(label, a, b, ...) of tensors (None for NULL), without
   the newline. */
static void print_items(const char *label, tg_tensor *const *ts, int n)
{
    printf("%s", label);
    for (int i = 0; i < n; i++) {
        char *s = ts[i] ? tg_repr(ts[i]) : NULL;
        printf(" %s", s ? s : "None");
        free(s);
    }
}

static void print_row(const char *label, tg_tensor *const *ts, int n)
{
    print_items(label, ts, n);
    printf("\n");
}

static tg_tensor *vec(const float *v, int64_t n) { return tg_from_f32(v, TG_SHAPE(n)); }

static int sum_backward(tg_tensor *t) { return tg_backward(tg_sum(t), NULL); }

/* ------------------------------------------------------- x * w, saved */

static int mul_forward(tg_ctx *ctx, tg_tensor *const *in, int n_in, void *args, tg_tensor **out, int n_out)
{
    (void)n_in, (void)args, (void)n_out;
    printf("needs_input_grad: (%s, %s)\n", tg_ctx_needs_input_grad(ctx, 0) ? "True" : "False",
           tg_ctx_needs_input_grad(ctx, 1) ? "True" : "False");
    if (tg_ctx_save_for_backward(ctx, in, 2)) return -1;
    out[0] = tg_mul(in[0], in[1]);
    return out[0] ? 0 : -1;
}

static int mul_backward(tg_ctx *ctx, tg_tensor *const *g, int n_out, tg_tensor **gi, int n_in)
{
    (void)n_out, (void)n_in;
    gi[0] = tg_mul(g[0], tg_ctx_saved(ctx, 1));
    gi[1] = tg_mul(g[0], tg_ctx_saved(ctx, 0));
    return gi[0] && gi[1] ? 2 : -1;
}

static const tg_function_def MUL_FN = {"MulFn", mul_forward, mul_backward};

static tg_tensor *apply1(const tg_function_def *def, tg_tensor *const *in, int n, void *args)
{
    tg_tensor *out = NULL;
    return tg_function_apply(def, in, n, args, &out, 1) == 0 ? out : NULL;
}

static void mul(void)
{
    tg_scope_begin();
    tg_tensor *x = leaf(vec(F32(1.0, 2.0, 3.0), 3)), *w = leaf(vec(F32(2.0, -1.0, 0.5), 3));
    tg_tensor *y = apply1(&MUL_FN, LIST(x, w), NULL);
    show("mul", y);
    graph("mul", y);
    tg_backward(tg_sum(tg_mul(y, vec(F32(0.25, 0.5, 0.75), 3))), NULL);
    grads("mul", LIST(x, w));
    tg_tensor *c = vec(F32(4.0, 5.0, 6.0), 3);
    y = apply1(&MUL_FN, LIST(x, c), NULL);
    graph("mul const", y);
    TG_NO_GRAD y = apply1(&MUL_FN, LIST(x, w), NULL);
    printf("mul no_grad: ");
    char *s = tg_repr(y);
    printf("%s %s\n", s, tg_grad_fn(y) ? tg_node_name(tg_grad_fn(y)) : "None");
    free(s);
    tg_scope_end();
}

/* ------------------------------------------- two outputs, one saved */

static int two_forward(tg_ctx *ctx, tg_tensor *const *in, int n_in, void *args, tg_tensor **out, int n_out)
{
    (void)n_in, (void)args, (void)n_out;
    out[0] = tg_mul_scalar(in[0], 2);
    out[1] = tg_exp(in[0]);
    return tg_ctx_save_for_backward(ctx, &out[1], 1);
}

static int two_backward(tg_ctx *ctx, tg_tensor *const *g, int n_out, tg_tensor **gi, int n_in)
{
    (void)n_out, (void)n_in;
    print_row("grads in:", g, 2);
    gi[0] = tg_add(tg_mul_scalar(g[0], 2), tg_mul(g[1], tg_ctx_saved(ctx, 0)));
    return gi[0] ? 1 : -1;
}

static const tg_function_def TWO_OUT = {"TwoOut", two_forward, two_backward};

static void two_outputs(void)
{
    tg_scope_begin();
    tg_tensor *o[2];
    tg_tensor *x = leaf(vec(F32(0.0, 1.0), 2));
    tg_function_apply(&TWO_OUT, &x, 1, NULL, o, 2);
    print_row("two:", o, 2);
    printf("two grad_fn: ");
    tree(tg_grad_fn(o[0]));
    printf(" ");
    tree(tg_grad_fn(o[1]));
    printf(" %s\n", tg_grad_fn(o[0]) == tg_grad_fn(o[1]) ? "True" : "False");
    tg_backward(tg_add(tg_sum(o[0]), tg_sum(tg_mul_scalar(o[1], 3))), NULL);
    grads("two", &x, 1);

    x = leaf(vec(F32(0.0, 1.0), 2));
    tg_function_apply(&TWO_OUT, &x, 1, NULL, o, 2);
    sum_backward(o[1]);
    grads("second only", &x, 1);

    x = leaf(vec(F32(0.0, 1.0), 2));
    tg_function_apply(&TWO_OUT, &x, 1, NULL, o, 2);
    sum_backward(tg_mul(o[0], o[1]));
    grads("product", &x, 1);
    tg_scope_end();
}

/* -------------------------------------- gradients not materialized */

static int lazy_forward(tg_ctx *ctx, tg_tensor *const *in, int n_in, void *args, tg_tensor **out, int n_out)
{
    (void)n_in, (void)args, (void)n_out;
    tg_ctx_set_materialize_grads(ctx, false);
    out[0] = tg_mul_scalar(in[0], 2);
    out[1] = tg_mul_scalar(in[0], 3);
    return 0;
}

static int lazy_backward(tg_ctx *ctx, tg_tensor *const *g, int n_out, tg_tensor **gi, int n_in)
{
    (void)ctx, (void)n_out, (void)n_in;
    print_row("lazy grads in:", g, 2);
    gi[0] = g[0] ? tg_mul_scalar(g[0], 2) : NULL;
    return 1;
}

static const tg_function_def LAZY = {"Lazy", lazy_forward, lazy_backward};

static void lazy(void)
{
    tg_scope_begin();
    tg_tensor *o[2];
    tg_tensor *x = leaf(vec(F32(1.0, 2.0), 2));
    tg_function_apply(&LAZY, &x, 1, NULL, o, 2);
    sum_backward(o[0]);
    grads("lazy", &x, 1);
    x = leaf(vec(F32(1.0, 2.0), 2));
    tg_function_apply(&LAZY, &x, 1, NULL, o, 2);
    sum_backward(o[1]);
    grads("lazy none", &x, 1);
    tg_scope_end();
}

/* ---------------------------------------- a non-differentiable output */

static int argmax_forward(tg_ctx *ctx, tg_tensor *const *in, int n_in, void *args, tg_tensor **out, int n_out)
{
    (void)n_in, (void)args, (void)n_out;
    out[1] = tg_reshape(tg_argmax(in[0], 0, false), TG_SHAPE(1));
    out[0] = tg_mul_scalar(in[0], 1);
    return tg_ctx_mark_non_differentiable(ctx, &out[1], 1);
}

static int argmax_backward(tg_ctx *ctx, tg_tensor *const *g, int n_out, tg_tensor **gi, int n_in)
{
    (void)ctx, (void)n_out, (void)n_in;
    printf("index grad in: ");
    tg_print(g[1]);
    gi[0] = g[0];
    return 1;
}

static const tg_function_def ARGMAX = {"ArgMax", argmax_forward, argmax_backward};

static void non_differentiable(void)
{
    tg_scope_begin();
    tg_tensor *o[2];
    tg_tensor *x = leaf(vec(F32(1.0, 5.0, 2.0), 3));
    tg_function_apply(&ARGMAX, &x, 1, NULL, o, 2);
    print_items("argmax:", o, 2);
    printf(" %s ", tg_requires_grad(o[1]) ? "True" : "False");
    tree(tg_grad_fn(o[1]));
    printf("\n");
    sum_backward(o[0]);
    grads("argmax", &x, 1);
    tg_scope_end();
}

/* --------------------------------------------------------- mark_dirty */

static int add_one_forward(tg_ctx *ctx, tg_tensor *const *in, int n_in, void *args, tg_tensor **out, int n_out)
{
    (void)n_in, (void)args, (void)n_out;
    if (!tg_add_scalar_(in[0], 1) || tg_ctx_mark_dirty(ctx, in, 1)) return -1;
    out[0] = in[0];
    return 0;
}

static int identity_backward(tg_ctx *ctx, tg_tensor *const *g, int n_out, tg_tensor **gi, int n_in)
{
    (void)ctx, (void)n_out, (void)n_in;
    gi[0] = tg_mul_scalar(g[0], 1);
    return 1;
}

static const tg_function_def ADD_ONE_ = {"AddOne_", add_one_forward, identity_backward};

static int dirty_forward(tg_ctx *ctx, tg_tensor *const *in, int n_in, void *args, tg_tensor **out, int n_out)
{
    (void)n_in, (void)args, (void)n_out;
    out[0] = tg_mul_scalar(in[0], 2);
    return tg_ctx_mark_dirty(ctx, in, 1);
}

static const tg_function_def DIRTY_NOT_RETURNED = {"DirtyNotReturned", dirty_forward, identity_backward};

static void dirty(void)
{
    tg_scope_begin();
    tg_tensor *x = leaf(vec(F32(1.0, 2.0), 2));
    tg_tensor *t = tg_mul_scalar(x, 2);
    uint64_t v0 = tg_version(t);
    tg_tensor *r = apply1(&ADD_ONE_, &t, 1, NULL);
    char *s = tg_repr(r);
    printf("dirty: %s %s %llu ", s, r == t ? "True" : "False", (unsigned long long)(tg_version(t) - v0));
    free(s);
    tree(tg_grad_fn(t));
    printf("\n");
    sum_backward(tg_mul(t, t));
    grads("dirty", &x, 1);
    tg_tensor *l = leaf(vec(F32(1.0), 1));
    err("dirty leaf", apply1(&ADD_ONE_, &l, 1, NULL) ? 0 : -1);
    tg_tensor *h = tg_mul_scalar(leaf(vec(F32(1.0), 1)), 1);
    err("dirty not returned", apply1(&DIRTY_NOT_RETURNED, &h, 1, NULL) ? 0 : -1);
    tg_scope_end();
}

/* ------------------------------------------- saved tensors' checks */

static int square_forward(tg_ctx *ctx, tg_tensor *const *in, int n_in, void *args, tg_tensor **out, int n_out)
{
    (void)n_in, (void)args, (void)n_out;
    out[0] = tg_mul(in[0], in[0]);
    return tg_ctx_save_for_backward(ctx, in, 1);
}

static int square_backward(tg_ctx *ctx, tg_tensor *const *g, int n_out, tg_tensor **gi, int n_in)
{
    (void)n_out, (void)n_in;
    tg_tensor *x = tg_ctx_saved(ctx, 0);
    if (!x) return -1;
    gi[0] = tg_mul(tg_mul_scalar(g[0], 2), x);
    return 1;
}

static const tg_function_def SQUARE = {"Square", square_forward, square_backward};

static void saved_checks(void)
{
    tg_scope_begin();
    tg_tensor *x = leaf(vec(F32(1.0, 2.0, 3.0), 3));
    tg_tensor *h = tg_mul_scalar(x, 1);
    tg_tensor *y = apply1(&SQUARE, &h, 1, NULL);
    tg_mul_scalar_(h, 2);
    err("saved input modified", sum_backward(y));
    x = leaf(vec(F32(1.0, 2.0, 3.0), 3));
    y = apply1(&SQUARE, &x, 1, NULL);
    sum_backward(y);
    err("backward twice", sum_backward(y));
    x = leaf(vec(F32(1.0, 2.0, 3.0), 3));
    y = apply1(&SQUARE, &x, 1, NULL);
    tg_backward_ex(tg_sum(y), NULL, (tg_backward_opts){.retain_graph = true});
    sum_backward(y);
    grads("retained", &x, 1);
    tg_scope_end();
}

/* ------------------------------------------------- double backward */

static int cube_forward(tg_ctx *ctx, tg_tensor *const *in, int n_in, void *args, tg_tensor **out, int n_out)
{
    (void)n_in, (void)args, (void)n_out;
    out[0] = tg_pow_scalar(in[0], 3);
    return tg_ctx_save_for_backward(ctx, in, 1);
}

static int cube_backward(tg_ctx *ctx, tg_tensor *const *g, int n_out, tg_tensor **gi, int n_in)
{
    (void)n_out, (void)n_in;
    gi[0] = tg_mul(tg_mul_scalar(g[0], 3), tg_pow_scalar(tg_ctx_saved(ctx, 0), 2));
    return gi[0] ? 1 : -1;
}

static const tg_function_def CUBE = {"Cube", cube_forward, cube_backward};

static int cube_out_forward(tg_ctx *ctx, tg_tensor *const *in, int n_in, void *args, tg_tensor **out, int n_out)
{
    (void)n_in, (void)args, (void)n_out;
    out[0] = tg_pow_scalar(in[0], 3);
    return tg_ctx_save_for_backward(ctx, LIST(in[0], out[0]));
}

static int cube_out_backward(tg_ctx *ctx, tg_tensor *const *g, int n_out, tg_tensor **gi, int n_in)
{
    (void)n_out, (void)n_in;
    gi[0] = tg_div(tg_mul(tg_mul_scalar(g[0], 3), tg_ctx_saved(ctx, 1)), tg_ctx_saved(ctx, 0));
    return gi[0] ? 1 : -1;
}

static const tg_function_def CUBE_OUT = {"CubeOut", cube_out_forward, cube_out_backward};

static void double_backward(void)
{
    tg_scope_begin();
    tg_backward_opts create = {.create_graph = true};
    tg_tensor *x = leaf(vec(F32(1.0, -2.0, 0.5), 3));
    tg_tensor *y = apply1(&CUBE, &x, 1, NULL);
    graph("cube", y);
    tg_tensor *g = NULL, *gg = NULL;
    tg_autograd_grad(LIST(tg_sum(y)), &x, 1, NULL, create, &g);
    show("cube first", g);
    graph("cube first", g);
    tg_autograd_grad(LIST(tg_sum(g)), &x, 1, NULL, (tg_backward_opts){0}, &gg);
    show("cube second", gg);

    x = leaf(vec(F32(1.0, -2.0, 0.5), 3));
    y = apply1(&CUBE_OUT, &x, 1, NULL);
    tg_autograd_grad(LIST(tg_sum(y)), &x, 1, NULL, create, &g);
    show("saved output first", g);
    tg_autograd_grad(LIST(tg_sum(g)), &x, 1, NULL, (tg_backward_opts){0}, &gg);
    show("saved output second", gg);
    tg_scope_end();
}

/* ------------------------------------------------ what backward gives */

static int double_forward(tg_ctx *ctx, tg_tensor *const *in, int n_in, void *args, tg_tensor **out, int n_out)
{
    (void)ctx, (void)n_in, (void)args, (void)n_out;
    out[0] = tg_mul_scalar(in[0], 2);
    return 0;
}

static int none_backward(tg_ctx *ctx, tg_tensor *const *g, int n_out, tg_tensor **gi, int n_in)
{
    (void)ctx, (void)g, (void)n_out, (void)n_in;
    gi[0] = NULL;
    return 1;
}

static int identity_forward(tg_ctx *ctx, tg_tensor *const *in, int n_in, void *args, tg_tensor **out, int n_out)
{
    (void)ctx, (void)n_in, (void)args, (void)n_out;
    out[0] = in[0];
    return 0;
}

static int triple_backward(tg_ctx *ctx, tg_tensor *const *g, int n_out, tg_tensor **gi, int n_in)
{
    (void)ctx, (void)n_out, (void)n_in;
    gi[0] = tg_mul_scalar(g[0], 3);
    return 1;
}

static int wide_backward(tg_ctx *ctx, tg_tensor *const *g, int n_out, tg_tensor **gi, int n_in)
{
    (void)ctx, (void)n_out, (void)n_in;
    gi[0] = tg_mul_scalar(tg_to(g[0], TG_F64), 2);
    return 1;
}

static int broad_backward(tg_ctx *ctx, tg_tensor *const *g, int n_out, tg_tensor **gi, int n_in)
{
    (void)ctx, (void)g, (void)n_out, (void)n_in;
    gi[0] = tg_ones(TG_SHAPE(2, 3), TG_F32);
    return 1;
}

static int shape_backward(tg_ctx *ctx, tg_tensor *const *g, int n_out, tg_tensor **gi, int n_in)
{
    (void)ctx, (void)g, (void)n_out, (void)n_in;
    gi[0] = tg_ones(TG_SHAPE(2), TG_F32);
    return 1;
}

static int mul_only_forward(tg_ctx *ctx, tg_tensor *const *in, int n_in, void *args, tg_tensor **out, int n_out)
{
    (void)ctx, (void)n_in, (void)args, (void)n_out;
    out[0] = tg_mul(in[0], in[1]);
    return 0;
}

static int one_backward(tg_ctx *ctx, tg_tensor *const *g, int n_out, tg_tensor **gi, int n_in)
{
    (void)ctx, (void)n_out, (void)n_in;
    gi[0] = g[0];
    return 1;
}

/* PyTorch's backward returns the tuple (g, g): two gradients for one input. */
static int two_backward_for_one(tg_ctx *ctx, tg_tensor *const *g, int n_out, tg_tensor **gi, int n_in)
{
    (void)ctx, (void)n_out, (void)n_in;
    gi[0] = g[0];
    return 2;
}

static void what_backward_gives(void)
{
    tg_scope_begin();
    tg_tensor *x = leaf(vec(F32(1.0, 2.0), 2));
    sum_backward(apply1(&(tg_function_def){"NoGrad", double_forward, none_backward}, &x, 1, NULL));
    grads("none", &x, 1);

    tg_tensor *r = apply1(&(tg_function_def){"Iden", identity_forward, triple_backward}, &x, 1, NULL);
    char *s = tg_repr(r);
    printf("identity: %s %s ", s, r == x ? "True" : "False");
    free(s);
    tree(tg_grad_fn(r));
    printf("\n");
    sum_backward(r);
    grads("identity", &x, 1);

    x = leaf(vec(F32(1.0, 2.0), 2));
    sum_backward(apply1(&(tg_function_def){"Wide", double_forward, wide_backward}, &x, 1, NULL));
    printf("f64 gradient: ");
    s = tg_repr(tg_grad(x));
    printf("%s torch.%s\n", s, tg_dtype_of(tg_grad(x)) == TG_F32 ? "float32" : "other");
    free(s);

    x = leaf(vec(F32(1.0, 2.0, 3.0), 3));
    sum_backward(apply1(&(tg_function_def){"Broad", double_forward, broad_backward}, &x, 1, NULL));
    grads("broadcast gradient", &x, 1);

    x = leaf(vec(F32(1.0, 2.0, 3.0), 3));
    err("wrong shape", sum_backward(apply1(&(tg_function_def){"Shape", double_forward, shape_backward}, &x, 1, NULL)));
    tg_tensor *w = leaf(vec(F32(1.0, 1.0, 1.0), 3));
    err("too few", sum_backward(apply1(&(tg_function_def){"TooFew", mul_only_forward, one_backward}, LIST(x, w), NULL)));
    err("too many", sum_backward(apply1(&(tg_function_def){"TooMany", double_forward, two_backward_for_one}, &x, 1, NULL)));
    show("after errors", tg_grad(x));
    tg_scope_end();
}

/* ------------------------------------- a non-tensor argument in ctx */

static int scale_forward(tg_ctx *ctx, tg_tensor *const *in, int n_in, void *args, tg_tensor **out, int n_out)
{
    (void)n_in, (void)n_out;
    double *s = malloc(sizeof *s);
    if (!s) return -1;
    *s = *(const double *)args;
    tg_ctx_set_data(ctx, s, free);
    out[0] = tg_mul_scalar(in[0], *s);
    return 0;
}

static int scale_backward(tg_ctx *ctx, tg_tensor *const *g, int n_out, tg_tensor **gi, int n_in)
{
    (void)n_out, (void)n_in;
    gi[0] = tg_mul_scalar(g[0], *(double *)tg_ctx_data(ctx));
    return 1;
}

static void scale(void)
{
    tg_scope_begin();
    tg_tensor *x = leaf(vec(F32(1.0, 2.0), 2));
    double s = 2.5;
    tg_tensor *y = apply1(&(tg_function_def){"Scale", scale_forward, scale_backward}, &x, 1, &s);
    printf("scale: ");
    char *text = tg_repr(y);
    printf("%s ", text);
    free(text);
    tree(tg_grad_fn(y));
    printf("\n");
    sum_backward(y);
    grads("scale", &x, 1);
    tg_scope_end();
}

/* ------------------------------------------------- forward mode: jvp */

/* x * y with its jvp tx y + x ty, from what forward saved */
static int dual_mul_jvp(tg_ctx *ctx, tg_tensor *const *t, int n_in, tg_tensor **out, int n_out)
{
    (void)n_in, (void)n_out;
    tg_tensor *x = tg_ctx_saved(ctx, 0), *y = tg_ctx_saved(ctx, 1);
    printf("jvp tangents: %d %d, saved %d\n", t[0] != NULL, t[1] != NULL, tg_ctx_num_saved(ctx));
    out[0] = tg_add(tg_mul(t[0], y), tg_mul(x, t[1]));
    return out[0] ? 1 : -1;
}
static int wrong_count_jvp(tg_ctx *ctx, tg_tensor *const *t, int n_in, tg_tensor **out, int n_out)
{
    (void)ctx, (void)n_in, (void)n_out;
    out[0] = t[0];
    return 2;
}
static int wrong_shape_jvp(tg_ctx *ctx, tg_tensor *const *t, int n_in, tg_tensor **out, int n_out)
{
    (void)ctx, (void)t, (void)n_in, (void)n_out;
    out[0] = tg_ones(TG_SHAPE(3), TG_F32);
    return 1;
}
static tg_function_jvp_fn jvp_of_forward;
static int dual_mul_forward(tg_ctx *ctx, tg_tensor *const *in, int n_in, void *args, tg_tensor **out, int n_out)
{
    (void)n_in, (void)args, (void)n_out;
    if (tg_ctx_save_for_backward(ctx, in, 2) || tg_ctx_set_jvp(ctx, jvp_of_forward)) return -1;
    out[0] = tg_mul(in[0], in[1]);
    return out[0] ? 0 : -1;
}
static const tg_function_def DUAL_MUL = {"DualMul", dual_mul_forward, mul_backward};

static void show_dual_row(const char *label, tg_tensor *t)
{
    if (!t) {
        printf("%s: error: %s\n", label, tg_last_error());
        tg_clear_error();
        return;
    }
    tg_tensor *tangent = NULL, *primal = tg_unpack_dual(t, &tangent);
    print_row(label, (tg_tensor *[]){primal, tangent}, 2);
}

static void forward_mode(void)
{
    tg_scope_begin();
    tg_fwad_enter_dual_level();
    tg_tensor *x = tg_make_dual(vec(F32(1.0, 2.0), 2), vec(F32(1.0, 0.0), 2)), *y = vec(F32(3.0, 4.0), 2);
    jvp_of_forward = dual_mul_jvp;
    show_dual_row("jvp", apply1(&DUAL_MUL, (tg_tensor *[]){x, y}, 2, NULL));
    tg_tensor *w = tg_make_dual(leaf(vec(F32(3.0, 4.0), 2)), vec(F32(0.5, -1.0), 2));
    tg_tensor *both = apply1(&DUAL_MUL, (tg_tensor *[]){x, w}, 2, NULL);
    show_dual_row("jvp, both dual, recorded", both);
    printf("its node: %s\n", tg_node_name(tg_grad_fn(both)));
    jvp_of_forward = NULL;
    show_dual_row("no jvp", apply1(&DUAL_MUL, (tg_tensor *[]){x, y}, 2, NULL));
    show_dual_row("no jvp, MulFn", apply1(&MUL_FN, (tg_tensor *[]){x, y}, 2, NULL));
    jvp_of_forward = wrong_count_jvp;
    show_dual_row("jvp giving two", apply1(&DUAL_MUL, (tg_tensor *[]){x, y}, 2, NULL));
    jvp_of_forward = wrong_shape_jvp;
    show_dual_row("jvp of another shape", apply1(&DUAL_MUL, (tg_tensor *[]){x, y}, 2, NULL));
    tg_fwad_exit_dual_level();
    tg_scope_end();
}

int main(void)
{
    mul();
    two_outputs();
    lazy();
    non_differentiable();
    dirty();
    saved_checks();
    double_backward();
    what_backward_gives();
    scale();
    forward_mode();
    return 0;
}
