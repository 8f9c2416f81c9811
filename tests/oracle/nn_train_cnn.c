/* A small CNN trained for 50 steps, as nn_train_cnn.py trains it in
   PyTorch: the same initial weights (nn_train.h), the same batches, SGD
   with momentum and weight decay, cross-entropy. Prints the model, the
   loss at every step, the loss of the trained model in evaluation mode
   (BatchNorm's running statistics) and the final state_dict; the
   comparison is within tolerances (nn_train_check.py). */
#include "nn_train.h"

enum { STEPS = 50, BATCH = 8, SIDE = 10, CLASSES = 10, PIXELS = SIDE * SIDE };

/* A Sequential of named layers, as nn.Sequential(OrderedDict(...)). */
static tg_module *make_model(void)
{
    tg_pool_opts pool2 = {.kernel_size = {2, 2}};
    struct {
        const char *name;
        tg_module *layer;
    } layers[] = {
        {"conv1", tg_nn_conv2d(1, 8, 3, 3, (tg_conv_opts){.padding = {1, 1}}, true)},
        {"relu1", tg_nn_relu()},
        {"pool", tg_nn_max_pool2d(pool2)},
        {"conv2", tg_nn_conv2d(8, 16, 3, 3, (tg_conv_opts){.padding = {0, 0}}, true)},
        {"bn", tg_nn_batch_norm2d(16, 1e-5, 0.1, true, true)},
        {"relu2", tg_nn_relu()},
        {"gap", tg_nn_adaptive_avg_pool2d(1, 1)},
        {"flatten", tg_nn_flatten(1, -1)},
        {"dropout", tg_nn_dropout(0)},
        {"fc", tg_nn_linear(16, CLASSES, true)},
    };
    int n = (int)(sizeof layers / sizeof layers[0]);
    tg_module *model = tg_nn_sequential(NULL, 0);
    int rc = model ? 0 : -1;
    for (int i = 0; i < n; i++)   /* add_module owns each layer, also when it fails */
        if (tg_module_add_module(model, layers[i].name, layers[i].layer) != 0) rc = -1;
    if (rc != 0 || train_init(model) != 0) {
        tg_module_free(model);
        return NULL;
    }
    return model;
}

/* Batch `step`: labels from the hash of (step, b); image b is its class's
   pattern plus as much noise of its own. */
static void make_batch(int step, tg_tensor **x, tg_tensor **y)
{
    float pixels[BATCH * PIXELS];
    int64_t labels[BATCH];
    char noise[32], pattern[32];
    snprintf(noise, sizeof noise, "cnn.x.%d", step);
    for (int b = 0; b < BATCH; b++) {
        labels[b] = (int64_t)(train_mix((uint64_t)(step * BATCH + b)) % CLASSES);
        snprintf(pattern, sizeof pattern, "cnn.class.%d", (int)labels[b]);
        for (int i = 0; i < PIXELS; i++)
            pixels[b * PIXELS + i] =
                (float)(0.5 * train_unit(pattern, (uint64_t)i) + 0.5 * train_unit(noise, (uint64_t)(b * PIXELS + i)));
    }
    *x = tg_from_f32(pixels, TG_SHAPE(BATCH, 1, SIDE, SIDE));
    *y = tg_from_i64(labels, TG_SHAPE(BATCH));
}

static int train(tg_module *model, tg_optimizer *opt)
{
    for (int step = 0; step < STEPS; step++) {
        tg_scope_begin();
        tg_tensor *x, *y;
        make_batch(step, &x, &y);
        tg_optimizer_zero_grad(opt);
        tg_tensor *loss = tg_cross_entropy(tg_module_forward(model, x), y);
        int rc = loss && tg_backward(loss, NULL) == 0 && tg_optimizer_step(opt) == 0 ? 0 : -1;
        if (rc == 0) print_loss(step, loss);
        tg_scope_end();
        if (rc != 0) return -1;
    }
    return 0;
}

static int evaluate(tg_module *model)
{
    tg_scope_begin();
    tg_module_train(model, false);
    tg_tensor *x, *y;
    make_batch(0, &x, &y);
    tg_tensor *loss = NULL;
    TG_NO_GRAD loss = tg_cross_entropy(tg_module_forward(model, x), y);
    if (loss) print_loss(STEPS, loss);
    tg_scope_end();
    return loss ? 0 : -1;
}

int main(void)
{
    tg_module *model = make_model();
    tg_tensor *params[16];
    int n = model ? tg_module_parameters(model, params, 16) : -1;
    tg_optimizer *opt =
        n > 0 ? tg_sgd(params, n, (tg_sgd_opts){.lr = 0.05, .momentum = 0.9, .weight_decay = 5e-4}) : NULL;
    int rc = opt ? 0 : -1;
    if (rc == 0) tg_module_print(model);
    if (rc == 0) rc = train(model, opt);
    if (rc == 0) rc = evaluate(model);
    if (rc == 0) rc = print_weights(model);
    if (rc != 0) printf("error: %s\n", tg_last_error());
    tg_optimizer_free(opt);
    tg_module_free(model);
    return rc == 0 ? 0 : 1;
}
