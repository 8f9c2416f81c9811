/* Elementwise kernels: each row of elementwise.def expanded into one loop
   per dtype, with contiguous and scalar-operand fast paths. */
#include "kernels.h"
#include "vec.h"
#include "widen.h"

#include <tgmath.h>

/* maximum/minimum propagate NaN, as PyTorch does. */
#define MAX_NAN(a, b) ((a) != (a) || (b) != (b) ? (a) + (b) : (a) > (b) ? (a) : (b))
#define MIN_NAN(a, b) ((a) != (a) || (b) != (b) ? (a) + (b) : (a) < (b) ? (a) : (b))

/* Integer powers wrap around as PyTorch's do; a negative exponent gives 0
   but for bases 1 and -1. */
static int64_t int_pow(int64_t base, int64_t exp)
{
    if (exp < 0) return base == 1 ? 1 : base == -1 ? (exp % 2 ? -1 : 1) : 0;
    uint64_t result = 1, b = (uint64_t)base;
    while (exp) {
        if (exp & 1) result *= b;
        b *= b;
        exp >>= 1;
    }
    return (int64_t)result;
}

/* ------------------------------------------------------------- loops */

/* What a loop gets as ctx: the operands' dtype, and the SIMD loops (vec.h)
   for its contiguous paths, or NULL. */
typedef struct loop_ctx {
    tg_dtype dt;
    tg_vec_fn vec, vec_scalar_b;
} loop_ctx;

/* d[0] is the result, d[1] (and d[2]) the operands; s their byte strides. */
#define UNARY_LOOP(T, BODY) do {                                                   \
        const loop_ctx *c_ = ctx;                                                  \
        if (s[0] == (int64_t)sizeof(T) && s[1] == (int64_t)sizeof(T)) {            \
            T *o_ = (T *)d[0]; const T *a_ = (const T *)d[1];                      \
            int64_t i = c_->vec ? c_->vec(o_, a_, NULL, n) : 0;                    \
            for (; i < n; i++) { T a = a_[i]; o_[i] = (BODY); }                    \
        } else {                                                                   \
            for (int64_t i = 0; i < n; i++) {                                      \
                T a = *(const T *)(d[1] + i * s[1]);                               \
                *(T *)(d[0] + i * s[0]) = (BODY);                                  \
            }                                                                      \
        }                                                                          \
    } while (0)

#define BINARY_LOOP(T, OUT_T, BODY) do {                                           \
        const loop_ctx *c_ = ctx;                                                  \
        if (s[0] == (int64_t)sizeof(OUT_T) && s[1] == (int64_t)sizeof(T) && s[2] == (int64_t)sizeof(T)) { \
            OUT_T *o_ = (OUT_T *)d[0];                                             \
            const T *a_ = (const T *)d[1], *b_ = (const T *)d[2];                  \
            int64_t i = c_->vec ? c_->vec(o_, a_, b_, n) : 0;                      \
            for (; i < n; i++) { T a = a_[i], b = b_[i]; o_[i] = (BODY); }         \
        } else if (s[0] == (int64_t)sizeof(OUT_T) && s[1] == (int64_t)sizeof(T) && s[2] == 0) { \
            OUT_T *o_ = (OUT_T *)d[0];                                             \
            const T *a_ = (const T *)d[1]; const T b = *(const T *)d[2];           \
            int64_t i = c_->vec_scalar_b ? c_->vec_scalar_b(o_, a_, &b, n) : 0;    \
            for (; i < n; i++) { T a = a_[i]; o_[i] = (BODY); }                    \
        } else {                                                                   \
            for (int64_t i = 0; i < n; i++) {                                      \
                T a = *(const T *)(d[1] + i * s[1]), b = *(const T *)(d[2] + i * s[2]); \
                *(OUT_T *)(d[0] + i * s[0]) = (BODY);                              \
            }                                                                      \
        }                                                                          \
    } while (0)

/* The integer loops read and write any integer or bool dtype (ctx). */
#define INT_UNARY_LOOP(BODY) do {                                                  \
        tg_dtype dt_ = ((const loop_ctx *)ctx)->dt;                                \
        for (int64_t i = 0; i < n; i++) {                                          \
            int64_t a = tg__load_int(d[1] + i * s[1], dt_);                        \
            tg__store_int(d[0] + i * s[0], dt_, (BODY));                               \
        }                                                                          \
    } while (0)

#define INT_BINARY_LOOP(RESULT, BODY) do {                                         \
        tg_dtype dt_ = ((const loop_ctx *)ctx)->dt;                                \
        tg_dtype out_ = RESULT##_DTYPE(dt_);                                       \
        for (int64_t i = 0; i < n; i++) {                                          \
            int64_t a = tg__load_int(d[1] + i * s[1], dt_), b = tg__load_int(d[2] + i * s[2], dt_); \
            tg__store_int(d[0] + i * s[0], out_, (BODY));                              \
        }                                                                          \
    } while (0)

#define SAME_TYPE(T) T
#define BOOL_TYPE(T) bool
#define SAME_DTYPE(dt) (dt)
#define BOOL_DTYPE(dt) TG_BOOL

#define LOOP_SIGNATURE(name) static void name(char **d, const int64_t *s, int64_t n, void *ctx)

