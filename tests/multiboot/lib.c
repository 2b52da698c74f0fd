/* lib.c - the C runtime of the multiboot test kernels (lib.h). */
#include "lib.h"

#include <stdarg.h>

int failures;
struct fault last_fault;
static irq_handler_t handlers[256];
static uint64_t tsc_per_ms;

void *memset(void *d, int c, size_t n)
{
    uint8_t *p = d;
    while (n--)
        *p++ = (uint8_t)c;
    return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
    uint8_t *p = d;
    const uint8_t *q = s;
    while (n--)
        *p++ = *q++;
    return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const uint8_t *p = a, *q = b;
    for (; n; n--, p++, q++)
        if (*p != *q)
            return *p - *q;
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return (uint8_t)*a - (uint8_t)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++) {
        if (*a != *b)
            return (uint8_t)*a - (uint8_t)*b;
        if (!*a)
            return 0;
    }
    return 0;
}

const char *strstr(const char *h, const char *n)
{
    size_t l = strlen(n);
    for (; *h; h++)
        if (!strncmp(h, n, l))
            return h;
    return l ? NULL : h;
}

/* ---- serial console ---- */

#define COM1 0x3f8

void putc(char c)
{
    if (c == '\n')
        putc('\r');
    for (int i = 0; i < 100000 && !(inb(COM1 + 5) & 0x20); i++)
        pause();
    outb(COM1, (uint8_t)c);
}

void puts(const char *s)
{
    while (*s)
        putc(*s++);
}

/* 64-bit division without libgcc (none for -m32 on this host). */
uint64_t udivmod64(uint64_t n, uint32_t d, uint32_t *rem)
{
    uint64_t q = 0, r = 0;
    for (int i = 63; i >= 0; i--) {
        r = (r << 1) | ((n >> i) & 1);
        if (r >= d) {
            r -= d;
            q |= 1ull << i;
        }
    }
    if (rem)
        *rem = (uint32_t)r;
    return q;
}

static void put_num(uint64_t v, unsigned base, int width, bool neg)
{
    char buf[24];
    int n = 0;
    do {
        uint32_t digit;
        v = udivmod64(v, base, &digit);
        buf[n++] = "0123456789abcdef"[digit];
    } while (v);
    if (neg)
        buf[n++] = '-';
    while (n < width)
        buf[n++] = base == 16 ? '0' : ' ';
    while (n)
        putc(buf[--n]);
}

static void vprintf_(const char *fmt, va_list ap)
{
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            putc(*fmt);
            continue;
        }
        fmt++;
        int width = 0;
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        bool ll = false;
        if (*fmt == 'l' && fmt[1] == 'l') {
            ll = true;
            fmt += 2;
        }
        switch (*fmt) {
        case 's':
            puts(va_arg(ap, const char *));
            break;
        case 'c':
            putc((char)va_arg(ap, int));
            break;
        case 'd': {
            int64_t v = ll ? va_arg(ap, int64_t) : va_arg(ap, int);
            put_num(v < 0 ? (uint64_t)-v : (uint64_t)v, 10, width, v < 0);
            break;
        }
        case 'u':
            put_num(ll ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 10, width, false);
            break;
        case 'x':
            put_num(ll ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 16, width, false);
            break;
        case '%':
            putc('%');
            break;
        default:
            putc('?');
            break;
        }
    }
}

void printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintf_(fmt, ap);
    va_end(ap);
}

void check(bool ok, const char *name, const char *fmt, ...)
{
    if (ok) {
        printf("PASS %s\n", name);
        return;
    }
    failures++;
    printf("FAIL %s: ", name);
    va_list ap;
    va_start(ap, fmt);
    vprintf_(fmt, ap);
    va_end(ap);
    putc('\n');
}

void skip(const char *name, const char *why)
{
    printf("SKIP %s: %s\n", name, why);
}

void test_exit(int code)
{
    outl(0xf4, (uint32_t)code);
    for (;;)
        __asm__ volatile("cli; hlt");
}

void test_done(void)
{
    printf("DONE %d failures\n", failures);
    test_exit(failures);
}

/* ---- exceptions and interrupts ---- */

void set_handler(int vec, irq_handler_t h)
{
    handlers[vec & 0xff] = h;
}

void trap_dispatch(struct trap_frame *f)
{
    if (catch_active && f->vector < 32) {
        last_fault.vector = (int)f->vector;
        last_fault.error = f->error;
        last_fault.eip = f->eip;
        last_fault.cs = f->cs;
        last_fault.cr2 = read_cr2();
        bool from_user = (f->cs & 3) != 0;
        last_fault.user_esp = from_user ? f->user_esp : 0;
        last_fault.user_ss = from_user ? f->user_ss : 0;
        catch_resume();
    }
    if (handlers[f->vector & 0xff]) {
        handlers[f->vector & 0xff](f);
        return;
    }
    printf("FAIL unexpected exception or interrupt %u error %x at %x:%x\n", f->vector, f->error,
           f->cs, f->eip);
    failures++;
    test_done();
}

bool expect_fault(void (*fn)(void *), void *arg, int vector, int64_t error)
{
    memset(&last_fault, 0, sizeof(last_fault));
    last_fault.vector = -1;
    if (!catch_run(fn, arg))
        return false;
    return last_fault.vector == vector && (error < 0 || last_fault.error == (uint32_t)error);
}

