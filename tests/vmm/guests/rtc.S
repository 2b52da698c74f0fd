/* rtc.S - CMOS RTC interrupts as Linux's rtc-cmos uses them, from inside
 * the guest (IRQ 8 -> IOAPIC pin 8 -> vector 0x38; the handler reads
 * register C, which acknowledges).  Prints "PASS name" or "FAIL name":
 *   rtc-periodic  rate 10 (64 Hz): 16 periods take at least 16 * 15.625 ms
 *                 by the TSC (1 GHz); load can only make them longer.  The
 *                 measured time is printed in hex ns as "rtc-periodic-ns".
 *   rtc-update    B.UIE: an update-ended interrupt (C = IRQF|UF).
 *   rtc-alarm     B.AIE with the alarm at the current second + 2 and
 *                 minutes/hours "don't care" (0xff): AF comes together with
 *                 UF, and the clock then reads the alarm second (or one
 *                 later, should the guest have been delayed).
 *   rtc-quiet     with every enable off no interrupt arrives, yet polling
 *                 register C sees UF once a second boundary passes.
 * Then S5. */
#include "macros.h"
#define RTC_IRQ_VEC 0x38
    .text
    .globl _start
_start:
    lea stack_top(%rip), %rsp
    call idt_init
    call pic_mask_all
    call lapic_enable
    mov $RTC_IRQ_VEC, %edi
    lea rtc_isr(%rip), %rsi
    call set_handler
    mov $8, %edi
    mov $RTC_IRQ_VEC, %esi
    call ioapic_route
    mov $0x0c, %bl
    call cmos_read                /* clear stale flags */
    sti

/* ---- periodic: 64 Hz ---- */
    mov $0x0a, %bl
    mov $0x2a, %al                /* DV=010, rate 10 */
    call cmos_write
    mov $0x0b, %bl
    mov $0x42, %al                /* PIE, 24 h, BCD */
    call cmos_write
1:  hlt
    cmpl $17, pf_count(%rip)
    jb 1b
    mov $0x0b, %bl
    mov $0x02, %al
    call cmos_write
    mov pf_tsc_last(%rip), %r12
    sub pf_tsc_first(%rip), %r12
    lea msg_pf_ns(%rip), %rsi
    call puts
    mov %r12, %rax
    call puthex
    mov $'\n', %al
    call putc
    cmp $16 * 15625000, %r12
    lea name_periodic(%rip), %rsi
    setae %al
    call report

/* ---- update-ended interrupt ---- */
    movl $0, uf_count(%rip)
    mov $0x0b, %bl
    mov $0x12, %al                /* UIE */
    call cmos_write
1:  hlt
    cmpl $1, uf_count(%rip)
    jb 1b
    movzbl c_first_uf(%rip), %eax
    and $0xf0, %al
    cmp $0x90, %al                /* IRQF | UF, no PF without PIE */
    sete %al
    lea name_update(%rip), %rsi
    call report

/* ---- alarm at now + 2 s ---- */
    cli
    mov $0x00, %bl
    call cmos_read                /* seconds, BCD */
    call bcd_to_bin
    add $2, %al
    cmp $60, %al
    jb 2f
    sub $60, %al
2:  call bin_to_bcd
    mov %al, alarm_sec(%rip)
    mov $0x01, %bl
    call cmos_write
    mov $0x03, %bl
    mov $0xff, %al
    call cmos_write
    mov $0x05, %bl
    call cmos_write
    mov $0x0b, %bl
    mov $0x32, %al                /* UIE | AIE */
    call cmos_write
    sti
1:  hlt
    cmpb $0, af_seen(%rip)
    je 1b
    mov $0x0b, %bl
    mov $0x02, %al
    call cmos_write
    movzbl c_at_af(%rip), %eax
    and $0xf0, %al
    cmp $0xb0, %al                /* IRQF | AF | UF */
    jne 3f
    mov sec_at_af(%rip), %al
    cmp alarm_sec(%rip), %al
    je 4f
    call bcd_to_bin
    mov %al, %cl
    mov alarm_sec(%rip), %al
    call bcd_to_bin
    inc %al
    cmp $60, %al
    jb 5f
    xor %al, %al
