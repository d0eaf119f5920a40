/* comp_util.c — shared helpers of the computations: options with file:line:column errors,
 * quantity values, Unicode sub/superscripts for plain-text labels, figure sizing and scaling. */
#include "book/computations_internal.h"
#include "util/utf8.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Options ------------------------------------------------------------------------------ */

int gb_comp_bad(const gb_block *b, const gb_option *o, gb_err *e, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    const gb_srcpos *p = o ? &o->pos : &b->pos;
    return gb_err_set(e, GB_EINPUT, p->file, p->line, p->col, "%s: %s", b->name ? b->name : "?",
                      msg);
}

int gb_comp_keys(const gb_block *b, const char *const *keys, size_t nkeys, gb_err *e)
{
    for (size_t i = 0; i < b->nopts; i++) {
        const gb_option *o = &b->opts[i];
        size_t k = 0;
        while (k < nkeys && strcmp(o->key ? o->key : "", keys[k])) k++;
        if (k < nkeys) continue;
        char list[256] = "";
        for (k = 0; k < nkeys; k++) {
            strncat(list, keys[k], sizeof list - strlen(list) - 1);
            if (k + 1 < nkeys) strncat(list, ", ", sizeof list - strlen(list) - 1);
        }
        if (nkeys == 0) return gb_comp_bad(b, o, e, "unknown option '%s' (this computation "
                                           "takes no options)", o->key ? o->key : "");
        return gb_comp_bad(b, o, e, "unknown option '%s' (expected %s)", o->key ? o->key : "",
                           list);
    }
    return 0;
}

int gb_comp_opt_double(const gb_block *b, const char *key, double dflt, double *out, gb_err *e)
{
    const gb_option *o = gb_block_find_option(b, key);
    *out = dflt;
    if (!o) return 0;
    const char *s = o->value ? o->value : "";
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end || !isfinite(v))
        return gb_comp_bad(b, o, e, "%s=%s: expected a finite number", key, s);
    *out = v;
    return 0;
}

int gb_comp_opt_choice(const gb_block *b, const char *key, const char *const *choices, size_t n,
                       int dflt, int *out, gb_err *e)
{
    const gb_option *o = gb_block_find_option(b, key);
    *out = dflt;
    if (!o) return 0;
    const char *s = o->value ? o->value : "";
    for (size_t i = 0; i < n; i++)
        if (!strcmp(s, choices[i])) { *out = (int)i; return 0; }
    char list[256] = "";
    for (size_t i = 0; i < n; i++) {
        strncat(list, choices[i], sizeof list - strlen(list) - 1);
        if (i + 1 < n) strncat(list, ", ", sizeof list - strlen(list) - 1);
    }
    return gb_comp_bad(b, o, e, "%s=%s: expected one of %s", key, s, list);
}

/* ---- Values ------------------------------------------------------------------------------- */

int gb_comp_raw(const gb_book_ctx *ctx, const char *name, double *v, gb_err *e)
{
    int ok = 0;
    *v = gb_model_value(ctx->model, name, &ok);
    if (!ok)
        return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "the model has no quantity '%s'", name);
    if (!isfinite(*v))
        return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "quantity '%s' is not a finite number",
                          name);
    return 0;
}

int gb_comp_value(const gb_book_ctx *ctx, const char *name, const char *fmt, gb_formatted *out,
                  gb_err *e)
{
    double v;
    int rc = gb_comp_raw(ctx, name, &v, e);
    if (rc) return rc;
    if (gb_value_format(v, fmt, out) != 0)
        return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "cannot format '%s' with '%s'", name, fmt);
    return 0;
}

/* UTF-8 of the sub/superscript digits 0..9 and of '(' ')' '-' '+' '='. */
static const char *const sub_digit[10] = {"\u2080", "\u2081", "\u2082", "\u2083", "\u2084",
                                          "\u2085", "\u2086", "\u2087", "\u2088", "\u2089"};
static const char *const sup_digit[10] = {"\u2070", "\u00B9", "\u00B2", "\u00B3", "\u2074",
                                          "\u2075", "\u2076", "\u2077", "\u2078", "\u2079"};

static void script(const char *s, char *buf, size_t cap, int sup)
{
    size_t o = 0;
    if (!cap) return;
    for (; s && *s; s++) {
        const char *piece;
        char one[2] = {*s, 0};
        if (*s >= '0' && *s <= '9') piece = sup ? sup_digit[*s - '0'] : sub_digit[*s - '0'];
        else if (*s == '(') piece = sup ? "\u207D" : "\u208D";
        else if (*s == ')') piece = sup ? "\u207E" : "\u208E";
        else if (*s == '-') piece = sup ? "\u207B" : "\u208B";
        else if (*s == '+') piece = sup ? "\u207A" : "\u208A";
        else piece = one;
        size_t n = strlen(piece);
        if (o + n >= cap) break;
        memcpy(buf + o, piece, n);
        o += n;
    }
    buf[o] = '\0';
}

void gb_comp_subscript(const char *ascii, char *buf, size_t cap) { script(ascii, buf, cap, 0); }
void gb_comp_superscript(const char *ascii, char *buf, size_t cap) { script(ascii, buf, cap, 1); }

