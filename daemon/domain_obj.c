/* domain_obj.c - DomainObj reference counting and the DomainList. */
#include "config.h"

#include <string.h>

#include "daemon_error.h"
#include "domain_obj.h"
#include "i18n.h"

DomainObj *domain_obj_ref(DomainObj *dom)
{
    g_atomic_int_inc(&dom->ref);
    return dom;
}

void domain_obj_unref(DomainObj *dom)
{
    if (!dom || !g_atomic_int_dec_and_test(&dom->ref))
        return;
    domain_def_free(dom->def);
    domain_def_free(dom->next_def);
    g_strfreev(dom->taps);
    g_free(dom->path);
    g_free(dom);
}

char *domain_obj_path_for_uuid(const char *uuid)
{
    char *p = g_strdup_printf(DOMAIN_PATH_PREFIX "/%s", uuid);
    g_strdelimit(p + strlen(DOMAIN_PATH_PREFIX), "-", '_');
    return p;
}

gboolean domain_obj_is_active(const DomainObj *dom)
{
    return dom->id > 0;
}

void domain_obj_set_state(DomainObj *dom, DomainState state, int reason)
{
    dom->state = state;
    dom->reason = reason;
}

DomainList *domain_list_new(void)
{
    DomainList *list = g_new0(DomainList, 1);
    g_mutex_init(&list->lock);
    g_cond_init(&list->cond);
    list->by_uuid = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify)domain_obj_unref);
    list->next_id = 1;
    return list;
}

void domain_list_free(DomainList *list)
{
    if (!list)
        return;
    g_hash_table_unref(list->by_uuid);
    g_mutex_clear(&list->lock);
    g_cond_clear(&list->cond);
    g_free(list);
}

void domain_list_lock(DomainList *list)
{
    g_mutex_lock(&list->lock);
}

void domain_list_unlock(DomainList *list)
{
    g_mutex_unlock(&list->lock);
}

DomainObj *domain_list_find_uuid(DomainList *list, const char *uuid)
{
    if (!uuid)
        return NULL;
    g_autofree char *lower = g_ascii_strdown(uuid, -1);
    if (strlen(lower) == 32) {
        /* accept the 32 hex digit form too */
        g_autofree char *c = g_strdup_printf("%.8s-%.4s-%.4s-%.4s-%.12s", lower,
                                             lower + 8, lower + 12, lower + 16,
                                             lower + 20);
        return g_hash_table_lookup(list->by_uuid, c);
    }
    return g_hash_table_lookup(list->by_uuid, lower);
}

DomainObj *domain_list_find_name(DomainList *list, const char *name)
{
    GHashTableIter it;
    gpointer v;
    g_hash_table_iter_init(&it, list->by_uuid);
    while (g_hash_table_iter_next(&it, NULL, &v)) {
        DomainObj *dom = v;
        if (g_strcmp0(dom->def->name, name) == 0)
            return dom;
    }
    return NULL;
}

DomainObj *domain_list_find_id(DomainList *list, int id)
{
    GHashTableIter it;
    gpointer v;
    if (id <= 0)
        return NULL;
    g_hash_table_iter_init(&it, list->by_uuid);
    while (g_hash_table_iter_next(&it, NULL, &v)) {
        DomainObj *dom = v;
        if (dom->id == id)
            return dom;
    }
    return NULL;
}

DomainObj *domain_list_find_path_node(DomainList *list, const char *node)
{
    if (!node || strlen(node) != 36)
        return NULL;
    char uuid[37];
    memcpy(uuid, node, sizeof(uuid));
    g_strdelimit(uuid, "_", '-');
    return g_hash_table_lookup(list->by_uuid, uuid);
}

static gint compare_by_name(gconstpointer a, gconstpointer b)
{
    const DomainObj *x = *(DomainObj *const *)a, *y = *(DomainObj *const *)b;
    return strcmp(x->def->name, y->def->name);
}

GPtrArray *domain_list_snapshot(DomainList *list)
{
    GPtrArray *arr = g_ptr_array_new_with_free_func((GDestroyNotify)domain_obj_unref);
    GHashTableIter it;
    gpointer v;
    g_hash_table_iter_init(&it, list->by_uuid);
    while (g_hash_table_iter_next(&it, NULL, &v))
        g_ptr_array_add(arr, domain_obj_ref(v));
    g_ptr_array_sort(arr, compare_by_name);
    return arr;
}

guint domain_list_count_active(DomainList *list)
{
    guint n = 0;
    GHashTableIter it;
    gpointer v;
    g_hash_table_iter_init(&it, list->by_uuid);
    while (g_hash_table_iter_next(&it, NULL, &v))
        n += domain_obj_is_active(v) || ((DomainObj *)v)->job;
    return n;
}

DomainObj *domain_list_add(DomainList *list, DomainDef *def)
{
    DomainObj *dom = g_new0(DomainObj, 1);
    dom->ref = 1;
    dom->def = def;
    dom->path = domain_obj_path_for_uuid(def->uuid);
    dom->state = DOMAIN_STATE_SHUTOFF;
    dom->reason = DOMAIN_SHUTOFF_UNKNOWN;
    dom->id = -1;
    dom->stop_reason = -1;
    g_hash_table_insert(list->by_uuid, g_strdup(def->uuid), dom);
    return dom;
}

void domain_list_remove(DomainList *list, DomainObj *dom)
{
    dom->removed = TRUE;
    g_hash_table_remove(list->by_uuid, dom->def->uuid);
}

int domain_list_alloc_id(DomainList *list)
{
    int id = list->next_id++;
    if (list->next_id <= 0)
        list->next_id = 1;
    while (domain_list_find_id(list, id))
        id = list->next_id++;
    return id;
}

gboolean domain_obj_job_begin(DomainList *list, DomainObj *dom, guint timeout_ms,
                              GError **error)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)timeout_ms * 1000;
    while (dom->job) {
        if (!g_cond_wait_until(&list->cond, &list->lock, deadline) && dom->job) {
            g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_TIMEOUT,
                        _("Another operation on domain '%s' is still in progress"),
                        dom->def->name);
            return FALSE;
        }
    }
    if (dom->removed) {
        g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_NO_DOMAIN,
                    _("Domain '%s' no longer exists"), dom->def->name);
        return FALSE;
    }
    dom->job = TRUE;
    return TRUE;
}

void domain_obj_job_end(DomainList *list, DomainObj *dom)
{
    dom->job = FALSE;
    g_cond_broadcast(&list->cond);
}
