/* The choice of instruction set for the SIMD loops (vec.h). */
#include "vec.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* The best set this build and this CPU both have. */
static tg_simd best_available(void)
{
#ifdef TG_HAVE_VEC_X86
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq")) return TG_SIMD_AVX512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return TG_SIMD_AVX2;
#endif
    return TG_SIMD_NONE;
}

/* -1 until decided; every thread that races to decide computes the same. */
static atomic_int chosen = -1;

const char *tg__simd_name(tg_simd s)
{
    return s == TG_SIMD_AVX512 ? "avx512" : s == TG_SIMD_AVX2 ? "avx2" : "none";
}

tg_simd tg__simd(void)
{
    int s = atomic_load_explicit(&chosen, memory_order_relaxed);
    if (s >= 0) return (tg_simd)s;
    tg_simd best = best_available();
    const char *env = getenv("TENSORGRAD_SIMD");
    if (env) {
        for (tg_simd cap = TG_SIMD_NONE; cap <= TG_SIMD_AVX512; cap++)
            if (strcmp(env, tg__simd_name(cap)) == 0 && cap < best) best = cap;
    }
    atomic_store_explicit(&chosen, (int)best, memory_order_relaxed);
    return best;
}

tg_simd tg__simd_force(tg_simd want)
{
    tg_simd best = best_available();
    tg_simd s = want < best ? want : best;
    atomic_store_explicit(&chosen, (int)s, memory_order_relaxed);
    return s;
}

static const tg_vec_table *table(void)
{
#ifdef TG_HAVE_VEC_X86
    switch (tg__simd()) {
    case TG_SIMD_AVX512: return &tg__vec_avx512;
    case TG_SIMD_AVX2: return &tg__vec_avx2;
    case TG_SIMD_NONE: break;
    }
#endif
    return NULL;
}

tg_vec_fn tg__vec_unary(tg_unary_kernel k, tg_dtype dt)
{
    const tg_vec_table *t = table();
    if (!t) return NULL;
    return dt == TG_F32 ? t->unary_f32[k] : dt == TG_F64 ? t->unary_f64[k] : NULL;
}

tg_vec_fn tg__vec_binary(tg_binary_kernel k, tg_dtype dt, bool scalar_b)
{
    const tg_vec_table *t = table();
    if (!t) return NULL;
    if (dt == TG_F32) return scalar_b ? t->binary_scalar_f32[k] : t->binary_f32[k];
    if (dt == TG_F64) return scalar_b ? t->binary_scalar_f64[k] : t->binary_f64[k];
    return NULL;
}

double (*tg__vec_sum_f32(void))(const float *a, int64_t n)
{
    const tg_vec_table *t = table();
    return t ? t->sum_f32 : NULL;
}

const tg_vec_table *tg__vec_table(void) { return table(); }
