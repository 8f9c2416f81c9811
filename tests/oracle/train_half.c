/* Mixed precision training: float32 master weights and a half forward
   through tg_to, gradients back in float32 through ToCopyBackward0. A
   bfloat16 run whose losses stay within 2% of the float32 run's, and a
   float16 run with the loss scaler (tg_grad_scaler), which skips the
   steps whose scaled gradients overflow float16 and backs off and grows
   its scale as torch.cuda.amp.GradScaler does. Prints what
   train_half.py prints (PyTorch's scaler runs on CUDA only: the script
   writes its arithmetic out on CPU tensors). */
#include <tensorgrad.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "oracle.h"

enum { ROWS = 8, IN = 3, OUT = 2, STEPS = 15 };

/* x @ w + b as a sum of products (half GEMMs round differently in
   PyTorch 1.13), then the mean squared error, all in dtype d. */
static tg_tensor *loss_of(const tg_tensor *x, const tg_tensor *y, tg_tensor *w, tg_tensor *b, tg_dtype d)
{
    tg_tensor *products = tg_mul(tg_reshape(tg_to(x, d), TG_SHAPE(ROWS, IN, 1)), tg_to(w, d));
    tg_tensor *h = tg_add(tg_sum_dim(products, DIMS(1), false), tg_to(b, d));
    return tg_mean(tg_square(tg_sub(h, tg_to(y, d))));
}

static tg_tensor *data(int64_t rows, int64_t cols, double scale, double shift)
{
    tg_tensor *r = tg_reshape(tg_arange(0, (double)(rows * cols), 1, TG_F32), TG_SHAPE(rows, cols));
    return tg_add_scalar(tg_mul_scalar(tg_cos(tg_mul_scalar(r, 1.7)), scale), shift);
}

/* STEPS of SGD in forward dtype d; the losses into losses (as doubles). */
static void train(tg_dtype d, double *losses, bool print)
{
    tg_tensor *x = data(ROWS, IN, 1, 0), *y = data(ROWS, OUT, 2, 0.5);
    tg_tensor *w = leaf(data(IN, OUT, 0.3, 0)), *b = leaf(tg_zeros(TG_SHAPE(OUT), TG_F32));
    tg_optimizer *opt = tg_sgd((tg_tensor *[]){w, b}, 2, (tg_sgd_opts){.lr = 0.1});
    for (int step = 0; step < STEPS; step++) {
        tg_scope_begin();
        tg_optimizer_zero_grad(opt);
        tg_tensor *loss = loss_of(x, y, w, b, d);
        losses[step] = tg_item(loss);
        if (print) show("bf16 loss", loss);
        tg_backward(loss, NULL);
        tg_optimizer_step(opt);
        tg_scope_end();
    }
    if (print) show("bf16 w", w);
    tg_optimizer_free(opt);
}

static void bf16_run(void)
{
    double half[STEPS], full[STEPS], worst = 0;
    train(TG_BF16, half, true);
    train(TG_F32, full, false);
    for (int i = 0; i < STEPS; i++) worst = fmax(worst, fabs(half[i] - full[i]) / full[i]);
    printf("bf16 losses within 2%% of the f32 run: %s\n", worst < 0.02 ? "True" : "False");
}

static void f16_scaled_run(void)
{
    tg_tensor *x = data(ROWS, IN, 1, 0), *y = data(ROWS, OUT, 2, 0.5);
    tg_tensor *w = leaf(data(IN, OUT, 0.3, 0)), *b = leaf(tg_zeros(TG_SHAPE(OUT), TG_F32));
    tg_optimizer *opt = tg_sgd((tg_tensor *[]){w, b}, 2, (tg_sgd_opts){.lr = 0.1});
    tg_grad_scaler *scaler = tg_grad_scaler_new(1048576.0, 2.0, 0.5, 3);
    for (int step = 0; step < STEPS; step++) {
        tg_scope_begin();
        tg_optimizer_zero_grad(opt);
        tg_tensor *loss = loss_of(x, y, w, b, TG_F16);
        tg_tensor *scaled = tg_grad_scaler_scale(scaler, loss);
        if (step == 0) show("f16 scaled loss", scaled);
        tg_backward(scaled, NULL);
        int stepped = tg_grad_scaler_step(scaler, opt);
        tg_grad_scaler_update(scaler);
        char *text = tg_repr(loss);
        printf("f16 step %d: loss %s, %s, next scale %.1f\n", step, text, stepped == 1 ? "stepped" : "skipped",
               tg_grad_scaler_get_scale(scaler));
        free(text);
        tg_scope_end();
    }
    show("f16 w", w);
    show("f16 b grad", tg_grad(b));
    tg_clear_error();
    tg_grad_scaler_unscale_(scaler, opt);
    printf("unscale_ twice: %d\n", tg_grad_scaler_unscale_(scaler, opt));
    printf("error: %s\n", tg_last_error());
    tg_grad_scaler_free(scaler);
    tg_optimizer_free(opt);
}

int main(void)
{
    bf16_run();
    f16_scaled_run();
    return 0;
}
