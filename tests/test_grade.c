/* test_grade.c — grading answer sheets. Every expected grade is derived here from the model (the
 * sheets are synthesised from model values, right or altered), never typed; shared/cases/13
 * gives its own values. */
#include "gb_test.h"

#include "book/values.h"
#include "classroom/answer_sheet.h"
#include "classroom/grade.h"
#include "model/exercise.h"
#include "model/mistakes.h"
#include "model/params.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The questions of templates/worksheet.ini (chapters 02 and 06, in document order), with the
 * formats the chapters print them with. Points vary so totals test the weights. */
static const char *const NAMES[] = {
    "perceptron.z", "perceptron.yhat", "z[1][0]", "z[1][1]", "a[1][0]", "a[1][1]", "z[2][0]",
    "yhat", "C", "dact[2][0]", "delta[2][0]", "grad.W[2][0][0]", "grad.W[2][0][1]",
    "grad.b[2][0]", "dact[1][0]", "dact[1][1]", "delta[1][0]", "delta[1][1]",
    "grad.W[1][0][0]", "grad.W[1][0][1]", "grad.b[1][0]", "grad.W[1][1][0]",
    "grad.W[1][1][1]", "grad.b[1][1]", "new.W[2][0][0]"};
#define NQ (sizeof NAMES / sizeof NAMES[0])

typedef struct fixture {
    gb_params *p;
    gb_exercise ex;
    gb_model *m;
    gb_question_spec qs[NQ];
    size_t n;          /* quantities in the model */
} fixture;

static int setup(fixture *f, const char *const *sets, const char *tol, const char *fmt)
{
    memset(f, 0, sizeof *f);
    gb_err e = {0};
    f->p = gb_params_new();
    int rc = gb_params_load(f->p, gb_test_path("chapters/exercise3.ini"), &e);
    for (size_t i = 0; sets && sets[i] && rc == 0; i++) rc = gb_params_set(f->p, sets[i], &e);
    if (rc == 0) rc = gb_exercise_load(&f->ex, f->p, -1, &e);
    GB_ASSERT_MSG(rc == 0, "model: %s", e.msg);
    if (rc) { gb_params_free(f->p); return -1; }
    f->m = gb_exercise_model(&f->ex);
    f->n = gb_model_count(f->m);
    for (size_t i = 0; i < NQ; i++) {
        gb_question_spec *q = &f->qs[i];
        snprintf(q->name, sizeof q->name, "%s", NAMES[i]);
        snprintf(q->fmt, sizeof q->fmt, "%s", fmt ? fmt : i == 1 ? ".6f" : ".4g");
        gb_tolerance_parse(tol ? tol : "rel:0.5%", &q->tol);
        q->points = 1 + (double)(i % 3);   /* 1, 2, 3, 1, ... */
        GB_ASSERT_MSG(gb_model_find(f->m, NAMES[i]) >= 0, "%s is in the model", NAMES[i]);
    }
    return 0;
}

static void teardown(fixture *f)
{
    gb_model_free(f->m);
    gb_exercise_free(&f->ex);
    gb_params_free(f->p);
}

static size_t qidx(const fixture *f, size_t i) { return (size_t)gb_model_find(f->m, NAMES[i]); }

/* The model's values into a fresh array (propagated, so overrides can be applied later). */
static double *model_values(const fixture *f)
{
    double *v = malloc(f->n * sizeof *v);
    gb_model_propagate(f->m, v, NULL);
    return v;
}

/* A student's sheet: answer i is ans[i] printed with its question's format (NAN: left blank);
 * comma = 1 writes decimal commas. extra (may be NULL) is appended as further lines. */
static char *sheet_text(const fixture *f, const double *ans, int comma, const char *extra)
{
    size_t cap = 8192;
    char *t = malloc(cap);
    size_t n = (size_t)snprintf(t, cap, "# gradbook answer sheet\nassignment: ex3\n"
                                        "student: s1001\nvariant: 12345678\n");
    for (size_t i = 0; i < NQ; i++) {
        char num[96] = "";
        if (!isnan(ans[i])) {
            gb_formatted fm;
            GB_ASSERT_MSG(gb_value_format(ans[i], f->qs[i].fmt, &fm) == 0, "answer %zu formats", i);
            snprintf(num, sizeof num, "%s", fm.plain);
            if (comma)
                for (char *c = num; *c; c++)
                    if (*c == '.') *c = ',';
        }
        n += (size_t)snprintf(t + n, cap - n, "q%zu  %s = %s\n", i + 1, NAMES[i], num);
    }
    if (extra) snprintf(t + n, cap - n, "%s", extra);
    return t;
}