void gdt_set_base(int sel, uint32_t base)
{
    uint8_t *d = gdt + sel;
    d[2] = (uint8_t)base;
    d[3] = (uint8_t)(base >> 8);
    d[4] = (uint8_t)(base >> 16);
    d[7] = (uint8_t)(base >> 24);
}

void idt_set_gate(int vec, uint32_t handler, int dpl, bool trap)
{
    uint8_t *g = idt + 8 * vec;
    g[0] = (uint8_t)handler;
    g[1] = (uint8_t)(handler >> 8);
    g[2] = SEL_CODE32;
    g[3] = 0;
    g[4] = 0;
    g[5] = (uint8_t)(0x80 | (dpl << 5) | (trap ? 0xf : 0xe));
    g[6] = (uint8_t)(handler >> 16);
    g[7] = (uint8_t)(handler >> 24);
}

/* ---- multiboot ---- */

bool loader_is_qemu(const struct mb_info *mbi)
{
    return (mbi->flags & 0x200) && !strncmp((const char *)mbi->boot_loader_name, "qemu", 4);
}

bool loader_is_vessel(const struct mb_info *mbi)
{
    return (mbi->flags & 0x200) && !strcmp((const char *)mbi->boot_loader_name, "vessel-vmm");
}

uint32_t parse_u32(const char *s)
{
    uint32_t v = 0;
    while (*s >= '0' && *s <= '9')
        v = v * 10 + (uint32_t)(*s++ - '0');
    return v;
}

const char *cmdline_arg(const struct mb_info *mbi, const char *key, char *buf, size_t len)
{
    if (!(mbi->flags & 4))
        return NULL;
    const char *c = (const char *)mbi->cmdline;
    size_t kl = strlen(key);
    for (const char *p = c; *p; p++) {
        if ((p == c || p[-1] == ' ') && !strncmp(p, key, kl) && p[kl] == '=') {
            const char *v = p + kl + 1;
            size_t n = 0;
            while (v[n] && v[n] != ' ' && n + 1 < len) {
                buf[n] = v[n];
                n++;
            }
            buf[n] = 0;
            return buf;
        }
    }
    return NULL;
}

/* ---- fw_cfg (I/O ports) ---- */

void fw_cfg_read(uint16_t key, void *buf, uint32_t len)
{
    outw(0x510, key);
    uint8_t *p = buf;
    for (uint32_t i = 0; i < len; i++)
        p[i] = inb(0x511);
}

uint16_t fw_cfg_u16(uint16_t key)
{
    uint16_t v = 0;
    fw_cfg_read(key, &v, 2);
    return v;
}

/* ---- APICs and the PIC ---- */

void apic_enable(void)
{
    uint64_t base = rdmsr(0x1b);
    if (!(base & (1u << 11)))
        wrmsr(0x1b, base | (1u << 11));
    apic_write(0xf0, 0x1ff);   /* SVR: enabled, spurious vector 0xff */
    apic_write(0x80, 0);       /* TPR */
}

void apic_eoi(void)
{
    apic_write(0xb0, 0);
}

uint32_t ioapic_read(uint32_t reg)
{
    mmio_write32(IOAPIC_BASE, reg);
    return mmio_read32(IOAPIC_BASE + 0x10);
}

void ioapic_write(uint32_t reg, uint32_t v)
{
    mmio_write32(IOAPIC_BASE, reg);
    mmio_write32(IOAPIC_BASE + 0x10, v);
}

void ioapic_route(int pin, int vector, bool level, bool masked)
{
    ioapic_write(0x11 + 2 * pin, 0);   /* destination: APIC 0 */
    ioapic_write(0x10 + 2 * pin, (uint32_t)vector | (level ? 1u << 15 : 0) |
                                     (masked ? 1u << 16 : 0));
}

void pic_mask_all(void)
{
    outb(0x21, 0xff);
    outb(0xa1, 0xff);
}

/* TSC ticks per millisecond, measured once with PIT channel 2 (10 ms). */
static uint64_t tsc_rate(void)
{
    if (tsc_per_ms)
        return tsc_per_ms;
    outb(0x61, (inb(0x61) & ~0x02) | 0x01);   /* gate on, speaker off */
    outb(0x43, 0xb0);                          /* channel 2, lo/hi, mode 0 */
    outb(0x42, 11932 & 0xff);
    outb(0x42, 11932 >> 8);
    uint64_t t0 = rdtsc();
    for (uint32_t i = 0; i < 100000000 && !(inb(0x61) & 0x20); i++)
        pause();
    uint64_t t1 = rdtsc();
    tsc_per_ms = udivmod64(t1 - t0, 10, NULL);
    if (tsc_per_ms < 1000)
        tsc_per_ms = 1000000;   /* no PIT: assume 1 GHz */
    return tsc_per_ms;
}

bool wait_change(volatile uint32_t *p, uint32_t old, uint32_t ms)
{
    uint64_t end = rdtsc() + tsc_rate() * ms;
    while (*p == old) {
        if (rdtsc() > end)
            return false;
        pause();
    }
    return true;
}

void delay_ms(uint32_t ms)
{
    uint64_t end = rdtsc() + tsc_rate() * ms;
    while (rdtsc() < end)
        pause();
}
