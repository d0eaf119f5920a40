/* metrics.h — what layout code may ask of fonts, independent of libharu.
 *
 * Line breaking, math layout, tables and plots measure text only through a gb_metrics, so they can
 * be tested with the fake monospace metrics below and drawn by the PDF backend (pdf_doc.h), which
 * implements gb_metrics over libharu's TrueType fonts. All lengths are in PostScript points
 * (1/72 inch); y grows upward (PDF user space); sizes are font sizes in points. */
#ifndef GB_METRICS_H
#define GB_METRICS_H

#include <stddef.h>
#include <stdint.h>

/* The faces a document uses. Which TrueType file sets each face is decided by the template. */
typedef enum gb_face {
    GB_FACE_SERIF = 0,       /* body text */
    GB_FACE_SERIF_ITALIC,    /* emphasis, math variables */
    GB_FACE_SERIF_BOLD,      /* headings, strong */
    GB_FACE_MONO,            /* code listings, inline code */
    GB_FACE_MATH,            /* math symbols and operators (DejaVu Math TeX Gyre) */
    GB_FACE_SANS,            /* figure labels, table heads if the template says so */
    GB_FACE_FALLBACK,        /* characters the others lack (CJK: Droid Sans Fallback) */
    GB_FACE_WIDE,            /* characters the (lean) text faces lack, tried before
                                GB_FACE_FALLBACK: a face covering many scripts (DejaVu Serif) */
    GB_FACE_COUNT
} gb_face;

/* Font-wide vertical metrics at a size, in points: ascent above and descent below the baseline
 * (both >= 0), the height of lowercase x and of capitals. */
typedef struct gb_vmetrics {
    double ascent, descent, x_height, cap_height;
} gb_vmetrics;

/* A glyph's ink box at a size, in points, relative to its origin on the baseline. */
typedef struct gb_bbox {
    double llx, lly, urx, ury;
} gb_bbox;

typedef struct gb_metrics {
    void *ctx;
    /* Sum of the advance widths (points) of the UTF-8 text (len bytes) set in face at size;
     * no kerning. Invalid UTF-8 bytes count as U+FFFD. */
    double (*advance)(void *ctx, gb_face face, const char *utf8, size_t len, double size);
    /* Vertical metrics of face at size. */
    void (*vmetrics)(void *ctx, gb_face face, double size, gb_vmetrics *out);
    /* Ink box of the glyph of code point cp in face at size; a glyph the face lacks gives the
     * box of its .notdef. */
    void (*glyph_bbox)(void *ctx, gb_face face, uint32_t cp, double size, gb_bbox *out);
    /* 1 if face has a glyph for cp, else 0. */
    int (*has_glyph)(void *ctx, gb_face face, uint32_t cp);
    /* What the measurements depend on, now: two metrics whose keys are equal and nonzero
     * measure everything alike (the PDF backend's: a hash of the font file set to each face),
     * so what was laid out with one may be reused with the other (memo.h). NULL, or 0:
     * nothing is reused. The key may change while measuring (a font failing to load): layout
     * is kept only if it is the same before and after. */
    uint64_t (*key)(void *ctx);
} gb_metrics;

/* Fake metrics for tests: every code point advances 0.5 em (0.6 em in GB_FACE_MONO); ascent
 * 0.75 em, descent 0.25 em, x-height 0.5 em, cap height 0.7 em; each glyph's box is
 * [0, advance] x [0, 0.7 em] (letters with descenders g j p q y: [-0.2 em, 0.5 em]); every face
 * has every code point below U+3000; no key (nothing laid out with them is cached). The returned
 * struct needs no freeing. */
gb_metrics gb_metrics_fake(void);

/* Convenience wrappers (NUL-terminated text). */
double gb_text_width(const gb_metrics *m, gb_face face, const char *utf8, double size);

#endif
