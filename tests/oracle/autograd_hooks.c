/* Gradient hooks on tensors and nodes (their order, replaced gradients,
   removal, errors), retain_grad, backward from several roots and with
   inputs, allow_unused, and post-accumulate-grad hooks. Prints what
   autograd_hooks.py prints with PyTorch. */
#include <tensorgrad.h>

#include <stdio.h>

#include "oracle.h"

static const char *py_bool(bool b) { return b ? "True" : "False"; }

/* What a hook prints, and the factor it scales the gradient by (0: it
   keeps it). */
typedef struct hook_spec {
    const char *name;
    double scale;
} hook_spec;

static int scaled(const tg_tensor *g, tg_tensor **replacement, void *ctx)
{
    const hook_spec *spec = ctx;
    show(spec->name, g);
    if (spec->scale) *replacement = tg_mul_scalar(g, spec->scale);
    return 0;
}

static int prehook(const tg_node *node, tg_tensor **grad_outputs, int n, void *ctx)
{
    (void)node, (void)n;
    const hook_spec *spec = ctx;
    show(spec->name, grad_outputs[0]);
    if (spec->scale) grad_outputs[0] = tg_mul_scalar(grad_outputs[0], spec->scale);
    return 0;
}

static int posthook(const tg_node *node, tg_tensor **grad_inputs, int n_inputs, tg_tensor *const *grad_outputs,
                    int n_outputs, void *ctx)
{
    (void)node, (void)n_outputs;
    const hook_spec *spec = ctx;
    char label[96];
    for (int i = 0; i < n_inputs; i++) {
        snprintf(label, sizeof label, "%s grad_inputs[%d]", spec->name, i);
        show(label, grad_inputs[i]);
    }
    snprintf(label, sizeof label, "%s grad_outputs[0]", spec->name);
    show(label, grad_outputs[0]);
    for (int i = 0; i < n_inputs && spec->scale; i++)
        if (grad_inputs[i]) grad_inputs[i] = tg_mul_scalar(grad_inputs[i], spec->scale);
    return 0;
}

static int to_ones3(const tg_tensor *g, tg_tensor **replacement, void *ctx)
{
    (void)g, (void)ctx;
    *replacement = tg_ones(TG_SHAPE(3), TG_F32);
    return 0;
}

static int to_f64(const tg_tensor *g, tg_tensor **replacement, void *ctx)
{
    (void)ctx;
    *replacement = tg_to(g, TG_F64);
    return 0;
}

static void attempt(const char *label, int rc)
{
    if (rc < 0) printf("%s error: %s\n", label, tg_last_error());
    else printf("%s: ok\n", label);
    tg_clear_error();   /* show() prints a NULL as the pending error */
}

static tg_tensor *x2(void) { return leaf(tg_from_f32(F32(1.0, 2.0), TG_SHAPE(2))); }
static tg_tensor *vec(float a, float b) { return tg_from_f32(F32(a, b), TG_SHAPE(2)); }
static int backward_sum(tg_tensor *t) { return tg_backward(tg_sum(t), NULL); }

static void order_at_a_node(void)
{
    printf("== order at a node\n");
    static hook_spec pre1 = {"pre1", 5}, t1 = {"t1", 2}, pre2 = {"pre2", 0}, t2 = {"t2", 10}, post = {"post", 0},
                     lf = {"leaf", 0};
    tg_tensor *x = x2();
    tg_tensor *y = tg_mul_scalar(x, 3);
    tg_node_register_prehook(tg_grad_fn(y), prehook, &pre1, NULL);
    tg_register_hook(y, scaled, &t1, NULL);
    tg_node_register_prehook(tg_grad_fn(y), prehook, &pre2, NULL);
    tg_retain_grad(y);
    tg_register_hook(y, scaled, &t2, NULL);
    tg_node_register_hook(tg_grad_fn(y), posthook, &post, NULL);
    tg_register_hook(x, scaled, &lf, NULL);
    tg_backward(tg_sum(tg_mul(y, y)), NULL);
    show("y.grad", tg_grad(y));
    show("x.grad", tg_grad(x));
    printf("retains_grad %s %s\n", py_bool(tg_retains_grad(y)), py_bool(tg_retains_grad(x)));

    printf("== a node hook replaces grad_inputs\n");
    static hook_spec post4 = {"post", 4};
    x = x2();
    tg_tensor *w = leaf(vec(0.5f, -1.0f));
    y = tg_mul(x, w);
    tg_node_register_hook(tg_grad_fn(y), posthook, &post4, NULL);
    backward_sum(y);
    show("x.grad", tg_grad(x));
    show("w.grad", tg_grad(w));
}

