/* Distributed data parallel: buckets of gradients all-reduced while the
   backward runs, through the parameters' gradient hooks.

   Note [An iteration of DDP]: each parameter has two hooks. Its tensor hook
   runs when the backward has its gradient complete, before it is stored:
   it writes the gradient .grad will hold (the one already there plus the
   new one), divided by the world size, into its bucket, and the bucket's
   last one starts the bucket's all-reduce (a sum: the mean's division is
   folded into that copy, as PyTorch's reducer folds it), so it runs while
   the backward goes on. Its post-accumulate-grad hook runs after the
   backward stored every .grad: the first of them finishes the iteration
   (unused parameters, waiting for every bucket, copying the means into the
   .grads) and the last resets the iteration's state.

   Note [Gradients as bucket views]: with gradient_as_bucket_view each
   .grad is, after an iteration, the view of its bucket that holds it
   (d->views), so no mean is copied out. The backward accumulates a
   gradient into an existing .grad in place, after the hooks: into the
   bucket, while its all-reduce runs, and once too many. So the tensor
   hook, finding .grad to be the view, adds the new gradient into it
   itself and takes .grad off (lent): the backward then stores its
   gradient as a new .grad (taking the tensor, no copy), which
   finish_iteration replaces by the view again. A backward that fails
   after some hooks ran gives those parameters their view back, holding
   the partial sums of the failed iteration. */
#include "dist.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct ddp_bucket {
    tg_tensor *flat;       /* retained: the members' gradients one after another */
    tg_dtype dtype;
    int *members;          /* parameter indices, in bucket order */
    int n_members, pending;
    int64_t numel;
    tg_dist_work *work;    /* the all-reduce in flight, or NULL */
    tg_ddp_bucket_trace trace;
} ddp_bucket;

typedef struct ddp_slot {
    tg_ddp *ddp;
    int index;
} ddp_slot;

struct tg_ddp {
    tg_module *module;
    tg_ddp_opts opts;
    int n;
    tg_tensor **params;        /* retained */
    ddp_slot *slots;
    tg_hook_handle *hooks;     /* two per parameter */
    tg_hook_handle *polling;   /* this iteration's on the graph's nodes (Note [Progress during backward]) */
    int n_polling;
    ddp_bucket *buckets;
    int n_buckets;
    tg_tensor **views;         /* retained, by parameter: the part of its bucket holding its gradient */
    bool *lent;                /* .grad taken off its view for this backward (Note [Gradients as bucket views]) */
    int *bucket_of;            /* by parameter */
    int64_t *offset;           /* into its bucket, in elements */
    bool *ready;               /* this iteration */
    int *ready_order, n_ready; /* the first iteration's order, for the rebuild */
    bool rebuilt, first_done, require_sync, finishing, unfinished;
    int stored_left;           /* post-accumulate hooks still to run this iteration */
    int retained;              /* parameters retained so far */
    char missing[512];         /* an unfinished iteration's parameters without a gradient */
    double backward_end;
};

static const char *const FN_NEW = "tg_ddp_new";

/* ------------------------------------------------------------- buckets */

static void free_buckets(tg_ddp *d)
{
    for (int b = 0; b < d->n_buckets; b++) {
        if (d->buckets[b].flat) tg_release(d->buckets[b].flat);
        free(d->buckets[b].members);
    }
    free(d->buckets);
    d->buckets = NULL;
    d->n_buckets = 0;
    for (int i = 0; d->views && i < d->n; i++)
        if (d->views[i]) tg_release(d->views[i]);
    free(d->views);
    d->views = NULL;
}

/* The views of the buckets' flat buffers holding each parameter's gradient. */
static int make_views(tg_ddp *d)
{
    d->views = calloc((size_t)d->n, sizeof *d->views);
    if (!d->views) return tg_set_error(TG_E_OOM, "%s(): out of memory", FN_NEW);
    int rc = 0;
    for (int i = 0; i < d->n && rc == 0; i++) {
        const ddp_bucket *bk = &d->buckets[d->bucket_of[i]];
        tg_tensor *p = d->params[i];
        tg_scope_begin();
        d->views[i] = tg_view(tg_narrow(bk->flat, 0, d->offset[i], tg_numel(p)), tg_shape(p), tg_ndim(p));
        if (d->views[i]) tg_retain(d->views[i]);
        else rc = -1;
        tg_scope_end();
    }
    return rc;
}

