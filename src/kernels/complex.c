/* Complex elementwise kernels (complex64 and complex128): the loops of the
   elementwise rows PyTorch computes for complex, and the kernels between
   complex and real tensors (parts, abs, angle, sgn, conj), the product
   reduction, and the element helpers the scans, products of the others
   and ternary kernels use for complex runs. Arithmetic is
   PyTorch 1.13's: products as (ac - bd) + (ad + bc)i, quotients
   unscaled (NAIVE_DIV), functions through <tgmath.h>'s complex
   functions in the element's precision (cexpf, ...), which is what
   std::complex calls in libstdc++. */
#include "kernels.h"

#include <stdlib.h>
#include <string.h>
#include <tgmath.h>

/* glibc defines CMPLX and CMPLXF only for compilers with __builtin_complex
   (not clang 14): the same from the two parts, which C11 lays out as an
   array of two reals. */
#ifndef CMPLXF
static inline float _Complex tg__cmplxf(float re, float im)
{
    float _Complex z;
    memcpy(&z, (const float[2]){re, im}, sizeof z);
    return z;
}
static inline double _Complex tg__cmplx(double re, double im)
{
    double _Complex z;
    memcpy(&z, (const double[2]){re, im}, sizeof z);
    return z;
}
#define CMPLXF(x, y) tg__cmplxf((x), (y))
#define CMPLX(x, y) tg__cmplx((x), (y))
#endif

/* PyTorch 1.13's complex division, scalar and vectorized alike:
   ((ac + bd) + (bc - ad) i) / (c^2 + d^2), no scaling (so 0 / 0 and
   overflowing divisors give NaN). */
#define NAIVE_DIV(T, a, b) __extension__({                                         \
        T re_ = creal(a), im_ = cimag(a), c_ = creal(b), d_ = cimag(b);             \
        T den_ = c_ * c_ + d_ * d_;                                                 \
        CMPLX_OF(T, (re_ * c_ + im_ * d_) / den_, (im_ * c_ - re_ * d_) / den_);    \
    })
/* Its vectorized reciprocal: (c - d i) / (c^2 + d^2). */
#define RECIPROCAL_OF(T, b) __extension__({                                        \
        T c_ = creal(b), d_ = cimag(b), den_ = c_ * c_ + d_ * d_;                   \
        CMPLX_OF(T, c_ / den_, -d_ / den_);                                         \
    })
/* x + y i in T's precision (converted to the destination's type when stored). */
#define CMPLX_OF(T, x, y) (sizeof(T) == sizeof(float) ? CMPLXF((float)(x), (float)(y)) : CMPLX((x), (y)))
#define MUL_OF(T, a, b) CMPLX_OF(T, creal(a) * creal(b) - cimag(a) * cimag(b), creal(a) * cimag(b) + cimag(a) * creal(b))

/* Each part of z over the real r in T's precision, as PyTorch's log2 and
   log10 divide log(z) by log(2) and log(10). */
#define PARTS_OVER(T, z, r) __extension__({                                         \
        __typeof__(z) z_ = (z);                                                     \
        CMPLX_OF(T, creal(z_) / (T)(r), cimag(z_) / (T)(r));                         \
    })
/* pow(a, b) for a number b (a broadcast exponent): PyTorch's
   pow(Tensor, Scalar) gives 1 for 0 and a copy for 1, computes 0.5, -0.5
   and -1 as sqrt, rsqrt and reciprocal, and 2, 3 and -2 by products. */
#define POW_OF(T, a, b, is_number) __extension__({                                  \
        __typeof__(a) a_ = (a), b_ = (b), sq_ = MUL_OF(T, a_, a_);                    \
        T e_ = creal(b_);                                                           \
        !(is_number) || cimag(b_) != 0 ? pow(a_, b_)                                \
        : e_ == 0 ? ONE(T)                                                          \
        : e_ == 1 ? a_                                                              \
        : e_ == 2 ? sq_                                                             \
        : e_ == 3 ? MUL_OF(T, sq_, a_)                                              \
        : e_ == -2 ? NAIVE_DIV(T, ONE(T), sq_)                                      \
        : e_ == 0.5 ? sqrt(a_)                                                      \
        : e_ == -0.5 ? NAIVE_DIV(T, ONE(T), sqrt(a_))                               \
        : e_ == -1 ? NAIVE_DIV(T, ONE(T), a_)                                       \
        : pow(a_, b_);                                                              \
    })
/* PyTorch's silu_backward for dy and x: dy s (1 + x (1 - s)),
   s = 1 / (1 + exp(-x)), without conjugates. */
