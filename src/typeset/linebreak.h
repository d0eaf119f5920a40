/* linebreak.h — breaking a paragraph of inline items (text runs, inline boxes, forced breaks)
 * into lines of a given width, with justification, measured only through gb_metrics.
 *
 * Breaks are allowed at inter-word spaces (U+0020, tab, newline; U+00A0 does not break),
 * between two CJK ideographs, and at forced breaks. A word that does not fit a line by itself
 * is broken between code points, so no text is ever dropped (cases/19-textrect-unbreakable-
 * name.md). The method is first fit (greedy): each line takes as many words as fit. Lengths are
 * points; y upward; a line's origin is the left end of its baseline. */
#ifndef GB_LINEBREAK_H
#define GB_LINEBREAK_H

#include "typeset/dlist.h"
#include "typeset/metrics.h"
#include "util/diag.h"

#include <stddef.h>

typedef enum gb_inline_kind {
    GB_INLINE_TEXT,    /* a run of UTF-8 text in one face, size and colour */
    GB_INLINE_BOX,     /* an unbreakable box, e.g. an inline formula */
    GB_INLINE_BREAK    /* a forced line break */
} gb_inline_kind;

/* One inline item. Strings and boxes are borrowed for the duration of gb_linebreak only. */
typedef struct gb_inline {
    gb_inline_kind kind;
    /* TEXT */
    gb_face face;
    double size;              /* font size, points, > 0 */
    gb_rgb color;
    const char *text;         /* UTF-8, len bytes */
    size_t len;
    int link;                 /* destination id (pdf_doc.h) the run links to, or -1 */
    /* BOX */
    const gb_dlist *box;      /* drawn with its origin on the baseline at the box's left end */
    double width, height, depth;   /* box extent: height above, depth below the baseline */
} gb_inline;

/* A TEXT item: text (NUL-terminated, borrowed) in face at size points, black, no link. */
gb_inline gb_inline_text(gb_face face, double size, const char *text);

/* How to set the paragraph. */
typedef struct gb_para_style {
    double width;         /* measure (line length), points, > 0 */
    double first_indent;  /* indent of the first line (>= 0) */
    double rest_indent;   /* indent of the other lines (>= 0; a hanging indent for list items
                             when larger than first_indent) */
    int justify;          /* 1: stretch inter-word spaces so lines fill the measure; the last
                             line and lines before forced breaks stay ragged */
} gb_para_style;

typedef struct gb_line {
    gb_dlist *dl;        /* what the line draws, origin at the left end of its baseline (the
                            indent is included in the x of the items); owned by the gb_lines,
                            possibly with others (the memo's, gb_dlist_shared): read-only
                            while shared */
    double indent;       /* x where the content starts */
    double natural;      /* natural width of the content (without indent and stretch) */
    double width;        /* x where the content ends: indent + natural + added stretch */
    double height;       /* max height above the baseline of the items on the line */
    double depth;        /* max depth below the baseline (>= 0) */
    int overfull;        /* 1 if the content is wider than the measure (an inline box wider
                            than the line) */
} gb_line;

typedef struct gb_lines {
    gb_line *line;       /* n lines, owned */
    size_t n;
} gb_lines;

/* Breaks items[0..n) into lines. out is overwritten (free with gb_lines_free). A paragraph the
 * thread broke before comes from the layout memo (memo.h) with the lists shared, not copied:
 * copy a line's list (gb_dlist_copy) before changing it when gb_dlist_shared says so. An empty
 * paragraph gives 0 lines. Returns 0, or GB_EINTERNAL (bad style or item: width <= 0 or not
 * finite, size <= 0, NULL text or box, negative box extents, out of memory); out is then empty. */
int gb_linebreak(const gb_metrics *m, const gb_inline *items, size_t n,
                 const gb_para_style *style, gb_lines *out, gb_err *e);

/* Frees the lines and their display lists; out becomes empty. NULL is fine. */
void gb_lines_free(gb_lines *out);

/* 1 if cp is a CJK ideograph or syllable between which lines may break. */
int gb_linebreak_is_cjk(uint32_t cp);

#endif
