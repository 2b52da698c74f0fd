#!/bin/sh
# test-vnc.sh - the VMM's VNC server (vmm/display/vnc.c) byte for byte
# with a small RFB 3.8 client written here in Python (no security, raw
# encoding), in front of guests/vbe.S, which sets 320x200x32 through the
# Bochs VBE ports and marks two corners of the framebuffer:
#   - a client that connects after the mode change is told the current
#     size in ServerInit (not the text mode the VMM started in), also
#     when a screenshot (control `screendump`) saw the change first
#   - a full update has the guest's pixels where it put them, and
#     nothing else
#   - with keymap=de the keysyms a client sends arrive as the keys of a
#     German layout (the guest prints the scan codes it reads: set 1,
#     the i8042 translating)
# Runs under the sanitizers too (a few seconds of dbt).
. "$top_srcdir/tests/lib/tap.sh"
vmm="$top_builddir/vmm/vessel-vmm"
guests="$top_builddir/tests/vmm/guests"
command -v python3 >/dev/null 2>&1 || tap_unavailable "python3 not found"
T=$(mktemp -d "${TMPDIR:-/tmp}/vmm-vnc.XXXXXX")
pid=
trap '[ -n "$pid" ] && kill -9 $pid 2>/dev/null; rm -rf "$T"' EXIT
scale=${VESSEL_TEST_TIMEOUT_SCALE:-1}

tap_plan 6
"$vmm" --kernel "$guests/vbe.elf" --memory 64 --accel dbt --vga std \
    --vnc "unix:$T/vnc.sock,keymap=de" --control "unix:$T/ctl" --serial "file:$T/serial" 2> "$T/err" &
pid=$!
wait_until $((60 * scale)) grep -q "vbe mode set" "$T/serial"
tap_ok $? "the guest set its VBE mode"

# A screenshot first: the picture it brings up to date is news for VNC too.
python3 -c "
import socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall(b'screendump\\n')
f = s.makefile('rb'); sys.exit(0 if f.readline().startswith(b'ok ') else 1)" "$T/ctl"
tap_ok $? "a screenshot of the new mode"
python3 - "$T/vnc.sock" > "$T/rfb" 2>&1 <<'EOP'
import socket, struct, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(30)
s.connect(sys.argv[1])
def read(n):
    buf = b""
    while len(buf) < n:
        d = s.recv(n - len(buf))
        if not d:
            raise EOFError("server closed after %d of %d bytes" % (len(buf), n))
        buf += d
    return buf
assert read(12) == b"RFB 003.008\n"
s.sendall(b"RFB 003.008\n")
types = read(read(1)[0])
assert 1 in types, types                       # None
s.sendall(b"\x01")
assert read(4) == b"\0\0\0\0"                  # SecurityResult OK
s.sendall(b"\x01")                             # ClientInit: shared
w, h = struct.unpack(">HH", read(4))
bpp, depth, big, true_colour, rmax, gmax, bmax, rs, gs, bs = struct.unpack(">BBBBHHHBBB3x", read(16))
read(struct.unpack(">I", read(4))[0])          # name
print("size", w, h)
print("format", bpp, big, true_colour, rs, gs, bs)
s.sendall(struct.pack(">BxHi", 2, 1, 0))       # SetEncodings: raw only
s.sendall(struct.pack(">BBHHHH", 3, 0, 0, 0, w, h))
fb = {}
t, _, n = struct.unpack(">BBH", read(4))
assert t == 0, t                               # FramebufferUpdate
for _ in range(n):
    x, y, rw, rh, enc = struct.unpack(">HHHHi", read(12))
    assert enc == 0, enc
    data = read(rw * rh * bpp // 8)
    for j in range(rh):
        for i in range(rw):
            p = struct.unpack_from(">I" if big else "<I", data, 4 * (j * rw + i))[0]
            fb[(x + i, y + j)] = (p >> rs & 255) << 16 | (p >> gs & 255) << 8 | (p >> bs & 255)
lit = {k: v for k, v in fb.items() if v}
print("pixels", len(fb), "lit", sorted((k, hex(v)) for k, v in lit.items()))
# KeyEvents: z, then @ as a German client types it (AltGr held)
for down, sym in ((1, 0x7a), (0, 0x7a), (1, 0xfe03), (1, 0x40), (0, 0x40), (0, 0xfe03)):
    s.sendall(struct.pack(">BBxxI", 4, down, sym))
# a round trip (a full update of one pixel is always answered): the
# server has read the keys before we go
s.sendall(struct.pack(">BBHHHH", 3, 0, 0, 0, 1, 1))
t, _, n = struct.unpack(">BBH", read(4))
for _ in range(n):
    x, y, rw, rh, enc = struct.unpack(">HHHHi", read(12))
    read(rw * rh * bpp // 8)
EOP
sed 's/^/# /' "$T/rfb"
grep -qx "size 320 200" "$T/rfb"
tap_ok $? "ServerInit has the guest's mode, 320x200"
grep -qx "pixels 64000 lit \[((0, 0), '0xff8000'), ((319, 199), '0x80ff')\]" "$T/rfb"
tap_ok $? "a full update has the guest's two pixels and nothing else"
# z is KEY_Y on a German layout (set 1: 15 95), @ is AltGr+Q (e0 38 10 90 e0 b8)
wait_until $((30 * scale)) grep -q "<e0><b8>" "$T/serial"
grep -o "<..>" "$T/serial" | tr -d '\n' | sed 's/^/# keys: /'; echo
grep -q "<15><95><e0><38><10><90><e0><b8>" "$T/serial"
tap_ok $? "keymap=de: keysym z is the Y key, @ is AltGr+Q"
python3 -c "
import socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall(b'quit\n'); s.recv(64)" "$T/ctl"
wait $pid
rc=$?
pid=
[ $rc -eq 0 ] && [ ! -s "$T/err" ]
tap_ok $? "quit: the VMM exits 0 with nothing on stderr"
[ -s "$T/err" ] && sed 's/^/# vmm: /' "$T/err"
tap_done
