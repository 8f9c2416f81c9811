/* Running an optimizer's element loop (OPTIM_LOOP in optim.h) over a
   parameter, its gradient and its buffers. */
#include "optim.h"

enum { OPERANDS = 2 + OPTIM_MAX_STATE, BLOCK = 256 };

/* ctx of half_loop: the float loop (rounding to dt) and its ctx. */
typedef struct half_run {
    tg_loop_fn loop;
    void *ctx;
    tg_dtype dt;
} half_run;

static float widen(const char *at, tg_dtype dt)
{
    uint16_t h = *(const uint16_t *)at;
    return dt == TG_F16 ? tg__f16_to_f32(h) : tg__bf16_to_f32(h);
}

static void narrow(char *at, float v, tg_dtype dt)
{
    *(uint16_t *)at = dt == TG_F16 ? tg__f16_from_f32(v) : tg__bf16_from_f32(v);
}

/* Every operand (all of the parameter's half dtype) converted to float a
   block at a time, the float loop run over the block, then the buffers and
   last the parameter rounded back: a buffer the options leave out stands in
   as the parameter itself, so its unchanged copy is written first. */
static void half_loop(char **d, const int64_t *s, int64_t n, void *vctx)
{
    const half_run *r = vctx;
    float buf[OPERANDS][BLOCK];
    char *ptr[OPERANDS];
    const int64_t unit[OPERANDS] = {sizeof(float), sizeof(float), sizeof(float), sizeof(float), sizeof(float)};
    for (int64_t start = 0; start < n; start += BLOCK) {
        int64_t m = n - start < BLOCK ? n - start : BLOCK;
        for (int k = 0; k < OPERANDS; k++) {
            ptr[k] = (char *)buf[k];
            for (int64_t i = 0; i < m; i++) buf[k][i] = widen(d[k] + (start + i) * s[k], r->dt);
        }
        r->loop(ptr, unit, m, r->ctx);
        for (int k = OPERANDS - 1; k >= 0; k--)
            if (k != 1)
                for (int64_t i = 0; i < m; i++) narrow(d[k] + (start + i) * s[k], buf[k][i], r->dt);
    }
}

void tg__optim_run(const tg_optim_loops *loops, void *ctx, tg_tensor *param, const tg_tensor *grad,
                   tg_tensor *const *state)
{
    tg_iter_operand ops[OPERANDS];
    tg__operand(&ops[0], param, param->ndim);
    tg__operand(&ops[1], grad, param->ndim);
    /* a buffer the options leave out is never touched: param stands in */
    for (int j = 0; j < OPTIM_MAX_STATE; j++) tg__operand(&ops[2 + j], state[j] ? state[j] : param, param->ndim);
    half_run half = {param->dtype == TG_F16 ? loops->f16 : loops->bf16, ctx, param->dtype};
    if (param->dtype == TG_F16 || param->dtype == TG_BF16)
        tg__iter_run_split(ops, OPERANDS, param->shape, param->ndim, half_loop, &half);
    else tg__iter_run_split(ops, OPERANDS, param->shape, param->ndim, param->dtype == TG_F32 ? loops->f32 : loops->f64,
                            ctx);
    tg__bump_version(param);
    for (int j = 0; j < OPTIM_MAX_STATE; j++)
        if (state[j]) tg__bump_version(state[j]);
}
