# pkgroot.sh - sourced by install-test.sh and test-readme-install.sh: a
# Debian base root made by mmdebstrap and cached as a tarball, and a boot
# of a fresh copy of it with systemd under systemd-nspawn that runs one
# script as a oneshot service after multi-user.target.
#
#   pkgroot_base PKG...   sets $pkgroot_tar to the cached base root holding
#                         minbase and PKG... (made now when missing; with
#                         de_DE.UTF-8 generated when PKG... has locales)
#   pkgroot_boot ROOT SCRIPT NAME
#                         boots ROOT, whose /SCRIPT writes TAP to
#                         /root/result.tap and its count of failures to
#                         /root/result.rc; prints the TAP (and the console
#                         on failure); returns non-zero when a check failed
#
# The base is keyed by the Debian release, the apt sources and PKG...,
# kept in ~/.cache/vessel/pkgroot/ and rebuilt when older than
# VESSEL_PKGROOT_MAX_DAYS (30) days.  VESSEL_PKG_MIRROR replaces the
# host's sources (one-line sources.list entries, ';'-separated).  The
# container has a private network and no network to the mirror.
pkgroot_here=$(cd "$(dirname "$0")" && pwd)

pkgroot_base() {
    . /etc/os-release
    _suite=${VERSION_CODENAME:?no VERSION_CODENAME in /etc/os-release}
    _pkgs=$(printf '%s\n' "$@" | sort -u)
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

pkgroot_boot() {
    _root=$1 _script=$2 _name=$3
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
