#!/bin/sh
# test-storage-guest.sh - qcow2 disks in the reference guest under
# `vessel-vmm --accel dbt`, checked from the host with qemu-img, debugfs
# and e2fsck.
#
# Boot 1: vda is a qcow2 overlay (ours, 64 KiB clusters) on a qcow2 layer
# qemu-img made (4 KiB clusters) on a raw ext4 image made by mkfs.ext4 -d,
# handed over as three descriptors (--disk fd:3,format=qcow2,
# backing=qcow2:fd:4,backing=raw:fd:5 - how the daemon will pass a chain
# to a confined VMM); vdb is an empty qcow2 image.  The guest mounts vda,
# reads the host's file through the chain, writes a small and a 4 MiB
# file, deletes a third and runs fstrim (discard), then formats vdb with
# mke2fs and writes a 2 MiB file.  The host then finds: qemu-img check
# clean on both images, the backing layers untouched, the images reading
# the same through Vessel and through qemu-img, the guest's files (with
# the guest's sha256) through debugfs, e2fsck -fn clean, and zero
# clusters in the overlay where the guest discarded.
# Boot 2: a guest writing files on a qcow2 overlay is killed with
# SIGKILL at a random moment, three times on the same image (each boot
# from what the last kill left; VESSEL_STORAGE_GUEST_KILLS=N: N times);
# qemu-img check must find no corruption after every kill, and a file
# the guest synced before the last kill is there (a guest's flush
# reaches the image before it completes).
# Boot 3: the host disk fills up under a guest writing (see below).
# Boot 4: a live snapshot and a live blockcommit under a writing guest.
# Skipped without qemu-img, e2fsprogs or the guest kernel.
. "$top_srcdir/tests/lib/tap.sh"
tap_skip_if_quick

vmm=$top_builddir/vmm/vessel-vmm
T=$top_builddir/tests/storage/img-tool
[ -x "$vmm" ] || tap_skip_all "vessel-vmm not built"
PATH=$PATH:/sbin:/usr/sbin
for t in mkfs.ext4 debugfs e2fsck qemu-img; do
    command -v $t >/dev/null || tap_skip_all "$t not installed (e2fsprogs, qemu-utils)"
done
tap_require_guest

work=$(mktemp -d)
[ -n "$VESSEL_TEST_KEEP" ] || trap 'rm -rf "$work"' EXIT
tap_guest_initramfs "$work/base.cpio.gz"
cd "$work" || exit 1

mkdir -p fs/host
echo "hello through the chain $$" > fs/host/hello.txt
head -c 3000000 /dev/urandom > fs/host/old.bin
truncate -s 64M base.raw
mkfs.ext4 -F -q -L vesselq -d fs base.raw || tap_bail "mkfs.ext4 failed"
qemu-img create -q -f qcow2 -o cluster_size=4k -b base.raw -F raw mid.qcow2
"$T" create qcow2:top.qcow2 0 backing=mid.qcow2 backing_fmt=qcow2 || tap_bail "create failed"
"$T" create qcow2:blank.qcow2 48M cluster=4096 || tap_bail "create failed"
base_sha=$(sha256sum < base.raw)
mid_sha=$(sha256sum < mid.qcow2)

# initrd WORKDIR SCRIPT: the reference initramfs plus /etc/vessel/run.
initrd() {
    mkdir -p "$1/etc/vessel"
    cat > "$1/etc/vessel/run"
    chmod +x "$1/etc/vessel/run"
    (cd "$1" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet | gzip) > "$1.cpio.gz"
    cat base.cpio.gz "$1.cpio.gz" > "$1.initrd"
}

