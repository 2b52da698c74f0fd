/* gtest-sample.c - a GTest program for test-run-test.sh: with
 * SAMPLE_FAIL=1 its tests fail in every way a test can end (a failed
 * g_assert, g_test_fail(), a crash); without it they all pass.  The
 * crashing test first makes a temp dir and starts a process that
 * outlives its parent (vtest's reaper must remove both), and writes the
 * dir's path to $SAMPLE_REPORT. */
#include "config.h"

#include <glib.h>
#include <signal.h>
#include <stdlib.h>

#include "vtest.h"

static gboolean failing(void)
{
    return g_getenv("SAMPLE_FAIL") != NULL;
}

static void test_ok(void)
{
}

static void test_assert(void)
{
    g_assert_cmpint(failing() ? 1 : 2, ==, 2);
}

static void test_soft(void)
{
    if (failing())
        g_test_fail();
}

typedef struct {
    const char *path;
    char **pid;
} ReadPid;

static gboolean read_pid(gpointer data)
{
    ReadPid *r = data;
    g_free(*r->pid);
    *r->pid = NULL;
    if (!g_file_get_contents(r->path, r->pid, NULL, NULL))
        return FALSE;
    g_strstrip(*r->pid);
    return **r->pid != '\0';
}

static void test_crash(void)
{
    if (!failing())
        return;
    VtTmpDir *dir = vt_tmpdir_new("sample");
    g_autofree char *pidfile = g_build_filename(dir->path, "pid", NULL);
    g_autofree char *script = g_strdup_printf("sleep 1000 & echo $! > %s; wait", pidfile);
    const char *argv[] = { "/bin/sh", "-c", script, NULL };
    VtProc *proc = vt_proc_spawn(argv, NULL, VT_PROC_DEFAULT, NULL, NULL);
    g_assert_nonnull(proc);
    g_autofree char *pid = NULL;
    g_assert_true(vt_wait_until(read_pid, &(ReadPid){ pidfile, &pid }, vt_timeout_ms(10000)));
    const char *report = g_getenv("SAMPLE_REPORT");
    g_autofree char *line = g_strdup_printf("%s %s\n", dir->path, pid);
    if (report)
        g_assert_true(g_file_set_contents(report, line, -1, NULL));
    raise(SIGSEGV);
}

static void test_skip(void)
{
    g_test_skip("skipped on purpose");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/sample/ok1", test_ok);
    g_test_add_func("/sample/assert", test_assert);
    g_test_add_func("/sample/ok2", test_ok);
    g_test_add_func("/sample/soft", test_soft);
    g_test_add_func("/sample/crash", test_crash);
    g_test_add_func("/sample/skip", test_skip);
    g_test_add_func("/sample/last", test_ok);
    return g_test_run();
}
