/* file_io.h - positioned I/O on an image file that moves every byte
 * (short transfers resumed, EINTR retried, more than IOV_MAX segments
 * split), and the iovec arithmetic the formats need. */
#ifndef VESSEL_STORAGE_FILE_IO_H
#define VESSEL_STORAGE_FILE_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

/* Read @len bytes of @iov at @off; what lies past the end of the file
 * reads as zeros.  0 or -errno. */
int file_preadv_zero(int fd, const struct iovec *iov, int iovcnt, uint64_t off);
/* Read every byte of @iov at @off; -EIO if the file ends first. */
int file_preadv_full(int fd, const struct iovec *iov, int iovcnt, uint64_t off);
/* Write every byte of @iov at @off.  0 or -errno. */
int file_pwritev_full(int fd, const struct iovec *iov, int iovcnt, uint64_t off);
int file_pread_zero(int fd, void *buf, size_t len, uint64_t off);
int file_pwrite_full(int fd, const void *buf, size_t len, uint64_t off);
/* Read exactly @len bytes; -EIO (short) past the end of the file. */
int file_pread_exact(int fd, void *buf, size_t len, uint64_t off);

size_t iov_size(const struct iovec *iov, int iovcnt);
/* Describe bytes [@skip, @skip + @len) of @iov in @out (at most
 * @out_max entries): the number of entries, or -1 if @out is too small
 * or @iov too short. */
int iov_slice(const struct iovec *iov, int iovcnt, size_t skip, size_t len,
              struct iovec *out, int out_max);
/* Entries iov_slice needs at most for a slice of @iov. */
static inline int iov_slice_max(int iovcnt) { return iovcnt; }
void iov_memset(const struct iovec *iov, int iovcnt, size_t skip, int c, size_t len);
void iov_from_buf(const struct iovec *iov, int iovcnt, size_t skip, const void *buf, size_t len);
void iov_to_buf(const struct iovec *iov, int iovcnt, size_t skip, void *buf, size_t len);

bool buf_is_zero(const void *buf, size_t len);

#endif
