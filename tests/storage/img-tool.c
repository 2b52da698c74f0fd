/* img-tool.c - drives libvesselstorage from the shell tests (qemu-img is
 * the oracle there).  One line of usage per command; images are named
 * FMT:FILE (FILE a path or fd:N).  Exit 0 on success, 1 on error (one
 * line on stderr); `check` exits like `qemu-img check`: 0 clean,
 * 2 corrupt, 3 leaks only.
 *
 *   create FMT:PATH SIZE [cluster=N] [backing=FILE] [backing_fmt=F]
 *          [prealloc=off|metadata|falloc] [compat=0.10]
 *   info FMT:PATH             key=value lines (FMT "probe" probes)
 *   chain FMT:PATH            the backing chain, "FMT PATH" per layer
 *   check FMT:PATH
 *   dump FMT:PATH OUT         the guest-visible content into raw file OUT
 *   dumpchain OUT FMT:F...    the same through an explicit chain
 *   ops FMT:PATH REF SEED N   N random writes/zeroes/discards/flushes,
 *                             applied to the image and to raw file REF
 *   stress FMT:PATH SEED T [OPS]  T threads of self-describing 4 KiB
 *                             block writes, zeroes and flushes until
 *                             killed (or OPS each, then close); prints
 *                             "running" once started
 *   verify FMT:PATH           every sector reads as zeros or as a
 *                             sector stress wrote for that very place
 *   resize FMT:PATH SIZE
 *   copy FMT:SRC FMT:DST      DST created by the caller, same size
 *   commit FMT:TOP FMT:BASE   BASE (a backing file of TOP) made to read
 *                             as TOP does
 *   write FMT:PATH OFF LEN BYTE
 *   zero FMT:PATH OFF LEN unmap|keep
 *   bench FMT:PATH read|write SIZE COUNT DEPTH [OFF [STEP]]
 *                             COUNT requests of SIZE from OFF, STEP apart
 *                             (default SIZE), DEPTH of them in flight
 *                             (DEPTH workers, handed each request by
 *                             the main thread as the VMM's are), timed
 *                             until the last completes (the closing flush
 *                             is not timed); prints "MiB SECONDS MB/s
 *                             CPU" (CPU: user + system seconds of the
 *                             process over the timed part)
 *                             (the pattern of qemu-img bench -s SIZE -S
 *                             STEP -c COUNT -d DEPTH -o OFF, for figures
 *                             side by side with qemu-img's) */
#include "config.h"

#include "storage/storage.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static int fail(const char *what, GError *error)
{
    fprintf(stderr, "img-tool: %s: %s\n", what, error ? error->message : "failed");
    g_clear_error(&error);
    return 1;
}

static int fail_errno(const char *what, int r)
{
    fprintf(stderr, "img-tool: %s: %s\n", what, g_strerror(-r));
    return 1;
}

/* "FMT:FILE" -> format and file. */
static bool parse_spec(const char *spec, int *fmt, const char **file)
{
    const char *colon = strchr(spec, ':');
    if (!colon)
        return false;
    g_autofree char *f = g_strndup(spec, (size_t)(colon - spec));
    *fmt = strcmp(f, "probe") == 0 ? -1 : storage_format_from_string(f);
    *file = colon + 1;
    return *fmt >= 0 || strcmp(f, "probe") == 0;
}

static StorageImage *open_spec(const char *spec, unsigned flags)
{
    int fmt;
    const char *file;
    GError *error = NULL;
    if (!parse_spec(spec, &fmt, &file) || fmt < 0) {
        fprintf(stderr, "img-tool: %s: expected FMT:FILE\n", spec);
        return NULL;
    }
    StorageImage *img = storage_image_open(file, (StorageFormat)fmt, flags, &error);
    if (!img)
        fail(spec, error);
    return img;
}

