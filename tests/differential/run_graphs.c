/* run_graphs: replays the expression graphs gen_graphs.py wrote (random
   ones and regressions.txt's, with PyTorch's results beside them) with
   tensorgrad and compares, for every operation, the result's dtype, shape,
   strides, grad_fn with its next functions, and values; the leaves'
   gradients; first derivatives with a graph and second derivatives; and the
   operations and backward passes PyTorch rejects, which tensorgrad must
   reject with PyTorch's message. A graph must also leave no tensor or node
   alive behind it.

       run_graphs [-v] [-g INDEX] FILE

   Values are compared per element (a complex one's real and imaginary parts
   each) as |a - b| / (|b| + atol), atol scaled by the largest expected
   magnitude of the tensor (at least 1); a graph is held to the tolerance of
   its least precise tensor (PRECISIONS: float16 and bfloat16 at 8 units in
   the last place of their own precision). The output ends
   with the worst error seen and "N passed, N failed"; the exit status is 0
   when every graph matched. -v says how each graph went; -g runs one graph.
   See gen_graphs.py for the format. */
#include <tensorgrad.h>

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Private counters (src/core/core.h, src/graph/graph.h), to catch memory a graph leaves behind. */
int64_t tg__live_tensors(void);
int64_t tg__live_nodes(void);

#define MAX_NODES 1024
#define MAX_TOKENS 4096
#define MAX_ITEMS 64   /* items of one index */

/* Tolerances by precision: relative error allowed, and atol as a fraction
   of the largest expected magnitude (at least 1). float16 and bfloat16 are
   compared at their own precision, 8 units in the last place of a value
   between 1 and 2 (8 x 2^-10, 8 x 2^-7): tensorgrad rounds as PyTorch's
   CPU kernels do, but a few of those kernels round between the steps of
   their formula where tensorgrad rounds once (docs/guide_tensors.md), and
   a unit's difference in one result grows by a few through the operations
   after it. */
enum { P_F64, P_F32, P_F16, P_BF16, N_PRECISIONS };
static const struct { const char *name; double rtol, atol; } PRECISIONS[N_PRECISIONS] = {
    [P_F64] = {"float64", 1e-9, 1e-1},
    [P_F32] = {"float32", 1e-4, 1},
    [P_F16] = {"float16", 8 * 0x1p-10, 1},
    [P_BF16] = {"bfloat16", 8 * 0x1p-7, 1},
};

/* The precision a dtype's values are compared at: complex as its parts,
   integers and bools (exact) as float64. */
static int precision_of(tg_dtype dt)
{
    switch (dt) {
    case TG_F32: case TG_C64: return P_F32;
    case TG_F16: return P_F16;
    case TG_BF16: return P_BF16;
    default: return P_F64;
    }
}

static bool verbose;

typedef struct worst {
    double err;
    long graph;
    char what[96];
} worst;

static struct {
    int passed, failed;
    int graphs[N_PRECISIONS];   /* by precision */
    worst by_prec[N_PRECISIONS], all;
    int error_ops, error_backward;
    int unit_strides;       /* results whose strides differ along size-1 dims only */
    int hessians, regressions;
    int no_backward;        /* graphs whose backward PyTorch lacks a half kernel for */
    int with_dtype[4];      /* graphs holding a float16, bfloat16, complex64, complex128 tensor */
    long values;
} stats;

/* The graph being run. */
static struct {
    long index;
    char name[80];          /* regressions.txt's name, or "" */
    bool failed;
    int prec;               /* the least precise dtype's (P_F64 ...) */
    bool has[4];            /* holds a float16, bfloat16, complex64, complex128 tensor */
    tg_tensor *node[MAX_NODES];
    bool is_leaf[MAX_NODES];
    int loss;
    tg_tensor *hgrad[MAX_NODES];   /* first derivatives with a graph, by leaf */
    worst w;
} g;

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void fail(const char *fmt, ...)
{
    if (!g.failed) printf("graph %ld%s%s: FAILED\n", g.index, *g.name ? " " : "", g.name);
    g.failed = true;
    va_list ap;
    va_start(ap, fmt);
    printf("  ");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
}

/* ---------------------------------------------------------------- parsing */

static int split(char *line, char **tok)
{
    int n = 0;
    for (char *p = strtok(line, " \t\r\n"); p && n < MAX_TOKENS; p = strtok(NULL, " \t\r\n")) tok[n++] = p;
    return n;
}

/* The dtypes gen_graphs.py writes, by its names. */
static const struct { const char *name; tg_dtype dt; } DTYPE_NAMES[] = {
    {"f32", TG_F32}, {"f64", TG_F64}, {"bool", TG_BOOL}, {"i64", TG_I64},
    {"i8", TG_I8},   {"u8", TG_U8},   {"i16", TG_I16}, {"f16", TG_F16},
    {"bf16", TG_BF16}, {"c64", TG_C64}, {"c128", TG_C128},
};

static bool parse_dtype(const char *s, tg_dtype *dt)
{
    for (size_t i = 0; i < sizeof DTYPE_NAMES / sizeof *DTYPE_NAMES; i++)
        if (strcmp(s, DTYPE_NAMES[i].name) == 0) {
            *dt = DTYPE_NAMES[i].dt;
            return true;
        }
    return false;
}

/* "[2,-1,3]" into v; the count, or -1. */
static int parse_list(const char *s, int64_t *v)
{
    if (*s != '[') return -1;
    s++;
    int n = 0;
    while (*s && *s != ']') {
        char *end;
        if (n == TG_MAX_DIMS) return -1;
        v[n++] = strtoll(s, &end, 10);
        if (end == s) return -1;
        s = *end == ',' ? end + 1 : end;
    }
    return *s == ']' ? n : -1;
}

static int node_id(const char *s)
{
    if (s[0] != '%') return -1;
    int k = atoi(s + 1);
    return k >= 0 && k < MAX_NODES ? k : -1;
}

/* An expected tensor: dtype, shape, (strides, grad_fn name,) values. */
typedef struct expect {
    tg_dtype dtype;
    int ndim;
    int64_t shape[TG_MAX_DIMS];
    bool has_strides;
    int64_t strides[TG_MAX_DIMS];
    const char *grad_fn;   /* NULL when not given */
    double *values;
    int64_t n;
} expect;

static bool parse_expect(char **tok, int n, bool with_fn, expect *e)
{
    memset(e, 0, sizeof *e);
    if (n < 2 || !parse_dtype(tok[0], &e->dtype) || (e->ndim = parse_list(tok[1], e->shape)) < 0) return false;
    int k = 2;
    if (with_fn) {
        if (n < 4 || parse_list(tok[k++], e->strides) != e->ndim) return false;
        e->has_strides = true;
        e->grad_fn = tok[k++];
    }
    e->n = n - k;
    e->values = malloc((size_t)(e->n + 1) * sizeof *e->values);
    if (!e->values) return false;
    for (int64_t i = 0; i < e->n; i++) e->values[i] = strtod(tok[k + i], NULL);
    return true;
}

