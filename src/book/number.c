/* number.c — numbers for headings, figures, tables and equations, their labels, and the cached
 * layout of computations and display equations (laid out once, used by compose.c). */
#include "book/book.h"
#include "util/grow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int add_label(gb_book *b, const char *name, const char *text, int dest, gb_srcpos pos,
                     gb_err *e)
{
    const gb_label *old = gb_book_label(b, name);
    if (old)
        return gb_err_set(e, GB_EINPUT, pos.file, pos.line, pos.col,
                          "label '%s' is already used at %s:%u", name, old->pos.file, old->pos.line);
    if (b->nlabels == b->cap_labels) {
        gb_label *l = gb_grow(b->labels, &b->cap_labels, b->cap_labels + 1, sizeof *l, 32);
        if (!l) return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
        b->labels = l;
    }
    gb_label *l = &b->labels[b->nlabels];
    memset(l, 0, sizeof *l);
    l->name = malloc(strlen(name) + 1);
    if (!l->name) return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
    strcpy(l->name, name);
    snprintf(l->text, sizeof l->text, "%s", text);
    l->dest = dest;
    l->pos = pos;
    b->nlabels++;
    return 0;
}

const gb_label *gb_book_label(const gb_book *book, const char *name)
{
    for (size_t i = 0; i < book->nlabels; i++)
        if (!strcmp(book->labels[i].name, name)) return &book->labels[i];
    return NULL;
}

gb_cached *gb_book_cached(const gb_book *book, const gb_block *b)
{
    for (size_t i = 0; i < book->ncache; i++)
        if (book->cache[i].block == b) return &book->cache[i];
    return NULL;
}

