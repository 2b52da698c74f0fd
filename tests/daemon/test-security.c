/* test-security.c - issue 16: a local attacker against a root vesseld.
 *
 * Every finding of the issue has a test here that failed before the fix:
 * VMMs never run as root and never share an id; <emulator> only from the
 * configuration's allow-list; a domain's files are opened with the rights
 * of the client that starts it (and of whoever turned autostart on), with
 * an error naming the file and the missing permission; runtime paths
 * derive from the UUID only; the daemon's directories and logs are its
 * own; a pid in a status file is trusted and signalled only if it is the
 * domain's VMM.  Tests that need other users run as root and create their own
 * users and group (names unique to the run), removed at exit; clients
 * run as those users are the real vsh, through setpriv(1). */
#include "config.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "daemon-fixture.h"
#include "tests/lib/vtest-xml.h"

#define ST_RUNNING 1
#define ST_PAUSED 3
#define ST_SHUTOFF 5

/* ---- users of this run ------------------------------------------------ */

typedef struct {
    char *group;        /* the socket group */
    char *member;       /* in the group: may start domains */
    uid_t member_uid;
    gid_t gid;
    gboolean made;
} TestUsers;

static TestUsers users;

static gboolean run_ok(const char *const *argv, char **err_out)
{
    g_autofree char *out = NULL, *err = NULL;
    int code = -1;
    g_autoptr(GError) e = NULL;
    gboolean ok = vt_run(argv, NULL, NULL, vt_timeout_ms(60000), &out, &err, &code, &e) &&
                  code == 0;
    if (!ok && err_out)
        *err_out = g_strdup(err ? err : e ? e->message : "");
    return ok;
}

static void users_remove(void)
{
    if (!users.made)
        return;
    const char *ud[] = { "userdel", users.member, NULL };
    const char *gd[] = { "groupdel", users.group, NULL };
    run_ok(ud, NULL);
    run_ok(gd, NULL);
    users.made = FALSE;
}

/* TRUE when the process @pid is alive and is a test-security (a run
 * whose users must stay). */
static gboolean run_alive(const char *pid)
{
    g_autofree char *path = g_strdup_printf("/proc/%s/cmdline", pid);
    g_autofree char *cmd = NULL;
    gsize len = 0;
    if (!g_file_get_contents(path, &cmd, &len, NULL) || !len)
        return FALSE;
    g_autofree char *base = g_path_get_basename(cmd);    /* argv[0] */
    return g_str_has_suffix(base, "test-security");
}

/* Names vt16{KIND}PID in the colon file @db (passwd, group) whose run is
 * gone: left by a run killed before any cleanup could run. */
static GPtrArray *leftovers(const char *db, char kind)
{
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *data = NULL;
    if (!g_file_get_contents(db, &data, NULL, NULL))
        return out;
    g_auto(GStrv) lines = g_strsplit(data, "\n", -1);
    for (char **l = lines; *l; l++) {
        char *colon = strchr(*l, ':');
        if (!colon || strncmp(*l, "vt16", 4) != 0 || (*l)[4] != kind)
            continue;
        *colon = '\0';
        const char *pid = *l + 5;
        if (!*pid || strspn(pid, "0123456789") != strlen(pid) || run_alive(pid))
            continue;
        g_ptr_array_add(out, g_strdup(*l));
    }
    return out;
}

/* Remove the users and groups of earlier runs that are gone (a kill -9,
 * a machine reset: nothing of theirs could clean up); users first, a
 * group may be a user's primary one. */
static void users_sweep(void)
{
    g_autoptr(GPtrArray) u = leftovers("/etc/passwd", 'm');
    g_autoptr(GPtrArray) g = leftovers("/etc/group", 'g');
    for (guint i = 0; i < u->len; i++) {
        const char *ud[] = { "userdel", u->pdata[i], NULL };
        g_test_message("removing user %s of a run that is gone", (char *)u->pdata[i]);
        run_ok(ud, NULL);
    }
    for (guint i = 0; i < g->len; i++) {
        const char *gd[] = { "groupdel", g->pdata[i], NULL };
        g_test_message("removing group %s of a run that is gone", (char *)g->pdata[i]);
        run_ok(gd, NULL);
    }
}

/* Create group vt16gPID and member vt16mPID (once per run): removed at
 * exit, or by the reaper (vtest.h) when this run dies without a normal
 * exit; users of runs that ended without either are removed first. */
static gboolean users_need(void)
{
    if (users.made)
        return TRUE;
    g_autofree char *useradd = g_find_program_in_path("useradd");
    g_autofree char *setpriv = g_find_program_in_path("setpriv");
    if (geteuid() != 0 || !useradd || !setpriv)
        return FALSE;
    users_sweep();
    users.group = g_strdup_printf("vt16g%d", (int)getpid());
    users.member = g_strdup_printf("vt16m%d", (int)getpid());
    const char *ga[] = { "groupadd", users.group, NULL };
    const char *ua[] = { "useradd", "-M", "-N", "-g", users.group, "-s", "/usr/sbin/nologin",
                         users.member, NULL };
    g_autofree char *err = NULL;
    vt_reaper_add_user(users.member);
    vt_reaper_add_group(users.group);
    if (!run_ok(ga, &err) || !run_ok(ua, &err))
        g_error("cannot create the test users: %s", err);
    users.made = TRUE;
    atexit(users_remove);
    const char *id_u[] = { "id", "-u", users.member, NULL };
    const char *id_g[] = { "id", "-g", users.member, NULL };
    g_autofree char *o1 = NULL, *o2 = NULL;
    int c1 = -1, c2 = -1;
    g_assert_true(vt_run(id_u, NULL, NULL, 10000, &o1, NULL, &c1, NULL) && c1 == 0);
    g_assert_true(vt_run(id_g, NULL, NULL, 10000, &o2, NULL, &c2, NULL) && c2 == 0);
    users.member_uid = (uid_t)atoi(o1);
    users.gid = (gid_t)atoi(o2);
    return TRUE;
}

/* vsh ARGS... as the member (setpriv): exit code, stderr in *err. */
static int vsh_as_member(DaemonFixture *fx, char **err, const char *const *args)
{
    g_autofree char *vsh = vt_build_path("shell/vsh");
    g_autofree char *sock = g_build_filename(fx->run_dir, "vessel-sock", NULL);
    g_autofree char *uri = g_strconcat("vessel+unix://", sock, NULL);
    g_autofree char *ru = g_strdup_printf("--reuid=%u", (unsigned)users.member_uid);
    g_autofree char *rg = g_strdup_printf("--regid=%u", (unsigned)users.gid);
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    const char *pre[] = { "setpriv", ru, rg, "--init-groups", "--", vsh, "-c", uri };
    for (gsize i = 0; i < G_N_ELEMENTS(pre); i++)
        g_ptr_array_add(argv, (gpointer)pre[i]);
    for (const char *const *a = args; *a; a++)
        g_ptr_array_add(argv, (gpointer)*a);
    g_ptr_array_add(argv, NULL);
    g_autofree char *out = NULL;
    int code = -1;
    g_autoptr(GError) e = NULL;
    g_assert_true(vt_run((const char *const *)argv->pdata, NULL, NULL, vt_timeout_ms(60000),
                         &out, err, &code, &e));
    return code;
}

/* A fixture whose socket group is the test group, reachable by members. */
static DaemonFixture *group_fixture(const char *extra)
{
    g_autofree char *conf = g_strdup_printf("[sockets]\ngroup=%s\nrw_perms=0660\n%s",
                                            users.group, extra ? extra : "");
    DaemonFixture *fx = fixture_new(conf);
    g_assert_cmpint(chmod(fx->dir->path, 0755), ==, 0);
    return fx;
}

static char *copy_file(const char *from, const char *dir, const char *name, mode_t mode)
{
    g_autofree char *data = NULL;
    gsize len = 0;
    g_assert_true(g_file_get_contents(from, &data, &len, NULL));
    char *to = g_build_filename(dir, name, NULL);
    g_assert_true(g_file_set_contents(to, data, (gssize)len, NULL));
    g_assert_cmpint(chmod(to, mode), ==, 0);
    return to;
}

/* A definition of @name booting @kernel with an optional raw disk. */
static char *domain_xml(const char *name, const char *kernel, const char *disk,
                        const char *emulator)
{
    g_autofree char *d = disk ? g_strdup_printf(
                                    "    <disk type='file' device='disk'>\n"
                                    "      <source file='%s'/>\n"
                                    "      <target dev='vda' bus='virtio'/>\n"
                                    "    </disk>\n",
                                    disk)
                              : g_strdup("");
    g_autofree char *e = emulator ? g_strdup_printf("    <emulator>%s</emulator>\n", emulator)
                                  : g_strdup("");
    return g_strdup_printf(
        "<domain type='dbt'>\n  <name>%s</name>\n  <memory unit='MiB'>64</memory>\n"
        "  <vcpu>1</vcpu>\n  <os>\n    <type>hvm</type>\n    <kernel>%s</kernel>\n"
        "    <cmdline>console=ttyS0</cmdline>\n  </os>\n  <devices>\n%s%s"
        "    <serial type='pty'/>\n  </devices>\n</domain>\n",
        name, kernel, e, d);
}

static void call_ok(DaemonFixture *fx, const char *path, const char *method, GVariant *args)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(GVariant) r = fixture_domain(fx, path, method, args, NULL, &err);
    g_assert_no_error(err);
}

/* ---- VMM ids ---------------------------------------------------------- */

/* Configurations that would let a VMM run as root (or as one shared
 * account) are refused when the daemon starts, with a message naming the
 * key. */
static void test_config_refused(void)
{
    const struct {
        const char *conf;
        const char *msg;
    } cases[] = {
        { "[vmm]\nuser=\n", "[vmm] user= is no longer supported" },
        { "[vmm]\nuser=vessel-vm\n", "[vmm] user= is no longer supported" },
        { "[vmm]\nuid_range=0-100\n", "[vmm] uid_range must be" },
        { "[vmm]\nuid_range=60000-70000\n", "[vmm] uid_range must be" },
        { "[vmm]\nuid_range=5000-4000\n", "[vmm] uid_range must be" },
        { "[vmm]\nuid_range=x\n", "[vmm] uid_range must be" },
    };
    g_autofree char *vesseld = vt_build_path("daemon/vesseld");
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(DaemonFixture) fx = fixture_new(cases[i].conf);
        const char *argv[] = { vesseld, "--config", fx->conf, NULL };
        g_autofree char *out = NULL, *err = NULL;
        int code = -1;
        g_assert_true(vt_run(argv, NULL, NULL, vt_timeout_ms(20000), &out, &err, &code, NULL));
        if (code == 0 || !strstr(err, cases[i].msg))
            g_error("config %s: exit %d, stderr: %s", cases[i].conf, code, err);
    }
}

/* Soft and hard value of limit @name ("Max open files") in
 * /proc/@pid/limits, as the file writes them ("0", "unlimited"). */
static void proc_limit(int pid, const char *name, char **soft, char **hard)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/limits", pid);
    g_autofree char *text = NULL;
    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    const char *line = strstr(text, name);
    g_assert_nonnull(line);
    g_autofree char *rest = g_strndup(line + strlen(name), strcspn(line + strlen(name), "\n"));
    g_auto(GStrv) f = g_strsplit_set(g_strstrip(rest), " ", -1);
    GPtrArray *words = g_ptr_array_new();
    for (char **w = f; *w; w++)
        if (**w)
            g_ptr_array_add(words, *w);
    g_assert_cmpuint(words->len, >=, 2);
    *soft = g_strdup(words->pdata[0]);
    *hard = g_strdup(words->pdata[1]);
    g_ptr_array_free(words, TRUE);
}

/* Seen from inside: a root daemon never runs a VMM as root (no account
 * for VMMs exists on the host; none is needed): each VMM has a uid and
 * gid of its own from [vmm] uid_range, two VMMs never share one (so
 * neither can signal, trace or read the other), no capability is left,
 * no_new_privs is set, its rlimits allow no core file, no locked memory
 * and few descriptors, and it holds only the descriptors the daemon
 * passed. */
