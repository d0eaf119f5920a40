/* test_plot.c — plot layout: mapping, log axes, clipping, tick-label spacing, marching squares,
 * shading, legend and errors (src/typeset/plot.h), measured with the fake metrics. */
#include "gb_test.h"

#include "typeset/plot.h"
#include "util/utf8.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GB_PI_T 3.14159265358979323846

static const gb_rgb MARK = {0.11, 0.22, 0.33};   /* a colour no default style uses */

static int same_rgb(gb_rgb a, gb_rgb b) { return a.r == b.r && a.g == b.g && a.b == b.b; }

/* Ink box of a text item: union of its glyphs' boxes, each at its advance (what a reader sees
 * overlap). */
static gb_bbox text_box(const gb_metrics *m, const gb_item *it)
{
    gb_bbox b = {it->x, it->y, it->x, it->y};
    double x = it->x;
    size_t i = 0;
    while (i < it->len) {
        uint32_t cp;
        size_t k = gb_utf8_decode(it->text + i, it->len - i, &cp);
        gb_bbox g;
        m->glyph_bbox(m->ctx, it->face, cp, it->size, &g);
        b.llx = fmin(b.llx, x + g.llx);
        b.urx = fmax(b.urx, x + g.urx);
        b.lly = fmin(b.lly, it->y + g.lly);
        b.ury = fmax(b.ury, it->y + g.ury);
        x += m->advance(m->ctx, it->face, it->text + i, k, it->size);
        i += k;
    }
    return b;
}

static const gb_item *find_text(const gb_dlist *dl, const char *s)
{
    for (size_t i = 0; i < gb_dlist_count(dl); i++) {
        const gb_item *it = gb_dlist_item(dl, i);
        if (it->kind == GB_ITEM_TEXT && strcmp(it->text, s) == 0) return it;
    }
    return NULL;
}

static void test_mapping(void)
{
    gb_metrics m = gb_metrics_fake();
    gb_plot *p = gb_plot_new(NULL);
    gb_plot_axis_range(p, GB_AXIS_X, -6, 6);
    gb_plot_axis_range(p, GB_AXIS_Y, 0, 1);
    gb_series_style st = gb_plot_style(0);
    st.line = GB_LINE_NONE;
    st.marker = GB_MARK_CIRCLE;
    st.color = MARK;
    const double x[] = {2}, y[] = {0.25};
    gb_plot_add_series(p, x, y, 1, &st, NULL);
    gb_plot_axis_label(p, GB_AXIS_X, "z");
    gb_plot_axis_label(p, GB_AXIS_Y, "σ(z)");
    gb_dlist *dl = gb_dlist_new();
    double w, h;
    gb_err e;
    gb_err_clear(&e);
    int rc = gb_plot_render(p, &m, dl, &w, &h, &e);
    GB_ASSERT_MSG(rc == 0, "render: %s", e.msg);
    GB_ASSERT_NEAR(w, 300, 0);
    GB_ASSERT_NEAR(h, 200, 0);
    double fx0, fy0, fx1, fy1;
    gb_plot_frame(p, &fx0, &fy0, &fx1, &fy1);
    GB_ASSERT_MSG(fx0 > 0 && fy0 > 0 && fx1 < 300 && fy1 < 200 && fx1 - fx0 > 150 && fy1 - fy0 > 100,
                  "frame %g %g %g %g", fx0, fy0, fx1, fy1);
    /* the marker lands at the linear interpolation of the frame */
    double ex = fx0 + (2 - -6) / 12.0 * (fx1 - fx0), ey = fy0 + 0.25 * (fy1 - fy0);
    int found = 0;
    for (size_t i = 0; i < gb_dlist_count(dl); i++) {
        const gb_item *it = gb_dlist_item(dl, i);
        if (it->kind == GB_ITEM_CIRCLE && it->do_fill && same_rgb(it->fill, MARK)) {
            found = 1;
            GB_ASSERT_NEAR(it->x, ex, 1e-9);
            GB_ASSERT_NEAR(it->y, ey, 1e-9);
        }
    }
    GB_ASSERT_MSG(found, "marker drawn");
    double px, py;
    GB_ASSERT_MSG(gb_plot_map(p, -6, 1, &px, &py) == 0, "map corner");
    GB_ASSERT_NEAR(px, fx0, 1e-9);
    GB_ASSERT_NEAR(py, fy1, 1e-9);
    GB_ASSERT_MSG(gb_plot_map(p, NAN, 1, &px, &py) == -1, "NaN not mapped");
    /* everything lies inside the figure, and no two texts overlap */
    gb_bbox bb = gb_dlist_bbox(dl, &m);
    GB_ASSERT_MSG(bb.llx >= 0 && bb.lly >= 0 && bb.urx <= w && bb.ury <= h, "bbox %g %g %g %g",
                  bb.llx, bb.lly, bb.urx, bb.ury);
    GB_ASSERT_MSG(find_text(dl, "z") && find_text(dl, "σ(z)"), "axis labels");
    GB_ASSERT_MSG(find_text(dl, "\xE2\x88\x92" "6") != NULL, "tick label with U+2212 minus");
    for (size_t i = 0; i < gb_dlist_count(dl); i++)
        for (size_t j = i + 1; j < gb_dlist_count(dl); j++) {
            const gb_item *a = gb_dlist_item(dl, i), *b = gb_dlist_item(dl, j);
            if (a->kind != GB_ITEM_TEXT || b->kind != GB_ITEM_TEXT) continue;
            gb_bbox A = text_box(&m, a), B = text_box(&m, b);
            int ov = A.llx < B.urx && B.llx < A.urx && A.lly < B.ury && B.lly < A.ury;
            GB_ASSERT_MSG(!ov, "texts '%s' and '%s' overlap", a->text, b->text);
        }
    gb_dlist_free(dl);
    gb_plot_free(p);
}