/* Parses and grades text; returns 0 and fills r. */
static int grade_text(const fixture *f, const char *text, const gb_grade_opts *o,
                      gb_grade_result *r, gb_answer_sheet *keep)
{
    gb_answer_sheet s;
    gb_err e = {0};
    int rc = gb_answer_sheet_parse(text, strlen(text), "s1001-answers.txt", f->qs, NQ, &s, &e);
    GB_ASSERT_MSG(rc == 0, "parse: %s", e.msg);
    if (rc) return rc;
    rc = gb_grade(f->m, f->qs, NQ, &s, o, r, &e);
    GB_ASSERT_MSG(rc == 0, "grade: %s", e.msg);
    if (keep) *keep = s;
    else gb_answer_sheet_free(&s);
    return rc;
}

static double points_total(const fixture *f)
{
    double t = 0;
    for (size_t i = 0; i < NQ; i++) t += f->qs[i].points;
    return t;
}

static void test_right_everywhere(void)
{
    fixture f;
    if (setup(&f, NULL, NULL, NULL)) return;
    double ans[NQ];
    for (size_t i = 0; i < NQ; i++) ans[i] = gb_model_at(f.m, qidx(&f, i))->value;
    for (int comma = 0; comma < 2; comma++) {
        char *t = sheet_text(&f, ans, comma, NULL);
        gb_grade_result r;
        if (grade_text(&f, t, NULL, &r, NULL) == 0) {
            for (size_t i = 0; i < NQ; i++) {
                GB_ASSERT_MSG(r.rows[i].mark == GB_MARK_RIGHT && r.rows[i].mistake == 0,
                              "comma %d: Q%zu %s '%s' right (%s; %s)", comma, i + 1, NAMES[i],
                              r.rows[i].written, gb_mark_name(r.rows[i].mark), r.rows[i].note);
                GB_ASSERT_NEAR(r.rows[i].points, f.qs[i].points, 0);
            }
            GB_ASSERT_NEAR(r.total, points_total(&f), 0);
            GB_ASSERT_NEAR(r.max_total, points_total(&f), 0);
            GB_ASSERT_MSG(r.count[GB_MARK_RIGHT] == NQ, "all right");
            /* The row carries what the graded sheet shows. */
            gb_formatted fm;
            GB_ASSERT_MSG(gb_value_format(gb_model_value(f.m, "C", NULL), ".4g", &fm) == 0,
                          "C formats");
            GB_ASSERT_MSG(!strcmp(r.rows[8].key_plain, fm.plain), "key printed: %s",
                          r.rows[8].key_plain);
            GB_ASSERT_MSG(r.rows[8].lo < r.rows[8].key && r.rows[8].key < r.rows[8].hi &&
                              r.rows[8].interval_tex[0] == '[', "interval %s",
                          r.rows[8].interval_tex);
            GB_ASSERT_MSG(comma == 0 || strchr(r.rows[8].written, ','), "written as written");
            gb_grade_result_free(&r);
        }
        free(t);
    }
    teardown(&f);
}

static void test_wrong_everywhere(void)
{
    fixture f;
    if (setup(&f, NULL, NULL, NULL)) return;
    double ans[NQ];
    /* A different distortion per question, so no two answers happen to be consistent. */
    for (size_t i = 0; i < NQ; i++)
        ans[i] = gb_model_at(f.m, qidx(&f, i))->value * (1.5 + 0.1 * (double)i) + 0.3;
    char *t = sheet_text(&f, ans, 0, NULL);
    gb_grade_result r;
    if (grade_text(&f, t, NULL, &r, NULL) == 0) {
        for (size_t i = 0; i < NQ; i++) {
            GB_ASSERT_MSG(r.rows[i].mark == GB_MARK_WRONG, "Q%zu %s wrong (%s: %s)", i + 1,
                          NAMES[i], gb_mark_name(r.rows[i].mark), r.rows[i].note);
            GB_ASSERT_MSG(r.rows[i].feedback_tex[0] != '\0',
                          "Q%zu has feedback", i + 1);
        }
        GB_ASSERT_NEAR(r.total, 0, 0);
        gb_grade_result_free(&r);
    }
    free(t);
    teardown(&f);
}

