/* fuzz-dbus-driver.c - runs LLVMFuzzerTestOneInput (fuzz-dbus.c) without
 * libFuzzer: every input of the checked-in corpus (fuzz-corpus/dbus/),
 * then fixed-seed mutations of them: arguments made afresh for the
 * method's signature (numbers at their limits, names with "/", "..",
 * control characters, long ones, paths of other objects) or for another
 * method's, methods, objects and sockets swapped, type annotations
 * changed, lines duplicated, dropped and bytes flipped.  Prints TAP.
 *
 * As root it forks and runs the daemon as nobody in a directory it
 * gives nobody (see fuzz-dbus-daemon.h), then removes that directory.
 * Arguments: [ITERATIONS]; VESSEL_FUZZ_ITERATIONS too, and
 * VESSEL_FUZZ_SEED for other mutations than make check's. */
#include "config.h"

#include <grp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/lib/vtest.h"

#include "fuzz-dbus.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NOBODY 65534


#define PICK(array) ((array)[vt_fuzz_rand() % G_N_ELEMENTS(array)])

static const char *const paths[] = {
    "/org/vessel/Vessel1",
    "/org/vessel/Vessel1/domain/0f0f0f0f_0000_4000_8000_000000000001",
    "/org/vessel/Vessel1/network/0f0f0f0f_0000_4000_8000_000000000002",
    "/org/vessel/Vessel1/storagepool/0f0f0f0f_0000_4000_8000_000000000003",
    "/org/vessel/Vessel1/domain/00000000_0000_0000_0000_000000000000",
    "/org/vessel/Vessel1/domain", "/org/vessel/Vessel1/domain/x", "/",
    "/org/vessel/Vessel1/storagepool/0f0f0f0f_0000_4000_8000_000000000003/v",
};

static const char *const strings[] = {
    "", "fz1", "fznet", "fzpool", "vda", "sda", "hdc", "v1", "v1.img", "a.qcow2", "serial0",
    "console0", "..", ".", "../v1", "../../../../etc/shadow", "/etc/shadow", "/dev/zero",
    "/proc/self/mem", "v1/../v1", "a/b", "-", "0", "\n", "a\nb", "\t", "\x01", "%s%n%x",
    " ", "\xe2\x98\x83", "\xef\xbf\xbf", FUZZ_DOMAIN_UUID, FUZZ_NETWORK_UUID, FUZZ_POOL_UUID,
    "00000000-0000-0000-0000-000000000000", "0F0F0F0F-0000-4000-8000-000000000001",
    "52:54:00:12:34:56", "<domain/>", "<domain type='dbt'><name>x",
    "<domain type='dbt'><name>fz2</name><memory unit='MiB'>8</memory><os><type>hvm</type>"
    "<kernel>/nonexistent</kernel></os></domain>",
    "<network><name>fzn2</name><bridge name='vfz9'/></network>",
    "<pool type='dir'><name>p2</name><target><path>/tmp</path></target></pool>",
    "<volume><name>v1</name><capacity>1048576</capacity></volume>",
    "<volume><name>v2</name><capacity unit='G'>1</capacity><target><format type='qcow2'/>"
    "</target></volume>",
    "<volume><name>../v3</name><capacity>1</capacity></volume>",
    "<!DOCTYPE d [<!ENTITY e SYSTEM 'file:///etc/shadow'>]><domain>&e;</domain>",
};

static const guint32 u32s[] = { 0, 1, 2, 3, 4, 7, 8, 16, 60, 255, 256, 0x2ff, 60000, 60001,
                                0x7fffffff, 0x80000000u, 0xfffffffeu, 0xffffffffu };
static const guint64 u64s[] = { 0, 1, 511, 512, 4096, 1u << 20, 1ull << 30, 1ull << 40,
                                INT64_MAX, UINT64_MAX - 511, UINT64_MAX };
static const gint32 i32s[] = { 0, 1, -1, 2, 255, G_MININT32, G_MAXINT32 };

