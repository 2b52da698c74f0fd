/* vol_driver.c - the volumes of a storage pool (vol_driver.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon_error.h"
#include "domain_disks.h"
#include "i18n.h"
#include "pool_driver.h"
#include "storage/storage.h"
#include "vol_driver.h"

/* flags of CreateVolume / ResizeVolume (libvirt's values) */
#define VOL_CREATE_PREALLOC_METADATA 1u
#define VOL_RESIZE_ALLOCATE 1u
#define VOL_RESIZE_DELTA 2u
#define VOL_RESIZE_SHRINK 4u

static GError *vol_storage_error(const GError *e)
{
    int code = e->code == STORAGE_ERROR_FAILED ? DAEMON_ERROR_INTERNAL
                                               : DAEMON_ERROR_OPERATION_INVALID;
    return g_error_new_literal(DAEMON_ERROR, code, e->message);
}

static gboolean vol_fail_storage(GError **error, GError *e)
{
    g_propagate_error(error, vol_storage_error(e));
    g_error_free(e);
    return FALSE;
}

static char *pool_dir(Daemon *d, StoragePoolObj *pool)
{
    pool_list_lock(d->pools);
    char *dir = g_strdup(pool->def->target_path);
    pool_list_unlock(d->pools);
    return dir;
}

static gboolean vol_name_ok(const char *name)
{
    return name && *name && name[0] != '.' && !strchr(name, '/') && strlen(name) <= 255;
}

char *vol_driver_path(Daemon *d, StoragePoolObj *pool, const char *name, GError **error)
{
    if (!vol_name_ok(name)) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INVALID_ARG,
                    _("invalid storage volume name '%s'"), name);
        return NULL;
    }
    g_autofree char *dir = pool_dir(d, pool);
    return g_build_filename(dir, name, NULL);
}

/* The path of an existing volume (a regular file). */
static char *vol_existing(Daemon *d, StoragePoolObj *pool, const char *name, struct stat *st,
                          GError **error)
{
    g_autofree char *path = vol_driver_path(d, pool, name, error);
    struct stat tmp;
    if (!st)
        st = &tmp;
    if (!path)
        return NULL;
    if (lstat(path, st) < 0 || !S_ISREG(st->st_mode)) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_NO_STORAGE_VOL,
                    _("Storage volume not found: no storage vol with matching name '%s'"), name);
        return NULL;
    }
    return g_steal_pointer(&path);
}

static gboolean vol_not_in_use(Daemon *d, const char *path, const char *what, GError **error)
{
    g_autofree char *user = domain_disks_user(d, path);
    if (user) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_OPERATION_INVALID,
                    _("cannot %s volume %s: it is in use by running domain '%s'"), what, path,
                    user);
        return FALSE;
    }
    return TRUE;
}

static gint vol_name_cmp(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void vol_info_free(VolInfo *v)
{
    if (!v)
        return;
    g_free(v->name);
    g_free(v->path);
    g_free(v);
}

/* @path's sizes and format, or NULL (+ @error when given). */
static VolInfo *vol_measure(const char *name, const char *path, GError **error)
{
    StorageInfo info;
    g_autoptr(GError) err = NULL;
    if (!storage_info_read(path, -1, &info, &err)) {
        if (error)
            vol_fail_storage(error, g_steal_pointer(&err));
        else
            g_debug("volume %s skipped: %s", path, err->message);
        return NULL;
    }
    VolInfo *v = g_new0(VolInfo, 1);
    *v = (VolInfo){
        .name = g_strdup(name),
        .path = g_strdup(path),
        .type = 0,
        .capacity = info.capacity,
        .allocation = info.allocation,
        .format = storage_format_to_string(info.format),
    };
    storage_info_clear(&info);
    return v;
}

GPtrArray *vol_driver_list(Daemon *d, StoragePoolObj *pool, GError **error)
{
    g_autofree char *dir = pool_dir(d, pool);
    g_autoptr(GDir) gd = g_dir_open(dir, 0, NULL);
    if (!gd) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_OPERATION_INVALID,
                    _("cannot open directory '%s': %s"), dir, g_strerror(errno));
        return NULL;
    }
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    const char *ent;
    while ((ent = g_dir_read_name(gd)))
        if (vol_name_ok(ent))
            g_ptr_array_add(names, g_strdup(ent));
    g_ptr_array_sort(names, vol_name_cmp);
    GPtrArray *vols = g_ptr_array_new_with_free_func((GDestroyNotify)vol_info_free);
    for (guint i = 0; i < names->len; i++) {
        const char *name = names->pdata[i];
        g_autofree char *path = g_build_filename(dir, name, NULL);
        struct stat st;
        if (lstat(path, &st) < 0 || !S_ISREG(st.st_mode))
            continue;
        VolInfo *v = vol_measure(name, path, NULL);
        if (v)
            g_ptr_array_add(vols, v);
    }
    return vols;
}