/* "N[KMG]" -> bytes. */
static uint64_t parse_size(const char *s)
{
    char *end;
    uint64_t v = g_ascii_strtoull(s, &end, 0);
    switch (*end) {
    case 'K': case 'k': return v << 10;
    case 'M': case 'm': return v << 20;
    case 'G': case 'g': return v << 30;
    default: return v;
    }
}

static uint64_t rng_state;

static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static int cmd_create(int argc, char **argv)
{
    int fmt;
    const char *path;
    if (argc < 2 || !parse_spec(argv[0], &fmt, &path) || fmt < 0)
        return fail("usage: create FMT:PATH SIZE [options]", NULL);
    StorageCreateOptions o = { 0 };
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (g_str_has_prefix(a, "cluster="))
            o.cluster_size = (uint32_t)strtoul(a + 8, NULL, 0);
        else if (g_str_has_prefix(a, "backing="))
            o.backing_file = a + 8;
        else if (g_str_has_prefix(a, "backing_fmt="))
            o.backing_format = (StorageFormat)storage_format_from_string(a + 12);
        else if (strcmp(a, "prealloc=metadata") == 0)
            o.prealloc = STORAGE_PREALLOC_METADATA;
        else if (strcmp(a, "prealloc=falloc") == 0)
            o.prealloc = STORAGE_PREALLOC_FALLOC;
        else if (strcmp(a, "compat=0.10") == 0)
            o.compat_v2 = true;
        else
            return fail(a, NULL);
    }
    GError *error = NULL;
    if (!storage_image_create(path, (StorageFormat)fmt, parse_size(argv[1]), &o,
                              &error))
        return fail("create", error);
    return 0;
}

static int cmd_info(const char *spec)
{
    int fmt;
    const char *path;
    StorageInfo info;
    GError *error = NULL;
    if (!parse_spec(spec, &fmt, &path))
        return fail(spec, NULL);
    if (!storage_info_read(path, fmt, &info, &error))
        return fail(spec, error);
    printf("format=%s\ncapacity=%" G_GUINT64_FORMAT "\nallocation=%" G_GUINT64_FORMAT
           "\nphysical=%" G_GUINT64_FORMAT "\ncluster_size=%u\nversion=%u\n",
           storage_format_to_string(info.format), info.capacity, info.allocation, info.physical,
           info.cluster_size, info.qcow2_version);
    if (info.backing_file)
        printf("backing_file=%s\n", info.backing_file);
    if (info.backing_format)
        printf("backing_format=%s\n", info.backing_format);
    storage_info_clear(&info);
    return 0;
}

static int cmd_chain(const char *spec)
{
    int fmt;
    const char *path;
    GError *error = NULL;
    if (!parse_spec(spec, &fmt, &path) || fmt < 0)
        return fail(spec, NULL);
    GPtrArray *chain = storage_chain_describe(path, (StorageFormat)fmt, &error);
    if (!chain)
        return fail(spec, error);
    for (guint i = 0; i < chain->len; i++) {
        StorageChainLayer *l = chain->pdata[i];
        printf("%s %s\n", storage_format_to_string(l->format), l->path);
    }
    g_ptr_array_unref(chain);
    return 0;
}

static int cmd_check(const char *spec)
{
    StorageImage *img = open_spec(spec, STORAGE_OPEN_READONLY | STORAGE_OPEN_NO_BACKING);
    if (!img)
        return 1;
    StorageCheckResult res;
    GError *error = NULL;
    if (!storage_image_check(img, &res, &error)) {
        storage_image_close(img);
        return fail("check", error);
    }
    printf("corruptions=%" G_GUINT64_FORMAT "\nleaks=%" G_GUINT64_FORMAT
           "\nallocated=%" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT "\n",
           res.corruptions, res.leaks, res.allocated_clusters, res.total_clusters);
    if (res.first_problem)
        printf("first_problem=%s\n", res.first_problem);
    int rc = res.corruptions ? 2 : res.leaks ? 3 : 0;
    storage_check_result_clear(&res);
    storage_image_close(img);
    return rc;
}

