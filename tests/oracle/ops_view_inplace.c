/* In-place operations on views of tensors that require grad (PyTorch's
   CopySlices): the base's and the view's graphs, values and gradients,
   chains of them, views taken before the write (regenerated as
   AsStridedBackward0), and the errors around them. Prints what
   ops_view_inplace.py prints with PyTorch. */
#include <tensorgrad.h>

#include <stdio.h>
#include <string.h>

#include "oracle.h"

static const char *py_bool(bool b) { return b ? "True" : "False"; }

static void state(const char *label, const tg_tensor *t)
{
    printf("%s version: %llu is_leaf: %s requires_grad: %s\n", label, (unsigned long long)tg_version(t),
           py_bool(tg_is_leaf(t)), py_bool(tg_requires_grad(t)));
}

static tg_tensor *base(void) { return leaf(tg_from_f32(F32(1.0, 0.5, 2.0, 1.5, 0.25, 3.0), TG_SHAPE(2, 3))); }

typedef tg_tensor *(*view_fn)(tg_tensor *);
static tg_tensor *v_select(tg_tensor *y) { return tg_select(y, 0, 1); }
static tg_tensor *v_slice(tg_tensor *y) { return tg_slice(y, 1, 1, 3, 1); }
static tg_tensor *v_transpose(tg_tensor *y) { return tg_transpose(y, 0, 1); }
static tg_tensor *v_view(tg_tensor *y) { return tg_view(y, TG_SHAPE(6)); }
static tg_tensor *v_slice_t(tg_tensor *y) { return tg_slice(tg_transpose(y, 0, 1), 0, 0, 3, 2); }

static const struct { const char *name; view_fn f; } VIEWS[] = {
    {"select", v_select}, {"slice", v_slice}, {"transpose", v_transpose}, {"view", v_view},
    {"slice of transpose", v_slice_t},
};

typedef tg_tensor *(*op_fn)(tg_tensor *, const tg_tensor *);
static tg_tensor *o_mul_scalar(tg_tensor *v, const tg_tensor *o) { (void)o; return tg_mul_scalar_(v, 3); }
static tg_tensor *o_sub_scalar(tg_tensor *v, const tg_tensor *o) { (void)o; return tg_sub_scalar_(v, 0.5); }
static tg_tensor *o_zero(tg_tensor *v, const tg_tensor *o) { (void)o; return tg_zero_(v); }
static tg_tensor *o_fill(tg_tensor *v, const tg_tensor *o) { (void)o; return tg_fill_(v, 2.5); }
static tg_tensor *o_pow_scalar(tg_tensor *v, const tg_tensor *o) { (void)o; return tg_pow_scalar_(v, 2); }

static const struct { const char *name; op_fn f; } OPS[] = {
    {"mul_", tg_mul_}, {"add_", tg_add_}, {"copy_", tg_copy_}, {"mul_scalar_", o_mul_scalar},
    {"sub_scalar_", o_sub_scalar}, {"zero_", o_zero}, {"fill_", o_fill}, {"pow_scalar_", o_pow_scalar},
};
#define COUNT(a) (int)(sizeof(a) / sizeof((a)[0]))

static void on_views(void)
{
    char label[160], sub[192];
    for (int i = 0; i < COUNT(VIEWS); i++)
        for (int k = 0; k < COUNT(OPS); k++)
            for (int o_grad = 1; o_grad >= 0; o_grad--) {
                tg_scope_begin();
                snprintf(label, sizeof label, "%s on %s%s", OPS[k].name, VIEWS[i].name,
                         o_grad ? " (other requires grad)" : "");
                tg_tensor *x = base(), *o = tg_scalar(1.5);
                if (o_grad) leaf(o);
                tg_tensor *y = tg_mul_scalar(x, 2);
                tg_tensor *v = VIEWS[i].f(y);
                tg_tensor *r = OPS[k].f(v, o);
                printf("%s returns self: %s\n", label, py_bool(r == v));
                snprintf(sub, sizeof sub, "%s base", label);
                state(sub, y);
                snprintf(sub, sizeof sub, "%s view", label);
                state(sub, v);
                graph(sub, v);
                check(label, y, (tg_tensor *[]){x, o}, o_grad ? 2 : 1);
                tg_scope_end();
            }
}

