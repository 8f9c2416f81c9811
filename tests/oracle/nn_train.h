/* What the model-level training tests share (nn_train_common.py is the
   Python side): a deterministic value for element i of a tensor of a given
   name, the initial weights made of it (every parameter by its state_dict
   name, on PyTorch's init bound for that parameter), and the lines both
   programs print: "loss <step> <value>" and "weight <name> <numel> <values>",
   with 9 significant digits (float32's round trip). nn_train_check.py
   compares them within tolerances. */
#ifndef TG_ORACLE_NN_TRAIN_H
#define TG_ORACLE_NN_TRAIN_H

#include <tensorgrad.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* splitmix64's finaliser: a well-mixed 64-bit value. */
static inline uint64_t train_mix(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

/* FNV-1a of the name. */
static inline uint64_t train_name_hash(const char *name)
{
    uint64_t h = 0xCBF29CE484222325ull;
    for (const unsigned char *c = (const unsigned char *)name; *c; c++) h = (h ^ *c) * 0x100000001B3ull;
    return h;
}

/* Uniform on [-1, 1), from 53 bits of the hash of (name, i); exact in double. */
static inline double train_unit(const char *name, uint64_t i)
{
    uint64_t x = train_mix(train_name_hash(name) ^ train_mix(i));
    return (double)(x >> 11) * 0x1p-52 - 1.0;
}

static inline bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* fan_in of a weight: size(1) * the receptive field. */
static inline double train_fan_in(const tg_tensor *w)
{
    return (double)tg_numel(w) / (double)tg_shape(w)[0];
}

/* PyTorch's init bound for the parameter, as (center, bound): Linear and
   Conv weights and biases +-1/sqrt(fan_in) (kaiming_uniform_ with a =
   sqrt(5)), in_proj_weight xavier_uniform_'s sqrt(6 / (fan_in + fan_out)),
   an embedding (N(0, 1)) +-1; norms' weights 1 +- 0.1 and biases +-0.1, and
   the attention's zeroed biases +-1/sqrt(fan_in), so that none is a
   constant. */
static inline void train_bound(const tg_module *m, const char *name, const tg_tensor *p, double *center,
                               double *bound)
{
    *center = 0;
    if (strstr(name, "norm") || strstr(name, "bn")) {
        if (ends_with(name, "weight")) *center = 1;
        *bound = 0.1;
    } else if (ends_with(name, "in_proj_weight")) {
        *bound = sqrt(6.0 / (double)(tg_shape(p)[0] + tg_shape(p)[1]));
    } else if (strstr(name, "emb")) {
        *bound = 1;
    } else if (tg_ndim(p) >= 2) {
        *bound = 1 / sqrt(train_fan_in(p));
    } else {
        /* a bias: its weight's fan_in ("x.bias" -> "x.weight", "in_proj_bias" -> "in_proj_weight") */
        char weight[256];
        size_t stem = strlen(name) - strlen("bias");
        snprintf(weight, sizeof weight, "%.*sweight", (int)stem, name);
        *bound = 1 / sqrt(train_fan_in(tg_module_get_parameter(m, weight)));
    }
}

/* Fills every parameter of m with center + bound * train_unit(name, i),
   computed in double and rounded to float32. 0, or -1 with an error. */
static inline int train_init(tg_module *m)
{
    tg_scope_begin();
    tg_dict *params = tg_module_named_parameters(m);
    int rc = params ? 0 : -1;
    for (int k = 0; rc == 0 && k < tg_dict_len(params); k++) {
        const char *name = tg_dict_key(params, k);
        tg_tensor *p = tg_dict_get(params, name);
        int64_t n = tg_numel(p);
        double center, bound;
        train_bound(m, name, p, &center, &bound);
        float *v = malloc((size_t)n * sizeof *v);
        if (!v) {
            rc = -1;
            break;
        }
        for (int64_t i = 0; i < n; i++) v[i] = (float)(center + bound * train_unit(name, (uint64_t)i));
        TG_NO_GRAD if (!tg_copy_(p, tg_from_f32(v, tg_shape(p), tg_ndim(p)))) rc = -1;
        free(v);
    }
    tg_dict_free(params);
    tg_scope_end();
    return rc;
}

static inline void print_loss(int step, const tg_tensor *loss)
{
    printf("loss %d %.9g\n", step, tg_item(loss));
}

/* Every floating tensor of the state_dict, element by element. */
static inline int print_weights(const tg_module *m)
{
    tg_scope_begin();
    tg_dict *state = tg_module_state_dict(m);
    int rc = state ? 0 : -1;
    for (int k = 0; rc == 0 && k < tg_dict_len(state); k++) {
        const char *name = tg_dict_key(state, k);
        tg_tensor *t = tg_dict_get(state, name);
        if (tg_dtype_of(t) != TG_F32) continue;
        int64_t n = tg_numel(t);
        double *v = malloc((size_t)n * sizeof *v);
        if (!v || tg_copy_to_f64(t, v) != 0) rc = -1;
        printf("weight %s %lld", name, (long long)n);
        for (int64_t i = 0; rc == 0 && i < n; i++) printf(" %.9g", v[i]);
        printf("\n");
        free(v);
    }
    tg_dict_free(state);
    tg_scope_end();
    return rc;
}

#endif
