/* Derivatives, one function per row of ops.def, written with the library's
   own differentiable operations so that create_graph records them too (as
   PyTorch's derivatives.yaml). Each writes gi[i] for the inputs that need a
   gradient; the engine sums results back to each input's shape and dtype. */
#include "../internal.h"

#define NEED(i) (n->next[(i)].node != NULL)
#define SAVED(i) tg__unpack(n, (i))

static tg_tensor *zero_like(const tg_tensor *g) { return tg__scalar_tensor(0, g->dtype); }

/* A needed gradient that came out NULL means an operation failed. */
static int done(const tg_node *n, tg_tensor **gi)
{
    for (int i = 0; i < n->n_next; i++)
        if (NEED(i) && !gi[i]) return -1;
    return 0;
}

static int tg__d_add(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    if (NEED(0)) gi[0] = g;
    if (NEED(1)) gi[1] = g;
    return 0;
}

static int tg__d_sub(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    if (NEED(0)) gi[0] = g;
    if (NEED(1) && !(gi[1] = tg_neg(g))) return -1;
    return 0;
}

static int tg__d_rsub(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    (void)n;
    return (gi[0] = tg_neg(g)) ? 0 : -1;
}

static int tg__d_mul(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    /* b, or the scalar of x * 2 as a 0-dim tensor, is saved whenever a needs a gradient */
    if (NEED(0) && !(gi[0] = tg_mul(g, SAVED(1)))) return -1;
    if (NEED(1) && !(gi[1] = tg_mul(g, SAVED(0)))) return -1;
    return 0;
}

static int tg__d_div(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    if (NEED(0) && !(gi[0] = tg_div(g, SAVED(1)))) return -1;   /* b, or the scalar of x / 2 */
    if (NEED(1)) {
        tg_tensor *a = SAVED(0), *b = SAVED(1);
        tg_tensor *ng = tg_neg(g);
        gi[1] = tg_mul(ng, tg_div(tg_div(a, b), b));   /* -g * ((a / b) / b), as PyTorch */
        if (!gi[1]) return -1;
    }
    return 0;
}

static int tg__d_pow_scalar(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    tg_tensor *a = SAVED(0);
    if (!a) return -1;
    double s = n->scalar;
    if (s == 0) gi[0] = tg_mul_scalar(g, 0);
    else gi[0] = tg_mul(g, tg_mul_scalar(tg_pow_scalar(a, s - 1), s));
    return gi[0] ? 0 : -1;
}

static int tg__d_pow(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    tg_tensor *a = SAVED(0), *b = SAVED(1);
    if (NEED(0)) {
        /* g * b * a^(b-1), and 0 where b == 0 */
        tg_tensor *d = tg_mul(g, tg_mul(b, tg_pow(a, tg_sub_scalar(b, 1))));
        tg_tensor *zero = b ? tg__compare_scalar(TG_BIN_EQ, b, 0) : NULL;
        gi[0] = d && zero ? tg_where(zero, zero_like(d), d) : NULL;
        if (!gi[0]) return -1;
    }
    if (NEED(1)) {
        /* g * a^b * log(a), and 0 where a == 0 and b >= 0 */
        tg_tensor *result = SAVED(2);
        tg_tensor *d = tg_mul(g, tg_mul(result, tg_log(a)));
        tg_tensor *a0 = a ? tg__compare_scalar(TG_BIN_EQ, a, 0) : NULL;
        tg_tensor *bp = b ? tg__compare_scalar(TG_BIN_GE, b, 0) : NULL;
        tg_tensor *mask = a0 && bp ? tg__binary_kernel(TG_BIN_MUL, a0, bp, TG_BOOL, TG_BOOL) : NULL;
        gi[1] = d && mask ? tg_where(mask, zero_like(d), d) : NULL;
        if (!gi[1]) return -1;
    }
    return 0;
}

