/* Tensors: allocation, reference counts and readers. */
#include "core.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

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

void tg__version_unref(tg_version_counter *v)
{
    if (atomic_fetch_sub(&v->refs, 1) == 1) free(v);
}

tg_version_counter *tg__version_new(void)
{
    tg_version_counter *v = tg__malloc(sizeof *v);
    if (!v) return NULL;
    atomic_init(&v->refs, 1);
    atomic_init(&v->value, 0);
    atomic_init(&v->last_writer, 0);
    return v;
}

/* Set once, before the first autograd data exists (Note [Autograd data]). */
static _Atomic(void (*)(tg_autograd *)) autograd_release;

void tg__install_autograd_release(void (*release)(tg_autograd *)) { atomic_store(&autograd_release, release); }

void tg__ref(tg_tensor *t) { atomic_fetch_add(&t->refs, 1); }

void tg__unref(tg_tensor *t)
{
    if (atomic_fetch_sub(&t->refs, 1) != 1) return;
    if (t->autograd) atomic_load(&autograd_release)(t->autograd);
    storage_unref(t->storage);
    tg__version_unref(t->version);
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

int tg__check_new(const char *fn, tg_dtype dt, const int64_t *shape, int ndim)
{
    if (!tg__is_supported(dt))
        return tg__faili(TG_E_DTYPE, "%s%sdtype %s is not supported yet", fn ? fn : "", fn ? "(): " : "",
                         tg_dtype_name(dt));
    return tg__check_shape(fn, shape, ndim);
}

tg_tensor *tg__new(tg_dtype dt, const int64_t *shape, int ndim)
{
    if (tg__check_new(NULL, dt, shape, ndim)) return NULL;
    int64_t strides[TG_MAX_DIMS];
    tg__contiguous_strides(shape, ndim, strides);
    int64_t n = tg__numel(shape, ndim);
    size_t nbytes = (size_t)n * tg__dtype_size(dt);
    tg_tensor *t = tensor_shell(dt, shape, strides, ndim, 0);
    tg_storage *s = tg__malloc(sizeof *s);
    void *data = tg__malloc(nbytes);
    tg_version_counter *v = tg__version_new();
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

