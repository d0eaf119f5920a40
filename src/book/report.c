/* report.c — template, parameters and chapters to a PDF, whole or not at all. */
#include "book/report.h"

#include "book/book.h"
#include "book/chapter.h"
#include "model/exercise.h"
#include "model/runs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* The document date: SOURCE_DATE_EPOCH when set (reproducible builds), else the parameters
 * file's modification time, so the same inputs give the same bytes. */
static int doc_date(const gb_report_opts *o, time_t *out, gb_err *e)
{
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    if (sde && *sde) {
        char *end;
        errno = 0;
        long long v = strtoll(sde, &end, 10);
        if (*end || errno || v < 0 || v > 253402300799LL)
            return gb_err_set(e, GB_EINPUT, NULL, 0, 0,
                              "SOURCE_DATE_EPOCH: expected seconds since 1970, got '%s'", sde);
        *out = (time_t)v;
        return 0;
    }
    struct stat st;
    *out = (o->params_path && stat(o->params_path, &st) == 0) ? st.st_mtime : 0;
    return 0;
}

int gb_report_build(const gb_report_opts *o, gb_err *e)
{
    gb_template tpl;
    int rc = gb_template_load(&tpl, o->template_path, e);
    if (rc) return rc;
    gb_exercise ex = {0};
    gb_model *model = NULL;
    gb_runs runs = {0};
    int have_runs = 0;
    gb_pdf_doc *pdf = NULL;
    gb_chapter *ch = calloc(tpl.nchapters ? tpl.nchapters : 1, sizeof *ch);
    gb_book book = {0};
    time_t date = 0;
    if (!ch) { rc = gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory"); goto out; }
    if ((rc = doc_date(o, &date, e))) goto out;
    if ((rc = gb_exercise_load(&ex, o->params, o->seed, e))) goto out;
    if (!(model = gb_exercise_model(&ex))) {
        rc = gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
        goto out;
    }
    if ((rc = gb_runs_execute(&runs, o->params, &ex, o->seed, model, e))) goto out;
    have_runs = 1;
    for (size_t i = 0; i < tpl.nchapters; i++)
        if ((rc = gb_chapter_parse(tpl.chapters[i], &ch[i], e))) goto out;

    if (!(pdf = gb_pdf_doc_new(e))) { rc = e->code; goto out; }
    for (int f = 0; f < GB_FACE_COUNT; f++)
        if (tpl.font[f] && (rc = gb_pdf_doc_set_face(pdf, (gb_face)f, tpl.font[f], e))) goto out;
    char datestr[64] = "";
    struct tm tmv;
    if (gmtime_r(&date, &tmv)) strftime(datestr, sizeof datestr, "%B %e, %Y", &tmv);
    if (!strcmp(tpl.date, "auto")) {
        free(tpl.date);
        tpl.date = malloc(strlen(datestr) + 1);
        if (!tpl.date) { rc = gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory"); goto out; }
        strcpy(tpl.date, datestr);
    }
    gb_pdf_info info = {tpl.title, tpl.author, tpl.subject, tpl.keywords, "gradbook", date};
    if ((rc = gb_pdf_doc_set_info(pdf, &info, e))) goto out;

    gb_metrics metrics = gb_pdf_doc_metrics(pdf);
    gb_book_ctx ctx = {model, &runs, &ex, &metrics, tpl.page_w - tpl.m_left - tpl.m_right, tpl.size};
    book.tpl = &tpl;
    book.ctx = &ctx;
    book.pdf = pdf;
    book.qmode = GB_Q_VALUE;
    if ((rc = gb_book_number(&book, ch, tpl.nchapters, e))) goto out;
    for (size_t i = 0; i < tpl.nchapters; i++)
        if ((rc = gb_book_compose(&book, &ch[i], e))) goto out;
    if ((rc = gb_book_paginate(&book, o->output, e))) goto out;
    size_t missing = gb_pdf_doc_missing_glyphs(pdf);
    if (missing)
        gb_warn("%zu character(s) are in no font and were drawn as a visible substitute", missing);
out:
    gb_book_free(&book);
    gb_pdf_doc_free(pdf);
    for (size_t i = 0; ch && i < tpl.nchapters; i++) gb_chapter_free(&ch[i]);
    free(ch);
    if (have_runs) gb_runs_free(&runs);
    gb_model_free(model);
    gb_exercise_free(&ex);
    gb_template_free(&tpl);
    return rc;
}