/* ------------------------------------------------------------- comparing */

static const char *dtype_str(tg_dtype dt)
{
    for (size_t i = 0; i < sizeof DTYPE_NAMES / sizeof *DTYPE_NAMES; i++)
        if (DTYPE_NAMES[i].dt == dt) return DTYPE_NAMES[i].name;
    return tg_dtype_name(dt);
}

static const char *shape_str(const int64_t *shape, int ndim, char *buf, size_t cap)
{
    size_t len = (size_t)snprintf(buf, cap, "[");
    for (int i = 0; i < ndim && len < cap; i++) len += (size_t)snprintf(buf + len, cap - len, i ? ",%lld" : "%lld", (long long)shape[i]);
    if (len < cap) snprintf(buf + len, cap - len, "]");
    return buf;
}

/* The dtypes counted in the summary, as g.has and stats.with_dtype hold them. */
static const tg_dtype NEW_DTYPES[4] = {TG_F16, TG_BF16, TG_C64, TG_C128};

static void note_precision(tg_dtype dt)
{
    if (precision_of(dt) > g.prec) g.prec = precision_of(dt);
    for (int i = 0; i < 4; i++)
        if (dt == NEW_DTYPES[i]) g.has[i] = true;
}

static bool is_complex(tg_dtype dt)
{
    return dt == TG_C64 || dt == TG_C128;
}

/* t's values in row-major order, a complex one's as (real, imaginary)
   pairs; *n of them. NULL when they cannot be read. */
static double *read_values(const tg_tensor *t, int64_t *n)
{
    bool cx = is_complex(tg_dtype_of(t));
    *n = tg_numel(t) * (cx ? 2 : 1);
    double *v = malloc((size_t)(*n + 1) * sizeof *v);
    if (v && (cx ? tg_copy_to_c128(t, v) : tg_copy_to_f64(t, v)) != 0) {
        free(v);
        return NULL;
    }
    return v;
}

static void note_error(double err, const char *what)
{
    if (err > g.w.err || g.w.graph < 0) {
        g.w.err = err;
        g.w.graph = g.index;
        snprintf(g.w.what, sizeof g.w.what, "%s", what);
    }
}

/* A grad_fn and its next functions, as gen_graphs.py writes them:
   "MulBackward0(AccumulateGrad,-)", or "-" for none. */
static void node_str(const tg_node *fn, char *buf, size_t cap)
{
    if (!fn) {
        snprintf(buf, cap, "-");
        return;
    }
    size_t len = (size_t)snprintf(buf, cap, "%s(", tg_node_name(fn));
    for (int i = 0; i < tg_node_num_next(fn) && len < cap; i++) {
        const tg_node *next = tg_node_next(fn, i);
        len += (size_t)snprintf(buf + len, cap - len, "%s%s", i ? "," : "", next ? tg_node_name(next) : "-");
    }
    if (len < cap) snprintf(buf + len, cap - len, ")");
}

/* Strides along dims of size 1 say nothing about the layout (PyTorch's own
   vary with how a tensor was made), nor do an empty tensor's. */
static bool strides_differ(const tg_tensor *t, const expect *e)
{
    if (tg_numel(t) == 0) return false;
    for (int i = 0; i < e->ndim; i++)
        if (e->shape[i] > 1 && tg_strides(t)[i] != e->strides[i]) return true;
    return false;
}

/* Compares t with e; zeros_ok lets an all-zero expectation match a NULL
   (second derivatives: PyTorch's graph may reach a leaf where tensorgrad's
   derivative, equally right, has no path, and vice versa). */
static void compare(const tg_tensor *t, const expect *e, const char *what)
{
    char a[128], b[128];
    if (tg_dtype_of(t) != e->dtype) {
        fail("%s: dtype %s, PyTorch has %s", what, dtype_str(tg_dtype_of(t)), dtype_str(e->dtype));
        return;
    }
    if (tg_ndim(t) != e->ndim || (e->ndim && memcmp(tg_shape(t), e->shape, (size_t)e->ndim * sizeof *e->shape))) {
        fail("%s: shape %s, PyTorch has %s", what, shape_str(tg_shape(t), tg_ndim(t), a, sizeof a),
             shape_str(e->shape, e->ndim, b, sizeof b));
        return;
    }
    if (e->has_strides && strides_differ(t, e)) {
        fail("%s: strides %s, PyTorch has %s", what, shape_str(tg_strides(t), tg_ndim(t), a, sizeof a),
             shape_str(e->strides, e->ndim, b, sizeof b));
    } else if (e->has_strides && tg_numel(t) > 0 && e->ndim &&
               memcmp(tg_strides(t), e->strides, (size_t)e->ndim * sizeof *e->strides) != 0) {
        stats.unit_strides++;
        if (verbose)
            printf("graph %ld: %s: strides %s, PyTorch has %s (size-1 dims only)\n", g.index, what,
                   shape_str(tg_strides(t), tg_ndim(t), a, sizeof a), shape_str(e->strides, e->ndim, b, sizeof b));
    }
    if (e->grad_fn) {
        char name[512];
        node_str(tg_grad_fn(t), name, sizeof name);
        if (strcmp(name, e->grad_fn) != 0) fail("%s: grad_fn %s, PyTorch has %s", what, name, e->grad_fn);
    }
    int64_t n;
    double *v = read_values(t, &n);
    if (!v) {
        fail("%s: cannot read values: %s", what, tg_last_error());
        return;
    }
    if (n != e->n) {
        fail("%s: %lld values, PyTorch has %lld", what, (long long)n, (long long)e->n);
        free(v);
        return;
    }
    double rtol = PRECISIONS[g.prec].rtol, scale = 1;
    for (int64_t i = 0; i < n; i++)
        if (isfinite(e->values[i]) && fabs(e->values[i]) > scale) scale = fabs(e->values[i]);
    double atol = PRECISIONS[g.prec].atol * scale, worst_err = 0;
    int64_t worst_i = -1;
    for (int64_t i = 0; i < n; i++) {
        double x = v[i], y = e->values[i], err;
        if (isnan(y) || isnan(x)) err = isnan(x) && isnan(y) ? 0 : INFINITY;
        else if (isinf(y) || isinf(x)) err = x == y ? 0 : INFINITY;
        else err = fabs(x - y) / (fabs(y) + atol);
        if (err > worst_err || worst_i < 0) {
            worst_err = err;
            worst_i = i;
        }
    }
    stats.values += n;
    if (worst_i >= 0) {
        note_error(worst_err, what);
        if (!(worst_err <= rtol))
            fail("%s: element %lld is %.17g, PyTorch has %.17g (relative error %.3g > %.0e)", what,
                 (long long)worst_i, v[worst_i], e->values[worst_i], worst_err, rtol);
    }
    free(v);
}

