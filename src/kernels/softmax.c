/* softmax and log_softmax along the last dim of contiguous rows, and
   their gradients, each in one kernel, with the roundings of the composed
   operations they replace (ops/softmax.c). Forward, per row: amax, x - max,
   exp (the SIMD loop on a row's whole 64-byte chunks, libm on the rest,
   Note [Vector tails]), a sum in double rounded to the element type, then
   e * (1 / sum) or (x - max) - log(sum). Backward, from the gradient g of
   the result y: (g - sum(g y)) y, or g - exp(y) sum(g). Float rows use
   the SIMD row loops of vec.h, which fuse the exponentials with their sum
   and the products g y with theirs, summing in sum_f32's order. */
#include "kernels.h"
#include "vec.h"

#include <tgmath.h>

typedef struct softmax_job {
    const char *x, *g;   /* g: the gradient of the result (backward), x then the result */
    char *y;
    tg_dtype dt;
    int64_t n;
    bool log_form;
    tg_vec_fn vec_exp, vec_scale;   /* exp(a), a * b[0] over a row's chunks, or NULL */
    const tg_vec_table *vec;        /* the SIMD row loops, or NULL */
} softmax_job;

/* ------------------------------------------------------------------ f64 */

/* amax's: the first NaN wins, else the first of the largest. */
#define ROW_MAX(T, SUFFIX)                                                                \
    static T row_max_##SUFFIX(const T *x, int64_t n)                                      \
    {                                                                                     \
        T max = x[0];                                                                     \
        for (int64_t j = 1; j < n; j++)                                                   \
            max = max != max || x[j] != x[j] ? max + x[j] : x[j] > max ? x[j] : max;      \
        return max;                                                                       \
    }
ROW_MAX(float, f32)
ROW_MAX(double, f64)

static double sum_f64(const double *a, int64_t n)
{
    double total = 0;
    for (int64_t j = 0; j < n; j++) total += a[j];
    return total;
}

/* exp(v) in place over n elements: the SIMD loop where there is one. */
static void exp_in_place_f64(const softmax_job *job, double *v, int64_t n)
{
    int64_t done = job->vec_exp ? job->vec_exp(v, v, NULL, n) : 0;
    for (int64_t j = done; j < n; j++) v[j] = exp(v[j]);
}

static void softmax_rows_f64(const softmax_job *job, const double *x, double *y, int64_t rows)
{
    const int64_t n = job->n;
    for (int64_t r = 0; r < rows; r++, x += n, y += n) {
        const double max = row_max_f64(x, n);
        for (int64_t j = 0; j < n; j++) y[j] = x[j] - max;
        exp_in_place_f64(job, y, n);
        const double sum = sum_f64(y, n);
        if (job->log_form) {
            const double log_sum = log(sum);
            for (int64_t j = 0; j < n; j++) y[j] = (x[j] - max) - log_sum;
        } else {
            const double scale = 1 / sum;
            for (int64_t j = 0; j < n; j++) y[j] = y[j] * scale;
        }
    }
}

static void softmax_backward_rows_f64(const softmax_job *job, const double *g, const double *y, double *out,
                                      int64_t rows)
{
    const int64_t n = job->n;
    for (int64_t r = 0; r < rows; r++, g += n, y += n, out += n) {
        if (job->log_form) {
            const double total = sum_f64(g, n);
            for (int64_t j = 0; j < n; j++) out[j] = y[j];
            exp_in_place_f64(job, out, n);
            for (int64_t j = 0; j < n; j++) out[j] = g[j] - out[j] * total;
        } else {
            for (int64_t j = 0; j < n; j++) out[j] = g[j] * y[j];
            const double dot = sum_f64(out, n);
            for (int64_t j = 0; j < n; j++) out[j] = (g[j] - dot) * y[j];
        }
    }
}

/* ------------------------------------------------------------------ f32 */

/* amax of a row. The SIMD maximum is the same but where it is NaN (the
   row holds a NaN or an infinity) or a zero: the scalar loop decides
   which NaN, infinity or zero amax gives. */
static float max_f32(const softmax_job *job, const float *x, int64_t n)
{
    if (job->vec) {
        const float max = job->vec->max_f32(x, n);
        if (max == max && max != 0) return max;
    }
    return row_max_f32(x, n);
}

/* A float sum in double: sum_f32's order where it has SIMD. */
static double sum_f32(const softmax_job *job, const float *a, int64_t n)
{
    if (job->vec) return job->vec->sum_f32(a, n);
    double total = 0;
    for (int64_t j = 0; j < n; j++) total += a[j];
    return total;
}

