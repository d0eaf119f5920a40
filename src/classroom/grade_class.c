/* grade_class.c — the class's grading run: sheets matched to roster students, variants redrawn
 * in roster order, grades and class files, then graded PDFs by worker threads. */
#include "classroom/grade_class.h"

#include "book/document.h"
#include "book/graded.h"
#include "classroom/batch.h"
#include "classroom/class_draw.h"
#include "classroom/pool.h"
#include "util/paths.h"
#include "util/utf8.h"
#include "model/exercise.h"
#include "model/variants.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_WARNINGS_PER_SHEET 8

/* An earlier sheet of a student, kept in case the later one turns out to be of another variant. */
typedef struct earlier {
    gb_answer_sheet sheet;
    const char *path;
    size_t index;
} earlier;

/* Everything kept per roster student. */
typedef struct stu {
    gb_answer_sheet sheet;     /* the winning sheet (has_sheet) */
    int has_sheet;
    const char *sheet_path;    /* borrowed from the submission list */
    size_t sheet_index;        /* its index in the submission list */
    earlier *prev;             /* the sheets it replaced, oldest first */
    size_t nprev;
    char *drawn;               /* canonical drawn text of the variant (malloc'ed) */
    char hash[9];
    gb_params *params;         /* the variant's parameters, for students with a sheet (owned) */
    int graded;                /* 1: gb_grade succeeded */
    double total, max;
    size_t count[4];           /* rows per gb_mark */
    int pdf_failed;
} stu;

typedef struct cls {
    const gb_grade_class_opts *o;
    const gb_roster *r;
    gb_question_spec *qs;
    size_t nq;
    stu *s;
    /* the PDF workers */
    pthread_mutex_t mu;       /* for their messages */
} cls;

/* ---------------------------------------------------------------- helpers */



/* Copies at most max bytes of s (valid UTF-8) into out, cut at a character boundary, with
 * "..." when cut: for quoting what a student wrote in a message. */
static void fail_msg(const char *path, const char *msg)
{
    /* Messages from the sheet parser already start with the path. */
    size_t n = strlen(path);
    if (!strncmp(msg, path, n) && msg[n] == ':') fprintf(stderr, "gradbook: %s\n", msg);
    else fprintf(stderr, "gradbook: %s: %s\n", path, msg);
}

/* ---------------------------------------------------------------- step 2-3: sheets */

static void read_sheets(cls *c, const gb_submission_list *subs, gb_grade_class_report *rep)
{
    for (size_t k = 0; k < subs->n; k++) {
        const gb_submission *sub = &subs->v[k];
        if (sub->error) {
            fail_msg(sub->path, sub->error);
            rep->failed++;
            continue;
        }
        gb_err le = {0};
        gb_answer_sheet sh;
        if (gb_answer_sheet_read(sub->path, c->qs, c->nq, &sh, &le) ||
            gb_answer_sheet_expect(&sh, c->o->assignment, sub->path, &le)) {
            fail_msg(sub->path, le.msg);
            gb_answer_sheet_free(&sh);
            rep->failed++;
            continue;
        }
        const gb_roster_student *rs = gb_roster_find(c->r, sh.student);
        if (!rs) {
            char id[80];
            gb_utf8_ellipsize(id, sizeof id, sh.student, 60);
            char msg[160];
            snprintf(msg, sizeof msg, "student '%s' is not on the roster", id);
            fail_msg(sub->path, msg);
            gb_answer_sheet_free(&sh);
            rep->failed++;
            continue;
        }
        stu *st = &c->s[rs - c->r->students];
        if (st->has_sheet) {
            gb_warn("student '%s': %s replaces %s (the sheet found last is graded)", rs->id,
                    sub->path, st->sheet_path);
            earlier *p = realloc(st->prev, (st->nprev + 1) * sizeof *p);
            if (p) {
                st->prev = p;
                st->prev[st->nprev++] = (earlier){st->sheet, st->sheet_path, st->sheet_index};
            } else {
                gb_answer_sheet_free(&st->sheet);
            }
            rep->replaced++;
        }
        st->sheet = sh;
        st->has_sheet = 1;
        st->sheet_path = sub->path;
        st->sheet_index = k;
    }
}

/* ---------------------------------------------------------------- step 4: variants */

