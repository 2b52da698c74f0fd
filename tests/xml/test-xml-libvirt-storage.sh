#!/bin/sh
# test-xml-libvirt-storage.sh - our storage pool and volume XML against
# libvirt itself: the formatted outputs (pool-out/, vol-out/) validate
# against libvirt's storagepool.rng / storagevol.rng (Debian libvirt0),
# and libvirt's own parser takes them - virsh and python3-libvirt on
# libvirt's test driver (test:///default, no daemon): pool-define,
# pool-start, vol-create - and what libvirt then prints (pool-dumpxml,
# vol-dumpxml) parses with ours again (vessel-xml pool / volume).
# Without the packages the test skips, except under CI=true.
. "$top_srcdir/tests/lib/tap.sh"

schemas=${LIBVIRT_SCHEMAS:-/usr/share/libvirt/schemas}
XMLLINT=${XMLLINT:-xmllint}
need() {
    if [ "$CI" = true ]; then
        echo "1..1"; echo "not ok 1 - $1"; exit 1
    fi
    tap_skip_all "$1"
}
[ -f "$schemas/storagepool.rng" ] || need "libvirt schemas missing (Debian package libvirt0)"
command -v virsh >/dev/null 2>&1 || need "virsh missing (Debian package libvirt-clients)"
# Debian's interpreter: the bindings live in its dist-packages
py=/usr/bin/python3
[ -x "$py" ] || py=python3
"$py" -c 'import libvirt' 2>/dev/null || need "python3-libvirt missing"

dir="$top_srcdir/tests/xml"
vx="$top_builddir/xml/vessel-xml"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

n=0
for f in "$dir"/pool-out/*.xml "$dir"/vol-out/*.xml; do n=$((n + 1)); done
tap_plan $((n + 4))

for f in "$dir"/pool-out/*.xml; do
    tap_check "pool-out/$(basename "$f") valid for libvirt" \
        "$XMLLINT" --noout --relaxng "$schemas/storagepool.rng" "$f"
done
for f in "$dir"/vol-out/*.xml; do
    tap_check "vol-out/$(basename "$f") valid for libvirt" \
        "$XMLLINT" --noout --relaxng "$schemas/storagevol.rng" "$f"
done

# virsh on the test driver: define and start our pool, create our volumes
# in it, dump both back.
pool="$dir/pool-out/libvirt-dumpxml.xml"
cmds="pool-define $pool; pool-start images"
for f in "$dir"/vol-out/*.xml; do cmds="$cmds; vol-create images $f"; done
cmds="$cmds; pool-dumpxml images; vol-dumpxml --pool images overlay.qcow2"
virsh -q -c test:///default "$cmds" > "$tmp/virsh.out" 2> "$tmp/virsh.err"
rc=$?
[ $rc -eq 0 ] || sed 's/^/# /' "$tmp/virsh.err"
tap_ok $rc "virsh (libvirt's parser) defines our pool and creates our volumes"

sed -n '/^<pool/,/^<\/pool>/p' "$tmp/virsh.out" > "$tmp/pool.xml"
sed -n '/^<volume/,/^<\/volume>/p' "$tmp/virsh.out" > "$tmp/vol.xml"
"$vx" pool "$tmp/pool.xml" > /dev/null && "$vx" volume "$tmp/vol.xml" > /dev/null
tap_ok $? "our parser reads libvirt's pool-dumpxml and vol-dumpxml"

cat > "$tmp/py" <<'PY'
import sys, libvirt
conn = libvirt.open('test:///default')
pool = conn.storagePoolDefineXML(open(sys.argv[1]).read())
pool.create()
for f in sys.argv[2:]:
    vol = pool.createXML(open(f).read())
    info = vol.info()
    assert info[1] > 0, info          # capacity as we wrote it
print(pool.XMLDesc())
PY
"$py" "$tmp/py" "$pool" "$dir"/vol-out/*.xml > "$tmp/py.out" 2> "$tmp/py.err"
rc=$?
[ $rc -eq 0 ] || sed 's/^/# /' "$tmp/py.err"
tap_ok $rc "python3-libvirt defines our pool and creates our volumes"
"$vx" pool "$tmp/py.out" > /dev/null
tap_ok $? "our parser reads the pool XML python3-libvirt returns"
tap_done
