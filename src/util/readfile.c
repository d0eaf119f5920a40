/* readfile.c — whole regular files, bounded. */
#include "util/readfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int gb_read_file(const char *path, size_t max, char **out, size_t *len, gb_err *e)
{
    *out = NULL;
    *len = 0;
    /* O_NONBLOCK: opening a FIFO with no writer must not wait. */
    int fd = open(path, O_RDONLY | O_NONBLOCK);
    if (fd < 0) return gb_err_set(e, GB_EINPUT, path, 0, 0, "cannot open: %s", strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int err = errno;
        close(fd);
        return gb_err_set(e, GB_EINPUT, path, 0, 0, "cannot open: %s", strerror(err));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return gb_err_set(e, GB_EINPUT, path, 0, 0, "%s",
                          S_ISDIR(st.st_mode) ? "a folder, not a file" : "not a regular file");
    }
    if ((unsigned long long)st.st_size > max) {
        close(fd);
        return gb_err_set(e, GB_EINPUT, path, 0, 0, "is larger than %zu bytes", max);
    }
    size_t cap = (size_t)st.st_size + 1;
    char *buf = malloc(cap);
    if (!buf) {
        close(fd);
        return gb_err_set(e, GB_EINTERNAL, path, 0, 0, "out of memory");
    }
    size_t n = 0;
    for (;;) {
        ssize_t k = read(fd, buf + n, cap - 1 - n);
        if (k < 0) {
            if (errno == EINTR) continue;
            int err = errno;
            free(buf);
            close(fd);
            return gb_err_set(e, GB_EINTERNAL, path, 0, 0, "cannot read: %s", strerror(err));
        }
        if (k == 0) break;
        n += (size_t)k;
        if (n == cap - 1) break;   /* the file grew while being read: take what stat said */
    }
    close(fd);
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return 0;
}
