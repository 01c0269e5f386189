/*
 * tools/efimm-replay.h - the parts of tools/efimm-replay that use the C
 * library's own headers (errno's names clash with lib/errno.h's).
 */
#ifndef TOOLS_EFIMM_REPLAY_H
#define TOOLS_EFIMM_REPLAY_H

#include <stddef.h>
#include <stdint.h>

/*
 * The whole file at path (at most max bytes) in a malloc'd buffer, *len
 * its size; NULL with the reason in why (whylen bytes) if it cannot be
 * opened, read, or is too large.
 */
uint8_t *replay_load(const char *path, size_t max, size_t *len, char *why,
		     size_t whylen);

#endif
