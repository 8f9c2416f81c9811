/* Functional transforms over a C function (torch.autograd.functional):
   vjp, jvp, jacobian, hessian, hvp, vhp. Each follows PyTorch 1.13's
   algorithm step for step, so that values, rounding and errors are its:
   inputs are detached copies that require grad (views of them with
   create_graph, keeping their history), the function runs with grad mode
   on, gradients that do not reach an input are zeros (or strict mode's
   error), and results are detached unless create_graph. jvp is the double
   backward trick in reverse mode, or one forward pass with dual tensors
   (TG_FORWARD_MODE); a reverse Jacobian is one backward per output
   element, a forward one one forward pass per input element. */
#include "../ops/ops.h"

#include <stdlib.h>

enum { MAX_INPUTS = 64 };

/* PyTorch's _grad_preprocess: inputs[i] for the function to differentiate. */
static tg_tensor *prepare(const tg_tensor *t, bool create_graph, bool need_graph)
{
    if (create_graph && tg_requires_grad(t)) return tg_view(t, t->shape, t->ndim);
    tg_tensor *d = tg_detach(t);
    return need_graph && d ? tg_requires_grad_(d, true) : d;
}

/* PyTorch's _grad_postprocess */
static tg_tensor *finish(tg_tensor *t, bool create_graph) { return create_graph || !t ? t : tg_detach(t); }

static int check_inputs(const char *fn, tg_tensor *const *inputs, int n)
{
    if (n < 1 || n > MAX_INPUTS || !inputs)
        return tg__faili(TG_E_INVALID, "%s(): expected 1 to %d inputs, got %d", fn, MAX_INPUTS, n);
    for (int i = 0; i < n; i++) TG_ARGI_OF(fn, inputs[i]);
    return 0;
}

/* Runs f on the prepared inputs; what is the public function's PyTorch
   name for the error of a function that returns nothing. */
static tg_tensor *call(tg_gradcheck_fn f, tg_tensor *const *in, int n, void *ctx, const char *what)
{
    tg_tensor *out = NULL;
    TG_ENABLE_GRAD { out = f(in, n, ctx); }
    if (!out && tg_last_status() == TG_OK)
        tg__fail(TG_E_INVALID, "The outputs of the user-provided function given to %s must be either a Tensor or a "
                               "tuple of Tensors but the given outputs of the user-provided function has type "
                               "<class 'NoneType'>.", what);
    return out;
}

/* PyTorch's _check_requires_grad for the function's output */
static int check_output_requires_grad(const tg_tensor *out, bool strict)
{
    if (!strict || tg_requires_grad(out)) return 0;
    return tg__faili(TG_E_AUTOGRAD, "Output 0 of the user-provided function does not require gradients. The outputs "
                                    "must be computed in a differentiable manner from the input when running in strict mode.");
}

static int check_v(const char *fn, const tg_tensor *v, const tg_tensor *ref)
{
    TG_ARGI_OF(fn, v);
    if (tg__same_shape(v->shape, v->ndim, ref->shape, ref->ndim)) return 0;
    char want[256], got[256];
    return tg__faili(TG_E_SHAPE, "v has invalid size: should be %s but got %s.",
                     tg__shape_text(ref->shape, ref->ndim, "torch.Size([", "])", want, sizeof want),
                     tg__shape_text(v->shape, v->ndim, "torch.Size([", "])", got, sizeof got));
}

/* PyTorch's _autograd_grad: d<out, grad_out>/d inputs with allow_unused
   (NULL for an input out does not reach), all NULL when out does not
   require grad; the graph is kept. */
static int grads_of(const tg_tensor *out, tg_tensor *const *inputs, int n, const tg_tensor *grad_out, bool create_graph,
                    tg_tensor **grads)
{
    for (int i = 0; i < n; i++) grads[i] = NULL;
    if (!tg_requires_grad(out)) return 0;
    tg_backward_opts opts = {.retain_graph = true, .create_graph = create_graph, .allow_unused = true};
    tg_tensor *outs[1] = {(tg_tensor *)out}, *gos[1] = {(tg_tensor *)grad_out};
    int rc;
    TG_ENABLE_GRAD { rc = tg_autograd_grad(outs, 1, inputs, n, grad_out ? gos : NULL, opts, grads); }
    return rc;
}

