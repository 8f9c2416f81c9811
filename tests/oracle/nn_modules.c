/* Oracle for the modules (tg_module_*, tg_nn_*): what nn_modules.py prints
   with torch.nn. Every parameter is filled by the same fixed rule in both
   programs, so forwards and gradients compare exactly. */
#include "oracle.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static tg_tensor *inputs(const int64_t *shape, int ndim)
{
    int64_t n = 1;
    for (int i = 0; i < ndim; i++) n *= shape[i];
    float *values = malloc(sizeof *values * (size_t)(n ? n : 1));
    for (int64_t i = 0; i < n; i++) values[i] = (float)((13 * i) % 17 - 8) / 8;
    tg_tensor *x = leaf(tg_reshape(tg_from_f32(values, TG_SHAPE(n)), shape, ndim));
    free(values);
    return x;
}

static void print_shape(const tg_tensor *t)
{
    printf("[");
    for (int i = 0; i < tg_ndim(t); i++) printf(i ? ", %lld" : "%lld", (long long)tg_shape(t)[i]);
    printf("]");
}

/* g on a grid of 2^-12, so that f32 rounding noise (a gradient that is
   zero in exact arithmetic, as a key bias's under softmax) prints alike. */
static tg_tensor *coarse(const tg_tensor *g)
{
    return g ? tg_add_scalar(tg_div_scalar(tg_round(tg_mul_scalar(g, 4096)), 4096), 0.0) : NULL;
}

static tg_tensor *exact(const tg_tensor *g) { return (tg_tensor *)g; }

typedef tg_tensor *(*grid_fn)(const tg_tensor *);

/* "grad <name>" of each parameter, through grid. */
static void show_grads(const tg_module *m, grid_fn grid)
{
    tg_dict *named = tg_module_named_parameters(m);
    for (int i = 0; i < tg_dict_len(named); i++) {
        char name[256];
        snprintf(name, sizeof name, "grad %s", tg_dict_key(named, i));
        show(name, grid(tg_grad(tg_dict_get(named, tg_dict_key(named, i)))));
    }
    tg_dict_free(named);
}

/* The label, the module, its state_dict's names, shapes and dtypes; then
   its parameters filled. */
static void introduce(const char *label, tg_module *m)
{
    printf("== %s\n", label);
    tg_module_print(m);
    tg_dict *state = tg_module_state_dict(m);
    for (int i = 0; i < tg_dict_len(state); i++) {
        tg_tensor *t = tg_dict_get(state, tg_dict_key(state, i));
        printf("  %s ", tg_dict_key(state, i));
        print_shape(t);
        printf(" %s\n", tg_dtype_name(tg_dtype_of(t)));
    }
    tg_dict_free(state);
    fill_parameters(m);
}

/* run without freeing m, its gradients printed through grid. */
static void run_grid(const char *label, tg_module *m, tg_tensor *x, grid_fn grid)
{
    introduce(label, m);
    tg_tensor *y = tg_module_forward(m, x);
    show("output", y);
    tg_backward(y, weights(y));
    show_grads(m, grid);
    show("grad input", grid(tg_grad(x)));
}

static void run_kept(const char *label, tg_module *m, tg_tensor *x) { run_grid(label, m, x, exact); }

static void run(const char *label, tg_module *m, tg_tensor *x)
{
    run_kept(label, m, x);
    tg_module_free(m);
}

static void run_coarse(const char *label, tg_module *m, tg_tensor *x)
{
    run_grid(label, m, x, coarse);
    tg_module_free(m);
}

/* m in evaluation mode (Python's model.eval() returns the model). */
static tg_module *evaluating(tg_module *m)
{
    tg_module_train(m, false);
    return m;
}

static void embed(const char *label, tg_module *e, const int64_t *indices, const int64_t *shape, int ndim)
{
    printf("== %s\n", label);
    tg_module_print(e);
    fill_parameters(e);
    tg_tensor *y = tg_module_forward(
        e, tg_reshape(tg_from_i64(indices, TG_SHAPE(tg_numel(tg_zeros(shape, ndim, TG_F32)))), shape, ndim));
    show("output", y);
    tg_backward(y, weights(y));
    show("grad weight", tg_grad(tg_module_get_parameter(e, "weight")));
    tg_module_free(e);
}

static void attention(const char *label, tg_module *mha, tg_tensor *q, tg_tensor *k, tg_tensor *v,
                      const tg_tensor *key_padding_mask, const tg_tensor *attn_mask, bool need_weights, bool average)
{
    introduce(label, mha);
    tg_tensor *w = NULL;
    tg_tensor *out = tg_nn_multihead_attention_forward(mha, q, k, v, key_padding_mask, attn_mask, average,
                                                       need_weights ? &w : NULL);
    show("output", out);
    show("weights", w);
    tg_backward(out, weights(out));
    show_grads(mha, coarse);
    show("grad query", coarse(tg_grad(q)));
    show("grad key", coarse(tg_grad(k)));
    show("grad value", coarse(tg_grad(v)));
    tg_module_free(mha);
}

