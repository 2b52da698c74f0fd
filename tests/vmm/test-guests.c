/* test-guests.c - vessel-vmm running tiny guest programs (tests/vmm/guests)
 * under each accelerator, /guest/dbt/... and /guest/kvm/... with the same
 * assertions: devices poked from inside the guest (UART loopback and
 * interrupts, PIT, LAPIC timer, RTC, PM timer), keys on the serial port,
 * ACPI power-off, resets with and without --no-reboot (ACPI reset
 * register and i8042), and the control channel and serial socket against
 * a running VMM: status/pause/resume/info, malformed and overlong
 * requests, abrupt disconnects, several clients, powerdown through the
 * ACPI power button, reboot through it (the guest's power-off resets),
 * quit, SIGTERM and the pidfile, serial detach/attach,
 * the serial backlog for a client that attaches after the guest printed,
 * and the crash report.  The firmware variant: SeaBIOS (Debian's seabios
 * package) boots a disk whose boot sector prints through the BIOS, reads
 * its second sector through int 13h, finds our RSDP and powers off; without a bootable
 * disk SeaBIOS says so on the serial console.
 *
 * The kvm cases are skipped, saying why, where /dev/kvm cannot be used.
 * On a PVM host (kvm_pvm) the guests that take interrupts or exceptions
 * are skipped, naming the limitation: PVM ignores the IDT and delivers
 * events only to PVM-enabled guests.  KVM does not say which exception
 * ended in a triple fault (and on AMD resets the vCPU at the shutdown
 * intercept), so under kvm the crash report is checked without the
 * vector and registers. */
#include "config.h"

#include "host_kvm.h"
#include "vtest.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char *vmm_path(void)
{
    return vt_build_path("vmm/vessel-vmm");
}

static char *guest_path(const char *name)
{
    g_autofree char *rel = g_strdup_printf("tests/vmm/guests/%s.elf", name);
    return vt_build_path(rel);
}

/* Run a guest to completion under @accel; returns the exit code. */
static int run_guest(const char *accel, const char *name, const char *const *extra, char **out,
                     char **err)
{
    g_autofree char *vmm = vmm_path();
    g_autofree char *kernel = guest_path(name);
    GPtrArray *argv = g_ptr_array_new();
    g_ptr_array_add(argv, vmm);
    g_ptr_array_add(argv, (char *)"--kernel");
    g_ptr_array_add(argv, kernel);
    g_ptr_array_add(argv, (char *)"--accel");
    g_ptr_array_add(argv, (char *)accel);
    g_ptr_array_add(argv, (char *)"--memory");
    g_ptr_array_add(argv, (char *)"64");
    g_ptr_array_add(argv, (char *)"--serial");
    g_ptr_array_add(argv, (char *)"stdio");
    for (int i = 0; extra && extra[i]; i++)
        g_ptr_array_add(argv, (char *)extra[i]);
    g_ptr_array_add(argv, NULL);
    int code = -1;
    g_autoptr(GError) error = NULL;
    gboolean ok = vt_run((const char *const *)argv->pdata, NULL, NULL, vt_timeout_ms(120000),
                         out, err, &code, &error);
    g_ptr_array_free(argv, TRUE);
    g_assert_no_error(error);
    g_assert_true(ok);
    return code;
}

static void test_hello_poweroff(const char *accel)
{
    g_autofree char *out = NULL, *err = NULL;
    int code = run_guest(accel, "hello", NULL, &out, &err);
    if (code != 0)
        g_error("exit %d: %s", code, err);
    g_assert_nonnull(strstr(out, "hello from the guest\n"));
}

static void test_devices(const char *accel)
{
    time_t before = time(NULL);
    g_autofree char *out = NULL, *err = NULL;
    int code = run_guest(accel, "devices", NULL, &out, &err);
    time_t after = time(NULL);
    g_test_message("guest said:\n%s", out);
    if (code != 0)
        g_error("exit %d: %s", code, err);
    const char *names[] = { "uart-loopback-irq", "uart-thre-irq", "pit-channel0-irq",
                            "pit-channel2-gate", "lapic-timer", "acpi-pm-timer" };
    for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
        g_autofree char *pass = g_strdup_printf("PASS %s\n", names[i]);
        if (!strstr(out, pass))
            g_error("no '%s' in the guest's output:\n%s", names[i], out);
    }
    g_assert_null(strstr(out, "FAIL"));
    /* the RTC shows the host's UTC date (either side of a midnight) */
    char d1[16], d2[16];
    struct tm tm;
    strftime(d1, sizeof(d1), "%Y-%m-%d", gmtime_r(&before, &tm));
    strftime(d2, sizeof(d2), "%Y-%m-%d", gmtime_r(&after, &tm));
    g_autofree char *r1 = g_strdup_printf("RTC %s\n", d1);
    g_autofree char *r2 = g_strdup_printf("RTC %s\n", d2);
    if (!strstr(out, r1) && !strstr(out, r2))
        g_error("RTC date is not %s:\n%s", d1, out);
}

/* ---- firmware ------------------------------------------------------ */

/* SeaBIOS's 256 KiB image ($VESSEL_SEABIOS overrides); NULL and a skip
 * if it is not installed. */
static char *seabios_path(void)
{
    const char *env = g_getenv("VESSEL_SEABIOS");
    char *path = g_strdup(env && *env ? env : "/usr/share/seabios/bios-256k.bin");
    if (g_file_test(path, G_FILE_TEST_EXISTS))
        return path;
    g_autofree char *msg = g_strdup_printf("no SeaBIOS at %s (Debian package seabios)", path);
    g_test_skip(msg);
    g_free(path);
    return NULL;
}

/* A 1 MiB disk image starting with @sectors (a boot sector and more);
 * SeaBIOS's CHS geometry needs at least a cylinder. */
static char *make_disk(VtTmpDir *dir, const char *name, const char *sectors)
{
    g_autofree char *src = vt_build_path(sectors);
    g_autofree char *data = NULL;
    gsize len = 0;
    g_autoptr(GError) error = NULL;
    g_assert_true(g_file_get_contents(src, &data, &len, &error));
    g_assert_cmpuint(len, <=, 1 << 20);
    g_autofree char *img = g_malloc0(1 << 20);
    memcpy(img, data, len);
    char *path = g_build_filename(dir->path, name, NULL);
    g_assert_true(g_file_set_contents(path, img, 1 << 20, &error));
    return path;
}

