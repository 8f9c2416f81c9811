/* The libFuzzer target of tg_load_npy: each input is a file. A file that
   loads is saved again and loaded back, and must give the same dtype,
   shape and bytes. fuzz/run.sh runs it. */
#include "files.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const char *path, const char *again)
{
    tg_tensor *t = tg_load_npy(path);
    if (!t) {
        tgfz_check_refusal();
        return;
    }
    if (!again) return;
    tg_tensor *back = tg_save_npy(t, again) == 0 ? tg_load_npy(again) : NULL;
    size_t bytes = (size_t)tg_numel(t) * tg__dtype_size(tg_dtype_of(t));
    if (!back || tg_dtype_of(back) != tg_dtype_of(t) || tg_ndim(back) != tg_ndim(t) ||
        memcmp(tg_shape(back), tg_shape(t), (size_t)tg_ndim(t) * sizeof(int64_t)) != 0 ||
        (bytes && memcmp(tg__ptr(back), tg__ptr(t), bytes) != 0)) {
        fprintf(stderr, "tgfz: a saved array loads back different: %s\n", tg_last_error());
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tgfz_run_file(data, size, check);
    return 0;
}
