/* filename.h — a safe, readable file name from a student ID (shared/cases/17): the ID itself is
 * printed and exported unchanged; this name is only used for files such as <fname>-worksheet.pdf. */
#ifndef GB_FILENAME_H
#define GB_FILENAME_H

#include <stddef.h>

/* Longest file name gb_filename_from_id produces, in bytes (without the NUL). 200 leaves room for
 * suffixes such as "-worksheet.pdf" under the 255-byte limit of common file systems. */
#define GB_FILENAME_MAX 200

/* Writes into out (cap bytes, NUL-terminated) the file name for the student ID id (UTF-8,
 * NUL-terminated). The rule, applied code point by code point:
 *
 *   1. Kept: ASCII letters and digits, '-' and '_', and every code point that is a letter, digit
 *      or combining mark of any script (see the approximation below), copied byte for byte.
 *   2. Everything else is replaced by '_': space, '/', '\\', ':', '*', '?', '"', '<', '>', '|',
 *      '.', '~', '@', ',', control and format characters, invalid UTF-8 bytes, ... .
 *   3. Runs of '_' (kept or replaced) collapse to one '_'.
 *   4. A leading '-' becomes '_' (a name must not look like a command-line option); a leading
 *      '.' cannot occur (rule 2), so hidden files, "." and ".." are impossible by construction.
 *   5. A trailing '_' is removed, unless it is the whole name.
 *   6. Names that Windows reserves — CON, PRN, AUX, NUL, COM1..COM9, LPT1..LPT9, compared without
 *      regard to ASCII case — get '_' appended ("CON" -> "CON_"), since sheets are often copied to
 *      Windows machines. (Windows also reserves them with an extension, "CON.txt"; a '.' never
 *      survives rule 2, so the bare comparison covers that.)
 *
 * Examples: "2023/0417" -> "2023_0417", "../../tmp/pwned" -> "_tmp_pwned", "AC/DC Fan" ->
 * "AC_DC_Fan", "Zoë Ångström-Łukasz" -> "Zoë_Ångström-Łukasz", "a|b:c*d?\"e\"<f>" ->
 * "a_b_c_d_e_f", "-x" -> "_x", "CON" -> "CON_".
 *
 * Letters of other scripts (an approximation of Unicode's L, N and M categories without tables):
 * a code point >= U+00C0 counts as a letter unless it lies in a punctuation, symbol, space,
 * format, private-use or special range: U+00D7 ×, U+00F7 ÷, Greek ; and · (U+037E, U+0387),
 * Hebrew and Arabic punctuation and format characters (U+05BE, U+05C0, U+05C3, U+05C6,
 * U+05F3-05F4, U+0600-0605, U+060C, U+061B-061C, U+061F, U+066A-066D, U+06D4, U+06DD), Devanagari
 * danda (U+0964-0965), invisible fillers and spaces (U+115F-1160, U+1680, U+180E, U+3164,
 * U+FFA0), U+2000-2BFF (spaces, zero-width and bidi controls, general punctuation, fraction slash,
 * currency, arrows, mathematical operators such as the division slash, box drawing, dingbats,
 * misc symbols), U+2E00-2E7F supplemental punctuation, U+3000-303F CJK punctuation and the
 * ideographic space (except the iteration marks U+3005-3007, U+3031-3035, U+303B-303C that are
 * part of Japanese names, e.g. 佐々木), surrogates, private use (U+E000-F8FF, planes 15-16),
 * noncharacters U+FDD0-FDEF, U+FE10-FE1F and U+FE30-FE6F (vertical and small forms, e.g. the
 * small solidus), U+FEFF, fullwidth punctuation (U+FF00-FF0F, U+FF1A-FF20, U+FF3B-FF40,
 * U+FF5B-FF65, U+FFE0-FFEF), specials U+FFF0-FFFF (including U+FFFD), musical symbols
 * U+1D100-1D1FF, emoji and pictographs U+1F000-1FBFF, tags U+E0000-E007F. Below U+00C0 only
 * ª, µ and º count as letters (the rest are controls, punctuation and symbols such as the
 * superscript digits that Windows treats like digits in COM¹).
 *
 * Normalisation: no NFC is applied. An accented letter typed as a decomposed sequence (e.g. "e"
 * + U+0308) keeps its combining mark (marks count as letters), so its letters survive; but its
 * bytes differ from the precomposed spelling, so two IDs that differ only in normalisation give
 * two different names (and the same file on macOS, which normalises names).
 *
 * Returns 0 on success; GB_EINPUT (util/diag.h) when id is empty (no name can be made) or the
 * result would be longer than GB_FILENAME_MAX bytes (the caller reports the roster row);
 * GB_EINTERNAL when id or out is NULL, out of memory, or cap is too small for the result (a cap of
 * GB_FILENAME_MAX + 1 always suffices). On error out holds "" when cap > 0. */
int gb_filename_from_id(const char *id, char *out, size_t cap);

/* Compares two file names (NUL-terminated) as a case-insensitive file system (Windows, macOS)
 * may: ASCII letters without regard to case, every other byte as it is (no Unicode case
 * folding). Returns <0, 0 or >0 like strcmp (on the bytes with ASCII letters lowered), so it
 * also orders names for sorting. Two IDs whose names compare 0 would overwrite each other's
 * files there. */
int gb_filename_casecmp(const char *a, const char *b);

#endif
