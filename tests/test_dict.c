/* tg_dict: insertion order, replacing in place, handles on the stored
   tensors, metadata, references, and bad input (NULL dicts, NULL or empty
   names, indices out of range) failing with an error and changing nothing. */
#include "harness.h"
#include "core/core.h"

static void order_and_replace(void)
{
    tg_dict *d = tg_dict_new();
    CHECK(d && tg_dict_len(d) == 0);
    tg_tensor *a = tg_ones(TG_SHAPE(2), TG_F32), *b = tg_zeros(TG_SHAPE(3), TG_F64), *c = tg_scalar(5);
    CHECK(tg_dict_set(d, "weight", a) == 0);
    CHECK(tg_dict_set(d, "bias", b) == 0);
    CHECK(tg_dict_set(d, "0.weight", c) == 0);
    CHECK(tg_dict_len(d) == 3);
    CHECK_STR(tg_dict_key(d, 0), "weight");
    CHECK_STR(tg_dict_key(d, 1), "bias");
    CHECK_STR(tg_dict_key(d, 2), "0.weight");
    /* Replacing keeps the name's position and its key string. */
    const char *key = tg_dict_key(d, 0);
    CHECK(tg_dict_set(d, "weight", c) == 0);
    CHECK(tg_dict_len(d) == 3);
    CHECK(tg_dict_key(d, 0) == key);
    CHECK(tg_dict_get(d, "weight") == c);
    /* Setting the tensor a name already holds changes nothing. */
    CHECK(tg_dict_set(d, "weight", c) == 0 && tg_dict_get(d, "weight") == c);
    tg_dict_free(d);
}

/* get hands out the stored tensor itself: writes through it are seen by
   the next get, and the handle outlives the dict. */
static void handles(void)
{
    tg_dict *d = tg_dict_new();
    tg_scope_begin();
    tg_tensor *t = tg_zeros(TG_SHAPE(2), TG_F32);
    CHECK(tg_dict_set(d, "t", t) == 0);
    tg_scope_end();   /* the dict's reference keeps t alive */
    tg_scope_begin();
    tg_tensor *got = tg_dict_get(d, "t");
    CHECK(got && tg_numel(got) == 2);
    int64_t owned = tg_scope_size();
    tg_fill_(got, 3);
    CHECK(tg_item(tg_sum(tg_dict_get(d, "t"))) == 6);
    CHECK(tg_scope_size() > owned);
    tg_dict_free(d);
    CHECK(tg_item(tg_sum(got)) == 6);   /* the scope's handle is still good */
    tg_scope_end();
}

static void references(void)
{
    int64_t live = tg__live_tensors();
    tg_dict *d = tg_dict_new();
    tg_scope_begin();
    CHECK(tg_dict_set(d, "a", tg_ones(TG_SHAPE(1), TG_F32)) == 0);
    CHECK(tg_dict_set(d, "b", tg_ones(TG_SHAPE(1), TG_F32)) == 0);
    CHECK(tg_dict_set(d, "a", tg_zeros(TG_SHAPE(1), TG_F32)) == 0);
    tg_scope_end();
    CHECK(tg__live_tensors() == live + 2);   /* the replaced tensor is gone */
    tg_dict_free(d);
    CHECK(tg__live_tensors() == live);
}

static void metadata(void)
{
    tg_dict *d = tg_dict_new();
    CHECK(tg_dict_metadata(d, "format") == NULL && tg_last_status() == TG_OK);
    CHECK(tg_dict_set_metadata(d, "format", "pt") == 0);
    CHECK(tg_dict_set_metadata(d, "note", "") == 0);
    CHECK_STR(tg_dict_metadata(d, "format"), "pt");
    CHECK_STR(tg_dict_metadata(d, "note"), "");
    CHECK(tg_dict_set_metadata(d, "format", "np") == 0);
    CHECK_STR(tg_dict_metadata(d, "format"), "np");
    CHECK(tg_dict_len(d) == 0);   /* metadata is not a tensor */
    tg_dict_free(d);
}

static void expect_error(tg_status status, const char *message)
{
    CHECK(tg_last_status() == status);
    CHECK_STR(tg_last_error(), message);
    tg_clear_error();
}

