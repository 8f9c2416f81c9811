/* Weights between tensorgrad and PyTorch, both ways, by state_dict name.
   The network (Conv2d, BatchNorm2d, ReLU, MaxPool2d, Flatten, Linear,
   LayerNorm, GELU, Linear) is built the same way here and in
   weights_roundtrip.py, with torch.nn.

       weights_roundtrip save WEIGHTS DATA
           trains the network here for a few steps (Adam, cross entropy: which
           third of an 8 x 8 image is the brightest), then writes its
           state_dict to the safetensors file WEIGHTS and some inputs with
           the network's outputs on them (evaluation mode) to DATA, as the
           tensors "input" and "output";
       weights_roundtrip check WEIGHTS DATA
           loads WEIGHTS (a state_dict PyTorch saved) into the network, runs
           DATA's "input" through it and prints the largest difference from
           DATA's "output"; fails when it is over 1e-4.

   weights_roundtrip.py runs both and does PyTorch's half. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <string.h>
#include <tensorgrad.h>

#include "progress.h"

enum { SIDE = 8, CLASSES = 3, BATCH = 32, STEPS = 30, SAMPLES = 16 };
static const double TOLERANCE = 1e-4;

static tg_module *make_model(void)
{
    tg_conv_opts same = {.padding = {1, 1}};
    tg_pool_opts halve = {.kernel_size = {2, 2}};
    int64_t features[] = {16};
    tg_module *layers[] = {
        tg_nn_conv2d(1, 4, 3, 3, same, true), tg_nn_batch_norm2d(4, 1e-5, 0.1, true, true), tg_nn_relu(),
        tg_nn_max_pool2d(halve), tg_nn_flatten(1, -1), tg_nn_linear(4 * 4 * 4, 16, true),
        tg_nn_layer_norm(features, 1, 1e-5, true), tg_nn_gelu(false), tg_nn_linear(16, CLASSES, true),
    };
    return tg_nn_sequential(layers, (int)(sizeof layers / sizeof layers[0]));   /* owns them, also when it fails */
}

static int fail(void)
{
    fprintf(stderr, "%s\n", tg_last_error());
    return 1;
}

/* Images (n x 1 x SIDE x SIDE) of noise, each labelled with the brightest
   of its thirds: columns 0-2, 3-5 or 6-7 (scaled to three columns). */
static int make_batch(int n, tg_generator *gen, tg_tensor **images, tg_tensor **labels)
{
    *images = tg_randn_gen(TG_SHAPE(n, 1, SIDE, SIDE), TG_F32, gen);
    /* The mean of each third, n x CLASSES. */
    const tg_tensor *bands[CLASSES] = {
        tg_mean_dim(tg_narrow(*images, 3, 0, 3), (int64_t[]){2, 3}, 2, false),
        tg_mean_dim(tg_narrow(*images, 3, 3, 3), (int64_t[]){2, 3}, 2, false),
        tg_mean_dim(tg_narrow(*images, 3, 6, 2), (int64_t[]){2, 3}, 2, false),
    };
    *labels = tg_argmax(tg_cat(bands, CLASSES, 1), 1, false);
    return *labels ? 0 : -1;
}

static int train_and_save(const char *weights_path, const char *data_path)
{
    tg_manual_seed(0);   /* the initial weights */
    tg_module *model = make_model();
    tg_generator *gen = tg_generator_new(5);
    tg_tensor *params[16];
    int n = tg_module_parameters(model, params, 16);
    tg_adam_opts adam = tg_adam_defaults();
    adam.lr = 0.01;
    tg_optimizer *opt = tg_adam(params, n, adam);
    if (!model || !gen || !opt) return fail();
    progress bar = progress_start(STEPS);
    for (int step = 0; step < STEPS; step++) {
        tg_scope_begin();
        tg_tensor *x, *y;
        if (make_batch(BATCH, gen, &x, &y) != 0) return fail();
        tg_tensor *loss = tg_cross_entropy(tg_module_forward(model, x), y);
        tg_optimizer_zero_grad(opt);
        if (tg_backward(loss, NULL) != 0 || tg_optimizer_step(opt) != 0) return fail();
        if ((step + 1) % 10 == 0) progress_show(&bar, step + 1, tg_item(loss));
        tg_scope_end();
    }

    tg_module_train(model, false);   /* BatchNorm with its running statistics */
    tg_tensor *x, *y;
    if (make_batch(SAMPLES, gen, &x, &y) != 0) return fail();
    tg_dict *state = tg_module_state_dict(model), *data = tg_dict_new();
    tg_tensor *out = NULL;
    TG_NO_GRAD { out = tg_module_forward(model, x); }
    if (!state || !data || tg_dict_set(data, "input", x) != 0 || tg_dict_set(data, "output", out) != 0 ||
        tg_save_safetensors(state, weights_path) != 0 || tg_save_safetensors(data, data_path) != 0)
        return fail();
    printf("wrote %d tensors (", tg_dict_len(state));
    for (int i = 0; i < tg_dict_len(state); i++) printf("%s%s", i ? ", " : "", tg_dict_key(state, i));
    printf(") to %s, %d inputs and outputs to %s\n", weights_path, SAMPLES, data_path);

    tg_dict_free(data);
    tg_dict_free(state);
    tg_optimizer_free(opt);
    tg_generator_free(gen);
    tg_module_free(model);
    return 0;
}

static int load_and_check(const char *weights_path, const char *data_path)
{
    tg_module *model = make_model();
    tg_dict *state = tg_load_safetensors(weights_path), *data = tg_load_safetensors(data_path);
    if (!model || !state || !data || tg_module_load_state_dict(model, state, true) != 0) return fail();
    tg_module_train(model, false);
    tg_tensor *difference = NULL;
    TG_NO_GRAD {
        tg_tensor *out = tg_module_forward(model, tg_dict_get(data, "input"));
        difference = tg_max(tg_abs(tg_sub(out, tg_dict_get(data, "output"))));
    }
    if (!difference) return fail();
    double largest = tg_item(difference);
    printf("loaded %d tensors from %s; outputs on %s's inputs: largest difference %.3g\n", tg_dict_len(state),
           weights_path, data_path, largest);
    tg_dict_free(data);
    tg_dict_free(state);
    tg_module_free(model);
    if (!(largest <= TOLERANCE)) {
        fprintf(stderr, "weights_roundtrip: the outputs differ by %.3g, over %g\n", largest, TOLERANCE);
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "save") == 0) return train_and_save(argv[2], argv[3]);
    if (argc == 4 && strcmp(argv[1], "check") == 0) return load_and_check(argv[2], argv[3]);
    fprintf(stderr, "usage: weights_roundtrip save WEIGHTS DATA   (train here, write the state_dict and outputs)\n"
                    "       weights_roundtrip check WEIGHTS DATA  (load PyTorch's state_dict, compare outputs)\n");
    return 2;
}
