/* Custom functions: a forward and a backward of the user's, recorded as one
   node (torch.autograd.Function). The context is the node's custom part
   (Note [Custom nodes] in graph/graph.h): it lives through forward, then
   with the node, and goes with it.

   Note [Custom function outputs]: all outputs share the node; each output
   tensor knows which it is (its output_nr), so the edges into the node say
   which output a gradient is for and the engine keeps one sum per output
   (engine.c). The backward gets them all at once, as PyTorch's does. */
#include "ops.h"

#include <stdlib.h>
#include <string.h>

enum { NAME_CAP = 128, SUFFIX_LEN = 8 /* "Backward" */ };

struct tg_ctx {
    tg_custom_node base;               /* first: the node frees the context through it */
    tg_function_backward_fn backward;
    tg_function_jvp_fn jvp;
    tg_node *node;                     /* weak (the node owns the context); NULL in forward */
    int n_in, n_out;
    bool *needs_grad;                  /* by input */
    bool in_forward, in_jvp;
    bool materialize;
    tg_tensor **to_save;               /* strong, during forward only */
    int n_to_save;
    int *saved_output_nr;              /* by saved slot: which output it is, or -1 */
    tg_tensor **dirty, **non_diff;     /* borrowed, during forward only */
    int n_dirty, n_non_diff;
    tg_meta *out_meta;                 /* by output, for materialized zeros */
    void *data;
    void (*destroy_data)(void *);
    char name[NAME_CAP + SUFFIX_LEN];
};

static void drop_to_save(tg_ctx *c)
{
    for (int i = 0; i < c->n_to_save; i++) tg__unref(c->to_save[i]);
    free(c->to_save);
    c->to_save = NULL;
    c->n_to_save = 0;
}

static void ctx_free(tg_custom_node *base)
{
    tg_ctx *c = (tg_ctx *)base;
    if (c->destroy_data) c->destroy_data(c->data);
    drop_to_save(c);
    free(c->dirty);
    free(c->non_diff);
    free(c->needs_grad);
    free(c->saved_output_nr);
    free(c->out_meta);
    free(c);
}

static tg_ctx *ctx_new(const tg_function_def *def, int n_in, int n_out)
{
    tg_ctx *c = tg__calloc(1, sizeof *c);
    if (!c) return NULL;
    strcpy(c->name, def->name);
    strcat(c->name, "Backward");
    c->base = (tg_custom_node){c->name, n_out, ctx_free};
    c->backward = def->backward;
    c->n_in = n_in;
    c->n_out = n_out;
    c->materialize = true;
    c->needs_grad = tg__calloc((size_t)n_in + 1, sizeof *c->needs_grad);
    c->out_meta = tg__calloc((size_t)n_out, sizeof *c->out_meta);
    if (!c->needs_grad || !c->out_meta) {
        ctx_free(&c->base);
        return NULL;
    }
    return c;
}

/* ---------------------------------------------------- the context API */

static int check_forward(const char *fn, const tg_ctx *c, tg_tensor *const *ts, int n)
{
    if (!c) return tg__faili(TG_E_NULL, "%s(): the context is NULL", fn);
    if (!c->in_forward) return tg__faili(TG_E_INVALID, "%s(): only forward may call it", fn);
    if (n < 0 || (n > 0 && !ts)) return tg__faili(TG_E_NULL, "%s(): the tensors are NULL", fn);
    for (int i = 0; i < n; i++) TG_ARGI_OF(fn, ts[i]);
    return 0;
}

/* A copy of the array ts of n, or NULL (with an error; *copy untouched). */
static int copy_list(tg_tensor ***copy, int *count, tg_tensor *const *ts, int n)
{
    tg_tensor **list = tg__malloc(((size_t)n + 1) * sizeof *list);
    if (!list) return -1;
    if (n) memcpy(list, ts, (size_t)n * sizeof *list);
    free(*copy);
    *copy = list;
    *count = n;
    return 0;
}

int tg_ctx_save_for_backward(tg_ctx *c, tg_tensor *const *ts, int n)
{
    if (check_forward(__func__, c, ts, n)) return -1;
    tg_tensor **list = NULL;
    int count = 0;
    if (copy_list(&list, &count, ts, n)) return -1;
    drop_to_save(c);
    for (int i = 0; i < n; i++) tg__ref(list[i]);
    c->to_save = list;
    c->n_to_save = count;
    return 0;
}

int tg_ctx_set_jvp(tg_ctx *c, tg_function_jvp_fn jvp)
{
    if (check_forward(__func__, c, NULL, 0)) return -1;
    c->jvp = jvp;
    return 0;
}