/* PyTorch's _fill_in_zeros, with the message of its stage for strict mode. */
static int fill_zeros(tg_tensor **grads, tg_tensor *const *refs, int n, bool strict, const char *strict_message)
{
    for (int i = 0; i < n; i++) {
        if (grads[i]) continue;
        if (strict) return tg__faili(TG_E_AUTOGRAD, strict_message, i);
        if (!(grads[i] = tg_zeros_like(refs[i]))) return -1;
    }
    return 0;
}

static const char BACK[] = "The output of the user-provided function is independent of input %d. This is not allowed in strict mode.";
static const char BACK_TRICK[] =
    "The gradient with respect to the input is independent of entry %d in the grad_outputs when using the double "
    "backward trick to compute forward mode gradients. This is not allowed in strict mode.";
static const char DOUBLE_BACK[] =
    "The jacobian of the user-provided function is independent of input %d. This is not allowed in strict mode.";
static const char DOUBLE_BACK_TRICK[] =
    "The hessian of the user-provided function is independent of entry %d in the grad_jacobian. This is not allowed in "
    "strict mode as it prevents from using the double backward trick to replace forward mode AD.";

/* ------------------------------------------------------------------ vjp */

int tg_func_vjp_ex(tg_gradcheck_fn f, tg_tensor *const *inputs, int n, void *ctx, const tg_tensor *v,
                   tg_tensor **output, tg_tensor **vjp_out, tg_func_opts opts)
{
    if (check_inputs("tg_func_vjp", inputs, n) || !vjp_out) return vjp_out ? -1 : tg__faili(TG_E_NULL, "tg_func_vjp(): vjp_out is NULL");
    tg_tensor *in[MAX_INPUTS], *g[MAX_INPUTS];
    for (int i = 0; i < n; i++)
        if (!(in[i] = prepare(inputs[i], opts.create_graph, true))) return -1;
    tg_tensor *out = call(f, in, n, ctx, "vjp");
    if (!out || check_output_requires_grad(out, opts.strict)) return -1;
    if (v) {
        tg_tensor *pv = check_v("tg_func_vjp", v, out) ? NULL : prepare(v, opts.create_graph, false);
        if (!pv) return -1;
        v = pv;
    } else if (tg_numel(out) != 1) {
        return tg__faili(TG_E_INVALID, "The vector v can only be None if the user-provided function returns a single "
                                       "Tensor with a single element.");
    }
    if (grads_of(out, in, n, v, opts.create_graph, g) || fill_zeros(g, in, n, opts.strict, BACK)) return -1;
    for (int i = 0; i < n; i++)
        if (!(vjp_out[i] = finish(g[i], opts.create_graph))) return -1;
    if (output && !(*output = finish(out, opts.create_graph))) return -1;
    return 0;
}

int tg_func_vjp(tg_gradcheck_fn f, tg_tensor *const *inputs, int n, void *ctx, const tg_tensor *v, tg_tensor **output,
                tg_tensor **vjp_out)
{
    return tg_func_vjp_ex(f, inputs, n, ctx, v, output, vjp_out, (tg_func_opts){0});
}

/* ------------------------------------------------------------------ jvp */

static int check_vs(const char *fn, tg_tensor *const *v, tg_tensor *const *inputs, int n, bool create_graph,
                    tg_tensor **pv)
{
    if (!v) {
        if (n != 1 || tg_numel(inputs[0]) != 1)
            return tg__faili(TG_E_INVALID, "The vector v can only be None if the input to the user-provided function "
                                           "is a single Tensor with a single element.");
        pv[0] = NULL;
        return 0;
    }
    for (int i = 0; i < n; i++)
        if (check_v(fn, v[i], inputs[i]) || !(pv[i] = prepare(v[i], create_graph, false))) return -1;
    return 0;
}

