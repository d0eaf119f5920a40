/* utf8.h — decoding UTF-8 by code point (RFC 3629), shared by every module that measures,
 * breaks or sanitises text. */
#ifndef GB_UTF8_H
#define GB_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Decodes the code point starting at s[0] (at most len bytes). Stores it in *cp and returns the
 * number of bytes used (1..4). An invalid or truncated sequence, an overlong form or a surrogate
 * yields U+FFFD and consumes 1 byte. len must be > 0. */
size_t gb_utf8_decode(const char *s, size_t len, uint32_t *cp);

/* Number of code points in s[0..len) (invalid bytes count one each). */
size_t gb_utf8_count(const char *s, size_t len);

/* Encodes cp (<= 0x10FFFF, not a surrogate; else U+FFFD) into out (>= 4 bytes); returns bytes. */
size_t gb_utf8_encode(uint32_t cp, char *out);

/* 1 if s[0..len) is valid UTF-8, else 0; *bad_offset (if not NULL) gets the first bad byte. */
int gb_utf8_valid(const char *s, size_t len, size_t *bad_offset);

/* The largest length <= max of a prefix of s[0..len) that ends on a character boundary (so
 * cutting there never splits a UTF-8 sequence). */
size_t gb_utf8_prefix(const char *s, size_t len, size_t max);

/* s for a message: copied into out (cap >= 5 bytes) whole when it has at most max bytes (and
 * fits), else cut at a character boundary to at most max bytes (and what fits before "...")
 * followed by "...". Always NUL-terminated. */
void gb_utf8_ellipsize(char *out, size_t cap, const char *s, size_t max);

/* Copies src into dst (cap >= 1 bytes), cut at a character boundary when it does not fit;
 * always NUL-terminated. Returns the bytes copied. */
size_t gb_utf8_copy(char *dst, size_t cap, const char *src);

/* Copies the NUL-terminated src into dst (cap >= 1 bytes) with each ASCII '-' replaced by
 * U+2212 MINUS SIGN (3 bytes), the typographic minus of numbers; every other byte is copied as
 * it is. Copying stops early, silently, at the first byte of src reached while fewer than 4
 * bytes of dst remain (room for a whole minus sign and the NUL), so dst always ends in a NUL but
 * may hold only a prefix of src (cut byte by byte: meant for number text, which is ASCII).
 * Returns the bytes written before the NUL. dst and src must not overlap; both belong to the
 * caller and nothing is allocated. */
size_t gb_utf8_minus(char *dst, size_t cap, const char *src);

/* Removes an incomplete UTF-8 sequence at the end of the NUL-terminated s (what snprintf leaves
 * when it cuts a string in the middle of a character). */
void gb_utf8_trim_end(char *s);

#endif
