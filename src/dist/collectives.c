/* The collectives over tensors: MPI datatypes and reductions for every
   dtype, and all_reduce, broadcast, all_gather and reduce_scatter. */
#include "dist.h"
#include "../core/half.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------- 16-bit float reductions */

/* MPI has no 16-bit floats: they travel as MPI_UINT16_T and reduce through
   these, each result computed in float and rounded (as PyTorch adds half
   tensors). */
#define HALF_OP(name, TO_F32, FROM_F32, EXPR)                                      \
    static void name(void *in, void *inout, int *len, MPI_Datatype *type)         \
    {                                                                              \
        (void)type;                                                                \
        const uint16_t *x = in;                                                    \
        uint16_t *y = inout;                                                       \
        for (int i = 0; i < *len; i++) {                                           \
            float a = TO_F32(x[i]), b = TO_F32(y[i]);                              \
            y[i] = FROM_F32(EXPR);                                                 \
        }                                                                          \
    }
#define HALF_OPS(kind, TO_F32, FROM_F32)                                           \
    HALF_OP(kind##_sum, TO_F32, FROM_F32, a + b)                                   \
    HALF_OP(kind##_max, TO_F32, FROM_F32, a != a || a > b ? a : b)                 \
    HALF_OP(kind##_min, TO_F32, FROM_F32, a != a || a < b ? a : b)
HALF_OPS(f16, tg__f16_to_f32, tg__f16_from_f32)
HALF_OPS(bf16, tg__bf16_to_f32, tg__bf16_from_f32)

/* [0] float16, [1] bfloat16; by tg_dist_op with MEAN as SUM. */
static MPI_Op half_ops[2][4];

int tg__dist_make_ops(void)
{
    MPI_User_function *fns[2][3] = {{f16_sum, f16_max, f16_min}, {bf16_sum, bf16_max, bf16_min}};
    for (int k = 0; k < 2; k++)
        for (int i = 0; i < 3; i++)
            if (MPI_Op_create(fns[k][i], 1, &half_ops[k][i]) != MPI_SUCCESS) return -1;
    for (int k = 0; k < 2; k++) {
        half_ops[k][TG_DIST_MIN] = half_ops[k][2];
        half_ops[k][TG_DIST_MAX] = half_ops[k][1];
        half_ops[k][TG_DIST_MEAN] = half_ops[k][TG_DIST_SUM];
    }
    return 0;
}

void tg__dist_free_ops(void)
{
    for (int k = 0; k < 2; k++) {
        MPI_Op_free(&half_ops[k][TG_DIST_SUM]);
        MPI_Op_free(&half_ops[k][TG_DIST_MAX]);
        MPI_Op_free(&half_ops[k][TG_DIST_MIN]);
    }
}

/* ------------------------------------------------------ types and ops */

static const char *const OP_NAMES[] = {"SUM", "MEAN", "MAX", "MIN"};

int tg__dist_mpi_type(const char *fn, tg_dtype dt, tg_dist_op op, MPI_Datatype *type, MPI_Op *mpi_op)
{
    if ((unsigned)op > TG_DIST_MIN) return tg_set_error(TG_E_INVALID, "%s(): %d is not a tg_dist_op", fn, (int)op);
    static const MPI_Op PLAIN[] = {[TG_DIST_SUM] = MPI_SUM, [TG_DIST_MEAN] = MPI_SUM, [TG_DIST_MAX] = MPI_MAX,
                                   [TG_DIST_MIN] = MPI_MIN};
    bool complex = dt == TG_C64 || dt == TG_C128, floating = dt == TG_F32 || dt == TG_F64 || dt == TG_F16 ||
                                                             dt == TG_BF16;
    if (op == TG_DIST_MEAN && !floating && !complex)
        return tg_set_error(TG_E_DTYPE, "%s(): MEAN needs a floating or complex tensor, got %s", fn, tg_dtype_name(dt));
    if (complex && (op == TG_DIST_MAX || op == TG_DIST_MIN))
        return tg_set_error(TG_E_DTYPE, "%s(): %s is not defined for complex tensors (%s)", fn, OP_NAMES[op],
                            tg_dtype_name(dt));
    *mpi_op = PLAIN[op];
    switch (dt) {
    case TG_F32: *type = MPI_FLOAT; break;
    case TG_F64: *type = MPI_DOUBLE; break;
    case TG_C64: *type = MPI_C_FLOAT_COMPLEX; break;
    case TG_C128: *type = MPI_C_DOUBLE_COMPLEX; break;
    case TG_I32: *type = MPI_INT32_T; break;
    case TG_I64: *type = MPI_INT64_T; break;
    case TG_I8: *type = MPI_INT8_T; break;
    case TG_U8: *type = MPI_UINT8_T; break;
    case TG_I16: *type = MPI_INT16_T; break;
    case TG_F16: case TG_BF16:
        *type = MPI_UINT16_T;
        *mpi_op = half_ops[dt == TG_BF16][op];
        break;
    case TG_BOOL:   /* sum and max: any rank's true; min: every rank's */
        *type = MPI_C_BOOL;
        *mpi_op = op == TG_DIST_MIN ? MPI_LAND : MPI_LOR;
        break;
    default: return tg_set_error(TG_E_DTYPE, "%s(): %d is not a tg_dtype", fn, (int)dt);
    }
    return 0;
}

void tg__dist_divide(void *p, int64_t n, tg_dtype dt, int size)
{
    switch (dt) {
    case TG_F32: for (int64_t i = 0; i < n; i++) ((float *)p)[i] /= (float)size; break;
    case TG_F64: for (int64_t i = 0; i < n; i++) ((double *)p)[i] /= size; break;
    case TG_C64: for (int64_t i = 0; i < 2 * n; i++) ((float *)p)[i] /= (float)size; break;
    case TG_C128: for (int64_t i = 0; i < 2 * n; i++) ((double *)p)[i] /= size; break;
    case TG_F16:
        for (int64_t i = 0; i < n; i++) ((uint16_t *)p)[i] = tg__f16_from_f32(tg__f16_to_f32(((uint16_t *)p)[i]) / (float)size);
        break;
    case TG_BF16:
        for (int64_t i = 0; i < n; i++)
            ((uint16_t *)p)[i] = tg__bf16_from_f32(tg__bf16_to_f32(((uint16_t *)p)[i]) / (float)size);
        break;
    default: break;
    }
}

/* ------------------------------------------------------------- checks */

/* t is a usable operand: not NULL, contiguous. */
static int check_tensor(const char *fn, const char *what, const tg_tensor *t)
{
    if (!t) return tg_set_error(TG_E_NULL, "%s(): %s is NULL", fn, what);
    if (tg_ndim(t) < 0) return -1;   /* a tensor used after its scope: tensorgrad's error */
    if (!tg_is_contiguous(t)) return tg_set_error(TG_E_INVALID, "%s(): Tensors must be contiguous (%s)", fn, what);
    return 0;
}

/* other has t's dtype and shape. */
static int check_like(const char *fn, const char *what, const tg_tensor *other, const tg_tensor *t)
{
    if (check_tensor(fn, what, other)) return -1;
    if (tg_dtype_of(other) != tg_dtype_of(t))
        return tg_set_error(TG_E_DTYPE, "%s(): %s is %s, the tensor %s", fn, what, tg_dtype_name(tg_dtype_of(other)),
                            tg_dtype_name(tg_dtype_of(t)));
    if (tg_ndim(other) != tg_ndim(t) ||
        memcmp(tg_shape(other), tg_shape(t), (size_t)tg_ndim(t) * sizeof(int64_t)) != 0)
        return tg_set_error(TG_E_SHAPE, "%s(): %s has another shape than the tensor", fn, what);
    return 0;
}

/* big has a first dim of world size times small's (or of world size when
   small is 0-dim) and small's other dims. */
static int check_stacked(const char *fn, const char *what, const tg_tensor *big, const tg_tensor *small)
{
    if (check_tensor(fn, what, big)) return -1;
    if (tg_dtype_of(big) != tg_dtype_of(small))
        return tg_set_error(TG_E_DTYPE, "%s(): %s is %s, the other tensor %s", fn, what,
                            tg_dtype_name(tg_dtype_of(big)), tg_dtype_name(tg_dtype_of(small)));
    if (tg_numel(big) != tg_numel(small) * tg__dist.size)
        return tg_set_error(TG_E_SHAPE, "%s(): %s must hold world size (%d) times the other tensor's %lld elements, "
                            "not %lld", fn, what, tg__dist.size, (long long)tg_numel(small), (long long)tg_numel(big));
    return 0;
}

/* An MPI count: numel fits an int (MPI counts are int). */
static int count_of(const char *fn, const tg_tensor *t, int *count)
{
    int64_t n = tg_numel(t);
    if (n > 0x7fffffff)
        return tg_set_error(TG_E_INVALID, "%s(): %lld elements are more than one MPI call moves", fn, (long long)n);
    *count = (int)n;
    return 0;
}

/* --------------------------------------------------------- all_reduce */

struct tg_dist_work {
    MPI_Request req;
    tg_tensor *t;
    tg_dist_op op;
};

tg_dist_work *tg__dist_all_reduce_start(tg_tensor *t, tg_dist_op op, bool agree)
{
    static const char *const FN = "tg_dist_all_reduce";
    MPI_Datatype type = MPI_DATATYPE_NULL;
    MPI_Op mpi_op = MPI_OP_NULL;
    int count = 0;
    if (tg__dist_ready(FN) || check_tensor(FN, "the tensor", t) || count_of(FN, t, &count) ||
        tg__dist_mpi_type(FN, tg_dtype_of(t), op, &type, &mpi_op) ||
        (agree && tg__dist_agree(FN, DIST_ALL_REDUCE, op, 0, t)))
        return NULL;
    tg_dist_work *w = malloc(sizeof *w);
    if (!w) return tg_set_error(TG_E_OOM, "%s(): out of memory", FN), NULL;
    *w = (tg_dist_work){.t = t, .op = op};
    int rc = MPI_Iallreduce(MPI_IN_PLACE, tg_data_ptr(t), count, type, mpi_op, tg__dist.comm, &w->req);
    if (rc != MPI_SUCCESS) {
        free(w);
        return tg__dist_mpi_error(FN, rc), NULL;
    }
    return w;
}

tg_dist_work *tg_dist_all_reduce_async(tg_tensor *t, tg_dist_op op) { return tg__dist_all_reduce_start(t, op, true); }

void tg__dist_progress(tg_dist_work *w)
{
    int done = 0;   /* a finished request becomes MPI_REQUEST_NULL, which tg_dist_wait takes as done */
    MPI_Test(&w->req, &done, MPI_STATUS_IGNORE);
}

int tg_dist_wait(tg_dist_work *w)
{
    if (!w) return tg_set_error(TG_E_NULL, "tg_dist_wait(): the work is NULL");
    int rc = tg__dist_wait("tg_dist_wait", &w->req);
    if (rc == 0 && w->op == TG_DIST_MEAN) tg__dist_divide(tg_data_ptr(w->t), tg_numel(w->t), tg_dtype_of(w->t), tg__dist.size);
    free(w);
    return rc;
}

int tg_dist_all_reduce(tg_tensor *t, tg_dist_op op)
{
    tg_dist_work *w = tg_dist_all_reduce_async(t, op);
    return w ? tg_dist_wait(w) : -1;
}

/* ---------------------------------------------------------- broadcast */

int tg_dist_broadcast(tg_tensor *t, int src)
{
    static const char *const FN = "tg_dist_broadcast";
    MPI_Datatype type = MPI_DATATYPE_NULL;
    MPI_Op unused = MPI_OP_NULL;
    int count = 0;
    if (tg__dist_ready(FN) || check_tensor(FN, "the tensor", t) || count_of(FN, t, &count)) return -1;
    if (src < 0 || src >= tg__dist.size)
        return tg_set_error(TG_E_INDEX, "%s(): source rank %d is not in the group of %d", FN, src, tg__dist.size);
    if (tg__dist_mpi_type(FN, tg_dtype_of(t), TG_DIST_SUM, &type, &unused) ||
        tg__dist_agree(FN, DIST_BROADCAST, 0, src, t))
        return -1;
    MPI_Request req;
    int rc = MPI_Ibcast(tg_data_ptr(t), count, type, src, tg__dist.comm, &req);
    return rc != MPI_SUCCESS ? tg__dist_mpi_error(FN, rc) : tg__dist_wait(FN, &req);
}

/* --------------------------------------------------------- all_gather */

/* Every rank's t into out (world size times its bytes), rank by rank. */
static int gather_into(const char *fn, void *out, const tg_tensor *t)
{
    MPI_Datatype type = MPI_DATATYPE_NULL;
    MPI_Op unused = MPI_OP_NULL;
    int count = 0;
    if (count_of(fn, t, &count) || tg__dist_mpi_type(fn, tg_dtype_of(t), TG_DIST_SUM, &type, &unused) ||
        tg__dist_agree(fn, DIST_ALL_GATHER, 0, 0, t))
        return -1;
    MPI_Request req;
    int rc = MPI_Iallgather(tg_data_ptr(t), count, type, out, count, type, tg__dist.comm, &req);
    return rc != MPI_SUCCESS ? tg__dist_mpi_error(fn, rc) : tg__dist_wait(fn, &req);
}

int tg_dist_all_gather(tg_tensor *const *outs, const tg_tensor *t)
{
    static const char *const FN = "tg_dist_all_gather";
    if (tg__dist_ready(FN) || check_tensor(FN, "the tensor", t)) return -1;
    if (!outs) return tg_set_error(TG_E_NULL, "%s(): the output list is NULL", FN);
    for (int r = 0; r < tg__dist.size; r++)
        if (check_like(FN, "an output tensor", outs[r], t)) return -1;
    size_t bytes = (size_t)tg_numel(t) * tg_element_size(t);
    char *all = malloc(bytes * (size_t)tg__dist.size + 1);
    if (!all) return tg_set_error(TG_E_OOM, "%s(): out of memory", FN);
    int rc = gather_into(FN, all, t);
    for (int r = 0; r < tg__dist.size && rc == 0; r++) memcpy(tg_data_ptr(outs[r]), all + bytes * (size_t)r, bytes);
    free(all);
    return rc;
}

int tg_dist_all_gather_into_tensor(tg_tensor *out, const tg_tensor *t)
{
    static const char *const FN = "tg_dist_all_gather_into_tensor";
    if (tg__dist_ready(FN) || check_tensor(FN, "the tensor", t) || check_stacked(FN, "the output", out, t)) return -1;
    return gather_into(FN, tg_data_ptr(out), t);
}

/* ----------------------------------------------------- reduce_scatter */

/* The reduction of the ranks' blocks of `in` (world size blocks of out's
   size), this rank's block into out. */
static int scatter_from(const char *fn, tg_tensor *out, const void *in, tg_dist_op op)
{
    MPI_Datatype type = MPI_DATATYPE_NULL;
    MPI_Op mpi_op = MPI_OP_NULL;
    int count = 0;
    if (count_of(fn, out, &count) || tg__dist_mpi_type(fn, tg_dtype_of(out), op, &type, &mpi_op) ||
        tg__dist_agree(fn, DIST_REDUCE_SCATTER, op, 0, out))
        return -1;
    MPI_Request req;
    int rc = MPI_Ireduce_scatter_block(in, tg_data_ptr(out), count, type, mpi_op, tg__dist.comm, &req);
    rc = rc != MPI_SUCCESS ? tg__dist_mpi_error(fn, rc) : tg__dist_wait(fn, &req);
    if (rc == 0 && op == TG_DIST_MEAN) tg__dist_divide(tg_data_ptr(out), tg_numel(out), tg_dtype_of(out), tg__dist.size);
    return rc;
}

int tg_dist_reduce_scatter(tg_tensor *out, const tg_tensor *const *ins, tg_dist_op op)
{
    static const char *const FN = "tg_dist_reduce_scatter";
    if (tg__dist_ready(FN) || check_tensor(FN, "the output", out)) return -1;
    if (!ins) return tg_set_error(TG_E_NULL, "%s(): the input list is NULL", FN);
    for (int r = 0; r < tg__dist.size; r++)
        if (check_like(FN, "an input tensor", ins[r], out)) return -1;
    size_t bytes = (size_t)tg_numel(out) * tg_element_size(out);
    char *all = malloc(bytes * (size_t)tg__dist.size + 1);
    if (!all) return tg_set_error(TG_E_OOM, "%s(): out of memory", FN);
    for (int r = 0; r < tg__dist.size; r++) memcpy(all + bytes * (size_t)r, tg_data_ptr(ins[r]), bytes);
    int rc = scatter_from(FN, out, all, op);
    free(all);
    return rc;
}

int tg_dist_reduce_scatter_tensor(tg_tensor *out, const tg_tensor *in, tg_dist_op op)
{
    static const char *const FN = "tg_dist_reduce_scatter_tensor";
    if (tg__dist_ready(FN) || check_tensor(FN, "the output", out) || check_stacked(FN, "the input", in, out)) return -1;
    return scatter_from(FN, out, tg_data_ptr(in), op);
}
