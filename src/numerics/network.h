/* network.h — a fully connected feed-forward network of any layer sizes, with a per-layer
 * activation: forward pass keeping every z and a, MSE loss, backpropagation, gradient step,
 * Glorot-uniform initialisation.
 *
 * Layers are numbered as in the exercise: layer 0 is the input x (n[0] values), layers 1..L have
 * weights. For the exercise's 2-2-1 MLP, L = 2 and n = {2, 2, 1}; its perceptron is L = 1,
 * n = {3, 1}. Storage (arrays indexed by layer l = 1..L; index 0 unused unless stated):
 *   W[l]  n[l] x n[l-1], row-major: W[l][j * n[l-1] + k] = weight from neuron k of layer l-1 to
 *         neuron j of layer l (the exercise's w^{[l]}_{jk});
 *   b[l]  n[l] biases.
 * Every computation goes through rules.h. Pure numerics: no I/O. */
#ifndef GB_NETWORK_H
#define GB_NETWORK_H

#include "numerics/activation.h"

#include <gsl/gsl_rng.h>
#include <stddef.h>

/* Status of the numerics functions that can fail (perceptron, dataset, training): the same values
 * as util/diag.h's GB_OK / GB_EINPUT / GB_EINTERNAL, so callers can pass them on as exit codes
 * (numerics/ itself depends on nothing else of gradbook). */
enum { GB_NUM_OK = 0, GB_NUM_ENOMEM = 1, GB_NUM_EINVAL = 2 };

#define GB_NET_MAX_LAYERS 16     /* L <= 16 */
#define GB_NET_MAX_WIDTH  4096   /* n[l] <= 4096 */

typedef struct gb_net {
    size_t L;                              /* layers with weights, 1..GB_NET_MAX_LAYERS */
    size_t n[GB_NET_MAX_LAYERS + 1];       /* n[0] inputs, n[l] neurons of layer l, each >= 1 */
    gb_act act[GB_NET_MAX_LAYERS + 1];     /* act[l] for l = 1..L */
    double *W[GB_NET_MAX_LAYERS + 1];      /* see above; owned */
    double *b[GB_NET_MAX_LAYERS + 1];      /* owned */
} gb_net;

/* Everything one sample's forward and backward pass computes, for inspection by the model, the
 * report and tests. Arrays per layer as above; a[0] is a copy of x. Read the fields freely, but
 * obtain a trace only from gb_trace_new: it carries hidden bookkeeping (its layer sizes and a
 * scratch column), so a gb_trace declared or copied by hand must never be passed in. */
typedef struct gb_trace {
    size_t L;
    double *z[GB_NET_MAX_LAYERS + 1];      /* z[l]: n[l] pre-activations, l >= 1 */
    double *a[GB_NET_MAX_LAYERS + 1];      /* a[l]: n[l] activations, a[0] = x */
    double *delta[GB_NET_MAX_LAYERS + 1];  /* delta[l] = dC/dz[l] */
    double *gW[GB_NET_MAX_LAYERS + 1];     /* dC/dW[l], same layout as W[l] */
    double *gb[GB_NET_MAX_LAYERS + 1];     /* dC/db[l] */
    double C;                              /* loss of the last backward pass */
} gb_trace;

/* A network with L layers of sizes[0..L] and activations acts[0..L-1] (for layers 1..L), all
 * weights and biases 0. Returns NULL for L = 0 or > GB_NET_MAX_LAYERS, a size of 0 or above
 * GB_NET_MAX_WIDTH, NULL sizes/acts, an activation that is not gb_act_valid (e.g. leaky ReLU
 * alpha outside (0,1)), or out of memory. Caller frees with gb_net_free (NULL is fine).
 * The W[l] and b[l] of all layers live in one block owned by the net, in flat-parameter order:
 * change the values, never the pointers. */
gb_net *gb_net_new(size_t L, const size_t *sizes, const gb_act *acts);
void gb_net_free(gb_net *net);
/* Deep copy (weights, biases, activations); NULL for NULL net or out of memory. */
gb_net *gb_net_clone(const gb_net *net);

/* Buffers for one sample's pass through net (also usable with any net of the same sizes, e.g.
 * a clone); NULL for NULL net or out of memory. C starts as NaN. gb_trace_free(NULL) is fine.
 * Forward, backward and step allocate nothing: all buffers live here. */
gb_trace *gb_trace_new(const gb_net *net);
void gb_trace_free(gb_trace *t);

