/* fake-vmm.c - a stand-in for vessel-vmm in daemon tests.
 *
 * A separate process the daemon supervises exactly like the real VMM:
 * same command line (DESIGN.md), same control channel (--control
 * unix:PATH, one request line, one reply line), a listening serial socket
 * (--serial unix:PATH) that greets a client and echoes what it receives,
 * and the documented exit codes.  It boots no guest.  What it does on a
 * request is chosen through --cmdline words, so a test picks behaviour
 * per domain through its XML:
 *   fake.powerdown=ignore     the power button does nothing
 *   fake.powerdown=exit:N     exit with status N on powerdown (default 0)
 *   fake.start=fail           print an error and exit 1 at once
 *   fake.start=hang           never open the control socket */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

typedef struct {
    const char *name, *uuid, *cmdline, *serial, *control, *pidfile, *accel;
    int cpus;
    long memory;
    int no_reboot;
} FakeArgs;

static int listen_unix(const char *path)
{
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    if (strlen(path) >= sizeof(a.sun_path))
        return -1;
    strcpy(a.sun_path, path);
    unlink(path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 8) < 0)
        return -1;
    return fd;
}

static const char *word_value(const char *cmdline, const char *key)
{
    const char *p = cmdline ? strstr(cmdline, key) : NULL;
    return p ? p + strlen(key) : NULL;
}

static int starts(const char *v, const char *s)
{
    return v && strncmp(v, s, strlen(s)) == 0;
}

static void cleanup(const FakeArgs *a)
{
    if (a->control)
        unlink(a->control);
    if (a->serial)
        unlink(a->serial);
    if (a->pidfile)
        unlink(a->pidfile);
}

static int usage(void)
{
    fprintf(stderr, "fake-vmm: usage: fake-vmm --kernel FILE [options] (see DESIGN.md)\n");
    return 2;
}