static void test_vmm_sandbox(void)
{
    if (geteuid() != 0) {
        g_test_skip("needs root");
        return;
    }
    g_autoptr(DaemonFixture) fx = fixture_new(NULL);
    fixture_start_daemon(fx, NULL);
    g_autofree char *p = fixture_define(fx, "jailed", NULL);
    g_autofree char *p2 = fixture_define(fx, "jailed2", NULL);
    g_autoptr(GError) err = NULL;
    g_autoptr(GVariant) r = fixture_domain(fx, p, "Start", g_variant_new("(u)", 0), NULL, &err);
    g_assert_no_error(err);
    g_autoptr(GVariant) r2 = fixture_domain(fx, p2, "Start", g_variant_new("(u)", 0), NULL,
                                            &err);
    g_assert_no_error(err);
    int pid = fixture_vmm_pid(fx, "jailed");
    int pid2 = fixture_vmm_pid(fx, "jailed2");
    g_assert_cmpint(pid, >, 0);
    g_assert_cmpint(pid2, >, 0);
    g_autofree char *uid = fixture_proc_status(pid, "Uid");
    g_autofree char *gid = fixture_proc_status(pid, "Gid");
    g_autofree char *uid2 = fixture_proc_status(pid2, "Uid");
    guint32 id = (guint32)g_ascii_strtoull(uid, NULL, 10);
    g_assert_cmpuint(id, >=, fx->uid_first);
    g_assert_cmpuint(id, <=, fx->uid_last);
    g_autofree char *four = g_strdup_printf("%u\t%u\t%u\t%u", id, id, id, id);
    g_assert_cmpstr(uid, ==, four);
    g_assert_cmpstr(gid, ==, four);
    g_assert_cmpstr(uid2, !=, uid);     /* one id per VMM */
    g_autofree char *cap = fixture_proc_status(pid, "CapEff");
    g_autofree char *capp = fixture_proc_status(pid, "CapPrm");
    g_autofree char *capb = fixture_proc_status(pid, "CapBnd");
    g_autofree char *nnp = fixture_proc_status(pid, "NoNewPrivs");
    g_assert_cmpstr(cap, ==, "0000000000000000");
    g_assert_cmpstr(capp, ==, "0000000000000000");
    g_assert_cmpstr(capb, ==, "0000000000000000");
    g_assert_cmpstr(nnp, ==, "1");
    /* rlimits: no core file (guest memory), nothing locked, no message
     * queues or real-time priority, and a bounded number of descriptors */
    static const char *const zero[] = { "Max core file size", "Max locked memory",
                                        "Max msgqueue size", "Max realtime priority" };
    for (gsize i = 0; i < G_N_ELEMENTS(zero); i++) {
        g_autofree char *soft = NULL, *hard = NULL;
        proc_limit(pid, zero[i], &soft, &hard);
        if (strcmp(soft, "0") != 0 || strcmp(hard, "0") != 0)
            g_error("vessel-vmm: %s is %s/%s", zero[i], soft, hard);
    }
    g_autofree char *nofile = NULL, *nofile_hard = NULL;
    proc_limit(pid, "Max open files", &nofile, &nofile_hard);
    g_assert_cmpstr(nofile, ==, nofile_hard);
    g_assert_cmpuint(g_ascii_strtoull(nofile, NULL, 10), <=, 1024);
    /* only stdin/stdout/stderr, the kernel the daemon opened for it, its
     * sockets and event fds: nothing else of the daemon leaked in */
    g_autofree char *fddir = g_strdup_printf("/proc/%d/fd", pid);
    g_autoptr(GDir) d = g_dir_open(fddir, 0, NULL);
    const char *ent;
    while ((ent = g_dir_read_name(d))) {
        if (atoi(ent) <= 2)
            continue;
        g_autofree char *fdpath = g_build_filename(fddir, ent, NULL);
        g_autofree char *target = g_file_read_link(fdpath, NULL);
        if (!target)
            continue;   /* closed meanwhile */
        /* sockets, event fds, the kernel it maps again on reboot, the
         * memfds it makes itself (the translator's code buffer) and the
         * domain's lock, its pid file (RUN/domains/UUID.pid) */
        g_autofree char *lockdir = g_build_filename(fx->run_dir, "domains", "", NULL);
        gboolean lock = g_str_has_prefix(target, lockdir) && g_str_has_suffix(target, ".pid");
        if (!g_str_has_prefix(target, "socket:") && !g_str_has_prefix(target, "anon_inode:") &&
            !g_str_has_prefix(target, "/memfd:vessel-") && g_strcmp0(target, fx->kernel) != 0 &&
            !lock)
            g_error("vessel-vmm has fd %s -> %s", ent, target);
    }
    g_autoptr(GVariant) x = fixture_domain(fx, p, "Destroy", g_variant_new("(u)", 0), NULL, &err);
    g_assert_no_error(err);
    g_autoptr(GVariant) x2 = fixture_domain(fx, p2, "Destroy", g_variant_new("(u)", 0), NULL,
                                            &err);
    g_assert_no_error(err);
}

/* One request on a VMM's control socket @path (any length: through its
 * directory's descriptor); the reply line, NULL if the VMM did not answer. */
static char *vmm_ask(const char *path, const char *request)
{
    g_autofree char *dir = g_path_get_dirname(path);
    g_autofree char *base = g_path_get_basename(path);
    int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    g_assert_cmpint(dfd, >=, 0);
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    g_snprintf(sa.sun_path, sizeof(sa.sun_path), "/proc/self/fd/%d/%s", dfd, base);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), ==, 0);
    close(dfd);
    struct timeval tv = { .tv_sec = vt_timeout_ms(20000) / 1000 };
    g_assert_cmpint(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), ==, 0);
    g_autofree char *line = g_strconcat(request, "\n", NULL);
    g_assert_cmpint(send(fd, line, strlen(line), MSG_NOSIGNAL), ==, (ssize_t)strlen(line));
    g_autoptr(GString) reply = g_string_new(NULL);
    char buf[4096];
    ssize_t n;
    while (!strchr(reply->str, '\n') && (n = recv(fd, buf, sizeof(buf), 0)) > 0)
        g_string_append_len(reply, buf, n);
    close(fd);
    char *nl = strchr(reply->str, '\n');
    if (!nl)
        return NULL;
    *nl = '\0';
    return g_string_free(g_steal_pointer(&reply), FALSE);
}

/* The sandbox seen from inside VMMs a root daemon started (issue 16):
 * a per-VM uid, CapEff 0, Seccomp 2, NoNewPrivs 1 on every thread; asked
 * through the test-only control command sandbox-probe (the daemon runs
 * vessel-vmm --sandbox-test through a wrapper given as $VESSEL_VMM), the
 * VMM cannot open /etc/shadow nor connect to the other VM's control
 * socket, and its mount namespace has an empty root (where the host
 * allows user namespaces); a syscall outside its allow-list kills that VMM alone
 * (SIGSYS), and the daemon records its domain as crashed while the other
 * runs on. */
static void test_vmm_confined(void)
{
    if (geteuid() != 0) {
        g_test_skip("needs root");
        return;
    }
    g_autoptr(DaemonFixture) fx = fixture_new(NULL);
    g_assert_cmpint(chmod(fx->dir->path, 0755), ==, 0);
    g_autofree char *vmm = vt_build_path("vmm/vessel-vmm");
    g_autofree char *wrapper = g_build_filename(fx->dir->path, "vmm-probed", NULL);
    g_autofree char *body = g_strdup_printf("#!/bin/sh\nexec '%s' --sandbox-test \"$@\"\n", vmm);
    g_assert_true(g_file_set_contents(wrapper, body, -1, NULL));
    g_assert_cmpint(chmod(wrapper, 0755), ==, 0);
    g_autofree char *env_vmm = g_strconcat("VESSEL_VMM=", wrapper, NULL);
    const char *env[] = { env_vmm, NULL };
    fixture_start_daemon(fx, env);
    g_autofree char *pa = fixture_define(fx, "probed", NULL);
    g_autofree char *pb = fixture_define(fx, "bystander", NULL);
    call_ok(fx, pa, "Start", g_variant_new("(u)", 0));
    call_ok(fx, pb, "Start", g_variant_new("(u)", 0));
    int a = fixture_vmm_pid(fx, "probed");
    int b = fixture_vmm_pid(fx, "bystander");
    g_assert_cmpint(a, >, 0);
    g_assert_cmpint(b, >, 0);
    g_autofree char *ctl_a = fixture_socket_path(fx, "probed", "control");
    g_autofree char *ctl_b = fixture_socket_path(fx, "bystander", "control");
    g_autofree char *status = vmm_ask(ctl_a, "status");
    g_assert_cmpstr(status, ==, "ok running");   /* sealed: the guest runs */

    g_autofree char *uid = fixture_proc_status(a, "Uid");
    guint32 id = (guint32)g_ascii_strtoull(uid, NULL, 10);
    g_assert_cmpuint(id, !=, 0);
    g_assert_cmpuint(id, >=, fx->uid_first);
    g_assert_cmpuint(id, <=, fx->uid_last);
    /* every thread, not only the main one */
    g_autofree char *tasks = g_strdup_printf("/proc/%d/task", a);
    g_autoptr(GDir) d = g_dir_open(tasks, 0, NULL);
    g_assert_nonnull(d);
    guint threads = 0;
    for (const char *t; (t = g_dir_read_name(d)); threads++) {
        int tid = atoi(t);
        g_autofree char *cap = fixture_proc_status(tid, "CapEff");
        g_autofree char *sec = fixture_proc_status(tid, "Seccomp");
        g_autofree char *nnp = fixture_proc_status(tid, "NoNewPrivs");
        if (!cap)
            continue;   /* gone meanwhile */
        if (strcmp(cap, "0000000000000000") || strcmp(sec, "2") || strcmp(nnp, "1"))
            g_error("VMM thread %d: CapEff %s Seccomp %s NoNewPrivs %s", tid, cap, sec, nnp);
    }
    g_assert_cmpuint(threads, >=, 2);   /* main and the vCPU at least */

    g_autofree char *shadow = vmm_ask(ctl_a, "sandbox-probe open /etc/shadow");
    if (!g_str_has_prefix(shadow, "ok refused"))
        g_error("the VMM opened /etc/shadow: %s", shadow);
    g_autofree char *other = g_strdup_printf("sandbox-probe connect %s", ctl_b);
    g_autofree char *conn = vmm_ask(ctl_a, other);
    if (!g_str_has_prefix(conn, "ok refused"))
        g_error("the VMM reached the other VM's control socket: %s", conn);

    /* every file came as a descriptor: its own mount namespace whose root
     * is empty (but /proc, bound in for the sanitizers) - where the host
     * gives an unprivileged uid a user namespace; a container may not */
    g_autofree char *mns = vmm_ask(ctl_a, "sandbox-probe mountns");
    const char *userns[] = { "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                             "unshare", "-U", "-m", "true", NULL };
    int userns_rc = -1;
    g_assert_true(vt_run(userns, NULL, NULL, vt_timeout_ms(30000), NULL, NULL, &userns_rc,
                         NULL));
    if (userns_rc == 0) {
        if (g_strcmp0(mns, "ok on empty-root") != 0)
            g_error("the VMM's mount namespace: %s", mns);
        g_autofree char *root = g_strdup_printf("/proc/%d/root", a);
        g_autoptr(GDir) rd = g_dir_open(root, 0, NULL);
        g_assert_nonnull(rd);
        for (const char *e; (e = g_dir_read_name(rd));)
            if (strcmp(e, "proc") != 0)
                g_error("the VMM's root holds %s", e);
    } else {
        g_test_message("no user namespace for nobody here; the VMM says: %s", mns);
    }

    /* outside the allow-list: only this VMM dies, the daemon says crashed */
    g_free(vmm_ask(ctl_a, "sandbox-probe forbidden"));
    fixture_wait_state(fx, pa, ST_SHUTOFF);
    guint st, reason;
    fixture_state(fx, pa, &st, &reason);
    g_assert_cmpuint(reason, ==, 3);   /* crashed */
    fixture_wait_log(fx, "probed", "killed by signal 31");
    fixture_state(fx, pb, &st, &reason);
    g_assert_cmpuint(st, ==, ST_RUNNING);
    g_autofree char *alive = vmm_ask(ctl_b, "status");
    g_assert_cmpstr(alive, ==, "ok running");
    call_ok(fx, pb, "Destroy", g_variant_new("(u)", 0));
}

/* ---- <emulator> ------------------------------------------------------- */

/* <emulator> names a script: refused (AccessDenied, naming it), and the
 * script never runs.  Listed in [vmm] emulators it runs - as the VMM's
 * own unprivileged id, never as root. */
static void test_emulator_allow_list(void)
{
    g_autoptr(DaemonFixture) fx0 = fixture_new(NULL);
    g_assert_cmpint(chmod(fx0->dir->path, 0755), ==, 0);
    g_autofree char *drop = g_build_filename(fx0->dir->path, "drop", NULL);
    g_assert_cmpint(g_mkdir_with_parents(drop, 0755), ==, 0);
    g_assert_cmpint(chmod(drop, 01777), ==, 0);
    g_autofree char *marker = g_build_filename(drop, "ran", NULL);
    g_autofree char *script = g_build_filename(fx0->dir->path, "evil.sh", NULL);
    g_autofree char *body = g_strdup_printf("#!/bin/sh\nid -u > %s\n", marker);
    g_assert_true(g_file_set_contents(script, body, -1, NULL));
    g_assert_cmpint(chmod(script, 0755), ==, 0);

    fixture_start_daemon(fx0, NULL);
    g_autofree char *xml = domain_xml("evil", fx0->kernel, NULL, script);
    g_autofree char *p = fixture_define_xml(fx0, xml);
    g_autoptr(GError) err = NULL;
    g_autoptr(GVariant) r = fixture_domain(fx0, p, "Start", g_variant_new("(u)", 0), NULL, &err);
    g_assert_null(r);
    fixture_assert_error(err, "org.vessel.Error.AccessDenied");
    g_assert_nonnull(strstr(err->message, script));
    g_assert_false(g_file_test(marker, G_FILE_TEST_EXISTS));
    /* a path that only looks different is still not on the list */
    g_autofree char *dotted = g_strdup_printf("%s/./../%s/evil.sh", fx0->dir->path,
                                              strrchr(fx0->dir->path, '/') + 1);
    g_autofree char *xml2 = domain_xml("evil2", fx0->kernel, NULL, dotted);
    g_autofree char *p2 = fixture_define_xml(fx0, xml2);
    g_clear_error(&err);
    g_autoptr(GVariant) r2 = fixture_domain(fx0, p2, "Start", g_variant_new("(u)", 0), NULL,
                                            &err);
    g_assert_null(r2);
    fixture_assert_error(err, "org.vessel.Error.AccessDenied");
    g_assert_false(g_file_test(marker, G_FILE_TEST_EXISTS));
    fixture_stop_daemon(fx0, FALSE);

    if (geteuid() != 0)
        return;
    /* allowed by the administrator: it runs, unprivileged */
    g_autofree char *allow = g_strdup_printf("%s\n[vmm]\nemulators=%s;\n", "", script);
    g_autofree char *conf = NULL;
    g_assert_true(g_file_get_contents(fx0->conf, &conf, NULL, NULL));
    g_autofree char *conf2 = g_strconcat(conf, allow, NULL);
    g_assert_true(g_file_set_contents(fx0->conf, conf2, -1, NULL));
    fixture_start_daemon(fx0, NULL);
    g_clear_error(&err);
    g_autoptr(GVariant) r3 = fixture_domain(fx0, p, "Start", g_variant_new("(u)", 0), NULL, &err);
    g_assert_null(r3);     /* the script is no VMM: the start fails */
    g_autofree char *uid = NULL;
    g_assert_true(g_file_get_contents(marker, &uid, NULL, NULL));
    guint64 id = g_ascii_strtoull(uid, NULL, 10);
    g_assert_cmpuint(id, >=, fx0->uid_first);
    g_assert_cmpuint(id, <=, fx0->uid_last);
}

/* ---- files with the client's rights ----------------------------------- */

/* GetBlockInfo (vsh domblkinfo) reads a disk's image with the rights of
 * the client that asks: a member who names /etc/shadow or a file in
 * root's 0700 directory as a disk learns neither its size nor whether
 * it exists (before, the root daemon read them for anyone, even on the
 * read-only socket); their own image answers, and root's answer is
 * unchanged. */
static void test_block_info_rights(void)
{
    if (!users_need()) {
        g_test_skip("needs root, useradd and setpriv");
        return;
    }
    g_autoptr(DaemonFixture) fx = group_fixture(NULL);
    fixture_start_daemon(fx, NULL);
    g_autofree char *closed = g_build_filename(fx->dir->path, "closed", NULL);
    g_assert_cmpint(g_mkdir_with_parents(closed, 0700), ==, 0);
    g_autofree char *hidden = g_build_filename(closed, "secret.img", NULL);
    g_assert_true(g_file_set_contents(hidden, "", 0, NULL));
    g_assert_cmpint(truncate(hidden, 3 << 20), ==, 0);
    g_autofree char *own = g_build_filename(fx->dir->path, "own.img", NULL);
    g_assert_true(g_file_set_contents(own, "", 0, NULL));
    g_assert_cmpint(truncate(own, 2 << 20), ==, 0);
    g_assert_cmpint(chown(own, users.member_uid, users.gid), ==, 0);
    g_assert_cmpint(chmod(own, 0600), ==, 0);
    const struct {
        const char *name, *disk;
        gboolean member_ok;
    } cases[] = {
        { "peek-shadow", "/etc/shadow", FALSE },
        { "peek-hidden", hidden, FALSE },
        { "peek-own", own, TRUE },
    };
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *xml = domain_xml(cases[i].name, fx->kernel, cases[i].disk, NULL);
        g_autofree char *p = fixture_define_xml(fx, xml);
        const char *args[] = { "domblkinfo", cases[i].name, "vda", NULL };
        g_autofree char *err = NULL;
        int code = vsh_as_member(fx, &err, args);
        g_test_message("member: domblkinfo %s: exit %d: %s", cases[i].disk, code, err);
        if ((code == 0) != cases[i].member_ok)
            g_error("the member's domblkinfo of %s: exit %d, %s", cases[i].disk, code, err);
        if (!cases[i].member_ok && !strstr(err, "ermission denied"))
            g_error("no permission error for %s: %s", cases[i].disk, err);
        g_autoptr(GError) e = NULL;
        g_autoptr(GVariant) r = fixture_domain(fx, p, "GetBlockInfo",
                                               g_variant_new("(s)", "vda"), NULL, &e);
        g_assert_no_error(e);       /* root's rights */
    }
}

