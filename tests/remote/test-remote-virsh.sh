#!/bin/sh
# test-remote-virsh.sh - Debian's virsh (libvirt-clients) drives vesseld
# through its libvirt sockets, qemu+unix:///system?socket=RUN/libvirt-sock:
# the same tables and XML as vsh (over D-Bus) prints, define, start,
# dominfo, domstate, dumpxml, console typed into a guest under tmux (^]
# detaches), reboot --mode acpi and reset, event --loop, shutdown, destroy, undefine, networks; the
# read-only socket refuses every write with libvirt's own error; a
# uri_aliases entry ("virsh -c vessel") for an unprivileged user, whom the
# daemon's one authorization check lets read and not write.  Guests are
# tests/daemon's tiny ones under the real vessel-vmm (remote-env.sh).
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/remote/remote-env.sh"

domxml web1 > "$T/web1.xml"
domxml db2 deaf > "$T/db2.xml"
cat > "$T/n1.xml" <<EOF
<network>
  <name>n1</name>
  <bridge name='vbr$$'/>
  <ip address='10.213.7.1' netmask='255.255.255.0'/>
</network>
EOF

tap_plan 62
# a part that cannot run here: skipped, but a failure under CI
tap_skip() {
    if tap_in_ci; then tap_ok 1 "$1 (required under CI)"; return; fi
    _tap_n=$((_tap_n + 1)); echo "ok $_tap_n # SKIP $1"
}

# same_as DESC VSH-ARGS...: virsh's $out equals vsh's output for VSH-ARGS
same_as() {
    _d=$1; shift
    _v=$("$VSH" -c "$URI" "$@" 2>&1)
    [ $rc -eq 0 ] && [ "$out" = "$_v" ]
    _r=$?
    [ $_r -eq 0 ] || printf 'virsh (rc %s):\n%s\n%s\nvsh:\n%s\n' "$rc" "$out" "$err" "$_v" | sed 's/^/# /'
    tap_ok $_r "$_d"
}

# ---- connection and host -------------------------------------------------
lv "$LURI" list --all
same_as "list --all on an empty daemon: vsh's table" list --all
lv "$LURI" uri
expect "uri is the one given" 0 "$LURI"
lv "$LURI" version
has "version names the hypervisor" "Running hypervisor: Vessel "
lv "$LURI" hostname
same_as "hostname" hostname
lv "$LURI" nodeinfo
[ $rc -eq 0 ] && [ "$(printf '%s\n' "$out" | grep '^CPU(s):')" = "$("$VSH" -c "$URI" nodeinfo | grep '^CPU(s):')" ]
tap_ok $? "nodeinfo: the CPUs vsh reports"
lv "$LURI" capabilities
has "capabilities list the accelerators" "<accelerator name='dbt'"
lv "$LURI" domcapabilities --virttype qemu
has "domcapabilities describe vessel-pc" "<machine>vessel-pc</machine>"
lv "$LURI" domcapabilities --arch aarch64
[ $rc -ne 0 ]; tap_ok $? "domcapabilities for another arch fails"
has "... saying why" "x86_64 guests only"

# ---- define, start, information -----------------------------------------
lv "$LURI" define "$T/web1.xml"
expect "define" 0 "Domain 'web1' defined from $T/web1.xml"
lv "$LURI" define "$T/db2.xml"
lv "$LURI" list --all
same_as "list --all of defined domains: vsh's table" list --all
lv "$LURI" start web1
expect "start" 0 "Domain 'web1' started"
lv "$LURI" list --all
same_as "list --all with a running domain: vsh's table" list --all
lv "$LURI" dominfo web1
[ $rc -eq 0 ] && [ "$(printf '%s\n' "$out" | grep -v '^CPU time:' | head -10)" = \
    "$("$VSH" -c "$URI" dominfo web1 | grep -v '^CPU time:' | head -10)" ]
tap_ok $? "dominfo: vsh's lines (Id to Autostart)"
printf '%s\n' "$out" | grep -qx 'State:          running'
tap_ok $? "dominfo says running"
lv "$LURI" domstate --reason web1
expect "domstate --reason" 0 "running (booted)"
lv "$LURI" dumpxml web1
same_as "dumpxml: vsh's XML" dumpxml web1
lv "$LURI" dumpxml --inactive web1
same_as "dumpxml --inactive" dumpxml --inactive web1
lv "$LURI" domuuid web1
same_as "domuuid" domuuid web1
lv "$LURI" autostart web1
lv "$LURI" dominfo web1
has "autostart took effect" "Autostart:      enable"
lv "$LURI" autostart --disable web1

