#!/bin/sh
# test-virtio-guest.sh - virtio devices seen by the reference guest (Debian
# cloud kernel + busybox initramfs, scripts/mkinitramfs.sh) under
# `vessel-vmm --accel dbt`: /dev/hwrng delivers bytes; a raw disk prepared
# on the host reads back with the host's sha256; a write reaches the host
# file; blkdiscard punches a hole in the host file (discard); a read-only
# disk is marked ro and refuses writes; `pause` and `resume` on the
# control channel while the guest writes a scratch disk (the disk's I/O
# thread is paused with the vCPUs) lose no write and hang nothing.
# Skipped without the guest kernel (a failure under CI).  The deadlines
# only turn a hang into a failure.
#
# Unlike the other Linux boots this one also runs under VESSEL_TEST_QUICK:
# it is the 1-vCPU boot scripts/check.sh's ASan+UBSan run keeps, so the
# dbt's block cache and TLB and virtio under a real driver run under the
# sanitizers too.
. "$top_srcdir/tests/lib/tap.sh"

vmm=$top_builddir/vmm/vessel-vmm
ctl=$top_builddir/tests/virtio/control-client
[ -x "$vmm" ] || tap_skip_all "vessel-vmm not built"
[ -x "$ctl" ] || tap_skip_all "control-client not built"
tap_require_guest

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tap_guest_initramfs "$work/base.cpio.gz"

# disk images: rw has known content (1 MiB), ro is 64 KiB of a pattern
gen() { i=0; while [ $i -lt 60000 ]; do echo "block line $i $((i * 7 % 1013))"; i=$((i + 1)); done; }
gen | head -c 1048576 > "$work/rw.img"
sz=$(wc -c < "$work/rw.img")
[ "$sz" -eq 1048576 ] || tap_bail "could not build the disk image"
want_sha=$(head -c 524288 "$work/rw.img" | sha256sum | cut -d' ' -f1)
head -c 65536 "$work/rw.img" > "$work/ro.img"
ro_sha=$(sha256sum < "$work/ro.img" | cut -d' ' -f1)
head -c 16777216 /dev/zero | tr '\0' '\377' > "$work/scratch.img"

mkdir -p "$work/run/etc/vessel"
cat > "$work/run/etc/vessel/run" <<'EOS'
#!/bin/sh
echo "T-RNG: $(head -c 64 /dev/hwrng | wc -c) $(cat /sys/class/misc/hw_random/rng_current)"
echo "T-SHA: $(dd if=/dev/vda bs=4096 count=128 2>/dev/null | sha256sum | cut -d' ' -f1)"
echo "T-SIZE: $(cat /sys/block/vda/size) $(cat /sys/block/vdb/size)"
echo "T-RO: $(cat /sys/block/vdb/ro)"
echo "vessel was here" | dd of=/dev/vda bs=512 seek=1000 conv=notrunc,fsync 2>/dev/null && echo "T-WRITE: ok"
blkdiscard -o 786432 -l 262144 /dev/vda && echo "T-DISCARD: ok"
echo junk | dd of=/dev/vdb bs=512 seek=1 conv=notrunc,fsync 2>/dev/null || echo "T-ROWRITE: refused"
echo "T-IO-BEGIN"
dd if=/dev/zero of=/dev/vdc bs=65536 count=256 conv=fsync 2>/dev/null && echo "T-IO: ok"
sync
echo "T-END"
EOS
chmod +x "$work/run/etc/vessel/run"
(cd "$work/run" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet | gzip) > "$work/run.cpio.gz"
cat "$work/base.cpio.gz" "$work/run.cpio.gz" > "$work/initrd.cpio.gz"

scale=${VESSEL_TEST_TIMEOUT_SCALE:-1}
log=$work/serial.txt
sock=$work/ctl.sock
tap_plan 12
timeout $((1500 * scale)) "$vmm" --kernel "$guest/vmlinuz" --initrd "$work/initrd.cpio.gz" \
    --cmdline "console=ttyS0 panic=-1" --memory 256 --accel dbt --no-reboot \
    --disk "$work/rw.img" --disk "$work/ro.img,readonly" --disk "$work/scratch.img" \
    --control "unix:$sock" --serial "file:$log" > "$log.vmm" 2>&1 &
vpid=$!
# Pause as soon as the guest starts writing the scratch disk.
until grep -q '^T-IO-BEGIN' "$log" 2>/dev/null || ! kill -0 $vpid 2>/dev/null; do
  sleep 0.1
done
"$ctl" "$sock" pause > "$work/ctl.txt" 2>&1; prc=$?
"$ctl" "$sock" status >> "$work/ctl.txt" 2>&1
"$ctl" "$sock" resume >> "$work/ctl.txt" 2>&1; rrc=$?
wait $vpid
rc=$?
tr -d '\r' < "$log" > "$log.tmp" && mv "$log.tmp" "$log"
[ $rc -eq 0 ] || { sed 's/^/# /' "$log.vmm"; tail -n 40 "$log" | sed 's/^/# /'; }
tap_ok $rc "guest with rng and two disks boots and powers off"
grep -q '^T-RNG: 64 virtio_rng' "$log"; tap_ok $? "/dev/hwrng is virtio-rng and delivers bytes"
grep -q "^T-SHA: $want_sha" "$log"; tap_ok $? "the guest reads the host's disk content"
grep -q '^T-SIZE: 2048 128$' "$log"; tap_ok $? "disk sizes in sectors"
grep -q '^T-RO: 1$' "$log"; tap_ok $? "the read-only disk is read-only in the guest"
grep -q '^T-WRITE: ok$' "$log"; tap_ok $? "the guest writes the rw disk"
dd if="$work/rw.img" bs=512 skip=1000 count=1 2>/dev/null | grep -q '^vessel was here$'
tap_ok $? "the host sees the guest's write"
grep -q '^T-DISCARD: ok$' "$log"; tap_ok $? "the guest discards a range of the rw disk"
blocks=$(stat -c %b "$work/rw.img")
cmp -s -n 262144 -i 786432:0 "$work/rw.img" /dev/zero && [ "$blocks" -lt 2048 ]
tap_ok $? "the discarded range is a hole in the host file (zeros, $blocks blocks)"
[ "$(sha256sum < "$work/ro.img" | cut -d' ' -f1)" = "$ro_sha" ] && grep -q '^T-ROWRITE: refused$' "$log"
tap_ok $? "the read-only disk refuses writes and is unchanged"
[ $prc -eq 0 ] && [ $rrc -eq 0 ] && grep -q '^ok paused$' "$work/ctl.txt"
tap_ok $? "pause and resume on the control channel while the guest writes a disk"
[ $prc -eq 0 ] || sed 's/^/# /' "$work/ctl.txt"
grep -q '^T-IO: ok$' "$log" && cmp -s -n 16777216 "$work/scratch.img" /dev/zero
tap_ok $? "after resume every write of the guest lands (16 MiB of zeros)"
tap_done
