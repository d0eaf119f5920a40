/* atomic_file.c — temporary file in the destination's directory, then rename. */
#include "util/atomic_file.h"

#include "util/paths.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int gb_atomic_write(const char *path, gb_file_writer writer, void *ctx, gb_err *e)
{
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return gb_err_set(e, GB_EINPUT, path, 0, 0, "is a folder; give a file name");
    size_t n = strlen(path);
    char *tmp = malloc(n + 32);
    if (!tmp) return gb_err_set(e, GB_EINTERNAL, path, 0, 0, "out of memory");
    const char *slash = strrchr(path, '/');
    size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
    memcpy(tmp, path, dirlen);
    if (dirlen > 1) {
        /* The destination's folder is made when missing, as `mkdir -p` would. */
        tmp[dirlen - 1] = '\0';
        int rc = gb_mkdir_p(tmp, e);
        if (rc) { free(tmp); return rc; }
        tmp[dirlen - 1] = '/';
    }
    snprintf(tmp + dirlen, n + 32 - dirlen, ".%s.tmp-XXXXXX", path + dirlen);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        int err = errno;
        free(tmp);
        return gb_err_set(e, GB_EINTERNAL, path, 0, 0, "cannot create a temporary file: %s",
                          strerror(err));
    }
    /* mkstemp makes the file 0600; an output file gets the usual 0666 less the umask. The umask
     * is read once (reading it means setting it), before any worker thread starts writing. */
    static mode_t mask = (mode_t)-1;
    if (mask == (mode_t)-1) { mask = umask(022); umask(mask); }
    if (fchmod(fd, 0666 & ~mask) != 0) { /* keep 0600: still a complete, correct file */ }
    close(fd);
    /* The writer gets a path that exists and is empty; libharu and fopen(…, "wb") truncate it. */
    int rc = writer(tmp, ctx, e);
    if (rc == 0 && rename(tmp, path) != 0)
        rc = gb_err_set(e, GB_EINTERNAL, path, 0, 0, "cannot rename %s: %s", tmp, strerror(errno));
    if (rc != 0) unlink(tmp);
    free(tmp);
    return rc;
}

struct bytes { const void *data; size_t len; };

static int write_bytes(const char *tmp, void *ctx, gb_err *e)
{
    const struct bytes *b = ctx;
    FILE *f = fopen(tmp, "wb");
    if (!f) return gb_err_set(e, GB_EINTERNAL, tmp, 0, 0, "cannot open: %s", strerror(errno));
    int ok = fwrite(b->data, 1, b->len, f) == b->len;
    ok = (fclose(f) == 0) && ok;
    return ok ? 0 : gb_err_set(e, GB_EINTERNAL, tmp, 0, 0, "write failed: %s", strerror(errno));
}

int gb_atomic_write_bytes(const char *path, const void *data, size_t len, gb_err *e)
{
    struct bytes b = {data, len};
    return gb_atomic_write(path, write_bytes, &b, e);
}
