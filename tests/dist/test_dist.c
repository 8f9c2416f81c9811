/* tensorgrad_dist's collectives, run by ctest under `mpirun -np 2` and
   `-np 3`: every rank computes what each collective must give from the
   ranks' known inputs and checks it, for every dtype MPI carries; then the
   errors: a shape, dtype, reduction or collective that differs between
   ranks fails on every rank (no hang), and bad arguments fail locally.
   Each rank prints its own "N passed, N failed". test_dist_failures.c
   covers timeouts and a rank that dies. */
#include <tensorgrad_dist.h>

#include "../harness.h"

static int rank, size;

/* Rank r's tensor of dtype dt: element i is r * 10 + i (bool: (r + i) % 2). */
static tg_tensor *ranked(int r, tg_dtype dt, int64_t n)
{
    tg_tensor *t = tg_arange((double)r * 10, (double)r * 10 + (double)n, 1, TG_F64);
    if (dt == TG_BOOL) t = tg_remainder_scalar(tg_add_scalar(tg_arange(0, (double)n, 1, TG_F64), r), 2);
    return tg_to(t, dt);
}

static bool same_values(const tg_tensor *a, const tg_tensor *b)
{
    if (tg_numel(a) != tg_numel(b) || tg_dtype_of(a) != tg_dtype_of(b)) return false;
    return tg_numel(a) == 0 || tg_item(tg_all(tg_eq(tg_reshape(a, TG_SHAPE(-1)), tg_reshape(b, TG_SHAPE(-1))))) == 1;
}

static void all_reduce_dtypes(void)
{
    static const tg_dtype DTYPES[] = {TG_F32, TG_F64, TG_F16, TG_BF16, TG_C64, TG_C128,
                                      TG_I32, TG_I64, TG_BOOL, TG_I8, TG_U8, TG_I16};
    for (size_t k = 0; k < sizeof DTYPES / sizeof *DTYPES; k++) {
        tg_dtype dt = DTYPES[k];
        bool complex = dt == TG_C64 || dt == TG_C128, floating = !complex && dt != TG_BOOL && dt < TG_I32;
        tg_dtype ordered = complex ? TG_F64 : dt;   /* complex has no max: its values are real here */
        tg_scope_begin();
        tg_tensor *sum = ranked(0, TG_F64, 5), *max = ranked(0, ordered, 5), *min = ranked(0, ordered, 5);
        for (int r = 1; r < size; r++) {
            sum = tg_add(sum, ranked(r, TG_F64, 5));
            max = tg_maximum(max, ranked(r, ordered, 5));
            min = tg_minimum(min, ranked(r, ordered, 5));
        }
        tg_tensor *t = ranked(rank, dt, 5);
        CHECK(tg_dist_all_reduce(t, TG_DIST_SUM) == 0);
        /* bool: any rank's true; integers wrap as they would adding in dt */
        tg_tensor *want = dt == TG_BOOL ? max : tg_to(sum, dt);
        CHECK(same_values(t, want));
        if (complex) {
            tg_clear_error();
            CHECK(tg_dist_all_reduce(ranked(rank, dt, 5), TG_DIST_MAX) == -1 && strstr(tg_last_error(), "complex"));
        } else {
            t = ranked(rank, dt, 5);
            CHECK(tg_dist_all_reduce(t, TG_DIST_MAX) == 0 && same_values(t, max));
            t = ranked(rank, dt, 5);
            CHECK(tg_dist_all_reduce(t, TG_DIST_MIN) == 0 && same_values(t, min));
        }
        if (floating || complex) {
            t = ranked(rank, dt, 5);
            CHECK(tg_dist_all_reduce(t, TG_DIST_MEAN) == 0 && same_values(t, tg_to(tg_div_scalar(sum, size), dt)));
        } else {
            tg_clear_error();
            CHECK(tg_dist_all_reduce(ranked(rank, dt, 5), TG_DIST_MEAN) == -1 && strstr(tg_last_error(), "MEAN"));
        }
        tg_scope_end();
    }
}

/* Random float32 sums give the same bits on every rank. */
static void same_bits_everywhere(void)
{
    tg_scope_begin();
    tg_manual_seed((uint64_t)rank + 1);
    tg_tensor *t = tg_randn(TG_SHAPE(1000), TG_F32);
    CHECK(tg_dist_all_reduce(t, TG_DIST_SUM) == 0);
    tg_tensor *outs[8];
    for (int r = 0; r < size; r++) outs[r] = tg_empty(TG_SHAPE(1000), TG_F32);
    CHECK(tg_dist_all_gather(outs, t) == 0);
    for (int r = 1; r < size; r++) CHECK(memcmp(tg_data_ptr(outs[0]), tg_data_ptr(outs[r]), 4000) == 0);
    tg_scope_end();
}

