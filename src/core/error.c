/* The per-thread error (the last failure's status and message) and the
   process-wide warning handler. */
#include "core.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

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

void *tg__dead_arg(const char *fn)
{
    return tg__fail(TG_E_SCOPE, "%s(): tensor used after its scope ended", fn);
}

int tg_set_error(tg_status status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set_error(status == TG_OK ? TG_E_INVALID : status, fmt, ap);
    va_end(ap);
    return -1;
}

const char *tg_last_error(void) { return last_status == TG_OK ? "" : last_message; }
tg_status tg_last_status(void) { return last_status; }

void tg_clear_error(void)
{
    last_status = TG_OK;
    last_message[0] = '\0';
}

/* ------------------------------------------------------------- warnings */

static tg_warning_handler handler;
static void *handler_data;

void tg_set_warning_handler(tg_warning_handler h, void *user_data)
{
    handler = h;
    handler_data = user_data;
}

/* The default handler: each distinct message once, as Python's default
   warning filter shows it. The messages seen are remembered by a hash;
   past the table's size every warning is shown. */
enum { SEEN_CAP = 256 };
static uint64_t seen[SEEN_CAP];
static int n_seen;
static pthread_mutex_t seen_lock = PTHREAD_MUTEX_INITIALIZER;

static uint64_t hash_text(const char *s)
{
    uint64_t h = 1469598103934665603ull;   /* FNV-1a */
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static void print_once(const char *message)
{
    uint64_t h = hash_text(message);
    bool fresh = true;
    pthread_mutex_lock(&seen_lock);
    for (int i = 0; i < n_seen && fresh; i++) fresh = seen[i] != h;
    if (fresh && n_seen < SEEN_CAP) seen[n_seen++] = h;
    pthread_mutex_unlock(&seen_lock);
    if (fresh) fprintf(stderr, "tensorgrad: UserWarning: %s\n", message);
}

void tg__warn(const char *fmt, ...)
{
    char message[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    if (handler) handler(message, handler_data);
    else print_once(message);
}
