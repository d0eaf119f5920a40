/* compose.c — a chapter's blocks laid out as vertical items: headings, paragraphs broken into
 * justified lines, lists, quotes, code listings, display equations, tables and figures. */
#include "book/book.h"

#include "book/values.h"
#include "model/formula.h"
#include "typeset/table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GRAY_RULE ((gb_rgb){0.55, 0.55, 0.55})
#define CODE_BG ((gb_rgb){0.945, 0.945, 0.94})

typedef struct frame {
    double indent;   /* left edge of the content, from the left margin */
    double width;    /* measure */
    int in_quote;    /* quote depth: a rule is drawn left of each line */
    int in_list;     /* inside a list item: tighter paragraph spacing */
} frame;

static int oom(gb_err *e) { return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory"); }

/* Plain text of spans (for the outline, contents and running heads). */
static char *spans_text(gb_book *b, const gb_span *sp, size_t n)
{
    size_t cap = 64, o = 0;
    char *out = malloc(cap);
    if (!out) return NULL;
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        const char *t = sp[i].text;
        char buf[96];
        if (sp[i].kind == GB_SPAN_VALUE || sp[i].kind == GB_SPAN_QUESTION) {
            int ok;
            double v = gb_model_value(b->ctx->model, sp[i].name, &ok);
            snprintf(buf, sizeof buf, "%g", ok ? v : 0.0);
            t = buf;
        } else if (sp[i].kind == GB_SPAN_REF) {
            const gb_label *l = gb_book_label(b, sp[i].name);
            t = l ? l->text : "";
        }
        if (!t) continue;
        size_t n2 = strlen(t);
        if (o + n2 + 1 > cap) {
            cap = (o + n2 + 1) * 2;
            char *nb = realloc(out, cap);
            if (!nb) { free(out); return NULL; }
            out = nb;
        }
        memcpy(out + o, t, n2 + 1);
        o += n2;
    }
    return out;
}

/* Draws the quote rules left of a line item. */
static void quote_rules(gb_dlist *dl, const frame *f, double height, double depth, double lead)
{
    for (int q = 0; q < f->in_quote; q++) {
        gb_stroke st = {1.2, 0, 0, GRAY_RULE};
        double x = f->indent - 9 - 12.0 * (f->in_quote - 1 - q);
        double extra = (lead - height - depth) / 2;
        if (extra < 0) extra = 0;
        gb_dl_line(dl, x, -depth - extra, x, height + extra, &st);
    }
}

/* Breaks spans into lines and appends them as items. marker (may be NULL) is drawn left of the
 * first line, ending marker_gap before the text. */
static int paragraph(gb_book *b, const gb_span *sp, size_t n, const frame *f, double size,
                     gb_face face, int justify, double space_before, const gb_dlist *marker,
                     double marker_w, gb_err *e)
{
    gb_inline_buf buf;
    int rc = gb_book_inlines(b, sp, n, size, face, &buf, e);
    if (rc) return rc;
    gb_para_style st = {f->width, 0, 0, justify};
    gb_lines lines = {0};
    rc = gb_linebreak(b->ctx->metrics, buf.items, buf.n, &st, &lines, e);
    for (size_t i = 0; !rc && i < lines.n; i++) {
        gb_line *ln = &lines.line[i];
        gb_vitem *it = gb_book_push(b);
        if (!it) { rc = oom(e); break; }
        /* the line's list becomes the item's: as it is when nothing moves or joins it (it may
         * be the memo's, shared), else moved to the indent (a shared one copied first) */
        it->dl = ln->dl;
        ln->dl = NULL;
        if (!it->dl) { rc = oom(e); break; }
        int plain = f->indent == 0 && !(i == 0 && marker) && !f->in_quote;
        if (!plain && gb_dlist_shared(it->dl)) {
            gb_dlist *own = gb_dlist_copy(it->dl);
            gb_dlist_free(it->dl);
            if (!(it->dl = own)) { rc = oom(e); break; }
        }
        if (!plain) gb_dl_translate(it->dl, f->indent, 0);
        if (i == 0 && marker) gb_dl_append(it->dl, marker, f->indent - marker_w, 0);
        gb_vmetrics vm;
        b->ctx->metrics->vmetrics(b->ctx->metrics->ctx, face, size, &vm);
        it->height = ln->height > vm.ascent ? ln->height : vm.ascent;
        it->depth = ln->depth > vm.descent ? ln->depth : vm.descent;
        it->is_line = 1;
        it->space_before = i == 0 ? space_before : 0;
        /* No orphan (a first line alone at a page's foot) and no widow (a last line alone at
         * the top). */
        if (lines.n >= 2 && (i == 0 || i + 2 == lines.n)) it->keep_with_next = 1;
        if (f->in_quote) quote_rules(it->dl, f, it->height, it->depth, b->tpl->leading);
        if (ln->overfull)
            gb_warn("%s:%u: a formula or word is wider than the text (%.1f pt > %.1f pt)",
                    sp[0].pos.file ? sp[0].pos.file : "?", sp[0].pos.line, ln->natural, f->width);
    }
    gb_lines_free(&lines);
    gb_inline_buf_free(&buf);
    return rc;
}

