/* TransformerEncoderLayer, as PyTorch 1.13's: self-attention and a
   feed-forward block, each with dropout and a residual connection, each
   after (post-norm) or before (norm_first) its LayerNorm; and
   TransformerEncoder, a stack of copies of one such layer. */
#include "nn.h"

#include <stdio.h>
#include <string.h>

typedef struct encoder_layer {
    tg_module base;
    /* the constructor's arguments, to make copies of the layer */
    int64_t d_model, nhead, dim_feedforward;
    double dropout_p, layer_norm_eps;
    bool gelu, norm_first, batch_first;
    /* borrowed from the children, in PyTorch's order */
    tg_module *self_attn, *linear1, *dropout, *linear2, *norm1, *norm2, *dropout1, *dropout2;
} encoder_layer;

static tg_tensor *encoder_forward(tg_module *m, const tg_tensor *src);

static const tg_module_kind ENCODER_LAYER = {"TransformerEncoderLayer", encoder_forward, NULL};

/* _sa_block: self-attention (need_weights=False), then dropout1. */
static tg_tensor *attention_block(encoder_layer *e, const tg_tensor *x, const tg_tensor *mask,
                                  const tg_tensor *key_padding_mask)
{
    tg_tensor *y = tg_nn_multihead_attention_forward(e->self_attn, x, x, x, key_padding_mask, mask, true, NULL);
    return y ? tg_module_forward(e->dropout1, y) : NULL;
}

tg_tensor *tg__transformer_feed_forward(const tg_transformer_ff *ff, const tg_tensor *x)
{
    tg_tensor *h = tg_module_forward(ff->linear1, x);
    h = h ? (ff->gelu ? tg_gelu(h) : tg_relu(h)) : NULL;
    h = h ? tg_module_forward(ff->dropout, h) : NULL;
    h = h ? tg_module_forward(ff->linear2, h) : NULL;
    return h ? tg_module_forward(ff->dropout_out, h) : NULL;
}

/* _ff_block, with dropout2 last. */
static tg_tensor *feed_forward_block(encoder_layer *e, const tg_tensor *x)
{
    tg_transformer_ff ff = {e->linear1, e->dropout, e->linear2, e->dropout2, e->gelu};
    return tg__transformer_feed_forward(&ff, x);
}

tg_tensor *tg_nn_transformer_encoder_layer_forward(tg_module *m, const tg_tensor *src, const tg_tensor *src_mask,
                                                   const tg_tensor *src_key_padding_mask)
{
    if (!m) return tg__fail(TG_E_NULL, "%s(): the module is NULL", __func__);
    if (m->kind != &ENCODER_LAYER)
        return tg__fail(TG_E_INVALID, "%s(): the module is a %s, not a TransformerEncoderLayer", __func__,
                        m->kind->name);
    TG_ARG(src);
    if (src_key_padding_mask && tg_dtype_of(src_key_padding_mask) != TG_BOOL &&
        !tg__is_floating(tg_dtype_of(src_key_padding_mask)))
        return tg__fail(TG_E_DTYPE, "only bool and floating types of key_padding_mask are supported");
    encoder_layer *e = (encoder_layer *)m;
    tg_tensor *x;
    if (e->norm_first) {
        x = tg_add(src, attention_block(e, tg_module_forward(e->norm1, src), src_mask, src_key_padding_mask));
        x = x ? tg_add(x, feed_forward_block(e, tg_module_forward(e->norm2, x))) : NULL;
    } else {
        x = tg_module_forward(e->norm1, tg_add(src, attention_block(e, src, src_mask, src_key_padding_mask)));
        x = x ? tg_module_forward(e->norm2, tg_add(x, feed_forward_block(e, x))) : NULL;
    }
    return x;
}

static tg_tensor *encoder_forward(tg_module *m, const tg_tensor *src)
{
    return tg_nn_transformer_encoder_layer_forward(m, src, NULL, NULL);
}

tg_module *tg_nn_transformer_encoder_layer(int64_t d_model, int64_t nhead, int64_t dim_feedforward, double dropout,
                                           const char *activation, double layer_norm_eps, bool batch_first,
                                           bool norm_first)
{
    bool gelu = activation && strcmp(activation, "gelu") == 0;
    if (activation && !gelu && strcmp(activation, "relu") != 0)
        return tg__fail(TG_E_INVALID, "activation should be relu/gelu, not %s", activation);
    encoder_layer *e = tg__module_new(&ENCODER_LAYER, sizeof *e);
    if (!e) return NULL;
    *e = (encoder_layer){.base = e->base, .d_model = d_model, .nhead = nhead, .dim_feedforward = dim_feedforward,
                         .dropout_p = dropout, .layer_norm_eps = layer_norm_eps, .gelu = gelu,
                         .norm_first = norm_first, .batch_first = batch_first};
    tg_module *m = &e->base;
    const int64_t features[] = {d_model};
    /* In PyTorch's order of registration; each add frees its child on failure. */
    const tg_child_slot children[] = {
        {"self_attn", &e->self_attn, tg_nn_multihead_attention(d_model, nhead, dropout, true, batch_first)},
        {"linear1", &e->linear1, tg_nn_linear(d_model, dim_feedforward, true)},
        {"dropout", &e->dropout, tg_nn_dropout(dropout)},
        {"linear2", &e->linear2, tg_nn_linear(dim_feedforward, d_model, true)},
        {"norm1", &e->norm1, tg_nn_layer_norm(features, 1, layer_norm_eps, true)},
        {"norm2", &e->norm2, tg_nn_layer_norm(features, 1, layer_norm_eps, true)},
        {"dropout1", &e->dropout1, tg_nn_dropout(dropout)},
        {"dropout2", &e->dropout2, tg_nn_dropout(dropout)},
    };
    if (tg__module_add_children(m, children, (int)(sizeof children / sizeof *children))) {
        tg_module_free(m);
        return NULL;
    }
    return m;
}

