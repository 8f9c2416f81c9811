/* Activations: each public function beside its derivative, written as
   derivatives.yaml writes PyTorch's (with the library's differentiable
   operations, so that create_graph works). Those with parameters, and
   gelu's two forms (one node), compute their value in no-grad mode, then
   record their own node with its parameters. */
#include "ops.h"

#include <math.h>

/* x's activation value (computed without history) recorded as op, saving
   x (or, is_result, the value) in slot 0 and the parameters p. */
static tg_tensor *record(tg_tensor *out, tg_op op, const tg_tensor *x, bool is_result, const void *p, size_t size)
{
    tg_node *n;
    if (!out || tg__record(out, (tg_record){.op = op, .n_saved = 1, .params = p, .params_size = size}, &x, 1, &n))
        return NULL;
    if (!n) return out;
    if (!is_result) tg__save(n, 0, x);
    else if (tg__save_output(n, 0, out)) return NULL;
    return out;
}

/* cond ? a : b, either of which may be NULL for zero; differentiable in a
   and b. */
static tg_tensor *choose(tg_tensor *cond, tg_tensor *a, tg_tensor *b, tg_dtype dt)
{
    a = a ? a : tg__scalar_tensor(0, dt);
    b = b ? b : tg__scalar_tensor(0, dt);
    return cond && a && b ? tg_where(cond, a, b) : NULL;
}

/* a and b, two bool masks (and with MAX: a or b) */
static tg_tensor *both(tg_binary_kernel k, tg_tensor *a, tg_tensor *b)
{
    return a && b ? tg__binary_kernel(k, a, b, TG_BOOL) : NULL;
}

/* ------------------------ the masks of leaky_relu, hardtanh, hardsigmoid */

/* Their derivatives mask g by x (or the result): leaky_relu's scales it by
   a (negative_slope) where x <= 0, hardtanh's zeroes it where x <= a
   (min_val) or x >= b (max_val), hardsigmoid's is g / 6 inside (-3, 3)
   and 0 outside. */
typedef struct mask_params { double a, b; } mask_params;

static tg_tensor *mask_value(tg_op op, tg_tensor *g, const tg_tensor *x, const mask_params *p)
{
    if (op == TG_OP_LEAKY_RELU_BACKWARD) {
        tg_tensor *neg = tg_mul_scalar(g, p->a);
        return neg ? choose(tg__compare_scalar(TG_BIN_GT, x, 0), g, neg, g->dtype) : NULL;
    }
    if (op == TG_OP_HARDSIGMOID_BACKWARD) {
        tg_tensor *in = both(TG_BIN_MUL, tg__compare_scalar(TG_BIN_GT, x, -3), tg__compare_scalar(TG_BIN_LT, x, 3));
        /* PyTorch's kernel multiplies by scalar_t(1.0f / 6.0f), a float sixth even for double */
        tg_tensor *sixth = tg_mul_scalar(g, (double)(1.0f / 6.0f));
        return sixth ? choose(in, sixth, NULL, g->dtype) : NULL;
    }
    tg_tensor *out = both(TG_BIN_MAX, tg__compare_scalar(TG_BIN_LE, x, p->a), tg__compare_scalar(TG_BIN_GE, x, p->b));
    return choose(out, NULL, g, g->dtype);
}

/* PyTorch's leaky_relu_backward, hardtanh_backward and hardsigmoid_backward
   (op): a node of its own with edges to g and x, like relu's
   threshold_backward (ops/unary.c), so that differentiating it again gives
   zeros for x rather than "not used in the graph" (or, for hardsigmoid,
   PyTorch's error). Saves x. */
static tg_tensor *mask_backward(tg_op op, tg_tensor *g, const tg_tensor *x, const mask_params *p)
{
    if (!g || !x) return NULL;
    tg_tensor *out = NULL;
    TG_NO_GRAD { out = mask_value(op, g, x, p); }
    tg_node *n;
    if (!out || tg__record(out, (tg_record){.op = op, .n_saved = 1, TG_PARAMS(*p)}, (const tg_tensor *[]){g, x}, 2, &n))
        return NULL;
    if (n) tg__save(n, 0, x);
    return out;
}

/* As derivatives.yaml: the same mask for g, zeros for x. */
int tg__d_mask_backward(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    tg_tensor *x = SAVED(0);
    if (!x) return -1;
    if (NEED(0)) gi[0] = mask_backward(n->op, g, x, n->params);
    if (NEED(1)) gi[1] = tg_zeros(g->shape, g->ndim, g->dtype);
    return tg__derivative_done(n, gi);
}

