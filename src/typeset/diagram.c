/* diagram.c — lays out node-and-edge diagrams (layered networks) into display lists, placing
 * edge labels greedily so that they overlap neither each other nor the nodes. */
#include "typeset/diagram.h"
#include "util/grow.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct node {
    double x, y, r;             /* as given */
    char *label, *sub;
    int sub_below;
    gb_rgb fill;
    double rr;                  /* radius used at the last render */
    gb_bbox sub_box;            /* last render: box of sub text below the node (if any) */
    int has_sub_box;
} node;

typedef struct edge {
    int from, to;
    char *label;
    double t;
    int arrow;
    double x0, y0, x1, y1;      /* last render, diagram frame */
    gb_bbox box;                /* last render, label box (diagram frame) */
} edge;

struct gb_diagram {
    gb_diagram_opts o;
    node *nodes;
    size_t nn, ncap;
    edge *edges;
    size_t ne, ecap;
    gb_err err;
    int rendered;
    double dx, dy;              /* translation diagram frame -> figure frame */
};

#define ARROW_LEN 5.0
#define ARROW_HALF 2.0
#define LABEL_PAD 1.5

gb_diagram_opts gb_diagram_defaults(void)
{
    gb_diagram_opts o = {GB_FACE_SERIF_ITALIC, GB_FACE_SANS, 10, 7, 7.5, 4, 1, {0.93, 0.95, 0.98}};
    return o;
}

/* Records the first error of diagram d (NULL: none is recorded) as "diagram: <message>";
 * returns code. The format (the first argument after code) must be a string literal. */
#define fail(d, code, ...) \
    gb_err_set((d) ? &(d)->err : NULL, (code), NULL, 0, 0, "diagram: " __VA_ARGS__)

gb_diagram *gb_diagram_new(const gb_diagram_opts *o)
{
    gb_diagram *d = calloc(1, sizeof *d);
    if (!d) return NULL;
    gb_diagram_opts df = gb_diagram_defaults();
    d->o = o ? *o : df;
    if ((unsigned)d->o.label_face >= GB_FACE_COUNT) d->o.label_face = df.label_face;
    if ((unsigned)d->o.small_face >= GB_FACE_COUNT) d->o.small_face = df.small_face;
    if (!(d->o.label_size > 0 && d->o.label_size < 100)) d->o.label_size = df.label_size;
    if (!(d->o.sub_size > 0 && d->o.sub_size < 100)) d->o.sub_size = df.sub_size;
    if (!(d->o.edge_size > 0 && d->o.edge_size < 100)) d->o.edge_size = df.edge_size;
    if (!(d->o.margin >= 0 && d->o.margin < 1000)) d->o.margin = df.margin;
    gb_err_clear(&d->err);
    return d;
}

void gb_diagram_free(gb_diagram *d)
{
    if (!d) return;
    for (size_t i = 0; i < d->nn; i++) { free(d->nodes[i].label); free(d->nodes[i].sub); }
    for (size_t i = 0; i < d->ne; i++) free(d->edges[i].label);
    free(d->nodes);
    free(d->edges);
    free(d);
}

static char *dupstr(const char *s)
{
    if (!s || !*s) return NULL;
    size_t n = strlen(s);
    char *c = malloc(n + 1);
    if (c) memcpy(c, s, n + 1);
    return c;
}

int gb_diagram_node_text(gb_diagram *d, int i, const char *label, const char *sub, int sub_below)
{
    if (!d) return GB_EINPUT;
    if (i < 0 || (size_t)i >= d->nn) return fail(d, GB_EINPUT, "no node %d", i);
    char *l = dupstr(label), *s = dupstr(sub);
    if ((label && *label && !l) || (sub && *sub && !s)) {
        free(l); free(s);
        return fail(d, GB_EINTERNAL, "out of memory");
    }
    node *n = &d->nodes[i];
    free(n->label); free(n->sub);
    n->label = l;
    n->sub = s;
    n->sub_below = sub_below ? 1 : 0;
    return 0;
}

