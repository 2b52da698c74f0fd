#!/bin/sh
# test-vsh-firmware.sh - firmware boot through the daemon: a domain with
# no <kernel> boots SeaBIOS (Debian's seabios package) under dbt, which
# boots the disk; the boot sector of tests/vmm/guests/bootsect.S prints
# on the serial console (read from the domain's console socket) and
# powers off.  Also the XML errors of firmware boot, the VMM command
# line vsh domxml-to-native shows for it, a missing firmware file, and a
# disk with no boot sector: SeaBIOS's "No bootable device." on the
# console, the domain "shut off (failed)" with the VMM's reason in its log.
# <boot dev='network'> first: no PXE ROM, so it is skipped, the log says
# so, and the disk boots.
# A CD-ROM: an ISO 9660 image made here with xorriso that boots the same
# boot sector through El Torito, <disk device='cdrom'> with <boot
# order='1'> ahead of a blank disk; a truncated ISO is refused at start
# with the reason.
. "$top_srcdir/tests/lib/tap.sh"

BIOS=${VESSEL_SEABIOS:-/usr/share/seabios/bios-256k.bin}
BOOTSECT="$top_builddir/tests/vmm/guests/bootsect.bin"
[ -f "$BIOS" ] || tap_skip_all "no SeaBIOS at $BIOS (Debian package seabios)"
[ -f "$BOOTSECT" ] || tap_skip_all "tests/vmm/guests/bootsect.bin not built (make -C tests/vmm check)"
command -v xorriso >/dev/null 2>&1 || tap_unavailable "no xorriso (Debian package xorriso; scripts/deps.sh)"

. "$top_srcdir/tests/shell/vsh-env.sh"

tap_plan 25

head -c 1048576 /dev/zero > "$T/boot.img"
dd if="$BOOTSECT" of="$T/boot.img" conv=notrunc status=none
fwxml() { # NAME [DISK-XML]
    cat <<EOF
<domain type='dbt'>
  <name>$1</name>
  <memory unit='MiB'>64</memory>
  <os>
    <type>hvm</type>
    <loader readonly='yes' type='rom'>$BIOS</loader>
    <boot dev='hd'/>
  </os>
  <devices>
    $2
    <serial type='pty'/>
  </devices>
</domain>
EOF
}
DISK="<disk type='file' device='disk'><source file='$T/boot.img'/><target dev='vda' bus='virtio'/><readonly/></disk>"
fwxml fw1 "$DISK" > "$T/fw1.xml"
fwxml nothing "" > "$T/nothing.xml"

v domxml-to-native vessel-argv "$T/fw1.xml"
has "domxml-to-native: the firmware and the boot order" "vessel-vmm --bios $BIOS --boot c --memory 64"

v define "$T/nothing.xml"
[ $rc -eq 1 ]; tap_ok $? "a domain with neither a kernel nor a disk is refused"
has "the error says there is nothing to boot" "nothing to boot: <os> has no <kernel> and the domain has no disk"

