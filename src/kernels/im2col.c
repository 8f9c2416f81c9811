/* Sliding blocks of an image: im2col copies each block into a column,
   col2im sums the columns back into the image (unfold, fold and the
   convolutions). */
#include "kernels.h"

#include <string.h>

/* The image position a block's kernel element reads along one dim, and
   whether it lies inside the image (else it is padding). */
static bool inside(const tg_blocks *b, int d, int64_t block, int64_t k, int64_t *pos)
{
    *pos = block * b->stride[d] - b->padding[d] + k * b->dilation[d];
    return *pos >= 0 && *pos < b->in[d];
}

/* The blocks [*first, *end) along dim d whose kernel element k lies inside
   the image: position j s - p + k d in [0, in). */
static void inside_range(const tg_blocks *b, int d, int64_t k, int64_t *first, int64_t *end)
{
    int64_t s = b->stride[d], shift = k * b->dilation[d] - b->padding[d];   /* position = j s + shift */
    int64_t lo = shift >= 0 ? 0 : (-shift + s - 1) / s;
    int64_t hi = b->in[d] - shift <= 0 ? 0 : (b->in[d] - shift + s - 1) / s;
    *first = lo < b->out[d] ? lo : b->out[d];
    *end = hi < b->out[d] ? hi : b->out[d];
    if (*end < *first) *end = *first;
}

/* out[j] = src[j * step] for j in [0, n), elements of es bytes. */
static void gather(char *out, const char *src, int64_t step, int64_t n, size_t es)
{
    if (step == 1) {
        memcpy(out, src, (size_t)n * es);
    } else if (es == 4) {
        for (int64_t j = 0; j < n; j++) ((uint32_t *)out)[j] = *(const uint32_t *)(src + j * step * 4);
    } else if (es == 8) {
        for (int64_t j = 0; j < n; j++) ((uint64_t *)out)[j] = *(const uint64_t *)(src + j * step * 8);
    } else {
        for (int64_t j = 0; j < n; j++) memcpy(out + (size_t)j * es, src + (size_t)(j * step) * es, es);
    }
}

/* Row r of cols for the block rows [first, end) of a grid n wide whose
   kernel element (ki, kj) reads image rows [ia, ib) of them at columns
   [j0, j1), starting at from (the image element of block (ia, j0)), when
   blocks and image rows match one for one (stride 1, a grid as wide as
   the image, rows contiguous in memory): then the block rows' elements
   are one run of memory, copied at once, and the few columns that fall in
   the padding are zeroed after. */
static void copy_whole_rows(char *row, const char *from, int64_t n, int64_t ia, int64_t ib, int64_t j0, int64_t j1,
                            size_t es)
{
    memcpy(row + (size_t)(ia * n + j0) * es, from, (size_t)((ib - ia - 1) * n + j1 - j0) * es);
    for (int64_t i = ia; i < ib; i++) {
        memset(row + (size_t)(i * n) * es, 0, (size_t)j0 * es);
        memset(row + (size_t)(i * n + j1) * es, 0, (size_t)(n - j1) * es);
    }
}

/* cols[(c, ki, kj), (i - first, j)] = image[c, i * s - p + ki * d, j * s - p + kj * d]
   for the block rows i in [first, end): one row of cols per channel and
   kernel element, one column per block. */
void tg__k_im2col_rows(tg_tensor *cols, const tg_tensor *image, const tg_blocks *b, int64_t first, int64_t end)
{
    TG_CAPTURED(tg__cap_im2col(true, cols, image, b, first, end));
    size_t es = tg__dtype_size(image->dtype);
    int64_t n = b->out[1], L = (end - first) * n;
    char *dst = tg__ptr(cols);
    const char *src = tg__ptr(image);
    int64_t cs = image->strides[0], hs = image->strides[1], ws = image->strides[2];
    bool whole_rows = b->stride[0] == 1 && b->stride[1] == 1 && ws == 1 && hs == b->in[1] && n == b->in[1];
    for (int64_t c = 0; c < b->channels; c++)
        for (int64_t ki = 0; ki < b->kernel[0]; ki++)
            for (int64_t kj = 0; kj < b->kernel[1]; kj++) {
                char *row = dst + (size_t)(((c * b->kernel[0] + ki) * b->kernel[1] + kj) * L) * es;
                int64_t j0, j1, ia, ib;   /* the blocks that read inside the image */
                inside_range(b, 1, kj, &j0, &j1);
                inside_range(b, 0, ki, &ia, &ib);
                ia = ia > first ? (ia < end ? ia : end) - first : 0;
                ib = ib < end ? (ib > first ? ib : first) - first : end - first;
                if (ib < ia || j0 == j1) ib = ia;
                memset(row, 0, (size_t)(ia * n) * es);
                memset(row + (size_t)(ib * n) * es, 0, (size_t)((end - first - ib) * n) * es);
                if (ia == ib) continue;
                int64_t h = (first + ia) * b->stride[0] - b->padding[0] + ki * b->dilation[0];
                int64_t w = j0 * b->stride[1] - b->padding[1] + kj * b->dilation[1];
                const char *from = src + (size_t)(c * cs + h * hs + w * ws) * es;
                if (whole_rows) {
                    copy_whole_rows(row, from, n, ia, ib, j0, j1, es);
                    continue;
                }
                for (int64_t i = ia; i < ib; i++, from += (size_t)(b->stride[0] * hs) * es) {
                    char *out = row + (size_t)(i * n) * es;
                    memset(out, 0, (size_t)j0 * es);
                    gather(out + (size_t)j0 * es, from, b->stride[1] * ws, j1 - j0, es);
                    memset(out + (size_t)j1 * es, 0, (size_t)(n - j1) * es);
                }
            }
}

