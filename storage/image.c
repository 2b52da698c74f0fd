/* image.c - the format-independent part of a StorageImage: opening a
 * file ("fd:N" or a path), dispatch to the format's ops, argument checks
 * on every I/O call, and closing a whole chain. */
#include "config.h"

#include "storage/file_io.h"
#include "storage/image.h"
#include "i18n.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

G_DEFINE_QUARK(vessel-storage-error-quark, storage_error)

static const char *const format_names[] = { "raw", "qcow2" };
G_STATIC_ASSERT(G_N_ELEMENTS(format_names) == STORAGE_FORMAT_LAST);

const char *storage_format_to_string(StorageFormat fmt)
{
    return (unsigned)fmt < STORAGE_FORMAT_LAST ? format_names[fmt] : NULL;
}

int storage_format_from_string(const char *s)
{
    for (int i = 0; s && i < STORAGE_FORMAT_LAST; i++)
        if (strcmp(s, format_names[i]) == 0)
            return i;
    return -1;
}

/* "fd:N" -> N, else -1. */
static int storage_file_fd_number(const char *file)
{
    guint64 n;
    if (!g_str_has_prefix(file, "fd:") ||
        !g_ascii_string_to_unsigned(file + 3, 10, 0, G_MAXINT, &n, NULL))
        return -1;
    return (int)n;
}

