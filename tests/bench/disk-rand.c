/* disk-rand.c - the guest side of disk-bench.sh: 4 KiB random reads or
 * writes with O_DIRECT on a block device, timed in the guest.
 *
 *   disk-rand DEV read|write OFFSET_MIB SPAN_MIB COUNT
 *
 * COUNT requests at 4 KiB-aligned offsets in [OFFSET, OFFSET + SPAN)
 * (a fixed sequence, so every run does the same work), writes followed by
 * one fdatasync inside the timing.  Prints "B-RANDR|B-RANDW MIB 0 SECONDS"
 * (the bench's line format: MiB moved, start, end).  Built static on the
 * host by disk-bench.sh and put into the guest's initramfs. */
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
    if (argc != 6) {
        fprintf(stderr, "usage: disk-rand DEV read|write OFFSET_MIB SPAN_MIB COUNT\n");
        return 2;
    }
    int write = strcmp(argv[2], "write") == 0;
    uint64_t off = strtoull(argv[3], NULL, 0) << 20, span = strtoull(argv[4], NULL, 0) << 20;
    unsigned count = (unsigned)strtoul(argv[5], NULL, 0);
    int fd = open(argv[1], (write ? O_RDWR : O_RDONLY) | O_DIRECT);
    void *buf;
    if (fd < 0 || posix_memalign(&buf, 4096, 4096)) {
        perror(argv[1]);
        return 1;
    }
    memset(buf, 0xa5, 4096);
    uint64_t x = 0x9e3779b97f4a7c15ull;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (unsigned i = 0; i < count; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        off_t at = (off_t)(off + (x % (span / 4096)) * 4096);
        ssize_t n = write ? pwrite(fd, buf, 4096, at) : pread(fd, buf, 4096, at);
        if (n != 4096) {
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
    printf("B-%s %.4f 0 %.4f\n", write ? "RANDW" : "RANDR", count * 4096.0 / 1048576.0, s);
    return 0;
}
