/* The README's quickstart: y = x + 2, out = mean(3 y^2), d out / d x. */
#include <stdio.h>
#include <tensorgrad.h>

int main(void)
{
    tg_tensor *x = tg_ones(TG_SHAPE(2, 2), TG_F32);
    tg_requires_grad_(x, true);
    tg_tensor *y = tg_add_scalar(x, 2);
    tg_tensor *out = tg_mean(tg_mul_scalar(tg_mul(y, y), 3));
    tg_print(out);                       /* tensor(27., grad_fn=<MeanBackward0>) */
    if (tg_backward(out, NULL) != 0) {
        fprintf(stderr, "%s\n", tg_last_error());
        return 1;
    }
    tg_print(tg_grad(x));                /* tensor([[4.5000, 4.5000], ... */
    return 0;
}