static void test_firmware_bootsect(const char *accel)
{
    g_autofree char *bios = seabios_path();
    if (!bios)
        return;
    g_autoptr(VtTmpDir) dir = vt_tmpdir_new("vmm-firmware");
    g_autofree char *disk = make_disk(dir, "boot.img", "tests/vmm/guests/bootsect.bin");
    g_autofree char *disk_arg = g_strdup_printf("%s,readonly", disk);
    g_autofree char *vmm = vmm_path();
    const char *argv[] = { vmm, "--bios", bios, "--disk", disk_arg, "--accel", accel,
                           "--memory", "64", "--serial", "stdio", "--no-reboot", NULL };
    g_autofree char *out = NULL, *err = NULL;
    int code = -1;
    g_autoptr(GError) error = NULL;
    g_assert_true(vt_run(argv, NULL, NULL, vt_timeout_ms(120000), &out, &err, &code, &error));
    g_assert_no_error(error);
    g_test_message("serial console:\n%s", out);
    if (code != 0)
        g_error("exit %d: %s\nserial console:\n%s", code, err, out);
    const char *want[] = { "SeaBIOS (version ", "Booting from Hard Disk...",
                           "boot sector: running at 0x7c00\r\n",
                           "boot sector: sector 1 read through int 13h\r\n",
                           "boot sector: int 12h 639 KiB\r\n", "boot sector: e820 entries ",
                           /* our ACPI tables, installed by SeaBIOS from etc/table-loader */
                           "boot sector: RSDP VESSEL\r\n",
                           "boot sector: powering off\r\n" };
    for (size_t i = 0; i < G_N_ELEMENTS(want); i++)
        if (!strstr(out, want[i]))
            g_error("no '%s' on the serial console:\n%s", want[i], out);
    /* RAM below and above 1 MiB, the EBDA, the BIOS: at least 4 */
    const char *n = strstr(out, "e820 entries ") + strlen("e820 entries ");
    g_assert_cmpint(atoi(n), >=, 4);
}

/* An ISO 9660 image made by xorriso that boots bootsect.bin through El
 * Torito ("no emulation", one 512-byte sector loaded at 0x7c00).  Its
 * second sector is not in the boot file: it is the image's 2048-byte
 * sector 1 (the system area), which the boot sector reads through int
 * 13h from the CD (drive 0xe0), so its message proves SeaBIOS's CD
 * driver, not the El Torito load.  NULL (and a skip) without xorriso. */
static char *make_iso(VtTmpDir *dir)
{
    g_autofree char *xorriso = g_find_program_in_path("xorriso");
    if (!xorriso) {
        vt_test_unavailable("no xorriso (Debian package xorriso; scripts/deps.sh)");
        return NULL;
    }
    g_autofree char *src = vt_build_path("tests/vmm/guests/bootsect.bin");
    g_autofree char *data = NULL;
    gsize len = 0;
    g_autoptr(GError) error = NULL;
    g_assert_true(g_file_get_contents(src, &data, &len, &error));
    g_assert_cmpuint(len, ==, 1024);
    g_autofree char *root = g_build_filename(dir->path, "iso-root", NULL);
    g_autofree char *boot = g_build_filename(root, "boot.bin", NULL);
    g_autofree char *sysarea = g_build_filename(dir->path, "sysarea.bin", NULL);
    g_assert_cmpint(g_mkdir(root, 0755), ==, 0);
    g_assert_true(g_file_set_contents(boot, data, 512, &error));
    g_autofree char *area = g_malloc0(32768);
    memcpy(area + 2048, data + 512, 512);
    g_assert_true(g_file_set_contents(sysarea, area, 32768, &error));
    char *iso = g_build_filename(dir->path, "cd.iso", NULL);
    const char *argv[] = { xorriso, "-as", "mkisofs", "-quiet", "-V", "VESSELCD", "-G",
                           sysarea, "-b", "boot.bin", "-no-emul-boot", "-boot-load-size", "1",
                           "-o", iso, root, NULL };
    g_autofree char *out = NULL, *err = NULL;
    int code = -1;
    g_assert_true(vt_run(argv, NULL, NULL, vt_timeout_ms(60000), &out, &err, &code, &error));
    if (code != 0)
        g_error("xorriso failed (%d): %s", code, err);
    return iso;
}

/* Boot with @disks (--disk arguments) and @boot (--boot, or NULL);
 * the serial console's text, the exit status in *@code. */
static char *run_firmware(const char *accel, const char *bios, const char *const *disks,
                          const char *boot, int *code, char **err)
{
    g_autofree char *vmm = vmm_path();
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    const char *fixed[] = { vmm, "--bios", bios, "--accel", accel, "--memory", "64",
                            "--serial", "stdio", "--no-reboot" };
    for (size_t i = 0; i < G_N_ELEMENTS(fixed); i++)
        g_ptr_array_add(argv, (char *)fixed[i]);
    for (; *disks; disks++) {
        g_ptr_array_add(argv, "--disk");
        g_ptr_array_add(argv, (char *)*disks);
    }
    if (boot) {
        g_ptr_array_add(argv, "--boot");
        g_ptr_array_add(argv, (char *)boot);
    }
    g_ptr_array_add(argv, NULL);
    char *out = NULL;
    g_autoptr(GError) error = NULL;
    g_assert_true(vt_run((const char *const *)argv->pdata, NULL, NULL, vt_timeout_ms(120000),
                         &out, err, code, &error));
    g_assert_no_error(error);
    return out;
}

static void assert_cd_booted(const char *out, int code, const char *err)
{
    if (code != 0)
        g_error("exit %d: %s\nserial console:\n%s", code, err, out);
    const char *want[] = { "Booting from DVD/CD...", "boot sector: running at 0x7c00\r\n",
                           "boot sector: sector 1 read through int 13h\r\n",
                           "boot sector: powering off\r\n" };
    for (size_t i = 0; i < G_N_ELEMENTS(want); i++)
        if (!strstr(out, want[i]))
            g_error("no '%s' on the serial console:\n%s", want[i], out);
    g_assert_null(strstr(out, "Booting from Hard Disk"));
}

/* What the CD-ROM tests start from: SeaBIOS, a bootable hard disk and
 * a bootable CD image in a temporary directory. */
