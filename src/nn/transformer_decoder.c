/* TransformerDecoderLayer, as PyTorch 1.13's: self-attention over the
   target, attention over the encoder's memory and a feed-forward block,
   each with dropout and a residual connection, each after (post-norm) or
   before (norm_first) its LayerNorm. */
#include "nn.h"

#include <string.h>

typedef struct decoder_layer {
    tg_module base;
    bool gelu, norm_first;
    /* borrowed from the children, in PyTorch's order */
    tg_module *self_attn, *multihead_attn, *linear1, *dropout, *linear2, *norm1, *norm2, *norm3, *dropout1,
        *dropout2, *dropout3;
} decoder_layer;

/* Its forward takes the memory too (tg_nn_transformer_decoder_layer_forward). */
static const tg_module_kind DECODER_LAYER = {"TransformerDecoderLayer", NULL, NULL};

/* _sa_block: self-attention (need_weights=False), then dropout1. */
static tg_tensor *self_attention_block(decoder_layer *d, const tg_tensor *x, const tg_tensor *mask,
                                       const tg_tensor *key_padding_mask)
{
    tg_tensor *y = tg_nn_multihead_attention_forward(d->self_attn, x, x, x, key_padding_mask, mask, true, NULL);
    return y ? tg_module_forward(d->dropout1, y) : NULL;
}

/* _mha_block: attention of x over the memory, then dropout2. */
static tg_tensor *memory_block(decoder_layer *d, const tg_tensor *x, const tg_tensor *memory, const tg_tensor *mask,
                               const tg_tensor *key_padding_mask)
{
    tg_tensor *y =
        tg_nn_multihead_attention_forward(d->multihead_attn, x, memory, memory, key_padding_mask, mask, true, NULL);
    return y ? tg_module_forward(d->dropout2, y) : NULL;
}

/* _ff_block, with dropout3 last. */
static tg_tensor *feed_forward_block(decoder_layer *d, const tg_tensor *x)
{
    tg_transformer_ff ff = {d->linear1, d->dropout, d->linear2, d->dropout3, d->gelu};
    return tg__transformer_feed_forward(&ff, x);
}

tg_tensor *tg_nn_transformer_decoder_layer_forward(tg_module *m, const tg_tensor *tgt, const tg_tensor *memory,
                                                   const tg_tensor *tgt_mask, const tg_tensor *memory_mask,
                                                   const tg_tensor *tgt_key_padding_mask,
                                                   const tg_tensor *memory_key_padding_mask)
{
    if (!m) return tg__fail(TG_E_NULL, "%s(): the module is NULL", __func__);
    if (m->kind != &DECODER_LAYER)
        return tg__fail(TG_E_INVALID, "%s(): the module is a %s, not a TransformerDecoderLayer", __func__,
                        m->kind->name);
    TG_ARG(tgt);
    TG_ARG(memory);
    decoder_layer *d = (decoder_layer *)m;
    tg_tensor *x;
    if (d->norm_first) {
        x = tg_add(tgt, self_attention_block(d, tg_module_forward(d->norm1, tgt), tgt_mask, tgt_key_padding_mask));
        x = x ? tg_add(x, memory_block(d, tg_module_forward(d->norm2, x), memory, memory_mask,
                                       memory_key_padding_mask))
              : NULL;
        x = x ? tg_add(x, feed_forward_block(d, tg_module_forward(d->norm3, x))) : NULL;
    } else {
        x = tg_module_forward(d->norm1, tg_add(tgt, self_attention_block(d, tgt, tgt_mask, tgt_key_padding_mask)));
        x = x ? tg_module_forward(d->norm2,
                                  tg_add(x, memory_block(d, x, memory, memory_mask, memory_key_padding_mask)))
              : NULL;
        x = x ? tg_module_forward(d->norm3, tg_add(x, feed_forward_block(d, x))) : NULL;
    }
    return x;
}

tg_module *tg_nn_transformer_decoder_layer(int64_t d_model, int64_t nhead, int64_t dim_feedforward, double dropout,
                                           const char *activation, double layer_norm_eps, bool batch_first,
                                           bool norm_first)
{
    bool gelu = activation && strcmp(activation, "gelu") == 0;
    if (activation && !gelu && strcmp(activation, "relu") != 0)
        return tg__fail(TG_E_INVALID, "activation should be relu/gelu, not %s", activation);
    decoder_layer *d = tg__module_new(&DECODER_LAYER, sizeof *d);
    if (!d) return NULL;
    d->gelu = gelu;
    d->norm_first = norm_first;
    const int64_t features[] = {d_model};
    /* In PyTorch's order of registration. */
    const tg_child_slot children[] = {
        {"self_attn", &d->self_attn, tg_nn_multihead_attention(d_model, nhead, dropout, true, batch_first)},
        {"multihead_attn", &d->multihead_attn, tg_nn_multihead_attention(d_model, nhead, dropout, true, batch_first)},
        {"linear1", &d->linear1, tg_nn_linear(d_model, dim_feedforward, true)},
        {"dropout", &d->dropout, tg_nn_dropout(dropout)},
        {"linear2", &d->linear2, tg_nn_linear(dim_feedforward, d_model, true)},
        {"norm1", &d->norm1, tg_nn_layer_norm(features, 1, layer_norm_eps, true)},
        {"norm2", &d->norm2, tg_nn_layer_norm(features, 1, layer_norm_eps, true)},
        {"norm3", &d->norm3, tg_nn_layer_norm(features, 1, layer_norm_eps, true)},
        {"dropout1", &d->dropout1, tg_nn_dropout(dropout)},
        {"dropout2", &d->dropout2, tg_nn_dropout(dropout)},
        {"dropout3", &d->dropout3, tg_nn_dropout(dropout)},
    };
    if (tg__module_add_children(&d->base, children, (int)(sizeof children / sizeof *children))) {
        tg_module_free(&d->base);
        return NULL;
    }
    return &d->base;
}
