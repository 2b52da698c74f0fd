/* virtqueue.h - the split virtqueue (virtio 1.0, 2.6) seen from the device.
 *
 * The guest owns every byte of the rings, so every value read from them is
 * hostile until checked: queue size (power of two, <= VIRTQ_MAX_SIZE), ring
 * addresses (aligned, inside guest RAM), avail idx (never more than the
 * queue size ahead), descriptor indexes, chain length and loops, indirect
 * tables (length a multiple of 16, no nesting, no NEXT with INDIRECT),
 * readable-after-writable ordering, buffer address + length (no wrap,
 * inside guest RAM), total lengths (fit the 32-bit used length) and the
 * number of buffers in flight.  Any violation marks the queue broken: it
 * stops processing and the transport sets DEVICE_NEEDS_RESET.  Nothing here
 * aborts, loops without bound or writes outside what guest_mem returns.
 *
 * Guest memory is reached only through VirtioGuestMem, so tests drive the
 * walker over a plain buffer and the VMM over machine_ram_ptr(). */
#ifndef VESSEL_VIRTIO_VIRTQUEUE_H
#define VESSEL_VIRTIO_VIRTQUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VIRTQ_MAX_SIZE 1024u
/* Longest chain (direct + indirect descriptors) one element may have. */
#define VIRTQ_MAX_SEGS 1024u

#define VIRTQ_DESC_F_NEXT 1u
#define VIRTQ_DESC_F_WRITE 2u
#define VIRTQ_DESC_F_INDIRECT 4u
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1u
#define VIRTQ_USED_F_NO_NOTIFY 1u

/* Host view of guest RAM: a pointer for [gpa, gpa + len) if that whole
 * range is RAM, else NULL.  @written (may be NULL) is told of the guest
 * buffers a pushed element may have had written into (before the used
 * ring shows it), so a software CPU can drop code it decoded there. */
typedef struct {
    void *(*ptr)(void *opaque, uint64_t gpa, uint64_t len);
    void (*written)(void *opaque, uint64_t gpa, uint64_t len);
    void *opaque;
} VirtioGuestMem;

typedef struct {
    uint8_t *host;
    uint32_t len;
    uint64_t gpa;
} VirtqSeg;

/* One popped buffer: @nout device-readable segments, then @nin writable. */
typedef struct {
    uint16_t head;
    unsigned nout, nin;
    uint64_t out_len, in_len;
    VirtqSeg seg[VIRTQ_MAX_SEGS];
} VirtqElem;

typedef struct {
    const VirtioGuestMem *mem;
    uint16_t size;
    bool ready;
    bool broken;
    bool event_idx;             /* VIRTIO_F_EVENT_IDX negotiated */
    bool indirect;              /* VIRTIO_F_INDIRECT_DESC negotiated */
    uint64_t desc_gpa, avail_gpa, used_gpa;
    uint16_t last_avail;        /* next avail ring slot to consume */
    uint16_t used_idx;          /* our copy of used->idx */
    uint16_t signalled_used;    /* used idx at the last interrupt */
    bool signalled_valid;
    uint16_t inflight;          /* popped, not yet pushed */
} Virtqueue;

/* Back to the power-on state (size @max_size, not ready, not broken). */
void virtq_reset(Virtqueue *vq, const VirtioGuestMem *mem, uint16_t max_size);
/* Check size and ring placement, then mark ready: 0, or -EINVAL (and the
 * queue is broken). */
int virtq_enable(Virtqueue *vq);
/* Take the next available buffer: 1 and @elem filled, 0 if none, -EIO if
 * the queue is (now) broken. */
int virtq_pop(Virtqueue *vq, VirtqElem *elem);
/* Return @elem to the guest with @written bytes written: 0 or -EIO. */
int virtq_push(Virtqueue *vq, const VirtqElem *elem, uint32_t written);
/* After a pop: has the guest made more buffers available than were
 * taken?  A full fence first, so that with the avail_event the pop
 * stored, either this sees a buffer the guest adds or the guest sees
 * that it must kick for it. */
bool virtq_pending(Virtqueue *vq);
/* After pushes: does the guest want an interrupt now (flags / event idx)? */
bool virtq_should_notify(Virtqueue *vq);
/* Ask the guest to (not) kick us: used flags or avail_event. */
void virtq_set_notification(Virtqueue *vq, bool enable);

/* Copy between a host buffer and the element's writable (to) or readable
 * (from) segments, starting @offset bytes in; returns bytes copied. */
size_t virtq_elem_to_guest(const VirtqElem *elem, size_t offset, const void *src, size_t len);
size_t virtq_elem_from_guest(const VirtqElem *elem, size_t offset, void *dst, size_t len);

#endif
