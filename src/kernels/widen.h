/* Running a float loop over float16 and bfloat16 operands, as PyTorch's CPU
   kernels compute those dtypes: each block of elements converted to float,
   the float loop run over it, each result rounded back to nearest-even. */
#ifndef TG_KERNELS_WIDEN_H
#define TG_KERNELS_WIDEN_H

#include "kernels.h"

enum { TG_WIDEN_MAX_OPERANDS = 4 };

/* ctx of tg__widen_loop: the float loop and its ctx, and each operand's
   dtype (operand 0 the result). Operands of other dtypes (a bool result
   or condition) reach the float loop as they are. */
typedef struct tg_widen_ctx {
    tg_loop_fn f32;
    void *f32_ctx;
    int nops;
    tg_dtype dt[TG_WIDEN_MAX_OPERANDS];
} tg_widen_ctx;

static inline bool tg__is_half(tg_dtype dt) { return dt == TG_F16 || dt == TG_BF16; }

/* A tg_loop_fn for ctx of type tg_widen_ctx. */
void tg__widen_loop(char **d, const int64_t *s, int64_t n, void *ctx);

#endif
