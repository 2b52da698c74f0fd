/* console-client.c - the host end of a guest console on a UNIX socket,
 * for test-virtio-guest-console.sh:
 *
 *   console-client SOCKET OUT TRIGGER LINE TIMEOUT_S
 *
 * Connects to SOCKET (retrying until it exists), appends every byte
 * received to OUT, sends LINE plus a newline once TRIGGER has been seen
 * in the received bytes, and exits 0 when the peer closes (the VMM
 * exited).  Exit 1 on errors or when TIMEOUT_S passes first: the deadline
 * only turns a hang into a failure. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int connect_until(const char *path, double deadline)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    if (strlen(path) >= sizeof(sa.sun_path))
        return -1;
    strcpy(sa.sun_path, path);
    int delay_ms = 10;
    while (now_s() < deadline) {
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
            return -1;
        if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
            return fd;
        close(fd);
        poll(NULL, 0, delay_ms);        /* the VMM has not created it yet */
        if (delay_ms < 200)
            delay_ms *= 2;
    }
    return -1;
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: %s SOCKET OUT TRIGGER LINE TIMEOUT_S\n", argv[0]);
        return 2;
    }
    double deadline = now_s() + atof(argv[5]);
    FILE *out = fopen(argv[2], "a");
    if (!out)
        return 1;
    int fd = connect_until(argv[1], deadline);
    if (fd < 0) {
        fprintf(stderr, "console-client: cannot connect to %s\n", argv[1]);
        return 1;
    }
    char seen[4096] = "";               /* a tail of the received bytes */
    size_t nseen = 0;
    int sent = 0;
    for (;;) {
        int left_ms = (int)((deadline - now_s()) * 1000);
        if (left_ms <= 0) {
            fprintf(stderr, "console-client: deadline passed\n");
            return 1;
        }
        struct pollfd p = { .fd = fd, .events = POLLIN };
        if (poll(&p, 1, left_ms) < 0 && errno != EINTR)
            return 1;
        if (!p.revents)
            continue;
        char buf[1024];
        ssize_t n = read(fd, buf, sizeof(buf));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;                      /* the VMM closed the console */
        fwrite(buf, 1, (size_t)n, out);
        fflush(out);
        if (sent)
            continue;
        const size_t cap = sizeof(seen) - 1;
        for (ssize_t i = 0; i < n; i++) {
            if (nseen == cap) {           /* keep the newer half */
                memmove(seen, seen + cap / 2, cap - cap / 2);
                nseen = cap - cap / 2;
            }
            seen[nseen++] = buf[i];
        }
        seen[nseen] = '\0';
        if (strstr(seen, argv[3])) {
            char line[1024];
            int len = snprintf(line, sizeof(line), "%s\n", argv[4]);
            if (len < 0 || (size_t)len >= sizeof(line) || write(fd, line, (size_t)len) != len)
                return 1;
            sent = 1;
        }
    }
    fclose(out);
    return sent ? 0 : 1;
}
