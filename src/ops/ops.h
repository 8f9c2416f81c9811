/* The ops layer: the operations, public and internal, each beside what it
   saves and its derivative (docs/adding_an_op.md). Operations check their
   arguments, run kernels, and record nodes in the graph. */
#ifndef TG_OPS_H
#define TG_OPS_H

#include "../graph/graph.h"
#include "../kernels/kernels.h"
#include "../kernels/widen.h"

/* ---------------------------------------------------------- derivatives */

/* A derivative writes the gradient of each input that needs one (edge i
   has a node) into grad_inputs[i], from the gradient of the node's output;
   0, or -1 with an error. A needed input left NULL receives no gradient.
   The engine sums results back to each input's shape and dtype. */
typedef int (*tg_derivative_fn)(tg_node *node, tg_tensor *grad, tg_tensor **grad_inputs);

#define TG_OP(id, name, derivative) int derivative(tg_node *node, tg_tensor *grad, tg_tensor **grad_inputs);
#include "../graph/ops.def"

/* The derivative of each row of ops.def (NULL for AccumulateGrad). */
extern const tg_derivative_fn TG_DERIVATIVES[TG_OP_COUNT];

/* Within a derivative of node n: whether input i needs a gradient, and the
   i-th saved tensor (NULL with an error when it was freed or changed). */
#define NEED(i) (n->next[(i)].node != NULL)
#define SAVED(i) tg__unpack(n, (i))
/* A custom function's derivative from the gradients of all its outputs
   (NULL: none came in), Note [Custom function outputs] in function.c. */
int tg__function_backward(tg_node *node, tg_tensor *const *grad_outputs, tg_tensor **grad_inputs);
/* -1 when a needed gradient came out NULL (an operation failed), else 0. */
int tg__derivative_done(const tg_node *n, tg_tensor *const *grad_inputs);

/* ------------------------------------------------- internal operations */

/* Complex tensors (complex.c). The real dtype of complex dt's parts (dt
   itself when real). 0, or -1 with PyTorch's error when complex dt has no
   kernel k. */
tg_dtype tg__complex_value_type(tg_dtype dt);
int tg__check_complex_unary(tg_unary_kernel k, tg_dtype dt);
int tg__check_complex_binary(tg_binary_kernel k, tg_dtype dt);
/* -1 when a or b (either may be NULL) is complex: with PyTorch's message
   for the functions it refuses complex in (sort, argsort, topk, max_dim,
   min_dim), else "<fn>(): complex tensors are not supported yet" for
   operations PyTorch has for complex that this library does not compute
   for them yet. */
int tg__refuse_complex(const char *fn, const tg_tensor *a, const tg_tensor *b);
/* |t| (real; AbsBackward0) and sgn(t) = t / |t|, 0 at 0 (composed) of complex t. */
tg_tensor *tg__complex_abs(const tg_tensor *t);
tg_tensor *tg__complex_sgn(const tg_tensor *t);

/* A copy of t in dtype dt (contiguous), with no history. */
tg_tensor *tg__cast(const tg_tensor *t, tg_dtype dt);
/* Note [Half in float]: the nn operations PyTorch computes in float for
   float16 and bfloat16 tensors (normalisations, convolutions) compute a
   half input's value from float copies, round it to the input's dtype and
   record their own node; their derivatives widen what they read the same
   way, so that a gradient is the float one rounded once (the engine casts
   it to the input's dtype). This is the float copy of a half t (tg_to:
   recorded under create_graph), t itself otherwise; NULL stays NULL. */
static inline tg_tensor *tg__widened(const tg_tensor *t)
{
    return t && tg__is_half(t->dtype) ? tg_to(t, TG_F32) : (tg_tensor *)t;
}
/* tg__widened of each of the n tensors in (NULL ones stay NULL) into out;
   -1 when one fails. */
static inline int tg__widen_all(const tg_tensor *const *in, tg_tensor **out, int n)
{
    for (int i = 0; i < n; i++)
        if (!(out[i] = tg__widened(in[i])) && in[i]) return -1;
    return 0;
}
tg_tensor *tg__scalar_tensor(double v, tg_dtype dt);
/* a k b computed in dtype dt (a and b converted first), into a new tensor
   of the kernel's result dtype; no history. */
tg_tensor *tg__binary_kernel(tg_binary_kernel k, const tg_tensor *a, const tg_tensor *b, tg_dtype dt);
/* Comparisons and where without history. */
tg_tensor *tg__compare(tg_binary_kernel k, const tg_tensor *a, const tg_tensor *b);
tg_tensor *tg__compare_scalar(tg_binary_kernel k, const tg_tensor *a, double s);
tg_tensor *tg__where(const tg_tensor *cond, const tg_tensor *a, const tg_tensor *b);

