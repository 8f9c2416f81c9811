/* Modules and initialisers beyond what the oracle compares: the
   initialisers' distributions (tensorgrad's random streams are not
   PyTorch's), orthogonality, ownership of children, handles, train/eval,
   and bad input. */
#include "harness.h"
#include "core/core.h"

#include <stdlib.h>

#define MODULES(...) (tg_module *[]){__VA_ARGS__}, (int)(sizeof((tg_module *[]){__VA_ARGS__}) / sizeof(tg_module *))

typedef struct stats {
    double mean, std, min, max;
} stats;

static stats stats_of(const tg_tensor *t)
{
    int64_t n = tg_numel(t);
    double *v = malloc(sizeof *v * (size_t)n);
    tg_copy_to_f64(t, v);
    stats s = {0, 0, INFINITY, -INFINITY};
    for (int64_t i = 0; i < n; i++) {
        s.mean += v[i] / (double)n;
        s.min = fmin(s.min, v[i]);
        s.max = fmax(s.max, v[i]);
    }
    for (int64_t i = 0; i < n; i++) s.std += (v[i] - s.mean) * (v[i] - s.mean) / (double)(n - 1);
    s.std = sqrt(s.std);
    free(v);
    return s;
}

/* Uniform on +-bound: within it, reaching near both ends (the gaps at the
   ends are about 2 bound / n), the mean and std (bound / sqrt 3) within
   what n draws allow. */
static void check_uniform(const tg_tensor *t, double bound)
{
    stats s = stats_of(t);
    double n = (double)tg_numel(t);
    CHECK(s.min >= -bound && s.max <= bound);
    CHECK(s.min < -(1 - 20 / n) * bound && s.max > (1 - 20 / n) * bound);
    CHECK(fabs(s.mean) < 5 * bound / sqrt(3 * n));
    CHECK_CLOSE(s.std, bound / sqrt(3.0), 5 / sqrt(n));
}

static void check_normal(const tg_tensor *t, double mean, double std)
{
    stats s = stats_of(t);
    CHECK(fabs(s.mean - mean) < 0.02 * std);
    CHECK_CLOSE(s.std, std, 0.02);
    CHECK(s.max - mean > 3 * std && mean - s.min > 3 * std);   /* not truncated */
}

static void initialisers(void)
{
    tg_manual_seed(7);
    /* fan_in 200 * 9 = 1800, fan_out 100 * 9 = 900 */
    tg_tensor *w = tg_empty(TG_SHAPE(100, 200, 3, 3), TG_F32);
    check_uniform(tg_init_uniform_(w, -0.5, 0.5), 0.5);
    check_normal(tg_init_normal_(w, 1, 2), 1, 2);
    check_uniform(tg_init_xavier_uniform_(w, 2), 2 * sqrt(6.0 / 2700));
    check_normal(tg_init_xavier_normal_(w, 1), 0, sqrt(2.0 / 2700));
    check_uniform(tg_init_kaiming_uniform_(w, 0, TG_FAN_IN, "relu"), sqrt(2.0) * sqrt(3.0 / 1800));
    check_uniform(tg_init_kaiming_uniform_(w, sqrt(5.0), TG_FAN_IN, NULL), sqrt(1.0 / 1800));
    check_normal(tg_init_kaiming_normal_(w, 0, TG_FAN_OUT, "tanh"), 0, 5.0 / 3 / sqrt(900.0));

    stats s = stats_of(tg_init_trunc_normal_(w, 0.5, 1, -1, 2));
    CHECK(s.min >= -1 && s.max <= 2 && s.min < -0.99 && s.max > 1.99);
    /* N(0.5, 1) cut at 1.5 either side of its mean: mean 0.5, variance
       1 - 2 b phi(b) / Z with b = 1.5, Z = erf(b / sqrt 2). */
    double phi = exp(-1.125) / sqrt(2 * M_PI), z = erf(1.5 / sqrt(2.0));
    CHECK(fabs(s.mean - 0.5) < 0.01);
    CHECK_CLOSE(s.std, sqrt(1 - 3 * phi / z), 0.02);

    tg_tensor *c = tg_init_constant_(tg_empty(TG_SHAPE(3), TG_F64), -1.5);
    CHECK(tg_item(tg_sum(c)) == -4.5);
}

