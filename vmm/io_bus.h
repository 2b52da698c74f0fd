/* io_bus.h - one registration call for port I/O and MMIO ranges.
 *
 * A device registers a range with an IoOps pair (TinyEMU style: read and
 * write get the offset inside the range and the access size) and the
 * access sizes it accepts.  The bus enforces the size rules so devices
 * never see an access they did not ask for:
 *   - an accepted size is passed through;
 *   - a wider access than the device takes is split into the widest
 *     accepted smaller accesses, little-endian (like an ISA bus does);
 *   - a narrower access is widened to the smallest accepted size on an
 *     aligned address: reads extract the bytes, writes are dropped;
 *   - an access that crosses the end of a range is done byte by byte.
 * Unclaimed reads return all ones, unclaimed writes are dropped.
 * The bus has no lock of its own: the machine's device lock covers it. */
#ifndef VESSEL_IO_BUS_H
#define VESSEL_IO_BUS_H

#include <stdint.h>

typedef enum {
    IO_SPACE_PIO,
    IO_SPACE_MMIO,
    IO_SPACE_LAST
} IoSpace;

/* Allowed access sizes: OR of the sizes in bytes (1|2|4|8). */
#define IO_SIZES_8BIT 0x1u
#define IO_SIZES_UP_TO_32 0x7u
#define IO_SIZES_ALL 0xfu

typedef struct {
    uint64_t (*read)(void *opaque, uint64_t offset, unsigned size);
    /* Returns 0, or a VcpuExit > 0 asking the machine to stop the guest. */
    int (*write)(void *opaque, uint64_t offset, uint64_t val, unsigned size);
    unsigned sizes;
} IoOps;

typedef struct IoBus IoBus;

IoBus *io_bus_new(void);
void io_bus_free(IoBus *bus);
/* -EEXIST if the range overlaps another, -EINVAL if empty or wrapping. */
int io_bus_register(IoBus *bus, IoSpace space, uint64_t base, uint64_t len,
                    const IoOps *ops, void *opaque);
/* Remove the range starting at @base; -ENOENT if none. */
int io_bus_unregister(IoBus *bus, IoSpace space, uint64_t base);
/* True if some range covers @addr. */
int io_bus_claimed(const IoBus *bus, IoSpace space, uint64_t addr);
/* Dispatch; @size is 1, 2, 4 or 8.  Return 0 or a VcpuExit > 0. */
int io_bus_read(IoBus *bus, IoSpace space, uint64_t addr, unsigned size,
                uint64_t *val);
int io_bus_write(IoBus *bus, IoSpace space, uint64_t addr, unsigned size,
                 uint64_t val);

#endif
