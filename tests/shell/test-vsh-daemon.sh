#!/bin/sh
# test-vsh-daemon.sh - every vsh command against a real vesseld started in
# a temp dir (vesseld --config) that runs the real vessel-vmm with tiny
# in-tree guests under dbt (vsh-env.sh).  Output formats, messages, exit
# codes and error lines.
. "$top_srcdir/tests/lib/tap.sh"

. "$top_srcdir/tests/shell/vsh-env.sh"

domxml web1 > "$T/web1.xml"
domxml db2 deaf > "$T/db2.xml"
printf '<domain type="dbt"><name>broken</name>\n' > "$T/broken.xml"

tap_plan 106

# ---- empty daemon, host commands -----------------------------------------
v list --all
expect "list --all on an empty daemon" 0 " Id   Name   State
--------------------"
v uri
expect "uri" 0 "$URI"
[ -z "$("$VSH" -c "$URI" list --all | tail -n 1)" ]
tap_ok $? "list ends with an empty line, as virsh's does"
v version --daemon
has "version names the hypervisor" "Running hypervisor: vessel-vmm "
v nodeinfo
printf '%s\n' "$out" | grep -qE '^CPU\(s\):              [0-9]+$' && printf '%s\n' "$out" | grep -qE '^Memory size:         [0-9]+ KiB$'
tap_ok $? "nodeinfo lines"
v capabilities
has "capabilities lists accelerators" "<accelerator name='dbt'"
v hostname
[ $rc -eq 0 ] && [ -n "$out" ]; tap_ok $? "hostname"

# ---- define, list, info ---------------------------------------------------
v define "$T/web1.xml"
expect "define" 0 "Domain 'web1' defined from $T/web1.xml"
v define "$T/db2.xml"
v define "$T/broken.xml"
[ $rc -eq 1 ] && printf '%s\n' "$err" | head -1 | grep -qx "error: Failed to define domain from $T/broken.xml" &&
    [ "$(printf '%s\n' "$err" | wc -l)" -eq 2 ] && printf '%s\n' "$err" | tail -1 | grep -q '^error: '
tap_ok $? "define of bad XML: exit 1, two error lines"
v define "$T/no-such.xml"
[ $rc -eq 1 ] && printf '%s\n' "$err" | grep -q "^error: .*no-such.xml"
tap_ok $? "define of a missing file: exit 1"
v list --all
expect "list --all table" 0 " Id   Name   State
-----------------------
 -    db2    shut off
 -    web1   shut off"
v -q list --all
expect "-q list drops header and dashes" 0 " -    db2    shut off
 -    web1   shut off"
v list --inactive --name
expect "list --inactive --name" 0 "db2
web1"
UUID=$("$VSH" -c "$URI" domuuid web1 | head -1)
v list --all --uuid --name
has "list --uuid --name" "$UUID  web1"
v dominfo web1
expect "dominfo of an inactive domain" 0 "Id:             -
Name:           web1
UUID:           $UUID
OS Type:        hvm
State:          shut off
CPU(s):         2
Max memory:     65536 KiB
Used memory:    65536 KiB
Persistent:     yes
Autostart:      disable"
v domname "$UUID"
expect "domname from uuid" 0 "web1"
v dumpxml web1
has "dumpxml" "<name>web1</name>"
v dumpxml --inactive web1
has "dumpxml --inactive" "<uuid>$UUID</uuid>"

# ---- lifecycle ------------------------------------------------------------------
v start web1
expect "start" 0 "Domain 'web1' started"
v list
expect "list shows the running domain with its id" 0 " Id   Name   State
----------------------
 1    web1   running"
v start web1
expect "start of a running domain fails" 1 "" "error: Failed to start domain 'web1'
error: Domain 'web1' is already active"
v domstate --reason web1
expect "domstate --reason after start" 0 "running (booted)"
v domid web1
expect "domid" 0 "1"
v console web1 --devname console1
expect "console --devname names a device the domain lacks" 1 "" "error: Cannot find character device console1"
v dominfo 1
has "dominfo by id shows the running id" "Id:             1"
v suspend web1
expect "suspend" 0 "Domain 'web1' suspended"
v domstate web1
expect "domstate paused" 0 "paused"
v list --state-paused --name
expect "list --state-paused" 0 "web1"
v list --all --state-shutoff --name
expect "list --state-shutoff" 0 "db2"
v resume web1
expect "resume" 0 "Domain 'web1' resumed"
# reboot: the power button; the guest powers off (it says "power button"
# first) and the VMM resets it instead of exiting: it boots again ("idle"
# a second time) in the same VMM, the domain running with the same id
WLOG=$T/log/domains/web1.log
lines() { grep -c -- "$2" "$1" 2>/dev/null; }
more_than() { [ "$(lines "$1" "$2")" -gt "$3" ]; }
wait_until 30 more_than "$WLOG" "^idle" 0
# --mode as virsh's: acpi is the power button, the other modes are
# refused before anything reaches the guest, an unknown word is a usage error
v reboot web1 --mode agent
[ $rc -eq 1 ] && [ "$(printf '%s\n' "$err" | head -1)" = "error: Failed to reboot domain 'web1'" ] &&
    printf '%s\n' "$err" | grep -q "Operation not supported: mode 'agent'.*--mode acpi"
