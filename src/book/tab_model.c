/* tab_model.c — the tables of the sample problem: Keras' model summary (exercise section 2.3),
 * the perceptron check (section 2.4), the forward pass (section 6), and the training run's data
 * and hyper-parameters with its results (section 7.5). */
#include "book/computations_internal.h"

#include <stdio.h>
#include <string.h>

#define FMT_COUNT "d"
#define FMT_VALUE ".6f"
#define FMT_FORWARD ".4f"

static int oom(gb_err *e) { return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory"); }

static int text(gb_ctab *t, size_t r, size_t c, const char *s, gb_err *e)
{
    return gb_ctab_text(t, r, c, GB_FACE_SERIF, s) ? oom(e) : 0;
}

static int head(gb_ctab *t, const char *const *h, size_t n, gb_err *e)
{
    int rc = 0;
    for (size_t c = 0; !rc && c < n; c++) rc = text(t, 0, c, h[c], e);
    return rc;
}

/* A row "symbol | description | value" for quantity q; sym overrides the quantity's symbol
 * (NULL: keep it). */
static int qrow_sym(gb_ctab *t, size_t r, const gb_book_ctx *ctx, const char *q, const char *sym,
                    const char *fmt, gb_err *e)
{
    long i = gb_model_find(ctx->model, q);
    if (i < 0) return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "the model has no quantity '%s'", q);
    const gb_quantity *qq = gb_model_at(ctx->model, (size_t)i);
    if (gb_ctab_math(t, r, 0, sym ? sym : qq->symbol[0] ? qq->symbol : "?")) return oom(e);
    int rc = text(t, r, 1, qq->desc, e);
    return rc ? rc : gb_ctab_value(t, r, 2, ctx, q, fmt, e);
}

static int qrow(gb_ctab *t, size_t r, const gb_book_ctx *ctx, const char *q, const char *fmt,
                gb_err *e)
{
    return qrow_sym(t, r, ctx, q, NULL, fmt, e);
}

/* The two perceptron outputs share the symbol yhat; the table tells them apart. */
#define YHAT_AUG "\\hat{y}_{\\mathrm{aug}}"

int gb_comp_model_summary(const gb_block *b, const gb_book_ctx *ctx, gb_float *out, gb_err *e)
{
    static const char *const keys[] = {"of"};
    static const char *const what[] = {"perceptron", "network"};
    int of = 1;
    int rc = gb_comp_keys(b, keys, 1, e);
    if (!rc) rc = gb_comp_opt_choice(b, "of", what, 2, 1, &of, e);
    if (rc) return rc;
    const gb_net *net = ctx->ex->net;
    size_t layers = of == 0 ? 1 : net->L;
    gb_ctab *t = gb_ctab_new(layers + 2, 3, "lld", 1);
    if (!t) return oom(e);
    static const char *const h[] = {"Layer (type)", "Output Shape", "Param #"};
    rc = head(t, h, 3, e);
    char name[64], shape[64], q[48];
    for (size_t l = 1; !rc && l <= layers; l++) {
        /* Keras names its Dense layers dense, dense_1, dense_2, ... */
        if (l == 1) snprintf(name, sizeof name, "dense (Dense)");
        else snprintf(name, sizeof name, "dense_%zu (Dense)", l - 1);
        snprintf(shape, sizeof shape, "(None, %zu)", of == 0 ? (size_t)1 : net->n[l]);
        if (of == 0) snprintf(q, sizeof q, "perceptron.params");
        else snprintf(q, sizeof q, "net.params[%zu]", l);
        if (!(rc = text(t, l, 0, name, e)) && !(rc = text(t, l, 1, shape, e)))
            rc = gb_ctab_value(t, l, 2, ctx, q, FMT_COUNT, e);
    }
    if (!rc) rc = text(t, layers + 1, 0, "Total params", e);
    if (!rc)
        rc = gb_ctab_value(t, layers + 1, 2, ctx, of == 0 ? "perceptron.params" : "net.params",
                           FMT_COUNT, e);
    if (!rc) rc = gb_ctab_render(t, ctx, out, e);
    gb_ctab_free(t);
    return rc;
}

int gb_comp_perceptron_check(const gb_block *b, const gb_book_ctx *ctx, gb_float *out,
                             gb_err *e)
{
    int rc = gb_comp_keys(b, NULL, 0, e);
    if (rc) return rc;
    size_t n = ctx->ex->p_n;
    size_t rows = 1 + 2 * n + 1 + 1 + 2 + 1;
    gb_ctab *t = gb_ctab_new(rows, 3, "lld", 1);
    if (!t) return oom(e);
    static const char *const h[] = {"quantity", "meaning", "value"};
    rc = head(t, h, 3, e);
    size_t r = 1;
    char q[48];
    for (size_t k = 0; !rc && k < n; k++, r++) {
        snprintf(q, sizeof q, "perceptron.x[%zu]", k);
        rc = qrow(t, r, ctx, q, ".4g", e);
    }
    for (size_t k = 0; !rc && k < n; k++, r++) {
        snprintf(q, sizeof q, "perceptron.w[%zu]", k);
        rc = qrow(t, r, ctx, q, FMT_VALUE, e);
    }
    if (!rc) rc = qrow(t, r++, ctx, "perceptron.b", FMT_VALUE, e);
    if (!rc) rc = qrow(t, r++, ctx, "perceptron.z", FMT_VALUE, e);
    if (!rc) rc = qrow(t, r++, ctx, "perceptron.yhat", FMT_VALUE, e);
    if (!rc) rc = qrow_sym(t, r++, ctx, "perceptron.yhat_aug", YHAT_AUG, FMT_VALUE, e);
    double y1, y2;
    if (!rc && !(rc = gb_comp_raw(ctx, "perceptron.yhat", &y1, e)) &&
        !(rc = gb_comp_raw(ctx, "perceptron.yhat_aug", &y2, e))) {
        /* The two ways of computing yhat: equal up to the rounding of a different summation
         * order, which this row shows. */
        gb_formatted f;
        gb_value_format(y1 - y2, ".3g", &f);
        if (gb_ctab_math(t, r, 0, "\\hat{y} - " YHAT_AUG) || gb_ctab_num(t, r, 2, &f))
            rc = oom(e);
        if (!rc) rc = text(t, r, 1, "difference of the two outputs", e);
    }
    if (!rc) rc = gb_ctab_render(t, ctx, out, e);
    gb_ctab_free(t);
    return rc;
}

