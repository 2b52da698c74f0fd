#!/bin/sh
# test-readme-install.sh - README.md's "Install and run your first VM" from
# a build tree, followed as written on a root that has never seen the
# tree (issue 22): a fresh Debian root (pkgroot.sh: mmdebstrap, cached)
# booted with systemd under systemd-nspawn, where
# test-readme-install-inside.sh runs the README's install commands as
# root (sudo dropped), its first-VM commands as a user of the group, and
# its uninstall commands, checking the group, the socket, the user's
# read-write access, the VM's run and shutdown, the logs, and that
# uninstalling leaves only what the README says.  Prints TAP.
#
#   tests/packaging/test-readme-install.sh BUILDDIR [DEB...]
#                                 (as root; BUILDDIR built; scripts/packages.sh)
#
# The commands are extracted from README.md here, so the README cannot
# drift.  What stands in for what, and only that: `make install` is
# `make install DESTDIR=stage` in BUILDDIR (the prefix the README's
# default, /usr/local), copied file by file into the root (which has no
# compiler nor the sources); `make uninstall` is removing inside the root
# the files that `make uninstall DESTDIR=stage` removes from the staged
# tree (the test fails if it leaves any); the kernel is the tiny test
# guest (tests/vmm/guests/idle.S, which echoes its console) as
# /var/lib/vessel/images/vmlinuz; type='kvm' becomes 'dbt' when vessel-ok
# says so (the container has no /dev/kvm), as the README says to do.
# The base root holds the packages dpkg-shlibdeps names for the installed
# programs and library, what debian/control says they run, and with
# DEB... given those packages' Depends: then it is install-test.sh's root,
# cached already.  Making a root takes a few minutes once, then the run
# takes about one (see the README of this directory).  VESSEL_TEST_KEEP=1 keeps the container's root.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
[ "$(id -u)" -eq 0 ] || { echo "Bail out! test-readme-install.sh needs root (it boots a container)"; exit 1; }
for t in mmdebstrap systemd-nspawn python3 dpkg-shlibdeps objdump; do
    command -v "$t" >/dev/null 2>&1 ||
        { echo "Bail out! $t not found (scripts/deps.sh installs it)"; exit 1; }
