/* Complex tensors: making them from real ones (complex, polar), their
   parts as views (real, imag, view_as_real, view_as_complex), conj,
   angle and abs, each beside its derivative. Gradients follow PyTorch's
   convention, the conjugate Wirtinger derivative. */
#include "ops.h"

#include <stdio.h>
#include <string.h>

tg_dtype tg__complex_value_type(tg_dtype dt) { return dt == TG_C128 ? TG_F64 : dt == TG_C64 ? TG_F32 : dt; }

/* The elementwise kernels PyTorch refuses for complex, with its messages
   (%s: the dtype's name); the others say "<kernel>_cpu" not implemented. */
static const char *const UNARY_REFUSALS[TG_UN_COUNT] = {
    [TG_UN_FLOOR] = "floor is not supported for complex inputs",
    [TG_UN_CEIL] = "ceil is not supported for complex inputs",
    [TG_UN_TRUNC] = "trunc is not supported for complex inputs",
    [TG_UN_RELU] = "clamp is not supported for complex types",
    [TG_UN_SIGN] = "Unlike NumPy, torch.sign is not intended to support complex numbers. Please use torch.sgn instead.",
    [TG_UN_ERF] = "\"erf_vml_cpu\" not implemented for '%s'",
    [TG_UN_EXPM1] = "\"expm1_vml_cpu\" not implemented for '%s'",
    [TG_UN_LOG1P] = "\"log1p_vml_cpu\" not implemented for '%s'",
    [TG_UN_ROUND] = "\"round_vml_cpu\" not implemented for '%s'",
};
static const char *const BINARY_REFUSALS[TG_BIN_COUNT] = {
    [TG_BIN_MAX] = "maximum not implemented for complex tensors.",
    [TG_BIN_MIN] = "minimum not implemented for complex tensors.",
    [TG_BIN_CLAMP_MIN] = "clamp is not supported for complex types",
    [TG_BIN_CLAMP_MAX] = "clamp is not supported for complex types",
};
static const char *const UNARY_NAMES[TG_UN_COUNT] = {
#define TG_UNARY(id, floating, integer) [TG_UN_##id] = #id,
#define TG_UNARY_FLOAT(id, floating) [TG_UN_##id] = #id,
#define TG_BINARY(id, result, floating, integer)
#define TG_BINARY_FLOAT(id, result, floating)
#include "../kernels/elementwise.def"
};
static const char *const BINARY_NAMES[TG_BIN_COUNT] = {
#define TG_UNARY(id, floating, integer)
#define TG_UNARY_FLOAT(id, floating)
#define TG_BINARY(id, result, floating, integer) [TG_BIN_##id] = #id,
#define TG_BINARY_FLOAT(id, result, floating) [TG_BIN_##id] = #id,
#include "../kernels/elementwise.def"
};

static int refuse(const char *message, const char *id, tg_dtype dt)
{
    if (message) {
        char text[256];
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
        snprintf(text, sizeof text, message, tg__dtype_short(dt));
#pragma GCC diagnostic pop
        return tg__faili(TG_E_DTYPE, "%s", text);
    }
    char lower[64];
    size_t i = 0;
    for (; id[i] && i < sizeof lower - 1; i++) lower[i] = (char)(id[i] >= 'A' && id[i] <= 'Z' ? id[i] - 'A' + 'a' : id[i]);
    lower[i] = 0;
    return tg__faili(TG_E_DTYPE, "\"%s_cpu\" not implemented for '%s'", lower, tg__dtype_short(dt));
}

int tg__check_complex_unary(tg_unary_kernel k, tg_dtype dt)
{
    if (!tg__is_complex(dt) || tg__k_complex_unary_loop(k, dt)) return 0;
    return refuse(UNARY_REFUSALS[k], UNARY_NAMES[k], dt);
}

int tg__check_complex_binary(tg_binary_kernel k, tg_dtype dt)
{
    if (!tg__is_complex(dt) || tg__k_complex_binary_loop(k, dt)) return 0;
    return refuse(BINARY_REFUSALS[k], BINARY_NAMES[k], dt);
}

/* PyTorch's messages (%s: the dtype's name) for the functions that
   refuse complex through tg__refuse_complex. */
