#!/bin/sh
# test-storage-qemu.sh - libvesselstorage against qemu-img, the oracle
# (Debian qemu-utils; the test skips without it, except under CI=true).
#
# Reading: images qemu-img and qemu-io make (cluster sizes 512 B..2 MiB,
# refcount widths, compat 0.10 and 1.1, every preallocation mode, zero
# and discarded clusters, compressed clusters, backing chains of raw and
# qcow2 layers, a backing file shorter than its overlay) read exactly as
# `qemu-img convert -O raw` reads them.
# Writing: random writes, write-zeroes and discards (img-tool ops, applied
# to a raw reference at the same time) leave images `qemu-img check`
# finds clean and `qemu-img compare` finds identical to the reference:
# on images qemu-img made, images we made, compressed images, overlays,
# through refcount table growth, after a resize that grows the L1 table.
# Commit: a chain qemu-io wrote, merged into a backing file, reads as its
# top did.
. "$top_srcdir/tests/lib/tap.sh"

if ! command -v qemu-img >/dev/null 2>&1 || ! command -v qemu-io >/dev/null 2>&1; then
    if [ "$CI" = true ]; then
        echo "1..1"
        echo "not ok 1 - qemu-img missing (install the Debian package qemu-utils)"
        exit 1
    fi
    tap_skip_all "qemu-img not installed (Debian package qemu-utils)"
fi
T="$top_builddir/tests/storage/img-tool"
tmp=$(mktemp -d) || exit 1
[ -n "$VESSEL_TEST_KEEP" ] || trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1

tap_plan 53

# qemu-io writes a mix of patterns, zeroes and discards into IMG.
populate() {
    img=$1; size=$2
    qemu-io -f qcow2 \
        -c "write -P 0x11 0 1M" \
        -c "write -P 0x22 1536 3000" \
        -c "write -P 0x33 $((size / 2 - 70000)) 140000" \
        -c "write -z 64k 64k" \
        -c "discard 512k 256k" \
        -c "write -P 0x44 $((size - 4096)) 4096" \
        "$img" >/dev/null
}

# same_content DESC IMAGE FMT: our reading equals qemu-img's.
same_content() {
    rm -f ours.raw theirs.raw
    "$T" dump "$3:$2" ours.raw && qemu-img convert -O raw -f "$3" "$2" theirs.raw &&
        cmp -s ours.raw theirs.raw
    tap_ok $? "$1"
}

# write_check IMAGE N [SEED]: N random operations through us, then
# qemu-img check is clean and the image equals the reference.
write_check() {
    qemu-img convert -O raw -f qcow2 "$1" ref.raw || return 1
    "$T" ops "qcow2:$1" ref.raw "${3:-7}" "$2" &&
        qemu-img check -q "$1" && qemu-img compare -q -f qcow2 -F raw "$1" ref.raw
}

written_ok() {
    write_check "$2" "$3" "$4"
    tap_ok $? "$1"
}

# 1-8: cluster sizes x compat, qemu-img images read, then written.
for cs in 512 4k 64k 2M; do
    for compat in 0.10 1.1; do
        rm -f img.qcow2
        qemu-img create -q -f qcow2 -o cluster_size=$cs,compat=$compat img.qcow2 8M
        populate img.qcow2 8388608
        same_content "read qemu-img image: cluster_size=$cs compat=$compat" img.qcow2 qcow2
    done
done
for cs in 512 4k 64k 2M; do
    rm -f img.qcow2
    qemu-img create -q -f qcow2 -o cluster_size=$cs img.qcow2 8M
    populate img.qcow2 8388608
    written_ok "write qemu-img image: cluster_size=$cs" img.qcow2 400
done

# 13-19: every refcount width, with enough writes to allocate blocks.
for bits in 1 2 4 8 16 32 64; do
    rm -f img.qcow2
    qemu-img create -q -f qcow2 -o cluster_size=4k,refcount_bits=$bits img.qcow2 16M
    written_ok "write with refcount_bits=$bits" img.qcow2 300
done

