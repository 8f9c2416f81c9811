/* The autograd data of a tensor (Note [Autograd data] in core/core.h) and
   its public attributes: requires_grad, is_leaf, grad. */
#include "graph.h"
#include "../core/refcount.h"

#include <pthread.h>
#include <stdlib.h>

static void release_autograd(tg_autograd *a)
{
    if (a->grad_fn && a->retains_grad) tg__retain_forget(a->grad_fn, a);
    tg__hooks_free(atomic_load(&a->hooks));
    if (a->grad_fn) tg__node_unref(a->grad_fn);
    if (a->grad) tg__unref(a->grad);
    if (a->view_base) tg__unref(a->view_base);
    if (a->tangent) tg__unref(a->tangent);
    tg__cache_free(a);
}

static pthread_once_t install_once = PTHREAD_ONCE_INIT;
static atomic_bool installed;   /* checked first: pthread_once is a call per tensor */

static void install(void)
{
    tg__install_autograd_release(release_autograd);
    atomic_store(&installed, true);
}

tg_autograd *tg__autograd(tg_tensor *t)
{
    if (t->autograd) return t->autograd;
    if (!atomic_load_explicit(&installed, memory_order_acquire)) pthread_once(&install_once, install);
    static atomic_uint_least64_t serials;
    tg_autograd *a = tg__cache_alloc(sizeof *a);
    if (!a) return NULL;
    /* Field by field, as a new tensor's struct (core/tensor.c): zeroing the
       block first was a string store or a memset call per result. Every
       field of struct tg_autograd is set here. */
    a->serial = tg__count_add_u64(&serials, 1) + 1;
    a->requires_grad = false;
    a->grad_fn = NULL;
    a->grad = NULL;
    a->grad_acc = NULL;
    a->view_base = NULL;
    atomic_init(&a->view_version, 0);
    a->view_no_grad = false;
    a->view_multi_output = false;
    a->view_output_nr = 0;
    a->tangent = NULL;
    a->tangent_level = 0;
    a->output_nr = 0;
    atomic_init(&a->hooks, NULL);
    a->retains_grad = false;
    t->autograd = a;
    return a;
}

int tg__share_history(tg_tensor *alias, const tg_tensor *t)
{
    if (!t->autograd) return 0;
    tg_autograd *a = tg__autograd(alias);
    if (!a) return -1;
    a->requires_grad = t->autograd->requires_grad;
    if (t->autograd->grad_fn) {
        tg__node_ref(t->autograd->grad_fn);
        a->grad_fn = t->autograd->grad_fn;
        a->output_nr = t->autograd->output_nr;
    }
    return 0;
}

/* Note [The gradient lock]: threads may run backward into the same leaves at
   once (shared parameters), so a backward stores its leaves' gradients, and
   tg_zero_grad clears one, under one process-wide lock. The engine holds it
   across the whole store, so a backward stays all or nothing; under it,
   making and freeing tensors may take the AccumulateGrad lock (node.c),
   never the other way round. tg_grad takes its reference under the lock,
   so the tensor it returns stays valid; its values change when a later
   backward accumulates into it in place, so read them while no backward
   into its leaf runs. */
static pthread_mutex_t grad_lock = PTHREAD_MUTEX_INITIALIZER;

void tg__lock_grads(void) { pthread_mutex_lock(&grad_lock); }
void tg__unlock_grads(void) { pthread_mutex_unlock(&grad_lock); }

tg_tensor *tg_requires_grad_(tg_tensor *t, bool requires_grad)
{
    TG_ARG(t);
    if (tg__check_view_rebase(t)) return NULL;
    if (tg__view_grad_fn(t)) {
        if (requires_grad) return t;
        return tg__fail(TG_E_AUTOGRAD,
                        "you can only change requires_grad flags of leaf variables. If you want to use a computed "
                        "variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().");
    }
    if (requires_grad && !tg__is_floating_or_complex(t->dtype))
        return tg__fail(TG_E_DTYPE, "only Tensors of floating point dtype can require gradients");
    if (requires_grad && tg__is_inference(t) && !tg__inference_mode())
        return tg__fail(TG_E_AUTOGRAD,
                        "Setting requires_grad=True on inference tensor outside InferenceMode is not allowed.");
    if (!requires_grad && !t->autograd) return t;
    tg_autograd *a = tg__autograd(t);
    if (!a) return NULL;
    if (requires_grad && a->view_base) {
        /* A view made a leaf of its own stops following its base: its base
           never takes its history from it, and holding the base would close
           a cycle (v -> base -> the base's in-place history -> v's
           AccumulateGrad -> v) once the base is written with v. */
        tg__unref(a->view_base);
        a->view_base = NULL;
    }
    a->requires_grad = requires_grad;
    return t;
}

