/* pdf_doc.c — the PDF document over libharu: pages, drawing display lists, destinations resolved
 * at save time (so links may point forward), outline, metadata, atomic save. */
#include "typeset/pdf_doc.h"

#include "typeset/pdf_bodies.h"
#include "typeset/pdf_fonts.h"
#include "typeset/pdf_ops.h"
#include "typeset/pdf_store.h"
#include "util/atomic_file.h"
#include "util/grow.h"
#include "util/utf8.h"

#include <hpdf.h>
#include <hpdf_pages.h>

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The first libharu error, kept by the handler (later ones are consequences: errors are sticky,
 * LIBRARIES.md 2.1). */
typedef struct hpdf_err { unsigned long err, detail; } hpdf_err;

typedef struct dest_rec { int placed, page; double left, top; HPDF_Destination dst; } dest_rec;
typedef struct link_rec { int page, dest; double x0, y0, x1, y1; } link_rec;
typedef struct outline_rec { int level, dest; char *title; } outline_rec;
typedef struct label_rec {
    int page, first;
    gb_pdf_label_style style;
    char *prefix;
    size_t seq;   /* position in the order labels were given (set when sorting) */
} label_rec;

struct gb_pdf_doc {
    HPDF_Doc pdf;
    hpdf_err ec;
    gb_pdf_fonts *fonts;
    /* Pages: the finished ones compressed in the store, the current one (index npages - 1)
     * as operators in ops; libharu pages exist only while saving (pdf_store.h). */
    gb_store *store;
    int npages;
    double cur_w, cur_h;
    int cur_open;           /* the current page takes drawing (not yet stored) */
    unsigned cur_faces;     /* faces whose fonts the current page uses (bit per face) */
    size_t cur_body;        /* bytes of the current page's content that are its body (0: not
                               marked; gb_pdf_page_body) */
    HPDF_Page *hpages;      /* the libharu pages, while saving */
    dest_rec *dests;
    size_t ndests, cap_dests;
    link_rec *links;
    size_t nlinks, cap_links;
    outline_rec *outl;
    size_t nout, cap_out;
    label_rec *labels;
    size_t nlabels, cap_labels;
    int last_level;
    uint32_t *missing;      /* the distinct code points no face has, in the order met */
    size_t nmissing, cap_missing;
    int saved;
    int utf8;               /* libharu's UTF-8 encoder is set up (use_utf8) */
    int moved;              /* its pages went to another document (gb_pdf_doc_append) */
    /* The current page's content stream, handed to libharu when the page is complete
     * (pdf_ops.h says why we write the operators ourselves). */
    gb_ops ops;
    /* The graphics state already set on the current page (no q/Q is used, so it persists until
     * the page changes): repeated settings are not written again. */
    int st_fill_ok, st_stroke_ok;
    gb_rgb st_fill;
    gb_stroke st_stroke;
    HPDF_Font st_font;
    int st_face;            /* the face of st_font (when st_font is set) */
    double st_size;
};

static void set_fill(gb_pdf_doc *d, gb_rgb c)
{
    if (d->st_fill_ok && !memcmp(&d->st_fill, &c, sizeof c)) return;
    gb_ops_fill_rgb(&d->ops, c.r, c.g, c.b);
    d->st_fill = c;
    d->st_fill_ok = 1;
}

static void on_hpdf_error(HPDF_STATUS err, HPDF_STATUS detail, void *ud)
{
    hpdf_err *c = ud;
    if (!c->err) {
        c->err = err;
        c->detail = detail;
    }
}

static const struct { unsigned long code; const char *text; } hpdf_errors[] = {
    {0x1015, "HPDF_FAILD_TO_ALLOC_MEM: out of memory"},
    {0x1016, "HPDF_FILE_IO_ERROR: cannot read or write a file"},
    {0x1017, "HPDF_FILE_OPEN_ERROR: cannot open a file"},
    {0x1022, "HPDF_INVALID_DATE_TIME: invalid date"},
    {0x1023, "HPDF_INVALID_DESTINATION: invalid destination"},
    {0x1025, "HPDF_INVALID_DOCUMENT: document unusable after an earlier error"},
    {0x1026, "HPDF_INVALID_DOCUMENT_STATE: call in the wrong state"},
    {0x102F, "HPDF_INVALID_FONT_NAME: unknown font name"},
    {0x1036, "HPDF_INVALID_OUTLINE: invalid outline"},
    {0x1039, "HPDF_INVALID_PARAMETER: invalid parameter"},
    {0x104E, "HPDF_PAGE_FONT_NOT_FOUND: no font set on the page"},
    {0x1050, "HPDF_PAGE_INVALID_FONT_SIZE: invalid font size"},
    {0x1051, "HPDF_PAGE_INVALID_GMODE: operator not allowed in this graphics mode"},
    {0x1054, "HPDF_PAGE_INVALID_SIZE: invalid page size"},
    {0x1057, "HPDF_REAL_OUT_OF_RANGE: number out of range"},
    {0x105B, "HPDF_STRING_OUT_OF_RANGE: string too long"},
    {0x105D, "HPDF_TTF_CANNOT_EMBEDDING_FONT: the font forbids embedding"},
    {0x105E, "HPDF_TTF_INVALID_CMAP: unsupported cmap in the TrueType font"},
    {0x105F, "HPDF_TTF_INVALID_FOMAT: invalid TrueType font"},
    {0x1060, "HPDF_TTF_MISSING_TABLE: TrueType font lacks a required table"},
    {0x1066, "HPDF_ZLIB_ERROR: compression failed"},
    {0x1071, "HPDF_PAGE_NUM_STYLE_OUT_OF_RANGE: invalid page label style"},
    {0x1073, "HPDF_ANNOT_INVALID_BORDER_STYLE: invalid link border"},
};

