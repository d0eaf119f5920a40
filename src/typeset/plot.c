/* plot.c — lays out 2-D plots (axes, ticks, grid, series, markers, shading, contours, reference
 * lines, legend) into display lists; includes marching squares and Liang–Barsky clipping. */
#include "typeset/plot.h"

#include "typeset/ticks.h"
#include "util/grow.h"
#include "util/utf8.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------- palette and styles ---------- */

gb_rgb gb_plot_color(int i)
{
    /* Okabe & Ito (2008), "Color Universal Design"; yellow late because it is faint on white. */
    static const gb_rgb pal[8] = {
        {0 / 255.0, 114 / 255.0, 178 / 255.0},   /* blue */
        {213 / 255.0, 94 / 255.0, 0 / 255.0},    /* vermillion */
        {0 / 255.0, 158 / 255.0, 115 / 255.0},   /* bluish green */
        {230 / 255.0, 159 / 255.0, 0 / 255.0},   /* orange */
        {204 / 255.0, 121 / 255.0, 167 / 255.0}, /* reddish purple */
        {86 / 255.0, 180 / 255.0, 233 / 255.0},  /* sky blue */
        {240 / 255.0, 228 / 255.0, 66 / 255.0},  /* yellow */
        {0, 0, 0},                               /* black */
    };
    if (i < 0) i = 0;
    return pal[i % 8];
}

gb_rgb gb_plot_tint(gb_rgb c, double f)
{
    if (!(f >= 0)) f = 0;
    if (f > 1) f = 1;
    gb_rgb r = {1 - f * (1 - c.r), 1 - f * (1 - c.g), 1 - f * (1 - c.b)};
    return r;
}

gb_series_style gb_plot_style(int i)
{
    gb_series_style s = {gb_plot_color(i), 1.2, GB_LINE_SOLID, GB_MARK_NONE, 4.5, 0};
    return s;
}

gb_plot_opts gb_plot_defaults(void)
{
    gb_plot_opts o = {300, 200, GB_FACE_SANS, 8, 9, 8, 0, 1};
    return o;
}

/* ---------- the plot object ---------- */

typedef enum { L_SERIES, L_SHADE, L_CONTOUR, L_REF } layer_kind;

typedef struct layer {
    layer_kind kind;
    gb_series_style st;
    char *text;                 /* legend (series, contour) or label (reference line) */
    double *x, *y;              /* series: n points */
    size_t n;
    double *v;                  /* grids: nx * ny values */
    size_t nx, ny;
    double x0, x1, y0, y1, level;
    gb_rgb below, above;        /* shading */
    int axis;                   /* reference line: GB_AXIS_X = vertical line at x = at */
    double at;
} layer;

struct gb_plot {
    gb_plot_opts o;
    char *label[2];
    int log[2];
    int fixed[2];
    double flo[2], fhi[2];
    layer *layers;
    size_t nl, cap;
    gb_corner corner;
    size_t nseries;
    gb_err err;                 /* first error (code GB_OK while none) */
    /* layout of the last successful render */
    int rendered;
    double fx0, fy0, fx1, fy1;
    double lo[2], hi[2];
};

/* Records the first error of plot p (NULL: none is recorded) as "plot: <message>"; returns
 * code. The format (the first argument after code) must be a string literal. */
#define fail(p, code, ...) \
    gb_err_set((p) ? &(p)->err : NULL, (code), NULL, 0, 0, "plot: " __VA_ARGS__)

gb_plot *gb_plot_new(const gb_plot_opts *o)
{
    gb_plot *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    gb_plot_opts d = gb_plot_defaults();
    p->o = o ? *o : d;
    if (!(p->o.width >= 60 && p->o.width < 1e5)) p->o.width = d.width;
    if (!(p->o.height >= 60 && p->o.height < 1e5)) p->o.height = d.height;
    if (!(p->o.tick_size > 0 && p->o.tick_size < 100)) p->o.tick_size = d.tick_size;
    if (!(p->o.label_size > 0 && p->o.label_size < 100)) p->o.label_size = d.label_size;
    if (!(p->o.legend_size > 0 && p->o.legend_size < 100)) p->o.legend_size = d.legend_size;
    if ((unsigned)p->o.face >= GB_FACE_COUNT) p->o.face = d.face;
    gb_err_clear(&p->err);
    return p;
}

static void free_layer(layer *l)
{
    free(l->text);
    free(l->x);
    free(l->y);
    free(l->v);
}

void gb_plot_free(gb_plot *p)
{
    if (!p) return;
    for (size_t i = 0; i < p->nl; i++) free_layer(&p->layers[i]);
    free(p->layers);
    free(p->label[0]);
    free(p->label[1]);
    free(p);
}

static char *dupstr(const char *s)
{
    if (!s || !*s) return NULL;
    size_t n = strlen(s);
    char *d = malloc(n + 1);
    if (d) memcpy(d, s, n + 1);
    return d;
}

static layer *push_layer(gb_plot *p)
{
    layer *layers = gb_grow(p->layers, &p->cap, p->nl + 1, sizeof *layers, 8);
    if (!layers) return NULL;
    p->layers = layers;
    layer *l = &p->layers[p->nl];
    memset(l, 0, sizeof *l);
    return l;
}

static gb_series_style fix_style(const gb_series_style *st, gb_series_style dflt)
{
    gb_series_style s = st ? *st : dflt;
    if (!(s.width > 0 && s.width < 50)) s.width = 1.2;
    if (!(s.marker_size > 0 && s.marker_size < 100)) s.marker_size = 4.5;
    if ((unsigned)s.line > GB_LINE_NONE) s.line = GB_LINE_SOLID;
    if ((unsigned)s.marker > GB_MARK_CROSS) s.marker = GB_MARK_NONE;
    return s;
}

int gb_plot_axis_label(gb_plot *p, int axis, const char *utf8)
{
    if (!p) return GB_EINPUT;
    if (axis != GB_AXIS_X && axis != GB_AXIS_Y) return fail(p, GB_EINPUT, "axis %d is not 0 (x) or 1 (y)", axis);
    char *d = dupstr(utf8);
    if (utf8 && *utf8 && !d) return fail(p, GB_EINTERNAL, "out of memory");
    free(p->label[axis]);
    p->label[axis] = d;
    return 0;
}

