/* vsh-table.c - virsh's table layout: every cell printed as " %s", every
 * column but the last padded to its widest cell + 2, a dash line as wide
 * as the table.  Widths count characters, not bytes. */
#include "config.h"

#include <stdarg.h>
#include <string.h>

#include "vsh.h"

struct VshTable {
    GPtrArray *rows;   /* GStrv, row 0 the header */
    guint ncols;
};

static GStrv vsh_table_collect(const char *first, va_list ap)
{
    g_autoptr(GPtrArray) cells = g_ptr_array_new();

    for (const char *c = first; c; c = va_arg(ap, const char *))
        g_ptr_array_add(cells, g_strdup(c));
    g_ptr_array_add(cells, NULL);
    return (GStrv)g_ptr_array_free(g_steal_pointer(&cells), FALSE);
}

VshTable *vsh_table_new(const char *first_header, ...)
{
    VshTable *t = g_new0(VshTable, 1);
    va_list ap;
    GStrv row;

    va_start(ap, first_header);
    row = vsh_table_collect(first_header, ap);
    va_end(ap);
    t->rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
    t->ncols = g_strv_length(row);
    g_ptr_array_add(t->rows, row);
    return t;
}

void vsh_table_add_row(VshTable *t, const char *first_cell, ...)
{
    va_list ap;
    GStrv row;

    va_start(ap, first_cell);
    row = vsh_table_collect(first_cell, ap);
    va_end(ap);
    g_return_if_fail(g_strv_length(row) == t->ncols);
    g_ptr_array_add(t->rows, row);
}

static void vsh_table_cell(GString *line, const char *cell, gsize width, gboolean last)
{
    g_string_append_printf(line, " %s", cell);
    if (!last)
        for (gsize n = g_utf8_strlen(cell, -1); n < width + 2; n++)
            g_string_append_c(line, ' ');
}

void vsh_table_print(VshTable *t, FILE *out, gboolean quiet)
{
    g_autofree gsize *width = g_new0(gsize, t->ncols);
    gsize total = 0;

    for (guint r = 0; r < t->rows->len; r++) {
        GStrv row = g_ptr_array_index(t->rows, r);
        for (guint c = 0; c < t->ncols; c++)
            width[c] = MAX(width[c], (gsize)g_utf8_strlen(row[c], -1));
    }
    for (guint r = quiet ? 1 : 0; r < t->rows->len; r++) {
        GStrv row = g_ptr_array_index(t->rows, r);
        g_autoptr(GString) line = g_string_new(NULL);
        for (guint c = 0; c < t->ncols; c++)
            vsh_table_cell(line, row[c], width[c], c + 1 == t->ncols);
        fprintf(out, "%s\n", line->str);
        if (r == 0) {
            /* dashes as wide as the widest line of the table */
            for (guint c = 0; c < t->ncols; c++)
                total += 1 + width[c] + (c + 1 == t->ncols ? 0 : 2);
            for (gsize i = 0; i < total + 2; i++)
                fputc('-', out);
            fputc('\n', out);
        }
    }
}

void vsh_table_free(VshTable *t)
{
    if (!t)
        return;
    g_ptr_array_unref(t->rows);
    g_free(t);
}
