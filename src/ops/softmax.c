/* softmax and log_softmax over one dim, and their gradients, PyTorch's
   _softmax_backward_data and _log_softmax_backward_data: operations of
   their own (SoftmaxBackwardDataBackward0, ...), so that second
   derivatives have PyTorch's graph. */
#include "ops.h"

typedef struct softmax_params {
    int64_t dim;   /* wrapped; 0 for a 0-dim tensor */
} softmax_params;

typedef struct softmax_def {
    bool log;
    const char *lastdim_kernel;   /* PyTorch's kernel over the last dim, named in its dtype errors */
    tg_op op, backward_op;
} softmax_def;

static const softmax_def SOFTMAX = {false, "softmax_lastdim_kernel_impl", TG_OP_SOFTMAX, TG_OP_SOFTMAX_BACKWARD_DATA};
static const softmax_def LOG_SOFTMAX = {true, "log_softmax_lastdim_kernel_impl", TG_OP_LOG_SOFTMAX,
                                        TG_OP_LOG_SOFTMAX_BACKWARD_DATA};

/* sum(t, dim, keepdim=True) */
static tg_tensor *sum_kept(const tg_tensor *t, int64_t dim) { return tg_sum_dim(t, &dim, 1, true); }

/* Floating dtypes (PyTorch names the kernel over other dims
   softmax_kernel_impl for both functions). */
static int check_dtype(const softmax_def *d, const tg_tensor *t, bool lastdim)
{
    if (tg__is_floating(t->dtype)) return 0;
    return tg__faili(TG_E_DTYPE, "\"%s\" not implemented for '%s'", lastdim ? d->lastdim_kernel : "softmax_kernel_impl",
                     tg__dtype_short(t->dtype));
}

/* Whether t is contiguous f32 or f64 rows along dim, its last: what the
   row kernels of kernels/softmax.c take. */
static bool as_rows(const tg_tensor *t, int64_t dim)
{
    return t->ndim > 0 && dim == t->ndim - 1 && (t->dtype == TG_F32 || t->dtype == TG_F64) && tg_is_contiguous(t);
}

/* The value as PyTorch's kernels compute it: max-shifted exponentials
   times the reciprocal of their sum along the last dim, divided by it
   along others; x - max - log(sum) for log_softmax. Contiguous f32 and f64
   rows along the last dim go through one kernel (kernels/softmax.c) with
   the same roundings; f16 and bf16 as PyTorch 2 computes them: the f32
   value of their float copy, rounded. */
static tg_tensor *softmax_value(const softmax_def *d, const tg_tensor *t, int64_t dim, bool lastdim)
{
    if (tg__is_half(t->dtype)) {
        tg_tensor *x = tg__cast(t, TG_F32), *v = x ? softmax_value(d, x, dim, lastdim) : NULL;
        return v ? tg__cast(v, t->dtype) : NULL;
    }
    if (as_rows(t, dim)) {
        /* the same values in one kernel */
        tg_tensor *out = tg__new(t->dtype, t->shape, t->ndim);
        int64_t n = t->shape[t->ndim - 1];
        if (out) tg__k_softmax_rows(tg__ptr(t), tg__ptr(out), t->dtype, tg__numel(t->shape, t->ndim) / n, n, d->log);
        return out;
    }
    tg_tensor *x = tg__cast(t, t->dtype);   /* contiguous, so that the result is as PyTorch's */
    tg_tensor *shifted = tg_sub(x, tg_amax(x, &dim, 1, true));
    tg_tensor *e = tg_exp(shifted);
    tg_tensor *sum = sum_kept(e, dim), *v;
    if (d->log) v = tg_sub(shifted, tg_log(sum));
    else if (lastdim) v = tg_mul(e, tg__reciprocal(sum));
    else v = tg_div(e, sum);
    return v;
}

static tg_tensor *softmax(const char *fn, const softmax_def *d, const tg_tensor *t, int64_t dim)
{
    TG_ARG_OF(fn, t);
    softmax_params p;
    if (tg__wrap_dim(dim, t->ndim, &p.dim)) return NULL;
    bool lastdim = t->ndim == 0 || p.dim == t->ndim - 1;
    bool empty = tg__numel(t->shape, t->ndim) == 0;   /* PyTorch returns before its kernels: any dtype */
    if (!empty && check_dtype(d, t, lastdim)) return NULL;
    tg_tensor *out = NULL;
    TG_NO_GRAD {
        out = empty ? tg__new(t->dtype, t->shape, t->ndim) : softmax_value(d, t, p.dim, lastdim);
    }
    if (!out) return NULL;
    tg_node *n;
    if (tg__record(out, (tg_record){.op = d->op, .n_saved = 1, TG_PARAMS(p)}, &t, 1, &n)) return NULL;
    if (n && tg__save_output(n, 0, out)) return NULL;
    return out;
}

