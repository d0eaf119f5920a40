/* ref_mlp.h — the tests' own reference of the 2-2-1 sigmoid network, in long double.
 *
 * Written independently of src/ (it calls nothing of gradbook's numerics): it is what the tests
 * check gradbook's forward pass, backward pass and answers against. The givens are doubles,
 * promoted exactly to long double; every quantity is then the textbook formula in long double
 * (64-bit mantissa, 11 bits more than double), with the a(1 - a) sigmoid slope, which is fine
 * where nothing saturates:
 *
 *   z1[j]     = W1[j][0] x[0] + W1[j][1] x[1] + b1[j]   a1[j] = s(z1[j]),  s(z) = 1 / (1 + e^-z)
 *   z2        = W2[0] a1[0] + W2[1] a1[1] + b2          yhat  = s(z2)
 *   C         = (yhat - y)^2 / 2
 *   delta2    = (yhat - y) yhat (1 - yhat)              gW2[j] = delta2 a1[j],  gb2 = delta2
 *   delta1[j] = delta2 W2[j] a1[j] (1 - a1[j])          gW1[j][k] = delta1[j] x[k],
 *                                                       gb1[j] = delta1[j]
 *
 * Indexing as the workbook's W[l][j][k]: row j is neuron j of the layer, column k its input k
 * (W1[j][k] is W[1][j][k], W2[j] is W[2][0][j]). */
#ifndef GB_REF_MLP_H
#define GB_REF_MLP_H

typedef struct ref_mlp {
    long double z1[2], a1[2];   /* layer 1: pre-activations and activations */
    long double z2, yhat;       /* output neuron */
    long double C;              /* loss (yhat - y)^2 / 2 */
    long double delta2;         /* dC/dz2 */
    long double delta1[2];      /* dC/dz1[j] */
    long double gW1[2][2];      /* dC/dW1[j][k] */
    long double gb1[2];         /* dC/db1[j] */
    long double gW2[2];         /* dC/dW2[j] */
    long double gb2;            /* dC/db2 */
} ref_mlp;

/* One forward and backward pass of sample (x, y) through the net (W1, b1, W2, b2) into *r. */
void ref_mlp_pass(const double x[2], const double W1[2][2], const double b1[2],
                  const double W2[2], double b2, double y, ref_mlp *r);

#endif
