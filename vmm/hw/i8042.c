/* i8042.c - PS/2 controller and keyboard.
 *
 * Models the controller side (command byte, self tests, port enable and
 * disable, output port with the reset line, writes "as if from" a device)
 * and a keyboard that answers the commands a driver probes with (reset,
 * identify, set LEDs/rate/scancode set, enable/disable) and types what
 * i8042_key() is given: set 2 scan codes, which the controller
 * translates to set 1 while the command byte's XLATE bit is set (what
 * Linux's atkbd expects), or set 1 if the guest selected it.  The aux
 * port has a mouse (ps2_mouse.c) once i8042_set_mouse() plugged it in;
 * otherwise writes to it get no answer, as with nothing plugged in.
 * Output bytes queue in a FIFO; each byte raises IRQ 1 (IRQ 12 for aux
 * bytes) when the command byte enables it, as a fresh edge per byte.
 * Pulsing the reset line (command 0xFE, or output port bit 0 cleared via
 * 0xD1) makes the write return the machine's reset exit. */
#include "config.h"

#include "vmm/hw/i8042.h"

#include "keycodes.h"
#include "vmm/hw/ps2_mouse.h"

#include <stdbool.h>
#include <stdlib.h>

#define STS_OBF 0x01
#define STS_IBF 0x02
#define STS_SYS 0x04
#define STS_CMD 0x08
#define STS_UNLOCKED 0x10
#define STS_AUX_OBF 0x20

#define CB_KBD_INT 0x01
#define CB_AUX_INT 0x02
#define CB_SYS 0x04
#define CB_KBD_DISABLE 0x10
#define CB_AUX_DISABLE 0x20
#define CB_XLATE 0x40

#define I8042_QUEUE 256

typedef struct {
    uint8_t byte;
    bool aux;
} KbdOut;

struct I8042 {
    IrqLine kbd_irq, aux_irq;
    int reset_exit;
    uint8_t cmd_byte, status, outport;
    uint8_t pending_cmd;     /* controller command awaiting a data byte */
    uint8_t kbd_pending;     /* keyboard command awaiting a parameter */
    bool kbd_enabled;
    uint8_t kbd_set;         /* scan code set the keyboard sends: 1 or 2 */
    bool has_mouse;
    Ps2Mouse mouse;
    KbdOut q[I8042_QUEUE];
    unsigned head, count;
    int kbd_level, aux_level;
};

static void i8042_update_irq(I8042 *k)
{
    int kbd = 0, aux = 0;
    if (k->count) {
        if (k->q[k->head].aux)
            aux = !!(k->cmd_byte & CB_AUX_INT);
        else
            kbd = !!(k->cmd_byte & CB_KBD_INT);
    }
    if (kbd != k->kbd_level) {
        k->kbd_level = kbd;
        irq_line_set(&k->kbd_irq, kbd);
    }
    if (aux != k->aux_level) {
        k->aux_level = aux;
        irq_line_set(&k->aux_irq, aux);
    }
}

static unsigned i8042_room(const I8042 *k)
{
    return I8042_QUEUE - k->count;
}

static void i8042_push(I8042 *k, uint8_t byte, bool aux)
{
    if (k->count == I8042_QUEUE)
        return;
    k->q[(k->head + k->count) % I8042_QUEUE] = (KbdOut){ byte, aux };
    k->count++;
}

void i8042_reset(I8042 *k)
{
    k->cmd_byte = CB_KBD_INT | CB_SYS | CB_XLATE;
    k->status = STS_SYS | STS_UNLOCKED;
    k->outport = 0x01 | 0x02; /* reset line high, A20 enabled */
    k->pending_cmd = 0;
    k->kbd_pending = 0;
    k->kbd_enabled = true;
    k->kbd_set = 2;
    ps2_mouse_reset(&k->mouse);
    k->head = k->count = 0;
    i8042_update_irq(k);
}

void i8042_set_mouse(I8042 *k, bool present)
{
    k->has_mouse = present;
}

I8042 *i8042_create(const IrqLine *kbd_irq, const IrqLine *aux_irq, int reset_exit)
{
    I8042 *k = calloc(1, sizeof(*k));
    if (!k)
        return NULL;
    if (kbd_irq)
        k->kbd_irq = *kbd_irq;
    if (aux_irq)
        k->aux_irq = *aux_irq;
    k->reset_exit = reset_exit;
    i8042_reset(k);
    return k;
}