/* The base does not require grad; only the other operand does. */
static void of_constants(void)
{
    char label[160], sub[192];
    for (int i = 0; i < COUNT(VIEWS); i++)
        for (int k = 0; k < 3; k++) {
            tg_scope_begin();
            snprintf(label, sizeof label, "%s on %s of a constant", OPS[k].name, VIEWS[i].name);
            tg_tensor *o = leaf(tg_scalar(1.5));
            tg_tensor *b = tg_from_f32(F32(1, 2, 3, 4, 5, 6), TG_SHAPE(2, 3));
            tg_tensor *v = VIEWS[i].f(b);
            OPS[k].f(v, o);
            snprintf(sub, sizeof sub, "%s base", label);
            state(sub, b);
            snprintf(sub, sizeof sub, "%s view", label);
            state(sub, v);
            graph(sub, v);
            check(label, tg_mul(b, b), &o, 1);
            tg_scope_end();
        }
}

static void broadcast_and_chains(void)
{
    tg_scope_begin();
    tg_tensor *x = base(), *o = leaf(tg_from_f32(F32(2.0, -1.0), TG_SHAPE(2)));
    tg_tensor *y = tg_mul_scalar(x, 2);
    tg_mul_(tg_slice(tg_transpose(y, 0, 1), 0, 1, 3, 1), o);
    check("mul_ broadcast other", y, (tg_tensor *[]){x, o}, 2);
    tg_scope_end();

    /* two operations on one view, then on another view of the same base */
    tg_scope_begin();
    x = base();
    o = leaf(tg_from_f32(F32(0.5, 2.0, -1.0), TG_SHAPE(3)));
    y = tg_mul_scalar(x, 3);
    tg_tensor *v = tg_select(y, 0, 1);
    tg_mul_(v, o);
    tg_add_(v, o);
    graph("chain view", v);
    tg_sub_scalar_(tg_select(y, 1, 0), 1);
    graph("chain view after", v);
    graph("chain new view", tg_view(y, TG_SHAPE(3, 2)));
    check("chain", tg_mul(y, y), (tg_tensor *[]){x, o}, 2);
    tg_scope_end();

    /* a view of a view, written: the base (not the outer view) gets CopySlices */
    tg_scope_begin();
    x = base();
    y = tg_sin(x);
    tg_tensor *u = tg_slice(y, 1, 1, 3, 1);
    tg_mul_scalar_(tg_select(u, 0, 0), 4);
    graph("view of view base", y);
    graph("view of view outer", u);
    check("view of view", tg_add(tg_sum(y), tg_sum(u)), &x, 1);
    tg_scope_end();
}

/* Views taken before a write get a regenerated history when used. */
static void stale_views(void)
{
    tg_scope_begin();
    tg_tensor *x = base(), *o = leaf(tg_scalar(2.0));
    tg_tensor *y = tg_mul_scalar(x, 1);
    tg_tensor *w = tg_slice(y, 1, 0, 2, 1);
    tg_tensor *s = tg_select(y, 1, 1);
    tg_mul_(tg_slice(tg_select(y, 0, 0), 0, 1, 3, 1), o);
    printf("stale view is_leaf: %s requires_grad: %s\n", py_bool(tg_is_leaf(w)), py_bool(tg_requires_grad(w)));
    show("stale view", w);
    graph("stale view", w);
    check("stale view", tg_mul(w, s), (tg_tensor *[]){x, o}, 2);
    tg_scope_end();

    /* a write to the base directly */
    tg_scope_begin();
    x = base();
    y = tg_mul_scalar(x, 1);
    w = tg_select(y, 0, 1);
    tg_mul_scalar_(y, 2);
    graph("base written view", w);
    check("base written", w, &x, 1);
    tg_scope_end();

    /* views of a constant, written, then the base written */
    tg_scope_begin();
    o = leaf(tg_from_f32(F32(1, 2, 3), TG_SHAPE(3)));
    tg_tensor *b = tg_zeros(TG_SHAPE(2, 3), TG_F32);
    tg_add_(tg_select(b, 0, 0), o);
    tg_mul_(tg_select(b, 0, 1), o);
    tg_add_(b, o);
    check("constant base chain", b, &o, 1);
    tg_scope_end();
}

