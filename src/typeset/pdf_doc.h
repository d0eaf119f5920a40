/* pdf_doc.h — the PDF document backend over libharu 2.3.0: fonts, pages, drawing display lists,
 * destinations and links (forward links included), outline, metadata, atomic saving.
 *
 * Typical use: gb_pdf_doc_new; gb_pdf_doc_set_face for each face the template uses; layout with
 * gb_pdf_doc_metrics; gb_pdf_page_add + gb_pdf_page_draw per page; gb_pdf_dest_new early (e.g.
 * for a table of contents), gb_pdf_dest_place when the target page exists; gb_pdf_outline_add;
 * gb_pdf_doc_save; gb_pdf_doc_free. Lengths are points (1/72 in), y upward from the page's
 * lower-left corner. Sources: LIBRARIES.md 2.1 (error model, UTF-8 recipe, zoom range, link
 * border, outline encoder, compression, dates), /work/shared/cases/19 (text is measured and
 * placed by us; HPDF_Page_TextRect is never used). */
#ifndef GB_PDF_DOC_H
#define GB_PDF_DOC_H

#include "typeset/dlist.h"
#include "typeset/metrics.h"
#include "util/diag.h"

#include <stddef.h>
#include <time.h>

typedef struct gb_pdf_doc gb_pdf_doc;

/* A new empty document (compression on, no pages, no fonts; libharu's UTF-8 encoder is set up
 * when first needed, by the metadata or the outline). NULL with GB_EINTERNAL in e when libharu
 * or memory fails. Free with gb_pdf_doc_free (NULL is fine). */
gb_pdf_doc *gb_pdf_doc_new(gb_err *e);
void gb_pdf_doc_free(gb_pdf_doc *d);

/* Sets the TrueType file drawing face (see pdf_fonts.h): checked now, loaded on first use.
 * GB_FACE_FALLBACK (e.g. Droid Sans Fallback) draws code points the requested face lacks. A
 * face never set draws with GB_FACE_SERIF's file. Returns 0 or GB_EINPUT naming the path
 * (missing, unreadable, not TrueType, missing tables), GB_EINTERNAL (face set twice). */
int gb_pdf_doc_set_face(gb_pdf_doc *d, gb_face face, const char *ttf_path, gb_err *e);

/* Metrics over the document's fonts (ctx borrowed from d: valid until gb_pdf_doc_free). The
 * advance of a code point a face lacks is the advance of what is drawn instead (the fallback
 * face's glyph, U+FFFD, or a boxed '?'), so measuring and drawing agree. */
gb_metrics gb_pdf_doc_metrics(gb_pdf_doc *d);

/* Document information. NULL strings are left out. date: creation and modification date (UTC),
 * e.g. from SOURCE_DATE_EPOCH; a negative date writes no dates (output then still
 * reproducible: libharu writes no /ID). */
typedef struct gb_pdf_info {
    const char *title, *author, *subject, *keywords, *creator;  /* UTF-8 */
    time_t date;
} gb_pdf_info;

/* Sets the document information. Returns 0, or GB_EINTERNAL (libharu error, code in hex). */
int gb_pdf_doc_set_info(gb_pdf_doc *d, const gb_pdf_info *info, gb_err *e);

/* Adds a page width x height points (both in [3, 14400], the PDF limits) and makes it current.
 * Returns its 0-based index, or -1 with GB_EINTERNAL (bad size, libharu error). */
int gb_pdf_page_add(gb_pdf_doc *d, double width, double height, gb_err *e);

/* Ends the current page now: it is compressed into the document's store on the calling thread
 * (a later page, gb_pdf_doc_append or the save would do it otherwise), and takes no more
 * drawing (until gb_pdf_page_add). No effect without an open page. Returns 0, or GB_EINTERNAL
 * (saved document, out of memory, a coordinate out of range, zlib failing: the store's
 * errors, pdf_store.h). */
int gb_pdf_page_close(gb_pdf_doc *d, gb_err *e);

/* Number of pages so far. */
int gb_pdf_page_count(const gb_pdf_doc *d);

/* Draws every item of dl onto the current page, translated by (dx, dy): text runs (split into
 * pieces by the face that has each glyph), paths, circles; LINK items become link annotations
 * (created at save time, so their destinations may be placed later). Returns 0, or
 * GB_EINTERNAL (no page yet, a LINK with an unknown destination, a font failing to load:
 * GB_EINPUT naming the file, a libharu error). */