int tg__d_hardsigmoid_backward(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    (void)n;
    (void)g;
    (void)gi;
    return tg__faili(TG_E_AUTOGRAD, "derivative for aten::hardsigmoid_backward is not implemented");
}

/* ------------------------------------------------------------ gelu */

typedef struct gelu_params { bool tanh; } gelu_params;

static tg_tensor *gelu(const char *fn, const tg_tensor *x, bool tanh_form)
{
    TG_ARG_OF(fn, x);
    if (tg__floating_only("GeluKernelImpl", false, x)) return NULL;
    tg_tensor *out = NULL;
    TG_NO_GRAD { out = tg__unary(fn, tanh_form ? TG_UN_GELU_TANH : TG_UN_GELU, TG_OP_GELU, TG_SAVES_NOTHING, x); }
    gelu_params p = {tanh_form};
    return record(out, TG_OP_GELU, x, false, &p, sizeof p);
}

tg_tensor *tg_gelu(const tg_tensor *x) { return gelu(__func__, x, false); }
tg_tensor *tg_gelu_tanh(const tg_tensor *x) { return gelu(__func__, x, true); }

/* PyTorch's gelu_backward(g, x) in one pass (GeluBackwardBackward0): erf
   form cdf(x) + x pdf(x); tanh form 0.5 (1 + t) + 0.5 x (1 - t^2) k
   (1 + 3 c x^2), t = tanh(k (x + c x^3)). */
static tg_tensor *gelu_backward(tg_tensor *g, tg_tensor *x, const gelu_params *p)
{
    tg_binary_kernel k = p->tanh ? TG_BIN_GELU_TANH_BACKWARD : TG_BIN_GELU_BACKWARD;
    return tg__pointwise_backward(TG_OP_GELU_BACKWARD, k, g, x, p, sizeof *p);
}

int tg__d_gelu(tg_node *n, tg_tensor *g, tg_tensor **gi) { return tg__gradient(gi, gelu_backward(g, SAVED(0), n->params)); }

/* 1 - t for a tensor t, as PyTorch's 1 - t (SubBackward0, not RsubBackward1) */
static tg_tensor *one_minus(tg_tensor *t) { return t ? tg_sub(tg__scalar_tensor(1, t->dtype), t) : NULL; }

/* PyTorch's gelu_double_backward: gelu''(x) gg g, composed so that it can
   be differentiated again. Erf form 2 pdf - x^2 pdf; tanh form, with
   f = x / 2, u = 1 - t^2, h = k (1 + 3 c x^2), s = sech(k (x + c x^3)):
   2 (0.5 u h) + f h (2 s (-s t) h) + f u (6 c x k). Operands in PyTorch's
   order, for its rounding, and its C++ Scalar arithmetic (MulBackward1,
   AddBackward1). */
static tg_tensor *gelu_double_backward(tg_tensor *gg, tg_tensor *g, tg_tensor *x, bool tanh_form)
{
    tg_tensor *d;
    if (tanh_form) {
        const double k = M_SQRT2 * M_2_SQRTPI * 0.5, c = 0.044715;
        tg_tensor *inner = tg__mul_scalar_node(tg_add(x, tg__mul_scalar_node(tg_pow_scalar(x, 3), c)), k);
        tg_tensor *t = tg_tanh(inner);
        tg_tensor *cosh = tg_cosh(inner);
        tg_tensor *sech = cosh ? tg_div(tg__scalar_tensor(1, cosh->dtype), cosh) : NULL;
        tg_tensor *f = tg__mul_scalar_node(x, 0.5);
        tg_tensor *u = one_minus(tg_mul(t, t));
        tg_tensor *h = tg__mul_scalar_node(tg__add_scalar_node(tg_mul(tg__mul_scalar_node(x, 3 * c), x), 1), k);
        tg_tensor *f_prime_uh = tg_mul(tg__mul_scalar_node(u, 0.5), h);
        tg_tensor *two_sech = tg__mul_scalar_node(sech, 2);
        tg_tensor *u_prime = tg_mul(tg_mul(two_sech, tg_mul(tg_neg(sech), t)), h);
        tg_tensor *u_prime_fh = tg_mul(tg_mul(f, h), u_prime);
        tg_tensor *h_prime = tg__mul_scalar_node(tg__mul_scalar_node(x, 6 * c), k);
        tg_tensor *h_prime_fu = tg_mul(tg_mul(f, u), h_prime);
        d = tg_add(tg_add(tg__mul_scalar_node(f_prime_uh, 2), u_prime_fh), h_prime_fu);
    } else {
        tg_tensor *x2 = tg_mul(x, x);
        tg_tensor *pdf = tg__mul_scalar_node(tg_exp(tg__mul_scalar_node(x2, -0.5)), M_2_SQRTPI * M_SQRT1_2 * 0.5);
        tg_tensor *twice = tg__mul_scalar_node(pdf, 2);
        d = tg_sub(twice, tg_mul(x2, pdf));
    }
    tg_tensor *gg_g = tg_mul(gg, g);
    return tg_mul(gg_g, d);
}

