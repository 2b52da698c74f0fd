/* file_io.c - see file_io.h. */
#include "config.h"

#include "storage/file_io.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef IOV_MAX
#define IOV_MAX 1024
#endif

/* Advance @iov over @n bytes (modifies the array); returns the new count. */
static int iov_advance(struct iovec **iovp, int iovcnt, size_t n)
{
    struct iovec *iov = *iovp;
    while (iovcnt > 0 && (n > 0 || iov->iov_len == 0)) {
        size_t step = n < iov->iov_len ? n : iov->iov_len;
        iov->iov_base = (uint8_t *)iov->iov_base + step;
        iov->iov_len -= step;
        n -= step;
        if (iov->iov_len == 0) {
            iov++;
            iovcnt--;
        }
    }
    *iovp = iov;
    return iovcnt;
}

/* One pass over a private copy of @iov; @write selects the direction.
 * Returns bytes moved (< total only at end of file for reads) or -errno. */
static int64_t file_rw(int fd, const struct iovec *src, int iovcnt, uint64_t off, bool write)
{
    struct iovec stackv[64];
    struct iovec *copy = iovcnt <= 64 ? stackv : malloc(sizeof(*copy) * (size_t)iovcnt);
    if (!copy)
        return -ENOMEM;
    memcpy(copy, src, sizeof(*copy) * (size_t)iovcnt);
    struct iovec *iov = copy;
    int64_t done = 0;
    iovcnt = iov_advance(&iov, iovcnt, 0);
    while (iovcnt > 0) {
        int n = iovcnt > IOV_MAX ? IOV_MAX : iovcnt;
        ssize_t r = write ? pwritev(fd, iov, n, (off_t)off) : preadv(fd, iov, n, (off_t)off);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            done = -errno;
            break;
        }
        if (r == 0) {
            if (write)
                done = -EIO;
            break;              /* read: end of file */
        }
        off += (uint64_t)r;
        done += r;
        iovcnt = iov_advance(&iov, iovcnt, (size_t)r);
    }
    if (copy != stackv)
        free(copy);
    return done;
}

int file_preadv_zero(int fd, const struct iovec *iov, int iovcnt, uint64_t off)
{
    int64_t r = file_rw(fd, iov, iovcnt, off, false);
    if (r < 0)
        return (int)r;
    size_t total = iov_size(iov, iovcnt);
    if ((size_t)r < total)
        iov_memset(iov, iovcnt, (size_t)r, 0, total - (size_t)r);
    return 0;
}

int file_preadv_full(int fd, const struct iovec *iov, int iovcnt, uint64_t off)
{
    int64_t r = file_rw(fd, iov, iovcnt, off, false);
    if (r < 0)
        return (int)r;
    return (size_t)r == iov_size(iov, iovcnt) ? 0 : -EIO;
}

int file_pwritev_full(int fd, const struct iovec *iov, int iovcnt, uint64_t off)
{
    int64_t r = file_rw(fd, iov, iovcnt, off, true);
    return r < 0 ? (int)r : 0;
}

int file_pread_zero(int fd, void *buf, size_t len, uint64_t off)
{
    struct iovec v = { buf, len };
    return file_preadv_zero(fd, &v, 1, off);
}

int file_pwrite_full(int fd, const void *buf, size_t len, uint64_t off)
{
    struct iovec v = { (void *)buf, len };
    return file_pwritev_full(fd, &v, 1, off);
}

int file_pread_exact(int fd, void *buf, size_t len, uint64_t off)
{
    struct iovec v = { buf, len };
    int64_t r = file_rw(fd, &v, 1, off, false);
    if (r < 0)
        return (int)r;
    return (size_t)r == len ? 0 : -EIO;
}

size_t iov_size(const struct iovec *iov, int iovcnt)
{
    size_t n = 0;
    for (int i = 0; i < iovcnt; i++)
        n += iov[i].iov_len;
    return n;
}

int iov_slice(const struct iovec *iov, int iovcnt, size_t skip, size_t len,
              struct iovec *out, int out_max)
{
    int n = 0;
    for (int i = 0; i < iovcnt && len > 0; i++) {
        if (skip >= iov[i].iov_len) {
            skip -= iov[i].iov_len;
            continue;
        }
        if (n == out_max)
            return -1;
        size_t take = iov[i].iov_len - skip;
        if (take > len)
            take = len;
        out[n++] = (struct iovec){ (uint8_t *)iov[i].iov_base + skip, take };
        len -= take;
        skip = 0;
    }
    return len ? -1 : n;
}

/* Walk bytes [skip, skip + len) of @iov, calling @fn on each piece. */
#define IOV_WALK(iov, iovcnt, skip, len, body)                                      \
    do {                                                                            \
        size_t walk_skip_ = (skip), walk_len_ = (len), walk_pos_ = 0;               \
        for (int walk_i_ = 0; walk_i_ < (iovcnt) && walk_len_ > 0; walk_i_++) {     \
            if (walk_skip_ >= (iov)[walk_i_].iov_len) {                             \
                walk_skip_ -= (iov)[walk_i_].iov_len;                               \
                continue;                                                           \
            }                                                                       \
            uint8_t *piece = (uint8_t *)(iov)[walk_i_].iov_base + walk_skip_;       \
            size_t piece_len = (iov)[walk_i_].iov_len - walk_skip_;                 \
            if (piece_len > walk_len_)                                              \
                piece_len = walk_len_;                                              \
            size_t piece_pos = walk_pos_;                                           \
            (void)piece_pos;                                                        \
            body;                                                                   \
            walk_pos_ += piece_len;                                                 \
            walk_len_ -= piece_len;                                                 \
            walk_skip_ = 0;                                                         \
        }                                                                           \
    } while (0)

void iov_memset(const struct iovec *iov, int iovcnt, size_t skip, int c, size_t len)
{
    IOV_WALK(iov, iovcnt, skip, len, memset(piece, c, piece_len));
}

void iov_from_buf(const struct iovec *iov, int iovcnt, size_t skip, const void *buf, size_t len)
{
    IOV_WALK(iov, iovcnt, skip, len, memcpy(piece, (const uint8_t *)buf + piece_pos, piece_len));
}

void iov_to_buf(const struct iovec *iov, int iovcnt, size_t skip, void *buf, size_t len)
{
    IOV_WALK(iov, iovcnt, skip, len, memcpy((uint8_t *)buf + piece_pos, piece, piece_len));
}

bool buf_is_zero(const void *buf, size_t len)
{
    const uint8_t *p = buf;
    while (len && ((uintptr_t)p & 7)) {
        if (*p++)
            return false;
        len--;
    }
    const uint64_t *q = (const uint64_t *)(const void *)p;
    for (; len >= 8; len -= 8)
        if (*q++)
            return false;
    p = (const uint8_t *)q;
    while (len--)
        if (*p++)
            return false;
    return true;
}