/* Mode, owner and group of @perms (where given) on @path. */
static gboolean vol_apply_perms(const char *path, const StoragePerms *perms, GError **error)
{
    if (perms->mode >= 0 && chmod(path, (mode_t)perms->mode) < 0)
        goto fail;
    if ((perms->owner >= 0 || perms->group >= 0) &&
        chown(path, perms->owner >= 0 ? (uid_t)perms->owner : (uid_t)-1,
              perms->group >= 0 ? (gid_t)perms->group : (gid_t)-1) < 0)
        goto fail;
    return TRUE;
fail:
    g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INTERNAL,
                _("Cannot set the permissions of %s: %s"), path, g_strerror(errno));
    return FALSE;
}

static StorageVolDef *vol_parse(const char *xml, GError **error)
{
    g_autoptr(GError) err = NULL;
    StorageVolDef *def = storage_vol_def_parse(xml, &err);
    if (!def)
        g_set_error_literal(error, DAEMON_ERROR, DAEMON_ERROR_INVALID_XML, err->message);
    return def;
}

/* Create the empty image @def asks for at @path. */
static gboolean vol_create_file(const char *path, const StorageVolDef *def, guint flags,
                                GError **error)
{
    StorageCreateOptions o = { 0 };
    StorageFormat fmt = def->format == STORAGE_VOL_FORMAT_QCOW2 ? STORAGE_FORMAT_QCOW2
                                                                : STORAGE_FORMAT_RAW;
    o.cluster_size = (uint32_t)def->cluster_size;
    o.compat_v2 = def->compat_v2;
    if (fmt == STORAGE_FORMAT_QCOW2 && (flags & VOL_CREATE_PREALLOC_METADATA))
        o.prealloc = STORAGE_PREALLOC_METADATA;
    if (fmt == STORAGE_FORMAT_RAW && def->has_allocation && def->allocation >= def->capacity &&
        def->capacity)
        o.prealloc = STORAGE_PREALLOC_FALLOC;
    if (def->backing_path) {
        /* the whole chain must be usable: formats, loops, depth */
        StorageFormat bfmt = STORAGE_FORMAT_RAW;
        g_autoptr(GError) err = NULL;
        if (def->has_backing_format)
            bfmt = def->backing_format == STORAGE_VOL_FORMAT_QCOW2 ? STORAGE_FORMAT_QCOW2
                                                                   : STORAGE_FORMAT_RAW;
        else if (!storage_probe_format(def->backing_path, &bfmt, &err))
            return vol_fail_storage(error, g_steal_pointer(&err));
        g_autoptr(GPtrArray) chain = storage_chain_describe(def->backing_path, bfmt, &err);
        if (!chain)
            return vol_fail_storage(error, g_steal_pointer(&err));
        o.backing_file = def->backing_path;
        o.backing_format = bfmt;
    }
    g_autoptr(GError) err = NULL;
    if (!storage_image_create(path, fmt, def->capacity, &o, &err)) {
        if (g_file_test(path, G_FILE_TEST_EXISTS) && strstr(err->message, "exists")) {
            g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_OPERATION_INVALID,
                        _("storage volume name '%s' already in use."), def->name);
            return FALSE;
        }
        return vol_fail_storage(error, g_steal_pointer(&err));
    }
    if (!vol_apply_perms(path, &def->perms, error)) {
        unlink(path);
        return FALSE;
    }
    return TRUE;
}

char *vol_driver_create(Daemon *d, StoragePoolObj *pool, const char *xml, guint flags,
                        GError **error)
{
    if (flags & ~VOL_CREATE_PREALLOC_METADATA) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INVALID_ARG, _("Unsupported flags 0x%x"),
                    flags);
        return NULL;
    }
    g_autoptr(StorageVolDef) def = vol_parse(xml, error);
    if (!def)
        return NULL;
    g_autofree char *path = vol_driver_path(d, pool, def->name, error);
    if (!path)
        return NULL;
    g_mutex_lock(&pool->vol_lock);
    gboolean ok = FALSE;
    if (g_file_test(path, G_FILE_TEST_EXISTS))
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_OPERATION_INVALID,
                    _("storage volume name '%s' already in use."), def->name);
    else
        ok = vol_create_file(path, def, flags, error);
    g_mutex_unlock(&pool->vol_lock);
    return ok ? g_strdup(def->name) : NULL;
}

