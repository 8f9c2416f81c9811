/* A module's text as Python's print(model) writes it: Module.__repr__,
   extra_repr and _addindent of torch/nn/modules/module.py. */
#include "nn.h"

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

enum { EXTRA_CAP = 512 };

static void spaces(tg_text *out, int n) { tg__text_printf(out, "%*s", n, ""); }

/* m's repr, its lines after the first indented by `indent` more spaces
   (what _addindent does to each child's repr, level by level). */
static void write_repr(tg_text *out, const tg_module *m, int indent)
{
    char extra[EXTRA_CAP] = "";
    if (m->kind->extra_repr) m->kind->extra_repr(m, extra, sizeof extra);
    tg__text_printf(out, "%s(", m->kind->name);
    bool one_line = !strchr(extra, '\n') && m->n_children == 0;
    if (one_line) {
        tg__text_printf(out, "%s)", extra);
        return;
    }
    if (*extra) {
        for (const char *line = extra; line;) {
            const char *end = strchr(line, '\n');
            tg__text_printf(out, "\n");
            spaces(out, indent + 2);
            tg__text_printf(out, "%.*s", end ? (int)(end - line) : (int)strlen(line), line);
            line = end ? end + 1 : NULL;
        }
    }
    for (int i = 0; i < m->n_children; i++) {
        tg__text_printf(out, "\n");
        spaces(out, indent + 2);
        tg__text_printf(out, "(%s): ", m->child_names[i]);
        write_repr(out, m->children[i], indent + 2);
    }
    tg__text_printf(out, "\n");
    spaces(out, indent);
    tg__text_printf(out, ")");
}

char *tg_module_repr(const tg_module *m)
{
    if (!m) return tg__fail(TG_E_NULL, "%s(): the module is NULL", __func__);
    tg_text out = {0};
    write_repr(&out, m, 0);
    return tg__text_take(&out);
}

void tg_module_print(const tg_module *m)
{
    if (!m) {
        printf("None\n");
        return;
    }
    char *text = tg_module_repr(m);
    if (!text) return;
    printf("%s\n", text);
    free(text);
}