/* Tick labels under the x axis keep apart at every width (the plot thins them as needed). */
static void test_xlabels_no_overlap(void)
{
    gb_metrics m = gb_metrics_fake();
    const double ranges[][2] = {{0, 1}, {-6, 6}, {0.93, 0.97}, {0, 1000}, {-123456, 7654321},
                                {1e-7, 3e-7}, {0.001, 0.002}};
    const double widths[] = {90, 150, 220, 300, 450};
    for (size_t r = 0; r < sizeof ranges / sizeof ranges[0]; r++)
        for (size_t k = 0; k < sizeof widths / sizeof widths[0]; k++)
            for (int lg = 0; lg < 2; lg++) {
                gb_plot_opts o = gb_plot_defaults();
                o.width = widths[k];
                o.height = 120;
                gb_plot *p = gb_plot_new(&o);
                double lo = ranges[r][0], hi = ranges[r][1];
                if (lg) { gb_plot_axis_log(p, GB_AXIS_X, 1); lo = 1e-13; hi = hi > 1 ? hi : 0.1; }
                const double x[] = {lo, hi}, y[] = {0, 1};
                gb_plot_add_series(p, x, y, 2, NULL, NULL);
                gb_dlist *dl = gb_dlist_new();
                int rc = gb_plot_render(p, &m, dl, NULL, NULL, NULL);
                GB_ASSERT_MSG(rc == 0, "render rc %d", rc);
                double fy0;
                gb_plot_frame(p, NULL, &fy0, NULL, NULL);
                /* texts well below the frame: x tick labels (and exponents); the lowest y tick
                 * label sits on the frame's bottom edge, baseline ~ cap/2 below it */
                gb_bbox box[64];
                size_t n = 0;
                for (size_t i = 0; i < gb_dlist_count(dl) && n < 64; i++) {
                    const gb_item *it = gb_dlist_item(dl, i);
                    if (it->kind == GB_ITEM_TEXT && it->y < fy0 - 0.6 * o.tick_size) box[n++] = text_box(&m, it);
                }
                GB_ASSERT_MSG(n >= 2, "range %zu width %g log %d: %zu labels", r, widths[k], lg, n);
                for (size_t i = 0; i < n; i++)
                    for (size_t j = i + 1; j < n; j++) {
                        int ov = box[i].llx < box[j].urx && box[j].llx < box[i].urx &&
                                 box[i].lly < box[j].ury && box[j].lly < box[i].ury;
                        GB_ASSERT_MSG(!ov, "range %zu width %g log %d: labels %zu, %zu overlap "
                                      "([%g, %g] vs [%g, %g])", r, widths[k], lg, i, j,
                                      box[i].llx, box[i].urx, box[j].llx, box[j].urx);
                    }
                gb_bbox bb = gb_dlist_bbox(dl, &m);
                GB_ASSERT_MSG(bb.llx >= 0 && bb.urx <= widths[k] + 1e-9, "inside the figure");
                gb_dlist_free(dl);
                gb_plot_free(p);
            }
}

