#!/bin/sh
# test-activation.sh - socket activation (data/vesseld.socket): vesseld
# takes the read-write and read-only sockets passed by systemd's
# protocol (LISTEN_FDS, here from systemd-socket-activate) instead of
# binding its own, serves both, and the read-only one stays read-only;
# at exit it leaves them where they are (they are systemd's).
. "$top_srcdir/tests/lib/tap.sh"

command -v systemd-socket-activate >/dev/null 2>&1 ||
    tap_skip_all "systemd-socket-activate not installed"
tap_plan 6
T=$(mktemp -d "${TMPDIR:-/tmp}/vessel-activation.XXXXXX") || exit 1
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$T"' EXIT

mkdir -p "$T/run" "$T/etc" "$T/log" "$T/state"
cat > "$T/vesseld.conf" <<EOC
[paths]
config_dir=$T/etc
run_dir=$T/run
log_dir=$T/log
state_dir=$T/state
[sockets]
group=
rw_perms=0600
ro_perms=0666
EOC
VSH="$top_builddir/shell/vsh"
systemd-socket-activate -l "$T/run/vessel-sock" -l "$T/run/vessel-sock-ro" \
    "$top_builddir/daemon/vesseld" --config "$T/vesseld.conf" > "$T/vesseld.log" 2>&1 &
pid=$!
wait_until 10 test -S "$T/run/vessel-sock-ro"
inode=$(stat -c %i "$T/run/vessel-sock")

# the first client starts the daemon, which answers on the passed socket
tap_check "a client of the passed read-write socket is served" \
    "$VSH" -c "vessel+unix://$T/run/vessel-sock" list --all
tap_check "vesseld says it uses the sockets passed to it" \
    grep -q "Using 2 sockets passed by systemd" "$T/vesseld.log"
[ "$(stat -c %i "$T/run/vessel-sock")" = "$inode" ]
tap_ok $? "the socket is the one systemd made, not a new one"
printf '<domain type="dbt"><name>x</name><memory>65536</memory><os><type>hvm</type><kernel>/nonexistent</kernel></os></domain>\n' > "$T/x.xml"
"$VSH" -c "vessel+unix://$T/run/vessel-sock-ro" define "$T/x.xml" > "$T/ro.out" 2>&1
rc=$?
[ $rc -ne 0 ] && grep -qi "denied\|read-only\|read only" "$T/ro.out"
tap_ok $? "the passed read-only socket refuses writes"
sed 's/^/# /' "$T/ro.out"
"$VSH" -c "vessel+unix://$T/run/vessel-sock" define "$T/x.xml" > "$T/rw.out" 2>&1
tap_ok $? "the passed read-write socket takes writes"
sed 's/^/# /' "$T/rw.out"
kill $pid; wait $pid 2>/dev/null; pid=
[ "$(stat -c %i "$T/run/vessel-sock" 2>/dev/null)" = "$inode" ] && [ -S "$T/run/vessel-sock-ro" ]
tap_ok $? "at exit vesseld leaves the passed sockets in place"
tap_done
