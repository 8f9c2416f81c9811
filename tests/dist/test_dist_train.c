/* Data-parallel training with tensorgrad_dist under mpirun -np 2 (and 3):
   each rank trains the same MLP on its slice of a global batch, averaging
   gradients with tg_dist_all_reduce, for 50 SGD steps. The weights must be
   bit-identical on every rank, equal to one process that computes the
   ranks' slice gradients itself and averages them in rank order (bit for
   bit with 2 ranks, where the order of a sum of two cannot differ), and
   within 1e-5 of one process training on the whole batch. Then the sharded
   optimizer (tg_dist_zero_redundancy_optimizer, Adam) against an unsharded
   Adam on the same gradients: the same bits. */
#include <tensorgrad_dist.h>

#include <stdlib.h>

#include "../harness.h"
#include "dist_test.h"

enum { IN = 8, HIDDEN = 16, OUT = 4, SLICE = 5, STEPS = 50 };

static int rank, size;

static tg_module *model(void)
{
    tg_manual_seed(11);
    return tg_nn_sequential((tg_module *[]){tg_nn_linear(IN, HIDDEN, true), tg_nn_tanh(), tg_nn_linear(HIDDEN, OUT, true)}, 3);
}

/* The gradients of the mean squared error on rows [from, from + rows) of
   the batch, left in the parameters' .grad. */
static int slice_gradients(tg_module *m, const tg_tensor *x, const tg_tensor *y, int64_t from, int64_t rows)
{
    tg_scope_begin();
    tg_module_zero_grad(m);
    tg_tensor *out = tg_module_forward(m, tg_narrow(x, 0, from, rows));
    int rc = tg_backward(tg_mse_loss(out, tg_narrow(y, 0, from, rows)), NULL);
    tg_scope_end();
    return rc;
}

static void data_parallel_sgd(const tg_tensor *x, const tg_tensor *y)
{
    tg_module *mine = model(), *reference = model(), *whole = model();
    tg_tensor *p[8], *q[8], *w[8];
    int n = tg_module_parameters(mine, p, 8);
    tg_module_parameters(reference, q, 8);
    tg_module_parameters(whole, w, 8);
    tg_optimizer *opt = tg_sgd(p, n, (tg_sgd_opts){.lr = 0.1}), *ref_opt = tg_sgd(q, n, (tg_sgd_opts){.lr = 0.1});
    tg_optimizer *whole_opt = tg_sgd(w, n, (tg_sgd_opts){.lr = 0.1});
    tg_tensor *sums[8];
    for (int step = 0; step < STEPS; step++) {
        tg_scope_begin();
        CHECK(slice_gradients(mine, x, y, rank * SLICE, SLICE) == 0);
        for (int i = 0; i < n; i++) CHECK(tg_dist_all_reduce(tg_grad(p[i]), TG_DIST_MEAN) == 0);
        CHECK(tg_optimizer_step(opt) == 0);

        /* The reference: every rank's slice here, summed in rank order. */
        for (int r = 0; r < size; r++) {
            CHECK(slice_gradients(reference, x, y, r * SLICE, SLICE) == 0);
            for (int i = 0; i < n; i++) {
                tg_tensor *g = tg_clone(tg_grad(q[i]));
                sums[i] = r ? tg_add(sums[i], g) : g;
            }
        }
        for (int i = 0; i < n; i++) TG_NO_GRAD { tg_copy_(tg_grad(q[i]), tg_div_scalar(sums[i], size)); }
        CHECK(tg_optimizer_step(ref_opt) == 0);
        CHECK(slice_gradients(whole, x, y, 0, (int64_t)SLICE * size) == 0);
        CHECK(tg_optimizer_step(whole_opt) == 0);
        tg_scope_end();
    }
    tg_scope_begin();
    tg_tensor *a = flat(mine), *everyone[8];
    for (int r = 0; r < size; r++) everyone[r] = tg_empty(tg_shape(a), 1, TG_F32);
    CHECK(tg_dist_all_gather(everyone, a) == 0);
    for (int r = 0; r < size; r++) CHECK(same_bits(everyone[r], a));   /* every rank the same */
    double to_reference = max_difference(a, flat(reference)), to_whole = max_difference(a, flat(whole));
    if (size == 2) CHECK(same_bits(a, flat(reference)));
    CHECK(to_reference <= 1e-6);
    CHECK(to_whole <= 1e-5);
    if (rank == 0)
        printf("%d ranks, %d steps: weights the same on every rank; to the rank-order reference %.3g, to the "
               "whole batch %.3g\n", size, STEPS, to_reference, to_whole);
    tg_scope_end();
    tg_optimizer_free(opt), tg_optimizer_free(ref_opt), tg_optimizer_free(whole_opt);
    tg_module_free(mine), tg_module_free(reference), tg_module_free(whole);
}

