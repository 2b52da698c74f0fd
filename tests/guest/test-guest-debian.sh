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
# stored; its seed is an ISO 9660 image (xorriso) on a CD-ROM
# (<disk device='cdrom'>: virtio-scsi, Debian's virtio_scsi and sr
# drivers): logged in, the test reads the CD's label and a file from it
# and sees a write to /dev/sr0 refused, the ISO unchanged.  `vsh reboot`
# reboots that guest as libvirt reboots a QEMU guest: systemd shuts down
# and powers off (ACPI power button), the VMM resets the machine instead of
# exiting, and SeaBIOS, GRUB, the kernel and systemd come again, in the
# same VMM; the base image's sha256 is the same as before.
#
# The first boot runs on a copy of the cached image (the cache is never
# written).  Cost: the image build the first time (minutes, see
# scripts/debian-image.sh), then two guest boots to a login prompt and a
# reboot to systemd's start (not the login prompt: boots 1 and 2 showed
# that); the figures are printed
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
for prog in qemu-img mkfs.fat mcopy xorriso sha256sum ssh-keygen mkfifo; do
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
# the same seed as an ISO 9660 image, for the CD-ROM of the second domain
xorriso -as mkisofs -quiet -V cidata -J -r -o "$W/seed.iso" "$W/user-data" "$W/meta-data" \
    2>"$W/xorriso.err" || tap_bail "cannot make the cidata ISO: $(cat "$W/xorriso.err")"
chmod 644 "$W/base.qcow2" "$W/seed.img" "$W/seed.iso"
SEED_DISK="<disk type='file' device='disk'>
      <driver name='qemu' type='raw'/>
      <source file='$W/seed.img'/>
      <target dev='vdb' bus='virtio'/>
      <readonly/>
    </disk>"
SEED_CD="<disk type='file' device='cdrom'>
      <source file='$W/seed.iso'/>
      <target dev='sda' bus='scsi'/>
    </disk>"

domain() { # NAME ROOT-DISK SEED-XML
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
    $3
    <serial type='pty'/>
  </devices>
</domain>
EOF
}
domain deb "$W/base.qcow2" "$SEED_DISK" > "$W/deb.xml"

# seconds since $1 at the first line of NAME's log matching PATTERN
when() { # START NAME PATTERN
    _guest_log_grep "$2" "$3" && echo $(( $(date +%s) - $1 ))
}
# GRUB's terminal is the BIOS console (scripts/debian-image.sh), which
# SeaBIOS's serial console copies to the serial line: what GRUB draws is
# in the log without escape sequences (guest_log_plain).
plain_log() { guest_log_plain "$1"; }
GRUB_MARK="GNU GRUB|Booting .Debian GNU/Linux"
grub_or_end() {
    plain_log "$1" | grep -q -E -- "$GRUB_MARK" ||
        _guest_log_grep "$1" "Kernel panic|vesseld: VMM pid [0-9]+ (exited|killed|died)"
}
# boot NAME: start it, wait for GRUB, the kernel and the login prompt, and
# print how long each took
boot() {
    _s=$(date +%s)
    vsh start "$1" >/dev/null || return 1
    wait_until $((300 * scale)) grub_or_end "$1"
    plain_log "$1" | grep -q -E -- "$GRUB_MARK" ||
        { guest_log_show "$1" 60; tap_bail "guest $1 never showed GRUB's menu"; }
    _g=$(( $(date +%s) - _s ))
    guest_reach $((300 * scale)) "$1" "Linux version"; _k=$(( $(date +%s) - _s ))
    guest_reach $((1500 * scale)) "$1" "login: *$"; _l=$(( $(date +%s) - _s ))
    echo "# $1: GRUB after $_g s, the kernel after $_k s, the login prompt after $_l s"
}