static void bad_input(void)
{
    tg_dict *d = tg_dict_new();
    tg_tensor *t = tg_ones(TG_SHAPE(1), TG_F32);
    CHECK(tg_dict_set(d, "t", t) == 0);
    tg_clear_error();

    CHECK(tg_dict_set(NULL, "t", t) == -1);
    expect_error(TG_E_NULL, "tg_dict_set(): the dict is NULL");
    CHECK(tg_dict_set(d, NULL, t) == -1);
    expect_error(TG_E_NULL, "tg_dict_set(): the name is NULL");
    CHECK(tg_dict_set(d, "", t) == -1);
    expect_error(TG_E_INVALID, "tg_dict_set(): the name is empty");
    CHECK(tg_dict_set(d, "u", NULL) == -1);
    expect_error(TG_E_NULL, "tg_dict_set(): a tensor argument is NULL");
    CHECK(tg_dict_set(d, "t", NULL) == -1 && tg_dict_get(d, "t") == t);   /* unchanged */
    tg_clear_error();

    CHECK(tg_dict_get(NULL, "t") == NULL);
    expect_error(TG_E_NULL, "tg_dict_get(): the dict is NULL");
    CHECK(tg_dict_get(d, "") == NULL);
    expect_error(TG_E_INVALID, "tg_dict_get(): the name is empty");
    CHECK(tg_dict_get(d, "missing") == NULL);
    expect_error(TG_E_INDEX, "tg_dict_get(): no tensor named 'missing'");

    CHECK(tg_dict_len(NULL) == -1);
    expect_error(TG_E_NULL, "tg_dict_len(): the dict is NULL");
    CHECK(tg_dict_key(d, 1) == NULL);
    expect_error(TG_E_INDEX, "tg_dict_key(): index 1 is out of range for a dict of 1 tensors");
    CHECK(tg_dict_key(d, -1) == NULL);
    expect_error(TG_E_INDEX, "tg_dict_key(): index -1 is out of range for a dict of 1 tensors");
    CHECK(tg_dict_key(NULL, 0) == NULL);
    expect_error(TG_E_NULL, "tg_dict_key(): the dict is NULL");

    CHECK(tg_dict_set_metadata(d, NULL, "v") == -1);
    expect_error(TG_E_NULL, "tg_dict_set_metadata(): the key is NULL");
    CHECK(tg_dict_set_metadata(d, "", "v") == -1);
    expect_error(TG_E_INVALID, "tg_dict_set_metadata(): the key is empty");
    CHECK(tg_dict_set_metadata(d, "k", NULL) == -1);
    expect_error(TG_E_NULL, "tg_dict_set_metadata(): the value is NULL");
    CHECK(tg_dict_set_metadata(NULL, "k", "v") == -1);
    expect_error(TG_E_NULL, "tg_dict_set_metadata(): the dict is NULL");
    CHECK(tg_dict_metadata(NULL, "k") == NULL);
    expect_error(TG_E_NULL, "tg_dict_metadata(): the dict is NULL");
    CHECK(tg_dict_metadata(d, NULL) == NULL);
    expect_error(TG_E_NULL, "tg_dict_metadata(): the key is NULL");

    CHECK(tg_dict_len(d) == 1 && tg_dict_metadata(d, "k") == NULL);
    tg_dict_free(d);
    tg_dict_free(NULL);
}

/* Many names: the tables grow and stay in order. */
static void many(void)
{
    tg_dict *d = tg_dict_new();
    tg_tensor *t = tg_scalar(1);
    char name[32];
    for (int i = 0; i < 1000; i++) {
        snprintf(name, sizeof name, "layers.%d.weight", i);
        CHECK(tg_dict_set(d, name, t) == 0);
        CHECK(tg_dict_set_metadata(d, name, name) == 0);
    }
    CHECK(tg_dict_len(d) == 1000);
    CHECK_STR(tg_dict_key(d, 999), "layers.999.weight");
    CHECK_STR(tg_dict_metadata(d, "layers.500.weight"), "layers.500.weight");
    tg_dict_free(d);
}

int main(void)
{
    order_and_replace();
    handles();
    references();
    metadata();
    bad_input();
    many();
    return TEST_MAIN_END();
}
