#!/bin/sh
# test-leftovers.sh - the last test of `make check`: nothing this run
# started still runs (vesseld, vessel-vmm, dnsmasq, dbus-daemon, busybox,
# a build-tree program...), and the run's temporary directory (every
# test's TMPDIR, made by tests/lib at the start, see common.am) is empty.
# A process belongs to the run when its environment has that TMPDIR or
# its command line names the directory.  What is left is named, then
# killed and removed, so the next run starts clean.
. "$top_srcdir/tests/lib/tap.sh"

mark=$top_builddir/tests/lib/run-tmpdir
run=$(cat "$mark" 2>/dev/null)
if [ -z "$run" ] || [ ! -d "$run" ] || [ "${TMPDIR:-}" != "$run" ]; then
    tap_skip_all "not a whole make check run (tests/lib made no run directory)"
fi
tap_plan 2

# This script and the harness around it (make, the TAP driver) carry the
# mark too, as do this script's own children: none of them is left over.
harness=" $$ "
p=$$
while [ "${p:-0}" -gt 1 ]; do
    p=$(awk '/^PPid:/ { print $2 }' "/proc/$p/status" 2>/dev/null)
    [ -n "$p" ] && harness="$harness$p "
done

# the programs a test may leave running, by command name
is_ours() {
    case $1 in
        vesseld|vessel-vmm|dnsmasq|dbus-daemon|busybox|vsh|vessel-ok|test-*|lt-*|\
        control-client|console-client|nbtool|qemu-system-*|socat|sleep) return 0 ;;
    esac
    return 1
}

# leftovers: "PID COMMAND-LINE" of every process of this run still alive
leftovers() {
    for d in /proc/[0-9]*; do
        pid=${d#/proc/}
        case "$harness" in *" $pid "*) continue ;; esac
        ppid=$(awk '/^PPid:/ { print $2 }' "$d/status" 2>/dev/null) || continue
        [ "$ppid" = $$ ] && continue
        comm=$(cat "$d/comm" 2>/dev/null) || continue
        exe=$(readlink "$d/exe" 2>/dev/null)
        case $exe in "$top_builddir"/*) ;; *) is_ours "$comm" || continue ;; esac
        cmd=$(tr '\0' ' ' < "$d/cmdline" 2>/dev/null)
        [ -n "$cmd" ] || continue          # a zombie about to be reaped
        if tr '\0' '\n' < "$d/environ" 2>/dev/null | grep -qxF "TMPDIR=$run" ||
           case $cmd in *"$run"*) true ;; *) false ;; esac; then
            echo "$pid $cmd"
        fi
    done
}
none_left() { [ -z "$(leftovers)" ]; }

# Give what is exiting right now a moment; then name what is left.
wait_until 10 none_left
left=$(leftovers)
[ -z "$left" ]; r=$?
[ $r -eq 0 ] || printf '%s\n' "$left" | sed 's/^/# still running: /'
tap_ok $r "no process started by this run is still running"
printf '%s\n' "$left" | while read -r pid cmd; do [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; done

files_gone() { [ -z "$(ls -A "$run" 2>/dev/null)" ]; }
wait_until 10 files_gone
files=$(ls -A "$run")
[ -z "$files" ]; r=$?
[ $r -eq 0 ] || printf '%s\n' "$files" | sed "s|^|# left in $run: |"
tap_ok $r "the run's temporary directory is empty"

rm -rf "$run"
rm -f "$mark"
tap_done
