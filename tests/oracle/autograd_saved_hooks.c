/* Saved-tensor hooks (tg_saved_tensors_hooks_push/pop, PyTorch's
   saved_tensors_hooks): which tensors are packed and unpacked, the
   gradients through hooks that keep the tensor itself, a copy on disk
   (tg_saved_tensors_on_disk) or a float32 copy of a float64 tensor
   (tg_saved_tensors_in_dtype), no version check through hooks, the error
   of a second backward, nesting, and double backward. Prints what
   autograd_saved_hooks.py prints. */
#include <tensorgrad.h>

#include <stdio.h>

#include "oracle.h"

static void print_shape(const char *what, const tg_tensor *t)
{
    printf("%s [", what);
    for (int i = 0; i < tg_ndim(t); i++) printf(i ? ", %lld" : "%lld", (long long)tg_shape(t)[i]);
    printf("]\n");
}

/* Hooks that keep the tensor itself (a reference of their own), printing
   when `user` is a label. */
static void *keep(tg_tensor *t, void *user)
{
    if (user) print_shape(user, t);
    return tg_retain(t);
}

static tg_tensor *give_back(void *packed, void *user)
{
    if (user) print_shape("unpack", packed);
    return packed;
}

static tg_tensor *give_back_quietly(void *packed, void *user)
{
    (void)user;
    return packed;
}

static void drop(void *packed, void *user)
{
    (void)user;
    tg_release(packed);
}

/* t * 1: a copy, recorded while the derivative is (the hooks run without grad) */
static void *copy(tg_tensor *t, void *user)
{
    (void)user;
    return tg_retain(tg_mul_scalar(t, 1));
}

static tg_saved_tensors_hooks printing(const char *label) { return (tg_saved_tensors_hooks){keep, give_back, drop, (void *)label}; }

static tg_tensor *f(tg_tensor *x)
{
    tg_tensor *a = tg_exp(x);
    return tg_mul(tg_sin(a), a);
}

static tg_tensor *vec(void) { return leaf(tg_from_f32(F32(0.5, -1.0, 2.0), TG_SHAPE(3))); }

int main(void)
{
    tg_tensor *x = vec();
    tg_saved_tensors_hooks_push(printing("pack"));
    tg_tensor *y = f(x);
    tg_saved_tensors_hooks_pop();
    printf("forward done\n");
    tg_backward(tg_sum(y), NULL);
    show("grad", tg_grad(x));
    tg_tensor *x2 = vec();
    tg_backward(tg_sum(f(x2)), NULL);
    show("plain grad", tg_grad(x2));

    x = vec();
    tg_saved_tensors_hooks_push((tg_saved_tensors_hooks){keep, give_back, drop, NULL});
    tg_tensor *h = tg_mul(x, x);
    y = tg_sin(h);
    tg_saved_tensors_hooks_pop();
    tg_add_scalar_(h, 1);   /* no version check through hooks */
    tg_backward(tg_sum(y), NULL);
    show("modified after packing", tg_grad(x));

    x = vec();
    tg_saved_tensors_hooks_push((tg_saved_tensors_hooks){keep, give_back, drop, NULL});
    y = tg_sin(tg_exp(x));
    tg_saved_tensors_hooks_pop();
    tg_backward(tg_sum(y), NULL);
    if (tg_backward(tg_sum(y), NULL) != 0) printf("backward twice: %s\n", tg_last_error());
    tg_clear_error();

    x = vec();
    tg_saved_tensors_hooks_push(tg_saved_tensors_on_disk());
    y = f(x);
    tg_saved_tensors_hooks_pop();
    tg_backward(tg_sum(y), NULL);
    show("on disk", tg_grad(x));

    x = leaf64(tg_from_f32(F32(0.5, -1.0, 2.0), TG_SHAPE(3)));
    tg_saved_tensors_hooks_push(tg_saved_tensors_in_dtype(TG_F32));
    y = f(x);
    tg_saved_tensors_hooks_pop();
    tg_backward(tg_sum(y), NULL);
    show("in float32", tg_grad(x));

    x = vec();
    tg_saved_tensors_hooks_push((tg_saved_tensors_hooks){keep, give_back_quietly, drop, "outer pack"});
    tg_tensor *a = tg_exp(x);
    tg_saved_tensors_hooks_push(printing("pack"));
    tg_tensor *b = tg_sin(a);
    tg_saved_tensors_hooks_pop();
    tg_tensor *c = tg_mul(b, a);
    tg_saved_tensors_hooks_pop();
    tg_backward(tg_sum(c), NULL);
    show("nested", tg_grad(x));

    x = vec();
    tg_saved_tensors_hooks_push((tg_saved_tensors_hooks){copy, give_back, drop, NULL});
    y = f(x);
    tg_tensor *total = tg_sum(y), *g = NULL, *gg = NULL;
    tg_autograd_grad(&total, 1, &x, 1, NULL, (tg_backward_opts){.create_graph = true}, &g);
    tg_saved_tensors_hooks_pop();
    show("first", g);
    total = tg_sum(g);
    tg_autograd_grad(&total, 1, &x, 1, NULL, (tg_backward_opts){0}, &gg);
    show("second", gg);
    return 0;
}
