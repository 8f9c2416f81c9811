/* The process group: initialization, rank and size, the timeout, waiting
   on MPI requests, and the check that every rank brought the same thing. */
#include "dist.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <time.h>

tg_dist_group tg__dist = {.timeout = 1800};

int tg__dist_ready(const char *fn)
{
    if (!tg__dist.initialized)
        return tg_set_error(TG_E_INVALID, "%s(): the process group is not initialized (call tg_dist_init first)", fn);
    if (tg__dist.broken)
        return tg_set_error(TG_E_INVALID, "%s(): the process group is unusable since a collective timed out", fn);
    return 0;
}

int tg__dist_mpi_error(const char *fn, int code)
{
    char text[MPI_MAX_ERROR_STRING];
    int len = 0;
    if (MPI_Error_string(code, text, &len) != MPI_SUCCESS) snprintf(text, sizeof text, "MPI error %d", code);
    return tg_set_error(TG_E_INVALID, "%s(): %s", fn, text);
}

/* Polls req: MPI moves a collective along only inside its calls, so the
   first 10 ms poll without pause (yielding the core to any other runnable
   process, as ranks sharing cores need); after that a waiting rank naps
   50 us between polls, leaving the cores to the ranks still computing. */
int tg__dist_wait(const char *fn, MPI_Request *req)
{
    double start = MPI_Wtime(), deadline = start + tg__dist.timeout;
    for (;;) {
        int done = 0, rc = MPI_Test(req, &done, MPI_STATUS_IGNORE);
        if (rc != MPI_SUCCESS) return tg__dist_mpi_error(fn, rc);
        if (done) return 0;
        double now = MPI_Wtime();
        if (now > deadline) {
            tg__dist.broken = true;
            return tg_set_error(TG_E_INVALID,
                                "%s(): timed out after %g s waiting for the other ranks (rank %d of %d); "
                                "the process group is unusable now", fn, tg__dist.timeout, tg__dist.rank,
                                tg__dist.size);
        }
        if (now - start < 0.01) sched_yield();
        else nanosleep(&(struct timespec){0, 50000}, NULL);
    }
}

static int start(const char *fn, MPI_Comm comm)
{
    int rc = MPI_Comm_dup(comm, &tg__dist.comm);
    if (rc != MPI_SUCCESS) return tg__dist_mpi_error(fn, rc);
    MPI_Comm_set_errhandler(tg__dist.comm, MPI_ERRORS_RETURN);
    MPI_Comm_rank(tg__dist.comm, &tg__dist.rank);
    MPI_Comm_size(tg__dist.comm, &tg__dist.size);
    if (tg__dist_make_ops()) {
        MPI_Comm_free(&tg__dist.comm);
        return tg_set_error(TG_E_INVALID, "%s(): could not create the reductions for 16-bit floats", fn);
    }
    tg__dist.initialized = true;
    tg__dist.broken = false;
    return 0;
}

int tg_dist_init(int *argc, char ***argv)
{
    if (tg__dist.initialized) return tg_set_error(TG_E_INVALID, "tg_dist_init(): the process group is already initialized");
    int ready = 0, provided = 0;
    MPI_Initialized(&ready);
    if (!ready) {
        if (MPI_Init_thread(argc, argv, MPI_THREAD_MULTIPLE, &provided) != MPI_SUCCESS)
            return tg_set_error(TG_E_INVALID, "tg_dist_init(): MPI_Init_thread failed");
        tg__dist.owns_mpi = true;
    }
    int rc = start("tg_dist_init", MPI_COMM_WORLD);
    if (rc && tg__dist.owns_mpi) {
        MPI_Finalize();
        tg__dist.owns_mpi = false;
    }
    return rc;
}

int tg_dist_init_comm(MPI_Comm comm)
{
    if (tg__dist.initialized)
        return tg_set_error(TG_E_INVALID, "tg_dist_init_comm(): the process group is already initialized");
    int ready = 0;
    MPI_Initialized(&ready);
    if (!ready) return tg_set_error(TG_E_INVALID, "tg_dist_init_comm(): MPI is not initialized");
    return start("tg_dist_init_comm", comm);
}

int tg_dist_finalize(void)
{
    if (!tg__dist.initialized)
        return tg_set_error(TG_E_INVALID, "tg_dist_finalize(): the process group is not initialized");
    tg__dist_free_ops();
    MPI_Comm_free(&tg__dist.comm);
    tg__dist.initialized = false;
    if (tg__dist.owns_mpi) {
        tg__dist.owns_mpi = false;
        if (MPI_Finalize() != MPI_SUCCESS) return tg_set_error(TG_E_INVALID, "tg_dist_finalize(): MPI_Finalize failed");
    }
    return 0;
}

bool tg_dist_is_initialized(void) { return tg__dist.initialized; }
int tg_dist_rank(void) { return tg__dist_ready("tg_dist_rank") ? -1 : tg__dist.rank; }
int tg_dist_world_size(void) { return tg__dist_ready("tg_dist_world_size") ? -1 : tg__dist.size; }