/* A readable name for a libharu error code ("HPDF_FILE_OPEN_ERROR: cannot open a file"), static
 * storage; "unknown libharu error" for codes not in the table. */
static const char *gb_pdf_error_text(unsigned long code)
{
    for (size_t i = 0; i < sizeof hpdf_errors / sizeof *hpdf_errors; i++)
        if (hpdf_errors[i].code == code) return hpdf_errors[i].text;
    return "unknown libharu error";
}

/* Reports a pending libharu or font-loading error into e; 0 when there is none. */
static int check(gb_pdf_doc *d, gb_err *e, const char *what)
{
    const gb_err *fe = gb_pdf_fonts_error(d->fonts);
    if (fe->code) return gb_err_set(e, fe->code, NULL, 0, 0, "%s", fe->msg);
    if (d->ec.err)
        return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0,
                          "libharu error 0x%04lX (%s), detail %lu, while %s", d->ec.err,
                          gb_pdf_error_text(d->ec.err), d->ec.detail, what);
    return 0;
}

static int oom(gb_err *e) { return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory"); }

gb_pdf_doc *gb_pdf_doc_new(gb_err *e)
{
    gb_pdf_doc *d = calloc(1, sizeof *d);
    if (!d) {
        oom(e);
        return NULL;
    }
    d->pdf = HPDF_New(on_hpdf_error, &d->ec);
    d->fonts = d->pdf ? gb_pdf_fonts_new(d->pdf) : NULL;
    d->store = d->pdf ? gb_store_new(d->pdf) : NULL;
    if (!d->pdf || !d->fonts || !d->store) {
        gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "cannot create a libharu document");
        gb_pdf_doc_free(d);
        return NULL;
    }
    /* Compression is read when streams are created, so it goes first (LIBRARIES.md 2.1). */
    HPDF_STATUS st = HPDF_SetCompressionMode(d->pdf, HPDF_COMP_ALL);
    if (st != HPDF_OK && !d->ec.err) d->ec.err = st;
    if (check(d, e, "setting up the document")) {
        gb_pdf_doc_free(d);
        return NULL;
    }
    return d;
}

void gb_pdf_doc_free(gb_pdf_doc *d)
{
    if (!d) return;
    if (d->pdf) HPDF_Free(d->pdf);
    gb_pdf_fonts_free(d->fonts);
    gb_ops_free(&d->ops);
    free(d->missing);
    for (size_t i = 0; i < d->nout; i++) free(d->outl[i].title);
    for (size_t i = 0; i < d->nlabels; i++) free(d->labels[i].prefix);
    free(d->labels);
    free(d->outl);
    gb_store_free(d->store);
    free(d->hpages);
    free(d->dests);
    free(d->links);
    free(d);
}

void gb_pdf_thread_done(void)
{
    gb_bodies_thread_done();
    gb_pdf_fonts_thread_done();
    gb_store_thread_done();
}

int gb_pdf_doc_set_face(gb_pdf_doc *d, gb_face face, const char *ttf_path, gb_err *e)
{
    return gb_pdf_fonts_set(d->fonts, face, ttf_path, e);
}

gb_metrics gb_pdf_doc_metrics(gb_pdf_doc *d) { return gb_pdf_fonts_metrics(d->fonts); }

size_t gb_pdf_doc_missing_glyphs(const gb_pdf_doc *d) { return d->nmissing; }

/* Notes cp as drawn by a substitute (once per code point: a name on every page is one). */
static void note_missing(gb_pdf_doc *d, uint32_t cp)
{
    for (size_t i = 0; i < d->nmissing; i++)
        if (d->missing[i] == cp) return;
    uint32_t *m = gb_grow(d->missing, &d->cap_missing, d->nmissing + 1, sizeof *d->missing, 16);
    if (!m) return;   /* out of memory: the count is a lower bound */
    d->missing = m;
    d->missing[d->nmissing++] = cp;
}

int gb_pdf_page_count(const gb_pdf_doc *d) { return d->npages; }

/* libharu's UTF-8 encoder, for the document information and outline titles (fonts do not use
 * it): set up on first need, as it costs a 65,536-entry table (most documents of a class set
 * are never saved on their own). 0 or GB_EINTERNAL. */
static int use_utf8(gb_pdf_doc *d, gb_err *e)
{
    if (d->utf8) return 0;
    HPDF_STATUS st = HPDF_UseUTFEncodings(d->pdf);
    if (st == HPDF_OK) st = HPDF_SetCurrentEncoder(d->pdf, "UTF-8");
    if (st != HPDF_OK && !d->ec.err) d->ec.err = st;
    d->utf8 = st == HPDF_OK;
    return check(d, e, "setting up UTF-8 text");
}

int gb_pdf_doc_set_info(gb_pdf_doc *d, const gb_pdf_info *info, gb_err *e)
{
    int rc = use_utf8(d, e);
    if (rc) return rc;
    const struct { HPDF_InfoType type; const char *s; } attrs[] = {
        {HPDF_INFO_TITLE, info->title},       {HPDF_INFO_AUTHOR, info->author},
        {HPDF_INFO_SUBJECT, info->subject},   {HPDF_INFO_KEYWORDS, info->keywords},
        {HPDF_INFO_CREATOR, info->creator},
    };
    for (size_t i = 0; i < sizeof attrs / sizeof *attrs; i++) {
        if (!attrs[i].s) continue;
        if (!gb_utf8_valid(attrs[i].s, strlen(attrs[i].s), NULL))
            return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0,
                              "document information is not valid UTF-8: '%s'", attrs[i].s);
        HPDF_SetInfoAttr(d->pdf, attrs[i].type, attrs[i].s);
    }
    if (info->date >= 0) {
        struct tm tm;
        time_t t = info->date;
        if (!gmtime_r(&t, &tm))
            return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "date %lld out of range",
                              (long long)info->date);
        HPDF_Date dt = {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                        tm.tm_sec, 'Z', 0, 0};
        HPDF_SetInfoDateAttr(d->pdf, HPDF_INFO_CREATION_DATE, dt);
        HPDF_SetInfoDateAttr(d->pdf, HPDF_INFO_MOD_DATE, dt);
    }
    return check(d, e, "setting the document information");
}

