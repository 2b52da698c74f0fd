#!/bin/sh
# boot-bench.sh - boot the reference guest to userspace and back to power
# off under vessel-vmm (dbt) and under qemu-system-x86_64 -accel tcg in
# the same run, and print both times and their ratio, the CPU time each
# used (on a busy host the wall time mostly measures the other load) and
# the dbt's guest MIPS (VESSEL_DBT_STATS=1 makes vessel-vmm print its
# retired instruction count).  A benchmark, not a test: it prints figures
# and never fails on them.
#
#   tests/bench/boot-bench.sh BUILDDIR [RUNS]
#
# The guest runs uname, sha256sum of a generated file and a short shell
# loop, then powers off.  QEMU is only the reference (package
# qemu-system-x86); without it only Vessel's figure is printed.
set -eu
build=$(cd "$1" && pwd); runs=${2:-1}
[ -x /usr/bin/time ] || { echo "boot-bench: needs /usr/bin/time (Debian package time)"; exit 0; }
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d /tmp/vessel-bench-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
guest=$(sh "$top/scripts/guest-fetch.sh")
sh "$top/scripts/mkinitramfs.sh" "$guest" "$tmp/base.gz"
mkdir -p "$tmp/x/etc/vessel"
cat > "$tmp/x/etc/vessel/run" <<'EOS'
#!/bin/sh
uname -a
dd if=/dev/zero bs=1024 count=4096 2>/dev/null | sha256sum
i=0; while [ $i -lt 20000 ]; do i=$((i + 1)); done; echo loop $i
EOS
chmod +x "$tmp/x/etc/vessel/run"
(cd "$tmp/x" && find . | cpio -o -H newc -R 0:0 --quiet | gzip) > "$tmp/extra.gz"
cat "$tmp/base.gz" "$tmp/extra.gz" > "$tmp/initrd.gz"
cmdline="console=ttyS0 panic=-1 nokaslr quiet"
export VESSEL_DBT_STATS=1  # vessel-vmm prints its retired instruction count

now() { date +%s.%N; }
run_timed() {  # label cmd...  -> best wall seconds; $tmp/$label.cpu: its CPU seconds
  label=$1; shift
  best=
  for r in $(seq "$runs"); do
    t0=$(now)
    if ! timeout 1800 /usr/bin/time -o "$tmp/$label.time" -f '%U %S' "$@" > "$tmp/$label.log" 2>&1; then
      echo "$label: failed (see below)"; tail -n 15 "$tmp/$label.log"; return 1
    fi
    t1=$(now)
    grep -q 'run exited 0' "$tmp/$label.log" || { echo "$label: guest did not finish its script"; tail -n 15 "$tmp/$label.log"; return 1; }
    t=$(echo "$t1 - $t0" | bc -l)
    if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then
      best=$t
      awk '{ print $1 + $2 }' "$tmp/$label.time" > "$tmp/$label.cpu"
    fi
  done
  echo "$best"
}

printf '%-28s %10s %10s\n' "configuration" "seconds" "cpu-sec"
v=$(run_timed vessel "$build/vmm/vessel-vmm" --accel dbt --memory 512 --no-reboot \
      --kernel "$guest/vmlinuz" --initrd "$tmp/initrd.gz" --cmdline "$cmdline" --serial stdio) || { echo "$v"; exit 0; }
vc=$(cat "$tmp/vessel.cpu")
printf '%-28s %10.2f %10.2f\n' "vessel-vmm --accel dbt" "$v" "$vc"
insns=$(sed -n 's/^dbt-stats: vcpu [0-9]* insns_retired \([0-9]*\).*/\1/p' "$tmp/vessel.log" | awk '{ n += $1 } END { print n + 0 }')
if [ "$insns" -gt 0 ]; then
  printf '%-28s %10.1f\n' "dbt guest MIPS (per cpu-sec)" "$(echo "$insns / $vc / 1000000" | bc -l)"
fi
if command -v qemu-system-x86_64 >/dev/null; then
  q=$(run_timed qemu qemu-system-x86_64 -accel tcg -m 512 -nographic -no-reboot \
        -kernel "$guest/vmlinuz" -initrd "$tmp/initrd.gz" -append "$cmdline") || { echo "$q"; exit 0; }
  qc=$(cat "$tmp/qemu.cpu")
  printf '%-28s %10.2f %10.2f\n' "qemu-system-x86_64 tcg" "$q" "$qc"
  printf '%-28s %10.2fx %9.2fx\n' "ratio vessel/qemu" "$(echo "$v / $q" | bc -l)" "$(echo "$vc / $qc" | bc -l)"
fi
