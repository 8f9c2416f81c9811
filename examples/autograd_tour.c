/*
 * autograd_tour.c: PyTorch's autograd tutorials, step by step, in C.
 *
 * Each section below is one example from PyTorch's autograd tutorials
 * ("A Gentle Introduction to torch.autograd", "Autograd mechanics", the
 * 60-minute blitz), written with tensorgrad. The comment beside each C line is
 * the PyTorch line it stands for, and the program prints exactly what the
 * PyTorch program prints: tests/oracle/autograd_tour.py is that program, and
 * the test suite compares the two outputs byte for byte. docs/autograd_tour.md
 * walks through the sections with both versions side by side.
 *
 * What to look for:
 *   - Operations are recorded as they run (define-by-run): ordinary C control
 *     flow, like the while loop of section 4, builds the graph.
 *   - tg_backward fills the .grad of the leaves; gradients add up across
 *     calls until you zero them (sections 7, 12, 13).
 *   - TG_NO_GRAD, tg_detach and tg_data take tensors out of the graph
 *     (sections 5, 6, 9, 10, 14).
 *   - Where PyTorch raises an exception, tensorgrad returns NULL or -1 and
 *     keeps PyTorch's message for tg_last_error() (sections 8, 12, 14).
 *
 * Memory: no section frees anything by hand. Every tensor a function returns
 * belongs to the innermost open scope, and main() runs each section inside
 * its own scope, so everything a section made is released when it ends.
 *
 * Build and run: `make demo`.
 */
#include <tensorgrad.h>

#include <stdbool.h>
#include <stdio.h>

/* Python's spelling of a bool, so the output matches print(True). */
static const char *py_bool(bool b) { return b ? "True" : "False"; }

/* Where Python would catch the RuntimeError and print str(e). The error stays
   recorded until it is cleared, so clear it once it has been handled. */
static void show_error(void)
{
    printf("error: %s\n", tg_last_error());
    tg_clear_error();
}

/* print("name.grad_fn:", t.grad_fn.name()) */
static void show_grad_fn(const char *name, const tg_tensor *t)
{
    printf("%s.grad_fn: %s\n", name, tg_node_name(tg_grad_fn(t)));
}

/* ------------------------------------------------------------------------ */

static void sqrt_sum_backward(void)
{
    puts("== 1. sqrt, sum, backward ==");
    /* x = torch.tensor([4., 9., 16.], requires_grad=True) */
    tg_tensor *x = tg_from_f32((const float[]){4, 9, 16}, TG_SHAPE(3));
    tg_requires_grad_(x, true);
    tg_tensor *y = tg_sqrt(x);                 /* y = x.sqrt() */
    tg_tensor *z = tg_sum(y);                  /* z = y.sum()  */
    tg_print(y);                               /* grad_fn=<SqrtBackward0> */
    tg_print(z);                               /* grad_fn=<SumBackward0>  */
    tg_backward(z, NULL);                      /* z.backward() */
    tg_print(tg_grad(x));                      /* dz/dx = 1 / (2 sqrt(x)) */
}

static void ones_add_mul_mean(void)
{
    puts("== 2. ones, add, mul, mean ==");
    tg_tensor *x = tg_ones(TG_SHAPE(2, 2), TG_F32);   /* x = torch.ones(2, 2, */
    tg_requires_grad_(x, true);                        /*   requires_grad=True) */
    tg_print(x);
    tg_tensor *y = tg_add_scalar(x, 2);                /* y = x + 2 */
    tg_print(y);
    show_grad_fn("y", y);                              /* y was made by an add */
    tg_tensor *z = tg_mul_scalar(tg_mul(y, y), 3);     /* z = y * y * 3 */
    tg_tensor *out = tg_mean(z);                       /* out = z.mean() */
    tg_print(z);
    tg_print(out);
    tg_backward(out, NULL);                            /* out.backward() */
    tg_print(tg_grad(x));                              /* d(out)/dx = 3 (x + 2) / 2 = 4.5 */
}

static void requires_grad_in_place(void)
{
    puts("== 3. requires_grad_ on an existing tensor ==");
    /* a = torch.tensor([[2., 3.], [4., 5.]])   (the tutorial uses randn) */
    tg_tensor *a = tg_from_f32((const float[]){2, 3, 4, 5}, TG_SHAPE(2, 2));
    a = tg_div(tg_mul_scalar(a, 3), tg_sub_scalar(a, 1));   /* a = ((a * 3) / (a - 1)) */
    puts(py_bool(tg_requires_grad(a)));                     /* False: nothing asked for it */
    tg_requires_grad_(a, true);                             /* a.requires_grad_(True) */
    puts(py_bool(tg_requires_grad(a)));
    tg_tensor *b = tg_sum(tg_mul(a, a));                    /* b = (a * a).sum() */
    show_grad_fn("b", b);
    tg_print(b);
}