#define SILU_BACKWARD_OF(T, dy, x) __extension__({                                  \
        __typeof__(x) s_ = NAIVE_DIV(T, ONE(T), ONE(T) + exp(-(x)));                \
        MUL_OF(T, MUL_OF(T, dy, s_), ONE(T) + MUL_OF(T, x, ONE(T) - s_));           \
    })
/* 0 - a per part, as PyTorch's vectorized neg (+0 stays +0). */
#define VEC_NEG(T, a) CMPLX_OF(T, 0 - creal(a), 0 - cimag(a))
#define ONE(T) CMPLX_OF(T, 1, 0)

/* The unary rows: X(id, scalar body, vector body), with a complex of the
   part type real_t (float or double). PyTorch 1.13 computes the leading
   64-byte chunks of a contiguous run with its AVX2 Vectorized<complex>
   (two vectors a step) and the rest, and any strided run, with
   c10::complex (Note [Vector tails] in vec.h); the two differ in the signs
   of zero parts, so both are kept where they differ. */
#define COMPLEX_UNARY_ROWS(X)                                                      \
    X(NEG, -a, VEC_NEG(real_t, a))                                                 \
    X(EXP, exp(a), exp(a))                                                         \
    X(LOG, log(a), log(a))                                                         \
    X(SQRT, sqrt(a), sqrt(a))                                                      \
    X(SIN, sin(a), sin(a))                                                         \
    X(COS, cos(a), cos(a))                                                         \
    X(TAN, tan(a), tan(a))                                                         \
    X(SINH, sinh(a), sinh(a))                                                      \
    X(COSH, cosh(a), cosh(a))                                                      \
    X(TANH, tanh(a), tanh(a))                                                      \
    X(ASIN, asin(a), asin(a))                                                      \
    X(ACOS, acos(a), acos(a))                                                      \
    X(ATAN, atan(a), atan(a))                                                      \
    X(ASINH, asinh(a), asinh(a))                                                   \
    X(ACOSH, acosh(a), acosh(a))                                                   \
    X(ATANH, atanh(a), atanh(a))                                                   \
    X(LOG2, PARTS_OVER(real_t, log(a), M_LN2), PARTS_OVER(real_t, log(a), M_LN2))  \
    X(LOG10, PARTS_OVER(real_t, log(a), M_LN10), PARTS_OVER(real_t, log(a), M_LN10)) \
    X(SIGMOID, NAIVE_DIV(real_t, ONE(real_t), ONE(real_t) + exp(-a)),              \
      RECIPROCAL_OF(real_t, ONE(real_t) + exp(VEC_NEG(real_t, a))))                \
    X(RSQRT, NAIVE_DIV(real_t, ONE(real_t), sqrt(a)), RECIPROCAL_OF(real_t, sqrt(a))) \
    X(SILU, NAIVE_DIV(real_t, a, ONE(real_t) + exp(-a)),                           \
      NAIVE_DIV(real_t, a, ONE(real_t) + exp(VEC_NEG(real_t, a))))                 \
    X(RECIPROCAL, NAIVE_DIV(real_t, ONE(real_t), a), RECIPROCAL_OF(real_t, a))
/* add and the subtractions compute a + (1+0i) b as PyTorch's kernels do
   (self + alpha * other, alpha = 1 included), so an infinity or NaN in one
   part of b reaches both parts of the result. */
#define COMPLEX_BINARY_ROWS(X)                                                     \
    X(ADD, a + MUL_OF(real_t, ONE(real_t), b))                                     \
    X(SUB, a - MUL_OF(real_t, ONE(real_t), b))                                     \
    X(RSUB, b - MUL_OF(real_t, ONE(real_t), a))                                    \
    X(MUL, MUL_OF(real_t, a, b))                                                        \
    X(DIV, NAIVE_DIV(real_t, a, b))                                                     \
    X(POW, POW_OF(real_t, a, b, s[2] == 0))                                        \
    X(SILU_BACKWARD, SILU_BACKWARD_OF(real_t, a, b))
#define COMPLEX_COMPARE_ROWS(X)                                                    \
    X(EQ, a == b)                                                                  \
    X(NE, a != b)

#define LOOP_SIGNATURE(name) static void name(char **d, const int64_t *s, int64_t n, void *ctx)

