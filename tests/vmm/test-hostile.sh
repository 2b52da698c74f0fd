#!/bin/sh
# test-hostile.sh - vessel-vmm on hostile kernels and initrds: each must
# end with status 1 and exactly one line on stderr naming the problem --
# never a crash, a hang or a sanitizer report (the ASan+UBSan run of
# make check runs this too).  The files are built byte by byte here.
. "$top_srcdir/tests/lib/tap.sh"
vmm="$top_builddir/vmm/vessel-vmm"
guests="$top_builddir/tests/vmm/guests"
T=$(mktemp -d "${TMPDIR:-/tmp}/vmm-hostile.XXXXXX")
trap 'rm -rf "$T"' EXIT

# le N VALUE: VALUE as N little-endian bytes (values above INT64_MAX are
# written as negative decimals: the shell has signed 64-bit arithmetic)
le() {
    _n=$1; _v=$2; _s=
    while [ "$_n" -gt 0 ]; do
        _s="$_s\\$(printf '%03o' $((_v & 255)))"; _v=$((_v >> 8)); _n=$((_n - 1))
    done
    printf "$_s"
}
# put FILE OFFSET N VALUE: write VALUE (N bytes, little-endian) at OFFSET
put() { le "$3" "$4" | dd of="$1" bs=1 seek=$(($2)) conv=notrunc status=none; }
zeros() { head -c "$2" /dev/zero > "$1"; }

# bzimage FILE SIZE: a plausible bzImage setup header (protocol 2.15,
# 64-bit entry, loaded high, relocatable, 4 setup sectors)
bzimage() {
    zeros "$1" "$2"
    put "$1" 0x1f1 1 4            # setup_sects
    put "$1" 0x1fe 2 0xaa55       # boot_flag
    printf 'HdrS' | dd of="$1" bs=1 seek=$((0x202)) conv=notrunc status=none
    put "$1" 0x206 2 0x020f       # version
    put "$1" 0x211 1 0x01         # loadflags: LOADED_HIGH
    put "$1" 0x230 4 0x200000     # kernel_alignment
    put "$1" 0x234 1 1            # relocatable_kernel
    put "$1" 0x236 2 0x01         # xloadflags: XLF_KERNEL_64
    put "$1" 0x258 8 0x1000000    # pref_address
    put "$1" 0x260 4 0x100000     # init_size
}
# elf64 FILE MACHINE PHNUM PHOFF: an ELF64 ET_EXEC header
elf64() {
    zeros "$1" 4096
    printf '\177ELF\002\001\001' | dd of="$1" conv=notrunc status=none
    put "$1" 16 2 2               # ET_EXEC
    put "$1" 18 2 "$2"            # e_machine
    put "$1" 20 4 1
    put "$1" 24 8 0x1000000       # e_entry
    put "$1" 32 8 "$4"            # e_phoff
    put "$1" 52 2 64
    put "$1" 54 2 56              # e_phentsize
    put "$1" 56 2 "$3"            # e_phnum
}
# phdr FILE OFFSET FILE_OFF PADDR FILESZ MEMSZ: a PT_LOAD entry
phdr() {
    put "$1" "$2" 4 1
    put "$1" $(($2 + 8)) 8 "$3"
    put "$1" $(($2 + 16)) 8 "$4"
    put "$1" $(($2 + 24)) 8 "$4"
    put "$1" $(($2 + 32)) 8 "$5"
    put "$1" $(($2 + 40)) 8 "$6"
}

# expect DESC PATTERN -- ARGS: exit 1, one stderr line matching PATTERN
expect() {
    desc=$1; pat=$2; shift 3
    timeout 60 "$vmm" --accel dbt --memory 64 --serial "file:$T/serial" "$@" \
        </dev/null >"$T/out" 2>"$T/err"
    rc=$?
    n=$(wc -l <"$T/err")
    ok=0
    [ "$rc" -eq 1 ] && [ "$n" -eq 1 ] && grep -q -- "$pat" "$T/err" || ok=1
    if [ $ok -ne 0 ]; then
        echo "# exit $rc (want 1), $n stderr lines (want 1 matching '$pat'):"
        head -n 20 "$T/err" | sed 's/^/#   /'
    fi
    tap_ok $ok "$desc"
}

tap_plan 20

bzimage "$T/short" 2048
expect "truncated bzImage" "truncated kernel image" -- --kernel "$T/short"
bzimage "$T/sects" 65536; put "$T/sects" 0x1f1 1 255
expect "setup_sects 255 beyond the file" "truncated kernel image" -- --kernel "$T/sects"
bzimage "$T/old" 8192; put "$T/old" 0x206 2 0x0200
expect "boot protocol 2.00" "too old" -- --kernel "$T/old"
bzimage "$T/no64" 8192; put "$T/no64" 0x236 2 0
expect "bzImage without a 64-bit entry" "no 64-bit entry" -- --kernel "$T/no64"
bzimage "$T/huge" 8192; put "$T/huge" 0x260 4 0xffffffff
expect "init_size of 4 GiB" "memory too small" -- --kernel "$T/huge"
bzimage "$T/wrap" 8192; put "$T/wrap" 0x234 1 0; put "$T/wrap" 0x258 8 -1048576   # 0xfffffffffff00000
expect "pref_address that wraps around" "memory too small" -- --kernel "$T/wrap"
bzimage "$T/noheader" 8192; put "$T/noheader" 0x1fe 2 0
expect "no boot flag" "not a Linux kernel" -- --kernel "$T/noheader"

