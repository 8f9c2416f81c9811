/* sum, mean (all elements and over dims, with keepdim, negative and multiple
   dims), max over a dim and the 2-norm, forward and backward, on contiguous,
   permuted, sliced and expanded inputs. Prints what ops_reduce.py prints. */
#include <tensorgrad.h>

#include <math.h>
#include <stdio.h>

#include "oracle.h"

/* (2, 3, 4) leaf with values -2, -1.75, ..., 3.75. */
static tg_tensor *cube(void)
{
    tg_tensor *t = tg_sub_scalar(tg_div_scalar(tg_arange(0, 24, 1, TG_F32), 4), 2);
    return leaf(tg_reshape(t, TG_SHAPE(2, 3, 4)));
}

static tg_tensor *permuted(const tg_tensor *x) { return tg_permute(x, DIMS(2, 0, 1)); }

/* "[0, 2]", as Python prints a list. */
static const char *dims_str(const int64_t *dims, int n, char *buf, size_t cap)
{
    size_t len = (size_t)snprintf(buf, cap, "[");
    for (int i = 0; i < n; i++) len += (size_t)snprintf(buf + len, cap - len, i ? ", %lld" : "%lld", (long long)dims[i]);
    snprintf(buf + len, cap - len, "]");
    return buf;
}

typedef tg_tensor *(*unary_fn)(const tg_tensor *);
typedef tg_tensor *(*dims_fn)(const tg_tensor *, const int64_t *, int, bool);

static void full_tests(const char *name, unary_fn f)
{
    char label[128];
    tg_scope_begin();
    tg_tensor *x = cube();
    check(name, f(x), &x, 1);
    x = cube();
    snprintf(label, sizeof label, "%s permuted", name);
    check(label, f(permuted(x)), &x, 1);
    tg_tensor *s = leaf(tg_scalar(1.5));
    snprintf(label, sizeof label, "%s 0-dim", name);
    check(label, f(s), &s, 1);
    tg_tensor *d = leaf(tg_to(tg_from_f32(F32(0.5, 1.0, 2.0, 4.0), TG_SHAPE(2, 2)), TG_F64));
    snprintf(label, sizeof label, "%s f64", name);
    check(label, f(d), &d, 1);
    tg_scope_end();
}

static const struct { int64_t d[3]; int n; } DIM_SETS[] = {
    {{0}, 1}, {{1}, 1}, {{-1}, 1}, {{0, 2}, 2}, {{-1, -3}, 2}, {{2, 0, 1}, 3}, {{1, -1}, 2},
};

static void dims_tests(const char *name, dims_fn f)
{
    char label[160], ds[64];
    for (size_t i = 0; i < sizeof DIM_SETS / sizeof DIM_SETS[0]; i++) {
        for (int keep = 0; keep < 2; keep++) {
            for (int perm = 0; perm < 2; perm++) {
                tg_scope_begin();
                tg_tensor *x = cube();
                snprintf(label, sizeof label, "%s %s keepdim=%s%s", name,
                         dims_str(DIM_SETS[i].d, DIM_SETS[i].n, ds, sizeof ds), keep ? "True" : "False",
                         perm ? " permuted" : "");
                check(label, f(perm ? permuted(x) : x, DIM_SETS[i].d, DIM_SETS[i].n, keep), &x, 1);
                tg_scope_end();
            }
        }
    }
    static const int64_t zero_dims[2] = {0, -1};
    for (int i = 0; i < 2; i++) {
        for (int keep = 0; keep < 2; keep++) {
            tg_scope_begin();
            tg_tensor *s = leaf(tg_scalar(1.5));
            snprintf(label, sizeof label, "%s 0-dim [%lld] keepdim=%s", name, (long long)zero_dims[i],
                     keep ? "True" : "False");
            check(label, f(s, &zero_dims[i], 1, keep), &s, 1);
            tg_scope_end();
        }
    }
    tg_scope_begin();
    tg_tensor *x = cube();
    snprintf(label, sizeof label, "%s sliced", name);
    check(label, f(tg_slice(x, 2, 1, 4, 2), DIMS(2), false), &x, 1);
    tg_tensor *r = leaf(tg_from_f32(F32(1.0, 2.0, 4.0), TG_SHAPE(3, 1)));
    snprintf(label, sizeof label, "%s expanded", name);
    check(label, f(tg_expand(r, TG_SHAPE(3, 4)), DIMS(0), true), &r, 1);
    tg_scope_end();
}

