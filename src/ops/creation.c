/* Creation: tensors filled with a value (also shaped and laid out like
   another), from the caller's memory, the identity, ranges (arange,
   linspace, logspace with PyTorch's values), and copies back out. */
#include "ops.h"

#include <string.h>
#include <tgmath.h>

/* Products and sums round one at a time, as PyTorch's kernels do where they
   do not fuse them (Note [linspace's values]). */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

tg_tensor *tg_empty(const int64_t *shape, int ndim, tg_dtype dtype)
{
    return tg__check_new(__func__, dtype, shape, ndim) ? NULL : tg__new(dtype, shape, ndim);
}

/* fn is the public function's name, for errors. */
static tg_tensor *filled(const char *fn, const int64_t *shape, int ndim, double value, tg_dtype dtype)
{
    tg_tensor *t = tg__check_new(fn, dtype, shape, ndim) ? NULL : tg__new(dtype, shape, ndim);
    if (t) tg__k_fill(t, value);
    return t;
}

tg_tensor *tg_full(const int64_t *shape, int ndim, double value, tg_dtype dtype)
{
    return filled(__func__, shape, ndim, value, dtype);
}

tg_tensor *tg_zeros(const int64_t *shape, int ndim, tg_dtype dtype) { return filled(__func__, shape, ndim, 0, dtype); }
tg_tensor *tg_ones(const int64_t *shape, int ndim, tg_dtype dtype) { return filled(__func__, shape, ndim, 1, dtype); }
tg_tensor *tg_scalar(double v) { return filled(__func__, NULL, 0, v, TG_F32); }
tg_tensor *tg__scalar_tensor(double v, tg_dtype dt) { return filled(__func__, NULL, 0, v, dt); }

static tg_tensor *from_data(const char *fn, const void *data, tg_dtype dt, const int64_t *shape, int ndim)
{
    if (tg__check_new(fn, dt, shape, ndim)) return NULL;
    if (!data && tg__numel(shape, ndim) > 0) return tg__fail(TG_E_NULL, "%s(): data is NULL", fn);
    tg_tensor *t = tg__new(dt, shape, ndim);
    if (t && t->storage->nbytes) memcpy(t->storage->data, data, t->storage->nbytes);
    if (t) tg__capture_written(t);
    return t;
}

tg_tensor *tg_from_f32(const float *d, const int64_t *s, int n) { return from_data(__func__, d, TG_F32, s, n); }
tg_tensor *tg_from_f64(const double *d, const int64_t *s, int n) { return from_data(__func__, d, TG_F64, s, n); }
tg_tensor *tg_from_i64(const int64_t *d, const int64_t *s, int n) { return from_data(__func__, d, TG_I64, s, n); }
tg_tensor *tg_from_i32(const int32_t *d, const int64_t *s, int n) { return from_data(__func__, d, TG_I32, s, n); }
tg_tensor *tg_from_bool(const bool *d, const int64_t *s, int n) { return from_data(__func__, d, TG_BOOL, s, n); }
tg_tensor *tg_from_i8(const int8_t *d, const int64_t *s, int n) { return from_data(__func__, d, TG_I8, s, n); }
tg_tensor *tg_from_u8(const uint8_t *d, const int64_t *s, int n) { return from_data(__func__, d, TG_U8, s, n); }
tg_tensor *tg_from_i16(const int16_t *d, const int64_t *s, int n) { return from_data(__func__, d, TG_I16, s, n); }
tg_tensor *tg_from_c64(const float *d, const int64_t *s, int n) { return from_data(__func__, d, TG_C64, s, n); }
tg_tensor *tg_from_c128(const double *d, const int64_t *s, int n) { return from_data(__func__, d, TG_C128, s, n); }

tg_tensor *tg_arange(double start, double end, double step, tg_dtype dtype)
{
    if (step == 0) return tg__fail(TG_E_INVALID, "step must be nonzero");
    if (!isfinite(start) || !isfinite(end))
        return tg__fail(TG_E_INVALID, "unsupported range: %g -> %g", start, end);
    /* PyTorch's form of the test, which a NaN step fails too. */
    if (!((step > 0 && end >= start) || (step < 0 && end <= start)))
        return tg__fail(TG_E_INVALID, "upper bound and larger bound inconsistent with step sign");
    double count = ceil((end - start) / step);
    if (count > 1e15) return tg__fail(TG_E_SHAPE, "tg_arange(): the range would have %g elements", count);
    int64_t n = (int64_t)count;
    tg_tensor *t = tg__check_new(__func__, dtype, TG_SHAPE(n)) ? NULL : tg__new(dtype, TG_SHAPE(n));
    if (!t) return NULL;
    size_t es = tg__dtype_size(dtype);
    for (int64_t i = 0; i < n; i++)
        tg__store((char *)t->storage->data + i * (int64_t)es, dtype, start + (double)i * step);
    tg__capture_written(t);
    return t;
}

