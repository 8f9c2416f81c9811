/* A small causal transformer trained for 50 steps, as
   nn_train_transformer.py trains it in PyTorch: token and learned position
   embeddings, a TransformerEncoder of 2 layers (batch_first, a causal mask)
   with a final LayerNorm, a Linear head; the same initial weights
   (nn_train.h) and batches; AdamW, gradient clipping and a cosine
   schedule; cross-entropy of the next token. Prints the model, the loss,
   the gradients' total norm and the learning rate at every step, the loss
   of the trained model in evaluation mode and the final state_dict; the
   comparison is within tolerances (nn_train_check.py). */
#include "nn_train.h"

enum { STEPS = 50, BATCH = 4, SEQ = 8, VOCAB = 16, D_MODEL = 32, HEADS = 4, FEEDFORWARD = 64, MAX_PARAMS = 64 };

static tg_module *make_model(void)
{
    tg_module *layer = tg_nn_transformer_encoder_layer(D_MODEL, HEADS, FEEDFORWARD, 0.0, NULL, 1e-5, true, false);
    struct {
        const char *name;
        tg_module *child;
    } children[] = {
        {"tok_emb", tg_nn_embedding(VOCAB, D_MODEL, (tg_embedding_opts){.has_padding_idx = false})},
        {"pos_emb", tg_nn_embedding(SEQ, D_MODEL, (tg_embedding_opts){.has_padding_idx = false})},
        {"encoder", tg_nn_transformer_encoder(layer, 2, tg_nn_layer_norm(TG_SHAPE(D_MODEL), 1e-5, true))},
        {"head", tg_nn_linear(D_MODEL, VOCAB, true)},
    };
    tg_module *model = tg_nn_module("TinyTransformer");
    int rc = model ? 0 : -1;
    for (int i = 0; i < 4; i++)   /* add_module owns each child, also when it fails */
        if (tg_module_add_module(model, children[i].name, children[i].child) != 0) rc = -1;
    if (rc != 0 || train_init(model) != 0) {
        tg_module_free(model);
        return NULL;
    }
    return model;
}

/* The logits (BATCH, SEQ, VOCAB) of tokens (BATCH, SEQ). */
static tg_tensor *forward(tg_module *model, const tg_tensor *tokens, const tg_tensor *causal_mask)
{
    tg_tensor *positions = tg_arange(0, SEQ, 1, TG_I64);
    tg_tensor *x = tg_add(tg_module_forward(tg_module_get_submodule(model, "tok_emb"), tokens),
                          tg_module_forward(tg_module_get_submodule(model, "pos_emb"), positions));
    x = tg_nn_transformer_encoder_forward(tg_module_get_submodule(model, "encoder"), x, causal_mask, NULL);
    return tg_module_forward(tg_module_get_submodule(model, "head"), x);
}

/* Batch `step`: arithmetic sequences modulo VOCAB, each with a start and a
   stride (1 to 3) from the hash of (step, b); the targets are the inputs
   shifted by one. */
static void make_batch(int step, tg_tensor **inputs, tg_tensor **targets)
{
    int64_t in[BATCH * SEQ], out[BATCH * SEQ];
    for (int b = 0; b < BATCH; b++) {
        uint64_t h = train_mix((uint64_t)(1000 + step * BATCH + b));
        int64_t start = (int64_t)(h % VOCAB), stride = 1 + (int64_t)((h >> 8) % 3);
        for (int t = 0; t < SEQ; t++) {
            in[b * SEQ + t] = (start + t * stride) % VOCAB;
            out[b * SEQ + t] = (start + (t + 1) * stride) % VOCAB;
        }
    }
    *inputs = tg_from_i64(in, TG_SHAPE(BATCH, SEQ));
    *targets = tg_from_i64(out, TG_SHAPE(BATCH * SEQ));
}

static tg_tensor *batch_loss(tg_module *model, int step, const tg_tensor *causal_mask)
{
    tg_tensor *tokens, *targets;
    make_batch(step, &tokens, &targets);
    return tg_cross_entropy(tg_reshape(forward(model, tokens, causal_mask), TG_SHAPE(BATCH * SEQ, VOCAB)), targets);
}

typedef struct trainer {
    tg_module *model;
    tg_tensor *params[MAX_PARAMS];
    int n_params;
    tg_optimizer *opt;
    tg_scheduler *schedule;
    tg_tensor *causal_mask;   /* -inf above the diagonal, as generate_square_subsequent_mask */
} trainer;

static int train_step(trainer *tr, int step)
{
    tg_scope_begin();
    tg_optimizer_zero_grad(tr->opt);
    tg_tensor *loss = batch_loss(tr->model, step, tr->causal_mask);
    double norm = 0;
    int rc = loss && tg_backward(loss, NULL) == 0 &&
                     tg_clip_grad_norm_(tr->params, tr->n_params, 1.0, 2.0, &norm) == 0 &&
                     tg_optimizer_step(tr->opt) == 0 && tg_scheduler_step(tr->schedule) == 0
                 ? 0
                 : -1;
    if (rc == 0) {
        print_loss(step, loss);
        printf("norm %d %.9g\n", step, norm);
        printf("lr %d %.9g\n", step, tg_optimizer_get_lr(tr->opt, 0));
    }
    tg_scope_end();
    return rc;
}

static int evaluate(trainer *tr)
{
    tg_scope_begin();
    tg_module_train(tr->model, false);
    tg_tensor *loss = NULL;
    TG_NO_GRAD loss = batch_loss(tr->model, 0, tr->causal_mask);
    if (loss) print_loss(STEPS, loss);
    tg_scope_end();
    return loss ? 0 : -1;
}

static int setup(trainer *tr)
{
    tr->model = make_model();
    tr->n_params = tr->model ? tg_module_parameters(tr->model, tr->params, MAX_PARAMS) : -1;
    /* eps 1e-6, not 1e-8: the key projection's bias has no gradient in
       exact arithmetic (softmax ignores a shift of a query's scores), only
       rounding noise near 1e-10, which Adam's m / (sqrt(v) + eps) would
       turn into steps of +-lr, different noise in each library. */
    tg_adam_opts adamw = tg_adamw_defaults();
    adamw.lr = 3e-3;
    adamw.eps = 1e-6;
    tr->opt = tr->n_params > 0 ? tg_adamw(tr->params, tr->n_params, adamw) : NULL;
    tr->schedule = tr->opt ? tg_cosine_annealing_lr(tr->opt, STEPS, 0) : NULL;
    tr->causal_mask = tg_retain(tg_triu(tg_full(TG_SHAPE(SEQ, SEQ), -INFINITY, TG_F32), 1));
    return tr->schedule && tr->causal_mask ? 0 : -1;
}

int main(void)
{
    trainer tr = {0};
    int rc = setup(&tr);
    if (rc == 0) tg_module_print(tr.model);
    for (int step = 0; rc == 0 && step < STEPS; step++) rc = train_step(&tr, step);
    if (rc == 0) rc = evaluate(&tr);
    if (rc == 0) rc = print_weights(tr.model);
    if (rc != 0) printf("error: %s\n", tg_last_error());
    if (tr.causal_mask) tg_release(tr.causal_mask);
    tg_scheduler_free(tr.schedule);
    tg_optimizer_free(tr.opt);
    tg_module_free(tr.model);
    return rc == 0 ? 0 : 1;
}
