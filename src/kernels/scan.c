/* Scan kernels along one dim: cumulative sums and products, and the
   gradient of a cumulative product that has zeros. */
#include "kernels.h"

typedef struct scan_ctx {
    bool prod;
    tg_dtype in, out;
    int64_t len, in_stride, out_stride, g_stride;
} scan_ctx;

/* d[0] the output run's start, d[1] the input's. Floating values
   accumulate in double and integers in int64 (wrapping around), as
   PyTorch's CPU scans do. */
static void scan_loop(char **d, const int64_t *s, int64_t n, void *vctx)
{
    const scan_ctx *c = vctx;
    bool floating = tg__is_floating(c->in);
    for (int64_t i = 0; i < n; i++) {
        char *o = d[0] + i * s[0];
        const char *p = d[1] + i * s[1];
        double acc = c->prod;
        int64_t iacc = c->prod;
        for (int64_t k = 0; k < c->len; k++) {
            const char *x = p + k * c->in_stride;
            char *y = o + k * c->out_stride;
            if (floating) {
                double v = tg__load(x, c->in);
                acc = c->prod ? acc * v : acc + v;
                tg__store(y, c->out, acc);
            } else {
                uint64_t v = (uint64_t)tg__load_int(x, c->in);
                iacc = (int64_t)(c->prod ? (uint64_t)iacc * v : (uint64_t)iacc + v);
                *(int64_t *)y = iacc;
            }
        }
    }
}

/* scan_loop for complex runs: a product accumulated in complex128. */
static void complex_scan_loop(char **d, const int64_t *s, int64_t n, void *vctx)
{
    const scan_ctx *c = vctx;
    for (int64_t i = 0; i < n; i++) {
        char *o = d[0] + i * s[0];
        const char *p = d[1] + i * s[1];
        double _Complex acc = 1;
        for (int64_t k = 0; k < c->len; k++) {
            acc = tg__k_complex_mul(acc, tg__k_load_complex(p + k * c->in_stride, c->in));
            tg__k_store_complex(o + k * c->out_stride, c->out, acc);
        }
    }
}

void tg__k_runs(tg_loop_fn fn, void *ctx, const tg_tensor *const *ts, int n, int dim)
{
    tg_tensor r[4];
    tg_iter_operand ops[4];
    for (int k = 0; k < n; k++) {
        r[k] = *ts[k];
        r[k].shape[dim] = 1;
        tg__operand(&ops[k], &r[k], ts[0]->ndim);
    }
    tg__iter_run(ops, n, r[0].shape, ts[0]->ndim, fn, ctx);
}

/* The byte stride of t along dim. */
static int64_t stride_of(const tg_tensor *t, int dim) { return t->strides[dim] * (int64_t)tg__dtype_size(t->dtype); }

static void runs(tg_loop_fn fn, scan_ctx *c, tg_tensor *out, const tg_tensor *a, const tg_tensor *g, int dim)
{
    c->len = out->shape[dim];
    c->out_stride = stride_of(out, dim);
    c->in_stride = stride_of(a, dim);
    c->g_stride = g ? stride_of(g, dim) : 0;
    tg__k_runs(fn, c, (const tg_tensor *[]){out, a, g}, g ? 3 : 2, dim);
}

void tg__k_scan(bool prod, tg_tensor *out, const tg_tensor *a, int dim)
{
    if (!prod && tg__is_complex(a->dtype)) {   /* a cumulative sum of each part */
        tg_tensor out_re, out_im, a_re, a_im;
        tg__k_complex_parts(out, &out_re, &out_im);
        tg__k_complex_parts(a, &a_re, &a_im);
        tg__k_scan(false, &out_re, &a_re, dim);
        tg__k_scan(false, &out_im, &a_im, dim);
        return;
    }
    scan_ctx c = {.prod = prod, .in = a->dtype, .out = out->dtype};
    runs(tg__is_complex(a->dtype) ? complex_scan_loop : scan_loop, &c, out, a, NULL, dim);
}

/* d[0] the gradient's run, d[1] the input's, d[2] the upstream
   gradient's. gx_k = L_k * S_k with L_k the product of the x before k and
   S_k = g_k + x_{k+1} S_{k+1}: no division, so zeros are safe. */
static void cumprod_grad_loop(char **d, const int64_t *s, int64_t n, void *vctx)
{
    const scan_ctx *c = vctx;
    for (int64_t i = 0; i < n; i++) {
        char *o = d[0] + i * s[0];
        const char *x = d[1] + i * s[1], *g = d[2] + i * s[2];
        double acc = 0;
        for (int64_t k = c->len - 1; k >= 0; k--) {
            if (k < c->len - 1) acc *= tg__load(x + (k + 1) * c->in_stride, c->in);
            acc += tg__load(g + k * c->g_stride, c->in);
            tg__store(o + k * c->out_stride, c->out, acc);
        }
        double left = 1;
        for (int64_t k = 0; k < c->len; k++) {
            char *q = o + k * c->out_stride;
            tg__store(q, c->out, tg__load(q, c->out) * left + 0.0);   /* PyTorch's zeros are +0 */
            left *= tg__load(x + k * c->in_stride, c->in);
        }
    }
}

/* cumprod_grad_loop for complex runs (x, g and out of one complex dtype). */
static void complex_cumprod_grad_loop(char **d, const int64_t *s, int64_t n, void *vctx)
{
    const scan_ctx *c = vctx;
    for (int64_t i = 0; i < n; i++) {
        char *o = d[0] + i * s[0];
        const char *x = d[1] + i * s[1], *g = d[2] + i * s[2];
        double _Complex acc = 0;
        for (int64_t k = c->len - 1; k >= 0; k--) {
            if (k < c->len - 1) acc = tg__k_complex_mul(acc, tg__k_load_complex(x + (k + 1) * c->in_stride, c->in));
            acc += tg__k_load_complex(g + k * c->g_stride, c->in);
            tg__k_store_complex(o + k * c->out_stride, c->out, acc);
        }
        double _Complex left = 1;
        for (int64_t k = 0; k < c->len; k++) {
            char *q = o + k * c->out_stride;
            tg__k_store_complex(q, c->out, tg__k_complex_mul(tg__k_load_complex(q, c->out), left));
            left = tg__k_complex_mul(left, tg__k_load_complex(x + k * c->in_stride, c->in));
        }
    }
}

void tg__k_cumprod_grad(tg_tensor *out, const tg_tensor *x, const tg_tensor *g, int dim)
{
    scan_ctx c = {.in = x->dtype, .out = out->dtype};
    runs(tg__is_complex(x->dtype) ? complex_cumprod_grad_loop : cumprod_grad_loop, &c, out, x, g, dim);
}
