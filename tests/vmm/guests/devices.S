/* devices.S - device checks from inside the guest, each printing
 * "PASS name" or "FAIL name": UART loopback with a receive interrupt
 * through the IOAPIC and LAPIC, THR-empty interrupt, PIT channel 0
 * ticks on IRQ 0 (IOAPIC pin 2), PIT channel 2 with its gate and OUT on
 * port 0x61 (Linux's calibration path), LAPIC one-shot and periodic
 * timer, the RTC date (printed as "RTC YYYY-MM-DD" for the host to
 * compare), and the ACPI PM timer.  Then S5. */
#include "macros.h"
    .text
    .globl _start
_start:
    lea stack_top(%rip), %rsp
    call idt_init
    call pic_mask_all
    call lapic_enable

/* ---- UART loopback + receive interrupt (pin 4 -> vector 0x34) ---- */
    mov $0x34, %edi
    lea uart_isr(%rip), %rsi
    call set_handler
    mov $4, %edi
    mov $0x34, %esi
    call ioapic_route
    mov $0x3f8 + 4, %dx
    mov $0x18, %al              /* LOOP | OUT2 */
    out %al, %dx
    mov $0x3f8 + 2, %dx
    mov $0x07, %al              /* FIFO on, cleared, trigger 1 */
    out %al, %dx
    mov $0x3f8 + 1, %dx
    mov $0x01, %al              /* receive interrupt */
    out %al, %dx
    movb $0, uart_got(%rip)
    sti
    mov $0x3f8, %dx
    mov $'Z', %al
    out %al, %dx
    call wait_uart
    cli
    mov $0x3f8 + 1, %dx
    xor %al, %al
    out %al, %dx
    mov $0x3f8 + 4, %dx
    mov $0x08, %al              /* leave loopback, keep OUT2 */
    out %al, %dx
    lea name_uart(%rip), %rsi
    cmpb $'Z', uart_got(%rip)
    call report

/* ---- THR empty interrupt ---- */
    lea thre_isr(%rip), %rsi
    mov $0x34, %edi
    call set_handler
    movl $0, thre_count(%rip)
    sti
    mov $0x3f8 + 1, %dx
    mov $0x02, %al              /* ETBEI with THR empty: interrupt */
    out %al, %dx
    mov $100000, %ecx
1:  cmpl $0, thre_count(%rip)
    jne 2f
    pause
    loop 1b
2:  cli
    mov $0x3f8 + 1, %dx
    xor %al, %al
    out %al, %dx
    lea name_thre(%rip), %rsi
    cmpl $0, thre_count(%rip)
    setne %al
    cmp $1, %al
    call report

/* ---- PIT channel 0, mode 2, 100 Hz on pin 2 -> vector 0x30 ---- */
    mov $0x30, %edi
    lea pit_isr(%rip), %rsi
    call set_handler
    mov $2, %edi
    mov $0x30, %esi
    call ioapic_route
    movl $0, ticks(%rip)
    mov $0x34, %al
    out %al, $0x43
    mov $(11932 & 0xff), %al
    out %al, $0x40
    mov $(11932 >> 8), %al
    out %al, $0x40
    sti
3:  hlt
    cmpl $5, ticks(%rip)
    jb 3b
    cli
    mov $0x30, %al              /* stop: mode 0, never loaded */
    out %al, $0x43
    lea name_pit(%rip), %rsi
    cmpl $5, ticks(%rip)
    setae %al
    cmp $1, %al
    call report

/* ---- PIT channel 2 via port 0x61 (as Linux calibrates) ---- */
    in $0x61, %al
    and $~0x02, %al
    or $0x01, %al
    out %al, $0x61
    mov $0xb0, %al
    out %al, $0x43
    mov $0xff, %al
    out %al, $0x42
    mov $0x10, %al              /* 0x10ff ticks */
    out %al, $0x42
    in $0x61, %al
    test $0x20, %al
    jnz 5f                      /* OUT already high: wrong */
    xor %ecx, %ecx
4:  in $0x61, %al
    test $0x20, %al
    jnz 6f
    dec %ecx
    jnz 4b
5:  lea name_pit2(%rip), %rsi
    xor %eax, %eax
    cmp $1, %eax
    call report
    jmp 7f
6:  lea name_pit2(%rip), %rsi
    cmp %eax, %eax
    call report