static int dump_image(StorageImage *img, const char *out)
{
    int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return fail_errno(out, -errno);
    size_t chunk = 1 << 20;
    uint8_t *buf = g_malloc(chunk);
    uint64_t size = storage_image_size(img);
    int r = 0;
    for (uint64_t off = 0; off < size && r == 0; off += chunk) {
        size_t n = (size_t)MIN(chunk, size - off);
        r = storage_image_pread(img, buf, n, off);
        if (r == 0 && pwrite(fd, buf, n, (off_t)off) != (ssize_t)n)
            r = -EIO;
    }
    if (r == 0 && ftruncate(fd, (off_t)size) < 0)
        r = -errno;
    g_free(buf);
    close(fd);
    return r < 0 ? fail_errno("dump", r) : 0;
}

static int cmd_dump(const char *spec, const char *out)
{
    StorageImage *img = open_spec(spec, STORAGE_OPEN_READONLY);
    if (!img)
        return 1;
    int rc = dump_image(img, out);
    storage_image_close(img);
    return rc;
}

static int cmd_dumpchain(const char *out, int n, char **specs)
{
    StorageLayer *layers = g_new0(StorageLayer, n);
    for (int i = 0; i < n; i++) {
        int fmt;
        if (!parse_spec(specs[i], &fmt, &layers[i].file) || fmt < 0)
            return fail(specs[i], NULL);
        layers[i].format = (StorageFormat)fmt;
    }
    GError *error = NULL;
    StorageImage *img = storage_chain_open(layers, (guint)n, STORAGE_OPEN_READONLY, &error);
    g_free(layers);
    if (!img)
        return fail("chain", error);
    int rc = dump_image(img, out);
    storage_image_close(img);
    return rc;
}

static int cmd_ops(const char *spec, const char *ref, uint64_t seed, unsigned n)
{
    StorageImage *img = open_spec(spec, 0);
    if (!img)
        return 1;
    int rfd = open(ref, O_RDWR);
    if (rfd < 0) {
        storage_image_close(img);
        return fail_errno(ref, -errno);
    }
    rng_state = seed * 0x9e3779b97f4a7c15ull + 1;
    uint64_t size = storage_image_size(img);
    size_t maxlen = 3 << 20;
    uint8_t *buf = g_malloc(maxlen), *zero = g_malloc0(maxlen);
    int r = 0;
    for (unsigned i = 0; i < n && r == 0; i++) {
        unsigned kind = (unsigned)(rnd() % 16);
        /* mostly sector-aligned, sometimes odd offsets and lengths */
        uint64_t unit = rnd() % 4 ? 512 : 1;
        uint64_t len = (rnd() % (rnd() % 8 ? 65536 : maxlen)) / unit * unit + unit;
        if (len > size)
            len = size;
        uint64_t off = (rnd() % (size - len + 1)) / unit * unit;
        if (kind < 10) {
            uint8_t v = (uint8_t)rnd();
            for (size_t k = 0; k < len; k++)
                buf[k] = (uint8_t)(v + k * 7 + (k >> 9));
            r = storage_image_pwrite(img, buf, len, off);
            if (r == 0 && pwrite(rfd, buf, len, (off_t)off) != (ssize_t)len)
                r = -EIO;
        } else if (kind < 14) {
            r = storage_image_zero(img, off, len, kind & 1);
            if (r == 0 && pwrite(rfd, zero, len, (off_t)off) != (ssize_t)len)
                r = -EIO;
        } else {
            r = storage_image_flush(img);
        }
        if (r == 0 && rnd() % 8 == 0) {
            /* read back a random range and compare with the reference */
            uint64_t rl = MIN(len * 2, size), ro = rnd() % (size - rl + 1);
            uint8_t *a = g_malloc(rl), *b = g_malloc(rl);
            r = storage_image_pread(img, a, rl, ro);
            if (r == 0 && pread(rfd, b, rl, (off_t)ro) != (ssize_t)rl)
                r = -EIO;
            if (r == 0 && memcmp(a, b, rl) != 0) {
                fprintf(stderr, "img-tool: op %u: read-back mismatch at %" G_GUINT64_FORMAT "\n",
                        i, ro);
                r = -EILSEQ;
            }
            g_free(a);
            g_free(b);
        }
    }
    int rc = storage_image_close(img);
    close(rfd);
    g_free(buf);
    g_free(zero);
    if (r == 0)
        r = rc;
    return r < 0 ? fail_errno("ops", r) : 0;
}

