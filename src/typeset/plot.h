/* plot.h — 2-D plots as display lists: framed axes (linear or log10), nice ticks and labels, a
 * light grid, line series, scatter markers, two-colour shading of a grid of values, contour lines
 * by marching squares, reference lines and a legend.
 *
 * A plot takes numbers only. Build it with gb_plot_new, add axes settings and layers (drawn in
 * the order: shading, grid, contours and series, reference lines, frame and ticks, legend), then
 * gb_plot_render appends it to a gb_dlist. All lengths are PostScript points, y upward; the
 * figure's origin is the lower-left corner of the whole figure (tick and axis labels included)
 * and its size is exactly opts.width x opts.height. Text is measured through a gb_metrics only.
 *
 * Data are COPIED when added: the caller's arrays may be freed right after each call.
 * Non-finite data points are skipped (a line breaks there); on a log10 axis, data <= 0 are
 * skipped the same way. Lines and contours are clipped geometrically to the plot area (the
 * frame); a marker is drawn whole when its centre lies inside the frame and not at all otherwise;
 * shading cells are cut to the frame.
 *
 * Axes: the automatic range of an axis is the range of everything added (series points, grid
 * extents, reference lines) widened to the outermost nice ticks (ticks.h); a fixed range is kept
 * exactly. Tick counts start at ~6 and drop until neighbouring x tick labels keep 0.8 em apart
 * and y tick labels a label height apart (measured with the metrics). Only the bottom and left
 * edges carry ticks; tick labels use U+2212 as minus sign and draw 10^e as "10" plus a raised
 * exponent at 0.7 size.
 *
 * Errors: every gb_plot_add_* / setter returns 0, GB_EINPUT (bad argument: NULL data with n > 0,
 * grid smaller than 2 x 2, non-finite level or range, lo >= hi, axis not 0/1, ...) or
 * GB_EINTERNAL (out of memory). The first error is also kept in the plot (sticky, like libharu)
 * and returned again by gb_plot_render, which then draws nothing. */
#ifndef GB_PLOT_H
#define GB_PLOT_H

#include "typeset/dlist.h"
#include "typeset/metrics.h"
#include "util/diag.h"

#include <stddef.h>

enum { GB_AXIS_X = 0, GB_AXIS_Y = 1 };

typedef enum gb_line_style {
    GB_LINE_SOLID = 0,
    GB_LINE_DASHED,     /* 4 pt on, 2 pt off (whole points: libharu's dash takes integers) */
    GB_LINE_DOTTED,     /* 1 pt on, 2 pt off */
    GB_LINE_NONE        /* markers only */
} gb_line_style;

typedef enum gb_marker {
    GB_MARK_NONE = 0,
    GB_MARK_CIRCLE,
    GB_MARK_SQUARE,
    GB_MARK_TRIANGLE,
    GB_MARK_CROSS       /* an x of two strokes (always "open") */
} gb_marker;

typedef enum gb_corner {
    GB_CORNER_NONE = 0, /* no legend */
    GB_CORNER_NE, GB_CORNER_NW, GB_CORNER_SE, GB_CORNER_SW
} gb_corner;

/* How a series (or contour) is drawn. */
typedef struct gb_series_style {
    gb_rgb color;
    double width;        /* line width, points (<= 0: 1.2) */
    gb_line_style line;
    gb_marker marker;
    double marker_size;  /* marker diameter / side, points (<= 0: 4.5) */
    int marker_open;     /* 1 = outline on white, 0 = filled */
} gb_series_style;

/* Okabe & Ito's colour-blind-safe palette (2008), in the order blue, vermillion, bluish green,
 * orange, reddish purple, sky blue, yellow, black; i is taken modulo 8 (negative i -> 0). */
gb_rgb gb_plot_color(int i);
/* c mixed with white: f = 1 keeps c, f = 0 gives white (f clamped to 0..1). For light shading. */
gb_rgb gb_plot_tint(gb_rgb c, double f);
/* A solid 1.2 pt line in gb_plot_color(i), no marker. */
gb_series_style gb_plot_style(int i);

/* Figure-wide settings. */
typedef struct gb_plot_opts {
    double width, height;  /* whole figure, points (defaults 300 x 200; each >= 60) */
    gb_face face;          /* face of all plot text (default GB_FACE_SANS) */
    double tick_size;      /* font size of tick labels, points (default 8) */
    double label_size;     /* font size of axis labels (default 9) */
    double legend_size;    /* font size of legend and reference-line labels (default 8) */
    int ticks_outside;     /* 0 = ticks point into the plot area (default), 1 = outwards */
    int grid;              /* 1 = light grey grid at major ticks (default), 0 = none */
} gb_plot_opts;

gb_plot_opts gb_plot_defaults(void);

typedef struct gb_plot gb_plot;

/* A new empty plot; o NULL means gb_plot_defaults(). Sizes out of range are replaced by the
 * defaults. NULL when out of memory. Free with gb_plot_free (NULL is fine). */
