/* csv.c — one CSV field, quoted when it must be. */
#include "classroom/csv.h"

#include <string.h>

int gb_csv_field(FILE *f, const char *s)
{
    size_t n = strlen(s);
    int quote = strpbrk(s, ",\"\r\n") != NULL ||
                (n > 0 && (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t'));
    if (!quote) return fputs(s, f) < 0 ? -1 : 0;
    if (putc('"', f) == EOF) return -1;
    for (const char *p = s; *p; p++) {
        if (*p == '"' && putc('"', f) == EOF) return -1;
        if (putc(*p, f) == EOF) return -1;
    }
    return putc('"', f) == EOF ? -1 : 0;
}
