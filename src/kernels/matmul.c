/* Batched matrix product c[b] = a[b] @ m[b], through CBLAS when the build
   has it, with the plain reference kernel otherwise and for integer dtypes.
   c is contiguous (B, M, N); a is (B, M, K) and m is (B, K, N), any strides. */
#include "kernels.h"

#ifdef TG_HAVE_CBLAS
#include <cblas.h>
#endif

/* The reference kernel: i-k-j order so the inner loop runs along rows.
   Integers accumulate in uint64_t, so that overflow wraps around (as in
   PyTorch) instead of being undefined. */
#define NAIVE_GEMM(T, ACC_T)                                                       \
    for (int64_t i = 0; i < M; i++) {                                              \
        T *crow = (T *)c + i * N;                                                  \
        for (int64_t j = 0; j < N; j++) crow[j] = 0;                               \
        for (int64_t k = 0; k < K; k++) {                                          \
            ACC_T av = *(const T *)(a + (i * as0 + k * as1) * es);                 \
            const char *mrow = m + k * ms0 * es;                                   \
            for (int64_t j = 0; j < N; j++)                                        \
                crow[j] = (T)(crow[j] + av * *(const T *)(mrow + j * ms1 * es));   \
        }                                                                          \
    }

/* float16 and bfloat16: each product and sum in float, in k's order as a
   float GEMM adds them, the result rounded once to the dtype. */
static void gemm_half(tg_dtype dt, char *c, const char *a, int64_t as0, int64_t as1,
                      const char *m, int64_t ms0, int64_t ms1, int64_t M, int64_t N, int64_t K)
{
    for (int64_t i = 0; i < M; i++)
        for (int64_t j = 0; j < N; j++) {
            float acc = 0;
            for (int64_t k = 0; k < K; k++)
                acc += (float)tg__load(a + (i * as0 + k * as1) * 2, dt) * (float)tg__load(m + (k * ms0 + j * ms1) * 2, dt);
            tg__store(c + (i * N + j) * 2, dt, acc);
        }
}

static void gemm_naive(tg_dtype dt, char *c, const char *a, int64_t as0, int64_t as1,
                       const char *m, int64_t ms0, int64_t ms1, int64_t M, int64_t N, int64_t K)
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
    case TG_F16: case TG_BF16: gemm_half(dt, c, a, as0, as1, m, ms0, ms1, M, N, K); break;
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

static bool gemm_blas(tg_dtype dt, char *c, const char *a, int64_t as0, int64_t as1,
                      const char *m, int64_t ms0, int64_t ms1, int64_t M, int64_t N, int64_t K)
{
    if (dt != TG_F32 && dt != TG_F64) return false;
    if (M > INT32_MAX || N > INT32_MAX || K > INT32_MAX) return false;
    enum CBLAS_TRANSPOSE ta, tm;
    int lda, ldm;
    /* Size-1 dims have arbitrary strides: normalise them first. */
    if (M == 1) as0 = K;
    if (K == 1) { as1 = 1; ms0 = N; }
    if (N == 1) ms1 = 1;
    if (!blas_layout(as0, as1, M, K, &ta, &lda) || !blas_layout(ms0, ms1, K, N, &tm, &ldm))
        return false;
    if (dt == TG_F32)
        cblas_sgemm(CblasRowMajor, ta, tm, (int)M, (int)N, (int)K, 1.0f, (const float *)a, lda,
                    (const float *)m, ldm, 0.0f, (float *)c, (int)(N > 1 ? N : 1));
    else
        cblas_dgemm(CblasRowMajor, ta, tm, (int)M, (int)N, (int)K, 1.0, (const double *)a, lda,
                    (const double *)m, ldm, 0.0, (double *)c, (int)(N > 1 ? N : 1));
    return true;
}
#endif

void tg__k_bmm(tg_tensor *c, const tg_tensor *a, const tg_tensor *m)
{
    int64_t B = c->shape[0], M = c->shape[1], N = c->shape[2], K = a->shape[2];
    int64_t es = (int64_t)tg__dtype_size(c->dtype);
    if (K == 0) {
        tg__k_fill(c, 0);
        return;
    }
#ifdef TG_HAVE_CBLAS
    /* OpenBLAS's threads run while the pool's rest (core/pool.h). */
    tg_blas_lease lease = tg__blas_begin();
#ifdef TG_HAVE_OPENBLAS_THREADS
    openblas_set_num_threads(lease.threads);
#endif
#endif
    for (int64_t b = 0; b < B; b++) {
        char *cb = tg__ptr(c) + b * M * N * es;
        const char *ab = tg__ptr(a) + b * a->strides[0] * es;
        const char *mb = tg__ptr(m) + b * m->strides[0] * es;
#ifdef TG_HAVE_CBLAS
        if (gemm_blas(c->dtype, cb, ab, a->strides[1], a->strides[2], mb, m->strides[1],
                      m->strides[2], M, N, K))
            continue;
#endif
        gemm_naive(c->dtype, cb, ab, a->strides[1], a->strides[2], mb, m->strides[1],
                   m->strides[2], M, N, K);
    }
#ifdef TG_HAVE_CBLAS
    tg__blas_end(lease);
#endif
}
