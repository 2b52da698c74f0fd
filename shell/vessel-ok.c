/* vessel-ok.c - host checker: kvm-ok's verdict, plus a virt-host-validate
 * style table with --all.
 *
 * Default mode prints kvm-ok's lines with kvm-ok's exit codes (0 KVM can
 * be used, 1 it cannot, 2 only root could read the MSR that decides), and
 * goes beyond them: it names the kind of KVM (hardware VT-x/AMD-V, PVM,
 * none), proves a /dev/kvm by running a test VM (kvmproof.c), and says
 * what vessel-vmm --accel auto uses, from the one decision it shares with
 * the VMM and the daemon (common/host_kvm.c).  A PVM host's /dev/kvm runs
 * only PVM-enabled guest kernels: for ordinary guests KVM can NOT be used.
 * --all runs every check in vessel_ok_checks[] and exits 1 if one FAILs.
 * A usage error exits 3.  The probes live in hostcheck.c; the daemon
 * checks go over libvessel (okdaemon.c). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "host_kvm.h"
#include "hostcheck.h"
#include "i18n.h"
#include "kvmproof.h"
#include "okdaemon.h"

#define OK_EXIT_USAGE 3

typedef struct {
    HostProbe *probe;
    HostVirt virt;
    HostKvmFacts kvm;   /* read below the probe's root */
    OkDaemon *daemon;
} OkCtx;

typedef HostResult (*OkCheckFunc)(OkCtx *ctx, char **hint);

typedef struct {
    const char *what;   /* completes "Checking ..." */
    OkCheckFunc func;
} OkCheck;

static HostResult ok_check_cpu(OkCtx *ctx, char **hint)
{
    if (ctx->virt != HOST_VIRT_NONE)
        return HOST_RESULT_PASS;
    *hint = g_strdup(_("no VT-x/AMD-V: guests run on the dbt software CPU, much slower"));
    return HOST_RESULT_WARN;
}

static HostResult ok_check_kvm_exists(OkCtx *ctx, char **hint)
{
    gboolean rw;

    if (host_dev_access(ctx->probe, "/dev/kvm", &rw))
        return HOST_RESULT_PASS;
    *hint = g_strdup(_("check that the CPU and firmware support virtualization and the kvm module is loaded"));
    return HOST_RESULT_FAIL;
}

/* Who may open /dev/kvm, from its group and mode: "join group 'kvm'" only
 * when that is the device's group and it grants read-write. */
static char *ok_kvm_who(OkCtx *ctx)
{
    if ((ctx->kvm.dev_mode & 060) == 060) {
        g_autofree char *group = host_group_name(ctx->probe, ctx->kvm.dev_gid);
        if (group)
            return g_strdup_printf(_("join group '%s', the group of /dev/kvm"), group);
        return g_strdup_printf(_("/dev/kvm belongs to group %u, which has no name"),
                               (unsigned)ctx->kvm.dev_gid);
    }
    return g_strdup_printf(_("/dev/kvm is mode %04o: only its owner (uid %u) and root may open it"),
                           (unsigned)ctx->kvm.dev_mode, (unsigned)ctx->kvm.dev_uid);
}

static HostResult ok_check_kvm_access(OkCtx *ctx, char **hint)
{
    gboolean rw;

    if (!host_dev_access(ctx->probe, "/dev/kvm", &rw)) {
        *hint = g_strdup(_("/dev/kvm does not exist"));
        return HOST_RESULT_FAIL;
    }
    if (rw)
        return HOST_RESULT_PASS;
    g_autofree char *who = ok_kvm_who(ctx);
    *hint = g_strdup_printf(_("/dev/kvm is not read-write for this user: %s"), who);
    return HOST_RESULT_FAIL;
}

