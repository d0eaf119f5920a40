/* math_layout.h — setting a parsed formula as TeX does (The TeXbook, Appendix G): boxes with
 * width, height and depth; styles display/text/script/scriptscript; scripts raised and shrunk;
 * fractions on the math axis; limits of big operators; TeX's inter-atom spacing; delimiters grown
 * to their contents; aligned/array/matrix rows. Measures only through gb_metrics, draws into a
 * gb_dlist.
 *
 * Faces: Latin letters and lowercase Greek in GB_FACE_SERIF_ITALIC (also \partial, whose italic
 * form is TeX's); digits, function names (\max, \exp), \text, punctuation and uppercase Greek in
 * GB_FACE_SERIF; \mathbf in GB_FACE_SERIF_BOLD; operators, relations, arrows, delimiters and
 * other symbols in GB_FACE_MATH (DejaVu Math TeX Gyre). Only BMP code points are emitted.
 *
 * Delimiters (\left, \right, \big, matrix fences): the font's own glyph at the current size when
 * that is tall enough; otherwise a filled outline drawn as a path (parenthesis, bracket, brace,
 * bar, double bar, angle, floor, ceiling), exactly as tall as TeX's rule 19 asks (at least 90.1 %
 * of the contents' extent about the axis, at most 0.5 em short), centred on the axis, its width
 * and stroke growing slowly with its height. '/' is always the glyph.
 *
 * Constants (em of the current style's size; from The TeXbook's cmsy10/cmex10 parameters unless
 * noted): */
#ifndef GB_MATH_LAYOUT_H
#define GB_MATH_LAYOUT_H

#include "typeset/dlist.h"
#include "typeset/math_parse.h"
#include "typeset/metrics.h"
#include "util/diag.h"

#include <stddef.h>

#define GB_MATH_SCRIPT_SCALE 0.7        /* script style size / text size */
#define GB_MATH_SSCRIPT_SCALE 0.5       /* scriptscript style size / text size */
#define GB_MATH_AXIS 0.275              /* math axis above the baseline (DejaVu Math's AxisHeight:
                                           the centre of its minus and equals signs) */
#define GB_MATH_RULE 0.05               /* fraction bar thickness (theta) */
#define GB_MATH_NUM1 0.677              /* numerator shift up, display style (sigma8) */
#define GB_MATH_NUM2 0.394              /* numerator shift up, other styles (sigma9) */
#define GB_MATH_DENOM1 0.686            /* denominator shift down, display (sigma11) */
#define GB_MATH_DENOM2 0.345            /* denominator shift down, other styles (sigma12) */
#define GB_MATH_SUP1 0.413              /* superscript shift up, display (sigma13) */
#define GB_MATH_SUP2 0.363              /* superscript shift up, text and script (sigma14) */
#define GB_MATH_SUP3 0.289              /* superscript shift up, cramped styles (sigma15) */
#define GB_MATH_SUB1 0.15               /* subscript shift down, no superscript (sigma16) */
#define GB_MATH_SUB2 0.247              /* subscript shift down with a superscript (sigma17) */
#define GB_MATH_SUP_DROP 0.386          /* sigma18, of the superscript's size */
#define GB_MATH_SUB_DROP 0.05           /* sigma19, of the subscript's size */
#define GB_MATH_SCRIPTSPACE 0.05        /* \scriptspace after every script (0.5 pt at 10 pt) */
#define GB_MATH_NULLDELIM 0.12          /* \nulldelimiterspace: either side of a fraction */
#define GB_MATH_BIGOP_SCALE 1.4         /* size of \sum and \int in display style */
#define GB_MATH_LIMIT_GAP_SUP 0.111     /* xi9: least gap between an operator and its upper limit */
#define GB_MATH_LIMIT_GAP_SUB 0.167     /* xi10 */
#define GB_MATH_LIMIT_RISE_SUP 0.2      /* xi11: least rise of the upper limit's baseline */
#define GB_MATH_LIMIT_DROP_SUB 0.6      /* xi12: least drop of the lower limit's baseline */
#define GB_MATH_LIMIT_PAD 0.1           /* xi13: padding above and below limits */
#define GB_MATH_BASELINESKIP 1.2        /* rows of aligned: 1.2 em + \jot apart at least ... */
#define GB_MATH_JOT 0.3                 /* ... (\jot 3 pt at 10 pt), else depth + height + 0.1 + \jot */
#define GB_MATH_ALIGNSEP 1.0            /* between column pairs of aligned (\minalignsep 10 pt) */
#define GB_MATH_ARRAYCOLSEP 0.5         /* either side of an array column (\arraycolsep 5 pt) */
#define GB_MATH_STRUT_H 0.84            /* array rows are at least this high ... */
#define GB_MATH_STRUT_D 0.36            /* ... and this deep (the \strut of a 12 pt baselineskip) */
/* The x-height used by the script rules (sigma5) is the ink height of 'x' in
 * GB_FACE_SERIF_ITALIC at the style's size. A mu is 1/18 em; thin, medium and thick spaces are
 * 3, 4 and 5 mu. */

