/* safetensors and .npy files: byte-exact output against the reference
   writer's own test vectors, round trips of every dtype (0-dim, empty,
   non-contiguous sources), the order of names, and the bad-file battery:
   every refusal returns NULL with an error saying what is wrong and leaves
   no tensor alive. The committed attack files (fuzz/corpus_*) are replayed
   as regression tests. */
#include "harness.h"
#include "core/core.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmp_path[64];

static void put_file(const void *data, size_t n)
{
    FILE *fp = fopen(tmp_path, "wb");
    CHECK(fp && fwrite(data, 1, n, fp) == n);
    if (fp) fclose(fp);
}

static unsigned char *get_file(size_t *n)
{
    FILE *fp = fopen(tmp_path, "rb");
    static unsigned char buf[4096];
    *n = fp ? fread(buf, 1, sizeof buf, fp) : 0;
    if (fp) fclose(fp);
    return buf;
}

/* A safetensors file: the 8-byte length of header, header, then data_len bytes. */
static void put_safetensors(const char *header, size_t data_len)
{
    size_t n = strlen(header);
    unsigned char *bytes = calloc(8 + n + data_len, 1);
    for (int k = 0; k < 8; k++) bytes[k] = (unsigned char)((uint64_t)n >> (8 * k));
    memcpy(bytes + 8, header, n);
    put_file(bytes, 8 + n + data_len);
    free(bytes);
}

/* Loading the file at tmp_path fails with status and a message containing
   `expected`, leaving no tensor alive. */
static void refused_st(tg_status status, const char *expected)
{
    int64_t live = tg__live_tensors();
    tg_clear_error();
    tg_dict *d = tg_load_safetensors(tmp_path);
    CHECK(d == NULL);
    CHECK(tg_last_status() == status);
    if (!strstr(tg_last_error(), expected)) {
        fprintf(stderr, "  expected '%s' in '%s'\n", expected, tg_last_error());
        CHECK(!"message");
    }
    CHECK(tg__live_tensors() == live);
    tg_dict_free(d);
}

static void refused_npy(tg_status status, const char *expected)
{
    int64_t live = tg__live_tensors();
    tg_clear_error();
    CHECK(tg_load_npy(tmp_path) == NULL);
    CHECK(tg_last_status() == status);
    if (!strstr(tg_last_error(), expected)) {
        fprintf(stderr, "  expected '%s' in '%s'\n", expected, tg_last_error());
        CHECK(!"message");
    }
    CHECK(tg__live_tensors() == live);
}

static void bad_st(const char *header, size_t data_len, tg_status status, const char *expected)
{
    put_safetensors(header, data_len);
    refused_st(status, expected);
}

/* ----------------------------------------------- the reference's bytes */

static void reference_vectors(void)
{
    /* safetensors' own tests (tensor.rs): "attn0" F32 [1, 1, 2, 3], 0..5. */
    float values[6] = {0, 1, 2, 3, 4, 5};
    tg_dict *d = tg_dict_new();
    tg_dict_set(d, "attn0", tg_from_f32(values, TG_SHAPE(1, 1, 2, 3)));
    CHECK(tg_save_safetensors(d, tmp_path) == 0);
    const char *header = "{\"attn0\":{\"dtype\":\"F32\",\"shape\":[1,1,2,3],\"data_offsets\":[0,24]}}       ";
    size_t n;
    unsigned char *bytes = get_file(&n);
    CHECK(n == 8 + 72 + 24 && bytes[0] == 72 && memcmp(bytes + 8, header, 72) == 0);
    CHECK(memcmp(bytes + 80, values, 24) == 0);
    tg_dict_free(d);

    /* No tensors: "{}" padded; with metadata, "__metadata__" alone. */
    d = tg_dict_new();
    CHECK(tg_save_safetensors(d, tmp_path) == 0);
    bytes = get_file(&n);
    CHECK(n == 16 && bytes[0] == 8 && memcmp(bytes + 8, "{}      ", 8) == 0);
    tg_dict_set_metadata(d, "framework", "pt");
    CHECK(tg_save_safetensors(d, tmp_path) == 0);
    bytes = get_file(&n);
    CHECK(n == 48 && bytes[0] == 40 && memcmp(bytes + 8, "{\"__metadata__\":{\"framework\":\"pt\"}}     ", 40) == 0);
    tg_dict *back = tg_load_safetensors(tmp_path);
    CHECK(back && tg_dict_len(back) == 0);
    CHECK_STR(tg_dict_metadata(back, "framework"), "pt");
    tg_dict_free(back);
    tg_dict_free(d);

    /* numpy.save's header for a float32 (2, 3). */
    CHECK(tg_save_npy(tg_zeros(TG_SHAPE(2, 3), TG_F32), tmp_path) == 0);
    bytes = get_file(&n);
    const char *npy = "\x93NUMPY\x01\x00\x76\x00{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
    CHECK(n == 128 + 24 && memcmp(bytes, npy, strlen(npy + 1) + 1) == 0 && bytes[127] == '\n' && bytes[126] == ' ');
}