/* W W^T = I for a wide matrix, W^T W = I for a tall one, times gain. */
static void orthogonal(void)
{
    tg_tensor *wide = tg_init_orthogonal_(tg_empty(TG_SHAPE(3, 2, 4), TG_F64), 2);   /* 3 x 8 */
    tg_tensor *w = tg_reshape(wide, TG_SHAPE(3, 8));
    tg_tensor *gram = tg_sub(tg_mm(w, tg_transpose(w, 0, 1)), tg_mul_scalar(tg_eye(3, TG_F64), 4));
    CHECK(tg_item(tg_max(tg_abs(gram))) < 1e-12);
    tg_tensor *tall = tg_init_orthogonal_(tg_empty(TG_SHAPE(50, 20), TG_F32), 1);
    gram = tg_sub(tg_mm(tg_transpose(tall, 0, 1), tall), tg_eye(20, TG_F32));
    CHECK(tg_item(tg_max(tg_abs(gram))) < 1e-5);
    /* Rows of a square one are orthonormal both ways. */
    tg_tensor *square = tg_init_orthogonal_(tg_empty(TG_SHAPE(16, 16), TG_F64), 1);
    CHECK(tg_item(tg_max(tg_abs(tg_sub(tg_mm(square, tg_transpose(square, 0, 1)), tg_eye(16, TG_F64))))) < 1e-12);
}

static void init_errors(void)
{
    CHECK(tg_init_uniform_(NULL, 0, 1) == NULL && tg_last_status() == TG_E_NULL);
    tg_clear_error();
    tg_tensor *w = tg_zeros(TG_SHAPE(2, 3), TG_F32);
    CHECK(tg_init_kaiming_uniform_(w, 0, (tg_fan_mode)5, NULL) == NULL);
    CHECK_STR(tg_last_error(), "Mode 5 not supported, please use one of fan_in, fan_out");
    tg_clear_error();
    CHECK(isnan(tg_init_calculate_gain(NULL, NAN)) && tg_last_status() == TG_E_NULL);
    tg_clear_error();
    CHECK(tg_item(tg_sum(tg_abs(w))) == 0);   /* unchanged */
    CHECK(tg_init_uniform_(tg_zeros(TG_SHAPE(2), TG_I64), 0, 1) == NULL);
    tg_clear_error();
}

static void sequential_ownership(void)
{
    int64_t live = tg__live_tensors();
    /* A NULL child (a failed constructor) fails the Sequential, keeps that
       error and frees the others. */
    tg_clear_error();
    tg_module *bad = tg_nn_sequential(MODULES(tg_nn_relu(), NULL, tg_nn_tanh()));
    CHECK(bad == NULL && tg_last_status() == TG_E_NULL);
    CHECK_STR(tg_last_error(), "tg_nn_sequential(): a child module is NULL");
    tg_clear_error();
    tg__fail(TG_E_INVALID, "an earlier error");
    CHECK(tg_nn_sequential(MODULES(NULL, tg_nn_relu())) == NULL);
    CHECK_STR(tg_last_error(), "an earlier error");
    tg_clear_error();
    CHECK(tg_nn_sequential(NULL, 1) == NULL && tg_last_status() == TG_E_NULL);
    tg_clear_error();
    CHECK(tg_nn_sequential(NULL, -1) == NULL && tg_last_status() == TG_E_INVALID);
    tg_clear_error();
    tg_module *twice = tg_nn_linear(2, 2, true);
    CHECK(tg_nn_sequential(MODULES(tg_nn_relu(), twice, twice)) == NULL);
    CHECK_STR(tg_last_error(), "tg_nn_sequential(): child 2 is child 1 again");
    tg_clear_error();
    CHECK(tg__live_tensors() == live);
}

