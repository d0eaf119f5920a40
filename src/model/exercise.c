/* exercise.c — the exercise's sample problem from the parameters file, and its named quantities. */
#include "model/exercise.h"

#include "numerics/perceptron.h"

#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- loading ---- */

static int missing(const char *section, const char *key, gb_err *e, const char *what)
{
    return gb_err_set(e, GB_EINPUT, NULL, 0, 0, "parameters: [%s] %s is missing (%s)", section,
                      key, what);
}

static int load_acts(const gb_params *p, const char *section, size_t L, gb_act *act,
                     double alpha, gb_err *e)
{
    const char *names[GB_NET_MAX_LAYERS];
    size_t count = 0;
    int rc = gb_params_names(p, section, "activation", names, GB_NET_MAX_LAYERS, &count, e);
    if (rc == 1) return missing(section, "activation", e, "e.g. activation = sigmoid");
    if (rc) return rc;
    const char *file;
    unsigned line, col;
    gb_params_where(p, section, "activation", &file, &line, &col);
    if (count != 1 && count != L)
        return gb_err_set(e, GB_EINPUT, file, line, col,
                          "%s.activation: expected 1 name or %zu (one per layer), got %zu",
                          section, L, count);
    for (size_t l = 0; l < L; l++) {
        const char *nm = names[count == 1 ? 0 : l];
        if (gb_act_lookup(nm, &act[l]) != 0)
            return gb_err_set(e, GB_EINPUT, file, line, col,
                              "%s.activation: unknown activation '%s' (expected sigmoid, tanh, "
                              "leaky_relu or identity)", section, nm);
        act[l].alpha = alpha;
    }
    return 0;
}