static tg_optimizer *make_adam(tg_tensor *const *params, int n, void *ctx)
{
    (void)ctx;
    return tg_adam(params, n, tg_adam_defaults());
}

static int64_t state_elements(const tg_optimizer *opt)
{
    if (!opt) return 0;
    tg_dict *d = tg_optimizer_state_dict(opt);
    int64_t total = 0;
    for (int i = 0; i < tg_dict_len(d); i++)
        if (strncmp(tg_dict_key(d, i), "state.", 6) == 0) total += tg_numel(tg_dict_get(d, tg_dict_key(d, i)));
    tg_dict_free(d);
    return total;
}

static void sharded_adam(const tg_tensor *x, const tg_tensor *y)
{
    tg_module *sharded = model(), *plain = model();
    tg_tensor *p[8], *q[8];
    int n = tg_module_parameters(sharded, p, 8);
    tg_module_parameters(plain, q, 8);
    tg_dist_zero *zero = tg_dist_zero_redundancy_optimizer(p, n, make_adam, NULL);
    tg_optimizer *adam = tg_adam(q, n, tg_adam_defaults());
    CHECK(zero && adam);
    for (int step = 0; zero && step < 10; step++) {
        tg_scope_begin();
        CHECK(slice_gradients(sharded, x, y, rank * SLICE, SLICE) == 0);
        CHECK(slice_gradients(plain, x, y, rank * SLICE, SLICE) == 0);
        for (int i = 0; i < n; i++) {
            CHECK(tg_dist_all_reduce(tg_grad(p[i]), TG_DIST_MEAN) == 0);
            CHECK(tg_dist_all_reduce(tg_grad(q[i]), TG_DIST_MEAN) == 0);
        }
        CHECK(tg_dist_zero_step(zero) == 0);
        CHECK(tg_optimizer_step(adam) == 0);
        tg_scope_end();
    }
    tg_scope_begin();
    CHECK(same_bits(flat(sharded), flat(plain)));
    /* The biggest parameter (the 16 x 8 weight) goes to rank 0, the next
       (4 x 16) to rank 1, as PyTorch partitions them. */
    CHECK(tg_dist_zero_owner(zero, 0) == 0 && tg_dist_zero_owner(zero, 2) == 1);
    int64_t local = state_elements(tg_dist_zero_local_optimizer(zero)), all = state_elements(adam), total = 0;
    tg_tensor *count = tg_from_i64(&local, TG_SHAPE(1));
    CHECK(tg_dist_all_reduce(count, TG_DIST_SUM) == 0);
    total = (int64_t)tg_item(count);
    CHECK(total == all && local < all);
    printf("rank %d: sharded Adam state %lld of %lld elements\n", rank, (long long)local, (long long)all);
    tg_scope_end();
    tg_dist_zero_free(zero);
    tg_optimizer_free(adam);
    tg_module_free(sharded), tg_module_free(plain);
}

int main(int argc, char **argv)
{
    if (tg_dist_init(&argc, &argv) != 0) {
        fprintf(stderr, "tg_dist_init: %s\n", tg_last_error());
        return 1;
    }
    rank = tg_dist_rank();
    size = tg_dist_world_size();
    tg_manual_seed(5);   /* the same batch on every rank */
    tg_tensor *x = tg_randn((const int64_t[]){(int64_t)SLICE * size, IN}, 2, TG_F32);
    tg_tensor *y = tg_randn((const int64_t[]){(int64_t)SLICE * size, OUT}, 2, TG_F32);
    data_parallel_sgd(x, y);
    sharded_adam(x, y);
    CHECK(tg_dist_finalize() == 0);
    printf("rank %d: ", rank);
    return TEST_MAIN_END();
}
