/* program.h - private: finding the helper programs netbridge runs.
 *
 * An environment variable overrides (e.g. NETBRIDGE_NFT=/path/to/nft),
 * else the name is looked up on PATH, then in /usr/sbin and /sbin (which
 * are not on every user's PATH). */
#ifndef VESSEL_NETBRIDGE_PROGRAM_H
#define VESSEL_NETBRIDGE_PROGRAM_H

#include <glib.h>

/* Never NULL: falls back to the bare @name so the spawn error names it. */
char *netbridge_program_find(const char *env_var, const char *name);

#endif