/* ---- Figures ------------------------------------------------------------------------------ */

/* A plot wider than this reads worse than a smaller one in a book column. */
#define PLOT_MAX_WIDTH 360.0

int gb_comp_plot_opts(const gb_book_ctx *ctx, double frac, double aspect, gb_plot_opts *o,
                      gb_err *e)
{
    if (ctx->text_width < 80)
        return gb_err_set(e, GB_EINPUT, NULL, 0, 0,
                          "the text width %.1f pt is too narrow for a figure (at least 80 pt)",
                          ctx->text_width);
    *o = gb_plot_defaults();
    double w = frac * ctx->text_width;
    if (w > PLOT_MAX_WIDTH) w = PLOT_MAX_WIDTH;
    if (w < 80) w = ctx->text_width < 80 ? ctx->text_width : 80;
    double h = aspect * w;
    if (h < 60) h = 60;
    o->width = w;
    o->height = h;
    o->face = GB_FACE_SANS;
    o->tick_size = 0.8 * ctx->font_size;
    o->legend_size = 0.8 * ctx->font_size;
    o->label_size = 0.9 * ctx->font_size;
    o->grid = 1;
    return 0;
}

int gb_comp_plot_finish(gb_plot *p, const gb_book_ctx *ctx, gb_float *out, gb_err *e)
{
    out->kind = GB_FLOAT_FIGURE;
    out->dl = gb_dlist_new();
    if (!out->dl) return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
    double w = 0, h = 0;
    int rc = gb_plot_render(p, ctx->metrics, out->dl, &w, &h, e);
    if (rc) {
        if (e && e->code == GB_OK) gb_err_set(e, rc, NULL, 0, 0, "plot failed");
        return rc;
    }
    out->width = w;
    out->height = h;
    return 0;
}

gb_dlist *gb_comp_dl_scale(const gb_dlist *src, double f)
{
    gb_dlist *d = gb_dlist_new();
    if (!d) return NULL;
    int rc = 0;
    for (size_t i = 0; !rc && i < gb_dlist_count(src); i++) {
        const gb_item *it = gb_dlist_item(src, i);
        gb_stroke st = {0, 0, 0, GB_BLACK};   /* a path's or circle's stroke, scaled */
        if (it->kind == GB_ITEM_PATH || it->kind == GB_ITEM_CIRCLE) {
            st = it->stroke;
            st.width *= f;
            st.dash_on *= f;
            st.dash_off *= f;
        }
        switch (it->kind) {
        case GB_ITEM_TEXT:
            rc = gb_dl_text(d, it->face, it->size * f, it->x * f, it->y * f, it->text, it->len,
                            it->color);
            break;
        case GB_ITEM_PATH: {
            double *xy = malloc(2 * it->npts * sizeof *xy + 1);
            if (!xy) { rc = -1; break; }
            for (size_t k = 0; k < 2 * it->npts; k++) xy[k] = it->xy[k] * f;
            rc = gb_dl_path(d, xy, it->npts, it->closed, it->do_fill ? &it->fill : NULL,
                            it->do_stroke ? &st : NULL);
            free(xy);
            break;
        }
        case GB_ITEM_CIRCLE:
            rc = gb_dl_circle(d, it->x * f, it->y * f, it->r * f, it->do_fill ? &it->fill : NULL,
                              it->do_stroke ? &st : NULL);
            break;
        case GB_ITEM_LINK:
            rc = gb_dl_link(d, it->x * f, it->y * f, it->w * f, it->h * f, it->dest);
            break;
        }
    }
    if (rc) { gb_dlist_free(d); return NULL; }
    return d;
}

void gb_comp_label_value(const gb_formatted *f, char *buf, size_t cap)
{
    if (!cap) return;
    if (!f->has_exponent) {
        snprintf(buf, cap, "%s", f->text);
        return;
    }
    /* "4.2e-18" -> "4.2×10⁻¹⁸": diagrams and plot labels are plain text, without math. */
    char sup[64], mtext[96], exps[16];
    snprintf(exps, sizeof exps, "%d", f->exp);
    gb_comp_superscript(exps, sup, sizeof sup);
    gb_utf8_minus(mtext, sizeof mtext, f->mant);
    snprintf(buf, cap, "%s\xC3\x97" "10%s", mtext, sup);
}

void gb_comp_param_label(const char *name, char *buf, size_t cap)
{
    unsigned l, j, k;
    char c, idx[48], sub[96], lay[24], sup[64];
    if (sscanf(name, "W[%u][%u][%u]%c", &l, &j, &k, &c) == 3) {
        snprintf(idx, sizeof idx, (j > 9 || k > 9) ? "%u,%u" : "%u%u", j, k);
        c = 'w';
    } else if (sscanf(name, "b[%u][%u]%c", &l, &j, &c) == 2) {
        snprintf(idx, sizeof idx, "%u", j);
        c = 'b';
    } else {
        snprintf(buf, cap, "%s", name);
        return;
    }
    snprintf(lay, sizeof lay, "(%u)", l);
    gb_comp_subscript(idx, sub, sizeof sub);
    gb_comp_superscript(lay, sup, sizeof sup);
    snprintf(buf, cap, "%c%s%s", c, sub, sup);
}
