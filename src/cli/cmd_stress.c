/* cmd_stress.c — `gradbook stress`: draws the variants of an assignment for keys "1".."N" and
 * shows how the asked answers spread and how often each rejection rule bites, so an instructor
 * sees a bad range in [variants] before a class gets it. */
#include "cli/commands.h"

#include "book/document.h"
#include "classroom/class_draw.h"
#include "cli/options.h"
#include "model/variants.h"
#include "util/datadir.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>



static const char usage[] =
    "usage: gradbook stress --assignment NAME --count N [--params FILE] [--set NAME=VALUE]...\n"
    "                       [--template FILE] [--json]\n";

#define HIST_BINS 10
#define KEY_SIZE 24             /* a key "1".."N" with its NUL */

/* ---- the draws: keys "1".."N" drawn as a class (duplicates are redrawn, as in a roster) ---- */

typedef struct drawn_ctx {
    const gb_question_spec *qs;
    size_t nq;
    double *ans;                      /* n x nq: the answers, variant by variant */
    size_t draws, max_attempts;
} drawn_ctx;

static int on_drawn(size_t i, gb_variant *v, void *ctx, gb_err *e)
{
    drawn_ctx *d = ctx;
    d->draws += v->attempts;
    if (v->attempts > d->max_attempts) d->max_attempts = v->attempts;
    return gb_variant_model_answers(v->model, d->qs, d->nq, d->ans + i * d->nq, e);
}

/* ---- the spread of one question's answers ---- */

typedef struct spread {
    double min, max, mean, q[5];      /* quantiles 5, 25, 50, 75, 95 % */
    double negative, near_zero;       /* fractions: < 0; |v| < 0.1 */
    double one_digit;                 /* fraction printed with one significant digit; -1: n/a */
    size_t hist[HIST_BINS];           /* equal-width bins over [min, max] */
} spread;

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The unit of the last printed digit for a fixed format (".4f": 1e-4, ".1%": 1e-3, "d": 1), or
 * 0 for formats that keep significant digits ("e", "g"). */
static double last_unit(const char *fmt)
{
    if (!*fmt) return 1e-4;
    if (!strcmp(fmt, "d")) return 1;
    int prec = atoi(fmt + 1);
    char conv = fmt[strlen(fmt) - 1];
    if (conv == 'f') return pow(10, -prec);
    if (conv == '%') return pow(10, -prec) / 100;
    return 0;
}

/* Linear interpolation between order statistics (type 7 of Hyndman and Fan). */
static double quantile(const double *sorted, size_t n, double p)
{
    double h = (double)(n - 1) * p;
    size_t lo = (size_t)floor(h);
    size_t hi = lo + 1 < n ? lo + 1 : lo;
    return sorted[lo] + (h - (double)lo) * (sorted[hi] - sorted[lo]);
}

static void compute_spread(const double *v, size_t n, const char *fmt, double *work, spread *s)
{
    memset(s, 0, sizeof *s);
    memcpy(work, v, n * sizeof *v);
    qsort(work, n, sizeof *work, cmp_double);
    s->min = work[0];
    s->max = work[n - 1];
    static const double ps[5] = {0.05, 0.25, 0.5, 0.75, 0.95};
    for (int k = 0; k < 5; k++) s->q[k] = quantile(work, n, ps[k]);
    double unit = last_unit(fmt), sum = 0;
    size_t neg = 0, near = 0, one = 0;
    for (size_t i = 0; i < n; i++) {
        sum += v[i];
        neg += v[i] < 0;
        near += fabs(v[i]) < 0.1;
        one += fabs(v[i]) < 10 * unit;
        size_t b = s->max > s->min
                       ? (size_t)((v[i] - s->min) / (s->max - s->min) * HIST_BINS) : 0;
        s->hist[b < HIST_BINS ? b : HIST_BINS - 1]++;
    }
    s->mean = sum / (double)n;
    s->negative = (double)neg / (double)n;
    s->near_zero = (double)near / (double)n;
    s->one_digit = unit > 0 ? (double)one / (double)n : -1;
}

