/* cat, stack, flatten, unflatten, squeeze and narrow: values, strides,
   whether the result shares its input's storage, graphs, gradients and
   errors, on contiguous, transposed, expanded, 0-dim and empty inputs, f64
   and integer tensors. Prints what ops_join.py prints with PyTorch. */
#include <tensorgrad.h>

#include <stdio.h>

#include "oracle.h"

static void geometry(const char *label, const tg_tensor *t)
{
    printf("%s %s stride: (", label, tg_dtype_name(tg_dtype_of(t)));
    for (int i = 0; i < tg_ndim(t); i++) printf(i ? ", %lld" : "%lld", (long long)tg_strides(t)[i]);
    printf("%s)\n", tg_ndim(t) == 1 ? "," : "");
}

/* Whether out shares x's version counter (a view, or x itself): bump out's
   through a detached alias and look at x's. */
static void shares(const char *label, const tg_tensor *out, const tg_tensor *x)
{
    uint64_t before = tg_version(x);
    tg_tensor *r = tg_mul_scalar_(tg_detach(out), 1);
    if (!r) printf("%s shares: error: %s\n", label, tg_last_error());
    else printf("%s shares: %s\n", label, tg_version(x) != before ? "True" : "False");
    tg_clear_error();
}

/* A case of one leaf x: geometry, sharing, then check(). */
static void case_(const char *label, tg_tensor *out, tg_tensor *x)
{
    check(label, out, &x, 1);
    if (out) {   /* after check: bumping the version gives a view a new history */
        geometry(label, out);
        shares(label, out, x);
    }
    tg_clear_error();
}

/* Leaves 0, 0.5, ... in a shape (f32), and the same in f64. */
static tg_tensor *seq(const int64_t *shape, int ndim)
{
    int64_t n = 1;
    for (int i = 0; i < ndim; i++) n *= shape[i];
    return leaf(tg_reshape(tg_div_scalar(tg_arange(0, (double)n, 1, TG_F32), 2), shape, ndim));
}
static tg_tensor *seq64(const int64_t *shape, int ndim) { return leaf64(tg_detach(seq(shape, ndim))); }
static tg_tensor *ints(const int64_t *shape, int ndim)
{
    int64_t n = 1;
    for (int i = 0; i < ndim; i++) n *= shape[i];
    return tg_reshape(tg_arange(0, (double)n, 1, TG_I64), shape, ndim);
}
static tg_tensor *t2(const tg_tensor *x) { return tg_transpose(x, 0, 1); }

#define CASE(label, LEAF, EXPR) do {          \
        tg_scope_begin();                     \
        tg_tensor *x = (LEAF);                \
        case_((label), (EXPR), x);            \
        tg_scope_end();                       \
    } while (0)

/* A case of several leaves joined: value, geometry, graph, gradients. */
static void joined(const char *label, tg_tensor *out, tg_tensor *const *leaves, int n)
{
    check(label, out, leaves, n);
    if (out) geometry(label, out);
    tg_clear_error();
}

