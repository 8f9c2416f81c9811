/* The optim layer: optimizers, learning-rate schedulers and gradient
   clipping, written with the operations below them. It may use every
   layer. */
#ifndef TG_OPTIM_H
#define TG_OPTIM_H

#include "../core/half.h"
#include "../nn/nn.h"
#include "../ops/ops.h"

#include <stddef.h>
#include <tgmath.h>   /* OPTIM_LOOP's fma and sqrt in the element type */

/* The most state tensors one parameter has (Adam's exp_avg, exp_avg_sq and
   max_exp_avg_sq; RMSprop's square_avg, momentum_buffer, grad_avg). */
#define OPTIM_MAX_STATE 3

/* One group's options. Every options struct starts with its lr, which
   optimizer.c reads and schedulers write (checked there). */
typedef union optim_opts {
    tg_sgd_opts sgd;
    tg_adam_opts adam;
    tg_rmsprop_opts rmsprop;
    tg_adagrad_opts adagrad;
} optim_opts;

/* A parameter, its state and its step count (PyTorch's state[p]). */
typedef struct optim_param {
    tg_tensor *param;                     /* a reference */
    tg_tensor *state[OPTIM_MAX_STATE];    /* references; NULL where PyTorch has none */
    int64_t step;                         /* state['step'] */
    bool has_state;                       /* state[p] is not empty */
} optim_param;

typedef struct optim_group {
    optim_opts opts;
    optim_param *params;
    int n;
    double initial_lr;     /* group['initial_lr'], which schedulers set */
    bool has_initial_lr;
} optim_group;

/* One field of an options struct, named as PyTorch's param_groups name it
   ("betas.0" for Adam's beta1). */
typedef struct optim_hyper {
    const char *name;
    size_t offset;
    bool is_bool;
} optim_hyper;
#define OPTIM_DOUBLE(type, field, name) {name, offsetof(type, field), false}
#define OPTIM_BOOL(type, field, name) {name, offsetof(type, field), true}

/* What makes one optimizer itself: its name, its state's names (PyTorch's,
   in PyTorch's order, for state dicts), its hyperparameters and its step. */
typedef struct optim_kind {
    const char *name;                        /* "SGD", "Adam", ... */
    const char *const *state_names;          /* OPTIM_MAX_STATE names, NULL past the last */
    tg_dtype step_dtype;                     /* of state['step'] in state dicts; -1: no step */
    bool eager_state;                        /* state made when a parameter is added (Adagrad) */
    /* Whether a parameter that has state holds buffer s under these
       options (Adam's max_exp_avg_sq only with amsgrad); NULL: every named
       buffer. Loading refuses a state that lacks one. */
    bool (*holds)(const optim_opts *o, int s);
    const struct optim_hyper *hypers;        /* the options, in PyTorch's order, */
    int n_hypers;                            /* for state dicts */
    /* PyTorch's constructor checks: 0, or -1 with its ValueError's text
       (fn names the public function for errors of this library's own). */
    int (*check)(const char *fn, const optim_opts *o);
    /* A new buffer s for param, where it has none (when the parameter is
       added if eager_state, else at its first step); NULL: zeros. */
    tg_tensor *(*init)(const optim_opts *o, const tg_tensor *param, int s);
    /* The option OneCycleLR cycles: "momentum", or "betas" for beta1;
       NULL where there is none. */
    const char *momentum_name;
    size_t momentum_offset;
    /* One step for one parameter, written in place into the parameter and
       its buffers (every one holds names; fresh: made for this step) as
       PyTorch's _single_tensor_<name> computes it, element by element with
       its roundings (optim_loop below); step is the step count after this
       step. It cannot fail: what it needs was made before. */
    void (*update)(const optim_opts *o, int64_t step, bool fresh, tg_tensor *param, const tg_tensor *grad,
                   tg_tensor *const *state);
} optim_kind;

struct tg_optimizer {
    const optim_kind *kind;
    optim_group *groups;
    int n_groups;
};

/* The optimizer of this kind over params with one group of options o, or
   NULL with an error (fn names the public function). */
tg_optimizer *tg__optimizer_new(const char *fn, const optim_kind *kind, tg_tensor *const *params, int n,
                                const optim_opts *o);
/* Adds a group to opt, which must be of kind (one of kinds, NULL-ended). */
int tg__optimizer_add_group(const char *fn, tg_optimizer *opt, const optim_kind *const *kinds,
                            tg_tensor *const *params, int n, const optim_opts *o);

/* Records PyTorch's "Invalid <what>: <v>" ("Invalid momentum value: -1.0")
   and returns -1. */
int tg__invalid(const char *what, double v);

