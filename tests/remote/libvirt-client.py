"""libvirt-client.py - a python3-libvirt program against vesseld's libvirt
sockets, as people write them: list domains, start one, receive its
lifecycle events (libvirt's default event loop), read its XML, and a
read-only connection that reads and is refused writes; then a storage
pool in POOL_DIR with its events, a volume uploaded and downloaded
through streams.

Usage: libvirt-client.py RW_URI RO_URI DOMAIN POOL_DIR
Prints "PASS what" / "FAIL what" lines (test-remote-python.sh turns them
into TAP) and exits non-zero if anything failed."""
import sys
import threading
import time
import xml.etree.ElementTree as ET

import libvirt

rw_uri, ro_uri, name, pool_dir = sys.argv[1:5]
failed = 0


def check(ok, what):
    global failed
    print(("PASS " if ok else "FAIL ") + what, flush=True)
    if not ok:
        failed += 1


def quiet(ctx, err):
    """Errors are checked where they happen, not printed by libvirt."""


libvirt.registerErrorHandler(quiet, None)
def run_event_loop():
    while True:
        libvirt.virEventRunDefaultImpl()


libvirt.virEventRegisterDefaultImpl()
threading.Thread(target=run_event_loop, daemon=True).start()

events = {"rw": [], "ro": []}
lock = threading.Condition()


def on_lifecycle(conn, dom, event, detail, which):
    with lock:
        events[which].append((dom.name(), event, detail))
        lock.notify_all()


def wait_event(which, event, detail, timeout=60):
    deadline = time.time() + timeout
    with lock:
        while (name, event, detail) not in events[which]:
            left = deadline - time.time()
            if left <= 0:
                return False
            lock.wait(left)
    return True


conn = libvirt.open(rw_uri)
check(conn is not None, "open the read-write socket")
check(conn.getType() == "Vessel", "the hypervisor says it is Vessel")
check(conn.getLibVersion() >= 9000000, "the protocol level is libvirt 9")
names = [d.name() for d in conn.listAllDomains(0)]
check(name in names, "listAllDomains lists %s (got %s)" % (name, names))
check(name in conn.listDefinedDomains(), "listDefinedDomains has the shut-off domain")
dom = conn.lookupByName(name)
check(dom.isActive() == 0 and dom.isPersistent() == 1, "inactive and persistent")
check(conn.lookupByUUIDString(dom.UUIDString()).name() == name, "lookup by UUID")

ro = libvirt.openReadOnly(ro_uri)
check(ro is not None, "open the read-only socket")
cb_rw = conn.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                    on_lifecycle, "rw")
cb_ro = ro.domainEventRegisterAny(ro.lookupByName(name), libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                  on_lifecycle, "ro")

dom.create()
check(dom.isActive() == 1 and dom.ID() > 0, "create() starts it (id %d)" % dom.ID())
check(conn.lookupByID(dom.ID()).name() == name, "lookup by id")
check(wait_event("rw", libvirt.VIR_DOMAIN_EVENT_STARTED, libvirt.VIR_DOMAIN_EVENT_STARTED_BOOTED),
      "the read-write connection receives Started Booted")
check(wait_event("ro", libvirt.VIR_DOMAIN_EVENT_STARTED, libvirt.VIR_DOMAIN_EVENT_STARTED_BOOTED),
      "the read-only connection receives it too")
check(dom.state() == [libvirt.VIR_DOMAIN_RUNNING, libvirt.VIR_DOMAIN_RUNNING_BOOTED],
      "state() is running (booted)")
info = dom.info()
check(info[0] == libvirt.VIR_DOMAIN_RUNNING and info[1] == 65536 and info[3] == 2,
      "info() has state, memory and vcpus (%s)" % info)

doc = ET.fromstring(dom.XMLDesc(0))
check(doc.findtext("name") == name and doc.findtext("uuid") == dom.UUIDString(),
      "XMLDesc names the domain and its UUID")
inactive = ET.fromstring(dom.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE))
check(inactive.findtext("name") == name, "XMLDesc(INACTIVE)")

rodom = ro.lookupByName(name)
check(rodom.isActive() == 1 and rodom.XMLDesc(0) == dom.XMLDesc(0), "the read-only side reads")
for what, op in (("destroy", rodom.destroy), ("suspend", rodom.suspend),
                 ("setAutostart", lambda: rodom.setAutostart(1))):
    try:
        op()
        check(False, "read-only %s refused" % what)
    except libvirt.libvirtError as e:
        check(e.get_error_code() == libvirt.VIR_ERR_OPERATION_DENIED,
              "read-only %s refused: %s" % (what, e.get_error_message()))
check(dom.isActive() == 1, "still running after the refused writes")

try:
    conn.lookupByName("no-such-domain")
    check(False, "an unknown name fails")
except libvirt.libvirtError as e:
    check(e.get_error_code() == libvirt.VIR_ERR_NO_DOMAIN, "an unknown name is VIR_ERR_NO_DOMAIN")

# the serial console as a stream: what is sent comes back (the guest
# echoes), and the stream ends when the domain stops
console = conn.newStream(libvirt.VIR_STREAM_NONBLOCK)
dom.openConsole(None, console, 0)
console.send(b"through-the-stream\n")


def read_console(until, timeout=30):
    """Console output until @until shows (or end of file); (bytes, eof)."""
    got, deadline = b"", time.time() + timeout
    while time.time() < deadline:
        r = console.recv(4096)
        if r == -2:
            time.sleep(0.05)
            continue
        if not r:
            return got, True
        got += r
        if until and until in got:
            return got, False
    return got, False


