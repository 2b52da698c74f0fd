/* backlog.c - bounded byte ring, oldest bytes dropped (see backlog.h). */
#include "config.h"

#include "vmm/chardev/backlog.h"

#include <glib.h>
#include <string.h>

void chardev_backlog_init(ChardevBacklog *bl, size_t cap)
{
    *bl = (ChardevBacklog){ .buf = g_malloc(cap), .cap = cap };
}

void chardev_backlog_fini(ChardevBacklog *bl)
{
    g_free(bl->buf);
    *bl = (ChardevBacklog){ 0 };
}

void chardev_backlog_push(ChardevBacklog *bl, const uint8_t *data, size_t len)
{
    if (len >= bl->cap) {
        /* only the newest cap bytes survive */
        bl->dropped += bl->len + (len - bl->cap);
        memcpy(bl->buf, data + (len - bl->cap), bl->cap);
        bl->head = 0;
        bl->len = bl->cap;
        return;
    }
    size_t excess = bl->len + len > bl->cap ? bl->len + len - bl->cap : 0;
    chardev_backlog_consume(bl, excess);
    bl->dropped += excess;
    size_t tail = (bl->head + bl->len) % bl->cap;
    size_t first = MIN(len, bl->cap - tail);
    memcpy(bl->buf + tail, data, first);
    memcpy(bl->buf, data + first, len - first);
    bl->len += len;
}

const uint8_t *chardev_backlog_peek(const ChardevBacklog *bl, size_t *len)
{
    *len = MIN(bl->len, bl->cap - bl->head);
    return bl->len ? bl->buf + bl->head : NULL;
}

void chardev_backlog_consume(ChardevBacklog *bl, size_t len)
{
    g_assert(len <= bl->len);
    bl->len -= len;
    bl->head = bl->len ? (bl->head + len) % bl->cap : 0;
}
