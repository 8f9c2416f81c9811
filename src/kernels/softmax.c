/* softmax and log_softmax along the last dim of contiguous rows, and
   their gradients, each in one kernel, with the roundings of the composed
   operations they replace (ops/softmax.c). Forward, per row: amax, x - max,
   exp (the SIMD loop on a row's whole 64-byte chunks, libm on the rest,
   Note [Vector tails]), a sum in double rounded to the element type, then
   e * (1 / sum) or (x - max) - log(sum). Backward, from the gradient g of
   the result y: (g - sum(g y)) y, or g - exp(y) sum(g). */
#include "kernels.h"
#include "vec.h"

#include <tgmath.h>

/* The sum of a row in double: the SIMD one for floats where there is one. */
static double sum_f32(const float *a, int64_t n, double (*vec_sum)(const float *, int64_t))
{
    if (vec_sum) return vec_sum(a, n);
    double total = 0;
    for (int64_t j = 0; j < n; j++) total += a[j];
    return total;
}

static double sum_f64(const double *a, int64_t n, double (*vec_sum)(const float *, int64_t))
{
    (void)vec_sum;
    double total = 0;
    for (int64_t j = 0; j < n; j++) total += a[j];
    return total;
}

#define SOFTMAX_ROWS(T, SUFFIX)                                                              \
    static void softmax_rows_##SUFFIX(const T *x, T *y, int64_t rows, int64_t n, bool log_form,  \
                                      tg_vec_fn vec_exp, double (*vec_sum)(const float *, int64_t)) \
    {                                                                                        \
        for (int64_t r = 0; r < rows; r++, x += n, y += n) {                                 \
            T max = x[0];                                                                    \
            for (int64_t j = 1; j < n; j++) /* amax: NaN wins */                             \
                max = max != max || x[j] != x[j] ? max + x[j] : x[j] > max ? x[j] : max;     \
            for (int64_t j = 0; j < n; j++) y[j] = x[j] - max;                               \
            int64_t done = vec_exp ? vec_exp(y, y, NULL, n) : 0;                             \
            for (int64_t j = done; j < n; j++) y[j] = exp(y[j]);                             \
            const T sum = (T)sum_##SUFFIX(y, n, vec_sum);                                    \
            if (log_form) {                                                                  \
                const T log_sum = log(sum);                                                  \
                for (int64_t j = 0; j < n; j++) y[j] = (x[j] - max) - log_sum;               \
            } else {                                                                         \
                const T scale = 1 / sum;                                                     \
                for (int64_t j = 0; j < n; j++) y[j] = y[j] * scale;                         \
            }                                                                                \
        }                                                                                    \
    }
SOFTMAX_ROWS(float, f32)
SOFTMAX_ROWS(double, f64)

#define SOFTMAX_BACKWARD_ROWS(T, SUFFIX)                                                      \
    static void softmax_backward_rows_##SUFFIX(const T *g, const T *y, T *out, int64_t rows, int64_t n, \
                                               bool log_form, tg_vec_fn vec_exp,              \
                                               double (*vec_sum)(const float *, int64_t))     \
    {                                                                                        \
        for (int64_t r = 0; r < rows; r++, g += n, y += n, out += n) {                       \
            if (log_form) {                                                                  \
                const T total = (T)sum_##SUFFIX(g, n, vec_sum);                              \
                int64_t done = vec_exp ? vec_exp(out, y, NULL, n) : 0;                       \
                for (int64_t j = done; j < n; j++) out[j] = exp(y[j]);                       \
                for (int64_t j = 0; j < n; j++) out[j] = g[j] - out[j] * total;              \
            } else {                                                                         \
                for (int64_t j = 0; j < n; j++) out[j] = g[j] * y[j];                        \
                const T dot = (T)sum_##SUFFIX(out, n, vec_sum);                              \
                for (int64_t j = 0; j < n; j++) out[j] = (g[j] - dot) * y[j];                \
            }                                                                                \
        }                                                                                    \
    }
SOFTMAX_BACKWARD_ROWS(float, f32)
SOFTMAX_BACKWARD_ROWS(double, f64)

typedef struct softmax_job {
    const char *x, *g;   /* g: the gradient of the result (backward), x then the result */
    char *y;
    tg_dtype dt;
    int64_t n;
    bool log_form;
    tg_vec_fn vec_exp;
    double (*vec_sum)(const float *, int64_t);
} softmax_job;

static void softmax_piece(int64_t begin, int64_t end, void *vjob)
{
    const softmax_job *j = vjob;
    int64_t skip = begin * j->n * (int64_t)tg__dtype_size(j->dt);
    if (j->g && j->dt == TG_F32)
        softmax_backward_rows_f32((const float *)(j->g + skip), (const float *)(j->x + skip), (float *)(j->y + skip),
                                  end - begin, j->n, j->log_form, j->vec_exp, j->vec_sum);
    else if (j->g)
        softmax_backward_rows_f64((const double *)(j->g + skip), (const double *)(j->x + skip),
                                  (double *)(j->y + skip), end - begin, j->n, j->log_form, j->vec_exp, NULL);
    else if (j->dt == TG_F32)
        softmax_rows_f32((const float *)(j->x + skip), (float *)(j->y + skip), end - begin, j->n, j->log_form,
                         j->vec_exp, j->vec_sum);
    else
        softmax_rows_f64((const double *)(j->x + skip), (double *)(j->y + skip), end - begin, j->n, j->log_form,
                         j->vec_exp, NULL);
}

void tg__k_softmax_rows(const void *x, void *y, tg_dtype dt, int64_t rows, int64_t n, bool log_form)
{
    if (n == 0) return;
    softmax_job job = {x, NULL, y, dt, n, log_form, tg__vec_unary(TG_UN_EXP, dt), tg__vec_sum_f32()};
    tg__parallel_for(0, rows, tg__grain_of(n), softmax_piece, &job);
}

void tg__k_softmax_backward_rows(const void *g, const void *y, void *out, tg_dtype dt, int64_t rows, int64_t n,
                                 bool log_form)
{
    if (n == 0) return;
    softmax_job job = {y, g, out, dt, n, log_form, tg__vec_unary(TG_UN_EXP, dt), tg__vec_sum_f32()};
    tg__parallel_for(0, rows, tg__grain_of(n), softmax_piece, &job);
}
