/* The SIMD loops (src/kernels/vec*.c) against the portable ones: every
   instruction set this build and CPU have, f32 and f64, over special
   values (signed zeros, infinities, NaN, denormals, arguments where
   results overflow or underflow), every length from 0 to 70 (so every
   tail) at unaligned starts, through the public functions. Arithmetic
   must match to the bit; SLEEF's functions within a few ulps (and the two
   GELUs, whose 1 + erf cancels for negative inputs, within a few ulps of
   their input's size); sums as double reassociation allows. */
#include "harness.h"
#include "kernels/vec.h"

#include <float.h>
#include <stdint.h>
#include <stdlib.h>

enum { MAX_LEN = 70, MAX_OFFSET = 3, POOL = 64 };

static double pool[POOL];

/* Special values first, then a deterministic spread of ordinary ones. */
static void fill_pool(void)
{
    static const double special[] = {0.0, -0.0, INFINITY, -INFINITY, NAN, 1e-40, -1e-40, 1.4e-45, FLT_MIN,
                                     -FLT_MIN, 4.9e-324, DBL_MIN, 1e-8, -1e-8, 1, -1, 0.5, -0.5, 88.7, 89,
                                     -87.3, -103.9, -104, 200, -200, 710, -745, 1e30, -1e30, FLT_MAX,
                                     -FLT_MAX, DBL_MAX};
    int n = (int)(sizeof special / sizeof special[0]);
    uint64_t state = 12345;
    for (int i = 0; i < POOL; i++) {
        if (i < n) { pool[i] = special[i]; continue; }
        state = state * 6364136223846793005u + 1442695040888963407u;
        double u = (double)(state >> 11) / 9007199254740992.0;   /* [0, 1) */
        pool[i] = (u - 0.5) * (i % 3 == 0 ? 40 : i % 3 == 1 ? 6 : 0.02);
    }
}

/* A contiguous tensor of n pool values (starting at pool index first) that
   starts offset elements into its storage. */
static tg_tensor *input(tg_dtype dt, int n, int offset, int first)
{
    double v[MAX_LEN + MAX_OFFSET + 1];
    for (int i = 0; i < n + offset; i++) v[i] = pool[(first + i) % POOL];
    tg_tensor *whole = tg_from_f64(v, (int64_t[]){n + offset}, 1);
    if (dt == TG_F32) whole = tg_to(whole, TG_F32);
    return tg_narrow(whole, 0, offset, n);
}

/* The distance in units in the last place between x and y of dt. */
static uint64_t ulps(double x, double y, tg_dtype dt)
{
    int64_t ix, iy;
    if (dt == TG_F32) {
        float fx = (float)x, fy = (float)y;
        int32_t a, b;
        memcpy(&a, &fx, 4);
        memcpy(&b, &fy, 4);
        ix = a < 0 ? (int64_t)INT32_MIN - a : a;
        iy = b < 0 ? (int64_t)INT32_MIN - b : b;
        return (uint64_t)(ix > iy ? ix - iy : iy - ix);
    }
    memcpy(&ix, &x, 8);
    memcpy(&iy, &y, 8);
    uint64_t ux = ix < 0 ? (uint64_t)0 - (uint64_t)(ix & INT64_MAX) : (uint64_t)ix;
    uint64_t uy = iy < 0 ? (uint64_t)0 - (uint64_t)(iy & INT64_MAX) : (uint64_t)iy;
    uint64_t d = ux - uy;   /* as signed positions on the line of doubles */
    return (int64_t)d < 0 ? (uint64_t)0 - d : d;
}

typedef tg_tensor *(*unary_fn)(const tg_tensor *);
typedef struct unary_case { const char *name; unary_fn fn; bool gelu; } unary_case;
static const unary_case UNARY[] = {
    {"exp", tg_exp, false},     {"expm1", tg_expm1, false},   {"log", tg_log, false},
    {"log1p", tg_log1p, false}, {"tanh", tg_tanh, false},     {"erf", tg_erf, false},
    {"sigmoid", tg_sigmoid, false}, {"silu", tg_silu, false}, {"gelu", tg_gelu, true},
    {"gelu_tanh", tg_gelu_tanh, true},
};
enum { MAX_ULPS = 4 };

