/* dtypes: sizes, names, PyTorch's type promotion, element access. */
#include "core.h"

#include <math.h>

typedef struct dtype_info {
    const char *name;     /* torch.<name> */
    const char *short_name;
    const char *legacy;   /* how PyTorch's messages name a tensor's type */
    int category;         /* 0 bool, 1 integer, 2 floating, 3 complex */
    bool supported;
} dtype_info;

static const dtype_info DTYPES[] = {
    [TG_F32]  = {"torch.float32",    "Float",         "torch.FloatTensor",         2, true},
    [TG_F64]  = {"torch.float64",    "Double",        "torch.DoubleTensor",        2, true},
    [TG_F16]  = {"torch.float16",    "Half",          "torch.HalfTensor",          2, false},
    [TG_BF16] = {"torch.bfloat16",   "BFloat16",      "CPUBFloat16Type",           2, false},
    [TG_C64]  = {"torch.complex64",  "ComplexFloat",  "CPUComplexFloatType",       3, false},
    [TG_C128] = {"torch.complex128", "ComplexDouble", "CPUComplexDoubleType",      3, false},
    [TG_I32]  = {"torch.int32",      "Int",           "torch.IntTensor",           1, true},
    [TG_I64]  = {"torch.int64",      "Long",          "torch.LongTensor",          1, true},
    [TG_BOOL] = {"torch.bool",       "Bool",          "CPUBoolType",               0, true},
};

static bool valid(tg_dtype dt) { return (unsigned)dt <= TG_BOOL; }

bool tg__is_floating(tg_dtype dt) { return DTYPES[dt].category == 2; }
bool tg__is_supported(tg_dtype dt) { return valid(dt) && DTYPES[dt].supported; }
const char *tg__dtype_short(tg_dtype dt) { return DTYPES[dt].short_name; }
const char *tg__legacy_type(tg_dtype dt) { return DTYPES[dt].legacy; }
const char *tg_dtype_name(tg_dtype dt) { return valid(dt) ? DTYPES[dt].name : "invalid"; }

/* Promotion among the supported dtypes: the higher category wins; within
   floating, float64 over float32; within integers, int64 over int32. */
tg_dtype tg__promote(tg_dtype a, tg_dtype b)
{
    if (a == b) return a;
    int ca = DTYPES[a].category, cb = DTYPES[b].category;
    if (ca != cb) return ca > cb ? a : b;
    return tg__dtype_size(a) >= tg__dtype_size(b) ? a : b;
}

tg_dtype tg__result_type(const tg_tensor *a, const tg_tensor *b)
{
    bool za = a->ndim == 0, zb = b->ndim == 0;
    if (za == zb) return tg__promote(a->dtype, b->dtype);
    const tg_tensor *dim = za ? b : a, *zero = za ? a : b;
    /* A 0-dim tensor only matters when its category is higher. */
    if (DTYPES[zero->dtype].category > DTYPES[dim->dtype].category) return zero->dtype;
    return dim->dtype;
}

tg_dtype tg__result_type_scalar(const tg_tensor *a, double s)
{
    bool integral = isfinite(s) && s == floor(s);
    int cat = integral ? 1 : 2;
    if (cat > DTYPES[a->dtype].category) return integral ? TG_I64 : TG_F32;
    return a->dtype;
}

bool tg__can_cast(tg_dtype from, tg_dtype to)
{
    return DTYPES[from].category <= DTYPES[to].category;
}

double tg__load(const void *p, tg_dtype dt)
{
    switch (dt) {
    case TG_F32: return *(const float *)p;
    case TG_F64: return *(const double *)p;
    case TG_I32: return *(const int32_t *)p;
    case TG_I64: return (double)*(const int64_t *)p;
    case TG_BOOL: return *(const bool *)p;
    default: return NAN;
    }
}

int64_t tg__load_int(const void *p, tg_dtype dt)
{
    switch (dt) {
    case TG_I32: return *(const int32_t *)p;
    case TG_I64: return *(const int64_t *)p;
    case TG_BOOL: return *(const bool *)p;
    default: return 0;
    }
}

void tg__store(void *p, tg_dtype dt, double v)
{
    switch (dt) {
    case TG_F32: *(float *)p = (float)v; break;
    case TG_F64: *(double *)p = v; break;
    case TG_I32: *(int32_t *)p = isfinite(v) && fabs(v) < 2.2e9 ? (int32_t)(int64_t)v : INT32_MIN; break;
    case TG_I64: *(int64_t *)p = isfinite(v) && fabs(v) < 9.2e18 ? (int64_t)v : INT64_MIN; break;
    case TG_BOOL: *(bool *)p = v != 0; break;
    default: break;
    }
}
