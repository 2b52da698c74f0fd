/* disk-rand.c - the guest side of disk-bench.sh: reads or writes with
 * O_DIRECT on a block device, timed in the guest (CLOCK_MONOTONIC).
 *
 *   disk-rand DEV read|write|sread|swrite OFFSET_MIB SPAN_MIB COUNT BLOCK_KIB
 *
 * read/write: COUNT requests of BLOCK_KIB at block-aligned random offsets
 * in [OFFSET, OFFSET + SPAN) (a fixed sequence, so every run does the
 * same work); sread/swrite: COUNT blocks one after the other from OFFSET.
 * Writes end with one fdatasync inside the timing.  Prints
 * "B-RANDR|B-RANDW|B-SEQR|B-SEQW MIB 0 SECONDS" (the bench's line format:
 * MiB moved, start, end).  Built static on the host by disk-bench.sh and
 * put into the guest's initramfs. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc != 7) {
        fprintf(stderr, "usage: disk-rand DEV read|write|sread|swrite OFFSET_MIB SPAN_MIB "
                        "COUNT BLOCK_KIB\n");
        return 2;
    }
    const char *mode = argv[2];
    int write = strcmp(mode, "write") == 0 || strcmp(mode, "swrite") == 0;
    int seq = mode[0] == 's';
    uint64_t off = strtoull(argv[3], NULL, 0) << 20, span = strtoull(argv[4], NULL, 0) << 20;
    unsigned count = (unsigned)strtoul(argv[5], NULL, 0);
    size_t bs = (size_t)strtoul(argv[6], NULL, 0) << 10;
    int fd = open(argv[1], (write ? O_RDWR : O_RDONLY) | O_DIRECT);
    void *buf;
    if (fd < 0 || !bs || posix_memalign(&buf, 4096, bs)) {
        perror(argv[1]);
        return 1;
    }
    memset(buf, 0xa5, bs);
    uint64_t x = 0x9e3779b97f4a7c15ull;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (unsigned i = 0; i < count; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        off_t at = (off_t)(seq ? off + (uint64_t)i * bs : off + (x % (span / bs)) * bs);
        ssize_t n = write ? pwrite(fd, buf, bs, at) : pread(fd, buf, bs, at);
        if (n != (ssize_t)bs) {
            perror("io");
            return 1;
        }
    }
    if (write && fdatasync(fd) < 0) {
        perror("fdatasync");
        return 1;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("B-%s%s %.4f 0 %.4f\n", seq ? "SEQ" : "RAND", write ? "W" : "R",
           (double)count * (double)bs / 1048576.0, s);
    return 0;
}
