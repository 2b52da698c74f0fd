#!/bin/sh
# test-guest-fb.sh - the framebuffer path of the graphical console, one
# boot of Debian's generic kernel (linux-image-amd64: bochs-drm, fbcon)
# under dbt with --vga std and --vnc, checked with programs nobody here
# wrote:
#   - the guest loads bochs-drm (and the DRM modules it needs) from the
#     initramfs; its fbdev is 1024x768 at 32 bpp and fbcon takes the
#     console from vgacon (the kernel says so on the serial line)
#   - the VMM's control channel (`info`) shows the Bochs VBE registers
#     the driver set: 1024x768x32, enabled with the linear framebuffer
#   - fbcon draws a marker line that tesseract reads (OCR) in the
#     picture gvnccapture (gtk-vnc) takes over VNC
#   - colour bars the guest writes into /dev/fb0 are there, pixel for
#     pixel, in gvnccapture's picture, and the whole picture equals the
#     VMM's own rendering (control `screendump`)
#   - the guest powers off on the ACPI power button
# The boot's wall and CPU time are printed as figures.  Skipped without
# the generic kernel (scripts/guest-fetch.sh generic; a failure under
# CI) and under VESSEL_TEST_QUICK.  Deadlines only turn hangs into
# failures.
. "$top_srcdir/tests/guest/lib-guest.sh"
tap_skip_if_quick
[ -x "$GUEST_VMM" ] || tap_skip_all "$GUEST_VMM not built"
for prog in cpio gzip python3 gvnccapture tesseract pngtopnm "$BUSYBOX"; do
    command -v "$prog" >/dev/null 2>&1 || tap_unavailable "$prog not found (scripts/deps.sh)"
done
GUEST_DIR=$(sh "$top_srcdir/scripts/guest-fetch.sh" generic 2>/dev/null) &&
    [ -f "$GUEST_DIR/modules/drivers/gpu/drm/tiny/bochs.ko" ] ||
    tap_unavailable "the generic guest kernel is not available (scripts/guest-fetch.sh generic)"
guest_setup
scale=$(guest_scale)
W=$GUEST_WORK
VMM_PID=
fb_cleanup() {
    [ -n "$VMM_PID" ] && kill -9 "$VMM_PID" 2>/dev/null
    guest_cleanup
}
trap fb_cleanup EXIT

# The guest: bochs-drm and what it needs, in dependency order (the .deb
# has no modules.dep); then a marker line through fbcon and colour bars
# written straight into the framebuffer, below the text.
mkdir -p "$W/extra/etc/vessel" "$W/extra/lib/modules/drm"
for m in drm drm_kms_helper ttm/ttm drm_ttm_helper drm_vram_helper tiny/bochs; do
    cp "$GUEST_DIR/modules/drivers/gpu/drm/$m.ko" "$W/extra/lib/modules/drm/" ||
        tap_bail "module $m missing in $GUEST_DIR"
done
cat > "$W/extra/etc/vessel/run" <<'EOS'
#!/bin/sh
for m in drm drm_kms_helper ttm drm_ttm_helper drm_vram_helper bochs; do
    insmod /lib/modules/drm/$m.ko || echo "T-INSMOD-FAILED: $m"
