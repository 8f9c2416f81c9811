/* A growable string: tensor printing, module reprs and load_state_dict's
   error list are built in one. */
#include "core.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Room for n more bytes and the NUL; false (and failed set) when it cannot
   be made. */
static bool reserve(tg_text *t, size_t n)
{
    if (t->failed) return false;
    if (n >= SIZE_MAX / 2 - t->len) {
        t->failed = true;
        return false;
    }
    if (t->len + n + 1 <= t->cap) return true;
    size_t cap = t->cap ? t->cap : 256;
    while (cap < t->len + n + 1) cap *= 2;
    char *s = tg__realloc(t->s, cap);
    if (!s) {
        t->failed = true;
        return false;
    }
    t->s = s;
    t->cap = cap;
    return true;
}

void tg__text_append(tg_text *t, const char *s, size_t n)
{
    if (!reserve(t, n)) return;
    memcpy(t->s + t->len, s, n);
    t->len += n;
    t->s[t->len] = '\0';
}

void tg__text_printf(tg_text *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) t->failed = true;
    if (n < 0 || !reserve(t, (size_t)n)) return;
    va_start(ap, fmt);
    vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
    va_end(ap);
    t->len += (size_t)n;
}

char *tg__text_take(tg_text *t)
{
    if (!t->failed && !t->s) tg__text_append(t, "", 0);
    if (t->failed) {
        free(t->s);
        return tg__fail(TG_E_OOM, "out of memory");
    }
    return t->s;
}