/* e = exp(x - max) into e; returns the sum of e in double. */
static double exp_sum_f32(const softmax_job *job, float *e, const float *x, float max, int64_t n)
{
    if (job->vec && job->vec->exp_sum_f32) return job->vec->exp_sum_f32(e, x, max, n);
    for (int64_t j = 0; j < n; j++) e[j] = x[j] - max;
    int64_t done = job->vec_exp ? job->vec_exp(e, e, NULL, n) : 0;
    for (int64_t j = done; j < n; j++) e[j] = exp(e[j]);
    return sum_f32(job, e, n);
}

/* The sum in double of the float products g[j] y[j]. */
static double dot_f32(const softmax_job *job, const float *g, const float *y, int64_t n)
{
    if (job->vec) return job->vec->dot_f32(g, y, n);
    double total = 0;
    for (int64_t j = 0; j < n; j++) total += g[j] * y[j];
    return total;
}

static void softmax_rows_f32(const softmax_job *job, const float *x, float *y, int64_t rows)
{
    const int64_t n = job->n;
    for (int64_t r = 0; r < rows; r++, x += n, y += n) {
        const float max = max_f32(job, x, n);
        const float sum = (float)exp_sum_f32(job, y, x, max, n);
        if (job->log_form) {
            const float log_sum = log(sum);
            for (int64_t j = 0; j < n; j++) y[j] = (x[j] - max) - log_sum;
        } else {
            const float scale = 1 / sum;
            int64_t done = job->vec_scale ? job->vec_scale(y, y, &scale, n) : 0;
            for (int64_t j = done; j < n; j++) y[j] = y[j] * scale;
        }
    }
}

static void softmax_backward_rows_f32(const softmax_job *job, const float *g, const float *y, float *out,
                                      int64_t rows)
{
    const int64_t n = job->n;
    for (int64_t r = 0; r < rows; r++, g += n, y += n, out += n) {
        if (job->log_form) {
            const float total = (float)sum_f32(job, g, n);
            int64_t done = job->vec_exp ? job->vec_exp(out, y, NULL, n) : 0;
            for (int64_t j = done; j < n; j++) out[j] = exp(y[j]);
            for (int64_t j = 0; j < n; j++) out[j] = g[j] - out[j] * total;
        } else {
            const float dot = (float)dot_f32(job, g, y, n);
            for (int64_t j = 0; j < n; j++) out[j] = (g[j] - dot) * y[j];
        }
    }
}

/* ----------------------------------------------------------- the rows */

static void softmax_piece(int64_t begin, int64_t end, void *vjob)
{
    const softmax_job *j = vjob;
    int64_t skip = begin * j->n * (int64_t)tg__dtype_size(j->dt), rows = end - begin;
    if (j->g && j->dt == TG_F32)
        softmax_backward_rows_f32(j, (const float *)(j->g + skip), (const float *)(j->x + skip),
                                  (float *)(j->y + skip), rows);
    else if (j->g)
        softmax_backward_rows_f64(j, (const double *)(j->g + skip), (const double *)(j->x + skip),
                                  (double *)(j->y + skip), rows);
    else if (j->dt == TG_F32)
        softmax_rows_f32(j, (const float *)(j->x + skip), (float *)(j->y + skip), rows);
    else
        softmax_rows_f64(j, (const double *)(j->x + skip), (double *)(j->y + skip), rows);
}

static void run_rows(softmax_job *job, int64_t rows)
{
    if (job->n == 0) return;
    job->vec_exp = tg__vec_unary(TG_UN_EXP, job->dt);
    job->vec_scale = tg__vec_binary(TG_BIN_MUL, job->dt, true);
    job->vec = job->dt == TG_F32 ? tg__vec_table() : NULL;
    tg__parallel_for(0, rows, tg__grain_of(job->n), softmax_piece, job);
}

void tg__k_softmax_rows(const void *x, void *y, tg_dtype dt, int64_t rows, int64_t n, bool log_form)
{
    TG_CAPTURED(tg__cap_softmax_rows(x, y, dt, rows, n, log_form));
    softmax_job job = {.x = x, .y = y, .dt = dt, .n = n, .log_form = log_form};
    run_rows(&job, rows);
}

void tg__k_softmax_backward_rows(const void *g, const void *y, void *out, tg_dtype dt, int64_t rows, int64_t n,
                                 bool log_form)
{
    TG_CAPTURED(tg__cap_softmax_backward_rows(g, y, out, dt, rows, n, log_form));
    softmax_job job = {.x = y, .g = g, .y = out, .dt = dt, .n = n, .log_form = log_form};
    run_rows(&job, rows);
}