/* One forward pass with dual tensors; a NULL v is a tangent of ones. */
static int jvp_forward(tg_gradcheck_fn f, tg_tensor *const *inputs, int n, void *ctx, tg_tensor *const *v,
                       tg_tensor **out, tg_tensor **jvp)
{
    if (tg_fwad_enter_dual_level()) return -1;
    tg_tensor *dual[MAX_INPUTS], *tangent = NULL;
    int rc = 0;
    for (int i = 0; i < n && !rc; i++)
        if (!(dual[i] = tg_make_dual(inputs[i], v ? v[i] : tg_ones_like(inputs[i])))) rc = -1;
    tg_tensor *y = rc ? NULL : call(f, dual, n, ctx, "jvp");
    tg_tensor *primal = y ? tg_unpack_dual(y, &tangent) : NULL;
    if (primal) {
        *out = primal;
        *jvp = tangent ? tangent : tg_zeros_like(primal);
    }
    tg_fwad_exit_dual_level();
    return primal && *jvp ? 0 : -1;
}

int tg_func_jvp_ex(tg_gradcheck_fn f, tg_tensor *const *inputs, int n, void *ctx, tg_tensor *const *v,
                   tg_tensor **output, tg_tensor **jvp_out, tg_func_opts opts)
{
    if (check_inputs("tg_func_jvp", inputs, n)) return -1;
    if (!jvp_out) return tg__faili(TG_E_NULL, "tg_func_jvp(): jvp_out is NULL");
    tg_tensor *in[MAX_INPUTS], *pv[MAX_INPUTS], *gi[MAX_INPUTS], *res;
    for (int i = 0; i < n; i++)
        if (!(in[i] = prepare(inputs[i], opts.create_graph, opts.strategy == TG_REVERSE_MODE))) return -1;
    if (check_vs("tg_func_jvp", v, in, n, opts.create_graph, pv)) return -1;
    tg_tensor *out;
    if (opts.strategy == TG_FORWARD_MODE) {
        if (jvp_forward(f, in, n, ctx, v ? pv : NULL, &out, &res)) return -1;
    } else {
        out = call(f, in, n, ctx, "jvp");
        if (!out || check_output_requires_grad(out, opts.strict)) return -1;
        /* The backward is linear in grad_out: its value (zeros) does not matter. */
        tg_tensor *grad_out = tg_zeros_like(out);
        if (!grad_out || !tg_requires_grad_(grad_out, true)) return -1;
        if (grads_of(out, in, n, grad_out, true, gi)) return -1;
        /* the double backward: the gradients' sum with v, differentiated by grad_out */
        tg_tensor *outs[MAX_INPUTS], *vs[MAX_INPUTS];
        int k = 0;
        for (int i = 0; i < n; i++) {
            if (!gi[i] || !tg_requires_grad(gi[i])) {   /* PyTorch's _check_requires_grad of grad_inputs */
                if (opts.strict && !gi[i]) return tg__faili(TG_E_AUTOGRAD, BACK, i);
                if (opts.strict)
                    return tg__faili(TG_E_AUTOGRAD, "The gradient with respect to input %d is independent of the inputs "
                                                    "of the user-provided function. This is not allowed in strict mode.", i);
                continue;
            }
            outs[k] = gi[i];
            vs[k++] = pv[i] ? pv[i] : tg_ones_like(in[i]);
        }
        res = NULL;
        if (k) {
            tg_backward_opts bo = {.retain_graph = true, .create_graph = opts.create_graph, .allow_unused = true};
            int rc;
            TG_ENABLE_GRAD { rc = tg_autograd_grad(outs, k, &grad_out, 1, vs, bo, &res); }
            if (rc) return -1;
        }
        if (fill_zeros(&res, &out, 1, opts.strict, BACK_TRICK)) return -1;
    }
    if (!(*jvp_out = finish(res, opts.create_graph))) return -1;
    if (output && !(*output = finish(out, opts.create_graph))) return -1;
    return 0;
}