static void attentions(void)
{
    tg_tensor *x = inputs(TG_SHAPE(2, 3, 4));
    attention("self-attention", tg_nn_multihead_attention(4, 2, 0, true, true), x, x, x, NULL, NULL, true, true);
    tg_tensor *kv = inputs(TG_SHAPE(2, 5, 4));
    bool kpm[] = {false, false, false, true, true, false, true, false, false, false};
    attention("cross-attention, key padding mask, per head", tg_nn_multihead_attention(4, 2, 0, true, true),
              inputs(TG_SHAPE(2, 3, 4)), kv, kv, tg_from_bool(kpm, TG_SHAPE(2, 5)), NULL, true, false);
    attention("sequence first, float mask, no bias", tg_nn_multihead_attention(4, 4, 0, false, false),
              inputs(TG_SHAPE(3, 2, 4)), inputs(TG_SHAPE(5, 2, 4)), inputs(TG_SHAPE(5, 2, 4)), NULL,
              tg_detach(inputs(TG_SHAPE(3, 5))), false, true);
    bool mask[] = {false, true, false, false, true, false};
    attention("unbatched, bool mask, float key padding mask", tg_nn_multihead_attention(2, 1, 0, true, true),
              inputs(TG_SHAPE(3, 2)), inputs(TG_SHAPE(2, 2)), inputs(TG_SHAPE(2, 2)),
              tg_from_f32(F32(0, -1), TG_SHAPE(2)), tg_from_bool(mask, TG_SHAPE(3, 2)), true, true);
    run_coarse("transformer encoder layer", tg_nn_transformer_encoder_layer(4, 2, 6, 0, NULL, 1e-5, true, false),
        inputs(TG_SHAPE(2, 3, 4)));
    run_coarse("transformer encoder layer, norm first, gelu",
        tg_nn_transformer_encoder_layer(4, 2, 6, 0, "gelu", 1e-3, true, true), inputs(TG_SHAPE(2, 3, 4)));
    run_coarse("transformer encoder",
               tg_nn_transformer_encoder(tg_nn_transformer_encoder_layer(4, 2, 6, 0, NULL, 1e-5, true, false), 2,
                                         tg_nn_layer_norm(I64(4), 1, 1e-5, true)),
               inputs(TG_SHAPE(2, 3, 4)));
    tg_module *encoder =
        tg_nn_transformer_encoder(tg_nn_transformer_encoder_layer(4, 2, 5, 0, NULL, 1e-5, true, true), 3, NULL);
    fill_parameters(encoder);
    tg_dict *encoder_state = tg_module_state_dict(encoder);
    int n_keys = tg_dict_len(encoder_state);
    printf("encoder keys: %d ['%s', '%s', '%s']\n", n_keys, tg_dict_key(encoder_state, n_keys - 3),
           tg_dict_key(encoder_state, n_keys - 2), tg_dict_key(encoder_state, n_keys - 1));
    tg_dict_free(encoder_state);
    tg_tensor *encoder_src = inputs(TG_SHAPE(2, 3, 4));
    bool encoder_padding[] = {false, false, true, false, false, false};
    tg_tensor *encoder_y = tg_nn_transformer_encoder_forward(
        encoder, encoder_src, tg_from_f32(F32(0, -1, 0.5, 0, 0, 0, 1, 0, -2), TG_SHAPE(3, 3)),
        tg_from_bool(encoder_padding, TG_SHAPE(2, 3)));
    show("encoder with masks", encoder_y);
    tg_backward(encoder_y, weights(encoder_y));
    show("grad src", coarse(tg_grad(encoder_src)));
    tg_module_free(encoder);
    tg_module *layer = evaluating(tg_nn_transformer_encoder_layer(4, 1, 3, 0.5, NULL, 1e-5, true, false));
    fill_parameters(layer);
    tg_tensor *src = inputs(TG_SHAPE(2, 3, 4));
    bool causal[] = {false, true, true, false, false, true, false, false, false};
    bool padding[] = {false, false, true, false, false, false};
    tg_tensor *y = tg_nn_transformer_encoder_layer_forward(layer, src, tg_from_bool(causal, TG_SHAPE(3, 3)),
                                                           tg_from_bool(padding, TG_SHAPE(2, 3)));
    show("encoder layer with masks, eval", y);
    tg_backward(y, weights(y));
    show("grad src", coarse(tg_grad(src)));
    show("grad self_attn.in_proj_weight", coarse(tg_grad(tg_module_get_parameter(layer, "self_attn.in_proj_weight"))));
    tg_module_free(layer);
}

