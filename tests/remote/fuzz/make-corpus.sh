#!/bin/sh
# make-corpus.sh BUILDDIR - write tests/remote/fuzz-corpus/: what Debian's
# virsh and python3-libvirt really send to vesseld, one file per
# connection (record-proxy.py between the clients and a private daemon
# with tests/daemon's tiny guests).  Run by hand when the procedure table
# grows; fuzz-remote-packet replays the files and mutates them.
set -e
here=$(cd "$(dirname "$0")" && pwd)
top_srcdir=$(cd "$here/../../.." && pwd)
top_builddir=$(cd "${1:?usage: $0 BUILDDIR}" && pwd)
export top_srcdir top_builddir
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/remote/remote-env.sh"
out="$top_srcdir/tests/remote/fuzz-corpus"
rm -rf "$out" "$T/rec"
mkdir -p "$out" "$T/rec"
/usr/bin/python3 "$here/record-proxy.py" "$T/proxy" "$LSOCK" "$T/rec" &
PPID_=$!
CLEANUP_EXTRA="kill $PPID_ 2>/dev/null"
wait_until 10 test -S "$T/proxy"
P="qemu+unix:///system?socket=$T/proxy"
domxml web1 > "$T/web1.xml"
cat > "$T/n1.xml" <<EON
<network><name>n1</name><bridge name='vbrc$$'/>
<ip address='10.213.9.1' netmask='255.255.255.0'/></network>
EON
for cmd in "list --all" "version" "hostname" "nodeinfo" "capabilities" \
           "domcapabilities --virttype qemu" "define $T/web1.xml" "dominfo web1" \
           "start web1" "domstate web1" "dumpxml web1" "dumpxml --inactive web1" \
           "domblklist web1" "domiflist web1" "vcpuinfo web1" "schedinfo web1" \
           "domdisplay web1" "autostart web1" "suspend web1" "resume web1" \
           "reset web1" "destroy web1" "undefine web1" "net-define $T/n1.xml" \
           "net-list --all" "net-dumpxml n1" "net-undefine n1" "pool-list --all" \
           "nosuchcommand-is-refused"; do
    # shellcheck disable=SC2086
    virsh -c "$P" $cmd > /dev/null 2>&1 || true
done
$PY - "$P" <<'EOPY' > /dev/null 2>&1 || true
import sys, libvirt
c = libvirt.open(sys.argv[1])
for d in c.listAllDomains(0):
    d.info(); d.XMLDesc(0)
c.getCapabilities(); c.getInfo(); c.listAllNetworks(0)
c.close()
EOPY
sleep 1
i=0
for f in "$T"/rec/conn-*; do
    [ -s "$f" ] || continue
    i=$((i + 1))
    cp "$f" "$out/$(printf 'client-%03d' $i)"
done
echo "$i connections recorded in $out"