/* stress: every 512-byte sector of block b (4 KiB) holds its sector
 * number, the write's sequence number and a pattern derived from both,
 * so verify can tell data that belongs there from garbage or another
 * sector's data.  (A crash may tear a multi-sector write; each sector
 * is still old or new data of its own.) */
#define BLK 4096
#define SEC 512

static void stress_fill_sector(uint8_t *p, uint64_t sector, uint64_t seq)
{
    memcpy(p, &sector, 8);
    memcpy(p + 8, &seq, 8);
    uint64_t x = sector * 0x9e3779b97f4a7c15ull ^ seq;
    for (size_t i = 16; i < SEC; i += 8) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        memcpy(p + i, &x, 8);
    }
}

static void stress_fill(uint8_t *p, uint64_t block, uint64_t seq)
{
    for (unsigned s = 0; s < BLK / SEC; s++)
        stress_fill_sector(p + s * SEC, block * (BLK / SEC) + s, seq);
}

typedef struct {
    StorageImage *img;
    uint64_t seed;
    uint64_t ops;           /* 0 = until killed */
} StressArg;

static void *stress_thread(void *opaque)
{
    StressArg *a = opaque;
    uint64_t s = a->seed, blocks = storage_image_size(a->img) / BLK, seq = a->seed << 32;
    uint8_t *buf = g_malloc(64 * BLK);
    for (uint64_t op = 0; !a->ops || op < a->ops; op++) {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        uint64_t n = 1 + s % 16, b = (s >> 8) % (blocks - n + 1);
        unsigned kind = (unsigned)((s >> 40) % 32);
        int r;
        if (kind < 24) {
            for (uint64_t k = 0; k < n; k++)
                stress_fill(buf + k * BLK, b + k, ++seq);
            r = storage_image_pwrite(a->img, buf, n * BLK, b * BLK);
        } else if (kind < 29) {
            r = storage_image_zero(a->img, b * BLK, n * BLK, kind & 1);
        } else {
            r = storage_image_flush(a->img);
        }
        if (r < 0) {
            fprintf(stderr, "img-tool: stress: %s\n", g_strerror(-r));
            exit(1);
        }
    }
    g_free(buf);
    return NULL;
}

static int cmd_stress(const char *spec, uint64_t seed, unsigned threads, uint64_t ops)
{
    StorageImage *img = open_spec(spec, 0);
    if (!img)
        return 1;
    StressArg *args = g_new(StressArg, threads);
    pthread_t *th = g_new(pthread_t, threads);
    /* one thread and a count: all in this one, so that strace's per-thread
     * fault injection counts the closing flush's writes too */
    bool here = threads == 1 && ops;
    for (unsigned t = 0; t < threads; t++) {
        args[t] = (StressArg){ img, seed * 1000003 + t + 1, ops };
        if (!here)
            pthread_create(&th[t], NULL, stress_thread, &args[t]);
    }
    printf("running\n");
    fflush(stdout);
    if (here)
        stress_thread(&args[0]);
    if (!ops)
        for (;;)
            pause();
    for (unsigned t = 0; !here && t < threads; t++)
        pthread_join(th[t], NULL);
    g_free(th);
    g_free(args);
    int r = storage_image_close(img);
    return r < 0 ? fail_errno("stress", r) : 0;
}