/* The questions whose value changes when the quantities in ovr take the values in v. */
static void chain_answers(const fixture *f, double *v, const unsigned char *ovr, double *ans)
{
    gb_model_propagate(f->m, v, ovr);
    for (size_t i = 0; i < NQ; i++) ans[i] = v[qidx(f, i)];
}

static void check_carried_from(const fixture *f, const double *ans, size_t wrong_q,
                               double share)
{
    gb_grade_opts o;
    gb_grade_opts_default(&o);
    o.carried_share = share;
    char *t = sheet_text(f, ans, 0, NULL);
    gb_grade_result r;
    if (grade_text(f, t, &o, &r, NULL) == 0) {
        double expect = 0;
        size_t carried = 0;
        for (size_t i = 0; i < NQ; i++) {
            double key = gb_model_at(f->m, qidx(f, i))->value;
            double printed;
            gb_value_rounded(ans[i], f->qs[i].fmt, &printed);
            int changed = !gb_tolerance_accepts(&f->qs[i].tol, key, printed);
            const gb_grade_row *row = &r.rows[i];
            if (i == wrong_q) {
                GB_ASSERT_MSG(row->mark == GB_MARK_WRONG, "Q%zu itself wrong (%s)", i + 1,
                              gb_mark_name(row->mark));
            } else if (changed) {
                carried++;
                GB_ASSERT_MSG(row->mark == GB_MARK_CARRIED && row->upstream == (int)wrong_q + 1 &&
                                  !strcmp(row->upstream_name, NAMES[wrong_q]),
                              "Q%zu %s carried forward from Q%zu (got %s, upstream Q%d: %s)",
                              i + 1, NAMES[i], wrong_q + 1, gb_mark_name(row->mark),
                              row->upstream, row->note);
                GB_ASSERT_MSG(strstr(row->note, NAMES[wrong_q]) != NULL, "note names it: %s",
                              row->note);
                GB_ASSERT_NEAR(row->points, share * f->qs[i].points, 1e-12);
                GB_ASSERT_MSG(row->carried_tex[0] != '\0', "Q%zu: formula with own numbers",
                              i + 1);
                expect += share * f->qs[i].points;
            } else {
                GB_ASSERT_MSG(row->mark == GB_MARK_RIGHT, "Q%zu %s right (%s: %s)", i + 1,
                              NAMES[i], gb_mark_name(row->mark), row->note);
                expect += f->qs[i].points;
            }
        }
        GB_ASSERT_MSG(carried >= 10, "many questions downstream (%zu)", carried);
        GB_ASSERT_NEAR(r.total, expect, 1e-9);
        gb_grade_result_free(&r);
    }
    free(t);
}

/* Wrong only in yhat: everything downstream recomputed from it (as the model does: slopes
 * from z), and as by hand (slopes sigma'(z) = yhat (1 - yhat) from the wrong yhat). */
static void test_wrong_only_in_yhat(void)
{
    fixture f;
    if (setup(&f, NULL, NULL, NULL)) return;
    double *v = model_values(&f);
    unsigned char *ovr = calloc(f.n, 1);
    double ans[NQ];
    double ys = gb_model_value(f.m, "yhat", NULL) + 0.2;
    long ia = gb_model_find(f.m, "a[2][0]"), iy = gb_model_find(f.m, "yhat");
    ovr[ia] = ovr[iy] = 1;
    v[ia] = v[iy] = ys;
    chain_answers(&f, v, ovr, ans);
    check_carried_from(&f, ans, 7, 1.0);
    check_carried_from(&f, ans, 7, 0.5);
    /* By hand: the student's slope is that of the z a sigmoid maps to ys (logit, a second
     * formula), while the student's z[2][0] stays right. */
    long iz = gb_model_find(f.m, "z[2][0]");
    double zright = v[iz];
    ovr[iz] = 1;
    v[iz] = log(ys / (1 - ys));
    chain_answers(&f, v, ovr, ans);
    ans[6] = zright;
    GB_ASSERT_MSG(fabs(ans[9] - ys * (1 - ys)) < 1e-12, "the slope is yhat (1 - yhat)");
    check_carried_from(&f, ans, 7, 1.0);
    free(v);
    free(ovr);
    teardown(&f);
}