static void attempt_module(const char *label, const tg_module *m);
static void attempt_tensor(const char *label, const tg_tensor *t);

static void attention_errors(void)
{
    tg_module *mha = tg_nn_multihead_attention(4, 2, 0, true, true);
    tg_tensor *z = tg_zeros(TG_SHAPE(2, 3, 4), TG_F32), *z4 = tg_zeros(TG_SHAPE(1, 2, 3, 4), TG_F32);
    tg_tensor *z3 = tg_zeros(TG_SHAPE(2, 3, 3), TG_F32);
    attempt_tensor("attention of a 4-d query",
                   tg_nn_multihead_attention_forward(mha, z4, z4, z4, NULL, NULL, true, NULL));
    attempt_tensor("attention, 2-d key", tg_nn_multihead_attention_forward(mha, z, tg_zeros(TG_SHAPE(3, 4), TG_F32), z,
                                                                           NULL, NULL, true, NULL));
    attempt_tensor("attention, embedding 3",
                   tg_nn_multihead_attention_forward(mha, z3, z3, z3, NULL, NULL, true, NULL));
    attempt_tensor("attention, key and value shapes",
                   tg_nn_multihead_attention_forward(mha, z, z, tg_zeros(TG_SHAPE(2, 2, 4), TG_F32), NULL, NULL, true,
                                                     NULL));
    attempt_tensor("attention, attn_mask shape",
                   tg_nn_multihead_attention_forward(mha, z, z, z, NULL, tg_zeros(TG_SHAPE(2, 2), TG_F32), true, NULL));
    attempt_tensor("attention, 3-d attn_mask shape",
                   tg_nn_multihead_attention_forward(mha, z, z, z, NULL, z3, true, NULL));
    attempt_tensor("attention, integer attn_mask",
                   tg_nn_multihead_attention_forward(mha, z, z, z, NULL, tg_zeros(TG_SHAPE(3, 3), TG_I64), true, NULL));
    attempt_tensor("attention, key_padding_mask shape",
                   tg_nn_multihead_attention_forward(mha, z, z, z, tg_zeros(TG_SHAPE(2, 2), TG_F32), NULL, true, NULL));
    attempt_tensor("attention, 1-d key_padding_mask",
                   tg_nn_multihead_attention_forward(mha, z, z, z, tg_zeros(TG_SHAPE(3), TG_F32), NULL, true, NULL));
    tg_module_free(mha);
    attempt_module("attention, embed_dim 5 of 2 heads", tg_nn_multihead_attention(5, 2, 0, true, false));
    attempt_module("encoder layer, tanh", tg_nn_transformer_encoder_layer(4, 2, 2048, 0.1, "tanh", 1e-5, false, false));
}

#define MODULES(...) (tg_module *[]){__VA_ARGS__}, (int)(sizeof((tg_module *[]){__VA_ARGS__}) / sizeof(tg_module *))

static void batch_norm(const char *label, tg_module *bn, const int64_t *shape, int ndim)
{
    run_kept(label, bn, inputs(shape, ndim));
    tg_module_forward(bn, tg_add_scalar(tg_mul_scalar(inputs(shape, ndim), 2), 1));
    tg_dict *buffers = tg_module_named_buffers(bn);
    for (int i = 0; i < tg_dict_len(buffers); i++) {
        char name[256];
        snprintf(name, sizeof name, "after two batches %s", tg_dict_key(buffers, i));
        show(name, tg_dict_get(buffers, tg_dict_key(buffers, i)));
    }
    tg_dict_free(buffers);
    tg_module_train(bn, false);
    show("eval output", tg_module_forward(bn, inputs(shape, ndim)));
    tg_module_free(bn);
}

static void attempt_module(const char *label, const tg_module *m)
{
    printf("%s: ", label);
    if (m) printf("%s\n", tg_module_name(m));
    else printf("error: %s\n", tg_last_error());
    tg_clear_error();
}

static void attempt_tensor(const char *label, const tg_tensor *t)
{
    printf("%s: ", label);
    if (t) tg_print(t);
    else printf("error: %s\n", tg_last_error());
    tg_clear_error();
}

static void attempt_load(const char *label, tg_module *m, tg_dict *state, bool strict)
{
    printf("%s: ", label);
    if (tg_module_load_state_dict(m, state, strict) == 0) printf("ok\n");
    else printf("error: %s\n", tg_last_error());
    tg_clear_error();
    tg_dict_free(state);
}

