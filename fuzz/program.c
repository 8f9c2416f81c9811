/* The fuzzing harness's decoder (see program.h).

   Encoding. The input is a sequence of instructions; each is an opcode byte
   (taken modulo the number of operations) followed by the operand bytes that
   operation reads. Reading past the end yields zeros, so every byte string
   is a valid program. Operands name registers (one byte, modulo NREG, whose
   bit 3 chooses how a fresh result is held, see below), shapes, dtypes,
   values, dims and flags. fuzz/make_corpus.py writes programs in this
   encoding; keep the two in step.

   Registers. The program works on NREG tensor registers; a register may be
   NULL (the result of a failed operation), and NULL propagates into later
   operations, which must fail cleanly. Operations that take several
   tensors (cat, stack, einsum) read a count and then that many registers;
   those that give several (split, chunk, unbind, sort's indices) write
   registers dst, dst + 1, ... . A fresh result is held either
   "retained" (the harness took a tg_retain reference and releases it when
   the register is overwritten) or "borrowed" from the scope that owns it
   (the register is cleared when the harness ends that scope). Results that
   are an existing tensor (in-place operations, tg_grad) are always
   retained.

   Budgets. Valid shapes are small (rank 0-4, sizes 0-5); absurd ones
   (negative sizes, overflowing element counts, ranks beyond TG_MAX_DIMS) are
   ones the library must reject before allocating. An operation whose result
   would exceed MAX_MADE elements (broadcasting, expand, matmul) is skipped,
   a register never holds more than MAX_STORED elements, and the program
   stops when its graph grows past MAX_NODES nodes, so that every input runs
   in well under 10 ms (about 1 ms on average under ASan and UBSan) and
   memory stays small: libFuzzer's malloc limit then only fires on the
   library's own excesses.

   Checks. Every NULL / -1 return must leave an error set (tg_last_status);
   tg_clear_error runs before each operation. Every tensor an operation
   returns is checked for a sane shape and read whole through
   tg_copy_to_f64 into a buffer of exactly its size, so that a view whose
   strides or offset leave its storage shows up under ASan at once.

   Cleanup and leaks. At the end the harness restores grad mode, clears the
   .grad of every tensor it made require grad (tg_zero_grad), drops every
   reference it holds and ends every scope it opened; the library's live
   tensor and node counters must then be back where they started. The
   .grad clearing is needed because, as in PyTorch, a .grad computed with
   create_graph has a graph that leads back to its own leaf through the
   leaf's AccumulateGrad node: a reference cycle the user breaks by clearing
   the gradient (engine.c, Note [Accumulating into .grad]). It is the only
   cycle the harness breaks.

   One more cycle, also PyTorch's, is avoided rather than broken, since no
   public function can break it: a leaf that required grad, was used, and
   was then set back with tg_requires_grad_(x, false), given a history by a
   recorded in-place operation whose operand came from it
   (x.sub_(x.exp())): x -> SubBackward0 -> ExpBackward0 -> AccumulateGrad
   -> x, or by one on a view of it (its CopySlices history leads back the
   same way). The harness records no in-place operation on such a tensor or
   its views (see op_inplace). A second one of the same family: a view v of a that is made
   a leaf requiring grad, then a.copy_(v): v -> (view base) a ->
   CopyBackwards -> AccumulateGrad -> v. The library now breaks that one
   (a view made to require grad stops holding its base), but the harness
   still does not make a register that may hold a view require grad
   (reg.view). The fix for the first belongs in the library (an
   AccumulateGrad node that does not own its leaf). */
#define _POSIX_C_SOURCE 200809L   /* fmemopen, strdup, dirent */

#include "program.h"

#include "graph/graph.h"   /* tg__live_tensors, tg__live_nodes, fault injection */

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tensorgrad.h>

enum {
    NREG = 8,
    MAX_PINS = 16,        /* tg_retain references taken by the program */
    MAX_LEAVES = 32,      /* tensors the program made require grad */
    MAX_DEPTH = 8,        /* scopes open at once, the harness's own included */
    MAX_NESTING = 4,      /* TG_NO_GRAD blocks inside each other */
    MAX_STEPS = 256,      /* instructions per input */
    MAX_STORED = 2048,    /* elements a register may hold (tg_repr summarizes past 1000) */
    MAX_MADE = 4096,      /* elements an operation may produce */
    MAX_NODES = 20000,    /* graph nodes alive before the program stops */
    MAX_TENSORS = 50000,
    SHAPE_CAP = 64,       /* room for absurd ranks */
};

int tgfz_trace;

/* ---------------------------------------------------------------- state */

typedef struct reg {
    tg_tensor *t;
    bool retained;   /* the harness holds a reference; else borrowed from scope `depth` */
    int depth;
    bool view;       /* may be a view of another tensor (see the top comment) */
} reg;

typedef struct fz {
    const uint8_t *data;
    size_t size, pos;
    reg regs[NREG];
    tg_tensor *pins[MAX_PINS];
    int n_pins;
    tg_tensor *leaves[MAX_LEAVES];   /* retained; their .grad is cleared at the end */
    int n_leaves;
    int depth;                       /* scopes the harness has open (1 = its outer scope) */
    int nesting;
    int steps;
    int64_t tensors0, nodes0;
    bool failed;
} fz;

static uint8_t u8(fz *f) { return f->pos < f->size ? f->data[f->pos++] : 0; }
static bool more(const fz *f) { return f->pos < f->size; }