static void leaves(void)
{
    printf("== a leaf used twice: its hooks see the sum, in registration order\n");
    static hook_spec a3 = {"a", 3}, b0 = {"b", 0};
    tg_tensor *x = x2();
    tg_register_hook(x, scaled, &a3, NULL);
    tg_register_hook(x, scaled, &b0, NULL);
    tg_backward(tg_add(tg_sum(tg_mul_scalar(x, 1)), tg_sum(tg_mul_scalar(x, 2))), NULL);
    show("x.grad", tg_grad(x));
    backward_sum(tg_mul_scalar(x, 1));
    show("x.grad again", tg_grad(x));

    printf("== hooks on two leaves of one node\n");
    static hook_spec ha = {"hook a", 0}, hb = {"hook b", 0};
    tg_tensor *a = leaf(vec(1, 2)), *b = leaf(vec(3, 4));
    tg_register_hook(a, scaled, &ha, NULL);
    tg_register_hook(b, scaled, &hb, NULL);
    backward_sum(tg_mul(a, b));

    printf("== hooks on the root\n");
    static hook_spec root = {"root", 2}, leaf_root = {"leaf root", 2};
    x = x2();
    tg_tensor *z = tg_sum(tg_mul_scalar(x, 3));
    tg_register_hook(z, scaled, &root, NULL);
    tg_backward(z, NULL);
    show("x.grad", tg_grad(x));
    x = x2();
    tg_register_hook(x, scaled, &leaf_root, NULL);
    tg_backward(x, vec(1, 1));
    show("x.grad", tg_grad(x));
}

static void removal(void)
{
    printf("== removal\n");
    static hook_spec kept = {"kept", 0}, removed = {"removed", 5}, removed_pre = {"removed pre", 3},
                     removed_post = {"removed post", 3};
    tg_tensor *x = x2();
    tg_register_hook(x, scaled, &kept, NULL);
    tg_hook_handle h2 = tg_register_hook(x, scaled, &removed, NULL);
    tg_hook_remove(h2);
    tg_hook_remove(h2);
    backward_sum(tg_mul_scalar(x, 2));
    show("x.grad", tg_grad(x));
    tg_tensor *y = tg_mul_scalar(x, 2);
    tg_hook_handle hp = tg_node_register_prehook(tg_grad_fn(y), prehook, &removed_pre, NULL);
    tg_hook_handle hq = tg_node_register_hook(tg_grad_fn(y), posthook, &removed_post, NULL);
    tg_hook_remove(hp);
    tg_hook_remove(hq);
    backward_sum(y);
    show("x.grad", tg_grad(x));
}

static void errors(void)
{
    printf("== errors\n");
    static hook_spec never = {"never", 0};
    tg_tensor *c = vec(1, 2);
    attempt("hook on a tensor without grad", (int)tg_register_hook(c, scaled, &never, NULL));
    attempt("retain_grad without grad", tg_retain_grad(c) ? 0 : -1);
    tg_tensor *x = x2();
    tg_tensor *y = tg_mul_scalar(x, 2);
    tg_register_hook(y, to_ones3, NULL, NULL);
    attempt("hook changes the size", backward_sum(y));
    show("x.grad", tg_grad(x));
    y = tg_mul_scalar(x, 2);
    tg_register_hook(y, to_f64, NULL, NULL);
    attempt("hook changes the dtype", backward_sum(y));
    show("x.grad", tg_grad(x));
    tg_register_hook(x, to_ones3, NULL, NULL);
    attempt("leaf hook changes the size", backward_sum(tg_mul_scalar(x, 2)));
    show("x.grad", tg_grad(x));
}

