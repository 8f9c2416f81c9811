/* The libFuzzer target: each input is a program for the decoder in
   program.c. A program that finds the library misbehaving (an error
   return without an error, a malformed result, a leaked tensor or node)
   aborts, so libFuzzer saves it; memory errors and undefined behaviour are
   reported by ASan and UBSan. fuzz/run.sh builds and runs it. */
#include "program.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (tgfz_run(data, size) != 0) abort();
    return 0;
}
