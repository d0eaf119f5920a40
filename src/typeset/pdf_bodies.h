/* pdf_bodies.h — page bodies a thread drew recently, kept so that an identical body is copied
 * instead of drawn again.
 *
 * In a class's worksheets most pages differ from student to student only in their running head
 * and footer (the body is the class's: pdf_doc.h, gb_pdf_page_body), and drawing a body is most of
 * a page's work after compression (glyph lookups and number formatting for every text run). A
 * body is what the lists given to gb_pdf_page_body draw on a fresh page: the same lists (equal
 * bit for bit, gb_dlist_same), offsets, page size and fonts (the metrics key, metrics.h) draw
 * the same operators and leave the same graphics state and the same use of the fonts. This table
 * keeps, per thread, the bodies whose operators it met at least twice: their lists (copies),
 * operators, final state and font steps, so pdf_doc.c can replay them.
 *
 * Limits: GB_BODIES_KEPT bodies per thread (the oldest is replaced), each at most
 * GB_BODIES_MAX_ITEMS display items and GB_BODIES_MAX_OPS bytes of operators, and all of a
 * thread's at most GB_BODIES_BYTES of items and operators (the oldest go first); bodies met once are
 * only counted, by a hash of their operators in a ring of GB_BODIES_SEEN. Nothing is shared
 * between threads, so a file never depends on what another thread made, and a copied body gives
 * the bytes drawing it again would (tests/test_pdf_doc.c compares both ways). */
#ifndef GB_PDF_BODIES_H
#define GB_PDF_BODIES_H

#include "typeset/dlist.h"

#include <stddef.h>
#include <stdint.h>

#define GB_BODIES_KEPT 8
#define GB_BODIES_MAX_ITEMS 8192
#define GB_BODIES_MAX_OPS 65536
#define GB_BODIES_BYTES (2u << 20)
#define GB_BODIES_SEEN 64

/* What a body is drawn from: parts[0..n) in order (each list at its offset) on a page of width
 * x height points, with the fonts whose metrics key is fonts_key (nonzero). */
typedef struct gb_body_input {
    uint64_t fonts_key;
    double width, height;
    const gb_placed *parts;
    size_t n;
} gb_body_input;

/* The graphics state a body leaves (pdf_doc.c's, with the font as a face: font objects belong
 * to one document). font_face < 0: no font selected. faces: bit per face whose font it uses. */
typedef struct gb_body_state {
    int fill_ok, stroke_ok;
    gb_rgb fill;
    gb_stroke stroke;
    int font_face;
    double size;
    unsigned faces;
} gb_body_state;

/* A body's effects on the document's fonts, in the order drawing makes them, each kept only at
 * its first occurrence (all are idempotent): GB_STEP_FONT makes face's font object (the order
 * of new objects is the order of the file's objects); GB_STEP_GLYPH looks code point cp up in
 * face (the glyph joins the subset). */
typedef enum gb_body_step_kind { GB_STEP_FONT, GB_STEP_GLYPH } gb_body_step_kind;
typedef struct gb_body_step {
    gb_body_step_kind kind;
    int face;
    uint32_t cp;
} gb_body_step;

/* A kept body (owned by the table; valid until the calling thread's next gb_bodies_keep). */
typedef struct gb_body {
    const char *ops;          /* its operators, len bytes, ending outside a text object */
    size_t len;
    gb_body_state state;
    const gb_body_step *steps;
    size_t nsteps;
} gb_body;

/* The calling thread's kept body drawn from exactly in, or NULL (none, or in->fonts_key 0). */
const gb_body *gb_bodies_find(const gb_body_input *in);

/* After drawing a body from in that was not found: 1 when its operators (len bytes) were met
 * before on this thread and it is small enough to keep (gb_bodies_keep); 0 when they are only
 * counted now, or the body is too big. */
int gb_bodies_wanted(const gb_body_input *in, const char *ops, size_t len);

/* Keeps a body drawn from in: copies of its lists, its operators (len bytes), the state it left
 * and its font steps (nsteps). Returns 0, or -1 when it is too big or memory ran out (nothing is
 * kept then; drawing is never affected). */
int gb_bodies_keep(const gb_body_input *in, const char *ops, size_t len,
                   const gb_body_state *state, const gb_body_step *steps, size_t nsteps);

/* How many bodies the calling thread has copied instead of drawn (for tests). */
size_t gb_bodies_hits(void);

/* Frees the calling thread's table now (the main thread calls it before exit). */
void gb_bodies_thread_done(void);

#endif
