/* diagram.h — node-and-edge diagrams as display lists: circles with centred labels (and an
 * optional second block of smaller text inside or below), straight edges between node borders
 * with optional arrowheads and labels on a white pad, and a helper that lays out layered
 * networks as vertically centred columns.
 *
 * All lengths are PostScript points, y upward. Node positions are given in any frame of the
 * caller's; gb_diagram_render translates everything so that the figure's lower-left corner
 * (margin included) is the origin and reports the figure's width and height. Text is measured
 * through a gb_metrics only.
 *
 * Edge labels are placed at a fraction t along the visible part of the edge (from the source's
 * border to the target's), centred on the line (the white pad hides the line under the text).
 * If that box would overlap an earlier edge label or a node (circle or its text), the renderer
 * tries, on the line (offset 0), t +- 0.05, +- 0.10, ... +- 0.30 (kept within 0.1..0.9), then
 * the same at +5 and at -5 pt perpendicular to the edge ("up" side first), and takes the first
 * free place; if none is free the requested place is kept. Edges are placed in the order added.
 *
 * Strings are copied. Errors: functions returning int give 0 (or an index >= 0) on success and
 * GB_EINPUT (bad argument) or GB_EINTERNAL (out of memory) as a NEGATIVE number for the
 * index-returning ones; the first error is kept (sticky) and returned again by render. */
#ifndef GB_DIAGRAM_H
#define GB_DIAGRAM_H

#include "typeset/dlist.h"
#include "typeset/metrics.h"
#include "util/diag.h"

#include <stddef.h>

typedef struct gb_diagram_opts {
    gb_face label_face;    /* node labels (default GB_FACE_SERIF_ITALIC: x0, h1, ŷ are variables) */
    gb_face small_face;    /* node sub text and edge labels (default GB_FACE_SANS) */
    double label_size;     /* node label font size, points (default 10) */
    double sub_size;       /* node sub text font size (default 7) */
    double edge_size;      /* edge label font size (default 7.5) */
    double margin;         /* space around the drawing, points (default 4) */
    int uniform;           /* 1 = every node gets the largest radius needed by any node (default) */
    gb_rgb node_fill;      /* default node fill (default a very light blue-grey) */
} gb_diagram_opts;

gb_diagram_opts gb_diagram_defaults(void);

typedef struct gb_diagram gb_diagram;

/* A new empty diagram (o NULL = defaults; out-of-range sizes replaced by defaults); NULL when out
 * of memory. Free with gb_diagram_free (NULL is fine). */
gb_diagram *gb_diagram_new(const gb_diagram_opts *o);
void gb_diagram_free(gb_diagram *d);

/* Adds a node centred at (x, y) (finite) with radius r (points; the radius is enlarged at render
 * when the text inside needs more room; r <= 0 means "just fit the text"). label: UTF-8 centred in
 * the circle (NULL = none). sub: smaller text, lines separated by '\n' (NULL = none), set inside
 * the circle under the label (sub_below = 0) or centred under the circle (sub_below = 1).
 * Returns the node index (0, 1, ...) or -GB_EINPUT / -GB_EINTERNAL. */
int gb_diagram_node(gb_diagram *d, double x, double y, double r, const char *label,
                    const char *sub, int sub_below);
/* Replaces the texts of node i (same meaning as above). Returns 0 or GB_EINPUT/GB_EINTERNAL. */
int gb_diagram_node_text(gb_diagram *d, int i, const char *label, const char *sub, int sub_below);
/* Fill colour of node i. Returns 0 or GB_EINPUT. */
int gb_diagram_node_fill(gb_diagram *d, int i, gb_rgb fill);

/* Adds a straight edge from node `from` to node `to` (different, existing). label: UTF-8 or NULL.
 * t: label position along the visible edge, 0 < t < 1 (anything else: 0.3, near the source,
 * which keeps labels of edges that cross in the middle apart). arrow: 1 = arrowhead at `to`.
 * Returns the edge index or -GB_EINPUT / -GB_EINTERNAL. */
int gb_diagram_edge(gb_diagram *d, int from, int to, const char *label, double t, int arrow);

/* Layered network layout: creates counts[0] + ... + counts[nlayers-1] unlabelled nodes of
 * radius r; layer l is the column x = l * col_gap, its nodes spaced row_gap apart from top to
 * bottom and vertically centred on y = 0. first[l] (array of nlayers, may be NULL) receives the
 * index of the first node of layer l; node k of layer l is first[l] + k (k = 0 at the top).
 * Every count must be >= 1 and <= 1000, nlayers >= 1, gaps > 0. Returns 0 or GB_EINPUT /
 * GB_EINTERNAL. */
int gb_diagram_layers(gb_diagram *d, const int *counts, size_t nlayers, double col_gap,
                      double row_gap, double r, int *first);

/* Lays out and appends the diagram to out, measuring with m; *w, *h (may be NULL) receive the
 * figure size in points. Returns 0, the first recorded error, GB_EINPUT for NULL arguments or an
 * empty diagram, or GB_EINTERNAL (out of memory). On error a message goes to e (may be NULL). */
int gb_diagram_render(gb_diagram *d, const gb_metrics *m, gb_dlist *out, double *w, double *h,
                      gb_err *e);

/* Geometry of the last render, in figure points (for tests and callers that annotate).
 * Each returns 0, or -1 when the index is out of range or nothing was rendered. */
int gb_diagram_node_geom(const gb_diagram *d, int i, double *cx, double *cy, double *r);
/* The visible edge: from the source's border (x0, y0) to the target's border or arrow tip
 * (x1, y1). For nodes that overlap, both points are the midpoint of the centres. */
int gb_diagram_edge_geom(const gb_diagram *d, int i, double *x0, double *y0, double *x1, double *y1);
/* The box of edge i's label (white pad included); -1 also when the edge has no label. */
int gb_diagram_label_box(const gb_diagram *d, int i, gb_bbox *box);

#endif