/* Buckets over the parameters in `order`: one open bucket per dtype, closed
   once it holds its limit's bytes (the first bucket closed first_mb, the
   later ones cap_mb), as PyTorch's compute_bucket_assignment_by_size. */
static int build_buckets(tg_ddp *d, const int *order)
{
    double first = d->opts.first_bucket_mb > 0 ? d->opts.first_bucket_mb : 1;
    double cap = d->opts.bucket_cap_mb > 0 ? d->opts.bucket_cap_mb : 25;
    ddp_bucket *buckets = calloc((size_t)d->n, sizeof *buckets);
    if (!buckets) return tg_set_error(TG_E_OOM, "%s(): out of memory", FN_NEW);
    int open[TG_DIST_NUM_DTYPES], n_buckets = 0, closed = 0;
    for (int k = 0; k < TG_DIST_NUM_DTYPES; k++) open[k] = -1;
    for (int k = 0; k < d->n; k++) {
        int i = order[k];
        tg_dtype dt = tg_dtype_of(d->params[i]);
        int b = open[dt];
        if (b < 0) b = open[dt] = n_buckets++, buckets[b].dtype = dt;
        d->bucket_of[i] = b;
        d->offset[i] = buckets[b].numel;
        buckets[b].numel += tg_numel(d->params[i]);
        buckets[b].n_members++;
        double bytes = (double)buckets[b].numel * (double)tg_element_size(d->params[i]);
        if (bytes >= (closed ? cap : first) * 1024 * 1024) open[dt] = -1, closed++;
    }
    int rc = 0;
    for (int b = 0; b < n_buckets && rc == 0; b++) {
        buckets[b].members = malloc((size_t)buckets[b].n_members * sizeof(int));
        tg_scope_begin();
        buckets[b].flat = tg_zeros((const int64_t[]){buckets[b].numel}, 1, buckets[b].dtype);
        if (buckets[b].flat) tg_retain(buckets[b].flat);
        tg_scope_end();
        if (!buckets[b].members || !buckets[b].flat) rc = tg_set_error(TG_E_OOM, "%s(): out of memory", FN_NEW);
        buckets[b].n_members = 0;
    }
    for (int k = 0; k < d->n && rc == 0; k++) {
        ddp_bucket *bk = &buckets[d->bucket_of[order[k]]];
        bk->members[bk->n_members++] = order[k];
    }
    free_buckets(d);
    d->buckets = buckets;
    d->n_buckets = n_buckets;
    if (rc == 0) rc = make_views(d);
    if (rc) free_buckets(d);
    return rc;
}

/* gradient_as_bucket_view: every .grad there is becomes its bucket view,
   keeping its values (at the start, and after the buckets are rebuilt). */
static int adopt_grads(tg_ddp *d)
{
    int rc = 0;
    tg_scope_begin();
    for (int i = 0; i < d->n && rc == 0; i++) {
        tg_tensor *g = tg_grad(d->params[i]);
        if (!g || g == d->views[i]) continue;
        TG_NO_GRAD { rc = tg_copy_(d->views[i], g) ? 0 : -1; }
        if (rc == 0) rc = tg_set_grad(d->params[i], d->views[i]);
    }
    tg_scope_end();
    return rc;
}

/* The buckets again in the order the first iteration's gradients became
   ready, rank 0's order on every rank (as PyTorch syncs bucket indices), so
   that the buckets, built without the ranks checking each other, match. */
static int rebuild_buckets(tg_ddp *d)
{
    tg_scope_begin();
    tg_tensor *order = tg_empty((const int64_t[]){d->n}, 1, TG_I64);
    int rc = order ? 0 : -1;
    int64_t *o = order ? tg_data_ptr(order) : NULL;
    for (int i = 0; rc == 0 && i < d->n; i++) o[i] = d->ready_order[i];
    if (rc == 0) rc = tg_dist_broadcast(order, 0);
    for (int i = 0; rc == 0 && i < d->n; i++) d->ready_order[i] = (int)o[i];
    tg_scope_end();
    return rc ? rc : build_buckets(d, d->ready_order);
}

/* ----------------------------------------------------------- iteration */

/* Back to an iteration's start. An all-reduce still in flight (a backward
   that failed half-way) is waited for first. */