/* As derivatives.yaml: gelu_backward(gg, x) for g, gelu_double_backward
   for x. */
int tg__d_gelu_backward(tg_node *n, tg_tensor *gg, tg_tensor **gi)
{
    const gelu_params *p = n->params;
    tg_tensor *x = SAVED(1);
    if (!x) return -1;
    if (NEED(0)) gi[0] = gelu_backward(gg, x, p);
    if (NEED(1)) {
        tg_tensor *g = SAVED(0);
        gi[1] = g ? gelu_double_backward(gg, g, x, p->tanh) : NULL;
    }
    return tg__derivative_done(n, gi);
}

/* ------------------------------------------- silu, mish, logsigmoid */

/* These refuse integers with the words of PyTorch's kernel. */
#define FLOAT_ONLY(kernel, id) tg__unary_typed(__func__, kernel, false, TG_UN_##id, TG_OP_##id, TG_SAVES_INPUT, x)

/* PyTorch's out-of-place silu has no complex derivative; its in-place one
   records one (without conjugates) */
tg_tensor *tg__silu(const char *fn, const tg_tensor *x, bool in_place)
{
    TG_ARG_OF(fn, x);
    if (!in_place && tg__is_complex(x->dtype) && tg__needs_grad(&x, 1))
        return tg__fail(TG_E_AUTOGRAD, "silu does not support automatic differentiation for outputs with complex dtype.");
    return tg__unary_typed(fn, "silu_cpu", false, TG_UN_SILU, TG_OP_SILU, TG_SAVES_INPUT, x);
}

tg_tensor *tg_silu(const tg_tensor *x) { return tg__silu(__func__, x, false); }

/* Outside grad mode, PyTorch's silu_backward and mish_backward: one pass
   of kernel k over g and x, with no history. */
static tg_tensor *fused_backward(tg_binary_kernel k, tg_tensor *g, tg_tensor *x)
{
    return x ? tg__binary_kernel(k, g, x, x->dtype) : NULL;
}

/* d silu = s (1 + x (1 - s)), s = sigmoid(x): as PyTorch, fused outside
   grad mode, composed (differentiable) under create_graph */
int tg__d_silu(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    tg_tensor *x = SAVED(0);
    if (!tg_is_grad_enabled()) return tg__gradient(gi, fused_backward(TG_BIN_SILU_BACKWARD, g, x));
    tg_tensor *s = x ? tg_sigmoid(x) : NULL;
    /* the right factor first, as PyTorch's build evaluates its operands */
    tg_tensor *right = tg__add_scalar_node(tg_mul(x, one_minus(s)), 1);
    return tg__gradient(gi, tg_mul(tg_mul(g, s), right));
}

tg_tensor *tg_mish(const tg_tensor *x) { return FLOAT_ONLY("mish_cpu", MISH); }

/* d mish = t + x s (1 - t^2), t = tanh(softplus(x)), s = sigmoid(x);
   fused outside grad mode, as silu's */
int tg__d_mish(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    tg_tensor *x = SAVED(0);
    if (!tg_is_grad_enabled()) return tg__gradient(gi, fused_backward(TG_BIN_MISH_BACKWARD, g, x));
    tg_tensor *s = x ? tg_sigmoid(x) : NULL;
    tg_tensor *t = x ? tg_tanh(tg_log1p(tg_exp(x))) : NULL;
    tg_tensor *d = tg_add(t, tg_mul(tg_mul(x, s), one_minus(tg_mul(t, t))));
    return tg__gradient(gi, tg_mul(g, d));
}