initrd run1 <<'EOS'
#!/bin/sh
mkdir -p /mnt/a /mnt/b
mount -t ext4 /dev/vda /mnt/a && echo "T-MOUNT: ok"
echo "T-HOST: $(cat /mnt/a/host/hello.txt)"
mkdir -p /mnt/a/guest
echo "written by the guest on qcow2" > /mnt/a/guest/note.txt
dd if=/dev/urandom of=/mnt/a/guest/big.bin bs=65536 count=64 2>/dev/null
echo "T-BIGSHA: $(sha256sum < /mnt/a/guest/big.bin | cut -d' ' -f1)"
rm /mnt/a/host/old.bin
sync
fstrim -v /mnt/a && echo "T-TRIM: ok"
umount /mnt/a && echo "T-UMOUNT: ok"
mke2fs /dev/vdb > /dev/null && echo "T-MKFS: ok"
mount -t ext2 /dev/vdb /mnt/b && echo "T-MOUNTB: ok"
dd if=/dev/urandom of=/mnt/b/data.bin bs=65536 count=32 2>/dev/null
echo "T-BSHA: $(sha256sum < /mnt/b/data.bin | cut -d' ' -f1)"
umount /mnt/b && echo "T-UMOUNTB: ok"
echo "T-END"
EOS

scale=${VESSEL_TEST_TIMEOUT_SCALE:-1}
kills=${VESSEL_STORAGE_GUEST_KILLS:-3}
tap_plan $((21 + 2 * kills))
log=serial1.txt
timeout $((1500 * scale)) "$vmm" --kernel "$guest/vmlinuz" --initrd run1.initrd \
    --cmdline "console=ttyS0 panic=-1" --memory 256 --accel dbt --no-reboot \
    --disk "fd:3,format=qcow2,backing=qcow2:fd:4,backing=raw:fd:5" \
    --disk "blank.qcow2,format=qcow2" --serial "file:$log" > vmm1.txt 2>&1 \
    3<>top.qcow2 4<mid.qcow2 5<base.raw
rc=$?
tr -d '\r' < "$log" > "$log.tmp" && mv "$log.tmp" "$log"
[ $rc -eq 0 ] && grep -q '^T-END$' "$log" || { sed 's/^/# /' vmm1.txt; tail -n 30 "$log" | sed 's/^/# /'; }
tap_ok $rc "guest with a three-layer qcow2 chain passed as descriptors runs and powers off"
grep -q "^T-HOST: hello through the chain $$\$" "$log" && grep -q '^T-UMOUNT: ok$' "$log"
tap_ok $? "the guest reads the host's file through qcow2 -> qcow2 -> raw"
grep -q '^T-MKFS: ok$' "$log" && grep -q '^T-UMOUNTB: ok$' "$log"
tap_ok $? "the guest formats and uses an empty qcow2 disk"
qemu-img check -q top.qcow2 && qemu-img check -q blank.qcow2
tap_ok $? "qemu-img check: both images clean"
[ "$(sha256sum < base.raw)" = "$base_sha" ] && [ "$(sha256sum < mid.qcow2)" = "$mid_sha" ]
tap_ok $? "the backing layers are untouched"
qemu-img convert -O raw top.qcow2 top.raw && "$T" dump qcow2:top.qcow2 top.ours &&
    cmp -s top.raw top.ours
tap_ok $? "the overlay reads the same through Vessel and through qemu-img"
qemu-img convert -O raw blank.qcow2 blank.raw && qemu-img compare -q blank.qcow2 blank.raw &&
    "$T" dump qcow2:blank.qcow2 blank.ours && cmp -s blank.raw blank.ours
tap_ok $? "the formatted disk reads the same through Vessel and through qemu-img"
dbg() { debugfs -R "$2" "$1" 2>/dev/null; }
[ "$(dbg top.raw 'cat /guest/note.txt')" = "written by the guest on qcow2" ]
tap_ok $? "debugfs reads the guest's note from the overlay"
want=$(sed -n 's/^T-BIGSHA: //p' "$log")
[ -n "$want" ] && [ "$(dbg top.raw 'cat /guest/big.bin' | sha256sum | cut -d' ' -f1)" = "$want" ]
tap_ok $? "debugfs reads the guest's 4 MiB file with the guest's sha256"
wantb=$(sed -n 's/^T-BSHA: //p' "$log")
[ -n "$wantb" ] && [ "$(dbg blank.raw 'cat /data.bin' | sha256sum | cut -d' ' -f1)" = "$wantb" ]
tap_ok $? "debugfs reads the 2 MiB file from the disk the guest formatted"
tap_check "e2fsck -fn: the overlay's file system is clean" e2fsck -fn top.raw
tap_check "e2fsck -fn: the formatted disk is clean" e2fsck -fn blank.raw
grep -q '^T-TRIM: ok$' "$log" &&
    qemu-img map --output=json top.qcow2 | grep '"depth": 0' | grep -q '"zero": true'