5:  cmp %al, %cl
    je 4f
3:  xor %al, %al
    jmp 6f
4:  mov $1, %al
6:  lea name_alarm(%rip), %rsi
    call report

/* ---- no enables: no interrupt, but polling C sees UF ---- */
    movl $0, irq_count(%rip)
    mov $0x0c, %bl
    call cmos_read
1:  cli
    mov $0x0c, %bl
    call cmos_read
    sti
    test $0x10, %al
    jz 1b
    cmpl $0, irq_count(%rip)
    sete %al
    lea name_quiet(%rip), %rsi
    call report
    call poweroff

/* report: al = pass?, rsi = name */
report:
    push %rsi
    test %al, %al
    lea msg_pass(%rip), %rsi
    jnz 1f
    lea msg_fail(%rip), %rsi
1:  call puts
    pop %rsi
    call puts
    mov $'\n', %al
    jmp putc

/* cmos_read: bl = index -> al; cmos_write: bl = index, al = value.
 * Interrupts off around index + data: the handler uses the index too. */
cmos_read:
    pushf
    cli
    push %rbx
    xchg %al, %bl
    out %al, $0x70
    in $0x71, %al
    pop %rbx
    popf
    ret
cmos_write:
    pushf
    cli
    push %rax
    mov %bl, %al
    out %al, $0x70
    pop %rax
    out %al, $0x71
    popf
    ret

bcd_to_bin:                       /* al */
    push %rcx
    mov %al, %cl
    shr $4, %al
    mov $10, %ch
    mul %ch
    and $15, %cl
    add %cl, %al
    pop %rcx
    ret
bin_to_bcd:                       /* al < 100 */
    push %rcx
    movzbl %al, %eax
    mov $10, %cl
    div %cl                       /* al = tens, ah = ones */
    shl $4, %al
    or %ah, %al
    movzbl %al, %eax
    pop %rcx
    ret

rtc_isr:
    push %rax
    push %rbx
    push %rdx
    incl irq_count(%rip)
    mov $0x0c, %bl
    call cmos_read
    mov %al, %bl                  /* register C */
    test $0x40, %bl
    jz 1f
    incl pf_count(%rip)
    rdtsc
    shl $32, %rdx
    or %rdx, %rax
    cmpl $1, pf_count(%rip)
    jne 2f
    mov %rax, pf_tsc_first(%rip)
2:  mov %rax, pf_tsc_last(%rip)
1:  test $0x10, %bl
    jz 1f
    cmpl $0, uf_count(%rip)
    jne 2f
    mov %bl, c_first_uf(%rip)
2:  incl uf_count(%rip)
1:  test $0x20, %bl
    jz 1f
    cmpb $0, af_seen(%rip)
    jne 1f
    mov %bl, c_at_af(%rip)
    push %rbx
    mov $0x00, %bl
    call cmos_read
    pop %rbx
    mov %al, sec_at_af(%rip)
    movb $1, af_seen(%rip)
1:  call lapic_eoi
    pop %rdx
    pop %rbx
    pop %rax
    iretq

    .data
pf_count: .long 0
uf_count: .long 0
irq_count: .long 0
pf_tsc_first: .quad 0
pf_tsc_last: .quad 0
c_first_uf: .byte 0
c_at_af: .byte 0
sec_at_af: .byte 0
alarm_sec: .byte 0
af_seen: .byte 0
    .section .rodata
msg_pass: .asciz "PASS "
msg_fail: .asciz "FAIL "
msg_pf_ns: .asciz "rtc-periodic-ns "
name_periodic: .asciz "rtc-periodic"
name_update: .asciz "rtc-update"
name_alarm: .asciz "rtc-alarm"
name_quiet: .asciz "rtc-quiet"
#include "rt.S"
