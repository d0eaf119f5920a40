/* pdf_ops.h — a page's content stream as bytes: the PDF operators gradbook draws with (ISO
 * 32000-1:2008, section 8 "Graphics" and section 9.4 "Text objects"), written into a growable
 * buffer that the document hands to libharu once per page.
 *
 * Why not libharu's page operators: HPDF_Page_TextOut, HPDF_Page_MoveTextPos and friends clear a
 * 512-byte buffer byte by byte and format every number with 5 decimals on each call, and a
 * text object per word makes the stream 3-4 times longer than needed; on a worksheet they were
 * a third of all work (LIBRARIES.md 2.1, measured with callgrind). Here each text item is one
 * BT..ET at most, moves are relative (Td) and exact, and numbers carry at most 2 decimals
 * (0.01 pt, far below a device pixel; TJ displacements 0.01/1000 em).
 *
 * Units: points (1/72 in), y upward from the page's lower-left corner; colours 0..1. Text codes
 * are 16-bit character codes of a Type0 font with /Identity-H encoding (pdf_fonts.h gives them).
 *
 * Errors: the writer never fails midway; when memory runs out it stops appending and
 * gb_ops_failed turns true (the caller reports GB_EINTERNAL). A NaN, infinite or huge number
 * also sets the failure flag; once set, nothing more is appended until gb_ops_clear (the caller
 * checks coordinates first). */
#ifndef GB_PDF_OPS_H
#define GB_PDF_OPS_H

#include <stddef.h>
#include <stdint.h>

typedef struct gb_ops {
    char *buf;
    size_t len, cap;
    int failed;
    /* text object state: open (inside BT..ET), line origin in thousandths of a point */
    int in_text;
    long long tx, ty;
    /* an open TJ array: its baseline (thousandths of a point), where its last string ended
     * (points) and the font size it is set in */
    int tj_open;
    long long tj_y;
    double tj_end, tj_size;
    size_t tj_at, tj_n;   /* where its '[' is, and how many strings it holds */
} gb_ops;

/* An empty writer: gb_ops o = GB_OPS_INIT. */
#define GB_OPS_INIT {NULL, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}

/* Releases the buffer (the struct itself is the caller's). */
void gb_ops_free(gb_ops *o);
/* Empties the buffer for the next page, keeping its memory. */
void gb_ops_clear(gb_ops *o);
/* 1 when memory ran out or a non-finite number was written since the last clear. */
int gb_ops_failed(const gb_ops *o);

/* Appends len raw bytes. */
void gb_ops_raw(gb_ops *o, const char *s, size_t len);
/* Appends v in the shortest form with at most 2 decimals ("12.5", "-0.13", "3"). */
void gb_ops_num(gb_ops *o, double v);

/* ---- graphics state (valid inside and outside text objects) ---- */
void gb_ops_fill_rgb(gb_ops *o, double r, double g, double b);     /* rg */
void gb_ops_stroke_rgb(gb_ops *o, double r, double g, double b);   /* RG */
void gb_ops_line_width(gb_ops *o, double w);                        /* w */
/* d: dash on/off lengths in points; on <= 0 or off <= 0 gives a solid line ([] 0 d). */
void gb_ops_dash(gb_ops *o, double on, double off);

/* ---- paths (each closes an open text object first) ---- */
void gb_ops_move_to(gb_ops *o, double x, double y);   /* m */
void gb_ops_line_to(gb_ops *o, double x, double y);   /* l */
void gb_ops_close(gb_ops *o);                         /* h */
void gb_ops_rect(gb_ops *o, double x, double y, double w, double h);   /* re */
/* A full circle of radius r around (x, y) as four Bezier arcs (kappa = 0.5523). */
void gb_ops_circle(gb_ops *o, double x, double y, double r);
/* Paints the current path: fill and/or stroke (f, S, B); neither ends it unpainted (n). */
void gb_ops_paint(gb_ops *o, int fill, int stroke);

/* ---- text ---- */
/* Selects font resource name (e.g. "F1", from gb_store_font_name; at most 24 bytes, a longer
 * one fails the writer) at size points (Tf), opening a text object if none is open. */
void gb_ops_font(gb_ops *o, const char *name, double size);
/* Shows codes[0..n) (2 bytes each, high byte first) with the text origin at (x, y); advance is
 * the strings's width in points (from the same widths as the font's /W), size the current font
 * size. A string on the baseline of the previous one, in the same font, to its right, joins it
 * in one TJ array with the gap as a displacement (9.4.3); otherwise the writer moves there
 * relative to the previous origin (Td). An array that stays one string is written as Tj. Strings are binary literal strings ("\(", "\)", "\\",
 * "\r", "\n" escaped): half the size of hex. */
void gb_ops_text(gb_ops *o, double x, double y, const uint16_t *codes, size_t n,
                 double advance, double size);
/* Closes an open text object (ET); the page's stream must end with none open. */
void gb_ops_end_text(gb_ops *o);

#endif