int gb_plot_axis_log(gb_plot *p, int axis, int on)
{
    if (!p) return GB_EINPUT;
    if (axis != GB_AXIS_X && axis != GB_AXIS_Y) return fail(p, GB_EINPUT, "axis %d is not 0 (x) or 1 (y)", axis);
    p->log[axis] = on ? 1 : 0;
    return 0;
}

int gb_plot_axis_range(gb_plot *p, int axis, double lo, double hi)
{
    if (!p) return GB_EINPUT;
    if (axis != GB_AXIS_X && axis != GB_AXIS_Y) return fail(p, GB_EINPUT, "axis %d is not 0 (x) or 1 (y)", axis);
    if (!isfinite(lo) || !isfinite(hi) || !(lo < hi))
        return fail(p, GB_EINPUT, "axis range [%g, %g] must be finite with lo < hi", lo, hi);
    p->fixed[axis] = 1;
    p->flo[axis] = lo;
    p->fhi[axis] = hi;
    return 0;
}

int gb_plot_legend(gb_plot *p, gb_corner corner)
{
    if (!p) return GB_EINPUT;
    if ((unsigned)corner > GB_CORNER_SW) return fail(p, GB_EINPUT, "legend corner %d unknown", (int)corner);
    p->corner = corner;
    return 0;
}

static double *dupd(const double *a, size_t n)
{
    double *d = malloc((n ? n : 1) * sizeof *d);
    if (d && n) memcpy(d, a, n * sizeof *d);
    return d;
}

int gb_plot_add_series(gb_plot *p, const double *x, const double *y, size_t n,
                       const gb_series_style *st, const char *legend)
{
    if (!p) return GB_EINPUT;
    if (n > 0 && (!x || !y)) return fail(p, GB_EINPUT, "series with %zu points has NULL data", n);
    if (n > SIZE_MAX / (2 * sizeof(double))) return fail(p, GB_EINPUT, "series too long");
    layer *l = push_layer(p);
    if (!l) return fail(p, GB_EINTERNAL, "out of memory");
    l->kind = L_SERIES;
    l->st = fix_style(st, gb_plot_style((int)p->nseries));
    l->x = dupd(x, n);
    l->y = dupd(y, n);
    l->n = n;
    l->text = dupstr(legend);
    if (!l->x || !l->y || (legend && *legend && !l->text)) {
        free_layer(l);
        return fail(p, GB_EINTERNAL, "out of memory");
    }
    p->nl++;
    p->nseries++;
    return 0;
}

static int check_grid(gb_plot *p, const double *v, size_t nx, size_t ny, double x0, double x1,
                      double y0, double y1, double level)
{
    if (!v) return fail(p, GB_EINPUT, "grid values are NULL");
    if (nx < 2 || ny < 2) return fail(p, GB_EINPUT, "grid %zu x %zu is smaller than 2 x 2", nx, ny);
    if (nx > 100000 || ny > 100000 || nx * ny > 10000000)
        return fail(p, GB_EINPUT, "grid %zu x %zu is too large", nx, ny);
    if (!isfinite(x0) || !isfinite(x1) || !isfinite(y0) || !isfinite(y1) || !(x0 < x1) || !(y0 < y1))
        return fail(p, GB_EINPUT, "grid extent [%g, %g] x [%g, %g] must be finite and increasing",
                    x0, x1, y0, y1);
    if (!isfinite(level)) return fail(p, GB_EINPUT, "level is not finite");
    return 0;
}

static int add_grid(gb_plot *p, layer_kind kind, const double *v, size_t nx, size_t ny, double x0,
                    double x1, double y0, double y1, double level, layer **out)
{
    int rc = check_grid(p, v, nx, ny, x0, x1, y0, y1, level);
    if (rc) return rc;
    layer *l = push_layer(p);
    if (!l) return fail(p, GB_EINTERNAL, "out of memory");
    l->kind = kind;
    l->v = dupd(v, nx * ny);
    if (!l->v) return fail(p, GB_EINTERNAL, "out of memory");
    l->nx = nx; l->ny = ny;
    l->x0 = x0; l->x1 = x1; l->y0 = y0; l->y1 = y1;
    l->level = level;
    *out = l;
    return 0;
}

int gb_plot_add_shading(gb_plot *p, const double *v, size_t nx, size_t ny, double x0, double x1,
                        double y0, double y1, double level, gb_rgb below, gb_rgb above)
{
    if (!p) return GB_EINPUT;
    layer *l;
    int rc = add_grid(p, L_SHADE, v, nx, ny, x0, x1, y0, y1, level, &l);
    if (rc) return rc;
    l->below = below;
    l->above = above;
    p->nl++;
    return 0;
}

int gb_plot_add_contour(gb_plot *p, const double *v, size_t nx, size_t ny, double x0, double x1,
                        double y0, double y1, double level, const gb_series_style *st,
                        const char *legend)
{
    if (!p) return GB_EINPUT;
    layer *l;
    int rc = add_grid(p, L_CONTOUR, v, nx, ny, x0, x1, y0, y1, level, &l);
    if (rc) return rc;
    gb_series_style d = {GB_BLACK, 1.2, GB_LINE_SOLID, GB_MARK_NONE, 4.5, 0};
    l->st = fix_style(st, d);
    l->st.marker = GB_MARK_NONE;
    if (l->st.line == GB_LINE_NONE) l->st.line = GB_LINE_SOLID;
    l->text = dupstr(legend);
    if (legend && *legend && !l->text) { free_layer(l); return fail(p, GB_EINTERNAL, "out of memory"); }
    p->nl++;
    return 0;
}

