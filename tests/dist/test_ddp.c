/* tg_ddp (DistributedDataParallel) under mpirun -np 2 and 3: the
   parameters broadcast from rank 0 at the start; 50 SGD steps whose
   weights are bit-identical on every rank and to the rank-order reference
   (bit for bit with 2 ranks); the buckets (reverse registration order,
   then rebuilt in the order gradients became ready) and all-reduces that
   start before backward ends; no_sync accumulation; all of it again with
   gradient_as_bucket_view (the .grads then views of the buckets, zeroed in
   place between steps); and unused parameters, reported at the next
   forward or counted as zero gradients. */
#include <tensorgrad_dist.h>

#include <stdlib.h>

#include "../harness.h"
#include "dist_test.h"

enum { IN = 6, HIDDEN = 12, OUT = 3, SLICE = 4, STEPS = 50 };

static int rank, size;

static tg_module *model(uint64_t seed)
{
    tg_manual_seed(seed);
    return tg_nn_sequential((tg_module *[]){tg_nn_linear(IN, HIDDEN, true), tg_nn_tanh(), tg_nn_linear(HIDDEN, HIDDEN, true),
                                            tg_nn_tanh(), tg_nn_linear(HIDDEN, OUT, true)}, 5);
}

static bool same_everywhere(const tg_tensor *a)
{
    tg_tensor *all[8];
    for (int r = 0; r < size; r++) all[r] = tg_empty(tg_shape(a), 1, TG_F32);
    bool same = tg_dist_all_gather(all, a) == 0;
    for (int r = 0; r < size && same; r++) same = same_bits(all[r], a);
    return same;
}

/* Backward of the MSE on rows [from, from + rows), grads left in .grad. */
static int backward_on(tg_ddp *ddp, tg_module *m, const tg_tensor *x, const tg_tensor *y, int64_t from, int64_t rows)
{
    tg_scope_begin();
    tg_tensor *xs = tg_narrow(x, 0, from, rows);
    tg_tensor *out = ddp ? tg_ddp_forward(ddp, xs) : tg_module_forward(m, xs);
    int rc = tg_backward(tg_mse_loss(out, tg_narrow(y, 0, from, rows)), NULL);
    tg_scope_end();
    return rc;
}

/* The reference's gradients: the ranks' slices in rank order, averaged,
   with `micro` micro-batches of accumulation each. */
static void reference_gradients(tg_module *m, const tg_tensor *x, const tg_tensor *y, int micro)
{
    tg_tensor *p[16], *sums[16];
    int n = tg_module_parameters(m, p, 16);
    for (int r = 0; r < size; r++) {
        tg_module_zero_grad(m);
        for (int k = 0; k < micro; k++) CHECK(backward_on(NULL, m, x, y, (k * size + r) * SLICE, SLICE) == 0);
        for (int i = 0; i < n; i++) {
            tg_tensor *g = tg_clone(tg_grad(p[i]));
            sums[i] = r ? tg_add(sums[i], g) : g;
        }
    }
    for (int i = 0; i < n; i++) TG_NO_GRAD { tg_copy_(tg_grad(p[i]), tg_div_scalar(sums[i], size)); }
}

/* Every bucket's members' .grads lie one after another in memory: they are
   views of the bucket. */
static bool grads_are_bucket_views(const tg_ddp *ddp, tg_tensor *const *p)
{
    int members[16];
    bool views = true;
    for (int b = 0; b < tg_ddp_num_buckets(ddp); b++) {
        int k = tg_ddp_bucket_params(ddp, b, members, 16);
        for (int j = 0; j + 1 < k; j++) {
            tg_tensor *g = tg_grad(p[members[j]]), *next = tg_grad(p[members[j + 1]]);
            views &= g && next && (char *)tg_data_ptr(g) + tg_numel(g) * 4 == (char *)tg_data_ptr(next);
        }
    }
    return views;
}

/* Clears the gradients as the run does: in place for bucket views (so
   that the backward finds .grad to be the view), dropped otherwise. */
static void zero_grad(tg_optimizer *opt, bool in_place)
{
    if (in_place) tg_optimizer_zero_grad(opt);
    else tg_optimizer_zero_grad_to_none(opt);
}