/* Styles of a whole formula. */
typedef enum gb_math_style {
    GB_MATH_DISPLAY = 0,   /* $$...$$: big operators, limits above/below, larger fractions */
    GB_MATH_TEXT = 2       /* $...$ in running text */
} gb_math_style;

/* One line of a displayed formula: a row of aligned/gathered/array, or the whole formula. */
typedef struct gb_math_line {
    double baseline;       /* y of the line's baseline relative to the box's baseline, points
                              (up positive; lines below the first are negative) */
    int notag;             /* 1 if the line said \notag or \nonumber */
    const char *tag;       /* \tag{...} text (UTF-8), or NULL; owned by the box */
    const char *label;     /* \label{...} name, or NULL; owned by the box */
} gb_math_line;

/* A set formula. The origin of dl is the left end of the baseline; the ink lies within
 * [0, width] x [-depth, height] (points). */
typedef struct gb_math_box {
    double width, height, depth;
    double axis;           /* height of the math axis above the baseline, points */
    gb_dlist *dl;          /* owned by the box */
    size_t nlines;         /* >= 1 */
    gb_math_line *lines;   /* nlines entries; owned by the box. For a formula made of one
                              environment (possibly with material around it), one per row; else
                              one, at baseline 0 */
    int notag;             /* formula-level \notag (outside any environment) */
    const char *tag;       /* formula-level \tag text or NULL */
    const char *label;     /* formula-level \label or NULL */
} gb_math_box;

/* Sets the tree t in style at size_pt (the text size, points, > 0 and finite), measuring with m.
 * On success returns 0 and fills *out (free with gb_math_box_free). On failure returns the code
 * and sets e, leaving *out empty (safe to free):
 *   GB_EINPUT     a character typed in the formula (or in \text) that its face has no glyph
 *                 for; the message names file:line:col of the character;
 *   GB_EINTERNAL  out of memory, size_pt not positive or not finite, metrics giving NaN. */
int gb_math_layout(const gb_math_node *t, gb_math_style style, double size_pt,
                   const gb_metrics *m, gb_math_box *out, gb_err *e);

/* Frees what *box owns and zeroes it (NULL or an empty box is fine). */
void gb_math_box_free(gb_math_box *box);

/* *dst becomes a copy of src owning its own list, lines and strings, equal bit for bit
 * (gb_dlist_copy). 0, or -1 when out of memory (*dst then empty). */
int gb_math_box_copy(const gb_math_box *src, gb_math_box *dst);

/* gb_math_parse + gb_math_layout + gb_math_free in one call; returns 0 or the error code of
 * either step (see both). Formulas met more than once in a thread with metrics that have a key
 * are set once and handed out again (memo.h): the box is the same either way, but its list may
 * then be shared with the memo (gb_dlist_shared): copy it before changing it. */
int gb_math_render(const char *tex, size_t len, gb_math_style style, double size_pt,
                   const gb_metrics *m, const gb_math_src *where, gb_math_box *out, gb_err *e);

#endif
