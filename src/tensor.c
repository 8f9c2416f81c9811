/* Tensors: allocation, reference counts, geometry, creation and readers. */
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ geometry */

int64_t tg__numel(const int64_t *shape, int ndim)
{
    int64_t n = 1;
    for (int i = 0; i < ndim; i++) n *= shape[i];
    return n;
}

void tg__contiguous_strides(const int64_t *shape, int ndim, int64_t *strides)
{
    int64_t s = 1;
    for (int i = ndim - 1; i >= 0; i--) {
        strides[i] = s;
        s *= shape[i] > 1 ? shape[i] : 1;
    }
}

bool tg__same_shape(const int64_t *a, int na, const int64_t *b, int nb)
{
    return na == nb && (na == 0 || memcmp(a, b, (size_t)na * sizeof *a) == 0);
}

const char *tg__shape_str(const int64_t *shape, int ndim, char *buf, size_t cap)
{
    size_t len = (size_t)snprintf(buf, cap, "[");
    for (int i = 0; i < ndim && len < cap; i++)
        len += (size_t)snprintf(buf + len, cap - len, i ? ", %lld" : "%lld", (long long)shape[i]);
    if (len < cap) snprintf(buf + len, cap - len, "]");
    return buf;
}

int tg__check_shape(const int64_t *shape, int ndim)
{
    if (ndim < 0 || ndim > TG_MAX_DIMS)
        return tg__faili(TG_E_SHAPE, "tensors may have at most %d dimensions, got %d", TG_MAX_DIMS, ndim);
    if (ndim > 0 && !shape) return tg__faili(TG_E_NULL, "shape is NULL");
    /* The product of the sizes with zeros read as ones bounds the element
       count and the contiguous strides (tg__contiguous_strides), so an empty
       shape like (0, 2^40, 2^40) must fit too. */
    int64_t n = 1;
    for (int i = 0; i < ndim; i++) {
        if (shape[i] < 0)
            return tg__faili(TG_E_SHAPE, "Trying to create tensor with negative dimension %lld: %s",
                             (long long)shape[i], tg__shape_str(shape, ndim, (char[256]){0}, 256));
        int64_t size = shape[i] > 1 ? shape[i] : 1;
        if (n > INT64_MAX / 16 / size)   /* 16: room for the widest element */
            return tg__faili(TG_E_SHAPE, "Storage size calculation overflowed with sizes=%s",
                             tg__shape_str(shape, ndim, (char[256]){0}, 256));
        n *= size;
    }
    return 0;
}

int tg__wrap_dim(int64_t dim, int ndim, int64_t *out)
{
    int64_t n = ndim > 0 ? ndim : 1;   /* a 0-dim tensor accepts dims -1 and 0 */
    if (dim < -n || dim >= n)
        return tg__faili(TG_E_INDEX, "Dimension out of range (expected to be in range of [%lld, %lld], but got %lld)",
                         (long long)-n, (long long)(n - 1), (long long)dim);
    *out = dim < 0 ? dim + n : dim;
    return 0;
}

char *tg__ptr(const tg_tensor *t)
{
    return (char *)t->storage->data + t->offset * (int64_t)tg__dtype_size(t->dtype);
}

/* ---------------------------------------------------- reference counts */

static atomic_int_least64_t live_tensors;

int64_t tg__live_tensors(void) { return atomic_load(&live_tensors); }

static void storage_unref(tg_storage *s)
{
    if (atomic_fetch_sub(&s->refs, 1) == 1) {
        free(s->data);
        free(s);
    }
}

static void version_unref(tg_version_counter *v)
{
    if (atomic_fetch_sub(&v->refs, 1) == 1) free(v);
}

static tg_version_counter *version_new(void)
{
    tg_version_counter *v = tg__malloc(sizeof *v);
    if (!v) return NULL;
    atomic_init(&v->refs, 1);
    atomic_init(&v->value, 0);
    atomic_init(&v->inplace_op, 0);
    return v;
}

void tg__ref(tg_tensor *t) { atomic_fetch_add(&t->refs, 1); }

void tg__unref(tg_tensor *t)
{
    if (atomic_fetch_sub(&t->refs, 1) != 1) return;
    if (t->grad_fn) tg__node_unref(t->grad_fn);
    if (t->grad) tg__unref(t->grad);
    if (t->view_base) tg__unref(t->view_base);
    storage_unref(t->storage);
    version_unref(t->version);
    free(t);
    atomic_fetch_sub(&live_tensors, 1);
}

