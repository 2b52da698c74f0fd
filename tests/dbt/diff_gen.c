/*
 * diff_gen.c - random test cases for the differential harness: initial
 * states rich in edge values (signed zeros, infinities, quiet and
 * signalling NaNs, denormals, integer limits, every rounding mode) and
 * instructions encoded from the SDM-style form strings of diff_gen.h.
 */
#include <stdlib.h>
#include <string.h>

#include "diff_gen.h"

uint64_t diff_rng_next(DiffRng *r)
{
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return r->s * 0x2545f4914f6cdd1dull;
}

void diff_rng_seed(DiffRng *r, uint64_t seed, uint64_t form, uint64_t index)
{
    r->s = seed * 0x9e3779b97f4a7c15ull ^ (form + 1) * 0xbf58476d1ce4e5b9ull ^
           (index + 1) * 0x94d049bb133111ebull;
    if (!r->s)
        r->s = 1;
    for (int i = 0; i < 4; i++)
        diff_rng_next(r);
}

static unsigned pick(DiffRng *r, unsigned n)
{
    return (unsigned)(diff_rng_next(r) % n);
}

static const uint32_t f32_edges[] = {
    0x00000000, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000,
    0x7fa00000, 0xffa00001, 0x00000001, 0x807fffff, 0x00800000, 0x3f800000,
    0xbf800000, 0x7f7fffff, 0xff7fffff, 0x4f000000, 0xcf000000, 0x5f000000,
    0xdf000000, 0x3f000000, 0x3fc00000, 0x40200000, 0xbfc00000, 0x4effffff,
};

static const uint64_t f64_edges[] = {
    0x0000000000000000ull, 0x8000000000000000ull, 0x7ff0000000000000ull,
    0xfff0000000000000ull, 0x7ff8000000000000ull, 0xfff8000000000000ull,
    0x7ff4000000000000ull, 0x0000000000000001ull, 0x800fffffffffffffull,
    0x0010000000000000ull, 0x3ff0000000000000ull, 0xbff0000000000000ull,
    0x7fefffffffffffffull, 0x41e0000000000000ull, 0xc1e0000000000000ull,
    0x43e0000000000000ull, 0xc3e0000000000000ull, 0x3fe0000000000000ull,
    0x3ff8000000000000ull, 0x4004000000000000ull, 0x41dfffffffc00000ull,
    0x36a0000000000000ull, 0x47efffffe0000000ull,
};

static const uint64_t int_edges[] = {
    0, 1, ~0ull, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff,
    0x80000000, 0xffffffff, 0x7fffffffffffffffull, 0x8000000000000000ull,
};

static uint32_t rand_f32(DiffRng *r)
{
    if (pick(r, 3) == 0)
        return f32_edges[pick(r, sizeof(f32_edges) / 4)];
    uint32_t sign = (uint32_t)pick(r, 2) << 31;
    uint32_t exp = 127 - 24 + pick(r, 48);
    return sign | exp << 23 | ((uint32_t)diff_rng_next(r) & 0x7fffff);
}

static uint64_t rand_f64(DiffRng *r)
{
    if (pick(r, 3) == 0)
        return f64_edges[pick(r, sizeof(f64_edges) / 8)];
    uint64_t sign = (uint64_t)pick(r, 2) << 63;
    uint64_t exp = 1023 - 40 + pick(r, 80);
    return sign | exp << 52 | (diff_rng_next(r) & 0xfffffffffffffull);
}

/* 16 bytes of one "flavour": raw bits, f32 lanes, f64 lanes, int edges. */
static void rand_vec(DiffRng *r, uint8_t *v)
{
    switch (pick(r, 5)) {
    case 0:
        for (int i = 0; i < 16; i += 8) {
            uint64_t x = diff_rng_next(r);
            memcpy(v + i, &x, 8);
        }
        break;
    case 1:
        for (int i = 0; i < 16; i += 4) {
            uint32_t x = rand_f32(r);
            memcpy(v + i, &x, 4);
        }
        break;
    case 2:
        for (int i = 0; i < 16; i += 8) {
            uint64_t x = rand_f64(r);
            memcpy(v + i, &x, 8);
        }
        break;
    case 3:
        for (int i = 0; i < 16; i += 2) {
            uint16_t x = (uint16_t)int_edges[pick(r, sizeof(int_edges) / 8)];
            if (pick(r, 3) == 0)
                x = (uint16_t)diff_rng_next(r);
            memcpy(v + i, &x, 2);
        }
        break;
    default:
        for (int i = 0; i < 16; i += 8) {
            uint64_t x = int_edges[pick(r, sizeof(int_edges) / 8)];
            memcpy(v + i, &x, 8);
        }
        break;
    }
}

