#!/bin/sh
# test-xml-libvirt-schema.sh - our formatter's output (the golden files,
# which test-xml-golden proves equal to it) validates against libvirt's
# own domain.rng / network.rng.  The schemas come from Debian's libvirt0
# package; without it the test skips, except under CI=true where it fails.
# type='dbt' is Vessel's own spelling (DESIGN.md): those outputs must be
# rejected by libvirt's schema only for that attribute, so they are
# checked with the type rewritten to 'kvm'.
. "$top_srcdir/tests/lib/tap.sh"

schemas=${LIBVIRT_SCHEMAS:-/usr/share/libvirt/schemas}
XMLLINT=${XMLLINT:-xmllint}
if [ ! -f "$schemas/domain.rng" ] || [ ! -f "$schemas/network.rng" ]; then
    if [ "$CI" = true ]; then
        echo "1..1"
        echo "not ok 1 - libvirt schemas missing in $schemas (install the Debian package libvirt0)"
        exit 1
    fi
    tap_skip_all "libvirt schemas not installed (Debian package libvirt0)"
fi
command -v "$XMLLINT" >/dev/null 2>&1 || tap_bail "xmllint not found (Debian package libxml2-utils)"

dir="$top_srcdir/tests/xml"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

n=2
for f in "$dir"/domain-out/*.xml "$dir"/network-out/*.xml; do n=$((n + 1)); done
tap_plan $n

for f in "$dir"/domain-out/*.xml; do
    name=$(basename "$f")
    if grep -q "^<domain type='dbt'>" "$f"; then
        sed "1s/^<domain type='dbt'>/<domain type='kvm'>/" "$f" > "$tmp/$name"
        tap_check "domain-out/$name (type='dbt' read as kvm) valid for libvirt" \
            "$XMLLINT" --noout --relaxng "$schemas/domain.rng" "$tmp/$name"
    else
        tap_check "domain-out/$name valid for libvirt" \
            "$XMLLINT" --noout --relaxng "$schemas/domain.rng" "$f"
    fi
done
for f in "$dir"/network-out/*.xml; do
    tap_check "network-out/$(basename "$f") valid for libvirt" \
        "$XMLLINT" --noout --relaxng "$schemas/network.rng" "$f"
done

# Beyond the golden files: every definition the seeded fuzz run manages
# to parse is formatted and must be valid for libvirt too.
fuzz="$top_builddir/tests/xml/test-xml-fuzz"
mkdir "$tmp/fuzz"
VESSEL_FUZZ_DUMP_DIR="$tmp/fuzz" VESSEL_FUZZ_ITERATIONS=3000 VESSEL_FUZZ_SEED=7 \
    "$fuzz" -p /xml/fuzz/mutations > "$tmp/fuzz.log" 2>&1 || tap_bail "$fuzz failed"
sed -i "1s/^<domain type='dbt'>/<domain type='kvm'>/" "$tmp"/fuzz/domain-*.xml
for kind in domain network; do
    count=$(ls "$tmp"/fuzz/$kind-*.xml | wc -l)
    if [ "$count" -lt 10 ]; then
        tap_ok 1 "fuzz produced only $count ${kind}s"
        continue
    fi
    tap_check "$count fuzz-generated ${kind}s valid for libvirt" \
        "$XMLLINT" --noout --relaxng "$schemas/$kind.rng" "$tmp"/fuzz/$kind-*.xml
done
tap_done
