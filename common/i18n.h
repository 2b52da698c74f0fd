/* i18n.h - gettext glue shared by every Vessel program and library.
 *
 * Programs call vessel_i18n_init() once at start; everything else just
 * uses _() for translatable text and N_() for text marked in tables. */
#ifndef VESSEL_I18N_H
#define VESSEL_I18N_H

#include <libintl.h>

#define _(s) dgettext(GETTEXT_PACKAGE, s)
#define N_(s) (s)

/* Bind the text domain and set the locale from the environment. */
void vessel_i18n_init(void);

#endif
