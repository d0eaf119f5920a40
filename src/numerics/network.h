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
 * report and tests. Arrays per layer as above; a[0] is a copy of x. */
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
 * GB_NET_MAX_WIDTH, or out of memory. Caller frees with gb_net_free (NULL is fine). */
gb_net *gb_net_new(size_t L, const size_t *sizes, const gb_act *acts);
void gb_net_free(gb_net *net);
/* Deep copy; NULL when out of memory. */
gb_net *gb_net_clone(const gb_net *net);

/* Buffers for one sample's pass through net; NULL when out of memory. gb_trace_free(NULL) ok. */
gb_trace *gb_trace_new(const gb_net *net);
void gb_trace_free(gb_trace *t);

/* Forward pass for input x (n[0] values): fills t->a[0..L] and t->z[1..L]. */
void gb_net_forward(const gb_net *net, const double *x, gb_trace *t);

/* Loss C = 1/2 sum (a[L] - y)^2 of a trace after gb_net_forward; y has n[L] values. */
double gb_net_loss(const gb_net *net, const gb_trace *t, const double *y);

/* Backpropagation after gb_net_forward: fills t->delta, t->gW, t->gb and t->C for target y. */
void gb_net_backward(const gb_net *net, const double *y, gb_trace *t);

/* One gradient-descent step with learning rate eta using the gradients in t. */
void gb_net_step(gb_net *net, const gb_trace *t, double eta);

/* Parameters as one flat list, in the order: for l = 1..L, W[l] row-major, then b[l].
 * gb_net_param_count is their number; gb_net_param returns a pointer to parameter i (< count);
 * gb_trace_grad returns the gradient of parameter i from a trace after gb_net_backward. */
size_t gb_net_param_count(const gb_net *net);
double *gb_net_param(gb_net *net, size_t i);
double gb_trace_grad(const gb_net *net, const gb_trace *t, size_t i);
/* The named-quantity name of parameter i: "W[l][j][k]" or "b[l][j]"; writes at most cap bytes
 * (always NUL-terminated). Layer/neuron numbers as in the exercise (layers from 1, neurons from 0). */
void gb_net_param_name(const gb_net *net, size_t i, char *buf, size_t cap);

/* Glorot (Xavier) uniform initialisation as Keras' Dense does by default: every W[l] entry drawn
 * from U(-limit, limit) with limit = sqrt(6 / (n[l-1] + n[l])) (fan_in = n[l-1], fan_out = n[l]),
 * row by row with gsl_rng_uniform, biases set to 0 (shared/cases/08). */
void gb_net_glorot_uniform(gb_net *net, gsl_rng *rng);
/* The limit sqrt(6 / (fan_in + fan_out)). */
double gb_glorot_limit(size_t fan_in, size_t fan_out);

#endif
