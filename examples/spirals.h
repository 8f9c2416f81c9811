/* The examples' data set: three interleaved spirals of 2-D points
   (mlp_spirals.c, ddp_train.c). */
#ifndef TG_EXAMPLES_SPIRALS_H
#define TG_EXAMPLES_SPIRALS_H

#include <math.h>
#include <tensorgrad.h>

enum { CLASSES = 3, PER_CLASS = 100, POINTS = CLASSES * PER_CLASS };

/* Point i of class c sits at radius r = i / PER_CLASS and angle 4 (c + r)
   plus noise, so each class winds once around the origin. */
static inline int make_spirals(uint64_t seed, float *xy, int64_t *labels)
{
    tg_generator *gen = tg_generator_new(seed);
    double noise[POINTS];
    int rc = tg_copy_to_f64(tg_randn_gen(TG_SHAPE(POINTS), TG_F64, gen), noise);
    tg_generator_free(gen);
    if (rc != 0) return -1;
    for (int c = 0; c < CLASSES; c++) {
        for (int i = 0; i < PER_CLASS; i++) {
            int k = c * PER_CLASS + i;
            double r = (double)i / PER_CLASS, angle = 4.0 * (c + r) + 0.2 * noise[k];
            xy[2 * k] = (float)(r * sin(angle));
            xy[2 * k + 1] = (float)(r * cos(angle));
            labels[k] = c;
        }
    }
    return 0;
}

#endif
