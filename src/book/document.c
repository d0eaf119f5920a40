/* document.c — one document (report, worksheet or key), or a booklet of many, from a template,
 * parameters and chapters; written whole or not at all. */
#include "book/document.h"

#include "book/book.h"
#include "book/chapter.h"
#include "model/exercise.h"
#include "model/runs.h"
#include "util/utf8.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

int gb_doc_date(const char *params_path, time_t *out, gb_err *e)
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
    *out = (params_path && stat(params_path, &st) == 0) ? st.st_mtime : 0;
    return 0;
}

static gb_question_mode mode_of(const gb_template *t)
{
    if (!strcmp(t->kind, "worksheet")) return GB_Q_BLANK;
    if (!strcmp(t->kind, "key")) return GB_Q_KEY;
    return GB_Q_VALUE;
}

/* A template's chapters, parsed once (a booklet uses them for every student). */
typedef struct chapters {
    gb_chapter *ch;
    size_t n;
    int training;        /* whether any of them shows something of the training run */
} chapters;

/* Everything one document's content needs: model, runs and (borrowed) chapters. */
typedef struct content {
    gb_exercise ex;
    gb_model *model;
    gb_runs runs;
    int have_runs;
    const gb_chapter *ch;
    size_t nch;
} content;

static void content_free(content *c)
{
    if (c->have_runs) gb_runs_free(&c->runs);
    gb_model_free(c->model);
    gb_exercise_free(&c->ex);
    memset(c, 0, sizeof *c);
}

static void chapters_free(chapters *cs)
{
    for (size_t i = 0; cs->ch && i < cs->n; i++) gb_chapter_free(&cs->ch[i]);
    free(cs->ch);
    memset(cs, 0, sizeof *cs);
}

/* Whether spans name a quantity of the training run ("training.*", "data.*"), also inside TeX. */
static int spans_need_training(const gb_span *sp, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *s = sp[i].kind == GB_SPAN_MATH ? sp[i].text : sp[i].name;
        if (s && (strstr(s, "training.") || strstr(s, "data."))) return 1;
    }
    return 0;
}

/* Whether any block shows something of the training run: its quantities or its figures. */
static int blocks_need_training(const gb_block *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (spans_need_training(b[i].spans, b[i].nspans)) return 1;
        if (b[i].kind == GB_BLOCK_MATH && b[i].text &&
            (strstr(b[i].text, "training.") || strstr(b[i].text, "data.")))
            return 1;
        if (b[i].kind == GB_BLOCK_COMPUTE && gb_computation_needs_training(b[i].name)) return 1;
        if (blocks_need_training(b[i].children, b[i].nchildren)) return 1;
    }
    return 0;
}

/* "2-2-1 sigmoid" for net (activations listed once when all layers share one). */
static void describe(const gb_net *net, char *buf, size_t cap)
{
    size_t o = 0;
    for (size_t l = 0; l <= net->L && o < cap; l++)
        o += (size_t)snprintf(buf + o, cap - o, "%s%zu", l ? "-" : "", net->n[l]);
    int same = 1;
    for (size_t l = 2; l <= net->L; l++) same &= net->act[l].kind == net->act[1].kind;
    for (size_t l = 1; l <= net->L && o < cap; l++) {
        o += (size_t)snprintf(buf + o, cap - o, "%s%s", l == 1 ? " " : ",",
                              gb_act_name(net->act[l].kind));
        if (same) break;
    }
}

static int chapters_load(chapters *cs, const gb_template *tpl, gb_err *e)
{
    memset(cs, 0, sizeof *cs);
    cs->ch = calloc(tpl->nchapters ? tpl->nchapters : 1, sizeof *cs->ch);
    if (!cs->ch) return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
    cs->n = tpl->nchapters;
    for (size_t i = 0; i < tpl->nchapters; i++) {
        int rc = gb_chapter_parse(tpl->chapters[i], &cs->ch[i], e);
        if (rc) return rc;
        cs->training |= blocks_need_training(cs->ch[i].blocks, cs->ch[i].nblocks);
    }
    return 0;
}

