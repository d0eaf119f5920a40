/* batch.c — the class run: checks, variants drawn in roster order, answer files, then every
 * student's worksheet, key and answer sheet built by worker threads (and the booklet). */
#include "classroom/batch.h"

#include "book/document.h"
#include "classroom/answers.h"
#include "classroom/class_draw.h"
#include "util/paths.h"
#include "classroom/filename.h"
#include "classroom/pool.h"
#include "model/quantity.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

unsigned gb_batch_default_jobs(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1) return 1;
    return n > GB_POOL_MAX_THREADS ? GB_POOL_MAX_THREADS : (unsigned)n;
}

/* ---------------------------------------------------------------- step 1: checks */

static const gb_batch_student *sort_base;   /* only during gb_batch_check's qsort (one thread) */

static int by_fname(const void *a, const void *b)
{
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    int c = gb_filename_casecmp(sort_base[i].fname, sort_base[j].fname);
    return c ? c : (i < j ? -1 : i > j);
}

/* "line 7" or "student 3" (no roster), for messages. */
static void where(const gb_batch_student *s, size_t i, char *buf, size_t cap)
{
    if (s->line) snprintf(buf, cap, "line %u", s->line);
    else snprintf(buf, cap, "student %zu", i + 1);
}

/* "line 7, student 'ID'" (roster) or "student 'ID'" (numbered variants), for messages. */
static void who(const gb_batch_student *s, char *buf, size_t cap)
{
    if (s->line) snprintf(buf, cap, "line %u, student '%s'", s->line, s->id);
    else snprintf(buf, cap, "student '%s'", s->id);
}

static int plain_name(const char *f)
{
    size_t n = strlen(f);
    if (n == 0 || n > GB_FILENAME_MAX || f[0] == '.') return 0;
    for (const unsigned char *p = (const unsigned char *)f; *p; p++)
        if (*p == '/' || *p == '\\' || *p < 0x20 || *p == 0x7f) return 0;
    return 1;
}

int gb_batch_check(const gb_batch_student *s, size_t n, gb_err *e)
{
    char w[48], w2[48];
    if (n == 0) return gb_err_set(e, GB_EINPUT, NULL, 0, 0, "no students");
    for (size_t i = 0; i < n; i++) {
        where(&s[i], i, w, sizeof w);
        if (!s[i].id || !s[i].id[0])
            return gb_err_set(e, GB_EINPUT, NULL, 0, 0, "%s: empty student ID", w);
        if (!s[i].name || !s[i].fname)
            return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "%s: no name or file name", w);
        if (!plain_name(s[i].fname))
            return gb_err_set(e, GB_EINPUT, NULL, 0, 0,
                              "%s: ID '%s' gives the unsafe file name '%s'", w, s[i].id,
                              s[i].fname);
    }
    size_t *idx = malloc(n * sizeof *idx);
    if (!idx) return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < n; i++) idx[i] = i;
    sort_base = s;
    qsort(idx, n, sizeof *idx, by_fname);
    sort_base = NULL;
    int rc = 0;
    for (size_t k = 1; k < n && !rc; k++) {
        size_t i = idx[k - 1], j = idx[k];
        if (gb_filename_casecmp(s[i].fname, s[j].fname)) continue;
        where(&s[i], i, w, sizeof w);
        where(&s[j], j, w2, sizeof w2);
        rc = gb_err_set(e, GB_EINPUT, NULL, 0, 0,
                        "IDs '%s' (%s) and '%s' (%s) give the same file name %s", s[i].id, w,
                        s[j].id, w2, s[i].fname);
    }
    free(idx);
    return rc;
}

/* ---------------------------------------------------------------- step 2: drawing */

/* What is kept of a student's variant between the draw and the documents. */
typedef struct rec {
    char *drawn;              /* canonical drawn text (gb_variant.givens), malloc'ed */
    char *full;               /* the hashed text (gb_variant.full), malloc'ed */
    char hash[9];
    unsigned long seed;
} rec;

