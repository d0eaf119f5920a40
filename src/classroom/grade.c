/* grade.c — grading one answer sheet: key, rounded chains, error carried forward through the
 * model, refusals, named mistakes (see grade.h). */
#include "classroom/grade.h"

#include "book/values.h"
#include "model/formula.h"
#include "model/tolerance.h"
#include "numerics/rules.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NVIEWS 2   /* pre-activations as written; pre-activations implied by activations */

typedef struct ctx {
    const gb_model *m;
    const gb_question_spec *qs;
    size_t nq, n;
    size_t *qidx;          /* nq: model index of each question's quantity */
    long *alias;           /* nq: for a copy (yhat = a[L][0]) the source quantity, else -1 */
    unsigned char *anc;    /* nq x n: anc[i*n + t] = 1 when quantity t is an ancestor of q i */
    double *key;           /* nq: the model's values */
    double *rounded;       /* nq: the keys as printed */
    double *student;       /* nq: the student's numbers, NaN when blank or invalid */
    double *vals;          /* n: scratch values */
    unsigned char *ovr;    /* n: scratch overrides */
    double *mk;            /* GB_MISTAKE_COUNT x n: values of each mistake from the givens */
    int *pre_right;        /* nq: accepted by the key or the rounded key chain */
    int *final_right;      /* nq: -1 not graded yet, else 1 RIGHT, 0 not */
} ctx;

void gb_grade_opts_default(gb_grade_opts *o)
{
    o->carried_share = 1.0;
    o->digits = 4;
}

const char *gb_mark_name(gb_mark k)
{
    switch (k) {
    case GB_MARK_RIGHT: return "right";
    case GB_MARK_CARRIED: return "carried forward";
    case GB_MARK_WRONG: return "wrong";
    case GB_MARK_BLANK: return "blank";
    }
    return "unknown";
}

void gb_grade_result_free(gb_grade_result *r)
{
    if (!r) return;
    free(r->rows);
    memset(r, 0, sizeof *r);
}

void gb_grade_count_mistakes(const gb_grade_result *r, size_t *counts)
{
    for (size_t i = 0; i < r->nrows; i++) {
        gb_mistake k = r->rows[i].mistake;
        if (r->rows[i].mark == GB_MARK_WRONG && k > GB_MISTAKE_NONE && k < GB_MISTAKE_COUNT)
            counts[i * GB_MISTAKE_COUNT + k]++;
    }
}

static void ctx_free(ctx *c)
{
    free(c->qidx);
    free(c->alias);
    free(c->anc);
    free(c->key);
    free(c->rounded);
    free(c->student);
    free(c->vals);
    free(c->ovr);
    free(c->mk);
    free(c->pre_right);
    free(c->final_right);
}

/* 1 when s lies within question i's tolerance of reference r (a finite r only). */
static int near(const ctx *c, size_t i, double r, double s)
{
    return isfinite(r) && isfinite(s) && gb_tolerance_accepts(&c->qs[i].tol, r, s);
}

/* 1 when question u's quantity (or its copy source) is an ancestor of question i's; with
 * implied (the reading where activations imply their pre-activations) also when u's quantity is
 * an activation whose pre-activation is such an ancestor. */
static int upstream(const ctx *c, size_t u, size_t i, int implied)
{
    if (u == i) return 0;
    const unsigned char *a = c->anc + i * c->n;
    size_t src = c->alias[u] >= 0 ? (size_t)c->alias[u] : c->qidx[u];
    if (a[c->qidx[u]] || a[src]) return 1;
    const gb_quantity *q = gb_model_at(c->m, src);
    return implied && q->op == GB_OP_ACTIVATION && q->ninputs == 1 && a[q->inputs[0]];
}

/* The pre-activation z with g(z) = a (gb_rule_activation is non-decreasing for every kind), by
 * bisection; -1 when a lies outside the range of g or cannot be bracketed. No inverse formula:
 * the activation itself is evaluated. */
