/* hello.S - print a line and power off through ACPI S5 (exit 0). */
    .text
    .globl _start
_start:
    lea stack_top(%rip), %rsp
    lea msg(%rip), %rsi
    call puts
    call poweroff
    .section .rodata
msg: .asciz "hello from the guest\n"
#include "rt.S"
