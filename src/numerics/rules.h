/* rules.h — the rules of the exercise, one function per kind of quantity.
 *
 * These are the only copies of the formulas: the network (network.c) computes its forward pass,
 * backpropagation and gradient step through them, and the model of named quantities (model/)
 * recomputes each quantity from its inputs through them, so a report, a key and a grader can
 * never disagree. Equations refer to the exercise (shared/seed/exercise3-deep-learning-basics.txt).
 * Layer l has n_l neurons; W[l][j][k] is the weight from neuron k of layer l-1 to neuron j of
 * layer l. */
#ifndef GB_RULES_H
#define GB_RULES_H

#include "numerics/activation.h"

#include <stddef.h>

/* Pre-activation z_j = sum_k w_row[k] a_prev[k] + b_j (section 5, "Forward Propagation").
 * w_row, a_prev: n entries. */
double gb_rule_preact(const double *w_row, const double *a_prev, size_t n, double b);

/* Activation a = g(z). */
double gb_rule_activation(const gb_act *act, double z);

/* Loss C = 1/2 sum_j (yhat_j - y_j)^2 over n outputs (section 4.1, the exercise's MSE). */
double gb_rule_loss(const double *yhat, const double *y, size_t n);

/* Output-layer delta: delta^{[L]}_j = (a_j - y_j) g'(z_j) (section 5, step 1). */
double gb_rule_delta_output(const gb_act *act, double a, double y, double z);

/* Hidden-layer delta: delta^{[l]}_j = (sum_i W^{[l+1]}_{ij} delta^{[l+1]}_i) g'(z^{[l]}_j)
 * (section 5, step 2). w_col[i] = W[l+1][i][j] and delta_next[i] for i < n_next. */
double gb_rule_delta_hidden(const gb_act *act, const double *w_col, const double *delta_next,
                            size_t n_next, double z);

/* The same two rules given the slope g'(z) itself (the exercise computes sigma'(z) as a step of
 * its own): delta = (a - y) slope, and (sum_i W_i delta_i) slope. The rules above call these with
 * slope = gb_act_df(act, z), so the numbers are the same bit for bit. */
double gb_rule_delta_output_slope(double a, double y, double slope);
double gb_rule_delta_hidden_slope(const double *w_col, const double *delta_next, size_t n_next,
                                  double slope);

/* Weight gradient dC/dW[l][j][k] = delta^{[l]}_j a^{[l-1]}_k; bias gradient dC/db[l][j] =
 * delta^{[l]}_j (section 5, "Gradients for ... Weights and Biases"). */
double gb_rule_grad_weight(double delta, double a_prev);
double gb_rule_grad_bias(double delta);

/* Gradient-descent update theta <- theta - eta dC/dtheta (section 4.3). */
double gb_rule_step(double theta, double eta, double grad);

#endif