int tg_func_jvp(tg_gradcheck_fn f, tg_tensor *const *inputs, int n, void *ctx, tg_tensor *const *v, tg_tensor **output,
                tg_tensor **jvp_out)
{
    return tg_func_jvp_ex(f, inputs, n, ctx, v, output, jvp_out, (tg_func_opts){0});
}

/* ------------------------------------------------------------- jacobian */

/* The block of output `out` for input in: (out shape) + (in shape). */
static tg_tensor *block_shape(tg_tensor *rows, const tg_tensor *out, const tg_tensor *in)
{
    int64_t shape[TG_MAX_DIMS];
    int nd = out->ndim + in->ndim;
    if (nd > TG_MAX_DIMS) return tg__fail(TG_E_SHAPE, "jacobian: the block has more than %d dims", TG_MAX_DIMS);
    for (int d = 0; d < out->ndim; d++) shape[d] = out->shape[d];
    for (int d = 0; d < in->ndim; d++) shape[out->ndim + d] = in->shape[d];
    return tg_view(rows, shape, nd);
}

/* Reverse mode: one backward per element of out, output number out_nr of
   the function (for strict mode's messages); blocks[i] for input i. */
static int jacobian_reverse(tg_tensor *out, int out_nr, tg_tensor *const *in, int n, bool create_graph, bool strict,
                            tg_tensor **blocks)
{
    int64_t count = tg_numel(out), minus_one = -1;
    tg_tensor *flat = tg_reshape(out, &minus_one, 1);
    tg_tensor **rows = tg__calloc((size_t)(count ? count : 1) * (size_t)n, sizeof *rows);
    if (!flat || !rows) {
        free(rows);
        return -1;
    }
    int rc = 0;
    for (int64_t j = 0; j < count && !rc; j++) {
        tg_tensor *g[MAX_INPUTS];
        tg_tensor *element = tg_select(flat, 0, j);
        if (!element || grads_of(element, in, n, NULL, create_graph, g)) {
            rc = -1;
            break;
        }
        for (int i = 0; i < n && !rc; i++) {
            if (g[i]) {
                if (strict && create_graph && !tg_requires_grad(g[i]))
                    rc = tg__faili(TG_E_AUTOGRAD, "The jacobian of the user-provided function is independent of input %d. "
                                                  "This is not allowed in strict mode when create_graph=True.", i);
            } else if (strict) {
                rc = tg__faili(TG_E_AUTOGRAD, "Output %d of the user-provided function is independent of input %d. "
                                              "This is not allowed in strict mode.", out_nr, i);
            } else if (!(g[i] = tg_zeros_like(in[i]))) {
                rc = -1;
            }
            rows[(size_t)i * (size_t)count + (size_t)j] = g[i];
        }
    }
    for (int i = 0; i < n && !rc; i++) {
        tg_tensor *stacked = count ? tg_stack((const tg_tensor *const *)rows + (size_t)i * (size_t)count, (int)count, 0)
                                   : tg_zeros(TG_SHAPE(0), in[i]->dtype);
        if (!(blocks[i] = stacked ? block_shape(stacked, out, in[i]) : NULL)) rc = -1;
    }
    free(rows);
    return rc;
}

/* Forward mode: one forward pass per element of the inputs, with a basis
   vector as the tangent; the columns for input i make blocks[i]. */