static char *long_string(void)
{
    gsize n = vt_fuzz_rand() % 2 ? 256 + vt_fuzz_rand() % 64 : 4000 + vt_fuzz_rand() % 8000;
    char *s = g_malloc(n + 1);
    memset(s, "ax/."[vt_fuzz_rand() % 4], n);
    s[n] = '\0';
    return s;
}

/* A value of type @t with values picked to hurt. */
static GVariant *random_value(const GVariantType *t, int depth)
{
    if (g_variant_type_is_tuple(t) || g_variant_type_is_dict_entry(t)) {
        GPtrArray *items = g_ptr_array_new();
        for (const GVariantType *i = g_variant_type_first(t); i; i = g_variant_type_next(i))
            g_ptr_array_add(items, random_value(i, depth + 1));
        GVariant *v = g_variant_type_is_tuple(t)
                          ? g_variant_new_tuple((GVariant **)items->pdata, items->len)
                          : g_variant_new_dict_entry(items->pdata[0], items->pdata[1]);
        g_ptr_array_free(items, TRUE);
        return v;
    }
    if (g_variant_type_is_array(t)) {
        const GVariantType *e = g_variant_type_element(t);
        guint n = depth > 3 ? 0 : vt_fuzz_rand() % 4 == 0 ? (guint)(vt_fuzz_rand() % 40) : (guint)(vt_fuzz_rand() % 4);
        GVariantBuilder b;
        g_variant_builder_init(&b, t);
        for (guint i = 0; i < n; i++)
            g_variant_builder_add_value(&b, random_value(e, depth + 1));
        return g_variant_builder_end(&b);
    }
    switch (g_variant_type_peek_string(t)[0]) {
    case 'b': return g_variant_new_boolean(vt_fuzz_rand() % 2);
    case 'y': return g_variant_new_byte((guint8)vt_fuzz_rand());
    case 'n': return g_variant_new_int16((gint16)vt_fuzz_rand());
    case 'q': return g_variant_new_uint16((guint16)vt_fuzz_rand());
    case 'i': return g_variant_new_int32(vt_fuzz_rand() % 4 ? PICK(i32s) : (gint32)vt_fuzz_rand());
    case 'u': return g_variant_new_uint32(vt_fuzz_rand() % 4 ? PICK(u32s) : (guint32)vt_fuzz_rand());
    case 'x': return g_variant_new_int64((gint64)(vt_fuzz_rand() % 2 ? PICK(u64s) : vt_fuzz_rand()));
    case 't': return g_variant_new_uint64(vt_fuzz_rand() % 4 ? PICK(u64s) : vt_fuzz_rand());
    case 'd': return g_variant_new_double((double)(int64_t)vt_fuzz_rand() / 3.0);
    case 'o': return g_variant_new_object_path(PICK(paths));
    case 'g': return g_variant_new_signature("(su)");
    case 'h': return g_variant_new_handle(0);
    case 'v': return g_variant_new_variant(random_value(G_VARIANT_TYPE("s"), depth + 1));
    case 's':
    default:
        if (vt_fuzz_rand() % 16 == 0) {
            g_autofree char *s = long_string();
            return g_variant_new_string(s);
        }
        return g_variant_new_string(PICK(strings));
    }
}

static const FuzzMethod *random_method(void)
{
    GPtrArray *methods = fuzz_dbus_methods();
    return methods->pdata[vt_fuzz_rand() % methods->len];
}

static char *short_member(const FuzzMethod *m)
{
    return g_strdup_printf("%s.%s", m->iface + strlen("org.vessel."), m->name);
}