typedef struct {
    char *bios;
    VtTmpDir *dir;
    char *iso;
    char *disk;
} CdSetup;

static void cd_setup_clear(CdSetup *s)
{
    g_free(s->disk);
    g_free(s->iso);
    vt_tmpdir_free(s->dir);
    g_free(s->bios);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(CdSetup, cd_setup_clear)

/* FALSE (the test skipped) without SeaBIOS or xorriso. */
static gboolean cd_setup_init(CdSetup *s)
{
    s->bios = seabios_path();
    if (!s->bios)
        return FALSE;
    s->dir = vt_tmpdir_new("vmm-firmware");
    s->iso = make_iso(s->dir);
    if (!s->iso)
        return FALSE;
    s->disk = make_disk(s->dir, "boot.img", "tests/vmm/guests/bootsect.bin");
    return TRUE;
}

/* The hard disk (first) and the CD-ROM (virtio-scsi), each with
 * @disk_opts / @cd_opts after its file, started with --boot @boot
 * (NULL: none): the CD must boot. */
static void check_cd_boots(const char *accel, const char *disk_opts, const char *cd_opts,
                           const char *boot)
{
    g_auto(CdSetup) s = { 0 };
    if (!cd_setup_init(&s))
        return;
    g_autofree char *disk_arg = g_strdup_printf("%s,%s", s.disk, disk_opts);
    g_autofree char *cd_arg = g_strdup_printf("%s,%s", s.iso, cd_opts);
    const char *disks[] = { disk_arg, cd_arg, NULL };
    int code = -1;
    g_autofree char *err = NULL;
    g_autofree char *out = run_firmware(accel, s.bios, disks, boot, &code, &err);
    g_test_message("serial console:\n%s", out);
    assert_cd_booted(out, code, err);
}

/* --boot dc (CMOS, as QEMU's -boot order=dc) boots the CD through El
 * Torito. */
static void test_firmware_cdrom(const char *accel)
{
    check_cd_boots(accel, "readonly", "media=cdrom", "dc");
}

/* The same through fw_cfg's "bootorder" (bootindex=, libvirt's <boot
 * order=>): the CD is index 0 though the disk comes first and the CMOS
 * order would boot the disk. */
static void test_firmware_bootindex(const char *accel)
{
    check_cd_boots(accel, "readonly,bootindex=2", "media=cdrom,bootindex=1", NULL);
}

/* Hostile CD images are refused before the guest runs, with the reason:
 * a size that is not whole 2048-byte sectors, and an ISO 9660 volume
 * cut short (a truncated download).  A disk comes first, so its I/O
 * workers already wait in the sandbox's gate when the CD is refused:
 * the VMM must still exit (it used to wait for them forever). */
static void test_firmware_cdrom_truncated(const char *accel)
{
    g_auto(CdSetup) s = { 0 };
    if (!cd_setup_init(&s))
        return;
    struct stat st;
    g_assert_cmpint(stat(s.iso, &st), ==, 0);
    const struct {
        off_t size;
        const char *want;
    } cuts[] = {
        { st.st_size - 100, "is not a whole number of 2048-byte sectors" },
        { 18 * 2048, "is truncated: its ISO 9660 volume has" },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cuts); i++) {
        g_assert_cmpint(truncate(s.iso, cuts[i].size), ==, 0);
        g_autofree char *cd_arg = g_strdup_printf("%s,media=cdrom", s.iso);
        const char *disks[] = { s.disk, cd_arg, NULL };
        int code = -1;
        g_autofree char *err = NULL;
        g_autofree char *out = run_firmware(accel, s.bios, disks, "d", &code, &err);
        g_assert_cmpint(code, !=, 0);
        if (!strstr(err, cuts[i].want) || !strstr(err, "cd.iso"))
            g_error("no '%s' in the VMM's error: %s", cuts[i].want, err);
        g_assert_cmpstr(out, ==, "");
    }
}

typedef struct {
    const char *path;
    const char *want;
} FileWatch;

static gboolean file_has(gpointer data)
{
    const FileWatch *w = data;
    g_autofree char *text = NULL;
    return g_file_get_contents(w->path, &text, NULL, NULL) && strstr(text, w->want);
}

/* A disk without a boot signature: SeaBIOS says why on the console, and
 * the VMM, which notices its "No bootable device." (vmm/boot/boot_watch.h),
 * exits with status 1 and says so instead of letting it retry forever. */
static void test_firmware_no_boot(const char *accel)
{
    g_autofree char *bios = seabios_path();
    if (!bios)
        return;
    g_autoptr(VtTmpDir) dir = vt_tmpdir_new("vmm-firmware");
    g_autofree char *disk = g_build_filename(dir->path, "blank.img", NULL);
    g_autofree char *zeros = g_malloc0(1 << 20);
    g_assert_true(g_file_set_contents(disk, zeros, 1 << 20, NULL));
    g_autofree char *serial = g_build_filename(dir->path, "serial.log", NULL);
    g_autofree char *serial_arg = g_strdup_printf("file:%s", serial);
    g_autofree char *vmm = vmm_path();
    const char *argv[] = { vmm, "--bios", bios, "--disk", disk, "--accel", accel, "--memory",
                           "64", "--serial", serial_arg, NULL };
    g_autoptr(GError) error = NULL;
    g_autoptr(VtProc) proc = vt_proc_spawn(argv, NULL, VT_PROC_CAPTURE, NULL, &error);
    g_assert_no_error(error);
    FileWatch w = { serial, "No bootable device." };
    if (!vt_wait_until(file_has, &w, vt_timeout_ms(60000))) {
        g_autofree char *text = NULL;
        g_file_get_contents(serial, &text, NULL, NULL);
        g_error("no 'No bootable device.' on the console:\n%s\nstderr: %s", text,
                vt_proc_output(proc));
    }
    g_autofree char *text = NULL;
    g_assert_true(g_file_get_contents(serial, &text, NULL, NULL));
    g_assert_nonnull(strstr(text, "Boot failed: not a bootable disk"));
    int status;
    g_assert_true(vt_proc_wait(proc, vt_timeout_ms(30000), &status));
    g_assert_true(WIFEXITED(status));
    g_assert_cmpint(WEXITSTATUS(status), ==, 1);
    g_assert_nonnull(strstr(vt_proc_output(proc), "the firmware found no bootable device"));
}

