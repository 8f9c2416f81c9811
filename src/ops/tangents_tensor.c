/* Forward AD's tangent rules of the tensor operations: xlogy, fmod and
   remainder, the reductions over dims (prod, the extremes, the moments,
   the norms, logsumexp), cumprod, sort and topk, the reorderings, indexing
   and scatters, advanced indexing, the gradients of views, _trilinear,
   lerp, the in-place comparisons, bernoulli and the complex operations.
   Each gives the values of the "result:" formula of PyTorch's
   derivatives.yaml (ops/tangents.c says how rules run; the table that
   names them is there too). Parameters read beyond a first member are
   ops/ops.h's structs. */
#include "tangents.h"

tg_tensor tg__no_tangent;

/* The derivative of op (a row of ops/derivatives.c) of one input shaped
   as `input`, run at g on a node of the stack that holds the rule's
   parameters and, in slots 0 and 1, the rule's input and result (what
   every derivative used here reads: ops/reduce.c's tg__record_in_out
   saves these two). */
static tg_tensor *derivative_of(const tangent_args *a, tg_op op, const tg_tensor *input, tg_tensor *g)
{
    tg_node node = {.op = op, .n_next = 1, .n_saved = 2, .params = (void *)a->params};
    tg_edge edge = {.node = &node};   /* any non-NULL edge: the gradient is needed */
    tg_meta in_meta;
    const tg_tensor *slots[2] = {X(0), Y};
    tg_saved saved[2];
    for (int i = 0; i < 2; i++)
        saved[i] = (tg_saved){.data = (tg_tensor *)slots[i], .version = atomic_load(&slots[i]->version->value),
                              .used = true, .multi_output_nr = -1};
    tg__meta_of(&in_meta, input);
    tg__meta_of(&node.out_meta, Y);
    node.next = &edge;
    node.in_meta = &in_meta;
    node.saved = saved;
    tg_tensor *gi = NULL;
    return g && !TG_DERIVATIVES[op](&node, g, &gi) ? gi : NULL;
}

/* the operation's own derivative at g */
static tg_tensor *derivative(const tangent_args *a, tg_tensor *g) { return derivative_of(a, a->op, X(0), g); }

/* ------------------------------------------------------------- binary */

/* xlogy(ta, b) (0 where a = 0 and b <= 0) + tb a / b */
tg_tensor *tg__t_xlogy(const tangent_args *a)
{
    tg_tensor *self = NULL, *other = NULL;
    if (T(0)) {
        tg_tensor *undefined = tg_logical_and(tg_eq_scalar(X(0), 0), tg_le_scalar(X(1), 0));
        self = tg_masked_fill(tg_xlogy(T(0), X(1)), undefined, 0);
        if (!self) return NULL;
    }
    if (T(1) && !(other = tg_div(tg_mul(T(1), X(0)), X(1)))) return NULL;
    return !self ? other : !other ? self : tg_add(self, other);
}

/* ta - tb q, q the quotient rounded as the operation rounds it (toward
   zero for fmod, down for remainder), which is piecewise constant */
static tg_tensor *modulo(const tangent_args *a, tg_binary_kernel rounded_div)
{
    if (!T(1)) return tg_clone(T(0));
    tg_dtype dt = tg__result_type(X(0), X(1));
    tg_tensor *q = tg__binary_kernel(rounded_div, X(0), X(1), dt);
    tg_tensor *other = q ? tg_mul(tg_neg(T(1)), q) : NULL;
    return T(0) && other ? tg_add(T(0), other) : other;
}
tg_tensor *tg__t_fmod(const tangent_args *a) { return modulo(a, TG_BIN_DIV_TRUNC); }
tg_tensor *tg__t_remainder(const tangent_args *a) { return modulo(a, TG_BIN_DIV_FLOOR); }

/* --------------------------------------------------------- reductions */

