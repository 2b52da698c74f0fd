#!/bin/sh
# test-fdargs.sh - every FILE argument of vessel-vmm may be an inherited
# descriptor, "fd:N" (common/fdarg.h): how vesseld hands the VMM its
# kernel, initrd, disks, sockets and pid file so that it needs no file
# system.  Descriptors are checked (open, access mode), errors exit 1
# with one line naming the argument, malformed "fd:" is a usage error.
. "$top_srcdir/tests/lib/tap.sh"
vmm="$top_builddir/vmm/vessel-vmm"
guests="$top_builddir/tests/vmm/guests"
[ -f "$guests/hello.elf" ] || tap_skip_all "tests/vmm/guests not built"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vmm-fdargs.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

tap_plan 20

# result CODE LINES DESC: check $rc and the line count of $tmp/err
result() {
    n=$(wc -l <"$tmp/err")
    ok=0
    [ "$rc" -eq "$1" ] || ok=1
    [ "$2" = - ] || [ "$n" -eq "$2" ] || ok=1
    if [ $ok -ne 0 ]; then
        echo "# exit $rc (want $1), $n stderr lines (want $2):"
        sed 's/^/#   /' "$tmp/err"
    fi
    tap_ok $ok "$3"
}

# The kernel and the serial output file as descriptors; no path at all.
"$vmm" --accel dbt --kernel fd:3 --serial file:fd:4 3<"$guests/hello.elf" 4>"$tmp/serial" \
    </dev/null 2>"$tmp/err"; rc=$?
result 0 0 "--kernel fd:3 --serial file:fd:4: the guest runs and powers off"
grep -q "hello from the guest" "$tmp/serial"; tap_ok $? "the guest's output reached fd 4"

# A reboot in place loads the kernel again: from the same descriptor.
"$vmm" --accel dbt --kernel fd:3 --serial file:fd:4 3<"$guests/reset.elf" 4>"$tmp/serial2" \
    </dev/null 2>"$tmp/err"; rc=$?
result 0 0 "--kernel fd:3 survives a reboot in place"
[ "$(grep -c "boot" "$tmp/serial2")" -ge 2 ]; tap_ok $? "the guest booted twice from fd 3"

# Errors: one line naming the argument, exit 1.
"$vmm" --accel dbt --kernel fd:9 </dev/null 9<&- 2>"$tmp/err"; rc=$?
result 1 1 "--kernel fd:9 (not open): exit 1, one line"
grep -q "descriptor 9 is not open" "$tmp/err"; tap_ok $? "the message says descriptor 9 is not open"
"$vmm" --accel dbt --kernel fd:x </dev/null 2>"$tmp/err"; rc=$?
result 2 1 "--kernel fd:x is a usage error"
"$vmm" --accel dbt --kernel fd:3 --serial file:fd:4 3<"$guests/hello.elf" 4<"$guests/hello.elf" \
    </dev/null 2>"$tmp/err"; rc=$?
result 1 1 "--serial file:fd:4 open read-only: exit 1, one line"
grep -q "not open for writing" "$tmp/err"; tap_ok $? "the message names the missing access"
head -c 1048576 /dev/zero >"$tmp/disk.img"
"$vmm" --accel dbt --kernel fd:3 --disk fd:5 3<"$guests/hello.elf" 5<"$tmp/disk.img" \
    --serial "file:$tmp/serial3" </dev/null 2>"$tmp/err"; rc=$?
result 1 1 "--disk fd:5 open read-only for a writable disk: exit 1, one line"
grep -q "disk image fd:5: .*not open for reading and writing" "$tmp/err"
tap_ok $? "the message names the disk and the access"
"$vmm" --accel dbt --kernel fd:3 --disk fd:5,readonly 3<"$guests/hello.elf" 5<"$tmp/disk.img" \
    --serial "file:$tmp/serial3" </dev/null 2>"$tmp/err"; rc=$?
