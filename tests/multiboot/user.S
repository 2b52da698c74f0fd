/* user.S - ring-3 code of the multiboot test kernels (enter_user in
 * rt.S starts it; each ends in the fault or interrupt under test). */
#include "rt.h"

    .text
    .code32
    .globl user_int42, user_cli, user_int43, user_hlt, user_push, user_read
user_int42:
    int $0x42
    ud2
user_cli:
    cli
    ud2
user_int43:
    int $0x43
    ud2
user_hlt:
    hlt
    ud2
/* SS = a DPL 3 segment of 0x1000 bytes, ESP past it: PUSH gives #SS(0) */
user_push:
    mov $SEL_ULIMITED | 3, %ax
    mov %ax, %ss
    mov $0x1008, %esp
    push %eax
    ud2
user_read:
    mov (%esi), %eax
    ud2

/* Ring-0 fault routines (called through catch_run with one argument). */
    .globl es_limit_read, ss_limit_read, es_limit_ip, ss_limit_ip
/* ES = base 0, limit 2 MiB - 1; read ES:arg */
es_limit_read:
    mov $SEL_SMALL, %ax
    mov %ax, %es
    mov 4(%esp), %ecx
es_limit_ip:
    mov %es:(%ecx), %eax
    mov $SEL_DATA32, %ax
    mov %ax, %es
    ret
/* SS = the same segment (the stack stays inside it), read (%ebp) with
 * EBP = arg: SS-relative */
ss_limit_read:
    push %ebp
    mov 8(%esp), %ebp
    mov $SEL_SMALL, %ax
    mov %ax, %ss
ss_limit_ip:
    mov (%ebp), %eax
    mov $SEL_DATA32, %ax
    mov %ax, %ss
    pop %ebp
    ret
    .section .note.GNU-stack, "", @progbits
