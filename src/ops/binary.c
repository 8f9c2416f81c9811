/* Binary elementwise operations (with broadcasting and type promotion) and
   their scalar forms, each beside its derivative, and where.

   A binary operation's row says what its derivative reads: for each of a
   (slot 0), b (slot 1) and the result (slot 2), when it is saved. PyTorch
   saves only what a needed gradient reads, so that changing a tensor in
   place afterwards fails backward exactly when PyTorch's would. */
#include "ops.h"

#include <math.h>

typedef enum when_saved {
    NEVER,
    FOR_A,        /* when a needs a gradient */
    FOR_B,        /* when b needs a gradient */
    FOR_EITHER,   /* when either does */
    ALWAYS        /* whenever recorded */
} when_saved;

/* The dtypes whose kernel PyTorch lacks ("hypot_cpu" not implemented for
   'Long'), and integer division, which refuses a zero divisor. */
typedef enum dtype_rule { ANY_DTYPE, NO_BOOL_DIVISION, FLOATING_ONLY } dtype_rule;

typedef struct binary_def {
    tg_op op;
    tg_binary_kernel kernel;
    when_saved save_a, save_b, save_result;
    dtype_rule rule;
    const char *kernel_name;   /* for the rule's errors */
} binary_def;

/* mul: a's gradient reads b, b's reads a. */
static const binary_def MUL = {TG_OP_MUL, TG_BIN_MUL, FOR_B, FOR_A, NEVER, ANY_DTYPE, NULL};
/* div: a's gradient reads b; b's reads a and b. */
static const binary_def DIV = {TG_OP_DIV, TG_BIN_DIV, FOR_B, FOR_EITHER, NEVER, ANY_DTYPE, NULL};
/* pow saves its result whatever needs a gradient, as PyTorch 1.13 does:
   changing the result in place fails backward even when the exponent
   needs no gradient. */
static const binary_def POW = {TG_OP_POW, TG_BIN_POW, FOR_EITHER, FOR_EITHER, ALWAYS, ANY_DTYPE, NULL};
static const binary_def MAXIMUM = {TG_OP_MAXIMUM, TG_BIN_MAX, FOR_EITHER, FOR_EITHER, NEVER, ANY_DTYPE, NULL};
static const binary_def MINIMUM = {TG_OP_MINIMUM, TG_BIN_MIN, FOR_EITHER, FOR_EITHER, NEVER, ANY_DTYPE, NULL};
static const binary_def ADD = {TG_OP_ADD, TG_BIN_ADD, NEVER, NEVER, NEVER, ANY_DTYPE, NULL};
static const binary_def SUB = {TG_OP_SUB, TG_BIN_SUB, NEVER, NEVER, NEVER, ANY_DTYPE, NULL};
/* atan2 and xlogy read both operands for either gradient. */
static const binary_def ATAN2 = {TG_OP_ATAN2, TG_BIN_ATAN2, FOR_EITHER, FOR_EITHER, NEVER, ANY_DTYPE, NULL};
static const binary_def XLOGY = {TG_OP_XLOGY, TG_BIN_XLOGY, FOR_EITHER, FOR_EITHER, NEVER, ANY_DTYPE, NULL};
/* hypot: a's gradient reads a and the result, b's b and the result. */
static const binary_def HYPOT = {TG_OP_HYPOT, TG_BIN_HYPOT, FOR_A, FOR_B, FOR_EITHER, FLOATING_ONLY, "hypot_cpu"};
/* fmod and remainder: only b's gradient reads anything (a / b rounded). */
static const binary_def FMOD = {TG_OP_FMOD, TG_BIN_FMOD, FOR_B, FOR_B, NEVER, NO_BOOL_DIVISION, "fmod_cpu"};
static const binary_def REMAINDER = {TG_OP_REMAINDER, TG_BIN_REMAINDER, FOR_B, FOR_B, NEVER, NO_BOOL_DIVISION,
                                     "remainder_cpu"};

tg_tensor *tg__cast(const tg_tensor *t, tg_dtype dt)
{
    tg_tensor *out = tg__new(dt, t->shape, t->ndim);
    if (out) tg__copy_into(out, t);
    return out;
}

