#!/bin/sh
# dbt-bench.sh - the software CPU against QEMU TCG, in one run: the
# reference guest (Debian's cloud kernel, the busybox initramfs of
# scripts/mkinitramfs.sh) booted to userspace and powered off, and the
# same guest doing CPU-bound work, each under
#   vessel-vmm --accel dbt with VESSEL_DBT=interp (the interpreter),
#   vessel-vmm --accel dbt (the translator),
#   qemu-system-x86_64 -M pc -accel tcg (the reference),
# printing wall seconds, the CPU seconds each process used (on a busy
# host the wall time mostly measures the other load), the guest MIPS of
# the dbt runs (VESSEL_DBT_STATS=1 makes vessel-vmm print its retired
# instruction count) and each run's CPU time over QEMU's.  A benchmark,
# not a test: it prints figures and never fails on them.
#
#   tests/bench/dbt-bench.sh BUILDDIR [RUNS]
#
# RUNS (default 1): each configuration runs that many times, the best
# counts.  Environment: BENCH_MIB (default 64) the size of the generated
# file of the CPU workload; BENCH_ONLY=boot|cpu|par one workload;
# BENCH_INTERP=0 skips the interpreter (the slowest by far);
# BENCH_SMP=1 adds boots with 2 vCPUs; BENCH_KEEP=1 keeps the initramfs
# images and logs (for perf) and prints where.
#
# The CPU workload: a file of BENCH_MIB MiB of generated text (a 1 MiB
# chunk of pseudo-random words made here, repeated with a counter),
# then sha256sum (busybox), gzip -6, xz -1 and bzip2 -9 of it (Debian's
# binaries, copied with their libraries from this host), and a python3
# loop if /usr/bin/python3.11 is here (Debian's python3, with just its
# encodings package).  The boot is included in its time.
#
# The parallel workload (par): the same file, then two gzip -6 of it at
# once, on 1 vCPU and on 2, under QEMU TCG (-smp 2 is MTTCG, one host
# thread per vCPU), the translator with its vCPUs taking turns
# (VESSEL_DBT_PARALLEL=0) and in parallel (=1, the default on a host of
# two CPUs or more).  Its figure is
# the guest's own time for the two processes (from /proc/uptime; the
# guest clock is the host's), and the speed-up of 2 vCPUs over 1.
set -eu
build=$(cd "$1" && pwd); runs=${2:-1}
mib=${BENCH_MIB:-64}; only=${BENCH_ONLY:-}; interp=${BENCH_INTERP:-1}; smp=${BENCH_SMP:-0}
[ -x /usr/bin/time ] || { echo "dbt-bench: needs /usr/bin/time (Debian package time)"; exit 0; }
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d /tmp/vessel-bench-XXXXXX)
if [ "${BENCH_KEEP:-0}" = 1 ]; then echo "dbt-bench: keeping $tmp"; else trap 'rm -rf "$tmp"' EXIT; fi
guest=$(sh "$top/scripts/guest-fetch.sh")
sh "$top/scripts/mkinitramfs.sh" "$guest" "$tmp/base.gz"

# the boot: a first line of output from userspace, then power off
mkdir -p "$tmp/boot/etc/vessel"
cat > "$tmp/boot/etc/vessel/run" <<'EOS'
#!/bin/sh
uname -a
EOS

# the CPU workload
cpu="$tmp/cpu"
mkdir -p "$cpu/etc/vessel" "$cpu/usr/bin" "$cpu/bench"
add_prog() {  # copy a host program and the libraries it loads
  [ -x "$1" ] || return 1
  cp "$1" "$cpu/usr/bin/"
  for lib in $(ldd "$1" | sed -n 's/.*=> \(\/[^ ]*\).*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) .*/\1/p'); do
    mkdir -p "$cpu$(dirname "$lib")"
    cp -L "$lib" "$cpu$lib"
  done
}
for p in gzip xz bzip2; do
  add_prog "/usr/bin/$p" || { echo "dbt-bench: /usr/bin/$p missing (Debian packages gzip xz-utils bzip2)"; exit 0; }