static void retain_grad(void)
{
    printf("== retain_grad\n");
    tg_tensor *x = x2();
    tg_tensor *y = tg_mul_scalar(x, 2);
    printf("retains_grad before %s\n", py_bool(tg_retains_grad(y)));
    tg_retain_grad(y);
    tg_retain_grad(y);
    tg_retain_grad(x);
    printf("retains_grad %s leaf %s\n", py_bool(tg_retains_grad(y)), py_bool(tg_retains_grad(x)));
    tg_tensor *z = tg_sum(tg_mul(y, y));
    tg_backward_ex(z, NULL, (tg_backward_opts){.retain_graph = true});
    show("y.grad", tg_grad(y));
    tg_backward(z, NULL);
    show("y.grad twice", tg_grad(y));
    show("x.grad", tg_grad(x));
    y = tg_mul_scalar(x, 2);
    tg_retain_grad(y);
    tg_mul_scalar_(y, 3);
    printf("retains_grad after mul_ %s\n", py_bool(tg_retains_grad(y)));
    backward_sum(y);
    show("y.grad after mul_", tg_grad(y));
}

static void autograd_grad_hooks(void)
{
    printf("== autograd.grad: captured before hooks, leaf hooks not run\n");
    static hook_spec ty = {"ty", 10}, tx = {"tx", 3};
    tg_tensor *x = x2();
    tg_tensor *y = tg_mul_scalar(x, 2);
    tg_register_hook(y, scaled, &ty, NULL);
    tg_register_hook(x, scaled, &tx, NULL);
    tg_tensor *z = tg_sum(tg_mul(y, y));
    tg_tensor *grads[2];
    tg_autograd_grad(&z, 1, (tg_tensor *[]){y, x}, 2, NULL, (tg_backward_opts){.retain_graph = true}, grads);
    show("gy", grads[0]);
    show("gx", grads[1]);
    tg_retain_grad(y);
    tg_autograd_grad(&z, 1, &x, 1, NULL, (tg_backward_opts){0}, grads);
    show("gx only", grads[0]);
    show("y.grad, retained by autograd.grad", tg_grad(y));
    show("x.grad", tg_grad(x));
}

static void several_roots(void)
{
    printf("== several roots\n");
    static hook_spec hy = {"hook y", 2};
    tg_tensor *x = x2();
    tg_tensor *y = tg_mul_scalar(x, 3);
    tg_register_hook(y, scaled, &hy, NULL);
    tg_backward_multi((tg_tensor *[]){y, tg_mul_scalar(x, 4)}, 2, (tg_tensor *[]){vec(1, 0.5f), vec(1, 1)}, NULL, 0,
                      (tg_backward_opts){0});
    show("x.grad", tg_grad(x));
    tg_backward_multi((tg_tensor *[]){tg_sum(tg_mul(x, x)), tg_sum(tg_mul_scalar(x, 2))}, 2, NULL, NULL, 0,
                      (tg_backward_opts){0});
    show("x.grad", tg_grad(x));
    tg_tensor *c = vec(1, 2);
    attempt("a root without grad",
            tg_backward_multi((tg_tensor *[]){tg_sum(tg_mul_scalar(x, 2)), tg_sum(c)}, 2, NULL, NULL, 0,
                              (tg_backward_opts){0}));
    attempt("a wrong gradient",
            tg_backward_multi((tg_tensor *[]){tg_mul_scalar(x, 2), tg_mul_scalar(x, 3)}, 2,
                              (tg_tensor *[]){tg_ones(TG_SHAPE(3), TG_F32), NULL}, NULL, 0, (tg_backward_opts){0}));
    attempt("no gradient for a vector",
            tg_backward_multi((tg_tensor *[]){tg_mul_scalar(x, 2), tg_mul_scalar(x, 3)}, 2,
                              (tg_tensor *[]){tg_ones(TG_SHAPE(2), TG_F32), NULL}, NULL, 0, (tg_backward_opts){0}));
    attempt("no roots", tg_backward_multi(NULL, 0, NULL, NULL, 0, (tg_backward_opts){0}));

    printf("== inputs=\n");
    tg_tensor *a = leaf(vec(1, 2)), *b = leaf(vec(3, 4)), *u = leaf(tg_from_f32(F32(1), TG_SHAPE(1)));
    y = tg_mul(a, b);
    tg_backward_multi((tg_tensor *[]){tg_sum(y)}, 1, NULL, (tg_tensor *[]){a, u}, 2, (tg_backward_opts){0});
    show("a.grad", tg_grad(a));
    show("b.grad", tg_grad(b));
    show("u.grad", tg_grad(u));
    y = tg_mul(a, b);
    tg_tensor *w = tg_mul_scalar(y, 2);
    tg_backward_multi((tg_tensor *[]){tg_sum(w)}, 1, NULL, &y, 1, (tg_backward_opts){0});
    show("y.grad", tg_grad(y));
    printf("y retains_grad %s\n", py_bool(tg_retains_grad(y)));
    show("a.grad", tg_grad(a));
    tg_tensor *none[1];
    attempt("empty inputs",
            tg_backward_multi((tg_tensor *[]){tg_sum(tg_mul_scalar(a, 2))}, 1, NULL, none, 0, (tg_backward_opts){0}));
    attempt("an input without grad",
            tg_backward_multi((tg_tensor *[]){tg_sum(tg_mul_scalar(a, 2))}, 1, NULL, &c, 1, (tg_backward_opts){0}));
}