# ---- console under tmux ---------------------------------------------------
if command -v tmux >/dev/null 2>&1; then
    TM="tmux -S $T/tmux"
    CLEANUP_EXTRA="$TM kill-server 2>/dev/null"
    $TM new-session -d -s con -x 120 -y 30 \
        "virsh -c '$LURI' console web1; echo CONSOLE-EXIT \$?; sleep 120"
    pane() { $TM capture-pane -p -t con; }
    wait_until 30 sh -c "$TM capture-pane -p -t con | grep -q 'Escape character is'"
    tap_ok $? "console connects"
    $TM send-keys -t con 'typed-through-virsh' Enter
    # the terminal is raw and virsh does not echo: what shows is the guest's echo
    wait_until 30 sh -c "$TM capture-pane -p -t con | grep -q 'typed-through-virsh'"
    tap_ok $? "what is typed reaches the guest and its echo comes back"
    $TM send-keys -t con C-]
    wait_until 30 sh -c "$TM capture-pane -p -t con | grep -q 'CONSOLE-EXIT 0'"
    _r=$?; [ $_r -eq 0 ] || pane | sed 's/^/# /'
    tap_ok $_r "^] detaches, virsh exits 0"
    lv "$LURI" domstate web1
    expect "the domain runs on after the console is gone" 0 "running"
else
    for i in 1 2 3 4; do tap_skip "tmux not installed"; done
fi

