/* Every tangent rule of forward AD (ops/tangents.c) against reverse mode:
   for random f64 inputs and tangents, the tangent a dual forward pass gives
   is the Jacobian-vector product tg_func_jvp computes with two backward
   passes. The reverse passes record a node of each operation, so the test
   fails for a rule no case exercises. Also: views, an operation without a
   rule, and dual levels. */
#include "harness.h"

#include "graph/graph.h"
#include "ops/ops.h"

#include <math.h>
#include <stdio.h>

typedef tg_tensor *(*unary_fn)(const tg_tensor *);
typedef tg_tensor *(*binary_fn)(const tg_tensor *, const tg_tensor *);

typedef struct tangent_case {
    const char *name;
    tg_gradcheck_fn f;
    int n;
    int64_t shape[3][3];   /* each input's shape: ndim in [0], sizes after */
    double low, high;      /* the inputs' range */
    const void *fn;
    bool diagonal;         /* elementwise: J v is the vjp with v (for a derivative without its own) */
} tangent_case;

static tg_tensor *unary(tg_tensor *const *in, int n, void *ctx) { (void)n; return ((unary_fn)ctx)(in[0]); }
static tg_tensor *binary(tg_tensor *const *in, int n, void *ctx) { (void)n; return ((binary_fn)ctx)(in[0], in[1]); }

#define F(name) static tg_tensor *name(tg_tensor *const *in, int n, void *ctx)
#define UNUSED (void)n, (void)ctx
F(mul_scalar) { UNUSED; return tg_mul_scalar(in[0], -1.5); }
F(div_scalar) { UNUSED; return tg_div_scalar(in[0], 4); }
F(add_scalar) { UNUSED; return tg_add_scalar(in[0], 2); }
F(sub_scalar) { UNUSED; return tg_sub_scalar(in[0], 2); }
F(rsub_scalar) { UNUSED; return tg_rsub_scalar(in[0], 1); }
F(pow_scalar) { UNUSED; return tg_pow_scalar(in[0], 2.5); }
F(sum) { UNUSED; return tg_sum(in[0]); }
F(mean) { UNUSED; return tg_mean(in[0]); }
F(sum_dim) { UNUSED; return tg_sum_dim(in[0], (const int64_t[]){1}, 1, false); }
F(mean_dim) { UNUSED; return tg_mean_dim(in[0], (const int64_t[]){0}, 1, true); }
F(norm) { UNUSED; return tg_norm(in[0]); }
F(cumsum) { UNUSED; return tg_cumsum(in[0], 1); }
F(clone) { UNUSED; return tg_clone(in[0]); }
F(to_f32_and_back) { UNUSED; return tg_to(tg_to(in[0], TG_F32), TG_F64); }
F(mm) { UNUSED; return tg_mm(in[0], in[1]); }
F(bmm) { UNUSED; return tg_bmm(tg_unsqueeze(in[0], 0), tg_unsqueeze(in[1], 0)); }
F(mv) { UNUSED; return tg_mv(in[0], in[1]); }
F(dot) { UNUSED; return tg_dot(in[0], in[1]); }
F(addmm) { UNUSED; return tg_addmm(in[2], in[0], in[1], 0.5, -2); }
F(scale_by) { UNUSED; return tg__mul_scalar_node(in[0], 3); }
F(add_scalar_node) { UNUSED; return tg__add_scalar_node(in[0], 3); }
F(div_scalar_node) { UNUSED; return tg__div_scalar_node(in[0], 3); }
F(softmax) { UNUSED; return tg_softmax(in[0], 1); }
F(log_softmax) { UNUSED; return tg_log_softmax(in[0], 0); }
F(cat) { UNUSED; return tg_cat((const tg_tensor *[]){in[0], in[1]}, 2, 1); }
F(stack) { UNUSED; return tg_stack((const tg_tensor *[]){in[0], in[1]}, 2, 0); }
F(lerp) { UNUSED; return tg_lerp_scalar(in[0], in[1], 0.3); }
F(addcmul) { UNUSED; return tg_addcmul(in[0], in[1], in[2], -0.5); }
F(addcdiv) { UNUSED; return tg_addcdiv(in[0], in[1], in[2], 2); }
F(softplus) { UNUSED; return tg_softplus(in[0], 2, 1); }
F(leaky_relu) { UNUSED; return tg_leaky_relu(in[0], 0.1); }
F(leaky_relu_) { UNUSED; return tg_leaky_relu_(tg_clone(in[0]), 0.1); }
F(elu) { UNUSED; return tg_elu(in[0], 1.5); }
F(elu_) { UNUSED; return tg_elu_(tg_clone(in[0]), 1.5); }
F(celu) { UNUSED; return tg_celu(in[0], 0.5); }
F(celu_) { UNUSED; return tg_celu_(tg_clone(in[0]), 0.5); }
F(selu) { UNUSED; return tg_selu(in[0]); }
F(hardtanh) { UNUSED; return tg_hardtanh(in[0], -0.5, 0.5); }
F(clamp) { UNUSED; return tg_clamp(in[0], -0.5, 0.5); }
F(clamp_min) { UNUSED; return tg_clamp_min(in[0], 0); }
F(clamp_max) { UNUSED; return tg_clamp_max(in[0], 0); }
F(nan_to_num) { UNUSED; return tg_nan_to_num(in[0], 0, 1, -1); }
F(baddbmm) { UNUSED; return tg_baddbmm(in[2], tg_unsqueeze(in[0], 0), tg_unsqueeze(in[1], 0), 0.5, 2); }
F(where) { UNUSED; return tg_where(tg_gt_scalar(in[1], 0), in[0], in[1]); }
F(views) { UNUSED; return tg_mul(tg_select(tg_transpose(tg_unsqueeze(in[0], 0), 1, 2), 0, 0), tg_expand(in[1], (const int64_t[]){3, 2}, 2)); }

