/* The containers (ModuleList, ModuleDict), Bilinear and
   TransformerDecoderLayer with their N-th allocation failing, for every N:
   making them, appending, replacing, indexing, their repr and state_dict,
   and a forward and backward each fail with TG_E_OOM and leak nothing
   (tests/alloc_sweep.h). */
#include "alloc_sweep.h"

#include <stdlib.h>

/* The forward and backward of x through the list's layers in turn, its
   repr and its state_dict. */
static int run_layers(tg_module *list)
{
    tg_tensor *x = tg_requires_grad_(tg_reshape(tg_arange(0, 6, 1, TG_F32), TG_SHAPE(2, 3)), true);
    const tg_tensor *y = x;
    for (int i = 0; y && i < tg_module_num_children(list); i++) y = tg_module_forward(tg_module_list_get(list, i), y);
    tg_dict *state = y && tg_backward(tg_sum(y), NULL) == 0 ? tg_module_state_dict(list) : NULL;
    char *text = state ? tg_module_repr(list) : NULL;
    tg_dict_free(state);
    free(text);
    return text ? 0 : -1;
}

static int use_list(void *ctx)
{
    (void)ctx;
    tg_module *list = tg_nn_module_list((tg_module *[]){tg_nn_linear(3, 4, true), tg_nn_relu()}, 2);
    int rc = list && tg_module_list_append(list, tg_nn_linear(4, 2, false)) == 0 &&
                     tg_module_list_set(list, -2, tg_nn_tanh()) == 0 && tg_module_list_get(list, 1)
                 ? run_layers(list)
                 : -1;
    tg_module_free(list);
    return rc;
}

static int use_dict(void *ctx)
{
    (void)ctx;
    tg_module *d =
        tg_nn_module_dict((const char *[]){"a", "b"}, (tg_module *[]){tg_nn_relu(), tg_nn_linear(2, 2, true)}, 2);
    int rc = d && tg_module_dict_set(d, "a", tg_nn_linear(2, 3, true)) == 0 &&
                     tg_module_dict_set(d, "c", tg_nn_tanh()) == 0 && tg_module_dict_get(d, "b") &&
                     tg_module_dict_key(d, 2)
                 ? 0
                 : -1;
    tg_dict *state = rc == 0 ? tg_module_state_dict(d) : NULL;
    char *text = state ? tg_module_repr(d) : NULL;
    if (!text) rc = -1;
    tg_dict_free(state);
    free(text);
    tg_module_free(d);
    return rc;
}

static int use_bilinear(void *ctx)
{
    (void)ctx;
    tg_module *m = tg_nn_bilinear(3, 2, 4, true);
    tg_tensor *x1 = tg_requires_grad_(tg_reshape(tg_arange(0, 6, 1, TG_F32), TG_SHAPE(2, 3)), true);
    tg_tensor *x2 = tg_requires_grad_(tg_ones(TG_SHAPE(2, 2), TG_F32), true);
    tg_tensor *y = m ? tg_nn_bilinear_forward(m, x1, x2) : NULL;
    char *text = y && tg_backward(tg_sum(y), NULL) == 0 ? tg_module_repr(m) : NULL;
    free(text);
    tg_module_free(m);
    return text ? 0 : -1;
}

/* Post-norm with a causal mask and a memory padding mask, and pre-norm. */
static int use_decoder_layer(void *ctx)
{
    bool norm_first = *(const bool *)ctx;
    tg_module *m = tg_nn_transformer_decoder_layer(4, 2, 8, 0.0, NULL, 1e-5, true, norm_first);
    tg_tensor *tgt = tg_requires_grad_(tg_reshape(tg_sin(tg_arange(0, 24, 1, TG_F32)), TG_SHAPE(2, 3, 4)), true);
    tg_tensor *memory = tg_requires_grad_(tg_reshape(tg_cos(tg_arange(0, 16, 1, TG_F32)), TG_SHAPE(2, 2, 4)), true);
    tg_tensor *causal = tg_triu(tg_full(TG_SHAPE(3, 3), -INFINITY, TG_F32), 1);
    tg_tensor *padding = tg_from_bool((const bool[]){false, true, false, false}, TG_SHAPE(2, 2));
    tg_tensor *y = m && causal && padding
                       ? tg_nn_transformer_decoder_layer_forward(m, tgt, memory, causal, NULL, NULL, padding)
                       : NULL;
    char *text = y && tg_backward(tg_sum(y), NULL) == 0 ? tg_module_repr(m) : NULL;
    free(text);
    tg_module_free(m);
    return text ? 0 : -1;
}

int main(void)
{
    alloc_sweep("a ModuleList", use_list, NULL);
    alloc_sweep("a ModuleDict", use_dict, NULL);
    alloc_sweep("a Bilinear layer", use_bilinear, NULL);
    alloc_sweep("a TransformerDecoderLayer", use_decoder_layer, &(bool){false});
    alloc_sweep("a pre-norm TransformerDecoderLayer", use_decoder_layer, &(bool){true});
    return TEST_MAIN_END();
}