done
py=
if add_prog /usr/bin/python3.11 2>/dev/null; then
  mkdir -p "$cpu/usr/lib/python3.11"
  cp -r /usr/lib/python3.11/encodings "$cpu/usr/lib/python3.11/"
  py=1
fi
# 1 MiB of words from a fixed linear congruential sequence
awk 'BEGIN { s = 12345; n = 0
  while (n < 1048576) {
    w = ""; s = (s * 1103515245 + 12345) % 2147483648; l = 2 + s % 9
    for (i = 0; i < l; i++) { s = (s * 1103515245 + 12345) % 2147483648; w = w sprintf("%c", 97 + s % 26) }
    s = (s * 1103515245 + 12345) % 2147483648
    w = w (s % 13 == 0 ? "\n" : " "); printf "%s", w; n += length(w) } }' \
  | head -c 1048576 > "$cpu/bench/chunk"
cat > "$cpu/etc/vessel/run" <<EOS
#!/bin/sh
set -e
i=0; while [ \$i -lt $mib ]; do cat /bench/chunk; echo \$i; i=\$((i + 1)); done > /tmp/data
echo "data \$(wc -c < /tmp/data) bytes"
echo "sha256 \$(sha256sum < /tmp/data)"
echo "gzip \$(/usr/bin/gzip -6 -c /tmp/data | wc -c)"
echo "xz \$(/usr/bin/xz -1 -T1 -c /tmp/data | wc -c)"
echo "bzip2 \$(/usr/bin/bzip2 -9 -c /tmp/data | wc -c)"
EOS
[ -z "$py" ] || cat >> "$cpu/etc/vessel/run" <<'EOS'
/usr/bin/python3.11 -S -E -c '
s = 0
d = {}
for i in range(2000000):
    s = (s * 31 + i) % 1000000007
    d[i % 1000] = s
print("python", s, len(d))'
EOS
# the parallel workload: the CPU workload's programs, another script
cp -a "$cpu" "$tmp/par"
cat > "$tmp/par/etc/vessel/run" <<EOS
#!/bin/sh
set -e
i=0; while [ \$i -lt $mib ]; do cat /bench/chunk; echo \$i; i=\$((i + 1)); done > /tmp/data
t0=\$(cut -d' ' -f1 /proc/uptime)
/usr/bin/gzip -6 -c /tmp/data | wc -c > /tmp/a &
/usr/bin/gzip -6 -c /tmp/data | wc -c > /tmp/b &
wait
t1=\$(cut -d' ' -f1 /proc/uptime)
echo "par-gzip \$(cat /tmp/a) \$(cat /tmp/b)"
echo "par-seconds \$(awk "BEGIN { print \$t1 - \$t0 }")"
EOS
chmod +x "$tmp/boot/etc/vessel/run" "$cpu/etc/vessel/run" "$tmp/par/etc/vessel/run"
for w in boot cpu par; do
  (cd "$tmp/$w" && find . | cpio -o -H newc -R 0:0 --quiet | gzip -1) > "$tmp/$w.extra.gz"
  cat "$tmp/base.gz" "$tmp/$w.extra.gz" > "$tmp/$w.initrd.gz"
done
# no_timer_check: Linux's check that the 8254 ticks through the IO-APIC
# counts ticks against the TSC and panics on a loaded host (the vCPU
# thread descheduled), under QEMU TCG too (tests/dbt-sys does the same)
cmdline="console=ttyS0 panic=-1 nokaslr quiet no_timer_check"

