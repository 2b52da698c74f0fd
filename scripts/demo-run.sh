#!/bin/sh
# demo-run.sh BUILDDIR - boot the demo VM through vesseld and vsh.
#
# Starts a private system-mode vesseld (`--config` in a temp dir, so the
# host's /etc and /run are not touched), defines the reference guest
# (Debian's cloud kernel + a busybox initramfs) with vsh, starts it under
# the software CPU, shows it in `vsh list`, follows its console until the
# guest is up, shuts it down through ACPI and lists it again.
# Interactive use: VESSEL_DEMO_CONSOLE=1 attaches `vsh console` (^] detaches).
set -eu
build=$(cd "$1" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
vsh="$build/shell/vsh"
tmp=$(mktemp -d /tmp/vessel-demo-XXXXXX)
cleanup() {
  [ -n "${dpid:-}" ] && kill "$dpid" 2>/dev/null && wait "$dpid" 2>/dev/null
  [ -n "${VESSEL_DEMO_KEEP:-}" ] || rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

guest=$(sh "$top/scripts/guest-fetch.sh")
sh "$top/scripts/mkinitramfs.sh" "$guest" "$tmp/initrd.gz"

mkdir -p "$tmp/etc" "$tmp/run" "$tmp/log" "$tmp/state"
cat > "$tmp/vesseld.conf" <<EOC
[paths]
config_dir=$tmp/etc
run_dir=$tmp/run
log_dir=$tmp/log
state_dir=$tmp/state
[sockets]
group=$(id -gn)
rw_perms=0660
ro_perms=0666
EOC
VESSEL_VMM="$build/vmm/vessel-vmm" "$build/daemon/vesseld" --config "$tmp/vesseld.conf" \
  > "$tmp/vesseld.log" 2>&1 &
dpid=$!
i=0
while [ ! -S "$tmp/run/vessel-sock" ]; do
  i=$((i + 1)); [ $i -gt 200 ] && { cat "$tmp/vesseld.log"; echo "demo: vesseld did not start" >&2; exit 1; }
  kill -0 "$dpid" 2>/dev/null || { cat "$tmp/vesseld.log"; exit 1; }
  sleep 0.05
done
export VESSEL_DEFAULT_URI="vessel+unix://$tmp/run/vessel-sock"

cat > "$tmp/demo.xml" <<EOX
<domain type='dbt'>
  <name>demo</name>
  <memory unit='MiB'>256</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64'>hvm</type>
    <kernel>$guest/vmlinuz</kernel>
    <initrd>$tmp/initrd.gz</initrd>
    <cmdline>console=ttyS0 panic=-1 nokaslr</cmdline>
  </os>
  <features><acpi/></features>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <emulator>$build/vmm/vessel-vmm</emulator>
    <console type='pty'/>
  </devices>
</domain>
EOX

set -x
"$vsh" define "$tmp/demo.xml"
"$vsh" list --all
"$vsh" start demo
"$vsh" list --all
"$vsh" dominfo demo
set +x
if [ -n "${VESSEL_DEMO_CONSOLE:-}" ]; then
  "$vsh" console demo
else
  echo "demo: waiting for the guest to reach userspace (log: $tmp/log/domains/demo.log)"
  i=0
  until grep -q 'vessel-guest: ready' "$tmp/log/domains/demo.log" 2>/dev/null; do
    i=$((i + 1))
    if [ $i -gt 6000 ]; then echo "demo: guest did not come up in 10 minutes" >&2; tail -n 30 "$tmp/log/domains/demo.log" >&2; exit 1; fi
    "$vsh" domstate demo | grep -q running || { echo "demo: guest stopped" >&2; tail -n 30 "$tmp/log/domains/demo.log" >&2; exit 1; }
    sleep 0.1
  done
  tail -n 5 "$tmp/log/domains/demo.log"
fi
set -x
"$vsh" shutdown demo
set +x
i=0
until "$vsh" domstate demo | grep -q 'shut off'; do
  i=$((i + 1)); [ $i -gt 600 ] && { echo "demo: guest did not power off" >&2; exit 1; }
  sleep 0.1
done
"$vsh" list --all
echo "demo: done"