tap_ok $? "reboot --mode agent: refused, naming --mode acpi"
v shutdown web1 --mode initctl,signal
[ $rc -eq 1 ] && printf '%s\n' "$err" | grep -q "Failed to shutdown domain 'web1'"
tap_ok $? "shutdown --mode initctl,signal: refused"
v reboot web1 --mode bogus
expect "reboot --mode bogus: virsh's usage error" 1 "" \
    "error: Unknown mode bogus value, expecting 'acpi', 'agent', 'initctl', 'signal' or 'paravirt'"
state_is web1 running; tap_ok $? "... and the domain was left running"
[ "$(lines "$WLOG" "^power button")" -eq 0 ]; tap_ok $? "... without a press of its button"
v reboot web1 --mode agent,acpi
expect "reboot" 0 "Domain 'web1' is being rebooted"
wait_until 30 more_than "$WLOG" "^idle" 1 && [ "$(lines "$WLOG" "^power button")" -eq 1 ] &&
    ! grep -q "VMM pid .* exited" "$WLOG"
tap_ok $? "reboot: the guest powered off through the button and booted again in its VMM"
v domstate --reason web1
expect "domstate after reboot" 0 "running (unpaused)"
v domid web1
expect "the same id after reboot" 0 "1"
# reset: a hard reset, the guest is not asked (no "power button" line)
v reset web1
expect "reset" 0 "Domain 'web1' was reset"
wait_until 30 more_than "$WLOG" "^idle" 2 && [ "$(lines "$WLOG" "^power button")" -eq 1 ]
tap_ok $? "reset: the guest booted again without seeing the power button"
# db2's guest ignores the power button (stays "in shutdown"); web1's
# guest powers off the moment it is pressed.
v start db2
v reboot db2
expect "reboot of a guest that ignores the button is sent" 0 "Domain 'db2' is being rebooted"
v domstate db2
expect "domstate: it keeps running" 0 "running"
v shutdown db2
expect "shutdown" 0 "Domain 'db2' is being shutdown"
v domstate db2
expect "domstate in shutdown" 0 "in shutdown"
v destroy db2
v shutdown web1
expect "shutdown of a guest that powers off at once" 0 "Domain 'web1' is being shutdown"
wait_until 30 state_is web1 "shut off"; tap_ok $? "the domain shuts off after shutdown"
v domstate --reason web1
expect "domstate --reason after shutdown" 0 "shut off (shutdown)"
v shutdown web1
[ $rc -eq 1 ] && printf '%s\n' "$err" | head -1 | grep -qx "error: Failed to shutdown domain 'web1'"
tap_ok $? "shutdown of an inactive domain fails"
v start db2
v shutdown db2 --timeout 1
[ $rc -eq 1 ] && printf '%s\n' "$err" | head -1 | grep -qx "error: Failed to shutdown domain 'db2'"
tap_ok $? "shutdown --timeout of a guest ignoring the button fails"
v shutdown db2 --timeout 1 --destroy-on-timeout
expect "shutdown --destroy-on-timeout" 0 "Domain 'db2' is shut off"
v domstate --reason db2
expect "domstate --reason after destroy-on-timeout" 0 "shut off (destroyed)"
v start web1
v destroy web1
expect "destroy" 0 "Domain 'web1' destroyed"
v destroy web1
[ $rc -eq 1 ] && printf '%s\n' "$err" | head -1 | grep -qx "error: Failed to destroy domain 'web1'"
tap_ok $? "destroy of an inactive domain fails"

# ---- autostart, edit ----------------------------------------------------------
v autostart web1
expect "autostart" 0 "Domain 'web1' marked as autostarted"
v list --all --autostart --name
expect "list --autostart" 0 "web1"
v autostart --disable web1
expect "autostart --disable" 0 "Domain 'web1' unmarked as autostarted"
v dominfo web1
has "dominfo shows autostart disabled" "Autostart:      disable"

