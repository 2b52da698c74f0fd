"""viewer-look.py - does the screen show the guest?

Usage: viewer-look.py OUT.png GUEST.png TIMEOUT
Takes screenshots of the X display until the guest's own picture
(GUEST.png, from virsh screenshot) appears in it at 1:1 - at least 99%
of its pixels equal (a blinking cursor may differ) - or TIMEOUT seconds
pass.  Saves the last screenshot to OUT.png; exits 0 when found."""
import sys
import time

import gi

gi.require_version("Gdk", "3.0")
gi.require_version("GdkPixbuf", "2.0")
from gi.repository import Gdk, GdkPixbuf  # noqa: E402

out_png, guest_png, timeout = sys.argv[1], sys.argv[2], float(sys.argv[3])


def rows(pixbuf):
    """The rows of a pixbuf as RGB bytes."""
    pb = pixbuf if not pixbuf.get_has_alpha() else None
    if pb is None:
        pb = GdkPixbuf.Pixbuf.new(GdkPixbuf.Colorspace.RGB, False, 8,
                                  pixbuf.get_width(), pixbuf.get_height())
        pixbuf.composite_color(pb, 0, 0, pixbuf.get_width(), pixbuf.get_height(), 0, 0, 1, 1,
                               GdkPixbuf.InterpType.NEAREST, 255, 0, 0, 1, 0, 0)
    data, stride, w = pb.get_pixels(), pb.get_rowstride(), pb.get_width()
    return [data[y * stride:y * stride + 3 * w] for y in range(pb.get_height())]


guest = rows(GdkPixbuf.Pixbuf.new_from_file(guest_png))
gh, gw3 = len(guest), len(guest[0])
# the row with the most distinct bytes locates the picture
key = max(range(gh), key=lambda y: len(set(guest[y])))


def find(screen):
    for sy in range(len(screen) - gh + 1):
        row = screen[sy + key]
        at = row.find(guest[key])
        while at >= 0:
            if at % 3 == 0:
                same = sum(1 for y in range(gh)
                           for x in range(0, gw3, 3)
                           if screen[sy + y][at + x:at + x + 3] == guest[y][x:x + 3])
                if same >= 0.99 * gh * (gw3 // 3):
                    return at // 3, sy, same
            at = row.find(guest[key], at + 1)
    return None


deadline = time.time() + timeout
found = None
while True:
    root = Gdk.get_default_root_window()
    shot = Gdk.pixbuf_get_from_window(root, 0, 0, root.get_width(), root.get_height())
    found = find(rows(shot))
    if found or time.time() > deadline:
        break
    time.sleep(1)
shot.savev(out_png, "png", [], [])
if found:
    print("guest picture (%dx%d) found at %d,%d: %d pixels equal"
          % (gw3 // 3, gh, found[0], found[1], found[2]))
else:
    print("guest picture (%dx%d) not on screen" % (gw3 // 3, gh))
print("screenshot: %s" % out_png)
sys.exit(0 if found else 1)
