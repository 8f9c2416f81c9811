/* Python's text for numbers and tuples, for messages and reprs that
   quote what Python would print. */
#include "core.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Python's float repr: the shortest digits that read back as v, fixed
   notation for exponents in [-4, 16), else d.ddde+XX; ".0" on whole
   numbers. */
const char *tg__py_float(double v, char *buf, size_t cap)
{
    if (isnan(v)) return snprintf(buf, cap, "nan"), buf;
    if (isinf(v)) return snprintf(buf, cap, v < 0 ? "-inf" : "inf"), buf;
    char digits[40];
    int precision = 1;
    for (; precision < 17; precision++) {
        snprintf(digits, sizeof digits, "%.*e", precision - 1, v);
        if (strtod(digits, NULL) == v) break;
    }
    snprintf(digits, sizeof digits, "%.*e", precision - 1, v);
    int exponent = atoi(strchr(digits, 'e') + 1);
    if (exponent < -4 || exponent >= 16) {
        /* "1e-05", "1.5e+20": C's mantissa with Python's two-digit exponent */
        char *e = strchr(digits, 'e');
        *e = '\0';
        snprintf(buf, cap, "%se%c%02d", digits, exponent < 0 ? '-' : '+', abs(exponent));
        return buf;
    }
    int decimals = precision - 1 - exponent;
    snprintf(buf, cap, "%.*f", decimals > 0 ? decimals : 0, v);
    if (decimals <= 0) strncat(buf, ".0", cap - strlen(buf) - 1);
    return buf;
}

const char *tg__py_tuple(const int64_t *v, int n, char *buf, size_t cap)
{
    size_t len = (size_t)snprintf(buf, cap, "(");
    for (int i = 0; i < n && len < cap; i++)
        len += (size_t)snprintf(buf + len, cap - len, i ? ", %lld" : "%lld", (long long)v[i]);
    if (len < cap) snprintf(buf + len, cap - len, n == 1 ? ",)" : ")");
    return buf;
}