/* Reduce g to shape by summing broadcast dims (differentiable). */
tg_tensor *tg__sum_to(const tg_tensor *g, const int64_t *shape, int ndim);

/* Differentiable building blocks not in the public API. */
tg_tensor *tg__unsafe_view(const tg_tensor *t, const int64_t *shape, int ndim);
/* matmul's squeeze_ of its own result (SqueezeBackward3). */
tg_tensor *tg__squeeze_inplace(const tg_tensor *t, int64_t dim);
/* clone(memory_format=torch.contiguous_format): CloneBackward0, contiguous. */
tg_tensor *tg__clone_contiguous(const tg_tensor *t);
/* A leaf's first .grad: a copy of g in the leaf's dtype, laid out as the
   leaf when it is dense, else contiguous (PyTorch's gradient layout
   contract). In grad mode the copy is recorded (CopyBackwards). */
tg_tensor *tg__grad_copy(const tg_tensor *g, const tg_tensor *leaf);
/* relu's derivative, PyTorch's threshold_backward(g, y, 0): g where y > 0. */
tg_tensor *tg__threshold_backward(const tg_tensor *g, const tg_tensor *y);
/* A fused activation derivative k(g, v) recorded as op (ops/unary.c). */
tg_tensor *tg__pointwise_backward(tg_op op, tg_binary_kernel k, const tg_tensor *g, const tg_tensor *v, const void *p,
                                  size_t size);
/* A view of t's storage with geometry v (AsStridedBackward0). */
tg_tensor *tg__as_strided(const tg_tensor *t, const tg_strided *v);
/* as_strided's gradient: a tensor laid out as base (in a storage of its own)
   holding g's elements summed where v would read them. */
tg_tensor *tg__as_strided_backward(const tg_tensor *g, const tg_strided *base, const tg_strided *v);
/* A new tensor of zeros with s's shape and strides, at offset 0 of a storage
   just large enough (PyTorch's new_empty_strided, zeroed). */
tg_tensor *tg__zeros_strided(tg_dtype dt, const tg_strided *s);

/* in-place machinery (ops/inplace.c), for every operation that writes in
   place (ops/inplace_unary.c, inplace_pointwise.c, index.c, shape.c, ...) */
/* PyTorch's checks before writing into t (with other, may be NULL), in its
   order: autograd's (a view made in no-grad mode, a view of a leaf, a leaf),
   then the kernels' refusal of a tensor whose elements share memory (fill_
   and zero_ skip that one: PyTorch lets them write an expanded tensor). */
int tg__check_inplace(const tg_tensor *t, const tg_tensor *other, bool overlap);
/* PyTorch's assert_no_partial_overlap: the operand read may be t itself or
   lie apart from it, not partly over it (t.add_(t.t()) would read values
   it has already written). Layouts too hard to tell (not dense) pass, as in
   PyTorch. */
int tg__check_overlap(const tg_tensor *t, const tg_tensor *other);
/* A copy of t's current value that stands for t in the graph. */
tg_tensor *tg__stand_in(const tg_tensor *t);
/* Writes result, an out-of-place operation's result on t, into t, which
   takes over its history (rebased as PyTorch's when t is a view); t, or
   NULL with an error. */
tg_tensor *tg__commit(tg_tensor *t, const tg_tensor *result);
/* An in-place result must have t's shape (broadcasting may not grow t): 0,
   or -1 with PyTorch's "output with shape ... doesn't match the broadcast
   shape ...". */
int tg__check_fits(const tg_tensor *t, const int64_t *shape, int ndim);
/* An in-place operation: its out-of-place twin (which records it), the
   kernel for the direct path, whether its derivative reads self, and
   whether it refuses a scalar that promotes self with words of its own
   (pow_'s). */
typedef struct tg_inplace_def {
    tg_tensor *(*tensor_op)(const tg_tensor *, const tg_tensor *);
    tg_tensor *(*scalar_op)(const tg_tensor *, double);
    tg_binary_kernel kernel;
    bool reads_self;
    bool own_scalar_check;
} tg_inplace_def;
/* t (op) other, or t (op) s, written into t; fn is the public function's
   name, for errors. */
