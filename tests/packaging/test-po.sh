#!/bin/sh
# test-po.sh - the translations can see every message: each source file
# that marks strings with _() or N_() is in po/POTFILES.in (23 were
# missing once, their messages never reached a translator); each listed
# file exists; xgettext cuts no message short (a GLib G_*_FORMAT macro
# inside _() ends the msgid at its '%', so the string looked up at run
# time never matches: use <inttypes.h>'s PRIu64 & co., which gettext
# knows); the German catalogue passes msgfmt's format checks.
. "$top_srcdir/tests/lib/tap.sh"
command -v xgettext >/dev/null 2>&1 && command -v msgfmt >/dev/null 2>&1 ||
    tap_unavailable "xgettext/msgfmt not installed (Debian package gettext)"
T=$(mktemp -d "${TMPDIR:-/tmp}/vessel-po.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
cd "$top_srcdir" || exit 1
tap_plan 4

# the product's C sources (tests and helpers of the build excluded)
grep -l -E '\b(N_|_)\("' $(find client common daemon netbridge shell storage vmm xml \
    -name '*.c' | sort) > "$T/marked"
grep -v '^#' po/POTFILES.in | sed '/^$/d' | sort > "$T/listed"
sort "$T/marked" | comm -23 - "$T/listed" > "$T/missing"
[ ! -s "$T/missing" ]; r=$?
sed 's/^/# not in po\/POTFILES.in: /' "$T/missing"
tap_ok $r "every source file with _() or N_() is in po/POTFILES.in ($(wc -l < "$T/marked") files)"

: > "$T/gone"
while read -r f; do [ -f "$f" ] || echo "$f" >> "$T/gone"; done < "$T/listed"
[ ! -s "$T/gone" ]; r=$?
sed 's/^/# listed but missing: /' "$T/gone"
tap_ok $r "every file po/POTFILES.in lists exists"

xgettext --keyword=_ --keyword=N_ --from-code=UTF-8 -o "$T/all.pot" -f "$T/listed" 2>"$T/xg.err"
r=$?
[ $r -eq 0 ] || sed 's/^/# xgettext: /' "$T/xg.err"
# a msgid whose last line ends in an odd run of '%' was cut at a macro
python3 - "$T/all.pot" > "$T/cut" <<'EOPY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
for entry in text.split("\n\n"):
    ids = re.findall(r'^msgid (".*")$((?:\n".*")*)', entry, re.M)
    for first, rest in ids:
        s = "".join(re.findall(r'"(.*)"', first + rest))
        m = re.search(r'(%+)$', s)
        if m and len(m.group(1)) % 2:
            loc = re.findall(r"^#: (.*)$", entry, re.M)
            print("%s: %s" % (" ".join(loc), s))
EOPY
[ $r -eq 0 ] && [ ! -s "$T/cut" ]; r=$?
sed 's/^/# cut at a format macro: /' "$T/cut"
tap_ok $r "xgettext cuts no message short at a format macro"

msgfmt -c --check-format -o /dev/null po/de.po 2> "$T/msgfmt.err"; r=$?
sed 's/^/# /' "$T/msgfmt.err" | head -n 20
tap_ok $r "po/de.po passes msgfmt -c --check-format"
