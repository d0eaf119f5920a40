/* dlist.c — display lists: a growable array of items; their text and points live in the list's
 * own chunks of memory (a page holds thousands of runs: one allocation each made building and
 * freeing lists a fifth of a worksheet's work). */
#include "typeset/dlist.h"
#include "util/grow.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A block of the list's memory; blocks never move, so items may point into them. */
typedef struct chunk {
    struct chunk *next;
    size_t used, cap;
    _Alignas(double) unsigned char data[];
} chunk;

struct gb_dlist {
    gb_item *items;
    size_t n, cap;
    chunk *mem;      /* newest first */
    unsigned refs;   /* owners besides the first (gb_dlist_share): the list must not change */
};

gb_dlist *gb_dlist_new(void) { return calloc(1, sizeof(gb_dlist)); }

/* n bytes aligned for doubles from the list's chunks; NULL when out of memory. */
static void *take(gb_dlist *dl, size_t n)
{
    n = (n + 7) & ~(size_t)7;
    chunk *c = dl->mem;
    if (!c || c->cap - c->used < n) {
        /* a list's first chunk is small (most hold a line or a formula: a small request, not
         * one that makes malloc consolidate its free lists), each next one twice the last */
        size_t cap = c ? (c->cap < 65536 ? 2 * c->cap : c->cap) : 480;
        if (cap < n) cap = n;
        c = malloc(sizeof *c + cap);
        if (!c) return NULL;
        c->next = dl->mem;
        c->used = 0;
        c->cap = cap;
        dl->mem = c;
    }
    void *p = c->data + c->used;
    c->used += n;
    return p;
}

void gb_dlist_clear(gb_dlist *dl)
{
    if (!dl) return;
    assert(!dl->refs);
    while (dl->mem) {
        chunk *next = dl->mem->next;
        free(dl->mem);
        dl->mem = next;
    }
    dl->n = 0;
}

gb_dlist *gb_dlist_share(gb_dlist *dl)
{
    if (dl) dl->refs++;
    return dl;
}

int gb_dlist_shared(const gb_dlist *dl) { return dl && dl->refs; }

void gb_dlist_free(gb_dlist *dl)
{
    if (!dl) return;
    if (dl->refs) {   /* another owner keeps it */
        dl->refs--;
        return;
    }
    gb_dlist_clear(dl);
    free(dl->items);
    free(dl);
}

size_t gb_dlist_count(const gb_dlist *dl) { return dl ? dl->n : 0; }
const gb_item *gb_dlist_item(const gb_dlist *dl, size_t i) { return &dl->items[i]; }

static gb_item *push(gb_dlist *dl)
{
    assert(!dl->refs);   /* a shared list never changes */
    gb_item *items = gb_grow(dl->items, &dl->cap, dl->n + 1, sizeof *items, 16);
    if (!items) return NULL;
    dl->items = items;
    gb_item *it = &dl->items[dl->n];
    memset(it, 0, sizeof *it);
    return it;
}

int gb_dl_text(gb_dlist *dl, gb_face face, double size, double x, double y,
               const char *utf8, size_t len, gb_rgb color)
{
    gb_item *it = push(dl);
    char *t = it ? take(dl, len + 1) : NULL;
    if (!t) return -1;
    memcpy(t, utf8, len);
    t[len] = '\0';
    it->kind = GB_ITEM_TEXT;
    it->face = face;
    it->size = size;
    it->x = x;
    it->y = y;
    it->text = t;
    it->len = len;
    it->color = color;
    dl->n++;
    return 0;
}

/* A new path item of npts points with the given paint; returns the list's room for its
 * 2 * npts coordinates (x0, y0, x1, y1, ...), for the caller to fill, or NULL when out of
 * memory (nothing added). */
static double *path_item(gb_dlist *dl, size_t npts, int closed, const gb_rgb *fill,
                         const gb_stroke *st)
{
    gb_item *it = push(dl);
    double *p = it ? take(dl, (npts ? npts : 1) * 2 * sizeof *p) : NULL;
    if (!p) return NULL;
    it->kind = GB_ITEM_PATH;
    it->xy = p;
    it->npts = npts;
    it->closed = closed;
    if (fill) { it->do_fill = 1; it->fill = *fill; }
    if (st) { it->do_stroke = 1; it->stroke = *st; }
    dl->n++;
    return p;
}