cat > "$T/ed-vcpu" <<'EOF'
#!/bin/sh
sed -i 's|<vcpu\([^>]*\)>2</vcpu>|<vcpu\1>3</vcpu>|' "$1"
EOF
cat > "$T/ed-break-then-fix" <<EOF
#!/bin/sh
# first call breaks the XML, the next one repairs it and sets 4 vCPUs
if [ ! -e "$T/ed-count" ]; then
    : > "$T/ed-count"
    sed -i 's|<name>|<nam>|' "\$1"
else
    sed -i 's|<nam>|<name>|; s|<vcpu\\([^>]*\\)>[0-9]*</vcpu>|<vcpu\\1>4</vcpu>|' "\$1"
fi
EOF
chmod +x "$T/ed-vcpu" "$T/ed-break-then-fix"
out=$(EDITOR="$T/ed-vcpu" "$VSH" -c "$URI" edit web1 2>"$T/err"); rc=$?; err=$(cat "$T/err")
expect "edit re-defines the domain" 0 "Domain 'web1' XML configuration edited."
v dominfo web1
has "the edit took effect" "CPU(s):         3"
out=$(EDITOR=true "$VSH" -c "$URI" edit web1 2>"$T/err"); rc=$?; err=$(cat "$T/err")
expect "edit without changes" 0 "Domain 'web1' XML configuration not changed."
out=$(echo y | EDITOR="$T/ed-break-then-fix" "$VSH" -c "$URI" edit web1 2>"$T/err"); rc=$?; err=$(cat "$T/err")
[ $rc -eq 0 ] && printf '%s\n' "$out" | grep -qF "Failed. Try again? [y,n]:Domain 'web1' XML configuration edited." &&
    printf '%s\n' "$err" | grep -q '^error: '
tap_ok $? "edit reopens the editor after a refused definition"
v dominfo web1
has "the retried edit took effect" "CPU(s):         4"
rm -f "$T/ed-count"
out=$(echo n | EDITOR="$T/ed-break-then-fix" "$VSH" -c "$URI" edit web1 2>"$T/err"); rc=$?; err=$(cat "$T/err")
[ $rc -eq 1 ] && printf '%s\n' "$err" | tail -1 | grep -qx "error: Domain 'web1' XML configuration not changed"
tap_ok $? "edit answered 'n' gives up with exit 1"

# ---- events ----------------------------------------------------------------------
"$VSH" -c "$URI" event --domain web1 --event lifecycle --loop --timeout 120 > "$T/events" 2>&1 &
EPID=$!
# the subscription is live once an event reaches it: poke until one does
wait_until 30 sh -c "'$VSH' -c '$URI' autostart web1 >/dev/null; grep -q Defined '$T/events'"
"$VSH" -c "$URI" autostart --disable web1 > /dev/null
v start web1
v destroy web1
wait_until 30 grep -q "Stopped Destroyed" "$T/events"
grep -qx "event 'lifecycle' for domain 'web1': Started Booted" "$T/events"
tap_ok $? "event --loop prints Started Booted"
grep -qx "event 'lifecycle' for domain 'web1': Stopped Destroyed" "$T/events"
tap_ok $? "event --loop prints Stopped Destroyed"
kill -INT $EPID; wait $EPID; erc=$?; EPID=
[ $erc -eq 0 ] && grep -q '^events received: [0-9]*$' "$T/events"
tap_ok $? "event --loop ends cleanly on SIGINT"
v event --all --timeout 1
expect "event --timeout without events" 0 "event loop timed out
events received: 0"
v event web1
expect "event without --event or --all is an error" 1 "" "error: one of --list, --all, or --event <type> is required"

# ---- domxml-to-native, console errors ----------------------------------------------
cat > "$T/native1.xml" <<'EOF'
<domain type='kvm'>
  <name>native1</name>
  <uuid>6695eb01-f6a4-8304-79aa-97f2502e193f</uuid>
  <memory unit='MiB'>256</memory>
  <vcpu>2</vcpu>
  <os>
    <type>hvm</type>
    <kernel>/boot/vmlinuz</kernel>
    <cmdline>console=ttyS0 root=/dev/vda</cmdline>
  </os>
  <devices>
    <disk type='file' device='disk'>
      <source file='/images/my disk.img'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <interface type='bridge'>
      <mac address='52:54:00:12:34:56'/>
      <source bridge='br0'/>
    </interface>
    <serial type='pty'/>
  </devices>
