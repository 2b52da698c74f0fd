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
. /etc/os-release
suite=${VERSION_CODENAME:?no VERSION_CODENAME in /etc/os-release}
own=$(for d in $debs; do dpkg-deb -f "$d" Package; done | sort -u)
# Depends of the .debs (first alternative, no versions), less our own.
deps=$(for d in $debs; do dpkg-deb -f "$d" Pre-Depends Depends; done |
    sed 's/^[A-Za-z-]*: //' | tr ',' '\n' | sed -e 's/|.*//' -e 's/(.*)//' \
        -e 's/:any//' -e 's/[[:space:]]//g' | grep -v '^$' | sort -u |
    grep -vxF "$own" || :)
# What the test itself uses: systemd as init, man, the German locale.
pkgs=$(printf '%s\n' $deps systemd systemd-sysv dbus man-db locales logrotate | sort -u)

# The host's Debian sources for $suite, as one-line entries, leaving out
# third-party repositories (or VESSEL_PKG_MIRROR): scripts/debian-sources.sh.
sources=$(sh "$here/../../scripts/debian-sources.sh" "$suite")

cache=${XDG_CACHE_HOME:-$HOME/.cache}/vessel/pkgroot
key=$(printf '%s\n%s\n%s\n' "$suite" "$sources" "$pkgs" | sha256sum | cut -c1-16)
base=$cache/$suite-$key.tar
max_days=${VESSEL_PKGROOT_MAX_DAYS:-30}
mkdir -p "$cache"
if [ -f "$base" ] && [ -z "$(find "$base" -mtime +"$max_days")" ]; then
    echo "# base root: $base (cached)"
else
    echo "# base root: making $base with mmdebstrap ($(echo $pkgs | wc -w) packages)"
    t0=$(date +%s)
    IFS='
'
    # shellcheck disable=SC2086
    if ! nice -n 10 mmdebstrap --variant=minbase --include="$(echo $pkgs | tr ' ' ,)" \
        --customize-hook='echo "de_DE.UTF-8 UTF-8" >> "$1/etc/locale.gen"' \
        --customize-hook='chroot "$1" locale-gen' \
        "$suite" "$cache/new.tar" $sources > "$cache/mmdebstrap.log" 2>&1; then
        unset IFS
        tail -n 30 "$cache/mmdebstrap.log" | sed 's/^/# /'
        rm -f "$cache/new.tar"
        echo "Bail out! mmdebstrap failed"; exit 1
    fi
    unset IFS
    mv "$cache/new.tar" "$base"
    # Older bases (other keys) are stale now.
    find "$cache" -name "$suite-*.tar" ! -name "$(basename "$base")" -delete
    echo "# base root made in $(( $(date +%s) - t0 )) s"
fi

# --- a fresh copy of it, booted, running the steps ---------------------------
root=$(mktemp -d /var/tmp/vessel-install.XXXXXX)
cleanup() { [ -n "${VESSEL_TEST_KEEP:-}" ] && echo "# kept $root" || rm -rf "$root"; }
trap cleanup EXIT
tar -C "$root" -xf "$base"
mkdir -p "$root/root/debs"
cp $debs "$root/root/debs/"
cp "$here/install-test-inside.sh" "$root/root/install-test-inside.sh"
# The tiny test guest the daemon tests run (tests/daemon/Makefile.am).
mkdir -p "$root/srv/vessel-test"
guests=$here/../vmm/guests
${CC:-cc} -nostdlib -static -no-pie -Wl,-Ttext=0x1000000 -Wl,--build-id=none \
    -I"$guests" -o "$root/srv/vessel-test/idle.elf" "$guests/idle.S" ||
    { echo "Bail out! cannot assemble tests/vmm/guests/idle.S"; exit 1; }
chmod 644 "$root/srv/vessel-test/idle.elf"
# Run after boot (after multi-user.target, so DefaultDependencies=no:
# a target orders itself after what it wants otherwise).
cat > "$root/etc/systemd/system/vessel-install-test.service" <<'EOF'
[Unit]
Description=Vessel install test
DefaultDependencies=no
After=multi-user.target

[Service]
Type=oneshot
ExecStart=/bin/sh /root/install-test-inside.sh
StandardOutput=journal+console

[Install]
WantedBy=multi-user.target
EOF
ln -s ../vessel-install-test.service \
    "$root/etc/systemd/system/multi-user.target.wants/vessel-install-test.service"
echo vessel-install-test > "$root/etc/hostname"

t0=$(date +%s)
rc=0
timeout 900 systemd-nspawn --quiet --register=no --keep-unit --private-network \
    --console=read-only -D "$root" --machine="vessel-it-$$" -b > "$root.console" 2>&1 || rc=$?
echo "# container ran for $(( $(date +%s) - t0 )) s (systemd-nspawn exit $rc)"
if [ -f "$root/root/result.tap" ]; then
    cat "$root/root/result.tap"
fi
if [ ! -f "$root/root/result.rc" ] || [ "$(cat "$root/root/result.rc")" != 0 ]; then
    echo "# the container's console, last lines:"
    tail -n 40 "$root.console" | sed 's/^/#   /'
    rm -f "$root.console"
    [ -f "$root/root/result.rc" ] || echo "Bail out! the install test did not finish"
    exit 1
fi
rm -f "$root.console"
