/* The API is hard to misuse: handles stay valid until their scope ends,
   scope misuse is an error that changes nothing, a tensor used after its
   scope ended is an error in debug mode, readers given NULL set errors,
   warnings reach their handler, and TG_NO_GRAD / TG_ENABLE_GRAD nest and
   restore the mode however their block is left. Built with -Wshadow, so
   nested grad-mode blocks must not warn. */
#include "harness.h"

#include "core/core.h"   /* tg__live_tensors */

#include <stdlib.h>
#include <unistd.h>

static double at(const tg_tensor *t, int64_t i)
{
    double v[16];
    return tg_copy_to_f64(t, v) == 0 ? v[i] : NAN;
}

static bool failed_with(tg_status status, const char *message)
{
    bool ok = tg_last_status() == status && strcmp(tg_last_error(), message) == 0;
    if (!ok) fprintf(stderr, "  expected [%d] %s\n  got      [%d] %s\n", status, message, tg_last_status(), tg_last_error());
    tg_clear_error();
    return ok;
}

/* PyTorch's g = x.grad; x.grad = None; print(g), and a later backward that
   replaces .grad: the handle keeps the gradient it showed. */
static void test_grad_handle_outlives_zero_grad(void)
{
    tg_scope_begin();
    tg_tensor *x = tg_requires_grad_(tg_ones(TG_SHAPE(2), TG_F32), true);
    CHECK(tg_backward(tg_sum(tg_mul_scalar(x, 3)), NULL) == 0);
    tg_tensor *g = tg_grad(x);
    tg_zero_grad(x);
    CHECK(tg_grad(x) == NULL && tg_last_status() == TG_OK);
    CHECK(g && at(g, 0) == 3 && at(g, 1) == 3);
    CHECK(tg_backward_ex(tg_sum(tg_mul_scalar(x, 5)), NULL, (tg_backward_opts){.create_graph = true}) == 0);
    tg_tensor *g2 = tg_grad(x);
    tg_zero_grad(x);   /* breaks the create_graph cycle */
    CHECK(g2 && g2 != g && at(g2, 0) == 5 && at(g, 0) == 3);
    tg_scope_end();
}

static void test_scope_misuse(void)
{
    int depth = tg_scope_depth();
    tg_tensor *root_owned = tg_ones(TG_SHAPE(1), TG_F32);
    CHECK(tg_keep(root_owned) == NULL && failed_with(TG_E_SCOPE, "tg_keep(): no scope is open, and the root scope has no enclosing one"));
    tg_scope_end();
    CHECK(failed_with(TG_E_SCOPE, "tg_scope_end(): no scope is open") && tg_scope_depth() == depth);

    int64_t tensors = tg__live_tensors();
    CHECK(tg_scope_begin() == depth + 1 && tg_scope_depth() == depth + 1 && tg_scope_size() == 0);
    tg_tensor *outer = tg_ones(TG_SHAPE(2), TG_F32);
    CHECK(tg_scope_size() == 1);
    tg_scope_begin();
    tg_tensor *inner = tg_add(outer, outer);
    CHECK(tg_scope_size() == 1);
    CHECK(tg_keep(outer) == NULL &&
          failed_with(TG_E_SCOPE, "tg_keep(): the current scope does not own this tensor (it was kept already, "
                                  "retained, or made in another scope)"));
    CHECK(tg_keep(inner) == inner && tg_scope_size() == 0);
    CHECK(tg_keep(inner) == NULL && tg_last_status() == TG_E_SCOPE);   /* twice */
    tg_clear_error();
    CHECK(tg_keep(NULL) == NULL && tg_last_status() == TG_E_NULL);
    tg_clear_error();
    tg_scope_end();
    CHECK(tg_scope_size() == 2 && at(inner, 1) == 2);   /* the kept tensor lives on, once */
    tg_scope_end();
    CHECK(tg__live_tensors() == tensors);
}

static void test_readers_given_null(void)
{
    tg_clear_error();
    CHECK(tg_ndim(NULL) == -1 && failed_with(TG_E_NULL, "tg_ndim(): a tensor argument is NULL"));
    CHECK(tg_numel(NULL) == -1 && failed_with(TG_E_NULL, "tg_numel(): a tensor argument is NULL"));
    CHECK(tg_dtype_of(NULL) == (tg_dtype)-1 && failed_with(TG_E_NULL, "tg_dtype_of(): a tensor argument is NULL"));
    CHECK(tg_shape(NULL) == NULL && failed_with(TG_E_NULL, "tg_shape(): a tensor argument is NULL"));
    CHECK(tg_strides(NULL) == NULL && failed_with(TG_E_NULL, "tg_strides(): a tensor argument is NULL"));
    CHECK(!tg_is_contiguous(NULL) && failed_with(TG_E_NULL, "tg_is_contiguous(): a tensor argument is NULL"));
    CHECK(!tg_requires_grad(NULL) && failed_with(TG_E_NULL, "tg_requires_grad(): a tensor argument is NULL"));
    CHECK(tg_grad(NULL) == NULL && failed_with(TG_E_NULL, "tg_grad(): a tensor argument is NULL"));
    CHECK(isnan(tg_item(NULL)) && failed_with(TG_E_NULL, "tg_item(): a tensor argument is NULL"));
    /* The first error of an expression is kept. */
    CHECK(tg_ndim(tg_exp(NULL)) == -1 && failed_with(TG_E_NULL, "tg_exp(): a tensor argument is NULL"));
    /* Errors inside shared helpers name the public function. */
    CHECK(tg_add(NULL, NULL) == NULL && failed_with(TG_E_NULL, "tg_add(): a tensor argument is NULL"));
    CHECK(tg_sum_dim(tg_ones(TG_SHAPE(2), TG_F32), NULL, 1, false) == NULL &&
          failed_with(TG_E_NULL, "tg_sum_dim(): dims is NULL"));
    CHECK(tg_zeros(NULL, 2, TG_F32) == NULL && failed_with(TG_E_NULL, "tg_zeros(): shape is NULL"));
    CHECK(tg_from_f64(NULL, TG_SHAPE(2)) == NULL && failed_with(TG_E_NULL, "tg_from_f64(): data is NULL"));
    CHECK(tg_ones(TG_SHAPE(2), (tg_dtype)57) == NULL && failed_with(TG_E_DTYPE, "tg_ones(): 57 is not a tg_dtype"));
    CHECK(tg_dtype_of(tg_to(tg_ones(TG_SHAPE(2), TG_F32), TG_F16)) == TG_F16);   /* float16 is supported now */
    tg_release(NULL);   /* like free(NULL) */
    CHECK(tg_last_status() == TG_OK);
}

