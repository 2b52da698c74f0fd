#!/bin/sh
# boot-bench.sh - boot the reference guest to userspace and back to power
# off under vessel-vmm (dbt) and under qemu-system-x86_64 -accel tcg in
# the same run, and print both times and their ratio.  A benchmark, not a
# test: it prints figures and never fails on them.
#
#   tests/bench/boot-bench.sh BUILDDIR [RUNS]
#
# The guest runs uname, sha256sum of a generated file and a short shell
# loop, then powers off.  QEMU is only the reference (package
# qemu-system-x86); without it only Vessel's figure is printed.
set -eu
build=$(cd "$1" && pwd); runs=${2:-1}
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

now() { date +%s.%N; }
run_timed() {  # label cmd...
  label=$1; shift
  best=
  for r in $(seq "$runs"); do
    t0=$(now)
    if ! timeout 1800 "$@" > "$tmp/$label.log" 2>&1; then
      echo "$label: failed (see below)"; tail -n 15 "$tmp/$label.log"; return 1
    fi
    t1=$(now)
    grep -q 'run exited 0' "$tmp/$label.log" || { echo "$label: guest did not finish its script"; tail -n 15 "$tmp/$label.log"; return 1; }
    t=$(echo "$t1 - $t0" | bc -l)
    if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then best=$t; fi
  done
  echo "$best"
}

printf '%-28s %10s\n' "configuration" "seconds"
v=$(run_timed vessel "$build/vmm/vessel-vmm" --accel dbt --memory 512 --no-reboot \
      --kernel "$guest/vmlinuz" --initrd "$tmp/initrd.gz" --cmdline "$cmdline" --serial stdio) || { echo "$v"; exit 0; }
printf '%-28s %10.2f\n' "vessel-vmm --accel dbt" "$v"
if command -v qemu-system-x86_64 >/dev/null; then
  q=$(run_timed qemu qemu-system-x86_64 -accel tcg -m 512 -nographic -no-reboot \
        -kernel "$guest/vmlinuz" -initrd "$tmp/initrd.gz" -append "$cmdline") || { echo "$q"; exit 0; }
  printf '%-28s %10.2f\n' "qemu-system-x86_64 tcg" "$q"
  printf '%-28s %10.2fx\n' "ratio vessel/qemu" "$(echo "$v / $q" | bc -l)"
fi