/* contiguous whatever x's layout, as PyTorch's log_sigmoid_forward */
tg_tensor *tg_logsigmoid(const tg_tensor *x)
{
    TG_ARG(x);
    if (tg__floating_only("log_sigmoid_cpu", false, x)) return NULL;
    const tg_tensor *c = tg__cast(x, x->dtype);
    tg_tensor *out = NULL;
    TG_NO_GRAD { out = c ? tg__unary(__func__, TG_UN_LOGSIGMOID, TG_OP_LOGSIGMOID, TG_SAVES_NOTHING, c) : NULL; }
    return record(out, TG_OP_LOGSIGMOID, x, false, NULL, 0);
}

/* d logsigmoid = sigmoid(-x) */
int tg__d_logsigmoid(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    tg_tensor *x = SAVED(0);
    return tg__gradient(gi, x ? tg_mul(g, tg_sigmoid(tg_neg(x))) : NULL);
}

/* ------------------------------------------ hardsigmoid, hardswish */

tg_tensor *tg_hardsigmoid(const tg_tensor *x) { return FLOAT_ONLY("hardsigmoid_cpu", HARDSIGMOID); }

/* d hardsigmoid = 1/6 inside (-3, 3), else 0 */
int tg__d_hardsigmoid(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    static const mask_params none = {0, 0};
    return tg__gradient(gi, mask_backward(TG_OP_HARDSIGMOID_BACKWARD, g, SAVED(0), &none));
}

tg_tensor *tg_hardswish(const tg_tensor *x) { return FLOAT_ONLY("hardswish_cpu", HARDSWISH); }

/* d hardswish = 0 below -3, x / 3 + 1/2 up to 3, 1 above */
int tg__d_hardswish(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    tg_tensor *x = SAVED(0);
    if (!x) return -1;
    /* x's own gradient flows only inside (-3, 3), as PyTorch's second
       derivative: where(-3 < x < 3, g / 3, 0) */
    tg_tensor *in = both(TG_BIN_MUL, tg__compare_scalar(TG_BIN_GT, x, -3), tg__compare_scalar(TG_BIN_LT, x, 3));
    tg_tensor *inner = in ? tg_where(in, x, tg_detach(x)) : NULL;
    tg_tensor *mid = tg_mul(g, tg_add_scalar(tg_div_scalar(inner, 3), 0.5));
    tg_tensor *upper = mid ? choose(tg__compare_scalar(TG_BIN_LE, x, 3), mid, g, g->dtype) : NULL;
    return tg__gradient(gi, upper ? choose(tg__compare_scalar(TG_BIN_LT, x, -3), NULL, upper, g->dtype) : NULL);
}

/* ------------------------------------------------------- softplus */

typedef struct softplus_params { double beta, threshold; } softplus_params;

/* x where beta x > threshold (for stability), else log1p(exp(beta x)) / beta */
tg_tensor *tg_softplus(const tg_tensor *x, double beta, double threshold)
{
    TG_ARG(x);
    if (tg__floating_only("softplus_cpu", false, x)) return NULL;
    tg_tensor *out = NULL;
    TG_NO_GRAD {
        tg_tensor *bx = tg_mul_scalar(x, beta);
        tg_tensor *big = bx ? tg__compare_scalar(TG_BIN_GT, bx, threshold) : NULL;
        tg_tensor *soft = bx ? tg_div_scalar(tg_log1p(tg_exp(bx)), beta) : NULL;
        out = big && soft ? tg_where(big, x, soft) : NULL;
    }
    softplus_params p = {beta, threshold};
    return record(out, TG_OP_SOFTPLUS, x, false, &p, sizeof p);
}

/* d softplus = 1 where beta x > threshold, else z / (z + 1), z = exp(beta x) */
int tg__d_softplus(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    const softplus_params *p = n->params;
    tg_tensor *x = SAVED(0);
    if (!x) return -1;
    tg_tensor *bx = tg_mul_scalar(x, p->beta);
    tg_tensor *z = tg_exp(bx);
    tg_tensor *soft = tg_div(tg_mul(g, z), tg_add_scalar(z, 1));
    return tg__gradient(gi, bx && soft ? choose(tg__compare_scalar(TG_BIN_GT, bx, p->threshold), g, soft, g->dtype) : NULL);
}

/* ----------------------------------------------------- leaky_relu */

