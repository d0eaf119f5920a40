/* runs.c — gradient verification, the step-size sweep and the training run, as measured
 * quantities of the model. */
#include "model/runs.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SWEEP_MAX 200

static int measured(gb_model *m, const char *name, const char *sym, const char *desc, double v,
                    gb_err *e)
{
    if (gb_model_add_measured(m, name, sym, desc, v) < 0)
        return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "cannot add quantity %s", name);
    return 0;
}

static int bad(const gb_params *p, const char *section, const char *key, gb_err *e,
               const char *why)
{
    const char *file;
    unsigned line, col;
    gb_params_where(p, section, key, &file, &line, &col);
    return gb_err_set(e, GB_EINPUT, file, line, col, "%s.%s: %s", section, key, why);
}

/* Reads an optional number; rc > 1 is an error. */
static int opt_double(const gb_params *p, const char *s, const char *k, double *v, gb_err *e)
{
    int rc = gb_params_double(p, s, k, v, e);
    return rc == 1 ? 0 : rc;
}

static int opt_ulong(const gb_params *p, const char *s, const char *k, unsigned long *v, gb_err *e)
{
    int rc = gb_params_ulong(p, s, k, v, e);
    return rc == 1 ? 0 : rc;
}

static int load_training(const gb_params *p, long seed_override, gb_training_config *c, gb_err *e)
{
    gb_training_defaults(c);
    int rc = 0;
    double sizes[GB_NET_MAX_LAYERS + 1];
    size_t ns = 0;
    rc = gb_params_vector(p, "training", "sizes", sizes, 0, GB_NET_MAX_LAYERS + 1, &ns, e);
    if (rc > 1) return rc;
    if (rc == 0) {
        if (ns < 2 || sizes[0] != 2 || sizes[ns - 1] != 1)
            return bad(p, "training", "sizes", e,
                       "expected sizes from 2 inputs (the two features) to 1 output, "
                       "e.g. [2, 2, 1]");
        for (size_t l = 0; l < ns; l++) {
            if (sizes[l] < 1 || sizes[l] > 1024 || sizes[l] != floor(sizes[l]))
                return bad(p, "training", "sizes", e, "expected whole numbers from 1 to 1024");
            c->sizes[l] = (size_t)sizes[l];
        }
        c->L = ns - 1;
    }
    const char *names[GB_NET_MAX_LAYERS];
    size_t na = 0;
    rc = gb_params_names(p, "training", "activation", names, GB_NET_MAX_LAYERS, &na, e);
    if (rc > 1) return rc;
    if (rc == 0) {
        if (na != 1 && na != c->L)
            return bad(p, "training", "activation", e, "expected one name, or one per layer");
        for (size_t l = 0; l < c->L; l++)
            if (gb_act_lookup(names[na == 1 ? 0 : l], &c->acts[l]) != 0)
                return bad(p, "training", "activation", e,
                           "unknown activation (expected sigmoid, tanh, leaky_relu or identity)");
    }
    unsigned long epochs = c->epochs, per_class = c->data.per_class;
    if ((rc = opt_double(p, "training", "eta", &c->eta, e)) ||
        (rc = opt_ulong(p, "training", "epochs", &epochs, e)) ||
        (rc = opt_ulong(p, "training", "init_seed", &c->init_seed, e)) ||
        (rc = opt_ulong(p, "training", "shuffle_seed", &c->shuffle_seed, e)) ||
        (rc = opt_ulong(p, "data", "per_class", &per_class, e)) ||
        (rc = opt_double(p, "data", "spread", &c->data.spread, e)) ||
        (rc = opt_ulong(p, "data", "seed", &c->data.seed, e)) ||
        (rc = opt_double(p, "data", "test_fraction", &c->data.test_fraction, e)) ||
        (rc = opt_ulong(p, "data", "split_seed", &c->data.split_seed, e)))
        return rc;
    c->epochs = epochs;
    c->data.per_class = per_class;
    const char *centre_key[2] = {"chickens", "eagles"};
    for (int k = 0; k < 2; k++) {
        rc = gb_params_vector(p, "data", centre_key[k], c->data.centre[k], 2, 0, NULL, e);
        if (rc > 1) return rc;
    }
    if (seed_override >= 0) {
        c->init_seed = c->shuffle_seed = (unsigned long)seed_override;
        c->data.seed = c->data.split_seed = (unsigned long)seed_override;
    }
    const char *why = gb_training_check(c);
    if (why) return gb_err_set(e, GB_EINPUT, NULL, 0, 0, "parameters [training]/[data]: %s", why);
    return 0;
}