static void trace(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void trace(const char *fmt, ...)
{
    if (!tgfz_trace) return;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
}

static void report(fz *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void report(fz *f, const char *fmt, ...)
{
    if (f->failed) return;   /* the first problem is the one worth reading */
    f->failed = true;
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "tgfz: step %d: ", f->steps);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

/* A failure must be reported through the error state. */
static void expect_error(fz *f, const char *what)
{
    trace("    -> failed: %s\n", tg_last_error());
    if (tg_last_status() == TG_OK || !tg_last_error()[0])
        report(f, "%s failed without setting an error", what);
}

static tg_tensor *R(fz *f) { return f->regs[u8(f) % NREG].t; }

/* ------------------------------------------------------------ operands */

static const double VALUES[16] = {
    0, 1, -1, 2, -2, 0.5, -0.5, 3, 1e-3, 100, 1e30, -1e30, NAN, INFINITY, -INFINITY, -0.0,
};

/* A number: from the table of special values, or a small multiple of 1/8. */
static double gen_value(fz *f)
{
    uint8_t b = u8(f);
    return b & 0x80 ? (double)((int)(b & 0x7f) - 64) / 8 : VALUES[b % 16];
}

static tg_dtype gen_dtype(fz *f)
{
    static const int DTYPES[16] = {
        TG_F32, TG_U8, TG_F32, TG_F64, TG_F64, TG_I32, TG_I64, TG_I16, TG_BOOL, TG_BOOL,
        TG_F16, TG_BF16, TG_C64, TG_C128, TG_I8, -1,   /* -1: not a dtype at all */
    };
    return (tg_dtype)DTYPES[u8(f) % 16];
}

/* A shape into shape[SHAPE_CAP]; returns ndim. *null_shape asks for a NULL
   shape pointer. One time in sixteen the shape is absurd. */
static int gen_shape(fz *f, int64_t *shape, bool *null_shape)
{
    uint8_t b = u8(f);
    *null_shape = false;
    for (int i = 0; i < SHAPE_CAP; i++) shape[i] = 1;
    if ((b & 0xf0) == 0xf0) {
        switch (b & 7) {
        case 0: return -1;
        case 1: return TG_MAX_DIMS + 1;
        case 2: return SHAPE_CAP;
        case 3:
            shape[0] = 2;
            shape[1] = (int64_t[]){-1, -5, INT64_MIN}[u8(f) % 3];
            return 2;
        case 4:
            shape[0] = INT64_MAX / 2;
            shape[1] = 4;
            return 2;
        case 5:
            shape[0] = shape[1] = shape[2] = (int64_t)1 << 31;
            return 3;
        case 6:   /* no elements, but a large dimension; or sizes whose strides overflow */
            shape[0] = 0;
            if (u8(f) & 1) {
                shape[1] = 1000;
                return 2;
            }
            shape[1] = shape[2] = (int64_t)1 << 40;
            return 3;
        default:
            *null_shape = true;
            return 2;
        }
    }
    int nd = b % 5;
    for (int i = 0; i < nd; i++) shape[i] = u8(f) % 6;
    return nd;
}

/* A dimension index for a tensor of rank nd: mostly in range, sometimes
   just outside it, rarely absurd. */
static int64_t gen_dim(fz *f, int nd)
{
    uint8_t b = u8(f);
    if (b == 0xff) return INT64_MIN;
    if (b == 0xfe) return INT64_MAX;
    int span = 2 * (nd > 0 ? nd : 1) + 2;
    return (int64_t)(b % span) - (nd > 0 ? nd : 1) - 1;
}

/* An index or bound along a dimension of the given size. */
static int64_t gen_index(fz *f, int64_t size)
{
    uint8_t b = u8(f);
    if (b == 0xff) return INT64_MIN;
    if (b == 0xfe) return INT64_MAX;
    if (b == 0xfd) return INT64_MIN + 1;
    return (int64_t)(b % (2 * size + 5)) - size - 2;
}

/* ------------------------------------------------------------- budgets */

static double numel_of(const int64_t *shape, int nd)
{
    double n = 1;
    for (int i = 0; i < nd; i++) n *= (double)shape[i];
    return n;
}

/* Elements of the broadcast of up to three tensors (NULLs ignored); 0 when
   they do not broadcast (a cheap error). */
static double bcast_numel(const tg_tensor *a, const tg_tensor *b, const tg_tensor *c)
{
    const tg_tensor *ts[3] = {a, b, c};
    int nd = 0;
    for (int k = 0; k < 3; k++)
        if (ts[k] && tg_ndim(ts[k]) > nd) nd = tg_ndim(ts[k]);
    double n = 1;
    for (int i = 0; i < nd; i++) {
        int64_t size = 1;
        for (int k = 0; k < 3; k++) {
            if (!ts[k]) continue;
            int j = tg_ndim(ts[k]) - nd + i;
            int64_t s = j >= 0 ? tg_shape(ts[k])[j] : 1;
            if (s == 1) continue;
            if (size != 1 && s != size) return 0;
            size = s;
        }
        n *= (double)size;
    }
    return n;
}

static bool over_budget(const fz *f)
{
    return tg__live_nodes() - f->nodes0 > MAX_NODES || tg__live_tensors() - f->tensors0 > MAX_TENSORS;
}

/* ----------------------------------------------------------- registers */

/* Sanity of a returned tensor, and a full read of its elements. */
static void check_tensor(fz *f, const tg_tensor *t, const char *what)
{
    int nd = tg_ndim(t);
    const int64_t *shape = tg_shape(t);
    if (nd < 0 || nd > TG_MAX_DIMS || !shape || !tg_strides(t)) {
        report(f, "%s returned a tensor with %d dimensions", what, nd);
        return;
    }
    double n = 1;
    for (int i = 0; i < nd; i++) {
        if (shape[i] < 0) {
            report(f, "%s returned a tensor with size %lld", what, (long long)shape[i]);
            return;
        }
        n *= (double)shape[i];
    }
    if (n != (double)tg_numel(t)) {
        report(f, "%s returned a tensor whose numel %lld is not the product of its sizes", what,
               (long long)tg_numel(t));
        return;
    }
    tg_dtype dt = tg_dtype_of(t);
    if ((unsigned)dt > TG_I16) {
        report(f, "%s returned a tensor of dtype %d", what, (int)dt);
        return;
    }
    trace("    -> %s %s\n", tg_dtype_name(dt),
          tg__shape_str(shape, nd, (char[256]){0}, 256));
    if (n > MAX_STORED) return;
    double *buf = malloc((size_t)n * sizeof *buf + 1);
    if (!buf) return;
    if (tg_copy_to_f64(t, buf) != 0) report(f, "tg_copy_to_f64 of the result of %s failed: %s", what, tg_last_error());
    free(buf);
}

static void drop(reg *r)
{
    if (r->t && r->retained) tg_release(r->t);
    r->t = NULL;
    r->retained = false;
}

typedef enum origin {
    FRESH,    /* a new reference owned by the current scope */
    SHARED,   /* a tensor someone else owns (in-place result, tg_grad, a register) */
} origin;

/* Puts t (checked; may be NULL) into register sel. */
static void put(fz *f, uint8_t sel, tg_tensor *t, origin o, const char *what)
{
    reg *r = &f->regs[sel % NREG];
    if (!t) {
        drop(r);
        return;
    }
    check_tensor(f, t, what);
    /* Too many elements, or an empty tensor with sizes so large that
       reducing it would allocate a lot (zeros read as ones). */
    double span = 1;
    for (int i = 0; i < tg_ndim(t); i++) span *= (double)(tg_shape(t)[i] > 1 ? tg_shape(t)[i] : 1);
    if (tg_numel(t) > MAX_STORED || span > 1e6) {
        drop(r);
        return;
    }
    bool retain = o == SHARED || !(sel & 8);
    if (retain && tg_retain(t) != t) {   /* before the drop: r may hold t's last reference */
        report(f, "tg_retain did not return its argument");
        return;
    }
    drop(r);
    r->t = t;
    r->retained = retain;
    r->depth = f->depth;
    r->view = false;   /* the callers that store views say so */
}

/* The result of an operation that returns a fresh tensor. */
static void result(fz *f, uint8_t sel, tg_tensor *t, const char *what)
{
    if (!t) expect_error(f, what);
    put(f, sel, t, FRESH, what);
}

/* The result of an in-place operation: t itself or NULL. */
static void inplace_result(fz *f, tg_tensor *t, tg_tensor *r, const char *what)
{
    if (!r) {
        expect_error(f, what);
        return;
    }
    if (r != t) report(f, "%s did not return its first argument", what);
    check_tensor(f, r, what);
}

/* ---------------------------------------------------------- operations */

static void step(fz *f);

static void op_create(fz *f)
{
    uint8_t dst = u8(f), kind = u8(f);
    int64_t shape[SHAPE_CAP];
    bool null_shape;
    int nd = gen_shape(f, shape, &null_shape);
    const int64_t *sp = null_shape ? NULL : shape;
    tg_dtype dt = gen_dtype(f);
    double v = gen_value(f);
    tg_tensor *t = NULL;
    trace("create kind %d ndim %d dtype %d value %g\n", kind % 7, nd, (int)dt, v);
    switch (kind % 7) {
    case 0: t = tg_zeros(sp, nd, dt); break;
    case 1: t = tg_ones(sp, nd, dt); break;
    case 2: t = tg_full(sp, nd, v, dt); break;
    case 3:   /* never read what tg_empty leaves in the storage */
        t = tg_empty(sp, nd, dt);
        if (t && !tg_fill_(t, v)) {
            expect_error(f, "tg_fill_ of a new tensor");
            return;
        }
        break;
    case 4: t = tg_scalar(v); break;
    case 5:
        tg_manual_seed(u8(f));
        t = tg_rand(sp, nd, dt);
        break;
    default:
        tg_manual_seed(u8(f));
        t = tg_randn(sp, nd, dt);
        break;
    }
    result(f, dst, t, "creation");
}

/* tg_from_*: one element per byte, or a pattern from two bytes. */
static void op_from(fz *f)
{
    static const int64_t I64[8] = {0, 1, -1, 7, INT64_MAX, INT64_MIN, (int64_t)1 << 40, -3};
    static const int32_t I32[8] = {0, 1, -1, 7, INT32_MAX, INT32_MIN, 1 << 20, -3};
    uint8_t dst = u8(f), kind = u8(f);
    int64_t shape[SHAPE_CAP];
    bool null_shape;
    int nd = gen_shape(f, shape, &null_shape);
    const int64_t *sp = null_shape ? NULL : shape;
    uint8_t mode = u8(f), seed = u8(f), stride = u8(f) | 1;
    double count = nd >= 0 && nd <= TG_MAX_DIMS && !null_shape ? numel_of(shape, nd) : 0;
    size_t n = count > 0 && count <= MAX_MADE ? (size_t)count : 0;
    union { float f32[MAX_MADE]; double f64[MAX_MADE]; int64_t i64[MAX_MADE]; int32_t i32[MAX_MADE]; bool b[MAX_MADE]; } *d =
        malloc(sizeof *d);
    if (!d) return;
    for (size_t i = 0; i < n; i++) {
        uint8_t b = mode & 1 ? u8(f) : (uint8_t)(seed + i * stride);
        double v = b & 0x80 ? (double)((int)(b & 0x7f) - 64) / 8 : VALUES[b % 16];
        switch (kind % 5) {
        case 0: d->f32[i] = (float)v; break;
        case 1: d->f64[i] = v; break;
        case 2: d->i64[i] = b & 0x80 ? (int64_t)(b & 0x7f) - 64 : I64[b % 8]; break;
        case 3: d->i32[i] = b & 0x80 ? (int32_t)(b & 0x7f) - 64 : I32[b % 8]; break;
        default: d->b[i] = b & 1; break;
        }
    }
    /* Absurd shapes get the same MAX_MADE-element buffer: the library must
       reject them before it reads any data (ASan would see the overrun). */
    const void *p = (mode & 6) == 6 ? NULL : d;
    trace("from kind %d ndim %d n %zu%s\n", kind % 5, nd, n, p ? "" : " (NULL data)");
    tg_tensor *t;
    switch (kind % 5) {
    case 0: t = tg_from_f32(p, sp, nd); break;
    case 1: t = tg_from_f64(p, sp, nd); break;
    case 2: t = tg_from_i64(p, sp, nd); break;
    case 3: t = tg_from_i32(p, sp, nd); break;
    default: t = tg_from_bool(p, sp, nd); break;
    }
    free(d);
    result(f, dst, t, "tg_from_*");
}

static void op_arange(fz *f)
{
    static const double ENDS[8] = {0, 1, 5, -3, 2.5, NAN, INFINITY, 1e30};
    static const double STEPS[8] = {1, 2, 0.5, -1, -0.7, 0, NAN, INFINITY};
    uint8_t dst = u8(f), b = u8(f);
    double start = b & 0x80 ? (double)((int)(b & 0x7f) % 21 - 10) : ENDS[b % 8];
    b = u8(f);
    double end = b & 0x80 ? (double)((int)(b & 0x7f) % 21 - 10) : ENDS[b % 8];
    double step = STEPS[u8(f) % 8];
    tg_dtype dt = gen_dtype(f);
    trace("arange %g %g %g dtype %d\n", start, end, step, (int)dt);
    result(f, dst, tg_arange(start, end, step, dt), "tg_arange");
}

static void op_binary(fz *f)
{
    static tg_tensor *(*const FNS[7])(const tg_tensor *, const tg_tensor *) = {
        tg_add, tg_sub, tg_mul, tg_div, tg_pow, tg_maximum, tg_minimum,
    };
    uint8_t dst = u8(f), which = u8(f) % 7;
    tg_tensor *a = R(f), *b = R(f);
    if (bcast_numel(a, b, NULL) > MAX_MADE) return;
    trace("binary %d\n", which);
    result(f, dst, FNS[which](a, b), "binary operation");
}

static void op_binary_scalar(fz *f)
{
    static tg_tensor *(*const FNS[6])(const tg_tensor *, double) = {
        tg_add_scalar, tg_sub_scalar, tg_mul_scalar, tg_div_scalar, tg_pow_scalar, tg_rsub_scalar,
    };
    uint8_t dst = u8(f), which = u8(f) % 6;
    tg_tensor *a = R(f);
    double s = gen_value(f);
    trace("binary scalar %d %g\n", which, s);
    result(f, dst, FNS[which](a, s), "scalar operation");
}

static void op_unary(fz *f)
{
    static tg_tensor *(*const FNS[15])(const tg_tensor *) = {
        tg_neg, tg_exp, tg_log, tg_sqrt, tg_abs, tg_sin, tg_cos, tg_tanh,
        tg_sigmoid, tg_relu, tg_sign, tg_clone, tg_contiguous, tg_detach, tg_data,
    };
    uint8_t dst = u8(f), which = u8(f) % 16, src = u8(f);
    tg_tensor *a = f->regs[src % NREG].t;
    bool view = f->regs[src % NREG].view;
    trace("unary %d\n", which);
    tg_tensor *t = which == 15 ? tg_to(a, gen_dtype(f)) : FNS[which](a);
    result(f, dst, t, which == 15 ? "tg_to" : "unary operation");
    if (t && t == a && f->regs[dst % NREG].t == t) f->regs[dst % NREG].view = view;   /* contiguous(), to() */
}

static void op_where(fz *f)
{
    uint8_t dst = u8(f);
    tg_tensor *c = R(f), *a = R(f), *b = R(f);
    if (bcast_numel(c, a, b) > MAX_MADE) return;
    trace("where\n");
    result(f, dst, tg_where(c, a, b), "tg_where");
}

static void op_reduce(fz *f)
{
    uint8_t dst = u8(f), which = u8(f) % 7;
    tg_tensor *a = R(f);
    int nd = a ? tg_ndim(a) : 2;
    uint8_t b = u8(f);
    int ndims = b % 4;
    if (b == 0xff) ndims = -1;
    if (b == 0xfe) ndims = TG_MAX_DIMS + 1;
    int64_t dims[TG_MAX_DIMS + 1];
    for (int i = 0; i < TG_MAX_DIMS + 1; i++) dims[i] = i < 4 ? gen_dim(f, nd) : i;
    bool keepdim = u8(f) & 1;
    const int64_t *dp = (b & 0xf0) == 0xe0 ? NULL : dims;
    trace("reduce %d ndims %d keepdim %d\n", which, ndims, keepdim);
    switch (which) {
    case 0: result(f, dst, tg_sum(a), "tg_sum"); break;
    case 1: result(f, dst, tg_mean(a), "tg_mean"); break;
    case 2: result(f, dst, tg_sum_dim(a, dp, ndims, keepdim), "tg_sum_dim"); break;
    case 3: result(f, dst, tg_mean_dim(a, dp, ndims, keepdim), "tg_mean_dim"); break;
    case 4: result(f, dst, tg_max_dim(a, dims[0], keepdim, NULL), "tg_max_dim"); break;
    case 5: {
        tg_tensor *idx = NULL;
        tg_tensor *v = tg_max_dim(a, dims[0], keepdim, &idx);
        if (v && !idx) report(f, "tg_max_dim gave values but no indices");
        if (!v && idx) report(f, "tg_max_dim failed but gave indices");
        result(f, dst, v, "tg_max_dim");
        if (idx) put(f, dst + 1, idx, FRESH, "tg_max_dim indices");
        break;
    }
    default: result(f, dst, tg_norm(a), "tg_norm"); break;
    }
}

/* A shape for view/reshape with the given number of elements: usually
   valid (a random factorization, maybe with a -1), sometimes not. */
static int gen_view_shape(fz *f, int64_t numel, int64_t *shape)
{
    uint8_t b = u8(f);
    int nd = b % 5;
    if (b == 0xff) return -1;
    if (b == 0xfe) return TG_MAX_DIMS + 1;
    if (b == 0xfd) nd = TG_MAX_DIMS;
    int64_t rem = numel;
    for (int i = 0; i < nd; i++) {
        if (i == nd - 1) {
            shape[i] = rem;
            break;
        }
        int64_t d = 1 + u8(f) % 5;
        if (rem == 0) d = u8(f) % 3;
        else if (rem % d) d = 1;
        shape[i] = d;
        if (d) rem /= d;
    }
    if (nd == 0 && numel != 1 && !(b & 0x20)) {   /* else a wrong 0-dim shape */
        nd = 1;
        shape[0] = numel;
    }
    uint8_t twist = u8(f);
    if (nd > 0 && (twist & 3) == 1) shape[twist % nd] = -1;                 /* inferred */
    if (nd > 0 && (twist & 7) == 2) shape[twist % nd] += 1;                 /* wrong count */
    if (nd > 1 && (twist & 7) == 6) shape[0] = shape[1] = -1;               /* two inferred */
    if (nd > 0 && (twist & 15) == 7) shape[twist % nd] = -2 - (twist >> 4); /* negative */
    if (nd > 1 && (twist & 15) == 11) shape[0] = shape[1] = (int64_t)1 << 40; /* overflowing */
    return nd;
}

static void op_view(fz *f)
{
    uint8_t dst = u8(f), which = u8(f) % 11;
    tg_tensor *a = R(f);
    int nd = a ? tg_ndim(a) : 1;
    const int64_t *sh = a ? tg_shape(a) : NULL;
    int64_t numel = a ? tg_numel(a) : 4;
    int64_t shape[SHAPE_CAP];
    for (int i = 0; i < SHAPE_CAP; i++) shape[i] = 1;
    tg_tensor *t = NULL;
    const char *what = "view";
    switch (which) {
    case 0:
    case 1: {
        int n = gen_view_shape(f, numel, shape);
        trace("%s ndim %d\n", which ? "reshape" : "view", n);
        what = which ? "tg_reshape" : "tg_view";
        t = which ? tg_reshape(a, shape, n) : tg_view(a, shape, n);
        break;
    }
    case 2: {
        int64_t d0 = gen_dim(f, nd), d1 = gen_dim(f, nd);
        trace("transpose %lld %lld\n", (long long)d0, (long long)d1);
        what = "tg_transpose";
        t = tg_transpose(a, d0, d1);
        break;
    }
    case 3: {   /* a permutation by Fisher-Yates, sometimes spoiled */
        int n = nd;
        for (int i = 0; i < n; i++) shape[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = u8(f) % (i + 1);
            int64_t tmp = shape[i];
            shape[i] = shape[j];
            shape[j] = tmp;
        }
        uint8_t twist = u8(f);
        if (n > 0 && (twist & 7) == 1) shape[twist % n] = gen_dim(f, nd);   /* repeat or out of range */
        if ((twist & 7) == 2) n = n + 1 < SHAPE_CAP ? n + 1 : n;
        if ((twist & 7) == 3 && n > 0) n--;
        if ((twist & 7) == 4 && n > 0) shape[0] -= nd;   /* the same dim, negative */
        trace("permute n %d\n", n);
        what = "tg_permute";
        t = tg_permute(a, (twist & 0xf8) == 0xf8 ? NULL : shape, n);
        break;
    }
    case 4: {   /* expand: sizes 1 become 0-5, plus leading dims */
        uint8_t b = u8(f);
        int lead = b % 3, n = nd + lead;
        if (b == 0xff) n = TG_MAX_DIMS + 1;           /* too many sizes (all 1) */
        else if (b == 0xfe) n = nd > 0 ? nd - 1 : 0;  /* too few */
        if (b == 0xfe && sh) memcpy(shape, sh, (size_t)n * sizeof *shape);
        bool huge = false;   /* a view too large to use: put() will not keep it */
        if (b != 0xff && b != 0xfe)
            for (int i = 0; i < n; i++) {
                int j = i - lead;
                uint8_t c = u8(f);
                int64_t src = j >= 0 && sh ? sh[j] : 1;
                shape[i] = src == 1 ? c % 6 : (c & 3) == 0 ? -1 : src;
                if ((c & 0xf0) == 0xf0) shape[i] = (c & 1) ? -1 - (c & 2) : src + 1;
                if ((c & 0xfc) == 0xec) {
                    shape[i] = (int64_t)1 << (31 + 8 * (c & 3));
                    huge = true;
                }
            }
        double made = 1;
        for (int i = 0; i < n && i < TG_MAX_DIMS; i++) made *= (double)(shape[i] < 0 ? 1 : shape[i]);
        if (made > MAX_MADE && !huge) return;
        trace("expand n %d\n", n);
        what = "tg_expand";
        t = tg_expand(a, (b & 0xf0) == 0xe0 ? NULL : shape, n);
        break;
    }
    case 5: {
        int64_t d = gen_dim(f, nd);
        int64_t size = a && nd > 0 && d >= -nd && d < nd ? sh[d < 0 ? d + nd : d] : 3;
        int64_t i = gen_index(f, size);
        trace("select %lld %lld\n", (long long)d, (long long)i);
        what = "tg_select";
        t = tg_select(a, d, i);
        break;
    }
    case 6: {
        int64_t d = gen_dim(f, nd);
        int64_t size = a && nd > 0 && d >= -nd && d < nd ? sh[d < 0 ? d + nd : d] : 3;
        int64_t start = gen_index(f, size), end = gen_index(f, size);
        uint8_t b = u8(f);
        int64_t stp = (int64_t[]){1, 1, 2, 3, 0, -1, INT64_MAX, 1000}[b % 8];
        trace("slice %lld %lld:%lld:%lld\n", (long long)d, (long long)start, (long long)end, (long long)stp);
        what = "tg_slice";
        t = tg_slice(a, d, start, end, stp);
        break;
    }
    case 7: {
        int64_t d = gen_dim(f, nd + 1);
        trace("unsqueeze %lld\n", (long long)d);
        what = "tg_unsqueeze";
        t = tg_unsqueeze(a, d);
        break;
    }
    case 8: {
        int64_t d = gen_dim(f, nd);
        trace("squeeze_dim %lld\n", (long long)d);
        what = "tg_squeeze_dim";
        t = tg_squeeze_dim(a, d);
        break;
    }
    case 9:
        trace("t\n");
        what = "tg_t";
        t = tg_t(a);
        break;
    default: {   /* a chain of unsqueezes, to reach the rank limit */
        int n = 1 + u8(f) % 16;
        trace("unsqueeze x%d\n", n);
        what = "tg_unsqueeze chain";
        t = tg_unsqueeze(a, 0);
        for (int i = 1; i < n && t; i++) t = tg_unsqueeze(t, 0);
        break;
    }
    }
    result(f, dst, t, what);
    if (t && f->regs[dst % NREG].t == t) f->regs[dst % NREG].view = true;
}

static void op_matmul(fz *f)
{
    uint8_t dst = u8(f);
    tg_tensor *a = R(f), *b = R(f);
    if (a && b && tg_ndim(a) > 0 && tg_ndim(b) > 0) {
        /* outputs and multiply-adds, over-estimated: the batch dims broadcast */
        int na = tg_ndim(a), nb = tg_ndim(b);
        const int64_t *sa = tg_shape(a), *sb = tg_shape(b);
        double rows = na > 1 ? (double)sa[na - 2] : 1, inner = (double)sa[na - 1];
        double cols = nb > 1 ? (double)sb[nb - 1] : 1;
        double batch = 1;
        for (int i = 0; i < na - 2; i++) batch *= (double)(sa[i] > 1 ? sa[i] : 1);
        for (int i = 0; i < nb - 2; i++) batch *= (double)(sb[i] > 1 ? sb[i] : 1);
        if (batch * rows * cols > MAX_MADE || batch * rows * cols * inner > 64 * MAX_MADE ||
            batch * inner * (rows + cols) > 4 * MAX_MADE)
            return;
    }
    trace("matmul\n");
    result(f, dst, tg_matmul(a, b), "tg_matmul");
}

static void op_loss(fz *f)
{
    uint8_t dst = u8(f), which = u8(f) & 1;
    tg_tensor *a = R(f), *b = R(f);
    if (bcast_numel(a, b, NULL) > MAX_MADE) return;
    trace("loss %d\n", which);
    result(f, dst, which ? tg_mse_loss(a, b) : tg_binary_cross_entropy_with_logits(a, b), "loss");
}

static void op_inplace(fz *f)
{
    static tg_tensor *(*const BIN[7])(tg_tensor *, const tg_tensor *) = {
        tg_add_, tg_sub_, tg_mul_, tg_div_, tg_pow_, tg_maximum_, tg_minimum_,
    };
    static tg_tensor *(*const SCALAR[6])(tg_tensor *, double) = {
        tg_add_scalar_, tg_sub_scalar_, tg_mul_scalar_, tg_div_scalar_, tg_pow_scalar_, tg_rsub_scalar_,
    };
    uint8_t which = u8(f) % 16;
    tg_tensor *t = R(f);
    /* A leaf the program made require grad and then not: see the comment
       at the top (a cycle the library cannot avoid yet). */
    bool flipped_leaf = false;
    const tg_tensor *owner = t && tg__view_base(t) ? tg__view_base(t) : t;   /* a view's writes rebase its base */
    for (int i = 0; owner && i < f->n_leaves; i++) flipped_leaf |= f->leaves[i] == owner;
    if (flipped_leaf && tg_is_leaf(owner) && !tg_requires_grad(owner) && tg_is_grad_enabled()) return;
    if (which < 7) {
        tg_tensor *o = R(f);
        if (bcast_numel(t, o, NULL) > MAX_MADE) return;
        trace("inplace binary %d\n", which);
        inplace_result(f, t, BIN[which](t, o), "in-place binary operation");
    } else if (which < 13) {
        double s = gen_value(f);
        trace("inplace scalar %d %g\n", which - 7, s);
        inplace_result(f, t, SCALAR[which - 7](t, s), "in-place scalar operation");
    } else if (which == 13) {
        trace("zero_\n");
        inplace_result(f, t, tg_zero_(t), "tg_zero_");
    } else if (which == 14) {
        double v = gen_value(f);
        trace("fill_ %g\n", v);
        inplace_result(f, t, tg_fill_(t, v), "tg_fill_");
    } else {
        tg_tensor *src = R(f);
        if (bcast_numel(t, src, NULL) > MAX_MADE) return;
        trace("copy_\n");
        inplace_result(f, t, tg_copy_(t, src), "tg_copy_");
    }
}

static void op_requires_grad(fz *f)
{
    uint8_t sel = u8(f);
    tg_tensor *t = f->regs[sel % NREG].t;
    bool flag = (u8(f) & 3) != 0;
    if (flag && f->n_leaves == MAX_LEAVES) return;   /* no room to clear its .grad later */
    if (flag && f->regs[sel % NREG].view && tg_is_leaf(t)) return;   /* see the top comment */
    trace("requires_grad_ %d\n", flag);
    tg_tensor *r = tg_requires_grad_(t, flag);
    if (!r) {
        expect_error(f, "tg_requires_grad_");
        return;
    }
    if (r != t) report(f, "tg_requires_grad_ did not return its argument");
    if (flag && tg_requires_grad(r) != true) report(f, "tg_requires_grad_(t, true) left requires_grad false");
    if (flag) f->leaves[f->n_leaves++] = tg_retain(r);
}

static void op_backward(fz *f)
{
    uint8_t b = u8(f);
    tg_tensor *root = R(f);
    tg_tensor *grad = b & 1 ? R(f) : NULL;
    tg_backward_opts opts = {.retain_graph = b & 2, .create_graph = b & 4};
    if (opts.create_graph && tg__live_nodes() - f->nodes0 > MAX_NODES / 4) opts.create_graph = false;
    trace("backward grad %d retain %d create %d\n", b & 1, opts.retain_graph, opts.create_graph);
    int rc = b & 8 ? tg_backward_ex(root, grad, opts) : tg_backward(root, grad);
    if (rc != 0 && rc != -1) report(f, "tg_backward returned %d", rc);
    if (rc) expect_error(f, "tg_backward");
}

static void op_autograd_grad(fz *f)
{
    uint8_t b = u8(f), c = u8(f);
    int n_out = b % 3, n_in = (b >> 2) % 4;
    if (b == 0xff) n_out = -1;
    tg_tensor *outs[2], *ins[3], *gos[2], *grads[3] = {NULL, NULL, NULL};
    uint8_t dsts[3];
    for (int i = 0; i < 2; i++) outs[i] = R(f);
    for (int i = 0; i < 3; i++) ins[i] = R(f);
    for (int i = 0; i < 2; i++) gos[i] = u8(f) & 1 ? R(f) : NULL;
    for (int i = 0; i < 3; i++) dsts[i] = u8(f);
    tg_backward_opts opts = {.retain_graph = c & 1, .create_graph = c & 2};
    if (opts.create_graph && tg__live_nodes() - f->nodes0 > MAX_NODES / 4) opts.create_graph = false;
    trace("autograd_grad out %d in %d retain %d create %d\n", n_out, n_in, opts.retain_graph, opts.create_graph);
    int rc = tg_autograd_grad((c & 0x30) == 0x30 ? NULL : outs, n_out, ins, n_in, c & 4 ? gos : NULL, opts,
                              (c & 0xc0) == 0xc0 ? NULL : grads);
    if (rc != 0 && rc != -1) report(f, "tg_autograd_grad returned %d", rc);
    if (rc) {
        expect_error(f, "tg_autograd_grad");
        for (int i = 0; i < 3; i++)
            if (grads[i]) report(f, "tg_autograd_grad failed but wrote a gradient");
        return;
    }
    for (int i = 0; i < n_in; i++) {
        if (!grads[i]) report(f, "tg_autograd_grad succeeded without writing gradient %d", i);
        put(f, dsts[i], grads[i], FRESH, "tg_autograd_grad");
        if (grads[i] && f->regs[dsts[i] % NREG].t == grads[i]) f->regs[dsts[i] % NREG].view = true;   /* may be */
    }
}

static void op_grad(fz *f)
{
    uint8_t what = u8(f), dst = u8(f);
    tg_tensor *t = R(f);
    if (what & 1) {
        trace("zero_grad\n");
        tg_zero_grad(t);
        if (t && tg_grad(t)) report(f, "tg_zero_grad left a gradient");
    } else {
        tg_tensor *g = tg_grad(t);
        trace("grad -> %s\n", g ? "tensor" : "NULL");
        if (g) put(f, dst, g, SHARED, "tg_grad");
    }
}

static void op_grad_mode(fz *f)
{
    uint8_t b = u8(f);
    if (b & 1) {   /* a TG_NO_GRAD block around the next instructions */
        int n = 1 + (b >> 1) % 4;
        if (f->nesting == MAX_NESTING) return;
        bool before = tg_is_grad_enabled();
        trace("no_grad {\n");
        f->nesting++;
        TG_NO_GRAD {
            if (tg_is_grad_enabled()) report(f, "grad mode is on inside TG_NO_GRAD");
            for (int i = 0; i < n && more(f) && f->steps < MAX_STEPS; i++) step(f);
        }
        f->nesting--;
        trace("}\n");
        if (tg_is_grad_enabled() != before) report(f, "TG_NO_GRAD did not restore grad mode");
    } else {
        bool on = b & 2, before = tg_is_grad_enabled();
        trace("set_grad_enabled %d\n", on);
        if (tg_set_grad_enabled(on) != before) report(f, "tg_set_grad_enabled did not return the previous mode");
        if (tg_is_grad_enabled() != on) report(f, "tg_set_grad_enabled did not set the mode");
    }
}

/* Ends the innermost harness scope: borrowed registers it owns go first. */
static void end_scope(fz *f)
{
    for (int i = 0; i < NREG; i++)
        if (f->regs[i].t && !f->regs[i].retained && f->regs[i].depth >= f->depth) drop(&f->regs[i]);
    tg_scope_end();
    f->depth--;
}

static void op_scope(fz *f)
{
    uint8_t b = u8(f), sel = u8(f);
    reg *r = &f->regs[sel % NREG];
    switch (b % 5) {
    case 0:
        if (f->depth == MAX_DEPTH) return;
        trace("scope_begin\n");
        if (tg_scope_begin() < 0) {
            expect_error(f, "tg_scope_begin");
            return;
        }
        f->depth++;
        break;
    case 1:
        if (f->depth < 2) return;   /* the outer scope is the harness's own */
        trace("scope_end\n");
        end_scope(f);
        break;
    case 2: {   /* keep: a borrowed tensor of this scope moves to the enclosing one */
        if (f->depth < 2) return;   /* the enclosing scope would be the root */
        trace("keep\n");
        /* A tensor this scope made must move; any other may (a function
           can hand out one more reference to a tensor it was given, as
           tg_to does to a tensor of its dtype) or fail with TG_E_SCOPE. */
        bool owned = r->t && !r->retained && r->depth == f->depth;
        tg_tensor *kept = tg_keep(r->t);
        if (!r->t) {
            if (kept) report(f, "tg_keep(NULL) did not return NULL");
            expect_error(f, "tg_keep(NULL)");
            return;
        }
        if (kept && kept != r->t) report(f, "tg_keep did not return its argument");
        if (!kept && (owned || tg_last_status() != TG_E_SCOPE))
            report(f, "tg_keep of a tensor of this scope failed: %s", tg_last_error());
        if (!kept) {
            tg_clear_error();
            return;
        }
        if (owned) {
            tg_tensor *t = r->t;
            for (int i = 0; i < NREG; i++)
                if (f->regs[i].t == t && !f->regs[i].retained && f->regs[i].depth == f->depth) f->regs[i].depth--;
        }
        break;
    }
    case 3:
        if (f->n_pins == MAX_PINS) return;
        trace("retain\n");
        if (tg_retain(r->t) != r->t) report(f, "tg_retain did not return its argument");
        if (r->t) f->pins[f->n_pins++] = r->t;
        else expect_error(f, "tg_retain(NULL)");
        break;
    default:
        trace("release\n");
        tg_release(f->n_pins ? f->pins[--f->n_pins] : NULL);
        break;
    }
}

/* Graph walk from t's grad_fn, steered by one byte of the input. */
static void walk(fz *f, const tg_tensor *t)
{
    const tg_node *n = tg_grad_fn(t);
    unsigned path = u8(f);
    for (int k = 0; n && k < 16; k++) {
        const char *name = tg_node_name(n);
        int count = tg_node_num_next(n);
        if (!name || !name[0] || count < 0 || count > 6) {   /* cat and stack take up to 6 */
            report(f, "a graph node with name %s and %d next nodes", name ? name : "(null)", count);
            return;
        }
        int i = (int)((path + 5u * (unsigned)k) % (unsigned)(count + 2)) - 1;   /* -1 and count: out of range */
        const tg_node *next = tg_node_next(n, i);
        if ((i < 0 || i >= count) && next) report(f, "tg_node_next(%d) of a node with %d is not NULL", i, count);
        n = next;
    }
    if (tg_node_name(NULL) || tg_node_num_next(NULL) != 0 || tg_node_next(NULL, 0))
        report(f, "node readers of NULL");
}

static void op_inspect(fz *f)
{
    uint8_t what = u8(f) % 9;
    tg_tensor *t = R(f);
    trace("inspect %d\n", what);
    switch (what) {
    case 0: {
        char *s = tg_repr(t);
        if (!s) expect_error(f, "tg_repr");
        else if (!t) report(f, "tg_repr(NULL) returned a string");
        free(s);
        break;
    }
    case 1: {   /* opened each time: valgrind counts a FILE left open at exit */
        FILE *devnull = fopen("/dev/null", "w");
        if (!devnull) break;
        if (tg_graph_dot(t, devnull)) expect_error(f, "tg_graph_dot");
        fclose(devnull);
        break;
    }
    case 2: {   /* a small in-memory file: long graphs fail to fit */
        size_t cap = 1 + u8(f) * 4;
        char *buf = malloc(cap);
        FILE *mem = buf ? fmemopen(buf, cap, "w") : NULL;
        if (mem) {
            if (tg_graph_dot(t, mem)) expect_error(f, "tg_graph_dot");
            fclose(mem);
        }
        free(buf);
        break;
    }
    case 3:
        if (tg_graph_dot(t, NULL) != -1) report(f, "tg_graph_dot(t, NULL) did not fail");
        else expect_error(f, "tg_graph_dot(t, NULL)");
        break;
    case 4: {
        double v = tg_item(t);
        if (!t || tg_numel(t) != 1) {
            if (!isnan(v)) report(f, "tg_item of %lld elements returned %g", (long long)tg_numel(t), v);
            expect_error(f, "tg_item");
        }
        break;
    }
    case 5: {
        int64_t n = t ? tg_numel(t) : 0;
        double *buf = n <= MAX_STORED ? malloc((size_t)n * sizeof *buf + 1) : NULL;
        if (!buf) break;
        int rc = tg_copy_to_f64(t, u8(f) & 1 ? NULL : buf);
        if (rc) expect_error(f, "tg_copy_to_f64");
        free(buf);
        break;
    }
    case 6:
        walk(f, t);
        break;
    case 7: {
        tg_dtype dt = tg_dtype_of(t);
        (void)tg_dtype_name(dt);
        (void)tg_dtype_name(gen_dtype(f));
        (void)tg_is_contiguous(t);
        (void)tg_version(t);
        (void)tg_strides(t);
        bool leaf = tg_is_leaf(t), rg = tg_requires_grad(t);
        if (t && !leaf && !rg) report(f, "a non-leaf that does not require grad");
        if (t && leaf != !tg_grad_fn(t)) report(f, "tg_is_leaf disagrees with tg_grad_fn");
        if (!t && (tg_ndim(t) != -1 || tg_numel(t) != -1 || tg_shape(t))) report(f, "readers of NULL");
        if (!t) {   /* prints nothing, records the error */
            tg_print(NULL);
            expect_error(f, "tg_print(NULL)");
        }
        break;
    }
    default: {   /* the gradient's text */
        tg_tensor *g = tg_grad(t);
        char *s = g ? tg_repr(g) : NULL;
        if (g && !s) expect_error(f, "tg_repr of a gradient");
        free(s);
        break;
    }
    }
}

static void op_move(fz *f)
{
    uint8_t dst = u8(f), src = u8(f);
    if (src & 0x80) {
        trace("clear\n");
        drop(&f->regs[dst % NREG]);
        return;
    }
    trace("move\n");
    tg_tensor *t = f->regs[src % NREG].t;
    bool view = f->regs[src % NREG].view;
    if (t) put(f, dst, t, SHARED, "move");
    else drop(&f->regs[dst % NREG]);
    if (t && f->regs[dst % NREG].t == t) f->regs[dst % NREG].view = view;
}

/* gradcheck's functions of (inputs, n). */
static tg_tensor *gc_fn(tg_tensor *const *in, int n, void *ctx)
{
    const tg_tensor *x = in[0], *y = in[n - 1];
    switch (*(const int *)ctx) {
    case 0: return tg_sum(tg_mul(x, y));
    case 1: return tg_tanh(x);
    case 2: return tg_mean_dim(x, (int64_t[]){-1}, 1, true);
    case 3: return tg_pow_scalar(x, 3);
    case 4: return tg_matmul(x, tg_t(y));
    case 5: return tg_max_dim(x, 0, false, NULL);
    case 6: return tg_norm(x);
    case 7: return tg_mse_loss(x, tg_sin(y));
    case 8: return tg_div(x, tg_add_scalar(tg_abs(y), 1));
    case 9: return tg_sigmoid(tg_select(tg_reshape(x, (int64_t[]){-1}, 1), 0, 0));
    case 10: return tg_where(NULL, x, y);   /* always fails */
    default: return tg_binary_cross_entropy_with_logits(x, tg_sigmoid(y));
    }
}

static void op_gradcheck(fz *f)
{
    uint8_t b = u8(f);
    int fn = u8(f) % 12;
    tg_tensor *x = R(f), *y = R(f);
    tg_tensor *in[2] = {x, y};
    int n = 1 + (b & 1);
    if ((x && tg_numel(x) > 8) || (y && tg_numel(y) > 8)) return;
    if (b & 2) {   /* make f64 leaves that require grad from the registers */
        for (int i = 0; i < n; i++) {
            tg_tensor *c = in[i] ? tg_detach(tg_to(in[i], TG_F64)) : NULL;
            in[i] = c ? tg_requires_grad_(tg_clone(c), true) : NULL;
        }
    }
    tg_gradcheck_opts opts = {.second_order = b & 4};
    if ((b & 0x18) == 0x18) opts.eps = -1;
    trace("gradcheck fn %d n %d second %d\n", fn, n, opts.second_order);
    int rc = tg_gradcheck(gc_fn, in, n, &fn, opts);
    if (rc != 0 && rc != -1) report(f, "tg_gradcheck returned %d", rc);
    if (rc) expect_error(f, "tg_gradcheck");
}

/* ------------------------------------------- the operations added later */

/* Whether an in-place operation may be recorded on t (see op_inplace and
   the top comment: a flipped leaf's cycle). */
static bool inplace_ok(const fz *f, const tg_tensor *t)
{
    bool flipped_leaf = false;
    const tg_tensor *owner = t && tg__view_base(t) ? tg__view_base(t) : t;
    for (int i = 0; owner && i < f->n_leaves; i++) flipped_leaf |= f->leaves[i] == owner;
    return !(flipped_leaf && tg_is_leaf(owner) && !tg_requires_grad(owner) && tg_is_grad_enabled());
}

static int64_t span_of(const tg_tensor *t)
{
    int64_t s = 1;
    for (int i = 0; t && i < tg_ndim(t); i++) s *= tg_shape(t)[i] > 1 ? tg_shape(t)[i] : 1;
    return s;
}

/* The size of dim d of t, or 3 when d is out of range. */
static int64_t size_at(const tg_tensor *t, int64_t d)
{
    int nd = t ? tg_ndim(t) : 0;
    if (!t || nd == 0 || d < -nd || d >= nd) return 3;
    return tg_shape(t)[d < 0 ? d + nd : d];
}

/* A list of dims: ndims (sometimes -1 or too many), NULL sometimes. */
static int gen_dims(fz *f, int nd, int64_t *dims, const int64_t **dp)
{
    uint8_t b = u8(f);
    int n = b % 4;
    if (b == 0xff) n = -1;
    if (b == 0xfe) n = TG_MAX_DIMS + 1;
    for (int i = 0; i < TG_MAX_DIMS + 1; i++) dims[i] = i < 4 ? gen_dim(f, nd) : i;
    *dp = (b & 0xf0) == 0xe0 ? NULL : dims;
    return n;
}

typedef tg_tensor *(*un_fn)(const tg_tensor *);
typedef tg_tensor *(*un_fn_)(tg_tensor *);

/* Unary functions and activations, their in-place twins (NULL: none). */
static const struct { un_fn fn; un_fn_ fn_; const char *name; } UNARY2[] = {
    {tg_expm1, tg_expm1_, "expm1"}, {tg_log1p, tg_log1p_, "log1p"}, {tg_log2, tg_log2_, "log2"},
    {tg_log10, tg_log10_, "log10"}, {tg_rsqrt, tg_rsqrt_, "rsqrt"}, {tg_reciprocal, tg_reciprocal_, "reciprocal"},
    {tg_square, tg_square_, "square"}, {tg_tan, tg_tan_, "tan"}, {tg_asin, tg_asin_, "asin"},
    {tg_acos, tg_acos_, "acos"}, {tg_atan, tg_atan_, "atan"}, {tg_sinh, tg_sinh_, "sinh"},
    {tg_cosh, tg_cosh_, "cosh"}, {tg_asinh, tg_asinh_, "asinh"}, {tg_acosh, tg_acosh_, "acosh"},
    {tg_atanh, tg_atanh_, "atanh"}, {tg_erf, tg_erf_, "erf"}, {tg_erfc, tg_erfc_, "erfc"},
    {tg_erfinv, tg_erfinv_, "erfinv"}, {tg_floor, tg_floor_, "floor"}, {tg_ceil, tg_ceil_, "ceil"},
    {tg_round, tg_round_, "round"}, {tg_trunc, tg_trunc_, "trunc"}, {tg_frac, tg_frac_, "frac"},
    {tg_gelu, tg_gelu_, "gelu"}, {tg_gelu_tanh, tg_gelu_tanh_, "gelu_tanh"}, {tg_silu, tg_silu_, "silu"},
    {tg_mish, tg_mish_, "mish"}, {tg_logsigmoid, NULL, "logsigmoid"},
    {tg_hardsigmoid, tg_hardsigmoid_, "hardsigmoid"}, {tg_hardswish, tg_hardswish_, "hardswish"},
    {tg_selu, tg_selu_, "selu"}, {tg_relu6, tg_relu6_, "relu6"}, {tg_logical_not, tg_logical_not_, "logical_not"},
    {tg_isnan, NULL, "isnan"}, {tg_isinf, NULL, "isinf"}, {tg_isfinite, NULL, "isfinite"},
    {tg_neg, tg_neg_, "neg"}, {tg_exp, tg_exp_, "exp"}, {tg_log, tg_log_, "log"}, {tg_sqrt, tg_sqrt_, "sqrt"},
    {tg_abs, tg_abs_, "abs"}, {tg_sin, tg_sin_, "sin"}, {tg_cos, tg_cos_, "cos"}, {tg_tanh, tg_tanh_, "tanh"},
    {tg_sigmoid, tg_sigmoid_, "sigmoid"}, {tg_relu, tg_relu_, "relu"}, {tg_sign, tg_sign_, "sign"},
};
enum { N_UNARY2 = sizeof UNARY2 / sizeof *UNARY2, N_PARAM = 17 };

/* Unary operations, with parameters from the value table, in place when
   the high bit of `which` is set. */
static void op_unary2(fz *f)
{
    uint8_t dst = u8(f), w = u8(f), src = u8(f);
    bool inplace = w & 0x80;
    int which = (w & 0x7f) % (N_UNARY2 + N_PARAM);
    tg_tensor *a = f->regs[src % NREG].t;
    if (inplace && !inplace_ok(f, a)) return;
    tg_tensor *t = NULL;
    const char *what;
    if (which < N_UNARY2) {
        what = UNARY2[which].name;
        if (inplace && !UNARY2[which].fn_) inplace = false;
        trace("%s%s\n", what, inplace ? "_" : "");
        t = inplace ? UNARY2[which].fn_(a) : UNARY2[which].fn(a);
    } else {
        double p = gen_value(f), q = gen_value(f), r = gen_value(f);
        trace("param unary %d %g %g %g%s\n", which - N_UNARY2, p, q, r, inplace ? " in place" : "");
        switch (which - N_UNARY2) {
        case 0: what = "softplus"; inplace = false; t = tg_softplus(a, p, q); break;
        case 1: what = "leaky_relu"; t = inplace ? tg_leaky_relu_(a, p) : tg_leaky_relu(a, p); break;
        case 2: what = "elu"; t = inplace ? tg_elu_(a, p) : tg_elu(a, p); break;
        case 3: what = "celu"; t = inplace ? tg_celu_(a, p) : tg_celu(a, p); break;
        case 4: what = "hardtanh"; t = inplace ? tg_hardtanh_(a, p, q) : tg_hardtanh(a, p, q); break;
        case 5: what = "clamp"; t = inplace ? tg_clamp_(a, p, q) : tg_clamp(a, p, q); break;
        case 6: what = "clamp_min"; t = inplace ? tg_clamp_min_(a, p) : tg_clamp_min(a, p); break;
        case 7: what = "clamp_max"; t = inplace ? tg_clamp_max_(a, p) : tg_clamp_max(a, p); break;
        case 8: what = "nan_to_num"; t = inplace ? tg_nan_to_num_(a, p, q, r) : tg_nan_to_num(a, p, q, r); break;
        case 9: what = "fmod_scalar"; t = inplace ? tg_fmod_scalar_(a, p) : tg_fmod_scalar(a, p); break;
        case 10: what = "remainder_scalar"; t = inplace ? tg_remainder_scalar_(a, p) : tg_remainder_scalar(a, p); break;
        case 11: what = "eq_scalar"; t = inplace ? tg_eq_scalar_(a, p) : tg_eq_scalar(a, p); break;
        case 12: what = "ne_scalar"; t = inplace ? tg_ne_scalar_(a, p) : tg_ne_scalar(a, p); break;
        case 13: what = "lt_scalar"; t = inplace ? tg_lt_scalar_(a, p) : tg_lt_scalar(a, p); break;
        case 14: what = "le_scalar"; t = inplace ? tg_le_scalar_(a, p) : tg_le_scalar(a, p); break;
        case 15: what = "gt_scalar"; t = inplace ? tg_gt_scalar_(a, p) : tg_gt_scalar(a, p); break;
        default: what = "ge_scalar"; t = inplace ? tg_ge_scalar_(a, p) : tg_ge_scalar(a, p); break;
        }
    }
    if (inplace) inplace_result(f, a, t, what);
    else result(f, dst, t, what);
}

typedef tg_tensor *(*bin_fn)(const tg_tensor *, const tg_tensor *);
typedef tg_tensor *(*bin_fn_)(tg_tensor *, const tg_tensor *);

static const struct { bin_fn fn; bin_fn_ fn_; const char *name; } BINARY2[] = {
    {tg_eq, tg_eq_, "eq"}, {tg_ne, tg_ne_, "ne"}, {tg_lt, tg_lt_, "lt"}, {tg_le, tg_le_, "le"},
    {tg_gt, tg_gt_, "gt"}, {tg_ge, tg_ge_, "ge"}, {tg_logical_and, tg_logical_and_, "logical_and"},
    {tg_logical_or, tg_logical_or_, "logical_or"}, {tg_logical_xor, tg_logical_xor_, "logical_xor"},
    {tg_atan2, tg_atan2_, "atan2"}, {tg_fmod, tg_fmod_, "fmod"}, {tg_remainder, tg_remainder_, "remainder"},
    {tg_hypot, tg_hypot_, "hypot"}, {tg_xlogy, tg_xlogy_, "xlogy"},
};
enum { N_BINARY2 = sizeof BINARY2 / sizeof *BINARY2 };

/* Binary and ternary pointwise operations (in place with the high bit). */
static void op_binary2(fz *f)
{
    uint8_t dst = u8(f), w = u8(f);
    bool inplace = w & 0x80;
    int which = (w & 0x7f) % (N_BINARY2 + 6);
    tg_tensor *a = R(f), *b = R(f), *c = R(f);
    double v = gen_value(f);
    if (bcast_numel(a, b, which >= N_BINARY2 ? c : NULL) > MAX_MADE) return;
    if (inplace && !inplace_ok(f, a)) return;
    tg_tensor *t;
    const char *what;
    if (which < N_BINARY2) {
        what = BINARY2[which].name;
        t = inplace ? BINARY2[which].fn_(a, b) : BINARY2[which].fn(a, b);
    } else {
        switch (which - N_BINARY2) {
        case 0: what = "lerp"; t = inplace ? tg_lerp_(a, b, c) : tg_lerp(a, b, c); break;
        case 1: what = "lerp_scalar"; t = inplace ? tg_lerp_scalar_(a, b, v) : tg_lerp_scalar(a, b, v); break;
        case 2: what = "addcmul"; t = inplace ? tg_addcmul_(a, b, c, v) : tg_addcmul(a, b, c, v); break;
        case 3: what = "addcdiv"; t = inplace ? tg_addcdiv_(a, b, c, v) : tg_addcdiv(a, b, c, v); break;
        case 4: what = "masked_fill"; t = inplace ? tg_masked_fill_(a, b, v) : tg_masked_fill(a, b, v); break;
        default:   /* a mask made by comparing */
            what = "masked_fill(gt)";
            t = tg_gt_scalar(b, 0);
            if (!t) {
                expect_error(f, "tg_gt_scalar");
                return;
            }
            t = inplace ? tg_masked_fill_(a, t, v) : tg_masked_fill(a, t, v);
            break;
        }
    }
    trace("%s%s %g\n", what, inplace ? "_" : "", v);
    if (inplace) inplace_result(f, a, t, what);
    else result(f, dst, t, what);
}

static const double CORRECTIONS[8] = {1, 0, 2, 0.5, -1, 100, NAN, INFINITY};
static const int64_t KS[8] = {0, 1, 2, 3, 5, -1, 6, INT64_MAX};

/* The reductions, scans and sorts added later. */
static void op_reduce2(fz *f)
{
    uint8_t dst = u8(f), which = u8(f) % 27;
    tg_tensor *a = R(f);
    int nd = a ? tg_ndim(a) : 2;
    int64_t dims[TG_MAX_DIMS + 1];
    const int64_t *dp;
    int ndims = gen_dims(f, nd, dims, &dp);
    uint8_t flags = u8(f);
    bool keepdim = flags & 1, b2 = flags & 2, b3 = flags & 4;
    int64_t d = dims[0];
    tg_tensor *t = NULL, *second = NULL, **sp = (flags & 8) ? NULL : &second;
    const char *what;
    trace("reduce2 %d ndims %d dim %lld flags %d\n", which, ndims, (long long)d, flags);
    switch (which) {
    case 0: what = "max"; t = tg_max(a); break;
    case 1: what = "min"; t = tg_min(a); break;
    case 2: what = "min_dim"; t = tg_min_dim(a, d, keepdim, sp); break;
    case 3: what = "amax"; t = tg_amax(a, dp, ndims, keepdim); break;
    case 4: what = "amin"; t = tg_amin(a, dp, ndims, keepdim); break;
    case 5: what = "argmax"; t = tg_argmax(a, d, keepdim); break;
    case 6: what = "argmin"; t = tg_argmin(a, d, keepdim); break;
    case 7: what = "argmax_all"; t = tg_argmax_all(a); break;
    case 8: what = "argmin_all"; t = tg_argmin_all(a); break;
    case 9: what = "all"; t = tg_all(a); break;
    case 10: what = "any"; t = tg_any(a); break;
    case 11: what = "all_dim"; t = tg_all_dim(a, d, keepdim); break;
    case 12: what = "any_dim"; t = tg_any_dim(a, d, keepdim); break;
    case 13: what = "prod"; t = tg_prod(a); break;
    case 14: what = "prod_dim"; t = tg_prod_dim(a, d, keepdim); break;
    case 15: what = "var"; t = tg_var(a, dp, ndims, CORRECTIONS[flags >> 5], keepdim); break;
    case 16: what = "std"; t = tg_std(a, dp, ndims, CORRECTIONS[flags >> 5], keepdim); break;
    case 17: what = "var_mean"; t = tg_var_mean(a, dp, ndims, CORRECTIONS[flags >> 5], keepdim, sp); break;
    case 18: what = "std_mean"; t = tg_std_mean(a, dp, ndims, CORRECTIONS[flags >> 5], keepdim, sp); break;
    case 19: what = "logsumexp"; t = tg_logsumexp(a, dp, ndims, keepdim); break;
    case 20: what = "vector_norm"; t = tg_vector_norm(a, gen_value(f), dp, ndims, keepdim); break;
    case 21: what = "count_nonzero"; t = tg_count_nonzero(a, dp, ndims); break;
    case 22: what = "cumsum"; t = tg_cumsum(a, d); break;
    case 23: what = "cumprod"; t = tg_cumprod(a, d); break;
    case 24: what = "sort"; t = tg_sort(a, d, b2, sp); break;
    case 25: what = "argsort"; t = tg_argsort(a, d, b2); break;
    default: what = "topk"; t = tg_topk(a, KS[flags >> 5], d, b2, b3, sp); break;
    }
    bool two = which == 2 || which == 17 || which == 18 || which == 24 || which == 26;
    if (two && sp) {
        if (t && !second) report(f, "%s gave values but no second result", what);
        if (!t && second) report(f, "%s failed but gave a second result", what);
    }
    result(f, dst, t, what);
    if (second) put(f, dst + 1, second, FRESH, what);
}

/* Several registers, for cat, stack and einsum: a count byte then one
   register byte each; *sum gets their elements, *span_prod the product of
   their spans. */
static int gen_regs(fz *f, tg_tensor **ts, int max, double *sum, double *span_prod)
{
    uint8_t b = u8(f);
    int n = b % (max + 1);
    if (b == 0xff) n = -1;
    *sum = 0;
    *span_prod = 1;
    for (int i = 0; i < (n > 0 ? n : 0); i++) {
        ts[i] = R(f);
        *sum += ts[i] ? (double)tg_numel(ts[i]) : 0;
        *span_prod *= (double)span_of(ts[i]);
    }
    return n;
}

/* Pieces of t into registers dst, dst+1, ... (views: they may not be
   modified in place). */
static void put_pieces(fz *f, uint8_t dst, int rc, tg_tensor **out, int max_out, const char *what)
{
    if (rc < 0) {
        expect_error(f, what);
        return;
    }
    if (rc > max_out) {
        report(f, "%s returned %d pieces for room for %d", what, rc, max_out);
        return;
    }
    for (int i = 0; i < rc; i++) {
        if (!out[i]) {
            report(f, "%s returned a NULL piece", what);
            continue;
        }
        uint8_t sel = (uint8_t)((dst & 8) | ((dst + i) % NREG));
        if (i < NREG) {
            put(f, sel, out[i], FRESH, what);
            if (f->regs[sel % NREG].t == out[i]) f->regs[sel % NREG].view = true;
        } else {
            check_tensor(f, out[i], what);   /* stays with the scope */
        }
    }
}

static void op_shape(fz *f)
{
    uint8_t dst = u8(f), which = u8(f) % 25;
    tg_tensor *a = R(f);
    int nd = a ? tg_ndim(a) : 1;
    int64_t numel = a ? tg_numel(a) : 4;
    int64_t arr[SHAPE_CAP], arr2[SHAPE_CAP];
    for (int i = 0; i < SHAPE_CAP; i++) arr[i] = arr2[i] = 1;
    tg_tensor *t = NULL;
    const char *what = "shape";
    bool view = false, inplace = false;
    trace("shape %d: ", which);
    switch (which) {
    case 0:
    case 1: {
        tg_tensor *ts[6];
        double sum, spans;
        ts[0] = a;
        int n = gen_regs(f, ts + 1, 5, &sum, &spans);
        if (n >= 0) n++;
        sum += a ? (double)numel : 0;
        int64_t d = gen_dim(f, nd + (which == 1));
        if (sum > MAX_MADE) return;
        what = which ? "stack" : "cat";
        trace("%s n %d dim %lld\n", what, n, (long long)d);
        t = which ? tg_stack((const tg_tensor *const *)ts, n, d) : tg_cat((const tg_tensor *const *)ts, n, d);
        break;
    }
    case 2:
    case 3:
    case 4: {
        tg_tensor *out[12] = {0};
        uint8_t b = u8(f);
        int max_out = b % 13;
        int64_t d = gen_dim(f, nd);
        int64_t k = gen_index(f, size_at(a, d));
        int rc;
        if (which == 2) {
            what = "split";
            rc = tg_split(a, k, d, out, max_out);
        } else if (which == 3) {
            what = "chunk";
            rc = tg_chunk(a, (int)(k > INT32_MAX ? INT32_MAX : k < INT32_MIN ? INT32_MIN : k), d, out, max_out);
        } else {
            what = "unbind";
            rc = tg_unbind(a, d, (b & 0xf0) == 0xf0 ? NULL : out, max_out);
        }
        trace("%s %lld dim %lld max %d -> %d\n", what, (long long)k, (long long)d, max_out, rc);
        put_pieces(f, dst, rc, out, max_out, what);
        return;
    }
    case 5: {
        int64_t s = gen_dim(f, nd), e = gen_dim(f, nd);
        trace("flatten %lld %lld\n", (long long)s, (long long)e);
        what = "flatten";
        view = true;
        t = tg_flatten(a, s, e);
        break;
    }
    case 6: {
        int64_t d = gen_dim(f, nd);
        int n = gen_view_shape(f, size_at(a, d), arr);
        trace("unflatten %lld n %d\n", (long long)d, n);
        what = "unflatten";
        view = true;
        t = tg_unflatten(a, d, arr, n);
        break;
    }
    case 7:
        trace("squeeze\n");
        what = "squeeze";
        view = true;
        t = tg_squeeze(a);
        break;
    case 8: {
        int64_t d = gen_dim(f, nd), size = size_at(a, d);
        int64_t s = gen_index(f, size), l = gen_index(f, size);
        trace("narrow %lld %lld %lld\n", (long long)d, (long long)s, (long long)l);
        what = "narrow";
        view = true;
        t = tg_narrow(a, d, s, l);
        break;
    }
    case 9:
    case 10: {
        static const int64_t REPS[8] = {1, 2, 0, 3, 1, -1, (int64_t)1 << 62, 1};
        uint8_t b = u8(f);
        int n = b % 6;
        if (b == 0xff) n = TG_MAX_DIMS + 1;
        double made = (double)numel;
        for (int i = 0; i < n && i < SHAPE_CAP; i++) {
            arr[i] = REPS[u8(f) % 8];
            made *= (double)(arr[i] > 0 ? arr[i] : 1);
        }
        /* too large: skipped, unless the count overflows (the library must reject it) */
        if (made > MAX_MADE && made < 1e19) return;
        what = which == 9 ? "repeat" : "tile";
        trace("%s n %d\n", what, n);
        t = which == 9 ? tg_repeat(a, arr, n) : tg_tile(a, arr, n);
        break;
    }
    case 11: {
        const int64_t *dp;
        int n = gen_dims(f, nd, arr, &dp);
        trace("flip n %d\n", n);
        what = "flip";
        t = tg_flip(a, dp, n);
        break;
    }
    case 12: {
        const int64_t *dp;
        int n = gen_dims(f, nd, arr, &dp);
        for (int i = 0; i < 4; i++) arr2[i] = gen_index(f, 3);
        if (u8(f) & 1) dp = NULL;
        trace("roll n %d\n", n);
        what = "roll";
        t = tg_roll(a, arr2, dp, n);
        break;
    }
    case 13:
    case 14:
    case 15:
    case 16: {
        int64_t k = gen_index(f, 3);
        inplace = which >= 15;
        what = which & 1 ? "tril" : "triu";
        trace("%s%s %lld\n", what, inplace ? "_" : "", (long long)k);
        if (inplace && !inplace_ok(f, a)) return;
        t = which == 13 ? tg_tril(a, k) : which == 14 ? tg_triu(a, k) : which == 15 ? tg_tril_(a, k) : tg_triu_(a, k);
        break;
    }
    case 17: {
        int64_t o = gen_index(f, 3), d1 = gen_dim(f, nd), d2 = gen_dim(f, nd);
        trace("diagonal %lld %lld %lld\n", (long long)o, (long long)d1, (long long)d2);
        what = "diagonal";
        view = true;
        t = tg_diagonal(a, o, d1, d2);
        break;
    }
    case 18: {
        int64_t o = gen_index(f, 3), d1 = gen_dim(f, nd + 1), d2 = gen_dim(f, nd + 1);
        int64_t last = a && nd > 0 ? tg_shape(a)[nd - 1] : 1;
        double side = (double)last + fabs((double)o);
        if (o > -100 && o < 100 && (double)numel / (double)(last ? last : 1) * side * side > MAX_MADE) return;
        trace("diag_embed %lld %lld %lld\n", (long long)o, (long long)d1, (long long)d2);
        what = "diag_embed";
        t = tg_diag_embed(a, o, d1, d2);
        break;
    }
    case 19: {
        int64_t s = gen_dim(f, nd), d = gen_dim(f, nd);
        trace("movedim %lld %lld\n", (long long)s, (long long)d);
        what = "movedim";
        view = true;
        t = tg_movedim(a, s, d);
        break;
    }
    default: {   /* geometry in place */
        int64_t d0 = gen_dim(f, nd + (which == 24)), d1 = gen_dim(f, nd);
        if (!inplace_ok(f, a)) return;
        inplace = true;
        switch (which) {
        case 20: what = "t_"; t = tg_t_(a); break;
        case 21: what = "transpose_"; t = tg_transpose_(a, d0, d1); break;
        case 22: what = "squeeze_"; t = tg_squeeze_(a); break;
        case 23: what = "squeeze_dim_"; t = tg_squeeze_dim_(a, d0); break;
        default: what = "unsqueeze_"; t = tg_unsqueeze_(a, d0); break;
        }
        trace("%s %lld %lld\n", what, (long long)d0, (long long)d1);
        break;
    }
    }
    if (inplace) {
        inplace_result(f, a, t, what);
        return;
    }
    result(f, dst, t, what);
    if (view && t && f->regs[dst % NREG].t == t) f->regs[dst % NREG].view = true;
}

/* An index tensor from a register: as it is (often of the wrong dtype),
   converted to TG_I64 or TG_I32, or made non-negative and below bound. */
static tg_tensor *gen_index_tensor(fz *f, int64_t bound)
{
    uint8_t mode = u8(f);
    tg_tensor *x = R(f);
    switch (mode % 5) {
    case 0: return x;
    case 1: return tg_to(x, TG_I64);
    case 2: return tg_to(x, TG_I32);
    default: {
        tg_tensor *i = tg_to(tg_abs(x), TG_I64);
        return mode & 8 ? tg_remainder_scalar(i, (double)(bound > 0 ? bound : 1)) : i;
    }
    }
}

static void op_index(fz *f)
{
    uint8_t dst = u8(f), w = u8(f);
    int which = w % 10;
    tg_tensor *a = R(f), *src = R(f);
    int nd = a ? tg_ndim(a) : 1;
    int64_t d = gen_dim(f, nd);
    tg_tensor *idx = gen_index_tensor(f, size_at(a, d));
    tg_clear_error();   /* gen_index_tensor's failures are not checked */
    double v = gen_value(f);
    if (bcast_numel(a, idx, NULL) > MAX_MADE || bcast_numel(a, src, NULL) > MAX_MADE) return;
    if (a && idx && (double)tg_numel(idx) * (double)span_of(a) > MAX_MADE * 4.0) return;
    bool inplace = which >= 7;
    if (inplace && !inplace_ok(f, a)) return;
    if (tgfz_trace) {
        char sa[256] = "NULL", si[256] = "NULL", ss[256] = "NULL";
        if (a) tg__shape_str(tg_shape(a), tg_ndim(a), sa, sizeof sa);
        if (idx) tg__shape_str(tg_shape(idx), tg_ndim(idx), si, sizeof si);
        if (src) tg__shape_str(tg_shape(src), tg_ndim(src), ss, sizeof ss);
        trace("index %d dim %lld self %s index %s %s src %s %s\n", which, (long long)d, sa, si,
              idx ? tg_dtype_name(tg_dtype_of(idx)) : "", ss, src ? tg_dtype_name(tg_dtype_of(src)) : "");
    }
    tg_tensor *t;
    const char *what;
    switch (which) {
    case 0: what = "index_select"; t = tg_index_select(a, d, idx); break;
    case 1: what = "gather"; t = tg_gather(a, d, idx); break;
    case 2: what = "scatter"; t = tg_scatter(a, d, idx, src); break;
    case 3: what = "scatter_add"; t = tg_scatter_add(a, d, idx, src); break;
    case 4: what = "index_add"; t = tg_index_add(a, d, idx, src, v); break;
    case 5: what = "take_along_dim"; t = tg_take_along_dim(a, idx, d); break;
    case 6: {
        what = "masked_select";
        tg_tensor *mask = w & 0x80 ? src : tg_gt_scalar(src, v);
        tg_clear_error();
        t = tg_masked_select(a, mask);
        break;
    }
    case 7: what = "scatter_"; t = tg_scatter_(a, d, idx, src); break;
    case 8: what = "scatter_add_"; t = tg_scatter_add_(a, d, idx, src); break;
    default: what = "index_add_"; t = tg_index_add_(a, d, idx, src, v); break;
    }
    if (inplace) inplace_result(f, a, t, what);
    else result(f, dst, t, what);
}

/* Advanced indexing: up to four items from bytes (index tensors from
   registers, ints, slices with any step, None, ellipses), then tg_index,
   tg_index_put or tg_index_put_ with a register of values. */
static void op_advanced_index(fz *f)
{
    uint8_t dst = u8(f), w = u8(f);
    tg_tensor *a = R(f), *values = R(f);
    int n = u8(f) % 5;
    tg_index_item items[4];
    double made = a ? (double)span_of(a) : 1;
    for (int i = 0; i < n; i++) {
        uint8_t k = u8(f);
        int64_t s = (int8_t)u8(f);
        switch (k & 7) {   /* a slice's step: bits 8 and 16, less one; bit 64: an open stop */
        case 0: case 1: {
            tg_tensor *idx = gen_index_tensor(f, size_at(a, i));
            made *= idx ? (double)tg_numel(idx) + 1 : 1;
            items[i] = TG_IDX_T(idx);
            break;
        }
        case 2: items[i] = TG_IDX_INT(s); break;
        case 3: items[i] = TG_IDX_SLICE(s, k & 0x40 ? TG_END : (int8_t)u8(f), (int64_t)((k >> 3) & 3) - 1); break;
        case 4: items[i] = TG_IDX_NEW; break;
        default: items[i] = TG_IDX_ELLIPSIS; break;
        }
    }
    tg_clear_error();   /* gen_index_tensor's failures are not checked */
    if (made > MAX_MADE * 4.0) return;   /* index tensors broadcast to the product of their sizes at most */
    int which = (w & 7) % 3;   /* bit 8: accumulate */
    if (which == 2 && !inplace_ok(f, a)) return;
    trace("advanced index %d, %d items\n", which, n);
    bool accumulate = w & 8;
    if (which == 0) result(f, dst, tg_index(a, items, n), "index");
    else if (which == 1) result(f, dst, tg_index_put(a, items, n, values, accumulate), "index_put");
    else inplace_result(f, a, tg_index_put_(a, items, n, values, accumulate), "index_put_");
}

/* An einsum equation for the operands: labels per dim, maybe an
   ellipsis, maybe an output; or a string of bytes from a small alphabet. */
static void gen_equation(fz *f, tg_tensor *const *ts, int n, char *eq, size_t cap)
{
    static const char ALPHABET[16] = "abcdaAZ.,-> 1bc.";
    uint8_t mode = u8(f);
    size_t len = 0;
    if ((mode & 0xc0) == 0xc0) {
        int k = u8(f) % 16;
        for (int i = 0; i < k && len + 1 < cap; i++) eq[len++] = ALPHABET[u8(f) % 16];
        eq[len] = 0;
        return;
    }
    for (int i = 0; i < n; i++) {
        int nd = ts[i] ? tg_ndim(ts[i]) : 2;
        if (mode & 0x10 && i == 0) nd += 1;   /* one label too many */
        bool ell = (mode & 0x20) && nd > 0;
        if (i) eq[len++] = ',';
        for (int j = 0; j < nd && len + 8 < cap; j++) {
            if (ell && j == 0) {
                memcpy(eq + len, "...", 3);
                len += 3;
                if (nd > 1) j++;
            }
            eq[len++] = (char)('a' + u8(f) % 5);
        }
    }
    if (mode & 1) {
        memcpy(eq + len, "->", 2);
        len += 2;
        int k = (mode >> 1) % 4;
        if (mode & 0x20) {
            memcpy(eq + len, "...", 3);
            len += 3;
        }
        for (int i = 0; i < k && len + 1 < cap; i++) eq[len++] = (char)('a' + u8(f) % 6);
    }
    eq[len] = 0;
}

static void op_linalg(fz *f)
{
    uint8_t dst = u8(f), which = u8(f) % 8;
    tg_tensor *a = R(f), *b = R(f), *c = R(f);
    double beta = gen_value(f), alpha = gen_value(f);
    double work = (double)span_of(a) * (double)span_of(b);
    tg_tensor *t;
    const char *what;
    if (which < 7 && (work > MAX_MADE || bcast_numel(a, b, c) > MAX_MADE)) return;
    switch (which) {
    case 0: what = "mm"; t = tg_mm(a, b); break;
    case 1: what = "bmm"; t = tg_bmm(a, b); break;
    case 2: what = "mv"; t = tg_mv(a, b); break;
    case 3: what = "dot"; t = tg_dot(a, b); break;
    case 4: what = "outer"; t = tg_outer(a, b); break;
    case 5: what = "addmm"; t = tg_addmm(c, a, b, beta, alpha); break;
    case 6: what = "baddbmm"; t = tg_baddbmm(c, a, b, beta, alpha); break;
    default: {
        tg_tensor *ts[4];
        double sum, spans;
        int n = gen_regs(f, ts, 3, &sum, &spans);
        if (spans > MAX_MADE) return;
        char eq[128];
        gen_equation(f, ts, n > 0 ? n : 0, eq, sizeof eq);
        what = "einsum";
        trace("einsum \"%s\" n %d\n", eq, n);
        t = tg_einsum(u8(f) == 0xff ? NULL : eq, (const tg_tensor *const *)ts, n);
        break;
    }
    }
    if (which < 7) trace("%s\n", what);
    result(f, dst, t, what);
}

static const int64_t COUNTS[8] = {0, 1, 3, 5, 40, -1, -7, 100};

static void op_create2(fz *f)
{
    uint8_t dst = u8(f), which = u8(f) % 17, g = u8(f);
    tg_tensor *a = R(f);
    tg_dtype dt = gen_dtype(f);
    double p = gen_value(f), q = gen_value(f);
    int64_t n = COUNTS[u8(f) % 8];
    tg_generator *gen = g & 1 ? tg_generator_new(g >> 1) : NULL;
    if (g & 1 && !gen) {
        expect_error(f, "tg_generator_new");   /* under an injected failure */
        return;
    }
    if (!(g & 1)) tg_manual_seed(g);
    tg_tensor *t = NULL;
    const char *what;
    bool inplace = false;
    trace("create2 %d gen %d n %lld\n", which, g & 1, (long long)n);
    switch (which) {
    case 0: what = "zeros_like"; t = tg_zeros_like(a); break;
    case 1: what = "ones_like"; t = tg_ones_like(a); break;
    case 2: what = "full_like"; t = tg_full_like(a, p); break;
    case 3:
        what = "empty_like";
        t = tg_empty_like(a);
        if (t && !tg_fill_(t, p)) {
            expect_error(f, "tg_fill_ of tg_empty_like");
            t = NULL;
            goto out;
        }
        break;
    case 4: what = "rand_like"; t = tg_rand_like(a); break;
    case 5: what = "randn_like"; t = tg_randn_like(a); break;
    case 6: what = "eye"; t = tg_eye(n == 100 ? (int64_t)1 << 40 : n, dt); break;   /* n * n overflows */
    case 7: what = "linspace"; t = tg_linspace(p, q, n, dt); break;
    case 8: what = "logspace"; t = tg_logspace(p, q, n, gen_value(f), dt); break;
    case 9:
    case 10: {
        int64_t shape[SHAPE_CAP];
        bool null_shape;
        int nd = gen_shape(f, shape, &null_shape);
        int64_t lo = gen_index(f, 3), hi = gen_index(f, 3);
        what = "randint";
        t = which == 9 ? tg_randint(lo, hi, null_shape ? NULL : shape, nd)
                       : tg_randint_gen(lo, hi, null_shape ? NULL : shape, nd, gen);
        break;
    }
    case 11: what = "randperm"; t = g & 2 ? tg_randperm(n * 10) : tg_randperm_gen(n * 10, gen); break;
    case 12: what = "bernoulli"; t = g & 2 ? tg_bernoulli(a) : tg_bernoulli_gen(a, gen); break;
    case 13: {
        bool repl = g & 4;
        int64_t rows = a && tg_ndim(a) == 2 ? tg_shape(a)[0] : 1;
        if ((double)rows * (double)(n > 0 ? n : 0) > MAX_MADE) goto out;
        what = "multinomial";
        t = g & 2 ? tg_multinomial(a, n, repl) : tg_multinomial_gen(a, n, repl, gen);
        break;
    }
    case 14: case 15: {   /* in place, on a register */
        if (!inplace_ok(f, a)) goto out;
        inplace = true;
        what = which == 14 ? "uniform_" : "normal_";
        if (which == 14) t = g & 2 ? tg_uniform_(a, p, q) : tg_uniform_gen_(a, p, q, gen);
        else t = g & 2 ? tg_normal_(a, p, q) : tg_normal_gen_(a, p, q, gen);
        break;
    }
    default: {
        int64_t shape[SHAPE_CAP];
        bool null_shape;
        int nd = gen_shape(f, shape, &null_shape);
        what = "rand_gen";
        t = g & 2 ? tg_rand_gen(null_shape ? NULL : shape, nd, dt, gen)
                  : tg_randn_gen(null_shape ? NULL : shape, nd, dt, gen);
        break;
    }
    }
    if (inplace) inplace_result(f, a, t, what);
    else result(f, dst, t, what);
out:
    tg_generator_free(gen);
}

/* Fault injection: the n-th allocation from now fails (builds with
   TG_FAULT_INJECTION only; a no-op elsewhere). */
static void op_fail_alloc(fz *f)
{
    uint8_t b = u8(f);
#ifdef TG_FAULT_INJECTION
    trace("fail allocation %d\n", b % 64);
    tg__fail_allocation_after(b % 64);
#else
    (void)b;
#endif
}

static void (*const OPS[])(fz *) = {
    op_create, op_from, op_arange, op_binary, op_binary_scalar, op_unary, op_where, op_reduce,
    op_view, op_matmul, op_loss, op_inplace, op_requires_grad, op_backward, op_autograd_grad,
    op_grad, op_grad_mode, op_scope, op_inspect, op_move, op_gradcheck, op_fail_alloc,
    op_unary2, op_binary2, op_reduce2, op_shape, op_index, op_linalg, op_create2, op_advanced_index,
};
enum { N_OPS = sizeof OPS / sizeof *OPS };

static void step(fz *f)
{
    if (over_budget(f)) {
        f->pos = f->size;   /* stop here: the graph grew too large to be quick */
        return;
    }
    f->steps++;
    tg_clear_error();
    uint8_t op = u8(f) % N_OPS;
    trace("[%d] ", f->steps);
    OPS[op](f);
}

int tgfz_run(const uint8_t *data, size_t size)
{
    static int env_checked;
    if (!env_checked) {
        const char *e = getenv("TGFZ_TRACE");
        if (e && e[0] == '1') tgfz_trace = 1;
        env_checked = 1;
    }
    fz f = {.data = data, .size = size};
    f.tensors0 = tg__live_tensors();
    f.nodes0 = tg__live_nodes();
    tg_clear_error();
    tg_set_grad_enabled(true);
    if (tg_scope_begin() < 0) {
        fprintf(stderr, "tgfz: could not open a scope\n");
        return -1;
    }
    f.depth = 1;
    while (more(&f) && f.steps < MAX_STEPS) step(&f);

    /* Cleanup: see the comment at the top. */
#ifdef TG_FAULT_INJECTION
    tg__fail_allocation_after(-1);
#endif
    tg_clear_error();
    tg_set_grad_enabled(true);
    for (int i = 0; i < f.n_leaves; i++) tg_zero_grad(f.leaves[i]);
    for (int i = 0; i < NREG; i++) drop(&f.regs[i]);
    while (f.n_pins) tg_release(f.pins[--f.n_pins]);
    for (int i = 0; i < f.n_leaves; i++) tg_release(f.leaves[i]);
    while (f.depth > 0) end_scope(&f);
    int64_t tensors = tg__live_tensors() - f.tensors0, nodes = tg__live_nodes() - f.nodes0;
    if (tensors || nodes) {
        f.steps = -1;
        report(&f, "after the program, %lld tensors and %lld nodes are still alive",
               (long long)tensors, (long long)nodes);
    }
    if (tg_last_status() != TG_OK) fprintf(stderr, "tgfz: cleanup set an error: %s\n", tg_last_error());
    tg_clear_error();
    return f.failed ? -1 : 0;
}
