/* utf8.c — strict UTF-8 decoding and encoding. */
#include "util/utf8.h"

#include <string.h>

size_t gb_utf8_decode(const char *str, size_t len, uint32_t *cp)
{
    const unsigned char *s = (const unsigned char *)str;
    unsigned char c = s[0];
    size_t need;
    uint32_t v, min;
    if (c < 0x80) { *cp = c; return 1; }
    if (c >= 0xC2 && c <= 0xDF) { need = 1; v = c & 0x1F; min = 0x80; }
    else if (c >= 0xE0 && c <= 0xEF) { need = 2; v = c & 0x0F; min = 0x800; }
    else if (c >= 0xF0 && c <= 0xF4) { need = 3; v = c & 0x07; min = 0x10000; }
    else { *cp = 0xFFFD; return 1; }
    if (len < need + 1) { *cp = 0xFFFD; return 1; }
    for (size_t i = 1; i <= need; i++) {
        if ((s[i] & 0xC0) != 0x80) { *cp = 0xFFFD; return 1; }
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) { *cp = 0xFFFD; return 1; }
    *cp = v;
    return need + 1;
}

size_t gb_utf8_count(const char *s, size_t len)
{
    size_t n = 0, i = 0;
    uint32_t cp;
    while (i < len) { i += gb_utf8_decode(s + i, len - i, &cp); n++; }
    return n;
}

size_t gb_utf8_encode(uint32_t cp, char *out)
{
    unsigned char *o = (unsigned char *)out;
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
    if (cp < 0x80) { o[0] = (unsigned char)cp; return 1; }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | (cp >> 6)); o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | (cp >> 12)); o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (unsigned char)(0xF0 | (cp >> 18)); o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F)); o[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

int gb_utf8_valid(const char *s, size_t len, size_t *bad_offset)
{
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = gb_utf8_decode(s + i, len - i, &cp);
        if (cp == 0xFFFD && n == 1) { /* a correct U+FFFD takes 3 bytes */
            if (bad_offset) *bad_offset = i;
            return 0;
        }
        i += n;
    }
    return 1;
}

size_t gb_utf8_prefix(const char *s, size_t len, size_t max)
{
    if (max >= len) return len;
    size_t n = max;
    /* Step back over continuation bytes to the start of the character that would be cut. */
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) n--;
    return n;
}

size_t gb_utf8_copy(char *dst, size_t cap, const char *src)
{
    size_t len = 0;
    while (src[len]) len++;
    size_t n = gb_utf8_prefix(src, len, cap - 1);
    for (size_t i = 0; i < n; i++) dst[i] = src[i];
    dst[n] = '\0';
    return n;
}

size_t gb_utf8_minus(char *dst, size_t cap, const char *src)
{
    size_t o = 0;
    for (; *src && o + 4 < cap; src++) {
        if (*src == '-') {
            dst[o++] = '\xE2';
            dst[o++] = '\x88';
            dst[o++] = '\x92';
        } else {
            dst[o++] = *src;
        }
    }
    dst[o] = '\0';
    return o;
}

void gb_utf8_trim_end(char *s)
{
    size_t len = 0;
    while (s[len]) len++;
    if (!len || !((unsigned char)s[len - 1] & 0x80)) return;   /* empty, or ends in ASCII */
    size_t lead = len - 1;
    while (lead > 0 && len - lead < 4 && ((unsigned char)s[lead] & 0xC0) == 0x80) lead--;
    if (((unsigned char)s[lead] & 0xC0) != 0xC0) return;       /* no lead byte: not ours to fix */
    uint32_t cp;
    size_t n = gb_utf8_decode(s + lead, len - lead, &cp);
    if (lead + n != len || (cp == 0xFFFD && n == 1)) s[lead] = '\0';
}

void gb_utf8_ellipsize(char *out, size_t cap, const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n <= max && n < cap) {
        memcpy(out, s, n + 1);
        return;
    }
    if (max + 4 > cap) max = cap - 4;
    max = gb_utf8_prefix(s, n, max);
    memcpy(out, s, max);
    memcpy(out + max, "...", 4);
}
