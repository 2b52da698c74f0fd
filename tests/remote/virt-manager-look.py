"""virt-manager-look.py - what virt-manager shows, read through the
accessibility tree (AT-SPI, as virt-manager's own UI tests read it), and a
screenshot of the screen.

Usage: virt-manager-look.py OUT.png TIMEOUT DOMAIN=STATE...
Waits until virt-manager's window lists every DOMAIN with its STATE
("Running", "Shutoff", ...), prints the rows it found, saves the screen to
OUT.png and exits 0; exits 1 with what it saw when the time runs out."""
import sys
import time

import gi

gi.require_version("Atspi", "2.0")
gi.require_version("Gdk", "3.0")
from gi.repository import Atspi, Gdk  # noqa: E402

out_png, timeout = sys.argv[1], float(sys.argv[2])
want = dict(arg.split("=", 1) for arg in sys.argv[3:])


def walk(node, depth=0):
    if node is None or depth > 40:
        return
    yield node
    try:
        n = node.get_child_count()
    except Exception:
        return
    for i in range(n):
        try:
            child = node.get_child_at_index(i)
        except Exception:
            continue
        yield from walk(child, depth + 1)


def app():
    desktop = Atspi.get_desktop(0)
    for i in range(desktop.get_child_count()):
        a = desktop.get_child_at_index(i)
        if a is not None and "virt-manager" in (a.get_name() or ""):
            return a
    return None


def rows():
    """Texts of the table cells of virt-manager's windows."""
    a = app()
    if a is None:
        return None, []
    texts = []
    for node in walk(a):
        try:
            role = node.get_role_name()
            name = node.get_name() or ""
        except Exception:
            continue
        if role in ("table cell", "tree item") and name.strip():
            texts.append(name.strip())
    return a, texts


def shown(texts):
    """DOMAIN -> the state shown next to it, from the cells' texts."""
    found = {}
    for t in texts:
        lines = [line.strip() for line in t.splitlines() if line.strip()]
        for dom in want:
            if dom in lines:
                for state in lines:
                    if state != dom:
                        found[dom] = state
    # a name and its state may also be cells of their own, in order
    for i, t in enumerate(texts[:-1]):
        if t in want and t not in found:
            found[t] = texts[i + 1].splitlines()[0].strip()
    return found


deadline = time.time() + timeout
seen, texts = {}, []
while time.time() < deadline:
    a, texts = rows()
    seen = shown(texts)
    if all(seen.get(d) == s for d, s in want.items()):
        break
    time.sleep(0.5)

for d in sorted(want):
    print("row: %s %s" % (d, seen.get(d, "(not shown)")))
ok = all(seen.get(d) == s for d, s in want.items())
if not ok:
    print("cells seen: %r" % texts[:40])

root = Gdk.get_default_root_window()
shot = Gdk.pixbuf_get_from_window(root, 0, 0, root.get_width(), root.get_height())
shot.savev(out_png, "png", [], [])
print("screenshot: %s (%dx%d)" % (out_png, root.get_width(), root.get_height()))
sys.exit(0 if ok else 1)