int gb_diagram_node(gb_diagram *d, double x, double y, double r, const char *label,
                    const char *sub, int sub_below)
{
    if (!d) return -GB_EINPUT;
    if (!isfinite(x) || !isfinite(y) || fabs(x) > 1e6 || fabs(y) > 1e6 || isnan(r) || r > 1e4)
        return -fail(d, GB_EINPUT, "node at (%g, %g) radius %g: position must be finite (|.| <= 1e6), "
                     "radius <= 1e4", x, y, r);
    node *nn = gb_grow(d->nodes, &d->ncap, d->nn + 1, sizeof *nn, 8);
    if (!nn) return -fail(d, GB_EINTERNAL, "out of memory");
    d->nodes = nn;
    node *n = &d->nodes[d->nn];
    memset(n, 0, sizeof *n);
    n->x = x; n->y = y; n->r = r > 0 ? r : 0;
    n->fill = d->o.node_fill;
    d->nn++;
    int rc = gb_diagram_node_text(d, (int)d->nn - 1, label, sub, sub_below);
    if (rc) { d->nn--; return -rc; }
    return (int)d->nn - 1;
}

int gb_diagram_node_fill(gb_diagram *d, int i, gb_rgb fill)
{
    if (!d) return GB_EINPUT;
    if (i < 0 || (size_t)i >= d->nn) return fail(d, GB_EINPUT, "no node %d", i);
    d->nodes[i].fill = fill;
    return 0;
}

int gb_diagram_edge(gb_diagram *d, int from, int to, const char *label, double t, int arrow)
{
    if (!d) return -GB_EINPUT;
    if (from < 0 || to < 0 || (size_t)from >= d->nn || (size_t)to >= d->nn || from == to)
        return -fail(d, GB_EINPUT, "edge %d -> %d: nodes must exist and differ", from, to);
    edge *ne = gb_grow(d->edges, &d->ecap, d->ne + 1, sizeof *ne, 8);
    if (!ne) return -fail(d, GB_EINTERNAL, "out of memory");
    d->edges = ne;
    edge *e = &d->edges[d->ne];
    memset(e, 0, sizeof *e);
    e->from = from; e->to = to;
    e->t = (t > 0 && t < 1) ? t : 0.3;
    e->arrow = arrow ? 1 : 0;
    e->label = dupstr(label);
    if (label && *label && !e->label) return -fail(d, GB_EINTERNAL, "out of memory");
    return (int)d->ne++;
}

int gb_diagram_layers(gb_diagram *d, const int *counts, size_t nlayers, double col_gap,
                      double row_gap, double r, int *first)
{
    if (!d) return GB_EINPUT;
    if (!counts || nlayers == 0 || nlayers > 1000)
        return fail(d, GB_EINPUT, "layers: need 1..1000 layer sizes");
    if (!(col_gap > 0 && col_gap < 1e4) || !(row_gap > 0 && row_gap < 1e4))
        return fail(d, GB_EINPUT, "layers: gaps %g, %g must be in (0, 1e4)", col_gap, row_gap);
    for (size_t l = 0; l < nlayers; l++)
        if (counts[l] < 1 || counts[l] > 1000)
            return fail(d, GB_EINPUT, "layer %zu has %d nodes (1..1000 allowed)", l, counts[l]);
    for (size_t l = 0; l < nlayers; l++) {
        double top = (counts[l] - 1) * row_gap / 2;
        for (int k = 0; k < counts[l]; k++) {
            int idx = gb_diagram_node(d, (double)l * col_gap, top - k * row_gap, r, NULL, NULL, 0);
            if (idx < 0) return -idx;
            if (k == 0 && first) first[l] = idx;
        }
    }
    return 0;
}

/* ---------- rendering ---------- */

typedef struct rctx {
    const gb_diagram *d;
    const gb_metrics *m;
    int oom;
} rctx;

static double width_of(const rctx *c, gb_face f, const char *s, size_t len, double size)
{
    return c->m->advance(c->m->ctx, f, s, len, size);
}

/* Splits sub text s at each '\n' into starts[]/lens[] (at most cap lines). Returns the number of
 * lines. */
static size_t sub_lines(const char *s, const char **starts, size_t *lens, size_t cap)
{
    size_t n = 0;
    while (s && n < cap) {
        const char *nl = strchr(s, '\n');
        size_t len = nl ? (size_t)(nl - s) : strlen(s);
        starts[n] = s;
        lens[n] = len;
        n++;
        s = nl ? nl + 1 : NULL;
    }
    return n;
}