typedef struct gather_ctx { double *out; tg_dtype dt; } gather_ctx;

static void gather_loop(char **data, const int64_t *strides, int64_t n, void *vctx)
{
    gather_ctx *c = vctx;
    for (int64_t i = 0; i < n; i++) *c->out++ = tg__load(data[0] + i * strides[0], c->dt);
}

int tg_copy_to_f64(const tg_tensor *t, double *out)
{
    TG_ARGI(t);
    if (!out) return tg__faili(TG_E_NULL, "tg_copy_to_f64(): out is NULL");
    tg_iter_operand op;
    tg__operand(&op, t, t->ndim);
    tg__capture_refuse(__func__);
    gather_ctx c = {out, t->dtype};
    /* No coalescing across operands is needed: row-major order is kept. */
    tg__iter_run(&op, 1, t->shape, t->ndim, gather_loop, &c);
    return 0;
}

/* Through a complex128 copy's view as real pairs, without history. */
int tg_copy_to_c128(const tg_tensor *t, double *pairs)
{
    TG_ARGI(t);
    if (!pairs) return tg__faili(TG_E_NULL, "tg_copy_to_c128(): pairs is NULL");
    tg_tensor *c = tg__new(TG_C128, t->shape, t->ndim);
    if (!c) return -1;
    tg__copy_into(c, t);
    int rc = -1;
    TG_NO_GRAD rc = tg_copy_to_f64(tg_view_as_real(c), pairs);
    return rc;
}

/* A new tensor of t's dtype and shape with PyTorch's preserve_format
   layout: t's strides when t is dense, else the layout an elementwise
   result of t would get. Its values are zeros. */
tg_tensor *tg__empty_like(const char *fn, const tg_tensor *t)
{
    TG_ARG_OF(fn, t);
    tg_strided s;
    tg__strided_of(&s, t);
    if (!tg__is_dense(t)) tg__result_strides(t->shape, t->ndim, &t, 1, s.strides);
    return tg__zeros_strided(t->dtype, &s);
}

static tg_tensor *filled_like(const char *fn, const tg_tensor *t, double value)
{
    tg_tensor *out = tg__empty_like(fn, t);
    if (out && value != 0) tg__k_fill(out, value);
    return out;
}

tg_tensor *tg_empty_like(const tg_tensor *t) { return tg__empty_like(__func__, t); }
tg_tensor *tg_zeros_like(const tg_tensor *t) { return filled_like(__func__, t, 0); }
tg_tensor *tg_ones_like(const tg_tensor *t) { return filled_like(__func__, t, 1); }
tg_tensor *tg_full_like(const tg_tensor *t, double value) { return filled_like(__func__, t, value); }

tg_tensor *tg_eye(int64_t n, tg_dtype dtype)
{
    if (n < 0) return tg__fail(TG_E_INVALID, "n must be greater or equal to 0, got %lld", (long long)n);
    tg_tensor *t = filled(__func__, TG_SHAPE(n, n), 0, dtype);
    if (!t) return NULL;
    size_t es = tg__dtype_size(dtype);
    for (int64_t i = 0; i < n; i++) tg__store(tg__ptr(t) + (i * n + i) * (int64_t)es, dtype, 1);
    tg__capture_written(t);
    return t;
}

/* A contiguous 1-D tensor of `steps` elements for linspace and logspace,
   checked as PyTorch checks (name: its kernel's), holding `first` when
   steps is 1; the caller fills longer ones. */
static tg_tensor *range_of(const char *fn, const char *name, int64_t steps, double first, tg_dtype dtype)
{
    if (steps < 0) return tg__fail(TG_E_INVALID, "number of steps must be non-negative");
    if (dtype == TG_BOOL) return tg__fail(TG_E_DTYPE, "\"%s\" not implemented for 'Bool'", name);
    tg_tensor *t = tg__check_new(fn, dtype, TG_SHAPE(steps)) ? NULL : tg__new(dtype, TG_SHAPE(steps));
    if (t && steps == 1) tg__k_fill(t, first);
    return t;
}

/* Note [linspace's values]: PyTorch's CPU kernel (its AVX2 build) counts
   from start up to the middle and from end down after it, each with a
   fused multiply-add, and writes runs of VEC elements as one such value
   plus k * step (unfused), two runs at a time, the tail one by one.
   Floating dtypes compute in their own precision (S is T), integers with
   a double step (S double, each run's first value truncated to T). With
   several threads PyTorch splits ranges of over 32768 steps, each part
   starting its runs afresh: this is its one-thread result. */
