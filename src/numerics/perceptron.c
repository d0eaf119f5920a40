/* perceptron.c — the single neuron of section 2: construction (zero or seeded Glorot weights)
 * and its forward pass through the network and through the bias-augmented sum of section 2.4. */
#include "numerics/perceptron.h"

#include "numerics/rules.h"

#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>

gb_net *gb_perceptron_new(size_t n_inputs, const gb_act *act)
{
    if (!act) return NULL;
    size_t sizes[2] = {n_inputs, 1};
    return gb_net_new(1, sizes, act);
}

gb_net *gb_perceptron_new_glorot(size_t n_inputs, const gb_act *act, unsigned long seed)
{
    gb_net *p = gb_perceptron_new(n_inputs, act);
    if (!p) return NULL;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (!rng) {
        gb_net_free(p);
        return NULL;
    }
    gsl_rng_set(rng, seed);
    gb_net_glorot_uniform(p, rng);
    gsl_rng_free(rng);
    return p;
}

int gb_perceptron_is(const gb_net *p)
{
    return p && p->L == 1 && p->n[1] == 1 && p->n[0] >= 1 && p->n[0] <= GB_NET_MAX_WIDTH;
}

int gb_perceptron_forward_net(const gb_net *p, const double *x, double *z, double *yhat)
{
    if (!gb_perceptron_is(p) || !x) return GB_NUM_EINVAL;
    gb_trace *t = gb_trace_new(p);
    if (!t) return GB_NUM_ENOMEM;
    gb_net_forward(p, x, t);
    if (z) *z = t->z[1][0];
    if (yhat) *yhat = t->a[1][0];
    gb_trace_free(t);
    return GB_NUM_OK;
}

int gb_perceptron_forward_augmented(const gb_net *p, const double *x, double *z, double *yhat)
{
    if (!gb_perceptron_is(p) || !x) return GB_NUM_EINVAL;
    const size_t n = p->n[0];
    double *in = malloc(2 * (n + 1) * sizeof *in);
    if (!in) return GB_NUM_ENOMEM;
    double *w = in + n + 1;
    /* The bias becomes weight 0 on a constant input 1 (section 2.4's np.concatenate). */
    in[0] = 1.0;
    w[0] = p->b[1][0];
    for (size_t k = 0; k < n; k++) {
        in[k + 1] = x[k];
        w[k + 1] = p->W[1][k];
    }
    double zz = gb_rule_preact(w, in, n + 1, 0.0);
    free(in);
    if (z) *z = zz;
    if (yhat) *yhat = gb_rule_activation(&p->act[1], zz);
    return GB_NUM_OK;
}

int gb_perceptron_compare(const gb_net *p, const double *x, gb_perceptron_check *out)
{
    if (!out) return GB_NUM_EINVAL;
    gb_perceptron_check c;
    int rc = gb_perceptron_forward_net(p, x, &c.z_net, &c.yhat_net);
    if (rc != GB_NUM_OK) return rc;
    rc = gb_perceptron_forward_augmented(p, x, &c.z_aug, &c.yhat_aug);
    if (rc != GB_NUM_OK) return rc;
    c.abs_diff = fabs(c.yhat_net - c.yhat_aug);
    *out = c;
    return GB_NUM_OK;
}
