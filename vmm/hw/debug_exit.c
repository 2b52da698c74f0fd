/* debug_exit.c - isa-debug-exit at 0xf4 (debug_exit.h).  QEMU calls
 * exit((val << 1) | 1) from the device; here the write records the status
 * and stops the guest, and the VMM exits with it from its main thread,
 * cleaning up as for any other exit.  Reads return all ones (nothing is
 * there to read, as in QEMU). */
#include "config.h"

#include "vmm/hw/debug_exit.h"

#include <stdlib.h>

struct DebugExit {
    int exit;
    int status;
};

static uint64_t debug_exit_read(void *opaque, uint64_t offset, unsigned size)
{
    (void)opaque;
    (void)offset;
    (void)size;
    return ~0ull;
}

static int debug_exit_write(void *opaque, uint64_t offset, uint64_t val, unsigned size)
{
    (void)offset;
    (void)size;
    DebugExit *d = opaque;
    if (d->status < 0)   /* the first write decides */
        d->status = (int)(((val << 1) | 1) & 0xff);
    return d->exit;
}

static const IoOps debug_exit_ops = { debug_exit_read, debug_exit_write, IO_SIZES_UP_TO_32 };

DebugExit *debug_exit_create(int exit)
{
    DebugExit *d = calloc(1, sizeof(*d));
    if (!d)
        return NULL;
    d->exit = exit;
    d->status = -1;
    return d;
}

void debug_exit_destroy(DebugExit *d)
{
    free(d);
}

void debug_exit_reset(DebugExit *d)
{
    d->status = -1;
}

int debug_exit_attach(DebugExit *d, IoBus *bus)
{
    return io_bus_register(bus, IO_SPACE_PIO, DEBUG_EXIT_PORT, DEBUG_EXIT_LEN, &debug_exit_ops, d);
}

int debug_exit_status(const DebugExit *d)
{
    return d->status;
}