/* Everything the run keeps: small data per student. */
typedef struct batch {
    const gb_batch_opts *o;
    const gb_batch_student *s;
    size_t n;
    gb_question_spec *qs;
    size_t nq;
    char **given_names;       /* the model's given quantities, in model order */
    size_t ng;
    rec *recs;
    double *answers;          /* n x nq */
    double *givens;           /* n x ng */
    /* step 4 */
    pthread_mutex_t mu;
    size_t units, units_done; /* progress: students (+ booklet entries) */
    unsigned char *failed;
    int bar_shown;
    /* --booklet: each worker also builds its students' parts of the class set; the calling
     * thread appends them in roster order (document.h) */
    gb_booklet *bk;
    gb_handoff *parts;        /* student i's part (NULL: left out), put once by its job */
} batch;

/* Rewrites a student's error as "line N, student 'ID': message" into e. */
static int student_err(const batch *b, size_t i, const gb_err *le, gb_err *e)
{
    char w[300];
    who(&b->s[i], w, sizeof w);
    return gb_err_set(e, le->code ? le->code : GB_EINTERNAL, NULL, 0, 0, "%s: %s", w, le->msg);
}

/* The names of the given quantities of model m (the first student's), copied. */
static int collect_given_names(batch *b, const gb_model *m, gb_err *e)
{
    size_t cnt = gb_model_count(m), ng = 0;
    b->given_names = calloc(cnt ? cnt : 1, sizeof *b->given_names);
    if (!b->given_names) return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < cnt; i++) {
        const gb_quantity *q = gb_model_at(m, i);
        if (q->op != GB_OP_GIVEN) continue;
        if (!(b->given_names[ng] = strdup(q->name)))
            return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
        ng++;
        b->ng = ng;
    }
    b->givens = calloc(b->n * (ng ? ng : 1), sizeof *b->givens);
    if (!b->givens) return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
    return 0;
}

/* Student i's answers and given values from the model of the variant's parameters (the
 * variant's own: model/variants.h gb_variant.model). */
static int record_values(batch *b, size_t i, const gb_model *m, gb_err *e)
{
    int rc = 0;
    if (!b->given_names) rc = collect_given_names(b, m, e);
    if (!rc) rc = gb_variant_model_answers(m, b->qs, b->nq, b->answers + i * b->nq, e);
    for (size_t g = 0; !rc && g < b->ng; g++) {
        int ok = 0;
        b->givens[i * b->ng + g] = gb_model_value(m, b->given_names[g], &ok);
        if (!ok)
            rc = gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "given '%s' missing from a variant",
                            b->given_names[g]);
    }
    return rc;
}

/* Keeps what the run needs of student i's accepted variant. */
static int drawn(size_t i, gb_variant *v, void *ctx, gb_err *e)
{
    batch *b = ctx;
    rec *r = &b->recs[i];
    r->seed = v->seed;
    memcpy(r->hash, v->hash, sizeof r->hash);
    if (!(r->drawn = strdup(v->givens)) || !(r->full = strdup(v->full)))
        return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
    return record_values(b, i, v->model, e);
}

static int draw_all(batch *b, gb_batch_report *r, gb_err *e)
{
    const char **ids = malloc((b->n ? b->n : 1) * sizeof *ids);
    if (!ids) return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < b->n; i++) ids[i] = b->s[i].id;
    gb_err le = {0};
    size_t failed = 0;
    int rc = gb_class_draw(b->o->base, b->o->assignment, ids, b->n, b->qs, b->nq, &r->stats,
                           drawn, b, &failed, &le);
    if (rc) student_err(b, failed, &le, e);
    free(ids);
    return rc;
}

/* ---------------------------------------------------------------- step 3: answer files */


static int write_answer_files(const batch *b, gb_err *e)
{
    gb_answer_row *rows = calloc(b->n, sizeof *rows);
    char *csv = gb_path_join(b->o->outdir, "answers", ".csv");
    char *json = gb_path_join(b->o->outdir, "answers", ".json");
    int rc = 0;
    if (!rows || !csv || !json) rc = gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
    for (size_t i = 0; !rc && i < b->n; i++) {
        rows[i] = (gb_answer_row){b->s[i].id, b->s[i].name, b->s[i].fname, b->s[i].id,
                                  b->recs[i].seed, b->recs[i].hash, b->recs[i].drawn,
                                  b->recs[i].full, b->givens + i * b->ng,
                                  b->answers + i * b->nq};
    }
    gb_answer_class c = {b->o->assignment, b->qs, b->nq, (const char *const *)b->given_names,
                         b->ng, rows, b->n};
    if (!rc) rc = gb_answers_write_csv(csv, &c, e);
    if (!rc) rc = gb_answers_write_json(json, &c, e);
    free(rows);
    free(csv);
    free(json);
    return rc;
}


