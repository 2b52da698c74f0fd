#!/bin/sh
# firmware-bench.sh - start -> login prompt of the stock Debian image
# (scripts/debian-image.sh: SeaBIOS -> GRUB -> Debian's cloud kernel ->
# systemd, cloud-init from a NoCloud seed) under `vessel-vmm --accel dbt`
# and under `qemu-system-x86_64 -accel tcg` in the same run, with the
# same SeaBIOS, image, seed and memory: wall seconds to GRUB's menu, to
# "Linux version" and to "login:", and the CPU seconds the process used
# until the prompt.  Each run boots a fresh qcow2 overlay on the cached
# image (cloud-init does its first-boot work every time; the image is
# never written).  A benchmark, not a test: it prints figures and never
# fails on them.
#
#   tests/bench/firmware-bench.sh BUILDDIR [MEMORY-MIB]
set -eu
build=$(cd "$1" && pwd); mem=${2:-512}
top=$(cd "$(dirname "$0")/../.." && pwd)
bios=${VESSEL_SEABIOS:-/usr/share/seabios/bios-256k.bin}
[ -f "$bios" ] || { echo "firmware-bench: no SeaBIOS at $bios (package seabios)"; exit 0; }
for t in qemu-img mkfs.fat mcopy; do
    command -v "$t" >/dev/null || { echo "firmware-bench: needs $t (scripts/deps.sh)"; exit 0; }
done
img=$(sh "$top/scripts/debian-image.sh") || { echo "firmware-bench: no Debian image"; exit 0; }
tmp=$(mktemp -d /tmp/vessel-fwbench-XXXXXX)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT INT TERM
clk=$(getconf CLK_TCK)

printf '#cloud-config\nhostname: bench\n' > "$tmp/user-data"
printf 'instance-id: bench-%s\nlocal-hostname: bench\n' "$$" > "$tmp/meta-data"
mkfs.fat -n cidata -C "$tmp/seed.img" 2048 >/dev/null 2>&1
mcopy -i "$tmp/seed.img" "$tmp/user-data" "$tmp/meta-data" ::

now() { date +%s.%N; }
# run LABEL CMD...: boot until the login prompt; prints "grub kernel login cpu"
run() {
    label=$1; shift
    log=$tmp/$label.serial
    : > "$log"
    t0=$(now); tg=; tk=; tl=
    "$@" > "$tmp/$label.out" 2>&1 &
    pid=$!
    while kill -0 "$pid" 2>/dev/null; do
        t=$(now)
        [ -z "$tg" ] && grep -qa "GNU GRUB" "$log" && tg=$t
        [ -z "$tk" ] && grep -qa "Linux version" "$log" && tk=$t
        if tr -d '\r' < "$log" | grep -qa "login: *$"; then
            tl=$t
            break
        fi
        [ "$(echo "$t - $t0 > 3600" | bc)" = 1 ] && break
        sleep 0.2
    done
    cpu=$(awk -v c="$clk" '{ print ($14 + $15) / c }' "/proc/$pid/stat" 2>/dev/null || echo 0)
    kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || :
    pid=
    if [ -z "$tl" ]; then
        echo "$label: no login prompt" >&2; tail -n 20 "$log" >&2; tail -n 5 "$tmp/$label.out" >&2
        return 1
    fi
    echo "$(echo "${tg:-$t0} - $t0" | bc) $(echo "${tk:-$t0} - $t0" | bc) $(echo "$tl - $t0" | bc) $cpu"
}
overlay() { # NAME
    qemu-img create -q -f qcow2 -F qcow2 -b "$img" "$tmp/$1.qcow2"
    echo "$tmp/$1.qcow2"
}

echo "$(basename "$img"), ${mem} MiB, 1 vCPU, SeaBIOS $bios"
printf '%-26s %8s %8s %8s %8s\n' "configuration" "grub-s" "linux-s" "login-s" "cpu-s"
ov=$(overlay vessel)
v=$(run vessel "$build/vmm/vessel-vmm" --accel dbt --bios "$bios" --boot c --memory "$mem" \
      --disk "$ov,format=qcow2" --disk "$tmp/seed.img,readonly" \
      --serial "file:$tmp/vessel.serial") || exit 0
printf '%-26s %8.1f %8.1f %8.1f %8.1f\n' "vessel-vmm --accel dbt" $v
if ! command -v qemu-system-x86_64 >/dev/null; then
    echo "qemu-system-x86_64 not installed: no reference figure (package qemu-system-x86)"
    exit 0
fi
ov=$(overlay qemu)
q=$(run qemu qemu-system-x86_64 -accel tcg -m "$mem" -nodefaults -display none \
      -bios "$bios" -boot c \
      -drive "file=$ov,if=virtio,format=qcow2" \
      -drive "file=$tmp/seed.img,if=virtio,format=raw,readonly=on" \
      -serial "file:$tmp/qemu.serial") || exit 0
printf '%-26s %8.1f %8.1f %8.1f %8.1f\n' "qemu-system-x86_64 tcg" $q
set -- $v; vl=$3; vc=$4
set -- $q; ql=$3; qc=$4
printf '%-26s %8s %8s %7.2fx %7.2fx\n' "ratio vessel/qemu" "" "" \
    "$(echo "$vl / $ql" | bc -l)" "$(echo "$vc / $qc" | bc -l)"