/* RTC interrupts as rtc-cmos uses them: the guest checks and reports. */
static void test_rtc_irq(const char *accel)
{
    g_autofree char *out = NULL, *err = NULL;
    int code = run_guest(accel, "rtc", NULL, &out, &err);
    g_test_message("guest said:\n%s", out);
    if (code != 0)
        g_error("exit %d: %s", code, err);
    const char *names[] = { "rtc-periodic", "rtc-update", "rtc-alarm", "rtc-quiet" };
    for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
        g_autofree char *pass = g_strdup_printf("PASS %s\n", names[i]);
        if (!strstr(out, pass))
            g_error("no '%s' in the guest's output:\n%s", names[i], out);
    }
    g_assert_null(strstr(out, "FAIL"));
}

static int count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p++)
        n++;
    return n;
}

static void test_reset_no_reboot(const char *accel)
{
    const char *args[] = { "--no-reboot", NULL };
    g_autofree char *out = NULL, *err = NULL;
    g_assert_cmpint(run_guest(accel, "reset", args, &out, &err), ==, 3);
    g_assert_cmpint(count(out, "boot "), ==, 1);
    const char *kbd[] = { "--no-reboot", "--cmdline", "kbd", NULL };
    g_autofree char *out2 = NULL, *err2 = NULL;
    g_assert_cmpint(run_guest(accel, "reset", kbd, &out2, &err2), ==, 3);
    g_assert_cmpint(count(out2, "boot "), ==, 1);
}

static void test_reboot_in_place(const char *accel)
{
    g_autofree char *out = NULL, *err = NULL;
    int code = run_guest(accel, "reset", NULL, &out, &err);
    if (code != 0)
        g_error("exit %d: %s", code, err);
    /* CMOS kept the boot count across the reset; the guest powered off
     * on its second boot */
    g_assert_nonnull(strstr(out, "boot 0000000000000001\n"));
    g_assert_nonnull(strstr(out, "boot 0000000000000002\n"));
    const char *kbd[] = { "--cmdline", "kbd", NULL };
    g_autofree char *out2 = NULL, *err2 = NULL;
    g_assert_cmpint(run_guest(accel, "reset", kbd, &out2, &err2), ==, 0);
    g_assert_cmpint(count(out2, "boot "), ==, 2);
}

/* ---- a running VMM ------------------------------------------------- */

typedef struct {
    VtTmpDir *dir;
    VtProc *proc;
    char *ctl, *ser, *pidfile;
} RunningVm;

static void running_vm_free(RunningVm *vm)
{
    vt_proc_free(vm->proc);
    vt_tmpdir_free(vm->dir);
    g_free(vm->ctl);
    g_free(vm->ser);
    g_free(vm->pidfile);
    g_free(vm);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(RunningVm, running_vm_free)

static RunningVm *start_guest(const char *accel, const char *name, const char *extra)
{
    RunningVm *vm = g_new0(RunningVm, 1);
    vm->dir = vt_tmpdir_new("vmm-guest");
    vm->ctl = g_build_filename(vm->dir->path, "ctl.sock", NULL);
    vm->ser = g_build_filename(vm->dir->path, "serial.sock", NULL);
    vm->pidfile = g_build_filename(vm->dir->path, "vmm.pid", NULL);
    g_autofree char *vmm = vmm_path();
    g_autofree char *kernel = guest_path(name);
    g_autofree char *ctl = g_strdup_printf("unix:%s", vm->ctl);
    g_autofree char *ser = g_strdup_printf("unix:%s", vm->ser);
    const char *argv[] = { vmm, "--kernel", kernel, "--accel", accel, "--memory", "64",
                           "--control", ctl, "--serial", ser, "--pidfile", vm->pidfile,
                           "--name", "idle-vm", "--uuid",
                           "6a0f2e4c-9d6b-4e1a-8a39-0d4bb0a5c1f2", extra, NULL };
    g_autoptr(GError) error = NULL;
    vm->proc = vt_proc_spawn(argv, NULL, VT_PROC_CAPTURE, NULL, &error);
    g_assert_no_error(error);
    g_assert_true(vt_wait_for_path(vm->pidfile, vt_timeout_ms(30000)));
    g_assert_true(vt_wait_for_path(vm->ctl, vt_timeout_ms(30000)));
    return vm;
}

static RunningVm *start_idle(const char *accel, const char *extra)
{
    return start_guest(accel, "idle", extra);
}

static int unix_connect(const char *path)
{
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    g_strlcpy(sa.sun_path, path, sizeof(sa.sun_path));
    g_assert_cmpint(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), ==, 0);
    struct timeval tv = { .tv_sec = vt_timeout_ms(30000) / 1000 };
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    return fd;
}

static void send_all(int fd, const char *data, size_t len)
{
    while (len) {
        ssize_t n = send(fd, data, len, MSG_NOSIGNAL);
        g_assert_cmpint(n, >, 0);
        data += n;
        len -= n;
    }
}

/* Exactly LEN bytes from a serial socket. */
static void recv_exactly(int fd, char *buf, size_t len)
{
    size_t got = 0;
    while (got < len) {
        ssize_t n = recv(fd, buf + got, len - got, 0);
        if (n <= 0)
            g_error("serial socket: %zu of %zu bytes, then %s", got, len,
                    n ? g_strerror(errno) : "EOF");
        got += n;
    }
}

/* One reply line (without the newline). */
static char *read_line(int fd)
{
    GString *s = g_string_new(NULL);
    char c;
    for (;;) {
        ssize_t n = recv(fd, &c, 1, 0);
        if (n <= 0)
            g_error("control channel closed or timed out after '%s'", s->str);
        if (c == '\n')
            break;
        g_string_append_c(s, c);
    }
    return g_string_free(s, FALSE);
}

static char *request(int fd, const char *line)
{
    g_autofree char *req = g_strconcat(line, "\n", NULL);
    send_all(fd, req, strlen(req));
    return read_line(fd);
}

static void assert_reply(int fd, const char *req, const char *want)
{
    g_autofree char *got = request(fd, req);
    if (strcmp(got, want))
        g_error("'%s' -> '%s', wanted '%s'", req, got, want);
}