done
i=0
while [ ! -e /sys/class/graphics/fb0/stride ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
fb=/sys/class/graphics/fb0
echo "T-FB: $(cat $fb/name) $(cat $fb/virtual_size) $(cat $fb/bits_per_pixel) $(cat $fb/stride)"
dmesg -n 1                                   # no more kernel lines on tty1
# fbcon: a clear screen, no cursor, the marker line at the top
printf '\033[?25l\033[H\033[2J\nVESSEL FRAMEBUFFER CHECK 1024\n' > /dev/tty1
# colour bars: 8 bars of 128 pixels (XRGB8888, bytes B G R X), 64 rows at y 640
cd /tmp
: > row
for px in '\000\000\377\000' '\000\377\000\000' '\377\000\000\000' '\377\377\377\000' \
          '\000\377\377\000' '\377\377\000\000' '\377\000\377\000' '\040\100\200\000'; do
    printf "$px" > bar
    for n in 1 2 3 4 5 6 7; do cat bar bar > bar2; mv bar2 bar; done
    cat bar >> row
done
stride=$(cat $fb/stride)
cp row block
for n in 1 2 3 4 5 6; do cat block block > block2; mv block2 block; done
# One write for all 64 rows: Linux 6.1's fbdev emulation turns a write
# of exactly one whole line into an empty damage clip (never flushed to
# the scanout buffer), so 4096-byte writes would not show.
[ "$stride" = 4096 ] && dd if=block of=/dev/fb0 bs=262144 seek=10 conv=notrunc 2>/dev/null
echo "T-FB-READY: $(wc -c < block)"
while :; do sleep 5; done
EOS
chmod +x "$W/extra/etc/vessel/run"
guest_initrd "$W/initrd.gz" "$W/extra"

# The VMM listens for VNC on a socket we bind (no port to guess).
ctl() { # COMMAND -> the reply line
    python3 - "$W/ctl" "$1" <<'EOP'
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(sys.argv[2].encode() + b"\n")
f = s.makefile("rb")
sys.stdout.write(f.readline().decode())
EOP
}
start=$(date +%s)
python3 - "$W/port" "$GUEST_VMM" --accel dbt --memory 384 --kernel "$GUEST_DIR/vmlinuz" \
    --initrd "$W/initrd.gz" --cmdline "console=tty0 console=ttyS0 panic=-1" \
    --serial "file:$W/serial.log" --control "unix:$W/ctl" --vga std > "$W/vmm.log" 2>&1 <<'EOP' &
import os, socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(4)
os.set_inheritable(s.fileno(), True)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write("%d\n" % s.getsockname()[1])
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
os.execv(sys.argv[2], sys.argv[2:] + ["--vnc", "fd:%d" % s.fileno()])
EOP
VMM_PID=$!
serial_has() { tr -d '\r' < "$W/serial.log" 2>/dev/null | grep -q -E -- "$1"; }
serial_value() { tr -d '\r' < "$W/serial.log" | sed -n "s/.*$1: //p" | tail -n 1; }

tap_plan 8
wait_until $((900 * scale)) sh -c "grep -q T-FB-READY '$W/serial.log' || grep -q 'Kernel panic' '$W/serial.log' || ! kill -0 $VMM_PID"
if ! serial_has T-FB-READY; then
    tr -d '\r' < "$W/serial.log" | tail -n 40 | sed 's/^/# serial: /'
    sed 's/^/# vmm: /' "$W/vmm.log"
    tap_bail "the guest never reached T-FB-READY"
fi
up=$(($(date +%s) - start))
info=$(ctl info)
echo "$info" > "$W/info.json"
cpu=$(echo "$info" | python3 -c 'import json,sys; print("%.1f" % (json.loads(sys.stdin.read()[3:])["cpu_time_ns"] / 1e9))')
echo "# boot of the generic kernel to the drawn framebuffer under dbt: ${up} s wall, $cpu s guest CPU"

fbline=$(serial_value T-FB)
echo "# guest fb0: $fbline"
serial_has "T-INSMOD-FAILED" && tr -d '\r' < "$W/serial.log" | grep T-INSMOD-FAILED | sed 's/^/# /'
[ "$fbline" = "bochs-drmdrmfb 1024,768 32 4096" ] && ! serial_has "T-INSMOD-FAILED"
tap_ok $? "bochs-drm loads: fb0 is 1024x768 at 32 bpp"
serial_has "fbcon: bochs-drmdrmfb \(fb0\) is primary device" &&
    serial_has "Console: switching to colour frame buffer device 128x48"
tap_ok $? "fbcon takes the console from vgacon (128x48 cells)"

echo "$info" | python3 -c '
import json, sys
vga = json.loads(sys.stdin.read()[3:])["vga"]
vbe = vga["vbe"]
print("# vga:", json.dumps(vga))
ok = (vga["screen"] == "graphics" and (vga["width"], vga["height"], vga["bpp"]) == (1024, 768, 32)
      and (vbe["xres"], vbe["yres"], vbe["bpp"]) == (1024, 768, 32)
      and vbe["enable"] & 0x41 == 0x41 and vbe["id"] == 0xb0c5)
sys.exit(0 if ok else 1)'
tap_ok $? "the VBE registers show 1024x768x32, enabled with the linear framebuffer"

# The bars reach VRAM through the fbdev emulation's deferred flush: wait
# for them in the VMM's picture, then take gvnccapture's between two of
# the VMM's own (the picture may change while we look).
own() { ctl screendump | python3 -c 'import base64,sys; sys.stdout.buffer.write(base64.b64decode(sys.stdin.read()[3:]))' > "$1"; }
# bars FILE.png: the colour bars are in the picture, every pixel of them
bars() {
    pngtopnm "$1" > "$1.pnm" 2>/dev/null || return 1
    python3 - "$1.pnm" <<'EOP'
import sys
data = open(sys.argv[1], "rb").read()
fields, pos = [], 0
while len(fields) < 4:                       # P6 header: magic, width, height, maxval
    while data[pos:pos + 1].isspace():
        pos += 1
    end = pos
    while not data[end:end + 1].isspace():
        end += 1
    fields.append(data[pos:end])
    pos = end
pos += 1
w, h = int(fields[1]), int(fields[2])
if fields[0] != b"P6" or (w, h) != (1024, 768):
    print("# picture is %r %dx%d" % (fields[0], w, h))
    sys.exit(1)
pix = data[pos:]
want = [(255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 255),
        (255, 255, 0), (0, 255, 255), (255, 0, 255), (128, 64, 32)]
bad = 0
for y in range(640, 704):
    for x in range(1024):
        i = 3 * (y * w + x)
        if tuple(pix[i:i + 3]) != want[x // 128]:
            bad += 1
above = sum(1 for i in range(3 * 600 * w, 3 * 640 * w, 3) if pix[i:i + 3] != b"\0\0\0")
print("# %s: %d of 65536 bar pixels wrong, %d non-black pixels in the 40 rows above" %
      (sys.argv[1].rsplit("/", 1)[-1], bad, above))
sys.exit(0 if bad == 0 and above == 0 else 1)
EOP
}
own_bars() { own "$W/own0.png" && bars "$W/own0.png"; }
wait_until $((120 * scale)) own_bars
port=$(cat "$W/port")
own "$W/own1.png"
timeout $((60 * scale)) gvnccapture "127.0.0.1:$((port - 5900))" "$W/gvnc.png" > "$W/gvnc.out" 2>&1 ||
    sed 's/^/# gvnccapture: /' "$W/gvnc.out"
own "$W/own2.png"
bars "$W/gvnc.png"
tap_ok $? "gvnccapture's picture has the colour bars the guest wrote to /dev/fb0"
same=1
for f in gvnc own1 own2; do pngtopnm "$W/$f.png" > "$W/$f.pnm" 2>/dev/null; done
if [ -s "$W/gvnc.pnm" ] && { cmp -s "$W/gvnc.pnm" "$W/own1.pnm" || cmp -s "$W/gvnc.pnm" "$W/own2.pnm"; }; then
    same=0
fi
tap_ok $same "gvnccapture's picture equals the VMM's own rendering (screendump)"
tesseract "$W/gvnc.png" "$W/ocr" >/dev/null 2>&1
sed 's/^/# ocr: /' "$W/ocr.txt" | grep -v '^# ocr: *$' | head -5
grep -q "FRAMEBUFFER CHECK 1024" "$W/ocr.txt"
tap_ok $? "OCR reads the line fbcon drew"
keep=${VESSEL_TEST_ARTIFACTS:-$PWD}
cp "$W/gvnc.png" "$keep/test-guest-fb.gvnccapture.png" 2>/dev/null &&
    echo "# gvnccapture's picture: $keep/test-guest-fb.gvnccapture.png"

reply=$(ctl powerdown)
[ "$reply" = ok ]
tap_ok $? "powerdown on the control channel"
wait_until $((300 * scale)) sh -c "! kill -0 $VMM_PID"
wait "$VMM_PID"
rc=$?
VMM_PID=
[ "$rc" -eq 0 ] && serial_has "power button pressed"
tap_ok $? "the guest powers off (VMM exit status $rc)"