/* Keeps the hash and drawn values of student i, and the parameters of those graded. */
static int drawn(size_t i, gb_variant *v, void *ctx, gb_err *e)
{
    cls *c = ctx;
    stu *st = &c->s[i];
    memcpy(st->hash, v->hash, sizeof st->hash);
    if (!(st->drawn = strdup(v->givens))) return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
    if (st->has_sheet) {
        st->params = v->params;
        v->params = NULL;
    }
    return 0;
}

/* The class's variants exactly as `gradbook variants` drew them (classroom/class_draw.h). */
static int draw_all(cls *c, gb_err *e)
{
    size_t n = c->r->count;
    const char **ids = malloc((n ? n : 1) * sizeof *ids);
    if (!ids) return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < n; i++) ids[i] = c->r->students[i].id;
    gb_err le = {0};
    size_t failed = 0;
    int rc = gb_class_draw(c->o->base, c->o->assignment, ids, n, c->qs, c->nq, NULL, drawn, c,
                           &failed, &le);
    if (rc)
        gb_err_set(e, rc, NULL, 0, 0, "line %u, student '%s': %s", c->r->students[failed].line,
                   c->r->students[failed].id, le.msg);
    free(ids);
    return rc;
}

/* ---------------------------------------------------------------- step 5: grading */

/* Grades student i's sheet against the model of their variant. */
static int grade_student(const cls *c, size_t i, gb_grade_result *res, gb_err *e)
{
    gb_exercise ex;
    int rc = gb_exercise_load(&ex, c->s[i].params, -1, e);
    if (rc) return rc;
    gb_model *m = gb_exercise_model(&ex);
    if (!m) rc = gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
    if (!rc) rc = gb_grade(m, c->qs, c->nq, &c->s[i].sheet, c->o->grading, res, e);
    gb_model_free(m);
    gb_exercise_free(&ex);
    return rc;
}

/* The sheet's problems (each once: an answer that is not a number is among them, with its line),
 * at most MAX_WARNINGS_PER_SHEET of them. */
static void warn_problems(const stu *st)
{
    size_t total = st->sheet.nproblems;
    for (size_t k = 0; k < total && k < MAX_WARNINGS_PER_SHEET; k++)
        gb_warn("%s: %s", st->sheet_path, st->sheet.problems[k].msg);
    if (total > MAX_WARNINGS_PER_SHEET)
        gb_warn("%s: %zu more problems (see the graded sheet)", st->sheet_path,
                total - MAX_WARNINGS_PER_SHEET);
}

/* Checks the variant hash, grades every student with a sheet, fills the tally. A failed
 * student is reported and counted, and loses the sheet. */
static int grade_all(cls *c, gb_grade_class_report *rep, gb_err *e)
{
    for (size_t i = 0; i < c->r->count; i++) {
        stu *st = &c->s[i];
        if (!st->has_sheet) continue;
        const gb_roster_student *rs = &c->r->students[i];
        /* A sheet of another variant is refused; an earlier sheet of the student it replaced
         * is then graded instead (a wrong resubmission does not cost the right one). */
        while (st->sheet.variant[0] && strcmp(st->sheet.variant, st->hash)) {
            char v[80], msg[400];
            gb_utf8_ellipsize(v, sizeof v, st->sheet.variant, 40);
            snprintf(msg, sizeof msg, "the sheet is of variant '%s', but student '%s' has "
                     "variant %s of assignment '%s' with these parameters (a sheet of another "
                     "assignment or parameters file?)", v, rs->id, st->hash, c->o->assignment);
            fail_msg(st->sheet_path, msg);
            rep->failed++;
            gb_answer_sheet_free(&st->sheet);
            if (!st->nprev) {
                st->has_sheet = 0;
                break;
            }
            earlier *p = &st->prev[--st->nprev];
            st->sheet = p->sheet;
            st->sheet_path = p->path;
            st->sheet_index = p->index;
            gb_warn("student '%s': %s is graded instead", rs->id, st->sheet_path);
        }
        if (!st->has_sheet) continue;
        if (!st->sheet.variant[0])
            gb_warn("%s: no 'variant:' line; graded against %s's variant %s", st->sheet_path,
                    rs->id, st->hash);
        warn_problems(st);
        gb_err le = {0};
        gb_grade_result res;
        int rc = grade_student(c, i, &res, &le);
        if (rc == GB_EINTERNAL && !strcmp(le.msg, "out of memory"))
            return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
        if (rc) {
            fail_msg(st->sheet_path, le.msg);
            rep->failed++;
            st->has_sheet = 0;
            continue;
        }
        st->graded = 1;
        st->total = res.total;
        st->max = res.max_total;
        memcpy(st->count, res.count, sizeof st->count);
        for (size_t k = 0; k < res.nrows; k++) {
            const gb_grade_row *row = &res.rows[k];
            if (row->mark == GB_MARK_WRONG && row->mistake != GB_MISTAKE_NONE &&
                gb_tally_add(rep->tally, row->number, row->name, gb_mistake_desc(row->mistake)))
                rc = GB_EINTERNAL;
        }
        gb_grade_result_free(&res);
        if (rc) return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
    }
    return 0;
}

