/*
 * fuzz.h - what the libFuzzer harnesses share (fuzz/README.md).
 *
 * A harness is one LLVMFuzzerTestOneInput(); libFuzzer (clang
 * -fsanitize=fuzzer) provides main().  Besides the sanitizers' own
 * reports, a harness checks the promises of the header it exercises with
 * FUZZ_CHECK: a broken promise aborts, which libFuzzer reports as a crash
 * and saves the input.
 */
#ifndef PGC_FUZZ_H
#define PGC_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                              \
    do {                                                                              \
        if (!(cond)) {                                                                \
            fprintf(stderr, "%s:%d: broken promise: %s\n", __FILE__, __LINE__, #cond); \
            abort();                                                                  \
        }                                                                             \
    } while (0)

#endif /* PGC_FUZZ_H */
