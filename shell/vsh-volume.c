/* vsh-volume.c - vsh's vol-* commands with virsh's names, options and
 * layouts (vol-list columns Name/Path, --details with Type/Capacity/
 * Allocation; vol-info "%-15s %s" lines).  A volume is named as virsh
 * names it: by name with --pool, or by its path (the key) alone.
 * vol-upload / vol-download stream the file's bytes over the daemon
 * connection (a socket the daemon hands over), never by path. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "i18n.h"
#include "vsh.h"

#define OPT_VOL \
    { "vol", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, N_("vol name, key or path"), 0 }
#define OPT_POOL_OPT \
    { "pool", VSH_OT_STRING, 0, N_("pool name or uuid"), VSH_COMP_POOL }

/* The pool and name of volume @key (--pool @pool_key, or a path). */
static VesselStoragePool *vol_get(VshCtl *ctl, const char *key, const char *pool_key, char **name,
                                  GError **error)
{
    VesselConnect *conn = vsh_ctl_conn(ctl, error);
    if (!conn)
        return NULL;
    if (pool_key && !strchr(key, '/')) {
        VesselStoragePool *pool = vsh_pool_get(ctl, pool_key, error);
        if (pool)
            *name = g_strdup(key);
        return pool;
    }
    g_autoptr(GError) local = NULL;
    VesselStoragePool *pool = vessel_storage_vol_lookup_by_path(conn, key, name, &local);
    if (!pool) {
        if (g_error_matches(local, VESSEL_ERROR, VESSEL_ERROR_NO_STORAGE_VOL))
            g_set_error(error, VESSEL_ERROR, VESSEL_ERROR_NO_STORAGE_VOL,
                        _("failed to get vol '%s', specifying --pool might help"), key);
        else
            g_propagate_error(error, g_steal_pointer(&local));
    }
    return pool;
}

#define VOL_OR_FAIL(ctl, cmd, error)                                                     \
    g_autofree char *name = NULL;                                                        \
    g_autoptr(VesselStoragePool) pool =                                                  \
        vol_get(ctl, vsh_cmd_get(cmd, "vol"), vsh_cmd_get(cmd, "pool"), &name, error);   \
    if (!pool)                                                                           \
        return FALSE

static const VshOptDef opts_vol_list[] = {
    { "pool", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, N_("pool name or uuid"),
      VSH_COMP_POOL },
    { "details", VSH_OT_BOOL, 0, N_("display extended details for volumes"), 0 },
    { NULL }
};

static gboolean cmd_vol_list(VshCtl *ctl, const VshCmd *cmd, GError **error)
{
    gboolean details = vsh_cmd_has(cmd, "details");
    g_autoptr(VesselStoragePool) pool = vsh_pool_get(ctl, vsh_cmd_get(cmd, "pool"), error);
    g_autoptr(GPtrArray) vols = NULL;
    g_autoptr(VshTable) t = NULL;

    if (!pool || !(vols = vessel_storage_pool_list_volumes(pool, error)))
        return FALSE;
    t = details ? vsh_table_new(_("Name"), _("Path"), _("Type"), _("Capacity"), _("Allocation"),
                                NULL)
                : vsh_table_new(_("Name"), _("Path"), NULL);
    for (guint i = 0; i < vols->len; i++) {
        VesselStorageVol *v = g_ptr_array_index(vols, i);
        if (!details) {
            vsh_table_add_row(t, v->name, v->path, NULL);
            continue;
        }
        g_autofree char *cap = vsh_pretty_size(v->capacity);
        g_autofree char *alloc = vsh_pretty_size(v->allocation);
        vsh_table_add_row(t, v->name, v->path, "file", cap, alloc, NULL);
    }
    vsh_table_print(t, ctl->out, ctl->quiet);
    fputc('\n', ctl->out);
    return TRUE;
}

static const VshOptDef opts_vol_info[] = {
    OPT_VOL,
    OPT_POOL_OPT,
    { "bytes", VSH_OT_BOOL, 0, N_("sizes are represented in bytes rather than pretty units"), 0 },
    { "physical", VSH_OT_BOOL, 0, N_("return the physical size of the volume in allocation field"), 0 },
    { NULL }
};