/* A member of the socket group starts domains: files they cannot open
 * are refused with the file and the missing permission named (a backing
 * file their own qcow2 image names, too: the file named); their own
 * files work; root may use root's files.  Autostart turned on by the
 * member uses the member's rights, not root's. */
static void test_client_rights(void)
{
    if (!users_need()) {
        g_test_skip("needs root, useradd and setpriv");
        return;
    }
    g_autoptr(DaemonFixture) fx = group_fixture(NULL);
    fixture_start_daemon(fx, NULL);
    const char *dir = fx->dir->path;
    g_autofree char *root_kernel = copy_file(fx->kernel, dir, "root-kernel", 0600);
    g_autofree char *root_disk = g_build_filename(dir, "root-disk.img", NULL);
    g_assert_true(g_file_set_contents(root_disk, "", 0, NULL));
    g_assert_cmpint(truncate(root_disk, 1 << 20), ==, 0);
    g_assert_cmpint(chmod(root_disk, 0644), ==, 0);
    g_autofree char *closed = g_build_filename(dir, "closed", NULL);
    g_assert_cmpint(g_mkdir_with_parents(closed, 0700), ==, 0);
    g_autofree char *hidden_kernel = copy_file(fx->kernel, closed, "kernel", 0644);
    g_autofree char *open_kernel = copy_file(fx->kernel, dir, "open-kernel", 0644);
    g_autofree char *own_disk = g_build_filename(dir, "own-disk.img", NULL);
    g_assert_true(g_file_set_contents(own_disk, "", 0, NULL));
    g_assert_cmpint(truncate(own_disk, 1 << 20), ==, 0);
    g_assert_cmpint(chown(own_disk, users.member_uid, users.gid), ==, 0);
    g_assert_cmpint(chmod(own_disk, 0600), ==, 0);

    const struct {
        const char *name, *kernel, *disk, *want;
    } refused[] = {
        { "shadow", "/etc/shadow", NULL, "no read permission on /etc/shadow" },
        { "rootk", root_kernel, NULL, "no read permission on" },
        { "rootd", open_kernel, root_disk, "no write permission on" },
        { "hidden", hidden_kernel, NULL, "no search (x) permission on directory" },
    };
    for (gsize i = 0; i < G_N_ELEMENTS(refused); i++) {
        g_autofree char *xml = domain_xml(refused[i].name, refused[i].kernel, refused[i].disk,
                                          NULL);
        g_autofree char *p = fixture_define_xml(fx, xml);
        g_autofree char *err = NULL;
        const char *args[] = { "start", refused[i].name, NULL };
        int code = vsh_as_member(fx, &err, args);
        g_autofree char *who = g_strdup_printf("user %s (uid %u)", users.member,
                                               (unsigned)users.member_uid);
        if (code == 0 || !strstr(err, refused[i].want) || !strstr(err, who))
            g_error("start of %s by the member: exit %d, stderr: %s", refused[i].name, code,
                    err);
        g_test_message("%s", g_strstrip(err));
        guint st, reason;
        fixture_state(fx, p, &st, &reason);
        g_assert_cmpuint(st, ==, ST_SHUTOFF);
        g_assert_cmpint(fixture_vmm_pid(fx, refused[i].name), ==, 0);
    }
    /* the member's own qcow2 image on root's disk as its backing file
     * (storage issue 18: a backing file the defining user could not
     * open): refused, naming that file; the chain is read as the member */
    g_autofree char *qemu_img = g_find_program_in_path("qemu-img");
    if (qemu_img) {
        g_assert_cmpint(chmod(root_disk, 0600), ==, 0);
        g_autofree char *overlay = g_build_filename(dir, "own-overlay.qcow2", NULL);
        const char *mk[] = { qemu_img, "create", "-q", "-f", "qcow2", "-F", "raw", "-b",
                             root_disk, overlay, NULL };
        g_autofree char *mkerr = NULL;
        if (!run_ok(mk, &mkerr))
            g_error("qemu-img create: %s", mkerr);
        g_assert_cmpint(chown(overlay, users.member_uid, users.gid), ==, 0);
        g_autofree char *bxml = domain_xml("rootb", open_kernel, overlay, NULL);
        g_autoptr(GString) q = g_string_new(bxml);
        g_string_replace(q, "<source file=", "<driver name='qemu' type='qcow2'/>\n      <source file=", 1);
        g_autofree char *bp = fixture_define_xml(fx, q->str);
        g_autofree char *berr = NULL;
        const char *start_b[] = { "start", "rootb", NULL };
        int bcode = vsh_as_member(fx, &berr, start_b);
        if (bcode == 0 || !strstr(berr, root_disk))
            g_error("start of rootb by the member: exit %d, stderr: %s", bcode, berr);
        g_test_message("%s", g_strstrip(berr));
        guint bst, breason;
        fixture_state(fx, bp, &bst, &breason);
        g_assert_cmpuint(bst, ==, ST_SHUTOFF);
        g_assert_cmpint(fixture_vmm_pid(fx, "rootb"), ==, 0);
        g_assert_cmpint(chmod(root_disk, 0644), ==, 0);
    }
    /* the member's own disk, a readable kernel: fine */
    g_autofree char *xml = domain_xml("mine", open_kernel, own_disk, NULL);
    g_autofree char *mine = fixture_define_xml(fx, xml);
    g_autofree char *err = NULL;
    const char *start_mine[] = { "start", "mine", NULL };
    int code = vsh_as_member(fx, &err, start_mine);
    if (code != 0)
        g_error("start of mine by the member: exit %d: %s", code, err);
    fixture_wait_state(fx, mine, ST_RUNNING);
    call_ok(fx, mine, "Destroy", g_variant_new("(u)", 0));
    /* root's own file, started by root: fine */
    g_autofree char *rootk_path = NULL;
    {
        g_autoptr(GError) e = NULL;
        g_autoptr(GVariant) v = fixture_manager(fx, "LookupByName",
                                                g_variant_new("(s)", "rootk"), "(o)", &e);
        g_assert_no_error(e);
        g_variant_get(v, "(o)", &rootk_path);
    }
    call_ok(fx, rootk_path, "Start", g_variant_new("(u)", 0));
    call_ok(fx, rootk_path, "Destroy", g_variant_new("(u)", 0));

    /* autostart turned on by the member: at the next boot's autostart the
     * member's rights decide, so root's kernel stays closed */
    g_autofree char *aerr = NULL;
    const char *auto_on[] = { "autostart", "rootk", NULL };
    code = vsh_as_member(fx, &aerr, auto_on);
    if (code != 0)
        g_error("autostart by the member: exit %d: %s", code, aerr);
    fixture_stop_daemon(fx, FALSE);
    g_autofree char *marker = g_build_filename(fx->run_dir, "autostarted", NULL);
    unlink(marker);
    fixture_start_daemon(fx, NULL);
    g_autofree char *dlog_path = g_build_filename(fx->dir->path, "vesseld.log", NULL);
    g_autofree char *want = g_strdup_printf("Autostart of domain 'rootk' failed");
    gboolean seen = FALSE;
    for (int i = 0; i < 200 && !seen; i++) {
        g_autofree char *dlog = NULL;
        g_file_get_contents(dlog_path, &dlog, NULL, NULL);
        seen = dlog && strstr(dlog, want) && strstr(dlog, "no read permission on");
        if (!seen)
            g_usleep(50000);
    }
    g_assert_true(seen);
    guint st, reason;
    fixture_state(fx, rootk_path, &st, &reason);
    g_assert_cmpuint(st, ==, ST_SHUTOFF);
}

/* ---- runtime paths ---------------------------------------------------- */

/* Runtime files derive from the UUID only: a domain named like another
 * domain's UUID cannot take over its sockets (the long-name fallback to
 * RUN/domains/UUID.control let it before). */