/* the tensor operations' rules (ops/tangents_tensor.c) */
typedef tg_tensor *(*compare_fn)(tg_tensor *, const tg_tensor *);
typedef tg_tensor *(*compare_scalar_fn)(tg_tensor *, double);
static tg_tensor *compare_(tg_tensor *const *in, int n, void *ctx) { (void)n; return ((compare_fn)ctx)(tg_clone(in[0]), in[1]); }
static tg_tensor *compare_scalar_(tg_tensor *const *in, int n, void *ctx) { (void)n; return ((compare_scalar_fn)ctx)(tg_clone(in[0]), 0.5); }
F(xlogy_scalar) { UNUSED; return tg_xlogy_scalar(in[0], 3); }
F(scalar_xlogy) { UNUSED; return tg_scalar_xlogy(2, in[0]); }
F(fmod_scalar) { UNUSED; return tg_fmod_scalar(in[0], 0.3); }
F(remainder_scalar) { UNUSED; return tg_remainder_scalar(in[0], -0.3); }
F(prod) { UNUSED; return tg_prod(in[0]); }
F(prod_dim) { UNUSED; return tg_prod_dim(in[0], 1, false); }
F(prod_dim_keepdim) { UNUSED; return tg_prod_dim(in[0], 0, true); }
F(max_all) { UNUSED; return tg_max(in[0]); }
F(min_all) { UNUSED; return tg_min(in[0]); }
F(max_ties) { UNUSED; return tg_max(tg_clamp_max(in[0], 0.5)); }
F(amax) { UNUSED; return tg_amax(in[0], (const int64_t[]){1}, 1, false); }
F(amin_ties) { UNUSED; return tg_amin(tg_clamp_min(in[0], -0.2), (const int64_t[]){0}, 1, true); }
F(max_dim) { UNUSED; return tg_max_dim(in[0], 1, false, NULL); }
F(min_dim) { UNUSED; return tg_min_dim(in[0], 0, true, NULL); }
F(var) { UNUSED; return tg_var(in[0], (const int64_t[]){1}, 1, 1, false); }
F(std) { UNUSED; return tg_std(in[0], NULL, 0, 0, true); }
F(var_mean) { UNUSED; tg_tensor *m = NULL, *v = tg_var_mean(in[0], (const int64_t[]){0}, 1, 1, false, &m); return tg_add(v, m); }
F(std_mean) { UNUSED; tg_tensor *m = NULL, *v = tg_std_mean(in[0], (const int64_t[]){1}, 1, 1, true, &m); return tg_mul(v, m); }
F(logsumexp) { UNUSED; return tg_logsumexp(in[0], (const int64_t[]){1}, 1, false); }
F(vector_norm) { UNUSED; return tg_vector_norm(in[0], 3, (const int64_t[]){1}, 1, true); }
F(vector_norm_inf) { UNUSED; return tg_vector_norm(in[0], INFINITY, NULL, 0, false); }
F(pairwise_distance) { UNUSED; return tg_pairwise_distance(in[0], in[1], 2, 1e-6, false); }
F(cumprod) { UNUSED; return tg_cumprod(in[0], 1); }
/* zeros in the input take cumprod's other formula */
F(cumprod_zeros) { UNUSED; return tg_cumprod(tg_mul(in[0], tg_from_f64((const double[]){1, 0, 1, 0, 1, 0}, TG_SHAPE(2, 3))), 1); }
F(lerp_tensor) { UNUSED; return tg_lerp(in[0], in[1], in[2]); }
F(bernoulli) { UNUSED; return tg_bernoulli(tg_sigmoid(in[0])); }
F(complex_conj) { UNUSED; return tg_view_as_real(tg_conj(tg_complex(in[0], in[1]))); }
F(polar) { UNUSED; return tg_view_as_real(tg_polar(in[0], in[1])); }
F(angle) { UNUSED; return tg_angle(tg_complex(in[0], in[1])); }
F(angle_real) { UNUSED; return tg_angle(in[0]); }
F(view_as_complex) { UNUSED; return tg_view_as_real(tg_mul(tg_view_as_complex(tg_stack((const tg_tensor *[]){in[0], in[1]}, 2, -1)), tg_complex(in[1], in[0]))); }
F(sort) { UNUSED; return tg_sort(in[0], 1, true, NULL); }
F(sort_0dim) { UNUSED; return tg_sort(in[0], 0, false, NULL); }
F(topk) { UNUSED; return tg_topk(in[0], 2, 0, false, true, NULL); }
F(tril) { UNUSED; return tg_tril(in[0], 0); }
F(triu) { UNUSED; return tg_triu(in[0], 1); }
F(flip) { UNUSED; return tg_flip(in[0], (const int64_t[]){0, 1}, 2); }
F(roll) { UNUSED; return tg_roll(in[0], (const int64_t[]){1, -1}, (const int64_t[]){1, 0}, 2); }
F(roll_flat) { UNUSED; return tg_roll(in[0], (const int64_t[]){2}, NULL, 1); }
F(repeat) { UNUSED; return tg_repeat(in[0], (const int64_t[]){2, 1, 2}, 3); }
static tg_tensor *index23(const int64_t *v) { return tg_from_i64(v, TG_SHAPE(2, 3)); }
F(gather) { UNUSED; return tg_gather(in[0], 1, index23((const int64_t[]){0, 2, 0, 1, 1, 2})); }
F(index_select) { UNUSED; return tg_index_select(in[0], 1, tg_from_i64((const int64_t[]){2, 0}, TG_SHAPE(2))); }
F(scatter) { UNUSED; return tg_scatter(in[0], 1, index23((const int64_t[]){2, 0, 1, 0, 1, 2}), in[1]); }
F(scatter_add) { UNUSED; return tg_scatter_add(in[0], 1, index23((const int64_t[]){0, 0, 1, 2, 2, 2}), in[1]); }
F(scatter_value) { UNUSED; return tg__scatter_value(in[0], 0, tg_from_i64((const int64_t[]){1, 0}, TG_SHAPE(1, 2)), 2); }
static tg_tensor *scatter_reduce(tg_tensor *const *in, tg_scatter_reduction r, bool include_self)
{
    tg_tensor *index = tg_from_i64((const int64_t[]){0, 2, 1, 1, 1, 0}, TG_SHAPE(2, 3));
    /* ties: self and src share values */
    tg_tensor *src = tg_where(tg_gt_scalar(in[1], 0), in[1], tg_flip(in[0], (const int64_t[]){1}, 1));
    return tg_scatter_reduce(in[0], 1, index, src, r, include_self);
}
F(scatter_sum) { UNUSED; return scatter_reduce(in, TG_SCATTER_SUM, true); }
F(scatter_mean) { UNUSED; return scatter_reduce(in, TG_SCATTER_MEAN, false); }
F(scatter_amax) { UNUSED; return scatter_reduce(in, TG_SCATTER_AMAX, true); }
F(scatter_amin) { UNUSED; return scatter_reduce(in, TG_SCATTER_AMIN, true); }
/* without include_self PyTorch's backward still counts self's ties, its
   forward formula not: no ties here */
F(scatter_amax_without_self) { UNUSED; return tg_scatter_reduce(in[0], 1, tg_from_i64((const int64_t[]){1, 0, 1, 0, 1, 1}, TG_SHAPE(2, 3)), in[1], TG_SCATTER_AMAX, false); }
F(index_add) { UNUSED; return tg_index_add(in[0], 1, tg_from_i64((const int64_t[]){2, 0, 2}, TG_SHAPE(3)), in[1], 0.5); }
static tg_tensor *mask23(void) { return tg_from_i64((const int64_t[]){1, 0, 1, 0, 0, 1}, TG_SHAPE(2, 3)); }
F(masked_select) { UNUSED; return tg_masked_select(in[0], tg_ne_scalar(mask23(), 0)); }
F(masked_scatter) { UNUSED; return tg__masked_scatter(in[0], tg_ne_scalar(mask23(), 0), in[1]); }
F(masked_fill) { UNUSED; return tg_masked_fill(in[0], tg_ne_scalar(mask23(), 0), 2); }
/* the derivative of view(x) at the input, recorded (create_graph) */
static tg_tensor *view_backward(tg_tensor *(*view)(const tg_tensor *), const int64_t *shape, int ndim, tg_tensor *g)
{
    tg_tensor *x = tg_requires_grad_(tg_zeros(shape, ndim, TG_F64), true), *grad = NULL;
    tg_tensor *y = view(x);
    if (!y || tg_autograd_grad(&y, 1, &x, 1, &g, (tg_backward_opts){.create_graph = true}, &grad)) return NULL;
    return grad;
}
static tg_tensor *select_row(const tg_tensor *t) { return tg_select(t, 0, 1); }
static tg_tensor *slice_columns(const tg_tensor *t) { return tg_slice(t, 1, 1, 3, 1); }
static tg_tensor *upper_diagonal(const tg_tensor *t) { return tg_diagonal(t, 1, 0, 1); }
F(select_backward) { UNUSED; return view_backward(select_row, (const int64_t[]){2, 3}, 2, in[0]); }
F(slice_backward) { UNUSED; return view_backward(slice_columns, (const int64_t[]){2, 3}, 2, in[0]); }
F(diagonal_backward) { UNUSED; return view_backward(upper_diagonal, (const int64_t[]){3, 4}, 2, in[0]); }
F(bilinear) { UNUSED; return tg_bilinear(in[0], in[1], tg_view(in[2], (const int64_t[]){2, 3, 3}, 3), NULL); }
static tg_tensor *rows101(void) { return tg_from_i64((const int64_t[]){1, 0, 1}, TG_SHAPE(3)); }
static tg_tensor *index_rows(const tg_tensor *t) { return tg_index(t, TG_INDEX(TG_IDX_T(rows101()))); }
F(index_by_tensor) { UNUSED; return index_rows(in[0]); }
F(index_mask_slice) { UNUSED; return tg_index(in[0], TG_INDEX(TG_IDX_SLICE(0, 2, 1), TG_IDX_T(tg_ne_scalar(rows101(), 0)))); }
F(index_put) { UNUSED; return tg_index_put(in[0], TG_INDEX(TG_IDX_T(tg_from_i64((const int64_t[]){1, 0}, TG_SHAPE(2)))), in[1], false); }
F(index_put_accumulate) { UNUSED; return tg_index_put(in[0], TG_INDEX(TG_IDX_T(rows101())), in[1], true); }
F(index_put_masked_fill) { UNUSED; return tg_index_put(in[0], TG_INDEX(TG_IDX_T(tg_gt_scalar(in[0], 0))), in[1], false); }
F(index_backward) { UNUSED; return view_backward(index_rows, (const int64_t[]){2, 3}, 2, in[0]); }
F(diag_embed) { UNUSED; return tg_diag_embed(in[0], 1, 0, 2); }

