/* ps2_mouse.h - a PS/2 mouse behind the i8042's aux port: the command
 * set Linux's psmouse probes with (reset, identify, sample rate,
 * resolution, scaling, status, stream/remote mode, enable/disable), the
 * IntelliMouse wheel extension (sample rates 200, 100, 80 switch the ID
 * to 3 and packets to 4 bytes), and movement packets.
 *
 * Pure logic: the controller passes each byte written to the mouse and
 * queues the bytes returned (all at most PS2_MOUSE_OUT_MAX). */
#ifndef VESSEL_HW_PS2_MOUSE_H
#define VESSEL_HW_PS2_MOUSE_H

#include <stdbool.h>
#include <stdint.h>

#define PS2_MOUSE_OUT_MAX 8

#define PS2_BUTTON_LEFT 0x01
#define PS2_BUTTON_RIGHT 0x02
#define PS2_BUTTON_MIDDLE 0x04

typedef struct {
    uint8_t pending;       /* command waiting for its parameter byte */
    bool reporting;        /* stream mode data reporting enabled */
    bool remote;
    bool scaling21;
    uint8_t resolution, rate;
    uint8_t id;            /* 0, or 3 after the IntelliMouse knock */
    uint8_t rates[3];      /* the last three sample rates set */
    uint8_t buttons;
    int dx, dy, dz;        /* motion not yet sent (remote mode) */
} Ps2Mouse;

void ps2_mouse_reset(Ps2Mouse *m);
/* A byte from the host; the answer bytes go to @out. */
int ps2_mouse_write(Ps2Mouse *m, uint8_t b, uint8_t *out);
/* Motion (@dy positive = down, as screens count), wheel (@dz positive =
 * down) and the buttons now held.  Returns the packet bytes to send (0
 * while reporting is off or in remote mode). */
int ps2_mouse_event(Ps2Mouse *m, int dx, int dy, int dz, unsigned buttons, uint8_t *out);

#endif
