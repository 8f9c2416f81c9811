/* Elementwise operations: binary (with broadcasting and type promotion),
   their scalar forms, unary functions, comparisons and where. */
#include "../internal.h"

#include <math.h>

/* What each differentiable binary operation is, and what it saves. */
typedef struct binary_def {
    tg_op op;
    tg_binop kernel;
    bool floating_result;   /* true division promotes integers to float */
    bool saves_a, saves_b, saves_out;
    const char *name;
} binary_def;

static const binary_def ADD = {TG_OP_ADD, TG_BIN_ADD, false, false, false, false, "add"};
static const binary_def SUB = {TG_OP_SUB, TG_BIN_SUB, false, false, false, false, "sub"};
static const binary_def RSUB = {TG_OP_RSUB, TG_BIN_RSUB, false, false, false, false, "rsub"};
static const binary_def MUL = {TG_OP_MUL, TG_BIN_MUL, false, true, true, false, "mul"};
static const binary_def DIV = {TG_OP_DIV, TG_BIN_DIV, true, true, true, false, "div"};
static const binary_def POW = {TG_OP_POW, TG_BIN_POW, false, true, true, true, "pow"};
static const binary_def POW_SCALAR = {TG_OP_POW_SCALAR, TG_BIN_POW, false, true, false, false, "pow"};
static const binary_def MAXIMUM = {TG_OP_MAXIMUM, TG_BIN_MAX, false, true, true, false, "maximum"};
static const binary_def MINIMUM = {TG_OP_MINIMUM, TG_BIN_MIN, false, true, true, false, "minimum"};

tg_tensor *tg__cast(const tg_tensor *t, tg_dtype dt)
{
    tg_tensor *out = tg__new(dt, t->shape, t->ndim);
    if (out) tg__copy_into(out, t);
    return out;
}

/* PyTorch's sub_check: no subtraction with a bool operand, whatever the
   other one is (a scalar operand is a number, never a bool). */
static int check_bool_arith(const binary_def *d, tg_dtype a, tg_dtype b)
{
    if (d->kernel != TG_BIN_SUB && d->kernel != TG_BIN_RSUB) return 0;
    if (a == TG_BOOL && b == TG_BOOL)
        return tg__faili(TG_E_DTYPE, "Subtraction, the `-` operator, with two bool tensors is not supported. "
                                     "Use the `^` or `logical_xor()` operator instead.");
    if (a == TG_BOOL || b == TG_BOOL)
        return tg__faili(TG_E_DTYPE, "Subtraction, the `-` operator, with a bool tensor is not supported. "
                                     "If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.");
    return 0;
}

/* Computes a (op) b into a new tensor of dtype `out_dt`, computing in `dt`. */
tg_tensor *tg__binary_kernel(tg_binop k, const tg_tensor *a, const tg_tensor *b, tg_dtype dt, tg_dtype out_dt)
{
    int64_t shape[TG_MAX_DIMS];
    int nd;
    if (tg__broadcast_shapes(a->shape, a->ndim, b->shape, b->ndim, shape, &nd)) return NULL;
    const tg_tensor *ca = a->dtype == dt ? a : tg__cast(a, dt);
    const tg_tensor *cb = b->dtype == dt ? b : tg__cast(b, dt);
    tg_tensor *out = ca && cb ? tg__new_like(out_dt, shape, nd, (const tg_tensor *[]){a, b}, 2) : NULL;
    if (out) tg__k_binary(k, out, ca, cb);
    return out;
}

/* Records the history of out = d(a, b) where b may be NULL (a scalar). */
static tg_tensor *record_binary(const binary_def *d, tg_tensor *out, const tg_tensor *a,
                                const tg_tensor *b, double scalar)
{
    tg_node *n;
    if (tg__record(out, d->op, (const tg_tensor *[]){a, b}, 2, &n)) return NULL;
    if (!n) return out;
    n->scalar = scalar;
    bool need_a = n->next[0].node != NULL, need_b = n->next[1].node != NULL;
    /* Save only what a needed gradient reads, as PyTorch does: for mul each
       input's gradient reads the other; for div a's reads b and b's reads
       both; for pow, maximum and minimum both read both. With a scalar b
       (x * 2, x / 2) the gradient for a reads only the scalar, so a is not
       saved: changing a in place afterwards must not fail backward. */
    bool both = d->op == TG_OP_POW || d->op == TG_OP_MAXIMUM || d->op == TG_OP_MINIMUM;
    if (b && d->saves_a && (need_b || both)) tg__save(n, 0, a);
    if (b && d->saves_b && (need_a || both || (d->op == TG_OP_DIV && need_b))) tg__save(n, 1, b);
    /* x * 2 and x / 2 keep the scalar as a saved tensor (PyTorch's wrapped
       number), so a second backward through them fails like any other. */
    if (!b && need_a && (d->op == TG_OP_MUL || d->op == TG_OP_DIV)) {
        tg_tensor *s = tg__scalar_tensor(scalar, out->dtype);
        if (!s) return NULL;   /* n is out's grad_fn now: it goes with out */
        tg__save(n, 1, s);
    }
    /* pow saves its result whatever needs a gradient, as PyTorch 1.13 does
       (only inputs' saves depend on need): changing the result in place
       fails backward even when the exponent needs no gradient. */
    if (d->saves_out && tg__save_output(n, 2, out)) return NULL;
    return out;
}