static void test_log_axes(void)
{
    gb_metrics m = gb_metrics_fake();
    gb_plot *p = gb_plot_new(NULL);
    gb_plot_axis_log(p, GB_AXIS_X, 1);
    gb_plot_axis_log(p, GB_AXIS_Y, 1);
    gb_plot_axis_range(p, GB_AXIS_X, 1e-13, 1e-1);
    /* non-positive x values are skipped; the line starts at the first positive point */
    const double x[] = {-1, 0, 1e-10, 1e-7, 1e-4}, y[] = {1, 1, 1e-12, 1e-6, 1e-1};
    gb_series_style st = gb_plot_style(0);
    st.color = MARK;
    gb_plot_add_series(p, x, y, 5, &st, NULL);
    gb_plot_add_refline(p, GB_AXIS_X, 1e-5, "h = 1e-5", NULL);
    gb_dlist *dl = gb_dlist_new();
    gb_err e;
    gb_err_clear(&e);
    GB_ASSERT_MSG(gb_plot_render(p, &m, dl, NULL, NULL, &e) == 0, "render %s", e.msg);
    double fx0, fy0, fx1, fy1, lo, hi;
    gb_plot_frame(p, &fx0, &fy0, &fx1, &fy1);
    gb_plot_range(p, GB_AXIS_Y, &lo, &hi);
    GB_ASSERT_REL(lo, 1e-12, 1e-12);   /* data 1e-12..1e-1 widened to whole decades */
    GB_ASSERT_REL(hi, 1e-1, 1e-12);
    double px, py;
    /* log10 midpoint of [1e-13, 1e-1] is 1e-7 */
    GB_ASSERT_MSG(gb_plot_map(p, 1e-7, 1e-12, &px, &py) == 0, "map");
    GB_ASSERT_NEAR(px, (fx0 + fx1) / 2, 1e-9);
    GB_ASSERT_NEAR(py, fy0, 1e-9);
    GB_ASSERT_MSG(gb_plot_map(p, 0, 1, &px, &py) == -1, "0 on a log axis is not mappable");
    GB_ASSERT_MSG(gb_plot_map(p, 1e-3, -1, &px, &py) == -1, "-1 on a log axis is not mappable");
    size_t npaths = 0;
    double x10, y10;
    gb_plot_map(p, 1e-10, 1e-12, &x10, &y10);
    double href;
    gb_plot_map(p, 1e-5, 1e-6, &href, NULL);
    int ref_found = 0;
    for (size_t i = 0; i < gb_dlist_count(dl); i++) {
        const gb_item *it = gb_dlist_item(dl, i);
        if (it->kind != GB_ITEM_PATH || !it->do_stroke) continue;
        if (same_rgb(it->stroke.color, MARK)) {
            npaths++;
            GB_ASSERT_MSG(it->npts == 3, "%zu points", it->npts);
            GB_ASSERT_NEAR(it->xy[0], x10, 1e-9);
            GB_ASSERT_NEAR(it->xy[1], y10, 1e-9);
        }
        if (it->npts == 2 && it->xy[0] == it->xy[2] && fabs(it->xy[0] - href) < 1e-9 &&
            it->xy[1] == fy0 && it->xy[3] == fy1)
            ref_found = 1;
    }
    GB_ASSERT_MSG(npaths == 1, "%zu series paths", npaths);
    GB_ASSERT_MSG(ref_found, "vertical reference line at h = 1e-5 spans the frame");
    GB_ASSERT_MSG(find_text(dl, "h = 1e-5") != NULL, "reference label");
    /* exponent labels: "10" with a raised smaller exponent "−12" */
    const gb_item *ten = NULL, *ex = find_text(dl, "\xE2\x88\x92" "12");
    for (size_t i = 0; i < gb_dlist_count(dl); i++) {
        const gb_item *it = gb_dlist_item(dl, i);
        if (it->kind == GB_ITEM_TEXT && strcmp(it->text, "10") == 0 && ex && fabs(it->y - ex->y) < 10 &&
            it->x < ex->x && ex->x - it->x < 20)
            ten = it;
    }
    GB_ASSERT_MSG(ex && ten, "10^-12 label present");
    if (ex && ten) GB_ASSERT_MSG(ex->size < ten->size && ex->y > ten->y, "exponent smaller and raised");
    gb_dlist_free(dl);
    gb_plot_free(p);
}