static int heading(gb_book *b, const gb_block *blk, const frame *f, gb_err *e)
{
    gb_cached *c = gb_book_cached(b, blk);
    const char *num = c && c->number[0] ? c->number : NULL;
    double scale = blk->level == 1 ? 1.5 : blk->level == 2 ? 1.22 : 1.05;
    double size = b->tpl->size * scale;
    gb_metrics *m = (gb_metrics *)b->ctx->metrics;
    /* The number hangs in a box of its own so titles of one level line up. */
    gb_dlist *numdl = NULL;
    double numw = 0;
    if (num) {
        numdl = gb_dlist_new();
        if (!numdl) return oom(e);
        gb_dl_text(numdl, GB_FACE_SERIF_BOLD, size, 0, 0, num, strlen(num), GB_BLACK);
        numw = m->advance(m->ctx, GB_FACE_SERIF_BOLD, num, strlen(num), size) + size * 0.9;
    }
    frame hf = *f;
    hf.indent += numw;
    hf.width -= numw;
    size_t first = b->nitems;
    double before = blk->level == 1 ? 2.2 * b->tpl->leading : 1.3 * b->tpl->leading;
    int rc = paragraph(b, blk->spans, blk->nspans, &hf, size, GB_FACE_SERIF_BOLD, 0, before,
                       numdl, numw, e);
    gb_dlist_free(numdl);
    if (rc) return rc;
    if (b->nitems == first) return 0;
    /* The heading stays with what follows it; the first line carries destination and outline. */
    for (size_t i = first; i < b->nitems; i++) b->items[i].keep_with_next = 1;
    gb_vitem *it = &b->items[first];
    it->dest = c ? c->dest : -1;
    char *title = spans_text(b, blk->spans, blk->nspans);
    if (!title) return oom(e);
    if (blk->level <= 3 && c) {
        size_t n = strlen(title) + 24;
        it->outline_title = malloc(n);
        if (!it->outline_title) { free(title); return oom(e); }
        snprintf(it->outline_title, n, "%s%s%s", num ? num : "", num ? " " : "", title);
        it->outline_level = blk->level;
        it->toc_number = strdup(num ? num : "");
        it->toc_title = strdup(title);
        if (blk->level == 1) it->mark = strdup(it->outline_title);
    }
    free(title);
    /* A little more air below a heading than between lines. */
    b->items[b->nitems - 1].depth += 0.35 * b->tpl->leading;
    return 0;
}