/* maximum/minimum: the gradient goes to the chosen input, split on ties. */
static int extremum(tg_node *n, tg_tensor *g, tg_tensor **gi, tg_binop loses_a)
{
    tg_tensor *a = SAVED(0), *b = SAVED(1);
    if (!a || !b) return -1;
    tg_tensor *tie = tg__compare(TG_BIN_EQ, a, b);
    tg_tensor *split = tie ? tg_where(tie, tg_div_scalar(g, 2), g) : NULL;
    if (!split) return -1;
    tg_binop loses_b = loses_a == TG_BIN_LT ? TG_BIN_GT : TG_BIN_LT;
    if (NEED(0)) {
        tg_tensor *lose = tg__compare(loses_a, a, b);
        gi[0] = lose ? tg_where(lose, zero_like(g), split) : NULL;
    }
    if (NEED(1)) {
        tg_tensor *lose = tg__compare(loses_b, a, b);
        gi[1] = lose ? tg_where(lose, zero_like(g), split) : NULL;
    }
    return done(n, gi);
}

static int tg__d_maximum(tg_node *n, tg_tensor *g, tg_tensor **gi) { return extremum(n, g, gi, TG_BIN_LT); }
static int tg__d_minimum(tg_node *n, tg_tensor *g, tg_tensor **gi) { return extremum(n, g, gi, TG_BIN_GT); }

static int tg__d_neg(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    (void)n;
    return (gi[0] = tg_neg(g)) ? 0 : -1;
}

#define UNARY_DERIVATIVE(name, EXPR)                                               \
    static int name(tg_node *n, tg_tensor *g, tg_tensor **gi)                      \
    {                                                                              \
        tg_tensor *x = n->saved[0].used ? SAVED(0) : NULL;                         \
        tg_tensor *y = n->saved[1].used ? SAVED(1) : NULL;                         \
        (void)x; (void)y;                                                          \
        return (gi[0] = (EXPR)) ? 0 : -1;                                          \
    }

UNARY_DERIVATIVE(tg__d_exp, tg_mul(g, y))
UNARY_DERIVATIVE(tg__d_log, tg_div(g, x))
UNARY_DERIVATIVE(tg__d_sqrt, tg_div(g, tg_mul_scalar(y, 2)))
UNARY_DERIVATIVE(tg__d_abs, tg_mul(g, tg_sign(x)))
UNARY_DERIVATIVE(tg__d_sin, tg_mul(g, tg_cos(x)))
UNARY_DERIVATIVE(tg__d_cos, tg_mul(g, tg_neg(tg_sin(x))))
UNARY_DERIVATIVE(tg__d_tanh, tg_mul(g, tg_rsub_scalar(tg_mul(y, y), 1)))
UNARY_DERIVATIVE(tg__d_sigmoid, tg_mul(g, tg_mul(tg_rsub_scalar(y, 1), y)))
UNARY_DERIVATIVE(tg__d_relu, tg__threshold_backward(g, y))

/* threshold_backward's own derivative, as derivatives.yaml: the same mask for
   g, zeros for the output it reads. */
static int tg__d_threshold_backward(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    tg_tensor *y = SAVED(0);
    if (!y) return -1;
    if (NEED(0)) gi[0] = tg__threshold_backward(g, y);
    if (NEED(1)) gi[1] = tg_zeros(g->shape, g->ndim, g->dtype);
    return done(n, gi);
}

static int tg__d_zero(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    if (NEED(0) && !(gi[0] = tg_mul_scalar(g, 0))) return -1;
    (void)n;
    return 0;
}

static int tg__d_copy(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    if (NEED(0) && !(gi[0] = tg_mul_scalar(g, 0))) return -1;
    if (NEED(1)) gi[1] = g;
    return 0;
}

/* PyTorch's CopySlices::apply (Note [CopySlices] in node.c): the gradient
   for the base, in its layout, with the view's part replaced by what fn's
   derivative gives for the view's old value; fn's other gradients as they
   are. Written with differentiable operations: under create_graph the
   copy_ into the view of the new tensor is recorded as a CopySlices too. */