int tg_dist_set_timeout(double seconds)
{
    if (!(seconds > 0))
        return tg_set_error(TG_E_INVALID, "tg_dist_set_timeout(): the timeout must be positive, got %g", seconds);
    tg__dist.timeout = seconds;
    return 0;
}

int tg_dist_barrier(void)
{
    static const char *const FN = "tg_dist_barrier";
    if (tg__dist_ready(FN) || tg__dist_agree(FN, DIST_BARRIER, 0, 0, NULL)) return -1;
    MPI_Request req;
    int rc = MPI_Ibarrier(tg__dist.comm, &req);
    return rc != MPI_SUCCESS ? tg__dist_mpi_error(FN, rc) : tg__dist_wait(FN, &req);
}

/* ------------------------------------------------------------ agreement */

/* What a rank brought to a collective. */
enum { SIG_KIND, SIG_OP, SIG_ROOT, SIG_DTYPE, SIG_NDIM, SIG_SHAPE, SIG_LEN = SIG_SHAPE + TG_MAX_DIMS };

static const char *const KIND_NAMES[] = {"barrier", "all_reduce", "broadcast", "all_gather", "reduce_scatter"};

static void shape_text(const int64_t *sig, char *buf, size_t cap)
{
    size_t n = (size_t)snprintf(buf, cap, "[");
    for (int64_t i = 0; i < sig[SIG_NDIM] && n < cap; i++)
        n += (size_t)snprintf(buf + n, cap - n, i ? ", %lld" : "%lld", (long long)sig[SIG_SHAPE + i]);
    if (n < cap) snprintf(buf + n, cap - n, "]");
}

/* The first difference between this rank's signature and rank r's, as a
   message, or -1 if they agree. */
static int describe(const char *fn, const int64_t *mine, const int64_t *theirs, int r)
{
    if (mine[SIG_KIND] != theirs[SIG_KIND])
        return tg_set_error(TG_E_INVALID, "%s(): rank %d called %s while rank %d called %s", fn, tg__dist.rank,
                            KIND_NAMES[mine[SIG_KIND]], r, KIND_NAMES[theirs[SIG_KIND]]);
    if (mine[SIG_OP] != theirs[SIG_OP])
        return tg_set_error(TG_E_INVALID, "%s(): the ranks asked for different reductions (rank %d: %lld, rank %d: %lld)",
                            fn, tg__dist.rank, (long long)mine[SIG_OP], r, (long long)theirs[SIG_OP]);
    if (mine[SIG_ROOT] != theirs[SIG_ROOT])
        return tg_set_error(TG_E_INVALID, "%s(): the ranks named different source ranks (rank %d: %lld, rank %d: %lld)",
                            fn, tg__dist.rank, (long long)mine[SIG_ROOT], r, (long long)theirs[SIG_ROOT]);
    if (mine[SIG_DTYPE] != theirs[SIG_DTYPE])
        return tg_set_error(TG_E_DTYPE, "%s(): the ranks' tensors differ in dtype (rank %d: %s, rank %d: %s)", fn,
                            tg__dist.rank, tg_dtype_name((tg_dtype)mine[SIG_DTYPE]), r,
                            tg_dtype_name((tg_dtype)theirs[SIG_DTYPE]));
    char a[TG_MAX_DIMS * 22 + 3], b[TG_MAX_DIMS * 22 + 3];
    shape_text(mine, a, sizeof a);
    shape_text(theirs, b, sizeof b);
    if (strcmp(a, b) != 0)
        return tg_set_error(TG_E_SHAPE, "%s(): the ranks' tensors differ in shape (rank %d: %s, rank %d: %s)", fn,
                            tg__dist.rank, a, r, b);
    return 0;
}

int tg__dist_agree(const char *fn, dist_kind kind, int op, int root, const tg_tensor *t)
{
    int64_t mine[SIG_LEN] = {[SIG_KIND] = kind, [SIG_OP] = op, [SIG_ROOT] = root, [SIG_DTYPE] = -1};
    if (t) {
        mine[SIG_DTYPE] = tg_dtype_of(t);
        mine[SIG_NDIM] = tg_ndim(t);
        memcpy(mine + SIG_SHAPE, tg_shape(t), (size_t)mine[SIG_NDIM] * sizeof(int64_t));
    }
    int64_t *all = malloc((size_t)tg__dist.size * SIG_LEN * sizeof *all);
    if (!all) return tg_set_error(TG_E_OOM, "%s(): out of memory", fn);
    MPI_Request req;
    int rc = MPI_Iallgather(mine, SIG_LEN, MPI_INT64_T, all, SIG_LEN, MPI_INT64_T, tg__dist.comm, &req);
    rc = rc != MPI_SUCCESS ? tg__dist_mpi_error(fn, rc) : tg__dist_wait(fn, &req);
    for (int r = 0; r < tg__dist.size && rc == 0; r++)
        if (r != tg__dist.rank) rc = describe(fn, mine, all + (size_t)r * SIG_LEN, r);
    free(all);
    return rc;
}
