/* A small strict JSON reader (RFC 8259) for file headers: the whole text
   must be one value with only whitespace around it, strings must be valid
   UTF-8 (no surrogates, no overlong forms, no NUL, since names become C
   strings), an object may not repeat a key, an array holds at most
   JSON_MAX_ARRAY items, and nesting stops at JSON_MAX_DEPTH so that a
   hostile header cannot exhaust the stack. Objects
   keep their members in the text's order. Every failure names the byte
   offset and what was expected. */
#include "io.h"

#include <stdlib.h>
#include <string.h>

/* Headers' arrays are shapes and offset pairs: capping their length keeps
   the tree of a hostile header ("[0,0,0,...]", 48 bytes a value for 2 of
   text) from growing 24 times the header's size; objects stay below 12. */
enum { JSON_MAX_DEPTH = 64, JSON_MAX_ARRAY = 64 };

typedef struct parser {
    const char *fn;       /* the public function, for messages */
    const unsigned char *text;
    size_t len, pos;
    int depth;
} parser;

static int fail_at(parser *p, const char *what)
{
    return tg__faili(TG_E_INVALID, "%s(): the header is not valid JSON: %s at byte %zu", p->fn, what, p->pos);
}

static void skip_space(parser *p)
{
    while (p->pos < p->len && (p->text[p->pos] == ' ' || p->text[p->pos] == '\t' ||
                               p->text[p->pos] == '\n' || p->text[p->pos] == '\r'))
        p->pos++;
}

static bool take(parser *p, char c)
{
    skip_space(p);
    if (p->pos < p->len && p->text[p->pos] == c) {
        p->pos++;
        return true;
    }
    return false;
}

static bool take_word(parser *p, const char *word)
{
    size_t n = strlen(word);
    if (p->len - p->pos < n || memcmp(p->text + p->pos, word, n) != 0) return false;
    p->pos += n;
    return true;
}

/* ------------------------------------------------------------ strings */

/* The length of the UTF-8 sequence starting at s (at most `left` bytes),
   or 0 when it is not a valid, shortest-form encoding of a scalar value. */
