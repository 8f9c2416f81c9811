/* embedding (plain, padding_idx, scale_grad_by_freq; 0-d, 1-D, 2-D and
   int32 indices; f32 and f64, non-contiguous weights), its second
   derivatives, and one_hot, with PyTorch's errors. Prints what
   nn_embedding.py prints with PyTorch. */
#include <tensorgrad.h>

#include <stdio.h>

#include "nn_data.h"
#include "oracle.h"

#define IDX(shape, ...) tg_from_i64(I64(__VA_ARGS__), shape)
static tg_embedding_opts padding(int64_t idx) { return (tg_embedding_opts){.has_padding_idx = true, .padding_idx = idx}; }

static void embedding_case(const char *label, const tg_tensor *indices, tg_tensor *w, tg_embedding_opts opts)
{
    check_strided(label, tg_embedding_ex(indices, w, opts), &w, 1);
}

/* The gradient of sum(embedding^2 * weights) with a graph, and the
   gradient of the sum of its squares: through EmbeddingDenseBackward0. */
static void second_order(const char *label, const tg_tensor *indices, tg_tensor *w, tg_embedding_opts opts)
{
    tg_tensor *y = tg_embedding_ex(indices, w, opts);
    tg_tensor *out = tg_sum(tg_mul(tg_mul(y, y), weights(y)));
    tg_tensor *g = NULL, *h = NULL;
    if (tg_autograd_grad(&out, 1, &w, 1, NULL, (tg_backward_opts){.create_graph = true, .retain_graph = true}, &g)) {
        printf("%s error: %s\n", label, tg_last_error());
        return;
    }
    char buf[128];
    snprintf(buf, sizeof buf, "%s d", label);
    show(buf, tg_detach(g));
    tg_tensor *total = tg_sum(tg_mul(g, g));
    if (tg_autograd_grad(&total, 1, &w, 1, NULL, (tg_backward_opts){0}, &h)) {
        printf("%s second error: %s\n", label, tg_last_error());
        return;
    }
    snprintf(buf, sizeof buf, "%s dd", label);
    show(buf, h);
}