/* PyTorch's sub_check: no subtraction with a bool operand, whatever the
   other one is (a scalar operand is a number, never a bool). */
static int check_bool_arith(tg_binary_kernel k, tg_dtype a, tg_dtype b)
{
    if (k != TG_BIN_SUB && k != TG_BIN_RSUB) return 0;
    if (a == TG_BOOL && b == TG_BOOL)
        return tg__faili(TG_E_DTYPE, "Subtraction, the `-` operator, with two bool tensors is not supported. "
                                     "Use the `^` or `logical_xor()` operator instead.");
    if (a == TG_BOOL || b == TG_BOOL)
        return tg__faili(TG_E_DTYPE, "Subtraction, the `-` operator, with a bool tensor is not supported. "
                                     "If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.");
    return 0;
}

/* The dtype k computes in for operands promoting to dt: true division
   (a kernel without an integer body) promotes integers to float. */
static tg_dtype compute_dtype(tg_binary_kernel k, tg_dtype dt)
{
    return tg__is_floating_or_complex(dt) || tg__k_binary_takes_integers(k) ? dt : TG_F32;
}

/* tg__binary_kernel once the shape a and b broadcast to is known. */
static tg_tensor *kernel_over(tg_binary_kernel k, const tg_tensor *a, const tg_tensor *b, tg_dtype dt,
                              const int64_t *shape, int nd)
{
    if (tg__check_complex_binary(k, dt)) return NULL;
    const tg_tensor *ca = a->dtype == dt ? a : tg__cast(a, dt);
    const tg_tensor *cb = b->dtype == dt ? b : tg__cast(b, dt);
    tg_tensor *out = ca && cb ? tg__new_like(tg__k_binary_result(k, dt), shape, nd, (const tg_tensor *[]){a, b}, 2) : NULL;
    if (out) tg__k_binary(k, out, ca, cb);
    return out;
}

tg_tensor *tg__binary_kernel(tg_binary_kernel k, const tg_tensor *a, const tg_tensor *b, tg_dtype dt)
{
    int64_t shape[TG_MAX_DIMS];
    int nd;
    if (tg__broadcast_shapes(a->shape, a->ndim, b->shape, b->ndim, shape, &nd)) return NULL;
    return kernel_over(k, a, b, dt, shape, nd);
}

/* d's rule for operands of promoted dtype dt, and divisor b (NULL: none
   to check) when the result has elements. */
static int check_rule(const binary_def *d, tg_dtype dt, const tg_tensor *b, bool empty)
{
    bool refused = (d->rule == FLOATING_ONLY && !tg__is_floating(dt)) || (d->rule == NO_BOOL_DIVISION && dt == TG_BOOL);
    if (refused)
        return tg__faili(TG_E_DTYPE, "\"%s\" not implemented for '%s'", d->kernel_name, tg__dtype_short(dt));
    if (d->rule != NO_BOOL_DIVISION || tg__is_floating(dt) || empty || !b) return 0;
    tg_tensor *zeros = tg__compare_scalar(TG_BIN_EQ, b, 0);
    int zero = zeros ? tg__any_nonzero(zeros) : -1;
    return zero ? zero < 0 ? -1 : tg__faili(TG_E_INVALID, "ZeroDivisionError") : 0;
}

static bool wanted(when_saved when, bool need_a, bool need_b)
{
    switch (when) {
    case NEVER: return false;
    case FOR_A: return need_a;
    case FOR_B: return need_b;
    case FOR_EITHER: return need_a || need_b;
    case ALWAYS: return true;
    }
    return false;
}