static void broadcast_gather_scatter(void)
{
    tg_scope_begin();
    for (int src = 0; src < size; src++) {
        tg_tensor *t = ranked(rank, TG_I64, 4);
        uint64_t version = tg_version(t);
        CHECK(tg_dist_broadcast(t, src) == 0 && same_values(t, ranked(src, TG_I64, 4)));
        CHECK(tg_version(t) == version);   /* as torch.distributed: no bump */
    }
    tg_tensor *outs[8];
    for (int r = 0; r < size; r++) outs[r] = tg_zeros(TG_SHAPE(2, 3), TG_F64);
    tg_tensor *mine = tg_reshape(ranked(rank, TG_F64, 6), TG_SHAPE(2, 3));
    CHECK(tg_dist_all_gather(outs, mine) == 0);
    for (int r = 0; r < size; r++) CHECK(same_values(outs[r], tg_reshape(ranked(r, TG_F64, 6), TG_SHAPE(2, 3))));
    tg_tensor *stacked = tg_zeros((const int64_t[]){2 * size, 3}, 2, TG_F64);
    CHECK(tg_dist_all_gather_into_tensor(stacked, mine) == 0);
    const tg_tensor *pieces[8];
    for (int r = 0; r < size; r++) pieces[r] = outs[r];
    CHECK(same_values(stacked, tg_cat(pieces, size, 0)));
    tg_tensor *zero_dim = tg_to(tg_scalar(rank + 0.5), TG_F32), *line = tg_zeros((const int64_t[]){size}, 1, TG_F32);
    CHECK(tg_dist_all_gather_into_tensor(line, zero_dim) == 0 && tg_item(tg_select(line, 0, size - 1)) == size - 0.5);

    /* reduce_scatter: rank r's input r' block is r * 100 + r' * 10 + i. */
    const tg_tensor *ins[8];
    tg_tensor *big = tg_zeros((const int64_t[]){3 * size}, 1, TG_I32);
    for (int r = 0; r < size; r++) {
        ins[r] = tg_to(tg_add_scalar(tg_arange(0, 3, 1, TG_F64), rank * 100 + r * 10), TG_I32);
        big = tg_index_put(big, TG_INDEX(TG_IDX_SLICE(3 * r, 3 * r + 3, 1)), ins[r], false);
    }
    tg_tensor *out = tg_zeros(TG_SHAPE(3), TG_I32), *want = tg_zeros(TG_SHAPE(3), TG_F64);
    for (int r = 0; r < size; r++) want = tg_add(want, tg_add_scalar(tg_arange(0, 3, 1, TG_F64), r * 100 + rank * 10));
    CHECK(tg_dist_reduce_scatter(out, ins, TG_DIST_SUM) == 0 && same_values(out, tg_to(want, TG_I32)));
    out = tg_zeros(TG_SHAPE(3), TG_I32);
    CHECK(tg_dist_reduce_scatter_tensor(out, big, TG_DIST_SUM) == 0 && same_values(out, tg_to(want, TG_I32)));
    tg_tensor *fout = tg_zeros(TG_SHAPE(3), TG_F64);
    CHECK(tg_dist_reduce_scatter_tensor(fout, tg_to(big, TG_F64), TG_DIST_MEAN) == 0 &&
          same_values(fout, tg_div_scalar(want, size)));
    CHECK(tg_dist_barrier() == 0);
    tg_scope_end();
}

static void async_all_reduce(void)
{
    tg_scope_begin();
    tg_tensor *a = ranked(rank, TG_F32, 3), *b = ranked(rank, TG_F64, 2);
    tg_dist_work *wa = tg_dist_all_reduce_async(a, TG_DIST_SUM), *wb = tg_dist_all_reduce_async(b, TG_DIST_MEAN);
    CHECK(wa && wb);
    CHECK(tg_dist_wait(wa) == 0 && tg_dist_wait(wb) == 0);
    tg_tensor *sum = ranked(0, TG_F64, 3);
    for (int r = 1; r < size; r++) sum = tg_add(sum, ranked(r, TG_F64, 3));
    CHECK(same_values(a, tg_to(sum, TG_F32)));
    CHECK(same_values(b, tg_div_scalar(tg_narrow(sum, 0, 0, 2), size)));
    tg_scope_end();
}

/* A mismatch between ranks fails on every rank, naming it; the group stays
   usable. */
