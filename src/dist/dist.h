/* Inside tensorgrad_dist: the process's group and what every collective
   shares (MPI datatypes and operations for tensorgrad's dtypes, waiting
   with a timeout, the ranks' agreement check). Built on the public API
   only, plus the inline half conversions. */
#ifndef TG_DIST_INTERNAL_H
#define TG_DIST_INTERNAL_H

#include <tensorgrad_dist.h>

typedef struct tg_dist_group {
    bool initialized;
    bool owns_mpi;   /* tg_dist_init called MPI_Init_thread */
    bool broken;     /* a collective timed out: the group is unusable */
    MPI_Comm comm;
    int rank, size;
    double timeout;
} tg_dist_group;

extern tg_dist_group tg__dist;

enum { TG_DIST_NUM_DTYPES = TG_I16 + 1 };

/* 0 when the group is initialized and usable, else -1 with an error
   naming fn. */
int tg__dist_ready(const char *fn);
/* Waits for req, driving MPI's progress, up to the group's timeout. */
int tg__dist_wait(const char *fn, MPI_Request *req);
/* An MPI error code as tensorgrad's error. */
int tg__dist_mpi_error(const char *fn, int code);

/* The MPI datatype and reduction for dtype dt and op, or -1 with an error
   naming fn (a combination torch.distributed refuses). */
int tg__dist_mpi_type(const char *fn, tg_dtype dt, tg_dist_op op, MPI_Datatype *type, MPI_Op *mpi_op);
/* Divides n elements of dtype dt at p by the world size (MEAN). */
void tg__dist_divide(void *p, int64_t n, tg_dtype dt, int size);
int tg__dist_make_ops(void);
void tg__dist_free_ops(void);

/* Which collective a rank is in, for the agreement check. */
typedef enum dist_kind { DIST_BARRIER, DIST_ALL_REDUCE, DIST_BROADCAST, DIST_ALL_GATHER, DIST_REDUCE_SCATTER } dist_kind;
/* Checks that every rank called the same collective (kind, op, root) on a
   tensor of the same dtype and shape as t (NULL: none): 0 on every rank, or
   -1 on every rank with an error naming fn and what differs. */
int tg__dist_agree(const char *fn, dist_kind kind, int op, int root, const tg_tensor *t);
/* tg_dist_all_reduce_async, without the agreement check when `agree` is
   false: for buffers that are the same on every rank by construction (DDP's
   buckets), so that starting one does not wait for the other ranks. */
tg_dist_work *tg__dist_all_reduce_start(tg_tensor *t, tg_dist_op op, bool agree);
/* Lets MPI move w along (it does only inside MPI calls), without waiting. */
void tg__dist_progress(tg_dist_work *w);

#endif
