/* Elementwise kernels: one scalar expression per operation and dtype,
   expanded into a flat loop with a contiguous fast path. */
#include "../internal.h"

#include <math.h>

typedef struct ew_ctx { int op; tg_dtype dt; } ew_ctx;

/* Loops over n elements; a and b name the inputs, the result goes to out. */
#define BINARY_LOOP(T, OUT_T, EXPR) do {                                           \
        if (s[0] == (int64_t)sizeof(OUT_T) && s[1] == (int64_t)sizeof(T) && s[2] == (int64_t)sizeof(T)) {     \
            OUT_T *o_ = (OUT_T *)d[0];                                             \
            const T *a_ = (const T *)d[1], *b_ = (const T *)d[2];                  \
            for (int64_t i = 0; i < n; i++) { T a = a_[i], b = b_[i]; o_[i] = (EXPR); } \
        } else if (s[0] == (int64_t)sizeof(OUT_T) && s[1] == (int64_t)sizeof(T) && s[2] == 0) {      \
            OUT_T *o_ = (OUT_T *)d[0];                                             \
            const T *a_ = (const T *)d[1]; const T b = *(const T *)d[2];           \
            for (int64_t i = 0; i < n; i++) { T a = a_[i]; o_[i] = (EXPR); }       \
        } else {                                                                   \
            for (int64_t i = 0; i < n; i++) {                                      \
                T a = *(const T *)(d[1] + i * s[1]), b = *(const T *)(d[2] + i * s[2]); \
                *(OUT_T *)(d[0] + i * s[0]) = (EXPR);                              \
            }                                                                      \
        }                                                                          \
    } while (0)

#define UNARY_LOOP(T, EXPR) do {                                                   \
        if (s[0] == (int64_t)sizeof(T) && s[1] == (int64_t)sizeof(T)) {                              \
            T *o_ = (T *)d[0]; const T *a_ = (const T *)d[1];                      \
            for (int64_t i = 0; i < n; i++) { T a = a_[i]; o_[i] = (EXPR); }       \
        } else {                                                                   \
            for (int64_t i = 0; i < n; i++) {                                      \
                T a = *(const T *)(d[1] + i * s[1]);                               \
                *(T *)(d[0] + i * s[0]) = (EXPR);                                  \
            }                                                                      \
        }                                                                          \
    } while (0)

/* maximum/minimum propagate NaN, as PyTorch does. */
#define MAXF(a, b) ((a) != (a) || (b) != (b) ? (a) + (b) : (a) > (b) ? (a) : (b))
#define MINF(a, b) ((a) != (a) || (b) != (b) ? (a) + (b) : (a) < (b) ? (a) : (b))

#define FLOAT_BINARY(T, POW)                                                       \
    switch ((tg_binop)c->op) {                                                     \
    case TG_BIN_ADD: BINARY_LOOP(T, T, a + b); break;                              \
    case TG_BIN_SUB: BINARY_LOOP(T, T, a - b); break;                              \
    case TG_BIN_RSUB: BINARY_LOOP(T, T, b - a); break;                             \
    case TG_BIN_MUL: BINARY_LOOP(T, T, a * b); break;                              \
    case TG_BIN_DIV: BINARY_LOOP(T, T, a / b); break;                              \
    case TG_BIN_POW: BINARY_LOOP(T, T, POW(a, b)); break;                          \
    case TG_BIN_MAX: BINARY_LOOP(T, T, MAXF(a, b)); break;                         \
    case TG_BIN_MIN: BINARY_LOOP(T, T, MINF(a, b)); break;                         \
    case TG_BIN_EQ: BINARY_LOOP(T, bool, a == b); break;                           \
    case TG_BIN_GT: BINARY_LOOP(T, bool, a > b); break;                            \
    case TG_BIN_LT: BINARY_LOOP(T, bool, a < b); break;                            \
    case TG_BIN_GE: BINARY_LOOP(T, bool, a >= b); break;                           \
    case TG_BIN_LE: BINARY_LOOP(T, bool, a <= b); break;                           \
    }

static int64_t ipow(int64_t base, int64_t exp)
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

/* Integers wrap around on overflow, as in PyTorch (computed unsigned). */
static int64_t int_binary(tg_binop op, int64_t a, int64_t b)
{
    switch (op) {
    case TG_BIN_ADD: return (int64_t)((uint64_t)a + (uint64_t)b);
    case TG_BIN_SUB: return (int64_t)((uint64_t)a - (uint64_t)b);
    case TG_BIN_RSUB: return (int64_t)((uint64_t)b - (uint64_t)a);
    case TG_BIN_MUL: return (int64_t)((uint64_t)a * (uint64_t)b);
    case TG_BIN_DIV: return b ? a / b : 0;   /* not reached: division promotes */
    case TG_BIN_POW: return ipow(a, b);
    case TG_BIN_MAX: return a > b ? a : b;
    case TG_BIN_MIN: return a < b ? a : b;
    case TG_BIN_EQ: return a == b;
    case TG_BIN_GT: return a > b;
    case TG_BIN_LT: return a < b;
    case TG_BIN_GE: return a >= b;
    case TG_BIN_LE: return a <= b;
    }
    return 0;
}

