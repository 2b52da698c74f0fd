/* daemon_log.c - vesseld's log lines (daemon_log.h). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon_log.h"

static gboolean log_journal;

/* Level word and syslog priority, by GLib level (the lowest bit set). */
static const struct {
    GLogLevelFlags level;
    const char *word;
    int priority;
} log_levels[] = {
    { G_LOG_LEVEL_ERROR, "error", 3 },
    { G_LOG_LEVEL_CRITICAL, "critical", 3 },
    { G_LOG_LEVEL_WARNING, "warning", 4 },
    { G_LOG_LEVEL_MESSAGE, "info", 5 },
    { G_LOG_LEVEL_INFO, "info", 6 },
    { G_LOG_LEVEL_DEBUG, "debug", 7 },
};

/* $JOURNAL_STREAM is "DEV:INODE" of the stream systemd connected; a
 * child that inherited the variable but not the stream is not logging
 * to the journal. */
static gboolean stderr_is_journal(void)
{
    const char *js = g_getenv("JOURNAL_STREAM");
    unsigned long long dev = 0, ino = 0;
    struct stat st;
    if (!js || sscanf(js, "%llu:%llu", &dev, &ino) != 2 || fstat(STDERR_FILENO, &st) < 0)
        return FALSE;
    return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

/* @message as one line: trailing newlines dropped, other control
 * characters but tab written as \xNN.  A message may carry what a
 * client sent (a path in a definition, an error of the VMM); a newline
 * in it would start a line of its own, under the journal with a "<N>"
 * priority of the client's choosing (journald's "<0>" is an emergency,
 * sent to every terminal). */
static char *one_line(const char *message)
{
    gsize len = strlen(message);
    while (len && (message[len - 1] == '\n' || message[len - 1] == '\r'))
        len--;
    GString *s = g_string_sized_new(len);
    for (gsize i = 0; i < len; i++) {
        guchar c = (guchar)message[i];
        if ((c < 0x20 && c != '\t') || c == 0x7f)
            g_string_append_printf(s, "\\x%02x", c);
        else
            g_string_append_c(s, (char)c);
    }
    return g_string_free(s, FALSE);
}

char *daemon_log_format(GLogLevelFlags level, const char *raw, gboolean journal)
{
    gsize i = 0;
    while (i + 1 < G_N_ELEMENTS(log_levels) && !(level & log_levels[i].level))
        i++;
    g_autofree char *message = one_line(raw);
    if (journal)
        return g_strdup_printf("<%d>%s\n", log_levels[i].priority, message);
    g_autoptr(GDateTime) now = g_date_time_new_now_local();
    g_autofree char *stamp = g_date_time_format(now, "%Y-%m-%dT%H:%M:%S");
    g_autofree char *zone = g_date_time_format(now, "%z");
    return g_strdup_printf("%s.%03d%s %s: %s\n", stamp,
                           g_date_time_get_microsecond(now) / 1000, zone,
                           log_levels[i].word, message);
}

/* One write(2) per line: lines of several threads never interleave. */
static void write_all(const char *s)
{
    gsize len = strlen(s);
    while (len > 0) {
        ssize_t n = write(STDERR_FILENO, s, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        s += n;
        len -= (gsize)n;
    }
}

static GLogWriterOutput log_writer(GLogLevelFlags level, const GLogField *fields,
                                   gsize n_fields, gpointer data)
{
    const char *domain = NULL, *message = NULL;
    for (gsize i = 0; i < n_fields; i++) {
        if (strcmp(fields[i].key, "MESSAGE") == 0 && fields[i].length < 0)
            message = fields[i].value;
        else if (strcmp(fields[i].key, "GLIB_DOMAIN") == 0 && fields[i].length < 0)
            domain = fields[i].value;
    }
    if (g_log_writer_default_would_drop(level, domain))
        return G_LOG_WRITER_HANDLED;
    g_autofree char *line = daemon_log_format(level, message ? message : "", log_journal);
    write_all(line);
    return G_LOG_WRITER_HANDLED;
}

void daemon_log_init(void)
{
    log_journal = stderr_is_journal();
    g_log_set_writer_func(log_writer, NULL, NULL);
}

gboolean daemon_log_to_journal(void)
{
    return log_journal;
}

void daemon_log_fatal(const char *raw)
{
    g_autofree char *message = one_line(raw);
    g_autofree char *line = g_strdup_printf("%svesseld: %s\n", log_journal ? "<3>" : "",
                                            message);
    write_all(line);
}
