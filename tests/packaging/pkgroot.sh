# pkgroot.sh - what install-test.sh and test-readme-install.sh share: a
# Debian base root made by mmdebstrap and cached as a tarball, a boot of a
# fresh copy of it with systemd under systemd-nspawn that runs one script
# as a oneshot service after multi-user.target, and (sourced again inside
# that root as /root/pkgroot.sh) the TAP helpers of that script.
#
# On the host (sourced by the two tests):
#   pkgroot_deb_depends DEB...
#                         prints the Pre-Depends and Depends of the .debs
#                         (first alternative, no versions), less the .debs'
#                         own packages; -dbgsym .debs are left out
#   pkgroot_base PKG...   sets $pkgroot_tar to the cached base root holding
#                         minbase, $pkgroot_test_pkgs and PKG... (made now
#                         when missing; with de_DE.UTF-8 generated)
#   pkgroot_guest FILE    assembles the tiny test guest the daemon tests
#                         run (tests/vmm/guests/idle.S, which echoes its
#                         console) into FILE, mode 0644
#   pkgroot_boot ROOT SCRIPT NAME
#                         boots ROOT, whose /SCRIPT writes TAP to
#                         /root/result.tap and its count of failures to
#                         /root/result.rc; prints the TAP (and the console
#                         on failure); returns non-zero when a check failed
#
# In the root (SCRIPT starts with `. /root/pkgroot.sh; pkgroot_tap_begin`):
#   ok RC DESC            one TAP line, ok when RC is 0
#   check DESC CMD...     ok when CMD exits 0; its output shown when not
#   as USER CMD...        CMD as USER with a login's groups (initgroups)
#   wait_for SECS CMD...  retries CMD until it succeeds or SECS pass
#   pkgroot_snapshot [-f] [PATH...]
#                         every path (-f: every non-directory) of the root's
#                         file system, sorted, but /proc, /sys, /dev, /tmp,
#                         /var/tmp, /root, /home, /var/cache, the journal
#                         and PATH...
#   pkgroot_tap_end       the plan, /root/result.rc, and power off
#
# Both tests give pkgroot_base the same list when they are given the same
# .debs, so they share one base root.  It is keyed by the Debian release,
# the apt sources and the package list, kept in ~/.cache/vessel/pkgroot/
# and rebuilt when older than VESSEL_PKGROOT_MAX_DAYS (30) days.
# VESSEL_PKG_MIRROR replaces the host's sources (one-line sources.list
# entries, ';'-separated).  The container has a private network and no
# network to the mirror.
pkgroot_here=$(cd "$(dirname "$0")" && pwd)
# What the tests themselves use in the root: systemd as init, man, the
# German locale, logrotate.
pkgroot_test_pkgs="systemd systemd-sysv dbus man-db locales logrotate"

pkgroot_deb_depends() {
    for _d in "$@"; do shift; case $_d in *-dbgsym_*) ;; *) set -- "$@" "$_d" ;; esac; done
    _own=$(for _d in "$@"; do dpkg-deb -f "$_d" Package; done | sort -u)
    for _d in "$@"; do dpkg-deb -f "$_d" Pre-Depends Depends; done |
        sed 's/^[A-Za-z-]*: //' | tr ',' '\n' | sed -e 's/|.*//' -e 's/(.*)//' \
            -e 's/:any//' -e 's/[[:space:]]//g' | grep -v '^$' | sort -u |
        grep -vxF "$_own" || :
}

pkgroot_base() {
    . /etc/os-release
    _suite=${VERSION_CODENAME:?no VERSION_CODENAME in /etc/os-release}
    # shellcheck disable=SC2086
    _pkgs=$(printf '%s\n' $pkgroot_test_pkgs "$@" | sort -u)
    # The host's Debian sources for $suite, as one-line entries, leaving out
    # third-party repositories (or VESSEL_PKG_MIRROR): scripts/debian-sources.sh.
    _sources=$(sh "$pkgroot_here/../../scripts/debian-sources.sh" "$_suite")
    _cache=${XDG_CACHE_HOME:-$HOME/.cache}/vessel/pkgroot
    _key=$(printf '%s\n%s\n%s\n' "$_suite" "$_sources" "$_pkgs" | sha256sum | cut -c1-16)
    pkgroot_tar=$_cache/$_suite-$_key.tar
    _max_days=${VESSEL_PKGROOT_MAX_DAYS:-30}
    mkdir -p "$_cache"
    if [ -f "$pkgroot_tar" ] && [ -z "$(find "$pkgroot_tar" -mtime +"$_max_days")" ]; then
        echo "# base root: $pkgroot_tar (cached)"
        return 0
    fi
    echo "# base root: making $pkgroot_tar with mmdebstrap ($(echo $_pkgs | wc -w) packages)"
    _t0=$(date +%s)
    IFS='
'
    # shellcheck disable=SC2086
    if ! nice -n 10 mmdebstrap --variant=minbase --include="$(echo $_pkgs | tr ' ' ,)" \
        --customize-hook='[ ! -x "$1/usr/sbin/locale-gen" ] || echo "de_DE.UTF-8 UTF-8" >> "$1/etc/locale.gen"' \
        --customize-hook='[ ! -x "$1/usr/sbin/locale-gen" ] || chroot "$1" locale-gen' \
        "$_suite" "$_cache/new-$$.tar" $_sources > "$_cache/mmdebstrap.log" 2>&1; then
        unset IFS
        tail -n 30 "$_cache/mmdebstrap.log" | sed 's/^/# /'
        rm -f "$_cache/new-$$.tar"
        echo "Bail out! mmdebstrap failed"; exit 1
    fi
    unset IFS
    mv "$_cache/new-$$.tar" "$pkgroot_tar"
    # Bases older than the max age are stale; other keys may belong to
    # the other test using this file.
    find "$_cache" -name "$_suite-*.tar" -mtime +"$_max_days" -delete
    echo "# base root made in $(( $(date +%s) - _t0 )) s"
}

