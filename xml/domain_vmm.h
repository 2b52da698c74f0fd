/* domain_vmm.h - translate a DomainDef into a vessel-vmm command line.
 *
 * A pure function: everything that only the daemon knows at start time
 * (the VMM binary it resolved, the tap devices it created, its control
 * socket, where the serial port goes) comes in DomainVmmParams.  The
 * result follows DESIGN.md "The VMM" exactly, options in this order:
 *   VMM (--kernel K [--initrd I] [--cmdline C] | --bios F [--boot ORDER])
 *       --memory MIB --cpus N
 *       --accel A [--disk F[,format=qcow2][,readonly][,media=cdrom][,bootindex=N]]... [--net tap=T|tapfd=N[,mac=M]]...
 *       [--serial S] [--console S] [--vga std,vram=MIB] [--vnc W[,password]]
 *       [--control unix:P|fd:N] --name NAME --uuid UUID
 *       [--no-reboot] [--pidfile F] [--paused]
 * Without a <kernel>, the firmware boots the disks (firmware boot, as
 * libvirt + QEMU do): --bios is the <loader> or DOMAIN_DEFAULT_FIRMWARE
 * (SeaBIOS from Debian's seabios package), --boot the <boot dev=> order
 * as letters (c hd, d cdrom, n network).
 * on_reboot='destroy' gives --no-reboot; on_poweroff and on_crash are
 * the daemon's business (it sees the VMM's exit status).  <graphics>
 * gives --vnc: the daemon's listening fd (params->vnc "fd:N"), else the
 * socket, else LISTEN:PORT (port 0 for autoport: the VMM then takes any
 * free port); with a passwd, ",password" (the password itself goes over
 * the control channel, never on a command line), then with a keymap
 * ",keymap=NAME". */
#ifndef VESSEL_DOMAIN_VMM_H
#define VESSEL_DOMAIN_VMM_H

#include "xml/domain_conf.h"

#define DOMAIN_DEFAULT_FIRMWARE "/usr/share/seabios/bios-256k.bin"

typedef struct {
    const char *vmm_path;      /* argv[0]; NULL: def->emulator, else "vessel-vmm" */
    const char *accel;         /* "auto"|"kvm"|"dbt" overrides the domain type; NULL: from type */
    const char *serial;        /* --serial value when the domain has a serial/console;
                                * NULL: "pty" */
    const char *console;       /* --console value when the domain has a virtio
                                * console; NULL: "pty" */
    const char *control_path;  /* --control unix:PATH; NULL: see control_fd */
    int control_fd;            /* --control fd:N if >= 0 and no control_path; use -1 for none */
    const char *pidfile;       /* --pidfile; NULL: none */
    gboolean paused;           /* --paused: vCPUs wait for `resume` on the control channel */
    const char *const *tap_names; /* one tap name per interface (def->n_nets entries);
                                   * NULL: use each interface's <target dev=> */
    const char *vnc;           /* --vnc value for <graphics> ("fd:N"); NULL: from the def */
    const int *tap_fds;        /* one fd per interface (def->n_nets entries) that the
                                * VMM inherits, attached to its tap: --net tapfd=N;
                                * wins over tap_names; NULL: taps by name */
    /* FILE arguments as the daemon opened them ("fd:N", vessel-vmm(1)):
     * NULL means the paths of the definition. */
    const char *kernel;        /* --kernel */
    const char *initrd;        /* --initrd (used only if the domain has one) */
    const char *bios;          /* --bios (a domain without <kernel>) */
    const char *const *disk_args; /* one --disk value per disk (def->n_disks entries),
                                   * as the daemon resolved it (volumes, backing
                                   * chains; ,media= and ,bootindex= are added
                                   * here); NULL: file disks by path (a qcow2 image
                                   * then opens the backing files it names), volume
                                   * disks are an error */
} DomainVmmParams;

/* NULL-terminated argv; errors (VESSEL_XML_ERROR_INVALID) when something
 * cannot be expressed: a missing tap name, a ',' in a disk path, ... */
GStrv domain_def_to_vmm_argv(const DomainDef *def, const DomainVmmParams *params,
                             GError **error);

#endif
