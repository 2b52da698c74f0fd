/* domain_obj.c - DomainObj reference counting and the DomainList. */
#include "config.h"

#include <string.h>
#include <unistd.h>

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
    daemon_caller_free(dom->owner);
    vmm_log_abandon(dom->vmm_log);     /* the daemon exits, the VMM runs on */
    vmm_watch_free(dom->events);

    if (dom->pidfd >= 0)
        close(dom->pidfd);
    g_free(dom->path);
    g_free(dom);
}

char *domain_obj_path_for_uuid(const char *uuid)
{
    return obj_registry_path_for_uuid(DOMAIN_PATH_PREFIX, uuid);
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

static const char *domain_obj_name(gconstpointer obj)
{
    return ((const DomainObj *)obj)->def->name;
}

static const char *domain_obj_path(gconstpointer obj)
{
    return ((const DomainObj *)obj)->path;
}

DomainList *domain_list_new(void)
{
    DomainList *list = g_new0(DomainList, 1);
    obj_registry_init(&list->reg, domain_obj_name, domain_obj_path,
                      (ObjRefFunc)domain_obj_ref,
                      (GDestroyNotify)domain_obj_unref);
    g_cond_init(&list->cond);
    list->next_id = 1;
    return list;
}

void domain_list_free(DomainList *list)
{
    if (!list)
        return;
    obj_registry_clear(&list->reg);
    g_cond_clear(&list->cond);
    g_free(list);
}

void domain_list_lock(DomainList *list)
{
    g_mutex_lock(&list->reg.lock);
}

void domain_list_unlock(DomainList *list)
{
    g_mutex_unlock(&list->reg.lock);
}

DomainObj *domain_list_find_uuid(DomainList *list, const char *uuid)
{
    return obj_registry_find_uuid(&list->reg, uuid);
}

DomainObj *domain_list_find_name(DomainList *list, const char *name)
{
    return obj_registry_find_name(&list->reg, name);
}

DomainObj *domain_list_find_id(DomainList *list, int id)
{
    GHashTableIter it;
    gpointer v;
    if (id <= 0)
        return NULL;
    g_hash_table_iter_init(&it, list->reg.by_uuid);
    while (g_hash_table_iter_next(&it, NULL, &v)) {
        DomainObj *dom = v;
        if (dom->id == id)
            return dom;
    }
    return NULL;
}

DomainObj *domain_list_find_path_node(DomainList *list, const char *node)
{
    return obj_registry_find_path_node(&list->reg, node);
}

GPtrArray *domain_list_snapshot(DomainList *list)
{
    return obj_registry_snapshot(&list->reg);
}

guint domain_list_count_active(DomainList *list)
{
    guint n = 0;
    GHashTableIter it;
    gpointer v;
    g_hash_table_iter_init(&it, list->reg.by_uuid);
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
    dom->pidfd = -1;
    dom->stop_reason = -1;
    obj_registry_insert(&list->reg, def->uuid, dom);
    return dom;
}

void domain_list_remove(DomainList *list, DomainObj *dom)
{
    dom->removed = TRUE;
    obj_registry_remove(&list->reg, dom->def->uuid);
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
        if (!g_cond_wait_until(&list->cond, &list->reg.lock, deadline) && dom->job) {
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

GHashTable *domain_list_vmm_ids(DomainList *list)
{
    GHashTable *ids = g_hash_table_new(NULL, NULL);
    g_autoptr(GPtrArray) all = domain_list_snapshot(list);
    for (guint i = 0; i < all->len; i++) {
        const DomainObj *dom = all->pdata[i];
        if (dom->vmm_id)
            g_hash_table_add(ids, GUINT_TO_POINTER(dom->vmm_id));
    }
    return ids;
}
