/* atomic_file.h — write an output file whole or not at all.
 *
 * The content is written to a temporary file in the same directory (so rename(2) is atomic) and
 * renamed over the destination only when the writer succeeded; on failure the temporary file is
 * removed and an existing destination is left untouched (DEVELOPERS.md: nothing is lost). An
 * interrupt (SIGINT, SIGTERM, SIGHUP, unless the caller ignores it) removes the temporary files
 * being written before the process ends as the signal would end it (up to 64 at once). */
#ifndef GB_ATOMIC_FILE_H
#define GB_ATOMIC_FILE_H

#include "util/diag.h"

/* Writes tmp_path (a path that does not exist yet); returns 0 on success, or a GB_E* code after
 * setting e. */
typedef int (*gb_file_writer)(const char *tmp_path, void *ctx, gb_err *e);

/* Calls writer on "<dir>/.<base>.tmp-<pid>-<n>" (created exclusively, empty) and renames it to
 * path on success; a missing destination folder is created first. Returns 0, GB_EINPUT (path is a folder, or a component
 * of its folder is a file), GB_EINTERNAL (cannot create, write or rename: the message names the
 * path and errno text) or whatever the writer returned. */
int gb_atomic_write(const char *path, gb_file_writer writer, void *ctx, gb_err *e);

#endif
