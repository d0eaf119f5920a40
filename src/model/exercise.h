/* exercise.h — the exercise's sample problem read from the parameters file, and its model of
 * named quantities.
 *
 * Parameters (sections and keys of the parameters file, see chapters/exercise3.ini):
 *   [network]    sizes = [2, 2, 1]          layer sizes n[0..L] (inputs first), each >= 1
 *                activation = sigmoid       one name for every layer, or one per layer
 *                leaky_relu_alpha = 0.01    slope for z <= 0 of leaky ReLU layers
 *                seed = 1                   Glorot seed when [sample] gives no weights
 *   [sample]     x = [...]                  n[0] inputs
 *                y = [...]                  n[L] targets
 *                W1 = [[...], ...] ... WL   n[l] x n[l-1] (row j = neuron j of layer l)
 *                b1 = [...] ... bL          n[l]
 *                eta = 1                    learning rate of the gradient step
 *   [perceptron] inputs = [2, 3, 4]         the perceptron of exercise section 2
 *                activation = sigmoid
 *                seed = 42                  Glorot-uniform seed of its weights (Keras default);
 *                                           the drawn weights are rounded to 4 decimals, the
 *                                           precision documents print them with
 * Weights and biases of [sample] are either all given or all absent (then drawn with Glorot
 * uniform from [network] seed, biases 0).
 *
 * Quantity names in the model (layers l = 1..L, neurons j, inputs k from 0):
 *   givens    x[k], W[l][j][k], b[l][j], y (one output) or y[j], eta,
 *             perceptron.x[k], perceptron.w[k], perceptron.b
 *   computed  z[l][j], a[l][j], dact[l][j] = g'(z[l][j]), yhat (= a[L][0], one output) or
 *             yhat[j], C, delta[l][j], grad.W[l][j][k], grad.b[l][j],
 *             new.W[l][j][k], new.b[l][j] (after one gradient step with eta),
 *             perceptron.z, perceptron.yhat (through the layer),
 *             perceptron.yhat_aug (the bias-augmented sum [1, x] . [b, w], exercise 2.4) */
#ifndef GB_EXERCISE_H
#define GB_EXERCISE_H

#include "model/params.h"
#include "model/quantity.h"
#include "numerics/network.h"
#include "util/diag.h"

#define GB_PERCEPTRON_MAX_INPUTS 64

typedef struct gb_exercise {
    gb_net *net;                          /* the sample network, owned */
    double *x;                            /* n[0] inputs, owned */
    double *y;                            /* n[L] targets, owned */
    double eta;
    size_t p_n;                           /* perceptron inputs */
    double p_x[GB_PERCEPTRON_MAX_INPUTS];
    double p_w[GB_PERCEPTRON_MAX_INPUTS];
    double p_b;
    gb_act p_act;
    unsigned long p_seed, net_seed;
} gb_exercise;

/* Reads the exercise from p (seed_override >= 0 replaces both seeds). On error (GB_EINPUT: a
 * missing or bad key, a size or count that does not match, an unknown activation; the message
 * names file:line:column and what was expected) ex is left empty. Free with gb_exercise_free. */
int gb_exercise_load(gb_exercise *ex, const gb_params *p, long seed_override, gb_err *e);
void gb_exercise_free(gb_exercise *ex);

/* The perceptron's weights w[0..n) and bias *b as gb_exercise_load draws them from seed (its
 * [perceptron] seed): Glorot uniform as Keras' Dense(1) (gb_perceptron_new_glorot, n inputs,
 * activation act), each weight rounded to the 4 decimals documents print; the bias as drawn (0).
 * n is 1..GB_PERCEPTRON_MAX_INPUTS. Returns 0, or GB_EINTERNAL (out of memory, or n or act not
 * a perceptron's) with e set; then w and *b are untouched. */
int gb_exercise_perceptron_weights(size_t n, const gb_act *act, unsigned long seed, double *w,
                                   double *b, gb_err *e);

/* Builds the model of named quantities of ex (names above); NULL when out of memory. */
gb_model *gb_exercise_model(const gb_exercise *ex);

#endif