/* A dict of n one-element zero tensors under the given names. */
static tg_dict *zeros_named(const char *const *names, int n)
{
    tg_dict *d = tg_dict_new();
    for (int i = 0; i < n; i++) tg_dict_set(d, names[i], tg_zeros(TG_SHAPE(1), TG_F32));
    return d;
}

#define NAMES(...) (const char *[]){__VA_ARGS__}, (int)(sizeof((const char *[]){__VA_ARGS__}) / sizeof(char *))

static void module_api(void)
{
    printf("== module api\n");
    tg_module *m = tg_nn_sequential(MODULES(tg_nn_relu(), tg_nn_sequential(MODULES(tg_nn_tanh(), tg_nn_gelu(false)))));
    printf("name: %s %s\n", tg_module_name(tg_module_get_submodule(m, "1.0")),
           tg_module_name(tg_module_get_submodule(m, "")));
    printf("children: %d %d\n", tg_module_num_children(m), tg_module_num_children(tg_module_get_submodule(m, "1")));
    tg_module_train(m, false);
    printf("training after eval: %s %s\n", tg_module_is_training(m) ? "True" : "False",
           tg_module_is_training(tg_module_get_submodule(m, "1.0")) ? "True" : "False");
    tg_module_train(tg_module_get_submodule(m, "1"), true);
    printf("training after train of 1: %s %s\n", tg_module_is_training(m) ? "True" : "False",
           tg_module_is_training(tg_module_get_submodule(m, "1.0")) ? "True" : "False");
    printf("parameters: %d %lld %lld\n", tg_module_parameters(m, NULL, 0),
           (long long)tg_module_parameter_count(m, false), (long long)tg_module_parameter_count(m, true));
    tg_dict *buffers = tg_module_named_buffers(m);
    printf("named buffers: [%s]\n", tg_dict_len(buffers) ? "?" : "");
    tg_dict_free(buffers);
    tg_module_requires_grad_(m, false);
    tg_module_zero_grad(m);
    char *text = tg_module_repr(m);
    printf("repr: %s\n", text);
    free(text);
    attempt_module("get_submodule 1.3", tg_module_get_submodule(m, "1.3"));
    attempt_module("get_submodule 0.x", tg_module_get_submodule(m, "0.x"));
    attempt_tensor("get_parameter 1.0.weight", tg_module_get_parameter(m, "1.0.weight"));
    attempt_tensor("get_buffer 2.running_mean", tg_module_get_buffer(m, "2.running_mean"));
    attempt_load("load_state_dict {}", m, tg_dict_new(), true);
    attempt_load("load_state_dict unexpected", m, zeros_named(NAMES("x", "1.0.y")), true);
    attempt_load("load_state_dict unexpected, not strict", m, zeros_named(NAMES("x")), false);
    tg_module *bn1 = tg_nn_batch_norm1d(2, 1e-5, 0.1, true, true), *bn2 = tg_nn_batch_norm2d(2, 1e-5, 0.1, true, true);
    attempt_tensor("batch norm 1d of a 4-d input", tg_module_forward(bn1, tg_zeros(TG_SHAPE(1, 2, 1, 1), TG_F32)));
    attempt_tensor("batch norm 2d of a 3-d input", tg_module_forward(bn2, tg_zeros(TG_SHAPE(2, 2, 1), TG_F32)));
    tg_module_free(bn1);
    tg_module_free(bn2);
    attempt_module("conv2d groups 0", tg_nn_conv2d(2, 2, 1, 1, (tg_conv_opts){.groups = -1}, true));
    attempt_module("conv2d groups not dividing in", tg_nn_conv2d(3, 2, 1, 1, (tg_conv_opts){.groups = 2}, true));
    attempt_module("conv2d groups not dividing out", tg_nn_conv2d(2, 3, 1, 1, (tg_conv_opts){.groups = 2}, true));
    attempt_module("conv2d same, strided",
                   tg_nn_conv2d(2, 3, 1, 1, (tg_conv_opts){.padding_same = true, .stride = {2, 2}}, true));
    attempt_module("group norm 0 groups", tg_nn_group_norm(0, 2, 1e-5, true));
    attempt_module("group norm 3 groups of 4", tg_nn_group_norm(3, 4, 1e-5, true));
    attempt_module("dropout p 1.5", tg_nn_dropout(1.5));
    attempt_module("dropout2d p -0.25", tg_nn_dropout2d(-0.25));
    attempt_module("embedding padding_idx 5 of 5",
                   tg_nn_embedding(5, 2, (tg_embedding_opts){.has_padding_idx = true, .padding_idx = 5}));
    attempt_module("embedding padding_idx -6 of 5",
                   tg_nn_embedding(5, 2, (tg_embedding_opts){.has_padding_idx = true, .padding_idx = -6}));
    tg_module *lin = tg_nn_linear(3, 2, true);
    attempt_tensor("linear of a mismatched input", tg_module_forward(lin, tg_zeros(TG_SHAPE(2, 4), TG_F32)));
    tg_module_free(lin);
    attention_errors();
    attempt_load("load_state_dict _extra_state", m, zeros_named(NAMES("1._extra_state")), true);
    tg_module_free(m);
}