static void expanded(void)
{
    tg_scope_begin();
    tg_tensor *x = base();
    tg_tensor *y = tg_mul_scalar(x, 2);
    tg_zero_(tg_expand(tg_unsqueeze(tg_select(y, 0, 0), 0), TG_SHAPE(3, 3)));
    check("zero_ expanded", y, &x, 1);
    tg_scope_end();

    tg_scope_begin();
    x = base();
    y = tg_mul_scalar(x, 2);
    tg_tensor *e = tg_expand(tg_slice(y, 1, 2, 3, 1), TG_SHAPE(2, 4));
    tg_fill_(e, 1.0);
    graph("fill_ expanded view", e);
    check("fill_ expanded", y, &x, 1);
    tg_scope_end();

    /* an expanded view taken before a write reads its gradient summed */
    tg_scope_begin();
    x = base();
    y = tg_mul_scalar(x, 2);
    e = tg_expand(tg_slice(y, 1, 2, 3, 1), TG_SHAPE(2, 4));
    tg_mul_scalar_(tg_select(y, 0, 0), 3);
    check("stale expanded view", e, &x, 1);
    tg_scope_end();
}

static void outcome(const char *label, const tg_tensor *r)
{
    if (r) printf("%s ok\n", label);
    else printf("%s error: %s\n", label, tg_last_error());
    tg_clear_error();
}

static void errors(void)
{
    tg_scope_begin();
    outcome("view of leaf", tg_mul_scalar_(tg_select(base(), 0, 0), 2));
    tg_tensor *y = tg_mul_scalar(base(), 2), *v;
    TG_NO_GRAD { v = tg_select(y, 0, 0); }
    outcome("no-grad view", tg_mul_scalar_(v, 2));
    tg_tensor *b = tg_ones(TG_SHAPE(2, 3), TG_F32);
    TG_NO_GRAD { v = tg_select(b, 0, 0); }
    outcome("no-grad view of a constant", tg_mul_(v, leaf(tg_scalar(2.0))));
    y = tg_mul_scalar(base(), 2);
    outcome("overlap", tg_mul_scalar_(tg_expand(tg_unsqueeze(tg_select(y, 0, 0), 0), TG_SHAPE(2, 3)), 2));
    tg_scope_end();

    /* with grad mode off nothing is recorded */
    tg_scope_begin();
    y = tg_mul_scalar(base(), 2);
    TG_NO_GRAD {
        v = tg_select(y, 0, 0);
        tg_mul_scalar_(v, 2);
    }
    state("no-grad write base", y);
    graph("no-grad write base", y);
    tg_scope_end();

    /* saved tensors modified through a view */
    tg_scope_begin();
    y = tg_mul_scalar(base(), 2);
    tg_tensor *z = tg_sin(y);
    tg_mul_scalar_(tg_select(y, 0, 0), 2);
    if (tg_backward(tg_sum(z), NULL)) printf("saved base: %s\n", tg_last_error());
    y = tg_mul_scalar(base(), 2);
    v = tg_slice(y, 0, 1, 2, 1);
    z = tg_sin(v);
    tg_mul_scalar_(v, 2);
    if (tg_backward(tg_sum(z), NULL)) printf("saved view: %s\n", tg_last_error());
    tg_clear_error();
    tg_scope_end();

    /* backward twice through CopySlices (its operation's saved values are freed) */
    tg_scope_begin();
    tg_tensor *x = base(), *o = leaf(tg_scalar(2.0));
    y = tg_mul_scalar(x, 1);
    tg_mul_(tg_select(y, 0, 0), o);
    tg_backward(tg_sum(y), NULL);
    if (tg_backward(tg_sum(y), NULL)) printf("twice: %s\n", tg_last_error());
    tg_clear_error();
    tg_scope_end();
}

static void second_order(void)
{
    tg_scope_begin();
    tg_tensor *x = base(), *o = leaf(tg_scalar(2.0));
    tg_tensor *y = tg_mul(x, x);
    tg_mul_(tg_select(y, 0, 1), o);
    tg_pow_scalar_(tg_select(y, 1, 0), 2);
    tg_tensor *g[2] = {NULL, NULL}, *h[2] = {NULL, NULL};
    tg_tensor *out = tg_sum(y);
    if (tg_autograd_grad(&out, 1, (tg_tensor *[]){x, o}, 2, NULL, (tg_backward_opts){.create_graph = true}, g))
        printf("second order error: %s\n", tg_last_error());
    show("second order gx", g[0]);
    show("second order go", g[1]);
    out = tg_add(tg_sum(g[0]), g[1]);
    if (tg_autograd_grad(&out, 1, (tg_tensor *[]){x, o}, 2, NULL, (tg_backward_opts){0}, h))
        printf("second order error: %s\n", tg_last_error());
    show("second order hx", h[0]);
    show("second order ho", h[1]);
    tg_scope_end();
}

int main(void)
{
    on_views();
    of_constants();
    broadcast_and_chains();
    stale_views();
    expanded();
    errors();
    second_order();
    return 0;
}