/* is_result: the in-place form, whose derivative reads the result. */
tg_tensor *tg__leaky_relu(const char *fn, const tg_tensor *x, double slope, bool is_result)
{
    TG_ARG_OF(fn, x);
    if (tg__floating_only("leaky_relu_cpu", false, x)) return NULL;
    tg_tensor *out = NULL;
    TG_NO_GRAD {
        tg_tensor *pos = tg__compare_scalar(TG_BIN_GT, x, 0);
        tg_tensor *neg = tg_mul_scalar(x, slope);
        out = pos && neg ? tg_where(pos, x, neg) : NULL;
    }
    mask_params p = {slope, 0};
    return record(out, is_result ? TG_OP_LEAKY_RELU_ : TG_OP_LEAKY_RELU, x, is_result, &p, sizeof p);
}

tg_tensor *tg_leaky_relu(const tg_tensor *x, double negative_slope) { return tg__leaky_relu(__func__, x, negative_slope, false); }

/* g where x (or the result) > 0, else slope g */
int tg__d_leaky_relu(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    const mask_params *p = n->params;
    if (n->op == TG_OP_LEAKY_RELU_ && p->a < 0)
        return tg__faili(TG_E_AUTOGRAD, "In-place leakyReLu backward calculation is triggered with a negative slope which "
                                        "is not supported. This is caused by calling in-place forward function with a "
                                        "negative slope, please call out-of-place version instead. File an issue at "
                                        "https://github.com/pytorch/pytorch if you do require supporting in-place "
                                        "leakRelu backward calculation with negative slope");
    return tg__gradient(gi, mask_backward(TG_OP_LEAKY_RELU_BACKWARD, g, SAVED(0), p));
}

/* ---------------------------------------------------- elu, selu, celu */

typedef struct elu_params { double alpha, scale, input_scale; bool is_result; } elu_params;

/* PyTorch's elu(x, alpha, scale, input_scale): scale x above 0, else
   alpha scale (exp(input_scale x) - 1). op names the node (EluBackward0, or
   CeluBackward0 for celu, and their in-place forms, whose derivative
   reads the result). */
tg_tensor *tg__elu(const char *fn, const tg_tensor *x, double alpha, double scale, double input_scale, tg_op op)
{
    TG_ARG_OF(fn, x);
    if (tg__floating_only("elu_cpu", false, x)) return NULL;
    tg_tensor *out = NULL;
    TG_NO_GRAD {
        tg_tensor *neg = tg__compare_scalar(TG_BIN_LE, x, 0);
        /* exp - 1, not expm1, as PyTorch's kernel (elu(-0.) is 0.) */
        tg_tensor *e = tg_mul_scalar(tg_sub_scalar(tg_exp(tg_mul_scalar(x, input_scale)), 1), alpha * scale);
        tg_tensor *pos = tg_mul_scalar(x, scale);
        out = neg && e && pos ? tg_where(neg, e, pos) : NULL;
    }
    bool is_result = op == TG_OP_ELU_ || op == TG_OP_CELU_;
    elu_params p = {alpha, scale, input_scale, is_result};
    return record(out, op, x, is_result, &p, sizeof p);
}

tg_tensor *tg_elu(const tg_tensor *x, double alpha) { return tg__elu(__func__, x, alpha, 1, 1, TG_OP_ELU); }

/* PyTorch's selu constants */
#define SELU_ALPHA 1.6732632423543772848170429916717
#define SELU_SCALE 1.0507009873554804934193349852946

tg_tensor *tg__selu(const char *fn, const tg_tensor *x, tg_op op) { return tg__elu(fn, x, SELU_ALPHA, SELU_SCALE, 1, op); }
tg_tensor *tg_selu(const tg_tensor *x) { return tg__selu(__func__, x, TG_OP_ELU); }

tg_tensor *tg__celu(const char *fn, const tg_tensor *x, double alpha, tg_op op)
{
    TG_ARG_OF(fn, x);
    if (alpha == 0) return tg__fail(TG_E_INVALID, "ZeroDivisionError: alpha cannot be 0 for CELU");
    return tg__elu(fn, x, alpha, 1, 1 / alpha, op);
}

tg_tensor *tg_celu(const tg_tensor *x, double alpha) { return tg__celu(__func__, x, alpha, TG_OP_CELU); }

/* PyTorch's elu_backward: where v <= 0 (v is x, or the result y),
   g input_scale alpha scale exp(input_scale x) (from y:
   g input_scale (y + alpha scale)), else g scale. */
