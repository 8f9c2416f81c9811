/* Oracle for the initialisers (tg_init_*): PyTorch's gains and fans, the
   bounds and standard deviations its formulas give, errors and warnings.
   The draws come from tensorgrad's own random streams, so their values are
   checked statistically in test_nn_modules; here the numbers they are drawn
   with. nn_init.py prints the same with torch.nn.init. */
#include "oracle.h"

#include <math.h>
#include <string.h>

static void shape_text(const tg_tensor *t)
{
    printf("torch.Size([");
    for (int i = 0; i < tg_ndim(t); i++) printf(i ? ", %lld" : "%lld", (long long)tg_shape(t)[i]);
    printf("])\n");
}

static void print_shape_list(const int64_t *shape, int ndim)
{
    printf("[");
    for (int i = 0; i < ndim; i++) printf(i ? ", %lld" : "%lld", (long long)shape[i]);
    printf("]");
}

/* label: the result's shape, or the error; warnings print as raised. */
static void caught_shape(const char *label, tg_tensor *t)
{
    printf("%s: ", label);
    if (t) shape_text(t);
    else printf("error: %s\n", tg_last_error());
    tg_clear_error();
}

static void caught_error(const char *label, tg_tensor *t)
{
    printf("%s: ", label);
    if (t) printf("no error\n");
    else printf("error: %s\n", tg_last_error());
    tg_clear_error();
}

typedef struct shape {
    int64_t sizes[4];
    int ndim;
} shape;

int main(void)
{
    static const struct { const char *name; double param; } GAINS[] = {
        {"linear", NAN}, {"conv2d", NAN}, {"conv_transpose2d", NAN}, {"sigmoid", NAN}, {"tanh", NAN},
        {"relu", NAN}, {"leaky_relu", NAN}, {"leaky_relu", 0.2}, {"leaky_relu", 2.23606797749979},
        {"selu", NAN}};
    for (size_t i = 0; i < sizeof GAINS / sizeof *GAINS; i++) {
        char param[32];
        if (isnan(GAINS[i].param)) snprintf(param, sizeof param, "None");
        else snprintf(param, sizeof param, "%.15g", GAINS[i].param);
        printf("gain %s %s: %.12f\n", GAINS[i].name, param, tg_init_calculate_gain(GAINS[i].name, GAINS[i].param));
    }
    double bad = tg_init_calculate_gain("softmax", NAN);
    printf("gain softmax: %s%s\n", isnan(bad) ? "error: " : "no error", isnan(bad) ? tg_last_error() : "");
    tg_clear_error();

    static const shape SHAPES[] = {{{3, 4}, 2}, {{8, 3, 5, 5}, 4}, {{2, 6, 7}, 3}, {{5, 1}, 2}};
    enum { N_SHAPES = sizeof SHAPES / sizeof *SHAPES };
    for (int s = 0; s < N_SHAPES; s++) {
        int64_t fan_in = 0, fan_out = 0;
        tg_init_calculate_fan_in_and_fan_out(tg_empty(SHAPES[s].sizes, SHAPES[s].ndim, TG_F32), &fan_in, &fan_out);
        printf("fans ");
        print_shape_list(SHAPES[s].sizes, SHAPES[s].ndim);
        printf(": %lld %lld\n", (long long)fan_in, (long long)fan_out);
    }
    int rc = tg_init_calculate_fan_in_and_fan_out(tg_empty(TG_SHAPE(3), TG_F32), NULL, NULL);
    printf("fans 1-d: %s%s\n", rc ? "error: " : "", rc ? tg_last_error() : "");
    tg_clear_error();

    /* The bounds and stds of xavier_* and kaiming_* from the public gain
       and fan functions, as torch/nn/init.py computes them. */
    for (int s = 0; s < N_SHAPES; s++) {
        tg_tensor *t = tg_empty(SHAPES[s].sizes, SHAPES[s].ndim, TG_F32);
        int64_t fan_in, fan_out;
        tg_init_calculate_fan_in_and_fan_out(t, &fan_in, &fan_out);
        double std = sqrt(2.0 / (double)(fan_in + fan_out));
        printf("xavier ");
        print_shape_list(SHAPES[s].sizes, SHAPES[s].ndim);
        printf(" gain 2: bound %.12f std %.12f\n", 2 * sqrt(3.0) * std, 2 * std);
        static const struct { double a; const char *nonlinearity; } KAIMING[] = {
            {0, "leaky_relu"}, {2.23606797749979, "leaky_relu"}, {0, "relu"}, {0, "tanh"}};
        for (int mode = 0; mode < 2; mode++)
            for (size_t k = 0; k < sizeof KAIMING / sizeof *KAIMING; k++) {
                double fan = (double)(mode == TG_FAN_IN ? fan_in : fan_out);
                double kstd = tg_init_calculate_gain(KAIMING[k].nonlinearity, KAIMING[k].a) / sqrt(fan);
                printf("kaiming ");
                print_shape_list(SHAPES[s].sizes, SHAPES[s].ndim);
                printf(" %s %s a=%.4f: bound %.12f std %.12f\n", mode == TG_FAN_IN ? "fan_in" : "fan_out",
                       KAIMING[k].nonlinearity, KAIMING[k].a, sqrt(3.0) * kstd, kstd);
            }
    }

    caught_shape("kaiming_uniform_ 1-d", tg_init_kaiming_uniform_(tg_zeros(TG_SHAPE(3), TG_F32), 0, TG_FAN_IN, NULL));
    caught_shape("kaiming_uniform_ zero-element",
                 tg_init_kaiming_uniform_(tg_zeros(TG_SHAPE(0, 3), TG_F32), 0, TG_FAN_IN, NULL));
    caught_shape("kaiming_normal_ zero-element",
                 tg_init_kaiming_normal_(tg_zeros(TG_SHAPE(3, 0), TG_F32), 0, TG_FAN_IN, NULL));
    caught_error("kaiming_uniform_ bad nonlinearity",
                 tg_init_kaiming_uniform_(tg_zeros(TG_SHAPE(2, 3), TG_F32), 0, TG_FAN_IN, "softmax"));
    caught_error("xavier_uniform_ 1-d", tg_init_xavier_uniform_(tg_zeros(TG_SHAPE(3), TG_F32), 1));
    caught_error("xavier_normal_ zero fans", tg_init_xavier_normal_(tg_zeros(TG_SHAPE(0, 0), TG_F32), 1));
    caught_error("orthogonal_ 1-d", tg_init_orthogonal_(tg_zeros(TG_SHAPE(3), TG_F32), 1));
    caught_shape("orthogonal_ zero-element", tg_init_orthogonal_(tg_zeros(TG_SHAPE(0, 3), TG_F32), 1));
    tg_tensor *far = tg_init_trunc_normal_(tg_zeros(TG_SHAPE(2), TG_F32), 5, 1, -1, 1);
    show("trunc_normal_ mean far", tg_le_scalar(tg_max(tg_abs(far)), 1));
    show("constant_", tg_init_constant_(tg_zeros(TG_SHAPE(2, 2), TG_F32), 0.25));
    show("ones_", tg_init_ones_(tg_zeros(TG_SHAPE(3), TG_F32)));
    show("zeros_", tg_init_zeros_(tg_ones(TG_SHAPE(2), TG_F64)));
    tg_tensor *p = leaf(tg_zeros(TG_SHAPE(2), TG_F32));
    show("constant_ of a leaf that requires grad", tg_init_constant_(p, 3));
    show("the leaf", p);
    return 0;
}
