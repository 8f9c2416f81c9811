/* The complex print battery: tg_print of complex64 and complex128 tensors
   of every shape and mode (each part's own formatter, int and scientific
   modes, nan and inf parts, signed zeros, line wrapping, summarization,
   suffixes), compared with Python's print by print_complex.py. */
#include <tensorgrad.h>

#include <math.h>
#include <stdio.h>

#include "oracle.h"

typedef struct print_case {
    const char *label;
    tg_dtype dtype;
    int ndim;
    int64_t shape[4];
    int n;
    const double *pairs;   /* interleaved (real, imaginary) */
} print_case;

static const print_case CASES[] = {
    {"scalar 1+2j", TG_C64, 0, {}, 1, (const double[]){1.0, 2.0}},
    {"scalar 0", TG_C64, 0, {}, 1, (const double[]){0.0, 0.0}},
    {"scalar -0-0j", TG_C64, 0, {}, 1, (const double[]){-0.0, -0.0}},
    {"scalar nan", TG_C64, 0, {}, 1, (const double[]){NAN, NAN}},
    {"scalar inf-infj", TG_C64, 0, {}, 1, (const double[]){INFINITY, -INFINITY}},
    {"scalar 1e-5+1j", TG_C64, 0, {}, 1, (const double[]){1e-05, 1.0}},
    {"scalar 3.5-0j", TG_C64, 0, {}, 1, (const double[]){3.5, -0.0}},
    {"scalar -2.25+0.5j", TG_C64, 0, {}, 1, (const double[]){-2.25, 0.5}},
    {"scalar 1e9j", TG_C64, 0, {}, 1, (const double[]){0.0, 1000000000.0}},
    {"scalar c128", TG_C128, 0, {}, 1, (const double[]){2.5, 10000000000.0}},
    {"scalar c128 thirds", TG_C128, 0, {}, 1, (const double[]){1.0/3, -2.0/3}},
    {"ints", TG_C64, 1, {2}, 2, (const double[]){1.0, 2.0, 0.0, -1.0}},
    {"ints c128", TG_C128, 1, {2}, 2, (const double[]){1.0, 2.0, 0.0, -1.0}},
    {"ints wide", TG_C64, 1, {2}, 2, (const double[]){100.0, -3.0, -7.0, 25.0}},
    {"ints wide c128", TG_C128, 1, {2}, 2, (const double[]){100.0, -3.0, -7.0, 25.0}},
    {"real float imag int", TG_C64, 1, {2}, 2, (const double[]){1.5, 2.0, 0.25, -1.0}},
    {"real float imag int c128", TG_C128, 1, {2}, 2, (const double[]){1.5, 2.0, 0.25, -1.0}},
    {"real int imag float", TG_C64, 1, {2}, 2, (const double[]){1.0, 2.5, -3.0, 0.125}},
    {"real int imag float c128", TG_C128, 1, {2}, 2, (const double[]){1.0, 2.5, -3.0, 0.125}},
    {"both float", TG_C64, 1, {2}, 2, (const double[]){1.5, 2.25, -3.125, 0.5}},
    {"both float c128", TG_C128, 1, {2}, 2, (const double[]){1.5, 2.25, -3.125, 0.5}},
    {"imag sci", TG_C64, 1, {2}, 2, (const double[]){1.0, 1e-05, 2.0, 3.0}},
    {"imag sci c128", TG_C128, 1, {2}, 2, (const double[]){1.0, 1e-05, 2.0, 3.0}},
    {"real sci", TG_C64, 1, {2}, 2, (const double[]){1e-05, 1.0, 2.0, 3.0}},
    {"real sci c128", TG_C128, 1, {2}, 2, (const double[]){1e-05, 1.0, 2.0, 3.0}},
    {"both sci", TG_C64, 1, {2}, 2, (const double[]){1e-05, 1000000000.0, 20000000000.0, 3e-07}},
    {"both sci c128", TG_C128, 1, {2}, 2, (const double[]){1e-05, 1000000000.0, 20000000000.0, 3e-07}},
    {"real 1e8", TG_C64, 1, {2}, 2, (const double[]){100000000.0, 1.0, 1.0, 1.0}},
    {"real 1e8 c128", TG_C128, 1, {2}, 2, (const double[]){100000000.0, 1.0, 1.0, 1.0}},
    {"imag 1 1000", TG_C64, 1, {2}, 2, (const double[]){1.0, 1.0, 2.0, 1000.0}},
    {"imag 1 1000 c128", TG_C128, 1, {2}, 2, (const double[]){1.0, 1.0, 2.0, 1000.0}},
    {"imag 1 1001", TG_C64, 1, {2}, 2, (const double[]){1.0, 1.0, 2.0, 1001.0}},
    {"imag 1 1001 c128", TG_C128, 1, {2}, 2, (const double[]){1.0, 1.0, 2.0, 1001.0}},
    {"imag 1 10000", TG_C64, 1, {2}, 2, (const double[]){1.0, 1.0, 2.0, 10000.0}},
    {"imag 1 10000 c128", TG_C128, 1, {2}, 2, (const double[]){1.0, 1.0, 2.0, 10000.0}},
    {"nan parts", TG_C64, 1, {2}, 2, (const double[]){NAN, 1.0, 1.5, NAN}},
    {"nan parts c128", TG_C128, 1, {2}, 2, (const double[]){NAN, 1.0, 1.5, NAN}},
    {"inf parts", TG_C64, 1, {3}, 3, (const double[]){INFINITY, 1.0, -1.0, -INFINITY, 0.5, 2.0}},
    {"inf parts c128", TG_C128, 1, {3}, 3, (const double[]){INFINITY, 1.0, -1.0, -INFINITY, 0.5, 2.0}},
    {"nan inf ints", TG_C64, 1, {3}, 3, (const double[]){1.0, INFINITY, -INFINITY, 2.0, NAN, 3.0}},
    {"nan inf ints c128", TG_C128, 1, {3}, 3, (const double[]){1.0, INFINITY, -INFINITY, 2.0, NAN, 3.0}},
    {"zeros", TG_C64, 1, {3}, 3, (const double[]){0.0, 0.0, 0.0, 0.0, 0.0, 0.0}},
    {"zeros c128", TG_C128, 1, {3}, 3, (const double[]){0.0, 0.0, 0.0, 0.0, 0.0, 0.0}},
    {"negative zeros", TG_C64, 1, {3}, 3, (const double[]){-0.0, -0.0, 1.0, -0.0, -0.0, 1.0}},
    {"negative zeros c128", TG_C128, 1, {3}, 3, (const double[]){-0.0, -0.0, 1.0, -0.0, -0.0, 1.0}},
    {"real zero", TG_C64, 1, {2}, 2, (const double[]){0.0, 1.5, 0.0, -2.5}},
    {"real zero c128", TG_C128, 1, {2}, 2, (const double[]){0.0, 1.5, 0.0, -2.5}},
    {"imag zero", TG_C64, 1, {2}, 2, (const double[]){1.5, 0.0, -2.5, 0.0}},
    {"imag zero c128", TG_C128, 1, {2}, 2, (const double[]){1.5, 0.0, -2.5, 0.0}},
    {"imag negative zero floats", TG_C64, 1, {2}, 2, (const double[]){1.5, -0.0, -2.5, -0.0}},
    {"imag negative zero floats c128", TG_C128, 1, {2}, 2, (const double[]){1.5, -0.0, -2.5, -0.0}},
    {"thirds", TG_C64, 1, {2}, 2, (const double[]){1.0/3, 2.0/3, -1.0/3, -2.0/3}},
    {"thirds c128", TG_C128, 1, {2}, 2, (const double[]){1.0/3, 2.0/3, -1.0/3, -2.0/3}},
    {"mixed widths", TG_C64, 1, {3}, 3, (const double[]){123.5, -0.25, -1.0, 45.125, 0.5, 6.0}},
    {"mixed widths c128", TG_C128, 1, {3}, 3, (const double[]){123.5, -0.25, -1.0, 45.125, 0.5, 6.0}},
    {"large ints", TG_C64, 1, {2}, 2, (const double[]){123456.0, 1.0, -7.0, 654321.0}},
    {"large ints c128", TG_C128, 1, {2}, 2, (const double[]){123456.0, 1.0, -7.0, 654321.0}},
    {"1e-4 0.01", TG_C64, 1, {2}, 2, (const double[]){0.0001, 0.01, 0.01, 0.0001}},
    {"1e-4 0.01 c128", TG_C128, 1, {2}, 2, (const double[]){0.0001, 0.01, 0.01, 0.0001}},
    {"small and big", TG_C64, 1, {2}, 2, (const double[]){0.001, 1000.0, 1000.0, 0.001}},
    {"small and big c128", TG_C128, 1, {2}, 2, (const double[]){0.001, 1000.0, 1000.0, 0.001}},
    {"negative nan", TG_C64, 1, {2}, 2, (const double[]){-NAN, 1.5, 1.0, -NAN}},
    {"negative nan c128", TG_C128, 1, {2}, 2, (const double[]){-NAN, 1.5, 1.0, -NAN}},
    {"inf only", TG_C64, 1, {1}, 1, (const double[]){INFINITY, INFINITY}},
    {"inf only c128", TG_C128, 1, {1}, 1, (const double[]){INFINITY, INFINITY}},
    {"123456.789", TG_C64, 1, {1}, 1, (const double[]){123456.789, -123456.789}},
    {"123456.789 c128", TG_C128, 1, {1}, 1, (const double[]){123456.789, -123456.789}},
    {"-1e10 1", TG_C64, 1, {2}, 2, (const double[]){-10000000000.0, 1.0, 1.0, -10000000000.0}},
    {"-1e10 1 c128", TG_C128, 1, {2}, 2, (const double[]){-10000000000.0, 1.0, 1.0, -10000000000.0}},
    {"wrap 12 ints", TG_C64, 1, {12}, 12, (const double[]){0.0, 0.0, 1.0, -1.0, 2.0, -2.0, 3.0, -3.0, 4.0, -4.0, 5.0, -5.0, 6.0, -6.0, 7.0, -7.0, 8.0, -8.0, 9.0, -9.0, 10.0, -10.0, 11.0, -11.0}},
    {"wrap 20 floats", TG_C64, 1, {20}, 20, (const double[]){0.5, -2.0, 1.5, -1.75, 2.5, -1.5, 3.5, -1.25, 4.5, -1.0, 5.5, -0.75, 6.5, -0.5, 7.5, -0.25, 8.5, 0.0, 9.5, 0.25, 10.5, 0.5, 11.5, 0.75, 12.5, 1.0, 13.5, 1.25, 14.5, 1.5, 15.5, 1.75, 16.5, 2.0, 17.5, 2.25, 18.5, 2.5, 19.5, 2.75}},
    {"wrap 30 ints c128", TG_C128, 1, {30}, 30, (const double[]){-100.0, 3.0, -93.0, 2.0, -86.0, 1.0, -79.0, 0.0, -72.0, -1.0, -65.0, -2.0, -58.0, -3.0, -51.0, -4.0, -44.0, -5.0, -37.0, -6.0, -30.0, -7.0, -23.0, -8.0, -16.0, -9.0, -9.0, -10.0, -2.0, -11.0, 5.0, -12.0, 12.0, -13.0, 19.0, -14.0, 26.0, -15.0, 33.0, -16.0, 40.0, -17.0, 47.0, -18.0, 54.0, -19.0, 61.0, -20.0, 68.0, -21.0, 75.0, -22.0, 82.0, -23.0, 89.0, -24.0, 96.0, -25.0, 103.0, -26.0}},
    {"wrap sci", TG_C64, 1, {11}, 11, (const double[]){1e-05, -100000.0, 0.0001, -10000.0, 0.001, -1000.0, 0.01, -100.0, 0.1, -10.0, 1.0, -1.0, 10.0, -0.1, 100.0, -0.01, 1000.0, -0.001, 10000.0, -0.0001, 100000.0, -1e-05}},
    {"wrap sci c128", TG_C128, 1, {11}, 11, (const double[]){1e-05, 1.5, 0.0001, 1.5, 0.001, 1.5, 0.01, 1.5, 0.1, 1.5, 1.0, 1.5, 10.0, 1.5, 100.0, 1.5, 1000.0, 1.5, 10000.0, 1.5, 100000.0, 1.5}},
    {"2x2 ints", TG_C64, 2, {2, 2}, 4, (const double[]){1.0, 2.0, 3.0, -4.0, -5.0, 6.0, 7.0, 8.0}},
    {"2x3 floats", TG_C64, 2, {2, 3}, 6, (const double[]){0.0, 0.0, 0.5, -0.25, 1.0, -0.5, 1.5, -0.75, 2.0, -1.0, 2.5, -1.25}},
    {"3x2 mixed", TG_C64, 2, {3, 2}, 6, (const double[]){1.5, 0.0, NAN, 1.0, -2.0, INFINITY, 0.0, 0.0, 1e-05, 1.0, 100.0, -100.0}},
    {"2x2x2", TG_C64, 3, {2, 2, 2}, 8, (const double[]){0.0, 0.0, 1.0, 1.0, 2.0, 4.0, 3.0, 9.0, 4.0, 16.0, 5.0, 25.0, 6.0, 36.0, 7.0, 49.0}},
    {"2x1x2x2 c128", TG_C128, 4, {2, 1, 2, 2}, 8, (const double[]){0.0, 0.0, 0.25, -1.0, 0.5, -2.0, 0.75, -3.0, 1.0, -4.0, 1.25, -5.0, 1.5, -6.0, 1.75, -7.0}},
    {"4x5 wide", TG_C64, 2, {4, 5}, 20, (const double[]){0.0, 0.0, 111.5, 0.001, 223.0, 0.002, 334.5, 0.003, 446.0, 0.004, 557.5, 0.005, 669.0, 0.006, 780.5, 0.007, 892.0, 0.008, 1003.5, 0.009000000000000001, 1115.0, 0.01, 1226.5, 0.011, 1338.0, 0.012, 1449.5, 0.013000000000000001, 1561.0, 0.014, 1672.5, 0.015, 1784.0, 0.016, 1895.5, 0.017, 2007.0, 0.018000000000000002, 2118.5, 0.019}},
    {"1x1", TG_C64, 2, {1, 1}, 1, (const double[]){1.0, -1.0}},
    {"3x1 sci", TG_C64, 2, {3, 1}, 3, (const double[]){1e-06, 1.0, 1.0, 1000000.0, 2.0, 2.0}},
};

