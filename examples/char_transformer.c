/* A causal character-level transformer, GPT's shape in miniature: token and
   position embeddings, pre-LN blocks (multi-head self-attention with a
   causal mask, then a GELU MLP, each around a residual), a final layer norm
   and a linear head to the next character's logits. Trained on random
   windows of a text with AdamW, a linear warm-up into a cosine schedule and
   gradient clipping, then it samples text (temperature, top-k). It saves a
   checkpoint (model, optimizer, scheduler and generator state) at the end,
   and a run resumed from one continues exactly where it stopped: the same
   weights, bit for bit, as a run that never stopped.

       char_transformer [options] [TEXT]   (TEXT: /usr/share/common-licenses/GPL-3)
         --steps N          training steps the schedule spans (500)
         --stop-after K     stop after step K (as if interrupted), save, exit
         --resume FILE      continue from a checkpoint of a run with the same options
         --save FILE        the checkpoint written at the end (char_transformer.safetensors)
         --sample N         characters to sample after training (300)
         --temperature T    divides the logits before sampling (0.8)
         --top-k K          sample among the K likeliest characters only (10)
         --seed S           seeds the weights, the batches and the sampling (1) */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tensorgrad.h>

#include "progress.h"

enum {
    CONTEXT = 64,      /* characters the model sees */
    CHANNELS = 64,
    HEADS = 4,
    LAYERS = 2,
    BATCH = 16,        /* windows per step */
    REPORT_EVERY = 25,
    MAX_VOCAB = 256,   /* bytes */
    MAX_PARAMS = 64
};

typedef struct options {
    const char *text_path, *resume_path, *save_path;
    int steps, stop_after, sample_length, top_k;
    double temperature;
    uint64_t seed;
} options;

/* The text as indices into its vocabulary: the distinct bytes it holds, in
   byte order. */
typedef struct corpus {
    int64_t *ids;
    int64_t length;
    int vocab_size;
    unsigned char vocab[MAX_VOCAB];   /* index -> byte */
} corpus;

/* The model's parts, borrowed from root, which owns them. */
typedef struct model {
    tg_module *root, *token_embedding, *position_embedding, *blocks, *final_norm, *head;
} model;

static int usage(const char *message)
{
    fprintf(stderr, "char_transformer: %s\n"
                    "usage: char_transformer [--steps N] [--stop-after K] [--resume FILE] [--save FILE]\n"
                    "                        [--sample N] [--temperature T] [--top-k K] [--seed S] [TEXT]\n",
            message);
    return 2;
}

/* A whole number in [low, high] from text, or -1. */
static long parse_count(const char *text, long low, long high)
{
    char *end;
    long value = strtol(text, &end, 10);
    return *text && !*end && value >= low && value <= high ? value : -1;
}

static int parse_options(int argc, char **argv, options *o)
{
    *o = (options){"/usr/share/common-licenses/GPL-3", NULL, "char_transformer.safetensors", 500, 0, 300, 10, 0.8, 1};
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i], *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (arg[0] != '-') {
            o->text_path = arg;
            continue;
        }
        if (!value) return usage("an option lacks its value");
        long n = 0;
        char *end;
        if (!strcmp(arg, "--steps") && (n = parse_count(value, 2, 1000000)) > 0) o->steps = (int)n;
        else if (!strcmp(arg, "--stop-after") && (n = parse_count(value, 1, 1000000)) > 0) o->stop_after = (int)n;
        else if (!strcmp(arg, "--sample") && (n = parse_count(value, 0, 1000000)) >= 0) o->sample_length = (int)n;
        else if (!strcmp(arg, "--top-k") && (n = parse_count(value, 1, MAX_VOCAB)) > 0) o->top_k = (int)n;
        else if (!strcmp(arg, "--seed") && (n = parse_count(value, 0, 1000000000)) >= 0) o->seed = (uint64_t)n;
        else if (!strcmp(arg, "--resume")) o->resume_path = value;
        else if (!strcmp(arg, "--save")) o->save_path = value;
        else if (!strcmp(arg, "--temperature") && (o->temperature = strtod(value, &end)) > 0 && !*end) {}
        else return usage("unknown option or bad value");
        i++;
    }
    if (o->stop_after == 0 || o->stop_after > o->steps) o->stop_after = o->steps;
    return 0;
}

