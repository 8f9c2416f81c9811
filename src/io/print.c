/* Printing: tg_repr and tg_print write what Python's print(t) writes in
   PyTorch 1.13 (torch/_tensor_str.py with the default print options), byte
   for byte: one formatter (mode and width) for the whole tensor, rows
   wrapped at the line width, summarized past the threshold, then the
   suffixes (dtype, grad_fn) as Python's _str_intern adds them. */
#include "../graph/graph.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* PyTorch's default PRINT_OPTS. */
enum {
    PRECISION = 4,
    THRESHOLD = 1000,   /* summarize when numel() > THRESHOLD */
    EDGEITEMS = 3,      /* indices kept at each end of a summarized dimension */
    LINEWIDTH = 80,
};

static const char PREFIX[] = "tensor(";
enum { INDENT = sizeof PREFIX - 1 };

/* Room for any one formatted number: "%.4f" of -DBL_MAX is 315 chars. */
enum { NUM_CAP = 400 };

/* ------------------------------------------------------ growable string */

static void sb_puts(tg_text *sb, const char *s) { tg__text_append(sb, s, strlen(s)); }

static void sb_spaces(tg_text *sb, int64_t n)
{
    static const char SPACES[] = "                                ";
    for (; n > 0; n -= (int64_t)sizeof SPACES - 1)
        tg__text_append(sb, SPACES, n < (int64_t)sizeof SPACES - 1 ? (size_t)n : sizeof SPACES - 1);
}

static void sb_newlines(tg_text *sb, int n)
{
    for (int i = 0; i < n; i++) tg__text_append(sb, "\n", 1);
}

/* ------------------------------------------------------------ elements */

static bool printable(tg_dtype dt)
{
    return tg__is_floating(dt) || dt == TG_BOOL || tg__is_integral(dt) || tg__is_complex(dt);
}

/* Floating elements are read as double: a float32 widens exactly, as in
   Python's tolist(). Integers are read as int64 so no digit is lost. */
static double load_float(const char *p, tg_dtype dt) { return tg__load(p, dt); }


/* Python's _Formatter: one mode and one width for the whole tensor. */
typedef struct formatter {
    tg_dtype dtype;
    bool floating;
    bool int_mode;   /* floating values all whole: "%.0f" and a "." */
    bool sci_mode;   /* "%.4e" */
    int width;       /* each element is left-padded with spaces to this */
    /* Complex elements: this formatter is the real part's, at byte 0 of
       each element; imag, the imaginary part's, at byte part_offset. */
    size_t part_offset;
    const struct formatter *imag;
} formatter;

/* A floating value as Python formats it, unpadded; returns its length. */
static int float_text(const formatter *f, double v, char *buf)
{
    /* Python writes "nan" whatever the sign bit; glibc writes "-nan". */
    if (isnan(v)) return snprintf(buf, NUM_CAP, "nan");
    if (f->sci_mode) return snprintf(buf, NUM_CAP, "%.*e", PRECISION, v);
    if (f->int_mode) return snprintf(buf, NUM_CAP, isinf(v) ? "%.0f" : "%.0f.", v);
    return snprintf(buf, NUM_CAP, "%.*f", PRECISION, v);
}

/* An integer or bool as Python's str() writes it. */
static int int_text(tg_dtype dt, int64_t v, char *buf)
{
    if (dt == TG_BOOL) return snprintf(buf, NUM_CAP, "%s", v ? "True" : "False");
    return snprintf(buf, NUM_CAP, "%" PRId64, v);
}

static int elem_text(const formatter *f, const char *p, char *buf)
{
    if (f->floating) return float_text(f, load_float(p + f->part_offset, f->dtype), buf);
    return int_text(f->dtype, tg__load_int(p, f->dtype), buf);
}

/* ------------------------------------------------------------ formatter */

static int64_t stride_bytes(const tg_tensor *t, int dim)
{
    return t->strides[dim] * (int64_t)tg__dtype_size(t->dtype);
}

