/* block_backend.h - host side of a virtual disk: what virtio-blk needs
 * from an image, so the device model never touches a host fd.  The image
 * back-end (raw and qcow2 through libvesselstorage, storage/) lives in
 * block_image.c.  A back-end is called by several threads at once (the
 * disk's I/O workers), so its ops must be thread-safe. */
#ifndef VESSEL_VIRTIO_BLOCK_BACKEND_H
#define VESSEL_VIRTIO_BLOCK_BACKEND_H

#include <glib.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#define BLOCK_IOV_MAX 1024      /* the kernel's IOV_MAX */

typedef struct BlockBackend BlockBackend;

typedef struct {
    /* Vectored I/O of every byte of @iov[0..@iovcnt) (@iovcnt <=
     * BLOCK_IOV_MAX) at byte offset @off: 0 or -errno.  The back-end may
     * modify @iov (it advances it over short transfers). */
    int (*preadv)(BlockBackend *bb, struct iovec *iov, int iovcnt, uint64_t off);
    int (*pwritev)(BlockBackend *bb, struct iovec *iov, int iovcnt, uint64_t off);
    int (*flush)(BlockBackend *bb);
    void (*close)(BlockBackend *bb);
    /* Optional: [off, off + len) reads as zeros afterwards; @unmap lets
     * the back-end free the space (a hole), else it stays allocated.
     * 0 or -errno. */
    int (*zero)(BlockBackend *bb, uint64_t off, uint64_t len, bool unmap);
    /* Optional, no request in flight: continue on the new qcow2 image
     * @file, whose backing file is what the disk was until now (an
     * external snapshot).  The old top is flushed and then only read. */
    gboolean (*overlay)(BlockBackend *bb, const char *file, GError **error);
    /* Optional, no request in flight: merge the layers above the backing
     * file @base (path or "fd:N", opened writable) into it and continue
     * on it (active blockcommit and pivot). */
    gboolean (*commit)(BlockBackend *bb, const char *base, GError **error);
    /* Optional: work that should not delay the guest (write-behind),
     * run by an I/O worker after it completed a request when the
     * back-end set @work_due; no switch (overlay, commit) runs
     * meanwhile. */
    void (*after_request)(BlockBackend *bb);
} BlockBackendOps;

struct BlockBackend {
    const BlockBackendOps *ops;
    uint64_t size;          /* bytes */
    bool readonly;
    uint32_t zero_align;    /* bytes; discard granularity (0: 4096) */
    char serial[21];        /* VIRTIO_BLK_T_GET_ID answer, NUL padded */
    atomic_bool work_due;   /* after_request has something to do */
};

/* Open the disk a --disk argument describes (vessel-vmm(1)):
 *   FILE[,format=raw|qcow2][,readonly][,backing=FMT:FILE]...
 * FILE is a path or fd:N.  Without backing=, a qcow2 image given by path
 * opens the backing files it records; with them, exactly that chain (in
 * order, read-only), which is how every layer can be a descriptor.
 * NULL + GError. */
BlockBackend *block_image_open(const char *spec, GError **error);
void block_backend_close(BlockBackend *bb);

#endif
