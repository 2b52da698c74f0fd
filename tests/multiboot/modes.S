/* modes.S - the CPU modes a multiboot kernel walks through (mbmodes.c):
 *
 * realmode_run(): 32-bit protected mode -> 16-bit protected mode (a
 * 16-bit code segment whose base is the blob copied to 0x70000) -> real
 * mode (CS 0x7000) -> back to 32-bit protected mode.  In 16-bit
 * protected mode: 16-bit addressing through a 16-bit data segment.  In
 * real mode: INT n through the IVT, #DE through the IVT (the handler
 * steps over the DIV), segment arithmetic, a 32-bit operand, REP MOVSB
 * between segments, a far call.  Results go to the blob's data area
 * (RM_* offsets, read by C at 0x70000 + offset).
 *
 * long_run(cr3): 32-bit protected mode -> IA-32e compatibility mode
 * (PAE, EFER.LME, CR0.PG) -> 64-bit mode (far jump) -> the 64-bit tests
 * -> compatibility mode (far return) -> paging and LME off -> back to
 * the caller in 32-bit protected mode.  Every 64-bit exception stub
 * records vector, error code, RIP and CR2 in lm_results[lm_test] and
 * resumes at lm_resume with the stack pointer lm_good_rsp; #SS uses IST1
 * so a non-canonical RSP can be tested. */
#include "rt.h"

#define RM_SEG 0x7000
#define RM_BASE 0x70000
/* result offsets in the blob */
#define RM_PM16 0x800     /* word read back through 16-bit addressing */
#define RM_INT 0x802      /* INT 0x81 count */
#define RM_DE 0x804       /* #DE count */
#define RM_SEGA 0x806     /* word written via ES=0x7100, read via DS */
#define RM_E32 0x808      /* dword from a 32-bit operand */
#define RM_MOVS 0x80c     /* 8 bytes copied by REP MOVSB */
#define RM_FAR 0x814      /* far call reached */
#define RM_FLAGS 0x816    /* FLAGS after POPF of 0x0cd5 */
#define RM_GDTR 0x820     /* lgdt operand, filled by C */
#define RM_IVTR 0x828     /* lidt operand: the IVT */

    .text
    .code32
    .globl realmode_run, rm_blob, rm_blob_end
/* void realmode_run(void) */
realmode_run:
    push %ebx
    push %esi
    push %edi
    push %ebp
    mov %esp, rm_saved_esp
    cli
    ljmp $SEL_CODE16, $0

    .code16
rm_blob:
    /* 16-bit protected mode: CS and DS have base 0x70000 */
    mov $SEL_DATA16, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov $0xfff0, %sp
    mov $0x10, %bx
    mov $0x20, %si
    movw $0x1234, RM_PM16 - 0x30(%bx, %si)
    /* to real mode */
    mov %cr0, %eax
    and $~1, %eax
    mov %eax, %cr0
    ljmp $RM_SEG, $(rm_real - rm_blob)
rm_real:
    mov $RM_SEG, %ax
    mov %ax, %ds
    mov %ax, %ss
    mov $0xfff0, %sp
    lidt RM_IVTR
    xor %ax, %ax
    mov %ax, %es
    movw $(rm_int81 - rm_blob), %es:(0x81 * 4)
    movw $RM_SEG, %es:(0x81 * 4 + 2)
    movw $(rm_de - rm_blob), %es:0
    movw $RM_SEG, %es:2
    int $0x81
    int $0x81
    xor %dx, %dx
    xor %cx, %cx
    mov $1, %ax
    div %cx                     /* #DE: the handler skips these 2 bytes */
    /* segment arithmetic: ES:0 with ES = 0x7100 is DS:0x1000 */
    mov $0x7100, %ax
    mov %ax, %es
    movw $0xbeef, %es:0
    mov 0x1000, %ax
    mov %ax, RM_SEGA
    /* 32-bit operand and register in real mode */
    mov $0x12345678, %eax
    add $0x11111111, %eax
    mov %eax, RM_E32
    /* REP MOVSB from DS:src to ES:(RM_MOVS + 0x1000), ES = 0x6f00 */
    mov $0x6f00, %ax
    mov %ax, %es
    mov $(rm_src - rm_blob), %si
    mov $(RM_MOVS + 0x1000), %di
    mov $8, %cx
    cld
    rep movsb
    lcall $RM_SEG, $(rm_far - rm_blob)
    push $0x0cd5
    popf
    pushf
    pop %ax
    mov %ax, RM_FLAGS
    push $0x0002
    popf
    /* back to 32-bit protected mode */
    cli
    lgdtl RM_GDTR
    mov %cr0, %eax
    or $1, %eax
    mov %eax, %cr0
    .byte 0x66, 0xea            /* ljmpl $SEL_CODE32, $rm_back */
    .long rm_back
    .word SEL_CODE32

