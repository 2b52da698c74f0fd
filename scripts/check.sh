#!/bin/sh
# check.sh - the whole test suite, as CI runs it: build and `make check`,
# the same under ASan+UBSan, then `make distcheck`.  Build trees live in
# build/, build-asan/ and build-dist/ at the top of the source tree.
# Needs the packages from scripts/deps.sh.  Exit status non-zero on failure.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
jobs=$(nproc 2>/dev/null || echo 2)

NOCONFIGURE=1 ./autogen.sh >/dev/null 2>&1 || { ./autogen.sh; exit 1; }

run_check() {
  dir=$1; shift
  echo "=== $dir: configure $*"
  mkdir -p "$dir"
  (cd "$dir" && "$top/configure" -q "$@" && make -s -j"$jobs" && \
     make -j"$jobs" check) || {
    echo "=== $dir: FAILED; test logs:"
    find "$dir/tests" -name '*.log' ! -name 'test-suite.log' -newer "$dir/config.status" \
       -exec grep -l -E '^(not ok|Bail out|ERROR)' {} + 2>/dev/null | while read -r f; do
         echo "--- $f"; tail -n 60 "$f"; done
    return 1
  }
}

run_check build
VESSEL_TEST_TIMEOUT_SCALE=4 run_check build-asan --enable-sanitizers
echo "=== distcheck"
mkdir -p build-dist
(cd build-dist && "$top/configure" -q && make -s -j"$jobs" distcheck)
# One closing line for CI: totals over every suite of every configuration.
pass=0; fail=0
for f in $(find build build-asan -name test-suite.log); do
  p=$(sed -n 's/^# PASS: *//p' "$f" | head -1); x=$(sed -n 's/^# FAIL: *//p' "$f" | head -1)
  e=$(sed -n 's/^# ERROR: *//p' "$f" | head -1)
  pass=$((pass + ${p:-0})); fail=$((fail + ${x:-0} + ${e:-0}))
done
echo "=== all test suites passed (build, build-asan, distcheck)"
echo "$pass passed, $fail failed"