static HostResult ok_check_modules(OkCtx *ctx, char **hint)
{
    const char *vendor = host_virt_module(ctx->virt);
    gboolean kvm = host_module_loaded(ctx->probe, "kvm");

    if (!vendor) {
        if (kvm && host_module_loaded(ctx->probe, "kvm_pvm")) {
            *hint = g_strdup(_("kvm_pvm: PVM runs only PVM-enabled guest kernels"));
            return HOST_RESULT_WARN;
        }
        if (kvm)
            return HOST_RESULT_PASS;
        *hint = g_strdup(_("kvm is not loaded (and the CPU has no VT-x/AMD-V)"));
        return HOST_RESULT_WARN;
    }
    if (kvm && host_module_loaded(ctx->probe, vendor))
        return HOST_RESULT_PASS;
    *hint = g_strdup_printf(_("load it with 'modprobe %s'"), vendor);
    return HOST_RESULT_FAIL;
}

/* The test VM (kvmproof.c): usable, device present but VM creation
 * fails, or absent. */
static HostResult ok_check_kvm_proof(OkCtx *ctx, char **hint)
{
    g_autofree char *why = NULL;

    switch (kvm_proof_run(ctx->probe->root, &why)) {
    case KVM_PROOF_USABLE:
        *hint = g_steal_pointer(&why);
        return HOST_RESULT_PASS;
    case KVM_PROOF_FAILS:
        *hint = g_strdup_printf(_("device present but VM creation fails: %s"), why);
        return ctx->virt == HOST_VIRT_NONE ? HOST_RESULT_WARN : HOST_RESULT_FAIL;
    default:
        *hint = g_strdup(_("absent: no /dev/kvm"));
        return HOST_RESULT_WARN;
    }
}

/* What vessel-vmm --accel auto (and the daemon) decide on this host. */
static HostResult ok_check_auto(OkCtx *ctx, char **hint)
{
    g_autofree char *why = NULL;

    if (host_kvm_auto(&ctx->kvm, &why)) {
        *hint = g_strdup_printf(_("kvm, %s"), host_kvm_kind_describe(&ctx->kvm));
        return HOST_RESULT_PASS;
    }
    *hint = g_strdup_printf(_("dbt, the software CPU (much slower): %s"), why);
    return HOST_RESULT_WARN;
}

static HostResult ok_check_firmware(OkCtx *ctx, char **hint)
{
    if (ctx->virt == HOST_VIRT_NONE) {
        *hint = g_strdup(_("not applicable: the CPU has no VT-x/AMD-V"));
        return HOST_RESULT_WARN;
    }
    switch (host_firmware_vt(ctx->probe, ctx->virt)) {
    case HOST_FW_ENABLED:
        return HOST_RESULT_PASS;
    case HOST_FW_DISABLED:
        *hint = g_strdup(_("VT is disabled by the BIOS: enable it in the firmware setup, then power off and on"));
        return HOST_RESULT_FAIL;
    default:
        *hint = g_strdup(_("cannot read the MSR: run as root with the msr module loaded"));
        return HOST_RESULT_WARN;
    }
}

static HostResult ok_check_tun(OkCtx *ctx, char **hint)
{
    gboolean rw;

    if (host_dev_access(ctx->probe, "/dev/net/tun", &rw))
        return HOST_RESULT_PASS;
    *hint = g_strdup(_("load it with 'modprobe tun': guests cannot have network interfaces"));
    return HOST_RESULT_FAIL;
}

static HostResult ok_check_group_sockets(OkCtx *ctx, char **hint)
{
    return ok_daemon_check_socket_group(ctx->daemon, ctx->probe, hint);
}

/* Membership of /dev/kvm's own group, whatever it is called. */
static HostResult ok_check_group_kvm(OkCtx *ctx, char **hint)
{
    gboolean rw;

    if (!host_dev_access(ctx->probe, "/dev/kvm", &rw)) {
        *hint = g_strdup(_("not applicable: no /dev/kvm"));
        return HOST_RESULT_WARN;
    }
    if ((ctx->kvm.dev_mode & 060) != 060) {
        if (rw)
            return HOST_RESULT_PASS;
        *hint = ok_kvm_who(ctx);
        return HOST_RESULT_FAIL;
    }
    g_autofree char *group = host_group_name(ctx->probe, ctx->kvm.dev_gid);
    if (!group) {
        *hint = g_strdup_printf(_("/dev/kvm belongs to group %u, which has no name"),
                                (unsigned)ctx->kvm.dev_gid);
        return rw ? HOST_RESULT_PASS : HOST_RESULT_FAIL;
    }
    return host_group_member(ctx->probe, group, hint);
}

