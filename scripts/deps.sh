#!/bin/sh
# deps.sh - install every package Vessel needs to build, test and run its
# demo on Debian 12 (run as root; non-interactive).
set -eu
export DEBIAN_FRONTEND=noninteractive
PKGS="
  build-essential autoconf automake libtool autopoint gettext pkg-config
  libglib2.0-dev libglib2.0-bin libxml2-dev libxml2-utils
  libnl-3-dev libnl-route-3-dev libreadline-dev
  dbus-daemon dbus-bin
  busybox-static cpio xz-utils zstd e2fsprogs kmod
  iproute2 nftables dnsmasq-base
  tmux ca-certificates bc time
  libvirt0 acpica-tools python3 lz4 binutils
  libvncserver-dev libpng-dev zlib1g-dev libseccomp-dev libjson-glib-dev console-setup-linux libxkbcommon-dev xkb-data
  gvncviewer vncsnapshot tesseract-ocr tesseract-ocr-eng xvfb xdotool
  virt-viewer x11-apps netpbm
  libtirpc-dev qemu-utils strace qemu-system-x86 seabios
  libvirt-clients python3-libvirt virt-manager
  gir1.2-atspi-2.0 at-spi2-core
  debhelper systemd lintian rpm rpmlint mmdebstrap systemd-container
  fdisk dosfstools mtools xorriso
"
# fdisk (sfdisk), dosfstools and mtools: the Debian disk image of
# scripts/debian-image.sh and the cloud-init seed disks of the tests,
# made in files (no loop device, no mount).
# xorriso: the ISO 9660 images (El Torito boot, cloud-init seed) the
# CD-ROM tests boot and read.
# libtirpc-dev: XDR for vesseld's libvirt transport (daemon/remote/).
# libvirt-clients (virsh), python3-libvirt, virt-manager and virt-viewer
# are the libvirt clients tests/remote drives vesseld with, under Xvfb
# (virt-manager is read through AT-SPI).  --no-install-recommends keeps
# libvirt-daemon(-system) out: no libvirtd is installed or started.
if [ "$(id -u)" -ne 0 ]; then
  echo "deps.sh: run as root (sudo $0)" >&2
  exit 1
fi
stamp=/var/lib/apt/periodic/vessel-apt-updated
if [ ! -e "$stamp" ] || [ -n "$(find "$stamp" -mmin +360 2>/dev/null)" ]; then
  apt-get update -q
  mkdir -p "$(dirname "$stamp")" && touch "$stamp"
fi
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $PKGS