static void allow_unused(void)
{
    printf("== allow_unused and autograd.grad's checks\n");
    tg_tensor *a = leaf(vec(1, 2)), *u = leaf(tg_from_f32(F32(1), TG_SHAPE(1))), *c = vec(1, 2);
    tg_tensor *out = tg_sum(tg_mul(a, a));
    tg_tensor *g[2];
    tg_backward_opts keep = {.retain_graph = true}, unused = {.retain_graph = true, .allow_unused = true};
    attempt("unused", tg_autograd_grad(&out, 1, (tg_tensor *[]){a, u}, 2, NULL, keep, g));
    tg_autograd_grad(&out, 1, (tg_tensor *[]){a, u}, 2, NULL, unused, g);
    show("ga", g[0]);
    show("gu", g[1]);
    tg_autograd_grad(&out, 1, &u, 1, NULL, unused, g);
    show("gu alone", g[0]);
    tg_tensor *sum_c = tg_sum(c);
    attempt("output and input without grad", tg_autograd_grad(&sum_c, 1, &c, 1, NULL, keep, g));
    attempt("input without grad", tg_autograd_grad(&out, 1, &c, 1, NULL, keep, g));
    attempt("no inputs", tg_autograd_grad(&out, 1, g, 0, NULL, keep, g));
    attempt("no outputs", tg_autograd_grad(g, 0, &a, 1, NULL, keep, g));
}

typedef struct param {
    const char *name;
    tg_tensor *t;
} param;

static int post_accumulate(tg_tensor *leaf_param, void *ctx)
{
    const param *p = ctx;
    char label[64];
    snprintf(label, sizeof label, "%s .grad", p->name);
    show(label, tg_grad(leaf_param));
    return 0;
}

static void post_accumulate_hooks(void)
{
    printf("== post-accumulate-grad hooks\n");
    static param params[2];
    params[0] = (param){"p", leaf(vec(1, 2))};
    params[1] = (param){"q", leaf(tg_from_f32(F32(0.5), TG_SHAPE(1)))};
    for (int i = 0; i < 2; i++) tg_register_post_accumulate_grad_hook(params[i].t, post_accumulate, &params[i], NULL);
    tg_backward(tg_sum(tg_mul(params[0].t, params[1].t)), NULL);
    tg_backward(tg_sum(tg_mul_scalar(tg_mul(params[0].t, params[1].t), 2)), NULL);
}