static int64_t load_int(const char *p, tg_dtype dt)
{
    switch (dt) {
    case TG_I32: return *(const int32_t *)p;
    case TG_I64: return *(const int64_t *)p;
    default: return *(const bool *)p;
    }
}

static void store_int(char *p, tg_dtype dt, int64_t v)
{
    switch (dt) {
    case TG_I32: *(int32_t *)p = (int32_t)(uint32_t)(uint64_t)v; break;
    case TG_I64: *(int64_t *)p = v; break;
    default: *(bool *)p = v != 0; break;
    }
}

static void binary_loop(char **d, const int64_t *s, int64_t n, void *vctx)
{
    const ew_ctx *c = vctx;
    if (c->dt == TG_F32) { FLOAT_BINARY(float, powf) return; }
    if (c->dt == TG_F64) { FLOAT_BINARY(double, pow) return; }
    tg_binop op = (tg_binop)c->op;
    tg_dtype out_dt = op >= TG_BIN_EQ ? TG_BOOL : c->dt;
    for (int64_t i = 0; i < n; i++) {
        int64_t a = load_int(d[1] + i * s[1], c->dt), b = load_int(d[2] + i * s[2], c->dt);
        store_int(d[0] + i * s[0], out_dt, int_binary(op, a, b));
    }
}

void tg__k_binary(tg_binop op, tg_tensor *out, const tg_tensor *a, const tg_tensor *b)
{
    tg_iter_operand ops[3];
    tg__operand(&ops[0], out, out->ndim);
    tg__operand(&ops[1], a, out->ndim);
    tg__operand(&ops[2], b, out->ndim);
    ew_ctx c = {(int)op, a->dtype};
    tg__iter_run(ops, 3, out->shape, out->ndim, binary_loop, &c);
}

#define FLOAT_UNARY(T, EXP, LOG, SQRT, FABS, SIN, COS, TANH, LOG1P)                \
    switch ((tg_unop)c->op) {                                                      \
    case TG_UN_NEG: UNARY_LOOP(T, -a); break;                                      \
    case TG_UN_EXP: UNARY_LOOP(T, EXP(a)); break;                                  \
    case TG_UN_LOG: UNARY_LOOP(T, LOG(a)); break;                                  \
    case TG_UN_SQRT: UNARY_LOOP(T, SQRT(a)); break;                                \
    case TG_UN_ABS: UNARY_LOOP(T, FABS(a)); break;                                 \
    case TG_UN_SIN: UNARY_LOOP(T, SIN(a)); break;                                  \
    case TG_UN_COS: UNARY_LOOP(T, COS(a)); break;                                  \
    case TG_UN_TANH: UNARY_LOOP(T, TANH(a)); break;                                \
    case TG_UN_SIGMOID: UNARY_LOOP(T, (T)1 / ((T)1 + EXP(-a))); break;             \
    case TG_UN_RELU: UNARY_LOOP(T, a <= 0 ? (T)0 : a); break;                      \
    case TG_UN_SIGN: UNARY_LOOP(T, (T)((a > 0) - (a < 0))); break;   /* sign(nan) is 0, as in PyTorch */                   \
    case TG_UN_LOG1P: UNARY_LOOP(T, LOG1P(a)); break;                              \
    }

static int64_t int_unary(tg_unop op, int64_t a)
{
    switch (op) {
    case TG_UN_NEG: return (int64_t)(0 - (uint64_t)a);
    case TG_UN_ABS: return a < 0 ? (int64_t)(0 - (uint64_t)a) : a;
    case TG_UN_RELU: return a > 0 ? a : 0;
    case TG_UN_SIGN: return (a > 0) - (a < 0);
    default: return 0;   /* the others promote to floating first */
    }
}

static void unary_loop(char **d, const int64_t *s, int64_t n, void *vctx)
{
    const ew_ctx *c = vctx;
    if (c->dt == TG_F32) {
        FLOAT_UNARY(float, expf, logf, sqrtf, fabsf, sinf, cosf, tanhf, log1pf)
        return;
    }
    if (c->dt == TG_F64) {
        FLOAT_UNARY(double, exp, log, sqrt, fabs, sin, cos, tanh, log1p)
        return;
    }
    for (int64_t i = 0; i < n; i++)
        store_int(d[0] + i * s[0], c->dt, int_unary((tg_unop)c->op, load_int(d[1] + i * s[1], c->dt)));
}

void tg__k_unary(tg_unop op, tg_tensor *out, const tg_tensor *a)
{
    tg_iter_operand ops[2];
    tg__operand(&ops[0], out, out->ndim);
    tg__operand(&ops[1], a, out->ndim);
    ew_ctx c = {(int)op, a->dtype};
    tg__iter_run(ops, 2, out->shape, out->ndim, unary_loop, &c);
}
