/* storage.h - libvesselstorage: disk image formats for Vessel.
 *
 * One library, used by the VMM (block I/O of a guest disk) and by the
 * daemon (pools and volumes: create, inspect, resize, copy): nobody else
 * parses qcow2.  It knows neither D-Bus nor the VMM.
 *
 * Formats: raw, and qcow2 (version 3; version 2 read and written as
 * version 2).  An open image is a StorageImage: vectored reads and
 * writes at byte offsets, flush, zeroing (discard / write-zeroes), from
 * any number of threads at once.  A qcow2 image may sit on a chain of
 * read-only backing images (raw or qcow2, any depth up to
 * STORAGE_CHAIN_MAX).
 *
 * Conventions: setup functions (open, create, info, check, resize,
 * copy) report a GError in STORAGE_ERROR; the I/O functions are hot
 * paths and return 0 or -errno.  Files are named by path, or as "fd:N"
 * for an inherited descriptor (the VMM in a sandbox gets every layer of
 * a chain that way; see storage_chain_open). */
#ifndef VESSEL_STORAGE_H
#define VESSEL_STORAGE_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

#define STORAGE_ERROR (storage_error_quark())
GQuark storage_error_quark(void);

typedef enum {
    STORAGE_ERROR_FAILED,       /* system call failed (errno in the text) */
    STORAGE_ERROR_INVALID,      /* bad argument */
    STORAGE_ERROR_CORRUPT,      /* the image's metadata is inconsistent or hostile */
    STORAGE_ERROR_UNSUPPORTED,  /* a valid image using a feature we lack */
    STORAGE_ERROR_CHAIN,        /* backing chain: loop, too deep, mismatch */
    STORAGE_ERROR_LAST
} StorageErrorCode;

typedef enum {
    STORAGE_FORMAT_RAW,
    STORAGE_FORMAT_QCOW2,
    STORAGE_FORMAT_LAST
} StorageFormat;

const char *storage_format_to_string(StorageFormat fmt);
/* -1 if @s names no format. */
int storage_format_from_string(const char *s);

/* Longest backing chain below a top image (libvirt allows 200; QEMU
 * sets no limit; 64 is deeper than anything real). */
#define STORAGE_CHAIN_MAX 64

typedef struct StorageImage StorageImage;

enum {
    STORAGE_OPEN_READONLY = 1u << 0,
    /* Do not open the backing chain a qcow2 image names (for info,
     * check, or when the caller attaches layers itself).  Reads of
     * unallocated clusters then return zeros. */
    STORAGE_OPEN_NO_BACKING = 1u << 1,
};

/* Open one image.  @file is a path or "fd:N" (the descriptor is then
 * owned by the image, made close-on-exec, and closed with it).  A qcow2
 * image's backing chain is opened by the names it records (relative to
 * the image's directory), read-only, unless NO_BACKING or @file is an
 * fd (an fd never leads to opening paths: pass the chain with
 * storage_chain_open). */
StorageImage *storage_image_open(const char *file, StorageFormat fmt, unsigned flags,
                                 GError **error);

/* One layer of an explicit chain. */
typedef struct {
    const char *file;           /* path or "fd:N" */
    StorageFormat format;
} StorageLayer;

/* Open @layers[0] (writable unless READONLY) on the backing chain
 * @layers[1..n), each the backing file of the one before, opened
 * read-only.  The recorded backing names are not opened: instead each
 * qcow2 layer must record a backing file exactly when a layer follows,
 * and a recorded backing format must match the next layer's.  n >= 1. */
StorageImage *storage_chain_open(const StorageLayer *layers, guint n_layers, unsigned flags,
                                 GError **error);

/* Put @backing under @img, an image opened with STORAGE_OPEN_NO_BACKING
 * that records a backing file (an external snapshot: a new overlay on
 * the image in use).  Takes @backing on success; refuses a loop. */
gboolean storage_image_set_backing(StorageImage *img, StorageImage *backing, GError **error);

/* Flush (writable images), close the image and its backing chain.
 * NULL-safe.  Returns what the final flush returned (0 or -errno). */
int storage_image_close(StorageImage *img);

/* I/O: thread-safe.  Every byte of @iov at byte offset @off, which
 * must lie within the virtual size.  0 or -errno (-EROFS on a
 * read-only image, -EIO for corrupt metadata, -ENOSPC...). */
int storage_image_preadv(StorageImage *img, const struct iovec *iov, int iovcnt, uint64_t off);
int storage_image_pwritev(StorageImage *img, const struct iovec *iov, int iovcnt, uint64_t off);
int storage_image_pread(StorageImage *img, void *buf, size_t len, uint64_t off);
int storage_image_pwrite(StorageImage *img, const void *buf, size_t len, uint64_t off);
/* Everything written before reaches stable storage: data and metadata,
 * in an order that keeps the image consistent at any moment. */
int storage_image_flush(StorageImage *img);
/* Start writing to the disk what was written to the image so far,
 * without waiting for it (write-behind): a later flush then has less
 * left to wait for.  Durability and ordering do not change - only a
 * flush makes writes durable.  0 or -errno. */
int storage_image_writeback(StorageImage *img);
/* [off, off + len) reads as zeros afterwards.  @unmap lets the image
 * release the space (qcow2: free the clusters; raw: punch a hole). */