static gboolean cmd_vol_info(VshCtl *ctl, const VshCmd *cmd, GError **error)
{
    VOL_OR_FAIL(ctl, cmd, error);
    g_autoptr(VesselStorageVol) v = vessel_storage_pool_get_volume_info(pool, name, error);
    gboolean bytes = vsh_cmd_has(cmd, "bytes");
    FILE *o = ctl->out;

    if (!v)
        return FALSE;
    fprintf(o, "%-15s %s\n", _("Name:"), name);
    fprintf(o, "%-15s %s\n", _("Type:"), "file");
    if (bytes) {
        fprintf(o, "%-15s %" G_GUINT64_FORMAT " %s\n", _("Capacity:"), v->capacity, _("bytes"));
        fprintf(o, "%-15s %" G_GUINT64_FORMAT " %s\n", _("Allocation:"), v->allocation,
                _("bytes"));
    } else {
        g_autofree char *cap = vsh_pretty_size(v->capacity);
        g_autofree char *alloc = vsh_pretty_size(v->allocation);
        fprintf(o, "%-15s %s\n", _("Capacity:"), cap);
        fprintf(o, "%-15s %s\n", _("Allocation:"), alloc);
    }
    fputc('\n', o);
    return TRUE;
}

static const VshOptDef opts_vol_dumpxml[] = {
    OPT_VOL,
    OPT_POOL_OPT,
    { NULL }
};

static gboolean cmd_vol_dumpxml(VshCtl *ctl, const VshCmd *cmd, GError **error)
{
    VOL_OR_FAIL(ctl, cmd, error);
    g_autofree char *xml = vessel_storage_pool_get_volume_xml_desc(pool, name, 0, error);
    if (!xml)
        return FALSE;
    fputs(xml, ctl->out);
    return TRUE;
}

/* A volume's path and format, by name in @pool or by path. */
static gboolean vol_path_format(VshCtl *ctl, VesselStoragePool *pool, const char *key,
                                char **path, char **format, GError **error)
{
    g_autofree char *name = NULL;
    g_autoptr(VesselStoragePool) in = vol_get(ctl, key, vessel_storage_pool_get_name(pool),
                                              &name, error);
    if (!in)
        return FALSE;
    g_autoptr(GPtrArray) vols = vessel_storage_pool_list_volumes(in, error);
    for (guint i = 0; vols && i < vols->len; i++) {
        VesselStorageVol *v = g_ptr_array_index(vols, i);
        if (strcmp(v->name, name) == 0) {
            *path = g_strdup(v->path);
            *format = g_strdup(v->format);
            return TRUE;
        }
    }
    if (vols)
        g_set_error(error, VESSEL_ERROR, VESSEL_ERROR_NO_STORAGE_VOL,
                    _("failed to get vol '%s'"), key);
    return FALSE;
}

static const VshOptDef opts_vol_create_as[] = {
    { "pool", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, N_("pool name"), VSH_COMP_POOL },
    { "name", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, N_("name of the volume"), 0 },
    { "capacity", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS,
      N_("size of the vol, as scaled integer (default bytes)"), 0 },
    { "allocation", VSH_OT_STRING, 0, N_("initial allocation size, as scaled integer (default bytes)"), 0 },
    { "format", VSH_OT_STRING, 0, N_("file format type raw,bochs,qcow,qcow2,qed,vmdk"), 0 },
    { "backing-vol", VSH_OT_STRING, 0, N_("the backing volume if taking a snapshot"), 0 },
    { "backing-vol-format", VSH_OT_STRING, 0, N_("format of backing volume if taking a snapshot"), 0 },
    { "prealloc-metadata", VSH_OT_BOOL, 0, N_("preallocate metadata (for qcow2 instead of full allocation)"), 0 },
    { "print-xml", VSH_OT_BOOL, 0, N_("print XML document, but don't define/create"), 0 },
    { NULL }
};