now() { date +%s.%N; }
# run_timed LABEL CMD...: best wall seconds on stdout; $tmp/LABEL.cpu its
# CPU seconds, $tmp/LABEL.log its output
run_timed() {
  label=$1; shift
  best=
  for r in $(seq "$runs"); do
    t0=$(now)
    if ! timeout 3600 /usr/bin/time -o "$tmp/$label.time" -f '%U %S' "$@" > "$tmp/$label.out" 2>&1; then
      echo "$label: failed"; tail -n 15 "$tmp/$label.out" >&2; return 1
    fi
    t1=$(now)
    grep -q 'run exited 0' "$tmp/$label.out" || {
      echo "$label: guest did not finish its script"; tail -n 15 "$tmp/$label.out" >&2; return 1; }
    t=$(echo "$t1 - $t0" | bc -l)
    if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then
      best=$t
      awk '{ print $1 + $2 }' "$tmp/$label.time" > "$tmp/$label.cpu"
      cp "$tmp/$label.out" "$tmp/$label.log"
    fi
  done
  echo "$best"
}

have_qemu=
command -v qemu-system-x86_64 >/dev/null && have_qemu=1
# row WORKLOAD CONFIG LABEL WALL: one line of the table
row() {
  c=$(cat "$tmp/$3.cpu")
  mips=-; ratio=-
  insns=$(sed -n 's/^dbt-stats: vcpu [0-9]* insns_retired \([0-9]*\).*/\1/p' "$tmp/$3.log" \
            | awk '{ n += $1 } END { printf "%.0f\n", n }')
  [ "$insns" -gt 0 ] && mips=$(printf '%.0f' "$(echo "$insns / $c / 1000000" | bc -l)")
  [ -f "$tmp/qemu-$1.cpu" ] && ratio=$(printf '%.2fx' "$(echo "$c / $(cat "$tmp/qemu-$1.cpu")" | bc -l)")
  printf '%-6s %-26s %9.2f %9.2f %7s %9s\n' "$1" "$2" "$4" "$c" "$mips" "$ratio"
}
# bench WORKLOAD VCPUS MEMORY
bench() {
  w=$1; n=$2; m=$3; sfx=; [ "$n" = 1 ] || sfx="-smp$n"
  initrd="$tmp/$w.initrd.gz"
  if [ -n "$have_qemu" ]; then
    q=$(run_timed "qemu-$w$sfx" qemu-system-x86_64 -M pc -accel tcg -smp "$n" -m "$m" \
          -nographic -no-reboot -kernel "$guest/vmlinuz" -initrd "$initrd" -append "$cmdline") \
      || { echo "$q"; return 0; }
  fi
  set -- --accel dbt --cpus "$n" --memory "$m" --no-reboot --kernel "$guest/vmlinuz" \
         --initrd "$initrd" --cmdline "$cmdline" --serial stdio
  if [ "$interp" = 1 ]; then
    v=$(run_timed "interp-$w$sfx" env VESSEL_DBT=interp VESSEL_DBT_STATS=1 \
          "$build/vmm/vessel-vmm" "$@") || { echo "$v"; return 0; }
    row "$w$sfx" "vessel dbt interpreter" "interp-$w$sfx" "$v"
  fi
  v=$(run_timed "jit-$w$sfx" env VESSEL_DBT=jit VESSEL_DBT_STATS=1 \
        "$build/vmm/vessel-vmm" "$@") || { echo "$v"; return 0; }
  row "$w$sfx" "vessel dbt translator" "jit-$w$sfx" "$v"
  [ -z "$have_qemu" ] || row "$w$sfx" "qemu -M pc -accel tcg" "qemu-$w$sfx" "$q"
  if [ "$w" = cpu ]; then  # the same answers everywhere
    for l in "$tmp"/*-cpu.log; do grep -E '^(data|sha256|gzip|xz|bzip2|python) ' "$l" | tr -d '\r' > "$l.res"; done
    for l in "$tmp"/*-cpu.log.res; do
      cmp -s "$l" "$tmp/jit-cpu.log.res" || echo "cpu: $(basename "$l" .log.res) computed other results"
    done
  fi
}
# par_run LABEL VCPUS CMD...: one parallel-workload run; $tmp/LABEL.par
# its guest seconds
par_run() {
  label=$1; shift
  run_timed "$label" "$@" > "$tmp/$label.wall" || { cat "$tmp/$label.wall"; return 1; }
  tr -d '\r' < "$tmp/$label.log" | sed -n 's/^par-seconds //p' > "$tmp/$label.par"
  tr -d '\r' < "$tmp/$label.log" | grep '^par-gzip ' > "$tmp/$label.res" || true
}
# par_row CONFIG LABEL REF1 [ONE]: a row of the parallel table; REF1 the
# QEMU label of the same vCPU count, ONE the same configuration's 1-vCPU
# label (the speed-up)
par_row() {
  p=$(cat "$tmp/$2.par"); ratio=-; up=-
  [ -f "$tmp/$3.par" ] && ratio=$(printf '%.2fx' "$(echo "$p / $(cat "$tmp/$3.par")" | bc -l)")
  [ -n "${4:-}" ] && up=$(printf '%.2fx' "$(echo "$(cat "$tmp/$4.par") / $p" | bc -l)")
  printf '%-6s %-36s %9.2f %9.2f %9.2f %9s %8s\n' par "$1" "$p" "$(cat "$tmp/$2.wall")" \
    "$(cat "$tmp/$2.cpu")" "$ratio" "$up"
}
bench_par() {
  initrd="$tmp/par.initrd.gz"
  for n in 1 2; do
    if [ -n "$have_qemu" ]; then
      par_run "qemu-par$n" qemu-system-x86_64 -M pc -accel tcg -smp "$n" -m 1024 -nographic \
        -no-reboot -kernel "$guest/vmlinuz" -initrd "$initrd" -append "$cmdline" || return 0
    fi
    for mode in 0 1; do
      [ "$n" = 2 ] || [ "$mode" = 0 ] || continue
      par_run "jit$mode-par$n" env VESSEL_DBT=jit VESSEL_DBT_PARALLEL=$mode \
        "$build/vmm/vessel-vmm" --accel dbt --cpus "$n" --memory 1024 --no-reboot \
        --kernel "$guest/vmlinuz" --initrd "$initrd" --cmdline "$cmdline" --serial stdio \
        || return 0
    done
  done
  printf '\n%-6s %-36s %9s %9s %9s %9s %8s\n' what configuration guest-sec seconds cpu-sec \
    "/qemu" "2 vs 1"
  q=; [ -z "$have_qemu" ] || q=1
  par_row "vessel translator, 1 vCPU" jit0-par1 qemu-par1
  par_row "vessel translator, 2 vCPU turns" jit0-par2 qemu-par2 jit0-par1
  par_row "vessel translator, 2 vCPU parallel" jit1-par2 qemu-par2 jit0-par1
  if [ -n "$q" ]; then
    par_row "qemu -accel tcg, -smp 1" qemu-par1 qemu-par1
    par_row "qemu -accel tcg, -smp 2 (MTTCG)" qemu-par2 qemu-par2 qemu-par1
  fi
  for l in "$tmp"/*-par*.res; do
    cmp -s "$l" "$tmp/jit0-par1.res" || echo "par: $(basename "$l" .res) computed other results"
  done
}
printf 'dbt-bench: %s, workload file %s MiB, best of %s\n' "$(uname -m)" "$mib" "$runs"
[ "$only" = par ] ||
  printf '%-6s %-26s %9s %9s %7s %9s\n' "what" "configuration" "seconds" "cpu-sec" "MIPS" "cpu/qemu"
[ -n "$only" ] && [ "$only" != boot ] || bench boot 1 512
[ -n "$only" ] && [ "$only" != cpu ] || bench cpu 1 1024
[ "$smp" != 1 ] || [ "$only" = cpu ] || [ "$only" = par ] || bench boot 2 512
[ -n "$only" ] && [ "$only" != par ] || bench_par