rm_int81:
    incw RM_INT
    iret
rm_de:
    push %bp
    mov %sp, %bp
    addw $2, 2(%bp)
    incw RM_DE
    pop %bp
    iret
rm_far:
    movw $1, RM_FAR
    lret
rm_src:
    .ascii "realmode"
    .org rm_blob + 0x900
rm_blob_end:

    .code32
rm_back:
    mov $SEL_DATA32, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %fs
    mov %ax, %gs
    mov %ax, %ss
    mov rm_saved_esp, %esp
    lidt idt_desc
    pop %ebp
    pop %edi
    pop %esi
    pop %ebx
    ret

/* ---- long mode ---- */

    .globl long_run, idt64, lm_results, lm_test, lm_int80
/* void long_run(uint32_t cr3) */
long_run:
    push %ebx
    push %esi
    push %edi
    push %ebp
    mov %esp, lm_saved_esp
    cli
    mov 20(%esp), %eax
    mov %cr4, %ecx
    or $0x20, %ecx              /* PAE */
    mov %ecx, %cr4
    mov %eax, %cr3
    mov $0xc0000080, %ecx
    rdmsr
    or $0x100, %eax             /* LME */
    wrmsr
    mov %cr0, %eax
    or $0x80000000, %eax        /* PG: IA-32e mode, compatibility mode */
    mov %eax, %cr0
    lidt idt64_desc
    ljmp $SEL_CODE64, $lm64

    .code64
lm64:
    mov %rsp, lm_good_rsp(%rip)
    /* 0: #PF reading a not-present 2 MiB page, CR2 exact */
    movl $0, lm_test(%rip)
    lea 1f(%rip), %rax
    mov %rax, lm_resume(%rip)
    mov $0x1000123, %rbx
    mov (%rbx), %rax
1:  /* 1: #PF writing it */
    movl $1, lm_test(%rip)
    lea 1f(%rip), %rax
    mov %rax, lm_resume(%rip)
    mov $0x11ffffe, %rbx
    movw $1, (%rbx)
1:  /* 2: #GP(0) for a non-canonical address */
    movl $2, lm_test(%rip)
    lea 1f(%rip), %rax
    mov %rax, lm_resume(%rip)
    mov $0x8000000000000000, %rbx
    mov (%rbx), %rax
1:  /* 3: #SS(0) for PUSH with a non-canonical RSP (handler on IST1) */
    movl $3, lm_test(%rip)
    lea 1f(%rip), %rax
    mov %rax, lm_resume(%rip)
    mov $0x8000000000001000, %rsp
    push %rax
1:  mov lm_good_rsp(%rip), %rsp
    /* 4: #SS(0) for an RBP-based operand at a non-canonical address */
    movl $4, lm_test(%rip)
    lea 1f(%rip), %rax
    mov %rax, lm_resume(%rip)
    mov $0xffff700000000000, %rbp
    mov 8(%rbp), %rax