int gb_pdf_page_draw(gb_pdf_doc *d, const gb_dlist *dl, double dx, double dy, gb_err *e);

/* Draws the current page's body: parts[0..n) in order (each list at its offset), as
 * gb_pdf_page_draw would; what is drawn after it (a running head and footer naming the reader)
 * is the page's rest. A body that repeats one the thread drew at least twice before on a fresh
 * page, from the same lists, offsets, page size and fonts, is copied (operators, graphics
 * state, glyphs used, links: pdf_bodies.h) instead of drawn, and is not compressed again either
 * (pdf_store.h): the file is the same byte for byte. Returns what gb_pdf_page_draw returns. */
int gb_pdf_page_body(gb_pdf_doc *d, const gb_placed *parts, size_t n, gb_err *e);

/* Number of distinct code points drawn so far that no loaded face has (drawn as U+FFFD or a
 * boxed '?'; a character drawn on every page counts once); the caller should warn when it is
 * not 0. */
size_t gb_pdf_doc_missing_glyphs(const gb_pdf_doc *d);

/* A new destination id (>= 0), placed later with gb_pdf_dest_place; links and outline entries
 * may refer to it before its page exists. -1 when out of memory (or past INT_MAX ids). */
int gb_pdf_dest_new(gb_pdf_doc *d);

/* Places destination dest on page (0-based index of an existing page) with the point (left, top)
 * at the window's top-left corner, zoom 100 %. Placing again moves it. Returns 0 or
 * GB_EINTERNAL (unknown dest or page). */
int gb_pdf_dest_place(gb_pdf_doc *d, int dest, int page, double left, double top, gb_err *e);

/* Adds an outline (bookmark) entry at level 1..3 below the most recent entry of level - 1,
 * leading to dest (-1: no destination). title is UTF-8 (copied). Entries are shown opened and
 * the viewer opens with the outline panel. Returns 0, or GB_EINTERNAL (level out of range or
 * skipping a level, unknown dest, out of memory). */
int gb_pdf_outline_add(gb_pdf_doc *d, int level, const char *title, int dest, gb_err *e);

/* Page label style for gb_pdf_page_label. */
typedef enum gb_pdf_label_style {
    GB_LABEL_DECIMAL, GB_LABEL_ROMAN_LOWER, GB_LABEL_ROMAN_UPPER
} gb_pdf_label_style;

/* Labels pages from page (0-based) on as prefix + number counting from first. Returns 0 or
 * GB_EINTERNAL. */
int gb_pdf_page_label(gb_pdf_doc *d, int page, gb_pdf_label_style style, int first,
                      const char *prefix, gb_err *e);

/* Resolves destinations, links and outline, then writes the PDF to path atomically
 * (util/atomic_file.h): on any failure nothing is written and an existing file at path is left
 * untouched. Call once; the document can only be freed afterwards. Returns 0, or GB_EINTERNAL
 * (a destination used but never placed, libharu error as "0x%04X (name), detail N", cannot
 * write: the message names the path), GB_EINPUT (a font file failed to load). */
int gb_pdf_doc_save(gb_pdf_doc *d, const char *path, gb_err *e);

/* Moves every page of src (drawn by this or another thread, which is done with it; src may
 * have been saved) to the end of d, with its links, destinations, outline entries, page labels
 * and the glyphs its fonts drew; src is left empty (it can only be freed). With a title (UTF-8),
 * d gets a level-1 outline entry for src's first page instead of src's entries; without, src's
 * entries are moved and their levels must continue d's. The faces src drew with must be set to the same
 * files in d. Afterwards d takes no more drawing until gb_pdf_page_add. This is how a class set
 * is built by several threads: one document per student, moved in roster order. Returns 0 or
 * GB_EINTERNAL. */
int gb_pdf_doc_append(gb_pdf_doc *d, gb_pdf_doc *src, const char *title, gb_err *e);

/* Frees what the calling thread keeps for its documents (the font faces it parsed, see
 * pdf_fonts.h, and its page compressor, pdf_store.h); a thread's are also freed when it ends. No document of this thread may be used
 * afterwards. */
void gb_pdf_thread_done(void);

#endif
