#!/bin/sh
# test-remote-storage.sh - Debian's virsh drives vesseld's storage pools
# and volumes through its libvirt socket: the same tables and values as
# vsh prints over D-Bus (pool-list, pool-info, vol-list --details,
# vol-info, vol-path/-key/-name/-pool), the pool lifecycle (define-as,
# build, start, autostart, destroy, delete, undefine) with pool-event
# --loop seeing it, volumes made, cloned, resized, wiped and deleted
# (qemu-img, Debian qemu-utils, reads what was made), vol-upload (more
# than the daemon buffers: paced) and vol-download byte for byte; the
# read-only socket reads and refuses writes with libvirt's own error.
. "$top_srcdir/tests/lib/tap.sh"
command -v qemu-img >/dev/null 2>&1 || {
    [ "$CI" = true ] && { echo "1..1"; echo "not ok 1 - qemu-img missing (qemu-utils)"; exit 1; }
    tap_skip_all "qemu-img not installed (Debian package qemu-utils)"
}
VESSELD_CONF_EXTRA="[storage]
default_pool=images"
. "$top_srcdir/tests/remote/remote-env.sh"

# same_as DESC VSH-ARGS...: virsh's $out equals vsh's output for VSH-ARGS
same_as() {
    _d=$1; shift
    _v=$("$VSH" -c "$URI" "$@" 2>&1)
    [ $rc -eq 0 ] && [ "$out" = "$_v" ]
    _r=$?
    [ $_r -eq 0 ] || printf 'virsh (rc %s):\n%s\n%s\nvsh:\n%s\n' "$rc" "$out" "$err" "$_v" | sed 's/^/# /'
    tap_ok $_r "$_d"
}
P="$T/pool1"

tap_plan 45

# ---- pools ------------------------------------------------------------------
wait_until 30 sh -c "'$VSH' -c '$URI' pool-list --name | grep -qx default"
lv "$LURI" pool-list --all
same_as "pool-list --all: vsh's table (the default pool)" pool-list --all
virsh -c "$LURI" pool-event --event lifecycle --loop --timeout 120 > "$T/events" 2>&1 &
EPID=$!
lv "$LURI" pool-define-as p1 dir --target "$P"
expect "pool-define-as" 0 "Pool p1 defined"
lv "$LURI" pool-list --all
same_as "pool-list --all with an inactive pool" pool-list --all
lv "$LURI" pool-start p1
[ $rc -eq 1 ] && printf '%s\n' "$err" | grep -q "cannot open directory '$P'"
tap_ok $? "pool-start before pool-build fails, saying why"
lv "$LURI" pool-build p1
expect "pool-build" 0 "Pool p1 built"
[ -d "$P" ]; tap_ok $? "the directory exists"
lv "$LURI" pool-start p1
expect "pool-start" 0 "Pool p1 started"
lv "$LURI" pool-autostart p1
expect "pool-autostart" 0 "Pool p1 marked as autostarted"
lv "$LURI" pool-info p1
[ $rc -eq 0 ] && [ "$(printf '%s\n' "$out" | head -5)" = "$("$VSH" -c "$URI" pool-info p1 | head -5)" ] &&
    printf '%s\n' "$out" | grep -Eq '^Capacity: +[0-9.]+ (GiB|TiB|MiB)$'
tap_ok $? "pool-info: vsh's lines and a capacity"
lv "$LURI" pool-uuid p1
same_as "pool-uuid" pool-uuid p1
lv "$LURI" pool-dumpxml --inactive p1
has "pool-dumpxml names the directory" "<path>$P</path>"
lv "$LURI" pool-list --all --details
[ $rc -eq 0 ] && printf '%s\n' "$out" | grep -Eq '^ p1 +running +yes +yes +[0-9.]+ '
tap_ok $? "pool-list --details: p1 running, persistent, autostart"

# ---- volumes ------------------------------------------------------------------
lv "$LURI" vol-create-as p1 a.raw 1M
expect "vol-create-as raw" 0 "Vol a.raw created"
lv "$LURI" vol-create-as p1 b.qcow2 2M --format qcow2 --backing-vol a.raw --backing-vol-format raw
expect "vol-create-as qcow2 on a backing volume" 0 "Vol b.qcow2 created"
qemu-img info --output=json "$P/b.qcow2" > "$T/qi" 2>&1
grep -q '"format": "qcow2"' "$T/qi" && grep -q "\"backing-filename\": \"$P/a.raw\"" "$T/qi" &&
    grep -q '"virtual-size": 2097152' "$T/qi"
