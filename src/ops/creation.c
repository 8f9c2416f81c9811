/* Creation: tensors filled with a value, from the caller's memory, ranges,
   and copies back out to it. */
#include "ops.h"

#include <math.h>
#include <string.h>

tg_tensor *tg_empty(const int64_t *shape, int ndim, tg_dtype dtype)
{
    return tg__check_new(__func__, dtype, shape, ndim) ? NULL : tg__new(dtype, shape, ndim);
}

/* fn is the public function's name, for errors. */
static tg_tensor *filled(const char *fn, const int64_t *shape, int ndim, double value, tg_dtype dtype)
{
    tg_tensor *t = tg__check_new(fn, dtype, shape, ndim) ? NULL : tg__new(dtype, shape, ndim);
    if (t) tg__k_fill(t, value);
    return t;
}

tg_tensor *tg_full(const int64_t *shape, int ndim, double value, tg_dtype dtype)
{
    return filled(__func__, shape, ndim, value, dtype);
}

tg_tensor *tg_zeros(const int64_t *shape, int ndim, tg_dtype dtype) { return filled(__func__, shape, ndim, 0, dtype); }
tg_tensor *tg_ones(const int64_t *shape, int ndim, tg_dtype dtype) { return filled(__func__, shape, ndim, 1, dtype); }
tg_tensor *tg_scalar(double v) { return filled(__func__, NULL, 0, v, TG_F32); }
tg_tensor *tg__scalar_tensor(double v, tg_dtype dt) { return filled(__func__, NULL, 0, v, dt); }

static tg_tensor *from_data(const char *fn, const void *data, tg_dtype dt, const int64_t *shape, int ndim)
{
    if (tg__check_new(fn, dt, shape, ndim)) return NULL;
    if (!data && tg__numel(shape, ndim) > 0) return tg__fail(TG_E_NULL, "%s(): data is NULL", fn);
    tg_tensor *t = tg__new(dt, shape, ndim);
    if (t && t->storage->nbytes) memcpy(t->storage->data, data, t->storage->nbytes);
    return t;
}

tg_tensor *tg_from_f32(const float *d, const int64_t *s, int n) { return from_data(__func__, d, TG_F32, s, n); }
tg_tensor *tg_from_f64(const double *d, const int64_t *s, int n) { return from_data(__func__, d, TG_F64, s, n); }
tg_tensor *tg_from_i64(const int64_t *d, const int64_t *s, int n) { return from_data(__func__, d, TG_I64, s, n); }
tg_tensor *tg_from_i32(const int32_t *d, const int64_t *s, int n) { return from_data(__func__, d, TG_I32, s, n); }
tg_tensor *tg_from_bool(const bool *d, const int64_t *s, int n) { return from_data(__func__, d, TG_BOOL, s, n); }

tg_tensor *tg_arange(double start, double end, double step, tg_dtype dtype)
{
    if (step == 0) return tg__fail(TG_E_INVALID, "step must be nonzero");
    if (!isfinite(start) || !isfinite(end))
        return tg__fail(TG_E_INVALID, "unsupported range: %g -> %g", start, end);
    /* PyTorch's form of the test, which a NaN step fails too. */
    if (!((step > 0 && end >= start) || (step < 0 && end <= start)))
        return tg__fail(TG_E_INVALID, "upper bound and larger bound inconsistent with step sign");
    double count = ceil((end - start) / step);
    if (count > 1e15) return tg__fail(TG_E_SHAPE, "tg_arange(): the range would have %g elements", count);
    int64_t n = (int64_t)count;
    tg_tensor *t = tg__check_new(__func__, dtype, TG_SHAPE(n)) ? NULL : tg__new(dtype, TG_SHAPE(n));
    if (!t) return NULL;
    size_t es = tg__dtype_size(dtype);
    for (int64_t i = 0; i < n; i++)
        tg__store((char *)t->storage->data + i * (int64_t)es, dtype, start + (double)i * step);
    return t;
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