elf64 "$T/elf32" 62 1 64; put "$T/elf32" 4 1 1
expect "ELF of the wrong class (32-bit, no multiboot header)" "32-bit ELF file without a multiboot header" -- --kernel "$T/elf32"
elf64 "$T/arm" 183 1 64; phdr "$T/arm" 64 0 0x1000000 16 16
expect "ELF for another architecture (aarch64)" "not an x86-64 ELF kernel" -- --kernel "$T/arm"
elf64 "$T/phnum" 62 65535 4000
expect "program headers beyond the file" "not an x86-64 ELF kernel" -- --kernel "$T/phnum"
elf64 "$T/filesz" 62 1 64; phdr "$T/filesz" 64 0 0x1000000 0x7fffffffffffffff 0x7fffffffffffffff
expect "segment larger than the file" "truncated or corrupt ELF segment" -- --kernel "$T/filesz"
elf64 "$T/memsz" 62 1 64; phdr "$T/memsz" 64 0 0x1000000 16 -65536   # memsz 0xffffffffffff0000
expect "segment that does not fit in memory" "memory too small" -- --kernel "$T/memsz"
elf64 "$T/noload" 62 0 64
expect "ELF without loadable segments" "no loadable segment" -- --kernel "$T/noload"
: > "$T/empty"
expect "empty kernel file" "empty file" -- --kernel "$T/empty"
expect "a directory as the kernel" "kernel" -- --kernel "$T"

truncate -s 8G "$T/initrd.huge"
expect "8 GiB initrd (sparse)" "initrd too large" -- --kernel "$guests/hello.elf" --initrd "$T/initrd.huge"
expect "a directory as the initrd" "initrd" -- --kernel "$guests/hello.elf" --initrd "$T"

# A hostile guest on the VGA (guests/vga.S: every port and value, every
# dispi index, modes larger than VRAM, odd MMIO sizes and offsets) while
# the host takes screenshots over the control channel all along: the
# guest finishes, the VMM exits 0, every screenshot is a PNG.
# The VMM starts paused: one screenshot is taken before `resume`, so the
# check never depends on how fast the guest runs.
vga_run() { # VRAM_MIB
    rm -f "$T/vga.out" "$T/ctl"
    timeout 300 "$vmm" --kernel "$guests/vga.elf" --memory 64 --accel dbt --no-reboot \
        --vga "std,vram=$1" --vnc "unix:$T/vnc.sock" --control "unix:$T/ctl" \
        --serial "file:$T/vga.out" --paused 2> "$T/vga.err" &
    _pid=$!
    python3 - "$T/ctl" <<'EOP' > "$T/dumps"
import base64, socket, sys, time
def ask(cmd):
    s = socket.socket(socket.AF_UNIX)
    s.connect(sys.argv[1])
    s.sendall(cmd)
    buf = b""
    while not buf.endswith(b"\n"):
        d = s.recv(65536)
        if not d:
            break
        buf += d
    s.close()
    return buf
def png(buf):
    return buf.startswith(b"ok ") and base64.b64decode(buf[3:].strip())[:4] == b"\x89PNG"
ok = bad = 0
deadline = time.monotonic() + 60
while True:
    try:
        first = ask(b"screendump\n")
        break
    except OSError:
        if time.monotonic() > deadline:
            print(0, 1)
            sys.exit(0)
        time.sleep(0.01)
if png(first):
    ok += 1
else:
    bad += 1
if ask(b"resume\n") != b"ok\n":
    bad += 1
for _ in range(3000):
    try:
        buf = ask(b"screendump\n")
    except OSError:
        break
    if not buf.endswith(b"\n"):
        break  # the VMM exited while answering
    if png(buf):
        ok += 1
    elif buf:
        bad += 1
print(ok, bad)
EOP
    wait $_pid
    _rc=$?
    read _ok _bad < "$T/dumps"
    echo "# VMM exit $_rc, screenshots $_ok good, $_bad bad"
    [ "$_rc" -eq 0 ] && grep -q "vga survived" "$T/vga.out" && [ "$_ok" -gt 0 ] && [ "$_bad" -eq 0 ]
}
vga_run 16
tap_ok $? "hostile VGA guest, 16 MiB VRAM: it finishes, the VMM exits 0, screenshots stay PNGs"
[ -s "$T/vga.err" ] && sed 's/^/# /' "$T/vga.err"
vga_run 1
tap_ok $? "hostile VGA guest, 1 MiB VRAM (every big mode is refused)"
"$vmm" --kernel "$guests/hello.elf" --vga std,vram=3 > /dev/null 2> "$T/err3"
[ $? -eq 2 ] && grep -q "power of two" "$T/err3"
tap_ok $? "--vga with a VRAM size that is not a power of two is a usage error"
tap_done