# login NAME: log in on NAME's serial console as the seed's user; the
# console stays attached on fd 3 (logout: logout NAME)
login() {
    in=$W/console-$1.in
    mkfifo "$in"
    vsh console "$1" <"$in" >"$W/console-$1.out" 2>"$W/console-$1.err" &
    cpid=$!
    exec 3>"$in"
    # the prompt may have scrolled by before vsh attached: ask again
    printf '\n' >&3
    guest_wait_log $((60 * scale)) "$1" "$host login: *$" ||
        { printf 'vessel\n' >&3; }
    printf 'vessel\n' >&3
    guest_wait_log $((120 * scale)) "$1" "Password: *$"
    printf '%s\n' "$pass" >&3
    guest_wait_log $((120 * scale)) "$1" "vessel@$host"
}
logout() {
    printf 'exit\n' >&3
    exec 3>&-
    wait $cpid
}

tap_plan 17
guest_daemon_start ""
vsh define "$W/deb.xml" >/dev/null
tap_ok $? "a domain with no <kernel>, booting the Debian disk, is defined"
boot deb
tap_ok $? "SeaBIOS, GRUB, the kernel and systemd bring it to a login prompt"
# GRUB's menu once: a serial terminal of GRUB's own beside the console
# would draw it a second time (vmm/README, "Firmware")
grubs=$(plain_log deb | grep -o "GNU GRUB" | wc -l)
_guest_log_grep deb "SeaBIOS \\(version" && _guest_log_grep deb "Booting from Hard Disk" &&
    [ "$grubs" -eq 1 ] || {
        echo "# GRUB's menu drawn $grubs times; the log's start:"
        head -c 3000 "$(guest_log deb)" | sed 's/^/#   /'
        false
    }
tap_ok $? "the firmware's and GRUB's menu (once) are on the serial console"

# Log in on the serial console: vsh console reads a fifo we hold open.
login deb
tap_ok $? "the user cloud-init made logs in on ttyS0 with its password"
printf 'echo "T-HOST=$(hostname)"; echo "T-STATE=$(systemctl is-system-running --wait)"\n' >&3
printf 'echo "T-FAILED=$(systemctl --failed --no-legend --plain | cut -d" " -f1 | tr "\\n" " ")"\n' >&3
printf 'echo "T-UUID=$(sudo cat /sys/class/dmi/id/product_uuid)"\n' >&3
# the last line's marker is split in the command (y""es), so that the
# shell's echo of the typed line cannot end the wait before its output
printf 'echo "T-KEY=$(cut -d" " -f3 ~/.ssh/authorized_keys)"; sudo -n true && echo T-SUDO=y""es\n' >&3
guest_wait_log $((600 * scale)) deb "T-SUDO=yes"
_guest_log_grep deb "T-HOST=$host"
tap_ok $? "cloud-init set the hostname ($host)"
_guest_log_grep deb "T-STATE=(running|degraded)"
r=$?
[ $r -eq 0 ] || { guest_log_show deb 30; }
tap_ok $r "systemctl is-system-running: running or degraded"
echo "# failed units: $(tr -d '\r' < "$(guest_log deb)" | grep -a 'T-FAILED=' | grep -v systemctl |
    sed 's/.*T-FAILED=//' | tail -n 1)"
_guest_log_grep deb "T-KEY=vessel-test-$$" && _guest_log_grep deb "T-SUDO=yes"
r=$?
[ $r -eq 0 ] || guest_log_show deb 30
tap_ok $r "the SSH key and sudo rule of the seed are in place"
uuid=$(vsh domuuid deb)
got=$(tr -d '\r' < "$(guest_log deb)" | grep -a 'T-UUID=' | grep -v product_uuid | sed 's/.*T-UUID=//' | tail -n 1)
[ -n "$uuid" ] && [ "$(echo "$got" | tr A-F a-f)" = "$uuid" ]
r=$?
[ $r -eq 0 ] || echo "# SMBIOS product_uuid '$got', the domain's UUID '$uuid'"
tap_ok $r "SMBIOS gives the guest the domain's UUID (product_uuid)"
logout deb

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
domain deb2 "$W/overlay.qcow2" "$SEED_CD" > "$W/deb2.xml"
iso_sum=$(sha256sum < "$W/seed.iso")
vsh define "$W/deb2.xml" >/dev/null && boot deb2
tap_ok $? "a second domain boots from a qcow2 overlay on that disk to a login prompt"
_guest_log_grep deb2 "$host login: *$"
tap_ok $? "with the hostname the first boot stored"

