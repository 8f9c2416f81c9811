/* SIMD loops over contiguous f32 and f64 arrays, for the elementwise
   kernels' flat paths and the f32 sum. One instruction set is picked once
   per process (vec.c): the best of AVX-512, AVX2+FMA that both this build
   and the CPU have, capped by TENSORGRAD_SIMD=none|avx2|avx512; "none"
   leaves every kernel to its portable loop.

   Note [Vector tails]: a vector loop covers the longest leading part of
   its run that is a whole number of 64-byte chunks (16 floats, 8
   doubles) and leaves the rest to the portable loop, whatever the
   instruction set. PyTorch 1.13's AVX2 elementwise kernels split runs the
   same way (two 32-byte vectors a step, the remainder scalar), so a
   sigmoid or silu gets PyTorch's bits in the body and libm's, as in
   PyTorch, in the tail and in tensors of fewer than 16 floats.

   Transcendental functions: exp, expm1, log, log1p and the f64 tanh and
   erf are SLEEF's u10 functions (1 ulp; PyTorch 1.13 uses the same ones),
   present only in builds with SLEEF; without it those kernels keep their
   libm loops. The f32 tanh and erf are polynomials of our own
   (vec_isa.inc), within 1 ulp and three times as fast as SLEEF's. */
#ifndef TG_VEC_H
#define TG_VEC_H

#include "kernels.h"

typedef enum tg_simd { TG_SIMD_NONE, TG_SIMD_AVX2, TG_SIMD_AVX512 } tg_simd;

/* out[i] = f(a[i]), or f(a[i], b[i]); for a binary loop on a scalar b,
   f(a[i], b[0]); for i below the returned count, the part of the n
   elements (of the table's dtype) that Note [Vector tails] gives it. */
typedef int64_t (*tg_vec_fn)(void *out, const void *a, const void *b, int64_t n);

/* One instruction set's loops, NULL where it has none. */
typedef struct tg_vec_table {
    tg_vec_fn unary_f32[TG_UN_COUNT], unary_f64[TG_UN_COUNT];
    tg_vec_fn binary_f32[TG_BIN_COUNT], binary_f64[TG_BIN_COUNT];
    tg_vec_fn binary_scalar_f32[TG_BIN_COUNT], binary_scalar_f64[TG_BIN_COUNT];
    double (*sum_f32)(const float *a, int64_t n);   /* accumulated in double */
    /* For the row kernels: sum_f32 of the products a[i] * b[i]; the largest
       of n >= 1 floats (NaN where one is NaN or infinite: the caller's
       scalar loop decides then; either zero when it is a zero);
       out[i] = exp(a[i] - shift) (the EXP loop's exponentials in every
       element) returning sum_f32(out, n). */
    double (*dot_f32)(const float *a, const float *b, int64_t n);
    float (*max_f32)(const float *a, int64_t n);
    double (*exp_sum_f32)(float *out, const float *a, float shift, int64_t n);
    /* For reductions: min_f32 as max_f32; the index of the first largest
       (smallest unless largest) of n floats, -1 where one is NaN (or the
       loop cannot tell). */
    float (*min_f32)(const float *a, int64_t n);
    int64_t (*arg_extreme_f32)(const float *a, int64_t n, bool largest);
} tg_vec_table;

#ifdef TG_HAVE_VEC_X86
extern const tg_vec_table tg__vec_avx2, tg__vec_avx512;   /* vec_avx2.c, vec_avx512.c */
#endif

/* The instruction set in use (decided on the first call). */
tg_simd tg__simd(void);
const char *tg__simd_name(tg_simd s);
/* For tests: use min(want, the best this build and CPU have) from now on,
   whatever TENSORGRAD_SIMD says; returns the set now in use. */
tg_simd tg__simd_force(tg_simd want);

/* The loop for kernel k on contiguous operands of dtype dt (b a scalar
   when scalar_b), or NULL: use the portable loop. */
tg_vec_fn tg__vec_unary(tg_unary_kernel k, tg_dtype dt);
tg_vec_fn tg__vec_binary(tg_binary_kernel k, tg_dtype dt, bool scalar_b);
/* The sum of n contiguous floats, accumulated in double, or NULL. */
double (*tg__vec_sum_f32(void))(const float *a, int64_t n);
/* The table of the set in use, or NULL (TG_SIMD_NONE): for the row
   kernels' loops above, each NULL where the set has none. */
const tg_vec_table *tg__vec_table(void);

#endif