static void print_case_of(const print_case *c)
{
    tg_scope_begin();
    printf("== %s\n", c->label);
    tg_tensor *t = tg_to(tg_from_c128(c->pairs, c->shape, c->ndim), c->dtype);
    tg_print(t);
    tg_scope_end();
}

/* k + (k / 3) i for k < n, made in dt's part precision. */
static tg_tensor *ramp(int64_t n, tg_dtype dt)
{
    tg_dtype part = dt == TG_C128 ? TG_F64 : TG_F32;
    tg_tensor *k = tg_arange(0, (double)n, 1, part);
    return tg_complex(k, tg_div_scalar(k, 3));
}

int main(void)
{
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) print_case_of(&CASES[i]);
    tg_scope_begin();
    printf("== summarized 2000\n");
    tg_print(ramp(2000, TG_C64));
    printf("== summarized 2x1000 c128\n");
    tg_print(tg_reshape(ramp(2000, TG_C128), TG_SHAPE(2, 1000)));
    printf("== summarized 10x10x11\n");
    tg_print(tg_reshape(ramp(1100, TG_C64), TG_SHAPE(10, 10, 11)));
    printf("== 1001 elements\n");
    tg_print(ramp(1001, TG_C64));
    printf("== 1000 elements\n");
    tg_print(ramp(1000, TG_C64));
    printf("== transposed\n");
    tg_print(tg_transpose(tg_reshape(ramp(6, TG_C64), TG_SHAPE(2, 3)), 0, 1));
    printf("== requires_grad\n");
    tg_tensor *x = tg_requires_grad_(ramp(3, TG_C64), true);
    tg_print(x);
    printf("== requires_grad c128\n");
    tg_print(tg_requires_grad_(ramp(3, TG_C128), true));
    printf("== grad_fn\n");
    tg_print(tg_mul_scalar(x, 2));
    printf("== conj grad_fn\n");
    tg_print(tg_conj(x));
    printf("== empty c64\n");
    tg_print(tg_zeros(TG_SHAPE(0), TG_C64));
    printf("== empty 2x0 c128\n");
    tg_print(tg_zeros(TG_SHAPE(2, 0), TG_C128));
    printf("== view_as_complex\n");
    tg_print(tg_view_as_complex(tg_reshape(tg_arange(0, 8, 1, TG_F32), TG_SHAPE(4, 2))));
    tg_scope_end();
    return 0;
}
