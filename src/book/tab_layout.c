/* tab_layout.c — the computations' tables: cells of text, math and formatted values turned into
 * typeset/table.h cells (formulas set by math_layout.h, exponents raised), laid out as a book
 * table and set smaller when even the wrapped table is wider than the text. */
#include "book/computations_internal.h"

#include "typeset/math_layout.h"
#include "typeset/table.h"
#include "util/utf8.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Layout constants, in em of the table's font size (booktabs' defaults at 10 pt). */
#define COL_SEP 1.2     /* \tabcolsep 6 pt either side */
#define ROW_SEP 0.25
#define RULE_SEP 0.35
#define THICK 0.08      /* \heavyrulewidth 0.08 em */
#define THIN 0.05       /* \lightrulewidth 0.05 em */
#define EXP_SCALE 0.7   /* an exponent is set at script size ... */
#define EXP_RAISE 0.4   /* ... raised by this (em of the base size) */
#define MIN_SIZE 4.0    /* points: below this a table is not readable; scale the drawing instead */

typedef enum ckind { C_EMPTY = 0, C_TEXT, C_MATH, C_NUM } ckind;

typedef struct ccell {
    ckind kind;
    gb_face face;
    char *s;
    gb_formatted num;
} ccell;

struct gb_ctab {
    size_t rows, cols, head_rows;
    gb_align align[16];
    ccell *cells;
};

gb_ctab *gb_ctab_new(size_t rows, size_t cols, const char *align, size_t head_rows)
{
    if (!rows || !cols || cols > 15 || !align || strlen(align) != cols || head_rows > rows)
        return NULL;
    gb_ctab *t = calloc(1, sizeof *t);
    if (!t) return NULL;
    t->cells = calloc(rows * cols, sizeof *t->cells);
    if (!t->cells) { free(t); return NULL; }
    t->rows = rows;
    t->cols = cols;
    t->head_rows = head_rows;
    for (size_t c = 0; c < cols; c++)
        t->align[c] = align[c] == 'l' ? GB_ALIGN_LEFT : align[c] == 'r' ? GB_ALIGN_RIGHT
                      : align[c] == 'd' ? GB_ALIGN_DECIMAL : GB_ALIGN_CENTER;
    return t;
}

void gb_ctab_free(gb_ctab *t)
{
    if (!t) return;
    for (size_t i = 0; i < t->rows * t->cols; i++) free(t->cells[i].s);
    free(t->cells);
    free(t);
}

static ccell *cell(gb_ctab *t, size_t r, size_t c)
{
    if (!t || r >= t->rows || c >= t->cols) return NULL;
    ccell *x = &t->cells[r * t->cols + c];
    free(x->s);
    memset(x, 0, sizeof *x);
    return x;
}

static int set_str(gb_ctab *t, size_t r, size_t c, ckind kind, gb_face face,
                   const char *s)
{
    ccell *x = cell(t, r, c);
    if (!x || !s) return GB_EINTERNAL;
    x->s = malloc(strlen(s) + 1);
    if (!x->s) return GB_EINTERNAL;
    strcpy(x->s, s);
    x->kind = kind;
    x->face = face;
    return 0;
}

int gb_ctab_text(gb_ctab *t, size_t r, size_t c, gb_face face, const char *utf8)
{
    return set_str(t, r, c, C_TEXT, face, utf8);
}

int gb_ctab_math(gb_ctab *t, size_t r, size_t c, const char *tex)
{
    return set_str(t, r, c, C_MATH, GB_FACE_SERIF, tex);
}

int gb_ctab_num(gb_ctab *t, size_t r, size_t c, const gb_formatted *f)
{
    ccell *x = cell(t, r, c);
    if (!x || !f) return GB_EINTERNAL;
    x->kind = C_NUM;
    x->num = *f;
    return 0;
}

int gb_ctab_value(gb_ctab *t, size_t r, size_t c, const gb_book_ctx *ctx, const char *name,
                  const char *fmt, gb_err *e)
{
    gb_formatted f;
    int rc = gb_comp_value(ctx, name, fmt, &f, e);
    if (rc) return rc;
    return gb_ctab_num(t, r, c, &f) ? gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory") : 0;
}

/* The " × 10^exp" part of a value in scientific notation, as a box: the exponent at script size
 * raised as TeX raises a superscript (about 0.4 em). */
static int exp_box(const gb_metrics *m, int exponent, double size, gb_dlist **dl, double *w,
                   double *h, double *d)
{
    static const char times10[] = "\xC3\x97" "10";   /* "×10": a thin look without spaces */
    char tidy[32], ex[32];   /* as one writes it: "308", "-5" */
    snprintf(tidy, sizeof tidy, "%d", exponent);
    gb_utf8_minus(ex, sizeof ex, tidy);
    *dl = gb_dlist_new();
    if (!*dl) return GB_EINTERNAL;
    double gap = 0.12 * size;
    double w0 = m->advance(m->ctx, GB_FACE_SERIF, times10, strlen(times10), size);
    double es = EXP_SCALE * size;
    double w1 = m->advance(m->ctx, GB_FACE_SERIF, ex, strlen(ex), es);
    if (gb_dl_text(*dl, GB_FACE_SERIF, size, gap, 0, times10, strlen(times10), GB_BLACK) ||
        gb_dl_text(*dl, GB_FACE_SERIF, es, gap + w0, EXP_RAISE * size, ex, strlen(ex), GB_BLACK))
        return GB_EINTERNAL;
    gb_vmetrics vm, ve;
    m->vmetrics(m->ctx, GB_FACE_SERIF, size, &vm);
    m->vmetrics(m->ctx, GB_FACE_SERIF, es, &ve);
    *w = gap + w0 + w1;
    *h = fmax(vm.ascent, EXP_RAISE * size + ve.ascent);
    *d = vm.descent;
    return 0;
}

