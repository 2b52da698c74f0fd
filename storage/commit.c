/* commit.c - storage_image_commit: merge the upper layers of a chain
 * into one of its backing files (what blockcommit does).
 *
 * The chain is walked in chunks of COMMIT_CHUNK bytes.  A chunk that any
 * layer above the base holds (data, or zero clusters that hide the
 * backing file) is read through the top - so it reads as the guest sees
 * it - and written into the base: zeros as write-zeroes, the rest as
 * data.  Chunks no upper layer holds already read from the base (or
 * below it) and are left alone.  Reading a chunk through the top can
 * reach the base's read-only handle only for parts no upper layer
 * holds, which the commit never writes before reading them, so the
 * separate writable handle never changes what the read-only one reads
 * midway. */
#include "config.h"

#include "storage/file_io.h"
#include "storage/image.h"
#include "i18n.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#define COMMIT_CHUNK (64u << 10)

/* Whether any layer from @top down to (not including) @stop holds a
 * byte of [off, off + len).  1, 0 or -errno. */
static int upper_layers_hold(StorageImage *top, StorageImage *stop, uint64_t off, uint64_t len)
{
    for (StorageImage *l = top; l && l != stop; l = l->backing) {
        if (!l->ops->allocated)
            return 1;
        for (uint64_t pos = 0; pos < len && off + pos < l->size;) {
            uint64_t n = 0;
            int r = l->ops->allocated(l, off + pos, MIN(len - pos, l->size - off - pos), &n);
            if (r != 0)
                return r;
            if (n == 0)
                return -EIO;
            pos += n;
        }
    }
    return 0;
}

gboolean storage_image_commit(StorageImage *top, StorageImage *base, GError **error)
{
    StorageImage *stop = top->backing;
    while (stop && (stop->dev != base->dev || stop->ino != base->ino))
        stop = stop->backing;
    if (!stop || base->readonly) {
        g_set_error(error, STORAGE_ERROR, STORAGE_ERROR_INVALID,
                    _("cannot commit %s into %s: %s"), top->name, base->name,
                    !stop ? _("not one of its backing files") : _("opened read-only"));
        return FALSE;
    }
    if (base->size < top->size && !storage_image_resize(base, top->size, error))
        return FALSE;
    uint8_t *buf = malloc(COMMIT_CHUNK);
    if (!buf) {
        g_set_error(error, STORAGE_ERROR, STORAGE_ERROR_FAILED, "%s", _("out of memory"));
        return FALSE;
    }
    uint32_t za = MAX(storage_image_zero_alignment(base), 1u);
    int r = 0;
    const char *who = top->name;
    for (uint64_t off = 0; off < top->size && r == 0;) {
        size_t n = (size_t)MIN((uint64_t)COMMIT_CHUNK, top->size - off);
        who = top->name;
        r = upper_layers_hold(top, stop, off, n);
        if (r == 1) {
            r = storage_image_pread(top, buf, n, off);
            if (r == 0) {
                who = base->name;
                if (buf_is_zero(buf, n) && off % za == 0 && n % za == 0)
                    r = storage_image_zero(base, off, n, false);
                else
                    r = storage_image_pwrite(base, buf, n, off);
            }
        }
        off += n;
    }
    free(buf);
    if (r == 0) {
        who = base->name;
        r = storage_image_flush(base);
    }
    if (r < 0) {
        g_set_error(error, STORAGE_ERROR, STORAGE_ERROR_FAILED,
                    _("cannot commit %s into %s: %s: %s"), top->name, base->name, who,
                    g_strerror(-r));
        return FALSE;
    }
    return TRUE;
}

StorageImage *storage_image_commit_active(StorageImage *top, const char *base_file,
                                          GError **error)
{
    struct stat st;
    int fd = storage_file_open(base_file, false, &st, error);
    if (fd < 0)
        return NULL;
    StorageImage *layer = top->backing;
    while (layer && (layer->dev != st.st_dev || layer->ino != st.st_ino))
        layer = layer->backing;
    if (!layer) {
        g_set_error(error, STORAGE_ERROR, STORAGE_ERROR_INVALID,
                    _("cannot commit %s into %s: not one of its backing files"), top->name,
                    base_file);
        close(fd);
        return NULL;
    }
    StorageImage *base = layer->format == STORAGE_FORMAT_QCOW2
                             ? storage_qcow2_open(fd, base_file, false, &st, error)
                             : storage_raw_open(fd, base_file, false, &st, error);
    if (!base)
        return NULL;
    base->dev = st.st_dev;
    base->ino = st.st_ino;
    /* the layers below the base, shared with the old chain until the end */
    base->backing = layer->backing;
    if (!storage_image_commit(top, base, error)) {
        base->backing = NULL;
        storage_image_close(base);
        return NULL;
    }
    layer->backing = NULL;
    int r = storage_image_close(top);
    if (r < 0)
        g_warning("closing %s after the commit: %s", top->name, g_strerror(-r));
    return base;
}
