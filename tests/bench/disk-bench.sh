#!/bin/sh
# disk-bench.sh - guest disk throughput on a raw image and on a qcow2
# image under vessel-vmm --accel dbt, and on the same qcow2 (and raw)
# image under qemu-system-x86_64 -accel tcg, side by side in one run.  A
# benchmark, not a test: it prints figures and never fails on them.
#
#   tests/bench/disk-bench.sh BUILDDIR
#
# In the reference guest (timed inside the guest, boot time left out),
# on a fresh 576 MiB image each run (qcow2: 64 KiB clusters, made by
# qemu-img, so both VMMs start from the same file), O_DIRECT, timed with
# CLOCK_MONOTONIC in the guest (tests/bench/disk-rand.c):
#   seq write  128 MiB in 1 MiB requests, one fdatasync (allocates in qcow2)
#   seq read   the first 128 MiB
#   rand write 4 KiB x 2048 at random in a fresh 64 MiB (allocating in
#              qcow2), one fdatasync
#   rand read  4 KiB x 2048 at random in the first 64 MiB
# Each runs three times (writes on fresh ranges, so each one allocates)
# per boot, and every VMM/format pair boots twice, the pairs taking turns
# (VESSEL_BENCH_ROUNDS=N: N times): the machine may be shared, so the
# best run, the median and the spread (min-max) of each cell are printed.
# Then the same on the host, without a guest: the storage library alone
# (tests/storage/img-tool bench, built by make check) beside qemu-img
# bench on the same pattern, writeback cache, the writes timed (not the
# closing flush):
#   1M writes  128 MiB in 1 MiB requests, 2 in flight (allocating)
#   4k/cluster 2048 writes of 4 KiB, one per fresh 64 KiB cluster (each
#              allocates; qcow2 copies the rest of the cluster: zeros)
#   1M reads   128 MiB in 1 MiB requests, 1 in flight (the guest's seq
#              read), from an image qemu-img bench -w filled just before
#              (the same file for both readers; the page cache, no disk):
#              the library's read path alone, without the guest's noise
# each VESSEL_BENCH_HOST_RUNS times, with the CPU time of each process.
# Printed in MB/s (random: also IOPS): the best run, the median and the
# spread (min-max) of each cell, so that a loaded machine shows as such.  QEMU is only the reference
# (package qemu-system-x86); without it, or with VESSEL_BENCH_QEMU=0,
# only Vessel's columns are printed.
set -eu
build=$(cd "$1" && pwd)
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vessel-dbench-XXXXXX")
trap 'rm -rf "$tmp"' EXIT

guest=$(sh "$top/scripts/guest-fetch.sh")
sh "$top/scripts/mkinitramfs.sh" "$guest" "$tmp/base.gz"
mkdir -p "$tmp/x/etc/vessel" "$tmp/x/bin"
${CC:-cc} -O2 -static -o "$tmp/x/bin/disk-rand" "$top/tests/bench/disk-rand.c"
cat > "$tmp/x/etc/vessel/run" <<'EOS'
#!/bin/sh
for at in 0 128 256; do /bin/disk-rand /dev/vda swrite $at 128 128 1024; done
for at in 384 448 512; do /bin/disk-rand /dev/vda write $at 64 2048 4; done
for i in 1 2 3; do
  /bin/disk-rand /dev/vda sread 0 128 128 1024
  /bin/disk-rand /dev/vda read 0 64 2048 4
done
EOS
chmod +x "$tmp/x/etc/vessel/run"
(cd "$tmp/x" && find . | cpio -o -H newc -R 0:0 --quiet | gzip) > "$tmp/extra.gz"
cat "$tmp/base.gz" "$tmp/extra.gz" > "$tmp/initrd.gz"
cmdline="console=ttyS0 panic=-1 nokaslr quiet"

# fresh FORMAT: a new empty image at $tmp/disk.FORMAT
fresh() {
  rm -f "$tmp/disk.$1"
  qemu-img create -q -f "$1" -o cluster_size=65536 "$tmp/disk.$1" 576M 2>/dev/null ||
    { [ "$1" = raw ] && truncate -s 576M "$tmp/disk.raw"; }
}