static void test_paths_by_uuid(void)
{
    g_autoptr(DaemonFixture) fx = fixture_new(NULL);
    fixture_start_daemon(fx, NULL);
    g_autofree char *longname = g_strnfill(100, 'l');
    g_autofree char *a = fixture_define(fx, longname, NULL);
    const char *node = strrchr(a, '/') + 1;
    g_autofree char *uuid = g_strdup(node);
    g_strdelimit(uuid, "_", '-');
    g_autofree char *name_b = g_strconcat(uuid, ".control", NULL);
    g_autofree char *b = fixture_define(fx, uuid, NULL);
    g_autofree char *c = fixture_define(fx, name_b, NULL);
    call_ok(fx, a, "Start", g_variant_new("(u)", 0));
    call_ok(fx, b, "Start", g_variant_new("(u)", 0));
    call_ok(fx, c, "Start", g_variant_new("(u)", 0));
    call_ok(fx, a, "Suspend", NULL);
    guint st, reason;
    fixture_state(fx, a, &st, &reason);
    g_assert_cmpuint(st, ==, ST_PAUSED);
    fixture_state(fx, b, &st, &reason);
    g_assert_cmpuint(st, ==, ST_RUNNING);
    /* b and c answer on their own sockets */
    call_ok(fx, b, "Suspend", NULL);
    call_ok(fx, c, "Suspend", NULL);
    call_ok(fx, a, "Resume", NULL);
    fixture_state(fx, a, &st, &reason);
    g_assert_cmpuint(st, ==, ST_RUNNING);
    fixture_state(fx, b, &st, &reason);
    g_assert_cmpuint(st, ==, ST_PAUSED);
    for (const char *const *p = (const char *const[]){ a, b, c, NULL }; *p; p++)
        call_ok(fx, *p, "Destroy", g_variant_new("(u)", 0));
}

/* ---- status files ----------------------------------------------------- */

/* /proc/PID/stat field 22, 0 if gone or a zombie. */
static guint64 start_time_of(int pid)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/stat", pid);
    g_autofree char *data = NULL;
    if (!g_file_get_contents(path, &data, NULL, NULL))
        return 0;
    const char *p = strrchr(data, ')');
    g_assert_nonnull(p);
    if (p[2] == 'Z' || p[2] == 'X')
        return 0;
    g_auto(GStrv) f = g_strsplit(p + 2, " ", -1);
    g_assert_cmpuint(g_strv_length(f), >, 19);
    return g_ascii_strtoull(f[19], NULL, 10);   /* field 22 */
}

/* A status file is trusted only as far as the process it names is the
 * domain's VMM (its start time, binary, --uuid and VMM id): a recorded pid
 * that now belongs to another process - reused, or written there by an
 * attacker with the right start time - is neither reattached nor ever
 * signalled.  Before, the daemon listed the domain as running and
 * Destroy killed that process. */
static void test_forged_status(void)
{
    g_autoptr(DaemonFixture) fx = fixture_new(NULL);
    fixture_start_daemon(fx, NULL);
    g_autofree char *p = fixture_define(fx, "forged", NULL);
    call_ok(fx, p, "Start", g_variant_new("(u)", 0));
    g_autofree char *status = fixture_status_file(fx, p);
    int vmm = fixture_vmm_pid(fx, "forged");
    g_assert_cmpint(vmm, >, 0);
    fixture_stop_daemon(fx, TRUE);  /* kill -9: the VMM outlives it */
    g_autofree char *text = NULL;
    g_assert_true(g_file_get_contents(status, &text, NULL, NULL));
    g_assert_cmpint(kill(vmm, SIGKILL), ==, 0);
    g_assert_true(vt_wait_until(vt_pid_gone, GINT_TO_POINTER(vmm), vt_timeout_ms(20000)));

    /* the process the forged file points at */
    const char *argv[] = { "sleep", "600", NULL };
    g_autoptr(GError) err = NULL;
    g_autoptr(VtProc) victim = vt_proc_spawn(argv, NULL, 0, NULL, &err);
    g_assert_no_error(err);
    int vpid = vt_proc_pid(victim);
    guint64 vstart = 0;
    for (int i = 0; i < 1000 && !(vstart = start_time_of(vpid)); i++)
        g_usleep(1000);
    g_assert_cmpuint(vstart, >, 0);
    g_autoptr(GRegex) re = g_regex_new(" pid='[0-9]*' pid_start='[0-9]*'", 0, 0, NULL);
    g_autofree char *with = g_strdup_printf(" pid='%d' pid_start='%" G_GUINT64_FORMAT "'", vpid,
                                            vstart);
    g_autofree char *forged = g_regex_replace_literal(re, text, -1, 0, with, 0, NULL);
    g_assert_cmpstr(forged, !=, text);
    g_assert_true(g_file_set_contents(status, forged, -1, NULL));

    fixture_start_daemon(fx, NULL);
    guint st, reason;
    fixture_state(fx, p, &st, &reason);
    g_assert_cmpuint(st, ==, ST_SHUTOFF);
    g_autoptr(GVariant) r = fixture_domain(fx, p, "Destroy", g_variant_new("(u)", 0), NULL, &err);
    g_assert_nonnull(err);
    g_clear_error(&err);
    g_usleep(200000);
    g_assert_false(vt_proc_exited(victim, NULL));
    g_assert_cmpuint(start_time_of(vpid), ==, vstart);
    g_autofree char *log = fixture_read_log(fx, "forged");
    g_autofree char *want = g_strdup_printf("not reattached: process %d is not this domain's VMM",
                                            vpid);
    if (!strstr(log, want))
        g_error("no \"%s\" in the log:\n%s", want, log);
}

/* Processes whose command line has --uuid @uuid (VMMs of that domain). */
static guint vmms_of(const char *uuid)
{
    guint n = 0;
    g_autoptr(GDir) proc = g_dir_open("/proc", 0, NULL);
    const char *ent;
    while ((ent = g_dir_read_name(proc))) {
        if (!g_ascii_isdigit(*ent))
            continue;
        g_autofree char *path = g_strdup_printf("/proc/%s/cmdline", ent);
        g_autofree char *cmd = NULL;
        gsize len = 0;
        if (!g_file_get_contents(path, &cmd, &len, NULL) || start_time_of(atoi(ent)) == 0)
            continue;
        for (const char *a = cmd; a + 7 < cmd + len; a += strlen(a) + 1)
            if (!strcmp(a, "--uuid") && !strcmp(a + 7, uuid))
                n++;
    }
    return n;
}

static char *uuid_of(const char *object_path)
{
    char *uuid = g_strdup(strrchr(object_path, '/') + 1);
    g_strdelimit(uuid, "_", '-');
    return uuid;
}

/* At most one VMM per domain, whatever the daemon remembers: with its
 * status file lost (a full run directory, a daemon killed before it
 * wrote it), a domain's VMM still holds the domain's lock, and a second
 * Start is refused, naming its pid - before, it spawned a second VMM on
 * the same disks and took the first one's sockets. */
static void test_one_vmm_per_domain(void)
{
    g_autoptr(DaemonFixture) fx = fixture_new(NULL);
    fixture_start_daemon(fx, NULL);
    g_autofree char *p = fixture_define(fx, "single", NULL);
    g_autofree char *uuid = uuid_of(p);
    call_ok(fx, p, "Start", g_variant_new("(u)", 0));
    int vmm = fixture_vmm_pid(fx, "single");
    g_autofree char *status = fixture_status_file(fx, p);
    fixture_stop_daemon(fx, TRUE);
    g_assert_cmpint(unlink(status), ==, 0);
    fixture_start_daemon(fx, NULL);
    guint st, reason;
    fixture_state(fx, p, &st, &reason);
    g_assert_cmpuint(st, ==, ST_SHUTOFF);   /* the daemon does not know it */
    g_autoptr(GError) err = NULL;
    g_autoptr(GVariant) r = fixture_domain(fx, p, "Start", g_variant_new("(u)", 0), NULL, &err);
    fixture_assert_error(err, "org.vessel.Error.OperationInvalid");
    g_autofree char *pid = g_strdup_printf("pid %d", vmm);
    if (!strstr(err->message, "still has a VMM running") || !strstr(err->message, pid))
        g_error("unexpected error: %s", err->message);
    g_clear_error(&err);
    g_assert_cmpuint(vmms_of(uuid), ==, 1);
    /* once it is gone, the domain starts again */
    g_assert_cmpint(kill(vmm, SIGKILL), ==, 0);
    g_assert_true(vt_wait_until(vt_pid_gone, GINT_TO_POINTER(vmm), vt_timeout_ms(20000)));
    call_ok(fx, p, "Start", g_variant_new("(u)", 0));
    g_assert_cmpuint(vmms_of(uuid), ==, 1);
    call_ok(fx, p, "Destroy", g_variant_new("(u)", 0));
}

/* A Start whose status file cannot be written fails and leaves no VMM
 * behind (it would run untracked after a daemon restart); before, Start
 * reported success without a status file. */
static void test_status_unwritable(void)
{
    g_autoptr(DaemonFixture) fx = fixture_new(NULL);
    fixture_start_daemon(fx, NULL);
    g_autofree char *p = fixture_define(fx, "unrecorded", NULL);
    g_autofree char *uuid = uuid_of(p);
    g_autofree char *status = fixture_status_file(fx, p);
    g_assert_cmpint(mkdir(status, 0700), ==, 0);    /* no file can be renamed there */
    g_autoptr(GError) err = NULL;
    g_autoptr(GVariant) r = fixture_domain(fx, p, "Start", g_variant_new("(u)", 0), NULL, &err);
    g_assert_nonnull(err);
    if (!strstr(err->message, "cannot record its status"))
        g_error("unexpected error: %s", err->message);
    g_clear_error(&err);
    guint st, reason;
    fixture_state(fx, p, &st, &reason);
    g_assert_cmpuint(st, ==, ST_SHUTOFF);
    g_assert_cmpuint(vmms_of(uuid), ==, 0);
    g_assert_cmpint(rmdir(status), ==, 0);
    call_ok(fx, p, "Start", g_variant_new("(u)", 0));
    call_ok(fx, p, "Destroy", g_variant_new("(u)", 0));
}

/* ---- the daemon's files ----------------------------------------------- */

static mode_t mode_of(const char *path)
{
    struct stat st;
    g_assert_cmpint(lstat(path, &st), ==, 0);
    return st.st_mode & 07777;
}

/* The directories have the modes of tmpfiles.d (0700 for definitions and
 * runtime state, 0750 for logs), also when they existed with looser ones;
 * a VMM's log is the daemon's file, which the VMM never holds: its
 * stdout and stderr are a FIFO the daemon copies from. */
static void test_private_dirs(void)
{
    g_autoptr(DaemonFixture) fx = fixture_new(NULL);
    g_autofree char *rundom = g_build_filename(fx->run_dir, "domains", NULL);
    g_assert_cmpint(g_mkdir_with_parents(rundom, 0777), ==, 0);
    g_assert_cmpint(chmod(rundom, 0777), ==, 0);
    fixture_start_daemon(fx, NULL);
    g_autofree char *cfgdom = g_build_filename(fx->config_dir, "domains", NULL);
    g_autofree char *cfgauto = g_build_filename(fx->config_dir, "domains", "autostart", NULL);
    g_autofree char *logdom = g_build_filename(fx->dir->path, "log", "domains", NULL);
    g_assert_cmpuint(mode_of(rundom), ==, 0700);
    g_assert_cmpuint(mode_of(cfgdom), ==, 0700);
    g_assert_cmpuint(mode_of(cfgauto), ==, 0700);
    g_assert_cmpuint(mode_of(logdom), ==, 0750);
    g_autofree char *p = fixture_define(fx, "logged", NULL);
    call_ok(fx, p, "Start", g_variant_new("(u)", 0));
    g_autofree char *rt = g_build_filename(rundom, strrchr(p, '/') + 1, NULL);
    g_strdelimit(rt + strlen(rundom), "_", '-');
    g_assert_cmpuint(mode_of(rt), ==, 0700);
    g_autofree char *log = g_build_filename(logdom, "logged.log", NULL);
    struct stat st;
    g_assert_cmpint(stat(log, &st), ==, 0);
    g_assert_cmpuint(st.st_uid, ==, geteuid());
    g_assert_cmpuint(st.st_mode & 0777, ==, 0600);
    /* the VMM's stdout and stderr: the write end of a FIFO, never the log */
    int pid = fixture_vmm_pid(fx, "logged");
    for (int fd = 1; fd <= 2; fd++) {
        g_autofree char *info = g_strdup_printf("/proc/%d/fdinfo/%d", pid, fd);
        g_autofree char *text = NULL;
        g_assert_true(g_file_get_contents(info, &text, NULL, NULL));
        const char *f = strstr(text, "flags:");
        g_assert_nonnull(f);
        unsigned long flags = strtoul(f + 6, NULL, 8);
        g_assert_cmpuint(flags & O_ACCMODE, ==, O_WRONLY);
        g_autofree char *fdpath = g_strdup_printf("/proc/%d/fd/%d", pid, fd);
        struct stat fst;
        g_assert_cmpint(stat(fdpath, &fst), ==, 0);
        g_assert_true(S_ISFIFO(fst.st_mode));
    }
    g_autofree char *fddir = g_strdup_printf("/proc/%d/fd", pid);
    g_autoptr(GDir) fds = g_dir_open(fddir, 0, NULL);
    const char *ent;
    while ((ent = g_dir_read_name(fds))) {
        g_autofree char *fdpath = g_build_filename(fddir, ent, NULL);
        g_autofree char *target = g_file_read_link(fdpath, NULL);
        g_assert_cmpstr(target, !=, log);
    }
    call_ok(fx, p, "Destroy", g_variant_new("(u)", 0));
    fixture_wait_state(fx, p, ST_SHUTOFF);
    g_assert_false(g_file_test(rt, G_FILE_TEST_EXISTS));
}

