#!/bin/sh
# debian-sources.sh - print the host's apt sources for one Debian suite as
# one-line sources.list entries (deb822 .sources stanzas converted),
# leaving out third-party repositories: what mmdebstrap is given so a root
# it makes comes from the same Debian mirror the host uses, and nothing
# else.  VESSEL_PKG_MIRROR replaces them (one-line entries, ';'-separated).
#
#   scripts/debian-sources.sh [SUITE]     (default: the host's codename)
set -eu
if [ -n "${VESSEL_PKG_MIRROR:-}" ]; then
    printf '%s\n' "$VESSEL_PKG_MIRROR" | tr ';' '\n'
    exit 0
fi
if [ $# -ge 1 ]; then
    suite=$1
else
    . /etc/os-release
    suite=${VERSION_CODENAME:?no VERSION_CODENAME in /etc/os-release}
fi
cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
awk -v c="$suite" '$1 == "deb" {
    i = 2; if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
    if ($(i + 1) ~ ("^" c "(-|$)")) print }'
for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk -v c="$suite" '
    function flush(  n, m, i, j, U, S) {
        if (types ~ /(^| )deb( |$)/ && enabled != "no") {
            n = split(uris, U, " "); m = split(suites, S, " ")
            for (i = 1; i <= n; i++) for (j = 1; j <= m; j++)
                if (S[j] ~ ("^" c "(-|$)"))
                    print "deb " (sb != "" ? "[signed-by=" sb "] " : "") U[i] " " S[j] " " comps
        }
        types = uris = suites = comps = sb = enabled = ""
    }
    /^#/ { next }
    /^[ \t]*$/ { flush(); next }
    /^[A-Za-z-]+:/ {
        k = tolower($1); sub(/:$/, "", k); v = $0; sub(/^[^:]*:[ \t]*/, "", v)
        if (k == "types") types = v; else if (k == "uris") uris = v
        else if (k == "suites") suites = v; else if (k == "components") comps = v
        else if (k == "signed-by") sb = v; else if (k == "enabled") enabled = tolower(v)
    }
    END { flush() }' "$f"
done