static int add_check_quantities(gb_runs *r, const gb_exercise *ex, gb_model *m, gb_err *e)
{
    char pname[48], name[96], desc[160];
    size_t tally[5] = {0};
    int rc = 0;
    for (size_t i = 0; !rc && i < r->nchecks; i++) {
        const gb_check *c = &r->checks[i];
        gb_net_param_name(ex->net, i, pname, sizeof pname);
        long qi = gb_model_find(m, pname);
        char psym[128];   /* a copy: adding quantities may move the model's storage */
        snprintf(psym, sizeof psym, "%s", qi >= 0 ? gb_model_at(m, qi)->symbol : pname);
        struct { const char *suffix, *what; double v; } f[] = {
            {"numerical", "GSL numerical derivative of C", c->numeric},
            {"error_estimate", "GSL error estimate of the numerical derivative", c->abserr},
            {"relative_error", "relative difference of analytic and numerical", c->rel_err},
            {"step", "step h of the numerical derivative", c->h},
        };
        for (size_t k = 0; !rc && k < sizeof f / sizeof f[0]; k++) {
            snprintf(name, sizeof name, "check.%s.%s", pname, f[k].suffix);
            snprintf(desc, sizeof desc, "%s for %s", f[k].what, pname);
            rc = measured(m, name, psym, desc, f[k].v, e);
        }
    }
    gb_gradcheck_tally(r->checks, r->nchecks, tally);
    if (!rc) rc = measured(m, "check.count", "n", "parameters checked", (double)r->nchecks, e);
    if (!rc) rc = measured(m, "check.passed", "n", "checks passed", (double)tally[GB_CHECK_PASS], e);
    if (!rc) rc = measured(m, "check.failed", "n", "checks failed", (double)tally[GB_CHECK_FAIL], e);
    if (!rc)
        rc = measured(m, "check.inconclusive", "n", "checks inconclusive",
                      (double)(r->nchecks - tally[GB_CHECK_PASS] - tally[GB_CHECK_FAIL]), e);
    return rc;
}

static int add_structure_quantities(const gb_exercise *ex, gb_model *m, gb_err *e)
{
    const gb_net *net = ex->net;
    char name[48], desc[96];
    int rc = measured(m, "net.params", "P", "trainable parameters of the network",
                      (double)gb_net_param_count(net), e);
    for (size_t l = 1; !rc && l <= net->L; l++) {
        size_t sz[2] = {net->n[l - 1], net->n[l]};
        gb_net *one = gb_net_new(1, sz, &net->act[l]);
        if (!one) return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
        snprintf(name, sizeof name, "net.params[%zu]", l);
        snprintf(desc, sizeof desc, "trainable parameters of layer %zu", l);
        rc = measured(m, name, "P", desc, (double)gb_net_param_count(one), e);
        gb_net_free(one);
        snprintf(name, sizeof name, "glorot.limit[%zu]", l);
        snprintf(desc, sizeof desc, "Glorot-uniform limit of layer %zu", l);
        if (!rc) rc = measured(m, name, "\\ell", desc, gb_glorot_limit(sz[0], sz[1]), e);
    }
    if (!rc) {
        size_t sz[2] = {ex->p_n, 1};
        gb_net *pn = gb_net_new(1, sz, &ex->p_act);
        if (!pn) return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
        rc = measured(m, "perceptron.params", "P", "trainable parameters of the perceptron",
                      (double)gb_net_param_count(pn), e);
        gb_net_free(pn);
    }
    return rc;
}

static int run_sweep(gb_runs *r, const gb_params *p, const gb_exercise *ex, gb_model *m,
                     gb_err *e)
{
    const char *which = "W[1][0][0]";
    int rc = gb_params_string(p, "check", "sweep", &which, e);
    if (rc > 1) return rc;
    unsigned long npts = 25;
    if ((rc = opt_ulong(p, "check", "sweep_points", &npts, e))) return rc;
    if (npts < 2 || npts > SWEEP_MAX)
        return bad(p, "check", "sweep_points", e, "expected a whole number from 2 to 200");
    size_t idx = (size_t)-1;
    char pname[48];
    for (size_t i = 0; i < gb_net_param_count(ex->net); i++) {
        gb_net_param_name(ex->net, i, pname, sizeof pname);
        if (!strcmp(pname, which)) idx = i;
    }
    if (idx == (size_t)-1)
        return bad(p, "check", "sweep", e, "expected a parameter of the network such as W[1][0][0]");
    snprintf(r->sweep_param, sizeof r->sweep_param, "%s", which);
    r->sweep_n = npts;
    r->sweep_h = calloc(npts, sizeof(double));
    r->sweep_err = calloc(npts, sizeof(double));
    if (!r->sweep_h || !r->sweep_err) return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
    gb_net *net = gb_net_clone(ex->net);
    if (!net) return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
    int g = gb_gradcheck_log_steps(1e-1, 1e-13, npts, r->sweep_h);
    if (g == GB_GRADCHECK_OK)
        g = gb_gradcheck_net_sweep(net, ex->x, ex->y, idx, r->sweep_h, npts, r->sweep_err,
                                   &r->sweep_h_auto);
    gb_net_free(net);
    if (g != GB_GRADCHECK_OK)
        return gb_err_set(e, GB_EINPUT, NULL, 0, 0,
                          "the step-size sweep of %s cannot run on these values (code %d)", which, g);
    return measured(m, "sweep.step_auto", "h", "automatic step of the swept parameter",
                    r->sweep_h_auto, e);
}