int tg_ctx_mark_dirty(tg_ctx *c, tg_tensor *const *ts, int n)
{
    if (check_forward(__func__, c, ts, n)) return -1;
    for (int i = 0; i < n; i++)
        if (tg__view_base(ts[i]))
            return tg__faili(TG_E_INVALID, "%s(): a view cannot be marked dirty in tensorgrad", __func__);
    return copy_list(&c->dirty, &c->n_dirty, ts, n);
}

int tg_ctx_mark_non_differentiable(tg_ctx *c, tg_tensor *const *ts, int n)
{
    if (check_forward(__func__, c, ts, n)) return -1;
    return copy_list(&c->non_diff, &c->n_non_diff, ts, n);
}

void tg_ctx_set_materialize_grads(tg_ctx *c, bool value)
{
    if (c) c->materialize = value;
}

bool tg_ctx_needs_input_grad(const tg_ctx *c, int i) { return c && i >= 0 && i < c->n_in && c->needs_grad[i]; }

void tg_ctx_set_data(tg_ctx *c, void *data, void (*destroy)(void *))
{
    if (!c) return;
    if (c->destroy_data && c->data != data) c->destroy_data(c->data);
    c->data = data;
    c->destroy_data = destroy;
}

void *tg_ctx_data(const tg_ctx *c) { return c ? c->data : NULL; }

int tg_ctx_num_saved(const tg_ctx *c)
{
    if (!c) return 0;
    return c->node && !c->in_jvp ? c->node->n_saved : c->n_to_save;
}

tg_tensor *tg_ctx_saved(tg_ctx *c, int i)
{
    if (!c) return tg__fail(TG_E_NULL, "%s(): the context is NULL", __func__);
    if (c->in_jvp) {   /* forward's tensors themselves, before the node saves them */
        if (i >= 0 && i < c->n_to_save) return c->to_save[i];
        return tg__fail(TG_E_INDEX, "%s(): index %d is out of range for %d saved tensors", __func__, i, c->n_to_save);
    }
    if (!c->node) return tg__fail(TG_E_INVALID, "%s(): only backward or jvp may call it", __func__);
    if (i < 0 || i >= c->node->n_saved)
        return tg__fail(TG_E_INDEX, "%s(): index %d is out of range for %d saved tensors", __func__, i,
                        c->node->n_saved);
    tg_tensor *t = tg__unpack(c->node, i);
    /* a saved output relinked to the node (create_graph) is the output it was */
    if (t && c->saved_output_nr[i] > 0 && t->autograd && t->autograd->grad_fn == c->node)
        t->autograd->output_nr = c->saved_output_nr[i];
    return t;
}

/* ---------------------------------------------------------- applying */

static bool listed(tg_tensor *const *list, int n, const tg_tensor *t)
{
    for (int i = 0; i < n; i++)
        if (list[i] == t) return true;
    return false;
}

static int find(tg_tensor *const *list, int n, const tg_tensor *t)
{
    for (int i = 0; i < n; i++)
        if (list[i] == t) return i;
    return -1;
}

static int check_def(const char *fn, const tg_function_def *def, tg_tensor *const *inputs, int n_in,
                     tg_tensor **outputs, int n_out)
{
    if (!def || !def->forward || !def->backward || !def->name)
        return tg__faili(TG_E_NULL, "%s(): the function, its name, forward or backward is NULL", fn);
    if (!*def->name || strlen(def->name) > NAME_CAP - 8)
        return tg__faili(TG_E_INVALID, "%s(): the name is empty or longer than %d characters", fn, NAME_CAP - 8);
    if (n_in < 0 || n_out < 1 || (n_in > 0 && !inputs) || !outputs)
        return tg__faili(TG_E_NULL, "%s(): no outputs, or the inputs or outputs array is NULL", fn);
    for (int i = 0; i < n_in; i++) TG_ARGI_OF(fn, inputs[i]);
    return 0;
}

/* PyTorch's checks of what forward marked dirty, and their writes: each is
   an output, not a leaf that requires grad (when recording); its version
   moves on. */
static int apply_dirty(const tg_ctx *c, tg_tensor **outs, bool recording)
{
    for (int i = 0; i < c->n_dirty; i++)
        if (!listed(outs, c->n_out, c->dirty[i]))
            return tg__faili(TG_E_AUTOGRAD, "Some elements marked as dirty during the forward method were not "
                                            "returned as output. The inputs that are modified inplace must all be "
                                            "outputs of the Function.");
    for (int i = 0; i < c->n_dirty; i++)
        if (recording && tg__requires_grad(c->dirty[i]) && !tg__grad_fn(c->dirty[i]))
            return tg__faili(TG_E_AUTOGRAD, "a leaf Variable that requires grad has been used in an in-place operation.");
    for (int i = 0; i < c->n_dirty; i++) tg__bump_version(c->dirty[i]);
    return 0;
}

