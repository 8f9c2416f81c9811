/* What the training tests under mpirun share (test_dist_train.c,
   test_ddp.c): a module's weights as one float32 tensor, compared bit for
   bit or by their largest difference. */
#ifndef TG_DIST_TEST_H
#define TG_DIST_TEST_H

#include <string.h>
#include <tensorgrad_dist.h>

/* The parameters' values, concatenated (contiguous, owned by the scope). */
static inline tg_tensor *flat(tg_module *m)
{
    tg_tensor *p[16];
    int n = tg_module_parameters(m, p, 16);
    const tg_tensor *pieces[16];
    for (int i = 0; i < n; i++) pieces[i] = tg_flatten(tg_detach(p[i]), 0, -1);
    return tg_contiguous(tg_cat(pieces, n, 0));
}

/* Two contiguous float32 tensors hold the same bits. */
static inline bool same_bits(const tg_tensor *a, const tg_tensor *b)
{
    return tg_numel(a) == tg_numel(b) && memcmp(tg_data_ptr(a), tg_data_ptr(b), (size_t)tg_numel(a) * 4) == 0;
}

/* The largest elementwise difference of a and b. */
static inline double max_difference(const tg_tensor *a, const tg_tensor *b)
{
    return tg_item(tg_max(tg_abs(tg_sub(a, b))));
}

#endif