</domain>
EOF
out=$("$VSH" -c "vessel+unix://$T/nothing-here" domxml-to-native vessel-argv "$T/native1.xml" 2>"$T/err"); rc=$?; err=$(cat "$T/err")
expect "domxml-to-native from a file (no daemon needed)" 0 "vessel-vmm --kernel /boot/vmlinuz --cmdline 'console=ttyS0 root=/dev/vda' --memory 256 --cpus 2 --accel kvm --disk '/images/my disk.img' --net tap=vnet0,mac=52:54:00:12:34:56 --serial pty --name native1 --uuid 6695eb01-f6a4-8304-79aa-97f2502e193f"
v domxml-to-native vessel-argv --domain web1
has "domxml-to-native --domain" "--memory 64 --cpus 4 --accel dbt"
v domxml-to-native qemu-argv "$T/native1.xml"
expect "domxml-to-native refuses other formats" 1 "" "error: unsupported config type qemu-argv (only vessel-argv)"
v console web1
[ $rc -eq 1 ] && printf '%s\n' "$err" | grep -q '^error: ' && [ -z "$out" ]
tap_ok $? "console of an inactive domain: exit 1 with an error line"

# ---- transient domains, paused starts, ids -------------------------------------------
domxml tmp1 > "$T/tmp1.xml"
v create "$T/tmp1.xml"
expect "create starts a transient domain" 0 "Domain 'tmp1' created from $T/tmp1.xml"
v list --transient --name
expect "list --transient" 0 "tmp1"
v list --id
expect "list --id" 0 "$("$VSH" -c "$URI" domid tmp1 | head -1)"
v destroy tmp1
v list --all --name
expect "a destroyed transient domain is gone" 0 "db2
web1"
v create --paused "$T/tmp1.xml"
v domstate tmp1
expect "create --paused" 0 "paused"
v destroy tmp1
v start --paused web1
v domstate --reason web1
expect "start --paused" 0 "paused (user)"
v destroy web1
"$VSH" -c "$URI" event --all --timestamp --timeout 60 > "$T/ts-event" 2>&1 &
EPID=$!
wait_until 30 sh -c "'$VSH' -c '$URI' define '$T/web1.xml' >/dev/null; ! kill -0 $EPID 2>/dev/null"
wait $EPID; EPID=
grep -qE "^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}[+-][0-9]{4}: event 'lifecycle' for domain 'web1': Defined Updated$" "$T/ts-event"
tap_ok $? "event --timestamp prefixes a millisecond timestamp; one event ends it"

# ---- read-only socket, errors --------------------------------------------------------
out=$("$VSH" -r -c "$URI" list --all --name 2>"$T/err"); rc=$?; err=$(cat "$T/err")
expect "-r can list" 0 "db2
web1"
out=$("$VSH" -r -c "$URI" start web1 2>"$T/err"); rc=$?; err=$(cat "$T/err")
[ $rc -eq 1 ] && printf '%s\n' "$err" | head -1 | grep -qx "error: Failed to start domain 'web1'" &&
    printf '%s\n' "$err" | tail -1 | grep -qi 'read-only\|denied'
