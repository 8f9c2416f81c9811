/* What code built on tensorgrad uses: tg_data_ptr and tg_element_size (a
   tensor's memory handed to other C code, as PyTorch's data_ptr and
   element_size) and tg_set_error (reporting an error as tensorgrad's). */
#include "harness.h"

static void data_pointers(void)
{
    tg_scope_begin();
    tg_tensor *t = tg_arange(0, 12, 1, TG_F32);
    float *p = tg_data_ptr(t);
    CHECK(p && p[5] == 5.0f);
    tg_tensor *m = tg_reshape(t, TG_SHAPE(3, 4));
    tg_tensor *row = tg_select(m, 0, 2), *col = tg_select(m, 1, 3);
    CHECK((float *)tg_data_ptr(row) == p + 8);    /* a view's first element */
    CHECK((float *)tg_data_ptr(col) == p + 3 && tg_strides(col)[0] == 4);
    uint64_t version = tg_version(t);
    p[0] = 42;                                     /* written through the pointer */
    CHECK(tg_item(tg_select(t, 0, 0)) == 42 && tg_version(t) == version);
    static const struct { tg_dtype dt; size_t size; } SIZES[] = {
        {TG_F32, 4}, {TG_F64, 8}, {TG_I32, 4}, {TG_I64, 8}, {TG_BOOL, 1}, {TG_I8, 1}, {TG_U8, 1}, {TG_I16, 2},
    };
    for (size_t i = 0; i < sizeof SIZES / sizeof *SIZES; i++)
        CHECK(tg_element_size(tg_zeros(TG_SHAPE(2), SIZES[i].dt)) == SIZES[i].size);
    tg_clear_error();
    CHECK(tg_data_ptr(NULL) == NULL && tg_last_status() == TG_E_NULL);
    CHECK(tg_element_size(NULL) == 0);
    tg_scope_end();
}

static void errors(void)
{
    tg_clear_error();
    CHECK(tg_set_error(TG_E_SHAPE, "my_fn(): %d is not %s", 3, "four") == -1);
    CHECK(tg_last_status() == TG_E_SHAPE);
    CHECK_STR(tg_last_error(), "my_fn(): 3 is not four");
    CHECK(tg_set_error(TG_OK, "no status") == -1 && tg_last_status() == TG_E_INVALID);
    tg_clear_error();
    CHECK(tg_last_status() == TG_OK && *tg_last_error() == '\0');
}

int main(void)
{
    data_pointers();
    errors();
    return TEST_MAIN_END();
}
