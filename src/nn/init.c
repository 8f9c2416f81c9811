/* The initialisers of torch.nn.init, with its gain and fan rules: each
   writes its tensor in place under no-grad and returns it. The random
   streams are tensorgrad's (tg_uniform_, tg_normal_), not PyTorch's; the
   bounds and standard deviations are PyTorch's formulas. */
#include "nn.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

double tg_init_calculate_gain(const char *nonlinearity, double param)
{
    if (!nonlinearity) return tg__fail(TG_E_NULL, "%s(): nonlinearity is NULL", __func__), NAN;
    static const char *const LINEAR[] = {"linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d",
                                         "conv_transpose2d", "conv_transpose3d", "sigmoid"};
    for (size_t i = 0; i < sizeof LINEAR / sizeof *LINEAR; i++)
        if (strcmp(nonlinearity, LINEAR[i]) == 0) return 1;
    if (strcmp(nonlinearity, "tanh") == 0) return 5.0 / 3;
    if (strcmp(nonlinearity, "relu") == 0) return sqrt(2.0);
    if (strcmp(nonlinearity, "leaky_relu") == 0) {
        double slope = isnan(param) ? 0.01 : param;
        return sqrt(2.0 / (1 + slope * slope));
    }
    if (strcmp(nonlinearity, "selu") == 0) return 3.0 / 4;
    tg__fail(TG_E_INVALID, "Unsupported nonlinearity %s", nonlinearity);
    return NAN;
}

int tg_init_calculate_fan_in_and_fan_out(const tg_tensor *t, int64_t *fan_in, int64_t *fan_out)
{
    TG_ARGI(t);
    if (t->ndim < 2)
        return tg__faili(TG_E_INVALID,
                         "Fan in and fan out can not be computed for tensor with fewer than 2 dimensions");
    int64_t receptive_field = tg__numel(t->shape + 2, t->ndim - 2);
    if (fan_in) *fan_in = t->shape[1] * receptive_field;
    if (fan_out) *fan_out = t->shape[0] * receptive_field;
    return 0;
}

/* ------------------------------------------------- fills and draws */

tg_tensor *tg_init_uniform_(tg_tensor *t, double a, double b)
{
    TG_ARG(t);
    tg_tensor *r = NULL;
    TG_NO_GRAD r = tg_uniform_(t, a, b);
    return r;
}

tg_tensor *tg_init_normal_(tg_tensor *t, double mean, double std)
{
    TG_ARG(t);
    tg_tensor *r = NULL;
    TG_NO_GRAD r = tg_normal_(t, mean, std);
    return r;
}

tg_tensor *tg_init_constant_(tg_tensor *t, double value)
{
    TG_ARG(t);
    tg_tensor *r = NULL;
    TG_NO_GRAD r = tg_fill_(t, value);
    return r;
}

tg_tensor *tg_init_ones_(tg_tensor *t) { return tg_init_constant_(t, 1); }
tg_tensor *tg_init_zeros_(tg_tensor *t) { return tg_init_constant_(t, 0); }

/* ------------------------------------------------------ xavier, kaiming */

/* Xavier's std, gain * sqrt(2 / (fan_in + fan_out)); NAN with an error. */
static double xavier_std(const tg_tensor *t, double gain)
{
    int64_t fan_in, fan_out;
    if (tg_init_calculate_fan_in_and_fan_out(t, &fan_in, &fan_out)) return NAN;
    if (fan_in + fan_out == 0) return tg__fail(TG_E_INVALID, "float division by zero"), NAN;
    return gain * sqrt(2.0 / (double)(fan_in + fan_out));
}

tg_tensor *tg_init_xavier_uniform_(tg_tensor *t, double gain)
{
    TG_ARG(t);
    double bound = sqrt(3.0) * xavier_std(t, gain);
    return isnan(bound) ? NULL : tg_init_uniform_(t, -bound, bound);
}

tg_tensor *tg_init_xavier_normal_(tg_tensor *t, double gain)
{
    TG_ARG(t);
    double std = xavier_std(t, gain);
    return isnan(std) ? NULL : tg_init_normal_(t, 0, std);
}

/* Kaiming's std, gain / sqrt(fan); 0 (after PyTorch's warning) for a tensor
   with no elements, which is left as it is; NAN with an error. */
static double kaiming_std(const tg_tensor *t, double a, tg_fan_mode mode, const char *nonlinearity)
{
    if (tg__numel(t->shape, t->ndim) == 0) {
        tg__warn("Initializing zero-element tensors is a no-op");
        return 0;
    }
    if (mode != TG_FAN_IN && mode != TG_FAN_OUT)
        return tg__fail(TG_E_INVALID, "Mode %d not supported, please use one of fan_in, fan_out", (int)mode), NAN;
    int64_t fan_in, fan_out;
    if (tg_init_calculate_fan_in_and_fan_out(t, &fan_in, &fan_out)) return NAN;
    double gain = tg_init_calculate_gain(nonlinearity ? nonlinearity : "leaky_relu", a);
    return isnan(gain) ? NAN : gain / sqrt((double)(mode == TG_FAN_IN ? fan_in : fan_out));
}

