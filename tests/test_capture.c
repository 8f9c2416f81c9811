/* Record once, replay many (tg_capture_step): N eager training steps
   against one captured and N - 1 replayed steps on new batches, for an MLP
   with SGD and momentum, a CNN (conv2d, batch_norm, max_pool2d,
   cross_entropy) with Adam and a transformer block (embedding, attention,
   dropout, layer_norm, gelu) with AdamW: the losses and the weights are
   the same to the bit. Then the errors. */
#include "harness.h"

#include <pthread.h>
#include <stdlib.h>

enum { STEPS = 6, MAX_PARAMS = 16 };

/* A model: its parameters, its static inputs (written before each step),
   its optimizer, and the step's loss. */
typedef struct model {
    tg_tensor *params[MAX_PARAMS];
    int n_params;
    tg_tensor *input, *target;
    tg_tensor *running_mean, *running_var;
    tg_generator *gen;
    tg_optimizer *opt;
    tg_tensor *loss;     /* retained by the step */
    tg_tensor *(*forward)(struct model *m);
} model;

static tg_tensor *param(model *m, const int64_t *shape, int ndim, double scale)
{
    tg_tensor *p = NULL;
    TG_NO_GRAD { p = tg_mul_scalar(tg_randn(shape, ndim, TG_F32), scale); }
    p = tg_retain(tg_requires_grad_(p, true));
    m->params[m->n_params++] = p;
    return p;
}

static int train_step(void *ctx)
{
    model *m = ctx;
    tg_optimizer_zero_grad(m->opt);
    tg_tensor *loss = m->forward(m);
    if (!loss || tg_backward(loss, NULL) != 0 || tg_optimizer_step(m->opt) != 0) return -1;
    if (m->loss) tg_release(m->loss);
    m->loss = tg_retain(loss);
    return 0;
}

static void model_free(model *m)
{
    for (int i = 0; i < m->n_params; i++) tg_release(m->params[i]);
    tg_release(m->input);
    tg_release(m->target);
    if (m->running_mean) tg_release(m->running_mean);
    if (m->running_var) tg_release(m->running_var);
    if (m->loss) tg_release(m->loss);
    tg_generator_free(m->gen);
    tg_optimizer_free(m->opt);
}

/* Batch k's values, the same for both runs: x_i = sin(k + 0.37 i). */
static void write_batch(tg_tensor *t, int k)
{
    int64_t n = tg_numel(t);
    tg_scope_begin();
    if (tg_dtype_of(t) == TG_I64) {
        int64_t *v = malloc((size_t)n * sizeof *v);
        for (int64_t i = 0; i < n; i++) v[i] = (int64_t)((unsigned)(k * 7 + i * 3) % 5);
        tg_copy_(t, tg_from_i64(v, TG_SHAPE(n)));
        free(v);
    } else {
        float *v = malloc((size_t)n * sizeof *v);
        for (int64_t i = 0; i < n; i++) v[i] = (float)sin(k + 0.37 * (double)i);
        tg_copy_(t, tg_reshape(tg_from_f32(v, TG_SHAPE(n)), tg_shape(t), tg_ndim(t)));
        free(v);
    }
    tg_scope_end();
}

static bool same_bits(const tg_tensor *a, const tg_tensor *b)
{
    return tg_numel(a) == tg_numel(b) &&
           memcmp(tg_data_ptr(a), tg_data_ptr(b), (size_t)tg_numel(a) * sizeof(float)) == 0;
}

/* ---------------------------------------------------------------- models */

static tg_tensor *mlp_forward(model *m)
{
    tg_tensor *h = tg_relu(tg_linear(m->input, m->params[0], m->params[1]));
    return tg_mse_loss(tg_linear(h, m->params[2], m->params[3]), m->target);
}

