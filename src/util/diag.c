/* diag.c — first-error records with file:line:column locations. */
#include "util/diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int gb_err_set(gb_err *e, int code, const char *file, unsigned line, unsigned col,
               const char *fmt, ...)
{
    if (!e || e->code != GB_OK) return code;
    e->code = code;
    size_t n = 0;
    if (file) {
        if (line && col)
            n = (size_t)snprintf(e->msg, sizeof e->msg, "%s:%u:%u: ", file, line, col);
        else if (line)
            n = (size_t)snprintf(e->msg, sizeof e->msg, "%s:%u: ", file, line);
        else
            n = (size_t)snprintf(e->msg, sizeof e->msg, "%s: ", file);
        if (n >= sizeof e->msg) n = sizeof e->msg - 1;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg + n, sizeof e->msg - n, fmt, ap);
    va_end(ap);
    return code;
}

void gb_err_clear(gb_err *e)
{
    if (!e) return;
    e->code = GB_OK;
    e->msg[0] = '\0';
}

void gb_err_print(const gb_err *e)
{
    if (e && e->code != GB_OK) fprintf(stderr, "gradbook: %s\n", e->msg);
}

void gb_warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("gradbook: warning: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}
