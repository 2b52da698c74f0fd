/* fuzz-dbus.c - libFuzzer target: vesseld's D-Bus argument handling, every
 * method of the contract (data/dbus/org.vessel.*.xml) called with arguments of any
 * type and value, through the real sockets, relay and dispatch of a
 * daemon running in this process (fuzz-dbus-daemon.h).
 *
 * An input is text, one call a line:
 *
 *   rw|ro  OBJECT-PATH  INTERFACE.METHOD  ARGUMENTS
 *
 * INTERFACE without a dot is org.vessel.INTERFACE ("Domain1.Start");
 * ARGUMENTS is a GVariant in text form (g_variant_parse), a tuple or one
 * value, empty for "()": `(uint32 0, uint32 5)`, `('<domain/>',)`.  Lines
 * that do not parse, or would not make a D-Bus message, are skipped.
 * Checked on every call, else abort():
 *  - a reply comes (a Shutdown with a timeout may wait: it defers);
 *  - arguments of another type than the contract's are refused with
 *    org.freedesktop.DBus.Error.InvalidArgs (no handler sees them), a
 *    method the object lacks with UnknownMethod (or -Object, -Interface);
 *  - a write method called on the read-only socket is refused with
 *    org.vessel.Error.AccessDenied, whatever its arguments' values;
 *  - a success returns exactly the contract's out-arguments;
 *  - every error is one of the contract's (org.vessel.Error.*) or
 *    D-Bus's own (org.freedesktop.DBus.Error.*), with a message;
 *  - the daemon keeps both connections and answers GetVersion on both
 *    after each input.
 * Crashes, sanitizer reports and GLib criticals (fatal here) are bugs too.
 *
 * make check runs it through fuzz-dbus-driver.c (the checked-in corpus
 * fuzz-corpus/dbus/ and fixed-seed mutations of it); for libFuzzer:
 *   tests/daemon/fuzz/build-libfuzzer.sh BUILDDIR [-max_total_time=600] */
#include "config.h"

#include <grp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/lib/vtest.h"

#include "fuzz-dbus.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

FuzzDbusCounters fuzz_dbus_counters;

#define FUZZ_MAX_INPUT (256u << 10)
#define FUZZ_MAX_CALLS 32

static FuzzDaemon *fuzz_daemon;

static G_NORETURN void fuzz_fail(const char *line, const char *what, const char *detail)
{
    fprintf(stderr, "fuzz-dbus: %s: %s\n  call: %s\n", what, detail ? detail : "", line);
    abort();
}

gboolean fuzz_dbus_setup(const char *dir, GError **error)
{
    g_log_set_always_fatal(G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_ERROR);
    if (!g_getenv("VESSEL_VMM")) {
        g_autofree char *vmm = vt_build_path("vmm/vessel-vmm");
        g_setenv("VESSEL_VMM", vmm, TRUE);
    }
    g_autofree char *kernel = vt_build_path("tests/daemon/guests/idle.elf");
    fuzz_daemon = fuzz_daemon_new(dir, kernel, error);
    return fuzz_daemon != NULL;
}

void fuzz_dbus_teardown(void)
{
    g_clear_pointer(&fuzz_daemon, fuzz_daemon_free);
}

GPtrArray *fuzz_dbus_methods(void)
{
    return fuzz_daemon_methods(fuzz_daemon);
}

/* libFuzzer only (the driver calls fuzz_dbus_setup): never as root, in a
 * directory of its own under $TMPDIR, left there. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    if (geteuid() == 0 && (setgroups(0, NULL) || setgid(65534) || setuid(65534))) {
        perror("fuzz-dbus: cannot drop root");
        exit(1);
    }
    g_autoptr(GError) err = NULL;
    g_autofree char *dir = g_dir_make_tmp("vessel-fuzz-dbus-XXXXXX", &err);
    if (!dir || !fuzz_dbus_setup(dir, &err)) {
        fprintf(stderr, "fuzz-dbus: %s\n", err->message);
        exit(1);
    }
    atexit(fuzz_dbus_teardown);
    return 0;
}

static gboolean contract_iface(const char *iface)
{
    return g_str_has_prefix(iface, "org.vessel.") && !strchr(iface + strlen("org.vessel."), '.');
}

/* The interface of the object at @path: the manager, or a node right
 * under a subtree (unknown nodes too: the handlers answer NoDomain...). */