/* ---------------------------------------------------------------- step 4: documents */

/* Accepts exactly the recorded draw: the same generator and rules reach it at the same attempt,
 * and every earlier draw that passed the rules was a duplicate then and is "taken" now. */
typedef struct redraw_ctx { const char *want; } redraw_ctx;

static int not_recorded(const char *givens, void *ctx)
{
    return strcmp(givens, ((const redraw_ctx *)ctx)->want) != 0;
}

/* *dw: the calling worker's own drawer (a drawer is not shared between threads), made at its
 * first student. */
static int redraw(batch *b, size_t i, gb_variant_drawer **dw, gb_variant *v, gb_err *e)
{
    redraw_ctx c = {b->recs[i].drawn};
    memset(v, 0, sizeof *v);
    int rc = *dw ? 0 : gb_variant_drawer_new(b->o->base, b->qs, b->nq, dw, e);
    if (!rc)
        rc = gb_variant_drawer_draw(*dw, b->o->assignment, b->s[i].id, not_recorded, &c, v,
                                    NULL, e);
    if (!rc && strcmp(v->hash, b->recs[i].hash)) {
        gb_variant_free(v);
        rc = gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "the variant redrawn has hash %s, not %s",
                        v->hash, b->recs[i].hash);
    }
    return rc;
}

static void progress_locked(batch *b)
{
    if (!b->o->progress) return;
    const int width = 30;
    int fill = b->units ? (int)(b->units_done * (size_t)width / b->units) : width;
    char bar[64];
    for (int k = 0; k < width; k++) bar[k] = k < fill ? '#' : '.';
    bar[width] = '\0';
    fprintf(stderr, "\r[%s] %zu/%zu", bar, b->units_done, b->units);
    fflush(stderr);
    b->bar_shown = 1;
}

/* Marks student i done (failed when le is set) and reports. */
static void finish(batch *b, size_t i, const gb_err *le)
{
    pthread_mutex_lock(&b->mu);
    if (le && le->code) {
        b->failed[i] = 1;
        char w[300];
        who(&b->s[i], w, sizeof w);
        if (b->bar_shown) fputc('\n', stderr);
        fprintf(stderr, "gradbook: %s: %s\n", w, le->msg);
    }
    b->units_done++;
    progress_locked(b);
    pthread_mutex_unlock(&b->mu);
}

/* Student i's files; with a booklet, *part receives the worksheet as the student's part of the
 * class set (NULL on failure). */
static int build_student(batch *b, size_t i, gb_variant_drawer **dw, gb_booklet_part **part,
                         gb_err *e)
{
    const gb_batch_student *s = &b->s[i];
    gb_variant v;
    int rc = redraw(b, i, dw, &v, e);
    if (rc) return rc;
    char *ws = gb_path_join(b->o->outdir, s->fname, "-worksheet.pdf");
    char *key = gb_path_join(b->o->outdir, s->fname, "-key.pdf");
    char *txt = gb_path_join(b->o->outdir, s->fname, "-answers.txt");
    gb_student who = {s->id, s->name, s->id, b->recs[i].hash, s->line};
    if (!ws || !key || !txt) rc = gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
    if (!rc) {
        /* with a booklet, the worksheet laid out for the file is also the student's part; it
         * takes over the model the variant was checked with */
        gb_model *m = gb_variant_take_model(&v);
        gb_doc_opts d = {b->o->worksheet_tpl, v.params, -1, b->o->date, &who, m};
        rc = part ? gb_booklet_part_build(b->bk, v.params, -1, m, &who, ws, part, e)
                  : gb_doc_build(&d, ws, e);
    }
    if (!rc) {
        gb_doc_opts d = {b->o->key_tpl, v.params, -1, b->o->date, &who, NULL};
        rc = gb_doc_build(&d, key, e);
    }
    if (!rc) rc = gb_answers_write_sheet(txt, b->o->assignment, s->id, b->recs[i].hash, b->qs,
                                         b->nq, e);
    free(ws);
    free(key);
    free(txt);
    gb_variant_free(&v);
    return rc;
}

