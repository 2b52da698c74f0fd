/* block_raw.c - raw image files as a BlockBackend: preadv/pwritev on the
 * file, fdatasync for flush, fallocate for discard (PUNCH_HOLE) and
 * write-zeroes (ZERO_RANGE, or a hole when the file system has no
 * ZERO_RANGE).  The serial is derived from the file name. */
#include "config.h"

#include "vmm/virtio/block_backend.h"
#include "fdarg.h"
#include "i18n.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
    BlockBackend bb;
    int fd;
} BlockRaw;

/* Move every byte of @iov at @off, resuming after short transfers. */
static int block_raw_rw(BlockRaw *r, struct iovec *iov, int iovcnt, uint64_t off, bool write)
{
    while (iovcnt > 0) {
        if (iov->iov_len == 0) {
            iov++;
            iovcnt--;
            continue;
        }
        ssize_t n = write ? pwritev(r->fd, iov, iovcnt, (off_t)off)
                          : preadv(r->fd, iov, iovcnt, (off_t)off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        if (n == 0)
            return -EIO;            /* the image shrank under us */
        off += (uint64_t)n;
        for (size_t left = (size_t)n; left;) {
            size_t step = MIN(left, iov->iov_len);
            iov->iov_base = (uint8_t *)iov->iov_base + step;
            iov->iov_len -= step;
            left -= step;
            if (iov->iov_len == 0) {
                iov++;
                iovcnt--;
            }
        }
    }
    return 0;
}

static int block_raw_preadv(BlockBackend *bb, struct iovec *iov, int iovcnt, uint64_t off)
{
    return block_raw_rw((BlockRaw *)bb, iov, iovcnt, off, false);
}

static int block_raw_pwritev(BlockBackend *bb, struct iovec *iov, int iovcnt, uint64_t off)
{
    return block_raw_rw((BlockRaw *)bb, iov, iovcnt, off, true);
}

static int block_raw_flush(BlockBackend *bb)
{
    BlockRaw *r = (BlockRaw *)bb;
    return fdatasync(r->fd) < 0 ? -errno : 0;
}

static int block_raw_zero(BlockBackend *bb, uint64_t off, uint64_t len, bool unmap)
{
    BlockRaw *r = (BlockRaw *)bb;
    if (!unmap && fallocate(r->fd, FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE,
                            (off_t)off, (off_t)len) == 0)
        return 0;
    /* a hole reads as zeros too */
    if (fallocate(r->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)off, (off_t)len) < 0)
        return -errno;
    return 0;
}

static void block_raw_close(BlockBackend *bb)
{
    BlockRaw *r = (BlockRaw *)bb;
    close(r->fd);
    g_free(r);
}

static const BlockBackendOps block_raw_ops = {
    .preadv = block_raw_preadv,
    .pwritev = block_raw_pwritev,
    .flush = block_raw_flush,
    .close = block_raw_close,
    .zero = block_raw_zero,
};

BlockBackend *block_raw_open(const char *path, bool readonly, GError **error)
{
    int fd = vessel_fdarg_open(path, readonly ? O_RDONLY : O_RDWR, 0, _("disk image"), error);
    if (fd < 0)
        return NULL;
    struct stat st;
    if (fstat(fd, &st) < 0) {
        int e = errno;
        close(fd);
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e),
                    _("cannot open disk image %s: %s"), path, g_strerror(e));
        return NULL;
    }
    if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
        close(fd);
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                    _("disk image %s is not a regular file or block device"), path);
        return NULL;
    }
    off_t size = S_ISBLK(st.st_mode) ? lseek(fd, 0, SEEK_END) : st.st_size;
    BlockRaw *r = g_new0(BlockRaw, 1);
    r->fd = fd;
    r->bb.ops = &block_raw_ops;
    r->bb.size = size > 0 ? (uint64_t)size : 0;
    r->bb.readonly = readonly;
    g_autofree char *base = vessel_fdarg_basename(path);
    g_strlcpy(r->bb.serial, base, sizeof(r->bb.serial));
    return &r->bb;
}

void block_backend_close(BlockBackend *bb)
{
    if (bb)
        bb->ops->close(bb);
}
