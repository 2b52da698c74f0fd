#!/bin/sh
# test-virtio-guest-console.sh - `vessel-vmm --console unix:PATH` gives the
# reference guest (dbt) a virtio-console as /dev/hvc0 next to the serial
# port: what the guest writes to hvc0 reaches the host end of the socket
# (console-client), and a line the host sends reaches the guest, which
# reports it on the serial console and echoes it back on hvc0.  Skipped
# without the guest kernel.  The deadlines only turn a hang into a failure.
. "$top_srcdir/tests/lib/tap.sh"
tap_skip_if_quick

vmm=$top_builddir/vmm/vessel-vmm
client=$top_builddir/tests/virtio/console-client
[ -x "$vmm" ] || tap_skip_all "vessel-vmm not built"
[ -x "$client" ] || tap_skip_all "console-client not built"
tap_require_guest

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tap_guest_initramfs "$work/base.cpio.gz"

# The guest announces itself on hvc0 until the host's line arrives (the
# host end may attach late: output with nobody attached is dropped).
# stty runs on the open descriptor: hvc resets its termios on the last
# close, and a cooked hvc0 would echo the host's line into the middle of
# a READY line (the client answers as soon as it sees the trigger).
mkdir -p "$work/run/etc/vessel"
cat > "$work/run/etc/vessel/run" <<'EOS'
#!/bin/sh
echo "T-HVC: $(cat /sys/class/tty/hvc0/dev 2>/dev/null)"
exec 3<>/dev/hvc0
stty raw -echo <&3
i=0
line=
while [ $i -lt 120 ]; do
  echo "T-HVC-READY $i" >&3
  read -t 2 line <&3 && break
  i=$((i + 1))
done
echo "T-HVC-GOT: $line"
echo "T-HVC-ECHO: $line" >&3
exec 3>&-
echo "T-END"
EOS
chmod +x "$work/run/etc/vessel/run"
(cd "$work/run" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet | gzip) > "$work/run.cpio.gz"
cat "$work/base.cpio.gz" "$work/run.cpio.gz" > "$work/initrd.cpio.gz"

scale=${VESSEL_TEST_TIMEOUT_SCALE:-1}
log=$work/serial.txt
sock=$work/hvc.sock
tap_plan 5
"$client" "$sock" "$work/hvc.txt" "T-HVC-READY" "hello hvc $$" $((1500 * scale)) 2> "$work/client.err" &
cpid=$!
timeout $((1500 * scale)) "$vmm" --kernel "$guest/vmlinuz" --initrd "$work/initrd.cpio.gz" \
    --cmdline "console=ttyS0 panic=-1" --memory 256 --accel dbt --no-reboot \
    --console "unix:$sock" --serial "file:$log" > "$log.vmm" 2>&1
rc=$?
wait $cpid
crc=$?
tr -d '\r' < "$log" > "$log.tmp" && mv "$log.tmp" "$log"
tr -d '\r' < "$work/hvc.txt" > "$work/hvc.tmp" && mv "$work/hvc.tmp" "$work/hvc.txt"
[ $rc -eq 0 ] || { sed 's/^/# /' "$log.vmm"; tail -n 40 "$log" | sed 's/^/# /'; }
tap_ok $rc "guest with a virtio console boots and powers off"
grep -q '^T-HVC: 229:0$' "$log"; tap_ok $? "the guest has /dev/hvc0"
grep -q '^T-HVC-READY [0-9]*$' "$work/hvc.txt"; tap_ok $? "guest output on hvc0 reaches the host socket"
grep -q "^T-HVC-GOT: hello hvc $$\$" "$log"; tap_ok $? "host input on the socket reaches the guest's hvc0"
[ $crc -eq 0 ] && grep -q "^T-HVC-ECHO: hello hvc $$\$" "$work/hvc.txt"
tap_ok $? "the guest's answer comes back on the socket"
[ $crc -eq 0 ] || sed 's/^/# /' "$work/client.err"
tap_done
