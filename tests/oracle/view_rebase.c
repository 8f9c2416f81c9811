/* Views of split, chunk and unbind (and views of them) once their base or
   another piece was written in place: their history, printing, use by an
   operation, writing and a backward through a saved piece fail with
   PyTorch's error; without grad mode they are read as any tensor. And the
   version error of a tensor saved for backward whose own geometry an
   in-place operation changed since (t_, transpose_, squeeze_, unsqueeze_),
   which shows its shape now. Prints what view_rebase.py prints with
   PyTorch. */
#include <tensorgrad.h>

#include <stdio.h>
#include <stdlib.h>

#include "oracle.h"

/* y = x * 1 of a (4, 3) leaf, and its pieces by split(2), chunk(2) or unbind(0) */
static tg_tensor *pieces(char how, tg_tensor **p)
{
    tg_tensor *x = leaf(tg_reshape(tg_arange(0, 12, 1, TG_F32), TG_SHAPE(4, 3)));
    tg_tensor *y = tg_mul_scalar(x, 1);
    if (how == 's') tg_split(y, 2, 0, p, 4);
    else if (how == 'c') tg_chunk(y, 2, 0, p, 4);
    else tg_unbind(y, 0, p, 4);
    return y;
}

static void name_of(const char *label, const tg_tensor *t)
{
    tg_clear_error();
    const tg_node *fn = tg_grad_fn(t);
    if (tg_last_status() != TG_OK) printf("%s: error: %s\n", label, tg_last_error());
    else printf("%s: %s\n", label, fn ? tg_node_name(fn) : "None");
}

static void printed(const char *label, const tg_tensor *t)
{
    char *s = tg_repr(t);
    if (s) printf("%s: %s\n", label, s);
    else printf("%s: error: %s\n", label, tg_last_error());
    free(s);
}

typedef tg_tensor *(*reshape_fn)(tg_tensor *);
static tg_tensor *t_(tg_tensor *t) { return tg_t_(t); }
static tg_tensor *transpose_(tg_tensor *t) { return tg_transpose_(t, 0, -1); }
static tg_tensor *squeeze_(tg_tensor *t) { return tg_squeeze_(t); }
static tg_tensor *squeeze_dim_(tg_tensor *t) { return tg_squeeze_dim_(t, 1); }
static tg_tensor *unsqueeze_(tg_tensor *t) { return tg_unsqueeze_(t, 0); }
static tg_tensor *unsqueeze_mul_(tg_tensor *t) { return tg_mul_scalar_(tg_unsqueeze_(t, -1), 2); }

/* y = x * 1 saved by sin (its input) or y = exp(x) saved by exp (its
   output), then y's geometry changed in place: the backward's error. */
static void reshaped(const char *label, const int64_t *shape, int ndim, reshape_fn f, bool output)
{
    tg_scope_begin();
    tg_tensor *x = leaf(tg_reshape(tg_arange(0, (double)tg_numel(tg_empty(shape, ndim, TG_F32)), 1, TG_F32), shape, ndim));
    tg_tensor *y = output ? tg_exp(x) : tg_mul_scalar(x, 1);
    tg_tensor *z = output ? tg_mul_scalar(y, 1) : tg_sin(y);
    f(y);
    if (tg_backward(tg_sum(output ? y : z), NULL)) printf("%s: error: %s\n", label, tg_last_error());
    else printf("%s: no error\n", label);
    (void)z;
    tg_scope_end();
}

int main(void)
{
    reshaped("t_", TG_SHAPE(2, 3), t_, false);
    reshaped("transpose_", TG_SHAPE(2, 3, 4), transpose_, false);
    reshaped("squeeze_", TG_SHAPE(2, 1, 3), squeeze_, false);
    reshaped("squeeze_ dim", TG_SHAPE(2, 1, 3), squeeze_dim_, false);
    reshaped("unsqueeze_", TG_SHAPE(2, 3), unsqueeze_, false);
    reshaped("unsqueeze_ then mul_", TG_SHAPE(2, 3), unsqueeze_mul_, false);
    reshaped("output t_", TG_SHAPE(2, 3), t_, true);
    reshaped("output unsqueeze_", TG_SHAPE(2, 3), unsqueeze_, true);

    tg_tensor *p[4], *y;
    y = pieces('s', p), tg_mul_scalar_(y, 2);
    name_of("grad_fn", p[0]);
    y = pieces('s', p), tg_mul_scalar_(y, 2);
    tg_clear_error();
    printf("requires_grad: %s\n", tg_requires_grad(p[0]) ? "True" : "False");
    y = pieces('s', p), tg_mul_scalar_(y, 2);
    ATTEMPT("sin", tg_sin(p[0]));
    y = pieces('s', p), tg_mul_scalar_(y, 2);
    printed("print", p[1]);
    y = pieces('s', p), tg_mul_scalar_(y, 2);
    ATTEMPT("add_", tg_add_scalar_(p[1], 1));
    y = pieces('s', p), tg_mul_scalar_(y, 2);
    TG_NO_GRAD { ATTEMPT("no_grad sin", tg_sin(p[0])); }
    y = pieces('s', p), tg_mul_scalar_(tg_detach(p[1]), 2);
    ATTEMPT("other piece", tg_sin(p[0]));
    y = pieces('c', p), tg_add_scalar_(y, 1);
    name_of("chunk", p[1]);
    y = pieces('u', p), tg_add_scalar_(y, 1);
    name_of("unbind", p[2]);
    y = pieces('s', p);
    tg_tensor *v = tg_slice(p[1], 0, 1, TG_END, 1);
    tg_add_scalar_(y, 1);
    name_of("view of piece", v);
    ATTEMPT("view of piece sin", tg_sin(v));
    y = pieces('s', p);
    TG_NO_GRAD { tg_mul_scalar_(p[0], 2); }
    name_of("self no_grad", p[0]);
    y = pieces('s', p);
    tg_tensor *z = tg_sin(p[0]);
    tg_add_scalar_(y, 1);
    if (tg_backward(tg_sum(z), NULL)) printf("saved piece: error: %s\n", tg_last_error());
    y = tg_reshape(tg_arange(0, 12, 1, TG_F32), TG_SHAPE(4, 3));
    tg_split(y, 2, 0, p, 4);
    tg_add_scalar_(y, 1);
    name_of("no grad base", p[0]);
    return 0;
}
