/* A growable string written with printf formats, for module reprs and
   load_state_dict's error list. */
#include "nn.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void tg__text_printf(tg_text *t, const char *fmt, ...)
{
    if (t->failed) return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        t->failed = true;
        return;
    }
    if (t->len + (size_t)n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 128;
        while (cap < t->len + (size_t)n + 1) cap *= 2;
        char *s = tg__realloc(t->s, cap);
        if (!s) {
            t->failed = true;
            return;
        }
        t->s = s;
        t->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
    va_end(ap);
    t->len += (size_t)n;
}

char *tg__text_take(tg_text *t)
{
    if (!t->failed && !t->s) tg__text_printf(t, "%s", "");
    if (t->failed) {
        free(t->s);
        return tg__fail(TG_E_OOM, "out of memory");
    }
    return t->s;
}
