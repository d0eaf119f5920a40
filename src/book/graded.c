/* graded.c — a student's graded sheet: every answer beside the key, its mark and points, the
 * total, and feedback under wrong answers; laid out with the book's own paragraphs and pages. */
#include "book/graded.h"

#include "book/book.h"
#include "util/utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *mark_text(gb_graded_mark m)
{
    switch (m) {
    case GB_GRADED_RIGHT: return "right";
    case GB_GRADED_CARRIED: return "carried forward";
    case GB_GRADED_WRONG: return "wrong";
    case GB_GRADED_BLANK: return "blank";
    }
    return "";
}

static gb_span text(const char *s, unsigned style)
{
    gb_span sp;
    memset(&sp, 0, sizeof sp);
    sp.kind = GB_SPAN_TEXT;
    sp.text = (char *)s;
    sp.style = style;
    return sp;
}

static gb_span math(const char *tex, const char *where)
{
    gb_span sp;
    memset(&sp, 0, sizeof sp);
    sp.kind = GB_SPAN_MATH;
    sp.text = (char *)tex;
    sp.pos.file = where;
    return sp;
}

static int rows(gb_book *b, const gb_graded_sheet *g, gb_err *e)
{
    const gb_template *t = b->tpl;
    int rc = 0;
    for (size_t i = 0; !rc && i < g->nrows; i++) {
        const gb_graded_row *r = &g->rows[i];
        char q[32], pts[64], where[32];
        snprintf(q, sizeof q, "Q%d  ", r->number);
        snprintf(where, sizeof where, "Q%d", r->number);
        snprintf(pts, sizeof pts, " \xC2\xB7 %g/%g point%s", r->points, r->max_points,
                 r->max_points == 1 ? "" : "s");
        gb_span sp[12];
        size_t n = 0;
        sp[n++] = text(q, GB_STYLE_STRONG);
        sp[n++] = math(r->symbol ? r->symbol : "?", where);
        sp[n++] = text(":  your answer ", 0);
        sp[n++] = text(r->written && r->written[0] ? r->written : "\xE2\x80\x94", GB_STYLE_EM);
        sp[n++] = text("  \xC2\xB7  key ", 0);
        /* the key as typeset numbers are: a true minus, as in the accepted interval */
        char key[96];
        gb_utf8_minus(key, sizeof key, r->key ? r->key : "");
        sp[n++] = text(key, 0);
        if (r->interval) {
            sp[n++] = text("  accepted ", 0);
            sp[n++] = math(r->interval, where);
        }
        sp[n++] = text("  \xC2\xB7  ", 0);
        sp[n++] = text(mark_text(r->mark), GB_STYLE_STRONG);
        sp[n++] = text(pts, 0);
        rc = gb_book_paragraph(b, sp, n, t->size, GB_FACE_SERIF, 0, 0, 0.6 * t->leading, e);
        if (!rc && r->feedback_tex && r->mark != GB_GRADED_RIGHT) {
            gb_span fb[2] = {text("Worked: ", GB_STYLE_EM), math(r->feedback_tex, where)};
            rc = gb_book_paragraph(b, fb, 2, t->size * 0.92, GB_FACE_SERIF, 1.6 * t->size, 0, 0, e);
        }
        if (!rc && r->note && r->note[0]) {
            gb_span nt = text(r->note, GB_STYLE_EM);
            rc = gb_book_paragraph(b, &nt, 1, t->size * 0.92, GB_FACE_SERIF, 1.6 * t->size, 0, 0, e);
        }
    }
    return rc;
}

