/* fuzz-xml.c - libFuzzer entry point for the domain and network parsers.
 * Built outside automake by fuzz/build-libfuzzer.sh (clang,
 * -fsanitize=fuzzer,address,undefined); make check replays the same
 * oracle deterministically (test-xml-fuzz). */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include "../fuzz_one.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    xml_fuzz_one(data, size);
    return 0;
}