void tg__k_im2col(tg_tensor *cols, const tg_tensor *image, const tg_blocks *b)
{
    TG_CAPTURED(tg__cap_im2col(false, cols, image, b, 0, 0));
    tg__k_im2col_rows(cols, image, b, 0, b->out[0]);
}

/* image[c, h, w] += col over every block element of the block rows
   [first, end) that reads it, added as U (unsigned for integers, so that
   overflow wraps as in PyTorch); a plain sum where both run with unit
   strides (a stride of 1 and dense columns), which the compiler
   vectorizes. */
#define COL2IM(T, U)                                                                                  \
    do {                                                                                              \
        for (int64_t i = first; i < end; i++) {                                                       \
            int64_t h;                                                                                \
            if (!inside(b, 0, i, ki, &h)) continue;                                                   \
            T *to = (T *)dst + (c * b->in[0] + h) * b->in[1] + w0;                                    \
            const char *from = row + ((i - first) * b->out[1] + j0) * ls * (int64_t)es;               \
            if (step == 1 && ls == 1) {                                                               \
                const T *col = (const T *)from;                                                       \
                for (int64_t j = 0; j < j1 - j0; j++) to[j] = (T)((U)to[j] + (U)col[j]);              \
                continue;                                                                             \
            }                                                                                         \
            for (int64_t j = 0; j < j1 - j0; j++)                                                     \
                to[j * step] = (T)((U)to[j * step] + (U)*(const T *)(from + j * ls * (int64_t)es));   \
        }                                                                                             \
    } while (0)

/* Halves: each sum rounded to the dtype, as PyTorch's col2im adds in it. */
static void col2im_any(tg_dtype dt, char *dst, const char *row, int64_t ls, const tg_blocks *b, int64_t c,
                       int64_t ki, int64_t kj, int64_t first, int64_t end)
{
    size_t es = tg__dtype_size(dt);
    for (int64_t i = first; i < end; i++) {
        int64_t h;
        if (!inside(b, 0, i, ki, &h)) continue;
        for (int64_t j = 0; j < b->out[1]; j++) {
            int64_t w;
            if (!inside(b, 1, j, kj, &w)) continue;
            char *to = dst + (size_t)((c * b->in[0] + h) * b->in[1] + w) * es;
            tg__store(to, dt, tg__load(to, dt) + tg__load(row + (size_t)(((i - first) * b->out[1] + j) * ls) * es, dt));
        }
    }
}

void tg__k_col2im_rows(tg_tensor *image, const tg_tensor *cols, const tg_blocks *b, int64_t first, int64_t end)
{
    TG_CAPTURED(tg__cap_col2im(true, image, cols, b, first, end));
    tg_dtype dt = image->dtype;
    size_t es = tg__dtype_size(dt);
    char *dst = tg__ptr(image);
    int64_t rs = cols->strides[0], ls = cols->strides[1], step = b->stride[1];
    for (int64_t c = 0; c < b->channels; c++)
        for (int64_t ki = 0; ki < b->kernel[0]; ki++)
            for (int64_t kj = 0; kj < b->kernel[1]; kj++) {
                int64_t r = (c * b->kernel[0] + ki) * b->kernel[1] + kj, j0, j1;
                inside_range(b, 1, kj, &j0, &j1);
                int64_t w0 = j0 * step - b->padding[1] + kj * b->dilation[1];
                const char *row = tg__ptr(cols) + r * rs * (int64_t)es;
                switch (dt) {
                case TG_F32: COL2IM(float, float); break;
                case TG_F64: COL2IM(double, double); break;
                case TG_I32: COL2IM(int32_t, uint32_t); break;
                case TG_I64: COL2IM(int64_t, uint64_t); break;
                default: col2im_any(dt, dst, row, ls, b, c, ki, kj, first, end); break;
                }
            }
}

void tg__k_col2im(tg_tensor *image, const tg_tensor *cols, const tg_blocks *b)
{
    TG_CAPTURED(tg__cap_col2im(false, image, cols, b, 0, 0));
    memset(tg__ptr(image), 0, (size_t)(b->channels * b->in[0] * b->in[1]) * tg__dtype_size(image->dtype));
    tg__k_col2im_rows(image, cols, b, 0, b->out[0]);
}
