/* fig_activation.c — the activation figure of exercise section 3: g(z) solid and its
 * derivative g'(z) dashed over a range of z, with a legend. */
#include "book/computations_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Documented defaults (computations.h): the plot range of the exercise's figures 1-3. */
#define FROM_DEFAULT (-6.0)
#define TO_DEFAULT 6.0
/* Samples along z: smooth at any figure width a page allows. */
#define NSAMPLES 241

int gb_comp_activation(const gb_block *b, const gb_book_ctx *ctx, gb_float *out, gb_err *e)
{
    static const char *const keys[] = {"fn", "from", "to", "alpha"};
    int rc = gb_comp_keys(b, keys, 4, e);
    if (rc) return rc;
    const gb_option *fo = gb_block_find_option(b, "fn");
    if (!fo)
        return gb_comp_bad(b, NULL, e,
                           "option fn is required (fn=sigmoid, tanh, leaky_relu or identity)");
    gb_act act;
    if (gb_act_lookup(fo->value, &act) != 0)
        return gb_comp_bad(b, fo, e, "fn=%s: expected sigmoid, tanh, leaky_relu or identity",
                           fo->value ? fo->value : "");
    double from, to, alpha;
    /* The slope of the exercise's leaky ReLU: network.leaky_relu_alpha, which the exercise
     * stores in every layer's activation. */
    double alpha0 = ctx->ex->net->L >= 1 ? ctx->ex->net->act[1].alpha : act.alpha;
    if ((rc = gb_comp_opt_double(b, "from", FROM_DEFAULT, &from, e)) ||
        (rc = gb_comp_opt_double(b, "to", TO_DEFAULT, &to, e)) ||
        (rc = gb_comp_opt_double(b, "alpha", alpha0, &alpha, e)))
        return rc;
    if (!(from < to)) {
        const gb_option *o = gb_block_find_option(b, "to");
        return gb_comp_bad(b, o ? o : gb_block_find_option(b, "from"), e,
                           "the range from=%g to=%g is empty (expected from < to)", from, to);
    }
    if (!(alpha > 0 && alpha < 1))
        return gb_comp_bad(b, gb_block_find_option(b, "alpha"), e,
                           "alpha=%g: expected a slope between 0 and 1", alpha);
    act.alpha = alpha;

    const char *gname, *dname;
    switch (act.kind) {
    case GB_ACT_SIGMOID: gname = "\xCF\x83(z)"; dname = "\xCF\x83\xE2\x80\xB2(z)"; break;
    case GB_ACT_TANH: gname = "tanh(z)"; dname = "tanh\xE2\x80\xB2(z)"; break;
    default: gname = "g(z)"; dname = "g\xE2\x80\xB2(z)"; break;
    }
    /* One spare slot per sample for the NaN that breaks g' at a kink (no vertical jump line). */
    double *z = malloc(NSAMPLES * sizeof *z), *g = malloc(NSAMPLES * sizeof *g);
    double *dz = malloc(2 * NSAMPLES * sizeof *dz), *dg = malloc(2 * NSAMPLES * sizeof *dg);
    gb_plot *p = NULL;
    if (!z || !g || !dz || !dg) { rc = gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory"); goto done; }
    size_t nd = 0;
    for (size_t i = 0; i < NSAMPLES; i++) {
        z[i] = from + (to - from) * (double)i / (NSAMPLES - 1);
        g[i] = gb_act_f(&act, z[i]);
        if (i > 0 && gb_act_near_kink(&act, 0, 0) && z[i - 1] <= 0 && z[i] > 0) {
            dz[nd] = NAN;
            dg[nd++] = NAN;
        }
        dz[nd] = z[i];
        dg[nd++] = gb_act_df(&act, z[i]);
    }
    gb_plot_opts po;
    if ((rc = gb_comp_plot_opts(ctx, 0.75, 0.62, &po, e))) goto done;
    p = gb_plot_new(&po);
    if (!p) { rc = gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory"); goto done; }
    gb_series_style gs = gb_plot_style(0), ds = gb_plot_style(1);
    ds.line = GB_LINE_DASHED;
    if ((rc = gb_plot_axis_label(p, GB_AXIS_X, "z")) ||
        (rc = gb_plot_axis_range(p, GB_AXIS_X, from, to)) ||
        (rc = gb_plot_add_series(p, z, g, NSAMPLES, &gs, gname)) ||
        (rc = gb_plot_add_series(p, dz, dg, nd, &ds, dname)) ||
        (rc = gb_plot_legend(p, GB_CORNER_NW))) {
        gb_err_set(e, rc, NULL, 0, 0, "activation: plot set-up failed");
        goto done;
    }
    rc = gb_comp_plot_finish(p, ctx, out, e);
done:
    gb_plot_free(p);
    free(z);
    free(g);
    free(dz);
    free(dg);
    return rc;
}
