/* i18n.c - locale and text-domain set-up for Vessel programs. */
#include "config.h"

#include <locale.h>

#include "i18n.h"

void vessel_i18n_init(void)
{
    setlocale(LC_ALL, "");
    bindtextdomain(GETTEXT_PACKAGE, LOCALEDIR);
    bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
}