int gb_comp_forward_table(const gb_block *b, const gb_book_ctx *ctx, gb_float *out, gb_err *e)
{
    int rc = gb_comp_keys(b, NULL, 0, e);
    if (rc) return rc;
    const gb_net *net = ctx->ex->net;
    size_t neurons = 0;
    for (size_t l = 1; l <= net->L; l++) neurons += net->n[l];
    int one_out = net->n[net->L] == 1;
    size_t nout = one_out ? 1 : net->n[net->L];
    gb_ctab *t = gb_ctab_new(1 + 2 * neurons + nout + 1, 3, "lld", 1);
    if (!t) return oom(e);
    static const char *const h[] = {"quantity", "meaning", "value"};
    rc = head(t, h, 3, e);
    size_t r = 1;
    char q[48];
    for (size_t l = 1; !rc && l <= net->L; l++)
        for (size_t j = 0; !rc && j < net->n[l]; j++) {
            snprintf(q, sizeof q, "z[%zu][%zu]", l, j);
            rc = qrow(t, r++, ctx, q, FMT_FORWARD, e);
            snprintf(q, sizeof q, "a[%zu][%zu]", l, j);
            if (!rc) rc = qrow(t, r++, ctx, q, FMT_FORWARD, e);
        }
    for (size_t j = 0; !rc && j < nout; j++) {
        if (one_out) snprintf(q, sizeof q, "yhat");
        else snprintf(q, sizeof q, "yhat[%zu]", j);
        rc = qrow(t, r++, ctx, q, FMT_FORWARD, e);
    }
    if (!rc) rc = qrow(t, r++, ctx, "C", FMT_FORWARD, e);
    if (!rc) rc = gb_ctab_render(t, ctx, out, e);
    gb_ctab_free(t);
    return rc;
}

int gb_comp_training_table(const gb_block *b, const gb_book_ctx *ctx, gb_float *out, gb_err *e)
{
    int rc = gb_comp_keys(b, NULL, 0, e);
    if (rc) return rc;
    static const struct { const char *label, *q, *fmt; } rows[] = {
        {"samples per class", "data.per_class", "d"},
        {"training samples", "data.train_size", "d"},
        {"test samples", "data.test_size", "d"},
        {"spread of each class (standard deviation)", "data.spread", ".4g"},
        {"learning rate \xCE\xB7", "training.eta", ".4g"},
        {"epochs", "training.epochs", "d"},
        {"mean training loss after the first epoch", "training.initial_loss", ".4f"},
        {"mean training loss after the last epoch", "training.final_loss", ".4f"},
        {"training accuracy", "training.train_accuracy", ".1%"},
        {"test accuracy", "training.test_accuracy", ".1%"},
    };
    size_t nr = sizeof rows / sizeof rows[0];
    gb_ctab *t = gb_ctab_new(2 + nr, 2, "ld", 1);
    if (!t) return oom(e);
    static const char *const h[] = {"setting or result", "value"};
    rc = head(t, h, 2, e);
    /* The architecture as the run used it: layer sizes and activations from its config. */
    const gb_training_config *c = &ctx->runs->training.config;
    char arch[256] = "", part[48];
    for (size_t l = 0; l <= c->L && l <= GB_NET_MAX_LAYERS; l++) {
        snprintf(part, sizeof part, "%s%zu", l ? "\xE2\x80\x93" : "", c->sizes[l]);
        strncat(arch, part, sizeof arch - strlen(arch) - 1);
    }
    strncat(arch, ", ", sizeof arch - strlen(arch) - 1);
    for (size_t l = 0; l < c->L && l < GB_NET_MAX_LAYERS; l++) {
        if (l > 0 && c->acts[l].kind == c->acts[l - 1].kind) continue;
        if (l > 0) strncat(arch, "/", sizeof arch - strlen(arch) - 1);
        strncat(arch, gb_act_name(c->acts[l].kind), sizeof arch - strlen(arch) - 1);
    }
    /* In the label column: a text in the decimal column would push every number aside. */
    char row0[300];
    snprintf(row0, sizeof row0, "network %s", arch);
    if (!rc) rc = text(t, 1, 0, row0, e);
    for (size_t i = 0; !rc && i < nr; i++) {
        rc = text(t, 2 + i, 0, rows[i].label, e);
        if (!rc) rc = gb_ctab_value(t, 2 + i, 1, ctx, rows[i].q, rows[i].fmt, e);
    }
    if (!rc) rc = gb_ctab_render(t, ctx, out, e);
    gb_ctab_free(t);
    return rc;
}