/* nn operations (ops/tangents_nn.c). The fused derivatives are made as
   forward-over-reverse makes them: a gradient with create_graph, with the
   upstream gradient in[0] and the activation's input in[1] (or a loss's
   input) dual; x requires grad (a dual made from a leaf may). */
static tg_tensor *gradient_of(tg_tensor *loss, tg_tensor *x, const tg_tensor *g)
{
    tg_tensor *gx = NULL;
    if (!loss || tg_autograd_grad(&loss, 1, &x, 1, (tg_tensor *const *)&g, (tg_backward_opts){.create_graph = true}, &gx))
        return NULL;
    return gx;
}
static tg_tensor *leaf(tg_tensor *x) { return tg_requires_grad(x) ? x : tg_requires_grad_(x, true); }
F(threshold_backward) { UNUSED; return tg__threshold_backward(in[0], in[1]); }
F(leaky_relu_backward) { UNUSED; tg_tensor *x = leaf(in[1]); return gradient_of(tg_leaky_relu(x, 0.1), x, in[0]); }
F(hardtanh_backward) { UNUSED; tg_tensor *x = leaf(in[1]); return gradient_of(tg_hardtanh(x, -0.5, 0.5), x, in[0]); }
F(elu_backward) { UNUSED; tg_tensor *x = leaf(in[1]); return gradient_of(tg_elu(x, 1.5), x, in[0]); }
F(tanh_backward) { UNUSED; tg_tensor *x = leaf(in[1]); return gradient_of(tg_tanh(x), x, in[0]); }
F(sigmoid_backward) { UNUSED; tg_tensor *x = leaf(in[1]); return gradient_of(tg_sigmoid(x), x, in[0]); }
F(gelu_backward) { UNUSED; tg_tensor *x = leaf(in[1]); return gradient_of(tg_gelu(x), x, in[0]); }
F(gelu_tanh_backward) { UNUSED; tg_tensor *x = leaf(in[1]); return gradient_of(tg_gelu_tanh(x), x, in[0]); }
static tg_tensor *indices(void) { return tg_from_i64((const int64_t[]){0, 2, 1, 2}, TG_SHAPE(4)); }
F(embedding) { UNUSED; return tg_embedding(indices(), in[0]); }
F(embedding_backward)
{
    UNUSED;
    tg_tensor *w = tg_requires_grad_(tg_zeros(TG_SHAPE(3, 2), TG_F64), true);
    return gradient_of(tg_embedding(indices(), w), w, in[0]);
}
#define IMAGE(t, c, h, w) tg_view((t), TG_SHAPE(1, (c), (h), (w)))
F(max_pool2d) { UNUSED; return tg_max_pool2d(IMAGE(in[0], 2, 4, 4), (tg_pool_opts){.kernel_size = {2, 2}}); }
F(adaptive_max_pool2d) { UNUSED; return tg_adaptive_max_pool2d(IMAGE(in[0], 2, 4, 5), 2, 3, NULL); }
F(avg_pool2d)
{
    UNUSED;
    return tg_avg_pool2d(IMAGE(in[0], 2, 4, 4), (tg_pool_opts){.kernel_size = {2, 2}, .stride = {1, 1}, .padding = {1, 1}});
}
F(adaptive_avg_pool2d) { UNUSED; return tg_adaptive_avg_pool2d(IMAGE(in[0], 2, 4, 5), 3, 2); }
F(constant_pad) { UNUSED; return tg_pad(in[0], (const int64_t[]){1, 2, -1, 1}, 4, TG_PAD_CONSTANT, 0.5); }
static tg_tensor *padded(const tg_tensor *x, tg_pad_mode mode, int dims)
{
    static const int64_t pads[6] = {1, 2, 1, 1, 1, 1};
    if (dims == 1) return tg_pad(tg_view(x, TG_SHAPE(1, 6, 4)), pads, 2, mode, 0);
    if (dims == 2) return tg_pad(tg_view(x, TG_SHAPE(1, 1, 6, 4)), pads, 4, mode, 0);
    return tg_pad(tg_view(x, TG_SHAPE(1, 1, 2, 3, 4)), pads, 6, mode, 0);
}
F(reflection_pad1d) { UNUSED; return padded(in[0], TG_PAD_REFLECT, 1); }
F(reflection_pad2d) { UNUSED; return padded(in[0], TG_PAD_REFLECT, 2); }
F(reflection_pad3d) { UNUSED; return padded(in[0], TG_PAD_REFLECT, 3); }
F(replication_pad1d) { UNUSED; return padded(in[0], TG_PAD_REPLICATE, 1); }
F(replication_pad2d) { UNUSED; return padded(in[0], TG_PAD_REPLICATE, 2); }
F(replication_pad3d) { UNUSED; return padded(in[0], TG_PAD_REPLICATE, 3); }
/* dims 1, 2 or 3 of the 24 elements, scaled by 2 (1.5 along the last) */
static tg_tensor *upsampled(const tg_tensor *x, tg_interp_mode mode, int dims)
{
    static const double scale[3] = {2, 2, 1.5};
    if (dims == 1) return tg_interpolate(tg_view(x, TG_SHAPE(1, 6, 4)), NULL, scale + 2, 1, mode, false);
    if (dims == 2) return tg_interpolate(tg_view(x, TG_SHAPE(1, 1, 6, 4)), NULL, scale + 1, 2, mode, false);
    return tg_interpolate(tg_view(x, TG_SHAPE(1, 1, 2, 3, 4)), NULL, scale, 3, mode, false);
}
F(upsample_nearest1d) { UNUSED; return upsampled(in[0], TG_INTERP_NEAREST, 1); }
F(upsample_nearest2d) { UNUSED; return upsampled(in[0], TG_INTERP_NEAREST, 2); }
F(upsample_nearest3d) { UNUSED; return upsampled(in[0], TG_INTERP_NEAREST, 3); }
F(upsample_linear1d) { UNUSED; return upsampled(in[0], TG_INTERP_LINEAR, 1); }
F(upsample_bilinear2d) { UNUSED; return upsampled(in[0], TG_INTERP_BILINEAR, 2); }
F(upsample_trilinear3d) { UNUSED; return upsampled(in[0], TG_INTERP_TRILINEAR, 3); }
F(upsample_nearest_exact1d) { UNUSED; return upsampled(in[0], TG_INTERP_NEAREST_EXACT, 1); }
F(upsample_nearest_exact2d) { UNUSED; return upsampled(in[0], TG_INTERP_NEAREST_EXACT, 2); }
F(upsample_nearest_exact3d) { UNUSED; return upsampled(in[0], TG_INTERP_NEAREST_EXACT, 3); }
F(conv2d)
{
    UNUSED;
    return tg_conv2d(IMAGE(in[0], 2, 4, 4), tg_view(in[1], TG_SHAPE(3, 2, 2, 2)), tg_view(in[2], TG_SHAPE(3)),
                     (tg_conv_opts){.stride = {2, 1}, .padding = {1, 0}});
}
F(conv_transpose2d)
{
    UNUSED;
    return tg_conv_transpose2d(IMAGE(in[0], 2, 4, 4), tg_view(in[1], TG_SHAPE(2, 3, 2, 2)), tg_view(in[2], TG_SHAPE(3)),
                               (tg_conv_transpose_opts){.stride = {2, 1}, .output_padding = {1, 0}});
}
F(conv2d_same)
{
    UNUSED;
    return tg_conv2d(IMAGE(in[0], 2, 4, 4), tg_view(in[1], TG_SHAPE(3, 2, 3, 3)), NULL, (tg_conv_opts){.padding_same = true});
}
F(conv1d) { UNUSED; return tg_conv1d(tg_view(in[0], TG_SHAPE(2, 4, 4)), tg_view(in[1], TG_SHAPE(3, 4, 2)), NULL, (tg_conv_opts){0}); }
F(unfold) { UNUSED; return tg_unfold(IMAGE(in[0], 2, 4, 4), (tg_fold_opts){.kernel_size = {2, 2}, .padding = {1, 0}}); }
F(fold) { UNUSED; return tg_fold(tg_view(in[0], TG_SHAPE(1, 8, 4)), (const int64_t[]){3, 3}, (tg_fold_opts){.kernel_size = {2, 2}}); }
F(mse_loss) { UNUSED; return tg_mse_loss(in[0], in[1]); }
F(mse_loss_sum) { UNUSED; return tg_mse_loss_ex(in[0], in[1], TG_SUM); }
F(smooth_l1_loss) { UNUSED; return tg_smooth_l1_loss(in[0], in[1], TG_MEAN, 0.5); }
F(huber_loss) { UNUSED; return tg_huber_loss(in[0], in[1], TG_NONE, 0.7); }
F(mse_loss_backward) { UNUSED; tg_tensor *x = leaf(in[1]); return gradient_of(tg_mse_loss(x, in[2]), x, in[0]); }
F(smooth_l1_loss_backward)
{
    UNUSED;
    tg_tensor *x = leaf(in[1]);
    return gradient_of(tg_smooth_l1_loss(x, in[2], TG_SUM, 0.5), x, in[0]);
}
F(bce) { UNUSED; return tg_binary_cross_entropy_ex(in[0], in[1], tg_full(TG_SHAPE(3), 0.7, TG_F64), TG_SUM); }
F(bce_mean) { UNUSED; return tg_binary_cross_entropy(in[0], in[1]); }
F(bce_logits)
{
    UNUSED;
    tg_tensor *w = tg_full(TG_SHAPE(2, 1), 1.5, TG_F64), *pw = tg_full(TG_SHAPE(3), 0.5, TG_F64);
    return tg_binary_cross_entropy_with_logits_ex(in[0], in[1], w, pw, TG_MEAN);
}
F(bce_logits_plain) { UNUSED; return tg_binary_cross_entropy_with_logits_ex(in[0], in[1], NULL, NULL, TG_NONE); }
static tg_tensor *classes(void) { return tg_from_i64((const int64_t[]){2, 0}, TG_SHAPE(2)); }
F(nll_loss) { UNUSED; return tg_nll_loss(in[0], classes()); }
F(nll_loss_weighted)
{
    UNUSED;
    tg_ce_opts o = tg_ce_defaults();
    o.weight = tg_from_f64((const double[]){0.5, 2, 1}, TG_SHAPE(3));
    o.ignore_index = 0;
    return tg_nll_loss_ex(in[0], tg_from_i64((const int64_t[]){2, 0, 1, 2}, TG_SHAPE(4)), o);
}
F(nll_loss2d)
{
    UNUSED;
    tg_tensor *target = tg_from_i64((const int64_t[]){0, 1, 2, 1, 1, 0, 2, 2}, TG_SHAPE(2, 2, 2));
    return tg_nll_loss_ex(tg_view(in[0], TG_SHAPE(2, 3, 2, 2)), target, (tg_ce_opts){.ignore_index = 1, .reduction = TG_SUM});
}
F(layer_norm) { UNUSED; return tg_layer_norm(in[0], (const int64_t[]){3}, 1, in[1], in[2], 1e-5); }
F(layer_norm_plain) { UNUSED; return tg_layer_norm(in[0], (const int64_t[]){2, 3}, 2, NULL, NULL, 1e-5); }
F(group_norm) { UNUSED; return tg_group_norm(tg_view(in[0], TG_SHAPE(2, 4, 3)), 2, in[1], in[2], 1e-5); }
F(batch_norm) { UNUSED; return tg_batch_norm(tg_view(in[0], TG_SHAPE(4, 3, 2)), NULL, NULL, in[1], in[2], true, 0.1, 1e-5); }
F(batch_norm_eval)
{
    UNUSED;
    tg_tensor *mean = tg_from_f64((const double[]){0.1, -0.2, 0.3}, TG_SHAPE(3)), *var = tg_full(TG_SHAPE(3), 0.5, TG_F64);
    return tg_batch_norm(tg_view(in[0], TG_SHAPE(4, 3, 2)), mean, var, in[1], in[2], false, 0.1, 1e-5);
}