/* A reduction whose parameters start with tg_reduce_params (prod, max and
   min of all elements, amax, amin, var, std and their means, logsumexp,
   vector_norm): every input element reaches one result, so the tangent
   is sum(d result / d x * t) over the reduced dims, the operation's
   derivative at a gradient of ones giving d result / d x. That is
   derivatives.yaml's formula for prod, and the same sum as its
   evenly_read_jvp, amaxamin_jvp, var_jvp, std's, logsumexp_jvp and
   linalg_vector_norm_jvp. */
tg_tensor *tg__t_reduction(const tangent_args *a)
{
    const tg_reduce_params *p = a->params;
    tg_tensor *slope = derivative(a, tg_ones_like(Y));
    tg_tensor *terms = slope ? tg_mul(slope, T(0)) : NULL;
    if (!terms || X(0)->ndim == 0) return terms;
    int64_t dims[TG_MAX_DIMS];
    int nd = 0;
    for (int d = 0; d < X(0)->ndim; d++)
        if (p->reduced[d]) dims[nd++] = d;
    return tg_sum_dim(terms, dims, nd, p->keepdim);
}

/* the tangent at the extremes' indices (max_dim_params start with the dim;
   keepdim shows in the result's rank) */
static tg_tensor *extreme_dim(const tangent_args *a, bool largest)
{
    if (X(0)->ndim == 0) return tg_clone(T(0));
    int64_t dim = FIRST_DIM;
    tg_tensor *at = largest ? tg_argmax(X(0), dim, true) : tg_argmin(X(0), dim, true);
    tg_tensor *kept = at ? tg_gather(T(0), dim, at) : NULL;
    return kept && Y->ndim < X(0)->ndim ? tg_squeeze_dim(kept, dim) : kept;
}
tg_tensor *tg__t_max_dim(const tangent_args *a) { return extreme_dim(a, true); }
tg_tensor *tg__t_min_dim(const tangent_args *a) { return extreme_dim(a, false); }

/* -------------------------------------------------------------- scans */

/* cumsum(t / x) y without zeros in x, as PyTorch's cumprod_jvp; with them,
   its value sum over k <= j of t_k prod(x_i, i <= j, i != k): term k is
   the cumprod of x with t in place of x_k, from position k on. The dim is
   scan_params' only member. */
tg_tensor *tg__t_cumprod(const tangent_args *a)
{
    int64_t dim = FIRST_DIM;
    tg_tensor *zeros = tg_any(tg_eq_scalar(X(0), 0));
    if (!zeros) return NULL;
    if (!tg_item(zeros)) return tg_mul(tg_cumsum(tg_div(T(0), X(0)), dim), Y);
    int64_t length = X(0)->ndim ? X(0)->shape[dim] : 1, shape[TG_MAX_DIMS];
    for (int i = 0; i < X(0)->ndim; i++) shape[i] = i == dim ? length : 1;
    tg_tensor *position = tg_view(tg_arange(0, (double)length, 1, TG_I64), shape, X(0)->ndim);
    tg_tensor *sum = tg_zeros_like(Y);
    for (int64_t k = 0; k < length && sum; k++) {
        tg_tensor *swapped = tg_where(tg_eq_scalar(position, (double)k), T(0), X(0));
        tg_tensor *from_k = tg_ge_scalar(position, (double)k);
        sum = from_k ? tg_add(sum, tg_where(from_k, tg_cumprod(swapped, dim), tg_zeros_like(Y))) : NULL;
    }
    return sum;
}

/* sort and topk: the tangent at the sorted indices */
tg_tensor *tg__t_sort(const tangent_args *a)
{
    const tg_sort_params *p = a->params;
    return tg_gather(T(0), p->dim, p->indices);
}

/* ------------------------------------------- reorderings and indexing */

/* The operation itself applied to the tangents (zeros for an input
   without one), the operations being linear in them. */
tg_tensor *tg__t_tril(const tangent_args *a) { return tg_tril(T(0), FIRST_DIM); }
tg_tensor *tg__t_triu(const tangent_args *a) { return tg_triu(T(0), FIRST_DIM); }

