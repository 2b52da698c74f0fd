/* virtqueue.c - split virtqueue walker; the rules it enforces are listed
 * in virtqueue.h.  Ring pointers are looked up once, when the guest enables
 * the queue (guest RAM never moves); descriptors are copied out of guest
 * memory before they are checked, so the guest cannot change a value
 * between the check and its use.  The host is little-endian (x86-64), as
 * virtio 1.0 rings are. */
#include "vmm/virtio/virtqueue.h"

#include <errno.h>
#include <string.h>

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "virtqueue.c assumes a little-endian host"
#endif

typedef struct {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
} VirtqDesc;

_Static_assert(sizeof(VirtqDesc) == 16, "descriptor layout");

/* Ring sizes in bytes for a queue of @n entries (event fields included). */
static uint64_t virtq_desc_bytes(uint16_t n) { return 16ull * n; }
static uint64_t virtq_avail_bytes(uint16_t n) { return 6ull + 2ull * n; }
static uint64_t virtq_used_bytes(uint16_t n) { return 6ull + 8ull * n; }

static uint8_t *virtq_host(const Virtqueue *vq, uint64_t gpa, uint64_t len)
{
    if (!vq->mem || gpa + len < gpa)
        return NULL;
    return vq->mem->ptr(vq->mem->opaque, gpa, len);
}

static int virtq_break(Virtqueue *vq)
{
    vq->broken = true;
    vq->ready = false;
    return -EIO;
}

void virtq_reset(Virtqueue *vq, const VirtioGuestMem *mem, uint16_t max_size)
{
    memset(vq, 0, sizeof(*vq));
    vq->mem = mem;
    vq->size = max_size;
}

int virtq_enable(Virtqueue *vq)
{
    uint16_t n = vq->size;
    if (n == 0 || n > VIRTQ_MAX_SIZE || (n & (n - 1)))
        return virtq_break(vq), -EINVAL;
    if ((vq->desc_gpa & 15) || (vq->avail_gpa & 1) || (vq->used_gpa & 3))
        return virtq_break(vq), -EINVAL;
    if (!virtq_host(vq, vq->desc_gpa, virtq_desc_bytes(n)) ||
        !virtq_host(vq, vq->avail_gpa, virtq_avail_bytes(n)) ||
        !virtq_host(vq, vq->used_gpa, virtq_used_bytes(n)))
        return virtq_break(vq), -EINVAL;
    vq->ready = true;
    vq->broken = false;
    return 0;
}

static uint16_t virtq_load16(const uint8_t *p)
{
    return __atomic_load_n((const uint16_t *)p, __ATOMIC_ACQUIRE);
}

static void virtq_store16(uint8_t *p, uint16_t v)
{
    __atomic_store_n((uint16_t *)p, v, __ATOMIC_RELEASE);
}

/* Ring pointers; valid once enabled (checked by virtq_enable). */
static uint8_t *virtq_avail(const Virtqueue *vq)
{
    return virtq_host(vq, vq->avail_gpa, virtq_avail_bytes(vq->size));
}

static uint8_t *virtq_used(const Virtqueue *vq)
{
    return virtq_host(vq, vq->used_gpa, virtq_used_bytes(vq->size));
}

/* Append one descriptor's buffer to @elem. */
static int virtq_elem_add(Virtqueue *vq, VirtqElem *elem, const VirtqDesc *d)
{
    unsigned n = elem->nout + elem->nin;
    if (n >= VIRTQ_MAX_SEGS)
        return -EIO;
    bool writable = d->flags & VIRTQ_DESC_F_WRITE;
    if (!writable && elem->nin)
        return -EIO;              /* readable after writable */
    uint8_t *host = d->len ? virtq_host(vq, d->addr, d->len) : NULL;
    if (d->len && !host)
        return -EIO;
    uint64_t *total = writable ? &elem->in_len : &elem->out_len;
    *total += d->len;
    if (*total > UINT32_MAX)
        return -EIO;
    elem->seg[n] = (VirtqSeg){ host, d->len, d->addr };
    if (writable)
        elem->nin++;
    else
        elem->nout++;
    return 0;
}

/* Walk the indirect table described by @d (already known INDIRECT). */
static int virtq_walk_indirect(Virtqueue *vq, VirtqElem *elem, const VirtqDesc *d)
{
    if (!vq->indirect || (d->flags & VIRTQ_DESC_F_NEXT) || d->len == 0 || (d->len % 16))
        return -EIO;
    uint32_t count = d->len / 16;
    if (count > VIRTQ_MAX_SEGS)
        return -EIO;
    const uint8_t *table = virtq_host(vq, d->addr, d->len);
    if (!table)
        return -EIO;
    uint32_t i = 0;
    for (uint32_t walked = 0;; walked++) {
        if (walked >= count)
            return -EIO;          /* loop inside the table */
        VirtqDesc in;
        memcpy(&in, table + 16ull * i, sizeof(in));
        if (in.flags & VIRTQ_DESC_F_INDIRECT)
            return -EIO;          /* nesting is forbidden */
        if (virtq_elem_add(vq, elem, &in) < 0)
            return -EIO;
        if (!(in.flags & VIRTQ_DESC_F_NEXT))
            return 0;
        if (in.next >= count)
            return -EIO;
        i = in.next;
    }
}