/* ---- bounded input ---------------------------------------------------- */

/* Peak and current RSS of @pid in KiB (VmHWM, VmRSS). */
static guint64 proc_kib(int pid, const char *field)
{
    g_autofree char *v = fixture_proc_status(pid, field);
    g_assert_nonnull(v);
    return g_ascii_strtoull(v, NULL, 10);
}

/* The definitions: 60,000 attributes on one <metadata> child
 * (16 GB and minutes under the schema lock before) and 140,000 empty
 * children (stored, then a minute of validation at every start) are
 * refused at once, naming the limit, with the daemon's peak RSS barely
 * moving; networks and pools likewise.  A definition of that shape
 * stored by an older version is refused at start, and the daemon comes
 * up. */
static void test_xml_bounds(void)
{
    g_autoptr(DaemonFixture) fx = fixture_new(NULL);
    fixture_start_daemon(fx, NULL);
    int pid = vt_proc_pid(fx->daemon);
    guint64 hwm0 = proc_kib(pid, "VmHWM");
    g_autofree char *attrs = vt_xml_element_with_attrs(60000);
    g_autofree char *kids = vt_xml_element_with_children(140000);
    g_autofree char *xml_attrs = vt_xml_domain_with_metadata("attrs", attrs);
    g_autofree char *xml_kids = vt_xml_domain_with_metadata("kids", kids);
    const struct {
        const char *method, *xml, *want;
        gboolean flags;
    } cases[] = {
        { "DefineXML", xml_attrs, "too many attributes on one element", FALSE },
        { "DefineXML", xml_kids, "too many elements", FALSE },
    };
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) err = NULL;
        g_autoptr(GVariant) r = fixture_manager(fx, cases[i].method,
                                                g_variant_new("(s)", cases[i].xml), "(o)",
                                                &err);
        g_assert_null(r);
        g_assert_nonnull(err);
        if (!strstr(err->message, cases[i].want) || !strstr(err->message, "the limit is"))
            g_error("%s: %s", cases[i].method, err->message);
        g_test_message("%zu bytes: %s", strlen(cases[i].xml), err->message);
    }
    g_autofree char *el = vt_xml_element_with_attrs(1000);
    const char *net_attrs = el + strlen("<m:x");    /* " xmlns:m=... m:a999='x'/>" */
    g_autofree char *net = g_strdup_printf("<network><name%s</network>", net_attrs);
    g_autofree char *pool = g_strdup_printf("<pool type='dir'><name%s<target><path>/x"
                                            "</path></target></pool>", net_attrs);
    g_autoptr(GError) e1 = NULL, e2 = NULL;
    g_autoptr(GVariant) r1 = fixture_manager(fx, "NetworkDefineXML", g_variant_new("(s)", net),
                                             "(o)", &e1);
    g_autoptr(GVariant) r2 = fixture_manager(fx, "StoragePoolDefineXML",
                                             g_variant_new("(su)", pool, 0), "(o)", &e2);
    g_assert_null(r1);
    g_assert_null(r2);
    g_assert_nonnull(strstr(e1->message, "too many attributes on one element"));
    g_assert_nonnull(strstr(e2->message, "too many attributes on one element"));
    guint64 grown = proc_kib(pid, "VmHWM") - hwm0;
    g_test_message("daemon peak RSS grew by %" G_GUINT64_FORMAT " KiB", grown);
    g_assert_cmpuint(grown, <, 64 * 1024);

    /* stored by an older version: refused at start, the daemon serves */
    fixture_stop_daemon(fx, FALSE);
    g_autofree char *stored = g_build_filename(fx->config_dir, "domains", "kids.xml", NULL);
    g_assert_true(g_file_set_contents(stored, xml_kids, -1, NULL));
    fixture_start_daemon(fx, NULL);
    g_autoptr(GError) err = NULL;
    g_autoptr(GVariant) v = fixture_manager(fx, "LookupByName", g_variant_new("(s)", "kids"),
                                            "(o)", &err);
    g_assert_null(v);
    g_autofree char *dlog_path = g_build_filename(fx->dir->path, "vesseld.log", NULL);
    g_autofree char *dlog = NULL;
    g_assert_true(g_file_get_contents(dlog_path, &dlog, NULL, NULL));
    g_assert_nonnull(strstr(dlog, "too many elements"));
}

/* A raw connection to @sock as uid @uid (a forked child switches to it
 * first when it is not ours) that has passed EXTERNAL authentication:
 * the fd, or -1 when the daemon closed it or refused. */
static int sasl_connect(const char *sock, uid_t uid)
{
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpuint(strlen(sock), <, sizeof(sa.sun_path));
    strcpy(sa.sun_path, sock);
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        close(fd);
        return -1;
    }
    char uidstr[16], hex[40] = "", line[96];
    snprintf(uidstr, sizeof(uidstr), "%u", (unsigned)uid);
    for (size_t i = 0; uidstr[i]; i++)
        snprintf(hex + 2 * i, 3, "%02x", (unsigned char)uidstr[i]);
    int n = snprintf(line, sizeof(line), "%cAUTH EXTERNAL %s\r\n", 0, hex);
    struct timeval tv = { 20, 0 };
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    char reply[128] = "";
    if (write(fd, line, (size_t)n) != n || read(fd, reply, sizeof(reply) - 1) < 3 ||
        strncmp(reply, "OK ", 3) != 0 || write(fd, "BEGIN\r\n", 7) != 7) {
        close(fd);
        return -1;
    }
    return fd;
}

/* A 100 MB message on the read-only socket, from a user who may only
 * read: the daemon closes the connection after the 16-byte header,
 * buffering none of it (its RSS stays put), and serves on. */
static void test_message_size(void)
{
    g_autoptr(DaemonFixture) fx = fixture_new(NULL);
    fixture_start_daemon(fx, NULL);
    int pid = vt_proc_pid(fx->daemon);
    g_autofree char *ro = g_build_filename(fx->run_dir, "vessel-sock-ro", NULL);
    guint64 rss0 = proc_kib(pid, "VmHWM");
    int fd = sasl_connect(ro, geteuid());
    g_assert_cmpint(fd, >=, 0);
    /* method call, serial 1, 100 MB body, no header fields */
    guint8 hdr[16] = { 'l', 1, 0, 1 };
    guint32 body = GUINT32_TO_LE(100u * 1000 * 1000), serial = GUINT32_TO_LE(1), fields = 0;
    memcpy(hdr + 4, &body, 4);
    memcpy(hdr + 8, &serial, 4);
    memcpy(hdr + 12, &fields, 4);
    g_assert_cmpint(write(fd, hdr, sizeof(hdr)), ==, sizeof(hdr));
    g_autofree char *chunk = g_malloc0(1 << 20);
    gsize sent = 0;
    signal(SIGPIPE, SIG_IGN);
    struct timeval tv = { 20, 0 };
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    while (sent < 100u * 1000 * 1000) {
        gssize n = write(fd, chunk, 1 << 20);
        if (n <= 0)
            break;
        sent += (gsize)n;
    }
    close(fd);
    g_test_message("the daemon took %zu bytes of the body before closing", sent);
    g_assert_cmpuint(sent, <, 100u * 1000 * 1000);
    guint64 grown = proc_kib(pid, "VmHWM") - rss0;
    g_test_message("daemon peak RSS grew by %" G_GUINT64_FORMAT " KiB", grown);
    g_assert_cmpuint(grown, <, 16 * 1024);
    g_autoptr(GError) err = NULL;
    g_autoptr(GDBusConnection) c = fixture_connect(fx, "vessel-sock-ro", &err);
    g_assert_no_error(err);
    g_autofree char *dlog_path = g_build_filename(fx->dir->path, "vesseld.log", NULL);
    g_autofree char *dlog = NULL;
    g_assert_true(g_file_get_contents(dlog_path, &dlog, NULL, NULL));
    g_assert_nonnull(strstr(dlog, "exceeds [limits] max_message_size"));
}

/* A method call org.freedesktop.DBus.Peer.Ping, serial 1 (made before
 * any fork: the children only write bytes). */
static GBytes *ping_blob(void)
{
    g_autoptr(GDBusMessage) m = g_dbus_message_new_method_call(
        NULL, "/org/vessel/Vessel1", "org.freedesktop.DBus.Peer", "Ping");
    g_dbus_message_set_serial(m, 1);
    gsize len = 0;
    guchar *blob = g_dbus_message_to_blob(m, &len, G_DBUS_CAPABILITY_FLAGS_NONE, NULL);
    g_assert_nonnull(blob);
    return g_bytes_new_take(blob, len);
}

/* Send @ping on @fd (authenticated): TRUE when a method return comes back
 * (GDBus serves this client), FALSE for an error reply or a close. */
static gboolean ping_ok(int fd, GBytes *ping)
{
    gsize len;
    const void *p = g_bytes_get_data(ping, &len);
    guint8 reply[16];
    gsize got = 0;
    if (write(fd, p, len) != (gssize)len)
        return FALSE;
    while (got < sizeof(reply)) {
        gssize n = read(fd, reply + got, sizeof(reply) - got);
        if (n <= 0)
            return FALSE;
        got += (gsize)n;
    }
    return reply[1] == G_DBUS_MESSAGE_TYPE_METHOD_RETURN;
}

/* In a child as @uid: try @n connections to @sock and hold them; write
 * how many GDBus serves (they pass authentication and answer a Ping) to
 * @out, then wait for @hold to close. */
static GPid hold_connections(const char *sock, uid_t uid, int n, int *out, int *hold)
{
    g_autoptr(GBytes) ping = ping_blob();
    int p1[2], p2[2];
    g_assert_cmpint(pipe(p1), ==, 0);
    g_assert_cmpint(pipe(p2), ==, 0);
    pid_t pid = fork();
    g_assert_cmpint(pid, >=, 0);
    if (pid == 0) {
        close(p1[0]);
        close(p2[1]);
        if (setresgid(65534, 65534, 65534) < 0 || setgroups(0, NULL) < 0 ||
            setresuid(uid, uid, uid) < 0)
            _exit(2);
        unsigned char ok = 0;
        for (int i = 0; i < n; i++) {
            int fd = sasl_connect(sock, uid);
            if (fd >= 0 && ping_ok(fd, ping))
                ok++;
        }
        if (write(p1[1], &ok, 1) != 1)
            _exit(3);
        char c;
        (void)!read(p2[0], &c, 1);
        _exit(0);
    }
    close(p1[1]);
    close(p2[0]);
    *out = p1[0];
    *hold = p2[1];
    return pid;
}

static int connections_of(const char *sock, uid_t uid, int n, GPid *pid, int *hold)
{
    int out;
    *pid = hold_connections(sock, uid, n, &out, hold);
    unsigned char ok = 0;
    g_assert_cmpint(read(out, &ok, 1), ==, 1);
    close(out);
    return ok;
}

/* A child as @uid, over its limit, opens ten connections at once: the
 * first holds the uid's one refusal slot and gets the D-Bus error
 * (an error reply to its Ping), the nine others are closed at once, so
 * refused connections never pile up in the daemon.  Exit 0 when so. */