/* Compresses the current page's operators into the store and forgets the page's graphics
 * state. 0 or GB_EINTERNAL. */
static int flush_page(gb_pdf_doc *d, gb_err *e)
{
    d->st_fill_ok = d->st_stroke_ok = 0;
    d->st_font = NULL;
    if (!d->cur_open) return 0;
    d->cur_open = 0;
    gb_ops_end_text(&d->ops);
    if (gb_ops_failed(&d->ops)) {
        gb_ops_clear(&d->ops);
        return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0,
                          "out of memory, or a coordinate out of range, writing page %d",
                          d->npages);
    }
    int rc = gb_store_add(d->store, d->cur_w, d->cur_h, d->ops.buf, d->ops.len, d->cur_body,
                          d->cur_faces, e) < 0;
    gb_ops_clear(&d->ops);
    d->cur_faces = 0;
    return rc ? (e->code ? e->code : GB_EINTERNAL) : 0;
}

int gb_pdf_page_close(gb_pdf_doc *d, gb_err *e)
{
    if (d->saved) return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "document already saved");
    return flush_page(d, e);
}

int gb_pdf_page_add(gb_pdf_doc *d, double width, double height, gb_err *e)
{
    if (!(width >= 3 && width <= 14400 && height >= 3 && height <= 14400)) {
        gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "page size %g x %g pt is outside 3..14400 pt",
                   width, height);
        return -1;
    }
    if (d->saved || check(d, e, "adding a page")) {
        if (d->saved) gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "document already saved");
        return -1;
    }
    if (flush_page(d, e)) return -1;
    d->cur_w = width;
    d->cur_h = height;
    d->cur_faces = 0;
    d->cur_body = 0;
    d->cur_open = 1;
    return d->npages++;
}

/* ---- drawing ---- */

static int bad_number(double v) { return !isfinite(v) || fabs(v) > 1e6; }

static void set_stroke(gb_pdf_doc *d, const gb_stroke *st)
{
    if (d->st_stroke_ok && !memcmp(&d->st_stroke, st, sizeof *st)) return;
    d->st_stroke = *st;
    d->st_stroke_ok = 1;
    gb_ops_line_width(&d->ops, st->width);
    gb_ops_dash(&d->ops, st->dash_on, st->dash_off);
    gb_ops_stroke_rgb(&d->ops, st->color.r, st->color.g, st->color.b);
}

static int draw_path(gb_pdf_doc *d, const gb_item *it, double dx, double dy, gb_err *e)
{
    if (!it->do_fill && !it->do_stroke) return 0;
    if (it->npts < 2)
        return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "a path needs 2 points, has %zu",
                          it->npts);
    for (size_t i = 0; i < 2 * it->npts; i++)
        if (bad_number(it->xy[i]))
            return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0,
                              "path point %zu is not a finite coordinate (%g)", i / 2, it->xy[i]);
    if (it->do_stroke) set_stroke(d, &it->stroke);
    if (it->do_fill) set_fill(d, it->fill);
    const double *p = it->xy;
    if (it->closed && it->npts == 4 && p[1] == p[3] && p[2] == p[4] && p[5] == p[7] &&
        p[6] == p[0]) {
        /* an axis-aligned rectangle (rules, fraction bars, boxes): one "re" */
        gb_ops_rect(&d->ops, p[0] + dx, p[1] + dy, p[4] - p[0], p[5] - p[1]);
    } else {
        gb_ops_move_to(&d->ops, p[0] + dx, p[1] + dy);
        for (size_t i = 1; i < it->npts; i++)
            gb_ops_line_to(&d->ops, p[2 * i] + dx, p[2 * i + 1] + dy);
        if (it->closed) gb_ops_close(&d->ops);
    }
    gb_ops_paint(&d->ops, it->do_fill, it->do_stroke);
    return 0;
}

static int draw_circle(gb_pdf_doc *d, const gb_item *it, double dx, double dy, gb_err *e)
{
    if (!it->do_fill && !it->do_stroke) return 0;
    if (bad_number(it->x) || bad_number(it->y) || !(it->r > 0) || bad_number(it->r))
        return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "bad circle (%g, %g) r %g", it->x, it->y,
                          it->r);
    if (it->do_stroke) set_stroke(d, &it->stroke);
    if (it->do_fill) set_fill(d, it->fill);
    gb_ops_circle(&d->ops, it->x + dx, it->y + dy, it->r);
    gb_ops_paint(&d->ops, it->do_fill, it->do_stroke);
    return 0;
}

/* Shows codes[0..n) (character codes of face's PDF font) at (x, y). */
static int show(gb_pdf_doc *d, gb_face face, double size, double x, double y,
                const uint16_t *codes, size_t n, double advance, gb_err *e)
{
    HPDF_Font font = gb_pdf_fonts_font(d->fonts, face);
    if (!font) {
        int rc = check(d, e, "creating a font");
        return rc ? rc : gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "no font for face %d",
                                    (int)face);
    }
    if (font != d->st_font || size != d->st_size) {
        /* one resource name per face on every page: "F<face>" (pdf_store.h) */
        char name[8];
        gb_ops_font(&d->ops, gb_store_font_name((unsigned)face, name), size);
        d->cur_faces |= 1u << face;
        d->st_font = font;
        d->st_face = (int)face;
        d->st_size = size;
    }
    gb_ops_text(&d->ops, x, y, codes, n, advance, size);
    return 0;
}