int virtq_pop(Virtqueue *vq, VirtqElem *elem)
{
    if (vq->broken)
        return -EIO;
    if (!vq->ready)
        return 0;
    uint8_t *avail = virtq_avail(vq);
    uint8_t *desc = virtq_host(vq, vq->desc_gpa, virtq_desc_bytes(vq->size));
    if (!avail || !desc)
        return virtq_break(vq);
    uint16_t avail_idx = virtq_load16(avail + 2);
    uint16_t pending = (uint16_t)(avail_idx - vq->last_avail);
    if (pending == 0)
        return 0;
    if (pending > vq->size || vq->inflight >= vq->size)
        return virtq_break(vq);
    uint16_t head;
    memcpy(&head, avail + 4 + 2u * (vq->last_avail % vq->size), 2);
    if (head >= vq->size)
        return virtq_break(vq);

    elem->head = head;
    elem->nout = elem->nin = 0;
    elem->out_len = elem->in_len = 0;
    uint16_t i = head;
    for (unsigned walked = 0;; walked++) {
        if (walked >= vq->size)
            return virtq_break(vq);   /* loop in the descriptor table */
        VirtqDesc d;
        memcpy(&d, desc + 16u * i, sizeof(d));
        if (d.flags & VIRTQ_DESC_F_INDIRECT) {
            if (virtq_walk_indirect(vq, elem, &d) < 0)
                return virtq_break(vq);
            break;
        }
        if (virtq_elem_add(vq, elem, &d) < 0)
            return virtq_break(vq);
        if (!(d.flags & VIRTQ_DESC_F_NEXT))
            break;
        if (d.next >= vq->size)
            return virtq_break(vq);
        i = d.next;
    }
    vq->last_avail++;
    vq->inflight++;
    if (vq->event_idx) {
        /* avail_event: kick us when the guest goes past what we took. */
        uint8_t *used = virtq_used(vq);
        virtq_store16(used + 4 + 8u * vq->size, vq->last_avail);
    }
    return 1;
}

int virtq_push(Virtqueue *vq, const VirtqElem *elem, uint32_t written)
{
    if (vq->broken || !vq->ready)
        return -EIO;
    if (vq->inflight == 0 || elem->head >= vq->size)
        return virtq_break(vq);
    if (written > elem->in_len)
        written = (uint32_t)elem->in_len;
    if (vq->mem->written)
        for (unsigned i = elem->nout; i < elem->nout + elem->nin; i++)
            if (elem->seg[i].len)
                vq->mem->written(vq->mem->opaque, elem->seg[i].gpa, elem->seg[i].len);
    uint8_t *used = virtq_used(vq);
    uint32_t ent[2] = { elem->head, written };
    memcpy(used + 4 + 8u * (vq->used_idx % vq->size), ent, sizeof(ent));
    vq->used_idx++;
    vq->inflight--;
    virtq_store16(used + 2, vq->used_idx);
    return 0;
}

bool virtq_pending(Virtqueue *vq)
{
    if (!vq->ready || vq->broken)
        return false;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    const uint8_t *avail = virtq_avail(vq);
    return avail && virtq_load16(avail + 2) != vq->last_avail;
}

bool virtq_should_notify(Virtqueue *vq)
{
    if (!vq->ready)
        return false;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    uint8_t *avail = virtq_avail(vq);
    if (!vq->event_idx)
        return !(virtq_load16(avail) & VIRTQ_AVAIL_F_NO_INTERRUPT);
    uint16_t old = vq->signalled_used, now = vq->used_idx;
    bool valid = vq->signalled_valid;
    vq->signalled_used = now;
    vq->signalled_valid = true;
    if (!valid)
        return true;
    uint16_t event = virtq_load16(avail + 4 + 2u * vq->size);
    /* Interrupt if used_event lies in (old, now]: see 2.6.7.2. */
    return (uint16_t)(now - event - 1) < (uint16_t)(now - old);
}

void virtq_set_notification(Virtqueue *vq, bool enable)
{
    if (!vq->ready)
        return;
    uint8_t *used = virtq_used(vq);
    if (vq->event_idx)
        virtq_store16(used + 4 + 8u * vq->size, vq->last_avail);
    else
        virtq_store16(used, enable ? 0 : VIRTQ_USED_F_NO_NOTIFY);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

static size_t virtq_elem_copy(const VirtqSeg *seg, unsigned nseg, size_t offset,
                              uint8_t *buf, size_t len, bool to_guest)
{
    size_t done = 0;
    for (unsigned s = 0; s < nseg && done < len; s++) {
        if (offset >= seg[s].len) {
            offset -= seg[s].len;
            continue;
        }
        size_t n = seg[s].len - offset;
        if (n > len - done)
            n = len - done;
        if (to_guest)
            memcpy(seg[s].host + offset, buf + done, n);
        else
            memcpy(buf + done, seg[s].host + offset, n);
        done += n;
        offset = 0;
    }
    return done;
}

size_t virtq_elem_to_guest(const VirtqElem *elem, size_t offset, const void *src, size_t len)
{
    return virtq_elem_copy(elem->seg + elem->nout, elem->nin, offset, (uint8_t *)src, len, true);
}

size_t virtq_elem_from_guest(const VirtqElem *elem, size_t offset, void *dst, size_t len)
{
    return virtq_elem_copy(elem->seg, elem->nout, offset, dst, len, false);
}