static int implied_pre(const gb_act *act, double a, double *z)
{
    if (!isfinite(a)) return -1;
    if (act->kind == GB_ACT_SIGMOID && !(a > 0.0 && a < 1.0)) return -1;
    if (act->kind == GB_ACT_TANH && !(a > -1.0 && a < 1.0)) return -1;
    double lo = -1.0, hi = 1.0;
    for (int t = 0; t < 1100 && gb_rule_activation(act, lo) > a; t++) lo *= 2;
    for (int t = 0; t < 1100 && gb_rule_activation(act, hi) < a; t++) hi *= 2;
    if (!(gb_rule_activation(act, lo) <= a && gb_rule_activation(act, hi) >= a)) return -1;
    for (int t = 0; t < 2200; t++) {
        double mid = lo + (hi - lo) / 2;
        if (mid <= lo || mid >= hi) break;
        if (gb_rule_activation(act, mid) < a) lo = mid;
        else hi = mid;
    }
    *z = fabs(gb_rule_activation(act, lo) - a) <= fabs(gb_rule_activation(act, hi) - a) ? lo : hi;
    return 0;
}

/* Fills c->vals with the model recomputed for question i, the other questions' quantities (and
 * their copy sources) set to sub[j] where sub[j] is a number; view 1 also replaces the
 * pre-activation of every set activation by the one it implies. k: a mistake made throughout
 * (GB_MISTAKE_NONE for the rules as they are). Returns the value of question i's quantity. */
static double chain(ctx *c, size_t i, const double *sub, int view, gb_mistake k)
{
    size_t self = c->qidx[i];
    memset(c->ovr, 0, c->n);
    for (size_t j = 0; j < c->nq; j++) {
        if (j == i || isnan(sub[j]) || c->qidx[j] == self) continue;
        c->ovr[c->qidx[j]] = 1;
        c->vals[c->qidx[j]] = sub[j];
        if (c->alias[j] >= 0 && (size_t)c->alias[j] != self) {
            c->ovr[c->alias[j]] = 1;
            c->vals[c->alias[j]] = sub[j];
        }
    }
    if (view == 1) {
        for (size_t t = 0; t < c->n; t++) {
            const gb_quantity *q = gb_model_at(c->m, t);
            if (!c->ovr[t] || q->op != GB_OP_ACTIVATION || q->ninputs != 1) continue;
            size_t zi = q->inputs[0];
            double z;
            if (zi == self || implied_pre(&q->act, c->vals[t], &z) != 0) continue;
            c->ovr[zi] = 1;
            c->vals[zi] = z;
        }
    }
    gb_model_propagate_mistake(c->m, c->vals, c->ovr, k);
    return c->vals[self];
}

/* Question i's quantity with mistake k made at its own step only: every other quantity keeps
 * the model's value. */
static double local_mistake(ctx *c, size_t i, gb_mistake k)
{
    size_t self = c->qidx[i];
    gb_model_propagate(c->m, c->vals, NULL);
    memset(c->ovr, 1, c->n);
    c->ovr[self] = 0;
    gb_model_propagate_mistake(c->m, c->vals, c->ovr, k);
    return c->vals[self];
}

/* Why the student's value v of question u is impossible, or NULL when it is possible. */
static const char *impossible(const ctx *c, size_t u, double v)
{
    const gb_quantity *q = gb_model_at(c->m, c->qidx[u]);
    for (int t = 0; t < 64 && q->op == GB_OP_COPY && q->ninputs == 1; t++)
        q = gb_model_at(c->m, q->inputs[0]);
    switch (q->op) {
    case GB_OP_ACTIVATION:
        if (q->act.kind == GB_ACT_SIGMOID && !(v > 0 && v < 1))
            return "a sigmoid output lies in (0, 1)";
        if (q->act.kind == GB_ACT_TANH && !(v > -1 && v < 1))
            return "a tanh output lies in (-1, 1)";
        break;
    case GB_OP_ACT_DERIV:
        if (q->act.kind == GB_ACT_SIGMOID && !(v > 0 && v <= 0.25))
            return "a sigmoid slope lies in (0, 0.25]";
        if (q->act.kind == GB_ACT_TANH && !(v > 0 && v <= 1))
            return "a tanh slope lies in (0, 1]";
        break;
    case GB_OP_LOSS:
        if (v < 0) return "a squared-error loss is never negative";
        break;
    default: break;
    }
    return NULL;
}