static int jacobian_forward(tg_gradcheck_fn f, tg_tensor *const *in, int n, void *ctx, tg_tensor **blocks)
{
    int64_t total = 0;
    for (int i = 0; i < n; i++) total += tg_numel(in[i]);
    tg_tensor **cols = tg__calloc((size_t)(total ? total : 1), sizeof *cols);
    if (!cols) return -1;
    tg_tensor *out = NULL, *v[MAX_INPUTS];
    int rc = 0;
    int64_t k = 0;
    for (int i = 0; i < n && !rc; i++) {
        for (int64_t e = 0; e < tg_numel(in[i]) && !rc; e++, k++) {
            for (int m = 0; m < n; m++) v[m] = tg_zeros_like(in[m]);
            int64_t minus_one = -1;
            tg_tensor *flat = tg_reshape(v[i], &minus_one, 1);
            tg_tensor *one = flat ? tg_select(flat, 0, e) : NULL;
            if (!one || !tg_fill_(one, 1) || jvp_forward(f, in, n, ctx, v, &out, &cols[k])) rc = -1;
            else cols[k] = tg_reshape(cols[k], &minus_one, 1);
        }
    }
    if (!rc && total == 0) {   /* no element to perturb: still run f for the output's shape */
        tg_tensor *ignored;
        rc = jvp_forward(f, in, n, ctx, NULL, &out, &ignored);
    }
    k = 0;
    for (int i = 0; i < n && !rc; i++) {
        int64_t m = tg_numel(in[i]);
        tg_tensor *stacked = m ? tg_stack((const tg_tensor *const *)cols + k, (int)m, -1) : tg_zeros(TG_SHAPE(tg_numel(out), 0), out->dtype);
        if (!(blocks[i] = stacked ? block_shape(stacked, out, in[i]) : NULL)) rc = -1;
        k += m;
    }
    free(cols);
    return rc;
}

int tg_func_jacobian_ex(tg_gradcheck_fn f, tg_tensor *const *inputs, int n, void *ctx, tg_tensor **blocks,
                        tg_func_opts opts)
{
    if (check_inputs("tg_func_jacobian", inputs, n)) return -1;
    if (!blocks) return tg__faili(TG_E_NULL, "tg_func_jacobian_ex(): blocks is NULL");
    tg_tensor *in[MAX_INPUTS], *b[MAX_INPUTS];
    if (opts.strategy == TG_FORWARD_MODE) {
        if (opts.strict)
            return tg__faili(TG_E_INVALID, "torch.autograd.functional.jacobian: `strict=True` and `strategy=\"forward-mode\"` "
                                           "are not supported together (yet). Please either set `strict=False` or "
                                           "`strategy=\"reverse-mode\"`.");
        if (opts.create_graph)
            return tg__faili(TG_E_INVALID, "torch.autograd.functional.jacobian: `create_graph=True` and "
                                           "`strategy=\"forward-mode\"` are not supported together (yet). Please either "
                                           "set `create_graph=False` or `strategy=\"reverse-mode\"`.");
        for (int i = 0; i < n; i++)
            if (!(in[i] = tg_detach(inputs[i]))) return -1;
        if (jacobian_forward(f, in, n, ctx, b)) return -1;
    } else {
        for (int i = 0; i < n; i++)
            if (!(in[i] = prepare(inputs[i], opts.create_graph, true))) return -1;
        tg_tensor *out = call(f, in, n, ctx, "jacobian");
        if (!out || check_output_requires_grad(out, opts.strict) ||
            jacobian_reverse(out, 0, in, n, opts.create_graph, opts.strict, b))
            return -1;
    }
    for (int i = 0; i < n; i++)
        if (!(blocks[i] = finish(b[i], opts.create_graph))) return -1;
    return 0;
}

static tg_tensor *one_block(const char *fn, int n)
{
    return tg__fail(TG_E_INVALID, "%s(): %d inputs make %d blocks; use %s_ex", fn, n, n, fn);
}

tg_tensor *tg_func_jacobian(tg_gradcheck_fn f, tg_tensor *const *inputs, int n, void *ctx, bool create_graph)
{
    if (n != 1) return one_block(__func__, n);
    tg_tensor *block;
    return tg_func_jacobian_ex(f, inputs, n, ctx, &block, (tg_func_opts){.create_graph = create_graph}) ? NULL : block;
}

/* ----------------------------------------------- hessian, hvp and vhp */

/* f's output, checked to be one element, as hessian, hvp and vhp need. */
static tg_tensor *scalar_output(tg_gradcheck_fn f, tg_tensor *const *in, int n, void *ctx, const char *what, bool strict)
{
    tg_tensor *out = call(f, in, n, ctx, what);
    if (!out || check_output_requires_grad(out, strict)) return NULL;
    if (tg_numel(out) != 1)
        return tg__fail(TG_E_INVALID, "The Tensor returned by the function given to %s should contain a single element", what);
    return out;
}

