/* paths.h — output folders and file paths: creating the folder a command writes into, and
 * joining a folder, a file stem and a suffix. Shared by the commands that write many files. */
#ifndef GB_PATHS_H
#define GB_PATHS_H

#include "util/diag.h"

/* Creates dir and its missing parents (mkdir -p, mode 0777 less the umask). Returns 0 when dir
 * is (now) a folder; GB_EINPUT when dir or a parent exists and is not a folder, or a folder may
 * not be created there (permission, read-only file system); GB_EINTERNAL for other failures (the
 * message names the folder and the reason). */
int gb_mkdir_p(const char *dir, gb_err *e);

/* "dir/stem suffix" as a new string (caller frees), or NULL when out of memory. stem must be a
 * safe file stem (classroom/filename.h), never raw user text. */
char *gb_path_join(const char *dir, const char *stem, const char *suffix);

#endif
