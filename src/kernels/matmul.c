/* Batched matrix product c[b] = a[b] @ m[b] (or c[b] += a[b] @ m[b]),
   through CBLAS when the build has it (cgemm and zgemm for complex), with
   the plain reference kernel otherwise and for integer dtypes. c is
   (B, M, N) with rows of unit stride; a is (B, M, K) and m is (B, K, N),
   any strides. */
#include "kernels.h"

#include <complex.h>

#ifdef TG_HAVE_CBLAS
#include <cblas.h>
#endif

/* The reference kernel: i-k-j order so the inner loop runs along rows.
   Integers accumulate in uint64_t, so that overflow wraps around (as in
   PyTorch) instead of being undefined. */
#define NAIVE_GEMM(T, ACC_T)                                                       \
    for (int64_t i = 0; i < M; i++) {                                              \
        T *crow = (T *)c + i * ldc;                                                \
        for (int64_t j = 0; j < N && !accumulate; j++) crow[j] = 0;                \
        for (int64_t k = 0; k < K; k++) {                                          \
            ACC_T av = *(const T *)(a + (i * as0 + k * as1) * es);                 \
            const char *mrow = m + k * ms0 * es;                                   \
            for (int64_t j = 0; j < N; j++)                                        \
                crow[j] = (T)(crow[j] + av * *(const T *)(mrow + j * ms1 * es));   \
        }                                                                          \
    }

/* float16 and bfloat16: each product and sum in float, in k's order as a
   float GEMM adds them, the result (plus c's value, accumulating) rounded
   once to the dtype. */
static void gemm_half(tg_dtype dt, char *c, int64_t ldc, bool accumulate, const char *a, int64_t as0, int64_t as1,
                      const char *m, int64_t ms0, int64_t ms1, int64_t M, int64_t N, int64_t K)
{
    for (int64_t i = 0; i < M; i++)
        for (int64_t j = 0; j < N; j++) {
            float acc = 0;
            for (int64_t k = 0; k < K; k++)
                acc += (float)tg__load(a + (i * as0 + k * as1) * 2, dt) * (float)tg__load(m + (k * ms0 + j * ms1) * 2, dt);
            char *at = c + (i * ldc + j) * 2;
            if (accumulate) acc += (float)tg__load(at, dt);
            tg__store(at, dt, acc);
        }
}

static void gemm_naive(tg_dtype dt, char *c, int64_t ldc, bool accumulate, const char *a, int64_t as0,
                       int64_t as1, const char *m, int64_t ms0, int64_t ms1, int64_t M, int64_t N, int64_t K)
{
    int64_t es = (int64_t)tg__dtype_size(dt);
    switch (dt) {
    case TG_F32: NAIVE_GEMM(float, float) break;
    case TG_F64: NAIVE_GEMM(double, double) break;
    case TG_I32: NAIVE_GEMM(int32_t, uint64_t) break;
    case TG_I64: NAIVE_GEMM(int64_t, uint64_t) break;
    case TG_I8: NAIVE_GEMM(int8_t, uint64_t) break;
    case TG_U8: NAIVE_GEMM(uint8_t, uint64_t) break;
    case TG_I16: NAIVE_GEMM(int16_t, uint64_t) break;
    case TG_C64: NAIVE_GEMM(float _Complex, float _Complex) break;
    case TG_C128: NAIVE_GEMM(double _Complex, double _Complex) break;
    case TG_F16: case TG_BF16: gemm_half(dt, c, ldc, accumulate, a, as0, as1, m, ms0, ms1, M, N, K); break;
    default: break;
    }
}

#ifdef TG_HAVE_CBLAS
/* A strided matrix as CBLAS takes it: row-major with a leading dimension,
   possibly transposed; false when neither stride is 1. */
static bool blas_layout(int64_t s0, int64_t s1, int64_t rows, int64_t cols,
                        enum CBLAS_TRANSPOSE *trans, int *ld)
{
    if (s1 == 1 && s0 >= (cols > 1 ? cols : 1)) { *trans = CblasNoTrans; *ld = (int)s0; return true; }
    if (s0 == 1 && s1 >= (rows > 1 ? rows : 1)) { *trans = CblasTrans; *ld = (int)s1; return true; }
    return false;
}

