/* The fused derivatives of activations (TanhBackwardBackward0, ...) against
   PyTorch: values, gradients outside and under create_graph, the nodes of
   those gradients, second derivatives for the input and the upstream
   gradient, and the graph of a second derivative, in f32 and f64, for a
   contiguous input, a transposed one, a strided one (every other element)
   and an upstream gradient broadcast from one row.

   The strided input's value and first derivatives are compared bit for
   bit: on it PyTorch's kernels compute element by element with the C
   library's functions, as tensorgrad's do, and its elements are ones where
   PyTorch's tanh (which is vectorized whatever the layout) agrees with the
   C library's to the bit, so that the derivative's arithmetic is what is
   compared. Elsewhere PyTorch's vectorized functions (Sleef) may differ in
   the last bit, and the values are compared to 5 digits in f32 and 13 in
   f64. Prints what ops_fused_backward.py prints. */
#include <tensorgrad.h>

#include <stdio.h>

#include "oracle.h"

/* Every element of t, row-major: "label: v0 v1 ...", exact (with the
   digits that tell a float or double apart from every other) or to 5 (13)
   digits. */
static void values(const char *label, const tg_tensor *t, bool exact)
{
    printf("%s:", label);
    double v[16];
    if (!t || tg_numel(t) > 16 || tg_copy_to_f64(t, v) != 0) {
        printf(" error: %s\n", t ? tg_last_error() : "none");
        return;
    }
    bool f32 = tg_dtype_of(t) == TG_F32;
    int digits = exact ? (f32 ? 9 : 17) : (f32 ? 5 : 13);
    for (int64_t i = 0; i < tg_numel(t); i++) printf(" %.*g", digits, v[i]);
    printf("\n");
}

static void tree_of(const char *label, const tg_tensor *t)
{
    printf("%s graph: ", label);
    tree(t ? tg_grad_fn(t) : NULL);
    printf("\n");
}

/* fused: whether the derivative under create_graph is a node of its own
   too (silu's and mish's are composed there, of vectorized functions in
   PyTorch, so that only their plain backward is exact). */
typedef tg_tensor *(*activation)(const tg_tensor *);
static const struct { const char *name; activation f; bool fused; } FUNCS[] = {
    {"tanh", tg_tanh, true}, {"sigmoid", tg_sigmoid, true}, {"gelu", tg_gelu, true},
    {"gelu_tanh", tg_gelu_tanh, true}, {"silu", tg_silu, false}, {"mish", tg_mish, false},
};

static const float X[12] = {-2.5f, -0.85f, 0.35f, 1.2f, 2.1f, -1.6f, 0.55f, -3.2f, 1.7f, -0.05f, 0.9f, 2.8f};
static const float GO[6] = {0.25f, -0.5f, 0.75f, 1.5f, -1.25f, 0.6f};
static const float GG[6] = {1.5f, -0.5f, 0.25f, 2.0f, -1.25f, 0.75f};

typedef enum layout { CONTIGUOUS, TRANSPOSED, STRIDED, BROADCAST } layout;
static const char *const LAYOUTS[] = {"contiguous", "transposed", "strided", "broadcast"};

static tg_tensor *of(const float *v, const int64_t *shape, int ndim, tg_dtype dt)
{
    return tg_to(tg_from_f32(v, shape, ndim), dt);
}

/* The leaf and the (2, 3) input made of it in layout l. */
static tg_tensor *input(layout l, tg_dtype dt, tg_tensor **leaf_out)
{
    tg_tensor *base = l == STRIDED ? of(X, TG_SHAPE(2, 6), dt) : l == TRANSPOSED ? of(X, TG_SHAPE(3, 2), dt)
                                                                                : of(X, TG_SHAPE(2, 3), dt);
    *leaf_out = leaf(base);
    if (l == STRIDED) return tg_slice(base, 1, 0, 6, 2);
    if (l == TRANSPOSED) return tg_transpose(base, 0, 1);
    return base;
}

/* The upstream gradient: GO, or its first row broadcast to (2, 3). */
static tg_tensor *upstream(layout l, tg_dtype dt, bool requires_grad, tg_tensor **leaf_out)
{
    tg_tensor *g = l == BROADCAST ? of(GO, TG_SHAPE(3), dt) : of(GO, TG_SHAPE(2, 3), dt);
    if (requires_grad) leaf(g);
    *leaf_out = g;
    return l == BROADCAST ? tg_expand(g, TG_SHAPE(2, 3)) : g;
}

static void one(const char *name, activation f, bool fused, layout l, tg_dtype dt)
{
    char label[128];
    snprintf(label, sizeof label, "%s %s %s", name, dt == TG_F32 ? "f32" : "f64", LAYOUTS[l]);
    char part[192];
    tg_scope_begin();
    tg_tensor *base, *go_leaf;
    tg_tensor *x = input(l, dt, &base);
    bool exact = l == STRIDED;
    tg_tensor *y = f(x);
    values(label, y, exact);
    /* a plain backward: the fused kernel with no history */
    if (tg_backward(y, upstream(l, dt, false, &go_leaf)) != 0) printf("%s backward error: %s\n", label, tg_last_error());
    snprintf(part, sizeof part, "%s backward", label);
    values(part, tg_grad(base), exact);

    /* under create_graph: the derivative's own node, then its derivatives */
    y = f(x);
    tg_tensor *go = upstream(l, dt, true, &go_leaf), *g;
    if (tg_autograd_grad(&y, 1, &x, 1, &go, (tg_backward_opts){.retain_graph = true, .create_graph = true}, &g) != 0) {
        printf("%s create_graph error: %s\n", label, tg_last_error());
        goto end;
    }
    snprintf(part, sizeof part, "%s grad", label);
    values(part, g, exact && fused);
    tree_of(part, g);
    tg_tensor *wrt[2] = {base, go_leaf}, *second[2];
    tg_tensor *gg = of(GG, TG_SHAPE(2, 3), dt);
    if (tg_autograd_grad(&g, 1, wrt, 2, &gg, (tg_backward_opts){.retain_graph = true, .create_graph = true}, second) != 0) {
        printf("%s second error: %s\n", label, tg_last_error());
        goto end;
    }
    snprintf(part, sizeof part, "%s second x", label);
    values(part, second[0], false);
    tree_of(part, second[0]);
    snprintf(part, sizeof part, "%s second go", label);
    values(part, second[1], false);
    tree_of(part, second[1]);
end:
    tg_scope_end();
}

int main(void)
{
    for (size_t i = 0; i < sizeof FUNCS / sizeof *FUNCS; i++)
        for (int dt = 0; dt < 2; dt++)
            for (int l = CONTIGUOUS; l <= BROADCAST; l++)
                one(FUNCS[i].name, FUNCS[i].f, FUNCS[i].fused, (layout)l, dt ? TG_F64 : TG_F32);
    return 0;
}
