/* tg_dict: an ordered name -> tensor dictionary (a state_dict, a
   safetensors file's tensors) with string metadata (safetensors'
   __metadata__). Both tables keep their entries in insertion order and are
   searched linearly: state dicts hold hundreds of names, not millions. */
#include "io.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

typedef struct dict_tensor {
    char *name;
    tg_tensor *tensor;   /* one reference, the dict's */
} dict_tensor;

typedef struct dict_string {
    char *key, *value;
} dict_string;

struct tg_dict {
    dict_tensor *tensors;
    int len, cap;
    dict_string *metadata;
    int meta_len, meta_cap;
};

static char *copy_string(const char *s)
{
    size_t n = strlen(s) + 1;
    char *copy = tg__malloc(n);
    if (copy) memcpy(copy, s, n);
    return copy;
}

/* items (len of *cap elements of `size` bytes) with room for one more:
   items itself, or a grown copy, or NULL with an error (items unchanged). */
static void *reserve(void *items, int len, int *cap, size_t size)
{
    if (len < *cap) return items;
    if (len == INT_MAX) return tg__fail(TG_E_OOM, "tg_dict: too many entries");
    int new_cap = *cap ? (*cap > INT_MAX / 2 ? INT_MAX : *cap * 2) : 8;
    void *grown = tg__realloc(items, (size_t)new_cap * size);
    if (grown) *cap = new_cap;
    return grown;
}

/* A dict argument and a name argument: 0, or -1 with an error naming fn. */
static int check_dict(const char *fn, const tg_dict *d)
{
    return d ? 0 : tg__faili(TG_E_NULL, "%s(): the dict is NULL", fn);
}

static int check_name(const char *fn, const char *what, const char *name)
{
    if (!name) return tg__faili(TG_E_NULL, "%s(): the %s is NULL", fn, what);
    if (!*name) return tg__faili(TG_E_INVALID, "%s(): the %s is empty", fn, what);
    return 0;
}

int tg__dict_find(const tg_dict *d, const char *name)
{
    for (int i = 0; i < d->len; i++)
        if (strcmp(d->tensors[i].name, name) == 0) return i;
    return -1;
}

static int find_metadata(const tg_dict *d, const char *key)
{
    for (int i = 0; i < d->meta_len; i++)
        if (strcmp(d->metadata[i].key, key) == 0) return i;
    return -1;
}

tg_dict *tg_dict_new(void) { return tg__calloc(1, sizeof(tg_dict)); }

int tg_dict_set(tg_dict *d, const char *name, tg_tensor *t)
{
    if (check_dict(__func__, d) || check_name(__func__, "name", name)) return -1;
    TG_ARGI(t);
    int i = tg__dict_find(d, name);
    if (i >= 0) {
        tg__ref(t);   /* before the old one goes: t may be the stored tensor */
        tg__unref(d->tensors[i].tensor);
        d->tensors[i].tensor = t;
        return 0;
    }
    return tg__dict_append(d, name, t);
}

int tg__dict_append(tg_dict *d, const char *name, tg_tensor *t)
{
    char *copy = copy_string(name);
    dict_tensor *tensors = copy ? reserve(d->tensors, d->len, &d->cap, sizeof *tensors) : NULL;
    if (!tensors) {
        free(copy);
        return -1;
    }
    d->tensors = tensors;
    tg__ref(t);
    d->tensors[d->len++] = (dict_tensor){copy, t};
    return 0;
}

tg_tensor *tg_dict_get(const tg_dict *d, const char *name)
{
    if (check_dict(__func__, d) || check_name(__func__, "name", name)) return NULL;
    int i = tg__dict_find(d, name);
    if (i < 0) return tg__fail(TG_E_INDEX, "tg_dict_get(): no tensor named '%s'", name);
    return tg__share(d->tensors[i].tensor);
}

tg_tensor *tg__dict_tensor(const tg_dict *d, int i) { return d->tensors[i].tensor; }

int tg_dict_len(const tg_dict *d) { return check_dict(__func__, d) ? -1 : d->len; }

const char *tg_dict_key(const tg_dict *d, int i)
{
    if (check_dict(__func__, d)) return NULL;
    if (i < 0 || i >= d->len)
        return tg__fail(TG_E_INDEX, "tg_dict_key(): index %d is out of range for a dict of %d tensors", i, d->len);
    return d->tensors[i].name;
}

void tg_dict_free(tg_dict *d)
{
    if (!d) return;
    for (int i = 0; i < d->len; i++) {
        free(d->tensors[i].name);
        tg__unref(d->tensors[i].tensor);
    }
    for (int i = 0; i < d->meta_len; i++) {
        free(d->metadata[i].key);
        free(d->metadata[i].value);
    }
    free(d->tensors);
    free(d->metadata);
    free(d);
}

/* Adds key -> value_copy (taken, freed on failure) at the end. */
static int append_metadata(tg_dict *d, const char *key, char *value_copy)
{
    char *key_copy = copy_string(key);
    dict_string *metadata = key_copy ? reserve(d->metadata, d->meta_len, &d->meta_cap, sizeof *metadata) : NULL;
    if (!metadata) {
        free(key_copy);
        free(value_copy);
        return -1;
    }
    d->metadata = metadata;
    d->metadata[d->meta_len++] = (dict_string){key_copy, value_copy};
    return 0;
}

int tg_dict_set_metadata(tg_dict *d, const char *key, const char *value)
{
    if (check_dict(__func__, d) || check_name(__func__, "key", key)) return -1;
    if (!value) return tg__faili(TG_E_NULL, "%s(): the value is NULL", __func__);
    char *value_copy = copy_string(value);
    if (!value_copy) return -1;
    int i = find_metadata(d, key);
    if (i >= 0) {
        free(d->metadata[i].value);
        d->metadata[i].value = value_copy;
        return 0;
    }
    return append_metadata(d, key, value_copy);
}

int tg__dict_append_metadata(tg_dict *d, const char *key, const char *value)
{
    char *value_copy = copy_string(value);
    return value_copy ? append_metadata(d, key, value_copy) : -1;
}

const char *tg_dict_metadata(const tg_dict *d, const char *key)
{
    if (check_dict(__func__, d) || check_name(__func__, "key", key)) return NULL;
    int i = find_metadata(d, key);
    return i < 0 ? NULL : d->metadata[i].value;
}

int tg__dict_metadata_len(const tg_dict *d) { return d->meta_len; }

void tg__dict_metadata_at(const tg_dict *d, int i, const char **key, const char **value)
{
    *key = d->metadata[i].key;
    *value = d->metadata[i].value;
}