static int write_exports(const cls *c, gb_grade_class_report *rep, gb_err *e)
{
    size_t n = 0;
    gb_grade_line *rows = calloc(c->r->count ? c->r->count : 1, sizeof *rows);
    char *csv = gb_path_join(c->o->outdir, "grades", ".csv");
    char *mis = gb_path_join(c->o->outdir, "misconceptions", ".csv");
    int rc = 0;
    if (!rows || !csv || !mis) rc = gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
    for (size_t i = 0; !rc && i < c->r->count; i++)
        if (c->s[i].graded)
            rows[n++] = (gb_grade_line){c->r->students[i].id, c->r->students[i].name,
                                        c->s[i].total, c->s[i].max};
    /* A run that graded nobody leaves the class files of an earlier run as they are. */
    if (!rc && n) rc = gb_grades_write_csv(csv, rows, n, e);
    if (!rc && n) rc = gb_tally_write_csv(rep->tally, mis, e);
    free(rows);
    free(csv);
    free(mis);
    return rc;
}

/* ---------------------------------------------------------------- step 5: the PDFs */

static int build_pdf(const cls *c, size_t i, gb_err *e)
{
    const gb_roster_student *rs = &c->r->students[i];
    const stu *st = &c->s[i];
    gb_grade_result res;
    int rc = grade_student(c, i, &res, e);
    if (rc) return rc;
    gb_graded_row *rows = calloc(res.nrows ? res.nrows : 1, sizeof *rows);
    char *path = gb_path_join(c->o->outdir, rs->fname, "-graded.pdf");
    if (!rows || !path) rc = gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
    for (size_t k = 0; !rc && k < res.nrows; k++) {
        const gb_grade_row *g = &res.rows[k];
        rows[k] = (gb_graded_row){g->number, g->symbol, g->written, g->key_plain,
                                  g->interval_tex, (gb_graded_mark)g->mark, g->points,
                                  g->max_points, g->feedback_tex[0] ? g->feedback_tex : NULL,
                                  g->note[0] ? g->note : NULL};
    }
    if (!rc) {
        char summary[160];
        snprintf(summary, sizeof summary, "%zu right, %zu carried forward, %zu wrong, %zu blank",
                 res.count[GB_MARK_RIGHT], res.count[GB_MARK_CARRIED], res.count[GB_MARK_WRONG],
                 res.count[GB_MARK_BLANK]);
        gb_student who = {rs->id, rs->name, rs->id, st->hash, rs->line};
        const char **probs = st->sheet.nproblems ? calloc(st->sheet.nproblems, sizeof *probs)
                                                 : NULL;
        size_t np = probs ? st->sheet.nproblems : 0;
        for (size_t k = 0; k < np; k++) probs[k] = st->sheet.problems[k].msg;
        gb_graded_sheet sheet = {&who, c->o->assignment, rows, res.nrows, res.total,
                                 res.max_total, summary, probs, np};
        rc = gb_graded_build(c->o->graded_tpl, c->o->date, &sheet, path, e);
        free(probs);
    }
    free(rows);
    free(path);
    gb_grade_result_free(&res);
    return rc;
}

/* A pool job: student i's graded sheet, when graded. */
static void pdf_job(size_t i, void **state, void *ctx)
{
    (void)state;
    cls *c = ctx;
    if (!c->s[i].graded) return;
    gb_err le = {0};
    if (build_pdf(c, i, &le)) {
        c->s[i].pdf_failed = 1;    /* only this thread writes student i */
        pthread_mutex_lock(&c->mu);
        fail_msg(c->s[i].sheet_path, le.msg);
        pthread_mutex_unlock(&c->mu);
    }
}