static tg_tensor *binary(const char *fn, const binary_def *d, const tg_tensor *a, const tg_tensor *b)
{
    TG_ARG_OF(fn, a);
    TG_ARG_OF(fn, b);
    tg_dtype rt = tg__result_type(a, b), dt = compute_dtype(d->kernel, rt);
    if (check_bool_arith(d->kernel, a->dtype, b->dtype)) return NULL;
    /* maximum and minimum refuse complex before broadcasting, as PyTorch's */
    if ((d->kernel == TG_BIN_MAX || d->kernel == TG_BIN_MIN) && tg__check_complex_binary(d->kernel, rt)) return NULL;
    int64_t shape[TG_MAX_DIMS];
    int nd;
    if (tg__broadcast_shapes(a->shape, a->ndim, b->shape, b->ndim, shape, &nd) ||
        check_rule(d, rt, b, tg__numel(shape, nd) == 0))
        return NULL;
    tg_tensor *out = kernel_over(d->kernel, a, b, dt, shape, nd);
    tg_node *n;
    if (!out || tg__record(out, (tg_record){.op = d->op, .n_saved = 3}, (const tg_tensor *[]){a, b}, 2, &n)) return NULL;
    if (!n) return out;
    bool need_a = NEED(0), need_b = NEED(1);
    if (wanted(d->save_a, need_a, need_b)) tg__save(n, 0, a);
    if (wanted(d->save_b, need_a, need_b)) tg__save(n, 1, b);
    if (wanted(d->save_result, need_a, need_b) && tg__save_output(n, 2, out)) return NULL;
    return out;
}

/* out = a k s for a Python number s, computed in result_type(a, s). */
static tg_tensor *scalar_kernel(tg_binary_kernel k, const tg_tensor *a, double s, tg_dtype *dt)
{
    *dt = compute_dtype(k, tg__result_type_scalar(a, s));
    if (check_bool_arith(k, a->dtype, TG_F64)) return NULL;
    tg_stack_scalar slot;   /* 0-dim: the result has a's shape */
    return kernel_over(k, a, tg__stack_scalar(&slot, s, *dt), *dt, a->shape, a->ndim);
}

/* x + 2, x - 2 and 2 - x save nothing. As in PyTorch, the nodes of x + 2
   and x - 2 have an edge for the scalar too (none); 2 - x's has not. */
static tg_tensor *shift_scalar(const char *fn, tg_op op, tg_binary_kernel k, int n_inputs, const tg_tensor *a,
                               double s)
{
    TG_ARG_OF(fn, a);
    tg_dtype dt;
    tg_tensor *out = scalar_kernel(k, a, s, &dt);
    return out && !tg__record(out, (tg_record){.op = op}, (const tg_tensor *[]){a, NULL}, n_inputs, NULL) ? out : NULL;
}

/* x * 2 and x / 2: the node has edges for a and the scalar (none), and
   keeps the scalar as a saved tensor (PyTorch's wrapped number, in slot 1
   where b's would be), so a second backward through them fails like any
   other. a is not saved: changing it in place afterwards must not fail
   backward. */
static tg_tensor *scale_scalar(const char *fn, tg_op op, tg_binary_kernel k, const tg_tensor *a, double s)
{
    TG_ARG_OF(fn, a);
    tg_dtype dt;
    tg_tensor *out = scalar_kernel(k, a, s, &dt);
    tg_node *n;
    /* s is also the node's parameter, for the tangent rule (ops/tangents.c) */
    if (!out || tg__record(out, (tg_record){.op = op, .n_saved = 2, TG_PARAMS(s)}, (const tg_tensor *[]){a, NULL}, 2, &n))
        return NULL;
    if (!n) return out;
    tg_tensor *scalar = tg__scalar_tensor(s, out->dtype);
    if (!scalar) return NULL;   /* n is out's grad_fn now: it goes with out */
    tg__save(n, 1, scalar);
    return out;
}

tg_tensor *tg_add(const tg_tensor *a, const tg_tensor *b) { return binary(__func__, &ADD, a, b); }
tg_tensor *tg_add_scalar(const tg_tensor *a, double s) { return shift_scalar(__func__, TG_OP_ADD, TG_BIN_ADD, 2, a, s); }
int tg__d_add(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    if (NEED(0)) gi[0] = g;
    if (NEED(1)) gi[1] = g;
    return 0;
}