/* Linear and Embedding as torch.nn initialises them; Dropout in training
   and evaluation. */
static void layer_initialisation(void)
{
    tg_manual_seed(3);
    tg_module *linear = tg_nn_linear(400, 300, true);
    check_uniform(tg_module_get_parameter(linear, "weight"), 1 / sqrt(400.0));   /* kaiming a=sqrt(5) */
    check_uniform(tg_module_get_parameter(linear, "bias"), 1 / sqrt(400.0));
    CHECK(tg_requires_grad(tg_module_get_parameter(linear, "weight")));
    CHECK(tg_is_leaf(tg_module_get_parameter(linear, "bias")));
    CHECK(tg_module_parameter_count(linear, false) == 400 * 300 + 300);
    tg_tensor *params[2] = {NULL, NULL};
    CHECK(tg_module_parameters(linear, params, 1) == -1 && params[0] == NULL);
    tg_clear_error();
    CHECK(tg_module_parameters(linear, params, 2) == 2);
    CHECK(params[0] == tg_module_get_parameter(linear, "weight") &&
          params[1] == tg_module_get_parameter(linear, "bias"));
    tg_module_free(linear);
    CHECK(tg_numel(params[0]) == 120000);   /* the handles outlive the module */

    tg_module *conv = tg_nn_conv2d(6, 8, 5, 5, (tg_conv_opts){.groups = 2}, true);   /* fan_in 3 * 25 */
    check_uniform(tg_module_get_parameter(conv, "bias"), 1 / sqrt(75.0));
    tg_module_free(conv);

    tg_module *e = tg_nn_embedding(1000, 100, (tg_embedding_opts){.has_padding_idx = true, .padding_idx = -1});
    tg_tensor *w = tg_module_get_parameter(e, "weight");
    tg_tensor *padding = tg_select(w, 0, 999);
    CHECK(tg_item(tg_sum(tg_abs(padding))) == 0);
    check_normal(tg_slice(w, 0, 0, 999, 1), 0, 1);
    tg_module_free(e);

    tg_module *dropout = tg_nn_dropout(0.25);
    tg_tensor *ones = tg_ones(TG_SHAPE(100000), TG_F32);
    stats s = stats_of(tg_module_forward(dropout, ones));
    CHECK(s.min == 0 && fabs(s.max - 4.0 / 3) < 1e-6 && fabs(s.mean - 1) < 0.02);
    tg_module_train(dropout, false);
    CHECK(tg_module_forward(dropout, ones) == ones);
    tg_module_free(dropout);
}

static void modes_and_children(void)
{
    tg_module *m = tg_nn_sequential(MODULES(tg_nn_relu(), tg_nn_sequential(MODULES(tg_nn_gelu(false)))));
    CHECK(tg_module_is_training(m));
    CHECK(tg_module_train(m, false) == 0);
    CHECK(!tg_module_is_training(m) && !tg_module_is_training(tg_module_get_submodule(m, "1.0")));
    CHECK(tg_module_train(tg_module_get_submodule(m, "1"), true) == 0);
    CHECK(!tg_module_is_training(m) && tg_module_is_training(tg_module_get_submodule(m, "1.0")));
    CHECK(tg_module_num_children(m) == 2);
    CHECK(tg_module_get_submodule(m, "") == m);
    CHECK_STR(tg_module_name(tg_module_get_submodule(m, "1.0")), "GELU");
    CHECK(tg_module_get_submodule(m, "1.2") == NULL);
    CHECK_STR(tg_last_error(), "Sequential has no attribute `2`");
    CHECK(tg_module_get_submodule(m, "0.x") == NULL);
    CHECK_STR(tg_last_error(), "ReLU has no attribute `x`");
    CHECK(tg_module_get_parameter(m, "0.weight") == NULL);
    CHECK_STR(tg_last_error(), "ReLU has no attribute `weight`");
    CHECK(tg_module_parameters(m, NULL, 0) == 0 && tg_module_parameter_count(m, false) == 0);
    tg_clear_error();
    tg_module_free(m);
}

