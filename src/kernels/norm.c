/* The normalisation family's loops over contiguous rows (kernels.h),
   computed in the element type in PyTorch's order of operations (its CPU
   kernels layer_norm_kernel.cpp, group_norm_kernel.cpp, moments_utils.h),
   so that f32 results are PyTorch's to the bit. */
#include "kernels.h"

#include <stdlib.h>
#include <string.h>
#include <tgmath.h>

/* PyTorch's CPU dispatch runs its AVX2 kernels on the machines it is
   checked on: vectors of 32 bytes, 8 floats or 4 doubles, each lane a
   Welford state of its own. */
enum { VEC_BYTES = 32, CHUNK = 16, MAX_DEPTH = 64 };
/* Chunks whose Welford steps run interleaved (norm_rows.inc). */
enum { GROUP = 8 };

/* PyTorch's utils::CeilLog2: at least 1. */
static int64_t ceil_log2(int64_t x)
{
    if (x <= 2) return 1;
    int64_t bits = 0;
    for (uint64_t v = (uint64_t)(x - 1); v; v >>= 1) bits++;
    return bits;
}

#define T float
#define FN(name) name##_f32
#include "norm_rows.inc"
#undef T
#undef FN
#define T double
#define FN(name) name##_f64
#include "norm_rows.inc"
#undef T
#undef FN

/* The rows (samples, for group norm) are independent: the pool's threads
   share them out, each computing whole rows as one thread would. */
typedef struct rows_job {
    const char *x, *w, *b;
    char *y;
    tg_dtype dt;
    int64_t channels, n, groups;   /* n: a row's (sample's) elements */
    double eps;
} rows_job;

static void layer_norm_piece(int64_t begin, int64_t end, void *vjob)
{
    const rows_job *j = vjob;
    int64_t skip = begin * j->n * (int64_t)tg__dtype_size(j->dt);
    if (j->dt == TG_F32)
        layer_norm_rows_f32((const float *)(j->x + skip), (const float *)j->w, (const float *)j->b,
                            (float *)(j->y + skip), end - begin, j->n, (float)j->eps);
    else
        layer_norm_rows_f64((const double *)(j->x + skip), (const double *)j->w, (const double *)j->b,
                            (double *)(j->y + skip), end - begin, j->n, j->eps);
}

void tg__k_layer_norm_rows(const void *x, const void *w, const void *b, void *y, tg_dtype dt, int64_t rows,
                         int64_t n, double eps)
{
    TG_CAPTURED(tg__cap_layer_norm_rows(x, w, b, y, dt, rows, n, eps));
    rows_job job = {x, w, b, y, dt, 0, n, 0, eps};
    tg__parallel_for(0, rows, tg__grain_of(n), layer_norm_piece, &job);
}

static void group_norm_piece(int64_t begin, int64_t end, void *vjob)
{
    const rows_job *j = vjob;
    int64_t skip = begin * j->n * (int64_t)tg__dtype_size(j->dt), inner = j->n / j->channels;
    if (j->dt == TG_F32)
        group_norm_rows_f32((const float *)(j->x + skip), (const float *)j->w, (const float *)j->b,
                            (float *)(j->y + skip), end - begin, j->channels, inner, j->groups, (float)j->eps);
    else
        group_norm_rows_f64((const double *)(j->x + skip), (const double *)j->w, (const double *)j->b,
                            (double *)(j->y + skip), end - begin, j->channels, inner, j->groups, j->eps);
}

void tg__k_group_norm_rows(const void *x, const void *w, const void *b, void *y, tg_dtype dt, int64_t batch,
                         int64_t channels, int64_t inner, int64_t groups, double eps)
{
    TG_CAPTURED(tg__cap_group_norm_rows(x, w, b, y, dt, batch, channels, inner, groups, eps));
    int64_t n = channels * inner;
    if (n == 0) return;
    rows_job job = {x, w, b, y, dt, channels, n, groups, eps};
    tg__parallel_for(0, batch, tg__grain_of(n), group_norm_piece, &job);
}

void tg__k_batch_norm_stats(const void *x, tg_dtype dt, int64_t batch, int64_t channels, int64_t image, double eps,
                          void *mean, void *var_sum, void *invstd)
{
    TG_CAPTURED(tg__cap_batch_norm_stats(x, dt, batch, channels, image, eps, mean, var_sum, invstd));
    const int64_t count = batch * image;
    if (dt == TG_F32) {
        float *v = var_sum, *s = invstd;
        batch_norm_stats_f32(x, batch, channels, image, mean, v);
        for (int64_t c = 0; c < channels; c++) s[c] = (float)(1 / sqrt((double)(v[c] / (float)count) + eps));
    } else {
        double *v = var_sum, *s = invstd;
        batch_norm_stats_f64(x, batch, channels, image, mean, v);
        for (int64_t c = 0; c < channels; c++) s[c] = 1 / sqrt(v[c] / (double)count + eps);
    }
}

void tg__k_batch_norm_eval_invstd(const void *running_var, tg_dtype dt, int64_t channels, double eps, void *invstd)
{
    TG_CAPTURED(tg__cap_batch_norm_eval_invstd(running_var, dt, channels, eps, invstd));
    if (dt == TG_F32) {
        const float *v = running_var;
        float *s = invstd;
        for (int64_t c = 0; c < channels; c++) s[c] = 1 / sqrt(v[c] + (float)eps);
    } else {
        const double *v = running_var;
        double *s = invstd;
        for (int64_t c = 0; c < channels; c++) s[c] = 1 / sqrt(v[c] + eps);
    }
}

void tg__k_batch_norm_apply(const void *x, const void *mean, const void *invstd, const void *w, const void *b, void *y,
                          tg_dtype dt, int64_t batch, int64_t channels, int64_t image)
{
    TG_CAPTURED(tg__cap_batch_norm_apply(x, mean, invstd, w, b, y, dt, batch, channels, image));
    if (dt == TG_F32) batch_norm_apply_f32(x, mean, invstd, w, b, y, batch, channels, image);
    else batch_norm_apply_f64(x, mean, invstd, w, b, y, batch, channels, image);
}

void tg__k_batch_norm_update(const void *mean, const void *var_sum, tg_dtype dt, int64_t channels, int64_t count,
                           double momentum, void *running_mean, int64_t mean_stride, void *running_var,
                           int64_t var_stride)
{
    TG_CAPTURED(tg__cap_batch_norm_update(mean, var_sum, dt, channels, count, momentum, running_mean, mean_stride, running_var, var_stride));
    if (dt == TG_F32)
        batch_norm_update_f32(mean, var_sum, channels, count, momentum, running_mean, mean_stride, running_var,
                              var_stride);
    else
        batch_norm_update_f64(mean, var_sum, channels, count, momentum, running_mean, mean_stride, running_var,
                              var_stride);
}

int tg__k_group_norm_channels_last(const void *x, const void *w, const void *b, void *y, tg_dtype dt, int64_t batch,
                                 int64_t channels, int64_t inner, int64_t groups, double eps)
{
    TG_CAPTURED_RETURN(tg__cap_group_norm_channels_last(x, w, b, y, dt, batch, channels, inner, groups, eps));
    void *sums = tg__malloc(2 * (size_t)channels * tg__dtype_size(dt) + 1);
    if (!sums) return -1;
    if (dt == TG_F32) group_norm_channels_last_f32(x, w, b, y, sums, batch, channels, inner, groups, (float)eps);
    else group_norm_channels_last_f64(x, w, b, y, sums, batch, channels, inner, groups, eps);
    free(sums);
    return 0;
}