static const struct { const char *fn, *message; } FUNCTION_REFUSALS[] = {
    {"tg_sort", "\"sorting_kernel_method_name\" not implemented for '%s'"},
    {"tg_argsort", "\"sorting_kernel_method_name\" not implemented for '%s'"},
    {"tg_topk", "\"topk_cpu\" not implemented for '%s'"},
    {"tg_max_dim", "max(): does not support complex input"},
    {"tg_min_dim", "min(): does not support complex input"},
};

int tg__refuse_complex(const char *fn, const tg_tensor *a, const tg_tensor *b)
{
    const tg_tensor *c = a && tg__is_complex(a->dtype) ? a : b && tg__is_complex(b->dtype) ? b : NULL;
    if (!c) return 0;
    for (size_t i = 0; i < sizeof FUNCTION_REFUSALS / sizeof *FUNCTION_REFUSALS; i++)
        if (!strcmp(fn, FUNCTION_REFUSALS[i].fn)) return refuse(FUNCTION_REFUSALS[i].message, "", c->dtype);
    return tg__faili(TG_E_DTYPE, "%s(): complex tensors are not supported yet", fn);
}

/* A view of t with another element type: t's complex elements read as
   pairs of reals (to_real) or pairs of reals read as complex ones. */
static tg_tensor *retyped_view(const tg_tensor *t, tg_op op, tg_dtype dt, const int64_t *shape, const int64_t *strides,
                               int ndim, int64_t offset)
{
    tg_tensor *v = tg__alias(t, shape, strides, ndim, offset);
    if (!v) return NULL;
    v->dtype = dt;
    if (tg__set_view_of(v, t)) return NULL;
    return tg__record(v, (tg_record){.op = op}, &t, 1, NULL) ? NULL : v;
}

tg_tensor *tg_view_as_real(const tg_tensor *t)
{
    TG_ARG(t);
    if (!tg__is_complex(t->dtype)) return tg__fail(TG_E_DTYPE, "view_as_real is only supported for complex tensors");
    int64_t shape[TG_MAX_DIMS], strides[TG_MAX_DIMS];
    if (t->ndim + 1 > TG_MAX_DIMS) return tg__fail(TG_E_SHAPE, "tg_view_as_real(): more than %d dimensions", TG_MAX_DIMS);
    for (int i = 0; i < t->ndim; i++) {
        shape[i] = t->shape[i];
        strides[i] = t->strides[i] * 2;
    }
    shape[t->ndim] = 2;
    strides[t->ndim] = 1;
    return retyped_view(t, TG_OP_VIEW_AS_REAL, tg__complex_value_type(t->dtype), shape, strides, t->ndim + 1,
                        t->offset * 2);
}

int tg__d_view_as_real(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    (void)n;
    return (gi[0] = tg_view_as_complex(tg_contiguous(g))) ? 0 : -1;
}

tg_tensor *tg_view_as_complex(const tg_tensor *t)
{
    TG_ARG(t);
    if (t->dtype != TG_F32 && t->dtype != TG_F64)
        return tg__fail(TG_E_DTYPE,
                        "view_as_complex is only supported for half, float and double tensors, but got a tensor of scalar type: %s",
                        tg__dtype_short(t->dtype));
    if (t->ndim == 0) return tg__fail(TG_E_SHAPE, "Input tensor must have one or more dimensions");
    int last = t->ndim - 1;
    if (t->shape[last] != 2) return tg__fail(TG_E_SHAPE, "Tensor must have a last dimension of size 2");
    if (t->strides[last] != 1) return tg__fail(TG_E_SHAPE, "Tensor must have a last dimension with stride 1");
    int64_t strides[TG_MAX_DIMS];
    for (int i = 0; i < last; i++) {
        if (t->strides[i] % 2)
            return tg__fail(TG_E_SHAPE, "Tensor must have a stride divisible by 2 for all but last dimension");
        strides[i] = t->strides[i] / 2;
    }
    if (t->offset % 2) return tg__fail(TG_E_SHAPE, "Tensor must have a storage_offset divisible by 2");
    return retyped_view(t, TG_OP_VIEW_AS_COMPLEX, t->dtype == TG_F64 ? TG_C128 : TG_C64, t->shape, strides, last,
                        t->offset / 2);
}

int tg__d_view_as_complex(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    (void)n;
    return (gi[0] = tg_view_as_real(tg_contiguous(g))) ? 0 : -1;
}

/* real and imag are selects of view_as_real, as in PyTorch (SelectBackward0). */
tg_tensor *tg_real(const tg_tensor *t)
{
    TG_ARG(t);
    if (!tg__is_complex(t->dtype)) return tg__share(t);
    return tg_select(tg_view_as_real(t), -1, 0);
}