tap_ok $? "fstrim reached the image: the overlay has zero clusters where the guest discarded"

# Boot 2: kill -9 while the guest writes.
"$T" create qcow2:kill.qcow2 0 backing=base.raw backing_fmt=raw || tap_bail "create failed"
initrd run2 <<'EOS'
#!/bin/sh
mkdir -p /mnt/a
mount -t ext4 /dev/vda /mnt/a || exit 1
mkdir -p /mnt/a/w
dd if=/dev/urandom of=/mnt/a/w/marker bs=65536 count=16 2>/dev/null
sync
echo "T-MARK: $(sha256sum < /mnt/a/w/marker | cut -d' ' -f1)"
echo "T-WRITING"
i=0
while :; do
    dd if=/dev/urandom of=/mnt/a/w/f$((i % 24)) bs=65536 count=16 2>/dev/null
    [ $((i % 3)) = 0 ] && sync
    [ $((i % 5)) = 0 ] && rm -f /mnt/a/w/f$(((i + 7) % 24)) && fstrim /mnt/a
    i=$((i + 1))
done
EOS
# The same image $kills times: each boot starts from what the last kill
# left (leaked clusters, a journal to replay).
for k in $(seq "$kills"); do
    log=serial2.txt
    rm -f "$log"
    "$vmm" --kernel "$guest/vmlinuz" --initrd run2.initrd --cmdline "console=ttyS0 panic=-1" \
        --memory 256 --accel dbt --no-reboot --disk "kill.qcow2,format=qcow2" \
        --serial "file:$log" > vmm2.txt 2>&1 &
    pid=$!
    wait_until $((900 * scale)) grep -q T-WRITING "$log"
    started=$?
    n=$(od -An -N1 -tu1 /dev/urandom | tr -d ' ')
    sleep $((3 + n % 8))
    kill -9 $pid
    wait $pid 2>/dev/null
    [ $started = 0 ] || { sed 's/^/# /' vmm2.txt; tail -n 20 "$log" | sed 's/^/# /'; }
    tap_ok $started "kill $k of $kills: a guest writing files on a qcow2 overlay is killed with SIGKILL"
    qemu-img check kill.qcow2 > check2.txt 2>&1; rc=$?
    [ $rc = 0 ] || [ $rc = 3 ] || sed 's/^/# /' check2.txt
    [ $rc = 0 ] || [ $rc = 3 ]
    tap_ok $? "kill $k of $kills: qemu-img check finds no corruption (exit $rc)"
done
# The guest's sync completed before T-WRITING: its flush must have put
# the file's data and the image's metadata (L2, refcounts) in the file,
# so the file survives the VMM's SIGKILL (e2fsck replays the journal).
tr -d '\r' < "$log" > "$log.tmp" && mv "$log.tmp" "$log"
mark=$(sed -n 's/^T-MARK: //p' "$log")
qemu-img convert -O raw kill.qcow2 kill.raw && { e2fsck -fy kill.raw > fsck2.txt 2>&1; [ $? -le 1 ]; } &&
    [ -n "$mark" ] && [ "$(dbg kill.raw 'cat /w/marker' | sha256sum | cut -d' ' -f1)" = "$mark" ]
tap_ok $? "a file the guest synced before the kill is in the image, with the guest's sha256"