static void dynamic_loop(void)
{
    puts("== 4. a dynamic loop, backward with a vector ==");
    tg_tensor *x = tg_from_f32((const float[]){0.5f, -1.0f, 2.0f}, TG_SHAPE(3));
    tg_requires_grad_(x, true);
    tg_tensor *y = tg_mul_scalar(x, 2);                     /* y = x * 2 */
    /* while y.data.norm() < 1000: y = y * 2
       The graph is whatever the loop did: here nine multiplications. The
       norm is taken of y.data, outside the graph. */
    while (tg_item(tg_norm(tg_data(y))) < 1000)
        y = tg_mul_scalar(y, 2);
    tg_print(y);
    /* y is not a scalar, so backward needs the vector v of the
       vector-Jacobian product v^T J: y.backward(v) */
    tg_tensor *v = tg_from_f32((const float[]){0.1f, 1.0f, 0.0001f}, TG_SHAPE(3));
    tg_backward(y, v);
    tg_print(tg_grad(x));                                   /* v * 512 */
}

static void no_grad(void)
{
    puts("== 5. no_grad ==");
    tg_tensor *x = tg_from_f32((const float[]){0.5f, -1.0f, 2.0f}, TG_SHAPE(3));
    tg_requires_grad_(x, true);
    puts(py_bool(tg_requires_grad(x)));                     /* x.requires_grad */
    puts(py_bool(tg_requires_grad(tg_pow_scalar(x, 2))));   /* (x ** 2).requires_grad */
    TG_NO_GRAD {                                            /* with torch.no_grad(): */
        puts(py_bool(tg_requires_grad(tg_pow_scalar(x, 2))));   /* nothing recorded */
    }
}

/* print(f"{label:<21} is_leaf {t.is_leaf} requires_grad {t.requires_grad}") */
static void show_leaf(const char *label, const tg_tensor *t)
{
    printf("%-21s is_leaf %s requires_grad %s\n", label,
           py_bool(tg_is_leaf(t)), py_bool(tg_requires_grad(t)));
}

static void is_leaf(void)
{
    puts("== 6. is_leaf ==");
    tg_tensor *a = tg_from_f32((const float[]){1, 2}, TG_SHAPE(2));
    tg_requires_grad_(a, true);
    tg_tensor *b = tg_from_f32((const float[]){1, 2}, TG_SHAPE(2));
    tg_tensor *c = tg_mul_scalar(a, 2);            /* has a grad_fn: not a leaf */
    tg_tensor *d = NULL;
    TG_NO_GRAD {
        d = tg_mul_scalar(a, 2);                   /* no history: a leaf */
    }
    tg_tensor *e = tg_detach(c);                   /* e = c.detach(): a leaf */
    show_leaf("a (requires grad):", a);
    show_leaf("b (no grad):", b);
    show_leaf("c = a * 2:", c);
    show_leaf("d = a * 2 in no_grad:", d);
    show_leaf("e = c.detach():", e);
}

static void gradients_accumulate(void)
{
    puts("== 7. gradients accumulate ==");
    tg_tensor *x = tg_from_f32((const float[]){1, 2, 3}, TG_SHAPE(3));
    tg_requires_grad_(x, true);
    tg_backward(tg_sum(tg_mul(x, x)), NULL);       /* (x * x).sum().backward() */
    tg_print(tg_grad(x));                          /* 2x */
    tg_backward(tg_sum(tg_mul(x, x)), NULL);       /* again: added to x.grad */
    tg_print(tg_grad(x));                          /* 4x */
    tg_zero_(tg_data(tg_grad(x)));                 /* x.grad.data.zero_() */
    tg_print(tg_grad(x));
    tg_backward(tg_sum(tg_mul(x, x)), NULL);
    tg_print(tg_grad(x));                          /* 2x again */
}

static void view_backward_with_gradient(void)
{
    puts("== 8. view, backward with a gradient ==");
    tg_tensor *x = tg_from_f32((const float[]){1, 2, 3, 4, 5, 6}, TG_SHAPE(2, 3));
    tg_requires_grad_(x, true);
    tg_tensor *v = tg_view(x, TG_SHAPE(3, 2));     /* v = x.view(3, 2) */
    show_grad_fn("v", v);
    tg_tensor *y = tg_mul_scalar(v, 2);            /* y = v * 2 */
    tg_print(y);
    /* y.backward() fails: only a one-element output implies its gradient. */
    if (tg_backward(y, NULL) != 0)
        show_error();
    tg_tensor *gradient = tg_from_f32((const float[]){1, 0.1f, 0.01f, 1, 0.1f, 0.01f},
                                      TG_SHAPE(3, 2));
    tg_backward(y, gradient);                      /* y.backward(gradient) */
    tg_print(tg_grad(x));                          /* 2 * gradient, viewed back as (2, 3) */
}

