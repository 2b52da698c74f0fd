# tap.sh - TAP helpers for shell tests; source it: . "$top_srcdir/tests/lib/tap.sh"
#
#   tap_plan N            announce N tests
#   tap_ok COND-EXIT DESC record a result (0 = pass)
#   tap_check DESC CMD... run CMD, pass if it exits 0 (output shown on failure)
#   tap_skip_all REASON   skip the whole script
#   tap_in_ci             true under CI: VESSEL_CI set (.ci/run sets it) or
#                         CI=true (as CI services set it)
#   tap_unavailable REASON skip the whole script for a missing prerequisite,
#                         but fail it under CI, which must not pass without
#                         running what it claims (call before tap_plan)
#   tap_skip_if_quick     skip a long guest-boot script when VESSEL_TEST_QUICK
#                         is set (scripts/check.sh sets it for the sanitizer
#                         and distcheck runs; the main run boots every guest;
#                         tests/virtio/test-virtio-guest.sh, the one 1-vCPU
#                         boot kept under the sanitizers, does not call it)
#   wait_until SECS CMD... retry CMD with back-off until it succeeds or the
#                         deadline passes (never a fixed sleep as sync)
#   xvfb_start GEOMETRY LOG a private Xvfb on a display number it picks
#                         itself (-displayfd: no race with another X
#                         server); sets XVFB_DISPLAY (":N") and XVFB_PID,
#                         returns once it accepts clients, 1 (LOG shown) if
#                         it did not start in 30 s
#   tap_done              exit non-zero if any test failed
_tap_n=0
_tap_failed=0

tap_plan() { echo "1..$1"; }

tap_ok() {
    _tap_n=$((_tap_n + 1))
    if [ "$1" -eq 0 ]; then
        echo "ok $_tap_n - $2"
    else
        echo "not ok $_tap_n - $2"
        _tap_failed=$((_tap_failed + 1))
    fi
}

tap_check() {
    _desc=$1; shift
    _out=$("$@" 2>&1)
    _rc=$?
    if [ $_rc -ne 0 ]; then
        printf '%s\n' "$_out" | sed 's/^/# /'
    fi
    tap_ok $_rc "$_desc"
}

tap_skip_all() { echo "1..0 # SKIP $1"; exit 0; }

tap_in_ci() { [ -n "${VESSEL_CI:-}" ] || [ "${CI:-}" = true ]; }

tap_unavailable() {
    if tap_in_ci; then
        echo "1..1"; echo "not ok 1 - $1 (required under CI: VESSEL_CI or CI=true is set)"; exit 1
    fi
    tap_skip_all "$1"
}

tap_skip_if_quick() {
    [ -z "${VESSEL_TEST_QUICK:-}" ] || tap_skip_all "guest boots run in the main configuration only (VESSEL_TEST_QUICK)"
}

tap_bail() { echo "Bail out! $1"; exit 1; }

# The reference guest (scripts/guest-fetch.sh) for tests that boot it:
# sets $guest, or skips the whole script when it or busybox is missing
# (fails it under CI).
tap_require_guest() {
    guest=$(sh "$top_srcdir/scripts/guest-fetch.sh" 2>/dev/null) || tap_unavailable "guest kernel not available"
    [ -f "$guest/vmlinuz" ] || tap_unavailable "guest kernel not available"
    [ -x "${BUSYBOX:-/bin/busybox}" ] || tap_unavailable "busybox-static not installed"
}

# tap_guest_initramfs OUT: the reference busybox initramfs for $guest.
tap_guest_initramfs() {
    sh "$top_srcdir/scripts/mkinitramfs.sh" "$guest" "$1" || tap_bail "mkinitramfs failed"
}

wait_until() {
    _deadline=$(( $(date +%s) + $1 )); shift
    _delay=0.01
    while :; do
        "$@" >/dev/null 2>&1 && return 0
        [ "$(date +%s)" -ge "$_deadline" ] && return 1
        sleep $_delay
        case $_delay in 0.01) _delay=0.05 ;; 0.05) _delay=0.2 ;; esac
    done
}

xvfb_start() {
    _xfd=$(mktemp "${TMPDIR:-/tmp}/vessel-xvfb.XXXXXX")
    Xvfb -displayfd 3 -screen 0 "$1" -nolisten tcp 3> "$_xfd" > "$2" 2>&1 &
    XVFB_PID=$!
    wait_until 30 grep -q '^[0-9]' "$_xfd"; _xr=$?
    XVFB_DISPLAY=:$(head -n 1 "$_xfd")
    rm -f "$_xfd"
    [ $_xr -eq 0 ] && return 0
    sed 's/^/# xvfb: /' "$2" | tail -n 10
    return 1
}

tap_done() { [ $_tap_failed -eq 0 ]; }
