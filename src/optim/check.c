/* Options checks with PyTorch's messages, which print numbers as Python's
   repr of a float does. */
#include "optim.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Python's repr: the shortest digits that read back as v; positional
   notation for decimal exponents -4 to 15 ("0.0001", "5.0"), scientific
   otherwise with at least two exponent digits ("1e-05", "1.5e+16"). */
const char *tg__py_float(double v, char *buf)
{
    if (isnan(v)) return strcpy(buf, "nan");
    if (isinf(v)) return strcpy(buf, v < 0 ? "-inf" : "inf");
    char sci[32];
    for (int precision = 0; precision <= 16; precision++) {
        snprintf(sci, sizeof sci, "%.*e", precision, v);
        if (strtod(sci, NULL) == v) break;
    }
    /* sci is [-]d[.ddd]e±XX: split it into sign, digits and exponent. */
    char *e = strchr(sci, 'e');
    int exponent = atoi(e + 1);
    *e = '\0';
    bool negative = sci[0] == '-';
    char digits[20];
    int n = 0;
    for (const char *c = sci + negative; *c; c++)
        if (*c != '.') digits[n++] = *c;
    while (n > 1 && digits[n - 1] == '0') n--;
    digits[n] = '\0';
    char *out = buf;
    if (negative) *out++ = '-';
    if (exponent < -4 || exponent >= 16) {
        out += sprintf(out, "%c", digits[0]);
        if (n > 1) out += sprintf(out, ".%s", digits + 1);
        sprintf(out, "e%c%02d", exponent < 0 ? '-' : '+', abs(exponent));
    } else if (exponent < 0) {
        out += sprintf(out, "0.");
        for (int i = 1; i < -exponent; i++) *out++ = '0';
        strcpy(out, digits);
    } else {
        int whole = exponent + 1;
        for (int i = 0; i < whole; i++) *out++ = i < n ? digits[i] : '0';
        sprintf(out, ".%s", n > whole ? digits + whole : "0");
    }
    return buf;
}

int tg__invalid(const char *what, double v)
{
    char buf[32];
    return tg__faili(TG_E_INVALID, "Invalid %s: %s", what, tg__py_float(v, buf));
}
