/* image.h - inside libvesselstorage: what every format implements (an
 * ops table) and the fields image.c keeps for all of them.  A format's
 * state embeds StorageImage as its first member. */
#ifndef VESSEL_STORAGE_IMAGE_H
#define VESSEL_STORAGE_IMAGE_H

#include "storage/storage.h"

#include <sys/stat.h>
#include <sys/types.h>

typedef struct {
    /* @len = total bytes of @iov (> 0), [off, off + len) within size. */
    int (*preadv)(StorageImage *img, const struct iovec *iov, int iovcnt, uint64_t off,
                  uint64_t len);
    int (*pwritev)(StorageImage *img, const struct iovec *iov, int iovcnt, uint64_t off,
                   uint64_t len);
    int (*flush)(StorageImage *img);
    int (*zero)(StorageImage *img, uint64_t off, uint64_t len, bool unmap);
    /* Flush and free the format's state (not the fd, not the backing). */
    int (*close)(StorageImage *img);
    gboolean (*resize)(StorageImage *img, uint64_t size, GError **error);
    gboolean (*check)(StorageImage *img, StorageCheckResult *res, GError **error);
    /* Whether this layer itself holds [off, off + *bytes) (data or zero
     * clusters: 1) or leaves it to its backing file (0), for the first
     * *bytes (<= len, > 0) of [off, off + len); -errno.  NULL: always. */
    int (*allocated)(StorageImage *img, uint64_t off, uint64_t len, uint64_t *bytes);
} StorageImageOps;

struct StorageImage {
    const StorageImageOps *ops;
    StorageFormat format;
    char *name;                 /* path or "fd:N", for messages */
    int fd;
    bool readonly;
    uint64_t size;              /* virtual size */
    uint32_t zero_align;
    StorageImage *backing;      /* owned; NULL if none */
    dev_t dev;                  /* of the file, for chain loop detection */
    ino_t ino;
};

/* The open file behind an image: "fd:N" adopted or a path opened with
 * O_RDONLY / O_RDWR; a regular file or block device.  -1 + GError. */
int storage_file_open(const char *file, bool readonly, struct stat *st, GError **error);

/* Format back-ends: take over @fd (closed on failure too). */
StorageImage *storage_raw_open(int fd, const char *name, bool readonly, const struct stat *st,
                               GError **error);
StorageImage *storage_qcow2_open(int fd, const char *name, bool readonly,
                                 const struct stat *st, GError **error);
/* Free the common part (name) and close the fd; formats call this last. */
void storage_image_free_common(StorageImage *img);

/* The backing file a qcow2 image records (NULL if none or not qcow2),
 * and its recorded format (-1 if none, -2 if not one we know; the name
 * as recorded from _name). */
const char *storage_qcow2_backing_name(const StorageImage *img);
int storage_qcow2_backing_format(const StorageImage *img);
const char *storage_qcow2_backing_format_name(const StorageImage *img);
guint storage_qcow2_version(const StorageImage *img);

gboolean storage_qcow2_create(int fd, const char *name, uint64_t size,
                              const StorageCreateOptions *opts, GError **error);

#endif
