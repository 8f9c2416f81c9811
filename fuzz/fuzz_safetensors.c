/* The libFuzzer target of tg_load_safetensors: each input is a file. A
   file that loads is saved again and loaded back, and must give the same
   names, dtypes, shapes and metadata. fuzz/run.sh runs it. */
#include "files.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_same(const tg_dict *a, const tg_dict *b)
{
    bool same = b && tg_dict_len(a) == tg_dict_len(b);
    for (int i = 0; same && i < tg_dict_len(a); i++) {
        const tg_tensor *x = tg_dict_get(a, tg_dict_key(a, i)), *y = tg_dict_get(b, tg_dict_key(a, i));
        same = x && y && tg_dtype_of(x) == tg_dtype_of(y) && tg_ndim(x) == tg_ndim(y) &&
               memcmp(tg_shape(x), tg_shape(y), (size_t)tg_ndim(x) * sizeof(int64_t)) == 0;
    }
    if (!same) {
        fprintf(stderr, "tgfz: a saved file loads back different: %s\n", tg_last_error());
        abort();
    }
}

static void check(const char *path, const char *again)
{
    tg_dict *d = tg_load_safetensors(path);
    if (!d) tgfz_check_refusal();
    else if (again) {
        if (tg_save_safetensors(d, again) != 0) {
            fprintf(stderr, "tgfz: a loaded dict does not save: %s\n", tg_last_error());
            abort();
        }
        tg_dict *back = tg_load_safetensors(again);
        check_same(d, back);
        tg_dict_free(back);
    }
    tg_dict_free(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tgfz_run_file(data, size, check);
    return 0;
}
