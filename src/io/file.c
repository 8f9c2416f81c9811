/* What the file loaders and savers share: an input file read by byte range
   (memory-mapped when it is a regular file, else read with pread), every
   range checked against the file's size before anything is read or
   allocated for it; a tensor's elements as contiguous little-endian bytes;
   writes that report a short write. */
#define _POSIX_C_SOURCE 200809L
#include "../kernels/kernels.h"
#include "io.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int tg__in_open(tg_in_file *f, const char *fn, const char *path)
{
    *f = (tg_in_file){.fd = -1, .fn = fn};
    if (!path) return tg__faili(TG_E_NULL, "%s(): the path is NULL", fn);
    f->fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);   /* a FIFO must not block the open */
    struct stat st;
    if (f->fd < 0 || fstat(f->fd, &st) != 0) {
        int err = errno;
        tg__in_close(f);
        return tg__faili(TG_E_INVALID, "%s(): cannot open '%s': %s", fn, path, strerror(err));
    }
    if (!S_ISREG(st.st_mode)) {
        tg__in_close(f);
        return tg__faili(TG_E_INVALID, "%s(): '%s' is not a regular file", fn, path);
    }
    f->size = (uint64_t)st.st_size;
    if (f->size > 0 && f->size <= SIZE_MAX) {
        void *map = mmap(NULL, (size_t)f->size, PROT_READ, MAP_PRIVATE, f->fd, 0);
        if (map != MAP_FAILED) f->map = map;   /* else read() serves every range */
    }
    return 0;
}

void tg__in_close(tg_in_file *f)
{
    if (f->map) munmap((void *)f->map, (size_t)f->size);
    if (f->fd >= 0) close(f->fd);
    f->map = NULL;
    f->fd = -1;
}

int tg__in_read(tg_in_file *f, uint64_t offset, void *buf, size_t n, const char *what)
{
    if (offset > f->size || n > f->size - offset)
        return tg__faili(TG_E_INVALID,
                         "%s(): the file is truncated: %s needs bytes %llu to %llu but the file has %llu", f->fn,
                         what, (unsigned long long)offset, (unsigned long long)offset + n,
                         (unsigned long long)f->size);
    if (f->map) {
        memcpy(buf, f->map + offset, n);
        return 0;
    }
    for (size_t done = 0; done < n;) {
        ssize_t got = pread(f->fd, (char *)buf + done, n - done, (off_t)(offset + done));
        if (got <= 0) {
            if (got < 0 && errno == EINTR) continue;
            return tg__faili(TG_E_INVALID, "%s(): reading %s failed: %s", f->fn, what,
                             got ? strerror(errno) : "unexpected end of file");
        }
        done += (size_t)got;
    }
    return 0;
}

bool tg__host_is_little_endian(void)
{
    const uint16_t one = 1;
    return *(const unsigned char *)&one == 1;
}

void tg__swap_bytes(void *data, size_t count, size_t size)
{
    unsigned char *p = data;
    for (size_t i = 0; i < count; i++, p += size)
        for (size_t a = 0, b = size - 1; a < b; a++, b--) {
            unsigned char c = p[a];
            p[a] = p[b];
            p[b] = c;
        }
}

void tg__normalize_bools(void *data, size_t count)
{
    unsigned char *p = data;
    for (size_t i = 0; i < count; i++) p[i] = p[i] != 0;
}

int tg__write(const char *fn, FILE *fp, const void *data, size_t n)
{
    if (n && fwrite(data, 1, n, fp) != n)
        return tg__faili(TG_E_INVALID, "%s(): writing the file failed: %s", fn, strerror(errno));
    return 0;
}

int tg__write_elements(const char *fn, FILE *fp, const tg_tensor *t)
{
    size_t size = tg__dtype_size(t->dtype), count = (size_t)tg__numel(t->shape, t->ndim);
    if (!count) return 0;
    if (tg_is_contiguous(t) && tg__host_is_little_endian()) return tg__write(fn, fp, tg__ptr(t), count * size);
    int depth = tg_scope_begin();
    tg_tensor *copy = depth < 0 ? NULL : tg__new(t->dtype, t->shape, t->ndim);
    int rc = -1;
    if (copy) {
        tg__copy_into(copy, t);
        if (!tg__host_is_little_endian()) tg__swap_bytes(tg__ptr(copy), count, size);
        rc = tg__write(fn, fp, tg__ptr(copy), count * size);
    }
    if (depth >= 0) tg_scope_end();
    return rc;
}

FILE *tg__out_open(const char *fn, const char *path)
{
    if (!path) return tg__fail(TG_E_NULL, "%s(): the path is NULL", fn);
    FILE *fp = fopen(path, "wb");
    if (!fp) return tg__fail(TG_E_INVALID, "%s(): cannot open '%s' for writing: %s", fn, path, strerror(errno));
    return fp;
}

int tg__out_close(const char *fn, FILE *fp, int rc)
{
    if (fclose(fp) != 0 && rc == 0) rc = tg__faili(TG_E_INVALID, "%s(): writing the file failed: %s", fn, strerror(errno));
    return rc;
}
