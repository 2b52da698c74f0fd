#!/bin/sh
# test-vessel-ok.sh - vessel-ok against fake /proc, /sys, /dev, /etc trees
# (every check PASS/WARN/FAIL, every kvm-ok verdict and exit code, the kind
# of KVM, the test VM's outcome, what --accel auto uses) and on the real
# host (its verdict must match the host's CPU flags and /dev/kvm, and the
# test VM must run where hardware KVM is).  A fake /dev/kvm is a plain
# file, so on fake hosts the test VM always fails at KVM_CREATE_VM.
. "$top_srcdir/tests/lib/tap.sh"

OK="$top_builddir/shell/vessel-ok"
T=$(mktemp -d "${TMPDIR:-/tmp}/vessel-ok.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
ME=$(id -u)
OTHER_UID=$((ME + 4242))
OTHER_GID=$(($(id -g) + 4343))

# mkroot DIR FLAG: a fake host whose CPU has FLAG (vmx, svm or none)
mkroot() {
    mkdir -p "$1/proc" "$1/sys/module" "$1/dev/cpu/0" "$1/dev/net" "$1/etc"
    printf 'processor\t: 0\nflags\t\t: fpu sse2 %s lm\n\nprocessor\t: 1\nflags\t\t: fpu\n' "$2" \
        > "$1/proc/cpuinfo"
    : > "$1/proc/modules"
    : > "$1/etc/group"
}
# msr ROOT OFFSET BYTE: write one little-endian MSR value's low byte
msr() {
    printf "$(printf '\\%03o' "$3")\\000\\000\\000\\000\\000\\000\\000" |
        dd of="$1/dev/cpu/0/msr" bs=1 seek=$(($2)) conv=notrunc 2>/dev/null
}
# run ROOT [ARGS...]: sets $out, $err, $rc
run() {
    _root=$1; shift
    full=$(VESSEL_HOST_ROOT=$_root "$OK" "$@" 2>"$T/err"); rc=$?
    err=$(cat "$T/err")
    # kvm-ok's own lines, without vessel-ok's additions (kind, test VM, dbt)
    out=$(printf '%s\n' "$full" | grep -v -e '^INFO: KVM kind: ' -e '^INFO: KVM: ' -e '^INFO: Vessel runs ')
    extra=$(printf '%s\n' "$full" | grep -e '^INFO: KVM kind: ' -e '^INFO: KVM: ' -e '^INFO: Vessel runs ')
}
# more DESC WANT: vessel-ok's additional lines are exactly WANT
more() {
    [ "$extra" = "$2" ] || printf '# got:\n%s\n# wanted:\n%s\n' "$extra" "$2" | sed 's/^/# /'
    [ "$extra" = "$2" ]; tap_ok $? "$1"
}
expect() { # DESC WANT_RC WANT_OUT [WANT_ERR]
    _ok=0
    [ "$rc" -eq "$2" ] || { echo "# exit $rc, wanted $2"; _ok=1; }
    [ "$out" = "$3" ] || { printf '# stdout:\n%s\n# wanted:\n%s\n' "$out" "$3" | sed 's/^/# /'; _ok=1; }
    [ "$err" = "${4:-}" ] || { printf '# stderr: %s\n' "$err"; _ok=1; }
    tap_ok $_ok "$1"
}
line() { # LABEL: the --all result cell of the line whose check matches LABEL
    printf '%s\n' "$out" | grep -F "Checking $1 " | sed 's/^  VESSEL: Checking .\{44\}: \([A-Z]*\).*/\1/'
}
cell() { # DESC LABEL WANT
    _got=$(line "$2")
    [ "$_got" = "$3" ] || printf '# %s: got "%s" wanted "%s"\n' "$2" "$_got" "$3"
    [ "$_got" = "$3" ]; tap_ok $? "$1"
}

tap_plan 50

# ---- kvm-ok verdicts ------------------------------------------------
mkroot "$T/novt" none
VESSEL_OK_UID=0 run "$T/novt"
expect "no VT-x/AMD-V as root: exit 1" 1 "INFO: Your CPU does not support KVM extensions
KVM acceleration can NOT be used"

VESSEL_OK_UID=$OTHER_UID run "$T/novt"
expect "no VT-x/AMD-V as a user: root hint, exit 1" 1 "INFO: Your CPU does not support KVM extensions
INFO: For more detailed results, you should run this as root
HINT:   sudo vessel-ok"

VESSEL_OK_UID=0 run "$T/novt"
more "no VT-x/AMD-V: kind none, KVM absent, Vessel uses dbt" "INFO: KVM kind: none
INFO: KVM: absent (/dev/kvm does not exist and the CPU has no VT-x/AMD-V (no vmx or svm flag in /proc/cpuinfo))
INFO: Vessel runs ordinary guests on its software CPU, dbt (--accel auto)"

# PVM: no VT-x/AMD-V, kvm_pvm loaded, a /dev/kvm
mkroot "$T/pvm" none
: > "$T/pvm/dev/kvm"; mkdir -p "$T/pvm/sys/module/kvm" "$T/pvm/sys/module/kvm_pvm"
VESSEL_OK_UID=$OTHER_UID run "$T/pvm"
expect "PVM host: KVM can NOT be used (exit 1), no root hint" 1 "INFO: Your CPU does not support KVM extensions
KVM acceleration can NOT be used"
more "PVM host: names PVM, proves the device, says why Vessel uses dbt" "INFO: KVM kind: PVM (kvm_pvm, pagetable-based: only PVM-enabled guest kernels)
INFO: KVM: device present but VM creation fails (KVM_CREATE_VM: Inappropriate ioctl for device)
INFO: Vessel runs ordinary guests on its software CPU, dbt (--accel auto): /dev/kvm is PVM (kvm_pvm), which runs only PVM-enabled guest kernels, not ordinary ones"

mkroot "$T/kvm" vmx
: > "$T/kvm/dev/kvm"
VESSEL_OK_UID=$OTHER_UID run "$T/kvm"
expect "vmx and a /dev/kvm whose test VM fails: exit 1" 1 "INFO: /dev/kvm exists
KVM acceleration can NOT be used"
more "vmx and a /dev/kvm that is no KVM: hardware kind, VM creation fails" "INFO: KVM kind: hardware (Intel VT-x)
INFO: KVM: device present but VM creation fails (KVM_CREATE_VM: Inappropriate ioctl for device)
INFO: Vessel runs ordinary guests on its software CPU, dbt (--accel auto): /dev/kvm is not a KVM device (KVM_GET_API_VERSION: Inappropriate ioctl for device)"

# a /dev/kvm this user may not open (as nobody when we are root)
mkroot "$T/denied" svm
: > "$T/denied/dev/kvm"; chmod 0600 "$T/denied/dev/kvm"; chmod -R a+rX "$T/denied"; chmod a+x "$T"
if [ "$(id -u)" = 0 ]; then
    full=$(VESSEL_HOST_ROOT=$T/denied setpriv --reuid=65534 --regid=65534 --clear-groups "$OK" 2>&1); rc=$?
else
    chmod 0 "$T/denied/dev/kvm"
    full=$(VESSEL_HOST_ROOT=$T/denied "$OK" 2>&1); rc=$?
fi
[ $rc -eq 1 ] && printf '%s\n' "$full" | grep -qx 'INFO: KVM: device present but VM creation fails (open /dev/kvm: Permission denied)' &&
    printf '%s\n' "$full" | grep -q '^INFO: Vessel runs ordinary guests on its software CPU, dbt (--accel auto): permission denied opening /dev/kvm (' &&
    printf '%s\n' "$full" | grep -qx 'KVM acceleration can NOT be used'
r=$?; [ $r -eq 0 ] || printf '%s\n' "$full" | sed 's/^/# /'
tap_ok $r "a /dev/kvm this user cannot open: exit 1, says why"

mkroot "$T/nomsr" vmx
VESSEL_OK_UID=0 run "$T/nomsr"
expect "vmx, no /dev/kvm, MSR unreadable: exit 2" 2 "INFO: /dev/kvm does not exist
HINT:   sudo modprobe kvm_intel" "You must be root to run this check."
more "vmx, no /dev/kvm: hardware VT-x, KVM absent, names kvm_intel" "INFO: KVM kind: none
INFO: KVM: absent (/dev/kvm does not exist (is the kvm_intel module loaded, and virtualization enabled in the firmware?))
INFO: Vessel runs ordinary guests on its software CPU, dbt (--accel auto)"

mkroot "$T/biosoff" vmx
msr "$T/biosoff" 0x3a 1          # locked, VMXON outside SMX clear
VESSEL_OK_UID=0 run "$T/biosoff"
expect "vmx locked off by the BIOS: exit 1" 1 "INFO: /dev/kvm does not exist
HINT:   sudo modprobe kvm_intel
INFO: Your CPU supports KVM extensions
INFO: KVM (vmx) is disabled by your BIOS
HINT: Enter your BIOS setup and enable Virtualization Technology (VT),
      and then hard poweroff/poweron your system
KVM acceleration can NOT be used"

mkroot "$T/bioson" vmx
msr "$T/bioson" 0x3a 5           # locked with VMXON outside SMX set
VESSEL_OK_UID=0 run "$T/bioson"
expect "vmx enabled by the BIOS, module not loaded: exit 0" 0 "INFO: /dev/kvm does not exist
HINT:   sudo modprobe kvm_intel
INFO: Your CPU supports KVM extensions
KVM acceleration can be used"

mkroot "$T/svmoff" svm
msr "$T/svmoff" 0xc0010114 16    # VM_CR.SVMDIS
VESSEL_OK_UID=0 run "$T/svmoff"
expect "svm disabled by the BIOS: exit 1" 1 "INFO: /dev/kvm does not exist
HINT:   sudo modprobe kvm_amd
INFO: Your CPU supports KVM extensions
INFO: KVM (svm) is disabled by your BIOS
HINT: Enter your BIOS setup and enable Virtualization Technology (VT),
      and then hard poweroff/poweron your system
KVM acceleration can NOT be used"

# ---- --all on a healthy fake host ---------------------------------------
G=$(id -g)
mkroot "$T/good" vmx
: > "$T/good/dev/kvm"; chmod 0666 "$T/good/dev/kvm"
: > "$T/good/dev/net/tun"
mkdir -p "$T/good/sys/module/kvm" "$T/good/sys/module/kvm_intel"
msr "$T/good" 0x3a 5
KG=$(stat -c %g "$T/good/dev/kvm")
printf 'root:x:0:\nvessel:x:%s:\nkvm:x:%s:someone\n' "$G" "$KG" > "$T/good/etc/group"
VESSEL_OK_UID=$OTHER_UID VESSEL_OK_GIDS=$G,$KG VESSEL_OK_USER=alice \
    run "$T/good" --all -c "vessel+unix://$T/no-such-sock"
cell "--all: hardware virtualization PASS" "for hardware virtualization" PASS
cell "--all: /dev/kvm exists PASS" "if device /dev/kvm exists" PASS
cell "--all: /dev/kvm accessible PASS" "if device /dev/kvm is accessible" PASS
cell "--all: modules from /sys/module PASS" "for kvm kernel modules" PASS
cell "--all: firmware VT PASS" "if VT is enabled in the firmware" PASS
cell "--all: /dev/net/tun PASS" "for device /dev/net/tun" PASS
cell "--all: socket group vessel PASS" "membership of the daemon's socket group" PASS
cell "--all: /dev/kvm's group PASS" "membership of /dev/kvm's group" PASS
cell "--all: the test VM fails on a fake /dev/kvm" "if a test VM runs under KVM" FAIL
cell "--all: auto uses dbt when the device is no KVM" "what --accel auto uses" WARN
cell "--all: no daemon is a FAIL" "if the daemon is reachable" FAIL
printf '%s\n' "$out" | grep -q "reachable .*: FAIL (daemon not running: "
tap_ok $? "--all: says the daemon is not running"
[ "$rc" -eq 1 ]; tap_ok $? "--all: exit 1 when a check fails"
printf '%s\n' "$out" | grep -q '^  VESSEL: Checking for hardware virtualization                 : PASS$'
tap_ok $? "--all: virt-host-validate line layout"

# ---- --all on a broken fake host ----------------------------------------
mkroot "$T/bad" vmx
: > "$T/bad/dev/kvm"; chmod 0600 "$T/bad/dev/kvm"
printf 'kvm 1 0 - Live 0x0\n' > "$T/bad/proc/modules"
msr "$T/bad" 0x3a 1
printf 'vessel:x:%s:alice\n' "$OTHER_GID" > "$T/bad/etc/group"
VESSEL_OK_UID=$OTHER_UID VESSEL_OK_GIDS=$OTHER_UID VESSEL_OK_USER=alice \
    run "$T/bad" --all -c "vessel+unix://$T/no-such-sock"
cell "--all: /dev/kvm 0600 not accessible FAIL" "if device /dev/kvm is accessible" FAIL
cell "--all: kvm without kvm_intel FAIL" "for kvm kernel modules" FAIL
cell "--all: VT disabled in firmware FAIL" "if VT is enabled in the firmware" FAIL
cell "--all: no /dev/net/tun FAIL" "for device /dev/net/tun" FAIL
cell "--all: listed but not active in group WARN" "membership of the daemon's socket group" WARN
cell "--all: /dev/kvm 0600: its group is no use" "membership of /dev/kvm's group" FAIL
printf '%s\n' "$full" | grep -q "accessible .*: FAIL (/dev/kvm is not read-write for this user: /dev/kvm is mode 0600: only its owner" &&
    ! printf '%s\n' "$full" | grep -q "join group 'kvm'"
tap_ok $? "--all: a 0600 /dev/kvm says only its owner may open it, not 'join group kvm'"

mkroot "$T/bad2" none
printf 'kvm:x:%s:bob\n' "$OTHER_GID" > "$T/bad2/etc/group"
printf 'kvm_intel 1 0 - Live 0x0\nkvm 2 1 kvm_intel, Live 0x0\n' > "$T/bad2/proc/modules"
VESSEL_OK_UID=$OTHER_UID VESSEL_OK_GIDS=$OTHER_UID VESSEL_OK_USER=alice \
    run "$T/bad2" --all -c "vessel+unix://$T/no-such-sock"
cell "--all: no vmx/svm WARN" "for hardware virtualization" WARN
cell "--all: MSR not applicable WARN" "if VT is enabled in the firmware" WARN
cell "--all: no /dev/kvm: its group not applicable" "membership of /dev/kvm's group" WARN
cell "--all: no socket group vessel: not PASS (FAIL for a user)" "membership of the daemon's socket group" FAIL

# ---- --all: a /dev/kvm whose group is not called kvm ------------------------
mkroot "$T/vmgrp" svm
: > "$T/vmgrp/dev/kvm"; chmod 0660 "$T/vmgrp/dev/kvm"
KG=$(stat -c %g "$T/vmgrp/dev/kvm")
printf 'vmgrp:x:%s:\nkvm:x:%s:\n' "$KG" "$OTHER_GID" > "$T/vmgrp/etc/group"
VESSEL_OK_UID=$OTHER_UID VESSEL_OK_GIDS=$OTHER_UID VESSEL_OK_USER=alice \
    run "$T/vmgrp" --all -c "vessel+unix://$T/no-such-sock"
printf '%s\n' "$out" | grep -q "accessible .*: FAIL (/dev/kvm is not read-write for this user: join group 'vmgrp', the group of /dev/kvm)" &&
    ! printf '%s\n' "$out" | grep -q "group 'kvm'"
tap_ok $? "--all: names /dev/kvm's own group (vmgrp), never 'kvm'"
cell "--all: not in /dev/kvm's group FAIL" "membership of /dev/kvm's group" FAIL

# ---- --all: a session daemon that exited when idle; root without the group ---
mkdir -p "$T/xdg"; chmod 700 "$T/xdg"
XDG_RUNTIME_DIR=$T/xdg VESSEL_OK_UID=$OTHER_UID VESSEL_OK_GIDS=$OTHER_UID VESSEL_OK_USER=alice \
    run "$T/novt" --all -c vessel:///session
cell "--all: an idle session daemon is no FAIL" "if the daemon is reachable" PASS
printf '%s\n' "$out" | grep -q "reachable .*: PASS (the session daemon is not running now: it starts when a client connects"
tap_ok $? "--all: says the session daemon starts on demand"
printf '%s\n' "$out" | grep -q "accelerators the daemon can use .*(dbt; kvm not usable: .*decided here: the session daemon is not running)"
tap_ok $? "--all: accelerators decided here as the session daemon would"
cell "--all: a session daemon's sockets are the user's own" "membership of the daemon's socket group" PASS
VESSEL_OK_UID=0 run "$T/novt" --all -c "vessel+unix://$T/no-such-sock"
cell "--all: no socket group, as root: WARN, not PASS" "membership of the daemon's socket group" WARN

# ---- usage errors: not 2, which means "only root could read the MSR" ---------
run "$T/novt" --frobnicate
[ "$rc" -eq 3 ] && printf '%s\n' "$err" | grep -q "frobnicate"; tap_ok $? "unknown option: exit 3"
run "$T/novt" extra
[ "$rc" -eq 3 ] && printf '%s\n' "$err" | grep -q "extra"; tap_ok $? "stray argument: exit 3"

# ---- the real host ---------------------------------------------------------
run /
virt=$(grep -m1 -E '^flags[[:blank:]]*:' /proc/cpuinfo | grep -owE 'vmx|svm' | head -1)
if [ -z "$virt" ] && [ -e /dev/kvm ]; then
    expect "real host with a /dev/kvm but no VT (PVM): kvm-ok's lines, exit 1" 1 \
        "INFO: Your CPU does not support KVM extensions
KVM acceleration can NOT be used"
elif [ -z "$virt" ] && [ "$(id -u)" = 0 ]; then
    expect "real host without VT: exactly kvm-ok's lines, exit 1" 1 \
        "INFO: Your CPU does not support KVM extensions
KVM acceleration can NOT be used"
elif [ -z "$virt" ]; then
    [ "$rc" -eq 1 ] && printf '%s\n' "$out" | grep -qx "INFO: Your CPU does not support KVM extensions"
    tap_ok $? "real host without VT (not root): exit 1"
elif [ -e /dev/kvm ] && [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
    expect "real host with hardware KVM: the test VM runs, exit 0" 0 "INFO: /dev/kvm exists
KVM acceleration can be used"
elif [ -e /dev/kvm ]; then
    [ "$rc" -eq 1 ]; tap_ok $? "real host with a /dev/kvm this user cannot open: exit 1"
else
    [ "$rc" -eq 1 ] || [ "$rc" -eq 2 ]; tap_ok $? "real host with VT but no /dev/kvm: exit 1 or 2"
fi
# the kind it names matches the host
if [ -z "$virt" ] && [ -e /dev/kvm ] && [ -d /sys/module/kvm_pvm ]; then want="PVM"
elif [ -e /dev/kvm ] && [ -n "$virt" ]; then want="hardware"
elif [ -e /dev/kvm ]; then want="unknown"
else want="none"; fi
printf '%s\n' "$extra" | grep -q "^INFO: KVM kind: $want"
tap_ok $? "real host: the kind of KVM is $want"
printf '%s\n' "$extra" | grep -qE '^INFO: KVM: (usable|device present but VM creation fails|absent) \('
tap_ok $? "real host: the test VM's outcome is one of usable, fails, absent"

tap_done