# ---- reboot (the power button, then a reset), reset ----------------------
# An event registration is live once an event reaches it: poke (autostart
# on and off, a 'Defined' event each) until one does.  Setting it on alone
# would raise one event only, lost if it came before the registration.
poke_until_defined() { # FILE
    "$VSH" -c "$URI" autostart web1 >/dev/null && "$VSH" -c "$URI" autostart --disable web1 >/dev/null &&
        grep -q Defined "$1"
}
WLOG=$T/log/domains/web1.log
buttons() { grep -c "power button" "$WLOG" 2>/dev/null; }
idles() { grep -c "idle" "$WLOG" 2>/dev/null; }
wait_until 30 sh -c "grep -q idle '$WLOG'"
# every event id, to see the reboot events the two resets below raise
virsh -c "$LURI" event --domain web1 --all --loop --timeout 120 > "$T/all-events" 2>&1 &
APID=$!
# and vsh over D-Bus (DomainEvent and DomainReboot)
"$VSH" -c "$URI" event web1 --all --loop --timeout 120 > "$T/vsh-events" 2>&1 &
VPID=$!
wait_until 30 poke_until_defined "$T/all-events" && wait_until 30 poke_until_defined "$T/vsh-events"
tap_ok $? "event --all --loop is registered"
i0=$(idles)
lv "$LURI" reboot --mode acpi web1
expect "reboot --mode acpi" 0 "Domain 'web1' is being rebooted"
wait_until 30 sh -c "[ \$(grep -c idle '$WLOG') -gt $i0 ]" && [ "$(buttons)" -eq 1 ]
tap_ok $? "reboot: the guest saw the power button, powered off and booted again"
i1=$(idles)
lv "$LURI" reset web1
expect "reset" 0 "Domain 'web1' was reset"
wait_until 30 sh -c "[ \$(grep -c idle '$WLOG') -gt $i1 ]" && [ "$(buttons)" -eq 1 ]
tap_ok $? "reset: the guest booted again without the power button"
reboots() { grep -cx "event 'reboot' for domain 'web1'" "$T/all-events"; }
wait_until 30 sh -c "[ \$(grep -cx \"event 'reboot' for domain 'web1'\" '$T/all-events') -ge 2 ]"
r=$?
kill -INT $APID; wait $APID; APID=
[ $r -eq 0 ] && [ "$(reboots)" -eq 2 ]; r=$?
[ $r -eq 0 ] || sed 's/^/# /' "$T/all-events"
tap_ok $r "event --all: one 'reboot' event for the reboot, one for the reset"
vsh_reboots() { grep -cx "event 'reboot' for domain 'web1'" "$T/vsh-events"; }
wait_until 30 sh -c "[ \$(grep -cx \"event 'reboot' for domain 'web1'\" '$T/vsh-events') -ge 2 ]"
r=$?
kill -INT $VPID; wait $VPID; VPID=
[ $r -eq 0 ] && [ "$(vsh_reboots)" -eq 2 ]; r=$?
[ $r -eq 0 ] || sed 's/^/# /' "$T/vsh-events"
tap_ok $r "vsh event --all: the same two reboot events (D-Bus DomainReboot)"
"$VSH" -c "$URI" event --list > "$T/types" 2>&1 && [ "$(cat "$T/types")" = "lifecycle
reboot" ]
tap_ok $? "vsh event --list names lifecycle and reboot"
lv "$LURI" domstate web1
expect "running after reboot and reset" 0 "running"

# ---- events, shutdown, destroy, undefine ----------------------------------
virsh -c "$LURI" event --domain web1 --event lifecycle --loop --timeout 120 > "$T/events" 2>&1 &
EPID=$!
wait_until 30 poke_until_defined "$T/events"
tap_ok $? "event --loop receives events"
lv "$LURI" shutdown web1
expect "shutdown" 0 "Domain 'web1' is being shutdown"
wait_until 30 sh -c "virsh -c '$LURI' domstate web1 | grep -qx 'shut off'"
tap_ok $? "the guest powers off"
wait_until 30 grep -q "Stopped Shutdown" "$T/events"
grep -qx "event 'lifecycle' for domain 'web1': Stopped Shutdown" "$T/events"
tap_ok $? "event --loop prints Stopped Shutdown"
kill -INT $EPID; wait $EPID; erc=$?; EPID=
[ $erc -eq 0 ] && grep -q '^events received: [0-9]*$' "$T/events"
tap_ok $? "event --loop ends cleanly on SIGINT"
lv "$LURI" event --all --timeout 1
# virsh's own rule: no event received is a failure (exit 1)
expect "event --all --timeout without events" 1 "event loop timed out
events received: 0"
lv "$LURI" start db2
lv "$LURI" shutdown db2
lv "$LURI" domstate db2
expect "a deaf guest ignores the power button" 0 "in shutdown"
lv "$LURI" destroy db2
expect "destroy" 0 "Domain 'db2' destroyed"
lv "$LURI" domstate --reason db2
expect "domstate after destroy" 0 "shut off (destroyed)"
lv "$LURI" undefine web1
expect "undefine" 0 "Domain 'web1' has been undefined"
lv "$LURI" list --all
same_as "list --all after undefine: vsh's table" list --all
lv "$LURI" dominfo web1
[ $rc -eq 1 ] && printf '%s\n' "$err" | grep -qx "error: failed to get domain 'web1'"
tap_ok $? "an undefined domain is not found"

# ---- networks -------------------------------------------------------------
lv "$LURI" net-list --all
same_as "net-list --all: vsh's table" net-list --all
lv "$LURI" net-define "$T/n1.xml"
has "net-define" "Network n1 defined from $T/n1.xml"
lv "$LURI" net-list --all
same_as "net-list --all with an inactive network" net-list --all
lv "$LURI" net-dumpxml n1
same_as "net-dumpxml" net-dumpxml n1
lv "$LURI" net-undefine n1
has "net-undefine" "Network n1 has been undefined"

# ---- the read-only socket ---------------------------------------------------
lv "$RURI" list --all
same_as "read-only socket: list --all" list --all
lv "$RURI" dumpxml db2
same_as "read-only socket: dumpxml" dumpxml db2
lv "$RURI" start db2
[ $rc -eq 1 ] && printf '%s\n' "$err" | grep -q "error: operation forbidden: read only access prevents virDomainCreate"
tap_ok $? "read-only socket: start refused with libvirt's error"
lv "$RURI" autostart db2
has "read-only socket: autostart refused" "read only access prevents virDomainSetAutostart"
lv "$RURI" define "$T/web1.xml"
has "read-only socket: define refused" "read only access prevents virDomainDefineXML"
lv "$RURI" undefine db2
has "read-only socket: undefine refused" "read only access prevents virDomainUndefine"
lv "$RURI" console db2
[ $rc -ne 0 ]; tap_ok $? "read-only socket: no console"
lv "$LURI" list --all
same_as "nothing changed" list --all

# ---- "virsh -c vessel" as an unprivileged user -----------------------------
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null 2>&1; then
    mkdir -p "$T/nobody/libvirt"
    cat > "$T/nobody/libvirt/libvirt.conf" <<EOF
uri_aliases = [
  "vessel=qemu+unix:///system?socket=$LSOCK",
  "vessel-ro=qemu+unix:///system?socket=$LSOCK-ro",
]
EOF
    chmod -R a+rX "$T/nobody"; chmod a+x "$T" "$T/run"
    # open the read-write socket to everyone: the daemon's own check remains
    chmod 0666 "$LSOCK"
    nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups \
        env XDG_CONFIG_HOME="$T/nobody" HOME="$T/nobody" virsh "$@"; }
    out=$(nobody -c vessel list --all 2>"$T/err"); rc=$?; err=$(cat "$T/err")
    same_as "virsh -c vessel (uri_aliases) as uid 65534: list --all" list --all
    out=$(nobody -c vessel start db2 2>"$T/err"); rc=$?; err=$(cat "$T/err")
    [ $rc -eq 1 ] && grep -q "Access denied: uid 65534" "$T/err"
    tap_ok $? "uid 65534 outside the group may not start a domain"
    out=$(nobody -c vessel-ro dominfo db2 2>"$T/err"); rc=$?
    [ $rc -eq 0 ] && printf '%s\n' "$out" | grep -qx 'Name:           db2'
    tap_ok $? "virsh -c vessel-ro reads"
else
    for i in 1 2 3; do tap_skip "needs root and setpriv to act as another user"; done
fi

# ---- the daemon is unharmed -----------------------------------------------
v list --all
[ $rc -eq 0 ] && printf '%s\n' "$out" | grep -q ' db2 '
tap_ok $? "vsh over D-Bus still works"
tap_done