static void bad_module_input(void)
{
    CHECK(tg_module_forward(NULL, tg_ones(TG_SHAPE(1), TG_F32)) == NULL);
    CHECK_STR(tg_last_error(), "tg_module_forward(): the module is NULL");
    tg_clear_error();
    tg_module *relu = tg_nn_relu();
    CHECK(tg_module_forward(relu, NULL) == NULL);
    CHECK_STR(tg_last_error(), "tg_module_forward(): a tensor argument is NULL");
    tg_clear_error();
    CHECK(tg_module_train(NULL, true) == -1 && tg_module_num_children(NULL) == -1);
    CHECK(tg_module_state_dict(NULL) == NULL && tg_module_repr(NULL) == NULL);
    CHECK(tg_module_load_state_dict(relu, NULL, true) == -1);
    CHECK_STR(tg_last_error(), "tg_module_load_state_dict(): the dict is NULL");
    CHECK(tg_module_parameters(relu, NULL, 3) == -1);
    CHECK_STR(tg_last_error(), "tg_module_parameters(): out is NULL");
    tg_clear_error();
    tg_module_free(relu);
    tg_module_free(NULL);
}

static void attention_layers(void)
{
    tg_manual_seed(11);
    tg_module *mha = tg_nn_multihead_attention(64, 4, 0, true, true);
    check_uniform(tg_module_get_parameter(mha, "in_proj_weight"), sqrt(6.0 / (64 + 192)));   /* xavier */
    CHECK(tg_item(tg_sum(tg_abs(tg_module_get_parameter(mha, "in_proj_bias")))) == 0);
    CHECK(tg_item(tg_sum(tg_abs(tg_module_get_parameter(mha, "out_proj.bias")))) == 0);
    check_uniform(tg_module_get_parameter(mha, "out_proj.weight"), 1 / sqrt(64.0));
    CHECK_STR(tg_module_name(tg_module_get_submodule(mha, "out_proj")), "NonDynamicallyQuantizableLinear");
    tg_tensor *x = tg_ones(TG_SHAPE(1, 2, 64), TG_F32);
    CHECK(tg_module_forward(mha, x) == NULL);
    CHECK_STR(tg_last_error(),
              "tg_module_forward(): MultiheadAttention takes more than one input; call its own forward");
    tg_clear_error();
    tg_module *relu = tg_nn_relu();
    CHECK(tg_nn_multihead_attention_forward(relu, x, x, x, NULL, NULL, true, NULL) == NULL);
    CHECK_STR(tg_last_error(), "tg_nn_multihead_attention_forward(): the module is a ReLU, not a MultiheadAttention");
    tg_clear_error();
    CHECK(tg_nn_transformer_encoder_layer_forward(mha, x, NULL, NULL) == NULL);
    CHECK_STR(
        tg_last_error(),
        "tg_nn_transformer_encoder_layer_forward(): the module is a MultiheadAttention, not a TransformerEncoderLayer");
    tg_clear_error();
    /* The weights' out-parameter is cleared when a forward fails. */
    tg_tensor *w = x;
    CHECK(tg_nn_multihead_attention_forward(mha, x, x, NULL, NULL, NULL, true, &w) == NULL && w == NULL);
    tg_clear_error();
    tg_module_free(relu);
    tg_module_free(mha);

    /* An encoder's layers start as copies of its layer, as deepcopy makes them. */
    int64_t live = tg__live_tensors();
    tg_scope_begin();
    tg_module *encoder =
        tg_nn_transformer_encoder(tg_nn_transformer_encoder_layer(8, 2, 16, 0.1, NULL, 1e-5, true, false), 3, NULL);
    CHECK(tg_item(tg_max(tg_abs(tg_sub(tg_module_get_parameter(encoder, "layers.0.linear1.weight"),
                                       tg_module_get_parameter(encoder, "layers.2.linear1.weight"))))) == 0);
    CHECK(tg_module_get_parameter(encoder, "layers.0.linear1.weight") !=
          tg_module_get_parameter(encoder, "layers.2.linear1.weight"));
    tg_module_free(encoder);
    CHECK(tg_nn_transformer_encoder(tg_nn_relu(), 2, tg_nn_relu()) == NULL);
    CHECK_STR(tg_last_error(), "tg_nn_transformer_encoder(): encoder_layer is not a TransformerEncoderLayer");
    tg_clear_error();
    CHECK(tg_nn_transformer_encoder(tg_nn_transformer_encoder_layer(4, 2, 4, 0, NULL, 1e-5, true, false), 0, NULL) ==
          NULL);
    CHECK_STR(tg_last_error(), "tg_nn_transformer_encoder(): num_layers must be at least 1");
    tg_clear_error();
    tg_scope_end();
    CHECK(tg__live_tensors() == live);   /* failed constructors freed what they were given */

    tg_module *layer = tg_nn_transformer_encoder_layer(8, 2, 16, 0.1, NULL, 1e-5, true, false);
    CHECK(tg_module_num_children(layer) == 8);
    CHECK(tg_module_parameter_count(layer, false) == 3 * 8 * 8 + 3 * 8 + 8 * 8 + 8 + 8 * 16 + 16 + 16 * 8 + 8 + 4 * 8);
    /* Dropout 0.1 in training mode changes the output; eval mode does not. */
    tg_tensor *src = tg_randn(TG_SHAPE(2, 5, 8), TG_F32);
    tg_tensor *a = tg_module_forward(layer, src), *b = tg_module_forward(layer, src);
    CHECK(tg_item(tg_max(tg_abs(tg_sub(a, b)))) > 0);
    tg_module_train(layer, false);
    a = tg_module_forward(layer, src), b = tg_module_forward(layer, src);
    CHECK(tg_item(tg_max(tg_abs(tg_sub(a, b)))) == 0);
    tg_module_free(layer);
}