static bool all_zero(const expect *e)
{
    for (int64_t i = 0; i < e->n; i++)
        if (e->values[i] != 0) return false;
    return true;
}

/* An expected gradient: "none" or a tensor. */
static void compare_grad(const tg_tensor *grad, char **tok, int n, const char *what, bool zeros_ok)
{
    if (n == 1 && strcmp(tok[0], "none") == 0) {
        if (!grad) return;
        if (zeros_ok) {
            int64_t k;
            double *v = read_values(grad, &k);
            bool zero = v != NULL;
            for (int64_t i = 0; zero && i < k; i++) zero = v[i] == 0;
            free(v);
            if (zero) return;
        }
        fail("%s: tensorgrad has a gradient, PyTorch's is None", what);
        return;
    }
    expect e;
    if (!parse_expect(tok, n, false, &e)) {
        fail("%s: cannot parse the expectation", what);
        return;
    }
    if (!grad) {
        if (!(zeros_ok && all_zero(&e))) fail("%s: tensorgrad has no gradient, PyTorch has one", what);
    } else {
        compare(grad, &e, what);
    }
    free(e.values);
}

/* An expected error: tensorgrad must fail too, with PyTorch's message
   (whitespace normalized; PyTorch's hint about anomaly detection is
   deliberately left out, see docs/autograd.md). */
static void expect_failure(bool failed, char **tok, int n, const char *what)
{
    if (!failed) {
        fail("%s: tensorgrad succeeds, PyTorch fails with \"%s\"", what, n > 0 ? tok[0] : "");
        return;
    }
    const char *got = tg_last_error();
    if (!got || !*got) {
        fail("%s: failed without an error message", what);
        return;
    }
    char want[4096] = "";
    size_t len = 0;
    for (int i = 0; i < n && len < sizeof want; i++) {
        if (strcmp(tok[i], "Hint:") == 0) break;
        len += (size_t)snprintf(want + len, sizeof want - len, i ? " %s" : "%s", tok[i]);
    }
    /* Whitespace is normalized on both sides. */
    char have[4096];
    snprintf(have, sizeof have, "%s", got);
    char *htok[MAX_TOKENS];
    int hn = split(have, htok);
    char norm[4096] = "";
    len = 0;
    for (int i = 0; i < hn && len < sizeof norm; i++)
        len += (size_t)snprintf(norm + len, sizeof norm - len, i ? " %s" : "%s", htok[i]);
    if (strcmp(norm, want) != 0)
        fail("%s: the message differs\n  tensorgrad: %s\n  PyTorch:    %s", what, norm, want);
    tg_clear_error();
}

/* ------------------------------------------------------------ operations */

typedef tg_tensor *(*bin_fn)(const tg_tensor *, const tg_tensor *);
typedef tg_tensor *(*scal_fn)(const tg_tensor *, double);
typedef tg_tensor *(*un_fn)(const tg_tensor *);
typedef tg_tensor *(*ibin_fn)(tg_tensor *, const tg_tensor *);
typedef tg_tensor *(*iscal_fn)(tg_tensor *, double);

