/* tensorgrad_dist: collectives over MPI for data-parallel training, as
 * torch.distributed with its MPI backend. A separate library
 * (tensorgrad::tensorgrad_dist, built when CMake finds MPI); the core
 * library needs no MPI.
 *
 *     tg_dist_init(&argc, &argv);              // MPI_COMM_WORLD
 *     tg_dist_all_reduce(grad, TG_DIST_MEAN);  // in place, on every rank
 *     tg_dist_finalize();
 *
 * Run with `mpirun -np 2 ./program`. Every function returns 0, or -1 with
 * tensorgrad's error (tg_last_error) naming it. Collectives are called by
 * every rank of the group in the same order with tensors of the same dtype
 * and shape; before the data moves, the ranks compare what each brought, so
 * a mismatch fails on every rank with a message saying what differs,
 * instead of a hang or a wrong result. A collective that waits longer than
 * the timeout (tg_dist_set_timeout) fails with an error and leaves the
 * group unusable (MPI cannot cancel a collective). Tensors must be
 * contiguous, as PyTorch's collectives require; results are written into
 * their memory without bumping the version counter, as
 * torch.distributed's are. */
#ifndef TENSORGRAD_DIST_H
#define TENSORGRAD_DIST_H

#include <mpi.h>
#include <tensorgrad.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Built with hidden visibility, as the core: what this header declares is
   what the library exports. */
#if defined(__GNUC__) || defined(__clang__)
#pragma GCC visibility push(default)
#endif

/* torch.distributed.ReduceOp: SUM (the zero value), AVG, MAX, MIN. MEAN
   divides the sum by the world size (floating and complex tensors); bool
   tensors reduce SUM and MAX as logical or, MIN as logical and; MAX and
   MIN refuse complex tensors. */
typedef enum tg_dist_op { TG_DIST_SUM = 0, TG_DIST_MEAN, TG_DIST_MAX, TG_DIST_MIN } tg_dist_op;

/* Initializes MPI (MPI_Init_thread, asking for MPI_THREAD_MULTIPLE; argc and
   argv may be NULL) unless the program already did, and makes
   MPI_COMM_WORLD the group, as init_process_group("mpi"). */
int tg_dist_init(int *argc, char ***argv);
/* The group is a duplicate of comm (MPI must be initialized). */
int tg_dist_init_comm(MPI_Comm comm);
/* Frees the group, and finalizes MPI when tg_dist_init initialized it. */
int tg_dist_finalize(void);
bool tg_dist_is_initialized(void);
int tg_dist_rank(void);         /* -1 with an error when not initialized */
int tg_dist_world_size(void);
/* The longest a collective waits for the other ranks, in seconds (PyTorch's
   default: 1800). */
int tg_dist_set_timeout(double seconds);

int tg_dist_barrier(void);
/* t reduced over the ranks, in place on every rank. */
int tg_dist_all_reduce(tg_tensor *t, tg_dist_op op);
/* src's t written into t on every rank. */
int tg_dist_broadcast(tg_tensor *t, int src);
/* outs[r] (world size tensors of t's dtype and shape) receives rank r's t. */
int tg_dist_all_gather(tg_tensor *const *outs, const tg_tensor *t);
/* out (world size times t's first dim, or a new first dim of world size for
   a 0-dim t) receives the ranks' t one after another. */
int tg_dist_all_gather_into_tensor(tg_tensor *out, const tg_tensor *t);
/* out receives the reduction over the ranks of their ins[rank] (world size
   tensors of out's dtype and shape). */
int tg_dist_reduce_scatter(tg_tensor *out, const tg_tensor *const *ins, tg_dist_op op);
/* The same with the ranks' inputs one after another in `in` (world size
   times out's first dim). */
int tg_dist_reduce_scatter_tensor(tg_tensor *out, const tg_tensor *in, tg_dist_op op);

/* An all-reduce started and not waited for (torch's async_op=True): the work
   overlaps with what the caller does next; t must stay alive and unread
   until tg_dist_wait(work) returns, which frees the work. NULL with an
   error on failure. */
typedef struct tg_dist_work tg_dist_work;
tg_dist_work *tg_dist_all_reduce_async(tg_tensor *t, tg_dist_op op);
int tg_dist_wait(tg_dist_work *work);

/* torch.distributed.optim.ZeroRedundancyOptimizer: the parameters are
   split between the ranks (largest first, each to the rank holding the
   fewest elements so far, as PyTorch partitions them), each rank keeps an
   optimizer, made by make_optimizer, over its share only (so only its
   share's state), and a step updates that share and then broadcasts every
   parameter from the rank that owns it. Every rank passes the same
   parameters in the same order, with gradients already the same on every
   rank (all-reduced); the weights then stay identical to an unsharded
   optimizer's. make_optimizer may get no parameters (a rank that owns
   none): then no optimizer is made. NULL with an error. */
typedef tg_optimizer *(*tg_dist_make_optimizer)(tg_tensor *const *params, int n, void *ctx);
typedef struct tg_dist_zero tg_dist_zero;
tg_dist_zero *tg_dist_zero_redundancy_optimizer(tg_tensor *const *params, int n, tg_dist_make_optimizer make_optimizer,
                                                void *ctx);