/* model: NULL, or gb_exercise_model of (p, seed) taken over (gb_doc_opts.model). */
static int content_load(content *c, const gb_template *tpl, const chapters *cs,
                        const gb_params *p, long seed, gb_model *model, gb_err *e)
{
    memset(c, 0, sizeof *c);
    c->model = model;   /* freed with the content from here on */
    int rc = gb_exercise_load(&c->ex, p, seed, e);
    if (rc) return rc;
    if (tpl->network && tpl->network[0]) {
        char have[256];
        describe(c->ex.net, have, sizeof have);
        if (strcmp(have, tpl->network))
            return gb_err_set(e, GB_EINPUT, tpl->path, 0, 0,
                              "the chapters of this document are written for a %s network, the "
                              "parameters give %s (gradbook check works with any network)",
                              tpl->network, have);
    }
    if (!c->model && !(c->model = gb_exercise_model(&c->ex)))
        return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
    c->ch = cs->ch;
    c->nch = cs->n;
    /* The training run is the costliest; documents that show nothing of it skip it. */
    rc = cs->training ? gb_runs_execute(&c->runs, p, &c->ex, seed, c->model, e)
                      : gb_runs_execute_no_training(&c->runs, p, &c->ex, c->model, e);
    if (rc) return rc;
    c->have_runs = 1;
    return 0;
}

static int set_faces(gb_pdf_doc *pdf, const gb_template *tpl, gb_err *e)
{
    for (int f = 0; f < GB_FACE_COUNT; f++)
        if (tpl->font[f]) {
            int rc = gb_pdf_doc_set_face(pdf, (gb_face)f, tpl->font[f], e);
            if (rc) return rc;
        }
    return 0;
}

/* The template's date "auto" becomes the document date, written out. */
static int resolve_date(gb_template *tpl, time_t date, gb_err *e)
{
    if (strcmp(tpl->date, "auto")) return 0;
    char buf[64] = "";
    struct tm tmv;
    if (gmtime_r(&date, &tmv)) strftime(buf, sizeof buf, "%B %e, %Y", &tmv);
    char *d = malloc(strlen(buf) + 1);
    if (!d) return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
    strcpy(d, buf);
    free(tpl->date);
    tpl->date = d;
    return 0;
}

/* Numbers, lays out and emits one document's pages into pdf. */
static int emit(gb_pdf_doc *pdf, const gb_template *tpl, const content *c, const gb_params *p,
                const gb_student *s, gb_err *e)
{
    gb_metrics metrics = gb_pdf_doc_metrics(pdf);
    gb_book_ctx ctx = {c->model, &c->runs, &c->ex, &metrics, tpl->page_w - tpl->m_left - tpl->m_right,
                       tpl->size};
    gb_book_student st = {0};
    gb_book book = {0};
    book.tpl = tpl;
    book.ctx = &ctx;
    book.pdf = pdf;
    book.qmode = mode_of(tpl);
    book.params = p;
    if (s) {
        st.id = s->id;
        st.name = s->name;
        st.variant = s->variant;
        st.hash = s->hash;
        book.student = &st;
    }
    int rc = gb_book_number(&book, c->ch, c->nch, e);
    for (size_t i = 0; !rc && i < c->nch; i++) rc = gb_book_compose(&book, &c->ch[i], e);
    if (!rc && book.qmode == GB_Q_KEY) rc = gb_book_compose_answers(&book, e);
    if (!rc) rc = gb_book_emit(&book, e);
    gb_book_free(&book);
    return rc;
}

struct gb_booklet_part {
    gb_pdf_doc *pdf;   /* the student's pages, in a document of the building thread */
    char title[600];   /* the student's outline entry: "Name (ID)" */
};

static void part_title(const gb_student *s, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s (%s)", s && s->name ? s->name : "", s && s->id ? s->id : "");
    gb_utf8_trim_end(buf);
}

/* One document from a loaded template (its date resolved) and its parsed chapters, for
 * o->params and o->student: saved to output (with the student in its title) when output is not
 * NULL; handed back as a booklet part when keep is not NULL. */
static int build_from(const gb_template *tpl, const chapters *cs, const gb_doc_opts *o,
                      const char *output, gb_booklet_part **keep, gb_err *e)
{
    content c = {0};
    gb_pdf_doc *pdf = NULL;
    int rc = content_load(&c, tpl, cs, o->params, o->seed, o->model, e);
    if (!rc && !(pdf = gb_pdf_doc_new(e))) rc = e->code ? e->code : GB_EINTERNAL;
    if (!rc) rc = set_faces(pdf, tpl, e);
    const gb_student *s = o->student;
    if (!rc && output) {
        char title[512];
        if (s && s->name) snprintf(title, sizeof title, "%s \xE2\x80\x94 %s", tpl->title, s->name);
        else snprintf(title, sizeof title, "%s", tpl->title);
        gb_utf8_trim_end(title);   /* a very long name is cut, never inside a character */
        gb_pdf_info info = {title, tpl->author, tpl->subject, tpl->keywords, "gradbook", o->date};
        rc = gb_pdf_doc_set_info(pdf, &info, e);
    }
    if (!rc) rc = emit(pdf, tpl, &c, o->params, s, e);
    if (!rc && output) rc = gb_pdf_doc_save(pdf, output, e);
    if (!rc && output && gb_pdf_doc_missing_glyphs(pdf)) {
        if (s && s->line)
            gb_warn("roster line %u (student '%s'): %zu character(s) of %s are in no font and "
                    "were drawn as a visible substitute", s->line, s->id ? s->id : "",
                    gb_pdf_doc_missing_glyphs(pdf), output);
        else
            gb_warn("%s: %zu character(s) are in no font and were drawn as a visible substitute",
                    output, gb_pdf_doc_missing_glyphs(pdf));
    }
    /* a part's last page is compressed by the thread that built it, not the appending one */
    if (!rc && keep && !output) rc = gb_pdf_page_close(pdf, e);
    if (!rc && keep) {
        if (!(*keep = calloc(1, sizeof **keep))) {
            rc = gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
        } else {
            (*keep)->pdf = pdf;
            part_title(s, (*keep)->title, sizeof (*keep)->title);
            pdf = NULL;
        }
    }
    gb_pdf_doc_free(pdf);
    content_free(&c);
    return rc;
}

