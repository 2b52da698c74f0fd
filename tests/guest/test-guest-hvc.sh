#!/bin/sh
# test-guest-hvc.sh - the virtio console through vesseld and vsh: a domain
# with <console type='pty'><target type='virtio'/></console> boots the
# reference guest (one boot); `vsh console NAME --devname console1` gets
# what the guest writes on /dev/hvc0 (some of it written before anyone
# attached: the VMM's backlog), and a line typed into vsh reaches the
# guest's hvc0, which reports it on the serial console (the domain log)
# and answers on hvc0.  hvc0's traffic is not in the domain log.  No
# network namespaces needed (the daemon defines no network); skipped
# without the guest kernel.  The
# deadlines only turn a hang into a failure.
. "$top_srcdir/tests/guest/lib-guest.sh"
tap_skip_if_quick
for prog in "$GUEST_VSH" "$GUEST_VESSELD" "$GUEST_VMM"; do
    [ -x "$prog" ] || tap_skip_all "$prog not built"
done
for prog in cpio gzip mkfifo; do
    command -v "$prog" >/dev/null 2>&1 || tap_skip_all "$prog not found"
done
tap_require_guest
GUEST_DIR=$guest
guest_setup
scale=$(guest_scale)

# The guest announces itself on hvc0 until a line arrives, then answers.
# stty runs on the open descriptor (hvc resets its termios on the last
# close; a cooked hvc0 would echo our line back into a READY line).
mkdir -p "$GUEST_WORK/extra/etc/vessel"
cat > "$GUEST_WORK/extra/etc/vessel/run" <<'EOS'
#!/bin/sh
echo "T-HVC: $(cat /sys/class/tty/hvc0/dev 2>/dev/null)"
exec 3<>/dev/hvc0
stty raw -echo <&3
i=0
line=
while [ $i -lt 300 ]; do
  echo "T-HVC-READY $i" >&3
  read -t 2 line <&3 && break
  i=$((i + 1))
done
echo "T-HVC-GOT: $line"
echo "T-HVC-ECHO: $line" >&3
exec 3>&-
echo "T-END"
EOS
chmod +x "$GUEST_WORK/extra/etc/vessel/run"
guest_initrd "$GUEST_WORK/initrd.gz" "$GUEST_WORK/extra"
guest_domain_xml hvcguest "$GUEST_WORK/initrd.gz" |
    sed "s|^    <serial type='pty'/>\$|&\\n    <console type='pty'><target type='virtio'/></console>|" \
    > "$GUEST_WORK/hvcguest.xml"

tap_plan 7
guest_daemon_start ""
vsh define "$GUEST_WORK/hvcguest.xml" >/dev/null && vsh start hvcguest >/dev/null
tap_ok $? "a domain with a virtio console starts"

in=$GUEST_WORK/console.in
out=$GUEST_WORK/console.out
mkfifo "$in"
vsh console hvcguest --devname console1 <"$in" >"$out" 2>"$GUEST_WORK/console.err" &
cpid=$!
exec 3>"$in"
wait_until $((900 * scale)) grep -q "T-HVC-READY" "$out"
tap_ok $? "vsh console --devname console1 shows what the guest writes on hvc0"
msg="hello hvc $$"
echo "$msg" >&3
wait_until $((120 * scale)) grep -q "T-HVC-ECHO: $msg" "$out"
tap_ok $? "a line typed into vsh reaches hvc0 and the guest's answer comes back"
exec 3>&-
wait $cpid
rc=$?
tap_ok $rc "vsh console detaches at the end of its input"
[ $rc -eq 0 ] || sed 's/^/# vsh: /' "$GUEST_WORK/console.err"

guest_wait_log $((60 * scale)) hvcguest "T-HVC-GOT: $msg"
tap_ok $? "the guest got the line on hvc0 (its serial console says so)"
! _guest_log_grep hvcguest "T-HVC-READY|T-HVC-ECHO"
tap_ok $? "hvc0's traffic stays out of the domain log"
wait_until $((120 * scale)) sh -c "'$GUEST_VSH' -c 'vessel+unix://$GUEST_WORK/daemon/run/vessel-sock' domstate hvcguest | grep -qx 'shut off'"
tap_ok $? "the guest powers off"
[ $_tap_failed -eq 0 ] || guest_log_show hvcguest 40
guest_daemon_stop
tap_done