/* Both through tg__view_grad_fn: a view's base may have a new history
   (the flag first: PyTorch reads it without asking for the history). */
bool tg_requires_grad(const tg_tensor *t)
{
    return !tg__bad_arg(__func__, t) && (tg__requires_grad(t) || tg__view_requires_grad(t) || tg__view_grad_fn(t));
}

bool tg_is_leaf(const tg_tensor *t) { return !tg__bad_arg(__func__, t) && !tg__view_grad_fn(t); }

/* A reference of the current scope's (the handle rule in tensorgrad.h), taken
   under the lock a backward stores .grad under. */
tg_tensor *tg_grad(const tg_tensor *t)
{
    TG_ARG(t);
    tg__lock_grads();
    tg_tensor *grad = tg__grad_of(t);
    if (grad) tg__ref(grad);
    tg__unlock_grads();
    return grad && !tg__scope_own(grad) ? grad : NULL;
}

void tg_zero_grad(tg_tensor *t)
{
    if (tg__bad_arg(__func__, t) || !t->autograd) return;
    tg__lock_grads();
    tg_tensor *grad = t->autograd->grad;
    t->autograd->grad = NULL;
    tg__unlock_grads();
    if (grad) tg__unref(grad);
}

int tg_set_grad(tg_tensor *t, tg_tensor *grad)
{
    TG_ARGI(t);
    if (!grad) {
        tg_zero_grad(t);
        return 0;
    }
    TG_ARGI(grad);
    /* PyTorch's checks, in its order */
    if (grad == t) return tg__faili(TG_E_AUTOGRAD, "can't assign Variable as its own grad");
    if (grad->dtype != t->dtype) return tg__faili(TG_E_DTYPE, "assigned grad has data of a different type");
    if (!tg__same_shape(grad->shape, grad->ndim, t->shape, t->ndim))
        return tg__faili(TG_E_SHAPE, "assigned grad has data of a different size");
    tg_autograd *a = tg__autograd(t);
    if (!a) return -1;
    tg__ref(grad);   /* the tensor itself, as PyTorch's setter keeps it */
    tg__lock_grads();
    tg_tensor *old = a->grad;
    a->grad = grad;
    tg__unlock_grads();
    if (old) tg__unref(old);
    return 0;
}

int tg_set_data(tg_tensor *t, const tg_tensor *data)
{
    TG_ARGI(t);
    TG_ARGI(data);
    if (tg__requires_grad(t) && !tg__is_floating_or_complex(data->dtype))
        return tg__faili(TG_E_DTYPE,
                         "data set to a tensor that requires gradients must be floating point or complex dtype");
    bool same_meta = data->dtype == t->dtype && tg__same_shape(data->shape, data->ndim, t->shape, t->ndim);
    /* a leaf's AccumulateGrad knows its old dtype and shape: later graphs get a new one */
    if (!same_meta && t->autograd) tg__forget_grad_accumulator(t->autograd);
    tg__set_storage(t, data);
    return 0;
}

tg_tensor *tg_detach_(tg_tensor *t)
{
    TG_ARG(t);
    if (tg__view_base(t))
        return tg__fail(TG_E_AUTOGRAD,
                        "Can't detach views in-place. Use detach() instead. If you are using DistributedDataParallel "
                        "(DDP) for training, and gradient_as_bucket_view is set as True, gradients are views of DDP "
                        "buckets, and hence detach_() cannot be called on these gradients. To fix this error, please "
                        "refer to the Optimizer.zero_grad() function in torch/optim/optimizer.py as the solution.");
    tg_autograd *a = t->autograd;
    if (!a) return t;
    if (a->grad_fn) {
        if (a->retains_grad) tg__retain_forget(a->grad_fn, a);
        tg__node_unref(a->grad_fn);
        a->grad_fn = NULL;
    }
    a->retains_grad = false;
    a->requires_grad = false;
    return t;
}
