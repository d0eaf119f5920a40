/* readfile.h — reading a whole input file safely: only regular files (a FIFO, a device such as
 * /dev/zero or a folder is refused at once instead of blocking or reading forever), up to a
 * size limit. */
#ifndef GB_READFILE_H
#define GB_READFILE_H

#include "util/diag.h"

#include <stddef.h>

/* Reads path into a malloc'ed, NUL-terminated buffer (*out, caller frees; *len bytes without
 * the NUL). GB_EINPUT naming the path when it cannot be opened, is not a regular file ("a folder,
 * not a file", "not a regular file"), or is larger than max bytes; GB_EINTERNAL when out of
 * memory or a read fails. */
int gb_read_file(const char *path, size_t max, char **out, size_t *len, gb_err *e);

#endif