tg_tensor *tg_imag(const tg_tensor *t)
{
    TG_ARG(t);
    if (!tg__is_complex(t->dtype))
        return tg__fail(TG_E_DTYPE, "imag is not implemented for tensors with non-complex dtypes.");
    return tg_select(tg_view_as_real(t), -1, 1);
}

/* One kernel of complex.c over complex t into a new tensor of dtype dt. */
static tg_tensor *complex_kernel(tg_complex_kernel k, const tg_tensor *t, tg_dtype dt)
{
    tg_tensor *out = tg__new_like(dt, t->shape, t->ndim, &t, 1);
    if (out) tg__k_complex_unary(k, out, t);
    return out;
}

/* Eager: values, printing and strides as PyTorch's lazy conj, a view
   keeping t's strides (ConjBackward0), in a storage of its own just large
   enough (offset 0). */
tg_tensor *tg_conj(const tg_tensor *t)
{
    TG_ARG(t);
    if (!tg__is_complex(t->dtype)) return tg__share(t);
    tg_strided layout;
    tg__strided_of(&layout, t);
    layout.offset = 0;
    tg_tensor *out = tg__zeros_strided(t->dtype, &layout);
    /* each element once: the expanded dims (stride 0 in both) as size 1 */
    int64_t once[TG_MAX_DIMS];
    for (int i = 0; i < t->ndim; i++) once[i] = t->strides[i] ? t->shape[i] : 1;
    tg_tensor *dst = out ? tg__alias(out, once, out->strides, out->ndim, 0) : NULL;
    tg_tensor *src = dst ? tg__alias(t, once, t->strides, t->ndim, t->offset) : NULL;
    if (!src) return NULL;
    tg__k_complex_unary(TG_CX_CONJ, dst, src);
    if (tg__record(out, (tg_record){.op = TG_OP_CONJ}, &t, 1, NULL)) return NULL;
    return out;
}

int tg__d_conj(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    (void)n;
    return (gi[0] = tg_conj(g)) ? 0 : -1;
}

/* |t| of a complex t, real (AbsBackward0, as tg_abs records it). */
tg_tensor *tg__complex_abs(const tg_tensor *t)
{
    tg_tensor *out = complex_kernel(TG_CX_ABS, t, tg__complex_value_type(t->dtype));
    tg_node *n;
    if (!out || tg__record(out, (tg_record){.op = TG_OP_ABS, .n_saved = 1}, &t, 1, &n)) return NULL;
    if (n) tg__save(n, 0, t);
    return out;
}

/* sgn(x) = x / |x| (0 at 0), composed so that second derivatives see it. */
tg_tensor *tg__complex_sgn(const tg_tensor *t)
{
    if (!t) return NULL;
    tg_tensor *magnitude = tg_abs(t);
    tg_tensor *zero = magnitude ? tg__compare_scalar(TG_BIN_EQ, magnitude, 0) : NULL;
    tg_tensor *m = zero ? tg_where(zero, tg__scalar_tensor(1, magnitude->dtype), magnitude) : NULL;
    /* each part over |t|, as c10's z / abs(z) divides by a real */
    tg_tensor *q = m ? tg_complex(tg_div(tg_real(t), m), tg_div(tg_imag(t), m)) : NULL;
    return q ? tg_where(zero, tg__scalar_tensor(0, t->dtype), q) : NULL;
}

/* i z, as PyTorch multiplies by i (a complex product, signed zeros and all). */
static tg_tensor *times_i(const tg_tensor *z)
{
    if (!z) return NULL;
    tg_dtype part = tg__complex_value_type(z->dtype);
    return tg_mul(z, tg_complex(tg__scalar_tensor(0, part), tg__scalar_tensor(1, part)));
}

tg_tensor *tg_angle(const tg_tensor *t)
{
    TG_ARG(t);
    tg_tensor *out = NULL;
    if (!tg__is_complex(t->dtype)) {   /* 0 or pi: atan2(0, x), whose gradient is zero */
        tg_tensor *zero = tg__scalar_tensor(0, TG_F32);
        TG_NO_GRAD out = zero ? tg_atan2(zero, t) : NULL;
    } else {   /* contiguous whatever t's layout, as PyTorch's */
        out = tg__new(tg__complex_value_type(t->dtype), t->shape, t->ndim);
        if (out) tg__k_complex_unary(TG_CX_ANGLE, out, t);
    }
    tg_node *n;
    if (!out || tg__record(out, (tg_record){.op = TG_OP_ANGLE, .n_saved = 1}, &t, 1, &n)) return NULL;
    if (n) tg__save(n, 0, t);
    return out;
}