static void mlp_init(model *m)
{
    tg_manual_seed(1);
    *m = (model){.forward = mlp_forward};
    param(m, TG_SHAPE(16, 4), 0.5);
    param(m, TG_SHAPE(16), 0.1);
    param(m, TG_SHAPE(2, 16), 0.5);
    param(m, TG_SHAPE(2), 0.1);
    m->input = tg_retain(tg_zeros(TG_SHAPE(8, 4), TG_F32));
    m->target = tg_retain(tg_zeros(TG_SHAPE(8, 2), TG_F32));
    m->opt = tg_sgd(m->params, m->n_params, (tg_sgd_opts){.lr = 0.1, .momentum = 0.9});
}

static tg_tensor *cnn_forward(model *m)
{
    tg_tensor *h = tg_conv2d(m->input, m->params[0], m->params[1], (tg_conv_opts){.padding = {1, 1}});
    h = tg_batch_norm(h, m->running_mean, m->running_var, m->params[2], m->params[3], true, 0.1, 1e-5);
    h = tg_max_pool2d(tg_relu(h), (tg_pool_opts){.kernel_size = {2, 2}});
    tg_tensor *logits = tg_linear(tg_flatten(h, 1, -1), m->params[4], m->params[5]);
    return tg_cross_entropy(logits, m->target);
}

static void cnn_init(model *m)
{
    tg_manual_seed(2);
    *m = (model){.forward = cnn_forward};
    param(m, TG_SHAPE(4, 1, 3, 3), 0.3);
    param(m, TG_SHAPE(4), 0.1);
    param(m, TG_SHAPE(4), 0.1);
    param(m, TG_SHAPE(4), 0.1);
    param(m, TG_SHAPE(5, 64), 0.2);
    param(m, TG_SHAPE(5), 0.1);
    m->running_mean = tg_retain(tg_zeros(TG_SHAPE(4), TG_F32));
    m->running_var = tg_retain(tg_ones(TG_SHAPE(4), TG_F32));
    m->input = tg_retain(tg_zeros(TG_SHAPE(4, 1, 8, 8), TG_F32));
    m->target = tg_retain(tg_zeros(TG_SHAPE(4), TG_I64));
    m->opt = tg_adam(m->params, m->n_params, tg_adam_defaults());
}

enum { B = 2, T = 5, D = 8, VOCAB = 5 };

static tg_tensor *transformer_forward(model *m)
{
    tg_tensor **p = m->params;
    tg_tensor *x = tg_embedding(m->input, p[0]);   /* (B, T, D) */
    tg_tensor *q = tg_linear(x, p[1], NULL), *k = tg_linear(x, p[2], NULL), *v = tg_linear(x, p[3], NULL);
    tg_tensor *scores = tg_div_scalar(tg_matmul(q, tg_transpose(k, 1, 2)), sqrt((double)D));
    tg_tensor *att = tg_dropout_gen(tg_softmax(scores, -1), 0.2, true, m->gen);
    x = tg_add(x, tg_linear(tg_matmul(att, v), p[4], p[5]));
    x = tg_layer_norm(x, (int64_t[]){D}, 1, p[6], p[7], 1e-5);
    tg_tensor *h = tg_dropout_gen(tg_gelu(tg_linear(x, p[8], p[9])), 0.1, true, m->gen);
    x = tg_add(x, tg_linear(h, p[10], p[11]));
    tg_tensor *logits = tg_linear(x, p[12], NULL);
    return tg_cross_entropy(tg_reshape(logits, TG_SHAPE(B * T, VOCAB)), m->target);
}

