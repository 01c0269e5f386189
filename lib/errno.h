/*
 * lib/errno.h - error numbers.  Functions that a caller can recover from
 * return these negated (-ENOMEM); the values match Linux so that payload
 * authors recognise them.  The payload SDK re-exports the same numbers.
 */
#ifndef LIB_ERRNO_H
#define LIB_ERRNO_H

#define EPERM    1
#define ENOENT   2
#define EIO      5
#define E2BIG    7
#define ENOEXEC  8
#define EAGAIN  11
#define ENOMEM  12
#define EFAULT  14
#define EBUSY   16
#define EEXIST  17
#define EINVAL  22
#define ENOSPC  28
#define ERANGE  34
#define ENOSYS  38
#define ENOTSUP 95

/* Returns a static name such as "ENOMEM" for err (positive or negative). */
const char *errno_name(int err);

#endif
