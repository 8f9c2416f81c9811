/* clip_grad_norm_ (norm types 2, 1, 3 and inf; clipping and not;
   float32, float64 and both mixed; a parameter without a gradient; none
   with one) and clip_grad_value_. Prints what optim_clip.py prints with
   PyTorch. */
#include <tensorgrad.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "oracle.h"
#include "optim_common.h"

/* Parameters with gradients ((i * 29) % 17 - 8) / 4, and one without. */
static void clip_params(const tg_dtype *dtypes, tg_tensor **ps)
{
    const int sizes[] = {35, 3};
    for (int i = 0; i < 2; i++) {
        ps[i] = leaf(values(sizes[i], 37, 23, 11, 8.0, dtypes[i]));
        tg_backward(tg_sum(tg_mul(ps[i], values(sizes[i], 29, 17, 8, 4.0, dtypes[i]))), NULL);
    }
    ps[2] = leaf(tg_zeros(TG_SHAPE(2), TG_F32));
}

/* Python's str of a float, for the labels. */
static const char *num(double v, char *buf)
{
    if (isinf(v)) return "inf";
    snprintf(buf, 32, "%.1f", v);
    return buf;
}

static void grads_row(const char *label, tg_tensor **ps, int n)
{
    tg_tensor *g[2];
    for (int i = 0; i < n; i++) g[i] = tg_grad(ps[i]);
    row(label, g, n);
}

int main(void)
{
    const double cases[][2] = {{1.0, 2.0}, {100.0, 2.0}, {1.0, 1.0}, {5.0, 3.0}, {1.0, INFINITY},
                               {1000.0, INFINITY}};
    const tg_dtype dtypes[][2] = {{TG_F32, TG_F32}, {TG_F64, TG_F64}, {TG_F32, TG_F64}};
    for (int d = 0; d < 3; d++) {
        const char *d0 = tg_dtype_name(dtypes[d][0]) + 6, *d1 = tg_dtype_name(dtypes[d][1]) + 6;
        for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
            tg_tensor *ps[3];
            clip_params(dtypes[d], ps);
            double total = NAN;
            char label[128], b0[32], b1[32];
            if (tg_clip_grad_norm_(ps, 3, cases[c][0], cases[c][1], &total) != 0) printf("error: %s\n", tg_last_error());
            snprintf(label, sizeof label, "clip_grad_norm_ %s %s %s %s", d0, d1, num(cases[c][0], b0), num(cases[c][1], b1));
            printf("%s total: %.17g\n", label, total);
            snprintf(label + strlen(label), sizeof label - strlen(label), " grads:");
            grads_row(label, ps, 2);
        }
        tg_tensor *ps[3];
        clip_params(dtypes[d], ps);
        double total = NAN;
        tg_clip_grad_norm_(&ps[1], 1, 0.1, 2.0, &total);
        printf("one param total: %.17g\n", total);
        grads_row("one param grad:", &ps[1], 1);
        clip_params(dtypes[d], ps);
        if (tg_clip_grad_value_(ps, 3, 0.75) != 0) printf("error: %s\n", tg_last_error());
        char label[64];
        snprintf(label, sizeof label, "clip_grad_value_ %s %s:", d0, d1);
        grads_row(label, ps, 2);
    }
    double total = NAN;
    tg_clip_grad_norm_((tg_tensor *[]){leaf(tg_zeros(TG_SHAPE(2), TG_F32))}, 1, 1.0, 2.0, &total);
    printf("no grads total: %.17g\n", total);
    return 0;
}