/* A random valid 80-bit x87 value: normals, zeros, infinities, NaNs,
 * denormals, and values that are exact doubles / integers. */
static void rand_f80(DiffRng *r, uint8_t *p)
{
    uint64_t mant;
    uint16_t se;
    unsigned kind = pick(r, 10);
    uint16_t sign = (uint16_t)(pick(r, 2) << 15);
    switch (kind) {
    case 0: mant = 0; se = sign; break;
    case 1: mant = 1ull << 63; se = sign | 0x7fff; break;
    case 2: mant = 0xc000000000000000ull | (diff_rng_next(r) >> 3); se = sign | 0x7fff; break;
    case 3: mant = diff_rng_next(r) >> 1; se = sign; break;          /* denormal */
    case 4: mant = (1ull << 63) | (diff_rng_next(r) & 0xfffffffffffff800ull);
            se = sign | (uint16_t)(16383 - 30 + pick(r, 60)); break;  /* a double */
    case 5: mant = 1ull << 63; se = sign | (uint16_t)(16383 + pick(r, 40)); break;
    default: mant = (1ull << 63) | diff_rng_next(r);
             se = sign | (uint16_t)(16383 - 64 + pick(r, 128)); break;
    }
    memcpy(p, &mant, 8);
    memcpy(p + 8, &se, 2);
}

void diff_gen_state(DiffRng *r, DiffCase *c)
{
    DiffState *s = &c->init;
    memset(c, 0, sizeof(*c));
    for (int i = 0; i < 16; i++) {
        uint64_t x = diff_rng_next(r);
        if (pick(r, 3) == 0)
            x = int_edges[pick(r, sizeof(int_edges) / 8)];
        s->gpr[i] = x;
    }
    s->gpr[4] = DIFF_STACK;
    s->rflags = 0x202 | (diff_rng_next(r) & 0x8d5);

    uint16_t fcw = 0x037f, fsw = 0;
    uint32_t mxcsr = 0x1f80;
    unsigned m = pick(r, 10);
    if (m >= 7)
        mxcsr = 0x1f80 | (uint32_t)pick(r, 4) << 13 | (uint32_t)pick(r, 4) << 6 |
                ((uint32_t)diff_rng_next(r) & 0x3f) | ((uint32_t)pick(r, 2) << 15);
    if (m == 9)
        mxcsr &= ~((uint32_t)(diff_rng_next(r) & 0x3f) << 7);
    if (pick(r, 4) == 0)
        fcw = (uint16_t)(0x0040 | (pick(r, 4) << 10) | (pick(r, 4) << 8) | 0x3f);
    fsw = (uint16_t)(pick(r, 8) << 11);
    if (pick(r, 6) == 0)
        fsw |= (uint16_t)(diff_rng_next(r) & 0x3f);
    fsw |= (uint16_t)(diff_rng_next(r) & 0x4700);   /* C3 C2 C1 C0: kept or not */
    if (fsw & ~fcw & 0x3f)
        fsw |= 0x8080;              /* ES and B follow the unmasked flags */
    memcpy(s->fx + 0, &fcw, 2);
    memcpy(s->fx + 2, &fsw, 2);
    s->fx[4] = (uint8_t)diff_rng_next(r);
    memcpy(s->fx + 24, &mxcsr, 4);
    for (int i = 0; i < 8; i++)
        rand_f80(r, s->fx + 32 + 16 * i);
    for (int i = 0; i < 16; i++)
        rand_vec(r, s->fx + 160 + 16 * i);
    for (unsigned i = 0; i < DIFF_DATA_SIZE; i += 16)
        rand_vec(r, s->mem + i);
}

/* ---------------------------------------------------------- encoding */

typedef struct Kind {
    char reg[8];            /* register alternative: xmm mm r32 r64, or "" */
    unsigned msize;         /* memory alternative size, 0 if none */
} Kind;