static int code_block(gb_book *b, const gb_block *blk, const frame *f, gb_err *e)
{
    double size = b->tpl->code_size, lead = size * 1.32, pad = 4;
    gb_metrics *m = (gb_metrics *)b->ctx->metrics;
    gb_vmetrics vm;
    m->vmetrics(m->ctx, GB_FACE_MONO, size, &vm);
    const char *text = blk->text ? blk->text : "";
    size_t nlines = 0;
    for (const char *p = text; *p; p++) nlines += *p == '\n';
    if (*text && text[strlen(text) - 1] != '\n') nlines++;
    size_t first = b->nitems;
    const char *p = text;
    for (size_t li = 0; li < nlines; li++) {
        const char *end = strchr(p, '\n');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        /* Expand tabs to 4 spaces; long lines wrap (marked by a hanging indent). */
        char *line = malloc(len * 4 + 1);
        if (!line) return oom(e);
        size_t o = 0;
        for (size_t i = 0; i < len; i++) {
            if (p[i] == '\t') { memcpy(line + o, "    ", 4); o += 4; }
            else line[o++] = p[i];
        }
        line[o] = '\0';
        gb_inline in = gb_inline_text(GB_FACE_MONO, size, line);
        double cw = m->advance(m->ctx, GB_FACE_MONO, "0", 1, size);
        gb_para_style st = {f->width - 2 * pad, 0, 4 * cw, 0};
        gb_lines lines = {0};
        int rc = o ? gb_linebreak(m, &in, 1, &st, &lines, e) : 0;
        if (rc) { free(line); return rc; }
        size_t nl = lines.n ? lines.n : 1;
        for (size_t k = 0; k < nl; k++) {
            gb_vitem *it = gb_book_push(b);
            if (!it || !(it->dl = gb_dlist_new())) { gb_lines_free(&lines); free(line); return oom(e); }
            int top = li == 0 && k == 0, bottom = li + 1 == nlines && k + 1 == nl;
            double h = lead - (lead - vm.ascent - vm.descent) / 2 - vm.descent;
            double d = lead - h;
            double bh = h + (top ? pad : 0), bd = d + (bottom ? pad : 0);
            gb_rgb bg = CODE_BG;
            gb_dl_rect(it->dl, f->indent, -bd, f->width, bh + bd, &bg, NULL);
            if (lines.n) gb_dl_append(it->dl, lines.line[k].dl, f->indent + pad, 0);
            it->height = bh;
            it->depth = bd;
            it->space_before = top ? 0.5 * b->tpl->leading : 0;
            /* Short listings stay whole; long ones may break, but not after a first line. */
            it->keep_with_next = !bottom && (nlines <= 14 || li == 0);
        }
        gb_lines_free(&lines);
        free(line);
        p = end ? end + 1 : p + len;
    }
    if (b->nitems > first) b->items[b->nitems - 1].depth += 0.5 * b->tpl->leading;
    return 0;
}

/* "(3)" right-aligned at the right margin on the baseline y. */
static void eq_number(gb_book *b, gb_dlist *dl, const frame *f, const char *num, double y)
{
    gb_metrics *m = (gb_metrics *)b->ctx->metrics;
    double w = m->advance(m->ctx, GB_FACE_SERIF, num, strlen(num), b->tpl->size);
    gb_dl_text(dl, GB_FACE_SERIF, b->tpl->size, f->indent + f->width - w, y, num, strlen(num),
               GB_BLACK);
}

static int display_math(gb_book *b, const gb_block *blk, const frame *f, gb_err *e)
{
    gb_cached *c = gb_book_cached(b, blk);
    if (!c || c->composed)
        return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "equation not prepared, or composed twice");
    c->composed = 1;
    const gb_math_box *mb = &c->math;
    /* No page break just before a display (TeX's \predisplaypenalty): the line that leads into
     * it stays with it. */
    if (b->nitems && b->items[b->nitems - 1].is_line) b->items[b->nitems - 1].keep_with_next = 1;
    gb_vitem *it = gb_book_push(b);
    if (!it || !(it->dl = gb_dlist_new())) return oom(e);
    double numw = 0;
    int numbered = c->number[0] != 0;
    for (size_t i = 0; i < mb->nlines && i < 16; i++) numbered |= c->line_number[i][0] != 0;
    if (numbered) numw = 3 * b->tpl->size;
    double x = f->indent + (f->width - mb->width) / 2;
    if (x + mb->width > f->indent + f->width - numw) x = f->indent + f->width - numw - mb->width;
    if (x < f->indent) {
        x = f->indent;
        if (mb->width > f->width)
            gb_warn("%s:%u: a display equation is wider than the text (%.1f pt > %.1f pt)",
                    blk->pos.file, blk->pos.line, mb->width, f->width);
    }
    /* the formula's own list, moved into place (a block is composed once, checked above) */
    if (gb_dl_take(it->dl, mb->dl, x, 0)) return oom(e);
    if (c->number[0]) {
        /* One number: on the baseline of the middle line, as amsmath centres it. */
        double y = mb->nlines > 1 ? mb->lines[mb->nlines / 2].baseline : 0;
        if (mb->nlines > 1 && mb->nlines % 2 == 0)
            y = (mb->lines[mb->nlines / 2 - 1].baseline + mb->lines[mb->nlines / 2].baseline) / 2;
        eq_number(b, it->dl, f, c->number, y);
    }
    for (size_t i = 0; i < mb->nlines && i < 16; i++)
        if (c->line_number[i][0]) eq_number(b, it->dl, f, c->line_number[i], mb->lines[i].baseline);
    it->height = mb->height;
    it->depth = mb->depth + 0.55 * b->tpl->leading;
    it->space_before = 0.55 * b->tpl->leading;
    it->dest = c->dest;
    return 0;
}