/* A training loop, one scope per step, with the parameters updated in
   place: memory stays flat, and the loss goes down. */
static void training_loop(void)
{
    tg_manual_seed(5);
    tg_module *m = tg_nn_sequential(MODULES(tg_nn_linear(3, 8, true), tg_nn_gelu(false),
                                            tg_nn_layer_norm((const int64_t[]){8}, 1, 1e-5, true), tg_nn_dropout(0.1),
                                            tg_nn_linear(8, 1, true)));
    tg_tensor *params[8];
    int n = tg_module_parameters(m, params, 8);
    CHECK(n == 6);
    for (int i = 0; i < n; i++) tg_retain(params[i]);
    tg_tensor *x = tg_retain(tg_randn(TG_SHAPE(16, 3), TG_F32));
    tg_tensor *target = tg_retain(tg_sum_dim(x, (const int64_t[]){1}, 1, true));
    int64_t live = 0;
    double first = 0, last = 0;
    for (int step = 0; step < 300; step++) {
        tg_scope_begin();
        tg_tensor *loss = tg_mse_loss(tg_module_forward(m, x), target);
        tg_module_zero_grad(m);
        CHECK(tg_backward(loss, NULL) == 0);
        TG_NO_GRAD for (int i = 0; i < n; i++) tg_sub_(params[i], tg_mul_scalar(tg_grad(params[i]), 0.05));
        if (step == 0) first = tg_item(loss);
        last = tg_item(loss);
        tg_scope_end();
        if (step == 10) live = tg__live_tensors();
        if (step > 10 && tg__live_tensors() != live) {
            CHECK(!"memory grows across training steps");
            break;
        }
    }
    CHECK(last < first / 4);
    /* The state_dict of the trained model loads into a new one that then
       computes the same outputs in evaluation mode. */
    tg_dict *state = tg_module_state_dict(m);
    tg_module *copy = tg_nn_sequential(MODULES(tg_nn_linear(3, 8, true), tg_nn_gelu(false),
                                               tg_nn_layer_norm((const int64_t[]){8}, 1, 1e-5, true),
                                               tg_nn_dropout(0.1), tg_nn_linear(8, 1, true)));
    CHECK(tg_module_load_state_dict(copy, state, true) == 0);
    tg_module_train(m, false);
    tg_module_train(copy, false);
    CHECK(tg_item(tg_max(tg_abs(tg_sub(tg_module_forward(m, x), tg_module_forward(copy, x))))) == 0);
    tg_dict_free(state);
    tg_module_free(copy);
    for (int i = 0; i < n; i++) tg_release(params[i]);
    tg_release(x);
    tg_release(target);
    tg_module_free(m);
}

