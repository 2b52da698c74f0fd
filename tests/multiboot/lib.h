/* lib.h - the C side of the multiboot test kernels' runtime: port and
 * MSR access, the serial console (COM1), printing, PASS/FAIL reports,
 * the exit through isa-debug-exit, exception and interrupt handling,
 * the multiboot information, and the LAPIC/IOAPIC.  Freestanding:
 * built with -m32 -ffreestanding, no libc. */
#ifndef MB_LIB_H
#define MB_LIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rt.h"

/* ---- ports, MSRs, CPUID, control registers ---- */
static inline void outb(uint16_t p, uint8_t v) { __asm__ volatile("outb %0, %1" :: "a"(v), "Nd"(p) : "memory"); }
static inline void outw(uint16_t p, uint16_t v) { __asm__ volatile("outw %0, %1" :: "a"(v), "Nd"(p) : "memory"); }
static inline void outl(uint16_t p, uint32_t v) { __asm__ volatile("outl %0, %1" :: "a"(v), "Nd"(p) : "memory"); }
static inline uint8_t inb(uint16_t p) { uint8_t v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(p) : "memory"); return v; }
static inline uint16_t inw(uint16_t p) { uint16_t v; __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(p) : "memory"); return v; }
static inline uint32_t inl(uint16_t p) { uint32_t v; __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(p) : "memory"); return v; }
static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return (uint64_t)hi << 32 | lo;
}
static inline void wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ volatile("wrmsr" :: "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory");
}
static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}
static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
    __asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(sub));
}
static inline uint32_t read_cr0(void) { uint32_t v; __asm__ volatile("mov %%cr0, %0" : "=r"(v)); return v; }
static inline uint32_t read_cr2(void) { uint32_t v; __asm__ volatile("mov %%cr2, %0" : "=r"(v)); return v; }
static inline uint32_t read_cr4(void) { uint32_t v; __asm__ volatile("mov %%cr4, %0" : "=r"(v)); return v; }
static inline void write_cr0(uint32_t v) { __asm__ volatile("mov %0, %%cr0" :: "r"(v) : "memory"); }
static inline void write_cr3(uint32_t v) { __asm__ volatile("mov %0, %%cr3" :: "r"(v) : "memory"); }
static inline void write_cr4(uint32_t v) { __asm__ volatile("mov %0, %%cr4" :: "r"(v) : "memory"); }
static inline void sti(void) { __asm__ volatile("sti" ::: "memory"); }
static inline void cli(void) { __asm__ volatile("cli" ::: "memory"); }
static inline void pause(void) { __asm__ volatile("pause" ::: "memory"); }
static inline uint32_t mmio_read32(uint32_t a) { return *(volatile uint32_t *)a; }
static inline void mmio_write32(uint32_t a, uint32_t v) { *(volatile uint32_t *)a = v; }

/* 64-bit division (no libgcc for -m32 here) */
uint64_t udivmod64(uint64_t n, uint32_t d, uint32_t *rem);
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
const char *strstr(const char *h, const char *n);

/* ---- output and results ---- */
void putc(char c);
void puts(const char *s);
/* %s %d %u %x (with 0-padding width: %08x) %llx %c */
void printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "PASS name" or "FAIL name: why"; counts failures. */
void check(bool ok, const char *name, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void skip(const char *name, const char *why);
extern int failures;
/* Write @code to isa-debug-exit (status (code << 1) | 1); halts if the
 * device is absent. */
__attribute__((noreturn)) void test_exit(int code);
/* Print "DONE n failures" and exit with the failure count. */
__attribute__((noreturn)) void test_done(void);

/* ---- exceptions and interrupts ---- */
struct trap_frame {
    uint32_t es, ds;
    uint32_t edi, esi, ebp, esp0, ebx, edx, ecx, eax;
    uint32_t vector, error;
    uint32_t eip, cs, eflags;
    uint32_t user_esp, user_ss;    /* only when coming from ring 3 */
};
typedef void (*irq_handler_t)(struct trap_frame *f);
/* Run @h for vector @vec (>= 32; or an exception outside catch_run). */
void set_handler(int vec, irq_handler_t h);
/* What ended the last catch_run that returned 1. */
struct fault {
    int vector;
    uint32_t error, eip, cs, cr2;
    uint32_t user_esp, user_ss;
};
extern struct fault last_fault;
int catch_run(void (*fn)(void *), void *arg);
/* Leave a handler for catch_run's caller (as if a fault were caught). */
__attribute__((noreturn)) void catch_resume(void);
/* Ring 3 at @eip with ESP @esp and ESI @esi (pass to catch_run). */
struct user_entry {
    uint32_t eip, esp, esi;
};
void enter_user(void *user_entry);
/* catch_run(fn) and check that it raised @vector with @error (-1: any). */
bool expect_fault(void (*fn)(void *), void *arg, int vector, int64_t error);
extern uint8_t gdt[];
extern uint8_t idt[];
extern uint32_t catch_active;
void gdt_set_base(int sel, uint32_t base);
void idt_set_gate(int vec, uint32_t handler, int dpl, bool trap);
void idt_reload(void);
void trap_dispatch(struct trap_frame *f);

/* ---- multiboot ---- */
struct mb_info {
    uint32_t flags, mem_lower, mem_upper, boot_device, cmdline, mods_count, mods_addr;
    uint32_t syms[4];
    uint32_t mmap_length, mmap_addr, drives_length, drives_addr, config_table;
    uint32_t boot_loader_name, apm_table;
};
struct mb_module {
    uint32_t start, end, string, reserved;
};
extern uint32_t mb_magic, mb_info_ptr;
/* The loader named in the multiboot information is QEMU's (the test's
 * cross-check runs the kernels there too) / vessel-vmm. */
bool loader_is_qemu(const struct mb_info *mbi);
bool loader_is_vessel(const struct mb_info *mbi);
/* The value of "key=" on the multiboot command line, or NULL. */
const char *cmdline_arg(const struct mb_info *mbi, const char *key, char *buf, size_t len);
uint32_t parse_u32(const char *s);

/* ---- fw_cfg ---- */
void fw_cfg_read(uint16_t key, void *buf, uint32_t len);
uint16_t fw_cfg_u16(uint16_t key);

/* ---- LAPIC / IOAPIC (xAPIC MMIO) ---- */
#define APIC_BASE 0xfee00000u
#define IOAPIC_BASE 0xfec00000u
static inline uint32_t apic_read(uint32_t r) { return mmio_read32(APIC_BASE + r); }
static inline void apic_write(uint32_t r, uint32_t v) { mmio_write32(APIC_BASE + r, v); }
void apic_enable(void);
void apic_eoi(void);
uint32_t ioapic_read(uint32_t reg);
void ioapic_write(uint32_t reg, uint32_t v);
void ioapic_route(int pin, int vector, bool level, bool masked);
void pic_mask_all(void);
/* Busy-wait until *@p != @old or about @ms milliseconds of TSC pass
 * (the TSC is 1 GHz on vessel; the bound is generous, never a check). */
bool wait_change(volatile uint32_t *p, uint32_t old, uint32_t ms);
void delay_ms(uint32_t ms);

#endif