tap_ok $? "-r cannot start: access denied"
v dominfo nope
expect "unknown domain" 1 "" "error: failed to get domain 'nope'"
v nosuchcommand
expect "unknown command" 1 "" "error: unknown command: 'nosuchcommand'"
out=$("$VSH" -c "vessel+unix://$T/nothing-here" list 2>"$T/err"); rc=$?; err=$(cat "$T/err")
[ $rc -eq 1 ] && [ "$(printf '%s\n' "$err" | head -n 2)" = "error: failed to connect to the hypervisor
error: Failed to connect socket to '$T/nothing-here': No such file or directory" ]
tap_ok $? "no daemon: exit 1 with virsh's two error lines"
v "list --all --name; domstate web1"
expect "a command string with ';' runs both" 0 "db2
web1

shut off"

out=$(printf 'list --all --name\n# a comment\n\ndomstate web1\n' | "$VSH" -c "$URI" 2>"$T/err"); rc=$?; err=$(cat "$T/err")
expect "commands on stdin run without prompt or echo" 0 "db2
web1

shut off"
out=$(printf 'frob\nuri\n' | "$VSH" -c "$URI" 2>"$T/err"); rc=$?; err=$(cat "$T/err")
expect "a failing command on stdin: later ones run, exit 1" 1 "$URI" "error: unknown command: 'frob'"

v complete -- "list --a"
expect "complete prints option candidates" 0 "--all
--autostart"
out=$(PATH="$top_builddir/shell:$PATH" bash -c '. "$1"; COMP_WORDS=(vsh -c "$2" dominfo we); COMP_CWORD=4; _vsh_complete; printf "%s\n" "${COMPREPLY[@]}"' sh "$top_srcdir/shell/vsh.bash" "$URI" 2>&1); rc=$?; err=
expect "bash completion completes domain names through vsh complete" 0 "web1"

# ---- undefine --------------------------------------------------------------------------
v start db2
v undefine db2
expect "undefine a running domain" 0 "Domain 'db2' has been undefined"
v list --transient --name
expect "it stays as a transient domain" 0 "db2"
v destroy db2
v list --all --name
expect "gone once stopped" 0 "web1"

# ---- networks (definition side; starting needs bridges) ------------------------------------
cat > "$T/net.xml" <<'EOF'
<network>
  <name>isolated</name>
  <uuid>12345678-9abc-def0-1234-56789abcdef0</uuid>
  <bridge name='vsbr-t0'/>
  <ip address='172.16.5.254' prefix='24'/>
</network>
EOF
v net-define "$T/net.xml"
expect "net-define" 0 "Network isolated defined from $T/net.xml"
v net-list --all
expect "net-list --all table" 0 " Name       State      Autostart   Persistent
-----------------------------------------------
 isolated   inactive   no          yes"
v net-autostart isolated
expect "net-autostart" 0 "Network isolated marked as autostarted"
v net-info isolated
expect "net-info" 0 "Name:           isolated
UUID:           12345678-9abc-def0-1234-56789abcdef0
Active:         no
Persistent:     yes
Autostart:      yes
Bridge:         vsbr-t0"
v net-dumpxml isolated
has "net-dumpxml" "<name>isolated</name>"
v net-uuid isolated
expect "net-uuid" 0 "12345678-9abc-def0-1234-56789abcdef0"
v net-info nonet
expect "unknown network" 1 "" "error: failed to get network 'nonet'"
v net-undefine isolated
expect "net-undefine" 0 "Network isolated has been undefined"

# ---- session URI: the client spawns a per-user daemon ----------------------------------
S="$T/session"
mkdir -p "$S/rt" "$S/cfg" && chmod 700 "$S/rt"
out=$(XDG_RUNTIME_DIR="$S/rt" XDG_CONFIG_HOME="$S/cfg" XDG_STATE_HOME="$S/state" VESSEL_DAEMON="$VESSELD" \
      "$VSH" -c vessel:///session list --all --name 2>"$T/err"); rc=$?; err=$(cat "$T/err")
expect "vessel:///session spawns vesseld on first use" 0 ""
test -S "$S/rt/vessel/vessel-sock"; tap_ok $? "the session daemon listens in \$XDG_RUNTIME_DIR/vessel"
SPID=$(cat "$S/rt/vessel/vesseld.pid" 2>/dev/null)
out=$(XDG_RUNTIME_DIR="$S/rt" XDG_CONFIG_HOME="$S/cfg" XDG_STATE_HOME="$S/state" VESSEL_DAEMON=/nonexistent \
      "$VSH" -c vessel:///session uri 2>"$T/err"); rc=$?; err=$(cat "$T/err")
expect "a second client reuses the running session daemon" 0 "vessel:///session"
[ -n "$SPID" ] && kill "$SPID" 2>/dev/null
out=$(XDG_RUNTIME_DIR="$T/session-none" XDG_STATE_HOME="$S/state" VESSEL_DAEMON=/nonexistent/vesseld \
      "$VSH" -c vessel:///session uri 2>"$T/err"); rc=$?; err=$(cat "$T/err")
[ $rc -eq 1 ] && printf '%s\n' "$err" | grep -q "^error: cannot start session daemon /nonexistent/vesseld"
tap_ok $? "a session daemon that cannot start: exit 1, named in the error"

# ---- vessel-ok over the API --------------------------------------------------------------
out=$("$top_builddir/shell/vessel-ok" --all -c "$URI" 2>&1)
printf '%s\n' "$out" | grep -q "Checking if the daemon is reachable .*: PASS$" &&
    printf '%s\n' "$out" | grep -q "Checking accelerators the daemon can use .*: \(PASS\|WARN\) (.*dbt"
tap_ok $? "vessel-ok --all sees the daemon and its accelerators"

tap_done