1:  /* 5: #UD */
    movl $5, lm_test(%rip)
    lea 1f(%rip), %rax
    mov %rax, lm_resume(%rip)
    .globl lm_ud_ip
lm_ud_ip:
    ud2
1:  /* 6: a near jump to a non-canonical address: #GP(0) at the jump */
    movl $6, lm_test(%rip)
    lea 1f(%rip), %rax
    mov %rax, lm_resume(%rip)
    mov $0x0000800000000000, %rax
    .globl lm_jmp_ip
lm_jmp_ip:
    jmp *%rax
1:  /* 7: INT 0x80 through a 64-bit gate; 64-bit arithmetic */
    movl $7, lm_test(%rip)
    int $0x80
    int $0x80
    mov $0x123456789, %rax
    mov $0x1000, %rcx
    mul %rcx
    mov %rax, lm_mul(%rip)
    mov %rdx, 8+lm_mul(%rip)
    mov $0xc0000080, %ecx
    rdmsr
    mov %eax, lm_efer(%rip)
    /* back to compatibility mode, then out of IA-32e mode */
    movl $8, lm_test(%rip)
    push $SEL_CODE32
    lea lm_compat(%rip), %rax
    push %rax
    lretq

lm_int80:
    incl lm_int80_count(%rip)
    iretq

/* the 64-bit exception stubs: vector and error code, then lm_trap */
    .altmacro
    .macro stub64 v
lm_stub_\v:
    .if !((\v == 8) || ((\v >= 10) && (\v <= 14)) || (\v == 17) || (\v == 21) || (\v == 29) || (\v == 30))
    push $0
    .endif
    push $\v
    jmp lm_trap
    .endm
    .set v, 0
    .rept 32
    stub64 %v
    .set v, v + 1
    .endr
lm_trap:
    mov lm_test(%rip), %eax
    shl $5, %eax
    lea lm_results(%rip), %rdx
    add %rax, %rdx
    mov (%rsp), %rax
    mov %rax, (%rdx)            /* vector */
    mov 8(%rsp), %rax
    mov %rax, 8(%rdx)           /* error code */
    mov 16(%rsp), %rax
    mov %rax, 16(%rdx)          /* RIP */
    mov %cr2, %rax
    mov %rax, 24(%rdx)
    mov lm_resume(%rip), %rax
    mov %rax, 16(%rsp)
    mov lm_good_rsp(%rip), %rax
    mov %rax, 40(%rsp)
    add $16, %rsp
    iretq

    .code32
lm_compat:
    mov %cr0, %eax
    and $0x7fffffff, %eax       /* paging off: leaves IA-32e mode */
    mov %eax, %cr0
    mov $0xc0000080, %ecx
    rdmsr
    and $~0x100, %eax
    wrmsr
    mov %cr4, %eax
    and $~0x20, %eax
    mov %eax, %cr4
    mov $SEL_DATA32, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov lm_saved_esp, %esp
    lidt idt_desc
    pop %ebp
    pop %edi
    pop %esi
    pop %ebx
    ret

    .macro stubref64 v
    .long lm_stub_\v
    .endm
    .section .rodata
    .align 8
    .globl lm_stubs
lm_stubs:
    .set v, 0
    .rept 32
    stubref64 %v
    .set v, v + 1
    .endr

    .data
    .align 16
    .globl lm_int80_count, lm_mul, lm_efer, idt64_desc
rm_saved_esp: .long 0
lm_saved_esp: .long 0
lm_test: .long 0
lm_int80_count: .long 0
lm_efer: .long 0
    .align 8
lm_good_rsp: .quad 0
lm_resume: .quad 0
lm_mul: .quad 0, 0
idt64_desc:
    .word 256 * 16 - 1
    .long idt64
    .long 0
    .bss
    .align 4096
idt64: .fill 256 * 16, 1, 0
lm_results: .fill 8 * 4, 8, 0
    .section .note.GNU-stack, "", @progbits
