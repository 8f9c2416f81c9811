/* tg_gradcheck: analytic gradients against central finite differences.

   The checker works on "objectives": functions of a list of f64 variables
   that return a tensor of any shape. It compares the gradient of
   <objective(vars), w>, for fixed distinct weights w, computed by
   tg_autograd_grad with the same quantity computed by central differences.

   The first-order check uses the user's f as the objective. The second-order
   check of input i uses the objective
       (inputs..., v) -> d<f(inputs), v> / d inputs[i]
   computed with create_graph, so it tests the backward formulas both as
   functions of the inputs and of the incoming gradient v (PyTorch's
   gradgradcheck).

   Perturbations write the f64 element straight into the variable's storage
   and put the saved bits back afterwards: no operation runs on the inputs,
   so neither their version counters nor their histories change. */
#include "../ops/ops.h"

#include <math.h>
#include <stdlib.h>

typedef struct tolerance {
    double eps, atol, rtol;
} tolerance;

typedef struct objective {
    tg_gradcheck_fn fn;
    void *ctx;
    tg_tensor *const *vars;
    int n_vars;
    /* for messages: -1 for the first-order check, else the input whose
       gradient is the objective; variables from n_inputs on are v */
    int grad_of;
    int n_inputs;
} objective;

/* Fixed, distinct weights in [0.5, 1.5) from a golden-ratio sequence, so a
   wrong gradient of one element cannot hide in a plain sum. The first weight
   is 1, so a one-element output is checked as it is. */
static double weight(int64_t j, double phase)
{
    double x = phase + (double)j * 0.6180339887498949;
    return 0.5 + (x - floor(x));
}

static double *weights(int64_t count, double phase)
{
    double *w = tg__malloc((size_t)count * sizeof *w);
    for (int64_t j = 0; w && j < count; j++) w[j] = weight(j, phase);
    return w;
}

/* Note [Complex gradcheck]: as PyTorch's gradcheck, a complex128 tensor
   counts as two real components per element, its real and imaginary parts,
   each perturbed on its own; a complex output's value is weighted part by
   part, <out, w> = sum w_re re(out) + w_im im(out), which is what backward
   from the gradient w_re + w_im i differentiates, and the gradient of a
   complex input holds (d/d re, d/d im) of it (conjugate Wirtinger). */
static int64_t components(const tg_tensor *t) { return tg_numel(t) * (tg__is_complex(t->dtype) ? 2 : 1); }

/* t's components in row-major order into out. */
static int copy_components(const tg_tensor *t, double *out)
{
    return tg__is_complex(t->dtype) ? tg_copy_to_c128(t, out) : tg_copy_to_f64(t, out);
}

/* A tensor of out's shape whose components are w (complex when out is). */
static tg_tensor *weights_like(const tg_tensor *out, const double *w)
{
    return tg__is_complex(out->dtype) ? tg_from_c128(w, out->shape, out->ndim) : tg_from_f64(w, out->shape, out->ndim);
}

/* The double of component c of t (f64 or c128), in row-major order. */
static double *element(const tg_tensor *t, int64_t c)
{
    bool complex = tg__is_complex(t->dtype);
    int64_t e = complex ? c / 2 : c, offset = 0;
    for (int d = t->ndim - 1; d >= 0; d--) {
        offset += (e % t->shape[d]) * t->strides[d];
        e /= t->shape[d];
    }
    return complex ? (double *)tg__ptr(t) + 2 * offset + c % 2 : (double *)tg__ptr(t) + offset;
}

/* ---------------------------------------------------------- reachability */

/* Whether a gradient can flow from out back to var; reachable holds the
   nodes behind out (Note [Walking a graph] in graph/graph.h). */
static bool reaches(const tg_tensor *out, const tg_tensor *var, const tg_node_index *reachable)
{
    if (out == var) return true;
    const tg_node *target = tg__grad_fn(var) ? tg__grad_fn(var) : var->autograd->grad_acc;
    return target && tg__node_id(reachable, target) >= 0;
}