static gboolean cmd_vol_create_as(VshCtl *ctl, const VshCmd *cmd, GError **error)
{
    const char *name = vsh_cmd_get(cmd, "name"), *format = vsh_cmd_get(cmd, "format");
    const char *backing = vsh_cmd_get(cmd, "backing-vol");
    const char *bformat = vsh_cmd_get(cmd, "backing-vol-format");
    guint64 capacity, allocation = 0;
    g_autoptr(VesselStoragePool) pool = vsh_pool_get(ctl, vsh_cmd_get(cmd, "pool"), error);

    if (!pool || !vsh_parse_size(vsh_cmd_get(cmd, "capacity"), &capacity, error))
        return FALSE;
    if (vsh_cmd_get(cmd, "allocation") &&
        !vsh_parse_size(vsh_cmd_get(cmd, "allocation"), &allocation, error))
        return FALSE;
    g_autofree char *bpath = NULL, *bfmt = NULL;
    if (backing && !vol_path_format(ctl, pool, backing, &bpath, &bfmt, error))
        return FALSE;
    GString *xml = g_string_new("<volume>\n");
    g_autofree char *ename = g_markup_escape_text(name, -1);
    g_string_append_printf(xml, "  <name>%s</name>\n  <capacity>%" G_GUINT64_FORMAT "</capacity>\n",
                           ename, capacity);
    if (vsh_cmd_get(cmd, "allocation"))
        g_string_append_printf(xml, "  <allocation>%" G_GUINT64_FORMAT "</allocation>\n",
                               allocation);
    if (format) {
        g_autofree char *e = g_markup_escape_text(format, -1);
        g_string_append_printf(xml, "  <target>\n    <format type='%s'/>\n  </target>\n", e);
    }
    if (bpath) {
        g_autofree char *e = g_markup_escape_text(bpath, -1);
        g_autofree char *f = g_markup_escape_text(bformat ? bformat : bfmt, -1);
        g_string_append_printf(xml, "  <backingStore>\n    <path>%s</path>\n"
                                    "    <format type='%s'/>\n  </backingStore>\n", e, f);
    }
    g_string_append(xml, "</volume>\n");
    g_autofree char *text = g_string_free(xml, FALSE);
    if (vsh_cmd_has(cmd, "print-xml")) {
        fputs(text, ctl->out);
        return TRUE;
    }
    g_autofree char *made = vessel_storage_pool_create_volume(
        pool, text, vsh_cmd_has(cmd, "prealloc-metadata") ? 1 : 0, error);
    if (!made) {
        g_prefix_error(error, _("Failed to create vol %s\nerror: "), name);
        return FALSE;
    }
    vsh_print_extra(ctl, _("Vol %s created\n\n"), made);
    return TRUE;
}

static const VshOptDef opts_vol_create[] = {
    { "pool", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, N_("pool name"), VSH_COMP_POOL },
    { "file", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS,
      N_("file containing an XML vol description"), VSH_COMP_FILE },
    { "prealloc-metadata", VSH_OT_BOOL, 0, N_("preallocate metadata (for qcow2 instead of full allocation)"), 0 },
    { NULL }
};

static gboolean cmd_vol_create(VshCtl *ctl, const VshCmd *cmd, GError **error)
{
    const char *file = vsh_cmd_get(cmd, "file");
    g_autoptr(VesselStoragePool) pool = vsh_pool_get(ctl, vsh_cmd_get(cmd, "pool"), error);
    g_autofree char *xml = pool ? vsh_file_read(file, error) : NULL;

    if (!xml)
        return FALSE;
    g_autofree char *made = vessel_storage_pool_create_volume(
        pool, xml, vsh_cmd_has(cmd, "prealloc-metadata") ? 1 : 0, error);
    if (!made) {
        g_prefix_error(error, _("Failed to create vol from %s\nerror: "), file);
        return FALSE;
    }
    vsh_print_extra(ctl, _("Vol %s created from %s\n\n"), made, file);
    return TRUE;
}

static const VshOptDef opts_vol_create_from[] = {
    { "pool", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, N_("pool name"), VSH_COMP_POOL },
    { "file", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS,
      N_("file containing an XML vol description"), VSH_COMP_FILE },
    { "vol", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, N_("input vol name or key"), 0 },
    { "inputpool", VSH_OT_STRING, 0, N_("pool name or uuid of the input volume's pool"),
      VSH_COMP_POOL },
    { NULL }
};

