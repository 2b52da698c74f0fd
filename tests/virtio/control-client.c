/* control-client.c - one request on vessel-vmm's control channel, for
 * the guest tests (test-virtio-guest.sh pauses a guest mid-I/O):
 *
 *   control-client SOCKET REQUEST
 *
 * Connects to the UNIX socket SOCKET, sends REQUEST and a newline, prints
 * the reply line (vmm/README: `ok[ PAYLOAD]` or `error MESSAGE`) and
 * exits 0 for ok, 1 for an error reply or a failure.  A 60 s receive
 * timeout only turns a hang into a failure. */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s SOCKET REQUEST\n", argv[0]);
        return 2;
    }
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    if (strlen(argv[1]) >= sizeof(sa.sun_path))
        return 1;
    strcpy(sa.sun_path, argv[1]);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct timeval tv = { .tv_sec = 60 };
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0 ||
        connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        perror("control-client");
        return 1;
    }
    char line[1024];
    int len = snprintf(line, sizeof(line), "%s\n", argv[2]);
    if (len < 0 || (size_t)len >= sizeof(line) || write(fd, line, (size_t)len) != len) {
        perror("control-client");
        return 1;
    }
    size_t n = 0;
    while (n < sizeof(line) - 1) {
        ssize_t r = read(fd, line + n, 1);
        if (r <= 0 || line[n] == '\n')
            break;
        n++;
    }
    line[n] = '\0';
    close(fd);
    printf("%s\n", line);
    return strncmp(line, "ok", 2) == 0 && (line[2] == '\0' || line[2] == ' ') ? 0 : 1;
}
