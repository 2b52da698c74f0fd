#!/bin/sh
# test-vsh-storage.sh - storage pools and volumes through vsh against a
# real vesseld: the pool lifecycle (define-as, build, start, autostart,
# info, dumpxml, refresh, destroy, undefine, delete) and the "default"
# pool the configuration asks for; volumes (vol-create-as raw and qcow2
# with a backing volume, vol-create, vol-create-from, vol-clone,
# vol-list [--details], vol-info, vol-dumpxml, vol-resize, vol-wipe,
# vol-delete, vol-key/-path/-name/-pool) checked with qemu-img (Debian
# qemu-utils: the oracle); vol-upload / vol-download round trips with
# matching sha256; a domain whose disk is a qcow2 volume on a backing
# volume (domblklist, domblkinfo, the VMM given the whole chain, volumes
# in use refused for deletion); external disk-only snapshots of a stopped
# and of a running domain, and blockcommit back (live and stopped); the
# XML checked against libvirt's schemas and
# read by libvirt's own parser (virsh on the test driver), and vol-list
# [--details] / vol-info compared byte for byte with what virsh prints
# for the same volumes in its test driver.
. "$top_srcdir/tests/lib/tap.sh"
command -v qemu-img >/dev/null 2>&1 || {
    [ "$CI" = true ] && { echo "1..1"; echo "not ok 1 - qemu-img missing (qemu-utils)"; exit 1; }
    tap_skip_all "qemu-img not installed (Debian package qemu-utils)"
}
VESSELD_CONF_EXTRA="[storage]
default_pool=images"
. "$top_srcdir/tests/shell/vsh-env.sh"

# table DESC OUT: like expect for a virsh table, the dash line checked
# for being one (its width is vsh-table's business, tested elsewhere)
table() {
    _got=$(printf '%s\n' "$out" | sed '2s/^-*$/---/')
    _want=$(printf '%s\n' "$2" | sed '2s/^-*$/---/')
    _ok=0
    [ "$rc" -eq 0 ] && [ "$_got" = "$_want" ] || {
        printf 'stdout:\n%s\nwanted:\n%s\n%s\n' "$out" "$2" "$err" | sed 's/^/# /'; _ok=1; }
    tap_ok $_ok "$1"
}
schemas=${LIBVIRT_SCHEMAS:-/usr/share/libvirt/schemas}

tap_plan 85

P="$T/pool1"

# ---- the default pool
wait_until 30 sh -c "'$VSH' -c '$URI' pool-list --name | grep -qx default"
v pool-list
table "the default pool is defined, autostarted and active" " Name      State    Autostart
-------------------------------
 default   active   yes"
v pool-dumpxml default
has "the default pool's directory is [storage] default_pool" "<path>$T/images</path>"

# ---- a pool's lifecycle
v pool-define-as p1 dir --target "$P"
expect "pool-define-as" 0 "Pool p1 defined"
v pool-list --all
table "pool-list --all shows it inactive" " Name      State      Autostart
---------------------------------
 default   active     yes
 p1        inactive   no"
v pool-start p1
[ $rc = 1 ] && printf '%s\n' "$err" | grep -q "cannot open directory '$P'"
tap_ok $? "pool-start before pool-build fails: no directory"
v pool-build p1
expect "pool-build" 0 "Pool p1 built"
[ "$(stat -c %a "$P")" = 711 ]
tap_ok $? "the directory is made with mode 0711"
v pool-start p1
expect "pool-start" 0 "Pool p1 started"
v pool-autostart p1
expect "pool-autostart" 0 "Pool p1 marked as autostarted"
v pool-info p1
uuid=$("$VSH" -c "$URI" pool-uuid p1 | head -1)
printf '%s\n' "$out" | head -5 > "$T/info"
printf 'Name:           p1\nUUID:           %s\nState:          running\nPersistent:     yes\nAutostart:      yes\n' "$uuid" |
    cmp -s - "$T/info" && printf '%s\n' "$out" | grep -Eq '^Capacity: +[0-9.]+ (GiB|TiB|MiB)$'
tap_ok $? "pool-info in virsh's layout"
v pool-list --details --name
[ $rc = 1 ]
tap_ok $? "pool-list --details --name is refused"
v pool-dumpxml p1
printf '%s\n' "$out" > "$T/p1.xml"
grep -q "<path>$P</path>" "$T/p1.xml" && { [ ! -f "$schemas/storagepool.rng" ] ||
    xmllint --noout --relaxng "$schemas/storagepool.rng" "$T/p1.xml" 2>/dev/null; }
