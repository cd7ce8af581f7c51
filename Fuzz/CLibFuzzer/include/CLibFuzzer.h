#ifndef KOPPELING_CLIBFUZZER_H
#define KOPPELING_CLIBFUZZER_H

#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver (LLVM 13 and later), for a program with its own `main`: SwiftPM gives every
/// executable its own entry point, so the fuzz build starts libFuzzer from there. Defined by the
/// fuzzer runtime that `-sanitize=fuzzer` links; only called in that build.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
