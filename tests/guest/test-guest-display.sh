#!/bin/sh
# test-guest-display.sh - the graphical console end to end, one boot of
# the reference guest (Debian's cloud kernel, vgacon) through vesseld and
# vsh, with VNC clients nobody here wrote:
#   - vsh vncdisplay names the autoport; the domain log never has the
#     VNC password
#   - gvnccapture (gtk-vnc) with the right password gets the screen, with
#     a wrong one is refused; its picture has the kernel's messages and
#     the shell's marker line (tesseract OCR) and equals, pixel for
#     pixel, the VMM's own rendering (vsh screenshot)
#   - vsh send-key types a command on the VGA console's shell (tty1);
#     its output comes back on the serial line
#   - remote-viewer (virt-viewer) under Xvfb shows the guest: xdotool
#     types a command into its window (keysyms through VNC to the PS/2
#     keyboard), whose output comes back on the serial line; a
#     screenshot of the viewer is kept next to this test's log
#   - the port is closed once the domain stopped
# Skipped without the guest kernel; the tools are in scripts/deps.sh
# (missing ones fail under CI=true).  Deadlines only turn hangs into
# failures.
. "$top_srcdir/tests/guest/lib-guest.sh"
tap_skip_if_quick
for prog in "$GUEST_VSH" "$GUEST_VESSELD" "$GUEST_VMM"; do
    [ -x "$prog" ] || tap_skip_all "$prog not built"
done
for prog in cpio gzip script python3 gvnccapture tesseract pngtopnm pnmtopng xwdtopnm Xvfb \
            xdotool remote-viewer xwd; do
    command -v "$prog" >/dev/null 2>&1 || tap_unavailable "$prog not found (scripts/deps.sh)"
done
tap_require_guest
GUEST_DIR=$guest
guest_setup
scale=$(guest_scale)
keep=${VESSEL_TEST_ARTIFACTS:-$PWD}

# The guest: a shell on tty1 (the VGA console, where the keyboard types)
# and a marker line there for OCR; it waits for the power button.
mkdir -p "$GUEST_WORK/extra/etc/vessel"
cat > "$GUEST_WORK/extra/etc/vessel/run" <<'EOS'
#!/bin/sh
echo "T-INPUT: $(grep -h '^N: Name=' /proc/bus/input/devices | tr '\n' ' ')"
setsid sh -c 'exec sh -i </dev/tty1 >/dev/tty1 2>&1' &
sleep 2
printf '\nVESSEL SCREEN CHECK 4711\n' > /dev/tty1
echo "T-DISPLAY-READY"
while :; do sleep 5; done
EOS
chmod +x "$GUEST_WORK/extra/etc/vessel/run"
guest_initrd "$GUEST_WORK/initrd.gz" "$GUEST_WORK/extra"
guest_domain_xml screen "$GUEST_WORK/initrd.gz" |
    sed -e "s|console=ttyS0 panic=-1|console=tty0 console=ttyS0 panic=-1|" \
        -e "s|^    <serial type='pty'/>\$|&\\n    <graphics type='vnc' autoport='yes' passwd='pw4711'/>|" \
    > "$GUEST_WORK/screen.xml"

