/* perceptron.h — the exercise's single neuron (section 2): a 1-layer gb_net on n inputs, its
 * forward pass computed the two ways the exercise shows, and their comparison.
 *
 * Section 2.3 builds it in Keras as Dense(1, input_dim=3, activation='sigmoid'), whose kernel is
 * Glorot-uniform and whose bias is 0; gb_perceptron_new_glorot makes that reproducible with a
 * seed. Section 2.4 validates the Keras output by hand: the bias-augmented vectors [1, x] and
 * [b, w], their dot product z, then g(z). Both paths here go through rules.h (the augmented one
 * calls gb_rule_preact on the augmented vectors with bias 0), in different summation orders
 * (net: w.x then + b; augmented: b first), so they agree to a few ulp, not always bit for bit.
 * Pure numerics: no I/O. */
#ifndef GB_PERCEPTRON_H
#define GB_PERCEPTRON_H

#include "numerics/network.h"

#include <stddef.h>

/* A perceptron on n_inputs inputs: the gb_net with L = 1, sizes {n_inputs, 1}, activation act,
 * weight row W[1][0][0..n_inputs-1] = w and bias b[1][0] = b, all 0. NULL for n_inputs = 0 or
 * > GB_NET_MAX_WIDTH, act NULL or not gb_act_valid, or out of memory. Free with gb_net_free. */
gb_net *gb_perceptron_new(size_t n_inputs, const gb_act *act);

/* As gb_perceptron_new, then the weights drawn Glorot-uniform (limit sqrt(6 / (n_inputs + 1)),
 * gb_net_glorot_uniform) from a GSL mt19937 seeded with seed and used for nothing else; bias 0.
 * Same seed, same weights. NULL as above (or if the RNG cannot be allocated). */
gb_net *gb_perceptron_new_glorot(size_t n_inputs, const gb_act *act, unsigned long seed);

/* 1 if p is a perceptron (non-NULL, L = 1, n[1] = 1), else 0. */
int gb_perceptron_is(const gb_net *p);

/* Forward pass through the network (gb_net_forward on a temporary trace): *z = w.x + b and
 * *yhat = g(z); x has n[0] values; z or yhat may be NULL. Returns GB_NUM_OK, GB_NUM_EINVAL (p not
 * a perceptron, x NULL) or GB_NUM_ENOMEM. NaN in x gives NaN outputs with GB_NUM_OK. */
int gb_perceptron_forward_net(const gb_net *p, const double *x, double *z, double *yhat);

/* Forward pass as section 2.4 writes it: inputs [1, x0, .., x_{n-1}] and weights
 * [b, w0, .., w_{n-1}] (n + 1 entries each, built in temporary memory), z = their dot product,
 * *yhat = g(z). Arguments, errors and NaN as gb_perceptron_forward_net. */
int gb_perceptron_forward_augmented(const gb_net *p, const double *x, double *z, double *yhat);

/* Both forward passes for one input and how far apart they are. */
typedef struct gb_perceptron_check {
    double z_net, yhat_net;  /* gb_perceptron_forward_net */
    double z_aug, yhat_aug;  /* gb_perceptron_forward_augmented */
    double abs_diff;         /* |yhat_net - yhat_aug| */
} gb_perceptron_check;

/* Fills *out with both passes for input x (n[0] values). Returns GB_NUM_OK, GB_NUM_EINVAL (p not a
 * perceptron, x or out NULL) or GB_NUM_ENOMEM; *out is untouched on error. */
int gb_perceptron_compare(const gb_net *p, const double *x, gb_perceptron_check *out);

#endif