static int cmd_verify(const char *spec)
{
    StorageImage *img = open_spec(spec, STORAGE_OPEN_READONLY);
    if (!img)
        return 1;
    uint8_t buf[BLK], want[SEC];
    uint64_t sectors = storage_image_size(img) / BLK * (BLK / SEC), zero = 0, data = 0;
    int rc = 0;
    for (uint64_t s = 0; s < sectors && rc == 0; s++) {
        uint8_t *p = buf + (s % (BLK / SEC)) * SEC;
        if (s % (BLK / SEC) == 0) {
            int r = storage_image_pread(img, buf, BLK, s * SEC);
            if (r < 0) {
                rc = fail_errno("verify", r);
                break;
            }
        }
        uint64_t tag, seq;
        memcpy(&tag, p, 8);
        memcpy(&seq, p + 8, 8);
        stress_fill_sector(want, s, seq);
        if (memcmp(p, want, SEC) == 0) {
            data++;
        } else if (p[0] || memcmp(p, p + 1, SEC - 1)) {
            fprintf(stderr, "img-tool: verify: sector %" G_GUINT64_FORMAT
                    " holds neither zeros nor its own data (tag %" G_GUINT64_FORMAT ")\n", s, tag);
            rc = 1;
        } else {
            zero++;
        }
    }
    if (rc == 0)
        printf("sectors=%" G_GUINT64_FORMAT " data=%" G_GUINT64_FORMAT " zero=%" G_GUINT64_FORMAT
               "\n", sectors, data, zero);
    storage_image_close(img);
    return rc;
}

static int cmd_resize(const char *spec, uint64_t size)
{
    StorageImage *img = open_spec(spec, STORAGE_OPEN_NO_BACKING);
    if (!img)
        return 1;
    GError *error = NULL;
    gboolean ok = storage_image_resize(img, size, &error);
    int r = storage_image_close(img);
    if (!ok)
        return fail("resize", error);
    return r < 0 ? fail_errno("resize", r) : 0;
}

static int cmd_commit(const char *top, const char *base)
{
    StorageImage *t = open_spec(top, STORAGE_OPEN_READONLY);
    if (!t)
        return 1;
    StorageImage *b = open_spec(base, 0);
    if (!b) {
        storage_image_close(t);
        return 1;
    }
    GError *error = NULL;
    gboolean ok = storage_image_commit(t, b, &error);
    storage_image_close(t);
    int r = storage_image_close(b);
    if (!ok)
        return fail("commit", error);
    return r < 0 ? fail_errno("commit", r) : 0;
}

static int cmd_copy(const char *src, const char *dst)
{
    StorageImage *s = open_spec(src, STORAGE_OPEN_READONLY);
    if (!s)
        return 1;
    StorageImage *d = open_spec(dst, 0);
    if (!d) {
        storage_image_close(s);
        return 1;
    }
    GError *error = NULL;
    gboolean ok = storage_image_copy(s, d, true, &error);
    storage_image_close(s);
    int r = storage_image_close(d);
    if (!ok)
        return fail("copy", error);
    return r < 0 ? fail_errno("copy", r) : 0;
}

static int cmd_write_zero(bool zero, int argc, char **argv)
{
    if (argc < 4)
        return fail("usage: write|zero FMT:PATH OFF LEN BYTE|unmap|keep", NULL);
    StorageImage *img = open_spec(argv[0], 0);
    if (!img)
        return 1;
    uint64_t off = parse_size(argv[1]), len = parse_size(argv[2]);
    int r;
    if (zero) {
        r = storage_image_zero(img, off, len, strcmp(argv[3], "unmap") == 0);
    } else {
        uint8_t *buf = g_malloc(len);
        memset(buf, (int)strtol(argv[3], NULL, 0), len);
        r = storage_image_pwrite(img, buf, len, off);
        g_free(buf);
    }
    int rc = storage_image_close(img);
    if (r == 0)
        r = rc;
    return r < 0 ? fail_errno(argv[0], r) : 0;
}