void tg__bump_version(tg_tensor *t) { atomic_fetch_add(&t->version->value, 1); }

/* --------------------------------------------------------------- making */

static tg_tensor *tensor_shell(tg_dtype dt, const int64_t *shape, const int64_t *strides,
                               int ndim, int64_t offset)
{
    tg_tensor *t = tg__calloc(1, sizeof *t);
    if (!t) return NULL;
    atomic_fetch_add(&live_tensors, 1);
    atomic_init(&t->refs, 1);
    t->dtype = dt;
    t->ndim = ndim;
    if (ndim) {
        memcpy(t->shape, shape, (size_t)ndim * sizeof *shape);
        memcpy(t->strides, strides, (size_t)ndim * sizeof *strides);
    }
    t->offset = offset;
    return t;
}

tg_tensor *tg__new(tg_dtype dt, const int64_t *shape, int ndim)
{
    if (!tg__is_supported(dt))
        return tg__fail(TG_E_DTYPE, "dtype %s is not supported yet", tg_dtype_name(dt));
    if (tg__check_shape(shape, ndim)) return NULL;
    int64_t strides[TG_MAX_DIMS];
    tg__contiguous_strides(shape, ndim, strides);
    int64_t n = tg__numel(shape, ndim);
    size_t nbytes = (size_t)n * tg__dtype_size(dt);
    tg_tensor *t = tensor_shell(dt, shape, strides, ndim, 0);
    tg_storage *s = tg__malloc(sizeof *s);
    void *data = tg__malloc(nbytes);
    tg_version_counter *v = version_new();
    if (!t || !s || !data || !v) {
        if (t) atomic_fetch_sub(&live_tensors, 1);
        free(t); free(s); free(data); free(v);
        return NULL;
    }
    atomic_init(&s->refs, 1);
    s->data = data;
    s->nbytes = nbytes;
    t->storage = s;
    t->version = v;
    return tg__scope_own(t) ? NULL : t;
}

tg_tensor *tg__new_like(tg_dtype dt, const int64_t *shape, int ndim, const tg_tensor *const *ops, int nops)
{
    tg_tensor *t = tg__new(dt, shape, ndim);
    if (t) tg__result_strides(shape, ndim, ops, nops, t->strides);
    return t;
}

tg_tensor *tg__alias(const tg_tensor *src, const int64_t *shape, const int64_t *strides,
                     int ndim, int64_t offset)
{
    tg_tensor *t = tensor_shell(src->dtype, shape, strides, ndim, offset);
    if (!t) return NULL;
    atomic_fetch_add(&src->storage->refs, 1);
    atomic_fetch_add(&src->version->refs, 1);
    t->storage = src->storage;
    t->version = src->version;
    return tg__scope_own(t) ? NULL : t;
}

tg_tensor *tg__share(const tg_tensor *t)
{
    tg__ref((tg_tensor *)t);
    return tg__scope_own((tg_tensor *)t) ? NULL : (tg_tensor *)t;
}

/* ------------------------------------------------------------- creation */

tg_tensor *tg_empty(const int64_t *shape, int ndim, tg_dtype dtype)
{
    return tg__new(dtype, shape, ndim);
}

tg_tensor *tg_full(const int64_t *shape, int ndim, double value, tg_dtype dtype)
{
    tg_tensor *t = tg__new(dtype, shape, ndim);
    if (t) tg__k_fill(t, value);
    return t;
}

tg_tensor *tg_zeros(const int64_t *shape, int ndim, tg_dtype dtype)
{
    return tg_full(shape, ndim, 0, dtype);
}

tg_tensor *tg_ones(const int64_t *shape, int ndim, tg_dtype dtype)
{
    return tg_full(shape, ndim, 1, dtype);
}

static tg_tensor *from_data(const void *data, tg_dtype dt, const int64_t *shape, int ndim)
{
    if (!data && ndim >= 0 && !tg__check_shape(shape, ndim) && tg__numel(shape, ndim) > 0)
        return tg__fail(TG_E_NULL, "data is NULL");
    tg_tensor *t = tg__new(dt, shape, ndim);
    if (t && t->storage->nbytes) memcpy(t->storage->data, data, t->storage->nbytes);
    return t;
}