int storage_image_zero(StorageImage *img, uint64_t off, uint64_t len, bool unmap);

uint64_t storage_image_size(const StorageImage *img);      /* virtual size, bytes */
bool storage_image_readonly(const StorageImage *img);
StorageFormat storage_image_format(const StorageImage *img);
const char *storage_image_name(const StorageImage *img);    /* path or "fd:N" */
/* The backing image (NULL if none or not opened). */
StorageImage *storage_image_backing(const StorageImage *img);
/* Why a writable image stopped accepting writes (hostile or corrupt
 * metadata found while writing), or NULL. */
const char *storage_image_corruption(const StorageImage *img);
/* Granularity at which zero/discard can release space (the cluster
 * size for qcow2, 4096 for raw). */
uint32_t storage_image_zero_alignment(const StorageImage *img);

/* What an image file says about itself (no chain opened). */
typedef struct {
    StorageFormat format;
    uint64_t capacity;          /* virtual size */
    uint64_t allocation;        /* bytes the file occupies on disk */
    uint64_t physical;          /* file size */
    uint32_t cluster_size;      /* qcow2, else 0 */
    guint qcow2_version;        /* 2 or 3 (qcow2) */
    char *backing_file;         /* as recorded, or NULL */
    char *backing_format;       /* as recorded, or NULL */
} StorageInfo;

void storage_info_clear(StorageInfo *info);
/* @fmt -1 probes (qcow2 magic or raw).  Probing is for listing files;
 * never probe the format of an image a guest writes. */
gboolean storage_info_read(const char *path, int fmt, StorageInfo *info, GError **error);
/* The format an image file seems to be: qcow2 by its magic, else raw. */
gboolean storage_probe_format(const char *path, StorageFormat *fmt, GError **error);

/* The backing chain below @path (format @fmt), as the images record it:
 * absolute paths and formats, layer 0 = @path.  A backing file that
 * records no format is probed (read-only use only).  Loops and chains
 * deeper than STORAGE_CHAIN_MAX are errors.  Free with
 * storage_chain_free. */
typedef struct {
    char *path;
    StorageFormat format;
} StorageChainLayer;

GPtrArray *storage_chain_describe(const char *path, StorageFormat fmt, GError **error);
void storage_chain_layer_free(StorageChainLayer *l);

typedef enum {
    STORAGE_PREALLOC_OFF,       /* sparse */
    STORAGE_PREALLOC_METADATA,  /* qcow2: every L2 table and cluster allocated */
    STORAGE_PREALLOC_FALLOC,    /* raw: blocks reserved with fallocate */
    STORAGE_PREALLOC_LAST
} StoragePrealloc;

typedef struct {
    uint32_t cluster_size;      /* qcow2: 0 = 64 KiB; a power of two 512..2 MiB */
    const char *backing_file;   /* recorded as given; NULL for none */
    StorageFormat backing_format;
    StoragePrealloc prealloc;
    bool compat_v2;             /* qcow2: write a version 2 image (compat=0.10) */
} StorageCreateOptions;

/* Create a new image file at @path (must not exist; mode 0600) of
 * @size bytes (rounded up to 512).  qcow2 with a backing file: @size 0
 * takes the backing file's size. */
gboolean storage_image_create(const char *path, StorageFormat fmt, uint64_t size,
                              const StorageCreateOptions *opts, GError **error);
/* Grow the virtual size (a writable image, nothing else using it).
 * Shrinking is refused for qcow2; raw files are truncated. */
gboolean storage_image_resize(StorageImage *img, uint64_t size, GError **error);
/* Copy the guest-visible content of @src into @dst (the same virtual
 * size or larger), leaving ranges that read as zeros unwritten when
 * @sparse.  @progress may be NULL. */
gboolean storage_image_copy(StorageImage *src, StorageImage *dst, bool sparse, GError **error);

/* Commit: make @base read as @top does, writing into it whatever the
 * layers of @top's chain above the layer that is @base's file (same
 * device and inode; writable @base opened on its own) hold, zeros
 * included, then flush it.  @base grows to @top's size if smaller.
 * Afterwards @top and the layers between are redundant (blockcommit). */
gboolean storage_image_commit(StorageImage *top, StorageImage *base, GError **error);
/* The same for a disk in use (active commit and pivot, with no request
 * in flight): @base_file (a path or "fd:N", taken) is opened writable
 * as the layer of @top's chain it is, committed into, and returned as
 * the new top on the layers below it; @top and the layers above the
 * base are closed.  NULL + GError: @top is untouched. */
StorageImage *storage_image_commit_active(StorageImage *top, const char *base_file,
                                          GError **error);

/* Consistency check of a qcow2 image (opened READONLY|NO_BACKING, or
 * writable and idle): every metadata structure walked, reference counts
 * recomputed and compared.  Raw images are always consistent. */
typedef struct {
    uint64_t corruptions;       /* refcount too low, bad entries, overlaps */
    uint64_t leaks;             /* clusters with a refcount nothing uses */
    uint64_t allocated_clusters;
    uint64_t total_clusters;    /* virtual size in clusters */
    char *first_problem;        /* a description of the first problem, or NULL */
} StorageCheckResult;

gboolean storage_image_check(StorageImage *img, StorageCheckResult *res, GError **error);
void storage_check_result_clear(StorageCheckResult *res);

#endif
