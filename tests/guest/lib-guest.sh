# lib-guest.sh - shared helpers for the reference-guest network tests:
# namespaces the test creates and deletes, a private vesseld inside one,
# vsh on it, the guest initramfs with a per-test /etc/vessel/run, domain
# XML, the guests' console logs, and snapshots of a namespace's state.
# Source it after setting nothing; it sources tests/lib/tap.sh.
#
#   guest_require            skip (or fail under CI, tap_unavailable) unless root, the
#                            tools and the reference guest are available;
#                            sets GUEST_DIR (scripts/guest-fetch.sh)
#   guest_setup              work dir $GUEST_WORK (kept with
#                            VESSEL_TEST_KEEP=1), cleanup on exit
#   guest_ns_add NS          create a namespace (deleted at exit), lo up
#   guest_daemon_start NS    private `vesseld --config` in NS (or in our
#                            own namespace if NS is ""); vsh uses it
#   guest_daemon_stop        SIGTERM and wait
#   vsh ARGS...              vsh connected to that daemon
#   guest_initrd OUT DIR     reference initramfs + DIR's files appended
#   guest_domain_xml NAME INITRD TYPE:SOURCE:MAC...   a domain with NICs
#   guest_log NAME           path of NAME's console log (daemon's log)
#   guest_value NAME TAG     last "TAG: value" the guest printed
#   guest_wait_log SECS NAME PATTERN   wait for PATTERN in NAME's log
#   guest_reach SECS NAME MARKER       the same, bail out if it never comes
#   guest_ns_snapshot NS     ip -d link, ip addr, nft ruleset, processes
#   guest_scale              VESSEL_TEST_TIMEOUT_SCALE (default 1)
. "$top_srcdir/tests/lib/tap.sh"

PATH=$PATH:/usr/sbin:/sbin
BUSYBOX=${BUSYBOX:-/bin/busybox}
GUEST_VSH=$top_builddir/shell/vsh
GUEST_VESSELD=$top_builddir/daemon/vesseld
GUEST_VMM=$top_builddir/vmm/vessel-vmm
GUEST_NAMESPACES=
GUEST_DAEMON_PID=

guest_scale() { echo "${VESSEL_TEST_TIMEOUT_SCALE:-1}"; }

guest_require() {
    tap_skip_if_quick
    [ "$(id -u)" -eq 0 ] || tap_unavailable "needs root for network namespaces"
    for prog in ip nft dnsmasq cpio gzip "$BUSYBOX"; do
        command -v "$prog" >/dev/null 2>&1 || tap_unavailable "$prog not found"
    done
    [ -c /dev/net/tun ] || tap_unavailable "no /dev/net/tun"
    for prog in "$GUEST_VSH" "$GUEST_VESSELD" "$GUEST_VMM"; do
        [ -x "$prog" ] || tap_unavailable "$prog not built"
    done
    GUEST_DIR=$(sh "$top_srcdir/scripts/guest-fetch.sh" 2>/dev/null) &&
        [ -f "$GUEST_DIR/vmlinuz" ] || tap_unavailable "guest kernel not available"
}

guest_cleanup() {
    [ -n "$GUEST_DAEMON_PID" ] && kill -9 "$GUEST_DAEMON_PID" 2>/dev/null
    # VMMs of a daemon outside any test namespace (they outlive it)
    for _st in "$GUEST_WORK"/daemon/run/domains/*.xml; do
        [ -f "$_st" ] || continue
        _pid=$(sed -n "s/.*<domstatus [^>]* pid='\([0-9]*\)'.*/\1/p" "$_st")
        [ -n "$_pid" ] && kill -9 "$_pid" 2>/dev/null
    done
    for ns in $GUEST_NAMESPACES; do
        # VMMs, dnsmasq, listeners: whatever still runs in our namespaces.
        pids=$(ip netns pids "$ns" 2>/dev/null)
        [ -n "$pids" ] && kill -9 $pids 2>/dev/null
        ip netns del "$ns" 2>/dev/null
    done
    if [ -n "${VESSEL_TEST_KEEP:-}" ]; then
        echo "# kept $GUEST_WORK"
    else
        rm -rf "$GUEST_WORK"
    fi
}

guest_setup() {
    GUEST_WORK=$(mktemp -d "${TMPDIR:-/tmp}/vessel-guest.XXXXXX") || tap_bail "mktemp"
    # The VMM may run as another user: it must read the kernel and initrd.
    chmod 755 "$GUEST_WORK"
    trap guest_cleanup EXIT
    trap 'exit 1' INT TERM
}

guest_ns_add() {
    ip netns add "$1" 2>"$GUEST_WORK/ns.err" ||
        tap_unavailable "cannot create a network namespace: $(cat "$GUEST_WORK/ns.err")"
    GUEST_NAMESPACES="$GUEST_NAMESPACES $1"
    ip -n "$1" link set lo up
}

vsh() { "$GUEST_VSH" -c "vessel+unix://$GUEST_WORK/daemon/run/vessel-sock" "$@"; }

guest_daemon_start() {
    d=$GUEST_WORK/daemon
    mkdir -p "$d"
    # As root the daemon opens the guest kernel in root's cache itself
    # and runs each VMM as an id of its own from uid_range (unique to this
    # run: no account needed, none shared with another test).
    _ufirst=$((0x70200000 + ($$ % 16384) * 64))
    cat >"$d/vesseld.conf" <<EOC
[paths]
config_dir=$d/etc
run_dir=$d/run
log_dir=$d/log
state_dir=$d/state
[sockets]
group=
[dbus]
system_bus=false
[vmm]
uid_range=$_ufirst-$((_ufirst + 63))
path=$GUEST_VMM
shutdown_grace=10
[networks]
define_default=false
EOC
    if [ -n "$1" ]; then
        ip netns exec "$1" "$GUEST_VESSELD" --config "$d/vesseld.conf" >>"$d/vesseld.log" 2>&1 &
    else
        "$GUEST_VESSELD" --config "$d/vesseld.conf" >>"$d/vesseld.log" 2>&1 &
    fi
    GUEST_DAEMON_PID=$!
    if ! wait_until $((20 * $(guest_scale))) vsh list --all; then
        sed 's/^/# vesseld: /' "$d/vesseld.log"
        tap_bail "vesseld did not come up${1:+ in namespace $1}"
    fi
}