# Boot 3: the host disk fills up.  The image lives on a 16 MiB tmpfs
# mounted in a private mount namespace (unshare -rm: no root needed, no
# mount left behind); the guest writes 40 MiB of random data straight to
# the disk in 1 MiB direct writes.  The guest must get an I/O error (not
# a hang or a dead VMM), read the disk on and power off; the image must
# pass qemu-img check and hold exactly what the guest's completed writes
# put there.
initrd run3 <<'EOS'
#!/bin/sh
dd if=/dev/urandom of=/dev/vda bs=1048576 count=40 oflag=direct 2> /dd.err
echo "T-DD: $?"
n=$(sed -n 's/^\([0-9]*\)+[0-9]* records out$/\1/p' /dd.err)
echo "T-DONE: $n"
dd if=/dev/vda bs=1048576 count="$n" iflag=direct 2>/dev/null | sha256sum | sed 's/ .*//;s/^/T-SHA: /'
echo "T-END"
EOS
cat > full.sh <<EOF
mkdir -p full && mount -t tmpfs -o size=16m vesselfull full || exit 77
qemu-img create -q -f qcow2 full/full.qcow2 64M || exit 1
"$vmm" --kernel "$guest/vmlinuz" --initrd run3.initrd --cmdline "console=ttyS0 panic=-1" \
    --memory 256 --accel dbt --no-reboot --disk full/full.qcow2,format=qcow2 \
    --serial file:serial3.txt > vmm3.txt 2>&1
echo \$? > vmm3.rc
qemu-img check full/full.qcow2 > check3.txt 2>&1
echo \$? > check3.rc
qemu-img convert -O raw full/full.qcow2 full3.raw
EOF
timeout $((1500 * scale)) unshare -rm sh full.sh
if [ ! -f vmm3.rc ]; then
    for i in 1 2 3; do tap_ok 0 "# SKIP cannot mount a small tmpfs in a mount namespace"; done
else
    log=serial3.txt
    tr -d '\r' < "$log" > "$log.tmp" && mv "$log.tmp" "$log"
    n=$(sed -n 's/^T-DONE: //p' "$log")
    [ "$(cat vmm3.rc)" = 0 ] && grep -q '^T-END$' "$log" && grep -q '^T-DD: 1$' "$log" &&
        [ -n "$n" ] && [ "$n" -lt 40 ] ||
        { sed 's/^/# /' vmm3.txt; tail -n 20 "$log" | sed 's/^/# /'; false; }
    tap_ok $? "host disk full: the guest gets an I/O error after ${n:-?} MiB and powers off"
    rc3=$(cat check3.rc)
    [ "$rc3" = 0 ] || [ "$rc3" = 3 ] || sed 's/^/# /' check3.txt
    [ "$rc3" = 0 ] || [ "$rc3" = 3 ]
    tap_ok $? "qemu-img check of the image on the full disk: no corruption (exit $rc3)"
    [ -n "$n" ] && [ "$(head -c $((n * 1048576)) full3.raw | sha256sum | cut -d' ' -f1)" = \
        "$(sed -n 's/^T-SHA: //p' "$log")" ]
    tap_ok $? "every completed write is in the image, as the guest read it"
fi

# Boot 4: a live external snapshot and a live blockcommit under a guest
# writing files: after file 8 the VMM is told (control socket) to
# continue on a new overlay, after file 20 to commit it back into the
# base and continue on that.  Every file the guest wrote must then be
# in the base alone, with the guest's sha256; both images clean.
# The guest waits for each switch: after file 8 and file 20 it says
# T-WAIT and reads a second, read-only disk (vdb) until the host has
# written the word it waits for there, which the host does once the
# VMM has answered.  (It used to sleep 3 s instead: on a loaded host
# the guest could write its last files and power off before the
# commit request arrived, and the request got no reply.)  The host
# checks that the guest really waits: nothing more on its console
# while the host lets it wait longer than that old sleep.
initrd run4 <<'EOS'
#!/bin/sh
mkdir -p /mnt/a
mount -t ext4 /dev/vda /mnt/a || exit 1
# hold WORD: until the host has written WORD at the start of /dev/vdb
hold() {
    echo "T-WAIT $1"
    n=0
    while [ $n -lt 1200 ]; do
        blockdev --flushbufs /dev/vdb
        [ "$(dd if=/dev/vdb bs=512 count=1 2>/dev/null | head -c ${#1})" = "$1" ] && return 0
        sleep 0.5
        n=$((n + 1))
    done
    echo "T-NOGO $1"
}
for i in $(seq 0 31); do
    dd if=/dev/urandom of=/mnt/a/f$i bs=65536 count=4 2>/dev/null
    sync
    echo "T-F $i $(sha256sum < /mnt/a/f$i | cut -d' ' -f1)"
    [ $i = 8 ] && hold overlay
    [ $i = 20 ] && hold commit