/* Makes the node, gives the differentiable outputs its history and saves
   what forward asked for. */
static int record(tg_ctx *c, tg_tensor *const *inputs, tg_tensor **outs)
{
    c->saved_output_nr = tg__malloc(((size_t)c->n_to_save + 1) * sizeof *c->saved_output_nr);
    tg_node *node = c->saved_output_nr ? tg__node_new((tg_record){.op = TG_OP_FUNCTION, .n_saved = c->n_to_save},
                                                      (const tg_tensor *const *)inputs, c->n_in)
                                       : NULL;
    if (!node) {
        ctx_free(&c->base);
        return -1;
    }
    node->custom = &c->base;   /* from here on the node owns the context */
    c->node = node;
    int rc = 0;
    for (int j = 0; j < c->n_out && rc == 0; j++) {
        tg_tensor *out = outs[j];
        tg__meta_of(&c->out_meta[j], out);
        if (listed(c->non_diff, c->n_non_diff, out) || !tg__is_floating(out->dtype)) continue;
        tg__node_ref(node);
        rc = tg__set_history(out, node);
        if (rc == 0) out->autograd->output_nr = j;
    }
    for (int i = 0; i < c->n_to_save && rc == 0; i++) {
        int j = find(outs, c->n_out, c->to_save[i]);
        c->saved_output_nr[i] = j >= 0 && tg__grad_fn(outs[j]) == node ? j : -1;
        if (c->saved_output_nr[i] < 0) {
            tg__save(node, i, c->to_save[i]);
            continue;
        }
        rc = tg__save_output(node, i, outs[j]);
        node->saved[i].output_nr = j;
    }
    drop_to_save(c);
    tg__node_unref(node);   /* the outputs hold it */
    return rc;
}

/* An input forward returned as it is, not marked dirty, becomes a new
   tensor over it (PyTorch returns a view), so that the input keeps its own
   history. */
static int separate_inputs(tg_ctx *c, tg_tensor *const *inputs, tg_tensor **outs)
{
    for (int j = 0; j < c->n_out; j++) {
        if (!listed(inputs, c->n_in, outs[j]) || listed(c->dirty, c->n_dirty, outs[j])) continue;
        tg_tensor *t = outs[j];
        tg_tensor *alias = tg__alias(t, t->shape, t->strides, t->ndim, t->offset);
        if (!alias) return -1;
        for (int k = 0; k < c->n_to_save; k++)   /* what forward saved as t is now this output */
            if (c->to_save[k] == t) {
                tg__ref(alias);
                tg__unref(c->to_save[k]);
                c->to_save[k] = alias;
            }
        outs[j] = alias;
    }
    return 0;
}

/* Forward AD through the function: its jvp's tangents for the outputs,
   from each input's tangent (zeros for a floating input without one). */
static int run_jvp(tg_ctx *c, tg_tensor *const *inputs, tg_tensor **outs)
{
    if (!c->jvp)
        return tg__faili(TG_E_AUTOGRAD,
                         "You must implement the jvp function for custom autograd.Function to use it with forward mode AD.");
    tg_tensor **tangents = tg__calloc((size_t)c->n_in + (size_t)c->n_out + 1, sizeof *tangents);
    if (!tangents) return -1;
    tg_tensor **out_tangents = tangents + c->n_in;
    int rc = 0;
    for (int i = 0; i < c->n_in && rc == 0; i++) {
        tangents[i] = tg__tangent(inputs[i]);
        if (!tangents[i] && tg__is_floating_or_complex(inputs[i]->dtype))
            rc = (tangents[i] = tg_zeros_like(inputs[i])) ? 0 : -1;
    }
    c->in_jvp = true;
    int given = rc == 0 ? c->jvp(c, tangents, c->n_in, out_tangents, c->n_out) : -1;
    c->in_jvp = false;
    if (rc == 0 && given < 0 && tg_last_status() == TG_OK)
        tg__faili(TG_E_INVALID, "the jvp of %s failed without an error", c->name);
    rc = given < 0 ? -1 : 0;
    if (rc == 0 && given != c->n_out)
        rc = tg__faili(TG_E_AUTOGRAD, "Function's jvp returned an invalid number of forward gradients (expected %d but got %d)",
                       c->n_out, given);
    for (int j = 0; j < c->n_out && rc == 0; j++) {
        tg_tensor *t = out_tangents[j];
        if (!t) continue;
        if (!tg__same_shape(t->shape, t->ndim, outs[j]->shape, outs[j]->ndim)) {
            char want[256], got[256];
            rc = tg__faili(TG_E_SHAPE, "Trying to set a forward gradient that has a different size than that of the "
                                       "original Tensor, this is not supported. Tensor is of size %s while the given "
                                       "forward gradient is of size %s.",
                           tg__shape_str(outs[j]->shape, outs[j]->ndim, want, sizeof want),
                           tg__shape_str(t->shape, t->ndim, got, sizeof got));
        } else rc = tg__attach_tangent(outs[j], t);
    }
    free(tangents);
    return rc;
}