static int run_training(gb_runs *r, const gb_params *p, long seed_override, gb_model *m,
                        gb_err *e)
{
    gb_training_config c;
    int rc = load_training(p, seed_override, &c, e);
    if (rc) return rc;
    int t = gb_training_run(&c, &r->training);
    if (t == GB_NUM_ENOMEM) return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
    if (t != GB_NUM_OK)
        return gb_err_set(e, GB_EINPUT, NULL, 0, 0,
                          "the training run failed (its loss stopped being finite: lower "
                          "training.eta)");
    const gb_training_result *tr = &r->training;
    struct { const char *name, *sym, *desc; double v; } q[] = {
        {"training.eta", "\\eta", "learning rate of the training run", c.eta},
        {"training.epochs", "E", "epochs of the training run", (double)tr->epochs},
        {"training.initial_loss", "C", "mean training loss after the first epoch", tr->loss[0]},
        {"training.final_loss", "C", "mean training loss after the last epoch",
         tr->loss[tr->epochs - 1]},
        {"training.train_accuracy", "", "training accuracy at the end", tr->train_accuracy},
        {"training.test_accuracy", "", "test accuracy at the end", tr->test_accuracy},
        {"data.per_class", "n", "samples per class", (double)c.data.per_class},
        {"data.train_size", "n", "training samples", (double)tr->data.train.n},
        {"data.test_size", "n", "test samples", (double)tr->data.test.n},
        {"data.spread", "s", "standard deviation of each blob", c.data.spread},
    };
    for (size_t i = 0; !rc && i < sizeof q / sizeof q[0]; i++)
        rc = measured(m, q[i].name, q[i].sym, q[i].desc, q[i].v, e);
    return rc;
}

int gb_runs_check_step(const gb_params *p, double *step, gb_err *e)
{
    *step = 0;
    int rc = opt_double(p, "check", "step", step, e);
    if (!rc && *step < 0) rc = bad(p, "check", "step", e, "expected 0 (automatic) or a step > 0");
    return rc;
}

static int execute(gb_runs *r, const gb_params *p, const gb_exercise *ex, long seed_override,
                   gb_model *m, int training, gb_err *e)
{
    memset(r, 0, sizeof *r);
    double step = 0;
    int rc = gb_runs_check_step(p, &step, e);
    if (!rc) {
        r->nchecks = gb_net_param_count(ex->net);
        r->checks = calloc(r->nchecks, sizeof *r->checks);
        gb_net *net = gb_net_clone(ex->net);
        if (!r->checks || !net) rc = gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
        else {
            int g = gb_gradcheck_net(net, ex->x, ex->y, r->checks, step);
            if (g != GB_GRADCHECK_OK)
                rc = gb_err_set(e, g == GB_GRADCHECK_ENOMEM ? GB_EINTERNAL : GB_EINPUT, NULL, 0, 0,
                                "the gradient check cannot run on these sample values: %s", gb_gradcheck_error_text(g));
        }
        gb_net_free(net);
    }
    if (!rc) rc = add_check_quantities(r, ex, m, e);
    if (!rc) rc = add_structure_quantities(ex, m, e);
    if (!rc) rc = run_sweep(r, p, ex, m, e);
    if (!rc && training) rc = run_training(r, p, seed_override, m, e);
    if (rc) gb_runs_free(r);
    return rc;
}

int gb_runs_execute(gb_runs *r, const gb_params *p, const gb_exercise *ex, long seed_override,
                    gb_model *m, gb_err *e)
{
    return execute(r, p, ex, seed_override, m, 1, e);
}

int gb_runs_execute_no_training(gb_runs *r, const gb_params *p, const gb_exercise *ex,
                                gb_model *m, gb_err *e)
{
    return execute(r, p, ex, -1, m, 0, e);
}

void gb_runs_free(gb_runs *r)
{
    free(r->checks);
    free(r->sweep_h);
    free(r->sweep_err);
    gb_training_result_free(&r->training);
    memset(r, 0, sizeof *r);
}
