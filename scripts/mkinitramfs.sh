#!/bin/sh
# mkinitramfs.sh - build the reference guest's initramfs: busybox-static,
# the kernel's virtio/ACPI-button modules, and an /init that loads them,
# starts acpid (power button -> poweroff) and then either runs
# /etc/vessel/run (tests append it as a second cpio archive) or a shell.
#
#   scripts/mkinitramfs.sh GUESTDIR OUT.cpio.gz
#
# GUESTDIR is what scripts/guest-fetch.sh printed.  No root needed: the
# archive holds no device nodes; /init mounts devtmpfs first.
set -eu
[ $# -eq 2 ] || { echo "usage: $0 GUESTDIR OUT.cpio.gz" >&2; exit 2; }
guest=$1; out=$2
busybox=${BUSYBOX:-/bin/busybox}
[ -x "$busybox" ] || { echo "mkinitramfs: $busybox missing (install busybox-static)" >&2; exit 1; }

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/bin" "$stage/sbin" "$stage/etc/acpi/PWRF" "$stage/etc/vessel" \
         "$stage/proc" "$stage/sys" "$stage/dev" "$stage/tmp" "$stage/mnt" \
         "$stage/root" "$stage/lib/modules" "$stage/usr/share/udhcpc" \
         "$stage/var/log" "$stage/var/run" "$stage/run"
cp "$busybox" "$stage/bin/busybox"
for applet in $("$busybox" --list); do
  [ "$applet" = busybox ] || ln -s busybox "$stage/bin/$applet"
done

# Modules in dependency order (the .deb has no modules.dep).
for m in virtio/virtio_ring virtio/virtio virtio/virtio_pci_modern_dev \
         virtio/virtio_pci_legacy_dev virtio/virtio_pci virtio/virtio_input block/virtio_blk \
         char/virtio_console char/hw_random/virtio-rng input/evdev acpi/button; do
  cp "$guest/modules/drivers/$m.ko" "$stage/lib/modules/"
done
cp "$guest/modules/net/core/failover.ko" "$guest/modules/drivers/net/net_failover.ko" \
   "$guest/modules/drivers/net/virtio_net.ko" "$stage/lib/modules/"

cat > "$stage/etc/acpi/PWRF/00000080" <<'EOS'
#!/bin/sh
echo "vessel-guest: power button pressed, powering off" > /dev/console
sync
poweroff -f
EOS
chmod +x "$stage/etc/acpi/PWRF/00000080"

cat > "$stage/usr/share/udhcpc/default.script" <<'EOS'
#!/bin/sh
# udhcpc hook: configure the interface from the lease.
case "$1" in
  bound|renew)
    ip addr flush dev "$interface"
    ip addr add "$ip/${mask:-24}" dev "$interface"
    [ -n "$router" ] && ip route add default via "${router%% *}" dev "$interface"
    ;;
esac
exit 0
EOS
chmod +x "$stage/usr/share/udhcpc/default.script"

cat > "$stage/init" <<'EOS'
#!/bin/sh
# /init of the Vessel reference guest.
export PATH=/bin:/sbin
mount -t devtmpfs dev /dev
exec </dev/console >/dev/console 2>&1
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t tmpfs tmp /tmp
for m in virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci virtio_input \
         virtio_blk failover net_failover virtio_net virtio_console virtio-rng evdev button; do
  insmod /lib/modules/$m.ko 2>/dev/null
done
acpid -c /etc/acpi
hostname vessel-guest
ip link set lo up
echo "vessel-guest: ready ($(uname -r), $(nproc) cpu)"
if [ -x /etc/vessel/run ]; then
  /etc/vessel/run
  echo "vessel-guest: run exited $?"
  sync
  poweroff -f
fi
setsid cttyhack sh -l
poweroff -f
EOS
chmod +x "$stage/init"
echo 'export PS1="vessel-guest:\w# "' > "$stage/etc/profile"

(cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -9 > "$out.tmp"
mv "$out.tmp" "$out"