/* ------------------------------------------------------------- gradients */

/* grads[k] = d<out, grad_out>/d vars[k] (scope-owned), and zeros for the
   variables no gradient reaches (autograd.grad's allow_unused, with None
   read as zeros). With create_graph the gradients have a graph. */
static int gradients(tg_tensor *out, tg_tensor *grad_out, tg_tensor *const *vars, int n,
                     bool create_graph, tg_tensor **grads)
{
    tg_tensor **reached = tg__calloc((size_t)n, sizeof *reached);
    tg_tensor **found = tg__calloc((size_t)n, sizeof *found);
    int *position = tg__calloc((size_t)n, sizeof *position);
    tg_node_index reachable = {0};
    tg_node *root = tg__grad_fn(out);
    int rc = reached && found && position ? 0 : -1;
    if (rc == 0 && root && tg__walk(&reachable, &root, 1))
        rc = tg__faili(TG_E_OOM, "out of memory while walking the graph");
    int m = 0;
    for (int k = 0; k < n && rc == 0; k++) {
        grads[k] = NULL;
        if (tg__requires_grad(out) && tg_numel(out) > 0 && reaches(out, vars[k], &reachable)) {
            reached[m] = vars[k];
            position[m++] = k;
        }
    }
    if (rc == 0 && m > 0) {
        tg_tensor *g = grad_out->dtype == out->dtype ? grad_out : tg_to(grad_out, out->dtype);
        /* retain_graph with create_graph, as PyTorch defaults: the recorded
           gradients may lead back through this graph's nodes. */
        tg_backward_opts opts = {.retain_graph = create_graph, .create_graph = create_graph};
        rc = g ? tg_autograd_grad(&out, 1, reached, m, &g, opts, found) : -1;
        for (int i = 0; i < m && rc == 0; i++) grads[position[i]] = found[i];
    }
    for (int k = 0; k < n && rc == 0; k++)
        if (!grads[k] && !(grads[k] = tg_zeros(vars[k]->shape, vars[k]->ndim, vars[k]->dtype))) rc = -1;
    tg__node_index_free(&reachable);
    free(reached);
    free(found);
    free(position);
    return rc;
}

/* out, what the user's function returned: a failure that left no message
   gets one. */
static tg_tensor *returned(tg_tensor *out)
{
    if (!out && tg_last_status() == TG_OK) tg__fail(TG_E_INVALID, "tg_gradcheck(): the function returned NULL");
    return out;
}

static tg_tensor *evaluate(const objective *o) { return returned(o->fn(o->vars, o->n_vars, o->ctx)); }

static int64_t total_numel(const objective *o)
{
    int64_t total = 0;
    for (int k = 0; k < o->n_vars; k++) total += components(o->vars[k]);
    return total;
}

/* The analytic gradient of <objective, w> for every variable, flattened in
   variable order into a new array; *w and *count get the weights used. */
static int analytic(const objective *o, double phase, double **w, int64_t *count, double **grad)
{
    *w = NULL;
    *grad = NULL;
    if (tg_scope_begin() < 0) return -1;
    bool prev = tg_set_grad_enabled(true);
    tg_tensor **grads = tg__calloc((size_t)o->n_vars, sizeof *grads);
    tg_tensor *out = grads ? evaluate(o) : NULL;
    *count = out ? components(out) : 0;
    *w = out ? weights(*count, phase) : NULL;
    tg_tensor *wt = *w ? weights_like(out, *w) : NULL;
    int rc = wt ? gradients(out, wt, o->vars, o->n_vars, false, grads) : -1;
    *grad = rc == 0 ? tg__malloc((size_t)(total_numel(o) + 1) * sizeof **grad) : NULL;
    if (rc == 0 && !*grad) rc = -1;
    int64_t at = 0;
    for (int k = 0; k < o->n_vars && rc == 0; k++) {
        rc = copy_components(grads[k], *grad + at);
        at += components(o->vars[k]);
    }
    tg_set_grad_enabled(prev);
    tg_scope_end();
    free(grads);
    return rc;
}

