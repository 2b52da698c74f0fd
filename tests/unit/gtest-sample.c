/* gtest-sample.c - a GTest program for test-run-test.sh: with
 * SAMPLE_FAIL=1 its tests fail in every way a test can end (a failed
 * g_assert, g_test_fail(), a crash); without it they all pass. */
#include "config.h"

#include <glib.h>
#include <signal.h>
#include <stdlib.h>

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

static void test_crash(void)
{
    if (failing())
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