char *vol_driver_create_from(Daemon *d, StoragePoolObj *pool, const char *xml,
                             StoragePoolObj *src_pool, const char *src_name, guint flags,
                             GError **error)
{
    if (flags) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INVALID_ARG, _("Unsupported flags 0x%x"),
                    flags);
        return NULL;
    }
    g_autoptr(StorageVolDef) def = vol_parse(xml, error);
    if (!def)
        return NULL;
    g_autofree char *src = vol_existing(d, src_pool, src_name, NULL, error);
    g_autofree char *path = src ? vol_driver_path(d, pool, def->name, error) : NULL;
    if (!path)
        return NULL;
    StorageInfo sinfo;
    g_autoptr(GError) err = NULL;
    if (!storage_info_read(src, -1, &sinfo, &err)) {
        vol_fail_storage(error, g_steal_pointer(&err));
        return NULL;
    }
    /* a standalone copy: no backing store, at least the source's size */
    g_clear_pointer(&def->backing_path, g_free);
    def->capacity = MAX(def->capacity, sinfo.capacity);
    StorageFormat sfmt = sinfo.format;
    storage_info_clear(&sinfo);

    g_mutex_lock(&pool->vol_lock);
    gboolean ok = FALSE;
    if (g_file_test(path, G_FILE_TEST_EXISTS)) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_OPERATION_INVALID,
                    _("storage volume name '%s' already in use."), def->name);
    } else if (vol_create_file(path, def, 0, error)) {
        StorageImage *in = storage_image_open(src, sfmt, STORAGE_OPEN_READONLY, &err);
        StorageImage *out = in ? storage_image_open(path, def->format == STORAGE_VOL_FORMAT_QCOW2
                                                              ? STORAGE_FORMAT_QCOW2
                                                              : STORAGE_FORMAT_RAW,
                                                    STORAGE_OPEN_NO_BACKING, &err)
                               : NULL;
        ok = out && storage_image_copy(in, out, true, &err);
        storage_image_close(in);
        if (out && storage_image_close(out) < 0 && ok) {
            ok = FALSE;
            g_set_error(&err, STORAGE_ERROR, STORAGE_ERROR_FAILED, _("cannot write %s"), path);
        }
        if (!ok) {
            unlink(path);
            vol_fail_storage(error, g_steal_pointer(&err));
        }
    }
    g_mutex_unlock(&pool->vol_lock);
    return ok ? g_strdup(def->name) : NULL;
}

static char *vol_timestamp(const struct timespec *ts)
{
    return g_strdup_printf("%lld.%09ld", (long long)ts->tv_sec, ts->tv_nsec);
}

char *vol_driver_xml(Daemon *d, StoragePoolObj *pool, const char *name, GError **error)
{
    struct stat st;
    g_autofree char *path = vol_existing(d, pool, name, &st, error);
    if (!path)
        return NULL;
    StorageInfo info;
    g_autoptr(GError) err = NULL;
    if (!storage_info_read(path, -1, &info, &err)) {
        vol_fail_storage(error, g_steal_pointer(&err));
        return NULL;
    }
    g_autofree char *atime = vol_timestamp(&st.st_atim);
    g_autofree char *mtime = vol_timestamp(&st.st_mtim);
    g_autofree char *ctime = vol_timestamp(&st.st_ctim);
    g_autofree char *backing = NULL;
    if (info.backing_file) {
        g_autofree char *dir = g_path_get_dirname(path);
        backing = g_canonicalize_filename(info.backing_file, dir);
    }
    StorageVolInfo v = {
        .name = name, .path = path, .capacity = info.capacity, .allocation = info.allocation,
        .physical = info.physical,
        .format = info.format == STORAGE_FORMAT_QCOW2 ? STORAGE_VOL_FORMAT_QCOW2
                                                      : STORAGE_VOL_FORMAT_RAW,
        .perms = { st.st_mode & 07777, st.st_uid, st.st_gid },
        .atime = atime, .mtime = mtime, .ctime = ctime,
        .compat = info.qcow2_version == 2 ? "0.10" : info.qcow2_version == 3 ? "1.1" : NULL,
        .cluster_size = info.cluster_size,
        .backing_path = backing,
    };
    int bf = info.backing_format ? storage_vol_format_from_string(info.backing_format) : -1;
    if (bf >= 0) {
        v.has_backing_format = TRUE;
        v.backing_format = (StorageVolFormat)bf;
    }
    char *xml = storage_vol_info_format(&v);
    storage_info_clear(&info);
    return xml;
}

