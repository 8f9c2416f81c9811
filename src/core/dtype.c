/* dtypes: sizes, names, PyTorch's type promotion, element access. */
#include "core.h"
#include "half.h"

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
    [TG_F16]  = {"torch.float16",    "Half",          "torch.HalfTensor",          2, true},
    [TG_BF16] = {"torch.bfloat16",   "BFloat16",      "CPUBFloat16Type",           2, true},
    [TG_C64]  = {"torch.complex64",  "ComplexFloat",  "CPUComplexFloatType",       3, true},
    [TG_C128] = {"torch.complex128", "ComplexDouble", "CPUComplexDoubleType",      3, true},
    [TG_I32]  = {"torch.int32",      "Int",           "torch.IntTensor",           1, true},
    [TG_I64]  = {"torch.int64",      "Long",          "torch.LongTensor",          1, true},
    [TG_BOOL] = {"torch.bool",       "Bool",          "CPUBoolType",               0, true},
    [TG_I8]   = {"torch.int8",       "Char",          "torch.CharTensor",          1, true},
    [TG_U8]   = {"torch.uint8",      "Byte",          "torch.ByteTensor",          1, true},
    [TG_I16]  = {"torch.int16",      "Short",         "torch.ShortTensor",         1, true},
};

static bool valid(tg_dtype dt) { return (unsigned)dt < TG__NUM_DTYPES; }

/* Safe on a value that is no tg_dtype (false), so checks may run before
   a function has validated its dtype argument. */
bool tg__is_integral(tg_dtype dt) { return valid(dt) && DTYPES[dt].category == 1; }
bool tg__is_supported(tg_dtype dt) { return valid(dt) && DTYPES[dt].supported; }
const char *tg__dtype_short(tg_dtype dt) { return DTYPES[dt].short_name; }
const char *tg__legacy_type(tg_dtype dt) { return DTYPES[dt].legacy; }
const char *tg_dtype_name(tg_dtype dt) { return valid(dt) ? DTYPES[dt].name : "invalid"; }

/* PyTorch's promote_types, row a, column b, in tg_dtype order (printed by
   torch.promote_types over every pair). */
enum { F32 = TG_F32, F64 = TG_F64, F16 = TG_F16, BF = TG_BF16, C64 = TG_C64, C128 = TG_C128,
       I32 = TG_I32, I64 = TG_I64, B = TG_BOOL, I8 = TG_I8, U8 = TG_U8, I16 = TG_I16 };
static const unsigned char PROMOTE[TG__NUM_DTYPES][TG__NUM_DTYPES] = {
    /*          F32   F64   F16   BF    C64   C128  I32   I64   B     I8    U8    I16 */
    [F32]  = {F32,  F64,  F32,  F32,  C64,  C128, F32,  F32,  F32,  F32,  F32,  F32},
    [F64]  = {F64,  F64,  F64,  F64,  C128, C128, F64,  F64,  F64,  F64,  F64,  F64},
    [F16]  = {F32,  F64,  F16,  F32,  C64,  C128, F16,  F16,  F16,  F16,  F16,  F16},
    [BF]   = {F32,  F64,  F32,  BF,   C64,  C128, BF,   BF,   BF,   BF,   BF,   BF},
    [C64]  = {C64,  C128, C64,  C64,  C64,  C128, C64,  C64,  C64,  C64,  C64,  C64},
    [C128] = {C128, C128, C128, C128, C128, C128, C128, C128, C128, C128, C128, C128},
    [I32]  = {F32,  F64,  F16,  BF,   C64,  C128, I32,  I64,  I32,  I32,  I32,  I32},
    [I64]  = {F32,  F64,  F16,  BF,   C64,  C128, I64,  I64,  I64,  I64,  I64,  I64},
    [B]    = {F32,  F64,  F16,  BF,   C64,  C128, I32,  I64,  B,    I8,   U8,   I16},
    [I8]   = {F32,  F64,  F16,  BF,   C64,  C128, I32,  I64,  I8,   I8,   I16,  I16},
    [U8]   = {F32,  F64,  F16,  BF,   C64,  C128, I32,  I64,  U8,   I16,  U8,   I16},
    [I16]  = {F32,  F64,  F16,  BF,   C64,  C128, I32,  I64,  I16,  I16,  I16,  I16},
};