/* Whether a parameter with state holds buffer s (a named one, and one
   kind->holds keeps under o). */
bool tg__optim_holds(const optim_kind *kind, const optim_opts *o, int s);

/* An update's element loop: for each element, the body reads the gradient g
   and the constants k (CTX, the loop's ctx) and writes the parameter *p
   and the buffers OPTIM_STATE(j), all of type T. The constants are
   doubles that the body rounds to T where PyTorch's scalar arguments are, so
   that each line of the body is one of PyTorch's in-place operations on one
   element (x.mul_(b) is x * OPTIM_S(b), x.add_(y, alpha=a) fma(y,
   OPTIM_S(a), x), x.addcmul_(y, z, value=v) fma((T)v * y, z, x),
   x.addcdiv_(y, z, value=v) x + (T)v * y / z), each result passed through OPTIM_R: the
   loop's rounding, none for f32 and f64; for float16 and bfloat16
   parameters (T float over float copies, tg__optim_run) the result rounded
   to the dtype, so that each operation rounds as PyTorch's half kernels do:
   computed in float, rounded once. A scalar of mul_, div, add_ and add_'s
   alpha is OPTIM_S(x) (T)x: rounded to the dtype first for bfloat16, as
   PyTorch 1.13's bfloat16 kernels take it (PyTorch 2's float16 ones keep
   it in float, as do addcmul_ and addcdiv_ the value of both). */
#define OPTIM_LOOP(name, type, round, scalar, CTX, ...)                                             \
    TG_FMA_LOOP static void name(char **d, const int64_t *s, int64_t n, void *ctx)          \
    {                                                                                     \
        typedef type T;                                                                   \
        T (*const optim_round)(T) = round;                                                \
        T (*const optim_scalar)(T) = scalar;                                              \
        const CTX constants = *(const CTX *)ctx;   /* a copy: no store can change it */    \
        const CTX *k = &constants;                                                        \
        static const int64_t unit[2 + OPTIM_MAX_STATE] = {sizeof(T), sizeof(T), sizeof(T), sizeof(T), sizeof(T)}; \
        bool contiguous = true;                                                           \
        for (int j = 0; j < 2 + OPTIM_MAX_STATE; j++) contiguous = contiguous && s[j] == (int64_t)sizeof(T); \
        if (contiguous) OPTIM_ELEMENTS(unit, __VA_ARGS__)                                 \
        else OPTIM_ELEMENTS(s, __VA_ARGS__)                                               \
    }
/* The element loop over strides st; with constant ones (a contiguous run)
   it vectorizes where the body has no branch (at -O3, src/optim's level). */
#define OPTIM_ELEMENTS(strides, ...)                                                      \
    {                                                                                     \
        const int64_t *st = strides;                                                      \
        for (int64_t i = 0; i < n; i++) {                                                 \
            T *p = (T *)(d[0] + i * st[0]);                                               \
            const T g = *(const T *)(d[1] + i * st[1]);                                   \
            __VA_ARGS__                                                                   \
        }                                                                                 \
    }
