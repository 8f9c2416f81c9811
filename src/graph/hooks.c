/* Gradient hooks: registration, removal by handle, and the calls a
   backward makes (Note [Hooks] in graph.h). retain_grad's weak link from a
   node to the non-leaf tensor it made lives here too.

   Note [The hooks lock]: one process-wide lock guards every list, the
   table of handles and the retained links. Nothing else is taken under
   it, and no hook is called under it: a backward copies the hooks it is
   about to call, with a reference each, and calls them after unlocking,
   so a hook may register or remove hooks, and a hook removed by another
   thread meanwhile is freed (its ctx_free called) after its last call. */
#include "graph.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct tg_hook tg_hook;
struct tg_hook {
    atomic_int refs;              /* the list's, and each running backward's */
    tg_hook_handle id;
    tg_hook_kind kind;
    union {
        tg_tensor_hook_fn tensor;
        tg_node_prehook_fn pre;
        tg_node_hook_fn post;
        tg_post_accumulate_grad_hook_fn accumulated;
    } fn;
    void *ctx;
    void (*ctx_free)(void *);
    tg_hook *next;                /* in registration order */
    tg_hook_list *list;           /* NULL once taken off */
};

struct tg_hook_list {
    tg_hook *first;
    tg_tensor *retained;          /* weak: the non-leaf whose .grad a node's gradient goes to */
    const tg_autograd *retained_data;
};

static pthread_mutex_t hooks_lock = PTHREAD_MUTEX_INITIALIZER;

/* Every registered hook by handle, ascending (handles only grow). */
static tg_hook **table;
static size_t n_table, cap_table;
static tg_hook_handle last_handle;

static void hook_unref(tg_hook *h)
{
    if (atomic_fetch_sub(&h->refs, 1) != 1) return;
    if (h->ctx_free) h->ctx_free(h->ctx);
    free(h);
}