static char warned[4][512];
static int n_warned;

static void collect(const char *message, void *user_data)
{
    (void)user_data;
    if (n_warned < 4) snprintf(warned[n_warned], sizeof warned[0], "%s", message);
    n_warned++;
}

static void test_warnings(void)
{
    tg_scope_begin();
    int token;
    tg_set_warning_handler(collect, &token);
    tg_tensor *input = tg_zeros(TG_SHAPE(3, 1), TG_F32), *target = tg_zeros(TG_SHAPE(3), TG_F32);
    tg_tensor *loss = tg_mse_loss(input, target);
    CHECK(loss && n_warned == 1);
    CHECK_STR(warned[0], "Using a target size (torch.Size([3])) that is different to the input size "
                         "(torch.Size([3, 1])). This will likely lead to incorrect results due to broadcasting. "
                         "Please ensure they have the same size.");
    tg_mse_loss(input, tg_zeros(TG_SHAPE(3, 1), TG_F32));
    CHECK(n_warned == 1);   /* same sizes: no warning */

    /* The default handler writes each distinct warning once to stderr. */
    tg_set_warning_handler(NULL, NULL);
    fflush(stderr);
    int saved = dup(2);
    FILE *log = tmpfile();
    if (saved < 0 || !log) {
        CHECK(!"could not redirect stderr");
        tg_scope_end();
        return;
    }
    dup2(fileno(log), 2);
    for (int i = 0; i < 3; i++) tg_mse_loss(input, target);
    tg_mse_loss(tg_zeros(TG_SHAPE(2, 1), TG_F32), tg_zeros(TG_SHAPE(2), TG_F32));
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    char line[1024];
    int lines = 0;
    rewind(log);
    while (fgets(line, sizeof line, log)) lines += strncmp(line, "tensorgrad: UserWarning: Using a target size", 44) == 0;
    fclose(log);
    CHECK(lines == 2);
    tg_scope_end();
}

static bool grad_off_inside(void)
{
    TG_NO_GRAD {
        return !tg_is_grad_enabled();   /* leaves the block by return */
    }
    return false;
}

static void test_grad_mode_blocks(void)
{
    CHECK(tg_is_grad_enabled());
    TG_NO_GRAD {
        CHECK(!tg_is_grad_enabled());
        TG_ENABLE_GRAD {
            CHECK(tg_is_grad_enabled());
            TG_NO_GRAD { CHECK(!tg_is_grad_enabled()); }
            CHECK(tg_is_grad_enabled());
        }
        CHECK(!tg_is_grad_enabled());
    }
    CHECK(tg_is_grad_enabled());
    CHECK(grad_off_inside() && tg_is_grad_enabled());
    for (int i = 0; i < 3; i++) {
        TG_NO_GRAD {
            if (i == 1) break;   /* leaves the block, not the loop */
        }
        CHECK(tg_is_grad_enabled());
    }
    TG_NO_GRAD {
        goto out;
    }
out:
    CHECK(tg_is_grad_enabled());
}

/* Debug mode (set before the first tensor is freed): a tensor freed when
   its scope ended is an error to use, not freed memory. */
static void test_use_after_scope(void)
{
    tg_scope_begin();
    tg_tensor *t = tg_ones(TG_SHAPE(2), TG_F32);
    tg_scope_end();
    CHECK(tg_add(t, t) == NULL && failed_with(TG_E_SCOPE, "tg_add(): tensor used after its scope ended"));
    CHECK(tg_numel(t) == -1 && failed_with(TG_E_SCOPE, "tg_numel(): tensor used after its scope ended"));
    tg_print(t);
    CHECK(failed_with(TG_E_SCOPE, "tg_print(): tensor used after its scope ended"));
    CHECK(tg_backward(t, NULL) == -1 && failed_with(TG_E_SCOPE, "tg_backward(): tensor used after its scope ended"));
    tg_release(t);   /* not a double free */
    CHECK(failed_with(TG_E_SCOPE, "tg_release(): tensor used after its scope ended"));
}

int main(void)
{
    setenv("TENSORGRAD_DEBUG", "1", 1);
    test_grad_handle_outlives_zero_grad();
    test_scope_misuse();
    test_readers_given_null();
    test_warnings();
    test_grad_mode_blocks();
    test_use_after_scope();
    return TEST_MAIN_END();
}