static int wait_exit(RunningVm *vm)
{
    int status;
    if (!vt_proc_wait(vm->proc, vt_timeout_ms(60000), &status))
        g_error("vessel-vmm did not exit; output:\n%s", vt_proc_output(vm->proc));
    if (!WIFEXITED(status))
        g_error("vessel-vmm killed by signal %d; output:\n%s", WTERMSIG(status),
                vt_proc_output(vm->proc));
    return WEXITSTATUS(status);
}

static void test_control_channel(const char *accel)
{
    g_autoptr(RunningVm) vm = start_idle(accel, NULL);
    int a = unix_connect(vm->ctl), b = unix_connect(vm->ctl);
    assert_reply(a, "status", "ok running");
    assert_reply(b, "status", "ok running");            /* several clients */
    g_autofree char *info = request(a, "info");
    g_autofree char *pid_text = NULL;
    g_assert_true(g_file_get_contents(vm->pidfile, &pid_text, NULL, NULL));
    long pid = strtol(pid_text, NULL, 10);
    g_assert_cmpint(pid, ==, vt_proc_pid(vm->proc));
    g_autofree char *want_pid = g_strdup_printf("\"pid\":%ld}", pid);
    g_autofree char *want_accel = g_strdup_printf("\"accel\":\"%s\"", accel);
    const char *fields[] = { "ok {\"name\":\"idle-vm\",",
                             "\"uuid\":\"6a0f2e4c-9d6b-4e1a-8a39-0d4bb0a5c1f2\"",
                             "\"state\":\"running\"", want_accel, "\"vcpus\":1,",
                             "\"memory_mib\":64,", "\"cpu_time_ns\":", want_pid };
    for (size_t i = 0; i < G_N_ELEMENTS(fields); i++)
        if (!strstr(info, fields[i]))
            g_error("info lacks %s: %s", fields[i], info);
    g_assert_true(g_str_has_suffix(info, want_pid));

    assert_reply(a, "pause", "ok");
    assert_reply(b, "status", "ok paused");
    assert_reply(a, "resume", "ok");
    assert_reply(a, "status", "ok running");

    /* malformed requests get one error line each and change nothing */
    g_autofree char *r1 = request(a, "frobnicate");
    g_assert_true(g_str_has_prefix(r1, "error "));
    g_autofree char *r2 = request(a, "status now");
    g_assert_true(g_str_has_prefix(r2, "error "));
    g_autofree char *r3 = request(a, "");
    g_assert_true(g_str_has_prefix(r3, "error "));
    send_all(a, "sta\0tus\n", 8);
    g_autofree char *r4 = read_line(a);
    g_assert_true(g_str_has_prefix(r4, "error "));
    send_all(a, "\xff\xfe\n", 3);
    g_autofree char *r5 = read_line(a);
    g_assert_true(g_str_has_prefix(r5, "error "));
    assert_reply(a, "status\r", "ok running");         /* CRLF is fine */
    /* an overlong line: one error, then the channel works again */
    g_autofree char *longline = g_strnfill(100000, 'x');
    send_all(a, longline, strlen(longline));
    send_all(a, "\n", 1);
    g_autofree char *r6 = read_line(a);
    g_assert_cmpstr(r6, ==, "error line too long");
    assert_reply(a, "status", "ok running");
    /* two requests in one write: two replies, in order */
    send_all(a, "status\nstatus\n", 14);
    g_autofree char *r7 = read_line(a), *r8 = read_line(a);
    g_assert_cmpstr(r7, ==, "ok running");
    g_assert_cmpstr(r8, ==, "ok running");
    /* abrupt disconnects, mid-line and mid-reply */
    int c = unix_connect(vm->ctl);
    send_all(c, "stat", 4);
    close(c);
    c = unix_connect(vm->ctl);
    send_all(c, "info\ninfo\ninfo\n", 15);
    close(c);
    assert_reply(b, "status", "ok running");

    /* serial socket: attach, detach, attach again (the guest echoes);
     * the first client gets the guest's "idle" line first, from the
     * backlog or live, and the second client not again.  Input goes only
     * after "idle": until the guest has set up its UART, bytes are lost
     * as on hardware (enabling the FIFO empties it). */
    for (int round = 0; round < 2; round++) {
        int s = unix_connect(vm->ser);
        const char *word = round ? "again" : "hello";
        char buf[16] = { 0 };
        if (round == 0) {
            recv_exactly(s, buf, strlen("idle\n"));
            g_assert_cmpstr(buf, ==, "idle\n");
            memset(buf, 0, sizeof(buf));
        }
        send_all(s, word, strlen(word));
        recv_exactly(s, buf, strlen(word));
        g_assert_cmpstr(buf, ==, word);
        close(s);
    }

    /* powerdown: the guest's SCI handler sees the power button and
     * powers off through S5 */
    assert_reply(a, "powerdown", "ok");
    g_assert_cmpint(wait_exit(vm), ==, 0);
    g_assert_false(g_file_test(vm->pidfile, G_FILE_TEST_EXISTS));
    g_assert_false(g_file_test(vm->ctl, G_FILE_TEST_EXISTS));
    close(a);
    close(b);
}

/* Many clients at once, a line written in two halves while others are
 * served, and a client that floods requests without reading the replies:
 * nobody holds up anybody else. */
