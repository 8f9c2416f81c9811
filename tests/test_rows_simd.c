/* The SIMD row loops of vec.h (kernels/softmax.c, kernels/reduce.c)
   against the portable loops, on every instruction set this build and CPU
   have, through the public functions: rows of every length from 1 to 70
   and a few longer ones (so every tail), of random values, with NaN, with
   zeros of both signs as the extreme, with ties and infinities. The
   extremes (amax, amin, max, min, max_dim, min_dim, argmax, argmin) must
   match to the bit, which NaN and which zero included; softmax and
   log_softmax, forward and backward, within a few ulps (their sums in
   double are reassociated, exp is SLEEF's against libm's). */
#include "harness.h"
#include "kernels/vec.h"

#include <stdint.h>
#include <string.h>

enum { ROWS = 3, MAX_N = 1030, KINDS = 5 };

/* Row values of one kind: 0 random, 1 with NaN, 2 non-positive with zeros
   of both signs (the largest), 3 with ties of the largest and smallest,
   4 with infinities. */
static void fill(double *v, int64_t n, int kind, uint64_t *state)
{
    for (int64_t i = 0; i < ROWS * n; i++) {
        *state = *state * 6364136223846793005u + 1442695040888963407u;
        double u = (double)(*state >> 11) / 9007199254740992.0;
        v[i] = (u - 0.5) * 20;
        if (kind == 2) v[i] = -(u + 0.5);
        if (kind == 3) v[i] = (double)(int)(u * 4);   /* 0, 1, 2, 3: many ties */
    }
    for (int r = 0; r < ROWS; r++) {
        double *row = v + r * n;
        if (kind == 1) row[(r * 7) % n] = NAN;
        if (kind == 2) {
            row[(r * 5) % n] = r % 2 ? 0.0 : -0.0;
            row[(r * 5 + n / 2) % n] = r % 2 ? -0.0 : 0.0;
        }
        if (kind == 4) row[(r * 3) % n] = r == 1 ? -INFINITY : INFINITY;
    }
}

/* t's values as doubles (indices too), bitwise. */
static void values(const tg_tensor *t, double *out) { CHECK(t && tg_copy_to_f64(t, out) == 0); }

static bool same_bits(const double *a, const double *b, int64_t n) { return memcmp(a, b, (size_t)n * sizeof *a) == 0; }

/* Within ulps float ulps of each other (of 1 below 1: gradients cancel),
   or both NaN. */
static bool close_f32(const double *a, const double *b, int64_t n, int ulps)
{
    for (int64_t i = 0; i < n; i++) {
        if (a[i] != a[i] || b[i] != b[i]) {
            if (!(a[i] != a[i] && b[i] != b[i])) return false;
            continue;
        }
        double scale = fabs(a[i]) > 1 ? fabs(a[i]) : 1;
        if (a[i] != b[i] && fabs(a[i] - b[i]) > ulps * scale * 1.2e-7) return false;
    }
    return true;
}

/* The extremes of x along its rows and over all, values and indices, into
   out; returns how many. */
static int64_t row_results(tg_tensor *x, double *out)
{
    int64_t k = 0, dim1[] = {1};
    tg_tensor *idx = NULL;
    tg_tensor *exact[] = {tg_amax(x, dim1, 1, false), tg_amin(x, dim1, 1, false), tg_max(x), tg_min(x),
                          tg_argmax(x, 1, false), tg_argmin(x, 1, false), tg_argmax_all(x),
                          tg_max_dim(x, 1, false, &idx), idx, tg_min_dim(x, 1, true, &idx), idx};
    for (size_t i = 0; i < sizeof exact / sizeof exact[0]; i++) {
        values(exact[i], out + k);
        k += exact[i] ? tg_numel(exact[i]) : 0;
    }
    return k;
}

/* softmax and log_softmax of x and the gradients of each for gradient g. */
static int64_t softmax_results(tg_tensor *x, tg_tensor *g, double *out)
{
    int64_t k = 0;
    for (int log_form = 0; log_form < 2; log_form++) {
        tg_tensor *leaf = tg_requires_grad_(tg_detach(x), true);
        tg_tensor *y = log_form ? tg_log_softmax(leaf, 1) : tg_softmax(leaf, 1), *gx = NULL;
        CHECK(y && tg_autograd_grad(&y, 1, &leaf, 1, &g, (tg_backward_opts){0}, &gx) == 0);
        values(y, out + k);
        k += tg_numel(x);
        values(gx, out + k);
        k += tg_numel(x);
    }
    return k;
}

static double want[20 * ROWS * MAX_N], got[20 * ROWS * MAX_N], data[ROWS * MAX_N];

static void check_level(tg_simd level)
{
    static const int64_t longer[] = {100, 127, 128, 129, 255, 1000, 1024, MAX_N};
    int bad_exact = 0, bad_softmax = 0;
    uint64_t state = 7;
    for (int li = 0; li < 70 + (int)(sizeof longer / sizeof longer[0]); li++) {
        int64_t n = li < 70 ? li + 1 : longer[li - 70];
        for (int kind = 0; kind < KINDS; kind++) {
            tg_scope_begin();
            fill(data, n, kind, &state);
            tg_tensor *x = tg_to(tg_from_f64(data, (int64_t[]){ROWS, n}, 2), TG_F32);
            tg_tensor *g = tg_to(tg_randn((int64_t[]){ROWS, n}, 2, TG_F64), TG_F32);
            tg__simd_force(TG_SIMD_NONE);
            int64_t k = row_results(x, want);
            tg__simd_force(level);
            bad_exact += row_results(x, got) != k || !same_bits(want, got, k);
            tg__simd_force(TG_SIMD_NONE);
            k = softmax_results(x, g, want);
            tg__simd_force(level);
            bad_softmax += softmax_results(x, g, got) != k || !close_f32(want, got, k, 8);
            tg_scope_end();
        }
    }
    CHECK(bad_exact == 0);
    CHECK(bad_softmax == 0);
}

int main(void)
{
    tg_manual_seed(3);
    int levels = 0;
    for (tg_simd level = TG_SIMD_AVX2; level <= TG_SIMD_AVX512; level++) {
        if (tg__simd_force(level) != level) continue;
        levels++;
        check_level(level);
    }
    printf("instruction sets tested: %d besides none\n", levels);
    return TEST_MAIN_END();
}
