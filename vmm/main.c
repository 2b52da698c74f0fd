/* main.c - vessel-vmm: command line (DESIGN.md "The VMM"), accelerator
 * choice, machine assembly, boot, control channel and the main loop.
 *
 * Exit status: 0 guest powered off (or quit / SIGTERM), 1 error (one line
 * on stderr), 2 usage error, 3 guest reset under --no-reboot, 4 guest
 * crashed.  The main thread runs a GLib main loop for the control
 * channel, the serial back-end and signals; vCPU threads report their
 * exits to it through idle callbacks. */
#include "config.h"

#include "fdarg.h"
#include "host_kvm.h"
#include "i18n.h"
#include "vmm/acpi/acpi_tables.h"
#include "vmm/acpi/acpi_loader.h"
#include "vmm/boot/boot_fw_cfg.h"
#include "vmm/boot/boot_watch.h"
#include "vmm/boot/firmware.h"
#include "vmm/boot/linux_boot.h"
#include "vmm/boot/multiboot.h"
#include "vmm/chardev/chardev.h"
#include "vmm/control.h"
#include "vmm/display/display.h"
#include "vmm/display/vnc.h"
#include "vmm/hw/i8042.h"
#include "vmm/hw/key_chords.h"
#include "vmm/hw/stdvga.h"
#include "vmm/hw/uart16550.h"
#include "vmm/machine.h"
#include "vmm/sandbox/sandbox.h"
#include "vmm/virtio/virtio_devices.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

enum {
    EXIT_POWEROFF = 0,
    EXIT_ERROR = 1,
    EXIT_USAGE = 2,
    EXIT_RESET = 3,
    EXIT_CRASH = 4,
};

typedef struct {
    /* options */
    char *kernel, *initrd, *cmdline, *accel, *serial, *console, *control, *name, *uuid, *pidfile;
    char *on_crash, *vga, *vnc, *machine, *bios, *boot, *sandbox;
    GBytes *bios_image;      /* --bios, read once */
    MachineProfile profile;  /* --machine */
    char **disks, **nets;
    gint64 memory_mib;
    int cpus;
    gboolean no_reboot, paused, version;
    gboolean sandbox_test;   /* --sandbox-test: the sandbox-probe command */
    gboolean preserve_crash; /* --on-crash preserve */
    uint64_t vram;           /* --vga std[,vram=MIB]; 0: no display */
    /* state */
    Machine *m;
    VirtioDevices *virtio;   /* freed after the machine */
    CharDev *chr;
    BootWatch *watch;        /* with --bios: "No bootable device." */
    ControlServer *ctl;
    Display *display;        /* with a VGA */
    VncServer *vnc_server;   /* with --vnc */
    KeyChords *keys;         /* send-key, typed in order */
    const CpuBackendOps *cpu;
    GMainLoop *loop;
    int exit_code;
    gboolean finishing;
    gboolean pidfile_written;
    gboolean pidfile_held;   /* --pidfile fd:N: kept open while we run */
    int pidfile_fd;
    char *accel_note;        /* said once the machine is up (--accel auto) */
} Vmm;

typedef struct {
    Vmm *vmm;
    int vcpu_exit;
} VmmExitEvent;

static void vmm_finish(Vmm *vmm, int code)
{
    if (vmm->finishing)
        return;
    vmm->finishing = TRUE;
    if (vmm->exit_code != EXIT_CRASH || code == EXIT_ERROR)
        vmm->exit_code = code;
    if (vmm->m)
        machine_set_state(vmm->m, MACHINE_STATE_SHUTTING_DOWN);
    g_main_loop_quit(vmm->loop);
}

static void vmm_fail(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
static void vmm_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    g_autofree char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    fprintf(stderr, "vessel-vmm: %s\n", msg);
}

/* Main thread: the firmware said it found nothing to boot. */
static gboolean vmm_boot_failed(gpointer opaque)
{
    Vmm *vmm = opaque;
    vmm_fail(_("the firmware found no bootable device (SeaBIOS: \"%s\"); "
               "check the disks and the boot order"), BOOT_WATCH_TEXT);
    vmm_finish(vmm, EXIT_ERROR);
    return G_SOURCE_REMOVE;
}

/* vCPU thread (boot_watch.h) */
static void vmm_on_boot_fail(void *opaque)
{
    g_idle_add_full(G_PRIORITY_HIGH, vmm_boot_failed, opaque, NULL);
}

/* ---- boot and reboot ----------------------------------------------- */

/* Load the kernel: a bzImage or vmlinux by the Linux boot protocol, any
 * other kernel with a multiboot header by multiboot (as QEMU's -kernel
 * decides: Linux's setup header first). */