tap_ok $? "pool-dumpxml: libvirt's storagepool.rng accepts it"
v pool-refresh p1
expect "pool-refresh" 0 "Pool p1 refreshed"

# ---- volumes
v vol-create-as p1 base.qcow2 64M --format qcow2
expect "vol-create-as qcow2" 0 "Vol base.qcow2 created"
qemu-img check -q "$P/base.qcow2" && qemu-img info "$P/base.qcow2" | grep -q "^virtual size: 64 MiB"
tap_ok $? "qemu-img: a clean 64 MiB qcow2 image"
qemu-io -f qcow2 -c "write -P 0x5a 0 1M" -c "write -P 0x33 10M 64k" "$P/base.qcow2" > /dev/null
v vol-create-as p1 top.qcow2 0 --format qcow2 --backing-vol base.qcow2 --backing-vol-format qcow2
expect "vol-create-as with a backing volume" 0 "Vol top.qcow2 created"
qemu-img info "$P/top.qcow2" > "$T/top.info"
grep -q "^backing file: $P/base.qcow2" "$T/top.info" && grep -q "^backing file format: qcow2" "$T/top.info" &&
    grep -q "^virtual size: 64 MiB" "$T/top.info" && qemu-img compare -q "$P/top.qcow2" "$P/base.qcow2"
tap_ok $? "the overlay records its backing volume and format, and reads like it"
v vol-create-as p1 top.qcow2 1M
[ $rc = 1 ] && printf '%s\n' "$err" | grep -q "already in use"
tap_ok $? "vol-create-as with an existing name fails"
v vol-create-as p1 up.img 1M
expect "vol-create-as raw" 0 "Vol up.img created"
v vol-list p1
table "vol-list" " Name         Path
-------------------------------------------------------------------
 base.qcow2   $P/base.qcow2
 top.qcow2    $P/top.qcow2
 up.img       $P/up.img" 
v vol-list p1 --details
printf '%s\n' "$out" | grep -Eq "^ top.qcow2 +$P/top.qcow2 +file +64.00 MiB +[0-9.]+ KiB\$" ||
    { printf '%s\n' "$out" | sed 's/^/# /'; false; }
tap_ok $? "vol-list --details: type, capacity, allocation"
v vol-info top.qcow2 --pool p1
printf '%s\n' "$out" | head -3 > "$T/vinfo"
printf 'Name:           top.qcow2\nType:           file\nCapacity:       64.00 MiB\n' | cmp -s - "$T/vinfo"
tap_ok $? "vol-info in virsh's layout"
v vol-info "$P/up.img" --bytes
has "vol-info by path, --bytes" "Capacity:       1048576 bytes"
v vol-dumpxml --pool p1 top.qcow2
printf '%s\n' "$out" > "$T/top.xml"
grep -q "<backingStore>" "$T/top.xml" && grep -q "<format type='qcow2'/>" "$T/top.xml" &&
    { [ ! -f "$schemas/storagevol.rng" ] ||
      xmllint --noout --relaxng "$schemas/storagevol.rng" "$T/top.xml" 2>/dev/null; }
tap_ok $? "vol-dumpxml: backing store, format; libvirt's storagevol.rng accepts it"
if command -v virsh > /dev/null 2>&1; then
    sed "s|<path>$P</path>|<path>/srv/p1</path>|" "$T/p1.xml" > "$T/p1-test.xml"
    virsh -q -c test:///default "pool-define $T/p1-test.xml; pool-start p1; vol-create p1 $T/top.xml" \
        > /dev/null 2> "$T/virsh.err"
    rc=$?; [ $rc = 0 ] || sed 's/^/# /' "$T/virsh.err"
    tap_ok $rc "virsh (libvirt's parser) takes our pool-dumpxml and vol-dumpxml"
else
    tap_ok 0 "# SKIP virsh not installed"
