/* block_image.c - a disk image as a BlockBackend: the --disk argument
 * parsed into a chain of layers, opened with libvesselstorage (raw and
 * qcow2; storage/ is the only place that knows the formats), and the
 * BlockBackend ops mapped onto the StorageImage calls, which are
 * thread-safe, so the disk's I/O workers may call them concurrently.
 * The serial is derived from the top file's name. */
#include "config.h"

#include "vmm/virtio/block_backend.h"
#include "storage/storage.h"
#include "i18n.h"

#include <errno.h>
#include <stdatomic.h>
#include <string.h>

/* Write-behind: every BLOCK_WRITEBEHIND bytes the guest writes, the host
 * is asked to start writing the image's dirty pages to the disk
 * (storage_image_writeback), so that the guest's next flush finds most
 * of its data already on the way instead of the whole backlog.  That
 * call does the file system's block allocation and bio submission, so
 * it runs after the request that crossed the mark has completed
 * (after_request), not in its way: the guest's I/O and the disk work in
 * parallel.  What a flush makes durable, and in which order, does not
 * change. */
#define BLOCK_WRITEBEHIND (8u << 20)

typedef struct {
    BlockBackend bb;
    StorageImage *img;
    atomic_uint_fast64_t written;   /* bytes, for write-behind */
} BlockImage;

static int block_image_preadv(BlockBackend *bb, struct iovec *iov, int iovcnt, uint64_t off)
{
    return storage_image_preadv(((BlockImage *)bb)->img, iov, iovcnt, off);
}

static int block_image_pwritev(BlockBackend *bb, struct iovec *iov, int iovcnt, uint64_t off)
{
    BlockImage *b = (BlockImage *)bb;
    size_t len = 0;
    for (int i = 0; i < iovcnt; i++)
        len += iov[i].iov_len;
    int r = storage_image_pwritev(b->img, iov, iovcnt, off);
    uint64_t before = atomic_fetch_add(&b->written, len);
    if (r == 0 && before / BLOCK_WRITEBEHIND != (before + len) / BLOCK_WRITEBEHIND)
        atomic_store(&bb->work_due, true);
    return r;
}

static void block_image_after_request(BlockBackend *bb)
{
    /* the result does not matter: a flush reports any write error */
    if (atomic_exchange(&bb->work_due, false))
        (void)storage_image_writeback(((BlockImage *)bb)->img);
}

static int block_image_flush(BlockBackend *bb)
{
    return storage_image_flush(((BlockImage *)bb)->img);
}

static int block_image_zero(BlockBackend *bb, uint64_t off, uint64_t len, bool unmap)
{
    return storage_image_zero(((BlockImage *)bb)->img, off, len, unmap);
}

static gboolean block_image_overlay(BlockBackend *bb, const char *file, GError **error)
{
    BlockImage *b = (BlockImage *)bb;
    int r = storage_image_flush(b->img);
    if (r < 0) {
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(-r),
                    _("disk %s: cannot flush before the snapshot: %s"), bb->serial, g_strerror(-r));
        return FALSE;
    }
    StorageImage *top = storage_image_open(file, STORAGE_FORMAT_QCOW2, STORAGE_OPEN_NO_BACKING,
                                           error);
    if (!top)
        return FALSE;
    if (storage_image_size(top) < bb->size) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                    _("disk %s: the overlay %s is smaller than the disk"), bb->serial, file);
        storage_image_close(top);
        return FALSE;
    }
    if (!storage_image_set_backing(top, b->img, error)) {
        storage_image_close(top);
        return FALSE;
    }
    b->img = top;
    return TRUE;
}

static gboolean block_image_commit(BlockBackend *bb, const char *base, GError **error)
{
    BlockImage *b = (BlockImage *)bb;
    StorageImage *img = storage_image_commit_active(b->img, base, error);
    if (!img)
        return FALSE;
    b->img = img;
    return TRUE;
}