static gboolean vmm_boot(Vmm *vmm, GError **error)
{
    if (vmm->bios) {
        /* the firmware finds and boots what there is to boot */
        FirmwareInfo fi;
        g_autofree char *bootorder = virtio_devices_boot_order_text(vmm->virtio);
        BootFwCfg fwc = { .uuid = vmm->uuid, .boot_device = vmm->boot ? vmm->boot[0] : 'c',
                          .graphics = machine_vga(vmm->m) != NULL, .firmware = TRUE,
                          .sercon_port = 0x3f8, .bootorder = bootorder };
        /* the PCI window SeaBIOS places BARs in on an i440FX: from the
         * end of RAM below 4 GiB up to the IOAPIC */
        AcpiConfig acpi = { .ecam = FALSE, .mmio_base = machine_ram_range(vmm->m, 0)->size,
                            .mmio_end = 0xfebfffff };
        boot_watch_rearm(vmm->watch);   /* each boot is the firmware's again */
        if (!firmware_load(vmm->m, vmm->bios_image, vmm->boot, &fi, error) ||
            !boot_fw_cfg_fill(vmm->m, &fwc, error) ||
            !acpi_loader_install(vmm->m, &acpi, error))
            return FALSE;
        vcpu_queue_regs(machine_vcpu(vmm->m, 0), &fi.regs, &fi.sregs);
        return TRUE;
    }
    uint64_t rsdp;
    if (!acpi_tables_install(vmm->m, &rsdp, error))
        return FALSE;
    BootFwCfg fwc = {
        .uuid = vmm->uuid,
        .cmdline = vmm->cmdline ? vmm->cmdline : "",
        .boot_device = 'c',
        .graphics = machine_vga(vmm->m) != NULL,
    };
    if (!linux_boot_is_bzimage_file(vmm->kernel) && multiboot_probe_file(vmm->kernel)) {
        MultibootConfig mc = { vmm->kernel, vmm->initrd, vmm->cmdline };
        MultibootInfo mi;
        if (!multiboot_load(vmm->m, &mc, &mi, error))
            return FALSE;
        fwc.cmdline_addr = MULTIBOOT_STRINGS_ADDR;
        if (!boot_fw_cfg_fill(vmm->m, &fwc, error))
            return FALSE;
        vcpu_queue_regs(machine_vcpu(vmm->m, 0), &mi.regs, &mi.sregs);
        return TRUE;
    }
    LinuxBootConfig cfg = {
        .kernel = vmm->kernel,
        .initrd = vmm->initrd,
        .cmdline = vmm->cmdline,
        .rsdp = rsdp,
        .vga_text = machine_vga(vmm->m) != NULL,
    };
    LinuxBootInfo info;
    if (!linux_boot_load(vmm->m, &cfg, &info, error))
        return FALSE;
    fwc.cmdline_addr = BOOT_CMDLINE_ADDR;
    if (!boot_fw_cfg_fill(vmm->m, &fwc, error))
        return FALSE;
    vcpu_queue_regs(machine_vcpu(vmm->m, 0), &info.regs, &info.sregs);
    return TRUE;
}

static void vmm_reboot(Vmm *vmm)
{
    Machine *m = vmm->m;
    machine_park(m);
    machine_reset_devices(m);
    for (int i = 0; i < machine_ram_range_count(m); i++) {
        const MachineRamRange *r = machine_ram_range(m, i);
        madvise(r->host, r->size, MADV_DONTNEED); /* RAM reads as zero again */
    }
    g_autoptr(GError) error = NULL;
    if (!vmm_boot(vmm, &error)) {
        vmm_fail(_("reboot failed: %s"), error->message);
        vmm_finish(vmm, EXIT_ERROR);
        machine_unpark(m);
        return;
    }
    for (int i = 0; i < machine_ram_range_count(m); i++) {
        const MachineRamRange *r = machine_ram_range(m, i);
        machine_ram_written(m, r->gpa, r->size);   /* new code everywhere */
    }
    virtio_devices_set_paused(vmm->virtio, false); /* a reset while paused resumes */
    machine_set_state(m, MACHINE_STATE_RUNNING);
    machine_unpark(m);
    control_server_event(vmm->ctl, "reset");
}

static void vmm_guest_reset(Vmm *vmm)
{
    if (vmm->no_reboot) {
        vmm_finish(vmm, EXIT_RESET);
        return;
    }
    vmm->exit_code = EXIT_POWEROFF;  /* a preserved crash is over */
    machine_crash_clear(vmm->m);
    vmm_reboot(vmm);
}

/* One line on stderr (the daemon's domain log) says why; then exit 4, or
 * with --on-crash preserve keep the stopped guest for `info` until
 * `quit` (exit 4) or `reset`. */
static void vmm_guest_crashed(Vmm *vmm)
{
    MachineCrash c;
    if (machine_crash_info(vmm->m, &c)) {
        g_autofree char *why = machine_crash_describe(&c);
        vmm_fail(_("guest crashed: %s"), why);
    } else {
        vmm_fail("%s", _("guest crashed"));
    }
    if (!vmm->preserve_crash) {
        vmm_finish(vmm, EXIT_CRASH);
        return;
    }
    vmm->exit_code = EXIT_CRASH; /* for quit and SIGTERM from now on */
    machine_set_state(vmm->m, MACHINE_STATE_CRASHED);
}

static gboolean vmm_exit_event(gpointer data)
{
    VmmExitEvent *ev = data;
    Vmm *vmm = ev->vmm;
    if (vmm->finishing)
        return G_SOURCE_REMOVE;
    switch (ev->vcpu_exit) {
    case VCPU_EXIT_SHUTDOWN:
        vmm_finish(vmm, EXIT_POWEROFF);
        break;
    case VCPU_EXIT_RESET:
        vmm_guest_reset(vmm);
        break;
    case VCPU_EXIT_CRASH:
        vmm_guest_crashed(vmm);
        break;
    case VCPU_EXIT_DEBUG_EXIT:
        vmm_finish(vmm, machine_debug_exit_status(vmm->m));
        break;
    default:
        vmm_fail(_("vCPU failed: %s"), g_strerror(-ev->vcpu_exit));
        vmm_finish(vmm, EXIT_ERROR);
        break;
    }
    return G_SOURCE_REMOVE;
}

/* vCPU thread */
static void vmm_on_vcpu_exit(void *opaque, int vcpu_exit)
{
    VmmExitEvent *ev = g_new(VmmExitEvent, 1);
    ev->vmm = opaque;
    ev->vcpu_exit = vcpu_exit;
    g_idle_add_full(G_PRIORITY_HIGH, vmm_exit_event, ev, g_free);
}

