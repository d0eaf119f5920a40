/* fig_training.c — the figures of the training run (exercise section 7.5): mean loss and
 * accuracy per epoch, and the trained network's decision boundary over the feature plane. */
#include "book/computations_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Grid of the decision-boundary shading and contour: fine enough that cells read as a smooth
 * field at a 300 pt figure. */
#define GRID 101
/* Share of the data's extent added on each side of the decision-boundary plot. */
#define PAD 0.08
/* The decision threshold of training.h: "eagle" when yhat >= 0.5. */
#define THRESHOLD 0.5
/* Share of the epoch range left free right of the last epoch (accuracy figure). */
#define EPOCH_PAD 0.04

static int no_options(const gb_block *b, gb_err *e) { return gb_comp_keys(b, NULL, 0, e); }

static int epochs_x(const gb_training_result *tr, double **x, gb_err *e)
{
    if (!tr->epochs || !tr->loss || !tr->train_acc)
        return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "the training run has no epochs");
    *x = malloc(tr->epochs * sizeof **x);
    if (!*x) return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < tr->epochs; i++) (*x)[i] = (double)(i + 1);
    return 0;
}

static int setup_fail(int rc, const char *what, gb_err *e)
{
    return gb_err_set(e, rc ? rc : GB_EINTERNAL, NULL, 0, 0, "%s: plot set-up failed", what);
}

int gb_comp_training_loss(const gb_block *b, const gb_book_ctx *ctx, gb_float *out, gb_err *e)
{
    int rc = no_options(b, e);
    if (rc) return rc;
    const gb_training_result *tr = &ctx->runs->training;
    double *x = NULL;
    if ((rc = epochs_x(tr, &x, e))) return rc;
    gb_plot_opts po;
    gb_plot *p = NULL;
    if (!(rc = gb_comp_plot_opts(ctx, 0.75, 0.55, &po, e))) {
        p = gb_plot_new(&po);
        if (!p) rc = gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
    }
    if (!rc) {
        int r2;
        gb_series_style st = gb_plot_style(0);
        if ((r2 = gb_plot_axis_label(p, GB_AXIS_X, "epoch")) ||
            (r2 = gb_plot_axis_label(p, GB_AXIS_Y, "mean training loss C")) ||
            (r2 = gb_plot_add_series(p, x, tr->loss, tr->epochs, &st, NULL)))
            rc = setup_fail(r2, "training-loss", e);
    }
    if (!rc) rc = gb_comp_plot_finish(p, ctx, out, e);
    gb_plot_free(p);
    free(x);
    return rc;
}