static const char *object_iface(const char *path)
{
    static const struct {
        const char *prefix, *iface;
    } subtrees[] = {
        { "/org/vessel/Vessel1/domain/", "org.vessel.Domain1" },
        { "/org/vessel/Vessel1/network/", "org.vessel.Network1" },
        { "/org/vessel/Vessel1/storagepool/", "org.vessel.StoragePool1" },
    };
    if (strcmp(path, "/org/vessel/Vessel1") == 0)
        return "org.vessel.Manager1";
    for (gsize i = 0; i < G_N_ELEMENTS(subtrees); i++)
        if (g_str_has_prefix(path, subtrees[i].prefix) &&
            !strchr(path + strlen(subtrees[i].prefix), '/'))
            return subtrees[i].iface;
    return NULL;
}

/* A waiting Shutdown (timeout > 0) defers its reply: the client may give up. */
static gboolean may_wait(const char *iface, const char *method, GVariant *args)
{
    guint32 timeout = 0;
    if (strcmp(iface, "org.vessel.Domain1") != 0 || strcmp(method, "Shutdown") != 0 ||
        !g_variant_is_of_type(args, G_VARIANT_TYPE("(uu)")))
        return FALSE;
    g_variant_get(args, "(uu)", NULL, &timeout);
    return timeout > 0;
}

/* Would GDBus send @args at all (D-Bus types only, depth, size)? */
static gboolean sendable(const char *path, const char *iface, const char *method,
                         GVariant *args)
{
    g_autoptr(GDBusMessage) m = g_dbus_message_new_method_call(NULL, path, iface, method);
    g_dbus_message_set_body(m, args);
    gsize len;
    g_autofree guchar *blob = g_dbus_message_to_blob(m, &len, G_DBUS_CAPABILITY_FLAGS_NONE,
                                                     NULL);
    return blob != NULL;
}

static void check_error(const char *line, const GError *err, const FuzzMethod *m,
                        gboolean contract, gboolean type_ok, gboolean ro)
{
    if (!g_dbus_error_is_remote_error(err))
        fuzz_fail(line, "no reply", err->message);
    g_autofree char *name = g_dbus_error_get_remote_error(err);
    if (!g_str_has_prefix(name, "org.vessel.Error.") &&
        !g_str_has_prefix(name, "org.freedesktop.DBus.Error."))
        fuzz_fail(line, "an error outside the contract", name);
    if (!*err->message)
        fuzz_fail(line, "an error without a message", name);
    if (contract && !m && !g_str_has_prefix(name, "org.freedesktop.DBus.Error.Unknown"))
        fuzz_fail(line, "a method the object lacks, not refused as unknown", name);
    if (m && !type_ok) {
        if (strcmp(name, "org.freedesktop.DBus.Error.InvalidArgs") != 0)
            fuzz_fail(line, "arguments of the wrong type reached the daemon", name);
        fuzz_dbus_counters.type_refused++;
    } else if (m && ro && m->write) {
        if (strcmp(name, "org.vessel.Error.AccessDenied") != 0)
            fuzz_fail(line, "a write method on the read-only socket, not refused", name);
        fuzz_dbus_counters.access_refused++;
    }
}

