/* program.c - locating helper programs (see program.h). */
#include "config.h"

#include <unistd.h>

#include "netbridge/program.h"

char *netbridge_program_find(const char *env_var, const char *name)
{
    static const char *const sbin_dirs[] = { "/usr/sbin", "/sbin" };
    const char *env = env_var ? g_getenv(env_var) : NULL;
    char *found;

    if (env && *env)
        return g_strdup(env);
    if ((found = g_find_program_in_path(name)))
        return found;
    for (guint i = 0; i < G_N_ELEMENTS(sbin_dirs); i++) {
        g_autofree char *path = g_build_filename(sbin_dirs[i], name, NULL);
        if (access(path, X_OK) == 0)
            return g_steal_pointer(&path);
    }
    return g_strdup(name);
}
