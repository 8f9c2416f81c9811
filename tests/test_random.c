/* The random functions' distributions, checked statistically at fixed
   seeds (so the checks are deterministic and can fail), and tg_generator's
   streams: reproducible, independent of each other and of the default
   generator. Dtypes, shapes and errors are compared with PyTorch in
   tests/oracle/ops_linalg_creation. */
#include "harness.h"

#include <stdlib.h>

#define N 100000

static double values[N];

/* t's values into `values`; its count. */
static int64_t load(const tg_tensor *t)
{
    int64_t n = tg_numel(t);
    CHECK(n <= N && tg_copy_to_f64(t, values) == 0);
    return n;
}

static void moments(int64_t n, double *mean, double *var)
{
    double s = 0, s2 = 0;
    for (int64_t i = 0; i < n; i++) s += values[i];
    *mean = s / (double)n;
    for (int64_t i = 0; i < n; i++) s2 += (values[i] - *mean) * (values[i] - *mean);
    *var = s2 / (double)(n - 1);
}

/* Pearson's chi-square of counts against expected probabilities. */
static double chi_square(const int64_t *counts, const double *p, int k, int64_t n)
{
    double chi = 0;
    for (int i = 0; i < k; i++) {
        double e = p[i] * (double)n;
        chi += ((double)counts[i] - e) * ((double)counts[i] - e) / e;
    }
    return chi;
}

static void test_uniform_and_normal(void)
{
    tg_generator *g = tg_generator_new(1);
    tg_tensor *t = tg_uniform_gen_(tg_empty(TG_SHAPE(N), TG_F32), -2, 3, g);
    int64_t n = load(t);
    double mean, var, lo = 1e9, hi = -1e9;
    moments(n, &mean, &var);
    for (int64_t i = 0; i < n; i++) lo = fmin(lo, values[i]), hi = fmax(hi, values[i]);
    CHECK(fabs(mean - 0.5) < 5 * sqrt(25.0 / 12 / N));
    CHECK(fabs(var - 25.0 / 12) < 0.05);
    CHECK(lo >= -2 && hi < 3 && lo < -1.99 && hi > 2.99);

    t = tg_normal_gen_(tg_empty(TG_SHAPE(N), TG_F64), 1, 2, g);
    moments(load(t), &mean, &var);
    CHECK(fabs(mean - 1) < 5 * 2 / sqrt(N));
    CHECK(fabs(var - 4) < 0.1);
    int64_t within = 0;
    for (int64_t i = 0; i < N; i++) within += fabs(values[i] - 1) < 2;
    CHECK(fabs((double)within / N - 0.682689) < 0.008);

    t = tg_rand_like(tg_t(tg_zeros(TG_SHAPE(400, 250), TG_F32)));
    CHECK(tg_strides(t)[0] == 1 && tg_dtype_of(t) == TG_F32);
    moments(load(t), &mean, &var);
    CHECK(fabs(mean - 0.5) < 5 * sqrt(1.0 / 12 / N) && fabs(var - 1.0 / 12) < 0.004);
    t = tg_randn_like(tg_zeros(TG_SHAPE(N), TG_F64));
    moments(load(t), &mean, &var);
    CHECK(fabs(mean) < 5 / sqrt(N) && fabs(var - 1) < 0.03);
    tg_generator_free(g);
}

static void test_integers(void)
{
    tg_manual_seed(2);
    tg_tensor *t = tg_randint(-3, 4, TG_SHAPE(N));
    CHECK(tg_dtype_of(t) == TG_I64);
    int64_t n = load(t), counts[7] = {0};
    bool in_range = true;
    for (int64_t i = 0; i < n; i++) {
        in_range = in_range && values[i] >= -3 && values[i] <= 3;
        if (in_range) counts[(int)values[i] + 3]++;
    }
    CHECK(in_range);
    double p7[7] = {1 / 7.0, 1 / 7.0, 1 / 7.0, 1 / 7.0, 1 / 7.0, 1 / 7.0, 1 / 7.0};
    CHECK(chi_square(counts, p7, 7, n) < 30);   /* 6 degrees of freedom */

    tg_generator *g = tg_generator_new(3);
    t = tg_randperm_gen(1000, g);
    n = load(t);
    bool seen[1000] = {false}, perm = n == 1000;
    for (int64_t i = 0; i < n && perm; i++) {
        perm = values[i] >= 0 && values[i] < 1000 && !seen[(int)values[i]];
        if (perm) seen[(int)values[i]] = true;
    }
    CHECK(perm);
    int64_t first[5] = {0};
    for (int i = 0; i < 20000; i++) {
        tg_scope_begin();
        load(tg_randperm_gen(5, g));
        first[(int)values[0]]++;
        tg_scope_end();
    }
    CHECK(chi_square(first, (const double[]){0.2, 0.2, 0.2, 0.2, 0.2}, 5, 20000) < 25);
    tg_generator_free(g);
}