/* PyTorch's _check_requires_grad for a jacobian inside hessian, hvp, vhp */
static int check_jacobian_requires_grad(tg_tensor *const *jac, int n, bool strict)
{
    for (int i = 0; strict && i < n; i++)
        if (!tg_requires_grad(jac[i]))
            return tg__faili(TG_E_AUTOGRAD,
                             "While computing the hessian, found that the jacobian of the user-provided function with "
                             "respect to input %d is independent of the input. This is not allowed in strict mode. You "
                             "should ensure that your function is twice differentiable and that the jacobian depends on "
                             "the inputs (this would be violated by a linear function for example).", i);
    return 0;
}

int tg_func_hessian_ex(tg_gradcheck_fn f, tg_tensor *const *inputs, int n, void *ctx, tg_tensor **blocks,
                       tg_func_opts opts)
{
    if (check_inputs("tg_func_hessian", inputs, n)) return -1;
    if (!blocks) return tg__faili(TG_E_NULL, "tg_func_hessian_ex(): blocks is NULL");
    if (opts.strategy == TG_FORWARD_MODE)
        return tg__faili(TG_E_INVALID, "tg_func_hessian_ex(): only the reverse-mode outer jacobian is implemented");
    tg_tensor *in[MAX_INPUTS], *jac_in[MAX_INPUTS], *grad[MAX_INPUTS];
    for (int i = 0; i < n; i++)
        if (!(in[i] = prepare(inputs[i], opts.create_graph, true))) return -1;
    /* the outer jacobian's function: the inner jacobian (the gradient) with
       create_graph, of the function's squeezed output */
    for (int i = 0; i < n; i++)
        if (!(jac_in[i] = prepare(in[i], true, true))) return -1;
    tg_tensor *out = scalar_output(f, jac_in, n, ctx, "hessian", opts.strict);
    if (!out || !(out = tg_squeeze(out)) || jacobian_reverse(out, 0, jac_in, n, true, false, grad)) return -1;
    if (check_jacobian_requires_grad(grad, n, opts.strict)) return -1;
    for (int i = 0; i < n; i++) {
        tg_tensor *row[MAX_INPUTS];
        if (jacobian_reverse(grad[i], i, in, n, opts.create_graph, opts.strict, row)) return -1;
        for (int j = 0; j < n; j++)
            if (!(blocks[i * n + j] = finish(row[j], opts.create_graph))) return -1;
    }
    return 0;
}

tg_tensor *tg_func_hessian(tg_gradcheck_fn f, tg_tensor *const *inputs, int n, void *ctx, bool create_graph)
{
    if (n != 1) return one_block(__func__, n);
    tg_tensor *block;
    return tg_func_hessian_ex(f, inputs, n, ctx, &block, (tg_func_opts){.create_graph = create_graph}) ? NULL : block;
}

/* vhp: the gradient's sum with v, differentiated again; hvp: the same
   through the double backward trick, as PyTorch computes each. */
