/* Advanced indexing's guard rails, which PyTorch has no counterpart of:
   malformed item lists, NULL tensors, and failed puts that must leave the
   tensor (its values and version) as it was. */
#include "harness.h"

static bool same_values(const tg_tensor *t, const double *want, int n)
{
    double got[16];
    if (tg_numel(t) != n || tg_copy_to_f64(t, got)) return false;
    for (int i = 0; i < n; i++)
        if (got[i] != want[i]) return false;
    return true;
}

static void malformed_items(void)
{
    tg_tensor *x = tg_arange(0, 6, 1, TG_F32);
    tg_clear_error();
    CHECK(!tg_index(x, NULL, 1));
    CHECK_STR(tg_last_error(), "tg_index(): items must be an array of n >= 0 items");
    tg_clear_error();
    CHECK(!tg_index(x, (const tg_index_item[]){TG_IDX_ALL}, -1));
    CHECK_STR(tg_last_error(), "tg_index(): items must be an array of n >= 0 items");
    tg_clear_error();
    tg_index_item bad = {.kind = (tg_index_kind)99};
    CHECK(!tg_index(x, &bad, 1));
    CHECK_STR(tg_last_error(), "tg_index(): item 0 is of no tg_index_kind");
    tg_clear_error();
    CHECK(!tg_index_put_(x, TG_INDEX(TG_IDX_T(NULL)), tg_scalar(1), false));
    CHECK_STR(tg_last_error(), "tg_index_put_(): a tensor argument is NULL");
    tg_clear_error();
    CHECK(!tg_index_put(x, TG_INDEX(TG_IDX_INT(0)), NULL, false));
    CHECK_STR(tg_last_error(), "tg_index_put(): a tensor argument is NULL");
    /* no items: x[()] is a new tensor over x, and x[()] = v writes all of it */
    tg_clear_error();
    tg_tensor *all = tg_index(x, NULL, 0);
    CHECK(all && all != x && tg_numel(all) == 6);
    CHECK(tg_index_put_(x, NULL, 0, tg_scalar(2), false) == x);
    CHECK(same_values(x, (const double[]){2, 2, 2, 2, 2, 2}, 6));
}

/* Each put fails after its items made views of t: t keeps its values and
   its version. */
static void failed_puts_change_nothing(void)
{
    const double start[6] = {0, 1, 2, 3, 4, 5};
    tg_tensor *t = tg_from_f64(start, TG_SHAPE(2, 3));
    tg_tensor *i = tg_from_i64((const int64_t[]){0, 7}, TG_SHAPE(2));
    uint64_t version = tg_version(t);
    CHECK(!tg_index_put_(t, TG_INDEX(TG_IDX_ALL, TG_IDX_T(i)), tg_scalar(1), false));
    CHECK(!tg_index_put_(t, TG_INDEX(TG_IDX_T(i)), tg_to(tg_scalar(1), TG_F64), true));
    CHECK(!tg_index_put_(t, TG_INDEX(TG_IDX_INT(1), TG_IDX_T(i)), tg_to(tg_scalar(1), TG_F64), false));
    CHECK(!tg_index_put_(t, TG_INDEX(TG_IDX_SLICE(0, 1, 1)), tg_ones(TG_SHAPE(5), TG_F64), false));
    CHECK(same_values(t, start, 6));
    CHECK(tg_version(t) == version);
    /* the out-of-place form leaves t as it is when it succeeds too */
    tg_tensor *r = tg_index_put(t, TG_INDEX(TG_IDX_INT(1)), tg_to(tg_scalar(9), TG_F64), false);
    CHECK(r && same_values(r, (const double[]){0, 1, 2, 9, 9, 9}, 6));
    CHECK(same_values(t, start, 6));
    CHECK(tg_version(t) == version);
}

int main(void)
{
    malformed_items();
    failed_puts_change_nothing();
    return TEST_MAIN_END();
}