tg_tensor *tg__inplace_binary(const char *fn, tg_tensor *t, const tg_tensor *other, const tg_inplace_def *d);
tg_tensor *tg__inplace_scalar(const char *fn, tg_tensor *t, double s, const tg_inplace_def *d);

/* elementwise functions and activations */
/* A unary kernel's operation (ops/unary.c): checks x (errors name fn),
   promotes integers the kernel has no body for, records op and saves in
   slot 0 what its derivative reads. */
typedef enum tg_unary_saves { TG_SAVES_NOTHING, TG_SAVES_INPUT, TG_SAVES_RESULT } tg_unary_saves;
tg_tensor *tg__unary(const char *fn, tg_unary_kernel k, tg_op op, tg_unary_saves saves, const tg_tensor *x);
/* A unary node's one gradient g (NULL when an operation failed): 0 or -1. */
int tg__gradient(tg_tensor **grad_inputs, tg_tensor *g);
/* 0, or -1 with PyTorch's error naming its kernel when x is bool, or an
   integer and ints is false. */
int tg__floating_only(const char *kernel, bool ints, const tg_tensor *x);
/* tg__unary after that check. */
tg_tensor *tg__unary_typed(const char *fn, const char *kernel, bool ints, tg_unary_kernel k, tg_op op,
                           tg_unary_saves saves, const tg_tensor *x);
/* Activations with parameters (ops/activation.c), for their in-place
   forms: fn names the public function; is_result and the op of elu (ELU,
   ELU_, CELU, CELU_) ask for the node that saves the result, as PyTorch's
   in-place forms do. */
tg_tensor *tg__leaky_relu(const char *fn, const tg_tensor *x, double slope, bool is_result);
tg_tensor *tg__elu(const char *fn, const tg_tensor *x, double alpha, double scale, double input_scale, tg_op op);
tg_tensor *tg__selu(const char *fn, const tg_tensor *x, tg_op op);
tg_tensor *tg__celu(const char *fn, const tg_tensor *x, double alpha, tg_op op);
tg_tensor *tg__hardtanh(const char *fn, const tg_tensor *x, double min_val, double max_val);
/* silu; in_place: for silu_, which records a complex derivative */
tg_tensor *tg__silu(const char *fn, const tg_tensor *x, bool in_place);

/* reductions, sorting and scans */
/* sum and mean (ops/reduce.c), and the reductions that read them back:
   which of the input's dims were reduced, whether they were kept, and
   (mean) how many elements each result averages. */
typedef struct tg_reduce_params {
    bool reduced[TG_MAX_DIMS];
    bool keepdim;
    int64_t count;
} tg_reduce_params;
/* Parses dims into a mask over t's dimensions; an empty list means all. */
int tg__dims_mask(const char *fn, const tg_tensor *t, const int64_t *dims, int ndims, bool *mask);
/* Records out = op(t) saving t (slot 0) and out (slot 1), as the
   derivatives of extrema, products and norms read both. */
tg_tensor *tg__record_in_out(tg_tensor *out, tg_record what, const tg_tensor *t);
/* Puts back the reduced dims of g when they were not kept (PyTorch's
   restore_reduced_dims); the node's params start with tg_reduce_params. */
tg_tensor *tg__restore_reduced(const tg_node *n, tg_tensor *g);
/* A reduction by one kernel over dims: prod, all and any (ops/reduce.c),
   max, min, amax and amin (ops/extremes.c). */
typedef struct tg_fold_def {
    const char *name;      /* PyTorch's, in its messages */
    tg_reduce_op kernel;
    tg_op op;              /* TG_OP_ACCUMULATE_GRAD: not differentiable, no node */
    bool needs_elements;   /* no identity: reduced dims must not be empty */
} tg_fold_def;
/* d's reduction of t over dims (NULL, 0: all), saving the input
   (slot 0) and the result (slot 1) for its derivative. Products of
   integers are TG_I64 and all and any TG_BOOL, as in PyTorch. */
tg_tensor *tg__fold(const char *fn, const tg_fold_def *d, const tg_tensor *t, const int64_t *dims, int ndims,
                    bool keepdim);
/* torch.norm(t, p, dim, keepdim) (NormBackward1): vector_norm's values
   and derivative over one dim; fn names the public function. */
tg_tensor *tg__norm_dim(const char *fn, const tg_tensor *t, double p, int64_t dim, bool keepdim);
/* x != x and t != 0 (NaN is), bool, without history (NULL gives NULL). */
tg_tensor *tg__isnan(const tg_tensor *x);
tg_tensor *tg__nonzero(const tg_tensor *t);
/* x (n along dim) unsqueezed at dim and expanded to n x n there: element
   [.., k, i, ..] is x[.., i, ..]; *mask is i cmp k, shaped to broadcast
   against it. For second derivatives that need each run without one of
   its elements (prod and cumprod with zeros). NULL with an error. */