static const struct { const char *name; bin_fn f; } BINARY[] = {
    {"add", tg_add}, {"sub", tg_sub}, {"mul", tg_mul}, {"div", tg_div}, {"pow", tg_pow},
    {"maximum", tg_maximum}, {"minimum", tg_minimum}, {"matmul", tg_matmul},
    {"bce", tg_binary_cross_entropy_with_logits}, {"mse", tg_mse_loss}, {"complex", tg_complex},
    {"polar", tg_polar},
};
static const struct { const char *name; scal_fn f; } SCALAR[] = {
    {"add_scalar", tg_add_scalar}, {"sub_scalar", tg_sub_scalar}, {"mul_scalar", tg_mul_scalar},
    {"div_scalar", tg_div_scalar}, {"pow_scalar", tg_pow_scalar}, {"rsub_scalar", tg_rsub_scalar},
};
static const struct { const char *name; un_fn f; } UNARY[] = {
    {"neg", tg_neg}, {"exp", tg_exp}, {"log", tg_log}, {"sqrt", tg_sqrt}, {"abs", tg_abs},
    {"sin", tg_sin}, {"cos", tg_cos}, {"tanh", tg_tanh}, {"sigmoid", tg_sigmoid}, {"relu", tg_relu},
    {"sign", tg_sign}, {"sum", tg_sum}, {"mean", tg_mean}, {"norm", tg_norm}, {"t", tg_t},
    {"contiguous", tg_contiguous}, {"clone", tg_clone}, {"real", tg_real}, {"imag", tg_imag},
    {"conj", tg_conj}, {"angle", tg_angle}, {"view_as_real", tg_view_as_real},
    {"view_as_complex", tg_view_as_complex},
};
static const struct { const char *name; ibin_fn f; } INPLACE_BINARY[] = {
    {"add_", tg_add_}, {"sub_", tg_sub_}, {"mul_", tg_mul_}, {"div_", tg_div_}, {"pow_", tg_pow_},
    {"copy_", tg_copy_},
};
static const struct { const char *name; iscal_fn f; } INPLACE_SCALAR[] = {
    {"add_scalar_", tg_add_scalar_}, {"sub_scalar_", tg_sub_scalar_}, {"mul_scalar_", tg_mul_scalar_},
    {"div_scalar_", tg_div_scalar_}, {"pow_scalar_", tg_pow_scalar_}, {"fill_", tg_fill_},
};
/* The newer operations. */
static const struct { const char *name; un_fn f; } UNARY2[] = {
    {"log1p", tg_log1p}, {"log2", tg_log2}, {"log10", tg_log10}, {"rsqrt", tg_rsqrt},
    {"reciprocal", tg_reciprocal}, {"square", tg_square}, {"tan", tg_tan}, {"asin", tg_asin},
    {"acos", tg_acos}, {"atan", tg_atan}, {"sinh", tg_sinh}, {"cosh", tg_cosh}, {"asinh", tg_asinh},
    {"acosh", tg_acosh}, {"atanh", tg_atanh}, {"erf", tg_erf}, {"erfc", tg_erfc}, {"erfinv", tg_erfinv},
    {"expm1", tg_expm1}, {"gelu", tg_gelu}, {"gelu_tanh", tg_gelu_tanh}, {"silu", tg_silu},
    {"mish", tg_mish}, {"logsigmoid", tg_logsigmoid}, {"hardsigmoid", tg_hardsigmoid},
    {"hardswish", tg_hardswish}, {"selu", tg_selu}, {"relu6", tg_relu6},
    {"floor", tg_floor}, {"ceil", tg_ceil}, {"round", tg_round}, {"trunc", tg_trunc}, {"frac", tg_frac},
    {"logical_not", tg_logical_not}, {"isnan", tg_isnan}, {"isinf", tg_isinf}, {"isfinite", tg_isfinite},
    {"all", tg_all}, {"any", tg_any}, {"argmax_all", tg_argmax_all}, {"argmin_all", tg_argmin_all},
    {"max_all", tg_max}, {"min_all", tg_min}, {"prod", tg_prod}, {"squeeze", tg_squeeze},
};
typedef tg_tensor *(*iun_fn)(tg_tensor *);
static const struct { const char *name; iun_fn f; } INPLACE_UNARY2[] = {
    {"log1p_", tg_log1p_}, {"log2_", tg_log2_}, {"log10_", tg_log10_}, {"rsqrt_", tg_rsqrt_},
    {"reciprocal_", tg_reciprocal_}, {"square_", tg_square_}, {"tan_", tg_tan_}, {"asin_", tg_asin_},
    {"acos_", tg_acos_}, {"atan_", tg_atan_}, {"sinh_", tg_sinh_}, {"cosh_", tg_cosh_}, {"erf_", tg_erf_},
    {"erfc_", tg_erfc_}, {"erfinv_", tg_erfinv_}, {"expm1_", tg_expm1_}, {"silu_", tg_silu_},
    {"mish_", tg_mish_}, {"hardsigmoid_", tg_hardsigmoid_}, {"hardswish_", tg_hardswish_},
    {"selu_", tg_selu_}, {"relu6_", tg_relu6_}, {"neg_", tg_neg_}, {"exp_", tg_exp_}, {"log_", tg_log_},
    {"sqrt_", tg_sqrt_}, {"abs_", tg_abs_}, {"sin_", tg_sin_}, {"cos_", tg_cos_}, {"tanh_", tg_tanh_},
    {"sigmoid_", tg_sigmoid_}, {"relu_", tg_relu_}, {"t_", tg_t_}, {"squeeze_", tg_squeeze_}, {"floor_", tg_floor_},
    {"ceil_", tg_ceil_}, {"round_", tg_round_}, {"trunc_", tg_trunc_}, {"frac_", tg_frac_},
};
static const struct { const char *name; bin_fn f; } BINARY2[] = {
    {"atan2", tg_atan2}, {"hypot", tg_hypot}, {"eq", tg_eq}, {"ne", tg_ne}, {"lt", tg_lt}, {"le", tg_le},
    {"gt", tg_gt}, {"ge", tg_ge}, {"mm", tg_mm}, {"outer", tg_outer}, {"bmm", tg_bmm}, {"mv", tg_mv},
    {"dot", tg_dot}, {"fmod", tg_fmod}, {"remainder", tg_remainder}, {"xlogy", tg_xlogy},
    {"logical_and", tg_logical_and}, {"logical_or", tg_logical_or}, {"logical_xor", tg_logical_xor},
    {"masked_select", tg_masked_select},
};
static const struct { const char *name; ibin_fn f; } INPLACE_BINARY2[] = {
    {"atan2_", tg_atan2_}, {"hypot_", tg_hypot_}, {"fmod_", tg_fmod_}, {"remainder_", tg_remainder_},
    {"xlogy_", tg_xlogy_}, {"eq_", tg_eq_}, {"ne_", tg_ne_}, {"lt_", tg_lt_}, {"le_", tg_le_},
    {"gt_", tg_gt_}, {"ge_", tg_ge_},
};
static const struct { const char *name; scal_fn f; } SCALAR2[] = {
    {"eq_scalar", tg_eq_scalar}, {"ne_scalar", tg_ne_scalar}, {"lt_scalar", tg_lt_scalar},
    {"le_scalar", tg_le_scalar}, {"gt_scalar", tg_gt_scalar}, {"ge_scalar", tg_ge_scalar},
    {"clamp_min", tg_clamp_min}, {"clamp_max", tg_clamp_max}, {"leaky_relu", tg_leaky_relu},
    {"elu", tg_elu}, {"celu", tg_celu}, {"fmod_scalar", tg_fmod_scalar}, {"remainder_scalar", tg_remainder_scalar},
};
static const struct { const char *name; iscal_fn f; } INPLACE_SCALAR2[] = {
    {"clamp_min_", tg_clamp_min_}, {"clamp_max_", tg_clamp_max_}, {"leaky_relu_", tg_leaky_relu_},
    {"elu_", tg_elu_}, {"fmod_scalar_", tg_fmod_scalar_}, {"remainder_scalar_", tg_remainder_scalar_},
    {"lt_scalar_", tg_lt_scalar_}, {"gt_scalar_", tg_gt_scalar_}, {"le_scalar_", tg_le_scalar_},
    {"ge_scalar_", tg_ge_scalar_}, {"eq_scalar_", tg_eq_scalar_}, {"ne_scalar_", tg_ne_scalar_},
};
#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* The node an argument names, or NULL. */
static tg_tensor *node_arg(char **arg, int n, int i)
{
    int id = n > i ? node_id(arg[i]) : -1;
    return id >= 0 ? g.node[id] : NULL;
}

/* The items of index, index_put and index_put_ after their operands (see
   gen_graphs.py's index_items); their count. */
static int parse_items(char **arg, int n, tg_index_item *items)
{
    int k = 0;
    for (int i = 0; i < n && k < MAX_ITEMS; i++) {
        const char *s = arg[i];
        char *end;
        if (node_id(s) >= 0) items[k++] = TG_IDX_T(g.node[node_id(s)]);
        else if (strcmp(s, "n") == 0) items[k++] = TG_IDX_NEW;
        else if (strcmp(s, "e") == 0) items[k++] = TG_IDX_ELLIPSIS;
        else if (s[0] == 'i') items[k++] = TG_IDX_INT(strtoll(s + 2, NULL, 10));
        else {
            int64_t start = strtoll(s + 2, &end, 10), stop = strtoll(end + 1, &end, 10);
            items[k++] = TG_IDX_SLICE(start, stop, strtoll(end + 1, NULL, 10));
        }
    }
    return k;
}

static tg_tensor *advanced_index(const char *name, char **arg, int n, tg_tensor *a)
{
    tg_index_item items[MAX_ITEMS];
    if (strcmp(name, "index") == 0) return tg_index(a, items, parse_items(arg + 1, n - 1, items));
    tg_tensor *v = node_arg(arg, n, 1);
    bool accumulate = n > 2 && strtoll(arg[2], NULL, 10) != 0;
    int k = parse_items(arg + 3, n - 3, items);
    if (strcmp(name, "index_put") == 0) return tg_index_put(a, items, k, v, accumulate);
    return tg_index_put_(a, items, k, v, accumulate);
}