/* <objective, w> in double, evaluated with grad mode off. */
static int weighted_value(const objective *o, const double *w, int64_t count, double *value)
{
    if (tg_scope_begin() < 0) return -1;
    bool prev = tg_set_grad_enabled(false);
    tg_tensor *out = evaluate(o);
    tg_set_grad_enabled(prev);
    int rc = out ? 0 : -1;
    if (rc == 0 && components(out) != count)
        rc = tg__faili(TG_E_SHAPE, "tg_gradcheck(): the function returned %lld elements, then %lld",
                       (long long)count, (long long)components(out));
    double *values = rc == 0 ? tg__malloc((size_t)(count + 1) * sizeof *values) : NULL;
    if (rc == 0 && (!values || copy_components(out, values))) rc = -1;
    double sum = 0;
    for (int64_t j = 0; j < count && rc == 0; j++) sum += w[j] * values[j];
    *value = sum;
    free(values);
    tg_scope_end();
    return rc;
}

/* (F(x + eps) - F(x - eps)) / 2 eps for the element at x, restored exactly. */
static int central_difference(const objective *o, double *x, double eps, const double *w,
                              int64_t count, double *derivative)
{
    double saved = *x, plus = 0, minus = 0;
    *x = saved + eps;
    int rc = weighted_value(o, w, count, &plus);
    *x = saved - eps;
    if (rc == 0) rc = weighted_value(o, w, count, &minus);
    *x = saved;
    *derivative = (plus - minus) / (2 * eps);
    return rc;
}

static int mismatch(const objective *o, int var, int64_t e, double a, double num, tolerance tol)
{
    char wrt[64], what[160];
    if (var < o->n_inputs) snprintf(wrt, sizeof wrt, "input %d", var);
    else snprintf(wrt, sizeof wrt, "grad_output");
    if (o->grad_of < 0) snprintf(what, sizeof what, "gradient mismatch for %s", wrt);
    else snprintf(what, sizeof what, "second-order mismatch for the gradient of input %d with respect to %s",
                  o->grad_of, wrt);
    return tg__faili(TG_E_AUTOGRAD,
                     "tg_gradcheck(): %s, element %lld: analytic %.10g, numeric %.10g (allowed difference %g + %g * |numeric|)",
                     what, (long long)e, a, num, tol.atol, tol.rtol);
}

/* Compares every element's analytic derivative with its central difference;
   fails on the first that differs by more than atol + rtol * |numeric|. */
static int check_objective(const objective *o, tolerance tol, double phase)
{
    double *w, *grad;
    int64_t count;
    int rc = analytic(o, phase, &w, &count, &grad);
    int64_t at = 0;
    for (int k = 0; k < o->n_vars && rc == 0; k++) {
        for (int64_t e = 0; e < components(o->vars[k]) && rc == 0; e++, at++) {
            double num;
            rc = central_difference(o, element(o->vars[k], e), tol.eps, w, count, &num);
            if (rc == 0 && !(fabs(grad[at] - num) <= tol.atol + tol.rtol * fabs(num)))
                rc = mismatch(o, k, e, grad[at], num, tol);
        }
    }
    free(w);
    free(grad);
    return rc;
}

/* ---------------------------------------------------------- second order */

typedef struct second_order {
    tg_gradcheck_fn f;
    void *ctx;
    int n_inputs;
    int input;   /* whose gradient the objective returns */
} second_order;

/* vars = (inputs..., v): d<f(inputs), v>/d inputs[input]. Recorded
   (create_graph) when the caller has grad mode on, that is when the
   checker wants its analytic gradient; plain values otherwise. */