/* ------------------------------------------------------- round trips */

static bool same(const tg_tensor *a, const tg_tensor *b)
{
    if (!a || !b || tg_dtype_of(a) != tg_dtype_of(b) || !tg__same_shape(tg_shape(a), tg_ndim(a), tg_shape(b), tg_ndim(b)))
        return false;
    int64_t n = tg_numel(a);
    double *x = malloc((size_t)(2 * n + 1) * sizeof *x);
    tg_copy_to_f64(a, x);
    tg_copy_to_f64(b, x + n);
    bool equal = memcmp(x, x + n, (size_t)n * sizeof *x) == 0;
    free(x);
    return equal;
}

static void round_trips(void)
{
    tg_scope_begin();
    int64_t live = tg__live_tensors();
    tg_tensor *m = tg_from_f32((const float[]){1.5f, -2, 3, 4, 5, 6}, TG_SHAPE(2, 3));
    tg_tensor *tensors[] = {
        m, tg_transpose(m, 0, 1), tg_to(tg_scalar(0.25), TG_F64), tg_zeros(TG_SHAPE(0, 2), TG_I32),
        tg_slice(tg_arange(0, 10, 1, TG_I64), 0, 1, 10, 3), tg_from_bool((const bool[]){true, false}, TG_SHAPE(2)),
        tg_expand(tg_from_f64((const double[]){7}, TG_SHAPE(1)), TG_SHAPE(3, 2)),
    };
    const char *names[] = {"m", "m.T", "zero_dim", "empty", "strided", "mask", "expanded"};
    enum { N = sizeof tensors / sizeof *tensors };
    tg_dict *d = tg_dict_new();
    for (int i = 0; i < N; i++) {
        CHECK(tg_dict_set(d, names[i], tensors[i]) == 0);
        CHECK(tg_save_npy(tensors[i], tmp_path) == 0);
        tg_tensor *back = tg_load_npy(tmp_path);
        CHECK(same(back, tensors[i]) && tg_is_contiguous(back));
    }
    CHECK(tg_save_safetensors(d, tmp_path) == 0);
    tg_dict *back = tg_load_safetensors(tmp_path);
    CHECK(back && tg_dict_len(back) == N);
    /* The reference's order: I64, F64, F32, I32, BOOL, then by name. */
    const char *order[] = {"strided", "expanded", "zero_dim", "m", "m.T", "empty", "mask"};
    for (int i = 0; i < N && back; i++) {
        CHECK_STR(tg_dict_key(back, i), order[i]);
        CHECK(same(tg_dict_get(back, names[i]), tensors[i]));
    }
    tg_dict_free(back);
    tg_dict_free(d);
    tg_scope_end();
    CHECK(tg__live_tensors() == live);
}

/* float16 and bfloat16 through safetensors, float16 through .npy; NumPy
   has no bfloat16, so saving one as .npy fails with an error. */
