/* safetensors files (the format of huggingface/safetensors): an 8-byte
   little-endian header length N, N bytes of JSON ({"__metadata__": {str:
   str}, name: {"dtype", "shape", "data_offsets": [begin, end]}, ...}),
   then the data section, every tensor's bytes little-endian, row-major,
   the offsets relative to the data section, contiguous from 0 to its end.

   Saving writes what the reference writer writes: tensors sorted by dtype
   (the reference's Dtype order, largest alignment first) then name, the
   header compact JSON padded with spaces to a multiple of 8. Loading
   validates the whole header against the file's size before it allocates
   any tensor, then reads only each tensor's own bytes. */
#define _POSIX_C_SOURCE 200809L
#include "io.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* The reference's header size limit. */
#define MAX_HEADER_SIZE 100000000ull

/* The dtypes of the safetensors spec, in the reference's Dtype order
   (increasing alignment): a file's dtype tensorgrad lacks is refused by
   name, one the spec does not know is refused as unknown. */
typedef struct st_dtype {
    const char *name;
    size_t size;
    int dtype;   /* the tg_dtype, or -1: tensorgrad lacks it */
} st_dtype;

static const st_dtype DTYPES[] = {
    {"BOOL", 1, TG_BOOL}, {"U8", 1, TG_U8},   {"I8", 1, TG_I8},       {"F8_E5M2", 1, -1}, {"F8_E4M3", 1, -1},
    {"I16", 2, TG_I16},   {"U16", 2, -1},     {"F16", 2, TG_F16},  {"BF16", 2, TG_BF16}, {"I32", 4, TG_I32},
    {"U32", 4, -1},       {"F32", 4, TG_F32}, {"F64", 8, TG_F64},  {"I64", 8, TG_I64},  {"U64", 8, -1},
};
enum { N_DTYPES = sizeof DTYPES / sizeof *DTYPES };

static int rank_of(tg_dtype dt)
{
    for (int i = 0; i < N_DTYPES; i++)
        if (DTYPES[i].dtype == (int)dt) return i;
    return -1;
}

/* ---------------------------------------------------------------- saving */

typedef struct entry {
    const char *name;
    const tg_tensor *tensor;
    int rank;
} entry;

static int compare_entries(const void *pa, const void *pb)
{
    const entry *a = pa, *b = pb;
    if (a->rank != b->rank) return b->rank - a->rank;
    return strcmp(a->name, b->name);
}

/* s as a JSON string, escaped as serde_json escapes it. */
static void put_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        static const char escaped[] = "\"\\\b\f\n\r\t", letters[] = "\"\\bfnrt";
        const char *at = strchr(escaped, *c);
        if (at) fprintf(out, "\\%c", letters[at - escaped]);
        else if (*c < 0x20) fprintf(out, "\\u%04x", *c);
        else fputc(*c, out);
    }
    fputc('"', out);
}

/* The header must be valid UTF-8, so every name and metadata string must. */
static int check_utf8(const char *fn, const char *what, const char *s)
{
    return tg__utf8_valid(s) ? 0 : tg__faili(TG_E_INVALID, "%s(): the %s '%s' is not valid UTF-8", fn, what, s);
}

static void put_entry(FILE *out, const entry *e, uint64_t begin, uint64_t end, bool first)
{
    if (!first) fputc(',', out);
    put_string(out, e->name);
    fprintf(out, ":{\"dtype\":\"%s\",\"shape\":[", DTYPES[e->rank].name);
    for (int k = 0; k < e->tensor->ndim; k++) fprintf(out, k ? ",%" PRId64 : "%" PRId64, e->tensor->shape[k]);
    fprintf(out, "],\"data_offsets\":[%" PRIu64 ",%" PRIu64 "]}", begin, end);
}

/* The header's JSON text (padded) into a new buffer, for entries in file
   order. NULL with an error when out of memory. */
static char *header_text(const tg_dict *d, const entry *entries, int n, size_t *len)
{
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    if (!out) return tg__fail(TG_E_OOM, "tg_save_safetensors(): out of memory");
    fputc('{', out);
    int meta = tg__dict_metadata_len(d);
    if (meta) {
        fputs("\"__metadata__\":{", out);
        for (int i = 0; i < meta; i++) {
            const char *key, *value;
            tg__dict_metadata_at(d, i, &key, &value);
            if (i) fputc(',', out);
            put_string(out, key);
            fputc(':', out);
            put_string(out, value);
        }
        fputc('}', out);
    }
    uint64_t offset = 0;
    for (int i = 0; i < n; i++) {
        uint64_t bytes = (uint64_t)tg__numel(entries[i].tensor->shape, entries[i].tensor->ndim) * DTYPES[entries[i].rank].size;
        put_entry(out, &entries[i], offset, offset + bytes, i == 0 && !meta);
        offset += bytes;
    }
    fputc('}', out);
    long written = ftell(out);
    for (long pad = (8 - written % 8) % 8; pad > 0; pad--) fputc(' ', out);
    bool failed = ferror(out);
    if (fclose(out) != 0 || failed) {
        free(text);
        return tg__fail(TG_E_OOM, "tg_save_safetensors(): out of memory");
    }
    *len = size;
    return text;
}