#define M23 {2, 2, 3}
#define M32 {2, 3, 2}
#define V3 {1, 3}
#define U(fn, lo, hi) {#fn, unary, 1, {M23}, lo, hi, (const void *)fn, false}
#define B(fn, lo, hi) {#fn, binary, 2, {M23, M23}, lo, hi, (const void *)fn, false}
#define BB(fn, lo, hi) {#fn " broadcast", binary, 2, {M23, V3}, lo, hi, (const void *)fn, false}

static const tangent_case CASES[] = {
    U(tg_neg, -1, 1), U(tg_exp, -1, 1), U(tg_expm1, -1, 1), U(tg_log, 0.2, 2), U(tg_log1p, 0.2, 2), U(tg_log2, 0.2, 2),
    U(tg_log10, 0.2, 2), U(tg_sqrt, 0.2, 2), U(tg_rsqrt, 0.2, 2), U(tg_reciprocal, 0.2, 2), U(tg_abs, 0.2, 1),
    U(tg_sin, -2, 2), U(tg_cos, -2, 2), U(tg_tan, -1, 1), U(tg_tanh, -2, 2), U(tg_sigmoid, -2, 2), U(tg_relu, 0.1, 1),
    U(tg_asin, -0.8, 0.8), U(tg_acos, -0.8, 0.8), U(tg_atan, -2, 2), U(tg_sinh, -2, 2), U(tg_cosh, -2, 2),
    U(tg_asinh, -2, 2), U(tg_acosh, 1.2, 3), U(tg_atanh, -0.8, 0.8), U(tg_erf, -2, 2), U(tg_erfc, -2, 2),
    U(tg_erfinv, -0.8, 0.8), U(tg_sign, 0.2, 1), U(tg_floor, 0.1, 0.9), U(tg_ceil, 0.1, 0.9), U(tg_round, 0.1, 0.4),
    U(tg_trunc, 0.1, 0.9), U(tg_frac, 0.1, 0.9), U(tg_silu, -2, 2), U(tg_logsigmoid, -2, 2),
    B(tg_add, -1, 1), B(tg_sub, -1, 1), B(tg_mul, -1, 1), B(tg_div, 0.5, 2), B(tg_pow, 0.5, 2), B(tg_maximum, -1, 1),
    B(tg_minimum, -1, 1), B(tg_atan2, 0.2, 2), B(tg_hypot, 0.2, 2),
    BB(tg_add, -1, 1), BB(tg_mul, -1, 1), BB(tg_div, 0.5, 2), BB(tg_maximum, -1, 1),
    {"mul_scalar", mul_scalar, 1, {M23}, -1, 1, NULL, false}, {"div_scalar", div_scalar, 1, {M23}, -1, 1, NULL, false},
    {"add_scalar", add_scalar, 1, {M23}, -1, 1, NULL, false}, {"sub_scalar", sub_scalar, 1, {M23}, -1, 1, NULL, false},
    {"rsub_scalar", rsub_scalar, 1, {M23}, -1, 1, NULL, false}, {"pow_scalar", pow_scalar, 1, {M23}, 0.2, 2, NULL, false},
    {"sum", sum, 1, {M23}, -1, 1, NULL, false}, {"mean", mean, 1, {M23}, -1, 1, NULL, false},
    {"sum_dim", sum_dim, 1, {M23}, -1, 1, NULL, false}, {"mean_dim", mean_dim, 1, {M23}, -1, 1, NULL, false},
    {"norm", norm, 1, {M23}, 0.2, 1, NULL, false}, {"cumsum", cumsum, 1, {M23}, -1, 1, NULL, false},
    {"clone", clone, 1, {M23}, -1, 1, NULL, false}, {"to", to_f32_and_back, 1, {M23}, -1, 1, NULL, false},
    {"mm", mm, 2, {M23, M32}, -1, 1, NULL, false}, {"bmm", bmm, 2, {M23, M32}, -1, 1, NULL, false},
    {"mv", mv, 2, {M23, V3}, -1, 1, NULL, false}, {"dot", dot, 2, {V3, V3}, -1, 1, NULL, false},
    {"addmm", addmm, 3, {M23, M32, {1, 2}}, -1, 1, NULL, false}, {"scale_by", scale_by, 1, {M23}, -1, 1, NULL, false},
    {"add_scalar_node", add_scalar_node, 1, {M23}, -1, 1, NULL, false}, {"div_scalar_node", div_scalar_node, 1, {M23}, -1, 1, NULL, false},
    {"softmax", softmax, 1, {M23}, -1, 1, NULL, false}, {"log_softmax", log_softmax, 1, {M23}, -1, 1, NULL, false},
    {"cat", cat, 2, {M23, M23}, -1, 1, NULL, false}, {"stack", stack, 2, {M23, M23}, -1, 1, NULL, false},
    {"lerp", lerp, 2, {M23, M23}, -1, 1, NULL, false}, {"addcmul", addcmul, 3, {M23, M23, M23}, -1, 1, NULL, false},
    U(tg_gelu, -2, 2), U(tg_gelu_tanh, -2, 2), U(tg_mish, -2, 2), U(tg_hardswish, -2, 2),
    U(tg_relu6, -1, 7), {"tg_hardsigmoid", unary, 1, {M23}, -4, 4, (const void *)tg_hardsigmoid, true},
    {"softplus", softplus, 1, {M23}, -2, 2, NULL, false}, {"leaky_relu", leaky_relu, 1, {M23}, -1, 1, NULL, false},
    {"leaky_relu_", leaky_relu_, 1, {M23}, -1, 1, NULL, false}, {"elu", elu, 1, {M23}, -1, 1, NULL, false},
    {"elu_", elu_, 1, {M23}, -1, 1, NULL, false}, {"celu", celu, 1, {M23}, -1, 1, NULL, false},
    {"celu_", celu_, 1, {M23}, -1, 1, NULL, false}, {"selu", selu, 1, {M23}, -1, 1, NULL, false},
    {"hardtanh", hardtanh, 1, {M23}, -1, 1, NULL, false}, {"clamp", clamp, 1, {M23}, -1, 1, NULL, false},
    {"clamp_min", clamp_min, 1, {M23}, -1, 1, NULL, false}, {"clamp_max", clamp_max, 1, {M23}, -1, 1, NULL, false},
    {"nan_to_num", nan_to_num, 1, {M23}, -1, 1, NULL, false}, {"baddbmm", baddbmm, 3, {M23, M32, {2, 2, 2}}, -1, 1, NULL, false},
    {"where", where, 2, {M23, M23}, -1, 1, NULL, false},
    {"addcdiv", addcdiv, 3, {M23, M23, M23}, 0.5, 2, NULL, false}, {"views", views, 2, {M23, {1, 2}}, -1, 1, NULL, false},
    /* the tensor operations (ops/tangents_tensor.c) */
    B(tg_xlogy, 0.2, 2), B(tg_fmod, 0.5, 2), B(tg_remainder, 0.5, 2), BB(tg_xlogy, 0.2, 2), BB(tg_fmod, 0.5, 2),
    {"xlogy_scalar", xlogy_scalar, 1, {M23}, 0.2, 2, NULL, false}, {"scalar_xlogy", scalar_xlogy, 1, {M23}, 0.2, 2, NULL, false},
    {"fmod_scalar", fmod_scalar, 1, {M23}, -1, 1, NULL, false}, {"remainder_scalar", remainder_scalar, 1, {M23}, -1, 1, NULL, false},
    {"prod", prod, 1, {M23}, -1, 1, NULL, false}, {"prod_dim", prod_dim, 1, {M23}, -1, 1, NULL, false},
    {"prod_dim keepdim", prod_dim_keepdim, 1, {M23}, -1, 1, NULL, false}, {"prod 0-dim", prod, 1, {{0}}, -1, 1, NULL, false},
    {"max", max_all, 1, {M23}, -1, 1, NULL, false}, {"min", min_all, 1, {M23}, -1, 1, NULL, false},
    {"max ties", max_ties, 1, {M23}, -1, 1, NULL, false}, {"amax", amax, 1, {M23}, -1, 1, NULL, false},
    {"amin ties", amin_ties, 1, {M23}, -1, 1, NULL, false}, {"max_dim", max_dim, 1, {M23}, -1, 1, NULL, false},
    {"min_dim", min_dim, 1, {M23}, -1, 1, NULL, false}, {"min_dim 0-dim", min_dim, 1, {{0}}, -1, 1, NULL, false},
    {"var", var, 1, {M23}, -1, 1, NULL, false}, {"std", std, 1, {M23}, -1, 1, NULL, false},
    {"var_mean", var_mean, 1, {M23}, -1, 1, NULL, false}, {"std_mean", std_mean, 1, {M23}, -1, 1, NULL, false},
    {"logsumexp", logsumexp, 1, {M23}, -1, 1, NULL, false}, {"vector_norm", vector_norm, 1, {M23}, -1, 1, NULL, false},
    {"vector_norm inf", vector_norm_inf, 1, {M23}, -1, 1, NULL, false},
    {"pairwise_distance", pairwise_distance, 2, {M23, M23}, -1, 1, NULL, false},
    {"cumprod", cumprod, 1, {M23}, 0.2, 2, NULL, false}, {"cumprod zeros", cumprod_zeros, 1, {M23}, -2, 2, NULL, false},
    {"lerp", lerp_tensor, 3, {M23, M23, M23}, -1, 1, NULL, false}, {"bernoulli", bernoulli, 1, {M23}, -1, 1, NULL, false},
    {"complex conj", complex_conj, 2, {M23, M23}, -1, 1, NULL, false}, {"polar", polar, 2, {M23, M23}, 0.2, 2, NULL, false},
    {"angle", angle, 2, {M23, M23}, -1, 1, NULL, false}, {"angle real", angle_real, 1, {M23}, -1, 1, NULL, false},
    {"view_as_complex", view_as_complex, 2, {M23, M23}, -1, 1, NULL, false},
    {"eq_", compare_, 2, {M23, M23}, -1, 1, (const void *)tg_eq_, false}, {"ne_", compare_, 2, {M23, M23}, -1, 1, (const void *)tg_ne_, false},
    {"lt_", compare_, 2, {M23, M23}, -1, 1, (const void *)tg_lt_, false}, {"le_", compare_, 2, {M23, M23}, -1, 1, (const void *)tg_le_, false},
    {"gt_", compare_, 2, {M23, M23}, -1, 1, (const void *)tg_gt_, false}, {"ge_", compare_, 2, {M23, M23}, -1, 1, (const void *)tg_ge_, false},
    {"eq_scalar_", compare_scalar_, 1, {M23}, -1, 1, (const void *)tg_eq_scalar_, false},
    {"ne_scalar_", compare_scalar_, 1, {M23}, -1, 1, (const void *)tg_ne_scalar_, false},
    {"lt_scalar_", compare_scalar_, 1, {M23}, -1, 1, (const void *)tg_lt_scalar_, false},
    {"le_scalar_", compare_scalar_, 1, {M23}, -1, 1, (const void *)tg_le_scalar_, false},
    {"gt_scalar_", compare_scalar_, 1, {M23}, -1, 1, (const void *)tg_gt_scalar_, false},
    {"ge_scalar_", compare_scalar_, 1, {M23}, -1, 1, (const void *)tg_ge_scalar_, false},
    {"sort", sort, 1, {M23}, -1, 1, NULL, false}, {"topk", topk, 1, {M23}, -1, 1, NULL, false},
    {"sort 0-dim", sort_0dim, 1, {{0}}, -1, 1, NULL, false}, {"tril", tril, 1, {M23}, -1, 1, NULL, false},
    {"triu", triu, 1, {M23}, -1, 1, NULL, false}, {"flip", flip, 1, {M23}, -1, 1, NULL, false},
    {"roll", roll, 1, {M23}, -1, 1, NULL, false}, {"roll flat", roll_flat, 1, {M23}, -1, 1, NULL, false},
    {"repeat", repeat, 1, {M23}, -1, 1, NULL, false}, {"gather", gather, 1, {M23}, -1, 1, NULL, false},
    {"index_select", index_select, 1, {M23}, -1, 1, NULL, false}, {"scatter", scatter, 2, {M23, M23}, -1, 1, NULL, false},
    {"scatter_add", scatter_add, 2, {M23, M23}, -1, 1, NULL, false},
    {"scatter_value", scatter_value, 1, {M23}, -1, 1, NULL, false},
    {"index_add", index_add, 2, {M23, M23}, -1, 1, NULL, false},
    {"scatter_reduce sum", scatter_sum, 2, {M23, M23}, -1, 1, NULL, false},
    {"scatter_reduce mean", scatter_mean, 2, {M23, M23}, -1, 1, NULL, false},
    {"scatter_reduce amax", scatter_amax, 2, {M23, M23}, -1, 1, NULL, false},
    {"scatter_reduce amin", scatter_amin, 2, {M23, M23}, -1, 1, NULL, false},
    {"scatter_reduce amax without self", scatter_amax_without_self, 2, {M23, M23}, -1, 1, NULL, false},
    {"masked_select", masked_select, 1, {M23}, -1, 1, NULL, false},
    {"masked_scatter", masked_scatter, 2, {M23, {1, 3}}, -1, 1, NULL, false},
    {"masked_fill", masked_fill, 1, {M23}, -1, 1, NULL, false},
    {"select_backward", select_backward, 1, {V3}, -1, 1, NULL, false},
    {"slice_backward", slice_backward, 1, {{2, 2, 2}}, -1, 1, NULL, false},
    {"diagonal_backward", diagonal_backward, 1, {V3}, -1, 1, NULL, false},
    {"diag_embed", diag_embed, 1, {M23}, -1, 1, NULL, false},
    {"bilinear", bilinear, 3, {M23, M23, {2, 2, 9}}, -1, 1, NULL, false},
    {"index", index_by_tensor, 1, {M23}, -1, 1, NULL, false}, {"index mask slice", index_mask_slice, 1, {M23}, -1, 1, NULL, false},
    {"index_put", index_put, 2, {M23, M23}, -1, 1, NULL, false},
    {"index_put accumulate", index_put_accumulate, 2, {M23, V3}, -1, 1, NULL, false},
    {"index_put masked_fill", index_put_masked_fill, 2, {M23, {0}}, -1, 1, NULL, false},
    {"index_backward", index_backward, 1, {{2, 3, 3}}, -1, 1, NULL, false},
    /* nn operations (ops/tangents_nn.c) */
    {"threshold_backward", threshold_backward, 2, {M23, M23}, -1, 1, NULL, false},
    {"leaky_relu_backward", leaky_relu_backward, 2, {M23, M23}, -1, 1, NULL, false},
    {"hardtanh_backward", hardtanh_backward, 2, {M23, M23}, -1, 1, NULL, false},
    {"elu_backward", elu_backward, 2, {M23, M23}, -1, 1, NULL, false},
    {"tanh_backward", tanh_backward, 2, {M23, M23}, -1, 1, NULL, false},
    {"sigmoid_backward", sigmoid_backward, 2, {M23, M23}, -1, 1, NULL, false},
    {"gelu_backward", gelu_backward, 2, {M23, M23}, -2, 2, NULL, false},
    {"gelu_tanh_backward", gelu_tanh_backward, 2, {M23, M23}, -2, 2, NULL, false},
    {"embedding", embedding, 1, {M32}, -1, 1, NULL, false},
    {"embedding_backward", embedding_backward, 1, {{2, 4, 2}}, -1, 1, NULL, false},
    {"max_pool2d", max_pool2d, 1, {{2, 8, 4}}, -1, 1, NULL, false},
    {"adaptive_max_pool2d", adaptive_max_pool2d, 1, {{2, 8, 5}}, -1, 1, NULL, false},
    {"avg_pool2d", avg_pool2d, 1, {{2, 8, 4}}, -1, 1, NULL, false},
    {"adaptive_avg_pool2d", adaptive_avg_pool2d, 1, {{2, 8, 5}}, -1, 1, NULL, false},
    {"constant_pad", constant_pad, 1, {M23}, -1, 1, NULL, false},
    {"reflection_pad1d", reflection_pad1d, 1, {{2, 6, 4}}, -1, 1, NULL, false},
    {"reflection_pad2d", reflection_pad2d, 1, {{2, 6, 4}}, -1, 1, NULL, false},
    {"reflection_pad3d", reflection_pad3d, 1, {{2, 6, 4}}, -1, 1, NULL, false},
    {"replication_pad1d", replication_pad1d, 1, {{2, 6, 4}}, -1, 1, NULL, false},
    {"replication_pad2d", replication_pad2d, 1, {{2, 6, 4}}, -1, 1, NULL, false},
    {"replication_pad3d", replication_pad3d, 1, {{2, 6, 4}}, -1, 1, NULL, false},
    {"upsample_nearest1d", upsample_nearest1d, 1, {{2, 6, 4}}, -1, 1, NULL, false},
    {"upsample_nearest2d", upsample_nearest2d, 1, {{2, 6, 4}}, -1, 1, NULL, false},
    {"upsample_nearest3d", upsample_nearest3d, 1, {{2, 6, 4}}, -1, 1, NULL, false},
    {"upsample_linear1d", upsample_linear1d, 1, {{2, 6, 4}}, -1, 1, NULL, false},
    {"upsample_bilinear2d", upsample_bilinear2d, 1, {{2, 6, 4}}, -1, 1, NULL, false},
    {"upsample_trilinear3d", upsample_trilinear3d, 1, {{2, 6, 4}}, -1, 1, NULL, false},
    {"upsample_nearest_exact1d", upsample_nearest_exact1d, 1, {{2, 6, 4}}, -1, 1, NULL, false},
    {"upsample_nearest_exact2d", upsample_nearest_exact2d, 1, {{2, 6, 4}}, -1, 1, NULL, false},
    {"upsample_nearest_exact3d", upsample_nearest_exact3d, 1, {{2, 6, 4}}, -1, 1, NULL, false},
    {"conv2d", conv2d, 3, {{2, 8, 4}, {2, 6, 4}, V3}, -1, 1, NULL, false},
    {"conv_transpose2d", conv_transpose2d, 3, {{2, 8, 4}, {2, 6, 4}, V3}, -1, 1, NULL, false},
    {"conv2d_same", conv2d_same, 2, {{2, 8, 4}, {2, 6, 9}}, -1, 1, NULL, false},
    {"conv1d", conv1d, 2, {{2, 8, 4}, {2, 6, 4}}, -1, 1, NULL, false},
    {"unfold", unfold, 1, {{2, 8, 4}}, -1, 1, NULL, false},
    {"fold", fold, 1, {{2, 8, 4}}, -1, 1, NULL, false},
    {"mse_loss", mse_loss, 2, {M23, M23}, -1, 1, NULL, false},
    {"mse_loss_sum", mse_loss_sum, 2, {M23, M23}, -1, 1, NULL, false},
    {"smooth_l1_loss", smooth_l1_loss, 2, {M23, M23}, -1, 1, NULL, false},
    {"huber_loss", huber_loss, 2, {M23, M23}, -1, 1, NULL, false},
    {"mse_loss_backward", mse_loss_backward, 3, {{0}, M23, M23}, -1, 1, NULL, false},
    {"smooth_l1_loss_backward", smooth_l1_loss_backward, 3, {{0}, M23, M23}, -1, 1, NULL, false},
    {"bce", bce, 2, {M23, M23}, 0.2, 0.8, NULL, false},
    {"bce_mean", bce_mean, 2, {M23, M23}, 0.2, 0.8, NULL, false},
    {"bce_logits", bce_logits, 2, {M23, M23}, -1, 1, NULL, false},
    {"bce_logits_plain", bce_logits_plain, 2, {M23, M23}, -1, 1, NULL, false},
    {"nll_loss", nll_loss, 1, {M23}, -1, 1, NULL, false},
    {"nll_loss_weighted", nll_loss_weighted, 1, {{2, 4, 3}}, -1, 1, NULL, false},
    {"nll_loss2d", nll_loss2d, 1, {{2, 6, 4}}, -1, 1, NULL, false},
    {"layer_norm", layer_norm, 3, {M23, V3, V3}, -1, 1, NULL, false},
    {"layer_norm_plain", layer_norm_plain, 1, {M23}, -1, 1, NULL, false},
    {"group_norm", group_norm, 3, {{2, 2, 12}, {1, 4}, {1, 4}}, -1, 1, NULL, false},
    {"batch_norm", batch_norm, 3, {{2, 4, 6}, V3, V3}, -1, 1, NULL, false},
    {"batch_norm_eval", batch_norm_eval, 3, {{2, 4, 6}, V3, V3}, -1, 1, NULL, false},
};

