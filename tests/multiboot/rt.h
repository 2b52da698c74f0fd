/* rt.h - selectors and constants of the multiboot test kernels' runtime
 * (rt.S), shared by assembly and C. */
#ifndef MB_RT_H
#define MB_RT_H

#define MB_HEADER_FLAGS 0x00000003   /* page-aligned modules, memory information */

#define SEL_CODE32 0x08
#define SEL_DATA32 0x10
#define SEL_CODE16 0x18
#define SEL_DATA16 0x20
#define SEL_CODE64 0x28
#define SEL_TSS 0x30
#define SEL_UCODE32 0x38
#define SEL_UDATA32 0x40
#define SEL_LIMITED 0x48
#define SEL_NOTPRESENT 0x50
#define SEL_READONLY 0x58
#define SEL_SYSTEM 0x60
#define SEL_ULIMITED 0x68
#define SEL_SMALL 0x70
#define GDT_ENTRIES 15

#endif