static bool kind_parse(const char *k, Kind *out)
{
    memset(out, 0, sizeof(*out));
    if (!k)
        return true;
    const char *slash = strchr(k, '/');
    const char *mem = NULL;
    if (!strncmp(k, "r/m", 3)) {
        if (strlen(k + 3) > 3)
            return false;
        out->reg[0] = 'r';
        strcpy(out->reg + 1, k + 3);
        mem = k + 2;
    } else if (slash) {
        size_t n = (size_t)(slash - k);
        if (n >= sizeof(out->reg))
            return false;
        memcpy(out->reg, k, n);
        mem = slash + 1;
    } else if (k[0] == 'm' && k[1] != 'm') {
        mem = k;
    } else {
        if (strlen(k) >= sizeof(out->reg))
            return false;
        strcpy(out->reg, k);
    }
    if (mem) {
        if (mem[0] != 'm')
            return false;
        unsigned bits = (unsigned)atoi(mem + 1);
        /* m28 / m108 (x87 environments) are in bytes, the rest in bits. */
        out->msize = bits == 28 || bits == 108 ? bits : bits / 8;
        if (!out->msize)
            out->msize = 512;       /* "m": the FXSAVE area */
    }
    return true;
}

static unsigned pick_reg(DiffRng *r, const char *kind, int avoid)
{
    unsigned n;
    if (!strcmp(kind, "mm") || !strncmp(kind, "st", 2))
        return pick(r, 8) | (pick(r, 4) == 0 ? 8 : 0);  /* REX.R/B ignored */
    if (!strcmp(kind, "cr")) {
        static const unsigned crs[] = { 0, 2, 3, 4, 8 };
        return crs[pick(r, 5)];
    }
    if (!strcmp(kind, "dr"))
        return pick(r, 8);
    do {
        n = pick(r, 16);
    } while (kind[0] == 'r' && (n == 4 || (int)n == avoid));
    return n;
}

/* Flags a CPL-3 POPF/IRETQ may load without trapping (no TF, no AC: the
 * host runs with CR0.AM set) and that the comparison sees. */
static uint64_t safe_flags(DiffRng *r)
{
    return 0x202 | (diff_rng_next(r) & 0xcd5);
}

static void mem_put64(DiffCase *c, uint64_t addr, uint64_t v)
{
    if (addr >= DIFF_DATA && addr + 8 <= DIFF_DATA + DIFF_DATA_SIZE)
        memcpy(c->init.mem + (addr - DIFF_DATA), &v, 8);
}

/* A segment selector for LAR/LSL/MOV Sreg: null, Linux's user data and
 * code selectors, one past any GDT Linux has, one in the (absent) LDT. */
static uint16_t pick_selector(DiffRng *r)
{
    static const uint16_t sels[] = { 0, 3, 0x2b, 0x33, 0xfff8, 0x1233, 0x7, 0x2f };
    return sels[pick(r, sizeof(sels) / sizeof(sels[0]))];
}

/* The set-up tokens of integer forms (see diff_gen.h). */
enum {
    SETUP_TGT = 1, SETUP_RET = 2, SETUP_FRAME = 4, SETUP_POPF = 8,
    SETUP_LEAVE = 16, SETUP_CNT = 32, SETUP_SKIP = 64, SETUP_SEL = 128, SETUP_NZ = 256,
};

static const struct {
    const char *token;
    unsigned bit;
} setup_tokens[] = {
    { "tgt", SETUP_TGT }, { "ret", SETUP_RET }, { "frame", SETUP_FRAME },
    { "popf", SETUP_POPF }, { "leave", SETUP_LEAVE }, { "cnt", SETUP_CNT },
    { "skip", SETUP_SKIP }, { "sel", SETUP_SEL }, { "nz", SETUP_NZ },
};

static unsigned setup_token(const char *t)
{
    for (unsigned i = 0; i < sizeof(setup_tokens) / sizeof(setup_tokens[0]); i++)
        if (!strcmp(t, setup_tokens[i].token))
            return setup_tokens[i].bit;
    return 0;
}

static int hexbyte(const char *t)
{
    char *end;
    long v = strtol(t, &end, 16);
    return (*end || end - t != 2) ? -1 : (int)v;
}

