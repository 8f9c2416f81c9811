/* A small network as torch.nn builds it: a Sequential of layers, printed,
   trained for a few hundred steps with Adam, a cosine learning-rate
   schedule and gradient clipping (one scope per step), then copied into a
   fresh model through its state_dict. */
#include <stdio.h>
#include <tensorgrad.h>

static tg_module *make_model(void)
{
    tg_module *layers[] = {tg_nn_linear(2, 16, true), tg_nn_tanh(), tg_nn_linear(16, 1, true)};
    return tg_nn_sequential(layers, 3);   /* owns its layers, also when it fails */
}

int main(void)
{
    tg_manual_seed(0);
    tg_module *model = make_model();
    if (!model) {
        fprintf(stderr, "%s\n", tg_last_error());
        return 1;
    }
    tg_module_print(model);   /* Sequential(\n  (0): Linear(in_features=2, out_features=16, bias=True) ... */
    printf("parameters: %lld\n", (long long)tg_module_parameter_count(model, true));

    /* Learn y = x0 * x1 on 64 points of [-1, 1]^2. */
    tg_tensor *x = tg_retain(tg_sub_scalar(tg_mul_scalar(tg_rand(TG_SHAPE(64, 2), TG_F32), 2), 1));
    tg_tensor *y = tg_retain(tg_mul(tg_narrow(x, 1, 0, 1), tg_narrow(x, 1, 1, 1)));
    tg_tensor *params[4];
    int n = tg_module_parameters(model, params, 4);
    tg_adam_opts adam = tg_adam_defaults();
    adam.lr = 0.02;
    tg_optimizer *opt = tg_adam(params, n, adam);
    tg_scheduler *schedule = tg_cosine_annealing_lr(opt, 500, 1e-4);
    if (!opt || !schedule) {
        fprintf(stderr, "%s\n", tg_last_error());
        return 1;
    }
    for (int step = 0; step <= 500; step++) {
        tg_scope_begin();
        tg_tensor *loss = tg_mse_loss(tg_module_forward(model, x), y);
        tg_optimizer_zero_grad(opt);
        if (tg_backward(loss, NULL) != 0 || tg_clip_grad_norm_(params, n, 1.0, 2.0, NULL) != 0 ||
            tg_optimizer_step(opt) != 0 || tg_scheduler_step(schedule) != 0) {
            fprintf(stderr, "%s\n", tg_last_error());
            return 1;
        }
        if (step % 100 == 0) printf("step %d: loss %.5f\n", step, tg_item(loss));
        tg_scope_end();
    }
    tg_scheduler_free(schedule);
    tg_optimizer_free(opt);

    /* The trained weights, by name, into a new model. */
    tg_dict *state = tg_module_state_dict(model);
    for (int i = 0; i < tg_dict_len(state); i++) printf("%s\n", tg_dict_key(state, i));   /* 0.weight, 0.bias, ... */
    tg_module *copy = make_model();
    if (tg_module_load_state_dict(copy, state, true) != 0) fprintf(stderr, "%s\n", tg_last_error());
    tg_module_train(copy, false);
    printf("copy's loss: %.5f\n", tg_item(tg_mse_loss(tg_module_forward(copy, x), y)));

    tg_dict_free(state);
    tg_module_free(copy);
    tg_module_free(model);
    tg_release(x);
    tg_release(y);
    return 0;
}