typedef void (*elem_visitor)(const char *p, void *ctx);

/* Calls fn on every element of t, or, when summarizing, on the elements
   Python's get_summarized_data keeps: along each dimension longer than
   2*EDGEITEMS only the first and the last EDGEITEMS indices. */
static void visit(const tg_tensor *t, int dim, const char *p, bool summarize,
                  elem_visitor fn, void *ctx)
{
    if (dim == t->ndim) { fn(p, ctx); return; }
    int64_t n = t->shape[dim], stride = stride_bytes(t, dim);
    for (int64_t i = 0; i < n; i++) {
        if (summarize && n > 2 * EDGEITEMS && i == EDGEITEMS) i = n - EDGEITEMS;
        visit(t, dim + 1, p + i * stride, summarize, fn, ctx);
    }
}

/* Only finite non-zero values take part in the mode decision and the
   width (zeros, infinities and nans just print). */
static bool takes_part(double v) { return isfinite(v) && v != 0; }

/* The statistics the mode decision needs, over the values that take part. */
typedef struct float_stats {
    tg_dtype dtype;
    size_t part_offset;
    bool any;
    bool all_whole;
    double min_abs, max_abs;
} float_stats;

static void stats_visit(const char *p, void *ctx)
{
    float_stats *s = ctx;
    double v = load_float(p + s->part_offset, s->dtype);
    if (!takes_part(v)) return;
    double a = fabs(v);
    if (!s->any || a < s->min_abs) s->min_abs = a;
    if (!s->any || a > s->max_abs) s->max_abs = a;
    if (v != ceil(v)) s->all_whole = false;
    s->any = true;
}

typedef struct width_ctx {
    const formatter *f;
    int width;
} width_ctx;

static void width_visit(const char *p, void *ctx)
{
    width_ctx *w = ctx;
    char buf[NUM_CAP];
    if (w->f->floating && !takes_part(load_float(p + w->f->part_offset, w->f->dtype))) return;
    int n = elem_text(w->f, p, buf);
    if (n > w->width) w->width = n;
}

/* The formatter of t's elements, or for a complex t of the part of
   dtype dt at byte part_offset of each element (Python formats t.real and
   t.imag apart). */
static formatter make_formatter(const tg_tensor *t, bool summarize, tg_dtype dt, size_t part_offset)
{
    formatter f = {.dtype = dt, .floating = tg__is_floating(dt),
                   .int_mode = true, .sci_mode = false, .width = 1, .part_offset = part_offset};
    const char *data = tg__ptr(t);
    if (f.floating) {
        float_stats s = {.dtype = dt, .part_offset = part_offset, .all_whole = true};
        visit(t, 0, data, summarize, stats_visit, &s);
        if (!s.any) return f;   /* width 1: "0." and "nan" just overflow it */
        bool wide = s.max_abs / s.min_abs > 1000.0 || s.max_abs > 1.0e8;
        f.int_mode = s.all_whole;
        f.sci_mode = f.int_mode ? wide : wide || s.min_abs < 1.0e-4;
    }
    /* The width is the longest text in the chosen mode, which for int_mode
       counts the trailing "." as Python's len(...) + 1 does. */
    width_ctx w = {.f = &f, .width = 1};
    visit(t, 0, data, summarize, width_visit, &w);
    f.width = w.width;
    return f;
}

/* --------------------------------------------------------------- layout */

typedef struct printer {
    tg_text *sb;
    const tg_tensor *t;
    const formatter *f;
    bool summarize;
} printer;

static void put_elem(printer *pr, const char *p)
{
    char buf[NUM_CAP];
    int n = elem_text(pr->f, p, buf);
    sb_spaces(pr->sb, pr->f->width - n);   /* never truncated */
    tg__text_append(pr->sb, buf, (size_t)n);
    if (!pr->f->imag) return;
    /* Python's (imag formatted + "j").lstrip(), joined with a "+" unless
       it starts with its sign. */
    n = elem_text(pr->f->imag, p, buf);
    if (buf[0] != '-' && buf[0] != '+') sb_puts(pr->sb, "+");
    tg__text_append(pr->sb, buf, (size_t)n);
    sb_puts(pr->sb, "j");
}