/* A parameter as a plain tensor (Python prints "Parameter containing:"), then its flag. */
static void param(const char *label, const tg_tensor *p)
{
    show(label, tg_detach(p));
    printf("requires_grad: %s\n", tg_requires_grad(p) ? "True" : "False");
}

static tg_module *norms(void)
{
    return tg_nn_sequential(
        MODULES(tg_nn_layer_norm(I64(4), 1, 1e-5, true),
                tg_nn_sequential(MODULES(tg_nn_group_norm(2, 4, 1e-5, true), tg_nn_relu()))));
}

static void state_dicts(void)
{
    printf("== state dicts\n");
    tg_module *m = norms();
    fill_parameters(m);
    tg_dict *state = tg_module_state_dict(m);
    printf("keys: [");
    for (int i = 0; i < tg_dict_len(state); i++) printf(i ? ", '%s'" : "'%s'", tg_dict_key(state, i));
    printf("]\n");
    show("state 0.weight", tg_dict_get(state, "0.weight"));
    tg_module *copy = norms();
    printf("load into a new model: %s\n", tg_module_load_state_dict(copy, state, true) == 0 ? "ok" : tg_last_error());
    param("loaded 1.0.weight", tg_module_get_parameter(copy, "1.0.weight"));
    param("loaded 0.bias", tg_module_get_parameter(copy, "0.bias"));
    TG_NO_GRAD tg_add_scalar_(tg_dict_get(state, "0.bias"), 1);
    param("the model's 0.bias after writing the state's", tg_module_get_parameter(m, "0.bias"));

    tg_dict *bad = tg_dict_new();
    for (int i = 0; i < tg_dict_len(state); i++)
        if (strcmp(tg_dict_key(state, i), "1.0.bias") != 0)
            tg_dict_set(bad, tg_dict_key(state, i), tg_dict_get(state, tg_dict_key(state, i)));
    tg_dict_set(bad, "0.weight", tg_zeros(TG_SHAPE(3), TG_F32));
    tg_dict_set(bad, "1.1.weight", tg_zeros(TG_SHAPE(4), TG_F32));
    tg_dict_set(bad, "1.0.weight", tg_zeros(TG_SHAPE(2, 2), TG_F32));
    printf("load missing, unexpected, mismatched: ");
    if (tg_module_load_state_dict(copy, bad, true)) printf("error: %s\n", tg_last_error());
    tg_clear_error();
    printf("load mismatched, not strict: ");
    if (tg_module_load_state_dict(copy, bad, false)) printf("error: %s\n", tg_last_error());
    tg_clear_error();
    tg_dict_free(bad);
    param("0.weight unchanged", tg_module_get_parameter(copy, "0.weight"));

    tg_dict *doubles = tg_dict_new();
    for (int i = 0; i < tg_dict_len(state); i++)
        tg_dict_set(doubles, tg_dict_key(state, i), tg_to(tg_dict_get(state, tg_dict_key(state, i)), TG_F64));
    attempt_load("load f64 values", copy, doubles, true);
    param("loaded f64 into f32", tg_module_get_parameter(copy, "0.bias"));
    tg_dict_free(state);

    tg_requires_grad_(tg_module_get_parameter(copy, "0.weight"), false);
    printf("frozen: parameters %d %lld trainable %lld\n", tg_module_parameters(copy, NULL, 0),
           (long long)tg_module_parameter_count(copy, false), (long long)tg_module_parameter_count(copy, true));
    tg_tensor *y = tg_sum(tg_module_forward(copy, tg_squeeze_dim(inputs(TG_SHAPE(2, 4, 1)), -1)));
    tg_backward(y, NULL);
    show("grad of the frozen 0.weight", tg_grad(tg_module_get_parameter(copy, "0.weight")));
    show("grad of 0.bias", tg_grad(tg_module_get_parameter(copy, "0.bias")));
    tg_module_zero_grad(copy);
    show("grad of 0.bias after zero_grad", tg_grad(tg_module_get_parameter(copy, "0.bias")));
    tg_module_requires_grad_(copy, false);
    printf("after requires_grad_(False): trainable %lld\n", (long long)tg_module_parameter_count(copy, true));
    tg_module_free(copy);
    tg_module_free(m);
}