/* Caption "Figure 3: text" as lines in a dlist stacked downward from y = 0 (first baseline at
 * -ascent); returns the height used. */
static int caption(gb_book *b, const gb_block *blk, const char *number, double width, double x,
                   gb_dlist *out, double *used, gb_err *e)
{
    double size = b->tpl->caption_size, lead = size * 1.3;
    size_t n = blk->nspans + 1;
    gb_span *sp = calloc(n, sizeof *sp);
    if (!sp) return oom(e);
    char lead_text[48];
    snprintf(lead_text, sizeof lead_text, "%s:%s", number, blk->nspans ? " " : "");
    sp[0].kind = GB_SPAN_TEXT;
    sp[0].style = GB_STYLE_STRONG;
    sp[0].text = lead_text;
    sp[0].pos = blk->pos;
    memcpy(sp + 1, blk->spans, blk->nspans * sizeof *sp);
    gb_inline_buf buf;
    int rc = gb_book_inlines(b, sp, n, size, GB_FACE_SERIF, &buf, e);
    free(sp);
    if (rc) return rc;
    gb_para_style st = {width, 0, 0, 1};
    gb_lines lines = {0};
    rc = gb_linebreak(b->ctx->metrics, buf.items, buf.n, &st, &lines, e);
    double y = 0;
    for (size_t i = 0; !rc && i < lines.n; i++) {
        gb_line *ln = &lines.line[i];
        y -= i == 0 ? ln->height : (lead > ln->height + 1 ? lead : ln->height + 1);
        /* A one-line caption is centred, longer ones are justified. */
        double dx = lines.n == 1 ? (width - ln->width) / 2 : 0;
        if (gb_dl_append(out, ln->dl, x + dx, y)) rc = oom(e);
        if (i + 1 == lines.n) y -= ln->depth;
    }
    *used = -y;
    gb_lines_free(&lines);
    gb_inline_buf_free(&buf);
    return rc;
}

static int float_block(gb_book *b, const gb_block *blk, const frame *f, gb_err *e)
{
    gb_cached *c = gb_book_cached(b, blk);
    if (!c || !c->fl.dl || c->composed)
        return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "figure not prepared, or composed twice");
    c->composed = 1;
    gb_vitem *it = gb_book_push(b);
    if (!it || !(it->dl = gb_dlist_new())) return oom(e);
    double capw = f->width - 2 * b->tpl->size;
    double capx = f->indent + b->tpl->size;
    gb_dlist *cap = gb_dlist_new();
    if (!cap) return oom(e);
    double caph = 0, gap = 0.6 * b->tpl->leading;
    int rc = caption(b, blk, c->number, capw, capx, cap, &caph, e);
    if (rc) { gb_dlist_free(cap); return rc; }
    double fx = f->indent + (f->width - c->fl.width) / 2;
    if (fx < f->indent) fx = f->indent;
    double total = c->fl.height + gap + caph;
    /* the figure's own list and the caption's, moved into place (not copied) */
    if (c->fl.kind == GB_FLOAT_TABLE) {
        /* Table: caption above, as books set them. */
        rc = gb_dl_take(it->dl, cap, 0, total) || gb_dl_take(it->dl, c->fl.dl, fx, 0);
    } else {
        rc = gb_dl_take(it->dl, c->fl.dl, fx, caph + gap) || gb_dl_take(it->dl, cap, 0, caph);
    }
    gb_dlist_free(cap);
    if (rc) return oom(e);
    it->height = total;
    it->depth = 0.9 * b->tpl->leading;
    it->space_before = 0.9 * b->tpl->leading;
    it->dest = c->dest;
    it->is_float = 1;
    return 0;
}