/* ---- control channel ----------------------------------------------- */

static MachineState vmm_ctl_state(void *opaque)
{
    Vmm *vmm = opaque;
    return vmm->finishing ? MACHINE_STATE_SHUTTING_DOWN : machine_state(vmm->m);
}

/* Commands that make no sense for a crashed guest (--on-crash preserve). */
static gboolean vmm_ctl_refuse_crashed(Vmm *vmm, GError **error)
{
    if (machine_state(vmm->m) != MACHINE_STATE_CRASHED)
        return FALSE;
    g_set_error_literal(error, CONTROL_ERROR, CONTROL_ERROR_SPEC,
                        "the guest crashed (reset or quit)");
    return TRUE;
}

static gboolean vmm_ctl_pause(void *opaque, GError **error)
{
    Vmm *vmm = opaque;
    if (vmm_ctl_refuse_crashed(vmm, error))
        return FALSE;
    /* The vCPUs are kicked out of the CPU and park until resumed; disk
     * requests in flight finish and no new one starts. */
    machine_set_state(vmm->m, MACHINE_STATE_PAUSED);
    virtio_devices_set_paused(vmm->virtio, true);
    return TRUE;
}

static gboolean vmm_ctl_resume(void *opaque, GError **error)
{
    Vmm *vmm = opaque;
    if (vmm_ctl_refuse_crashed(vmm, error))
        return FALSE;
    virtio_devices_set_paused(vmm->virtio, false);
    machine_set_state(vmm->m, MACHINE_STATE_RUNNING);
    return TRUE;
}

/* The ACPI power button: `powerdown`, or `reboot` (libvirt's reboot of a
 * QEMU guest: the guest's power-off then resets the machine instead of
 * ending the VMM). */
static gboolean vmm_ctl_power_button(Vmm *vmm, gboolean reboot, GError **error)
{
    if (vmm_ctl_refuse_crashed(vmm, error))
        return FALSE;
    machine_power_button(vmm->m, reboot);
    return TRUE;
}

static gboolean vmm_ctl_powerdown(void *opaque, GError **error)
{
    return vmm_ctl_power_button(opaque, FALSE, error);
}

static gboolean vmm_ctl_reboot(void *opaque, GError **error)
{
    return vmm_ctl_power_button(opaque, TRUE, error);
}

static gboolean vmm_ctl_reset(void *opaque, GError **error)
{
    (void)error;
    vmm_guest_reset(opaque);
    return TRUE;
}

static void vmm_ctl_quit(void *opaque)
{
    vmm_finish(opaque, EXIT_POWEROFF);
}

static void vmm_ctl_info(void *opaque, ControlInfo *info)
{
    Vmm *vmm = opaque;
    info->name = vmm->name;
    info->uuid = vmm->uuid;
    info->accel = vmm->cpu->name;
    info->vcpus = vmm->cpus;
    info->memory_mib = vmm->memory_mib;
    info->cpu_time_ns = machine_cpu_time_ns(vmm->m);
    info->serial_out_bytes = chardev_out_bytes(vmm->chr);
    info->serial_dropped_bytes = chardev_dropped_bytes(vmm->chr);
    info->crashed = machine_crash_info(vmm->m, &info->crash);
    info->pid = (long)getpid();
    info->state = vmm_ctl_state(vmm);
    if (vmm->vnc_server) {
        info->vnc = vnc_server_address(vmm->vnc_server);
        info->vnc_clients = vnc_server_clients(vmm->vnc_server);
    }
    StdVga *vga = machine_vga(vmm->m);
    if (vga) {
        machine_lock(vmm->m);
        stdvga_screen(vga, &info->vga_screen);
        machine_unlock(vmm->m);
        info->vga = true;
    }
}

static GBytes *vmm_ctl_screendump(void *opaque, GError **error)
{
    Vmm *vmm = opaque;
    if (!vmm->display) {
        g_set_error_literal(error, CONTROL_ERROR, CONTROL_ERROR_SPEC, "the VM has no display");
        return NULL;
    }
    return display_png(vmm->display, error);
}

/* As libvirt's send-key: press all, hold, release in reverse order; a
 * chord sent while another is held waits for its release (key_chords.c). */
static gboolean vmm_ctl_send_key(void *opaque, const unsigned *codes, guint n, guint hold_ms,
                                 GError **error)
{
    Vmm *vmm = opaque;
    unsigned bad = 0;
    machine_lock(vmm->m);
    int r = key_chords_push(vmm->keys, codes, n, hold_ms, &bad);
    machine_unlock(vmm->m);
    if (r == -EINVAL)
        g_set_error(error, CONTROL_ERROR, CONTROL_ERROR_SPEC, "keycode %u is not on the keyboard",
                    codes[bad]);
    else if (r == -EBUSY)
        g_set_error(error, CONTROL_ERROR, CONTROL_ERROR_SPEC,
                    "%d key chords are already waiting to be typed; try again later",
                    KEY_CHORDS_QUEUED);
    else if (r < 0)
        g_set_error(error, CONTROL_ERROR, CONTROL_ERROR_SPEC, "send-key: 1 to %d keys at a time",
                    KEY_CHORD_KEYS);
    return r == 0;
}

static gboolean vmm_ctl_vnc_password(void *opaque, const char *password, GError **error)
{
    Vmm *vmm = opaque;
    if (!vmm->vnc_server) {
        g_set_error_literal(error, CONTROL_ERROR, CONTROL_ERROR_SPEC, "no VNC server (--vnc)");
        return FALSE;
    }
    vnc_server_set_password(vmm->vnc_server, password);
    return TRUE;
}

