/* input.c - virtio-input tablet (see input.h).
 *
 * Config space (virtio 1.0 5.8.4): the guest writes select/subsel and
 * reads back size + the union: ID_NAME, ID_SERIAL, ID_DEVIDS, PROP_BITS,
 * EV_BITS per event type, ABS_INFO per axis.  Anything else reads size 0.
 * Queue 0 (eventq) gets 8-byte events {le16 type, le16 code, le32 value};
 * queue 1 (statusq, LEDs from the guest) is consumed and ignored. */
#include "config.h"

#include "vmm/virtio/input.h"

#include <glib.h>
#include <string.h>

#define VIRTIO_INPUT_ID 18
#define INPUT_QUEUE_MAX 64
#define INPUT_RING 128

#define CFG_UNSET 0x00
#define CFG_ID_NAME 0x01
#define CFG_ID_SERIAL 0x02
#define CFG_ID_DEVIDS 0x03
#define CFG_PROP_BITS 0x10
#define CFG_EV_BITS 0x11
#define CFG_ABS_INFO 0x12

/* <linux/input-event-codes.h> */
#define EV_SYN 0x00
#define EV_KEY 0x01
#define EV_REL 0x02
#define EV_ABS 0x03
#define SYN_REPORT 0
#define REL_WHEEL 0x08
#define ABS_X 0x00
#define ABS_Y 0x01
#define BTN_LEFT 0x110
#define BTN_RIGHT 0x111
#define BTN_MIDDLE 0x112

typedef struct {
    uint8_t select, subsel, size, reserved[5];
    uint8_t u[128];
} InputConfig;

typedef struct {
    uint16_t type, code;
    uint32_t value;
} InputEvent;

struct VirtioInput {
    VirtioPci *vp;
    InputConfig cfg;
    InputEvent ring[INPUT_RING];
    unsigned head, count;
    unsigned buttons;
    VirtqElem elem;
};