/* PyTorch's angle_backward: g z / |z|^2 * i for complex z (0 where z is
   0), 0 for real z. */
int tg__d_angle(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    tg_tensor *z = SAVED(0);
    if (!z) return -1;
    if (!tg__is_complex(z->dtype)) return (gi[0] = tg_zeros_like(z)) ? 0 : -1;
    tg_tensor *q = tg_div(tg_mul(g, z), tg_pow_scalar(tg_abs(z), 2));
    tg_tensor *at_zero = tg__compare_scalar(TG_BIN_EQ, z, 0);
    tg_tensor *v = q ? times_i(q) : NULL;
    gi[0] = v && at_zero ? tg_where(at_zero, tg__scalar_tensor(0, v->dtype), v) : NULL;
    return gi[0] ? 0 : -1;
}

/* The floating dtype complex() and polar() take both inputs in. */
static int check_parts(const char *fn, const tg_tensor *a, const tg_tensor *b)
{
    TG_ARGI_OF(fn, a);
    TG_ARGI_OF(fn, b);
    bool a_ok = a->dtype == TG_F32 || a->dtype == TG_F64, b_ok = b->dtype == TG_F32 || b->dtype == TG_F64;
    if (!a_ok || !b_ok)
        return tg__faili(TG_E_DTYPE, "Expected both inputs to be Half, Float or Double tensors but got %s and %s",
                         tg__dtype_short(a->dtype), tg__dtype_short(b->dtype));
    if (a->dtype != b->dtype)
        return tg__faili(TG_E_DTYPE, "Expected object of scalar type %s but got scalar type %s for second argument",
                         tg__dtype_short(a->dtype), tg__dtype_short(b->dtype));
    return 0;
}

static tg_tensor *compose(const char *fn, bool polar, tg_op op, const tg_tensor *a, const tg_tensor *b)
{
    if (check_parts(fn, a, b)) return NULL;
    int64_t shape[TG_MAX_DIMS];
    int nd;
    if (tg__broadcast_shapes(a->shape, a->ndim, b->shape, b->ndim, shape, &nd)) return NULL;
    tg_tensor *out = tg__new_like(a->dtype == TG_F64 ? TG_C128 : TG_C64, shape, nd, (const tg_tensor *[]){a, b}, 2);
    if (!out) return NULL;
    tg__k_complex_compose(polar, out, a, b);
    tg_node *node;
    if (tg__record(out, (tg_record){.op = op, .n_saved = polar ? 1 : 2}, (const tg_tensor *[]){a, b}, 2, &node))
        return NULL;
    if (!node) return out;
    if (polar) return tg__save_output(node, 0, out) ? NULL : out;
    tg__save(node, 0, a);   /* as PyTorch's ComplexBackward0 */
    tg__save(node, 1, b);
    return out;
}

tg_tensor *tg_complex(const tg_tensor *real, const tg_tensor *imag)
{
    return compose(__func__, false, TG_OP_COMPLEX, real, imag);
}

/* The saved parts are unpacked for their versions only: an in-place change
   of either fails backward, as in PyTorch. */
int tg__d_complex(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    if (!SAVED(0) || !SAVED(1)) return -1;
    if (NEED(0)) gi[0] = tg_real(g);
    if (NEED(1)) gi[1] = tg_imag(g);
    return tg__derivative_done(n, gi);
}

tg_tensor *tg_polar(const tg_tensor *abs, const tg_tensor *angle)
{
    return compose(__func__, true, TG_OP_POLAR, abs, angle);
}

/* PyTorch's polar_backward for result r: real(conj(g) sgn(r)) for abs,
   real(conj(g) i r) for angle. */
int tg__d_polar(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    tg_tensor *r = SAVED(0);
    if (!r) return -1;
    tg_tensor *gc = tg_conj(g);
    if (NEED(0)) gi[0] = tg_real(tg_mul(gc, tg__complex_sgn(r)));
    if (NEED(1)) gi[1] = tg_real(tg_mul(gc, times_i(r)));
    return tg__derivative_done(n, gi);
}
