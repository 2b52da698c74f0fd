/* busy.S - a guest that never halts: prints "busy\n" and spins with
 * interrupts off (as the loader starts it: RFLAGS.IF clear), so only a
 * kick can take the vCPU out of the CPU (pause, quit).  No privileged
 * instruction, so it runs the same under dbt, KVM and PVM. */
    .text
    .globl _start
_start:
    lea stack_top(%rip), %rsp
    lea msg(%rip), %rsi
    call puts
1:  jmp 1b
    .section .rodata
msg: .asciz "busy\n"
#include "rt.S"
