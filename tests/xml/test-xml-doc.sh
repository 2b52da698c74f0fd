#!/bin/sh
# test-xml-doc.sh - xml/README.md cannot drift from the schemas: every
# element and attribute name in xml/schemas/*.rng must appear in the
# README inside `code` (a name the schema gains without a word in the
# documentation fails here, with the names and the schema).  One TAP line
# per schema.
. "$top_srcdir/tests/lib/tap.sh"

command -v python3 >/dev/null 2>&1 || tap_unavailable "python3 not found"
schemas=$(ls "$top_srcdir"/xml/schemas/*.rng)
tap_plan "$(echo "$schemas" | wc -l)"
for rng in $schemas; do
    missing=$(python3 - "$top_srcdir/xml/README.md" "$rng" <<'PY'
import re, sys
doc = open(sys.argv[1], encoding="utf-8").read()
words = set()
for span in re.findall(r"`([^`]*)`", doc):
    words.update(re.findall(r"[A-Za-z_][A-Za-z0-9_-]*", span))
rng = open(sys.argv[2], encoding="utf-8").read()
for kind in ("element", "attribute"):
    for name in sorted(set(re.findall(r'<%s name="([^"]+)"' % kind, rng))):
        if name not in words:
            print("%s %s" % (kind, name))
PY
)
    rc=$?
    [ $rc -eq 0 ] && [ -z "$missing" ]
    r=$?
    [ $r -eq 0 ] || printf '%s\n' "$missing" | sed "s|^|# not in xml/README.md: |"
    tap_ok $r "xml/README.md names every element and attribute of $(basename "$rng")"
done
tap_done
