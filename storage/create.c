/* create.c - new image files (storage_image_create) and whole-image
 * copies (storage_image_copy), for the daemon's volumes. */
#include "config.h"

#include "storage/file_io.h"
#include "storage/image.h"
#include "i18n.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

gboolean storage_image_create(const char *path, StorageFormat fmt, uint64_t size,
                              const StorageCreateOptions *opts, GError **error)
{
    StorageCreateOptions none = { 0 };
    if (!opts)
        opts = &none;
    if ((unsigned)fmt >= STORAGE_FORMAT_LAST) {
        g_set_error(error, STORAGE_ERROR, STORAGE_ERROR_INVALID,
                    _("cannot create %s: unknown format"), path);
        return FALSE;
    }
    if (fmt == STORAGE_FORMAT_RAW && (opts->backing_file || opts->prealloc == STORAGE_PREALLOC_METADATA)) {
        g_set_error(error, STORAGE_ERROR, STORAGE_ERROR_INVALID,
                    _("cannot create %s: a raw image has no backing file or metadata"), path);
        return FALSE;
    }
    if (fmt == STORAGE_FORMAT_QCOW2 && opts->prealloc == STORAGE_PREALLOC_FALLOC) {
        g_set_error(error, STORAGE_ERROR, STORAGE_ERROR_INVALID,
                    _("cannot create %s: qcow2 supports preallocation off or metadata"), path);
        return FALSE;
    }
    if (opts->backing_file && size == 0) {
        /* the backing file's size, as qemu-img create does */
        g_autofree char *bpath = NULL;
        if (g_path_is_absolute(opts->backing_file)) {
            bpath = g_strdup(opts->backing_file);
        } else {
            g_autofree char *dir = g_path_get_dirname(path);
            bpath = g_build_filename(dir, opts->backing_file, NULL);
        }
        StorageInfo info = { 0 };
        if (!storage_info_read(bpath, (int)opts->backing_format, &info, error)) {
            g_prefix_error(error, _("cannot create %s: "), path);
            return FALSE;
        }
        size = info.capacity;
        storage_info_clear(&info);
    }
    if (size > (uint64_t)INT64_MAX - 511) {
        g_set_error(error, STORAGE_ERROR, STORAGE_ERROR_INVALID,
                    _("cannot create %s: size too large"), path);
        return FALSE;
    }
    size = (size + 511) & ~(uint64_t)511;
    int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        g_set_error(error, STORAGE_ERROR, STORAGE_ERROR_FAILED, _("cannot create %s: %s"), path,
                    g_strerror(errno));
        return FALSE;
    }
    gboolean ok = TRUE;
    if (fmt == STORAGE_FORMAT_QCOW2) {
        ok = storage_qcow2_create(fd, path, size, opts, error);
    } else {
        int r = ftruncate(fd, (off_t)size) < 0 ? -errno : 0;
        if (r == 0 && opts->prealloc == STORAGE_PREALLOC_FALLOC && size &&
            (r = posix_fallocate(fd, 0, (off_t)size)) != 0)
            r = -r;
        if (r == 0 && fsync(fd) < 0)
            r = -errno;
        if (r < 0) {
            g_set_error(error, STORAGE_ERROR, STORAGE_ERROR_FAILED, _("cannot create %s: %s"),
                        path, g_strerror(-r));
            ok = FALSE;
        }
    }
    close(fd);
    if (!ok)
        unlink(path);
    return ok;
}

#define COPY_CHUNK (1u << 20)

gboolean storage_image_copy(StorageImage *src, StorageImage *dst, bool sparse, GError **error)
{
    if (dst->size < src->size) {
        g_set_error(error, STORAGE_ERROR, STORAGE_ERROR_INVALID,
                    _("cannot copy %s into %s: the target is smaller"), src->name, dst->name);
        return FALSE;
    }
    uint8_t *buf = malloc(COPY_CHUNK);
    if (!buf) {
        g_set_error(error, STORAGE_ERROR, STORAGE_ERROR_FAILED, "%s", _("out of memory"));
        return FALSE;
    }
    int r = 0;
    const char *who = src->name;
    for (uint64_t off = 0; off < src->size && r == 0;) {
        size_t n = (size_t)MIN((uint64_t)COPY_CHUNK, src->size - off);
        r = storage_image_pread(src, buf, n, off);
        if (r == 0 && !(sparse && buf_is_zero(buf, n))) {
            who = dst->name;
            r = storage_image_pwrite(dst, buf, n, off);
            if (r == 0)
                who = src->name;
        }
        off += n;
    }
    free(buf);
    if (r == 0) {
        who = dst->name;
        r = storage_image_flush(dst);
    }
    if (r < 0) {
        g_set_error(error, STORAGE_ERROR, STORAGE_ERROR_FAILED, _("cannot copy %s into %s: %s: %s"),
                    src->name, dst->name, who, g_strerror(-r));
        return FALSE;
    }
    return TRUE;
}