static void user_modules(void)
{
    int64_t live = tg__live_tensors();
    tg_scope_begin();
    tg_module *net = tg_nn_module("Net");
    tg_tensor *w = tg_ones(TG_SHAPE(2), TG_F32);
    CHECK(tg_module_register_parameter(net, "w",
                                       tg_mul_scalar(tg_requires_grad_(tg_ones(TG_SHAPE(2), TG_F32), true), 2)) == -1);
    CHECK_STR(tg_last_error(), "Cannot assign non-leaf Tensor to parameter 'w'. Model parameters must be created "
                               "explicitly. To express 'w' as a function of another Tensor, compute the value in the "
                               "forward() method.");
    tg_clear_error();
    CHECK(tg_module_register_parameter(net, "w", w) == 0 && tg_requires_grad(w));
    CHECK(tg_module_register_parameter(net, "i", tg_zeros(TG_SHAPE(1), TG_I64)) == -1);   /* integers cannot */
    tg_clear_error();
    CHECK(tg_module_forward(net, w) == NULL);
    CHECK_STR(tg_last_error(), "tg_module_forward(): Net is a module of the user's own, with no forward here");
    tg_clear_error();
    /* A layer's own members cannot be replaced; new ones can be added. */
    tg_module *linear = tg_nn_linear(2, 2, true);
    CHECK(tg_module_register_parameter(linear, "weight", tg_ones(TG_SHAPE(2, 2), TG_F32)) == -1);
    CHECK_STR(tg_last_error(), "tg_module_register_parameter(): Linear's own parameter 'weight' cannot be replaced");
    tg_clear_error();
    CHECK(tg_module_register_buffer(linear, "mask", tg_ones(TG_SHAPE(2), TG_F32)) == 0);
    CHECK(tg_module_add_module(net, "linear", linear) == 0);
    /* Cycles and repeats change nothing and free nothing. */
    CHECK(tg_module_add_module(net, "self", net) == -1);
    CHECK(tg_module_add_module(linear, "parent", net) == -1);
    CHECK(tg_module_add_module(net, "again", linear) == -1);
    CHECK_STR(tg_last_error(), "tg_module_add_module(): the child is the module, holds it or is held by it already");
    tg_clear_error();
    /* A child that fails to be added is freed; a NULL one keeps its error. */
    CHECK(tg_module_add_module(net, "a.b", tg_nn_linear(3, 3, true)) == -1);
    tg_clear_error();
    tg__fail(TG_E_INVALID, "an earlier error");
    CHECK(tg_module_add_module(net, "x", NULL) == -1);
    CHECK_STR(tg_last_error(), "an earlier error");
    tg_clear_error();
    CHECK(tg_nn_module(NULL) == NULL && tg_nn_module("") == NULL);
    tg_clear_error();
    CHECK(tg_module_parameter_count(net, false) == 2 + 4 + 2);
    CHECK_STR(tg_module_name(net), "Net");
    tg_module_free(net);
    tg_scope_end();
    CHECK(tg__live_tensors() == live);
}

