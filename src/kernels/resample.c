/* Resampling kernels: a plan (kernels.h) applied to each row of a
   contiguous (B, S) input, for pooling, padding and upsampling. */
#include "kernels.h"

#include <math.h>
#include <string.h>

/* The plan over one row of floating type T, summed in T as PyTorch's
   kernels sum, then divided by each divisor in turn. */
#define WEIGHTED_ROW(T)                                                       \
    static void weighted_row_##T(T *out, const T *in, const tg_plan *p)       \
    {                                                                         \
        for (int64_t o = 0; o < p->out_size; o++) {                           \
            const int64_t *ix = p->index + o * p->taps;                       \
            const double *w = p->weight + o * p->taps;                        \
            T sum = 0;                                                        \
            for (int64_t k = 0; k < p->taps; k++)                             \
                if (ix[k] < p->in_size) sum += (T)w[k] * in[ix[k]];           \
            for (int d = 0; d < p->n_div; d++) sum /= (T)p->divisor[o * p->n_div + d]; \
            out[o] = sum;                                                     \
        }                                                                     \
    }
WEIGHTED_ROW(float)
WEIGHTED_ROW(double)

/* A nested plan's output (multi-index o) over one row of type T: the
   weighted sum over dim level's taps of the sums over the dims after it,
   each a product then a sum in T as PyTorch's interpolate<n> computes. */
#define NESTED_SUM(T)                                                         \
    static T nested_##T(const T *in, const tg_plan *p, const int64_t *o, int level, int64_t at) \
    {                                                                         \
        const tg_plan_axis *a = &p->axis[level];                              \
        T sum = 0;                                                            \
        for (int64_t k = 0; k < a->taps; k++) {                               \
            int64_t i = at * a->in_size + a->index[o[level] * a->taps + k];   \
            T v = level + 1 < p->n_axes && level < 2 ? nested_##T(in, p, o, level + 1, i) : in[i]; \
            T w = (T)a->weight[o[level] * a->taps + k];                       \
            sum = k ? sum + v * w : v * w;                                    \
        }                                                                     \
        return sum;                                                           \
    }                                                                         \
    static void nested_row_##T(T *out, const T *in, const tg_plan *p)         \
    {                                                                         \
        int64_t o[3] = {0, 0, 0};                                             \
        for (int64_t flat = 0; flat < p->out_size; flat++) {                  \
            out[flat] = nested_##T(in, p, o, 0, 0);                           \
            for (int d = p->n_axes - 1; d >= 0 && ++o[d] == p->axis[d].out_size; d--) o[d] = 0; \
        }                                                                     \
    }
NESTED_SUM(float)
NESTED_SUM(double)

/* Any other dtype: integers sum in int64 (the weights are 1 for them:
   average pooling) and divide rounding toward zero; half types in double. */
static void weighted_row_any(char *out, const char *in, tg_dtype dt, const tg_plan *p)
{
    size_t es = tg__dtype_size(dt);
    bool integer = !tg__is_floating(dt);
    for (int64_t o = 0; o < p->out_size; o++) {
        const int64_t *ix = p->index + o * p->taps;
        const double *w = p->weight + o * p->taps;
        int64_t isum = 0;
        double fsum = 0;
        for (int64_t k = 0; k < p->taps; k++) {
            if (ix[k] >= p->in_size) continue;
            if (integer) isum += tg__load_int(in + (size_t)ix[k] * es, dt);
            else fsum += w[k] * tg__load(in + (size_t)ix[k] * es, dt);
        }
        for (int d = 0; d < p->n_div; d++) {
            if (integer) isum /= (int64_t)p->divisor[o * p->n_div + d];
            else fsum /= p->divisor[o * p->n_div + d];
        }
        tg__store(out + (size_t)o * es, dt, integer ? (double)isum : fsum);
    }
}

/* A plain copy of one tap per output, any dtype, fill where there is none. */
static void copy_row(char *out, const char *in, size_t es, tg_dtype dt, const tg_plan *p)
{
    for (int64_t o = 0; o < p->out_size; o++) {
        int64_t i = p->index[o];
        if (i < p->in_size) memcpy(out + (size_t)o * es, in + (size_t)i * es, es);
        else tg__store(out + (size_t)o * es, dt, p->fill);
    }
}

void tg__k_resample(tg_tensor *out, const tg_tensor *in, const tg_plan *p)
{
    TG_CAPTURED(tg__cap_resample(out, NULL, in, p));
    tg_dtype dt = in->dtype;
    size_t es = tg__dtype_size(dt);
    char *src = tg__ptr(in), *dst = tg__ptr(out);
    for (int64_t b = 0; b < out->shape[0]; b++) {
        char *orow = dst + (size_t)(b * p->out_size) * es;
        const char *irow = src + (size_t)(b * p->in_size) * es;
        if (!p->weight) copy_row(orow, irow, es, dt, p);
        else if (p->nested && dt == TG_F32) nested_row_float((float *)orow, (const float *)irow, p);
        else if (p->nested && dt == TG_F64) nested_row_double((double *)orow, (const double *)irow, p);
        else if (dt == TG_F32) weighted_row_float((float *)orow, (const float *)irow, p);
        else if (dt == TG_F64) weighted_row_double((double *)orow, (const double *)irow, p);
        else weighted_row_any(orow, irow, dt, p);
    }
}

/* The maximum of one row's taps, in double (exact for every floating
   dtype), with its position. */
static void max_row(char *out, int64_t *indices, const char *in, tg_dtype dt, const tg_plan *p)
{
    size_t es = tg__dtype_size(dt);
    for (int64_t o = 0; o < p->out_size; o++) {
        const int64_t *ix = p->index + o * p->taps;
        double best = -INFINITY;
        int64_t at = -1;
        for (int64_t k = 0; k < p->taps; k++) {
            if (ix[k] >= p->in_size) continue;
            double v = tg__load(in + (size_t)ix[k] * es, dt);
            if (at < 0) at = ix[k];
            if (v > best || isnan(v)) {
                best = v;
                at = ix[k];
            }
        }
        tg__store(out + (size_t)o * es, dt, best);
        indices[o] = at;
    }
}

void tg__k_resample_max(tg_tensor *out, tg_tensor *indices, const tg_tensor *in, const tg_plan *p)
{
    TG_CAPTURED(tg__cap_resample(out, indices, in, p));
    tg_dtype dt = in->dtype;
    size_t es = tg__dtype_size(dt);
    for (int64_t b = 0; b < out->shape[0]; b++)
        max_row(tg__ptr(out) + (size_t)(b * p->out_size) * es, (int64_t *)tg__ptr(indices) + b * p->out_size,
                tg__ptr(in) + (size_t)(b * p->in_size) * es, dt, p);
}