tg_dtype tg__promote(tg_dtype a, tg_dtype b) { return (tg_dtype)PROMOTE[a][b]; }

/* The complex dtype with a floating dtype's precision. There is no
   complex32 here: a float16 one gets complex64 (PyTorch 1.13 makes
   complex32, which it barely computes with). */
static tg_dtype complex_of(tg_dtype dt) { return dt == TG_F64 ? TG_C128 : TG_C64; }

/* PyTorch's combine_categories: dimensioned operands (higher) win unless a
   0-dim operand or a number (lower) is of a higher category; then the
   result has lower's category at higher's precision where that exists. */
static tg_dtype combine(tg_dtype higher, tg_dtype lower)
{
    if (tg__is_complex(higher)) return higher;
    if (tg__is_complex(lower)) return tg__is_floating(higher) ? complex_of(higher) : lower;
    if (tg__is_floating(higher)) return higher;
    if (higher == TG_BOOL || tg__is_floating(lower)) return tg__promote(higher, lower);
    return higher;
}

tg_dtype tg__result_type(const tg_tensor *a, const tg_tensor *b)
{
    bool za = a->ndim == 0, zb = b->ndim == 0;
    if (za == zb) return tg__promote(a->dtype, b->dtype);
    return za ? combine(b->dtype, a->dtype) : combine(a->dtype, b->dtype);
}

/* A Python number is a float32 (the default dtype) or an int64 for this. */
tg_dtype tg__result_type_scalar(const tg_tensor *a, double s)
{
    bool integral = isfinite(s) && s == floor(s);
    return combine(a->dtype, integral ? TG_I64 : TG_F32);
}

int64_t tg__int_lowest(tg_dtype dt)
{
    switch (dt) {
    case TG_I8: return INT8_MIN;
    case TG_I16: return INT16_MIN;
    case TG_I32: return INT32_MIN;
    case TG_I64: return INT64_MIN;
    default: return 0;   /* uint8, bool */
    }
}

int64_t tg__int_max(tg_dtype dt)
{
    switch (dt) {
    case TG_I8: return INT8_MAX;
    case TG_U8: return UINT8_MAX;
    case TG_I16: return INT16_MAX;
    case TG_I32: return INT32_MAX;
    case TG_I64: return INT64_MAX;
    default: return 1;   /* bool */
    }
}

/* c10's checked_convert of a double into dt: infinities fit a floating
   dtype, NaN no integer, and otherwise v must lie within dt's lowest and
   max (as doubles). 0, or -1 with PyTorch's error. */
int tg__checked_convert(double v, tg_dtype dt)
{
    static const struct { double lowest, max; const char *cxx; } LIMITS[] = {
        [TG_F32] = {-0x1.fffffep127, 0x1.fffffep127, "float"},
        [TG_F64] = {-INFINITY, INFINITY, "double"},
        [TG_F16] = {-65504, 65504, "at::Half"},
        [TG_BF16] = {-0x1.fep127, 0x1.fep127, "at::BFloat16"},
        [TG_C64] = {-0x1.fffffep127, 0x1.fffffep127, "c10::complex<float>"},
        [TG_C128] = {-INFINITY, INFINITY, "c10::complex<double>"},
        [TG_I32] = {-0x1p31, 0x1p31 - 1, "int"},
        [TG_I64] = {-0x1p63, 0x1p63, "int64_t"},
        [TG_BOOL] = {-INFINITY, INFINITY, "bool"},
        [TG_I8] = {-128, 127, "int8_t"},
        [TG_U8] = {0, 255, "uint8_t"},
        [TG_I16] = {-32768, 32767, "int16_t"},
    };
    bool integer = tg__is_integral(dt);
    bool fits = integer ? v >= LIMITS[dt].lowest && v <= LIMITS[dt].max
                        : isinf(v) || v != v || (v >= LIMITS[dt].lowest && v <= LIMITS[dt].max);
    if (fits) return 0;
    return tg__faili(TG_E_INVALID, "value cannot be converted to type %s without overflow", LIMITS[dt].cxx);
}

