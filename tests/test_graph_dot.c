/* tg_graph_dot: the exact DOT text for small graphs, each node once, the
   corner cases, and (when Graphviz is installed) that dot accepts it. */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* tg_graph_dot's text for t (malloc'd), or NULL when it fails. */
static char *dot_text(const tg_tensor *t)
{
    FILE *f = tmpfile();
    if (!f) return NULL;
    char *text = NULL;
    if (tg_graph_dot(t, f) == 0) {
        long size = ftell(f);
        rewind(f);
        text = size >= 0 ? calloc((size_t)size + 1, 1) : NULL;
        if (text && fread(text, 1, (size_t)size, f) != (size_t)size) {
            free(text);
            text = NULL;
        }
    }
    fclose(f);
    return text;
}

static bool dot_is(const tg_tensor *t, const char *expected)
{
    char *text = dot_text(t);
    bool same = text && strcmp(text, expected) == 0;
    if (!same) fprintf(stderr, "--- expected:\n%s--- got:\n%s", expected, text ? text : "(failed)\n");
    free(text);
    return same;
}

/* Whether Graphviz's dot parses the text (dot is a test dependency). */
static bool dot_accepts(const char *text)
{
    if (system("command -v dot >/dev/null 2>&1") != 0) {
        fprintf(stderr, "Graphviz's dot is not installed (tools/setup-deps test installs it)\n");
        return false;
    }
    char path[] = "/tmp/test_graph_dot_XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) return false;
    bool written = write(fd, text, strlen(text)) == (ssize_t)strlen(text);
    close(fd);
    char command[128];
    snprintf(command, sizeof command, "dot -Tsvg %s -o /dev/null", path);
    bool ok = written && system(command) == 0;
    unlink(path);
    return ok;
}

#define HEADER "digraph {\n\tnode [shape=box fontname=monospace fontsize=10]\n"

/* DESIGN.md's example: out = mean(3 (x + 2)^2). */
static void test_design_example(void)
{
    tg_scope_begin();
    tg_tensor *x = tg_requires_grad_(tg_ones(TG_SHAPE(2, 2), TG_F32), true);
    tg_tensor *y = tg_add_scalar(x, 2);
    tg_tensor *out = tg_mean(tg_mul_scalar(tg_mul(y, y), 3));
    const char *expected =
        HEADER
        "\ttensor [label=\"tensor\\n()\" style=filled fillcolor=darkolivegreen1]\n"
        "\ttensor -> n0\n"
        "\tn0 [label=\"MeanBackward0\"]\n"
        "\tn0 -> n1\n"
        "\tn1 [label=\"MulBackward0\"]\n"
        "\tn1 -> n2\n"
        "\tn2 [label=\"MulBackward0\"]\n"
        "\tn2 -> n3\n"
        "\tn2 -> n3\n"   /* y * y: two edges to y's node */
        "\tn3 [label=\"AddBackward0\"]\n"
        "\tn3 -> n4\n"
        "\tn4 [label=\"AccumulateGrad\\n(2, 2)\" style=filled fillcolor=lightblue]\n"
        "}\n";
    CHECK(dot_is(out, expected));
    CHECK(dot_accepts(expected));
    /* The same text every time, and drawing changes nothing. */
    CHECK(dot_is(out, expected));
    CHECK(tg_backward(out, NULL) == 0);
    tg_scope_end();
}

/* Two leaves, a node reached twice (b's AccumulateGrad): drawn once. */
static void test_shared_node(void)
{
    tg_scope_begin();
    tg_tensor *a = tg_requires_grad_(tg_ones(TG_SHAPE(2, 3), TG_F64), true);
    tg_tensor *b = tg_requires_grad_(tg_ones(TG_SHAPE(3), TG_F64), true);
    tg_tensor *out = tg_sum_dim(tg_mul(tg_add(a, b), tg_sin(b)), (const int64_t[]){0}, 1, false);
    const char *expected =
        HEADER
        "\ttensor [label=\"tensor\\n(3)\" style=filled fillcolor=darkolivegreen1]\n"
        "\ttensor -> n0\n"
        "\tn0 [label=\"SumBackward1\"]\n"
        "\tn0 -> n1\n"
        "\tn1 [label=\"MulBackward0\"]\n"
        "\tn1 -> n2\n"
        "\tn1 -> n3\n"
        "\tn2 [label=\"AddBackward0\"]\n"
        "\tn2 -> n4\n"
        "\tn2 -> n5\n"
        "\tn3 [label=\"SinBackward0\"]\n"
        "\tn3 -> n5\n"
        "\tn4 [label=\"AccumulateGrad\\n(2, 3)\" style=filled fillcolor=lightblue]\n"
        "\tn5 [label=\"AccumulateGrad\\n(3)\" style=filled fillcolor=lightblue]\n"
        "}\n";
    CHECK(dot_is(out, expected));
    CHECK(dot_accepts(expected));
    tg_scope_end();
}

