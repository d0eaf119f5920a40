/* filename.c — the documented rule (filename.h) turning a student ID into a safe file name that
 * keeps letters of every script. */
#include "classroom/filename.h"

#include "util/diag.h"
#include "util/utf8.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct cp_range { uint32_t lo, hi; } cp_range;

/* Ranges >= U+00C0 that hold no letters, digits or marks worth keeping (filename.h lists why). */
static const cp_range not_letters[] = {
    {0x00D7, 0x00D7}, {0x00F7, 0x00F7}, {0x037E, 0x037E}, {0x0387, 0x0387},
    {0x05BE, 0x05BE}, {0x05C0, 0x05C0}, {0x05C3, 0x05C3}, {0x05C6, 0x05C6}, {0x05F3, 0x05F4},
    {0x0600, 0x0605}, {0x060C, 0x060C}, {0x061B, 0x061C}, {0x061F, 0x061F}, {0x066A, 0x066D},
    {0x06D4, 0x06D4}, {0x06DD, 0x06DD}, {0x0964, 0x0965},
    {0x115F, 0x1160}, {0x1680, 0x1680}, {0x180E, 0x180E},
    {0x2000, 0x2BFF}, {0x2E00, 0x2E7F},
    {0x3000, 0x3004}, {0x3008, 0x3030}, {0x3036, 0x303A}, {0x303D, 0x303F}, {0x3164, 0x3164},
    {0xD800, 0xDFFF}, {0xE000, 0xF8FF}, {0xFDD0, 0xFDEF}, {0xFE10, 0xFE1F}, {0xFE30, 0xFE6F},
    {0xFEFF, 0xFEFF}, {0xFF00, 0xFF0F}, {0xFF1A, 0xFF20}, {0xFF3B, 0xFF40}, {0xFF5B, 0xFF65},
    {0xFFA0, 0xFFA0}, {0xFFE0, 0xFFFF},
    {0x1D100, 0x1D1FF}, {0x1F000, 0x1FBFF}, {0xE0000, 0xE007F}, {0xF0000, 0x10FFFF},
};

/* 1 when cp is kept in a file name (rule 1 of filename.h). */
static int is_kept(uint32_t cp)
{
    if (cp < 0x80)
        return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9') ||
               cp == '-' || cp == '_';
    if (cp < 0xC0) return cp == 0xAA || cp == 0xB5 || cp == 0xBA;
    for (size_t i = 0; i < sizeof not_letters / sizeof not_letters[0]; i++)
        if (cp >= not_letters[i].lo && cp <= not_letters[i].hi) return 0;
    return 1;
}

static int ascii_lower(int c) { return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c; }

int gb_filename_casecmp(const char *a, const char *b)
{
    for (;; a++, b++) {
        int x = ascii_lower((unsigned char)*a), y = ascii_lower((unsigned char)*b);
        if (x != y || !x) return x - y;
    }
}

/* Rule 6: the device names Windows reserves. */
static int is_windows_reserved(const char *s)
{
    static const char *const fixed[] = {"CON", "PRN", "AUX", "NUL"};
    for (size_t i = 0; i < 4; i++)
        if (!gb_filename_casecmp(s, fixed[i])) return 1;
    if (strlen(s) == 4 && s[3] >= '1' && s[3] <= '9') {
        char stem[4] = {s[0], s[1], s[2], '\0'};
        if (!gb_filename_casecmp(stem, "COM") || !gb_filename_casecmp(stem, "LPT")) return 1;
    }
    return 0;
}

int gb_filename_from_id(const char *id, char *out, size_t cap)
{
    if (out && cap) out[0] = '\0';
    if (!id || !out) return GB_EINTERNAL;
    size_t len = strlen(id);
    if (len == 0) return GB_EINPUT;
    /* Each code point yields at most its own bytes, so len + 2 (reserved-name '_' and NUL)
     * bounds the result. */
    char *buf = malloc(len + 2);
    if (!buf) return GB_EINTERNAL;
    size_t n = 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t k = gb_utf8_decode(id + i, len - i, &cp);
        int keep = is_kept(cp) && !(cp == 0xFFFD && k == 1); /* invalid byte: replaced */
        if (keep && cp == '-' && n == 0) keep = 0;             /* rule 4 */
        if (keep && cp != '_') {
            memcpy(buf + n, id + i, k);
            n += k;
        } else if (n == 0 || buf[n - 1] != '_') {            /* rule 3 */
            buf[n++] = '_';
        }
        i += k;
    }
    if (n > 1 && buf[n - 1] == '_') n--;                      /* rule 5 */
    buf[n] = '\0';
    if (is_windows_reserved(buf)) {
        buf[n++] = '_';
        buf[n] = '\0';
    }
    int rc = GB_OK;
    if (n > GB_FILENAME_MAX) rc = GB_EINPUT;
    else if (n + 1 > cap) rc = GB_EINTERNAL;
    else memcpy(out, buf, n + 1);
    free(buf);
    return rc;
}