guest_daemon_stop() {
    [ -n "$GUEST_DAEMON_PID" ] || return 0
    kill -TERM "$GUEST_DAEMON_PID"
    wait "$GUEST_DAEMON_PID"
    _rc=$?
    GUEST_DAEMON_PID=
    return $_rc
}

# guest_initrd OUT DIR: the reference initramfs (scripts/mkinitramfs.sh)
# with DIR's tree (e.g. etc/vessel/run) appended as a second archive.
guest_initrd() {
    [ -f "$GUEST_WORK/base.cpio.gz" ] ||
        sh "$top_srcdir/scripts/mkinitramfs.sh" "$GUEST_DIR" "$GUEST_WORK/base.cpio.gz" ||
        tap_bail "mkinitramfs failed"
    (cd "$2" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet | gzip) \
        >"$GUEST_WORK/extra.cpio.gz" || tap_bail "cpio failed"
    cat "$GUEST_WORK/base.cpio.gz" "$GUEST_WORK/extra.cpio.gz" >"$1"
    chmod 644 "$1"
}

# guest_domain_xml NAME INITRD IFACE...: one vCPU under dbt, one virtio
# interface per IFACE = TYPE:SOURCE:MAC (TYPE network or bridge), in that
# order; the guest learns its name from vessel.name=.
guest_domain_xml() {
    _name=$1; _initrd=$2; shift 2
    cat <<EOX
<domain type='dbt'>
  <name>$_name</name>
  <memory unit='MiB'>256</memory>
  <vcpu>1</vcpu>
  <os>
    <type>hvm</type>
    <kernel>$GUEST_DIR/vmlinuz</kernel>
    <initrd>$_initrd</initrd>
    <cmdline>console=ttyS0 panic=-1 vessel.name=$_name</cmdline>
  </os>
  <devices>
EOX
    for _if in "$@"; do
        _type=${_if%%:*}; _rest=${_if#*:}
        cat <<EOX
    <interface type='$_type'>
      <mac address='${_rest#*:}'/>
      <source $_type='${_rest%%:*}'/>
      <model type='virtio'/>
    </interface>
EOX
    done
    cat <<EOX
    <serial type='pty'/>
  </devices>
</domain>
EOX
}

guest_log() { echo "$GUEST_WORK/daemon/log/domains/$1.log"; }

# guest_plain FILTER: a guest's output without terminal escape sequences
# (cursor moves, colours), as bytes (ESC) or as the domain log writes them
# ("\x1b", daemon/domain_log.c): SeaBIOS's serial console places the
# cursor where it resumes drawing, at times inside a word.
guest_plain() { tr -d '\r' | sed -E 's/(\x1b|\\x1b)\[[0-9;?]*[A-Za-z]//g'; }
guest_log_plain() { guest_plain <"$(guest_log "$1")" 2>/dev/null; }

_guest_log_grep() { tr -d '\r' <"$(guest_log "$1")" 2>/dev/null | grep -q -E -- "$2"; }

guest_wait_log() { wait_until "$1" _guest_log_grep "$2" "$3"; }

# guest_reach SECS NAME MARKER: wait for MARKER in NAME's log; stop early
# if the guest panics or its VMM exits; bail out (with the log's tail)
# when MARKER never came, as everything after depends on it.
guest_reach() {
    guest_wait_log "$1" "$2" "$3|Kernel panic|vesseld: VMM pid [0-9]+ (exited|killed|died)"
    _guest_log_grep "$2" "$3" && return 0
    guest_log_show "$2" 60
    tap_bail "guest $2 never printed '$3'"
}

# The guests print "T-TAG: value" lines; kernel messages may share a line.
guest_value() {
    tr -d '\r' <"$(guest_log "$1")" 2>/dev/null |
        sed -n "s/.*$2: \\([^ ]*\\).*/\\1/p" | tail -n 1
}

guest_log_show() { tr -d '\r' <"$(guest_log "$1")" 2>/dev/null | tail -n "${2:-40}" | sed "s/^/# $1: /"; }

# Everything a network may leave behind in NS, in a diffable form (the
# bridges' running timers masked).
guest_ns_snapshot() {
    # A new IPv6 address is "tentative" until duplicate address detection
    # ends: wait for that, and leave the flag out anyway, so the snapshot
    # does not depend on timing (an address present or not still differs).
    wait_until $((20 * $(guest_scale))) sh -c "! ip -n '$1' addr show | grep -qw tentative"
    ip -n "$1" -d link show | sed -E 's/([a-z_]+_timer) +[0-9.]+/\1 -/g'
    ip -n "$1" addr show | sed -E 's/ tentative( |$)/\1/'
    ip -n "$1" route show
    ip netns exec "$1" nft list ruleset
    for p in $(ip netns pids "$1"); do
        [ "$p" = "$GUEST_DAEMON_PID" ] || echo "process: $(cat /proc/"$p"/comm 2>/dev/null)"
    done | sort
}

# guest_status NAME: the daemon's status file of running domain NAME
# (RUN/domains/UUID.xml), empty if none.
guest_status() {
    grep -l "<name>$1</name>" "$GUEST_WORK"/daemon/run/domains/*.xml 2>/dev/null | head -n 1
}
