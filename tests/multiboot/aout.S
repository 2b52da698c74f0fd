/* aout.S - a multiboot kernel that is not ELF: a flat binary whose
 * multiboot header gives the load addresses (flag 16, the "a.out
 * kludge"): load at 2 MiB, a BSS to clear, the entry.  It checks the
 * magic, that the BSS is zero, prints, and exits through isa-debug-exit
 * with 0, or 1 for a wrong magic, 2 for a dirty BSS. */
#define FLAGS 0x00010002

    .text
    .code32
    .globl _start
_start:
header:
    .long 0x1badb002
    .long FLAGS
    .long -(0x1badb002 + FLAGS)
    .long header                    /* header_addr */
    .long _start                    /* load_addr */
    .long load_end                  /* load_end_addr */
    .long bss_end                   /* bss_end_addr */
    .long entry                     /* entry_addr */
entry:
    mov $1, %edx
    cmp $0x2badb002, %eax
    jne out
    mov $load_end, %edi
    mov $2, %edx
1:  cmpl $0, (%edi)
    jne out
    add $4, %edi
    cmp $bss_end, %edi
    jb 1b
    mov $msg, %esi
2:  lodsb
    test %al, %al
    jz 3f
    mov %al, %bl
    mov $0x3fd, %dx
4:  inb %dx, %al
    test $0x20, %al
    jz 4b
    mov $0x3f8, %dx
    mov %bl, %al
    outb %al, %dx
    jmp 2b
3:  xor %edx, %edx
out:
    mov %edx, %eax
    outl %eax, $0xf4
5:  cli
    hlt
    jmp 5b
msg:
    .asciz "hello from an a.out kludge kernel\n"
    .align 4
load_end:
    .fill 64, 1, 0x55               /* what the loader must zero: the BSS */
bss_start:
    .fill 4096, 1, 0x55
bss_end:
    .section .note.GNU-stack, "", @progbits
