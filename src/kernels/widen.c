/* float16 and bfloat16 operands through float loops (widen.h). */
#include "widen.h"

#include "../core/half.h"

enum { BLOCK = 256 };   /* elements converted at a time: a few KB of stack */

/* n 16-bit values at src (byte stride s) into floats. */
static void widen(float *dst, const char *src, int64_t s, int64_t n, tg_dtype dt)
{
    if (dt == TG_F16)
        for (int64_t i = 0; i < n; i++) dst[i] = tg__f16_to_f32(*(const uint16_t *)(src + i * s));
    else
        for (int64_t i = 0; i < n; i++) dst[i] = tg__bf16_to_f32(*(const uint16_t *)(src + i * s));
}

/* n floats rounded into 16-bit values at dst (byte stride s). */
static void narrow(char *dst, int64_t s, const float *src, int64_t n, tg_dtype dt)
{
    if (dt == TG_F16)
        for (int64_t i = 0; i < n; i++) *(uint16_t *)(dst + i * s) = tg__f16_from_f32(src[i]);
    else
        for (int64_t i = 0; i < n; i++) *(uint16_t *)(dst + i * s) = tg__bf16_from_f32(src[i]);
}

void tg__widen_loop(char **d, const int64_t *s, int64_t n, void *vctx)
{
    const tg_widen_ctx *c = vctx;
    float buf[TG_WIDEN_MAX_OPERANDS][BLOCK];
    char *ptr[TG_WIDEN_MAX_OPERANDS];
    int64_t stride[TG_WIDEN_MAX_OPERANDS];
    for (int64_t start = 0; start < n; start += BLOCK) {
        int64_t m = n - start < BLOCK ? n - start : BLOCK;
        for (int k = 0; k < c->nops; k++) {
            char *at = d[k] + start * s[k];
            if (!tg__is_half(c->dt[k])) {   /* bool, passed as it is */
                ptr[k] = at;
                stride[k] = s[k];
                continue;
            }
            ptr[k] = (char *)buf[k];
            /* An operand repeated along the run (a scalar) is converted once. */
            stride[k] = s[k] == 0 ? 0 : (int64_t)sizeof(float);
            if (k > 0) widen(buf[k], at, s[k], s[k] == 0 ? 1 : m, c->dt[k]);
        }
        c->f32(ptr, stride, m, c->f32_ctx);
        if (tg__is_half(c->dt[0])) narrow(d[0] + start * s[0], s[0], buf[0], m, c->dt[0]);
    }
}
