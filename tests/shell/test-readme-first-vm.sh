#!/bin/sh
# test-readme-first-vm.sh - README.md's "Install and run your first VM",
# followed as written (issue 22): the domain XML and the commands are
# taken from the README itself, so the README cannot drift from what
# works.  A user of its own (as root: a fresh account and socket group,
# removed at exit) types the commands in a terminal (a private tmux
# server) against a system-mode vesseld of the build tree, which runs
# the build tree's vessel-vmm without being told where it is.
# What the test changes in the README's text, and only that: the system
# URI becomes the private daemon's socket, /var/lib/vessel/images/ a
# directory of the test (holding the tiny test guest as "vmlinuz"), and
# type='kvm' becomes type='dbt' where vessel-ok says KVM cannot be used,
# as the README says to do.  The installation steps themselves are
# tests/packaging/install-test.sh's (a fresh Debian root).
. "$top_srcdir/tests/lib/tap.sh"
command -v tmux >/dev/null 2>&1 || tap_unavailable "tmux not installed"
command -v python3 >/dev/null 2>&1 || tap_unavailable "python3 not found"

VSH="$top_builddir/shell/vsh"
VESSELD="$top_builddir/daemon/vesseld"
OK="$top_builddir/shell/vessel-ok"
IDLE="$top_builddir/tests/daemon/guests/idle.elf"
[ -x "$VESSELD" ] || tap_skip_all "daemon/vesseld not built"
[ -f "$IDLE" ] || tap_skip_all "tests/daemon/guests not built"

T=$(mktemp -d "${TMPDIR:-/tmp}/vessel-readme.XXXXXX") || exit 1
chmod 755 "$T"
TM="tmux -S $T/tmux"
DPID=
U=
G=
cleanup() {
    $TM kill-server 2>/dev/null
    [ -n "$DPID" ] && kill "$DPID" 2>/dev/null && wait "$DPID" 2>/dev/null
    [ -n "$U" ] && userdel "$U" 2>/dev/null
    [ -n "$G" ] && groupdel "$G" 2>/dev/null
    [ -n "$VESSEL_TEST_KEEP" ] || rm -rf "$T"
}
trap cleanup EXIT

# ---- the README's section: its XML and its commands -----------------------------
python3 - "$top_srcdir/README.md" "$T" <<'PY' || tap_bail "README.md has no first-VM section with an xml and a sh block"
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
sec = re.search(r"^## Install and run your first VM\n(.*?)^## ", text, re.S | re.M).group(1)
xml = re.search(r"^```xml\n(.*?)^```", sec, re.S | re.M)
rest = sec[xml.end():]
cmds = re.search(r"^```sh\n(.*?)^```", rest, re.S | re.M).group(1)
open(sys.argv[2] + "/readme.xml", "w").write(xml.group(1))
open(sys.argv[2] + "/readme.sh", "w").write(cmds)
PY
sed 's/^/# README: /' "$T/readme.sh"

# ---- the user, the daemon, the images directory --------------------------------------
H="$T/home"
mkdir -p "$H" "$T/images" "$T/d/cfg" "$T/d/run" "$T/d/log" "$T/d/state"
if [ "$(id -u)" = 0 ]; then
    command -v useradd >/dev/null 2>&1 && command -v setpriv >/dev/null 2>&1 ||
        tap_unavailable "useradd and setpriv needed as root"
    G=vt22g$$
    U=vt22u$$
    groupadd "$G" || tap_bail "groupadd failed"
    useradd -M -N -g users -G "$G" -d "$H" -s /bin/sh "$U" || { U=; tap_bail "useradd failed"; }
    chown "$U" "$H"
    AS="setpriv --reuid=$U --regid=users --init-groups"
    GROUP=$G
else
    AS=
    GROUP=$(id -gn)
fi
cat > "$T/d/vesseld.conf" <<EOF
[paths]
config_dir=$T/d/cfg
run_dir=$T/d/run
log_dir=$T/d/log
state_dir=$T/d/state
[sockets]
group=$GROUP
[dbus]
system_bus=false
[vmm]
uid_range=$((0x70500000 + ($$ % 16384) * 64))-$((0x70500000 + ($$ % 16384) * 64 + 63))
EOF
env -u VESSEL_VMM "$VESSELD" --config "$T/d/vesseld.conf" > "$T/d/vesseld.log" 2>&1 &
DPID=$!
SYSURI="vessel+unix://$T/d/run/vessel-sock"
wait_until 30 test -S "$T/d/run/vessel-sock" || { sed 's/^/# /' "$T/d/vesseld.log"; tap_bail "vesseld did not start"; }

