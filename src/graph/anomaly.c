/* Anomaly mode's switches and the labels nodes note while it is on (the
   engine's checks are in engine/anomaly.c). PyTorch's mode is one flag for
   the whole process; the label, like the forward code it names, is the
   calling thread's. */
#include "graph.h"

static atomic_bool enabled, check_nan = true;   /* PyTorch's defaults */
static _Thread_local const char *site;

bool tg__anomaly_enabled(void) { return atomic_load(&enabled); }
bool tg__anomaly_check_nan(void) { return atomic_load(&enabled) && atomic_load(&check_nan); }
const char *tg__anomaly_site(void) { return site; }

bool tg_set_detect_anomaly(bool mode, bool nan)
{
    atomic_store(&check_nan, nan);
    return atomic_exchange(&enabled, mode);
}

bool tg_is_anomaly_enabled(void) { return tg__anomaly_enabled(); }
bool tg_is_anomaly_check_nan_enabled(void) { return atomic_load(&check_nan); }

void tg_anomaly_label(const char *label) { site = label; }

const char *tg_node_anomaly_site(const tg_node *n) { return n ? n->anomaly_site : NULL; }