/* The newer operations with arguments beyond tensors and one number. */
static tg_tensor *execute2(const char *name, char **arg, int n, tg_tensor *a, bool *known)
{
    int64_t list[TG_MAX_DIMS], list2[TG_MAX_DIMS];
    int nl = n > 1 ? parse_list(arg[1], list) : -1;
    tg_tensor *c = node_arg(arg, n, 2);
#define LONG(i) (n > (i) ? strtoll(arg[i], NULL, 10) : 0)
#define REAL(i) (n > (i) ? strtod(arg[i], NULL) : 0)
    if (strcmp(name, "cat") == 0 || strcmp(name, "stack") == 0) {
        const tg_tensor *ts[MAX_TOKENS];
        int k = 0;
        while (k < n - 1 && node_id(arg[k]) >= 0) {
            ts[k] = g.node[node_id(arg[k])];
            k++;
        }
        return (name[0] == 'c' ? tg_cat : tg_stack)(ts, k, strtoll(arg[n - 1], NULL, 10));
    }
    if (strcmp(name, "softplus") == 0) return tg_softplus(a, REAL(1), REAL(2));
    if (strcmp(name, "hardtanh") == 0) return tg_hardtanh(a, REAL(1), REAL(2));
    if (strcmp(name, "hardtanh_") == 0) return tg_hardtanh_(a, REAL(1), REAL(2));
    if (strcmp(name, "clamp") == 0) return tg_clamp(a, REAL(1), REAL(2));
    if (strcmp(name, "clamp_") == 0) return tg_clamp_(a, REAL(1), REAL(2));
    if (strcmp(name, "masked_fill") == 0) return tg_masked_fill(a, node_arg(arg, n, 1), REAL(2));
    if (strcmp(name, "masked_fill_") == 0) return tg_masked_fill_(a, node_arg(arg, n, 1), REAL(2));
    if (strcmp(name, "lerp") == 0) return tg_lerp(a, node_arg(arg, n, 1), c);
    if (strcmp(name, "lerp_") == 0) return tg_lerp_(a, node_arg(arg, n, 1), c);
    if (strcmp(name, "lerp_scalar") == 0) return tg_lerp_scalar(a, node_arg(arg, n, 1), REAL(2));
    if (strcmp(name, "lerp_scalar_") == 0) return tg_lerp_scalar_(a, node_arg(arg, n, 1), REAL(2));
    if (strcmp(name, "addcmul") == 0) return tg_addcmul(a, node_arg(arg, n, 1), c, REAL(3));
    if (strcmp(name, "addcmul_") == 0) return tg_addcmul_(a, node_arg(arg, n, 1), c, REAL(3));
    if (strcmp(name, "addcdiv") == 0) return tg_addcdiv(a, node_arg(arg, n, 1), c, REAL(3));
    if (strcmp(name, "addcdiv_") == 0) return tg_addcdiv_(a, node_arg(arg, n, 1), c, REAL(3));
    if (strcmp(name, "addmm") == 0) return tg_addmm(a, node_arg(arg, n, 1), c, REAL(3), REAL(4));
    if (strcmp(name, "min_dim") == 0) return tg_min_dim(a, LONG(1), LONG(2) != 0, NULL);
    if (strcmp(name, "amax") == 0) return tg_amax(a, list, nl, LONG(2) != 0);
    if (strcmp(name, "amin") == 0) return tg_amin(a, list, nl, LONG(2) != 0);
    if (strcmp(name, "argmax") == 0) return tg_argmax(a, LONG(1), LONG(2) != 0);
    if (strcmp(name, "argmin") == 0) return tg_argmin(a, LONG(1), LONG(2) != 0);
    if (strcmp(name, "prod_dim") == 0) return tg_prod_dim(a, LONG(1), LONG(2) != 0);
    if (strcmp(name, "var") == 0) return tg_var(a, list, nl, REAL(2), LONG(3) != 0);
    if (strcmp(name, "std") == 0) return tg_std(a, list, nl, REAL(2), LONG(3) != 0);
    if (strcmp(name, "logsumexp") == 0) return tg_logsumexp(a, list, nl, LONG(2) != 0);
    if (strcmp(name, "vector_norm") == 0) {
        int nd = n > 2 ? parse_list(arg[2], list2) : -1;
        return tg_vector_norm(a, REAL(1), list2, nd, LONG(3) != 0);
    }
    if (strcmp(name, "cumsum") == 0) return tg_cumsum(a, LONG(1));
    if (strcmp(name, "sort") == 0) return tg_sort(a, LONG(1), LONG(2) != 0, NULL);
    if (strcmp(name, "topk") == 0) return tg_topk(a, LONG(1), LONG(2), LONG(3) != 0, true, NULL);
    if (strcmp(name, "flatten") == 0) return tg_flatten(a, LONG(1), LONG(2));
    if (strcmp(name, "narrow") == 0) return tg_narrow(a, LONG(1), LONG(2), LONG(3));
    if (strcmp(name, "repeat") == 0) return tg_repeat(a, list, nl);
    if (strcmp(name, "flip") == 0) return tg_flip(a, list, nl);
    if (strcmp(name, "roll") == 0) {
        int nd = n > 2 ? parse_list(arg[2], list2) : -1;
        return tg_roll(a, list, nd > 0 ? list2 : NULL, nl);
    }
    if (strcmp(name, "tril") == 0) return tg_tril(a, LONG(1));
    if (strcmp(name, "triu") == 0) return tg_triu(a, LONG(1));
    if (strcmp(name, "tril_") == 0) return tg_tril_(a, LONG(1));
    if (strcmp(name, "triu_") == 0) return tg_triu_(a, LONG(1));
    if (strcmp(name, "movedim") == 0) return tg_movedim(a, LONG(1), LONG(2));
    if (strcmp(name, "index_select") == 0) return tg_index_select(a, LONG(1), c);
    if (strcmp(name, "gather") == 0) return tg_gather(a, LONG(1), c);
    if (strcmp(name, "index") == 0 || strcmp(name, "index_put") == 0 || strcmp(name, "index_put_") == 0)
        return advanced_index(name, arg, n, a);
    tg_tensor *d = node_arg(arg, n, 3);
    if (strcmp(name, "cumprod") == 0) return tg_cumprod(a, LONG(1));
    if (strcmp(name, "scatter_") == 0) return tg_scatter_(a, LONG(1), c, d);
    if (strcmp(name, "scatter_add_") == 0) return tg_scatter_add_(a, LONG(1), c, d);
    if (strcmp(name, "index_add_") == 0) return tg_index_add_(a, LONG(1), c, d, REAL(4));
    if (strcmp(name, "nan_to_num") == 0) return tg_nan_to_num(a, REAL(1), REAL(2), REAL(3));
    if (strcmp(name, "nan_to_num_") == 0) return tg_nan_to_num_(a, REAL(1), REAL(2), REAL(3));
    if (strcmp(name, "transpose_") == 0) return tg_transpose_(a, LONG(1), LONG(2));
    if (strcmp(name, "unsqueeze_") == 0) return tg_unsqueeze_(a, LONG(1));
    if (strcmp(name, "squeeze_dim_") == 0) return tg_squeeze_dim_(a, LONG(1));
    if (strcmp(name, "argsort") == 0) return tg_argsort(a, LONG(1), LONG(2) != 0);
    if (strcmp(name, "all_dim") == 0) return tg_all_dim(a, LONG(1), LONG(2) != 0);
    if (strcmp(name, "any_dim") == 0) return tg_any_dim(a, LONG(1), LONG(2) != 0);
    if (strcmp(name, "var_mean") == 0) return tg_var_mean(a, list, nl, REAL(2), LONG(3) != 0, NULL);
    if (strcmp(name, "std_mean") == 0) return tg_std_mean(a, list, nl, REAL(2), LONG(3) != 0, NULL);
    if (strcmp(name, "count_nonzero") == 0) return tg_count_nonzero(a, list, nl);
    if (strcmp(name, "diagonal") == 0) return tg_diagonal(a, LONG(1), LONG(2), LONG(3));
    if (strcmp(name, "diag_embed") == 0) return tg_diag_embed(a, LONG(1), LONG(2), LONG(3));
    if (strcmp(name, "unflatten") == 0) {
        int ns = n > 2 ? parse_list(arg[2], list2) : -1;
        return tg_unflatten(a, LONG(1), list2, ns);
    }
    if (strcmp(name, "tile") == 0) return tg_tile(a, list, nl);
    if (strcmp(name, "split") == 0 || strcmp(name, "chunk") == 0 || strcmp(name, "unbind") == 0) {
        tg_tensor *pieces[64];
        int k = name[0] == 's' ? tg_split(a, LONG(1), LONG(2), pieces, 64)
              : name[0] == 'c' ? tg_chunk(a, (int)LONG(1), LONG(2), pieces, 64)
                               : tg_unbind(a, LONG(1), pieces, 64);
        int64_t which = name[0] == 'u' ? LONG(2) : LONG(3);
        if (k < 0) return NULL;
        return which >= 0 && which < k ? pieces[which] : NULL;
    }
    if (strcmp(name, "take_along_dim") == 0) return tg_take_along_dim(a, node_arg(arg, n, 1), LONG(2));
    if (strcmp(name, "scatter") == 0) return tg_scatter(a, LONG(1), c, d);
    if (strcmp(name, "scatter_add") == 0) return tg_scatter_add(a, LONG(1), c, d);
    if (strcmp(name, "index_add") == 0) return tg_index_add(a, LONG(1), c, d, REAL(4));
    if (strcmp(name, "baddbmm") == 0) return tg_baddbmm(a, node_arg(arg, n, 1), c, REAL(3), REAL(4));
#undef LONG
#undef REAL
    *known = false;
    return NULL;
}

