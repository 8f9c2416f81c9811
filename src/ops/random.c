/* Random tensors from one process-wide generator (like PyTorch's default
   generator), a splitmix64-seeded xoshiro256** guarded by a mutex. The
   streams differ from PyTorch's: only the distributions match. */
#include "ops.h"

#include <math.h>
#include <pthread.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t state[4] = {0x9E3779B97F4A7C15ull, 0xBF58476D1CE4E5B9ull, 0x94D049BB133111EBull, 1};

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static uint64_t next_u64(void)
{
    uint64_t result = rotl(state[1] * 5, 7) * 9, t = state[1] << 17;
    state[2] ^= state[0];
    state[3] ^= state[1];
    state[1] ^= state[2];
    state[0] ^= state[3];
    state[2] ^= t;
    state[3] = rotl(state[3], 45);
    return result;
}

/* Uniform on [0, 1) with 53 random bits. */
static double next_uniform(void) { return (double)(next_u64() >> 11) * 0x1.0p-53; }

void tg_manual_seed(uint64_t seed)
{
    pthread_mutex_lock(&lock);
    for (int i = 0; i < 4; i++) state[i] = splitmix64(&seed);
    pthread_mutex_unlock(&lock);
}

/* fn is the public function's name, for errors. */
static tg_tensor *random_tensor(const char *fn, const int64_t *shape, int ndim, tg_dtype dtype, bool normal)
{
    if (tg__is_supported(dtype) && !tg__is_floating(dtype))
        return tg__fail(TG_E_DTYPE, "\"%s\" not implemented for '%s'", normal ? "normal_kernel_cpu" : "uniform_kernel_cpu",
                        tg__dtype_short(dtype));
    tg_tensor *t = tg__check_new(fn, dtype, shape, ndim) ? NULL : tg__new(dtype, shape, ndim);
    if (!t) return NULL;
    int64_t n = tg__numel(shape, ndim);
    size_t es = tg__dtype_size(dtype);
    char *p = tg__ptr(t);
    pthread_mutex_lock(&lock);
    for (int64_t i = 0; i < n; i++) {
        double v = next_uniform();
        if (normal) {   /* Box-Muller; 1 - u keeps the log's argument in (0, 1] */
            v = sqrt(-2.0 * log(1.0 - v)) * cos(2.0 * M_PI * next_uniform());
        } else if (dtype == TG_F32 && (float)v >= 1.0f) {
            v = (double)nextafterf(1.0f, 0.0f);   /* rounding to float must not reach 1 */
        }
        tg__store(p + i * (int64_t)es, dtype, v);
    }
    pthread_mutex_unlock(&lock);
    return t;
}

tg_tensor *tg_rand(const int64_t *shape, int ndim, tg_dtype dtype) { return random_tensor(__func__, shape, ndim, dtype, false); }
tg_tensor *tg_randn(const int64_t *shape, int ndim, tg_dtype dtype) { return random_tensor(__func__, shape, ndim, dtype, true); }