/* PyTorch's canCast: no complex to non-complex, floating to integral, or
   non-bool to bool. */
bool tg__can_cast(tg_dtype from, tg_dtype to)
{
    return DTYPES[from].category <= DTYPES[to].category;
}

double tg__load(const void *p, tg_dtype dt)
{
    switch (dt) {
    case TG_F32: return *(const float *)p;
    case TG_F64: return *(const double *)p;
    case TG_F16: return tg__f16_to_f32(*(const uint16_t *)p);
    case TG_BF16: return tg__bf16_to_f32(*(const uint16_t *)p);
    case TG_C64: return *(const float *)p;      /* the real part */
    case TG_C128: return *(const double *)p;
    case TG_I32: return *(const int32_t *)p;
    case TG_I64: return (double)*(const int64_t *)p;
    case TG_BOOL: return *(const bool *)p;
    case TG_I8: return *(const int8_t *)p;
    case TG_U8: return *(const uint8_t *)p;
    case TG_I16: return *(const int16_t *)p;
    }
    return NAN;
}

int64_t tg__load_int(const void *p, tg_dtype dt)
{
    switch (dt) {
    case TG_I32: return *(const int32_t *)p;
    case TG_I64: return *(const int64_t *)p;
    case TG_BOOL: return *(const bool *)p;
    case TG_I8: return *(const int8_t *)p;
    case TG_U8: return *(const uint8_t *)p;
    case TG_I16: return *(const int16_t *)p;
    default: return 0;
    }
}

void tg__store_int(void *p, tg_dtype dt, int64_t v)
{
    switch (dt) {   /* wrapping around, through unsigned types */
    case TG_I32: *(int32_t *)p = (int32_t)(uint32_t)(uint64_t)v; break;
    case TG_I64: *(int64_t *)p = v; break;
    case TG_I8: *(int8_t *)p = (int8_t)(uint8_t)(uint64_t)v; break;
    case TG_U8: *(uint8_t *)p = (uint8_t)(uint64_t)v; break;
    case TG_I16: *(int16_t *)p = (int16_t)(uint16_t)(uint64_t)v; break;
    default: *(bool *)p = v != 0; break;
    }
}

/* A floating value converted as x86-64 converts it in PyTorch's casts: to a
   32-bit integer (64-bit for int64 and uint8), INT_MIN where it does not fit,
   then cut to the narrower type. */
static int64_t x86_int32(double v) { return v > -2147483649.0 && v < 2147483648.0 ? (int32_t)v : INT32_MIN; }
static int64_t x86_int64(double v) { return v >= -0x1p63 && v < 0x1p63 ? (int64_t)v : INT64_MIN; }

void tg__store(void *p, tg_dtype dt, double v)
{
    switch (dt) {
    case TG_F32: *(float *)p = (float)v; break;
    case TG_F64: *(double *)p = v; break;
    case TG_F16: *(uint16_t *)p = tg__f16_from_f32((float)v); break;   /* through float, as PyTorch */
    case TG_BF16: *(uint16_t *)p = tg__bf16_from_f32((float)v); break;
    case TG_C64: ((float *)p)[0] = (float)v; ((float *)p)[1] = 0; break;
    case TG_C128: ((double *)p)[0] = v; ((double *)p)[1] = 0; break;
    case TG_BOOL: *(bool *)p = v != 0; break;
    case TG_I64: case TG_U8: tg__store_int(p, dt, x86_int64(v)); break;
    case TG_I32: case TG_I8: case TG_I16: tg__store_int(p, dt, x86_int32(v)); break;
    }
}
