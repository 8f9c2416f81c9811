/* Running an optimizer's element loop (OPTIM_LOOP in optim.h) over a
   parameter, its gradient and its buffers. */
#include "optim.h"

void tg__optim_run(tg_loop_fn f32, tg_loop_fn f64, void *ctx, tg_tensor *param, const tg_tensor *grad,
                   tg_tensor *const *state)
{
    tg_iter_operand ops[2 + OPTIM_MAX_STATE];
    tg__operand(&ops[0], param, param->ndim);
    tg__operand(&ops[1], grad, param->ndim);
    /* a buffer the options leave out is never touched: param stands in */
    for (int j = 0; j < OPTIM_MAX_STATE; j++) tg__operand(&ops[2 + j], state[j] ? state[j] : param, param->ndim);
    tg__iter_run_split(ops, 2 + OPTIM_MAX_STATE, param->shape, param->ndim, param->dtype == TG_F32 ? f32 : f64, ctx);
    tg__bump_version(param);
    for (int j = 0; j < OPTIM_MAX_STATE; j++)
        if (state[j]) tg__bump_version(state[j]);
}