tg_tensor *tg__pairs(const tg_tensor *x, int64_t dim, tg_binary_kernel cmp, tg_tensor **mask);
/* Sums g along dim in reverse: element k is the sum of g's from k on. */
tg_tensor *tg__reversed_cumsum(const tg_tensor *g, int64_t dim);

/* shape and joining */
/* A view of t with this geometry, recorded as `what`. */
tg_tensor *tg__view_of(const tg_tensor *t, tg_record what, const int64_t *shape, const int64_t *strides, int ndim,
                       int64_t offset);
/* Which output of PyTorch's node the view with history n is (Note
   [Multi-output views] in join.c); 0 for a node of one output. */
int tg__multi_output(const tg_node *n);
/* The geometry of t's part [at, at + len) along dim d, or of its index at
   along d (the dim dropped) when len is -1: a struct over t's storage for
   kernels to read or write, holding no references. */
tg_tensor tg__part(const tg_tensor *t, int d, int64_t at, int64_t len);

/* indexing */
/* self.scatter(dim, index, value) (ScatterBackward1). */
tg_tensor *tg__scatter_value(const tg_tensor *t, int64_t dim, const tg_tensor *index, double value);
/* t.masked_scatter(mask, source) (MaskedScatterBackward0), mask broadcast
   to t and source holding exactly its true count: masked_select's gradient. */
tg_tensor *tg__masked_scatter(const tg_tensor *t, const tg_tensor *mask, const tg_tensor *source);

/* pointwise binary operations, comparisons and clamp */
/* A dtype as PyTorch's messages name its C++ type ("long int"). */
const char *tg__cxx_type_name(tg_dtype dt);
/* clamp's result dtype for these bounds (NULL: none). */
tg_dtype tg__clamp_dtype(const tg_tensor *t, const double *min, const double *max);
/* Whether t has a nonzero element: 1, 0, or -1 with an error. */
int tg__any_nonzero(const tg_tensor *t);
/* 1 / t (differentiable), as PyTorch's reciprocal. */
tg_tensor *tg__reciprocal(const tg_tensor *t);
/* An in-place comparison's result, in t's dtype and recorded as op (other
   NULL: compared with s). */
tg_tensor *tg__compare_into_dtype(tg_binary_kernel k, tg_op op, const tg_tensor *t, const tg_tensor *other, double s);

/* linear algebra, creation and random */
/* t * s as C++ multiplies by a Scalar (mul.Scalar: MulBackward1), as
   derivatives and PyTorch's compositions of losses do (ops/linalg.c). */
tg_tensor *tg__mul_scalar_node(const tg_tensor *t, double s);

/* t + s and t / s as PyTorch's C++ code computes them, with a double
   Scalar (AddBackward1, DivBackward1; ops/scalar_nodes.c): integer tensors
   become TG_F32. */
tg_tensor *tg__add_scalar_node(const tg_tensor *t, double s);
tg_tensor *tg__div_scalar_node(const tg_tensor *t, double s);

/* A new tensor of t's dtype and shape laid out as PyTorch's
   empty_like(t) (preserve_format), holding zeros; fn names the public
   function. */
tg_tensor *tg__empty_like(const char *fn, const tg_tensor *t);

/* losses (ops/loss.c, loss_binary.c, loss_classification.c) */
/* 0, or -1 with PyTorch's "... is not a valid value for reduction";
   batchmean: whether TG_BATCHMEAN is one (kl_div). */
int tg__check_reduction(tg_reduction r, bool batchmean);
/* PyTorch's apply_loss_reduction: the mean, the sum, or unreduced itself. */
tg_tensor *tg__reduce_loss(tg_tensor *unreduced, tg_reduction r);
/* 0, or -1 with PyTorch's error when weight (may be NULL) requires grad
   in grad mode; function and argument are PyTorch's names. */
int tg__check_weight_grad(const char *function, const char *argument, const tg_tensor *weight);

/* forward AD (ops/tangents.c): the hook tg__record calls (graph/graph.h),
   whether op has a tangent rule, and tangent as its primal's tangent: a
   tensor of its values laid out as primal is in a storage of primal's size
   (Note [Tangent layout] in graph/dual.c); tangent itself when it is. */
