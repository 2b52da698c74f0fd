/* nbtest.c - network namespaces for netbridge tests (see nbtest.h). */
#include "config.h"

#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include "tests/lib/vtest.h"
#include "tests/netbridge/nbtest.h"

char *nbtest_netns_new(const char *tag)
{
    static guint serial;
    g_autofree char *name = g_strdup_printf("vessel-test-%d-%s-%u", (int)getpid(), tag, serial++);
    const char *argv[] = { "ip", "netns", "add", name, NULL };
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    g_autoptr(GError) error = NULL;
    int status = -1;

    if (geteuid() != 0) {
        vt_test_unavailable("needs root to create network namespaces");
        return NULL;
    }
    if (!vt_run(argv, NULL, NULL, vt_timeout_ms(10000), &out, &err, &status, &error) ||
        status != 0) {
        g_autofree char *reason = g_strdup_printf("cannot create network namespace %s: %s",
                                                  name, error ? error->message : err);
        vt_test_unavailable(reason);
        return NULL;
    }
    return g_steal_pointer(&name);
}

void nbtest_netns_delete(const char *name)
{
    const char *argv[] = { "ip", "netns", "del", name, NULL };
    int status;

    vt_run(argv, NULL, NULL, vt_timeout_ms(10000), NULL, NULL, &status, NULL);
}

void nbtest_netns_enter_from_env(void)
{
    const char *name = g_getenv(NBTEST_NETNS_ENV);
    g_autofree char *path = NULL;
    int fd;

    g_assert_nonnull(name);
    path = g_build_filename("/run/netns", name, NULL);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(setns(fd, CLONE_NEWNET), ==, 0);
    close(fd);
}

char *nbtest_ip(const char *first, ...)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_autoptr(GError) error = NULL;
    char *out = NULL;
    g_autofree char *err = NULL;
    int status = -1;
    va_list ap;

    g_ptr_array_add(argv, (char *)"ip");
    va_start(ap, first);
    for (const char *a = first; a; a = va_arg(ap, const char *))
        g_ptr_array_add(argv, (char *)a);
    va_end(ap);
    g_ptr_array_add(argv, NULL);
    g_assert_true(vt_run((const char *const *)argv->pdata, NULL, NULL, vt_timeout_ms(10000),
                         &out, &err, &status, &error));
    if (status != 0)
        g_test_message("ip failed: %s", err);
    g_assert_cmpint(status, ==, 0);
    return out;
}

void nbtest_run_in_netns(const char *ns)
{
    g_setenv(NBTEST_NETNS_ENV, ns, TRUE);
    g_test_trap_subprocess(NULL, (guint64)vt_timeout_ms(60000) * 1000,
                           G_TEST_SUBPROCESS_INHERIT_STDERR);
    g_unsetenv(NBTEST_NETNS_ENV);
    nbtest_netns_delete(ns);
    g_test_trap_assert_passed();
}