static tg_tensor *uniform(const int64_t *shape, double low, double high)
{
    return tg_add_scalar(tg_mul_scalar(tg_rand(shape + 1, (int)shape[0], TG_F64), high - low), low);
}

/* max |a - b| / (1 + |b|) */
static double difference(const tg_tensor *a, const tg_tensor *b)
{
    return tg_item(tg_amax(tg_div(tg_abs(tg_sub(a, b)), tg_add_scalar(tg_abs(b), 1)), NULL, 0, false));
}

/* The forward tangent against reverse mode's jvp, with every input dual,
   and with only the first. */
static void check_case(const tangent_case *c)
{
    tg_tensor *in[3], *v[3], *duals[3];
    for (int i = 0; i < c->n; i++) {
        in[i] = uniform(c->shape[i], c->low, c->high);
        v[i] = uniform(c->shape[i], -1, 1);
    }
    void *ctx = (void *)c->fn;
    for (int only_first = 0; only_first < 2; only_first++) {
        tg_tensor *zeroed[3], *jvp = NULL, *tangent = NULL, *out;
        for (int i = 0; i < c->n; i++) zeroed[i] = only_first && i ? tg_zeros_like(v[i]) : v[i];
        int failed = c->diagonal ? tg_func_vjp(c->f, in, c->n, ctx, zeroed[0], &out, &jvp)
                                 : tg_func_jvp(c->f, in, c->n, ctx, zeroed, &out, &jvp);
        if (failed) {
            fprintf(stderr, "%s: reverse jvp failed: %s\n", c->name, tg_last_error());
            CHECK(false);
            return;
        }
        CHECK(tg_fwad_enter_dual_level() == 0);
        for (int i = 0; i < c->n; i++) duals[i] = only_first && i ? in[i] : tg_make_dual(in[i], v[i]);
        tg_tensor *y = c->f(duals, c->n, ctx);
        if (y) tg_unpack_dual(y, &tangent);
        CHECK(tg_fwad_exit_dual_level() == 0);
        if (!tangent) {
            fprintf(stderr, "%s: no tangent: %s\n", c->name, y ? "none" : tg_last_error());
            CHECK(false);
            continue;
        }
        double d = difference(tangent, jvp);
        if (!(d < 1e-10)) fprintf(stderr, "%s%s: forward and reverse differ by %g\n", c->name, only_first ? " (first dual)" : "", d);
        CHECK(d < 1e-10);
        CHECK(tg__same_shape(tg_shape(tangent), tg_ndim(tangent), tg_shape(out), tg_ndim(out)));
    }
}

