#!/bin/sh
# test-storage-libfuzzer.sh - the qcow2 fuzz target (fuzz-qcow2.c) under
# libFuzzer's own engine for a short, fixed-seed run: coverage-guided
# mutations of the checked-in corpus, with ASan and UBSan (a report, a
# crash or a leak fails the run).  fuzz-qcow2 (the fixed-seed driver)
# runs the same target without clang; this one needs clang with its
# libFuzzer runtime (Debian clang, libclang-rt-14-dev) and skips
# without.  VESSEL_FUZZ_RUNS=N: N inputs (default 3000, at most 60 s).
. "$top_srcdir/tests/lib/tap.sh"

cc=${VESSEL_FUZZ_CC:-clang}
command -v "$cc" >/dev/null 2>&1 || tap_skip_all "$cc not installed (the fixed-seed fuzz-qcow2 ran instead)"
out=$top_builddir/tests/storage/libfuzzer.d
mkdir -p "$out"
printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' \
    > "$out/probe.c"
"$cc" -fsanitize=fuzzer "$out/probe.c" -o "$out/probe" 2>/dev/null ||
    tap_skip_all "$cc cannot link libFuzzer (libclang-rt-14-dev)"

tap_plan 1
runs=${VESSEL_FUZZ_RUNS:-3000}
CC=$cc VESSEL_FUZZ_OUT=$out sh "$top_srcdir/tests/storage/fuzz/build-libfuzzer.sh" "$top_builddir" \
    -seed=1 -runs="$runs" -max_total_time=60 -print_final_stats=1 -artifact_prefix="$out/" \
    > "$out/log" 2>&1
rc=$?
grep -E '^(Done|stat::number_of_executed_units|stat::new_units_added)' "$out/log" | sed 's/^/# /'
[ $rc = 0 ] || tail -n 40 "$out/log" | sed 's/^/# /'
tap_ok $rc "libFuzzer: $runs inputs from the corpus, no sanitizer report, crash or leak"
tap_done