tg_tensor *tg__t_flip(const tangent_args *a)
{
    const tg_flip_params *p = a->params;
    return tg_flip(T(0), p->dims, p->ndims);
}

tg_tensor *tg__t_roll(const tangent_args *a)
{
    const tg_roll_params *p = a->params;
    return tg_roll(T(0), p->shifts, p->flat ? NULL : p->dims, p->n);
}

tg_tensor *tg__t_repeat(const tangent_args *a)
{
    const tg_repeat_params *p = a->params;
    return tg_repeat(T(0), p->repeats, p->n);
}

tg_tensor *tg__t_gather(const tangent_args *a)
{
    const tg_index_params *p = a->params;
    return tg_gather(T(0), p->dim, p->index);
}

tg_tensor *tg__t_index_select(const tangent_args *a)
{
    const tg_index_params *p = a->params;
    return tg_index_select(T(0), p->dim, p->index);
}

tg_tensor *tg__t_scatter(const tangent_args *a)
{
    const tg_index_params *p = a->params;
    return tg_scatter(ZT(0), p->dim, p->index, ZT(1));
}

tg_tensor *tg__t_scatter_add(const tangent_args *a)
{
    const tg_index_params *p = a->params;
    return tg_scatter_add(ZT(0), p->dim, p->index, ZT(1));
}

/* sum and mean: the same reduction of the tangents. amax and amin: the
   mean of the tangents of the values equal to the result at each
   position (self's only where it takes part: include_self, or nothing was
   written there; like PyTorch's, it fails for an index smaller than src).
   prod: none, as PyTorch 1.13 gives none. */
tg_tensor *tg__t_scatter_reduce(const tangent_args *a)
{
    const tg_scatter_reduce_params *p = a->params;
    if (p->reduce == TG_SCATTER_SUM || p->reduce == TG_SCATTER_MEAN)
        return tg_scatter_reduce(ZT(0), p->dim, p->index, ZT(1), p->reduce, p->include_self);
    if (p->reduce == TG_SCATTER_PROD) return NO_TANGENT;
    tg_tensor *zeros = tg_zeros_like(Y);
    tg_tensor *self_taken = tg_to(tg_eq(X(0), Y), Y->dtype);
    if (!p->include_self) {
        tg_tensor *written = tg_scatter_add(zeros, p->dim, p->index, tg_ones_like(X(1)));
        self_taken = tg_mul(self_taken, tg_to(tg_eq_scalar(written, 0), Y->dtype));
    }
    tg_tensor *src_taken = tg_to(tg_eq(X(1), tg_gather(Y, p->dim, p->index)), Y->dtype);
    tg_tensor *count = tg_scatter_add(self_taken, p->dim, p->index, src_taken);
    tg_tensor *sum = tg_scatter_add(tg_mul(ZT(0), self_taken), p->dim, p->index, tg_mul(ZT(1), src_taken));
    return tg_div(sum, count);
}

/* self.scatter(dim, index, value): ta with zeros where value went */
tg_tensor *tg__t_scatter_value(const tangent_args *a)
{
    const tg_index_params *p = a->params;
    return tg__scatter_value(T(0), p->dim, p->index, 0);
}

tg_tensor *tg__t_index_add(const tangent_args *a)
{
    const tg_index_params *p = a->params;
    return tg_index_add(ZT(0), p->dim, p->index, ZT(1), p->alpha);
}

/* the masked operations keep the mask's address as their parameter */
#define MASK (*(const tg_tensor *const *)a->params)
tg_tensor *tg__t_masked_select(const tangent_args *a) { return tg_masked_select(T(0), MASK); }
tg_tensor *tg__t_masked_scatter(const tangent_args *a) { return tg__masked_scatter(ZT(0), MASK, ZT(1)); }
/* ta with zeros where the value went */
tg_tensor *tg__t_masked_fill(const tangent_args *a) { return tg_masked_fill(T(0), MASK, 0); }