echo, _ = read_console(b"through-the-stream")
check(b"through-the-stream" in echo, "openConsole: the guest echoes what the stream sends")

dom.suspend()
check(wait_event("rw", libvirt.VIR_DOMAIN_EVENT_SUSPENDED, libvirt.VIR_DOMAIN_EVENT_SUSPENDED_PAUSED),
      "suspend() -> Suspended Paused")
dom.resume()
dom.destroy()
check(wait_event("rw", libvirt.VIR_DOMAIN_EVENT_STOPPED, libvirt.VIR_DOMAIN_EVENT_STOPPED_DESTROYED),
      "destroy() -> Stopped Destroyed")
check(wait_event("ro", libvirt.VIR_DOMAIN_EVENT_STOPPED, libvirt.VIR_DOMAIN_EVENT_STOPPED_DESTROYED),
      "... on the read-only connection too")
_, eof = read_console(None)
check(eof, "the console stream ends when the domain stops")
console.finish()
conn.domainEventDeregisterAny(cb_rw)
ro.domainEventDeregisterAny(cb_ro)
check(dom.state()[0] == libvirt.VIR_DOMAIN_SHUTOFF, "shut off")

# ---- a storage pool and a volume
pool_events = []


def on_pool(conn, pool, event, detail, opaque):
    with lock:
        pool_events.append((pool.name(), event))
        lock.notify_all()


def wait_pool_event(event, timeout=60):
    deadline = time.time() + timeout
    with lock:
        while ("pypool", event) not in pool_events:
            left = deadline - time.time()
            if left <= 0:
                return False
            lock.wait(left)
    return True


cb_pool = conn.storagePoolEventRegisterAny(None, libvirt.VIR_STORAGE_POOL_EVENT_ID_LIFECYCLE,
                                           on_pool, None)
pool = conn.storagePoolDefineXML("<pool type='dir'><name>pypool</name><target><path>%s</path>"
                                 "</target></pool>" % pool_dir, 0)
pool.build(0)
pool.create(0)
check(pool.isActive() == 1 and pool.info()[0] == libvirt.VIR_STORAGE_POOL_RUNNING,
      "storagePoolDefineXML, build, create: the pool runs")
check(wait_pool_event(libvirt.VIR_STORAGE_POOL_EVENT_STARTED), "the pool's Started event")
check("pypool" in [p.name() for p in conn.listAllStoragePools(
    libvirt.VIR_CONNECT_LIST_STORAGE_POOLS_ACTIVE)], "listAllStoragePools(ACTIVE) has it")
vol = pool.createXML("<volume><name>v.raw</name><capacity unit='KiB'>64</capacity></volume>", 0)
check(vol.info() == [libvirt.VIR_STORAGE_VOL_FILE, 65536, vol.info()[2]]
      and vol.path() == pool_dir + "/v.raw", "createXML: a 64 KiB file volume (%s)" % vol.info())
check([v.name() for v in pool.listAllVolumes(0)] == ["v.raw"], "listAllVolumes")
check(conn.storageVolLookupByPath(vol.path()).name() == "v.raw", "storageVolLookupByPath")
data = bytes(range(256)) * 256


class Feeder:
    """sendAll's source: @b in the pieces the stream asks for."""
    def __init__(self, b):
        self.b, self.off = b, 0

    def __call__(self, stream, n, opaque):
        chunk = self.b[self.off:self.off + n]
        self.off += len(chunk)
        return chunk


up = conn.newStream(0)
vol.upload(up, 0, 0, 0)
up.sendAll(Feeder(data), None)
up.finish()
got = bytearray()
down = conn.newStream(0)
vol.download(down, 0, 0, 0)
down.recvAll(lambda stream, buf, opaque: got.extend(buf) or len(buf), None)
down.finish()
check(bytes(got) == data, "upload then download through streams: the same %d bytes" % len(data))
big = pool.createXML("<volume><name>big.raw</name><capacity unit='MiB'>32</capacity></volume>", 0)
down = conn.newStream(0)
big.download(down, 0, 0, 0)
first = down.recv(65536)
down.abort()
check(len(first) > 0 and conn.getType() == "Vessel" and
      libvirt.open(rw_uri).getType() == "Vessel",
      "a download aborted after its first bytes: the daemon goes on")
big.delete(0)
rovol = ro.storageVolLookupByPath(vol.path())
try:
    rovol.delete(0)
    check(False, "read-only volume delete refused")
except libvirt.libvirtError as e:
    check(e.get_error_code() == libvirt.VIR_ERR_OPERATION_DENIED,
          "read-only volume delete refused: %s" % e.get_error_message())
vol.delete(0)
pool.destroy()
pool.undefine()
check(wait_pool_event(libvirt.VIR_STORAGE_POOL_EVENT_UNDEFINED), "... Stopped and Undefined events")
with lock:
    got_events = [e for n, e in pool_events if n == "pypool"]
check(libvirt.VIR_STORAGE_POOL_EVENT_STOPPED in got_events, "the Stopped event came too")
conn.storagePoolEventDeregisterAny(cb_pool)
try:
    conn.storagePoolLookupByName("pypool")
    check(False, "the undefined pool is gone")
except libvirt.libvirtError as e:
    check(e.get_error_code() == libvirt.VIR_ERR_NO_STORAGE_POOL,
          "the undefined pool is gone: VIR_ERR_NO_STORAGE_POOL")
ro.close()
conn.close()
sys.exit(1 if failed else 0)