int gb_plot_add_refline(gb_plot *p, int axis, double at, const char *label,
                        const gb_series_style *st)
{
    if (!p) return GB_EINPUT;
    if (axis != GB_AXIS_X && axis != GB_AXIS_Y) return fail(p, GB_EINPUT, "axis %d is not 0 (x) or 1 (y)", axis);
    if (!isfinite(at)) return fail(p, GB_EINPUT, "reference line position is not finite");
    layer *l = push_layer(p);
    if (!l) return fail(p, GB_EINTERNAL, "out of memory");
    gb_series_style d = {{0.25, 0.25, 0.25}, 0.8, GB_LINE_DASHED, GB_MARK_NONE, 4.5, 0};
    l->kind = L_REF;
    l->st = fix_style(st, d);
    if (l->st.line == GB_LINE_NONE) l->st.line = GB_LINE_SOLID;
    l->axis = axis;
    l->at = at;
    l->text = dupstr(label);
    if (label && *label && !l->text) return fail(p, GB_EINTERNAL, "out of memory");
    p->nl++;
    return 0;
}

/* ---------- marching squares ---------- */

/* Crossing point on grid edge `id`: ids [0, H) are horizontal edges (i,j)-(i+1,j) numbered
 * j*(nx-1)+i; ids [H, ...) are vertical edges (i,j)-(i,j+1) numbered H + j*nx + i. Always
 * interpolated from the lower-index corner, so both cells sharing an edge get the same bits. */
typedef struct grid {
    const double *v;
    size_t nx, ny;
    double x0, y0, x1, y1, dx, dy, level;
} grid;

/* Grid coordinates; the last line is exactly x1 / y1 (no accumulated rounding). */
static double gx(const grid *g, size_t i) { return i + 1 == g->nx ? g->x1 : g->x0 + g->dx * (double)i; }
static double gy(const grid *g, size_t j) { return j + 1 == g->ny ? g->y1 : g->y0 + g->dy * (double)j; }

static void edge_point(const grid *g, size_t id, double *x, double *y)
{
    size_t H = g->ny * (g->nx - 1);
    size_t i, j, i2, j2;
    if (id < H) { j = id / (g->nx - 1); i = id % (g->nx - 1); i2 = i + 1; j2 = j; }
    else { id -= H; j = id / g->nx; i = id % g->nx; i2 = i; j2 = j + 1; }
    double va = g->v[j * g->nx + i], vb = g->v[j2 * g->nx + i2];
    double t = (g->level - va) / (vb - va);
    if (!(t >= 0)) t = 0;
    if (t > 1) t = 1;
    double xa = gx(g, i), ya = gy(g, j), xb = gx(g, i2), yb = gy(g, j2);
    *x = xa + t * (xb - xa);
    *y = ya + t * (yb - ya);
}

/* Segments as pairs of edge ids (2 size_t each); *n segments; malloc'ed. */
static int march(const grid *g, size_t **pairs, size_t *n)
{
    size_t nx = g->nx, ny = g->ny, H = ny * (nx - 1), cap = 64, cnt = 0;
    size_t *e = malloc(cap * 2 * sizeof *e);
    if (!e) return GB_EINTERNAL;
    for (size_t j = 0; j + 1 < ny; j++)
        for (size_t i = 0; i + 1 < nx; i++) {
            double c[4] = {g->v[j * nx + i], g->v[j * nx + i + 1], g->v[(j + 1) * nx + i + 1],
                           g->v[(j + 1) * nx + i]};
            if (!isfinite(c[0]) || !isfinite(c[1]) || !isfinite(c[2]) || !isfinite(c[3])) continue;
            int in[4];
            for (int k = 0; k < 4; k++) in[k] = c[k] >= g->level;
            /* cell edges: 0 bottom (c0-c1), 1 right (c1-c2), 2 top (c3-c2), 3 left (c0-c3) */
            size_t id[4] = {j * (nx - 1) + i, H + j * nx + i + 1, (j + 1) * (nx - 1) + i, H + j * nx + i};
            int crossed[4] = {in[0] != in[1], in[1] != in[2], in[3] != in[2], in[0] != in[3]};
            int list[4], m = 0;
            for (int k = 0; k < 4; k++) if (crossed[k]) list[m++] = k;
            int pr[2][2], np = 0;
            if (m == 2) { pr[0][0] = list[0]; pr[0][1] = list[1]; np = 1; }
            else if (m == 4) {
                /* Saddle: the mean of the corners says whether the inside corners connect. */
                int centre_in = (c[0] + c[1] + c[2] + c[3]) / 4 >= g->level;
                int cut_corner0 = (in[0] != centre_in);   /* corner 0 separated from the centre */
                if (cut_corner0) { /* cut off corners 0 and 2 */
                    pr[0][0] = 3; pr[0][1] = 0; pr[1][0] = 1; pr[1][1] = 2;
                } else {           /* cut off corners 1 and 3 */
                    pr[0][0] = 0; pr[0][1] = 1; pr[1][0] = 2; pr[1][1] = 3;
                }
                np = 2;
            }
            for (int k = 0; k < np; k++) {
                size_t *ne = gb_grow(e, &cap, cnt + 1, 2 * sizeof *e, 64);   /* pairs */
                if (!ne) { free(e); return GB_EINTERNAL; }
                e = ne;
                e[2 * cnt] = id[pr[k][0]];
                e[2 * cnt + 1] = id[pr[k][1]];
                cnt++;
            }
        }
    *pairs = e;
    *n = cnt;
    return 0;
}

static grid make_grid(const double *v, size_t nx, size_t ny, double x0, double x1, double y0,
                      double y1, double level)
{
    grid g = {v, nx, ny, x0, y0, x1, y1, (x1 - x0) / (double)(nx - 1), (y1 - y0) / (double)(ny - 1),
              level};
    return g;
}

int gb_plot_contour_segments(const double *v, size_t nx, size_t ny, double x0, double x1,
                             double y0, double y1, double level, double **segs, size_t *nseg)
{
    if (!segs || !nseg) return GB_EINPUT;
    *segs = NULL;
    *nseg = 0;
    if (check_grid(NULL, v, nx, ny, x0, x1, y0, y1, level)) return GB_EINPUT;
    grid g = make_grid(v, nx, ny, x0, x1, y0, y1, level);
    size_t *pairs = NULL, n = 0;
    if (march(&g, &pairs, &n)) return GB_EINTERNAL;
    if (n == 0) { free(pairs); return 0; }
    double *s = malloc(n * 4 * sizeof *s);
    if (!s) { free(pairs); return GB_EINTERNAL; }
    for (size_t k = 0; k < n; k++) {
        edge_point(&g, pairs[2 * k], &s[4 * k], &s[4 * k + 1]);
        edge_point(&g, pairs[2 * k + 1], &s[4 * k + 2], &s[4 * k + 3]);
    }
    free(pairs);
    *segs = s;
    *nseg = n;
    return 0;
}