/* What one layout attempt at one size owns. */
typedef struct attempt {
    gb_inline *items;          /* 2 per cell */
    gb_cell *cells;
    char (*texts)[96];         /* per cell: the text of a value */
    gb_math_box *boxes;        /* per cell: a formula */
    gb_dlist **exps;           /* per cell: an exponent box */
    size_t n;
} attempt;

static void attempt_free(attempt *a)
{
    for (size_t i = 0; i < a->n; i++) {
        if (a->boxes) gb_math_box_free(&a->boxes[i]);
        if (a->exps) gb_dlist_free(a->exps[i]);
    }
    free(a->items);
    free(a->cells);
    free(a->texts);
    free(a->boxes);
    free(a->exps);
    memset(a, 0, sizeof *a);
}

static int build_cells(const gb_ctab *t, const gb_metrics *m, double size, attempt *a, gb_err *e)
{
    size_t n = t->rows * t->cols;
    a->n = n;
    a->items = calloc(2 * n, sizeof *a->items);
    a->cells = calloc(n, sizeof *a->cells);
    a->texts = calloc(n, sizeof *a->texts);
    a->boxes = calloc(n, sizeof *a->boxes);
    a->exps = calloc(n, sizeof *a->exps);
    if (!a->items || !a->cells || !a->texts || !a->boxes || !a->exps)
        return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < n; i++) {
        const ccell *x = &t->cells[i];
        gb_inline *it = &a->items[2 * i];
        a->cells[i].items = it;
        it[0].size = it[1].size = size;
        it[0].color = it[1].color = GB_BLACK;
        it[0].link = it[1].link = -1;
        switch (x->kind) {
        case C_EMPTY:
            break;
        case C_TEXT:
            it[0].kind = GB_INLINE_TEXT;
            it[0].face = x->face;
            it[0].text = x->s;
            it[0].len = strlen(x->s);
            a->cells[i].n = it[0].len ? 1 : 0;
            break;
        case C_MATH: {
            int rc = gb_math_render(x->s, strlen(x->s), GB_MATH_TEXT, size, m, NULL, &a->boxes[i],
                                    e);
            if (rc) return rc;
            it[0].kind = GB_INLINE_BOX;
            it[0].box = a->boxes[i].dl;
            it[0].width = a->boxes[i].width;
            it[0].height = a->boxes[i].height;
            it[0].depth = a->boxes[i].depth;
            a->cells[i].n = 1;
            break;
        }
        case C_NUM: {
            int ep = x->num.has_exponent;
            gb_utf8_minus(a->texts[i], sizeof a->texts[i], ep ? x->num.mant : x->num.plain);
            it[0].kind = GB_INLINE_TEXT;
            it[0].face = GB_FACE_SERIF;
            it[0].text = a->texts[i];
            it[0].len = strlen(a->texts[i]);
            a->cells[i].n = 1;
            if (ep) {
                double w, h, d;
                if (exp_box(m, x->num.exp, size, &a->exps[i], &w, &h, &d))
                    return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
                it[1].kind = GB_INLINE_BOX;
                it[1].box = a->exps[i];
                it[1].width = w;
                it[1].height = h;
                it[1].depth = d;
                a->cells[i].n = 2;
            }
            break;
        }
        }
    }
    return 0;
}

static int layout_at(const gb_ctab *t, const gb_book_ctx *ctx, double size, gb_table *tab,
                     gb_err *e)
{
    attempt a = {0};
    int rc = build_cells(t, ctx->metrics, size, &a, e);
    if (!rc) {
        gb_table_spec spec = {
            .rows = t->rows, .cols = t->cols, .head_rows = t->head_rows, .cells = a.cells,
            .align = t->align, .max_width = ctx->text_width, .col_sep = COL_SEP * size,
            .leading = 1.2 * size, .row_sep = ROW_SEP * size, .rule_sep = RULE_SEP * size,
            .thick = THICK * size, .thin = THIN * size, .rule_color = GB_BLACK,
        };
        rc = gb_table_layout(ctx->metrics, &spec, tab, e);
    }
    attempt_free(&a);
    return rc;
}

int gb_ctab_render(const gb_ctab *t, const gb_book_ctx *ctx, gb_float *out, gb_err *e)
{
    double size = ctx->font_size;
    gb_table tab = {0};
    int rc = layout_at(t, ctx, size, &tab, e);
    /* Shrinking: the table's width is linear in the size, so one step nearly fits; a few more
     * absorb rounding and wrapped columns that change shape. */
    for (int tries = 0; !rc && !tab.fits && tries < 8 && size > MIN_SIZE; tries++) {
        double f = ctx->text_width / (tab.min_width > tab.width ? tab.min_width : tab.width);
        size *= fmin(0.97, f * 0.995);
        if (size < MIN_SIZE) size = MIN_SIZE;
        gb_table_free(&tab);
        rc = layout_at(t, ctx, size, &tab, e);
    }
    if (rc) {
        gb_table_free(&tab);
        return rc;
    }
    out->kind = GB_FLOAT_TABLE;
    out->dl = gb_dlist_new();
    if (!out->dl || gb_dl_append(out->dl, tab.dl, 0, tab.height)) {
        gb_table_free(&tab);
        return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
    }
    out->width = tab.width;
    out->height = tab.height;
    gb_table_free(&tab);
    if (out->width > ctx->text_width) {
        /* Still too wide at the smallest readable size: scale the drawing itself. */
        double f = ctx->text_width / out->width;
        gb_dlist *s = gb_comp_dl_scale(out->dl, f);
        if (!s) return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
        gb_dlist_free(out->dl);
        out->dl = s;
        out->width *= f;
        out->height *= f;
    }
    return 0;
}
