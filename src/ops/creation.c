/* Creation: tensors filled with a value, from the caller's memory, ranges,
   and copies back out to it. */
#include "ops.h"

#include <math.h>
#include <string.h>

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
