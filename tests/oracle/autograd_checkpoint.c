/* Activation checkpointing (tg_checkpoint, tg_checkpoint_sequential) gives
   the values and gradients of the plain run: against PyTorch's
   checkpoint(use_reentrant=False) (first and second derivatives,
   autograd.grad through it) and checkpoint_sequential over an MLP. Prints
   what autograd_checkpoint.py prints. */
#include <tensorgrad.h>

#include <stdio.h>
#include <stdlib.h>

#include "oracle.h"

static tg_tensor *fn(tg_tensor *const *in, int n, void *ctx)
{
    (void)n, (void)ctx;
    return tg_add(tg_mul(tg_sin(in[0]), in[1]), tg_mul(in[0], in[0]));
}

static tg_tensor *vec3(float a, float b, float c) { return tg_from_f32(F32(a, b, c), TG_SHAPE(3)); }

/* Python's print(label, a, b). */
static void pair(const char *label, const tg_tensor *a, const tg_tensor *b)
{
    char *sa = tg_repr(a), *sb = tg_repr(b);
    printf("%s %s %s\n", label, sa, sb);
    free(sa);
    free(sb);
}

static void checkpoint_fn(void)
{
    tg_scope_begin();
    tg_tensor *in[2] = {leaf(vec3(0.5, -1.0, 2.0)), leaf(vec3(1.5, 0.25, -0.75))};
    tg_tensor *y = tg_checkpoint(fn, in, 2, NULL);
    show("checkpoint", tg_detach(y));   /* PyTorch's use_reentrant=False keeps fn's own node */
    tg_backward(tg_sum(tg_mul(y, vec3(1, 2, 3))), NULL);
    pair("checkpoint grads:", tg_grad(in[0]), tg_grad(in[1]));
    tg_zero_grad(in[0]);
    tg_zero_grad(in[1]);
    tg_backward(tg_sum(tg_mul(fn(in, 2, NULL), vec3(1, 2, 3))), NULL);
    pair("plain grads:", tg_grad(in[0]), tg_grad(in[1]));

    tg_tensor *x[2] = {leaf(vec3(0.5, -1.0, 2.0)), leaf(vec3(1.5, 0.25, -0.75))};
    y = tg_checkpoint(fn, x, 2, NULL);
    tg_tensor *total = tg_sum(y), *g[2] = {NULL, NULL}, *gg = NULL;
    tg_autograd_grad(&total, 1, x, 2, NULL, (tg_backward_opts){.create_graph = true}, g);
    pair("autograd.grad:", g[0], g[1]);
    total = tg_sum(g[0]);
    tg_autograd_grad(&total, 1, x, 1, NULL, (tg_backward_opts){0}, &gg);
    show("second order", gg);

    tg_tensor *c[2] = {vec3(1, 2, 3), x[1]};
    tg_backward(tg_sum(tg_checkpoint(fn, c, 2, NULL)), NULL);
    show("constant input", tg_grad(x[1]));
    tg_scope_end();
}

static void sequential(void)
{
    tg_scope_begin();
    tg_module *model = tg_nn_sequential(
        (tg_module *[]){tg_nn_linear(4, 6, true), tg_nn_tanh(), tg_nn_linear(6, 6, true), tg_nn_tanh(),
                        tg_nn_linear(6, 6, true), tg_nn_tanh(), tg_nn_linear(6, 2, true)},
        7);
    fill_parameters(model);
    tg_tensor *inp = leaf(tg_from_f32(F32(0.5, -1.0, 2.0, 0.25, 1.0, 0.0, -0.5, 1.5), TG_SHAPE(2, 4)));
    tg_tensor *out = tg_checkpoint_sequential(model, 3, inp);
    show("sequential", out);
    printf("sequential grad_fn: %s\n", tg_node_name(tg_grad_fn(out)));
    tg_backward(tg_sum(tg_mul(out, tg_from_f32(F32(1.0, -1.0, 0.5, 2.0), TG_SHAPE(2, 2)))), NULL);
    tg_dict *named = tg_module_named_parameters(model);
    for (int k = 0; k < tg_dict_len(named); k++) {
        printf("%s grad: ", tg_dict_key(named, k));
        tg_print(tg_grad(tg_dict_get(named, tg_dict_key(named, k))));
    }
    tg_dict_free(named);
    show("input grad", tg_grad(inp));
    tg_module_free(model);
    tg_scope_end();
}

int main(void)
{
    checkpoint_fn();
    sequential();
    return 0;
}