int tg_function_apply(const tg_function_def *def, tg_tensor *const *inputs, int n_in, void *args,
                      tg_tensor **outputs, int n_out)
{
    if (check_def(__func__, def, inputs, n_in, outputs, n_out)) return -1;
    for (int j = 0; j < n_out; j++) outputs[j] = NULL;
    tg_ctx *c = ctx_new(def, n_in, n_out);
    if (!c) return -1;
    bool recording = tg__needs_grad((const tg_tensor *const *)inputs, n_in), dual = false;
    for (int i = 0; i < n_in; i++) dual |= tg__tangent(inputs[i]) != NULL;
    /* PyTorch's needs_input_grad reads requires_grad alone, also in no-grad mode */
    for (int i = 0; i < n_in; i++) c->needs_grad[i] = tg_requires_grad(inputs[i]);
    tg_tensor **outs = tg__calloc((size_t)n_out, sizeof *outs);
    int rc = outs ? 0 : -1;
    if (rc == 0) {
        bool prev = tg_set_grad_enabled(false);
        tg__tangents_pause();   /* forward mode goes through jvp, as PyTorch's forward runs */
        c->in_forward = true;
        rc = def->forward(c, inputs, n_in, args, outs, n_out);
        c->in_forward = false;
        tg__tangents_resume();
        tg_set_grad_enabled(prev);
        if (rc != 0 && tg_last_status() == TG_OK)
            tg__faili(TG_E_INVALID, "%s(): the forward of %s failed without an error", __func__, def->name);
        for (int j = 0; j < n_out && rc == 0; j++)
            if (!outs[j]) rc = tg__faili(TG_E_NULL, "%s(): the forward of %s left output %d NULL", __func__, def->name, j);
    }
    if (rc == 0) rc = apply_dirty(c, outs, recording);
    if (rc == 0) rc = separate_inputs(c, inputs, outs);
    if (rc == 0 && dual) rc = run_jvp(c, inputs, outs);
    if (rc == 0 && recording) {
        rc = record(c, inputs, outs);
        c = NULL;   /* the node has it (or has freed it) */
    }
    if (c) ctx_free(&c->base);
    for (int j = 0; j < n_out && rc == 0; j++) outputs[j] = outs[j];
    free(outs);
    return rc;
}

/* ---------------------------------------------------------- backward */

int tg__function_backward(tg_node *n, tg_tensor *const *grad_outputs, tg_tensor **gi)
{
    tg_ctx *c = (tg_ctx *)n->custom;
    tg_tensor **gouts = tg__calloc((size_t)c->n_out, sizeof *gouts);
    if (!gouts) return -1;
    int rc = 0;
    for (int j = 0; j < c->n_out && rc == 0; j++) {
        gouts[j] = grad_outputs[j];
        if (!gouts[j] && c->materialize) {
            gouts[j] = tg_zeros(c->out_meta[j].shape, c->out_meta[j].ndim, c->out_meta[j].dtype);
            if (!gouts[j]) rc = -1;
        }
    }
    int given = rc == 0 ? c->backward(c, gouts, c->n_out, gi, c->n_in) : -1;
    free(gouts);
    if (given < 0) {
        if (tg_last_status() == TG_OK)
            tg__faili(TG_E_INVALID, "the backward of %s failed without an error", c->name);
        return -1;
    }
    if (given != c->n_in)
        return tg__faili(TG_E_AUTOGRAD, "function %s returned an incorrect number of gradients (expected %d, got %d)",
                         c->name, c->n_in, given);
    for (int i = 0; i < c->n_in; i++)
        if (!NEED(i)) gi[i] = NULL;   /* PyTorch drops those */
    return 0;
}

int tg__d_function(tg_node *n, tg_tensor *g, tg_tensor **gi) { return tg__function_backward(n, &g, gi); }