static gboolean cmd_vol_create_from(VshCtl *ctl, const VshCmd *cmd, GError **error)
{
    const char *file = vsh_cmd_get(cmd, "file"), *vol = vsh_cmd_get(cmd, "vol");
    g_autoptr(VesselStoragePool) pool = vsh_pool_get(ctl, vsh_cmd_get(cmd, "pool"), error);
    g_autofree char *src_name = NULL;
    g_autoptr(VesselStoragePool) src = NULL;
    g_autofree char *xml = NULL;

    if (!pool)
        return FALSE;
    src = vol_get(ctl, vol, vsh_cmd_get(cmd, "inputpool") ? vsh_cmd_get(cmd, "inputpool")
                                                          : vessel_storage_pool_get_name(pool),
                  &src_name, error);
    if (!src || !(xml = vsh_file_read(file, error)))
        return FALSE;
    g_autofree char *made = vessel_storage_pool_create_volume_from(pool, xml, src, src_name, 0,
                                                                   error);
    if (!made) {
        g_prefix_error(error, _("Failed to create vol from %s\nerror: "), file);
        return FALSE;
    }
    vsh_print_extra(ctl, _("Vol %s created from input vol %s\n\n"), made, src_name);
    return TRUE;
}

static const VshOptDef opts_vol_clone[] = {
    OPT_VOL,
    { "newname", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, N_("clone name"), 0 },
    OPT_POOL_OPT,
    { NULL }
};

static gboolean cmd_vol_clone(VshCtl *ctl, const VshCmd *cmd, GError **error)
{
    const char *newname = vsh_cmd_get(cmd, "newname");
    VOL_OR_FAIL(ctl, cmd, error);
    g_autofree char *path = NULL, *format = NULL;
    if (!vol_path_format(ctl, pool, name, &path, &format, error))
        return FALSE;
    g_autofree char *ename = g_markup_escape_text(newname, -1);
    g_autofree char *xml = g_strdup_printf("<volume>\n  <name>%s</name>\n  <capacity>0</capacity>\n"
                                           "  <target>\n    <format type='%s'/>\n  </target>\n"
                                           "</volume>\n", ename, format);
    g_autofree char *made = vessel_storage_pool_create_volume_from(pool, xml, pool, name, 0, error);
    if (!made) {
        g_prefix_error(error, _("Failed to clone vol from %s\nerror: "), name);
        return FALSE;
    }
    vsh_print_extra(ctl, _("Vol %s cloned from %s\n\n"), made, name);
    return TRUE;
}

static const VshOptDef opts_vol_only[] = {
    OPT_VOL,
    OPT_POOL_OPT,
    { NULL }
};

static gboolean cmd_vol_delete(VshCtl *ctl, const VshCmd *cmd, GError **error)
{
    VOL_OR_FAIL(ctl, cmd, error);
    if (!vessel_storage_pool_delete_volume(pool, name, 0, error)) {
        g_prefix_error(error, _("Failed to delete vol %s\nerror: "), name);
        return FALSE;
    }
    vsh_print_extra(ctl, _("Vol %s deleted\n\n"), name);
    return TRUE;
}

static const VshOptDef opts_vol_wipe[] = {
    OPT_VOL,
    OPT_POOL_OPT,
    { "algorithm", VSH_OT_STRING, 0, N_("perform selected wiping algorithm"), 0 },
    { NULL }
};

static gboolean cmd_vol_wipe(VshCtl *ctl, const VshCmd *cmd, GError **error)
{
    const char *alg = vsh_cmd_get(cmd, "algorithm");
    VOL_OR_FAIL(ctl, cmd, error);
    if (alg && strcmp(alg, "zero") != 0) {
        g_set_error(error, VESSEL_ERROR, VESSEL_ERROR_INVALID_ARG,
                    _("Unsupported algorithm '%s'"), alg);
        return FALSE;
    }
    if (!vessel_storage_pool_wipe_volume(pool, name, 0, error)) {
        g_prefix_error(error, _("Failed to wipe vol %s\nerror: "), name);
        return FALSE;
    }
    vsh_print_extra(ctl, _("Vol %s wiped\n"), name);
    return TRUE;
}

static const VshOptDef opts_vol_resize[] = {
    OPT_VOL,
    { "capacity", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS,
      N_("new capacity for the vol, as scaled integer (default bytes)"), 0 },
    OPT_POOL_OPT,
    { "allocate", VSH_OT_BOOL, 0, N_("allocate the new capacity, rather than leaving it sparse"), 0 },
    { "delta", VSH_OT_BOOL, 0, N_("use capacity as a delta to current size, rather than the new size"), 0 },
    { "shrink", VSH_OT_BOOL, 0, N_("allow the resize to shrink the volume"), 0 },
    { NULL }
};