7:

/* ---- LAPIC timer: one-shot then periodic, vector 0x40 ---- */
    mov $0x40, %edi
    lea lapic_isr(%rip), %rsi
    call set_handler
    movl $0, lticks(%rip)
    APICW(0x3e0, 0xb)     /* divide by 1 */
    APICW(0x320, 0x40)    /* one-shot */
    APICW(0x380, 2000000) /* 2 ms */
    sti
8:  hlt
    cmpl $1, lticks(%rip)
    jb 8b
    APICW(0x320, 0x20040) /* periodic */
    APICW(0x380, 1000000)
9:  hlt
    cmpl $4, lticks(%rip)
    jb 9b
    cli
    APICW(0x380, 0)
    APICW(0x320, 0x10040)
    lea name_lapic(%rip), %rsi
    cmpl $4, lticks(%rip)
    setae %al
    cmp $1, %al
    call report

/* ---- RTC: wait for UIP clear, read the date (BCD) ---- */
10: mov $0x0a, %al
    out %al, $0x70
    in $0x71, %al
    test $0x80, %al
    jnz 10b
    lea msg_rtc(%rip), %rsi
    call puts
    mov $0x32, %bl
    call cmos_bcd
    mov $0x09, %bl
    call cmos_bcd
    mov $'-', %al
    call putc
    mov $0x08, %bl
    call cmos_bcd
    mov $'-', %al
    call putc
    mov $0x07, %bl
    call cmos_bcd
    mov $'\n', %al
    call putc

/* ---- ACPI PM timer advances ---- */
    mov $0x608, %dx
    in %dx, %eax
    mov %eax, %ebx
    mov $1000000, %ecx
11: in %dx, %eax
    cmp %eax, %ebx
    jne 12f
    loop 11b
12: lea name_pmtmr(%rip), %rsi
    cmp %eax, %ebx
    setne %al
    cmp $1, %al
    call report
    call poweroff

/* ZF set -> PASS, else FAIL; rsi = name */
report:
    push %rsi
    jne 1f
    lea msg_pass(%rip), %rsi
    jmp 2f
1:  lea msg_fail(%rip), %rsi
2:  call puts
    pop %rsi
    call puts
    mov $'\n', %al
    call putc
    ret

/* print CMOS register bl (BCD) as two digits */
cmos_bcd:
    mov %bl, %al
    out %al, $0x70
    in $0x71, %al
    mov %al, %ah
    shr $4, %al
    add $'0', %al
    call putc
    mov %ah, %al
    and $15, %al
    add $'0', %al
    call putc
    ret

wait_uart:
    mov $1000000, %ecx
1:  cmpb $0, uart_got(%rip)
    jne 2f
    pause
    loop 1b
2:  ret

uart_isr:
    push %rax
    push %rdx
    mov $0x3f8 + 2, %dx
    in %dx, %al                 /* IIR */
    mov $0x3f8, %dx
    in %dx, %al
    mov %al, uart_got(%rip)
    call lapic_eoi
    pop %rdx
    pop %rax
    iretq

thre_isr:
    push %rax
    push %rdx
    mov $0x3f8 + 2, %dx
    in %dx, %al                 /* IIR read clears THRE */
    and $0x0f, %al
    cmp $0x02, %al
    jne 1f
    incl thre_count(%rip)
1:  mov $0x3f8 + 1, %dx
    xor %al, %al
    out %al, %dx
    call lapic_eoi
    pop %rdx
    pop %rax
    iretq

pit_isr:
    incl ticks(%rip)
    call lapic_eoi
    iretq

lapic_isr:
    incl lticks(%rip)
    call lapic_eoi
    iretq

    .section .rodata
msg_pass: .asciz "PASS "
msg_fail: .asciz "FAIL "
msg_rtc: .asciz "RTC "
name_uart: .asciz "uart-loopback-irq"
name_thre: .asciz "uart-thre-irq"
name_pit: .asciz "pit-channel0-irq"
name_pit2: .asciz "pit-channel2-gate"
name_lapic: .asciz "lapic-timer"
name_pmtmr: .asciz "acpi-pm-timer"
    .data
uart_got: .byte 0
    .balign 4
thre_count: .long 0
ticks: .long 0
lticks: .long 0
#include "rt.S"