#define MAXLINES 8

/* Radius a node's inside text needs: the circle around the text block's box, plus a pad. */
static double needed_radius(const rctx *c, const node *n)
{
    const gb_diagram_opts *o = &c->d->o;
    gb_vmetrics vl;
    c->m->vmetrics(c->m->ctx, o->label_face, o->label_size, &vl);
    double w = 0, h = 0;
    if (n->label) {
        w = width_of(c, o->label_face, n->label, strlen(n->label), o->label_size);
        h = vl.cap_height + vl.descent;
    }
    if (n->sub && !n->sub_below) {
        if (n->label) h = vl.ascent + vl.descent + 1;
        const char *st[MAXLINES];
        size_t ln[MAXLINES], k = sub_lines(n->sub, st, ln, MAXLINES);
        for (size_t i = 0; i < k; i++) w = fmax(w, width_of(c, o->small_face, st[i], ln[i], o->sub_size));
        h += (double)k * o->sub_size * 1.15;
    }
    if (w == 0 && h == 0) return 6;
    return sqrt(w * w + h * h) / 2 + 1.5;
}

static int boxes_overlap(const gb_bbox *a, const gb_bbox *b)
{
    return a->llx < b->urx && b->llx < a->urx && a->lly < b->ury && b->lly < a->ury;
}

static int box_hits_circle(const gb_bbox *b, double cx, double cy, double r)
{
    double qx = fmin(fmax(cx, b->llx), b->urx), qy = fmin(fmax(cy, b->lly), b->ury);
    return (qx - cx) * (qx - cx) + (qy - cy) * (qy - cy) < r * r;
}

static void draw_text_c(rctx *c, gb_dlist *dl, gb_face f, double size, double cx, double base,
                        const char *s, size_t len, gb_rgb col)
{
    double w = width_of(c, f, s, len, size);
    if (gb_dl_text(dl, f, size, cx - w / 2, base, s, len, col)) c->oom = 1;
}