/* A student who rounds each answer to its printed precision before using it. */
static void test_rounding_at_every_step(void)
{
    const char *tols[] = {"rel:0.5%", "sig:4"};
    for (int tt = 0; tt < 2; tt++) {
        fixture f;
        if (setup(&f, NULL, tols[tt], NULL)) return;
        double *v = model_values(&f);
        unsigned char *ovr = calloc(f.n, 1);
        double ans[NQ];
        /* In model order: each answer computed from the rounded answers before it. */
        for (size_t idx = 0; idx < f.n; idx++)
            for (size_t i = 0; i < NQ; i++) {
                if (qidx(&f, i) != idx) continue;
                gb_model_propagate(f.m, v, ovr);
                double x = v[idx];
                gb_value_rounded(x, f.qs[i].fmt, &ans[i]);
                v[idx] = ans[i];
                ovr[idx] = 1;
                /* yhat is a copy of a[2][0]: what follows uses the student's rounded yhat. */
                if (!strcmp(NAMES[i], "yhat")) {
                    long ia = gb_model_find(f.m, "a[2][0]");
                    v[ia] = ans[i];
                    ovr[ia] = 1;
                }
            }
        char *t = sheet_text(&f, ans, 0, NULL);
        gb_grade_result r;
        if (grade_text(&f, t, NULL, &r, NULL) == 0) {
            size_t not_key = 0;
            for (size_t i = 0; i < NQ; i++) {
                GB_ASSERT_MSG(r.rows[i].mark == GB_MARK_RIGHT, "%s: Q%zu %s '%s' right (%s: %s)",
                              tols[tt], i + 1, NAMES[i], r.rows[i].written,
                              gb_mark_name(r.rows[i].mark), r.rows[i].note);
                if (r.rows[i].accepted != GB_ACCEPT_KEY) not_key++;
            }
            GB_ASSERT_NEAR(r.total, points_total(&f), 0);
            /* With half a unit of the 4th digit as tolerance, rounding drift must matter. */
            if (tt == 1)
                GB_ASSERT_MSG(not_key > 0, "some answers accepted only through the rounded "
                              "chain (%zu)", not_key);
            gb_grade_result_free(&r);
        }
        free(t);
        free(v);
        free(ovr);
        teardown(&f);
    }
}

static void test_blanks_and_junk(void)
{
    fixture f;
    if (setup(&f, NULL, NULL, NULL)) return;
    double ans[NQ];
    for (size_t i = 0; i < NQ; i++) ans[i] = gb_model_at(f.m, qidx(&f, i))->value;
    ans[3] = NAN;
    ans[20] = NAN;
    char *t = sheet_text(&f, ans, 0, "q3  z[1][0] = 7\nnonsense\nq99  x = 1\n");
    /* Replace the answer of q5 by text that is not a number. */
    char *q5 = strstr(t, "q5  a[1][0] = ");
    gb_answer_sheet s;
    gb_grade_result r;
    if (q5) {
        char *eol = strchr(q5, '\n');
        size_t pre = (size_t)(q5 - t);
        char *u = malloc(strlen(t) + 32);
        memcpy(u, t, pre);
        sprintf(u + pre, "q5  a[1][0] = abc%s", eol);
        free(t);
        t = u;
    }
    if (grade_text(&f, t, NULL, &r, &s) == 0) {
        double expect = points_total(&f) - f.qs[3].points - f.qs[20].points - f.qs[4].points -
                        f.qs[2].points;
        GB_ASSERT_MSG(r.rows[3].mark == GB_MARK_BLANK && r.rows[3].note[0] == '\0',
                      "a blank is blank, no error");
        GB_ASSERT_MSG(r.rows[4].mark == GB_MARK_BLANK && strstr(r.rows[4].note, "line 9") &&
                          strstr(r.rows[4].note, "'abc' is not a number"),
                      "not a number: %s", r.rows[4].note);
        GB_ASSERT_MSG(r.rows[2].mark == GB_MARK_BLANK, "two answers to q3: neither graded");
        GB_ASSERT_NEAR(r.total, expect, 1e-12);
        int junk = 0, unknown = 0;
        for (size_t k = 0; k < s.nproblems; k++) {
            if (strstr(s.problems[k].msg, "line 31:") && strstr(s.problems[k].msg, "nonsense"))
                junk = 1;
            if (strstr(s.problems[k].msg, "line 32:") && strstr(s.problems[k].msg, "q99"))
                unknown = 1;
        }
        GB_ASSERT_MSG(junk && unknown, "junk (line 31) and q99 (line 32) reported");
        gb_grade_result_free(&r);
        gb_answer_sheet_free(&s);
    }
    free(t);
    teardown(&f);
}