/* 1 when x counts as zero next to a non-zero reference (the recomputed value of a delta or a
 * gradient that collapsed, as when yhat = y). */
static int collapsed(double x, double ref)
{
    return fabs(x) <= 1e-12 * fabs(ref) + 1e-300 && fabs(ref) > 1e-12;
}

/* In c->vals (a chain for question i): the first quantity, i's own or a delta or gradient it
 * depends on, that recomputes to zero while its key is not; -1 when none. */
static long trivial(const ctx *c, size_t i)
{
    size_t self = c->qidx[i];
    const unsigned char *a = c->anc + i * c->n;
    for (size_t t = 0; t <= self; t++) {
        if (t != self && !a[t]) continue;
        const gb_quantity *q = gb_model_at(c->m, t);
        int kind = t == self || q->op == GB_OP_DELTA_OUTPUT || q->op == GB_OP_DELTA_HIDDEN ||
                   q->op == GB_OP_GRAD_WEIGHT || q->op == GB_OP_GRAD_BIAS;
        if (kind && collapsed(c->vals[t], q->value)) return (long)t;
    }
    return -1;
}

static void formula(const ctx *c, size_t i, const double *values, int digits, char *buf,
                    size_t cap)
{
    char sym[400], num[400];
    buf[0] = '\0';
    if (gb_formula_tex(c->m, c->qidx[i], values, digits, sym, sizeof sym, num, sizeof num) == 0)
        if (snprintf(buf, cap, "%s = %s", sym, num) >= (int)cap) buf[0] = '\0';
}