static void no_grad_branch(void)
{
    puts("== 9. a no_grad branch in a graph ==");
    tg_tensor *x = tg_from_f32((const float[]){1, 2, 3}, TG_SHAPE(3));
    tg_requires_grad_(x, true);
    tg_tensor *y1 = tg_mul_scalar(x, 2);           /* y1 = x * 2: recorded */
    tg_tensor *y2 = NULL;
    TG_NO_GRAD {
        y2 = tg_mul_scalar(x, 2);                  /* y2 = x * 2: a constant */
    }
    tg_tensor *y3 = tg_add(y1, y2);                /* y3 = y1 + y2 */
    printf("%s %s\n", py_bool(tg_requires_grad(y2)), py_bool(tg_requires_grad(y3)));
    tg_print(y3);
    tg_backward(tg_sum(y3), NULL);                 /* y3.sum().backward() */
    tg_print(tg_grad(x));                          /* 2: only y1's path counts */
}

static void data_is_invisible(void)
{
    puts("== 10. x.data is invisible to autograd ==");
    tg_tensor *x = tg_from_f32((const float[]){1, 2, 3}, TG_SHAPE(3));
    tg_requires_grad_(x, true);
    tg_backward(tg_sum(tg_mul_scalar(x, 2)), NULL);   /* (x * 2).sum().backward() */
    tg_print(tg_grad(x));
    /* x.data *= 100: x.data shares x's values but not its version counter
       or its history, so this change is not recorded anywhere. */
    tg_mul_scalar_(tg_data(x), 100);
    tg_print(x);
    printf("x._version: %llu\n", (unsigned long long)tg_version(x));
    tg_zero_(tg_grad(x));                             /* x.grad.zero_() */
    tg_backward(tg_sum(tg_mul_scalar(x, 2)), NULL);
    tg_print(tg_grad(x));                             /* still 2 */
}

static void matmul_and_bce(void)
{
    puts("== 11. matmul and binary_cross_entropy_with_logits ==");
    tg_tensor *x = tg_ones(TG_SHAPE(5), TG_F32);      /* x = torch.ones(5)  (input) */
    tg_tensor *y = tg_zeros(TG_SHAPE(3), TG_F32);     /* y = torch.zeros(3) (target) */
    /* w = torch.tensor([...], requires_grad=True)    (the tutorial uses randn) */
    tg_tensor *w = tg_from_f32((const float[]){0.5f, -0.25f, 0.75f,
                                               -1.0f, 0.5f, 0.25f,
                                               0.125f, 1.5f, -0.5f,
                                               0.25f, -0.75f, 1.0f,
                                               -0.5f, 0.25f, 0.125f},
                               TG_SHAPE(5, 3));
    tg_tensor *b = tg_from_f32((const float[]){0.1f, -0.2f, 0.3f}, TG_SHAPE(3));
    tg_requires_grad_(w, true);
    tg_requires_grad_(b, true);
    tg_tensor *z = tg_add(tg_matmul(x, w), b);        /* z = torch.matmul(x, w) + b */
    /* loss = F.binary_cross_entropy_with_logits(z, y) */
    tg_tensor *loss = tg_binary_cross_entropy_with_logits(z, y);
    show_grad_fn("z", z);
    show_grad_fn("loss", loss);
    tg_print(z);
    tg_print(loss);
    tg_backward(loss, NULL);                          /* loss.backward() */
    tg_print(tg_grad(w));
    tg_print(tg_grad(b));
}

static void backward_twice(void)
{
    puts("== 12. backward twice, retain_graph ==");
    tg_tensor *x = tg_from_f32((const float[]){1, 2, 3}, TG_SHAPE(3));
    tg_requires_grad_(x, true);
    tg_tensor *y = tg_sum(tg_mul(x, x));             /* y = (x * x).sum() */
    tg_backward(y, NULL);                            /* y.backward() */
    tg_print(tg_grad(x));
    /* That backward freed the values the multiplication saved for it, so a
       second one fails (y.backward() raises), and changes nothing. */
    if (tg_backward(y, NULL) != 0)
        show_error();
    tg_print(tg_grad(x));
    tg_zero_grad(x);                                 /* x.grad = None */
    y = tg_sum(tg_mul(x, x));
    /* y.backward(retain_graph=True) */
    tg_backward_ex(y, NULL, (tg_backward_opts){.retain_graph = true});
    tg_print(tg_grad(x));
    tg_backward(y, NULL);                            /* works: the graph was kept */
    tg_print(tg_grad(x));                            /* and the gradients add up */
}

