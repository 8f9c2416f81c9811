/* The SIMD loops for AVX-512 (F and DQ; built with -mavx512f -mavx512dq
   where the target is x86-64; vec.c calls them only on CPUs that have
   both). */
#include "vec.h"

#ifdef TG_HAVE_VEC_X86
#include <immintrin.h>

typedef __m512 vf;
typedef __m512d vd;
typedef __m256 vhf;
#define VSPLAT_F(c) _mm512_set1_ps(c)
#define VFMA_F(a, b, c) _mm512_fmadd_ps(a, b, c)
#define VWIDEN(h) _mm512_cvtps_pd(h)
#define VHALVES_F(v, lo, hi) ((lo) = _mm512_castps512_ps256(v), (hi) = _mm512_extractf32x8_ps(v, 1))
#define VMAX_F(a, b) _mm512_max_ps(a, b)
#define VMIN_F(a, b) _mm512_min_ps(a, b)
#define VEC_TABLE tg__vec_avx512
#define SLEEF_F(fn) Sleef_##fn##f16_u10avx512f
#define SLEEF_D(fn) Sleef_##fn##d8_u10avx512f
#include "vec_isa.inc"
#endif