static int tg__d_copy_slices(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    const tg_strided *base = &n->geom[0];
    tg_strided at = n->geom[1];
    at.offset -= base->offset;
    tg_tensor *result = tg__zeros_strided(g->dtype, base);
    result = result ? tg_copy_(result, g) : NULL;
    tg_tensor *slice = result ? tg__as_strided(result, &at) : NULL;
    tg_tensor *grad_slice = slice ? tg__clone_contiguous(slice) : NULL;
    if (!grad_slice) return -1;
    tg_tensor *res[TG_NODE_MAX_IN] = {0};
    if (TG_OPS[n->fn->op].derivative(n->fn, grad_slice, res)) return -1;
    if (NEED(0)) {
        /* After zero_ or fill_ on an expanded view this copy_ fails, with
           PyTorch's error, as PyTorch's does. */
        tg_tensor *w = res[0] ? tg_copy_(slice, res[0]) : tg_zero_(slice);
        gi[0] = w ? result : NULL;
    }
    for (int i = 1; i < n->n_next; i++)
        if (NEED(i)) gi[i] = res[i];
    return done(n, gi);
}

static int tg__d_as_strided(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    return (gi[0] = tg__as_strided_backward(g, &n->geom[0], &n->geom[1])) ? 0 : -1;
}

static int tg__d_where(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    tg_tensor *c = SAVED(0);
    if (!c) return -1;
    if (NEED(0)) gi[0] = tg_where(c, g, zero_like(g));
    if (NEED(1)) gi[1] = tg_where(c, zero_like(g), g);
    return done(n, gi);
}

/* Puts back the reduced dims of g (when not kept) and expands to the input. */
static tg_tensor *expand_reduced(tg_node *n, tg_tensor *g)
{
    const tg_meta *in = &n->in_meta[0];
    tg_tensor *r = g;
    if (!n->flag)
        for (int i = 0; i < in->ndim && r; i++)
            if (n->ints[i]) r = tg_unsqueeze(r, i);
    return r ? tg_expand(r, in->shape, in->ndim) : NULL;
}

static int tg__d_sum(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    return (gi[0] = expand_reduced(n, g)) ? 0 : -1;
}

static int tg__d_mean(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    tg_tensor *e = expand_reduced(n, g);
    return (gi[0] = e ? tg_div_scalar(e, n->scalar) : NULL) ? 0 : -1;
}

static int tg__d_max_dim(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    const tg_meta *in = &n->in_meta[0];
    tg_tensor *idx = SAVED(0);
    if (!idx) return -1;
    int64_t d = n->ints[0];
    tg_tensor *gk = g;
    if (in->ndim == 0) return (gi[0] = g) ? 0 : -1;
    if (!n->flag) {
        gk = tg_unsqueeze(g, d);
        idx = tg_unsqueeze(idx, d);
    }
    /* one-hot of the argmax along d: arange(len) (shaped along d) == idx */
    int64_t shape[TG_MAX_DIMS];
    for (int i = 0; i < in->ndim; i++) shape[i] = i == d ? in->shape[d] : 1;
    tg_tensor *pos = tg_arange(0, (double)in->shape[d], 1, TG_I64);
    tg_tensor *pos_d = pos ? tg_view(pos, shape, in->ndim) : NULL;
    tg_tensor *hit = pos_d && idx ? tg__compare(TG_BIN_EQ, pos_d, idx) : NULL;
    gi[0] = hit && gk ? tg_where(hit, gk, zero_like(g)) : NULL;
    return gi[0] ? 0 : -1;
}