/* Runs one operation; *known is false for a name this program lacks. */
static tg_tensor *execute(const char *name, char **arg, int n, bool *known)
{
    *known = true;
    tg_tensor *a = NULL, *b = NULL;
    int64_t list[TG_MAX_DIMS];
    int id = n > 0 ? node_id(arg[0]) : -1;
    if (id >= 0) a = g.node[id];
    if (n > 1 && (id = node_id(arg[1])) >= 0) b = g.node[id];
#define LONG(i) (n > (i) ? strtoll(arg[i], NULL, 10) : 0)
#define REAL(i) (n > (i) ? strtod(arg[i], NULL) : 0)
    for (int i = 0; i < COUNT(BINARY); i++)
        if (strcmp(name, BINARY[i].name) == 0) return BINARY[i].f(a, b);
    for (int i = 0; i < COUNT(SCALAR); i++)
        if (strcmp(name, SCALAR[i].name) == 0) return SCALAR[i].f(a, REAL(1));
    for (int i = 0; i < COUNT(UNARY); i++)
        if (strcmp(name, UNARY[i].name) == 0) return UNARY[i].f(a);
    for (int i = 0; i < COUNT(INPLACE_BINARY); i++)
        if (strcmp(name, INPLACE_BINARY[i].name) == 0) return INPLACE_BINARY[i].f(a, b);
    for (int i = 0; i < COUNT(INPLACE_SCALAR); i++)
        if (strcmp(name, INPLACE_SCALAR[i].name) == 0) return INPLACE_SCALAR[i].f(a, REAL(1));
    if (strcmp(name, "zero_") == 0) return tg_zero_(a);
    for (int i = 0; i < COUNT(UNARY2); i++)
        if (strcmp(name, UNARY2[i].name) == 0) return UNARY2[i].f(a);
    for (int i = 0; i < COUNT(INPLACE_UNARY2); i++)
        if (strcmp(name, INPLACE_UNARY2[i].name) == 0) return INPLACE_UNARY2[i].f(a);
    for (int i = 0; i < COUNT(BINARY2); i++)
        if (strcmp(name, BINARY2[i].name) == 0) return BINARY2[i].f(a, b);
    for (int i = 0; i < COUNT(INPLACE_BINARY2); i++)
        if (strcmp(name, INPLACE_BINARY2[i].name) == 0) return INPLACE_BINARY2[i].f(a, b);
    for (int i = 0; i < COUNT(SCALAR2); i++)
        if (strcmp(name, SCALAR2[i].name) == 0) return SCALAR2[i].f(a, REAL(1));
    for (int i = 0; i < COUNT(INPLACE_SCALAR2); i++)
        if (strcmp(name, INPLACE_SCALAR2[i].name) == 0) return INPLACE_SCALAR2[i].f(a, REAL(1));
    int nl = n > 1 ? parse_list(arg[1], list) : -1;
    if (strcmp(name, "sum_dim") == 0) return tg_sum_dim(a, list, nl, LONG(2) != 0);
    if (strcmp(name, "mean_dim") == 0) return tg_mean_dim(a, list, nl, LONG(2) != 0);
    if (strcmp(name, "max_dim") == 0) return tg_max_dim(a, LONG(1), LONG(2) != 0, NULL);
    if (strcmp(name, "view") == 0) return tg_view(a, list, nl);
    if (strcmp(name, "reshape") == 0) return tg_reshape(a, list, nl);
    if (strcmp(name, "permute") == 0) return tg_permute(a, list, nl);
    if (strcmp(name, "expand") == 0) return tg_expand(a, list, nl);
    if (strcmp(name, "transpose") == 0) return tg_transpose(a, LONG(1), LONG(2));
    if (strcmp(name, "select") == 0) return tg_select(a, LONG(1), LONG(2));
    if (strcmp(name, "slice") == 0) return tg_slice(a, LONG(1), LONG(2), LONG(3), LONG(4));
    if (strcmp(name, "unsqueeze") == 0) return tg_unsqueeze(a, LONG(1));
    if (strcmp(name, "squeeze_dim") == 0) return tg_squeeze_dim(a, LONG(1));
    if (strcmp(name, "to") == 0) {
        tg_dtype dt;
        if (n < 2 || !parse_dtype(arg[1], &dt)) return NULL;
        return tg_to(a, dt);
    }
    if (strcmp(name, "where") == 0) {
        tg_tensor *c = n > 2 && node_id(arg[2]) >= 0 ? g.node[node_id(arg[2])] : NULL;
        return tg_where(a, b, c);
    }
#undef LONG
#undef REAL
    return execute2(name, arg, n, a, known);
}