static size_t utf8_length(const unsigned char *s, size_t left)
{
    if (s[0] < 0x80) return 1;
    size_t n;
    uint32_t min, c;
    if ((s[0] & 0xE0) == 0xC0) n = 2, min = 0x80, c = s[0] & 0x1F;
    else if ((s[0] & 0xF0) == 0xE0) n = 3, min = 0x800, c = s[0] & 0x0F;
    else if ((s[0] & 0xF8) == 0xF0) n = 4, min = 0x10000, c = s[0] & 0x07;
    else return 0;
    if (left < n) return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        c = c << 6 | (s[i] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return 0;
    return n;
}

static size_t utf8_encode(uint32_t c, char *out)
{
    if (c < 0x80) return out[0] = (char)c, 1;
    if (c < 0x800) return out[0] = (char)(0xC0 | c >> 6), out[1] = (char)(0x80 | (c & 0x3F)), 2;
    if (c < 0x10000) {
        out[0] = (char)(0xE0 | c >> 12);
        out[1] = (char)(0x80 | (c >> 6 & 0x3F));
        out[2] = (char)(0x80 | (c & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | c >> 18);
    out[1] = (char)(0x80 | (c >> 12 & 0x3F));
    out[2] = (char)(0x80 | (c >> 6 & 0x3F));
    out[3] = (char)(0x80 | (c & 0x3F));
    return 4;
}

static int hex4(parser *p, uint32_t *out)
{
    if (p->len - p->pos < 4) return fail_at(p, "a truncated \\u escape");
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        unsigned char h = p->text[p->pos + i];
        int d = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10 : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
        if (d < 0) return fail_at(p, "a bad hex digit in a \\u escape");
        v = v << 4 | (uint32_t)d;
    }
    p->pos += 4;
    *out = v;
    return 0;
}

/* A \u escape (after the "\u"), surrogate pairs joined, into out. */
static int unicode_escape(parser *p, char *out, size_t *n)
{
    uint32_t c;
    if (hex4(p, &c)) return -1;
    if (c >= 0xDC00 && c <= 0xDFFF) return fail_at(p, "a lone low surrogate");
    if (c >= 0xD800 && c <= 0xDBFF) {
        uint32_t low;
        if (!take_word(p, "\\u")) return fail_at(p, "a high surrogate without its low half");
        if (hex4(p, &low)) return -1;
        if (low < 0xDC00 || low > 0xDFFF) return fail_at(p, "a high surrogate without its low half");
        c = 0x10000 + ((c - 0xD800) << 10) + (low - 0xDC00);
    }
    if (c == 0) return fail_at(p, "a NUL character in a string");
    *n += utf8_encode(c, out + *n);
    return 0;
}

static int escape(parser *p, char *out, size_t *n)
{
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    if (p->pos >= p->len) return fail_at(p, "an unterminated string");
    char e = (char)p->text[p->pos++];
    if (e == 'u') return unicode_escape(p, out, n);
    const char *at = strchr(from, e);
    if (!at || !e) return fail_at(p, "an unknown escape");
    out[(*n)++] = to[at - from];
    return 0;
}

/* A string (the opening quote next), decoded into a new NUL-terminated
   buffer: never longer than its text. */
static char *parse_string(parser *p)
{
    if (!take(p, '"')) return fail_at(p, "expected a string"), NULL;
    size_t end = p->pos;
    while (end < p->len && p->text[end] != '"') end += p->text[end] == '\\' ? 2 : 1;
    if (end >= p->len) return fail_at(p, "an unterminated string"), NULL;
    char *out = tg__malloc(end - p->pos + 1);
    if (!out) return NULL;
    size_t n = 0;
    while (p->text[p->pos] != '"') {
        const unsigned char *s = p->text + p->pos;
        if (*s == '\\') {
            p->pos++;
            if (escape(p, out, &n)) goto fail;
            continue;
        }
        if (*s < 0x20) {
            fail_at(p, *s ? "a control character in a string" : "a NUL character in a string");
            goto fail;
        }
        size_t k = utf8_length(s, end - p->pos);
        if (!k) {
            fail_at(p, "invalid UTF-8");
            goto fail;
        }
        memcpy(out + n, s, k);
        n += k;
        p->pos += k;
    }
    p->pos++;
    out[n] = 0;
    return out;
fail:
    free(out);
    return NULL;
}

/* ------------------------------------------------------------ values */

static int parse_value(parser *p, tg_json *v);

/* A number; v->is_uint when it is a non-negative integer below 2^64. */
static int parse_number(parser *p, tg_json *v)
{
    const unsigned char *t = p->text;
    bool negative = p->pos < p->len && t[p->pos] == '-';
    if (negative) p->pos++;
    if (p->pos >= p->len || t[p->pos] < '0' || t[p->pos] > '9') return fail_at(p, "expected a value");
    bool overflow = false;
    uint64_t u = 0;
    if (t[p->pos] == '0') p->pos++;
    else
        for (; p->pos < p->len && t[p->pos] >= '0' && t[p->pos] <= '9'; p->pos++) {
            unsigned d = t[p->pos] - '0';
            if (u > (UINT64_MAX - d) / 10) overflow = true;
            u = u * 10 + d;
        }
    bool integer = true;
    if (p->pos < p->len && t[p->pos] == '.') {
        integer = false;
        if (++p->pos >= p->len || t[p->pos] < '0' || t[p->pos] > '9') return fail_at(p, "a digit expected after '.'");
        while (p->pos < p->len && t[p->pos] >= '0' && t[p->pos] <= '9') p->pos++;
    }
    if (p->pos < p->len && (t[p->pos] == 'e' || t[p->pos] == 'E')) {
        integer = false;
        p->pos++;
        if (p->pos < p->len && (t[p->pos] == '+' || t[p->pos] == '-')) p->pos++;
        if (p->pos >= p->len || t[p->pos] < '0' || t[p->pos] > '9') return fail_at(p, "a digit expected in an exponent");
        while (p->pos < p->len && t[p->pos] >= '0' && t[p->pos] <= '9') p->pos++;
    }
    v->kind = TG_JSON_NUMBER;
    v->is_uint = integer && !overflow && (!negative || u == 0);
    v->uint = v->is_uint ? u : 0;
    return 0;
}

/* Appends one zeroed slot to v's items (and keys, for an object). */
static tg_json *grow(tg_json *v, size_t *cap)
{
    if (v->len == *cap) {
        size_t new_cap = *cap ? *cap * 2 : 4;
        tg_json *items = tg__realloc(v->items, new_cap * sizeof *items);
        if (!items) return NULL;
        v->items = items;
        if (v->kind == TG_JSON_OBJECT) {
            char **keys = tg__realloc(v->keys, new_cap * sizeof *keys);
            if (!keys) return NULL;
            v->keys = keys;
        }
        *cap = new_cap;
    }
    memset(&v->items[v->len], 0, sizeof *v->items);
    if (v->kind == TG_JSON_OBJECT) v->keys[v->len] = NULL;
    return &v->items[v->len++];
}

static int compare_keys(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Fails when obj repeats a key: sorting a copy of the keys keeps this
   O(n log n) for headers with many names. */
static int check_unique_keys(parser *p, const tg_json *obj)
{
    if (obj->len < 2) return 0;
    char **sorted = tg__malloc(obj->len * sizeof *sorted);
    if (!sorted) return -1;
    memcpy(sorted, obj->keys, obj->len * sizeof *sorted);
    qsort(sorted, obj->len, sizeof *sorted, compare_keys);
    int rc = 0;
    for (size_t i = 1; i < obj->len && !rc; i++)
        if (strcmp(sorted[i - 1], sorted[i]) == 0)
            rc = tg__faili(TG_E_INVALID, "%s(): the header names '%s' twice (in the object ending at byte %zu)", p->fn,
                           sorted[i], p->pos);
    free(sorted);
    return rc;
}

static int parse_members(parser *p, tg_json *v, bool object)
{
    size_t cap = 0;
    char close = object ? '}' : ']';
    if (take(p, close)) return 0;
    do {
        if (!object && v->len == JSON_MAX_ARRAY) return fail_at(p, "an array of more than 64 items");
        tg_json *item = grow(v, &cap);
        if (!item) return -1;
        if (object) {
            skip_space(p);
            char *key = parse_string(p);
            if (!key) return v->len--, -1;
            v->keys[v->len - 1] = key;
            if (!take(p, ':')) return fail_at(p, "expected ':'");
        }
        if (parse_value(p, item)) return -1;
    } while (take(p, ','));
    if (!take(p, close)) return fail_at(p, object ? "expected ',' or '}'" : "expected ',' or ']'");
    return object ? check_unique_keys(p, v) : 0;
}

static int parse_value(parser *p, tg_json *v)
{
    skip_space(p);
    if (p->pos >= p->len) return fail_at(p, "expected a value");
    switch (p->text[p->pos]) {
    case '{':
    case '[': {
        bool object = p->text[p->pos++] == '{';
        if (++p->depth > JSON_MAX_DEPTH) return fail_at(p, "nesting too deep");
        v->kind = object ? TG_JSON_OBJECT : TG_JSON_ARRAY;
        int rc = parse_members(p, v, object);
        p->depth--;
        return rc;
    }
    case '"':
        v->kind = TG_JSON_STRING;
        v->string = parse_string(p);
        return v->string ? 0 : -1;
    case 't':
    case 'f':
    case 'n':
        if (take_word(p, "true")) v->kind = TG_JSON_BOOL, v->boolean = true;
        else if (take_word(p, "false")) v->kind = TG_JSON_BOOL;
        else if (take_word(p, "null")) v->kind = TG_JSON_NULL;
        else return fail_at(p, "expected a value");
        return 0;
    default:
        return parse_number(p, v);
    }
}

static void clear(tg_json *v)
{
    for (size_t i = 0; i < v->len; i++) {
        clear(&v->items[i]);
        if (v->kind == TG_JSON_OBJECT) free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
    free(v->string);
}

tg_json *tg__json_parse(const char *fn, const char *text, size_t len)
{
    tg_json *root = tg__calloc(1, sizeof *root);
    if (!root) return NULL;
    parser p = {fn, (const unsigned char *)text, len, 0, 0};
    if (parse_value(&p, root) == 0) {
        skip_space(&p);
        if (p.pos == p.len) return root;
        fail_at(&p, "text after the value");
    }
    tg__json_free(root);
    return NULL;
}

void tg__json_free(tg_json *v)
{
    if (!v) return;
    clear(v);
    free(v);
}

bool tg__utf8_valid(const char *s)
{
    const unsigned char *c = (const unsigned char *)s;
    for (size_t left = strlen(s), k; left; c += k, left -= k)
        if (!(k = utf8_length(c, left))) return false;
    return true;
}

const tg_json *tg__json_member(const tg_json *obj, const char *key)
{
    for (size_t i = 0; i < obj->len; i++)
        if (strcmp(obj->keys[i], key) == 0) return &obj->items[i];
    return NULL;
}
