/* cmd_check.c — `gradbook check`: the worked example's forward values, deltas and gradients,
 * each gradient verified against GSL numerical differentiation, as a terminal table or JSON. */
#include "cli/commands.h"

#include "cli/options.h"
#include "model/exercise.h"
#include "model/runs.h"
#include "numerics/gradcheck.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: gradbook check [--params FILE] [--set NAME=VALUE]... [--seed N] [--step H] [--json]\n";

/* -0 prints as 0. */
static double nz(double v) { return v == 0 ? 0.0 : v; }

/* The check of quantity q, or NULL: grad.W / grad.b map to their parameter; delta[l][j] maps to
 * b[l][j], since z[l][j] = ... + b[l][j] makes dC/dz[l][j] = dC/db[l][j] exactly. */
static const gb_check *check_for(const gb_quantity *q, const gb_net *net, const gb_check *checks)
{
    char want[48];
    unsigned l, j, k;
    if (sscanf(q->name, "grad.W[%u][%u][%u]", &l, &j, &k) == 3)
        snprintf(want, sizeof want, "W[%u][%u][%u]", l, j, k);
    else if (sscanf(q->name, "grad.b[%u][%u]", &l, &j) == 2 ||
             sscanf(q->name, "delta[%u][%u]", &l, &j) == 2)
        snprintf(want, sizeof want, "b[%u][%u]", l, j);
    else
        return NULL;
    char name[48];
    for (size_t i = 0; i < gb_net_param_count(net); i++) {
        gb_net_param_name(net, i, name, sizeof name);
        if (!strcmp(name, want)) return &checks[i];
    }
    return NULL;
}

static int is_forward(const gb_quantity *q)
{
    return !strncmp(q->name, "z[", 2) || !strncmp(q->name, "a[", 2) ||
           !strncmp(q->name, "yhat", 4) || !strcmp(q->name, "C");
}

static int is_backward(const gb_quantity *q)
{
    return !strncmp(q->name, "delta[", 6) || !strncmp(q->name, "grad.", 5);
}

static void describe_net(const gb_net *net, char *buf, size_t cap)
{
    size_t o = 0;
    for (size_t l = 0; l <= net->L && o < cap; l++)
        o += (size_t)snprintf(buf + o, cap - o, "%s%zu", l ? "-" : "", net->n[l]);
    for (size_t l = 1; l <= net->L && o < cap; l++)
        o += (size_t)snprintf(buf + o, cap - o, "%s%s", l == 1 ? " (" : ", ",
                              gb_act_name(net->act[l].kind));
    if (o < cap) snprintf(buf + o, cap - o, ")");
}

static void print_table(const gb_model *m, const gb_net *net, const gb_check *checks,
                        const size_t *tally)
{
    char desc[256];
    describe_net(net, desc, sizeof desc);
    printf("gradbook check: %s network, loss C = 1/2 (yhat - y)^2\n\n", desc);
    printf("Forward pass\n");
    printf("  %-16s %22s\n", "quantity", "value");
    for (size_t i = 0; i < gb_model_count(m); i++) {
        const gb_quantity *q = gb_model_at(m, i);
        if (is_forward(q)) printf("  %-16s %22.15g\n", q->name, nz(q->value));
    }
    printf("\nBackward pass: backpropagation (analytic) against gsl_deriv_central (numerical)\n");
    printf("  %-16s %22s %22s %10s %10s %8s  %s\n", "quantity", "analytic", "GSL numerical",
           "GSL error", "rel. error", "step h", "verdict");
    for (size_t i = 0; i < gb_model_count(m); i++) {
        const gb_quantity *q = gb_model_at(m, i);
        if (!is_backward(q)) continue;
        const gb_check *c = check_for(q, net, checks);
        if (!c) continue;
        printf("  %-16s %22.15g %22.15g %10.2e %10.2e %8.1e  %s\n", q->name, nz(q->value),
               nz(c->numeric), c->abserr, c->rel_err, c->h, gb_check_verdict_name(c->verdict));
    }
    size_t n = gb_net_param_count(net);
    printf("\n%zu parameters checked: %zu pass, %zu fail, %zu inconclusive\n", n,
           tally[GB_CHECK_PASS], tally[GB_CHECK_FAIL],
           tally[GB_CHECK_ROUNDOFF] + tally[GB_CHECK_KINK] + tally[GB_CHECK_UNRELIABLE_STEP]);
    for (size_t v = 0; v < 5; v++)
        if (v != GB_CHECK_PASS && tally[v])
            printf("  %s: %s\n", gb_check_verdict_name((gb_check_verdict)v),
                   gb_check_verdict_explain((gb_check_verdict)v));
}

static const char *kind_name(gb_op op)
{
    return op == GB_OP_GIVEN ? "given" : op == GB_OP_MEASURED ? "measured" : "computed";
}