gb_plot *gb_plot_new(const gb_plot_opts *o);
void gb_plot_free(gb_plot *p);

/* Axis label (UTF-8, copied; NULL or "" = none). The x label is centred under the tick labels;
 * the y label is set horizontally above the top-left corner of the frame (the display list has
 * no rotated text). */
int gb_plot_axis_label(gb_plot *p, int axis, const char *utf8);
/* log10 axis on (1) or linear (0, the default). */
int gb_plot_axis_log(gb_plot *p, int axis, int on);
/* Fixed axis range [lo, hi] (lo < hi, finite; > 0 on a log axis, checked at render) instead of
 * the automatic one (data range widened to the outermost nice ticks). */
int gb_plot_axis_range(gb_plot *p, int axis, double lo, double hi);

/* A series of n points (x[i], y[i]) drawn as a polyline and/or markers; legend (UTF-8, copied)
 * names it in the legend, NULL = not listed. st NULL = gb_plot_style(number of series so far). */
int gb_plot_add_series(gb_plot *p, const double *x, const double *y, size_t n,
                       const gb_series_style *st, const char *legend);

/* Grids of values: v[j * nx + i] is the value at (x_i, y_j), x_i = x0 + i (x1 - x0) / (nx - 1),
 * y_j = y0 + j (y1 - y0) / (ny - 1); nx, ny >= 2, x0 < x1, y0 < y1. Non-finite values are
 * skipped (shading: cell left blank; contour: every cell touching the value is skipped). */

/* Two-colour shading: the cell around each grid point (half a spacing either side, cut to the
 * grid's extent) is filled with `above` when its value >= level, else with `below`. Pass light
 * colours (see gb_plot_tint). */
int gb_plot_add_shading(gb_plot *p, const double *v, size_t nx, size_t ny, double x0, double x1,
                        double y0, double y1, double level, gb_rgb below, gb_rgb above);

/* The contour line v = level of the grid (marching squares, gb_plot_contour_segments), drawn
 * with st (NULL = 1.2 pt solid black), listed in the legend as `legend` if not NULL. */
int gb_plot_add_contour(gb_plot *p, const double *v, size_t nx, size_t ny, double x0, double x1,
                        double y0, double y1, double level, const gb_series_style *st,
                        const char *legend);

/* Vertical line at x = at (axis GB_AXIS_X) or horizontal line at y = at (GB_AXIS_Y) across the
 * plot area, with an optional label (UTF-8, copied; NULL = none) at its top / right end.
 * st NULL = 0.8 pt dashed dark grey. */
int gb_plot_add_refline(gb_plot *p, int axis, double at, const char *label,
                        const gb_series_style *st);

/* Legend in a corner of the plot area (default GB_CORNER_NONE). Entries in the order added. */
int gb_plot_legend(gb_plot *p, gb_corner corner);

/* Lays the plot out and appends its items to out (translated by nothing: figure frame), using
 * metrics m to measure text. Afterwards gb_plot_frame and gb_plot_map describe the layout.
 * Returns 0, the plot's first recorded error, GB_EINPUT for a NULL argument or a fixed log range
 * <= 0, or GB_EINTERNAL when out of memory (out may then hold part of the plot). On error a
 * message is recorded in e (may be NULL). Figure size: *w, *h (may be NULL) = opts width,
 * height. Rendering twice appends twice. */
int gb_plot_render(gb_plot *p, const gb_metrics *m, gb_dlist *out, double *w, double *h,
                   gb_err *e);

/* After a successful render: the plot area (frame) in figure points, and the axis ranges used.
 * Before rendering all are 0. Any pointer may be NULL. */
void gb_plot_frame(const gb_plot *p, double *x0, double *y0, double *x1, double *y1);
void gb_plot_range(const gb_plot *p, int axis, double *lo, double *hi);
/* Maps data (x, y) to figure points by the last render's layout. Returns 0, or -1 when a
 * coordinate is not finite, is <= 0 on a log axis, or the plot was not rendered. Points outside
 * the ranges map outside the frame (no clamping). */
int gb_plot_map(const gb_plot *p, double x, double y, double *px, double *py);

/* Marching squares on a grid laid out as above: the segments where the bilinear surface crosses
 * `level` (corners >= level count as inside; the saddle cases are decided by the mean of the
 * four corners). *segs gets 4 doubles per segment (xa, ya, xb, yb in data units), malloc'ed,
 * caller frees (NULL when *nseg == 0). Returns 0, GB_EINPUT (bad grid/level/NULL pointer) or
 * GB_EINTERNAL (out of memory; *segs NULL). Segment ends lying on a shared grid edge are
 * bit-identical, so segments chain exactly. */
int gb_plot_contour_segments(const double *v, size_t nx, size_t ny, double x0, double x1,
                             double y0, double y1, double level, double **segs, size_t *nseg);

#endif