/* yhat set to v_yhat and everything downstream computed from it; the downstream questions
 * whose value changed must be refused carried-forward credit for the given reason. */
static void check_refused(const fixture *f, double v_yhat, gb_cf_refusal why, const char *word)
{
    double *v = model_values(f);
    unsigned char *ovr = calloc(f->n, 1);
    double ans[NQ];
    long ia = gb_model_find(f->m, "a[2][0]"), iy = gb_model_find(f->m, "yhat");
    ovr[ia] = ovr[iy] = 1;
    v[ia] = v[iy] = v_yhat;
    chain_answers(f, v, ovr, ans);
    char *t = sheet_text(f, ans, 0, NULL);
    gb_grade_result r;
    if (grade_text(f, t, NULL, &r, NULL) == 0) {
        size_t refused = 0;
        for (size_t i = 8; i < NQ; i++) {
            double key = gb_model_at(f->m, qidx(f, i))->value;
            if (gb_tolerance_accepts(&f->qs[i].tol, key, ans[i])) continue;
            refused++;
            GB_ASSERT_MSG(r.rows[i].mark == GB_MARK_WRONG && r.rows[i].refused == why &&
                              r.rows[i].points == 0 && strstr(r.rows[i].note, word) &&
                              r.rows[i].upstream == 8,
                          "Q%zu %s refused (%s: %s)", i + 1, NAMES[i],
                          gb_mark_name(r.rows[i].mark), r.rows[i].note);
        }
        GB_ASSERT_MSG(refused >= 8, "many questions downstream (%zu)", refused);
        GB_ASSERT_MSG(r.rows[7].mark == GB_MARK_WRONG, "yhat wrong");
        if (why == GB_CF_IMPOSSIBLE)
            GB_ASSERT_MSG(strstr(r.rows[7].note, "sigmoid output") != NULL,
                          "the impossible yhat itself is explained: %s", r.rows[7].note);
        gb_grade_result_free(&r);
    }
    free(t);
    free(v);
    free(ovr);
}

static void test_impossible_upstream(void)
{
    fixture f;
    if (setup(&f, NULL, NULL, NULL)) return;
    check_refused(&f, 1.3, GB_CF_IMPOSSIBLE, "impossible");
    teardown(&f);
}

static void test_trivial_upstream(void)
{
    /* yhat = y makes every delta 0; y inside (0, 1) so that yhat = y is a possible output. */
    const char *sets[] = {"y=[0.75]", NULL};
    fixture f;
    if (setup(&f, sets, NULL, NULL)) return;
    double y = gb_model_value(f.m, "y", NULL);
    check_refused(&f, y, GB_CF_TRIVIAL, "trivial");
    teardown(&f);
}