/* Before the item-th item of a row: items are joined with ", " and every
   per_line items the row continues on a new line under its first item. */
static void put_item_sep(printer *pr, int64_t item, int64_t per_line, int indent)
{
    if (item == 0) return;
    if (item % per_line) {
        sb_puts(pr->sb, ", ");
    } else {
        sb_puts(pr->sb, ",\n");
        sb_spaces(pr->sb, indent + 1);
    }
}

/* Python's _vector_str: the last dimension, as one or more lines. */
static void put_vector(printer *pr, const char *p, int dim, int indent)
{
    int64_t n = pr->t->shape[dim], stride = stride_bytes(pr->t, dim);
    int64_t element = pr->f->width + 2 + (pr->f->imag ? pr->f->imag->width + 1 : 0);
    int64_t per_line = (LINEWIDTH - indent) / element;
    if (per_line < 1) per_line = 1;
    bool elide = pr->summarize && n > 2 * EDGEITEMS;
    int64_t item = 0;   /* " ..." counts as an item when breaking lines */
    sb_puts(pr->sb, "[");
    for (int64_t i = 0; i < n; i++) {
        if (elide && i == EDGEITEMS) {
            put_item_sep(pr, item++, per_line, indent);
            sb_puts(pr->sb, " ...");
            i = n - EDGEITEMS;
        }
        put_item_sep(pr, item++, per_line, indent);
        put_elem(pr, p + i * stride);
    }
    sb_puts(pr->sb, "]");
}

/* Between slices of a k-dim block: k-1 newlines, so 3-D blocks have one
   blank line between their 2-D slices, 4-D blocks two, and so on. */
static void put_slice_sep(printer *pr, int sub_ndim, int indent)
{
    sb_puts(pr->sb, ",");
    sb_newlines(pr->sb, sub_ndim - 1);
    sb_spaces(pr->sb, indent + 1);
}

/* Python's _tensor_str_with_formatter for the sub-tensor at p whose first
   dimension is t's dimension `dim`; each nesting level indents by one. */
static void put_block(printer *pr, const char *p, int dim, int indent)
{
    int sub_ndim = pr->t->ndim - dim;
    if (sub_ndim == 1) { put_vector(pr, p, dim, indent); return; }
    int64_t n = pr->t->shape[dim], stride = stride_bytes(pr->t, dim);
    bool elide = pr->summarize && n > 2 * EDGEITEMS;
    sb_puts(pr->sb, "[");
    for (int64_t i = 0; i < n; i++) {
        if (i > 0) put_slice_sep(pr, sub_ndim, indent);
        if (elide && i == EDGEITEMS) {
            sb_puts(pr->sb, "...");
            put_slice_sep(pr, sub_ndim, indent);
            i = n - EDGEITEMS;
        }
        put_block(pr, p + i * stride, dim + 1, indent + 1);
    }
    sb_puts(pr->sb, "]");
}

/* Python's _tensor_str. */
static void put_body(tg_text *sb, const tg_tensor *t)
{
    int64_t numel = tg__numel(t->shape, t->ndim);
    if (numel == 0) { sb_puts(sb, "[]"); return; }
    bool summarize = numel > THRESHOLD;
    bool complex = tg__is_complex(t->dtype);
    tg_dtype part = t->dtype == TG_C128 ? TG_F64 : TG_F32;
    formatter f = make_formatter(t, summarize, complex ? part : t->dtype, 0), imag;
    if (complex) {
        imag = make_formatter(t, summarize, part, tg__dtype_size(part));
        f.imag = &imag;
    }
    printer pr = {.sb = sb, .t = t, .f = &f, .summarize = summarize};
    if (t->ndim == 0) put_elem(&pr, tg__ptr(t));
    else put_block(&pr, tg__ptr(t), 0, INDENT);
}

