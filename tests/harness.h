/* A small test harness: CHECK records a failure with file:line (and the
   library's last error, if any) and goes on; TEST_MAIN_END prints
   "N passed, N failed" and returns the exit status. */
#ifndef TG_TEST_HARNESS_H
#define TG_TEST_HARNESS_H

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <tensorgrad.h>

static int harness_passed, harness_failed;

#define CHECK(cond) do {                                                            \
        if (cond) { harness_passed++; break; }                                      \
        harness_failed++;                                                           \
        fprintf(stderr, "%s:%d: CHECK(%s) failed%s%s\n", __FILE__, __LINE__, #cond,   \
                *tg_last_error() ? "; last error: " : "", tg_last_error());         \
    } while (0)

#define CHECK_CLOSE(a, b, tol) do {                                                 \
        double a_ = (a), b_ = (b);                                                  \
        if (fabs(a_ - b_) <= (tol) * (1 + fabs(b_))) { harness_passed++; break; }   \
        harness_failed++;                                                           \
        fprintf(stderr, "%s:%d: %s = %.9g, expected %s = %.9g\n", __FILE__, __LINE__, \
                #a, a_, #b, b_);                                                    \
    } while (0)

#define CHECK_STR(a, b) do {                                                        \
        const char *a_ = (a), *b_ = (b);                                            \
        if (a_ && b_ && strcmp(a_, b_) == 0) { harness_passed++; break; }           \
        harness_failed++;                                                           \
        fprintf(stderr, "%s:%d: %s\n  got:      \"%s\"\n  expected: \"%s\"\n",      \
                __FILE__, __LINE__, #a, a_ ? a_ : "(null)", b_ ? b_ : "(null)");    \
    } while (0)

#define TEST_MAIN_END() (printf("%d passed, %d failed\n", harness_passed, harness_failed), \
                         harness_failed ? 1 : 0)

#endif
