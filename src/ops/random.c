/* Random tensors from generators: a process-wide default one (like
   PyTorch's default generator) and tg_generator objects, each a
   splitmix64-seeded xoshiro256** guarded by a mutex. The streams differ
   from PyTorch's: only the distributions match (docs/autograd.md). */
#include "ops.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct tg_generator {
    pthread_mutex_t lock;
    uint64_t state[4];
};

static tg_generator default_generator = {
    PTHREAD_MUTEX_INITIALIZER, {0x9E3779B97F4A7C15ull, 0xBF58476D1CE4E5B9ull, 0x94D049BB133111EBull, 1}};

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

/* The caller holds g's lock. */
static uint64_t next_u64(tg_generator *g)
{
    uint64_t *s = g->state;
    uint64_t result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

/* Uniform on [0, 1) with 53 random bits. */
static double next_uniform(tg_generator *g) { return (double)(next_u64(g) >> 11) * 0x1.0p-53; }

/* Box-Muller; 1 - u keeps the log's argument in (0, 1]. */
static double next_normal(tg_generator *g)
{
    double u = next_uniform(g);
    return sqrt(-2.0 * log(1.0 - u)) * cos(2.0 * M_PI * next_uniform(g));
}

/* Uniform on [0, n), n > 0 (PyTorch's random_ takes the remainder too). */
static uint64_t next_below(tg_generator *g, uint64_t n) { return next_u64(g) % n; }

static void seed(tg_generator *g, uint64_t s)
{
    pthread_mutex_lock(&g->lock);
    for (int i = 0; i < 4; i++) g->state[i] = splitmix64(&s);
    pthread_mutex_unlock(&g->lock);
}

void tg_manual_seed(uint64_t s) { seed(&default_generator, s); }

tg_generator *tg_generator_new(uint64_t s)
{
    tg_generator *g = tg__malloc(sizeof *g);
    if (!g) return NULL;
    pthread_mutex_init(&g->lock, NULL);
    seed(g, s);
    return g;
}

void tg_generator_free(tg_generator *g)
{
    if (!g) return;
    pthread_mutex_destroy(&g->lock);
    free(g);
}

/* g, or the default generator for NULL, locked. */
static tg_generator *lock(tg_generator *g)
{
    if (!g) g = &default_generator;
    pthread_mutex_lock(&g->lock);
    return g;
}

static void unlock(tg_generator *g) { pthread_mutex_unlock(&g->lock); }

/* The state is the four xoshiro256** words, their bits as int64. */
tg_tensor *tg_generator_get_state(tg_generator *gen)
{
    int64_t words[4];
    tg_generator *g = lock(gen);
    memcpy(words, g->state, sizeof words);
    unlock(g);
    return tg_from_i64(words, TG_SHAPE(4));
}

int tg_generator_set_state(tg_generator *gen, const tg_tensor *state)
{
    if (!state) return tg__faili(TG_E_NULL, "tg_generator_set_state(): the state is NULL");
    if (tg_dtype_of(state) != TG_I64 || tg_ndim(state) != 1 || tg_shape(state)[0] != 4)
        return tg__faili(TG_E_INVALID, "tg_generator_set_state(): expected a torch.int64 state of shape [4], got %s "
                         "with %lld elements", tg_dtype_name(tg_dtype_of(state)), (long long)tg_numel(state));
    /* A contiguous state is read in place, so that setting one back (an
       undo) cannot run out of memory. */
    const tg_tensor *words = tg_is_contiguous(state) ? state : tg_contiguous(state);
    if (!words) return -1;
    const uint64_t *w = (const uint64_t *)tg__ptr(words);
    if ((w[0] | w[1] | w[2] | w[3]) == 0)
        return tg__faili(TG_E_INVALID, "tg_generator_set_state(): an all-zero state is not a state of xoshiro256**");
    tg_generator *g = lock(gen);
    memcpy(g->state, w, sizeof g->state);
    unlock(g);
    return 0;
}

/* ------------------------------------------------ floating distributions */

typedef enum distribution { UNIFORM, NORMAL } distribution;

/* PyTorch's checks of uniform_'s and normal_'s arguments for dtype dt. */
static int check_distribution(tg_dtype dt, distribution d, double a, double b)
{
    if (tg__is_supported(dt) && !tg__is_floating(dt))
        return tg__faili(TG_E_DTYPE, "\"%s\" not implemented for '%s'", d == NORMAL ? "normal_kernel_cpu" : "check_uniform_bounds",
                         tg__dtype_short(dt));
    if (d == NORMAL)
        return b >= 0 ? 0 : tg__faili(TG_E_INVALID, "normal expects std >= 0.0, but found std %g", b);
    double max = dt == TG_F32 ? 0x1.fffffep127 : 0x1.fffffffffffffp1023;
    const char *name = dt == TG_F32 ? "float" : "double";
    if (!(a >= -max && a <= max)) return tg__faili(TG_E_INVALID, "from is out of bounds for %s", name);
    if (!(b >= -max && b <= max)) return tg__faili(TG_E_INVALID, "to is out of bounds for %s", name);
    if (a > b) return tg__faili(TG_E_INVALID, "uniform_ expects to return a [from, to) range, but found from=%g > to=%g", a, b);
    if (!(b - a <= max))
        return tg__faili(TG_E_INVALID, "uniform_ expects to-from <= std::numeric_limits<%s>::max(), but found to=%g and from=%g which result in to-from to exceed the limit",
                         tg__dtype_short(dt), b, a);
    return 0;
}

/* Fills the elements of t (dense, so its storage span is its numel) with
   draws of d(a, b): uniform on [a, b) or normal with mean a and std b. */
static void fill_distribution(tg_tensor *t, distribution d, double a, double b, tg_generator *gen)
{
    int64_t n = tg_numel(t);
    size_t es = tg__dtype_size(t->dtype);
    char *p = tg__ptr(t);
    tg_generator *g = lock(gen);
    for (int64_t i = 0; i < n; i++) {
        double v;
        if (d == NORMAL) {
            v = a + b * next_normal(g);
        } else {
            v = a + (b - a) * next_uniform(g);
            /* rounding to the dtype must not reach b */
            if (t->dtype == TG_F32 && (float)v >= (float)b && a < b) v = (double)nextafterf((float)b, (float)a);
            else if (v >= b && a < b) v = nextafter(b, a);
        }
        tg__store(p + i * (int64_t)es, t->dtype, v);
    }
    unlock(g);
}

/* A new tensor of shape filled by d (fn names the public function). */
static tg_tensor *random_tensor(const char *fn, const int64_t *shape, int ndim, tg_dtype dtype, distribution d,
                                tg_generator *gen)
{
    if (check_distribution(dtype, d, 0, 1)) return NULL;
    tg_tensor *t = tg__check_new(fn, dtype, shape, ndim) ? NULL : tg__new(dtype, shape, ndim);
    if (t) fill_distribution(t, d, 0, 1, gen);
    return t;
}

tg_tensor *tg_rand(const int64_t *shape, int ndim, tg_dtype dtype) { return random_tensor(__func__, shape, ndim, dtype, UNIFORM, NULL); }
tg_tensor *tg_randn(const int64_t *shape, int ndim, tg_dtype dtype) { return random_tensor(__func__, shape, ndim, dtype, NORMAL, NULL); }
tg_tensor *tg_rand_gen(const int64_t *shape, int ndim, tg_dtype dtype, tg_generator *gen)
{
    return random_tensor(__func__, shape, ndim, dtype, UNIFORM, gen);
}
tg_tensor *tg_randn_gen(const int64_t *shape, int ndim, tg_dtype dtype, tg_generator *gen)
{
    return random_tensor(__func__, shape, ndim, dtype, NORMAL, gen);
}

static tg_tensor *random_like(const char *fn, const tg_tensor *t, distribution d)
{
    TG_ARG_OF(fn, t);
    if (check_distribution(t->dtype, d, 0, 1)) return NULL;
    tg_tensor *out = tg__empty_like(fn, t);
    if (out) fill_distribution(out, d, 0, 1, NULL);
    return out;
}

tg_tensor *tg_rand_like(const tg_tensor *t) { return random_like(__func__, t, UNIFORM); }
tg_tensor *tg_randn_like(const tg_tensor *t) { return random_like(__func__, t, NORMAL); }

/* ------------------------------------------------- integer distributions */

tg_tensor *tg_randint_gen(int64_t low, int64_t high, const int64_t *shape, int ndim, tg_generator *gen)
{
    if (low >= high)
        return tg__fail(TG_E_INVALID, "random_ expects 'from' to be less than 'to', but got from=%lld >= to=%lld",
                        (long long)low, (long long)high);
    tg_tensor *t = tg__check_new(__func__, TG_I64, shape, ndim) ? NULL : tg__new(TG_I64, shape, ndim);
    if (!t) return NULL;
    int64_t *p = (int64_t *)tg__ptr(t), n = tg_numel(t);
    uint64_t range = (uint64_t)high - (uint64_t)low;
    tg_generator *g = lock(gen);
    for (int64_t i = 0; i < n; i++) p[i] = (int64_t)((uint64_t)low + next_below(g, range));
    unlock(g);
    return t;
}

tg_tensor *tg_randint(int64_t low, int64_t high, const int64_t *shape, int ndim)
{
    return tg_randint_gen(low, high, shape, ndim, NULL);
}

/* Fisher-Yates over 0 .. n-1. */
tg_tensor *tg_randperm_gen(int64_t n, tg_generator *gen)
{
    tg_tensor *t = tg__check_new(__func__, TG_I64, TG_SHAPE(n)) ? NULL : tg__new(TG_I64, TG_SHAPE(n));
    if (!t) return NULL;
    int64_t *p = (int64_t *)tg__ptr(t);
    for (int64_t i = 0; i < n; i++) p[i] = i;
    tg_generator *g = lock(gen);
    for (int64_t i = n - 1; i > 0; i--) {
        int64_t j = (int64_t)next_below(g, (uint64_t)i + 1), v = p[i];
        p[i] = p[j];
        p[j] = v;
    }
    unlock(g);
    return t;
}

tg_tensor *tg_randperm(int64_t n) { return tg_randperm_gen(n, NULL); }

/* ------------------------------------------- bernoulli and multinomial */

/* p's values as doubles in row-major order (NULL with an error). */
static double *values_of(const tg_tensor *p)
{
    double *v = tg__malloc((size_t)(tg_numel(p) + 1) * sizeof *v);
    if (v && tg_copy_to_f64(p, v)) {
        free(v);
        return NULL;
    }
    return v;
}

/* Draws 1 with probability p[i]; the result is contiguous, in p's dtype.
   Its node (BernoulliBackward0) passes no gradient on, as PyTorch's
   (tg__d_random_fill). */
tg_tensor *tg_bernoulli_gen(const tg_tensor *p, tg_generator *gen)
{
    TG_ARG(p);
    if (!tg__is_floating(p->dtype))
        return tg__fail(TG_E_DTYPE, "\"bernoulli_tensor_cpu_p_\" not implemented for '%s'", tg__dtype_short(p->dtype));
    double *v = values_of(p);
    if (!v) return NULL;
    int64_t n = tg_numel(p);
    for (int64_t i = 0; i < n; i++) {
        if (v[i] >= 0 && v[i] <= 1) continue;
        free(v);
        return tg__fail(TG_E_INVALID, "Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error "
                                      "message be improved?  If so, please report an enhancement request to PyTorch.)");
    }
    tg_tensor *t = tg__new(p->dtype, p->shape, p->ndim);
    if (t) {
        size_t es = tg__dtype_size(t->dtype);
        tg_generator *g = lock(gen);
        for (int64_t i = 0; i < n; i++) tg__store(tg__ptr(t) + i * (int64_t)es, t->dtype, next_uniform(g) < v[i]);
        unlock(g);
    }
    free(v);
    if (t && tg__record(t, (tg_record){.op = TG_OP_BERNOULLI}, &p, 1, NULL)) return NULL;
    return t;
}

tg_tensor *tg_bernoulli(const tg_tensor *p) { return tg_bernoulli_gen(p, NULL); }


/* PyTorch's checks of rows of k weights: for sampling with replacement
   its kernel's, row by row; else its fast path's, over all rows first. */
static int check_weights(const double *w, int64_t rows, int64_t k, bool kernel)
{
    for (int64_t i = 0; i < rows * k && !kernel; i++)
        if (!(w[i] >= 0 && w[i] < INFINITY))
            return tg__faili(TG_E_INVALID, "probability tensor contains either `inf`, `nan` or element < 0");
    for (int64_t r = 0; r < rows; r++) {
        double sum = 0;
        for (int64_t i = r * k; i < (r + 1) * k; i++) {
            if (kernel && !(w[i] >= 0))
                return tg__faili(TG_E_INVALID, "invalid multinomial distribution (encountering probability entry < 0)");
            if (kernel && !isfinite(w[i]))
                return tg__faili(TG_E_INVALID, "invalid multinomial distribution (encountering probability entry = infinity or NaN)");
            sum += w[i];
        }
        if (!(sum > 0)) return tg__faili(TG_E_INVALID, "invalid multinomial distribution (sum of probabilities <= 0)");
    }
    return 0;
}

/* m draws from the k weights w into out: by inverting the cumulative sum
   (with replacement), or as the m largest of w[i] / Exp(1) (without,
   PyTorch's exponential trick; cum is scratch space). */
static void sample_row(tg_generator *g, double *w, double *cum, int64_t k, int64_t m, bool replacement, int64_t *out)
{
    if (replacement) {
        double total = 0;
        for (int64_t i = 0; i < k; i++) cum[i] = total += w[i];
        for (int64_t s = 0; s < m; s++) {
            double u = next_uniform(g) * total;
            int64_t lo = 0, hi = k - 1;
            while (lo < hi) {   /* the first i with cum[i] > u */
                int64_t mid = lo + (hi - lo) / 2;
                if (cum[mid] > u) hi = mid;
                else lo = mid + 1;
            }
            while (lo > 0 && w[lo] == 0) lo--;   /* never a zero weight: u landed on a boundary */
            out[s] = lo;
        }
        return;
    }
    for (int64_t i = 0; i < k; i++) cum[i] = w[i] / -log(1.0 - next_uniform(g));
    for (int64_t s = 0; s < m; s++) {
        int64_t best = 0;
        for (int64_t i = 1; i < k; i++)
            if (cum[i] > cum[best]) best = i;
        out[s] = best;
        cum[best] = -1;
    }
}

tg_tensor *tg_multinomial_gen(const tg_tensor *p, int64_t num_samples, bool replacement, tg_generator *gen)
{
    TG_ARG(p);
    if (p->ndim < 1 || p->ndim > 2) return tg__fail(TG_E_SHAPE, "prob_dist must be 1 or 2 dim");
    if (!tg__is_floating(p->dtype))
        return tg__fail(TG_E_DTYPE, "multinomial only supports floating-point dtypes for input, got: %s", tg__dtype_short(p->dtype));
    if (num_samples <= 0) return tg__fail(TG_E_INVALID, "cannot sample n_sample <= 0 samples");
    int64_t k = p->shape[p->ndim - 1], rows = p->ndim == 2 ? p->shape[0] : 1;
    if (!replacement && num_samples > k)
        return tg__fail(TG_E_INVALID, "cannot sample n_sample > prob_dist.size(-1) samples without replacement");
    if (k > (1 << 24)) return tg__fail(TG_E_INVALID, "number of categories cannot exceed 2^24");
    bool kernel = replacement && num_samples > 1;   /* PyTorch's fast path takes the others */
    double *w = values_of(p), *cum = w ? tg__malloc((size_t)(k + 1) * sizeof *cum) : NULL;
    int64_t shape[2] = {rows, num_samples};
    tg_tensor *t = cum && !check_weights(w, rows, k, kernel) ? tg__new(TG_I64, shape + 2 - p->ndim, p->ndim) : NULL;
    if (t) {
        tg_generator *g = lock(gen);
        for (int64_t r = 0; r < rows; r++)
            sample_row(g, w + r * k, cum, k, num_samples, replacement, (int64_t *)tg__ptr(t) + r * num_samples);
        unlock(g);
    }
    free(w);
    free(cum);
    return t;
}

tg_tensor *tg_multinomial(const tg_tensor *p, int64_t num_samples, bool replacement)
{
    return tg_multinomial_gen(p, num_samples, replacement, NULL);
}

/* ---------------------------------------------------- in-place fills */

/* uniform_ and normal_. PyTorch refuses a leaf that requires grad (in
   grad mode) and a tensor whose elements overlap; on a tensor with a
   history the node (UniformBackward0, NormalBackward0) passes no gradient
   to the old value. A view is written through copy_, which records its
   base's CopySlices (over CopyBackwards), and checks views as PyTorch. */
static tg_tensor *fill_(const char *fn, tg_tensor *t, distribution d, double a, double b, tg_op op, tg_generator *gen)
{
    TG_ARG_OF(fn, t);
    if (check_distribution(t->dtype, d, a, b)) return NULL;
    bool recorded = tg_is_grad_enabled() && tg__requires_grad(t);
    if (recorded && !tg__grad_fn(t) && !tg__view_base(t))
        return tg__fail(TG_E_AUTOGRAD, "a leaf Variable that requires grad is being used in an in-place operation.");
    for (int i = 0; i < t->ndim; i++)
        if (t->strides[i] == 0 && t->shape[i] > 1)
            return tg__fail(TG_E_INVALID, "unsupported operation: more than one element of the written-to tensor "
                                          "refers to a single memory location. Please clone() the tensor before "
                                          "performing the operation.");
    if (tg__view_base(t) || !tg__is_dense(t)) {
        tg_tensor *r = tg__new(t->dtype, t->shape, t->ndim);
        if (!r) return NULL;
        fill_distribution(r, d, a, b, gen);
        return tg_copy_(t, r);
    }
    tg_node *n = recorded ? tg__node_new((tg_record){.op = op}, (const tg_tensor *[]){t}, 1) : NULL;
    if (recorded && !n) return NULL;
    fill_distribution(t, d, a, b, gen);
    tg__bump_version(t);
    tg_tensor *tangent = tg__tangent(t);   /* forward AD: a draw's tangent is zero (self_t.zero_()) */
    if (tangent) {
        tg__tangents_pause();
        tangent = tg_zero_(tangent);
        tg__tangents_resume();
        if (!tangent) {
            if (n) tg__node_unref(n);
            return NULL;
        }
    }
    if (n) {
        if (tg__set_history(t, n)) return NULL;
        atomic_store(&t->version->last_writer, (int)op);
    }
    return t;
}

tg_tensor *tg_uniform_gen_(tg_tensor *t, double a, double b, tg_generator *gen)
{
    return fill_(__func__, t, UNIFORM, a, b, TG_OP_UNIFORM, gen);
}
tg_tensor *tg_normal_gen_(tg_tensor *t, double mean, double std, tg_generator *gen)
{
    return fill_(__func__, t, NORMAL, mean, std, TG_OP_NORMAL, gen);
}
tg_tensor *tg_uniform_(tg_tensor *t, double a, double b) { return fill_(__func__, t, UNIFORM, a, b, TG_OP_UNIFORM, NULL); }
tg_tensor *tg_normal_(tg_tensor *t, double mean, double std) { return fill_(__func__, t, NORMAL, mean, std, TG_OP_NORMAL, NULL); }

/* uniform_ and normal_: the old value gets no gradient. */
int tg__d_random_fill(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    if (NEED(0)) gi[0] = tg_zeros_like(g);
    return tg__derivative_done(n, gi);
}