static int load_corpus(const char *path, corpus *c)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return -1;
    }
    static unsigned char bytes[1 << 22];   /* the first 4 MiB of a longer text */
    size_t n = fread(bytes, 1, sizeof bytes, f);
    fclose(f);
    if (n <= CONTEXT + 1) {
        fprintf(stderr, "%s: too short, needs more than %d bytes\n", path, CONTEXT + 1);
        return -1;
    }
    int index_of[MAX_VOCAB];
    bool present[MAX_VOCAB] = {false};
    for (size_t i = 0; i < n; i++) present[bytes[i]] = true;
    c->vocab_size = 0;
    for (int b = 0; b < MAX_VOCAB; b++) {
        if (!present[b]) continue;
        index_of[b] = c->vocab_size;
        c->vocab[c->vocab_size++] = (unsigned char)b;
    }
    c->ids = malloc(n * sizeof *c->ids);
    if (!c->ids) return -1;
    for (size_t i = 0; i < n; i++) c->ids[i] = index_of[bytes[i]];
    c->length = (int64_t)n;
    return 0;
}

/* A pre-LN block is a TransformerEncoderLayer with norm_first: x + attn(ln1(x)),
   then x + mlp(ln2(x)), the MLP 4 x wide with GELU. No dropout: the text is
   small and the run short. */
static int make_model(int vocab_size, model *m)
{
    m->root = tg_nn_module("CharTransformer");
    m->blocks = tg_nn_module_list(NULL, 0);
    if (!m->root || !m->blocks) {
        tg_module_free(m->root);
        tg_module_free(m->blocks);
        return -1;
    }
    for (int i = 0; i < LAYERS; i++) {
        tg_module *block = tg_nn_transformer_encoder_layer(CHANNELS, HEADS, 4 * CHANNELS, 0.0, "gelu", 1e-5, true, true);
        if (tg_module_list_append(m->blocks, block) != 0) break;
    }
    tg_embedding_opts plain = {0};
    m->token_embedding = tg_nn_embedding(vocab_size, CHANNELS, plain);
    m->position_embedding = tg_nn_embedding(CONTEXT, CHANNELS, plain);
    m->final_norm = tg_nn_layer_norm(TG_SHAPE(CHANNELS), 1e-5, true);
    m->head = tg_nn_linear(CHANNELS, vocab_size, true);
    /* add_module takes each child over, also when it fails */
    int rc = tg_module_add_module(m->root, "token_embedding", m->token_embedding) |
             tg_module_add_module(m->root, "position_embedding", m->position_embedding) |
             tg_module_add_module(m->root, "blocks", m->blocks) |
             tg_module_add_module(m->root, "final_norm", m->final_norm) |
             tg_module_add_module(m->root, "head", m->head);
    if (rc != 0 || tg_module_num_children(m->blocks) != LAYERS) {
        tg_module_free(m->root);
        return -1;
    }
    return 0;
}

/* Logits (batch, length, vocab) for the indices (batch, length), each
   position seeing only itself and those before it. */
static tg_tensor *forward(const model *m, tg_tensor *indices)
{
    int64_t length = tg_shape(indices)[1];
    tg_tensor *positions = tg_arange(0, (double)length, 1, TG_I64);
    tg_tensor *x = tg_add(tg_module_forward(m->token_embedding, indices),
                          tg_module_forward(m->position_embedding, positions));
    /* -inf above the diagonal: no attention to later positions */
    tg_tensor *causal_mask = tg_triu(tg_full(TG_SHAPE(length, length), -INFINITY, TG_F32), 1);
    for (int i = 0; i < LAYERS; i++)
        x = tg_nn_transformer_encoder_layer_forward(tg_module_list_get(m->blocks, i), x, causal_mask, NULL);
    return tg_module_forward(m->head, tg_module_forward(m->final_norm, x));
}

