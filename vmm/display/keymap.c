/* keymap.c - guest keyboard layouts for the VNC server (see keymap.h).
 *
 * libvirt names layouts as QEMU's keymap files do ("de", "fr-ch"); the
 * table below turns each into an xkb layout and variant.  The inverse
 * map is built once per VMM: for shift level 0, then 1, 2, ... over all
 * keycodes, every keysym not seen yet is bound to that key, so 'z' is
 * the key that types z unshifted, and '@' on a German layout the Q key
 * (level 2: AltGr, which the client sends itself as ISO_Level3_Shift).
 * xkb keycodes are Linux keycodes + 8.  Function and modifier keysyms
 * (>= 0xfe00) take the built-in table first: they are the same keys on
 * every layout, and xkb binds some (ISO_Level3_Shift) to virtual keys a
 * PC keyboard does not have.  Characters never fall back to US keys. */
#include "config.h"

#include "vmm/display/keymap.h"

#include "vmm/display/keysym.h"

#include <gio/gio.h>
#include <string.h>

#ifdef HAVE_XKBCOMMON
#include <xkbcommon/xkbcommon.h>
#endif

#define XKB_KEYCODE_OFFSET 8
#define KEYCODE_MAX 0x2ff

struct Keymap {
    GHashTable *codes;       /* keysym -> Linux keycode + 1; NULL: the built-in US table */
};

static const struct {
    const char *name, *layout, *variant;
} layouts[] = {
    { "ar", "ara", "" },      { "bepo", "fr", "bepo" }, { "cz", "cz", "" },
    { "da", "dk", "" },       { "de", "de", "" },       { "de-ch", "ch", "" },
    { "en-gb", "gb", "" },    { "en-us", "us", "" },    { "es", "es", "" },
    { "et", "ee", "" },       { "fi", "fi", "" },       { "fo", "fo", "" },
    { "fr", "fr", "" },       { "fr-be", "be", "" },    { "fr-ca", "ca", "" },
    { "fr-ch", "ch", "fr" },  { "hr", "hr", "" },       { "hu", "hu", "" },
    { "is", "is", "" },       { "it", "it", "" },       { "ja", "jp", "" },
    { "lt", "lt", "" },       { "lv", "lv", "" },       { "mk", "mk", "" },
    { "nl", "nl", "" },       { "nl-be", "be", "" },    { "no", "no", "" },
    { "pl", "pl", "" },       { "pt", "pt", "" },       { "pt-br", "br", "" },
    { "ru", "ru", "" },       { "sl", "si", "" },       { "sv", "se", "" },
    { "th", "th", "" },       { "tr", "tr", "" },
};

const char *const *keymap_names(void)
{
    static const char *names[G_N_ELEMENTS(layouts) + 1];
    for (size_t i = 0; i < G_N_ELEMENTS(layouts); i++)
        names[i] = layouts[i].name;
    return names;
}

#ifdef HAVE_XKBCOMMON
static void keymap_invert(GHashTable *codes, struct xkb_keymap *xkb)
{
    xkb_keycode_t min = xkb_keymap_min_keycode(xkb), max = xkb_keymap_max_keycode(xkb);
    xkb_level_index_t levels_max = 0;
    for (xkb_keycode_t kc = min; kc <= max; kc++)
        levels_max = MAX(levels_max, xkb_keymap_num_levels_for_key(xkb, kc, 0));
    for (xkb_level_index_t level = 0; level < levels_max; level++) {
        for (xkb_keycode_t kc = MAX(min, XKB_KEYCODE_OFFSET + 1); kc <= max; kc++) {
            unsigned code = kc - XKB_KEYCODE_OFFSET;
            if (code > KEYCODE_MAX)
                break;
            const xkb_keysym_t *syms;
            int n = xkb_keymap_key_get_syms_by_level(xkb, kc, 0, level, &syms);
            for (int i = 0; i < n; i++) {
                gpointer key = GUINT_TO_POINTER(syms[i]);
                if (syms[i] != XKB_KEY_NoSymbol && !g_hash_table_contains(codes, key))
                    g_hash_table_insert(codes, key, GUINT_TO_POINTER(code + 1));
            }
        }
    }
}
#endif

Keymap *keymap_new(const char *name, GError **error)
{
    size_t i = 0;
    while (i < G_N_ELEMENTS(layouts) && strcmp(layouts[i].name, name))
        i++;
    if (i == G_N_ELEMENTS(layouts)) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                    "unknown keymap '%s' (libvirt's names: de, fr, en-gb, ...)", name);
        return NULL;
    }
    Keymap *k = g_new0(Keymap, 1);
    if (!strcmp(name, "en-us"))
        return k; /* the built-in table */
#ifdef HAVE_XKBCOMMON
    struct xkb_context *ctx = xkb_context_new(XKB_CONTEXT_NO_ENVIRONMENT_NAMES);
    if (ctx) /* a missing layout is reported once, below */
        xkb_context_set_log_level(ctx, XKB_LOG_LEVEL_CRITICAL);
    struct xkb_rule_names names = { .rules = "evdev", .model = "pc105",
                                    .layout = layouts[i].layout,
                                    .variant = layouts[i].variant };
    struct xkb_keymap *xkb = ctx ? xkb_keymap_new_from_names(ctx, &names, 0) : NULL;
    if (xkb) {
        k->codes = g_hash_table_new(NULL, NULL);
        keymap_invert(k->codes, xkb);
        xkb_keymap_unref(xkb);
    }
    xkb_context_unref(ctx);
    if (k->codes)
        return k;
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                "keymap '%s': xkb layout '%s' not found (install xkb-data)", name,
                layouts[i].layout);
#else
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                "keymap '%s': this vessel-vmm was built without libxkbcommon (only en-us)", name);
#endif
    g_free(k);
    return NULL;
}

void keymap_free(Keymap *k)
{
    if (!k)
        return;
    if (k->codes)
        g_hash_table_destroy(k->codes);
    g_free(k);
}

int keymap_keycode(const Keymap *k, uint32_t keysym)
{
    if (!k || !k->codes)
        return keysym_to_keycode(keysym);
    if (keysym >= 0xfe00) {
        /* function and modifier keys: the same key on every layout (xkb
         * also puts ISO_Level3_Shift on a virtual key no PC has) */
        int code = keysym_to_keycode(keysym);
        if (code >= 0)
            return code;
    }
    gpointer v = g_hash_table_lookup(k->codes, GUINT_TO_POINTER(keysym));
    return v ? (int)GPOINTER_TO_UINT(v) - 1 : -1;
}