static int warnings_seen;
static void count_warning(const char *message, void *user_data)
{
    (void)user_data;
    warnings_seen += strstr(message, "Complex modules are a new feature") != NULL;
}

/* Whether every element of t equals the same element of original rounded to dt. */
static bool rounded_from(const tg_tensor *t, const tg_tensor *original, tg_dtype dt)
{
    tg_tensor *expected = tg_to(original, dt);
    return expected && tg_dtype_of(t) == dt && tg_item(tg_all(tg_eq(t, expected))) != 0;
}

/* tg_module_to: parameters, buffers and gradients converted in place, the
   handles and an optimizer kept, integer buffers left, bad dtypes refused
   with nothing changed. */
static void module_to(void)
{
    tg_scope_begin();
    tg_module *m = tg_nn_sequential(MODULES(tg_nn_linear(3, 2, true), tg_nn_batch_norm1d(2, 1e-5, 0.1, true, true)));
    tg_tensor *w = tg_module_get_parameter(m, "0.weight"), *mean = tg_module_get_buffer(m, "1.running_mean");
    tg_tensor *x = tg_randn(TG_SHAPE(4, 3), TG_F32);
    tg_tensor *y = tg_module_forward(m, x);
    /* weighted, so that the batch norm's output sum does not cancel the gradient */
    tg_backward(tg_sum(tg_mul(y, tg_reshape(tg_arange(0, 8, 1, TG_F32), TG_SHAPE(4, 2)))), NULL);
    tg_tensor *w_before = tg_clone(w), *mean_before = tg_clone(mean), *grad_before = tg_clone(tg_grad(w));
    tg_optimizer *opt = tg_sgd(&w, 1, (tg_sgd_opts){.lr = 0.1});

    CHECK(tg_module_to(m, TG_I64) == NULL);
    CHECK_STR(tg_last_error(), "nn.Module.to only accepts floating point or complex dtypes, but got desired dtype=torch.int64");
    tg_clear_error();
    CHECK(tg_dtype_of(w) == TG_F32 && tg_dtype_of(mean) == TG_F32);

    CHECK(tg_module_to(m, TG_BF16) == m);
    CHECK(tg_dtype_of(tg_module_get_parameter(m, "0.weight")) == TG_BF16);
    CHECK(rounded_from(w, w_before, TG_BF16));
    CHECK(rounded_from(mean, mean_before, TG_BF16));
    CHECK(rounded_from(tg_grad(w), grad_before, TG_BF16));
    CHECK(tg_requires_grad(w) && tg_is_leaf(w));
    CHECK(tg_dtype_of(tg_module_get_buffer(m, "1.num_batches_tracked")) == TG_I64);
    CHECK(tg_dtype_of(tg_module_get_parameter(m, "1.bias")) == TG_BF16);
    /* the optimizer holds the same tensor: its step moves the converted weight */
    tg_tensor *w_bf16 = tg_clone(w);
    CHECK(tg_optimizer_step(opt) == 0);
    CHECK(tg_item(tg_all(tg_eq(w, w_bf16))) == 0);
    CHECK(tg_dtype_of(tg_module_forward(m, tg_to(x, TG_BF16))) == TG_BF16);

    tg_set_warning_handler(count_warning, NULL);
    CHECK(tg_module_to(m, TG_C64) == m);
    tg_set_warning_handler(NULL, NULL);
    CHECK(warnings_seen == 1);
    CHECK(tg_dtype_of(w) == TG_C64);
    CHECK(tg_module_to(NULL, TG_F32) == NULL);
    tg_clear_error();
    tg_optimizer_free(opt);
    tg_module_free(m);
    tg_scope_end();
}

int main(void)
{
    initialisers();
    orthogonal();
    init_errors();
    sequential_ownership();
    layer_initialisation();
    attention_layers();
    training_loop();
    user_modules();
    modes_and_children();
    bad_module_input();
    module_to();
    return TEST_MAIN_END();
}