/* The bench drives the library as the VMM does (vmm/virtio/iothread.c,
 * and QEMU's thread pool under qemu-img bench): DEPTH workers that sleep
 * until the dispatcher (the main thread) hands each its next request and
 * report back when it is done.  Workers that spin through requests on
 * their own instead are CPU-bound threads, which a loaded host's
 * scheduler serves last (measured: 2-3x slower wall time on the build
 * machine for the same CPU time), so they would not compare with
 * qemu-img bench. */
typedef struct BenchArg BenchArg;

typedef struct {
    BenchArg *a;
    pthread_t thread;
    pthread_cond_t go;          /* a request (or the stop) was handed over */
    uint64_t req;               /* UINT64_MAX: stop */
    bool busy;                  /* holds a request */
    int err;
    uint8_t *buf;
} BenchWorker;

struct BenchArg {
    StorageImage *img;
    bool write;
    uint64_t size, count, off, step;
    pthread_mutex_t lock;
    pthread_cond_t done;        /* a worker is back */
};

static void *bench_thread(void *opaque)
{
    BenchWorker *w = opaque;
    BenchArg *a = w->a;
    pthread_mutex_lock(&a->lock);
    for (;;) {
        while (!w->busy)
            pthread_cond_wait(&w->go, &a->lock);
        uint64_t i = w->req;
        if (i == UINT64_MAX)
            break;
        pthread_mutex_unlock(&a->lock);
        uint64_t at = a->off + i * a->step;
        int r = a->write ? storage_image_pwrite(a->img, w->buf, a->size, at)
                         : storage_image_pread(a->img, w->buf, a->size, at);
        pthread_mutex_lock(&a->lock);
        if (r < 0 && !w->err)
            w->err = r;
        w->busy = false;
        pthread_cond_signal(&a->done);
    }
    pthread_mutex_unlock(&a->lock);
    return NULL;
}

/* Hand every request out, DEPTH in flight; then stop the workers.
 * The first error or 0. */
static int bench_run(BenchArg *a, BenchWorker *w, unsigned depth)
{
    uint64_t next = 0;
    int err = 0;
    pthread_mutex_lock(&a->lock);
    for (;;) {
        unsigned busy = 0;
        for (unsigned t = 0; t < depth; t++) {
            if (w[t].err && !err)
                err = w[t].err;
            if (!w[t].busy && next < a->count && !err) {
                w[t].req = next++;
                w[t].busy = true;
                pthread_cond_signal(&w[t].go);
            }
            busy += w[t].busy;
        }
        if (!busy)
            break;
        pthread_cond_wait(&a->done, &a->lock);
    }
    for (unsigned t = 0; t < depth; t++) {
        w[t].req = UINT64_MAX;
        w[t].busy = true;
        pthread_cond_signal(&w[t].go);
    }
    pthread_mutex_unlock(&a->lock);
    return err;
}

static double tv_seconds(const struct timeval *tv)
{
    return (double)tv->tv_sec + (double)tv->tv_usec / 1e6;
}