/* Test-only: refused unless started with --sandbox-test, an option only
 * the VMM's parent can give (not the guest, not a control client). */
static char *vmm_ctl_sandbox_probe(void *opaque, const char *what, const char *arg,
                                   GError **error)
{
    Vmm *vmm = opaque;
    if (!vmm->sandbox_test) {
        g_set_error_literal(error, CONTROL_ERROR, CONTROL_ERROR_SPEC,
                            "sandbox-probe: only with --sandbox-test");
        return NULL;
    }
    char *r = sandbox_probe(what, arg);
    if (!r)
        g_set_error(error, CONTROL_ERROR, CONTROL_ERROR_SPEC,
                    "sandbox-probe: unknown probe '%.32s' (open PATH, connect PATH, landlock, "
                    "forbidden)", what);
    return r;
}

static gboolean vmm_ctl_disk_overlay(void *opaque, unsigned index, const char *file,
                                     GError **error)
{
    Vmm *vmm = opaque;
    return virtio_devices_disk_overlay(vmm->virtio, index, file, error);
}

static gboolean vmm_ctl_disk_commit(void *opaque, unsigned index, const char *base,
                                    GError **error)
{
    Vmm *vmm = opaque;
    return virtio_devices_disk_commit(vmm->virtio, index, base, error);
}

static const ControlOps vmm_control_ops = {
    .state = vmm_ctl_state,
    .pause = vmm_ctl_pause,
    .resume = vmm_ctl_resume,
    .powerdown = vmm_ctl_powerdown,
    .reset = vmm_ctl_reset,
    .reboot = vmm_ctl_reboot,
    .quit = vmm_ctl_quit,
    .info = vmm_ctl_info,
    .screendump = vmm_ctl_screendump,
    .send_key = vmm_ctl_send_key,
    .vnc_password = vmm_ctl_vnc_password,
    .sandbox_probe = vmm_ctl_sandbox_probe,
    .disk_overlay = vmm_ctl_disk_overlay,
    .disk_commit = vmm_ctl_disk_commit,
};

/* ---- serial input -------------------------------------------------- */

static size_t vmm_serial_can_receive(void *opaque)
{
    Machine *m = opaque;
    machine_lock(m);
    size_t n = uart16550_can_receive(machine_uart(m));
    machine_unlock(m);
    return n;
}

static void vmm_serial_receive(void *opaque, const uint8_t *buf, size_t len)
{
    Machine *m = opaque;
    machine_lock(m);
    uart16550_receive(machine_uart(m), buf, len);
    machine_unlock(m);
}

/* ---- setup --------------------------------------------------------- */

static gboolean vmm_signal(gpointer data)
{
    vmm_finish(data, EXIT_POWEROFF);
    return G_SOURCE_CONTINUE;
}

/* Ctrl-A x on the stdio console. */
static void vmm_escape_quit(void *data)
{
    vmm_finish(data, EXIT_POWEROFF);
}

/* --vga none|std[,vram=MIB], and --vnc implies std. */
static int vmm_parse_vga(Vmm *vmm)
{
    if (!vmm->vga) {
        vmm->vram = vmm->vnc ? 16ull << 20 : 0;
        return 0;
    }
    g_auto(GStrv) parts = g_strsplit(vmm->vga, ",", -1);
    if (!strcmp(parts[0], "none") && !parts[1]) {
        if (vmm->vnc) {
            vmm_fail("%s", _("--vnc needs a display (--vga std)"));
            return EXIT_USAGE;
        }
        return 0;
    }
    if (strcmp(parts[0], "std")) {
        vmm_fail(_("--vga must be none or std[,vram=MIB], not '%s'"), vmm->vga);
        return EXIT_USAGE;
    }
    guint64 mib = 16;
    for (int i = 1; parts[i]; i++) {
        if (!g_str_has_prefix(parts[i], "vram=") ||
            !g_ascii_string_to_unsigned(parts[i] + 5, 10, 1, STDVGA_VRAM_MAX >> 20, &mib, NULL) ||
            (mib & (mib - 1))) {
            vmm_fail(_("--vga: bad option '%s' (vram=MIB, a power of two from 1 to %llu)"),
                     parts[i], (unsigned long long)(STDVGA_VRAM_MAX >> 20));
            return EXIT_USAGE;
        }
    }
    vmm->vram = mib << 20;
    return 0;
}