int storage_file_open(const char *file, bool readonly, struct stat *st, GError **error)
{
    int fd;
    if (g_str_has_prefix(file, "fd:")) {
        fd = storage_file_fd_number(file);
        int fl = fd >= 0 ? fcntl(fd, F_GETFL) : -1;
        if (fl < 0) {
            g_set_error(error, STORAGE_ERROR, STORAGE_ERROR_INVALID,
                        _("disk image %s: not an open file descriptor"), file);
            return -1;
        }
        if (!readonly && (fl & O_ACCMODE) != O_RDWR) {
            g_set_error(error, STORAGE_ERROR, STORAGE_ERROR_INVALID,
                        _("disk image %s: the descriptor is not open for reading and writing"),
                        file);
            return -1;
        }
        if ((fl & O_ACCMODE) == O_WRONLY) {
            g_set_error(error, STORAGE_ERROR, STORAGE_ERROR_INVALID,
                        _("disk image %s: the descriptor is not open for reading"), file);
            return -1;
        }
        fcntl(fd, F_SETFD, FD_CLOEXEC);
    } else {
        fd = open(file, (readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC | O_NOCTTY);
        if (fd < 0) {
            int e = errno;
            g_set_error(error, STORAGE_ERROR, STORAGE_ERROR_FAILED,
                        _("cannot open disk image %s: %s"), file, g_strerror(e));
            return -1;
        }
    }
    if (fstat(fd, st) < 0 || (!S_ISREG(st->st_mode) && !S_ISBLK(st->st_mode))) {
        g_set_error(error, STORAGE_ERROR, STORAGE_ERROR_INVALID,
                    _("disk image %s is not a regular file or block device"), file);
        close(fd);
        return -1;
    }
    if (S_ISBLK(st->st_mode)) {
        off_t end = lseek(fd, 0, SEEK_END);
        st->st_size = end > 0 ? end : 0;
    }
    return fd;
}

void storage_image_free_common(StorageImage *img)
{
    if (img->fd >= 0)
        close(img->fd);
    g_free(img->name);
}

/* Open one file of format @fmt without its backing chain. */
static StorageImage *storage_image_open_one(const char *file, StorageFormat fmt, bool readonly,
                                            GError **error)
{
    struct stat st;
    if ((unsigned)fmt >= STORAGE_FORMAT_LAST) {
        g_set_error(error, STORAGE_ERROR, STORAGE_ERROR_INVALID,
                    _("disk image %s: unknown format"), file);
        return NULL;
    }
    int fd = storage_file_open(file, readonly, &st, error);
    if (fd < 0)
        return NULL;
    StorageImage *img = fmt == STORAGE_FORMAT_QCOW2
                            ? storage_qcow2_open(fd, file, readonly, &st, error)
                            : storage_raw_open(fd, file, readonly, &st, error);
    if (img) {
        img->dev = st.st_dev;
        img->ino = st.st_ino;
    }
    return img;
}

static bool storage_chain_has(StorageImage *top, const StorageImage *img)
{
    for (StorageImage *i = top; i; i = i->backing)
        if (i != img && i->dev == img->dev && i->ino == img->ino)
            return true;
    return false;
}

/* A recorded backing name, relative to the directory of @parent_name. */
static char *storage_backing_path(const char *parent_name, const char *backing)
{
    if (g_path_is_absolute(backing))
        return g_strdup(backing);
    g_autofree char *dir = g_path_get_dirname(parent_name);
    return g_build_filename(dir, backing, NULL);
}

gboolean storage_probe_format(const char *path, StorageFormat *fmt, GError **error)
{
    struct stat st;
    int fd = storage_file_open(path, true, &st, error);
    if (fd < 0)
        return FALSE;
    uint8_t magic[4] = { 0 };
    ssize_t n = pread(fd, magic, sizeof(magic), 0);
    close(fd);
    *fmt = n == 4 && memcmp(magic, "QFI\xfb", 4) == 0 ? STORAGE_FORMAT_QCOW2 : STORAGE_FORMAT_RAW;
    return TRUE;
}

/* Follow the names recorded in @top's chain (read-only layers). */
static gboolean storage_chain_follow(StorageImage *top, GError **error)
{
    StorageImage *cur = top;
    for (guint depth = 0;; depth++) {
        const char *name = storage_qcow2_backing_name(cur);
        if (!name)
            return TRUE;
        if (depth >= STORAGE_CHAIN_MAX) {
            g_set_error(error, STORAGE_ERROR, STORAGE_ERROR_CHAIN,
                        _("disk image %s: backing chain deeper than %d images"), top->name,
                        STORAGE_CHAIN_MAX);
            return FALSE;
        }
        if (g_str_has_prefix(cur->name, "fd:")) {
            g_set_error(error, STORAGE_ERROR, STORAGE_ERROR_CHAIN,
                        _("disk image %s has a backing file (%s): pass the chain explicitly"),
                        cur->name, name);
            return FALSE;
        }
        g_autofree char *path = storage_backing_path(cur->name, name);
        int fmt = storage_qcow2_backing_format(cur);
        if (fmt == -2) {
            g_set_error(error, STORAGE_ERROR, STORAGE_ERROR_UNSUPPORTED,
                        _("disk image %s: backing format %s is not supported"), cur->name,
                        storage_qcow2_backing_format_name(cur));
            return FALSE;
        }
        if (fmt < 0) {
            StorageFormat probed;
            if (!storage_probe_format(path, &probed, error)) {
                g_prefix_error(error, _("backing file of %s: "), cur->name);
                return FALSE;
            }
            fmt = (int)probed;
        }
        StorageImage *b = storage_image_open_one(path, (StorageFormat)fmt, true, error);
        if (!b) {
            g_prefix_error(error, _("backing file of %s: "), cur->name);
            return FALSE;
        }
        cur->backing = b;
        if (storage_chain_has(top, b)) {
            g_set_error(error, STORAGE_ERROR, STORAGE_ERROR_CHAIN,
                        _("disk image %s: backing chain loops (%s appears twice)"), top->name,
                        path);
            return FALSE;
        }
        cur = b;
    }
}

StorageImage *storage_image_open(const char *file, StorageFormat fmt, unsigned flags,
                                 GError **error)
{
    StorageImage *img = storage_image_open_one(file, fmt, flags & STORAGE_OPEN_READONLY, error);
    if (!img)
        return NULL;
    if (!(flags & STORAGE_OPEN_NO_BACKING) && !storage_chain_follow(img, error)) {
        storage_image_close(img);
        return NULL;
    }
    return img;
}

StorageImage *storage_chain_open(const StorageLayer *layers, guint n_layers, unsigned flags,
                                 GError **error)
{
    if (n_layers == 0 || n_layers > STORAGE_CHAIN_MAX + 1) {
        g_set_error(error, STORAGE_ERROR, STORAGE_ERROR_CHAIN,
                    _("a backing chain has 1 to %d images"), STORAGE_CHAIN_MAX + 1);
        return NULL;
    }
    StorageImage *top = NULL, *prev = NULL;
    for (guint i = 0; i < n_layers; i++) {
        bool ro = i > 0 || (flags & STORAGE_OPEN_READONLY);
        StorageImage *img = storage_image_open_one(layers[i].file, layers[i].format, ro, error);
        if (!img)
            goto fail;
        if (prev)
            prev->backing = img;
        else
            top = img;
        if (storage_chain_has(top, img)) {
            g_set_error(error, STORAGE_ERROR, STORAGE_ERROR_CHAIN,
                        _("disk image %s: backing chain loops (%s appears twice)"),
                        layers[0].file, layers[i].file);
            goto fail;
        }
        if (prev) {
            int want = storage_qcow2_backing_format(prev);
            if (want != -1 && want != (int)layers[i].format) {
                g_set_error(error, STORAGE_ERROR, STORAGE_ERROR_CHAIN,
                            _("disk image %s records backing format %s, but %s is given as %s"),
                            prev->name, storage_qcow2_backing_format_name(prev),
                            img->name, storage_format_to_string(layers[i].format));
                goto fail;
            }
        }
        const char *bname = storage_qcow2_backing_name(img);
        if (bname && i + 1 == n_layers) {
            g_set_error(error, STORAGE_ERROR, STORAGE_ERROR_CHAIN,
                        _("disk image %s has a backing file (%s) but none is given for it"),
                        img->name, bname);
            goto fail;
        }
        if (!bname && i + 1 < n_layers) {
            g_set_error(error, STORAGE_ERROR, STORAGE_ERROR_CHAIN,
                        _("disk image %s has no backing file, but %s is given as one"),
                        img->name, layers[i + 1].file);
            goto fail;
        }
        prev = img;
    }
    return top;
fail:
    storage_image_close(top);
    return NULL;
}

int storage_image_close(StorageImage *img)
{
    int ret = 0;
    while (img) {
        StorageImage *backing = img->backing;
        int r = img->ops->close(img);
        if (r < 0 && ret == 0)
            ret = r;
        img = backing;
    }
    return ret;
}

static bool storage_range_ok(const StorageImage *img, uint64_t off, uint64_t len)
{
    return off <= img->size && len <= img->size - off;
}

int storage_image_preadv(StorageImage *img, const struct iovec *iov, int iovcnt, uint64_t off)
{
    uint64_t len = iov_size(iov, iovcnt);
    if (!storage_range_ok(img, off, len))
        return -EINVAL;
    return len ? img->ops->preadv(img, iov, iovcnt, off, len) : 0;
}

int storage_image_pwritev(StorageImage *img, const struct iovec *iov, int iovcnt, uint64_t off)
{
    uint64_t len = iov_size(iov, iovcnt);
    if (img->readonly)
        return -EROFS;
    if (!storage_range_ok(img, off, len))
        return -EINVAL;
    return len ? img->ops->pwritev(img, iov, iovcnt, off, len) : 0;
}

int storage_image_pread(StorageImage *img, void *buf, size_t len, uint64_t off)
{
    struct iovec v = { buf, len };
    return storage_image_preadv(img, &v, 1, off);
}

int storage_image_pwrite(StorageImage *img, const void *buf, size_t len, uint64_t off)
{
    struct iovec v = { (void *)buf, len };
    return storage_image_pwritev(img, &v, 1, off);
}

int storage_image_flush(StorageImage *img)
{
    return img->readonly ? 0 : img->ops->flush(img);
}

int storage_image_writeback(StorageImage *img)
{
    if (img->readonly)
        return 0;
    /* the whole file: writeback skips pages that are not dirty cheaply */
    return sync_file_range(img->fd, 0, 0, SYNC_FILE_RANGE_WRITE) < 0 ? -errno : 0;
}

int storage_image_zero(StorageImage *img, uint64_t off, uint64_t len, bool unmap)
{
    if (img->readonly)
        return -EROFS;
    if (!storage_range_ok(img, off, len))
        return -EINVAL;
    return len ? img->ops->zero(img, off, len, unmap) : 0;
}

uint64_t storage_image_size(const StorageImage *img)
{
    return img->size;
}

bool storage_image_readonly(const StorageImage *img)
{
    return img->readonly;
}

StorageFormat storage_image_format(const StorageImage *img)
{
    return img->format;
}

const char *storage_image_name(const StorageImage *img)
{
    return img->name;
}

StorageImage *storage_image_backing(const StorageImage *img)
{
    return img->backing;
}

uint32_t storage_image_zero_alignment(const StorageImage *img)
{
    return img->zero_align;
}

gboolean storage_image_resize(StorageImage *img, uint64_t size, GError **error)
{
    if (img->readonly) {
        g_set_error(error, STORAGE_ERROR, STORAGE_ERROR_INVALID,
                    _("disk image %s is open read-only"), img->name);
        return FALSE;
    }
    return img->ops->resize(img, size, error);
}

gboolean storage_image_check(StorageImage *img, StorageCheckResult *res, GError **error)
{
    memset(res, 0, sizeof(*res));
    if (!img->ops->check)
        return TRUE;
    return img->ops->check(img, res, error);
}

void storage_check_result_clear(StorageCheckResult *res)
{
    g_clear_pointer(&res->first_problem, g_free);
}

gboolean storage_image_set_backing(StorageImage *img, StorageImage *backing, GError **error)
{
    if (img->backing || !storage_qcow2_backing_name(img)) {
        g_set_error(error, STORAGE_ERROR, STORAGE_ERROR_CHAIN,
                    _("disk image %s records no backing file or has one already"), img->name);
        return FALSE;
    }
    for (StorageImage *i = backing; i; i = i->backing) {
        if (i == img || (i->dev == img->dev && i->ino == img->ino)) {
            g_set_error(error, STORAGE_ERROR, STORAGE_ERROR_CHAIN,
                        _("disk image %s: backing chain loops"), img->name);
            return FALSE;
        }
    }
    int want = storage_qcow2_backing_format(img);
    if (want != -1 && want != (int)backing->format) {
        g_set_error(error, STORAGE_ERROR, STORAGE_ERROR_CHAIN,
                    _("disk image %s records backing format %s, not %s"), img->name,
                    storage_qcow2_backing_format_name(img),
                    storage_format_to_string(backing->format));
        return FALSE;
    }
    img->backing = backing;
    return TRUE;
}