static tg_dict *batch_norm_dict(bool with_count, bool with_var)
{
    tg_dict *d = tg_dict_new();
    tg_dict_set(d, "weight", tg_full(TG_SHAPE(2), 2, TG_F32));
    tg_dict_set(d, "bias", tg_zeros(TG_SHAPE(2), TG_F32));
    tg_dict_set(d, "running_mean", tg_ones(TG_SHAPE(2), TG_F32));
    if (with_var) tg_dict_set(d, "running_var", tg_full(TG_SHAPE(2), 3, TG_F32));
    if (with_count) tg_dict_set(d, "num_batches_tracked", tg_from_i64(I64(5), TG_SHAPE(1)));
    return d;
}

static void batch_norm_state(void)
{
    printf("== batch norm state\n");
    tg_module *bn = tg_nn_batch_norm1d(2, 1e-5, 0.1, true, true);
    attempt_load("load a 1-element num_batches_tracked", bn, batch_norm_dict(true, true), true);
    show("num_batches_tracked", tg_module_get_buffer(bn, "num_batches_tracked"));
    show("running_var", tg_module_get_buffer(bn, "running_var"));
    attempt_load("load without num_batches_tracked", bn, batch_norm_dict(false, true), true);
    show("num_batches_tracked", tg_module_get_buffer(bn, "num_batches_tracked"));
    attempt_load("load without running_var", bn, batch_norm_dict(false, false), true);
    tg_module_free(bn);
}

static void print_keys(const tg_module *m)
{
    tg_dict *state = tg_module_state_dict(m);
    printf("keys: [");
    for (int i = 0; i < tg_dict_len(state); i++) printf(i ? ", '%s'" : "'%s'", tg_dict_key(state, i));
    printf("]\n");
    tg_dict_free(state);
}

static void key_error(const char *label, int rc)
{
    printf("%s: ", label);
    if (rc == 0) printf("ok\n");
    else printf("error: %s\n", tg_last_error());
    tg_clear_error();
}

static void user_module(void)
{
    printf("== a module of the user's own\n");
    tg_module *net = tg_nn_module("Net");
    tg_module_add_module(net, "encoder", tg_nn_sequential(MODULES(tg_nn_linear(4, 3, true), tg_nn_relu())));
    tg_module_register_parameter(net, "scale", tg_ones(TG_SHAPE(3), TG_F32));
    tg_module_register_buffer(net, "step", tg_zeros(TG_SHAPE(), TG_F32));
    tg_module_add_module(net, "head", tg_nn_linear(3, 2, true));
    tg_module_print(net);
    fill_parameters(net);
    print_keys(net);
    tg_tensor *x = inputs(TG_SHAPE(2, 4));
    tg_tensor *y = tg_module_forward(tg_module_get_submodule(net, "head"),
                                     tg_mul(tg_module_forward(tg_module_get_submodule(net, "encoder"), x),
                                            tg_module_get_parameter(net, "scale")));
    show("output", y);
    tg_backward(y, weights(y));
    show_grads(net, exact);
    key_error("register_parameter a.b", tg_module_register_parameter(net, "a.b", tg_ones(TG_SHAPE(1), TG_F32)));
    key_error("register_buffer ''", tg_module_register_buffer(net, "", tg_ones(TG_SHAPE(1), TG_F32)));
    key_error("register_parameter encoder", tg_module_register_parameter(net, "encoder", tg_ones(TG_SHAPE(1), TG_F32)));
    key_error("register_buffer scale", tg_module_register_buffer(net, "scale", tg_ones(TG_SHAPE(1), TG_F32)));
    key_error("add_module step", tg_module_add_module(net, "step", tg_nn_relu()));
    key_error("add_module x.y", tg_module_add_module(net, "x.y", tg_nn_relu()));
    key_error("add_module ''", tg_module_add_module(net, "", tg_nn_relu()));
    key_error("register_parameter scale again",
              tg_module_register_parameter(net, "scale", tg_zeros(TG_SHAPE(3), TG_F32)));
    key_error("add_module head again", tg_module_add_module(net, "head", tg_nn_linear(3, 1, true)));
    key_error("add_module a new child to a Sequential",
              tg_module_add_module(tg_module_get_submodule(net, "encoder"), "extra", tg_nn_tanh()));
    print_keys(net);
    show("scale", tg_detach(tg_module_get_parameter(net, "scale")));
    tg_module_print(net);
    show("the Sequential's forward with its new child",
         tg_module_forward(tg_module_get_submodule(net, "encoder"), inputs(TG_SHAPE(1, 4))));
    tg_module_free(net);
}

