/* rt.S - runtime for the tiny test guests, #included at the end of each.
 *
 * Guests are ELF "kernels" linked at 16 MiB; vessel-vmm enters them in
 * 64-bit mode with the loader's identity page tables and GDT (code 0x10).
 * They report over COM1 and leave through ACPI S5 (exit 0) or a reset.
 * Helpers (rsi/rdi/eax arguments, all registers but rax preserved):
 *   puts(rsi) putc(al) puthex(rax) poweroff reset
 *   idt_init                 every vector -> "unexpected vector" + poweroff
 *   set_handler(edi=vector, rsi=handler)
 *   lapic_enable / lapic_eoi
 *   ioapic_route(edi=pin, esi=redirection low dword; dest APIC 0)
 *   pic_mask_all
 */
#include "macros.h"
#define COM1 0x3f8
#define PM1_CNT 0x604
#define PM_RESET 0x60c



    .text
puts:
    push %rsi
    push %rax
1:  lodsb
    test %al, %al
    jz 2f
    call putc
    jmp 1b
2:  pop %rax
    pop %rsi
    ret

putc:
    push %rdx
    push %rax
    mov $COM1 + 5, %dx
1:  in %dx, %al
    test $0x20, %al
    jz 1b
    pop %rax
    mov $COM1, %dx
    out %al, %dx
    pop %rdx
    ret

puthex:                         /* rax, 16 hex digits */
    push %rcx
    push %rax
    push %rbx
    mov %rax, %rbx
    mov $16, %ecx
1:  rol $4, %rbx
    mov %ebx, %eax
    and $15, %eax
    cmp $10, %eax
    jb 2f
    add $'a' - '0' - 10, %eax
2:  add $'0', %eax
    call putc
    dec %ecx
    jnz 1b
    pop %rbx
    pop %rax
    pop %rcx
    ret

poweroff:
    mov $PM1_CNT, %dx
    mov $((5 << 10) | (1 << 13)), %ax
    out %ax, %dx
1:  hlt
    jmp 1b

reset:
    mov $PM_RESET, %dx
    mov $1, %al
    out %al, %dx
1:  hlt
    jmp 1b

/* handler for vectors nobody claimed */
unexpected:
    lea msg_unexpected(%rip), %rsi
    call puts
    jmp poweroff

idt_init:
    push %rdi
    push %rsi
    xor %edi, %edi
1:  lea unexpected(%rip), %rsi
    call set_handler
    inc %edi
    cmp $256, %edi
    jb 1b
    lidt idt_desc(%rip)
    pop %rsi
    pop %rdi
    ret

set_handler:                    /* edi = vector, rsi = handler */
    push %rax
    push %rdx
    lea idt(%rip), %rdx
    mov %edi, %eax
    shl $4, %eax
    add %rax, %rdx
    mov %rsi, %rax
    mov %ax, (%rdx)             /* offset 15:0 */
    movw $0x10, 2(%rdx)         /* selector */
    movw $0x8e00, 4(%rdx)       /* present, DPL0, interrupt gate */
    shr $16, %rax
    mov %ax, 6(%rdx)            /* offset 31:16 */
    shr $16, %rax
    mov %eax, 8(%rdx)           /* offset 63:32 */
    movl $0, 12(%rdx)
    pop %rdx
    pop %rax
    ret

lapic_enable:
    APICW(0xf0, 0x1ff)    /* SVR: enable, spurious vector 0xff */
    APICW(0x80, 0)        /* TPR */
    ret

lapic_eoi:
    APICW(0xb0, 0)
    ret

ioapic_route:                   /* edi = pin, esi = low dword */
    push %rax
    lea 0x10(,%rdi,2), %eax
    IOAPICR(0, %eax)
    IOAPICR(0x10, %esi)
    inc %eax
    IOAPICR(0, %eax)
    IOAPICW(0x10, 0)      /* destination APIC 0 */
    pop %rax
    ret

pic_mask_all:
    mov $0xff, %al
    out %al, $0x21
    out %al, $0xa1
    ret

    .section .rodata
msg_unexpected: .asciz "FAIL unexpected vector\n"
    .data
    .balign 16
idt_desc:
    .word 256 * 16 - 1
    .quad idt
    .bss
    .balign 16
idt: .skip 256 * 16
    .balign 16
stack: .skip 16384
stack_top:
