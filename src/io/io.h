/* The io layer: printing and the name -> tensor dictionary. What the layers
   above it (nn, optim) read of a dict without taking references. */
#ifndef TG_IO_H
#define TG_IO_H

#include "../core/core.h"

/* The i-th stored tensor (0 <= i < tg_dict_len(d)), borrowed: valid until
   that name is replaced or the dict freed. */
tg_tensor *tg__dict_tensor(const tg_dict *d, int i);

/* The index of name in d, or -1. */
int tg__dict_find(const tg_dict *d, const char *name);

#endif