/* res agrees with ref (the portable loop's) for input x. */
static bool close_enough(double x, double ref, double res, tg_dtype dt, bool gelu, uint64_t *worst)
{
    if (ref != ref || res != res) return ref != ref && res != res;
    if (ref == res) return signbit(ref) == signbit(res);
    if (isinf(ref) || isinf(res)) return false;
    uint64_t d = ulps(ref, res, dt);
    if (d > *worst) *worst = d;
    double eps = dt == TG_F32 ? FLT_EPSILON : DBL_EPSILON;
    return d <= MAX_ULPS || (gelu && fabs(ref - res) <= MAX_ULPS * eps * fabs(x));
}

static void values(const tg_tensor *t, double *out) { CHECK(tg_copy_to_f64(t, out) == 0); }

/* Every step-th bit pattern of dt, positive and negative alike, so
   that every binade is sampled. */
enum { SWEEP = 1 << 16 };
static tg_tensor *sweep_input(tg_dtype dt)
{
    static float f[SWEEP];
    static double v[SWEEP];
    for (uint64_t i = 0; i < SWEEP; i++) {
        if (dt == TG_F32) {
            uint32_t bits = (uint32_t)(i * 65521u);   /* a prime near 2^32 / SWEEP */
            memcpy(&f[i], &bits, 4);
        } else {
            uint64_t bits = i * 281474976710597u;   /* a prime near 2^64 / SWEEP */
            memcpy(&v[i], &bits, 8);
        }
    }
    return dt == TG_F32 ? tg_from_f32(f, (int64_t[]){SWEEP}, 1) : tg_from_f64(v, (int64_t[]){SWEEP}, 1);
}

static void check_sweep(const unary_case *c, tg_simd level, tg_dtype dt, uint64_t *worst, int *bad)
{
    static double xv[SWEEP], rv[SWEEP], sv[SWEEP];
    tg_scope_begin();
    tg_tensor *x = sweep_input(dt);
    tg__simd_force(TG_SIMD_NONE);
    tg_tensor *ref = c->fn(x);
    tg__simd_force(level);
    tg_tensor *res = c->fn(x);
    values(x, xv), values(ref, rv), values(res, sv);
    for (int i = 0; i < SWEEP; i++) {
        if (close_enough(xv[i], rv[i], sv[i], dt, c->gelu, worst)) continue;
        if ((*bad)++ < 5)
            fprintf(stderr, "%s %s %s(%.17g): %.17g, portable %.17g\n", tg__simd_name(level),
                    dt == TG_F32 ? "f32" : "f64", c->name, xv[i], sv[i], rv[i]);
    }
    tg_scope_end();
}

static void check_unary(tg_simd level, tg_dtype dt)
{
    for (size_t k = 0; k < sizeof UNARY / sizeof UNARY[0]; k++) {
        uint64_t worst = 0;
        int bad = 0;
        for (int n = 0; n <= MAX_LEN; n++) {
            for (int offset = 0; offset <= MAX_OFFSET; offset++) {
                tg_scope_begin();
                tg_tensor *x = input(dt, n, offset, n + offset);
                tg__simd_force(TG_SIMD_NONE);
                tg_tensor *ref = UNARY[k].fn(x);
                tg__simd_force(level);
                tg_tensor *res = UNARY[k].fn(x);
                double xv[MAX_LEN + 1], rv[MAX_LEN + 1], sv[MAX_LEN + 1];
                values(x, xv), values(ref, rv), values(res, sv);
                for (int i = 0; i < n; i++) {
                    if (close_enough(xv[i], rv[i], sv[i], dt, UNARY[k].gelu, &worst)) continue;
                    if (bad++ < 5)
                        fprintf(stderr, "%s %s %s(%.17g): %.17g, portable %.17g\n", tg__simd_name(level),
                                dt == TG_F32 ? "f32" : "f64", UNARY[k].name, xv[i], sv[i], rv[i]);
                }
                tg_scope_end();
            }
        }
        check_sweep(&UNARY[k], level, dt, &worst, &bad);
        CHECK(bad == 0);
        printf("%s %s %s: worst %llu ulps\n", tg__simd_name(level), dt == TG_F32 ? "f32" : "f64", UNARY[k].name,
               (unsigned long long)worst);
    }
}

/* Binary arithmetic: to the bit, array with array and array with number. */
static bool same(double ref, double res)
{
    return (ref != ref && res != res) || (ref == res && signbit(ref) == signbit(res));
}

typedef tg_tensor *(*binary_fn)(const tg_tensor *, const tg_tensor *);
typedef tg_tensor *(*scalar_fn)(const tg_tensor *, double);