void i8042_destroy(I8042 *k)
{
    free(k);
}

static uint8_t i8042_status(const I8042 *k)
{
    uint8_t s = k->status & (STS_SYS | STS_CMD | STS_UNLOCKED);
    if (k->count) {
        s |= STS_OBF;
        if (k->q[k->head].aux)
            s |= STS_AUX_OBF;
    }
    return s;
}

uint64_t i8042_read(void *opaque, uint64_t offset, unsigned size)
{
    (void)size;
    I8042 *k = opaque;
    if (offset == 4)
        return i8042_status(k);
    if (offset != 0)
        return 0xff;
    if (!k->count)
        return 0x00; /* reading an empty buffer returns the last byte on hw; 0 is fine */
    uint8_t b = k->q[k->head].byte;
    k->head = (k->head + 1) % I8042_QUEUE;
    k->count--;
    /* The next byte is a new interrupt (ISA IRQs are edge-triggered). */
    if (k->kbd_level) {
        k->kbd_level = 0;
        irq_line_set(&k->kbd_irq, 0);
    }
    if (k->aux_level) {
        k->aux_level = 0;
        irq_line_set(&k->aux_irq, 0);
    }
    i8042_update_irq(k);
    return b;
}

/* A byte for the keyboard itself. */
static void i8042_kbd_write(I8042 *k, uint8_t b)
{
    if (k->kbd_pending) {
        /* parameter of 0xED (LEDs), 0xF3 (rate), 0xF0 (scancode set) */
        uint8_t cmd = k->kbd_pending;
        k->kbd_pending = 0;
        i8042_push(k, 0xfa, false);
        if (cmd == 0xf0 && b == 0)
            i8042_push(k, k->kbd_set, false); /* the current set */
        else if (cmd == 0xf0 && (b == 1 || b == 2))
            k->kbd_set = b;               /* set 3 is not offered: stays */
        return;
    }
    switch (b) {
    case 0xed:
    case 0xf3:
    case 0xf0:
        k->kbd_pending = b;
        i8042_push(k, 0xfa, false);
        break;
    case 0xee: /* echo */
        i8042_push(k, 0xee, false);
        break;
    case 0xf2: /* identify: MF2 keyboard (0x83 reads 0x41 translated) */
        i8042_push(k, 0xfa, false);
        i8042_push(k, 0xab, false);
        i8042_push(k, (k->cmd_byte & CB_XLATE) ? 0x41 : 0x83, false);
        break;
    case 0xf4:
        k->kbd_enabled = true;
        i8042_push(k, 0xfa, false);
        break;
    case 0xf5:
        k->kbd_enabled = false;
        i8042_push(k, 0xfa, false);
        break;
    case 0xf6:
        k->kbd_enabled = true;
        i8042_push(k, 0xfa, false);
        break;
    case 0xff: /* reset and self test */
        k->kbd_enabled = true;
        k->kbd_set = 2;
        i8042_push(k, 0xfa, false);
        i8042_push(k, 0xaa, false);
        break;
    default:
        i8042_push(k, 0xfa, false);
        break;
    }
}

static int i8042_write_data(I8042 *k, uint8_t b)
{
    uint8_t cmd = k->pending_cmd;
    k->pending_cmd = 0;
    k->status &= ~STS_CMD;
    switch (cmd) {
    case 0x60: /* write command byte */
        k->cmd_byte = b;
        if (b & CB_SYS)
            k->status |= STS_SYS;
        else
            k->status &= ~STS_SYS;
        break;
    case 0xd1: /* write output port */
        k->outport = b;
        if (!(b & 1))
            return k->reset_exit;
        break;
    case 0xd2: /* as if typed */
        i8042_push(k, b, false);
        break;
    case 0xd3: /* as if from the mouse */
        i8042_push(k, b, true);
        break;
    case 0xd4: /* to the mouse */
        if (k->has_mouse) {
            uint8_t out[PS2_MOUSE_OUT_MAX];
            int n = ps2_mouse_write(&k->mouse, b, out);
            for (int i = 0; i < n; i++)
                i8042_push(k, out[i], true);
        }
        break;
    default:
        i8042_kbd_write(k, b);
        break;
    }
    return 0;
}