# run LABEL CMD...: boot, then add "METRIC MBps" lines to $tmp/LABEL.all
run() {
  label=$1; shift
  if ! timeout 3600 "$@" > "$tmp/$label.log" 2>&1 < /dev/null; then
    echo "$label: failed"; tail -n 15 "$tmp/$label.log"; return 1
  fi
  tr -d '\r' < "$tmp/$label.log" | awk '/^B-[A-Z]+ [0-9.]+ [0-9.]+ [0-9.]+$/ {
      d = $4 - $3; v = d > 0 ? $2 * 1.048576 / d : 0; printf "%s %.2f\n", $1, v }' \
      >> "$tmp/$label.all"
}

vessel() {
  run "$1" "$build/vmm/vessel-vmm" --accel dbt --memory 512 --no-reboot \
      --kernel "$guest/vmlinuz" --initrd "$tmp/initrd.gz" --cmdline "$cmdline" \
      --disk "$tmp/disk.$2,format=$2" --serial stdio
}
qemu() {
  run "$1" qemu-system-x86_64 -accel tcg -m 512 -nographic -no-reboot \
      -kernel "$guest/vmlinuz" -initrd "$tmp/initrd.gz" -append "$cmdline" \
      -drive "file=$tmp/disk.$2,format=$2,if=virtio,cache=writeback"
}

command -v qemu-img >/dev/null || { echo "disk-bench: qemu-img (qemu-utils) needed"; exit 0; }
have_qemu=0
if [ "${VESSEL_BENCH_QEMU:-1}" != 0 ] && command -v qemu-system-x86_64 >/dev/null; then
  have_qemu=1
fi
for round in $(seq "${VESSEL_BENCH_ROUNDS:-2}"); do
  fresh raw; vessel vraw raw || exit 0
  fresh qcow2; vessel vqcow2 qcow2 || exit 0
  qemu-img check -q "$tmp/disk.qcow2" || echo "disk-bench: qemu-img check failed on Vessel's image"
  if [ $have_qemu = 1 ]; then
    { fresh qcow2 && qemu qqcow2 qcow2 && fresh raw && qemu qraw raw; } || have_qemu=0
  fi
done

