#!/bin/sh
# test-vsh-hints.sh - the first hour's errors say what to do (issue 22):
# a session daemon that fails shows its own error line and its log at once
# (not after the 15 s deadline); a refused, missing or busy connection
# keeps virsh's lines and adds a "hint:" line naming the fix.  Against a
# real vesseld (vsh-env.sh) and real session daemons in temp dirs.
. "$top_srcdir/tests/lib/tap.sh"

. "$top_srcdir/tests/shell/vsh-env.sh"

tap_plan 13

# ---- a session daemon that cannot start ---------------------------------------
# ~/.config/vessel is a file: vesseld exits at once with its reason.
S="$T/home"
mkdir -p "$S/rt" "$S/cfg" && chmod 700 "$S/rt"
echo "not a directory" > "$S/cfg/vessel"
session() { # ENV...: vsh -c vessel:///session uri with the session's dirs
    t0=$(date +%s%N)
    out=$(env XDG_RUNTIME_DIR="$S/rt" XDG_CONFIG_HOME="$S/cfg" XDG_STATE_HOME="$S/state" \
          XDG_DATA_HOME="$S/data" "$@" "$VSH" -c vessel:///session uri 2>"$T/err"); rc=$?
    err=$(cat "$T/err")
    echo "# vsh returned after $(( ($(date +%s%N) - t0) / 1000000 )) ms (the deadline it no longer waits for: 15000 ms)"
}
session VESSEL_DAEMON="$VESSELD"
LOG="$S/state/vessel/vesseld.log"
[ $rc -eq 1 ] && [ "$(printf '%s\n' "$err" | head -n 1)" = "error: failed to connect to the hypervisor" ]
tap_ok $? "failed session daemon: exit 1, virsh's first line"
printf '%s\n' "$err" | sed -n 2p |
    grep -qF "error: session daemon $VESSELD failed (exit status 1): vesseld: Cannot create directory $S/cfg/vessel"
rc2=$?; [ $rc2 -eq 0 ] || printf '%s\n' "$err" | sed 's/^/# /'
tap_ok $rc2 "the second line is the daemon's own error, noticed when it exited (no timeout)"
printf '%s\n' "$err" | sed -n 2p | grep -qF "(its log: $LOG)"
tap_ok $? "the error names the log"
grep -q "Not a directory" "$LOG" && [ "$(stat -c %a "$LOG")" = 600 ] &&
    [ "$(stat -c %a "$S/state/vessel")" = 700 ]
tap_ok $? "the daemon's output is in the log, private to the user (0600 in a 0700 dir)"
session VESSEL_DAEMON=/bin/false
printf '%s\n' "$err" | grep -qF "error: session daemon /bin/false failed (exit status 1): it wrote nothing (its log: $LOG)"
rc2=$?; [ $rc2 -eq 0 ] || printf '%s\n' "$err" | sed 's/^/# /'
tap_ok $rc2 "VESSEL_DAEMON=/bin/false: exit status named at once"
rm "$S/cfg/vessel"
session VESSEL_DAEMON="$VESSELD"
[ $rc -eq 0 ] && [ "$out" = vessel:///session ]
tap_ok $? "with the cause fixed the session daemon comes up"
SPID=$(cat "$S/rt/vessel/vesseld.pid" 2>/dev/null)
[ -n "$SPID" ] && kill "$SPID" 2>/dev/null

# ---- nothing listens ------------------------------------------------------------
out=$("$VSH" -c "vessel+unix://$T/nothing-here" list 2>"$T/err"); rc=$?; err=$(cat "$T/err")
[ $rc -eq 1 ] && [ "$err" = "error: failed to connect to the hypervisor
error: Failed to connect socket to '$T/nothing-here': No such file or directory
hint: nothing listens on $T/nothing-here: start the daemon that serves it (vesseld --config FILE) or check the URI" ]
rc2=$?; [ $rc2 -eq 0 ] || printf '%s\n' "$err" | sed 's/^/# /'
tap_ok $rc2 "a missing socket: virsh's two lines and a hint"
# The system URI names the command that starts the system daemon (it is
# not running in the test's mount namespace unless the host runs one).
if [ -e /run/vessel/vessel-sock ]; then
    tap_ok 0 "# SKIP the host runs a system vesseld"
else
    out=$("$VSH" -c vessel:///system list 2>"$T/err"); rc=$?; err=$(cat "$T/err")
    printf '%s\n' "$err" | tail -n 1 | grep -Eq "^hint: is the system daemon running\? start it with 'sudo (systemctl start vesseld|vesseld --system)'$"
    rc2=$?; [ $rc2 -eq 0 ] || printf '%s\n' "$err" | sed 's/^/# /'
    tap_ok $rc2 "no system daemon: the hint gives the command that starts it"
fi

# ---- a socket that refuses us ---------------------------------------------------------
# Root passes every permission check, so the refused user is nobody
# (setpriv, no account made); the socket is the test daemon's, given to a
# group nobody is not in.
grp=$(getent group | awk -F: '$3 != 0 && $3 != 65534 && $4 == "" { print $1; exit }')
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
chmod 755 "$T" "$T/run"
if [ "$(id -u)" -ne 0 ] || [ -z "$grp" ] || ! as_nobody "$VSH" --version >/dev/null 2>&1; then
    why="needs root, a group without members and a build tree user nobody can run"
    tap_ok 0 "# SKIP $why"
    tap_ok 0 "# SKIP $why"
else
    chgrp "$grp" "$T/run/vessel-sock" && chmod 660 "$T/run/vessel-sock"
    nobody=$(id -un 65534)
    out=$(as_nobody "$VSH" -c "$URI" list 2>"$T/err"); rc=$?
    err=$(cat "$T/err")
    [ $rc -eq 1 ] && [ "$err" = "error: failed to connect to the hypervisor
error: Failed to connect socket to '$T/run/vessel-sock': Permission denied
hint: the socket is for group '$grp': join it with 'sudo usermod -aG $grp $nobody' and log in again, or connect read-only with 'vsh -r'" ]
    rc2=$?; [ $rc2 -eq 0 ] || printf '%s\n' "$err" | sed 's/^/# /'
    tap_ok $rc2 "permission denied: virsh's lines, then join group '$grp' or use -r"
    out=$(as_nobody "$VSH" -r -c "$URI" list --all --name 2>"$T/err"); rc=$?
    [ $rc -eq 0 ]
    tap_ok $? "the hint's -r works for that user"
    chgrp 0 "$T/run/vessel-sock"
fi

# ---- a console someone else holds -------------------------------------------------------
domxml web1 > "$T/web1.xml"
"$VSH" -c "$URI" define "$T/web1.xml" >/dev/null && "$VSH" -c "$URI" start web1 >/dev/null
wait_until 30 state_is web1 running
tap_ok $? "web1 runs"
# The first client holds the console from a pty for as long as it runs.
python3 - "$VSH" "$URI" > "$T/holder.out" 2>&1 <<'EOF' &
import os, pty, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], [sys.argv[1], "-c", sys.argv[2], "console", "web1"])
end = time.time() + 60
while time.time() < end:
    try:
        data = os.read(fd, 4096)
    except OSError:
        break
    if not data:
        break
    sys.stdout.write(data.decode(errors="replace"))
    sys.stdout.flush()
EOF
HPID=$!
CLEANUP_EXTRA='kill $HPID 2>/dev/null'
wait_until 30 grep -q "Escape character" "$T/holder.out"
tap_ok $? "a first client holds web1's console"
out=$("$VSH" -c "$URI" console web1 2>"$T/err" </dev/null); rc=$?; err=$(cat "$T/err")
[ $rc -eq 1 ] && printf '%s\n' "$err" | tail -n 1 |
    grep -qxF "hint: if another client is attached to this console, 'vsh console --force web1' takes it over"
rc2=$?; [ $rc2 -eq 0 ] || printf '%s\n' "$err" | sed 's/^/# /'
tap_ok $rc2 "a busy console: the daemon's error, then --force as the hint"
kill $HPID 2>/dev/null; wait $HPID 2>/dev/null
"$VSH" -c "$URI" destroy web1 >/dev/null 2>&1

tap_done