static void reset_iteration(tg_ddp *d)
{
    tg_scope_begin();
    for (int i = 0; i < d->n; i++) {
        if (d->lent[i] && !tg_grad(d->params[i])) tg_set_grad(d->params[i], d->views[i]);   /* a backward failed */
        d->ready[i] = d->lent[i] = false;
    }
    tg_scope_end();
    for (int b = 0; b < d->n_buckets; b++) {
        if (d->buckets[b].work) tg_dist_wait(d->buckets[b].work);
        d->buckets[b].work = NULL;
        d->buckets[b].pending = d->buckets[b].n_members;
    }
    d->finishing = false;
    d->stored_left = 0;
}

/* Writes parameter i's gradient for this iteration (its .grad plus grad;
   grad NULL: its .grad, or zeros) into its bucket, divided by the world
   size. */
static int fill_bucket(tg_ddp *d, int i, const tg_tensor *grad)
{
    tg_tensor *p = d->params[i], *view = d->views[i], *old = tg_grad(p);
    int rc = 0;
    TG_NO_GRAD {
        if (old == view) {   /* Note [Gradients as bucket views] */
            if (grad) rc = tg_add_(view, grad) ? 0 : -1;
            if (grad && rc == 0) rc = tg_set_grad(p, NULL);
            d->lent[i] = grad && rc == 0;
        } else if (old && grad) {
            rc = tg_copy_(view, tg_add(old, grad)) ? 0 : -1;
        } else {
            rc = (old || grad ? tg_copy_(view, old ? old : grad) : tg_fill_(view, 0)) ? 0 : -1;
        }
    }
    if (rc == 0) tg__dist_divide(tg_data_ptr(view), tg_numel(view), tg_dtype_of(view), tg__dist.size);
    return rc;
}

/* Parameter i's gradient for this iteration is in its bucket. */
static int mark_ready(tg_ddp *d, int i)
{
    d->ready[i] = true;
    if (!d->first_done && d->n_ready < d->n) d->ready_order[d->n_ready++] = i;
    ddp_bucket *bk = &d->buckets[d->bucket_of[i]];
    if (--bk->pending > 0) return 0;
    bk->trace.ready = MPI_Wtime();
    bk->work = tg__dist_all_reduce_start(bk->flat, TG_DIST_SUM, false);   /* buckets agree by construction */
    bk->trace.started = MPI_Wtime();
    return bk->work ? 0 : -1;
}

/* Note [Progress during backward]: Open MPI moves a non-blocking
   all-reduce along only inside MPI calls, and the parameters' hooks come
   few and late (a layer's weight and bias together, after its node). So
   tg_ddp_forward hangs a pre-hook on every node of the forward's graph (up
   to MAX_POLLING nodes, the first the backward runs), which tests the
   buckets in flight: their all-reduces go on between every two nodes of
   the backward. The next iteration removes them (from a node the next
   graph shares, or the graph's nodes kept alive). */
enum { MAX_POLLING = 1024 };

static void progress(tg_ddp *d)
{
    for (int b = 0; b < d->n_buckets; b++)
        if (d->buckets[b].work) tg__dist_progress(d->buckets[b].work);
}

static int poll_buckets(const tg_node *node, tg_tensor **grad_outputs, int n_outputs, void *ctx)
{
    (void)node, (void)grad_outputs, (void)n_outputs;
    progress(ctx);
    return 0;
}

/* Whether node is in the open-addressing set (2 * MAX_POLLING slots),
   adding it if not. */
static bool seen_before(const tg_node **set, const tg_node *node)
{
    size_t i = ((uintptr_t)node >> 4) * 2654435761u % (2 * MAX_POLLING);
    for (; set[i]; i = (i + 1) % (2 * MAX_POLLING))
        if (set[i] == node) return true;
    set[i] = node;
    return false;
}

static void remove_polling_hooks(tg_ddp *d)
{
    for (int i = 0; i < d->n_polling; i++) tg_hook_remove(d->polling[i]);
    d->n_polling = 0;
}

/* The polling pre-hooks (Note [Progress during backward]) on the graph
   from output, breadth first (the order the backward roughly runs it),
   leaves' AccumulateGrad nodes left alone (they outlive the iteration). */