static gboolean cmd_vol_resize(VshCtl *ctl, const VshCmd *cmd, GError **error)
{
    const char *cap = vsh_cmd_get(cmd, "capacity");
    guint64 bytes;
    guint flags = (vsh_cmd_has(cmd, "allocate") ? 1 : 0) | (vsh_cmd_has(cmd, "delta") ? 2 : 0) |
                  (vsh_cmd_has(cmd, "shrink") ? 4 : 0);
    VOL_OR_FAIL(ctl, cmd, error);
    if (!vsh_parse_size(cap, &bytes, error))
        return FALSE;
    if (!vessel_storage_pool_resize_volume(pool, name, bytes, flags, error)) {
        g_prefix_error(error, _("Failed to change size of volume '%s' to %s\nerror: "), name, cap);
        return FALSE;
    }
    vsh_print_extra(ctl, flags & 2 ? _("Size of volume '%s' successfully changed by %s\n\n")
                                   : _("Size of volume '%s' successfully changed to %s\n\n"),
                    name, cap);
    return TRUE;
}

static const VshOptDef opts_vol_stream[] = {
    OPT_VOL,
    { "file", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, N_("file"), VSH_COMP_FILE },
    OPT_POOL_OPT,
    { "offset", VSH_OT_STRING, 0, N_("volume offset to upload to"), 0 },
    { "length", VSH_OT_STRING, 0, N_("amount of data to upload"), 0 },
    { NULL }
};

static gboolean copy_fd(int from, int to, GError **error, const char *what)
{
    char buf[65536];
    for (;;) {
        ssize_t n = read(from, buf, sizeof(buf));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            goto fail;
        if (n == 0)
            return TRUE;
        for (ssize_t done = 0; done < n;) {
            ssize_t w = write(to, buf + done, (size_t)(n - done));
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0)
                goto fail;
            done += w;
        }
    }
fail:
    g_set_error(error, VESSEL_ERROR, VESSEL_ERROR_FAILED, _("cannot %s: %s"), what,
                g_strerror(errno));
    return FALSE;
}

static gboolean cmd_vol_stream(VshCtl *ctl, const VshCmd *cmd, GError **error)
{
    gboolean upload = strcmp(vsh_cmd_def(cmd)->name, "vol-upload") == 0;
    const char *file = vsh_cmd_get(cmd, "file");
    guint64 offset = 0, length = 0;
    VOL_OR_FAIL(ctl, cmd, error);
    if ((vsh_cmd_get(cmd, "offset") && !vsh_parse_size(vsh_cmd_get(cmd, "offset"), &offset, error)) ||
        (vsh_cmd_get(cmd, "length") && !vsh_parse_size(vsh_cmd_get(cmd, "length"), &length, error)))
        return FALSE;
    int local = upload ? open(file, O_RDONLY | O_CLOEXEC)
                       : open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (local < 0) {
        g_set_error(error, VESSEL_ERROR, VESSEL_ERROR_FAILED, _("cannot open file '%s': %s"), file,
                    g_strerror(errno));
        return FALSE;
    }
    int sock = upload ? vessel_storage_pool_upload_volume(pool, name, offset, length, 0, error)
                      : vessel_storage_pool_download_volume(pool, name, offset, length, 0, error);
    gboolean ok = sock >= 0;
    if (ok && upload) {
        char status = 1;
        ok = copy_fd(local, sock, error, _("upload the volume"));
        shutdown(sock, SHUT_WR);
        if (ok && (read(sock, &status, 1) != 1 || status != 0)) {
            g_set_error(error, VESSEL_ERROR, VESSEL_ERROR_FAILED, "%s",
                        _("the daemon could not write the volume"));
            ok = FALSE;
        }
    } else if (ok) {
        ok = copy_fd(sock, local, error, _("download the volume"));
        if (ok && fsync(local) < 0 && errno != EINVAL) {
            g_set_error(error, VESSEL_ERROR, VESSEL_ERROR_FAILED, _("cannot write '%s': %s"), file,
                        g_strerror(errno));
            ok = FALSE;
        }
    }
    if (sock >= 0)
        close(sock);
    close(local);
    if (!ok)
        g_prefix_error(error, upload ? _("cannot upload to volume %s\nerror: ")
                                     : _("cannot download from volume %s\nerror: "), name);
    return ok;
}