result 0 0 "--disk fd:5,readonly on a read-only descriptor runs"
"$vmm" --accel dbt --kernel fd:3 --disk fd:5 3<"$guests/hello.elf" 5<>"$tmp/disk.img" \
    --serial "file:$tmp/serial3" </dev/null 2>"$tmp/err"; rc=$?
result 0 0 "--disk fd:5 on a read-write descriptor runs"
"$vmm" --accel dbt --kernel fd:3 --initrd fd:6 3<"$guests/hello.elf" 6<"$tmp/disk.img" \
    --serial "file:$tmp/serial3" </dev/null 2>"$tmp/err"; rc=$?
result 0 0 "--initrd fd:6 loads"
"$vmm" --accel dbt --kernel fd:3 --serial unix:fd:4 3<"$guests/hello.elf" 4<"$tmp/disk.img" \
    </dev/null 2>"$tmp/err"; rc=$?
result 1 1 "--serial unix:fd:4 on a plain file: exit 1, one line"
grep -q "not a listening stream socket" "$tmp/err"; tap_ok $? "the message says it is no listening socket"
: >"$tmp/pid"
"$vmm" --accel dbt --kernel fd:3 --pidfile fd:7 --serial "file:$tmp/serial3" \
    3<"$guests/hello.elf" 7<>"$tmp/pid" </dev/null 2>"$tmp/err"; rc=$?
result 0 0 "--pidfile fd:7 runs"
grep -qx '[0-9][0-9]*' "$tmp/pid" && [ -e "$tmp/pid" ]
tap_ok $? "the pid went to fd 7, and the file it names is left in place"

# A listening socket the parent made: the VMM adopts it and never
# unlinks its path; a client's line reaches the guest (idle echoes its
# console) and the answer comes back.
if command -v python3 >/dev/null; then
    python3 - "$vmm" "$guests/idle.elf" "$tmp" >"$tmp/py" 2>&1 <<'PY'
import os, signal, socket, subprocess, sys, time
vmm, kernel, tmp = sys.argv[1:4]
path = os.path.join(tmp, "serial.sock")
lst = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
lst.bind(path)
lst.listen(1)
kfd = os.open(kernel, os.O_RDONLY)
p = subprocess.Popen([vmm, "--accel", "dbt", "--kernel", "fd:%d" % kfd,
                      "--serial", "unix:fd:%d" % lst.fileno()],
                     pass_fds=(kfd, lst.fileno()), stdin=subprocess.DEVNULL)
lst.close()     # only the VMM listens now: if it dies, connect fails
c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
c.settimeout(60)
c.connect(path)
data = b""
deadline = time.monotonic() + 120 * int(os.environ.get("VESSEL_TEST_TIMEOUT_SCALE", "1"))
try:
    # the guest says "idle" once its UART listens; bytes sent before are lost
    c.settimeout(5)
    while b"idle" not in data and time.monotonic() < deadline:
        try:
            b = c.recv(4096)
        except socket.timeout:
            continue
        if not b:
            break
        data += b
    while b"vessel-fd-ping" not in data and time.monotonic() < deadline:
        c.settimeout(30)
        c.sendall(b"vessel-fd-ping\n")
        c.settimeout(5)
        try:
            b = c.recv(4096)
        except socket.timeout:
            continue
        if not b:
            break
        data += b
finally:
    p.send_signal(signal.SIGTERM)
    rc = p.wait(timeout=60)
print("rc=%d" % rc)
print("echoed=%s" % (b"vessel-fd-ping" in data))
print("path-kept=%s" % os.path.exists(path))
print("got=%r" % data[-200:])
PY
    grep -q "rc=0" "$tmp/py"; tap_ok $? "--serial unix:fd:N (a listening socket) runs"
    grep -q "echoed=True" "$tmp/py" && grep -q "path-kept=True" "$tmp/py"
    rc=$?
    [ $rc -eq 0 ] || sed 's/^/#   /' "$tmp/py"
    tap_ok $rc "a client of the inherited socket talks to the guest; its path stays"
else
    tap_ok 0 "# SKIP python3 missing"
    tap_ok 0 "# SKIP python3 missing"
fi
tap_done