/* A pool job: student i, with the worker's own drawer in *state (made at its first student).
 * With a booklet the student's part is handed over whatever happened: a student whose files
 * failed is left out of the class set, and the appending thread never waits in vain. */
static void student_job(size_t i, void **state, void *ctx)
{
    batch *b = ctx;
    gb_variant_drawer *dw = *state;
    gb_err le = {0};
    gb_booklet_part *part = NULL;
    int rc = build_student(b, i, &dw, b->bk ? &part : NULL, &le);
    *state = dw;
    if (b->bk) {
        if (rc) {
            gb_booklet_part_free(part);
            part = NULL;
        }
        gb_handoff_put(b->parts, i, part);
    }
    finish(b, i, &le);
}

static void drawer_free(void *dw)
{
    gb_variant_drawer_free(dw);
}

static void part_free(void *part)
{
    gb_booklet_part_free(part);
}

/* The class set: the workers build each student's part, the calling thread appends them in
 * roster order as they become ready. Returns 0, or the code of a failure that spoils the whole
 * booklet (then it is not written; the parts still ready are freed). */
static int append_booklet(batch *b, gb_err *e)
{
    int rc = 0;
    for (size_t i = 0; i < b->n; i++) {
        gb_booklet_part *part = gb_handoff_take(b->parts, i);
        if (part && !rc) {
            rc = gb_booklet_append(b->bk, part, e);
            if (rc) rc = gb_err_set(e, rc, NULL, 0, 0, "booklet: %s", e->msg);
        } else {
            gb_booklet_part_free(part);
        }
        finish(b, i, NULL);
    }
    if (!rc) rc = gb_booklet_save(b->bk, e);
    return rc;
}

static int run_workers(batch *b, gb_batch_report *r, gb_err *e)
{
    unsigned jobs = b->o->jobs ? b->o->jobs : gb_batch_default_jobs();
    if (jobs > GB_POOL_MAX_THREADS) jobs = GB_POOL_MAX_THREADS;
    if (jobs > b->n) jobs = (unsigned)b->n;
    /* The calling thread is one of the workers; with a booklet it appends the parts (light
     * work) besides the workers. */
    gb_pool pool;
    unsigned started = gb_pool_start(&pool, b->n, b->bk ? jobs : jobs - 1, student_job,
                                     drawer_free, b);
    if (b->bk && !started) gb_pool_work(&pool);   /* no thread could start: build all first */
    gb_err be = {0};
    if (b->bk && append_booklet(b, &be)) {
        r->booklet_failed = 1;
        pthread_mutex_lock(&b->mu);
        if (b->bar_shown) fputc('\n', stderr);
        gb_err_print(&be);
        pthread_mutex_unlock(&b->mu);
    }
    gb_pool_work(&pool);   /* takes whatever is left (all of it if no thread could start) */
    gb_pool_join(&pool);
    if (b->bar_shown) fputc('\n', stderr);

    for (size_t i = 0; i < b->n; i++) r->failed += b->failed[i];
    if (r->failed && !(r->failed_idx = malloc(r->failed * sizeof *r->failed_idx)))
        return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
    for (size_t i = 0, k = 0; i < b->n; i++)
        if (b->failed[i]) r->failed_idx[k++] = i;
    if (!r->failed && !r->booklet_failed) return 0;
    char list[600] = "";
    size_t len = 0;
    for (size_t k = 0; k < r->failed && len < sizeof list - 80; k++) {
        const gb_batch_student *s = &b->s[r->failed_idx[k]];
        int w = snprintf(list + len, sizeof list - len, "%s'%s'", k ? ", " : "", s->id);
        if (w < 0) break;
        len += (size_t)w;
        if (len >= sizeof list) len = sizeof list - 1;
        if (k + 1 < r->failed && len >= sizeof list - 80) {
            snprintf(list + len, sizeof list - len, ", ... (%zu more)", r->failed - k - 1);
            break;
        }
    }
    if (r->failed)
        return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0,
                          "%zu of %zu students failed (%s)%s; every other student's files are "
                          "complete", r->failed, b->n, list,
                          r->booklet_failed ? "; the booklet was not written" : "");
    return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "the booklet was not written");
}

