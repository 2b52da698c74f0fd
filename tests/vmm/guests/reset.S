/* reset.S - reset the machine, by the ACPI reset register or, when the
 * kernel command line starts with "kbd", by the i8042; count boots in CMOS
 * byte 0x41, which survives a reset: the second boot powers off. */
    .text
    .globl _start
_start:
    lea stack_top(%rip), %rsp
    mov 0x228(%rsi), %r12d      /* zero page: cmd_line_ptr */
    mov $0x41, %al
    out %al, $0x70
    in $0x71, %al
    inc %al
    mov %al, %bl
    mov $0x41, %al
    out %al, $0x70
    mov %bl, %al
    out %al, $0x71
    lea msg_boot(%rip), %rsi
    call puts
    movzbl %bl, %eax
    call puthex
    mov $'\n', %al
    call putc
    cmp $2, %bl
    jae poweroff
    cmpb $'k', (%r12)           /* which reset method */
    je 1f
    call reset
1:  mov $0xfe, %al              /* i8042: pulse the reset line */
    out %al, $0x64
2:  hlt
    jmp 2b
    .section .rodata
msg_boot: .asciz "boot "
#include "rt.S"