static void check_binary(tg_simd level, tg_dtype dt)
{
    static const binary_fn fns[] = {tg_add, tg_sub, tg_mul, tg_div};
    static const scalar_fn scalar_fns[] = {tg_add_scalar, tg_sub_scalar, tg_mul_scalar, tg_div_scalar,
                                           tg_rsub_scalar};
    static const double numbers[] = {0.0, -0.0, 1.5, -3, INFINITY, NAN, 1e-40};
    int bad = 0;
    for (int n = 0; n <= MAX_LEN; n++) {
        for (int offset = 0; offset <= MAX_OFFSET; offset++) {
            tg_scope_begin();
            tg_tensor *a = input(dt, n, offset, n), *b = input(dt, n, (offset + 1) % 4, 3 * n + 7);
            double rv[MAX_LEN + 1], sv[MAX_LEN + 1];
            for (size_t f = 0; f < sizeof fns / sizeof fns[0]; f++) {
                tg__simd_force(TG_SIMD_NONE);
                values(fns[f](a, b), rv);
                tg__simd_force(level);
                values(fns[f](a, b), sv);
                for (int i = 0; i < n; i++) bad += !same(rv[i], sv[i]);
            }
            for (size_t f = 0; f < sizeof scalar_fns / sizeof scalar_fns[0]; f++) {
                for (size_t s = 0; s < sizeof numbers / sizeof numbers[0]; s++) {
                    tg__simd_force(TG_SIMD_NONE);
                    values(scalar_fns[f](a, numbers[s]), rv);
                    tg__simd_force(level);
                    values(scalar_fns[f](a, numbers[s]), sv);
                    for (int i = 0; i < n; i++) bad += !same(rv[i], sv[i]);
                }
            }
            tg_scope_end();
        }
    }
    CHECK(bad == 0);
}

/* f32 sums: finite values (within one ulp of the portable loop's double
   sum rounded to float), and the infinities and NaN they propagate. */
static void check_sum(tg_simd level)
{
    int bad = 0;
    for (int n = 0; n <= MAX_LEN + 300; n++) {
        for (int offset = 0; offset <= MAX_OFFSET; offset++) {
            tg_scope_begin();
            tg_tensor *x = tg_mul_scalar(tg_sub_scalar(tg_rand((int64_t[]){n + offset}, 1, TG_F32), 0.3), 100);
            x = tg_narrow(x, 0, offset, n);
            tg__simd_force(TG_SIMD_NONE);
            double ref = tg_item(tg_sum(x)), ref_mean = n ? tg_item(tg_mean(x)) : 0;
            tg__simd_force(level);
            double res = tg_item(tg_sum(x)), res_mean = n ? tg_item(tg_mean(x)) : 0;
            bad += ulps(ref, res, TG_F32) > 1 || ulps(ref_mean, res_mean, TG_F32) > 1;
            tg_scope_end();
        }
    }
    CHECK(bad == 0);
    static const double specials[][3] = {{INFINITY, 1, INFINITY}, {-INFINITY, 2, -INFINITY},
                                         {INFINITY, -INFINITY, NAN}, {NAN, 1, NAN}};
    for (size_t s = 0; s < sizeof specials / sizeof specials[0]; s++) {
        for (int n = 1; n <= MAX_LEN; n += 23) {
            float v[MAX_LEN];
            for (int i = 0; i < n; i++) v[i] = (float)i;
            v[n / 2] = (float)specials[s][0];
            v[n - 1] = (float)specials[s][1] + (n > 1 ? 0 : (float)specials[s][0]);
            tg_scope_begin();
            tg__simd_force(level);
            double res = tg_item(tg_sum(tg_from_f32(v, (int64_t[]){n}, 1)));
            double want = n > 1 ? specials[s][2] : v[0];
            CHECK(same(want, res));
            tg_scope_end();
        }
    }
}

int main(void)
{
    fill_pool();
    tg_manual_seed(1);
    int levels = 0;
    for (tg_simd level = TG_SIMD_AVX2; level <= TG_SIMD_AVX512; level++) {
        if (tg__simd_force(level) != level) continue;
        levels++;
        static const tg_dtype dtypes[] = {TG_F32, TG_F64};
        for (int d = 0; d < 2; d++) {
            check_unary(level, dtypes[d]);
            check_binary(level, dtypes[d]);
        }
        check_sum(level);
    }
    /* The portable loops themselves: forced "none" is what a machine
       without AVX2 runs. */
    CHECK(tg__simd_force(TG_SIMD_NONE) == TG_SIMD_NONE);
    CHECK(tg__vec_unary(TG_UN_EXP, TG_F32) == NULL && tg__vec_sum_f32() == NULL);
    printf("instruction sets tested: %d besides none\n", levels);
    return TEST_MAIN_END();
}