static void cat_tests(void)
{
    tg_scope_begin();
    tg_tensor *a = seq(TG_SHAPE(2, 3)), *b = seq64(TG_SHAPE(2, 2));
    joined("cat dim 1 promoted", tg_cat((const tg_tensor *[]){a, b}, 2, 1), (tg_tensor *[]){a, b}, 2);
    a = seq(TG_SHAPE(2, 3)), b = seq(TG_SHAPE(1, 3));
    joined("cat dim 0", tg_cat((const tg_tensor *[]){a, b, a}, 3, 0), (tg_tensor *[]){a, b}, 2);
    a = seq(TG_SHAPE(2, 3)), b = seq(TG_SHAPE(3, 2));
    joined("cat transposed", tg_cat((const tg_tensor *[]){t2(b), a}, 2, -1), (tg_tensor *[]){a, b}, 2);
    a = seq(TG_SHAPE(3, 1));
    joined("cat expanded", tg_cat((const tg_tensor *[]){tg_expand(a, TG_SHAPE(3, 2)), a}, 2, 1), &a, 1);
    a = seq(TG_SHAPE(2, 3));
    joined("cat one", tg_cat((const tg_tensor *[]){a}, 1, 0), &a, 1);
    a = seq(TG_SHAPE(2, 3)), b = seq(TG_SHAPE(0));
    joined("cat skips (0,)", tg_cat((const tg_tensor *[]){b, a, b}, 3, 1), (tg_tensor *[]){a, b}, 2);
    a = seq(TG_SHAPE(2, 3)), b = seq(TG_SHAPE(2, 0));
    joined("cat (2, 0)", tg_cat((const tg_tensor *[]){a, b}, 2, 1), (tg_tensor *[]){a, b}, 2);
    a = seq(TG_SHAPE(0)), b = seq(TG_SHAPE(0));
    joined("cat only (0,)", tg_cat((const tg_tensor *[]){a, b}, 2, 3), (tg_tensor *[]){a, b}, 2);
    a = seq(TG_SHAPE(1, 3));
    tg_tensor *i = ints(TG_SHAPE(1, 3));
    joined("cat float and int", tg_cat((const tg_tensor *[]){i, a}, 2, 0), &a, 1);
    show("cat ints", tg_cat((const tg_tensor *[]){i, i}, 2, 1));
    show("cat int and bool", tg_cat((const tg_tensor *[]){i, tg_ones(TG_SHAPE(1, 3), TG_BOOL)}, 2, 0));
    show("cat bools", tg_cat((const tg_tensor *[]){tg_ones(TG_SHAPE(2), TG_BOOL), tg_zeros(TG_SHAPE(1), TG_BOOL)}, 2, 0));
    show("cat int and empty f64", tg_cat((const tg_tensor *[]){i, tg_zeros(TG_SHAPE(0), TG_F64)}, 2, 0));
    tg_tensor *m = seq(TG_SHAPE(2, 3));
    show("cat error dims", tg_cat((const tg_tensor *[]){m, tg_ones(TG_SHAPE(3), TG_F32)}, 2, 0));
    show("cat error dims 3", tg_cat((const tg_tensor *[]){m, tg_ones(TG_SHAPE(2, 3, 1), TG_F32)}, 2, 0));
    show("cat error sizes", tg_cat((const tg_tensor *[]){m, tg_ones(TG_SHAPE(2, 2), TG_F32)}, 2, 0));
    show("cat error sizes 1", tg_cat((const tg_tensor *[]){m, m, tg_ones(TG_SHAPE(3, 3), TG_F32)}, 3, 1));
    show("cat error 0-dim", tg_cat((const tg_tensor *[]){m, tg_scalar(2)}, 2, 0));
    show("cat error dim", tg_cat((const tg_tensor *[]){m, m}, 2, 2));
    show("cat error dim after (0,)", tg_cat((const tg_tensor *[]){tg_ones(TG_SHAPE(0), TG_F32), m}, 2, 5));
    show("cat error empty list", tg_cat(NULL, 0, 0));
    tg_clear_error();
    show("cat error NULL", tg_cat((const tg_tensor *[]){m, NULL}, 2, 0));
    tg_clear_error();
    tg_scope_end();
}