int gb_comp_training_accuracy(const gb_block *b, const gb_book_ctx *ctx, gb_float *out,
                              gb_err *e)
{
    int rc = no_options(b, e);
    if (rc) return rc;
    const gb_training_result *tr = &ctx->runs->training;
    double *x = NULL;
    if ((rc = epochs_x(tr, &x, e))) return rc;
    double test;
    gb_formatted tf;
    char tv[96];
    if ((rc = gb_comp_raw(ctx, "training.test_accuracy", &test, e)) ||
        (rc = gb_comp_value(ctx, "training.test_accuracy", ".1%", &tf, e))) {
        free(x);
        return rc;
    }
    gb_comp_label_value(&tf, tv, sizeof tv);
    /* Accuracy is a fraction: the axis ends at 1 and starts at the tenth below the lowest value
     * shown, so the climb is visible. */
    double lo = test;
    for (size_t i = 0; i < tr->epochs; i++)
        if (tr->train_acc[i] < lo) lo = tr->train_acc[i];
    lo = floor(lo * 10) / 10;
    if (lo >= 1) lo = 0.9;
    if (lo < 0) lo = 0;
    /* The legend is inside the plot: take the longest wording that fits the figure. */
    static const char *const wording[] = {"test set, end of training: %s", "test set: %s"};
    gb_plot *p = NULL;
    for (size_t attempt = 0; !rc && attempt < 2; attempt++) {
        char label[160];
        snprintf(label, sizeof label, wording[attempt], tv);
        gb_plot_opts po;
        gb_plot_free(p);
        gb_float_free(out);
        if ((rc = gb_comp_plot_opts(ctx, 0.75, 0.55, &po, e))) break;
        p = gb_plot_new(&po);
        if (!p) { rc = gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory"); break; }
        int r2;
        /* The test accuracy is one number, measured at the end: a marker at the last epoch (a
         * labelled reference line would run through the training curve). */
        gb_series_style st = gb_plot_style(0), ref = gb_plot_style(1);
        ref.line = GB_LINE_NONE;
        ref.marker = GB_MARK_SQUARE;
        ref.marker_size = 5;
        double ex = (double)tr->epochs;
        if ((r2 = gb_plot_axis_label(p, GB_AXIS_X, "epoch")) ||
            (r2 = gb_plot_axis_label(p, GB_AXIS_Y, "training accuracy")) ||
            (r2 = gb_plot_axis_range(p, GB_AXIS_Y, lo, 1.0)) ||
            /* room right of the last epoch, so its marker is not cut by the frame */
            (r2 = gb_plot_axis_range(p, GB_AXIS_X, 0, ex * (1 + EPOCH_PAD))) ||
            (r2 = gb_plot_add_series(p, x, tr->train_acc, tr->epochs, &st, "training set")) ||
            (r2 = gb_plot_add_series(p, &ex, &test, 1, &ref, label)) ||
            (r2 = gb_plot_legend(p, GB_CORNER_SE))) {
            rc = setup_fail(r2, "training-accuracy", e);
            break;
        }
        if ((rc = gb_comp_plot_finish(p, ctx, out, e))) break;
        gb_bbox bb = gb_dlist_bbox(out->dl, ctx->metrics);
        if (bb.llx >= -0.5 && bb.urx <= out->width + 0.5) break;
    }
    gb_plot_free(p);
    free(x);
    return rc;
}

/* Adds the samples of d with label `label` as a scatter series. */
static int scatter(gb_plot *p, const gb_dataset *d, double label, const gb_series_style *st,
                   const char *legend)
{
    double *x = malloc((d->n + 1) * sizeof *x), *y = malloc((d->n + 1) * sizeof *y);
    if (!x || !y) { free(x); free(y); return GB_EINTERNAL; }
    size_t n = 0;
    for (size_t i = 0; i < d->n; i++)
        if (d->y[i] == label) { x[n] = d->x[2 * i]; y[n] = d->x[2 * i + 1]; n++; }
    int rc = n ? gb_plot_add_series(p, x, y, n, st, legend) : 0;
    free(x);
    free(y);
    return rc;
}

/* The legend goes to the corner that hides the least: counted are the samples and the grid
 * points near the boundary inside a box of LEGEND_BOX of each axis at each corner. */
#define LEGEND_BOX 0.4

static gb_corner emptiest_corner(const gb_dataset *all, const double *v, double x0, double x1,
                                 double y0, double y1)
{
    static const gb_corner corners[4] = {GB_CORNER_NW, GB_CORNER_NE, GB_CORNER_SW, GB_CORNER_SE};
    double cost[4] = {0, 0, 0, 0};
    for (int c = 0; c < 4; c++) {
        int east = corners[c] == GB_CORNER_NE || corners[c] == GB_CORNER_SE;
        int north = corners[c] == GB_CORNER_NE || corners[c] == GB_CORNER_NW;
        double bx0 = east ? x1 - LEGEND_BOX * (x1 - x0) : x0;
        double bx1 = east ? x1 : x0 + LEGEND_BOX * (x1 - x0);
        double by0 = north ? y1 - LEGEND_BOX * (y1 - y0) : y0;
        double by1 = north ? y1 : y0 + LEGEND_BOX * (y1 - y0);
        for (size_t i = 0; i < all->n; i++) {
            double px = all->x[2 * i], py = all->x[2 * i + 1];
            cost[c] += px >= bx0 && px <= bx1 && py >= by0 && py <= by1;
        }
        for (size_t j = 0; j < GRID; j++)
            for (size_t i = 0; i < GRID; i++) {
                double px = x0 + (x1 - x0) * (double)i / (GRID - 1);
                double py = y0 + (y1 - y0) * (double)j / (GRID - 1);
                double d = v[j * GRID + i] - THRESHOLD;
                if (px >= bx0 && px <= bx1 && py >= by0 && py <= by1 && fabs(d) < 0.05)
                    cost[c] += 0.05;
            }
    }
    int best = 0;
    for (int c = 1; c < 4; c++)
        if (cost[c] < cost[best]) best = c;
    return corners[best];
}

int gb_comp_decision_boundary(const gb_block *b, const gb_book_ctx *ctx, gb_float *out,
                              gb_err *e)
{
    int rc = no_options(b, e);
    if (rc) return rc;
    const gb_training_result *tr = &ctx->runs->training;
    const gb_dataset *all = &tr->data.all;
    if (!tr->net || !all->n)
        return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "decision-boundary: no trained network");
    double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
    for (size_t i = 0; i < all->n; i++) {
        x0 = fmin(x0, all->x[2 * i]);
        x1 = fmax(x1, all->x[2 * i]);
        y0 = fmin(y0, all->x[2 * i + 1]);
        y1 = fmax(y1, all->x[2 * i + 1]);
    }
    double px = (x1 > x0 ? x1 - x0 : 1) * PAD, py = (y1 > y0 ? y1 - y0 : 1) * PAD;
    x0 -= px; x1 += px; y0 -= py; y1 += py;
    double *v = malloc(GRID * GRID * sizeof *v);
    if (!v) return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
    for (size_t j = 0; j < GRID; j++)
        for (size_t i = 0; i < GRID; i++)
            v[j * GRID + i] = gb_training_output_orig(tr, x0 + (x1 - x0) * (double)i / (GRID - 1),
                                                      y0 + (y1 - y0) * (double)j / (GRID - 1));
    gb_formatted thr;
    char clabel[128];
    gb_value_format(THRESHOLD, ".1f", &thr);
    snprintf(clabel, sizeof clabel, "\xC5\xB7 = %s", thr.text);
    gb_plot_opts po;
    gb_plot *p = NULL;
    if (!(rc = gb_comp_plot_opts(ctx, 0.75, 0.8, &po, e))) {
        p = gb_plot_new(&po);
        if (!p) rc = gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
    }
    if (!rc) {
        /* Chickens (label 0, yhat < 0.5) in vermillion, eagles in blue; filled markers for the
         * training set, open ones for the test set; circles and triangles so the classes differ
         * in print without colour too. */
        gb_rgb cc = gb_plot_color(1), ce = gb_plot_color(0);
        gb_series_style chick = {cc, 0, GB_LINE_NONE, GB_MARK_CIRCLE, 4.0, 0};
        gb_series_style eagle = {ce, 0, GB_LINE_NONE, GB_MARK_TRIANGLE, 4.5, 0};
        gb_series_style chick_t = chick, eagle_t = eagle;
        chick_t.marker_open = eagle_t.marker_open = 1;
        gb_series_style cont = {GB_BLACK, 1.2, GB_LINE_SOLID, GB_MARK_NONE, 0, 0};
        int r2;
        if ((r2 = gb_plot_axis_label(p, GB_AXIS_X, "feature x\xE2\x82\x80")) ||
            (r2 = gb_plot_axis_label(p, GB_AXIS_Y, "feature x\xE2\x82\x81")) ||
            (r2 = gb_plot_axis_range(p, GB_AXIS_X, x0, x1)) ||
            (r2 = gb_plot_axis_range(p, GB_AXIS_Y, y0, y1)) ||
            (r2 = gb_plot_add_shading(p, v, GRID, GRID, x0, x1, y0, y1, THRESHOLD,
                                      gb_plot_tint(cc, 0.18), gb_plot_tint(ce, 0.18))) ||
            (r2 = gb_plot_add_contour(p, v, GRID, GRID, x0, x1, y0, y1, THRESHOLD,
                                      &cont, clabel)) ||
            (r2 = scatter(p, &tr->data.train_raw, GB_LABEL_CHICKEN, &chick, "chickens (train)")) ||
            (r2 = scatter(p, &tr->data.train_raw, GB_LABEL_EAGLE, &eagle, "eagles (train)")) ||
            (r2 = scatter(p, &tr->data.test_raw, GB_LABEL_CHICKEN, &chick_t, "chickens (test)")) ||
            (r2 = scatter(p, &tr->data.test_raw, GB_LABEL_EAGLE, &eagle_t, "eagles (test)")) ||
            (r2 = gb_plot_legend(p, emptiest_corner(all, v, x0, x1, y0, y1))))
            rc = setup_fail(r2, "decision-boundary", e);
    }
    if (!rc) rc = gb_comp_plot_finish(p, ctx, out, e);
    gb_plot_free(p);
    free(v);
    return rc;
}