/* ---------------------------------------------------------------- the run */

static void batch_free(batch *b)
{
    for (size_t i = 0; b->recs && i < b->n; i++) {
        free(b->recs[i].drawn);
        free(b->recs[i].full);
    }
    free(b->recs);
    for (size_t g = 0; b->given_names && g < b->ng; g++) free(b->given_names[g]);
    free(b->given_names);
    free(b->answers);
    free(b->givens);
    free(b->failed);
    free(b->qs);
}

/* The worksheet's questions; the key must ask the same ones (its Q numbers are the sheet's). */
static int load_questions(batch *b, gb_err *e)
{
    int rc = gb_doc_questions(b->o->worksheet_tpl, b->o->base, &b->qs, &b->nq, e);
    if (rc) return rc;
    gb_question_spec *kq = NULL;
    size_t nk = 0;
    rc = gb_doc_questions(b->o->key_tpl, b->o->base, &kq, &nk, e);
    if (!rc && nk != b->nq)
        rc = gb_err_set(e, GB_EINPUT, b->o->key_tpl, 0, 0,
                        "the key asks %zu questions, the worksheet %zu: their numbers would not "
                        "match", nk, b->nq);
    for (size_t i = 0; !rc && i < nk; i++)
        if (strcmp(kq[i].name, b->qs[i].name))
            rc = gb_err_set(e, GB_EINPUT, b->o->key_tpl, 0, 0,
                            "question %zu of the key is %s, of the worksheet %s", i + 1,
                            kq[i].name, b->qs[i].name);
    free(kq);
    if (!rc && b->nq == 0)
        rc = gb_err_set(e, GB_EINPUT, b->o->worksheet_tpl, 0, 0, "the worksheet asks no "
                        "questions ({{?NAME:FMT}} spans in its chapters)");
    return rc;
}

int gb_batch_run(const gb_batch_opts *o, const gb_batch_student *s, size_t n,
                 gb_batch_report *r, gb_err *e)
{
    memset(r, 0, sizeof *r);
    r->students = n;
    int rc = gb_batch_check(s, n, e);
    if (rc) return rc;
    if (!o->base || !o->assignment || !o->worksheet_tpl || !o->key_tpl || !o->outdir)
        return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "gb_batch_run: missing option");
    batch b = {0};
    b.o = o;
    b.s = s;
    b.n = n;
    /* Questions first: this also parses the chapters once on this thread, which fills
     * cmark-gfm's global extension registry before any worker parses. */
    rc = load_questions(&b, e);
    if (!rc) {
        b.recs = calloc(n, sizeof *b.recs);
        b.answers = calloc(n * b.nq, sizeof *b.answers);
        b.failed = calloc(n, 1);
        if (!b.recs || !b.answers || !b.failed)
            rc = gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
    }
    if (!rc) rc = draw_all(&b, r, e);
    if (!rc) rc = gb_mkdir_p(o->outdir, e);
    if (!rc) rc = write_answer_files(&b, e);
    if (!rc) {
        b.units = n * (o->booklet ? 2 : 1);
        if (pthread_mutex_init(&b.mu, NULL) != 0) {
            rc = gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "cannot create a mutex");
        } else {
            if (o->booklet) {
                if (!(b.parts = gb_handoff_new(n)))
                    rc = gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
                else if (!(b.bk = gb_booklet_new(o->worksheet_tpl, o->date, e)))
                    rc = e->code ? e->code : GB_EINTERNAL;
                char *stem = rc ? NULL : gb_path_join(o->outdir, "worksheets", "-booklet");
                if (!rc && !stem) rc = gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
                if (!rc) rc = gb_booklet_output(b.bk, stem, n, GB_BOOKLET_VOLUME, e);
                free(stem);
            }
            if (!rc) rc = run_workers(&b, r, e);
            gb_booklet_free(b.bk);
            gb_handoff_free(b.parts, part_free);
            pthread_mutex_destroy(&b.mu);
        }
    }
    batch_free(&b);
    return rc;
}

void gb_batch_report_free(gb_batch_report *r)
{
    if (!r) return;
    free(r->failed_idx);
    r->failed_idx = NULL;
}