/* One line of @lines changed; fields: sock path member args. */
static void mutate_line(GPtrArray *lines, guint at)
{
    char **f = g_strsplit_set(lines->pdata[at], " \t", 4);
    guint n = g_strv_length(f);
    char *sock = g_strdup(n > 0 ? f[0] : "rw");
    char *path = g_strdup(n > 1 ? f[1] : paths[0]);
    char *member = g_strdup(n > 2 ? f[2] : "Manager1.GetVersion");
    char *args = g_strdup(n > 3 ? f[3] : "");
    g_strfreev(f);
    switch (vt_fuzz_rand() % 10) {
    case 0: {
        char *other = g_strdup(strcmp(sock, "ro") == 0 ? "rw" : "ro");
        g_free(sock);
        sock = other;
        break;
    }
    case 1:
        g_free(path);
        path = g_strdup(PICK(paths));
        break;
    case 2: {                                   /* another method, its own arguments */
        const FuzzMethod *m = random_method();
        g_free(member);
        member = short_member(m);
        GVariant *v = g_variant_ref_sink(random_value(G_VARIANT_TYPE(m->in_sig), 0));
        g_free(args);
        args = g_variant_print(v, TRUE);
        g_variant_unref(v);
        break;
    }
    case 3:
    case 4:
    case 5: {                                   /* fresh arguments for this method */
        const char *dot = strrchr(member, '.');
        const FuzzMethod *m = NULL;
        if (dot) {
            g_autofree char *iface = g_strndup(member, (gsize)(dot - member));
            g_autofree char *full = g_strconcat("org.vessel.", iface, NULL);
            GPtrArray *all = fuzz_dbus_methods();
            for (guint i = 0; i < all->len && !m; i++) {
                const FuzzMethod *c = all->pdata[i];
                if (strcmp(c->iface, full) == 0 && strcmp(c->name, dot + 1) == 0)
                    m = c;
            }
        }
        const char *sig = m && vt_fuzz_rand() % 8 ? m->in_sig : random_method()->in_sig;
        GVariant *v = g_variant_ref_sink(random_value(G_VARIANT_TYPE(sig), 0));
        g_free(args);
        args = g_variant_print(v, TRUE);
        g_variant_unref(v);
        break;
    }
    case 6: {                                   /* a type annotation changed */
        static const char *const types[] = { "uint32", "int32", "uint64", "int64", "byte",
                                             "boolean", "string", "objectpath", "handle" };
        char *hit = strstr(args, PICK(types));
        if (hit) {
            GString *s = g_string_new_len(args, hit - args);
            g_string_append(s, PICK(types));
            g_string_append(s, hit + strcspn(hit, " "));
            g_free(args);
            args = g_string_free(s, FALSE);
        }
        break;
    }
    case 7:
        g_free(member);
        member = vt_fuzz_rand() % 2 ? g_strdup("Domain1.NoSuchMethod")
                           : g_strdup("org.freedesktop.DBus.Properties.GetAll");
        if (member[0] == 'o') {
            g_free(args);
            args = g_strdup("('org.vessel.Domain1',)");
        }
        break;
    case 8:                                     /* duplicated: the same call again */
        g_ptr_array_insert(lines, (gint)at, g_strdup(lines->pdata[at]));
        break;
    default:                                    /* a byte flipped */
        if (*args) {
            gsize i = vt_fuzz_rand() % strlen(args);     /* vt_fuzz_rand() in sequence: same on every build */
            args[i] ^= (char)(1u << (vt_fuzz_rand() % 7));
        }
        break;
    }
    g_free(lines->pdata[at]);
    lines->pdata[at] = g_strdup_printf("%s %s %s %s", sock, path, member, args);
    g_free(sock);
    g_free(path);
    g_free(member);
    g_free(args);
}