static tg_tensor *gradient_objective(tg_tensor *const *vars, int n_vars, void *ctx)
{
    const second_order *s = ctx;
    (void)n_vars;
    bool record = tg_is_grad_enabled();
    bool prev = tg_set_grad_enabled(true);   /* the gradient needs f's graph */
    tg_tensor *out = returned(s->f(vars, s->n_inputs, s->ctx));
    tg_tensor *grad = NULL;
    if (out && gradients(out, vars[s->n_inputs], &vars[s->input], 1, record, &grad)) grad = NULL;
    tg_set_grad_enabled(prev);
    return grad;
}

/* The incoming gradient v as a leaf shaped like f's output. */
static tg_tensor *grad_output_leaf(tg_gradcheck_fn f, tg_tensor *const *inputs, int n, void *ctx)
{
    tg_tensor *out;
    TG_NO_GRAD {
        out = f(inputs, n, ctx);
    }
    if (!returned(out)) return NULL;
    double *w = weights(components(out), 0.5);
    tg_tensor *v = w ? weights_like(out, w) : NULL;
    free(w);
    return v ? tg_requires_grad_(v, true) : NULL;
}

static int check_second_order(tg_gradcheck_fn f, tg_tensor *const *inputs, int n, void *ctx, tolerance tol)
{
    tg_tensor **vars = tg__calloc((size_t)n + 1, sizeof *vars);
    tg_tensor *v = vars ? grad_output_leaf(f, inputs, n, ctx) : NULL;
    int rc = v ? 0 : -1;
    for (int k = 0; k < n && rc == 0; k++) vars[k] = inputs[k];
    if (rc == 0) vars[n] = v;
    for (int i = 0; i < n && rc == 0; i++) {
        second_order s = {f, ctx, n, i};
        objective o = {gradient_objective, &s, vars, n + 1, i, n};
        rc = check_objective(&o, tol, 0.25);
    }
    free(vars);
    return rc;
}

/* ------------------------------------------------------------ the entry */

static int check_arguments(tg_gradcheck_fn f, tg_tensor *const *inputs, int n, tg_gradcheck_opts opts)
{
    if (!f || !inputs || n < 1)
        return tg__faili(TG_E_NULL, "tg_gradcheck(): f and at least one input are required");
    for (int k = 0; k < n; k++) {
        TG_ARGI_OF("tg_gradcheck", inputs[k]);
        if (inputs[k]->dtype != TG_F64 && inputs[k]->dtype != TG_C128)
            return tg__faili(TG_E_DTYPE,
                             "tg_gradcheck(): input %d is %s; gradcheck needs torch.float64 or torch.complex128 inputs",
                             k, tg_dtype_name(inputs[k]->dtype));
        if (!tg__requires_grad(inputs[k]))
            return tg__faili(TG_E_AUTOGRAD, "tg_gradcheck(): input %d does not require grad", k);
        if (tg__grad_fn(inputs[k]))
            return tg__faili(TG_E_AUTOGRAD, "tg_gradcheck(): input %d is not a leaf tensor", k);
    }
    if (!(opts.eps >= 0) || !(opts.atol >= 0) || !(opts.rtol >= 0))
        return tg__faili(TG_E_INVALID, "tg_gradcheck(): eps, atol and rtol must be non-negative");
    return 0;
}

int tg_gradcheck(tg_gradcheck_fn f, tg_tensor *const *inputs, int n, void *ctx, tg_gradcheck_opts opts)
{
    if (check_arguments(f, inputs, n, opts)) return -1;
    tolerance tol = {opts.eps ? opts.eps : 1e-6, opts.atol ? opts.atol : 1e-5, opts.rtol ? opts.rtol : 1e-3};
    if (tg_scope_begin() < 0) return -1;
    objective first = {f, ctx, inputs, n, -1, n};
    int rc = check_objective(&first, tol, 0.5);
    if (rc == 0 && opts.second_order) rc = check_second_order(f, inputs, n, ctx, tol);
    tg_scope_end();
    return rc;
}