/* A sheet made with each named mistake is labelled with it, and the summary counts it. */
static void test_misconceptions(void)
{
    fixture f;
    if (setup(&f, NULL, NULL, NULL)) return;
    double *v = malloc(f.n * sizeof *v);
    size_t *counts = calloc(NQ * GB_MISTAKE_COUNT, sizeof *counts);
    for (int k = 1; k < GB_MISTAKE_COUNT; k++) {
        gb_model_propagate_mistake(f.m, v, NULL, (gb_mistake)k);
        double ans[NQ];
        for (size_t i = 0; i < NQ; i++) ans[i] = v[qidx(&f, i)];
        char *t = sheet_text(&f, ans, 0, NULL);
        gb_grade_result r;
        if (grade_text(&f, t, NULL, &r, NULL) == 0) {
            size_t labelled = 0, other = 0;
            for (size_t i = 0; i < NQ; i++) {
                const gb_grade_row *row = &r.rows[i];
                if (row->mistake == (gb_mistake)k) {
                    labelled++;
                    GB_ASSERT_MSG(row->mark == GB_MARK_WRONG &&
                                      strstr(row->note, gb_mistake_desc((gb_mistake)k)),
                                  "%s: Q%zu note '%s'", gb_mistake_id((gb_mistake)k), i + 1,
                                  row->note);
                } else if (row->mistake != GB_MISTAKE_NONE) {
                    other++;
                }
                GB_ASSERT_MSG(row->mark != GB_MARK_RIGHT || row->mistake == GB_MISTAKE_NONE,
                              "a right answer is never labelled");
            }
            GB_ASSERT_MSG(labelled > 0, "a sheet made with '%s' is labelled with it",
                          gb_mistake_desc((gb_mistake)k));
            GB_ASSERT_MSG(other == 0, "'%s': no other mistake named (%zu)",
                          gb_mistake_id((gb_mistake)k), other);
            gb_grade_count_mistakes(&r, counts);
            gb_grade_result_free(&r);
        }
        free(t);
    }
    for (int k = 1; k < GB_MISTAKE_COUNT; k++) {
        size_t c = 0;
        for (size_t i = 0; i < NQ; i++) c += counts[i * GB_MISTAKE_COUNT + (size_t)k];
        GB_ASSERT_MSG(c > 0, "class summary counts %s", gb_mistake_id((gb_mistake)k));
    }
    /* The sign mistake is named at delta[2][0] (Q11), where it is made. */
    GB_ASSERT_MSG(counts[10 * GB_MISTAKE_COUNT + GB_MISTAKE_SIGN] == 1, "sign at Q11");
    GB_ASSERT_MSG(counts[24 * GB_MISTAKE_COUNT + GB_MISTAKE_PLUS_STEP] == 1, "plus at Q25");
    free(counts);
    free(v);
    teardown(&f);
}

/* shared/cases/13: a negative key with a relative 1 % tolerance. */
static void test_case13_negative_key(void)
{
    const char *sets[] = {"x=[0.05, 0.10]", "W1=[[0.15, 0.20], [0.25, 0.30]]", "b1=[0.35, 0.35]",
                          "W2=[[0.40, 0.45]]", "b2=[0.60]", "y=[0.99]", NULL};
    fixture f;
    if (setup(&f, sets, "rel:1%", NULL)) return;
    size_t q = 11;   /* grad.W[2][0][0] */
    GB_ASSERT_REL(gb_model_value(f.m, NAMES[q], NULL), -0.02644840823, 1e-9);
    const char *answers[] = {"-0.02644840823", "-0.0265", "-0.02671", "-0.0268",
                             "+0.02644840823"};
    const int accept[] = {1, 1, 1, 0, 0};
    double ans[NQ];
    for (size_t i = 0; i < NQ; i++) ans[i] = NAN;
    for (size_t a = 0; a < 5; a++) {
        char *t = sheet_text(&f, ans, 0, NULL);
        char line[64];
        snprintf(line, sizeof line, "q12  grad.W[2][0][0] = \n");
        char *at = strstr(t, line);
        GB_ASSERT_MSG(at != NULL, "q12 line");
        if (!at) { free(t); break; }
        char *u = malloc(strlen(t) + 64);
        size_t pre = (size_t)(at - t);
        memcpy(u, t, pre);
        sprintf(u + pre, "q12  grad.W[2][0][0] = %s\n%s", answers[a], at + strlen(line));
        gb_grade_result r;
        if (grade_text(&f, u, NULL, &r, NULL) == 0) {
            const gb_grade_row *row = &r.rows[q];
            GB_ASSERT_MSG((row->mark == GB_MARK_RIGHT) == accept[a], "%s %s (%s)", answers[a],
                          accept[a] ? "accepted" : "rejected", gb_mark_name(row->mark));
            GB_ASSERT_MSG(row->lo < row->hi, "lo < hi for a negative key");
            GB_ASSERT_REL(row->lo, -0.02671289231, 1e-8);
            GB_ASSERT_REL(row->hi, -0.02618392415, 1e-8);
            if (a == 4)
                GB_ASSERT_MSG(row->mistake == GB_MISTAKE_SIGN, "the sign error is named (%s)",
                              row->note);
            gb_grade_result_free(&r);
        }
        free(u);
        free(t);
    }
    teardown(&f);
}