#define LINSPACE_AT(S, i) ((i) < half ? fma(step, (S)(i), a) : fma(-step, (S)(steps - (i) - 1), b))
#define LINSPACE(T, S, VEC)                                             \
    do {                                                                \
        T *out = (T *)tg__ptr(t);                                       \
        S a = (S)(T)start, b = (S)(T)end, step = (b - a) / (S)(steps - 1); \
        int64_t i = 0, half = steps / 2;                                \
        for (; i + 2 * (VEC) <= steps; i += 2 * (VEC))                  \
            for (int64_t j = i; j < i + 2 * (VEC); j += VEC) {          \
                T base = (T)LINSPACE_AT(S, j);                          \
                for (int k = 0; k < (VEC); k++) {                       \
                    S lane = (S)k * step;                               \
                    out[j + k] = (T)((S)base + lane);                   \
                }                                                       \
            }                                                           \
        for (; i < steps; i++) out[i] = (T)LINSPACE_AT(S, i);              \
    } while (0)

/* float16 and bfloat16: PyTorch computes in c10::Half and c10::BFloat16
   arithmetic, each operation rounded, and its vector loop (16 lanes) adds
   lane * step to each block's first value. */
static double in_dtype(double v, tg_dtype dt)
{
    uint16_t bits;
    tg__store(&bits, dt, v);
    return tg__load(&bits, dt);
}
#define R(v) in_dtype((v), t->dtype)
static void linspace_half(tg_tensor *t, double start, double end, int64_t steps)
{
    enum { LANES = 16 };
    double a = R(start), b = R(end), step = R(R(b - a) / R((double)(steps - 1)));
    int64_t half = steps / 2, i = 0;
    char *out = tg__ptr(t);
#define AT(i) ((i) < half ? R(a + R(step * R((double)(i)))) : R(b - R(step * R((double)(steps - (i) - 1)))))
    for (; i + 2 * LANES <= steps; i += 2 * LANES)
        for (int64_t j = i; j < i + 2 * LANES; j += LANES) {
            double base = AT(j);
            for (int k = 0; k < LANES; k++) tg__store(out + (j + k) * 2, t->dtype, R(base + R(R(k) * step)));
        }
    for (; i < steps; i++) tg__store(out + i * 2, t->dtype, AT(i));
#undef AT
}
#undef R

tg_tensor *tg_linspace(double start, double end, int64_t steps, tg_dtype dtype)
{
    if (tg__is_integral(dtype) && steps > 0 && (tg__checked_convert(start, dtype) || tg__checked_convert(end, dtype))) return NULL;
    tg_tensor *t = range_of(__func__, "linspace_cpu", steps, start, dtype);
    if (!t || steps < 2) return t;
    switch (dtype) {
    case TG_F32: LINSPACE(float, float, 8); break;
    case TG_F64: LINSPACE(double, double, 4); break;
    case TG_I32: LINSPACE(int32_t, double, 8); break;
    case TG_I64: LINSPACE(int64_t, double, 4); break;
    case TG_I8: LINSPACE(int8_t, double, 32); break;
    case TG_U8: LINSPACE(uint8_t, double, 32); break;
    case TG_I16: LINSPACE(int16_t, double, 16); break;
    case TG_F16: case TG_BF16: linspace_half(t, start, end, steps); break;
    default: return tg__fail(TG_E_DTYPE, "\"linspace_cpu\" not implemented for '%s'", tg__dtype_short(dtype));
    }
    tg__capture_written(t);
    return t;
}

/* PyTorch's logspace (not vectorised): base ** (start + step * i) up to
   the middle and base ** (end - step * (steps - i - 1)) after it, in
   double from start and end in the result's dtype (an integer result
   takes the base as a float). */
tg_tensor *tg_logspace(double start, double end, int64_t steps, double base, tg_dtype dtype)
{
    if (tg__is_integral(dtype) && steps > 0 && (tg__checked_convert(start, dtype) || tg__checked_convert(end, dtype))) return NULL;
    tg_tensor *t = range_of(__func__, "logspace_cpu", steps, pow(base, start), dtype);
    if (!t || steps < 2) return t;
    double a, b;
    switch (dtype) {
    case TG_F32: a = (float)start; b = (float)end; break;
    case TG_I32: a = (int32_t)start; b = (int32_t)end; base = (float)base; break;
    case TG_I64: a = (double)(int64_t)start; b = (double)(int64_t)end; base = (float)base; break;
    case TG_I8: case TG_U8: case TG_I16: a = trunc(start); b = trunc(end); base = (float)base; break;
    default: a = start; b = end; break;
    }
    double step = (dtype == TG_F32 ? (double)((float)b - (float)a) : b - a) / (double)(steps - 1);
    size_t es = tg__dtype_size(dtype);
    for (int64_t i = 0, half = steps / 2; i < steps; i++) {
        double e = i < half ? a + step * (double)i : b - step * (double)(steps - i - 1);
        tg__store(tg__ptr(t) + i * (int64_t)es, dtype, pow(base, e));
    }
    tg__capture_written(t);
    return t;
}