static void int_tests(void)
{
    tg_scope_begin();
    show("sum int64", tg_sum(tg_from_i64((const int64_t[]){1, 2, 3, 4, 5, 6}, TG_SHAPE(2, 3))));
    show("sum_dim int32", tg_sum_dim(tg_from_i32((const int32_t[]){1, 2, 3, 4, 5, 6}, TG_SHAPE(2, 3)), DIMS(1), false));
    show("sum bool", tg_sum(tg_from_bool((const bool[]){true, false, true}, TG_SHAPE(3))));
    show("sum_dim bool keepdim",
         tg_sum_dim(tg_from_bool((const bool[]){true, false, true, true}, TG_SHAPE(2, 2)), DIMS(0), true));
    tg_scope_end();
}

static void max_tests(void)
{
    char label[160];
    static const int64_t dims[] = {0, 1, -1, -2};
    for (int i = 0; i < 4; i++) {
        for (int keep = 0; keep < 2; keep++) {
            tg_scope_begin();
            const char *k = keep ? "True" : "False";
            tg_tensor *x = leaf(tg_from_f32(F32(1.0, 3.0, 3.0, -1.0, 2.0, 2.0, 1.0, 0.5, -4.0, 5.0, 0.0, 5.0),
                                            TG_SHAPE(3, 4)));
            tg_tensor *idx;
            tg_tensor *v = tg_max_dim(x, dims[i], keep, &idx);
            snprintf(label, sizeof label, "max_dim %lld keepdim=%s indices", (long long)dims[i], k);
            show(label, idx);
            snprintf(label, sizeof label, "max_dim %lld keepdim=%s", (long long)dims[i], k);
            check(label, v, &x, 1);

            x = cube();
            v = tg_max_dim(tg_slice(permuted(x), 0, 1, 3, 1), dims[i], keep, &idx);
            snprintf(label, sizeof label, "max_dim permuted %lld keepdim=%s indices", (long long)dims[i], k);
            show(label, idx);
            snprintf(label, sizeof label, "max_dim permuted %lld keepdim=%s", (long long)dims[i], k);
            check(label, v, &x, 1);
            tg_scope_end();
        }
    }
    tg_scope_begin();
    tg_tensor *s = leaf(tg_scalar(2.5)), *idx;
    tg_tensor *v = tg_max_dim(s, 0, false, &idx);
    show("max_dim 0-dim indices", idx);
    check("max_dim 0-dim", v, &s, 1);
    v = tg_max_dim(tg_from_i64((const int64_t[]){3, 1, 2, 7}, TG_SHAPE(2, 2)), 1, false, &idx);
    show("max_dim int64 values", v);
    show("max_dim int64 indices", idx);
    v = tg_max_dim(tg_from_f32(F32(1.0, NAN, 2.0, NAN, 0.0, NAN), TG_SHAPE(2, 3)), 1, false, &idx);
    show("max_dim nan values", v);
    show("max_dim nan indices", idx);
    tg_scope_end();
}

static void norm_tests(void)
{
    tg_scope_begin();
    tg_tensor *x = cube();
    check("norm", tg_norm(x), &x, 1);
    x = cube();
    check("norm permuted", tg_norm(permuted(x)), &x, 1);
    tg_tensor *z = leaf(tg_zeros(TG_SHAPE(2, 3), TG_F32));
    check("norm zeros", tg_norm(z), &z, 1);
    tg_tensor *d = leaf(tg_to(tg_from_f32(F32(3.0, -4.0), TG_SHAPE(2)), TG_F64));
    check("norm f64", tg_norm(d), &d, 1);
    tg_tensor *s = leaf(tg_scalar(-2.0));
    check("norm 0-dim", tg_norm(s), &s, 1);

    /* Reductions of reductions. */
    x = cube();
    tg_tensor *m = tg_mean_dim(x, DIMS(-1), true);
    check("nested", tg_mean(tg_sum_dim(tg_pow_scalar(tg_sub(x, m), 2), DIMS(1), false)), &x, 1);
    tg_scope_end();
}

int main(void)
{
    full_tests("sum", tg_sum);
    full_tests("mean", tg_mean);
    dims_tests("sum_dim", tg_sum_dim);
    dims_tests("mean_dim", tg_mean_dim);
    int_tests();
    max_tests();
    norm_tests();
    return 0;
}