static void block_image_close(BlockBackend *bb)
{
    BlockImage *b = (BlockImage *)bb;
    int r = storage_image_close(b->img);
    if (r < 0)
        g_printerr("vessel-vmm: disk %s: final flush failed: %s\n", bb->serial, g_strerror(-r));
    g_free(b);
}

static const BlockBackendOps block_image_ops = {
    .preadv = block_image_preadv,
    .pwritev = block_image_pwritev,
    .flush = block_image_flush,
    .close = block_image_close,
    .zero = block_image_zero,
    .overlay = block_image_overlay,
    .commit = block_image_commit,
    .after_request = block_image_after_request,
};

static gboolean block_image_bad(const char *spec, const char *why, GError **error)
{
    g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL, _("--disk %s: %s"), spec, why);
    return FALSE;
}

/* "FMT:FILE" -> a layer (@file points into @item). */
static gboolean block_image_layer(const char *spec, const char *item, StorageLayer *l,
                                  GError **error)
{
    const char *colon = strchr(item, ':');
    g_autofree char *fmt = colon ? g_strndup(item, (size_t)(colon - item)) : NULL;
    int f = fmt ? storage_format_from_string(fmt) : -1;
    if (f < 0 || !colon[1])
        return block_image_bad(spec, _("backing= takes FORMAT:FILE, FORMAT raw or qcow2"), error);
    l->format = (StorageFormat)f;
    l->file = colon + 1;
    return TRUE;
}

BlockBackend *block_image_open(const char *spec, GError **error)
{
    g_auto(GStrv) items = g_strsplit(spec, ",", -1);
    if (!items[0] || !items[0][0]) {
        block_image_bad(spec, _("expected FILE[,format=raw|qcow2][,readonly][,backing=FMT:FILE]..."),
                        error);
        return NULL;
    }
    g_autofree StorageLayer *layers = g_new0(StorageLayer, g_strv_length(items));
    guint n = 1;
    int fmt = STORAGE_FORMAT_RAW;
    bool readonly = false, have_format = false;
    layers[0].file = items[0];
    for (char **it = items + 1; *it; it++) {
        if (strcmp(*it, "readonly") == 0 && !readonly) {
            readonly = true;
        } else if (g_str_has_prefix(*it, "format=") && !have_format) {
            fmt = storage_format_from_string(*it + 7);
            have_format = true;
            if (fmt < 0) {
                block_image_bad(spec, _("format must be raw or qcow2"), error);
                return NULL;
            }
        } else if (g_str_has_prefix(*it, "backing=")) {
            if (n > STORAGE_CHAIN_MAX) {
                block_image_bad(spec, _("too many backing= layers"), error);
                return NULL;
            }
            if (!block_image_layer(spec, *it + 8, &layers[n++], error))
                return NULL;
        } else {
            block_image_bad(spec, _("expected FILE[,format=raw|qcow2][,readonly][,backing=FMT:FILE]..."),
                            error);
            return NULL;
        }
    }
    layers[0].format = (StorageFormat)fmt;
    if (fmt == STORAGE_FORMAT_RAW && n > 1) {
        block_image_bad(spec, _("a raw image has no backing files"), error);
        return NULL;
    }
    unsigned flags = readonly ? STORAGE_OPEN_READONLY : 0;
    StorageImage *img = n > 1 ? storage_chain_open(layers, n, flags, error)
                              : storage_image_open(layers[0].file, layers[0].format, flags, error);
    if (!img)
        return NULL;
    BlockImage *b = g_new0(BlockImage, 1);
    b->img = img;
    b->bb.ops = &block_image_ops;
    b->bb.size = storage_image_size(img);
    b->bb.readonly = readonly;
    b->bb.zero_align = storage_image_zero_alignment(img);
    g_autofree char *base = g_path_get_basename(layers[0].file);
    g_strlcpy(b->bb.serial, base, sizeof(b->bb.serial));
    return &b->bb;
}

void block_backend_close(BlockBackend *bb)
{
    if (bb)
        bb->ops->close(bb);
}