static void bit_set(uint8_t *map, unsigned bit)
{
    map[bit / 8] |= (uint8_t)(1u << (bit % 8));
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* Fill the union for the current select/subsel. */
static void input_config_update(VirtioInput *in)
{
    InputConfig *c = &in->cfg;
    memset(c->u, 0, sizeof(c->u));
    c->size = 0;
    switch (c->select) {
    case CFG_ID_NAME: {
        static const char name[] = "Vessel Virtio Tablet";
        memcpy(c->u, name, sizeof(name) - 1);
        c->size = sizeof(name) - 1;
        break;
    }
    case CFG_ID_SERIAL: {
        static const char serial[] = "vessel-tablet";
        memcpy(c->u, serial, sizeof(serial) - 1);
        c->size = sizeof(serial) - 1;
        break;
    }
    case CFG_ID_DEVIDS: {
        const uint16_t ids[4] = { 0x06 /* BUS_VIRTUAL */, 0x1af4, 0x0001, 0x0001 };
        for (int i = 0; i < 4; i++) {
            c->u[2 * i] = (uint8_t)ids[i];
            c->u[2 * i + 1] = (uint8_t)(ids[i] >> 8);
        }
        c->size = 8;
        break;
    }
    case CFG_EV_BITS:
        if (c->subsel == EV_KEY) {
            bit_set(c->u, BTN_LEFT);
            bit_set(c->u, BTN_RIGHT);
            bit_set(c->u, BTN_MIDDLE);
            c->size = BTN_MIDDLE / 8 + 1;
        } else if (c->subsel == EV_REL) {
            bit_set(c->u, REL_WHEEL);
            c->size = 2;
        } else if (c->subsel == EV_ABS) {
            bit_set(c->u, ABS_X);
            bit_set(c->u, ABS_Y);
            c->size = 1;
        }
        break;
    case CFG_ABS_INFO:
        if (c->subsel == ABS_X || c->subsel == ABS_Y) {
            put32(c->u, 0);              /* min */
            put32(c->u + 4, INPUT_ABS_MAX); /* max */
            c->size = 20;                /* + fuzz, flat, res = 0 */
        }
        break;
    default: /* UNSET, PROP_BITS (none), unknown selectors */
        break;
    }
}

static void input_config_write(void *opaque, uint32_t off, uint32_t val, unsigned size)
{
    VirtioInput *in = opaque;
    for (unsigned i = 0; i < size; i++) {
        uint32_t o = off + i;
        if (o == 0)
            in->cfg.select = (uint8_t)(val >> (8 * i));
        else if (o == 1)
            in->cfg.subsel = (uint8_t)(val >> (8 * i));
        /* the rest is read-only */
    }
    input_config_update(in);
}

/* Hand queued events to the guest's buffers. */
static void input_flush(VirtioInput *in)
{
    bool any = false;
    while (in->count && virtio_pci_queue_active(in->vp, 0)) {
        int r = virtio_pci_pop(in->vp, 0, &in->elem);
        if (r <= 0)
            break;
        const InputEvent *e = &in->ring[in->head];
        uint8_t b[8] = { (uint8_t)e->type, (uint8_t)(e->type >> 8), (uint8_t)e->code,
                         (uint8_t)(e->code >> 8) };
        put32(b + 4, e->value);
        uint32_t n = (uint32_t)virtq_elem_to_guest(&in->elem, 0, b, sizeof(b));
        if (virtio_pci_push(in->vp, 0, &in->elem, n) < 0)
            return;
        in->head = (in->head + 1) % INPUT_RING;
        in->count--;
        any = true;
    }
    if (any)
        virtio_pci_queue_done(in->vp, 0);
}

static void input_notify(void *opaque, VirtioPci *vp, unsigned q)
{
    VirtioInput *in = opaque;
    if (q == 0) {
        input_flush(in);
        return;
    }
    bool any = false; /* statusq: LED and other feedback, not used */
    while (virtio_pci_pop(vp, q, &in->elem) > 0) {
        if (virtio_pci_push(vp, q, &in->elem, 0) < 0)
            return;
        any = true;
    }
    if (any)
        virtio_pci_queue_done(vp, q);
}

static void input_reset(void *opaque)
{
    VirtioInput *in = opaque;
    in->head = in->count = 0;
    in->buttons = 0;
    in->cfg.select = in->cfg.subsel = 0;
    input_config_update(in);
}

static const VirtioDeviceOps input_ops = {
    .name = "virtio-input",
    .device_id = VIRTIO_INPUT_ID,
    .pci_class = 0x098000, /* input device, other */
    .num_queues = 2,
    .queue_max = INPUT_QUEUE_MAX,
    .queue_notify = input_notify,
    .reset = input_reset,
    .config_write = input_config_write,
};

VirtioInput *virtio_input_tablet_create(PciHost *host, const VirtioGuestMem *mem)
{
    VirtioInput *in = g_new0(VirtioInput, 1);
    input_config_update(in);
    in->vp = virtio_pci_create(host, mem, &input_ops, in, 0, &in->cfg, sizeof(in->cfg));
    if (!in->vp) {
        g_free(in);
        return NULL;
    }
    return in;
}

void virtio_input_destroy(VirtioInput *in)
{
    if (!in)
        return;
    virtio_pci_destroy(in->vp);
    g_free(in);
}

VirtioPci *virtio_input_transport(VirtioInput *in)
{
    return in->vp;
}

bool virtio_input_active(const VirtioInput *in)
{
    return in && (virtio_pci_status(in->vp) & VIRTIO_STATUS_DRIVER_OK) &&
           !(virtio_pci_status(in->vp) & VIRTIO_STATUS_NEEDS_RESET);
}

/* Queue a group of events, all or nothing (a report is never cut). */
static void input_queue(VirtioInput *in, const InputEvent *ev, unsigned n)
{
    if (INPUT_RING - in->count < n)
        return;
    for (unsigned i = 0; i < n; i++)
        in->ring[(in->head + in->count++) % INPUT_RING] = ev[i];
}

void virtio_input_pointer(VirtioInput *in, unsigned x, unsigned y, unsigned buttons, int wheel)
{
    static const struct {
        unsigned mask;
        uint16_t code;
    } btn[] = { { 1, BTN_LEFT }, { 2, BTN_MIDDLE }, { 4, BTN_RIGHT } };
    InputEvent ev[8];
    unsigned n = 0;
    ev[n++] = (InputEvent){ EV_ABS, ABS_X, x > INPUT_ABS_MAX ? INPUT_ABS_MAX : x };
    ev[n++] = (InputEvent){ EV_ABS, ABS_Y, y > INPUT_ABS_MAX ? INPUT_ABS_MAX : y };
    for (size_t i = 0; i < G_N_ELEMENTS(btn); i++)
        if ((buttons ^ in->buttons) & btn[i].mask)
            ev[n++] = (InputEvent){ EV_KEY, btn[i].code, !!(buttons & btn[i].mask) };
    if (wheel)
        ev[n++] = (InputEvent){ EV_REL, REL_WHEEL, (uint32_t)wheel };
    ev[n++] = (InputEvent){ EV_SYN, SYN_REPORT, 0 };
    in->buttons = buttons;
    input_queue(in, ev, n);
    input_flush(in);
}
