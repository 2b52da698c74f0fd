/* vbe.S - a guest that sets a Bochs VBE mode as bochs-drm does (320x200
 * at 32 bpp through ports 0x1ce/0x1cf, enabled with the linear
 * framebuffer) and marks two corners in VRAM (BAR 0 at 0xc0000000, the
 * first BAR of the PCI window): (0,0) 0xff8000 and (319,199) 0x0080ff.
 * Prints "vbe mode set", then every byte the keyboard controller delivers
 * as "<xx>" (polling port 0x64, no interrupts) until test-vnc.sh ends it
 * with `quit`. */
    .text
    .globl _start
_start:
    lea stack_top(%rip), %rsp
    lea regs(%rip), %rsi
    mov $6, %ecx
1:  mov $0x1ce, %dx
    lodsw
    out %ax, %dx
    mov $0x1cf, %dx
    lodsw
    out %ax, %dx
    dec %ecx
    jnz 1b
    mov $0xc0000000, %edi
    movl $0x00ff8000, (%rdi)
    movl $0x000080ff, (320 * 199 + 319) * 4(%rdi)
    lea msg(%rip), %rsi
    call puts
    lea hex(%rip), %rbx
2:  in $0x64, %al
    test $0x01, %al             /* output buffer full */
    jnz 3f
    pause
    jmp 2b
3:  in $0x60, %al
    movzbl %al, %ecx
    mov $'<', %al
    call putc
    mov %ecx, %eax
    shr $4, %eax
    movb (%rbx,%rax), %al
    call putc
    mov %ecx, %eax
    and $15, %eax
    movb (%rbx,%rax), %al
    call putc
    mov $'>', %al
    call putc
    jmp 2b
    .section .rodata
hex: .ascii "0123456789abcdef"
/* index, value: ENABLE 0, BPP 32, XRES 320, YRES 200, VIRT_WIDTH 320,
 * ENABLE ENABLED | LFB_ENABLED */
regs: .short 4, 0, 3, 32, 1, 320, 2, 200, 6, 320, 4, 0x41
msg: .asciz "vbe mode set\n"
#include "rt.S"