tg_tensor *tg_sub(const tg_tensor *a, const tg_tensor *b) { return binary(__func__, &SUB, a, b); }
tg_tensor *tg_sub_scalar(const tg_tensor *a, double s) { return shift_scalar(__func__, TG_OP_SUB, TG_BIN_SUB, 2, a, s); }
int tg__d_sub(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    if (NEED(0)) gi[0] = g;
    if (NEED(1)) gi[1] = tg_neg(g);
    return tg__derivative_done(n, gi);
}

/* s - x (RsubBackward1: the scalar is not an input). */
tg_tensor *tg_rsub_scalar(const tg_tensor *a, double s) { return shift_scalar(__func__, TG_OP_RSUB, TG_BIN_RSUB, 1, a, s); }
int tg__d_rsub(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    (void)n;
    return (gi[0] = tg_neg(g)) ? 0 : -1;
}

tg_tensor *tg_mul(const tg_tensor *a, const tg_tensor *b) { return binary(__func__, &MUL, a, b); }
tg_tensor *tg_mul_scalar(const tg_tensor *a, double s) { return scale_scalar(__func__, TG_OP_MUL, TG_BIN_MUL, a, s); }
int tg__d_mul(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    if (NEED(0)) gi[0] = tg_mul(g, tg_conj(SAVED(1)));   /* b, or the scalar of x * 2 */
    if (NEED(1)) gi[1] = tg_mul(g, tg_conj(SAVED(0)));
    return tg__derivative_done(n, gi);
}

tg_tensor *tg_div(const tg_tensor *a, const tg_tensor *b) { return binary(__func__, &DIV, a, b); }
tg_tensor *tg_div_scalar(const tg_tensor *a, double s) { return scale_scalar(__func__, TG_OP_DIV, TG_BIN_DIV, a, s); }
int tg__d_div(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    if (NEED(0)) gi[0] = tg_div(g, tg_conj(SAVED(1)));   /* b, or the scalar of x / 2 */
    if (NEED(1)) {
        tg_tensor *a = SAVED(0), *b = SAVED(1);
        gi[1] = tg_mul(tg_neg(g), tg_conj(tg_div(tg_div(a, b), b)));   /* -g * conj((a / b) / b), as PyTorch */
    }
    return tg__derivative_done(n, gi);
}

/* x ** s (PowBackward0): one edge, saves x and s. */
typedef struct pow_scalar_params { double exponent; } pow_scalar_params;

tg_tensor *tg_pow_scalar(const tg_tensor *a, double s)
{
    TG_ARG(a);
    tg_dtype rt = tg__result_type_scalar(a, s);
    if (!tg__is_floating_or_complex(rt) && s < 0)
        return tg__fail(TG_E_INVALID, "Integers to negative integer powers are not allowed.");
    tg_dtype dt;
    tg_tensor *out = scalar_kernel(TG_BIN_POW, a, s, &dt);
    pow_scalar_params p = {s};
    tg_node *n;
    if (!out || tg__record(out, (tg_record){.op = TG_OP_POW_SCALAR, .n_saved = 1, TG_PARAMS(p)}, &a, 1, &n)) return NULL;
    if (n) tg__save(n, 0, a);
    return out;
}

int tg__d_pow_scalar(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    const pow_scalar_params *p = n->params;
    tg_tensor *a = SAVED(0);
    if (!a) return -1;
    if (p->exponent == 0) gi[0] = tg_mul_scalar(g, 0);
    else gi[0] = tg_mul(g, tg_conj(tg_mul_scalar(tg_pow_scalar(a, p->exponent - 1), p->exponent)));
    return gi[0] ? 0 : -1;
}