tap_plan 14
guest_daemon_start ""
vsh define "$GUEST_WORK/screen.xml" >/dev/null && vsh start screen >/dev/null
tap_ok $? "a domain with <graphics type='vnc'> starts"
display=$(vsh vncdisplay screen | head -1)
port=$((5900 + ${display##*:}))
case $display in 127.0.0.1:[0-9]*) r=0 ;; *) r=1 ;; esac
tap_ok $r "vsh vncdisplay: $display (port $port)"
guest_reach $((900 * scale)) screen T-DISPLAY-READY
! grep -q pw4711 "$(guest_log screen)"
tap_ok $? "the VNC password is not in the domain log"

# gvnccapture reads the password from its terminal: script(1) gives it one.
capture() { # PASSWORD FILE
    (sleep 2; printf '%s\n' "$1") |
        timeout $((60 * scale)) script -qec "gvnccapture 127.0.0.1:$((port - 5900)) $2" /dev/null \
        > "$2.out" 2>&1
}
capture wrong4711 "$GUEST_WORK/wrong.png"
tap_ok $([ -s "$GUEST_WORK/wrong.png" ] && echo 1 || echo 0) "gvnccapture with a wrong password is refused"

# The screen may change while we look (a late kernel line): the VNC
# picture must equal the VMM's rendering from just before or just after.
vsh screenshot screen "$GUEST_WORK/own1.png" >/dev/null
capture pw4711 "$GUEST_WORK/gvnc.png"
vsh screenshot screen "$GUEST_WORK/own2.png" >/dev/null
same=1
for f in gvnc own1 own2; do pngtopnm "$GUEST_WORK/$f.png" > "$GUEST_WORK/$f.pnm" 2>/dev/null; done
if [ -s "$GUEST_WORK/gvnc.pnm" ] && { cmp -s "$GUEST_WORK/gvnc.pnm" "$GUEST_WORK/own1.pnm" ||
                                      cmp -s "$GUEST_WORK/gvnc.pnm" "$GUEST_WORK/own2.pnm"; }; then
    same=0
fi
tap_ok $same "gvnccapture's picture equals the VMM's own rendering (vsh screenshot)"
tesseract "$GUEST_WORK/gvnc.png" "$GUEST_WORK/ocr" >/dev/null 2>&1
sed 's/^/# ocr: /' "$GUEST_WORK/ocr.txt" | tail -8
grep -q "SCREEN CHECK 4711" "$GUEST_WORK/ocr.txt"
tap_ok $? "OCR reads the shell's marker line on the VGA console"
grep -Eqi "Freeing unused|Run /init|Write protecting" "$GUEST_WORK/ocr.txt"
tap_ok $? "OCR reads kernel messages on the VGA console"

# vsh send-key: "echo T-SK-$((6*7)) >/dev/ttyS0" on tty1's shell
sk() { vsh send-key screen --holdtime 30 "$@" >/dev/null; }
skword() { set -f; for c in $(echo "$1" | sed 's/./& /g'); do
    case $c in
        [a-z]) sk "KEY_$(echo "$c" | tr a-z A-Z)" ;;
        [0-9]) sk "KEY_$c" ;;
        /) sk KEY_SLASH ;; -) sk KEY_MINUS ;; '*') sk KEY_LEFTSHIFT KEY_8 ;;
        '$') sk KEY_LEFTSHIFT KEY_4 ;; '(') sk KEY_LEFTSHIFT KEY_9 ;; ')') sk KEY_LEFTSHIFT KEY_0 ;;
        '>') sk KEY_LEFTSHIFT KEY_DOT ;; T) sk KEY_LEFTSHIFT KEY_T ;; S) sk KEY_LEFTSHIFT KEY_S ;;
        K) sk KEY_LEFTSHIFT KEY_K ;;
    esac; done; set +f; }
sk_command() { # the command line, typed key by key, then Enter
    skword echo; sk KEY_SPACE; skword 'T-SK-$((6*7))'; sk KEY_SPACE; skword '>/dev/tty'
    sk KEY_LEFTSHIFT KEY_S; sk KEY_0; sk KEY_ENTER
}
# What the VGA console shows, as text, for a failure's diagnosis.
screen_text() {
    vsh screenshot screen "$GUEST_WORK/sk.png" >/dev/null 2>&1 &&
        tesseract "$GUEST_WORK/sk.png" - 2>/dev/null | sed '/^ *$/d' | tail -n 6 | sed 's/^/# screen: /'
}
sk_command
guest_wait_log $((120 * scale)) screen "^T-SK-42"; r=$?
if [ $r -ne 0 ]; then
    # Once in CI (2026-12-07) the line never ran, with no trace left of
    # why: show the screen and the serial tail, then type it once more on
    # a fresh line (Ctrl-U drops what was typed); both attempts are kept.
    echo "# send-key: no T-SK-42 after 120 s; the screen and serial log were:"
    screen_text
    tr -d '\r' < "$(guest_log screen)" | tail -n 5 | sed 's/^/# serial: /'
    sk KEY_LEFTCTRL KEY_U
    sk_command
    guest_wait_log $((180 * scale)) screen "^T-SK-42"; r=$?
    [ $r -eq 0 ] || screen_text
