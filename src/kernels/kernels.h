/* The kernels layer: loops over strided memory. Kernels see tensors' bytes
   and geometry (the core), never a node or a gradient, allocate nothing
   but scratch space, and do not check their arguments: the operations
   above them have. */
#ifndef TG_KERNELS_H
#define TG_KERNELS_H

#include "../core/core.h"

/* Strided iteration over same-shaped operands (operand 0 is the output).
   The loop gets each operand's pointer and byte stride along the innermost
   (coalesced) dimension. */
typedef void (*tg_loop_fn)(char **data, const int64_t *strides, int64_t n, void *ctx);
typedef struct tg_iter_operand {
    char *data;
    int64_t strides[TG_MAX_DIMS];   /* bytes, aligned to the iteration shape */
} tg_iter_operand;
void tg__iter_run(tg_iter_operand *ops, int nops, const int64_t *shape, int ndim,
                  tg_loop_fn fn, void *ctx);
/* An operand for t broadcast to an ndim-dim shape (stride 0 along broadcast dims). */
void tg__operand(tg_iter_operand *op, const tg_tensor *t, int ndim);

/* The elementwise kernels of elementwise.def. */
typedef enum tg_unary_kernel {
#define TG_UNARY(id, floating, integer) TG_UN_##id,
#define TG_UNARY_FLOAT(id, floating) TG_UN_##id,
#define TG_BINARY(id, result, floating, integer)
#define TG_BINARY_FLOAT(id, result, floating)
#include "elementwise.def"
    TG_UN_COUNT
} tg_unary_kernel;

typedef enum tg_binary_kernel {
#define TG_UNARY(id, floating, integer)
#define TG_UNARY_FLOAT(id, floating)
#define TG_BINARY(id, result, floating, integer) TG_BIN_##id,
#define TG_BINARY_FLOAT(id, result, floating) TG_BIN_##id,
#include "elementwise.def"
    TG_BIN_COUNT
} tg_binary_kernel;

/* Whether the kernel has an integer body (else integer inputs must be
   promoted to a floating dtype first). */
bool tg__k_unary_takes_integers(tg_unary_kernel k);
bool tg__k_binary_takes_integers(tg_binary_kernel k);
/* The dtype of a binary kernel's result on operands of dtype dt. */
tg_dtype tg__k_binary_result(tg_binary_kernel k, tg_dtype dt);
/* out = k(a), all of one dtype. */
void tg__k_unary(tg_unary_kernel k, tg_tensor *out, const tg_tensor *a);
/* out = k(a, b): a and b of one dtype, broadcast to out's shape; out of
   tg__k_binary_result's dtype. */
void tg__k_binary(tg_binary_kernel k, tg_tensor *out, const tg_tensor *a, const tg_tensor *b);

/* dst (any strides) = src broadcast to dst's shape, converting dtypes. */
void tg__copy_into(tg_tensor *dst, const tg_tensor *src);
void tg__k_fill(tg_tensor *t, double v);
/* out = cond ? a : b, with a, b and out of one dtype and cond bool. */
void tg__k_where(tg_tensor *out, const tg_tensor *cond, const tg_tensor *a, const tg_tensor *b);
/* out[...] = sum of a over the dims where out has size 1 and a does not
   (out has a's rank). Accumulates in double (int64 for integers) in a
   buffer of its own: 0, or -1 when that cannot be allocated. */
int tg__k_sum_to(tg_tensor *out, const tg_tensor *a);
/* values/indices (a's rank, size 1 along dim) = max of a along dim. */
void tg__k_max_dim(tg_tensor *values, tg_tensor *indices, const tg_tensor *a, int dim);
/* c[b] = a[b] @ m[b]: c contiguous (B, M, N), a (B, M, K) and m (B, K, N)
   with any strides, all of one dtype. */
void tg__k_bmm(tg_tensor *c, const tg_tensor *a, const tg_tensor *m);

/* elementwise functions and activations */
/* The inverse error function as PyTorch computes it (special.c), in a's
   type. */
float tg__erfinvf(float y);
double tg__erfinv(double y);
#define TG_ERFINV(a) _Generic((a), float: tg__erfinvf, default: tg__erfinv)(a)
/* The constant c in the type of a; min(max(u, 0), 6) with NaN kept, as
   PyTorch's std::min and std::max keep it. */
#define TG_K(a, c) ((__typeof__(a))(c))
#define TG_RELU6(u) ((u) < 0 ? 0 : 6 < (u) ? 6 : (u))

/* reductions, sorting and scans */

/* shape and joining */

/* indexing */

/* pointwise binary operations, comparisons and clamp */

/* linear algebra, creation and random */

#endif