#define TG_UNARY_FLOAT(id, floating)                                               \
    LOOP_SIGNATURE(unary_##id##_f32) { UNARY_LOOP(float, floating); }             \
    LOOP_SIGNATURE(unary_##id##_f64) { UNARY_LOOP(double, floating); }
#define TG_UNARY(id, floating, integer)                                            \
    TG_UNARY_FLOAT(id, floating)                                                   \
    LOOP_SIGNATURE(unary_##id##_int) { INT_UNARY_LOOP(integer); }
#define TG_BINARY_FLOAT(id, result, floating)                                      \
    LOOP_SIGNATURE(binary_##id##_f32) { BINARY_LOOP(float, result##_TYPE(float), floating); } \
    LOOP_SIGNATURE(binary_##id##_f64) { BINARY_LOOP(double, result##_TYPE(double), floating); }
#define TG_BINARY(id, result, floating, integer)                                   \
    TG_BINARY_FLOAT(id, result, floating)                                          \
    LOOP_SIGNATURE(binary_##id##_int) { INT_BINARY_LOOP(result, integer); }
#include "elementwise.def"

/* ------------------------------------------------------------- tables */

typedef struct kernel_loops {
    tg_loop_fn f32, f64, integer;   /* integer: NULL when integers are promoted */
    bool bool_result;
} kernel_loops;

static const kernel_loops UNARY[TG_UN_COUNT] = {
#define TG_UNARY(id, floating, integer) [TG_UN_##id] = {unary_##id##_f32, unary_##id##_f64, unary_##id##_int, false},
#define TG_UNARY_FLOAT(id, floating) [TG_UN_##id] = {unary_##id##_f32, unary_##id##_f64, NULL, false},
#define TG_BINARY(id, result, floating, integer)
#define TG_BINARY_FLOAT(id, result, floating)
#include "elementwise.def"
};

#define IS_BOOL_SAME false
#define IS_BOOL_BOOL true
static const kernel_loops BINARY[TG_BIN_COUNT] = {
#define TG_UNARY(id, floating, integer)
#define TG_UNARY_FLOAT(id, floating)
#define TG_BINARY(id, result, floating, integer) \
    [TG_BIN_##id] = {binary_##id##_f32, binary_##id##_f64, binary_##id##_int, IS_BOOL_##result},
#define TG_BINARY_FLOAT(id, result, floating) \
    [TG_BIN_##id] = {binary_##id##_f32, binary_##id##_f64, NULL, IS_BOOL_##result},
#include "elementwise.def"
};

bool tg__k_unary_takes_integers(tg_unary_kernel k) { return UNARY[k].integer != NULL; }
bool tg__k_binary_takes_integers(tg_binary_kernel k) { return BINARY[k].integer != NULL; }
tg_dtype tg__k_binary_result(tg_binary_kernel k, tg_dtype dt) { return BINARY[k].bool_result ? TG_BOOL : dt; }

static tg_loop_fn loop_for(const kernel_loops *k, tg_dtype dt)
{
    return dt == TG_F32 ? k->f32 : dt == TG_F64 ? k->f64 : k->integer;
}

/* Complex rows have their own loops (complex.c). */
static tg_loop_fn unary_loop(tg_unary_kernel k, tg_dtype dt)
{
    return tg__is_complex(dt) ? tg__k_complex_unary_loop(k, dt) : loop_for(&UNARY[k], dt);
}

static tg_loop_fn binary_loop(tg_binary_kernel k, tg_dtype dt)
{
    return tg__is_complex(dt) ? tg__k_complex_binary_loop(k, dt) : loop_for(&BINARY[k], dt);
}

void tg__k_unary(tg_unary_kernel k, tg_tensor *out, const tg_tensor *a)
{
    TG_CAPTURED(tg__cap_unary(k, out, a));
    tg_iter_operand ops[2];
    tg__operand(&ops[0], out, out->ndim);
    tg__operand(&ops[1], a, out->ndim);
    if (tg__is_half(a->dtype)) {   /* the float loop, each result rounded */
        loop_ctx c = {TG_F32, tg__vec_unary(k, TG_F32), NULL};
        tg_widen_ctx w = {UNARY[k].f32, &c, 2, {out->dtype, a->dtype}};
        tg__iter_run_split(ops, 2, out->shape, out->ndim, tg__widen_loop, &w);
        return;
    }
    loop_ctx c = {a->dtype, tg__vec_unary(k, a->dtype), NULL};
    tg__iter_run_split(ops, 2, out->shape, out->ndim, unary_loop(k, c.dt), &c);
}

void tg__k_binary(tg_binary_kernel k, tg_tensor *out, const tg_tensor *a, const tg_tensor *b)
{
    TG_CAPTURED(tg__cap_binary(k, out, a, b));
    tg_iter_operand ops[3];
    tg__operand(&ops[0], out, out->ndim);
    tg__operand(&ops[1], a, out->ndim);
    tg__operand(&ops[2], b, out->ndim);
    if (tg__is_half(a->dtype)) {   /* the float loop, each result rounded */
        loop_ctx c = {TG_F32, tg__vec_binary(k, TG_F32, false), tg__vec_binary(k, TG_F32, true)};
        tg_widen_ctx w = {BINARY[k].f32, &c, 3, {out->dtype, a->dtype, b->dtype}};
        tg__iter_run_split(ops, 3, out->shape, out->ndim, tg__widen_loop, &w);
        return;
    }
    loop_ctx c = {a->dtype, tg__vec_binary(k, a->dtype, false), tg__vec_binary(k, a->dtype, true)};
    tg__iter_run_split(ops, 3, out->shape, out->ndim, binary_loop(k, c.dt), &c);
}
