#!/bin/sh
# test-guest-debian.sh - a stock Debian disk image boots through the
# firmware under dbt, driven only through vesseld and vsh: the image of
# scripts/debian-image.sh (mmdebstrap, GRUB in the MBR; built once and
# cached in ~/.cache/vessel/images), SeaBIOS -> GRUB's menu on the serial
# line -> Debian's cloud kernel -> systemd -> a login prompt.  cloud-init's
# NoCloud source, a vfat disk labelled cidata made here, sets the hostname
# and a user with a password and an SSH key; the test logs in on the serial
# console, reads the hostname, `systemctl is-system-running --wait`
# (running or degraded), the key and the SMBIOS UUID (the domain's), and
# `vsh shutdown` powers the guest
# off through ACPI and systemd.  Then a qcow2 overlay on that disk boots
# a second domain to the login prompt with the hostname the first boot
# stored, and the base image's sha256 is the same as before.
#
# The first boot runs on a copy of the cached image (the cache is never
# written).  Cost: the image build the first time (minutes, see
# scripts/debian-image.sh), then two guest boots; the figures are printed
# as TAP comments.  Needs root (the image build; the daemon runs the VMMs
# as ids of their own), qemu-img, mkfs.fat and mcopy; skipped under
# VESSEL_TEST_QUICK, a failure under CI when something is missing.
. "$top_srcdir/tests/guest/lib-guest.sh"
tap_skip_if_quick
[ "$(id -u)" -eq 0 ] || tap_unavailable "needs root (the image build, VMMs as their own ids)"
for prog in "$GUEST_VSH" "$GUEST_VESSELD" "$GUEST_VMM"; do
    [ -x "$prog" ] || tap_unavailable "$prog not built"
done
PATH=$PATH:/usr/sbin:/sbin
for prog in qemu-img mkfs.fat mcopy sha256sum ssh-keygen mkfifo; do
    command -v "$prog" >/dev/null 2>&1 || tap_unavailable "$prog not found (scripts/deps.sh)"
done
BIOS=${VESSEL_SEABIOS:-/usr/share/seabios/bios-256k.bin}
[ -f "$BIOS" ] || tap_unavailable "no SeaBIOS at $BIOS (Debian package seabios)"
t0=$(date +%s)
IMG=$(sh "$top_srcdir/scripts/debian-image.sh") || tap_unavailable "the Debian image could not be built (scripts/debian-image.sh)"
echo "# image: $IMG ($(( $(date +%s) - t0 )) s to build or find)"
guest_setup
scale=$(guest_scale)
W=$GUEST_WORK
host=deb-$$

# --- the disks: a copy of the image, the cloud-init seed ------------------
cp "$IMG" "$W/base.qcow2"
ssh-keygen -q -t ed25519 -N '' -C "vessel-test-$$" -f "$W/key"
pass=vessel-$$
cat > "$W/user-data" <<EOF
#cloud-config
hostname: $host
# one host key type: RSA key generation alone costs a minute under dbt
ssh_genkeytypes: [ed25519]
# the image has no locales package (cloud-init's locale-gen would fail)
locale: false
users:
  - name: vessel
    shell: /bin/bash
    lock_passwd: false
    plain_text_passwd: $pass
    sudo: ALL=(ALL) NOPASSWD:ALL
    ssh_authorized_keys:
      - $(cat "$W/key.pub")
EOF
printf 'instance-id: vessel-%s\nlocal-hostname: %s\n' "$$" "$host" > "$W/meta-data"
mkfs.fat -n cidata -C "$W/seed.img" 2048 >/dev/null 2>&1 &&
    mcopy -i "$W/seed.img" "$W/user-data" "$W/meta-data" :: || tap_bail "cannot make the cidata disk"
chmod 644 "$W/base.qcow2" "$W/seed.img"

domain() { # NAME ROOT-DISK
    cat <<EOF
<domain type='dbt'>
  <name>$1</name>
  <memory unit='MiB'>512</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64'>hvm</type>
    <loader readonly='yes' type='rom'>$BIOS</loader>
    <boot dev='hd'/>
  </os>
  <features><acpi/></features>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='$2'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw'/>
      <source file='$W/seed.img'/>
      <target dev='vdb' bus='virtio'/>
      <readonly/>
    </disk>
    <serial type='pty'/>
  </devices>
</domain>
EOF
}
domain deb "$W/base.qcow2" > "$W/deb.xml"

# seconds since $1 at the first line of NAME's log matching PATTERN
when() { # START NAME PATTERN
    _guest_log_grep "$2" "$3" && echo $(( $(date +%s) - $1 ))
}
# boot NAME: start it, wait for GRUB, the kernel and the login prompt, and
# print how long each took
boot() {
    _s=$(date +%s)
    vsh start "$1" >/dev/null || return 1
    guest_reach $((300 * scale)) "$1" "GNU GRUB|Booting .Debian GNU/Linux"; _g=$(( $(date +%s) - _s ))
    guest_reach $((300 * scale)) "$1" "Linux version"; _k=$(( $(date +%s) - _s ))
    guest_reach $((1500 * scale)) "$1" "login: *$"; _l=$(( $(date +%s) - _s ))
    echo "# $1: GRUB after $_g s, the kernel after $_k s, the login prompt after $_l s"
}