tg_tensor *tg_from_f32(const float *d, const int64_t *s, int n) { return from_data(d, TG_F32, s, n); }
tg_tensor *tg_from_f64(const double *d, const int64_t *s, int n) { return from_data(d, TG_F64, s, n); }
tg_tensor *tg_from_i64(const int64_t *d, const int64_t *s, int n) { return from_data(d, TG_I64, s, n); }
tg_tensor *tg_from_i32(const int32_t *d, const int64_t *s, int n) { return from_data(d, TG_I32, s, n); }
tg_tensor *tg_from_bool(const bool *d, const int64_t *s, int n) { return from_data(d, TG_BOOL, s, n); }

tg_tensor *tg_scalar(double v) { return tg_full(NULL, 0, v, TG_F32); }

tg_tensor *tg__scalar_tensor(double v, tg_dtype dt) { return tg_full(NULL, 0, v, dt); }

tg_tensor *tg_arange(double start, double end, double step, tg_dtype dtype)
{
    if (step == 0) return tg__fail(TG_E_INVALID, "step must be nonzero");
    if (!isfinite(start) || !isfinite(end))
        return tg__fail(TG_E_INVALID, "unsupported range: %g -> %g", start, end);
    /* PyTorch's form of the test, which a NaN step fails too. */
    if (!((step > 0 && end >= start) || (step < 0 && end <= start)))
        return tg__fail(TG_E_INVALID, "upper bound and larger bound inconsistent with step sign");
    double count = ceil((end - start) / step);
    if (count > 1e15) return tg__fail(TG_E_SHAPE, "arange would have %g elements", count);
    int64_t n = (int64_t)count;
    tg_tensor *t = tg__new(dtype, TG_SHAPE(n));
    if (!t) return NULL;
    size_t es = tg__dtype_size(dtype);
    for (int64_t i = 0; i < n; i++)
        tg__store((char *)t->storage->data + i * (int64_t)es, dtype, start + (double)i * step);
    return t;
}

/* -------------------------------------------------------------- readers */

tg_dtype tg_dtype_of(const tg_tensor *t) { return t ? t->dtype : TG_F32; }
int tg_ndim(const tg_tensor *t) { return t ? t->ndim : -1; }
const int64_t *tg_shape(const tg_tensor *t) { return t ? t->shape : NULL; }
const int64_t *tg_strides(const tg_tensor *t) { return t ? t->strides : NULL; }
int64_t tg_numel(const tg_tensor *t) { return t ? tg__numel(t->shape, t->ndim) : -1; }
uint64_t tg_version(const tg_tensor *t) { return t ? atomic_load(&t->version->value) : 0; }

bool tg_is_contiguous(const tg_tensor *t)
{
    if (!t) return false;
    if (tg_numel(t) == 0) return true;   /* PyTorch: an empty tensor is contiguous */
    int64_t expected = 1;
    for (int i = t->ndim - 1; i >= 0; i--) {
        if (t->shape[i] == 1) continue;
        if (t->strides[i] != expected) return false;
        expected *= t->shape[i];
    }
    return true;
}

double tg_item(const tg_tensor *t)
{
    if (!t) { tg__null_arg(__func__); return NAN; }
    int64_t n = tg_numel(t);
    if (n != 1) {
        tg__fail(TG_E_SHAPE, "a Tensor with %lld elements cannot be converted to Scalar", (long long)n);
        return NAN;
    }
    return tg__load(tg__ptr(t), t->dtype);
}

typedef struct gather_ctx { double *out; tg_dtype dt; } gather_ctx;

static void gather_loop(char **data, const int64_t *strides, int64_t n, void *vctx)
{
    gather_ctx *c = vctx;
    for (int64_t i = 0; i < n; i++) *c->out++ = tg__load(data[0] + i * strides[0], c->dt);
}

int tg_copy_to_f64(const tg_tensor *t, double *out)
{
    TG_ARGI(t);
    if (!out) return tg__faili(TG_E_NULL, "tg_copy_to_f64(): out is NULL");
    tg_iter_operand op;
    tg__operand(&op, t, t->ndim);
    gather_ctx c = {out, t->dtype};
    /* No coalescing across operands is needed: row-major order is kept. */
    tg__iter_run(&op, 1, t->shape, t->ndim, gather_loop, &c);
    return 0;
}