static int table_block(gb_book *b, const gb_block *blk, const frame *f, gb_err *e)
{
    size_t nc = blk->rows * blk->cols;
    gb_inline_buf *bufs = calloc(nc ? nc : 1, sizeof *bufs);
    gb_cell *cells = calloc(nc ? nc : 1, sizeof *cells);
    gb_align *al = calloc(blk->cols ? blk->cols : 1, sizeof *al);
    int rc = (!bufs || !cells || !al) ? oom(e) : 0;
    double size = b->tpl->size * 0.95;
    for (size_t i = 0; !rc && i < nc; i++) {
        const gb_block *cb = &blk->children[i];
        rc = gb_book_inlines(b, cb->spans, cb->nspans, size,
                             i < blk->cols ? GB_FACE_SERIF_BOLD : GB_FACE_SERIF, &bufs[i], e);
        cells[i].items = bufs[i].items;
        cells[i].n = bufs[i].n;
    }
    for (size_t c = 0; !rc && c < blk->cols; c++) {
        char a = blk->aligns ? blk->aligns[c] : 'l';
        al[c] = a == 'r' ? GB_ALIGN_DECIMAL : a == 'c' ? GB_ALIGN_CENTER : GB_ALIGN_LEFT;
    }
    gb_table t = {0};
    if (!rc) {
        gb_table_spec spec = {blk->rows, blk->cols, 1, cells, al, f->width, 14, size * 1.25, 2.5,
                              3, 0.8, 0.45, GB_BLACK};
        rc = gb_table_layout(b->ctx->metrics, &spec, &t, e);
        if (!rc && !t.fits)
            rc = gb_err_set(e, GB_EINPUT, blk->pos.file, blk->pos.line, 1,
                            "the table needs %.1f pt, the text is %.1f pt wide", t.min_width,
                            f->width);
    }
    if (!rc) {
        gb_vitem *it = gb_book_push(b);
        if (!it || !(it->dl = gb_dlist_new())) rc = oom(e);
        else {
            gb_dl_append(it->dl, t.dl, f->indent + (f->width - t.width) / 2, t.height);
            it->height = t.height;
            it->depth = 0.6 * b->tpl->leading;
            it->space_before = 0.6 * b->tpl->leading;
        }
    }
    gb_table_free(&t);
    for (size_t i = 0; i < nc; i++) gb_inline_buf_free(&bufs[i]);
    free(bufs);
    free(cells);
    free(al);
    return rc;
}

static int blocks(gb_book *b, const gb_block *blk, size_t n, const frame *f, gb_err *e);

static int list_block(gb_book *b, const gb_block *blk, const frame *f, gb_err *e)
{
    double size = b->tpl->size;
    gb_metrics *m = (gb_metrics *)b->ctx->metrics;
    double hang = 1.6 * size;
    for (size_t i = 0; i < blk->nchildren; i++) {
        const gb_block *item = &blk->children[i];
        char mark[32];
        if (blk->ordered) snprintf(mark, sizeof mark, "%d.", blk->start + (int)i);
        else snprintf(mark, sizeof mark, "%s", f->in_list ? "\xE2\x80\x93" : "\xE2\x80\xA2");
        gb_dlist *mdl = gb_dlist_new();
        if (!mdl) return oom(e);
        double mw = m->advance(m->ctx, GB_FACE_SERIF, mark, strlen(mark), size);
        double gap = 0.5 * size;
        gb_dl_text(mdl, GB_FACE_SERIF, size, hang - mw - gap, 0, mark, strlen(mark), GB_BLACK);
        frame inner = *f;
        inner.indent += hang;
        inner.width -= hang;
        inner.in_list = 1;
        int rc = 0;
        size_t k = 0;
        if (item->nchildren && item->children[0].kind == GB_BLOCK_PARAGRAPH) {
            const gb_block *p0 = &item->children[0];
            rc = paragraph(b, p0->spans, p0->nspans, &inner, size, GB_FACE_SERIF, 1,
                           i == 0 ? 0.35 * b->tpl->leading : 0.2 * b->tpl->leading, mdl, hang, e);
            k = 1;
        } else {
            /* An item that starts with something else: the marker on a line of its own. */
            gb_vitem *it = gb_book_push(b);
            if (!it || !(it->dl = gb_dlist_new())) rc = oom(e);
            else {
                gb_dl_append(it->dl, mdl, f->indent, 0);
                it->height = size * 0.75;
                it->depth = size * 0.25;
                it->is_line = 1;
                it->keep_with_next = 1;
            }
        }
        gb_dlist_free(mdl);
        if (!rc) rc = blocks(b, item->children + k, item->nchildren - k, &inner, e);
        if (rc) return rc;
    }
    return 0;
}