static int tg__d_norm(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    tg_tensor *x = SAVED(0), *y = SAVED(1);
    if (!x || !y) return -1;
    tg_tensor *d = tg_mul(x, tg_div(g, y));
    tg_tensor *zero = tg__compare_scalar(TG_BIN_EQ, y, 0);
    gi[0] = d && zero ? tg_where(zero, zero_like(d), d) : NULL;
    return gi[0] ? 0 : -1;
}

static int tg__d_view(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    const tg_meta *in = &n->in_meta[0];
    return (gi[0] = tg_reshape(g, in->shape, in->ndim)) ? 0 : -1;
}

static int tg__d_transpose(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    if (g->ndim < 2) return (gi[0] = g) ? 0 : -1;
    return (gi[0] = tg_transpose(g, n->ints[0], n->ints[1])) ? 0 : -1;
}

static int tg__d_permute(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    int64_t inverse[TG_MAX_DIMS];
    for (int i = 0; i < n->n_ints; i++) inverse[n->ints[i]] = i;
    return (gi[0] = tg_permute(g, inverse, n->n_ints)) ? 0 : -1;
}

static int tg__d_identity(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    (void)n;
    gi[0] = g;
    return 0;
}

static int tg__d_select(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    return (gi[0] = tg__select_backward(g, &n->in_meta[0], n->ints[0], n->ints[1])) ? 0 : -1;
}

static int tg__d_slice(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    gi[0] = tg__slice_backward(g, &n->in_meta[0], n->ints[0], n->ints[1], n->ints[2], n->ints[3]);
    return gi[0] ? 0 : -1;
}

static int tg__d_select_backward(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    return (gi[0] = tg_select(g, n->ints[0], n->ints[1])) ? 0 : -1;
}

static int tg__d_slice_backward(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    return (gi[0] = tg_slice(g, n->ints[0], n->ints[1], n->ints[2], n->ints[3])) ? 0 : -1;
}

static int tg__d_mm(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    if (NEED(0)) gi[0] = tg__mm(g, tg_t(SAVED(1)));
    if (NEED(1)) gi[1] = tg__mm(tg_t(SAVED(0)), g);
    return done(n, gi);
}

static int tg__d_bmm(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    if (NEED(0)) gi[0] = tg__bmm(g, tg_transpose(SAVED(1), 1, 2));
    if (NEED(1)) gi[1] = tg__bmm(tg_transpose(SAVED(0), 1, 2), g);
    return done(n, gi);
}

static int tg__d_mv(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    if (NEED(0)) gi[0] = tg__mm(tg_unsqueeze(g, 1), tg_unsqueeze(SAVED(1), 0));   /* outer(g, v) */
    if (NEED(1)) gi[1] = tg__mv(tg_t(SAVED(0)), g);
    return done(n, gi);
}

static int tg__d_dot(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    if (NEED(0)) gi[0] = tg_mul(g, SAVED(1));
    if (NEED(1)) gi[1] = tg_mul(g, SAVED(0));
    return done(n, gi);
}

static int tg__d_bce_logits(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    tg_tensor *x = SAVED(0), *y = SAVED(1);
    if (!x || !y) return -1;
    tg_tensor *scale = tg_div_scalar(g, n->scalar);
    if (NEED(0)) gi[0] = tg_mul(tg_sub(tg_sigmoid(x), y), scale);
    if (NEED(1)) gi[1] = tg_mul(tg_neg(x), scale);
    return done(n, gi);
}

static int tg__d_mse_loss(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    tg_tensor *x = SAVED(0), *y = SAVED(1);
    if (!x || !y) return -1;
    tg_tensor *d = tg_mul(tg_mul_scalar(tg_sub(x, y), 2.0 / n->scalar), g);
    if (NEED(0)) gi[0] = d;
    if (NEED(1)) gi[1] = tg_neg(d);
    return done(n, gi);
}

const tg_op_info TG_OPS[TG_OP_COUNT] = {
#define TG_OP(id, name, derivative) [TG_OP_##id] = {name, derivative},
#include "../ops.def"
#undef TG_OP
};
