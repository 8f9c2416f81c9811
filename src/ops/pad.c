/* Padding, as torch.nn.functional.pad: constant (any dims; negative pads
   crop), reflect and replicate (the last 1, 2 or 3 dims, as resamplings,
   resample.h), and circular (composed of slices and copies, as PyTorch's). */
#include "resample.h"

#include <stdint.h>
#include <stdio.h>

typedef struct constant_pad_params {
    int npad;
    int64_t pad[2 * TG_MAX_DIMS];
} constant_pad_params;

/* PyTorch's constant_pad_nd: the input cropped by the negative pads (with
   narrow's checks), then placed in a tensor of `value` grown by the
   positive ones. */
static tg_tensor *constant_pad(const tg_tensor *t, const int64_t *pad, int npad, double value)
{
    int lead = t->ndim - npad / 2;
    int64_t shape[TG_MAX_DIMS], at[TG_MAX_DIMS] = {0};
    bool grows = false;
    const tg_tensor *c = t;
    for (int d = lead; d < t->ndim; d++) {
        int64_t before = pad[2 * (t->ndim - d - 1)], after = pad[2 * (t->ndim - d - 1) + 1];
        TG_NO_GRAD {
            if (before < 0) c = tg_narrow(c, d, -before, c->shape[d] + before);
            if (c && after < 0) c = tg_narrow(c, d, 0, c->shape[d] + after);
        }
        if (!c) return NULL;
        grows = grows || before > 0 || after > 0;
        at[d] = before > 0 ? before : 0;
    }
    tg_tensor *out = NULL;
    if (!grows) {
        TG_NO_GRAD { out = tg_clone(c); }
    } else {
        for (int d = 0; d < t->ndim; d++)
            shape[d] = c->shape[d] + (d < lead ? 0 : at[d] + (pad[2 * (t->ndim - d - 1) + 1] > 0 ? pad[2 * (t->ndim - d - 1) + 1] : 0));
        out = tg__new_laid_out_as(t, shape);
        if (!out) return NULL;
        tg__k_fill(out, value);
        int64_t offset = 0;
        for (int d = 0; d < t->ndim; d++) offset += at[d] * out->strides[d];
        tg_tensor *inside = tg__alias(out, c->shape, out->strides, t->ndim, offset);
        if (!inside) return NULL;
        tg__copy_into(inside, c);
    }
    constant_pad_params p = {.npad = npad};
    for (int i = 0; i < npad; i++) p.pad[i] = pad[i];
    if (!out || tg__record(out, (tg_record){.op = TG_OP_CONSTANT_PAD, TG_PARAMS(p)}, &t, 1, NULL)) return NULL;
    return out;
}

tg_tensor *tg__constant_pad_again(const tg_tensor *t, const void *params)
{
    const constant_pad_params *p = params;
    return tg_pad(t, p->pad, p->npad, TG_PAD_CONSTANT, 0);
}

/* The gradient is g cropped back: g padded by the negated pads. */
int tg__d_constant_pad(tg_node *n, tg_tensor *g, tg_tensor **gi)
{
    const constant_pad_params *p = n->params;
    int64_t back[2 * TG_MAX_DIMS];
    for (int i = 0; i < p->npad; i++) back[i] = -p->pad[i];
    return tg__gradient(gi, tg_pad(g, back, p->npad, TG_PAD_CONSTANT, 0));
}

/* One of reflection_pad{1,2,3}d and replication_pad{1,2,3}d. */
typedef struct pad_kind {
    const char *kernel;   /* in PyTorch's dtype error */
    tg_op op;
    bool reflect;
} pad_kind;

static const pad_kind REFLECTION[3] = {
    {"reflection_pad1d", TG_OP_REFLECTION_PAD1D, true},
    {"reflection_pad2d", TG_OP_REFLECTION_PAD2D, true},
    {"reflection_pad3d_cpu", TG_OP_REFLECTION_PAD3D, true},
};
static const pad_kind REPLICATION[3] = {
    {"replication_pad1d_cpu", TG_OP_REPLICATION_PAD1D, false},
    {"replication_pad2d_cpu", TG_OP_REPLICATION_PAD2D, false},
    {"replication_pad3d_cpu", TG_OP_REPLICATION_PAD3D, false},
};

/* Whether t's dims from `first` on are all non-empty. */
static bool non_empty(const tg_tensor *t, int first)
{
    for (int d = first; d < t->ndim; d++)
        if (t->shape[d] == 0) return false;
    return true;
}

/* PyTorch's check of the input's dims for a padding of the last k: all
   non-empty but a batch dim; reflection_pad1d and 2d also let an unbatched
   input's channel dim be empty, and word the error their own way. */