/* The table slot of handle, or where it would go; under the lock. */
static size_t table_find(tg_hook_handle handle)
{
    size_t lo = 0, hi = n_table;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (table[mid]->id < handle) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

/* Takes h off its list and out of the table; under the lock. The list's
   reference is the caller's to drop. */
static void unlink_hook(tg_hook *h)
{
    tg_hook **p = &h->list->first;
    while (*p != h) p = &(*p)->next;
    *p = h->next;
    h->list = NULL;
    size_t at = table_find(h->id);
    if (--n_table == 0) {   /* no hook left: nothing of the table outlives its hooks */
        free(table);
        table = NULL;
        cap_table = 0;
    } else if (at < n_table) {
        memmove(&table[at], &table[at + 1], (n_table - at) * sizeof *table);
    }
}

/* The owner's list, made on first use; under the lock. */
static tg_hook_list *list_of(_Atomic(tg_hook_list *) *owner)
{
    tg_hook_list *list = atomic_load(owner);
    if (!list && (list = tg__calloc(1, sizeof *list))) atomic_store(owner, list);
    return list;
}

static tg_hook_handle add_hook(_Atomic(tg_hook_list *) *owner, tg_hook *h)
{
    pthread_mutex_lock(&hooks_lock);
    tg_hook_list *list = list_of(owner);
    if (list && n_table == cap_table) {
        size_t cap = cap_table ? cap_table * 2 : 64;
        tg_hook **grown = tg__realloc(table, cap * sizeof *grown);
        if (grown) {
            table = grown;
            cap_table = cap;
        } else {
            list = NULL;
        }
    }
    if (!list) {
        pthread_mutex_unlock(&hooks_lock);
        free(h);
        return -1;
    }
    h->id = ++last_handle;
    h->list = list;
    tg_hook **p = &list->first;
    while (*p) p = &(*p)->next;
    *p = h;
    table[n_table++] = h;
    pthread_mutex_unlock(&hooks_lock);
    return h->id;
}

static tg_hook *hook_new(tg_hook_kind kind, void *ctx, void (*ctx_free)(void *))
{
    tg_hook *h = tg__calloc(1, sizeof *h);
    if (!h) return NULL;
    atomic_init(&h->refs, 1);
    h->kind = kind;
    h->ctx = ctx;
    h->ctx_free = ctx_free;
    return h;
}

/* A registration that fails frees nothing of the caller's: ctx stays theirs. */
tg_hook_handle tg_register_hook(tg_tensor *t, tg_tensor_hook_fn fn, void *ctx, void (*ctx_free)(void *))
{
    TG_ARGI(t);
    if (!fn) return tg__faili(TG_E_NULL, "tg_register_hook(): fn is NULL");
    tg_node *grad_fn = tg__view_grad_fn(t);
    if (!grad_fn && !tg__requires_grad(t))
        return tg__faili(TG_E_AUTOGRAD, "cannot register a hook on a tensor that doesn't require gradient");
    tg_hook *h = hook_new(TG_HOOK_TENSOR, ctx, ctx_free);
    if (!h) return -1;
    h->fn.tensor = fn;
    return add_hook(grad_fn ? &grad_fn->hooks : &t->autograd->hooks, h);
}

tg_hook_handle tg_node_register_prehook(const tg_node *node, tg_node_prehook_fn fn, void *ctx,
                                        void (*ctx_free)(void *))
{
    if (!node || !fn) return tg__faili(TG_E_NULL, "tg_node_register_prehook(): node or fn is NULL");
    tg_hook *h = hook_new(TG_HOOK_PRE, ctx, ctx_free);
    if (!h) return -1;
    h->fn.pre = fn;
    return add_hook(&((tg_node *)node)->hooks, h);
}

tg_hook_handle tg_node_register_hook(const tg_node *node, tg_node_hook_fn fn, void *ctx, void (*ctx_free)(void *))
{
    if (!node || !fn) return tg__faili(TG_E_NULL, "tg_node_register_hook(): node or fn is NULL");
    tg_hook *h = hook_new(TG_HOOK_POST, ctx, ctx_free);
    if (!h) return -1;
    h->fn.post = fn;
    return add_hook(&((tg_node *)node)->hooks, h);
}

tg_hook_handle tg_register_post_accumulate_grad_hook(tg_tensor *t, tg_post_accumulate_grad_hook_fn fn, void *ctx,
                                                     void (*ctx_free)(void *))
{
    TG_ARGI(t);
    if (!fn) return tg__faili(TG_E_NULL, "tg_register_post_accumulate_grad_hook(): fn is NULL");
    if (tg__view_grad_fn(t))
        return tg__faili(TG_E_AUTOGRAD, "post accumulate grad hooks cannot be registered on non-leaf tensors");
    if (!tg__requires_grad(t))
        return tg__faili(TG_E_AUTOGRAD, "cannot register a hook on a tensor that doesn't require gradient");
    tg_hook *h = hook_new(TG_HOOK_POST_ACCUMULATE, ctx, ctx_free);
    if (!h) return -1;
    h->fn.accumulated = fn;
    return add_hook(&t->autograd->hooks, h);
}

void tg_hook_remove(tg_hook_handle handle)
{
    tg_hook *h = NULL;
    pthread_mutex_lock(&hooks_lock);
    size_t at = table_find(handle);
    if (at < n_table && table[at]->id == handle) {
        h = table[at];
        unlink_hook(h);
    }
    pthread_mutex_unlock(&hooks_lock);
    if (h) hook_unref(h);
}

void tg__hooks_free(tg_hook_list *list)
{
    if (!list) return;
    pthread_mutex_lock(&hooks_lock);
    tg_hook *h = list->first;
    while (list->first) unlink_hook(list->first);
    pthread_mutex_unlock(&hooks_lock);
    /* unlink_hook left each hook's next as it was */
    while (h) {
        tg_hook *next = h->next;
        hook_unref(h);
        h = next;
    }
    free(list);
}

/* The owner's hooks of kind, referenced, in *out (free it with
   release_hooks). 0 (n 0 and nothing allocated when there are none), or
   -1 when out of memory. */
static int take_hooks(_Atomic(tg_hook_list *) *owner, tg_hook_kind kind, tg_hook ***out, int *n)
{
    *out = NULL;
    *n = 0;
    if (!atomic_load(owner)) return 0;
    pthread_mutex_lock(&hooks_lock);
    int count = 0;
    for (const tg_hook *h = atomic_load(owner)->first; h; h = h->next) count += h->kind == kind;
    tg_hook **hooks = count ? tg__malloc((size_t)count * sizeof *hooks) : NULL;
    if (hooks) {
        for (tg_hook *h = atomic_load(owner)->first; h; h = h->next) {
            if (h->kind != kind) continue;
            atomic_fetch_add(&h->refs, 1);
            hooks[(*n)++] = h;
        }
    }
    pthread_mutex_unlock(&hooks_lock);
    *out = hooks;
    return count && !hooks ? -1 : 0;
}

static void release_hooks(tg_hook **hooks, int n)
{
    for (int i = 0; i < n; i++) hook_unref(hooks[i]);
    free(hooks);
}

/* A hook's -1: the error its failing call set, or one of our own. */
static int hook_failed(void)
{
    if (tg_last_status() == TG_OK) tg__faili(TG_E_AUTOGRAD, "a hook returned an error");
    return -1;
}

/* PyTorch's check of what a hook returned (its words, without the Python
   function's name: a C hook has none). */
static int check_replacement(const tg_tensor *was, const tg_tensor *now)
{
    if (tg__bad_arg("tg_backward", now)) return -1;
    if (!tg__same_shape(was->shape, was->ndim, now->shape, now->ndim))
        return tg__faili(TG_E_SHAPE, "hook has changed the size of value");
    if (was->dtype != now->dtype)
        return tg__faili(TG_E_DTYPE, "hook has changed the type of value (was %s got %s)",
                         tg__legacy_type(was->dtype), tg__legacy_type(now->dtype));
    return 0;
}

int tg__run_grad_hooks(_Atomic(tg_hook_list *) *owner, const tg_node *node, tg_hook_kind kind, tg_tensor **g)
{
    if (!atomic_load(owner)) return 0;   /* nearly every node and tensor: no hooks to take or free */
    tg_hook **hooks;
    int n;
    if (take_hooks(owner, kind, &hooks, &n)) return -1;
    int rc = 0;
    for (int i = 0; i < n && rc == 0; i++) {
        tg_tensor *replacement = NULL;
        tg_clear_error();
        if (kind == TG_HOOK_TENSOR) {
            rc = hooks[i]->fn.tensor(*g, &replacement, hooks[i]->ctx) ? hook_failed() : 0;
        } else {   /* a node's pre-hook: our nodes have one output */
            replacement = *g;
            rc = hooks[i]->fn.pre(node, &replacement, 1, hooks[i]->ctx) ? hook_failed() : 0;
        }
        if (rc == 0 && replacement && replacement != *g) {
            rc = check_replacement(*g, replacement);
            if (rc == 0) *g = replacement;
        }
    }
    release_hooks(hooks, n);
    return rc;
}

int tg__run_node_hooks(const tg_node *n, tg_tensor **grad_inputs, tg_tensor *const *grad_outputs)
{
    tg_hook **hooks;
    int count;
    if (take_hooks(&((tg_node *)n)->hooks, TG_HOOK_POST, &hooks, &count)) return -1;
    int rc = 0;
    for (int i = 0; i < count && rc == 0; i++) {
        tg_clear_error();
        if (hooks[i]->fn.post(n, grad_inputs, n->n_next, grad_outputs, 1, hooks[i]->ctx)) rc = hook_failed();
    }
    release_hooks(hooks, count);
    return rc;
}

int tg__run_post_accumulate_hooks(tg_tensor *leaf)
{
    tg_hook **hooks;
    int n;
    if (take_hooks(&leaf->autograd->hooks, TG_HOOK_POST_ACCUMULATE, &hooks, &n)) return -1;
    int rc = 0;
    for (int i = 0; i < n && rc == 0; i++) {
        tg_clear_error();
        if (hooks[i]->fn.accumulated(leaf, hooks[i]->ctx)) rc = hook_failed();
    }
    release_hooks(hooks, n);
    return rc;
}

/* ---------------------------------------------------------- retain_grad */

tg_tensor *tg__retained_by(const tg_node *n)
{
    tg_hook_list *list = atomic_load(&((tg_node *)n)->hooks);
    if (!list) return NULL;
    pthread_mutex_lock(&hooks_lock);
    tg_tensor *t = list->retained;
    /* a tensor being freed has no references left: leave it be */
    int refs = t ? atomic_load(&t->refs) : 0;
    while (refs > 0 && !atomic_compare_exchange_weak(&t->refs, &refs, refs + 1)) {}
    pthread_mutex_unlock(&hooks_lock);
    return refs > 0 ? t : NULL;
}

int tg__retain_set(tg_node *n, tg_tensor *t)
{
    pthread_mutex_lock(&hooks_lock);
    tg_hook_list *list = t || atomic_load(&n->hooks) ? list_of(&n->hooks) : NULL;
    if (list) {
        list->retained = t;
        list->retained_data = t ? t->autograd : NULL;
    }
    pthread_mutex_unlock(&hooks_lock);
    return t && !list ? -1 : 0;
}

void tg__retain_forget(tg_node *n, const tg_autograd *a)
{
    tg_hook_list *list = atomic_load(&n->hooks);
    if (!list) return;
    pthread_mutex_lock(&hooks_lock);
    if (list->retained_data == a) {
        list->retained = NULL;
        list->retained_data = NULL;
    }
    pthread_mutex_unlock(&hooks_lock);
}

tg_tensor *tg_retain_grad(tg_tensor *t)
{
    TG_ARG(t);
    tg_node *grad_fn = tg__view_grad_fn(t);
    if (!grad_fn && !tg__requires_grad(t))
        return tg__fail(TG_E_AUTOGRAD, "can't retain_grad on Tensor that has requires_grad=False");
    if (!grad_fn) return t;   /* a leaf keeps its .grad anyway */
    if (tg__retain_set(grad_fn, t)) return NULL;
    t->autograd->retains_grad = true;
    return t;
}

bool tg_retains_grad(const tg_tensor *t)
{
    return !tg__bad_arg(__func__, t) && t->autograd && t->autograd->retains_grad && tg__view_grad_fn(t);
}