/* BATCH random windows of the text: inputs (BATCH, CONTEXT) and the targets,
   each the character after its input. */
static int make_batch(const corpus *c, tg_generator *gen, tg_tensor **inputs, tg_tensor **targets)
{
    double starts[BATCH];
    if (tg_copy_to_f64(tg_randint_gen(0, c->length - CONTEXT, TG_SHAPE(BATCH), gen), starts) != 0) return -1;
    static int64_t input_ids[BATCH * CONTEXT], target_ids[BATCH * CONTEXT];
    for (int b = 0; b < BATCH; b++) {
        memcpy(&input_ids[b * CONTEXT], &c->ids[(int64_t)starts[b]], CONTEXT * sizeof *input_ids);
        memcpy(&target_ids[b * CONTEXT], &c->ids[(int64_t)starts[b] + 1], CONTEXT * sizeof *target_ids);
    }
    *inputs = tg_from_i64(input_ids, TG_SHAPE(BATCH, CONTEXT));
    *targets = tg_from_i64(target_ids, TG_SHAPE(BATCH * CONTEXT));
    return *inputs && *targets ? 0 : -1;
}

/* The schedule: the lr climbs linearly for the first tenth of the steps,
   then follows a cosine down to a tenth of its peak. */
static tg_scheduler *make_schedule(tg_optimizer *opt, int steps, double peak_lr)
{
    int64_t warmup = steps / 10 > 0 ? steps / 10 : 1;
    tg_scheduler *phases[] = {tg_linear_lr(opt, 0.05, 1.0, warmup), tg_cosine_annealing_lr(opt, steps - warmup, 0.1 * peak_lr)};
    tg_scheduler *schedule = phases[0] && phases[1] ? tg_sequential_lr(opt, phases, 2, &warmup, 1) : NULL;
    if (!schedule) {
        tg_scheduler_free(phases[0]);
        tg_scheduler_free(phases[1]);
    }
    return schedule;
}

/* One character after the context (1, length): the logits of its last
   position divided by the temperature, the top_k largest kept, softmax,
   one draw. */
static int next_character(const model *m, tg_tensor *context, const options *o, tg_generator *gen, int64_t *next)
{
    int rc = -1;
    int64_t length = tg_shape(context)[1];
    tg_tensor *logits = tg_div_scalar(tg_select(tg_select(forward(m, context), 0, 0), 0, length - 1), o->temperature);
    int64_t k = o->top_k < tg_numel(logits) ? o->top_k : tg_numel(logits);
    tg_tensor *candidates = NULL;
    tg_tensor *top = tg_topk(logits, k, 0, true, true, &candidates);
    tg_tensor *choice = tg_multinomial_gen(tg_softmax(top, 0), 1, false, gen);
    double picked;
    if (tg_copy_to_f64(tg_index_select(candidates, 0, choice), &picked) == 0) {
        *next = (int64_t)picked;
        rc = 0;
    }
    return rc;
}

/* Samples o->sample_length characters after a newline and prints them. */
static int sample(const model *m, const corpus *c, const options *o, tg_generator *gen)
{
    static int64_t ids[CONTEXT];
    const unsigned char *newline = memchr(c->vocab, '\n', (size_t)c->vocab_size);
    int64_t length = 1;
    ids[0] = newline ? newline - c->vocab : 0;
    printf("sample (%d characters, temperature %g, top-k %d):\n", o->sample_length, o->temperature, o->top_k);
    int rc = 0;
    TG_NO_GRAD {
        for (int i = 0; i < o->sample_length; i++) {
            tg_scope_begin();
            int64_t next;
            rc = next_character(m, tg_from_i64(ids, TG_SHAPE(1, length)), o, gen, &next);
            tg_scope_end();
            if (rc != 0) break;
            putchar(c->vocab[next]);
            if (length == CONTEXT) memmove(ids, ids + 1, (CONTEXT - 1) * sizeof *ids);   /* the window slides */
            else length++;
            ids[length - 1] = next;
        }
    }
    putchar('\n');
    return rc;
}

static int fail(void)
{
    fprintf(stderr, "char_transformer: %s\n", tg_last_error());
    return 1;
}