tg_tensor *tg_pow(const tg_tensor *a, const tg_tensor *b) { return binary(__func__, &POW, a, b); }
int tg__d_pow(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    tg_tensor *a = SAVED(0), *b = SAVED(1);
    if (NEED(0)) {
        /* g * conj(b * a^(b-1)), and 0 where b == 0 */
        tg_tensor *d = tg_mul(g, tg_conj(tg_mul(b, tg_pow(a, tg_sub_scalar(b, 1)))));
        tg_tensor *zero = b ? tg__compare_scalar(TG_BIN_EQ, b, 0) : NULL;
        gi[0] = d && zero ? tg_where(zero, tg__scalar_tensor(0, d->dtype), d) : NULL;
        if (!gi[0]) return -1;
    }
    if (NEED(1)) {
        /* g * conj(a^b * log(a)) (a in the result's dtype), and 0 where
           a == 0 and b is real and >= 0 */
        tg_tensor *result = SAVED(2);
        const tg_tensor *la = a && result && a->dtype != result->dtype ? tg_to(a, result->dtype) : a;
        tg_tensor *d = la ? tg_mul(g, tg_conj(tg_mul(result, tg_log(la)))) : NULL;
        tg_tensor *a0 = a ? tg__compare_scalar(TG_BIN_EQ, a, 0) : NULL;
        tg_tensor *bp = NULL;
        if (b && tg__is_complex(b->dtype)) {
            tg_tensor *rb = tg_real(b), *ib = tg_imag(b);
            tg_tensor *real = rb ? tg__compare_scalar(TG_BIN_GE, rb, 0) : NULL;
            tg_tensor *im = ib ? tg__compare_scalar(TG_BIN_EQ, ib, 0) : NULL;
            bp = real && im ? tg__binary_kernel(TG_BIN_MUL, real, im, TG_BOOL) : NULL;
        } else if (b) {
            bp = tg__compare_scalar(TG_BIN_GE, b, 0);
        }
        tg_tensor *mask = a0 && bp ? tg__binary_kernel(TG_BIN_MUL, a0, bp, TG_BOOL) : NULL;
        gi[1] = d && mask ? tg_where(mask, tg__scalar_tensor(0, d->dtype), d) : NULL;
    }
    return tg__derivative_done(n, gi);
}

/* maximum/minimum: the gradient goes to the chosen input, split on ties.
   a loses where loses_a(a, b) holds. */
static int extremum_derivative(tg_node *n, tg_tensor *g, tg_tensor **gi, tg_binary_kernel loses_a)
{
    tg_tensor *a = SAVED(0), *b = SAVED(1);
    if (!a || !b) return -1;
    tg_tensor *tie = tg__compare(TG_BIN_EQ, a, b);
    tg_tensor *split = tie ? tg_where(tie, tg_div_scalar(g, 2), g) : NULL;
    tg_tensor *zero = tg__scalar_tensor(0, g->dtype);
    if (!split || !zero) return -1;
    tg_binary_kernel loses_b = loses_a == TG_BIN_LT ? TG_BIN_GT : TG_BIN_LT;
    if (NEED(0)) {
        tg_tensor *lose = tg__compare(loses_a, a, b);
        gi[0] = lose ? tg_where(lose, zero, split) : NULL;
    }
    if (NEED(1)) {
        tg_tensor *lose = tg__compare(loses_b, a, b);
        gi[1] = lose ? tg_where(lose, zero, split) : NULL;
    }
    return tg__derivative_done(n, gi);
}

tg_tensor *tg_maximum(const tg_tensor *a, const tg_tensor *b) { return binary(__func__, &MAXIMUM, a, b); }
int tg__d_maximum(tg_node *n, tg_tensor *g, tg_tensor **gi) { return extremum_derivative(n, g, gi, TG_BIN_LT); }

tg_tensor *tg_minimum(const tg_tensor *a, const tg_tensor *b) { return binary(__func__, &MINIMUM, a, b); }
int tg__d_minimum(tg_node *n, tg_tensor *g, tg_tensor **gi) { return extremum_derivative(n, g, gi, TG_BIN_GT); }

/* ---------------------------------------- atan2 xlogy hypot fmod remainder */

tg_tensor *tg__reciprocal(const tg_tensor *t)
{
    tg_tensor *one = t ? tg__scalar_tensor(1, t->dtype) : NULL;
    return one ? tg_div(one, t) : NULL;
}