static void refusals_bounded(const char *ro, uid_t uid)
{
    g_autoptr(GBytes) ping = ping_blob();
    pid_t pid = fork();
    g_assert_cmpint(pid, >=, 0);
    if (pid == 0) {
        if (setresgid(65534, 65534, 65534) < 0 || setgroups(0, NULL) < 0 ||
            setresuid(uid, uid, uid) < 0)
            _exit(2);
        int fds[10];
        for (int i = 0; i < 10; i++) {
            struct sockaddr_un sa = { .sun_family = AF_UNIX };
            strcpy(sa.sun_path, ro);
            fds[i] = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
            if (connect(fds[i], (struct sockaddr *)&sa, sizeof(sa)) < 0)
                _exit(3);
        }
        for (int i = 1; i < 10; i++) {
            struct timeval tv = { 20, 0 };
            char c;
            setsockopt(fds[i], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
            if (read(fds[i], &c, 1) != 0)
                _exit(10 + i);      /* not closed at once */
        }
        close(fds[0]);
        int fd = -1;    /* the slot is free again, once the daemon saw the close */
        for (int tries = 0; fd < 0 && tries < 400; tries++)
            if ((fd = sasl_connect(ro, uid)) < 0)
                usleep(50000);
        if (fd < 0)
            _exit(4);
        guint8 reply[16];
        gsize len;
        const void *p = g_bytes_get_data(ping, &len);
        if (write(fd, p, len) != (gssize)len || read(fd, reply, sizeof(reply)) != sizeof(reply) ||
            reply[1] != G_DBUS_MESSAGE_TYPE_ERROR)
            _exit(5);
        _exit(0);
    }
    int status = -1;
    g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        g_error("refused connections of uid %u: child status 0x%x", (unsigned)uid, status);
}

/* @argv as nobody (setpriv): its exit code, stderr in *@err. */
static int run_as_nobody(const char *const *argv, char **err)
{
    g_autoptr(GPtrArray) a = g_ptr_array_new();
    const char *pre[] = { "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--" };
    for (gsize i = 0; i < G_N_ELEMENTS(pre); i++)
        g_ptr_array_add(a, (gpointer)pre[i]);
    for (const char *const *p = argv; *p; p++)
        g_ptr_array_add(a, (gpointer)*p);
    g_ptr_array_add(a, NULL);
    g_autofree char *out = NULL;
    int code = -1;
    g_assert_true(vt_run((const char *const *)a->pdata, NULL, NULL, vt_timeout_ms(30000), &out,
                         err, &code, NULL));
    return code;
}

/* What clients nobody here wrote show a refused user: the daemon's
 * D-Bus error (dbus_refuse.h), naming the limit, from vsh (GDBus),
 * gdbus and dbus-send (libdbus); on the libvirt socket, virsh shows the
 * error the daemon answers its first call with. */
static void refusal_seen_by_clients(DaemonFixture *fx, const char *ro)
{
    const char *want = "[limits] max_clients_per_uid is 4";
    g_autofree char *vsh = vt_build_path("shell/vsh");
    g_autofree char *uri = g_strconcat("vessel+unix://", ro, NULL);
    g_autofree char *addr = g_strconcat("unix:path=", ro, NULL);
    g_autofree char *peer = g_strconcat("--peer=", addr, NULL);
    const char *vsh_argv[] = { vsh, "-r", "-c", uri, "list", "--all", NULL };
    const char *gdbus_argv[] = { "gdbus", "call", "--address", addr, "--object-path",
                                 "/org/vessel/Vessel1", "--method",
                                 "org.vessel.Manager1.GetVersion", NULL };
    const char *send_argv[] = { "dbus-send", peer, "--print-reply", "/org/vessel/Vessel1",
                                "org.vessel.Manager1.GetVersion", NULL };
    const char *const *clients[] = { vsh_argv, gdbus_argv, send_argv };
    for (gsize i = 0; i < G_N_ELEMENTS(clients); i++) {
        g_autofree char *err = NULL;
        int code = run_as_nobody(clients[i], &err);
        g_test_message("%s: exit %d: %s", clients[i][0], code, err);
        if (code == 0 || !strstr(err, want))
            g_error("%s as nobody: exit %d, stderr: %s", clients[i][0], code, err);
    }
    /* libdbus names the error, too */
    g_autofree char *err = NULL;
    run_as_nobody(send_argv, &err);
    g_assert_nonnull(strstr(err, "org.freedesktop.DBus.Error.LimitsExceeded"));

    g_autofree char *virsh = g_find_program_in_path("virsh");
    if (!virsh && vt_in_ci())
        g_error("virsh is missing (libvirt-clients, scripts/deps.sh)");
    if (!virsh)
        return;
    g_autofree char *home = g_build_filename(fx->dir->path, "nobody-home", NULL);
    g_assert_cmpint(g_mkdir_with_parents(home, 0777), ==, 0);
    g_assert_cmpint(chmod(home, 0777), ==, 0);
    g_autofree char *home_env = g_strconcat("HOME=", home, NULL);
    g_autofree char *xdg_env = g_strconcat("XDG_CONFIG_HOME=", home, NULL);
    g_autofree char *luri = g_strdup_printf("qemu+unix:///system?socket=%s/libvirt-sock-ro",
                                            fx->run_dir);
    const char *virsh_argv[] = { "env", home_env, xdg_env, virsh, "-r", "-c", luri, "list",
                                 NULL };
    g_autofree char *verr = NULL;
    int code = run_as_nobody(virsh_argv, &verr);
    g_test_message("virsh: exit %d: %s", code, verr);
    if (code == 0 || !strstr(verr, want))
        g_error("virsh as nobody: exit %d, stderr: %s", code, verr);
}

/* [limits] max_clients_per_uid=4: a fifth connection of one uid is
 * refused (D-Bus and libvirt sockets count together), with a D-Bus
 * error naming the limit, while another uid still connects, and root
 * always does. */
static void test_connection_limits(void)
{
    if (geteuid() != 0) {
        g_test_skip("needs root");
        return;
    }
    g_autoptr(DaemonFixture) fx = fixture_new("[limits]\nmax_clients_per_uid=4\n");
    g_assert_cmpint(chmod(fx->dir->path, 0755), ==, 0);
    fixture_start_daemon(fx, NULL);
    g_autofree char *ro = g_build_filename(fx->run_dir, "vessel-sock-ro", NULL);
    uid_t a = 65534, b = fx->uid_last;     /* nobody, and an id without an account */
    GPid pa, pb;
    int hold_a, hold_b;
    int got_a = connections_of(ro, a, 5, &pa, &hold_a);
    g_assert_cmpint(got_a, ==, 4);
    int got_b = connections_of(ro, b, 1, &pb, &hold_b);
    g_assert_cmpint(got_b, ==, 1);
    g_autoptr(GError) err = NULL;
    g_autoptr(GDBusConnection) root = fixture_connect(fx, "vessel-sock-ro", &err);
    g_assert_no_error(err);
    g_autofree char *dlog_path = g_build_filename(fx->dir->path, "vesseld.log", NULL);
    g_autofree char *dlog = NULL;
    g_assert_true(g_file_get_contents(dlog_path, &dlog, NULL, NULL));
    g_assert_nonnull(strstr(dlog, "[limits] max_clients_per_uid is 4"));
    refusal_seen_by_clients(fx, ro);
    refusals_bounded(ro, a);
    /* gone, and counted no more */
    close(hold_a);
    close(hold_b);
    g_assert_cmpint(waitpid(pa, NULL, 0), ==, pa);
    g_assert_cmpint(waitpid(pb, NULL, 0), ==, pb);
    GPid pc;
    int hold_c;
    int got = 0;
    for (int i = 0; i < 100 && got != 4; i++) {  /* the daemon sees the closes */
        got = connections_of(ro, a, 4, &pc, &hold_c);
        close(hold_c);
        g_assert_cmpint(waitpid(pc, NULL, 0), ==, pc);
        if (got != 4)
            g_usleep(50000);
    }
    g_assert_cmpint(got, ==, 4);
}

/* [limits] max_clients=4 counts every client, root's too (here the
 * fixture's connection): two uids that are each far below their own
 * limit get three places between them, the next connection is refused
 * naming the limit, and root still connects. */
static void test_connection_limits_total(void)
{
    if (geteuid() != 0) {
        g_test_skip("needs root");
        return;
    }
    g_autoptr(DaemonFixture) fx = fixture_new("[limits]\nmax_clients=4\n");
    g_assert_cmpint(chmod(fx->dir->path, 0755), ==, 0);
    fixture_start_daemon(fx, NULL);
    g_autofree char *ro = g_build_filename(fx->run_dir, "vessel-sock-ro", NULL);
    GPid pa, pb;
    int hold_a, hold_b;
    g_assert_cmpint(connections_of(ro, 65534, 2, &pa, &hold_a), ==, 2);
    g_assert_cmpint(connections_of(ro, fx->uid_last, 3, &pb, &hold_b), ==, 1);
    g_autoptr(GError) err = NULL;
    g_autoptr(GDBusConnection) root = fixture_connect(fx, "vessel-sock-ro", &err);
    g_assert_no_error(err);
    g_autoptr(GVariant) v = fixture_call(root, "/org/vessel/Vessel1", "org.vessel.Manager1",
                                         "GetVersion", NULL, "(sss)", &err);
    g_assert_no_error(err);
    g_autofree char *dlog_path = g_build_filename(fx->dir->path, "vesseld.log", NULL);
    g_autofree char *dlog = NULL;
    g_assert_true(g_file_get_contents(dlog_path, &dlog, NULL, NULL));
    g_assert_nonnull(strstr(dlog, "[limits] max_clients is 4"));
    close(hold_a);
    close(hold_b);
    g_assert_cmpint(waitpid(pa, NULL, 0), ==, pa);
    g_assert_cmpint(waitpid(pb, NULL, 0), ==, pb);
}

/* In a child as nobody: connect to @sock and claim to be @claimed in
 * EXTERNAL; TRUE when the daemon accepted that (it answered OK). */
static gboolean lie_accepted(const char *sock, uid_t claimed)
{
    pid_t pid = fork();
    g_assert_cmpint(pid, >=, 0);
    if (pid == 0) {
        if (setresgid(65534, 65534, 65534) < 0 || setgroups(0, NULL) < 0 ||
            setresuid(65534, 65534, 65534) < 0)
            _exit(2);
        _exit(sasl_connect(sock, claimed) >= 0 ? 0 : 1);
    }
    int status = -1;
    g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
    g_assert_true(WIFEXITED(status) && WEXITSTATUS(status) <= 1);
    return WEXITSTATUS(status) == 0;
}

/* A daemon that is not root (here the member's uid) cannot give GDBus a
 * socket pair with another client's ids; it vouches for the client in
 * the SASL exchange instead (dbus_relay.h).  So, as on its libvirt
 * sockets: root and nobody connect (before, both failed with
 * "Exhausted all available authentication mechanisms"), each with its
 * own rights (nobody may only read, on the read-write socket too); a
 * client that claims another identity than its own (the daemon's uid,
 * root's) is closed. */
static void test_non_root_daemon(void)
{
    if (!users_need()) {
        g_test_skip("needs root, useradd and setpriv");
        return;
    }
    g_autoptr(DaemonFixture) fx = fixture_new("[sockets]\nrw_perms=0666\nro_perms=0666\n");
    g_assert_cmpint(chmod(fx->dir->path, 0755), ==, 0);
    g_assert_cmpint(chown(fx->dir->path, users.member_uid, users.gid), ==, 0);
    g_assert_cmpint(chown(fx->conf, users.member_uid, users.gid), ==, 0);
    g_autofree char *ru = g_strdup_printf("--reuid=%u", (unsigned)users.member_uid);
    g_autofree char *rg = g_strdup_printf("--regid=%u", (unsigned)users.gid);
    const char *wrapper[] = { "setpriv", ru, rg, "--clear-groups", "--", NULL };
    fx->wrapper = wrapper;
    fixture_start_daemon(fx, NULL);      /* root's GDBus connection, vouched for */
    int pid = vt_proc_pid(fx->daemon);
    g_autofree char *uid = fixture_proc_status(pid, "Uid");
    g_autofree char *four = g_strdup_printf("%u\t%u\t%u\t%u", (unsigned)users.member_uid,
                                            (unsigned)users.member_uid,
                                            (unsigned)users.member_uid,
                                            (unsigned)users.member_uid);
    g_assert_cmpstr(uid, ==, four);
    g_autofree char *p = fixture_define(fx, "by-root", NULL);     /* root may write */
    g_assert_nonnull(p);

    g_autofree char *vsh = vt_build_path("shell/vsh");
    g_autofree char *rw = g_build_filename(fx->run_dir, "vessel-sock", NULL);
    g_autofree char *ro = g_build_filename(fx->run_dir, "vessel-sock-ro", NULL);
    g_autofree char *rw_uri = g_strconcat("vessel+unix://", rw, NULL);
    g_autofree char *ro_uri = g_strconcat("vessel+unix://", ro, NULL);
    const char *list_ro[] = { vsh, "-r", "-c", ro_uri, "list", "--all", NULL };
    const char *list_rw[] = { vsh, "-c", rw_uri, "list", "--all", NULL };
    const char *undefine[] = { vsh, "-c", rw_uri, "undefine", "by-root", NULL };
    g_autofree char *err = NULL;
    g_assert_cmpint(run_as_nobody(list_ro, &err), ==, 0);
    g_clear_pointer(&err, g_free);
    g_assert_cmpint(run_as_nobody(list_rw, &err), ==, 0);
    g_clear_pointer(&err, g_free);
    g_assert_cmpint(run_as_nobody(undefine, &err), !=, 0);
    if (!strstr(err, "uid 65534 may only read"))
        g_error("nobody's undefine: %s", err);
    g_autofree char *peer = g_strconcat("--peer=unix:path=", ro, NULL);
    const char *send[] = { "dbus-send", peer, "--print-reply", "/org/vessel/Vessel1",
                           "org.vessel.Manager1.GetVersion", NULL };
    g_clear_pointer(&err, g_free);
    g_assert_cmpint(run_as_nobody(send, &err), ==, 0);

    g_assert_true(lie_accepted(ro, 65534));        /* the truth passes */
    g_assert_false(lie_accepted(ro, users.member_uid));
    g_assert_false(lie_accepted(rw, 0));
    g_autofree char *dlog_path = g_build_filename(fx->dir->path, "vesseld.log", NULL);
    g_autofree char *dlog = NULL;
    g_assert_true(g_file_get_contents(dlog_path, &dlog, NULL, NULL));
    g_assert_nonnull(strstr(dlog, "claims an identity that is not its own"));
}

/* Properties.GetAll on objects that do not exist - any node under the
 * subtrees dispatches - asked on the read-only socket: an empty answer
 * (Get: the object's "not found" error), and the daemon serves on.
 * GDBus asks for GetAll's properties with no GError to fill; vesseld
 * stored its error through that NULL and crashed, so any local user
 * could stop it (found by fuzz-dbus). */
static void test_get_all_unknown(void)
{
    g_autoptr(DaemonFixture) fx = fixture_new(NULL);
    fixture_start_daemon(fx, NULL);
    g_autoptr(GError) err = NULL;
    g_autoptr(GDBusConnection) ro = fixture_connect(fx, "vessel-sock-ro", &err);
    g_assert_no_error(err);
    static const char *const objects[][3] = {
        { "/org/vessel/Vessel1/domain/00000000_0000_0000_0000_000000000000",
          "org.vessel.Domain1", "org.vessel.Error.NoDomain" },
        { "/org/vessel/Vessel1/network/00000000_0000_0000_0000_000000000000",
          "org.vessel.Network1", "org.vessel.Error.NoNetwork" },
        { "/org/vessel/Vessel1/storagepool/00000000_0000_0000_0000_000000000000",
          "org.vessel.StoragePool1", "org.vessel.Error.NoStoragePool" },
    };
    for (gsize i = 0; i < G_N_ELEMENTS(objects); i++) {
        g_autoptr(GVariant) all = fixture_call(ro, objects[i][0], "org.freedesktop.DBus.Properties",
                                               "GetAll", g_variant_new("(s)", objects[i][1]),
                                               "(a{sv})", &err);
        g_assert_no_error(err);
        g_autoptr(GVariant) dict = g_variant_get_child_value(all, 0);
        g_assert_cmpuint(g_variant_n_children(dict), ==, 0);
        g_autoptr(GVariant) one = fixture_call(ro, objects[i][0], "org.freedesktop.DBus.Properties",
                                               "Get", g_variant_new("(ss)", objects[i][1], "Name"),
                                               "(v)", &err);
        g_assert_null(one);
        fixture_assert_error(err, objects[i][2]);
        g_clear_error(&err);
    }
    g_autoptr(GVariant) v = fixture_manager(fx, "GetVersion", NULL, "(sss)", &err);
    g_assert_no_error(err);
    g_assert_false(vt_proc_exited(fx->daemon, NULL));
}

/* [limits] auth_timeout=1: a client that connects and never
 * authenticates is closed (it would hold its place in the limits
 * forever); one that did authenticate stays. */
static void test_auth_timeout(void)
{
    g_autoptr(DaemonFixture) fx = fixture_new("[limits]\nauth_timeout=1\n");
    fixture_start_daemon(fx, NULL);
    g_autoptr(GError) err = NULL;
    g_autoptr(GDBusConnection) good = fixture_connect(fx, "vessel-sock-ro", &err);
    g_assert_no_error(err);
    g_autofree char *ro = g_build_filename(fx->run_dir, "vessel-sock-ro", NULL);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    g_assert_cmpuint(strlen(ro), <, sizeof(sa.sun_path));
    strcpy(sa.sun_path, ro);
    g_assert_cmpint(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), ==, 0);
    struct timeval tv = { vt_timeout_ms(30000) / 1000, 0 };
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    char c;
    gssize n = read(fd, &c, 1);
    g_assert_cmpint(n, ==, 0);      /* closed, not timed out (-1) */
    close(fd);
    g_autoptr(GVariant) v = fixture_call(good, "/org/vessel/Vessel1", "org.vessel.Manager1",
                                         "GetVersion", NULL, "(sss)", &err);
    g_assert_no_error(err);
    g_autofree char *dlog_path = g_build_filename(fx->dir->path, "vesseld.log", NULL);
    g_autofree char *dlog = NULL;
    g_assert_true(g_file_get_contents(dlog_path, &dlog, NULL, NULL));
    g_assert_nonnull(strstr(dlog, "no authentication within [limits] auth_timeout (1 seconds)"));
}