int gb_exercise_load(gb_exercise *ex, const gb_params *p, long seed_override, gb_err *e)
{
    memset(ex, 0, sizeof *ex);
    int rc;
    /* [network] */
    double sizes_d[GB_NET_MAX_LAYERS + 1];
    size_t nsizes = 0;
    rc = gb_params_vector(p, "network", "sizes", sizes_d, 0, GB_NET_MAX_LAYERS + 1, &nsizes, e);
    if (rc == 1) return missing("network", "sizes", e, "e.g. sizes = [2, 2, 1]");
    if (rc) return rc;
    const char *file;
    unsigned line, col;
    gb_params_where(p, "network", "sizes", &file, &line, &col);
    size_t sizes[GB_NET_MAX_LAYERS + 1];
    if (nsizes < 2)
        return gb_err_set(e, GB_EINPUT, file, line, col,
                          "network.sizes: expected at least 2 sizes (inputs, ..., outputs)");
    for (size_t l = 0; l < nsizes; l++) {
        double v = sizes_d[l];
        if (v < 1 || v > GB_NET_MAX_WIDTH || v != (double)(size_t)v)
            return gb_err_set(e, GB_EINPUT, file, line, col,
                              "network.sizes: expected whole numbers from 1 to %d, got %g",
                              GB_NET_MAX_WIDTH, v);
        sizes[l] = (size_t)v;
    }
    size_t L = nsizes - 1;
    double alpha = GB_LEAKY_RELU_ALPHA_DEFAULT;
    rc = gb_params_double(p, "network", "leaky_relu_alpha", &alpha, e);
    if (rc > 1) return rc;
    if (!(alpha > 0 && alpha < 1)) {
        gb_params_where(p, "network", "leaky_relu_alpha", &file, &line, &col);
        return gb_err_set(e, GB_EINPUT, file, line, col,
                          "network.leaky_relu_alpha: expected a slope between 0 and 1, got %g",
                          alpha);
    }
    gb_act acts[GB_NET_MAX_LAYERS];
    if ((rc = load_acts(p, "network", L, acts, alpha, e))) return rc;
    unsigned long seed = 1;
    if ((rc = gb_params_ulong(p, "network", "seed", &seed, e)) > 1) return rc;
    if (seed_override >= 0) seed = (unsigned long)seed_override;
    ex->net_seed = seed;

    ex->net = gb_net_new(L, sizes, acts);
    ex->x = calloc(sizes[0], sizeof *ex->x);
    ex->y = calloc(sizes[L], sizeof *ex->y);
    if (!ex->net || !ex->x || !ex->y) {
        gb_exercise_free(ex);
        return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
    }

    /* [sample] */
    rc = gb_params_vector(p, "sample", "x", ex->x, sizes[0], 0, NULL, e);
    if (rc == 1) rc = missing("sample", "x", e, "the network's inputs");
    if (!rc) {
        rc = gb_params_vector(p, "sample", "y", ex->y, sizes[L], 0, NULL, e);
        if (rc == 1) rc = missing("sample", "y", e, "the targets");
    }
    if (!rc) {
        ex->eta = 1.0;
        rc = gb_params_double(p, "sample", "eta", &ex->eta, e);
        if (rc == 1) rc = 0;
    }
    int given = 0, absent = 0;
    for (size_t l = 1; !rc && l <= L; l++) {
        char wk[16], bk[16];
        snprintf(wk, sizeof wk, "W%zu", l);
        snprintf(bk, sizeof bk, "b%zu", l);
        int rw = gb_params_matrix(p, "sample", wk, ex->net->W[l], sizes[l], sizes[l - 1], e);
        if (rw > 1) { rc = rw; break; }
        int rb = gb_params_vector(p, "sample", bk, ex->net->b[l], sizes[l], 0, NULL, e);
        if (rb > 1) { rc = rb; break; }
        given += (rw == 0) + (rb == 0);
        absent += (rw == 1) + (rb == 1);
    }
    if (!rc && given && absent)
        rc = gb_err_set(e, GB_EINPUT, NULL, 0, 0,
                        "parameters: [sample] gives some of W1..W%zu, b1..b%zu but not all "
                        "(give all of them, or none to draw them with Glorot uniform)", L, L);
    if (!rc && !given) {
        gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
        if (!r) rc = gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
        else {
            gsl_rng_set(r, ex->net_seed);
            gb_net_glorot_uniform(ex->net, r);
            gsl_rng_free(r);
        }
    }

    /* [perceptron] */
    if (!rc) {
        size_t pn = 0;
        rc = gb_params_vector(p, "perceptron", "inputs", ex->p_x, 0, GB_PERCEPTRON_MAX_INPUTS,
                              &pn, e);
        if (rc == 1) rc = missing("perceptron", "inputs", e, "e.g. inputs = [2, 3, 4]");
        ex->p_n = pn;
    }
    if (!rc) rc = load_acts(p, "perceptron", 1, &ex->p_act, alpha, e);
    if (!rc) {
        ex->p_seed = 42;
        rc = gb_params_ulong(p, "perceptron", "seed", &ex->p_seed, e);
        if (rc == 1) rc = 0;
        if (seed_override >= 0) ex->p_seed = (unsigned long)seed_override;
    }
    if (!rc) rc = gb_exercise_perceptron_weights(ex->p_n, &ex->p_act, ex->p_seed, ex->p_w,
                                                 &ex->p_b, e);
    if (rc) gb_exercise_free(ex);
    return rc;
}

int gb_exercise_perceptron_weights(size_t n, const gb_act *act, unsigned long seed, double *w,
                                   double *b, gb_err *e)
{
    /* The perceptron's weights as Keras' Dense(1) would draw them: Glorot uniform. */
    gb_net *pn = gb_perceptron_new_glorot(n, act, seed);
    if (!pn) return gb_err_set(e, GB_EINTERNAL, NULL, 0, 0, "out of memory");
    /* Rounded to the 4 decimals documents print, so that every answer about the perceptron
     * follows from printed digits. */
    for (size_t k = 0; k < n; k++) w[k] = round(pn->W[1][k] * 1e4) / 1e4;
    *b = pn->b[1][0];
    gb_net_free(pn);
    return 0;
}

void gb_exercise_free(gb_exercise *ex)
{
    gb_net_free(ex->net);
    free(ex->x);
    free(ex->y);
    ex->net = NULL;
    ex->x = ex->y = NULL;
}

/* ---- the model ---- */

/* Symbols follow the exercise: layer in a bracketed superscript, neuron indices as subscript. */
typedef struct builder {
    gb_model *m;
    int failed;
} builder;

static size_t given(builder *b, const char *name, const char *sym, const char *desc, double v)
{
    long i = gb_model_add_given(b->m, name, sym, desc, v);
    if (i < 0) { b->failed = 1; return 0; }
    return (size_t)i;
}