static void jacobian_products(void)
{
    puts("== 13. Jacobian products, y += matmul ==");
    /* inp = torch.eye(4, 5, requires_grad=True) */
    tg_tensor *inp = tg_from_f32((const float[]){1, 0, 0, 0, 0,
                                                 0, 1, 0, 0, 0,
                                                 0, 0, 1, 0, 0,
                                                 0, 0, 0, 1, 0},
                                 TG_SHAPE(4, 5));
    tg_requires_grad_(inp, true);
    /* out = (inp + 1).pow(2).t() */
    tg_tensor *out = tg_t(tg_pow_scalar(tg_add_scalar(inp, 1), 2));
    /* torch.ones_like(out): a shape can be passed on as tg_shape + tg_ndim */
    tg_tensor *ones = tg_ones(tg_shape(out), tg_ndim(out), TG_F32);
    tg_backward_opts retain = {.retain_graph = true};

    tg_backward_ex(out, ones, retain);      /* out.backward(torch.ones_like(out), retain_graph=True) */
    puts("First call");
    tg_print(tg_grad(inp));
    tg_backward_ex(out, ones, retain);
    puts("Second call");
    tg_print(tg_grad(inp));
    tg_zero_(tg_grad(inp));                 /* inp.grad.zero_() */
    tg_backward_ex(out, ones, retain);
    puts("Call after zeroing gradients");
    tg_print(tg_grad(inp));

    tg_zero_grad(inp);                      /* inp.grad = None */
    tg_tensor *y = tg_sum(out);             /* y = out.sum() */
    show_grad_fn("y", y);
    /* y += torch.matmul(out[0], out[0]): an in-place add on a non-leaf is
       recorded, and y's history becomes the add. */
    tg_tensor *row = tg_select(out, 0, 0);
    tg_add_(y, tg_matmul(row, row));
    show_grad_fn("y", y);
    tg_print(y);
    tg_backward(y, NULL);                   /* y.backward() */
    tg_print(tg_grad(inp));
}

static void in_place_on_saved_output(void)
{
    puts("== 14. in-place changes to a saved output ==");
    tg_tensor *a = tg_from_f32((const float[]){1, 2, 3}, TG_SHAPE(3));
    tg_requires_grad_(a, true);

    /* sigmoid saves its output for backward. detach() shares the output's
       version counter, so autograd sees the change and refuses. */
    tg_tensor *out = tg_sigmoid(a);          /* out = a.sigmoid() */
    tg_tensor *c = tg_detach(out);           /* c = out.detach() */
    tg_zero_(c);                             /* c.zero_() */
    tg_print(out);
    if (tg_backward(tg_sum(out), NULL) != 0) /* out.sum().backward() */
        show_error();

    /* .data has a version counter of its own: the change goes unnoticed
       and the gradient is silently computed from the zeros. */
    out = tg_sigmoid(a);
    c = tg_data(out);                        /* c = out.data */
    tg_zero_(c);
    tg_print(out);
    tg_backward(tg_sum(out), NULL);
    tg_print(tg_grad(a));                    /* wrong, and no error */

    /* An in-place operation on the output itself is recorded (out's history
       becomes MulBackward0), but sigmoid's saved output is still stale. */
    out = tg_sigmoid(a);
    tg_mul_scalar_(out, 2);                  /* out.mul_(2) */
    tg_print(out);
    if (tg_backward(tg_sum(out), NULL) != 0)
        show_error();
}

/* ------------------------------------------------------------------------ */

static void (*const sections[])(void) = {
    sqrt_sum_backward, ones_add_mul_mean, requires_grad_in_place, dynamic_loop,
    no_grad, is_leaf, gradients_accumulate, view_backward_with_gradient,
    no_grad_branch, data_is_invisible, matmul_and_bce, backward_twice,
    jacobian_products, in_place_on_saved_output,
};

int main(void)
{
    for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++) {
        if (i > 0) putchar('\n');
        /* One scope per section: every tensor the section makes, including
           the ones it only passes along (tg_sum(tg_mul(x, x))), belongs to
           this scope and is released by tg_scope_end(). Without it they
           would pile up in the thread's root scope until the program exits,
           which is harmless here but not in a long-running loop. */
        tg_scope_begin();
        sections[i]();
        tg_scope_end();
        /* Errors are kept until cleared, and a failed call makes the calls
           that use its NULL result fail too, so one check per section is
           enough to catch anything that went wrong unexpectedly. */
        if (tg_last_status() != TG_OK) {
            fprintf(stderr, "autograd_tour: %s\n", tg_last_error());
            return 1;
        }
    }
    return 0;
}
