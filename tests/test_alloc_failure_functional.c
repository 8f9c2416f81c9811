/* The functional transforms and forward AD with their N-th allocation
   failing, for every N: each run fails with TG_E_OOM and leaks no tensor
   or node, and a dual level opened by a failed run is closed again
   (tests/alloc_sweep.h). */
#include "alloc_sweep.h"

/* sum(x * x * y), with a sine so that tangents go through a rule */
static tg_tensor *f(tg_tensor *const *in, int n, void *ctx)
{
    (void)n, (void)ctx;
    return tg_sum(tg_mul(tg_mul(in[0], tg_sin(in[0])), in[1]));
}

static tg_tensor *x(void) { return tg_from_f64((const double[]){0.5, -1}, TG_SHAPE(2)); }
static tg_tensor *y(void) { return tg_from_f64((const double[]){2, 0.25}, TG_SHAPE(2)); }

static int vjp(void *ctx)
{
    (void)ctx;
    tg_tensor *in[] = {x(), y()}, *out, *g[2];
    return tg_func_vjp_ex(f, in, 2, NULL, NULL, &out, g, (tg_func_opts){.create_graph = true});
}

static int jvp(void *ctx)
{
    tg_tensor *in[] = {x(), y()}, *v[] = {y(), x()}, *out, *r;
    return tg_func_jvp_ex(f, in, 2, NULL, v, &out, &r, (tg_func_opts){.strategy = *(const tg_func_strategy *)ctx});
}

static int jacobian(void *ctx)
{
    tg_tensor *in[] = {x(), y()}, *b[2];
    return tg_func_jacobian_ex(f, in, 2, NULL, b, (tg_func_opts){.strategy = *(const tg_func_strategy *)ctx});
}

static int hessian(void *ctx)
{
    (void)ctx;
    tg_tensor *in[] = {x(), y()}, *b[4];
    return tg_func_hessian_ex(f, in, 2, NULL, b, (tg_func_opts){0});
}

static int hvp(void *ctx)
{
    (void)ctx;
    tg_tensor *in[] = {x(), y()}, *v[] = {y(), x()}, *out, *r[2];
    return tg_func_hvp(f, in, 2, NULL, v, &out, r);
}

/* Dual tensors through a view, an in-place operation and a product. */
static int dual(void *ctx)
{
    (void)ctx;
    if (tg_fwad_enter_dual_level()) return -1;
    tg_tensor *d = tg_make_dual(tg_from_f64((const double[]){1, 2, 3, 4}, TG_SHAPE(2, 2)), tg_ones(TG_SHAPE(2, 2), TG_F64));
    tg_tensor *r = d ? tg_mul_scalar_(tg_t(d), 3) : NULL;
    tg_tensor *tangent = NULL;
    r = r ? tg_unpack_dual(tg_mm(tg_exp(r), d), &tangent) : NULL;
    tg_fwad_exit_dual_level();
    return r && tangent ? 0 : -1;
}

int main(void)
{
    static const tg_func_strategy REVERSE = TG_REVERSE_MODE, FORWARD = TG_FORWARD_MODE;
    CHECK(alloc_sweep("tg_func_vjp_ex", vjp, NULL) > 0);
    CHECK(alloc_sweep("tg_func_jvp_ex reverse", jvp, (void *)&REVERSE) > 0);
    CHECK(alloc_sweep("tg_func_jvp_ex forward", jvp, (void *)&FORWARD) > 0);
    CHECK(alloc_sweep("tg_func_jacobian_ex reverse", jacobian, (void *)&REVERSE) > 0);
    CHECK(alloc_sweep("tg_func_jacobian_ex forward", jacobian, (void *)&FORWARD) > 0);
    CHECK(alloc_sweep("tg_func_hessian_ex", hessian, NULL) > 0);
    CHECK(alloc_sweep("tg_func_hvp", hvp, NULL) > 0);
    CHECK(alloc_sweep("dual tensors", dual, NULL) > 0);
    CHECK(!tg_fwad_level_open());
    return TEST_MAIN_END();
}