/* asinh_, acosh_ and atanh_ have no derivative (PyTorch's), so their
   tangents are checked against their out-of-place twins'; the leaf's
   clone makes their nodes for the coverage check. */
static void check_inplace_twins(void)
{
    static const struct { tg_tensor *(*inplace)(tg_tensor *); unary_fn twin; double low, high; } TWINS[] = {
        {tg_asinh_, tg_asinh, -1, 1}, {tg_acosh_, tg_acosh, 1.2, 3}, {tg_atanh_, tg_atanh, -0.8, 0.8}};
    for (size_t i = 0; i < sizeof TWINS / sizeof *TWINS; i++) {
        tg_tensor *x = uniform((const int64_t[]){2, 2, 3}, TWINS[i].low, TWINS[i].high), *v = tg_rand_like(x);
        CHECK(TWINS[i].inplace(tg_clone(tg_requires_grad_(tg_clone(x), true))) != NULL);
        tg_tensor *want, *got;
        CHECK(tg_fwad_enter_dual_level() == 0);
        tg_unpack_dual(TWINS[i].twin(tg_make_dual(x, v)), &want);
        tg_unpack_dual(TWINS[i].inplace(tg_clone(tg_make_dual(x, v))), &got);
        CHECK(tg_fwad_exit_dual_level() == 0);
        CHECK(want && got && difference(got, want) == 0);
    }
}

