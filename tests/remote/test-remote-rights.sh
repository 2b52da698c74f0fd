#!/bin/sh
# test-remote-rights.sh - the libvirt transport opens a domain's files
# with the rights of the client, as the D-Bus transport does (caller_open.h;
# one rule for both, daemon_auth_peer_caller): a member of the socket
# group (uid 65534, group nogroup) starts through Debian's virsh a domain
# whose kernel it may read, and is refused one whose kernel sits in a
# directory only root may enter - which root starts.  Needs root (the
# daemon opens files as another user only when it is root) and setpriv.
. "$top_srcdir/tests/lib/tap.sh"
[ "$(id -u)" -eq 0 ] || tap_skip_all "needs root: only a root daemon opens files as the client"
command -v setpriv >/dev/null 2>&1 || tap_skip_all "setpriv not installed (util-linux)"
getent group nogroup >/dev/null 2>&1 || tap_skip_all "no group nogroup"
VESSELD_SOCKET_GROUP=nogroup
. "$top_srcdir/tests/remote/remote-env.sh"

tap_plan 5
ng=$(getent group nogroup | cut -d: -f3)
chmod a+x "$T" "$T/run"
mkdir -p "$T/pub" "$T/private"
cp "$GUESTS/idle.elf" "$T/pub/idle.elf"
cp "$GUESTS/idle.elf" "$T/private/idle.elf"
chmod 0755 "$T/pub"; chmod 0644 "$T/pub/idle.elf"
chmod 0700 "$T/private"
domxml pubvm | sed "s|<kernel>.*</kernel>|<kernel>$T/pub/idle.elf</kernel>|" > "$T/pub.xml"
domxml privvm | sed "s|<kernel>.*</kernel>|<kernel>$T/private/idle.elf</kernel>|" > "$T/priv.xml"
v define "$T/pub.xml"
v define "$T/priv.xml"

member() { # a member of the socket group, not root: uid 65534 in nogroup
    out=$(setpriv --reuid=65534 --regid="$ng" --groups="$ng" \
        env HOME="$T" XDG_CONFIG_HOME="$T/xdg" virsh -c "$LURI" "$@" 2>"$T/err"); rc=$?
    err=$(cat "$T/err")
}
member start pubvm
expect "a group member starts a domain whose kernel it may read" 0 "Domain 'pubvm' started"
member start privvm
[ $rc -eq 1 ] && printf '%s\n' "$err" | grep -q "Cannot open kernel .*has no search (x) permission on directory $T/private"
_r=$?; [ $_r -eq 0 ] || printf '%s\n' "$err" | sed 's/^/# /'
tap_ok $_r "... and is refused one whose kernel it may not read (the error names user and directory)"
lv "$LURI" domstate privvm
expect "the refused domain stays shut off" 0 "shut off"
lv "$LURI" start privvm
expect "root starts it" 0 "Domain 'privvm' started"
lv "$LURI" destroy privvm
lv "$LURI" destroy pubvm
lv "$LURI" list --all
same_state=$(printf '%s\n' "$out" | grep -c 'shut off')
[ "$same_state" = 2 ]
tap_ok $? "both stopped again"
tap_done