static int hang_polling_hooks(tg_ddp *d, const tg_tensor *output)
{
    const tg_node *root = tg_grad_fn(output);
    if (!root) return 0;
    const tg_node **queue = malloc(MAX_POLLING * sizeof *queue), **set = calloc(2 * MAX_POLLING, sizeof *set);
    if (!queue || !set) {
        free(queue), free(set);
        return tg_set_error(TG_E_OOM, "tg_ddp_forward(): out of memory");
    }
    int head = 0, tail = 0, rc = 0;
    seen_before(set, root);
    queue[tail++] = root;
    while (head < tail && rc == 0) {
        const tg_node *node = queue[head++];
        tg_hook_handle h = tg_node_register_prehook(node, poll_buckets, d, NULL);
        if (h < 0) rc = -1;
        else d->polling[d->n_polling++] = h;
        for (int i = 0; i < tg_node_num_next(node) && tail < MAX_POLLING; i++) {
            const tg_node *next = tg_node_next(node, i);
            if (next && tg_node_num_next(next) > 0 && !seen_before(set, next)) queue[tail++] = next;
        }
    }
    free(queue), free(set);
    return rc;
}

/* The tensor hook: the gradient .grad will hold goes into the bucket. */
static int gradient_ready(const tg_tensor *grad, tg_tensor **replacement, void *ctx)
{
    (void)replacement;
    ddp_slot *s = ctx;
    tg_ddp *d = s->ddp;
    if (!d->require_sync) return 0;
    if (d->ready[s->index])
        return tg_set_error(TG_E_AUTOGRAD, "tg_ddp: Expected to mark a variable ready only once (parameter %d); "
                            "this happens when a backward runs twice without the iteration finishing", s->index);
    int rc = fill_bucket(d, s->index, grad);
    if (rc == 0) rc = mark_ready(d, s->index);
    progress(d);
    return rc;
}

/* Marks the parameters that got no gradient (find_unused_parameters) and
   returns which parameters some rank used, as a U8 tensor. */
static tg_tensor *mark_unused(tg_ddp *d)
{
    tg_tensor *used = tg_zeros((const int64_t[]){d->n}, 1, TG_U8);
    if (!used) return NULL;
    uint8_t *u = tg_data_ptr(used);
    for (int i = 0; i < d->n; i++) u[i] = d->ready[i];
    if (tg_dist_all_reduce(used, TG_DIST_MAX)) return NULL;
    for (int i = 0; i < d->n; i++) {
        if (d->ready[i]) continue;
        tg_tensor *old = tg_grad(d->params[i]);
        if (!u[i] && old && old == d->views[i] && tg_set_grad(d->params[i], tg_clone(old)))
            return NULL;   /* a view's .grad no rank changes stays out of the all-reduce */
        if (fill_bucket(d, i, NULL) || mark_ready(d, i)) return NULL;
    }
    return used;
}

/* Waits for every bucket and writes the means into the .grads. */
static int finish_iteration(tg_ddp *d)
{
    d->backward_end = MPI_Wtime();
    const uint8_t *used = NULL;
    if (d->opts.find_unused_parameters) {
        tg_tensor *u = mark_unused(d);
        if (!u) return -1;
        used = tg_data_ptr(u);
    }
    d->unfinished = false;
    size_t len = 0;
    for (int i = 0; i < d->n; i++)
        if (!d->ready[i] && len + 12 < sizeof d->missing)
            len += (size_t)snprintf(d->missing + len, sizeof d->missing - len, " %d", i);
    for (int b = 0; b < d->n_buckets; b++) {
        ddp_bucket *bk = &d->buckets[b];
        if (!bk->work) {   /* a member got no gradient: PyTorch's error at the next forward */
            d->unfinished = true;
            continue;
        }
        int rc = tg_dist_wait(bk->work);
        bk->work = NULL;
        bk->trace.finished = MPI_Wtime();
        if (rc) return rc;
        for (int k = 0; k < bk->n_members; k++) {
            int i = bk->members[k];
            if (used && !used[i]) continue;   /* no rank used it: its .grad stays */
            tg_tensor *p = d->params[i], *g = tg_grad(p);
            if (d->opts.gradient_as_bucket_view) {
                if (g != d->views[i] && tg_set_grad(p, d->views[i])) return -1;
                d->lent[i] = false;
                continue;
            }
            if (!g) {
                tg_tensor *zeros = tg_zeros_like(p);
                if (!zeros || tg_set_grad(p, zeros)) return -1;
                g = tg_grad(p);
            }
            TG_NO_GRAD { rc = tg_copy_(g, d->views[i]) ? 0 : -1; }
            if (rc) return rc;
        }
    }
    d->first_done = true;
    return 0;
}