/* How a code point of a text run is drawn. */
typedef struct glyph {
    gb_glyph_kind kind;
    gb_face face;       /* the face that draws it */
    int advance;        /* 1/1000 em */
    uint16_t code;      /* its code in face's PDF font */
} glyph;

/* Looks cp up in face as drawing it does, with the same effects on the fonts (the glyph joins
 * the subset; a font object may be made) and on the missing list. */
static void lookup(gb_pdf_doc *d, gb_face face, uint32_t cp, glyph *g)
{
    if (gb_pdf_fonts_fast(d->fonts, face, cp, &g->face, &g->advance, &g->code)) {
        g->kind = GB_GLYPH_OWN;
        return;
    }
    gb_glyph_use u = gb_pdf_fonts_resolve(d->fonts, face, cp);
    if (u.kind >= GB_GLYPH_SUBST) note_missing(d, cp);
    g->kind = u.kind;
    g->face = u.face;
    g->advance = u.advance;
    g->code = (uint16_t)gb_pdf_fonts_code(d->fonts, &u);
}

/* The code point of text item it at byte *i, moving *i past it (invalid bytes: U+FFFD). */
static uint32_t next_cp(const gb_item *it, size_t *i)
{
    unsigned char b = (unsigned char)it->text[*i];
    if (b < 0x80) {
        (*i)++;
        return b;
    }
    uint32_t cp;
    *i += gb_utf8_decode(it->text + *i, it->len - *i, &cp);
    return cp;
}

/* A text run: consecutive code points drawn by the same face become one string at the x our
 * metrics give, so a fallback glyph sits exactly where the layout measured it. */
static int draw_text(gb_pdf_doc *d, const gb_item *it, double dx, double dy,
                     gb_err *e)
{
    if (it->len == 0) return 0;
    if (bad_number(it->x) || bad_number(it->y) || !(it->size > 0 && it->size <= 600))
        return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0,
                          "bad text run at (%g, %g) size %g", it->x, it->y, it->size);
    /* at most one code per input byte */
    uint16_t stackbuf[256], *codes = it->len <= 256 ? stackbuf : malloc(it->len * sizeof *codes);
    if (!codes) return oom(e);
    double k = it->size / 1000.0, x = it->x + dx, y = it->y + dy;
    int boxed = 0, rc = 0;
    size_t n = 0, i = 0;
    long seg_adv = 0;
    gb_face seg_face = GB_FACE_SERIF;
    set_fill(d, it->color);
    while (i < it->len && !rc) {
        uint32_t cp = next_cp(it, &i);
        glyph g;
        lookup(d, it->face, cp, &g);
        if (g.kind == GB_GLYPH_SUBST_BOX) boxed = 1;
        gb_face face = g.face;
        if (n && face != seg_face) {
            rc = show(d, seg_face, it->size, x, y, codes, n, (double)seg_adv * k, e);
            x += (double)seg_adv * k;
            n = 0;
            seg_adv = 0;
        }
        seg_face = face;
        codes[n++] = g.code;
        seg_adv += g.advance;
    }
    if (n && !rc) rc = show(d, seg_face, it->size, x, y, codes, n, (double)seg_adv * k, e);
    if (codes != stackbuf) free(codes);
    if (!rc && boxed) {
        /* Frame each '?' that stands for a character no font has, so it cannot pass for text. */
        gb_stroke st = {it->size / 20, 0, 0, it->color};
        set_stroke(d, &st);
        double bx = it->x + dx;
        i = 0;
        while (i < it->len) {
            uint32_t cp;
            i += gb_utf8_decode(it->text + i, it->len - i, &cp);
            gb_glyph_use u = gb_pdf_fonts_resolve(d->fonts, it->face, cp);
            if (u.kind == GB_GLYPH_SUBST_BOX)
                gb_ops_rect(&d->ops, bx, y - 100 * k, u.advance * k, 900 * k);
            bx += u.advance * k;
        }
        gb_ops_paint(&d->ops, 0, 1);
    }
    return rc ? rc : check(d, e, "drawing text");
}

/* Marks what was drawn on the current page so far as its body (pdf_store.h). */
static void end_body(gb_pdf_doc *d)
{
    /* the text object ends here, so what follows never rewrites the body's last bytes */
    gb_ops_end_text(&d->ops);
    d->cur_body = d->ops.len;
}

/* A LINK item becomes a link annotation of the current page (made at save time). 0 or
 * GB_EINTERNAL. */
static int add_link(gb_pdf_doc *d, const gb_item *it, double dx, double dy, gb_err *e)
{
    if (it->dest < 0 || (size_t)it->dest >= d->ndests)
        return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "link to unknown destination %d",
                          it->dest);
    if (bad_number(it->x) || bad_number(it->y) || bad_number(it->w) || bad_number(it->h))
        return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "bad link rectangle");
    link_rec *links = gb_grow(d->links, &d->cap_links, d->nlinks + 1, sizeof *d->links, 16);
    if (!links) return oom(e);
    (d->links = links)[d->nlinks++] = (link_rec){d->npages - 1, it->dest, it->x + dx, it->y + dy,
                                                 it->x + dx + it->w, it->y + dy + it->h};
    return 0;
}

