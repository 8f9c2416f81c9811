/* Resampling plans: the axes of pooling, padding and upsampling combined
   into one plan, applied by the kernel, and its derivative (resample.h). */
#include "resample.h"

typedef struct resample_params {
    int dims;
    bool weighted;
    int n_div;
    bool saves_input;
    bool float_grad;   /* a half gradient summed in float and rounded once (Note [Half in float]) */
} resample_params;

/* The slot of the input, saved (as PyTorch's node saves self) only so that
   changing it in place fails backward as PyTorch's does. */
enum { PLAN_INPUT_SLOT = 3, MAX_INPUT_SLOT = 1 };

/* A new contiguous tensor's data, or NULL. */
static void *new_array(tg_dtype dt, int64_t n, tg_tensor **holder)
{
    *holder = tg__new(dt, (const int64_t[]){n}, 1);
    return *holder ? tg__ptr(*holder) : NULL;
}

int tg__axis_new(tg_axis *a, int64_t in_size, int64_t out_size, int64_t taps)
{
    tg_tensor *h;
    *a = (tg_axis){in_size, out_size, taps, NULL, NULL, NULL};
    int64_t n;
    if (out_size < 0 || taps < 0 || __builtin_mul_overflow(out_size, taps, &n))
        return tg__faili(TG_E_SHAPE, "a resampled size of %lld with %lld taps each is too large", (long long)out_size,
                         (long long)taps);
    a->index = new_array(TG_I64, out_size * taps, &h);
    a->weight = new_array(TG_F64, out_size * taps, &h);
    a->divisor = new_array(TG_F64, out_size, &h);
    if (!a->index || !a->weight || !a->divisor) return -1;
    for (int64_t i = 0; i < out_size * taps; i++) {
        a->index[i] = in_size;
        a->weight[i] = 1;
    }
    for (int64_t o = 0; o < out_size; o++) a->divisor[o] = 1;
    return 0;
}

int tg__resampled_shape(const tg_tensor *t, const tg_resampling *r, int64_t *shape)
{
    int lead = t->ndim - r->dims;
    for (int d = 0; d < lead; d++) shape[d] = t->shape[d];
    for (int d = 0; d < r->dims; d++) shape[lead + d] = r->axis[d].out_size;
    return t->ndim;
}

/* The plan of r's axes together (row-major over the dims, the first
   outermost, for outputs and for taps alike), in tensors of the current
   scope: index, and when weighted weight and divisor. */
typedef struct plan_tensors {
    tg_plan plan;
    tg_tensor *index, *weight, *divisor;
} plan_tensors;

/* Output o and tap k of the plan, from each axis's (od[d], kd[d]). */
static void combine_tap(const tg_resampling *r, const int64_t *od, const int64_t *kd, int64_t *index, double *weight)
{
    int64_t at = 0, in_size = 1;
    bool none = false;
    double w = 1;
    for (int d = 0; d < r->dims; d++) {
        const tg_axis *a = &r->axis[d];
        int64_t i = a->index[od[d] * a->taps + kd[d]];
        none = none || i == a->in_size;
        at = at * a->in_size + i;
        in_size *= a->in_size;
        w *= a->weight[od[d] * a->taps + kd[d]];
        if (r->single) w = (double)(float)w;
    }
    *index = none ? in_size : at;
    *weight = w;
}

/* Steps the multi-index i over sizes (row-major); false after the last. */
static bool next_index(int64_t *i, const int64_t *sizes, int n)
{
    for (int d = n - 1; d >= 0; d--) {
        if (++i[d] < sizes[d]) return true;
        i[d] = 0;
    }
    return false;
}