# cell KIND METRIC LABEL: best, median or "min-max" of the runs of a cell
cell() {
  [ -f "$tmp/$3.all" ] || return 0
  awk -v m="$2" '$1 == m { print $2 }' "$tmp/$3.all" | sort -n | awk -v k="$1" '
      { v[NR] = $1 } END { if (!NR) exit
        if (k == "best") print v[NR]
        else if (k == "median") printf "%.2f\n", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        else printf "%.0f-%.0f\n", v[1], v[NR] }'
}
ratio() { [ -n "$1" ] && [ -n "$2" ] && [ "$2" != 0.00 ] && echo "$1 / $2" | bc -l | xargs printf '%.2f' || echo -; }
for kind in best median range; do
  case $kind in
    best) title="guest MB/s, best" ;; median) title="guest MB/s, median" ;; range) title="guest MB/s, min-max" ;;
  esac
  printf '%-22s %11s %11s %8s %11s %11s %9s\n' "$title" "vessel raw" "vessel qcow2" "q/raw" \
      "qemu qcow2" "qemu raw" "v/q qcow2"
  for m in SEQW:"seq write 1M (alloc)" SEQR:"seq read 1M" RANDW:"4k rand write (alloc)" \
           RANDR:"4k rand read"; do
    key=B-${m%%:*}; name=${m#*:}
    vr=$(cell $kind "$key" vraw); vq=$(cell $kind "$key" vqcow2); qq=; qr=
    [ $have_qemu = 1 ] && { qq=$(cell $kind "$key" qqcow2); qr=$(cell $kind "$key" qraw); }
    r1=-; r2=-
    [ $kind != range ] && { r1=$(ratio "$vq" "$vr"); r2=$(ratio "$vq" "$qq"); }
    printf '%-22s %11s %11s %8s %11s %11s %9s\n' "$name" "${vr:--}" "${vq:--}" "$r1" \
        "${qq:--}" "${qr:--}" "$r2"
  done
done
runs=$(cat "$tmp/vqcow2.all" 2>/dev/null | awk '$1 == "B-SEQW"' | wc -l)
echo "($runs runs per cell; 4k rows: IOPS = MB/s x 244; q/raw = Vessel qcow2 / Vessel raw;"
echo " v/q = Vessel / QEMU, qcow2)"

# Host side: the library alone beside qemu-img bench, each cell run
# VESSEL_BENCH_HOST_RUNS times (default 7) on fresh images, the four
# taking turns.  MB/s is the requests alone (as qemu-img bench times
# them): for writes not the closing flush, for reads not the filling.
tool=$build/tests/storage/img-tool
[ -x "$tool" ] || { echo "(host rows: build tests/storage/img-tool with make check first)"; exit 0; }
hrun() {        # hrun LABEL FORMAT CMD...: one run on a fresh image -> LABEL.all
  label=$1 fmt=$2; shift 2
  fresh "$fmt"
  # reads: the range filled first, the same way for every reader
  if [ "$mode" = read ]; then
    qemu-img bench -q -w -f "$fmt" -t writeback -s "$size" -S "$step" -c "$count" -d 1 \
        "$tmp/disk.$fmt" >/dev/null 2>&1 || return 0
  fi
  v=$("$@" 2>/dev/null | awk -v mib="$mib" '/^[0-9.]+ [0-9.]+ [0-9.]+/ { print $3 }
      /Run completed in/ { printf "%.2f\n", mib * 1.048576 / $4 }')
  [ -n "$v" ] && echo "MBS $v" >> "$tmp/$label.all"
  return 0
}
for m in "1M writes (alloc):1M:128:1M:2:write" "4k/cluster (alloc):4K:2048:64K:1:write" \
         "1M reads:1M:128:1M:1:read"; do
  name=${m%%:*}; set -- $(echo "${m#*:}" | tr : ' ')
  size=$1 count=$2 step=$3 depth=$4 mode=$5
  w=; [ "$mode" = write ] && w=-w
  mib=$(echo "$count" "$size" | awk '{ s = $2; u = substr(s, length(s)); n = s + 0;
      if (u == "K") n /= 1024; print $1 * n }')
  rm -f "$tmp"/h*.all
  for i in $(seq "${VESSEL_BENCH_HOST_RUNS:-7}"); do
    hrun hvr raw "$tool" bench "raw:$tmp/disk.raw" "$mode" "$size" "$count" "$depth" 0 "$step"
    hrun hvq qcow2 "$tool" bench "qcow2:$tmp/disk.qcow2" "$mode" "$size" "$count" "$depth" 0 "$step"
    hrun hqq qcow2 qemu-img bench $w -f qcow2 -t writeback -s "$size" -S "$step" -c "$count" \
        -d "$depth" "$tmp/disk.qcow2"
    hrun hqr raw qemu-img bench $w -f raw -t writeback -s "$size" -S "$step" -c "$count" \
        -d "$depth" "$tmp/disk.raw"
  done
  printf '\n%-22s %11s %11s %8s %11s %11s %9s\n' "host: $name" "vessel raw" "vessel qcow2" \
      "q/raw" "q-img qcow2" "q-img raw" "v/q qcow2"
  for kind in best median range; do
    vr=$(cell $kind MBS hvr); vq=$(cell $kind MBS hvq)
    qq=$(cell $kind MBS hqq); qr=$(cell $kind MBS hqr)
    r1=-; r2=-
    [ $kind != range ] && { r1=$(ratio "$vq" "$vr"); r2=$(ratio "$vq" "$qq"); }
    label="MB/s $kind"; [ $kind = range ] && label="MB/s min-max"
    printf '%-22s %11s %11s %8s %11s %11s %9s\n' "$label" "${vr:--}" "${vq:--}" "$r1" \
        "${qq:--}" "${qr:--}" "$r2"
  done
done