tg_tensor *tg_softmax(const tg_tensor *t, int64_t dim) { return softmax(__func__, &SOFTMAX, t, dim); }
tg_tensor *tg_log_softmax(const tg_tensor *t, int64_t dim) { return softmax(__func__, &LOG_SOFTMAX, t, dim); }

/* The gradient of d's function from the gradient g of its output y:
   (g - sum(g y)) y for softmax, g - exp(y) sum(g) for log_softmax, as
   PyTorch's kernels compute them; recorded with inputs (g, y) saved. f16
   and bf16 as PyTorch 2 computes them: from float copies of g and y,
   rounded. */
static tg_tensor *backward_data(const softmax_def *d, const tg_tensor *g, const tg_tensor *y, int64_t dim)
{
    tg_tensor *out = NULL;
    if (tg__is_half(y->dtype)) {
        tg_tensor *gf = tg__cast(g, TG_F32), *yf = tg__cast(y, TG_F32), *v = NULL;
        TG_NO_GRAD {
            v = gf && yf ? backward_data(d, gf, yf, dim) : NULL;
        }
        out = v ? tg__cast(v, y->dtype) : NULL;
    } else if (as_rows(y, dim) && g->dtype == y->dtype && tg_is_contiguous(g)) {   /* the same values in one kernel */
        int64_t n = y->shape[y->ndim - 1];
        out = tg__new(y->dtype, y->shape, y->ndim);
        if (out && n > 0)
            tg__k_softmax_backward_rows(tg__ptr(g), tg__ptr(y), tg__ptr(out), y->dtype,
                                        tg__numel(y->shape, y->ndim) / n, n, d->log);
    } else {
        TG_NO_GRAD {
            const tg_tensor *gy = g->dtype == y->dtype ? g : tg_to(g, y->dtype);
            if (d->log) out = tg_sub(gy, tg_mul(tg_exp(y), sum_kept(gy, dim)));
            else out = tg_mul(tg_sub(gy, sum_kept(tg_mul(gy, y), dim)), y);
        }
    }
    if (!out) return NULL;
    softmax_params p = {dim};
    tg_node *n;
    if (tg__record(out, (tg_record){.op = d->backward_op, .n_saved = 2, TG_PARAMS(p)}, (const tg_tensor *[]){g, y}, 2,
                   &n))
        return NULL;
    if (n) {
        tg__save(n, 0, g);
        tg__save(n, 1, y);
    }
    return out;
}

static int d_softmax(const softmax_def *d, tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    const softmax_params *p = n->params;
    tg_tensor *y = SAVED(0);
    if (!y) return -1;
    gi[0] = backward_data(d, g, y, p->dim);
    return gi[0] ? 0 : -1;
}

int tg__d_softmax(tg_node *n, tg_tensor *g, tg_tensor **gi) { return d_softmax(&SOFTMAX, n, g, gi); }
int tg__d_log_softmax(tg_node *n, tg_tensor *g, tg_tensor **gi) { return d_softmax(&LOG_SOFTMAX, n, g, gi); }

/* derivatives.yaml's: for grad_output the same backward again, for output
   softmax_double_backward: gg gO - sum(y gO) gg - gO sum(y gg). */
int tg__d_softmax_backward_data(tg_node *n, tg_tensor *gg, tg_tensor **gi)
{
    const softmax_params *p = n->params;
    tg_tensor *g = SAVED(0), *y = SAVED(1);
    if (!g || !y) return -1;
    if (NEED(0)) gi[0] = backward_data(&SOFTMAX, gg, y, p->dim);
    if (NEED(1))
        gi[1] = tg_sub(tg_sub(tg_mul(g, gg), tg_mul(sum_kept(tg_mul(y, g), p->dim), gg)),
                       tg_mul(g, sum_kept(tg_mul(y, gg), p->dim)));
    return tg__derivative_done(n, gi);
}

/* For grad_output gg - sum(gg exp(y)); for output -sum(gO) exp(y) gg. */
int tg__d_log_softmax_backward_data(tg_node *n, tg_tensor *gg, tg_tensor **gi)
{
    const softmax_params *p = n->params;
    tg_tensor *g = SAVED(0), *y = SAVED(1);
    if (!g || !y) return -1;
    tg_tensor *e = tg_exp(y);
    if (NEED(0)) gi[0] = tg_sub(gg, sum_kept(tg_mul(gg, e), p->dim));
    if (NEED(1)) gi[1] = tg_mul(tg_mul(tg_neg(sum_kept(g, p->dim)), e), gg);
    return tg__derivative_done(n, gi);
}