static void transformer_init(model *m)
{
    tg_manual_seed(3);
    *m = (model){.forward = transformer_forward};
    param(m, TG_SHAPE(VOCAB, D), 0.5);
    for (int i = 0; i < 3; i++) param(m, TG_SHAPE(D, D), 0.3);
    param(m, TG_SHAPE(D, D), 0.3);
    param(m, TG_SHAPE(D), 0.1);
    param(m, TG_SHAPE(D), 0.1);
    param(m, TG_SHAPE(D), 0.1);
    param(m, TG_SHAPE(2 * D, D), 0.3);
    param(m, TG_SHAPE(2 * D), 0.1);
    param(m, TG_SHAPE(D, 2 * D), 0.3);
    param(m, TG_SHAPE(D), 0.1);
    param(m, TG_SHAPE(VOCAB, D), 0.3);
    m->input = tg_retain(tg_zeros(TG_SHAPE(B, T), TG_I64));
    m->target = tg_retain(tg_zeros(TG_SHAPE(B * T), TG_I64));
    m->gen = tg_generator_new(42);
    m->opt = tg_adamw(m->params, m->n_params, tg_adamw_defaults());
}

/* ------------------------------------------------- eager against replay */

static void write_step(model *m, int k)
{
    write_batch(m->input, k);
    write_batch(m->target, k + 100);
}

/* Step 0 eager in both (a warm-up: .grad and the optimizer's state exist
   from then on), step 1 captured, steps 2.. replayed; each step's loss
   and the final weights compared with eager's bit for bit. */
static void eager_vs_replay(const char *name, void (*init)(model *))
{
    model eager, replayed;
    init(&eager);
    init(&replayed);
    float eager_loss[STEPS], replay_loss[STEPS];
    for (int k = 0; k < STEPS; k++) {
        write_step(&eager, k);
        tg_scope_begin();
        CHECK(train_step(&eager) == 0);
        tg_scope_end();
        eager_loss[k] = (float)tg_item(eager.loss);
    }
    write_step(&replayed, 0);
    CHECK(train_step(&replayed) == 0);
    replay_loss[0] = (float)tg_item(replayed.loss);
    write_step(&replayed, 1);
    tg_capture *c = tg_capture_step(train_step, &replayed);
    CHECK(c != NULL);
    if (!c) {
        fprintf(stderr, "  %s: %s\n", name, tg_last_error());
        model_free(&eager);
        model_free(&replayed);
        return;
    }
    replay_loss[1] = (float)tg_item(replayed.loss);
    tg_tensor *captured_loss = replayed.loss;
    for (int k = 2; k < STEPS; k++) {
        write_step(&replayed, k);
        CHECK(tg_capture_replay(c) == 0);
        replay_loss[k] = (float)tg_item(replayed.loss);
    }
    CHECK(replayed.loss == captured_loss);   /* the step's host code did not run again */
    int differ = 0;
    for (int k = 0; k < STEPS; k++)
        if (memcmp(&eager_loss[k], &replay_loss[k], sizeof(float)) != 0) {
            fprintf(stderr, "  %s: step %d loss %.9g eager, %.9g replayed\n", name, k, eager_loss[k], replay_loss[k]);
            differ++;
        }
    CHECK(differ == 0);
    CHECK(eager_loss[STEPS - 1] != eager_loss[1]);   /* the steps did train */
    for (int i = 0; i < eager.n_params; i++) {
        bool same = same_bits(eager.params[i], replayed.params[i]) &&
                    same_bits(tg_grad(eager.params[i]), tg_grad(replayed.params[i]));
        if (!same) fprintf(stderr, "  %s: parameter %d or its grad differs\n", name, i);
        CHECK(same);
    }
    if (eager.running_mean) {
        CHECK(same_bits(eager.running_mean, replayed.running_mean));
        CHECK(same_bits(eager.running_var, replayed.running_var));
    }
    tg_capture_free(c);
    model_free(&eager);
    model_free(&replayed);
}

/* Captured at the first step (no .grad yet, no optimizer state): the
   replays still follow eager's losses (by value: a first .grad is the
   gradient itself, later ones 0 + the gradient). */
