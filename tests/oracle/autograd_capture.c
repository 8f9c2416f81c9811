/* Record once, replay many: an MLP (3-5-2, tanh, MSE, SGD with momentum)
   in float64 trained 6 steps on new batches, the first eager, the second
   captured by tg_capture_step and the others replayed with
   tg_capture_replay after writing each batch into the static inputs with
   tg_copy_. autograd_capture.py trains the same steps eagerly in PyTorch
   (which has no CPU graphs): the losses and weights are eager ones. */
#include <math.h>
#include <stdio.h>
#include <tensorgrad.h>

#include "oracle.h"

enum { STEPS = 6 };

typedef struct mlp {
    tg_tensor *w1, *b1, *w2, *b2, *x, *y, *loss;
    tg_optimizer *opt;
} mlp;

/* ((i * a) % b - c) / d for i < n, shaped. */
static tg_tensor *param(const int64_t *shape, int ndim, int a, int b, int c, double d)
{
    double v[64];
    int64_t n = 1;
    for (int i = 0; i < ndim; i++) n *= shape[i];
    for (int i = 0; i < n; i++) v[i] = ((i * a) % b - c) / d;
    return tg_retain(tg_requires_grad_(tg_reshape(tg_from_f64(v, TG_SHAPE(n)), shape, ndim), true));
}

/* Batch k into t: sin(k + 0.37 i + offset). */
static void write_batch(tg_tensor *t, int k, double offset)
{
    double v[64];
    int64_t n = tg_numel(t);
    for (int i = 0; i < n; i++) v[i] = sin(k + 0.37 * i + offset);
    tg_scope_begin();
    tg_copy_(t, tg_reshape(tg_from_f64(v, TG_SHAPE(n)), tg_shape(t), tg_ndim(t)));
    tg_scope_end();
}

static int step(void *ctx)
{
    mlp *m = ctx;
    tg_optimizer_zero_grad(m->opt);
    tg_tensor *h = tg_tanh(tg_linear(m->x, m->w1, m->b1));
    tg_tensor *loss = tg_mse_loss(tg_linear(h, m->w2, m->b2), m->y);
    if (!loss || tg_backward(loss, NULL) != 0 || tg_optimizer_step(m->opt) != 0) return -1;
    if (m->loss) tg_release(m->loss);
    m->loss = tg_retain(loss);
    return 0;
}

static void print_row(const char *label, const tg_tensor *t)
{
    double v[64];
    tg_copy_to_f64(t, v);
    printf("%s", label);
    for (int i = 0; i < tg_numel(t); i++) printf(" %.10f", v[i]);
    printf("\n");
}

int main(void)
{
    mlp m = {param(TG_SHAPE(5, 3), 7, 11, 5, 8.0), param(TG_SHAPE(5), 3, 7, 3, 10.0),
             param(TG_SHAPE(2, 5), 5, 9, 4, 6.0), param(TG_SHAPE(2), 1, 3, 1, 10.0),
             tg_retain(tg_zeros(TG_SHAPE(4, 3), TG_F64)), tg_retain(tg_zeros(TG_SHAPE(4, 2), TG_F64)), NULL, NULL};
    m.opt = tg_sgd((tg_tensor *[]){m.w1, m.b1, m.w2, m.b2}, 4, (tg_sgd_opts){.lr = 0.1, .momentum = 0.9});
    tg_capture *c = NULL;
    for (int k = 0; k < STEPS; k++) {
        write_batch(m.x, k, 0);
        write_batch(m.y, k, 0.5);
        int rc;
        if (k == 0) {
            tg_scope_begin();
            rc = step(&m);
            tg_scope_end();
        } else if (k == 1) {
            c = tg_capture_step(step, &m);
            rc = c ? 0 : -1;
        } else {
            rc = tg_capture_replay(c);
        }
        if (rc != 0) printf("step %d error: %s\n", k, tg_last_error());
        printf("step %d loss %.10f\n", k, tg_item(m.loss));
    }
    print_row("w1", m.w1);
    print_row("b1", m.b1);
    print_row("w2", m.w2);
    print_row("b2", m.b2);
    print_row("w1.grad", tg_grad(m.w1));
    tg_capture_free(c);
    tg_optimizer_free(m.opt);
    tg_release(m.w1);
    tg_release(m.b1);
    tg_release(m.w2);
    tg_release(m.b2);
    tg_release(m.x);
    tg_release(m.y);
    tg_release(m.loss);
    return 0;
}