/* A daemon whose [vmm] emulators= allows a script with @body, which
 * plays the VMM (what it prints is the VMM's output); domain @name is
 * defined with it as <emulator> and started: the start fails, as no VMM
 * answers.  @extra_conf goes into vesseld.conf. */
static DaemonFixture *fake_vmm_started(const char *extra_conf, const char *name,
                                       const char *body)
{
    DaemonFixture *fx = fixture_new(extra_conf);
    g_assert_cmpint(chmod(fx->dir->path, 0755), ==, 0);
    g_autofree char *script = g_build_filename(fx->dir->path, "fake-vmm", NULL);
    g_assert_true(g_file_set_contents(script, body, -1, NULL));
    g_assert_cmpint(chmod(script, 0755), ==, 0);
    g_autofree char *conf = NULL;
    g_assert_true(g_file_get_contents(fx->conf, &conf, NULL, NULL));
    g_autofree char *conf2 = g_strdup_printf("%s\n[vmm]\nemulators=%s;\n", conf, script);
    g_assert_true(g_file_set_contents(fx->conf, conf2, -1, NULL));
    fixture_start_daemon(fx, NULL);
    g_autofree char *xml = domain_xml(name, fx->kernel, NULL, script);
    g_autofree char *p = fixture_define_xml(fx, xml);
    g_autoptr(GError) err = NULL;
    g_autoptr(GVariant) r = fixture_domain(fx, p, "Start", g_variant_new("(u)", 0), NULL, &err);
    g_assert_null(r);
    return fx;
}

/* The VMM's id can add to its domain log but never rewrite the daemon's
 * lines: its stdout and stderr are a FIFO the daemon copies from
 * (vmm_log.h).  Before, it held the log file itself (O_APPEND) and
 * ftruncate() erased everything.  An allowed <emulator> plays the VMM. */
static void test_log_not_truncated(void)
{
    if (geteuid() != 0 || !g_file_test("/usr/bin/python3", G_FILE_TEST_IS_EXECUTABLE)) {
        g_test_skip("needs root and /usr/bin/python3");
        return;
    }
    g_autoptr(DaemonFixture) fx0 = fake_vmm_started(
        NULL, "scribbler",
        "#!/usr/bin/python3\n"
        "import os, sys\n"
        "try:\n"
        "    os.ftruncate(2, 0)\n"
        "    print('the log is truncated', file=sys.stderr)\n"
        "except OSError as e:\n"
        "    print('cannot truncate the log:', e.strerror, file=sys.stderr)\n"
        "sys.exit(1)\n");
    fixture_wait_log(fx0, "scribbler", "exited with status 1");
    g_autofree char *log = fixture_read_log(fx0, "scribbler");
    g_test_message("%s", log);
    g_assert_nonnull(strstr(log, "vesseld: starting up:"));
    g_assert_nonnull(strstr(log, "cannot truncate the log"));
    g_assert_null(strstr(log, "the log is truncated"));
}

/* Every line of @log that starts with a digit is one of the daemon's
 * ("STAMP vesseld: ...", never one with @forged in it); no control byte
 * but tab and newline, no C1 control, valid UTF-8; and @forged is there,
 * behind @tag. */
static void assert_log_unforged(const char *log, const char *forged, const char *tag)
{
    g_assert_true(g_utf8_validate(log, -1, NULL));
    for (const char *c = log; *c; c++)
        if ((guchar)*c < 0x20 && *c != '\n' && *c != '\t')
            g_error("control byte 0x%02x in the log:\n%s", (guchar)*c, log);
    g_assert_null(strstr(log, "\xc2\x9b"));
    g_auto(GStrv) lines = g_strsplit(log, "\n", -1);
    guint daemon = 0;
    for (char **l = lines; *l; l++) {
        if (!g_ascii_isdigit(**l))
            continue;
        const char *sp = strchr(*l, ' ');
        if (!sp || !g_str_has_prefix(sp, " vesseld: ") || strstr(*l, forged))
            g_error("a forged daemon line: %s", *l);
        daemon++;
    }
    g_assert_cmpuint(daemon, >, 0);
    g_autofree char *tagged = g_strconcat(tag, "2026-12-07T17:00:00.000000Z vesseld: ", forged,
                                          NULL);
    g_assert_nonnull(strstr(log, tagged));
}

/* A hostile VMM and a hostile guest print lines made to look like the
 * daemon's (a stamp and "vesseld:", after a carriage return, after an
 * escape sequence that clears the line, a C1 CSI) into the domain log:
 * each stays recognizably theirs (domain_log.h).  The VMM is an allowed
 * <emulator> script; the guest is the tiny idle guest, which echoes
 * what the console sends it. */
static void test_log_forgery(void)
{
    if (geteuid() != 0) {
        g_test_skip("needs root");
        return;
    }
    const char *fake = "2026-12-07T17:00:00.000000Z vesseld: ";
    g_autofree char *body = g_strdup_printf(
        "#!/bin/sh\n"
        "printf '%%s%%s\\n' '%s' 'Domain forger is running as root' >&2\n"
        "printf 'x\\r%%s%%s\\n' '%s' 'after a CR' >&2\n"
        "printf '\\033[2K\\033[1G%%s%%s\\n' '%s' 'after an escape' >&2\n"
        "printf '\\302\\2332K%%s%%s\\n' '%s' 'after a C1 CSI'\n"
        "printf 'half a line' >&2\n"
        "exit 1\n",
        fake, fake, fake, fake);
    g_autoptr(DaemonFixture) fx = fake_vmm_started(NULL, "forger", body);
    g_autoptr(GError) err = NULL;
    fixture_wait_log(fx, "forger", "half a line");
    g_autofree char *vlog = fixture_read_log(fx, "forger");
    g_test_message("the VMM's:\n%s", vlog);
    assert_log_unforged(vlog, "Domain forger is running as root", "vessel-vmm: ");
    assert_log_unforged(vlog, "after an escape", "vessel-vmm: \\x1b[2K\\x1b[1G");
    assert_log_unforged(vlog, "after a C1 CSI", "vessel-vmm: \\xc2\\x9b2K");
    g_assert_nonnull(strstr(vlog, "vessel-vmm: x\\x0d2026-12-07T17:00:00.000000Z vesseld: "
                                  "after a CR"));

    /* the guest, through its console */
    g_autofree char *pg = fixture_define(fx, "echoer", NULL);
    call_ok(fx, pg, "Start", g_variant_new("(u)", 0));
    fixture_wait_guest(fx, pg, "echoer");
    int con = fixture_open_console(fx, pg, 2, &err);
    g_assert_no_error(err);
    g_autofree char *typed = g_strdup_printf(
        "\r\n%sDomain echoer is running as root\r\n"
        "\r%safter a CR\r\n"
        "\033[2K%safter an escape\r\n"
        "vessel-vmm: guest crashed: forged\r\n"
        "end of the forgeries\r\n",
        fake, fake, fake);
    g_assert_cmpint(write(con, typed, strlen(typed)), ==, (gssize)strlen(typed));
    fixture_wait_log(fx, "echoer", "end of the forgeries");
    close(con);
    g_autofree char *glog = fixture_read_log(fx, "echoer");
    g_test_message("the guest's:\n%s", glog);
    assert_log_unforged(glog, "Domain echoer is running as root", "guest: ");
    assert_log_unforged(glog, "after an escape", "\\x1b[2K");
    g_assert_nonnull(strstr(glog, "guest: vessel-vmm: guest crashed: forged"));
    call_ok(fx, pg, "Destroy", g_variant_new("(u)", 0));
}

/* vsh -c the fixture's socket ARGS...: exit code, stderr in *err. */
/* A VMM that prints 4 MiB on its stderr (a guest could make it, or
 * print as much itself) fills [limits] max_domain_log=65536 of the
 * domain log, not the disk; the daemon's lines are still logged after
 * it, and the daemon says why the rest is missing. */
static void test_log_bounded(void)
{
    if (geteuid() != 0) {
        g_test_skip("needs root");
        return;
    }
    g_autoptr(DaemonFixture) fx = fake_vmm_started(
        "[limits]\nmax_domain_log=65536\n", "flooder",
        "#!/bin/sh\n"
        "yes 'the VMM floods its log, line after line after line' | head -c 4194304 >&2\n"
        "echo 'the flood is over' >&2\n"
        "exit 1\n");
    fixture_wait_log(fx, "flooder", "exited with status 1");
    g_autofree char *log = fixture_read_log(fx, "flooder");
    g_test_message("the log holds %zu bytes of a 4 MiB flood", strlen(log));
    g_assert_cmpuint(strlen(log), <, 65536 + 4 * 8192 + 4096);
    g_assert_nonnull(strstr(log, "max_domain_log (65536 bytes): the VMM's output is no longer "
                                 "logged"));
    g_assert_null(strstr(log, "the flood is over"));
    g_assert_nonnull(strstr(log, "vesseld: starting up"));
}