/* ------------------------------------------------------------- suffixes */

enum { MAX_SUFFIXES = 3, SUFFIX_CAP = 512 };

typedef struct suffix_list {
    int n;
    char text[MAX_SUFFIXES][SUFFIX_CAP];
} suffix_list;

static char *next_suffix(suffix_list *s) { return s->text[s->n++]; }

/* dtypes a non-empty tensor prints without naming them. */
static bool has_default_dtype(tg_dtype dt)
{
    return dt == TG_F32 || dt == TG_C64 || dt == TG_I64 || dt == TG_BOOL;
}

/* The suffixes of Python's _str_intern, in its order. */
static void collect_suffixes(const tg_tensor *t, suffix_list *s)
{
    /* An empty tensor shows its shape unless 1-D ("size=(2, 0)", Python's
       repr of the shape tuple), and any dtype but the default float one,
       since no element hints at it. */
    bool empty = tg__numel(t->shape, t->ndim) == 0;
    if (empty && t->ndim != 1) tg__shape_text(t->shape, t->ndim, "size=(", ")", next_suffix(s), SUFFIX_CAP);
    if (empty ? t->dtype != TG_F32 : !has_default_dtype(t->dtype))
        snprintf(next_suffix(s), SUFFIX_CAP, "dtype=%s", tg_dtype_name(t->dtype));
    if (tg__view_grad_fn(t))
        snprintf(next_suffix(s), SUFFIX_CAP, "grad_fn=<%s>", tg_node_name(tg__grad_fn(t)));
    else if (tg__requires_grad(t) || tg__view_requires_grad(t))
        snprintf(next_suffix(s), SUFFIX_CAP, "requires_grad=True");
}

/* Python's _add_suffixes. Its running line length starts 2 above the real
   length of the last line (len(s) - s.rfind('\n') + 1), so the first suffix
   wraps 2 columns early; after a wrap the count is exact. */
static void put_suffixes(tg_text *sb, const suffix_list *s)
{
    int64_t last_nl = -1;
    for (int64_t i = (int64_t)sb->len - 1; i >= 0 && last_nl < 0; i--)
        if (sb->s[i] == '\n') last_nl = i;
    int64_t last = (int64_t)sb->len - last_nl + 1;
    for (int i = 0; i < s->n; i++) {
        int64_t len = (int64_t)strlen(s->text[i]);
        if (last + len + 2 > LINEWIDTH) {
            sb_puts(sb, ",\n");
            sb_spaces(sb, INDENT);
            last = INDENT + len;
        } else {
            sb_puts(sb, ", ");
            last += len + 2;
        }
        sb_puts(sb, s->text[i]);
    }
    sb_puts(sb, ")");
}

/* ---------------------------------------------------------------- entry */

char *tg_repr(const tg_tensor *t)
{
    TG_ARG(t);
    if (tg__check_view_rebase(t)) return NULL;   /* Python's print raises it too */
    if (!printable(t->dtype))
        return tg__fail(TG_E_DTYPE, "tg_repr(): printing %s tensors is not supported yet",
                        tg_dtype_name(t->dtype));
    suffix_list suffixes = {0};
    collect_suffixes(t, &suffixes);
    tg_text sb = {0};
    sb_puts(&sb, PREFIX);
    put_body(&sb, t);
    put_suffixes(&sb, &suffixes);
    if (sb.failed) {
        free(sb.s);
        return tg__fail(TG_E_OOM, "tg_repr(): out of memory");
    }
    return sb.s;
}

void tg_print(const tg_tensor *t)
{
    if (!t) {   /* print(None) */
        fputs("None\n", stdout);
        return;
    }
    if (tg__bad_arg(__func__, t)) return;
    char *s = tg_repr(t);
    if (!s) return;
    fputs(s, stdout);
    fputc('\n', stdout);
    free(s);
}