/* The post-accumulate-grad hook (Note [An iteration of DDP]). */
static int gradient_stored(tg_tensor *leaf, void *ctx)
{
    (void)leaf;
    ddp_slot *s = ctx;
    tg_ddp *d = s->ddp;
    if (!d->require_sync) return 0;
    int rc = 0;
    if (!d->finishing) {   /* every parameter whose gradient came has one of these calls */
        d->finishing = true;
        d->stored_left = 0;
        for (int i = 0; i < d->n; i++) d->stored_left += d->ready[i];
        tg_scope_begin();
        rc = finish_iteration(d);
        tg_scope_end();
    }
    if (--d->stored_left <= 0) reset_iteration(d);
    return rc;
}

/* --------------------------------------------------------------- public */

/* The module's buffers from rank 0 (PyTorch's broadcast_buffers). */
static int broadcast_buffers(tg_ddp *d)
{
    tg_dict *buffers = tg_module_named_buffers(d->module);
    int rc = buffers ? 0 : -1;
    for (int i = 0; buffers && i < tg_dict_len(buffers) && rc == 0; i++) {
        tg_scope_begin();
        rc = tg_dist_broadcast(tg_dict_get(buffers, tg_dict_key(buffers, i)), 0);
        tg_scope_end();
    }
    tg_dict_free(buffers);
    return rc;
}

tg_ddp *tg_ddp_new(tg_module *module, tg_ddp_opts opts)
{
    if (tg__dist_ready(FN_NEW)) return NULL;
    if (!module) return tg_set_error(TG_E_NULL, "%s(): the module is NULL", FN_NEW), NULL;
    int total = tg_module_parameters(module, NULL, 0);
    if (total < 0) return NULL;
    tg_ddp *d = calloc(1, sizeof *d);
    tg_tensor **all = malloc(((size_t)total + 1) * sizeof *all);
    if (!d || !all) {
        free(d), free(all);
        return tg_set_error(TG_E_OOM, "%s(): out of memory", FN_NEW), NULL;
    }
    d->module = module;
    d->opts = opts;
    d->require_sync = true;
    tg_module_parameters(module, all, total);
    d->params = all;
    for (int i = 0; i < total; i++)
        if (tg_requires_grad(all[i])) d->params[d->n++] = all[i];
    if (d->n == 0) {
        free(all), free(d);
        return tg_set_error(TG_E_INVALID, "%s(): DistributedDataParallel is not needed when a module doesn't have "
                            "any parameter that requires a gradient.", FN_NEW), NULL;
    }
    size_t n = (size_t)d->n;
    d->slots = malloc(n * sizeof *d->slots);
    d->hooks = calloc(2 * n, sizeof *d->hooks);
    d->bucket_of = malloc(n * sizeof *d->bucket_of);
    d->offset = malloc(n * sizeof *d->offset);
    d->ready = calloc(n, sizeof *d->ready);
    d->lent = calloc(n, sizeof *d->lent);
    d->polling = malloc(MAX_POLLING * sizeof *d->polling);
    d->ready_order = malloc(n * sizeof *d->ready_order);
    int *order = malloc(n * sizeof *order);
    bool made = d->slots && d->hooks && d->bucket_of && d->offset && d->ready && d->lent && d->polling;
    int rc = made && d->ready_order && order ? 0 : tg_set_error(TG_E_OOM, "%s(): out of memory", FN_NEW);
    for (int i = 0; rc == 0 && i < d->n; i++) {
        tg_retain(d->params[i]);
        d->retained++;
        order[i] = d->n - 1 - i;   /* reverse registration order */
    }
    for (int i = 0; rc == 0 && i < d->n; i++) rc = tg_dist_broadcast(d->params[i], 0);
    if (rc == 0) rc = broadcast_buffers(d);
    if (rc == 0) rc = build_buckets(d, order);
    if (rc == 0 && opts.gradient_as_bucket_view) rc = adopt_grads(d);
    free(order);
    for (int i = 0; rc == 0 && i < d->n; i++) {
        d->slots[i] = (ddp_slot){d, i};
        d->hooks[2 * i] = tg_register_hook(d->params[i], gradient_ready, &d->slots[i], NULL);
        d->hooks[2 * i + 1] = tg_register_post_accumulate_grad_hook(d->params[i], gradient_stored, &d->slots[i], NULL);
        if (d->hooks[2 * i] < 0 || d->hooks[2 * i + 1] < 0) rc = -1;
    }
    if (rc) {
        tg_ddp_free(d);
        return NULL;
    }
    reset_iteration(d);
    return d;
}

