#!/bin/sh
# test-startup.sh - vesseld's first hour (issue 22), each finding a test,
# against the real daemon, vsh and vessel-vmm of the build tree:
#   - a configured socket group that does not exist: one clear line, exit
#     1, no socket;
#   - its own log format (time stamp, level, message; "<N>message" when
#     stderr is the journal), and which socket got which owner and mode;
#   - run from the build tree without $VESSEL_VMM or [vmm] path, it runs
#     the build tree's vessel-vmm; a VMM gets a fixed PATH and none of the
#     starting user's variables;
#   - the live XML of a running domain says its id and the serial port's
#     pty, a pty that reaches the guest both ways; a failed start is
#     "shut off (failed)" whether the VMM is missing or the kernel cannot
#     be read;
#   - a session daemon: $XDG_RUNTIME_DIR/vessel is 0700, and after its
#     idle exit no vessel-sock, vessel-sock-ro, libvirt-sock(-ro) or
#     vesseld.pid is left.
. "$top_srcdir/tests/lib/tap.sh"

VSH="$top_builddir/shell/vsh"
VESSELD="$top_builddir/daemon/vesseld"
VMM="$top_builddir/vmm/vessel-vmm"
GUESTS="$top_builddir/tests/daemon/guests"
[ -x "$VESSELD" ] || tap_skip_all "daemon/vesseld not built"
[ -x "$VMM" ] || tap_skip_all "vmm/vessel-vmm not built"
[ -f "$GUESTS/idle.elf" ] || tap_skip_all "tests/daemon/guests not built"

T=$(mktemp -d "${TMPDIR:-/tmp}/vessel-startup.XXXXXX") || exit 1
chmod 755 "$T"
DPID=
cleanup() {
    [ -n "$DPID" ] && kill "$DPID" 2>/dev/null && wait "$DPID" 2>/dev/null
    [ -n "$VESSEL_TEST_KEEP" ] || rm -rf "$T"
}
trap cleanup EXIT

# conf DIR [MORE]: a private system-mode configuration in DIR
conf() {
    mkdir -p "$1/cfg" "$1/run" "$1/log" "$1/state"
    cat > "$1/vesseld.conf" <<EOF
[paths]
config_dir=$1/cfg
run_dir=$1/run
log_dir=$1/log
state_dir=$1/state
[dbus]
system_bus=false
[vmm]
shutdown_grace=5
uid_range=$((0x70400000 + ($$ % 16384) * 64))-$((0x70400000 + ($$ % 16384) * 64 + 63))
${2:-}
EOF
}
# show FILE: a file as TAP comments
show() { sed 's/^/#   /' "$1"; }

tap_plan 19

# ---- a socket group that does not exist ---------------------------------------------
G="nogroup$$x"
while getent group "$G" >/dev/null; do G="${G}x"; done
conf "$T/nogroup" "[sockets]
group=$G"
"$VESSELD" --config "$T/nogroup/vesseld.conf" > "$T/nogroup/out" 2> "$T/nogroup/err"
rc=$?
want="vesseld: The socket group '$G' ([sockets] group= of $T/nogroup/vesseld.conf) does not exist: create it (systemd-sysusers, or groupadd $G) or name another"
[ $rc -eq 1 ] && [ "$(cat "$T/nogroup/err")" = "$want" ] && [ ! -s "$T/nogroup/out" ]
r=$?; [ $r -eq 0 ] || { echo "# exit $rc, stderr:"; show "$T/nogroup/err"; }
tap_ok $r "a missing socket group: exit 1 and one line that names the group, the setting and the fix"
[ ! -e "$T/nogroup/run/vessel-sock" ] && [ ! -e "$T/nogroup/run/vessel-sock-ro" ]
tap_ok $? "... and no socket was made"

