#!/bin/sh
# debian-image.sh - build a stock Debian system disk with Debian's own
# tools, cache it outside the source tree and print the path of its qcow2.
# Nothing downloaded is ever committed.
#
#   scripts/debian-image.sh           -> e.g. ~/.cache/vessel/images/debian-bookworm-0123abcd.qcow2
#   scripts/debian-image.sh --key     -> the cache key only (no build)
#   scripts/debian-image.sh --cached  -> the path if it is cached, else exit 1 (no build)
#
# What is in it: mmdebstrap (minbase, from the host's Debian apt sources,
# scripts/debian-sources.sh) with linux-image-cloud-amd64, systemd-sysv,
# grub-pc, cloud-init, openssh-server and what they need to come up (udev,
# dbus, ifupdown, iproute2, sudo).  One MBR partition from 1 MiB, ext4,
# made from the root directory by mkfs.ext4 -d; GRUB installed as
# grub-install does it (boot.img in the MBR, core.img in the gap after it,
# the modules in /boot/grub/i386-pc).  No loop device and no mount: only
# mmdebstrap's chroot, so it runs wherever mmdebstrap runs as root.
#
# GRUB shows its menu on the serial line and the screen; the kernel logs
# to both (console=tty0 console=ttyS0,115200n8).  GRUB's terminal is the
# BIOS console alone (int 10h and int 16h), not "console serial": the
# firmware's serial console (SeaBIOS's etc/sercon-port, which vessel-vmm
# always gives, and QEMU with -machine graphics=off) copies the screen to
# the serial line and takes keys from it, so a serial terminal of GRUB's
# own drew every menu a second time on the same line (vmm/README,
# "Firmware").  With a VGA the screen has it as before.  grub.cfg is written
# here in the form update-grub gives (update-grub cannot probe a device
# in a chroot); the guest's own update-grub rewrites it on kernel upgrades
# (debconf's grub-pc/install_devices is /dev/vda).  No password and no
# user: cloud-init (NoCloud: a disk labelled cidata) sets those.
#
# VESSEL_DEBIAN_IMAGE=FILE: use FILE instead (printed as it is; nothing is
# built), e.g. an image built earlier with other package versions.
# Cache: $VESSEL_IMAGE_CACHE, else $XDG_CACHE_HOME/vessel/images, else
# ~/.cache/vessel/images.  The key is the suite, the apt sources, the
# candidate versions of the packages named above and this script itself,
# so a new kernel, GRUB, systemd or cloud-init in the mirror makes a new
# image and an unchanged mirror never rebuilds.  Older images are removed
# when a new one is made.  The build runs under nice; on a quiet 2-core
# host it takes about 4 minutes (most of it apt and the initramfs).
set -eu
if [ -n "${VESSEL_DEBIAN_IMAGE:-}" ]; then
    [ -f "$VESSEL_DEBIAN_IMAGE" ] || { echo "debian-image: $VESSEL_DEBIAN_IMAGE: no such file" >&2; exit 1; }
    echo "$VESSEL_DEBIAN_IMAGE"; exit 0
fi
here=$(cd "$(dirname "$0")" && pwd)

. /etc/os-release
suite=${VERSION_CODENAME:?no VERSION_CODENAME in /etc/os-release}
cache=${VESSEL_IMAGE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vessel/images}
# The packages the issue names, then what a minbase root needs besides them
# to boot to a login with cloud-init: udev (the initramfs and /dev/disk),
# dbus (hostnamectl, which cloud-init sets the hostname with), ifupdown
# and iproute2 (cloud-init's network renderer), sudo (cloud-init's users).
pkgs="linux-image-cloud-amd64 systemd-sysv grub-pc cloud-init openssh-server
udev dbus ifupdown isc-dhcp-client iproute2 netbase sudo e2fsprogs"
size_mib=${VESSEL_IMAGE_SIZE_MIB:-3072}

sources=$(sh "$here/debian-sources.sh" "$suite")
[ -n "$sources" ] || { echo "debian-image: no Debian apt sources for $suite on this host" >&2; exit 1; }

