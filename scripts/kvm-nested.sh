#!/bin/sh
# kvm-nested.sh - run Vessel's KVM paths on a host without KVM: boot the
# reference guest kernel under QEMU's software CPU (TCG) with AMD-V
# (svm, npt) emulated, load kvm_amd inside it, and there run vessel-ok
# (its test VM), vessel-vmm --accel auto, the tiny guests of
# tests/vmm/test-guests under --accel kvm (with SeaBIOS for the firmware
# cases when /usr/share/seabios is installed), and the multiboot test
# kernels of tests/multiboot under --accel kvm.  KVM nested in TCG runs
# its guests on TCG's CPU, with TCG's known differences from hardware
# (no segment limit checks, #GP instead of #SS for a non-canonical stack
# access), which the kernels skip only under QEMU's own loader: there
# mbcpu's exc32-gp-limit, exc32-ss-limit and ring3-ss-push and mbmodes'
# lm-ss-push-noncanonical and lm-ss-rbp-noncanonical fail.  A manual check (not part of
# make check): it needs qemu-system-x86, which CI does not install.
#
#   scripts/kvm-nested.sh [BUILD-DIR]     (default: build)
#
# Prints the guest's console; exits 0 when vessel-ok says KVM can be
# used and every /guest/kvm/ case passes.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)
command -v qemu-system-x86_64 >/dev/null || { echo "kvm-nested: qemu-system-x86 is not installed" >&2; exit 2; }
guest=$(sh "$top/scripts/guest-fetch.sh")
for f in vmm/vessel-vmm shell/vessel-ok tests/vmm/test-guests tests/vmm/guests/hello.elf \
         tests/vmm/guests/bootsect.bin tests/multiboot/test-multiboot tests/multiboot/sieve.elf; do
  [ -e "$build/$f" ] || { echo "kvm-nested: $build/$f is not built (make check builds it)" >&2; exit 2; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/vessel-kvm-nested.XXXXXX")
trap 'rm -rf "$work"' EXIT
root=$work/root
mkdir -p "$root/bin" "$root/b/vmm" "$root/b/shell" "$root/b/tests/vmm/guests" "$root/b/tests/multiboot" \
  "$root/seabios" \
  "$root/lib/x86_64-linux-gnu" "$root/lib64" "$root/mod" "$root/tmp" "$root/proc" "$root/sys" "$root/dev"
cp "${BUSYBOX:-/bin/busybox}" "$root/bin/busybox"
cp "$build/vmm/vessel-vmm" "$root/b/vmm/"
# vessel-ok links libvessel: the real binary is libtool's, under .libs
if [ -x "$build/shell/.libs/vessel-ok" ]; then cp "$build/shell/.libs/vessel-ok" "$root/b/shell/"
else cp "$build/shell/vessel-ok" "$root/b/shell/"; fi
cp "$build/tests/vmm/test-guests" "$root/b/tests/vmm/"
cp "$build"/tests/vmm/guests/*.elf "$build/tests/vmm/guests/bootsect.bin" "$root/b/tests/vmm/guests/"
cp "$build/tests/multiboot/test-multiboot" "$build"/tests/multiboot/*.elf "$build/tests/multiboot/aout.bin" \
  "$root/b/tests/multiboot/"
[ -f /usr/share/seabios/bios-256k.bin ] && cp /usr/share/seabios/bios-256k.bin "$root/seabios/"
for bin in "$root/b/vmm/vessel-vmm" "$root/b/shell/vessel-ok" "$root/b/tests/vmm/test-guests" \
           "$root/b/tests/multiboot/test-multiboot"; do
  LD_LIBRARY_PATH=$build/client/.libs ldd "$bin" | awk '/=>/ { print $3 } /ld-linux/ { print $1 }' |
    while read -r lib; do [ -f "$lib" ] && cp -L "$lib" "$root/lib/x86_64-linux-gnu/"; done
done
cp -L /lib64/ld-linux-x86-64.so.2 "$root/lib64/"
cp -L "$(ldconfig -p | awk '/libgcc_s.so.1 .*x86-64/ { print $NF; exit }')" "$root/lib/x86_64-linux-gnu/"
cp "$guest/modules/virt/lib/irqbypass.ko" "$guest/modules/arch/x86/kvm/kvm.ko" \
   "$guest/modules/arch/x86/kvm/kvm-amd.ko" "$root/mod/"
cat > "$root/init" <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
insmod /mod/irqbypass.ko && insmod /mod/kvm.ko && insmod /mod/kvm-amd.ko
echo "NESTED: $(ls -l /dev/kvm 2>&1)"
/b/shell/vessel-ok; echo "NESTED: vessel-ok exit $?"
/b/vmm/vessel-vmm --kernel /b/tests/vmm/guests/hello.elf --memory 64 --serial stdio
echo "NESTED: vessel-vmm exit $?"
export top_builddir=/b TMPDIR=/tmp VESSEL_TEST_TIMEOUT_SCALE=20 VESSEL_SEABIOS=/seabios/bios-256k.bin
/b/tests/vmm/test-guests --tap -k -p /guest/kvm
echo "NESTED: test-guests exit $?"
mb=0
for k in mbinfo mbcpu mbmodes mbapic mbirq sieve aout; do
  /b/tests/multiboot/test-multiboot --tap -p /multiboot/kvm/$k || mb=1
done
echo "NESTED: test-multiboot exit $mb"
poweroff -f
EOF
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$work/initrd.gz"

timeout 1800 qemu-system-x86_64 -accel tcg -cpu EPYC,+svm,+npt -m 1024 -smp 1 \
  -nographic -no-reboot -kernel "$guest/vmlinuz" -initrd "$work/initrd.gz" \
  -append "console=ttyS0 panic=-1 quiet" | tr -d '\r' | tee "$work/console"
grep -q '^NESTED: vessel-ok exit 0$' "$work/console" &&
  grep -q '^NESTED: test-guests exit 0$' "$work/console" &&
  grep -q '^NESTED: test-multiboot exit 0$' "$work/console" &&
  ! grep -q '^not ok' "$work/console"
