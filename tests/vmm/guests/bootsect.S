/* bootsect.S - the firmware variant of the tiny guests: a two-sector
 * disk whose master boot record the BIOS loads at 0x7c00 and runs in
 * real mode.  It prints through the BIOS (int 10h teletype, which
 * SeaBIOS's serial console sends to COM1), reads its second sector
 * through int 13h's extended read (the BIOS's disk driver), prints what
 * it holds, the conventional memory (int 12h), the number of e820
 * entries (int 15h E820) and the OEM ID of the RSDP (valid checksum) in
 * the F segment (the ACPI tables the firmware installed from fw_cfg),
 * and powers off through ACPI S5 (exit 0).
 * Linked as a flat binary at 0x7c00 (tests/vmm/Makefile.am). */
    .code16
    .text
    .globl _start
_start:
    cli
    xor %ax, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov $0x7c00, %sp
    sti
    mov %dl, drive
    mov $hello, %si
    call puts

    /* int 13h AH=42h: sector 1 to 0x0000:0x7e00 */
    mov $dap, %si
    mov drive, %dl
    mov $0x42, %ah
    int $0x13
    jc disk_error
    mov $0x7e00, %si
    call puts

    /* int 12h: conventional memory in KiB */
    mov $mem_msg, %si
    call puts
    int $0x12
    call putdec
    mov $kib_msg, %si
    call puts

    /* int 15h E820: count the entries */
    xor %ebx, %ebx
    xor %bp, %bp
1:  mov $0xe820, %eax
    mov $20, %ecx
    mov $0x534d4150, %edx       /* "SMAP" */
    mov $e820_buf, %di
    int $0x15
    jc 2f
    cmp $0x534d4150, %eax
    jne 2f
    inc %bp
    test %ebx, %ebx
    jnz 1b
2:  mov $e820_msg, %si
    call puts
    mov %bp, %ax
    call putdec
    mov $crlf, %si
    call puts

    /* the RSDP the firmware placed in the F segment, its checksum */
    mov $0xf000, %ax
    mov %ax, %es
    xor %di, %di
5:  cmpl $0x20445352, %es:(%di)     /* "RSD " */
    jne 6f
    cmpl $0x20525450, %es:4(%di)    /* "PTR " */
    je 7f
6:  add $16, %di
    jnz 5b
    mov $no_rsdp, %si
    call puts
    jmp 8f
7:  xor %al, %al
    mov $20, %cx
    mov %di, %bx
1:  add %es:(%bx), %al
    inc %bx
    loop 1b
    test %al, %al
    jnz 6b
    mov $rsdp_msg, %si
    call puts
    lea 9(%di), %si                 /* its OEM ID, 6 characters */
    mov $6, %cx
9:  mov %es:(%si), %al
    inc %si
    mov $0x0e, %ah
    mov $0x0007, %bx
    int $0x10
    loop 9b
    mov $crlf, %si
    call puts
8:  mov $bye, %si
    call puts
    /* SeaBIOS's serial console sends the last characters from its
     * timer interrupt (IRQ 0, 18.2 Hz): let three ticks pass, then let
     * COM1 send what it holds (LSR.TEMT) before the power goes */
    sti
    hlt
    hlt
    hlt
    mov $0x3fd, %dx
4:  in %dx, %al
    test $0x40, %al
    jz 4b
    /* ACPI PM1a_CNT (vessel-pc: 0x604): SLP_TYP 5 (\_S5) | SLP_EN */
    mov $0x604, %dx
    mov $0x3400, %ax
    out %ax, %dx
3:  hlt
    jmp 3b

disk_error:
    mov $err_msg, %si
    call puts
    jmp 3b

/* print the NUL-terminated string at DS:SI */
puts:
    lodsb
    test %al, %al
    jz 1f
    mov $0x0e, %ah
    mov $0x0007, %bx
    int $0x10
    jmp puts
1:  ret

/* print AX in decimal */
putdec:
    mov $10, %cx
    xor %di, %di
1:  xor %dx, %dx
    div %cx
    push %dx
    inc %di
    test %ax, %ax
    jnz 1b
2:  pop %ax
    add $'0', %al
    mov $0x0e, %ah
    mov $0x0007, %bx
    int $0x10
    dec %di
    jnz 2b
    ret

hello:    .asciz "boot sector: running at 0x7c00\r\n"
mem_msg:  .asciz "boot sector: int 12h "
kib_msg:  .asciz " KiB\r\n"
e820_msg: .asciz "boot sector: e820 entries "
crlf:     .asciz "\r\n"
bye:      .asciz "boot sector: powering off\r\n"
rsdp_msg: .asciz "boot sector: RSDP "
no_rsdp:  .asciz "boot sector: no RSDP\r\n"
err_msg:  .asciz "boot sector: int 13h failed\r\n"
drive:    .byte 0
    .balign 4
dap:      .byte 16, 0
          .word 1                /* sectors */
          .word 0x7e00, 0        /* offset, segment */
          .quad 1                /* LBA */
e820_buf = 0x6000

    .org 510
    .word 0xaa55
second:
    .asciz "boot sector: sector 1 read through int 13h\r\n"
    .org 1024