int gb_dl_path(gb_dlist *dl, const double *xy, size_t npts, int closed, const gb_rgb *fill,
               const gb_stroke *st)
{
    double *p = path_item(dl, npts, closed, fill, st);
    if (!p) return -1;
    memcpy(p, xy, npts * 2 * sizeof *p);
    return 0;
}

int gb_dl_line(gb_dlist *dl, double x0, double y0, double x1, double y1, const gb_stroke *st)
{
    double xy[4] = {x0, y0, x1, y1};
    return gb_dl_path(dl, xy, 2, 0, NULL, st);
}

int gb_dl_rect(gb_dlist *dl, double x, double y, double w, double h, const gb_rgb *fill,
               const gb_stroke *st)
{
    double xy[8] = {x, y, x + w, y, x + w, y + h, x, y + h};
    return gb_dl_path(dl, xy, 4, 1, fill, st);
}

int gb_dl_circle(gb_dlist *dl, double cx, double cy, double r, const gb_rgb *fill,
                 const gb_stroke *st)
{
    gb_item *it = push(dl);
    if (!it) return -1;
    it->kind = GB_ITEM_CIRCLE;
    it->x = cx;
    it->y = cy;
    it->r = r;
    if (fill) { it->do_fill = 1; it->fill = *fill; }
    if (st) { it->do_stroke = 1; it->stroke = *st; }
    dl->n++;
    return 0;
}

int gb_dl_link(gb_dlist *dl, double x, double y, double w, double h, int dest)
{
    gb_item *it = push(dl);
    if (!it) return -1;
    it->kind = GB_ITEM_LINK;
    it->x = x;
    it->y = y;
    it->w = w;
    it->h = h;
    it->dest = dest;
    dl->n++;
    return 0;
}

/* src's items appended to dst: moved by (dx, dy) when move, else copied exactly (x + 0.0 would
 * turn -0.0 into +0.0). */
static int append(gb_dlist *dst, const gb_dlist *src, int move, double dx, double dy)
{
    if (!move) dx = dy = 0;
#define MX(v) (move ? (v) + dx : (v))
#define MY(v) (move ? (v) + dy : (v))
    for (size_t i = 0; i < src->n; i++) {
        const gb_item *s = &src->items[i];
        int rc = 0;
        switch (s->kind) {
        case GB_ITEM_TEXT:
            rc = gb_dl_text(dst, s->face, s->size, MX(s->x), MY(s->y), s->text, s->len, s->color);
            break;
        case GB_ITEM_PATH: {
            /* the moved points are written straight into dst's memory */
            double *p = path_item(dst, s->npts, s->closed, s->do_fill ? &s->fill : NULL,
                                  s->do_stroke ? &s->stroke : NULL);
            if (!p) return -1;
            for (size_t k = 0; k < s->npts; k++) {
                p[2 * k] = MX(s->xy[2 * k]);
                p[2 * k + 1] = MY(s->xy[2 * k + 1]);
            }
            break;
        }
        case GB_ITEM_CIRCLE:
            rc = gb_dl_circle(dst, MX(s->x), MY(s->y), s->r, s->do_fill ? &s->fill : NULL,
                              s->do_stroke ? &s->stroke : NULL);
            break;
        case GB_ITEM_LINK:
            rc = gb_dl_link(dst, MX(s->x), MY(s->y), s->w, s->h, s->dest);
            break;
        }
        if (rc) return rc;
    }
#undef MX
#undef MY
    return 0;
}

int gb_dl_append(gb_dlist *dst, const gb_dlist *src, double dx, double dy)
{
    return append(dst, src, 1, dx, dy);
}

#define PUT(v) put(ctx, &(v), sizeof(v))