static int i8042_write_cmd(I8042 *k, uint8_t b)
{
    k->status |= STS_CMD;
    switch (b) {
    case 0x20:
        i8042_push(k, k->cmd_byte, false);
        break;
    case 0x60:
    case 0xd1:
    case 0xd2:
    case 0xd3:
    case 0xd4:
        k->pending_cmd = b;
        break;
    case 0xa7:
        k->cmd_byte |= CB_AUX_DISABLE;
        break;
    case 0xa8:
        k->cmd_byte &= ~CB_AUX_DISABLE;
        break;
    case 0xa9: /* aux interface test: 0 ok, clock line stuck low = no mouse */
        i8042_push(k, k->has_mouse ? 0x00 : 0x01, false);
        break;
    case 0xaa: /* controller self test */
        i8042_push(k, 0x55, false);
        break;
    case 0xab: /* keyboard interface test */
        i8042_push(k, 0x00, false);
        break;
    case 0xad:
        k->cmd_byte |= CB_KBD_DISABLE;
        break;
    case 0xae:
        k->cmd_byte &= ~CB_KBD_DISABLE;
        break;
    case 0xc0: /* read input port */
        i8042_push(k, 0x80, false);
        break;
    case 0xd0: /* read output port */
        i8042_push(k, k->outport, false);
        break;
    case 0xfe: /* pulse the reset line */
        return k->reset_exit;
    default:
        if (b >= 0xf0 && !(b & 1))
            return k->reset_exit; /* pulse output bits incl. reset */
        break;
    }
    return 0;
}

int i8042_write(void *opaque, uint64_t offset, uint64_t val, unsigned size)
{
    (void)size;
    I8042 *k = opaque;
    int ret = 0;
    if (offset == 0)
        ret = i8042_write_data(k, val);
    else if (offset == 4)
        ret = i8042_write_cmd(k, val);
    i8042_update_irq(k);
    return ret;
}

/* ---- input --------------------------------------------------------- */

bool i8042_key(I8042 *k, unsigned code, bool down)
{
    const KeyScan *ks = keycode_scan(code);
    if (!ks)
        return false;
    if (!k->kbd_enabled || (k->cmd_byte & CB_KBD_DISABLE))
        return true; /* a disabled keyboard's keys are lost, as on hardware */
    /* With XLATE the controller turns the keyboard's set 2 into set 1:
     * the guest sees exactly the set 1 bytes of the key. */
    int set = (k->kbd_set == 1 || (k->cmd_byte & CB_XLATE)) ? 1 : 2;
    uint8_t out[8];
    int n = keycode_ps2_bytes(ks, set, down, out);
    if ((unsigned)n > i8042_room(k))
        return true; /* overrun: the whole key is dropped, never half of it */
    for (int i = 0; i < n; i++)
        i8042_push(k, out[i], false);
    i8042_update_irq(k);
    return true;
}

void i8042_mouse(I8042 *k, int dx, int dy, int dz, unsigned buttons)
{
    if (!k->has_mouse || (k->cmd_byte & CB_AUX_DISABLE))
        return;
    uint8_t out[PS2_MOUSE_OUT_MAX];
    int n = ps2_mouse_event(&k->mouse, dx, dy, dz, buttons, out);
    if ((unsigned)n > i8042_room(k))
        return;
    for (int i = 0; i < n; i++)
        i8042_push(k, out[i], true);
    i8042_update_irq(k);
}

static const IoOps i8042_ops = { i8042_read, i8042_write, IO_SIZES_8BIT };

static uint64_t i8042_cmd_read(void *opaque, uint64_t offset, unsigned size)
{
    return i8042_read(opaque, 4 + offset, size);
}

static int i8042_cmd_write(void *opaque, uint64_t offset, uint64_t val, unsigned size)
{
    return i8042_write(opaque, 4 + offset, val, size);
}

static const IoOps i8042_cmd_ops = { i8042_cmd_read, i8042_cmd_write, IO_SIZES_8BIT };

int i8042_attach(I8042 *k, IoBus *bus)
{
    int r = io_bus_register(bus, IO_SPACE_PIO, 0x60, 1, &i8042_ops, k);
    if (!r)
        r = io_bus_register(bus, IO_SPACE_PIO, 0x64, 1, &i8042_cmd_ops, k);
    return r;
}