static bool gemm_blas(tg_dtype dt, char *c, int64_t ldc, bool accumulate, const char *a, int64_t as0,
                      int64_t as1, const char *m, int64_t ms0, int64_t ms1, int64_t M, int64_t N, int64_t K)
{
    if (dt != TG_F32 && dt != TG_F64 && dt != TG_C64 && dt != TG_C128) return false;
    if (M > INT32_MAX || N > INT32_MAX || K > INT32_MAX || ldc > INT32_MAX) return false;
    enum CBLAS_TRANSPOSE ta, tm;
    int lda, ldm;
    /* Size-1 dims have arbitrary strides: normalise them first. */
    if (M == 1) as0 = K;
    if (K == 1) { as1 = 1; ms0 = N; }
    if (N == 1) ms1 = 1;
    if (M == 1 || ldc < N) ldc = N > 1 ? N : 1;
    if (!blas_layout(as0, as1, M, K, &ta, &lda) || !blas_layout(ms0, ms1, K, N, &tm, &ldm))
        return false;
    /* complex alpha = 1 and beta = 0 or 1, passed by address */
    static const float one_f[2] = {1, 0}, zero_f[2] = {0, 0};
    static const double one_d[2] = {1, 0}, zero_d[2] = {0, 0};
    if (dt == TG_C64)
        cblas_cgemm(CblasRowMajor, ta, tm, (int)M, (int)N, (int)K, one_f, a, lda, m, ldm, accumulate ? one_f : zero_f,
                    c, (int)ldc);
    else if (dt == TG_C128)
        cblas_zgemm(CblasRowMajor, ta, tm, (int)M, (int)N, (int)K, one_d, a, lda, m, ldm, accumulate ? one_d : zero_d,
                    c, (int)ldc);
    else if (dt == TG_F32)
        cblas_sgemm(CblasRowMajor, ta, tm, (int)M, (int)N, (int)K, 1.0f, (const float *)a, lda,
                    (const float *)m, ldm, accumulate ? 1.0f : 0.0f, (float *)c, (int)ldc);
    else
        cblas_dgemm(CblasRowMajor, ta, tm, (int)M, (int)N, (int)K, 1.0, (const double *)a, lda,
                    (const double *)m, ldm, accumulate ? 1.0 : 0.0, (double *)c, (int)ldc);
    return true;
}
#endif

typedef struct bmm_job {
    tg_tensor *c;
    const tg_tensor *a, *m;
    bool accumulate;
} bmm_job;

/* The products of the matrices [begin, end) of the batch. */
static void bmm_range(int64_t begin, int64_t end, void *ctx)
{
    const bmm_job *job = ctx;
    tg_tensor *c = job->c;
    const tg_tensor *a = job->a, *m = job->m;
    int64_t M = c->shape[1], N = c->shape[2], K = a->shape[2], ldc = c->strides[1];
    int64_t es = (int64_t)tg__dtype_size(c->dtype);
#ifdef TG_HAVE_CBLAS
    /* OpenBLAS's threads run while the pool's rest (core/pool.h); inside a
       pool piece, one thread. */
    tg_blas_lease lease = tg__blas_begin();
#ifdef TG_HAVE_OPENBLAS_THREADS
    openblas_set_num_threads(lease.threads);
#endif
#endif
    for (int64_t b = begin; b < end; b++) {
        char *cb = tg__ptr(c) + b * c->strides[0] * es;
        const char *ab = tg__ptr(a) + b * a->strides[0] * es;
        const char *mb = tg__ptr(m) + b * m->strides[0] * es;
#ifdef TG_HAVE_CBLAS
        if (gemm_blas(c->dtype, cb, ldc, job->accumulate, ab, a->strides[1], a->strides[2], mb, m->strides[1],
                      m->strides[2], M, N, K))
            continue;
#endif
        gemm_naive(c->dtype, cb, ldc, job->accumulate, ab, a->strides[1], a->strides[2], mb, m->strides[1],
                   m->strides[2], M, N, K);
    }
#ifdef TG_HAVE_CBLAS
    tg__blas_end(lease);
#endif
}

/* A batch that the pool's threads can share evenly goes to them, a
   matrix at a time each on one thread, with no synchronisation inside
   a product; otherwise each product gets the BLAS's threads. */
static void bmm(tg_tensor *c, const tg_tensor *a, const tg_tensor *m, bool accumulate)
{
    TG_CAPTURED(tg__cap_bmm(accumulate, c, a, m));
    int64_t B = c->shape[0], threads = tg_get_num_threads();
    if (a->shape[2] == 0) {
        if (!accumulate) tg__k_fill(c, 0);
        return;
    }
    bmm_job job = {c, a, m, accumulate};
    bool even = threads > 1 && B >= threads && (B % threads == 0 || B >= 4 * threads);
    if (even) tg__parallel_for(0, B, 1, bmm_range, &job);
    else bmm_range(0, B, &job);
}

void tg__k_bmm(tg_tensor *c, const tg_tensor *a, const tg_tensor *m) { bmm(c, a, m, false); }

void tg__k_bmm_add(tg_tensor *c, const tg_tensor *a, const tg_tensor *m) { bmm(c, a, m, true); }