static tg_tensor *binary(const binary_def *d, const tg_tensor *a, const tg_tensor *b)
{
    TG_ARG(a);
    TG_ARG(b);
    tg_dtype dt = tg__result_type(a, b);
    if (d->floating_result && !tg__is_floating(dt)) dt = TG_F32;
    if (check_bool_arith(d, a->dtype, b->dtype)) return NULL;
    tg_tensor *out = tg__binary_kernel(d->kernel, a, b, dt, dt);
    return out ? record_binary(d, out, a, b, 0) : NULL;
}

static tg_tensor *binary_scalar(const binary_def *d, const tg_tensor *a, double s)
{
    TG_ARG(a);
    tg_dtype dt = tg__result_type_scalar(a, s);
    if (d->floating_result && !tg__is_floating(dt)) dt = TG_F32;
    if (check_bool_arith(d, a->dtype, TG_F64)) return NULL;
    if (d->kernel == TG_BIN_POW && !tg__is_floating(dt) && s < 0)
        return tg__fail(TG_E_INVALID, "Integers to negative integer powers are not allowed.");
    tg_tensor *sb = tg__scalar_tensor(s, dt);
    tg_tensor *out = sb ? tg__binary_kernel(d->kernel, a, sb, dt, dt) : NULL;
    if (!out) return NULL;
    if (d->op == TG_OP_POW_SCALAR) {   /* one input: no edge for the exponent */
        tg_node *n;
        if (tg__record(out, TG_OP_POW_SCALAR, (const tg_tensor *[]){a}, 1, &n)) return NULL;
        if (!n) return out;
        n->scalar = s;
        tg__save(n, 0, a);
        return out;
    }
    if (d->op == TG_OP_RSUB) {
        if (tg__record(out, TG_OP_RSUB, (const tg_tensor *[]){a}, 1, NULL)) return NULL;
        return out;
    }
    return record_binary(d, out, a, NULL, s);
}

tg_tensor *tg_add(const tg_tensor *a, const tg_tensor *b) { return binary(&ADD, a, b); }
tg_tensor *tg_sub(const tg_tensor *a, const tg_tensor *b) { return binary(&SUB, a, b); }
tg_tensor *tg_mul(const tg_tensor *a, const tg_tensor *b) { return binary(&MUL, a, b); }
tg_tensor *tg_div(const tg_tensor *a, const tg_tensor *b) { return binary(&DIV, a, b); }
tg_tensor *tg_pow(const tg_tensor *a, const tg_tensor *b) { return binary(&POW, a, b); }
tg_tensor *tg_maximum(const tg_tensor *a, const tg_tensor *b) { return binary(&MAXIMUM, a, b); }
tg_tensor *tg_minimum(const tg_tensor *a, const tg_tensor *b) { return binary(&MINIMUM, a, b); }
tg_tensor *tg_add_scalar(const tg_tensor *a, double s) { return binary_scalar(&ADD, a, s); }
tg_tensor *tg_sub_scalar(const tg_tensor *a, double s) { return binary_scalar(&SUB, a, s); }
tg_tensor *tg_mul_scalar(const tg_tensor *a, double s) { return binary_scalar(&MUL, a, s); }
tg_tensor *tg_div_scalar(const tg_tensor *a, double s) { return binary_scalar(&DIV, a, s); }
tg_tensor *tg_pow_scalar(const tg_tensor *a, double s) { return binary_scalar(&POW_SCALAR, a, s); }
tg_tensor *tg_rsub_scalar(const tg_tensor *a, double s) { return binary_scalar(&RSUB, a, s); }

/* ---------------------------------------------------------- comparisons */

tg_tensor *tg__compare(tg_binop op, const tg_tensor *a, const tg_tensor *b)
{
    return tg__binary_kernel(op, a, b, tg__result_type(a, b), TG_BOOL);
}

tg_tensor *tg__compare_scalar(tg_binop op, const tg_tensor *a, double s)
{
    tg_dtype dt = tg__result_type_scalar(a, s);
    tg_tensor *sb = tg__scalar_tensor(s, dt);
    return sb ? tg__binary_kernel(op, a, sb, dt, TG_BOOL) : NULL;
}

/* where(cond, a, b) without history, in a and b's promoted dtype. */
tg_tensor *tg__where(const tg_tensor *cond, const tg_tensor *a, const tg_tensor *b)
{
    int64_t ab[TG_MAX_DIMS], shape[TG_MAX_DIMS];
    int nab, nd;
    if (tg__broadcast_shapes(a->shape, a->ndim, b->shape, b->ndim, ab, &nab) ||
        tg__broadcast_shapes(cond->shape, cond->ndim, ab, nab, shape, &nd))
        return NULL;
    tg_dtype dt = tg__result_type(a, b);
    const tg_tensor *ca = a->dtype == dt ? a : tg__cast(a, dt);
    const tg_tensor *cb = b->dtype == dt ? b : tg__cast(b, dt);
    const tg_tensor *cc = cond->dtype == TG_BOOL ? cond : tg__compare_scalar(TG_BIN_EQ, cond, 0);
    tg_tensor *out = ca && cb && cc ? tg__new_like(dt, shape, nd, (const tg_tensor *[]){cond, a, b}, 3) : NULL;
    if (!out) return NULL;
    /* A non-bool condition was turned into "== 0": swap the branches. */
    if (cond->dtype == TG_BOOL) tg__k_where(out, cc, ca, cb);
    else tg__k_where(out, cc, cb, ca);
    return out;
}