#define OPTIM_STATE(j) (*(T *)(d[2 + (j)] + i * st[2 + (j)]))
_Static_assert(OPTIM_MAX_STATE == 3, "OPTIM_LOOP's unit strides: one for each operand");
#define OPTIM_R(x) optim_round(x)
#define OPTIM_S(x) optim_scalar((T)(x))
static inline float tg__optim_exact_f32(float x) { return x; }
static inline double tg__optim_exact_f64(double x) { return x; }
static inline float tg__optim_round_f16(float x) { return tg__f16_to_f32(tg__f16_from_f32(x)); }
static inline float tg__optim_round_bf16(float x) { return tg__bf16_to_f32(tg__bf16_from_f32(x)); }
/* The f32, f64, f16 and bf16 loops name_f32, ..., name_bf16 (a tg_optim_loops). */
#define OPTIM_LOOPS(name, CTX, ...)                                                          \
    OPTIM_LOOP(name##_f32, float, tg__optim_exact_f32, tg__optim_exact_f32, CTX, __VA_ARGS__)                \
    OPTIM_LOOP(name##_f64, double, tg__optim_exact_f64, tg__optim_exact_f64, CTX, __VA_ARGS__)               \
    OPTIM_LOOP(name##_f16, float, tg__optim_round_f16, tg__optim_exact_f32, CTX, __VA_ARGS__)                \
    OPTIM_LOOP(name##_bf16, float, tg__optim_round_bf16, tg__optim_round_bf16, CTX, __VA_ARGS__)             \
    static const tg_optim_loops name = {name##_f32, name##_f64, name##_f16, name##_bf16};
typedef struct tg_optim_loops { tg_loop_fn f32, f64, f16, bf16; } tg_optim_loops;

/* Runs the loop of param's dtype over param, grad and the OPTIM_MAX_STATE
   buffers (NULL where the options use none), and bumps the versions of
   what it wrote. Half operands are converted to float blocks first and
   rounded back after. */
void tg__optim_run(const tg_optim_loops *loops, void *ctx, tg_tensor *param, const tg_tensor *grad,
                   tg_tensor *const *state);
/* The gradient a step uses: -g when maximizing, plus weight_decay * param
   (grad.add(param, alpha=weight_decay)). */
#define OPTIM_STEP_GRAD(maximize, weight_decay) \
    ((weight_decay) != 0 ? OPTIM_R(fma(*p, OPTIM_S(weight_decay), (maximize) ? -g : g)) : (maximize) ? -g : g)

/* The momentum of group g (SGD's and RMSprop's momentum, Adam's beta1), or
   NULL when the optimizer has none. */
double *tg__optimizer_momentum(tg_optimizer *opt, int g);

/* ---------------------------------------------------------- schedulers */

/* What makes one scheduler itself. */
typedef struct sched_kind {
    const char *name;    /* PyTorch's class name, "StepLR", for state dicts */
    /* The learning rate of each group after a step (the chainable form
       PyTorch's get_lr computes, from the groups' current lr) into lrs;
       0, or -1 with an error, having changed nothing. */
    int (*get_lr)(tg_scheduler *s, double *lrs);
    /* PyTorch's _get_closed_form_lr, which step(epoch) uses (SequentialLR
       at its milestones); NULL where PyTorch has none (get_lr then). */
    void (*closed_form)(const tg_scheduler *s, double *lrs);
    /* A step of its own instead of the common one (SequentialLR's). */
    int (*step)(tg_scheduler *s);
    /* Frees what the scheduler's own numbers hold (may be NULL). */
    void (*release)(tg_scheduler *s);
} sched_kind;

/* A scheduler's own numbers, as PyTorch's attributes name them. */
typedef struct sched_step { int64_t step_size; double gamma; } sched_step;
typedef struct sched_multistep { int64_t *milestones; int n; double gamma; } sched_multistep;   /* sorted */
typedef struct sched_cosine { int64_t T_max; double eta_min; } sched_cosine;
typedef struct sched_linear { double start_factor, end_factor; int64_t total_iters; } sched_linear;
typedef struct sched_lambda { tg_lr_lambda fn; void *user_data; } sched_lambda;
typedef struct sched_sequential { tg_scheduler **schedulers; int n; int64_t *milestones; } sched_sequential;
typedef struct sched_plateau { tg_plateau_opts o; double best; int64_t num_bad_epochs, cooldown_counter; } sched_plateau;
typedef struct sched_one_cycle {
    tg_one_cycle_opts o;
    double *max_lrs, *min_lrs;     /* group['max_lr'], group['min_lr'] */
} sched_one_cycle;

struct tg_scheduler {
    const sched_kind *kind;
    tg_optimizer *opt;
    int n;                       /* the optimizer's groups when the scheduler was made */
    double *base_lrs, *last_lr, *next_lr;
    int64_t last_epoch, step_count;
    union {
        sched_step step;
        sched_multistep multistep;
        double gamma;            /* ExponentialLR */
        sched_cosine cosine;
        sched_linear linear;
        sched_lambda lambda;
        sched_sequential sequential;
        sched_one_cycle one_cycle;
        sched_plateau plateau;
    } u;
};

/* A scheduler of kind over opt, its own numbers zero; fn names the public
   function. NULL with an error. */
tg_scheduler *tg__scheduler_new(const char *fn, const sched_kind *kind, tg_optimizer *opt);
/* The rest of PyTorch's _LRScheduler construction: each group's
   initial_lr set where unset, base_lrs read from it, and _initial_step,
   the step that makes last_epoch 0. s may be NULL; on failure it is freed
   and NULL returned. */
tg_scheduler *tg__scheduler_start(tg_scheduler *s);
/* PyTorch's _LRScheduler.step(), and step(epoch) with closed. */
int tg__scheduler_step_at(tg_scheduler *s, bool closed, int64_t epoch);
/* tg_scheduler_load_state_dict in two halves, for checkpoints: the checks
   (0, or -1 with an error), then the writes, which cannot fail. */
int tg__scheduler_check_state(const tg_scheduler *s, const tg_dict *d);
void tg__scheduler_apply_state(tg_scheduler *s, const tg_dict *d);
/* The current lr of the scheduler's group g. */
double tg__group_lr(const tg_scheduler *s, int g);

#endif
