/* Every allocation of the library goes through here, so that a failure is
   always reported the same way (TG_E_OOM) and so that tests can make the
   N-th allocation fail (TG_FAULT_INJECTION builds). */
#include "core.h"

#include <stdlib.h>

#ifdef TG_FAULT_INJECTION
/* Allocations left before the injected failure; negative means never. */
static _Thread_local int64_t fail_countdown = -1;
static _Thread_local int64_t allocations;

void tg__fail_allocation_after(int64_t n) { fail_countdown = n; }
int64_t tg__allocation_count(void) { return allocations; }

bool tg__allocation_allowed(void)
{
    allocations++;
    if (fail_countdown < 0) return true;
    return fail_countdown-- != 0;
}
#endif

static bool injected_failure(void) { return !tg__allocation_allowed(); }

void *tg__out_of_memory(size_t n)
{
    tg__fail(TG_E_OOM, "can't allocate memory: you tried to allocate %zu bytes. Error code 12 (Cannot allocate memory)", n);
    return NULL;
}

void *tg__malloc(size_t n)
{
    void *p = injected_failure() ? NULL : malloc(n ? n : 1);
    return p ? p : tg__out_of_memory(n);
}

void *tg__calloc(size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size) return tg__out_of_memory(SIZE_MAX);
    void *p = injected_failure() ? NULL : calloc(count ? count : 1, size ? size : 1);
    return p ? p : tg__out_of_memory(count * size);
}

void *tg__realloc(void *old, size_t n)
{
    void *p = injected_failure() ? NULL : realloc(old, n ? n : 1);
    return p ? p : tg__out_of_memory(n);
}
