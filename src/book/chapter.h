/* chapter.h — reading a chapter file (CommonMark + math + values + computation blocks; the syntax
 * is in blocks.h) into the document model gb_chapter.
 *
 * How (chapter.c): a scanner first takes $...$, $$...$$, {{...}} and the info strings of
 * ```gradbook blocks out of the text and leaves private-use placeholders (U+E000 index U+E001) that
 * CommonMark leaves alone; cmark-gfm (with the GitHub "table" extension) then parses the rest;
 * a walker turns cmark's tree into gb_blocks and puts the math and values back as spans. So TeX
 * reaches the math typesetter byte for byte (LIBRARIES.md 2.4: `*` and `_` would otherwise become
 * emphasis), and math, value and reference spans carry their exact line:column.
 *
 * Rules the scanner applies (pandoc-like, chosen to be predictable):
 *   - Inline math opens at a '$' followed by a non-space character and closes at the next '$'
 *     that follows a non-space character and is not followed by a digit; it may continue over
 *     lines but not past a blank line. A '$' followed by a space, a tab or the end of a line is a
 *     literal dollar; "\$" is always one. Anything else that opens and does not close ("$5") is an
 *     error, so prices are written "\$5". Inside math "\$" does not close it.
 *   - "$$" must start a line (after block-quote '>' and list markers): it opens display math that
 *     ends at the next "$$", which must end its line; the display may span lines but not a blank
 *     line. "$$" in the middle of a line is an error.
 *   - {{...}} must close on its own line. NAME is a quantity name (a letter or '_', then letters,
 *     digits, '_', '.', '[', ']'; under 48 bytes); FMT is checked with gb_value_format_check
 *     (book/values.h); LABEL is letters, digits and "_:.-".
 *   - Fenced code (``` or ~~~, any length >= 3) and inline code spans (backtick runs of any length)
 *     are copied untouched, except the body of a ```gradbook block, which is a caption and gets
 *     math and values (each closing on its own line there).
 *   - The characters U+E000 and U+E001 are reserved for the placeholders and rejected.
 * Known limits: the scanner does not track indented code blocks (a '$' there is taken as math
 * and put back verbatim in the listing when it closes; use fenced code for listings with '$'),
 * and does not follow lazy continuation lines of block quotes inside multi-line math.
 *
 * Model details (blocks.h):
 *   - Blocks carry pos.line (col 0 = unknown) except MATH and COMPUTE, which carry line:col of
 *     the opening "$$" and of the info string ("gradbook"). TEXT spans carry their block's line.
 *   - Adjacent text with the same style and link is one TEXT span; a soft break is a space.
 *   - HEADING: a trailing "{#LABEL}", "{-}", "{.unnumbered}" or a space-separated mix of them is
 *     removed from the text and sets label / numbered = 0.
 *   - CODE: info is the first word of the fence's info string ("" for none or indented code);
 *     text is the listing (ends with '\n' unless empty).
 *   - MATH: text is the TeX between the dollars with surrounding white space trimmed; \label{X}
 *     stays in the TeX (math_parse.h stores it without drawing it) and X is copied to label.
 *   - COMPUTE: name, options in source order (a bare KEY has value ""), label without '#', caption
 *     spans (the body parsed as inline CommonMark; several paragraphs are joined by a space).
 *   - TABLE: row 0 is the header; rows * cols cells, row-major, each a PARAGRAPH block (empty
 *     cells have no spans); aligns[c] is 'l', 'c', 'r' or 'n'.
 *   - LIST: ordered = 1 for "1." / "1)" lists, start = first number (0 for bullets). */
#ifndef GB_CHAPTER_H
#define GB_CHAPTER_H

#include "book/blocks.h"
#include "util/diag.h"

#include <stddef.h>

/* The largest chapter file read (bytes): a bigger file, a folder or a device is refused. */
#define GB_CHAPTER_MAX_BYTES (64u << 20)

/* Maximum nesting of blocks (quotes, lists) and inlines (emphasis, links) in a chapter. */
enum { GB_CHAPTER_MAX_DEPTH = 64 };

/* Reads and parses the chapter at path (UTF-8). On success returns 0 and fills *out (free with
 * gb_chapter_free; out->path is a copy of path). On failure *out is left empty (gb_chapter_free
 * is still safe) and returns, with e set (first error wins, see diag.h):
 *   GB_EINPUT    the file cannot be read ("path: cannot read: <strerror>"), or any error of
 *                gb_chapter_parse_string;
 *   GB_EINTERNAL out of memory, or cmark-gfm failing. */
int gb_chapter_parse(const char *path, gb_chapter *out, gb_err *e);

/* Parses text[0..len) (need not be NUL-terminated) as a chapter; path_for_messages names it in
 * messages and in out->path (NULL: "<chapter>"). "\r\n" and lone "\r" count as line ends; a
 * leading UTF-8 byte-order mark is skipped. Returns 0 and fills *out, or with *out left empty:
 *   GB_EINPUT    "file:line:col: message" for: a NUL byte; invalid UTF-8; a character above
 *                U+FFFF (libharu's fonts reach only the BMP, LIBRARIES.md 2.1); a reserved U+E000
 *                or U+E001 (also via a character reference); unclosed inline math, display math
 *                or {{; "$$" inside a line; text after a closing "$$"; empty display math; two
 *                \label in one display; a malformed {{...}} (name, format or label); a malformed
 *                ```gradbook info string (missing NAME, bad KEY, unclosed quote, repeated KEY,
 *                bad or misplaced #LABEL); a caption holding more than inline text;
 *                "file:line: message" for raw HTML (blocks and inline), images, and nesting
 *                deeper than GB_CHAPTER_MAX_DEPTH;
 *   GB_EINTERNAL out of memory, or cmark-gfm failing.
 * Never reads outside text[0..len); time is linear in len for ordinary text. */
int gb_chapter_parse_string(const char *path_for_messages, const char *text, size_t len,
                            gb_chapter *out, gb_err *e);

#endif
