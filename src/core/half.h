/* 16-bit floats: float16 (IEEE binary16) and bfloat16, stored as their bits
   and converted to and from float with round-to-nearest-even, as PyTorch's
   c10::Half and c10::BFloat16 do. Inline: kernels convert every element. */
#ifndef TG_HALF_H
#define TG_HALF_H

#include <stdint.h>
#include <string.h>

static inline uint32_t tg__f32_bits(float f)
{
    uint32_t x;
    memcpy(&x, &f, sizeof x);
    return x;
}

static inline float tg__f32_from_bits(uint32_t x)
{
    float f;
    memcpy(&f, &x, sizeof f);
    return f;
}

static inline float tg__f16_to_f32(uint16_t h)
{
    uint32_t sign = (uint32_t)(h & 0x8000u) << 16, exp = (h >> 10) & 0x1fu, man = h & 0x3ffu;
    if (exp == 0x1f) return tg__f32_from_bits(sign | 0x7f800000u | man << 13);
    if (exp) return tg__f32_from_bits(sign | (exp + 112) << 23 | man << 13);
    float magnitude = (float)man * 0x1p-24f;   /* zero or subnormal: exact */
    return sign ? -magnitude : magnitude;
}

static inline uint16_t tg__f16_from_f32(float f)
{
    uint32_t x = tg__f32_bits(f), sign = (x >> 16) & 0x8000u, ax = x & 0x7fffffffu;
    if (ax > 0x7f800000u) return (uint16_t)(sign | 0x7e00u);     /* NaN */
    if (ax >= 0x477ff000u) return (uint16_t)(sign | 0x7c00u);    /* 65520 and up round to inf */
    if (ax >= 0x38800000u) {                                     /* a normal half (2^-14 and up) */
        uint32_t r = ax - 0x38000000u;                           /* exponent bias 127 -> 15 */
        r += 0xfffu + ((r >> 13) & 1);                           /* to nearest, ties to even */
        return (uint16_t)(sign | r >> 13);
    }
    if (ax < 0x33000000u) return (uint16_t)sign;                 /* at most 2^-25: zero */
    /* A subnormal half counts units of 2^-24; the float is man * 2^(exp-150). */
    uint32_t exp = ax >> 23, man = (ax & 0x7fffffu) | 0x800000u, shift = 126 - exp;
    uint32_t q = man >> shift, rest = man & ((1u << shift) - 1), half = 1u << (shift - 1);
    if (rest > half || (rest == half && (q & 1))) q++;
    return (uint16_t)(sign | q);
}

static inline float tg__bf16_to_f32(uint16_t h) { return tg__f32_from_bits((uint32_t)h << 16); }

static inline uint16_t tg__bf16_from_f32(float f)
{
    uint32_t x = tg__f32_bits(f);
    if ((x & 0x7fffffffu) > 0x7f800000u) return 0x7fc0;          /* NaN, as c10::BFloat16 makes it */
    return (uint16_t)((x + 0x7fffu + ((x >> 16) & 1)) >> 16);
}

#endif
