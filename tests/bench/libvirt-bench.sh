#!/bin/sh
# libvirt-bench.sh - listing N defined domains, whole process, median of R
# runs, side by side:
#   virsh list --all -> vesseld's libvirt socket (daemon/remote/)
#   vsh list --all   -> vesseld's D-Bus socket
#   virsh list --all -> libvirtd 9.0 with the same N domains (QEMU driver,
#                       session mode as uid 65534 in a temp dir, so nothing
#                       of the host's libvirt is touched), when Debian's
#                       libvirt-daemon and libvirt-daemon-driver-qemu are
#                       installed (apt-get install --no-install-recommends
#                       libvirt-daemon libvirt-daemon-driver-qemu: no
#                       service is enabled or started by it)
# Prints figures; asserts nothing.  Usage: libvirt-bench.sh BUILDDIR [N] [R]
set -u
build=$(cd "${1:?usage: $0 BUILDDIR [N] [R]}" && pwd)
n=${2:-1000}
runs=${3:-7}
VSH="$build/shell/vsh"
VESSELD="$build/daemon/vesseld"
GUEST="$build/tests/daemon/guests/idle.elf"
command -v virsh >/dev/null 2>&1 || { echo "libvirt-bench: virsh not installed (libvirt-clients)"; exit 0; }

T=$(mktemp -d "${TMPDIR:-/tmp}/libvirt-bench.XXXXXX") || exit 1
VPID= LPID=
cleanup() {
    [ -n "$VPID" ] && kill "$VPID" 2>/dev/null && wait "$VPID" 2>/dev/null
    [ -n "$LPID" ] && kill "$LPID" 2>/dev/null && wait "$LPID" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT INT TERM

# median_ms CMD...: run CMD $runs times (after one warm-up), median wall ms
median_ms() {
    "$@" > "$T/out" 2>&1 || { echo "FAILED: $*" >&2; sed 's/^/  /' "$T/out" >&2; return 1; }
    i=0
    while [ $i -lt "$runs" ]; do
        s=$(date +%s%N)
        "$@" > /dev/null 2>&1
        e=$(date +%s%N)
        echo $(( (e - s) / 1000 ))
        i=$((i + 1))
    done | sort -n | awk '{ v[NR] = $1 } END { printf "%.1f", v[int((NR + 1) / 2)] / 1000 }'
}

# ---- vesseld with N definitions written before it starts -------------------
mkdir -p "$T/cfg/domains" "$T/run" "$T/log" "$T/state"
i=1
while [ $i -le "$n" ]; do
    name=$(printf 'bench%04d' $i)
    cat > "$T/cfg/domains/$name.xml" <<EOF
<domain type='dbt'>
  <name>$name</name>
  <uuid>$(cat /proc/sys/kernel/random/uuid)</uuid>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os>
    <type>hvm</type>
    <kernel>$GUEST</kernel>
  </os>
</domain>
EOF
    i=$((i + 1))
done
cat > "$T/vesseld.conf" <<EOF
[paths]
config_dir=$T/cfg
run_dir=$T/run
log_dir=$T/log
state_dir=$T/state
[sockets]
group=
[dbus]
system_bus=false
EOF
VESSEL_VMM="$build/vmm/vessel-vmm" "$VESSELD" --config "$T/vesseld.conf" > "$T/vesseld.log" 2>&1 &
VPID=$!
k=0
while [ ! -S "$T/run/libvirt-sock" ] && [ $k -lt 300 ]; do sleep 0.1; k=$((k + 1)); done
LURI="qemu+unix:///system?socket=$T/run/libvirt-sock"
rows=$(virsh -c "$LURI" list --all --name | grep -c .)
[ "$rows" -eq "$n" ] || { echo "libvirt-bench: vesseld lists $rows domains, not $n"; cat "$T/vesseld.log"; exit 1; }

echo "list --all with $n defined domains: whole process, median of $runs runs"
printf '  %-44s %8s ms\n' "virsh -> vesseld (libvirt socket)" "$(median_ms virsh -c "$LURI" list --all)"
printf '  %-44s %8s ms\n' "vsh   -> vesseld (D-Bus socket)" \
    "$(median_ms "$VSH" -c "vessel+unix://$T/run/vessel-sock" list --all)"

# ---- the reference: libvirtd 9.0 ---------------------------------------------
if ! command -v libvirtd >/dev/null 2>&1 || ! command -v qemu-system-x86_64 >/dev/null 2>&1 ||
    [ ! -e /usr/lib/x86_64-linux-gnu/libvirt/connection-driver/libvirt_driver_qemu.so ]; then
    echo "  virsh -> libvirtd: not measured (libvirt-daemon, libvirt-daemon-driver-qemu or qemu-system-x86 missing)"
    exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v setpriv >/dev/null 2>&1; then
    echo "  virsh -> libvirtd: not measured (needs root and setpriv to run it as uid 65534)"
    exit 0
fi
L="$T/libvirtd"
mkdir -p "$L/run" "$L/config" "$L/cache" "$L/data"
chmod 0755 "$T"
chown -R 65534:65534 "$L"
as_user() {
    setpriv --reuid=65534 --regid=65534 --clear-groups \
        env HOME="$L" XDG_RUNTIME_DIR="$L/run" XDG_CONFIG_HOME="$L/config" \
        XDG_CACHE_HOME="$L/cache" XDG_DATA_HOME="$L/data" "$@"
}
as_user libvirtd > "$T/libvirtd.log" 2>&1 &
LPID=$!
SOCK="$L/run/libvirt/libvirt-sock"
k=0
while [ ! -S "$SOCK" ] && [ $k -lt 300 ]; do sleep 0.1; k=$((k + 1)); done
QURI="qemu+unix:///session?socket=$SOCK"
as_user /usr/bin/python3 - "$QURI" "$n" > "$T/define.log" 2>&1 <<'EOF'
import sys
import libvirt
conn = libvirt.open(sys.argv[1])
for i in range(1, int(sys.argv[2]) + 1):
    conn.defineXML("""<domain type='qemu'>
  <name>bench%04d</name>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64'>hvm</type></os>
</domain>""" % i)
EOF
rows=$(as_user virsh -c "$QURI" list --all --name 2>/dev/null | grep -c .)
if [ "$rows" -ne "$n" ]; then
    echo "  virsh -> libvirtd: not measured (it lists $rows domains, not $n)"
    sed 's/^/    /' "$T/define.log" "$T/libvirtd.log" | tail -n 20
    exit 0
fi
printf '  %-44s %8s ms\n' "virsh -> libvirtd $(libvirtd --version | awk '{print $NF}') (qemu:///session)" \
    "$(median_ms as_user virsh -c "$QURI" list --all)"