# the kernel and initrd where the README puts them (readable by others)
cp "$IDLE" "$T/images/vmlinuz"
printf 'not an initramfs the tiny guest reads\n' > "$T/images/initrd.img"
chmod 644 "$T/images/vmlinuz" "$T/images/initrd.img"
type=kvm
"$OK" > /dev/null 2>&1 || type=dbt
sed -e "s|/var/lib/vessel/images/|$T/images/|g" -e "s|<domain type='kvm'>|<domain type='$type'>|" \
    "$T/readme.xml" > "$H/first.xml"
[ -n "$U" ] && chown "$U" "$H/first.xml"
# the commands, comments dropped, the system URI the private daemon's
sed -e 's/[[:space:]]*#.*$//' -e '/^$/d' -e "s|vessel:///system|$SYSURI|g" "$T/readme.sh" > "$T/cmds"

tap_plan 6

# ---- typed in a terminal, one line after the other -----------------------------------
screen() { $TM capture-pane -p -S -200 -t r 2>/dev/null; }
$TM new-session -d -s r -x 200 -y 50 \
    "cd '$H' && exec env -i HOME='$H' TERM=xterm LC_ALL=C.UTF-8 PATH='$top_builddir/shell:/usr/bin:/bin' PS1='first\$ ' $AS /bin/sh" ||
    tap_bail "tmux did not start"
wait_until 20 sh -c "$TM capture-pane -p -t r | grep -q 'first\\$'"
n=0
# typed CMD [MARK]: type CMD; unless it attaches a console, wait for the
# shell to say it finished (its status on a line of its own)
typed() {
    n=$((n + 1))
    $TM send-keys -t r -l "$1; echo \"@@ $n rc=\$?\"" && $TM send-keys -t r Enter
}
done_rc() { screen | sed -n "s/^@@ $1 rc=\([0-9]*\)\$/\1/p" | tail -n 1; }

r=0
while IFS= read -r cmd; do
    typed "$cmd"
    case $cmd in
    *--console*)
        # attached: the guest (the tiny one echoes its console) answers, ^] detaches
        wait_until 30 sh -c "$TM capture-pane -p -t r | grep -q 'Escape character is'" ||
            { echo "# the console did not attach: $cmd"; r=1; }
        $TM send-keys -t r -l "hello-readme"
        wait_until 20 sh -c "$TM capture-pane -p -t r | grep -q 'hello-readme'" ||
            { echo "# the guest did not echo on the console"; r=1; }
        $TM send-keys -t r C-]
        ;;
    esac
    wait_until 60 sh -c "$TM capture-pane -p -S -200 -t r | grep -q '^@@ $n rc='" ||
        { echo "# no end of: $cmd"; r=1; break; }
    rc=$(done_rc $n)
    [ "$rc" = 0 ] || { echo "# exit $rc: $cmd"; r=1; }
    case $cmd in
    "vsh list --all")
        screen | grep -Eq '^ [0-9]+ +first +running' || { echo "# list shows no running first"; r=1; } ;;
    esac
done < "$T/cmds"
[ $r -eq 0 ] || { screen | sed 's/^/# | /'; sed 's/^/# vesseld: /' "$T/d/vesseld.log"; }
tap_ok $r "every command of the README's first-VM section succeeds, typed by a member of the group"

grep -q '^vsh start first --console' "$T/cmds" && grep -q '^vsh define first.xml' "$T/cmds" &&
    grep -q '^vsh shutdown first' "$T/cmds"
tap_ok $? "the section still defines, starts with --console and shuts down 'first'"

# the README's promises, checked from outside the terminal
wait_until $((30 * ${VESSEL_TEST_TIMEOUT_SCALE:-1})) \
    sh -c "[ \"\$('$VSH' -c '$SYSURI' domstate first 2>/dev/null)\" = 'shut off' ]"
st=$("$VSH" -c "$SYSURI" domstate --reason first 2>&1)
[ "$st" = "shut off (shutdown)" ]
r=$?; [ $r -eq 0 ] || echo "# domstate --reason first: $st"
tap_ok $r "'vsh shutdown first' (the ACPI power button) leaves it shut off (shutdown)"

grep -q "hello-readme" "$T/d/log/domains/first.log"
r=$?; [ $r -eq 0 ] || ls -la "$T/d/log/domains" | sed 's/^/# /'
tap_ok $r "the console's traffic is in LOG/domains/first.log, where the README says"

vp=$(grep -h "starting up:" "$T/d/log/domains/first.log" | tail -n 1)
case $vp in *"$(readlink -f "$top_builddir/vmm/vessel-vmm")"*) r=0 ;; *) r=1 ;; esac
[ $r -eq 0 ] || echo "# $vp"
tap_ok $r "the daemon ran the build tree's vessel-vmm without \$VESSEL_VMM"

[ -z "$(ls "$H/.local/state/vessel/vesseld.log" 2>/dev/null)" ]
r=$?; [ $r -eq 0 ] || echo "# a session daemon was started: the commands missed the system daemon"
tap_ok $r "no session daemon was started: the commands reached the system daemon"
tap_done
