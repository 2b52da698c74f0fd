#!/bin/sh
# test-vsh-interactive.sh - vsh driven through a real terminal (a private
# tmux server): tab completion of commands, options and domain names,
# history across sessions, and console attach/detach leaving the terminal
# settings exactly as they were (after ^] and after SIGTERM).
. "$top_srcdir/tests/lib/tap.sh"
command -v tmux >/dev/null 2>&1 || tap_skip_all "tmux not installed"
. "$top_srcdir/tests/shell/vsh-env.sh"

TM="tmux -S $T/tmux"
CLEANUP_EXTRA='$TM kill-server 2>/dev/null'
export XDG_STATE_HOME="$T/state-home"
export VESSEL_DEFAULT_URI="$URI"

screen() { $TM capture-pane -p -t t 2>/dev/null; }
# on_screen PATTERN: the pane shows a line matching the basic regex
on_screen() { screen | grep -q -- "$1"; }
# last_line_is TEXT: the cursor line (last non-empty) is exactly TEXT
last_line_is() { [ "$(screen | sed '/^$/d' | tail -n 1)" = "$1" ]; }
check_screen() { # DESC CONDITION-CMD...
    _d=$1; shift
    wait_until 20 "$@"; _r=$?
    [ $_r -eq 0 ] || screen | sed 's/^/# | /'
    tap_ok $_r "$_d"
}

domxml web1 > "$T/web1.xml"
"$VSH" -c "$URI" define "$T/web1.xml" > /dev/null || tap_bail "define failed"

tap_plan 13
# A session that holds the tmux server for the whole test: when the last
# session ends the server exits, and a new-session racing that exit fails
# with "server exited unexpectedly".
$TM new-session -d -s keep "sleep 3600" || tap_bail "tmux did not start"

# ---- completion and history ----------------------------------------------
$TM new-session -d -s t -x 160 -y 40 "$VSH" || tap_bail "tmux did not start"
check_screen "interactive prompt" last_line_is "vsh #"
$TM send-keys -t t "domst" Tab
check_screen "Tab completes a command name" last_line_is "vsh # domstate"
$TM send-keys -t t "we" Tab
check_screen "Tab completes a domain name from the daemon" last_line_is "vsh # domstate web1"
# (a leading space keeps tmux from reading "--re" as its own flag)
$TM send-keys -t t " --re" Tab
check_screen "Tab completes an option" last_line_is "vsh # domstate web1  --reason"
$TM send-keys -t t Enter
check_screen "the completed command runs" on_screen "^shut off (unknown)$\|^shut off ("
$TM send-keys -t t "list --a" Tab Tab
check_screen "Tab Tab lists ambiguous options" sh -c "$TM capture-pane -p -t t | grep -q -- '--all.*--autostart'"
$TM send-keys -t t C-u "quit" Enter
wait_until 20 sh -c "! $TM has-session -t t 2>/dev/null"
grep -qx "domstate web1  --reason" "$XDG_STATE_HOME/vessel/vsh_history"
tap_ok $? "history saved in \$XDG_STATE_HOME/vessel/vsh_history"

$TM new-session -d -s t -x 160 -y 40 "$VSH"
wait_until 20 last_line_is "vsh #"
$TM send-keys -t t Up Up
check_screen "history comes back in a new session" last_line_is "vsh # domstate web1  --reason"
$TM send-keys -t t C-u "quit" Enter
wait_until 20 sh -c "! $TM has-session -t t 2>/dev/null"

# ---- console: attach, echo, detach with ^], terminal restored -----------------
"$VSH" -c "$URI" start web1 > /dev/null || tap_bail "start failed"
cat > "$T/console.sh" <<EOF
#!/bin/sh
stty -g > "$T/stty.before"
tty > "$T/tty"
"$VSH" console web1
echo "rc=\$?" > "$T/console.rc"
stty -g > "$T/stty.after"
exec sleep 600
EOF
chmod +x "$T/console.sh"
$TM new-session -d -s t -x 160 -y 40 "$T/console.sh"
check_screen "console attaches" on_screen "^Escape character is ^\] (Ctrl + \])"
# What reaches the UART before the guest has set it up is lost (as on
# hardware), so type the line again until the guest echoes it.
_i=0
while :; do
    $TM send-keys -t t "hello-console" Enter
    wait_until 3 on_screen "hello-console" && break
    _i=$((_i + 1)); [ $_i -ge 20 ] && break
done
check_screen "typed text reaches the guest serial port and comes back" on_screen "hello-console"
during=$(stty -g -F "$(cat "$T/tty")" 2>/dev/null)
[ -n "$during" ] && [ "$during" != "$(cat "$T/stty.before")" ]
tap_ok $? "the terminal is in raw mode while attached"
$TM send-keys -t t C-]
wait_until 20 test -s "$T/stty.after"
[ "$(cat "$T/console.rc")" = "rc=0" ] && cmp -s "$T/stty.before" "$T/stty.after"
tap_ok $? "^] detaches with exit 0 and the terminal settings restored"
$TM kill-session -t t
rm -f "$T/stty.after" "$T/console.rc" "$T/console.pid"

# ---- console: killed while attached ----------------------------------------------
cat > "$T/console2.sh" <<EOF
#!/bin/sh
stty -g > "$T/stty.before"
sh -c 'echo \$\$ > "$T/console.pid"; exec "$VSH" console web1'
echo "rc=\$?" > "$T/console.rc"
stty -g > "$T/stty.after"
exec sleep 600
EOF
chmod +x "$T/console2.sh"
$TM new-session -d -s t -x 160 -y 40 "$T/console2.sh"
wait_until 20 on_screen "^Escape character is"
kill -TERM "$(cat "$T/console.pid")"
wait_until 20 test -s "$T/stty.after"
[ "$(cat "$T/console.rc")" != "rc=0" ] && cmp -s "$T/stty.before" "$T/stty.after"
tap_ok $? "SIGTERM while attached: non-zero exit, terminal settings restored"
$TM kill-session -t t
"$VSH" -c "$URI" destroy web1 > /dev/null

tap_done
