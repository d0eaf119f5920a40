/* diag.h — diagnostics: the first error of an operation, with its location and exit code.
 *
 * Modules that read user input (parameters, chapters, templates, rosters) report into a gb_err
 * instead of printing; main() prints the message and exits with the code. Messages name the place
 * as "file:line:column: " (line and column 1-based; 0 = unknown, then omitted). */
#ifndef GB_DIAG_H
#define GB_DIAG_H

#include <stddef.h>

/* Exit codes (DEVELOPERS.md): 0 success, 1 internal or library failure, 2 bad input or usage. */
enum { GB_OK = 0, GB_EINTERNAL = 1, GB_EINPUT = 2 };

typedef struct gb_err {
    int code;        /* GB_OK until the first error is set */
    char msg[1024];  /* "file:line:column: message", NUL-terminated */
} gb_err;

/* Records an error in e unless one is already recorded (the first error wins: later ones are
 * usually consequences). file may be NULL; line/col 0 are omitted. Returns code, so callers can
 * write `return gb_err_set(e, GB_EINPUT, path, 3, 7, "expected a number, got '%s'", s);`.
 * e may be NULL (then only the code is returned). */
int gb_err_set(gb_err *e, int code, const char *file, unsigned line, unsigned col,
               const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Clears e to GB_OK. */
void gb_err_clear(gb_err *e);

/* Prints "gradbook: <msg>" to stderr. */
void gb_err_print(const gb_err *e);

/* Prints "gradbook: warning: <formatted>" to stderr. */
void gb_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
