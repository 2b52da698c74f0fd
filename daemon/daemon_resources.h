/* daemon_resources.h - prototypes of the GResource bundle generated from
 * vesseld.gresource.xml (the D-Bus introspection XML of data/dbus/). */
#ifndef VESSEL_DAEMON_RESOURCES_H
#define VESSEL_DAEMON_RESOURCES_H

#include <gio/gio.h>

G_GNUC_INTERNAL GResource *vesseld_resources_get_resource(void);
G_GNUC_INTERNAL void vesseld_resources_register_resource(void);
G_GNUC_INTERNAL void vesseld_resources_unregister_resource(void);

#endif