static void run_workers(cls *c)
{
    size_t todo = 0;
    for (size_t i = 0; i < c->r->count; i++) todo += (size_t)c->s[i].graded;
    unsigned jobs = c->o->jobs ? c->o->jobs : gb_batch_default_jobs();
    if (jobs > GB_POOL_MAX_THREADS) jobs = GB_POOL_MAX_THREADS;
    if (jobs > todo) jobs = todo ? (unsigned)todo : 1;
    gb_pool_run(c->r->count, jobs, pdf_job, NULL, c);   /* the calling thread is a worker */
}

/* ---------------------------------------------------------------- the run */

void gb_grade_class_report_free(gb_grade_class_report *r)
{
    if (!r) return;
    gb_tally_free(r->tally);
    r->tally = NULL;
}

static void cls_free(cls *c)
{
    for (size_t i = 0; c->s && i < c->r->count; i++) {
        gb_answer_sheet_free(&c->s[i].sheet);
        for (size_t k = 0; k < c->s[i].nprev; k++) gb_answer_sheet_free(&c->s[i].prev[k].sheet);
        free(c->s[i].prev);
        free(c->s[i].drawn);
        gb_params_free(c->s[i].params);
    }
    free(c->s);
    free(c->qs);
}

int gb_grade_class_run(const gb_grade_class_opts *o, const gb_roster *roster,
                       const gb_submission_list *subs, gb_grade_class_report *r, gb_err *e)
{
    memset(r, 0, sizeof *r);
    r->submissions = subs->n;
    if (!o->base || !o->assignment || !o->worksheet_tpl || !o->graded_tpl || !o->outdir ||
        !roster)
        return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "gb_grade_class_run: missing option");
    if (!(r->tally = gb_tally_new()))
        return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
    cls c = {0};
    c.o = o;
    c.r = roster;
    /* The questions first: this also parses the chapters on this thread (cmark-gfm's global
     * extension registry is filled before any worker runs). */
    int rc = gb_doc_questions(o->worksheet_tpl, o->base, &c.qs, &c.nq, e);
    if (!rc && c.nq == 0)
        rc = gb_err_set(e, GB_EINPUT, o->worksheet_tpl, 0, 0, "the worksheet asks no questions");
    if (!rc && !(c.s = calloc(roster->count ? roster->count : 1, sizeof *c.s)))
        rc = gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
    if (!rc) rc = gb_mkdir_p(o->outdir, e);
    if (!rc) {
        read_sheets(&c, subs, r);
        rc = draw_all(&c, e);
    }
    if (!rc) rc = grade_all(&c, r, e);
    int export_rc = rc ? 0 : write_exports(&c, r, e);
    if (!rc) {
        if (pthread_mutex_init(&c.mu, NULL) != 0)
            rc = gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "cannot create a mutex");
        else {
            run_workers(&c);
            pthread_mutex_destroy(&c.mu);
        }
    }
    if (!rc) {
        for (size_t i = 0; i < roster->count; i++) {
            stu *st = &c.s[i];
            const gb_roster_student *rs = &roster->students[i];
            if (st->pdf_failed) r->failed++;
            if (!st->graded || st->pdf_failed) { r->missing++; continue; }
            r->graded++;
            if (o->log) {
                char pct[32];
                gb_grades_percent(st->total, st->max, pct, sizeof pct);
                fprintf(o->log, "%s (%s): %g/%g points (%s %%), %zu right, %zu carried "
                        "forward, %zu wrong, %zu blank -> %s/%s-graded.pdf\n", rs->id,
                        rs->name, st->total, st->max, pct, st->count[GB_MARK_RIGHT],
                        st->count[GB_MARK_CARRIED], st->count[GB_MARK_WRONG],
                        st->count[GB_MARK_BLANK], o->outdir, rs->fname);
            }
        }
        if (export_rc) rc = export_rc;   /* e holds its message */
        else if (r->failed)
            rc = gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "%zu submission%s could not be graded",
                            r->failed, r->failed == 1 ? "" : "s");
    }
    cls_free(&c);
    return rc;
}
