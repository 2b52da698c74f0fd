#!/bin/sh
# multiboot-bench.sh - a CPU-bound multiboot test kernel (tests/multiboot/
# sieve.c: the sieve of Eratosthenes and REP MOVSB/STOSD) under
# `vessel-vmm --accel dbt --machine test` and under `qemu-system-x86_64
# -accel tcg -device isa-debug-exit,...` in the same run: wall and CPU
# seconds of each (best of RUNS), their ratio, and the dbt's guest MIPS.
# A benchmark, not a test: it prints figures and never fails on them.
#
#   tests/bench/multiboot-bench.sh BUILDDIR [RUNS] [N]
#
# N is the sieve's size (default 50000000: 3001134 primes), run twice.
set -eu
build=$(cd "$1" && pwd); runs=${2:-1}; n=${3:-50000000}
[ -x /usr/bin/time ] || { echo "multiboot-bench: needs /usr/bin/time (Debian package time)"; exit 0; }
kernel=$build/tests/multiboot/sieve.elf
[ -f "$kernel" ] || make -C "$build/tests/multiboot" sieve.elf >/dev/null
tmp=$(mktemp -d /tmp/vessel-mbbench-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mem=$(( (n >> 20) + 64 ))
cmdline="n=$n rounds=2"
export VESSEL_DBT_STATS=1

now() { date +%s.%N; }
run_timed() {  # label cmd...  -> best wall seconds; $tmp/$label.cpu: its CPU seconds
  label=$1; shift
  best=
  for r in $(seq "$runs"); do
    t0=$(now)
    status=0
    timeout 1800 /usr/bin/time -o "$tmp/$label.time" -f '%U %S' "$@" > "$tmp/$label.log" 2>&1 || status=$?
    t1=$(now)
    # isa-debug-exit: 0 failures -> exit status 1
    if [ "$status" != 1 ] || ! grep -q 'DONE 0 failures' "$tmp/$label.log"; then
      echo "$label: exit status $status, the kernel did not pass"; tail -n 15 "$tmp/$label.log"; return 1
    fi
    t=$(echo "$t1 - $t0" | bc -l)
    if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then
      best=$t
      tail -n 1 "$tmp/$label.time" | awk '{ print $1 + $2 }' > "$tmp/$label.cpu"
    fi
  done
  echo "$best"
}

echo "sieve.elf $cmdline, ${mem} MiB"
printf '%-28s %10s %10s\n' "configuration" "seconds" "cpu-sec"
v=$(run_timed vessel "$build/vmm/vessel-vmm" --accel dbt --machine test --memory "$mem" \
      --kernel "$kernel" --cmdline "$cmdline" --serial stdio) || { echo "$v"; exit 0; }
vc=$(cat "$tmp/vessel.cpu")
printf '%-28s %10.2f %10.2f\n' "vessel-vmm --accel dbt" "$v" "$vc"
insns=$(sed -n 's/^dbt-stats: vcpu [0-9]* insns_retired \([0-9]*\).*/\1/p' "$tmp/vessel.log" | awk '{ n += $1 } END { printf "%.0f\n", n }')
if [ "$insns" -gt 0 ]; then
  printf '%-28s %10.1f\n' "dbt guest MIPS (per cpu-sec)" "$(echo "$insns / $vc / 1000000" | bc -l)"
fi
if command -v qemu-system-x86_64 >/dev/null; then
  q=$(run_timed qemu qemu-system-x86_64 -accel tcg -m "$mem" -nodefaults -display none \
        -no-reboot -serial stdio -device isa-debug-exit,iobase=0xf4,iosize=4 \
        -kernel "$kernel" -append "$cmdline") || { echo "$q"; exit 0; }
  qc=$(cat "$tmp/qemu.cpu")
  printf '%-28s %10.2f %10.2f\n' "qemu-system-x86_64 tcg" "$q" "$qc"
  printf '%-28s %10.2fx %9.2fx\n' "ratio vessel/qemu" "$(echo "$v / $q" | bc -l)" "$(echo "$vc / $qc" | bc -l)"
else
  echo "qemu-system-x86_64 not installed: no reference figure (package qemu-system-x86)"
fi