versions() {
    # one apt-cache call (each costs seconds): "pkg=candidate" per package
    # shellcheck disable=SC2086
    apt-cache policy $pkgs 2>/dev/null | awk '
        /^[^ ].*:$/ { p = substr($0, 1, length($0) - 1) }
        /^  Candidate:/ { if ($2 == "(none)") exit 1; print p "=" $2; n++ }
        END { if (n != '"$(echo $pkgs | wc -w)"') exit 1 }' || return 1
    # the kernel the meta-package points at
    apt-cache depends linux-image-cloud-amd64 2>/dev/null |
        awk '/Depends: linux-image-[0-9]/{print $2; exit}'
}
vers=$(versions) || vers=""
if [ -z "$vers" ]; then
    # No package lists (or no mirror): whatever is cached is the best there is.
    last=$(ls -t "$cache"/debian-"$suite"-*.qcow2 2>/dev/null | head -n 1)
    case ${1:-} in --key) echo "debian-image: cannot resolve package versions (apt-get update)" >&2; exit 1 ;; esac
    if [ -n "$last" ]; then echo "$last"; exit 0; fi
    echo "debian-image: cannot resolve package versions (run apt-get update as root)" >&2
    exit 1
fi
key=$(printf '%s\n%s\n%s\n%s\n' "$suite" "$sources" "$vers" "$size_mib" |
      cat - "$here/debian-image.sh" | sha256sum | cut -c1-16)
img=$cache/debian-$suite-$key.qcow2

case ${1:-} in
  --key) echo "$key"; exit 0 ;;
  --cached) [ -f "$img" ] && { echo "$img"; exit 0; }; exit 1 ;;
  "") ;;
  *) echo "usage: $0 [--key|--cached]" >&2; exit 2 ;;
esac
if [ -f "$img" ]; then echo "$img"; exit 0; fi

[ "$(id -u)" -eq 0 ] || {
    echo "debian-image: building the image needs root (mmdebstrap's chroot); $img is not cached" >&2
    exit 1; }
for t in mmdebstrap mkfs.ext4 sfdisk qemu-img; do
    command -v "$t" >/dev/null 2>&1 ||
        { echo "debian-image: $t not found (scripts/deps.sh installs it)" >&2; exit 1; }
done

