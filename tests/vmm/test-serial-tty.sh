#!/bin/sh
# test-serial-tty.sh - --serial stdio on a real terminal (a pane of a
# private tmux server) with the keys.S guest, which shows each received
# byte as <xx>: keys reach the guest one at a time and are not echoed by
# the host tty, Ctrl-C goes to the guest, Ctrl-A Ctrl-A sends Ctrl-A,
# Ctrl-A x quits with status 0, and the terminal settings are exactly
# restored afterwards, also after SIGTERM.
. "$top_srcdir/tests/lib/tap.sh"
command -v tmux >/dev/null 2>&1 || tap_skip_all "tmux not installed"
vmm="$top_builddir/vmm/vessel-vmm"
guest="$top_builddir/tests/vmm/guests/keys.elf"
T=$(mktemp -d "${TMPDIR:-/tmp}/vmm-tty.XXXXXX")
TM="tmux -S $T/tmux"
trap '$TM kill-server 2>/dev/null; rm -rf "$T"' EXIT
export TERM=${TERM:-xterm}
[ "$TERM" = dumb ] && export TERM=xterm

screen() { $TM capture-pane -p -t t 2>/dev/null; }
on_screen() { screen | grep -q -- "$1"; }
# last_line_is TEXT: the last non-empty line of the pane is exactly TEXT
last_line_is() { [ "$(screen | sed '/^$/d' | tail -n 1)" = "$1" ]; }
check_screen() { # DESC CONDITION-CMD...
    _d=$1; shift
    wait_until 20 "$@"; _r=$?
    [ $_r -eq 0 ] || screen | sed 's/^/# | /'
    tap_ok $_r "$_d"
}

# start_vmm: a pane that records the tty settings around one vessel-vmm run
start_vmm() {
    rm -f "$T/stty.before" "$T/stty.after" "$T/rc" "$T/pid"
    cat > "$T/run.sh" <<EOS
#!/bin/sh
stty -g > "$T/stty.before"
tty > "$T/tty"
"$vmm" --accel dbt --memory 64 --kernel "$guest" --serial stdio --pidfile "$T/pid"
echo "rc=\$?" > "$T/rc"
stty -g > "$T/stty.after"
exec sleep 600
EOS
    chmod +x "$T/run.sh"
    $TM kill-session -t t 2>/dev/null
    $TM new-session -d -s t -x 120 -y 30 "$T/run.sh" || tap_bail "tmux did not start"
}

restored() {
    test -s "$T/stty.after" && cmp -s "$T/stty.before" "$T/stty.after"
}

tap_plan 12
# A session that holds the tmux server for the whole test: when the last
# session ends the server exits, and a new-session racing that exit fails
# with "server exited unexpectedly".
$TM new-session -d -s keep "sleep 3600" || tap_bail "tmux did not start"

start_vmm
check_screen "the guest runs on the terminal" last_line_is "keys"
on_screen "Ctrl-A x quits"
tap_ok $? "the escape key is announced"
during=$(stty -g -F "$(cat "$T/tty")" 2>/dev/null)
[ -n "$during" ] && [ "$during" != "$(cat "$T/stty.before")" ]
tap_ok $? "the terminal is in raw mode while the VMM runs"
$TM send-keys -t t -l a
check_screen "a key reaches the guest at once, without Enter or host echo" last_line_is "<61>"
$TM send-keys -t t C-c
check_screen "Ctrl-C goes to the guest" last_line_is "<61><03>"
test -e "$T/rc"; tap_ok $((! $?)) "Ctrl-C does not stop the VMM"
$TM send-keys -t t Enter C-a C-a
check_screen "Enter is CR, Ctrl-A Ctrl-A sends one Ctrl-A" last_line_is "<61><03><0d><01>"
$TM send-keys -t t C-a; $TM send-keys -t t -l q
check_screen "Ctrl-A then another key sends only that key" last_line_is "<61><03><0d><01><71>"
$TM send-keys -t t C-a; $TM send-keys -t t -l x
wait_until 20 test -s "$T/stty.after"
[ "$(cat "$T/rc" 2>/dev/null)" = "rc=0" ]
tap_ok $? "Ctrl-A x quits with status 0"
restored
tap_ok $? "the terminal settings are restored after Ctrl-A x"

start_vmm
wait_until 20 last_line_is "keys" && wait_until 20 test -s "$T/pid"
kill -TERM "$(cat "$T/pid")"
wait_until 20 test -s "$T/stty.after"
[ "$(cat "$T/rc" 2>/dev/null)" = "rc=0" ]
tap_ok $? "SIGTERM: status 0"
restored
tap_ok $? "the terminal settings are restored after SIGTERM"
tap_done
