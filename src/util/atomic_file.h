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

#include <stdio.h>

/* Writes tmp_path (a path that does not exist yet); returns 0 on success, or a GB_E* code after
 * setting e. */
typedef int (*gb_file_writer)(const char *tmp_path, void *ctx, gb_err *e);

/* Calls writer on "<dir>/.<base>.tmp-<pid>-<n>" (created exclusively, empty) and renames it to
 * path on success; a missing destination folder is created first. Returns 0, GB_EINPUT (path is a folder, or a component
 * of its folder is a file), GB_EINTERNAL (cannot create, write or rename: the message names the
 * path and errno text) or whatever the writer returned. */
int gb_atomic_write(const char *path, gb_file_writer writer, void *ctx, gb_err *e);

/* Writes the content to f (a stream open for binary writing, owned by the caller of the
 * writer: not to be closed); returns 0 on success, -1 after a failed write to f (errno as the
 * failing call left it), or a GB_E* code after setting e (the content is not valid). */
typedef int (*gb_stream_writer)(FILE *f, void *ctx, gb_err *e);

/* gb_atomic_write with the file opened as a stdio stream ("wb") for fn and closed after it.
 * Returns 0, the errors of gb_atomic_write, GB_EINTERNAL "<tmp>: cannot open: <errno text>"
 * (the temporary file cannot be opened), GB_EINTERNAL "<tmp>: write failed: <errno text>"
 * (fn returned -1, or the stream holds an error or cannot be closed after fn returned 0) or
 * the code fn returned. */
int gb_atomic_write_stream(const char *path, gb_stream_writer fn, void *ctx, gb_err *e);

#endif