static size_t computed(builder *b, const char *name, const char *sym, const char *desc, gb_op op,
                       const gb_act *act, const size_t *in, size_t n)
{
    if (b->failed) return 0;
    long i = gb_model_add_computed(b->m, name, sym, desc, op, act, in, n);
    if (i < 0) { b->failed = 1; return 0; }
    return (size_t)i;
}

/* Index helpers: quantity indices per layer, allocated once. */
typedef struct idx {
    size_t *x, *y, eta;
    size_t *W[GB_NET_MAX_LAYERS + 1], *b[GB_NET_MAX_LAYERS + 1];
    size_t *z[GB_NET_MAX_LAYERS + 1], *a[GB_NET_MAX_LAYERS + 1];
    size_t *delta[GB_NET_MAX_LAYERS + 1];
    size_t *dact[GB_NET_MAX_LAYERS + 1];
} idx;

static void idx_free(idx *q, size_t L)
{
    free(q->x);
    free(q->y);
    for (size_t l = 0; l <= L; l++) {
        free(q->W[l]); free(q->b[l]); free(q->z[l]); free(q->a[l]); free(q->delta[l]);
        free(q->dact[l]);
    }
}

static void add_mlp(builder *bd, const gb_exercise *ex)
{
    const gb_net *net = ex->net;
    size_t L = net->L;
    const size_t *n = net->n;
    idx q = {0};
    char name[160], sym[256], desc[256];
    size_t maxw = 0;
    for (size_t l = 0; l <= L; l++) if (n[l] > maxw) maxw = n[l];
    size_t *in = malloc((4 * maxw + 4) * sizeof *in);
    q.x = calloc(n[0], sizeof(size_t));
    q.y = calloc(n[L], sizeof(size_t));
    int ok = in && q.x && q.y;
    for (size_t l = 1; ok && l <= L; l++) {
        q.W[l] = calloc(n[l] * n[l - 1], sizeof(size_t));
        q.b[l] = calloc(n[l], sizeof(size_t));
        q.z[l] = calloc(n[l], sizeof(size_t));
        q.a[l] = calloc(n[l], sizeof(size_t));
        q.delta[l] = calloc(n[l], sizeof(size_t));
        q.dact[l] = calloc(n[l], sizeof(size_t));
        ok = q.W[l] && q.b[l] && q.z[l] && q.a[l] && q.delta[l] && q.dact[l];
    }
    if (!ok) { bd->failed = 1; free(in); idx_free(&q, L); return; }
    int one_out = n[L] == 1;

    /* Givens: the sample (exercise section 6, "Network Structure and Sample Values"). */
    for (size_t k = 0; k < n[0]; k++) {
        snprintf(name, sizeof name, "x[%zu]", k);
        snprintf(sym, sizeof sym, "x_{%zu}", k);
        snprintf(desc, sizeof desc, "input %zu", k);
        q.x[k] = given(bd, name, sym, desc, ex->x[k]);
    }
    for (size_t l = 1; l <= L; l++) {
        for (size_t j = 0; j < n[l]; j++)
            for (size_t k = 0; k < n[l - 1]; k++) {
                snprintf(name, sizeof name, "W[%zu][%zu][%zu]", l, j, k);
                snprintf(sym, sizeof sym, "w_{%zu%s%zu}^{[%zu]}", j, (j > 9 || k > 9) ? "," : "",
                         k, l);
                snprintf(desc, sizeof desc, "weight from neuron %zu of layer %zu to neuron %zu "
                         "of layer %zu", k, l - 1, j, l);
                q.W[l][j * n[l - 1] + k] = given(bd, name, sym, desc, net->W[l][j * n[l - 1] + k]);
            }
        for (size_t j = 0; j < n[l]; j++) {
            snprintf(name, sizeof name, "b[%zu][%zu]", l, j);
            snprintf(sym, sizeof sym, "b_{%zu}^{[%zu]}", j, l);
            snprintf(desc, sizeof desc, "bias of neuron %zu in layer %zu", j, l);
            q.b[l][j] = given(bd, name, sym, desc, net->b[l][j]);
        }
    }
    for (size_t j = 0; j < n[L]; j++) {
        if (one_out) snprintf(name, sizeof name, "y");
        else snprintf(name, sizeof name, "y[%zu]", j);
        snprintf(sym, sizeof sym, one_out ? "y" : "y_{%zu}", j);
        q.y[j] = given(bd, name, sym, "target (label)", ex->y[j]);
    }
    q.eta = given(bd, "eta", "\\eta", "learning rate", ex->eta);

    /* Forward pass (section 5, "Forward Propagation"). */
    for (size_t l = 1; l <= L; l++) {
        const size_t *aprev = l == 1 ? q.x : q.a[l - 1];
        for (size_t j = 0; j < n[l]; j++) {
            size_t m = n[l - 1];
            for (size_t k = 0; k < m; k++) {
                in[k] = q.W[l][j * m + k];
                in[m + k] = aprev[k];
            }
            in[2 * m] = q.b[l][j];
            snprintf(name, sizeof name, "z[%zu][%zu]", l, j);
            snprintf(sym, sizeof sym, "z_{%zu}^{[%zu]}", j, l);
            snprintf(desc, sizeof desc, "pre-activation of neuron %zu in layer %zu", j, l);
            q.z[l][j] = computed(bd, name, sym, desc, GB_OP_PREACT, NULL, in, 2 * m + 1);
            snprintf(name, sizeof name, "a[%zu][%zu]", l, j);
            snprintf(sym, sizeof sym, "a_{%zu}^{[%zu]}", j, l);
            snprintf(desc, sizeof desc, "activation of neuron %zu in layer %zu", j, l);
            q.a[l][j] = computed(bd, name, sym, desc, GB_OP_ACTIVATION, &net->act[l], &q.z[l][j], 1);
            snprintf(name, sizeof name, "dact[%zu][%zu]", l, j);
            snprintf(sym, sizeof sym, "%s'(z_{%zu}^{[%zu]})", gb_act_symbol_tex(&net->act[l]), j, l);
            snprintf(desc, sizeof desc, "slope of the activation at z[%zu][%zu]", l, j);
            q.dact[l][j] = computed(bd, name, sym, desc, GB_OP_ACT_DERIV, &net->act[l], &q.z[l][j], 1);
        }
    }
    for (size_t j = 0; j < n[L]; j++) {
        if (one_out) snprintf(name, sizeof name, "yhat");
        else snprintf(name, sizeof name, "yhat[%zu]", j);
        snprintf(sym, sizeof sym, one_out ? "\\hat{y}" : "\\hat{y}_{%zu}", j);
        computed(bd, name, sym, "the network's output", GB_OP_COPY, NULL, &q.a[L][j], 1);
    }
    for (size_t j = 0; j < n[L]; j++) {
        in[j] = q.a[L][j];
        in[n[L] + j] = q.y[j];
    }
    computed(bd, "C", "C", "loss C = \xC2\xBD \xCE\xA3 (\xC5\xB7 \xE2\x88\x92 y)\xC2\xB2", GB_OP_LOSS, NULL,
             in, 2 * n[L]);

    /* Backward pass (section 5, steps 1 and 2). */
    for (size_t l = L; l >= 1; l--) {
        for (size_t j = 0; j < n[l]; j++) {
            snprintf(name, sizeof name, "delta[%zu][%zu]", l, j);
            if (n[l] == 1) snprintf(sym, sizeof sym, "\\delta^{[%zu]}", l);
            else snprintf(sym, sizeof sym, "\\delta_{%zu}^{[%zu]}", j, l);
            snprintf(desc, sizeof desc, "dC/dz of neuron %zu in layer %zu", j, l);
            if (l == L) {
                size_t v[3] = {q.a[L][j], q.y[j], q.dact[L][j]};
                q.delta[l][j] = computed(bd, name, sym, desc, GB_OP_DELTA_OUTPUT, &net->act[l], v, 3);
            } else {
                size_t m = n[l + 1];
                for (size_t i = 0; i < m; i++) {
                    in[i] = q.W[l + 1][i * n[l] + j];
                    in[m + i] = q.delta[l + 1][i];
                }
                in[2 * m] = q.dact[l][j];
                q.delta[l][j] = computed(bd, name, sym, desc, GB_OP_DELTA_HIDDEN, &net->act[l],
                                         in, 2 * m + 1);
            }
        }
    }
    for (size_t l = L; l >= 1; l--) {
        const size_t *aprev = l == 1 ? q.x : q.a[l - 1];
        for (size_t j = 0; j < n[l]; j++) {
            for (size_t k = 0; k < n[l - 1]; k++) {
                size_t v[2] = {q.delta[l][j], aprev[k]};
                snprintf(name, sizeof name, "grad.W[%zu][%zu][%zu]", l, j, k);
                snprintf(sym, sizeof sym, "\\frac{\\partial C}{\\partial w_{%zu%s%zu}^{[%zu]}}", j,
                         (j > 9 || k > 9) ? "," : "", k, l);
                snprintf(desc, sizeof desc, "gradient of C with respect to W[%zu][%zu][%zu]", l,
                         j, k);
                size_t g = computed(bd, name, sym, desc, GB_OP_GRAD_WEIGHT, NULL, v, 2);
                size_t s[3] = {q.W[l][j * n[l - 1] + k], q.eta, g};
                snprintf(name, sizeof name, "new.W[%zu][%zu][%zu]", l, j, k);
                snprintf(sym, sizeof sym, "w_{%zu%s%zu}^{[%zu]}{}'", j, (j > 9 || k > 9) ? "," : "",
                         k, l);
                snprintf(desc, sizeof desc, "W[%zu][%zu][%zu] after one gradient step", l, j, k);
                computed(bd, name, sym, desc, GB_OP_STEP, NULL, s, 3);
            }
            snprintf(name, sizeof name, "grad.b[%zu][%zu]", l, j);
            snprintf(sym, sizeof sym, "\\frac{\\partial C}{\\partial b_{%zu}^{[%zu]}}", j, l);
            snprintf(desc, sizeof desc, "gradient of C with respect to b[%zu][%zu]", l, j);
            size_t g = computed(bd, name, sym, desc, GB_OP_GRAD_BIAS, NULL, &q.delta[l][j], 1);
            size_t s[3] = {q.b[l][j], q.eta, g};
            snprintf(name, sizeof name, "new.b[%zu][%zu]", l, j);
            snprintf(sym, sizeof sym, "b_{%zu}^{[%zu]}{}'", j, l);
            snprintf(desc, sizeof desc, "b[%zu][%zu] after one gradient step", l, j);
            computed(bd, name, sym, desc, GB_OP_STEP, NULL, s, 3);
        }
    }
    free(in);
    idx_free(&q, L);
}