int gb_diagram_render(gb_diagram *d, const gb_metrics *m, gb_dlist *out, double *w, double *h,
                      gb_err *e)
{
    if (!d || !m || !out) {
        gb_err_set(e, GB_EINPUT, NULL, 0, 0, "diagram: render needs a diagram, metrics and a list");
        return GB_EINPUT;
    }
    d->rendered = 0;
    if (w) *w = 0;
    if (h) *h = 0;
    if (d->err.code == GB_OK && d->nn == 0) fail(d, GB_EINPUT, "nothing to draw (no nodes)");
    if (d->err.code != GB_OK) {
        if (e && e->code == GB_OK) *e = d->err;
        return d->err.code;
    }
    rctx c = {d, m, 0};
    const gb_diagram_opts *o = &d->o;
    gb_vmetrics vl, vs, ve;
    m->vmetrics(m->ctx, o->label_face, o->label_size, &vl);
    m->vmetrics(m->ctx, o->small_face, o->sub_size, &vs);
    m->vmetrics(m->ctx, o->small_face, o->edge_size, &ve);

    /* radii */
    double rmax = 0;
    for (size_t i = 0; i < d->nn; i++) {
        node *n = &d->nodes[i];
        n->rr = fmax(n->r, needed_radius(&c, n));
        rmax = fmax(rmax, n->rr);
    }
    if (o->uniform)
        for (size_t i = 0; i < d->nn; i++) d->nodes[i].rr = rmax;
    /* boxes of sub text below nodes (obstacles for edge labels) */
    for (size_t i = 0; i < d->nn; i++) {
        node *n = &d->nodes[i];
        n->has_sub_box = 0;
        if (!n->sub || !n->sub_below) continue;
        const char *st[MAXLINES];
        size_t ln[MAXLINES], k = sub_lines(n->sub, st, ln, MAXLINES);
        double wmax = 0;
        for (size_t j = 0; j < k; j++) wmax = fmax(wmax, width_of(&c, o->small_face, st[j], ln[j], o->sub_size));
        n->sub_box.llx = n->x - wmax / 2;
        n->sub_box.urx = n->x + wmax / 2;
        n->sub_box.ury = n->y - n->rr - 2;
        n->sub_box.lly = n->sub_box.ury - (double)k * o->sub_size * 1.15;
        n->has_sub_box = 1;
    }

    gb_dlist *dl = gb_dlist_new();
    if (!dl) { fail(d, GB_EINTERNAL, "out of memory"); goto fail_out; }

    /* edges: geometry, lines and arrowheads (under the nodes' fills and the labels) */
    gb_stroke es = {0.7, 0, 0, {0.25, 0.25, 0.25}};
    for (size_t k = 0; k < d->ne; k++) {
        edge *ed = &d->edges[k];
        const node *a = &d->nodes[ed->from], *b = &d->nodes[ed->to];
        double vx = b->x - a->x, vy = b->y - a->y, len = hypot(vx, vy);
        if (len <= a->rr + b->rr + (ed->arrow ? ARROW_LEN : 0)) {
            ed->x0 = ed->x1 = (a->x + b->x) / 2;
            ed->y0 = ed->y1 = (a->y + b->y) / 2;
            continue;   /* overlapping nodes: no visible edge */
        }
        double ux = vx / len, uy = vy / len;
        ed->x0 = a->x + a->rr * ux; ed->y0 = a->y + a->rr * uy;
        ed->x1 = b->x - b->rr * ux; ed->y1 = b->y - b->rr * uy;
        double lx = ed->x1, ly = ed->y1;
        if (ed->arrow) {
            lx -= ARROW_LEN * ux; ly -= ARROW_LEN * uy;
            double tri[6] = {ed->x1, ed->y1, lx - ARROW_HALF * uy, ly + ARROW_HALF * ux,
                             lx + ARROW_HALF * uy, ly - ARROW_HALF * ux};
            if (gb_dl_path(dl, tri, 3, 1, &es.color, NULL)) c.oom = 1;
        }
        if (gb_dl_line(dl, ed->x0, ed->y0, lx, ly, &es)) c.oom = 1;
    }

    /* nodes */
    gb_stroke ns = {0.8, 0, 0, GB_BLACK};
    for (size_t i = 0; i < d->nn; i++) {
        const node *n = &d->nodes[i];
        if (gb_dl_circle(dl, n->x, n->y, n->rr, &n->fill, &ns)) c.oom = 1;
        const char *st[MAXLINES];
        size_t ln[MAXLINES], k = n->sub ? sub_lines(n->sub, st, ln, MAXLINES) : 0;
        int inside = n->sub && !n->sub_below;
        /* Alone, a label is centred on its cap height (looks centred); above sub text it
         * takes its full ascent, so accents such as the hat of ŷ keep clear of the next line. */
        double asc = inside ? vl.ascent : vl.cap_height;
        double lab_h = n->label ? asc : 0, sub_h = inside ? (double)k * o->sub_size * 1.15 : 0;
        double gap = (n->label && inside) ? vl.descent + 1 : 0;   /* clear of descenders */
        double top = n->y + (lab_h + gap + sub_h) / 2;   /* block vertically centred */
        if (n->label)
            draw_text_c(&c, dl, o->label_face, o->label_size, n->x, top - asc, n->label,
                        strlen(n->label), GB_BLACK);
        if (n->sub) {
            double y = inside ? top - lab_h - gap : n->sub_box.ury;
            for (size_t j = 0; j < k; j++) {
                double base = y - (double)j * o->sub_size * 1.15 - vs.cap_height -
                              0.075 * o->sub_size;
                draw_text_c(&c, dl, o->small_face, o->sub_size, n->x, base, st[j], ln[j], GB_BLACK);
            }
        }
    }

    /* edge labels: greedy placement */
    for (size_t k = 0; k < d->ne; k++) {
        edge *ed = &d->edges[k];
        if (!ed->label) continue;
        double lw = width_of(&c, o->small_face, ed->label, strlen(ed->label), o->edge_size);
        double bw = lw + 2 * LABEL_PAD, bh = ve.cap_height + ve.descent + 2 * LABEL_PAD;
        double vx = ed->x1 - ed->x0, vy = ed->y1 - ed->y0, len = hypot(vx, vy);
        double nx = 0, ny = 1;
        if (len > 0) { nx = -vy / len; ny = vx / len; if (ny < 0 || (ny == 0 && nx < 0)) { nx = -nx; ny = -ny; } }
        static const double offs[3] = {0, 5, -5};
        gb_bbox best = {0, 0, 0, 0};
        int found = 0;
        /* on the line first (any t), then beside it: a label off its line is ambiguous */
        for (int q = 0; q < 3 && !found; q++)
            for (int step = 0; step <= 12 && !found; step++) {
                double dt = (step == 0) ? 0 : ((step + 1) / 2) * 0.05 * ((step % 2) ? 1 : -1);
                double t = ed->t + dt;
                if (step > 0 && (t < 0.1 || t > 0.9)) continue;
                double cx = ed->x0 + t * vx + offs[q] * nx, cy = ed->y0 + t * vy + offs[q] * ny;
                gb_bbox bx = {cx - bw / 2, cy - bh / 2, cx + bw / 2, cy + bh / 2};
                if (step == 0 && q == 0) best = bx;
                int clash = 0;
                for (size_t j = 0; j < k && !clash; j++)
                    if (d->edges[j].label && boxes_overlap(&bx, &d->edges[j].box)) clash = 1;
                for (size_t i = 0; i < d->nn && !clash; i++) {
                    const node *n = &d->nodes[i];
                    if (box_hits_circle(&bx, n->x, n->y, n->rr + 1)) clash = 1;
                    if (n->has_sub_box && boxes_overlap(&bx, &n->sub_box)) clash = 1;
                }
                if (!clash) { best = bx; found = 1; }
            }
        ed->box = best;
        gb_rgb white = GB_WHITE;
        if (gb_dl_rect(dl, best.llx, best.lly, bw, bh, &white, NULL)) c.oom = 1;
        if (gb_dl_text(dl, o->small_face, o->edge_size, best.llx + LABEL_PAD,
                       best.lly + LABEL_PAD + ve.descent, ed->label, strlen(ed->label), GB_BLACK))
            c.oom = 1;
    }
    if (c.oom) { fail(d, GB_EINTERNAL, "out of memory"); gb_dlist_free(dl); goto fail_out; }

    gb_bbox bb = gb_dlist_bbox(dl, m);
    d->dx = o->margin - bb.llx;
    d->dy = o->margin - bb.lly;
    if (gb_dl_append(out, dl, d->dx, d->dy)) {
        gb_dlist_free(dl);
        fail(d, GB_EINTERNAL, "out of memory");
        goto fail_out;
    }
    gb_dlist_free(dl);
    if (w) *w = bb.urx - bb.llx + 2 * o->margin;
    if (h) *h = bb.ury - bb.lly + 2 * o->margin;
    d->rendered = 1;
    return 0;

fail_out:
    if (e && e->code == GB_OK) *e = d->err;
    return d->err.code;
}