tap_plan 13
guest_daemon_start ""
vsh define "$W/deb.xml" >/dev/null
tap_ok $? "a domain with no <kernel>, booting the Debian disk, is defined"
boot deb
tap_ok $? "SeaBIOS, GRUB, the kernel and systemd bring it to a login prompt"
_guest_log_grep deb "SeaBIOS \\(version" && _guest_log_grep deb "Booting from Hard Disk" &&
    _guest_log_grep deb "GNU GRUB"
tap_ok $? "the firmware's and GRUB's menu are on the serial console"

# Log in on the serial console: vsh console reads a fifo we hold open.
in=$W/console.in
mkfifo "$in"
vsh console deb <"$in" >"$W/console.out" 2>"$W/console.err" &
cpid=$!
exec 3>"$in"
# the prompt may have scrolled by before vsh attached: ask again
printf '\n' >&3
guest_wait_log $((60 * scale)) deb "$host login: *$" ||
    { printf 'vessel\n' >&3; }
printf 'vessel\n' >&3
guest_wait_log $((120 * scale)) deb "Password: *$"
printf '%s\n' "$pass" >&3
guest_wait_log $((120 * scale)) deb "vessel@$host"
tap_ok $? "the user cloud-init made logs in on ttyS0 with its password"
printf 'echo "T-HOST=$(hostname)"; echo "T-STATE=$(systemctl is-system-running --wait)"\n' >&3
printf 'echo "T-FAILED=$(systemctl --failed --no-legend --plain | cut -d" " -f1 | tr "\\n" " ")"\n' >&3
printf 'echo "T-UUID=$(sudo cat /sys/class/dmi/id/product_uuid)"\n' >&3
printf 'echo "T-KEY=$(cut -d" " -f3 ~/.ssh/authorized_keys)"; sudo -n true && echo T-SUDO=yes\n' >&3
guest_wait_log $((600 * scale)) deb "T-SUDO=yes"
_guest_log_grep deb "T-HOST=$host"
tap_ok $? "cloud-init set the hostname ($host)"
_guest_log_grep deb "T-STATE=(running|degraded)"
r=$?
[ $r -eq 0 ] || { guest_log_show deb 30; }
tap_ok $r "systemctl is-system-running: running or degraded"
echo "# failed units: $(tr -d '\r' < "$(guest_log deb)" | grep -a 'T-FAILED=' | grep -v systemctl |
    sed 's/.*T-FAILED=//' | tail -n 1)"
_guest_log_grep deb "T-KEY=vessel-test-$$"
tap_ok $? "the SSH key and sudo rule of the seed are in place"
uuid=$(vsh domuuid deb)
got=$(tr -d '\r' < "$(guest_log deb)" | grep -a 'T-UUID=' | grep -v product_uuid | sed 's/.*T-UUID=//' | tail -n 1)
[ -n "$uuid" ] && [ "$(echo "$got" | tr A-F a-f)" = "$uuid" ]
r=$?
[ $r -eq 0 ] || echo "# SMBIOS product_uuid '$got', the domain's UUID '$uuid'"
tap_ok $r "SMBIOS gives the guest the domain's UUID (product_uuid)"
printf 'exit\n' >&3
exec 3>&-
wait $cpid

s=$(date +%s)
vsh shutdown deb >/dev/null &&
    wait_until $((300 * scale)) sh -c "'$GUEST_VSH' -c 'vessel+unix://$W/daemon/run/vessel-sock' domstate deb | grep -qx 'shut off'"
r=$?
echo "# deb: powered off $(( $(date +%s) - s )) s after vsh shutdown"
[ $r -eq 0 ] || guest_log_show deb 30
tap_ok $r "vsh shutdown powers it off through ACPI and systemd"
_guest_log_grep deb "reboot: Power down"
tap_ok $? "the kernel powered down (systemd's shutdown, not the VMM killed)"

# --- the second boot: an overlay on the disk the first boot left ----------
sum=$(sha256sum < "$W/base.qcow2")
qemu-img create -q -f qcow2 -F qcow2 -b "$W/base.qcow2" "$W/overlay.qcow2" &&
    chmod 644 "$W/overlay.qcow2" || tap_bail "qemu-img create failed"
domain deb2 "$W/overlay.qcow2" > "$W/deb2.xml"
vsh define "$W/deb2.xml" >/dev/null && boot deb2
tap_ok $? "a second domain boots from a qcow2 overlay on that disk to a login prompt"
_guest_log_grep deb2 "$host login: *$"
tap_ok $? "with the hostname the first boot stored"
vsh destroy deb2 >/dev/null
[ "$(sha256sum < "$W/base.qcow2")" = "$sum" ] && [ "$(stat -c %s "$W/overlay.qcow2")" -gt 1048576 ]
tap_ok $? "the base image is unchanged (sha256); the writes went to the overlay"
echo "# whole test: $(( $(date +%s) - t0 )) s"
