/* Elementwise kernels of three operands and a number: lerp, addcmul and
   addcdiv, written as PyTorch's CPU kernels compute them. */
#include "kernels.h"
#include "widen.h"

#include <tgmath.h>

typedef struct ternary_ctx {
    tg_dtype dt;
    double value;
} ternary_ctx;

/* PyTorch's lerp: exact at both ends, from whichever end is nearer. */
#define LERP(a, b, w) (fabs(w) < 0.5 ? fma((w), (b) - (a), (a)) : fma((w) - 1, (b) - (a), (b)))

/* d[0] is the result, d[1..3] the operands; s their byte strides. */
#define TERNARY_LOOP(T, BODY) do {                                                 \
        const T v = (T)((const ternary_ctx *)ctx)->value;                          \
        (void)v;                                                                   \
        for (int64_t i = 0; i < n; i++) {                                          \
            T a = *(const T *)(d[1] + i * s[1]), b = *(const T *)(d[2] + i * s[2]); \
            T c = *(const T *)(d[3] + i * s[3]);                                   \
            *(T *)(d[0] + i * s[0]) = (BODY);                                      \
        }                                                                          \
    } while (0)

#define LOOP_SIGNATURE(name) TG_FMA_LOOP static void name(char **d, const int64_t *s, int64_t n, void *ctx)
LOOP_SIGNATURE(lerp_f32) { TERNARY_LOOP(float, LERP(a, b, c)); }
LOOP_SIGNATURE(lerp_f64) { TERNARY_LOOP(double, LERP(a, b, c)); }
/* PyTorch's CPU addcmul rounds v * b, then adds a in one fused step. */
LOOP_SIGNATURE(addcmul_f32) { TERNARY_LOOP(float, fma(v * b, c, a)); }
LOOP_SIGNATURE(addcmul_f64) { TERNARY_LOOP(double, fma(v * b, c, a)); }
LOOP_SIGNATURE(addcdiv_f32) { TERNARY_LOOP(float, a + v * b / c); }
LOOP_SIGNATURE(addcdiv_f64) { TERNARY_LOOP(double, a + v * b / c); }

/* Integers wrap around through uint64_t; the number is truncated first. */
LOOP_SIGNATURE(addcmul_int)
{
    const ternary_ctx *k = ctx;
    uint64_t v = (uint64_t)(int64_t)k->value;
    for (int64_t i = 0; i < n; i++) {
        uint64_t a = (uint64_t)tg__load_int(d[1] + i * s[1], k->dt), b = (uint64_t)tg__load_int(d[2] + i * s[2], k->dt);
        uint64_t c = (uint64_t)tg__load_int(d[3] + i * s[3], k->dt);
        int64_t r = (int64_t)(a + v * b * c);
        tg__store_int(d[0] + i * s[0], k->dt, r);
    }
}

/* Complex operands (complex64 computed in complex128, then rounded), as
   c10::complex: lerp from the nearer end by |w| < 0.5, products
   (ac - bd) + (ad + bc) i, quotients unscaled. */
#define COMPLEX_LOOP(BODY) do {                                                    \
        const ternary_ctx *k_ = ctx;                                               \
        const double v = k_->value;                                                \
        (void)v;                                                                   \
        for (int64_t i = 0; i < n; i++) {                                          \
            double _Complex a = tg__k_load_complex(d[1] + i * s[1], k_->dt);        \
            double _Complex b = tg__k_load_complex(d[2] + i * s[2], k_->dt);        \
            double _Complex c = tg__k_load_complex(d[3] + i * s[3], k_->dt);        \
            tg__k_store_complex(d[0] + i * s[0], k_->dt, (BODY));                   \
        }                                                                          \
    } while (0)
#define CMUL tg__k_complex_mul
LOOP_SIGNATURE(lerp_complex)
{
    COMPLEX_LOOP(cabs(c) < 0.5 ? a + CMUL(c, b - a) : b - CMUL(b - a, 1 - c));
}
LOOP_SIGNATURE(addcmul_complex) { COMPLEX_LOOP(a + CMUL(CMUL(v, b), c)); }
LOOP_SIGNATURE(addcdiv_complex) { COMPLEX_LOOP(a + CMUL(v, tg__k_complex_div(b, c))); }

static const struct { tg_loop_fn f32, f64, integer, of_complex; } LOOPS[] = {
    [TG_TER_LERP] = {lerp_f32, lerp_f64, NULL, lerp_complex},
    [TG_TER_ADDCMUL] = {addcmul_f32, addcmul_f64, addcmul_int, addcmul_complex},
    [TG_TER_ADDCDIV] = {addcdiv_f32, addcdiv_f64, NULL, addcdiv_complex},
};

void tg__k_ternary(tg_ternary_kernel k, tg_tensor *out, const tg_tensor *a, const tg_tensor *b, const tg_tensor *c,
                   double value)
{
    tg_iter_operand ops[4];
    tg__operand(&ops[0], out, out->ndim);
    tg__operand(&ops[1], a, out->ndim);
    tg__operand(&ops[2], b, out->ndim);
    tg__operand(&ops[3], c, out->ndim);
    if (tg__is_half(out->dtype)) {   /* the float loop, each result rounded */
        uint16_t rounded;   /* the number in the tensor's dtype first, as PyTorch's scalar_t */
        tg__store(&rounded, out->dtype, value);
        ternary_ctx ctx = {TG_F32, tg__load(&rounded, out->dtype)};
        tg_widen_ctx w = {LOOPS[k].f32, &ctx, 4, {out->dtype, a->dtype, b->dtype, c->dtype}};
        tg__iter_run_split(ops, 4, out->shape, out->ndim, tg__widen_loop, &w);
        return;
    }
    ternary_ctx ctx = {out->dtype, value};
    tg_loop_fn f = out->dtype == TG_F32 ? LOOPS[k].f32 : out->dtype == TG_F64 ? LOOPS[k].f64
                 : tg__is_complex(out->dtype) ? LOOPS[k].of_complex : LOOPS[k].integer;
    tg__iter_run_split(ops, 4, out->shape, out->ndim, f, &ctx);
}