int gb_diagram_node_geom(const gb_diagram *d, int i, double *cx, double *cy, double *r)
{
    if (!d || !d->rendered || i < 0 || (size_t)i >= d->nn) return -1;
    const node *n = &d->nodes[i];
    if (cx) *cx = n->x + d->dx;
    if (cy) *cy = n->y + d->dy;
    if (r) *r = n->rr;
    return 0;
}

int gb_diagram_edge_geom(const gb_diagram *d, int i, double *x0, double *y0, double *x1, double *y1)
{
    if (!d || !d->rendered || i < 0 || (size_t)i >= d->ne) return -1;
    const edge *e = &d->edges[i];
    if (x0) *x0 = e->x0 + d->dx;
    if (y0) *y0 = e->y0 + d->dy;
    if (x1) *x1 = e->x1 + d->dx;
    if (y1) *y1 = e->y1 + d->dy;
    return 0;
}

int gb_diagram_label_box(const gb_diagram *d, int i, gb_bbox *box)
{
    if (!d || !d->rendered || i < 0 || (size_t)i >= d->ne || !d->edges[i].label) return -1;
    if (box) {
        const gb_bbox *b = &d->edges[i].box;
        box->llx = b->llx + d->dx; box->lly = b->lly + d->dy;
        box->urx = b->urx + d->dx; box->ury = b->ury + d->dy;
    }
    return 0;
}