static void test_errors(void)
{
    fixture f;
    if (setup(&f, NULL, NULL, NULL)) return;
    double ans[NQ];
    for (size_t i = 0; i < NQ; i++) ans[i] = NAN;
    char *t = sheet_text(&f, ans, 0, NULL);
    gb_answer_sheet s;
    gb_err e = {0};
    gb_grade_result r;
    int parsed = gb_answer_sheet_parse(t, strlen(t), NULL, f.qs, NQ, &s, &e);
    GB_ASSERT_MSG(parsed == 0, "a blank sheet parses: %s", e.msg);
    if (parsed == 0) {
        gb_grade_opts o;
        gb_grade_opts_default(&o);
        o.carried_share = 1.5;
        GB_ASSERT_MSG(gb_grade(f.m, f.qs, NQ, &s, &o, &r, &e) == GB_EINPUT, "share > 1");
        gb_err_clear(&e);
        GB_ASSERT_MSG(gb_grade(f.m, f.qs, NQ - 1, &s, NULL, &r, &e) == GB_EINPUT, "nq differs");
        gb_question_spec qs[NQ];
        memcpy(qs, f.qs, sizeof qs);
        snprintf(qs[3].name, sizeof qs[3].name, "no.such");
        gb_err_clear(&e);
        GB_ASSERT_MSG(gb_grade(f.m, qs, NQ, &s, NULL, &r, &e) == GB_EINPUT &&
                          strstr(e.msg, "no.such"), "unknown quantity: %s", e.msg);
        GB_ASSERT_MSG(r.rows == NULL, "nothing kept on error");
        /* A blank sheet: all blank, 0 points, not an error. */
        gb_err_clear(&e);
        GB_ASSERT_MSG(gb_grade(f.m, f.qs, NQ, &s, NULL, &r, &e) == 0, "blank sheet");
        GB_ASSERT_MSG(r.count[GB_MARK_BLANK] == NQ && r.total == 0, "all blank");
        gb_grade_result_free(&r);
        gb_answer_sheet_free(&s);
    }
    free(t);
    teardown(&f);
}

/* Extreme numbers a student may write: no crash, no NaN in the result. */
static void test_extreme_answers(void)
{
    fixture f;
    if (setup(&f, NULL, NULL, NULL)) return;
    const double xs[] = {1e308, -1e308, 1e-308, 0, 5e-324, 1, -1};
    for (size_t k = 0; k < sizeof xs / sizeof xs[0]; k++) {
        double ans[NQ];
        for (size_t i = 0; i < NQ; i++) ans[i] = xs[(k + i) % (sizeof xs / sizeof xs[0])];
        char *t = sheet_text(&f, ans, 0, NULL);
        gb_grade_result r;
        if (grade_text(&f, t, NULL, &r, NULL) == 0) {
            GB_ASSERT_MSG(isfinite(r.total) && r.total >= 0 && r.total <= r.max_total,
                          "total %g", r.total);
            gb_grade_result_free(&r);
        }
        free(t);
    }
    teardown(&f);
}

GB_TEST_SUITE(grade)
{
    CU_pSuite s = CU_add_suite("grade", NULL, NULL);
    GB_ADD(s, test_right_everywhere);
    GB_ADD(s, test_wrong_everywhere);
    GB_ADD(s, test_wrong_only_in_yhat);
    GB_ADD(s, test_rounding_at_every_step);
    GB_ADD(s, test_blanks_and_junk);
    GB_ADD(s, test_impossible_upstream);
    GB_ADD(s, test_trivial_upstream);
    GB_ADD(s, test_misconceptions);
    GB_ADD(s, test_case13_negative_key);
    GB_ADD(s, test_errors);
    GB_ADD(s, test_extreme_answers);
}
