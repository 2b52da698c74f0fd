#!/bin/sh
# test-virtio-guest-ext4.sh - an ext4 file system on virtio-blk in the
# reference guest under `vessel-vmm --accel dbt`, across a reboot in
# place.  The host prepares a raw image with mkfs.ext4 -d (no loop mount);
# the guest mounts it, reads a host file, writes a small and a 1 MiB file,
# syncs, unmounts and reboots (reboot -f: the VMM resets the machine and
# every device, then boots the kernel again).  The second boot finds its
# files, checks them, writes one more, unmounts and powers off.  The host
# then reads the guest's files with debugfs and e2fsck -fn must find the
# file system clean.  Skipped without e2fsprogs or the guest kernel.  The
# deadline only turns a hang into a failure.
. "$top_srcdir/tests/lib/tap.sh"
tap_skip_if_quick

vmm=$top_builddir/vmm/vessel-vmm
[ -x "$vmm" ] || tap_skip_all "vessel-vmm not built"
PATH=$PATH:/sbin:/usr/sbin
for t in mkfs.ext4 debugfs e2fsck; do
    command -v $t >/dev/null || tap_skip_all "$t not installed (e2fsprogs)"
done
tap_require_guest

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tap_guest_initramfs "$work/base.cpio.gz"

mkdir -p "$work/fs/host"
echo "hello from the host $$" > "$work/fs/host/hello.txt"
truncate -s 32M "$work/disk.img"
mkfs.ext4 -F -q -L vesseltest -d "$work/fs" "$work/disk.img" || tap_bail "mkfs.ext4 failed"

mkdir -p "$work/run/etc/vessel"
cat > "$work/run/etc/vessel/run" <<'EOS'
#!/bin/sh
mkdir -p /mnt/disk
mount -t ext4 /dev/vda /mnt/disk && echo "T-MOUNT: ok"
if [ ! -f /mnt/disk/guest/note.txt ]; then
  echo "T-BOOT: 1"
  echo "T-HOST: $(cat /mnt/disk/host/hello.txt)"
  mkdir -p /mnt/disk/guest
  echo "written by the guest" > /mnt/disk/guest/note.txt
  dd if=/dev/urandom of=/mnt/disk/guest/big.bin bs=65536 count=16 2>/dev/null
  echo "T-BIGSHA: $(sha256sum < /mnt/disk/guest/big.bin | cut -d' ' -f1)"
  sync
  umount /mnt/disk && echo "T-UMOUNT: ok"
  echo "T-REBOOT"
  reboot -f
fi
echo "T-BOOT: 2"
echo "T-NOTE2: $(cat /mnt/disk/guest/note.txt)"
echo "T-BIGSHA2: $(sha256sum < /mnt/disk/guest/big.bin | cut -d' ' -f1)"
echo "after the reboot" > /mnt/disk/guest/second.txt
sync
umount /mnt/disk && echo "T-UMOUNT2: ok"
echo "T-END"
EOS
chmod +x "$work/run/etc/vessel/run"
(cd "$work/run" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet | gzip) > "$work/run.cpio.gz"
cat "$work/base.cpio.gz" "$work/run.cpio.gz" > "$work/initrd.cpio.gz"

scale=${VESSEL_TEST_TIMEOUT_SCALE:-1}
log=$work/serial.txt
tap_plan 11
timeout $((1500 * scale)) "$vmm" --kernel "$guest/vmlinuz" --initrd "$work/initrd.cpio.gz" \
    --cmdline "console=ttyS0 panic=-1" --memory 256 --accel dbt \
    --disk "$work/disk.img" --serial "file:$log" > "$log.vmm" 2>&1
rc=$?
tr -d '\r' < "$log" > "$log.tmp" && mv "$log.tmp" "$log"
[ $rc -eq 0 ] || { sed 's/^/# /' "$log.vmm"; tail -n 40 "$log" | sed 's/^/# /'; }
tap_ok $rc "guest with an ext4 disk boots, reboots and powers off"
grep -q '^T-MOUNT: ok$' "$log"; tap_ok $? "the guest mounts the host's ext4 image"
grep -q "^T-HOST: hello from the host $$\$" "$log"; tap_ok $? "the guest reads the host's file"
grep -q '^T-UMOUNT: ok$' "$log"; tap_ok $? "the guest unmounts cleanly"
[ "$(grep -c '^T-BOOT: ' "$log")" = 2 ] && grep -q '^T-BOOT: 2$' "$log"
tap_ok $? "the guest rebooted in place and booted again"
grep -q '^T-NOTE2: written by the guest$' "$log" && grep -q '^T-UMOUNT2: ok$' "$log"
tap_ok $? "after the reboot the guest mounts the disk again and finds its file"
want=$(sed -n 's/^T-BIGSHA: //p' "$log")
[ -n "$want" ] && grep -q "^T-BIGSHA2: $want\$" "$log"
tap_ok $? "after the reboot the 1 MiB file reads back with the same sha256"

dbg() { debugfs -R "$1" "$work/disk.img" 2>/dev/null; }
[ "$(dbg 'cat /guest/note.txt')" = "written by the guest" ] &&
    [ "$(dbg 'cat /guest/second.txt')" = "after the reboot" ]
tap_ok $? "the host reads the guest's small files from both boots (debugfs)"
got=$(dbg 'cat /guest/big.bin' | sha256sum | cut -d' ' -f1)
[ -n "$want" ] && [ "$want" = "$got" ]
tap_ok $? "the host reads the guest's 1 MiB file with the guest's sha256"
[ "$(dbg 'stat /guest/big.bin' | sed -n 's/.*Size: \([0-9]*\).*/\1/p' | head -n 1)" = 1048576 ]
tap_ok $? "the guest's file has its full size"
tap_check "e2fsck -fn finds the file system clean" e2fsck -fn "$work/disk.img"
tap_done
