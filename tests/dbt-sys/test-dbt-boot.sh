#!/bin/sh
# test-dbt-boot.sh - the end-to-end proof of the dbt CPU: Debian's stock
# cloud kernel (fetched by scripts/guest-fetch.sh into a cache, never
# committed) with a busybox initramfs boots under `vessel-vmm --accel dbt`,
# runs commands (uname, sha256sum of a generated file compared with the
# host's, a shell loop), shows no CPU-related complaints in dmesg and
# powers off with exit status 0, with 1 vCPU and with 2 (the AP starts
# in real mode through Linux's trampoline), taking turns and running in
# parallel (VESSEL_DBT_PARALLEL=1, "2p").  Skipped when the kernel cannot be
# fetched (no package mirror).  The deadline only turns a hang into a
# failure; nothing here measures time.  no_timer_check: Linux's check
# that the 8254 timer ticks through the IO-APIC counts ticks against the
# TSC, which on a loaded host (the vCPU thread descheduled, ticks
# coalesced) fails as "MP-BIOS bug" under QEMU TCG as well; the boot
# needs the timer interrupt anyway.
. "$top_srcdir/tests/lib/tap.sh"
tap_skip_if_quick

vmm=$top_builddir/vmm/vessel-vmm
[ -x "$vmm" ] || tap_skip_all "vessel-vmm not built"
tap_require_guest

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tap_guest_initramfs "$work/base.cpio.gz"

# the commands the guest runs (a second cpio archive appended to the first)
mkdir -p "$work/run/etc/vessel"
cat > "$work/run/etc/vessel/run" <<'EOS'
#!/bin/sh
gen() { i=0; while [ $i -lt 3000 ]; do echo "vessel line $i $((i * i % 977))"; i=$((i + 1)); done; }
echo "T-UNAME: $(uname -a)"
gen > /tmp/gen.txt
echo "T-SHA: $(sha256sum < /tmp/gen.txt)"
n=0; for k in 1 2 3 4 5 6 7 8 9 10; do n=$((n + k)); done
echo "T-LOOP: $n"
echo "T-CPUS: $(nproc)"
echo "T-ONLINE: $(cat /sys/devices/system/cpu/online)"
dmesg | grep -i -E 'cpu.*(bug|warn)|WARNING:|unchecked MSR|general protection|invalid opcode|RIP: |BUG:|Oops|unstable|soft lockup|calibrat.*fail|stuck|not responding|tsc.*(sync|warp)' | sed 's/^/T-DMESG: /'
echo "T-END"
EOS
chmod +x "$work/run/etc/vessel/run"
(cd "$work/run" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet | gzip) > "$work/run.cpio.gz"
cat "$work/base.cpio.gz" "$work/run.cpio.gz" > "$work/initrd.cpio.gz"

gen() { i=0; while [ $i -lt 3000 ]; do echo "vessel line $i $((i * i % 977))"; i=$((i + 1)); done; }
want_sha=$(gen | sha256sum)

scale=${VESSEL_TEST_TIMEOUT_SCALE:-1}
deadline=$((1500 * scale))

boot() {  # boot CPUS LOG PARALLEL -> exit status of vessel-vmm
    VESSEL_DBT_PARALLEL=$3 timeout "$deadline" "$vmm" --kernel "$guest/vmlinuz" --initrd "$work/initrd.cpio.gz" \
        --cmdline "console=ttyS0 panic=-1 no_timer_check" --memory 256 --cpus "$1" --accel dbt \
        --no-reboot --serial "file:$2" > "$2.vmm" 2>&1
}

tap_plan 21
for cfg in 1 2 2p; do
    cpus=${cfg%p}
    par=0; [ "$cfg" = "$cpus" ] || par=1
    log=$work/serial-$cfg.txt
    boot $cpus "$log" $par
    rc=$?
    tr -d '\r' < "$log" > "$log.tmp" && mv "$log.tmp" "$log"   # the console writes CRLF
    [ $rc -eq 0 ] || { sed 's/^/# /' "$log.vmm"; tail -n 40 "$log" | sed 's/^/# /'; }
    tap_ok $rc "$cfg vCPU: boots and powers off with status 0"
    grep -q '^T-UNAME: Linux vessel-guest .* x86_64' "$log"; tap_ok $? "$cfg vCPU: uname -a"
    grep -q "^T-SHA: $want_sha" "$log"; tap_ok $? "$cfg vCPU: sha256sum matches the host"
    grep -q '^T-LOOP: 55$' "$log"; tap_ok $? "$cfg vCPU: shell loop"
    grep -q "^T-CPUS: $cpus\$" "$log"; tap_ok $? "$cfg vCPU: guest sees $cpus CPUs"
    online=0; [ "$cpus" -gt 1 ] && online=0-$((cpus - 1))
    grep -q "^T-ONLINE: $online\$" "$log"; tap_ok $? "$cfg vCPU: CPUs $online online"
    if grep -q '^T-DMESG' "$log"; then grep '^T-DMESG' "$log" | sed 's/^/# /'; r=1; else r=0; fi
    grep -q '^T-END' "$log" || r=1
    tap_ok $r "$cfg vCPU: no CPU-related warnings in dmesg"
done
tap_done
