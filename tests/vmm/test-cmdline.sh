#!/bin/sh
# test-cmdline.sh - vessel-vmm's command line and exit codes (DESIGN.md):
# usage errors exit 2, errors exit 1 with exactly one line on stderr.
. "$top_srcdir/tests/lib/tap.sh"
vmm="$top_builddir/vmm/vessel-vmm"
guests="$top_builddir/tests/vmm/guests"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vmm-cmdline.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

tap_plan 39

# expect CODE LINES DESC -- ARGS: exit code, stderr line count (- = any)
expect() {
    code=$1; lines=$2; desc=$3; shift 4
    "$vmm" "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
    rc=$?
    n=$(wc -l <"$tmp/err")
    ok=0
    [ "$rc" -eq "$code" ] || ok=1
    [ "$lines" = - ] || [ "$n" -eq "$lines" ] || ok=1
    if [ $ok -ne 0 ]; then
        echo "# exit $rc (want $code), $n stderr lines (want $lines):"
        sed 's/^/#   /' "$tmp/err"
    fi
    tap_ok $ok "$desc"
}

expect 2 1 "no arguments is a usage error" --
expect 2 1 "unknown option is a usage error" -- --kernel x --frobnicate
expect 2 1 "bad --accel is a usage error" -- --kernel x --accel tcg
expect 2 1 "zero memory is a usage error" -- --kernel x --memory 0
expect 2 1 "stray argument is a usage error" -- --kernel x extra
expect 2 1 "--paused without --control is a usage error" -- --kernel x --paused
expect 2 1 "bad --on-crash is a usage error" -- --kernel x --on-crash reboot
expect 2 1 "--on-crash preserve without --control is a usage error" -- --kernel x --on-crash preserve
expect 2 1 "bad --machine is a usage error" -- --kernel x --machine q35
expect 1 1 "missing kernel file: exit 1, one line" -- --kernel "$tmp/nope"
grep -q "nope" "$tmp/err"; tap_ok $? "the message names the file"
printf 'not a kernel at all\n' >"$tmp/junk"
expect 1 1 "a file that is not a kernel: exit 1, one line" -- --kernel "$tmp/junk"
grep -q "not a Linux kernel" "$tmp/err"; tap_ok $? "the message says it is not a kernel"
expect 2 1 "--kernel with --bios is a usage error" -- --kernel x --bios y
expect 2 1 "--cmdline with --bios is a usage error" -- --bios y --cmdline quiet
expect 2 1 "--boot without --bios is a usage error" -- --kernel x --boot c
expect 2 1 "--boot with a letter twice is a usage error" -- --bios y --boot cc
expect 2 1 "--boot with a floppy is a usage error" -- --bios y --boot a
expect 1 1 "missing firmware file: exit 1, one line" -- --bios "$tmp/nope"
grep -q "nope" "$tmp/err"; tap_ok $? "the message names the firmware file"
expect 1 1 "a firmware image of a wrong size: exit 1, one line" -- --bios "$tmp/junk"
grep -q "not a firmware image: 20 bytes" "$tmp/err"; tap_ok $? "the message says the size is wrong"
expect 1 1 "memory too small: exit 1, one line" -- --kernel "$guests/hello.elf" --memory 8
grep -q "memory too small" "$tmp/err"; tap_ok $? "the message says memory is too small"
head -c 20000000 /dev/zero >"$tmp/initrd"
expect 1 1 "initrd too large: exit 1, one line" -- --kernel "$guests/hello.elf" --initrd "$tmp/initrd" --memory 24
grep -q "initrd too large" "$tmp/err"; tap_ok $? "the message says the initrd is too large"

if [ -e /dev/kvm ]; then
    tap_ok 0 "# SKIP --accel kvm failure (this host has /dev/kvm)"
    tap_ok 0 "# SKIP --accel kvm reason"
else
    expect 1 1 "--accel kvm without KVM: exit 1, one line" -- --kernel "$guests/hello.elf" --accel kvm
    grep -q "/dev/kvm does not exist" "$tmp/err"; tap_ok $? "the message names the reason"
fi
expect 0 1 "--accel auto runs the guest to power-off" -- --kernel "$guests/hello.elf" --accel auto --serial "file:$tmp/serial"
# auto picks KVM only on hardware VT-x/AMD-V (common/host_kvm.c, tested per
# kind of host in tests/unit/test-host-kvm.c and tests/shell/test-accel-agree.sh)
grep -qE '^vessel-vmm: using (kvm \(hardware|dbt \(KVM cannot be used: .)' "$tmp/err"
tap_ok $? "--accel auto says which accelerator it uses and why"
grep -q "hello from the guest" "$tmp/serial"; tap_ok $? "--serial file: got the guest's output"
expect 0 1 "--serial pty: the guest runs and powers off" -- --kernel "$guests/hello.elf" --accel dbt --serial pty
grep -q "serial port is /dev/pts/" "$tmp/err"; tap_ok $? "--serial pty prints the pty path"
expect 1 1 "bad --serial spec: exit 1, one line" -- --kernel "$guests/hello.elf" --accel dbt --serial tcp:1
expect 1 1 "a missing --disk image: exit 1, one line" -- --kernel "$guests/hello.elf" --accel dbt --disk "$tmp/nope"
expect 1 1 "--net tapfd=0 (not an inherited fd): exit 1, one line" -- --kernel "$guests/hello.elf" --accel dbt --net tapfd=0
expect 1 1 "--net tapfd of a closed fd: exit 1, one line" -- --kernel "$guests/hello.elf" --accel dbt --net tapfd=9
expect 1 1 "--net with both tap= and tapfd=: exit 1, one line" -- --kernel "$guests/hello.elf" --accel dbt --net tap=t0,tapfd=3
"$vmm" --kernel "$guests/hello.elf" --accel dbt --net tapfd=5,mac=52:54:00:00:00:01 5<"$tmp/serial" >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q "fd 5 is not attached to a tap device" "$tmp/err"
tap_ok $? "--net tapfd=N of a file that is not a tap: exit 1, says so"
tap_done
