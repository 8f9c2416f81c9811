/* binary_cross_entropy_with_logits and mse_loss (mean reduction), forward and
   backward for input and target, on contiguous, non-contiguous and broadcast
   operands. Prints what ops_loss.py prints with PyTorch. */
#include <tensorgrad.h>

#include <stdio.h>

#include "oracle.h"

static tg_tensor *logits(void)
{
    return leaf(tg_from_f32(F32(-20.0, -1.5, 0.0, 0.25, 2.0, 30.0), TG_SHAPE(2, 3)));
}

static tg_tensor *targets(void)
{
    return leaf(tg_from_f32(F32(0.0, 1.0, 0.5, 1.0, 0.25, 0.0), TG_SHAPE(2, 3)));
}

typedef tg_tensor *(*loss_fn)(const tg_tensor *, const tg_tensor *);
static const struct { const char *name; loss_fn f; } LOSSES[] = {
    {"bce_with_logits", tg_binary_cross_entropy_with_logits},
    {"mse_loss", tg_mse_loss},
};

static void loss_tests(const char *name, loss_fn f)
{
    char label[128];
    tg_scope_begin();
    tg_tensor *x = logits(), *y = targets();
    check(name, f(x, y), (tg_tensor *[]){x, y}, 2);

    x = logits();
    y = tg_detach(targets());
    snprintf(label, sizeof label, "%s input only", name);
    check(label, f(x, y), &x, 1);

    x = tg_detach(logits());
    y = targets();
    snprintf(label, sizeof label, "%s target only", name);
    check(label, f(x, y), &y, 1);

    x = leaf(tg_from_f32(F32(0.5, -1.0, 2.0, 0.0, -0.25, 1.5), TG_SHAPE(3, 2)));
    y = leaf(tg_from_f32(F32(1.0, 0.0, 0.5, 1.0, 0.75, 0.0), TG_SHAPE(1, 6)));
    snprintf(label, sizeof label, "%s transposed", name);
    check(label, f(tg_transpose(x, 0, 1), tg_view(y, TG_SHAPE(2, 3))), (tg_tensor *[]){x, y}, 2);

    x = leaf64(tg_from_f32(F32(0.5, 9.0, -1.0, 9.0, 2.0, 9.0, 0.0, 9.0), TG_SHAPE(2, 4)));
    y = leaf64(tg_from_f32(F32(1.0, 0.0, 0.25, 1.0), TG_SHAPE(2, 2)));
    snprintf(label, sizeof label, "%s sliced f64", name);
    check(label, f(tg_slice(x, 1, 0, 4, 2), y), (tg_tensor *[]){x, y}, 2);

    x = leaf(tg_scalar(0.75));
    y = leaf(tg_scalar(0.25));
    snprintf(label, sizeof label, "%s 0-dim", name);
    check(label, f(x, y), (tg_tensor *[]){x, y}, 2);

    tg_tensor *w = leaf(tg_from_f32(F32(0.5, -0.25, 1.0, 0.75, -1.5, 0.5), TG_SHAPE(3, 2)));
    x = tg_from_f32(F32(1.0, 2.0, -1.0, 0.5, 0.0, 1.5), TG_SHAPE(2, 3));
    y = tg_from_f32(F32(1.0, 0.0, 0.0, 1.0), TG_SHAPE(2, 2));
    snprintf(label, sizeof label, "%s after matmul", name);
    check(label, f(tg_matmul(x, w), y), &w, 1);
    tg_scope_end();
}

int main(void)
{
    for (size_t i = 0; i < sizeof LOSSES / sizeof LOSSES[0]; i++) loss_tests(LOSSES[i].name, LOSSES[i].f);

    /* mse_loss broadcasts input and target. */
    tg_tensor *x = leaf(tg_from_f32(F32(0.5, 2.0), TG_SHAPE(2, 1)));
    tg_tensor *y = leaf(tg_from_f32(F32(1.0, -1.0, 0.25), TG_SHAPE(3)));
    check("mse_loss broadcast", tg_mse_loss(x, y), (tg_tensor *[]){x, y}, 2);
    return 0;
}
