/* Special functions the C library lacks. */
#include "kernels.h"

#include <tgmath.h>

/* PyTorch's calc_erfinv, in T as PyTorch computes it: a rational first
   guess (central range and tails) refined by two Newton steps on erf. */
#define ERFINV(name, T)                                                                                   \
    T name(T y)                                                                                           \
    {                                                                                                     \
        static const T a[4] = {0.886226899, -1.645349621, 0.914624893, -0.140543331};                     \
        static const T b[4] = {-2.118377725, 1.442710462, -0.329097515, 0.012229801};                     \
        static const T c[4] = {-1.970840454, -1.624906493, 3.429567803, 1.641345311};                     \
        static const T d[2] = {3.543889200, 1.637067800};                                                 \
        T ya = fabs(y), x;                                                                                \
        if (ya > 1 || y != y) return (T)NAN;                                                              \
        if (ya == 1) return copysign((T)INFINITY, y);                                                     \
        if (ya <= (T)0.7) {                                                                               \
            T z = y * y;                                                                                  \
            x = y * (((a[3] * z + a[2]) * z + a[1]) * z + a[0]) / ((((b[3] * z + b[2]) * z + b[1]) * z + b[0]) * z + 1); \
        } else {                                                                                          \
            T z = sqrt(-log((1 - ya) / 2));                                                               \
            x = copysign(((c[3] * z + c[2]) * z + c[1]) * z + c[0], y) / ((d[1] * z + d[0]) * z + 1);    \
        }                                                                                                 \
        const T k = (T)2 / (T)sqrt(M_PI);                                                                 \
        x = x - (erf(x) - y) / (k * exp(-x * x));                                                         \
        x = x - (erf(x) - y) / (k * exp(-x * x));                                                         \
        return x;                                                                                         \
    }
ERFINV(tg__erfinvf, float)
ERFINV(tg__erfinv, double)
