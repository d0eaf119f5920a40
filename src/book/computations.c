/* computations.c — the table of computations (NAME -> function) behind ```gradbook NAME``` blocks
 * and the one entry point that checks the block and dispatches it. */
#include "book/computations_internal.h"

#include <string.h>

static const struct comp {
    const char *name;
    gb_comp_fn fn;
    gb_float_kind kind;
    int training;        /* draws from the training run (model/runs.h) */
} comps[] = {
    {"activation", gb_comp_activation, GB_FLOAT_FIGURE, 0},
    {"network", gb_comp_network, GB_FLOAT_FIGURE, 0},
    {"model-summary", gb_comp_model_summary, GB_FLOAT_TABLE, 0},
    {"perceptron-check", gb_comp_perceptron_check, GB_FLOAT_TABLE, 0},
    {"forward-table", gb_comp_forward_table, GB_FLOAT_TABLE, 0},
    {"gradient-table", gb_comp_gradient_table, GB_FLOAT_TABLE, 0},
    {"step-error", gb_comp_step_error, GB_FLOAT_FIGURE, 0},
    {"training-loss", gb_comp_training_loss, GB_FLOAT_FIGURE, 1},
    {"training-accuracy", gb_comp_training_accuracy, GB_FLOAT_FIGURE, 1},
    {"decision-boundary", gb_comp_decision_boundary, GB_FLOAT_FIGURE, 1},
    {"training-table", gb_comp_training_table, GB_FLOAT_TABLE, 1},
};

/* Ink within this of the box (a stroke's half width) is not counted as sticking out. */
#define SLACK 1.0

#define NCOMPS (sizeof comps / sizeof comps[0])

/* The table entry of computation name, or NULL. */
static const struct comp *lookup(const char *name)
{
    for (size_t i = 0; name && i < NCOMPS; i++)
        if (!strcmp(comps[i].name, name)) return &comps[i];
    return NULL;
}

int gb_computation_known(const char *name)
{
    return lookup(name) != NULL;
}

int gb_computation_needs_training(const char *name)
{
    const struct comp *c = lookup(name);
    return c ? c->training : 0;
}

gb_float_kind gb_computation_kind(const char *name)
{
    const struct comp *c = lookup(name);
    return c ? c->kind : GB_FLOAT_FIGURE;
}

int gb_computation_render(const gb_block *b, const gb_book_ctx *ctx, gb_float *out, gb_err *e)
{
    if (!out) return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "computation: no output");
    memset(out, 0, sizeof *out);
    if (!b || b->kind != GB_BLOCK_COMPUTE || !ctx || !ctx->model || !ctx->runs || !ctx->ex ||
        !ctx->ex->net || !ctx->metrics)
        return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0,
                          "computation: missing block, model, runs, exercise or metrics");
    if (!(ctx->font_size > 0 && ctx->font_size < 100) || !(ctx->text_width > 0 &&
                                                           ctx->text_width < 1e4))
        return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0,
                          "computation: bad font size %g or text width %g", ctx->font_size,
                          ctx->text_width);
    const struct comp *cp = lookup(b->name);
    gb_comp_fn fn = cp ? cp->fn : NULL;
    if (!fn) {
        char list[512] = "";
        for (size_t i = 0; i < NCOMPS; i++) {
            strncat(list, comps[i].name, sizeof list - strlen(list) - 1);
            if (i + 1 < NCOMPS) strncat(list, ", ", sizeof list - strlen(list) - 1);
        }
        return gb_err_set(e, GB_EINPUT, b->pos.file, b->pos.line, b->pos.col,
                          "unknown computation '%s' (expected one of: %s)",
                          b->name ? b->name : "", list);
    }
    int rc = fn(b, ctx, out, e);
    if (!rc && out->dl) {
        /* Defensive: a label that a layout let stick out of its box (a long legend in a narrow
         * plot) widens the box, so the composer reserves room for all the ink. */
        gb_bbox bb = gb_dlist_bbox(out->dl, ctx->metrics);
        double x0 = bb.llx < 0 ? bb.llx : 0, y0 = bb.lly < 0 ? bb.lly : 0;
        double x1 = bb.urx > out->width ? bb.urx : out->width;
        double y1 = bb.ury > out->height ? bb.ury : out->height;
        if (gb_dlist_count(out->dl) && (x0 < -SLACK || y0 < -SLACK || x1 > out->width + SLACK ||
                                        y1 > out->height + SLACK)) {
            gb_dlist *s = gb_dlist_new();
            if (!s || gb_dl_append(s, out->dl, -x0, -y0)) {
                gb_dlist_free(s);
                rc = gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
            } else {
                gb_dlist_free(out->dl);
                out->dl = s;
                out->width = x1 - x0;
                out->height = y1 - y0;
            }
        }
    }
    if (!rc && out->dl && out->width > ctx->text_width + 1e-6) {
        /* Defensive: every computation sizes itself to the text width; never let one overflow. */
        double f = ctx->text_width / out->width;
        gb_dlist *s = gb_comp_dl_scale(out->dl, f);
        if (!s) rc = gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
        else {
            gb_dlist_free(out->dl);
            out->dl = s;
            out->width *= f;
            out->height *= f;
        }
    }
    if (rc) gb_float_free(out);
    return rc;
}

void gb_float_free(gb_float *f)
{
    if (!f) return;
    gb_dlist_free(f->dl);
    f->dl = NULL;
    f->width = f->height = 0;
}