int main(void)
{
    run("linear", tg_nn_linear(4, 3, true), inputs(TG_SHAPE(2, 4)));
    run("linear without bias, 3-d input", tg_nn_linear(3, 2, false), inputs(TG_SHAPE(2, 2, 3)));
    run("linear, 1-d input", tg_nn_linear(3, 2, true), inputs(TG_SHAPE(3)));
    run("mlp",
        tg_nn_sequential(MODULES(tg_nn_linear(4, 3, true), tg_nn_relu(), tg_nn_dropout(0), tg_nn_linear(3, 2, true),
                                 tg_nn_tanh())),
        inputs(TG_SHAPE(5, 4)));
    run("mlp in eval mode",
        evaluating(tg_nn_sequential(
            MODULES(tg_nn_linear(4, 3, true), tg_nn_dropout(0.5), tg_nn_gelu(false)))),
        inputs(TG_SHAPE(2, 4)));
    run("dropout2d in eval mode", evaluating(tg_nn_dropout2d(0.25)), inputs(TG_SHAPE(1, 2, 2, 2)));
    embed("embedding", tg_nn_embedding(5, 3, (tg_embedding_opts){0}), I64(1, 3, 4, 3), TG_SHAPE(2, 2));
    embed("embedding with padding_idx -2",
          tg_nn_embedding(5, 2, (tg_embedding_opts){.has_padding_idx = true, .padding_idx = -2}), I64(3, 1, 3, 0),
          TG_SHAPE(4));
    embed("embedding scaled by frequency",
          tg_nn_embedding(4, 2,
                          (tg_embedding_opts){.has_padding_idx = true, .padding_idx = 0, .scale_grad_by_freq = true}),
          I64(2, 2, 0, 1, 2), TG_SHAPE(5));
    run("activations",
        tg_nn_sequential(MODULES(tg_nn_relu(), tg_nn_tanh(), tg_nn_sigmoid(), tg_nn_silu(), tg_nn_mish(),
                                 tg_nn_gelu(false), tg_nn_gelu(true), tg_nn_leaky_relu(0.01), tg_nn_leaky_relu(0.2),
                                 tg_nn_elu(1), tg_nn_elu(0.5), tg_nn_celu(1.5), tg_nn_selu(), tg_nn_relu6(),
                                 tg_nn_hardsigmoid(), tg_nn_hardswish(), tg_nn_logsigmoid(), tg_nn_identity())),
        inputs(TG_SHAPE(2, 3)));
    run("flatten", tg_nn_sequential(MODULES(tg_nn_flatten(1, -1), tg_nn_flatten(0, -1))), inputs(TG_SHAPE(2, 3, 2)));
    run("empty sequential", tg_nn_sequential(NULL, 0), inputs(TG_SHAPE(2)));
    run("nested",
        tg_nn_sequential(MODULES(tg_nn_sequential(MODULES(tg_nn_relu(), tg_nn_flatten(1, 2))),
                                 tg_nn_sequential(MODULES(tg_nn_sequential(MODULES(tg_nn_tanh())))))),
        inputs(TG_SHAPE(2, 2, 2)));
    run("layer norm", tg_nn_layer_norm(I64(4), 1, 1e-5, true), inputs(TG_SHAPE(2, 4)));
    run("layer norm 2-d, no affine", tg_nn_layer_norm(I64(2, 3), 2, 1e-3, false), inputs(TG_SHAPE(2, 2, 3)));
    run("group norm", tg_nn_group_norm(2, 4, 1e-5, true), inputs(TG_SHAPE(2, 4, 2)));
    run("group norm, no affine", tg_nn_group_norm(3, 3, 0.5, false), inputs(TG_SHAPE(2, 3, 2)));
    run("rms norm", tg_nn_rms_norm(I64(4), 1, NAN, true), inputs(TG_SHAPE(2, 4)));
    run("rms norm 2-d", tg_nn_rms_norm(I64(2, 2), 2, 1e-6, true), inputs(TG_SHAPE(3, 2, 2)));
    run("rms norm, no affine", tg_nn_rms_norm(I64(3), 1, NAN, false), inputs(TG_SHAPE(2, 3)));
    run("softmax", tg_nn_sequential(MODULES(tg_nn_softmax(1), tg_nn_log_softmax(-1))), inputs(TG_SHAPE(2, 3)));
    run("pools",
        tg_nn_sequential(MODULES(tg_nn_max_pool2d((tg_pool_opts){.kernel_size = {2, 2}}),
                                 tg_nn_avg_pool2d((tg_pool_opts){.kernel_size = {2, 1}, .stride = {1, 1},
                                                                 .padding = {1, 0}}))),
        inputs(TG_SHAPE(1, 2, 5, 4)));
    run("max pool, dilated",
        tg_nn_max_pool2d((tg_pool_opts){.kernel_size = {2, 2}, .stride = {1, 1}, .dilation = {2, 2},
                                        .ceil_mode = true, .padding = {1, 1}}),
        inputs(TG_SHAPE(1, 1, 5, 5)));
    run("adaptive pools", tg_nn_sequential(MODULES(tg_nn_adaptive_max_pool2d(2, 3), tg_nn_adaptive_avg_pool2d(1, 1))),
        inputs(TG_SHAPE(1, 2, 5, 7)));
    run("max pool 1d", tg_nn_max_pool1d((tg_pool_opts){.kernel_size = {3}, .stride = {2}}), inputs(TG_SHAPE(2, 7)));
    run("conv2d", tg_nn_conv2d(2, 3, 3, 3, (tg_conv_opts){0}, true), inputs(TG_SHAPE(1, 2, 4, 5)));
    run("conv2d strided, padded, no bias",
        tg_nn_conv2d(2, 4, 2, 3,
                     (tg_conv_opts){.stride = {2, 1}, .padding = {1, 2}, .dilation = {1, 2}, .groups = 2}, false),
        inputs(TG_SHAPE(2, 2, 4, 5)));
    run("conv2d same", tg_nn_conv2d(1, 2, 2, 3, (tg_conv_opts){.padding_same = true}, true),
        inputs(TG_SHAPE(1, 1, 3, 4)));
    run("conv1d", tg_nn_conv1d(2, 2, 3, (tg_conv_opts){.stride = {2}, .padding = {1}}, true),
        inputs(TG_SHAPE(2, 2, 6)));
    run("conv1d dilated, grouped", tg_nn_conv1d(4, 2, 2, (tg_conv_opts){.dilation = {3}, .groups = 2}, false),
        inputs(TG_SHAPE(1, 4, 7)));
    run("conv transpose2d", tg_nn_conv_transpose2d(2, 3, 3, 3, (tg_conv_transpose_opts){0}, true),
        inputs(TG_SHAPE(1, 2, 3, 2)));
    run("conv transpose2d strided",
        tg_nn_conv_transpose2d(2, 4, 2, 3,
                               (tg_conv_transpose_opts){.stride = {2, 2}, .padding = {1, 0},
                                                        .output_padding = {1, 0}, .groups = 2},
                               true),
        inputs(TG_SHAPE(1, 2, 3, 3)));
    batch_norm("batch norm 1d", tg_nn_batch_norm1d(3, 1e-5, 0.1, true, true), TG_SHAPE(5, 3));
    batch_norm("batch norm 1d, 3-d input", tg_nn_batch_norm1d(2, 1e-3, 0.5, true, true), TG_SHAPE(3, 2, 2));
    batch_norm("batch norm 2d, momentum None", tg_nn_batch_norm2d(2, 1e-5, NAN, true, true), TG_SHAPE(2, 2, 2, 3));
    batch_norm("batch norm 2d, no running stats", tg_nn_batch_norm2d(2, 1e-5, 0.1, false, false),
               TG_SHAPE(2, 2, 1, 3));
    attentions();
    module_api();
    state_dicts();
    printf("== reprs\n");
    tg_module *encoder = tg_nn_transformer_encoder_layer(8, 2, 16, 0.1, NULL, 1e-5, true, false);
    tg_module_print(encoder);
    tg_module_free(encoder);
    tg_module *m = tg_nn_sequential(
        MODULES(tg_nn_multihead_attention(6, 3, 0, false, false), tg_nn_batch_norm1d(4, 1e-5, NAN, true, true),
                tg_nn_batch_norm2d(2, 0.001, 0.1, false, true), tg_nn_leaky_relu(1e-05), tg_nn_elu(1e16),
                tg_nn_elu(123456.789), tg_nn_celu(-0.0), tg_nn_elu(2.5e-7), tg_nn_layer_norm(I64(3), 1, 1e-12, true),
                tg_nn_group_norm(1, 2, 0.1, true), tg_nn_rms_norm(I64(2), 1, 1e-8, true),
                tg_nn_max_pool2d((tg_pool_opts){.kernel_size = {2, 3}, .stride = {1, 2}}),
                tg_nn_avg_pool2d((tg_pool_opts){.kernel_size = {3, 3}, .padding = {1, 1}}),
                tg_nn_adaptive_avg_pool2d(2, 3), tg_nn_softmax(0)));
    tg_module_print(m);
    tg_module_free(m);
    tg_module_print(NULL);
    batch_norm_state();
    user_module();
    return 0;
}