static void stack_tests(void)
{
    tg_scope_begin();
    tg_tensor *a = seq(TG_SHAPE(2, 3)), *b = seq64(TG_SHAPE(2, 3));
    for (int d = -3; d < 3; d++) {
        char label[64];
        snprintf(label, sizeof label, "stack dim %d", d);
        joined(label, tg_stack((const tg_tensor *[]){a, b, a}, 3, d), (tg_tensor *[]){a, b}, 2);
    }
    a = seq(TG_SHAPE(3, 2));
    joined("stack transposed", tg_stack((const tg_tensor *[]){t2(a), seq(TG_SHAPE(2, 3))}, 2, 1), &a, 1);
    a = seq(TG_SHAPE(1, 3));
    joined("stack expanded", tg_stack((const tg_tensor *[]){tg_expand(a, TG_SHAPE(2, 3)), t2(seq(TG_SHAPE(3, 2)))}, 2, 2), &a, 1);
    a = leaf(tg_scalar(1.5)), b = leaf(tg_scalar(-2));
    joined("stack 0-dim", tg_stack((const tg_tensor *[]){a, b}, 2, 0), (tg_tensor *[]){a, b}, 2);
    a = seq(TG_SHAPE(0));
    joined("stack (0,)", tg_stack((const tg_tensor *[]){a, a}, 2, 1), &a, 1);
    a = seq(TG_SHAPE(2, 0));
    joined("stack (2, 0)", tg_stack((const tg_tensor *[]){a, a}, 2, 0), &a, 1);
    show("stack ints", tg_stack((const tg_tensor *[]){ints(TG_SHAPE(2)), ints(TG_SHAPE(2))}, 2, 1));
    show("stack int and 0-dim float", tg_stack((const tg_tensor *[]){tg_arange(0, 1, 1, TG_I64), tg_ones(TG_SHAPE(1), TG_F64)}, 2, 0));
    tg_tensor *m = seq(TG_SHAPE(2, 3));
    show("stack error sizes", tg_stack((const tg_tensor *[]){m, tg_ones(TG_SHAPE(2, 2), TG_F32)}, 2, 0));
    show("stack error sizes last", tg_stack((const tg_tensor *[]){m, tg_ones(TG_SHAPE(2, 3, 1), TG_F32)}, 2, 2));
    show("stack error 0-dim", tg_stack((const tg_tensor *[]){tg_scalar(1), tg_ones(TG_SHAPE(1), TG_F32)}, 2, 0));
    show("stack error dim", tg_stack((const tg_tensor *[]){m, m}, 2, 3));
    show("stack error dim negative", tg_stack((const tg_tensor *[]){m, m}, 2, -4));
    show("stack error empty list", tg_stack(NULL, 0, 0));
    tg_clear_error();
    tg_scope_end();
}

static void flatten_tests(void)
{
    CASE("flatten all", seq(TG_SHAPE(2, 3, 4)), tg_flatten(x, 0, -1));
    CASE("flatten 1", seq(TG_SHAPE(2, 3, 4)), tg_flatten(x, 1, -1));
    CASE("flatten 0 1", seq(TG_SHAPE(2, 3, 4)), tg_flatten(x, 0, 1));
    CASE("flatten one dim", seq(TG_SHAPE(2, 3, 4)), tg_flatten(x, 1, 1));
    CASE("flatten transposed", seq(TG_SHAPE(2, 3, 4)), tg_flatten(tg_transpose(x, 0, 1), 0, -1));
    CASE("flatten transposed viewable", seq(TG_SHAPE(2, 3, 4)), tg_flatten(tg_transpose(x, 0, 1), 2, 2));
    CASE("flatten transposed 1", seq(TG_SHAPE(2, 3, 4)), tg_flatten(tg_transpose(x, 0, 2), 1, 2));
    CASE("flatten expanded", seq(TG_SHAPE(3, 1)), tg_flatten(tg_expand(x, TG_SHAPE(3, 2)), 0, 1));
    CASE("flatten 0-dim", leaf(tg_scalar(2)), tg_flatten(x, 0, -1));
    CASE("flatten empty", seq(TG_SHAPE(2, 0, 3)), tg_flatten(x, 0, 1));
    CASE("flatten f64", seq64(TG_SHAPE(2, 2)), tg_flatten(x, 0, 1));
    tg_scope_begin();
    show("flatten ints", tg_flatten(ints(TG_SHAPE(2, 3)), 0, -1));
    show("flatten error order", tg_flatten(seq(TG_SHAPE(2, 3, 4)), 2, 1));
    show("flatten error dim", tg_flatten(seq(TG_SHAPE(2, 3, 4)), 0, 3));
    show("flatten error 0-dim", tg_flatten(tg_scalar(1), 0, 1));
    tg_clear_error();
    tg_scope_end();
    CASE("unflatten", seq(TG_SHAPE(2, 12)), tg_unflatten(x, 1, I64(3, 4), 2));
    CASE("unflatten -1", seq(TG_SHAPE(2, 12)), tg_unflatten(x, -1, I64(2, -1, 3), 3));
    CASE("unflatten 1", seq(TG_SHAPE(2, 3)), tg_unflatten(x, 0, I64(2), 1));
    CASE("unflatten transposed", seq(TG_SHAPE(2, 12)), tg_unflatten(t2(x), 0, I64(4, 3), 2));
    CASE("unflatten expanded", seq(TG_SHAPE(1, 3)), tg_unflatten(tg_expand(x, TG_SHAPE(4, 3)), 0, I64(2, 2), 2));
    CASE("unflatten empty", seq(TG_SHAPE(2, 0, 3)), tg_unflatten(x, 1, I64(5, 0), 2));
    CASE("unflatten f64", seq64(TG_SHAPE(6)), tg_unflatten(x, 0, I64(3, 1, 2), 3));
    tg_scope_begin();
    tg_tensor *m = seq(TG_SHAPE(2, 3));
    show("unflatten ints", tg_unflatten(ints(TG_SHAPE(6)), 0, I64(2, 3), 2));
    show("unflatten error fit", tg_unflatten(m, 1, I64(2, 2), 2));
    show("unflatten error two -1", tg_unflatten(m, 1, I64(-1, -1), 2));
    show("unflatten error negative", tg_unflatten(m, 1, I64(-2, 3), 2));
    show("unflatten error empty sizes", tg_unflatten(m, 1, NULL, 0));
    show("unflatten error dim", tg_unflatten(m, 2, I64(1, 3), 2));
    show("unflatten error 0-dim", tg_unflatten(tg_scalar(1), 0, I64(1), 1));
    show("unflatten error ambiguous", tg_unflatten(tg_ones(TG_SHAPE(2, 0), TG_F32), 1, I64(0, -1), 2));
    tg_clear_error();
    tg_scope_end();
}

