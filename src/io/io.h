/* The io layer: printing, the name -> tensor dictionary and its files. What
   the layers above it (nn, optim) read of a dict without taking references,
   and the JSON reader the safetensors loader parses headers with. */
#ifndef TG_IO_H
#define TG_IO_H

#include "../core/core.h"

#include <stdio.h>

/* The i-th stored tensor (0 <= i < tg_dict_len(d)), borrowed: valid until
   that name is replaced or the dict freed. */
tg_tensor *tg__dict_tensor(const tg_dict *d, int i);

/* The index of name in d, or -1. */
int tg__dict_find(const tg_dict *d, const char *name);

/* The number of metadata entries of d, and the i-th key and value
   (borrowed, as tg_dict_metadata's). */
int tg__dict_metadata_len(const tg_dict *d);
void tg__dict_metadata_at(const tg_dict *d, int i, const char **key, const char **value);

/* Adds name -> t (a reference of the dict's own) at the end, for a caller
   that knows name is not in d yet (a loader whose names were checked
   distinct): no linear search, so that loading n names is not O(n^2).
   0, or -1 with an error, d unchanged. */
int tg__dict_append(tg_dict *d, const char *name, tg_tensor *t);
/* The same for a metadata key known not to be in d. */
int tg__dict_append_metadata(tg_dict *d, const char *key, const char *value);

/* ---------------------------------------------------------------- files */

/* An input file (file.c), read by byte range: memory-mapped when possible,
   else read with pread. fn names the public function in messages. */
typedef struct tg_in_file {
    const char *fn;
    int fd;
    uint64_t size;
    const unsigned char *map;   /* NULL: not mapped */
} tg_in_file;

/* Opens path (a regular file); 0, or -1 with an error naming fn. */
int tg__in_open(tg_in_file *f, const char *fn, const char *path);
void tg__in_close(tg_in_file *f);
/* Copies bytes [offset, offset + n) into buf; -1 with a "truncated" error
   naming `what` when the file does not hold them all (checked before any
   read). */
int tg__in_read(tg_in_file *f, uint64_t offset, void *buf, size_t n, const char *what);

bool tg__host_is_little_endian(void);
/* Reverses the bytes of each of count elements of size bytes. */
void tg__swap_bytes(void *data, size_t count, size_t size);
/* Makes every byte 0 or 1 (a file's nonzero bool byte is true). */
void tg__normalize_bools(void *data, size_t count);

/* fopen(path, "wb"), or NULL with an error naming fn. */
FILE *tg__out_open(const char *fn, const char *path);
/* Closes fp; returns rc, or -1 with an error when rc was 0 and closing failed. */
int tg__out_close(const char *fn, FILE *fp, int rc);
/* Writes n bytes, or fails (-1) with an error. */
int tg__write(const char *fn, FILE *fp, const void *data, size_t n);
/* Writes t's elements in row-major order as little-endian bytes, whatever
   its strides. */
int tg__write_elements(const char *fn, FILE *fp, const tg_tensor *t);

/* ---------------------------------------------------------------- JSON */

/* A parsed JSON value (json.c). Objects keep their members in the text's
   order, in keys[i] -> items[i]. */
typedef enum tg_json_kind {
    TG_JSON_NULL, TG_JSON_BOOL, TG_JSON_NUMBER, TG_JSON_STRING, TG_JSON_ARRAY, TG_JSON_OBJECT
} tg_json_kind;

typedef struct tg_json {
    tg_json_kind kind;
    bool boolean;
    bool is_uint;            /* a number that is a non-negative integer below 2^64 */
    uint64_t uint;           /* its value */
    char *string;            /* a string, decoded, NUL-terminated */
    size_t len;              /* an array's items, an object's members */
    char **keys;             /* an object's keys */
    struct tg_json *items;
} tg_json;

/* Parses text[0, len) as one strict JSON value: valid UTF-8, no NUL in
   strings, no repeated key in an object, at most 64 items in an array,
   nesting at most 64 deep (so the tree takes at most about 12 bytes a byte
   of text). NULL
   with a TG_E_INVALID error "<fn>(): the header is not valid JSON: ..."
   (or a repeated name, or TG_E_OOM). */
tg_json *tg__json_parse(const char *fn, const char *text, size_t len);
void tg__json_free(tg_json *v);
/* Whether the NUL-terminated s is valid, shortest-form UTF-8. */
bool tg__utf8_valid(const char *s);
/* The member of obj named key, or NULL. */
const tg_json *tg__json_member(const tg_json *obj, const char *key);

#endif
