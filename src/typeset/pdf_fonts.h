/* pdf_fonts.h — the TrueType faces of one PDF document over libharu 2.3.0: lazy loading, glyph
 * look-up with fallback to GB_FACE_FALLBACK, and the gb_metrics that layout measures with.
 *
 * Used by pdf_doc.c; other modules reach fonts only through gb_pdf_doc_metrics (pdf_doc.h).
 * Sources: LIBRARIES.md 2.1 (UTF-8 recipe, BMP only, missing glyphs not visible in widths, the
 * per-document cost of HPDF_GetFont, avoided here), ISO 32000-1:2008 9.7 (CID fonts) and 9.10.3
 * (ToUnicode), the installed internal headers hpdf_fontdef.h and hpdf_objects.h. */
#ifndef GB_PDF_FONTS_H
#define GB_PDF_FONTS_H

#include "typeset/metrics.h"
#include "util/diag.h"

#include <hpdf.h>
#include <stddef.h>
#include <stdint.h>

typedef struct gb_pdf_fonts gb_pdf_fonts;

/* How a code point is drawn. */
typedef enum gb_glyph_kind {
    GB_GLYPH_OWN = 0,      /* the face has the glyph */
    GB_GLYPH_FALLBACK,     /* drawn from GB_FACE_FALLBACK */
    GB_GLYPH_WIDE,         /* drawn from GB_FACE_WIDE */
    GB_GLYPH_SUBST,        /* no loaded face has it: U+FFFD is drawn instead */
    GB_GLYPH_SUBST_BOX     /* no face has it nor U+FFFD: '?' with a box around it is drawn */
} gb_glyph_kind;

typedef struct gb_glyph_use {
    gb_glyph_kind kind;
    gb_face face;          /* the face that draws it */
    uint32_t cp;           /* the code point drawn (cp itself, U+FFFD or '?') */
    int advance;           /* advance in 1/1000 em, exactly as libharu writes it in /W */
} gb_glyph_use;

/* A font table for pdf (borrowed; must outlive the table), used by the calling thread only
 * (its faces are the thread's, see gb_pdf_fonts_thread_done). NULL when out of memory. Faces are
 * parsed (HPDF_LoadTTFontFromFile, ~0.6 ms for a DejaVu face, ~6 ms for Droid Sans Fallback) on
 * first use by metrics or drawing, and become PDF fonts only when text is first drawn in them
 * (the subset program is written at gb_pdf_fonts_finish), so an unused face costs nothing. Free with gb_pdf_fonts_free (NULL is fine); libharu objects belong to the HPDF_Doc. */
gb_pdf_fonts *gb_pdf_fonts_new(HPDF_Doc pdf);
void gb_pdf_fonts_free(gb_pdf_fonts *f);

/* Sets the TrueType file of face. The file is checked now (it opens, is a TrueType font with
 * glyf outlines and has every table libharu requires), parsed later. Returns 0, or GB_EINPUT
 * with a message naming ttf_path (missing, unreadable, CFF-flavoured OpenType, collection,
 * missing table), or GB_EINTERNAL (out of memory; face out of range). A face may be set once. */
int gb_pdf_fonts_set(gb_pdf_fonts *f, gb_face face, const char *ttf_path, gb_err *e);

/* How face draws cp (cached per face for the BMP). A face without a file uses GB_FACE_SERIF's
 * file (or the first face set). Code points above U+FFFF and C0/C1 controls are treated as
 * missing (libharu 2.3.0 cannot show them). */
gb_glyph_use gb_pdf_fonts_resolve(gb_pdf_fonts *f, gb_face face, uint32_t cp);

/* The PDF font of face, a Type0 font with /Identity-H encoding whose character codes are glyph
 * ids (created by the first call; cheap: no per-code-point map). NULL on failure (the error is
 * then in gb_pdf_fonts_error). Pages reach it through the shared root /Resources under the name
 * gb_store_font_name gives the face (pdf_store.c). */
HPDF_Font gb_pdf_fonts_font(gb_pdf_fonts *f, gb_face face);

/* The 16-bit character code that shows u in u->face's PDF font (its glyph id; 0 = .notdef when
 * the font failed). Records the glyph as drawn: it (and every component of a composite glyph,
 * at any depth) is embedded, and gets /W and /ToUnicode entries mapping it back to u->cp. Call
 * for every glyph drawn. Works around libharu 2.3.0 losing components with glyph ids >= 32768
 * (see pdf_fonts.c). */
unsigned gb_pdf_fonts_code(gb_pdf_fonts *f, const gb_glyph_use *u);

/* The common case of gb_pdf_fonts_resolve + gb_pdf_fonts_code in one step, for drawing text: when
 * face draws cp with its own glyph and both are already known (cached), sets *draw (the face
 * whose font draws it), *advance (1/1000 em) and *code (its character code), records the glyph
 * as drawn, and returns 1; else returns 0 and the caller takes the general way. */
int gb_pdf_fonts_fast(gb_pdf_fonts *f, gb_face face, uint32_t cp, gb_face *draw, int *advance,
                      uint16_t *code);

/* Writes each used font's remaining objects: /W and /ToUnicode of the glyphs drawn, the font
 * descriptor and the subset font program (HPDF_TTFontDef_SaveFontData), under a subset name
 * that depends only on the glyphs drawn. Call once, after the last drawing and before saving.
 * Returns 0, or the pending font error (GB_EINPUT naming a file), or GB_EINTERNAL (libharu). */
int gb_pdf_fonts_finish(gb_pdf_fonts *f, gb_err *e);

/* Records in dst every glyph src's document drew (as if dst had drawn it), for pages moved
 * from src's document to dst's (pdf_doc.h gb_pdf_doc_append). Both tables must set the same
 * file for each face that src drew with: glyph ids are the file's. src may belong to another
 * thread's document as long as that thread is done with it. 0 or GB_EINTERNAL (out of memory,
 * a face src drew with is not set or fails to load in dst). */
int gb_pdf_fonts_merge(gb_pdf_fonts *dst, const gb_pdf_fonts *src, gb_err *e);

/* Faces are parsed once per thread and kept for the thread's later documents (pdf_fonts.c):
 * they are freed when the thread ends, or by this call (the main thread calls it before
 * exiting). A table created by this thread must not be used afterwards. */
void gb_pdf_fonts_thread_done(void);

/* The first error met while loading a face lazily (code GB_OK if none). Borrowed. */
const gb_err *gb_pdf_fonts_error(const gb_pdf_fonts *f);

/* Metrics over these fonts; ctx is f (borrowed). Advances follow gb_pdf_fonts_resolve exactly,
 * so what is measured is what is drawn. The key is a hash of the file set to each face:
 * documents whose faces are set to the same files measure alike; it is 0 (nothing remembered)
 * once a face failed to load. */
gb_metrics gb_pdf_fonts_metrics(gb_pdf_fonts *f);

#endif
