#!/bin/sh
# test-sandbox.sh - vessel-vmm's sandbox seen from inside a running VMM
# (vmm/README "Sandbox"): no capabilities, no_new_privs, a seccomp filter
# on every thread, no file it was not given, no connecting to another
# VM's control socket; a syscall outside the allow-list kills that VMM
# (SIGSYS) and only that one; --sandbox off confines nothing and says
# so.  The probes are the test-only control command sandbox-probe, which
# only a VMM started with --sandbox-test answers.
. "$top_srcdir/tests/lib/tap.sh"
vmm="$top_builddir/vmm/vessel-vmm"
guests="$top_builddir/tests/vmm/guests"
T=$(mktemp -d "${TMPDIR:-/tmp}/vmm-sandbox.XXXXXX")
pids=
cleanup() {
    for p in $pids; do kill -9 "$p" 2>/dev/null; done
    rm -rf "$T"
}
trap cleanup EXIT

# ctl NAME REQUEST: one request on VMM NAME's control socket, the reply on stdout
ctl() {
    python3 - "$T/$1.ctl" "$2" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(30)
s.connect(sys.argv[1])
s.sendall(sys.argv[2].encode() + b"\n")
buf = b""
while not buf.endswith(b"\n"):
    d = s.recv(65536)
    if not d:
        break
    buf += d
sys.stdout.write(buf.decode())
EOF
}

# start NAME ACCEL [OPTION...]: the idle guest in the background; sets $pid
start() {
    _name=$1; _accel=$2; shift 2
    # fd 7: a descriptor the parent leaked (nothing names it)
    "$vmm" --kernel "$guests/idle.elf" --accel "$_accel" --memory 64 --name "$_name" \
        --serial "file:$T/$_name.out" --control "unix:$T/$_name.ctl" "$@" \
        2>"$T/$_name.err" 7<"$T/readable" &
    pid=$!
    pids="$pids $pid"
    wait_until 30 ctl "$_name" status || true
}

skip_one() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n # SKIP $1"; }

running() { [ "$(ctl "$1" status)" = "ok running" ]; }

# field PID NAME: a field of /proc/PID/status
field() { sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status"; }

# every thread of PID under a seccomp filter?
all_threads_filtered() {
    _n=0
    for t in /proc/"$1"/task/*; do
        [ "$(sed -n 's/^Seccomp:[[:space:]]*//p' "$t/status")" = 2 ] || return 1
        _n=$((_n + 1))
    done
    [ "$_n" -ge 3 ]   # main, vCPU, timer, GLib's worker
}

tap_plan 20
echo "readable by anyone" > "$T/readable"
chmod 644 "$T/readable"

start a dbt --sandbox-test
a=$pid
start b dbt
b=$pid
running a && running b
tap_ok $? "two sandboxed VMMs run (dbt)"

tap_ok $([ "$(field "$a" CapEff)" = 0000000000000000 ] && echo 0 || echo 1) \
    "CapEff is 0 ($(field "$a" CapEff))"
tap_ok $([ "$(field "$a" NoNewPrivs)" = 1 ] && [ "$(field "$a" Seccomp)" = 2 ] && echo 0 || echo 1) \
    "NoNewPrivs 1, Seccomp 2"
all_threads_filtered "$a"
tap_ok $? "every thread has a seccomp filter ($(ls /proc/"$a"/task | wc -l) threads)"
[ ! -e "/proc/$a/fd/7" ]
tap_ok $? "an inherited descriptor nothing names is closed"

r=$(ctl a "sandbox-probe open /etc/shadow")
case $r in "ok refused"*) rc=0 ;; *) rc=1 ;; esac
tap_ok $rc "cannot open /etc/shadow ($r)"

ll=$(ctl a "sandbox-probe landlock")
r=$(ctl a "sandbox-probe open $T/readable")
case $ll in
"ok abi 0"*) skip_one "no landlock in this kernel ($ll)" ;;
*) case $r in "ok refused"*) rc=0 ;; *) rc=1 ;; esac
   tap_ok $rc "cannot open a world-readable file it was not given ($r; landlock $ll)" ;;
esac

r=$(ctl a "sandbox-probe connect $T/b.ctl")
case $r in "ok refused"*) rc=0 ;; *) rc=1 ;; esac
tap_ok $rc "cannot connect to another VM's control socket ($r)"

r=$(ctl b "sandbox-probe open /etc/shadow")
case $r in "error sandbox-probe: only with --sandbox-test") rc=0 ;; *) rc=1 ;; esac
tap_ok $rc "without --sandbox-test the probe is refused ($r)"

ctl a "sandbox-probe forbidden" >/dev/null 2>&1
wait "$a"
st=$?
tap_ok $([ "$st" = 159 ] && echo 0 || echo 1) \
    "a syscall outside the allow-list kills the VMM with SIGSYS (status $st)"
running b
tap_ok $? "the other VMM runs on"
ctl b quit >/dev/null
wait "$b"
tap_ok $? "and quits normally (status 0)"