int gb_graded_build(const char *template_path, time_t date, const gb_graded_sheet *g,
                    const char *output, gb_err *e)
{
    gb_template tpl;
    int rc = gb_template_load(&tpl, template_path, e);
    if (rc) return rc;
    gb_pdf_doc *pdf = gb_pdf_doc_new(e);
    rc = pdf ? 0 : (e->code ? e->code : GB_EINTERNAL);
    for (int f = 0; !rc && f < GB_FACE_COUNT; f++)
        if (tpl.font[f]) rc = gb_pdf_doc_set_face(pdf, (gb_face)f, tpl.font[f], e);
    const gb_student *s = g->student;
    char title[600];
    snprintf(title, sizeof title, "%s%s%s", tpl.title, s && s->name ? " \xE2\x80\x94 " : "",
             s && s->name ? s->name : "");
    gb_utf8_trim_end(title);
    if (!rc) {
        gb_pdf_info info = {title, tpl.author, tpl.subject, tpl.keywords, "gradbook", date};
        rc = gb_pdf_doc_set_info(pdf, &info, e);
    }
    gb_metrics metrics = pdf ? gb_pdf_doc_metrics(pdf) : gb_metrics_fake();
    gb_book_ctx ctx = {NULL, NULL, NULL, &metrics, tpl.page_w - tpl.m_left - tpl.m_right, tpl.size};
    gb_book_student st = {s ? s->id : NULL, s ? s->name : NULL, s ? s->variant : NULL,
                          s ? s->hash : NULL};
    gb_book book = {0};
    book.tpl = &tpl;
    book.ctx = &ctx;
    book.pdf = pdf;
    book.qmode = GB_Q_VALUE;
    book.student = &st;
    if (!rc) {
        char head[700], who[700], total[200];
        snprintf(head, sizeof head, "%s", tpl.title);
        snprintf(who, sizeof who, "%s \xC2\xB7 %s \xC2\xB7 assignment %s \xC2\xB7 variant %s \xC2\xB7 %s",
                 s && s->name ? s->name : "", s && s->id ? s->id : "",
                 g->assignment ? g->assignment : "", s && s->variant ? s->variant : "",
                 s && s->hash ? s->hash : "");
        gb_utf8_trim_end(who);
        double pct = g->max_total > 0 ? 100 * g->total / g->max_total : 0;
        snprintf(total, sizeof total, "Total: %g / %g points (%.1f %%)", g->total, g->max_total, pct);
        gb_span h = text(head, GB_STYLE_STRONG), w = text(who, 0), tt = text(total, GB_STYLE_STRONG);
        rc = gb_book_paragraph(&book, &h, 1, tpl.size * 1.5, GB_FACE_SERIF, 0, 0, 0, e);
        if (!rc) rc = gb_book_paragraph(&book, &w, 1, tpl.size, GB_FACE_SERIF, 0, 0, 0.8 * tpl.leading, e);
        if (!rc) rc = gb_book_paragraph(&book, &tt, 1, tpl.size * 1.15, GB_FACE_SERIF, 0, 0,
                                        1.0 * tpl.leading, e);
        if (!rc && g->summary) {
            gb_span sm = text(g->summary, GB_STYLE_EM);
            rc = gb_book_paragraph(&book, &sm, 1, tpl.size, GB_FACE_SERIF, 0, 1, 0.4 * tpl.leading, e);
        }
    }
    if (!rc) rc = rows(&book, g, e);
    if (!rc && g->nproblems) {
        /* what the grader could not read in the sheet, so the student sees it too */
        gb_span h = text("Problems in the answer sheet", GB_STYLE_STRONG);
        rc = gb_book_paragraph(&book, &h, 1, tpl.size, GB_FACE_SERIF, 0, 0, 0.4 * tpl.leading, e);
        for (size_t k = 0; !rc && k < g->nproblems; k++) {
            gb_span p = text(g->problems[k], 0);
            rc = gb_book_paragraph(&book, &p, 1, tpl.size * 0.92, GB_FACE_SERIF, 1.6 * tpl.size,
                                   0, 0.2 * tpl.leading, e);
        }
    }
    if (!rc) rc = gb_book_emit(&book, e);
    if (!rc) rc = gb_pdf_doc_save(pdf, output, e);
    gb_book_free(&book);
    gb_pdf_doc_free(pdf);
    gb_template_free(&tpl);
    return rc;
}