static void half_files(void)
{
    tg_scope_begin();
    int64_t live = tg__live_tensors();
    tg_tensor *x = tg_from_f32((const float[]){0.1f, -65504, 6e-8f, 1.0f / 3, INFINITY, NAN}, TG_SHAPE(2, 3));
    tg_tensor *h = tg_to(x, TG_F16), *b = tg_to(tg_transpose(x, 0, 1), TG_BF16);
    CHECK(tg_save_npy(h, tmp_path) == 0);
    tg_tensor *back = tg_load_npy(tmp_path);
    CHECK(back && tg_dtype_of(back) == TG_F16);
    CHECK(same(tg_to(back, TG_F64), tg_to(h, TG_F64)));
    tg_clear_error();
    CHECK(tg_save_npy(b, tmp_path) == -1 && tg_last_status() == TG_E_DTYPE &&
          strstr(tg_last_error(), "tg_save_npy(): NumPy has no dtype for torch.bfloat16"));
    tg_dict *d = tg_dict_new();
    CHECK(tg_dict_set(d, "h", h) == 0 && tg_dict_set(d, "b", b) == 0);
    CHECK(tg_save_safetensors(d, tmp_path) == 0);
    tg_dict *loaded = tg_load_safetensors(tmp_path);
    CHECK(loaded && tg_dict_len(loaded) == 2);
    if (loaded) {
        const tg_tensor *lh = tg_dict_get(loaded, "h"), *lb = tg_dict_get(loaded, "b");
        CHECK(lh && tg_dtype_of(lh) == TG_F16 && lb && tg_dtype_of(lb) == TG_BF16);
        CHECK(same(tg_to(lh, TG_F64), tg_to(h, TG_F64)) && same(tg_to(lb, TG_F64), tg_to(b, TG_F64)));
    }
    tg_dict_free(loaded);
    tg_dict_free(d);
    tg_scope_end();
    CHECK(tg__live_tensors() == live);
}

/* A module's state dict saved and loaded back into a fresh module. */
static void module_state(void)
{
    tg_scope_begin();
    tg_module *a = tg_nn_linear(3, 2, true), *b = tg_nn_linear(3, 2, true);
    tg_dict *state = tg_module_state_dict(a);
    CHECK(tg_save_safetensors(state, tmp_path) == 0);
    tg_dict *loaded = tg_load_safetensors(tmp_path);
    CHECK(loaded && tg_module_load_state_dict(b, loaded, true) == 0);
    tg_tensor *x = tg_ones(TG_SHAPE(1, 3), TG_F32);
    CHECK(same(tg_module_forward(a, x), tg_module_forward(b, x)));
    tg_dict_free(state);
    tg_dict_free(loaded);
    tg_module_free(a);
    tg_module_free(b);
    tg_scope_end();
}

/* Many names and metadata keys: all kept, in the header's order. */
static void many_names(void)
{
    enum { N = 2000 };
    size_t cap = (size_t)N * 80 + 64, n = 0;
    char *header = malloc(cap);
    n += (size_t)snprintf(header + n, cap - n, "{\"__metadata__\":{");
    for (int i = 0; i < N; i++) n += (size_t)snprintf(header + n, cap - n, "%s\"k%d\":\"%d\"", i ? "," : "", i, i);
    n += (size_t)snprintf(header + n, cap - n, "}");
    for (int i = 0; i < N; i++)   /* in reverse data order */
        n += (size_t)snprintf(header + n, cap - n, ",\"t%d\":{\"dtype\":\"BOOL\",\"shape\":[1],\"data_offsets\":[%d,%d]}", i,
                              N - 1 - i, N - i);
    snprintf(header + n, cap - n, "}");
    put_safetensors(header, N);
    free(header);
    tg_dict *d = tg_load_safetensors(tmp_path);
    CHECK(d && tg_dict_len(d) == N);
    bool in_order = d != NULL;
    char key[16];
    for (int i = 0; in_order && i < N; i++) {
        snprintf(key, sizeof key, "t%d", i);
        in_order = strcmp(tg_dict_key(d, i), key) == 0;
        snprintf(key, sizeof key, "k%d", i);
        in_order = in_order && tg_dict_metadata(d, key) && atoi(tg_dict_metadata(d, key)) == i;
    }
    CHECK(in_order);
    tg_dict_free(d);
}

/* --------------------------------------------------- the bad files */