static int block(gb_book *b, const gb_block *blk, const frame *f, gb_err *e)
{
    if (gb_book_hidden(b, blk)) return 0;
    double para_skip = f->in_list ? 0.25 * b->tpl->leading : 0.55 * b->tpl->leading;
    switch (blk->kind) {
    case GB_BLOCK_HEADING: return heading(b, blk, f, e);
    case GB_BLOCK_PARAGRAPH:
        return paragraph(b, blk->spans, blk->nspans, f, b->tpl->size, GB_FACE_SERIF, 1, para_skip,
                         NULL, 0, e);
    case GB_BLOCK_LIST: return list_block(b, blk, f, e);
    case GB_BLOCK_ITEM: return blocks(b, blk->children, blk->nchildren, f, e);
    case GB_BLOCK_QUOTE: {
        frame q = *f;
        q.indent += 1.6 * b->tpl->size;
        q.width -= 3.2 * b->tpl->size;
        q.in_quote++;
        return blocks(b, blk->children, blk->nchildren, &q, e);
    }
    case GB_BLOCK_CODE: return code_block(b, blk, f, e);
    case GB_BLOCK_MATH: return display_math(b, blk, f, e);
    case GB_BLOCK_COMPUTE: return float_block(b, blk, f, e);
    case GB_BLOCK_TABLE: return table_block(b, blk, f, e);
    case GB_BLOCK_RULE: {
        gb_vitem *it = gb_book_push(b);
        if (!it || !(it->dl = gb_dlist_new())) return oom(e);
        gb_stroke st = {0.5, 0, 0, GRAY_RULE};
        double w = f->width / 4;
        gb_dl_line(it->dl, f->indent + (f->width - w) / 2, 0, f->indent + (f->width + w) / 2, 0, &st);
        it->height = b->tpl->leading / 2;
        it->depth = b->tpl->leading / 2;
        it->space_before = para_skip;
        return 0;
    }
    }
    return 0;
}

static int blocks(gb_book *b, const gb_block *blk, size_t n, const frame *f, gb_err *e)
{
    for (size_t i = 0; i < n; i++) {
        int rc = block(b, &blk[i], f, e);
        if (rc) return rc;
    }
    return 0;
}

int gb_book_compose(gb_book *book, const gb_chapter *ch, gb_err *e)
{
    frame f = {0, book->ctx->text_width, 0, 0};
    return blocks(book, ch->blocks, ch->nblocks, &f, e);
}

