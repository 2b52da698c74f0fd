#!/bin/sh
# test-run-test.sh - tests/run-test runs a GTest program to the end: after
# a failed g_assert or a crash it reports that test "not ok" and goes on
# with the rest, so every failure is seen.  And what the crashed test
# left (a temp dir, a process that outlived it) is cleaned up by vtest's
# reaper.
. "$top_srcdir/tests/lib/tap.sh"
RUN="$top_srcdir/tests/run-test"
SAMPLE="$top_builddir/tests/unit/gtest-sample"
[ -x "$SAMPLE" ] || tap_skip_all "gtest-sample not built"
T=$(mktemp -d "${TMPDIR:-/tmp}/vessel-run-test-t.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT

tap_plan 8

results() { grep -E '^(ok|not ok) ' "$1" | sed 's/ # .*//'; }

SAMPLE_FAIL=1 SAMPLE_REPORT=$T/report "$RUN" "$SAMPLE" > "$T/out" 2>/dev/null; rc=$?
[ $rc -ne 0 ]; tap_ok $? "failures: non-zero exit ($rc)"
want="ok 1 /sample/ok1
not ok 2 /sample/assert
ok 3 /sample/ok2
not ok 4 /sample/soft
not ok 5 /sample/crash
ok 6 /sample/skip
ok 7 /sample/last"
[ "$(results "$T/out")" = "$want" ]; r=$?
[ $r -eq 0 ] || sed 's/^/# /' "$T/out"
tap_ok $r "every test reported once, in order, each failure not ok"
[ "$(grep -c '^1\.\.' "$T/out")" -eq 1 ] && head -n 1 "$T/out" | grep -qx '1\.\.7'
tap_ok $? "one plan, the program's whole list"
grep -q '^not ok 2 /sample/assert # .*assertion failed' "$T/out"
tap_ok $? "a failed g_assert says which assertion"
# (killed by signal 11; under ASan its SEGV handler exits with a status)
grep -q '^not ok 5 /sample/crash # the program ended in this test (' "$T/out"
tap_ok $? "a crash names the test and how the program ended"

read -r left pid < "$T/report"
[ -n "$left" ] && wait_until 20 sh -c "! test -e '$left'"
tap_ok $? "the crashed test's temp dir is removed"
# a sleep that outlived the sh the test started: only its mark finds it
[ -n "$pid" ] && wait_until 20 sh -c "! kill -0 $pid"
tap_ok $? "the process it left behind is killed"

"$RUN" "$SAMPLE" > "$T/ok" 2>&1; rc=$?
[ $rc -eq 0 ] && [ "$(grep -c '^ok ' "$T/ok")" -eq 7 ] && ! grep -q '^not ok' "$T/ok"
tap_ok $? "all passing: exit 0, seven ok"
tap_done