static int check_pad_input(const tg_tensor *t, int k, bool reflect)
{
    bool batched = t->ndim == k + 2;
    if (reflect && k < 3) {
        if (non_empty(t, 1)) return 0;
        char buf[256];
        int len = snprintf(buf, sizeof buf, "[ %s{", tg__legacy_type(t->dtype));
        for (int d = 0; d < t->ndim && len < (int)sizeof buf; d++)
            len += snprintf(buf + len, sizeof buf - (size_t)len, d ? ",%lld" : "%lld", (long long)t->shape[d]);
        return tg__faili(TG_E_SHAPE, "%dD or %dD (batch mode) tensor expected for input, but got: %s} ]", k + 1,
                         k + 2, buf);
    }
    if (non_empty(t, batched ? 1 : 0)) return 0;
    char buf[256];
    return tg__faili(TG_E_SHAPE,
                     "Expected %dD or %dD (batch mode) tensor with possibly 0 batch size and other non-zero dimensions "
                     "for input, but got: %s", k + 1, k + 2, tg__shape_str(t->shape, t->ndim, buf, sizeof buf));
}

/* Reflection's "Padding size should be less than the corresponding input
   dimension", for the dims in PyTorch's order: width, height, depth. */
static int check_reflect_sizes(const tg_tensor *t, const int64_t *pad, int k)
{
    for (int i = 0; i < k; i++) {
        int d = t->ndim - 1 - i;
        if (pad[2 * i] < t->shape[d] && pad[2 * i + 1] < t->shape[d]) continue;
        char of[256];
        if (k == 2) snprintf(of, sizeof of, "%d", t->ndim);
        else tg__shape_str(t->shape, t->ndim, of, sizeof of);
        return tg__faili(TG_E_INVALID,
                         "Argument #%d: Padding size should be less than the corresponding input dimension, but got: "
                         "padding (%lld, %lld) at dimension %d of input %s", 4 + 2 * i, (long long)pad[2 * i],
                         (long long)pad[2 * i + 1], d, of);
    }
    return 0;
}

/* PyTorch's "input (...) is too small" when no padded dim is left (its
   reflection messages lack a space); one dim too small alone fails as a
   negative size. */
static int check_pad_output(const tg_tensor *t, const int64_t *pad, int k, bool reflect)
{
    int64_t out[3];
    bool some = false;
    for (int i = 0; i < k; i++) {
        out[i] = t->shape[t->ndim - 1 - i] + pad[2 * i] + pad[2 * i + 1];
        some = some || out[i] >= 1;
    }
    const int64_t *s = t->shape + t->ndim - k;
    if (!some && k == 1)
        return tg__faili(TG_E_SHAPE, "%sinput (W: %lld)%sis too small. Calculated output W: %lld", reflect ? "2" : "",
                         (long long)s[0], reflect ? "" : " ", (long long)out[0]);
    if (!some && k == 2)
        return tg__faili(TG_E_SHAPE, "input (H: %lld, W: %lld%s too small. Calculated output H: %lld W: %lld",
                         (long long)s[0], (long long)s[1], reflect ? ")is" : " ) is", (long long)out[1], (long long)out[0]);
    if (!some)
        return tg__faili(TG_E_SHAPE, "input (D: %lld H: %lld, W: %lld) is too small. Calculated output D: %lld H: %lld W: %lld",
                         (long long)s[0], (long long)s[1], (long long)s[2], (long long)out[2], (long long)out[1],
                         (long long)out[0]);
    int64_t shape[TG_MAX_DIMS];
    for (int d = 0; d < t->ndim; d++) shape[d] = d < t->ndim - k ? t->shape[d] : out[t->ndim - 1 - d];
    return tg__check_new(NULL, t->dtype, shape, t->ndim);
}

/* Output j of a dim of `in` padded by before and after reads, as PyTorch's
   kernels index: the mirror image about the edge (reflect) or the edge
   itself (replicate) outside, of the input cropped by negative pads. */
static int pad_axis(tg_axis *a, int64_t in, int64_t before, int64_t after, bool reflect)
{
    int64_t out = in + before + after;
    if (tg__axis_new(a, in, out, 1)) return -1;
    int64_t in_start = before < 0 ? -before : 0, out_start = before > 0 ? before : 0;
    for (int64_t j = 0; j < out; j++) {
        int64_t i = j < before ? (reflect ? 2 * before - j : before)
                  : j < in + before ? j
                  : reflect ? 2 * (in + before - 1) - j : in + before - 1;
        a->index[j] = i - out_start + in_start;
    }
    return 0;
}