/* 0 when the current page takes drawing, else GB_EINTERNAL. */
static int can_draw(const gb_pdf_doc *d, gb_err *e)
{
    if (d->saved) return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "document already saved");
    if (!d->cur_open)
        return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0,
                          d->npages ? "drawing on a page moved in from another document"
                                    : "drawing before any page");
    return 0;
}

int gb_pdf_page_draw(gb_pdf_doc *d, const gb_dlist *dl, double dx, double dy, gb_err *e)
{
    int rc = can_draw(d, e);
    if (rc) return rc;
    if (bad_number(dx) || bad_number(dy))
        return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "bad drawing offset (%g, %g)", dx, dy);
    rc = check(d, e, "drawing");
    for (size_t i = 0, n = gb_dlist_count(dl); i < n && !rc; i++) {
        const gb_item *it = gb_dlist_item(dl, i);
        switch (it->kind) {
        case GB_ITEM_TEXT: rc = draw_text(d, it, dx, dy, e); break;
        case GB_ITEM_PATH: rc = draw_path(d, it, dx, dy, e); break;
        case GB_ITEM_CIRCLE: rc = draw_circle(d, it, dx, dy, e); break;
        case GB_ITEM_LINK: rc = add_link(d, it, dx, dy, e); break;
        }
    }
    return rc;
}

/* ---- page bodies copied instead of drawn (pdf_bodies.h) ---- */

/* A set of glyph steps met (face and code point, stored + 1 so that 0 is empty). */
typedef struct step_set { uint64_t *v; size_t cap, n; } step_set;

/* 1 when (face, cp) is new (and now in the set), 0 when met before, -1 out of memory. */
static int step_set_add(step_set *s, int face, uint32_t cp)
{
    if (2 * (s->n + 1) > s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 512;
        uint64_t *v = calloc(cap, sizeof *v);
        if (!v) return -1;
        for (size_t i = 0; i < s->cap; i++) {
            if (!s->v[i]) continue;
            size_t j = (size_t)(s->v[i] * 0x9E3779B97F4A7C15ULL >> 40) & (cap - 1);
            while (v[j]) j = (j + 1) & (cap - 1);
            v[j] = s->v[i];
        }
        free(s->v);
        s->v = v;
        s->cap = cap;
    }
    uint64_t k = ((uint64_t)(unsigned)face << 32 | cp) + 1;
    size_t j = (size_t)(k * 0x9E3779B97F4A7C15ULL >> 40) & (s->cap - 1);
    while (s->v[j]) {
        if (s->v[j] == k) return 0;
        j = (j + 1) & (s->cap - 1);
    }
    s->v[j] = k;
    s->n++;
    return 1;
}

/* Appends a step; 0 or -1 out of memory. */
static int push_step(gb_body_step **st, size_t *n, size_t *cap, gb_body_step s)
{
    gb_body_step *p = gb_grow(*st, cap, *n + 1, sizeof **st, 64);
    if (!p) return -1;
    (*st = p)[(*n)++] = s;
    return 0;
}

/* The font steps of the body just drawn from in, into *steps (malloc'ed, *nsteps of them; NULL
 * when there are none): draw_text's lookups and font selections in the order it makes them,
 * each at its first occurrence (the lookups made now find what drawing made, so they change
 * nothing). 0, or -1 when out of memory. */
static int body_steps(gb_pdf_doc *d, const gb_body_input *in, gb_body_step **steps,
                      size_t *nsteps)
{
    gb_body_step *st = NULL;
    size_t n = 0, cap = 0;
    step_set seen = {0};
    unsigned fonts = 0;
    int rc = 0;
    for (size_t l = 0; l < in->n && !rc; l++) {
        const gb_dlist *dl = in->parts[l].dl;
        for (size_t k = 0, nk = gb_dlist_count(dl); k < nk && !rc; k++) {
            const gb_item *it = gb_dlist_item(dl, k);
            if (it->kind != GB_ITEM_TEXT || it->len == 0) continue;
            size_t i = 0;
            int open = 0;
            gb_face seg = GB_FACE_SERIF;
            while (i < it->len && !rc) {
                uint32_t cp = next_cp(it, &i);
                glyph g;
                lookup(d, it->face, cp, &g);
                int fresh = step_set_add(&seen, (int)it->face, cp);
                if (fresh < 0) rc = -1;
                else if (fresh)
                    rc = push_step(&st, &n, &cap, (gb_body_step){GB_STEP_GLYPH, (int)it->face, cp});
                if (!rc && open && g.face != seg && !(fonts >> seg & 1)) {
                    fonts |= 1u << seg;
                    rc = push_step(&st, &n, &cap, (gb_body_step){GB_STEP_FONT, (int)seg, 0});
                }
                seg = g.face;
                open = 1;
            }
            if (!rc && open && !(fonts >> seg & 1)) {
                fonts |= 1u << seg;
                rc = push_step(&st, &n, &cap, (gb_body_step){GB_STEP_FONT, (int)seg, 0});
            }
        }
    }
    free(seen.v);
    if (rc) {
        free(st);
        st = NULL;
        n = 0;
    }
    *steps = st;
    *nsteps = n;
    return rc;
}

/* The metrics key of d's fonts now (0: nothing may be reused). */
static uint64_t fonts_key(gb_pdf_doc *d)
{
    gb_metrics m = gb_pdf_fonts_metrics(d->fonts);
    return m.key ? m.key(m.ctx) : 0;
}

/* Makes the body b on the current (fresh) page as drawing it would: the same font steps, the
 * same operators, state and links. 0 or GB_EINTERNAL. */
