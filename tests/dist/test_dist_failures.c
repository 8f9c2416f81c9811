/* What ends a job instead of hanging it, run by expect_failure.sh under
   mpirun -np 2:
     timeout  rank 1 never joins a barrier: rank 0's times out with an
              error, which it prints before MPI_Abort ends every rank;
     die      rank 1 exits without a word while rank 0 waits in a barrier:
              mpirun ends the job. */
#include <tensorgrad_dist.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";
    if (tg_dist_init(&argc, &argv) != 0) {
        fprintf(stderr, "tg_dist_init: %s\n", tg_last_error());
        return 1;
    }
    int rank = tg_dist_rank();
    if (strcmp(mode, "timeout") == 0) {
        tg_dist_set_timeout(0.5);
        if (rank == 0 && tg_dist_barrier() != 0) {
            fprintf(stderr, "rank 0: %s\n", tg_last_error());
            MPI_Abort(MPI_COMM_WORLD, 3);
        }
        sleep(60);
    } else if (strcmp(mode, "die") == 0) {
        if (rank == 1) _exit(2);
        tg_dist_barrier();
        fprintf(stderr, "rank 0: %s\n", tg_last_error());
    }
    return 1;   /* reaching here is the failure: the job should have ended */
}
