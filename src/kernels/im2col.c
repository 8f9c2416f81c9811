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

/* cols[(c, ki, kj), (i, j)] = image[c, i * s - p + ki * d, j * s - p + kj * d]:
   one row of cols per channel and kernel element, one column per block. */
void tg__k_im2col(tg_tensor *cols, const tg_tensor *image, const tg_blocks *b)
{
    size_t es = tg__dtype_size(image->dtype);
    int64_t L = b->out[0] * b->out[1];
    char *dst = tg__ptr(cols);
    const char *src = tg__ptr(image);
    int64_t cs = image->strides[0], hs = image->strides[1], ws = image->strides[2];
    for (int64_t c = 0; c < b->channels; c++)
        for (int64_t ki = 0; ki < b->kernel[0]; ki++)
            for (int64_t kj = 0; kj < b->kernel[1]; kj++) {
                char *row = dst + (size_t)(((c * b->kernel[0] + ki) * b->kernel[1] + kj) * L) * es;
                for (int64_t i = 0; i < b->out[0]; i++) {
                    char *out = row + (size_t)(i * b->out[1]) * es;
                    int64_t h, w;
                    if (!inside(b, 0, i, ki, &h)) {
                        memset(out, 0, (size_t)b->out[1] * es);
                        continue;
                    }
                    for (int64_t j = 0; j < b->out[1]; j++) {
                        if (inside(b, 1, j, kj, &w))
                            memcpy(out + (size_t)j * es, src + (size_t)(c * cs + h * hs + w * ws) * es, es);
                        else
                            memset(out + (size_t)j * es, 0, es);
                    }
                }
            }
}

/* image[c, h, w] += col over every block element that reads it. */
#define COL2IM(T)                                                                                     \
    do {                                                                                              \
        for (int64_t i = 0; i < b->out[0]; i++) {                                                     \
            int64_t h;                                                                                \
            if (!inside(b, 0, i, ki, &h)) continue;                                                   \
            for (int64_t j = 0; j < b->out[1]; j++) {                                                 \
                int64_t w;                                                                            \
                if (!inside(b, 1, j, kj, &w)) continue;                                               \
                T *to = (T *)dst + (c * b->in[0] + h) * b->in[1] + w;                                 \
                *to = (T)(*to + *(const T *)(row + (i * b->out[1] + j) * ls * (int64_t)es));          \
            }                                                                                         \
        }                                                                                             \
    } while (0)

/* Halves: each sum rounded to the dtype, as PyTorch's col2im adds in it. */
static void col2im_any(tg_dtype dt, char *dst, const char *row, int64_t ls, const tg_blocks *b, int64_t c,
                       int64_t ki, int64_t kj)
{
    size_t es = tg__dtype_size(dt);
    for (int64_t i = 0; i < b->out[0]; i++) {
        int64_t h;
        if (!inside(b, 0, i, ki, &h)) continue;
        for (int64_t j = 0; j < b->out[1]; j++) {
            int64_t w;
            if (!inside(b, 1, j, kj, &w)) continue;
            char *to = dst + (size_t)((c * b->in[0] + h) * b->in[1] + w) * es;
            tg__store(to, dt, tg__load(to, dt) + tg__load(row + (size_t)((i * b->out[1] + j) * ls) * es, dt));
        }
    }
}

void tg__k_col2im(tg_tensor *image, const tg_tensor *cols, const tg_blocks *b)
{
    tg_dtype dt = image->dtype;
    size_t es = tg__dtype_size(dt);
    char *dst = tg__ptr(image);
    memset(dst, 0, (size_t)(b->channels * b->in[0] * b->in[1]) * es);
    int64_t rs = cols->strides[0], ls = cols->strides[1];
    for (int64_t c = 0; c < b->channels; c++)
        for (int64_t ki = 0; ki < b->kernel[0]; ki++)
            for (int64_t kj = 0; kj < b->kernel[1]; kj++) {
                int64_t r = (c * b->kernel[0] + ki) * b->kernel[1] + kj;
                const char *row = tg__ptr(cols) + r * rs * (int64_t)es;
                switch (dt) {
                case TG_F32: COL2IM(float); break;
                case TG_F64: COL2IM(double); break;
                case TG_I32: COL2IM(int32_t); break;
                case TG_I64: COL2IM(int64_t); break;
                default: col2im_any(dt, dst, row, ls, b, c, ki, kj); break;
                }
            }
}