static int vmm_parse(Vmm *vmm, int *argc, char ***argv)
{
    vmm->memory_mib = 512;
    vmm->cpus = 1;
    GOptionEntry entries[] = {
        { "kernel", 0, 0, G_OPTION_ARG_FILENAME, &vmm->kernel, N_("Linux kernel (bzImage or ELF vmlinux) or a multiboot kernel"), "FILE" },
        { "bios", 0, 0, G_OPTION_ARG_FILENAME, &vmm->bios, N_("boot this firmware (a PC BIOS ROM image such as SeaBIOS's bios-256k.bin) instead of a kernel"), "FILE" },
        { "boot", 0, 0, G_OPTION_ARG_STRING, &vmm->boot, N_("with --bios, the boot order as QEMU's -boot order= letters: c disk, d CD-ROM, n network (default c)"), "ORDER" },
        { "initrd", 0, 0, G_OPTION_ARG_FILENAME, &vmm->initrd, N_("initial ramdisk; for a multiboot kernel its modules: FILE[ ARGS][,FILE[ ARGS]]..."), "FILE" },
        { "cmdline", 0, 0, G_OPTION_ARG_STRING, &vmm->cmdline, N_("kernel command line"), "STR" },
        { "memory", 0, 0, G_OPTION_ARG_INT64, &vmm->memory_mib, N_("guest memory in MiB (default 512)"), "MIB" },
        { "cpus", 0, 0, G_OPTION_ARG_INT, &vmm->cpus, N_("number of vCPUs (default 1)"), "N" },
        { "accel", 0, 0, G_OPTION_ARG_STRING, &vmm->accel, N_("auto, kvm or dbt (default auto)"), "ACCEL" },
        { "disk", 0, 0, G_OPTION_ARG_STRING_ARRAY, &vmm->disks, N_("virtio disk image (media=cdrom: a read-only CD-ROM on virtio-scsi; bootindex=N: the firmware's boot order)"),
          "FILE[,format=raw|qcow2][,readonly][,media=cdrom][,bootindex=N][,backing=FMT:FILE]..." },
        { "net", 0, 0, G_OPTION_ARG_STRING_ARRAY, &vmm->nets, N_("virtio network on a tap device, by name or as inherited fd N"), "tap=IFNAME|tapfd=N[,mac=MAC]" },
        { "serial", 0, 0, G_OPTION_ARG_STRING, &vmm->serial, N_("serial port: stdio, file:PATH, unix:PATH or pty"), "SPEC" },
        { "console", 0, 0, G_OPTION_ARG_STRING, &vmm->console, N_("virtio console (hvc0): stdio, file:PATH, unix:PATH or pty"), "SPEC" },
        { "control", 0, 0, G_OPTION_ARG_STRING, &vmm->control, N_("control channel: unix:PATH or fd:N"), "SPEC" },
        { "name", 0, 0, G_OPTION_ARG_STRING, &vmm->name, N_("VM name"), "NAME" },
        { "uuid", 0, 0, G_OPTION_ARG_STRING, &vmm->uuid, N_("VM UUID"), "UUID" },
        { "no-reboot", 0, 0, G_OPTION_ARG_NONE, &vmm->no_reboot, N_("exit with status 3 when the guest resets"), NULL },
        { "paused", 0, 0, G_OPTION_ARG_NONE, &vmm->paused, N_("start with the vCPUs paused; `resume` on the control channel starts them"), NULL },
        { "machine", 0, 0, G_OPTION_ARG_STRING, &vmm->machine, N_("machine profile: pc (the default) or test (adds QEMU's isa-debug-exit at 0xf4 and pc-testdev for test kernels)"), "pc|test" },
        { "vga", 0, 0, G_OPTION_ARG_STRING, &vmm->vga, N_("display: none (the default without --vnc) or std, the standard PCI VGA with MIB of VRAM (default 16)"), "none|std[,vram=MIB]" },
        { "vnc", 0, 0, G_OPTION_ARG_STRING, &vmm->vnc, N_("VNC server for the display: TCP (HOST defaults to 127.0.0.1), a UNIX socket or an inherited listening socket; with password, clients must authenticate; keymap=NAME: the guest's keyboard layout (libvirt's names: de, fr, ...)"), "[HOST:]PORT|unix:PATH|fd:N[,password][,keymap=NAME]" },
        { "on-crash", 0, 0, G_OPTION_ARG_STRING, &vmm->on_crash, N_("exit (status 4, the default) or preserve: keep the crashed guest stopped for `info` until `quit` (status 4) or `reset`"), "ACTION" },
        { "pidfile", 0, 0, G_OPTION_ARG_FILENAME, &vmm->pidfile, N_("write the process id to FILE"), "FILE" },
        { "sandbox", 0, 0, G_OPTION_ARG_STRING, &vmm->sandbox, N_("confine the VMM once everything is open (default on); off only for a VMM run by hand"), "on|off" },
        { "sandbox-test", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &vmm->sandbox_test, "test-only: the sandbox-probe control command", NULL },
        { "version", 0, 0, G_OPTION_ARG_NONE, &vmm->version, N_("print the version and exit"), NULL },
        { NULL, 0, 0, 0, NULL, NULL, NULL },
    };
    g_autoptr(GOptionContext) ctx = g_option_context_new(NULL);
    g_option_context_set_summary(ctx, _("Run one virtual machine (vessel-pc)."));
    g_option_context_set_description(ctx, _("Any FILE (also in --serial and --console "
                                            "file:FILE and unix:FILE) may be given as fd:N, "
                                            "a descriptor inherited from the parent."));
    g_option_context_add_main_entries(ctx, entries, GETTEXT_PACKAGE);
    g_autoptr(GError) error = NULL;
    if (!g_option_context_parse(ctx, argc, argv, &error)) {
        vmm_fail("%s (see --help)", error->message);
        return EXIT_USAGE;
    }
    if (vmm->version) {
        printf("vessel-vmm %s\n", PACKAGE_VERSION);
        exit(0);
    }
    if (*argc > 1) {
        vmm_fail(_("unexpected argument '%s' (see --help)"), (*argv)[1]);
        return EXIT_USAGE;
    }
    if (!vmm->kernel == !vmm->bios) {
        vmm_fail("%s", vmm->kernel ? _("--kernel and --bios exclude each other (see --help)")
                                   : _("--kernel or --bios is required (see --help)"));
        return EXIT_USAGE;
    }
    if (vmm->boot && (!vmm->bios || !firmware_boot_order_valid(vmm->boot))) {
        vmm_fail(_("--boot takes 1 to 3 distinct letters of c, d and n, with --bios, "
                   "not '%s'"), vmm->boot);
        return EXIT_USAGE;
    }
    const char *boot_note = firmware_boot_order_note(vmm->boot);
    if (boot_note)
        vmm_fail("%s", boot_note);  /* a note, not an error */
    if (vmm->bios && (vmm->initrd || vmm->cmdline)) {
        vmm_fail("%s", _("--initrd and --cmdline go with --kernel, not --bios"));
        return EXIT_USAGE;
    }
    /* FILE arguments may be inherited descriptors (fd:N, fdarg.h) */
    const struct {
        const char *arg;
        const char *what;
    } fdargs[] = { { vmm->kernel, "--kernel" }, { vmm->initrd, "--initrd" },
                   { vmm->pidfile, "--pidfile" } };
    for (gsize i = 0; i < G_N_ELEMENTS(fdargs); i++) {
        if (vessel_fdarg_number(fdargs[i].arg) == -2) {
            vmm_fail(_("%s %s: expected fd:N with N a descriptor number"), fdargs[i].what,
                     fdargs[i].arg);
            return EXIT_USAGE;
        }
    }
    if (!vmm->accel)
        vmm->accel = g_strdup("auto");
    if (strcmp(vmm->accel, "auto") && strcmp(vmm->accel, "kvm") && strcmp(vmm->accel, "dbt")) {
        vmm_fail(_("--accel must be auto, kvm or dbt, not '%s'"), vmm->accel);
        return EXIT_USAGE;
    }
    if (vmm->memory_mib <= 0) {
        vmm_fail("%s", _("--memory must be a positive number of MiB"));
        return EXIT_USAGE;
    }
    if (vmm->cpus <= 0) {
        vmm_fail("%s", _("--cpus must be a positive number"));
        return EXIT_USAGE;
    }
    if (!vmm->serial)
        vmm->serial = g_strdup("stdio");
    if (vmm->console && !strcmp(vmm->console, "stdio") && !strcmp(vmm->serial, "stdio")) {
        vmm_fail("%s", _("--console stdio needs --serial on something other than stdio"));
        return EXIT_USAGE;
    }
    if (vmm->on_crash && strcmp(vmm->on_crash, "exit") && strcmp(vmm->on_crash, "preserve")) {
        vmm_fail(_("--on-crash must be exit or preserve, not '%s'"), vmm->on_crash);
        return EXIT_USAGE;
    }
    vmm->preserve_crash = vmm->on_crash && !strcmp(vmm->on_crash, "preserve");
    if (vmm->preserve_crash && !vmm->control) {
        vmm_fail("%s", _("--on-crash preserve needs --control (nothing could end the VMM)"));
        return EXIT_USAGE;
    }
    if (vmm->paused && !vmm->control) {
        vmm_fail("%s", _("--paused needs --control (nothing could resume the guest)"));
        return EXIT_USAGE;
    }
    if (!vmm->machine || !strcmp(vmm->machine, "pc")) {
        vmm->profile = MACHINE_PROFILE_PC;
    } else if (!strcmp(vmm->machine, "test")) {
        vmm->profile = MACHINE_PROFILE_TEST;
    } else {
        vmm_fail(_("--machine must be pc or test, not '%s'"), vmm->machine);
        return EXIT_USAGE;
    }
    if (vmm->sandbox && strcmp(vmm->sandbox, "on") && strcmp(vmm->sandbox, "off")) {
        vmm_fail(_("--sandbox must be on or off, not '%s'"), vmm->sandbox);
        return EXIT_USAGE;
    }
    if (vmm->sandbox_test && !vmm->control) {
        vmm_fail("%s", _("--sandbox-test needs --control"));
        return EXIT_USAGE;
    }
    int r = vmm_parse_vga(vmm);
    if (r)
        return r;
    if (!vmm->name)
        vmm->name = g_strdup("vessel");
    if (!vmm->uuid)
        vmm->uuid = g_strdup("");
    return 0;
}