static int make_plan(const tg_resampling *r, plan_tensors *pt)
{
    int64_t outs[3], taps[3], od[3] = {0}, kd[3] = {0};
    tg_plan *p = &pt->plan;
    *pt = (plan_tensors){.plan = {.in_size = 1, .out_size = 1, .taps = 1, .fill = r->fill}};
    for (int d = 0; d < r->dims; d++) {
        outs[d] = r->axis[d].out_size;
        taps[d] = r->axis[d].taps;
        p->in_size *= r->axis[d].in_size;
        p->out_size *= outs[d];
        p->taps *= taps[d];
    }
    int64_t n;
    if (__builtin_mul_overflow(p->out_size, p->taps, &n))
        return tg__faili(TG_E_SHAPE, "a resampled size of %lld with %lld taps each is too large",
                         (long long)p->out_size, (long long)p->taps);
    int64_t *index = new_array(TG_I64, p->out_size * p->taps, &pt->index);
    double *weight = new_array(TG_F64, p->out_size * p->taps, &pt->weight);
    p->n_div = r->divide_each ? r->dims : 1;
    double *divisor = new_array(TG_F64, p->out_size * p->n_div, &pt->divisor);
    if (!index || !weight || !divisor) return -1;
    for (int64_t o = 0; o < p->out_size; o++, next_index(od, outs, r->dims)) {
        for (int64_t k = 0; k < p->taps; k++, next_index(kd, taps, r->dims))
            combine_tap(r, od, kd, &index[o * p->taps + k], &weight[o * p->taps + k]);
        double product = 1;
        for (int d = 0; d < r->dims; d++) {
            double v = r->axis[d].divisor[od[d]];
            if (r->divide_each) divisor[o * p->n_div + d] = v;
            product *= v;
        }
        if (!r->divide_each) divisor[o] = product;
    }
    p->index = index;
    p->nested = r->nested;
    p->n_axes = r->dims;
    for (int d = 0; d < r->dims; d++) {
        const tg_axis *a = &r->axis[d];
        p->axis[d] = (tg_plan_axis){a->in_size, a->out_size, a->taps, a->index, a->weight};
    }
    if (r->weighted) {
        p->weight = weight;
        p->divisor = divisor;
    } else {
        pt->weight = pt->divisor = NULL;
    }
    return 0;
}

/* t's data as a contiguous (B, S) matrix and the result's as (B, O), for
   the kernels: aliases owned by the current scope. */
static int as_rows(const tg_tensor *t, const tg_tensor *out, const tg_plan *p, int dims, tg_tensor **in2,
                   tg_tensor **out2)
{
    int64_t rows = tg__numel(t->shape, t->ndim - dims);
    tg_tensor *c = NULL;
    TG_NO_GRAD { c = tg_contiguous(t); }
    if (!c) return -1;
    *in2 = tg__alias(c, (const int64_t[]){rows, p->in_size}, (const int64_t[]){p->in_size, 1}, 2, c->offset);
    *out2 = tg__alias(out, (const int64_t[]){rows, p->out_size}, (const int64_t[]){p->out_size, 1}, 2, 0);
    return *in2 && *out2 ? 0 : -1;
}

/* The dims of a 4-D or 5-D tensor from the fastest-varying in a
   channels-last layout to the slowest: C, W, (H, D,) N. */
static const int *channels_last_order(int ndim)
{
    static const int ORDER4[4] = {1, 3, 2, 0}, ORDER5[5] = {1, 4, 3, 2, 0};
    return ndim == 4 ? ORDER4 : ORDER5;
}

bool tg__channels_last(const tg_tensor *t, bool contiguous)
{
    if (t->ndim != 4 && t->ndim != 5) return false;
    const int *order = channels_last_order(t->ndim);
    int64_t min = 0, expected = 1;
    for (int k = 0; k < t->ndim; k++) {
        int d = order[k];
        if (contiguous) {   /* is_contiguous(channels_last): size-1 dims need no stride */
            if (t->shape[d] != 1 && t->strides[d] != expected) return tg_numel(t) == 0;
            expected *= t->shape[d];
            continue;
        }
        /* suggest_memory_format: strides growing in that order, the
           ambiguous N1...1 and zero channel strides taken as contiguous */
        if (t->shape[d] == 0 || t->strides[d] < min || t->strides[1] == 0) return false;
        if (d == 0 && min == t->strides[1]) return false;
        min = t->strides[d] * (t->shape[d] > 1 ? t->shape[d] : 1);
    }
    return true;
}

