/* .npy files (NumPy's format.py, versions 1.0, 2.0 and 3.0): the magic
   "\x93NUMPY", a major and a minor version byte, the header length (2
   bytes little-endian in version 1, 4 in versions 2 and 3), then the
   header, a Python dict literal {'descr': '<f4', 'fortran_order': False,
   'shape': (2, 3), } padded with spaces and a newline so that the data
   starts on a multiple of 64, then the elements.

   Loading accepts every version, C and Fortran order (converted to a
   contiguous row-major tensor), either byte order (big-endian swapped), and
   refuses a header over NumPy's limit of 10,000 bytes, one with keys other
   than the three, a descr tensorgrad has no dtype for, or a file shorter
   than its shape needs, before it allocates the tensor. Saving writes
   version 1.0, little-endian, C order, byte for byte as numpy.save
   (NumPy 1.24) does (at most 16 dimensions always fit version 1.0). */
#define _POSIX_C_SOURCE 200809L
#include "../kernels/kernels.h"
#include "io.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_HEADER = 10000, ALIGN = 64, PREAMBLE_V1 = 10, PREAMBLE_V2 = 12, GROWTH_DIGITS = 21 };

static const char MAGIC[6] = {'\x93', 'N', 'U', 'M', 'P', 'Y'};
static const char *const LOAD = "tg_load_npy";

/* descr type letters and sizes tensorgrad has. */
typedef struct npy_dtype {
    const char *code;   /* "f4": descr without its byte-order character */
    tg_dtype dtype;
} npy_dtype;

static const npy_dtype DTYPES[] = {
    {"f4", TG_F32}, {"f8", TG_F64}, {"i4", TG_I32}, {"i8", TG_I64}, {"b1", TG_BOOL},
    {"i1", TG_I8},  {"u1", TG_U8},  {"i2", TG_I16}, {"f2", TG_F16}, {"c8", TG_C64}, {"c16", TG_C128},
    /* NumPy has no bfloat16 */
};
enum { N_DTYPES = sizeof DTYPES / sizeof *DTYPES };

/* Numeric descr codes NumPy has that tensorgrad lacks, refused by name. */
static const char *const UNSUPPORTED[] = {"u2", "u4", "u8", "f16", "c32"};

/* ------------------------------------------------------ header parsing */

typedef struct header {
    const char *text;
    size_t len, pos;
    bool have_descr, have_order, have_shape;
    char descr[16];
    bool fortran;
    int ndim;
    int64_t shape[TG_MAX_DIMS];
} header;

static int bad_header(const header *h, const char *what)
{
    return tg__faili(TG_E_INVALID, "%s(): the header is not a valid .npy header: %s at byte %zu", LOAD, what, h->pos);
}

static void skip_space(header *h)
{
    while (h->pos < h->len && strchr(" \t\r\n", h->text[h->pos]) && h->text[h->pos]) h->pos++;
}

static bool take(header *h, char c)
{
    skip_space(h);
    if (h->pos < h->len && h->text[h->pos] == c) return h->pos++, true;
    return false;
}

/* A quoted string without escapes (the only ones NumPy writes) into
   out[cap]; a longer one is refused. */
static int read_string(header *h, char *out, size_t cap)
{
    skip_space(h);
    if (h->pos >= h->len || (h->text[h->pos] != '\'' && h->text[h->pos] != '"')) return bad_header(h, "expected a string");
    char quote = h->text[h->pos++];
    size_t n = 0;
    for (; h->pos < h->len && h->text[h->pos] != quote; h->pos++) {
        if (h->text[h->pos] == '\\' || h->text[h->pos] == '\n') return bad_header(h, "an escape or newline in a string");
        if (n + 1 >= cap) return bad_header(h, "a string too long");
        out[n++] = h->text[h->pos];
    }
    if (h->pos >= h->len) return bad_header(h, "an unterminated string");
    h->pos++;
    out[n] = 0;
    return 0;
}

static bool take_word(header *h, const char *word)
{
    skip_space(h);
    size_t n = strlen(word);
    if (h->len - h->pos < n || memcmp(h->text + h->pos, word, n) != 0) return false;
    h->pos += n;
    return true;
}