/* --------------------------------------------------------------- graphs */

static void input_line(int k, bool leaf, char **tok, int n)
{
    expect e;
    if (!parse_expect(tok, n, false, &e)) {
        fail("%%%d: cannot parse the input", k);
        return;
    }
    tg_tensor *t = NULL;
    if (e.dtype == TG_BOOL) {
        bool *bv = malloc((size_t)(e.n + 1) * sizeof *bv);
        for (int64_t i = 0; bv && i < e.n; i++) bv[i] = e.values[i] != 0;
        t = bv ? tg_from_bool(bv, e.shape, e.ndim) : NULL;
        free(bv);
    } else if (e.dtype == TG_I64) {
        int64_t *iv = malloc((size_t)(e.n + 1) * sizeof *iv);
        for (int64_t i = 0; iv && i < e.n; i++) iv[i] = (int64_t)e.values[i];
        t = iv ? tg_from_i64(iv, e.shape, e.ndim) : NULL;
        free(iv);
    } else if (e.dtype == TG_F32) {
        float *fv = malloc((size_t)(e.n + 1) * sizeof *fv);
        for (int64_t i = 0; fv && i < e.n; i++) fv[i] = (float)e.values[i];
        t = fv ? tg_from_f32(fv, e.shape, e.ndim) : NULL;
        free(fv);
    } else if (is_complex(e.dtype)) {
        t = e.n % 2 == 0 ? tg_from_c128(e.values, e.shape, e.ndim) : NULL;
        if (t && e.dtype != TG_C128) t = tg_to(t, e.dtype);   /* complex64 values: exact */
    } else {
        t = tg_from_f64(e.values, e.shape, e.ndim);
        if (t && e.dtype != TG_F64) t = tg_to(t, e.dtype);   /* small integers, 16-bit floats: exact */
    }
    free(e.values);
    note_precision(e.dtype);
    if (t && leaf) t = tg_requires_grad_(t, true);
    if (!t) fail("%%%d: cannot make the input: %s", k, tg_last_error());
    g.node[k] = t;
    g.is_leaf[k] = leaf;
}

static void op_line(int k, char **tok, int n)
{
    /* tok: name args... -> expectation */
    int arrow = 0;
    while (arrow < n && strcmp(tok[arrow], "->") != 0) arrow++;
    if (arrow == n) {
        fail("%%%d: no expectation", k);
        return;
    }
    char what[96];
    snprintf(what, sizeof what, "%%%d (%s)", k, tok[0]);
    for (int i = 1; i < arrow; i++) {
        int id = node_id(tok[i]);
        if (tok[i][0] == '%' && (id < 0 || !g.node[id])) {
            fail("%s: operand %s is missing", what, tok[i]);
            return;
        }
    }
    bool known;
    tg_clear_error();
    tg_tensor *r = execute(tok[0], tok + 1, arrow - 1, &known);
    if (!known) {
        fail("%s: unknown operation", what);
        return;
    }
    char **ex = tok + arrow + 1;
    int nex = n - arrow - 1;
    if (nex > 0 && strcmp(ex[0], "error") == 0) {
        stats.error_ops++;
        expect_failure(r == NULL, ex + 1, nex - 1, what);
        return;
    }
    if (!r) {
        fail("%s: tensorgrad fails: %s", what, tg_last_error());
        return;
    }
    int self = arrow > 1 ? node_id(tok[1]) : -1;
    if (tok[0][strlen(tok[0]) - 1] == '_' && (self < 0 || r != g.node[self]))
        fail("%s: the in-place result is another tensor", what);
    g.node[k] = r;
    expect e;
    if (!parse_expect(ex, nex, true, &e)) {
        fail("%s: cannot parse the expectation", what);
        return;
    }
    note_precision(e.dtype);
    compare(r, &e, what);
    free(e.values);
}

static void loss_line(char **tok, int n)
{
    int k = n > 0 ? node_id(tok[0]) : -1;
    if (k < 0 || !g.node[k]) {
        fail("loss: no such node");
        return;
    }
    g.loss = k;
    bool retain = n > 1 && strcmp(tok[1], "retain") == 0;
    int arrow = 1 + retain;
    tg_clear_error();
    int rc = tg_backward_ex(g.node[k], NULL, (tg_backward_opts){.retain_graph = retain});
    if (n > arrow + 1 && strcmp(tok[arrow], "->") == 0 && strcmp(tok[arrow + 1], "error") == 0) {
        stats.error_backward++;
        expect_failure(rc != 0, tok + arrow + 2, n - arrow - 2, "backward");
        return;
    }
    if (rc != 0) fail("backward: tensorgrad fails: %s", tg_last_error());
}

static void hess_line(char **tok, int n)
{
    tg_tensor *inputs[MAX_NODES], *weights[MAX_NODES], *grads[MAX_NODES];
    int ids[MAX_NODES], m = 0;
    for (int i = 0; i + 1 < n; i += 2) {
        int a = node_id(tok[i]), w = node_id(tok[i + 1]);
        if (a < 0 || w < 0 || !g.node[a] || !g.node[w]) {
            fail("hess: bad operands");
            return;
        }
        ids[m] = a;
        inputs[m] = g.node[a];
        weights[m++] = g.node[w];
    }
    stats.hessians++;
    for (int i = 0; i < MAX_NODES; i++)
        if (g.is_leaf[i] && g.node[i]) tg_zero_grad(g.node[i]);
    tg_tensor *loss = g.loss >= 0 ? g.node[g.loss] : NULL;
    if (!loss || tg_autograd_grad(&loss, 1, inputs, m, NULL, (tg_backward_opts){.retain_graph = true, .create_graph = true}, grads) != 0) {
        fail("hess: autograd_grad fails: %s", tg_last_error());
        return;
    }
    tg_tensor *s = NULL;
    for (int i = 0; i < m; i++) {
        g.hgrad[ids[i]] = grads[i];
        tg_tensor *term = tg_sum(tg_mul(grads[i], weights[i]));
        s = s ? tg_add(s, term) : term;
    }
    if (!s) {
        fail("hess: %s", tg_last_error());
        return;
    }
    if (tg_requires_grad(s) && tg_backward(s, NULL) != 0) fail("hess: backward fails: %s", tg_last_error());
}

