/* keys.S - shows every byte that arrives on COM1 as "<xx>" (lowercase hex)
 * the moment it arrives (receive interrupt, pin 4), so a terminal test can
 * tell what the host tty passed through: one key at a time (no line
 * buffering), Ctrl-C as <03> (no SIGINT), and no local echo (the typed
 * letter itself never appears).  Prints "keys\n" once ready, then HLTs. */
#include "macros.h"
    .text
    .globl _start
_start:
    lea stack_top(%rip), %rsp
    call idt_init
    call pic_mask_all
    call lapic_enable
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
    lea msg_keys(%rip), %rsi
    call puts
    sti
1:  hlt
    jmp 1b

uart_isr:
    push %rax
    push %rcx
    push %rdx
1:  mov $0x3f8 + 5, %dx
    in %dx, %al
    test $0x01, %al
    jz 3f
    mov $0x3f8, %dx
    in %dx, %al
    mov %al, %cl
    mov $'<', %al
    call putc
    mov %cl, %al
    shr $4, %al
    call put_nibble
    mov %cl, %al
    call put_nibble
    mov $'>', %al
    call putc
    jmp 1b
3:  call lapic_eoi
    pop %rdx
    pop %rcx
    pop %rax
    iretq

put_nibble:                     /* low 4 bits of al as one hex digit */
    and $15, %al
    add $'0', %al
    cmp $'9', %al
    jbe 1f
    add $'a' - '9' - 1, %al
1:  jmp putc

    .section .rodata
msg_keys: .asciz "keys\n"
#include "rt.S"