static void add_perceptron(builder *bd, const gb_exercise *ex)
{
    size_t n = ex->p_n;
    size_t in[2 * GB_PERCEPTRON_MAX_INPUTS + 1], aug[2 * GB_PERCEPTRON_MAX_INPUTS + 1];
    char name[48], sym[64];
    for (size_t k = 0; k < n; k++) {
        snprintf(name, sizeof name, "perceptron.x[%zu]", k);
        snprintf(sym, sizeof sym, "a_{%zu}", k);
        in[n + k] = given(bd, name, sym, "perceptron input", ex->p_x[k]);
    }
    for (size_t k = 0; k < n; k++) {
        snprintf(name, sizeof name, "perceptron.w[%zu]", k);
        snprintf(sym, sizeof sym, "w_{%zu}", k);
        in[k] = given(bd, name, sym, "perceptron weight (Glorot uniform)", ex->p_w[k]);
    }
    in[2 * n] = given(bd, "perceptron.b", "b", "perceptron bias", ex->p_b);
    size_t z = computed(bd, "perceptron.z", "z", "perceptron pre-activation", GB_OP_PREACT, NULL,
                        in, 2 * n + 1);
    computed(bd, "perceptron.yhat", "\\hat{y}", "perceptron output through the layer",
             GB_OP_ACTIVATION, &ex->p_act, &z, 1);
    /* The same output as the exercise's NumPy check computes it: [1, x] . [b, w]. */
    aug[0] = in[2 * n];
    for (size_t k = 0; k < n; k++) {
        aug[1 + k] = in[k];
        aug[1 + n + k] = in[n + k];
    }
    computed(bd, "perceptron.yhat_aug", "\\hat{y}", "perceptron output as [1, x] . [b, w]",
             GB_OP_AUGMENTED, &ex->p_act, aug, 2 * n + 1);
}

gb_model *gb_exercise_model(const gb_exercise *ex)
{
    builder bd = {gb_model_new(), 0};
    if (!bd.m) return NULL;
    add_mlp(&bd, ex);
    if (!bd.failed) add_perceptron(&bd, ex);
    if (bd.failed) { gb_model_free(bd.m); return NULL; }
    return bd.m;
}
