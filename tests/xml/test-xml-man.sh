#!/bin/sh
# test-xml-man.sh - the XML man pages cannot drift from the schemas
# (issue 22): vessel-domain(5) from xml/schemas/domain.rng,
# vessel-network(5) from network.rng, vessel-storage(5) from
# storagepool.rng and storagevol.rng.  Every element of a page's schemas,
# named by its parent ("disk/source"; a root by itself, "domain"), has an
# entry in the page (a ".B PARENT/NAME" line after ".TP") that names each
# of its attributes ("attr=") and shows an example of it (a ".nf" block
# with "<NAME"); and every entry names an element the schemas have (none
# left over).  Three checks per page.
. "$top_srcdir/tests/lib/tap.sh"

command -v python3 >/dev/null 2>&1 || tap_unavailable "python3 not found"
# PAGE SCHEMA...: the pages of xml/ and the schemas each describes.
pages="vessel-domain.5:domain.rng vessel-network.5:network.rng vessel-storage.5:storagepool.rng,storagevol.rng"
# shellcheck disable=SC2086
tap_plan $(( 3 * $(printf '%s\n' $pages | wc -l) ))
for pair in $pages; do
page=${pair%%:*}
schemas=$(printf '%s\n' "${pair#*:}" | tr ',' '\n' | sed "s|^|$top_srcdir/xml/schemas/|")
# shellcheck disable=SC2086
out=$(python3 - "$top_srcdir/xml/$page" $schemas <<'PY'
import re, sys
import xml.etree.ElementTree as ET

NS = "{http://relaxng.org/ns/structure/1.0}"
schema = {}      # "parent/name" -> set of attribute names

def walk(node, key, here, seen):
    for c in node:
        tag = c.tag[len(NS):]
        if tag == "element":
            name = c.get("name")
            if name is None:        # anyName: metadata's foreign children
                continue
            k = here + "/" + name if here else name
            schema.setdefault(k, set())
            if ("el", k) not in seen:
                walk(c, k, name, seen | {("el", k)})
        elif tag == "attribute":
            if c.get("name"):
                schema.setdefault(key, set()).add(c.get("name"))
        elif tag == "ref":
            r = ("ref", key, c.get("name"))
            if r not in seen:
                walk(defines[c.get("name")], key, here, seen | {r})
        else:
            walk(c, key, here, seen)

for rng in sys.argv[2:]:
    root = ET.parse(rng).getroot()
    defines = {d.get("name"): d for d in root.iter(NS + "define")}
    walk(root.find(NS + "start"), "", "", frozenset())

lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
entries = {}     # heading -> the entry's lines
cur = None
for i, line in enumerate(lines):
    if line.startswith(".TP") and i + 1 < len(lines) and lines[i + 1].startswith(".B "):
        cur = lines[i + 1][3:].strip()
        entries[cur] = []
        continue
    if line.startswith(".SH") or line.startswith(".SS"):
        cur = None
    if cur is not None:
        entries[cur].append(line)

for key in sorted(schema):
    if key not in entries:
        print("missing: no entry for %s" % key)
        continue
    body = "\n".join(entries[key]).replace("\\-", "-")
    for attr in sorted(schema[key]):
        if attr + "=" not in body:
            print("attribute: %s does not name %s=" % (key, attr))
    name = key.split("/")[-1]
    examples = re.findall(r"^\.nf\n(.*?)^\.fi", body, re.S | re.M)
    if not any("<" + name in e for e in examples):
        print("example: %s has no example with <%s" % (key, name))
for key in sorted(entries):
    if key not in schema:
        print("stale: %s is not in the schema" % key)
PY
)
rc=$?
for what in "missing|attribute" example stale; do
    bad=$(printf '%s\n' "$out" | grep -E "^($what):")
    [ $rc -eq 0 ] && [ -z "$bad" ]
    r=$?
    [ $r -eq 0 ] || printf '%s\n' "$bad" | sed 's/^/# /'
    case $what in
    missing*) tap_ok $r "$page has an entry, with every attribute, for every element of ${pair#*:}" ;;
    example) tap_ok $r "every entry of $page shows an example of its element" ;;
    stale) tap_ok $r "$page describes no element its schemas do not have" ;;
    esac
done
done
tap_done