static tg_tensor *elu_backward_value(tg_tensor *g, const elu_params *p, const tg_tensor *v)
{
    tg_tensor *neg = p->is_result ? tg_mul_scalar(tg_mul(g, tg_add_scalar(v, p->alpha * p->scale)), p->input_scale)
                                  : tg_mul(tg_mul_scalar(g, p->input_scale * p->alpha * p->scale),
                                           tg_exp(tg_mul_scalar(v, p->input_scale)));
    tg_tensor *pos = tg_mul_scalar(g, p->scale);
    return neg && pos ? choose(tg__compare_scalar(TG_BIN_LE, v, 0), neg, pos, g->dtype) : NULL;
}

/* elu_backward as a node of its own (EluBackwardBackward0) with edges to
   g and v, saving both, so that its derivative is PyTorch's. */
static tg_tensor *elu_backward(tg_tensor *g, const elu_params *p, const tg_tensor *v)
{
    if (!g || !v) return NULL;
    tg_tensor *out = NULL;
    TG_NO_GRAD { out = elu_backward_value(g, p, v); }
    tg_node *n;
    if (!out || tg__record(out, (tg_record){.op = TG_OP_ELU_BACKWARD, .n_saved = 2, TG_PARAMS(*p)},
                           (const tg_tensor *[]){g, v}, 2, &n))
        return NULL;
    if (n) {
        tg__save(n, 0, g);
        tg__save(n, 1, v);
    }
    return out;
}

int tg__d_elu(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    const elu_params *p = n->params;
    if (p->is_result && p->alpha < 0)
        return tg__faili(TG_E_AUTOGRAD, "In-place elu backward calculation is triggered with a negative slope which is not "
                                        "supported. This is caused by calling in-place forward function with a negative "
                                        "slope, please call out-of-place version instead.");
    return tg__gradient(gi, elu_backward(g, p, SAVED(0)));
}

/* PyTorch's elu_double_backward: for g, elu_backward again; for v, where
   v < 0, gg g input_scale from the result, elu_backward of it from x; else
   0 (a product with the mask, so its zeros are signed as PyTorch's). */
int tg__d_elu_backward(tg_node *n, tg_tensor *gg, tg_tensor **gi)
{
    const elu_params *p = n->params;
    tg_tensor *g = SAVED(0), *v = SAVED(1);
    if (!g || !v) return -1;
    if (NEED(0)) gi[0] = elu_backward(gg, p, v);
    if (NEED(1)) {
        tg_tensor *t = tg_mul_scalar(tg_mul(gg, g), p->input_scale);
        tg_tensor *d = p->is_result ? t : elu_backward(t, p, v);
        tg_tensor *below = tg__compare_scalar(TG_BIN_LT, v, 0);
        tg_tensor *mask = below ? tg__cast(below, gg->dtype) : NULL;
        gi[1] = d && mask ? tg_mul(d, mask) : NULL;
    }
    return tg__derivative_done(n, gi);
}

/* --------------------------------------------------- hardtanh, relu6 */

/* clamp to [min_val, max_val]; integers are kept, NaN propagates */
tg_tensor *tg__hardtanh(const char *fn, const tg_tensor *x, double min_val, double max_val)
{
    TG_ARG_OF(fn, x);
    if (x->dtype == TG_BOOL) return tg__fail(TG_E_DTYPE, "Bool inputs not supported for hardtanh");
    tg_tensor *out = NULL;
    TG_NO_GRAD {
        /* max_val wins when min_val > max_val, as in clamp */
        tg_tensor *lo = tg__scalar_tensor(min_val, x->dtype), *hi = tg__scalar_tensor(max_val, x->dtype);
        tg_tensor *below = tg__compare_scalar(TG_BIN_LT, x, min_val);
        tg_tensor *lower = below && lo ? tg_where(below, lo, x) : NULL;
        tg_tensor *above = lower ? tg__compare_scalar(TG_BIN_GT, lower, max_val) : NULL;
        out = above && hi ? tg_where(above, hi, lower) : NULL;
    }
    mask_params p = {min_val, max_val};
    return record(out, TG_OP_HARDTANH, x, false, &p, sizeof p);
}

tg_tensor *tg_hardtanh(const tg_tensor *x, double min_val, double max_val) { return tg__hardtanh(__func__, x, min_val, max_val); }
tg_tensor *tg_relu6(const tg_tensor *x) { return tg__hardtanh(__func__, x, 0, 6); }

/* 0 where x <= min_val or x >= max_val, else g */
int tg__d_hardtanh(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    return tg__gradient(gi, mask_backward(TG_OP_HARDTANH_BACKWARD, g, SAVED(0), n->params));
}