static HostResult ok_check_daemon(OkCtx *ctx, char **hint)
{
    return ok_daemon_check_reachable(ctx->daemon, hint);
}

static HostResult ok_check_accels(OkCtx *ctx, char **hint)
{
    return ok_daemon_check_accels(ctx->daemon, hint);
}

static const OkCheck vessel_ok_checks[] = {
    { N_("for hardware virtualization"), ok_check_cpu },
    { N_("if device /dev/kvm exists"), ok_check_kvm_exists },
    { N_("if device /dev/kvm is accessible"), ok_check_kvm_access },
    { N_("for kvm kernel modules"), ok_check_modules },
    { N_("if VT is enabled in the firmware"), ok_check_firmware },
    { N_("if a test VM runs under KVM"), ok_check_kvm_proof },
    { N_("what --accel auto uses"), ok_check_auto },
    { N_("for device /dev/net/tun"), ok_check_tun },
    { N_("membership of the daemon's socket group"), ok_check_group_sockets },
    { N_("membership of /dev/kvm's group"), ok_check_group_kvm },
    { N_("if the daemon is reachable"), ok_check_daemon },
    { N_("accelerators the daemon can use"), ok_check_accels },
};

static int ok_run_all(OkCtx *ctx)
{
    int failed = 0;

    for (size_t i = 0; i < G_N_ELEMENTS(vessel_ok_checks); i++) {
        g_autofree char *hint = NULL;
        HostResult r = vessel_ok_checks[i].func(ctx, &hint);

        printf(_("  VESSEL: Checking %-44s: %s"), _(vessel_ok_checks[i].what),
               host_result_name(r));
        if (hint)
            printf(" (%s)", hint);
        putchar('\n');
        if (r == HOST_RESULT_FAIL)
            failed = 1;
    }
    return failed;
}

static int ok_verdict(int usable)
{
    puts(usable ? _("KVM acceleration can be used") : _("KVM acceleration can NOT be used"));
    return usable ? 0 : 1;
}

static int ok_not_root(const char *argv0)
{
    puts(_("INFO: For more detailed results, you should run this as root"));
    printf(_("HINT:   sudo %s\n"), argv0);
    return 1;
}

/* Beyond kvm-ok: the kind of KVM, the test VM's outcome, and what Vessel
 * uses.  TRUE when the test VM ran and --accel auto uses KVM. */
static gboolean ok_print_kvm(OkCtx *ctx)
{
    g_autofree char *proof_why = NULL, *auto_why = NULL, *absent_why = NULL;

    printf(_("INFO: KVM kind: %s\n"), host_kvm_kind_describe(&ctx->kvm));
    KvmProofResult proof = kvm_proof_run(ctx->probe->root, &proof_why);
    switch (proof) {
    case KVM_PROOF_USABLE:
        printf(_("INFO: KVM: usable (%s)\n"), proof_why);
        break;
    case KVM_PROOF_FAILS:
        printf(_("INFO: KVM: device present but VM creation fails (%s)\n"), proof_why);
        break;
    default:
        host_kvm_device_usable(&ctx->kvm, &absent_why);
        printf(_("INFO: KVM: absent (%s)\n"), absent_why ? absent_why : proof_why);
        break;
    }
    gboolean kvm = host_kvm_auto(&ctx->kvm, &auto_why);
    if (kvm)
        puts(_("INFO: Vessel runs guests under KVM (vessel-vmm --accel auto)"));
    else if (g_strcmp0(auto_why, absent_why) == 0)   /* said just above */
        puts(_("INFO: Vessel runs ordinary guests on its software CPU, dbt (--accel auto)"));
    else
        printf(_("INFO: Vessel runs ordinary guests on its software CPU, dbt (--accel auto): %s\n"),
               auto_why);
    return kvm && proof == KVM_PROOF_USABLE;
}

