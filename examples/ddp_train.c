/* The spiral classifier trained data-parallel over MPI: every rank holds the
   model wrapped in tg_ddp, reads its shard of the points each epoch
   (tg_dist_sampler_indices, reshuffled per epoch from a shared seed), and
   each backward averages the gradients over the ranks while it runs, so
   the ranks take identical Adam steps. Rank 0 prints the loss and, at the
   end, the accuracy on every point and whether the ranks' weights agree.

       mpirun -np 2 ./ddp_train [epochs]    (as root add --allow-run-as-root;
                                             more ranks than cores: --oversubscribe) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tensorgrad_dist.h>

#include "spirals.h"

enum { BATCH = 25, REPORT_EVERY = 20 };

static int fail(void)
{
    fprintf(stderr, "ddp_train: %s\n", tg_last_error());
    MPI_Abort(MPI_COMM_WORLD, 1);   /* ends every rank, not only this one */
    return 1;
}

/* One epoch over this rank's shard; the mean loss over every rank's batches. */
static double epoch(tg_ddp *ddp, tg_optimizer *opt, const tg_tensor *points, const tg_tensor *labels, int e)
{
    tg_scope_begin();
    tg_tensor *shard = tg_dist_sampler_indices(POINTS, e, (tg_dist_sampler_opts){.seed = 42});
    tg_tensor *total = tg_zeros(TG_SHAPE(2), TG_F64);   /* loss sum, batches */
    for (int64_t start = 0; shard && total && start < tg_numel(shard); start += BATCH) {
        tg_scope_begin();
        tg_tensor *rows = tg_narrow(shard, 0, start, start + BATCH <= tg_numel(shard) ? BATCH : tg_numel(shard) - start);
        tg_tensor *loss = tg_cross_entropy(tg_ddp_forward(ddp, tg_index_select(points, 0, rows)),
                                           tg_index_select(labels, 0, rows));
        tg_optimizer_zero_grad_to_none(opt);
        int rc = tg_backward(loss, NULL);
        if (rc == 0) rc = tg_optimizer_step(opt);
        double value = tg_item(loss);
        tg_scope_end();
        if (rc != 0) return tg_scope_end(), -1;
        double *sums = tg_data_ptr(total);
        sums[0] += value;
        sums[1] += 1;
    }
    double mean = -1;
    if (total && tg_dist_all_reduce(total, TG_DIST_SUM) == 0) mean = ((double *)tg_data_ptr(total))[0] / ((double *)tg_data_ptr(total))[1];
    tg_scope_end();
    return mean;
}

int main(int argc, char **argv)
{
    if (tg_dist_init(&argc, &argv) != 0) {
        fprintf(stderr, "ddp_train: %s\n", tg_last_error());
        return 1;
    }
    int epochs = argc > 1 ? atoi(argv[1]) : 120, rank = tg_dist_rank(), size = tg_dist_world_size();
    static float xy[POINTS * 2];
    static int64_t classes[POINTS];
    if (make_spirals(7, xy, classes) != 0) return fail();
    tg_tensor *points = tg_from_f32(xy, TG_SHAPE(POINTS, 2)), *labels = tg_from_i64(classes, TG_SHAPE(POINTS));

    tg_manual_seed(100 + (uint64_t)rank);   /* different on purpose: tg_ddp_new broadcasts rank 0's weights */
    tg_module *model = tg_nn_sequential((tg_module *[]){tg_nn_linear(2, 64, true), tg_nn_relu(), tg_nn_linear(64, 64, true),
                                                        tg_nn_relu(), tg_nn_linear(64, CLASSES, true)}, 5);
    tg_ddp *ddp = model ? tg_ddp_new(model, (tg_ddp_opts){0}) : NULL;
    tg_tensor *params[6];
    int n = model ? tg_module_parameters(model, params, 6) : -1;
    tg_adam_opts adam = tg_adam_defaults();
    adam.lr = 0.01;
    tg_optimizer *opt = n > 0 ? tg_adam(params, n, adam) : NULL;
    if (!ddp || !opt) return fail();
    if (rank == 0) printf("%d ranks, %d points each epoch, batches of %d per rank\n", size, POINTS, BATCH);
    for (int e = 0; e < epochs; e++) {
        double loss = epoch(ddp, opt, points, labels, e);
        if (loss < 0) return fail();
        if (rank == 0 && (e % REPORT_EVERY == 0 || e == epochs - 1)) printf("epoch %3d  loss %.4f\n", e, loss);
    }

    /* Every rank's weights, compared with rank 0's. */
    tg_tensor *mine = tg_contiguous(tg_cat((const tg_tensor *const[]){tg_flatten(tg_detach(params[0]), 0, -1),
                                                                    tg_flatten(tg_detach(params[4]), 0, -1)}, 2, 0));
    tg_tensor *theirs = tg_clone(mine);
    if (!theirs || tg_dist_broadcast(theirs, 0) != 0) return fail();
    tg_tensor *differ = tg_any(tg_ne(mine, theirs));
    tg_tensor *agree = differ ? tg_to(tg_logical_not(differ), TG_I32) : NULL;
    if (!agree || tg_dist_all_reduce(agree, TG_DIST_MIN) != 0) return fail();
    if (rank == 0) {
        double correct = 0;
        TG_NO_GRAD { correct = tg_item(tg_sum(tg_eq(tg_argmax(tg_module_forward(model, points), 1, false), labels))); }
        printf("accuracy %.3f\n", correct / POINTS);
        printf("weights identical on all %d ranks: %s\n", size, tg_item(agree) == 1 ? "yes" : "no");
    }
    tg_optimizer_free(opt);
    tg_ddp_free(ddp);
    tg_module_free(model);
    return tg_dist_finalize() == 0 ? 0 : 1;
}
