/* Modules with their N-th allocation failing, for every N: building a
   model, its state_dict, loading it back, its repr, the parameter readers,
   a forward and backward, and the initialisers each fail with TG_E_OOM
   and leak nothing (tests/alloc_sweep.h). */
#include "alloc_sweep.h"

#include <stdlib.h>

#define MODULES(...) (tg_module *[]){__VA_ARGS__}, (int)(sizeof((tg_module *[]){__VA_ARGS__}) / sizeof(tg_module *))

/* Each model takes a (2, 3) input, images() a (2, 3, 1, 1) one. */
typedef tg_module *(*model_fn)(void);

static tg_module *activations(void)
{
    return tg_nn_sequential(MODULES(tg_nn_relu(), tg_nn_sequential(MODULES(tg_nn_gelu(true), tg_nn_flatten(0, -1))),
                                    tg_nn_leaky_relu(0.2)));
}

static tg_module *norms(void)
{
    return tg_nn_sequential(MODULES(tg_nn_layer_norm((const int64_t[]){3}, 1, 1e-5, true), tg_nn_softmax(-1),
                                    tg_nn_rms_norm((const int64_t[]){3}, 1, NAN, true),
                                    tg_nn_group_norm(3, 3, 1e-5, true)));
}

static tg_module *pools(void)
{
    return tg_nn_sequential(MODULES(tg_nn_max_pool1d((tg_pool_opts){.kernel_size = {2}, .stride = {1}}),
                                    tg_nn_adaptive_avg_pool2d(1, 1)));
}

static tg_module *batch_norm1d(void)
{
    return tg_nn_sequential(MODULES(tg_nn_batch_norm1d(3, 1e-5, NAN, true, true), tg_nn_flatten(0, -1)));
}

/* Input (2, 3, 1, 1). */
static tg_module *images(void)
{
    return tg_nn_sequential(MODULES(tg_nn_conv2d(3, 2, 1, 1, (tg_conv_opts){.groups = 1}, true),
                                    tg_nn_batch_norm2d(2, 1e-5, 0.1, true, true),
                                    tg_nn_conv_transpose2d(2, 1, 2, 2, (tg_conv_transpose_opts){.groups = 1}, false)));
}

static tg_module *mlp(void)
{
    return tg_nn_sequential(
        MODULES(tg_nn_linear(3, 4, true), tg_nn_dropout(0.5), tg_nn_relu(), tg_nn_linear(4, 2, false)));
}

static const model_fn MODELS[] = {activations, norms, pools, batch_norm1d, images, mlp};

/* An embedding takes indices, not the (2, 3) input. */
static int use_embedding(void *ctx)
{
    (void)ctx;
    tg_scope_begin();
    tg_module *e = tg_nn_embedding(5, 3, (tg_embedding_opts){.has_padding_idx = true, .padding_idx = 1});
    tg_tensor *y = e ? tg_module_forward(e, tg_from_i64((const int64_t[]){0, 1, 4}, TG_SHAPE(3))) : NULL;
    int rc = y && tg_backward(tg_sum(y), NULL) == 0 ? 0 : -1;
    tg_module_free(e);
    tg_scope_end();
    return rc;
}

static int use_model(void *ctx)
{
    model_fn make = *(const model_fn *)ctx;
    int rc = -1;
    tg_scope_begin();
    tg_module *m = make();
    tg_dict *state = m ? tg_module_state_dict(m) : NULL;
    tg_dict *named = state ? tg_module_named_parameters(m) : NULL;
    char *text = named ? tg_module_repr(m) : NULL;
    tg_tensor *x = text ? tg_requires_grad_(tg_arange(0, 6, 1, TG_F32), true) : NULL;
    if (x && make == images) x = tg_reshape(x, TG_SHAPE(2, 3, 1, 1));
    else if (x) x = tg_reshape(x, TG_SHAPE(2, 3));
    tg_tensor *y = x ? tg_module_forward(m, x) : NULL;
    if (y && tg_backward(tg_sum(y), NULL) == 0 && tg_module_load_state_dict(m, state, true) == 0 &&
        tg_module_parameters(m, NULL, 0) >= 0 && tg_module_parameter_count(m, false) >= 0)
        rc = 0;
    free(text);
    tg_dict_free(named);
    tg_dict_free(state);
    tg_module_free(m);
    tg_scope_end();
    return rc;
}