/* A new 4-D or 5-D tensor laid out channels-last. */
static tg_tensor *new_channels_last(tg_dtype dt, const int64_t *s, int ndim)
{
    int64_t strides[5];
    const int *order = channels_last_order(ndim);
    int64_t step = 1;
    for (int k = 0; k < ndim; k++) {
        strides[order[k]] = step;
        step *= s[order[k]];
    }
    tg_tensor *base = tg__new(dt, s, ndim);
    return base ? tg__alias(base, s, strides, ndim, 0) : NULL;
}

tg_tensor *tg__new_laid_out_as(const tg_tensor *t, const int64_t *shape)
{
    return tg__channels_last(t, false) ? new_channels_last(t->dtype, shape, t->ndim) : tg__new(t->dtype, shape, t->ndim);
}

/* out (contiguous) copied into a new channels-last tensor when r keeps
   t's channels-last layout, else out itself. */
static tg_tensor *laid_out_as(const tg_tensor *t, const tg_resampling *r, tg_tensor *out)
{
    if (!out || !r->keeps_channels_last || !tg__channels_last(t, false)) return out;
    tg_tensor *cl = new_channels_last(out->dtype, out->shape, out->ndim);
    if (cl) tg__copy_into(cl, out);
    return cl;
}

/* Records op on out, saving the plan (slots 0-2) and maybe the input; 0
   or -1. */
static int record_plan(tg_tensor *out, tg_op op, const tg_tensor *t, const tg_resampling *r, const plan_tensors *pt)
{
    /* float16's as PyTorch 2 computes it, bfloat16's interpolation too;
       bfloat16 pooling as PyTorch's kernels, adding in bfloat16 */
    bool float_grad = r->weighted && (t->dtype == TG_F16 || (t->dtype == TG_BF16 && r->nested));
    resample_params params = {r->dims, r->weighted, pt->plan.n_div, r->saves_input, float_grad};
    tg_node *n;
    if (tg__record(out, (tg_record){.op = op, .n_saved = 4, TG_PARAMS(params), .tangent_ctx = r}, &t, 1, &n)) return -1;
    if (!n) return 0;
    if (r->saves_input) tg__save(n, PLAN_INPUT_SLOT, t);
    tg__save(n, 0, pt->index);
    if (pt->weight) tg__save(n, 1, pt->weight);
    if (pt->divisor) tg__save(n, 2, pt->divisor);
    return 0;
}

tg_tensor *tg__resample(tg_op op, const tg_tensor *t, const tg_resampling *r)
{
    int64_t shape[TG_MAX_DIMS];
    int nd = tg__resampled_shape(t, r, shape);
    plan_tensors pt;
    tg_tensor *in2, *out2, *out = tg__new(t->dtype, shape, nd);
    if (!out || make_plan(r, &pt) || as_rows(t, out, &pt.plan, r->dims, &in2, &out2)) return NULL;
    tg__k_resample(out2, in2, &pt.plan);
    out = laid_out_as(t, r, out);
    return !out || record_plan(out, op, t, r, &pt) ? NULL : out;
}

tg_tensor *tg__resample_max(tg_op op, const tg_tensor *t, const tg_resampling *r, tg_tensor **indices)
{
    int64_t shape[TG_MAX_DIMS];
    int nd = tg__resampled_shape(t, r, shape);
    plan_tensors pt;
    tg_tensor *in2, *out2, *out = tg__new(t->dtype, shape, nd), *idx = tg__new(TG_I64, shape, nd);
    if (!out || !idx || make_plan(r, &pt) || as_rows(t, out, &pt.plan, r->dims, &in2, &out2)) return NULL;
    tg_tensor *idx2 = tg__alias(idx, out2->shape, out2->strides, 2, 0);
    if (!idx2) return NULL;
    tg__k_resample_max(out2, idx2, in2, &pt.plan);
    out = laid_out_as(t, r, out);
    idx = laid_out_as(t, r, idx);
    if (!out || !idx) return NULL;
    resample_params params = {r->dims, false, 0, true, false};
    tg_resampled_max taken = {r->dims, idx};
    tg_node *n;
    if (tg__record(out, (tg_record){.op = op, .n_saved = 2, TG_PARAMS(params), .tangent_ctx = &taken}, &t, 1, &n))
        return NULL;
    if (n) {
        tg__save(n, 0, idx);
        tg__save(n, MAX_INPUT_SLOT, t);
    }
    *indices = idx;
    return out;
}