/* (a, b, ...) with a trailing comma after a single size, as Python wants. */
static int read_shape(header *h)
{
    if (!take(h, '(')) return bad_header(h, "'shape' is not a tuple");
    int n = 0;
    bool comma = false;
    while (!take(h, ')')) {
        if (n && !comma) return bad_header(h, "expected ',' or ')' in 'shape'");
        if (n == TG_MAX_DIMS) return bad_header(h, "'shape' has more than 16 dimensions");
        skip_space(h);
        uint64_t v = 0;
        size_t start = h->pos;
        for (; h->pos < h->len && h->text[h->pos] >= '0' && h->text[h->pos] <= '9'; h->pos++) {
            if (v > (uint64_t)(INT64_MAX - 9) / 10) return bad_header(h, "a size in 'shape' too large");
            v = v * 10 + (uint64_t)(h->text[h->pos] - '0');
        }
        if (h->pos == start) return bad_header(h, "a size in 'shape' is not a non-negative integer");
        h->shape[n++] = (int64_t)v;
        comma = take(h, ',');
    }
    if (n == 1 && !comma) return bad_header(h, "'shape' is not a tuple");
    h->ndim = n;
    return 0;
}

static int read_item(header *h)
{
    char key[32];
    if (read_string(h, key, sizeof key) || (!take(h, ':') && bad_header(h, "expected ':'"))) return -1;
    bool *seen = strcmp(key, "descr") == 0 ? &h->have_descr : strcmp(key, "fortran_order") == 0 ? &h->have_order
               : strcmp(key, "shape") == 0 ? &h->have_shape : NULL;
    if (!seen) return tg__faili(TG_E_INVALID, "%s(): the header has the key '%s'; a .npy header has only 'descr', "
                                "'fortran_order' and 'shape'", LOAD, key);
    if (*seen) return tg__faili(TG_E_INVALID, "%s(): the header has the key '%s' twice", LOAD, key);
    *seen = true;
    if (seen == &h->have_descr) return read_string(h, h->descr, sizeof h->descr);
    if (seen == &h->have_shape) return read_shape(h);
    if (take_word(h, "True")) h->fortran = true;
    else if (!take_word(h, "False")) return bad_header(h, "'fortran_order' is not True or False");
    return 0;
}

static int parse_header(header *h)
{
    if (!take(h, '{')) return bad_header(h, "expected '{'");
    while (!take(h, '}')) {
        if (read_item(h)) return -1;
        if (!take(h, ',')) {
            if (!take(h, '}')) return bad_header(h, "expected ',' or '}'");
            break;
        }
    }
    skip_space(h);
    if (h->pos != h->len) return bad_header(h, "text after the dict");
    if (!h->have_descr || !h->have_order || !h->have_shape)
        return tg__faili(TG_E_INVALID, "%s(): the header lacks '%s'", LOAD,
                         !h->have_descr ? "descr" : !h->have_order ? "fortran_order" : "shape");
    return 0;
}

/* The dtype of descr, and whether its bytes need swapping. */
static int read_descr(const char *descr, tg_dtype *dt, bool *swap)
{
    char order = descr[0];
    const char *code = strchr("<>|=", order) && order ? descr + 1 : descr;
    for (int i = 0; i < N_DTYPES; i++) {
        if (strcmp(code, DTYPES[i].code) != 0) continue;
        *dt = DTYPES[i].dtype;
        bool big = order == '>' || ((order == '=' || order == '|') && !tg__host_is_little_endian());
        *swap = tg__dtype_size(*dt) > 1 && big == tg__host_is_little_endian();
        return 0;
    }
    for (size_t i = 0; i < sizeof UNSUPPORTED / sizeof *UNSUPPORTED; i++)
        if (strcmp(code, UNSUPPORTED[i]) == 0)
            return tg__faili(TG_E_DTYPE, "%s(): descr '%s' is a dtype tensorgrad does not support", LOAD, descr);
    return tg__faili(TG_E_DTYPE, "%s(): bad descr '%s': not a dtype tensorgrad reads", LOAD, descr);
}

/* --------------------------------------------------------------- loading */