tg_tensor *tg_init_kaiming_uniform_(tg_tensor *t, double a, tg_fan_mode mode, const char *nonlinearity)
{
    TG_ARG(t);
    double std = kaiming_std(t, a, mode, nonlinearity);
    if (isnan(std)) return NULL;
    return std == 0 ? t : tg_init_uniform_(t, -sqrt(3.0) * std, sqrt(3.0) * std);
}

tg_tensor *tg_init_kaiming_normal_(tg_tensor *t, double a, tg_fan_mode mode, const char *nonlinearity)
{
    TG_ARG(t);
    double std = kaiming_std(t, a, mode, nonlinearity);
    if (isnan(std)) return NULL;
    return std == 0 ? t : tg_init_normal_(t, 0, std);
}

/* ----------------------------------------------------- trunc_normal_ */

static double norm_cdf(double x) { return (1 + erf(x / sqrt(2.0))) / 2; }

/* PyTorch's inverse-CDF draw: uniform on [2l-1, 2u-1], erfinv, scale,
   shift, clamp to [a, b]. */
tg_tensor *tg_init_trunc_normal_(tg_tensor *t, double mean, double std, double a, double b)
{
    TG_ARG(t);
    if (mean < a - 2 * std || mean > b + 2 * std)
        tg__warn("mean is more than 2 std from [a, b] in nn.init.trunc_normal_. "
                 "The distribution of values may be incorrect.");
    double l = norm_cdf((a - mean) / std), u = norm_cdf((b - mean) / std);
    tg_tensor *r = NULL;
    TG_NO_GRAD {
        r = tg_uniform_(t, 2 * l - 1, 2 * u - 1);
        if (r) r = tg_erfinv_(t);
        if (r) r = tg_mul_scalar_(t, std * sqrt(2.0));
        if (r) r = tg_add_scalar_(t, mean);
        if (r) r = tg_clamp_(t, a, b);
    }
    return r;
}

/* ------------------------------------------------------- orthogonal_ */

/* Orthonormalises the n columns of the m x n row-major matrix a (m >= n)
   in place by Gram-Schmidt, twice over for accuracy: a becomes Q of a = QR
   with R's diagonal positive, which is PyTorch's q * sign(diag(r)). A
   column with nothing left of it becomes 0, as sign(0) makes it there. */
static void orthonormalise_columns(double *a, int64_t m, int64_t n)
{
    for (int64_t j = 0; j < n; j++) {
        for (int pass = 0; pass < 2; pass++)
            for (int64_t k = 0; k < j; k++) {
                double dot = 0;
                for (int64_t i = 0; i < m; i++) dot += a[i * n + k] * a[i * n + j];
                for (int64_t i = 0; i < m; i++) a[i * n + j] -= dot * a[i * n + k];
            }
        double norm = 0;
        for (int64_t i = 0; i < m; i++) norm += a[i * n + j] * a[i * n + j];
        norm = sqrt(norm);
        for (int64_t i = 0; i < m; i++) a[i * n + j] = norm > 0 ? a[i * n + j] / norm : 0;
    }
}

/* The rows x cols matrix with orthonormal rows (rows <= cols) or columns,
   drawn from normal values as PyTorch draws it, as a new f64 tensor. */
static tg_tensor *orthogonal_matrix(int64_t rows, int64_t cols)
{
    bool wide = rows < cols;
    int64_t m = wide ? cols : rows, n = wide ? rows : cols;
    tg_tensor *draw = tg_randn(TG_SHAPE(m, n), TG_F64);
    if (!draw) return NULL;
    double *a = (double *)tg__ptr(draw);   /* contiguous: just made */
    orthonormalise_columns(a, m, n);
    return wide ? tg_transpose(draw, 0, 1) : draw;
}

tg_tensor *tg_init_orthogonal_(tg_tensor *t, double gain)
{
    TG_ARG(t);
    if (t->ndim < 2) return tg__fail(TG_E_INVALID, "Only tensors with 2 or more dimensions are supported");
    int64_t numel = tg__numel(t->shape, t->ndim);
    if (numel == 0) return t;
    tg_tensor *r = NULL;
    TG_NO_GRAD {
        tg_tensor *q = orthogonal_matrix(t->shape[0], numel / t->shape[0]);
        if (q) r = tg_copy_(t, tg_reshape(q, t->shape, t->ndim));
        if (r) r = tg_mul_scalar_(t, gain);
    }
    return r;
}

/* ------------------------------------------------------------ layers */

/* nn.Linear's and nn.ConvNd's reset_parameters: kaiming_uniform_ with
   a = sqrt(5) for the weight, uniform on +-1/sqrt(fan_in) for the bias. */
tg_tensor *tg__init_linear_weight(tg_tensor *weight)
{
    return tg_init_kaiming_uniform_(weight, sqrt(5.0), TG_FAN_IN, "leaky_relu");
}

tg_tensor *tg__init_fan_in_uniform(tg_tensor *t, const tg_tensor *weight)
{
    int64_t fan_in;
    if (tg_init_calculate_fan_in_and_fan_out(weight, &fan_in, NULL)) return NULL;
    double bound = fan_in > 0 ? 1 / sqrt((double)fan_in) : 0;
    return tg_init_uniform_(t, -bound, bound);
}