static void squeeze_narrow_tests(void)
{
    CASE("squeeze", seq(TG_SHAPE(1, 3, 1, 2)), tg_squeeze(x));
    CASE("squeeze none", seq(TG_SHAPE(2, 3)), tg_squeeze(x));
    CASE("squeeze all ones", seq(TG_SHAPE(1, 1)), tg_squeeze(x));
    CASE("squeeze 0-dim", leaf(tg_scalar(3)), tg_squeeze(x));
    CASE("squeeze transposed", seq(TG_SHAPE(3, 1, 2)), tg_squeeze(tg_transpose(x, 0, 2)));
    CASE("squeeze expanded", seq(TG_SHAPE(1, 1, 3)), tg_squeeze(tg_expand(x, TG_SHAPE(1, 2, 3))));
    CASE("squeeze empty", seq(TG_SHAPE(1, 0, 1)), tg_squeeze(x));
    CASE("squeeze f64", seq64(TG_SHAPE(2, 1)), tg_squeeze(x));
    CASE("narrow", seq(TG_SHAPE(2, 3, 4)), tg_narrow(x, 1, 1, 2));
    CASE("narrow negative", seq(TG_SHAPE(2, 3, 4)), tg_narrow(x, -1, -2, 2));
    CASE("narrow to empty at end", seq(TG_SHAPE(2, 3, 4)), tg_narrow(x, 1, 3, 0));
    CASE("narrow transposed", seq(TG_SHAPE(2, 3, 4)), tg_narrow(tg_transpose(x, 0, 2), 0, 1, 3));
    CASE("narrow expanded", seq(TG_SHAPE(3, 1)), tg_narrow(tg_expand(x, TG_SHAPE(3, 4)), 1, 1, 2));
    CASE("narrow empty", seq(TG_SHAPE(0)), tg_narrow(x, 0, -1, 0));
    CASE("narrow f64", seq64(TG_SHAPE(5)), tg_narrow(x, 0, 1, 3));
    tg_scope_begin();
    tg_tensor *c = seq(TG_SHAPE(2, 3, 4));
    show("squeeze ints", tg_squeeze(ints(TG_SHAPE(1, 3))));
    show("narrow ints", tg_narrow(ints(TG_SHAPE(2, 3)), 1, 1, 1));
    show("narrow error past end", tg_narrow(c, 1, 2, 2));
    show("narrow error negative length", tg_narrow(c, 1, 1, -1));
    show("narrow error start", tg_narrow(c, 1, 5, 0));
    show("narrow error start negative", tg_narrow(c, 1, -4, 0));
    show("narrow error dim", tg_narrow(c, 3, 0, 0));
    show("narrow error 0-dim", tg_narrow(tg_scalar(1), 0, 0, 1));
    show("narrow error empty start", tg_narrow(tg_ones(TG_SHAPE(0), TG_F32), 0, 1, 0));
    show("view error ambiguous", tg_view(tg_ones(TG_SHAPE(0), TG_F32), TG_SHAPE(0, -1)));
    show("view error no fit", tg_view(tg_ones(TG_SHAPE(2), TG_F32), TG_SHAPE(0, -1)));
    tg_clear_error();
    tg_scope_end();
}