int main(int argc, char **argv)
{
    FakeArgs a = { .name = "guest", .uuid = "", .accel = "dbt", .cpus = 1, .memory = 128 };
    const char *kernel = NULL;
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        if (!strcmp(o, "--no-reboot")) {
            a.no_reboot = 1;
            continue;
        }
        if (i + 1 >= argc)
            return usage();
        const char *v = argv[++i];
        if (!strcmp(o, "--kernel")) kernel = v;
        else if (!strcmp(o, "--cmdline")) a.cmdline = v;
        else if (!strcmp(o, "--serial")) a.serial = starts(v, "unix:") ? v + 5 : NULL;
        else if (!strcmp(o, "--control")) a.control = starts(v, "unix:") ? v + 5 : NULL;
        else if (!strcmp(o, "--name")) a.name = v;
        else if (!strcmp(o, "--uuid")) a.uuid = v;
        else if (!strcmp(o, "--pidfile")) a.pidfile = v;
        else if (!strcmp(o, "--accel")) a.accel = v;
        else if (!strcmp(o, "--cpus")) a.cpus = atoi(v);
        else if (!strcmp(o, "--memory")) a.memory = atol(v);
        else if (strcmp(o, "--initrd") && strcmp(o, "--disk") && strcmp(o, "--net"))
            return usage();
    }
    if (!kernel || !a.control)
        return usage();

    const char *start = word_value(a.cmdline, "fake.start=");
    if (starts(start, "fail")) {
        fprintf(stderr, "fake-vmm: cannot load kernel %s: told to fail\n", kernel);
        return 1;
    }
    signal(SIGPIPE, SIG_IGN);
    if (starts(start, "hang"))
        for (;;)
            pause();

    const char *pd = word_value(a.cmdline, "fake.powerdown=");
    int ignore_powerdown = starts(pd, "ignore");
    int powerdown_exit = starts(pd, "exit:") ? atoi(pd + 5) : 0;

    int ctl = listen_unix(a.control);
    int ser_l = a.serial ? listen_unix(a.serial) : -1;
    if (ctl < 0 || (a.serial && ser_l < 0)) {
        fprintf(stderr, "fake-vmm: cannot listen: %s\n", strerror(errno));
        return 1;
    }
    if (a.pidfile) {
        FILE *f = fopen(a.pidfile, "w");
        if (f) {
            fprintf(f, "%d\n", (int)getpid());
            fclose(f);
        }
    }
    fprintf(stderr, "fake-vmm: %s running (accel %s)\n", a.name, a.accel);

    const char *state = "running";
    int ser = -1;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        struct pollfd p[3] = { { ctl, POLLIN, 0 }, { ser_l, POLLIN, 0 }, { ser, POLLIN, 0 } };
        if (poll(p, 3, -1) < 0 && errno != EINTR)
            return 1;
        if (p[1].revents & POLLIN) {
            int c = accept4(ser_l, NULL, NULL, SOCK_CLOEXEC);
            if (c >= 0) {
                if (ser >= 0)
                    close(ser);
                ser = c;
                char hello[256];
                int n = snprintf(hello, sizeof(hello), "fake-vmm %s console\r\n", a.name);
                if (write(ser, hello, n) < 0)
                    close(ser), ser = -1;
            }
        }
        if (ser >= 0 && (p[2].revents & (POLLIN | POLLHUP | POLLERR))) {
            char buf[512];
            ssize_t n = read(ser, buf, sizeof(buf));
            if (n <= 0 || write(ser, buf, n) != n) {
                close(ser);
                ser = -1;
            }
        }
        if (!(p[0].revents & POLLIN))
            continue;
        int c = accept4(ctl, NULL, NULL, SOCK_CLOEXEC);
        if (c < 0)
            continue;
        char line[256];
        size_t len = 0;
        while (len < sizeof(line) - 1) {
            ssize_t n = read(c, line + len, 1);
            if (n <= 0 || line[len] == '\n')
                break;
            len++;
        }
        line[len] = '\0';
        char reply[512];
        int exit_code = -1;
        if (!strcmp(line, "status")) {
            snprintf(reply, sizeof(reply), "ok %s\n", state);
        } else if (!strcmp(line, "pause")) {
            state = "paused";
            snprintf(reply, sizeof(reply), "ok\n");
        } else if (!strcmp(line, "resume")) {
            state = "running";
            snprintf(reply, sizeof(reply), "ok\n");
        } else if (!strcmp(line, "powerdown")) {
            snprintf(reply, sizeof(reply), "ok\n");
            if (!ignore_powerdown)
                exit_code = powerdown_exit;
            else
                state = "shutting-down";
        } else if (!strcmp(line, "reset")) {
            snprintf(reply, sizeof(reply), "ok\n");
            if (a.no_reboot)
                exit_code = 3;
        } else if (!strcmp(line, "quit")) {
            snprintf(reply, sizeof(reply), "ok\n");
            exit_code = 0;
        } else if (!strcmp(line, "info")) {
            struct timespec t;
            clock_gettime(CLOCK_MONOTONIC, &t);
            long long ns = (t.tv_sec - t0.tv_sec) * 1000000000LL + (t.tv_nsec - t0.tv_nsec);
            snprintf(reply, sizeof(reply),
                     "ok {\"name\": \"%s\", \"uuid\": \"%s\", \"state\": \"%s\", "
                     "\"accel\": \"%s\", \"vcpus\": %d, \"memory_mib\": %ld, "
                     "\"cpu_time_ns\": %lld, \"pid\": %d}\n",
                     a.name, a.uuid, state, a.accel, a.cpus, a.memory, ns + 1, (int)getpid());
        } else {
            snprintf(reply, sizeof(reply), "error unknown command '%s'\n", line);
        }
        if (write(c, reply, strlen(reply)) < 0)
            fprintf(stderr, "fake-vmm: reply lost\n");
        close(c);
        if (exit_code >= 0) {
            fprintf(stderr, "fake-vmm: %s exiting with %d\n", a.name, exit_code);
            cleanup(&a);
            return exit_code;
        }
    }
}