/* The dict's tensors checked and in file order, or NULL with an error. */
static entry *sorted_entries(const tg_dict *d, int n)
{
    const char *fn = "tg_save_safetensors";
    for (int i = 0; i < tg__dict_metadata_len(d); i++) {
        const char *key, *value;
        tg__dict_metadata_at(d, i, &key, &value);
        if (check_utf8(fn, "metadata key", key) || check_utf8(fn, "metadata value", value)) return NULL;
    }
    entry *entries = tg__malloc((size_t)(n ? n : 1) * sizeof *entries);
    if (!entries) return NULL;
    for (int i = 0; i < n; i++) {
        entries[i] = (entry){tg_dict_key(d, i), tg__dict_tensor(d, i), 0};
        entries[i].rank = rank_of(entries[i].tensor->dtype);
        if (strcmp(entries[i].name, "__metadata__") == 0) {
            free(entries);
            return tg__fail(TG_E_INVALID, "%s(): '__metadata__' cannot name a tensor in a safetensors file", fn);
        }
        if (check_utf8(fn, "name", entries[i].name)) return free(entries), NULL;
    }
    qsort(entries, (size_t)n, sizeof *entries, compare_entries);
    return entries;
}

static int write_file(const char *path, const char *header, size_t header_len, const entry *entries, int n)
{
    const char *fn = "tg_save_safetensors";
    FILE *fp = tg__out_open(fn, path);
    if (!fp) return -1;
    unsigned char len[8];
    for (int k = 0; k < 8; k++) len[k] = (unsigned char)((uint64_t)header_len >> (8 * k));
    int rc = tg__write(fn, fp, len, 8) || tg__write(fn, fp, header, header_len) ? -1 : 0;
    for (int i = 0; i < n && rc == 0; i++) rc = tg__write_elements(fn, fp, entries[i].tensor);
    return tg__out_close(fn, fp, rc);
}

int tg_save_safetensors(const tg_dict *d, const char *path)
{
    int n = tg_dict_len(d);
    if (n < 0) return -1;
    if (!path) return tg__faili(TG_E_NULL, "%s(): the path is NULL", __func__);
    entry *entries = sorted_entries(d, n);
    if (!entries) return -1;
    size_t header_len = 0;
    char *header = header_text(d, entries, n, &header_len);
    int rc = header ? write_file(path, header, header_len, entries, n) : -1;
    free(header);
    free(entries);
    return rc;
}

/* --------------------------------------------------------------- loading */

/* One tensor entry of a header, checked. */
typedef struct info {
    const char *name;
    tg_dtype dtype;
    int ndim;
    int64_t shape[TG_MAX_DIMS];
    uint64_t begin, end;
} info;

static const char *const FN = "tg_load_safetensors";

static int bad(const char *name, const char *what)
{
    return tg__faili(TG_E_INVALID, "%s(): tensor '%s': %s", FN, name, what);
}

static int read_dtype(info *t, const tg_json *v)
{
    if (!v || v->kind != TG_JSON_STRING) return bad(t->name, "\"dtype\" is missing or not a string");
    for (int i = 0; i < N_DTYPES; i++) {
        if (strcmp(v->string, DTYPES[i].name) != 0) continue;
        if (DTYPES[i].dtype < 0 || !tg__is_supported((tg_dtype)DTYPES[i].dtype))
            return tg__faili(TG_E_DTYPE, "%s(): tensor '%s': dtype %s is not supported by tensorgrad", FN, t->name,
                             v->string);
        t->dtype = (tg_dtype)DTYPES[i].dtype;
        return 0;
    }
    return tg__faili(TG_E_DTYPE, "%s(): tensor '%s': unknown dtype '%s'", FN, t->name, v->string);
}

