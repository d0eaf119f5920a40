/* table.c — booktabs-style tables: column widths from contents, wrapping text columns when the
 * table is too wide, decimal alignment, three rules. */
#include "typeset/table.h"

#include "util/utf8.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Width given to cells that must not wrap (decimal columns): wider than any page. */
#define NO_WRAP 1e5

static int is_space(uint32_t cp) { return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r'; }

/* The widest unbreakable piece of a cell (a word or an inline box): the narrowest the cell can
 * be without splitting words. */
static double widest_word(const gb_metrics *m, const gb_cell *c)
{
    double best = 0, cur = 0;
    for (size_t i = 0; i < c->n; i++) {
        const gb_inline *it = &c->items[i];
        if (it->kind == GB_INLINE_BOX) { cur += it->width; if (cur > best) best = cur; continue; }
        if (it->kind != GB_INLINE_TEXT) { cur = 0; continue; }
        size_t p = 0, ws = 0;
        while (p < it->len) {
            uint32_t cp;
            size_t l = gb_utf8_decode(it->text + p, it->len - p, &cp);
            if (is_space(cp)) {
                if (p > ws) cur += m->advance(m->ctx, it->face, it->text + ws, p - ws, it->size);
                if (cur > best) best = cur;
                cur = 0;
                ws = p + l;
            }
            p += l;
        }
        /* a word may continue into the next run (e.g. a bold part of a word) */
        if (p > ws) cur += m->advance(m->ctx, it->face, it->text + ws, p - ws, it->size);
        if (cur > best) best = cur;
    }
    return best;
}

static int is_dash(uint32_t cp) { return cp == '-' || cp == 0x2013 || cp == 0x2014 || cp == 0x2212; }

/* Splits a numeric cell at its decimal point: widths before (*pre) and from (*post) it. */
static void decimal_split(const gb_metrics *m, const gb_cell *c, double *pre, double *post)
{
    double total = 0;
    size_t ncp = 0;
    uint32_t only = 0;
    for (size_t i = 0; i < c->n; i++) {
        const gb_inline *it = &c->items[i];
        if (it->kind == GB_INLINE_BOX) { total += it->width; ncp += 2; continue; }
        if (it->kind != GB_INLINE_TEXT) continue;
        total += m->advance(m->ctx, it->face, it->text, it->len, it->size);
        for (size_t p = 0; p < it->len;) {
            uint32_t cp;
            p += gb_utf8_decode(it->text + p, it->len - p, &cp);
            if (!is_space(cp)) { ncp++; only = cp; }
        }
    }
    if (ncp == 1 && is_dash(only)) {   /* "no value": centred on the point */
        *pre = *post = total / 2;
        return;
    }
    /* pass 1 looks for '.', pass 2 for an exponent marker after a digit */
    for (int pass = 0; pass < 2; pass++) {
        double before = 0;
        uint32_t prev = 0;
        for (size_t i = 0; i < c->n; i++) {
            const gb_inline *it = &c->items[i];
            if (it->kind == GB_INLINE_BOX) { before += it->width; prev = 0; continue; }
            if (it->kind != GB_INLINE_TEXT) continue;
            for (size_t p = 0; p < it->len;) {
                uint32_t cp;
                size_t l = gb_utf8_decode(it->text + p, it->len - p, &cp);
                int hit = pass == 0 ? cp == '.'
                                    : (cp == 'e' || cp == 'E') && prev >= '0' && prev <= '9';
                if (hit) {
                    *pre = before + m->advance(m->ctx, it->face, it->text, p, it->size);
                    *post = total - *pre;
                    return;
                }
                prev = cp;
                p += l;
            }
            before += m->advance(m->ctx, it->face, it->text, it->len, it->size);
        }
    }
    *pre = total;
    *post = 0;
}

static int lay_cell(const gb_metrics *m, const gb_cell *c, double width, gb_lines *out,
                    gb_err *e)
{
    gb_para_style st = {width, 0, 0, 0};
    return gb_linebreak(m, c->items, c->n, &st, out, e);
}

static double lines_width(const gb_lines *L)
{
    double w = 0;
    for (size_t i = 0; i < L->n; i++)
        if (L->line[i].width > w) w = L->line[i].width;
    return w;
}

static int bad_len(double v) { return !isfinite(v) || v < 0 || v > 1e5; }

static int rule(gb_dlist *dl, double width, double y, double lw, gb_rgb color)
{
    gb_stroke st = {lw, 0, 0, color};
    return gb_dl_line(dl, 0, y, width, y, &st);
}

void gb_table_free(gb_table *t)
{
    if (!t) return;
    gb_dlist_free(t->dl);
    t->dl = NULL;
}

int gb_table_layout(const gb_metrics *m, const gb_table_spec *s, gb_table *out, gb_err *e)
{
    memset(out, 0, sizeof *out);
    if (s->cols == 0 || s->head_rows > s->rows || (s->rows && !s->cells) || !s->align ||
        !(s->max_width > 0) || bad_len(s->max_width) || bad_len(s->col_sep) ||
        bad_len(s->leading) || bad_len(s->row_sep) || bad_len(s->rule_sep) ||
        bad_len(s->thick) || bad_len(s->thin) || s->rows > 100000 || s->cols > 1000)
        return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0,
                          "bad table: %zu x %zu, %zu head rows, width %g", s->rows, s->cols,
                          s->head_rows, s->max_width);
    size_t R = s->rows, C = s->cols;
    double *nat = calloc(C, sizeof *nat), *minw = calloc(C, sizeof *minw);
    double *lmax = calloc(C, sizeof *lmax), *rmax = calloc(C, sizeof *rmax);
    double *w = calloc(C, sizeof *w), *colx = calloc(C, sizeof *colx);
    gb_lines *cl = calloc(C, sizeof *cl);
    /* Per cell (R x C, row-major): its lines at natural width, kept for the second pass when its
     * column gets that width (the usual case), and a number's width left of the decimal point. */
    size_t RC = R * C > 0 ? R * C : 1;
    gb_lines *natural = calloc(RC, sizeof *natural);
    double *pre_of = calloc(RC, sizeof *pre_of);
    int rc = 0;
    if (!nat || !minw || !lmax || !rmax || !w || !colx || !cl || !natural || !pre_of) {
        rc = gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
        goto done;
    }
    /* Natural and narrowest widths of each column. */
    for (size_t r = 0; r < R && !rc; r++)
        for (size_t c = 0; c < C && !rc; c++) {
            const gb_cell *cell = &s->cells[r * C + c];
            int num = s->align[c] == GB_ALIGN_DECIMAL && r >= s->head_rows;
            if (num) {
                double *pre = &pre_of[r * C + c], post;
                decimal_split(m, cell, pre, &post);
                if (*pre > lmax[c]) lmax[c] = *pre;
                if (post > rmax[c]) rmax[c] = post;
                continue;
            }
            gb_lines *L = &natural[r * C + c];
            rc = lay_cell(m, cell, NO_WRAP, L, e);
            if (rc) break;
            double nw = lines_width(L), mw = widest_word(m, cell);
            if (nw > nat[c]) nat[c] = nw;
            if (mw > minw[c]) minw[c] = mw;
        }
    if (rc) goto done;
    double sum_nat = 0, sum_min = 0, seps = s->col_sep * (double)(C - 1);
    for (size_t c = 0; c < C; c++) {
        if (s->align[c] == GB_ALIGN_DECIMAL) {
            /* numbers never wrap */
            double num = lmax[c] + rmax[c];
            if (num > nat[c]) nat[c] = num;
            if (num > minw[c]) minw[c] = num;
        }
        sum_nat += nat[c];
        sum_min += minw[c];
    }
    double avail = s->max_width - seps;
    out->min_width = sum_min + seps;
    if (sum_nat <= avail) {
        memcpy(w, nat, C * sizeof *w);
    } else if (sum_min <= avail && sum_nat > sum_min) {
        /* share the room above the minimum in proportion to what each column would like */
        double k = (avail - sum_min) / (sum_nat - sum_min);
        for (size_t c = 0; c < C; c++) w[c] = minw[c] + (nat[c] - minw[c]) * k;
    } else {
        memcpy(w, minw, C * sizeof *w);
    }
    double x = 0;
    for (size_t c = 0; c < C; c++) {
        colx[c] = x;
        x += w[c] + (c + 1 < C ? s->col_sep : 0);
    }
    out->width = x;
    out->fits = x <= s->max_width + 1e-6;
    out->dl = gb_dlist_new();
    if (!out->dl) {
        rc = gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
        goto done;
    }
    double y = 0;
    if (rule(out->dl, out->width, y - s->thick / 2, s->thick, s->rule_color)) goto oom;
    y -= s->thick + s->rule_sep;
    for (size_t r = 0; r < R; r++) {
        /* lay out the row's cells; all share the first baseline */
        double first_h = 0;
        for (size_t c = 0; c < C; c++) {
            int num = s->align[c] == GB_ALIGN_DECIMAL && r >= s->head_rows;
            if (!num && w[c] >= nat[c]) {
                /* the column is as wide as its widest line: the first pass's lines stand */
                cl[c] = natural[r * C + c];
                memset(&natural[r * C + c], 0, sizeof natural[0]);
            } else {
                /* a column narrowed below its widest word still gets every character:
                 * linebreak splits words between code points then */
                rc = lay_cell(m, &s->cells[r * C + c], num ? NO_WRAP : (w[c] > 0 ? w[c] : 1e-3),
                              &cl[c], e);
                if (rc) goto done;
            }
            if (cl[c].n && cl[c].line[0].height > first_h) first_h = cl[c].line[0].height;
        }
        double base0 = y - first_h, bottom = y;
        for (size_t c = 0; c < C; c++) {
            double base = base0;
            int num = s->align[c] == GB_ALIGN_DECIMAL && r >= s->head_rows;
            double pre = num ? pre_of[r * C + c] : 0;
            for (size_t k = 0; k < cl[c].n; k++) {
                const gb_line *ln = &cl[c].line[k];
                if (k) {
                    double d = cl[c].line[k - 1].depth + ln->height;
                    base -= d > s->leading ? d : s->leading;
                }
                double lx = colx[c];
                gb_align a = s->align[c];
                if (a == GB_ALIGN_DECIMAL && !num) a = GB_ALIGN_CENTER;
                if (a == GB_ALIGN_RIGHT) lx += w[c] - ln->width;
                else if (a == GB_ALIGN_CENTER) lx += (w[c] - ln->width) / 2;
                else if (a == GB_ALIGN_DECIMAL)
                    lx += (w[c] - (lmax[c] + rmax[c])) / 2 + lmax[c] - pre;
                if (gb_dl_append(out->dl, ln->dl, lx, base)) goto oom;
                if (base - ln->depth < bottom) bottom = base - ln->depth;
            }
            gb_lines_free(&cl[c]);
        }
        y = bottom;
        if (r + 1 == s->head_rows && s->head_rows < R) {
            y -= s->rule_sep;
            if (rule(out->dl, out->width, y - s->thin / 2, s->thin, s->rule_color)) goto oom;
            y -= s->thin + s->rule_sep;
        } else if (r + 1 < R) {
            y -= s->row_sep;
        }
    }
    y -= s->rule_sep;
    if (rule(out->dl, out->width, y - s->thick / 2, s->thick, s->rule_color)) goto oom;
    y -= s->thick;
    out->height = -y;
    goto done;
oom:
    rc = gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
done:
    if (cl)
        for (size_t c = 0; c < C; c++) gb_lines_free(&cl[c]);
    if (natural)
        for (size_t i = 0; i < R * C; i++) gb_lines_free(&natural[i]);
    free(natural);
    free(pre_of);
    if (rc) gb_table_free(out);
    free(nat);
    free(minw);
    free(lmax);
    free(rmax);
    free(w);
    free(colx);
    free(cl);
    return rc;
}