/* Reads the header (after the preamble) into h; *data_start past it. */
static int read_preamble(tg_in_file *f, char **text, size_t *len, uint64_t *data_start)
{
    unsigned char pre[PREAMBLE_V2];
    if (f->size < PREAMBLE_V1)
        return tg__faili(TG_E_INVALID, "%s(): the file is %" PRIu64 " bytes, too short for a .npy preamble", LOAD, f->size);
    if (tg__in_read(f, 0, pre, PREAMBLE_V1, "the preamble")) return -1;
    if (memcmp(pre, MAGIC, sizeof MAGIC) != 0) return tg__faili(TG_E_INVALID, "%s(): not a .npy file (no magic)", LOAD);
    if (pre[6] < 1 || pre[6] > 3 || pre[7] != 0)
        return tg__faili(TG_E_INVALID, "%s(): unsupported .npy version %d.%d (1.0, 2.0 and 3.0 are read)", LOAD, pre[6], pre[7]);
    uint64_t n = pre[8] | (uint64_t)pre[9] << 8, at = PREAMBLE_V1;
    if (pre[6] > 1) {
        if (tg__in_read(f, 0, pre, PREAMBLE_V2, "the preamble")) return -1;
        n |= (uint64_t)pre[10] << 16 | (uint64_t)pre[11] << 24;
        at = PREAMBLE_V2;
    }
    if (n > MAX_HEADER)
        return tg__faili(TG_E_INVALID, "%s(): the header is %" PRIu64 " bytes, over the limit of %d", LOAD, n, MAX_HEADER);
    *text = tg__malloc(n ? n : 1);
    if (!*text || tg__in_read(f, at, *text, n, "the header")) return free(*text), *text = NULL, -1;
    if (memchr(*text, 0, n)) return free(*text), *text = NULL, tg__faili(TG_E_INVALID, "%s(): a NUL byte in the header", LOAD);
    *len = n;
    *data_start = at + n;
    return 0;
}

/* A row-major copy of x, which holds the elements of h's shape in Fortran
   order (x has the reversed shape). */
static tg_tensor *from_fortran(const header *h, tg_tensor *x)
{
    int64_t strides[TG_MAX_DIMS], reversed[TG_MAX_DIMS];
    tg__contiguous_strides(x->shape, x->ndim, reversed);
    for (int k = 0; k < h->ndim; k++) strides[k] = reversed[h->ndim - 1 - k];
    tg_tensor *view = tg__alias(x, h->shape, strides, h->ndim, 0);
    tg_tensor *out = view ? tg__new(x->dtype, h->shape, h->ndim) : NULL;
    if (out) tg__copy_into(out, view);
    return out;
}

static tg_tensor *read_data(tg_in_file *f, const header *h, tg_dtype dt, bool swap, uint64_t data_start)
{
    int64_t numel = 1;
    for (int k = 0; k < h->ndim; k++) {
        if (h->shape[k] && numel > INT64_MAX / (int64_t)tg__dtype_size(dt) / h->shape[k])
            return tg__fail(TG_E_INVALID, "%s(): the shape's element count overflows", LOAD);
        numel *= h->shape[k];
    }
    size_t nbytes = (size_t)numel * tg__dtype_size(dt);
    if (data_start > f->size || nbytes > f->size - data_start)
        return tg__fail(TG_E_INVALID, "%s(): the file is truncated: the data needs %zu bytes but the file has %" PRIu64
                        " after the header", LOAD, nbytes, data_start > f->size ? 0 : f->size - data_start);
    int64_t shape[TG_MAX_DIMS];
    for (int k = 0; k < h->ndim; k++) shape[k] = h->fortran ? h->shape[h->ndim - 1 - k] : h->shape[k];
    tg_tensor *x = tg__new(dt, shape, h->ndim);
    if (!x || tg__in_read(f, data_start, tg__ptr(x), nbytes, "the data")) return NULL;
    if (dt == TG_BOOL) tg__normalize_bools(tg__ptr(x), (size_t)numel);
    /* a complex element is two numbers, each swapped on its own */
    size_t parts = tg__is_complex(dt) ? 2 : 1;
    if (swap) tg__swap_bytes(tg__ptr(x), (size_t)numel * parts, tg__dtype_size(dt) / parts);
    return h->fortran && h->ndim > 1 ? from_fortran(h, x) : x;
}

