/* The per-thread error: the last failure's status and message. */
#include "core.h"

#include <stdio.h>

static _Thread_local tg_status last_status = TG_OK;
static _Thread_local char last_message[2048];

static void set_error(tg_status status, const char *fmt, va_list ap)
{
    last_status = status;
    vsnprintf(last_message, sizeof last_message, fmt, ap);
}

void *tg__fail(tg_status status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set_error(status, fmt, ap);
    va_end(ap);
    return NULL;
}

int tg__faili(tg_status status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set_error(status, fmt, ap);
    va_end(ap);
    return -1;
}

void *tg__null_arg(const char *fn)
{
    if (last_status == TG_OK)
        tg__fail(TG_E_NULL, "%s(): a tensor argument is NULL", fn);
    return NULL;
}

const char *tg_last_error(void) { return last_status == TG_OK ? "" : last_message; }
tg_status tg_last_status(void) { return last_status; }

void tg_clear_error(void)
{
    last_status = TG_OK;
    last_message[0] = '\0';
}
