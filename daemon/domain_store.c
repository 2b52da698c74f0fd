/* domain_store.c - definitions, autostart links and status files. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "daemon_error.h"
#include "def_store.h"
#include "domain_store.h"
#include "fileutil.h"
#include "i18n.h"

#define KIND "domains"

char *domain_store_config_path(const DaemonConfig *cfg, const char *name)
{
    return def_store_path(cfg, KIND, name);
}

char *domain_store_autostart_path(const DaemonConfig *cfg, const char *name)
{
    return def_store_autostart_path(cfg, KIND, name);
}

char *domain_store_status_path(const DaemonConfig *cfg, const char *uuid)
{
    g_autofree char *file = g_strconcat(uuid, ".xml", NULL);
    return g_build_filename(cfg->run_dir, "domains", file, NULL);
}

char *domain_store_runtime_dir(const DaemonConfig *cfg, const char *uuid)
{
    return g_build_filename(cfg->run_dir, "domains", uuid, NULL);
}

char *domain_store_log_path(const DaemonConfig *cfg, const char *name)
{
    g_autofree char *file = g_strconcat(name, ".log", NULL);
    return g_build_filename(cfg->log_dir, "domains", file, NULL);
}

char *domain_store_socket_path(const DaemonConfig *cfg, const DomainDef *def,
                               const char *kind)
{
    return g_build_filename(cfg->run_dir, "domains", def->uuid, kind, NULL);
}

gboolean domain_store_save_config(const DaemonConfig *cfg, const DomainDef *def,
                                  GError **error)
{
    g_autofree char *xml = domain_def_format(def);
    return def_store_save(cfg, KIND, def->name, xml, error);
}

gboolean domain_store_delete_config(const DaemonConfig *cfg, const char *name,
                                    GError **error)
{
    return def_store_delete(cfg, KIND, name, error);
}

gboolean domain_store_set_autostart(const DaemonConfig *cfg, const char *name,
                                    gboolean on, uid_t owner, gid_t group, GError **error)
{
    return def_store_set_autostart_owned(cfg, KIND, name, on, owner, group, error);
}

gboolean domain_store_get_autostart(const DaemonConfig *cfg, const char *name)
{
    return def_store_get_autostart(cfg, KIND, name);
}

GPtrArray *domain_store_load_configs(const DaemonConfig *cfg)
{
    g_autoptr(GPtrArray) files = def_store_list(cfg, KIND);
    GPtrArray *defs = g_ptr_array_new_with_free_func((GDestroyNotify)domain_def_free);

    for (guint i = 0; i < files->len; i++) {
        const char *path = files->pdata[i];
        g_autoptr(GError) err = NULL;
        g_autoptr(DomainDef) def = domain_def_parse_file(path, DOMAIN_PARSE_DEFAULT, &err);
        if (!def) {
            g_warning(_("Ignoring domain definition %s: %s"), path, err->message);
            continue;
        }
        g_autofree char *base = g_path_get_basename(path);
        g_autofree char *expect = g_strconcat(def->name, ".xml", NULL);
        if (strcmp(base, expect) != 0) {
            g_warning(_("Ignoring domain definition %s: it defines '%s'"), path, def->name);
            continue;
        }
        g_ptr_array_add(defs, g_steal_pointer(&def));
    }
    return defs;
}

gboolean domain_store_save_status(const DaemonConfig *cfg, const DomainObj *dom,
                                  GError **error)
{
    g_autofree char *path = domain_store_status_path(cfg, dom->def->uuid);
    g_autofree char *xml = domain_def_format(dom->def);
    g_autofree char *taps = dom->taps ? g_strjoinv(" ", dom->taps) : g_strdup("");
    g_autoptr(GString) s = g_string_new(NULL);
    g_string_append_printf(s,
        "<domstatus state='%s' reason='%d' id='%d' pid='%d' pid_start='%" G_GUINT64_FORMAT
        "' start_time='%" G_GINT64_FORMAT "' persistent='%s' taps='%s' vmm_id='%u'"
        " owner='%u'>\n",
        domain_state_to_string(dom->state), dom->reason, dom->id, (int)dom->pid,
        dom->pid_start, dom->start_time, dom->persistent ? "yes" : "no", taps,
        (unsigned)dom->vmm_id, dom->owner ? (unsigned)dom->owner->uid : 0u);
    g_string_append(s, xml);
    g_string_append(s, "</domstatus>\n");
    return vessel_file_write_atomic(path, s->str, s->len, 0600, error);
}

static gint64 prop_i64(xmlNodePtr node, const char *name, gint64 dflt)
{
    xmlChar *v = xmlGetProp(node, (const xmlChar *)name);
    if (!v)
        return dflt;
    gint64 r = g_ascii_strtoll((const char *)v, NULL, 10);
    xmlFree(v);
    return r;
}

static gboolean status_error(GError **error, const char *path, const char *what)
{
    g_set_error(error, DAEMON_ERROR, DAEMON_ERROR_INTERNAL,
                _("Bad status file %s: %s"), path, what);
    return FALSE;
}

DomainStatus *domain_store_read_status(const char *path, GError **error)
{
    g_autofree char *data = NULL;
    gsize len = 0;
    if (!g_file_get_contents(path, &data, &len, error))
        return NULL;

    xmlDocPtr doc = xmlReadMemory(data, (int)len, path, NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    if (!root || xmlStrcmp(root->name, (const xmlChar *)"domstatus") != 0) {
        if (doc)
            xmlFreeDoc(doc);
        status_error(error, path, _("not a <domstatus> document"));
        return NULL;
    }

    g_autoptr(DomainStatus) st = g_new0(DomainStatus, 1);
    xmlChar *state = xmlGetProp(root, (const xmlChar *)"state");
    st->state = domain_state_from_string((const char *)state);
    xmlFree(state);
    st->reason = prop_i64(root, "reason", 0);
    st->id = prop_i64(root, "id", -1);
    st->pid = prop_i64(root, "pid", 0);
    st->pid_start = prop_i64(root, "pid_start", 0);
    st->start_time = prop_i64(root, "start_time", 0);
    st->vmm_id = (guint32)prop_i64(root, "vmm_id", 0);
    st->owner = (uid_t)prop_i64(root, "owner", 0);
    xmlChar *pers = xmlGetProp(root, (const xmlChar *)"persistent");
    st->persistent = pers && xmlStrcmp(pers, (const xmlChar *)"yes") == 0;
    xmlFree(pers);
    xmlChar *taps = xmlGetProp(root, (const xmlChar *)"taps");
    st->taps = g_strsplit(taps ? (const char *)taps : "", " ", -1);
    xmlFree(taps);

    xmlNodePtr dnode = root->children;
    while (dnode && !(dnode->type == XML_ELEMENT_NODE &&
                      xmlStrcmp(dnode->name, (const xmlChar *)"domain") == 0))
        dnode = dnode->next;
    g_autoptr(GError) perr = NULL;
    if (dnode) {
        xmlBufferPtr buf = xmlBufferCreate();
        xmlNodeDump(buf, doc, dnode, 0, 0);
        st->def = domain_def_parse((const char *)xmlBufferContent(buf),
                                   DOMAIN_PARSE_DEFAULT, &perr);
        xmlBufferFree(buf);
    }
    xmlFreeDoc(doc);
    if (st->state < 0 || st->pid <= 0 || !st->def) {
        status_error(error, path, perr ? perr->message : _("missing state, pid or domain"));
        return NULL;
    }
    return g_steal_pointer(&st);
}

gboolean domain_store_delete_status(const DaemonConfig *cfg, const char *uuid,
                                    GError **error)
{
    g_autofree char *path = domain_store_status_path(cfg, uuid);
    return vessel_file_remove_durable(path, error);
}

GPtrArray *domain_store_list_status(const DaemonConfig *cfg)
{
    g_autofree char *dir = g_build_filename(cfg->run_dir, "domains", NULL);
    return def_store_list_dir(dir);
}

void domain_status_free(DomainStatus *st)
{
    if (!st)
        return;
    domain_def_free(st->def);
    g_strfreev(st->taps);
    g_free(st);
}

guint64 domain_store_proc_start_time(pid_t pid)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/stat", (int)pid);
    g_autofree char *data = NULL;
    if (pid <= 0 || !g_file_get_contents(path, &data, NULL, NULL))
        return 0;
    /* comm (field 2) may contain spaces and parens: start after the last ')' */
    const char *p = strrchr(data, ')');
    if (!p)
        return 0;
    p++;
    /* fields 3..22: state is field 3, starttime field 22 */
    for (int field = 3; field < 22 && *p; field++) {
        while (*p == ' ')
            p++;
        while (*p && *p != ' ')
            p++;
    }
    while (*p == ' ')
        p++;
    /* a zombie still has a stat file: treat it as gone */
    const char *st = strrchr(data, ')') + 2;
    if (*st == 'Z' || *st == 'X')
        return 0;
    return g_ascii_strtoull(p, NULL, 10);
}
