/* Oracle for ModuleList and ModuleDict: what nn_containers.py prints with
   torch.nn: their repr, lengths, keys and state_dict names, indexing and
   replacing, PyTorch's errors, and a forward through a list's layers with
   every parameter filled by the same rule in both programs. */
#include "oracle.h"


static void print_keys(const char *label, const tg_module *m)
{
    tg_dict *state = tg_module_state_dict(m);
    printf("%s:", label);
    for (int i = 0; i < tg_dict_len(state); i++) printf(" %s", tg_dict_key(state, i));
    printf("\n");
    tg_dict_free(state);
}

/* The class name of a module, or the error that made it NULL. */
static void print_name(const char *label, const tg_module *m)
{
    if (m) printf("%s: %s\n", label, tg_module_name(m));
    else printf("%s: error: %s\n", label, tg_last_error());
}

static void print_rc(const char *label, int rc)
{
    if (rc == 0) printf("%s: ok\n", label);
    else printf("%s: error: %s\n", label, tg_last_error());
}

static void module_list(void)
{
    tg_module *list = tg_nn_module_list((tg_module *[]){tg_nn_linear(3, 2, true), tg_nn_relu()}, 2);
    print_rc("append", tg_module_list_append(list, tg_nn_linear(2, 4, false)));
    tg_module_print(list);
    printf("len: %d\n", tg_module_num_children(list));
    print_keys("keys", list);
    print_name("list[0]", tg_module_list_get(list, 0));
    print_name("list[-1]", tg_module_list_get(list, -1));
    print_name("list[-3]", tg_module_list_get(list, -3));
    print_name("list[3]", tg_module_list_get(list, 3));
    print_name("list[-4]", tg_module_list_get(list, -4));
    print_rc("list[1] = Tanh()", tg_module_list_set(list, 1, tg_nn_tanh()));
    print_rc("list[-1] = Linear(2, 3)", tg_module_list_set(list, -1, tg_nn_linear(2, 3, true)));
    print_rc("list[5] = ReLU()", tg_module_list_set(list, 5, tg_nn_relu()));
    tg_module_print(list);
    print_keys("keys", list);

    /* The layers applied in turn, as a forward written over the list would. */
    fill_parameters(list);
    tg_tensor *x = leaf(tg_reshape(tg_div_scalar(tg_arange(-3, 3, 1, TG_F32), 4), TG_SHAPE(2, 3)));
    const tg_tensor *y = x;
    for (int i = 0; i < tg_module_num_children(list); i++) y = tg_module_forward(tg_module_list_get(list, i), y);
    tg_tensor *leaves[] = {x, tg_module_get_parameter(list, "0.weight"), tg_module_get_parameter(list, "2.bias")};
    check("layers", (tg_tensor *)y, leaves, 3);
    show("list(x)", tg_module_forward(list, x));
    tg_module_free(list);

    tg_module *empty = tg_nn_module_list(NULL, 0);
    tg_module_print(empty);
    printf("len: %d\n", tg_module_num_children(empty));
    tg_module_free(empty);
}

static void module_dict(void)
{
    tg_module *d =
        tg_nn_module_dict((const char *[]){"b", "a"}, (tg_module *[]){tg_nn_relu(), tg_nn_linear(2, 2, true)}, 2);
    tg_module_print(d);
    print_name("d['a']", tg_module_dict_get(d, "a"));
    print_name("d['x']", tg_module_dict_get(d, "x"));
    print_rc("d['a'] = Tanh()", tg_module_dict_set(d, "a", tg_nn_tanh()));
    print_rc("d['c'] = Linear(2, 3)", tg_module_dict_set(d, "c", tg_nn_linear(2, 3, true)));
    print_rc("d['a.b'] = ReLU()", tg_module_dict_set(d, "a.b", tg_nn_relu()));
    print_rc("d[''] = ReLU()", tg_module_dict_set(d, "", tg_nn_relu()));
    tg_module_print(d);
    printf("keys:");
    for (int i = 0; i < tg_module_num_children(d); i++) printf(" %s", tg_module_dict_key(d, i));
    printf("\n");
    print_keys("state_dict", d);
    tg_tensor *x = tg_ones(TG_SHAPE(1, 2), TG_F32);
    show("d(x)", tg_module_forward(d, x));
    tg_module_free(d);

    tg_module *empty = tg_nn_module_dict(NULL, NULL, 0);
    tg_module_print(empty);
    tg_module_free(empty);
}

/* Containers inside a module of the user's own, and a TransformerEncoder's
   layers. */
static void nested(void)
{
    tg_module *net = tg_nn_module("Net");
    tg_module_add_module(net, "layers",
                         tg_nn_module_list((tg_module *[]){tg_nn_linear(2, 2, true), tg_nn_linear(2, 1, true)}, 2));
    tg_module_add_module(net, "heads",
                         tg_nn_module_dict((const char *[]){"cls"}, (tg_module *[]){tg_nn_linear(1, 3, false)}, 1));
    tg_module_print(net);
    print_keys("keys", net);
    tg_module_free(net);

    tg_module *encoder =
        tg_nn_transformer_encoder(tg_nn_transformer_encoder_layer(4, 2, 8, 0, NULL, 1e-5, true, false), 2, NULL);
    tg_module *layers = tg_module_get_submodule(encoder, "layers");
    print_name("encoder.layers", layers);
    print_name("encoder.layers[-1]", tg_module_list_get(layers, -1));
    tg_module_free(encoder);
}

int main(void)
{
    tg_scope_begin();
    module_list();
    module_dict();
    nested();
    tg_scope_end();
    return 0;
}
