/* answers.c — answers.csv, answers.json and the plain answer sheet, each written atomically
 * from the class's answer rows. */
#include "classroom/answers.h"

#include "book/values.h"
#include "classroom/csv.h"
#include "model/tolerance.h"
#include "util/atomic_file.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The printed form, tolerance text and accepted interval of answer v to question q. */
typedef struct answer_text {
    gb_formatted printed;
    char tol[48];
    double lo, hi;
} answer_text;

static int describe(const gb_question_spec *q, double v, answer_text *t, gb_err *e)
{
    if (!isfinite(v))
        return gb_err_set(e, GB_EINPUT, NULL, 0, 0, "answer to %s is not finite", q->name);
    if (gb_value_format(v, q->fmt, &t->printed) != 0)
        return gb_err_set(e, GB_EINPUT, NULL, 0, 0, "question %s: invalid format '%s'", q->name,
                          q->fmt);
    gb_tolerance_format(&q->tol, t->tol, sizeof t->tol);
    double w = gb_tolerance_halfwidth(&q->tol, v);
    t->lo = v - w;
    t->hi = v + w;
    return 0;
}

/* ---- answers.csv ---- */

static int csv_writer(FILE *f, void *ctx, gb_err *e)
{
    const gb_answer_class *c = ctx;
    int rc = 0, io = fputs("student_id,name,question,quantity,value,printed,tolerance,low,high,"
                           "points\r\n", f) < 0;
    for (size_t r = 0; !rc && !io && r < c->nrows; r++) {
        const gb_answer_row *row = &c->rows[r];
        for (size_t i = 0; !rc && !io && i < c->nq; i++) {
            const gb_question_spec *q = &c->qs[i];
            answer_text t;
            if ((rc = describe(q, row->values[i], &t, e))) break;
            io |= gb_csv_field(f, row->id) != 0;
            io |= putc(',', f) == EOF;
            io |= gb_csv_field(f, row->name) != 0;
            io |= fprintf(f, ",q%zu,", i + 1) < 0;
            io |= gb_csv_field(f, q->name) != 0;
            io |= fprintf(f, ",%.17g,", row->values[i]) < 0;
            io |= gb_csv_field(f, t.printed.plain) != 0;
            io |= putc(',', f) == EOF;
            io |= gb_csv_field(f, t.tol) != 0;
            io |= fprintf(f, ",%.17g,%.17g,%g\r\n", t.lo, t.hi, q->points) < 0;
        }
    }
    return rc ? rc : io ? -1 : 0;
}

int gb_answers_write_csv(const char *path, const gb_answer_class *c, gb_err *e)
{
    return gb_atomic_write_stream(path, csv_writer, (void *)c, e);
}

/* ---- answers.json ---- */

#define JSON_FLAGS (JSON_INDENT(1) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17))

/* json_string that reports invalid UTF-8 instead of returning NULL silently. */
static json_t *jstr(const char *s, const char *what, gb_err *e)
{
    json_t *j = json_string(s ? s : "");
    if (!j) gb_err_set(e, GB_EINPUT, NULL, 0, 0, "%s '%s' is not valid UTF-8", what, s);
    return j;
}

/* Sets key of o to v (stolen); a NULL v (an error already recorded) or a failed set is an
 * error. Returns 0 or -1. */
static int put(json_t *o, const char *key, json_t *v, gb_err *e)
{
    if (!v) {
        if (!e || !e->code) gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
        return -1;
    }
    if (json_object_set_new(o, key, v) != 0) {
        gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
        return -1;
    }
    return 0;
}

/* The question's fixed part (also the start of each student's answer entry). */
static json_t *question_json(const gb_question_spec *q, size_t i, int with_value, double v,
                             gb_err *e)
{
    json_t *o = json_object();
    char id[32];
    snprintf(id, sizeof id, "q%zu", i + 1);
    char tol[48];
    gb_tolerance_format(&q->tol, tol, sizeof tol);
    answer_text t = {0};
    int bad = !o || put(o, "number", json_integer((json_int_t)(i + 1)), e) ||
              put(o, "id", json_string(id), e) ||
              put(o, "quantity", jstr(q->name, "quantity", e), e) ||
              put(o, "format", jstr(q->fmt, "format", e), e);
    if (!bad && with_value) {
        bad = describe(q, v, &t, e) != 0 || put(o, "value", json_real(v), e) ||
              put(o, "printed", json_string(t.printed.plain), e);
    }
    if (!bad) bad = put(o, "tolerance", json_string(tol), e);
    if (!bad && with_value) bad = put(o, "low", json_real(t.lo), e) ||
                                  put(o, "high", json_real(t.hi), e);
    if (!bad) bad = put(o, "points", json_real(q->points), e);
    if (bad) {
        json_decref(o);
        if (!e || !e->code) gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
        return NULL;
    }
    return o;
}

