// The fuzz executable's entry point. SwiftPM links an executable with `main` defined as
// `<module>_main`, so libFuzzer's own `main` is never used: this one starts libFuzzer's driver
// with the Swift entry point (LLVMFuzzerTestOneInput, in FuzzEntry.swift).
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int listwash_fuzz_main(int argc, char **argv) {
    return LLVMFuzzerRunDriver(&argc, &argv, LLVMFuzzerTestOneInput);
}