bool diff_gen_insn(DiffRng *r, DiffCase *c, const DiffForm *f, bool force_mem, bool force_reg)
{
    uint8_t prefix = 0, prefix2 = 0, map = 0, opcode = 0, fixed_modrm = 0;
    bool rexw = false, have_op = false, imm = false, plus_i = false, fixed = false;
    bool plus_r = false, strop = false;
    unsigned immlen = 0, rel = 0, setup = 0;
    int ext = -1;
    char buf[64];
    Kind kreg, krm;

    if (c->ninsn >= DIFF_MAX_INSNS || strlen(f->enc) >= sizeof(buf))
        return false;
    if (!strncmp(f->enc, "9B ", 3)) {
        /* FWAIT-prefixed forms (FINIT, FSTSW...): FWAIT is an instruction
         * of its own. */
        static const DiffForm fwait = { "fwait", "9B", NULL, NULL, 0, 0 };
        DiffForm rest = *f;
        rest.enc = f->enc + 3;
        return diff_gen_insn(r, c, &fwait, false, false) &&
               diff_gen_insn(r, c, &rest, force_mem, force_reg);
    }
    strcpy(buf, f->enc);
    for (char *save = NULL, *t = strtok_r(buf, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
        int b = hexbyte(t);
        if (!strcmp(t, "W")) {
            rexw = true;
        } else if (!strcmp(t, "ib")) {
            imm = true;
        } else if (!strcmp(t, "iw") || !strcmp(t, "id") || !strcmp(t, "io")) {
            immlen = t[1] == 'w' ? 2 : t[1] == 'd' ? 4 : 8;
        } else if (!strcmp(t, "rel0") || !strcmp(t, "rel0d")) {
            rel = t[4] ? 4 : 1;
        } else if (!strcmp(t, "str")) {
            strop = true;
        } else if (setup_token(t)) {
            setup |= setup_token(t);
        } else if (strlen(t) == 4 && !strcmp(t + 2, "+r")) {
            char h[3] = { t[0], t[1], 0 };
            if (hexbyte(h) < 0 || have_op)
                return false;
            opcode = (uint8_t)hexbyte(h);
            have_op = plus_r = true;
        } else if (!strcmp(t, "/r")) {
            ext = -1;
        } else if (t[0] == '/' && t[1] >= '0' && t[1] <= '7' && !t[2]) {
            ext = t[1] - '0';
        } else if (strlen(t) == 4 && !strcmp(t + 2, "+i")) {
            char h[3] = { t[0], t[1], 0 };
            if (hexbyte(h) < 0)
                return false;
            fixed_modrm = (uint8_t)hexbyte(h);
            plus_i = true;
        } else if (b >= 0 && !have_op && map == 0 && !prefix2 && !rexw &&
                   (b == 0x66 || b == 0xf2 || b == 0xf3 || b == 0xf0)) {
            if (prefix)
                prefix2 = (uint8_t)b;
            else
                prefix = (uint8_t)b;
        } else if (b == 0x0f && map == 0 && !have_op) {
            map = 1;
        } else if (map == 1 && !have_op && (b == 0x38 || b == 0x3a)) {
            map = b == 0x38 ? 2 : 3;
        } else if (b >= 0 && !have_op) {
            opcode = (uint8_t)b;
            have_op = true;
        } else if (b >= 0 && have_op && !fixed) {
            fixed_modrm = (uint8_t)b;
            fixed = true;
        } else {
            return false;
        }
    }
    if (!have_op || !kind_parse(f->reg, &kreg) || !kind_parse(f->rm, &krm))
        return false;

    DiffInsn *di = &c->insn[c->ninsn];
    FpuInsn *in = &di->fpu;
    memset(di, 0, sizeof(*di));
    uint8_t *p = c->code + c->code_len;
    unsigned n = 0;
    bool use_mem = krm.msize && (!krm.reg[0] || force_mem || (!force_reg && pick(r, 2)));
    unsigned regno = 0, rmno = 0, base = 0;
    int64_t disp = 0;
    uint8_t modrm;

    if (f->reg)
        regno = pick_reg(r, kreg.reg, -1);
    else if (plus_r)
        rmno = pick_reg(r, "r64", -1);
    else if (ext >= 0)
        regno = (unsigned)ext | (pick(r, 4) == 0 ? 8 : 0);
    if (fixed) {
        modrm = fixed_modrm;
        use_mem = false;
    } else if (plus_i) {
        rmno = pick(r, 8);
        modrm = (uint8_t)(fixed_modrm + rmno);
        use_mem = false;
    } else if (use_mem) {
        unsigned sz = krm.msize, align = sz >= 16 ? 16 : sz;
        do {
            base = pick(r, 16);
        } while (base == 4 || base == 12 || (kreg.reg[0] == 'r' && base == regno));
        unsigned roll = pick(r, 100), off;
        if (roll < 3)
            off = DIFF_DATA_SIZE - sz / 2 - pick(r, 2);   /* crosses the end: #PF */
        else if (roll < 12)
            off = pick(r, DIFF_DATA_SIZE - sz);           /* any alignment */
        else
            off = pick(r, (DIFF_DATA_SIZE - sz) / align) * align;
        c->init.gpr[base] = DIFF_DATA + pick(r, 64);
        disp = (int64_t)(DIFF_DATA + off) - (int64_t)c->init.gpr[base];
        rmno = base;
        modrm = (uint8_t)(0x80 | (regno & 7) << 3 | (base & 7));
    } else if (!krm.reg[0]) {
        modrm = (uint8_t)(0xc0 | (regno & 7) << 3);
    } else {
        rmno = pick_reg(r, krm.reg, -1);
        modrm = (uint8_t)(0xc0 | (regno & 7) << 3 | (rmno & 7));
    }

    if (prefix)
        p[n++] = prefix;
    if (prefix2)
        p[n++] = prefix2;
    uint8_t rex = (uint8_t)(0x40 | (rexw ? 8 : 0) | (regno & 8 ? 4 : 0) | (rmno & 8 ? 1 : 0));
    if (rex != 0x40 || pick(r, 8) == 0)
        p[n++] = rex;
    if (map >= 1)
        p[n++] = 0x0f;
    if (map == 2)
        p[n++] = 0x38;
    if (map == 3)
        p[n++] = 0x3a;
    p[n++] = plus_r ? (uint8_t)(opcode + (rmno & 7)) : opcode;
    if (f->reg || f->rm || ext >= 0 || fixed || plus_i)
        p[n++] = modrm;
    if (use_mem) {
        int32_t d32 = (int32_t)disp;
        memcpy(p + n, &d32, 4);
        n += 4;
    }
    if (immlen) {
        uint64_t v = diff_rng_next(r);
        if (pick(r, 3) == 0)
            v = int_edges[pick(r, sizeof(int_edges) / 8)];
        memcpy(p + n, &v, immlen);
        n += immlen;
    }
    if (rel) {
        memset(p + n, 0, rel);          /* branch to the next instruction */
        if (setup & SETUP_SKIP) {
            p[n] = 1;                   /* ... or over the CMC after it */
            p[n + rel] = 0xf5;
        }
        n += rel + (setup & SETUP_SKIP ? 1 : 0);
    }
    if (strop) {
        /* string ops: source, destination and a small count in the window */
        c->init.gpr[6] = DIFF_DATA + pick(r, DIFF_DATA_SIZE / 2 - 512);
        c->init.gpr[7] = DIFF_DATA + DIFF_DATA_SIZE / 2 + pick(r, DIFF_DATA_SIZE / 2 - 512);
        c->init.gpr[1] = pick(r, 40);
    }
    uint8_t imm8 = 0;
    if (imm) {
        imm8 = (uint8_t)diff_rng_next(r);
        if (pick(r, 2))
            imm8 &= 0x1f;
        p[n++] = imm8;
    }

    uint64_t next = DIFF_CODE + c->code_len + n, sp = c->init.gpr[4];
    if (setup & SETUP_TGT) {
        if (use_mem)
            mem_put64(c, c->init.gpr[base] + (uint64_t)disp, next);
        else
            c->init.gpr[rmno] = next;
    }
    if (setup & (SETUP_RET | SETUP_FRAME))
        mem_put64(c, sp, next);
    if (setup & SETUP_FRAME) {
        mem_put64(c, sp + 8, 0x33);
        mem_put64(c, sp + 16, safe_flags(r));
        mem_put64(c, sp + 24, DIFF_STACK - 0x100 + pick(r, 32) * 8);
        mem_put64(c, sp + 32, 0x2b);
    }
    if (setup & SETUP_POPF)
        mem_put64(c, sp, safe_flags(r));
    if (setup & SETUP_LEAVE)
        c->init.gpr[5] = DIFF_DATA + 0x1000 + pick(r, 0x700);
    if (setup & SETUP_CNT) {
        static const uint64_t cnts[] = { 0, 1, 2, 0x100000000ull };
        c->init.gpr[1] = cnts[pick(r, 4)];
    }
    if (setup & SETUP_SEL) {
        uint16_t sel = pick_selector(r);
        if (use_mem && c->init.gpr[base] + (uint64_t)disp + 2 <= DIFF_DATA + DIFF_DATA_SIZE)
            memcpy(c->init.mem + (c->init.gpr[base] + (uint64_t)disp - DIFF_DATA), &sel, 2);
        else if (!use_mem)
            c->init.gpr[rmno] = (c->init.gpr[rmno] & ~0xffffull) | sel;
    }

    if (setup & SETUP_NZ) {
        /* a nonzero r/m source of the operand size (one random bit) */
        unsigned bits = rexw ? 64 : prefix == 0x66 || prefix2 == 0x66 ? 16 : 32;
        uint64_t bit = 1ull << pick(r, bits);
        if (!use_mem) {
            uint64_t m = bits == 64 ? ~0ull : (1ull << bits) - 1;
            if (!(c->init.gpr[rmno] & m))
                c->init.gpr[rmno] |= bit;
        } else {
            uint64_t a = c->init.gpr[base] + (uint64_t)disp;
            if (a >= DIFF_DATA && a + bits / 8 <= DIFF_DATA + DIFF_DATA_SIZE) {
                uint8_t *p = c->init.mem + (a - DIFF_DATA), any = 0;
                for (unsigned k = 0; k < bits / 8; k++)
                    any |= p[k];
                if (!any)
                    p[pick(r, bits) / 8] = 1;
            }
        }
    }

    in->map = map;
    in->opcode = opcode;
    in->mandatory = prefix2 ? prefix2 : prefix;
    in->opsize16 = prefix == 0x66;
    in->rex_w = rexw;
    in->modrm = modrm;
    in->reg = (uint8_t)(((modrm >> 3) & 7) | (regno & 8));
    in->rm = (uint8_t)((modrm & 7) | (rmno & 8));
    in->rm_is_mem = use_mem;
    in->ea = use_mem ? c->init.gpr[base] + (uint64_t)disp : 0;
    di->base = use_mem ? (int8_t)base : -1;
    di->disp = (int32_t)disp;
    in->imm8 = imm8;
    in->rip_next = DIFF_CODE + c->code_len + n;
    if (use_mem && map == 1 && opcode == 0xae && ext == 0) {
        c->ignore[c->nignore].insn = c->ninsn;      /* FXSAVE: MXCSR_MASK */
        c->ignore[c->nignore].off = 28;
        c->ignore[c->nignore++].len = 4;
    }
    if (use_mem && map == 0 && ((opcode == 0xd9 && ext == 6) || (opcode == 0xdd && ext == 6))) {
        c->ignore[c->nignore].insn = c->ninsn;      /* FNSTENV/FNSAVE: FIP FOP FDP */
        c->ignore[c->nignore].off = 12;
        c->ignore[c->nignore++].len = 16;
    }
    if (use_mem && map == 0 && (opcode == 0xd9 || opcode == 0xdd) && ext >= 4 && ext != 5 &&
        !(opcode == 0xdd && ext == 7))
        c->cr2_loose = true;
    if (use_mem && map == 1 && opcode == 0xae && ext >= 0 && ext <= 1)
        c->cr2_loose = true;                        /* FXSAVE/FXRSTOR */
    c->fsw_undef |= f->fsw_undef;
    c->gpr_undef |= f->gpr_undef;
    di->is_fpu = map != 0 || (opcode >= 0xd8 && opcode <= 0xdf) || opcode == 0x9b;
    di->offset = (uint8_t)c->code_len;
    di->len = (uint8_t)n;
    c->code_len += n;
    c->ninsn++;
    return true;
}