static json_t *student_json(const gb_answer_class *c, const gb_answer_row *r, gb_err *e)
{
    json_t *o = json_object(), *giv = json_object(), *qs = json_array();
    int bad = !o || !giv || !qs;
    if (!bad) bad = put(o, "id", jstr(r->id, "student ID", e), e) ||
                    put(o, "name", jstr(r->name, "name", e), e) ||
                    put(o, "file", jstr(r->file, "file name", e), e) ||
                    put(o, "variant", jstr(r->variant, "variant key", e), e) ||
                    put(o, "seed", json_integer((json_int_t)r->seed), e) ||
                    put(o, "hash", jstr(r->hash, "hash", e), e) ||
                    put(o, "drawn", jstr(r->drawn, "drawn values", e), e) ||
                    put(o, "hashed", jstr(r->hashed, "hashed text", e), e);
    for (size_t g = 0; !bad && g < c->ngivens; g++) {
        if (!isfinite(r->givens[g])) {
            gb_err_set(e, GB_EINPUT, NULL, 0, 0, "given %s of %s is not finite",
                       c->given_names[g], r->id);
            bad = 1;
        } else {
            bad = put(giv, c->given_names[g], json_real(r->givens[g]), e);
        }
    }
    for (size_t i = 0; !bad && i < c->nq; i++) {
        json_t *q = question_json(&c->qs[i], i, 1, r->values[i], e);
        bad = !q || json_array_append_new(qs, q) != 0;
    }
    if (!bad) {
        bad = put(o, "givens", giv, e);
        giv = NULL;
    }
    if (!bad) {
        bad = put(o, "questions", qs, e);
        qs = NULL;
    }
    json_decref(giv);
    json_decref(qs);
    if (bad) {
        json_decref(o);
        if (!e || !e->code) gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
        return NULL;
    }
    return o;
}

/* Dumps j (stolen) to f after prefix; returns 0, -1 on a write error, -2 when j is NULL. */
static int dump(FILE *f, const char *prefix, json_t *j)
{
    if (!j) return -2;
    int io = fputs(prefix, f) < 0 || json_dumpf(j, f, JSON_FLAGS | JSON_ENCODE_ANY) != 0;
    json_decref(j);
    return io ? -1 : 0;
}

static int json_writer(FILE *f, void *ctx, gb_err *e)
{
    const gb_answer_class *c = ctx;
    int st = dump(f, "{\"format\": \"gradbook-answers 1\",\n\"assignment\": ",
                  jstr(c->assignment, "assignment", e));
    if (!st) st = fputs(",\n\"questions\": [", f) < 0 ? -1 : 0;
    for (size_t i = 0; !st && i < c->nq; i++)
        st = dump(f, i ? ",\n" : "\n", question_json(&c->qs[i], i, 0, 0, e));
    if (!st) st = fputs("],\n\"students\": [", f) < 0 ? -1 : 0;
    /* One student's tree at a time: memory stays flat however large the class. */
    for (size_t r = 0; !st && r < c->nrows; r++)
        st = dump(f, r ? ",\n" : "\n", student_json(c, &c->rows[r], e));
    if (!st) st = fputs("]}\n", f) < 0 ? -1 : 0;
    if (st == -2) return e && e->code ? e->code : GB_EINTERNAL;
    return st;
}

int gb_answers_write_json(const char *path, const gb_answer_class *c, gb_err *e)
{
    return gb_atomic_write_stream(path, json_writer, (void *)c, e);
}

/* ---- the answer sheet ---- */

typedef struct sheet {
    const char *assignment, *id, *hash;
    const gb_question_spec *qs;
    size_t nq;
} sheet;

static int sheet_writer(FILE *f, void *ctx, gb_err *e)
{
    (void)e;
    const sheet *s = ctx;
    int io = fprintf(f, "# gradbook answer sheet\nassignment: %s\nstudent: %s\nvariant: %s\n"
                        "# Write each answer after its '=' as a plain number (e.g. -0.1234 or "
                        "1.5e-3); leave the\n# question number and name as they are. Lines "
                        "starting with '#' are comments.\n",
                     s->assignment, s->id, s->hash) < 0;
    for (size_t i = 0; !io && i < s->nq; i++)
        io = fprintf(f, "q%zu  %s = \n", i + 1, s->qs[i].name) < 0;
    return io ? -1 : 0;
}

int gb_answers_write_sheet(const char *path, const char *assignment, const char *id,
                           const char *hash, const gb_question_spec *qs, size_t nq, gb_err *e)
{
    if (strpbrk(assignment, "\r\n") || strpbrk(id, "\r\n") || strpbrk(hash, "\r\n"))
        return gb_err_set(e, GB_EINPUT, path, 0, 0,
                          "a line break in the assignment or student ID cannot go on one line "
                          "of the answer sheet");
    sheet s = {assignment, id, hash, qs, nq};
    return gb_atomic_write_stream(path, sheet_writer, &s, e);
}
