/* A small convolutional network reading digits. The digits are drawn here:
   each of 0-9 from a 5 x 7 bitmap font into a 16 x 16 grey image, at a
   random size, slant, position and stroke width, with noise, all from a
   seeded tg_generator. The network (Conv2d, BatchNorm2d, ReLU, MaxPool2d,
   Dropout, Linear) trains on mini-batches shuffled each epoch with
   tg_randperm, by SGD with momentum, one scope per step; it then reads
   digits it has not seen, prints its accuracy on them and saves its
   weights as a safetensors file, under PyTorch's state_dict names.

       cnn_digits [--steps N] [weights.safetensors]
           (default: every step of the run; cnn_digits.safetensors here) */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tensorgrad.h>

#include "progress.h"

enum { SIDE = 16, PIXELS = SIDE * SIDE, CLASSES = 10 };
enum { TRAIN = 4096, HELD_OUT = 1000, DIGITS = TRAIN + HELD_OUT };
enum { BATCH = 64, EPOCHS = 5, STEPS_PER_EPOCH = TRAIN / BATCH, STEPS = EPOCHS * STEPS_PER_EPOCH };
enum { REPORT_EVERY = 16 };
enum { FONT_W = 5, FONT_H = 7 };

static const char *const FONT[CLASSES][FONT_H] = {
    {".###.", "#...#", "#..##", "#.#.#", "##..#", "#...#", ".###."},
    {"..#..", ".##..", "..#..", "..#..", "..#..", "..#..", ".###."},
    {".###.", "#...#", "....#", "...#.", "..#..", ".#...", "#####"},
    {"#####", "...#.", "..#..", "...#.", "....#", "#...#", ".###."},
    {"...#.", "..##.", ".#.#.", "#..#.", "#####", "...#.", "...#."},
    {"#####", "#....", "####.", "....#", "....#", "#...#", ".###."},
    {"..##.", ".#...", "#....", "####.", "#...#", "#...#", ".###."},
    {"#####", "....#", "...#.", "..#..", ".#...", ".#...", ".#..."},
    {".###.", "#...#", "#...#", ".###.", "#...#", "#...#", ".###."},
    {".###.", "#...#", "#...#", ".####", "....#", "...#.", ".##.."},
};

/* How one digit is drawn, each field from a uniform draw u in [0, 1). */
typedef struct style {
    double scale;    /* pixels per font cell */
    double slant;    /* font cells moved right per cell up */
    double dx, dy;   /* the glyph's centre off the image's, in pixels */
    double radius;   /* stroke radius around each set cell's centre, in cells */
    double ink;      /* brightness of the strokes */
} style;

static style style_from(const double u[6])
{
    style s = {.scale = 1.55 + 0.45 * u[0], .slant = 0.35 * (2 * u[1] - 1), .radius = 0.5 + 0.35 * u[4],
               .ink = 0.6 + 0.4 * u[5]};
    /* How far the glyph may move and stay inside (a pixel across kept for the slant). */
    double room_x = (SIDE - FONT_W * s.scale) / 2 - 1, room_y = (SIDE - FONT_H * s.scale) / 2;
    s.dx = (room_x > 0 ? room_x : 0) * (2 * u[2] - 1);
    s.dy = (room_y > 0 ? room_y : 0) * (2 * u[3] - 1);
    return s;
}

/* Draws `digit` into image (PIXELS values): a pixel's brightness falls
   from ink to 0 over about one pixel at the edge of the strokes, the
   strokes being discs around the set cells of the glyph. Then noise. */
static void draw_digit(int digit, const style *s, const double *noise, float *image)
{
    for (int py = 0; py < SIDE; py++) {
        for (int px = 0; px < SIDE; px++) {
            /* The pixel's centre in font cells, (0, 0) the glyph's top left. */
            double v = (py + 0.5 - SIDE / 2.0 - s->dy) / s->scale + FONT_H / 2.0;
            double u = (px + 0.5 - SIDE / 2.0 - s->dx) / s->scale + FONT_W / 2.0 + s->slant * (v - FONT_H / 2.0);
            double nearest = INFINITY;   /* squared distance to the nearest set cell's centre */
            for (int row = 0; row < FONT_H; row++) {
                for (int col = 0; col < FONT_W; col++) {
                    double du = u - (col + 0.5), dv = v - (row + 0.5), d = du * du + dv * dv;
                    if (FONT[digit][row][col] == '#' && d < nearest) nearest = d;
                }
            }
            double coverage = (s->radius - sqrt(nearest)) * s->scale + 0.5;
            coverage = coverage < 0 ? 0 : coverage > 1 ? 1 : coverage;
            image[py * SIDE + px] = (float)(s->ink * coverage + 0.15 * noise[py * SIDE + px]);
        }
    }
}

/* DIGITS images (DIGITS x 1 x SIDE x SIDE) and their labels, digit k being k % 10. */
static int make_digits(uint64_t seed, float *images, int64_t *labels)
{
    static double styles[DIGITS * 6], noise[DIGITS * PIXELS];
    tg_generator *gen = tg_generator_new(seed);
    int rc = tg_copy_to_f64(tg_rand_gen(TG_SHAPE(DIGITS, 6), TG_F64, gen), styles);
    if (rc == 0) rc = tg_copy_to_f64(tg_randn_gen(TG_SHAPE(DIGITS, PIXELS), TG_F64, gen), noise);
    tg_generator_free(gen);
    if (rc != 0) return -1;
    for (int k = 0; k < DIGITS; k++) {
        style s = style_from(&styles[6 * k]);
        labels[k] = k % CLASSES;
        draw_digit(k % CLASSES, &s, &noise[k * PIXELS], &images[k * PIXELS]);
    }
    return 0;
}