/* The shape, and its byte count (checked for overflow) into *nbytes. */
static int read_shape(info *t, const tg_json *v, uint64_t *nbytes)
{
    if (!v || v->kind != TG_JSON_ARRAY) return bad(t->name, "\"shape\" is missing or not an array");
    if (v->len > TG_MAX_DIMS) return bad(t->name, "the shape has more than 16 dimensions");
    uint64_t numel = 1;
    bool overflow = false;
    for (size_t k = 0; k < v->len; k++) {
        if (!v->items[k].is_uint) return bad(t->name, "a size in \"shape\" is not a non-negative integer");
        uint64_t size = v->items[k].uint;
        if (size > INT64_MAX) overflow = true;
        else if (size && numel > INT64_MAX / size) overflow = true;
        else numel *= size;
        t->shape[k] = (int64_t)size;
    }
    t->ndim = (int)v->len;
    size_t elem = tg__dtype_size(t->dtype);
    if (overflow || numel > INT64_MAX / elem) return bad(t->name, "the shape's element count overflows");
    *nbytes = numel * elem;
    return 0;
}

static int read_offsets(info *t, const tg_json *v, uint64_t nbytes)
{
    if (!v || v->kind != TG_JSON_ARRAY || v->len != 2 || !v->items[0].is_uint || !v->items[1].is_uint)
        return bad(t->name, "\"data_offsets\" is missing or not two non-negative integers");
    t->begin = v->items[0].uint;
    t->end = v->items[1].uint;
    if (t->end < t->begin) return bad(t->name, "\"data_offsets\" ends before it begins");
    if (t->end - t->begin != nbytes) {
        char shape[128];
        return tg__faili(TG_E_INVALID,
                         "%s(): tensor '%s': \"data_offsets\" [%" PRIu64 ", %" PRIu64 "] hold %" PRIu64
                         " bytes but dtype %s and shape %s need %" PRIu64,
                         FN, t->name, t->begin, t->end, t->end - t->begin, DTYPES[rank_of(t->dtype)].name,
                         tg__shape_str(t->shape, t->ndim, shape, sizeof shape), nbytes);
    }
    return 0;
}

static int read_info(info *t, const char *name, const tg_json *v)
{
    t->name = name;
    if (v->kind != TG_JSON_OBJECT) return bad(name, "its entry is not an object");
    for (size_t i = 0; i < v->len; i++)
        if (strcmp(v->keys[i], "dtype") && strcmp(v->keys[i], "shape") && strcmp(v->keys[i], "data_offsets"))
            return tg__faili(TG_E_INVALID, "%s(): tensor '%s': unexpected key '%s'", FN, name, v->keys[i]);
    uint64_t nbytes = 0;
    if (read_dtype(t, tg__json_member(v, "dtype")) || read_shape(t, tg__json_member(v, "shape"), &nbytes)) return -1;
    return read_offsets(t, tg__json_member(v, "data_offsets"), nbytes);
}

static int read_metadata(tg_dict *d, const tg_json *v)
{
    if (v->kind != TG_JSON_OBJECT) return tg__faili(TG_E_INVALID, "%s(): \"__metadata__\" is not an object", FN);
    for (size_t i = 0; i < v->len; i++) {
        if (v->items[i].kind != TG_JSON_STRING)
            return tg__faili(TG_E_INVALID, "%s(): \"__metadata__\" value '%s' is not a string", FN, v->keys[i]);
        if (!*v->keys[i]) return tg__faili(TG_E_INVALID, "%s(): \"__metadata__\" has an empty key", FN);
        /* The JSON reader refused repeated keys: no search needed. */
        if (tg__dict_append_metadata(d, v->keys[i], v->items[i].string)) return -1;
    }
    return 0;
}

static int compare_offsets(const void *pa, const void *pb)
{
    const info *a = *(const info *const *)pa, *b = *(const info *const *)pb;
    if (a->begin != b->begin) return a->begin < b->begin ? -1 : 1;
    return a->end < b->end ? -1 : a->end > b->end;
}