/* advanced indexing: index(t, indices), and index_put of the tangents
   (zeros for one without) */
tg_tensor *tg__t_index(const tangent_args *a) { return tg__index_again(a->params, T(0)); }
tg_tensor *tg__t_index_put(const tangent_args *a) { return tg__index_put_again(a->params, a->op, ZT(0), ZT(1)); }

/* The gradients of select, slice and diagonal, and diag_embed, put the
   tangent where the view was in zeros of the result's shape, as the
   view's derivative puts a gradient: that derivative, with the same
   parameters (select's, slice's, diagonal's), for an input shaped as the
   result. */
tg_tensor *tg__t_select_backward(const tangent_args *a) { return derivative_of(a, TG_OP_SELECT, Y, T(0)); }
tg_tensor *tg__t_slice_backward(const tangent_args *a) { return derivative_of(a, TG_OP_SLICE, Y, T(0)); }
tg_tensor *tg__t_diagonal_backward(const tangent_args *a) { return derivative_of(a, TG_OP_DIAGONAL, Y, T(0)); }

/* ----------------------------------------------------- linear algebra */

/* _trilinear is linear in each input: the sum of it with each tangent in
   its input's place (inputs without one add nothing) */
tg_tensor *tg__t_trilinear(const tangent_args *a)
{
    tg_tensor *sum = NULL;
    for (int k = 0; k < 3; k++) {
        if (!T(k)) continue;
        const tg_tensor *in[3] = {X(0), X(1), X(2)};
        in[k] = T(k);
        tg_tensor *term = tg__trilinear_as(a->params, in[0], in[1], in[2]);
        if (!term) return NULL;
        sum = sum ? tg_add(sum, term) : term;
        if (!sum) return NULL;
    }
    return sum;
}

/* ---------------------------------------------------------- pointwise */

/* lerp(ta, tend, w) + tw (end - a) */
tg_tensor *tg__t_lerp(const tangent_args *a)
{
    tg_tensor *r = tg_lerp(ZT(0), ZT(1), X(2));
    return T(2) && r ? tg_add(r, tg_mul(T(2), tg_sub(X(1), X(0)))) : r;
}

/* bernoulli: its result is constant */
tg_tensor *tg__t_constant(const tangent_args *a) { return tg_zeros_like(Y); }

/* an in-place comparison writes constants over self: self's tangent
   zeroed (self_t.zero_()), and none when self has none */
tg_tensor *tg__t_compare_inplace(const tangent_args *a) { return T(0) ? tg_zeros_like(Y) : NO_TANGENT; }

/* ------------------------------------------------------------ complex */

tg_tensor *tg__t_view_as_real(const tangent_args *a) { return tg_view_as_real(T(0)); }
tg_tensor *tg__t_view_as_complex(const tangent_args *a) { return tg_view_as_complex(T(0)); }
tg_tensor *tg__t_conj(const tangent_args *a) { return tg_conj(T(0)); }
tg_tensor *tg__t_complex(const tangent_args *a) { return tg_complex(ZT(0), ZT(1)); }

/* angle_backward(conj(t), x) conjugated, its real part (the derivative
   reads the input, slot 0) */
tg_tensor *tg__t_angle(const tangent_args *a)
{
    tg_tensor *d = derivative(a, tg_conj(T(0)));
    return d && tg__is_complex(d->dtype) ? tg_real(tg_conj(d)) : d;
}

/* complex(tr cos(th) - tth r sin(th), tr sin(th) + tth r cos(th)) */
tg_tensor *tg__t_polar(const tangent_args *a)
{
    tg_tensor *c = tg_cos(X(1)), *s = tg_sin(X(1));
    tg_tensor *re = tg_sub(tg_mul(ZT(0), c), tg_mul(ZT(1), tg_mul(X(0), s)));
    tg_tensor *im = tg_add(tg_mul(ZT(0), s), tg_mul(ZT(1), tg_mul(X(0), c)));
    return tg_complex(re, im);
}