static char *mutate(GBytes *input)
{
    gsize len;
    const char *d = g_bytes_get_data(input, &len);
    g_autofree char *text = g_strndup(d, len);
    char **split = g_strsplit(text, "\n", -1);
    GPtrArray *lines = g_ptr_array_new_with_free_func(g_free);
    for (char **l = split; *l; l++)
        if (**l && **l != '#')
            g_ptr_array_add(lines, g_strdup(*l));
    g_strfreev(split);
    if (lines->len == 0)
        g_ptr_array_add(lines, g_strdup("rw /org/vessel/Vessel1 Manager1.GetVersion"));
    for (guint n = 1 + (guint)(vt_fuzz_rand() % 3); n > 0; n--)
        mutate_line(lines, (guint)(vt_fuzz_rand() % lines->len));
    if (lines->len > 1 && vt_fuzz_rand() % 8 == 0)
        g_ptr_array_remove_index(lines, (guint)(vt_fuzz_rand() % lines->len));
    g_ptr_array_add(lines, NULL);
    char *out = g_strjoinv("\n", (char **)lines->pdata);
    g_ptr_array_unref(lines);
    return out;
}

static int run(const char *dir, unsigned iterations)
{
    g_autofree char *dirname = NULL;
    g_autoptr(GPtrArray) corpus = vt_fuzz_corpus("fuzz-corpus/dbus", &dirname);
    g_autoptr(GError) err = NULL;
    printf("1..3\n");
    if (corpus->len == 0 || !fuzz_dbus_setup(dir, &err)) {
        printf("not ok 1 - %s\n", err ? err->message : "no corpus");
        return 1;
    }
    printf("ok 1 - a daemon in this process, as uid %u\n", (unsigned)geteuid());
    FuzzDbusCounters *c = &fuzz_dbus_counters;
    vt_fuzz_replay(corpus, LLVMFuzzerTestOneInput);
    /* the corpus reaches every check: values, refusals of each kind */
    bool reached = c->returns > 0 && c->errors > c->type_refused + c->access_refused &&
                   c->type_refused > 0 && c->access_refused > 0;
    printf("%s 2 - corpus: %u inputs, %lu calls (%lu returned, %lu errors: %lu of type, "
           "%lu of access)\n", reached ? "ok" : "not ok", corpus->len, c->calls, c->returns,
           c->errors, c->type_refused, c->access_refused);
    memset(c, 0, sizeof(*c));
    for (unsigned it = 0; it < iterations; it++) {
        g_autofree char *in = mutate(corpus->pdata[vt_fuzz_rand() % corpus->len]);
        LLVMFuzzerTestOneInput((const uint8_t *)in, strlen(in));
    }
    bool deep = c->calls > iterations && c->returns > iterations / 10 &&
                c->type_refused > 0 && c->access_refused > 0 &&
                c->errors > c->type_refused + c->access_refused;
    printf("%s 3 - %u fixed-seed mutations survived: %lu calls (%lu returned, %lu errors: "
           "%lu of type, %lu of access; %lu waits; %lu lines skipped)\n",
           deep ? "ok" : "not ok", iterations, c->calls, c->returns, c->errors,
           c->type_refused, c->access_refused, c->waits, c->unparsed);
    fuzz_dbus_teardown();
    return reached && deep ? 0 : 1;
}

int main(int argc, char **argv)
{
    unsigned iterations = vt_fuzz_iterations(argc, argv, 200);
    vt_fuzz_seed(0xd1b54a32d192ed03ull);
    g_autoptr(VtTmpDir) dir = vt_tmpdir_new("fuzz-dbus");
    if (geteuid() != 0)
        return run(dir->path, iterations);
    /* never a root daemon: nobody's, in a directory nobody owns */
    if (chown(dir->path, NOBODY, NOBODY) != 0 || chmod(dir->path, 0700) != 0) {
        printf("1..0 # SKIP cannot give %s to nobody\n", dir->path);
        return 0;
    }
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        if (setgroups(0, NULL) != 0 || setgid(NOBODY) != 0 || setuid(NOBODY) != 0) {
            printf("Bail out! cannot become nobody\n");
            _exit(1);
        }
        int rc = run(dir->path, iterations);
        fflush(stdout);
        _exit(rc);
    }
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) != pid)
        return 1;
    if (WIFSIGNALED(status))
        printf("Bail out! the fuzzed daemon's process died of signal %d\n", WTERMSIG(status));
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
