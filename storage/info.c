/* info.c - what an image file says about itself (storage_info_read) and
 * the backing chain its headers describe (storage_chain_describe): for
 * the daemon's volume listings and for building a VMM command line
 * that names every layer explicitly.  No data is read. */
#include "config.h"

#include "storage/image.h"
#include "i18n.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

void storage_info_clear(StorageInfo *info)
{
    g_clear_pointer(&info->backing_file, g_free);
    g_clear_pointer(&info->backing_format, g_free);
}

gboolean storage_info_read(const char *path, int fmt, StorageInfo *info, GError **error)
{
    memset(info, 0, sizeof(*info));
    if (fmt < 0) {
        StorageFormat probed;
        if (!storage_probe_format(path, &probed, error))
            return FALSE;
        fmt = (int)probed;
    }
    StorageImage *img = storage_image_open(path, (StorageFormat)fmt,
                                           STORAGE_OPEN_READONLY | STORAGE_OPEN_NO_BACKING, error);
    if (!img)
        return FALSE;
    struct stat st;
    if (fstat(img->fd, &st) == 0) {
        info->physical = (uint64_t)st.st_size;
        info->allocation = S_ISREG(st.st_mode) ? (uint64_t)st.st_blocks * 512 : info->physical;
    }
    info->format = (StorageFormat)fmt;
    info->capacity = img->size;
    if (fmt == STORAGE_FORMAT_QCOW2) {
        info->cluster_size = img->zero_align;
        const char *b = storage_qcow2_backing_name(img);
        const char *bf = storage_qcow2_backing_format_name(img);
        info->backing_file = g_strdup(b);
        info->backing_format = g_strdup(bf);
        info->qcow2_version = storage_qcow2_version(img);
    }
    storage_image_close(img);
    return TRUE;
}

void storage_chain_layer_free(StorageChainLayer *l)
{
    if (!l)
        return;
    g_free(l->path);
    g_free(l);
}

GPtrArray *storage_chain_describe(const char *path, StorageFormat fmt, GError **error)
{
    g_autoptr(GPtrArray) chain = g_ptr_array_new_with_free_func((GDestroyNotify)storage_chain_layer_free);
    g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    char *cur = g_canonicalize_filename(path, NULL);
    int cur_fmt = (int)fmt;
    for (;;) {
        struct stat st;
        if (stat(cur, &st) < 0) {
            g_set_error(error, STORAGE_ERROR, STORAGE_ERROR_FAILED, _("cannot open %s: %s"), cur,
                        g_strerror(errno));
            g_free(cur);
            return NULL;
        }
        char *key = g_strdup_printf("%ju:%ju", (uintmax_t)st.st_dev, (uintmax_t)st.st_ino);
        if (!g_hash_table_add(seen, key)) {
            g_set_error(error, STORAGE_ERROR, STORAGE_ERROR_CHAIN,
                        _("disk image %s: backing chain loops (%s appears twice)"), path, cur);
            g_free(cur);
            return NULL;
        }
        if (chain->len > STORAGE_CHAIN_MAX) {
            g_set_error(error, STORAGE_ERROR, STORAGE_ERROR_CHAIN,
                        _("disk image %s: backing chain deeper than %d images"), path,
                        STORAGE_CHAIN_MAX);
            g_free(cur);
            return NULL;
        }
        StorageInfo info;
        if (!storage_info_read(cur, cur_fmt, &info, error)) {
            g_free(cur);
            return NULL;
        }
        StorageChainLayer *l = g_new0(StorageChainLayer, 1);
        l->path = cur;
        l->format = (StorageFormat)cur_fmt;
        g_ptr_array_add(chain, l);
        if (!info.backing_file) {
            storage_info_clear(&info);
            break;
        }
        g_autofree char *dir = g_path_get_dirname(cur);
        cur = g_canonicalize_filename(info.backing_file, dir);
        if (info.backing_format) {
            cur_fmt = storage_format_from_string(info.backing_format);
            if (cur_fmt < 0) {
                g_set_error(error, STORAGE_ERROR, STORAGE_ERROR_UNSUPPORTED,
                            _("disk image %s: backing format %s is not supported"), l->path,
                            info.backing_format);
                storage_info_clear(&info);
                g_free(cur);
                return NULL;
            }
        } else {
            StorageFormat probed;
            if (!storage_probe_format(cur, &probed, error)) {
                storage_info_clear(&info);
                g_free(cur);
                return NULL;
            }
            cur_fmt = (int)probed;
        }
        storage_info_clear(&info);
    }
    return g_steal_pointer(&chain);
}