static void embedding_cases(void)
{
    tg_embedding_opts plain = {0};
    SCOPED(embedding_case("embedding 2-D", IDX(TG_SHAPE(2, 3), 0, 2, 4, 2, 2, 1), leaf(data(5, 1, TG_SHAPE(5, 3))), plain));
    SCOPED(embedding_case("embedding 1-D", IDX(TG_SHAPE(4), 3, 3, 0, 1), leaf(data(5, 1, TG_SHAPE(5, 3))), plain));
    SCOPED(embedding_case("embedding 0-d", IDX(TG_SHAPE(), 3), leaf(data(5, 1, TG_SHAPE(5, 3))), plain));
    SCOPED(embedding_case("embedding empty", tg_zeros(TG_SHAPE(0), TG_I64), leaf(data(5, 1, TG_SHAPE(5, 3))), plain));
    SCOPED(embedding_case("embedding empty 2-D", tg_zeros(TG_SHAPE(2, 0), TG_I64), leaf(data(5, 1, TG_SHAPE(5, 3))), plain));
    SCOPED(embedding_case("embedding int32", tg_to(IDX(TG_SHAPE(3), 4, 0, 4), TG_I32), leaf(data(5, 1, TG_SHAPE(5, 3))), plain));
    SCOPED(embedding_case("embedding padding 2", IDX(TG_SHAPE(2, 3), 0, 2, 4, 2, 2, 1), leaf(data(5, 1, TG_SHAPE(5, 3))), padding(2)));
    SCOPED(embedding_case("embedding padding -1", IDX(TG_SHAPE(2, 3), 0, 2, 4, 2, 2, 1), leaf(data(5, 1, TG_SHAPE(5, 3))), padding(-1)));
    SCOPED(embedding_case("embedding padding 0", IDX(TG_SHAPE(2, 3), 0, 2, 4, 2, 2, 1), leaf(data(5, 1, TG_SHAPE(5, 3))), padding(0)));
    SCOPED(embedding_case("embedding freq", IDX(TG_SHAPE(2, 3), 0, 2, 4, 2, 2, 1), leaf(data(5, 1, TG_SHAPE(5, 3))),
                          (tg_embedding_opts){.scale_grad_by_freq = true}));
    SCOPED(embedding_case("embedding freq padding", IDX(TG_SHAPE(2, 3), 0, 2, 4, 2, 2, 1), leaf(data(5, 1, TG_SHAPE(5, 3))),
                          (tg_embedding_opts){.has_padding_idx = true, .padding_idx = 4, .scale_grad_by_freq = true}));
    SCOPED({
        tg_tensor *w = leaf64(data(5, 1, TG_SHAPE(3, 5)));
        check_strided("embedding f64 transposed", tg_embedding(IDX(TG_SHAPE(2, 2), 1, 4, 0, 4), tg_t(w)), &w, 1);
    });
    SCOPED({
        tg_tensor *w = leaf(data(5, 1, TG_SHAPE(5, 3)));
        tg_tensor *idx = tg_t(IDX(TG_SHAPE(2, 3), 0, 2, 4, 2, 2, 1));
        check_strided("embedding transposed indices", tg_embedding(idx, w), &w, 1);
    });
    SCOPED({
        tg_tensor *w = leaf(data(5, 1, TG_SHAPE(5, 3)));
        check_strided("embedding of a non-leaf", tg_embedding(IDX(TG_SHAPE(3), 1, 1, 0), tg_mul_scalar(w, 2)), &w, 1);
    });
    SCOPED(show("embedding i64 weight", tg_embedding(IDX(TG_SHAPE(2), 1, 0), tg_to(data(5, 1, TG_SHAPE(5, 2)), TG_I64))));
    SCOPED(second_order("embedding second order", IDX(TG_SHAPE(2, 2), 1, 3, 3, 0), leaf64(data(5, 1, TG_SHAPE(4, 2))), plain));
    SCOPED(second_order("embedding padding second order", IDX(TG_SHAPE(2, 2), 1, 3, 3, 0), leaf64(data(5, 1, TG_SHAPE(4, 2))),
                        padding(3)));
    SCOPED(second_order("embedding freq second order", IDX(TG_SHAPE(2, 2), 1, 3, 3, 0), leaf64(data(5, 1, TG_SHAPE(4, 2))),
                        (tg_embedding_opts){.scale_grad_by_freq = true}));
    SCOPED({
        tg_tensor *w = leaf(data(5, 1, TG_SHAPE(4, 2)));
        tg_tensor *y = tg_embedding(IDX(TG_SHAPE(2), 1, 1), w);
        tg_tensor *g = NULL;
        tg_autograd_grad(&y, 1, &w, 1, (tg_tensor *[]){leaf(weights(y))}, (tg_backward_opts){.create_graph = true}, &g);
        graph("embedding backward", g);
    });
}