/* The gradient of the input, (B, S) viewed as its shape: src (B, T)
   added at the input positions index (B or 1, T), where position S
   (padding) collects what is dropped. */
static tg_tensor *scatter_back(const tg_node *n, const tg_tensor *src, const tg_tensor *index, int dims)
{
    const tg_meta *in = &n->in_meta[0];
    int64_t rows = tg__numel(in->shape, in->ndim - dims), size = tg__numel(in->shape + in->ndim - dims, dims);
    if (!src || !index) return NULL;
    tg_tensor *wide = tg_zeros(TG_SHAPE(rows, size + 1), src->dtype);
    tg_tensor *idx = tg_expand(index, src->shape, src->ndim);
    tg_tensor *sum = wide && idx ? tg_scatter_add(wide, 1, idx, src) : NULL;
    return tg_reshape(tg_narrow(sum, 1, 0, size), in->shape, in->ndim);
}

/* Rows of the output gradient g: (B, O). */
static tg_tensor *grad_rows(const tg_node *n, const tg_tensor *g, int dims)
{
    const tg_meta *in = &n->in_meta[0];
    int64_t rows = tg__numel(in->shape, in->ndim - dims);
    return tg_reshape(g, TG_SHAPE(rows, tg__numel(g->shape + g->ndim - dims, dims)));
}

/* Each output's gradient, divided by its divisors and weighted, goes back
   to the taps it read. */
int tg__d_resample(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    const resample_params *p = n->params;
    if (p->saves_input && !SAVED(PLAN_INPUT_SLOT)) return -1;
    tg_tensor *index = SAVED(0);
    tg_tensor *rows = grad_rows(n, p->float_grad ? tg__widened(g) : g, p->dims);
    if (!index || !rows) return -1;
    int64_t outs = rows->shape[1], taps = outs ? tg_numel(index) / outs : 0;
    if (!p->weighted) {
        gi[0] = scatter_back(n, rows, tg_view(index, TG_SHAPE(1, outs)), p->dims);
        return tg__derivative_done(n, gi);
    }
    tg_tensor *weight = SAVED(1), *divisor = SAVED(2);
    if (!weight || !divisor) return -1;
    tg_tensor *per_tap = tg_unsqueeze(rows, 2);
    tg_tensor *divisors = tg_to(tg_view(divisor, TG_SHAPE(1, outs, p->n_div)), g->dtype);
    for (int d = 0; d < p->n_div; d++) per_tap = tg_div(per_tap, tg_narrow(divisors, 2, d, 1));
    per_tap = tg_mul(per_tap, tg_to(tg_view(weight, TG_SHAPE(1, outs, taps)), g->dtype));
    gi[0] = scatter_back(n, tg_reshape(per_tap, TG_SHAPE(rows->shape[0], outs * taps)),
                         tg_view(index, TG_SHAPE(1, outs * taps)), p->dims);
    return tg__derivative_done(n, gi);
}

/* The gradient goes to the position each maximum came from. */
int tg__d_resample_max(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    const resample_params *p = n->params;
    if (!SAVED(MAX_INPUT_SLOT)) return -1;
    tg_tensor *indices = SAVED(0);
    tg_tensor *rows = grad_rows(n, g, p->dims);
    if (!indices || !rows) return -1;
    gi[0] = scatter_back(n, rows, tg_reshape(indices, rows->shape, 2), p->dims);
    return tg__derivative_done(n, gi);
}
