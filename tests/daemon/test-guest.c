/* test-guest.c - vesseld with the real vessel-vmm and the reference guest
 * (Debian cloud kernel + busybox initramfs, see scripts/guest-fetch.sh and
 * scripts/mkinitramfs.sh): the domain names the build-tree VMM in
 * <emulator>, boots to the guest's shell, the console relay carries a
 * command and its answer both ways, GetInfo reads the VMM's counters, and
 * the domain is shut down.  Skipped when the guest is not cached or the
 * VMM is not built. */
#include "config.h"

#include <poll.h>
#include <string.h>
#include <unistd.h>
#include <gio/gunixfdlist.h>

#include "daemon-fixture.h"

/* The reference guest's directory from scripts/guest-fetch.sh (which
 * fetches it into the cache on first use), or NULL if it cannot. */
static char *find_guest_dir(void)
{
    g_autofree char *fetch = vt_src_path("scripts/guest-fetch.sh");
    const char *argv[] = { "/bin/sh", fetch, NULL };
    g_autofree char *out = NULL, *errs = NULL;
    int code = -1;
    g_autoptr(GError) err = NULL;
    if (!vt_run(argv, NULL, NULL, vt_timeout_ms(600000), &out, &errs, &code, &err) || code != 0) {
        g_test_message("guest-fetch.sh: %s", err ? err->message : errs);
        return NULL;
    }
    g_strstrip(out);
    g_autofree char *kernel = g_build_filename(out, "vmlinuz", NULL);
    return g_file_test(kernel, G_FILE_TEST_EXISTS) ? g_steal_pointer(&out) : NULL;
}

typedef struct {
    DaemonFixture *fx;
    const char *want;
    int fd;
    GString *got;
} WaitText;

static gboolean log_has(gpointer data)
{
    WaitText *w = data;
    g_autofree char *path = g_build_filename(w->fx->dir->path, "log", "domains", "guest.log", NULL);
    g_autofree char *text = NULL;
    return g_file_get_contents(path, &text, NULL, NULL) && strstr(text, w->want);
}

static gboolean console_has(gpointer data)
{
    WaitText *w = data;
    struct pollfd p = { w->fd, POLLIN, 0 };
    while (poll(&p, 1, 0) > 0) {
        char buf[512];
        ssize_t n = read(w->fd, buf, sizeof(buf));
        if (n <= 0)
            break;
        g_string_append_len(w->got, buf, n);
    }
    return strstr(w->got->str, w->want) != NULL;
}

static void test_real_vmm(void)
{
    g_autofree char *vmm = vt_build_path("vmm/vessel-vmm");
    if (g_getenv("VESSEL_TEST_QUICK")) {
        g_test_skip("guest boots run in the main configuration only (VESSEL_TEST_QUICK)");
        return;
    }
    g_autofree char *guest = find_guest_dir();
    if (!guest) {
        vt_test_unavailable("reference guest not available (scripts/guest-fetch.sh failed)");
        return;
    }
    if (!g_file_test(vmm, G_FILE_TEST_IS_EXECUTABLE)) {
        g_test_skip("vmm/vessel-vmm not built");
        return;
    }
    g_autoptr(DaemonFixture) fx = fixture_new(NULL);
    g_autofree char *initrd = g_build_filename(fx->dir->path, "initrd.gz", NULL);
    g_autofree char *mk = vt_src_path("scripts/mkinitramfs.sh");
    const char *mkargv[] = { "/bin/sh", mk, guest, initrd, NULL };
    g_autofree char *out = NULL, *errs = NULL;
    int code = -1;
    g_autoptr(GError) err = NULL;
    g_assert_true(vt_run(mkargv, NULL, NULL, vt_timeout_ms(120000), &out, &errs, &code, &err));
    if (code != 0)
        g_error("mkinitramfs failed: %s", errs);
    fixture_start_daemon(fx, NULL);

    g_autofree char *kernel = g_build_filename(guest, "vmlinuz", NULL);
    g_autofree char *xml = g_strdup_printf(
        "<domain type='dbt'>\n  <name>guest</name>\n  <memory unit='MiB'>256</memory>\n"
        "  <vcpu>1</vcpu>\n  <os>\n    <type>hvm</type>\n    <kernel>%s</kernel>\n"
        "    <initrd>%s</initrd>\n    <cmdline>console=ttyS0 panic=-1</cmdline>\n  </os>\n"
        "  <devices>\n    <emulator>%s</emulator>\n    <serial type='pty'/>\n"
        "  </devices>\n</domain>\n", kernel, initrd, vmm);
    g_autoptr(GVariant) d = fixture_manager(fx, "DefineXML", g_variant_new("(s)", xml), "(o)",
                                            &err);
    g_assert_no_error(err);
    const char *p;
    g_variant_get(d, "(&o)", &p);
    g_autoptr(GVariant) s = fixture_domain(fx, p, "Start", g_variant_new("(u)", 0), NULL, &err);
    g_assert_no_error(err);

    /* the guest's serial output reaches the domain log through the relay */
    WaitText ready = { fx, "vessel-guest: ready", -1, NULL };
    g_assert_true(vt_wait_until(log_has, &ready, vt_timeout_ms(300000)));

    g_autoptr(GVariant) info = fixture_domain(fx, p, "GetInfo", NULL, "((uuuttt))", &err);
    g_assert_no_error(err);
    guint32 st, reason, vcpus;
    guint64 maxmem, mem, cpu;
    g_variant_get(info, "((uuuttt))", &st, &reason, &vcpus, &maxmem, &mem, &cpu);
    g_assert_cmpuint(st, ==, 1);
    g_assert_cmpuint(cpu, >, 0);

    /* a command typed on the console runs in the guest */
    g_autoptr(GUnixFDList) fds = NULL;
    g_autoptr(GVariant) c = g_dbus_connection_call_with_unix_fd_list_sync(
        fx->conn, NULL, p, "org.vessel.Domain1", "OpenConsole", g_variant_new("(u)", 0),
        G_VARIANT_TYPE("(h)"), 0, -1, NULL, &fds, NULL, &err);
    g_assert_no_error(err);
    int fd = g_unix_fd_list_get(fds, 0, &err);
    g_assert_no_error(err);
    const char cmd[] = "echo vessel-$((6*7))\n";
    g_assert_cmpint(write(fd, cmd, strlen(cmd)), ==, (gssize)strlen(cmd));
    WaitText answer = { fx, "vessel-42", fd, g_string_new(NULL) };
    g_assert_true(vt_wait_until(console_has, &answer, vt_timeout_ms(120000)));
    g_string_free(answer.got, TRUE);
    close(fd);

    /* power button: busybox acpid in the guest powers it off */
    g_autoptr(GVariant) sd = fixture_domain(fx, p, "Shutdown", g_variant_new("(uu)", 0, 120), NULL,
                                            &err);
    g_assert_no_error(err);
    g_assert_nonnull(sd);
    fixture_state(fx, p, &st, &reason);
    g_assert_cmpuint(st, ==, 5);
    g_assert_cmpuint(reason, ==, 1);   /* shut off (shutdown) */
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/daemon/guest/real-vmm", test_real_vmm);
    return g_test_run();
}