static int replay(gb_pdf_doc *d, const gb_body *b, const gb_body_input *in, gb_err *e)
{
    for (size_t i = 0; i < b->nsteps; i++) {
        const gb_body_step *s = &b->steps[i];
        if (s->kind == GB_STEP_FONT) {
            if (!gb_pdf_fonts_font(d->fonts, (gb_face)s->face)) {
                int rc = check(d, e, "creating a font");
                return rc ? rc : gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "no font for face %d",
                                            s->face);
            }
        } else {
            glyph g;
            lookup(d, (gb_face)s->face, s->cp, &g);
        }
    }
    gb_ops_raw(&d->ops, b->ops, b->len);
    const gb_body_state *st = &b->state;
    d->st_fill_ok = st->fill_ok;
    d->st_fill = st->fill;
    d->st_stroke_ok = st->stroke_ok;
    d->st_stroke = st->stroke;
    d->st_font = st->font_face >= 0 ? gb_pdf_fonts_font(d->fonts, (gb_face)st->font_face) : NULL;
    d->st_face = st->font_face;
    d->st_size = st->size;
    d->cur_faces |= st->faces;
    int rc = 0;
    for (size_t l = 0; l < in->n && !rc; l++) {
        const gb_placed *p = &in->parts[l];
        for (size_t k = 0, nk = gb_dlist_count(p->dl); k < nk && !rc; k++) {
            const gb_item *it = gb_dlist_item(p->dl, k);
            if (it->kind == GB_ITEM_LINK) rc = add_link(d, it, p->dx, p->dy, e);
        }
    }
    end_body(d);
    return rc ? rc : check(d, e, "drawing");
}

int gb_pdf_page_body(gb_pdf_doc *d, const gb_placed *parts, size_t n, gb_err *e)
{
    int rc = can_draw(d, e);
    if (rc) return rc;
    /* only a body drawn on a fresh page is the same bytes wherever it is drawn */
    int fresh = d->ops.len == 0 && !d->st_fill_ok && !d->st_stroke_ok && !d->st_font &&
                !d->cur_faces;
    gb_body_input in = {fresh ? fonts_key(d) : 0, d->cur_w, d->cur_h, parts, n};
    for (size_t i = 0; i < n; i++)   /* a bad offset is never kept: drawing reports it */
        if (bad_number(parts[i].dx) || bad_number(parts[i].dy)) in.fonts_key = 0;
    const gb_body *b = gb_bodies_find(&in);
    if (b) return replay(d, b, &in, e);
    for (size_t i = 0; i < n && !rc; i++)
        rc = gb_pdf_page_draw(d, parts[i].dl, parts[i].dx, parts[i].dy, e);
    if (rc) return rc;
    end_body(d);
    /* kept only if the fonts measured alike throughout (a face may fail to load midway) */
    if (in.fonts_key && in.fonts_key == fonts_key(d) && !gb_ops_failed(&d->ops) &&
        gb_bodies_wanted(&in, d->ops.buf, d->cur_body)) {
        gb_body_state st = {d->st_fill_ok, d->st_stroke_ok, d->st_fill, d->st_stroke,
                            d->st_font ? d->st_face : -1, d->st_size, d->cur_faces};
        gb_body_step *steps;
        size_t nsteps;
        if (!body_steps(d, &in, &steps, &nsteps))
            gb_bodies_keep(&in, d->ops.buf, d->cur_body, &st, steps, nsteps);
        free(steps);
    }
    return 0;
}

/* ---- destinations, outline, labels ---- */

int gb_pdf_dest_new(gb_pdf_doc *d)
{
    if (d->ndests >= INT_MAX) return -1;   /* ids are ints */
    dest_rec *dests = gb_grow(d->dests, &d->cap_dests, d->ndests + 1, sizeof *d->dests, 16);
    if (!dests) return -1;
    d->dests = dests;
    memset(&d->dests[d->ndests], 0, sizeof *d->dests);
    return (int)d->ndests++;
}

int gb_pdf_dest_place(gb_pdf_doc *d, int dest, int page, double left, double top, gb_err *e)
{
    if (dest < 0 || (size_t)dest >= d->ndests)
        return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "unknown destination %d", dest);
    if (page < 0 || page >= d->npages)
        return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0,
                          "destination %d on page %d, but the document has %d pages", dest,
                          page, d->npages);
    if (bad_number(left) || bad_number(top))
        return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "bad destination point (%g, %g)", left,
                          top);
    dest_rec *r = &d->dests[dest];
    r->placed = 1;
    r->page = page;
    /* libharu rejects negative coordinates in /XYZ */
    r->left = left < 0 ? 0 : left;
    r->top = top < 0 ? 0 : top;
    return 0;
}

int gb_pdf_outline_add(gb_pdf_doc *d, int level, const char *title, int dest, gb_err *e)
{
    if (level < 1 || level > 3 || level > d->last_level + 1)
        return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0,
                          "outline level %d after level %d (levels are 1..3, one step deeper "
                          "at most)", level, d->last_level);
    if (dest < -1 || (dest >= 0 && (size_t)dest >= d->ndests))
        return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "outline entry to unknown destination %d",
                          dest);
    if (!title || !gb_utf8_valid(title, strlen(title), NULL))
        return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "outline title missing or not UTF-8");
    outline_rec *outl = gb_grow(d->outl, &d->cap_out, d->nout + 1, sizeof *d->outl, 16);
    if (!outl) return oom(e);
    d->outl = outl;
    char *t = strdup(title);
    if (!t) return oom(e);
    d->outl[d->nout++] = (outline_rec){level, dest, t};
    d->last_level = level;
    return 0;
}