static void capture_first_step(void)
{
    model eager, replayed;
    mlp_init(&eager);
    mlp_init(&replayed);
    write_step(&replayed, 0);
    tg_capture *c = tg_capture_step(train_step, &replayed);
    CHECK(c != NULL);
    for (int k = 0; k < STEPS && c; k++) {
        write_step(&eager, k);
        tg_scope_begin();
        CHECK(train_step(&eager) == 0);
        tg_scope_end();
        if (k > 0) {
            write_step(&replayed, k);
            CHECK(tg_capture_replay(c) == 0);
        }
        CHECK(tg_item(eager.loss) == tg_item(replayed.loss));
    }
    tg_capture_free(c);
    model_free(&eager);
    model_free(&replayed);
}

/* ------------------------------------------------------------- errors */

static int data_dependent_step(void *ctx)
{
    model *m = ctx;
    tg_tensor *picked = tg_masked_select(m->input, tg_gt_scalar(m->input, 0));
    return picked ? 0 : -1;
}

static int item_step(void *ctx)
{
    model *m = ctx;
    return tg_item(tg_sum(m->input)) > 1e9 ? -1 : 0;
}

static int pointer_step(void *ctx)
{
    model *m = ctx;
    float *x = tg_data_ptr(m->input);
    return x && x[0] > 1e9 ? -1 : 0;
}

static int failing_step(void *ctx)
{
    model *m = ctx;
    tg_tensor *y = tg_add_scalar(m->input, 1);
    return y && tg_matmul(m->input, m->input) ? 0 : -1;   /* (8, 4) @ (8, 4) fails */
}

static int nested_step(void *ctx)
{
    model *m = ctx;
    tg_capture *inner = tg_capture_step(train_step, m);
    CHECK(inner == NULL);
    CHECK_STR(tg_last_error(), "tg_capture_step(): a capture is already being recorded on this thread");
    CHECK(tg_capture_replay(NULL) == -1);
    return 0;
}

static void errors_run(void)
{
    model m;
    mlp_init(&m);
    write_step(&m, 0);
    CHECK(tg_capture_step(NULL, &m) == NULL);
    CHECK_STR(tg_last_error(), "tg_capture_step(): step is NULL");
    CHECK(tg_capture_step(data_dependent_step, &m) == NULL);
    CHECK_STR(tg_last_error(), "tg_capture_step(): masked_select (or a mask as an index) cannot be captured: it "
                               "reads tensor values on the host or makes a result whose shape depends on them");
    CHECK(tg_capture_step(item_step, &m) == NULL);
    CHECK_STR(tg_last_error(), "tg_capture_step(): tg_item cannot be captured: it reads tensor values on the host "
                               "or makes a result whose shape depends on them");
    CHECK(tg_capture_step(pointer_step, &m) == NULL);
    CHECK(strstr(tg_last_error(), "tg_data_ptr cannot be captured") != NULL);
    CHECK(tg_capture_step(failing_step, &m) == NULL);
    CHECK(strstr(tg_last_error(), "cannot be multiplied") != NULL);
    tg_capture *c = tg_capture_step(nested_step, &m);
    CHECK(c != NULL);   /* its own step recorded nothing but succeeded */
    CHECK(tg_capture_replay(c) == 0);
    tg_capture_free(c);
    tg_capture_free(NULL);
    CHECK(tg_capture_replay(NULL) == -1);
    CHECK_STR(tg_last_error(), "tg_capture_replay(): the capture is NULL");
    model_free(&m);
}

/* A number given to an in-place operation lives on the stack: the thunk
   keeps its value. */
typedef struct scaled { tg_tensor *x, *out; } scaled;

static int scale_step(void *ctx)
{
    scaled *s = ctx;
    tg_tensor *y = tg_add_scalar(s->x, 1);
    if (!tg_mul_scalar_(y, 3) || !tg_sub_scalar_(y, 0.5)) return -1;
    s->out = tg_retain(tg_sum(y));
    return 0;
}

