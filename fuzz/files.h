/* What the file loaders' fuzz targets share: an input's bytes as a file
   (an in-memory one, memfd_create, opened through /proc/self/fd), and the
   checks every load must pass: a refusal sets an error, and nothing the
   loader made outlives what the target frees. */
#ifndef TGFZ_FILES_H
#define TGFZ_FILES_H

#define _GNU_SOURCE
#include "core/core.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

/* A path naming a new in-memory file holding data (fd into *fd), or NULL. */
static const char *tgfz_file(const uint8_t *data, size_t size, int *fd, char *path, size_t cap)
{
    *fd = memfd_create("tgfz", 0);
    if (*fd < 0) return NULL;
    if (size && write(*fd, data, size) != (ssize_t)size) {
        close(*fd);
        return NULL;
    }
    snprintf(path, cap, "/proc/self/fd/%d", *fd);
    return path;
}

/* A failed load must say why. */
static void tgfz_check_refusal(void)
{
    if (tg_last_status() == TG_OK || !*tg_last_error()) {
        fprintf(stderr, "tgfz: a load failed without an error\n");
        abort();
    }
}

static void tgfz_check_live(int64_t before)
{
    if (tg__live_tensors() != before) {
        fprintf(stderr, "tgfz: %lld tensors left alive\n", (long long)(tg__live_tensors() - before));
        abort();
    }
}

/* One input: its bytes as a file at a path, given to check(path, again),
   where `again` names an empty file for a save (NULL if none could be
   made), inside a scope; then nothing may be left alive. */
static void tgfz_run_file(const uint8_t *data, size_t size, void (*check)(const char *path, const char *again))
{
    int64_t live = tg__live_tensors();
    char path[64], again[64];
    int fd, fd2 = -1;
    if (!tgfz_file(data, size, &fd, path, sizeof path)) return;
    bool have_again = tgfz_file(NULL, 0, &fd2, again, sizeof again) != NULL;
    tg_clear_error();
    tg_scope_begin();
    check(path, have_again ? again : NULL);
    tg_scope_end();
    close(fd);
    if (have_again) close(fd2);
    tgfz_check_live(live);
}

#endif
