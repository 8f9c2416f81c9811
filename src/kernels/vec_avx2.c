/* The SIMD loops for AVX2 with FMA (built with -mavx2 -mfma where the
   target is x86-64; vec.c calls them only on CPUs that have both). */
#include "vec.h"

#ifdef TG_HAVE_VEC_X86
#include <immintrin.h>

typedef __m256 vf;
typedef __m256d vd;
typedef __m128 vhf;
#define VSPLAT_F(c) _mm256_set1_ps(c)
#define VFMA_F(a, b, c) _mm256_fmadd_ps(a, b, c)
#define VWIDEN(h) _mm256_cvtps_pd(h)
#define VHALVES_F(v, lo, hi) ((lo) = _mm256_castps256_ps128(v), (hi) = _mm256_extractf128_ps(v, 1))
#define VMAX_F(a, b) _mm256_max_ps(a, b)
#define VMIN_F(a, b) _mm256_min_ps(a, b)
#define VEC_TABLE tg__vec_avx2
#define SLEEF_F(fn) Sleef_##fn##f8_u10avx2
#define SLEEF_D(fn) Sleef_##fn##d4_u10avx2
#include "vec_isa.inc"
#endif
