/* Oracle for the file functions, both ways. First C loads what NumPy and
   the spec checker wrote (the committed seed corpora of the loaders'
   fuzzers, fuzz/corpus_npy and fuzz/corpus_safetensors, written by
   fuzz/make_file_corpus.py: every shared dtype, 0-dim, empty, .npy
   versions 1-3, Fortran order, big-endian, and attack files both sides
   refuse). Then C writes files, from contiguous and non-contiguous tensors
   and a module's state dict, into a directory named after the parent
   process (compare.sh, which runs this program and then io_files.py), and
   io_files.py reads them with NumPy, the checker (with the reference
   writer's layout rules) and torch: the same lines. */
#include "oracle.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A directory of the repository, found through this file's path. */
static const char *source_dir(const char *sub, char *buf, size_t cap)
{
    const char *file = __FILE__, *end = strstr(file, "tests/oracle/io_files.c");
    snprintf(buf, cap, "%.*s%s", end ? (int)(end - file) : 0, file, sub);
    return buf;
}

/* name: dtype shape values, as io_files.py prints a NumPy array. */
static void print_tensor(const char *name, const tg_tensor *t)
{
    printf("  %s: %s (", name, tg_dtype_name(tg_dtype_of(t)));
    for (int k = 0; k < tg_ndim(t); k++) printf(k ? ", %lld" : "%lld", (long long)tg_shape(t)[k]);
    printf("%s) [", tg_ndim(t) == 1 ? "," : "");
    int64_t n = tg_numel(t);
    double *v = malloc((size_t)(n ? n : 1) * sizeof *v);
    tg_copy_to_f64(t, v);
    for (int64_t i = 0; i < n; i++) printf(i ? " %.17g" : "%.17g", v[i]);
    printf("]\n");
    free(v);
}

static void print_dict(const tg_dict *d)
{
    for (int i = 0; i < tg_dict_len(d); i++) print_tensor(tg_dict_key(d, i), tg_dict_get(d, tg_dict_key(d, i)));
}

static int compare_names(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Loads every file of dir, in name order, with the loader for its kind. */
static void load_all(const char *dir, bool npy)
{
    DIR *d = opendir(dir);
    char *names[64];
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d)) && n < 64;)
        if (e->d_name[0] != '.') names[n++] = strdup(e->d_name);
    if (d) closedir(d);
    qsort(names, (size_t)n, sizeof *names, compare_names);
    for (int i = 0; i < n; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        tg_scope_begin();
        printf("%s:\n", names[i]);
        if (npy) {
            tg_tensor *t = tg_load_npy(path);
            if (t) print_tensor("array", t);
            else printf("  refused\n");
        } else {
            tg_dict *loaded = tg_load_safetensors(path);
            if (loaded) {
                const char *keys[] = {"format", "source"};
                for (int k = 0; k < 2; k++)
                    if (tg_dict_metadata(loaded, keys[k])) printf("  metadata %s = %s\n", keys[k], tg_dict_metadata(loaded, keys[k]));
                print_dict(loaded);
            } else {
                printf("  refused\n");
            }
            tg_dict_free(loaded);
        }
        tg_scope_end();
        free(names[i]);
    }
}

/* Tensors of every shared dtype: 0-dim, empty, and non-contiguous ones
   (a transpose, a strided slice) written contiguous. */
static tg_dict *made_tensors(void)
{
    tg_dict *d = tg_dict_new();
    tg_tensor *m = tg_from_f32(F32(1.5, -2, 3.25, 4, 5, 6), TG_SHAPE(2, 3));
    tg_dict_set(d, "matrix", m);
    tg_dict_set(d, "matrix.T", tg_transpose(m, 0, 1));
    tg_dict_set(d, "scalar", tg_to(tg_scalar(0.1), TG_F64));
    tg_dict_set(d, "ints", tg_from_i32((const int32_t[]){-1, 2147483647, 5}, TG_SHAPE(3)));
    tg_tensor *longs = tg_from_i64(I64(1, -2, 3, 1099511627776, 5, 6), TG_SHAPE(6));
    tg_dict_set(d, "longs.every_other", tg_slice(longs, 0, 0, 6, 2));
    tg_dict_set(d, "mask", tg_from_bool((const bool[]){true, false, false, true}, TG_SHAPE(2, 2)));
    tg_tensor *pixels = tg_from_u8((const uint8_t[]){0, 17, 200, 255, 3, 9}, TG_SHAPE(2, 3));
    tg_dict_set(d, "pixels.T", tg_transpose(pixels, 0, 1));
    tg_dict_set(d, "chars", tg_from_i8((const int8_t[]){-128, 5, 127}, TG_SHAPE(3)));
    tg_dict_set(d, "shorts", tg_from_i16((const int16_t[]){-32768, -2, 32767, 300}, TG_SHAPE(2, 2)));
    tg_dict_set(d, "halves", tg_to(tg_from_f32(F32(0.1f, -65504, 6e-8f, 1.0f / 3), TG_SHAPE(2, 2)), TG_F16));
    tg_dict_set(d, "empty", tg_zeros(TG_SHAPE(0, 4), TG_F64));
    tg_dict_set(d, "a name with \"quotes\" and \xc3\xa9", tg_ones(TG_SHAPE(1), TG_F32));
    tg_dict_set_metadata(d, "format", "pt");
    tg_dict_set_metadata(d, "note", "tensorgrad \"wrote\" this\n");
    return d;
}

static void write_all(const char *dir)
{
    char path[4096];
    tg_dict *d = made_tensors();
    snprintf(path, sizeof path, "%s/made.safetensors", dir);
    printf("made.safetensors: %d, the bytes the reference writer writes\n", tg_save_safetensors(d, path));
    print_dict(d);
    for (int i = 0; i < tg_dict_len(d); i++) {
        const char *name = tg_dict_key(d, i);
        snprintf(path, sizeof path, "%s/%d.npy", dir, i);
        printf("%d.npy: %d, the bytes numpy.save writes\n", i, tg_save_npy(tg_dict_get(d, name), path));
        print_tensor("array", tg_dict_get(d, name));
    }
    tg_dict_free(d);

    /* A module's state dict, loaded by PyTorch into the same nn.Module. */
    tg_manual_seed(7);
    tg_module *net = tg_nn_sequential((tg_module *[]){tg_nn_linear(3, 4, true), tg_nn_relu(), tg_nn_linear(4, 2, true)}, 3);
    snprintf(path, sizeof path, "%s/module.safetensors", dir);
    tg_dict *state = tg_module_state_dict(net);
    printf("module.safetensors: %d\n", tg_save_safetensors(state, path));
    tg_dict_free(state);
    tg_tensor *x = tg_from_f32(F32(0.5, -1, 2, 1, 1, -0.25), TG_SHAPE(2, 3));
    tg_tensor *y = tg_module_forward(net, x);
    double out[4];
    tg_copy_to_f64(y, out);
    printf("module output: %.4f %.4f %.4f %.4f\n", out[0], out[1], out[2], out[3]);
    tg_module_free(net);
}

int main(void)
{
    printf("C loads what NumPy wrote\n");
    char path[4096];
    load_all(source_dir("fuzz/corpus_npy", path, sizeof path), true);
    printf("C loads what the checker wrote\n");
    load_all(source_dir("fuzz/corpus_safetensors", path, sizeof path), false);
    char dir[64];
    snprintf(dir, sizeof dir, "/tmp/tg_io_files.%d", (int)getppid());
    mkdir(dir, 0700);
    printf("NumPy loads what C wrote\n");
    write_all(dir);
    return 0;
}
