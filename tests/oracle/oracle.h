/* Helpers shared by the oracle tests: each tests/oracle/<name>.c prints what
   <name>.py prints with PyTorch (oracle.py holds the Python side of these
   helpers), so these print tensors, grad_fn graphs and gradients in Python's
   format. Header-only, and static inline so that a test using only some of
   them still compiles under -Wall -Wextra -Werror. */
#ifndef TG_ORACLE_H
#define TG_ORACLE_H

#include <tensorgrad.h>

#include <stdio.h>
#include <stdlib.h>

/* Warnings print where they are raised, as oracle.py prints PyTorch's. */
static void print_warning(const char *message, void *user_data)
{
    (void)user_data;
    printf("warning: %s\n", message);
}

__attribute__((constructor)) static void print_warnings(void) { tg_set_warning_handler(print_warning, NULL); }

/* Array literals, F32(1.0, 2.0) and I64(2, 3); DIMS(0, 2) is the two
   arguments (dims, count). */
#define F32(...) ((const float[]){__VA_ARGS__})
#define I64(...) ((const int64_t[]){__VA_ARGS__})
#define DIMS(...) ((const int64_t[]){__VA_ARGS__}), (int)(sizeof((int64_t[]){__VA_ARGS__}) / sizeof(int64_t))

/* Python's repr of t.stride(): "(12, 1)", "(1,)", "()". */
static inline void print_strides(const tg_tensor *t)
{
    printf("(");
    for (int i = 0; i < tg_ndim(t); i++) printf(i ? ", %lld" : "%lld", (long long)tg_strides(t)[i]);
    printf("%s)", tg_ndim(t) == 1 ? "," : "");
}

/* grad_fn and, recursively, its next functions: Name(next, ...). */
static inline void tree(const tg_node *n)
{
    if (!n) {
        printf("None");
        return;
    }
    printf("%s", tg_node_name(n));
    int k = tg_node_num_next(n);
    if (!k) return;
    printf("(");
    for (int i = 0; i < k; i++) {
        if (i) printf(", ");
        tree(tg_node_next(n, i));
    }
    printf(")");
}

/* Python's print(label + ":", t); a NULL from a failed call shows its error. */
static inline void show(const char *label, const tg_tensor *t)
{
    printf("%s: ", label);
    if (t) tg_print(t);
    else if (tg_last_status() != TG_OK) printf("error: %s\n", tg_last_error());
    else printf("None\n");
    fflush(stdout);
}

/* A dual result's primal and tangent, "<label> primal: ..." and "<label>
   tangent: ...", or its error (oracle.py's show_dual). */
static inline void show_dual(const char *label, const tg_tensor *r)
{
    char buf[160];
    if (!r) {
        printf("%s: error: %s\n", label, tg_last_error());
        tg_clear_error();
        return;
    }
    tg_tensor *tangent;
    tg_tensor *primal = tg_unpack_dual(r, &tangent);
    snprintf(buf, sizeof buf, "%s primal", label);
    show(buf, primal);
    snprintf(buf, sizeof buf, "%s tangent", label);
    show(buf, tangent);
}

/* Python's print(label + ":", t, t.dtype) (oracle.py's show_dtype). */
static inline void show_dtype(const char *label, const tg_tensor *t)
{
    if (!t) {
        show(label, t);
        return;
    }
    char *s = tg_repr(t);
    printf("%s: %s %s\n", label, s, tg_dtype_name(tg_dtype_of(t)));
    free(s);
}

/* Python's print(label, "grad_fn:", tree(t.grad_fn)). */
static inline void graph(const char *label, const tg_tensor *t)
{
    printf("%s grad_fn: ", label);
    tree(tg_grad_fn(t));
    printf("\n");
}

static inline tg_tensor *leaf(tg_tensor *t) { return tg_requires_grad_(t, true); }
static inline tg_tensor *leaf64(tg_tensor *t) { return leaf(tg_to(t, TG_F64)); }

/* Distinct upstream gradients: 0.25, 0.5, ... in t's shape and dtype. */
static inline tg_tensor *weights(const tg_tensor *t)
{
    tg_tensor *w = tg_div_scalar(tg_arange(1, (double)tg_numel(t) + 1, 1, TG_F32), 4);
    return tg_to(tg_reshape(w, tg_shape(t), tg_ndim(t)), tg_dtype_of(t));
}

/* out.backward(weights(out)), then each leaf's .grad as "<label> grad<i>". */
static inline void backprop(const char *label, tg_tensor *out, tg_tensor *const *leaves, int n)
{
    if (tg_backward(out, weights(out)) != 0) {
        printf("%s backward error: %s\n", label, tg_last_error());
        return;
    }
    for (int i = 0; i < n; i++) {
        printf("%s grad%d", label, i);
        show("", tg_grad(leaves[i]));
    }
}

/* The value, graph and leaf gradients of out (or the error that made it NULL). */
static inline void check(const char *label, tg_tensor *out, tg_tensor *const *leaves, int n)
{
    show(label, out);
    if (!out) return;
    graph(label, out);
    backprop(label, out, leaves, n);
}

/* Python's print(label, "stride:", out.stride()), then check(): for the
   operations whose result layout is compared too. */
static inline void check_strided(const char *label, tg_tensor *out, tg_tensor *const *leaves, int n)
{
    if (out) {
        printf("%s stride: ", label);
        print_strides(out);
        printf("\n");
    }
    check(label, out, leaves, n);
}

/* CASE_STRIDED: one leaf, an expression of it, checked with its strides.
   ATTEMPT: show() of an expression, which may fail. Each in a scope of its
   own. */
#define CASE_STRIDED(label, LEAF, EXPR) do {          \
        tg_scope_begin();                             \
        tg_tensor *x = (LEAF);                        \
        check_strided((label), (EXPR), &x, 1);        \
        tg_scope_end();                               \
    } while (0)
#define ATTEMPT(label, EXPR) do {                     \
        tg_scope_begin();                             \
        tg_clear_error();                             \
        show((label), (EXPR));                        \
        tg_scope_end();                               \
    } while (0)

/* Fills a module's parameters by a fixed rule (oracle.py's
   fill_parameters), so that forwards and gradients compare exactly:
   parameter k (in named_parameters order), element i:
   ((37 i + 11 k) % 19 - 9) / 16. */
static inline void fill_parameters(const tg_module *m)
{
    tg_dict *named = tg_module_named_parameters(m);
    for (int k = 0; k < tg_dict_len(named); k++) {
        tg_tensor *p = tg_dict_get(named, tg_dict_key(named, k));
        int64_t n = tg_numel(p);
        float *values = malloc(sizeof *values * (size_t)(n ? n : 1));
        for (int64_t i = 0; i < n; i++) values[i] = (float)((37 * i + 11 * k) % 19 - 9) / 16;
        TG_NO_GRAD tg_copy_(p, tg_reshape(tg_from_f32(values, TG_SHAPE(n)), tg_shape(p), tg_ndim(p)));
        free(values);
    }
    tg_dict_free(named);
}

/* print(m), then each state_dict name with its shape: "weight [5, 3, 4]". */
static inline void describe_module(const tg_module *m)
{
    tg_module_print(m);
    tg_dict *state = tg_module_state_dict(m);
    for (int i = 0; i < tg_dict_len(state); i++) {
        tg_tensor *t = tg_dict_get(state, tg_dict_key(state, i));
        printf("%s [", tg_dict_key(state, i));
        for (int d = 0; d < tg_ndim(t); d++) printf(d ? ", %lld" : "%lld", (long long)tg_shape(t)[d]);
        printf("]\n");
    }
    tg_dict_free(state);
}

#endif