static void test_clipping(void)
{
    gb_metrics m = gb_metrics_fake();
    gb_plot *p = gb_plot_new(NULL);
    gb_plot_axis_range(p, GB_AXIS_X, 0, 1);
    gb_plot_axis_range(p, GB_AXIS_Y, 0, 1);
    enum { N = 400 };
    double x[N], y[N];
    for (int i = 0; i < N; i++) {
        x[i] = -2 + 5.0 * i / (N - 1);
        y[i] = 0.5 + 3 * sin(7 * x[i]);
    }
    x[100] = NAN;   /* a gap */
    y[200] = 1e300; /* an absurd value far outside */
    gb_series_style st = gb_plot_style(1);
    st.color = MARK;
    st.line = GB_LINE_DASHED;
    gb_plot_add_series(p, x, y, N, &st, NULL);
    gb_dlist *dl = gb_dlist_new();
    GB_ASSERT_MSG(gb_plot_render(p, &m, dl, NULL, NULL, NULL) == 0, "render");
    double fx0, fy0, fx1, fy1;
    gb_plot_frame(p, &fx0, &fy0, &fx1, &fy1);
    size_t paths = 0, on_edge = 0;
    for (size_t i = 0; i < gb_dlist_count(dl); i++) {
        const gb_item *it = gb_dlist_item(dl, i);
        if (it->kind != GB_ITEM_PATH || !same_rgb(it->stroke.color, MARK)) continue;
        paths++;
        GB_ASSERT_MSG(it->stroke.dash_on > 0, "dashed");
        for (size_t k = 0; k < it->npts; k++) {
            double px = it->xy[2 * k], py = it->xy[2 * k + 1];
            GB_ASSERT_MSG(px >= fx0 && px <= fx1 && py >= fy0 && py <= fy1, "point (%g, %g) outside", px, py);
            if (py == fy0 || py == fy1) on_edge++;
        }
    }
    GB_ASSERT_MSG(paths >= 5, "the curve leaves and re-enters: %zu pieces", paths);
    GB_ASSERT_MSG(on_edge >= 2 * paths - 4, "pieces end on the frame: %zu", on_edge);
    gb_dlist_free(dl);
    gb_plot_free(p);
}