static int initialise(void *ctx)
{
    (void)ctx;
    tg_scope_begin();
    tg_tensor *w = tg_empty(TG_SHAPE(4, 3), TG_F32);
    int rc = w && tg_init_kaiming_uniform_(w, 0, TG_FAN_IN, NULL) && tg_init_xavier_normal_(w, 1) &&
                     tg_init_trunc_normal_(w, 0, 1, -2, 2) && tg_init_orthogonal_(w, 1) && tg_init_zeros_(w)
                 ? 0
                 : -1;
    tg_scope_end();
    return rc;
}

/* Self-attention with both masks, and an encoder of two layers over it. */
static int use_attention(void *ctx)
{
    (void)ctx;
    tg_scope_begin();
    tg_module *mha = tg_nn_multihead_attention(4, 2, 0, true, true);
    tg_module *layer =
        mha ? tg_nn_transformer_encoder(tg_nn_transformer_encoder_layer(4, 2, 3, 0, "gelu", 1e-5, true, true), 2,
                                        tg_nn_layer_norm((const int64_t[]){4}, 1, 1e-5, true))
            : NULL;
    tg_tensor *x = layer ? tg_requires_grad_(tg_arange(0, 24, 1, TG_F32), true) : NULL;
    if (x) x = tg_reshape(x, TG_SHAPE(2, 3, 4));
    tg_tensor *padding =
        x ? tg_from_bool((const bool[]){false, false, true, false, false, false}, TG_SHAPE(2, 3)) : NULL;
    tg_tensor *mask = padding ? tg_zeros(TG_SHAPE(3, 3), TG_F32) : NULL;
    tg_tensor *w = NULL;
    tg_tensor *y = mask ? tg_nn_multihead_attention_forward(mha, x, x, x, padding, mask, true, &w) : NULL;
    if (y) y = tg_nn_transformer_encoder_forward(layer, y, NULL, padding);
    int rc = y && w && tg_backward(tg_sum(y), NULL) == 0 ? 0 : -1;
    tg_module_free(layer);
    tg_module_free(mha);
    tg_scope_end();
    return rc;
}

/* A module of the user's own, built up and printed. */
static int use_custom(void *ctx)
{
    (void)ctx;
    tg_scope_begin();
    tg_module *net = tg_nn_module("Net");
    int rc = net && tg_module_add_module(net, "body", tg_nn_sequential(MODULES(tg_nn_linear(2, 2, true)))) == 0 &&
                     tg_module_register_parameter(net, "scale", tg_ones(TG_SHAPE(2), TG_F32)) == 0 &&
                     tg_module_register_buffer(net, "count", tg_zeros(TG_SHAPE(), TG_I64)) == 0 &&
                     tg_module_add_module(tg_module_get_submodule(net, "body"), "act", tg_nn_relu()) == 0
                 ? 0
                 : -1;
    char *text = rc == 0 ? tg_module_repr(net) : NULL;
    if (!text) rc = -1;
    free(text);
    tg_module_free(net);
    tg_scope_end();
    return rc;
}

int main(void)
{
    for (size_t i = 0; i < sizeof MODELS / sizeof *MODELS; i++) alloc_sweep("a model", use_model, (void *)&MODELS[i]);
    alloc_sweep("an embedding", use_embedding, NULL);
    alloc_sweep("attention", use_attention, NULL);
    alloc_sweep("a module of the user's own", use_custom, NULL);
    alloc_sweep("the initialisers", initialise, NULL);
    return TEST_MAIN_END();
}
