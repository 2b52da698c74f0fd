/* vtest.h - helpers for Vessel's tests (tests/lib, libvesseltest.la).
 *
 * Temporary directories that clean up after themselves, helper processes
 * (daemons, VMMs, dbus-daemon) started and stopped with deadlines, and
 * waiting on a condition with a deadline instead of sleeping.  Nothing here
 * asserts on time: a deadline only turns a hang into a clear failure. */
#ifndef VESSEL_VTEST_H
#define VESSEL_VTEST_H

#include <gio/gio.h>
#include <stdint.h>
#include <sys/types.h>

/* Deadlines scale with VESSEL_TEST_TIMEOUT_SCALE (e.g. 4 under sanitizers). */
guint vt_timeout_ms(guint base_ms);

/* TRUE under CI: VESSEL_CI set (.ci/run sets it) or CI=true. */
gboolean vt_in_ci(void);
/* A prerequisite of the running test is missing (@reason): skip it, but
 * fail it under CI, which must not pass without running what it claims. */
void vt_test_unavailable(const char *reason);

/* ---- temporary directories ---------------------------------------- */
typedef struct {
    char *path;
} VtTmpDir;

/* Create a fresh directory under $TMPDIR named after @prefix. */
VtTmpDir *vt_tmpdir_new(const char *prefix);
/* Remove the directory tree (unless VESSEL_TEST_KEEP is set) and free. */
void vt_tmpdir_free(VtTmpDir *dir);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VtTmpDir, vt_tmpdir_free)

/* Remove a directory tree; returns FALSE with @error on failure. */
gboolean vt_rm_rf(const char *path, GError **error);

/* ---- users and groups a test makes (as root) ---------------------- */
/* Should this process die without a normal exit (a failed assertion, a
 * signal, a kill -9), the reaper - a process of its own that outlives
 * it - removes user @user (userdel -f) or group @group (groupdel), after
 * killing the test's processes.  Call before creating them; a normal
 * exit leaves their removal to the test. */
void vt_reaper_add_user(const char *user);
void vt_reaper_add_group(const char *group);

/* ---- waiting with a deadline -------------------------------------- */
typedef gboolean (*VtCondFunc)(gpointer data);

/* Poll @cond (with growing back-off, iterating the default main context)
 * until it returns TRUE or @timeout_ms passes.  Returns the last result. */
gboolean vt_wait_until(VtCondFunc cond, gpointer data, guint timeout_ms);
/* A VtCondFunc for vt_wait_until: the process GINT_TO_POINTER(pid) has
 * no thread left but zombies.  Every thread counts, not only the leader:
 * a killed process's leader shows as a zombie while its other threads
 * are still exiting, and its files (locks, sockets) close with the last. */
gboolean vt_pid_gone(gpointer pid);
gboolean vt_wait_for_path(const char *path, guint timeout_ms);

/* ---- helper processes --------------------------------------------- */
typedef struct VtProc VtProc;

typedef enum {
    VT_PROC_DEFAULT = 0,
    VT_PROC_CAPTURE = 1 << 0,  /* keep stdout+stderr in memory (vt_proc_output) */
    VT_PROC_STDIN_PIPE = 1 << 1 /* give the child a pipe on stdin (vt_proc_stdin_fd) */
} VtProcFlags;

/* Start @argv (argv[0] a path or a name on PATH) with @envp added to the
 * current environment (NULL-terminated "K=V" strings, may be NULL).
 * Without VT_PROC_CAPTURE the child's output goes to @log_path if given,
 * else to our stderr. */
VtProc *vt_proc_spawn(const char *const *argv, const char *const *envp,
                      VtProcFlags flags, const char *log_path, GError **error);
GPid vt_proc_pid(VtProc *proc);
int vt_proc_stdin_fd(VtProc *proc);
/* Output captured so far (VT_PROC_CAPTURE only). */
const char *vt_proc_output(VtProc *proc);
/* TRUE once the process has exited; fills @status (wait status) if so. */
gboolean vt_proc_exited(VtProc *proc, int *status);
/* Wait for exit up to @timeout_ms; FALSE if still running. */
gboolean vt_proc_wait(VtProc *proc, guint timeout_ms, int *status);
/* SIGTERM, wait up to @timeout_ms, then SIGKILL; returns the wait status. */
int vt_proc_stop(VtProc *proc, guint timeout_ms);
/* Stop (if needed) and free. */
void vt_proc_free(VtProc *proc);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VtProc, vt_proc_free)

/* Run a command to completion (deadline @timeout_ms, then SIGKILL and
 * failure).  Captures stdout and stderr separately; *exit_code is the exit
 * status, or 128+signal.  @input (may be NULL) is written to stdin. */
gboolean vt_run(const char *const *argv, const char *const *envp, const char *input,
                guint timeout_ms, char **out, char **err, int *exit_code,
                GError **error);

/* ---- private dbus-daemon ------------------------------------------ */
typedef struct VtDbus VtDbus;

/* Start a private bus (session-like config) with its socket in @dir. */
VtDbus *vt_dbus_start(const char *dir, GError **error);
const char *vt_dbus_address(VtDbus *bus);
void vt_dbus_free(VtDbus *bus);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VtDbus, vt_dbus_free)

/* ---- locating build products -------------------------------------- */
/* Absolute path of @rel under the top build (or source) directory. */
char *vt_build_path(const char *rel);
char *vt_src_path(const char *rel);

/* ---- fuzz drivers without libFuzzer -------------------------------- */
/* Iterations: @default_n, or $VESSEL_FUZZ_ITERATIONS, or the last
 * argument that is not an option. */
unsigned vt_fuzz_iterations(int argc, char **argv, unsigned default_n);
/* The drivers' fixed-seed generator (xorshift64): vt_fuzz_seed() sets
 * @default_seed, or $VESSEL_FUZZ_SEED when set (to replay another run);
 * vt_fuzz_rand() draws the next 64 bits. */
void vt_fuzz_seed(uint64_t default_seed);
uint64_t vt_fuzz_rand(void);
/* Every file of $G_TEST_SRCDIR/@subdir as a GBytes (empty array when
 * the directory is missing); *@dirname (if given) gets the path. */
GPtrArray *vt_fuzz_corpus(const char *subdir, char **dirname);
/* The target under test: the program's LLVMFuzzerTestOneInput. */
typedef int (*VtFuzzTarget)(const uint8_t *data, size_t size);
/* Every input of @corpus through @target, in order. */
void vt_fuzz_replay(GPtrArray *corpus, VtFuzzTarget target);
/* @iterations times: a copy of the corpus input @rnd picks, changed by
 * @mutate, through @target (the driver's fixed-seed generator keeps the
 * run reproducible).  @corpus must not be empty. */
void vt_fuzz_mutations(GPtrArray *corpus, unsigned iterations, uint64_t (*rnd)(void),
                       void (*mutate)(GByteArray *b), VtFuzzTarget target);

#endif
