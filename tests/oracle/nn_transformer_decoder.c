/* Oracle for TransformerDecoderLayer: what nn_transformer_decoder.py prints
   with torch.nn: its repr and state_dict names and shapes, forwards (post-
   and pre-norm, relu and gelu, batch_first and not, with a causal target
   mask and a memory padding mask) with every parameter filled by the same
   rule in both programs, the gradients of tgt, memory and some
   parameters (on a grid of 2^-10), and PyTorch's errors. */
#include "oracle.h"

#include <math.h>

enum { E = 8, L = 3, S = 4, N = 2 };

/* sin(0.7 i + a) / 2 in shape, requiring grad. */
static tg_tensor *sequence(const int64_t *shape, int ndim, double a)
{
    tg_tensor *i = tg_arange(0, (double)(shape[0] * shape[1] * shape[2]), 1, TG_F32);
    return leaf(tg_reshape(tg_div_scalar(tg_sin(tg_add_scalar(tg_mul_scalar(i, 0.7), a)), 2), shape, ndim));
}

/* g on a grid of 2^-10: f32 sums in another order differ in the last
   digits, which the printed gradients (down to 1e-5) would show. */
static tg_tensor *coarse(const tg_tensor *g)
{
    return tg_add_scalar(tg_div_scalar(tg_round(tg_mul_scalar(g, 1024)), 1024), 0.0);
}

static void forward(const char *label, const char *activation, bool batch_first, bool norm_first, bool masks)
{
    tg_scope_begin();
    tg_module *m = tg_nn_transformer_decoder_layer(E, 2, 16, 0.0, activation, 1e-5, batch_first, norm_first);
    fill_parameters(m);
    tg_tensor *tgt = batch_first ? sequence(I64(N, L, E), 3, 0) : sequence(I64(L, N, E), 3, 0);
    tg_tensor *memory = batch_first ? sequence(I64(N, S, E), 3, 1) : sequence(I64(S, N, E), 3, 1);
    tg_tensor *causal = tg_triu(tg_full(TG_SHAPE(L, L), -INFINITY, TG_F32), 1);
    const bool padded[] = {false, false, false, true, false, false, true, true};
    tg_tensor *padding = tg_from_bool(padded, TG_SHAPE(N, S));
    tg_tensor *out = tg_nn_transformer_decoder_layer_forward(m, tgt, memory, masks ? causal : NULL, NULL, NULL,
                                                             masks ? padding : NULL);
    tg_tensor *leaves[] = {tgt, memory, tg_module_get_parameter(m, "multihead_attn.in_proj_weight"),
                           tg_module_get_parameter(m, "norm3.bias"), tg_module_get_parameter(m, "linear1.bias")};
    show(label, out);
    if (out && tg_backward(out, weights(out)) == 0) {
        char name[64];
        for (int i = 0; i < 5; i++) {
            snprintf(name, sizeof name, "%s grad%d", label, i);
            show(name, coarse(tg_grad(leaves[i])));
        }
    } else {
        printf("%s: error: %s\n", label, tg_last_error());
    }
    tg_module_free(m);
    tg_scope_end();
}

int main(void)
{
    tg_scope_begin();
    tg_module *m = tg_nn_transformer_decoder_layer(E, 2, 16, 0.1, NULL, 1e-5, true, false);
    describe_module(m);
    tg_module_free(m);
    m = tg_nn_transformer_decoder_layer(E, 2, 16, 0.1, "tanh", 1e-5, true, false);
    printf("activation tanh: %s\n", m ? "made" : tg_last_error());

    forward("post-norm", NULL, true, false, true);
    forward("norm_first", NULL, true, true, true);
    forward("gelu", "gelu", true, false, false);
    forward("sequence first", NULL, false, false, true);

    m = tg_nn_transformer_decoder_layer(E, 2, 16, 0.0, NULL, 1e-5, true, false);
    ATTEMPT("memory of another width", tg_nn_transformer_decoder_layer_forward(m, tg_ones(TG_SHAPE(N, L, E), TG_F32),
                                                                               tg_ones(TG_SHAPE(N, S, 4), TG_F32), NULL,
                                                                               NULL, NULL, NULL));
    tg_module_free(m);
    tg_scope_end();
    return 0;
}