done
umount /mnt/a && echo "T-END"
EOS
qemu-img convert -O qcow2 base.raw live.qcow2
truncate -s 1M go.raw
log=serial4.txt
"$vmm" --kernel "$guest/vmlinuz" --initrd run4.initrd --cmdline "console=ttyS0 panic=-1" \
    --memory 256 --accel dbt --no-reboot --disk "live.qcow2,format=qcow2" \
    --disk "go.raw,format=raw,readonly" \
    --control "unix:$work/ctl4" --serial "file:$log" > vmm4.txt 2>&1 &
pid=$!
# ctl REQUEST [FILE]: FILE opened read-write goes with the request
# (SCM_RIGHTS) as its `-`: the sandboxed VMM opens no file itself
ctl() { python3 - "$work/ctl4" "$@" <<'EOP'
import os, socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
line = (sys.argv[2] + "\n").encode()
if len(sys.argv) > 3:
    fd = os.open(sys.argv[3], os.O_RDWR)
    socket.send_fds(s, [line], [fd])
    os.close(fd)
else:
    s.sendall(line)
print(s.makefile().readline().strip())
EOP
}
# go WORD: let the guest go on (go.raw's first sector is WORD)
go() {
    dd if=/dev/zero of=go.raw bs=512 count=1 conv=notrunc 2>/dev/null
    printf %s "$1" | dd of=go.raw conv=notrunc 2>/dev/null
}
ok4=1
held=1
if wait_until $((900 * scale)) grep -q "^T-WAIT overlay" "$log"; then
    qemu-img create -q -f qcow2 -b "$work/live.qcow2" -F qcow2 live.snap
    r1=$(ctl "disk-overlay 0 -" "$work/live.snap")
    go overlay
    if wait_until $((600 * scale)) grep -q "^T-WAIT commit" "$log"; then
        # nothing after the T-WAIT line (its CR LF may still be on the
        # way when grep sees it: count lines with text, not newlines)
        after() { sed -n '/^T-WAIT commit/,$p' "$log" | tr -d '\r' | sed '1d; /^$/d'; }
        sleep 5
        [ -z "$(after)" ] && held=0 || after | sed 's/^/# after T-WAIT commit: /'
        r2=$(ctl "disk-commit 0 -" "$work/live.qcow2")
        go commit
        [ "$r1" = ok ] && [ "$r2" = ok ] && ok4=0 || echo "# replies: $r1 / $r2"
    fi
fi
wait_until $((600 * scale)) sh -c "! kill -0 $pid" || kill -9 $pid
wait $pid 2>/dev/null
tr -d '\r' < "$log" > "$log.tmp" && mv "$log.tmp" "$log"
[ $ok4 = 0 ] && grep -q '^T-END$' "$log" || { sed 's/^/# /' vmm4.txt; tail -n 20 "$log" | sed 's/^/# /'; false; }
tap_ok $? "a guest writing files is switched to an overlay and committed back, live"
tap_ok $held "the guest waits for the commit (nothing more on its console for 5 s)"
qemu-img check -q live.qcow2 && qemu-img check -q live.snap &&
    qemu-img convert -O raw live.qcow2 live.raw && e2fsck -fn live.raw > fsck4.txt 2>&1
tap_ok $? "both images clean; the committed base's file system is clean"
bad=0
for i in $(seq 0 31); do
    want=$(sed -n "s/^T-F $i //p" "$log")
    [ -n "$want" ] && [ "$(dbg live.raw "cat /f$i" | sha256sum | cut -d' ' -f1)" = "$want" ] ||
        { echo "# f$i differs"; bad=1; }
done
tap_ok $bad "the base alone holds all 32 files, before, during and after the overlay"
tap_done