static void inplace_number(void)
{
    scaled s = {tg_retain(tg_zeros(TG_SHAPE(3), TG_F32)), NULL};
    tg_capture *c = tg_capture_step(scale_step, &s);
    CHECK(c != NULL);
    CHECK(tg_item(s.out) == 7.5);   /* 3 * (3 * 1 - 0.5) */
    tg_fill_(s.x, 1);
    CHECK(c && tg_capture_replay(c) == 0);
    CHECK(tg_item(s.out) == 16.5);   /* 3 * (3 * 2 - 0.5) */
    tg_capture_free(c);
    tg_release(s.x);
    if (s.out) tg_release(s.out);
}

/* A replay with indices out of range fails before anything is written. */
static void bounds_on_replay(void)
{
    model m;
    transformer_init(&m);
    write_step(&m, 0);
    CHECK(train_step(&m) == 0);
    write_step(&m, 1);
    tg_capture *c = tg_capture_step(train_step, &m);
    CHECK(c != NULL);
    float before = *(float *)tg_data_ptr(m.params[0]);
    int64_t *tokens = tg_data_ptr(m.input);
    tokens[3] = VOCAB;   /* one past the embedding's rows */
    CHECK(tg_capture_replay(c) == -1);
    CHECK_STR(tg_last_error(), "index out of range in self");
    CHECK(*(float *)tg_data_ptr(m.params[0]) == before);
    tokens[3] = 0;
    int64_t *targets = tg_data_ptr(m.target);
    targets[2] = VOCAB + 2;
    CHECK(tg_capture_replay(c) == -1);
    CHECK_STR(tg_last_error(), "Target 7 is out of bounds.");
    CHECK(*(float *)tg_data_ptr(m.params[0]) == before);
    targets[2] = 1;
    CHECK(tg_capture_replay(c) == 0);
    CHECK(*(float *)tg_data_ptr(m.params[0]) != before);
    tg_capture_free(c);
    model_free(&m);
}

/* Two threads, each recording and replaying a model of its own while the
   other does: recording is per thread. Returns whether the replays gave
   eager's losses (CHECK is not for threads). */
static pthread_mutex_t init_lock = PTHREAD_MUTEX_INITIALIZER;

static void *thread_run(void *arg)
{
    model eager, replayed;
    pthread_mutex_lock(&init_lock);   /* the initial weights come from the process's generator */
    mlp_init(&eager);
    mlp_init(&replayed);
    pthread_mutex_unlock(&init_lock);
    bool same = true;
    tg_capture *c = NULL;
    for (int k = 0; k < 40; k++) {
        write_step(&eager, k);
        tg_scope_begin();
        same = same && train_step(&eager) == 0;
        tg_scope_end();
        write_step(&replayed, k);
        if (k == 0) {
            tg_scope_begin();
            same = same && train_step(&replayed) == 0;
            tg_scope_end();
        } else if (k == 1) {
            same = same && (c = tg_capture_step(train_step, &replayed)) != NULL;
        } else {
            same = same && tg_capture_replay(c) == 0;
        }
        same = same && tg_item(eager.loss) == tg_item(replayed.loss);
    }
    tg_capture_free(c);
    model_free(&eager);
    model_free(&replayed);
    return same ? arg : NULL;
}

static void two_threads(void)
{
    pthread_t a, b;
    void *ra = NULL, *rb = NULL;
    static int token;
    CHECK(pthread_create(&a, NULL, thread_run, &token) == 0);
    CHECK(pthread_create(&b, NULL, thread_run, &token) == 0);
    pthread_join(a, &ra);
    pthread_join(b, &rb);
    CHECK(ra == &token);
    CHECK(rb == &token);
}

int main(void)
{
    eager_vs_replay("mlp", mlp_init);
    eager_vs_replay("cnn", cnn_init);
    eager_vs_replay("transformer", transformer_init);
    capture_first_step();
    errors_run();
    bounds_on_replay();
    inplace_number();
    two_threads();
    return TEST_MAIN_END();
}