int main(int argc, char **argv)
{
    options o;
    if (parse_options(argc, argv, &o) != 0) return 2;
    static corpus text;
    if (load_corpus(o.text_path, &text) != 0) return 1;
    printf("%s: %lld characters, a vocabulary of %d (ln %d = %.4f, the loss of a uniform guess)\n", o.text_path,
           (long long)text.length, text.vocab_size, text.vocab_size, log(text.vocab_size));

    tg_manual_seed(o.seed);   /* the initial weights */
    model m;
    if (make_model(text.vocab_size, &m) != 0) return fail();
    tg_tensor *params[MAX_PARAMS];
    int n_params = tg_module_parameters(m.root, params, MAX_PARAMS);
    tg_adam_opts adamw = tg_adamw_defaults();
    adamw.lr = 3e-3;
    tg_optimizer *opt = n_params > 0 ? tg_adamw(params, n_params, adamw) : NULL;
    tg_scheduler *schedule = opt ? make_schedule(opt, o.steps, adamw.lr) : NULL;
    tg_generator *gen = tg_generator_new(o.seed);   /* the batches and the sampling */
    if (!schedule || !gen) return fail();
    printf("model: %d layers, %d heads, %d channels, context %d; %lld parameters\n", LAYERS, HEADS, CHANNELS, CONTEXT,
           (long long)tg_module_parameter_count(m.root, false));

    int64_t first_step = 0;
    if (o.resume_path) {
        if (tg_load_checkpoint(o.resume_path, m.root, opt, schedule, gen, &first_step) != 0) return fail();
        if (first_step > o.stop_after) {
            fprintf(stderr, "char_transformer: %s is of step %lld, past the last step %d\n", o.resume_path,
                    (long long)first_step, o.stop_after);
            return 1;
        }
        printf("resumed from %s at step %lld\n", o.resume_path, (long long)first_step);
    }

    /* The loss is reported as its mean over windows of REPORT_EVERY steps
       counted from step 0, so a resumed run reports what a straight one does. */
    progress bar = progress_start_at((int)first_step, o.stop_after);
    double window_loss = 0, last_window_loss = NAN;
    int window_start = (int)first_step, last_window_start = 0;
    for (int step = (int)first_step; step < o.stop_after; step++) {
        tg_scope_begin();
        tg_tensor *inputs, *targets;
        if (make_batch(&text, gen, &inputs, &targets) != 0) return fail();
        tg_tensor *logits = forward(&m, inputs);
        tg_tensor *loss = tg_cross_entropy(tg_view(logits, TG_SHAPE(-1, text.vocab_size)), targets);
        tg_optimizer_zero_grad(opt);
        if (tg_backward(loss, NULL) != 0 || tg_clip_grad_norm_(params, n_params, 1.0, 2.0, NULL) != 0 ||
            tg_optimizer_step(opt) != 0 || tg_scheduler_step(schedule) != 0)
            return fail();
        double value = tg_item(loss);
        tg_scope_end();
        if (step == first_step) printf("loss at step %d: %.4f\n", step + 1, value);
        window_loss += value;
        if ((step + 1) % REPORT_EVERY == 0 || step + 1 == o.stop_after) {
            last_window_loss = window_loss / (step + 1 - window_start);
            last_window_start = window_start;
            progress_show(&bar, step + 1, last_window_loss);
            window_loss = 0;
            window_start = step + 1;
        }
    }
    if (first_step < o.stop_after)
        printf("final loss: %.4f (the mean of steps %d to %d)\n", last_window_loss, last_window_start + 1, o.stop_after);

    if (tg_save_checkpoint(o.save_path, m.root, opt, schedule, gen, o.stop_after) != 0) return fail();
    printf("saved the checkpoint of step %d to %s\n", o.stop_after, o.save_path);
    if (o.stop_after == o.steps && sample(&m, &text, &o, gen) != 0) return fail();

    tg_generator_free(gen);
    tg_scheduler_free(schedule);
    tg_optimizer_free(opt);
    tg_module_free(m.root);
    free(text.ids);
    return 0;
}