static void bad_safetensors(void)
{
    put_file("\x08\0\0", 3);
    refused_st(TG_E_INVALID, "the file is 3 bytes, too short for the 8-byte header length");
    put_file("\x01\xe1\xf5\x05\0\0\0\0{}", 10);   /* 100,000,001 */
    refused_st(TG_E_INVALID, "the header length 100000001 is over the limit of 100000000 bytes");
    put_file("\x40\0\0\0\0\0\0\0{}", 10);
    refused_st(TG_E_INVALID, "the header length 64 runs past the end of the file (10 bytes)");
    bad_st("{\"\xff\":{}}", 0, TG_E_INVALID, "not valid JSON: invalid UTF-8 at byte 2");
    bad_st("{\"\xc0\xaf\":{}}", 0, TG_E_INVALID, "invalid UTF-8");   /* overlong '/' */
    bad_st("{\"\\ud800\":{}}", 0, TG_E_INVALID, "a high surrogate without its low half");
    bad_st("{\"a\\u0000\":{}}", 0, TG_E_INVALID, "a NUL character in a string");
    bad_st("{\"a\":", 0, TG_E_INVALID, "not valid JSON: expected a value at byte 5");
    bad_st("{\"a\":1} x", 0, TG_E_INVALID, "text after the value");
    bad_st("{\"a\":01}", 0, TG_E_INVALID, "expected ',' or '}'");
    bad_st("[]", 0, TG_E_INVALID, "the header is not a JSON object");
    char deep[200];
    memset(deep, '[', sizeof deep - 1);
    deep[sizeof deep - 1] = 0;
    bad_st(deep, 0, TG_E_INVALID, "nesting too deep");
    char wide[200] = "[";
    for (int i = 0; i < 65; i++) strcat(wide, "0,");
    strcat(wide, "0]");
    bad_st(wide, 0, TG_E_INVALID, "an array of more than 64 items at byte 129");
    const char *two = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                      "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}";
    bad_st(two, 8, TG_E_INVALID, "the header names 'a' twice");
    const char *overlap = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                          "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}";
    bad_st(overlap, 8, TG_E_INVALID, "tensor 'b': \"data_offsets\" begin at 4 where the previous tensor ends at 8 (overlapping)");
    const char *gap = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                      "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}";
    bad_st(gap, 12, TG_E_INVALID, "tensor 'b': \"data_offsets\" begin at 8 where the previous tensor ends at 4 (a gap)");
    bad_st("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8, TG_E_INVALID, "(a gap)");
    bad_st("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 4, TG_E_INVALID,
           "tensor 'a': \"data_offsets\" [0, 8] point past the end of the data (4 bytes)");
    bad_st("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 6, TG_E_INVALID,
           "the tensors end at byte 4 of a data section of 6 bytes");
    bad_st("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8, TG_E_INVALID,
           "tensor 'a': \"data_offsets\" [0, 8] hold 8 bytes but dtype F32 and shape [3] need 12");
    bad_st("{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,0]}}", 0, TG_E_INVALID,
           "tensor 'a': the shape's element count overflows");
    bad_st("{\"a\":{\"dtype\":\"I64\",\"shape\":[18446744073709551615],\"data_offsets\":[0,0]}}", 0, TG_E_INVALID,
           "element count overflows");
    bad_st("{\"a\":{\"dtype\":\"F32\",\"shape\":[18446744073709551616],\"data_offsets\":[0,0]}}", 0, TG_E_INVALID,
           "a size in \"shape\" is not a non-negative integer");
    bad_st("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,0]}}", 0, TG_E_INVALID,
           "not a non-negative integer");
    bad_st("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,0]}}", 4, TG_E_INVALID, "ends before it begins");
    bad_st("{\"a\":{\"dtype\":\"Q7\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4, TG_E_DTYPE, "tensor 'a': unknown dtype 'Q7'");
    bad_st("{\"a\":{\"dtype\":\"U16\",\"shape\":[1],\"data_offsets\":[0,2]}}", 2, TG_E_DTYPE,
           "tensor 'a': dtype U16 is not supported by tensorgrad");
    bad_st("{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4, TG_E_INVALID, "\"data_offsets\" is missing");
    bad_st("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"x\":1}}", 4, TG_E_INVALID,
           "tensor 'a': unexpected key 'x'");
    bad_st("{\"a\":[]}", 0, TG_E_INVALID, "tensor 'a': its entry is not an object");
    bad_st("{\"\":{}}", 0, TG_E_INVALID, "a tensor has an empty name");
    bad_st("{\"__metadata__\":{\"k\":1}}", 0, TG_E_INVALID, "\"__metadata__\" value 'k' is not a string");
    bad_st("{\"__metadata__\":[]}", 0, TG_E_INVALID, "\"__metadata__\" is not an object");
    bad_st("{\"a\":{\"dtype\":\"F32\",\"shape\":[1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1],\"data_offsets\":[0,4]}}", 4,
           TG_E_INVALID, "more than 16 dimensions");

    /* Saving: names the header cannot hold. */
    tg_dict *d = tg_dict_new();
    tg_dict_set(d, "__metadata__", tg_ones(TG_SHAPE(1), TG_F32));
    CHECK(tg_save_safetensors(d, tmp_path) == -1 && strstr(tg_last_error(), "'__metadata__' cannot name a tensor"));
    tg_dict_free(d);
    d = tg_dict_new();
    tg_dict_set(d, "bad\xff", tg_ones(TG_SHAPE(1), TG_F32));
    CHECK(tg_save_safetensors(d, tmp_path) == -1 && strstr(tg_last_error(), "is not valid UTF-8"));
    CHECK(tg_save_safetensors(d, NULL) == -1 && tg_last_status() == TG_E_NULL);
    CHECK(tg_save_safetensors(NULL, tmp_path) == -1 && tg_last_status() == TG_E_NULL);
    tg_dict_free(d);
    CHECK(tg_load_safetensors("/nonexistent/x.safetensors") == NULL);
    CHECK(strstr(tg_last_error(), "cannot open '/nonexistent/x.safetensors': No such file or directory"));
    CHECK(tg_load_safetensors("/tmp") == NULL && strstr(tg_last_error(), "is not a regular file"));
    char fifo[80];
    snprintf(fifo, sizeof fifo, "%s.fifo", tmp_path);
    CHECK(mkfifo(fifo, 0600) == 0);
    CHECK(tg_load_npy(fifo) == NULL && strstr(tg_last_error(), "is not a regular file"));
    unlink(fifo);
}

/* An .npy file: version major, the header (padded by the caller), data. */
static void put_npy(int major, const char *header, size_t data_len)
{
    size_t n = strlen(header), pre = major == 1 ? 10 : 12;
    unsigned char *bytes = calloc(pre + n + data_len, 1);
    memcpy(bytes, "\x93NUMPY", 6);
    bytes[6] = (unsigned char)major;
    for (size_t k = 0; k < pre - 8; k++) bytes[8 + k] = (unsigned char)(n >> (8 * k));
    memcpy(bytes + pre, header, n);
    put_file(bytes, pre + n + data_len);
    free(bytes);
}

static void bad_npy(int major, const char *header, size_t data_len, tg_status status, const char *expected)
{
    put_npy(major, header, data_len);
    refused_npy(status, expected);
}

static void npy_files(void)
{
    tg_scope_begin();
    /* Fortran order, big-endian, versions 2 and 3. */
    put_npy(2, "{'descr': '>i4', 'fortran_order': True, 'shape': (2, 3), }\n", 24);
    CHECK(tg_load_npy(tmp_path) != NULL);
    {
        const unsigned char data[] = {0, 0, 0, 1, 0, 0, 0, 4, 0, 0, 0, 2, 0, 0, 0, 5, 0, 0, 0, 3, 0, 0, 0, 6};
        const char *h = "{\"descr\": \">i4\", \"fortran_order\": True, \"shape\": (2, 3)}\n";
        size_t n = strlen(h);
        unsigned char bytes[256] = "\x93NUMPY\x03";
        bytes[8] = (unsigned char)n;
        memcpy(bytes + 12, h, n);
        memcpy(bytes + 12 + n, data, sizeof data);
        put_file(bytes, 12 + n + sizeof data);
        tg_tensor *t = tg_load_npy(tmp_path);
        CHECK(same(t, tg_from_i32((const int32_t[]){1, 2, 3, 4, 5, 6}, TG_SHAPE(2, 3))));
    }
    bad_npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1073741824,), }\n", 0, TG_E_INVALID,
            "the file is truncated: the data needs 4294967296 bytes but the file has 0 after the header");
    put_file("\x93NUMPX\x01\x00\x00\x00", 10);
    refused_npy(TG_E_INVALID, "not a .npy file (no magic)");
    put_file("\x93NUMPY\x04\x00\x00\x00", 10);
    refused_npy(TG_E_INVALID, "unsupported .npy version 4.0");
    put_file("\x93NUMPY\x01", 7);
    refused_npy(TG_E_INVALID, "the file is 7 bytes, too short for a .npy preamble");
    put_file("\x93NUMPY\x02\x00\x11\x27\x00\x00", 12);   /* 10001 */
    refused_npy(TG_E_INVALID, "the header is 10001 bytes, over the limit of 10000");
    put_file("\x93NUMPY\x01\x00\x40\x00{", 11);
    refused_npy(TG_E_INVALID, "the file is truncated: the header needs bytes 10 to 74 but the file has 11");
    bad_npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'extra': 1}", 4, TG_E_INVALID,
            "the header has the key 'extra'; a .npy header has only 'descr', 'fortran_order' and 'shape'");
    bad_npy(1, "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (1,)}", 4, TG_E_INVALID,
            "the header has the key 'descr' twice");
    bad_npy(1, "{'descr': '<f4', 'shape': (1,)}", 4, TG_E_INVALID, "the header lacks 'fortran_order'");
    bad_npy(1, "{'descr': '<U5', 'fortran_order': False, 'shape': (1,)}", 20, TG_E_DTYPE, "bad descr '<U5'");
    bad_npy(1, "{'descr': '<u2', 'fortran_order': False, 'shape': (1,)}", 2, TG_E_DTYPE,
            "descr '<u2' is a dtype tensorgrad does not support");
    bad_npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (3)}", 12, TG_E_INVALID, "'shape' is not a tuple");
    bad_npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': [3]}", 12, TG_E_INVALID, "'shape' is not a tuple");
    bad_npy(1, "{'descr': '<f4', 'fortran_order': 0, 'shape': (3,)}", 12, TG_E_INVALID, "'fortran_order' is not True or False");
    bad_npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (-3,)}", 12, TG_E_INVALID, "not a non-negative integer");
    bad_npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296)}", 0, TG_E_INVALID,
            "the shape's element count overflows");
    bad_npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,)}", 0, TG_E_INVALID,
            "a size in 'shape' too large");
    bad_npy(1, "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,)}", 4, TG_E_INVALID, "expected a string");
    bad_npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,)} junk", 4, TG_E_INVALID, "text after the dict");
    tg_clear_error();
    CHECK(tg_save_npy(NULL, tmp_path) == -1 && tg_last_status() == TG_E_NULL);
    CHECK(tg_save_npy(tg_ones(TG_SHAPE(1), TG_F32), "/nonexistent/x.npy") == -1);
    CHECK(strstr(tg_last_error(), "tg_save_npy(): cannot open '/nonexistent/x.npy' for writing"));
    tg_scope_end();
}