static void graph_begin(long index, const char *name)
{
    memset(&g, 0, sizeof g);
    g.index = index;
    snprintf(g.name, sizeof g.name, "%s", name ? name : "");
    g.loss = -1;
    g.w.graph = -1;
    tg_scope_begin();
}

static void graph_end(void)
{
    /* Leaves' .grad may hold graphs (none here: no create_graph backward). */
    tg_scope_end();
    tg_clear_error();
    int prec = g.prec;
    for (int i = 0; i < 4; i++) stats.with_dtype[i] += g.has[i];
    stats.graphs[prec]++;
    if (g.failed) stats.failed++;
    else stats.passed++;
    if (g.w.graph >= 0) {
        if (g.w.err > stats.by_prec[prec].err || stats.by_prec[prec].graph < 0) stats.by_prec[prec] = g.w;
        if (g.w.err > stats.all.err || stats.all.graph < 0) stats.all = g.w;
    }
    if (verbose && !g.failed)
        printf("graph %ld: ok (%s, worst relative error %.3g at %s)\n", g.index, PRECISIONS[g.prec].name, g.w.err, g.w.what);
}

int main(int argc, char **argv)
{
    const char *path = NULL;
    long only = -1;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-v") == 0) verbose = true;
        else if (strcmp(argv[i], "-g") == 0 && i + 1 < argc) only = atol(argv[++i]);
        else path = argv[i];
    }
    if (!path) {
        fprintf(stderr, "usage: %s [-v] [-g INDEX] GRAPHS-FILE\n", argv[0]);
        return 2;
    }
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
    if (!f) {
        perror(path);
        return 2;
    }
    for (int p = 0; p < N_PRECISIONS; p++) stats.by_prec[p].graph = -1;
    stats.all.graph = -1;
    int64_t tensors0 = tg__live_tensors(), nodes0 = tg__live_nodes();
    char *line = NULL, **tok = malloc(MAX_TOKENS * sizeof *tok);
    size_t cap = 0;
    bool in_graph = false, skip = false;
    while (tok && getline(&line, &cap, f) != -1) {
        int n = split(line, tok);
        if (n == 0 || tok[0][0] == '#') continue;
        if (strcmp(tok[0], "graph") == 0 && n > 1) {
            long index = atol(tok[1]);
            skip = only >= 0 && index != only;
            if (skip) continue;
            graph_begin(index, n > 2 ? tok[2] : NULL);
            if (n > 2) stats.regressions++;
            in_graph = true;
            continue;
        }
        if (skip || !in_graph) continue;
        if (strcmp(tok[0], "end") == 0) {
            graph_end();
            in_graph = false;
            int64_t tensors = tg__live_tensors(), nodes = tg__live_nodes();
            if (tensors != tensors0 || nodes != nodes0) {
                printf("graph %ld%s%s: FAILED\n  %lld tensors and %lld nodes outlive the graph\n", g.index,
                       *g.name ? " " : "", g.name, (long long)(tensors - tensors0), (long long)(nodes - nodes0));
                stats.passed--;
                stats.failed++;
                tensors0 = tensors;
                nodes0 = nodes;
            }
            continue;
        }
        if (g.failed) continue;   /* the rest of a failed graph says nothing more */
        if (tok[0][0] == '%' && n >= 3 && strcmp(tok[1], "=") == 0) {
            int k = node_id(tok[0]);
            if (k < 0) fail("too many nodes");
            else if (strcmp(tok[2], "leaf") == 0 || strcmp(tok[2], "const") == 0)
                input_line(k, tok[2][0] == 'l', tok + 3, n - 3);
            else
                op_line(k, tok + 2, n - 2);
        } else if (strcmp(tok[0], "loss") == 0) {
            loss_line(tok + 1, n - 1);
        } else if (strcmp(tok[0], "noloss") == 0) {
            stats.no_backward++;
        } else if ((strcmp(tok[0], "grad") == 0 || strcmp(tok[0], "ggrad") == 0 || strcmp(tok[0], "hgrad") == 0) && n > 2) {
            int k = node_id(tok[1]);
            char what[64];
            bool second = tok[0][0] == 'g' && tok[0][1] == 'g';
            snprintf(what, sizeof what, "%s %s", second ? "second-order grad" : tok[0][0] == 'h' ? "create_graph grad" : "leaf grad", tok[1]);
            if (k < 0 || !g.node[k]) fail("%s: no such leaf", what);
            else compare_grad(tok[0][0] == 'h' ? g.hgrad[k] : tg_grad(g.node[k]), tok + 2, n - 2, what, second);
        } else if (strcmp(tok[0], "hess") == 0) {
            hess_line(tok + 1, n - 1);
        } else {
            fail("cannot read the line starting \"%s\"", tok[0]);
        }
    }
    if (in_graph) {
        fail("the file ends inside the graph");
        graph_end();
    }
    free(line);
    free(tok);
    if (f != stdin) fclose(f);

    int total = stats.passed + stats.failed;
    for (int p = 0; p < N_PRECISIONS; p++)
        if (stats.graphs[p])
            printf("differential: %d %s graphs, worst relative error %.2g (graph %ld, %s), tolerance %.2g\n",
                   stats.graphs[p], PRECISIONS[p].name, stats.by_prec[p].err, stats.by_prec[p].graph,
                   stats.by_prec[p].what, PRECISIONS[p].rtol);
    printf("differential: %ld values compared, %d second-order graphs, %d operations and %d backward passes "
           "rejected as PyTorch rejects them, %d results with other strides along size-1 dims only\n",
           stats.values, stats.hessians, stats.error_ops, stats.error_backward, stats.unit_strides);
    printf("differential: %d graphs with float16 tensors, %d with bfloat16, %d with complex64, %d with complex128\n",
           stats.with_dtype[0], stats.with_dtype[1], stats.with_dtype[2], stats.with_dtype[3]);
    if (stats.no_backward)
        printf("differential: %d graphs compared forward only (PyTorch 1.13 lacks a float16 or bfloat16 kernel of "
               "their backward)\n", stats.no_backward);
    char also[64] = "";
    if (stats.regressions) snprintf(also, sizeof also, " (%d of them from regressions.txt)", stats.regressions);
    if (stats.all.graph >= 0)
        printf("differential: %d graphs compared%s, worst relative error %.2g (graph %ld, %s)\n", total, also,
               stats.all.err, stats.all.graph, stats.all.what);
    else
        printf("differential: %d graphs compared%s\n", total, also);
    printf("%d passed, %d failed\n", stats.passed, stats.failed);
    fflush(stdout);   /* before LeakSanitizer's check at exit, which ends with _exit */
    return stats.failed || total == 0 ? 1 : 0;
}