/* A filled or stroked item's paint: the flags, then the colours and stroke in use. */
static void paint_bytes(const gb_item *it, void (*put)(void *, const void *, size_t), void *ctx)
{
    PUT(it->do_fill);
    PUT(it->do_stroke);
    if (it->do_fill) PUT(it->fill);
    if (it->do_stroke) PUT(it->stroke);
}

void gb_dlist_bytes(const gb_dlist *dl, void (*put)(void *ctx, const void *p, size_t n),
                    void *ctx)
{
    size_t n = gb_dlist_count(dl);
    PUT(n);
    for (size_t i = 0; i < n; i++) {
        const gb_item *it = &dl->items[i];
        int kind = (int)it->kind, face = (int)it->face;
        PUT(kind);
        switch (it->kind) {
        case GB_ITEM_TEXT:
            PUT(face);
            PUT(it->size);
            PUT(it->x);
            PUT(it->y);
            PUT(it->color);
            PUT(it->len);
            put(ctx, it->text, it->len);
            break;
        case GB_ITEM_PATH:
            PUT(it->npts);
            put(ctx, it->xy, it->npts * 2 * sizeof *it->xy);
            PUT(it->closed);
            paint_bytes(it, put, ctx);
            break;
        case GB_ITEM_CIRCLE:
            PUT(it->x);
            PUT(it->y);
            PUT(it->r);
            paint_bytes(it, put, ctx);
            break;
        case GB_ITEM_LINK:
            PUT(it->x);
            PUT(it->y);
            PUT(it->w);
            PUT(it->h);
            PUT(it->dest);
            break;
        }
    }
}

#undef PUT

/* Bit-for-bit equality of a field (doubles compare as bits: -0.0 differs from 0.0, a NaN equals
 * itself). */
#define SAME(a, b) (!memcmp(&(a), &(b), sizeof(a)))

static int same_paint(const gb_item *a, const gb_item *b)
{
    return a->do_fill == b->do_fill && a->do_stroke == b->do_stroke &&
           (!a->do_fill || SAME(a->fill, b->fill)) && (!a->do_stroke || SAME(a->stroke, b->stroke));
}

int gb_dlist_same(const gb_dlist *a, const gb_dlist *b)
{
    size_t n = gb_dlist_count(a);
    if (n != gb_dlist_count(b)) return 0;
    for (size_t i = 0; i < n; i++) {
        const gb_item *x = &a->items[i], *y = &b->items[i];
        if (x->kind != y->kind) return 0;
        switch (x->kind) {
        case GB_ITEM_TEXT:
            if (x->face != y->face || x->len != y->len || !SAME(x->size, y->size) ||
                !SAME(x->x, y->x) || !SAME(x->y, y->y) || !SAME(x->color, y->color) ||
                memcmp(x->text, y->text, x->len))
                return 0;
            break;
        case GB_ITEM_PATH:
            if (x->npts != y->npts || x->closed != y->closed || !same_paint(x, y) ||
                memcmp(x->xy, y->xy, x->npts * 2 * sizeof *x->xy))
                return 0;
            break;
        case GB_ITEM_CIRCLE:
            if (!SAME(x->x, y->x) || !SAME(x->y, y->y) || !SAME(x->r, y->r) || !same_paint(x, y))
                return 0;
            break;
        case GB_ITEM_LINK:
            if (!SAME(x->x, y->x) || !SAME(x->y, y->y) || !SAME(x->w, y->w) || !SAME(x->h, y->h) ||
                x->dest != y->dest)
                return 0;
            break;
        }
    }
    return 1;
}

#undef SAME

void gb_dl_translate(gb_dlist *dl, double dx, double dy)
{
    assert(!dl || !dl->refs);
    for (size_t i = 0; dl && i < dl->n; i++) {
        gb_item *it = &dl->items[i];
        if (it->kind == GB_ITEM_PATH) {
            double *p = (double *)(uintptr_t)it->xy;   /* the list's own memory */
            for (size_t k = 0; k < it->npts; k++) {
                p[2 * k] += dx;
                p[2 * k + 1] += dy;
            }
        } else {
            it->x += dx;
            it->y += dy;
        }
    }
}

