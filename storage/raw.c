/* raw.c - raw image files: the guest's bytes at the same offsets in the
 * file.  preadv/pwritev on the fd (a file that shrank under us gives
 * EIO, not made-up zeros), fdatasync for flush, fallocate for zeroing: PUNCH_HOLE with
 * unmap, ZERO_RANGE without (a hole where the file system has no
 * ZERO_RANGE, or plain zeros on a block device that has neither). */
#include "config.h"

#include "storage/file_io.h"
#include "storage/image.h"
#include "i18n.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <sys/stat.h>
#include <unistd.h>

static int raw_preadv(StorageImage *img, const struct iovec *iov, int iovcnt, uint64_t off,
                      uint64_t len)
{
    (void)len;
    return file_preadv_full(img->fd, iov, iovcnt, off);
}

static int raw_pwritev(StorageImage *img, const struct iovec *iov, int iovcnt, uint64_t off,
                       uint64_t len)
{
    (void)len;
    return file_pwritev_full(img->fd, iov, iovcnt, off);
}

static int raw_flush(StorageImage *img)
{
    return fdatasync(img->fd) < 0 ? -errno : 0;
}

static int raw_zero_write(StorageImage *img, uint64_t off, uint64_t len)
{
    static const uint8_t zeros[65536];
    while (len) {
        size_t n = len < sizeof(zeros) ? (size_t)len : sizeof(zeros);
        int r = file_pwrite_full(img->fd, zeros, n, off);
        if (r < 0)
            return r;
        off += n;
        len -= n;
    }
    return 0;
}

static int raw_zero(StorageImage *img, uint64_t off, uint64_t len, bool unmap)
{
    if (!unmap && fallocate(img->fd, FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE, (off_t)off,
                            (off_t)len) == 0)
        return 0;
    /* a hole reads as zeros too */
    if (fallocate(img->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)off,
                  (off_t)len) == 0)
        return 0;
    if (errno != EOPNOTSUPP)
        return -errno;
    return raw_zero_write(img, off, len);
}

static int raw_close(StorageImage *img)
{
    int r = img->readonly ? 0 : raw_flush(img);
    storage_image_free_common(img);
    g_free(img);
    return r;
}

static gboolean raw_resize(StorageImage *img, uint64_t size, GError **error)
{
    if (size > (uint64_t)INT64_MAX || ftruncate(img->fd, (off_t)size) < 0) {
        int e = size > (uint64_t)INT64_MAX ? EFBIG : errno;
        g_set_error(error, STORAGE_ERROR, STORAGE_ERROR_FAILED,
                    _("cannot resize disk image %s: %s"), img->name, g_strerror(e));
        return FALSE;
    }
    img->size = size;
    return TRUE;
}

static const StorageImageOps raw_ops = {
    .preadv = raw_preadv,
    .pwritev = raw_pwritev,
    .flush = raw_flush,
    .zero = raw_zero,
    .close = raw_close,
    .resize = raw_resize,
};

StorageImage *storage_raw_open(int fd, const char *name, bool readonly, const struct stat *st,
                               GError **error)
{
    (void)error;
    StorageImage *img = g_new0(StorageImage, 1);
    img->ops = &raw_ops;
    img->format = STORAGE_FORMAT_RAW;
    img->name = g_strdup(name);
    img->fd = fd;
    img->readonly = readonly;
    img->size = st->st_size > 0 ? (uint64_t)st->st_size : 0;
    img->zero_align = 4096;
    return img;
}