int tg_dist_zero_step(tg_dist_zero *zero);
/* The rank that owns parameter i, and this rank's optimizer (NULL when it
   owns none), for its learning rate, schedulers and state dict. */
int tg_dist_zero_owner(const tg_dist_zero *zero, int i);
tg_optimizer *tg_dist_zero_local_optimizer(const tg_dist_zero *zero);
/* Frees the local optimizer and the references to the parameters. */
void tg_dist_zero_free(tg_dist_zero *zero);

/* torch.nn.parallel.DistributedDataParallel over a module. Creating it
   broadcasts the module's parameters and buffers from rank 0. Gradients are
   grouped into buckets (per dtype; the parameters in reverse registration
   order, the first bucket closing at first_bucket_mb, the others at
   bucket_cap_mb); while backward runs, a bucket's all-reduce (the mean over
   the ranks) starts as soon as its last gradient is complete, through the
   parameters' gradient hooks, and at the end of backward every bucket is
   waited for and copied into the parameters' .grad, so an optimizer step
   after tg_backward sees averaged gradients. After the first iteration the
   buckets are rebuilt once in the order the gradients became ready (unless
   find_unused_parameters), as PyTorch's are. Run each forward through
   tg_ddp_forward (it rebuilds the buckets, broadcasts the buffers unless
   no_broadcast_buffers, and reports an unfinished previous iteration).
   A parameter that gets no gradient in a backward is PyTorch's error at the
   next forward ("Expected to have finished reduction in the prior
   iteration ..."), unless find_unused_parameters: then it counts as a zero
   gradient, and one no rank used keeps its .grad as it was.
   tg_ddp_set_require_sync(ddp, false) is PyTorch's no_sync(): backward
   accumulates locally, and the next synced backward reduces the sum.
   gradient_as_bucket_view is PyTorch's option of that name: after the
   first backward (or at tg_ddp_new, for .grads already there) every .grad
   is a view into its bucket, so the means are not copied out and the
   buckets are the gradients' memory; tg_optimizer_zero_grad zeroes them in
   place, tg_optimizer_zero_grad_to_none drops the views until the next
   backward makes them again. A backward that fails after some gradients
   went into their buckets leaves those .grads partly summed. */
typedef struct tg_ddp_opts {
    double bucket_cap_mb;     /* 0: 25, as PyTorch's default */
    double first_bucket_mb;   /* 0: 1 (PyTorch's first bucket) */
    bool find_unused_parameters;
    bool no_broadcast_buffers;
    bool gradient_as_bucket_view;   /* each .grad a view of its bucket: no copy out */
} tg_ddp_opts;
typedef struct tg_ddp tg_ddp;
tg_ddp *tg_ddp_new(tg_module *module, tg_ddp_opts opts);
tg_tensor *tg_ddp_forward(tg_ddp *ddp, const tg_tensor *input);
/* What tg_ddp_forward does before the module's forward, for a forward the
   caller writes (a module of the user's own): 0, or -1 with the error. */
int tg_ddp_begin_iteration(tg_ddp *ddp);
bool tg_ddp_set_require_sync(tg_ddp *ddp, bool sync);   /* returns the previous setting */
/* The buckets: their count, and the indices (in tg_module_parameters'
   order) of bucket b's parameters, in their order in the bucket (-1 with an
   error for a bad b or more than max_out). */
int tg_ddp_num_buckets(const tg_ddp *ddp);
int tg_ddp_bucket_params(const tg_ddp *ddp, int bucket, int *out, int max_out);
/* When each bucket of the last synced backward had its last gradient, was
   started and finished (MPI_Wtime seconds), and when the backward's hooks
   saw every gradient stored (*backward_end; may be NULL). Returns the count
   written, or -1. */
typedef struct tg_ddp_bucket_trace { double ready, started, finished; } tg_ddp_bucket_trace;
int tg_ddp_last_trace(const tg_ddp *ddp, tg_ddp_bucket_trace *out, int max_out, double *backward_end);
/* Removes the hooks and frees the buckets (not the module). */
void tg_ddp_free(tg_ddp *ddp);

/* torch.utils.data.DistributedSampler: the dataset indices (a TG_I64 tensor)
   this rank reads in an epoch. The indices, shuffled from seed + epoch
   (the same on every rank) unless no_shuffle, are padded by repeating from
   the start to a multiple of the number of replicas, or cut to one when
   drop_last; the rank takes every num_replicas-th from its rank on. Zero
   num_replicas: the group's size and this process's rank (then rank is
   ignored). The shuffle is tensorgrad's generator's (tg_randperm_gen), not
   torch's, so shuffled orders differ from PyTorch's; everything else is
   PyTorch's. */
typedef struct tg_dist_sampler_opts {
    int num_replicas, rank;
    bool no_shuffle, drop_last;
    uint64_t seed;
} tg_dist_sampler_opts;
tg_tensor *tg_dist_sampler_indices(int64_t dataset_len, int64_t epoch, tg_dist_sampler_opts opts);

#if defined(__GNUC__) || defined(__clang__)
#pragma GCC visibility pop
#endif

#ifdef __cplusplus
}
#endif

#endif
