/* Ready-made saved-tensor hooks (tg_saved_tensors_hooks, graph/saved_hooks.c):
   saved tensors kept in a temporary file, or in a narrower dtype. */
#include "io.h"

#include <stdio.h>
#include <stdlib.h>

/* ------------------------------------------------------------ on disk */

typedef struct on_disk {
    FILE *file;   /* tmpfile(): the system removes it when it is closed */
    tg_dtype dtype;
    int ndim;
    int64_t shape[TG_MAX_DIMS];
} on_disk;

static void *disk_pack(tg_tensor *t, void *user)
{
    (void)user;
    tg_tensor *c = tg_contiguous(t);
    on_disk *d = c ? tg__calloc(1, sizeof *d) : NULL;
    if (!d) return NULL;
    size_t nbytes = (size_t)tg_numel(c) * tg__dtype_size(c->dtype);
    d->file = tmpfile();
    if (!d->file || fwrite(tg__ptr(c), 1, nbytes, d->file) != nbytes || fflush(d->file) != 0) {
        if (d->file) fclose(d->file);
        free(d);
        return tg__fail(TG_E_INVALID, "tg_saved_tensors_on_disk(): cannot write a temporary file");
    }
    d->dtype = c->dtype;
    d->ndim = c->ndim;
    for (int i = 0; i < c->ndim; i++) d->shape[i] = c->shape[i];
    return d;
}

static tg_tensor *disk_unpack(void *packed, void *user)
{
    (void)user;
    on_disk *d = packed;
    tg_tensor *t = tg__new(d->dtype, d->shape, d->ndim);
    if (!t) return NULL;
    size_t nbytes = (size_t)tg_numel(t) * tg__dtype_size(t->dtype);
    if (fseek(d->file, 0, SEEK_SET) != 0 || fread(tg__ptr(t), 1, nbytes, d->file) != nbytes)
        return tg__fail(TG_E_INVALID, "tg_saved_tensors_on_disk(): cannot read back a temporary file");
    return t;
}

static void disk_free(void *packed, void *user)
{
    (void)user;
    on_disk *d = packed;
    fclose(d->file);
    free(d);
}

tg_saved_tensors_hooks tg_saved_tensors_on_disk(void) { return (tg_saved_tensors_hooks){disk_pack, disk_unpack, disk_free, NULL}; }

/* ------------------------------------------------- in a narrower dtype */

typedef struct narrowed {
    tg_tensor *kept;   /* strong */
    tg_dtype dtype;    /* the saved tensor's */
} narrowed;

static void *narrow_pack(tg_tensor *t, void *user)
{
    tg_dtype small = (tg_dtype)(intptr_t)user;
    bool narrower = tg__is_floating(t->dtype) && tg__dtype_size(small) < tg__dtype_size(t->dtype);
    tg_tensor *kept = narrower ? tg_to(t, small) : t;
    narrowed *n = kept ? tg__malloc(sizeof *n) : NULL;
    if (!n) return NULL;
    n->kept = tg_retain(kept);
    n->dtype = t->dtype;
    return n;
}

static tg_tensor *narrow_unpack(void *packed, void *user)
{
    (void)user;
    const narrowed *n = packed;
    return n->kept->dtype == n->dtype ? n->kept : tg_to(n->kept, n->dtype);
}

static void narrow_free(void *packed, void *user)
{
    (void)user;
    narrowed *n = packed;
    tg_release(n->kept);
    free(n);
}

tg_saved_tensors_hooks tg_saved_tensors_in_dtype(tg_dtype dtype)
{
    return (tg_saved_tensors_hooks){narrow_pack, narrow_unpack, narrow_free, (void *)(intptr_t)dtype};
}
