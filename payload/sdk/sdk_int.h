/*
 * payload/sdk/sdk_int.h - what the SDK's C files share (not for payloads).
 */
#ifndef EFIMM_SDK_INT_H
#define EFIMM_SDK_INT_H

#include "efimm.h"

/* efimm's call table, set by sdk_start before main runs. */
extern const struct efimm_api *sdk_api;

/* The slot `name` of the running efimm's table, or NULL if the table is
 * too old to have it or efimm left it empty. */
#define SDK_SLOT(name)                                                   \
	(sdk_api->size >= offsetof(struct efimm_api, name) +             \
	 sizeof(sdk_api->name) ? sdk_api->name : NULL)

#endif
