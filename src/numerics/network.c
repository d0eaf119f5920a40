/* network.c — a fully connected network of any layer sizes: forward pass, loss, backpropagation,
 * gradient step, flat parameter access and Glorot-uniform initialisation, all through rules.h. */
#include "numerics/network.h"

#include "numerics/rules.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A trace as handed out: the public part first (so a gb_trace * converts back), then the layer
 * sizes it was built for and a scratch column for the hidden deltas. */
typedef struct trace_impl {
    gb_trace pub;
    size_t n[GB_NET_MAX_LAYERS + 1];
    double *col;    /* max n[l] entries: W[l+1][.][j] gathered contiguously for gb_rule_delta_hidden */
    double *block;  /* every array of pub, one allocation */
} trace_impl;

static int sizes_ok(size_t L, const size_t *sizes)
{
    if (L == 0 || L > GB_NET_MAX_LAYERS || !sizes) return 0;
    for (size_t l = 0; l <= L; l++)
        if (sizes[l] == 0 || sizes[l] > GB_NET_MAX_WIDTH) return 0;
    return 1;
}

static size_t count_params(size_t L, const size_t *n)
{
    size_t c = 0;
    for (size_t l = 1; l <= L; l++) c += n[l] * n[l - 1] + n[l];
    return c;
}

gb_net *gb_net_new(size_t L, const size_t *sizes, const gb_act *acts)
{
    if (!sizes_ok(L, sizes) || !acts) return NULL;
    for (size_t l = 0; l < L; l++)
        if (!gb_act_valid(&acts[l])) return NULL;
    gb_net *net = calloc(1, sizeof *net);
    if (!net) return NULL;
    net->L = L;
    for (size_t l = 0; l <= L; l++) net->n[l] = sizes[l];
    /* One block in flat-parameter order (W[1], b[1], W[2], b[2], ...): a step walks memory once. */
    double *p = calloc(count_params(L, sizes), sizeof *p);
    if (!p) {
        free(net);
        return NULL;
    }
    for (size_t l = 1; l <= L; l++) {
        net->act[l] = acts[l - 1];
        net->W[l] = p;
        p += net->n[l] * net->n[l - 1];
        net->b[l] = p;
        p += net->n[l];
    }
    return net;
}

void gb_net_free(gb_net *net)
{
    if (!net) return;
    free(net->W[1]);
    free(net);
}

gb_net *gb_net_clone(const gb_net *net)
{
    if (!net) return NULL;
    gb_act acts[GB_NET_MAX_LAYERS];
    for (size_t l = 1; l <= net->L; l++) acts[l - 1] = net->act[l];
    gb_net *c = gb_net_new(net->L, net->n, acts);
    if (!c) return NULL;
    for (size_t l = 1; l <= net->L; l++) {
        memcpy(c->W[l], net->W[l], net->n[l] * net->n[l - 1] * sizeof(double));
        memcpy(c->b[l], net->b[l], net->n[l] * sizeof(double));
    }
    return c;
}

gb_trace *gb_trace_new(const gb_net *net)
{
    if (!net || !sizes_ok(net->L, net->n)) return NULL;
    trace_impl *ti = calloc(1, sizeof *ti);
    if (!ti) return NULL;
    size_t L = net->L, total = net->n[0], widest = 1;
    for (size_t l = 1; l <= L; l++) {
        total += 4 * net->n[l] + net->n[l] * net->n[l - 1]; /* z, a, delta, gb + gW */
        if (net->n[l] > widest) widest = net->n[l];
    }
    ti->block = calloc(total + widest, sizeof(double));
    if (!ti->block) {
        free(ti);
        return NULL;
    }
    double *p = ti->block;
    gb_trace *t = &ti->pub;
    t->L = L;
    memcpy(ti->n, net->n, sizeof ti->n);
    t->a[0] = p;
    p += net->n[0];
    for (size_t l = 1; l <= L; l++) {
        size_t nl = net->n[l];
        t->z[l] = p;     p += nl;
        t->a[l] = p;     p += nl;
        t->delta[l] = p; p += nl;
        t->gW[l] = p;    p += nl * net->n[l - 1];
        t->gb[l] = p;    p += nl;
    }
    ti->col = p;
    t->C = NAN;
    return t;
}