static void setters(void)
{
    printf("== setting .grad and .data, detach_\n");
    tg_tensor *x = x2();
    attempt("grad of another dtype", tg_set_grad(x, tg_ones(TG_SHAPE(2), TG_F64)));
    attempt("grad of another size", tg_set_grad(x, tg_ones(TG_SHAPE(3), TG_F32)));
    attempt("grad of another size and dtype", tg_set_grad(x, tg_ones(TG_SHAPE(3), TG_F64)));
    attempt("grad of another shape", tg_set_grad(x, tg_ones(TG_SHAPE(1, 2), TG_F32)));
    attempt("its own grad", tg_set_grad(x, x));
    tg_tensor *g = vec(0.5f, 0.5f);
    attempt("grad set", tg_set_grad(x, g));
    backward_sum(tg_mul_scalar(x, 2));
    show("x.grad", tg_grad(x));
    show("g, accumulated into", g);
    attempt("grad cleared", tg_set_grad(x, NULL));
    show("x.grad", tg_grad(x));
    tg_tensor *y = tg_mul_scalar(x, 2);
    attempt("grad of a non-leaf", tg_set_grad(y, tg_ones(TG_SHAPE(2), TG_F32)));
    show("y.grad", tg_grad(y));
    tg_tensor *c = vec(1, 2);
    attempt("grad of a tensor without grad", tg_set_grad(c, tg_ones(TG_SHAPE(2), TG_F32)));
    show("c.grad", tg_grad(c));
    tg_tensor *n = tg_from_i64(I64(1, 2), TG_SHAPE(2));
    attempt("grad of an integer tensor", tg_set_grad(n, tg_from_i64(I64(3, 4), TG_SHAPE(2))));
    show("n.grad", tg_grad(n));

    x = x2();
    tg_tensor *z = tg_sum(tg_mul(x, x));
    attempt("data set", tg_set_data(x, vec(5, 6)));
    show("x", x);
    tg_backward(z, NULL);
    show("x.grad, from the new data", tg_grad(x));
    attempt("data of another shape and dtype", tg_set_data(x, tg_ones(TG_SHAPE(3), TG_F64)));
    show("x", x);
    attempt("integer data for a tensor that requires grad", tg_set_data(x, tg_from_i64(I64(1, 2), TG_SHAPE(2))));
    attempt("integer data", tg_set_data(c, tg_from_i64(I64(1, 2), TG_SHAPE(2))));
    show("c", c);
    y = tg_mul_scalar(x, 2);
    attempt("data of a non-leaf", tg_set_data(y, tg_zeros(TG_SHAPE(3), TG_F64)));
    show("y", y);
    x = x2();
    attempt("complex data for a tensor that requires grad",
            tg_set_data(x, tg_from_c64((const float[]){1, 2, 0, 3}, TG_SHAPE(2))));
    show("x", x);

    x = x2();
    y = tg_mul_scalar(x, 2);
    show("detach_ of a non-leaf", tg_detach_(y));
    printf("is_leaf %s requires_grad %s\n", py_bool(tg_is_leaf(y)), py_bool(tg_requires_grad(y)));
    show("detach_ of a leaf", tg_detach_(x));
    printf("requires_grad %s\n", py_bool(tg_requires_grad(x)));
    x = x2();
    attempt("detach_ of a view", tg_detach_(tg_slice(tg_mul_scalar(x, 2), 0, 0, 1, 1)) ? 0 : -1);
    attempt("detach_ of a view of a leaf", tg_detach_(tg_slice(x, 0, 0, 1, 1)) ? 0 : -1);
    c = vec(1, 2);
    attempt("detach_ of a view without grad", tg_detach_(tg_slice(c, 0, 0, 1, 1)) ? 0 : -1);
}