# A VMM given everything as descriptors, as vesseld starts one: its own
# mount namespace whose root is an empty tmpfs (vmm/README "Sandbox").
python3 - "$vmm" "$guests/idle.elf" "$T/fds.ctl" "$T/fds.out" 2>"$T/fds.err" <<'EOF' &
import os, socket, sys
vmm, kernel, ctl, out = sys.argv[1:5]
k = os.open(kernel, os.O_RDONLY)
s = socket.socket(socket.AF_UNIX)
s.bind(ctl)
s.listen(8)
os.dup2(k, 3)
os.dup2(s.fileno(), 4)
os.set_inheritable(3, True)
os.set_inheritable(4, True)
os.execv(vmm, [vmm, "--kernel", "fd:3", "--control", "fd:4", "--accel", "dbt",
               "--memory", "64", "--name", "fds", "--serial", "file:" + out, "--sandbox-test"])
EOF
fds=$!
pids="$pids $fds"
wait_until 30 ctl fds status || true
# may this user have a mount namespace here at all (a container may refuse)?
if [ "$(id -u)" = 0 ]; then unshare -m true 2>/dev/null; else unshare -U -m true 2>/dev/null; fi
ns_ok=$?
mns=$(ctl fds "sandbox-probe mountns")
if [ $ns_ok != 0 ]; then
    skip_one "no mount namespace for this user here ($mns)"
    skip_one "no mount namespace for this user here"
else
    # what the VMM's root holds, but /proc (bound in for the sanitizers)
    left=$(ls -A "/proc/$fds/root/" 2>&1 | grep -vx proc | tr '\n' ' ')
    tap_ok $([ "$mns" = "ok on empty-root" ] && [ -z "$left" ] &&
             [ "$(readlink "/proc/$fds/ns/mnt")" != "$(readlink /proc/self/ns/mnt)" ] &&
             echo 0 || echo 1) \
        "given descriptors only, the VMM's mount namespace has an empty root ($mns; left: $left)"
    # its mount table: a read-only tmpfs as / (and /proc with the sanitizers)
    mounts=$(awk '$5 !~ /^\/proc(\/|$)/ { split($0, h, " - "); split(h[2], f, " ");
                  printf "%s %s %s;", $5, substr($6, 1, 2), f[1] }' "/proc/$fds/mountinfo")
    tap_ok $([ "$mounts" = "/ ro tmpfs;" ] && echo 0 || echo 1) \
        "its only mount is a read-only tmpfs as / ($mounts)"
fi
running fds && ctl fds quit >/dev/null && wait "$fds"
tap_ok $? "that VMM runs and quits normally"

# VNC authentication (DES, libgcrypt's) in the sealed VMM's VNC thread:
# a wrong response is refused, and the VMM runs on
start vnc dbt --vga std --vnc "unix:$T/vnc.sock,password"
vnc=$pid
ctl vnc "vnc-password 707734373131" >/dev/null
r=$(python3 - "$T/vnc.sock" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(30)
s.connect(sys.argv[1])
s.recv(12)
s.sendall(b"RFB 003.008\n")
n = s.recv(1)[0]
types = s.recv(n)
s.sendall(b"\x02")
s.recv(16)
s.sendall(b"\x00" * 16)
print("refused" if s.recv(4) == b"\x00\x00\x00\x01" else "?")
EOF
)
running vnc
tap_ok $([ $? = 0 ] && [ "$r" = refused ] && echo 0 || echo 1) \
    "a VNC password check runs in the sandbox; a wrong one is refused ($r)"
ctl vnc quit >/dev/null
wait "$vnc"

start off dbt --sandbox off --sandbox-test
grep -q "warning: --sandbox off" "$T/off.err"
tap_ok $? "--sandbox off warns on stderr"
r=$(ctl off "sandbox-probe open $T/readable")
tap_ok $([ "$(field "$pid" Seccomp)" = 0 ] && [ "$r" = "ok opened" ] && echo 0 || echo 1) \
    "--sandbox off confines nothing (Seccomp $(field "$pid" Seccomp), $r)"
ctl off quit >/dev/null
wait "$pid"

"$vmm" --kernel "$guests/idle.elf" --sandbox maybe 2>/dev/null
tap_ok $([ $? = 2 ] && echo 0 || echo 1) "--sandbox maybe is a usage error"

# The tiny guest under KVM with the filter on (vCPU ioctls allowed).
why=$("$vmm" --kernel "$guests/hello.elf" --accel kvm --memory 64 --serial "file:$T/kvm.out" 2>&1)
rc=$?
if grep -q "KVM cannot be used" "$T/kvm.out" 2>/dev/null || printf '%s' "$why" | grep -q "KVM cannot be used"; then
    skip_one "--accel kvm: $(printf '%s' "$why" | head -n 1)"
else
    tap_ok $([ $rc = 0 ] && grep -q "hello" "$T/kvm.out" && echo 0 || echo 1) \
        "--accel kvm runs a guest to power-off under the filter (status $rc)"
fi
tap_done
