/* Forward AD's tangent rules: what a rule receives, and the rules kept in
   files of their own beside ops/tangents.c, which holds the table of rules
   keyed by graph/ops.def's ids. A rule computes its operation's output
   tangent from the primal inputs, the output and the inputs' tangents with
   the library's own operations (ops/tangents.c says how). */
#ifndef TG_OPS_TANGENTS_H
#define TG_OPS_TANGENTS_H

#include "ops.h"

typedef struct tangent_args {
    tg_op op;
    const tg_tensor *const *in;   /* the primal inputs; NULL for a Python number */
    tg_tensor *const *t;          /* their tangents; NULL for an input without one */
    int n;
    tg_tensor **zeros;            /* zeros in place of absent tangents, made on first use */
    const tg_tensor *out;         /* the primal result */
    const void *params;
    const void *ctx;              /* the record's tangent_ctx */
} tangent_args;

typedef tg_tensor *(*tangent_fn)(const tangent_args *a);

/* input i's tangent, or zeros of its shape when it has none */
tg_tensor *tg__tangent_or_zeros(const tangent_args *a, int i);

/* Shorthands for a rule's body, whose argument is named a. */
#define X(i) (a->in[(i)])
#define ZT(i) tg__tangent_or_zeros(a, (i))
#define T(i) (a->t[(i)])
#define Y (a->out)
#define FIRST_DOUBLE (*(const double *)a->params)
#define FIRST_DIM (*(const int64_t *)a->params)

/* rules of ops/tangents_tensor.c */
/* what a rule returns for a result without a tangent, where PyTorch's is
   undefined (ops/tangents.c attaches none) */
extern tg_tensor tg__no_tangent;
#define NO_TANGENT (&tg__no_tangent)
tg_tensor *tg__t_xlogy(const tangent_args *a);
tg_tensor *tg__t_fmod(const tangent_args *a);
tg_tensor *tg__t_remainder(const tangent_args *a);
tg_tensor *tg__t_reduction(const tangent_args *a);
tg_tensor *tg__t_max_dim(const tangent_args *a);
tg_tensor *tg__t_min_dim(const tangent_args *a);
tg_tensor *tg__t_cumprod(const tangent_args *a);
tg_tensor *tg__t_sort(const tangent_args *a);
tg_tensor *tg__t_tril(const tangent_args *a);
tg_tensor *tg__t_triu(const tangent_args *a);
tg_tensor *tg__t_flip(const tangent_args *a);
tg_tensor *tg__t_roll(const tangent_args *a);
tg_tensor *tg__t_repeat(const tangent_args *a);
tg_tensor *tg__t_gather(const tangent_args *a);
tg_tensor *tg__t_index_select(const tangent_args *a);
tg_tensor *tg__t_scatter(const tangent_args *a);
tg_tensor *tg__t_scatter_add(const tangent_args *a);
tg_tensor *tg__t_scatter_reduce(const tangent_args *a);
tg_tensor *tg__t_scatter_value(const tangent_args *a);
tg_tensor *tg__t_index_add(const tangent_args *a);
tg_tensor *tg__t_masked_select(const tangent_args *a);
tg_tensor *tg__t_masked_scatter(const tangent_args *a);
tg_tensor *tg__t_masked_fill(const tangent_args *a);
tg_tensor *tg__t_select_backward(const tangent_args *a);
tg_tensor *tg__t_slice_backward(const tangent_args *a);
tg_tensor *tg__t_diagonal_backward(const tangent_args *a);
tg_tensor *tg__t_trilinear(const tangent_args *a);
tg_tensor *tg__t_index(const tangent_args *a);
tg_tensor *tg__t_index_put(const tangent_args *a);
tg_tensor *tg__t_lerp(const tangent_args *a);
tg_tensor *tg__t_constant(const tangent_args *a);
tg_tensor *tg__t_compare_inplace(const tangent_args *a);
tg_tensor *tg__t_view_as_real(const tangent_args *a);
tg_tensor *tg__t_view_as_complex(const tangent_args *a);
tg_tensor *tg__t_conj(const tangent_args *a);
tg_tensor *tg__t_complex(const tangent_args *a);
tg_tensor *tg__t_angle(const tangent_args *a);
tg_tensor *tg__t_polar(const tangent_args *a);

/* rules of ops/tangents_nn.c */
tg_tensor *tg__t_pointwise_backward(const tangent_args *a);
tg_tensor *tg__t_mask_backward(const tangent_args *a);
tg_tensor *tg__t_threshold_backward(const tangent_args *a);
tg_tensor *tg__t_elu_backward(const tangent_args *a);
tg_tensor *tg__t_embedding(const tangent_args *a);
tg_tensor *tg__t_embedding_dense_backward(const tangent_args *a);
tg_tensor *tg__t_resample(const tangent_args *a);
tg_tensor *tg__t_resample_max(const tangent_args *a);
tg_tensor *tg__t_constant_pad(const tangent_args *a);
tg_tensor *tg__t_fold(const tangent_args *a);
tg_tensor *tg__t_convolution(const tangent_args *a);
tg_tensor *tg__t_regression_loss(const tangent_args *a);
tg_tensor *tg__t_regression_loss_backward(const tangent_args *a);
tg_tensor *tg__t_bce(const tangent_args *a);
tg_tensor *tg__t_nll(const tangent_args *a);
tg_tensor *tg__t_layer_norm(const tangent_args *a);
tg_tensor *tg__t_group_norm(const tangent_args *a);
tg_tensor *tg__t_batch_norm(const tangent_args *a);

#endif