/* --accel dbt: the software CPU.  --accel kvm: KVM if the device can be
 * used at all (also on a PVM host, for PVM-enabled kernels and tests).
 * --accel auto: host_kvm_auto() decides, the same function the daemon's
 * capabilities and vessel-ok use; the choice is said in one line. */
static int vmm_choose_accel(Vmm *vmm)
{
    char why[512] = "";
    if (!strcmp(vmm->accel, "dbt")) {
        vmm->cpu = &cpu_backend_dbt;
        return 0;
    }
    if (!strcmp(vmm->accel, "kvm")) {
        if (cpu_backend_kvm.probe(why, sizeof(why)) < 0) {
            vmm_fail(_("KVM cannot be used: %s"), why);
            return EXIT_ERROR;
        }
        vmm->cpu = &cpu_backend_kvm;
        return 0;
    }
    HostKvmFacts facts;
    g_autofree char *reason = NULL;
    host_kvm_facts_read(NULL, &facts);
    if (host_kvm_auto(&facts, &reason)) {
        vmm->cpu = &cpu_backend_kvm;
        vmm->accel_note = g_strdup_printf(_("vessel-vmm: using kvm (%s)"),
                                          host_kvm_kind_describe(&facts));
        return 0;
    }
    vmm->cpu = &cpu_backend_dbt;
    vmm->accel_note = g_strdup_printf(_("vessel-vmm: using dbt (KVM cannot be used: %s)"), reason);
    return 0;
}