# --- the CD-ROM seen from Debian: virtio_scsi + sr, read-only --------------
login deb2
printf 'echo "T-CDLABEL=$(sudo blkid -o value -s LABEL /dev/sr0)"\n' >&3
printf 'echo "T-CDMETA=$(sudo sh -c "mount -o ro /dev/sr0 /mnt && head -n 1 /mnt/meta-data; umount /mnt")"\n' >&3
printf 'sudo dd if=/dev/zero of=/dev/sr0 bs=2048 count=1 conv=fsync; echo "T-CDWRITE=$?"\n' >&3
guest_wait_log $((300 * scale)) deb2 "T-CDWRITE=[0-9]"
_guest_log_grep deb2 "T-CDLABEL=cidata" && _guest_log_grep deb2 "T-CDMETA=instance-id: vessel-$$"
r=$?
[ $r -eq 0 ] || guest_log_show deb2 20
tap_ok $r "Debian reads the seed's label and files from the CD-ROM (/dev/sr0)"
_guest_log_grep deb2 "T-CDWRITE=[1-9]" && [ "$(sha256sum < "$W/seed.iso")" = "$iso_sum" ]
r=$?
echo "# a write to /dev/sr0: $(tr -d '\r' < "$(guest_log deb2)" | grep -a '^dd: ' | tail -n 1)"
tap_ok $r "a write to /dev/sr0 fails in the guest; the ISO image is unchanged"
logout deb2

# --- vsh reboot: a clean shutdown, then the firmware boots it again --------
# As libvirt reboots a QEMU guest: the power button, systemd shuts down and
# powers off, and the VMM resets the machine instead of exiting.  What the
# log shows after the request, in this order: systemd's shutdown
# (systemd-shutdown, the kernel's "reboot: Power down"), SeaBIOS, GRUB,
# the kernel, and systemd again from the disk ("Welcome to"): the disk,
# reset with the machine, is read again.  The login prompt it then reaches
# is the one boots 1 and 2 proved; not waiting for it saves the userspace
# half of a boot.
log_at=$(wc -c < "$(guest_log deb2)")
after() { tail -c +$((log_at + 1)) "$(guest_log deb2)" | guest_plain; }
seen() { after | grep -q -E -- "$1"; }
s=$(date +%s)
vsh reboot deb2 >/dev/null &&
    wait_until $((300 * scale)) seen "SeaBIOS \\(version|vesseld: VMM pid [0-9]+ (exited|killed|died)" && _b=$(( $(date +%s) - s )) &&
    wait_until $((900 * scale)) seen "Welcome to .*Debian|Kernel panic|vesseld: VMM pid [0-9]+ (exited|killed|died)"
r=$?
echo "# deb2: SeaBIOS again ${_b:-?} s, systemd again $(( $(date +%s) - s )) s after vsh reboot"
after | awk '
    /systemd-shutdown/ && !sd { sd = NR }
    /reboot: Power down/ && sd && !pd { pd = NR }
    /SeaBIOS \(version/ && pd && !bios { bios = NR }
    /GNU GRUB|Booting .Debian GNU\/Linux/ && bios && !grub { grub = NR }
    /Linux version/ && grub && !k { k = NR }
    /Welcome to .*Debian/ && k && !w { w = NR }
    END { exit !(w > 0) }'
r2=$?
[ $r -eq 0 ] && [ $r2 -eq 0 ] || { r=1; after | tail -n 60 | sed 's/^/# deb2: /'; }
tap_ok $r "vsh reboot: systemd shuts down and powers off, SeaBIOS, GRUB, the kernel and systemd again"
vsh domstate deb2 | grep -qx running && ! _guest_log_grep deb2 "vesseld: VMM pid [0-9]+ (exited|killed)"
tap_ok $? "the domain stayed running across the reboot, in the same VMM"
vsh destroy deb2 >/dev/null
[ "$(sha256sum < "$W/base.qcow2")" = "$sum" ] && [ "$(stat -c %s "$W/overlay.qcow2")" -gt 1048576 ]
tap_ok $? "the base image is unchanged (sha256); the writes went to the overlay"
echo "# whole test: $(( $(date +%s) - t0 )) s"
