/* nft.c - the network's nftables chains, applied with `nft -f -` (see nft.h). */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <gio/gio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "i18n.h"
#include "netbridge/error.h"
#include "netbridge/nft.h"
#include "netbridge/program.h"

#define T "ip " NETBRIDGE_NFT_TABLE

/* Serialises apply/remove in this process: removal decides whether to drop
 * the table by looking at what is left in it. */
static GMutex nft_lock;

static const char fwd_decl[] = "{ type filter hook forward priority filter; policy accept; }";
static const char nat_decl[] = "{ type nat hook postrouting priority srcnat; policy accept; }";

/* "a.b.c.0/prefix" for the network's address. */
static char *nft_subnet(const NetbridgeNetConfig *cfg)
{
    struct in_addr in = { 0 };
    char buf[INET_ADDRSTRLEN];
    guint32 mask = cfg->ipv4_prefix ? ~0u << (32 - cfg->ipv4_prefix) : 0;

    inet_pton(AF_INET, cfg->ipv4_address, &in);
    in.s_addr = htonl(ntohl(in.s_addr) & mask);
    inet_ntop(AF_INET, &in, buf, sizeof(buf));
    return g_strdup_printf("%s/%u", buf, cfg->ipv4_prefix);
}

static void chain_remove(GString *s, const char *chain, const char *decl)
{
    g_string_append_printf(s, "add chain " T " %s %s\n", chain, decl);
    g_string_append_printf(s, "flush chain " T " %s\n", chain);
    g_string_append_printf(s, "delete chain " T " %s\n", chain);
}

char *netbridge_nft_script_apply(const NetbridgeNetConfig *cfg)
{
    GString *s = g_string_new("add table " T "\n");
    g_autofree char *fwd = g_strdup_printf("fwd-%s", cfg->bridge);
    g_autofree char *nat = g_strdup_printf("nat-%s", cfg->bridge);
    g_autofree char *comment = g_strdup_printf("comment \"vessel network %s\"", cfg->name);
    g_autofree char *out_dev = cfg->forward_dev
        ? g_strdup_printf(" oifname \"%s\"", cfg->forward_dev) : g_strdup("");
    g_autofree char *in_dev = cfg->forward_dev
        ? g_strdup_printf(" iifname \"%s\"", cfg->forward_dev) : g_strdup("");
    g_autofree char *subnet = cfg->ipv4_address ? nft_subnet(cfg) : NULL;
    const char *br = cfg->bridge;

    g_string_append_printf(s, "add chain " T " %s %s\n", fwd, fwd_decl);
    g_string_append_printf(s, "flush chain " T " %s\n", fwd);
    g_string_append_printf(s, "add rule " T " %s iifname \"%s\" oifname \"%s\" accept %s\n",
                           fwd, br, br, comment);
    if (subnet && cfg->forward == NETBRIDGE_FORWARD_NAT) {
        g_string_append_printf(s, "add rule " T " %s iifname \"%s\"%s ip saddr %s accept %s\n",
                               fwd, br, out_dev, subnet, comment);
        g_string_append_printf(s, "add rule " T " %s oifname \"%s\"%s ip daddr %s "
                               "ct state established,related accept %s\n",
                               fwd, br, in_dev, subnet, comment);
    } else if (subnet && cfg->forward == NETBRIDGE_FORWARD_ROUTE) {
        g_string_append_printf(s, "add rule " T " %s iifname \"%s\"%s ip saddr %s accept %s\n",
                               fwd, br, out_dev, subnet, comment);
        g_string_append_printf(s, "add rule " T " %s oifname \"%s\"%s ip daddr %s accept %s\n",
                               fwd, br, in_dev, subnet, comment);
    }
    g_string_append_printf(s, "add rule " T " %s iifname \"%s\" reject %s\n", fwd, br, comment);
    g_string_append_printf(s, "add rule " T " %s oifname \"%s\" reject %s\n", fwd, br, comment);

    if (subnet && cfg->forward == NETBRIDGE_FORWARD_NAT) {
        g_string_append_printf(s, "add chain " T " %s %s\n", nat, nat_decl);
        g_string_append_printf(s, "flush chain " T " %s\n", nat);
        g_string_append_printf(s, "add rule " T " %s ip saddr %s ip daddr 224.0.0.0/24 return %s\n",
                               nat, subnet, comment);
        g_string_append_printf(s, "add rule " T " %s ip saddr %s ip daddr 255.255.255.255 return %s\n",
                               nat, subnet, comment);
        g_string_append_printf(s, "add rule " T " %s ip saddr %s ip daddr != %s%s masquerade %s\n",
                               nat, subnet, subnet, out_dev, comment);
    } else {
        chain_remove(s, nat, nat_decl);   /* the mode may have changed */
    }
    return g_string_free(s, FALSE);
}

