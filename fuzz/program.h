/* The fuzzing harness's decoder: arbitrary bytes in, a small program of
   tensorgrad operations out, run against the public API.

   The same decoder serves the libFuzzer target (fuzz/fuzz_tensorgrad.c) and
   the regression test (tests/test_fuzz_regressions.c), which replays every
   file of fuzz/corpus/ and fuzz/regressions/. */
#ifndef TG_FUZZ_PROGRAM_H
#define TG_FUZZ_PROGRAM_H

#include <stddef.h>
#include <stdint.h>

/* Decodes data into a program and runs it. Returns 0 when the library
   behaved: every failure was a NULL / -1 return with an error set, every
   tensor it returned was well formed and readable, and once the program's
   scopes were closed and its references dropped, no tensor or graph node
   was left alive. Returns -1 after describing the first problem on stderr.
   Memory errors and undefined behaviour are the sanitizers' to report. */
int tgfz_run(const uint8_t *data, size_t size);

/* When nonzero (or when the environment has TGFZ_TRACE=1), tgfz_run prints
   each decoded operation and its outcome to stderr. */
extern int tgfz_trace;

#endif