/* ---------- drawing helpers ---------- */

typedef struct ctx {
    gb_plot *p;
    const gb_metrics *m;
    gb_dlist *out;
    int oom;
} ctx;

static void chk(ctx *c, int rc) { if (rc) c->oom = 1; }

static gb_stroke stroke_of(const gb_series_style *s)
{
    gb_stroke st = {s->width, 0, 0, s->color};
    if (s->line == GB_LINE_DASHED) { st.dash_on = 4; st.dash_off = 2; }
    else if (s->line == GB_LINE_DOTTED) { st.dash_on = 1; st.dash_off = 2; }
    return st;
}

/* Liang–Barsky: clips segment (x0,y0)-(x1,y1) to the frame; 0 when nothing is left. */
static int clip_seg(const gb_plot *p, double *x0, double *y0, double *x1, double *y1)
{
    double dx = *x1 - *x0, dy = *y1 - *y0, t0 = 0, t1 = 1;
    double pp[4] = {-dx, dx, -dy, dy};
    double qq[4] = {*x0 - p->fx0, p->fx1 - *x0, *y0 - p->fy0, p->fy1 - *y0};
    for (int k = 0; k < 4; k++) {
        if (pp[k] == 0) {
            if (qq[k] < 0) return 0;
        } else {
            double r = qq[k] / pp[k];
            if (pp[k] < 0) { if (r > t1) return 0; if (r > t0) t0 = r; }
            else { if (r < t0) return 0; if (r < t1) t1 = r; }
        }
    }
    double ax = *x0 + t0 * dx, ay = *y0 + t0 * dy, bx = *x0 + t1 * dx, by = *y0 + t1 * dy;
    /* Rounding may leave a hair outside; the frame is the hard limit. */
    *x0 = fmin(fmax(ax, p->fx0), p->fx1); *y0 = fmin(fmax(ay, p->fy0), p->fy1);
    *x1 = fmin(fmax(bx, p->fx0), p->fx1); *y1 = fmin(fmax(by, p->fy0), p->fy1);
    return 1;
}

/* Data coordinate of one axis to figure points; NAN when unmappable. Far-away points are
 * limited to +-1e6 frame sizes so that the arithmetic stays finite. */
static double map1(const gb_plot *p, int axis, double v)
{
    double a = axis == GB_AXIS_X ? p->fx0 : p->fy0, b = axis == GB_AXIS_X ? p->fx1 : p->fy1;
    double lo = p->lo[axis], hi = p->hi[axis], f;
    if (!isfinite(v)) return NAN;
    if (p->log[axis]) {
        if (v <= 0) return NAN;
        f = (log10(v) - log10(lo)) / (log10(hi) - log10(lo));
    } else {
        f = (v - lo) / (hi - lo);
    }
    if (!isfinite(f)) return NAN;
    if (f > 1e6) f = 1e6;
    if (f < -1e6) f = -1e6;
    return a + f * (b - a);
}

typedef struct poly { double *xy; size_t n, cap; } poly;

static void poly_flush(ctx *c, poly *pl, const gb_stroke *st)
{
    if (pl->n >= 2) chk(c, gb_dl_path(c->out, pl->xy, pl->n, 0, NULL, st));
    pl->n = 0;
}

static void poly_push(ctx *c, poly *pl, double x, double y)
{
    double *n = gb_grow(pl->xy, &pl->cap, pl->n + 1, 2 * sizeof *n, 64);   /* (x, y) */
    if (!n) { c->oom = 1; return; }
    pl->xy = n;
    pl->xy[2 * pl->n] = x;
    pl->xy[2 * pl->n + 1] = y;
    pl->n++;
}

/* Adds the clipped figure-space segment a-b to the running polyline, starting a new one when it
 * does not continue the last point. */
static void poly_seg(ctx *c, poly *pl, const gb_stroke *st, double ax, double ay, double bx, double by)
{
    if (!isfinite(ax) || !isfinite(ay) || !isfinite(bx) || !isfinite(by)) { poly_flush(c, pl, st); return; }
    if (!clip_seg(c->p, &ax, &ay, &bx, &by)) { poly_flush(c, pl, st); return; }
    if (pl->n > 0 && fabs(pl->xy[2 * pl->n - 2] - ax) < 1e-9 && fabs(pl->xy[2 * pl->n - 1] - ay) < 1e-9) {
        poly_push(c, pl, bx, by);
    } else {
        poly_flush(c, pl, st);
        poly_push(c, pl, ax, ay);
        poly_push(c, pl, bx, by);
    }
}

static void draw_marker(ctx *c, const gb_series_style *s, double x, double y)
{
    double sz = s->marker_size, h = sz / 2;
    gb_stroke st = {s->marker_open ? 0.9 : 0.5, 0, 0, s->color};
    const gb_rgb *fill = s->marker_open ? &GB_WHITE : &s->color;
    switch (s->marker) {
    case GB_MARK_CIRCLE:
        chk(c, gb_dl_circle(c->out, x, y, h, fill, &st));
        break;
    case GB_MARK_SQUARE: {
        double a = 0.9 * h;
        chk(c, gb_dl_rect(c->out, x - a, y - a, 2 * a, 2 * a, fill, &st));
        break;
    }
    case GB_MARK_TRIANGLE: {
        double r = 1.2 * h;   /* circumradius: same visual weight as the circle */
        double xy[6] = {x, y + r, x - 0.866 * r, y - 0.5 * r, x + 0.866 * r, y - 0.5 * r};
        chk(c, gb_dl_path(c->out, xy, 3, 1, fill, &st));
        break;
    }
    case GB_MARK_CROSS: {
        gb_stroke cs = {1.0, 0, 0, s->color};
        double a = 0.8 * h;
        chk(c, gb_dl_line(c->out, x - a, y - a, x + a, y + a, &cs));
        chk(c, gb_dl_line(c->out, x - a, y + a, x + a, y - a, &cs));
        break;
    }
    default:
        break;
    }
}

