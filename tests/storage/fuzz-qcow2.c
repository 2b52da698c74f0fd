/* fuzz-qcow2.c - libFuzzer entry point for the qcow2 parser and tables.
 *
 * An input is a whole image file.  It goes into a memfd and is opened
 * as "fd:N" (no backing chain is followed): read-only, every structure
 * read (the first MiB of guest data, a few places chosen by the input,
 * the consistency check); then a private copy is opened writable and
 * gets writes, write-zeroes, a discard and a flush before another check.
 * Errors are expected and fine; crashes, sanitizer reports, hangs and
 * reads outside buffers are the bugs.
 *
 * In `make check` fuzz-driver.c replays the checked-in corpus
 * (fuzz-corpus/, small images qemu-img made) and fixed-seed mutations of
 * it.  Real fuzzing (apt-get install clang libclang-rt-14-dev):
 *   tests/storage/fuzz/build-libfuzzer.sh BUILDDIR [-max_total_time=600]
 */
#include "config.h"

#include "storage/storage.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Coverage counters for the driver. */
unsigned long fuzz_qcow2_opened, fuzz_qcow2_rejected, fuzz_qcow2_writable;

static int fuzz_memfd(const uint8_t *data, size_t size)
{
    int fd = memfd_create("fuzz-qcow2", MFD_CLOEXEC);
    if (fd < 0)
        abort();
    for (size_t done = 0; done < size;) {
        ssize_t n = write(fd, data + done, size - done);
        if (n <= 0)
            abort();
        done += (size_t)n;
    }
    return fd;
}

static StorageImage *fuzz_open(const uint8_t *data, size_t size, unsigned flags)
{
    int fd = fuzz_memfd(data, size);
    char name[32];
    snprintf(name, sizeof(name), "fd:%d", fd);
    GError *error = NULL;
    StorageImage *img = storage_image_open(name, STORAGE_FORMAT_QCOW2,
                                           flags | STORAGE_OPEN_NO_BACKING, &error);
    if (!img) {
        /* every refusal has a message, once */
        if (!error || !error->message || !*error->message)
            abort();
        g_error_free(error);
    }
    return img;
}

static void fuzz_check(StorageImage *img)
{
    StorageCheckResult res;
    GError *error = NULL;
    if (storage_image_check(img, &res, &error))
        storage_check_result_clear(&res);
    else
        g_error_free(error);
}

/* An offset inside the image chosen by the input's last bytes. */
static uint64_t fuzz_pick(const uint8_t *data, size_t size, unsigned k, uint64_t limit)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < 8 && i < size; i++)
        v = v << 8 | data[size - 1 - ((i + 8 * k) % size)];
    return limit ? v % limit : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t buf[1 << 20];
    StorageImage *img = fuzz_open(data, size, STORAGE_OPEN_READONLY);
    if (!img) {
        fuzz_qcow2_rejected++;
        return 0;
    }
    fuzz_qcow2_opened++;
    uint64_t vsize = storage_image_size(img);
    storage_image_pread(img, buf, (size_t)MIN(vsize, sizeof(buf)), 0);
    for (unsigned k = 0; k < 4 && vsize; k++) {
        uint64_t len = MIN(vsize, 65536), off = fuzz_pick(data, size, k, vsize - len + 1);
        storage_image_pread(img, buf, (size_t)len, off);
    }
    fuzz_check(img);
    storage_image_close(img);

    img = fuzz_open(data, size, 0);
    if (!img)
        return 0;
    fuzz_qcow2_writable++;
    vsize = storage_image_size(img);
    memset(buf, 0x5a, 65536);
    for (unsigned k = 0; k < 3 && vsize; k++) {
        uint64_t len = MIN(vsize, 512u << k), off = fuzz_pick(data, size, k + 4, vsize - len + 1);
        storage_image_pwrite(img, buf, (size_t)len, off);
        storage_image_pread(img, buf + 65536, (size_t)len, off);
    }
    if (vsize) {
        uint64_t len = MIN(vsize, 131072), off = fuzz_pick(data, size, 7, vsize - len + 1);
        storage_image_zero(img, off, len, false);
        storage_image_zero(img, off / 2, len / 2, true);
    }
    storage_image_flush(img);
    fuzz_check(img);
    storage_image_close(img);
    return 0;
}