/* An input that needs no gradient has no edge; matmul shows its nodes. */
static void test_partial_graph(void)
{
    tg_scope_begin();
    tg_tensor *w = tg_requires_grad_(tg_ones(TG_SHAPE(3, 2), TG_F32), true);
    tg_tensor *x = tg_ones(TG_SHAPE(4, 3), TG_F32);
    tg_tensor *out = tg_relu(tg_matmul(x, w));
    const char *expected =
        HEADER
        "\ttensor [label=\"tensor\\n(4, 2)\" style=filled fillcolor=darkolivegreen1]\n"
        "\ttensor -> n0\n"
        "\tn0 [label=\"ReluBackward0\"]\n"
        "\tn0 -> n1\n"
        "\tn1 [label=\"MmBackward0\"]\n"
        "\tn1 -> n2\n"
        "\tn2 [label=\"AccumulateGrad\\n(3, 2)\" style=filled fillcolor=lightblue]\n"
        "}\n";
    CHECK(dot_is(out, expected));
    tg_scope_end();
}

static void test_leaves(void)
{
    tg_scope_begin();
    tg_tensor *plain = tg_zeros(TG_SHAPE(2, 3), TG_F32);
    CHECK(dot_is(plain, HEADER "\ttensor [label=\"tensor\\n(2, 3)\" style=filled fillcolor=darkolivegreen1]\n}\n"));
    /* A leaf that requires grad leads to its AccumulateGrad, used or not. */
    const char *leaf =
        HEADER
        "\ttensor [label=\"tensor\\n(4)\" style=filled fillcolor=darkolivegreen1]\n"
        "\ttensor -> n0\n"
        "\tn0 [label=\"AccumulateGrad\\n(4)\" style=filled fillcolor=lightblue]\n"
        "}\n";
    tg_tensor *x = tg_requires_grad_(tg_ones(TG_SHAPE(4), TG_F32), true);
    CHECK(dot_is(x, leaf));
    tg_tensor *y = tg_exp(x);   /* now x's AccumulateGrad exists */
    CHECK(dot_is(x, leaf));
    CHECK(y != NULL);
    /* A result computed without grad has no graph. */
    tg_tensor *z = NULL;
    TG_NO_GRAD { z = tg_exp(x); }
    CHECK(dot_is(z, HEADER "\ttensor [label=\"tensor\\n(4)\" style=filled fillcolor=darkolivegreen1]\n}\n"));
    tg_scope_end();
}

/* A long chain: the walk is iterative and the node index grows. */
static void test_long_chain(void)
{
    tg_scope_begin();
    tg_tensor *x = tg_requires_grad_(tg_ones(TG_SHAPE(2), TG_F32), true);
    tg_tensor *y = x;
    enum { LENGTH = 20000 };
    for (int i = 0; i < LENGTH; i++) y = tg_add_scalar(y, 1);
    char *text = dot_text(y);
    CHECK(text != NULL);
    int lines = 0;
    for (const char *p = text; p && *p; p++) lines += *p == '\n';
    /* header 2 + tensor 2 + (label + edge) per add + AccumulateGrad + "}" */
    CHECK(lines == 2 + 2 + 2 * LENGTH + 1 + 1);
    CHECK(text && strstr(text, "\tn19999 -> n20000\n\tn20000 [label=\"AccumulateGrad\\n(2)\""));
    free(text);
    tg_scope_end();
}

static void test_errors(void)
{
    tg_clear_error();
    CHECK(tg_graph_dot(NULL, stdout) == -1);
    CHECK(tg_last_status() == TG_E_NULL);
    tg_clear_error();
    tg_scope_begin();
    CHECK(tg_graph_dot(tg_ones(TG_SHAPE(1), TG_F32), NULL) == -1);
    CHECK(tg_last_status() == TG_E_NULL);
    tg_clear_error();
    tg_scope_end();
}

int main(void)
{
    test_design_example();
    test_shared_node();
    test_partial_graph();
    test_leaves();
    test_long_chain();
    test_errors();
    return TEST_MAIN_END();
}