static void test_marching_squares(void)
{
    /* circle x^2 + y^2 = 1 sampled on [-2, 2]^2 */
    enum { N = 41 };
    double v[N * N], hgrid = 4.0 / (N - 1);
    for (int j = 0; j < N; j++)
        for (int i = 0; i < N; i++) {
            double x = -2 + 4.0 * i / (N - 1), y = -2 + 4.0 * j / (N - 1);
            v[j * N + i] = x * x + y * y;
        }
    double *s = NULL;
    size_t n = 0;
    GB_ASSERT_MSG(gb_plot_contour_segments(v, N, N, -2, 2, -2, 2, 1.0, &s, &n) == 0, "contour");
    GB_ASSERT_MSG(n > 40, "%zu segments", n);
    int octant[8] = {0};
    for (size_t k = 0; k < 2 * n; k++) {
        double x = s[2 * k], y = s[2 * k + 1], r = hypot(x, y);
        /* linear interpolation of x^2 across a cell of width h errs by at most h^2/4 in f */
        GB_ASSERT_MSG(fabs(r - 1) <= hgrid * hgrid / 4 + 1e-12, "point (%g, %g) at radius %.6f", x, y, r);
        int o = (int)floor((atan2(y, x) + GB_PI_T) / (GB_PI_T / 4));
        octant[o > 7 ? 7 : o] = 1;
    }
    for (int o = 0; o < 8; o++) GB_ASSERT_MSG(octant[o], "octant %d reached", o);
    free(s);

    /* a plane: linear along edges, so interpolation is exact */
    double pl[5 * 4];
    for (int j = 0; j < 4; j++)
        for (int i = 0; i < 5; i++) pl[j * 5 + i] = (i / 4.0) + 2 * (j / 3.0);
    GB_ASSERT_MSG(gb_plot_contour_segments(pl, 5, 4, 0, 1, 0, 1, 1.3, &s, &n) == 0 && n > 0, "plane");
    for (size_t k = 0; k < 2 * n; k++) GB_ASSERT_NEAR(s[2 * k] + 2 * s[2 * k + 1], 1.3, 1e-12);
    free(s);

    /* saddle: corners (0,0) and (1,1) high, mean 0.5 >= level: the high corners connect, so the
     * segments cut off the low corners (1,0) and (0,1) */
    const double sd[4] = {1, 0, 0, 1};
    GB_ASSERT_MSG(gb_plot_contour_segments(sd, 2, 2, 0, 1, 0, 1, 0.5, &s, &n) == 0 && n == 2, "saddle %zu", n);
    for (size_t k = 0; k < n; k++) {
        double mx = (s[4 * k] + s[4 * k + 2]) / 2, my = (s[4 * k + 1] + s[4 * k + 3]) / 2;
        int near10 = fabs(mx - 0.75) < 1e-12 && fabs(my - 0.25) < 1e-12;
        int near01 = fabs(mx - 0.25) < 1e-12 && fabs(my - 0.75) < 1e-12;
        GB_ASSERT_MSG(near10 || near01, "saddle segment midpoint (%g, %g)", mx, my);
    }
    free(s);

    /* bad input */
    GB_ASSERT_MSG(gb_plot_contour_segments(sd, 1, 4, 0, 1, 0, 1, 0.5, &s, &n) == GB_EINPUT && !s, "1 x 4 grid");
    GB_ASSERT_MSG(gb_plot_contour_segments(sd, 2, 2, 1, 0, 0, 1, 0.5, &s, &n) == GB_EINPUT, "x0 > x1");
    GB_ASSERT_MSG(gb_plot_contour_segments(sd, 2, 2, 0, 1, 0, 1, NAN, &s, &n) == GB_EINPUT, "NaN level");
    GB_ASSERT_MSG(gb_plot_contour_segments(NULL, 2, 2, 0, 1, 0, 1, 0.5, &s, &n) == GB_EINPUT, "NULL grid");
    /* a NaN value removes the cells around it, nothing else */
    double nanv[9] = {0, 0, 0, 0, NAN, 1, 1, 1, 1};
    GB_ASSERT_MSG(gb_plot_contour_segments(nanv, 3, 3, 0, 2, 0, 2, 0.5, &s, &n) == 0 && n == 0, "NaN cells skipped: %zu", n);
    free(s);
}

/* The rendered contour of a circle is one closed polyline of the contour's colour. */
static void test_contour_and_shading(void)
{
    gb_metrics m = gb_metrics_fake();
    enum { N = 31 };
    double v[N * N];
    for (int j = 0; j < N; j++)
        for (int i = 0; i < N; i++) {
            double x = -2 + 4.0 * i / (N - 1), y = -2 + 4.0 * j / (N - 1);
            v[j * N + i] = x * x + y * y;
        }
    gb_plot *p = gb_plot_new(NULL);
    const gb_rgb below = {0.9, 0.95, 1}, above = {1, 0.93, 0.88};
    gb_plot_add_shading(p, v, N, N, -2, 2, -2, 2, 1.0, below, above);
    gb_series_style st = gb_plot_style(0);
    st.color = MARK;
    gb_plot_add_contour(p, v, N, N, -2, 2, -2, 2, 1.0, &st, "r = 1");
    gb_plot_axis_range(p, GB_AXIS_X, -2, 2);
    gb_plot_axis_range(p, GB_AXIS_Y, -2, 2);
    gb_dlist *dl = gb_dlist_new();
    GB_ASSERT_MSG(gb_plot_render(p, &m, dl, NULL, NULL, NULL) == 0, "render");
    double fx0, fy0, fx1, fy1, cx, cy;
    gb_plot_frame(p, &fx0, &fy0, &fx1, &fy1);
    gb_plot_map(p, 0, 0, &cx, &cy);
    double sx = (fx1 - fx0) / 4, sy = (fy1 - fy0) / 4;   /* points per data unit */
    size_t contour_paths = 0, nbelow = 0, nabove = 0;
    int centre_below = 0, corner_above = 0;
    for (size_t i = 0; i < gb_dlist_count(dl); i++) {
        const gb_item *it = gb_dlist_item(dl, i);
        if (it->kind != GB_ITEM_PATH) continue;
        if (it->do_stroke && same_rgb(it->stroke.color, MARK)) {
            contour_paths++;
            GB_ASSERT_MSG(it->npts > 20, "%zu points", it->npts);
            GB_ASSERT_NEAR(it->xy[0], it->xy[2 * it->npts - 2], 1e-9);
            GB_ASSERT_NEAR(it->xy[1], it->xy[2 * it->npts - 1], 1e-9);
            for (size_t k = 0; k < it->npts; k++) {
                double r = hypot((it->xy[2 * k] - cx) / sx, (it->xy[2 * k + 1] - cy) / sy);
                GB_ASSERT_NEAR(r, 1, 0.01);
            }
        }
        if (it->do_fill && !it->do_stroke && it->closed) {
            /* shading rectangle: lower-left, upper-right corners */
            double x0 = it->xy[0], y0 = it->xy[1], x1 = it->xy[4], y1 = it->xy[5];
            GB_ASSERT_MSG(x0 >= fx0 && x1 <= fx1 && y0 >= fy0 && y1 <= fy1, "cell inside frame");
            int in_c = x0 <= cx && cx <= x1 && y0 <= cy && cy <= y1;
            int in_k = x0 <= fx0 + 1 && fy0 + 1 <= y1 && y0 <= fy0 + 1;
            if (same_rgb(it->fill, below)) { nbelow++; if (in_c) centre_below = 1; }
            if (same_rgb(it->fill, above)) { nabove++; if (in_k) corner_above = 1; }
        }
    }
    GB_ASSERT_MSG(contour_paths == 1, "%zu contour pieces", contour_paths);
    GB_ASSERT_MSG(nbelow > 0 && nabove > 0, "both colours: %zu %zu", nbelow, nabove);
    GB_ASSERT_MSG(centre_below && corner_above, "centre below level, corner above");
    gb_dlist_free(dl);
    gb_plot_free(p);
}

