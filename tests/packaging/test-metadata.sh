#!/bin/sh
# test-metadata.sh - the packaging agrees with the tree: one version
# (configure.ac's, as PACKAGE_VERSION) in debian/changelog, in the RPM
# spec and in the spec's %changelog; the Debian symbols file lists exactly
# libvessel's exported symbols; the spec embeds data/'s sysusers file and
# owns the tmpfiles.d directories with the same modes; every library
# configure.ac checks for with pkg-config is a build dependency of both.
. "$top_srcdir/tests/lib/tap.sh"
: "${PACKAGE_VERSION:?PACKAGE_VERSION not set (run through make check)}"
spec=$top_builddir/vessel.spec
chlog=$top_srcdir/debian/changelog
T=$(mktemp -d "${TMPDIR:-/tmp}/vessel-pkgmeta.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
tap_plan 10

# 1: debian/changelog's newest entry is for this upstream version
# (epoch and Debian revision stripped).
deb_version=$(sed -n '1s/^vessel (\([^)]*\)).*/\1/p' "$chlog")
deb_upstream=$(printf '%s\n' "$deb_version" | sed -e 's/^[0-9]*://' -e 's/-[^-]*$//')
[ "$deb_upstream" = "$PACKAGE_VERSION" ]
rc=$?; [ $rc -eq 0 ] || echo "# debian/changelog says '$deb_version', configure.ac '$PACKAGE_VERSION': add an entry (dch -v $PACKAGE_VERSION-1)"
tap_ok $rc "debian/changelog's version $deb_version is configure.ac's $PACKAGE_VERSION"

# 2: dpkg reads the changelog the same way (where dpkg-dev is installed).
if command -v dpkg-parsechangelog >/dev/null 2>&1; then
    parsed=$(dpkg-parsechangelog -l "$chlog" -S Version 2>"$T/err")
    [ "$parsed" = "$deb_version" ]
    rc=$?; [ $rc -eq 0 ] || sed 's/^/# /' "$T/err"
    tap_ok $rc "dpkg-parsechangelog reads version $parsed"
else
    echo "ok 2 - dpkg-parsechangelog reads the changelog # SKIP dpkg-dev not installed"
    _tap_n=2
fi

# 3: the generated spec carries configure.ac's version.
spec_version=$(sed -n 's/^Version: *//p' "$spec")
[ "$spec_version" = "$PACKAGE_VERSION" ]
tap_ok $? "vessel.spec Version $spec_version is configure.ac's $PACKAGE_VERSION"

# 4: the spec's newest %changelog entry is for Version-Release.
spec_release=$(sed -n 's/^Release: *\([^%]*\).*/\1/p' "$spec")
spec_chlog=$(sed -n '/^%changelog/,${/^\* /{s/.* - \([^ ]*\) *$/\1/p;q}}' "$spec")
[ "$spec_chlog" = "$spec_version-$spec_release" ]
rc=$?; [ $rc -eq 0 ] || echo "# vessel.spec.in: newest %changelog entry is '$spec_chlog', expected '$spec_version-$spec_release'"
tap_ok $rc "vessel.spec's newest %changelog entry is $spec_chlog"

# 5: the Debian symbols file lists exactly libvessel's exported symbols
# (client/libvessel.sym, itself checked against vessel.h).
sed -n 's/^ \([A-Za-z_][A-Za-z0-9_]*\)@Base .*/\1/p' "$top_srcdir/debian/libvessel0.symbols" | sort > "$T/deb"
grep -v '^[[:space:]]*$' "$top_srcdir/client/libvessel.sym" | sort > "$T/sym"
diff "$T/sym" "$T/deb" > "$T/symdiff"
rc=$?
if [ $rc -ne 0 ]; then
    echo "# debian/libvessel0.symbols differs from client/libvessel.sym ('<' add ' NAME@Base $PACKAGE_VERSION', '>' a symbol went: bump the SONAME):"
    sed 's/^/#   /' "$T/symdiff"
fi
tap_ok $rc "debian/libvessel0.symbols lists the $(wc -l < "$T/sym") symbols of libvessel.sym"

# 6: the symbols file is for the library's SONAME (libvessel.so.0 as
# libtool's -version-info C:R:A makes it: C-A).
vinfo=$(sed -n 's/.*-version-info \([0-9]*\):[0-9]*:\([0-9]*\).*/\1 \2/p' "$top_srcdir/client/Makefile.am")
soname_major=$(( ${vinfo% *} - ${vinfo#* } ))
head -n 1 "$top_srcdir/debian/libvessel0.symbols" | grep -q "^libvessel.so.$soname_major libvessel$soname_major "
rc=$?
grep -q "^Package: libvessel$soname_major\$" "$top_srcdir/debian/control" || rc=1
tap_ok $rc "libvessel0 packages SONAME libvessel.so.$soname_major"

# 7: the spec's %pre creates what data/vessel.sysusers.conf declares.
sed -n '/^%pre daemon/,/^VESSEL_SYSUSERS_EOF/p' "$spec" | sed '1,/<<.VESSEL_SYSUSERS_EOF/d;$d' > "$T/pre"
diff "$top_srcdir/data/vessel.sysusers.conf" "$T/pre" > "$T/prediff"
rc=$?; [ $rc -eq 0 ] || { echo "# re-run config.status:"; sed 's/^/#   /' "$T/prediff"; }
tap_ok $rc "vessel.spec's %pre embeds data/vessel.sysusers.conf"

# 8: every directory the spec owns with %attr has tmpfiles.d's mode and
# owner (rpm would otherwise reset what systemd-tmpfiles set).
rc=0; n=0
sed -n 's/^%dir %attr(\([0-7]*\), *\([^,]*\), *\([^)]*\)) *\(.*\)$/\1 \2 \3 \4/p' "$spec" > "$T/attrs"
while read -r mode user group path; do
    path=$(printf '%s\n' "$path" | sed -e 's|%{_sysconfdir}|@sysconfdir@|' -e 's|%{_localstatedir}|@localstatedir@|')
    line=$(awk -v p="$path" '$1 == "d" && $2 == p { print $3, $4, $5 }' "$top_srcdir/data/vessel.tmpfiles.conf.in")
    n=$((n + 1))
    if [ "$line" != "$mode $user $group" ]; then
        echo "# $path: spec says '$mode $user $group', tmpfiles.d '$line'"
        rc=1
    fi
done < "$T/attrs"
[ "$n" -gt 0 ] || rc=1
tap_ok $rc "the spec's $n %dir %attr lines match data/vessel.tmpfiles.conf.in"

# The pkg-config modules configure.ac checks for (PKG_CHECK_MODULES'
# second argument, versions dropped), one a line.
sed -n 's/.*PKG_CHECK_MODULES(\[[A-Za-z0-9_]*\], *\[\([^]]*\)\].*/\1/p' \
    "$top_srcdir/configure.ac" | tr ' ' '\n' | grep -E '^[A-Za-z]' | sort -u > "$T/modules"

# 9: the spec's BuildRequires name each as pkgconfig(MODULE), as Fedora
# writes them (a new library in configure.ac fails here until it is added).
rc=0
while read -r m; do
    grep -Eq "^BuildRequires: *pkgconfig\\($m\\)" "$spec" ||
        { echo "# vessel.spec.in: add 'BuildRequires:  pkgconfig($m)' (configure.ac checks for it)"; rc=1; }
done < "$T/modules"
[ -s "$T/modules" ] || rc=1
tap_ok $rc "vessel.spec BuildRequires the $(wc -l < "$T/modules") pkg-config modules of configure.ac"

# 10: debian/control's Build-Depends hold the package each module's .pc
# file comes from on this host (dpkg -S), so dpkg-buildpackage on a clean
# machine installs what configure needs.
sed -n '/^Build-Depends:/,/^[^ ]/{s/^Build-Depends://;/^[^ ]/d;p}' "$top_srcdir/debian/control" |
    tr ',' '\n' | sed -e 's/[(<[].*//' -e 's/[[:space:]]//g' | grep -v '^$' | sort -u > "$T/bdeps"
if command -v dpkg >/dev/null 2>&1 && command -v pkg-config >/dev/null 2>&1; then
    rc=0; found=0; unknown=""
    while read -r m; do
        pc=$(pkg-config --path "$m" 2>/dev/null) || { unknown="$unknown $m"; continue; }
        pkg=$(dpkg -S "$pc" 2>/dev/null || dpkg -S "$(readlink -f "$pc")" 2>/dev/null) ||
            { unknown="$unknown $m"; continue; }
        pkg=${pkg%%:*}
        found=$((found + 1))
        grep -qxF "$pkg" "$T/bdeps" ||
            { echo "# debian/control: add '$pkg' to Build-Depends (it holds $m.pc, which configure.ac checks for)"; rc=1; }
    done < "$T/modules"
    [ -z "$unknown" ] || echo "# not installed from a package here, not checked:$unknown"
    [ "$found" -gt 0 ] || rc=1
    tap_ok $rc "debian/control Build-Depends on the packages of the $found pkg-config modules found here"
else
    echo "ok 10 - debian/control Build-Depends cover configure.ac's pkg-config modules # SKIP no dpkg or pkg-config"
    _tap_n=10
fi

tap_done
