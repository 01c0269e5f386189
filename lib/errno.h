/*
 * lib/errno.h - error numbers.  Functions that a caller can recover from
 * return these negated (-ENOMEM); the values match Linux so that payload
 * authors recognise them; payloads see the same numbers (efimm_abi.h).
 */
#ifndef LIB_ERRNO_H
#define LIB_ERRNO_H

/* The values are the payload ABI's, defined once there. */
#include "../payload/sdk/efimm_abi.h"

/* Returns a static name such as "ENOMEM" for err (positive or negative). */
const char *errno_name(int err);

#endif