/* 1 x 16 x 16 -> 8 x 8 x 8 -> 16 x 4 x 4 -> 10 class scores. */
static tg_module *make_model(void)
{
    tg_conv_opts same = {.padding = {1, 1}};
    tg_pool_opts halve = {.kernel_size = {2, 2}};
    tg_module *layers[] = {
        tg_nn_conv2d(1, 8, 3, 3, same, false), tg_nn_batch_norm2d(8, 1e-5, 0.1, true, true), tg_nn_relu(),
        tg_nn_max_pool2d(halve),
        tg_nn_conv2d(8, 16, 3, 3, same, true), tg_nn_relu(), tg_nn_max_pool2d(halve),
        tg_nn_flatten(1, -1), tg_nn_dropout(0.2), tg_nn_linear(16 * 4 * 4, CLASSES, true),
    };
    return tg_nn_sequential(layers, (int)(sizeof layers / sizeof layers[0]));   /* owns them, also when it fails */
}

/* The fraction of the n images (n x 1 x SIDE x SIDE) whose predicted class is their label. */
static double accuracy(tg_module *model, tg_tensor *images, const int64_t *labels, int n)
{
    static double predicted[DIGITS];
    int rc = -1;
    TG_NO_GRAD {
        tg_scope_begin();
        rc = tg_copy_to_f64(tg_argmax(tg_module_forward(model, images), 1, false), predicted);
        tg_scope_end();
    }
    if (rc != 0) return -1;
    int correct = 0;
    for (int k = 0; k < n; k++) correct += predicted[k] == (double)labels[k];
    return (double)correct / n;
}

static int fail(void)
{
    fprintf(stderr, "%s\n", tg_last_error());
    return 1;
}

int main(int argc, char **argv)
{
    int steps = STEPS;
    const char *weights_path = "cnn_digits.safetensors";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--steps") == 0 && i + 1 < argc) {
            steps = atoi(argv[++i]);
            if (steps < 1 || steps > STEPS) {
                fprintf(stderr, "cnn_digits: --steps takes 1 to %d\n", STEPS);
                return 2;
            }
        } else {
            weights_path = argv[i];
        }
    }

    static float images[DIGITS * PIXELS];
    static int64_t labels[DIGITS];
    if (make_digits(11, images, labels) != 0) return fail();
    /* The first TRAIN digits to learn from, the rest held out. */
    tg_tensor *train_x = tg_retain(tg_from_f32(images, TG_SHAPE(TRAIN, 1, SIDE, SIDE)));
    tg_tensor *train_y = tg_retain(tg_from_i64(labels, TG_SHAPE(TRAIN)));
    tg_tensor *held_out_x = tg_retain(tg_from_f32(&images[TRAIN * PIXELS], TG_SHAPE(HELD_OUT, 1, SIDE, SIDE)));

    tg_manual_seed(0);   /* the layers' initial weights and the dropout masks */
    tg_module *model = make_model();
    if (!model) return fail();
    tg_module_print(model);
    printf("\nparameters: %lld\n", (long long)tg_module_parameter_count(model, true));
    tg_tensor *params[8];
    int n = tg_module_parameters(model, params, 8);
    tg_optimizer *opt = tg_sgd(params, n, (tg_sgd_opts){.lr = 0.05, .momentum = 0.9});
    tg_generator *shuffler = tg_generator_new(1);
    if (!train_x || !train_y || !held_out_x || !opt || !shuffler) return fail();

    tg_tensor *order = NULL;   /* this epoch's order of the training digits */
    progress bar = progress_start(steps);
    for (int step = 0; step < steps; step++) {
        int batch = step % STEPS_PER_EPOCH;
        if (batch == 0) {
            tg_release(order);
            order = tg_retain(tg_randperm_gen(TRAIN, shuffler));
        }
        tg_scope_begin();
        tg_tensor *chosen = tg_narrow(order, 0, (int64_t)batch * BATCH, BATCH);
        tg_tensor *x = tg_index_select(train_x, 0, chosen), *y = tg_index_select(train_y, 0, chosen);
        tg_tensor *loss = tg_cross_entropy(tg_module_forward(model, x), y);
        tg_optimizer_zero_grad(opt);
        if (tg_backward(loss, NULL) != 0 || tg_optimizer_step(opt) != 0) return fail();
        if ((step + 1) % REPORT_EVERY == 0 || step + 1 == steps) progress_show(&bar, step + 1, tg_item(loss));
        tg_scope_end();
    }

    tg_module_train(model, false);   /* BatchNorm's running statistics, no dropout */
    double held_out = accuracy(model, held_out_x, &labels[TRAIN], HELD_OUT);
    if (held_out < 0) return fail();
    printf("held-out accuracy: %.3f (%d of %d digits)\n", held_out, (int)lround(held_out * HELD_OUT), HELD_OUT);

    tg_dict *state = tg_module_state_dict(model);
    if (!state || tg_save_safetensors(state, weights_path) != 0) return fail();
    printf("wrote %d tensors to %s\n", tg_dict_len(state), weights_path);

    tg_dict_free(state);
    tg_generator_free(shuffler);
    tg_optimizer_free(opt);
    tg_module_free(model);
    tg_release(order);
    tg_release(train_x);
    tg_release(train_y);
    tg_release(held_out_x);
    return 0;
}