tap_ok $? "qemu-img reads a 2 MiB qcow2 backed by a.raw"
lv "$LURI" vol-list p1
same_as "vol-list: vsh's table" vol-list p1
lv "$LURI" vol-list --details p1
same_as "vol-list --details" vol-list --details p1
lv "$LURI" vol-info --pool p1 b.qcow2
same_as "vol-info" vol-info --pool p1 b.qcow2
lv "$LURI" vol-path --pool p1 a.raw
expect "vol-path" 0 "$P/a.raw"
lv "$LURI" vol-key --pool p1 a.raw
expect "vol-key: a dir pool's key is the path" 0 "$P/a.raw"
lv "$LURI" vol-name "$P/a.raw"
expect "vol-name by path" 0 "a.raw"
lv "$LURI" vol-pool "$P/a.raw"
expect "vol-pool by path" 0 "p1"
lv "$LURI" vol-dumpxml --pool p1 b.qcow2
has "vol-dumpxml: the backing store" "<path>$P/a.raw</path>"
lv "$LURI" vol-resize --pool p1 a.raw 2M
expect "vol-resize" 0 "Size of volume 'a.raw' successfully changed to 2M"
[ "$(stat -c %s "$P/a.raw")" = 2097152 ]; tap_ok $? "the file is 2 MiB"
printf 'vessel-remote-%s' $$ | dd of="$P/a.raw" conv=notrunc 2>/dev/null
lv "$LURI" vol-download --pool p1 a.raw "$T/down"
[ $rc -eq 0 ] && cmp -s "$P/a.raw" "$T/down"
tap_ok $? "vol-download: the volume byte for byte"
lv "$LURI" vol-download --pool p1 --offset 4 --length 6 a.raw "$T/part"
[ $rc -eq 0 ] && [ "$(cat "$T/part")" = "el-rem" ]
tap_ok $? "vol-download --offset --length"
lv "$LURI" vol-clone --pool p1 a.raw c.raw
expect "vol-clone" 0 "Vol c.raw cloned from a.raw"
cmp -s "$P/a.raw" "$P/c.raw"; tap_ok $? "the clone has the same bytes"
# more than the daemon buffers for a stream: the upload must be paced
head -c 5000000 /dev/urandom > "$T/big"
lv "$LURI" vol-upload --pool p1 c.raw "$T/big"
[ $rc -eq 0 ] && cmp -s "$P/c.raw" "$T/big"
tap_ok $? "vol-upload of 5 MB: the volume is the file"
lv "$LURI" vol-download --pool p1 c.raw "$T/big2"
[ $rc -eq 0 ] && cmp -s "$T/big2" "$T/big"
tap_ok $? "... and vol-download gives it back"
lv "$LURI" vol-wipe --pool p1 c.raw
expect "vol-wipe" 0 "Vol c.raw wiped"
[ "$(stat -c %s "$P/c.raw")" = 5000000 ] && [ "$(tr -d '\0' < "$P/c.raw" | wc -c)" = 0 ]
tap_ok $? "the wiped volume is zeros"

# ---- the read-only socket --------------------------------------------------------
lv "$RURI" vol-list p1
same_as "read-only socket: vol-list" vol-list p1
lv "$RURI" vol-delete --pool p1 c.raw
[ $rc -eq 1 ] && printf '%s\n' "$err" | grep -q "read only access prevents virStorageVolDelete"
tap_ok $? "read-only socket: vol-delete refused with libvirt's error"
lv "$RURI" pool-destroy p1
has "read-only socket: pool-destroy refused" "read only access prevents virStoragePoolDestroy"
lv "$RURI" vol-download --pool p1 a.raw "$T/ro"
[ $rc -ne 0 ] && [ ! -s "$T/ro" ]; tap_ok $? "read-only socket: no vol-download"

# ---- the end of a pool -------------------------------------------------------------
lv "$LURI" vol-delete --pool p1 c.raw
expect "vol-delete" 0 "Vol c.raw deleted"
lv "$LURI" vol-delete --pool p1 nope
[ $rc -eq 1 ] && printf '%s\n' "$err" | grep -q "Storage volume not found"
tap_ok $? "vol-delete of no such volume: libvirt's not-found error"
"$VSH" -c "$URI" vol-delete --pool p1 b.qcow2 > /dev/null
"$VSH" -c "$URI" vol-delete --pool p1 a.raw > /dev/null
lv "$LURI" pool-destroy p1
expect "pool-destroy" 0 "Pool p1 destroyed"
lv "$LURI" pool-delete p1
expect "pool-delete" 0 "Pool p1 deleted"
[ ! -e "$P" ]; tap_ok $? "the directory is gone"
lv "$LURI" pool-undefine p1
expect "pool-undefine" 0 "Pool p1 has been undefined"
wait_until 30 grep -q "p1: Undefined" "$T/events"
for e in Defined Started Stopped Deleted Undefined; do
    grep -qx "event 'lifecycle' for storage pool p1: $e" "$T/events" || { echo "# no $e"; false; } || break
done
_r=$?; [ $_r -eq 0 ] || sed 's/^/# /' "$T/events"
tap_ok $_r "pool-event --loop saw Defined, Started, Stopped, Deleted, Undefined"
kill -INT $EPID; wait $EPID; EPID=
lv "$LURI" pool-list --all
same_as "pool-list --all at the end" pool-list --all
tap_done
