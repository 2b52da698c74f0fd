/* ps2_mouse.c - PS/2 mouse command set and packets (see ps2_mouse.h).
 *
 * Packets: byte 0 = buttons | 0x08 | X sign << 4 | Y sign << 5 (and the
 * overflow bits when a delta exceeds 9 bits), bytes 1-2 the X and Y
 * deltas (Y up positive, as the mouse counts), byte 3 the wheel with ID
 * 3.  Larger motion is clamped to -256..255 per packet; the rest is
 * dropped, as a real mouse would overflow. */
#include "config.h"

#include "vmm/hw/ps2_mouse.h"

#include <string.h>

#define ACK 0xfa

void ps2_mouse_reset(Ps2Mouse *m)
{
    memset(m, 0, sizeof(*m));
    m->resolution = 2;
    m->rate = 100;
}

static int clamp(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static int ps2_mouse_packet(Ps2Mouse *m, uint8_t *out)
{
    int dx = clamp(m->dx, -256, 255), dy = clamp(-m->dy, -256, 255);
    int dz = clamp(m->dz, -8, 7);
    out[0] = (uint8_t)(0x08 | (m->buttons & 7) | (dx < 0) << 4 | (dy < 0) << 5);
    out[1] = (uint8_t)dx;
    out[2] = (uint8_t)dy;
    int n = 3;
    if (m->id == 3)
        out[n++] = (uint8_t)(dz & 0x0f);
    m->dx = m->dy = m->dz = 0;
    return n;
}

int ps2_mouse_write(Ps2Mouse *m, uint8_t b, uint8_t *out)
{
    int n = 0;
    if (m->pending) {
        uint8_t cmd = m->pending;
        m->pending = 0;
        if (cmd == 0xf3) {
            m->rate = b;
            m->rates[0] = m->rates[1];
            m->rates[1] = m->rates[2];
            m->rates[2] = b;
            if (m->rates[0] == 200 && m->rates[1] == 100 && m->rates[2] == 80)
                m->id = 3;
        } else if (cmd == 0xe8) {
            m->resolution = b & 3;
        }
        out[n++] = ACK;
        return n;
    }
    switch (b) {
    case 0xff: /* reset: ACK, self test passed, ID */
        ps2_mouse_reset(m);
        out[n++] = ACK;
        out[n++] = 0xaa;
        out[n++] = 0x00;
        break;
    case 0xf6: { /* defaults (keeps the ID) */
        uint8_t id = m->id;
        ps2_mouse_reset(m);
        m->id = id;
        out[n++] = ACK;
        break;
    }
    case 0xf5:
        m->reporting = false;
        out[n++] = ACK;
        break;
    case 0xf4:
        m->reporting = true;
        out[n++] = ACK;
        break;
    case 0xf3:
    case 0xe8:
        m->pending = b;
        out[n++] = ACK;
        break;
    case 0xf2:
        out[n++] = ACK;
        out[n++] = m->id;
        break;
    case 0xf0:
        m->remote = true;
        out[n++] = ACK;
        break;
    case 0xea:
        m->remote = false;
        out[n++] = ACK;
        break;
    case 0xe6:
        m->scaling21 = false;
        out[n++] = ACK;
        break;
    case 0xe7:
        m->scaling21 = true;
        out[n++] = ACK;
        break;
    case 0xe9: /* status request */
        out[n++] = ACK;
        out[n++] = (uint8_t)(m->remote << 6 | m->reporting << 5 | m->scaling21 << 4 |
                             (m->buttons & 1) << 2 | (m->buttons & 4) >> 1 | (m->buttons & 2) >> 1);
        out[n++] = m->resolution;
        out[n++] = m->rate;
        break;
    case 0xeb: /* read data */
        out[n++] = ACK;
        n += ps2_mouse_packet(m, out + n);
        break;
    default: /* wrap mode, resend, vendor probes: acknowledged, no effect */
        out[n++] = ACK;
        break;
    }
    return n;
}

int ps2_mouse_event(Ps2Mouse *m, int dx, int dy, int dz, unsigned buttons, uint8_t *out)
{
    m->dx = clamp(m->dx + dx, -4096, 4096);
    m->dy = clamp(m->dy + dy, -4096, 4096);
    m->dz = clamp(m->dz + dz, -64, 64);
    m->buttons = buttons & 7;
    if (!m->reporting || m->remote)
        return 0;
    return ps2_mouse_packet(m, out);
}