static void test_control_crowd(const char *accel)
{
    g_autoptr(RunningVm) vm = start_idle(accel, NULL);
    enum { CLIENTS = 64 };
    int fds[CLIENTS];
    for (int i = 0; i < CLIENTS; i++)
        fds[i] = unix_connect(vm->ctl);
    for (int i = 0; i < CLIENTS; i++)
        send_all(fds[i], i % 2 ? "status\n" : "info\n", i % 2 ? 7 : 5);
    for (int i = CLIENTS - 1; i >= 0; i--) {
        g_autofree char *r = read_line(fds[i]);
        if (i % 2)
            g_assert_cmpstr(r, ==, "ok running");
        else
            g_assert_true(g_str_has_prefix(r, "ok {\"name\":\"idle-vm\""));
    }
    send_all(fds[0], "sta", 3);
    assert_reply(fds[1], "status", "ok running");
    send_all(fds[0], "tus\n", 4);
    g_autofree char *half = read_line(fds[0]);
    g_assert_cmpstr(half, ==, "ok running");

    /* about 10 MB of replies nobody reads; stop writing once the VMM
     * stops reading us (dropped, or our send times out) */
    int flood = unix_connect(vm->ctl);
    struct timeval tv = { .tv_sec = 5 };
    setsockopt(flood, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    GString *reqs = g_string_new(NULL);
    for (int i = 0; i < 50000; i++)
        g_string_append(reqs, "info\n");
    for (gsize off = 0; off < reqs->len;) {
        ssize_t n = send(flood, reqs->str + off, reqs->len - off, MSG_NOSIGNAL);
        if (n <= 0)
            break;
        off += n;
    }
    g_string_free(reqs, TRUE);
    assert_reply(fds[2], "status", "ok running");
    g_autofree char *info = request(fds[3], "info");
    g_assert_true(g_str_has_prefix(info, "ok {"));
    close(flood);
    for (int i = 0; i < CLIENTS; i++)
        close(fds[i]);
    int q = unix_connect(vm->ctl);
    assert_reply(q, "quit", "ok");
    close(q);
    g_assert_cmpint(wait_exit(vm), ==, 0);
}

static guint64 info_u64(int fd, const char *key)
{
    g_autofree char *info = request(fd, "info");
    g_autofree char *pat = g_strdup_printf("\"%s\":", key);
    const char *p = strstr(info, pat);
    if (!p)
        g_error("info lacks %s: %s", key, info);
    return g_ascii_strtoull(p + strlen(pat), NULL, 10);
}

typedef struct {
    int fd;
    guint64 want;
} SerialOutWatch;

static gboolean serial_out_reached(gpointer data)
{
    SerialOutWatch *w = data;
    return info_u64(w->fd, "serial_out_bytes") >= w->want;
}

static gboolean status_is_crashed(gpointer data)
{
    g_autofree char *s = request(*(int *)data, "status");
    return !strcmp(s, "ok crashed");
}

/* --paused: the guest has not run (it would print "idle\n" first
 * thing) until `resume`.  Then nobody attaches to the serial socket until
 * the VMM says the guest has written its line (info serial_out_bytes).
 * The late client still gets it first, then live output (the echo of
 * what it types); a client that reconnects gets no replay of it. */
static void test_serial_backlog(const char *accel)
{
    g_autoptr(RunningVm) vm = start_idle(accel, "--paused");
    int c = unix_connect(vm->ctl);
    assert_reply(c, "status", "ok paused");
    g_assert_cmpuint(info_u64(c, "serial_out_bytes"), ==, 0);
    assert_reply(c, "resume", "ok");
    SerialOutWatch w = { c, strlen("idle\n") };
    g_assert_true(vt_wait_until(serial_out_reached, &w, vt_timeout_ms(30000)));
    g_assert_cmpuint(info_u64(c, "serial_dropped_bytes"), ==, 0);

    int s = unix_connect(vm->ser);
    char buf[16] = { 0 };
    recv_exactly(s, buf, 5);
    g_assert_cmpstr(buf, ==, "idle\n");
    send_all(s, "x", 1);
    memset(buf, 0, sizeof(buf));
    recv_exactly(s, buf, 1);
    g_assert_cmpstr(buf, ==, "x");
    close(s);

    s = unix_connect(vm->ser);
    send_all(s, "y", 1);
    memset(buf, 0, sizeof(buf));
    recv_exactly(s, buf, 1);
    g_assert_cmpstr(buf, ==, "y");
    close(s);
    /* the guest wrote exactly these bytes: nothing was repeated */
    g_assert_cmpuint(info_u64(c, "serial_out_bytes"), ==, 7);

    assert_reply(c, "quit", "ok");
    g_assert_cmpint(wait_exit(vm), ==, 0);
    close(c);
}

static guint64 info_cpu_time(int fd)
{
    return info_u64(fd, "cpu_time_ns");
}

typedef struct {
    int fd;
    guint64 last;
} CpuTimeWatch;

static gboolean cpu_time_stopped(gpointer data)
{
    CpuTimeWatch *w = data;
    guint64 now = info_cpu_time(w->fd);
    gboolean same = now == w->last;
    w->last = now;
    return same;
}

static gboolean cpu_time_moved(gpointer data)
{
    CpuTimeWatch *w = data;
    return info_cpu_time(w->fd) > w->last;
}

/* A guest that never halts: pause must take the vCPU out of the CPU (a
 * kick), so its CPU time stops; resume starts it again; quit exits. */
static void test_pause_busy(const char *accel)
{
    g_autoptr(RunningVm) vm = start_guest(accel, "busy", NULL);
    int a = unix_connect(vm->ctl);
    CpuTimeWatch w = { a, info_cpu_time(a) };
    g_assert_true(vt_wait_until(cpu_time_moved, &w, vt_timeout_ms(30000)));
    assert_reply(a, "pause", "ok");
    assert_reply(a, "status", "ok paused");
    w.last = info_cpu_time(a);
    g_assert_true(vt_wait_until(cpu_time_stopped, &w, vt_timeout_ms(10000)));
    assert_reply(a, "resume", "ok");
    g_assert_true(vt_wait_until(cpu_time_moved, &w, vt_timeout_ms(30000)));
    assert_reply(a, "quit", "ok");
    g_assert_cmpint(wait_exit(vm), ==, 0);
    close(a);
}

static void test_quit_sigterm_reset(const char *accel)
{
    g_autoptr(RunningVm) q = start_idle(accel, NULL);
    int a = unix_connect(q->ctl);
    assert_reply(a, "quit", "ok");
    g_assert_cmpint(wait_exit(q), ==, 0);
    close(a);

    g_autoptr(RunningVm) t = start_idle(accel, NULL);
    a = unix_connect(t->ctl);
    assert_reply(a, "status", "ok running");
    kill(vt_proc_pid(t->proc), SIGTERM);
    g_assert_cmpint(wait_exit(t), ==, 0);
    g_assert_false(g_file_test(t->pidfile, G_FILE_TEST_EXISTS));
    close(a);

    g_autoptr(RunningVm) r = start_idle(accel, "--no-reboot");
    a = unix_connect(r->ctl);
    assert_reply(a, "reset", "ok");
    g_assert_cmpint(wait_exit(r), ==, 3);
    close(a);
}

/* `reboot` as libvirt reboots a QEMU guest: the power button; the idle
 * guest powers off through S5, which resets the machine instead (the
 * guest boots again: "idle" a second time) and the VMM stays; the next
 * power-off after that reset is a power-off again.  Under --no-reboot
 * the reset is exit 3.  The deaf guest (idle.S -DIDLE_DEAF) ignores the
 * button: it keeps running, not reset. */
static void test_acpi_reboot(const char *accel)
{
    g_autoptr(RunningVm) vm = start_idle(accel, NULL);
    int c = unix_connect(vm->ctl);
    SerialOutWatch w = { c, strlen("idle\n") };
    g_assert_true(vt_wait_until(serial_out_reached, &w, vt_timeout_ms(30000)));
    assert_reply(c, "reboot", "ok");
    w.want = 2 * strlen("idle\n") + strlen("power button\n");
    g_assert_true(vt_wait_until(serial_out_reached, &w, vt_timeout_ms(30000)));
    assert_reply(c, "status", "ok running");
    assert_reply(c, "powerdown", "ok");
    g_assert_cmpint(wait_exit(vm), ==, 0);
    close(c);

    g_autoptr(RunningVm) nr = start_idle(accel, "--no-reboot");
    c = unix_connect(nr->ctl);
    w = (SerialOutWatch){ c, strlen("idle\n") };
    g_assert_true(vt_wait_until(serial_out_reached, &w, vt_timeout_ms(30000)));
    assert_reply(c, "reboot", "ok");
    g_assert_cmpint(wait_exit(nr), ==, 3);
    close(c);

    g_autoptr(RunningVm) deaf = start_guest(accel, "deaf", NULL);
    c = unix_connect(deaf->ctl);
    w = (SerialOutWatch){ c, strlen("idle\n") };
    g_assert_true(vt_wait_until(serial_out_reached, &w, vt_timeout_ms(30000)));
    assert_reply(c, "reboot", "ok");
    g_usleep(500 * 1000);   /* a hard reset would print "idle" again by now */
    assert_reply(c, "status", "ok running");
    g_assert_cmpuint(info_u64(c, "serial_out_bytes"), ==, strlen("idle\n"));
    assert_reply(c, "quit", "ok");
    g_assert_cmpint(wait_exit(deaf), ==, 0);
    close(c);
}

/* The "fragile" guest (idle.S -DIDLE_FRAGILE) loads an empty IDT on the
 * power button and executes UD2: #UD cannot be delivered (#GP), nor can
 * the #DF, so the CPU triple-faults on #GP with error code 0x43 (IDT
 * entry 8, EXT: it happened while delivering an exception).  With
 * --on-crash preserve the VMM stays: status "crashed", info says why, commands that need a live guest are refused, quit exits
 * 4.  The exit line says the same; reset reboots a preserved crash. */
static void test_crash_detail(const char *accel)
{
    g_autoptr(RunningVm) vm = start_guest(accel, "fragile", "--on-crash=preserve");
    int c = unix_connect(vm->ctl);
    SerialOutWatch w = { c, strlen("idle\n") };
    g_assert_true(vt_wait_until(serial_out_reached, &w, vt_timeout_ms(30000)));
    assert_reply(c, "powerdown", "ok");
    g_assert_true(vt_wait_until(status_is_crashed, &c, vt_timeout_ms(30000)));
    g_autofree char *info = request(c, "info");
    /* KVM's shutdown exit names no vector, and on AMD the vCPU is reset
     * by then: under kvm only what happened and where is checked. */
    gboolean kvm = !strcmp(accel, "kvm");
    const char *want_dbt[] = { "\"state\":\"crashed\"", "\"crash\":{\"what\":\"triple fault\","
                               "\"vector\":13,\"error_code\":67,\"vcpu\":0,\"rip\":\"0x10",
                               "\"cr3\":\"0x" };
    const char *want_kvm[] = { "\"state\":\"crashed\"", "\"crash\":{\"what\":\"triple fault\","
                               "\"vector\":-1,\"vcpu\":0," };
    const char *const *want = kvm ? want_kvm : want_dbt;
    size_t n_want = kvm ? G_N_ELEMENTS(want_kvm) : G_N_ELEMENTS(want_dbt);
    for (size_t i = 0; i < n_want; i++)
        if (!strstr(info, want[i]))
            g_error("info lacks %s: %s", want[i], info);
    if (!kvm) {
        /* long mode with paging: CR0.PG and PE */
        const char *cr0 = strstr(info, "\"cr0\":\"");
        g_assert_nonnull(cr0);
        guint64 cr0v = g_ascii_strtoull(cr0 + strlen("\"cr0\":\""), NULL, 16);
        g_assert_cmphex(cr0v & 0x80000001u, ==, 0x80000001u);
    }
    g_autofree char *r1 = request(c, "resume");
    g_assert_true(g_str_has_prefix(r1, "error "));
    g_autofree char *r2 = request(c, "powerdown");
    g_assert_true(g_str_has_prefix(r2, "error "));
    assert_reply(c, "status", "ok crashed");
    assert_reply(c, "quit", "ok");
    g_assert_cmpint(wait_exit(vm), ==, 4);
    const char *line = strstr(vt_proc_output(vm->proc),
                              kvm ? "vessel-vmm: guest crashed: triple fault, vCPU 0, rip="
                                  : "vessel-vmm: guest crashed: triple fault, vector 13 (#GP) "
                                    "error code 0x43, vCPU 0, rip=0x10");
    if (!line)
        g_error("no crash line:\n%s", vt_proc_output(vm->proc));
    if (!kvm)
        g_assert_nonnull(strstr(line, " cr0=0x8"));
    close(c);

    /* the default: exit 4 at once, with the same line */
    g_autoptr(RunningVm) vm2 = start_guest(accel, "fragile", NULL);
    c = unix_connect(vm2->ctl);
    w.fd = c;
    g_assert_true(vt_wait_until(serial_out_reached, &w, vt_timeout_ms(30000)));
    assert_reply(c, "powerdown", "ok");
    g_assert_cmpint(wait_exit(vm2), ==, 4);
    g_assert_nonnull(strstr(vt_proc_output(vm2->proc),
                            kvm ? "guest crashed: triple fault, vCPU 0"
                                : "guest crashed: triple fault, vector 13"));
    close(c);

    /* reset brings a preserved crash back to life */
    g_autoptr(RunningVm) vm3 = start_guest(accel, "fragile", "--on-crash=preserve");
    c = unix_connect(vm3->ctl);
    w.fd = c;
    g_assert_true(vt_wait_until(serial_out_reached, &w, vt_timeout_ms(30000)));
    assert_reply(c, "powerdown", "ok");
    g_assert_true(vt_wait_until(status_is_crashed, &c, vt_timeout_ms(30000)));
    assert_reply(c, "reset", "ok");
    assert_reply(c, "status", "ok running");
    w.want = 2 * strlen("idle\n") + strlen("power button\n"); /* idle again */
    g_assert_true(vt_wait_until(serial_out_reached, &w, vt_timeout_ms(30000)));
    g_autofree char *info3 = request(c, "info");
    g_assert_null(strstr(info3, "\"crash\""));
    assert_reply(c, "quit", "ok");
    g_assert_cmpint(wait_exit(vm3), ==, 0);
    close(c);
}

/* keys.S on the serial socket: each byte reaches the guest as it is sent
 * (receive interrupt) and comes back as <xx>, Ctrl-C included. */
static void test_keys(const char *accel)
{
    g_autoptr(RunningVm) vm = start_guest(accel, "keys", NULL);
    int s = unix_connect(vm->ser);
    char buf[16] = { 0 };
    recv_exactly(s, buf, 5);
    g_assert_cmpstr(buf, ==, "keys\n");
    const char *keys[] = { "a", "\x03", "Z" }, *want[] = { "<61>", "<03>", "<5a>" };
    for (size_t i = 0; i < G_N_ELEMENTS(keys); i++) {
        send_all(s, keys[i], 1);
        memset(buf, 0, sizeof(buf));
        recv_exactly(s, buf, 4);
        g_assert_cmpstr(buf, ==, want[i]);
    }
    close(s);
    int c = unix_connect(vm->ctl);
    assert_reply(c, "quit", "ok");
    g_assert_cmpint(wait_exit(vm), ==, 0);
    close(c);
}

/* `watch`: that connection, and only it, is told of every reset (the
 * `reset` request's, here; a guest's own reset takes the same path). */
static void test_control_events(const char *accel)
{
    g_autoptr(RunningVm) vm = start_idle(accel, NULL);
    int w = unix_connect(vm->ctl), a = unix_connect(vm->ctl);
    assert_reply(w, "watch", "ok");
    assert_reply(w, "status", "ok running");     /* still a request channel */
    for (int round = 0; round < 2; round++) {
        assert_reply(a, "reset", "ok");
        g_autofree char *ev = read_line(w);
        g_assert_cmpstr(ev, ==, "event reset");
        assert_reply(a, "status", "ok running"); /* no event on a */
    }
    /* a second watcher, and one that hangs up, change nothing for w */
    int v = unix_connect(vm->ctl), gone = unix_connect(vm->ctl);
    assert_reply(v, "watch", "ok");
    assert_reply(gone, "watch", "ok");
    close(gone);
    assert_reply(a, "reset", "ok");
    g_autofree char *ev1 = read_line(w), *ev2 = read_line(v);
    g_assert_cmpstr(ev1, ==, "event reset");
    g_assert_cmpstr(ev2, ==, "event reset");
    assert_reply(a, "quit", "ok");
    g_assert_cmpint(wait_exit(vm), ==, 0);
    close(a);
    close(v);
    close(w);
}

/* ---- one table, each case under each accelerator --------------------- */

typedef struct {
    const char *name;
    void (*func)(const char *accel);
    gboolean events;    /* the guest takes interrupts or exceptions */
} GuestTest;

static const GuestTest guest_tests[] = {
    { "hello-poweroff", test_hello_poweroff, FALSE },
    { "devices", test_devices, TRUE },
    { "rtc-irq", test_rtc_irq, TRUE },
    { "keys", test_keys, TRUE },
    { "reset-no-reboot", test_reset_no_reboot, FALSE },
    { "reboot-in-place", test_reboot_in_place, FALSE },
    { "control-channel", test_control_channel, TRUE },
    { "control-crowd", test_control_crowd, TRUE },
    { "control-events", test_control_events, FALSE },
    { "serial-backlog", test_serial_backlog, TRUE },
    { "quit-sigterm-reset", test_quit_sigterm_reset, TRUE },
    { "pause-busy", test_pause_busy, FALSE },
    { "crash-detail", test_crash_detail, TRUE },
    { "acpi-reboot", test_acpi_reboot, TRUE },
    { "firmware-bootsect", test_firmware_bootsect, TRUE },
    { "firmware-no-boot", test_firmware_no_boot, TRUE },
    { "firmware-cdrom", test_firmware_cdrom, TRUE },
    { "firmware-bootindex", test_firmware_bootindex, TRUE },
    { "firmware-cdrom-truncated", test_firmware_cdrom_truncated, FALSE },
};

static const char *const accels[] = { "dbt", "kvm" };

typedef struct {
    const char *accel;
    const GuestTest *test;
} GuestCase;

/* Where /dev/kvm cannot be used, or a PVM host cannot meet what the guest
 * needs, say so and skip; otherwise run the case. */
static void run_case(gconstpointer data)
{
    const GuestCase *c = data;
    if (!strcmp(c->accel, "kvm")) {
        HostKvmFacts f;
        g_autofree char *why = NULL;
        host_kvm_facts_read(NULL, &f);
        if (!host_kvm_device_usable(&f, &why)) {
            g_autofree char *msg = g_strdup_printf("--accel kvm: no usable /dev/kvm here: %s", why);
            g_test_skip(msg);
            return;
        }
        if (c->test->events && host_kvm_kind(&f) == HOST_KVM_KIND_PVM) {
            g_test_skip("PVM limitation: PVM ignores the IDT and delivers interrupts and "
                        "exceptions only to PVM-enabled guests (MSR_PVM_EVENT_ENTRY and the "
                        "PVCS); this guest takes interrupts or exceptions");
            return;
        }
    }
    c->test->func(c->accel);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    static GuestCase cases[G_N_ELEMENTS(accels) * G_N_ELEMENTS(guest_tests)];
    size_t n = 0;
    for (size_t a = 0; a < G_N_ELEMENTS(accels); a++)
        for (size_t t = 0; t < G_N_ELEMENTS(guest_tests); t++, n++) {
            cases[n] = (GuestCase){ accels[a], &guest_tests[t] };
            g_autofree char *path = g_strdup_printf("/guest/%s/%s", accels[a], guest_tests[t].name);
            g_test_add_data_func(path, &cases[n], run_case);
        }
    return g_test_run();
}