int gb_doc_build(const gb_doc_opts *o, const char *output, gb_err *e)
{
    gb_template tpl;
    int rc = gb_template_load(&tpl, o->template_path, e);
    if (rc) {
        gb_model_free(o->model);
        return rc;
    }
    chapters cs = {0};
    rc = chapters_load(&cs, &tpl, e);
    if (!rc) rc = resolve_date(&tpl, o->date, e);
    if (!rc) rc = build_from(&tpl, &cs, o, output, NULL, e);
    else gb_model_free(o->model);
    chapters_free(&cs);
    gb_template_free(&tpl);
    return rc;
}

int gb_doc_questions(const char *template_path, const gb_params *params, gb_question_spec **qs,
                     size_t *nq, gb_err *e)
{
    *qs = NULL;
    *nq = 0;
    gb_template tpl;
    int rc = gb_template_load(&tpl, template_path, e);
    if (rc) return rc;
    content c = {0};
    chapters cs = {0};
    gb_book book = {0};
    gb_metrics fake = gb_metrics_fake();
    rc = chapters_load(&cs, &tpl, e);
    if (!rc) rc = content_load(&c, &tpl, &cs, params, -1, NULL, e);
    if (!rc) {
        /* Numbering alone finds the questions; it lays out formulas and figures with fake
         * metrics and needs no PDF, except destination numbers: use a scratch document. */
        gb_pdf_doc *pdf = gb_pdf_doc_new(e);
        gb_book_ctx ctx = {c.model, &c.runs, &c.ex, &fake, tpl.page_w - tpl.m_left - tpl.m_right,
                           tpl.size};
        book.tpl = &tpl;
        book.ctx = &ctx;
        book.pdf = pdf;
        book.qmode = mode_of(&tpl);
        book.params = params;
        rc = pdf ? gb_book_number(&book, c.ch, c.nch, e) : GB_EINTERNAL;
        if (!rc && book.nquestions) {
            *qs = calloc(book.nquestions, sizeof **qs);
            if (!*qs) rc = gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
            for (size_t i = 0; !rc && i < book.nquestions; i++) {
                gb_question_spec *q = &(*qs)[i];
                snprintf(q->name, sizeof q->name, "%s", book.questions[i].name);
                snprintf(q->fmt, sizeof q->fmt, "%s", book.questions[i].fmt);
                q->tol = book.questions[i].tol;
                q->points = book.questions[i].points;
            }
            if (!rc) *nq = book.nquestions;
        }
        gb_book_free(&book);
        gb_pdf_doc_free(pdf);
    }
    content_free(&c);
    chapters_free(&cs);
    gb_template_free(&tpl);
    return rc;
}

/* ---- booklets ---- */

struct gb_booklet {
    gb_template tpl;
    chapters cs;         /* parsed once for the whole class */
    time_t date;
    gb_pdf_doc *pdf;     /* the current volume */
    size_t students;     /* appended to the current volume */
    char *stem;          /* gb_booklet_output: path without ".pdf"; NULL until it is set */
    int volumes;         /* write stem-<k>.pdf volumes ... */
    size_t per_volume;   /* ... of this many students */
    int volume;          /* number of the current volume (1, 2, ...) */
};

/* A new empty volume document with the template's faces and information. */
static int new_volume(gb_booklet *b, gb_err *e)
{
    if (!(b->pdf = gb_pdf_doc_new(e))) return e->code ? e->code : GB_EINTERNAL;
    int rc = set_faces(b->pdf, &b->tpl, e);
    if (!rc) {
        gb_pdf_info info = {b->tpl.title, b->tpl.author, b->tpl.subject, b->tpl.keywords,
                            "gradbook", b->date};
        rc = gb_pdf_doc_set_info(b->pdf, &info, e);
    }
    b->students = 0;
    return rc;
}