/* The tensors, taken in offset order, must tile [0, data_size) exactly. */
static int check_tiling(info *infos, size_t n, uint64_t data_size)
{
    info **order = tg__malloc((n ? n : 1) * sizeof *order);
    if (!order) return -1;
    for (size_t i = 0; i < n; i++) order[i] = &infos[i];
    qsort(order, n, sizeof *order, compare_offsets);
    uint64_t at = 0;
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        const info *t = order[i];
        if (t->begin > data_size || t->end > data_size)
            rc = tg__faili(TG_E_INVALID, "%s(): tensor '%s': \"data_offsets\" [%" PRIu64 ", %" PRIu64
                           "] point past the end of the data (%" PRIu64 " bytes)", FN, t->name, t->begin, t->end, data_size);
        else if (t->begin != at)
            rc = tg__faili(TG_E_INVALID, "%s(): tensor '%s': \"data_offsets\" begin at %" PRIu64 " where the previous "
                           "tensor ends at %" PRIu64 " (%s)", FN, t->name, t->begin, at,
                           t->begin > at ? "a gap" : "overlapping");
        at = t->end;
    }
    if (!rc && at != data_size)
        rc = tg__faili(TG_E_INVALID, "%s(): the tensors end at byte %" PRIu64 " of a data section of %" PRIu64 " bytes",
                       FN, at, data_size);
    free(order);
    return rc;
}

/* Reads each checked tensor's bytes into a new tensor added to d. */
static int read_tensors(tg_dict *d, tg_in_file *f, const info *infos, size_t n, uint64_t data_start)
{
    int rc = tg_scope_begin() < 0 ? -1 : 0;
    if (rc) return -1;
    for (size_t i = 0; i < n && !rc; i++) {
        const info *t = &infos[i];
        tg_tensor *x = tg__new(t->dtype, t->shape, t->ndim);
        size_t count = x ? (size_t)tg_numel(x) : 0;
        rc = !x || tg__in_read(f, data_start + t->begin, tg__ptr(x), (size_t)(t->end - t->begin), t->name) ? -1 : 0;
        if (!rc && t->dtype == TG_BOOL) tg__normalize_bools(tg__ptr(x), count);
        if (!rc && !tg__host_is_little_endian()) tg__swap_bytes(tg__ptr(x), count, tg__dtype_size(t->dtype));
        if (!rc) rc = tg__dict_append(d, t->name, x);
    }
    tg_scope_end();
    return rc;
}

/* The header's entries into d (metadata) and infos (tensors, in the
   header's order); *n of them. */
static int read_header(tg_dict *d, const tg_json *root, info *infos, size_t *n)
{
    if (root->kind != TG_JSON_OBJECT) return tg__faili(TG_E_INVALID, "%s(): the header is not a JSON object", FN);
    *n = 0;
    for (size_t i = 0; i < root->len; i++) {
        if (strcmp(root->keys[i], "__metadata__") == 0) {
            if (read_metadata(d, &root->items[i])) return -1;
        } else if (!*root->keys[i]) {
            return tg__faili(TG_E_INVALID, "%s(): a tensor has an empty name", FN);
        } else if (read_info(&infos[(*n)++], root->keys[i], &root->items[i])) {
            return -1;
        }
    }
    return 0;
}

static int load(tg_dict *d, tg_in_file *f)
{
    unsigned char len_bytes[8];
    if (f->size < 8)
        return tg__faili(TG_E_INVALID, "%s(): the file is %" PRIu64 " bytes, too short for the 8-byte header length",
                         FN, f->size);
    if (tg__in_read(f, 0, len_bytes, 8, "the header length")) return -1;
    uint64_t header_len = 0;
    for (int k = 7; k >= 0; k--) header_len = header_len << 8 | len_bytes[k];
    if (header_len > MAX_HEADER_SIZE)
        return tg__faili(TG_E_INVALID, "%s(): the header length %" PRIu64 " is over the limit of %llu bytes", FN,
                         header_len, MAX_HEADER_SIZE);
    if (header_len > f->size - 8)
        return tg__faili(TG_E_INVALID, "%s(): the header length %" PRIu64 " runs past the end of the file (%" PRIu64
                         " bytes)", FN, header_len, f->size);
    char *text = tg__malloc(header_len ? header_len : 1);
    if (!text || tg__in_read(f, 8, text, header_len, "the header")) return free(text), -1;
    tg_json *root = tg__json_parse(FN, text, header_len);
    free(text);
    if (!root) return -1;
    info *infos = tg__calloc(root->len ? root->len : 1, sizeof *infos);
    size_t n = 0;
    int rc = !infos || read_header(d, root, infos, &n) || check_tiling(infos, n, f->size - 8 - header_len) ||
             read_tensors(d, f, infos, n, 8 + header_len) ? -1 : 0;
    free(infos);
    tg__json_free(root);
    return rc;
}

tg_dict *tg_load_safetensors(const char *path)
{
    tg_in_file f;
    if (tg__in_open(&f, FN, path)) return NULL;
    tg_dict *d = tg_dict_new();
    if (d && load(d, &f)) {
        tg_dict_free(d);
        d = NULL;
    }
    tg__in_close(&f);
    return d;
}