static gboolean vmm_write_pidfile(Vmm *vmm, GError **error)
{
    g_autofree char *pid = g_strdup_printf("%ld\n", (long)getpid());
    int fd = vessel_fdarg_number(vmm->pidfile);
    if (fd == -1) {
        if (!g_file_set_contents(vmm->pidfile, pid, -1, error))
            return FALSE;
        vmm->pidfile_written = TRUE;   /* ours to remove at exit */
        return TRUE;
    }
    /* fd:N: the parent's file, written but never removed by us, and held
     * open until we exit: a parent may hold a lock on it that lives as
     * long as this VMM (vesseld: one VMM per domain) */
    fd = vessel_fdarg_open(vmm->pidfile, O_WRONLY, 0, "pid file", error);
    if (fd < 0)
        return FALSE;
    gboolean ok = ftruncate(fd, 0) == 0 && pwrite(fd, pid, strlen(pid), 0) == (ssize_t)strlen(pid);
    if (!ok) {
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno),
                    "cannot write pid file %s: %s", vmm->pidfile, g_strerror(errno));
        close(fd);
        return FALSE;
    }
    vmm->pidfile_fd = fd;
    vmm->pidfile_held = TRUE;
    return TRUE;
}

static void vmm_clear(Vmm *vmm)
{
    sandbox_disarm();   /* threads still at the gate go on, to be stopped */
    control_server_free(vmm->ctl);
    vnc_server_free(vmm->vnc_server);   /* its thread uses the machine */
    display_free(vmm->display);
    if (vmm->keys) {
        machine_lock(vmm->m);
        key_chords_free(vmm->keys);   /* its timer is on the machine's list */
        machine_unlock(vmm->m);
    }
    virtio_devices_stop(vmm->virtio);   /* device threads use the machine */
    machine_free(vmm->m);
    virtio_devices_free(vmm->virtio);
    boot_watch_free(vmm->watch);
    chardev_free(vmm->chr);
    if (vmm->pidfile_written)
        unlink(vmm->pidfile);
    if (vmm->pidfile_held)
        close(vmm->pidfile_fd);
    if (vmm->loop)
        g_main_loop_unref(vmm->loop);
    g_free(vmm->kernel);
    g_free(vmm->initrd);
    g_free(vmm->cmdline);
    g_free(vmm->accel);
    g_free(vmm->serial);
    g_free(vmm->console);
    g_free(vmm->control);
    g_free(vmm->name);
    g_free(vmm->uuid);
    g_free(vmm->pidfile);
    g_free(vmm->on_crash);
    g_free(vmm->vga);
    g_free(vmm->vnc);
    g_free(vmm->machine);
    g_free(vmm->bios);
    if (vmm->bios_image)
        g_bytes_unref(vmm->bios_image);
    g_free(vmm->boot);
    g_free(vmm->sandbox);
    g_free(vmm->accel_note);
    g_strfreev(vmm->disks);
    g_strfreev(vmm->nets);
}

static gboolean vmm_sandbox_on(Vmm *vmm)
{
    return !vmm->sandbox || !strcmp(vmm->sandbox, "on");
}

/* Is @spec a path (not an inherited descriptor fd:N)? */
static gboolean vmm_is_path(const char *spec)
{
    return spec && *spec && !g_str_has_prefix(spec, "fd:");
}

/* What the VMM still does by path once confined: read the kernel and
 * initrd (or multiboot modules) again on a reboot, remove its own
 * sockets and pid file at exit (the firmware is read once, at start).
 * Given everything as descriptors, nothing. */
static gboolean vmm_lock_down(Vmm *vmm, GError **error)
{
    g_autoptr(GPtrArray) reads = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) removes = g_ptr_array_new();
    if (vmm_is_path(vmm->kernel))
        g_ptr_array_add(reads, g_strdup(vmm->kernel));
    if (vmm_is_path(vmm->initrd)) {
        if (g_file_test(vmm->initrd, G_FILE_TEST_EXISTS)) {
            g_ptr_array_add(reads, g_strdup(vmm->initrd));
        } else {   /* a multiboot kernel's modules: FILE[ ARGS][,FILE[ ARGS]]... */
            g_auto(GStrv) items = multiboot_split_modules(vmm->initrd);
            for (int i = 0; items[i]; i++)
                if (items[i][0] && vmm_is_path(items[i]))
                    g_ptr_array_add(reads, g_strndup(items[i], strcspn(items[i], " ")));
        }
    }
    const char *sockets[] = { vmm->control, vmm->serial, vmm->console };
    for (size_t i = 0; i < G_N_ELEMENTS(sockets); i++)
        if (sockets[i] && g_str_has_prefix(sockets[i], "unix:") && vmm_is_path(sockets[i] + 5))
            g_ptr_array_add(removes, (char *)sockets[i] + 5);
    if (vmm->pidfile_written && vmm_is_path(vmm->pidfile))
        g_ptr_array_add(removes, vmm->pidfile);
    g_ptr_array_add(reads, NULL);
    g_ptr_array_add(removes, NULL);
    SandboxConfig cfg = {
        .read_files = (const char *const *)reads->pdata,
        .remove_files = (const char *const *)removes->pdata,
        .kvm = vmm->cpu == &cpu_backend_kvm,
    };
    return sandbox_lock_down(&cfg, error);
}

