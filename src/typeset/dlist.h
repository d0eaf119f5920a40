/* dlist.h — display lists: what a laid-out piece (a line of text, a formula, a table, a plot, a
 * page) draws, as positioned text runs and vector shapes, independent of libharu.
 *
 * Layout modules build display lists; pdf_doc.h draws them onto pages. Coordinates are points in
 * the list's own frame, y upward; a piece is placed by appending it to another list with an
 * offset. A list owns copies of its strings and point arrays. */
#ifndef GB_DLIST_H
#define GB_DLIST_H

#include "typeset/metrics.h"

#include <stddef.h>

typedef struct gb_rgb { double r, g, b; } gb_rgb;   /* each 0..1 */

#define GB_BLACK ((gb_rgb){0, 0, 0})
#define GB_WHITE ((gb_rgb){1, 1, 1})

/* How a line is stroked: width in points, dash pattern (on, off in points; 0, 0 = solid),
 * colour. */
typedef struct gb_stroke {
    double width;
    double dash_on, dash_off;
    gb_rgb color;
} gb_stroke;

typedef enum gb_item_kind {
    GB_ITEM_TEXT,      /* a run of UTF-8 text in one face and size, origin on the baseline */
    GB_ITEM_PATH,      /* a polyline or polygon: stroked and/or filled */
    GB_ITEM_CIRCLE,    /* a circle: stroked and/or filled */
    GB_ITEM_LINK       /* a clickable rectangle leading to a destination (see pdf_doc.h) */
} gb_item_kind;

typedef struct gb_item {
    gb_item_kind kind;
    gb_face face;       /* TEXT */
    int closed;         /* PATH: 1 = polygon (closed), 0 = open polyline */
    int do_fill, do_stroke;   /* PATH, CIRCLE */
    int dest;           /* LINK: destination number (gb_pdf_dest_new) */
    double size;        /* TEXT: font size, points */
    double x, y;        /* TEXT: origin; CIRCLE: centre; LINK: lower-left corner */
    /* the fields of one kind only (C11 anonymous members): an item is ~140 bytes, not ~210 */
    union {
        struct {        /* TEXT */
            const char *text;   /* UTF-8, NUL-terminated, owned by the list */
            size_t len;         /* bytes */
            gb_rgb color;       /* fill colour */
        };
        struct {        /* PATH, CIRCLE */
            const double *xy;   /* PATH: x0, y0, x1, y1, ... (npts points), owned by the list */
            size_t npts;
            gb_rgb fill;
            gb_stroke stroke;
            double r;           /* CIRCLE: radius */
        };
        struct {        /* LINK */
            double w, h;        /* size of the rectangle */
        };
    };
} gb_item;

typedef struct gb_dlist gb_dlist;

/* A list placed on a page: drawn translated by (dx, dy) points (borrowed). */
typedef struct gb_placed {
    const gb_dlist *dl;
    double dx, dy;
} gb_placed;

/* A new empty list; NULL when out of memory. Free with gb_dlist_free (NULL is fine). */
gb_dlist *gb_dlist_new(void);
void gb_dlist_free(gb_dlist *dl);
/* Removes all items (keeps the allocation). */
void gb_dlist_clear(gb_dlist *dl);

size_t gb_dlist_count(const gb_dlist *dl);
/* Item i (< count), borrowed: valid until the list changes. */
const gb_item *gb_dlist_item(const gb_dlist *dl, size_t i);

/* An item's fields other than kind, face, closed, do_fill, do_stroke, dest, size, x and y are
 * those of its kind only: read the TEXT fields of a TEXT item, and so on. */

/* Appending. All return 0, or -1 when out of memory (the list is unchanged then). Strings and
 * point arrays are copied. */
int gb_dl_text(gb_dlist *dl, gb_face face, double size, double x, double y,
               const char *utf8, size_t len, gb_rgb color);
int gb_dl_line(gb_dlist *dl, double x0, double y0, double x1, double y1, const gb_stroke *st);
/* Open polyline (closed = 0) or polygon (closed = 1) through npts points xy[2*i], xy[2*i+1].
 * fill NULL = not filled; st NULL = not stroked. */
int gb_dl_path(gb_dlist *dl, const double *xy, size_t npts, int closed, const gb_rgb *fill,
               const gb_stroke *st);
/* Axis-aligned rectangle with lower-left (x, y), width w, height h. */
int gb_dl_rect(gb_dlist *dl, double x, double y, double w, double h, const gb_rgb *fill,
               const gb_stroke *st);
int gb_dl_circle(gb_dlist *dl, double cx, double cy, double r, const gb_rgb *fill,
                 const gb_stroke *st);
int gb_dl_link(gb_dlist *dl, double x, double y, double w, double h, int dest);

/* Appends every item of src (another list; unchanged) to dst, translated by (dx, dy) points:
 * text, points and paint are copied into dst's memory. Returns 0, or -1 when out of memory (dst
 * then holds the items appended before). */
int gb_dl_append(gb_dlist *dst, const gb_dlist *src, double dx, double dy);

/* Moves every item of src to the end of dst, translated by (dx, dy): the coordinates
 * gb_dl_append(dst, src, dx, dy) gives, without copying text or points (dst takes over src's
 * memory). src is left empty; a shared src (gb_dlist_share) is copied instead (gb_dl_append) and
 * left as it is. dst must be another list, not shared. Returns 0, or -1 when out of memory:
 * then both lists are unchanged, except that a shared src's copy may have left part of its
 * items in dst (as gb_dl_append does). */
int gb_dl_take(gb_dlist *dst, gb_dlist *src, double dx, double dy);

/* Every field of every item of dl (those of its kind, see above), as bytes given to put in
 * order, preceded by the number of items: equal lists give equal bytes, and lists that draw
 * differently give different bytes (the memo's keys, memo.h). dl NULL gives no items. */
void gb_dlist_bytes(const gb_dlist *dl, void (*put)(void *ctx, const void *p, size_t n),
                    void *ctx);

/* 1 when a and b hold the same items: every field gb_dlist_bytes gives, equal bit for bit
 * (so -0.0 and 0.0 differ), text and points compared whole; else 0. NULL counts as empty. Such
 * lists draw the same bytes (pdf_doc.h uses this to copy a page body drawn before). */
int gb_dlist_same(const gb_dlist *a, const gb_dlist *b);

/* Moves every item of dl by (dx, dy) in place: the same coordinates gb_dl_append(empty, dl,
 * dx, dy) would give, without a copy. */
void gb_dl_translate(gb_dlist *dl, double dx, double dy);

/* One more owner of dl (the layout memo's paragraphs, memo.h, are handed out this way instead
 * of copied): returns dl; each owner frees it with gb_dlist_free, the last one for real. A
 * shared list must not change: appending to it, translating or clearing it is a programming
 * error (an assertion); gb_dl_take copies from it instead of moving. Owners are on one thread
 * (the count is not atomic). */
gb_dlist *gb_dlist_share(gb_dlist *dl);
/* 1 when dl has more than one owner (gb_dlist_share). */
int gb_dlist_shared(const gb_dlist *dl);

/* A new list holding exact copies of src's items (every coordinate bit for bit, -0.0 included);
 * src NULL gives an empty list. NULL when out of memory. Free with gb_dlist_free. */
gb_dlist *gb_dlist_copy(const gb_dlist *src);

/* Bounding box of all items (text boxes from metrics m: advance x [-descent, ascent]); an empty
 * list gives all zeros. */
gb_bbox gb_dlist_bbox(const gb_dlist *dl, const gb_metrics *m);

#endif
