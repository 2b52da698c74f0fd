/* boot_watch.c - notice that the firmware found nothing to boot
 * (boot_watch.h).  The match is a byte at a time with the position in
 * BOOT_WATCH_TEXT: the text has no prefix that repeats inside it, so a
 * mismatch restarts from the beginning (at a line start only). */
#include "config.h"

#include "vmm/boot/boot_watch.h"

#include <stdbool.h>
#include <string.h>

struct BootWatch {
    CharBackend be;          /* first: the UART's view */
    CharBackend *inner;
    Uart16550 *uart;
    void (*on_fail)(void *opaque);
    void *opaque;
    size_t pos;              /* bytes of the text matched so far */
    bool line_start;         /* the next byte begins a line */
    bool done;               /* fired or disarmed */
};

enum { UART_IER_OFFSET = 1 };

static void watch_byte(BootWatch *w, uint8_t c)
{
    static const char text[] = BOOT_WATCH_TEXT;
    if (w->pos > 0 && c == (uint8_t)text[w->pos]) {
        if (++w->pos == sizeof(text) - 1) {
            w->done = true;
            w->on_fail(w->opaque);
        }
    } else if (w->line_start && c == (uint8_t)text[0]) {
        w->pos = 1;
    } else {
        w->pos = 0;
    }
    w->line_start = c == '\n' || c == '\r';
}

static void watch_write(CharBackend *be, const uint8_t *buf, size_t len)
{
    BootWatch *w = (BootWatch *)be;
    if (!w->done && w->uart && uart16550_read(w->uart, UART_IER_OFFSET, 1) != 0)
        w->done = true;       /* an OS drives the port now */
    for (size_t i = 0; i < len && !w->done; i++)
        watch_byte(w, buf[i]);
    if (w->inner && w->inner->write)
        w->inner->write(w->inner, buf, len);
}

static void watch_accept_input(CharBackend *be)
{
    BootWatch *w = (BootWatch *)be;
    if (w->inner && w->inner->accept_input)
        w->inner->accept_input(w->inner);
}

BootWatch *boot_watch_new(CharBackend *inner, void (*on_fail)(void *opaque), void *opaque)
{
    BootWatch *w = g_new0(BootWatch, 1);
    w->be = (CharBackend){ watch_write, watch_accept_input };
    w->inner = inner;
    w->on_fail = on_fail;
    w->opaque = opaque;
    w->line_start = true;
    return w;
}

void boot_watch_free(BootWatch *w)
{
    g_free(w);
}

CharBackend *boot_watch_backend(BootWatch *w)
{
    return &w->be;
}

void boot_watch_set_uart(BootWatch *w, Uart16550 *uart)
{
    w->uart = uart;
}

void boot_watch_rearm(BootWatch *w)
{
    if (!w)
        return;
    w->pos = 0;
    w->line_start = true;
    w->done = false;
}