/* ------------------------------------------------- TransformerEncoder */

typedef struct encoder {
    tg_module base;
    tg_module *layers, *norm;   /* borrowed children; norm NULL without */
} encoder;

tg_tensor *tg_nn_transformer_encoder_forward(tg_module *m, const tg_tensor *src, const tg_tensor *mask,
                                             const tg_tensor *src_key_padding_mask);

static tg_tensor *stack_forward(tg_module *m, const tg_tensor *src)
{
    return tg_nn_transformer_encoder_forward(m, src, NULL, NULL);
}

static const tg_module_kind ENCODER = {"TransformerEncoder", stack_forward, NULL};

tg_tensor *tg_nn_transformer_encoder_forward(tg_module *m, const tg_tensor *src, const tg_tensor *mask,
                                             const tg_tensor *src_key_padding_mask)
{
    if (!m) return tg__fail(TG_E_NULL, "%s(): the module is NULL", __func__);
    if (m->kind != &ENCODER)
        return tg__fail(TG_E_INVALID, "%s(): the module is a %s, not a TransformerEncoder", __func__, m->kind->name);
    TG_ARG(src);
    if (src_key_padding_mask && tg_dtype_of(src_key_padding_mask) != TG_BOOL &&
        !tg__is_floating(tg_dtype_of(src_key_padding_mask)))
        return tg__fail(TG_E_DTYPE, "only bool and floating types of key_padding_mask are supported");
    const encoder *e = (const encoder *)m;
    const tg_tensor *x = src;
    for (int i = 0; i < e->layers->n_children && x; i++)
        x = tg_nn_transformer_encoder_layer_forward(e->layers->children[i], x, mask, src_key_padding_mask);
    if (x && e->norm) x = tg_module_forward(e->norm, x);
    return x == src ? tg__share(src) : (tg_tensor *)x;
}

/* A new layer with layer's arguments, weights and mode (copy.deepcopy). */
static tg_module *copy_layer(const encoder_layer *layer)
{
    tg_module *copy = tg_nn_transformer_encoder_layer(layer->d_model, layer->nhead, layer->dim_feedforward,
                                                      layer->dropout_p, layer->gelu ? "gelu" : "relu",
                                                      layer->layer_norm_eps, layer->batch_first, layer->norm_first);
    tg_dict *state = copy ? tg_module_state_dict(&layer->base) : NULL;
    int rc = state ? tg_module_load_state_dict(copy, state, true) : -1;
    tg_dict_free(state);
    if (rc == 0) rc = tg_module_train(copy, layer->base.training);
    if (rc) {
        tg_module_free(copy);
        return NULL;
    }
    return copy;
}

/* The layers: prototype itself and num_layers - 1 copies of it. */
static tg_module *layer_list(tg_module *prototype, int64_t num_layers)
{
    tg_module *list = tg_nn_module_list(NULL, 0);
    if (!list) {
        tg_module_free(prototype);
        return NULL;
    }
    char name[24];
    for (int64_t i = 0; i < num_layers; i++) {
        snprintf(name, sizeof name, "%lld", (long long)i);
        tg_module *layer = i == num_layers - 1 ? prototype : copy_layer((const encoder_layer *)prototype);
        if (tg__module_add_child(list, name, layer)) {
            if (layer != prototype) tg_module_free(prototype);
            tg_module_free(list);
            return NULL;
        }
    }
    return list;
}

tg_module *tg_nn_transformer_encoder(tg_module *encoder_layer, int64_t num_layers, tg_module *norm)
{
    const char *fail = NULL;
    if (!encoder_layer) fail = tg_last_status() == TG_OK ? "tg_nn_transformer_encoder(): encoder_layer is NULL" : "";
    else if (encoder_layer->kind != &ENCODER_LAYER)
        fail = "tg_nn_transformer_encoder(): encoder_layer is not a TransformerEncoderLayer";
    else if (num_layers < 1) fail = "tg_nn_transformer_encoder(): num_layers must be at least 1";
    else if (norm && norm == encoder_layer) fail = "tg_nn_transformer_encoder(): norm is encoder_layer";
    if (fail) {
        if (*fail) tg__fail(encoder_layer ? TG_E_INVALID : TG_E_NULL, "%s", fail);
        if (norm != encoder_layer) tg_module_free(norm);
        tg_module_free(encoder_layer);
        return NULL;
    }
    encoder *e = tg__module_new(&ENCODER, sizeof *e);
    if (!e) {
        tg_module_free(norm);
        tg_module_free(encoder_layer);
        return NULL;
    }
    /* layer_list frees encoder_layer when it fails, add_child its child. */
    tg_module *layers = layer_list(encoder_layer, num_layers);
    if (tg__module_add_child(&e->base, "layers", layers)) {
        tg_module_free(norm);
        tg_module_free(&e->base);
        return NULL;
    }
    e->layers = layers;
    if (norm && tg__module_add_child(&e->base, "norm", norm)) {
        tg_module_free(&e->base);
        return NULL;
    }
    e->norm = norm;
    return &e->base;
}