static int print_json(const gb_model *m, const gb_net *net, const gb_check *checks)
{
    json_t *arr = json_array();
    if (!arr) return -1;
    for (size_t i = 0; i < gb_model_count(m); i++) {
        const gb_quantity *q = gb_model_at(m, i);
        json_t *o = json_object();
        json_object_set_new(o, "name", json_string(q->name));
        json_object_set_new(o, "symbol", json_string(q->symbol));
        json_object_set_new(o, "description", json_string(q->desc));
        json_object_set_new(o, "kind", json_string(kind_name(q->op)));
        json_object_set_new(o, "value", json_real(nz(q->value)));
        if (q->ninputs) {
            json_t *in = json_array();
            for (size_t k = 0; k < q->ninputs; k++)
                json_array_append_new(in, json_string(gb_model_at(m, q->inputs[k])->name));
            json_object_set_new(o, "inputs", in);
        }
        const gb_check *c = is_backward(q) ? check_for(q, net, checks) : NULL;
        if (c) {
            json_t *ck = json_object();
            json_object_set_new(ck, "analytic", json_real(nz(c->analytic)));
            json_object_set_new(ck, "numerical", json_real(nz(c->numeric)));
            json_object_set_new(ck, "gsl_error_estimate", json_real(c->abserr));
            json_object_set_new(ck, "absolute_error", json_real(c->abs_err));
            json_object_set_new(ck, "relative_error", json_real(c->rel_err));
            json_object_set_new(ck, "step", json_real(c->h));
            json_object_set_new(ck, "verdict", json_string(gb_check_verdict_name(c->verdict)));
            json_object_set_new(ck, "pass", json_boolean(c->verdict != GB_CHECK_FAIL));
            json_object_set_new(o, "check", ck);
        }
        json_array_append_new(arr, o);
    }
    int rc = json_dumpf(arr, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(17));
    putchar('\n');
    json_decref(arr);
    return rc;
}

int gb_cmd_check(int argc, char **argv)
{
    gb_err e = {0};
    gb_cli o;
    gb_params *p = NULL;
    gb_exercise ex = {0};
    gb_model *m = NULL;
    gb_check *checks = NULL;
    int rc = gb_cli_parse("check", argc, argv, 2,
                          GB_OPT_PARAMS | GB_OPT_SET | GB_OPT_SEED | GB_OPT_JSON | GB_OPT_STEP,
                          &o, &e);
    if (rc) { gb_err_print(&e); fputs(usage, stderr); return rc; }
    if ((rc = gb_cli_load_params(&o, &p, NULL, &e))) goto out;
    if ((rc = gb_exercise_load(&ex, p, o.seed, &e))) goto out;
    m = gb_exercise_model(&ex);
    size_t n = gb_net_param_count(ex.net);
    checks = calloc(n, sizeof *checks);
    if (!m || !checks) { rc = gb_err_set(&e, GB_EINTERNAL, NULL, 0, 0, "out of memory"); goto out; }
    for (size_t i = 0; i < gb_model_count(m); i++)
        if (!isfinite(gb_model_at(m, i)->value)) {
            rc = gb_err_set(&e, GB_EINPUT, NULL, 0, 0,
                            "%s is not finite with these sample values (overflow); use smaller "
                            "inputs or weights", gb_model_at(m, i)->name);
            goto out;
        }
    /* --step wins; else the parameters' [check] step (0 or absent: automatic), as the report */
    double step = o.step;
    if (step == 0 && (rc = gb_runs_check_step(p, &step, &e))) goto out;
    int grc = gb_gradcheck_net(ex.net, ex.x, ex.y, checks, step);
    if (grc != GB_GRADCHECK_OK) {
        rc = gb_err_set(&e, grc == GB_GRADCHECK_ENOMEM ? GB_EINTERNAL : GB_EINPUT, NULL, 0, 0,
                        "the gradient check cannot run on these sample values: %s", gb_gradcheck_error_text(grc));
        goto out;
    }
    size_t tally[5] = {0};
    gb_gradcheck_tally(checks, n, tally);
    if (o.json) {
        if (print_json(m, ex.net, checks) != 0)
            rc = gb_err_set(&e, GB_EINTERNAL, NULL, 0, 0, "cannot write JSON");
    } else {
        print_table(m, ex.net, checks, tally);
    }
    if (!rc && tally[GB_CHECK_FAIL]) rc = GB_EINTERNAL;   /* exit 1: a gradient check failed */
    if (fflush(stdout) != 0) rc = gb_err_set(&e, GB_EINTERNAL, NULL, 0, 0, "cannot write output");
out:
    gb_err_print(&e);
    free(checks);
    gb_model_free(m);
    gb_exercise_free(&ex);
    gb_params_free(p);
    return rc;
}