static int vsh_run(DaemonFixture *fx, char **err, const char *const *args)
{
    g_autofree char *vsh = vt_build_path("shell/vsh");
    g_autofree char *sock = g_build_filename(fx->run_dir, "vessel-sock", NULL);
    g_autofree char *uri = g_strconcat("vessel+unix://", sock, NULL);
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_ptr_array_add(argv, vsh);
    g_ptr_array_add(argv, "-c");
    g_ptr_array_add(argv, uri);
    for (const char *const *a = args; *a; a++)
        g_ptr_array_add(argv, (gpointer)*a);
    g_ptr_array_add(argv, NULL);
    g_autofree char *out = NULL;
    int code = -1;
    g_assert_true(vt_run((const char *const *)argv->pdata, NULL, NULL, vt_timeout_ms(60000),
                         &out, err, &code, NULL));
    return code;
}

/* Text that is not UTF-8 - a definition file, a name on the command
 * line - is a clear error naming the byte, never a GLib-CRITICAL. */
static void test_non_utf8(void)
{
    g_autoptr(DaemonFixture) fx = fixture_new(NULL);
    fixture_start_daemon(fx, NULL);
    g_autofree char *xml = domain_xml("latin\xe9", fx->kernel, NULL, NULL);
    g_autofree char *file = g_build_filename(fx->dir->path, "latin1.xml", NULL);
    g_assert_true(g_file_set_contents(file, xml, -1, NULL));
    const struct {
        const char *args[4];
        const char *want;
    } cases[] = {
        { { "define", file, NULL }, "is not UTF-8 text: byte 0xe9 on line 2" },
        { { "dominfo", "caf\xe9", NULL }, "the domain name is not valid UTF-8" },
        { { "net-info", "caf\xe9", NULL }, "the network name is not valid UTF-8" },
        { { "pool-info", "caf\xe9", NULL }, "the pool name is not valid UTF-8" },
    };
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *err = NULL;
        int code = vsh_run(fx, &err, cases[i].args);
        if (code == 0 || !strstr(err, cases[i].want) || strstr(err, "CRITICAL"))
            g_error("vsh %s: exit %d, stderr: %s", cases[i].args[0], code, err);
    }
}

/* A kill -9 in the middle of a define storm leaves NAME.xml.XXXXXX
 * temporaries (the atomic write's): the next start removes them, and
 * only them. */
static void test_temporaries_cleaned(void)
{
    g_autoptr(DaemonFixture) fx = fixture_new(NULL);
    fixture_start_daemon(fx, NULL);
    g_autofree char *keep = fixture_define(fx, "kept", NULL);
    /* a storm of defines, killed mid-way */
    g_autoptr(GPtrArray) procs = g_ptr_array_new_with_free_func((GDestroyNotify)vt_proc_free);
    g_autofree char *vsh = vt_build_path("shell/vsh");
    g_autofree char *sock = g_build_filename(fx->run_dir, "vessel-sock", NULL);
    g_autofree char *uri = g_strconcat("vessel+unix://", sock, NULL);
    g_autofree char *stop = g_build_filename(fx->dir->path, "stop-storm", NULL);
    for (int i = 0; i < 8; i++) {
        g_autofree char *name = g_strdup_printf("storm%d", i);
        g_autofree char *xml = fixture_domain_xml(fx, name, NULL);
        g_autofree char *file = g_strdup_printf("%s/%s.xml", fx->dir->path, name);
        g_assert_true(g_file_set_contents(file, xml, -1, NULL));
        g_autofree char *loop = g_strdup_printf(
            "while [ ! -e %s ]; do %s -c %s define %s >/dev/null 2>&1; %s -c %s undefine %s "
            ">/dev/null 2>&1; done", stop, vsh, uri, file, vsh, uri, name);
        const char *argv[] = { "sh", "-c", loop, NULL };
        g_ptr_array_add(procs, vt_proc_spawn(argv, NULL, VT_PROC_DEFAULT, NULL, NULL));
    }
    g_usleep(500000);
    fixture_stop_daemon(fx, TRUE);
    /* every loop ends after its current vsh: none is left to define
     * something once the daemon is back */
    g_assert_true(g_file_set_contents(stop, "", 0, NULL));
    for (guint i = 0; i < procs->len; i++)
        g_assert_true(vt_proc_wait(procs->pdata[i], vt_timeout_ms(60000), NULL));
    g_ptr_array_set_size(procs, 0);
    /* and, to be sure there is something to clean, ones like they leave */
    g_autofree char *cfg = g_build_filename(fx->config_dir, "domains", "left.xml.a1B2c3", NULL);
    g_autofree char *run = g_build_filename(fx->run_dir, "domains", "x.xml.Zz9Yy8", NULL);
    g_autofree char *other = g_build_filename(fx->config_dir, "domains", "notes.xml.txt", NULL);
    g_assert_true(g_file_set_contents(cfg, "<dom", -1, NULL));
    g_assert_true(g_file_set_contents(run, "<dom", -1, NULL));
    g_assert_true(g_file_set_contents(other, "mine", -1, NULL));
    fixture_start_daemon(fx, NULL);
    g_autofree char *cfgdir = g_build_filename(fx->config_dir, "domains", NULL);
    g_autofree char *rundir = g_build_filename(fx->run_dir, "domains", NULL);
    for (const char *const *dir = (const char *const[]){ cfgdir, rundir, NULL }; *dir; dir++) {
        g_autoptr(GDir) d = g_dir_open(*dir, 0, NULL);
        g_assert_nonnull(d);
        const char *ent;
        while ((ent = g_dir_read_name(d)))
            if (strstr(ent, ".xml.") && strcmp(ent, "notes.xml.txt") != 0)
                g_error("%s/%s is left", *dir, ent);
    }
    g_assert_true(g_file_test(other, G_FILE_TEST_EXISTS));
    guint st, reason;
    fixture_state(fx, keep, &st, &reason);
    g_assert_cmpuint(st, ==, ST_SHUTOFF);
}

/* ---- the test's own users ---------------------------------------------- */

static const char *self_path;

/* Only as the child of test_users_cleaned (VESSEL_TEST_USERS_END set):
 * make the users, say their names, and end as a failed assertion
 * ("abort") or a kill -9 ("kill") would, before any cleanup of ours. */
static void test_users_end(void)
{
    const char *how = g_getenv("VESSEL_TEST_USERS_END");
    g_assert_true(users_need());
    printf("users %s %s\n", users.group, users.member);
    fflush(stdout);
    struct rlimit none = { 0, 0 };
    setrlimit(RLIMIT_CORE, &none);
    if (strcmp(how, "kill") == 0)
        raise(SIGKILL);
    g_assert_not_reached();
}

typedef struct {
    const char *user, *group;
} UsersGone;

static gboolean users_gone(gpointer data)
{
    const UsersGone *g = data;
    return !getpwnam(g->user) && !getgrnam(g->group);
}

/* Users and groups of this test never outlive it: a run that ends in a
 * failed assertion (abort) or a kill -9 has its users removed by its
 * reaper (vtest.h); the users of a run that is gone (here, made by hand for a
 * pid that has exited, and for pid 1, which is no test-security) are
 * removed by the next run, while those of a live run stay. */
static void test_users_cleaned(void)
{
    if (!users_need()) {
        g_test_skip("needs root, useradd and setpriv");
        return;
    }
    const char *ends[] = { "abort", "kill" };
    for (gsize i = 0; i < G_N_ELEMENTS(ends); i++) {
        g_autofree char *env_end = g_strconcat("VESSEL_TEST_USERS_END=", ends[i], NULL);
        g_auto(GStrv) env = g_environ_setenv(g_get_environ(), "VESSEL_TEST_USERS_END", ends[i],
                                            TRUE);
        const char *argv[] = { self_path, "-q", "-p", "/daemon/security/users-end", NULL };
        g_autofree char *out = NULL, *err = NULL;
        int code = 0;
        g_assert_true(vt_run(argv, (const char *const *)env, NULL, vt_timeout_ms(60000), &out,
                             &err, &code, NULL));
        g_test_message("a run that ends by %s: exit %d", ends[i], code);
        g_assert_cmpint(code, ==, 128 + (strcmp(ends[i], "kill") == 0 ? SIGKILL : SIGABRT));
        char group[64] = "", user[64] = "";
        const char *said = strstr(out, "\nusers ");
        g_assert_nonnull(said);
        g_assert_cmpint(sscanf(said, " users %63s %63s", group, user), ==, 2);
        UsersGone g = { user, group };
        if (!vt_wait_until(users_gone, &g, vt_timeout_ms(30000)))
            g_error("%s and %s are left after a run ended by %s", user, group, ends[i]);
    }

    /* left by runs nothing could clean up after */
    const char *t[] = { "true", NULL };
    g_autoptr(VtProc) gone = vt_proc_spawn(t, NULL, VT_PROC_DEFAULT, NULL, NULL);
    int pid_gone = vt_proc_pid(gone);
    g_assert_true(vt_proc_wait(gone, vt_timeout_ms(10000), NULL));
    const int pids[] = { pid_gone, 1 };
    for (gsize i = 0; i < G_N_ELEMENTS(pids); i++) {
        g_autofree char *g = g_strdup_printf("vt16g%d", pids[i]);
        g_autofree char *u = g_strdup_printf("vt16m%d", pids[i]);
        const char *ga[] = { "groupadd", g, NULL };
        const char *ua[] = { "useradd", "-M", "-N", "-g", g, "-s", "/usr/sbin/nologin", u, NULL };
        g_autofree char *err = NULL;
        if (!run_ok(ga, &err) || !run_ok(ua, &err))
            g_error("cannot make the leftovers: %s", err);
    }
    users_sweep();
    for (gsize i = 0; i < G_N_ELEMENTS(pids); i++) {
        g_autofree char *g = g_strdup_printf("vt16g%d", pids[i]);
        g_autofree char *u = g_strdup_printf("vt16m%d", pids[i]);
        if (getpwnam(u) || getgrnam(g))
            g_error("the sweep left %s or %s", u, g);
    }
    g_assert_nonnull(getpwnam(users.member));    /* this run's own stay */
    g_assert_nonnull(getgrnam(users.group));
}

int main(int argc, char **argv)
{
    self_path = argv[0];
    g_test_init(&argc, &argv, NULL);
    if (g_getenv("VESSEL_TEST_USERS_END"))      /* a child of users-cleaned */
        g_test_add_func("/daemon/security/users-end", test_users_end);
    g_test_add_func("/daemon/security/users-cleaned", test_users_cleaned);
    g_test_add_func("/daemon/security/config-refused", test_config_refused);
    g_test_add_func("/daemon/security/vmm-sandbox", test_vmm_sandbox);
    g_test_add_func("/daemon/security/vmm-confined", test_vmm_confined);
    g_test_add_func("/daemon/security/emulator-allow-list", test_emulator_allow_list);
    g_test_add_func("/daemon/security/client-rights", test_client_rights);
    g_test_add_func("/daemon/security/block-info-rights", test_block_info_rights);
    g_test_add_func("/daemon/security/paths-by-uuid", test_paths_by_uuid);
    g_test_add_func("/daemon/security/private-dirs", test_private_dirs);
    g_test_add_func("/daemon/security/forged-status", test_forged_status);
    g_test_add_func("/daemon/security/one-vmm-per-domain", test_one_vmm_per_domain);
    g_test_add_func("/daemon/security/status-unwritable", test_status_unwritable);
    g_test_add_func("/daemon/security/xml-bounds", test_xml_bounds);
    g_test_add_func("/daemon/security/message-size", test_message_size);
    g_test_add_func("/daemon/security/connection-limits", test_connection_limits);
    g_test_add_func("/daemon/security/connection-limits-total", test_connection_limits_total);
    g_test_add_func("/daemon/security/auth-timeout", test_auth_timeout);
    g_test_add_func("/daemon/security/get-all-unknown", test_get_all_unknown);
    g_test_add_func("/daemon/security/non-root-daemon", test_non_root_daemon);
    g_test_add_func("/daemon/security/log-not-truncated", test_log_not_truncated);
    g_test_add_func("/daemon/security/log-forgery", test_log_forgery);
    g_test_add_func("/daemon/security/log-bounded", test_log_bounded);
    g_test_add_func("/daemon/security/non-utf8", test_non_utf8);
    g_test_add_func("/daemon/security/temporaries-cleaned", test_temporaries_cleaned);
    int rc = g_test_run();
    users_remove();
    return rc;
}