int gb_dl_take(gb_dlist *dst, gb_dlist *src, double dx, double dy)
{
    assert(dst != src && !dst->refs);
    if (!src || !src->n) return 0;
    if (src->refs) return gb_dl_append(dst, src, dx, dy);   /* its items stay where they are */
    gb_item *items = gb_grow(dst->items, &dst->cap, dst->n + src->n, sizeof *dst->items, 16);
    if (!items) return -1;
    dst->items = items;
    gb_dl_translate(src, dx, dy);
    memcpy(dst->items + dst->n, src->items, src->n * sizeof *src->items);
    dst->n += src->n;
    /* the items point into src's chunks: dst keeps them (after its own, which stay first for
     * what it allocates next) */
    if (src->mem) {
        chunk **tail = &dst->mem;
        while (*tail) tail = &(*tail)->next;
        *tail = src->mem;
        src->mem = NULL;
    }
    src->n = 0;
    return 0;
}

gb_dlist *gb_dlist_copy(const gb_dlist *src)
{
    gb_dlist *dl = gb_dlist_new();
    if (!dl || !src || !src->n) return dl;
    /* sized at once: the items' array and one chunk for their text and points (copies are made
     * for every remembered formula and line handed out, memo.h) */
    size_t bytes = 0;
    for (size_t i = 0; i < src->n; i++) {
        const gb_item *it = &src->items[i];
        if (it->kind == GB_ITEM_TEXT) bytes += (it->len + 1 + 7) & ~(size_t)7;
        else if (it->kind == GB_ITEM_PATH)
            bytes += ((it->npts ? it->npts : 1) * 2 * sizeof(double) + 7) & ~(size_t)7;
    }
    dl->items = malloc(src->n * sizeof *dl->items);
    chunk *c = bytes && dl->items ? malloc(sizeof *c + bytes) : NULL;
    if (!dl->items || (bytes && !c)) {
        gb_dlist_free(dl);
        return NULL;
    }
    dl->cap = src->n;
    if (c) {
        c->next = NULL;
        c->used = 0;
        c->cap = bytes;
        dl->mem = c;
    }
    if (append(dl, src, 0, 0, 0)) {
        gb_dlist_free(dl);
        return NULL;
    }
    return dl;
}

static void grow(gb_bbox *b, int *first, double x0, double y0, double x1, double y1)
{
    if (*first) {
        b->llx = x0; b->lly = y0; b->urx = x1; b->ury = y1;
        *first = 0;
        return;
    }
    if (x0 < b->llx) b->llx = x0;
    if (y0 < b->lly) b->lly = y0;
    if (x1 > b->urx) b->urx = x1;
    if (y1 > b->ury) b->ury = y1;
}

gb_bbox gb_dlist_bbox(const gb_dlist *dl, const gb_metrics *m)
{
    gb_bbox b = {0, 0, 0, 0};
    int first = 1;
#define GROW(X0, Y0, X1, Y1) grow(&b, &first, (X0), (Y0), (X1), (Y1))
    for (size_t i = 0; i < dl->n; i++) {
        const gb_item *it = &dl->items[i];
        switch (it->kind) {
        case GB_ITEM_TEXT: {
            gb_vmetrics vm;
            m->vmetrics(m->ctx, it->face, it->size, &vm);
            double w = m->advance(m->ctx, it->face, it->text, it->len, it->size);
            GROW(it->x, it->y - vm.descent, it->x + w, it->y + vm.ascent);
            break;
        }
        case GB_ITEM_PATH: {
            double hw = it->do_stroke ? it->stroke.width / 2 : 0;
            for (size_t k = 0; k < it->npts; k++) {
                double x = it->xy[2 * k], y = it->xy[2 * k + 1];
                GROW(x - hw, y - hw, x + hw, y + hw);
            }
            break;
        }
        case GB_ITEM_CIRCLE:
            GROW(it->x - it->r, it->y - it->r, it->x + it->r, it->y + it->r);
            break;
        case GB_ITEM_LINK:
            break;
        }
    }
#undef GROW
    return b;
}