/* The nn rows PyTorch 1.13 has no forward formula for fail with its
   error, met in forward-over-reverse: a gradient with create_graph of a
   dual upstream gradient. */
static tg_tensor *hardsigmoid_grad(const tg_tensor *g, tg_tensor *x) { return gradient_of(tg_hardsigmoid(x), x, g); }
static tg_tensor *softmax_grad(const tg_tensor *g, tg_tensor *x) { return gradient_of(tg_softmax(x, 1), x, g); }
static tg_tensor *log_softmax_grad(const tg_tensor *g, tg_tensor *x) { return gradient_of(tg_log_softmax(x, 1), x, g); }
static tg_tensor *huber_grad(const tg_tensor *g, tg_tensor *x)
{
    return gradient_of(tg_sum(tg_huber_loss(x, tg_zeros_like(x), TG_NONE, 1)), x, tg_sum(g));
}
static tg_tensor *nll_grad(const tg_tensor *g, tg_tensor *x) { return gradient_of(tg_nll_loss(x, classes()), x, tg_sum(g)); }
static tg_tensor *nll2d_grad(const tg_tensor *g, tg_tensor *x)
{
    tg_tensor *image = tg_view(x, TG_SHAPE(1, 2, 3, 1));
    return gradient_of(tg_nll_loss(image, tg_zeros(TG_SHAPE(1, 3, 1), TG_I64)), x, tg_sum(g));
}

