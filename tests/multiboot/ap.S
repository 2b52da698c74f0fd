/* ap.S - the application processors' start (mbapic.c): SIPI vector 0x70
 * starts them in real mode at 0x7000:0 on a copy of ap_blob.  Each one
 * counts itself and sets its initial APIC ID's bit (CPUID leaf 1) in the
 * blob's data, enters 32-bit protected mode with the kernel's GDT,
 * counts itself again there, and halts with interrupts off (an INIT
 * restarts it). */
#include "rt.h"

#define AP_COUNT 0x100
#define AP_MASK 0x104
#define AP_GDTR 0x108

    .text
    .code16
    .globl ap_blob, ap_blob_end
ap_blob:
    cli
    mov %cs, %ax
    mov %ax, %ds
    lock incl AP_COUNT
    mov $1, %eax
    cpuid
    shr $24, %ebx
    lock btsl %ebx, AP_MASK
    lgdtl AP_GDTR
    mov %cr0, %eax
    or $1, %eax
    mov %eax, %cr0
    .byte 0x66, 0xea            /* ljmpl $SEL_CODE32, $ap_pm32 */
    .long ap_pm32
    .word SEL_CODE32
    .org ap_blob + 0x200
ap_blob_end:

    .code32
ap_pm32:
    mov $SEL_DATA32, %ax
    mov %ax, %ds
    mov %ax, %ss
    lock incl ap_pm_count
1:  cli
    hlt
    jmp 1b

    .data
    .globl ap_pm_count
ap_pm_count: .long 0
    .section .note.GNU-stack, "", @progbits