/* One answer of the key: "Q7  symbol = formula = numbers = value; accepted [lo, hi]; 1 point". */
static int answer(gb_book *b, const gb_book_question *q, const frame *f, gb_err *e)
{
    const gb_model *m = b->ctx->model;
    long i = gb_model_find(m, q->name);
    if (i < 0) return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "no quantity %s", q->name);
    const gb_quantity *qq = gb_model_at(m, (size_t)i);
    gb_formatted fv;
    char range[240];
    double w = gb_tolerance_halfwidth(&q->tol, qq->value);
    if (gb_value_format(qq->value, q->fmt, &fv) ||
        gb_value_interval_tex(qq->value - w, qq->value + w, range, sizeof range))
        return gb_err_set(e, GB_EINPUT, q->pos.file, q->pos.line, q->pos.col,
                          "%s is not a finite number", q->name);
    /* The formula in three pieces (symbol = formula, = numbers, ≈ value), so a long one breaks
     * between them instead of running into the margin. */
    char sym[1024], num[1024], t1[1200], t2[1200], t3[200], head[32], tail[160], tolname[32];
    int has_formula = gb_formula_tex(m, (size_t)i, NULL, 4, sym, sizeof sym, num, sizeof num) == 0;
    if (has_formula) {
        snprintf(t1, sizeof t1, "%s = %s", qq->symbol, sym);
        snprintf(t2, sizeof t2, "= %s", num);
        snprintf(t3, sizeof t3, "\\approx %s", fv.tex);
    } else {
        snprintf(t1, sizeof t1, "%s = %s", qq->symbol, fv.tex);
    }
    snprintf(head, sizeof head, "Q%d.", q->number);
    gb_tolerance_format(&q->tol, tolname, sizeof tolname);
    snprintf(tail, sizeof tail, " (%s); %g point%s.", tolname, q->points, q->points == 1 ? "" : "s");
    gb_span sp[10];
    memset(sp, 0, sizeof sp);
    size_t n = 0;
    sp[n].kind = GB_SPAN_TEXT; sp[n].style = GB_STYLE_STRONG; sp[n++].text = head;
    sp[n].kind = GB_SPAN_TEXT; sp[n++].text = (char *)" ";
    sp[n].kind = GB_SPAN_MATH; sp[n++].text = t1;
    if (has_formula) {
        sp[n].kind = GB_SPAN_TEXT; sp[n++].text = (char *)" ";
        sp[n].kind = GB_SPAN_MATH; sp[n++].text = t2;
        sp[n].kind = GB_SPAN_TEXT; sp[n++].text = (char *)" ";
        sp[n].kind = GB_SPAN_MATH; sp[n++].text = t3;
    }
    sp[n].kind = GB_SPAN_TEXT; sp[n++].text = (char *)". Accepted: ";
    sp[n].kind = GB_SPAN_MATH; sp[n++].text = range;
    sp[n].kind = GB_SPAN_TEXT; sp[n++].text = tail;
    for (size_t k = 0; k < n; k++) sp[k].pos = q->pos;
    return paragraph(b, sp, n, f, b->tpl->size, GB_FACE_SERIF, 0, 0.45 * b->tpl->leading,
                     NULL, 0, e);
}

int gb_book_compose_answers(gb_book *book, gb_err *e)
{
    if (!book->nquestions) return 0;
    frame f = {0, book->ctx->text_width, 0, 0};
    /* A heading of its own, unnumbered, in the outline and contents. */
    gb_span title = {0};
    title.kind = GB_SPAN_TEXT;
    title.text = (char *)"Answers";
    gb_block h = {0};
    h.kind = GB_BLOCK_HEADING;
    h.level = 1;
    h.spans = &title;
    h.nspans = 1;
    size_t first = book->nitems;
    int rc = heading(book, &h, &f, e);
    if (!rc && book->nitems > first) {
        gb_vitem *it = &book->items[first];
        it->page_break_before = 1;
        it->outline_level = 1;
        it->dest = gb_pdf_dest_new(book->pdf);
        it->outline_title = strdup("Answers");
        it->toc_number = strdup("");
        it->toc_title = strdup("Answers");
        it->mark = strdup("Answers");
        if (!it->outline_title || !it->toc_number || !it->toc_title || !it->mark) rc = oom(e);
    }
    for (size_t i = 0; !rc && i < book->nquestions; i++) rc = answer(book, &book->questions[i], &f, e);
    return rc;
}

int gb_book_paragraph(gb_book *book, const gb_span *spans, size_t n, double size, gb_face face,
                      double indent, int justify, double space_before, gb_err *e)
{
    frame f = {indent, book->ctx->text_width - indent, 0, indent > 0};
    return paragraph(book, spans, n, &f, size, face, justify, space_before, NULL, 0, e);
}