int tg__propagate_tangent(tg_tensor *out, const tg_record *what, const tg_tensor *const *inputs, int n);
bool tg__has_tangent_rule(tg_op op);
/* tangent (which stays the caller's) as out's tangent, fitted to out's
   shape and dtype and laid out as out is; 0, or -1 (also for a NULL one). */
int tg__attach_tangent(tg_tensor *out, tg_tensor *tangent);
tg_tensor *tg__mirror_tangent(const tg_tensor *primal, const tg_tensor *tangent);
/* -1 with PyTorch's forward AD error for aten_name when tangents are being
   propagated and an operand (any may be NULL) has one, else 0: a
   derivative composed of operations where PyTorch's is one operation
   without a forward formula (native_layer_norm_backward). */
int tg__refuse_forward_ad(const char *aten_name, const tg_tensor *const *operands, int n);

/* Operations run again on tangents by forward AD's rules
   (ops/tangents_nn.c), with the parameters their nodes keep: params is
   the record's. fold_again runs im2col or col2im (op); the convolution's
   x is batched. */
tg_tensor *tg__convolution_again(const tg_tensor *x, const tg_tensor *weight, const tg_tensor *bias, const void *params);
tg_tensor *tg__fold_again(tg_op op, const tg_tensor *t, const void *params);
tg_tensor *tg__constant_pad_again(const tg_tensor *t, const void *params);
tg_tensor *tg__embedding_dense_backward_again(const tg_tensor *g, const tg_tensor *indices, const void *params);
/* mse, smooth_l1 and huber (op: the loss's row or its backward's): the
   slope in x of the loss of x - y times norm and g (PyTorch's
   *_loss_backward), and the slope's slope times norm, without history. */
tg_tensor *tg__loss_backward_again(tg_op op, const void *params, double norm, const tg_tensor *g, const tg_tensor *x,
                                   const tg_tensor *y);
tg_tensor *tg__loss_curvature(tg_op op, const void *params, double norm, const tg_tensor *x, const tg_tensor *y);
/* binary_cross_entropy(_with_logits) (op): the unreduced gradient of the
   input (which 0) or the target (1) for g, with the record's weights
   (weight, pos_weight; either NULL). */
tg_tensor *tg__bce_gradient_again(tg_op op, int which, const tg_tensor *g, const tg_tensor *x, const tg_tensor *y,
                                  const tg_tensor *const *weights);
/* nll_loss or nll_loss2d (op) of x at the record's target and weight (its
   tangent_ctx). */
tg_tensor *tg__nll_again(tg_op op, const tg_tensor *x, const tg_tensor *const *target_and_weight, const void *params);

/* _trilinear again, with a TrilinearBackward0 record's parameters (ops/linear.c) */
tg_tensor *tg__trilinear_as(const void *params, const tg_tensor *i1, const tg_tensor *i2, const tg_tensor *i3);

/* index and index_put again, with an IndexBackward0 or IndexPut(Impl)Backward0
   record's parameters, during that record (ops/advanced_index.c) */
tg_tensor *tg__index_again(const void *params, const tg_tensor *t);
tg_tensor *tg__index_put_again(const void *params, tg_op op, const tg_tensor *t, const tg_tensor *values);

/* The parameters of operations whose tangent rules (ops/tangents_tensor.c)
   read more than their first member. A tensor's address among them (the
   index, the mask, the sort's indices) is for the rule only, which runs
   within tg__record: the derivative reads the saved tensor. */
typedef struct tg_flip_params {   /* ops/reorder.c */
    int ndims;
    int64_t dims[TG_MAX_DIMS];
} tg_flip_params;
typedef struct tg_roll_params {   /* ops/reorder.c */
    int n;
    bool flat;   /* no dims: t rolled as one flat dim */
    int64_t shifts[TG_MAX_DIMS], dims[TG_MAX_DIMS];
} tg_roll_params;
typedef struct tg_repeat_params {   /* ops/join.c */
    int n;
    int64_t repeats[TG_MAX_DIMS];
} tg_repeat_params;
typedef struct tg_index_params {   /* ops/index.c: the dim, index_add's alpha */
    int64_t dim;
    double alpha;
    const tg_tensor *index;
} tg_index_params;
typedef struct tg_scatter_reduce_params {   /* ops/index.c */
    int64_t dim;
    tg_scatter_reduction reduce;
    bool include_self;
    const tg_tensor *index;
} tg_scatter_reduce_params;
typedef struct tg_sort_params {   /* ops/sort.c */
    int64_t dim;
    const tg_tensor *indices;
} tg_sort_params;

#endif