int gb_pdf_page_label(gb_pdf_doc *d, int page, gb_pdf_label_style style, int first,
                      const char *prefix, gb_err *e)
{
    if (page < 0 || page >= d->npages || first < 1)
        return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "bad page label (page %d, first %d)",
                          page, first);
    label_rec *l = gb_grow(d->labels, &d->cap_labels, d->nlabels + 1, sizeof *d->labels, 16);
    if (!l) return oom(e);
    d->labels = l;
    char *pre = strdup(prefix ? prefix : "");
    if (!pre) return oom(e);
    d->labels[d->nlabels++] = (label_rec){page, first, style, pre, 0};
    return 0;
}

/* Page labels go to libharu when saving, in page order (a number tree, ISO 32000-1 7.9.7); of
 * labels for one page the one given last wins. qsort is not stable: the order given breaks
 * ties. */
static int cmp_label(const void *a, const void *b)
{
    const label_rec *x = a, *y = b;
    if (x->page != y->page) return (x->page > y->page) - (x->page < y->page);
    return (x->seq > y->seq) - (x->seq < y->seq);
}

static int write_labels(gb_pdf_doc *d, gb_err *e)
{
    for (size_t i = 0; i < d->nlabels; i++) d->labels[i].seq = i;
    if (d->nlabels > 1) qsort(d->labels, d->nlabels, sizeof *d->labels, cmp_label);
    for (size_t i = 0; i < d->nlabels; i++) {
        const label_rec *l = &d->labels[i];
        if (i + 1 < d->nlabels && d->labels[i + 1].page == l->page) continue;   /* last wins */
        HPDF_PageNumStyle s = l->style == GB_LABEL_ROMAN_LOWER ? HPDF_PAGE_NUM_STYLE_LOWER_ROMAN
                              : l->style == GB_LABEL_ROMAN_UPPER ? HPDF_PAGE_NUM_STYLE_UPPER_ROMAN
                                                                 : HPDF_PAGE_NUM_STYLE_DECIMAL;
        HPDF_AddPageLabel(d->pdf, (HPDF_UINT)l->page, s, (HPDF_UINT)l->first, l->prefix);
    }
    return check(d, e, "adding page labels");
}

int gb_pdf_doc_append(gb_pdf_doc *d, gb_pdf_doc *src, const char *title, gb_err *e)
{
    if (d->saved || src->moved || d == src)
        return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0,
                          "gb_pdf_doc_append: document saved or already moved");
    int rc = flush_page(d, e);
    if (!rc && !src->saved) rc = flush_page(src, e);
    if (!rc) rc = check(src, e, "moving pages");
    if (!rc) rc = gb_pdf_fonts_merge(d->fonts, src->fonts, e);
    if (rc) return rc;
    if (title && !src->npages)
        return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "an outline entry for no pages");
    /* With a title the entry stands for src's pages and src's own entries are left out (a
     * class set lists its students; libharu keeps every entry in memory while saving).
     * Without, src's levels must continue the document's (one step deeper at most). */
    size_t nout = title ? 0 : src->nout;
    int last = d->last_level;
    for (size_t i = 0; i < nout; i++) {
        if (src->outl[i].level > last + 1)
            return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0,
                              "moved outline entry of level %d after level %d",
                              src->outl[i].level, last);
        last = src->outl[i].level;
    }
    int page0 = gb_store_take(d->store, src->store, e);
    if (page0 < 0) return e->code ? e->code : GB_EINTERNAL;
    d->npages += src->npages;
    if (title) {
        int k = gb_pdf_dest_new(d);
        if (k < 0) return oom(e);
        rc = gb_pdf_dest_place(d, k, page0, 0, gb_store_height(d->store, page0), e);
        if (!rc) rc = gb_pdf_outline_add(d, 1, title, k, e);
        if (rc) return rc;
    }
    /* src's records go after d's, each array grown once; page and destination numbers are
     * shifted by d's pages and destinations before src's. */
    if (src->ndests) {
        dest_rec *p = gb_grow(d->dests, &d->cap_dests, d->ndests + src->ndests, sizeof *p, 16);
        if (!p) return oom(e);
        d->dests = p;
    }
    if (src->nlinks) {
        link_rec *p = gb_grow(d->links, &d->cap_links, d->nlinks + src->nlinks, sizeof *p, 16);
        if (!p) return oom(e);
        d->links = p;
    }
    if (nout) {
        outline_rec *p = gb_grow(d->outl, &d->cap_out, d->nout + nout, sizeof *p, 16);
        if (!p) return oom(e);
        d->outl = p;
    }
    if (src->nlabels) {
        label_rec *p = gb_grow(d->labels, &d->cap_labels, d->nlabels + src->nlabels, sizeof *p,
                               16);
        if (!p) return oom(e);
        d->labels = p;
    }
    int dest0 = (int)d->ndests;
    if (src->ndests) {
        dest_rec *r = d->dests + d->ndests;
        memcpy(r, src->dests, src->ndests * sizeof *r);
        for (size_t i = 0; i < src->ndests; i++) {
            r[i].page += page0;
            r[i].dst = NULL;
        }
        d->ndests += src->ndests;
    }
    if (src->nlinks) {
        link_rec *r = d->links + d->nlinks;
        memcpy(r, src->links, src->nlinks * sizeof *r);
        for (size_t i = 0; i < src->nlinks; i++) {
            r[i].page += page0;
            r[i].dest += dest0;
        }
        d->nlinks += src->nlinks;
    }
    if (nout) {
        outline_rec *r = d->outl + d->nout;
        memcpy(r, src->outl, nout * sizeof *r);
        for (size_t i = 0; i < nout; i++) {
            if (r[i].dest >= 0) r[i].dest += dest0;
            src->outl[i].title = NULL;   /* moved */
        }
        d->nout += nout;
        d->last_level = r[nout - 1].level;
    }
    if (src->nlabels) {
        label_rec *r = d->labels + d->nlabels;
        memcpy(r, src->labels, src->nlabels * sizeof *r);
        for (size_t i = 0; i < src->nlabels; i++) {
            r[i].page += page0;
            src->labels[i].prefix = NULL;   /* moved */
        }
        d->nlabels += src->nlabels;
    }
    for (size_t i = 0; i < src->nmissing; i++) note_missing(d, src->missing[i]);
    /* emptied: nothing more may be drawn, saved or moved */
    src->saved = src->moved = 1;
    src->npages = 0;
    for (size_t i = 0; i < src->nout; i++) free(src->outl[i].title);   /* left out, or NULL */
    for (size_t i = 0; i < src->nlabels; i++) free(src->labels[i].prefix);
    src->nlinks = src->nout = src->nlabels = 0;
    src->ndests = 0;
    return 0;
}

