/* Comparisons, logical operations and isnan/isinf/isfinite. None is
   differentiable: each gives a TG_BOOL tensor without history, computed
   in the operands' promoted dtype as PyTorch computes them. */
#include "ops.h"

#include <math.h>

tg_tensor *tg__compare(tg_binary_kernel k, const tg_tensor *a, const tg_tensor *b)
{
    return tg__binary_kernel(k, a, b, tg__result_type(a, b));
}

tg_tensor *tg__compare_scalar(tg_binary_kernel k, const tg_tensor *a, double s)
{
    tg_dtype dt = tg__result_type_scalar(a, s);
    tg_tensor *sb = tg__scalar_tensor(s, dt);
    return sb ? tg__binary_kernel(k, a, sb, dt) : NULL;
}

/* fn is the public function's name, for errors. */
static tg_tensor *compare(const char *fn, tg_binary_kernel k, const tg_tensor *a, const tg_tensor *b)
{
    TG_ARG_OF(fn, a);
    TG_ARG_OF(fn, b);
    return tg__compare(k, a, b);
}

static tg_tensor *compare_scalar(const char *fn, tg_binary_kernel k, const tg_tensor *a, double s)
{
    TG_ARG_OF(fn, a);
    return tg__compare_scalar(k, a, s);
}

tg_tensor *tg_eq(const tg_tensor *a, const tg_tensor *b) { return compare(__func__, TG_BIN_EQ, a, b); }
tg_tensor *tg_ne(const tg_tensor *a, const tg_tensor *b) { return compare(__func__, TG_BIN_NE, a, b); }
tg_tensor *tg_lt(const tg_tensor *a, const tg_tensor *b) { return compare(__func__, TG_BIN_LT, a, b); }
tg_tensor *tg_le(const tg_tensor *a, const tg_tensor *b) { return compare(__func__, TG_BIN_LE, a, b); }
tg_tensor *tg_gt(const tg_tensor *a, const tg_tensor *b) { return compare(__func__, TG_BIN_GT, a, b); }
tg_tensor *tg_ge(const tg_tensor *a, const tg_tensor *b) { return compare(__func__, TG_BIN_GE, a, b); }
tg_tensor *tg_eq_scalar(const tg_tensor *a, double s) { return compare_scalar(__func__, TG_BIN_EQ, a, s); }
tg_tensor *tg_ne_scalar(const tg_tensor *a, double s) { return compare_scalar(__func__, TG_BIN_NE, a, s); }
tg_tensor *tg_lt_scalar(const tg_tensor *a, double s) { return compare_scalar(__func__, TG_BIN_LT, a, s); }
tg_tensor *tg_le_scalar(const tg_tensor *a, double s) { return compare_scalar(__func__, TG_BIN_LE, a, s); }
tg_tensor *tg_gt_scalar(const tg_tensor *a, double s) { return compare_scalar(__func__, TG_BIN_GT, a, s); }
tg_tensor *tg_ge_scalar(const tg_tensor *a, double s) { return compare_scalar(__func__, TG_BIN_GE, a, s); }

/* Nonzero (NaN included) is true. */
/* The result of t.eq_(other) (other NULL: t.eq_(s)) before it is written
   into t: t k other in t's dtype, recorded as PyTorch records the in-place
   comparison (op), whose gradients are zero. */
tg_tensor *tg__compare_into_dtype(tg_binary_kernel k, tg_op op, const tg_tensor *t, const tg_tensor *other, double s)
{
    tg_tensor *r = other ? tg__compare(k, t, other) : tg__compare_scalar(k, t, s);
    tg_tensor *out = r ? tg__cast(r, t->dtype) : NULL;
    if (!out || tg__record(out, (tg_record){.op = op}, (const tg_tensor *[]){t, other}, other ? 2 : 1, NULL)) return NULL;
    return out;
}

/* zeros_like(self) and zeros_like(other), as derivatives.yaml: no history */
int tg__d_compare_inplace(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    for (int i = 0; i < n->n_next; i++)
        if (NEED(i)) gi[i] = tg_zeros(g->shape, g->ndim, g->dtype);
    return tg__derivative_done(n, gi);
}

/* A complex operand is true where non-zero (either part), as in PyTorch:
   it enters as that bool tensor. */
static tg_tensor *logical(const char *fn, tg_binary_kernel k, const tg_tensor *a, const tg_tensor *b)
{
    TG_ARG_OF(fn, a);
    TG_ARG_OF(fn, b);
    const tg_tensor *x = tg__is_complex(a->dtype) ? tg__compare_scalar(TG_BIN_NE, a, 0) : a;
    const tg_tensor *y = tg__is_complex(b->dtype) ? tg__compare_scalar(TG_BIN_NE, b, 0) : b;
    return x && y ? tg__compare(k, x, y) : NULL;
}

tg_tensor *tg_logical_and(const tg_tensor *a, const tg_tensor *b) { return logical(__func__, TG_BIN_LOGICAL_AND, a, b); }
tg_tensor *tg_logical_or(const tg_tensor *a, const tg_tensor *b) { return logical(__func__, TG_BIN_LOGICAL_OR, a, b); }
tg_tensor *tg_logical_xor(const tg_tensor *a, const tg_tensor *b) { return logical(__func__, TG_BIN_LOGICAL_XOR, a, b); }
tg_tensor *tg_logical_not(const tg_tensor *t) { return compare_scalar(__func__, TG_BIN_EQ, t, 0); }

/* NaN is the one value unequal to itself; integers are never NaN. */
tg_tensor *tg_isnan(const tg_tensor *t) { return compare(__func__, TG_BIN_NE, t, t); }

/* |t| compared with infinity (NaN compares false); integers are always
   finite, which t == t and t != t say in t's layout. */
static tg_tensor *abs_against_inf(const char *fn, tg_binary_kernel k, tg_binary_kernel integers, const tg_tensor *t)
{
    TG_ARG_OF(fn, t);
    if (tg__is_complex(t->dtype)) {   /* of the parts: infinite if either is, finite if both are */
        tg_tensor re, im;
        tg__k_complex_parts(t, &re, &im);
        tg_tensor *r = abs_against_inf(fn, k, integers, &re), *i = abs_against_inf(fn, k, integers, &im);
        return r && i ? tg__binary_kernel(k == TG_BIN_EQ ? TG_BIN_LOGICAL_OR : TG_BIN_LOGICAL_AND, r, i, TG_BOOL) : NULL;
    }
    if (!tg__is_floating(t->dtype)) return tg__compare(integers, t, t);
    tg_tensor *abs = tg__new_like(t->dtype, t->shape, t->ndim, &t, 1);
    if (!abs) return NULL;
    tg__k_unary(TG_UN_ABS, abs, t);
    return tg__compare_scalar(k, abs, INFINITY);
}

tg_tensor *tg_isinf(const tg_tensor *t) { return abs_against_inf(__func__, TG_BIN_EQ, TG_BIN_NE, t); }
tg_tensor *tg_isfinite(const tg_tensor *t) { return abs_against_inf(__func__, TG_BIN_LT, TG_BIN_EQ, t); }

int tg__any_nonzero(const tg_tensor *t)
{
    tg_tensor *set = tg__compare_scalar(TG_BIN_NE, t, 0);
    if (!set) return -1;
    /* a new result is dense: its elements are all of its storage */
    for (int64_t i = 0, count = tg_numel(set); i < count; i++)
        if (((const bool *)tg__ptr(set))[i]) return 1;
    return 0;
}