static double tw(ctx *c, const char *s, double size)
{
    return c->m->advance(c->m->ctx, c->p->o.face, s, strlen(s), size);
}

/* Tick label geometry: main part (mant, "×10" or "10") and raised exponent. */
#define EXP_SCALE 0.7
#define EXP_RAISE 0.42

static void label_parts(const gb_tick *t, char *base, size_t bcap, char *ex, size_t ecap)
{
    char m[64];
    gb_utf8_minus(m, sizeof m, t->mant);
    if (t->exp[0]) {
        snprintf(base, bcap, "%s%s", m, m[0] ? "\xC3\x97" "10" : "10");
        gb_utf8_minus(ex, ecap, t->exp);
    } else {
        snprintf(base, bcap, "%s", m);
        ex[0] = '\0';
    }
}

static double label_width(ctx *c, const gb_tick *t, double size)
{
    char b[96], e[32];
    label_parts(t, b, sizeof b, e, sizeof e);
    return tw(c, b, size) + (e[0] ? tw(c, e, size * EXP_SCALE) + 0.5 : 0);
}

/* Height of a tick label above its baseline. */
static double label_top(ctx *c, const gb_ticks *tk, double size)
{
    gb_vmetrics vm;
    c->m->vmetrics(c->m->ctx, c->p->o.face, size, &vm);
    double top = vm.cap_height;
    for (size_t i = 0; i < tk->n; i++)
        if (tk->t[i].major && tk->t[i].exp[0]) {
            top = fmax(top, EXP_RAISE * size + EXP_SCALE * vm.cap_height);
            break;
        }
    return top;
}

static void draw_label(ctx *c, const gb_tick *t, double size, double x, double y)
{
    char b[96], e[32];
    label_parts(t, b, sizeof b, e, sizeof e);
    chk(c, gb_dl_text(c->out, c->p->o.face, size, x, y, b, strlen(b), GB_BLACK));
    if (e[0])
        chk(c, gb_dl_text(c->out, c->p->o.face, size * EXP_SCALE, x + tw(c, b, size) + 0.5,
                          y + EXP_RAISE * size, e, strlen(e), GB_BLACK));
}

/* ---------- layout ---------- */

static void data_range(gb_plot *p, int axis, double *lo, double *hi)
{
    double a = INFINITY, b = -INFINITY;
    int lg = p->log[axis];
#define TAKE(v) do { double v_ = (v); if (isfinite(v_) && (!lg || v_ > 0)) { if (v_ < a) a = v_; if (v_ > b) b = v_; } } while (0)
    for (size_t k = 0; k < p->nl; k++) {
        const layer *l = &p->layers[k];
        switch (l->kind) {
        case L_SERIES:
            for (size_t i = 0; i < l->n; i++) {
                /* a point counts only if both coordinates can be drawn */
                double o = axis == GB_AXIS_X ? l->y[i] : l->x[i];
                int olog = p->log[1 - axis];
                if (!isfinite(o) || (olog && o <= 0)) continue;
                TAKE(axis == GB_AXIS_X ? l->x[i] : l->y[i]);
            }
            break;
        case L_SHADE:
        case L_CONTOUR:
            TAKE(axis == GB_AXIS_X ? l->x0 : l->y0);
            TAKE(axis == GB_AXIS_X ? l->x1 : l->y1);
            break;
        case L_REF:
            if (l->axis == axis) TAKE(l->at);
            break;
        }
    }
#undef TAKE
    *lo = a;
    *hi = b;
}

static void make_ticks(gb_plot *p, int axis, int target, gb_ticks *tk)
{
    double lo, hi;
    if (p->fixed[axis]) { lo = p->flo[axis]; hi = p->fhi[axis]; }
    else {
        data_range(p, axis, &lo, &hi);
        if (!(lo <= hi)) { lo = p->log[axis] ? 1 : 0; hi = p->log[axis] ? 10 : 1; }
    }
    if (p->log[axis]) {
        gb_ticks_log(lo, hi, target, tk);
        if (p->fixed[axis]) {
            /* keep the exact range; list only the ticks inside it */
            size_t o = 0;
            for (size_t i = 0; i < tk->n; i++)
                if (tk->t[i].value >= lo * (1 - 1e-9) && tk->t[i].value <= hi * (1 + 1e-9)) tk->t[o++] = tk->t[i];
            tk->n = o;
            tk->lo = lo;
            tk->hi = hi;
        }
    } else {
        gb_ticks_linear(lo, hi, target, !p->fixed[axis], tk);
    }
}

#define PAD 4.0
#define GAP 3.0
#define TICK_MAJOR 3.5
#define TICK_MINOR 2.0