static void test_legend(void)
{
    gb_metrics m = gb_metrics_fake();
    for (int corner = GB_CORNER_NONE; corner <= GB_CORNER_SW; corner++) {
        gb_plot *p = gb_plot_new(NULL);
        const double x[] = {0, 1, 2}, y[] = {0, 1, 4};
        gb_series_style a = gb_plot_style(0), b = gb_plot_style(1);
        b.line = GB_LINE_NONE;
        b.marker = GB_MARK_TRIANGLE;
        gb_plot_add_series(p, x, y, 3, &a, "alpha");
        gb_plot_add_series(p, x, y, 3, &b, "beta");
        gb_plot_add_series(p, x, y, 3, NULL, NULL);   /* not listed */
        gb_plot_legend(p, (gb_corner)corner);
        gb_dlist *dl = gb_dlist_new();
        GB_ASSERT_MSG(gb_plot_render(p, &m, dl, NULL, NULL, NULL) == 0, "render");
        double fx0, fy0, fx1, fy1;
        gb_plot_frame(p, &fx0, &fy0, &fx1, &fy1);
        const gb_item *ta = find_text(dl, "alpha"), *tb = find_text(dl, "beta");
        if (corner == GB_CORNER_NONE) {
            GB_ASSERT_MSG(!ta && !tb, "no legend");
        } else {
            GB_ASSERT_MSG(ta && tb, "entries present (corner %d)", corner);
            if (ta && tb) {
                GB_ASSERT_MSG(ta->y > tb->y, "entries in order, top to bottom");
                int east = corner == GB_CORNER_NE || corner == GB_CORNER_SE;
                int north = corner == GB_CORNER_NE || corner == GB_CORNER_NW;
                double mx = (fx0 + fx1) / 2, my = (fy0 + fy1) / 2;
                GB_ASSERT_MSG((ta->x > mx) == east && (ta->y > my) == north, "corner %d", corner);
                GB_ASSERT_MSG(ta->x > fx0 && ta->x < fx1 && tb->y > fy0 && ta->y < fy1, "inside frame");
            }
        }
        gb_dlist_free(dl);
        gb_plot_free(p);
    }
}