static int hessian_product(const char *what, bool trick, tg_gradcheck_fn f, tg_tensor *const *inputs, int n, void *ctx,
                           tg_tensor *const *v, tg_tensor **output, tg_tensor **out_vec, tg_func_opts opts)
{
    if (check_inputs(trick ? "tg_func_hvp" : "tg_func_vhp", inputs, n)) return -1;
    if (!out_vec) return tg__faili(TG_E_NULL, "%s: the result array is NULL", what);
    tg_tensor *in[MAX_INPUTS], *pv[MAX_INPUTS], *jac[MAX_INPUTS], *res[MAX_INPUTS];
    for (int i = 0; i < n; i++)
        if (!(in[i] = prepare(inputs[i], opts.create_graph, true))) return -1;
    if (check_vs(trick ? "tg_func_hvp" : "tg_func_vhp", v, in, n, opts.create_graph, pv)) return -1;
    for (int i = 0; i < n; i++)
        if (!v && !(pv[i] = tg_ones_like(in[i]))) return -1;
    tg_tensor *out = scalar_output(f, in, n, ctx, what, opts.strict);
    if (!out || grads_of(out, in, n, NULL, true, jac) || fill_zeros(jac, in, n, opts.strict, BACK) ||
        check_jacobian_requires_grad(jac, n, opts.strict))
        return -1;
    tg_backward_opts bo = {.retain_graph = true, .create_graph = opts.create_graph, .allow_unused = true};
    tg_tensor *outs[MAX_INPUTS], *gos[MAX_INPUTS];
    int k = 0;
    if (!trick) {
        for (int i = 0; i < n; i++)
            if (tg_requires_grad(jac[i])) outs[k] = jac[i], gos[k++] = pv[i];
        for (int i = 0; i < n; i++) res[i] = NULL;
        int rc = 0;
        if (k) TG_ENABLE_GRAD { rc = tg_autograd_grad(outs, k, in, n, gos, bo, res); }
        if (rc || fill_zeros(res, in, n, opts.strict, DOUBLE_BACK)) return -1;
    } else {
        tg_tensor *grad_jac[MAX_INPUTS], *double_back[MAX_INPUTS];
        for (int i = 0; i < n; i++)
            if (!(grad_jac[i] = tg_zeros_like(in[i])) || !tg_requires_grad_(grad_jac[i], true)) return -1;
        for (int i = 0; i < n; i++)
            if (tg_requires_grad(jac[i])) outs[k] = jac[i], gos[k++] = grad_jac[i];
        for (int i = 0; i < n; i++) double_back[i] = NULL;
        int rc = 0;
        tg_backward_opts twice = {.retain_graph = true, .create_graph = true, .allow_unused = true};
        if (k) TG_ENABLE_GRAD { rc = tg_autograd_grad(outs, k, in, n, gos, twice, double_back); }
        if (rc || fill_zeros(double_back, in, n, opts.strict, DOUBLE_BACK)) return -1;
        k = 0;
        for (int i = 0; i < n; i++)
            if (tg_requires_grad(double_back[i])) outs[k] = double_back[i], gos[k++] = pv[i];
        for (int i = 0; i < n; i++) res[i] = NULL;
        if (k) TG_ENABLE_GRAD { rc = tg_autograd_grad(outs, k, grad_jac, n, gos, bo, res); }
        if (rc || fill_zeros(res, in, n, opts.strict, DOUBLE_BACK_TRICK)) return -1;
    }
    for (int i = 0; i < n; i++)
        if (!(out_vec[i] = finish(res[i], opts.create_graph))) return -1;
    if (output && !(*output = finish(out, opts.create_graph))) return -1;
    return 0;
}

int tg_func_hvp_ex(tg_gradcheck_fn f, tg_tensor *const *inputs, int n, void *ctx, tg_tensor *const *v, tg_tensor **output,
                   tg_tensor **hvp_out, tg_func_opts opts)
{
    return hessian_product("hvp", true, f, inputs, n, ctx, v, output, hvp_out, opts);
}

int tg_func_hvp(tg_gradcheck_fn f, tg_tensor *const *inputs, int n, void *ctx, tg_tensor *const *v, tg_tensor **output,
                tg_tensor **hvp_out)
{
    return tg_func_hvp_ex(f, inputs, n, ctx, v, output, hvp_out, (tg_func_opts){0});
}

int tg_func_vhp_ex(tg_gradcheck_fn f, tg_tensor *const *inputs, int n, void *ctx, tg_tensor *const *v, tg_tensor **output,
                   tg_tensor **vhp_out, tg_func_opts opts)
{
    return hessian_product("vhp", false, f, inputs, n, ctx, v, output, vhp_out, opts);
}

int tg_func_vhp(tg_gradcheck_fn f, tg_tensor *const *inputs, int n, void *ctx, tg_tensor *const *v, tg_tensor **output,
                tg_tensor **vhp_out)
{
    return tg_func_vhp_ex(f, inputs, n, ctx, v, output, vhp_out, (tg_func_opts){0});
}
