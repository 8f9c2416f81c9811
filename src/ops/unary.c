/* Unary elementwise functions, where, and dtype conversion. */
#include "../internal.h"

typedef struct unary_def {
    tg_op op;
    tg_unop kernel;
    bool floating_only;   /* integer inputs are promoted to float first */
    bool saves_input, saves_output;
} unary_def;

static tg_tensor *unary(const unary_def *d, const tg_tensor *a)
{
    TG_ARG(a);
    if (a->dtype == TG_BOOL && d->kernel == TG_UN_NEG)
        return tg__fail(TG_E_DTYPE, "Negation, the `-` operator, on a bool tensor is not supported. "
                                    "If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.");
    tg_dtype dt = a->dtype;
    if (d->floating_only && !tg__is_floating(dt)) dt = TG_F32;
    const tg_tensor *src = dt == a->dtype ? a : tg__cast(a, dt);
    tg_tensor *out = src ? tg__new_like(dt, a->shape, a->ndim, &a, 1) : NULL;
    if (!out) return NULL;
    tg__k_unary(d->kernel, out, src);
    tg_node *n;
    if (tg__record(out, d->op, (const tg_tensor *[]){a}, 1, &n)) return NULL;
    if (!n) return out;
    if (d->saves_input) tg__save(n, 0, a);
    if (d->saves_output && tg__save_output(n, 1, out)) return NULL;
    return out;
}

#define UNARY(fn, OP, KERNEL, FLOAT_ONLY, IN, OUT)                                 \
    tg_tensor *fn(const tg_tensor *t)                                              \
    {                                                                              \
        static const unary_def d = {OP, KERNEL, FLOAT_ONLY, IN, OUT};              \
        return unary(&d, t);                                                       \
    }

UNARY(tg_neg, TG_OP_NEG, TG_UN_NEG, false, false, false)
UNARY(tg_exp, TG_OP_EXP, TG_UN_EXP, true, false, true)
UNARY(tg_log, TG_OP_LOG, TG_UN_LOG, true, true, false)
UNARY(tg_sqrt, TG_OP_SQRT, TG_UN_SQRT, true, false, true)
UNARY(tg_abs, TG_OP_ABS, TG_UN_ABS, false, true, false)
UNARY(tg_sin, TG_OP_SIN, TG_UN_SIN, true, true, false)
UNARY(tg_cos, TG_OP_COS, TG_UN_COS, true, true, false)
UNARY(tg_tanh, TG_OP_TANH, TG_UN_TANH, true, false, true)
UNARY(tg_sigmoid, TG_OP_SIGMOID, TG_UN_SIGMOID, true, false, true)
UNARY(tg_relu, TG_OP_RELU, TG_UN_RELU, false, false, true)
UNARY(tg_sign, TG_OP_SIGN, TG_UN_SIGN, false, false, false)

/* A node of its own (ThresholdBackwardBackward0) with an edge to y, so that,
   as in PyTorch, relu's derivative depends on relu's output: differentiating
   it again gives zeros for the input rather than "not used in the graph". */
tg_tensor *tg__threshold_backward(const tg_tensor *g, const tg_tensor *y)
{
    TG_ARG(g);
    TG_ARG(y);
    tg_tensor *off = tg__compare_scalar(TG_BIN_LE, y, 0);
    tg_tensor *zero = tg__scalar_tensor(0, g->dtype);
    tg_tensor *out = off && zero ? tg__where(off, zero, g) : NULL;
    if (!out) return NULL;
    tg_node *n;
    if (tg__record(out, TG_OP_THRESHOLD_BACKWARD, (const tg_tensor *[]){g, y}, 2, &n)) return NULL;
    if (!n) return out;
    tg__save(n, 0, y);
    return out;
}

tg_tensor *tg_where(const tg_tensor *cond, const tg_tensor *a, const tg_tensor *b)
{
    TG_ARG(cond);
    TG_ARG(a);
    TG_ARG(b);
    if (cond->dtype != TG_BOOL)
        return tg__fail(TG_E_DTYPE, "where expected condition to be a boolean tensor, but got a tensor with dtype %s",
                        tg__dtype_short(cond->dtype));
    tg_tensor *out = tg__where(cond, a, b);
    if (!out) return NULL;
    /* The condition is not differentiable: like PyTorch's WhereBackward0,
       the node has edges for a and b only. */
    tg_node *n;
    if (tg__record(out, TG_OP_WHERE, (const tg_tensor *[]){a, b}, 2, &n)) return NULL;
    if (!n) return out;
    tg__save(n, 0, cond);
    return out;
}

/* A copy of t in dtype dt, laid out like t (preserve_format) unless asked
   to be contiguous; no history. */
static tg_tensor *copy_of(const tg_tensor *t, tg_dtype dt, bool contiguous)
{
    tg_tensor *out = contiguous ? tg__new(dt, t->shape, t->ndim) : tg__new_like(dt, t->shape, t->ndim, &t, 1);
    if (out) tg__copy_into(out, t);
    return out;
}

tg_tensor *tg_to(const tg_tensor *t, tg_dtype dtype)
{
    TG_ARG(t);
    if (!tg__is_supported(dtype))
        return tg__fail(TG_E_DTYPE, "dtype %s is not supported yet", tg_dtype_name(dtype));
    if (dtype == t->dtype) return tg__share(t);   /* like PyTorch, the same tensor */
    tg_tensor *out = copy_of(t, dtype, false);
    if (!out) return NULL;
    if (!tg__is_floating(dtype)) return out;   /* integers carry no gradient */
    return tg__record(out, TG_OP_TO_COPY, (const tg_tensor *[]){t}, 1, NULL) ? NULL : out;
}

/* clone with PyTorch's preserve_format (t's layout), or contiguous. */
static tg_tensor *clone(const tg_tensor *t, bool contiguous)
{
    TG_ARG(t);
    tg_tensor *out = copy_of(t, t->dtype, contiguous);
    if (!out) return NULL;
    if (tg__record(out, TG_OP_CLONE, (const tg_tensor *[]){t}, 1, NULL)) return NULL;
    return out;
}

tg_tensor *tg_clone(const tg_tensor *t) { return clone(t, false); }
tg_tensor *tg__clone_contiguous(const tg_tensor *t) { return clone(t, true); }
