#!/usr/bin/env python3
"""coverage.py - which instruction forms of the inventory the differential
harness generates.  TAP output, one test per inventory form of the areas
asked for (--area fp: x87/MMX/SSE, the FPU unit's; --area int: the rest).

The harness prints one encoding per form variant (test-dbt-diff
--list-encodings); they are disassembled with objdump and normalized with
the very function that built the inventory (inventory.form_of), so both
sides name forms identically.  A form of an extension the CPU does not
advertise (AVX*, SSE3+, AES/PCLMUL, XSAVE, TSX, FSGSBASE, AMX, ...) is a
SKIP naming the extension and its CPUID bit: the guest's CPUID steers
code away from it.  So is a form listed in
EXCLUDED, with the reason the harness cannot compare it with the host.
A form in KNOWN_GAPS has no generator yet: a TODO with the reason, so the
gap stays visible without failing the build.  Anything else missing fails.

Relative branch targets print as "imm" in stripped binaries and as "rel"
with symbols: both sides are normalized to "rel".

Usage: coverage.py HARNESS [--area fp|int|all] [--forms forms.txt]
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import inventory  # noqa: E402

# Extensions the dbt CPU does not advertise (it models an Ivy Bridge,
# vmm/dbt/cpuid.c): each with the CPUID bit code must test before using
# it, and its mnemonics, whole families by prefix ("v" VEX/EVEX, "k"
# AVX-512 masks, ...) or single instructions by exact name (so ANDN does
# not swallow SSE's ANDNPD).  A form of these is a SKIP naming them.
NOT_ADVERTISED = [
    ("AVX/AVX2/AVX-512 (CPUID.1:ECX[28], CPUID.7:EBX[5,16])", ("v", "k"), ""),
    ("SSE3 (CPUID.1:ECX[0])", (), "addsubps addsubpd haddps haddpd hsubps hsubpd lddqu movddup "
     "movsldup movshdup"),
    ("SSSE3 (CPUID.1:ECX[9])", ("phadd", "phsub", "psign", "pabs"),
     "pshufb palignr pmaddubsw pmulhrsw"),
    ("SSE4.1 (CPUID.1:ECX[19])", ("round", "blendv", "pmovzx", "pmovsx"),
     "pminud pminsd pmaxud pmaxsd pminuw pmaxuw pminsb pmaxsb pextrq pextrd pextrb pinsrq pinsrd "
     "pinsrb ptest pblendvb pblendw dppd dpps insertps extractps pmuldq pmulld packusdw pcmpeqq "
     "movntdqa"),
    ("SSE4.2 (CPUID.1:ECX[20])", ("pcmpistr", "pcmpestr"), "pcmpgtq crc32"),
    ("AES-NI and PCLMULQDQ (CPUID.1:ECX[25,1])", ("aes", "pclmul"), ""),
    ("SHA (CPUID.7:EBX[29])", ("sha1", "sha256"), ""),
    ("XSAVE (CPUID.1:ECX[26])", ("xsave", "xrstor"), "xgetbv xsetbv"),
    ("BMI1 (CPUID.7:EBX[3]; TZCNT's encoding is generated: BSF on the model)", (),
     "andn bextr blsi blsmsk blsr"),
    ("BMI2 (CPUID.7:EBX[8])", (), "bzhi mulx pdep pext rorx sarx shlx shrx"),
    ("LZCNT (CPUID.80000001H:ECX[5]): F3 0F BD is BSR on the model, whose result differs "
     "from LZCNT's for every source (vendor.def row tzcnt_lzcnt)", (), "lzcnt"),
    ("ADX (CPUID.7:EBX[19])", (), "adcx adox"),
    ("MOVBE (CPUID.1:ECX[22])", (), "movbe"),
    ("RDRAND, RDSEED (CPUID.1:ECX[30], CPUID.7:EBX[18])", (), "rdrand rdseed"),
    ("FSGSBASE (CPUID.7:EBX[0])", ("rdfsbase", "rdgsbase", "wrfsbase", "wrgsbase"), ""),
    ("SMAP (CPUID.7:EBX[20])", (), "stac clac"),
    ("CLFLUSHOPT, CLWB (CPUID.7:EBX[23,24])", (), "clflushopt clwb"),
    ("INVPCID (CPUID.7:EBX[10])", (), "invpcid"),
    ("RDPID (CPUID.7:ECX[22])", (), "rdpid"),
    ("PKU (CPUID.7:ECX[3])", (), "wrpkru rdpkru"),
    ("RTM (CPUID.7:EBX[11])", (), "xbegin xend xabort xtest"),
    ("WAITPKG (CPUID.7:ECX[5])", (), "tpause umonitor umwait"),
    ("SERIALIZE (CPUID.7:EDX[14])", (), "serialize"),
    ("PTWRITE (CPUID.14H:EBX[4])", (), "ptwrite"),
    ("AMX (CPUID.7:EDX[24])", ("tile", "ldtilecfg", "sttilecfg"), ""),
    ("SGX (CPUID.7:EBX[2])", (), "encls"),
    ("SVM and SEV-SNP (AMD; CPUID.80000001H:ECX[2], 8000001FH)", (),
     "rmpadjust pvalidate stgi clgi vmrun vmload vmsave vmgexit"),
    ("a hypervisor interface the dbt CPU's CPUID does not name (KVM/Xen hypercalls: "
     "VMCALL on Intel, VMMCALL on AMD)", (), "vmcall vmmcall"),
]
NOT_X86_V = {"verr", "verw"}


def mnemonic(form):
    words = [w for w in form.split(" ") if w not in ("rep", "repz", "repnz", "repe", "repne", "lock")]
    return words[0] if words else ""


def not_advertised(form):
    """The extension of @form the dbt CPU does not advertise, or None."""
    m = mnemonic(form)
    for feature, prefixes, exact in NOT_ADVERTISED:
        if m in exact.split():
            return feature
    for feature, prefixes, exact in NOT_ADVERTISED:
        if any(m.startswith(p) for p in prefixes) and m not in NOT_X86_V:
            return feature
    return None

# Forms the harness cannot compare with the host CPU, and why (each is
# kernel-only in the inventory; the counts say so).
UMIP = ("at CPL 3 a host stores its own kernel's register, or, where CR4.UMIP is set, Linux's "
        "UMIP emulation stores fixed values: nothing a user process can compare; tested against "
        "the machine's own values at CPL 0 and 3 in tests/dbt-sys (/dbt/sys/descriptor-stores)")
EXCLUDED = {
    "syscall": "enters the host kernel from the native sandbox; the SYSCALL/SYSRET "
               "round trip is tested at CPL 0 in tests/dbt-sys/test-dbt-sys",
    "sgdt m": UMIP,
    "sidt m": UMIP,
    "sldt m16": UMIP,
    "str r32": UMIP,
    "monitorx": "AMD idle loop, used only when CPUID advertises MONITORX (the dbt CPU "
                "does not); an unadvertised MONITORX is #UD or #GP depending on the host",
    "mwaitx": "as monitorx",
    "hlt": "the flat CPL-3 test CPU stops at HLT by design (dbt.h; tests/dbt-sys/test-dbt-isa "
           "ends its programs with it); machine-mode HLT (CPL 0 sleep, #GP at CPL 3 via "
           "need_cpl0) is exercised by tests/dbt-sys and every guest boot",
}

# Forms still without a generator, and why (none left).
KNOWN_GAPS = {}

BRANCH_IMM = re.compile(r"^((repz |bnd )?(j[a-z]+|call|loop[a-z]*|jrcxz)) imm$")

X87_OTHERS = {"fxsave", "fxsave64", "fxrstor", "fxrstor64", "ldmxcsr", "stmxcsr", "emms",
              "fwait"}


def is_fp(form):
    words = [w for w in form.split(" ") if w not in ("rep", "repz", "repnz", "repe", "repne", "lock")]
    mnem = words[0] if words else ""
    kinds = words[1] if len(words) > 1 else ""
    if mnem in X87_OTHERS or (mnem.startswith("f") and mnem not in ("fs", "fsgsbase")):
        return True
    return bool(re.search(r"(^|,)(xmm|mm|st|st0|ymm|zmm)", kinds) or
                re.search(r"(^|,)(xmm|mm)", kinds))


CMP_PREDICATE = re.compile(r"^cmp(eq|lt|le|unord|neq|nlt|nle|ord)(ss|sd|ps|pd) (.*)$")


def normalize(form):
    """objdump shows branch targets as plain numbers in stripped binaries
    (and in -b binary), as "addr <sym>" otherwise; and CMPSS/SD/PS/PD with
    a predicate immediate as pseudo-ops (cmpltsd): one form each."""
    form = CMP_PREDICATE.sub(r"cmp\2 \3,imm", form)
    return BRANCH_IMM.sub(r"\1 rel", form)


def harness_forms(harness):
    out = subprocess.run([harness, "--list-encodings"], stdout=subprocess.PIPE,
                         universal_newlines=True, check=True).stdout
    blob = b"".join(bytes.fromhex(line.split("\t")[1]) for line in out.splitlines() if "\t" in line)
    with tempfile.NamedTemporaryFile(suffix=".bin") as f:
        f.write(blob)
        f.flush()
        dis = subprocess.run(["objdump", "-D", "-b", "binary", "-m", "i386:x86-64",
                              "-M", "intel", "--no-show-raw-insn", "-w", f.name],
                             stdout=subprocess.PIPE, universal_newlines=True, check=True).stdout
    forms = set()
    for line in dis.splitlines():
        m = re.match(r"^\s*[0-9a-f]+:\t(.*)$", line)
        if m:
            form = inventory.form_of(m.group(1))
            if form:
                forms.add(normalize(form))
    return forms


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("harness")
    ap.add_argument("--area", default="fp", choices=["fp", "int", "all"])
    ap.add_argument("--forms", default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                    "forms.txt"))
    args = ap.parse_args()
    covered = harness_forms(args.harness)
    rows = []
    with open(args.forms) as f:
        for line in f:
            if line.startswith("#") or "|" not in line:
                continue
            counts, form = line.split("|", 1)
            form = normalize(form.strip())
            fp = is_fp(form)
            if (args.area == "fp" and not fp) or (args.area == "int" and fp):
                continue
            rows.append((form, sum(int(c) for c in counts.split())))
    merged = {}
    for form, uses in rows:
        merged[form] = merged.get(form, 0) + uses
    rows = sorted(merged.items())
    print("1..%d" % len(rows))
    n_cov = n_skip = n_miss = n_gap = 0
    for i, (form, uses) in enumerate(rows, 1):
        if form in EXCLUDED:
            print("ok %d %s # SKIP excluded: %s (%d uses)" % (i, form, EXCLUDED[form], uses))
            n_skip += 1
        elif not_advertised(form):
            print("ok %d %s # SKIP not advertised by the dbt CPU: %s (%d uses)" %
                  (i, form, not_advertised(form), uses))
            n_skip += 1
        elif form in covered:
            print("ok %d %s" % (i, form))
            n_cov += 1
        elif form in KNOWN_GAPS:
            print("not ok %d %s # TODO %s (%d uses)" % (i, form, KNOWN_GAPS[form], uses))
            n_gap += 1
        else:
            print("not ok %d %s (%d uses) not generated by the harness" % (i, form, uses))
            n_miss += 1
    print("# %s forms: %d covered, %d not advertised or excluded, %d known gaps, %d missing" %
          (args.area, n_cov, n_skip, n_gap, n_miss))


if __name__ == "__main__":
    main()
