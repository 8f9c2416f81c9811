/* Replays the fuzzer's committed inputs, fuzz/corpus/ (the seeds) and
   fuzz/regressions/ (every input that once found a bug), through the
   fuzzing harness's decoder, in an ordinary build: each program must run
   cleanly and leave no tensor or graph node alive (tgfz_run checks the
   library's live counters). Under `make test SANITIZE=address,undefined`
   and valgrind the sanitizers check them too.

   Usage: test_fuzz_regressions [DIR...]; without arguments, the two
   directories beside this file's directory (found through __FILE__, or
   TG_FUZZ_DIR when the build defines it). */
#include "../fuzz/program.c"

#include <dirent.h>

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static unsigned char *read_file(const char *path, size_t *size)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) return NULL;
    size_t cap = 4096, n = 0;
    unsigned char *buf = malloc(cap);
    for (size_t got; buf && (got = fread(buf + n, 1, cap - n, fp)) > 0;) {
        n += got;
        if (n == cap) {
            unsigned char *p = realloc(buf, cap *= 2);
            if (!p) free(buf);
            buf = p;
        }
    }
    fclose(fp);
    *size = n;
    return buf;
}

/* Runs every regular file of dir, in name order; counts runs and failures.
   Returns -1 when the directory cannot be read. */
static int replay_dir(const char *dir, int *runs, int *failures)
{
    DIR *d = opendir(dir);
    if (!d) return -1;
    char **names = NULL;
    size_t n = 0, cap = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.' || strstr(e->d_name, "README")) continue;
        if (n == cap) {
            char **p = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof *p);
            if (!p) break;
            names = p;
        }
        names[n] = strdup(e->d_name);
        if (names[n]) n++;
    }
    closedir(d);
    if (n) qsort(names, n, sizeof *names, compare_names);
    for (size_t i = 0; i < n; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        size_t size = 0;
        unsigned char *data = read_file(path, &size);
        if (!data) {
            fprintf(stderr, "%s: cannot read\n", path);
            (*failures)++;
        } else {
            (*runs)++;
            if (tgfz_run(data, size) != 0) {
                fprintf(stderr, "%s: FAILED (replay it with TGFZ_TRACE=1 for the decoded program)\n", path);
                (*failures)++;
            }
        }
        free(data);
        free(names[i]);
    }
    free(names);
    return 0;
}

int main(int argc, char **argv)
{
    int runs = 0, failures = 0;
    if (argc > 1) {
        for (int i = 1; i < argc; i++) {
            if (replay_dir(argv[i], &runs, &failures)) {
                fprintf(stderr, "%s: cannot open directory\n", argv[i]);
                failures++;
            }
        }
    } else {
#ifdef TG_FUZZ_DIR
        const char *root = TG_FUZZ_DIR;
        char base[4096];
        snprintf(base, sizeof base, "%s", root);
#else
        /* __FILE__ is .../tests/test_fuzz_regressions.c: fuzz/ is beside tests/. */
        char base[4096];
        snprintf(base, sizeof base, "%s", __FILE__);
        char *slash = strrchr(base, '/');
        if (slash) snprintf(slash, sizeof base - (size_t)(slash - base), "/../fuzz");
        else snprintf(base, sizeof base, "../fuzz");
#endif
        char corpus[4200], regressions[4200];
        snprintf(corpus, sizeof corpus, "%s/corpus", base);
        snprintf(regressions, sizeof regressions, "%s/regressions", base);
        if (replay_dir(corpus, &runs, &failures)) {
            fprintf(stderr, "%s: cannot open the seed corpus\n", corpus);
            failures++;
        }
        replay_dir(regressions, &runs, &failures);   /* may not exist yet */
    }
    if (runs == 0) {
        fprintf(stderr, "no inputs found\n");
        failures++;
    }
    printf("%d inputs replayed, %d failed\n", runs, failures);
    return failures ? 1 : 0;
}