static tg_tensor *load(tg_in_file *f)
{
    char *text = NULL;
    size_t len = 0;
    uint64_t data_start = 0;
    if (read_preamble(f, &text, &len, &data_start)) return NULL;
    header h = {.text = text, .len = len};
    tg_dtype dt = TG_F32;
    bool swap = false;
    int rc = parse_header(&h) || read_descr(h.descr, &dt, &swap);
    free(text);
    return rc ? NULL : read_data(f, &h, dt, swap, data_start);
}

tg_tensor *tg_load_npy(const char *path)
{
    tg_in_file f;
    if (tg__in_open(&f, LOAD, path)) return NULL;
    if (tg_scope_begin() < 0) return tg__in_close(&f), NULL;
    tg_tensor *t = load(&f);
    if (t) tg__ref(t);   /* outlives the scope, handed to the caller's below */
    tg_scope_end();
    tg__in_close(&f);
    if (t && tg__scope_own(t)) return NULL;
    return t;
}

/* ---------------------------------------------------------------- saving */

static const char *descr_of(tg_dtype dt)
{
    for (int i = 0; i < N_DTYPES; i++)
        if (DTYPES[i].dtype == dt) return DTYPES[i].code;
    return NULL;
}

/* The preamble and header as numpy.save writes them, into out (cap bytes);
   the total length. */
static size_t header_text(const tg_tensor *t, char *out, size_t cap)
{
    char shape[TG_MAX_DIMS * 22 + 4];
    size_t n = 0;
    n += (size_t)snprintf(shape + n, sizeof shape - n, "(");
    for (int k = 0; k < t->ndim; k++) n += (size_t)snprintf(shape + n, sizeof shape - n, k ? ", %" PRId64 : "%" PRId64, t->shape[k]);
    snprintf(shape + n, sizeof shape - n, t->ndim == 1 ? ",)" : ")");
    const char *code = descr_of(t->dtype);
    char dict[sizeof shape + 64];
    int dict_len = snprintf(dict, sizeof dict, "{'descr': '%c%s', 'fortran_order': False, 'shape': %s, }",
                            tg__dtype_size(t->dtype) == 1 ? '|' : '<', code, shape);
    /* numpy.save leaves room for the first size to grow to 21 digits. */
    size_t spare = t->ndim ? GROWTH_DIGITS - (size_t)snprintf(NULL, 0, "%" PRId64, t->shape[0]) : 0;
    /* Version 1.0: at most 16 dimensions always fit its 2-byte length. */
    size_t total = (PREAMBLE_V1 + (size_t)dict_len + spare + 1 + ALIGN - 1) / ALIGN * ALIGN;
    size_t hlen = total - PREAMBLE_V1;
    if (total > cap) return 0;
    memcpy(out, MAGIC, sizeof MAGIC);
    out[6] = 1;
    out[7] = 0;
    out[8] = (char)(hlen & 0xFF);
    out[9] = (char)(hlen >> 8);
    memcpy(out + PREAMBLE_V1, dict, (size_t)dict_len);
    memset(out + PREAMBLE_V1 + dict_len, ' ', hlen - (size_t)dict_len - 1);
    out[total - 1] = '\n';
    return total;
}

int tg_save_npy(const tg_tensor *t, const char *path)
{
    TG_ARGI(t);
    if (!path) return tg__faili(TG_E_NULL, "%s(): the path is NULL", __func__);
    if (!descr_of(t->dtype))   /* bfloat16: NumPy has no such dtype */
        return tg__faili(TG_E_DTYPE, "%s(): NumPy has no dtype for %s", __func__, tg_dtype_name(t->dtype));
    char text[1024];
    size_t len = header_text(t, text, sizeof text);
    FILE *fp = len ? tg__out_open(__func__, path) : NULL;
    if (!fp) return len ? -1 : tg__faili(TG_E_INVALID, "%s(): the header does not fit", __func__);
    int rc = tg__write(__func__, fp, text, len) || tg__write_elements(__func__, fp, t) ? -1 : 0;
    return tg__out_close(__func__, fp, rc);
}
