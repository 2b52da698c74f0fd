#!/bin/sh
# make-corpus.sh OUTDIR - regenerate the checked-in fuzz corpus
# (tests/storage/fuzz-corpus/) with qemu-img and qemu-io: small images
# (512-byte clusters mostly) that reach every structure the parser and
# the table code handle.  Run by hand when the corpus should change.
set -e
out=${1:?usage: $0 OUTDIR}
mkdir -p "$out"
cd "$out"
q() { qemu-img create -q -f qcow2 "$@"; }
io() { f=$1; shift; qemu-io -f qcow2 "$@" "$f" >/dev/null; }
q -o cluster_size=512 empty-v3.qcow2 64k
q -o cluster_size=512,compat=0.10 empty-v2.qcow2 64k
q -o cluster_size=512 data.qcow2 64k
io data.qcow2 -c "write -P 0x11 0 3k" -c "write -P 0x22 20k 1k" -c "write -z 1k 1k" -c "discard 2k 512"
q -o cluster_size=512,compat=0.10 data-v2.qcow2 64k
io data-v2.qcow2 -c "write -P 0x33 1k 2k" -c "write -P 0x44 60k 4k"
q -o cluster_size=512,refcount_bits=1 rc1.qcow2 32k
io rc1.qcow2 -c "write -P 1 0 2k"
q -o cluster_size=512,refcount_bits=64 rc64.qcow2 32k
io rc64.qcow2 -c "write -P 2 4k 2k"
q -o cluster_size=4096 c4k.qcow2 1M
io c4k.qcow2 -c "write -P 3 0 8k"
truncate -s 64k base.raw
q -o cluster_size=512 -b base.raw -F raw overlay.qcow2 64k
io overlay.qcow2 -c "write -P 5 1k 1k" -c "write -z 4k 4k"
q -o cluster_size=512,preallocation=metadata prealloc.qcow2 8k
head -c 8192 /dev/zero | tr '\0' 'a' > text.raw
printf 'some text that compresses' >> text.raw
truncate -s 16k text.raw
qemu-img convert -q -c -O qcow2 -o cluster_size=512 text.raw compressed.qcow2
q -o cluster_size=512 snapshot.qcow2 16k
io snapshot.qcow2 -c "write -P 6 0 2k"
qemu-img snapshot -c snap1 snapshot.qcow2
io snapshot.qcow2 -c "write -P 7 1k 2k"
q -o cluster_size=512 bitmap.qcow2 16k
qemu-img bitmap --add bitmap.qcow2 b0
q -o cluster_size=512,lazy_refcounts=on lazy.qcow2 16k
io lazy.qcow2 -c "write -P 8 0 1k"
rm -f text.raw base.raw
ls -l