#define UNARY_LOOPS(id, body, vec_body)                                            \
    LOOP_SIGNATURE(unary_##id##_c64) { (void)ctx; UNARY_BODY(float, body, vec_body); } \
    LOOP_SIGNATURE(unary_##id##_c128) { (void)ctx; UNARY_BODY(double, body, vec_body); }
#define UNARY_BODY(T, body, vec_body)                                              \
    typedef T real_t __attribute__((unused));                                      \
    int64_t size_ = (int64_t)sizeof(T _Complex), chunk_ = 64 / size_;              \
    int64_t vec_end_ = s[0] == size_ && s[1] == size_ ? n - n % chunk_ : 0;        \
    for (int64_t i = 0; i < n; i++) {                                              \
        T _Complex a = *(const T _Complex *)(d[1] + i * s[1]);                     \
        *(T _Complex *)(d[0] + i * s[0]) = i < vec_end_ ? (vec_body) : (body);     \
    }
#define BINARY_LOOPS(id, body)                                                     \
    LOOP_SIGNATURE(binary_##id##_c64) { (void)ctx; BINARY_BODY(float, float _Complex, body); } \
    LOOP_SIGNATURE(binary_##id##_c128) { (void)ctx; BINARY_BODY(double, double _Complex, body); }
#define COMPARE_LOOPS(id, body)                                                    \
    LOOP_SIGNATURE(binary_##id##_c64) { (void)ctx; BINARY_BODY(float, bool, body); } \
    LOOP_SIGNATURE(binary_##id##_c128) { (void)ctx; BINARY_BODY(double, bool, body); }
#define BINARY_BODY(T, OUT_T, body)                                                \
    typedef T real_t __attribute__((unused));                                     \
    for (int64_t i = 0; i < n; i++) {                                              \
        T _Complex a = *(const T _Complex *)(d[1] + i * s[1]);                     \
        T _Complex b = *(const T _Complex *)(d[2] + i * s[2]);                     \
        *(OUT_T *)(d[0] + i * s[0]) = (body);                                      \
    }
COMPLEX_UNARY_ROWS(UNARY_LOOPS)
COMPLEX_BINARY_ROWS(BINARY_LOOPS)
COMPLEX_COMPARE_ROWS(COMPARE_LOOPS)

typedef struct complex_loops { tg_loop_fn c64, c128; } complex_loops;

#define UNARY_ENTRY(id, body, vec_body) [TG_UN_##id] = {unary_##id##_c64, unary_##id##_c128},
#define BINARY_ENTRY(id, body) [TG_BIN_##id] = {binary_##id##_c64, binary_##id##_c128},
static const complex_loops UNARY[TG_UN_COUNT] = {COMPLEX_UNARY_ROWS(UNARY_ENTRY)};
static const complex_loops BINARY[TG_BIN_COUNT] = {COMPLEX_BINARY_ROWS(BINARY_ENTRY) COMPLEX_COMPARE_ROWS(BINARY_ENTRY)};

tg_loop_fn tg__k_complex_unary_loop(tg_unary_kernel k, tg_dtype dt)
{
    return dt == TG_C64 ? UNARY[k].c64 : dt == TG_C128 ? UNARY[k].c128 : NULL;
}

tg_loop_fn tg__k_complex_binary_loop(tg_binary_kernel k, tg_dtype dt)
{
    return dt == TG_C64 ? BINARY[k].c64 : dt == TG_C128 ? BINARY[k].c128 : NULL;
}

void tg__k_complex_parts(const tg_tensor *t, tg_tensor *re, tg_tensor *im)
{
    tg_tensor *parts[2] = {re, im};
    for (int p = 0; p < 2; p++) {
        tg_tensor *v = parts[p];
        memcpy(v, t, sizeof *v);
        v->dtype = t->dtype == TG_C128 ? TG_F64 : TG_F32;
        for (int i = 0; i < t->ndim; i++) v->strides[i] = t->strides[i] * 2;
        v->offset = t->offset * 2 + p;
    }
}

/* ------------------------------------------------ complex and real */

double _Complex tg__k_load_complex(const char *p, tg_dtype dt)
{
    if (dt == TG_C64) return *(const float _Complex *)p;
    if (dt == TG_C128) return *(const double _Complex *)p;
    return tg__load(p, dt);
}

void tg__k_store_complex(char *p, tg_dtype dt, double _Complex v)
{
    if (dt == TG_C64) *(float _Complex *)p = CMPLXF((float)creal(v), (float)cimag(v));
    else if (dt == TG_C128) *(double _Complex *)p = v;
    else tg__store(p, dt, creal(v));
}

double _Complex tg__k_complex_mul(double _Complex a, double _Complex b) { return MUL_OF(double, a, b); }
double _Complex tg__k_complex_div(double _Complex a, double _Complex b) { return NAIVE_DIV(double, a, b); }

/* d[0] the complex128 accumulator, d[1] the input. */
static void prod_loop(char **d, const int64_t *s, int64_t n, void *vctx)
{
    tg_dtype dt = *(const tg_dtype *)vctx;
    for (int64_t i = 0; i < n; i++) {
        double _Complex *acc = (double _Complex *)(d[0] + i * s[0]);
        *acc = MUL_OF(double, *acc, tg__k_load_complex(d[1] + i * s[1], dt));
    }
}

int tg__k_complex_prod(tg_tensor *out, const tg_tensor *a)
{
    int64_t n_out = tg__numel(out->shape, out->ndim), strides[TG_MAX_DIMS];
    double _Complex *acc = tg__malloc((size_t)(n_out ? n_out : 1) * sizeof *acc);
    if (!acc) return -1;
    for (int64_t i = 0; i < n_out; i++) acc[i] = 1;
    tg__contiguous_strides(out->shape, out->ndim, strides);
    tg_iter_operand ops[2];
    ops[0].data = (char *)acc;
    for (int i = 0; i < a->ndim; i++) ops[0].strides[i] = out->shape[i] == 1 ? 0 : strides[i] * (int64_t)sizeof *acc;
    tg__operand(&ops[1], a, a->ndim);
    tg_dtype dt = a->dtype;
    tg__iter_run_reduce(ops, 2, a->shape, a->ndim, prod_loop, &dt);
    tg_tensor view = *out;
    tg_storage st = {.data = (char *)acc};
    view.storage = &st;
    view.offset = 0;
    view.dtype = TG_C128;
    memcpy(view.strides, strides, sizeof strides);
    tg__copy_into(out, &view);
    free(acc);
    return 0;
}

typedef struct part_ctx { tg_complex_kernel k; tg_dtype out, in; } part_ctx;

/* c10's abs is std::abs (hypot), angle std::arg (atan2); computed in the
   element's own precision. */
#define PART_CASES(T, z, out)                                                      \
    switch (c->k) {                                                                \
    case TG_CX_ABS: out = CMPLX_OF(T, fabs(z), 0); break;                          \
    case TG_CX_ANGLE: out = CMPLX_OF(T, carg(z), 0); break;                        \
    case TG_CX_CONJ: out = conj(z); break;                                         \
    }

static void part_loop(char **d, const int64_t *s, int64_t n, void *vctx)
{
    const part_ctx *c = vctx;
    for (int64_t i = 0; i < n; i++) {
        double _Complex out = 0;
        if (c->in == TG_C64) {
            float _Complex z = *(const float _Complex *)(d[1] + i * s[1]), o = 0;
            PART_CASES(float, z, o);
            out = o;
        } else {
            double _Complex z = *(const double _Complex *)(d[1] + i * s[1]);
            PART_CASES(double, z, out);
        }
        tg__k_store_complex(d[0] + i * s[0], c->out, out);
    }
}

void tg__k_complex_unary(tg_complex_kernel k, tg_tensor *out, const tg_tensor *a)
{
    TG_CAPTURED(tg__cap_complex_unary(k, out, a));
    tg_iter_operand ops[2];
    tg__operand(&ops[0], out, out->ndim);
    tg__operand(&ops[1], a, out->ndim);
    part_ctx c = {k, out->dtype, a->dtype};
    tg__iter_run_split(ops, 2, out->shape, out->ndim, part_loop, &c);
}

typedef struct compose_ctx { bool polar; tg_dtype out, in; } compose_ctx;

static void compose_loop(char **d, const int64_t *s, int64_t n, void *vctx)
{
    const compose_ctx *c = vctx;
    for (int64_t i = 0; i < n; i++) {
        double x = tg__load(d[1] + i * s[1], c->in), y = tg__load(d[2] + i * s[2], c->in);
        double _Complex v;
        if (!c->polar) {
            v = CMPLX(x, y);
        } else if (c->in == TG_F32) {   /* float arithmetic, as PyTorch's float kernel */
            float fx = (float)x, fy = (float)y;
            v = CMPLX(fx * cosf(fy), fx * sinf(fy));
        } else {
            v = CMPLX(x * cos(y), x * sin(y));
        }
        tg__k_store_complex(d[0] + i * s[0], c->out, v);
    }
}

void tg__k_complex_compose(bool polar, tg_tensor *out, const tg_tensor *a, const tg_tensor *b)
{
    TG_CAPTURED(tg__cap_complex_compose(polar, out, a, b));
    tg_iter_operand ops[3];
    tg__operand(&ops[0], out, out->ndim);
    tg__operand(&ops[1], a, out->ndim);
    tg__operand(&ops[2], b, out->ndim);
    compose_ctx c = {polar, out->dtype, a->dtype};
    tg__iter_run_split(ops, 3, out->shape, out->ndim, compose_loop, &c);
}

void tg__k_complex_convert(char *dst, tg_dtype dst_dt, const char *src, tg_dtype src_dt)
{
    tg__k_store_complex(dst, dst_dt, tg__k_load_complex(src, src_dt));
}
