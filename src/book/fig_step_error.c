/* fig_step_error.c — truncation against round-off: the error of the plain central difference
 * of C for the swept parameter against the step h, log-log, with the automatic step of the
 * gradient check marked (numerics/gradcheck.h, "The step h"). */
#include "book/computations_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int gb_comp_step_error(const gb_block *b, const gb_book_ctx *ctx, gb_float *out, gb_err *e)
{
    int rc = gb_comp_keys(b, NULL, 0, e);
    if (rc) return rc;
    const gb_runs *r = ctx->runs;
    if (r->sweep_n < 2 || !r->sweep_h || !r->sweep_err)
        return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "step-error: the step sweep did not run");
    /* An error of exactly 0 (the difference quotient hit the analytic value) has no place on a
     * log axis; the plot skips it, and so a line breaks there. Say so only by its absence. */
    size_t shown = 0;
    for (size_t i = 0; i < r->sweep_n; i++) shown += r->sweep_err[i] > 0;
    if (shown == 0)
        return gb_err_set(e, GB_EINPUT, b->pos.file, b->pos.line, b->pos.col,
                          "step-error: with these sample values every error of the central "
                          "difference of %s is exactly 0 (the loss does not change at all near "
                          "it: a saturated neuron); choose values that keep the neurons out of "
                          "saturation, or another parameter with [check] sweep",
                          r->sweep_param);
    gb_formatted hf;
    char hv[96], label[160], ylab[160], pname[64];
    if ((rc = gb_comp_value(ctx, "sweep.step_auto", ".0e", &hf, e))) return rc;
    gb_comp_label_value(&hf, hv, sizeof hv);
    snprintf(label, sizeof label, "automatic h = %s", hv);
    gb_comp_param_label(r->sweep_param, pname, sizeof pname);
    snprintf(ylab, sizeof ylab, "|error| of the central difference for \xE2\x88\x82" "C/\xE2\x88\x82%s",
             pname);
    /* The y label sits above the frame: take the longest wording that fits the figure. */
    char ylabels[3][160];
    snprintf(ylabels[0], sizeof ylabels[0], "%s", ylab);
    snprintf(ylabels[1], sizeof ylabels[1], "|error| of \xE2\x88\x82" "C/\xE2\x88\x82%s", pname);
    snprintf(ylabels[2], sizeof ylabels[2], "|error|");
    gb_plot *p = NULL;
    for (int attempt = 0; attempt < 3; attempt++) {
        gb_plot_opts po;
        if ((rc = gb_comp_plot_opts(ctx, 0.8, 0.62, &po, e))) return rc;
        gb_plot_free(p);
        gb_float_free(out);
        p = gb_plot_new(&po);
        if (!p) return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
        gb_series_style st = gb_plot_style(0);
        st.marker = GB_MARK_CIRCLE;
        st.marker_size = 3.5;
        gb_series_style ref = gb_plot_style(1);
        ref.line = GB_LINE_DASHED;
        ref.width = 0.9;
        int r2;
        if ((r2 = gb_plot_axis_log(p, GB_AXIS_X, 1)) || (r2 = gb_plot_axis_log(p, GB_AXIS_Y, 1)) ||
            (r2 = gb_plot_axis_label(p, GB_AXIS_X, "step h")) ||
            (r2 = gb_plot_axis_label(p, GB_AXIS_Y, ylabels[attempt])) ||
            (r2 = gb_plot_add_series(p, r->sweep_h, r->sweep_err, r->sweep_n, &st, NULL)) ||
            (r2 = gb_plot_add_refline(p, GB_AXIS_X, r->sweep_h_auto, label, &ref))) {
            rc = gb_err_set(e, r2, NULL, 0, 0, "step-error: plot set-up failed");
            break;
        }
        if ((rc = gb_comp_plot_finish(p, ctx, out, e))) break;
        gb_bbox bb = gb_dlist_bbox(out->dl, ctx->metrics);
        if (bb.urx <= out->width + 0.5) break;
    }
    gb_plot_free(p);
    return rc;
}
