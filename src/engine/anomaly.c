/* Anomaly mode in the engine: the NaN check after each derivative and the
   warning that says where the failing node was made. */
#include "anomaly.h"

int tg__check_nan_gradients(const tg_node *n, tg_tensor *const *grads)
{
    for (int i = 0; i < n->n_next; i++) {
        if (!grads[i] || !tg__is_floating_or_complex(grads[i]->dtype)) continue;
        tg_tensor *nan = tg_any(tg_isnan(grads[i]));
        if (!nan) return -1;
        if (tg_item(nan) != 0)
            return tg__faili(TG_E_AUTOGRAD, "Function '%s' returned nan values in its %dth output.", tg_node_name(n), i);
    }
    return 0;
}

void tg__warn_forward_site(const tg_node *n)
{
    const char *site = n->anomaly_site ? n->anomaly_site : "(no label: see tg_anomaly_label)";
    tg__warn("Error detected in %s. Traceback of forward call that caused the error:\n  %s", tg_node_name(n), site);
}