void gb_trace_free(gb_trace *t)
{
    if (!t) return;
    trace_impl *ti = (trace_impl *)t;
    free(ti->block);
    free(ti);
}

int gb_trace_fits(const gb_net *net, const gb_trace *t)
{
    if (!net || !t || t->L != net->L || net->L == 0 || net->L > GB_NET_MAX_LAYERS) return 0;
    const trace_impl *ti = (const trace_impl *)t;
    for (size_t l = 0; l <= net->L; l++)
        if (ti->n[l] != net->n[l]) return 0;
    return 1;
}

/* A misused trace is marked, not silently half-filled: its loss becomes NaN. */
static int check_fit(const gb_net *net, gb_trace *t)
{
    if (gb_trace_fits(net, t)) return 1;
    if (t) t->C = NAN;
    return 0;
}

/* The passes below assume a fitting trace and non-NULL vectors; the public functions check once,
 * so the per-sample SGD update does not repeat the checks. */
static void forward(const gb_net *net, const double *x, gb_trace *t)
{
    memcpy(t->a[0], x, net->n[0] * sizeof(double));
    for (size_t l = 1; l <= net->L; l++) {
        const size_t nin = net->n[l - 1];
        const double *w = net->W[l], *ain = t->a[l - 1], *b = net->b[l];
        double *z = t->z[l], *a = t->a[l];
        const gb_act *act = &net->act[l];
        for (size_t j = 0; j < net->n[l]; j++) {
            z[j] = gb_rule_preact(w + j * nin, ain, nin, b[j]);
            a[j] = gb_rule_activation(act, z[j]);
        }
    }
}

void gb_net_forward(const gb_net *net, const double *x, gb_trace *t)
{
    if (!check_fit(net, t)) return;
    if (!x) {
        for (size_t l = 1; l <= net->L; l++)
            for (size_t j = 0; j < net->n[l]; j++) t->z[l][j] = t->a[l][j] = NAN;
        t->C = NAN;
        return;
    }
    forward(net, x, t);
}

double gb_net_loss(const gb_net *net, const gb_trace *t, const double *y)
{
    if (!gb_trace_fits(net, t) || !y) return NAN;
    return gb_rule_loss(t->a[net->L], y, net->n[net->L]);
}

static void backward(const gb_net *net, const double *y, gb_trace *t)
{
    const size_t L = net->L;
    t->C = gb_rule_loss(t->a[L], y, net->n[L]);
    for (size_t j = 0; j < net->n[L]; j++)
        t->delta[L][j] = gb_rule_delta_output(&net->act[L], t->a[L][j], y[j], t->z[L][j]);
    double *col = ((trace_impl *)t)->col;
    for (size_t l = L - 1; l >= 1; l--) {
        const size_t nl = net->n[l], nnext = net->n[l + 1];
        const double *wn = net->W[l + 1];
        for (size_t j = 0; j < nl; j++) {
            for (size_t i = 0; i < nnext; i++) col[i] = wn[i * nl + j]; /* W[l+1][i][j] */
            t->delta[l][j] =
                gb_rule_delta_hidden(&net->act[l], col, t->delta[l + 1], nnext, t->z[l][j]);
        }
    }
    for (size_t l = 1; l <= L; l++) {
        const size_t nin = net->n[l - 1];
        const double *ain = t->a[l - 1], *d = t->delta[l];
        double *gw = t->gW[l], *gbias = t->gb[l];
        for (size_t j = 0; j < net->n[l]; j++) {
            for (size_t k = 0; k < nin; k++) gw[j * nin + k] = gb_rule_grad_weight(d[j], ain[k]);
            gbias[j] = gb_rule_grad_bias(d[j]);
        }
    }
}