/* The pieces of x: each one's value, geometry and graph, then the
   gradient of sum_i (i + 1) * sum(piece i) (of piece `only` alone when it
   is not -1), and whether piece 0 shares x's storage. */
static void pieces(const char *label, tg_tensor *x, tg_tensor **ps, int count, int only)
{
    printf("%s count: %d\n", label, count);
    if (count < 0) printf("%s error: %s\n", label, tg_last_error());
    char name[96];
    tg_tensor *total = NULL;
    for (int i = 0; i < count; i++) {
        snprintf(name, sizeof name, "%s %d", label, i);
        show(name, ps[i]);
        geometry(name, ps[i]);
        graph(name, ps[i]);
        if (only >= 0 && i != only) continue;
        tg_tensor *term = tg_sum(tg_mul_scalar(ps[i], i + 1));
        total = total ? tg_add(total, term) : term;
    }
    if (total && tg_requires_grad(total)) {
        if (tg_backward(total, NULL)) printf("%s backward error: %s\n", label, tg_last_error());
        show(label, tg_grad(x));
    }
    if (count > 0) shares(label, ps[0], x);
    tg_clear_error();
}

#define PIECES(label, LEAF, CALL, only) do {  \
        tg_scope_begin();                     \
        tg_tensor *x = (LEAF), *ps[8];        \
        int count = (CALL);                   \
        pieces((label), x, ps, count, only);  \
        tg_scope_end();                       \
    } while (0)

