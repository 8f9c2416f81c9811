/* The engine's part of anomaly mode (anomaly.c; the switches are the graph
   layer's, graph/anomaly.c). */
#ifndef TG_ENGINE_ANOMALY_H
#define TG_ENGINE_ANOMALY_H

#include "../ops/ops.h"

/* 0, or -1 with PyTorch's error when one of the gradients n's derivative
   returned (grads, one per input) holds a NaN. */
int tg__check_nan_gradients(const tg_node *n, tg_tensor *const *grads);
/* Warns, as PyTorch does, which forward call made n, whose backward failed. */
void tg__warn_forward_site(const tg_node *n);

#endif