static void training(const tg_tensor *x, const tg_tensor *y, bool view)
{
    tg_module *mine = model(100 + (uint64_t)rank), *reference = model(100);   /* rank 0's weights win */
    tg_ddp *ddp = tg_ddp_new(mine, (tg_ddp_opts){.first_bucket_mb = 100e-6, .bucket_cap_mb = 300e-6,
                                                 .gradient_as_bucket_view = view});
    CHECK(ddp != NULL);
    tg_scope_begin();
    CHECK(same_bits(flat(mine), flat(reference)));
    tg_scope_end();
    /* Buckets in reverse registration order: the last bias first. */
    int members[16], nb = tg_ddp_num_buckets(ddp);
    CHECK(nb == 3 && tg_ddp_bucket_params(ddp, 0, members, 16) == 2 && members[0] == 5 && members[1] == 4);
    tg_tensor *p[16], *q[16];
    int n = tg_module_parameters(mine, p, 16);
    tg_module_parameters(reference, q, 16);
    tg_optimizer *opt = tg_sgd(p, n, (tg_sgd_opts){.lr = 0.2}), *ref_opt = tg_sgd(q, n, (tg_sgd_opts){.lr = 0.2});
    bool overlapped = false;
    for (int step = 0; step < STEPS; step++) {
        tg_scope_begin();
        zero_grad(opt, view);
        CHECK(backward_on(ddp, mine, x, y, rank * SLICE, SLICE) == 0);
        CHECK(tg_optimizer_step(opt) == 0);
        reference_gradients(reference, x, y, 1);
        CHECK(tg_optimizer_step(ref_opt) == 0);
        tg_ddp_bucket_trace trace[16];
        double end = 0;
        int k = tg_ddp_last_trace(ddp, trace, 16, &end);
        for (int b = 0; b < k; b++) overlapped |= trace[b].started < end && trace[b].finished >= trace[b].started;
        tg_scope_end();
    }
    CHECK(overlapped);   /* some bucket's all-reduce started before the backward ended */
    /* Rebuilt after the first iteration: every parameter in exactly one bucket. */
    int seen = 0;
    for (int b = 0; b < tg_ddp_num_buckets(ddp); b++) seen += tg_ddp_bucket_params(ddp, b, members, 16);
    CHECK(seen == n);
    tg_scope_begin();
    CHECK(grads_are_bucket_views(ddp, p) == view);
    tg_tensor *a = flat(mine), *r = flat(reference);
    CHECK(same_everywhere(a));
    if (size == 2) CHECK(same_bits(a, r));
    CHECK(max_difference(a, r) <= 1e-6);
    if (rank == 0)
        printf("ddp%s: %d ranks, %d steps, %d buckets: weights the same everywhere and as the reference\n",
               view ? " (gradient_as_bucket_view)" : "", size, STEPS, tg_ddp_num_buckets(ddp));

    /* no_sync: two micro-batches accumulated locally (into the buckets, for
       views), the third reduced. */
    zero_grad(opt, view);
    tg_optimizer_zero_grad_to_none(ref_opt);
    CHECK(tg_ddp_set_require_sync(ddp, false) == true);
    for (int k = 0; k < 2; k++) CHECK(backward_on(ddp, mine, x, y, (k * size + rank) * SLICE, SLICE) == 0);
    CHECK(tg_ddp_set_require_sync(ddp, true) == false);
    CHECK(backward_on(ddp, mine, x, y, (2 * size + rank) * SLICE, SLICE) == 0);
    reference_gradients(reference, x, y, 3);
    for (int i = 0; i < n; i++) {
        tg_tensor *g = tg_contiguous(tg_grad(p[i])), *h = tg_contiguous(tg_grad(q[i]));
        CHECK(max_difference(g, h) <= 1e-6);
        if (size == 2) CHECK(same_bits(g, h));
    }
    CHECK(grads_are_bucket_views(ddp, p) == view);
    tg_scope_end();
    tg_ddp_free(ddp);
    tg_optimizer_free(opt), tg_optimizer_free(ref_opt);
    tg_module_free(mine), tg_module_free(reference);
}

static int failing_hook(const tg_tensor *grad, tg_tensor **replacement, void *ctx)
{
    (void)grad, (void)replacement, (void)ctx;
    return tg_set_error(TG_E_INVALID, "the test's hook fails");
}

