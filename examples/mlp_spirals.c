/* A classifier on three interleaved spirals of 2-D points: an MLP of
   Linear and ReLU layers trained on the whole set with Adam and cross
   entropy, one scope per step. It prints the accuracy and draws two SVG
   pictures with plain fprintf: the loss curve and the decision regions
   with the points.

       mlp_spirals [loss.svg [regions.svg]]   (default: spirals_loss.svg,
                                               spirals_regions.svg here) */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <tensorgrad.h>

#include "progress.h"
#include "spirals.h"

enum { STEPS = 500, REPORT_EVERY = 25 };
enum { GRID = 100, PICTURE = 400 };   /* decision-region cells per side, picture size in pixels */

static const char *const COLORS[CLASSES] = {"#d62728", "#1f77b4", "#2ca02c"};
static const char *const LIGHT_COLORS[CLASSES] = {"#f4c2c2", "#c6dbef", "#c7e9c0"};

static tg_module *make_model(void)
{
    tg_module *layers[] = {tg_nn_linear(2, 64, true), tg_nn_relu(), tg_nn_linear(64, 64, true), tg_nn_relu(),
                           tg_nn_linear(64, CLASSES, true)};
    return tg_nn_sequential(layers, 5);   /* owns its layers, also when it fails */
}

/* The predicted class of each row of points (n x 2), into out (n values). */
static int predict(tg_module *model, tg_tensor *points, double *out)
{
    int rc = -1;
    TG_NO_GRAD {
        tg_scope_begin();
        rc = tg_copy_to_f64(tg_argmax(tg_module_forward(model, points), 1, false), out);
        tg_scope_end();
    }
    return rc;
}

static FILE *svg_open(const char *path, int width, int height)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        return NULL;
    }
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">\n",
            width, height, width, height);
    fprintf(f, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n", width, height);
    return f;
}

static int svg_close(FILE *f)
{
    fprintf(f, "</svg>\n");
    return fclose(f) == 0 ? 0 : -1;
}

/* The loss per step as a line, steps along x, loss (0 to its maximum) up y. */
static int write_loss_svg(const char *path, const float *losses, int n)
{
    const int width = 600, height = 300, margin = 40;
    FILE *f = svg_open(path, width, height);
    if (!f) return -1;
    float top = 0;
    for (int i = 0; i < n; i++) top = losses[i] > top ? losses[i] : top;
    fprintf(f, "<path d=\"M%d %d V%d H%d\" stroke=\"black\" fill=\"none\"/>\n", margin, margin, height - margin,
            width - margin);
    fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"12\">loss %.2f</text>\n", 4, margin - 8, top);
    fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"end\">step %d</text>\n", width - margin,
            height - margin + 16, n);
    fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"", COLORS[1]);
    for (int i = 0; i < n; i++) {
        double x = margin + (double)(width - 2 * margin) * i / (n > 1 ? n - 1 : 1);
        double y = height - margin - (height - 2 * margin) * (top > 0 ? losses[i] / top : 0);
        fprintf(f, "%.1f,%.1f ", x, y);
    }
    fprintf(f, "\"/>\n");
    return svg_close(f);
}

/* Plane coordinate (-1.1 to 1.1) to pixel, y pointing up. */
static double to_pixel(double v, bool is_y)
{
    double p = (v + 1.1) / 2.2 * PICTURE;
    return is_y ? PICTURE - p : p;
}

/* A GRID x GRID mosaic of the predicted class over the plane, the points on top. */
static int write_regions_svg(const char *path, tg_module *model, const float *xy, const int64_t *labels)
{
    static float cells[GRID * GRID * 2];
    static double predicted[GRID * GRID];
    for (int row = 0; row < GRID; row++) {
        for (int col = 0; col < GRID; col++) {
            cells[2 * (row * GRID + col)] = (float)(-1.1 + 2.2 * (col + 0.5) / GRID);
            cells[2 * (row * GRID + col) + 1] = (float)(1.1 - 2.2 * (row + 0.5) / GRID);
        }
    }
    tg_scope_begin();
    int rc = predict(model, tg_from_f32(cells, TG_SHAPE(GRID * GRID, 2)), predicted);
    tg_scope_end();
    if (rc != 0) return -1;
    FILE *f = svg_open(path, PICTURE, PICTURE);
    if (!f) return -1;
    double cell = (double)PICTURE / GRID;
    for (int row = 0; row < GRID; row++) {
        for (int col = 0, run; col < GRID; col += run) {   /* one rectangle per run of a class along the row */
            const double *first = &predicted[row * GRID + col];
            for (run = 1; col + run < GRID && first[run] == first[0]; run++) {}
            fprintf(f, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\"/>\n", col * cell,
                    row * cell, run * cell + 0.05, cell + 0.05, LIGHT_COLORS[(int)first[0]]);
        }
    }
    for (int k = 0; k < POINTS; k++)
        fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\" stroke=\"black\" stroke-width=\"0.5\"/>\n",
                to_pixel(xy[2 * k], false), to_pixel(xy[2 * k + 1], true), COLORS[labels[k]]);
    return svg_close(f);
}

static int fail(void)
{
    fprintf(stderr, "%s\n", tg_last_error());
    return 1;
}

int main(int argc, char **argv)
{
    const char *loss_path = argc > 1 ? argv[1] : "spirals_loss.svg";
    const char *regions_path = argc > 2 ? argv[2] : "spirals_regions.svg";
    static float xy[POINTS * 2];
    static int64_t labels[POINTS];
    if (make_spirals(7, xy, labels) != 0) return fail();

    tg_manual_seed(0);   /* the layers' initial weights */
    tg_module *model = make_model();
    if (!model) return fail();
    tg_tensor *x = tg_retain(tg_from_f32(xy, TG_SHAPE(POINTS, 2)));
    tg_tensor *y = tg_retain(tg_from_i64(labels, TG_SHAPE(POINTS)));
    tg_tensor *params[6];
    int n = tg_module_parameters(model, params, 6);
    tg_adam_opts adam = tg_adam_defaults();
    adam.lr = 0.01;
    tg_optimizer *opt = tg_adam(params, n, adam);
    if (!x || !y || !opt) return fail();

    static float losses[STEPS];
    progress bar = progress_start(STEPS);
    for (int step = 0; step < STEPS; step++) {
        tg_scope_begin();
        tg_tensor *loss = tg_cross_entropy(tg_module_forward(model, x), y);
        tg_optimizer_zero_grad(opt);
        if (tg_backward(loss, NULL) != 0 || tg_optimizer_step(opt) != 0) return fail();
        losses[step] = (float)tg_item(loss);
        if ((step + 1) % REPORT_EVERY == 0) progress_show(&bar, step + 1, losses[step]);
        tg_scope_end();
    }

    static double predicted[POINTS];
    if (predict(model, x, predicted) != 0) return fail();
    int correct = 0;
    for (int k = 0; k < POINTS; k++) correct += predicted[k] == (double)labels[k];
    printf("accuracy: %.3f (%d of %d points)\n", (double)correct / POINTS, correct, POINTS);

    if (write_loss_svg(loss_path, losses, STEPS) != 0 || write_regions_svg(regions_path, model, xy, labels) != 0)
        return 1;
    printf("wrote %s and %s\n", loss_path, regions_path);

    tg_optimizer_free(opt);
    tg_module_free(model);
    tg_release(x);
    tg_release(y);
    return 0;
}
