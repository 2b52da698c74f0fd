#!/bin/sh
# check.sh - the whole test suite, as CI runs it: build and `make check`,
# the same under ASan+UBSan, then `make distcheck`, then the Debian and RPM
# packages from distcheck's tarball (scripts/packages.sh: lintian, rpmlint,
# the install test, the README's build-tree install; root only) with
# VESSEL_PACKAGES=1.  Build trees
# live in build/, build-asan/, build-dist/ and build-pkg/ at the top of
# the source tree.
#
# The packages cost two more builds and a container: about 600 CPU
# seconds (6-8 minutes on a quiet 2-core host), 4-8 more to make the
# install test's base root when ~/.cache/vessel/pkgroot has none for the
# current Depends.  CI (.ci/run) sets VESSEL_PACKAGES=1, so every CI run
# builds and installs them; by hand check.sh runs them only when asked
# (VESSEL_PACKAGES=1, as root).  Every run says whether the packaging as
# it is now passed: scripts/packages.sh leaves a stamp keyed by the
# version and the contents of debian/, vessel.spec.in, vessel.rpmlint.toml,
# tests/packaging/ and itself (~/.cache/vessel/packages/VERSION-KEY.ok,
# named by scripts/packages.sh --stamp).  make check always runs the
# cheap half, tests/packaging/test-metadata.sh.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
jobs=$(nproc 2>/dev/null || echo 2)

NOCONFIGURE=1 ./autogen.sh >/dev/null 2>&1 || { ./autogen.sh; exit 1; }

run_check() {
  dir=$1; shift
  echo "=== $dir: configure $*"
  mkdir -p "$dir"
  start=$(date +%s)
  if (cd "$dir" && "$top/configure" -q "$@" && make -s -j"$jobs" && \
        make -j"$jobs" check) > "$dir.log" 2>&1; then
    grep -E '^(# (TOTAL|PASS|SKIP|XFAIL|FAIL|XPASS|ERROR):|Testsuite summary for)' "$dir.log" | \
      awk '/^# TOTAL/{t+=$3} /^# PASS/{p+=$3} /^# SKIP/{s+=$3} /^# XFAIL/{x+=$3} END{printf "=== %s: %d tests, %d pass, %d skip, %d xfail\n", "'"$dir"'", t, p, s, x}'
    echo "=== $dir: ok in $(( $(date +%s) - start )) s"
    return 0
  fi
  # CI shows only the last lines of this output: the make tail first,
  # then each failing test's own log (its stderr, the sanitizer report or
  # the assertion), then the verdict last.
  tail -n 15 "$dir.log"
  grep -nE '\*\*\*|error:' "$dir.log" | head -n 10
  find "$dir" -name '*.trs' -newer "$dir/config.status" 2>/dev/null | \
    xargs -r grep -lE '^:test-result: (FAIL|ERROR|XPASS)' | head -n 3 | while read -r t; do
    echo "--- ${t%.trs}.log (its not-ok lines, then its last lines)"
    grep -E '^(not ok|Bail out)' "${t%.trs}.log" | head -n 10
    tail -n 25 "${t%.trs}.log"
  done
  echo "=== $dir: FAILED after $(( $(date +%s) - start )) s:"
  grep -E '^(FAIL|ERROR|XPASS):' "$dir.log" | head -n 10
  return 1
}

# The differential harness runs its fixed seed and, with VESSEL_DIFF_SEED,
# one more: a fresh random seed per run finds what the fixed one cannot.
# It is printed so a failure can be reproduced.
VESSEL_DIFF_SEED=${VESSEL_DIFF_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
export VESSEL_DIFF_SEED
echo "=== differential harness: fixed seed and fresh seed $VESSEL_DIFF_SEED" \
  "(reproduce: VESSEL_DIFF_SEED=$VESSEL_DIFF_SEED make -C build/tests/dbt check TESTS=test-dbt-diff)"

run_check build

# The sanitizer and distcheck runs repeat every test but the long guest
# boots (VESSEL_TEST_QUICK: all but tests/virtio/test-virtio-guest.sh, one
# 1-vCPU Linux boot under ASan+UBSan) and run fewer differential CPU cases
# per form: the main run above boots every guest and runs the full CPU
# comparison.
export VESSEL_TEST_QUICK=1 VESSEL_DIFF_CASES=4
VESSEL_TEST_TIMEOUT_SCALE=4 run_check build-asan --enable-sanitizers
echo "=== distcheck"
mkdir -p build-dist
start=$(date +%s)
(cd build-dist && "$top/configure" -q && make -s -j"$jobs" distcheck) > build-dist.log 2>&1 || {
  tail -n 20 build-dist.log
  find build-dist -name '*.trs' 2>/dev/null | xargs -r grep -lE '^:test-result: (FAIL|ERROR|XPASS)' | \
    head -n 3 | while read -r t; do echo "--- ${t%.trs}.log"; tail -n 25 "${t%.trs}.log"; done
  echo "=== distcheck: FAILED"; grep -E '^(FAIL|ERROR|XPASS):' build-dist.log | head -n 10; exit 1; }
echo "=== distcheck: ok in $(( $(date +%s) - start )) s"
pkg_pass=0; pkg_fail=0
tarball=$(ls -t build-dist/vessel-*.tar.gz | head -n 1)
stamp=$(sh scripts/packages.sh --stamp "$tarball")
if [ -f "$stamp" ]; then
  pkg_last="passed for $(basename "$stamp" .ok) on $(cat "$stamp")"
else
  pkg_last="no pass recorded for $(basename "$stamp" .ok): run scripts/packages.sh"
fi
pkg_run=no; pkg_why="VESSEL_PACKAGES=1 runs them; $pkg_last"
[ "${VESSEL_PACKAGES:-0}" = 1 ] && pkg_run=yes
if [ "$(id -u)" -ne 0 ]; then
  echo "=== packages: skipped (the install test boots a container: run as root)"
elif [ $pkg_run = no ]; then
  echo "=== packages: skipped ($pkg_why)"
else
  start=$(date +%s)
  sh scripts/packages.sh "$tarball" || {
    echo "=== packages: FAILED after $(( $(date +%s) - start )) s"; exit 1; }
  echo "=== packages: ok in $(( $(date +%s) - start )) s"
  pkg_pass=$(cat build-pkg/install-test.log build-pkg/readme-test.log 2>/dev/null | grep -c '^ok ' || :)
  pkg_fail=$(cat build-pkg/install-test.log build-pkg/readme-test.log 2>/dev/null | grep -c '^not ok ' || :)
fi
# One closing line for CI: totals over every suite of every configuration.
pass=0; fail=0
for f in $(find build build-asan -name test-suite.log); do
  p=$(sed -n 's/^# PASS: *//p' "$f" | head -1); x=$(sed -n 's/^# FAIL: *//p' "$f" | head -1)
  e=$(sed -n 's/^# ERROR: *//p' "$f" | head -1)
  pass=$((pass + ${p:-0})); fail=$((fail + ${x:-0} + ${e:-0}))
done
pass=$((pass + pkg_pass)); fail=$((fail + pkg_fail))
echo "=== all test suites passed (build, build-asan, distcheck$([ $pkg_run = yes ] && echo ", packages"))"
echo "$pass passed, $fail failed"