tg_tensor *tg_atan2(const tg_tensor *a, const tg_tensor *b) { return binary(__func__, &ATAN2, a, b); }
/* g b / (a^2 + b^2) and -g a / (a^2 + b^2) */
int tg__d_atan2(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    tg_tensor *a = SAVED(0), *b = SAVED(1);
    tg_tensor *recip = a && b ? tg__reciprocal(tg_add(tg_mul(a, a), tg_mul(b, b))) : NULL;
    if (!recip) return -1;
    if (NEED(0)) gi[0] = tg_mul(tg_mul(g, b), recip);
    if (NEED(1)) gi[1] = tg_mul(tg_mul(g, tg_neg(a)), recip);
    return tg__derivative_done(n, gi);
}

/* a log(b), 0 where a is 0 unless b is NaN. */
tg_tensor *tg_xlogy(const tg_tensor *a, const tg_tensor *b) { return binary(__func__, &XLOGY, a, b); }
/* PyTorch's: xlogy(g, b), zero where a is 0 and b <= 0; and g a / b */
int tg__d_xlogy(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    tg_tensor *a = SAVED(0), *b = SAVED(1);
    if (!a || !b) return -1;
    if (NEED(0)) gi[0] = tg_masked_fill(tg_xlogy(g, b), tg_logical_and(tg_eq_scalar(a, 0), tg_le_scalar(b, 0)), 0);
    if (NEED(1)) gi[1] = tg_div(tg_mul(g, a), b);
    return tg__derivative_done(n, gi);
}

/* The scalar forms: xlogy(a, s) (XlogyBackward2) and xlogy(s, b)
   (XlogyBackward1), computed in result_type(tensor, s). Each has one edge,
   keeps the number as a parameter and saves its tensor (slot 0), as
   PyTorch's nodes save self and other. */
typedef struct xlogy_params { double scalar; } xlogy_params;

static tg_tensor *xlogy_scalar(const char *fn, tg_op op, const tg_tensor *t, double s)
{
    TG_ARG_OF(fn, t);
    tg_dtype dt = compute_dtype(TG_BIN_XLOGY, tg__result_type_scalar(t, s));
    tg_tensor *st = tg__scalar_tensor(s, dt);
    tg_tensor *out = !st ? NULL
                     : op == TG_OP_XLOGY_SCALAR ? tg__binary_kernel(TG_BIN_XLOGY, t, st, dt)
                                                : tg__binary_kernel(TG_BIN_XLOGY, st, t, dt);
    xlogy_params p = {s};
    tg_node *n;
    if (!out || tg__record(out, (tg_record){.op = op, .n_saved = 1, TG_PARAMS(p)}, &t, 1, &n)) return NULL;
    if (n) tg__save(n, 0, t);
    return out;
}

tg_tensor *tg_xlogy_scalar(const tg_tensor *a, double s) { return xlogy_scalar(__func__, TG_OP_XLOGY_SCALAR, a, s); }
/* PyTorch's: xlogy(g, s), and where s <= 0 zero where a is 0 */
int tg__d_xlogy_scalar(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    const xlogy_params *p = n->params;
    tg_tensor *a = SAVED(0);
    if (!a) return -1;
    tg_tensor *r = tg_xlogy_scalar(g, p->scalar);
    gi[0] = p->scalar > 0 || !r ? r : tg_masked_fill(r, tg_eq_scalar(a, 0), 0);
    return gi[0] ? 0 : -1;
}

tg_tensor *tg_scalar_xlogy(double s, const tg_tensor *b) { return xlogy_scalar(__func__, TG_OP_XLOGY_SCALAR_SELF, b, s); }
/* g s / b */
int tg__d_xlogy_scalar_self(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    const xlogy_params *p = n->params;
    tg_tensor *b = SAVED(0);
    if (!b) return -1;
    return (gi[0] = tg_div(tg_mul_scalar(g, p->scalar), b)) ? 0 : -1;
}

tg_tensor *tg_hypot(const tg_tensor *a, const tg_tensor *b) { return binary(__func__, &HYPOT, a, b); }
/* g a / result and g b / result */
int tg__d_hypot(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    tg_tensor *r = SAVED(2);
    if (!r) return -1;
    if (NEED(0)) gi[0] = tg_div(tg_mul(g, SAVED(0)), r);
    if (NEED(1)) gi[1] = tg_div(tg_mul(g, SAVED(1)), r);
    return tg__derivative_done(n, gi);
}