static void run_call(const char *line, const char *sock, const char *path, const char *member,
                     const char *text)
{
    const char *dot = strrchr(member, '.');
    if ((strcmp(sock, "rw") != 0 && strcmp(sock, "ro") != 0) || !dot) {
        fuzz_dbus_counters.unparsed++;
        return;
    }
    gboolean ro = sock[1] == 'o';
    g_autofree char *iface = g_strndup(member, (gsize)(dot - member));
    if (!strchr(iface, '.')) {
        char *full = g_strconcat("org.vessel.", iface, NULL);
        g_free(iface);
        iface = full;
    }
    const char *method = dot + 1;
    g_autoptr(GVariant) parsed = NULL;
    if (g_variant_is_object_path(path) && g_dbus_is_interface_name(iface) &&
        g_dbus_is_member_name(method))
        parsed = g_variant_parse(NULL, *text ? text : "()", NULL, NULL, NULL);
    if (!parsed) {
        fuzz_dbus_counters.unparsed++;
        return;
    }
    g_variant_ref_sink(parsed);
    GVariant *args = g_variant_is_of_type(parsed, G_VARIANT_TYPE_TUPLE)
                         ? g_variant_ref(parsed)
                         : g_variant_ref_sink(g_variant_new_tuple(&parsed, 1));
    g_autoptr(GVariant) owned_args = args;
    if (!sendable(path, iface, method, args)) {
        fuzz_dbus_counters.unparsed++;
        return;
    }
    /* m: the method, when the object at @path has it */
    const FuzzMethod *m = g_strcmp0(object_iface(path), iface) == 0
                              ? fuzz_daemon_method(fuzz_daemon, iface, method)
                              : NULL;
    gboolean contract = contract_iface(iface);
    gboolean type_ok = m && strcmp(g_variant_get_type_string(args), m->in_sig) == 0;
    gboolean wait = may_wait(iface, method, args);
    g_autoptr(GError) err = NULL;
    fuzz_dbus_counters.calls++;
    g_autoptr(GVariant) r = fuzz_daemon_call(fuzz_daemon_client(fuzz_daemon, ro), path, iface,
                                             method, args,
                                             (int)(wait ? 300 : vt_timeout_ms(30000)), &err);
    if (r) {
        if (contract && !m)
            fuzz_fail(line, "a method the object lacks answered", NULL);
        if (m && !type_ok)
            fuzz_fail(line, "a call with arguments of the wrong type succeeded", NULL);
        if (m && ro && m->write)
            fuzz_fail(line, "a write method succeeded on the read-only socket", NULL);
        if (m && strcmp(g_variant_get_type_string(r), m->out_sig) != 0)
            fuzz_fail(line, "a reply of the wrong type", g_variant_get_type_string(r));
        fuzz_dbus_counters.returns++;
    } else if (wait && g_error_matches(err, G_IO_ERROR, G_IO_ERROR_TIMED_OUT)) {
        fuzz_dbus_counters.waits++;
    } else {
        check_error(line, err, m, contract, type_ok, ro);
        fuzz_dbus_counters.errors++;
    }
}

/* Splits "SOCK PATH MEMBER ARGS" at the first three runs of blanks. */
static void run_line(const char *line)
{
    g_autofree char *copy = g_strdup(line);
    g_autofree char *shown = g_strndup(line, 400);    /* for a failure */
    char *field[3];
    char *p = copy;
    for (int i = 0; i < 3; i++) {
        p += strspn(p, " \t");
        field[i] = p;
        p += strcspn(p, " \t");
        if (*p)
            *p++ = '\0';
    }
    run_call(shown, field[0], field[1], field[2], p + strspn(p, " \t"));
}

static void check_alive(void)
{
    for (int ro = 0; ro <= 1; ro++) {
        g_autoptr(GError) err = NULL;
        g_autoptr(GVariant) r = fuzz_daemon_call(fuzz_daemon_client(fuzz_daemon, ro),
                                                 "/org/vessel/Vessel1", "org.vessel.Manager1",
                                                 "GetVersion", NULL,
                                                 (int)vt_timeout_ms(30000), &err);
        if (!r)
            fuzz_fail("GetVersion", ro ? "the read-only connection is lost"
                                       : "the read-write connection is lost", err->message);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > FUZZ_MAX_INPUT)
        return 0;
    g_autofree char *text = g_strndup((const char *)data, size);
    char **lines = g_strsplit(text, "\n", FUZZ_MAX_CALLS + 1);
    for (int i = 0; lines[i] && i < FUZZ_MAX_CALLS; i++) {
        if (!g_utf8_validate(lines[i], -1, NULL) || lines[i][0] == '#' || !lines[i][0])
            continue;
        run_line(lines[i]);
    }
    g_strfreev(lines);
    check_alive();
    /* a name an input took may keep one from coming back: no matter */
    fuzz_daemon_restore(fuzz_daemon, NULL);
    return 0;
}
