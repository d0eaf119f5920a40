/* tab_gradients.c — the gradient table: every delta and every gradient of the sample network,
 * the analytic value (backpropagation) beside GSL's numerical derivative, its error estimate,
 * the relative difference and the verdict of the check (numerics/gradcheck.h). */
#include "book/computations_internal.h"

#include <stdio.h>
#include <string.h>

/* Enough digits that agreement to ~1e-8 shows; tiny values switch to scientific (values.h). */
#define FMT_VALUE ".8f"
#define FMT_ERR ".2e"

static const char dash[] = "\xE2\x80\x94";   /* em dash: "no value" */

static const gb_quantity *quantity(const gb_book_ctx *ctx, const char *name, gb_err *e)
{
    long i = gb_model_find(ctx->model, name);
    if (i < 0) {
        gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "the model has no quantity '%s'", name);
        return NULL;
    }
    return gb_model_at(ctx->model, (size_t)i);
}

int gb_comp_gradient_table(const gb_block *b, const gb_book_ctx *ctx, gb_float *out, gb_err *e)
{
    int rc = gb_comp_keys(b, NULL, 0, e);
    if (rc) return rc;
    const gb_net *net = ctx->ex->net;
    size_t nparams = gb_net_param_count(net), ndelta = 0;
    for (size_t l = 1; l <= net->L; l++) ndelta += net->n[l];
    if (ctx->runs->nchecks != nparams || !ctx->runs->checks)
        return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0,
                          "gradient-table: %zu checks for %zu parameters", ctx->runs->nchecks,
                          nparams);
    gb_ctab *t = gb_ctab_new(1 + ndelta + nparams, 6, "cddddl", 1);
    if (!t) return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
    static const char *const head[] = {"quantity", "analytic", "GSL numerical",
                                       "GSL error estimate", "relative error", "verdict"};
    for (size_t c = 0; !rc && c < 6; c++)
        if (gb_ctab_text(t, 0, c, GB_FACE_SERIF, head[c])) rc = GB_EINTERNAL;
    if (rc) rc = gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
    size_t r = 1;
    char name[96];
    /* Deltas first: the gradients are built from them (delta a_prev); they have no check of
     * their own. */
    for (size_t l = net->L; !rc && l >= 1; l--)
        for (size_t j = 0; !rc && j < net->n[l]; j++, r++) {
            snprintf(name, sizeof name, "delta[%zu][%zu]", l, j);
            const gb_quantity *q = quantity(ctx, name, e);
            if (!q) { rc = e ? e->code : GB_EINTERNAL; break; }
            if (gb_ctab_math(t, r, 0, q->symbol)) rc = GB_EINTERNAL;
            if (!rc) rc = gb_ctab_value(t, r, 1, ctx, name, FMT_VALUE, e);
            for (size_t c = 2; !rc && c < 6; c++)
                if (gb_ctab_text(t, r, c, GB_FACE_SERIF, c == 5 ? "" : dash)) rc = GB_EINTERNAL;
        }
    char pname[48];
    for (size_t i = 0; !rc && i < nparams; i++, r++) {
        gb_net_param_name(net, i, pname, sizeof pname);
        snprintf(name, sizeof name, "grad.%s", pname);
        const gb_quantity *q = quantity(ctx, name, e);
        if (!q) { rc = e ? e->code : GB_EINTERNAL; break; }
        if (gb_ctab_math(t, r, 0, q->symbol)) rc = GB_EINTERNAL;
        if (!rc) rc = gb_ctab_value(t, r, 1, ctx, name, FMT_VALUE, e);
        snprintf(name, sizeof name, "check.%s.numerical", pname);
        if (!rc) rc = gb_ctab_value(t, r, 2, ctx, name, FMT_VALUE, e);
        snprintf(name, sizeof name, "check.%s.error_estimate", pname);
        if (!rc) rc = gb_ctab_value(t, r, 3, ctx, name, FMT_ERR, e);
        snprintf(name, sizeof name, "check.%s.relative_error", pname);
        if (!rc) rc = gb_ctab_value(t, r, 4, ctx, name, FMT_ERR, e);
        if (!rc && gb_ctab_text(t, r, 5, GB_FACE_SERIF,
                                gb_check_verdict_name(ctx->runs->checks[i].verdict)))
            rc = GB_EINTERNAL;
    }
    if (rc && (!e || e->code == GB_OK)) rc = gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
    if (!rc) rc = gb_ctab_render(t, ctx, out, e);
    gb_ctab_free(t);
    return rc;
}