/* A histogram as ten characters of rising ink. */
static void hist_text(const size_t *h, char *out)
{
    static const char ink[] = " .:-=+*#%@";
    size_t top = 0;
    for (int b = 0; b < HIST_BINS; b++) if (h[b] > top) top = h[b];
    for (int b = 0; b < HIST_BINS; b++)
        out[b] = ink[top && h[b] ? 1 + (h[b] * 8 + top - 1) / top : 0];
    out[HIST_BINS] = '\0';
}

static double nz(double v) { return v == 0 ? 0.0 : v; }

/* ---- output ---- */

typedef struct run {
    const char *assignment, *template_path;
    size_t count, nq, draws, max_attempts;
    const gb_question_spec *qs;
    const spread *sp;
    const gb_variant_stats *st;
} run;

static void print_text(const run *r)
{
    printf("gradbook stress: assignment '%s', %zu variants, %zu questions (%s)\n\n",
           r->assignment, r->count, r->nq, r->template_path);
    printf("draws: %zu in all, %.2f per accepted variant (at most %zu for one variant)\n",
           r->draws, (double)r->draws / (double)r->count, r->max_attempts);
    printf("rejected draws by rule (in the order the rules apply):\n");
    for (int k = 0; k < GB_REJECT_COUNT; k++)
        printf("  %-12s %8zu  %5.1f %% of draws\n", gb_reject_name((gb_reject_reason)k),
               r->st->rejected[k], 100.0 * (double)r->st->rejected[k] / (double)r->draws);
    if (!r->nq) return;
    printf("\nanswers of the accepted variants (quantiles 5/50/95 %%; neg: fraction < 0; "
           "|v|<0.1;\n1dig: fraction printed with one significant digit; histogram of "
           "min..max)\n");
    printf("  %-20s %-5s %10s %10s %10s %10s %10s %10s %5s %5s %5s  %s\n", "question", "fmt",
           "min", "p5", "median", "p95", "max", "mean", "neg", "<0.1", "1dig", "histogram");
    for (size_t i = 0; i < r->nq; i++) {
        const spread *s = &r->sp[i];
        char h[HIST_BINS + 1], one[16];
        hist_text(s->hist, h);
        if (s->one_digit < 0) snprintf(one, sizeof one, "-");
        else snprintf(one, sizeof one, "%.2f", s->one_digit);
        printf("  %-20s %-5s %10.4g %10.4g %10.4g %10.4g %10.4g %10.4g %5.2f %5.2f %5s  |%s|\n",
               r->qs[i].name, *r->qs[i].fmt ? r->qs[i].fmt : ".4f", nz(s->min), nz(s->q[0]),
               nz(s->q[2]), nz(s->q[4]), nz(s->max), nz(s->mean), s->negative, s->near_zero, one,
               h);
    }
}