static tg_tensor *mirror_pad(const pad_kind *kinds, const tg_tensor *t, const int64_t *pad, int k)
{
    const pad_kind *kind = &kinds[k - 1];
    if (check_pad_input(t, k, kind->reflect)) return NULL;
    if (kind->reflect && check_reflect_sizes(t, pad, k)) return NULL;
    if (check_pad_output(t, pad, k, kind->reflect)) return NULL;
    if (!tg__is_floating(t->dtype))
        return tg__fail(TG_E_DTYPE, "\"%s\" not implemented for '%s'", kind->kernel, tg__dtype_short(t->dtype));
    tg_resampling r = {.dims = k, .saves_input = true};
    for (int d = 0; d < k; d++) {
        int i = k - 1 - d;   /* the pad list names the last dim first */
        if (pad_axis(&r.axis[d], t->shape[t->ndim - k + d], pad[2 * i], pad[2 * i + 1], kind->reflect)) return NULL;
    }
    return tg__resample(kind->op, t, &r);
}

/* PyTorch's _pad_circular, composed as it is (so its graph is PyTorch's:
   CopySlices of slices): the input's kept part copied into an empty
   result, then per dim from the last, the left padding copied from the
   result's right end and the right padding from its left start. */
static tg_tensor *circular_pad(const tg_tensor *t, const int64_t *pad, int npad)
{
    int k = t->ndim - 2;
    if (npad != 2 * k)
        return tg__fail(TG_E_INVALID, "Invalid padding size, expected %d but got %d", 2 * k, npad);
    int64_t shape[TG_MAX_DIMS];
    for (int d = 0; d < t->ndim; d++) shape[d] = t->shape[d];
    for (int i = 0; i < k; i++) {
        int d = t->ndim - 1 - i;
        if (pad[2 * i] > t->shape[d] || pad[2 * i + 1] > t->shape[d])
            return tg__fail(TG_E_INVALID, "Padding value causes wrapping around more than once.");
        shape[d] = t->shape[d] + pad[2 * i] + pad[2 * i + 1];
        if (shape[d] < 0)
            return tg__fail(TG_E_INVALID, "Negative padding value is resulting in an empty dimension");
    }
    tg_tensor *out = tg_empty(shape, t->ndim, t->dtype);
    tg_tensor *into = out;
    const tg_tensor *from = t;
    for (int i = 0; i < k; i++) {
        int d = t->ndim - 1 - i;
        int64_t l = pad[2 * i], r = pad[2 * i + 1];
        into = tg_slice(into, d, l > 0 ? l : 0, shape[d] - (r > 0 ? r : 0), 1);
        from = tg_slice(from, d, l < 0 ? -l : 0, t->shape[d] - (r < 0 ? -r : 0), 1);
    }
    if (!into || !from || !tg_copy_(into, from)) return NULL;
    for (int i = 0; i < k; i++) {
        int d = t->ndim - 1 - i;
        int64_t l = pad[2 * i], r = pad[2 * i + 1], kept_r = r > 0 ? r : 0, kept_l = l > 0 ? l : 0;
        if (l > 0 && !tg_copy_(tg_slice(out, d, 0, l, 1), tg_slice(out, d, shape[d] - l - kept_r, shape[d] - kept_r, 1)))
            return NULL;
        if (r > 0 && !tg_copy_(tg_slice(out, d, shape[d] - r, shape[d], 1), tg_slice(out, d, kept_l, kept_l + r, 1)))
            return NULL;
    }
    return out;
}

tg_tensor *tg_pad(const tg_tensor *input, const int64_t *pad, int npad, tg_pad_mode mode, double value)
{
    TG_ARG(input);
    if (npad < 0 || (npad > 0 && !pad)) return tg__fail(TG_E_INVALID, "tg_pad(): pad must hold npad sizes");
    if (npad % 2) return tg__fail(TG_E_INVALID, "Padding length must be divisible by 2");
    if (npad / 2 > input->ndim) return tg__fail(TG_E_INVALID, "Padding length too large");
    for (int i = 0; i < npad; i++)   /* so that no size computed from them overflows */
        if (pad[i] < -(INT64_MAX / 4) || pad[i] > INT64_MAX / 4)
            return tg__fail(TG_E_INVALID, "tg_pad(): pad %lld is out of range", (long long)pad[i]);
    if (mode == TG_PAD_CONSTANT) return constant_pad(input, pad, npad, value);
    static const char *const NAMES[] = {"constant", "reflect", "replicate", "circular"};
    if ((unsigned)mode > TG_PAD_CIRCULAR) return tg__fail(TG_E_INVALID, "Unrecognised padding mode %d", (int)mode);
    const char *name = NAMES[mode];
    if (value != 0) return tg__fail(TG_E_INVALID, "Padding mode \"%s\" doesn't take in value argument", name);
    int k = npad / 2;
    if (k < 1 || k > 3 || (input->ndim != k + 1 && input->ndim != k + 2))
        return tg__fail(TG_E_INVALID, "Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now");
    if (mode == TG_PAD_CIRCULAR) return circular_pad(input, pad, npad);
    return mirror_pad(mode == TG_PAD_REFLECT ? REFLECTION : REPLICATION, input, pad, k);
}