VolInfo *vol_driver_info(Daemon *d, StoragePoolObj *pool, const char *name, GError **error)
{
    g_autofree char *path = vol_existing(d, pool, name, NULL, error);
    return path ? vol_measure(name, path, error) : NULL;
}

gboolean vol_driver_resize(Daemon *d, StoragePoolObj *pool, const char *name, guint64 capacity,
                           guint flags, GError **error)
{
    if (flags & ~(VOL_RESIZE_ALLOCATE | VOL_RESIZE_DELTA | VOL_RESIZE_SHRINK)) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INVALID_ARG, _("Unsupported flags 0x%x"),
                    flags);
        return FALSE;
    }
    g_autofree char *path = vol_existing(d, pool, name, NULL, error);
    if (!path || !vol_not_in_use(d, path, _("resize"), error))
        return FALSE;
    g_mutex_lock(&pool->vol_lock);
    StorageFormat fmt;
    g_autoptr(GError) err = NULL;
    gboolean ok = FALSE;
    StorageImage *img = NULL;
    if (!storage_probe_format(path, &fmt, &err) ||
        !(img = storage_image_open(path, fmt, STORAGE_OPEN_NO_BACKING, &err))) {
        vol_fail_storage(error, g_steal_pointer(&err));
        goto out;
    }
    guint64 cur = storage_image_size(img);
    if (flags & VOL_RESIZE_DELTA)
        capacity = cur + capacity;
    capacity = (capacity + 511) & ~(guint64)511;
    if (capacity < cur && !(flags & VOL_RESIZE_SHRINK)) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INVALID_ARG,
                    _("Can't shrink capacity below current capacity unless shrink flag "
                      "explicitly specified"));
        goto out;
    }
    if (!storage_image_resize(img, capacity, &err)) {
        vol_fail_storage(error, g_steal_pointer(&err));
        goto out;
    }
    if ((flags & VOL_RESIZE_ALLOCATE) && fmt == STORAGE_FORMAT_RAW && capacity > cur) {
        int fd = open(path, O_WRONLY | O_CLOEXEC);
        int r = fd < 0 ? errno : posix_fallocate(fd, (off_t)cur, (off_t)(capacity - cur));
        if (fd >= 0)
            close(fd);
        if (r) {
            g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INTERNAL,
                        _("cannot allocate %s: %s"), path, g_strerror(r));
            goto out;
        }
    }
    ok = TRUE;
out:
    if (img && storage_image_close(img) < 0 && ok) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INTERNAL, _("cannot write %s"), path);
        ok = FALSE;
    }
    g_mutex_unlock(&pool->vol_lock);
    return ok;
}

/* Zeros over the whole file (raw volumes). */
static gboolean vol_wipe_raw(const char *path, GError **error)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    struct stat st;
    int r = fd < 0 || fstat(fd, &st) < 0 ? errno : 0;
    static const char zeros[1 << 16];
    for (off_t off = 0; r == 0 && off < st.st_size;) {
        size_t n = (size_t)MIN((off_t)sizeof(zeros), st.st_size - off);
        ssize_t w = pwrite(fd, zeros, n, off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            r = w < 0 ? errno : EIO;
        else
            off += w;
    }
    if (r == 0 && fsync(fd) < 0)
        r = errno;
    if (fd >= 0)
        close(fd);
    if (r) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INTERNAL, _("cannot wipe %s: %s"), path,
                    g_strerror(r));
        return FALSE;
    }
    return TRUE;
}

/* A qcow2 volume: a new empty image with the same size, cluster size,
 * version and backing file, renamed over the old one. */