int gb_plot_render(gb_plot *p, const gb_metrics *m, gb_dlist *out, double *w, double *h,
                   gb_err *e)
{
    if (!p || !m || !out) {
        gb_err_set(e, GB_EINPUT, NULL, 0, 0, "plot: render needs a plot, metrics and a list");
        return GB_EINPUT;
    }
    p->rendered = 0;
    if (w) *w = p->o.width;
    if (h) *h = p->o.height;
    if (p->err.code != GB_OK) goto failed;
    for (int a = 0; a < 2; a++)
        if (p->log[a] && p->fixed[a] && !(p->flo[a] > 0)) {
            fail(p, GB_EINPUT, "log axis range [%g, %g] must be positive", p->flo[a], p->fhi[a]);
            goto failed;
        }
    ctx c = {p, m, out, 0};
    const gb_plot_opts *o = &p->o;
    gb_vmetrics vt, vl;
    m->vmetrics(m->ctx, o->face, o->tick_size, &vt);
    m->vmetrics(m->ctx, o->face, o->label_size, &vl);
    double out_len = o->ticks_outside ? TICK_MAJOR : 0;

    /* Vertical budget first: it does not depend on the x ticks' values except for exponents. */
    gb_ticks tx, ty;
    make_ticks(p, GB_AXIS_X, 6, &tx);
    double xl_top = label_top(&c, &tx, o->tick_size);
    double bottom = PAD + out_len + GAP + xl_top + vt.descent +
                    (p->label[0] ? GAP + vl.ascent + vl.descent : 0);
    double top = PAD + (p->label[1] ? vl.ascent + vl.descent + GAP + 1 : vt.cap_height);
    double fh = o->height - bottom - top;
    /* y ticks: as many as fit with a label height of free space between them */
    int ty_target = (int)floor(fh / (2.2 * o->tick_size));
    if (ty_target > 6) ty_target = 6;
    if (ty_target < 2) ty_target = 2;
    for (;;) {
        make_ticks(p, GB_AXIS_Y, ty_target, &ty);
        double lab_h = label_top(&c, &ty, o->tick_size) + vt.descent, prev = -INFINITY;
        int ok = 1;
        p->fy0 = bottom; p->fy1 = bottom + fh; p->lo[1] = ty.lo; p->hi[1] = ty.hi;
        for (size_t i = 0; i < ty.n; i++) {
            if (!ty.t[i].major) continue;
            double py = map1(p, GB_AXIS_Y, ty.t[i].value);
            if (py - prev < lab_h + 2) ok = 0;
            prev = py;
        }
        if (ok || ty_target <= 2) break;
        ty_target--;
    }
    double ywmax = 0;
    for (size_t i = 0; i < ty.n; i++)
        if (ty.t[i].major) ywmax = fmax(ywmax, label_width(&c, &ty.t[i], o->tick_size));
    double left_y = PAD + ywmax + GAP + out_len;

    /* x ticks: fewer until neighbouring labels keep a gap of 0.8 em. */
    double left = left_y, right = PAD;
    for (int target = 6;; target--) {
        make_ticks(p, GB_AXIS_X, target, &tx);
        p->lo[0] = tx.lo; p->hi[0] = tx.hi;
        /* first/last labels centred on the frame edges stick out by half their width */
        left = left_y; right = PAD + 2;
        for (int pass = 0; pass < 2; pass++) {
            p->fx0 = left; p->fx1 = o->width - right;
            for (size_t i = 0; i < tx.n; i++) {
                if (!tx.t[i].major) continue;
                double px = map1(p, GB_AXIS_X, tx.t[i].value), hw = label_width(&c, &tx.t[i], o->tick_size) / 2;
                if (px - hw < PAD) left = fmax(left, left + PAD - (px - hw));
                if (px + hw > o->width - PAD) right = fmax(right, right + (px + hw) - (o->width - PAD));
            }
        }
        p->fx0 = left; p->fx1 = o->width - right;
        double prev_r = -INFINITY;
        int ok = 1;
        for (size_t i = 0; i < tx.n; i++) {
            if (!tx.t[i].major) continue;
            double px = map1(p, GB_AXIS_X, tx.t[i].value), hw = label_width(&c, &tx.t[i], o->tick_size) / 2;
            if (px - hw < prev_r + 0.8 * o->tick_size) ok = 0;
            prev_r = px + hw;
        }
        if (ok || target <= 2) break;
    }
    if (p->fx1 - p->fx0 < 20 || p->fy1 - p->fy0 < 20) {
        fail(p, GB_EINPUT, "figure %gx%g pt is too small for its labels", o->width, o->height);
        goto failed;
    }
    p->rendered = 1;   /* map1 and gb_plot_map are valid from here */

    /* 1. shading */
    for (size_t k = 0; k < p->nl; k++) {
        const layer *l = &p->layers[k];
        if (l->kind != L_SHADE) continue;
        grid g = make_grid(l->v, l->nx, l->ny, l->x0, l->x1, l->y0, l->y1, l->level);
        for (size_t j = 0; j < l->ny; j++) {
            double ya = j == 0 ? l->y0 : gy(&g, j) - g.dy / 2, yb = j + 1 == l->ny ? l->y1 : gy(&g, j) + g.dy / 2;
            size_t i = 0;
            while (i < l->nx) {
                double v0 = l->v[j * l->nx + i];
                if (!isfinite(v0)) { i++; continue; }
                int cls = v0 >= l->level;
                size_t i2 = i + 1;
                while (i2 < l->nx && isfinite(l->v[j * l->nx + i2]) && (l->v[j * l->nx + i2] >= l->level) == cls) i2++;
                double xa = i == 0 ? l->x0 : gx(&g, i) - g.dx / 2;
                double xb = i2 == l->nx ? l->x1 : gx(&g, i2 - 1) + g.dx / 2;
                double X0 = map1(p, 0, xa), X1 = map1(p, 0, xb), Y0 = map1(p, 1, ya), Y1 = map1(p, 1, yb);
                i = i2;
                if (!isfinite(X0) || !isfinite(X1) || !isfinite(Y0) || !isfinite(Y1)) continue;
                /* overlap neighbours by 0.3 pt: viewers' anti-aliasing would show seams */
                X1 += 0.3; Y1 += 0.3;
                X0 = fmax(X0, p->fx0); Y0 = fmax(Y0, p->fy0);
                X1 = fmin(X1, p->fx1); Y1 = fmin(Y1, p->fy1);
                if (X1 <= X0 || Y1 <= Y0) continue;
                const gb_rgb *col = cls ? &l->above : &l->below;
                chk(&c, gb_dl_rect(out, X0, Y0, X1 - X0, Y1 - Y0, col, NULL));
            }
        }
    }

    /* 2. grid */
    if (o->grid) {
        gb_stroke gs = {0.4, 0, 0, {0.86, 0.86, 0.86}};
        for (size_t i = 0; i < tx.n; i++) {
            if (!tx.t[i].major && !(tx.log && tx.t[i].value == pow(10, round(log10(tx.t[i].value))))) continue;
            double px = map1(p, 0, tx.t[i].value);
            if (px > p->fx0 + 0.5 && px < p->fx1 - 0.5) chk(&c, gb_dl_line(out, px, p->fy0, px, p->fy1, &gs));
        }
        for (size_t i = 0; i < ty.n; i++) {
            if (!ty.t[i].major && !(ty.log && ty.t[i].value == pow(10, round(log10(ty.t[i].value))))) continue;
            double py = map1(p, 1, ty.t[i].value);
            if (py > p->fy0 + 0.5 && py < p->fy1 - 0.5) chk(&c, gb_dl_line(out, p->fx0, py, p->fx1, py, &gs));
        }
    }

    /* 3. contours and series */
    poly pl = {NULL, 0, 0};
    for (size_t k = 0; k < p->nl; k++) {
        const layer *l = &p->layers[k];
        if (l->kind == L_CONTOUR) {
            grid g = make_grid(l->v, l->nx, l->ny, l->x0, l->x1, l->y0, l->y1, l->level);
            size_t *pairs = NULL, n = 0;
            if (march(&g, &pairs, &n)) { c.oom = 1; continue; }
            gb_stroke st = stroke_of(&l->st);
            /* chain segments through shared edge ids so dashes run on and joins are mitred */
            size_t nid = l->ny * (l->nx - 1) + l->nx * (l->ny - 1);
            size_t *slot = malloc(nid * 2 * sizeof *slot);
            unsigned char *used = calloc(n ? n : 1, 1);
            if (!slot || !used) { free(slot); free(used); free(pairs); c.oom = 1; continue; }
            for (size_t q = 0; q < 2 * nid; q++) slot[q] = SIZE_MAX;
            for (size_t s = 0; s < n; s++)
                for (int end = 0; end < 2; end++) {
                    size_t id = pairs[2 * s + end];
                    if (slot[2 * id] == SIZE_MAX) slot[2 * id] = s; else slot[2 * id + 1] = s;
                }
            for (size_t s0 = 0; s0 < n; s0++) {
                if (used[s0]) continue;
                /* walk back to the start of an open chain (or around a closed one) */
                size_t s = s0, id = pairs[2 * s0];
                for (size_t steps = 0; steps < n; steps++) {
                    size_t nb = slot[2 * id] == s ? slot[2 * id + 1] : slot[2 * id];
                    if (nb == SIZE_MAX || nb == s0) break;
                    id = pairs[2 * nb] == id ? pairs[2 * nb + 1] : pairs[2 * nb];
                    s = nb;
                }
                /* now walk forward from segment s entering through edge id */
                size_t cur = s, in_id = id;
                double ax, ay;
                edge_point(&g, in_id, &ax, &ay);
                double pax = map1(p, 0, ax), pay = map1(p, 1, ay);
                while (cur != SIZE_MAX && !used[cur]) {
                    used[cur] = 1;
                    size_t out_id = pairs[2 * cur] == in_id ? pairs[2 * cur + 1] : pairs[2 * cur];
                    double bx, by;
                    edge_point(&g, out_id, &bx, &by);
                    double pbx = map1(p, 0, bx), pby = map1(p, 1, by);
                    poly_seg(&c, &pl, &st, pax, pay, pbx, pby);
                    pax = pbx; pay = pby;
                    size_t nb = slot[2 * out_id] == cur ? slot[2 * out_id + 1] : slot[2 * out_id];
                    cur = nb;
                    in_id = out_id;
                }
                poly_flush(&c, &pl, &st);
            }
            free(slot);
            free(used);
            free(pairs);
        } else if (l->kind == L_SERIES && l->st.line != GB_LINE_NONE) {
            gb_stroke st = stroke_of(&l->st);
            for (size_t i = 0; i + 1 < l->n; i++)
                poly_seg(&c, &pl, &st, map1(p, 0, l->x[i]), map1(p, 1, l->y[i]),
                         map1(p, 0, l->x[i + 1]), map1(p, 1, l->y[i + 1]));
            poly_flush(&c, &pl, &st);
        }
    }
    free(pl.xy);
    for (size_t k = 0; k < p->nl; k++) {
        const layer *l = &p->layers[k];
        if (l->kind != L_SERIES || l->st.marker == GB_MARK_NONE) continue;
        for (size_t i = 0; i < l->n; i++) {
            double px = map1(p, 0, l->x[i]), py = map1(p, 1, l->y[i]);
            if (!isfinite(px) || !isfinite(py)) continue;
            if (px < p->fx0 || px > p->fx1 || py < p->fy0 || py > p->fy1) continue;
            draw_marker(&c, &l->st, px, py);
        }
    }

    /* 4. reference lines with labels (white pad keeps them readable over data) */
    gb_vmetrics vg;
    m->vmetrics(m->ctx, o->face, o->legend_size, &vg);
    for (size_t k = 0; k < p->nl; k++) {
        const layer *l = &p->layers[k];
        if (l->kind != L_REF) continue;
        gb_stroke st = stroke_of(&l->st);
        double at = map1(p, l->axis, l->at);
        if (!isfinite(at)) continue;
        double lw = l->text ? tw(&c, l->text, o->legend_size) : 0, tx0, ty0;
        if (l->axis == GB_AXIS_X) {
            if (at < p->fx0 || at > p->fx1) continue;
            chk(&c, gb_dl_line(out, at, p->fy0, at, p->fy1, &st));
            tx0 = at + 3;
            if (tx0 + lw > p->fx1 - 2) tx0 = at - 3 - lw;
            ty0 = p->fy1 - 3 - vg.ascent;
        } else {
            if (at < p->fy0 || at > p->fy1) continue;
            chk(&c, gb_dl_line(out, p->fx0, at, p->fx1, at, &st));
            tx0 = p->fx1 - 4 - lw;
            ty0 = at + 2.5 + vg.descent;
            if (ty0 + vg.ascent > p->fy1 - 2) ty0 = at - 2.5 - vg.ascent;
        }
        if (l->text) {
            chk(&c, gb_dl_rect(out, tx0 - 1.5, ty0 - vg.descent, lw + 3, vg.ascent + vg.descent, &GB_WHITE, NULL));
            chk(&c, gb_dl_text(out, o->face, o->legend_size, tx0, ty0, l->text, strlen(l->text), GB_BLACK));
        }
    }

    /* 5. frame, ticks, tick labels, axis labels */
    gb_stroke fs = {0.6, 0, 0, GB_BLACK};
    gb_stroke ts = {0.5, 0, 0, GB_BLACK};
    chk(&c, gb_dl_rect(out, p->fx0, p->fy0, p->fx1 - p->fx0, p->fy1 - p->fy0, NULL, &fs));
    double dir = o->ticks_outside ? -1 : 1;
    for (size_t i = 0; i < tx.n; i++) {
        double px = map1(p, 0, tx.t[i].value);
        if (!(px >= p->fx0 - 1e-6 && px <= p->fx1 + 1e-6)) continue;
        double len = tx.t[i].major ? TICK_MAJOR : TICK_MINOR;
        chk(&c, gb_dl_line(out, px, p->fy0, px, p->fy0 + dir * len, &ts));
        if (tx.t[i].major) {
            double lw = label_width(&c, &tx.t[i], o->tick_size);
            draw_label(&c, &tx.t[i], o->tick_size, px - lw / 2, p->fy0 - out_len - GAP - xl_top);
        }
    }
    for (size_t i = 0; i < ty.n; i++) {
        double py = map1(p, 1, ty.t[i].value);
        if (!(py >= p->fy0 - 1e-6 && py <= p->fy1 + 1e-6)) continue;
        double len = ty.t[i].major ? TICK_MAJOR : TICK_MINOR;
        chk(&c, gb_dl_line(out, p->fx0, py, p->fx0 + dir * len, py, &ts));
        if (ty.t[i].major) {
            double lw = label_width(&c, &ty.t[i], o->tick_size);
            draw_label(&c, &ty.t[i], o->tick_size, p->fx0 - out_len - GAP - lw, py - vt.cap_height / 2);
        }
    }
    if (p->label[0]) {
        double lw = tw(&c, p->label[0], o->label_size);
        double y = p->fy0 - out_len - GAP - xl_top - vt.descent - GAP - vl.ascent;
        chk(&c, gb_dl_text(out, o->face, o->label_size, (p->fx0 + p->fx1) / 2 - lw / 2, y,
                           p->label[0], strlen(p->label[0]), GB_BLACK));
    }
    if (p->label[1]) {
        double lw = tw(&c, p->label[1], o->label_size);
        double x = p->fx0 - out_len - GAP - ywmax;
        if (x < PAD) x = PAD;
        if (x + lw > o->width - PAD) x = fmax(PAD, o->width - PAD - lw);
        chk(&c, gb_dl_text(out, o->face, o->label_size, x, p->fy1 + GAP + 1 + vl.descent,
                           p->label[1], strlen(p->label[1]), GB_BLACK));
    }

    /* 6. legend */
    size_t nent = 0;
    double maxw = 0;
    for (size_t k = 0; k < p->nl; k++) {
        const layer *l = &p->layers[k];
        if ((l->kind == L_SERIES || l->kind == L_CONTOUR) && l->text) {
            nent++;
            maxw = fmax(maxw, tw(&c, l->text, o->legend_size));
        }
    }
    if (p->corner != GB_CORNER_NONE && nent > 0) {
        double sw = 18, row = o->legend_size * 1.4, pad = 4;
        double bw = pad + sw + 4 + maxw + pad, bh = 2 * pad + (double)nent * row - (row - o->legend_size);
        double inset = 5, bx, by;
        bx = (p->corner == GB_CORNER_NW || p->corner == GB_CORNER_SW) ? p->fx0 + inset : p->fx1 - inset - bw;
        by = (p->corner == GB_CORNER_SE || p->corner == GB_CORNER_SW) ? p->fy0 + inset : p->fy1 - inset - bh;
        gb_stroke bs = {0.4, 0, 0, {0.7, 0.7, 0.7}};
        gb_rgb bf = {1, 1, 1};
        chk(&c, gb_dl_rect(out, bx, by, bw, bh, &bf, &bs));
        size_t r = 0;
        for (size_t k = 0; k < p->nl; k++) {
            const layer *l = &p->layers[k];
            if (!((l->kind == L_SERIES || l->kind == L_CONTOUR) && l->text)) continue;
            double cy = by + bh - pad - o->legend_size / 2 - (double)r * row;
            if (l->st.line != GB_LINE_NONE) {
                gb_stroke st = stroke_of(&l->st);
                chk(&c, gb_dl_line(out, bx + pad, cy, bx + pad + sw, cy, &st));
            }
            if (l->kind == L_SERIES && l->st.marker != GB_MARK_NONE) draw_marker(&c, &l->st, bx + pad + sw / 2, cy);
            chk(&c, gb_dl_text(out, o->face, o->legend_size, bx + pad + sw + 4, cy - vg.cap_height / 2,
                               l->text, strlen(l->text), GB_BLACK));
            r++;
        }
    }

    if (c.oom) {
        fail(p, GB_EINTERNAL, "out of memory");
        goto failed;
    }
    return 0;

failed:   /* p->err holds the first error (p's own, as the code returned) */
    if (e && e->code == GB_OK) *e = p->err;
    return p->err.code;
}

void gb_plot_frame(const gb_plot *p, double *x0, double *y0, double *x1, double *y1)
{
    int ok = p && p->rendered;
    if (x0) *x0 = ok ? p->fx0 : 0;
    if (y0) *y0 = ok ? p->fy0 : 0;
    if (x1) *x1 = ok ? p->fx1 : 0;
    if (y1) *y1 = ok ? p->fy1 : 0;
}

void gb_plot_range(const gb_plot *p, int axis, double *lo, double *hi)
{
    int ok = p && p->rendered && (axis == 0 || axis == 1);
    if (lo) *lo = ok ? p->lo[axis] : 0;
    if (hi) *hi = ok ? p->hi[axis] : 0;
}

int gb_plot_map(const gb_plot *p, double x, double y, double *px, double *py)
{
    if (!p || !p->rendered) return -1;
    double a = map1(p, 0, x), b = map1(p, 1, y);
    if (!isfinite(a) || !isfinite(b)) return -1;
    if (px) *px = a;
    if (py) *py = b;
    return 0;
}