mkdir -p "$cache"
tmp=$(mktemp -d "$cache/.build-XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
t0=$(date +%s)
uuid=$(cat /proc/sys/kernel/random/uuid)
echo "debian-image: building $img (log: $cache/build.log)" >&2

# /etc/fstab goes in before the kernel (an essential hook): its postinst
# makes the initramfs, whose fsck hook reads the root's type from it.
# Inside the chroot, after every package is in: what makes it bootable.
cat > "$tmp/setup.sh" <<EOF
set -eu
echo debian > /etc/hostname
printf '127.0.0.1\tlocalhost\n127.0.1.1\tdebian\n::1\tlocalhost ip6-localhost ip6-loopback\n' > /etc/hosts
printf 'auto lo\niface lo inet loopback\nsource /etc/network/interfaces.d/*\n' > /etc/network/interfaces
cat > /etc/default/grub <<'G'
# Written by Vessel's scripts/debian-image.sh; update-grub reads it.
GRUB_DEFAULT=0
GRUB_TIMEOUT=2
GRUB_DISTRIBUTOR=\`lsb_release -i -s 2> /dev/null || echo Debian\`
GRUB_CMDLINE_LINUX_DEFAULT=""
GRUB_CMDLINE_LINUX="console=tty0 console=ttyS0,115200n8"
GRUB_TERMINAL=console
G
echo 'grub-pc grub-pc/install_devices multiselect /dev/vda' | debconf-set-selections
kver=\$(ls /boot/vmlinuz-* | sed 's|/boot/vmlinuz-||' | sort -V | tail -n 1)
mkdir -p /boot/grub/i386-pc
cp /usr/lib/grub/i386-pc/*.mod /usr/lib/grub/i386-pc/*.lst /usr/lib/grub/i386-pc/boot.img /boot/grub/i386-pc/
grub-mkimage -O i386-pc -o /boot/grub/i386-pc/core.img -p '(hd0,msdos1)/boot/grub' \
    biosdisk part_msdos ext2 search search_fs_uuid
cp /usr/share/grub/unicode.pf2 /boot/grub/ 2>/dev/null || :
cat > /boot/grub/grub.cfg <<G
# Written by Vessel's scripts/debian-image.sh in update-grub's form;
# the guest's update-grub replaces it.
terminal_input console
terminal_output console
set default=0
set timeout=2
insmod part_msdos
insmod ext2
search --no-floppy --fs-uuid --set=root $uuid
menuentry 'Debian GNU/Linux' --class debian --class gnu-linux --class gnu --class os {
	insmod gzio
	insmod part_msdos
	insmod ext2
	search --no-floppy --fs-uuid --set=root $uuid
	echo	'Loading Linux \$kver ...'
	linux	/boot/vmlinuz-\$kver root=UUID=$uuid ro console=tty0 console=ttyS0,115200n8
	echo	'Loading initial ramdisk ...'
	initrd	/boot/initrd.img-\$kver
}
G
# no machine-id: systemd makes one at first boot, so every VM has its own
: > /etc/machine-id
rm -f /var/lib/dbus/machine-id /etc/ssh/ssh_host_*
EOF

# shellcheck disable=SC2086
(
IFS='
'
nice -n 10 mmdebstrap --variant=minbase \
    --include="$(echo $pkgs | tr ' ' ,)" \
    --essential-hook="printf 'UUID=$uuid\\t/\\text4\\terrors=remount-ro\\t0\\t1\\n' > \"\$1/etc/fstab\"" \
    --customize-hook="chroot \"\$1\" sh < '$tmp/setup.sh'" \
    "$suite" "$tmp/root" $sources
) > "$cache/build.log" 2>&1 || {
    tail -n 30 "$cache/build.log" >&2
    echo "debian-image: mmdebstrap failed (log: $cache/build.log)" >&2
    exit 1; }
t1=$(date +%s)

# The disk: MBR, one bootable Linux partition from sector 2048 to the end.
raw=$tmp/disk.raw
truncate -s "${size_mib}M" "$raw"
printf 'label: dos\nstart=2048, type=83, bootable\n' | sfdisk -q "$raw" >> "$cache/build.log" 2>&1
part_kib=$(( size_mib * 1024 - 1024 ))
nice -n 10 mkfs.ext4 -q -F -U "$uuid" -L debian-root -E offset=1048576 \
    -d "$tmp/root" "$raw" "${part_kib}k" >> "$cache/build.log" 2>&1 || {
    tail -n 10 "$cache/build.log" >&2; echo "debian-image: mkfs.ext4 failed" >&2; exit 1; }
# GRUB as grub-bios-setup puts it: boot.img's code (not the partition
# table) in sector 0, core.img from sector 1 (boot.img's default kernel
# sector; grub-mkimage's blocklist already says "the rest follows").
core=$tmp/root/boot/grub/i386-pc/core.img
[ "$(stat -c %s "$core")" -lt $(( 2047 * 512 )) ] ||
    { echo "debian-image: core.img does not fit before the partition" >&2; exit 1; }
dd if="$tmp/root/boot/grub/i386-pc/boot.img" of="$raw" bs=440 count=1 conv=notrunc status=none
dd if="$core" of="$raw" bs=512 seek=1 conv=notrunc status=none
nice -n 10 qemu-img convert -f raw -O qcow2 "$raw" "$tmp/disk.qcow2"
chmod 0644 "$tmp/disk.qcow2"
mv "$tmp/disk.qcow2" "$img"
find "$cache" -maxdepth 1 -name "debian-$suite-*.qcow2" ! -name "$(basename "$img")" -delete
echo "debian-image: made $img in $(( $(date +%s) - t0 )) s (mmdebstrap $(( t1 - t0 )) s)" >&2
echo "$img"