/* kvm-ok's decision sequence, message for message, with ok_print_kvm()'s
 * lines before each verdict. */
static int ok_run_verdict(OkCtx *ctx, const char *argv0)
{
    gboolean rw;

    if (ctx->virt == HOST_VIRT_NONE) {
        puts(_("INFO: Your CPU does not support KVM extensions"));
        gboolean kvm = ok_print_kvm(ctx);
        /* A /dev/kvm without VT-x/AMD-V (PVM): nothing more root could see. */
        if (!ctx->kvm.dev_exists && !host_is_root(ctx->probe))
            return ok_not_root(argv0);
        return ok_verdict(kvm);
    }
    if (host_dev_access(ctx->probe, "/dev/kvm", &rw)) {
        puts(_("INFO: /dev/kvm exists"));
        return ok_verdict(ok_print_kvm(ctx));
    }
    puts(_("INFO: /dev/kvm does not exist"));
    printf(_("HINT:   sudo modprobe %s\n"), host_virt_module(ctx->virt));
    ok_print_kvm(ctx);

    HostFirmware fw = host_firmware_vt(ctx->probe, ctx->virt);
    if (fw == HOST_FW_UNKNOWN) {
        fflush(stdout);
        fputs(_("You must be root to run this check."), stderr);
        fputc('\n', stderr);
        return 2;
    }
    puts(_("INFO: Your CPU supports KVM extensions"));
    if (fw == HOST_FW_DISABLED) {
        printf(_("INFO: KVM (%s) is disabled by your BIOS\n"), host_virt_name(ctx->virt));
        puts(_("HINT: Enter your BIOS setup and enable Virtualization Technology (VT),"));
        puts(_("      and then hard poweroff/poweron your system"));
        return ok_verdict(0);
    }
    return ok_verdict(1);
}

int main(int argc, char **argv)
{
    gboolean all = FALSE, version = FALSE;
    g_autofree char *root = NULL;
    g_autofree char *uri = NULL;
    g_autoptr(GError) error = NULL;
    GOptionEntry entries[] = {
        { "all", 'a', 0, G_OPTION_ARG_NONE, &all,
          N_("Run every host check and print a PASS/WARN/FAIL table"), NULL },
        { "connect", 'c', 0, G_OPTION_ARG_STRING, &uri,
          N_("Daemon URI for the daemon checks"), N_("URI") },
        { "root", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME, &root,
          "Read /proc, /sys, /dev and /etc below DIR (tests)", "DIR" },
        { "version", 0, 0, G_OPTION_ARG_NONE, &version, N_("Print the version"), NULL },
        { NULL }
    };
    g_autoptr(GOptionContext) octx = NULL;
    OkCtx ctx = { 0 };
    int rc;

    vessel_i18n_init();
    octx = g_option_context_new(NULL);
    g_option_context_set_summary(octx, _("Check whether this host can run KVM-accelerated guests."));
    g_option_context_add_main_entries(octx, entries, GETTEXT_PACKAGE);
    if (!g_option_context_parse(octx, &argc, &argv, &error)) {
        fprintf(stderr, _("error: %s\n"), error->message);
        return OK_EXIT_USAGE;
    }
    if (argc > 1) {
        fprintf(stderr, _("error: unexpected argument '%s'\n"), argv[1]);
        return OK_EXIT_USAGE;
    }
    if (version) {
        printf("vessel-ok %s\n", PACKAGE_VERSION);
        return 0;
    }
    ctx.probe = host_probe_new(root);
    ctx.virt = host_cpu_virt(ctx.probe);
    host_kvm_facts_read(ctx.probe->root, &ctx.kvm);
    if (all) {
        ctx.daemon = ok_daemon_new(uri);
        rc = ok_run_all(&ctx);
        ok_daemon_free(ctx.daemon);
    } else {
        const char *base = strrchr(argv[0], '/');
        rc = ok_run_verdict(&ctx, base ? base + 1 : argv[0]);
    }
    host_probe_free(ctx.probe);
    return rc;
}
