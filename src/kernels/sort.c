/* Sorting kernels along one dim: a stable merge sort of each run. */
#include "kernels.h"

#include <stdlib.h>
#include <string.h>

typedef struct sort_ctx {
    tg_dtype dt;
    bool descending;
    int64_t len, k, a_stride, v_stride, i_stride;
    int64_t *perm, *tmp;    /* scratch, len each */
    const char *run;        /* the current input run */
} sort_ctx;

/* Whether element i of the run goes strictly before element j. */
static bool before(const sort_ctx *c, int64_t i, int64_t j)
{
    const char *a = c->run + i * c->a_stride, *b = c->run + j * c->a_stride;
    if (!tg__is_floating(c->dt)) {
        int64_t x = tg__load_int(a, c->dt), y = tg__load_int(b, c->dt);
        return c->descending ? x > y : x < y;
    }
    double x = tg__load(a, c->dt), y = tg__load(b, c->dt);
    if (x != x || y != y) return c->descending ? x != x && y == y : x == x && y != y;   /* NaN is largest */
    return c->descending ? x > y : x < y;
}

/* Stable: equal elements keep their order. */
static void merge_sort(const sort_ctx *c, int64_t *p, int64_t *tmp, int64_t n)
{
    if (n < 2) return;
    int64_t h = n / 2;
    merge_sort(c, p, tmp, h);
    merge_sort(c, p + h, tmp, n - h);
    int64_t i = 0, j = h, o = 0;
    while (i < h && j < n) tmp[o++] = before(c, p[j], p[i]) ? p[j++] : p[i++];
    while (i < h) tmp[o++] = p[i++];
    while (j < n) tmp[o++] = p[j++];
    memcpy(p, tmp, (size_t)n * sizeof *p);
}

/* d[0] the values' run, d[1] the indices', d[2] the input's. */
static void sort_loop(char **d, const int64_t *s, int64_t n, void *vctx)
{
    sort_ctx *c = vctx;
    size_t size = tg__dtype_size(c->dt);
    for (int64_t i = 0; i < n; i++) {
        c->run = d[2] + i * s[2];
        for (int64_t k = 0; k < c->len; k++) c->perm[k] = k;
        merge_sort(c, c->perm, c->tmp, c->len);
        for (int64_t k = 0; k < c->k; k++) {
            memcpy(d[0] + i * s[0] + k * c->v_stride, c->run + c->perm[k] * c->a_stride, size);
            *(int64_t *)(d[1] + i * s[1] + k * c->i_stride) = c->perm[k];
        }
    }
}

int tg__k_sort(tg_tensor *values, tg_tensor *indices, const tg_tensor *a, int dim, bool descending)
{
    TG_CAPTURED_RETURN(tg__cap_sort(values, indices, a, dim, descending));
    int64_t len = a->shape[dim];
    int64_t *scratch = tg__malloc((size_t)(2 * len + 1) * sizeof *scratch);
    if (!scratch) return -1;
    int64_t es = (int64_t)tg__dtype_size(a->dtype);
    sort_ctx c = {a->dtype, descending, len, values->shape[dim], a->strides[dim] * es, values->strides[dim] * es,
                  indices->strides[dim] * 8, scratch, scratch + len, NULL};
    tg__k_runs(sort_loop, &c, (const tg_tensor *[]){values, indices, a}, 3, dim);
    free(scratch);
    return 0;
}