/* gradient_as_bucket_view: a backward that fails after DDP's hooks took
   .grads off their views gives them back at the next iteration, which
   then works. */
static void failed_backward_with_views(const tg_tensor *x, const tg_tensor *y)
{
    tg_module *m = model(9);
    tg_ddp *ddp = tg_ddp_new(m, (tg_ddp_opts){.gradient_as_bucket_view = true});
    tg_tensor *p[16];
    int n = tg_module_parameters(m, p, 16);
    tg_optimizer *opt = tg_sgd(p, n, (tg_sgd_opts){.lr = 0.1});
    CHECK(ddp && backward_on(ddp, m, x, y, rank * SLICE, SLICE) == 0);
    tg_optimizer_zero_grad(opt);
    tg_hook_handle h = tg_register_hook(p[0], failing_hook, NULL, NULL);   /* runs after DDP's hook */
    CHECK(backward_on(ddp, m, x, y, rank * SLICE, SLICE) == -1 && strstr(tg_last_error(), "the test's hook fails"));
    tg_hook_remove(h);
    tg_clear_error();
    CHECK(tg_ddp_begin_iteration(ddp) == 0);
    tg_scope_begin();
    CHECK(grads_are_bucket_views(ddp, p));   /* every .grad back, none NULL */
    tg_scope_end();
    tg_optimizer_zero_grad(opt);
    CHECK(backward_on(ddp, m, x, y, rank * SLICE, SLICE) == 0);
    tg_scope_begin();
    CHECK(grads_are_bucket_views(ddp, p));
    for (int i = 0; i < n; i++) CHECK(same_everywhere(tg_contiguous(tg_flatten(tg_grad(p[i]), 0, -1))));
    tg_scope_end();
    tg_ddp_free(ddp);
    tg_optimizer_free(opt);
    tg_module_free(m);
}

/* A parameter the forward never uses (with copies and with bucket views). */
static void unused_parameters(const tg_tensor *x, const tg_tensor *y)
{
    for (int k = 0; k < 4; k++) {
        bool find = k % 2, view = k >= 2;
        tg_module *m = model(7);
        tg_tensor *extra = tg_requires_grad_(tg_zeros(TG_SHAPE(2), TG_F32), true);
        CHECK(tg_module_register_parameter(m, "unused", extra) == 0);
        if (view) CHECK(tg_set_grad(extra, tg_full(TG_SHAPE(2), rank + 1, TG_F32)) == 0);   /* becomes a bucket view */
        tg_ddp *ddp = tg_ddp_new(m, (tg_ddp_opts){.find_unused_parameters = find, .gradient_as_bucket_view = view});
        CHECK(ddp != NULL);
        CHECK(backward_on(ddp, m, x, y, rank * SLICE, SLICE) == 0);
        tg_clear_error();
        int rc = backward_on(ddp, m, x, y, rank * SLICE, SLICE);
        if (find) {
            /* unused everywhere: its .grad stays (none, or this rank's) */
            CHECK(rc == 0 && (view ? tg_item(tg_sum(tg_grad(extra))) == 2 * (rank + 1) : tg_grad(extra) == NULL));
        } else {
            CHECK(rc == -1 && strstr(tg_last_error(), "Expected to have finished reduction in the prior iteration"));
            CHECK(strstr(tg_last_error(), "Parameter indices which did not receive grad for rank") != NULL);
        }
        tg_ddp_free(ddp);
        tg_module_free(m);
    }
}

int main(int argc, char **argv)
{
    if (tg_dist_init(&argc, &argv) != 0) {
        fprintf(stderr, "tg_dist_init: %s\n", tg_last_error());
        return 1;
    }
    rank = tg_dist_rank();
    size = tg_dist_world_size();
    tg_manual_seed(5);
    tg_tensor *x = tg_randn((const int64_t[]){3 * (int64_t)SLICE * size, IN}, 2, TG_F32);
    tg_tensor *y = tg_randn((const int64_t[]){3 * (int64_t)SLICE * size, OUT}, 2, TG_F32);
    training(x, y, false);
    training(x, y, true);
    failed_backward_with_views(x, y);
    unused_parameters(x, y);
    CHECK(tg_dist_finalize() == 0);
    printf("rank %d: ", rank);
    return TEST_MAIN_END();
}