static void embedding_errors(void)
{
    tg_tensor *w = tg_ones(TG_SHAPE(5, 3), TG_F32);
    ATTEMPT("embedding index 5", tg_embedding(IDX(TG_SHAPE(1), 5), w));
    ATTEMPT("embedding index -1", tg_embedding(IDX(TG_SHAPE(1), -1), w));
    ATTEMPT("embedding float index", tg_embedding(tg_ones(TG_SHAPE(1), TG_F32), w));
    ATTEMPT("embedding bool index", tg_embedding(tg_ones(TG_SHAPE(1), TG_BOOL), w));
    ATTEMPT("embedding 1-D weight", tg_embedding(IDX(TG_SHAPE(1), 1), tg_ones(TG_SHAPE(5), TG_F32)));
    ATTEMPT("embedding 3-D weight", tg_embedding(IDX(TG_SHAPE(1), 1), tg_ones(TG_SHAPE(5, 2, 2), TG_F32)));
    ATTEMPT("embedding 1-D weight float index", tg_embedding(tg_ones(TG_SHAPE(1), TG_F32), tg_ones(TG_SHAPE(5), TG_F32)));
    ATTEMPT("embedding padding 5", tg_embedding_ex(IDX(TG_SHAPE(1), 1), w, padding(5)));
    ATTEMPT("embedding padding -6", tg_embedding_ex(IDX(TG_SHAPE(1), 1), w, padding(-6)));
    ATTEMPT("embedding padding -5", tg_embedding_ex(IDX(TG_SHAPE(1), 0), w, padding(-5)));
    ATTEMPT("embedding NULL weight", tg_embedding(IDX(TG_SHAPE(1), 0), NULL));
    ATTEMPT("embedding_ex NULL indices", tg_embedding_ex(NULL, w, padding(0)));
    ATTEMPT("one_hot NULL", tg_one_hot(NULL, 3));
    ATTEMPT("embedding empty weight", tg_embedding(IDX(TG_SHAPE(1), 0), tg_ones(TG_SHAPE(0, 3), TG_F32)));
    SCOPED({
        tg_tensor *wl = leaf(tg_ones(TG_SHAPE(5, 3), TG_F32));
        tg_tensor *idx = IDX(TG_SHAPE(2), 1, 2);
        tg_tensor *y = tg_embedding(idx, wl);
        tg_fill_(idx, 0);
        printf("embedding indices changed: %s\n", tg_backward(tg_sum(y), NULL) ? tg_last_error() : "no error");
    });
}

static void one_hot_cases(void)
{
    ATTEMPT("one_hot", tg_one_hot(IDX(TG_SHAPE(3), 0, 3, 1), -1));
    ATTEMPT("one_hot 5", tg_one_hot(IDX(TG_SHAPE(3), 0, 3, 1), 5));
    SCOPED(show("one_hot transposed", tg_one_hot(tg_t(IDX(TG_SHAPE(2, 2), 0, 3, 1, 1)), 5));
           printf("one_hot transposed stride: ");
           print_strides(tg_one_hot(tg_t(IDX(TG_SHAPE(2, 2), 0, 3, 1, 1)), 5));
           printf("\n"));
    ATTEMPT("one_hot 0-d", tg_one_hot(IDX(TG_SHAPE(), 2), 3));
    ATTEMPT("one_hot 0-d inferred", tg_one_hot(IDX(TG_SHAPE(), 2), -1));
    ATTEMPT("one_hot empty", tg_one_hot(tg_zeros(TG_SHAPE(0), TG_I64), 3));
    ATTEMPT("one_hot empty 2-D", tg_one_hot(tg_zeros(TG_SHAPE(2, 0), TG_I64), 4));
    ATTEMPT("one_hot too small", tg_one_hot(IDX(TG_SHAPE(3), 0, 3, 1), 3));
    ATTEMPT("one_hot negative", tg_one_hot(IDX(TG_SHAPE(3), 0, -1, 1), 3));
    ATTEMPT("one_hot negative inferred", tg_one_hot(IDX(TG_SHAPE(3), 0, -1, 1), -1));
    ATTEMPT("one_hot -2", tg_one_hot(IDX(TG_SHAPE(2), 0, 1), -2));
    ATTEMPT("one_hot 0 classes", tg_one_hot(IDX(TG_SHAPE(2), 0, 1), 0));
    ATTEMPT("one_hot float", tg_one_hot(tg_ones(TG_SHAPE(2), TG_F32), 3));
    ATTEMPT("one_hot int32", tg_one_hot(tg_ones(TG_SHAPE(2), TG_I32), 3));
    ATTEMPT("one_hot empty inferred", tg_one_hot(tg_zeros(TG_SHAPE(0), TG_I64), -1));
    ATTEMPT("one_hot empty 0 classes", tg_one_hot(tg_zeros(TG_SHAPE(0), TG_I64), 0));
}

int main(void)
{
    embedding_cases();
    embedding_errors();
    one_hot_cases();
    return 0;
}