static void append(char *buf, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void append(char *buf, size_t cap, const char *fmt, ...)
{
    size_t n = strlen(buf);
    if (n + 1 >= cap) return;
    if (n) {
        snprintf(buf + n, cap - n, "; ");
        n = strlen(buf);
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + n, cap - n, fmt, ap);
    va_end(ap);
}

/* The root wrong upstream questions of i: wrong upstream u with no wrong upstream of its own;
 * the lowest-numbered such, or the lowest-numbered wrong upstream; -1 when none. */
static long root_wrong(const ctx *c, size_t i, const int *off, int implied)
{
    long first = -1;
    for (size_t u = 0; u < c->nq; u++) {
        if (!off[u] || !upstream(c, u, i, implied)) continue;
        if (first < 0) first = (long)u;
        int root = 1;
        for (size_t w = 0; w < c->nq && root; w++)
            if (off[w] && upstream(c, w, u, implied)) root = 0;
        if (root) return (long)u;
    }
    return first;
}

/* Grades question i into *r (the common fields are filled already). */
static void grade_one(ctx *c, size_t i, const gb_grade_opts *o, const int *off, gb_grade_row *r)
{
    double s = r->value;
    double *tmp = c->vals;   /* scratch for formulas: holds the last chain */
    /* 1a. The key. */
    if (near(c, i, c->key[i], s)) {
        r->mark = GB_MARK_RIGHT;
        r->accepted = GB_ACCEPT_KEY;
        return;
    }
    /* 1b. The rounded key chain (both readings). */
    for (int v = 0; v < NVIEWS; v++)
        if (near(c, i, chain(c, i, c->rounded, v, GB_MISTAKE_NONE), s)) {
            r->mark = GB_MARK_RIGHT;
            r->accepted = GB_ACCEPT_ROUNDED;
            snprintf(r->note, sizeof r->note,
                     "accepted: consistent with the printed (rounded) values of the steps before");
            return;
        }
    /* 2. The student's own chain. */
    double own[NVIEWS];
    int match = -1;
    for (int v = 0; v < NVIEWS; v++) {
        own[v] = chain(c, i, c->student, v, GB_MISTAKE_NONE);
        if (match < 0 && near(c, i, own[v], s)) match = v;
    }
    if (match >= 0) {
        chain(c, i, c->student, match, GB_MISTAKE_NONE);   /* c->vals = the matched chain */
        long u = root_wrong(c, i, off, match == 1);
        if (u < 0) {
            r->mark = GB_MARK_RIGHT;
            r->accepted = GB_ACCEPT_OWN_ROUNDED;
            r->reference = own[match];
            snprintf(r->note, sizeof r->note,
                     "accepted: consistent with your own (rounded) answers before it");
            return;
        }
        r->upstream = (int)u + 1;
        snprintf(r->upstream_name, sizeof r->upstream_name, "%s", c->qs[u].name);
        /* Refusals: an impossible upstream value used, or a collapsed (trivial) chain. */
        const char *why = NULL;
        size_t bad = 0;
        for (size_t w = 0; w < c->nq && !why; w++)
            if (off[w] && upstream(c, w, i, match == 1) &&
                (why = impossible(c, w, c->student[w])))
                bad = w;
        long t = why ? -1 : trivial(c, i);
        if (why) {
            r->refused = GB_CF_IMPOSSIBLE;
            r->upstream = (int)bad + 1;
            snprintf(r->upstream_name, sizeof r->upstream_name, "%s", c->qs[bad].name);
            snprintf(r->note, sizeof r->note,
                     "no carried-forward credit: your %s = %.6g (Q%zu) is impossible: %s",
                     c->qs[bad].name, c->student[bad], bad + 1, why);
        } else if (t >= 0) {
            r->refused = GB_CF_TRIVIAL;
            snprintf(r->note, sizeof r->note,
                     "no carried-forward credit: with your %s (Q%ld) %s recomputes to 0, which "
                     "makes this question trivial", c->qs[u].name, u + 1,
                     gb_model_at(c->m, (size_t)t)->name);
        } else {
            r->mark = GB_MARK_CARRIED;
            r->reference = own[match];
            r->points = o->carried_share * r->max_points;
            snprintf(r->note, sizeof r->note, "carried forward from Q%ld (%s)", u + 1,
                     c->qs[u].name);
            formula(c, i, tmp, o->digits, r->carried_tex, sizeof r->carried_tex);
            return;
        }
    }
    /* 3. Wrong: the classic mistake it matches. Most specific first: a mistake made at this
     * question's own step (its op evaluated with the mistake on correct inputs), then the
     * nearest of the mistakes made throughout, from the givens or from the student's own
     * upstream answers. */
    r->mark = GB_MARK_WRONG;
    double best = INFINITY;
    int best_local = 0;
    for (int k = 1; k < GB_MISTAKE_COUNT; k++) {
        double cand[2 + NVIEWS];
        cand[0] = local_mistake(c, i, (gb_mistake)k);
        cand[1] = c->mk[(size_t)k * c->n + c->qidx[i]];
        for (int v = 0; v < NVIEWS; v++) cand[2 + v] = chain(c, i, c->student, v, (gb_mistake)k);
        for (int w = 0; w < 2 + NVIEWS; w++) {
            double x = cand[w];
            int same = near(c, i, c->key[i], x);
            for (int v = 0; v < NVIEWS; v++) same |= near(c, i, own[v], x);
            if (!near(c, i, x, s) || same) continue;
            int local = w == 0;
            if ((local && !best_local) || (local == best_local && fabs(s - x) < best)) {
                best = fabs(s - x);
                best_local = local;
                r->mistake = (gb_mistake)k;
            }
        }
    }
    if (r->mistake != GB_MISTAKE_NONE)
        append(r->note, sizeof r->note, "matches the mistake: %s", gb_mistake_desc(r->mistake));
    const char *why = impossible(c, i, s);
    if (why) append(r->note, sizeof r->note, "%.6g is impossible: %s", s, why);
}

int gb_grade(const gb_model *m, const gb_question_spec *qs, size_t nq,
             const gb_answer_sheet *sheet, const gb_grade_opts *o, gb_grade_result *out,
             gb_err *e)
{
    memset(out, 0, sizeof *out);
    gb_grade_opts def;
    gb_grade_opts_default(&def);
    if (!o) o = &def;
    if (!(o->carried_share >= 0 && o->carried_share <= 1))
        return gb_err_set(e, GB_EINPUT, NULL, 0, 0,
                          "the carried-forward share must lie in 0..1, not %g", o->carried_share);
    if (sheet->nq != nq)
        return gb_err_set(e, GB_EINPUT, NULL, 0, 0,
                          "the answer sheet was read for %zu questions, not %zu", sheet->nq, nq);
    gb_grade_opts opts = *o;
    if (opts.digits < 1 || opts.digits > 17) opts.digits = 4;
    ctx c = {0};
    c.m = m;
    c.qs = qs;
    c.nq = nq;
    c.n = gb_model_count(m);
    size_t n = c.n, nn = nq ? nq : 1;
    c.qidx = calloc(nn, sizeof *c.qidx);
    c.alias = calloc(nn, sizeof *c.alias);
    c.anc = calloc(nn * (n ? n : 1), 1);
    c.key = calloc(nn, sizeof *c.key);
    c.rounded = calloc(nn, sizeof *c.rounded);
    c.student = calloc(nn, sizeof *c.student);
    c.vals = calloc(n ? n : 1, sizeof *c.vals);
    c.ovr = calloc(n ? n : 1, 1);
    c.mk = calloc((size_t)GB_MISTAKE_COUNT * (n ? n : 1), sizeof *c.mk);
    c.pre_right = calloc(nn, sizeof *c.pre_right);
    c.final_right = calloc(nn, sizeof *c.final_right);
    int *off = calloc(nn, sizeof *off);
    size_t *order = calloc(nn, sizeof *order);
    out->rows = calloc(nn, sizeof *out->rows);
    if (!c.qidx || !c.alias || !c.anc || !c.key || !c.rounded || !c.student || !c.vals ||
        !c.ovr || !c.mk || !c.pre_right || !c.final_right || !off || !order || !out->rows) {
        ctx_free(&c);
        free(off);
        free(order);
        gb_grade_result_free(out);
        return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
    }
    int rc = 0;
    for (size_t i = 0; i < nq && rc == 0; i++) {
        long q = gb_model_find(m, qs[i].name);
        if (q < 0) {
            rc = gb_err_set(e, GB_EINPUT, NULL, 0, 0, "question Q%zu: '%s' is not a quantity of "
                            "the exercise", i + 1, qs[i].name);
            break;
        }
        c.qidx[i] = (size_t)q;
        c.key[i] = gb_model_at(m, (size_t)q)->value;
        if (!isfinite(c.key[i]) || !(qs[i].points >= 0) || !isfinite(qs[i].points)) {
            rc = gb_err_set(e, GB_EINPUT, NULL, 0, 0, "question Q%zu (%s): its key or points are "
                            "not finite", i + 1, qs[i].name);
            break;
        }
        if (gb_value_rounded(c.key[i], qs[i].fmt, &c.rounded[i]) != 0) {
            rc = gb_err_set(e, GB_EINPUT, NULL, 0, 0, "question Q%zu (%s): invalid format '%s'",
                            i + 1, qs[i].name, qs[i].fmt);
            break;
        }
        c.alias[i] = -1;
        const gb_quantity *qq = gb_model_at(m, (size_t)q);
        for (int t = 0; t < 64 && qq->op == GB_OP_COPY && qq->ninputs == 1; t++) {
            c.alias[i] = (long)qq->inputs[0];
            qq = gb_model_at(m, qq->inputs[0]);
        }
        /* Ancestors, walking down from the quantity (inputs always have smaller indices). */
        unsigned char *a = c.anc + i * n;
        a[q] = 1;
        for (size_t t = (size_t)q + 1; t-- > 0;) {
            if (!a[t]) continue;
            const gb_quantity *g = gb_model_at(m, t);
            for (size_t k = 0; k < g->ninputs; k++) a[g->inputs[k]] = 1;
        }
        a[q] = 0;
        const gb_sheet_answer *ans = &sheet->answers[i];
        c.student[i] = ans->state == GB_SHEET_VALID && isfinite(ans->value) ? ans->value : NAN;
    }
    if (rc != 0) {
        ctx_free(&c);
        free(off);
        free(order);
        gb_grade_result_free(out);
        return rc;
    }
    for (int k = 0; k < GB_MISTAKE_COUNT; k++)
        gb_model_propagate_mistake(m, c.mk + (size_t)k * n, NULL, (gb_mistake)k);

    /* Wrong = not accepted by the key or the rounded key chain; refined below in model order
     * once a question is graded (a RIGHT by the student's own rounded chain is not wrong). */
    for (size_t i = 0; i < nq; i++) {
        double s = c.student[i];
        int ok = near(&c, i, c.key[i], s);
        for (int v = 0; v < NVIEWS && !ok && !isnan(s); v++)
            ok = near(&c, i, chain(&c, i, c.rounded, v, GB_MISTAKE_NONE), s);
        c.pre_right[i] = ok;
        off[i] = !isnan(s) && !ok;
        order[i] = i;
    }
    /* Model order: upstream questions are graded before those that depend on them. */
    for (size_t i = 1; i < nq; i++)
        for (size_t j = i; j > 0 && c.qidx[order[j - 1]] > c.qidx[order[j]]; j--) {
            size_t t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    for (size_t oi = 0; oi < nq; oi++) {
        size_t i = order[oi];
        const gb_question_spec *q = &qs[i];
        const gb_quantity *qq = gb_model_at(m, c.qidx[i]);
        const gb_sheet_answer *ans = &sheet->answers[i];
        gb_grade_row *r = &out->rows[i];
        r->number = (int)i + 1;
        r->quantity = c.qidx[i];
        snprintf(r->name, sizeof r->name, "%s", q->name);
        snprintf(r->symbol, sizeof r->symbol, "%s", qq->symbol);
        snprintf(r->written, sizeof r->written, "%s", ans->text);
        r->key = c.key[i];
        gb_formatted f;
        if (gb_value_format(c.key[i], q->fmt, &f) == 0) {
            snprintf(r->key_plain, sizeof r->key_plain, "%s", f.plain);
            snprintf(r->key_tex, sizeof r->key_tex, "%s", f.tex);
        }
        double w = gb_tolerance_halfwidth(&q->tol, c.key[i]);
        r->lo = c.key[i] - w;
        r->hi = c.key[i] + w;
        if (gb_value_interval_tex(r->lo, r->hi, r->interval_tex, sizeof r->interval_tex))
            r->interval_tex[0] = '\0';
        r->max_points = q->points;
        r->reference = c.key[i];
        r->mistake = GB_MISTAKE_NONE;
        if (isnan(c.student[i])) {
            r->mark = GB_MARK_BLANK;
            if (ans->state == GB_SHEET_INVALID)
                snprintf(r->note, sizeof r->note, "%s", ans->problem);
        } else {
            r->valid = 1;
            r->value = c.student[i];
            grade_one(&c, i, &opts, off, r);
            if (r->mark == GB_MARK_RIGHT) {
                r->points = r->max_points;
                off[i] = 0;
            } else {
                off[i] = 1;
            }
            if (r->mark == GB_MARK_WRONG || r->mark == GB_MARK_CARRIED)
                formula(&c, i, NULL, opts.digits, r->feedback_tex, sizeof r->feedback_tex);
        }
        out->total += r->points;
        out->max_total += r->max_points;
        out->count[r->mark]++;
    }
    out->nrows = nq;
    ctx_free(&c);
    free(off);
    free(order);
    return 0;
}