gb_booklet *gb_booklet_new(const char *template_path, time_t date, gb_err *e)
{
    gb_booklet *b = calloc(1, sizeof *b);
    if (!b) { gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory"); return NULL; }
    b->date = date;
    b->volume = 1;
    int rc = gb_template_load(&b->tpl, template_path, e);
    if (!rc) rc = chapters_load(&b->cs, &b->tpl, e);
    if (!rc) rc = resolve_date(&b->tpl, date, e);
    if (!rc) rc = new_volume(b, e);
    if (rc) { gb_booklet_free(b); return NULL; }
    return b;
}

int gb_booklet_output(gb_booklet *b, const char *stem, size_t students, size_t per_volume,
                      gb_err *e)
{
    if (!stem || !per_volume)
        return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "gb_booklet_output: no stem or volume");
    free(b->stem);
    if (!(b->stem = strdup(stem))) return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
    b->volumes = students > per_volume;
    b->per_volume = per_volume;
    return 0;
}

/* The file of the current volume (malloc'ed), or NULL when out of memory. */
static char *volume_path(const gb_booklet *b)
{
    size_t n = strlen(b->stem) + 32;
    char *p = malloc(n);
    if (!p) return NULL;
    if (b->volumes) snprintf(p, n, "%s-%d.pdf", b->stem, b->volume);
    else snprintf(p, n, "%s.pdf", b->stem);
    return p;
}

void gb_booklet_part_free(gb_booklet_part *p)
{
    if (!p) return;
    gb_pdf_doc_free(p->pdf);
    free(p);
}

int gb_booklet_part_build(const gb_booklet *b, const gb_params *params, long seed,
                          gb_model *model, const gb_student *s, const char *output,
                          gb_booklet_part **out, gb_err *e)
{
    *out = NULL;
    gb_doc_opts o = {NULL, params, seed, b->date, s, model};
    return build_from(&b->tpl, &b->cs, &o, output, out, e);
}

int gb_booklet_append(gb_booklet *b, gb_booklet_part *part, gb_err *e)
{
    /* Each student starts on an odd page, so duplex printing keeps students apart. */
    int rc = 0;
    if (gb_pdf_page_count(b->pdf) % 2 == 1 &&
        gb_pdf_page_add(b->pdf, b->tpl.page_w, b->tpl.page_h, e) < 0)
        rc = e->code ? e->code : GB_EINTERNAL;
    if (!rc) rc = gb_pdf_doc_append(b->pdf, part->pdf, part->title, e);
    if (!rc) b->students++;
    gb_booklet_part_free(part);
    if (!rc && b->volumes && b->students == b->per_volume) {
        /* a full volume is written now and its memory released */
        char *path = volume_path(b);
        rc = path ? gb_pdf_doc_save(b->pdf, path, e)
                  : gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
        free(path);
        gb_pdf_doc_free(b->pdf);
        b->pdf = NULL;
        b->volume++;
        if (!rc) rc = new_volume(b, e);
    }
    return rc;
}

/* Removes class-set files of an earlier run that this one did not write (its single file when
 * this one wrote volumes, its volumes past this one's last), so that a folder never mixes two
 * classes' sets. Only names of the class set's own form are touched. */
static void remove_stale(const gb_booklet *b, int last)
{
    size_t n = strlen(b->stem) + 32;
    char *p = malloc(n);
    if (!p) return;
    if (b->volumes) {
        snprintf(p, n, "%s.pdf", b->stem);
        unlink(p);
    }
    for (int v = b->volumes ? last + 1 : 1;; v++) {
        snprintf(p, n, "%s-%d.pdf", b->stem, v);
        if (unlink(p) != 0) break;
    }
    free(p);
}

int gb_booklet_save(gb_booklet *b, gb_err *e)
{
    if (!b->stem) return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "booklet: no output set");
    /* the last volume, unless the previous one ended exactly with the class */
    int rc = 0;
    if (!(b->volumes && !b->students && b->volume > 1)) {
        char *path = volume_path(b);
        if (!path) return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
        rc = gb_pdf_doc_save(b->pdf, path, e);
        free(path);
        if (!rc) remove_stale(b, b->volume);
    } else {
        remove_stale(b, b->volume - 1);
    }
    return rc;
}

void gb_booklet_free(gb_booklet *b)
{
    if (!b) return;
    gb_pdf_doc_free(b->pdf);
    free(b->stem);
    chapters_free(&b->cs);
    gb_template_free(&b->tpl);
    free(b);
}