static gboolean cmd_vol_path_key(VshCtl *ctl, const VshCmd *cmd, GError **error)
{
    const char *which = vsh_cmd_def(cmd)->name;
    VOL_OR_FAIL(ctl, cmd, error);
    if (strcmp(which, "vol-name") == 0) {
        fprintf(ctl->out, "%s\n\n", name);
        return TRUE;
    }
    if (strcmp(which, "vol-pool") == 0) {
        fprintf(ctl->out, "%s\n\n", vsh_cmd_has(cmd, "uuid") ? vessel_storage_pool_get_uuid(pool)
                                                             : vessel_storage_pool_get_name(pool));
        return TRUE;
    }
    g_autoptr(VesselStorageVol) v = vessel_storage_pool_get_volume_info(pool, name, error);
    if (!v)
        return FALSE;
    fprintf(ctl->out, "%s\n\n", v->path);      /* vol-path and vol-key: the path is the key */
    return TRUE;
}

static const VshOptDef opts_vol_pool[] = {
    OPT_VOL,
    { "uuid", VSH_OT_BOOL, 0, N_("return the pool uuid rather than pool name"), 0 },
    { NULL }
};

const VshCmdDef vsh_volume_cmds[] = {
    { "vol-clone", VSH_GROUP_VOLUME, opts_vol_clone, cmd_vol_clone,
      N_("clone a volume."), N_("Clone an existing volume within the parent pool."), 0 },
    { "vol-create", VSH_GROUP_VOLUME, opts_vol_create, cmd_vol_create,
      N_("create a vol from an XML file"), N_("Create a vol."), 0 },
    { "vol-create-as", VSH_GROUP_VOLUME, opts_vol_create_as, cmd_vol_create_as,
      N_("create a volume from a set of args"), N_("Create a vol."), 0 },
    { "vol-create-from", VSH_GROUP_VOLUME, opts_vol_create_from, cmd_vol_create_from,
      N_("create a vol, using another volume as input"),
      N_("Create a vol from an existing volume."), 0 },
    { "vol-delete", VSH_GROUP_VOLUME, opts_vol_only, cmd_vol_delete,
      N_("delete a vol"), N_("Delete a given vol."), 0 },
    { "vol-download", VSH_GROUP_VOLUME, opts_vol_stream, cmd_vol_stream,
      N_("download volume contents to a file"), N_("Download volume contents to a file."), 0 },
    { "vol-dumpxml", VSH_GROUP_VOLUME, opts_vol_dumpxml, cmd_vol_dumpxml,
      N_("vol information in XML"), N_("Output the vol information as an XML dump to stdout."), 0 },
    { "vol-info", VSH_GROUP_VOLUME, opts_vol_info, cmd_vol_info,
      N_("storage vol information"), N_("Returns basic information about the storage vol."), 0 },
    { "vol-key", VSH_GROUP_VOLUME, opts_vol_only, cmd_vol_path_key,
      N_("returns the volume key for a given volume name or path"), NULL, 0 },
    { "vol-list", VSH_GROUP_VOLUME, opts_vol_list, cmd_vol_list,
      N_("list vols"), N_("Returns list of vols by pool."), 0 },
    { "vol-name", VSH_GROUP_VOLUME, opts_vol_only, cmd_vol_path_key,
      N_("returns the volume name for a given volume key or path"), NULL, 0 },
    { "vol-path", VSH_GROUP_VOLUME, opts_vol_only, cmd_vol_path_key,
      N_("returns the volume path for a given volume name or key"), NULL, 0 },
    { "vol-pool", VSH_GROUP_VOLUME, opts_vol_pool, cmd_vol_path_key,
      N_("returns the storage pool for a given volume key or path"), NULL, 0 },
    { "vol-resize", VSH_GROUP_VOLUME, opts_vol_resize, cmd_vol_resize,
      N_("resize a vol"), N_("Resizes a storage volume."), 0 },
    { "vol-upload", VSH_GROUP_VOLUME, opts_vol_stream, cmd_vol_stream,
      N_("upload file contents to a volume"), N_("Upload file contents to a volume."), 0 },
    { "vol-wipe", VSH_GROUP_VOLUME, opts_vol_wipe, cmd_vol_wipe,
      N_("wipe a vol"), N_("Ensure data previously on a volume is not accessible to future reads."), 0 },
    { NULL }
};
