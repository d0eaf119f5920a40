/* paths.c — output folders and joined file paths. */
#include "util/paths.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int gb_mkdir_p(const char *dir, gb_err *e)
{
    struct stat st;
    if (stat(dir, &st) == 0)
        return S_ISDIR(st.st_mode) ? 0 : gb_err_set(e, GB_EINPUT, dir, 0, 0, "not a folder");
    char *p = strdup(dir);
    if (!p) return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
    int rc = 0;
    for (char *q = p + 1;; q++) {
        if (*q != '/' && *q != '\0') continue;
        char c = *q;
        *q = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST) {
            /* a file in the way or a folder the user may not write to is the caller's input */
            int err = errno;
            int input = err == ENOTDIR || err == EACCES || err == EROFS || err == EPERM;
            rc = gb_err_set(e, input ? GB_EINPUT : GB_EINTERNAL, p, 0, 0,
                            "cannot create folder: %s", strerror(err));
            break;
        }
        *q = c;
        if (!c) break;
    }
    free(p);
    if (!rc && (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)))
        rc = gb_err_set(e, GB_EINPUT, dir, 0, 0, "cannot create folder (a file is in the way)");
    return rc;
}

char *gb_path_join(const char *dir, const char *stem, const char *suffix)
{
    size_t n = strlen(dir) + strlen(stem) + strlen(suffix) + 2;
    char *p = malloc(n);
    if (p) snprintf(p, n, "%s/%s%s", dir, stem, suffix);
    return p;
}