/* ---- saving ---- */

static HPDF_Destination destination(gb_pdf_doc *d, int dest, gb_err *e)
{
    dest_rec *r = &d->dests[dest];
    if (!r->placed) {
        gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "destination %d is used but was never placed",
                   dest);
        return NULL;
    }
    if (!r->dst) {
        r->dst = HPDF_Page_CreateDestination(d->hpages[r->page]);
        /* zoom 1, not 0: libharu 2.3.0 rejects 0 ("keep zoom") (LIBRARIES.md 2.1) */
        if (r->dst) HPDF_Destination_SetXYZ(r->dst, (HPDF_REAL)r->left, (HPDF_REAL)r->top, 1);
        if (!r->dst || check(d, e, "creating a destination")) {
            if (!r->dst) gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "cannot create destination");
            r->dst = NULL;
            return NULL;
        }
    }
    return r->dst;
}

static int resolve(gb_pdf_doc *d, gb_err *e)
{
    for (size_t i = 0; i < d->nlinks; i++) {
        const link_rec *l = &d->links[i];
        HPDF_Destination dst = destination(d, l->dest, e);
        if (!dst) return e && e->code ? e->code : GB_EINTERNAL;
        HPDF_Rect rect = {(HPDF_REAL)l->x0, (HPDF_REAL)l->y0, (HPDF_REAL)l->x1,
                          (HPDF_REAL)l->y1};
        HPDF_Annotation a = HPDF_Page_CreateLinkAnnot(d->hpages[l->page], rect, dst);
        /* without /Border viewers draw a 1 pt black frame (LIBRARIES.md 2.1) */
        if (a) HPDF_LinkAnnot_SetBorderStyle(a, 0, 0, 0);
        int rc = check(d, e, "creating a link");
        if (rc) return rc;
    }
    if (d->nout && use_utf8(d, e)) return e->code;
    HPDF_Encoder enc = d->nout ? HPDF_GetEncoder(d->pdf, "UTF-8") : NULL;
    HPDF_Outline parent[4] = {NULL, NULL, NULL, NULL};
    for (size_t i = 0; i < d->nout; i++) {
        const outline_rec *o = &d->outl[i];
        HPDF_Outline ol = HPDF_CreateOutline(d->pdf, parent[o->level - 1], o->title, enc);
        if (ol) {
            HPDF_Outline_SetOpened(ol, HPDF_TRUE);
            if (o->dest >= 0) {
                HPDF_Destination dst = destination(d, o->dest, e);
                if (!dst) return e && e->code ? e->code : GB_EINTERNAL;
                HPDF_Outline_SetDestination(ol, dst);
            }
        }
        int rc = check(d, e, "creating the outline");
        if (rc) return rc;
        if (!ol) return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "cannot create outline entry");
        parent[o->level] = ol;
        for (int l = o->level + 1; l < 4; l++) parent[l] = NULL;
    }
    if (d->nout) HPDF_SetPageMode(d->pdf, HPDF_PAGE_MODE_USE_OUTLINE);
    return check(d, e, "resolving links and outline");
}

static HPDF_Font font_of(void *ctx, unsigned k)
{
    gb_pdf_doc *d = ctx;
    return k < GB_FACE_COUNT ? gb_pdf_fonts_font(d->fonts, (gb_face)k) : NULL;
}

static int write_pdf(const char *tmp, void *ctx, gb_err *e)
{
    gb_pdf_doc *d = ctx;
    HPDF_STATUS st = HPDF_SaveToFile(d->pdf, tmp);
    int rc = check(d, e, "writing the file");
    if (!rc && st != HPDF_OK)
        rc = gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "libharu error 0x%04lX (%s) writing %s",
                        (unsigned long)st, gb_pdf_error_text(st), tmp);
    return rc;
}

int gb_pdf_doc_save(gb_pdf_doc *d, const char *path, gb_err *e)
{
    if (d->saved) return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "document already saved");
    d->saved = 1;
    if (!d->npages)
        return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "%s: a PDF needs at least one page",
                          path);
    int rc = check(d, e, "saving");
    if (!rc) rc = flush_page(d, e);
    if (!rc) rc = gb_pdf_fonts_finish(d->fonts, e);
    if (!rc && !(d->hpages = calloc((size_t)d->npages, sizeof *d->hpages))) rc = oom(e);
    if (!rc) rc = gb_store_to_pages(d->store, font_of, d, d->hpages, e);
    if (!rc) rc = check(d, e, "creating the pages");
    if (!rc) rc = write_labels(d, e);
    if (!rc) rc = resolve(d, e);
    if (rc) return rc;
    return gb_atomic_write(path, write_pdf, d, e);
}
