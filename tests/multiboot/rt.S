/* rt.S - the runtime of the multiboot test kernels (32-bit, flat):
 * the multiboot header, the entry (EAX/EBX saved for kmain), our GDT,
 * an IDT whose 256 stubs all go to trap_dispatch() in lib.c, the TSS
 * for ring-3 tests, and catch_run()/catch_resume(), a setjmp/longjmp
 * pair the fault tests use: catch_run(fn, arg) calls fn(arg) and returns
 * 0, or 1 if an exception ended it (lib.c records which). */
#include "rt.h"

    .section .multiboot, "a"
    .align 4
mb_header:
    .long 0x1badb002
    .long MB_HEADER_FLAGS
    .long -(0x1badb002 + MB_HEADER_FLAGS)

    .text
    .code32
    .globl _start
_start:
    cli
    mov %eax, mb_magic
    mov %ebx, mb_info_ptr
    mov $stack_top, %esp
    lgdt gdt_desc
    ljmp $SEL_CODE32, $1f
1:  mov $SEL_DATA32, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %fs
    mov %ax, %gs
    mov %ax, %ss
    call idt_setup
    mov $tss, %eax                  /* TSS descriptor base */
    mov %ax, gdt + SEL_TSS + 2
    shr $16, %eax
    mov %al, gdt + SEL_TSS + 4
    mov %ah, gdt + SEL_TSS + 7
    movl $ring0_stack_top, tss + 4  /* ESP0: interrupts from ring 3 */
    movl $SEL_DATA32, tss + 8       /* SS0 */
    movw $104, tss + 102            /* no I/O bitmap */
    mov $SEL_TSS, %ax
    ltr %ax
    push mb_info_ptr
    push mb_magic
    call kmain
    push %eax
    call test_exit
2:  cli
    hlt
    jmp 2b

/* Fill the IDT: vector n's 32-bit interrupt gate points at stub n. */
idt_setup:
    xor %ecx, %ecx
1:  mov trap_stubs(,%ecx,4), %eax
    mov %ax, idt(,%ecx,8)
    movw $SEL_CODE32, idt + 2(,%ecx,8)
    movw $0x8e00, idt + 4(,%ecx,8)
    shr $16, %eax
    mov %ax, idt + 6(,%ecx,8)
    inc %ecx
    cmp $256, %ecx
    jne 1b
    lidt idt_desc
    ret

/* Exceptions with an error code: 8, 10-14, 17, 21, 29, 30. */
    .altmacro
    .macro stub v
trap_stub_\v:
    .if !((\v == 8) || ((\v >= 10) && (\v <= 14)) || (\v == 17) || (\v == 21) || (\v == 29) || (\v == 30))
    push $0
    .endif
    push $\v
    jmp trap_common
    .endm
    .macro stubref v
    .long trap_stub_\v
    .endm

    .set v, 0
    .rept 256
    stub %v
    .set v, v + 1
    .endr

trap_common:
    pusha
    push %ds
    push %es
    mov $SEL_DATA32, %ax
    mov %ax, %ds
    mov %ax, %es
    push %esp                       /* struct trap_frame * */
    call trap_dispatch
    add $4, %esp
    pop %es
    pop %ds
    popa
    add $8, %esp                    /* vector, error code */
    iret

    .section .rodata
    .align 4
trap_stubs:
    .set v, 0
    .rept 256
    stubref %v
    .set v, v + 1
    .endr

    .text
/* int catch_run(void (*fn)(void *), void *arg) */
    .globl catch_run
catch_run:
    mov %ebx, catch_ctx
    mov %esi, catch_ctx + 4
    mov %edi, catch_ctx + 8
    mov %ebp, catch_ctx + 12
    mov %esp, catch_ctx + 16        /* points at our return address */
    movl $1, catch_active
    push 8(%esp)
    call *8(%esp)                   /* fn: 4 (ret) + 4 (pushed arg) */
    add $4, %esp
    movl $0, catch_active
    xor %eax, %eax
    ret

/* void enter_user(struct user_entry *u): IRET to ring 3 at u->eip with
 * ESP u->esp, ESI u->esi, DS/ES the user data segment (never returns:
 * the ring-3 code ends in a fault or interrupt that catch_resume()s). */
    .globl enter_user
enter_user:
    mov 4(%esp), %eax
    mov 8(%eax), %esi
    mov $SEL_UDATA32 | 3, %dx
    mov %dx, %ds
    mov %dx, %es
    push $SEL_UDATA32 | 3
    pushl %ss:4(%eax)
    pushf
    push $SEL_UCODE32 | 3
    pushl %ss:(%eax)
    iret

/* void catch_resume(void): back to catch_run's caller with 1 (from the
 * exception handler, on any stack, at CPL 0). */
    .globl catch_resume
catch_resume:
    mov $SEL_DATA32, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %fs
    mov %ax, %gs
    mov %ax, %ss
    mov catch_ctx, %ebx
    mov catch_ctx + 4, %esi
    mov catch_ctx + 8, %edi
    mov catch_ctx + 12, %ebp
    mov catch_ctx + 16, %esp
    movl $0, catch_active
    mov $1, %eax
    ret

    .data
    .align 8
    .globl gdt
gdt:
    .quad 0                         /* 0x00 */
    .quad 0x00cf9b000000ffff        /* 0x08 code32 flat */
    .quad 0x00cf93000000ffff        /* 0x10 data32 flat */
    .quad 0x00009b000000ffff        /* 0x18 code16, base patched */
    .quad 0x000093000000ffff        /* 0x20 data16, base patched */
    .quad 0x00af9b000000ffff        /* 0x28 code64 */
    .quad 0x0000890000000067        /* 0x30 TSS32, base patched */
    .quad 0x00cffb000000ffff        /* 0x38 user code32 (DPL 3) */
    .quad 0x00cff3000000ffff        /* 0x40 user data32 (DPL 3) */
    .quad 0x0040930000000fff        /* 0x48 data32, limit 0xfff, base patched */
    .quad 0x00cf13000000ffff        /* 0x50 data32, not present */
    .quad 0x00cf91000000ffff        /* 0x58 data32, read-only */
    .quad 0x0000820000000000        /* 0x60 an LDT descriptor (system) */
    .quad 0x0040f30000000fff        /* 0x68 user data32, limit 0xfff, base patched */
    .quad 0x00c09300000001ff        /* 0x70 data32, base 0, limit 2 MiB - 1 */
gdt_end:
    .globl gdt_desc
gdt_desc:
    .word gdt_end - gdt - 1
    .long gdt
    .globl idt_desc
idt_desc:
    .word 256 * 8 - 1
    .long idt
    .globl mb_magic, mb_info_ptr, catch_active
mb_magic: .long 0
mb_info_ptr: .long 0
catch_active: .long 0
catch_ctx: .fill 5, 4, 0

    .bss
    .align 4096
    .globl idt, tss
idt: .fill 256, 8, 0
tss: .fill 104, 1, 0
    .align 16
stack: .fill 16384, 1, 0
    .globl stack_top
stack_top:
    .fill 8192, 1, 0
ring0_stack_top:
    .section .note.GNU-stack, "", @progbits