/* The committed attack files: refused, with the reason. */
static void attacks(void)
{
    char dir[4096];
    const char *file = __FILE__, *end = strstr(file, "tests/test_files.c");
    snprintf(dir, sizeof dir, "%.*sfuzz/", end ? (int)(end - file) : 0, file);
    struct {
        const char *path, *expected;
    } cases[] = {
        {"corpus_safetensors/attack_12_bytes_4gb", "the header length 4294967295 is over the limit"},
        {"corpus_safetensors/attack_77_bytes_64k", "\"data_offsets\" [0, 65536] point past the end of the data (7 bytes)"},
        {"corpus_safetensors/attack_offsets_past_data", "tensor 'b': \"data_offsets\" [1000, 1004] point past the end"},
        {"corpus_npy/attack_4gb", "the data needs 4294967296 bytes but the file has 0"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char path[4200];
        snprintf(path, sizeof path, "%s%s", dir, cases[i].path);
        int64_t live = tg__live_tensors();
        tg_clear_error();
        bool npy = strstr(cases[i].path, "npy") != NULL;
        tg_scope_begin();
        void *result = npy ? (void *)tg_load_npy(path) : (void *)tg_load_safetensors(path);
        tg_scope_end();
        CHECK(result == NULL && tg__live_tensors() == live);
        if (!strstr(tg_last_error(), cases[i].expected)) {
            fprintf(stderr, "  %s: expected '%s' in '%s'\n", cases[i].path, cases[i].expected, tg_last_error());
            CHECK(!"message");
        }
    }
}

int main(void)
{
    snprintf(tmp_path, sizeof tmp_path, "/tmp/tg_test_files.%d", (int)getpid());
    reference_vectors();
    round_trips();
    half_files();
    module_state();
    many_names();
    bad_safetensors();
    npy_files();
    unlink(tmp_path);
    attacks();
    return TEST_MAIN_END();
}