static gb_cached *new_cached(gb_book *b, const gb_block *blk, gb_err *e)
{
    if (b->ncache == b->cap_cache) {
        gb_cached *n = gb_grow(b->cache, &b->cap_cache, b->cap_cache + 1, sizeof *n, 32);
        if (!n) { gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory"); return NULL; }
        b->cache = n;
    }
    gb_cached *c = &b->cache[b->ncache++];
    memset(c, 0, sizeof *c);
    c->block = blk;
    c->dest = -1;
    return c;
}

static int new_dest(gb_book *b, gb_err *e)
{
    int d = gb_pdf_dest_new(b->pdf);
    if (d < 0) gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
    return d;
}

/* The section number of a heading at level (1..3): "2", "2.1", "2.1.3". */
static void section_number(gb_book *b, int level, char *buf, size_t cap)
{
    b->sec[level]++;
    for (int l = level + 1; l < 4; l++) b->sec[l] = 0;
    if (level == 1) snprintf(buf, cap, "%d", b->sec[1]);
    else if (level == 2) snprintf(buf, cap, "%d.%d", b->sec[1], b->sec[2]);
    else snprintf(buf, cap, "%d.%d.%d", b->sec[1], b->sec[2], b->sec[3]);
}

static int number_block(gb_book *b, const gb_block *blk, gb_err *e);

const gb_book_question *gb_book_question_of(const gb_book *book, const char *name)
{
    for (size_t i = 0; i < book->nquestions; i++)
        if (!strcmp(book->questions[i].name, name)) return &book->questions[i];
    return NULL;
}

int gb_book_hidden(const gb_book *book, const gb_block *b)
{
    if (b->kind != GB_BLOCK_COMPUTE) return 0;
    for (size_t i = 0; i < book->tpl->nhide; i++) {
        const char *h = book->tpl->hide[i];
        const char *colon = strchr(h, ':');
        size_t n = colon ? (size_t)(colon - h) : strlen(h);
        if (strlen(b->name) != n || strncmp(b->name, h, n)) continue;
        if (!colon) return 1;
        /* NAME:KEY=VALUE: hidden when the block has that option value. */
        const char *eq = strchr(colon + 1, '=');
        if (!eq) continue;
        char key[64];
        size_t kn = (size_t)(eq - colon - 1);
        if (kn >= sizeof key) continue;
        memcpy(key, colon + 1, kn);
        key[kn] = '\0';
        const char *v = gb_block_option(b, key);
        if (v && !strcmp(v, eq + 1)) return 1;
    }
    return 0;
}

/* The document's default tolerance and points: [questions] of the parameters. */
static int question_defaults(const gb_book *b, gb_tolerance *tol, double *points, gb_err *e)
{
    tol->kind = GB_TOL_REL;
    tol->value = 0.005;
    *points = 1;
    if (!b->params) return 0;
    const char *t = gb_params_get(b->params, "questions", "tolerance");
    if (t && gb_tolerance_parse(t, tol) != 0) {
        const char *file;
        unsigned line, col;
        gb_params_where(b->params, "questions", "tolerance", &file, &line, &col);
        return gb_err_set(e, GB_EINPUT, file, line, col,
                          "questions.tolerance: expected rel:0.5%%, abs:0.001 or sig:3, got '%s'", t);
    }
    int rc = gb_params_double(b->params, "questions", "points", points, e);
    if (rc > 1) return rc;
    if (!(*points > 0)) {
        const char *file;
        unsigned line, col;
        gb_params_where(b->params, "questions", "points", &file, &line, &col);
        return gb_err_set(e, GB_EINPUT, file, line, col, "questions.points: expected a number > 0");
    }
    return 0;
}

/* Registers a question (the first time its quantity is asked). */
static int add_question(gb_book *b, const char *name, const char *fmt, const gb_tolerance *tol,
                        const double *points, gb_srcpos pos, gb_err *e)
{
    if (gb_book_question_of(b, name)) return 0;
    if (gb_model_find(b->ctx->model, name) < 0)
        return gb_err_set(e, GB_EINPUT, pos.file, pos.line, pos.col,
                          "unknown quantity '%s' (the names are listed in README.md)", name);
    if (b->nquestions == b->cap_questions) {
        gb_book_question *q =
            gb_grow(b->questions, &b->cap_questions, b->cap_questions + 1, sizeof *q, 32);
        if (!q) return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
        b->questions = q;
    }
    gb_book_question *q = &b->questions[b->nquestions];
    memset(q, 0, sizeof *q);
    snprintf(q->name, sizeof q->name, "%s", name);
    snprintf(q->fmt, sizeof q->fmt, "%s", fmt ? fmt : "");
    int rc = question_defaults(b, &q->tol, &q->points, e);
    if (rc) return rc;
    if (tol) q->tol = *tol;
    if (points) q->points = *points;
    q->number = (int)++b->nquestions;
    q->pos = pos;
    return 0;
}

static int questions_in_spans(gb_book *b, const gb_span *sp, size_t n, gb_err *e);

/* Questions written inside TeX: {{?NAME:FMT}} (options are not taken inside math). */
static int questions_in_tex(gb_book *b, const char *tex, gb_srcpos pos, gb_err *e)
{
    for (const char *p = strstr(tex, "{{?"); p; p = strstr(p + 3, "{{?")) {
        const char *end = strstr(p, "}}");
        if (!end) break;
        char inner[96];
        size_t n = (size_t)(end - p - 3);
        if (n >= sizeof inner) n = sizeof inner - 1;
        memcpy(inner, p + 3, n);
        inner[n] = '\0';
        char *fmt = strchr(inner, ':');
        if (fmt) *fmt++ = '\0';
        int rc = add_question(b, inner, fmt, NULL, NULL, pos, e);
        if (rc) return rc;
    }
    return 0;
}

static int questions_in_spans(gb_book *b, const gb_span *sp, size_t n, gb_err *e)
{
    for (size_t i = 0; i < n; i++) {
        int rc = 0;
        if (sp[i].kind == GB_SPAN_QUESTION)
            rc = add_question(b, sp[i].name, sp[i].fmt, sp[i].has_tol ? &sp[i].tol : NULL,
                              sp[i].has_points ? &sp[i].points : NULL, sp[i].pos, e);
        else if (sp[i].kind == GB_SPAN_MATH)
            rc = questions_in_tex(b, sp[i].text, sp[i].pos, e);
        if (rc) return rc;
    }
    return 0;
}

static int number_children(gb_book *b, const gb_block *blk, gb_err *e)
{
    for (size_t i = 0; i < blk->nchildren; i++) {
        int rc = number_block(b, &blk->children[i], e);
        if (rc) return rc;
    }
    return 0;
}

static int number_block(gb_book *b, const gb_block *blk, gb_err *e)
{
    int rc = 0;
    if (gb_book_hidden(b, blk)) {
        /* References to a left-out figure or table still read, without a link. */
        if (blk->label) {
            int table = gb_computation_kind(blk->name) == GB_FLOAT_TABLE;
            return add_label(b, blk->label, table ? "a table of the report" : "a figure of the report",
                             -1, blk->pos, e);
        }
        return 0;
    }
    if ((rc = questions_in_spans(b, blk->spans, blk->nspans, e))) return rc;
    if (blk->kind == GB_BLOCK_MATH && (rc = questions_in_tex(b, blk->text, blk->pos, e))) return rc;
    if (blk->kind == GB_BLOCK_TABLE)
        for (size_t i = 0; i < blk->nchildren; i++)
            if ((rc = questions_in_spans(b, blk->children[i].spans, blk->children[i].nspans, e)))
                return rc;
    switch (blk->kind) {
    case GB_BLOCK_HEADING: {
        if (!blk->numbered || blk->level > 3) {
            if (blk->label) {
                int d = new_dest(b, e);
                if (d < 0) return GB_EINTERNAL;
                gb_cached *c = new_cached(b, blk, e);
                if (!c) return GB_EINTERNAL;
                c->dest = d;
                return add_label(b, blk->label, "the section", d, blk->pos, e);
            }
            break;
        }
        gb_cached *c = new_cached(b, blk, e);
        if (!c) return GB_EINTERNAL;
        section_number(b, blk->level, c->number, sizeof c->number);
        c->dest = new_dest(b, e);
        if (c->dest < 0) return GB_EINTERNAL;
        if (blk->label) {
            char text[64];
            snprintf(text, sizeof text, "Section %s", c->number);
            rc = add_label(b, blk->label, text, c->dest, blk->pos, e);
        }
        break;
    }
    case GB_BLOCK_COMPUTE: {
        gb_cached *c = new_cached(b, blk, e);
        if (!c) return GB_EINTERNAL;
        if ((rc = gb_computation_render(blk, b->ctx, &c->fl, e))) return rc;
        int is_table = c->fl.kind == GB_FLOAT_TABLE;
        snprintf(c->number, sizeof c->number, "%s %d", is_table ? "Table" : "Figure",
                 is_table ? ++b->tables : ++b->figures);
        c->dest = new_dest(b, e);
        if (c->dest < 0) return GB_EINTERNAL;
        if (blk->label) rc = add_label(b, blk->label, c->number, c->dest, blk->pos, e);
        break;
    }
    case GB_BLOCK_MATH: {
        gb_cached *c = new_cached(b, blk, e);
        if (!c) return GB_EINTERNAL;
        char *tex = gb_book_substitute_tex(b, blk->text, blk->pos, e);
        if (!tex) return e->code ? e->code : GB_EINTERNAL;
        /* The formula's text starts on the line after the opening $$. */
        gb_math_src where = {blk->pos.file, blk->pos.line + 1, 1};
        rc = gb_math_render(tex, strlen(tex), GB_MATH_DISPLAY, b->tpl->size, b->ctx->metrics,
                            &where, &c->math, e);
        free(tex);
        if (rc) return rc;
        c->dest = new_dest(b, e);
        if (c->dest < 0) return GB_EINTERNAL;
        /* Numbered: the formula or its lines that carry \label or \tag (and no \notag). */
        const gb_math_box *m = &c->math;
        if (m->nlines > 1) {
            for (size_t i = 0; i < m->nlines && i < 16; i++) {
                const gb_math_line *ln = &m->lines[i];
                if (ln->notag || (!ln->label && !ln->tag)) continue;
                if (ln->tag) snprintf(c->line_number[i], sizeof c->line_number[i], "(%s)", ln->tag);
                else snprintf(c->line_number[i], sizeof c->line_number[i], "(%d)", ++b->equations);
                if (ln->label &&
                    (rc = add_label(b, ln->label, c->line_number[i], c->dest, blk->pos, e)))
                    return rc;
            }
        }
        const char *label = m->label ? m->label : (m->nlines == 1 ? m->lines[0].label : NULL);
        const char *tag = m->tag ? m->tag : (m->nlines == 1 ? m->lines[0].tag : NULL);
        if (!m->notag && (label || tag)) {
            if (tag) snprintf(c->number, sizeof c->number, "(%s)", tag);
            else snprintf(c->number, sizeof c->number, "(%d)", ++b->equations);
            if (label) rc = add_label(b, label, c->number, c->dest, blk->pos, e);
        }
        break;
    }
    case GB_BLOCK_LIST: case GB_BLOCK_ITEM: case GB_BLOCK_QUOTE:
        rc = number_children(b, blk, e);
        break;
    default:
        break;
    }
    return rc;
}

int gb_book_number(gb_book *book, const gb_chapter *chapters, size_t n, gb_err *e)
{
    for (size_t c = 0; c < n; c++)
        for (size_t i = 0; i < chapters[c].nblocks; i++) {
            int rc = number_block(book, &chapters[c].blocks[i], e);
            if (rc) return rc;
        }
    return 0;
}

gb_vitem *gb_book_push(gb_book *book)
{
    if (book->nitems == book->cap_items) {
        gb_vitem *v = gb_grow(book->items, &book->cap_items, book->cap_items + 1, sizeof *v, 256);
        if (!v) return NULL;
        book->items = v;
    }
    gb_vitem *it = &book->items[book->nitems++];
    memset(it, 0, sizeof *it);
    it->dest = -1;
    return it;
}

void gb_book_free(gb_book *book)
{
    for (size_t i = 0; i < book->nlabels; i++) free(book->labels[i].name);
    for (size_t i = 0; i < book->ncache; i++) {
        gb_float_free(&book->cache[i].fl);
        gb_math_box_free(&book->cache[i].math);
    }
    for (size_t i = 0; i < book->nitems; i++) {
        gb_vitem *it = &book->items[i];
        gb_dlist_free(it->dl);
        free(it->outline_title);
        free(it->toc_number);
        free(it->toc_title);
        free(it->mark);
    }
    free(book->labels);
    free(book->questions);
    book->questions = NULL;
    book->nquestions = 0;
    free(book->cache);
    free(book->items);
    book->labels = NULL;
    book->cache = NULL;
    book->items = NULL;
    book->nlabels = book->ncache = book->nitems = 0;
}