static int vmm_main(Vmm *vmm, int argc, char **argv)
{
    /* Threads started from here on wait for the sandbox (sandbox.h). */
    sandbox_arm(argc, argv);
    int r = vmm_parse(vmm, &argc, &argv);
    if (r)
        return r;
    /* Before the user namespace: in it, /dev/kvm's group would read as
     * the overflow gid and the reason given would name the wrong group. */
    r = vmm_choose_accel(vmm);
    if (r)
        return r;
    if (!vmm_sandbox_on(vmm)) {
        sandbox_disarm();
        fprintf(stderr, "%s\n", _("vessel-vmm: warning: --sandbox off: this VMM is not confined "
                                  "(only for a VMM run by hand)"));
    } else {
        sandbox_mountns_enter();   /* no thread started yet */
    }
    vmm->loop = g_main_loop_new(NULL, FALSE);
    g_autoptr(GError) error = NULL;

    /* Check the kernel and memory before touching any host resource. */
    vmm->chr = chardev_new(vmm->serial, &error);
    if (!vmm->chr) {
        vmm_fail("%s", error->message);
        return EXIT_ERROR;
    }
    if (vmm->bios && !(vmm->bios_image = firmware_image_read(vmm->bios, &error))) {
        vmm_fail("%s", error->message);
        return EXIT_ERROR;
    }
    MachineConfig cfg = { .mem_mib = vmm->memory_mib, .cpus = vmm->cpus, .vga_vram = vmm->vram,
                          .profile = vmm->profile,
                          .bios_size = vmm->bios_image ? g_bytes_get_size(vmm->bios_image) : 0 };
    CharBackend *serial = chardev_backend(vmm->chr);
    if (vmm->bios) {
        vmm->watch = boot_watch_new(serial, vmm_on_boot_fail, vmm);
        serial = boot_watch_backend(vmm->watch);
    }
    vmm->m = machine_new(&cfg, serial, &error);
    if (vmm->m && vmm->watch)
        boot_watch_set_uart(vmm->watch, machine_uart(vmm->m));
    if (vmm->m) {
        machine_lock(vmm->m);
        vmm->keys = key_chords_new(machine_i8042(vmm->m), machine_timers(vmm->m));
        machine_unlock(vmm->m);
        if (!vmm->keys)
            g_error("out of memory");
    }
    if (vmm->m)
        vmm->virtio = virtio_devices_new(vmm->m, &(VirtioDevicesConfig){ vmm->disks, vmm->nets,
                                                                          vmm->console,
                                                                          vmm->vram != 0 },
                                         &error);
    if (!vmm->m || !vmm->virtio || !vmm_boot(vmm, &error)) {
        vmm_fail("%s", error->message);
        return EXIT_ERROR;
    }
    if (vmm->accel_note)
        fprintf(stderr, "%s\n", vmm->accel_note);
    machine_set_backend(vmm->m, vmm->cpu);
    if (!machine_backend_init(vmm->m, &error)) {
        vmm_fail("%s", error->message);
        return EXIT_ERROR;
    }
    ChardevFrontend fe = { vmm_serial_can_receive, vmm_serial_receive, vmm->m };
    chardev_set_frontend(vmm->chr, &fe);
    virtio_devices_start(vmm->virtio);
    vmm->display = display_new(vmm->m);
    if (vmm->vnc) {
        vmm->vnc_server = vnc_server_new(vmm->m, vmm->display, virtio_devices_tablet(vmm->virtio),
                                         vmm->vnc, &error);
        if (!vmm->vnc_server) {
            vmm_fail("%s", error->message);
            machine_backend_fini(vmm->m);
            return EXIT_ERROR;
        }
    }
    if (chardev_set_escape(vmm->chr, vmm_escape_quit, vmm))
        fprintf(stderr, "%s\n", _("vessel-vmm: the serial port is on this terminal; Ctrl-A x quits"));
    if (vmm->control) {
        vmm->ctl = control_server_new(vmm->control, &vmm_control_ops, vmm, &error);
        if (!vmm->ctl) {
            vmm_fail("%s", error->message);
            machine_backend_fini(vmm->m);
            return EXIT_ERROR;
        }
    }
    if (vmm->pidfile && !vmm_write_pidfile(vmm, &error)) {
        vmm_fail("%s", error->message);
        machine_backend_fini(vmm->m);
        return EXIT_ERROR;
    }
    if (vmm_sandbox_on(vmm) && !vmm_lock_down(vmm, &error)) {
        vmm_fail("%s", error->message);
        machine_backend_fini(vmm->m);
        return EXIT_ERROR;
    }
    if (vmm->paused)
        machine_set_state(vmm->m, MACHINE_STATE_PAUSED);
    if (!machine_run_start(vmm->m, vmm_on_vcpu_exit, vmm, &error)) {
        vmm_fail("%s", error->message);
        machine_backend_fini(vmm->m);
        return EXIT_ERROR;
    }
    /* The vCPUs wait in the sandbox's gate until the main thread's own
     * filter is in place; GLib's worker thread (signals) starts under it. */
    if (vmm_sandbox_on(vmm) && !sandbox_seal(&error)) {
        vmm_fail("%s", error->message);
        return EXIT_ERROR;   /* nothing is confined yet but main: exit */
    }
    g_unix_signal_add(SIGTERM, vmm_signal, vmm);
    g_unix_signal_add(SIGINT, vmm_signal, vmm);
    g_main_loop_run(vmm->loop);
    if (!machine_run_stop(vmm->m)) {
        vmm_fail("%s", _("a vCPU did not stop; exiting without cleaning it up"));
        vmm->m = NULL; /* still in use by that thread: leave it to exit() */
        vmm->virtio = NULL;
        return vmm->exit_code;
    }
    machine_backend_fini(vmm->m);
    return vmm->exit_code;
}

#ifdef VESSEL_SANITIZERS
/* LeakSanitizer's exit-time check stops the world with a ptrace()ing
 * clone, which a sealed sandbox does not let finish (it hangs): once
 * confined, the VMM is checked by ASan and UBSan but not for leaks.
 * With --sandbox off leaks are still checked. */
int __lsan_is_turned_off(void);
int __lsan_is_turned_off(void)
{
    return sandbox_is_sealed();
}
#endif

int main(int argc, char **argv)
{
    vessel_i18n_init();
    signal(SIGPIPE, SIG_IGN);
    Vmm vmm = { 0 };
    int code = vmm_main(&vmm, argc, argv);
    vmm_clear(&vmm);
    return code;
}