# 20-27: preallocation modes: read, then written.
for pre in off metadata falloc full; do
    rm -f img.qcow2
    qemu-img create -q -f qcow2 -o preallocation=$pre,cluster_size=64k img.qcow2 4M
    qemu-io -f qcow2 -c "write -P 0x5a 100k 300k" img.qcow2 >/dev/null
    same_content "read preallocation=$pre" img.qcow2 qcow2
    written_ok "write preallocation=$pre" img.qcow2 200
done

# 28-30: compressed clusters (qemu-img convert -c): read, overwrite, and
# a version 2 compressed image.
head -c 6291456 /dev/urandom | od -An -tx1 | head -c 6291456 > text.raw
truncate -s 8M text.raw
rm -f comp.qcow2 comp2.qcow2
qemu-img convert -q -c -O qcow2 -o cluster_size=4k -f raw text.raw comp.qcow2
same_content "read compressed clusters" comp.qcow2 qcow2
written_ok "write over compressed clusters" comp.qcow2 300
qemu-img convert -q -c -O qcow2 -o compat=0.10 -f raw text.raw comp2.qcow2
same_content "read compressed clusters, compat=0.10" comp2.qcow2 qcow2

# 31-35: backing chain raw <- qcow2 <- qcow2 (relative names), a
# backing file shorter than its overlay, explicit chains.
rm -f base.raw mid.qcow2 top.qcow2
head -c 4194304 text.raw > base.raw
qemu-img create -q -f qcow2 -b base.raw -F raw mid.qcow2 6M
qemu-io -f qcow2 -c "write -P 0x66 1M 1M" -c "write -z 3M 64k" mid.qcow2 >/dev/null
qemu-img create -q -f qcow2 -o cluster_size=4k -b mid.qcow2 -F qcow2 top.qcow2 8M
qemu-io -f qcow2 -c "write -P 0x77 1500k 5k" -c "write -P 0x78 5M 100k" top.qcow2 >/dev/null
same_content "read a three-image chain (overlay larger than its backing)" top.qcow2 qcow2
"$T" dumpchain ours.raw qcow2:top.qcow2 qcow2:mid.qcow2 raw:base.raw && cmp -s ours.raw theirs.raw
tap_ok $? "read the chain given explicitly"
out=$("$T" chain qcow2:top.qcow2)
[ "$out" = "qcow2 $tmp/top.qcow2
qcow2 $tmp/mid.qcow2
raw $tmp/base.raw" ]
tap_ok $? "chain describes layers with formats and absolute paths"
cp base.raw base.keep; cp mid.qcow2 mid.keep
written_ok "write an overlay (copy-on-write from the chain)" top.qcow2 300
cmp -s base.raw base.keep && cmp -s mid.qcow2 mid.keep
tap_ok $? "backing files unchanged"

# 36-39: images we create.
for o in "cluster=4096" "cluster=2097152 compat=0.10" "prealloc=metadata cluster=65536" "cluster=512"; do
    rm -f ours.qcow2
    # shellcheck disable=SC2086
    "$T" create qcow2:ours.qcow2 24M $o && qemu-img check -q ours.qcow2 &&
        write_check ours.qcow2 300
    tap_ok $? "create ($o): qemu-img check clean before and after writes"
done

# 40: our overlay records its backing file and format as qemu-img reads them.
rm -f ov.qcow2
"$T" create qcow2:ov.qcow2 0 backing=base.raw backing_fmt=raw &&
    qemu-img info ov.qcow2 | grep -q "^backing file: base.raw" &&
    qemu-img info ov.qcow2 | grep -q "^backing file format: raw" &&
    qemu-img info ov.qcow2 | grep -q "^virtual size: 4 MiB" &&
    "$T" dump qcow2:ov.qcow2 ours.raw && cmp -s ours.raw base.raw
tap_ok $? "create an overlay: backing name, format and size as qemu-img reads them"

# 41: refcount table growth: 512-byte clusters, 64-bit refcounts.
rm -f grow.qcow2
qemu-img create -q -f qcow2 -o cluster_size=512,refcount_bits=64 grow.qcow2 24M
reftable_clusters() {
    python3 -c "import struct,sys; print(struct.unpack('>I', open(sys.argv[1],'rb').read(60)[56:60])[0])" "$1"
}
before=$(reftable_clusters grow.qcow2)
write_check grow.qcow2 600 3 && [ "$(reftable_clusters grow.qcow2)" -gt "$before" ]
tap_ok $? "refcount table grows (512-byte clusters, 64-bit refcounts)"

# 42-43: resize: the L1 table grows, data stays.
rm -f rs.qcow2
"$T" create qcow2:rs.qcow2 1M cluster=512 && "$T" write qcow2:rs.qcow2 4096 8192 0x5c &&
    "$T" resize qcow2:rs.qcow2 40M && qemu-img check -q rs.qcow2 &&
    qemu-img info rs.qcow2 | grep -q "^virtual size: 40 MiB"
tap_ok $? "resize grows the L1 table; qemu-img check clean"
written_ok "resized image written" rs.qcow2 200

# 44: copy (vol-create-from): same content, sparse.
rm -f cp.qcow2
"$T" create qcow2:cp.qcow2 8M && "$T" copy qcow2:top.qcow2 qcow2:cp.qcow2 &&
    qemu-img check -q cp.qcow2 && qemu-img compare -q cp.qcow2 top.qcow2
tap_ok $? "copy a chain into a standalone image"

# 45-46: our check agrees with qemu-img check: clean, and a leak.
"$T" check qcow2:top.qcow2 >/dev/null
tap_ok $? "our check: clean image is clean"
rm -f leak.qcow2
qemu-img create -q -f qcow2 -o cluster_size=4k leak.qcow2 1M
python3 - leak.qcow2 <<'EOF'
import struct, sys
# Bump the refcount of cluster 1 (the refcount table) to 2: a leak.
f = open(sys.argv[1], 'r+b'); h = f.read(104)
rt = struct.unpack('>Q', h[48:56])[0]
f.seek(rt); rb = struct.unpack('>Q', f.read(8))[0]
f.seek(rb + 2); f.write(struct.pack('>H', 2)); f.close()
EOF
qemu-img check -q leak.qcow2 >/dev/null 2>&1; theirs=$?
"$T" check qcow2:leak.qcow2 >/dev/null; ours=$?
[ $theirs = 3 ] && [ $ours = 3 ]
tap_ok $? "our check: a leaked cluster is a leak, as qemu-img says (exit $ours/$theirs)"

# 47: a corruption both see: an L2 entry pointing at the L1 table.
# bad_l2 IMAGE TARGET: a new 1 MiB image (4 KiB clusters) whose first
# cluster was written, then its L2 entry (COPIED) pointed at TARGET, a
# host offset or "l1" (the L1 table).
bad_l2() {
    rm -f "$1"
    qemu-img create -q -f qcow2 -o cluster_size=4k "$1" 1M
    qemu-io -f qcow2 -c "write -P 1 0 4k" "$1" >/dev/null
    python3 - "$1" "$2" <<'EOF'
import struct, sys
f = open(sys.argv[1], 'r+b'); h = f.read(104)
l1 = struct.unpack('>Q', h[40:48])[0]
to = l1 if sys.argv[2] == 'l1' else int(sys.argv[2])
f.seek(l1); l2 = struct.unpack('>Q', f.read(8))[0] & 0x00fffffffffffe00
f.seek(l2); f.write(struct.pack('>Q', to | (1 << 63))); f.close()
EOF
}
bad_l2 bad.qcow2 l1
qemu-img check -q bad.qcow2 >/dev/null 2>&1; theirs=$?
"$T" check qcow2:bad.qcow2 >/dev/null; ours=$?
[ $theirs = 2 ] && [ $ours = 2 ]
tap_ok $? "our check: an L2 entry on the L1 table is a corruption (exit $ours/$theirs)"

# 48: and writing through it is refused instead of overwriting the L1 table.
out=$("$T" write qcow2:bad.qcow2 0 512 0x41 2>&1); rc=$?
qemu-io -f qcow2 -r -c "read -P 1 4k 4k" bad.qcow2 >/dev/null 2>&1
[ $rc = 1 ] && [ -n "$out" ] && qemu-img info bad.qcow2 | grep -q "corrupt: true"
tap_ok $? "a write onto metadata fails with EIO and marks the image corrupt"

# 49: an L2 entry pointing past the end of the file (a cluster no
# refcount covers): both checks see a corruption, and a write through it
# is refused instead of growing the file there.
bad_l2 past.qcow2 $((1 << 30))
size=$(stat -c %s past.qcow2)
qemu-img check -q past.qcow2 >/dev/null 2>&1; theirs=$?
"$T" check qcow2:past.qcow2 >/dev/null; ours=$?
out=$("$T" write qcow2:past.qcow2 0 512 0x41 2>&1); rc=$?
[ $theirs = 2 ] && [ $ours = 2 ] && [ $rc = 1 ] && [ -n "$out" ] &&
    [ "$(stat -c %s past.qcow2)" = "$size" ] && qemu-img info past.qcow2 | grep -q "corrupt: true"
tap_ok $? "an L2 entry past the end of the file: a corruption; a write there fails with EIO"

# 50: zero and discard on an overlay hide the backing data.
rm -f z.qcow2
qemu-img create -q -f qcow2 -b base.raw -F raw z.qcow2
"$T" zero qcow2:z.qcow2 65536 131072 unmap && "$T" zero qcow2:z.qcow2 300000 5000 keep &&
    qemu-img check -q z.qcow2 &&
    ! qemu-io -f qcow2 -r -c "read -P 0 65536 131072" -c "read -P 0 300000 5000" z.qcow2 |
    grep -q "verification failed"
tap_ok $? "zeroing an overlay reads zeros, not the backing file"

# 51-53: commit (blockcommit's merge) of a three-layer chain qemu-io
# wrote (data, zero writes, a discard, a top larger than its backing):
# into the middle layer and into the raw base, each then reading as the
# top did (qemu-img convert of the top is the reference).
rm -rf commit && mkdir commit && (
    cd commit || exit 1
    qemu-img create -q -f raw base.raw 8M &&
    qemu-io -f raw -c "write -P 0x11 0 8M" base.raw > /dev/null &&
    qemu-img create -q -f qcow2 -o cluster_size=4k -b base.raw -F raw mid.qcow2 &&
    qemu-io -f qcow2 -c "write -P 0x22 1M 1M" -c "write -z 3M 64k" -c "write -P 0x23 5000 3000" \
        mid.qcow2 > /dev/null &&
    qemu-img create -q -f qcow2 -o cluster_size=64k -b mid.qcow2 -F qcow2 top.qcow2 12M &&
    qemu-io -f qcow2 -c "write -P 0x33 1536k 1M" -c "write -z 6M 128k" -c "discard 0 64k" \
        -c "write -P 0x34 10M 64k" top.qcow2 > /dev/null &&
    qemu-img convert -O raw top.qcow2 want.raw && cp mid.qcow2 mid0.qcow2
) || tap_bail "cannot make the commit chain"
(cd commit && "$T" commit qcow2:top.qcow2 qcow2:mid.qcow2 && qemu-img check -q mid.qcow2 &&
    qemu-img compare -q -f qcow2 -F raw mid.qcow2 want.raw)
tap_ok $? "commit the top into its qcow2 backing file: it reads as the top, clean"
(cd commit && cp mid0.qcow2 mid.qcow2 && "$T" commit qcow2:top.qcow2 raw:base.raw &&
    cmp -s base.raw want.raw)
tap_ok $? "commit two layers into the raw base: it reads as the top"
(cd commit && ! "$T" commit qcow2:mid.qcow2 qcow2:top.qcow2 2> err.txt &&
    grep -q "not one of its backing files" err.txt)
tap_ok $? "commit into a file that is not a backing file is refused"

tap_done