/* 1 if t came from gb_trace_new for a net with the same L and n[0..L] as net, else 0 (also for
 * NULL). Forward/backward/step/loss given a trace that does not fit do nothing to the net and
 * set t->C (when t is not NULL) to NaN, so the misuse shows instead of reading foreign memory. */
int gb_trace_fits(const gb_net *net, const gb_trace *t);

/* Forward pass for input x (n[0] values): fills t->a[0..L] and t->z[1..L] through
 * gb_rule_preact and gb_rule_activation (section 5, "Forward Propagation"). NaN in x propagates
 * to the outputs (callers detect it with isnan); x NULL sets every z, a and C to NaN. */
void gb_net_forward(const gb_net *net, const double *x, gb_trace *t);

/* Loss C = 1/2 sum (a[L] - y)^2 of a trace after gb_net_forward; y has n[L] values (section 4.1,
 * gb_rule_loss). NaN for a trace that does not fit or y NULL. */
double gb_net_loss(const gb_net *net, const gb_trace *t, const double *y);

/* Backpropagation after gb_net_forward: fills t->delta, t->gW, t->gb and t->C for target y
 * (n[L] values) through gb_rule_delta_output / _delta_hidden / _grad_weight / _grad_bias /
 * gb_rule_loss (section 5, steps 1 and 2). Slopes g'(z) are taken at the stored pre-activations
 * with the stable forms of activation.h. y NULL sets t->C to NaN. */
void gb_net_backward(const gb_net *net, const double *y, gb_trace *t);

/* One gradient-descent step theta <- theta - eta dC/dtheta for every parameter, using the
 * gradients in t (gb_rule_step, section 4.3). eta should be finite and > 0 (not checked here,
 * the hot path; training validates it). */
void gb_net_step(gb_net *net, const gb_trace *t, double eta);

/* One per-sample SGD update: forward(x), backward(y), step(eta). Returns the loss C of the sample
 * before the step, or NaN (net untouched) for a trace that does not fit or NULL x/y. */
double gb_net_sgd_update(gb_net *net, gb_trace *t, const double *x, const double *y, double eta);

/* Parameters as one flat list, in the order: for l = 1..L, W[l] row-major, then b[l]
 * (2-2-1: W[1][0][0], W[1][0][1], W[1][1][0], W[1][1][1], b[1][0], b[1][1], W[2][0][0],
 * W[2][0][1], b[2][0]). gb_net_param_count is their number (0 for NULL; Keras' "trainable
 * params", shared/cases/08); gb_net_param returns a pointer into the net to parameter i, or NULL
 * for i >= count; gb_trace_grad returns the gradient of parameter i from a trace after
 * gb_net_backward, or NaN for i >= count or a trace that does not fit.
 * gb_net_param_name writes "?" for i >= count. */
size_t gb_net_param_count(const gb_net *net);
double *gb_net_param(gb_net *net, size_t i);
double gb_trace_grad(const gb_net *net, const gb_trace *t, size_t i);
/* Where parameter i (the order above) lives: *l = its layer (1..L), *is_bias = 1 for a bias,
 * and *off = its offset in W[l] (row-major: j * n[l-1] + k for W[l][j][k]) or in b[l] (j).
 * Returns 1; 0 (outputs untouched) for i >= count, a NULL net or one with bad sizes. */
int gb_net_param_locate(const gb_net *net, size_t i, size_t *l, size_t *off, int *is_bias);
/* The named-quantity name of parameter i: "W[l][j][k]" or "b[l][j]"; writes at most cap bytes
 * (always NUL-terminated). Layer/neuron numbers as in the exercise (layers from 1, neurons from 0). */
void gb_net_param_name(const gb_net *net, size_t i, char *buf, size_t cap);

/* Glorot (Xavier) uniform initialisation as Keras' Dense does by default: every W[l] entry drawn
 * from U(-limit, limit) with limit = sqrt(6 / (n[l-1] + n[l])) (fan_in = n[l-1], fan_out = n[l]),
 * row by row with gsl_rng_uniform, biases set to 0 (shared/cases/08). */
void gb_net_glorot_uniform(gb_net *net, gsl_rng *rng);
/* The limit sqrt(6 / (fan_in + fan_out)); NaN when both are 0. NULL net or rng: the function
 * above does nothing. */
double gb_glorot_limit(size_t fan_in, size_t fan_out);

#endif