void gb_net_backward(const gb_net *net, const double *y, gb_trace *t)
{
    if (!check_fit(net, t)) return;
    if (!y) {
        t->C = NAN;
        return;
    }
    backward(net, y, t);
}

static void step(gb_net *net, const gb_trace *t, double eta)
{
    for (size_t l = 1; l <= net->L; l++) {
        const size_t nw = net->n[l] * net->n[l - 1];
        double *w = net->W[l], *b = net->b[l];
        const double *gw = t->gW[l], *gbias = t->gb[l];
        for (size_t i = 0; i < nw; i++) w[i] = gb_rule_step(w[i], eta, gw[i]);
        for (size_t j = 0; j < net->n[l]; j++) b[j] = gb_rule_step(b[j], eta, gbias[j]);
    }
}

void gb_net_step(gb_net *net, const gb_trace *t, double eta)
{
    if (!gb_trace_fits(net, t)) return;
    step(net, t, eta);
}

double gb_net_sgd_update(gb_net *net, gb_trace *t, const double *x, const double *y, double eta)
{
    if (!check_fit(net, t) || !x || !y) return NAN;
    forward(net, x, t);
    backward(net, y, t);
    step(net, t, eta);
    return t->C;
}

size_t gb_net_param_count(const gb_net *net)
{
    if (!net || !sizes_ok(net->L, net->n)) return 0;
    return count_params(net->L, net->n);
}

int gb_net_param_locate(const gb_net *net, size_t i, size_t *l_out, size_t *off, int *is_bias)
{
    if (!net || !sizes_ok(net->L, net->n)) return 0;
    for (size_t l = 1; l <= net->L; l++) {
        size_t nw = net->n[l] * net->n[l - 1];
        if (i < nw) {
            *l_out = l, *off = i, *is_bias = 0;
            return 1;
        }
        i -= nw;
        if (i < net->n[l]) {
            *l_out = l, *off = i, *is_bias = 1;
            return 1;
        }
        i -= net->n[l];
    }
    return 0;
}

double *gb_net_param(gb_net *net, size_t i)
{
    size_t l, off;
    int is_bias;
    if (!gb_net_param_locate(net, i, &l, &off, &is_bias)) return NULL;
    return is_bias ? &net->b[l][off] : &net->W[l][off];
}

double gb_trace_grad(const gb_net *net, const gb_trace *t, size_t i)
{
    size_t l, off;
    int is_bias;
    if (!gb_trace_fits(net, t) || !gb_net_param_locate(net, i, &l, &off, &is_bias)) return NAN;
    return is_bias ? t->gb[l][off] : t->gW[l][off];
}

void gb_net_param_name(const gb_net *net, size_t i, char *buf, size_t cap)
{
    size_t l, off;
    int is_bias;
    if (!buf || cap == 0) return;
    if (!gb_net_param_locate(net, i, &l, &off, &is_bias))
        snprintf(buf, cap, "?");
    else if (is_bias)
        snprintf(buf, cap, "b[%zu][%zu]", l, off);
    else
        snprintf(buf, cap, "W[%zu][%zu][%zu]", l, off / net->n[l - 1], off % net->n[l - 1]);
}

double gb_glorot_limit(size_t fan_in, size_t fan_out)
{
    if (fan_in + fan_out == 0) return NAN;
    return sqrt(6.0 / ((double)fan_in + (double)fan_out));
}

void gb_net_glorot_uniform(gb_net *net, gsl_rng *rng)
{
    if (!net || !rng || !sizes_ok(net->L, net->n)) return;
    for (size_t l = 1; l <= net->L; l++) {
        const double limit = gb_glorot_limit(net->n[l - 1], net->n[l]);
        const size_t nw = net->n[l] * net->n[l - 1];
        /* u in [0,1) maps to [-limit, limit), as Keras' RandomUniform(-limit, limit). */
        for (size_t i = 0; i < nw; i++) net->W[l][i] = limit * (2.0 * gsl_rng_uniform(rng) - 1.0);
        for (size_t j = 0; j < net->n[l]; j++) net->b[l][j] = 0.0;
    }
}