pkgroot_guest() {
    _g=$pkgroot_here/../vmm/guests
    mkdir -p "$(dirname "$1")"
    ${CC:-cc} -nostdlib -static -no-pie -Wl,-Ttext=0x1000000 -Wl,--build-id=none \
        -I"$_g" -o "$1" "$_g/idle.S" ||
        { echo "Bail out! cannot assemble tests/vmm/guests/idle.S"; exit 1; }
    chmod 644 "$1"
}

pkgroot_boot() {
    _root=$1 _script=$2 _name=$3
    cp "$pkgroot_here/pkgroot.sh" "$_root/root/pkgroot.sh"
    # Run after boot (after multi-user.target, so DefaultDependencies=no:
    # a target orders itself after what it wants otherwise).
    cat > "$_root/etc/systemd/system/$_name.service" <<EOT
[Unit]
Description=Vessel test $_name
DefaultDependencies=no
After=multi-user.target

[Service]
Type=oneshot
ExecStart=/bin/sh $_script
StandardOutput=journal+console

[Install]
WantedBy=multi-user.target
EOT
    ln -s "../$_name.service" "$_root/etc/systemd/system/multi-user.target.wants/$_name.service"
    echo "$_name" > "$_root/etc/hostname"
    _t0=$(date +%s)
    _rc=0
    timeout 900 systemd-nspawn --quiet --register=no --keep-unit --private-network \
        --console=read-only -D "$_root" --machine="vessel-$$" -b > "$_root.console" 2>&1 || _rc=$?
    echo "# container ran for $(( $(date +%s) - _t0 )) s (systemd-nspawn exit $_rc)"
    [ -f "$_root/root/result.tap" ] && cat "$_root/root/result.tap"
    if [ ! -f "$_root/root/result.rc" ] || [ "$(cat "$_root/root/result.rc")" != 0 ]; then
        echo "# the container's console, last lines:"
        tail -n 40 "$_root.console" | sed 's/^/#   /'
        rm -f "$_root.console"
        [ -f "$_root/root/result.rc" ] || echo "Bail out! the test in the container did not finish"
        return 1
    fi
    rm -f "$_root.console"
}

# ---- in the root ------------------------------------------------------------
pkgroot_tap_begin() {
    exec > /root/result.tap 2>&1
    n=0
    failed=0
}
ok() {
    n=$((n + 1))
    if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed + 1)); fi
}
check() {
    _d=$1; shift
    _o=$("$@" 2>&1); _rc=$?
    [ $_rc -eq 0 ] || printf '%s\n' "$_o" | sed 's/^/# /'
    ok $_rc "$_d"
    return $_rc
}
as() { _u=$1; shift; runuser -u "$_u" -- "$@"; }
wait_for() {
    _end=$(( $(date +%s) + $1 )); shift
    until "$@" >/dev/null 2>&1; do
        [ "$(date +%s)" -lt "$_end" ] || return 1
        sleep 0.2
    done
}
pkgroot_snapshot() {
    _what="-print"
    [ "${1:-}" = -f ] && { _what="! -type d -print"; shift; }
    _prune="-path /proc"
    for _p in /sys /dev /tmp /var/tmp /root /home /var/cache /var/log/journal "$@"; do
        _prune="$_prune -o -path $_p"
    done
    # shellcheck disable=SC2086
    find / -xdev \( $_prune \) -prune -o $_what | sort
}
pkgroot_tap_end() {
    echo "1..$n"
    echo "$failed" > /root/result.rc
    systemctl poweroff --no-block
}
