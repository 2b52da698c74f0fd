/* busy.S - a guest that never halts: prints "busy\n" and spins with
 * interrupts off, so only a kick can take the vCPU out of the CPU
 * (pause, quit). */
    .text
    .globl _start
_start:
    lea stack_top(%rip), %rsp
    lea msg(%rip), %rsi
    call puts
    cli
1:  jmp 1b
    .section .rodata
msg: .asciz "busy\n"
#include "rt.S"