# ---- the daemon of the build tree, its log ------------------------------------------
# No $VESSEL_VMM, no [vmm] path: the VMM is found next to daemon/vesseld.
# A variable of whoever starts the daemon must not reach the VMM.
D="$T/sys"
MYGROUP=$(id -gn)
conf "$D" "[sockets]
group=$MYGROUP
rw_perms=0660
ro_perms=0666"
env -u VESSEL_VMM VESSEL_STARTUP_SECRET=leak$$ PATH="/opt/nowhere:$PATH" \
    "$VESSELD" --config "$D/vesseld.conf" > "$D/vesseld.log" 2>&1 &
DPID=$!
URI="vessel+unix://$D/run/vessel-sock"
wait_until 30 test -S "$D/run/vessel-sock-ro" || { show "$D/vesseld.log"; tap_bail "vesseld did not start"; }
wait_until 10 grep -q " ready " "$D/vesseld.log"

bad=$(grep -Ev '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}[+-][0-9]{4} (debug|info|warning|critical|error): .' "$D/vesseld.log")
[ -z "$bad" ] && grep -q ' info: vesseld .* ready (system mode' "$D/vesseld.log"
r=$?; [ $r -eq 0 ] || show "$D/vesseld.log"
tap_ok $r "every log line is 'TIME LEVEL: message' (no GLib '** Message:')"

r=0
for s in vessel-sock vessel-sock-ro libvirt-sock libvirt-sock-ro; do
    how=$(stat -c '%U:%G %04a' "$D/run/$s")
    grep -qF "info: Listening on $D/run/$s ($how)" "$D/vesseld.log" || { echo "# no line for $s ($how)"; r=1; }
done
[ "$(stat -c '%G %04a' "$D/run/vessel-sock")" = "$MYGROUP 0660" ] || r=1
tap_ok $r "the log says which socket got which owner, group and mode (as they are on disk)"

# a domain: the tiny idle guest under dbt
cat > "$T/first.xml" <<EOF
<domain type='dbt'>
  <name>first</name>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os>
    <type>hvm</type>
    <kernel>$GUESTS/idle.elf</kernel>
    <cmdline>console=ttyS0</cmdline>
  </os>
  <devices>
    <serial type='pty'/>
  </devices>
</domain>
EOF
"$VSH" -c "$URI" define "$T/first.xml" > "$T/out" 2>&1 &&
    "$VSH" -c "$URI" start first > "$T/out" 2>&1
r=$?; [ $r -eq 0 ] || { show "$T/out"; show "$D/vesseld.log"; }
tap_ok $r "a build-tree daemon without \$VESSEL_VMM starts a domain"

