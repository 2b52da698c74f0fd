#!/bin/sh
# test-kernel-fit.sh - a kernel that cannot fit in the guest's memory is
# refused with what it needs, not run into a triple fault: Debian's cloud
# kernel (pref_address 16 MiB + init_size ~51.5 MiB) in a 64 MiB guest.
# vessel-vmm exits 1 with one line saying how much memory the kernel
# needs, and `vsh start` through a real vesseld shows that line.  The
# figure is computed here from the kernel's own header.
. "$top_srcdir/tests/lib/tap.sh"
tap_require_guest
. "$top_srcdir/tests/shell/vsh-env.sh"

K=$guest/vmlinuz
hdr() { od -An -t "u$2" -j $(($1)) -N "$2" "$K" | tr -d ' '; }
pref=$(hdr 0x258 8); init=$(hdr 0x260 4)
need=$(( (pref + init + 1048575) / 1048576 ))
[ "$need" -gt 64 ] || tap_bail "this kernel fits in 64 MiB (needs $need): the test needs one that does not"
want="needs $need MiB of guest memory (it runs from $((pref / 1048576)) MiB"

tap_plan 6

"$VMM" --kernel "$K" --memory 64 --accel dbt --serial file:/dev/null </dev/null >/dev/null 2>"$T/vmm.err"
rc=$?
[ $rc -eq 1 ] && [ "$(wc -l < "$T/vmm.err")" -eq 1 ]
tap_ok $? "vessel-vmm: exit 1, one line (exit $rc)"
grep -qF "$want" "$T/vmm.err" && grep -qF "this guest has 64 MiB" "$T/vmm.err"; r=$?
[ $r -eq 0 ] || sed 's/^/# /' "$T/vmm.err"
tap_ok $r "vessel-vmm says the kernel needs $need MiB"

cat > "$T/fat.xml" <<EOX
<domain type='dbt'>
  <name>fat</name>
  <memory unit='MiB'>64</memory>
  <os>
    <type>hvm</type>
    <kernel>$K</kernel>
    <cmdline>console=ttyS0</cmdline>
  </os>
  <devices>
    <serial type='pty'/>
  </devices>
</domain>
EOX
v define "$T/fat.xml"
expect "define a 64 MiB domain with that kernel" 0 "Domain 'fat' defined from $T/fat.xml"
v start fat
printf '%s\n' "$err" | sed 's/^/# vsh start: /'
[ $rc -eq 1 ] && [ -z "$out" ]
tap_ok $? "vsh start fails (exit $rc)"
printf '%s\n' "$err" | grep -qF "$want"; r=$?
[ $r -eq 0 ] || printf '%s\n' "$err" | sed 's/^/# /'
tap_ok $r "vsh start shows how much memory the kernel needs"
state_is fat "shut off"
tap_ok $? "the domain is shut off, not crashed"
tap_done
