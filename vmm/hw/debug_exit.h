/* debug_exit.h - QEMU's isa-debug-exit (-device isa-debug-exit,iobase=0xf4,
 * iosize=4): a write of any width to the port range asks the VMM to exit
 * with status (value << 1) | 1, so a test kernel's result becomes the
 * process's exit status (0 -> 1, 1 -> 3, ...).  Only in the `test`
 * machine profile (vessel-vmm --machine test). */
#ifndef VESSEL_HW_DEBUG_EXIT_H
#define VESSEL_HW_DEBUG_EXIT_H

#include "vmm/io_bus.h"

#define DEBUG_EXIT_PORT 0xf4
#define DEBUG_EXIT_LEN 4

typedef struct DebugExit DebugExit;

/* A write returns @exit (a VcpuExit) to the vCPU. */
DebugExit *debug_exit_create(int exit);
void debug_exit_destroy(DebugExit *d);
int debug_exit_attach(DebugExit *d, IoBus *bus);
/* The status the guest asked for, (value << 1) | 1, truncated to 8 bits
 * as a process exit status is; -1 if it never wrote. */
int debug_exit_status(const DebugExit *d);
void debug_exit_reset(DebugExit *d);

#endif