fi
tap_ok $r "keys from vsh send-key run a command on the VGA console"

# remote-viewer under Xvfb; xdotool types into its window
xvfb_start 1024x768x24 "$GUEST_WORK/xvfb.log"
xdisp=$XVFB_DISPLAY xpid=$XVFB_PID
cat > "$GUEST_WORK/screen.vv" <<EOV
[virt-viewer]
type=vnc
host=127.0.0.1
port=$port
password=pw4711
EOV
# No session bus, settings or accessibility bridge to wait for.
DISPLAY=$xdisp GSETTINGS_BACKEND=memory NO_AT_BRIDGE=1 GTK_A11Y=none \
    remote-viewer --debug "$GUEST_WORK/screen.vv" > "$GUEST_WORK/remote-viewer.log" 2>&1 &
rvpid=$!
wait_until $((60 * scale)) sh -c "DISPLAY=$xdisp xdotool search --onlyvisible --class remote-viewer | grep -q ."
r=$?
if [ $r -ne 0 ]; then
    # Once in CI (2026-12-07) no window appeared, with no trace of why.
    kill -0 $rvpid 2>/dev/null && echo "# remote-viewer still runs" || echo "# remote-viewer exited"
    DISPLAY=$xdisp xdotool search --onlyvisible --name . getwindowname %@ 2>&1 | sed 's/^/# window: /'
    tail -n 15 "$GUEST_WORK/remote-viewer.log" | sed 's/^/# remote-viewer: /'
    tail -n 5 "$GUEST_WORK/xvfb.log" | sed 's/^/# xvfb: /'
fi
tap_ok $r "remote-viewer opens a window on the guest"
win=$(DISPLAY=$xdisp xdotool search --onlyvisible --class remote-viewer | head -1)
DISPLAY=$xdisp xdotool windowactivate --sync "$win" 2>/dev/null || DISPLAY=$xdisp xdotool windowfocus "$win"
sleep 2
DISPLAY=$xdisp xdotool type --delay 150 'echo T-XD-$((3*5)) >/dev/ttyS0'
DISPLAY=$xdisp xdotool key --delay 150 Return
guest_wait_log $((300 * scale)) screen "^T-XD-15"
tap_ok $? "keys typed into remote-viewer (xdotool) run a command in the guest"
sleep 2
DISPLAY=$xdisp xwd -root -silent | xwdtopnm 2>/dev/null | pnmtopng > "$keep/test-guest-display.remote-viewer.png" 2>/dev/null
echo "# remote-viewer screenshot: $keep/test-guest-display.remote-viewer.png"
tesseract "$keep/test-guest-display.remote-viewer.png" "$GUEST_WORK/rv" >/dev/null 2>&1
grep -q "SCREEN CHECK 4711\|T-XD" "$GUEST_WORK/rv.txt"
tap_ok $? "the remote-viewer screenshot shows the guest's console (OCR)"
kill $rvpid $xpid 2>/dev/null
wait $rvpid $xpid 2>/dev/null

guest_wait_log 10 screen "T-INPUT: .*Virtio Tablet"
tap_ok $? "the guest sees the virtio tablet and the PS/2 keyboard"
vsh shutdown screen >/dev/null
wait_until $((300 * scale)) sh -c "'$GUEST_VSH' -c 'vessel+unix://$GUEST_WORK/daemon/run/vessel-sock' domstate screen | grep -qx 'shut off'"
tap_ok $? "the guest powers off"
python3 -c "import socket, sys; sys.exit(0 if socket.socket().connect_ex(('127.0.0.1', $port)) else 1)"
tap_ok $? "the VNC port is closed once the domain stopped"
