/* Scans: cumulative sums and products along a dim. */
#include "ops.h"

typedef struct scan_params { int64_t dim; } scan_params;

/* Integers and bools give TG_I64, as in PyTorch. cumprod saves the input
   (slot 0) and the result (slot 1); cumsum nothing. */
static tg_tensor *scan(const char *fn, tg_op op, const tg_tensor *t, int64_t dim)
{
    TG_ARG_OF(fn, t);
    scan_params p;
    if (tg__wrap_dim(dim, t->ndim, &p.dim)) return NULL;
    bool keeps = tg__is_floating_or_complex(t->dtype);
    tg_tensor *out = tg__new(keeps ? t->dtype : TG_I64, t->shape, t->ndim);
    if (!out) return NULL;
    if (t->ndim == 0) tg__copy_into(out, t);
    else tg__k_scan(op == TG_OP_CUMPROD, out, t, (int)p.dim);
    bool prod = op == TG_OP_CUMPROD;
    tg_node *n;
    if (tg__record(out, (tg_record){.op = op, .n_saved = prod ? 2 : 0, TG_PARAMS(p)}, &t, 1, &n)) return NULL;
    if (!n || !prod) return out;
    tg__save(n, 0, t);
    return tg__save_output(n, 1, out) ? NULL : out;
}

tg_tensor *tg_cumsum(const tg_tensor *t, int64_t dim) { return scan(__func__, TG_OP_CUMSUM, t, dim); }
tg_tensor *tg_cumprod(const tg_tensor *t, int64_t dim) { return scan(__func__, TG_OP_CUMPROD, t, dim); }

/* PyTorch's flip-cumsum-flip, as sum - cumsum + g. */
tg_tensor *tg__reversed_cumsum(const tg_tensor *g, int64_t dim)
{
    return tg_add(tg_sub(tg_sum_dim(g, &dim, 1, true), tg_cumsum(g, dim)), g);
}

/* Whether the gradient passes unchanged: one element, or runs of one. */
static bool trivial(const tg_node *n, int64_t dim)
{
    const tg_meta *in = &n->in_meta[0];
    return tg__numel(in->shape, in->ndim) <= 1 || in->shape[dim] == 1;
}

int tg__d_cumsum(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    const scan_params *p = n->params;
    gi[0] = trivial(n, p->dim) ? g : tg__reversed_cumsum(g, p->dim);
    return gi[0] ? 0 : -1;
}

/* PyTorch's cumprod_backward: without zeros, reversed_cumsum(y g) / x;
   with them, sum over j >= k of g_j times the product of x_i for i <= j
   but k: by a kernel without grad mode, else over pairs (k, j). For
   complex x, the same of conj(x) and conj(y). */
int tg__d_cumprod(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    const scan_params *p = n->params;
    tg_tensor *x = SAVED(0), *y = SAVED(1);
    if (x && y && tg__is_complex(x->dtype)) {
        x = tg_conj(x);
        y = tg_conj(y);
    }
    if (!x || !y) return -1;
    if (trivial(n, p->dim)) return (gi[0] = g) ? 0 : -1;
    tg_tensor *zeros = tg_sum(tg__compare_scalar(TG_BIN_EQ, x, 0));
    if (!zeros) return -1;
    int64_t d = p->dim;
    if (tg_item(zeros) == 0) {
        gi[0] = tg_div(tg__reversed_cumsum(tg_mul(y, g), d), x);
    } else if (!tg_is_grad_enabled()) {
        tg_tensor *gc = g->dtype == x->dtype ? g : tg__cast(g, x->dtype);
        gi[0] = gc ? tg__new(x->dtype, x->shape, x->ndim) : NULL;
        if (gi[0]) tg__k_cumprod_grad(gi[0], x, gc, (int)d);
    } else {
        tg_tensor *diag, *xs = tg__pairs(x, d, TG_BIN_EQ, &diag), *upper;
        tg_tensor *kj = xs ? tg__pairs(x, d, TG_BIN_GE, &upper) : NULL;
        tg_tensor *c = kj ? tg_cumprod(tg_where(diag, tg__scalar_tensor(1, x->dtype), xs), d + 1) : NULL;
        tg_tensor *term = c ? tg_mul(c, tg_unsqueeze(g, d)) : NULL;
        gi[0] = term ? tg_sum_dim(tg_where(upper, term, tg__scalar_tensor(0, term->dtype)), (const int64_t[]){d + 1}, 1,
                                  false)
                     : NULL;
    }
    return gi[0] ? 0 : -1;
}

/* cumsum_ and cumprod_: the out-of-place result written back, keeping t's
   dtype (PyTorch's cumsum_out). cumprod's derivative reads self, so it is
   computed over a stand-in for t's old value (Note [In-place and saved
   values] in inplace.c); bool has no out kernel. */
static tg_tensor *scan_(const char *fn, tg_op op, tg_tensor *t, int64_t dim)
{
    TG_ARG_OF(fn, t);
    if (tg__check_inplace(t, NULL, true)) return NULL;
    int64_t d;
    if (tg__wrap_dim(dim, t->ndim, &d)) return NULL;
    if (t->dtype == TG_BOOL)
        return tg__fail(TG_E_DTYPE, "\"%s_out_cpu\" not implemented for 'Bool'", op == TG_OP_CUMPROD ? "cumprod" : "cumsum");
    bool recorded = tg_is_grad_enabled() && tg__requires_grad(t);
    const tg_tensor *self = op == TG_OP_CUMPROD && recorded ? tg__stand_in(t) : t;
    tg_tensor *r = self ? scan(fn, op, self, dim) : NULL;
    return r ? tg__commit(t, r) : NULL;
}

tg_tensor *tg_cumsum_(tg_tensor *t, int64_t dim) { return scan_(__func__, TG_OP_CUMSUM, t, dim); }
tg_tensor *tg_cumprod_(tg_tensor *t, int64_t dim) { return scan_(__func__, TG_OP_CUMPROD, t, dim); }