static gboolean vol_wipe_qcow2(const char *path, const struct stat *st, GError **error)
{
    StorageInfo info;
    g_autoptr(GError) err = NULL;
    if (!storage_info_read(path, STORAGE_FORMAT_QCOW2, &info, &err))
        return vol_fail_storage(error, g_steal_pointer(&err));
    g_autofree char *dir = g_path_get_dirname(path);
    g_autofree char *base = g_path_get_basename(path);
    g_autofree char *tmp = g_strdup_printf("%s/.%s.wipe", dir, base);
    StorageCreateOptions o = {
        .cluster_size = info.cluster_size, .backing_file = info.backing_file,
        .compat_v2 = info.qcow2_version == 2,
    };
    int bf = info.backing_format ? storage_format_from_string(info.backing_format) : -1;
    o.backing_format = bf >= 0 ? (StorageFormat)bf : STORAGE_FORMAT_RAW;
    if (info.backing_file && bf < 0)
        o.backing_file = NULL;      /* no format recorded: refused below */
    unlink(tmp);
    gboolean ok = (!info.backing_file || o.backing_file) &&
                  storage_image_create(tmp, STORAGE_FORMAT_QCOW2, info.capacity, &o, &err);
    storage_info_clear(&info);
    if (!ok) {
        if (!err)
            g_set_error(&err, STORAGE_ERROR, STORAGE_ERROR_UNSUPPORTED,
                        _("cannot wipe %s: its backing file records no format"), path);
        return vol_fail_storage(error, g_steal_pointer(&err));
    }
    if (chmod(tmp, st->st_mode & 07777) < 0 || (chown(tmp, st->st_uid, st->st_gid) < 0 &&
                                               errno != EPERM) ||
        rename(tmp, path) < 0) {
        int e = errno;
        unlink(tmp);
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INTERNAL, _("cannot wipe %s: %s"), path,
                    g_strerror(e));
        return FALSE;
    }
    return TRUE;
}

gboolean vol_driver_wipe(Daemon *d, StoragePoolObj *pool, const char *name, guint algorithm,
                         GError **error)
{
    if (algorithm != 0) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INVALID_ARG,
                    _("unsupported wipe algorithm %u (only zero)"), algorithm);
        return FALSE;
    }
    struct stat st;
    g_autofree char *path = vol_existing(d, pool, name, &st, error);
    if (!path || !vol_not_in_use(d, path, _("wipe"), error))
        return FALSE;
    StorageFormat fmt;
    g_autoptr(GError) err = NULL;
    if (!storage_probe_format(path, &fmt, &err))
        return vol_fail_storage(error, g_steal_pointer(&err));
    g_mutex_lock(&pool->vol_lock);
    gboolean ok = fmt == STORAGE_FORMAT_QCOW2 ? vol_wipe_qcow2(path, &st, error)
                                              : vol_wipe_raw(path, error);
    g_mutex_unlock(&pool->vol_lock);
    return ok;
}

gboolean vol_driver_delete(Daemon *d, StoragePoolObj *pool, const char *name, GError **error)
{
    g_autofree char *path = vol_existing(d, pool, name, NULL, error);
    if (!path || !vol_not_in_use(d, path, _("delete"), error))
        return FALSE;
    g_mutex_lock(&pool->vol_lock);
    int r = unlink(path) < 0 ? errno : 0;
    g_mutex_unlock(&pool->vol_lock);
    if (r) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INTERNAL, _("cannot delete %s: %s"), path,
                    g_strerror(r));
        return FALSE;
    }
    return TRUE;
}

gboolean vol_driver_lookup_path(Daemon *d, const char *path, char **pool_path, char **name,
                                GError **error)
{
    g_autofree char *canon = g_canonicalize_filename(path, NULL);
    g_autofree char *dir = g_path_get_dirname(canon);
    g_autofree char *base = g_path_get_basename(canon);
    pool_list_lock(d->pools);
    StoragePoolObj *pool = pool_list_find_dir(d->pools, dir);
    if (pool)
        *pool_path = g_strdup(pool->path);
    pool_list_unlock(d->pools);
    struct stat st;
    if (!pool || !vol_name_ok(base) || lstat(canon, &st) < 0 || !S_ISREG(st.st_mode)) {
        g_free(*pool_path);
        *pool_path = NULL;
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_NO_STORAGE_VOL,
                    _("Storage volume not found: no storage vol with matching path '%s'"), path);
        return FALSE;
    }
    *name = g_steal_pointer(&base);
    return TRUE;
}

int vol_driver_open_stream(Daemon *d, StoragePoolObj *pool, const char *name, gboolean upload,
                           GError **error)
{
    g_autofree char *path = vol_existing(d, pool, name, NULL, error);
    if (!path || (upload && !vol_not_in_use(d, path, _("upload to"), error)))
        return -1;
    int fd = open(path, (upload ? O_WRONLY : O_RDONLY) | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INTERNAL, _("cannot open %s: %s"), path,
                    g_strerror(errno));
    return fd;
}
