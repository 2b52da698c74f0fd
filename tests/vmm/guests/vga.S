/* vga.S - a hostile guest for the standard VGA (test-hostile.sh): every
 * legacy VGA port with every byte and as 16/32-bit accesses, every dispi
 * index (0-0xffff) with changing values through ports 0x1ce/0x1cf, modes
 * larger than VRAM (2560x1600x32 with VIRT_WIDTH 0xffff, offsets 0xffff)
 * enabled, odd sizes and offsets across the whole MMIO BAR (its address
 * read from PCI config space, 00:02.0 BAR 2), writes at both ends of the
 * VRAM BAR; 40 times over.  Then "vga survived" and S5: the VMM must
 * still be sane. */
#include "macros.h"
    .text
    .globl _start
_start:
    lea stack_top(%rip), %rsp
    mov $40, %r15d              /* passes: long enough for the host to look */
pass:

/* legacy ports 0x3b0-0x3df: every value, as bytes, words and dwords */
    mov $0x3b0, %edx
1:  xor %ebx, %ebx
2:  mov %ebx, %eax
    outb %al, %dx
    inb %dx, %al
    mov %ebx, %eax
    outw %ax, %dx
    inw %dx, %ax
    mov %ebx, %eax
    outl %eax, %dx
    inl %dx, %eax
    inc %ebx
    cmp $0x100, %ebx
    jb 2b
    inc %edx
    cmp $0x3e0, %edx
    jb 1b

/* dispi: every index with a value derived from it, 16-bit and bytes */
    xor %ecx, %ecx
3:  mov $0x1ce, %dx
    mov %cx, %ax
    outw %ax, %dx
    mov $0x1cf, %dx
    mov %cx, %ax
    rol $5, %ax
    outw %ax, %dx
    inw %dx, %ax
    outb %al, %dx
    mov $0x1d0, %dx
    inb %dx, %al
    outb %al, %dx
    inc %ecx
    cmp $0x10000, %ecx
    jb 3b

/* a mode far larger than VRAM, enabled, then panned off the end */
    lea big_mode(%rip), %rsi
4:  movw (%rsi), %ax
    cmp $0xffff, %ax
    je 5f
    mov $0x1ce, %dx
    outw %ax, %dx
    movw 2(%rsi), %ax
    mov $0x1cf, %dx
    outw %ax, %dx
    add $4, %rsi
    jmp 4b
5:
/* the MMIO BAR (00:02.0 BAR 2, command register: memory on) */
    mov $0xcf8, %dx
    mov $0x80001004, %eax
    outl %eax, %dx
    mov $0xcfc, %dx
    mov $0x0003, %eax
    outl %eax, %dx
    mov $0xcf8, %dx
    mov $0x80001018, %eax
    outl %eax, %dx
    mov $0xcfc, %dx
    inl %dx, %eax
    and $0xfffffff0, %eax
    mov %eax, %r12d
    xor %ecx, %ecx              /* offset 0 .. 0x1000 step 3 */
6:  lea (%r12, %rcx), %rdi
    movb $0xa5, (%rdi)
    movb (%rdi), %al
    movw $0x5a5a, (%rdi)
    movw (%rdi), %ax
    movl $0xdeadbeef, (%rdi)
    movl (%rdi), %eax
    add $3, %ecx
    cmp $0xffc, %ecx
    jb 6b
/* dispi through the MMIO BAR: the big mode again, enable with clear */
    movw $2560, 0x502(%r12)
    movw $1600, 0x504(%r12)
    movw $32, 0x506(%r12)
    movw $0xffff, 0x50c(%r12)
    movw $0x41, 0x508(%r12)
    movw $0xffff, 0x512(%r12)
/* VRAM BAR 0: first and last bytes */
    mov $0xcf8, %dx
    mov $0x80001010, %eax
    outl %eax, %dx
    mov $0xcfc, %dx
    inl %dx, %eax
    and $0xfffffff0, %eax
    mov %eax, %r13d
    movq $-1, (%r13)
    mov $0xcf8, %dx
    mov $0x80001010, %eax
    outl %eax, %dx
    mov $0xcfc, %dx
    mov $0xffffffff, %eax
    outl %eax, %dx              /* size the BAR */
    inl %dx, %eax
    and $0xfffffff0, %eax
    not %eax
    lea -7(%r13, %rax), %rdi
    movq $-1, (%rdi)
    mov %r13d, %eax             /* put it back */
    outl %eax, %dx
    dec %r15d
    jnz pass
    lea done(%rip), %rsi
    call puts
    call poweroff

    .section .rodata
big_mode:
    .word 4, 0, 3, 32, 1, 2560, 2, 1600, 6, 0xffff, 4, 0x41, 9, 0xffff, 8, 0xffff
    .word 4, 0x01, 3, 8, 1, 0xffff, 2, 0xffff, 4, 0xc1, 0xffff, 0
done: .asciz "vga survived\n"
#include "rt.S"
