#!/bin/sh
# firmware-bench.sh - start -> login prompt of the stock Debian image
# (scripts/debian-image.sh: SeaBIOS -> GRUB -> Debian's cloud kernel ->
# systemd, cloud-init from a NoCloud seed) under `vessel-vmm --accel dbt`
# and under `qemu-system-x86_64 -accel tcg` in the same run, with the
# same SeaBIOS, image, seed and memory: wall seconds to GRUB's menu, to
# "Linux version", to systemd's multi-user target and to "login:" on
# ttyS0, and the CPU seconds the process had used at each of the last
# two, and the ratios vessel/QEMU of each.  ("-" when a mark never came.)
# On a loaded host a guest whose clock runs in real time, as QEMU's
# does, can miss systemd's 90-second wait for dev-ttyS0.device and start
# no serial getty; so the seed's user-data starts serial-getty@ttyS0
# again from cloud-init's final stage (a no-op when it already runs),
# and the login mark comes either way.  Each run boots a fresh qcow2 overlay on the cached
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

# runcmd: the getty again if systemd gave up waiting for ttyS0 (above)
cat > "$tmp/user-data" <<'EOF'
#cloud-config
hostname: bench
runcmd:
  - [systemctl, start, --no-block, serial-getty@ttyS0.service]
EOF
printf 'instance-id: bench-%s\nlocal-hostname: bench\n' "$$" > "$tmp/meta-data"
mkfs.fat -n cidata -C "$tmp/seed.img" 2048 >/dev/null 2>&1
mcopy -i "$tmp/seed.img" "$tmp/user-data" "$tmp/meta-data" ::

now() { date +%s.%N; }
# run LABEL CMD...: boot until both the login prompt and the multi-user
# target came (or one of them and some minutes more); prints "grub kernel
# multi-user login cpu-at-multi-user cpu-at-login" (seconds since the
# start; CPU seconds of the process), "-" for a mark that never came
run() {
    label=$1; shift
    log=$tmp/$label.serial
    : > "$log"
    t0=$(now); tg=-; tk=-; tm=-; tl=-; cm=-; cl=-
    "$@" > "$tmp/$label.out" 2>&1 &
    pid=$!
    cpu() { awk -v c="$clk" '{ printf "%.1f", ($14 + $15) / c }' "/proc/$pid/stat"; }
    since() { printf %.1f "$(echo "$t - $t0" | bc)"; }
    while kill -0 "$pid" 2>/dev/null; do
        t=$(now)
        # GRUB draws through SeaBIOS's serial console, whose cursor
        # escapes may fall inside a word
        [ "$tg" = - ] && sed 's/\x1b\[[0-9;?]*[A-Za-z]//g' "$log" | grep -qa "GNU GRUB" &&
            tg=$(since)
        [ "$tk" = - ] && grep -qa "Linux version" "$log" && tk=$(since)
        if [ "$tm" = - ] && grep -qa "Reached target.*Multi-User System" "$log"; then
            tm=$(since); cm=$(cpu)
        fi
        # the prompt, though cloud-init's console messages may follow it
        # on the same line (they do on a loaded host)
        if [ "$tl" = - ] && grep -qa "bench login: " "$log"; then
            tl=$(since); cl=$(cpu)
        fi
        [ "$tm" != - ] && [ "$tl" != - ] && break
        [ "$tm" != - ] && [ "$(echo "$t - $t0 - $tm > 300" | bc)" = 1 ] && break
        [ "$tl" != - ] && [ "$(echo "$t - $t0 - $tl > 300" | bc)" = 1 ] && break
        [ "$(echo "$t - $t0 > 3600" | bc)" = 1 ] && break
        sleep 0.2
    done
    kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || :
    pid=
    if [ "$tm" = - ] && [ "$tl" = - ]; then
        echo "$label: neither the multi-user target nor a login prompt" >&2
        tail -n 20 "$log" >&2; tail -n 5 "$tmp/$label.out" >&2
        return 1
    fi
    echo "$tg $tk $tm $tl $cm $cl"
}
overlay() { # NAME
    qemu-img create -q -f qcow2 -F qcow2 -b "$img" "$tmp/$1.qcow2"
    echo "$tmp/$1.qcow2"
}

echo "$(basename "$img"), ${mem} MiB, 1 vCPU, SeaBIOS $bios"
row() { printf '%-26s %7s %7s %7s %7s %8s %8s\n' "$@"; }
row "configuration" "grub-s" "linux-s" "multi-s" "login-s" "cpu@multi" "cpu@login"
ov=$(overlay vessel)
v=$(run vessel "$build/vmm/vessel-vmm" --accel dbt --bios "$bios" --boot c --memory "$mem" \
      --disk "$ov,format=qcow2" --disk "$tmp/seed.img,readonly" \
      --serial "file:$tmp/vessel.serial") || exit 0
row "vessel-vmm --accel dbt" $v
if ! command -v qemu-system-x86_64 >/dev/null; then
    echo "qemu-system-x86_64 not installed: no reference figure (package qemu-system-x86)"
    exit 0
fi
ov=$(overlay qemu)
# graphics=off: QEMU gives SeaBIOS the same serial console
# (etc/sercon-port) as vessel-vmm does, so both run the same firmware
# setup and GRUB draws the same menus on the serial line
q=$(run qemu qemu-system-x86_64 -accel tcg -machine pc,graphics=off -m "$mem" -nodefaults \
      -display none -bios "$bios" -boot c \
      -drive "file=$ov,if=virtio,format=qcow2" \
      -drive "file=$tmp/seed.img,if=virtio,format=raw,readonly=on" \
      -serial "file:$tmp/qemu.serial") || exit 0
row "qemu-system-x86_64 tcg" $q
ratio() { case "$1$2" in *-*) echo - ;; *) printf '%.2fx' "$(echo "$1 / $2" | bc -l)" ;; esac; }
set -- $v; vm=$3; vl=$4; vcm=$5; vcl=$6
set -- $q; qm=$3; ql=$4; qcm=$5; qcl=$6
row "ratio vessel/qemu" "" "" "$(ratio "$vm" "$qm")" "$(ratio "$vl" "$ql")" \
    "$(ratio "$vcm" "$qcm")" "$(ratio "$vcl" "$qcl")"
