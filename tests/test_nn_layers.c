/* ModuleList and ModuleDict: who owns a module when a call fails (a NULL,
   repeated or related module, a container of the wrong kind, an index out
   of range), and that nothing changes then; run under AddressSanitizer,
   a module freed twice or never shows. Bilinear's and
   TransformerDecoderLayer's forwards. */
#include "harness.h"

static void containers(void)
{
    tg_module *relu = tg_nn_relu();
    /* A repeated module fails the constructor and is freed once. */
    CHECK(!tg_nn_module_list((tg_module *[]){relu, relu}, 2));
    CHECK_STR(tg_last_error(), "tg_nn_module_list(): child 1 is child 0 again");
    /* A NULL one (a failed constructor) keeps that constructor's error. */
    CHECK(!tg_nn_module_list((tg_module *[]){tg_nn_tanh(), tg_nn_dropout(2)}, 2));
    CHECK_STR(tg_last_error(), "dropout probability has to be between 0 and 1, but got 2.0");
    CHECK(!tg_nn_module_dict(NULL, (tg_module *[]){tg_nn_relu()}, 1));
    CHECK(!tg_nn_module_dict((const char *[]){"a", "b.c"}, (tg_module *[]){tg_nn_relu(), tg_nn_tanh()}, 2));
    CHECK_STR(tg_last_error(), "module name can't contain \".\", got: b.c");

    tg_module *list = tg_nn_module_list(NULL, 0);
    tg_module *seq = tg_nn_sequential(NULL, 0);
    CHECK(tg_module_list_append(list, seq) == 0);
    /* A module already in the list, or the list itself, is refused and stays. */
    CHECK(tg_module_list_append(list, seq) == -1);
    CHECK(tg_module_list_set(list, 0, list) == -1);
    CHECK(tg_module_num_children(list) == 1 && tg_module_list_get(list, 0) == seq);
    /* The wrong container, or an index out of range: the module is freed. */
    CHECK(tg_module_dict_set(list, "x", tg_nn_relu()) == -1);
    CHECK_STR(tg_last_error(), "tg_module_dict_set(): the module is a ModuleList, not a ModuleDict");
    CHECK(tg_module_list_set(list, 1, tg_nn_relu()) == -1);
    CHECK_STR(tg_last_error(), "index 1 is out of range");
    CHECK(tg_module_list_append(NULL, tg_nn_relu()) == -1);
    CHECK(!tg_module_list_get(seq, 0));
    CHECK_STR(tg_last_error(), "tg_module_list_get(): the module is a Sequential, not a ModuleList");
    /* Replacing frees the module replaced. */
    CHECK(tg_module_list_set(list, -1, tg_nn_identity()) == 0);
    CHECK_STR(tg_module_name(tg_module_list_get(list, 0)), "Identity");

    tg_module *d = tg_nn_module_dict((const char *[]){"a", "a"}, (tg_module *[]){tg_nn_relu(), tg_nn_tanh()}, 2);
    CHECK(d && tg_module_num_children(d) == 1);
    CHECK_STR(tg_module_name(tg_module_dict_get(d, "a")), "Tanh");
    CHECK(!tg_module_dict_key(d, 1));
    CHECK_STR(tg_last_error(), "index 1 is out of range");
    CHECK(!tg_module_dict_get(d, NULL));
    CHECK(tg_module_dict_set(d, NULL, tg_nn_relu()) == -1);
    /* A dict in a list: its own child cannot be added to the list as well. */
    tg_module *inner = tg_module_dict_get(d, "a");
    CHECK(tg_module_list_append(list, d) == 0);
    CHECK(tg_module_list_append(list, inner) == -1);
    CHECK(tg_module_num_children(list) == 2);
    tg_module_free(list);
}

/* Bilinear's forward takes two inputs; the one-input form and another
   module fail. */
static void bilinear(void)
{
    tg_scope_begin();
    tg_module *m = tg_nn_bilinear(3, 2, 4, false);
    CHECK(!tg_module_forward(m, tg_ones(TG_SHAPE(2, 3), TG_F32)));
    CHECK_STR(tg_last_error(), "tg_module_forward(): Bilinear takes more than one input; call its own forward");
    tg_module *relu = tg_nn_relu();
    CHECK(!tg_nn_bilinear_forward(relu, tg_ones(TG_SHAPE(2, 3), TG_F32), tg_ones(TG_SHAPE(2, 2), TG_F32)));
    CHECK_STR(tg_last_error(), "tg_nn_bilinear_forward(): the module is a ReLU, not a Bilinear");
    CHECK(!tg_nn_bilinear_forward(NULL, tg_ones(TG_SHAPE(2, 3), TG_F32), tg_ones(TG_SHAPE(2, 2), TG_F32)));
    tg_tensor *y = tg_nn_bilinear_forward(m, tg_ones(TG_SHAPE(2, 3), TG_F32), tg_ones(TG_SHAPE(2, 2), TG_F32));
    CHECK(y && tg_ndim(y) == 2 && tg_shape(y)[0] == 2 && tg_shape(y)[1] == 4);
    tg_module_free(relu);
    tg_module_free(m);
    tg_scope_end();
}

/* TransformerDecoderLayer's forward takes the memory too. */
static void decoder_layer(void)
{
    tg_scope_begin();
    tg_module *m = tg_nn_transformer_decoder_layer(4, 2, 8, 0.0, "gelu", 1e-5, true, true);
    tg_tensor *x = tg_ones(TG_SHAPE(2, 3, 4), TG_F32);
    CHECK(!tg_module_forward(m, x));
    CHECK_STR(tg_last_error(),
              "tg_module_forward(): TransformerDecoderLayer takes more than one input; call its own forward");
    tg_module *relu = tg_nn_relu();
    CHECK(!tg_nn_transformer_decoder_layer_forward(relu, x, x, NULL, NULL, NULL, NULL));
    CHECK_STR(tg_last_error(),
              "tg_nn_transformer_decoder_layer_forward(): the module is a ReLU, not a TransformerDecoderLayer");
    CHECK(!tg_nn_transformer_decoder_layer_forward(m, x, NULL, NULL, NULL, NULL, NULL));
    tg_tensor *y = tg_nn_transformer_decoder_layer_forward(m, x, x, NULL, NULL, NULL, NULL);
    CHECK(y && tg_ndim(y) == 3 && tg_shape(y)[1] == 3);
    tg_module_free(relu);
    tg_module_free(m);
    tg_scope_end();
}

int main(void)
{
    containers();
    bilinear();
    decoder_layer();
    return TEST_MAIN_END();
}
