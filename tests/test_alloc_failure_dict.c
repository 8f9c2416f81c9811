/* tg_dict with its N-th allocation failing, for every N: each call fails
   with TG_E_OOM, leaks nothing and leaves the dict as it was
   (tests/alloc_sweep.h). */
#include "alloc_sweep.h"

/* Fills a dict past its first growth, replaces, reads and frees it. */
static int fill_dict(void *ctx)
{
    (void)ctx;
    int rc = -1;
    tg_scope_begin();
    tg_dict *d = tg_dict_new();
    tg_tensor *t = tg_ones(TG_SHAPE(2), TG_F32);
    if (!d || !t) goto out;
    char name[16];
    for (int i = 0; i < 10; i++) {
        snprintf(name, sizeof name, "p%d", i);
        if (tg_dict_set(d, name, t) || tg_dict_set_metadata(d, name, "v")) goto out;
    }
    if (tg_dict_set(d, "p3", t) || tg_dict_set_metadata(d, "p3", "w") || !tg_dict_get(d, "p9")) goto out;
    rc = 0;
out:
    tg_dict_free(d);
    tg_scope_end();
    return rc;
}

/* A failed set or set_metadata leaves the dict as it was. */
static void failed_calls_change_nothing(void)
{
    tg_dict *d = tg_dict_new();
    tg_tensor *t = tg_ones(TG_SHAPE(2), TG_F32);
    char name[16];
    for (int i = 0; i < 8; i++) {   /* full: the next new name grows the table */
        snprintf(name, sizeof name, "p%d", i);
        CHECK(tg_dict_set(d, name, t) == 0 && tg_dict_set_metadata(d, name, "v") == 0);
    }
    for (int k = 0; k < 2; k++) {
        tg__fail_allocation_after(k);
        CHECK(tg_dict_set(d, "new", t) == -1 && tg_last_status() == TG_E_OOM);
        tg__fail_allocation_after(-1);
        CHECK(tg_dict_len(d) == 8);
        tg__fail_allocation_after(k);
        CHECK(tg_dict_set_metadata(d, "new", "v") == -1 && tg_last_status() == TG_E_OOM);
        tg__fail_allocation_after(-1);
        CHECK(tg_dict_metadata(d, "new") == NULL);
        tg_clear_error();
    }
    tg__fail_allocation_after(0);
    CHECK(tg_dict_set_metadata(d, "p0", "replaced") == -1);
    tg__fail_allocation_after(-1);
    CHECK_STR(tg_dict_metadata(d, "p0"), "v");
    tg_dict_free(d);
}

int main(void)
{
    alloc_sweep("tg_dict", fill_dict, NULL);
    failed_calls_change_nothing();
    return TEST_MAIN_END();
}
