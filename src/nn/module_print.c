/* A module's text as Python's print(model) writes it: Module.__repr__,
   extra_repr and _addindent of torch/nn/modules/module.py. */
#include "nn.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
