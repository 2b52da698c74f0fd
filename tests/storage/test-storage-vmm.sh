#!/bin/sh
# test-storage-vmm.sh - vessel-vmm's --disk option (vessel-vmm(1)):
# formats, explicit chains as paths or descriptors, and every bad disk
# exits 1 with one line on stderr that names the problem, before the
# guest runs: unknown format, options a raw image cannot take, a chain
# that does not match the images, a loop, a descriptor not open for
# writing, a hostile header, a qcow2 image named by descriptor whose
# backing file is not given.  Good disks: the tiny in-tree guest
# (hello.elf) runs to power-off with them attached.
. "$top_srcdir/tests/lib/tap.sh"
vmm="$top_builddir/vmm/vessel-vmm"
T="$top_builddir/tests/storage/img-tool"
hello="$top_builddir/tests/vmm/guests/hello.elf"
[ -x "$vmm" ] || tap_skip_all "vessel-vmm not built"
[ -f "$hello" ] || tap_skip_all "tests/vmm/guests not built"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1

tap_plan 26

# expect CODE DESC WORD -- DISK-ARGS...: exit code, one stderr line
# containing WORD (for errors; "-" = any).
expect() {
    code=$1; desc=$2; word=$3; shift 4
    "$vmm" --kernel "$hello" --accel dbt --serial "file:$tmp/serial" "$@" </dev/null \
        >out.txt 2>err.txt
    rc=$?
    ok=0
    [ "$rc" -eq "$code" ] || ok=1
    if [ "$code" != 0 ]; then
        [ "$(wc -l < err.txt)" -eq 1 ] || ok=1
        [ "$word" = - ] || grep -q -- "$word" err.txt || ok=1
    fi
    [ $ok = 0 ] || { echo "# exit $rc (want $code):"; sed 's/^/#   /' err.txt; }
    tap_ok $ok "$desc"
}

"$T" create raw:base.raw 4M
"$T" create qcow2:mid.qcow2 0 backing=base.raw backing_fmt=raw
"$T" create qcow2:top.qcow2 0 backing=mid.qcow2 backing_fmt=qcow2
"$T" create qcow2:plain.qcow2 4M
"$T" create qcow2:loop-a.qcow2 4M backing=loop-b.qcow2 backing_fmt=qcow2
"$T" create qcow2:loop-b.qcow2 4M backing=loop-a.qcow2 backing_fmt=qcow2
printf 'QFI\373\0\0\0\3garbage' > bad.qcow2
truncate -s 4096 bad.qcow2

expect 0 "raw by path (the default format)" - -- --disk base.raw
expect 0 "qcow2 by path, chain followed by name" - -- --disk top.qcow2,format=qcow2
expect 0 "qcow2 chain given explicitly by path" - -- \
    --disk top.qcow2,format=qcow2,backing=qcow2:mid.qcow2,backing=raw:base.raw
expect 0 "qcow2 chain given as descriptors" - -- \
    --disk fd:3,format=qcow2,backing=qcow2:fd:4,backing=raw:fd:5 3<>top.qcow2 4<mid.qcow2 5<base.raw
expect 0 "a read-only qcow2 disk" - -- --disk plain.qcow2,format=qcow2,readonly
expect 0 "a read-only chain by descriptors, all read-only" - -- \
    --disk fd:3,format=qcow2,readonly,backing=qcow2:fd:4,backing=raw:fd:5 3<top.qcow2 4<mid.qcow2 5<base.raw
qemu-img check -q top.qcow2 2>/dev/null || [ ! -x "$(command -v qemu-img)" ]
tap_ok $? "the chain's top is still consistent after the runs"

expect 1 "unknown format" "format must be raw or qcow2" -- --disk base.raw,format=vmdk
expect 1 "unknown option" "expected FILE" -- --disk base.raw,cache=none
expect 1 "a raw image with backing=" "no backing files" -- --disk base.raw,backing=raw:mid.qcow2
expect 1 "backing= without a format" "FORMAT:FILE" -- --disk top.qcow2,format=qcow2,backing=mid.qcow2
expect 1 "a missing file" "cannot open disk image" -- --disk nope.qcow2,format=qcow2
expect 1 "a missing backing file" "cannot open" -- \
    --disk top.qcow2,format=qcow2,backing=qcow2:gone.qcow2,backing=raw:base.raw
expect 1 "a chain one layer short" "none is given for it" -- \
    --disk top.qcow2,format=qcow2,backing=qcow2:mid.qcow2
expect 1 "a chain one layer long" "no backing file" -- \
    --disk top.qcow2,format=qcow2,backing=qcow2:mid.qcow2,backing=raw:base.raw,backing=raw:base.raw
expect 1 "a layer given with the wrong format" "records backing format" -- \
    --disk top.qcow2,format=qcow2,backing=raw:mid.qcow2,backing=raw:base.raw
expect 1 "a backing loop by name" "loops" -- --disk loop-a.qcow2,format=qcow2
expect 1 "a backing loop given explicitly" "loops" -- \
    --disk top.qcow2,format=qcow2,backing=qcow2:top.qcow2,backing=raw:base.raw
expect 1 "a qcow2 descriptor with a backing file and no backing=" "pass the chain explicitly" -- \
    --disk fd:3,format=qcow2 3<>top.qcow2
expect 1 "a writable disk on a read-only descriptor" "not open for reading and writing" -- \
    --disk fd:3,format=qcow2 3<plain.qcow2
expect 1 "a descriptor that is not open" "not an open file descriptor" -- --disk fd:9,format=qcow2
expect 1 "a hostile qcow2 header" "qcow2" -- --disk bad.qcow2,format=qcow2
expect 1 "a raw file read as qcow2" "not a qcow2 image" -- --disk base.raw,format=qcow2
"$T" write raw:base.raw 0 512 0 && printf 'QFI\373' | dd of=base.raw conv=notrunc 2>/dev/null
expect 0 "a raw image that starts with a qcow2 magic stays raw (no probing)" - -- --disk base.raw

# a disk image marked corrupt: refused writable, fine read-only
cp plain.qcow2 corrupt.qcow2
printf '\0\0\0\0\0\0\0\2' | dd of=corrupt.qcow2 bs=1 seek=72 conv=notrunc 2>/dev/null
expect 1 "an image marked corrupt, writable" "marked corrupt" -- --disk corrupt.qcow2,format=qcow2
expect 0 "an image marked corrupt, read-only" - -- --disk corrupt.qcow2,format=qcow2,readonly
tap_done
