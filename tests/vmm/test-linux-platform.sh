#!/bin/sh
# test-linux-platform.sh - Debian's stock kernel on vessel-pc (dbt, one
# boot): it accepts the MCFG's ECAM window (reserved in the e820 map, no
# firmware complaint about the bridge's bus range) and reaches the host
# bridge's extended config space through it (type 1 cannot: a 4096-byte
# config file proves ECAM reads), rtc-cmos registers, a wakealarm fires its
# interrupt on IRQ 8, and hwclock reads the clock.
. "$top_srcdir/tests/lib/tap.sh"
tap_skip_if_quick

vmm=$top_builddir/vmm/vessel-vmm
[ -x "$vmm" ] || tap_skip_all "vessel-vmm not built"
tap_require_guest

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tap_guest_initramfs "$work/base.cpio.gz"
mkdir -p "$work/run/etc/vessel"
cat > "$work/run/etc/vessel/run" <<'EOS'
dmesg | grep -E 'MMCONFIG|MCFG|rtc_cmos' | sed 's/^\[[ 0-9.]*\] /T-DMESG: /'
echo "T-CFGSIZE: $(wc -c < /sys/bus/pci/devices/0000:00:00.0/config)"
irqs() { awk '/rtc0/ { print $2 }' /proc/interrupts; }
echo "T-IRQ-BEFORE: $(irqs)"
echo +2 > /sys/class/rtc/rtc0/wakealarm
i=0; while [ $i -lt 60 ] && [ -n "$(cat /sys/class/rtc/rtc0/wakealarm)" ]; do sleep 1; i=$((i + 1)); done
echo "T-WAKEALARM: [$(cat /sys/class/rtc/rtc0/wakealarm)]"
echo "T-IRQ-AFTER: $(irqs)"
grep alarm_IRQ /proc/driver/rtc | sed 's/^/T-PROC: /'
hwclock -r -u > /dev/null 2>&1; echo "T-HWCLOCK: $?"
echo "T-END"
EOS
chmod +x "$work/run/etc/vessel/run"
(cd "$work/run" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet | gzip) > "$work/run.cpio.gz"
cat "$work/base.cpio.gz" "$work/run.cpio.gz" > "$work/initrd.cpio.gz"

scale=${VESSEL_TEST_TIMEOUT_SCALE:-1}
log=$work/serial.txt
timeout $((1500 * scale)) "$vmm" --kernel "$guest/vmlinuz" --initrd "$work/initrd.cpio.gz" \
    --cmdline "console=ttyS0 panic=-1" --memory 256 --accel dbt --no-reboot \
    --serial "file:$log" > "$log.vmm" 2>&1
rc=$?
tr -d '\r' < "$log" > "$log.tmp" && mv "$log.tmp" "$log"

tap_plan 8
[ $rc -eq 0 ] || { sed 's/^/# /' "$log.vmm"; tail -n 40 "$log" | sed 's/^/# /'; }
tap_ok $rc "boots, runs the checks and powers off"
grep -q '^T-DMESG: PCI: MMCONFIG at \[mem 0xfeb00000-0xfebfffff\] reserved' "$log"
tap_ok $? "the kernel takes the MCFG's ECAM window, reserved in e820"
grep -q '^T-DMESG: .*MMCONFIG.*only partially covers' "$log"
tap_ok $((! $?)) "the bridge's bus range matches the MCFG"
grep -q '^T-CFGSIZE: 4096$' "$log"
tap_ok $? "extended config space read through ECAM"
grep -q '^T-DMESG: rtc_cmos .*registered as rtc0' "$log"
tap_ok $? "rtc_cmos registers rtc0"
before=$(sed -n 's/^T-IRQ-BEFORE: //p' "$log"); after=$(sed -n 's/^T-IRQ-AFTER: //p' "$log")
[ -n "$after" ] && [ "$after" -gt "${before:-0}" ] && grep -q '^T-WAKEALARM: \[\]$' "$log"
tap_ok $? "a wakealarm fires on IRQ 8 (rtc0 interrupts $before -> $after)"
grep -q '^T-PROC: alarm_IRQ.*: no$' "$log"
tap_ok $? "the fired alarm is disarmed"
grep -q '^T-HWCLOCK: 0$' "$log"
tap_ok $? "hwclock reads the RTC"
tap_done