v create "$T/fw1.xml" --paused
expect "create paused" 0 "Domain 'fw1' created from $T/fw1.xml"
SOCK=$(ls "$T"/run/domains/*/console 2>/dev/null | head -1)
[ -S "$SOCK" ]; tap_ok $? "the domain's console socket exists"
# read the serial console until the VMM closes it (the guest powered off)
cat > "$T/reader.py" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
s.settimeout(120)
sys.stdout.write("connected\n")
sys.stdout.flush()
while True:
    try:
        b = s.recv(4096)
    except socket.timeout:
        break
    if not b:
        break
    sys.stdout.buffer.write(b)
    sys.stdout.flush()
PY
python3 "$T/reader.py" "$SOCK" > "$T/console.out" 2>"$T/console.err" &
READER=$!
CLEANUP_EXTRA="kill $READER 2>/dev/null"
wait_until 10 grep -q connected "$T/console.out"
v resume fw1
expect "resume" 0 "Domain 'fw1' resumed"
wait_until 120 sh -c "! \"$VSH\" -c \"$URI\" list --name | grep -qx fw1"
tap_ok $? "the guest powered off: the transient domain is gone"
wait "$READER"
grep -q "SeaBIOS (version" "$T/console.out" && grep -q "Booting from Hard Disk" "$T/console.out"
tap_ok $? "SeaBIOS's banner and boot message on the serial console"
grep -q "boot sector: sector 1 read through int 13h" "$T/console.out" &&
    grep -q "boot sector: RSDP VESSEL" "$T/console.out" && grep -q "boot sector: powering off" "$T/console.out"
r=$?
[ $r -eq 0 ] || sed 's/^/# /' "$T/console.out"
tap_ok $r "the boot sector ran: disk read through the BIOS, our ACPI tables, power-off"

# --- the error cases ---------------------------------------------------------
fwxml missing "$DISK" | sed "s|$BIOS|$T/no-such-bios.bin|" > "$T/missing.xml"
v define "$T/missing.xml"
v start missing
[ $rc -ne 0 ]; tap_ok $? "a domain whose <loader> does not exist does not start"
has "the error names the missing firmware file" "$T/no-such-bios.bin"

head -c 1048576 /dev/zero > "$T/blank.img"
fwxml blank "<disk type='file' device='disk'><source file='$T/blank.img'/><target dev='vda' bus='virtio'/></disk>" > "$T/blank.xml"
v define "$T/blank.xml"
v start blank
expect "a domain with a disk that has no boot sector starts" 0 "Domain 'blank' started"
wait_until 120 sh -c "\"$VSH\" -c \"$URI\" domstate blank --reason | grep -q 'shut off'"
v domstate blank --reason
expect "the firmware found nothing to boot: shut off (failed)" 0 "shut off (failed)"
LOG=$T/log/domains/blank.log
grep -q "No bootable device." "$LOG" && grep -q "the firmware found no bootable device" "$LOG"
r=$?
[ $r -eq 0 ] || sed 's/^/# /' "$LOG"
tap_ok $r "the domain's log has SeaBIOS's message and the VMM's reason"

# --- <boot dev='network'> ahead of hd: no PXE ROM, skipped, said once -------
fwxml pxe "$DISK" | sed "s|<boot dev='hd'/>|<boot dev='network'/><boot dev='hd'/>|" > "$T/pxe.xml"
v define "$T/pxe.xml"
v domxml-to-native vessel-argv --domain pxe
has "the network entry reaches the VMM's boot order" "--boot nc"
v start pxe
expect "a domain with network first in its boot order starts" 0 "Domain 'pxe' started"
wait_until 120 sh -c "\"$VSH\" -c \"$URI\" domstate pxe | grep -q 'shut off'"
v domstate pxe --reason
expect "it powered off: the disk after the network entry booted" 0 "shut off (shutdown)"
LOG=$T/log/domains/pxe.log
[ "$(grep -c "boot order: no network boot (vessel-pc has no PXE boot ROM)" "$LOG")" -eq 1 ] &&
    grep -q "boot sector: powering off" "$LOG"
r=$?
[ $r -eq 0 ] || sed 's/^/# /' "$LOG"
tap_ok $r "the log says the network entry was skipped (once), then the boot sector ran"

# --- a CD-ROM: El Torito, <boot order=>, a truncated image ------------------------
mkdir "$T/iso-root"
head -c 512 "$BOOTSECT" > "$T/iso-root/boot.bin"
# the boot sector's second sector as the ISO's 2048-byte sector 1, which
# it reads from the CD through int 13h
head -c 32768 /dev/zero > "$T/sysarea.bin"
tail -c 512 "$BOOTSECT" | dd of="$T/sysarea.bin" bs=2048 seek=1 conv=notrunc status=none
xorriso -as mkisofs -quiet -V VESSELCD -G "$T/sysarea.bin" -b boot.bin -no-emul-boot \
    -boot-load-size 1 -o "$T/cd.iso" "$T/iso-root" 2>"$T/xorriso.err"
tap_ok $? "xorriso made a bootable ISO 9660 image"
CD="<disk type='file' device='cdrom'><source file='$T/cd.iso'/><target dev='sda' bus='scsi'/><boot order='1'/></disk>"
BLANK="<disk type='file' device='disk'><source file='$T/blank.img'/><target dev='vda' bus='virtio'/><boot order='2'/></disk>"
fwxml cd "$BLANK$CD" | sed "/<boot dev=/d" > "$T/cd.xml"
v define "$T/cd.xml"
v dumpxml cd
has "dumpxml: the CD-ROM" "<disk type='file' device='cdrom'>"
printf '%s\n' "$out" | grep -A6 "device='cdrom'" | grep -q "<readonly/>" &&
    printf '%s\n' "$out" | grep -q "<boot order='1'/>"
tap_ok $? "dumpxml: the CD-ROM is read-only and first in the boot order"
v start cd
expect "a domain booting from its CD-ROM starts" 0 "Domain 'cd' started"
wait_until 120 sh -c "\"$VSH\" -c \"$URI\" domstate cd | grep -q 'shut off'"
LOG=$T/log/domains/cd.log
grep -q "Booting from DVD/CD" "$LOG" && grep -q "boot sector: sector 1 read through int 13h" "$LOG" &&
    grep -q "boot sector: powering off" "$LOG"
r=$?
[ $r -eq 0 ] || sed 's/^/# /' "$LOG"
tap_ok $r "boot order 1 booted the CD through El Torito; int 13h read the CD; powered off"
truncate -s 40960 "$T/cd.iso"
v start cd
[ $rc -ne 0 ]; tap_ok $? "a domain whose ISO image is truncated does not start"
printf '%s\n%s\n' "$out" "$err" | cat - "$LOG" | grep -q "cd.iso is truncated: its ISO 9660 volume has"
r=$?
[ $r -eq 0 ] || { printf '%s\n%s\n' "$out" "$err"; tail -5 "$LOG"; } | sed 's/^/# /'
tap_ok $r "the error says the CD image is truncated"