done
[ $# -ge 1 ] && [ -f "$1/Makefile" ] || { echo "Bail out! usage: $0 BUILDDIR [DEB...]"; exit 1; }
build=$(cd "$1" && pwd)

root=$(mktemp -d /var/tmp/vessel-readme.XXXXXX)
stage=$root.stage
cleanup() {
    rm -rf "$stage" "$stage.u" "$root.readme" "$root.make.log" "$root.shl"
    [ -n "${VESSEL_TEST_KEEP:-}" ] && echo "# kept $root" || rm -rf "$root"
}
trap cleanup EXIT

# --- the README's commands ------------------------------------------------
mkdir -p "$root.readme"
python3 - "$top/README.md" "$root.readme" <<'PY' || { echo "Bail out! README.md lacks a part of the first-VM section"; exit 1; }
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
sec = re.search(r"^## Install and run your first VM\n(.*?)^## ", text, re.S | re.M).group(1)
def para(start):
    m = re.search(r"^" + re.escape(start) + r".*?(?=\n\n)", sec, re.S | re.M)
    return " ".join(m.group(0).split())
def sudo(p):        # the `sudo ...` spans of a paragraph, in order, sudo dropped
    c = [s[5:] for s in re.findall(r"`(sudo [^`]*)`", p)]
    assert c
    return "\n".join(c) + "\n"
out = sys.argv[2]
inst = para("From a build tree instead:")
open(out + "/install", "w").write(sudo(inst.split("Without systemd")[0]))
xml = re.search(r"^```xml\n(.*?)^```", sec, re.S | re.M)
open(out + "/first.xml", "w").write(xml.group(1))
cmds = re.search(r"^```sh\n(.*?)^```", sec[xml.end():], re.S | re.M).group(1)
open(out + "/firstvm", "w").write(cmds)
un = para("Uninstall:")
un = un[un.index("From a build tree:"):]
open(out + "/uninstall", "w").write(sudo(un.split("; that leaves")[0]))
PY
for f in install firstvm uninstall; do sed "s/^/# README $f: /" "$root.readme/$f"; done

# --- make install, staged ------------------------------------------------------
prefix=$(sed -n 's/^prefix = //p' "$build/Makefile")
[ "$prefix" = /usr/local ] || echo "# note: $build is configured with prefix $prefix, not the README's default"
nice -n 10 make -s -C "$build" install DESTDIR="$stage" > "$root.make.log" 2>&1 ||
    { tail -n 20 "$root.make.log" | sed 's/^/# /'; echo "Bail out! make install DESTDIR failed"; exit 1; }
(cd "$stage" && find . ! -type d | sed 's/^\.//' | sort) > "$root.readme/installed"
cp -a "$stage" "$stage.u"
nice -n 10 make -s -C "$build" uninstall DESTDIR="$stage.u" > "$root.make.log" 2>&1 ||
    { tail -n 20 "$root.make.log" | sed 's/^/# /'; echo "Bail out! make uninstall DESTDIR failed"; exit 1; }
(cd "$stage.u" && find . ! -type d | sed 's/^\.//' | sort) > "$root.readme/not-uninstalled"
rm -rf "$stage.u" "$root.make.log"

# --- the base root: what the installed programs need ---------------------------
# dpkg-shlibdeps names the packages of the libraries the staged programs
# and libvessel link (libvessel itself is ours: debian/shlibs.local says
# so and -x leaves it out); debian/control names what they run (dnsmasq,
# nft, seabios...).  With .debs given, their Depends too: the same list as
# install-test.sh's, so both share one cached root.
shl=$root.shl
mkdir -p "$shl/debian"
: > "$shl/debian/control"
lib=$(find "$stage" -name 'libvessel.so.[0-9]*' -type f | head -n 1)
[ -n "$lib" ] || { echo "Bail out! make install put no libvessel.so"; exit 1; }
soname=$(objdump -p "$lib" | sed -n 's/^ *SONAME *//p')      # libvessel.so.N
echo "libvessel ${soname#libvessel.so.} libvessel${soname#libvessel.so.}" > "$shl/debian/shlibs.local"
elfs=$(find "$stage" -type f | while read -r f; do
        case $(head -c 4 "$f" | od -An -tx1) in *"7f 45 4c 46"*) echo "$f" ;; esac; done)
# shellcheck disable=SC2086
shlibs=$(cd "$shl" && dpkg-shlibdeps -O -x"libvessel${soname#libvessel.so.}" \
        -l"$(dirname "$lib")" $elfs 2> "$shl/err") ||
    { sed 's/^/# /' "$shl/err"; echo "Bail out! dpkg-shlibdeps failed"; exit 1; }
runs=$(python3 - "$top/debian/control" <<'PY2'
import re, sys
paras = [p for p in open(sys.argv[1], encoding="utf-8").read().split("\n\n") if p.strip()]
fields = [dict(re.findall(r"^([\w-]+):(.*(?:\n .*)*)", p, re.M)) for p in paras]
ours = {f["Package"].strip() for f in fields if "Package" in f}
for f in fields:
    if "Package" not in f or f["Package"].strip().endswith("-dev"):
        continue
    for rel in (f.get("Pre-Depends", "") + "," + f.get("Depends", "")).split(","):
        name = re.sub(r"\(.*?\)", "", rel.split("|")[0]).strip()
        if name and "$" not in name and name not in ours:
            print(name)
PY2
)
pkgs=$(printf '%s\n' "${shlibs#shlibs:Depends=}" | tr ',' '\n' | sed -e 's/|.*//' -e 's/(.*)//' -e 's/[[:space:]]//g')
. "$here/pkgroot.sh"
shift
[ $# -eq 0 ] || pkgs="$pkgs $(pkgroot_deb_depends "$@")"
echo "# the root holds:" $(printf '%s\n' $pkgs $runs | sort -u)
# shellcheck disable=SC2086
pkgroot_base $pkgs $runs
tar -C "$root" -xf "$pkgroot_tar"

# --- into the root: the staged install, the commands, the guest --------------------
cp -a "$stage" "$root/root/stage"
mv "$root.readme"/* "$root/root/" && rmdir "$root.readme"
cp "$here/test-readme-install-inside.sh" "$root/root/"
pkgroot_guest "$root/root/idle.elf"
pkgroot_boot "$root" /root/test-readme-install-inside.sh vessel-readme-test
