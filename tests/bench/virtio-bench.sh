#!/bin/sh
# virtio-bench.sh - virtio throughput of the reference guest under
# vessel-vmm --accel dbt and under qemu-system-x86_64 -accel tcg, same
# kernel, initramfs and image, printed side by side with the ratio.  A
# benchmark, not a test: it prints figures and never fails on them.
#
#   tests/bench/virtio-bench.sh BUILDDIR
#
# In the guest (timed with /proc/uptime, so boot time is left out):
#   disk write  64 MiB of zeros to /dev/vda, dd conv=fsync
#   disk read   64 MiB from /dev/vda, dd iflag=direct
#   tcp tx      16 MiB guest -> host (busybox nc)
#   tcp rx      16 MiB host -> guest
# The host end of the network is a tap in a network namespace made here
# (needs root and iproute2; without them, or with VESSEL_BENCH_NET=0, the
# TCP rows are skipped), the listeners are busybox nc.  QEMU is only the reference (package
# qemu-system-x86); without it, or with VESSEL_BENCH_QEMU=0 (when only
# comparing two Vessel builds), only Vessel's figures are printed.
set -eu
build=$(cd "$1" && pwd)
top=$(cd "$(dirname "$0")/../.." && pwd)
busybox=${BUSYBOX:-/bin/busybox}
tmp=$(mktemp -d /tmp/vessel-vbench-XXXXXX)
ns=vessel-vbench-$$
net=0
if [ "${VESSEL_BENCH_NET:-1}" != 0 ] && [ "$(id -u)" = 0 ] && command -v ip >/dev/null &&
   [ -c /dev/net/tun ] &&
   ip netns add "$ns" 2>/dev/null; then
  net=1
fi
cleanup() {
  [ $net = 1 ] && { ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null; ip netns del "$ns"; }
  rm -rf "$tmp"
}
trap cleanup EXIT
if [ $net = 1 ]; then
  ip -n "$ns" tuntap add dev vtap0 mode tap
  ip -n "$ns" addr add 10.0.2.1/24 dev vtap0
  ip -n "$ns" link set vtap0 up
  ip -n "$ns" link set lo up
fi

guest=$(sh "$top/scripts/guest-fetch.sh")
sh "$top/scripts/mkinitramfs.sh" "$guest" "$tmp/base.gz"
mkdir -p "$tmp/x/etc/vessel"
cat > "$tmp/x/etc/vessel/run" <<'EOS'
#!/bin/sh
t() { cut -d' ' -f1 /proc/uptime; }
t0=$(t); dd if=/dev/zero of=/dev/vda bs=1048576 count=64 conv=fsync 2>/dev/null; t1=$(t)
echo "B-DISKW 64 $t0 $t1"
echo 3 > /proc/sys/vm/drop_caches
t0=$(t); dd if=/dev/vda of=/dev/null bs=1048576 count=64 iflag=direct 2>/dev/null; t1=$(t)
echo "B-DISKR 64 $t0 $t1"
if [ -e /sys/class/net/eth0 ]; then
  ip link set eth0 up
  ip addr add 10.0.2.15/24 dev eth0
  ping -c 1 -W 30 10.0.2.1 >/dev/null 2>&1
  t0=$(t); dd if=/dev/zero bs=65536 count=256 2>/dev/null | nc 10.0.2.1 5001; t1=$(t)
  echo "B-TX 16 $t0 $t1"
  t0=$(t)
  sleep 600 | nc 10.0.2.1 5002 | { dd of=/dev/null bs=65536 count=256 iflag=fullblock 2>/dev/null
                                   t > /tmp/t1; killall sleep; }
  echo "B-RX 16 $t0 $(cat /tmp/t1)"
fi
EOS
chmod +x "$tmp/x/etc/vessel/run"
(cd "$tmp/x" && find . | cpio -o -H newc -R 0:0 --quiet | gzip) > "$tmp/extra.gz"
cat "$tmp/base.gz" "$tmp/extra.gz" > "$tmp/initrd.gz"
cmdline="console=ttyS0 panic=-1 nokaslr quiet"

# Listeners for one run: 5001 swallows the guest's upload, 5002 sends 16 MiB.
listen() {
  [ $net = 1 ] || return 0
  ip netns exec "$ns" sh -c "sleep 900 | $busybox nc -l -p 5001 > /dev/null" > /dev/null 2>&1 &
  ip netns exec "$ns" sh -c "head -c 16777216 /dev/zero | $busybox nc -l -p 5002" > /dev/null 2>&1 &
}
unlisten() {
  [ $net = 1 ] || return 0
  ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null || true
}

# run LABEL CMD...: boot, then leave "METRIC MBps" lines in $tmp/LABEL.res
run() {
  label=$1; shift
  truncate -s 0 "$tmp/disk.img"; truncate -s 128M "$tmp/disk.img"
  listen
  if [ $net = 1 ]; then set -- ip netns exec "$ns" "$@"; fi
  if ! timeout 3600 "$@" > "$tmp/$label.log" 2>&1; then
    echo "$label: failed"; tail -n 15 "$tmp/$label.log"; unlisten; return 1
  fi
  unlisten
  tr -d '\r' < "$tmp/$label.log" | awk '/^B-[A-Z]+ [0-9]+ [0-9.]+ [0-9.]+$/ {
      d = $4 - $3; printf "%s %.2f\n", $1, (d > 0 ? $2 / d : 0) }' > "$tmp/$label.res"
}

netargs_vessel=; netargs_qemu=
if [ $net = 1 ]; then
  netargs_vessel="--net tap=vtap0"
  netargs_qemu="-netdev tap,id=n0,ifname=vtap0,script=no,downscript=no -device virtio-net-pci,netdev=n0"
fi
# shellcheck disable=SC2086
run vessel "$build/vmm/vessel-vmm" --accel dbt --memory 512 --no-reboot \
    --kernel "$guest/vmlinuz" --initrd "$tmp/initrd.gz" --cmdline "$cmdline" \
    --disk "$tmp/disk.img" $netargs_vessel --serial stdio < /dev/null || exit 0
have_qemu=0
if [ "${VESSEL_BENCH_QEMU:-1}" != 0 ] && command -v qemu-system-x86_64 >/dev/null; then
  # shellcheck disable=SC2086
  run qemu qemu-system-x86_64 -accel tcg -m 512 -nographic -no-reboot \
      -kernel "$guest/vmlinuz" -initrd "$tmp/initrd.gz" -append "$cmdline" \
      -drive "file=$tmp/disk.img,format=raw,if=virtio" $netargs_qemu < /dev/null && have_qemu=1
fi

val() { awk -v m="$1" '$1 == m { print $2 }' "$tmp/$2.res"; }
printf '%-24s %14s %14s %8s\n' "MB/s" "vessel (dbt)" "qemu (tcg)" "ratio"
for m in DISKW:"disk write (fsync)" DISKR:"disk read (direct)" TX:"tcp guest->host" RX:"tcp host->guest"; do
  key=B-${m%%:*}; name=${m#*:}
  v=$(val "$key" vessel); q=
  [ $have_qemu = 1 ] && q=$(val "$key" qemu)
  [ -n "$v" ] || [ -n "$q" ] || continue
  ratio=-
  [ -n "$v" ] && [ -n "$q" ] && [ "$q" != 0.00 ] && ratio=$(echo "$v / $q" | bc -l | xargs printf '%.2f')
  printf '%-24s %14s %14s %8s\n' "$name" "${v:--}" "${q:--}" "$ratio"
done