static void split_tests(void)
{
    PIECES("split", seq(TG_SHAPE(5, 2)), tg_split(x, 2, 0, ps, 8), -1);
    PIECES("split dim -1", seq(TG_SHAPE(2, 5)), tg_split(x, 3, -1, ps, 8), -1);
    PIECES("split one used", seq(TG_SHAPE(5, 2)), tg_split(x, 2, 0, ps, 8), 1);
    PIECES("split larger", seq(TG_SHAPE(2, 3)), tg_split(x, 5, 1, ps, 8), -1);
    PIECES("split transposed", seq(TG_SHAPE(2, 4)), tg_split(t2(x), 3, 0, ps, 8), -1);
    PIECES("split expanded", seq(TG_SHAPE(1, 3)), tg_split(tg_expand(x, TG_SHAPE(4, 3)), 2, 0, ps, 8), -1);
    PIECES("split empty", seq(TG_SHAPE(0, 3)), tg_split(x, 0, 0, ps, 8), -1);
    PIECES("split empty 2", seq(TG_SHAPE(0, 3)), tg_split(x, 2, 0, ps, 8), -1);
    PIECES("split f64", seq64(TG_SHAPE(3)), tg_split(x, 1, 0, ps, 8), -1);
    PIECES("split ints", ints(TG_SHAPE(3)), tg_split(x, 2, 0, ps, 8), -1);
    PIECES("chunk", seq(TG_SHAPE(5)), tg_chunk(x, 3, 0, ps, 8), -1);
    PIECES("chunk 4 of 6", seq(TG_SHAPE(2, 6)), tg_chunk(x, 4, 1, ps, 8), -1);
    PIECES("chunk one used", seq(TG_SHAPE(6)), tg_chunk(x, 2, 0, ps, 8), 0);
    PIECES("chunk transposed", seq(TG_SHAPE(3, 2)), tg_chunk(t2(x), 2, 1, ps, 8), -1);
    PIECES("chunk empty", seq(TG_SHAPE(2, 0)), tg_chunk(x, 3, 1, ps, 8), -1);
    PIECES("chunk 1", seq(TG_SHAPE(4)), tg_chunk(x, 1, 0, ps, 8), -1);
    PIECES("unbind", seq(TG_SHAPE(3, 2)), tg_unbind(x, 0, ps, 8), -1);
    PIECES("unbind dim 1", seq(TG_SHAPE(2, 3)), tg_unbind(x, -1, ps, 8), -1);
    PIECES("unbind one used", seq(TG_SHAPE(3, 2)), tg_unbind(x, 0, ps, 8), 2);
    PIECES("unbind transposed", seq(TG_SHAPE(2, 3)), tg_unbind(t2(x), 1, ps, 8), -1);
    PIECES("unbind expanded", seq(TG_SHAPE(1, 2)), tg_unbind(tg_expand(x, TG_SHAPE(3, 2)), 0, ps, 8), -1);
    PIECES("unbind 1-D", seq64(TG_SHAPE(3)), tg_unbind(x, 0, ps, 8), -1);
    PIECES("unbind empty", seq(TG_SHAPE(0, 3)), tg_unbind(x, 0, ps, 8), -1);
    PIECES("unbind of empty dim", seq(TG_SHAPE(2, 0)), tg_unbind(x, 0, ps, 8), -1);
    PIECES("unbind ints", ints(TG_SHAPE(2, 2)), tg_unbind(x, 1, ps, 8), -1);
    PIECES("split error 0-dim", leaf(tg_scalar(1)), tg_split(x, 1, 0, ps, 8), -1);
    PIECES("split error negative", seq(TG_SHAPE(2, 3)), tg_split(x, -1, 0, ps, 8), -1);
    PIECES("split error zero", seq(TG_SHAPE(2, 3)), tg_split(x, 0, 0, ps, 8), -1);
    PIECES("split error dim", seq(TG_SHAPE(2, 3)), tg_split(x, 1, 2, ps, 8), -1);
    PIECES("chunk error 0-dim", leaf(tg_scalar(1)), tg_chunk(x, 1, 0, ps, 8), -1);
    PIECES("chunk error zero", seq(TG_SHAPE(2, 3)), tg_chunk(x, 0, 0, ps, 8), -1);
    PIECES("chunk error negative", seq(TG_SHAPE(2, 3)), tg_chunk(x, -1, 0, ps, 8), -1);
    PIECES("chunk error dim", seq(TG_SHAPE(2, 3)), tg_chunk(x, 1, -3, ps, 8), -1);
    PIECES("unbind error 0-dim", leaf(tg_scalar(1)), tg_unbind(x, 0, ps, 8), -1);
    PIECES("unbind error 0-dim dim", leaf(tg_scalar(1)), tg_unbind(x, 3, ps, 8), -1);
    PIECES("unbind error dim", seq(TG_SHAPE(2, 3)), tg_unbind(x, 2, ps, 8), -1);
    PIECES("split error max_out", seq(TG_SHAPE(5)), tg_split(x, 1, 0, ps, 4), -1);
    PIECES("unbind error max_out", seq(TG_SHAPE(3)), tg_unbind(x, 0, ps, 2), -1);

    /* In place on the pieces: refused while they are tracked. */
    tg_scope_begin();
    tg_tensor *x = seq(TG_SHAPE(6)), *ps[8];
    tg_tensor *y = tg_mul_scalar(x, 1);
    tg_split(y, 4, 0, ps, 8);
    show("split mul_", tg_mul_scalar_(ps[1], 2));
    show("split view of piece mul_", tg_mul_scalar_(tg_view(ps[0], TG_SHAPE(2, 2)), 2));
    show("split select of piece zero_", tg_zero_(tg_select(ps[1], 0, 0)));
    tg_unbind(y, 0, ps, 8);
    show("unbind add_", tg_add_scalar_(ps[2], 1));
    show("unbind copy_", tg_copy_(ps[3], tg_scalar(1)));
    tg_chunk(x, 2, 0, ps, 8);
    show("chunk of leaf fill_", tg_fill_(ps[1], 1));
    tg_split(tg_ones(TG_SHAPE(3), TG_F32), 2, 0, ps, 8);
    show("split of constant mul_ by grad", tg_mul_(ps[0], tg_slice(x, 0, 0, 2, 1)));
    show("split of constant mul_", tg_mul_scalar_(ps[1], 2));
    TG_NO_GRAD {
        tg_split(y, 3, 0, ps, 8);
        printf("split in no_grad add_ in no_grad: %s\n", tg_add_scalar_(ps[0], 1) ? "done" : tg_last_error());
    }
    show("split in no_grad add_", tg_add_scalar_(ps[1], 1));
    show("after", y);
    tg_clear_error();
    tg_scope_end();
}

int main(void)
{
    cat_tests();
    stack_tests();
    flatten_tests();
    squeeze_narrow_tests();
    split_tests();
    return 0;
}
