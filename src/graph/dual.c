/* Forward AD's state in the graph layer: the thread's dual level and each
   tensor's tangent (torch.autograd.forward_ad). The rules that compute
   tangents are operations (ops/tangents.c); tg__record calls them through
   the hook the engine installs.

   Note [Dual levels]: levels are numbered from 1 and never reused, so
   closing one makes every tangent of it stale at once, without visiting the
   tensors: a tangent counts only while its level is the open one. The
   level is per thread (PyTorch's is per process), like grad mode.

   Note [Tangent layout]: a tangent lives in a storage of the same size as
   its primal's, at the same offset and strides (PyTorch's make_dual copies
   a tangent that is laid out otherwise, new_with_same_meta). So the tangent
   of any view is the same view of the tangent's storage. */
#include "graph.h"

#include <stdatomic.h>

static _Thread_local uint64_t open_level;
static _Thread_local int paused;
static atomic_uint_least64_t last_level;
static _Atomic(tg_tangent_hook) hook;

uint64_t tg__dual_level(void) { return open_level; }

int tg__dual_level_enter(void)
{
    if (open_level) return tg__faili(TG_E_AUTOGRAD, "Nested forward mode AD is not supported at the moment");
    open_level = atomic_fetch_add(&last_level, 1) + 1;
    return 0;
}

int tg__dual_level_exit(void)
{
    if (!open_level) return tg__faili(TG_E_AUTOGRAD, "Dual level must be a positive number.");
    open_level = 0;
    return 0;
}

tg_tensor *tg__tangent(const tg_tensor *t)
{
    const tg_autograd *a = t->autograd;
    return open_level && a && a->tangent && a->tangent_level == open_level ? a->tangent : NULL;
}

int tg__set_tangent(tg_tensor *t, tg_tensor *tangent)
{
    tg_autograd *a = tg__autograd(t);
    if (!a) {
        if (tangent) tg__unref(tangent);
        return -1;
    }
    if (a->tangent) tg__unref(a->tangent);
    a->tangent = tangent;
    a->tangent_level = open_level;
    return 0;
}

void tg__install_tangent_hook(tg_tangent_hook h) { atomic_store(&hook, h); }

tg_tangent_hook tg__forward_hook(void) { return open_level && !paused ? atomic_load(&hook) : NULL; }

void tg__tangents_pause(void) { paused++; }
void tg__tangents_resume(void) { paused--; }