fi
# the same pool and volumes in virsh's test driver (from our XML, so the
# same sizes): virsh's own output is the reference, byte for byte
if command -v virsh > /dev/null 2>&1; then
    setup="pool-define $T/p1.xml; pool-start p1"
    for vol in base.qcow2 top.qcow2 up.img; do
        "$VSH" -c "$URI" vol-dumpxml --pool p1 $vol > "$T/$vol.xml"
        setup="$setup; vol-create p1 $T/$vol.xml"
    done
    for cmd in "vol-list p1" "vol-list p1 --details" "vol-info top.qcow2 --pool p1" \
               "vol-info up.img --pool p1 --bytes" "vol-list p1 --details --name"; do
        want=$(virsh -c test:///default "$setup; echo @@; $cmd" 2>&1 | sed '1,/^@@$/d')
        # shellcheck disable=SC2086
        v $cmd
        [ "$out" = "$want" ] || { printf 'vsh:\n%s\nvirsh:\n%s\n' "$out" "$want" | sed 's/^/# /'; false; }
        tap_ok $? "$cmd: as virsh prints it"
    done
else
    for i in 1 2 3 4 5; do tap_ok 0 "# SKIP virsh not installed"; done
fi
v vol-key top.qcow2 --pool p1
expect "vol-key: the path" 0 "$P/top.qcow2"
v vol-path top.qcow2 --pool p1
expect "vol-path" 0 "$P/top.qcow2"
v vol-name "$P/top.qcow2"
expect "vol-name by path" 0 "top.qcow2"
v vol-pool "$P/top.qcow2"
expect "vol-pool by path" 0 "p1"
v vol-info nope.img --pool p1
[ $rc = 1 ] && printf '%s\n' "$err" | grep -q "no storage vol with matching name 'nope.img'"
tap_ok $? "vol-info of a missing volume fails"

# ---- upload / download through the connection
head -c 1048576 /dev/urandom > "$T/data.bin"
want=$(sha256sum < "$T/data.bin")
v vol-upload up.img "$T/data.bin" --pool p1
expect "vol-upload" 0 ""
[ "$(sha256sum < "$P/up.img")" = "$want" ]
tap_ok $? "the uploaded volume has the file's sha256"
v vol-download up.img "$T/back.bin" --pool p1
expect "vol-download" 0 ""
[ "$(sha256sum < "$T/back.bin")" = "$want" ]
tap_ok $? "the downloaded file has the volume's sha256"
v vol-download top.qcow2 "$T/top.copy" --pool p1
cmp -s "$T/top.copy" "$P/top.qcow2"
tap_ok $? "a qcow2 volume downloads byte for byte"
head -c 3000 /dev/urandom > "$T/small.bin"
v vol-upload up.img "$T/small.bin" --pool p1 --offset 4096 --length 3000
head -c 4096 "$T/data.bin" > "$T/expect.bin"; cat "$T/small.bin" >> "$T/expect.bin"
tail -c +7097 "$T/data.bin" >> "$T/expect.bin"
[ $rc = 0 ] && cmp -s "$P/up.img" "$T/expect.bin"
tap_ok $? "vol-upload --offset --length writes just that range"

# ---- resize, clone, create-from, wipe, delete
v vol-resize top.qcow2 96M --pool p1
expect "vol-resize" 0 "Size of volume 'top.qcow2' successfully changed to 96M"
qemu-img check -q "$P/top.qcow2" && qemu-img info "$P/top.qcow2" | grep -q "^virtual size: 96 MiB"
tap_ok $? "qemu-img: 96 MiB, still clean"
v vol-resize top.qcow2 32M --pool p1 --shrink
[ $rc = 1 ]
tap_ok $? "a qcow2 volume does not shrink"
qemu-io -f qcow2 -c "write -P 0x77 20M 100k" "$P/top.qcow2" > /dev/null
v vol-clone top.qcow2 clone.qcow2 --pool p1
expect "vol-clone" 0 "Vol clone.qcow2 cloned from top.qcow2"
qemu-img check -q "$P/clone.qcow2" && ! qemu-img info "$P/clone.qcow2" | grep -q "^backing file" &&
    qemu-img compare -q "$P/clone.qcow2" "$P/top.qcow2"
tap_ok $? "the clone is a standalone image with the same content"
cat > "$T/raw.xml" <<EOF
<volume>
  <name>flat.img</name>
  <capacity unit='M'>96</capacity>
</volume>
EOF
v vol-create-from p1 "$T/raw.xml" top.qcow2
expect "vol-create-from" 0 "Vol flat.img created from input vol top.qcow2"
qemu-img compare -q -f raw "$P/flat.img" "$P/top.qcow2"
tap_ok $? "the raw copy reads like the chain it came from"
v vol-wipe clone.qcow2 --pool p1
expect "vol-wipe" 0 "Vol clone.qcow2 wiped"
qemu-img check -q "$P/clone.qcow2" && qemu-img info "$P/clone.qcow2" | grep -q "^virtual size: 96 MiB" &&
    ! qemu-io -f qcow2 -r -c "read -P 0 0 96M" "$P/clone.qcow2" | grep -q "verification failed"
tap_ok $? "the wiped qcow2 volume is clean, as large, and all zeros"
v vol-delete clone.qcow2 --pool p1
expect "vol-delete" 0 "Vol clone.qcow2 deleted"
[ ! -e "$P/clone.qcow2" ]
tap_ok $? "the file is gone"

# ---- a domain on volumes
cat > "$T/dom.xml" <<EOF
<domain type='dbt'>
  <name>voldom</name>
  <memory unit='MiB'>64</memory>
  <os>
    <type>hvm</type>
    <kernel>$GUESTS/idle.elf</kernel>
    <cmdline>console=ttyS0</cmdline>
  </os>
  <devices>
    <disk type='volume' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source pool='p1' volume='top.qcow2'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <disk type='file' device='disk'>
      <source file='$P/up.img'/>
      <target dev='vdb' bus='virtio'/>
    </disk>
    <serial type='pty'/>
  </devices>
</domain>
EOF
v define "$T/dom.xml"
v start voldom
expect "a domain on a qcow2 volume with a backing volume starts" 0 "Domain 'voldom' started"
# the daemon opens every layer and passes descriptors: fd N is the
# overlay (read-write), fd M its backing volume (read-only)
chain_ok() {
    arg=$(grep -o -- "--disk fd:[0-9]*,format=qcow2,backing=qcow2:fd:[0-9]* " \
          "$T/log/domains/voldom.log" | tail -n 1)
    [ -n "$arg" ] || { echo "# no --disk fd:N,...,backing=qcow2:fd:M in the log"; return 1; }
    top_fd=${arg#--disk fd:}; top_fd=${top_fd%%,*}
    base_fd=${arg##*:fd:}; base_fd=${base_fd% }
    v domuuid voldom
    vpid=$(sed -n "s/.*<domstatus[^>]* pid='\([0-9]*\)'.*/\1/p" "$T/run/domains/$out.xml")
    [ -n "$vpid" ] || { echo "# no pid in the status file"; return 1; }
    [ "$(readlink "/proc/$vpid/fd/$top_fd")" = "$(realpath "$P/top.qcow2")" ] &&
        [ "$(readlink "/proc/$vpid/fd/$base_fd")" = "$(realpath "$P/base.qcow2")" ] &&
        grep -q "^flags:.*2$" "/proc/$vpid/fdinfo/$top_fd" &&
        grep -q "^flags:.*0$" "/proc/$vpid/fdinfo/$base_fd" ||
        { echo "# fds $top_fd, $base_fd of $vpid:"; ls -l "/proc/$vpid/fd" | sed 's/^/# /'; return 1; }
}
chain_ok
tap_ok $? "the VMM gets the whole chain, layer by layer, as descriptors"
v domblklist voldom
table "domblklist" " Target   Source
---------------------------------------------------
 vda      top.qcow2
 vdb      $P/up.img"
v domblklist voldom --details
has "domblklist --details" " volume   disk     vda      top.qcow2"
v domblkinfo voldom vda
expect "domblkinfo" 0 "Capacity:       100663296
Allocation:     $(stat -c %b "$P/top.qcow2" | awk '{ print $1 * 512 }')
Physical:       $(stat -c %s "$P/top.qcow2")"
v vol-delete top.qcow2 --pool p1
[ $rc = 1 ] && printf '%s\n' "$err" | grep -q "in use by running domain 'voldom'"
tap_ok $? "a disk of a running domain cannot be deleted"
v vol-wipe base.qcow2 --pool p1
[ $rc = 1 ] && printf '%s\n' "$err" | grep -q "in use by running domain 'voldom'"
tap_ok $? "nor its backing volume wiped"
v destroy voldom
v vol-info top.qcow2 --pool p1
qemu-img check -q "$P/top.qcow2"
tap_ok $? "after the VMM: the overlay is still clean"

# ---- external disk-only snapshots
v snapshot-create-as voldom s1 --disk-only
expect "snapshot-create-as --disk-only, stopped domain" 0 "Domain snapshot s1 created"
v dumpxml voldom
has "the disk now is the overlay" "<source file='$P/top.s1'/>"
qemu-img info "$P/top.s1" | grep -q "^backing file: $P/top.qcow2" && qemu-img check -q "$P/top.s1" &&
    qemu-img info "$P/up.s1" | grep -q "^backing file format: raw" &&
    [ -f "$T/cfg/snapshots/voldom/s1.xml" ]
tap_ok $? "each disk's overlay is qcow2 on its old image (qcow2 or raw); the snapshot is recorded"
# (type='dbt' is Vessel's own spelling: read as kvm, as test-xml-libvirt-schema.sh does)
sed "s/<domain type='dbt'>/<domain type='kvm'>/" "$T/cfg/snapshots/voldom/s1.xml" > "$T/s1.xml"
grep -q "<source file='$P/top.s1'/>" "$T/s1.xml" && grep -q "<source pool='p1' volume='top.qcow2'/>" "$T/s1.xml" &&
    { [ ! -f "$schemas/domainsnapshot.rng" ] ||
      xmllint --noout --relaxng "$schemas/domainsnapshot.rng" "$T/s1.xml" 2>/dev/null; }
tap_ok $? "the record names the overlays and the domain as it was; libvirt's domainsnapshot.rng accepts it"
v start voldom
v snapshot-create-as voldom s2 --disk-only --no-metadata
expect "snapshot-create-as --disk-only, running domain" 0 "Snapshot s2 created"
v dumpxml voldom
has "the live definition names the new overlay" "<source file='$P/top.s2'/>"
v dumpxml voldom --inactive
has "so does the persistent one" "<source file='$P/top.s2'/>"
state_is voldom running && [ ! -f "$T/cfg/snapshots/voldom/s2.xml" ]
tap_ok $? "the domain keeps running; no metadata with --no-metadata"
v destroy voldom
qemu-img check -q "$P/top.s2" && qemu-img check -q "$P/top.s1" &&
    qemu-img info "$P/top.s2" | grep -q "^backing file: $P/top.s1" &&
    qemu-img compare -q "$P/top.s2" "$P/top.qcow2"
tap_ok $? "after the VMM: the chain top.s2 -> top.s1 -> top.qcow2 is clean and reads the same"
v snapshot-create-as voldom s2 --disk-only
[ $rc = 1 ] && printf '%s\n' "$err" | grep -q "already exists"
tap_ok $? "a snapshot whose overlay exists is refused"

# ---- blockcommit: back from the snapshots
v start voldom
v blockcommit voldom vda --shallow --pivot --delete
expect "blockcommit --shallow --pivot --delete, running domain" 0 "$(printf "\nSuccessfully pivoted")"
v dumpxml voldom
has "the live definition names the base" "<source file='$P/top.s1'/>"
[ ! -e "$P/top.s2" ] && state_is voldom running
tap_ok $? "the committed overlay is deleted; the domain keeps running"
v destroy voldom
qemu-img check -q "$P/top.s1" && qemu-img compare -q "$P/top.s1" "$P/top.qcow2"
tap_ok $? "after the VMM: the base is clean and reads as before"
v blockcommit voldom vdb --pivot
expect "blockcommit --pivot, stopped domain, into the deepest (raw) file" 0 "$(printf "\nSuccessfully pivoted")"
v dumpxml voldom --inactive
has "the definition names the raw base" "<source file='$P/up.img'/>"
v blockcommit voldom vdb --pivot
[ $rc = 1 ] && printf '%s\n' "$err" | grep -q "has no backing file"
tap_ok $? "blockcommit of a disk without a backing file is refused"
v blockcommit voldom vda --pivot --base "$T/nothing.qcow2"
[ $rc = 1 ] && printf '%s\n' "$err" | grep -q "could not find image"
tap_ok $? "blockcommit into a file outside the chain is refused"
sed -i "s|<driver name='qemu' type='qcow2'/>||" "$T/dom.xml"
v define "$T/dom.xml"
v start voldom
[ $rc = 1 ] && printf '%s\n' "$err" | grep -q "looks like qcow2: name its format"
tap_ok $? "a qcow2 volume without <driver type> is refused, never probed"
v undefine voldom

# ---- stop and remove
v pool-destroy p1
expect "pool-destroy" 0 "Pool p1 destroyed"
v vol-list p1
[ $rc = 1 ] && printf '%s\n' "$err" | grep -q "is not active"
tap_ok $? "vol-list on an inactive pool fails"
v pool-delete p1
[ $rc = 1 ]
tap_ok $? "pool-delete of a directory with files fails"
rm -f "$P"/*
v pool-delete p1
expect "pool-delete" 0 "Pool p1 deleted"
v pool-undefine p1
expect "pool-undefine" 0 "Pool p1 has been undefined"
v pool-list --all --name
expect "only the default pool is left" 0 "default"
tap_done