static void test_bernoulli_and_multinomial(void)
{
    tg_generator *g = tg_generator_new(4);
    tg_tensor *t = tg_bernoulli_gen(tg_full(TG_SHAPE(N), 0.3, TG_F64), g);
    CHECK(tg_dtype_of(t) == TG_F64);
    int64_t n = load(t), ones = 0;
    bool binary = true;
    for (int64_t i = 0; i < n; i++) binary = binary && (values[i] == 0 || values[i] == 1), ones += values[i] == 1;
    CHECK(binary);
    CHECK(fabs((double)ones / N - 0.3) < 5 * sqrt(0.21 / N));

    const double p[3] = {0.1, 0.2, 0.7};
    tg_tensor *w = tg_from_f32((const float[]){1, 2, 7}, TG_SHAPE(3));
    n = load(tg_multinomial_gen(w, N, true, g));
    int64_t counts[3] = {0};
    for (int64_t i = 0; i < n; i++) counts[(int)values[i]]++;
    CHECK(chi_square(counts, p, 3, n) < 20);   /* 2 degrees of freedom */

    /* Without replacement: each row a permutation; the first draw follows
       the weights, the second P(0) = 0.2 * 1/8 + 0.7 * 1/3. */
    t = tg_multinomial_gen(tg_expand(w, TG_SHAPE(20000, 3)), 3, false, g);
    n = load(t);
    int64_t firsts[3] = {0}, second_zero = 0;
    bool perms = true;
    for (int64_t r = 0; r < n / 3; r++) {
        const double *v = values + 3 * r;
        perms = perms && v[0] + v[1] + v[2] == 3 && v[0] != v[1] && v[1] != v[2] && v[0] != v[2];
        firsts[(int)v[0]]++;
        second_zero += v[1] == 0;
    }
    CHECK(perms);
    CHECK(chi_square(firsts, p, 3, n / 3) < 20);
    CHECK(fabs((double)second_zero / 20000 - (0.2 / 8 + 0.7 / 3)) < 0.015);
    /* A zero weight is never drawn with replacement. */
    n = load(tg_multinomial_gen(tg_from_f32((const float[]){0, 1, 0, 1}, TG_SHAPE(4)), 1000, true, g));
    bool odd = true;
    for (int64_t i = 0; i < n; i++) odd = odd && ((int)values[i] & 1);
    CHECK(odd);
    tg_generator_free(g);
}

/* Two runs are equal when their values are. */
static bool same(const tg_tensor *a, const tg_tensor *b)
{
    static double va[64], vb[64];
    return tg_numel(a) == tg_numel(b) && tg_numel(a) <= 64 && !tg_copy_to_f64(a, va) && !tg_copy_to_f64(b, vb) &&
           memcmp(va, vb, (size_t)tg_numel(a) * sizeof *va) == 0;
}

static void test_generators(void)
{
    tg_generator *a = tg_generator_new(11), *b = tg_generator_new(11), *c = tg_generator_new(12);
    tg_tensor *ra = tg_rand_gen(TG_SHAPE(8), TG_F64, a);
    CHECK(same(ra, tg_rand_gen(TG_SHAPE(8), TG_F64, b)));    /* one seed, one stream */
    CHECK(!same(ra, tg_rand_gen(TG_SHAPE(8), TG_F64, c)));   /* another seed, another */
    /* Draws from one generator leave the others' streams alone. */
    tg_manual_seed(5);
    tg_tensor *d1 = tg_randn(TG_SHAPE(8), TG_F32);
    tg_manual_seed(5);
    tg_randint_gen(0, 10, TG_SHAPE(100), a);
    tg_randn_gen(TG_SHAPE(3), TG_F32, a);
    CHECK(same(d1, tg_randn(TG_SHAPE(8), TG_F32)));
    tg_tensor *ra2 = tg_rand_gen(TG_SHAPE(8), TG_F64, b);
    tg_tensor *rb = tg_randperm_gen(8, c);
    tg_generator *b2 = tg_generator_new(11);
    tg_rand_gen(TG_SHAPE(8), TG_F64, b2);
    CHECK(same(ra2, tg_rand_gen(TG_SHAPE(8), TG_F64, b2)));
    CHECK(tg_numel(rb) == 8);
    /* A failed call draws nothing and writes nothing. */
    tg_tensor *t = tg_zeros(TG_SHAPE(4), TG_F64);
    uint64_t version = tg_version(t);
    CHECK(tg_uniform_gen_(t, 2, 1, a) == NULL && tg_last_status() == TG_E_INVALID);
    tg_clear_error();
    CHECK(tg_version(t) == version && tg_item(tg_sum(t)) == 0);
    tg_generator *a2 = tg_generator_new(11);
    tg_rand_gen(TG_SHAPE(8), TG_F64, a2);
    tg_randint_gen(0, 10, TG_SHAPE(100), a2);
    tg_randn_gen(TG_SHAPE(3), TG_F32, a2);
    CHECK(same(tg_rand_gen(TG_SHAPE(8), TG_F64, a), tg_rand_gen(TG_SHAPE(8), TG_F64, a2)));
    /* Random tensors do not require grad. */
    CHECK(!tg_requires_grad(tg_rand_like(tg_requires_grad_(tg_zeros(TG_SHAPE(2), TG_F32), true))));
    tg_generator_free(a);
    tg_generator_free(b);
    tg_generator_free(b2);
    tg_generator_free(a2);
    tg_generator_free(c);
    tg_generator_free(NULL);
}

int main(void)
{
    test_uniform_and_normal();
    test_integers();
    test_bernoulli_and_multinomial();
    test_generators();
    return TEST_MAIN_END();
}
