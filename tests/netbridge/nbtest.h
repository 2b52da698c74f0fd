/* nbtest.h - network namespaces for the netbridge GTest programs.
 *
 * A test creates its own namespace with `ip netns add vessel-test-...`,
 * runs the library calls inside it in a g_test_trap_subprocess() child
 * that setns()es into it, and deletes it at the end.  Without root the
 * test is skipped, except under CI (VESSEL_CI or CI=true, vt_in_ci())
 * where that is a failure. */
#ifndef VESSEL_TESTS_NBTEST_H
#define VESSEL_TESTS_NBTEST_H

#include <glib.h>

/* Environment variable through which the child learns its namespace. */
#define NBTEST_NETNS_ENV "NBTEST_NETNS"

/* Create a namespace named after @tag; NULL if the test was skipped or
 * failed because namespaces are unavailable. */
char *nbtest_netns_new(const char *tag);

/* Delete it (best effort: ip netns del). */
void nbtest_netns_delete(const char *name);

/* In the child: enter the namespace named in $NBTEST_NETNS. */
void nbtest_netns_enter_from_env(void);

/* Run `ip ARGS...` (in the current namespace) and return its stdout;
 * asserts that it succeeds. */
char *nbtest_ip(const char *first, ...) G_GNUC_NULL_TERMINATED;

/* Parent side: run the current test's subprocess inside namespace @ns,
 * then delete @ns and assert the child passed. */
void nbtest_run_in_netns(const char *ns);

#endif