static void disagreements(void)
{
    tg_scope_begin();
    tg_clear_error();
    tg_tensor *t = tg_zeros((const int64_t[]){rank == 1 ? 3 : 2}, 1, TG_F32);
    CHECK(tg_dist_all_reduce(t, TG_DIST_SUM) == -1);
    CHECK(strstr(tg_last_error(), "tg_dist_all_reduce(): the ranks' tensors differ in shape") != NULL);
    tg_clear_error();
    CHECK(tg_dist_all_reduce(tg_zeros(TG_SHAPE(2), rank == 0 ? TG_F32 : TG_F64), TG_DIST_SUM) == -1);
    CHECK(strstr(tg_last_error(), "differ in dtype") != NULL);
    tg_clear_error();
    CHECK(tg_dist_all_reduce(tg_zeros(TG_SHAPE(2), TG_F32), rank == 0 ? TG_DIST_MAX : TG_DIST_SUM) == -1);
    CHECK(strstr(tg_last_error(), "different reductions") != NULL);
    tg_clear_error();
    int rc = rank == 0 ? tg_dist_barrier() : tg_dist_broadcast(tg_zeros(TG_SHAPE(1), TG_F32), 0);
    CHECK(rc == -1 && strstr(tg_last_error(), "called") != NULL);
    CHECK(tg_dist_barrier() == 0);

    /* Local errors: nothing is sent. */
    tg_clear_error();
    CHECK(tg_dist_broadcast(tg_zeros(TG_SHAPE(2), TG_F32), size) == -1 && strstr(tg_last_error(), "source rank"));
    CHECK(tg_dist_all_reduce(tg_transpose(tg_zeros(TG_SHAPE(2, 3), TG_F32), 0, 1), TG_DIST_SUM) == -1);
    CHECK(strstr(tg_last_error(), "Tensors must be contiguous") != NULL);
    CHECK(tg_dist_all_reduce(NULL, TG_DIST_SUM) == -1 && tg_last_status() == TG_E_NULL);
    CHECK(tg_dist_all_reduce(tg_zeros(TG_SHAPE(2), TG_F32), (tg_dist_op)9) == -1);
    CHECK(tg_dist_all_gather_into_tensor(tg_zeros(TG_SHAPE(3), TG_F32), tg_zeros(TG_SHAPE(2), TG_F32)) == -1);
    CHECK(strstr(tg_last_error(), "world size") != NULL);
    CHECK(tg_dist_set_timeout(0) == -1);
    CHECK(tg_dist_barrier() == 0);
    tg_scope_end();
}

static void sampler(void)
{
    tg_scope_begin();
    /* From the group, shuffled: the same order on every rank, every index
       of the padded list once. */
    tg_tensor *mine = tg_dist_sampler_indices(10, 3, (tg_dist_sampler_opts){.seed = 7});
    CHECK(mine && tg_numel(mine) == (10 + size - 1) / size);
    tg_tensor *outs[8];
    for (int r = 0; r < size; r++) outs[r] = tg_empty(tg_shape(mine), 1, TG_I64);
    CHECK(tg_dist_all_gather(outs, mine) == 0);
    for (int r = 0; r < size; r++)
        CHECK(same_values(outs[r], tg_dist_sampler_indices(10, 3, (tg_dist_sampler_opts){.num_replicas = size, .rank = r, .seed = 7})));
    tg_tensor *counts = tg_zeros(TG_SHAPE(10), TG_I64);
    for (int r = 0; r < size; r++) counts = tg_index_put(counts, TG_INDEX(TG_IDX_T(outs[r])), tg_ones(TG_SHAPE(1), TG_I64), true);
    CHECK(tg_item(tg_min(counts)) >= 1);
    CHECK(tg_item(tg_sum(counts)) == (double)(tg_numel(mine) * size));
    CHECK(!same_values(mine, tg_dist_sampler_indices(10, 4, (tg_dist_sampler_opts){.seed = 7})) || size > 4);
    CHECK(tg_dist_sampler_indices(5, 0, (tg_dist_sampler_opts){.num_replicas = 2, .rank = 2}) == NULL);
    tg_scope_end();
}

int main(int argc, char **argv)
{
    CHECK(tg_dist_rank() == -1 && strstr(tg_last_error(), "not initialized"));
    if (tg_dist_init(&argc, &argv) != 0) {
        fprintf(stderr, "tg_dist_init: %s\n", tg_last_error());
        return 1;
    }
    rank = tg_dist_rank();
    size = tg_dist_world_size();
    CHECK(size >= 2 && size <= 8 && rank >= 0 && rank < size);
    all_reduce_dtypes();
    same_bits_everywhere();
    broadcast_gather_scatter();
    async_all_reduce();
    disagreements();
    sampler();
    CHECK(tg_dist_finalize() == 0 && !tg_dist_is_initialized());
    printf("rank %d: ", rank);
    return TEST_MAIN_END();
}