static void inference_mode(void)
{
    printf("== inference mode\n");
    tg_tensor *w = x2(), *x = NULL, *u = NULL;
    TG_INFERENCE_MODE {
        x = tg_mul_scalar(vec(1, 2), 2);
        printf("grad mode %s inference mode %s is_inference %s\n", py_bool(tg_is_grad_enabled()),
               py_bool(tg_is_inference_mode_enabled()), py_bool(tg_is_inference(x)));
        tg_tensor *y = tg_mul_scalar(w, 3);
        show("w * 3", y);
        printf("is_inference %s requires_grad %s\n", py_bool(tg_is_inference(y)), py_bool(tg_requires_grad(y)));
        tg_add_scalar_(x, 1);
        show("x after add_", x);
        printf("view is_inference %s\n", py_bool(tg_is_inference(tg_slice(x, 0, 0, 1, 1))));
        TG_INFERENCE_MODE_OFF {
            printf("nested off: grad mode %s inference mode %s\n", py_bool(tg_is_grad_enabled()),
                   py_bool(tg_is_inference_mode_enabled()));
            printf("made there is_inference %s\n", py_bool(tg_is_inference(tg_ones(TG_SHAPE(2), TG_F32))));
        }
        printf("back: grad mode %s inference mode %s\n", py_bool(tg_is_grad_enabled()),
               py_bool(tg_is_inference_mode_enabled()));
        u = tg_ones(TG_SHAPE(2), TG_F32);
        tg_tensor *normal = tg_detach(w);
        tg_add_(normal, u);
        show("a normal tensor written in inference mode", normal);
    }
    printf("after: grad mode %s inference mode %s\n", py_bool(tg_is_grad_enabled()),
           py_bool(tg_is_inference_mode_enabled()));
    printf("w is_inference %s\n", py_bool(tg_is_inference(w)));
    TG_NO_GRAD {
        TG_INFERENCE_MODE {}
        printf("after, in no_grad: grad mode %s\n", py_bool(tg_is_grad_enabled()));
    }
    show("an inference tensor in an expression", tg_add(w, x));
    attempt("an inference tensor written in place", tg_add_scalar_(x, 1) ? 0 : -1);
    TG_NO_GRAD attempt("written in place in no_grad", tg_mul_scalar_(x, 2) ? 0 : -1);
    attempt("an inference tensor made to require grad", tg_requires_grad_(x, true) ? 0 : -1);
    show("a clone of one, made to require grad", tg_requires_grad_(tg_clone(u), true));
    attempt("an inference tensor saved for backward", backward_sum(tg_mul(w, x)));
    show("w.grad", tg_grad(w));
}

static void views(void)
{
    printf("== views: a view of a base without grad, the base written with an operand that requires grad\n");
    tg_tensor *b = tg_from_f32(F32(1, 2, 3), TG_SHAPE(3));
    tg_tensor *v = tg_slice(b, 0, 0, 2, 1);
    tg_tensor *o = leaf(tg_from_f32(F32(2, 5, 7), TG_SHAPE(3)));
    tg_mul_(b, o);
    printf("v requires_grad %s grad_fn %s\n", py_bool(tg_requires_grad(v)), tg_node_name(tg_grad_fn(v)));
    tg_tensor *sum_v = tg_sum(v), *gv;
    tg_autograd_grad(&sum_v, 1, &o, 1, NULL, (tg_backward_opts){.retain_graph = true}, &gv);
    show("grad through v", gv);
    tg_backward(sum_v, NULL);
    show("o.grad", tg_grad(o));

    printf("== views made in no-grad mode\n");
    tg_tensor *x = x2(), *nv = NULL;
    TG_NO_GRAD nv = tg_slice(x, 0, 0, 1, 1);
    show("nv", nv);
    printf("requires_grad %s is_leaf %s\n", py_bool(tg_requires_grad(nv)), py_bool(tg_is_leaf(nv)));
    attempt("backward from it", backward_sum(tg_mul_scalar(nv, 2)));
    show("x.grad", tg_grad(x));
    tg_tensor *y = tg_mul_scalar(x, 2);
    TG_NO_GRAD nv = tg_slice(y, 0, 0, 1, 1);
    tg_mul_scalar_(y, 2);
    attempt("its grad_fn after its base is written", tg_grad_fn(nv) || tg_last_status() == TG_OK ? 0 : -1);
    attempt("an operation on it", tg_mul_scalar(nv, 1) ? 0 : -1);
    show("x.grad", tg_grad(x));
    tg_tensor *p = NULL;
    TG_NO_GRAD {
        p = tg_slice(x, 0, 0, 1, 1);
        tg_add_scalar_(x, 1);
    }
    attempt("written in no-grad mode too", tg_mul_scalar(p, 1) ? 0 : -1);
    b = tg_from_f32(F32(1, 2, 3), TG_SHAPE(3));
    TG_NO_GRAD {
        v = tg_slice(b, 0, 0, 2, 1);
        tg_mul_scalar_(b, 2);
    }
    show("of a base without grad", tg_mul(v, tg_slice(o, 0, 0, 2, 1)));
}

int main(void)
{
    order_at_a_node();
    leaves();
    removal();
    errors();
    retain_grad();
    autograd_grad_hooks();
    several_roots();
    allow_unused();
    post_accumulate_hooks();
    setters();
    inference_mode();
    views();
    return 0;
}