char *netbridge_nft_script_remove(const NetbridgeNetConfig *cfg)
{
    GString *s = g_string_new("add table " T "\n");
    g_autofree char *fwd = g_strdup_printf("fwd-%s", cfg->bridge);
    g_autofree char *nat = g_strdup_printf("nat-%s", cfg->bridge);

    chain_remove(s, fwd, fwd_decl);
    chain_remove(s, nat, nat_decl);
    return g_string_free(s, FALSE);
}

/* A sealed-in-memory copy of @text to use as a child's stdin.  A pipe
 * would raise SIGPIPE in the caller if nft exits before reading it all. */
static int nft_input_fd(const char *text, GError **error)
{
    int fd = memfd_create("vessel-nft", MFD_CLOEXEC);
    gsize len = strlen(text), off = 0;

    while (fd >= 0 && off < len) {
        gssize n = write(fd, text + off, len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            close(fd);
            fd = -1;
            break;
        }
        off += n;
    }
    if (fd < 0 || lseek(fd, 0, SEEK_SET) < 0) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        g_set_error(error, NETBRIDGE_ERROR, NETBRIDGE_ERROR_FIREWALL,
                    _("cannot prepare the nft script: %s"), g_strerror(e));
        return -1;
    }
    return fd;
}

/* Run nft with @args and @input (may be NULL) on stdin; the exit status
 * goes to @status.  FALSE only if nft could not be run at all. */
static gboolean nft_exec(const char *const *args, const char *input, int *status,
                         char **out, char **err, GError **error)
{
    g_autofree char *nft = netbridge_program_find("NETBRIDGE_NFT", "nft");
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_autoptr(GSubprocessLauncher) launcher = NULL;
    g_autoptr(GSubprocess) proc = NULL;
    g_autoptr(GError) local = NULL;

    g_ptr_array_add(argv, nft);
    for (; *args; args++)
        g_ptr_array_add(argv, (char *)*args);
    g_ptr_array_add(argv, NULL);

    launcher = g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                         G_SUBPROCESS_FLAGS_STDERR_PIPE);
    if (input) {
        int fd = nft_input_fd(input, error);
        if (fd < 0)
            return FALSE;
        g_subprocess_launcher_take_stdin_fd(launcher, fd);
    }
    proc = g_subprocess_launcher_spawnv(launcher, (const char *const *)argv->pdata, &local);
    if (!proc || !g_subprocess_communicate_utf8(proc, NULL, NULL, out, err, &local)) {
        g_set_error(error, NETBRIDGE_ERROR, NETBRIDGE_ERROR_FIREWALL,
                    _("cannot run %s: %s"), nft, local->message);
        return FALSE;
    }
    *status = g_subprocess_get_if_exited(proc) ? g_subprocess_get_exit_status(proc) : 128;
    return TRUE;
}

gboolean netbridge_nft_run(const char *script, GError **error)
{
    static const char *const args[] = { "-f", "-", NULL };
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    int status;

    if (!nft_exec(args, script, &status, &out, &err, error))
        return FALSE;
    if (status != 0) {
        g_set_error(error, NETBRIDGE_ERROR, NETBRIDGE_ERROR_FIREWALL,
                    _("nft failed (status %d): %s"), status, err ? g_strstrip(err) : "");
        return FALSE;
    }
    return TRUE;
}

gboolean netbridge_nft_apply(const NetbridgeNetConfig *cfg, GError **error)
{
    g_autofree char *script = netbridge_nft_script_apply(cfg);
    g_autoptr(GMutexLocker) lock = g_mutex_locker_new(&nft_lock);

    return netbridge_nft_run(script, error);
}

/* Delete our table if no chain is left in it. */
static gboolean nft_table_drop_if_empty(GError **error)
{
    static const char *const args[] = { "list", "table", "ip", NETBRIDGE_NFT_TABLE, NULL };
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    int status;

    if (!nft_exec(args, NULL, &status, &out, &err, error))
        return FALSE;
    if (status != 0)
        return TRUE;   /* no table: nothing to drop */
    if (out && strstr(out, "chain "))
        return TRUE;   /* another network still uses it */
    return netbridge_nft_run("delete table " T "\n", error);
}

gboolean netbridge_nft_remove(const NetbridgeNetConfig *cfg, GError **error)
{
    g_autofree char *script = netbridge_nft_script_remove(cfg);
    g_autoptr(GMutexLocker) lock = g_mutex_locker_new(&nft_lock);

    if (!netbridge_nft_run(script, error))
        return FALSE;
    return nft_table_drop_if_empty(error);
}

gboolean netbridge_nft_present(const NetbridgeNetConfig *cfg, gboolean *present, GError **error)
{
    g_autofree char *fwd = g_strdup_printf("fwd-%s", cfg->bridge);
    const char *args[] = { "list", "chain", "ip", NETBRIDGE_NFT_TABLE, fwd, NULL };
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    int status;

    if (!nft_exec(args, NULL, &status, &out, &err, error))
        return FALSE;
    *present = status == 0;
    return TRUE;
}
