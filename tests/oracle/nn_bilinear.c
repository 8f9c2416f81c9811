/* Oracle for the Bilinear layer: what nn_bilinear.py prints with
   torch.nn.Bilinear: its repr, state_dict names and shapes, the init
   bound, a forward (batched and with leading dims, with and without bias)
   with every parameter filled by the same rule in both programs, the
   gradients of the inputs and parameters, and PyTorch's errors. */
#include "oracle.h"

#include <math.h>
#include <stdlib.h>

/* ((13 i + a) % 17 - 8) / 8 in shape, requiring grad. */
static tg_tensor *inputs(const int64_t *shape, int ndim, int a)
{
    int64_t n = 1;
    for (int i = 0; i < ndim; i++) n *= shape[i];
    float *values = malloc(sizeof *values * (size_t)(n ? n : 1));
    for (int64_t i = 0; i < n; i++) values[i] = (float)((13 * i + a) % 17 - 8) / 8;
    tg_tensor *x = leaf(tg_reshape(tg_from_f32(values, TG_SHAPE(n)), shape, ndim));
    free(values);
    return x;
}

/* Every initial value within +-1/sqrt(in1_features), and not all equal. */
static void init_bound(int64_t in1, int64_t in2, int64_t out)
{
    tg_manual_seed(3);
    tg_module *m = tg_nn_bilinear(in1, in2, out, true);
    double bound = 1 / sqrt((double)in1);
    const char *names[] = {"weight", "bias"};
    for (int k = 0; k < 2; k++) {
        tg_tensor *p = tg_module_get_parameter(m, names[k]);
        double lo = tg_item(tg_min(p)), hi = tg_item(tg_max(p));
        printf("Bilinear(%lld, %lld, %lld).%s within bound: %s, spread: %s\n", (long long)in1, (long long)in2,
               (long long)out, names[k], lo >= -bound && hi <= bound ? "True" : "False", hi > lo ? "True" : "False");
    }
    tg_module_free(m);
}

static void forward(const char *label, bool bias, const int64_t *shape1, const int64_t *shape2, int ndim)
{
    tg_module *m = tg_nn_bilinear(shape1[ndim - 1], shape2[ndim - 1], 2, bias);
    fill_parameters(m);
    tg_tensor *x1 = inputs(shape1, ndim, 0), *x2 = inputs(shape2, ndim, 5);
    tg_tensor *leaves[] = {x1, x2, tg_module_get_parameter(m, "weight"), tg_module_get_parameter(m, "bias")};
    check(label, tg_nn_bilinear_forward(m, x1, x2), leaves, bias ? 4 : 3);
    tg_module_free(m);
}

int main(void)
{
    tg_scope_begin();
    tg_module *m = tg_nn_bilinear(3, 4, 5, true);
    describe_module(m);
    show("wrong size", tg_nn_bilinear_forward(m, tg_ones(TG_SHAPE(2, 4), TG_F32), tg_ones(TG_SHAPE(2, 4), TG_F32)));
    show("batch sizes", tg_nn_bilinear_forward(m, tg_ones(TG_SHAPE(2, 3), TG_F32), tg_ones(TG_SHAPE(3, 4), TG_F32)));
    tg_module_free(m);
    describe_module(m = tg_nn_bilinear(2, 1, 3, false));
    tg_module_free(m);
    init_bound(3, 4, 5);
    init_bound(16, 2, 8);

    forward("batched", true, I64(3, 2), I64(3, 4), 2);
    forward("no bias", false, I64(3, 2), I64(3, 4), 2);
    forward("leading dims", true, I64(2, 2, 3), I64(2, 2, 2), 3);
    forward("no batch", true, I64(3), I64(2), 1);

    m = tg_nn_bilinear(0, 2, 2, true);
    printf("Bilinear(0, 2, 2): %s\n", m ? "made" : tg_last_error());
    tg_scope_end();
    return 0;
}
