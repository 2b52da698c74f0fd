#!/bin/sh
# test-vessel-ok.sh - vessel-ok against fake /proc, /sys, /dev, /etc trees
# (every check PASS/WARN/FAIL, every kvm-ok verdict and exit code) and on
# the real host (its verdict must match the host's CPU flags and /dev/kvm).
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
    out=$(VESSEL_HOST_ROOT=$_root "$OK" "$@" 2>"$T/err"); rc=$?
    err=$(cat "$T/err")
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

tap_plan 29

# ---- kvm-ok verdicts ------------------------------------------------
mkroot "$T/novt" none
VESSEL_OK_UID=0 run "$T/novt"
expect "no VT-x/AMD-V as root: exit 1" 1 "INFO: Your CPU does not support KVM extensions
KVM acceleration can NOT be used"

VESSEL_OK_UID=$OTHER_UID run "$T/novt"
expect "no VT-x/AMD-V as a user: root hint, exit 1" 1 "INFO: Your CPU does not support KVM extensions
INFO: For more detailed results, you should run this as root
HINT:   sudo vessel-ok"

mkroot "$T/kvm" vmx
: > "$T/kvm/dev/kvm"
VESSEL_OK_UID=$OTHER_UID run "$T/kvm"
expect "vmx and /dev/kvm: exit 0" 0 "INFO: /dev/kvm exists
KVM acceleration can be used"

mkroot "$T/nomsr" vmx
VESSEL_OK_UID=0 run "$T/nomsr"
expect "vmx, no /dev/kvm, MSR unreadable: exit 2" 2 "INFO: /dev/kvm does not exist
HINT:   sudo modprobe kvm_intel" "You must be root to run this check."

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
printf 'root:x:0:\nvessel:x:%s:\nkvm:x:%s:someone\n' "$G" "$G" > "$T/good/etc/group"
VESSEL_OK_UID=$OTHER_UID VESSEL_OK_GIDS=$G VESSEL_OK_USER=alice \
    run "$T/good" --all -c "vessel+unix://$T/no-such-sock"
cell "--all: hardware virtualization PASS" "for hardware virtualization" PASS
cell "--all: /dev/kvm exists PASS" "if device /dev/kvm exists" PASS
cell "--all: /dev/kvm accessible PASS" "if device /dev/kvm is accessible" PASS
cell "--all: modules from /sys/module PASS" "for kvm kernel modules" PASS
cell "--all: firmware VT PASS" "if VT is enabled in the firmware" PASS
cell "--all: /dev/net/tun PASS" "for device /dev/net/tun" PASS
cell "--all: group vessel PASS" "membership of group 'vessel'" PASS
cell "--all: group kvm PASS" "membership of group 'kvm'" PASS
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
cell "--all: listed but not active in group WARN" "membership of group 'vessel'" WARN
cell "--all: missing group kvm WARN" "membership of group 'kvm'" WARN

mkroot "$T/bad2" none
printf 'kvm:x:%s:bob\n' "$OTHER_GID" > "$T/bad2/etc/group"
printf 'kvm_intel 1 0 - Live 0x0\nkvm 2 1 kvm_intel, Live 0x0\n' > "$T/bad2/proc/modules"
VESSEL_OK_UID=$OTHER_UID VESSEL_OK_GIDS=$OTHER_UID VESSEL_OK_USER=alice \
    run "$T/bad2" --all -c "vessel+unix://$T/no-such-sock"
cell "--all: no vmx/svm WARN" "for hardware virtualization" WARN
cell "--all: MSR not applicable WARN" "if VT is enabled in the firmware" WARN
cell "--all: not a member of kvm FAIL" "membership of group 'kvm'" FAIL

# ---- the real host ---------------------------------------------------------
out=$("$OK" 2>"$T/err"); rc=$?
virt=$(grep -m1 -E '^flags[[:blank:]]*:' /proc/cpuinfo | grep -owE 'vmx|svm' | head -1)
if [ -z "$virt" ] && [ "$(id -u)" = 0 ]; then
    expect "real host without VT: exactly kvm-ok's lines, exit 1" 1 \
        "INFO: Your CPU does not support KVM extensions
KVM acceleration can NOT be used"
elif [ -z "$virt" ]; then
    [ "$rc" -eq 1 ] && printf '%s\n' "$out" | grep -qx "INFO: Your CPU does not support KVM extensions"
    tap_ok $? "real host without VT (not root): exit 1"
elif [ -e /dev/kvm ]; then
    expect "real host with /dev/kvm: exit 0" 0 "INFO: /dev/kvm exists
KVM acceleration can be used"
else
    [ "$rc" -eq 1 ] || [ "$rc" -eq 2 ]; tap_ok $? "real host with VT but no /dev/kvm: exit 1 or 2"
fi

tap_done
