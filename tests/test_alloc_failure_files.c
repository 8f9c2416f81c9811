/* The file functions with their N-th allocation failing, for every N:
   each save or load fails with TG_E_OOM and leaks nothing
   (tests/alloc_sweep.h). */
#include "alloc_sweep.h"

#include <unistd.h>

static char path[64];

/* A dict of every shared dtype (one tensor non-contiguous) with metadata,
   saved and loaded back. */
static int safetensors_round_trip(void *ctx)
{
    (void)ctx;
    tg_dict *d = tg_dict_new(), *back = NULL;
    tg_tensor *m = tg_ones(TG_SHAPE(2, 3), TG_F32);
    int rc = -1;
    if (!d || !m || tg_dict_set(d, "m", m) || tg_dict_set(d, "m.T", tg_transpose(m, 0, 1)) ||
        tg_dict_set(d, "i", tg_zeros(TG_SHAPE(2), TG_I64)) || tg_dict_set(d, "b", tg_ones(TG_SHAPE(), TG_BOOL)) ||
        tg_dict_set_metadata(d, "format", "pt") || tg_save_safetensors(d, path))
        goto out;
    back = tg_load_safetensors(path);
    rc = back && tg_dict_len(back) == 4 ? 0 : -1;
out:
    tg_dict_free(back);
    tg_dict_free(d);
    return rc;
}

static int npy_round_trip(void *ctx)
{
    (void)ctx;
    tg_tensor *m = tg_ones(TG_SHAPE(2, 3), TG_F64);
    if (!m || tg_save_npy(tg_transpose(m, 0, 1), path)) return -1;
    return tg_load_npy(path) ? 0 : -1;
}

/* A Fortran-order file: the load makes a view and a row-major copy. */
static int npy_fortran(void *ctx)
{
    (void)ctx;
    return tg_load_npy(path) ? 0 : -1;
}

int main(void)
{
    snprintf(path, sizeof path, "/tmp/tg_alloc_files.%d", (int)getpid());
    alloc_sweep("safetensors", safetensors_round_trip, NULL);
    alloc_sweep("npy", npy_round_trip, NULL);
    FILE *fp = fopen(path, "wb");
    static const char npy[] = "\x93NUMPY\x01\x00\x3b\x00{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }\n";
    fwrite(npy, 1, sizeof npy - 1, fp);
    fwrite((const float[]){1, 2, 3, 4}, sizeof(float), 4, fp);
    fclose(fp);
    CHECK(npy_fortran(NULL) == 0);
    alloc_sweep("npy fortran", npy_fortran, NULL);
    unlink(path);
    return TEST_MAIN_END();
}
