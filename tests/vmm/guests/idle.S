/* idle.S - a guest that sits in HLT with a periodic LAPIC timer, echoes
 * what arrives on COM1 (receive interrupt, pin 4) and handles the ACPI
 * power button: SCI (pin 9, level) -> read PM1_STS, acknowledge, say so,
 * power off.  Prints "idle\n" once ready.
 * Variants for the daemon tests (tests/daemon builds them with -D):
 *   IDLE_DEAF     the power button is never enabled: shutdown is ignored;
 *   IDLE_FRAGILE  the power button makes the guest triple-fault (exit 4).
 * And for tests/remote: IDLE_BANNER paints the VGA text screen (white on
 * blue, a line in the middle) so a viewer's picture can be checked. */
#include "macros.h"
    .text
    .globl _start
_start:
    lea stack_top(%rip), %rsp
    call idt_init
    call pic_mask_all
    call lapic_enable
    mov $0x39, %edi
    lea sci_isr(%rip), %rsi
    call set_handler
    mov $0x41, %edi
    lea tick_isr(%rip), %rsi
    call set_handler
    mov $9, %edi
    mov $0x8039, %esi           /* level triggered */
    call ioapic_route
    mov $0x34, %edi
    lea uart_isr(%rip), %rsi
    call set_handler
    mov $4, %edi
    mov $0x34, %esi
    call ioapic_route
    mov $0x3f8 + 4, %dx
    mov $0x08, %al              /* OUT2: interrupts reach the IOAPIC */
    out %al, %dx
    mov $0x3f8 + 2, %dx
    mov $0x01, %al              /* FIFO on, trigger 1 */
    out %al, %dx
    mov $0x3f8 + 1, %dx
    mov $0x01, %al              /* receive interrupt */
    out %al, %dx
#ifndef IDLE_DEAF
    mov $0x602, %dx             /* PM1_EN: power button */
    mov $0x100, %ax
    out %ax, %dx
#endif
    APICW(0x3e0, 0xb)
    APICW(0x320, 0x20041) /* periodic 10 ms */
    APICW(0x380, 10000000)
#ifdef IDLE_BANNER
    mov $0xb8000, %edi
    mov $80 * 25, %ecx
    mov $0x1f20, %ax            /* blank, white on blue */
    rep stosw
    mov $0xb8000 + (12 * 80 + 27) * 2, %edi
    lea msg_banner(%rip), %rsi
2:  lodsb
    test %al, %al
    jz 3f
    mov $0x1e, %ah              /* yellow on blue */
    stosw
    jmp 2b
3:
#endif
    lea msg_idle(%rip), %rsi
    call puts
    sti
1:  hlt
    jmp 1b

tick_isr:
    call lapic_eoi
    iretq

uart_isr:                       /* echo every received byte */
    push %rax
    push %rdx
1:  mov $0x3f8 + 5, %dx
    in %dx, %al
    test $0x01, %al
    jz 2f
    mov $0x3f8, %dx
    in %dx, %al
    call putc
    jmp 1b
2:  call lapic_eoi
    pop %rdx
    pop %rax
    iretq

sci_isr:
    push %rax
    push %rdx
    mov $0x600, %dx
    in %dx, %ax
    test $0x100, %ax
    jz 1f
    out %ax, %dx                /* write-1-to-clear */
    lea msg_button(%rip), %rsi
    call puts
#ifdef IDLE_FRAGILE
    lidt idt_none(%rip)         /* no IDT: the next exception triple-faults */
    ud2
#endif
    call lapic_eoi
    call poweroff
1:  call lapic_eoi
    pop %rdx
    pop %rax
    iretq

    .section .rodata
msg_idle: .asciz "idle\n"
msg_button: .asciz "power button\n"
#ifdef IDLE_BANNER
msg_banner: .asciz "VESSEL THROUGH LIBVIRT"
#endif
#ifdef IDLE_FRAGILE
idt_none: .word 0
    .quad 0
#endif
#include "rt.S"
