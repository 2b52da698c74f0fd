/* backlog.h - a bounded byte ring for guest output that no reader has
 * taken yet (chardev.c keeps one per unix socket or pty back-end).
 *
 * Appending never fails and never blocks: beyond the capacity the oldest
 * bytes are dropped (and counted), so the ring always holds the newest
 * output.  Not thread-safe by itself; the chardev's lock guards it. */
#ifndef VESSEL_CHARDEV_BACKLOG_H
#define VESSEL_CHARDEV_BACKLOG_H

#include <stddef.h>
#include <stdint.h>

#define CHARDEV_BACKLOG_SIZE (64 * 1024)

typedef struct {
    uint8_t *buf;
    size_t cap;
    size_t head;        /* index of the oldest byte */
    size_t len;
    uint64_t dropped;   /* bytes pushed out by newer ones, ever */
} ChardevBacklog;

void chardev_backlog_init(ChardevBacklog *bl, size_t cap);
void chardev_backlog_fini(ChardevBacklog *bl);
/* Append @len bytes; the oldest bytes go when the ring is full. */
void chardev_backlog_push(ChardevBacklog *bl, const uint8_t *data, size_t len);
/* The oldest contiguous run of bytes (NULL when empty) and its length. */
const uint8_t *chardev_backlog_peek(const ChardevBacklog *bl, size_t *len);
/* Forget the @len oldest bytes (len <= bl->len). */
void chardev_backlog_consume(ChardevBacklog *bl, size_t len);

#endif
