#!/bin/sh
# test-storage-full.sh - a full host disk loses nothing.  From the Nth
# pwritev of a seeded, single-threaded img-tool stress run on, every
# write fails with ENOSPC (strace's syscall fault injection: a disk that
# fills up and stays full), for N spread over the whole run - data
# writes, copy-on-write, refcount blocks and table growth, L2 tables,
# L1 entries.  Each time: the writer reports the error once and exits 1
# (the VMM turns the same -ENOSPC into an I/O error for the guest);
# `qemu-img check` finds the image clean or with leaked clusters only;
# every sector reads as zeros or as data written for that very sector;
# and once there is room again the image opens, takes more writes and
# is still clean.  Layouts: 4 KiB clusters with 16-bit refcounts,
# 512-byte clusters with 64-bit refcounts (the refcount table grows), an
# overlay on a raw backing file (copy-on-write).
. "$top_srcdir/tests/lib/tap.sh"

command -v qemu-img >/dev/null 2>&1 || {
    [ "$CI" = true ] && { echo "1..1"; echo "not ok 1 - qemu-img missing (qemu-utils)"; exit 1; }
    tap_skip_all "qemu-img not installed (Debian package qemu-utils)"
}
command -v strace >/dev/null 2>&1 || {
    [ "$CI" = true ] && { echo "1..1"; echo "not ok 1 - strace missing"; exit 1; }
    tap_skip_all "strace not installed"
}
T="$top_builddir/tests/storage/img-tool"
tmp=$(mktemp -d) || exit 1
[ -n "$VESSEL_TEST_KEEP" ] || trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1

step=37
# LeakSanitizer cannot run under ptrace: no leak check in the traced runs
noleak="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
[ -n "${VESSEL_TEST_QUICK:-}" ] && step=83
tap_plan 4

# clean_or_leaks IMAGE WHEN: qemu-img check exit 0 or 3, then verify.
clean_or_leaks() {
    qemu-img check "$1" > check.out 2>&1; rc=$?
    if [ $rc != 0 ] && [ $rc != 3 ]; then
        echo "# $2: qemu-img check exit $rc"
        grep -m3 ERROR check.out | sed 's/^/#   /'
        return 1
    fi
    "$T" verify "qcow2:$1" > verify.out 2>&1 || { echo "# $2:"; sed 's/^/#   /' verify.out; return 1; }
}

# full ORIG OPS: disk full from pwritev N = 3, 3 + step, ... of a stress
# run of OPS operations on a copy of ORIG.
full() {
    cp "$1" orig.qcow2
    total=$(ASAN_OPTIONS=$noleak strace -f -qq -c -U calls,name -e trace=pwritev -o calls.out \
        "$T" stress qcow2:orig.qcow2 5 1 "$2" >/dev/null 2>&1;
        awk '$2 == "pwritev" { print $1 }' calls.out)
    [ -n "$total" ] || { echo "# cannot count pwritev calls"; return 1; }
    bad=0; runs=0
    for n in $(seq 3 "$step" "$total"); do
        cp "$1" s.qcow2
        ASAN_OPTIONS=$noleak strace -f -qq -o /dev/null -e trace=pwritev \
            -e inject=pwritev:error=ENOSPC:when="$n+" "$T" stress qcow2:s.qcow2 5 1 "$2" > /dev/null 2> err.out
        rc=$?
        runs=$((runs + 1))
        if [ $rc != 1 ] || [ "$(wc -l < err.out)" != 1 ] ||
           ! grep -q "No space left on device" err.out; then
            echo "# full from pwritev $n of $total: exit $rc, wanted 1 and one ENOSPC line:"
            sed 's/^/#   /' err.out
            bad=$((bad + 1))
            continue
        fi
        clean_or_leaks s.qcow2 "full from pwritev $n of $total" || { bad=$((bad + 1)); continue; }
        # room again: the image takes writes and stays consistent
        "$T" stress qcow2:s.qcow2 11 1 200 > /dev/null 2> err.out ||
            { echo "# after pwritev $n: $(cat err.out)"; bad=$((bad + 1)); continue; }
        clean_or_leaks s.qcow2 "written again after full from pwritev $n" || bad=$((bad + 1))
    done
    echo "# $runs points of $total writes"
    [ $bad = 0 ] && [ $runs -gt 0 ]
}

"$T" create raw:base.raw 8M
"$T" stress raw:base.raw 7 1 300 > /dev/null
qemu-img create -q -f qcow2 -o cluster_size=4k,refcount_bits=16 f1.qcow2 16M
qemu-img create -q -f qcow2 -o cluster_size=512,refcount_bits=64 f2.qcow2 8M
qemu-img create -q -f qcow2 -o cluster_size=4k -b base.raw -F raw f3.qcow2

full f1.qcow2 400; tap_ok $? "disk full: 4 KiB clusters"
full f2.qcow2 250; tap_ok $? "disk full: 512-byte clusters, 64-bit refcounts"
full f3.qcow2 300; tap_ok $? "disk full: overlay on a raw file"
# a write that fails leaves the old data: the same stress, full from the
# start, reads exactly as before
cp f1.qcow2 g.qcow2
"$T" stress qcow2:g.qcow2 3 1 100 > /dev/null && "$T" dump qcow2:g.qcow2 before.raw &&
    { ASAN_OPTIONS=$noleak strace -f -qq -o /dev/null -e trace=pwritev \
        -e inject=pwritev:error=ENOSPC:when=1+ \
        "$T" stress qcow2:g.qcow2 9 1 100 > /dev/null 2>&1; [ $? = 1 ]; } &&
    qemu-img compare -q -f qcow2 -F raw g.qcow2 before.raw
tap_ok $? "writes that fail on a full disk leave the data as it was"
tap_done