/* PyTorch's words for a parameter without a gradient, made for C. */
static int unfinished_error(const tg_ddp *d)
{
    return tg_set_error(TG_E_AUTOGRAD,
                 "tg_ddp_begin_iteration(): Expected to have finished reduction in the prior iteration before starting a new "
                 "one. This error indicates that your module has parameters that were not used in producing loss. "
                 "You can enable unused parameter detection by setting find_unused_parameters in tg_ddp_opts, and "
                 "by making sure all forward outputs participate in calculating loss.\nParameter indices which did "
                 "not receive grad for rank %d:%s", tg__dist.rank, d->missing);
}

int tg_ddp_begin_iteration(tg_ddp *d)
{
    if (!d) return tg_set_error(TG_E_NULL, "tg_ddp_begin_iteration(): the DDP module is NULL");
    if (d->unfinished) return unfinished_error(d);
    remove_polling_hooks(d);
    reset_iteration(d);   /* (a no-op unless a backward failed half-way) */
    if (d->first_done && !d->rebuilt && !d->opts.find_unused_parameters && d->n_ready == d->n) {
        if (rebuild_buckets(d) || (d->opts.gradient_as_bucket_view && adopt_grads(d))) return -1;
        d->rebuilt = true;
        reset_iteration(d);
    }
    return d->opts.no_broadcast_buffers ? 0 : broadcast_buffers(d);
}

tg_tensor *tg_ddp_forward(tg_ddp *d, const tg_tensor *input)
{
    if (tg_ddp_begin_iteration(d)) return NULL;
    tg_tensor *output = tg_module_forward(d->module, input);
    return output && d->require_sync && hang_polling_hooks(d, output) ? NULL : output;
}

bool tg_ddp_set_require_sync(tg_ddp *d, bool sync)
{
    if (!d) return false;
    bool previous = d->require_sync;
    d->require_sync = sync;
    return previous;
}

int tg_ddp_num_buckets(const tg_ddp *d) { return d ? d->n_buckets : tg_set_error(TG_E_NULL, "tg_ddp_num_buckets(): NULL"); }

int tg_ddp_bucket_params(const tg_ddp *d, int b, int *out, int max_out)
{
    if (!d || b < 0 || b >= d->n_buckets) return tg_set_error(TG_E_INDEX, "tg_ddp_bucket_params(): no bucket %d", b);
    const ddp_bucket *bk = &d->buckets[b];
    if (bk->n_members > max_out)
        return tg_set_error(TG_E_INVALID, "tg_ddp_bucket_params(): bucket %d has %d parameters, more than %d", b,
                            bk->n_members, max_out);
    memcpy(out, bk->members, (size_t)bk->n_members * sizeof *out);
    return bk->n_members;
}

int tg_ddp_last_trace(const tg_ddp *d, tg_ddp_bucket_trace *out, int max_out, double *backward_end)
{
    if (!d || !out) return tg_set_error(TG_E_NULL, "tg_ddp_last_trace(): NULL argument");
    int n = d->n_buckets < max_out ? d->n_buckets : max_out;
    for (int b = 0; b < n; b++) out[b] = d->buckets[b].trace;
    if (backward_end) *backward_end = d->backward_end;
    return n;
}

void tg_ddp_free(tg_ddp *d)
{
    if (!d) return;
    for (int i = 0; d->hooks && i < 2 * d->n; i++)
        if (d->hooks[i] > 0) tg_hook_remove(d->hooks[i]);
    remove_polling_hooks(d);
    for (int b = 0; b < d->n_buckets; b++)
        if (d->buckets[b].work) tg_dist_wait(d->buckets[b].work);
    free_buckets(d);
    for (int i = 0; i < d->retained; i++) tg_release(d->params[i]);
    free(d->params), free(d->slots), free(d->hooks), free(d->bucket_of), free(d->offset), free(d->ready), free(d->lent);
    free(d->polling);
    free(d->ready_order);
    free(d);
}