static int cmd_bench(int argc, char **argv)
{
    if (argc < 5 || argc > 7)
        return fail("bench", NULL);
    BenchArg a = { .write = strcmp(argv[1], "write") == 0, .size = parse_size(argv[2]),
                   .count = g_ascii_strtoull(argv[3], NULL, 0),
                   .off = argc >= 6 ? parse_size(argv[5]) : 0 };
    a.step = argc == 7 ? parse_size(argv[6]) : a.size;
    unsigned depth = (unsigned)atoi(argv[4]);
    if (!a.size || !a.count || a.step < a.size || depth < 1 || depth > 64)
        return fail("bench: bad SIZE, COUNT or DEPTH", NULL);
    a.img = open_spec(argv[0], a.write ? 0 : STORAGE_OPEN_READONLY);
    if (!a.img)
        return 1;
    pthread_mutex_init(&a.lock, NULL);
    pthread_cond_init(&a.done, NULL);
    BenchWorker *w = g_new0(BenchWorker, depth);
    for (unsigned t = 0; t < depth; t++) {
        w[t].a = &a;
        pthread_cond_init(&w[t].go, NULL);
        /* page-aligned, as guest memory and qemu-img bench's buffers are */
        if (posix_memalign((void **)&w[t].buf, 4096, a.size) != 0)
            g_error("img-tool: out of memory");
        memset(w[t].buf, 0xa5, a.size);
        pthread_create(&w[t].thread, NULL, bench_thread, &w[t]);
    }
    struct timespec t0, t1;
    struct rusage u0, u1;
    getrusage(RUSAGE_SELF, &u0);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int r = bench_run(&a, w, depth);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    getrusage(RUSAGE_SELF, &u1);
    for (unsigned t = 0; t < depth; t++) {
        pthread_join(w[t].thread, NULL);
        pthread_cond_destroy(&w[t].go);
        free(w[t].buf);
    }
    g_free(w);
    pthread_cond_destroy(&a.done);
    pthread_mutex_destroy(&a.lock);
    int rc = storage_image_close(a.img);
    if (r == 0)
        r = rc;
    if (r < 0)
        return fail_errno("bench", r);
    double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    double mib = (double)a.size * (double)a.count / 1048576.0;
    double cpu = tv_seconds(&u1.ru_utime) - tv_seconds(&u0.ru_utime) +
                 tv_seconds(&u1.ru_stime) - tv_seconds(&u0.ru_stime);
    printf("%.2f %.4f %.2f %.4f\n", mib, s, s > 0 ? mib * 1.048576 / s : 0, cpu);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: img-tool COMMAND ARGS (see img-tool.c)\n");
        return 2;
    }
    const char *cmd = argv[1];
    argc -= 2;
    argv += 2;
    if (strcmp(cmd, "create") == 0)
        return cmd_create(argc, argv);
    if (strcmp(cmd, "info") == 0)
        return cmd_info(argv[0]);
    if (strcmp(cmd, "chain") == 0)
        return cmd_chain(argv[0]);
    if (strcmp(cmd, "check") == 0)
        return cmd_check(argv[0]);
    if (strcmp(cmd, "dump") == 0 && argc == 2)
        return cmd_dump(argv[0], argv[1]);
    if (strcmp(cmd, "dumpchain") == 0 && argc >= 2)
        return cmd_dumpchain(argv[0], argc - 1, argv + 1);
    if (strcmp(cmd, "ops") == 0 && argc == 4)
        return cmd_ops(argv[0], argv[1], g_ascii_strtoull(argv[2], NULL, 0),
                       (unsigned)atoi(argv[3]));
    if (strcmp(cmd, "stress") == 0 && (argc == 3 || argc == 4))
        return cmd_stress(argv[0], g_ascii_strtoull(argv[1], NULL, 0), (unsigned)atoi(argv[2]),
                          argc == 4 ? g_ascii_strtoull(argv[3], NULL, 0) : 0);
    if (strcmp(cmd, "verify") == 0)
        return cmd_verify(argv[0]);
    if (strcmp(cmd, "resize") == 0 && argc == 2)
        return cmd_resize(argv[0], parse_size(argv[1]));
    if (strcmp(cmd, "commit") == 0 && argc == 2)
        return cmd_commit(argv[0], argv[1]);
    if (strcmp(cmd, "copy") == 0 && argc == 2)
        return cmd_copy(argv[0], argv[1]);
    if (strcmp(cmd, "write") == 0)
        return cmd_write_zero(false, argc, argv);
    if (strcmp(cmd, "zero") == 0)
        return cmd_write_zero(true, argc, argv);
    if (strcmp(cmd, "bench") == 0)
        return cmd_bench(argc, argv);
    fprintf(stderr, "img-tool: unknown command or arguments: %s\n", cmd);
    return 2;
}