static void check_nn_without_rules(void)
{
    static const struct { tg_tensor *(*grad)(const tg_tensor *, tg_tensor *); const char *error; } NONE[] = {
        {hardsigmoid_grad, "Trying to use forward AD with aten::hardsigmoid_backward that does not support it."},
        {softmax_grad, "Trying to use forward AD with _softmax_backward_data that does not support it because"},
        {log_softmax_grad, "Trying to use forward AD with _log_softmax_backward_data that does not support it because"},
        {huber_grad, "Trying to use forward AD with huber_loss_backward that does not support it because"},
        {nll_grad, "Trying to use forward AD with nll_loss_backward that does not support it because"},
        {nll2d_grad, "Trying to use forward AD with nll_loss2d_backward that does not support it because"}};
    for (size_t i = 0; i < sizeof NONE / sizeof *NONE; i++) {
        tg_scope_begin();
        tg_tensor *x = tg_requires_grad_(tg_rand(TG_SHAPE(2, 3), TG_F64), true), *g = tg_rand_like(x);
        CHECK(tg_fwad_enter_dual_level() == 0);
        CHECK(NONE[i].grad(tg_make_dual(g, tg_ones_like(g)), x) == NULL);
        if (strncmp(tg_last_error(), NONE[i].error, strlen(NONE[i].error)) != 0)
            fprintf(stderr, "expected \"%s\", got \"%s\"\n", NONE[i].error, tg_last_error());
        CHECK(strncmp(tg_last_error(), NONE[i].error, strlen(NONE[i].error)) == 0);
        CHECK(tg_fwad_exit_dual_level() == 0);
        tg_clear_error();
        tg_scope_end();
    }
}

/* Every operation with a rule had a node made by the reverse passes. */
static void check_coverage(void)
{
    for (int op = 0; op < TG_OP_COUNT; op++) {
        if (!tg__has_tangent_rule((tg_op)op) || tg__nodes_created((tg_op)op) > 0) continue;
        fprintf(stderr, "no case makes a %s node, whose tangent rule goes unchecked\n", tg__op_name((tg_op)op));
        CHECK(false);
    }
}

static void check_levels_and_errors(void)
{
    tg_tensor *x = tg_rand(TG_SHAPE(2, 3), TG_F64), *t = tg_ones_like(x);
    CHECK(tg_make_dual(x, t) == NULL);
    CHECK(tg_fwad_enter_dual_level() == 0);
    CHECK(tg_fwad_enter_dual_level() == -1);
    CHECK_STR(tg_last_error(), "Nested forward mode AD is not supported at the moment");
    tg_tensor *d = tg_make_dual(x, t);
    /* an operation without a rule (DelayedError, which PyTorch has none for) */
    tg_tensor *passed = tg_clone(x);
    CHECK(tg__record(passed, (tg_record){.op = TG_OP_DELAYED_ERROR}, (const tg_tensor *[]){d}, 1, NULL) == -1);
    static const char no_rule[] = "Trying to use forward AD with error that does not support it";
    CHECK(strncmp(tg_last_error(), no_rule, sizeof no_rule - 1) == 0);
    tg_clear_error();
    /* a product's scatter_reduce has no tangent, as in PyTorch 1.13 */
    tg_tensor *index = tg_from_i64((const int64_t[]){0, 1, 0, 1, 0, 1}, TG_SHAPE(2, 3)), *tangent = x;
    tg_unpack_dual(tg_scatter_reduce(d, 1, index, x, TG_SCATTER_PROD, true), &tangent);
    CHECK(tangent == NULL);
    /* a view's tangent is the same view of the tangent's storage */
    tg_tensor *v = tg_select(tg_t(d), 0, 1);
    tg_unpack_dual(v, &tangent);
    CHECK(tangent && tg_strides(tangent)[0] == tg_strides(v)[0]);
    /* a tensor without tangent in a level, and a dual one after it */
    tg_unpack_dual(tg_mul(x, x), &tangent);
    CHECK(tangent == NULL);
    CHECK(tg_fwad_exit_dual_level() == 0);
    tg_unpack_dual(d, &tangent);
    CHECK(tangent == NULL);
    CHECK(tg_fwad_exit_dual_level() == -1);
    tg_clear_error();
}

int main(void)
{
    tg_manual_seed(7);
    for (size_t i = 0; i < sizeof CASES / sizeof *CASES; i++) {
        tg_scope_begin();
        check_case(&CASES[i]);
        tg_scope_end();
    }
    check_inplace_twins();
    check_nn_without_rules();
    check_coverage();
    check_levels_and_errors();
    return TEST_MAIN_END();
}