VPID=$(sed -n "s/.* pid='\([0-9]*\)'.*/\1/p" "$D"/run/domains/*.xml 2>/dev/null | head -n 1)
exe=$(readlink "/proc/$VPID/exe" 2>/dev/null)
[ -n "$VPID" ] && [ "$exe" = "$(readlink -f "$VMM")" ]
r=$?; [ $r -eq 0 ] || echo "# VMM pid '$VPID' runs '$exe', wanted $(readlink -f "$VMM")"
tap_ok $r "... with the build tree's vmm/vessel-vmm"

env_of() { tr '\0' '\n' < "/proc/$1/environ"; }
env_of "$VPID" > "$T/vmm.env" 2>/dev/null
! grep -q '^VESSEL_STARTUP_SECRET=' "$T/vmm.env" &&
    grep -qx 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' "$T/vmm.env" &&
    ! grep -q '^HOME=' "$T/vmm.env" && [ -s "$T/vmm.env" ]
r=$?; [ $r -eq 0 ] || show "$T/vmm.env"
tap_ok $r "the VMM gets a fixed PATH and none of the starter's variables (HOME, VESSEL_STARTUP_SECRET)"

# the live XML says the id the domain runs with
id=$("$VSH" -c "$URI" domid first 2>/dev/null)
"$VSH" -c "$URI" dumpxml first > "$T/live.xml" 2>&1
"$VSH" -c "$URI" dumpxml --inactive first > "$T/inactive.xml" 2>&1
[ -n "$id" ] && head -n 1 "$T/live.xml" | grep -qF "<domain type='dbt' id='$id'>" &&
    head -n 1 "$T/inactive.xml" | grep -qFx "<domain type='dbt'>"
r=$?; [ $r -eq 0 ] || { echo "# id '$id'"; show "$T/live.xml"; }
tap_ok $r "dumpxml of a running domain has <domain id='N'> (--inactive has not)"

# ... and the serial port's pty, which is the guest's console both ways
pty=$(sed -n "/<serial type='pty'>/,/<\/serial>/s|.*<source path='\(/dev/pts/[0-9]*\)'/>.*|\1|p" "$T/live.xml")
[ -n "$pty" ] && [ -c "$pty" ] && grep -qF "<console type='pty' tty='$pty'>" "$T/live.xml" &&
    [ "$(stat -c '%G %a' "$pty")" = "$MYGROUP 660" ] &&
    ! grep -q "<source path\|tty=" "$T/inactive.xml"
r=$?; [ $r -eq 0 ] || { echo "# pty '$pty'"; ls -l "$pty" 2>&1 | sed 's/^/# /'; show "$T/live.xml"; }
tap_ok $r "the live XML names the serial port's pty (<source path>, <console tty>), the socket group's, 0660"
# the idle guest echoes what it reads on its serial port
python3 - "$pty" > "$T/pty.out" 2>&1 <<'PY'
import os, select, sys, termios, time, tty
fd = os.open(sys.argv[1], os.O_RDWR | os.O_NOCTTY)
tty.setraw(fd)
os.write(fd, b"pty-ping-42")
got, end = b"", time.monotonic() + 30 * int(os.environ.get("VESSEL_TEST_TIMEOUT_SCALE", "1"))
while b"pty-ping-42" not in got and time.monotonic() < end:
    if select.select([fd], [], [], 0.5)[0]:
        got += os.read(fd, 4096)
print(repr(got[-200:]))
sys.exit(0 if b"pty-ping-42" in got else 1)
PY
r=$?; [ $r -eq 0 ] || show "$T/pty.out"
tap_ok $r "what a program writes on the pty reaches the guest, and the guest's answer comes back on it"
"$VSH" -c "$URI" destroy first > /dev/null 2>&1

# ---- a start that fails: the same reason whatever failed ----------------------------
sed -e 's|<name>first</name>|<name>nokernel</name>|' \
    -e "s|<kernel>.*</kernel>|<kernel>$T/no-such-kernel</kernel>|" "$T/first.xml" > "$T/nokernel.xml"
"$VSH" -c "$URI" define "$T/nokernel.xml" > /dev/null 2>&1
"$VSH" -c "$URI" start nokernel > "$T/out" 2>&1
st=$("$VSH" -c "$URI" domstate --reason nokernel 2>&1 | head -n 1)
[ "$st" = "shut off (failed)" ]
r=$?; [ $r -eq 0 ] || { echo "# domstate --reason: $st"; show "$T/out"; }
tap_ok $r "a kernel that cannot be read: domstate --reason says 'shut off (failed)'"
kill "$DPID"; wait "$DPID" 2>/dev/null; DPID=

# the same daemon with a VMM that does not exist
VESSEL_VMM=$T/no-such-vmm "$VESSELD" --config "$D/vesseld.conf" > "$D/vesseld2.log" 2>&1 &
DPID=$!
wait_until 30 test -S "$D/run/vessel-sock-ro" || { show "$D/vesseld2.log"; tap_bail "vesseld did not start again"; }
"$VSH" -c "$URI" start first > "$T/out" 2>&1
rc=$?
st=$("$VSH" -c "$URI" domstate --reason first 2>&1 | head -n 1)
[ $rc -ne 0 ] && grep -qF "$T/no-such-vmm" "$T/out" && [ "$st" = "shut off (failed)" ]
r=$?; [ $r -eq 0 ] || { echo "# exit $rc, domstate --reason: $st"; show "$T/out"; }
tap_ok $r "a VMM that does not exist: the error names it, domstate --reason says 'shut off (failed)'"

# an orderly exit removes the sockets and the pid file the daemon made
kill "$DPID"; wait "$DPID" 2>/dev/null; DPID=
left=$(cd "$D/run" && ls -d vessel-sock vessel-sock-ro libvirt-sock libvirt-sock-ro vesseld.pid 2>/dev/null)
[ -z "$left" ]
r=$?; [ $r -eq 0 ] || echo "# left behind: $left"
tap_ok $r "SIGTERM: no socket and no vesseld.pid left behind"

# ---- the journal's form -----------------------------------------------------------
# stderr is "the journal" when $JOURNAL_STREAM names its device and inode
: > "$D/journal.log"
js=$(stat -c '%d:%i' "$D/journal.log")
JOURNAL_STREAM=$js "$VESSELD" --config "$D/vesseld.conf" 2>> "$D/journal.log" > /dev/null &
DPID=$!
wait_until 30 grep -q "ready" "$D/journal.log"
kill "$DPID"; wait "$DPID" 2>/dev/null; DPID=
bad=$(grep -Ev '^<[3-7]>[^<0-9]' "$D/journal.log")
[ -z "$bad" ] && grep -q '^<5>vesseld .* ready' "$D/journal.log" &&
    grep -q '^<5>Listening on ' "$D/journal.log"
r=$?; [ $r -eq 0 ] || show "$D/journal.log"
tap_ok $r "under the journal (\$JOURNAL_STREAM is stderr) every line is '<N>message', no time stamp"
JOURNAL_STREAM=$js "$VESSELD" --config "$T/nogroup/vesseld.conf" 2>> "$D/journal.log" >/dev/null
tail -n 1 "$D/journal.log" | grep -q "^<3>vesseld: The socket group '$G'"
r=$?; [ $r -eq 0 ] || show "$D/journal.log"
tap_ok $r "... and the line of a daemon that cannot start has the error priority <3>"
JOURNAL_STREAM=1:1 "$VESSELD" --config "$T/nogroup/vesseld.conf" 2> "$T/err" >/dev/null
grep -q "^vesseld: The socket group" "$T/err"
tap_ok $? "an inherited \$JOURNAL_STREAM that is not stderr is ignored"

# ---- a session daemon ---------------------------------------------------------------
S="$T/session"
mkdir -p "$S/rt" && chmod 700 "$S/rt"
env XDG_RUNTIME_DIR="$S/rt" XDG_CONFIG_HOME="$S/cfg" XDG_STATE_HOME="$S/state" \
    XDG_DATA_HOME="$S/data" "$VESSELD" --session --timeout 1 > "$S/log" 2>&1 &
DPID=$!
wait_until 30 test -S "$S/rt/vessel/vessel-sock" || { show "$S/log"; tap_bail "session vesseld did not start"; }
[ "$(stat -c %a "$S/rt/vessel")" = 700 ]
r=$?; [ $r -eq 0 ] || ls -ld "$S/rt/vessel" | sed 's/^/# /'
tap_ok $r "a session daemon's \$XDG_RUNTIME_DIR/vessel is 0700"
for i in $(seq 1 $((30 * ${VESSEL_TEST_TIMEOUT_SCALE:-1}))); do
    kill -0 "$DPID" 2>/dev/null || break
    sleep 1
done
wait "$DPID"; rc=$?; DPID=
grep -q "info: Idle for 1 seconds: exiting" "$S/log" && [ $rc -eq 0 ]
r=$?; [ $r -eq 0 ] || { echo "# exit $rc"; show "$S/log"; }
tap_ok $r "the session daemon exits when idle (--timeout 1), status 0"
left=$(cd "$S/rt/vessel" && ls -d vessel-sock vessel-sock-ro libvirt-sock libvirt-sock-ro vesseld.pid 2>/dev/null)
[ -z "$left" ]
r=$?; [ $r -eq 0 ] || echo "# left behind: $left"
tap_ok $r "after the idle exit no vessel-sock, vessel-sock-ro, libvirt-sock(-ro) or vesseld.pid is left"

tap_done
