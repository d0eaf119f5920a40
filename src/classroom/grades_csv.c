/* grades_csv.c — grades.csv for learning platforms and the class tally of misconceptions
 * (misconceptions.csv and its printed table). */
#include "classroom/grades_csv.h"

#include "classroom/csv.h"
#include "util/atomic_file.h"
#include "util/utf8.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int valid_text(const char *s) { return s && gb_utf8_valid(s, strlen(s), NULL); }

void gb_grades_percent(double total, double max, char *buf, size_t cap)
{
    double p = max > 0 ? 100.0 * total / max : 0.0;
    if (!isfinite(p)) p = 0.0;
    /* Round half away from zero at one decimal on the value itself, so 79.55 and the like
     * print the way a person rounds, not by the binary representation's accident. */
    p = round(p * 10.0) / 10.0;
    if (p == 0.0) p = 0.0;   /* no "-0.0" */
    snprintf(buf, cap, "%.1f", p);
}

/* ---------------------------------------------------------------- grades.csv */

typedef struct grades_ctx {
    const gb_grade_line *rows;
    size_t n;
} grades_ctx;

static int grades_writer(FILE *f, void *ctx, gb_err *e)
{
    (void)e;
    const grades_ctx *c = ctx;
    int io = fputs("ID number,Full name,Grade,Maximum,Percent\r\n", f) < 0;
    for (size_t i = 0; !io && i < c->n; i++) {
        const gb_grade_line *r = &c->rows[i];
        char pct[32];
        gb_grades_percent(r->total, r->max, pct, sizeof pct);
        io |= gb_csv_field(f, r->id) != 0;
        io |= putc(',', f) == EOF;
        io |= gb_csv_field(f, r->name) != 0;
        io |= fprintf(f, ",%.10g,%.10g,%s\r\n", r->total + 0.0, r->max + 0.0, pct) < 0;
    }
    return io ? -1 : 0;
}

int gb_grades_write_csv(const char *path, const gb_grade_line *rows, size_t n, gb_err *e)
{
    for (size_t i = 0; i < n; i++) {
        const gb_grade_line *r = &rows[i];
        if (!valid_text(r->id) || !valid_text(r->name))
            return gb_err_set(e, GB_EINPUT, path, 0, 0,
                              "grade row %zu: the ID or name is missing or not valid UTF-8",
                              i + 1);
        if (!isfinite(r->total) || !isfinite(r->max) || r->total < 0 || r->max < 0)
            return gb_err_set(e, GB_EINPUT, path, 0, 0,
                              "student '%s': points %g of %g are not a valid grade", r->id,
                              r->total, r->max);
    }
    grades_ctx c = {rows, n};
    return gb_atomic_write_stream(path, grades_writer, &c, e);
}

/* ---------------------------------------------------------------- the tally */

struct gb_tally {
    gb_tally_entry *v;     /* entries; strings malloc'ed */
    size_t n, cap;
};

gb_tally *gb_tally_new(void) { return calloc(1, sizeof(gb_tally)); }

void gb_tally_free(gb_tally *t)
{
    if (!t) return;
    for (size_t i = 0; i < t->n; i++) {
        free((char *)t->v[i].quantity);
        free((char *)t->v[i].mistake);
    }
    free(t->v);
    free(t);
}

int gb_tally_add(gb_tally *t, int question, const char *quantity, const char *mistake)
{
    if (!t || !quantity || !mistake) return -1;
    /* A class has a few dozen (question, mistake) pairs at most: a linear search is enough. */
    for (size_t i = 0; i < t->n; i++)
        if (t->v[i].question == question && !strcmp(t->v[i].quantity, quantity) &&
            !strcmp(t->v[i].mistake, mistake)) {
            t->v[i].count++;
            return 0;
        }
    if (t->n == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 16;
        gb_tally_entry *v = realloc(t->v, cap * sizeof *v);
        if (!v) return -1;
        t->v = v;
        t->cap = cap;
    }
    char *q = strdup(quantity), *m = strdup(mistake);
    if (!q || !m) { free(q); free(m); return -1; }
    t->v[t->n++] = (gb_tally_entry){question, q, m, 1};
    return 0;
}

static int by_question_count(const void *pa, const void *pb)
{
    const gb_tally_entry *a = pa, *b = pb;
    if (a->question != b->question) return a->question < b->question ? -1 : 1;
    if (a->count != b->count) return a->count > b->count ? -1 : 1;
    int c = strcmp(a->mistake, b->mistake);
    return c ? c : strcmp(a->quantity, b->quantity);
}

const gb_tally_entry *gb_tally_sorted(gb_tally *t, size_t *n)
{
    *n = 0;
    if (!t || !t->n) return NULL;
    qsort(t->v, t->n, sizeof *t->v, by_question_count);
    *n = t->n;
    return t->v;
}

static int tally_writer(FILE *f, void *ctx, gb_err *e)
{
    (void)e;
    gb_tally *t = ctx;
    int io = fputs("question,quantity,mistake,count\r\n", f) < 0;
    size_t n;
    const gb_tally_entry *v = gb_tally_sorted(t, &n);
    for (size_t i = 0; !io && i < n; i++) {
        io |= fprintf(f, "q%d,", v[i].question) < 0;
        io |= gb_csv_field(f, v[i].quantity) != 0;
        io |= putc(',', f) == EOF;
        io |= gb_csv_field(f, v[i].mistake) != 0;
        io |= fprintf(f, ",%zu\r\n", v[i].count) < 0;
    }
    return io ? -1 : 0;
}

int gb_tally_write_csv(gb_tally *t, const char *path, gb_err *e)
{
    for (size_t i = 0; t && i < t->n; i++)
        if (!valid_text(t->v[i].quantity) || !valid_text(t->v[i].mistake))
            return gb_err_set(e, GB_EINPUT, path, 0, 0,
                              "misconception of q%d is not valid UTF-8", t->v[i].question);
    return gb_atomic_write_stream(path, tally_writer, t, e);
}

void gb_tally_print(gb_tally *t, FILE *f)
{
    size_t n;
    const gb_tally_entry *v = gb_tally_sorted(t, &n);
    if (!n) {
        fputs("No named misconception was found.\n", f);
        return;
    }
    fputs("Misconceptions in the class (students per question and mistake):\n", f);
    for (size_t i = 0; i < n; i++) {
        char q[16];
        snprintf(q, sizeof q, "q%d", v[i].question);
        fprintf(f, "  %-4s %-18s %-44s %4zu\n", q, v[i].quantity, v[i].mistake, v[i].count);
    }
}