static int print_json(const run *r)
{
    json_t *o = json_object();
    if (!o) return -1;
    json_object_set_new(o, "assignment", json_string(r->assignment));
    json_object_set_new(o, "template", json_string(r->template_path));
    json_object_set_new(o, "variants", json_integer((json_int_t)r->count));
    json_object_set_new(o, "draws", json_integer((json_int_t)r->draws));
    json_object_set_new(o, "draws_per_variant", json_real((double)r->draws / (double)r->count));
    json_object_set_new(o, "max_draws_for_one_variant", json_integer((json_int_t)r->max_attempts));
    json_t *rej = json_object();
    for (int k = 0; k < GB_REJECT_COUNT; k++)
        json_object_set_new(rej, gb_reject_name((gb_reject_reason)k),
                            json_integer((json_int_t)r->st->rejected[k]));
    json_object_set_new(o, "rejected", rej);
    json_t *qa = json_array();
    for (size_t i = 0; i < r->nq; i++) {
        const spread *s = &r->sp[i];
        json_t *q = json_object();
        json_object_set_new(q, "name", json_string(r->qs[i].name));
        json_object_set_new(q, "format", json_string(r->qs[i].fmt));
        json_object_set_new(q, "min", json_real(nz(s->min)));
        json_object_set_new(q, "max", json_real(nz(s->max)));
        json_object_set_new(q, "mean", json_real(nz(s->mean)));
        json_t *qu = json_object();
        static const char *const names[5] = {"p5", "p25", "p50", "p75", "p95"};
        for (int k = 0; k < 5; k++) json_object_set_new(qu, names[k], json_real(nz(s->q[k])));
        json_object_set_new(q, "quantiles", qu);
        json_object_set_new(q, "negative_fraction", json_real(s->negative));
        json_object_set_new(q, "near_zero_fraction", json_real(s->near_zero));
        json_object_set_new(q, "one_digit_fraction",
                            s->one_digit < 0 ? json_null() : json_real(s->one_digit));
        json_t *h = json_array();
        for (int b = 0; b < HIST_BINS; b++) json_array_append_new(h, json_integer((json_int_t)s->hist[b]));
        json_object_set_new(q, "histogram", h);
        json_array_append_new(qa, q);
    }
    json_object_set_new(o, "questions", qa);
    int rc = json_dumpf(o, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
    putchar('\n');
    json_decref(o);
    return rc;
}

/* ---- the command ---- */

int gb_cmd_stress(int argc, char **argv)
{
    gb_err e = {0};
    gb_cli o;
    int rc = gb_cli_parse("stress", argc, argv, 2,
                          GB_OPT_ASSIGNMENT | GB_OPT_COUNT | GB_OPT_PARAMS | GB_OPT_SET |
                              GB_OPT_TEMPLATE | GB_OPT_JSON,
                          &o, &e);
    if (!rc && !o.assignment)
        rc = gb_err_set(&e, GB_EINPUT, NULL, 0, 0, "stress: --assignment NAME is required");
    if (!rc && !o.count)
        rc = gb_err_set(&e, GB_EINPUT, NULL, 0, 0, "stress: --count N is required");
    if (rc) { gb_err_print(&e); fputs(usage, stderr); return rc; }

    gb_params *p = NULL;
    gb_question_spec *qs = NULL;
    size_t nq = 0, n = (size_t)o.count;
    char tpl[4096];
    const char *template_path = o.template_path;
    double *ans = NULL, *work = NULL;
    spread *sp = NULL;
    char *keys = NULL;
    const char **ids = NULL;
    gb_variant_stats st = {0};
    drawn_ctx d = {0};

    rc = gb_cli_load_params(&o, &p, NULL, &e);
    if (!rc && !template_path) {
        if (gb_data_path("templates/worksheet.ini", tpl, sizeof tpl) != 0)
            rc = gb_err_set(&e, GB_EINTERNAL, NULL, 0, 0, "data path too long");
        template_path = tpl;
    }
    if (!rc) rc = gb_doc_questions(template_path, p, &qs, &nq, &e);
    if (!rc) {
        keys = malloc(n * KEY_SIZE);
        ids = malloc(n * sizeof *ids);
        ans = malloc((nq ? nq : 1) * n * sizeof *ans);
        work = malloc(n * sizeof *work);
        sp = calloc(nq ? nq : 1, sizeof *sp);
        if (!keys || !ids || !ans || !work || !sp)
            rc = gb_err_set(&e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
    }
    if (!rc && !nq)
        gb_warn("stress: %s asks no questions; only the rules on forward values apply",
                template_path);
    if (!rc) {
        for (size_t i = 0; i < n; i++) {
            snprintf(keys + i * KEY_SIZE, KEY_SIZE, "%zu", i + 1);
            ids[i] = keys + i * KEY_SIZE;
        }
        d = (drawn_ctx){qs, nq, ans, 0, 0};
        rc = gb_class_draw(p, o.assignment, ids, n, qs, nq, &st, on_drawn, &d, NULL, &e);
    }
    if (!rc) {
        /* Answers are stored variant by variant; gather each question's column. */
        double *col = malloc(n * sizeof *col);
        if (!col) rc = gb_err_set(&e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
        for (size_t q = 0; !rc && q < nq; q++) {
            for (size_t i = 0; i < n; i++) col[i] = ans[i * nq + q];
            compute_spread(col, n, qs[q].fmt, work, &sp[q]);
        }
        free(col);
    }
    if (!rc) {
        run r = {o.assignment, template_path, n, nq, d.draws, d.max_attempts, qs, sp, &st};
        if (o.json) {
            if (print_json(&r) != 0) rc = gb_err_set(&e, GB_EINTERNAL, NULL, 0, 0, "cannot write JSON");
        } else {
            print_text(&r);
        }
    }
    if (rc) gb_err_print(&e);
    free(keys);
    free(ids);
    free(ans);
    free(work);
    free(sp);
    free(qs);
    gb_params_free(p);
    return rc;
}
