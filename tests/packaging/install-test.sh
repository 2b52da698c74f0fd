#!/bin/sh
# install-test.sh - Vessel's .debs as a user meets them, on a root that has
# never seen the build tree: a fresh Debian root (mmdebstrap, from the
# host's apt sources) booted with systemd under systemd-nspawn, where
# install-test-inside.sh installs the packages with apt, checks users,
# units, the running daemon, permissions, the programs, man pages and the
# German catalogue, upgrades, removes and purges them, and lists what is
# left.  Prints TAP; exit status non-zero when a check fails.
#
#   tests/packaging/install-test.sh DEB...     (as root; -dbgsym .debs are skipped)
#
# The base root (minbase, systemd, man-db, locales with de_DE.UTF-8, and
# every Depends of the .debs but the .debs themselves) is cached as a
# tarball in ~/.cache/vessel/pkgroot/, keyed by the Debian release, the
# apt sources and that package list, and rebuilt when older than
# VESSEL_PKGROOT_MAX_DAYS (30) days.  The container has a private network
# (the daemon's default NAT network stays inside it) and no network to
# the mirror: the install must need nothing beyond the cached root.
# VESSEL_TEST_KEEP=1 keeps the container's root; VESSEL_PKG_MIRROR
# replaces the host's sources (one-line sources.list entries, ';'-separated).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
[ "$(id -u)" -eq 0 ] || { echo "Bail out! install-test.sh needs root (it boots a container)"; exit 1; }
for t in mmdebstrap systemd-nspawn dpkg-deb; do
    command -v "$t" >/dev/null 2>&1 ||
        { echo "Bail out! $t not found (scripts/deps.sh installs it)"; exit 1; }
done

debs=""
for d in "$@"; do
    case $d in *-dbgsym_*) continue ;; esac
    debs="$debs $(cd "$(dirname "$d")" && pwd)/$(basename "$d")"
done
[ -n "$debs" ] || { echo "Bail out! no .deb given"; exit 1; }

# --- the base root, from the cache or made now -------------------------------
. "$here/pkgroot.sh"
# shellcheck disable=SC2086
pkgroot_base $(pkgroot_deb_depends $debs)
base=$pkgroot_tar

# --- a fresh copy of it, booted, running the steps ---------------------------
root=$(mktemp -d /var/tmp/vessel-install.XXXXXX)
cleanup() { [ -n "${VESSEL_TEST_KEEP:-}" ] && echo "# kept $root" || rm -rf "$root"; }
trap cleanup EXIT
tar -C "$root" -xf "$base"
mkdir -p "$root/root/debs"
cp $debs "$root/root/debs/"
cp "$here/install-test-inside.sh" "$root/root/install-test-inside.sh"
pkgroot_guest "$root/srv/vessel-test/idle.elf"
pkgroot_boot "$root" /root/install-test-inside.sh vessel-install-test