static void test_auto_range_and_errors(void)
{
    gb_metrics m = gb_metrics_fake();
    gb_plot *p = gb_plot_new(NULL);
    const double x[] = {0, 500, 1000}, y[] = {0.69, 0.2, 0.05};
    gb_plot_add_series(p, x, y, 3, NULL, "loss");
    gb_dlist *dl = gb_dlist_new();
    GB_ASSERT_MSG(gb_plot_render(p, &m, dl, NULL, NULL, NULL) == 0, "render");
    double lo, hi;
    gb_plot_range(p, GB_AXIS_Y, &lo, &hi);
    GB_ASSERT_MSG(lo <= 0.05 && hi >= 0.69 && lo >= 0 && hi <= 0.8 + 1e-12, "y range [%g, %g]", lo, hi);
    gb_plot_range(p, GB_AXIS_X, &lo, &hi);
    GB_ASSERT_NEAR(lo, 0, 0);
    GB_ASSERT_NEAR(hi, 1000, 0);
    gb_plot_free(p);

    /* errors are returned at once and again (sticky) at render, which then draws nothing */
    p = gb_plot_new(NULL);
    GB_ASSERT_MSG(gb_plot_add_series(p, NULL, y, 3, NULL, NULL) == GB_EINPUT, "NULL data");
    GB_ASSERT_MSG(gb_plot_axis_range(p, GB_AXIS_X, 1, 1) == GB_EINPUT, "empty range");
    GB_ASSERT_MSG(gb_plot_axis_label(p, 7, "x") == GB_EINPUT, "bad axis");
    gb_dlist_clear(dl);
    gb_err e;
    gb_err_clear(&e);
    GB_ASSERT_MSG(gb_plot_render(p, &m, dl, NULL, NULL, &e) == GB_EINPUT, "sticky error");
    GB_ASSERT_MSG(strstr(e.msg, "NULL data") != NULL, "first error kept: %s", e.msg);
    GB_ASSERT_MSG(gb_dlist_count(dl) == 0, "nothing drawn");
    GB_ASSERT_MSG(gb_plot_map(p, 0, 0, NULL, NULL) == -1, "no layout after a failed render");
    gb_plot_free(p);

    p = gb_plot_new(NULL);
    gb_plot_axis_log(p, GB_AXIS_Y, 1);
    gb_plot_axis_range(p, GB_AXIS_Y, -1, 10);
    GB_ASSERT_MSG(gb_plot_render(p, &m, dl, NULL, NULL, NULL) == GB_EINPUT, "log range <= 0");
    gb_plot_free(p);

    /* an empty plot, or one whose data are all unusable, still renders a default frame */
    p = gb_plot_new(NULL);
    const double bad[] = {NAN, INFINITY};
    gb_plot_add_series(p, bad, bad, 2, NULL, NULL);
    GB_ASSERT_MSG(gb_plot_render(p, &m, dl, NULL, NULL, NULL) == 0, "unusable data");
    gb_plot_range(p, GB_AXIS_X, &lo, &hi);
    GB_ASSERT_MSG(lo == 0 && hi == 1, "default range [%g, %g]", lo, hi);
    GB_ASSERT_MSG(gb_plot_render(NULL, &m, dl, NULL, NULL, NULL) == GB_EINPUT, "NULL plot");
    gb_plot_free(p);
    gb_plot_free(NULL);

    /* tiny figure with huge labels: refused, not drawn over itself */
    gb_plot_opts o = gb_plot_defaults();
    o.width = 60;
    o.height = 60;
    o.tick_size = 30;
    p = gb_plot_new(&o);
    GB_ASSERT_MSG(gb_plot_render(p, &m, dl, NULL, NULL, NULL) == GB_EINPUT, "too small");
    gb_plot_free(p);
    gb_dlist_free(dl);

    /* palette: 8 distinct colours, cycling */
    for (int i = 0; i < 8; i++)
        for (int j = i + 1; j < 8; j++)
            GB_ASSERT_MSG(!same_rgb(gb_plot_color(i), gb_plot_color(j)), "colours %d, %d differ", i, j);
    GB_ASSERT_MSG(same_rgb(gb_plot_color(9), gb_plot_color(1)), "cycles");
    gb_rgb t = gb_plot_tint(gb_plot_color(0), 0);
    GB_ASSERT_MSG(same_rgb(t, GB_WHITE), "tint 0 is white");
}

GB_TEST_SUITE(plot)
{
    CU_pSuite s = CU_add_suite("plot", NULL, NULL);
    GB_ADD(s, test_mapping);
    GB_ADD(s, test_xlabels_no_overlap);
    GB_ADD(s, test_log_axes);
    GB_ADD(s, test_clipping);
    GB_ADD(s, test_marching_squares);
    GB_ADD(s, test_contour_and_shading);
    GB_ADD(s, test_legend);
    GB_ADD(s, test_auto_range_and_errors);
}
