#!/usr/bin/env python3
"""inventory.py - list every x86-64 instruction form that real code uses.

Runs `objdump -d -M intel` over Debian's cloud kernel (vmlinux extracted from
the bzImage of linux-image-*-cloud-amd64), busybox-static and the shared
libraries that coreutils, xz, gzip and bzip2 load, and prints one line per
instruction form ("mnemonic operand-kinds", e.g. "add r64, r/m64" is written
as "add r64,m64" / "add r64,r64" since objdump shows which one it is) with
counts per source.  The output is deterministic for the same inputs.

Usage:
  inventory.py --kernel-deb PATH.deb [--busybox /bin/busybox] [-o FILE]
  inventory.py --vmlinuz PATH (a bzImage, e.g. the guest cache's) ...
  inventory.py --vmlinux PATH ...

Libraries: those that ldd lists for PROGRAMS, plus EXTRA_LIBS (libm for
awk-style floating point and libz, which Debian's userland loads through
other programs), wherever the host has them.

Getting the kernel package (nothing downloaded is committed):
  cd /tmp && apt-get download $(apt-cache depends linux-image-cloud-amd64 |
      awk '/Depends/{print $2}')
"""
import argparse
import collections
import gzip
import lzma
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

# ------------------------------------------------------------------ kernel
# Compressed payload magics, as the kernel's own extract-vmlinux looks for.
MAGICS = [
    (b"\x02\x21\x4c\x18", "lz4"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"\x1f\x8b\x08", "gzip"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
]


def bzimage_payload(img):
    """Return (kind, bytes) of the compressed kernel in a bzImage, using the
    setup header's payload_offset/payload_length (boot protocol >= 2.08)."""
    if img[0x202:0x206] != b"HdrS":
        raise SystemExit("not a bzImage (no HdrS)")
    setup_sects = img[0x1F1] or 4
    pm_start = (setup_sects + 1) * 512
    off, length = struct.unpack_from("<II", img, 0x248)
    payload = img[pm_start + off: pm_start + off + length]
    for magic, kind in MAGICS:
        if payload.startswith(magic):
            return kind, payload
    raise SystemExit("unknown kernel compression: %s" % payload[:8].hex())


def decompress(kind, data, out_path):
    if kind == "gzip":
        raw = gzip.decompress(data)
    elif kind == "xz":
        raw = lzma.decompress(data)
    else:
        tool = {"lz4": ["lz4", "-dc"], "zstd": ["zstd", "-dc"]}[kind]
        if not shutil.which(tool[0]):
            raise SystemExit("need the %s tool (apt-get install %s)" % (tool[0], kind))
        raw = subprocess.run(tool, input=data, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL).stdout
    if raw[:4] != b"\x7fELF":
        raise SystemExit("decompressed kernel is not ELF")
    with open(out_path, "wb") as f:
        f.write(raw)


def vmlinux_from_deb(deb, workdir):
    subprocess.run(["dpkg-deb", "-x", deb, workdir], check=True)
    boot = os.path.join(workdir, "boot")
    names = sorted(n for n in os.listdir(boot) if n.startswith("vmlinuz"))
    with open(os.path.join(boot, names[0]), "rb") as f:
        kind, payload = bzimage_payload(f.read())
    out = os.path.join(workdir, "vmlinux")
    decompress(kind, payload, out)
    return out


# Programs whose libraries are scanned: coreutils, the compressors, awk.
PROGRAMS = ["ls", "cat", "sha256sum", "sort", "xz", "gzip", "bzip2", "awk"]
EXTRA_LIBS = ["libm.so.6", "libz.so.1", "liblzma.so.5", "libbz2.so.1.0"]
LIB_DIRS = ["/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu"]


def extra_libraries():
    found = set()
    for name in EXTRA_LIBS:
        for d in LIB_DIRS:
            path = os.path.join(d, name)
            if os.path.exists(path):
                found.add(os.path.realpath(path))
                break
    return found


def vmlinux_from_bzimage(path, workdir):
    with open(path, "rb") as f:
        kind, payload = bzimage_payload(f.read())
    out = os.path.join(workdir, "vmlinux")
    decompress(kind, payload, out)
    return out


def libraries_of(programs):
    libs = extra_libraries()
    for prog in programs:
        path = shutil.which(prog)
        if not path:
            continue
        out = subprocess.run(["ldd", path], stdout=subprocess.PIPE,
                             universal_newlines=True).stdout
        for line in out.splitlines():
            m = re.search(r"=>\s+(/\S+)", line) or re.match(r"\s*(/\S+)", line)
            if m:
                libs.add(os.path.realpath(m.group(1)))
    return sorted(libs)


# ------------------------------------------------------------------ forms
REG_KINDS = {}
for r in "rax rbx rcx rdx rsi rdi rbp rsp".split() + ["r%d" % i for i in range(8, 16)]:
    REG_KINDS[r] = "r64"
for r in "eax ebx ecx edx esi edi ebp esp".split() + ["r%dd" % i for i in range(8, 16)]:
    REG_KINDS[r] = "r32"
for r in "ax bx cx dx si di bp sp".split() + ["r%dw" % i for i in range(8, 16)]:
    REG_KINDS[r] = "r16"
for r in "al bl cl dl sil dil bpl spl ah bh ch dh".split() + ["r%db" % i for i in range(8, 16)]:
    REG_KINDS[r] = "r8"
for r in "cs ds es fs gs ss".split():
    REG_KINDS[r] = "sreg"
REG_PATTERNS = [
    (re.compile(r"^xmm\d+$"), "xmm"), (re.compile(r"^ymm\d+$"), "ymm"),
    (re.compile(r"^zmm\d+$"), "zmm"), (re.compile(r"^mm\d$"), "mm"),
    (re.compile(r"^st\(\d\)$"), "st"), (re.compile(r"^st$"), "st0"),
    (re.compile(r"^cr\d+$"), "cr"), (re.compile(r"^[dt]b\d+$|^dr\d+$"), "dr"),
    (re.compile(r"^k\d$"), "k"), (re.compile(r"^bnd\d$"), "bnd"),
]
MEM_SIZES = {
    "BYTE": "m8", "WORD": "m16", "DWORD": "m32", "QWORD": "m64",
    "TBYTE": "m80", "XMMWORD": "m128", "YMMWORD": "m256", "ZMMWORD": "m512",
    "FWORD": "m48", "OWORD": "m128",
}
PREFIXES = {"rep", "repz", "repnz", "repe", "repne", "lock", "bnd", "notrack",
            "data16", "addr32", "cs", "ds", "es", "fs", "gs", "ss", "rex",
            "rex.W", "xacquire", "xrelease"}
LINE = re.compile(r"^\s*[0-9a-f]+:\t(?:[0-9a-f]{2} )+\s*\t(.*)$")


def operand_kind(op):
    op = op.strip()
    m = re.match(r"^([^{]+)(\{.*\})$", op)
    if m:
        # AVX-512 masking: "zmm1{k1}{z}" -> "zmm{k}{z}"
        deco = "".join("{z}" if d == "z" else "{k}" for d in re.findall(r"\{(\w+)\}", m.group(2)))
        return operand_kind(m.group(1)) + deco
    if op in REG_KINDS:
        return REG_KINDS[op]
    for pat, kind in REG_PATTERNS:
        if pat.match(op):
            return kind
    m = re.match(r"^(\w+) PTR ", op)
    if m:
        return MEM_SIZES.get(m.group(1), "m")
    if "[" in op:
        return "m"
    if re.match(r"^-?0x[0-9a-f]+$", op) or re.match(r"^-?\d+$", op):
        return "imm"
    if re.match(r"^[0-9a-f]+ <", op) or re.match(r"^[0-9a-f]+$", op):
        return "rel"
    if re.match(r"^0x[0-9a-f]+,0x[0-9a-f]+$", op):
        return "ptr"
    if op.startswith("{"):
        return op
    return "?"


def split_operands(text):
    ops, depth, cur = [], 0, ""
    for ch in text:
        if ch in "[(":
            depth += 1
        elif ch in "])":
            depth -= 1
        if ch == "," and depth == 0:
            ops.append(cur)
            cur = ""
        else:
            cur += ch
    if cur.strip():
        ops.append(cur)
    return ops


def form_of(asm):
    asm = asm.split("#", 1)[0].strip()
    if not asm or asm.startswith("(bad)") or asm.startswith("."):
        return None
    words = asm.split(None, 1)
    pre = []
    while words and (words[0] in PREFIXES or re.match(r"^rex(\.[WRXB]+)?$", words[0])) and len(words) > 1:
        # "cs nop ..." or "rep stos ..." : keep the string/lock prefixes,
        # drop segment overrides and padding prefixes from the form.
        if words[0] in ("rep", "repz", "repnz", "repe", "repne", "lock"):
            pre.append(words[0])
        words = words[1].split(None, 1)
    if not words:
        return None
    mnem = words[0]
    if mnem in PREFIXES or re.match(r"^rex(\.[WRXB]+)?$", mnem):
        return None
    ops = split_operands(words[1]) if len(words) > 1 else []
    kinds = [operand_kind(o) for o in ops]
    return " ".join(pre + [mnem]) + ((" " + ",".join(kinds)) if kinds else "")


def scan(path, counts, label):
    proc = subprocess.Popen(["objdump", "-d", "-M", "intel", "--no-show-raw-insn",
                             "-w", path], stdout=subprocess.PIPE,
                            universal_newlines=True, errors="replace")
    line_re = re.compile(r"^\s*[0-9a-f]+:\t(.*)$")
    for line in proc.stdout:
        m = line_re.match(line)
        if not m:
            continue
        form = form_of(m.group(1))
        if form:
            counts[form][label] += 1
    proc.wait()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kernel-deb")
    ap.add_argument("--vmlinux")
    ap.add_argument("--vmlinuz")
    ap.add_argument("--busybox", default="/bin/busybox")
    ap.add_argument("-o", "--output", default="-")
    args = ap.parse_args()
    counts = collections.defaultdict(collections.Counter)
    with tempfile.TemporaryDirectory() as tmp:
        vmlinux = args.vmlinux or (args.kernel_deb and vmlinux_from_deb(args.kernel_deb, tmp)) or \
            (args.vmlinuz and vmlinux_from_bzimage(args.vmlinuz, tmp))
        if not vmlinux:
            raise SystemExit("need --kernel-deb, --vmlinuz or --vmlinux")
        scan(vmlinux, counts, "kernel")
        scan(args.busybox, counts, "busybox")
        libs = libraries_of(PROGRAMS)
        for lib in libs:
            scan(lib, counts, "libs")
    out = sys.stdout if args.output == "-" else open(args.output, "w")
    out.write("# x86-64 instruction forms used by Debian's cloud kernel, busybox-static\n"
              "# and the libraries of coreutils/xz/gzip/bzip2/awk.  Generated by\n"
              "# tests/dbt/inventory/inventory.py; objdump Intel syntax.\n"
              "# libraries: %s\n"
              "# columns: kernel busybox libs | form\n" % " ".join(os.path.basename(l) for l in libs))
    for form in sorted(counts):
        c = counts[form]
        out.write("%7d %7d %7d | %s\n" % (c["kernel"], c["busybox"], c["libs"], form))
    if out is not sys.stdout:
        out.close()


if __name__ == "__main__":
    main()
