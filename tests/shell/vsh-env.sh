# vsh-env.sh - shared set-up for the vsh integration tests (sourced after
# tap.sh): a private vesseld in a temp dir with the build tree's vessel-vmm
# as its VMM (tiny guests from tests/daemon/guests under dbt; as root each
# VMM runs as an id from a uid_range unique to this run), and helpers
# to run vsh against it and check its output.
#   $T temp dir, $URI the daemon, v ARGS (sets $out $err $rc),
#   expect DESC RC OUT [ERR], has DESC STRING, state_is DOMAIN STATE,
#   domxml NAME [GUEST] (a domain booting tests/daemon/guests/GUEST.elf: idle
#   (default) echoes its console and powers off on the power button, deaf
#   ignores the button), CLEANUP_EXTRA (eval'd at exit)
#   VESSELD_WRAP (set before sourcing): a command prefix for vesseld, e.g. unshare -n
#   VESSELD_CONF_EXTRA (set before sourcing): more lines for vesseld.conf
#   VESSELD_SOCKET_GROUP (set before sourcing): [sockets] group (default none)
VSH="$top_builddir/shell/vsh"
VESSELD="$top_builddir/daemon/vesseld"
VMM="$top_builddir/vmm/vessel-vmm"
GUESTS="$top_builddir/tests/daemon/guests"
[ -x "$VESSELD" ] || tap_skip_all "daemon/vesseld not built"
[ -x "$VMM" ] || tap_skip_all "vmm/vessel-vmm not built"
[ -f "$GUESTS/deaf.elf" ] || tap_skip_all "tests/daemon/guests not built (make -C tests/daemon check)"

T=$(mktemp -d "${TMPDIR:-/tmp}/vsh-daemon.XXXXXX") || exit 1
DPID=
EPID=
cleanup() {
    [ -n "$CLEANUP_EXTRA" ] && eval "$CLEANUP_EXTRA"
    [ -n "$EPID" ] && kill "$EPID" 2>/dev/null
    [ -n "$DPID" ] && kill "$DPID" 2>/dev/null && wait "$DPID" 2>/dev/null
    [ -n "$VESSEL_TEST_KEEP" ] || rm -rf "$T"
}
trap cleanup EXIT
mkdir -p "$T/cfg" "$T/run" "$T/log" "$T/state"
cat > "$T/vesseld.conf" <<EOF
[paths]
config_dir=$T/cfg
run_dir=$T/run
log_dir=$T/log
state_dir=$T/state
[sockets]
group=${VESSELD_SOCKET_GROUP:-}
[dbus]
system_bus=false
[vmm]
shutdown_grace=5
uid_range=$((0x70300000 + ($$ % 16384) * 64))-$((0x70300000 + ($$ % 16384) * 64 + 63))
${VESSELD_CONF_EXTRA:-}
EOF
VESSEL_VMM=$VMM $VESSELD_WRAP "$VESSELD" --config "$T/vesseld.conf" > "$T/vesseld.log" 2>&1 &
DPID=$!
URI="vessel+unix://$T/run/vessel-sock"
wait_until 30 test -S "$T/run/vessel-sock" || tap_bail "vesseld did not create its socket"

# v ARGS...: run vsh on the test daemon; sets $out, $err, $rc
v() {
    out=$("$VSH" -c "$URI" "$@" 2>"$T/err"); rc=$?
    err=$(cat "$T/err")
}
# expect DESC RC OUT [ERR]
expect() {
    _ok=0
    [ "$rc" -eq "$2" ] || { echo "# exit $rc, wanted $2"; _ok=1; }
    [ "$out" = "$3" ] || { printf 'stdout:\n%s\nwanted:\n%s\n' "$out" "$3" | sed 's/^/# /'; _ok=1; }
    [ "$err" = "${4:-}" ] || { printf 'stderr:\n%s\nwanted:\n%s\n' "$err" "${4:-}" | sed 's/^/# /'; _ok=1; }
    tap_ok $_ok "$1"
}
# has DESC PATTERN: $out (and $err) contain the fixed string
has() {
    printf '%s\n%s\n' "$out" "$err" | grep -qF -- "$2"
    _r=$?
    [ $_r -eq 0 ] || printf 'no "%s" in:\n%s\n%s\n' "$2" "$out" "$err" | sed 's/^/# /'
    tap_ok $_r "$1"
}
state_is() { [ "$("$VSH" -c "$URI" domstate "$1" 2>/dev/null | head -1)" = "$2" ]; }

domxml() { # NAME [GUEST]
    cat <<EOF
<domain type='dbt'>
  <name>$1</name>
  <memory unit='MiB'>64</memory>
  <vcpu>2</vcpu>
  <os>
    <type>hvm</type>
    <kernel>$GUESTS/${2:-idle}.elf</kernel>
    <cmdline>console=ttyS0</cmdline>
  </os>
  <devices>
    <serial type='pty'/>
  </devices>
</domain>
EOF
}
