#!/bin/sh
# test-virtio-guest-net.sh - virtio-net in the reference guest under
# `vessel-vmm --accel dbt`: the VMM runs in a network namespace created by
# the test, on a tap device with an address on the host side; the guest
# sees its MAC, configures eth0 and pings the host side.  Needs root and
# iproute2; skipped without them or without the guest kernel.
. "$top_srcdir/tests/lib/tap.sh"
tap_skip_if_quick

vmm=$top_builddir/vmm/vessel-vmm
[ -x "$vmm" ] || tap_skip_all "vessel-vmm not built"
[ "$(id -u)" = 0 ] || tap_skip_all "needs root for a network namespace"
command -v ip >/dev/null || tap_skip_all "iproute2 not installed"
[ -c /dev/net/tun ] || tap_skip_all "no /dev/net/tun"
tap_require_guest

ns=vessel-vnet-$$
work=$(mktemp -d)
trap 'ip netns del "$ns" 2>/dev/null; rm -rf "$work"' EXIT
ip netns add "$ns" || tap_skip_all "cannot create a network namespace"
ip -n "$ns" tuntap add dev vtap0 mode tap || tap_bail "cannot create the tap"
ip -n "$ns" addr add 10.0.2.1/24 dev vtap0
ip -n "$ns" link set vtap0 up

tap_guest_initramfs "$work/base.cpio.gz"
mkdir -p "$work/run/etc/vessel"
cat > "$work/run/etc/vessel/run" <<'EOS'
#!/bin/sh
echo "T-MAC: $(cat /sys/class/net/eth0/address)"
ls /sys/class/net /sys/bus/virtio/devices | sed "s/^/T-DBG: /"
dmesg | grep -i -E "virtio|net" | sed "s/^/T-DBG: /"
ip link set eth0 up
ip addr add 10.0.2.15/24 dev eth0
ping -c 3 -W 10 10.0.2.1 > /tmp/ping.txt 2>&1 && echo "T-PING: ok"
sed 's/^/T-LOG: /' /tmp/ping.txt
echo "T-END"
EOS
chmod +x "$work/run/etc/vessel/run"
(cd "$work/run" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet | gzip) > "$work/run.cpio.gz"
cat "$work/base.cpio.gz" "$work/run.cpio.gz" > "$work/initrd.cpio.gz"

scale=${VESSEL_TEST_TIMEOUT_SCALE:-1}
log=$work/serial.txt
tap_plan 3
ip netns exec "$ns" timeout $((1500 * scale)) "$vmm" --kernel "$guest/vmlinuz" \
    --initrd "$work/initrd.cpio.gz" --cmdline "console=ttyS0 panic=-1" --memory 256 \
    --accel dbt --no-reboot --net tap=vtap0,mac=52:54:00:ab:cd:ef \
    --serial "file:$log" > "$log.vmm" 2>&1
rc=$?
tr -d '\r' < "$log" > "$log.tmp" && mv "$log.tmp" "$log"
[ $rc -eq 0 ] || { sed 's/^/# /' "$log.vmm"; tail -n 40 "$log" | sed 's/^/# /'; }
tap_ok $rc "guest with virtio-net boots and powers off"
grep -q '^T-MAC: 52:54:00:ab:cd:ef$' "$log"; tap_ok $? "the guest sees the MAC from the command line"
grep -q "^T-PING: ok$" "$log" || grep -E "^T-(LOG|DBG)" "$log" | sed "s/^/# /"
grep -q '^T-PING: ok$' "$log"; tap_ok $? "the guest pings the host side of the tap"
tap_done