/* fmod and remainder: g for a; -g times a / b rounded (toward zero, or
   down) for b. The rounded quotient is piecewise constant: its own
   derivative is zero, so it is computed without history. */
static int modulo_derivative(tg_node *n, tg_tensor *g, tg_tensor **gi, tg_binary_kernel rounded_div)
{
    if (NEED(0)) gi[0] = g;
    if (NEED(1)) {
        tg_tensor *a = SAVED(0), *b = SAVED(1);
        tg_dtype dt = a && b ? tg__result_type(a, b) : TG_F32;
        tg_tensor *q = a && b ? tg__binary_kernel(rounded_div, a, b, tg__is_floating_or_complex(dt) ? dt : TG_F32) : NULL;
        gi[1] = q ? tg_mul(tg_neg(g), q) : NULL;
    }
    return tg__derivative_done(n, gi);
}

/* The remainder of a / b with a's sign (C's fmod). */
tg_tensor *tg_fmod(const tg_tensor *a, const tg_tensor *b) { return binary(__func__, &FMOD, a, b); }
int tg__d_fmod(tg_node *n, tg_tensor *g, tg_tensor **gi) { return modulo_derivative(n, g, gi, TG_BIN_DIV_TRUNC); }

/* The remainder with b's sign (Python's %). */
tg_tensor *tg_remainder(const tg_tensor *a, const tg_tensor *b) { return binary(__func__, &REMAINDER, a, b); }
int tg__d_remainder(tg_node *n, tg_tensor *g, tg_tensor **gi) { return modulo_derivative(n, g, gi, TG_BIN_DIV_FLOOR); }

/* a fmod s and a remainder s (FmodBackward0, RemainderBackward0): one
   edge, nothing saved, g for a (tg__d_identity). */
static tg_tensor *modulo_scalar(const char *fn, const binary_def *d, tg_op op, const tg_tensor *a, double s)
{
    TG_ARG_OF(fn, a);
    tg_dtype rt = tg__result_type_scalar(a, s);
    tg_tensor *divisor = tg__scalar_tensor(s, rt);
    if (!divisor || check_rule(d, rt, divisor, tg_numel(a) == 0)) return NULL;
    return shift_scalar(fn, op, d->kernel, 1, a, s);
}

tg_tensor *tg_fmod_scalar(const tg_tensor *a, double s) { return modulo_scalar(__func__, &FMOD, TG_OP_FMOD_SCALAR, a, s); }
tg_tensor *tg_remainder_scalar(const tg_tensor *a, double s)
{
    return modulo_scalar(__func__, &REMAINDER, TG_OP_REMAINDER_SCALAR, a, s);
}

/* --------------------------------------------------------------- where */

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

/* The condition is not differentiable: like PyTorch's WhereBackward0, the
   node has edges for a and b only, and saves the condition. */
tg_tensor *tg_where(const tg_tensor *cond, const tg_tensor *a, const tg_tensor *b)
{
    TG_ARG(cond);
    TG_ARG(a);
    TG_ARG(b);
    if (cond->dtype != TG_BOOL)
        return tg__fail(TG_E_DTYPE, "where expected condition to be a boolean tensor, but got a tensor with dtype %s",
                        tg__dtype_short(cond->dtype));
    tg_tensor *out = tg__where(cond, a, b);
    tg_node *n;
    /* the condition's address is the parameter of the tangent rule, which
       runs within tg__record (ops/tangents.c); the derivative reads the
       saved condition */
    if (!out || tg__record(out, (tg_record){.op = TG_OP_WHERE, .n_saved = 1, TG_PARAMS(cond)}, (const tg_tensor *[]){a, b},
                           2, &n))
        return NULL;
    if (n) tg__save(n, 0, cond);
    return out;
}

int tg__d_where(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    tg_tensor *c = SAVED(0);
    tg_tensor *zero = tg__scalar_tensor(0, g->dtype);
    if (!c || !zero) return -1;
    if (NEED(0)) gi[0] = tg_where(c, g, zero);
    if (NEED(1)) gi[1] = tg_where(c, zero, g);
    return tg__derivative_done(n, gi);
}
