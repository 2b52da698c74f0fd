#!/bin/sh
# test-storage-crash.sh - kill -9 in the middle of writes leaves a
# consistent image.  img-tool stress does random block writes,
# write-zeroes, discards and flushes on a qcow2 image and is killed;
# then `qemu-img check` must find no corruption (leaked clusters are
# allowed: exit 0 or 3) and every sector must read as zeros or as
# data stress wrote for that very sector (img-tool verify), never garbage
# or another sector's data (a multi-sector write may be torn).
#
# Part 1 kills at chosen points: strace's syscall fault injection sends
# SIGKILL on entry to the Nth pwritev of a single-threaded, seeded (so
# repeatable) stress run, for N spread over the whole run - every kind
# of write (data, refcount blocks, new refcount blocks and tables, L2
# tables, L1 entries) gets killed before.  A build that writes an L2
# table before the refcounts it relies on fails here (tried: about a
# quarter of the points).  Part 2 kills 4-thread stress runs at random
# moments, several times on the same image (reopening an image with
# leaks).  Layouts: 4 KiB clusters with 16-bit refcounts, 512-byte
# clusters with 64-bit refcounts (refcount blocks and table grow), 4 KiB
# clusters with 1-bit refcounts, 64 KiB clusters (ours), an overlay on a
# raw backing file.
. "$top_srcdir/tests/lib/tap.sh"

command -v qemu-img >/dev/null 2>&1 || {
    [ "$CI" = true ] && { echo "1..1"; echo "not ok 1 - qemu-img missing (qemu-utils)"; exit 1; }
    tap_skip_all "qemu-img not installed (Debian package qemu-utils)"
}
T="$top_builddir/tests/storage/img-tool"
tmp=$(mktemp -d) || exit 1
[ -n "$VESSEL_TEST_KEEP" ] || trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1

rounds=${VESSEL_CRASH_ROUNDS:-4}
step=23
if [ -n "${VESSEL_TEST_QUICK:-}" ]; then rounds=2; step=61; fi
have_strace=0
command -v strace >/dev/null 2>&1 && have_strace=1
[ "$CI" = true ] && have_strace=1      # deps.sh installs it: fail, not skip
tap_plan $((3 + 4 * rounds))

# A random delay of 0.05 .. 1.5 s.
rand_delay() {
    n=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
    awk -v n="$n" 'BEGIN { printf "%.2f", 0.05 + (n % 146) / 100 }'
}

# crash_once IMAGE SEED: stress, kill -9, check, verify.
crash_once() {
    "$T" stress "qcow2:$1" "$2" 4 > stress.out 2> stress.err &
    pid=$!
    wait_until 20 grep -q running stress.out || { kill -9 $pid; echo "# stress did not start"; cat stress.err; return 1; }
    sleep "$(rand_delay)"
    kill -9 $pid
    wait $pid 2>/dev/null
    if [ -s stress.err ]; then
        sed 's/^/# /' stress.err
        return 1
    fi
    qemu-img check "$1" > check.out 2>&1
    rc=$?
    if [ $rc != 0 ] && [ $rc != 3 ]; then
        sed 's/^/# /' check.out | head -20
        return 1
    fi
    "$T" verify "qcow2:$1" > verify.out 2>&1 || { sed 's/^/# /' verify.out; return 1; }
}

"$T" create qcow2:a.qcow2 48M
qemu-img create -q -f qcow2 -o cluster_size=4k,refcount_bits=1 b.qcow2 48M
qemu-img create -q -f qcow2 -o cluster_size=512,refcount_bits=64 c.qcow2 16M
"$T" create raw:base.raw 48M
"$T" stress raw:base.raw 99 1 > /dev/null & bpid=$!
sleep 1; kill -9 $bpid; wait $bpid 2>/dev/null
"$T" create qcow2:d.qcow2 0 backing=base.raw backing_fmt=raw

# sweep ORIG OPS: kill at pwritev N = 3, 3 + step, ... of a stress run
# of OPS operations on a copy of ORIG.
sweep() {
    cp "$1" orig.qcow2
    total=$(strace -f -qq -c -U calls,name -e trace=pwritev -o calls.out \
        "$T" stress qcow2:orig.qcow2 5 1 "$2" >/dev/null 2>&1;
        awk '$2 == "pwritev" { print $1 }' calls.out)
    [ -n "$total" ] || { echo "# cannot count pwritev calls"; return 1; }
    bad=0; runs=0
    for n in $(seq 3 "$step" "$total"); do
        cp "$1" s.qcow2
        strace -f -qq -o /dev/null -e trace=pwritev -e inject=pwritev:signal=KILL:when="$n" \
            "$T" stress qcow2:s.qcow2 5 1 "$2" >/dev/null 2>&1
        runs=$((runs + 1))
        qemu-img check s.qcow2 > check.out 2>&1; rc=$?
        if [ $rc != 0 ] && [ $rc != 3 ]; then
            echo "# killed before pwritev $n of $total: qemu-img check exit $rc"
            grep -m3 ERROR check.out | sed 's/^/#   /'
            bad=$((bad + 1))
        elif ! "$T" verify qcow2:s.qcow2 > verify.out 2>&1; then
            echo "# killed before pwritev $n of $total:"; sed 's/^/#   /' verify.out
            bad=$((bad + 1))
        fi
    done
    echo "# $runs kill points of $total writes"
    [ $bad = 0 ] && [ $runs -gt 0 ]
}

"$T" create raw:sweepbase.raw 8M
"$T" stress raw:sweepbase.raw 7 1 300 >/dev/null
qemu-img create -q -f qcow2 -o cluster_size=4k,refcount_bits=16 s1.qcow2 16M
qemu-img create -q -f qcow2 -o cluster_size=512,refcount_bits=64 s2.qcow2 8M
qemu-img create -q -f qcow2 -o cluster_size=4k -b sweepbase.raw -F raw s3.qcow2
if [ $have_strace = 1 ]; then
    sweep s1.qcow2 400; tap_ok $? "kill before chosen writes: 4 KiB clusters"
    sweep s2.qcow2 250; tap_ok $? "kill before chosen writes: 512-byte clusters, 64-bit refcounts"
    sweep s3.qcow2 300; tap_ok $? "kill before chosen writes: overlay on a raw file"
else
    for i in 1 2 3; do echo "ok $i # SKIP strace not installed"; done
    _tap_n=3
fi

for r in $(seq 1 "$rounds"); do
    crash_once a.qcow2 "$r"; tap_ok $? "random kill $r: 64 KiB clusters"
    crash_once b.qcow2 "$r"; tap_ok $? "random kill $r: 4 KiB clusters, 1-bit refcounts"
    crash_once c.qcow2 "$r"; tap_ok $? "random kill $r: 512-byte clusters, 64-bit refcounts"
    crash_once d.qcow2 "$r"; tap_ok $? "random kill $r: overlay on a raw backing file"
done
echo "# last check: $(tail -3 check.out | tr '\n' ' ')"
tap_done
